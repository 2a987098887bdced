"""Binary classification on real data: scikit-learn's bundled breast cancer table.

Used in notebooks/02_forward_propagation.ipynb (a forward pass on real data); taught in
notebooks/08_classification.ipynb. Ships with scikit-learn:
no download.
"""

from __future__ import annotations

import numpy as np

from course_lib import checks
from course_lib.data.tabular import TabularData


def load_breast_cancer(*, dtype=np.float32) -> TabularData:
    """Wisconsin diagnostic breast cancer data: 569 tumours, 30 features, malignant or benign.

    Used in notebooks/02_forward_propagation.ipynb; taught in
    notebooks/08_classification.ipynb. The labels keep
    scikit-learn's coding, ``0 = malignant`` (212 samples) and ``1 = benign`` (357
    samples), as ``target_names`` says; the features (radius, texture, ... of the cell
    nuclei) have very different scales, so standardize them with a ``Standardizer``
    fitted on the training split.

    Returns:
        ``TabularData(X (569, 30) in dtype, y (569,) int64, feature_names,
        ("malignant", "benign"))``.
    """
    from sklearn import datasets  # imported here: scikit-learn is slow to import

    dtype = checks.float_dtype(dtype, "load_breast_cancer")
    bunch = datasets.load_breast_cancer()
    return TabularData(
        bunch.data.astype(dtype),
        bunch.target.astype(np.int64),
        tuple(str(name) for name in bunch.feature_names),
        tuple(str(name) for name in bunch.target_names),
    )
