"""Front-end: arc-dsl solver source → SSA IR, and file:line errors for everything else."""

from __future__ import annotations

import textwrap

import pytest

from compiler.errors import ParseError
from compiler.ir import Const, Op, PrimRef, Var
from compiler.parse import parse_file, parse_source

HEADER = "from dsl import *\nfrom constants import *\n\n"


def src(body: str) -> str:
    return HEADER + textwrap.dedent(body)


def test_parses_solver_into_ssa():
    (p,) = parse_source(src("""
        def solve_007bbfb7(I):
            x1 = hupscale(I, THREE)
            x2 = rbind(add, ONE)
            x3 = x2(x1)
            O = cellwise(x1, I, ZERO)
            return O
        """), "s.py")
    assert p.name == "solve_007bbfb7" and p.task_id == "007bbfb7"
    assert p.params == ("I",) and p.output == "O" and p.file == "s.py" and p.line == 5
    assert p.ops == (
        Op("x1", PrimRef("hupscale"), (Var("I"), Const("THREE")), 6),
        Op("x2", PrimRef("rbind"), (PrimRef("add"), Const("ONE")), 7),
        Op("x3", Var("x2"), (Var("x1"),), 8),
        Op("O", PrimRef("cellwise"), (Var("x1"), Var("I"), Const("ZERO")), 9),
    )
    assert p.primitives() == {"hupscale", "rbind", "add", "cellwise"}


def test_many_functions_docstrings_and_return_of_input():
    progs = parse_source('"""module doc"""\n' + src('''
        def solve_a(I):
            """doc"""
            O = rot90(I)
            return O

        def solve_b(I):
            return I
        '''))
    assert [p.name for p in progs] == ["solve_a", "solve_b"]
    assert progs[1].ops == () and progs[1].output == "I"


BAD = [
    ("x1 = frobnicate(I)", 5, "unknown name 'frobnicate'"),
    ("x1 = rot90(J)", 5, "unknown name 'J'"),
    ("x1 = rot90(I)\n    x1 = rot90(x1)", 6, "assigned again"),
    ("add = rot90(I)", 5, "shadows the primitive add"),
    ("ONE = rot90(I)", 5, "shadows the constant ONE"),
    ("x1 = add(I, 1)", 5, "literal 1 is not supported"),
    ("x1 = add(I, b=ONE)", 5, "keyword arguments"),
    ("x1 = add(I)", 5, "add takes 2 arguments, got 1"),
    ("x1 = rot90(rot90(I))", 5, "arguments must be variables"),
    ("x1 = ONE(I)", 5, "constant ONE is not callable"),
    ("x1 = I.rot90()", 5, "called function must be a name"),
    ("x1 = I", 5, "must be a call"),
    ("x1, x2 = rot90(I)", 5, "single variable name"),
    ("if I:\n        x1 = rot90(I)", 5, "unsupported statement"),
    ("x1 = x2(I)", 5, "unknown name 'x2'"),
]


@pytest.mark.parametrize("body,line,message", BAD)
def test_rejects_with_file_line_and_cause(body, line, message):
    text = src(f"def solve_x(I):\n    {body}\n    return I\n")
    with pytest.raises(ParseError) as err:
        parse_source(text, "bad.py")
    assert err.value.file == "bad.py" and err.value.line == line, str(err.value)
    assert message in str(err.value) and str(err.value).startswith(f"bad.py:{line}: ")


MODULE_BAD = [
    ("import os\n", 1, "unsupported statement at module level"),
    ("x = 1\n", 1, "unsupported statement at module level"),
    ("def solve_x(I, J):\n    return I\n", 1, "must take the parameters (I)"),
    ("def solve_x(I) -> int:\n    return I\n", 1, "return annotations are not supported"),
    ("def solve_x(I):\n    x1 = rot90(I)\n", 1, "no 'return'"),
    ("def solve_x(I):\n    return I\n    x1 = rot90(I)\n", 3, "code after 'return'"),
    ("def solve_x(I):\n    return rot90(I)\n", 2, "'return' must name a variable"),
    ("def solve_x(I):\n    return x9\n", 2, "unknown variable"),
    ("def solve_x(I):\n    return I\ndef solve_x(I):\n    return I\n", 3, "defined twice"),
    ("def solve_x(I):\n  x1 = (\n", 2, "syntax error"),
    ("", 0, "no solver function"),
]


@pytest.mark.parametrize("text,line,message", MODULE_BAD)
def test_rejects_module_level_problems(text, line, message):
    with pytest.raises(ParseError) as err:
        parse_source(text, "m.py")
    assert err.value.line == line and message in err.value.reason, str(err.value)


def test_parse_file_reports_unreadable_file(tmp_path):
    with pytest.raises(ParseError, match="cannot read program file"):
        parse_file(tmp_path / "missing.py")
    f = tmp_path / "s.py"
    f.write_text(src("def solve_a(I):\n    O = rot90(I)\n    return O\n"))
    assert parse_file(f)[0].file == str(f)
