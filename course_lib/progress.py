"""Progress bars for loops that take more than a few seconds, off when TQDM_DISABLE is set.

Taught in no notebook: ``fit`` and ``course_lib.experiments.run`` show one.
"""

from __future__ import annotations

import os

from tqdm.auto import tqdm


def progress_disabled(progress: bool = True) -> bool:
    """True when the bar must be off: ``progress=False`` or the variable ``TQDM_DISABLE`` set.

    tqdm reads ``TQDM_DISABLE`` itself, but only when tqdm is first imported, and an
    explicit ``disable=`` argument overrides it; reading it here at call time also
    honours a variable set later, e.g. inside a notebook (``make test`` and
    ``make execute`` set it, since bars split a notebook's output streams).

    Example:
        >>> progress_disabled(False)
        True
    """
    env = os.environ.get("TQDM_DISABLE", "").strip().lower()
    return not progress or env not in ("", "0", "false", "no")


def progress_bar(*, total: int, desc: str | None = None, unit: str = "it",
                 progress: bool = True) -> tqdm:
    """A tqdm.auto bar of ``total`` steps (a widget in JupyterLab, text in a terminal).

    Example:
        >>> with progress_bar(total=3, progress=False) as bar:
        ...     _ = bar.update(3)
    """
    return tqdm(total=total, desc=desc, unit=unit, disable=progress_disabled(progress))
