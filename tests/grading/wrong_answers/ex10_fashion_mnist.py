"""Wrong answers of exercise 10 (PyTorch on Fashion-MNIST).

The package docstring says how they are used.
"""

from __future__ import annotations

from wrong_answers.common import W

NOTEBOOK = "10_fashion_mnist"
NB = NOTEBOOK

# fmt: off
WRONG_ANSWERS = [
    # the network as an nn.Module ---------------------------------------------------------------
    W(NB, "mlp", "mlp-impl", "softmax at the end, before CrossEntropyLoss",
      edits=(("return self.output(h)", "return torch.softmax(self.output(h), dim=1)"),)),
    W(NB, "mlp", "mlp-impl", "no ReLU after the second hidden layer",
      edits=(("h = self.dropout(torch.relu(self.hidden2(h)))",
              "h = self.dropout(self.hidden2(h))"),)),
    W(NB, "mlp", "mlp-impl",
      "F.dropout without training=self.training: dropout stays on in eval mode",
      edits=(("h = self.dropout(torch.relu(self.hidden1(self.flatten(x))))",
              "h = nn.functional.dropout(torch.relu(self.hidden1(self.flatten(x))), "
              "self.dropout.p)"),)),
    # a training epoch --------------------------------------------------------------------------
    W(NB, "train-epoch", "train-epoch-impl", "forgets optimizer.zero_grad()",
      edits=(("\n    optimizer.zero_grad()", ""),)),
    W(NB, "train-epoch", "train-epoch-impl",
      "no model.train(): trains in whatever mode the model was in",
      edits=(("model.train()\n", ""),)),
    W(NB, "train-epoch", "train-epoch-impl",
      "mean of the batch means (the small last batch weighs as much as the others)",
      edits=(("total += loss.item() * len(y)", "total += loss.item()"),
             ("seen += len(y)", "seen += 1"))),
    W(NB, "train-epoch", "train-epoch-impl",
      "sums the loss tensors: returns a tensor and keeps every graph alive",
      edits=(("total += loss.item() * len(y)", "total += loss * len(y)"),)),
    W(NB, "train-epoch", "train-epoch-impl", "wraps course_lib's train_epoch",
      code="""
      from course_lib.torch_utils import train_epoch as course_train_epoch
      return course_train_epoch(model, loss_fn, optimizer, loader)["loss"]
      """),
    # evaluation --------------------------------------------------------------------------------
    W(NB, "evaluate", "evaluate-impl", "evaluates in train mode (no model.eval())",
      edits=(("model.eval()\n", ""),)),
    W(NB, "evaluate", "evaluate-impl",
      "leaves the model in eval mode (mode not restored)",
      edits=(("model.train(was_training)\n", ""),)),
    W(NB, "evaluate", "evaluate-impl", "records gradients (no torch.no_grad())",
      edits=(("with torch.no_grad():", "if True:"),)),
    W(NB, "evaluate", "evaluate-impl", "wraps course_lib's evaluate",
      code="""
      from course_lib.torch_utils import evaluate as course_evaluate
      scores = course_evaluate(model, loss_fn, loader)
      return scores["loss"], scores["accuracy"]
      """),
    # accuracy and confusion matrix -------------------------------------------------------------
    W(NB, "confusion", "confusion-impl", "argmax over the batch axis (dim=0)",
      edits=(("predicted = logits.argmax(dim=1)", "predicted = logits.argmax(dim=0)"),)),
    W(NB, "confusion", "confusion-impl",
      "transposed matrix: rows are the predictions",
      edits=(("matrix[true, guess] += 1", "matrix[guess, true] += 1"),)),
    W(NB, "confusion", "confusion-impl",
      "size taken from the data instead of num_classes",
      edits=(("matrix = torch.zeros(num_classes, num_classes, dtype=torch.int64)",
              "size = int(max(targets.max(), predicted.max())) + 1\n"
              "matrix = torch.zeros(size, size, dtype=torch.int64)"),)),
    W(NB, "confusion", "confusion-impl", "accuracy as a count of right answers",
      edits=(("accuracy = (predicted == targets).float().mean().item()",
              "accuracy = (predicted == targets).sum().item()"),)),
    W(NB, "confusion", "confusion-impl", "wraps course_lib's confusion_matrix",
      code="""
      from course_lib.metrics import confusion_matrix
      predicted = logits.argmax(dim=1).numpy()
      matrix = confusion_matrix(targets.numpy(), predicted, labels=list(range(num_classes)))
      return float((predicted == targets.numpy()).mean()), matrix
      """),
    # early stopping ----------------------------------------------------------------------------
    W(NB, "early-stopping", "early-stopping-impl",
      "keeps a reference to the live state_dict instead of a copy",
      edits=(("self.best_state = copy.deepcopy(model.state_dict())",
              "self.best_state = model.state_dict()"),)),
    W(NB, "early-stopping", "early-stopping-impl",
      "patience off by one (waited > patience)",
      edits=(("return self.waited >= self.patience", "return self.waited > self.patience"),)),
    W(NB, "early-stopping", "early-stopping-impl",
      "the count of epochs waited is not reset at an improvement",
      edits=(("self.best_state = copy.deepcopy(model.state_dict())\n        self.waited = 0",
              "self.best_state = copy.deepcopy(model.state_dict())"),)),
    # ONNX export -------------------------------------------------------------------------------
    W(NB, "onnx", "onnx-impl",
      "no dynamic batch axis: the file accepts only the example's batch size",
      edits=(('                  dynamic_shapes=({0: torch.export.Dim("batch")},),\n', ""),)),
    W(NB, "onnx", "onnx-impl",
      "external data left on: the weights go to a second file",
      edits=(("external_data=False, verbose=False", "verbose=False"),)),
    W(NB, "onnx", "onnx-impl",
      "no model.eval(): torch's logits computed with dropout on",
      edits=(("model.eval()\n", ""),)),
    W(NB, "onnx", "onnx-impl", "returns a NumPy float32, not a Python float",
      edits=(("return float(np.abs(onnx_logits - torch_logits).max())",
              "return np.abs(onnx_logits - torch_logits).max()"),)),
    W(NB, "onnx", "onnx-impl", "wraps course_lib's export_onnx and compare_with_torch",
      code="""
      from course_lib.torch_onnx import compare_with_torch, export_onnx
      export_onnx(model, example, path)
      return compare_with_torch(model, path, inputs).max_abs_difference
      """),
]
# fmt: on
