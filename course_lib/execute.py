"""Execute notebooks in place, the way their committed outputs are produced (``make execute``).

Each notebook runs top to bottom in a fresh kernel of the current Python, from
its own folder, with progress bars off (``TQDM_DISABLE=1``) and without
per-cell timing metadata, so that re-running an unchanged notebook changes
nothing but what the code itself prints. Widget state and widget views
are not stored: a notebook keeps the widgets' text fallback and renders on
GitHub.

Usage::

    python -m course_lib.execute notebooks/01_xor_from_scratch.ipynb [...]

Taught in no notebook: ``make execute`` runs it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

DEFAULT_CELL_TIMEOUT = 600
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute_notebook(path: Path, *, cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> float:
    """Run the notebook at ``path`` in a fresh kernel and save it with its new outputs.

    Returns the wall time in seconds. Raises ``nbclient.exceptions.CellExecutionError``
    (naming the cell) if a cell fails; the file on disk is then left unchanged.
    """
    import nbclient
    import nbformat

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    os.environ["TQDM_DISABLE"] = "1"
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = nbclient.NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        record_timing=False,
        store_widget_state=False,
        coalesce_streams=True,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    notebook.metadata.pop("widgets", None)
    drop_widget_views(notebook)
    temporary = path.with_name(f".{path.name}.tmp")
    nbformat.write(notebook, temporary)
    temporary.replace(path)
    return elapsed


def drop_widget_views(notebook) -> None:
    """Keep only the text fallback of widget outputs.

    Without stored widget state a widget view cannot be drawn anyway, and its
    random model id would change the file at every run.
    """
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT)
    args = parser.parse_args(argv)
    failed = []
    for path in args.notebooks:
        print(f"executing {path} ...", flush=True)
        try:
            seconds = execute_notebook(path, cell_timeout=args.cell_timeout)
        except Exception as error:  # report every failing notebook, then fail
            print(f"  FAILED: {type(error).__name__}: {error}", file=sys.stderr)
            failed.append(path)
        else:
            print(f"  done in {seconds:.1f} s")
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(map(str, failed))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
