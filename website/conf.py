"""Sphinx configuration of the course's website (``make site``).

The source folder is the repository itself, so that the notebooks, the
exercises and docs/ are read where they are and every link between them works
on the site as it does on GitHub; ``include_patterns`` keeps everything else
(solutions/ first of all) out. Notebooks are rendered with their committed
outputs: nothing is executed. MathJax is served from website/_static, so the
site needs no network, neither to build nor to read.

The one setting a maintainer changes is the repository's URL, from which the
Binder links are built:

    make site REPOSITORY_URL=https://github.com/ORG/REPO [REPOSITORY_BRANCH=main]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

project = "Neural networks, from XOR to PyTorch"
author = "The course maintainers"
copyright = "2026, the course maintainers (MIT licence)"

root_doc = "website/index"
extensions = ["myst_nb", "course_site"]
include_patterns = [
    "website/*.md",
    "notebooks/*.ipynb",
    "exercises/*.ipynb",
    "docs/*.md",
]
exclude_patterns = [
    ".*", "build", "wheels", "test-artifacts", "solutions", "gradebook", "**/.ipynb_checkpoints",
]

# -- the course's settings ------------------------------------------------------
course_repository_url = ""  # e.g. https://github.com/ORG/REPO (make site REPOSITORY_URL=...)
course_repository_branch = "main"

# -- MyST and MyST-NB --------------------------------------------------------------
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# -- HTML --------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_favicon = "favicon.svg"
templates_path = ["_templates"]
html_last_updated_fmt = None
# Light by default: the figures are drawn on white. Readers can switch to dark.
html_context = {"default_mode": "light"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": False,
}
html_sidebars = {
    "**": [
        "navbar-logo.html",
        "search-button-field.html",
        "sbt-sidebar-nav.html",
        "course-in-preparation.html",
    ]
}
# MathJax 3 from website/_static/mathjax (see website/update_mathjax.sh), never a CDN.
mathjax_path = "mathjax/tex-mml-chtml.js"
# The site's address itself (/) leads to the home page, website/index.html.
html_extra_path = ["_root"]
