"""The ``Optimizer`` base class: parameter groups, per-parameter state, one ``step()``.

Taught in notebooks/05_optimizers.ipynb, where learners write their own optimizers by
subclassing it.

It has the shape of ``torch.optim.Optimizer``: ``param_groups``, ``defaults``,
``state``, ``zero_grad()``, ``step()``, ``add_param_group()``, ``state_dict()``
and ``load_state_dict()``, so that an optimizer written here moves to PyTorch
in chapter 09 with the same names.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from course_lib import checks
from course_lib.nn.module import Parameter


class Optimizer:
    r"""Base class of every optimizer: parameter groups, per-parameter state and ``step()``.

    The parameters live in ``param_groups``, a list of dicts. Each dict holds
    ``"params"`` (a list of Parameters) and one entry per hyper-parameter
    (``"lr"``, ``"momentum"``, ...). An optimizer built from
    ``model.parameters()`` has one group; a list of dicts gives several, each
    with its own values (those it leaves out come from ``defaults``):

    .. code-block:: python

        SGD([{"params": model[0].parameters(), "lr": 0.01},
             {"params": model[2].parameters()}], lr=0.1, momentum=0.9)

    ``state[p]`` is a dict of what the optimizer remembers about parameter
    ``p`` between steps (a velocity, moment estimates, a step count). It is
    empty until ``p``'s first step.

    **Writing an optimizer.** Subclass ``Optimizer`` and write two methods:

    1. ``__init__(self, params, lr=..., ...)`` calls
       ``super().__init__(params, defaults)``, where ``defaults`` is a dict of
       your hyper-parameters, ``{"lr": lr, ...}`` (``"lr"`` is required).
    2. ``update(self, p, state, group)``, the update rule for one parameter:

       - ``p.data`` is the parameter's array and ``p.grad`` its gradient (same shape);
       - ``state`` is ``p``'s dict, empty at its first step: create your buffers
         then, e.g. ``np.zeros_like(p.data)``, and store new values with
         ``state["name"] = ...``;
       - ``group`` is the dict of ``p``'s group: ``group["lr"]`` and your
         other hyper-parameters;
       - change the parameter in place, ``p.data -= ...``, never with
         ``p.data = ...``: the layer reads that same array.

    ``step()`` calls ``update`` once for every parameter of every group. The
    learning rate is checked for you (a number >= 0, else TypeError or
    ValueError); to check your other hyper-parameters, also write
    ``check_group(self, group, where)``, e.g.
    ``group["beta"] = checks.number(group["beta"], "beta", where, low=0, high=1)``
    with ``from course_lib import checks``. Python floats as hyper-parameters
    keep float32 parameters and buffers float32. (The built-in optimizers also
    have ``fused_update``, the same rule written in place, used with
    ``fused=True``; yours needs none.)

    Example (Signum, Bernstein et al. 2018: step along the sign of a momentum):
        >>> import numpy as np
        >>> from course_lib import nn
        >>> class Signum(Optimizer):
        ...     def __init__(self, params, lr=0.01, beta=0.9):
        ...         super().__init__(params, {"lr": lr, "beta": beta})
        ...
        ...     def update(self, p, state, group):
        ...         if not state:                                   # p's first step
        ...             state["momentum"] = np.zeros_like(p.data)
        ...         beta = group["beta"]
        ...         state["momentum"] = beta * state["momentum"] + (1 - beta) * p.grad
        ...         p.data -= group["lr"] * np.sign(state["momentum"])
        >>> model = nn.Linear(3, 1, rng=0)
        >>> loss_fn = nn.MSELoss()
        >>> optimizer = Signum(model.parameters(), lr=0.05)
        >>> x = np.array([[1, 0, 2], [0, 1, 1], [1, 1, 0]], dtype=np.float32)
        >>> y = np.array([[3], [2], [1]], dtype=np.float32)       # y = x @ [1, 1, 1]
        >>> losses = []
        >>> for _ in range(100):
        ...     losses.append(loss_fn(model(x), y))
        ...     _ = model.backward(loss_fn.backward())
        ...     optimizer.step()
        ...     optimizer.zero_grad()
        >>> losses[-1] < losses[0] / 100
        True
        >>> optimizer.state[model.weight]["momentum"].shape, model.weight.data.dtype
        ((1, 3), dtype('float32'))

    Attributes:
        param_groups (list[dict]): the groups, as described above.
        defaults (dict): the constructor's hyper-parameters, used by groups
            that do not give their own.
        state (dict[Parameter, dict]): per-parameter state (a
            ``defaultdict(dict)``, as PyTorch's).

    Differences from ``torch.optim.Optimizer``: the update rule is the method
    ``update(p, state, group)`` (PyTorch's subclasses write ``step()`` and
    loop over the groups themselves); ``zero_grad()`` fills the gradients
    with zeros (PyTorch sets them to None); a group with unknown
    hyper-parameter names is refused (PyTorch keeps them); there is no
    ``step(closure)``.

    Taught in notebooks/05_optimizers.ipynb.
    """

    def __init__(self, params, defaults: dict):
        where = type(self).__name__
        if not isinstance(defaults, dict) or "lr" not in defaults:
            raise TypeError(f"{where}: defaults must be a dict of hyper-parameters with an "
                            f"'lr' entry, e.g. {{'lr': lr}}; got {defaults!r}")
        self.defaults = dict(defaults)
        self.state: defaultdict[Parameter, dict] = defaultdict(dict)
        self.param_groups: list[dict] = []
        groups = _groups(params, where)
        for group in groups:
            self.add_param_group(group)

    # ---- what a subclass writes ---------------------------------------------------------
    def update(self, p: Parameter, state: dict, group: dict) -> None:
        """The update rule for one parameter: change ``p.data`` in place from ``p.grad``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement update(self, p, state, group); see the "
            "docstring of course_lib.optim.Optimizer"
        )

    def check_group(self, group: dict, where: str) -> None:
        """Check the group's hyper-parameters other than ``lr`` (none by default).

        Called once per group by ``add_param_group`` and ``load_state_dict``;
        replace each value by its checked form (``course_lib.checks``), or raise.
        """

    # ---- the loop -----------------------------------------------------------------------
    def step(self) -> None:
        """Update every parameter once from its ``.grad`` (call after ``model.backward``)."""
        for group in self.param_groups:
            update = self.fused_update if group.get("fused") else self.update
            for p in group["params"]:
                update(p, self.state[p], group)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero (call once per batch, after ``step``)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.zero_grad()

    # ---- groups -------------------------------------------------------------------------
    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own hyper-parameters (e.g. a layer to fine-tune).

        Hyper-parameters the dict leaves out are taken from ``defaults``.
        Every value is checked here, once.

        Example:
            >>> import numpy as np
            >>> from course_lib import nn
            >>> from course_lib.optim import SGD
            >>> first, second = nn.Linear(2, 3, rng=0), nn.Linear(3, 1, rng=1)
            >>> optimizer = SGD(first.parameters(), lr=0.1)
            >>> optimizer.add_param_group({"params": second.parameters(), "lr": 0.01})
            >>> [group["lr"] for group in optimizer.param_groups]
            [0.1, 0.01]
        """
        name, index = type(self).__name__, len(self.param_groups)
        if not isinstance(param_group, dict) or "params" not in param_group:
            raise TypeError(f"{name}: a parameter group is a dict with a 'params' entry, "
                            f"e.g. {{'params': model.parameters(), 'lr': 0.01}}; "
                            f"got {param_group!r}")
        where = name if set(param_group) == {"params"} else f"{name}, param group {index}"
        unknown = set(param_group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(f"{where}: unknown hyper-parameter(s) {sorted(unknown)}; "
                             f"{name}'s are {sorted(self.defaults)}")
        group = {**self.defaults, **param_group}
        group["params"] = _parameter_list(param_group["params"], where)
        self._check_no_parameter_twice(group["params"], where)
        self._check_hyperparameters(group, where)
        self.param_groups.append(group)

    def _check_hyperparameters(self, group: dict, where: str) -> None:
        group["lr"] = checks.number(group["lr"], "lr (the learning rate)", where, low=0)
        if group.get("fused") and not hasattr(self, "fused_update"):
            raise ValueError(f"{where}: fused=True, but {type(self).__name__} has no fused "
                             "implementation")
        self.check_group(group, where)

    def _check_no_parameter_twice(self, params: list[Parameter], where: str) -> None:
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        for i, p in enumerate(params):
            if id(p) in seen:
                raise ValueError(
                    f"{where}: params[{i}] appears twice (in this group or an earlier one); "
                    "each parameter may belong to one group only, or it is updated twice"
                )
            seen.add(id(p))

    # ---- saving and loading -------------------------------------------------------------
    def state_dict(self) -> dict:
        """The optimizer's state in PyTorch's layout.

        ``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}``:
        parameters are numbered 0, 1, ... in the order of the groups, and a
        parameter without state (plain SGD) has no entry. As in PyTorch, the
        state dicts are the optimizer's own, not copies, so they follow later
        steps; keep a snapshot with ``copy.deepcopy``.

        Example:
            >>> import numpy as np
            >>> from course_lib import nn
            >>> from course_lib.optim import Adam
            >>> model = nn.Linear(2, 1, rng=0)
            >>> optimizer = Adam(model.parameters(), lr=0.01)
            >>> optimizer.step()
            >>> saved = optimizer.state_dict()
            >>> sorted(saved["state"]), saved["param_groups"][0]["params"]
            ([0, 1], [0, 1])
            >>> sorted(saved["state"][0])
            ['exp_avg', 'exp_avg_sq', 'step']
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                index[id(p)] = len(index)
            hyperparameters = {k: v for k, v in group.items() if k != "params"}
            groups.append({**hyperparameters, "params": [index[id(p)] for p in group["params"]]})
        state = {index[id(p)]: values for p, values in self.state.items() if values}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Continue from a state saved by :meth:`state_dict` (it is copied, then checked).

        The saved groups must have as many parameters as this optimizer's, and
        every saved array the shape of its parameter (it is converted to the
        parameter's dtype). The saved hyper-parameters replace the current
        ones. Anything wrong raises ValueError and changes nothing.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{where}: expected a dict with the keys 'state' and 'param_groups' "
                             "(from optimizer.state_dict())")
        saved_groups = state_dict["param_groups"]
        if not isinstance(saved_groups, list) or not isinstance(state_dict["state"], dict):
            raise ValueError(f"{where}: 'param_groups' must be a list and 'state' a dict")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{where}: the saved optimizer has {len(saved_groups)} parameter "
                             f"group(s), this one {len(self.param_groups)}")
        by_index = {}
        groups = []
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups, strict=True)):
            if not isinstance(saved, dict) or not isinstance(saved.get("params"), list):
                raise ValueError(f"{where}: saved parameter group {i} is not a dict with a "
                                 "'params' list")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{where}: saved parameter group {i} has {len(saved['params'])} parameters, "
                    f"this optimizer's has {len(group['params'])}; was it saved from another model?"
                )
            names = set(saved) - {"params", "initial_lr"}
            if names != set(self.defaults):
                raise ValueError(
                    f"{where}: saved parameter group {i} has the hyper-parameters {sorted(names)}, "
                    f"{type(self).__name__} has {sorted(self.defaults)}; was it saved from "
                    "another optimizer?"
                )
            by_index.update(zip(saved["params"], group["params"], strict=True))
            new_group = {**copy.deepcopy({k: v for k, v in saved.items() if k != "params"}),
                         "params": group["params"]}
            self._check_hyperparameters(new_group, f"{where}, param group {i}")
            groups.append(new_group)
        state = defaultdict(dict)
        for index, values in state_dict["state"].items():
            if index not in by_index:
                raise ValueError(f"{where}: the saved state has an entry for parameter {index!r}, "
                                 f"but the saved groups number parameters {sorted(by_index)}")
            if not isinstance(values, dict):
                raise ValueError(f"{where}: the saved state of parameter {index!r} is a "
                                 f"{type(values).__name__}, not a dict")
            p = by_index[index]
            state[p] = {key: _loaded_value(value, p, f"{where}, parameter {index}, {key!r}")
                        for key, value in values.items()}
        self.param_groups, self.state = groups, state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join([*lines, ")"])


def _groups(params, where: str) -> list[dict]:
    """``params`` as a list of group dicts: one group for an iterable of Parameters."""
    if isinstance(params, Parameter):
        params = [params]
    if isinstance(params, (dict, np.ndarray)) or not isinstance(params, Iterable):
        raise TypeError(
            f"{where}: params must be an iterable of Parameter objects, e.g. model.parameters(), "
            f"or a list of parameter groups (dicts); got {type(params).__name__}"
        )
    params = list(params)
    if not params:
        raise ValueError(
            f"{where}: got an empty parameter list. Did you pass a generator that was "
            "already used up, or a model without trainable layers?"
        )
    if all(isinstance(group, dict) for group in params):
        return params
    return [{"params": params}]


def _parameter_list(params, where: str) -> list[Parameter]:
    """``params`` (a list, a generator such as ``model.parameters()``) as a list of Parameters."""
    if isinstance(params, Parameter):
        params = [params]
    if isinstance(params, (np.ndarray, dict)) or not isinstance(params, Iterable):
        raise TypeError(
            f"{where}: params must be an iterable of Parameter objects, e.g. "
            f"model.parameters(); got {type(params).__name__}"
        )
    params = list(params)
    if not params:
        raise ValueError(
            f"{where}: got an empty parameter list. Did you pass a generator that was "
            "already used up, or a model without trainable layers?"
        )
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(
                f"{where}: params[{i}] is a {type(p).__name__}, not a Parameter. Pass "
                "model.parameters() (Parameter objects carry .data and .grad), not arrays."
            )
    return params


def _loaded_value(value, p: Parameter, where: str):
    """A copy of a saved state value; arrays must have the parameter's shape."""
    if isinstance(value, np.ndarray):
        if value.shape != p.shape:
            raise ValueError(f"{where}: the saved array has shape {value.shape}, but the "
                             f"parameter has shape {p.shape}")
        return np.array(value, dtype=p.dtype)
    return copy.deepcopy(value)
