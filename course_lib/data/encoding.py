"""``one_hot``: class labels to one-hot rows.

Taught in no notebook: chapter 03 builds one-hot rows by hand (``np.eye(C)[y]``)
for the gradient of softmax with cross-entropy.
"""

from __future__ import annotations

import numpy as np

from course_lib import checks


def one_hot(labels, num_classes: int, *, dtype=np.float32) -> np.ndarray:
    """One-hot encode integer class labels, like ``torch.nn.functional.one_hot``.

    ``out[..., c] = 1`` where
    ``labels == c``, else 0; ``out.argmax(axis=-1)`` gives the labels back.

    Args:
        labels: integer array of any shape, values in [0, num_classes).
        num_classes: number of classes C.
        dtype: float32 (default) or float64.

    Returns:
        Array of shape ``labels.shape + (C,)``.

    Example:
        >>> one_hot(np.array([2, 0]), 3).tolist()
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    labels = np.asarray(labels)
    num_classes = checks.integer(num_classes, "num_classes", "one_hot", minimum=1)
    dtype = checks.float_dtype(dtype, "one_hot")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"one_hot: labels must be integers, got dtype {labels.dtype} (convert with "
            "labels.astype(int) if they are whole numbers)"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)][0]
        raise ValueError(f"one_hot: labels must be in [0, {num_classes}), got label {bad}")
    return np.eye(num_classes, dtype=dtype)[labels]
