"""The website's own code lives in website/_ext (a Sphinx extension), not in course_lib."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "website" / "_ext"))
