"""Wrong answers of exercise 09 (from NumPy to PyTorch).

The package docstring says how they are used.
"""

from __future__ import annotations

from wrong_answers.common import W

NOTEBOOK = "09_pytorch"
NB = NOTEBOOK

# fmt: off
WRONG_ANSWERS = [
    # task 1: gradients with autograd ------------------------------------------------------
    W(NB, "autograd", "autograd-impl", "softmax before cross_entropy",
      edits=(("loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(y))",
              "loss = torch.nn.functional.cross_entropy(torch.softmax(logits, dim=1), "
              "torch.from_numpy(y))"),)),
    W(NB, "autograd", "autograd-impl", "summed over the batch instead of the mean",
      edits=(("cross_entropy(logits, torch.from_numpy(y))",
              "cross_entropy(logits, torch.from_numpy(y), reduction=\"sum\")"),)),
    W(NB, "autograd", "autograd-impl", "computed in float64 whatever the input",
      edits=(("weight = torch.tensor(W, requires_grad=True)",
              "weight = torch.tensor(W, dtype=torch.float64, requires_grad=True)"),
             ("bias = torch.tensor(b, requires_grad=True)",
              "bias = torch.tensor(b, dtype=torch.float64, requires_grad=True)"),
             ("logits = torch.from_numpy(X) @ weight.T + bias",
              "logits = torch.from_numpy(X).double() @ weight.T + bias"))),
    W(NB, "autograd", "autograd-impl", "gradients returned as tensors",
      edits=(("return loss.item(), weight.grad.numpy(), bias.grad.numpy()",
              "return loss.item(), weight.grad, bias.grad"),)),
    W(NB, "autograd", "autograd-impl", "loss returned as a tensor",
      edits=(("return loss.item(), weight.grad.numpy(), bias.grad.numpy()",
              "return loss, weight.grad.numpy(), bias.grad.numpy()"),)),
    W(NB, "autograd", "autograd-impl", "logits without transposing W",
      edits=(("logits = torch.from_numpy(X) @ weight.T + bias",
              "logits = torch.from_numpy(X) @ weight + bias"),)),
    W(NB, "autograd", "autograd-impl", "the hand formula instead of autograd",
      code="""
      logits = X @ W.T + b
      shifted = logits - logits.max(axis=1, keepdims=True)
      probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
      onehot = np.eye(W.shape[0], dtype=X.dtype)[y]
      n = len(X)
      loss = float(-np.log(probabilities[np.arange(n), y]).mean())
      difference = (probabilities - onehot) / n
      return loss, difference.T @ X, difference.sum(axis=0)
      """),

    # task 2: the nn.Module ----------------------------------------------------------------
    W(NB, "module", "module-impl", "softmax at the end of forward",
      edits=(("return self.output(self.dropout(self.activation(self.hidden(x))))",
              "return torch.softmax(self.output(self.dropout(self.activation(self.hidden(x)))), "
              "dim=1)"),)),
    W(NB, "module", "module-impl", "layers kept in a Python list",
      code="""
      def __init__(self, n_in, n_hidden, n_out, dropout=0.0):
          super().__init__()
          self.layers = [nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(n_hidden, n_out)]

      def forward(self, x):
          for layer in self.layers:
              x = layer(x)
          return x
      """),
    W(NB, "module", "module-impl", "functional dropout that drops in eval mode too",
      edits=(("return self.output(self.dropout(self.activation(self.hidden(x))))",
              "return self.output(torch.nn.functional.dropout(self.activation(self.hidden(x)), "
              "self.dropout.p))"),)),
    W(NB, "module", "module-impl", "ReLU after the output layer too",
      edits=(("return self.output(self.dropout(self.activation(self.hidden(x))))",
              "return self.activation(self.output(self.dropout(self.activation("
              "self.hidden(x)))))"),)),
    W(NB, "module", "module-impl", "layers named fc1 and fc2",
      code="""
      def __init__(self, n_in, n_hidden, n_out, dropout=0.0):
          super().__init__()
          self.fc1 = nn.Linear(n_in, n_hidden)
          self.activation = nn.ReLU()
          self.dropout = nn.Dropout(dropout)
          self.fc2 = nn.Linear(n_hidden, n_out)

      def forward(self, x):
          return self.fc2(self.dropout(self.activation(self.fc1(x))))
      """),
    W(NB, "module", "module-impl", "float64 parameters",
      edits=(("self.output = nn.Linear(n_hidden, n_out)",
              "self.output = nn.Linear(n_hidden, n_out)\n    self.double()"),)),

    # task 3: the training epoch -----------------------------------------------------------
    W(NB, "epoch", "epoch-impl", "forgetting zero_grad",
      edits=(("    optimizer.zero_grad()\n", ""),)),
    W(NB, "epoch", "epoch-impl", "evaluating in train mode",
      edits=(("model.eval()\n", ""),)),
    W(NB, "epoch", "epoch-impl", "evaluating with a graph (no no_grad)",
      edits=(("with torch.no_grad():\n    for X, y in val_batches:",
              "if True:\n    for X, y in val_batches:"),)),
    W(NB, "epoch", "epoch-impl", "the model left in eval mode",
      edits=(("model.train(was_training)\n", ""),)),
    W(NB, "epoch", "epoch-impl", "the model always left in train mode",
      edits=(("model.train(was_training)\n", "model.train()\n"),)),
    W(NB, "epoch", "epoch-impl", "validation loss as the mean of the batch means",
      edits=(("total_loss += loss_fn(logits, y).item() * len(y)",
              "total_loss += loss_fn(logits, y).item()"),
             ("return step_losses, total_loss / seen, correct / seen",
              "return step_losses, total_loss / len(val_batches), correct / seen"))),
    W(NB, "epoch", "epoch-impl", "step losses kept as tensors",
      edits=(("step_losses.append(loss.item())", "step_losses.append(loss)"),)),
    W(NB, "epoch", "epoch-impl", "step before backward",
      edits=(("    loss.backward()\n    optimizer.step()\n",
              "    optimizer.step()\n    loss.backward()\n"),)),

    # task 4: accuracy and confusion matrix ------------------------------------------------
    W(NB, "confusion", "confusion-impl", "argmax on the wrong axis",
      edits=(("predicted = logits.detach().argmax(dim=1).cpu().numpy()",
              "predicted = logits.detach().argmax(dim=0).cpu().numpy()"),)),
    W(NB, "confusion", "confusion-impl", "rows and columns swapped",
      edits=(("np.add.at(matrix, (true, predicted), 1)",
              "np.add.at(matrix, (predicted, true), 1)"),)),
    W(NB, "confusion", "confusion-impl", "fancy-index += counts a repeated pair once",
      edits=(("np.add.at(matrix, (true, predicted), 1)", "matrix[true, predicted] += 1"),)),
    W(NB, "confusion", "confusion-impl", ".numpy() on logits that require a gradient",
      edits=(("predicted = logits.detach().argmax(dim=1).cpu().numpy()",
              "predicted = logits.numpy().argmax(axis=1)"),)),
    W(NB, "confusion", "confusion-impl", "accuracy returned as a tensor",
      edits=(("return float(np.mean(predicted == true)), matrix",
              "return torch.tensor(predicted == true).float().mean(), matrix"),)),
    W(NB, "confusion", "confusion-impl", "sized by the classes present, not n_classes",
      edits=(("matrix = np.zeros((n_classes, n_classes), dtype=np.int64)",
              "size = int(max(true.max(), predicted.max())) + 1\n"
              "matrix = np.zeros((size, size), dtype=np.int64)"),)),

    # task 5: early stopping and checkpoint -------------------------------------------------
    W(NB, "early-stopping", "early-stopping-impl", "checkpoint is the live state_dict",
      edits=(("self.best_state = copy.deepcopy(model.state_dict())",
              "self.best_state = model.state_dict()"),)),
    W(NB, "early-stopping", "early-stopping-impl", "a new dict of the same tensors",
      edits=(("self.best_state = copy.deepcopy(model.state_dict())",
              "self.best_state = dict(model.state_dict())"),)),
    W(NB, "early-stopping", "early-stopping-impl", "clone() only works for tensors",
      edits=(("self.best_state = copy.deepcopy(model.state_dict())",
              "self.best_state = {k: v.clone() for k, v in model.state_dict().items()}"),)),
    W(NB, "early-stopping", "early-stopping-impl", "an equal loss counts as an improvement",
      edits=(("if val_loss < self.best_loss - self.min_delta:",
              "if val_loss <= self.best_loss - self.min_delta:"),)),
    W(NB, "early-stopping", "early-stopping-impl", "bad epochs not reset on improvement",
      edits=(("        self.bad_epochs = 0\n", ""),)),
    W(NB, "early-stopping", "early-stopping-impl", "patience off by one",
      edits=(("return self.bad_epochs >= self.patience",
              "return self.bad_epochs > self.patience"),)),
    W(NB, "early-stopping", "early-stopping-impl", "min_delta ignored",
      edits=(("if val_loss < self.best_loss - self.min_delta:",
              "if val_loss < self.best_loss:"),)),
]
# fmt: on
