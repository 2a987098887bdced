"""Flagging tampering: what in a learner's cells looks like an attack on the grader.

Before a submission runs, every learner code cell is read (IPython's own
transformer turns magics and ``!`` commands into Python first) and its syntax
tree searched for:

- **module patching**: assignment, ``del``, ``setattr`` or dict updates on an
  attribute of an imported module (``np.isclose = ...``,
  ``np.testing.assert_allclose = ...``, ``gradcheck.relative_error = ...``,
  ``builtins.AssertionError = ...``), ``sys.modules``, a module's ``__dict__``;
- **IPython hooks**: ``get_ipython()``'s AST and input transformers, event
  callbacks, custom exception handlers, history manager, kernel, and the
  ``%xmode`` magic;
- **introspection**: ``inspect``, ``linecache``, ``gc``, ``traceback``, ``dis``,
  ``sys._getframe``, ``sys.settrace``/``setprofile``/``addaudithook``, frame and
  code attributes (``f_back``, ``f_globals``, ``co_consts``, ``__code__``...), and
  IPython's input history (``In``, ``_ih``, ``_i3``, ``%history``);
- **process control**: ``ctypes``, ``signal``, ``subprocess``,
  ``multiprocessing``, ``pty``, ``os.kill``/``fork``/``system``/``exec*``/``spawn*``,
  shell commands (``!ls``, ``%%bash``);
- **dynamic code**: ``exec``, ``eval``, ``compile``, ``__import__``, ``importlib``,
  and ``getattr``/``setattr``/``delattr``/``hasattr`` with a computed name;
- **file access**: reading or listing a path outside the submission folder
  (absolute, ``..``, ``~``) or a path computed at run time.

A flag never changes a score by itself: the gradebook and the instructor's
summary show it with the cell and line, and ``course grade --strict`` scores
0 every task whose test runs after a flagged cell. It is a signal for a human:
static inspection can be evaded by code clever enough, and an honest cell can
be flagged (``torch.backends.cudnn.deterministic = True`` is allowed; other
settings are not). Taught in no notebook; used by ``course grade``.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import asdict, dataclass

MODULE_PATCHING = "module patching"
IPYTHON_HOOKS = "IPython hooks"
INTROSPECTION = "introspection"
PROCESS_CONTROL = "process control"
DYNAMIC_CODE = "dynamic code"
FILE_ACCESS = "file access"
RUN_TIME = "replaced at run time"
FLAG_KINDS = (
    MODULE_PATCHING,
    IPYTHON_HOOKS,
    INTROSPECTION,
    PROCESS_CONTROL,
    DYNAMIC_CODE,
    FILE_ACCESS,
    RUN_TIME,
)

INTROSPECTION_MODULES = {"inspect", "linecache", "gc", "traceback", "dis", "tracemalloc"}
PROCESS_MODULES = {"ctypes", "signal", "subprocess", "multiprocessing", "pty", "_posixsubprocess"}
DYNAMIC_MODULES = {"importlib", "runpy", "code", "codeop"}
OS_PROCESS = re.compile(
    r"^(kill|killpg|fork|forkpty|system|popen|setsid|setpgid|setpgrp|"
    r"spawn\w*|exec\w*|posix_spawn\w*|pidfd_\w+|abort)$"
)
SYS_INTROSPECTION = {
    "_getframe",
    "_current_frames",
    "settrace",
    "setprofile",
    "addaudithook",
    "gettrace",
    "getprofile",
    "_current_exceptions",
}
THREADING_INTROSPECTION = {
    "settrace",
    "setprofile",
    "settrace_all_threads",
    "setprofile_all_threads",
}
FRAME_ATTRIBUTES = {
    "f_back",
    "f_globals",
    "f_locals",
    "f_code",
    "f_builtins",
    "f_lineno",
    "tb_frame",
    "gi_frame",
    "cr_frame",
    "ag_frame",
    "gi_code",
    "co_consts",
    "co_code",
    "co_names",
    "__code__",
    "__globals__",
    "__builtins__",
    "__subclasses__",
}
IPYTHON_ATTRIBUTES = {
    "ast_transformers",
    "input_transformers_cleanup",
    "input_transformers_post",
    "input_transformer_manager",
    "set_custom_exc",
    "custom_exceptions",
    "CustomTB",
    "history_manager",
}
IPYTHON_SHELL_ATTRIBUTES = IPYTHON_ATTRIBUTES | {
    "events",
    "showtraceback",
    "showsyntaxerror",
    "kernel",
    "run_cell",
    "run_ast_nodes",
    "transform_cell",
    "transform_ast",
    "compile",
    "user_ns_hidden",
    "register_magic_function",
    "displayhook",
}
HISTORY_NAMES = re.compile(r"^(In|Out|_ih|_oh|_dh|_ii|_iii|_i\d+|_\d+)$")
HISTORY_MAGICS = {"history", "hist", "recall", "rerun", "rep", "save", "edit"}
SHELL_MAGICS = {"system", "sx", "sh", "bash", "script", "perl", "ruby", "python", "python3"}
FILE_MAGICS = {"load", "run", "pycat", "cat", "writefile", "loadpy", "bookmark", "cd"}
READ_FUNCTIONS = {
    "open",
    "load",
    "loadtxt",
    "genfromtxt",
    "fromfile",
    "memmap",
    "listdir",
    "scandir",
    "walk",
    "glob",
    "iglob",
    "readlink",
    "read_csv",
    "read_json",
    "read_pickle",
    "imread",
    "copy",
    "copyfile",
    "copytree",
}
PATH_BUILDERS = {"Path", "PurePath", "join", "str", "expanduser", "abspath", "realpath"}
READ_METHODS = {"read_text", "read_bytes", "iterdir", "glob", "rglob", "readlink"}
MUTATING_METHODS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__"}
# Settings an honest learner may assign on a module (torch's determinism switches).
ALLOWED_ASSIGNMENTS = re.compile(r"^torch\.backends\.[\w.]+$|(^|\.)rcParams($|\.)")


@dataclass(frozen=True)
class Flag:
    """Something a learner's cell does that may be tampering.

    ``cell`` and ``line`` locate it in the learner's notebook (1-based; None
    for what the kernel guard found at run time), ``kind`` is one of
    ``FLAG_KINDS`` and ``detail`` says what, in code terms (``assigns
    np.isclose``). ``tasks`` are the grade_ids of the tasks whose tests run
    after it (what ``--strict`` scores 0).
    """

    cell: int | None
    line: int | None
    kind: str
    detail: str
    tasks: tuple[str, ...] = ()

    def describe(self) -> str:
        """``cell 3, line 2: module patching (assigns np.isclose)``."""
        where = "at run time" if self.cell is None else f"cell {self.cell}"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.kind} ({self.detail})"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tasks"] = list(self.tasks)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Flag:
        return cls(
            data.get("cell"),
            data.get("line"),
            str(data["kind"]),
            str(data["detail"]),
            tuple(data.get("tasks", ())),
        )


@functools.cache
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def python_source(cell_source: str) -> str | None:
    """The cell as IPython runs it (magics and ``!`` commands as calls); None if unreadable."""
    try:
        return _transformer().transform_cell(cell_source)
    except Exception:  # IPython raises several types for broken input
        return None


def imported_names(sources: list[str]) -> dict[str, str]:
    """Every name bound by an import in ``sources``, and the module (or object) it names."""
    names: dict[str, str] = {}
    for source in sources:
        tree = _parse(source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        names[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    names.setdefault("builtins", "builtins")
    return names


def _parse(source: str) -> ast.AST | None:
    python = python_source(source)
    if python is None:
        return None
    try:
        return ast.parse(python)
    except (SyntaxError, ValueError):
        return None


def inspect_cells(
    learner_cells: list[tuple[int, str]], *, other_sources: list[str] = ()
) -> list[Flag]:
    """The flags of the learner's cells, given as (cell number, source), in order.

    ``other_sources`` are the notebook's other cells (instructor cells, tests):
    their imports count, so ``np`` is known as NumPy in every cell.
    """
    modules = imported_names([*other_sources, *(source for _, source in learner_cells)])
    flags: list[Flag] = []
    for number, source in learner_cells:
        tree = _parse(source)
        if tree is None:
            continue
        visitor = _Visitor(number, modules)
        visitor.visit(tree)
        flags += visitor.flags
    unique: dict[tuple, Flag] = {}
    for flag in flags:  # one flag of a kind per line is enough
        unique.setdefault((flag.cell, flag.line, flag.kind), flag)
    return list(unique.values())


def _dotted(node: ast.AST) -> str | None:
    """``np.testing.assert_allclose`` for an attribute chain on a name; None otherwise."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    if isinstance(node, ast.Call) and _is_get_ipython(node):
        return ".".join(["get_ipython()", *reversed(parts)])
    return None


def _is_get_ipython(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "get_ipython"
    )


class _Visitor(ast.NodeVisitor):
    def __init__(self, cell: int, modules: dict[str, str]):
        self.cell = cell
        self.modules = dict(modules)
        self.shells: set[str] = set()  # names bound to get_ipython()
        self.assigned: set[str] = set()
        self.constants: dict[str, str] = {}  # names assigned a string literal
        self.built_paths: set[str] = set()  # names assigned a string built at run time
        self.flags: list[Flag] = []

    def flag(self, node: ast.AST, kind: str, detail: str) -> None:
        line = getattr(node, "lineno", None)
        self.flags.append(Flag(self.cell, line, kind, detail))

    # -- helpers --------------------------------------------------------------------------------

    def root(self, dotted: str) -> str:
        return dotted.split(".")[0]

    def is_module(self, dotted: str | None) -> bool:
        return dotted is not None and self.root(dotted) in self.modules

    def is_shell(self, dotted: str | None) -> bool:
        return dotted is not None and (
            dotted.startswith("get_ipython()") or self.root(dotted) in self.shells
        )

    def qualified(self, dotted: str) -> str:
        """``np.isclose`` -> ``numpy.isclose``."""
        root, _, rest = dotted.partition(".")
        module = self.modules.get(root, root)
        return f"{module}.{rest}" if rest else module

    # -- imports --------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_import(node, alias.name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        self._check_import(node, module)
        for alias in node.names:
            self._check_import(node, f"{module}.{alias.name}")
        self.generic_visit(node)

    def _check_import(self, node: ast.AST, name: str) -> None:
        top = name.split(".")[0]
        if top in INTROSPECTION_MODULES:
            self.flag(node, INTROSPECTION, f"imports {name}")
        elif top in PROCESS_MODULES:
            self.flag(node, PROCESS_CONTROL, f"imports {name}")
        elif top in DYNAMIC_MODULES:
            self.flag(node, DYNAMIC_CODE, f"imports {name}")
        elif top == "os" and OS_PROCESS.match(name.rpartition(".")[2] or ""):
            self.flag(node, PROCESS_CONTROL, f"imports {name}")
        elif top == "sys" and name.rpartition(".")[2] in SYS_INTROSPECTION:
            self.flag(node, INTROSPECTION, f"imports {name}")

    # -- assignments ----------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._check_target(node, target)
        self._track_alias(node.targets, node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_target(node, node.target)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_target(node, node.target)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._check_target(node, target, verb="deletes")
        self.generic_visit(node)

    def _track_alias(self, targets: list[ast.AST], value: ast.AST) -> None:
        dotted = _dotted(value)
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            self.assigned.add(target.id)
            kind, text = self._path(value)
            if kind == "literal":
                self.constants[target.id] = text
            elif kind == "computed" or isinstance(value, ast.JoinedStr):
                self.built_paths.add(target.id)
            if _is_get_ipython(value) or self.is_shell(dotted):
                self.shells.add(target.id)
            elif self.is_module(dotted):
                self.modules[target.id] = self.qualified(dotted)

    def _check_target(self, node: ast.AST, target: ast.AST, verb: str = "assigns") -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._check_target(node, element, verb)
            return
        if isinstance(target, ast.Starred):
            self._check_target(node, target.value, verb)
            return
        if isinstance(target, ast.Name):
            self.assigned.add(target.id)
            if target.id == "__builtins__":
                self.flag(node, MODULE_PATCHING, f"{verb} __builtins__")
            return
        if isinstance(target, ast.Attribute):
            dotted = _dotted(target)
            if self.is_shell(dotted):
                self.flag(node, IPYTHON_HOOKS, f"{verb} {dotted}")
            elif self.is_module(dotted) and not ALLOWED_ASSIGNMENTS.search(self.qualified(dotted)):
                self.flag(node, MODULE_PATCHING, f"{verb} {dotted}")
            elif target.attr in ("__dict__", "__class__", "__code__", "__globals__"):
                self.flag(node, MODULE_PATCHING, f"{verb} {dotted or '...'}")
            return
        if isinstance(target, ast.Subscript):
            container = _dotted(target.value)
            if container is not None and self.qualified(container) in ("sys.modules",):
                self.flag(node, MODULE_PATCHING, f"{verb} an entry of sys.modules")
            elif self._is_namespace_dict(target.value):
                self.flag(node, MODULE_PATCHING, f"{verb} an entry of {_describe(target.value)}")

    def _is_namespace_dict(self, node: ast.AST) -> bool:
        """``module.__dict__`` or ``vars(module)``: a module's namespace as a dict."""
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            return True  # a module's or a class's namespace: either patches code
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "vars" and node.args:
                return self.is_module(_dotted(node.args[0]))
        return False

    # -- calls ----------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        dotted = _dotted(function)
        name = function.id if isinstance(function, ast.Name) else None
        attribute = function.attr if isinstance(function, ast.Attribute) else None
        if name in ("exec", "eval", "compile", "__import__"):
            self.flag(node, DYNAMIC_CODE, f"calls {name}")
        elif name in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2:
            computed = not (
                isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
            )
            target = _dotted(node.args[0])
            if name in ("setattr", "delattr") and (
                self.is_module(target) or self.is_shell(target) or _is_get_ipython(node.args[0])
            ):
                kind = IPYTHON_HOOKS if self.is_shell(target) else MODULE_PATCHING
                self.flag(node, kind, f"calls {name} on {target or 'get_ipython()'}")
            elif computed:
                self.flag(node, DYNAMIC_CODE, f"calls {name} with a computed name")
        if attribute in MUTATING_METHODS and isinstance(function, ast.Attribute):
            owner = function.value
            owner_dotted = _dotted(owner)
            if owner_dotted is not None and self.qualified(owner_dotted) == "sys.modules":
                self.flag(node, MODULE_PATCHING, f"calls sys.modules.{attribute}")
            elif self._is_namespace_dict(owner):
                self.flag(node, MODULE_PATCHING, f"changes {_describe(owner)}")
        if dotted is not None and self.is_module(dotted):
            self._check_module_call(node, self.qualified(dotted))
        if dotted is not None and self.is_shell(dotted):
            self._check_shell_call(node, dotted)
        if name in READ_FUNCTIONS or attribute in READ_FUNCTIONS:
            self._check_path(node, node.args[0] if node.args else None, dotted or name)
        if attribute in READ_METHODS and isinstance(function, ast.Attribute):
            self._check_path(node, _path_literal(function.value), f".{attribute}()")
        self.generic_visit(node)

    def _check_module_call(self, node: ast.Call, qualified: str) -> None:
        module, _, function = qualified.rpartition(".")
        if module == "os" and OS_PROCESS.match(function):
            self.flag(node, PROCESS_CONTROL, f"calls {qualified}")
        elif module == "sys" and function in SYS_INTROSPECTION:
            self.flag(node, INTROSPECTION, f"calls {qualified}")
        elif module == "threading" and function in THREADING_INTROSPECTION:
            self.flag(node, INTROSPECTION, f"calls {qualified}")
        elif module == "builtins" and function in ("exec", "eval", "compile", "__import__"):
            self.flag(node, DYNAMIC_CODE, f"calls {qualified}")

    def _check_shell_call(self, node: ast.Call, dotted: str) -> None:
        method = dotted.rpartition(".")[2]
        first = node.args[0] if node.args else None
        magic = first.value if isinstance(first, ast.Constant) else None
        if method in ("system", "getoutput", "system_piped", "system_raw"):
            self.flag(node, PROCESS_CONTROL, "runs a shell command")
        elif method in ("run_line_magic", "run_cell_magic", "magic"):
            if not isinstance(magic, str):
                self.flag(node, DYNAMIC_CODE, "runs a magic chosen at run time")
            elif magic in HISTORY_MAGICS:
                self.flag(node, INTROSPECTION, f"runs %{magic}")
            elif magic in SHELL_MAGICS:
                self.flag(node, PROCESS_CONTROL, f"runs %{magic}")
            elif magic in FILE_MAGICS:
                self.flag(node, FILE_ACCESS, f"runs %{magic}")
            elif magic == "xmode":
                self.flag(node, IPYTHON_HOOKS, "runs %xmode")

    def _check_path(self, node: ast.Call, path: ast.AST | None, function: str) -> None:
        """Flag ``function`` reading ``path`` when the path leaves the submission folder
        (absolute, ``~``, ``..``) or is built at run time (an f-string, a join...)."""
        kind, text = self._path(path)
        if kind == "literal" and _outside(text):
            self.flag(node, FILE_ACCESS, f"{function} reads {text[:80]!r}")
        elif kind == "computed":
            shown = f" ({text[:80]})" if text else ""
            self.flag(node, FILE_ACCESS, f"{function} reads a path built at run time{shown}")

    def _path(self, node: ast.AST | None) -> tuple[str, str]:
        """("literal", text), ("computed", code) or ("unknown", "") for a path expression."""
        if node is None:
            return "unknown", ""
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            value = node.value
            return "literal", value.decode(errors="replace") if isinstance(value, bytes) else value
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                str(part.value) if isinstance(part, ast.Constant) else "{...}"
                for part in node.values
            )
            return ("literal" if _outside(text) else "computed"), text
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Add, ast.Mod)):
            kind, text = self._path(node.left)
            return (kind, text) if kind == "literal" and _outside(text) else ("computed", "")
        if isinstance(node, ast.Call) and node.args:
            called = _dotted(node.func) or ""
            if called.split(".")[-1] in PATH_BUILDERS:
                kind, text = self._path(node.args[0])
                return (kind, text) if kind != "unknown" else ("computed", "")
            if called.split(".")[-1] in ("format",):
                return "computed", ""
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return "literal", self.constants[node.id]
            if node.id in self.built_paths:
                return "computed", node.id
        return "unknown", ""

    # -- names and attributes -------------------------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = _dotted(node)
        if node.attr in IPYTHON_ATTRIBUTES:
            self.flag(node, IPYTHON_HOOKS, f"uses {dotted or '...' + '.' + node.attr}")
        elif node.attr in IPYTHON_SHELL_ATTRIBUTES and self.is_shell(_dotted(node.value)):
            self.flag(node, IPYTHON_HOOKS, f"uses {dotted}")
        elif node.attr in FRAME_ATTRIBUTES:
            self.flag(node, INTROSPECTION, f"uses .{node.attr}")
        elif dotted is not None and self.is_module(dotted):
            qualified = self.qualified(dotted)
            if qualified.startswith("sys.") and qualified[4:] in SYS_INTROSPECTION:
                self.flag(node, INTROSPECTION, f"uses {qualified}")
            elif qualified == "sys.modules":
                self.flag(node, DYNAMIC_CODE, "uses sys.modules")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            if HISTORY_NAMES.match(node.id) or (node.id == "_i" and "_i" not in self.assigned):
                self.flag(node, INTROSPECTION, f"reads the input history ({node.id})")
            elif node.id == "__builtins__":
                self.flag(node, MODULE_PATCHING, "uses __builtins__")
        elif isinstance(node.ctx, ast.Store):
            self.assigned.add(node.id)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for argument in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            self.assigned.discard(argument.arg)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef


def _outside(path: str) -> bool:
    """Whether a literal path leaves the submission folder."""
    return path.startswith(("/", "~", "\\")) or ".." in path.replace("\\", "/").split("/")


def _path_literal(node: ast.AST) -> ast.AST:
    """The path an expression like ``Path('/proc')`` or ``Path('/proc') / 'x'`` starts from."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        node = node.left
    return node


def _describe(node: ast.AST) -> str:
    dotted = _dotted(node)
    if dotted:
        return dotted
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        inner = _dotted(node.args[0]) or "..."
        return f"{node.func.id}({inner})"
    return "a namespace"
