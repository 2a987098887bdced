"""Shared test configuration: hypothesis profiles, the CI switch, the plotting backend."""

import os

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
