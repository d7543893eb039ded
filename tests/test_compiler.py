"""Compiler passes: reference executor, type inference, lowering at every granularity."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from compiler.errors import TypeInferenceError, UnsupportedError
from compiler.infer import infer
from compiler.lower import CompiledProgram, KernelCache, split_segments
from compiler.parse import parse_source
from compiler.refexec import run_program
from jaxdsl import runner
from jaxdsl.values import Capacity, grid_from_numpy, to_python

from tests.conftest import arc1_grids

HEADER = "from dsl import *\nfrom constants import *\n"


def one(body: str):
    return parse_source(HEADER + "def solve_t(I):\n" + body, "t.py")[0]


# ------------------------------------------------------------------ reference executor

def test_reference_executor_poisons_dependents_only():
    p = one("    x1 = divide(ONE, ZERO)\n    x2 = increment(x1)\n    x3 = rot90(I)\n"
            "    x4 = astuple(x2, ONE)\n    O = hmirror(x3)\n    return O\n")
    r = run_program(p, ((1, 2),))
    assert r.op_ok == (False, False, True, False, True)
    assert r.ok and r.output == ((2,), (1,))
    assert r.error.startswith("line 4: ZeroDivisionError")


def test_reference_executor_output_not_ok_and_function_values():
    p = one("    x1 = rbind(add, ONE)\n    x2 = x1(TWO)\n    x3 = canvas(x2, UNITY)\n"
            "    x4 = first(x3)\n    x5 = first(x4)\n    O = x5(I)\n    return O\n")
    r = run_program(p, ((1,),))
    assert r.op_ok == (True, True, True, True, True, False)  # 3 is not callable
    assert not r.ok and r.output is None


# ------------------------------------------------------------------ type inference

def test_infer_types_and_coercion():
    p = one("    x1 = mostcolor(I)\n    x2 = even(x1)\n    x3 = add(x2, ONE)\n    x4 = shape(I)\n"
            "    x5 = canvas(x3, x4)\n    O = hconcat(x5, I)\n    return O\n")
    t = infer(p)
    assert dict(t.var_types) == {"I": "Grid", "x1": "Integer", "x2": "Boolean", "x3": "Integer",
                                 "x4": "IntegerTuple", "x5": "Grid", "O": "Grid"}
    assert t.output_type == "Grid"


def test_unsupported_lists_every_missing_primitive_and_higher_order_use():
    p = one("    x1 = objects(I, T, F, T)\n    x2 = rbind(add, ONE)\n    x3 = x2(ONE)\n"
            "    x4 = first(x1)\n    O = paint(I, x4)\n    return O\n")
    with pytest.raises(UnsupportedError) as err:
        infer(p)
    msg = str(err.value)
    assert msg.startswith("t.py:3: solve_t cannot run on the JAX backend")
    assert "rbind" in msg and "line 6: calls the function value 'x2'" in msg
    assert "line 5: passes primitive(s) add as values" in msg
    for name in ("objects", "first", "paint"):
        assert name in msg or name in __import__("jaxdsl.prims").prims.REGISTRY


def test_type_error_names_line_and_signatures():
    p = one("    x1 = shape(I)\n    O = rot90(x1)\n    return O\n")
    with pytest.raises(TypeInferenceError, match=r"t\.py:5: rot90\(IntegerTuple\) has no JAX implementation"):
        infer(p)


# ------------------------------------------------------------------ lowering

PROGRAMS = [
    "    x1 = mostcolor(I)\n    x2 = leastcolor(I)\n    x3 = switch(I, x1, x2)\n    x4 = rot90(x3)\n"
    "    x5 = hmirror(x4)\n    x6 = shape(x5)\n    x7 = canvas(x2, x6)\n    O = cellwise(x5, x7, ZERO)\n    return O\n",
    "    x1 = hupscale(I, THREE)\n    x2 = vupscale(x1, THREE)\n    x3 = hconcat(I, I)\n"
    "    x4 = vconcat(x3, x3)\n    O = cellwise(x2, x4, ZERO)\n    return O\n",
    "    x1 = tophalf(I)\n    x2 = downscale(x1, ZERO)\n    x3 = rot180(I)\n    O = either(x2, x3)\n    return O\n",
    "    x1 = width(I)\n    x2 = height(I)\n    x3 = greater(x1, x2)\n    x4 = dmirror(I)\n"
    "    O = branch(x3, x4, I)\n    return O\n",
]


@pytest.mark.parametrize("segment_size", [1, 2, 3, None])
@pytest.mark.parametrize("k", range(len(PROGRAMS)))
def test_lowering_matches_reference_at_every_granularity(k, segment_size):
    program = one(PROGRAMS[k])
    caps = Capacity()
    grids = list(arc1_grids()[::97]) + [((1,),), ((1, 2, 3),), tuple(tuple(range(10)) * 3 for _ in range(30))]
    batch, _ = runner.stack_grids(grids, caps.grid, len(grids))
    cp = CompiledProgram(infer(program), caps, segment_size, KernelCache())
    value, ok, ovf, _ = jax.device_get(cp(jax.tree_util.tree_map(jax.numpy.asarray, batch)))
    for i, g in enumerate(grids):
        ref = run_program(program, g)
        if ovf[i]:  # result unknown: an intermediate exceeded 30×30 (the runner falls back)
            continue
        assert bool(ok[i]) == ref.ok, (i, g)
        if ref.ok:
            assert to_python("Grid", value, i) == ref.output


def test_segments_keep_only_live_values():
    program = one(PROGRAMS[0])
    segs = split_segments(infer(program), 3, Capacity())
    assert [len(s.ops) for s in segs] == [3, 3, 2]
    assert segs[0].live_in == ("I",) and segs[0].live_out == ("x2", "x3")
    assert segs[1].live_in == ("x3",) and segs[1].live_out == ("x5", "x6")
    assert segs[2].live_in == ("x2", "x6", "x5") and segs[2].live_out == ("O",)


def test_kernels_shared_across_programs_by_structure():
    kernels = KernelCache()
    caps = Capacity()
    a = CompiledProgram(infer(one("    x1 = rot90(I)\n    O = rot90(x1)\n    return O\n")), caps, 1, kernels)
    b = CompiledProgram(infer(one("    x1 = rot90(I)\n    x2 = rot90(x1)\n    O = hmirror(x2)\n    return O\n")),
                        caps, 1, kernels)
    batch, _ = runner.stack_grids([((1, 2),)], caps.grid, 1)
    a(batch)
    b(batch)
    assert len(kernels) == 2 and kernels.hits == 3 and kernels.misses == 2
    value, ok, _, _ = b(batch)
    assert grid_from_numpy(np.asarray(value.cells[0]), value.h[0], value.w[0]) == ((2, 1),)
