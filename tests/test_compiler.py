"""Compiler passes: reference executor, type inference, lowering at every granularity."""

from __future__ import annotations

import contextlib

import chex
import jax
import numpy as np
import pytest

from compiler.errors import TypeInferenceError
from compiler.infer import infer
from compiler.lower import CompiledProgram, KernelCache, split_segments
from compiler.parse import parse_source
from compiler.refexec import run_program
from jaxdsl import runner
from jaxdsl.types import to_python
from jaxdsl.values import Capacity, grid_from_numpy

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


def test_function_values_get_structural_types():
    p = one("    x1 = objects(I, T, F, T)\n    x2 = rbind(astuple, ONE)\n    x3 = x2(TWO)\n"
            "    x4 = rbind(shift, x3)\n    x5 = compose(x4, toindices)\n    x6 = apply(x5, x1)\n"
            "    x7 = argmax(x1, size)\n    O = paint(I, x7)\n    return O\n")
    t = infer(p)
    assert t.var_types["x3"] == "IntegerTuple"
    assert t.var_types["x6"] == "IndicesSet"
    assert t.var_types["x7"] == "Object"
    x2, x4, x5 = (t.var_types[v] for v in ("x2", "x4", "x5"))
    assert str(x2) == "Callable[rbind(astuple, ONE)]" and x2.slots == ()
    assert str(x5) == "Callable[compose(rbind(shift, <IntegerTuple>), toindices)]"
    assert x4.slots == ("IntegerTuple",) and x4.fn.arity == 1
    assert [top.signature is None for top in t.ops] == [False, True, True, True, True, True, True, False]


@pytest.mark.parametrize("body, message", [
    ("    x1 = rbind(add, ONE)\n    O = x1(I, I)\n    return O\n",
     r"t\.py:5: O = x1\(\.\.\.\): calls rbind\(add, ONE\) \(1 parameter\) with 2 arguments"),
    ("    x1 = objects(I, T, F, T)\n    x2 = apply(rot90, x1)\n    O = first(x2)\n    return O\n",
     r"t\.py:5: x2 = apply\(\.\.\.\): rot90\(Object\) has no JAX implementation"),
    ("    x1 = objects(I, T, F, T)\n    x2 = rbind(subgrid, I)\n    x3 = apply(x2, x1)\n    O = first(x3)\n"
     "    return O\n", r"t\.py:6: x3 = apply\(\.\.\.\): apply: the result would be a frozenset of Grid"),
    ("    x1 = objects(I, T, F, T)\n    x2 = argmax(x1, toindices)\n    O = paint(I, x2)\n    return O\n",
     r"t\.py:5: x2 = argmax\(\.\.\.\): argmax: keys of type Indices are not supported"),
    ("    x1 = rbind(add, ONE)\n    O = add(x1, ONE)\n    return O\n",
     r"t\.py:5: O = add\(\.\.\.\): add\(Callable\[rbind\(add, ONE\)\], Integer\): add does not take"),
    ("    x1 = rbind(add, ONE)\n    return x1\n", r"t\.py:3: solve_t returns a function"),
    ("    x1 = shape(I)\n    x2 = branch(x1, rot90, rot180)\n    O = x2(I)\n    return O\n",
     r"t\.py:5: x2 = branch\(\.\.\.\): branch between functions on a condition of type IntegerTuple"),
])
def test_function_type_errors_name_line_op_and_types(body, message):
    with pytest.raises(TypeInferenceError, match=message):
        infer(one(body))


@pytest.mark.parametrize("body, message", [
    ("    x1 = shape(I)\n    O = rot90(x1)\n    return O\n",
     "t.py:5: rot90(IntegerTuple) has no JAX implementation (available: (Grid))"),
    ("    x1 = shape(I)\n    O = fill(I, ONE, x1)\n    return O\n",
     "t.py:5: fill(Grid, Integer, IntegerTuple) has no JAX implementation "
     "(available: (Grid, Integer, Indices); (Grid, Integer, Object))"),
    ("    x1 = mostcolor(I)\n    x2 = increment(x1)\n    O = hconcat(I, x2)\n    return O\n",
     "t.py:6: hconcat(Grid, Integer) has no JAX implementation (available: (Grid, Grid))"),
])
def test_type_error_names_line_and_signatures(body, message):
    """The whole message, written by hand: the file and line of the op, the primitive with
    the argument types it was given, and every signature the registry offers."""
    with pytest.raises(TypeInferenceError) as err:
        infer(one(body))
    assert str(err.value) == message


# ------------------------------------------------------------------ lowering

PROGRAMS = [
    "    x1 = mostcolor(I)\n    x2 = leastcolor(I)\n    x3 = switch(I, x1, x2)\n    x4 = rot90(x3)\n"
    "    x5 = hmirror(x4)\n    x6 = shape(x5)\n    x7 = canvas(x2, x6)\n    O = cellwise(x5, x7, ZERO)\n    return O\n",
    "    x1 = hupscale(I, THREE)\n    x2 = vupscale(x1, THREE)\n    x3 = hconcat(I, I)\n"
    "    x4 = vconcat(x3, x3)\n    x5 = upscale(x4, THREE)\n    x6 = hconcat(x2, x2)\n"
    "    x7 = vconcat(x6, x6)\n    O = cellwise(x5, x7, ZERO)\n    return O\n",
    "    x1 = tophalf(I)\n    x2 = downscale(x1, TWO)\n    x3 = rot180(I)\n    x4 = downscale(x3, ONE)\n"
    "    x5 = either(x2, x4)\n    O = hconcat(x5, x2)\n    return O\n",
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
    compared = 0
    for i, g in enumerate(grids):
        ref = run_program(program, g)
        # JAX may overflow only where a reference value really exceeds its capacity
        assert bool(ovf[i]) == bool(cp.unfitting_values(g)), (i, g, cp.unfitting_values(g))
        if ovf[i]:
            continue
        assert bool(ok[i]) == ref.ok, (i, g)
        if ref.ok:
            assert to_python("Grid", value, i) == ref.output
            compared += 1
    assert compared >= len(grids) // 2, f"only {compared} of {len(grids)} grids gave a value to compare"


HOST_PROGRAM = (
    "    x1 = rbind(colorcount, ONE)\n    x2 = compose(x1, rot90)\n    x3 = fork(add, x2, numcolors)\n"
    "    x4 = matcher(x3, FIVE)\n    x5 = chain(x4, hmirror, rot180)\n    x6 = lbind(greater, TWO)\n"
    "    x7 = power(rot90, THREE)\n    x8 = x7(I)\n    x9 = x5(x8)\n    x10 = x6(ONE)\n"
    "    x11 = both(x9, x10)\n    x12 = objects(I, T, F, T)\n    x13 = apply(x1, x12)\n"
    "    x14 = size(x13)\n    x15 = greater(x14, ONE)\n    x16 = either(x11, x15)\n"
    "    O = branch(x16, I, x8)\n    return O\n")


def test_constructor_ops_run_on_the_host_with_the_kernels_results():
    """rbind/compose/fork/matcher/chain/lbind ops get no kernel (power does) and the program
    gives what its whole-program kernel and the reference give."""
    program = one(HOST_PROGRAM)
    typed = infer(program)
    caps = Capacity()
    kernels = KernelCache()
    per_op = CompiledProgram(typed, caps, 1, kernels)
    host = [s.ops[0].op.callee.name for s in per_op.segments if s.host]
    assert host == ["rbind", "compose", "fork", "matcher", "chain", "lbind"]
    whole = CompiledProgram(typed, caps, None, KernelCache())
    assert not any(s.host for s in whole.segments)
    grids = list(arc1_grids()[::41])
    batch, _ = runner.stack_grids(grids, caps.grid, len(grids))
    batch = jax.tree_util.tree_map(jax.numpy.asarray, batch)
    a, b = jax.device_get(per_op(batch)), jax.device_get(whole(batch))
    assert len(kernels) == len(per_op.segments) - len(host)
    compared = 0
    for i, g in enumerate(grids):
        ref = run_program(program, g)
        assert (bool(a.ok[i]), bool(a.overflow[i])) == (bool(b.ok[i]), bool(b.overflow[i]))
        if a.overflow[i]:
            continue
        assert bool(a.ok[i]) == ref.ok
        if ref.ok:
            assert to_python("Grid", a.value, i) == to_python("Grid", b.value, i) == ref.output
            compared += 1
    assert compared >= len(grids) // 2


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


# ------------------------------------------------------------------ grid capacities

from compiler.capacity import infer_grid_caps  # noqa: E402

CAPACITY_CASES = [
    # (program body, expected capacities of the listed variables)
    ("    O = hconcat(I, I)\n", {"I": (30, 30), "O": (30, 60)}),
    ("    O = vconcat(I, I)\n", {"O": (60, 30)}),
    ("    O = combine(I, I)\n", {"O": (60, 30)}),
    ("    x1 = hconcat(I, I)\n    O = vconcat(x1, I)\n", {"x1": (30, 60), "O": (60, 60)}),
    ("    O = upscale(I, THREE)\n", {"O": (90, 90)}),
    ("    O = upscale(I, FIVE)\n", {"O": (120, 120)}),          # clipped to 4 × 30
    ("    O = upscale(I, ZERO)\n", {"O": (30, 30)}),
    ("    O = upscale(I, NEG_ONE)\n", {"O": (30, 30)}),
    ("    O = upscale(I, T)\n", {"O": (30, 30)}),
    ("    x1 = numcolors(I)\n    O = upscale(I, x1)\n", {"O": (120, 120)}),  # traced factor: the bound
    ("    O = hupscale(I, TWO)\n", {"O": (30, 60)}),
    ("    O = vupscale(I, THREE)\n", {"O": (90, 30)}),
    ("    O = downscale(I, TWO)\n", {"O": (30, 30)}),
    ("    x1 = hconcat(I, I)\n    O = rot90(x1)\n", {"O": (60, 30)}),
    ("    x1 = vconcat(I, I)\n    O = dmirror(x1)\n", {"O": (30, 60)}),
    ("    x1 = hconcat(I, I)\n    O = rot180(x1)\n", {"O": (30, 60)}),
    ("    x1 = hconcat(I, I)\n    O = cellwise(I, x1, ZERO)\n", {"O": (30, 60)}),
    ("    x1 = hconcat(I, I)\n    x2 = vconcat(I, I)\n    O = branch(T, x1, x2)\n", {"O": (60, 60)}),
    ("    x1 = hconcat(I, I)\n    O = tophalf(x1)\n", {"O": (30, 60)}),
    ("    O = canvas(ZERO, THREE_BY_THREE)\n", {"O": (30, 30)}),
    ("    x1 = shape(I)\n    O = canvas(ZERO, x1)\n", {"O": (30, 30)}),      # shape of a 30×30 grid
    ("    x1 = hconcat(I, I)\n    x2 = shape(x1)\n    O = canvas(ZERO, x2)\n", {"O": (30, 60)}),
    ("    x1 = colorcount(I, ONE)\n    x2 = astuple(ONE, x1)\n    O = canvas(ZERO, x2)\n", {"O": (120, 120)}),  # traced: the bound
    ("    x1 = hconcat(I, I)\n    O = hsplit(x1, TWO)\n", {"O": (30, 60)}),          # Tuple[Grid]
    ("    x1 = vconcat(I, I)\n    x2 = vsplit(x1, TWO)\n    O = first(x2)\n", {"x2": (60, 30), "O": (60, 30)}),
    ("    x1 = hconcat(I, I)\n    x2 = objects(x1, T, F, T)\n    O = first(x2)\n", {"x1": (30, 60)}),
]


@pytest.mark.parametrize("body,expected", CAPACITY_CASES, ids=[b.split("=")[-1].strip() for b, _ in CAPACITY_CASES])
def test_inferred_grid_capacities(body, expected):
    typed = infer(one(body + "    return O\n"))
    shapes = infer_grid_caps(typed, Capacity(grid=(30, 30)))
    for name, cap in expected.items():
        assert shapes.var_caps[name] == cap, (name, shapes.var_caps)
    assert set(shapes.var_caps) == {v for v, t in typed.var_types.items() if t in ("Grid", "Tuple[Grid]")}
    for top, shape in zip(typed.ops, shapes.ops):   # every result capacity is within the bound
        assert shape.out is None or max(shape.out) <= shapes.max_side == 120
        if shape.out is not None:
            assert shape.caps.grid == shape.out


def test_capacity_pass_pads_arguments_and_crops_transposes():
    typed = infer(one("    x1 = hconcat(I, I)\n    x2 = cellwise(I, x1, ZERO)\n    x3 = rot90(x1)\n"
                      "    x4 = equality(x3, I)\n    O = canvas(ZERO, UNITY)\n    return O\n"))
    ops = infer_grid_caps(typed, Capacity(grid=(30, 30)), max_side=50).ops
    assert ops[0].pads == ((30, 50), (30, 50)) and ops[0].out == (30, 50)   # 60 clipped to 50
    assert ops[1].pads == ((30, 50), None, None) and ops[1].out == (30, 50)
    assert ops[2].pads == ((50, 50),) and ops[2].out == (50, 30) and ops[2].crop
    assert ops[3].pads == (None, (50, 30)) and ops[3].out is None and ops[3].caps.grid == (30, 30)
    assert ops[4].out == (30, 30) and not any(ops[4].pads)


GROWING = [
    "    O = hconcat(I, I)\n",
    "    x1 = vmirror(I)\n    O = hconcat(I, x1)\n",
    "    x1 = hconcat(I, I)\n    x2 = rot90(x1)\n    x3 = vconcat(x2, x2)\n    O = cmirror(x3)\n",
    "    x1 = upscale(I, THREE)\n    x2 = hconcat(I, I)\n    x3 = hconcat(x2, I)\n    x4 = vconcat(x3, x3)\n"
    "    x5 = vconcat(x4, x3)\n    O = cellwise(x1, x5, ZERO)\n",
    "    x1 = hconcat(I, I)\n    x2 = hsplit(x1, TWO)\n    x3 = last(x2)\n    x4 = rot270(x1)\n"
    "    x5 = equality(x3, I)\n    O = branch(x5, x4, x1)\n",
]


@pytest.mark.parametrize("k", range(len(GROWING)))
def test_growing_grids_do_not_overflow_and_match_reference(k):
    """Grids up to 30 wide grow beyond 30×30 without overflow; results equal the reference."""
    program = one(GROWING[k] + "    return O\n")
    caps = Capacity()
    wide = [g for g in arc1_grids() if len(g) == 30 or (g and len(g[0]) == 30)][:6]
    grids = wide + list(arc1_grids()[::301]) + [((1,),), ((1, 2, 3),)]
    batch, _ = runner.stack_grids(grids, caps.grid, len(grids))
    cp = CompiledProgram(infer(program), caps, 1, KernelCache())
    value, ok, ovf, op_ovf = jax.device_get(cp(jax.tree_util.tree_map(jax.numpy.asarray, batch)))
    assert not ovf.any() and not op_ovf.any()
    assert value.cells.shape[1:] == cp.output_capacity
    for i, g in enumerate(grids):
        ref = run_program(program, g)
        assert bool(ok[i]) == ref.ok, (i, g)
        if ref.ok:
            assert to_python("Grid", value, i) == ref.output


# ------------------------------------------------------------------ patch capacities

from compiler.capacity import PATCH_TYPES, patch_limit  # noqa: E402
from jaxdsl.config import load_config  # noqa: E402

RUN_CAPS = load_config(None).capacity._replace(patch_limit=1024)
"""configs/default.json's capacities (patch 256, object_cells 1,024) with inferred patch
capacities of up to 1,024 rows (the default config's ``patch_limit`` of 256 turns them off)."""

PATCH_CASES = [
    # (program body, expected row capacities of the listed variables; None = the config's)
    ("    O = asindices(I)\n", {"O": 900}),
    ("    O = ofcolor(I, ZERO)\n", {"O": 900}),
    ("    O = asobject(I)\n", {"O": 900}),
    ("    x1 = hconcat(I, I)\n    O = asindices(x1)\n", {"O": 1024}),         # 1,800 clipped
    ("    x1 = ofcolor(I, ONE)\n    O = shift(x1, UP)\n", {"x1": 900, "O": 900}),
    ("    x1 = ofcolor(I, ONE)\n    x2 = ofcolor(I, TWO)\n    O = combine(x1, x2)\n", {"O": 900}),
    ("    x1 = asobject(I)\n    O = combine(x1, x1)\n", {"O": 1024}),           # 2 cells per position
    ("    x1 = objects(I, T, F, T)\n    O = merge(x1)\n", {"O": 900}),           # disjoint objects
    ("    x1 = objects(I, T, F, T)\n    x2 = sizefilter(x1, TWO)\n    O = merge(x2)\n", {"O": 900}),
    ("    x1 = objects(I, T, F, T)\n    O = first(x1)\n", {"O": None}),
    ("    x1 = objects(I, T, F, T)\n    x2 = first(x1)\n    O = backdrop(x2)\n", {"x2": None, "O": 900}),
    ("    x1 = ofcolor(I, ONE)\n    O = delta(x1)\n", {"O": 900}),
    ("    x1 = ofcolor(I, ONE)\n    x2 = toobject(x1, I)\n    O = recolor(TWO, x2)\n", {"x2": 900, "O": 900}),
    ("    x1 = dneighbors(ORIGIN)\n    O = shift(x1, UP)\n", {"x1": None, "O": None}),
    ("    x1 = asindices(I)\n    x2 = matcher(first, ZERO)\n    O = sfilter(x1, x2)\n", {"x1": 900, "O": None}),
    ("    x1 = ofcolor(I, ONE)\n    x2 = dneighbors(ORIGIN)\n    O = intersection(x2, x1)\n", {"O": 900}),
]


@pytest.mark.parametrize("body,expected", PATCH_CASES, ids=[b.replace("\n", ";").strip() for b, _ in PATCH_CASES])
def test_inferred_patch_capacities(body, expected):
    """A patch inside a grid gets the grid's cells as its row capacity (clipped to
    ``patch_limit``); every op's bound ``caps.patch`` holds all of its patch arguments."""
    typed = infer(one(body + "    return O\n"))
    shapes = infer_grid_caps(typed, RUN_CAPS)
    assert patch_limit(RUN_CAPS) == 1024
    off = infer_grid_caps(typed, load_config(None).capacity)        # configs/default.json: off
    assert not off.patch_caps and all(s.caps.patch == 256 for s in off.ops)
    for name, rows in expected.items():
        assert shapes.patch_caps.get(name) == rows, (name, dict(shapes.patch_caps))
    assert all(typed.var_types[v] in PATCH_TYPES for v in shapes.patch_caps)
    for top, shape in zip(typed.ops, shapes.ops):
        if top.signature is None:       # function ops keep the config's: their calls run per element
            assert shape.caps == RUN_CAPS
            continue
        args = [a.name for a in top.op.args if hasattr(a, "name") and a.name in shapes.patch_caps]
        assert all(shapes.patch_caps[a] <= shape.caps.patch for a in args), (top.op, shape.caps)
        if top.op.target in shapes.patch_caps:
            assert shape.caps.patch == shapes.patch_caps[top.op.target]


PATCH_PROGRAMS = [
    "    x1 = asindices(I)\n    x2 = ofcolor(I, ZERO)\n    x3 = difference(x1, x2)\n    O = fill(I, FIVE, x3)\n",
    "    x1 = objects(I, T, F, F)\n    x2 = merge(x1)\n    x3 = shift(x2, UNITY)\n    O = paint(I, x3)\n",
    "    x1 = ofcolor(I, ZERO)\n    x2 = backdrop(x1)\n    x3 = delta(x1)\n    x4 = combine(x2, x3)\n"
    "    x5 = fill(I, FIVE, x4)\n    x6 = toobject(x1, I)\n    x7 = recolor(TWO, x6)\n    O = paint(x5, x7)\n",
    "    x1 = asobject(I)\n    x2 = hmirror(x1)\n    x3 = combine(x1, x2)\n    x4 = palette(x3)\n"
    "    x5 = size(x4)\n    x6 = ofcolor(I, x5)\n    O = fill(I, ONE, x6)\n",
]


@pytest.mark.parametrize("k", range(len(PATCH_PROGRAMS)))
def test_whole_grid_patches_fit_at_the_run_capacities(k):
    """At configs/default.json's capacities (patch 256) with ``patch_limit`` 1,024, patches
    of whole 30×30 grids no longer overflow: JAX equals the reference on real ARC grids of
    more than 256 cells without any fallback, and overflows only where the reference's
    value exceeds a capacity."""
    program = one(PATCH_PROGRAMS[k] + "    return O\n")
    big = [g for g in arc1_grids() if len(g) * len(g[0]) > 256]
    grids = big[::max(1, len(big) // 24)][:24] + [((1,),), ((0, 0), (0, 0))]
    batch, _ = runner.stack_grids(grids, RUN_CAPS.grid, len(grids))
    cp = CompiledProgram(infer(program), RUN_CAPS, 1, KernelCache())
    value, ok, ovf, _ = jax.device_get(cp(jax.tree_util.tree_map(jax.numpy.asarray, batch)))
    compared = 0
    for i, g in enumerate(grids):
        ref = run_program(program, g)
        if ovf[i]:
            assert cp.unfitting_values(g), (i, "overflow where every value fits")
            continue
        assert bool(ok[i]) == ref.ok, (i, g)
        if ref.ok:
            assert to_python("Grid", value, i) == ref.output
            compared += 1
    assert compared >= 20
    assert not ovf[: len(grids) - 2].all()


def test_function_ops_cut_the_whole_grid_patches_they_read():
    """A function capturing or called on patches of up to 900 rows runs at the config's 256
    rows (``lower.fit_patch_refs``): pairs where such a patch holds more overflow, and
    ``unfitting_values`` names exactly the function call there; every other pair equals
    the reference (``x5``, a union outside a function, holds 900 rows)."""
    program = one("    x1 = ofcolor(I, ZERO)\n    x2 = lbind(intersection, x1)\n    x3 = ofcolor(I, ONE)\n"
                  "    x4 = x2(x3)\n    x5 = combine(x1, x3)\n    x6 = equality(x4, x5)\n"
                  "    x7 = branch(x6, FIVE, SIX)\n    O = fill(I, x7, x5)\n    return O\n")
    cp = CompiledProgram(infer(program), RUN_CAPS, 1, KernelCache())
    assert cp.grid_shapes.patch_caps == {"x1": 900, "x3": 900, "x5": 900}
    big = [g for g in arc1_grids() if len(g) * len(g[0]) > 256]
    grids = big[::max(1, len(big) // 40)][:40]
    batch, _ = runner.stack_grids(grids, RUN_CAPS.grid, len(grids))
    value, ok, ovf, _ = jax.device_get(cp(jax.tree_util.tree_map(jax.numpy.asarray, batch)))
    compared = overflowed = 0
    for i, g in enumerate(grids):
        cut = max(sum(row.count(c) for row in g) for c in (0, 1)) > 256
        ref = run_program(program, g)
        unfitting = cp.unfitting_values(g)
        assert bool(ovf[i]) == bool(unfitting) == (unfitting == ["x4"]) == cut, (i, unfitting)
        if ovf[i]:
            overflowed += 1
            continue
        assert bool(ok[i]) == ref.ok
        if ref.ok:
            assert to_python("Grid", value, i) == ref.output
            compared += 1
    assert compared >= 10 and overflowed >= 5, (compared, overflowed)


def test_kernel_cache_keys_include_grid_capacities():
    kernels = KernelCache()
    caps = Capacity()
    a = CompiledProgram(infer(one("    O = rot90(I)\n    return O\n")), caps, 1, kernels)
    b = CompiledProgram(infer(one("    x1 = hconcat(I, I)\n    O = rot90(x1)\n    return O\n")), caps, 1, kernels)
    assert a.segments[0].key != b.segments[1].key
    batch, _ = runner.stack_grids([((1, 2),)], caps.grid, 1)
    a(batch)
    value, ok, ovf, _ = b(batch)
    assert len(kernels) == 3 and value.cells.shape == (1, 60, 30)
    assert grid_from_numpy(np.asarray(value.cells[0]), value.h[0], value.w[0]) == ((1,), (2,), (1,), (2,))


def test_kernels_from_the_export_store_load_in_threads(monkeypatch):
    """A kernel whose module comes from the export store (conftest opens one) is loaded in a
    loader thread; ``lower_all`` returns with every load finished (no Future left), the
    results equal those of a cache that loads in the main thread, and nothing is loaded in a
    thread when the module had to be traced."""
    import concurrent.futures

    from compiler import lower

    src = one("    x1 = rot90(I)\n    x2 = hmirror(x1)\n    O = hconcat(x2, I)\n    return O\n")
    caps = Capacity()
    batch, _ = runner.stack_grids([((1, 2), (3, 4)), ((5,),)], caps.grid, 2)
    batch = jax.device_put(batch)            # the run's arguments: the specs carry their sharding
    spec = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype, sharding=a.sharding), batch)
    threaded = []
    load = KernelCache._load_in_thread
    monkeypatch.setattr(KernelCache, "_load_in_thread",
                        lambda self, key, lowered: threaded.append(key) or load(self, key, lowered))

    def lowered_and_run(threads: int):
        monkeypatch.setattr(lower, "LOAD_THREADS", threads)
        kernels = KernelCache()
        cp = CompiledProgram(infer(src), caps, 1, kernels)
        cp.lower_all(spec)
        assert not any(isinstance(e, concurrent.futures.Future) for e in kernels._executables.values())
        return jax.device_get(cp(batch)), len(kernels._executables)

    lowered_and_run(0)                       # fills the store (if an earlier test did not)
    assert threaded == []
    inline, n = lowered_and_run(0)
    assert threaded == []
    loaded, _ = lowered_and_run(2)
    assert len(threaded) == n == 3           # every kernel came from the store
    chex.assert_trees_all_equal(inline, loaded)


def _built_and_run(body: str, grids: list):
    """``body`` compiled with a new kernel cache (every kernel built for the specs of the
    device-put batch of ``grids``, as the runner does) and run: ``(outputs, kernels)``."""
    caps = Capacity()
    batch, _ = runner.stack_grids(grids, caps.grid, len(grids))
    batch = jax.device_put(batch)
    spec = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype, sharding=a.sharding), batch)
    kernels = KernelCache()
    cp = CompiledProgram(infer(one(body)), caps, 1, kernels)
    cp.lower_all(spec)
    return jax.device_get(cp(batch)), kernels


def test_executables_load_from_exe_entries_without_lowering(monkeypatch):
    """Once a kernel was compiled through JAX's cache, a new kernel cache loads its
    executable through the store's ``exe-`` entry: no lowered module is read (nor any
    wrapper lowered), and the results equal those of the kernels built by lowering."""
    from compiler import lower
    from jaxdsl.cache import export_store

    store = export_store()
    body = "    x1 = rot270(I)\n    x2 = vmirror(x1)\n    x3 = vconcat(x2, x1)\n    O = dmirror(x3)\n    return O\n"
    grids = [((1, 2, 3), (4, 5, 6)), ((7,),), ((0, 1), (1, 0))]
    monkeypatch.setattr(lower, "LOAD_THREADS", 0)
    first, kernels = _built_and_run(body, grids)     # writes the exe- entries (unless an earlier run did)
    assert len(kernels._executables) == 4
    for threads in (0, 2):
        monkeypatch.setattr(lower, "LOAD_THREADS", threads)
        lowered, loaded = store.hits + store.misses, store.executables
        again, _ = _built_and_run(body, grids)
        assert store.hits + store.misses == lowered        # no lowered module read or traced
        assert store.executables == loaded + 4
        chex.assert_trees_all_equal(first, again)


def test_a_damaged_cache_entry_behind_an_exe_entry_falls_back_to_lowering(monkeypatch, recwarn):
    """An ``exe-`` entry whose executable in JAX's cache cannot be read (file overwritten) is
    not trusted: the kernel is compiled from its lowered module instead (after the loader
    thread gave up, or in the main thread), and the results are the same."""
    import pickle
    from pathlib import Path

    from compiler import lower
    from jaxdsl.cache import export_store

    store = export_store()
    body = "    x1 = rot270(I)\n    x2 = hmirror(x1)\n    O = hconcat(x1, x2)\n    return O\n"
    grids = [((3, 1), (2, 0)), ((5, 5, 5),)]
    expected, kernels = _built_and_run(body, grids)
    entries = [store.path / store.executable_digest(store.digest(key)) for key in kernels._executables]
    assert all(e.exists() for e in entries)
    behind = [Path(jax.config.jax_compilation_cache_dir) / f"{pickle.loads(e.read_bytes())['cache_key']}-cache"
              for e in entries]
    saved = [path.read_bytes() for path in behind]
    try:
        for path in behind:                 # damage every executable behind them
            path.write_bytes(b"damaged")
        for threads in (2, 0):
            monkeypatch.setattr(lower, "LOAD_THREADS", threads)
            loaded, lowered = store.executables, store.hits + store.misses
            again, kernels = _built_and_run(body, grids)
            assert store.executables == loaded              # nothing loaded through the entries
            assert store.hits + store.misses == lowered + 3  # ... every kernel built from its module
            assert not kernels._fallbacks
            chex.assert_trees_all_equal(expected, again)
    finally:                                # JAX does not replace a damaged entry: restore them
        for path, data in zip(behind, saved):
            path.write_bytes(data)


def test_kernel_cache_unloads_to_the_low_water_mark_and_reloads(monkeypatch):
    """Past ``MAP_BUDGET`` mappings the cache unloads its least recently used executables
    down to ``TRIM_TO`` in one go (one recount), keeps at least 16, and a program whose
    kernels were unloaded loads them again with the same results."""
    from compiler import lower

    kernels = KernelCache()
    caps = Capacity()
    program = CompiledProgram(infer(one("    x1 = rot90(I)\n    O = hmirror(x1)\n    return O\n")), caps, 1, kernels)
    batch, _ = runner.stack_grids([((1, 2), (3, 4))], caps.grid, 1)
    before = jax.device_get(program(batch))
    real = list(kernels._executables)
    assert len(real) == 2
    for k in range(100):                      # stand-ins for other programs' executables
        kernels._executables[("stand-in", k)] = object()
    reads = []

    def fake_map_count():
        reads.append(len(kernels._executables))
        return 1_000 + 80 * len(kernels._executables)

    monkeypatch.setattr(lower, "map_count", fake_map_count)
    monkeypatch.setattr(lower, "MAP_BUDGET", 1_000 + 80 * 90)
    monkeypatch.setattr(lower, "TRIM_TO", 1_000 + 80 * 40)
    kernels._trim()
    assert len(kernels._executables) == 40 and kernels.unloaded == 62
    assert not any(key in kernels._executables for key in real)    # the oldest went first
    assert reads == [102, 40]
    kernels._trim()                                                 # under budget: no recount
    assert reads == [102, 40]
    after = jax.device_get(program(batch))
    assert all(key in kernels._executables for key in real)
    chex.assert_trees_all_equal(before, after)
    assert grid_from_numpy(np.asarray(after[0].cells[0]), after[0].h[0], after[0].w[0]) == ((4, 2), (3, 1))


@pytest.mark.parametrize("limit,budget", [("65530\n", 50_000), ("60000", 45_000), ("262144", 50_000),
                                          ("12000", 1_000), ("not a number", 40_000), (None, 40_000)])
def test_map_budget_follows_the_kernels_limit(tmp_path, limit, budget):
    """The mapping budget is ``vm.max_map_count`` less the headroom, at most the ceiling;
    40,000 where the limit cannot be read."""
    from compiler import lower

    path = tmp_path / "max_map_count"
    if limit is not None:
        path.write_text(limit)
    assert lower.map_budget(str(path)) == budget
    assert lower.TRIM_TO == lower.MAP_BUDGET * 3 // 4 < lower.MAP_BUDGET <= lower.MAP_CEILING


def test_kernel_cache_in_cyclic_use_unloads_the_most_recent_but_the_newest(monkeypatch):
    """Within ``cyclic()`` a trim keeps the executable just loaded and the oldest, and
    unloads the ones loaded just before it; replaying one order of 120 kernels (stand-ins)
    then reloads at most 70 % of them per cycle where least-recently-used reloads all 120.
    The mode ends with the context."""
    from compiler import lower

    monkeypatch.setattr(lower, "MAP_BUDGET", 1_000 + 80 * 90)
    monkeypatch.setattr(lower, "TRIM_TO", 1_000 + 80 * 40)
    kernels = KernelCache()
    monkeypatch.setattr(lower, "map_count", lambda: 1_000 + 80 * len(kernels._executables))
    with kernels.cyclic():
        for k in range(100):
            kernels._executables[("stand-in", k)] = object()
        kernels._trim()
    assert list(kernels._executables) == [("stand-in", k) for k in list(range(39)) + [99]]
    assert kernels.unloaded == 60 and not kernels._cyclic

    def replay(cyclic: bool) -> list:
        nonlocal kernels
        kernels = KernelCache()
        loads = []
        with kernels.cyclic() if cyclic else contextlib.nullcontext():
            for _ in range(4):
                loads.append(0)
                for k in range(120):
                    key = ("stand-in", k)
                    if key in kernels._executables:
                        kernels._executables.move_to_end(key)     # what executable() does on a hit
                    else:
                        kernels._executables[key] = object()      # what compile_once() does on a miss
                        kernels._trim()
                        loads[-1] += 1
                        assert key in kernels._executables
        return loads

    assert replay(cyclic=False) == [120, 120, 120, 120]
    cyclic = replay(cyclic=True)
    assert cyclic[0] == 120 and max(cyclic[1:]) < 0.7 * 120, cyclic     # measured: 51, 72, 81


def test_kernel_cache_collects_cycles_only_when_unloading_freed_nothing(monkeypatch):
    """Unloading relies on reference counting; the (slow) full ``gc.collect()`` runs only
    when a batch of unloaded executables freed no mappings (they sat in reference cycles)."""
    from compiler import lower

    def trim(cycles: bool) -> list:
        kernels = KernelCache()
        for k in range(100):
            kernels._executables[("stand-in", k)] = object()
        state = {"held": 100 if cycles else 0}      # mappings freed only by a collection
        calls = []

        def fake_map_count():
            return 1_000 + 80 * max(len(kernels._executables), state["held"])

        def fake_collect():
            calls.append(len(kernels._executables))
            state["held"] = 0

        monkeypatch.setattr(lower, "map_count", fake_map_count)
        monkeypatch.setattr(lower.gc, "collect", fake_collect)
        monkeypatch.setattr(lower, "MAP_BUDGET", 1_000 + 80 * 90)
        monkeypatch.setattr(lower, "TRIM_TO", 1_000 + 80 * 40)
        kernels._trim()
        assert len(kernels._executables) == 40
        return calls

    assert trim(cycles=False) == []
    assert trim(cycles=True) == [40]
