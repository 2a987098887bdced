"""The dropout layer. Taught in notebooks/06_regularization.ipynb."""

from __future__ import annotations

from course_lib import checks
from course_lib.nn.functional.dropout import dropout_backward, dropout_forward
from course_lib.nn.module import Module


class Dropout(Module):
    r"""Inverted dropout, as ``torch.nn.Dropout``: in training, zero each element with
    probability ``p`` and scale the others by :math:`1/(1-p)`; in evaluation
    (``model.eval()``), pass the input through unchanged.

    Args:
        p: probability of DROPPING an element, 0 <= p < 1.
        rng: a ``np.random.Generator`` or int seed that draws the masks
            (None: fresh unpredictable randomness; see ``course_lib.checks``).

    Shapes: any -> same.

    Example:
        >>> drop = Dropout(0.5, rng=0)
        >>> sorted(set(drop(np.ones((2, 4))).ravel().tolist()))
        [0.0, 2.0]

    Taught in notebooks/06_regularization.ipynb (Srivastava et al., 2014).
    """

    def __init__(self, p: float = 0.5, *, rng=None):
        super().__init__()
        self.p = checks.number(p, "p (the probability of dropping a unit)", "Dropout",
                               low=0, high=1, high_inclusive=False)
        self.rng = checks.rng(rng, "Dropout")

    def forward(self, x):
        x = checks.float_array(x, self)
        out, cache = dropout_forward(x, self.p, training=self.training, rng=self.rng)
        return self._remember(out, cache)

    def backward(self, dout):
        return dropout_backward(self._dout(dout), self.cache)

    def extra_repr(self) -> str:
        return f"p={self.p}"
