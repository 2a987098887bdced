"""Which cells of a notebook print something else on another computer?

The notebooks run top to bottom with fixed seeds and print the same text every
time on one computer. On another, the same code can round differently: NumPy
picks its vectorised ``exp``/``tanh`` by the processor's instruction sets, and
OpenBLAS picks its matrix-product kernels and splits them over threads. Cells
that print round-off itself (the relative error of a gradient check, a chaotic
training run) then show other digits.

This script imitates other computers on this one, runs each notebook under
every configuration below from a fresh kernel (as ``make execute`` does), and
compares the text each code cell prints (figures are not compared):

- ``this computer``: as it is;
- ``1 thread`` / ``2 threads``: ``OPENBLAS_NUM_THREADS``;
- ``no AVX-512``: NumPy's AVX-512 code paths turned off (``NPY_DISABLE_CPU_FEATURES``);
- ``old CPU``: OpenBLAS's kernels for an old processor (``OPENBLAS_CORETYPE=Prescott``).

It reports every cell whose output differs, and fails (exit status 1) when
such a cell is checked by the tests (``# NBVAL_CHECK_OUTPUT``) or does not
say so on its first line (``# Varies by machine: <why>``), the label chapter 00
tells learners to look for. A clean run does not prove that no other computer
differs: it covers the differences these switches can imitate.

Usage::

    python benchmarks/machine_variation.py notebooks/0[0-3]_*.ipynb
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbclient
import nbformat

REPO = Path(__file__).resolve().parents[1]
CHECKED = "# NBVAL_CHECK_OUTPUT"
LABEL = "# Varies by machine:"
CONFIGURATIONS = {
    "this computer": {},
    "1 thread": {"OPENBLAS_NUM_THREADS": "1"},
    "2 threads": {"OPENBLAS_NUM_THREADS": "2"},
    "no AVX-512": {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"},
    "old CPU": {"OPENBLAS_CORETYPE": "Prescott"},
}


def cell_texts(path: Path, environment: dict[str, str]) -> list[str]:
    """Run the notebook in a fresh kernel with ``environment`` added; one text per code cell."""
    notebook = nbformat.read(path, as_version=4)
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    os.environ["TQDM_DISABLE"] = "1"
    try:
        client = nbclient.NotebookClient(
            notebook, timeout=600, kernel_name="python3",
            resources={"metadata": {"path": str(path.parent.resolve())}},
        )
        client.execute()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    texts = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for output in cell.outputs:
            if output.output_type == "stream":
                parts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                if "image/png" not in output.data:
                    parts.append(output.data.get("text/plain", ""))
            elif output.output_type == "error":
                parts.append(f"{output.ename}: {output.evalue}")
        texts.append("".join(parts))
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    problems = 0
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        indices = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
        runs = {}
        for name, environment in CONFIGURATIONS.items():
            start = time.perf_counter()
            runs[name] = cell_texts(path, environment)
            print(f"{path.name}: ran on '{name}' in {time.perf_counter() - start:.1f} s",
                  flush=True)
        reference = runs["this computer"]
        varying = [k for k in range(len(sources))
                   if any(run[k] != reference[k] for run in runs.values())]
        labelled = {k for k, source in enumerate(sources) if source.startswith(LABEL)}
        print(f"{path.name}: {len(varying)} of {len(sources)} code cells print something else "
              f"under another configuration; {len(labelled)} are labelled")
        for k in varying:
            checked = CHECKED in sources[k]
            missing = k not in labelled
            verdict = ("CHECKED BY THE TESTS" if checked else
                       "NOT LABELLED" if missing else "labelled")
            problems += checked or missing
            differing = [name for name, run in runs.items() if run[k] != reference[k]]
            first = next(
                (line for line_a, line in zip(reference[k].splitlines(),
                                              runs[differing[0]][k].splitlines(), strict=False)
                 if line_a != line), "")
            print(f"  cell {indices[k]} ({verdict}): differs under {', '.join(differing)}")
            print(f"      e.g. {first.strip()[:110]}")
        for k in sorted(labelled - set(varying)):
            print(f"  cell {indices[k]}: labelled, identical under these configurations")
    print("OK" if not problems else f"{problems} cell(s) to fix")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
