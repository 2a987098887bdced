"""Tampering flags in learners' cells (no kernel): what is flagged, and what honest code is not."""

from pathlib import Path

import nbformat
import pytest
from wrong_answers import exercise_names, fill_exercise, solution_answers

from course_lib.grading.plan import plan_submission
from course_lib.grading.release import release_notebook
from course_lib.grading.results import SubmissionResult, TaskResult, apply_strict
from course_lib.grading.tampering import Flag, inspect_cells

ROOT = Path(__file__).resolve().parents[2]

SETUP = "import numpy as np\nfrom course_lib import gradcheck\nimport matplotlib.pyplot as plt"

FLAGGED = {
    "module patching": [
        ("np.isclose = lambda *a, **k: True", "assigns np.isclose"),
        ("np.testing.assert_allclose = print", "assigns np.testing.assert_allclose"),
        ("gradcheck.relative_error = lambda a, b: 0.0", "assigns gradcheck.relative_error"),
        ("import builtins\nbuiltins.AssertionError = Warning", "assigns builtins.AssertionError"),
        ("setattr(np, 'allclose', max)", "calls setattr on np"),
        ("import sys\nsys.modules['numpy'] = None", "assigns an entry of sys.modules"),
        ("vars(np)['isclose'] = max", "assigns an entry of vars(np)"),
        ("np.__dict__.update(isclose=max)", "changes np.__dict__"),
        ("t = np.testing\nt.assert_array_equal = print", "assigns t.assert_array_equal"),
        ("del np.isclose", "deletes np.isclose"),
    ],
    "IPython hooks": [
        ("get_ipython().ast_transformers.append(object())", "get_ipython().ast_transformers"),
        ("ip = get_ipython()\nip.events.register('pre_run_cell', print)", "uses ip.events"),
        ("get_ipython().input_transformers_cleanup.append(str)", "input_transformers_cleanup"),
        ("%xmode Minimal", "runs %xmode"),
        ("get_ipython().set_custom_exc((Exception,), print)", "set_custom_exc"),
    ],
    "introspection": [
        ("import inspect", "imports inspect"),
        ("import sys\nframe = sys._getframe(1)", "sys._getframe"),
        ("from linecache import getlines", "imports linecache"),
        ("import gc\ngc.get_objects()", "imports gc"),
        ("source = _ih[-1]", "reads the input history (_ih)"),
        ("source = In[3]", "reads the input history (In)"),
        ("%history -n", "runs %history"),
        ("def f():\n    return f.__code__.co_consts", "uses .co_consts"),
    ],
    "process control": [
        ("import subprocess", "imports subprocess"),
        ("import os\nos.kill(os.getppid(), 9)", "calls os.kill"),
        ("from os import killpg", "imports os.killpg"),
        ("import ctypes", "imports ctypes"),
        ("!ls /", "runs a shell command"),
        ("%%bash\nls", "runs %bash"),
        ("import os\nos.system('ls')", "calls os.system"),
    ],
    "dynamic code": [
        ("exec('x = 1')", "calls exec"),
        ("y = eval('1 + 1')", "calls eval"),
        ("m = __import__('os')", "calls __import__"),
        ("import importlib", "imports importlib"),
        ("getattr(np, 'is' + 'close')", "calls getattr with a computed name"),
    ],
    "file access": [
        ("open('/proc/1/cmdline').read()", "open reads '/proc/1/cmdline'"),
        ("import os\nos.listdir('/proc')", "os.listdir reads '/proc'"),
        ("open(f'/proc/{pid}/cwd')", "open reads '/proc/{...}/cwd'"),
        ("open('../solutions/01_xor.ipynb')", "reads '../solutions/01_xor.ipynb'"),
        ("from pathlib import Path\nPath('/etc/passwd').read_text()", "reads '/etc/passwd'"),
        ("path = 'a' + name\nnp.load(path)", "reads a path built at run time"),
    ],
}
CASES = [(kind, code, detail) for kind, cases in FLAGGED.items() for code, detail in cases]


@pytest.mark.parametrize(("kind", "code", "detail"), CASES, ids=[c[1] for c in CASES])
def test_tampering_is_flagged_with_its_kind_cell_and_line(kind, code, detail):
    flags = inspect_cells([(7, code)], other_sources=[SETUP])
    assert flags, f"not flagged: {code!r}"
    assert any(flag.kind == kind and detail in flag.detail for flag in flags), [
        flag.describe() for flag in flags
    ]
    assert all(flag.cell == 7 and flag.line >= 1 for flag in flags)


HONEST = [
    "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
    "np.random.seed(0)\nrng = np.random.default_rng(1)",
    "plt.rcParams['figure.figsize'] = (6, 4)\nfig, ax = plt.subplots()\nax.set_title('x')",
    "import torch\ntorch.backends.cudnn.deterministic = True\ntorch.manual_seed(0)",
    "with open('notes.txt', 'w') as file:\n    file.write('mine')",
    "with open('data.txt') as file:\n    data = file.read()",
    "import pickle\nwith open('w.pkl', 'rb') as f:\n    w = pickle.load(f)",
    "%matplotlib inline\n%timeit np.zeros(3)",
    "class Net:\n    def __init__(self):\n        self.W = np.zeros(3)\n    def step(self):\n"
    "        self.W -= 0.1",
    "for _i in range(3):\n    print(_i)",
    "x = getattr(np, 'float32')\nhasattr(np, 'float16')",
    "def load(path):\n    return np.load(path)",
]


@pytest.mark.parametrize("code", HONEST)
def test_honest_code_is_not_flagged(code):
    assert inspect_cells([(3, code)], other_sources=[SETUP]) == []


@pytest.mark.parametrize("name", exercise_names())
def test_no_solution_and_no_cell_of_an_exercise_is_flagged(name):
    source = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
    filled = fill_exercise(release_notebook(source), solution_answers(source))
    plan = plan_submission(source, filled)
    cells = [(segment.cell, segment.code) for segment in plan.segments if segment.task is None]
    assert inspect_cells(cells) == []


def test_a_cell_ipython_cannot_read_is_skipped():
    assert inspect_cells([(1, "def broken(:\n    pass")]) == []


def test_strict_scores_zero_the_tasks_a_flag_reaches_and_keeps_the_rest():
    tasks = [
        TaskResult("a", "a", "pass", 2.0, 2.0),
        TaskResult("b", "b", "pass", 1.0, 1.0),
        TaskResult("c", "c", "fail", 0.0, 3.0, "wrong"),
    ]
    flag = Flag(4, 2, "module patching", "assigns np.isclose", ("b", "c"))
    result = SubmissionResult("alice", tasks, flags=[flag])
    strict = apply_strict(result)
    assert [(task.status, task.points) for task in strict.tasks] == [
        ("pass", 2.0),
        ("flagged", 0.0),
        ("flagged", 0.0),
    ]
    assert "scored 0 by --strict" in strict.tasks[1].reason
    assert "cell 4, line 2: module patching (assigns np.isclose)" in strict.tasks[1].reason
    assert result.score == 3.0 and strict.score == 2.0  # the result itself is unchanged
    assert apply_strict(SubmissionResult("bob", tasks)).tasks == tasks
    again = SubmissionResult.from_dict(result.to_dict())
    assert again.flags == [flag]
