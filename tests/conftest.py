"""Shared test configuration: hypothesis profiles, the CI switch, the plotting backend."""

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

# CI (CI=true) is derandomized and has no deadline, so a run is reproducible
# and a slow machine never fails a property test.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=50,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=50)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail_without(what: str, how: str) -> None:
    """Skip a test whose system dependency is missing, but fail on CI.

    CI installs every system package the tests need (.ci/run), so a missing
    one there is a broken CI setup, not a reason to skip.
    """
    message = f"{what} is not available; {how}"
    if ON_CI:
        pytest.fail(f"{message} (CI=true, so this is an error, not a skip)")
    pytest.skip(f"{message} (skipped because CI is not set)")


# --- Fashion-MNIST: one clear skip (or, on CI, one clear failure) when it is missing ---------
#
# Notebook 00 and the real-data tests need the Fashion-MNIST files. Without them, nbval would
# report a failing cell for every checked output of notebook 00, and every real-data test a
# skip of its own. Instead, when no location of the lookup holds a verified copy, every test
# that needs the data is deselected but one, which is skipped (failed on CI) with one message
# saying how to get the data. Nothing is downloaded: `make data` does that.

DATA_NOTEBOOK_CALL = "load_fashion_mnist("


def needs_fashion_mnist(item) -> bool:
    """The real-data tests (marker ``realdata``) and the cells of a notebook that loads the data."""
    if item.get_closest_marker("realdata") is not None:
        return True
    path = getattr(item, "path", None)
    return path is not None and path.suffix == ".ipynb" and _loads_fashion_mnist(path)


_LOADS: dict = {}


def _loads_fashion_mnist(path) -> bool:
    if path not in _LOADS:
        import nbformat

        cells = nbformat.read(path, as_version=4).cells
        _LOADS[path] = any(cell.cell_type == "code" and DATA_NOTEBOOK_CALL in cell.source
                           for cell in cells)
    return _LOADS[path]


def missing_data_message(items) -> str:
    from course_lib.data.fashion_mnist import how_to_get_data

    where = sorted({str(item.path.relative_to(item.config.rootpath)) for item in items})
    return (
        f"Fashion-MNIST is not available, so the {len(items)} tests that need it did not run "
        f"({', '.join(where)}).\n{how_to_get_data()}"
    )


def pytest_collection_modifyitems(config, items):
    needing = [item for item in items if needs_fashion_mnist(item)]
    if not needing:
        return
    from course_lib.data.fashion_mnist import find_fashion_mnist

    if find_fashion_mnist() is not None:
        return
    message = missing_data_message(needing)
    if ON_CI:
        # The failure is raised by pytest_runtest_setup below, which sees only tests/.
        here = Path(__file__).parent
        in_tests = [item for item in needing if item.path.is_relative_to(here)]
        if not in_tests:
            return  # a notebook alone: nbval fails its cells
        kept = in_tests[0]
        kept.stash[MISSING_DATA] = f"{message}\n(CI=true, so this is an error, not a skip)"
    else:
        kept = needing[0]
        kept.add_marker(pytest.mark.skip(
            reason=f"{message}\n(skipped because CI is not set)"))
    others = [item for item in needing if item is not kept]
    if others:
        left_out = set(others)
        config.hook.pytest_deselected(items=others)
        items[:] = [item for item in items if item not in left_out]


MISSING_DATA = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    message = item.stash.get(MISSING_DATA, None)
    if message is not None:  # before any fixture starts
        pytest.fail(message, pytrace=False)
