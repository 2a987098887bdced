"""What every explorer shares: the grading switch, the figure output, the display.

Taught in notebooks/01_xor_from_scratch.ipynb (the first explorer) and used
by every module of ``course_lib.widgets``.

Figures are ``matplotlib.figure.Figure`` objects made without pyplot, so they
are never shown twice by the inline backend and never pile up in memory.
``show_figure`` turns a figure into a PNG and makes it the one and only output
of the explorer's ``Output`` widget, in a single assignment to
``Output.outputs``. In the browser this is what ``clear_output(wait=True)``
followed by ``display(fig)`` does (the old image stays until the new one
replaces it, so nothing flickers and nothing piles up), but it does not rely on
the kernel routing the messages of a callback, so the same code path runs, and
is tested, outside a kernel too.

Taught in no notebook: every explorer of course_lib.widgets is built on it.
"""

from __future__ import annotations

import base64
import io
import os

import ipywidgets as widgets
from matplotlib.figure import Figure

#: The grader sets this variable; explorers then build nothing and compute nothing.
GRADING_VARIABLE = "COURSE_GRADING"


def grading_mode() -> bool:
    """True when the notebook runs under the grader (``COURSE_GRADING=1``).

    Chapter 00 explains how grading works; explorers check this switch.
    """
    return os.environ.get(GRADING_VARIABLE, "").strip().lower() in {"1", "true", "yes"}


def new_figure(*, ncols: int = 1, figsize: tuple[float, float] = (9.0, 3.6)):
    """A pyplot-free figure with ``ncols`` axes side by side: ``(fig, axes)``.

    ``axes`` is a single Axes when ``ncols == 1``, else a list of them.
    """
    # Fixed margins: an automatic layout engine would double the time of a redraw.
    # layout="none" also overrides a notebook's rcParams (e.g. constrained layout on).
    fig = Figure(figsize=figsize, layout="none")
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.9, wspace=0.28)
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes[0] if ncols == 1 else axes


def figure_to_png(fig: Figure, *, dpi: int = 80) -> bytes:
    """Render ``fig`` to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def show_figure(output: widgets.Output, fig: Figure, *, dpi: int = 80) -> None:
    """Make ``fig`` the only thing ``output`` shows, replacing what was there."""
    png = figure_to_png(fig, dpi=dpi)
    width, height = (fig.get_size_inches() * dpi).round().astype(int)
    output.outputs = (
        {
            "output_type": "display_data",
            "data": {
                "image/png": base64.b64encode(png).decode("ascii"),
                "text/plain": f"<Figure size {width}x{height}>",
            },
            "metadata": {},
        },
    )


def image_outputs(output: widgets.Output) -> list[bytes]:
    """The PNG images ``output`` currently shows, decoded (used by tests and checks)."""
    return [
        base64.b64decode(item["data"]["image/png"])
        for item in output.outputs
        if "image/png" in item.get("data", {})
    ]


class Explorer:
    """Base of the explorers: holds the root widget and displays it.

    Subclasses set ``self.widget`` (the root box) and ``self.output`` in
    ``__init__`` unless ``self.inert`` is true, and implement ``update()``.
    In a notebook, an explorer displays itself when it is the last expression
    of a cell; where widgets cannot be shown (e.g. on GitHub) the text says
    how to use it.
    """

    title = "Explorer"

    def __init__(self) -> None:
        self.inert = grading_mode()
        self.widget: widgets.Widget | None = None
        self.output: widgets.Output | None = None

    def update(self, change=None) -> None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _assemble(self, controls: list[widgets.Widget], *, min_height: str) -> None:
        """Lay out ``controls`` in two columns above a summary line and the figure,
        draw once, and redraw whenever a control changes."""
        self.summary = widgets.HTML()
        self.output = widgets.Output(layout=widgets.Layout(min_height=min_height))
        left = (len(controls) + 1) // 2
        self.widget = widgets.VBox([
            widgets.HBox([widgets.VBox(controls[:left]), widgets.VBox(controls[left:])]),
            self.summary,
            self.output,
        ])
        self.update()
        for control in controls:
            control.observe(self.update, names="value")

    def _repr_mimebundle_(self, **kwargs):
        if self.widget is None:
            message = f"{self.title}: switched off while grading ({GRADING_VARIABLE}=1)."
            return {"text/plain": message}
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle["text/plain"] = (
            f"{self.title}: run this notebook in JupyterLab (make lab) to use its controls."
        )
        return bundle
