#!/usr/bin/env bash
# Refresh the MathJax 3 files the site serves (website/_static/mathjax/).
#
# The site loads MathJax from its own _static folder, never from a CDN, so that
# `make site` and the pages work offline. Only the part the site uses is kept:
# the TeX+MathML to CommonHTML component, the fonts it loads and the TeX
# extensions its autoloader fetches for \boldsymbol, \color and \cancel. Needs
# npm (and its registry) once; the result is committed, so building the site
# needs neither.
#
#   website/update_mathjax.sh [VERSION]     # default: the newest 3.x
set -euo pipefail
VERSION="${1:-3}"
HERE="$(cd "$(dirname "$0")" && pwd)"
TARGET="$HERE/_static/mathjax"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "mathjax@$VERSION" >/dev/null && tar xzf mathjax-*.tgz)
ES5="$WORK/package/es5"
rm -rf "$TARGET"
mkdir -p "$TARGET/output/chtml/fonts" "$TARGET/input/tex/extensions"
cp "$ES5/tex-mml-chtml.js" "$TARGET/"
cp -r "$ES5/output/chtml/fonts/woff-v2" "$TARGET/output/chtml/fonts/"
for extension in boldsymbol color cancel; do
  cp "$ES5/input/tex/extensions/$extension.js" "$TARGET/input/tex/extensions/"
done
cp "$WORK/package/LICENSE" "$TARGET/LICENSE"
version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
  "$WORK/package/package.json")"
printf 'MathJax %s (npm package mathjax@%s), Apache License 2.0 (LICENSE).\n' "$version" "$version" \
  > "$TARGET/VERSION"
echo "MathJax $version -> $TARGET ($(du -sh "$TARGET" | cut -f1))"
