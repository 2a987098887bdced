"""Inside a grading kernel: undo a learner's tampering before each test, forget each test after.

The grader (``runner.py``) calls these functions with silent requests that
run no cell code (only ``user_expressions``, which IPython evaluates without
input or AST transformers):

- ``snapshot()``, once, before the learner's first cell: records the public
  functions, classes and modules of builtins, math, NumPy and course_lib (the
  names test cells rely on: ``np.isclose``, ``np.testing.assert_allclose``,
  ``gradcheck.relative_error``...), ``sys.modules``, and IPython's input
  transformers, AST transformers and event callbacks.
- ``before_test()``, before every test segment: puts back every recorded
  name that the learner replaced, and IPython's hooks as they were; returns
  what it put back (``["numpy.isclose", "IPython ast_transformers"]``), which the
  grader records as tampering found at run time.
- ``forget(execution_count)``, after every test segment: removes the test's
  source from IPython's input history (``In``, ``_ih``, ``_i``, ``_iN``) and
  from ``linecache``, so no later cell can read a hidden test from there.

None of this can stop code that rewrites the kernel itself; the grader's AST
inspection (``tampering.py``) flags that for the instructor. Kept small and
free of heavy imports: it runs in every grading kernel. Taught in no notebook.
"""

from __future__ import annotations

import builtins
import importlib
import linecache
import sys
import types

# Modules whose public names test cells use; imported by snapshot() so that a
# learner cannot patch them before they are recorded.
GUARDED_IMPORTS = (
    "math",
    "numpy",
    "numpy.testing",
    "numpy.linalg",
    "course_lib.gradcheck",
    "course_lib.nn.functional",
    "course_lib.grading.exercise_support",
)
GUARDED_PREFIXES = ("numpy", "course_lib")
IPYTHON_LISTS = ("ast_transformers", "input_transformers_cleanup", "input_transformers_post")
# Libraries that register IPython event callbacks of their own (pyplot redraws figures
# after each cell): their callbacks are kept.
LIBRARY_CALLBACKS = ("matplotlib", "matplotlib_inline", "IPython", "ipykernel", "ipywidgets")

_modules: dict[str, types.ModuleType] = {}
_names: dict[str, dict[str, object]] = {}
_hooks: dict[str, list] = {}
_events: dict[str, list] = {}
_shell_attributes: set[str] = set()


def _guardable(value: object) -> bool:
    """Functions, classes, ufuncs and modules: what tests call. Plain data (caches,
    settings) changes legitimately and is left alone."""
    return callable(value) or isinstance(value, types.ModuleType)


def snapshot() -> int:
    """Record the guarded names and IPython's hooks; returns how many names were recorded."""
    for name in GUARDED_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    guarded = {"builtins": builtins, "math": sys.modules.get("math")}
    for name, module in list(sys.modules.items()):
        if isinstance(module, types.ModuleType) and name.startswith(GUARDED_PREFIXES):
            if name.split(".")[0] in GUARDED_PREFIXES:
                guarded[name] = module
    _modules.clear()
    _names.clear()
    for name, module in guarded.items():
        if module is None:
            continue
        _modules[name] = module
        _names[name] = {key: value for key, value in vars(module).items() if _guardable(value)}
    shell = _shell()
    if shell is not None:
        for name in IPYTHON_LISTS:
            _hooks[name] = list(getattr(shell, name, []))
        _events.clear()
        for event, callbacks in shell.events.callbacks.items():
            _events[event] = list(callbacks)
        _shell_attributes.clear()
        _shell_attributes.update(vars(shell))
    return sum(len(names) for names in _names.values())


def before_test() -> list[str]:
    """Put back whatever the learner replaced since ``snapshot()``; the names put back."""
    restored = []
    for name, module in _modules.items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            restored.append(f"sys.modules[{name!r}]")
        current = vars(module)
        for key, value in _names[name].items():
            if current.get(key, None) is not value:
                try:
                    setattr(module, key, value)
                except (AttributeError, TypeError):
                    continue
                restored.append(f"{name}.{key}")
    shell = _shell()
    if shell is not None:
        for name, original in _hooks.items():
            hook = getattr(shell, name, None)
            if isinstance(hook, list) and hook != original:
                hook[:] = original
                restored.append(f"IPython {name}")
            elif not isinstance(hook, list):
                setattr(shell, name, list(original))
                restored.append(f"IPython {name}")
        for event, callbacks in shell.events.callbacks.items():
            original = _events.get(event, [])
            kept = [
                callback
                for callback in callbacks
                if callback in original or _from_library(callback)
            ]
            if kept != callbacks:
                callbacks[:] = kept
                restored.append(f"IPython {event} callbacks")
        for attribute in sorted(set(vars(shell)) - _shell_attributes):
            if callable(getattr(type(shell), attribute, None)):
                delattr(shell, attribute)  # an instance attribute hiding one of its methods
                restored.append(f"IPython shell.{attribute}")
    return restored


def _from_library(callback) -> bool:
    """Whether an event callback comes from a library (not from the notebook)."""
    function = getattr(callback, "__func__", callback)
    module = getattr(function, "__module__", None) or ""
    return module.split(".")[0] in LIBRARY_CALLBACKS


def forget(execution_count: int) -> None:
    """Remove the cell run as ``execution_count`` from IPython's history and linecache."""
    shell = _shell()
    if shell is None:
        return
    history = shell.history_manager
    source = None
    for lines in (history.input_hist_parsed, history.input_hist_raw):
        if 0 <= execution_count < len(lines):
            source = source or lines[execution_count]
            lines[execution_count] = ""
    namespace = shell.user_ns
    namespace.pop(f"_i{execution_count}", None)
    for name in ("_i", "_ii", "_iii"):
        if source is not None and namespace.get(name) == source:
            namespace[name] = ""
    for filename, number in list(shell.compile._filename_map.items()):
        if number == execution_count:
            linecache.cache.pop(filename, None)


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()
