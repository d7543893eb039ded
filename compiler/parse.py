"""Front-end: arc-dsl solver files → :class:`compiler.ir.Program` (the parse pass).

Accepted source (the format of arc-dsl's ``solvers.py``)::

    from dsl import *
    from constants import *

    def solve_007bbfb7(I):
        x1 = hupscale(I, THREE)
        x2 = vupscale(x1, THREE)
        O = cellwise(x2, x1, ZERO)
        return O

* module level: a docstring, ``from dsl import *``, ``from constants import *``,
  ``from arc_types import *``, and any number of ``def name(I):`` solvers and
  ``def name(S, I, C):`` differs (see :data:`ACCEPTED_PARAMS`);
* function body: an optional docstring, assignments ``name = f(a, b, ...)`` where ``f``
  is a primitive or a variable holding a function and each argument is a variable, a
  constant or a primitive name, then ``return name``.

Anything else — unknown names, rebinding a variable, shadowing a primitive or constant,
literals, keyword arguments, wrong primitive arity, code after ``return`` — raises
:class:`compiler.errors.ParseError` with ``file:line: message``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from jaxdsl import reference
from jaxdsl.reference.constants import CONSTANTS

from .errors import ParseError
from .ir import Const, Op, PrimRef, Program, Var

_ALLOWED_STAR_IMPORTS = {"dsl", "constants", "arc_types"}

ACCEPTED_PARAMS = (("I",), ("S", "I", "C"))
"""Parameter lists a function may declare: ``(I)`` for a solver (the sample input) and
``(S, I, C)`` for a differ (the task's demo pairs, a grid, the expected output or None)."""


def primitive_arity(name: str) -> int | None:
    """Declared positional-parameter count of a reference primitive (None if unknown)."""
    fn = reference.PRIMITIVES.get(name)
    code = getattr(fn, "__code__", None)
    return code.co_argcount if code is not None else None


def parse_file(path: str | Path) -> list[Program]:
    """Parse every solver function of a file.

    Raises:
      ParseError: the file cannot be read or decoded as UTF-8 (line 0), or holds
        unsupported code (``file:line: cause``).
    """
    return parse_source(read_source(path, "program"), str(path))


def read_source(path: str | Path, kind: str) -> str:
    """The text of the ``kind`` file (``"program"``, ``"batt"``) at ``path``, decoded as UTF-8.

    Raises:
      ParseError: at line 0 of ``path``, naming the cause: not valid UTF-8 (reason and
        byte offset), or not readable (the OS error).
    """
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(str(path), 0, f"{kind} file is not valid UTF-8: {exc.reason} at byte {exc.start}") from exc
    except OSError as exc:
        raise ParseError(str(path), 0, f"cannot read {kind} file: {exc.strerror or exc}") from exc


def parse_source(text: str, filename: str = "<string>") -> list[Program]:
    """Parse solver source text into programs, in file order.

    Raises:
      ParseError: on any unsupported construct, with ``filename:line: cause``.
    """
    try:
        tree = ast.parse(text, filename=filename)
    except SyntaxError as exc:
        raise ParseError(filename, exc.lineno or 0, f"syntax error: {exc.msg}") from exc
    programs, names = [], set()
    for k, node in enumerate(tree.body):
        if k == 0 and _is_docstring(node):
            continue
        if isinstance(node, ast.ImportFrom) and node.module in _ALLOWED_STAR_IMPORTS \
                and [a.name for a in node.names] == ["*"]:
            continue
        if isinstance(node, ast.FunctionDef):
            program = _parse_function(node, filename)
            if program.name in names:
                raise ParseError(filename, node.lineno, f"function {program.name!r} defined twice")
            names.add(program.name)
            programs.append(program)
            continue
        raise ParseError(filename, getattr(node, "lineno", 0),
                         f"unsupported statement at module level: {_describe(node)} "
                         "(expected 'from dsl import *', 'from constants import *' or 'def solve_<id>(I):')")
    if not programs:
        raise ParseError(filename, 0, "no solver function found (expected 'def solve_<taskid>(I):')")
    return programs


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


def _describe(node: ast.AST) -> str:
    try:
        text = ast.unparse(node).splitlines()[0]
    except Exception:  # noqa: BLE001 - description only
        text = type(node).__name__
    return repr(text if len(text) < 60 else text[:57] + "...")


def _parse_function(fn: ast.FunctionDef, filename: str) -> Program:
    args = fn.args
    if fn.decorator_list or args.vararg or args.kwarg or args.kwonlyargs or args.defaults \
            or args.posonlyargs or tuple(a.arg for a in args.args) not in ACCEPTED_PARAMS:
        raise ParseError(filename, fn.lineno,
                         f"{fn.name!r} must take the parameters (I) of a solver or (S, I, C) of a differ, "
                         f"e.g. def {fn.name}(I):")
    if fn.returns is not None:
        raise ParseError(filename, fn.lineno, f"{fn.name!r}: return annotations are not supported")
    params = tuple(a.arg for a in args.args)
    defined: dict[str, int] = {p: fn.lineno for p in params}
    for p in params:
        _check_new_name(p, filename, fn.lineno, defined, is_param=True)
    ops: list[Op] = []
    output = None
    body = fn.body[1:] if fn.body and _is_docstring(fn.body[0]) else fn.body
    for stmt in body:
        if output is not None:
            raise ParseError(filename, stmt.lineno, f"code after 'return' in {fn.name!r}")
        if isinstance(stmt, ast.Return):
            if not isinstance(stmt.value, ast.Name):
                raise ParseError(filename, stmt.lineno, "'return' must name a variable, e.g. 'return O'")
            if stmt.value.id not in defined:
                raise ParseError(filename, stmt.lineno, f"'return {stmt.value.id}': unknown variable")
            output = stmt.value.id
            continue
        if not isinstance(stmt, ast.Assign):
            raise ParseError(filename, stmt.lineno,
                             f"unsupported statement {_describe(stmt)}: expected 'x = f(args)' or 'return O'")
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise ParseError(filename, stmt.lineno, "assignment target must be a single variable name")
        target = stmt.targets[0].id
        op = _parse_call(stmt.value, target, stmt.lineno, filename, defined)
        _check_new_name(target, filename, stmt.lineno, defined)
        defined[target] = stmt.lineno
        ops.append(op)
    if output is None:
        raise ParseError(filename, fn.lineno, f"solver {fn.name!r} has no 'return' statement")
    return Program(fn.name, params, tuple(ops), output, filename, fn.lineno)


def _check_new_name(name: str, filename: str, line: int, defined: dict, is_param: bool = False):
    if name in CONSTANTS:
        raise ParseError(filename, line, f"variable {name!r} shadows the constant {name}")
    if name in reference.PRIMITIVE_NAMES:
        raise ParseError(filename, line, f"variable {name!r} shadows the primitive {name}")
    if not is_param and name in defined:
        raise ParseError(filename, line,
                         f"variable {name!r} is assigned again (first bound on line {defined[name]}); "
                         "programs are single-assignment")


def _resolve(name: str, line: int, filename: str, defined: dict):
    if name in defined:
        return Var(name)
    if name in CONSTANTS:
        return Const(name)
    if name in reference.PRIMITIVE_NAMES:
        return PrimRef(name)
    raise ParseError(filename, line, f"unknown name {name!r}: not a variable defined above, "
                                     "an arc-dsl constant or an arc-dsl primitive")


def _parse_call(node: ast.expr, target: str, line: int, filename: str, defined: dict) -> Op:
    if not isinstance(node, ast.Call):
        raise ParseError(filename, line,
                         f"right-hand side of {target!r} must be a call f(args), got {_describe(node)}")
    if node.keywords:
        raise ParseError(filename, line, "keyword arguments are not supported")
    if not isinstance(node.func, ast.Name):
        raise ParseError(filename, line, f"called function must be a name, got {_describe(node.func)}")
    callee = _resolve(node.func.id, line, filename, defined)
    if isinstance(callee, Const):
        raise ParseError(filename, line, f"constant {callee.name} is not callable")
    args = []
    for a in node.args:
        if isinstance(a, ast.Name):
            args.append(_resolve(a.id, line, filename, defined))
        elif isinstance(a, ast.Constant):
            raise ParseError(filename, line,
                             f"literal {a.value!r} is not supported: use an arc-dsl constant (ONE, T, DOWN, ...)")
        else:
            raise ParseError(filename, line,
                             f"argument {_describe(a)} is not supported: arguments must be variables, "
                             "constants or primitive names")
    if isinstance(callee, PrimRef):
        arity = primitive_arity(callee.name)
        if arity is not None and arity != len(args):
            raise ParseError(filename, line,
                             f"{callee.name} takes {arity} argument{'s' * (arity != 1)}, got {len(args)}")
    return Op(target, callee, tuple(args), line)
