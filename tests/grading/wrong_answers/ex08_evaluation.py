"""Wrong answers of exercise 08 (training and evaluating a classifier).

The package docstring says how they are used.
"""

from __future__ import annotations

from wrong_answers.common import W

NOTEBOOK = "08_evaluation"
NB = NOTEBOOK

# fmt: off
WRONG_ANSWERS = [
    # task 1: the confusion matrix -------------------------------------------------------
    W(NB, "confusion-matrix", "confusion-matrix-impl", "rows and columns swapped",
      edits=(("matrix[true, predicted] += 1", "matrix[predicted, true] += 1"),)),
    W(NB, "confusion-matrix", "confusion-matrix-impl",
      "fancy-index += counts a repeated pair once",
      code="""
      matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
      matrix[y_true, y_pred] += 1
      return matrix
      """),
    W(NB, "confusion-matrix", "confusion-matrix-impl",
      "sized by the labels present, not n_classes",
      code="""
      classes = np.unique(np.concatenate([y_true, y_pred]))
      matrix = np.zeros((len(classes), len(classes)), dtype=np.int64)
      for true, predicted in zip(y_true, y_pred, strict=True):
          matrix[np.searchsorted(classes, true), np.searchsorted(classes, predicted)] += 1
      return matrix
      """),
    W(NB, "confusion-matrix", "confusion-matrix-impl", "float counts (np.zeros' default dtype)",
      edits=(("np.zeros((n_classes, n_classes), dtype=np.int64)",
              "np.zeros((n_classes, n_classes))"),)),

    # task 2: precision, recall, F1 ------------------------------------------------------
    W(NB, "precision-recall-f1", "precision-recall-f1-impl", "precision and recall swapped",
      edits=(("predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)",
              "predicted, actual = matrix.sum(axis=1), matrix.sum(axis=0)"),)),
    W(NB, "precision-recall-f1", "precision-recall-f1-impl",
      "macro F1 as the F1 of the mean precision and mean recall",
      edits=(("return float(precision.mean()), float(recall.mean()), float(f1.mean())",
              "p, r = precision.mean(), recall.mean()\n"
              "return float(p), float(r), float(2 * p * r / (p + r))"),)),
    W(NB, "precision-recall-f1", "precision-recall-f1-impl", "no guard for 0/0 (nan)",
      code="""
      matrix = np.asarray(matrix, dtype=np.float64)
      tp = np.diag(matrix)
      precision = tp / matrix.sum(axis=0)
      recall = tp / matrix.sum(axis=1)
      f1 = 2 * precision * recall / (precision + recall)
      chosen = 1 if average == "binary" else slice(None)
      return (float(np.mean(precision[chosen])), float(np.mean(recall[chosen])),
              float(np.mean(f1[chosen])))
      """),
    W(NB, "precision-recall-f1", "precision-recall-f1-impl", "binary values of class 0",
      edits=(("return float(precision[1]), float(recall[1]), float(f1[1])",
              "return float(precision[0]), float(recall[0]), float(f1[0])"),)),

    # task 3: ROC points -----------------------------------------------------------------
    W(NB, "roc-points", "roc-points-impl", "one point per sample: ties not grouped",
      edits=(("last = np.r_[np.flatnonzero(np.diff(sorted_scores)), len(scores) - 1]",
              "last = np.arange(len(scores))"),)),
    W(NB, "roc-points", "roc-points-impl", "no start at (0, 0) and +inf",
      edits=(("fpr = np.r_[0.0, fp / fp[-1]]", "fpr = fp / fp[-1]"),
             ("tpr = np.r_[0.0, tp / tp[-1]]", "tpr = tp / tp[-1]"),
             ("return fpr, tpr, np.r_[np.inf, sorted_scores[last]]",
              "return fpr, tpr, sorted_scores[last]"))),
    W(NB, "roc-points", "roc-points-impl", "score > threshold instead of >=",
      code="""
      y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=np.float64)
      thresholds = np.r_[np.inf, np.unique(scores)[::-1]]
      tpr = np.array([np.mean(scores[y_true == 1] > t) for t in thresholds])
      fpr = np.array([np.mean(scores[y_true == 0] > t) for t in thresholds])
      return fpr, tpr, thresholds
      """),
    W(NB, "roc-points", "roc-points-impl", "sorted by increasing score",
      edits=(('order = np.argsort(-scores, kind="stable")',
              'order = np.argsort(scores, kind="stable")'),)),
    W(NB, "roc-points", "roc-points-impl", "wraps course_lib's roc_curve",
      code="""
      from course_lib.metrics import roc_curve
      return roc_curve(y_true, np.asarray(scores, dtype=np.float64))
      """),

    # task 4: AUC --------------------------------------------------------------------------
    W(NB, "roc-auc", "roc-auc-impl", "pairs with ties counted as wins",
      code="""
      y_true, scores = np.asarray(y_true), np.asarray(scores)
      positives, negatives = scores[y_true == 1], scores[y_true == 0]
      return float(np.mean(positives[:, None] >= negatives[None, :]))
      """),
    W(NB, "roc-auc", "roc-auc-impl", "pairs with ties counted as losses",
      code="""
      y_true, scores = np.asarray(y_true), np.asarray(scores)
      positives, negatives = scores[y_true == 1], scores[y_true == 0]
      return float(np.mean(positives[:, None] > negatives[None, :]))
      """),
    W(NB, "roc-auc", "roc-auc-impl", "rectangles (left endpoints) instead of trapezoids",
      edits=(("(tpr[1:] + tpr[:-1]) / 2", "tpr[:-1]"),)),
    W(NB, "roc-auc", "roc-auc-impl", "axes swapped, fpr integrated over tpr",
      edits=(("np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2",
              "np.diff(tpr) * (fpr[1:] + fpr[:-1]) / 2"),)),
    W(NB, "roc-auc", "roc-auc-impl", "wraps scikit-learn's roc_auc_score",
      code="""
      from sklearn.metrics import roc_auc_score
      return float(roc_auc_score(y_true, scores))
      """),

    # task 5: stratified k-fold -----------------------------------------------------------
    W(NB, "stratified-kfold", "stratified-kfold-impl", "k-fold without stratification",
      code="""
      folds = np.array_split(rng.permutation(len(y)), k)
      everything = np.arange(len(y), dtype=np.int64)
      return [(np.setdiff1d(everything, fold).astype(np.int64), np.sort(fold).astype(np.int64))
              for fold in folds]
      """),
    W(NB, "stratified-kfold", "stratified-kfold-impl",
      "each class split on its own: leftovers pile up in the first folds",
      code="""
      y = np.asarray(y)
      parts = [[] for _ in range(k)]
      for c in np.unique(y):
          members = rng.permutation(np.flatnonzero(y == c))
          for fold, chunk in enumerate(np.array_split(members, k)):
              parts[fold].append(chunk)
      everything = np.arange(len(y), dtype=np.int64)
      vals = [np.sort(np.concatenate(part)).astype(np.int64) for part in parts]
      return [(np.setdiff1d(everything, val), val) for val in vals]
      """),
    W(NB, "stratified-kfold", "stratified-kfold-impl", "never shuffled, rng ignored",
      edits=(("shuffled = rng.permutation(len(y))", "shuffled = np.arange(len(y))"),)),
    W(NB, "stratified-kfold", "stratified-kfold-impl", "NumPy's global generator instead of rng",
      edits=(("shuffled = rng.permutation(len(y))", "shuffled = np.random.permutation(len(y))"),)),
    W(NB, "stratified-kfold", "stratified-kfold-impl", "training part keeps the validation part",
      edits=(("(everything[fold_of != fold], everything[fold_of == fold])",
              "(everything, everything[fold_of == fold])"),)),

    # task 6: BCE with logits, forward ----------------------------------------------------
    W(NB, "bce-forward", "bce-forward-impl", "naive log(sigmoid)",
      code="""
      p = 1 / (1 + np.exp(-logits))
      losses = -(pos_weight * targets * np.log(p) + (1 - targets) * np.log(1 - p))
      return float(np.mean(losses))
      """),
    W(NB, "bce-forward", "bce-forward-impl", "softplus as log1p(exp(x)), which overflows",
      edits=(("return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))",
              "return np.log1p(np.exp(x))"),)),
    W(NB, "bce-forward", "bce-forward-impl", "pos_weight on the negative term",
      edits=(("pos_weight * targets * softplus(-logits) + (1 - targets) * softplus(logits)",
              "targets * softplus(-logits) + pos_weight * (1 - targets) * softplus(logits)"),)),
    W(NB, "bce-forward", "bce-forward-impl", "divided by the summed weights instead of N",
      edits=(("return float(np.mean(losses))",
              "return float(np.sum(losses) / np.sum(pos_weight * targets + (1 - targets)))"),)),
    W(NB, "bce-forward", "bce-forward-impl", "pos_weight ignored",
      edits=(("pos_weight * targets * softplus(-logits)", "targets * softplus(-logits)"),)),

    # task 7: BCE with logits, backward ---------------------------------------------------
    W(NB, "bce-backward", "bce-backward-impl", "not divided by N",
      edits=((") / logits.size", ")"),)),
    W(NB, "bce-backward", "bce-backward-impl", "sign flipped, target minus probability",
      edits=(("((1 - targets) * p - pos_weight * targets * (1 - p))",
              "(pos_weight * targets * (1 - p) - (1 - targets) * p)"),)),
    W(NB, "bce-backward", "bce-backward-impl", "pos_weight on the negative term",
      edits=(("((1 - targets) * p - pos_weight * targets * (1 - p))",
              "(pos_weight * (1 - targets) * p - targets * (1 - p))"),)),
    W(NB, "bce-backward", "bce-backward-impl", "computed in float64 for float32 logits",
      code="""
      p = 1 / (1 + np.exp(-logits.astype(np.float64)))
      return ((1 - targets) * p - pos_weight * targets * (1 - p)) / logits.size
      """),
    W(NB, "bce-backward", "bce-backward-impl", "sigmoid as e^z / (1 + e^z): nan at z = 1000",
      code="""
      p = np.exp(logits) / (1 + np.exp(logits))
      grad = ((1 - targets) * p - pos_weight * targets * (1 - p)) / logits.size
      return grad.astype(logits.dtype)
      """),

    # task 8: log-uniform sampler ---------------------------------------------------------
    W(NB, "log-uniform", "log-uniform-impl", "uniform in the value instead of its log",
      code="return rng.uniform(low, high, size)"),
    W(NB, "log-uniform", "log-uniform-impl", "exp of a uniform draw between the bounds",
      code="return np.exp(rng.uniform(low, high, size))"),
    W(NB, "log-uniform", "log-uniform-impl", "natural logs of the bounds, then 10 to the power",
      code="return 10.0 ** rng.uniform(np.log(low), np.log(high), size)"),
    W(NB, "log-uniform", "log-uniform-impl", "the exponents, without 10 to the power",
      code="return rng.uniform(np.log10(low), np.log10(high), size)"),
    W(NB, "log-uniform", "log-uniform-impl", "NumPy's global generator instead of rng",
      code="return 10.0 ** np.random.uniform(np.log10(low), np.log10(high), size)"),
    W(NB, "log-uniform", "log-uniform-impl", "a grid (np.geomspace), not random",
      code="return np.geomspace(low, high, size)"),
]
# fmt: on
