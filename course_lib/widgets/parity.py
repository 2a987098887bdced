"""The parity explorer: the course's NumPy MLP and its PyTorch twin, trained side by side.

Taught in notebooks/09_numpy_to_pytorch.ipynb. For every setting of the
controls (optimizer, dtype, learning rate, epochs, batch size) it builds the
two twins with the same weights (``course_lib.torch_parity.twin_models``),
trains them on the same batches with ``compare_training``, and draws

- left: the loss of every step in both frameworks (on top of each other while
  they agree);
- right: how far they differ after each step, for the parameters and for the
  loss, on a log scale, with the dtype's unit round-off.

It imports torch (a torch-side module, like ``course_lib.torch_parity``).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib import checks
from course_lib.data import Standardizer, minibatches
from course_lib.plots.parity import plot_parity_errors, plot_parity_losses, unit_roundoff
from course_lib.torch_parity import compare_training, twin_models
from course_lib.widgets.common import Explorer, new_figure, show_figure

#: The optimizers of the explorer: how each framework builds it, and its schedule.
OPTIMIZERS = {
    "SGD, momentum 0.9, StepLR": (
        lambda optim, params, lr: optim.SGD(params, lr=lr, momentum=0.9),
        lambda optim, optimizer: optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)),
    "Adam, cosine annealing": (
        lambda optim, params, lr: optim.Adam(params, lr=lr),
        lambda optim, optimizer: optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10)),
}
DTYPES = ("float64", "float32")
BATCH_SIZES = (16, 32, 64, 128)
MAX_EPOCHS = 8
LR_EXPONENTS = (-3.0, 0.0)  # the learning-rate slider runs from 10**-3 to 1
HIDDEN = 32


def default_data():
    """scikit-learn's digits, standardized: X (1797, 64) float64 and y (1797,) int64.

    Example:
        >>> X, y = default_data()
        >>> X.shape, y.dtype
        ((1797, 64), dtype('int64'))

    Taught in no notebook: the explorer's default data (the notebook passes its training set).
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = Standardizer().fit(digits.data).transform(digits.data.astype(np.float64))
    return X, digits.target.astype(np.int64)


class ParityExplorer(Explorer):
    """Optimizer, dtype, learning rate, epochs and batch size -> both frameworks step by step.

    Taught in notebooks/09_numpy_to_pytorch.ipynb.

    Args:
        optimizer: one of ``OPTIMIZERS``.
        dtype: ``"float64"`` or ``"float32"``.
        lr: the learning rate (1e-3 to 1).
        epochs: the number of epochs (1 to ``MAX_EPOCHS``).
        batch_size: one of ``BATCH_SIZES``.
        data: ``(X, y)`` with X (N, features) float and y (N,) integer classes;
            default: :func:`default_data`.
        seed: the seed of the weights and of the batches' order.

    Attributes:
        optimizer, dtype, lr, epochs, batch_size: the controls.
        output: the ``Output`` widget holding the figure.
        summary: an ``HTML`` widget with the numbers behind the figure.
        report: the ``ParityReport`` of the current setting.
        widget: the whole explorer, as one box.

    Example:
        >>> explorer = ParityExplorer(dtype="float64", epochs=1)   # a cell's last line shows it
        >>> explorer.dtype.value = "float32"          # what choosing in the menu does
        >>> explorer.report.dtype, explorer.report.passed(1e-4)
        ('float32', True)
    """

    title = "Parity explorer"

    def __init__(self, *, optimizer: str = "SGD, momentum 0.9, StepLR", dtype: str = "float32",
                 lr: float = 0.1, epochs: int = 3, batch_size: int = 64, data=None,
                 seed: int = 0) -> None:
        super().__init__()
        where = "ParityExplorer"
        checks.choice(optimizer, list(OPTIMIZERS), "optimizer", where)
        checks.choice(dtype, DTYPES, "dtype", where)
        lr = checks.number(lr, "lr", where, low=10 ** LR_EXPONENTS[0], high=10 ** LR_EXPONENTS[1])
        checks.integer(epochs, "epochs", where, minimum=1, maximum=MAX_EPOCHS)
        checks.choice(batch_size, BATCH_SIZES, "batch_size", where)
        self.seed = checks.integer(seed, "seed", where, minimum=0)
        X, y = default_data() if data is None else data
        self.X = checks.float_array(X, f"{where} (data X)", dtype=np.float64)
        self.y = np.asarray(y).astype(np.int64)
        if self.X.ndim != 2 or self.y.shape != (len(self.X),):
            raise ValueError(f"{where}: data must be (X, y) with X (N, features) and y (N,), "
                             f"got X {self.X.shape} and y {self.y.shape}.")
        self.sizes = [self.X.shape[1], HIDDEN, HIDDEN, int(self.y.max()) + 1]
        self.report = None
        if self.inert:
            return
        style = {"description_width": "90px"}
        self.optimizer = widgets.Dropdown(options=list(OPTIMIZERS), value=optimizer,
                                          description="optimizer", style=style,
                                          layout=widgets.Layout(width="360px"))
        self.dtype = widgets.Dropdown(options=DTYPES, value=dtype, description="dtype",
                                      style=style)
        self.lr = widgets.FloatLogSlider(value=lr, base=10, min=LR_EXPONENTS[0],
                                         max=LR_EXPONENTS[1], step=0.25, description="lr",
                                         readout_format=".3g", continuous_update=False,
                                         style=style)
        self.epochs = widgets.IntSlider(value=epochs, min=1, max=MAX_EPOCHS, description="epochs",
                                        continuous_update=False, style=style)
        self.batch_size = widgets.SelectionSlider(options=BATCH_SIZES, value=batch_size,
                                                  description="batch size",
                                                  continuous_update=False, style=style)
        controls = [self.optimizer, self.dtype, self.lr, self.epochs, self.batch_size]
        self._assemble(controls, min_height="330px")

    def run(self):
        """Train both twins with the current controls; return the ``ParityReport``."""
        dtype = np.dtype(self.dtype.value)
        numpy_model, torch_model = twin_models(self.sizes, dtype=dtype, rng=self.seed,
                                               device="cpu")
        rng = np.random.default_rng(self.seed)
        X = self.X.astype(dtype)
        epochs = [list(minibatches(X, self.y, self.batch_size.value, rng=rng))
                  for _ in range(self.epochs.value)]
        make_optimizer, make_scheduler = OPTIMIZERS[self.optimizer.value]
        lr = float(self.lr.value)
        with np.errstate(all="ignore"):  # a run that diverges is what some settings show
            return compare_training(
                numpy_model, torch_model, epochs,
                make_optimizer=lambda optim, params: make_optimizer(optim, params, lr),
                make_scheduler=make_scheduler)

    def update(self, change=None) -> None:
        """Train both frameworks with the current controls and redraw."""
        if self.inert:
            return
        self.report = report = self.run()
        fig, (left, right) = new_figure(ncols=2, figsize=(11.0, 4.0))
        fig.subplots_adjust(wspace=0.32)
        plot_parity_losses(report, ax=left, title="Batch loss per step")
        plot_parity_errors({report.dtype: report}, ax=right, title="course_lib vs torch")
        show_figure(self.output, fig)
        self.summary.value = self._summary_html(report)

    def _summary_html(self, report) -> str:
        parameters, losses = report.max_parameter_error, report.loss_error
        worst = int(np.nanargmax(np.where(np.isfinite(parameters), parameters, np.inf))) + 1
        u = unit_roundoff(report.dtype)
        name = report.worst_parameter(worst)
        text = (f"{report.steps} steps in {report.dtype}. Largest difference of a parameter: "
                f"{_number(parameters.max())} after step {worst} ({name}); "
                f"of a loss: {_number(losses.max())}. After step 1: {_number(parameters[0])}. "
                f"Unit round-off of {report.dtype}: {u:.1e}.")
        if not np.all(np.isfinite(report.numpy_loss)):
            text += " The training diverged (the loss is not finite)."
        return text


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "not finite"
    return "exactly 0" if value == 0 else f"{value:.1e}"
