"""Samples — a batt's ``S``, the task's demo pairs — in JAX (issue "Batt programs end to
end", item 3).

* the converters (:func:`jaxdsl.containers.samples_from_py` / ``samples_to_py`` through
  the type table, and :func:`jaxdsl.containers.stack_samples`) round-trip the ``S`` of
  every ARC-AGI-1 task, set ``overflow`` exactly when an ``S`` does not fit (too many
  pairs, a grid too large, a colour an ``int8`` cell cannot hold, an inner tuple that is
  not a pair) and raise TypeError on values that are no Samples;
* ``first`` / ``last`` / ``size`` of a Samples equal the reference on the ``S`` of
  ``N_TASKS`` ARC-AGI-1 tasks (fixed seed) and on edge values (no pair, one pair, the
  largest demo count, exactly ``caps.grids`` pairs), batched and unbatched;
* a program reading ``S`` (``apply(first, S)``, ``apply(last, S)``, ``sfilter``,
  ``argmax``, ``order``, ``apply`` building a Samples, ``branch`` / ``equality`` between
  a demo pair and a ``first(S)``) compiles with ``infer(p, (Samples, Grid, Grid))`` and
  runs through :meth:`compiler.lower.CompiledProgram.run` (jitted, vmapped kernels) equal
  to the reference executor on every variable; every overflow is a value that does not
  fit (:meth:`~compiler.lower.CompiledProgram.unfitting_values`).
"""

from __future__ import annotations

import functools
import random

import jax
import numpy as np
import pytest

from compiler.batt import demos_as_S
from compiler.infer import infer
from compiler.lower import CompiledProgram, KernelCache
from compiler.parse import parse_source
from compiler.refexec import run_program
from jaxdsl import config, data
from jaxdsl import types as T
from jaxdsl.containers import PairTuple, samples_from_py, samples_to_py, stack_samples
from jaxdsl.prims import REGISTRY
from jaxdsl.prims import higher_order as H
from jaxdsl.runner import stack_grids
from jaxdsl.values import CELL_NONE, Capacity
from tests.equivalence import check_equivalence

CAPS = Capacity(grid=(30, 30), grids=config.DEFAULTS["grids"])
"""The run's Samples capacity: ``grids`` pairs (32) of 30×30 grids."""

SEED = 11
N_TASKS = 50
BATCH = 64
LARGEST_DEMO_COUNT = 10
"""The most demo pairs of any ARC-AGI-1 or ARC-AGI-2 task (measured by the first test)."""


@functools.lru_cache(maxsize=None)
def arc1_tasks() -> tuple:
    return tuple(data.load_tasks("arc1"))


@functools.lru_cache(maxsize=None)
def sampled_tasks() -> tuple:
    """``N_TASKS`` ARC-AGI-1 tasks, drawn with a fixed seed."""
    return tuple(random.Random(SEED).sample(arc1_tasks(), N_TASKS))


def _largest_task():
    return max(arc1_tasks(), key=lambda t: len(t.demos))


def _grid(h, w, f):
    return tuple(tuple(f(i, j) for j in range(w)) for i in range(h))


@functools.lru_cache(maxsize=None)
def edge_samples() -> tuple:
    """Edge values of ``S``: no pair, one pair, the largest demo count, exactly
    ``caps.grids`` pairs, pairs of empty grids and of a grid with itself."""
    one = demos_as_S(arc1_tasks()[0].demos)[:1]
    largest = demos_as_S(_largest_task().demos)
    full = tuple(((( k % 10,),), _grid(1 + k % 3, 2, lambda i, j: (i + j + k) % 10)) for k in range(CAPS.grids))
    g = _grid(3, 4, lambda i, j: (i * 4 + j) % 10)
    return ((), one, largest, full, (((), ((),)), (g, g)), ((g, g), (g, g)))


# ------------------------------------------------------------------ representation


def test_largest_demo_count_fits_the_default_capacity():
    """``caps.grids`` (configs/default.json) holds the ``S`` of every ARC-AGI-1 / ARC-AGI-2 task."""
    counts = [len(t.demos) for name in ("arc1", "arc2") for t in data.load_tasks(name)]
    assert max(counts) == LARGEST_DEMO_COUNT
    assert config.DEFAULTS["grids"] >= LARGEST_DEMO_COUNT and Capacity().grids >= LARGEST_DEMO_COUNT
    assert T.TYPES[T.SAMPLES].capacity == ("grids", "grid") and T.element_type(T.SAMPLES) == T.TUPLE_GRID


def test_converters_round_trip_every_arc1_task():
    """Every ARC-AGI-1 task's ``S`` converts without overflow, keeps the layout (pairs and
    cells beyond the content zero) and converts back; stack_samples gives the same rows."""
    all_S = [demos_as_S(t.demos) for t in arc1_tasks()]
    for S in all_S:
        value, overflow = T.from_python(T.SAMPLES, S, CAPS)
        assert not overflow
        assert value.cells.shape == (CAPS.grids, 2, 30, 30) and value.cells.dtype == np.int8
        assert value.h.shape == value.w.shape == (CAPS.grids, 2) and int(value.n) == len(S)
        assert T.to_python(T.SAMPLES, value) == S
        n = len(S)
        assert not value.cells[n:].any() and not value.h[n:].any() and not value.w[n:].any()
        for k in range(n):
            for s in (0, 1):
                h, w = int(value.h[k, s]), int(value.w[k, s])
                assert not value.cells[k, s, h:].any() and not value.cells[k, s, :, w:].any()
    batch, overflow = stack_samples(all_S, CAPS, len(all_S) + 3)
    assert not overflow.any() and batch.cells.shape == (len(all_S) + 3, CAPS.grids, 2, 30, 30)
    for b in (0, 1, len(all_S) // 2, len(all_S) - 1):
        assert T.to_python(T.SAMPLES, batch, index=b) == all_S[b]
    assert not batch.cells[len(all_S):].any() and not batch.n[len(all_S):].any()


def test_overflow_exactly_when_S_does_not_fit():
    """At small capacities an ARC-AGI-1 ``S`` overflows exactly when it has more pairs than
    ``grids`` or a grid larger than ``grid``; hand-made values cover colours, ragged grids
    and inner tuples that are not pairs."""
    small = Capacity(grid=(12, 12), grids=3)
    all_S = [demos_as_S(t.demos) for t in arc1_tasks()]
    expected = np.array([len(S) > 3 or any(len(g) > 12 or (g and len(g[0]) > 12) for p in S for g in p)
                         for S in all_S])
    assert 0 < expected.sum() < len(all_S)
    got = np.array([T.from_python(T.SAMPLES, S, small)[1] for S in all_S])
    np.testing.assert_array_equal(got, expected)
    batch, overflow = stack_samples(all_S, small, len(all_S))
    np.testing.assert_array_equal(overflow, expected)
    assert not batch.cells[overflow].any() and not batch.n[overflow].any()
    for S in all_S:
        if not T.from_python(T.SAMPLES, S, small)[1]:
            assert T.to_python(T.SAMPLES, T.from_python(T.SAMPLES, S, small)[0]) == S
    g = ((1, 2), (3, 4))
    fits = [(), ((g, g),) * CAPS.grids, ((((None, 1),), g),), ((((-127, 127),), ()),), ((((),), ((), ())),)]
    does_not = [((g, g),) * (CAPS.grids + 1), ((((200,),), g),), ((g, ((1,), (2, 3))),), ((g,),), ((g, g, g),),
                ((g, _grid(31, 1, lambda i, j: 0)),)]
    for S in fits:
        value, overflow = samples_from_py(S, CAPS)
        assert not overflow and samples_to_py(value) == S, S
    value, _ = samples_from_py(((((None, 1),), g),), CAPS)
    assert value.cells[0, 0, 0, 0] == CELL_NONE
    for S in does_not:
        value, overflow = samples_from_py(S, CAPS)
        assert overflow and not value.cells.any() and int(value.n) == 0, S


@pytest.mark.parametrize("value", [[], [((1,),), ((2,),)], (((1,),), ((2,),)), (((1, 2), (3, 4)),),
                                   ([((1,),), ((2,),)],), ((((1,),), [(2,)]),), 5, None])
def test_values_that_are_no_samples_raise_type_error(value):
    with pytest.raises(TypeError):
        T.from_python(T.SAMPLES, value, CAPS)
    with pytest.raises(TypeError):
        stack_samples([(), value], CAPS, 4)


def test_stack_samples_pads_and_checks_the_batch_size():
    S = demos_as_S(arc1_tasks()[3].demos)
    batch, overflow = stack_samples([S, (), S], CAPS, 5)
    assert isinstance(batch, PairTuple) and batch.n.tolist() == [len(S), 0, len(S), 0, 0]
    assert batch.n.dtype == np.int32 and batch.h.shape == (5, CAPS.grids, 2) and overflow.dtype == np.bool_
    assert not overflow.any() and not batch.cells[3:].any() and not batch.h[3:].any()
    assert T.to_python(T.SAMPLES, batch, index=2) == S and T.to_python(T.SAMPLES, batch, index=1) == ()
    with pytest.raises(ValueError):
        stack_samples([S, S], CAPS, 1)


def test_elements_of_a_samples_are_its_pairs():
    """``elements`` gives a GridTuple batch of ``caps.grids`` pairs (``n = 2``), the live
    ones masked; ``collect`` builds the Samples back (order kept) and overflows on a
    kept element that is not a pair."""
    S = demos_as_S(_largest_task().demos)
    value = jax.tree_util.tree_map(np.asarray, T.from_python(T.SAMPLES, S, CAPS)[0])
    assert H.is_container(T.SAMPLES) and H.container_type("tuple", T.TUPLE_GRID) == T.SAMPLES
    assert H.container_type("frozenset", T.TUPLE_GRID) is None
    batch, mask, over = H.elements(T.SAMPLES, value, CAPS)
    assert mask.tolist() == [k < len(S) for k in range(CAPS.grids)] and not bool(over)
    assert batch.cells.shape == (CAPS.grids, 2, 30, 30) and batch.n.tolist() == [2] * CAPS.grids
    for k in (0, len(S) - 1):
        assert T.to_python(T.TUPLE_GRID, H.take(batch, k)) == S[k]
    keep = mask & (np.arange(CAPS.grids) % 2 == 1)
    ctype, back, over = H.collect("tuple", T.TUPLE_GRID, batch, keep, CAPS)
    assert ctype == T.SAMPLES and not bool(over)
    assert T.to_python(T.SAMPLES, jax.device_get(back)) == S[1::2]
    single = batch._replace(n=batch.n.at[3].set(1))
    assert bool(H.collect("tuple", T.TUPLE_GRID, single, keep, CAPS)[2])
    assert not bool(H.collect("tuple", T.TUPLE_GRID, single, keep & (np.arange(CAPS.grids) != 3), CAPS)[2])


def test_pairtuple_serializes_for_the_export_store():
    """A kernel taking a Samples can be exported (:class:`jaxdsl.cache.ExportStore`)."""
    from jax import export

    from jaxdsl import cache

    cache._register_pytrees()
    value, _ = stack_samples([demos_as_S(arc1_tasks()[0].demos)], CAPS, 2)
    spec = jax.tree_util.tree_map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype), value)
    exported = export.export(jax.jit(lambda t: (t, t.n + 1)))(spec)
    back = export.deserialize(exported.serialize())
    out, n = back.call(value)
    assert isinstance(out, PairTuple) and n.tolist() == [len(arc1_tasks()[0].demos) + 1, 1]


# ------------------------------------------------------------------ primitives on S


def _cases() -> list:
    return [(demos_as_S(t.demos),) for t in sampled_tasks()] + [(S,) for S in edge_samples()]


@pytest.mark.parametrize("name", ["first", "last", "size"])
def test_primitives_on_samples_equal_the_reference(name):
    """first / last / size of a Samples against the reference (batched under
    ``jit(vmap)`` and unbatched under ``jit``); an empty ``S`` makes first / last not ok."""
    (sig,) = [s for s in REGISTRY[name] if s.params == (T.SAMPLES,)]
    assert sig.result == (T.INTEGER if name == "size" else T.TUPLE_GRID)
    counts = check_equivalence(name, sig, _cases(), CAPS, unbatched=4, min_cases=N_TASKS)
    assert counts["overflow"] == 0
    assert counts["ref_raised"] == (0 if name == "size" else 1)


# ------------------------------------------------------------------ compiled programs

PROGRAM = """from dsl import *
from constants import *

def differ_samples(S, I, C):
    x1 = apply(first, S)
    x2 = first(x1)
    x3 = size(S)
    x4 = last(S)
    x5 = last(x4)
    x6 = apply(last, S)
    x7 = compose(portrait, first)
    x8 = sfilter(S, x7)
    x9 = compose(size, last)
    x10 = argmax(S, x9)
    x11 = apply(x9, S)
    x12 = equality(x5, C)
    x13 = apply(dedupe, S)
    x14 = first(S)
    x15 = equality(x14, x10)
    x16 = order(S, x9)
    x17 = branch(x12, x14, x10)
    x18 = apply(x7, S)
    x19 = apply(size, S)
    O = astuple(x3, x12)
    return O
"""
"""A differ-shaped program reading ``S`` in every supported way (x13 builds a Samples
from ``dedupe`` of each pair: it overflows exactly when a pair's grids are equal)."""


@functools.lru_cache(maxsize=None)
def _program():
    (program,) = parse_source(PROGRAM, "samples.py")
    return program


def _batch_inputs():
    """``(S, I, C)`` per sample: each sampled task's first test pair with its ``S``, then the
    edge ``S`` values with a fixed grid."""
    rows = []
    for t in sampled_tasks():
        pair = t.tests[0]
        rows.append((demos_as_S(t.demos), pair.input, pair.output))
    g = _grid(3, 4, lambda i, j: (i * 4 + j) % 10)
    rows += [(S, g, g) for S in edge_samples()]
    return rows


def test_program_reading_S_runs_compiled_like_the_reference():
    """Every variable of :data:`PROGRAM` from CompiledProgram.run equals the reference
    executor's (ok flags and values); an overflow only where a value does not fit."""
    program = _program()
    typed = infer(program, input_types=(T.SAMPLES, T.GRID, T.GRID))
    types = typed.var_types
    assert types["S"] == T.SAMPLES and types["x1"] == types["x6"] == types["x14"] == T.TUPLE_GRID
    assert types["x8"] == types["x13"] == types["x16"] == T.SAMPLES and types["x3"] == T.INTEGER
    outputs = tuple(name for name, t in types.items() if name not in program.params and isinstance(t, str))
    cp = CompiledProgram(typed, CAPS, 1, kernels=KernelCache(), outputs=outputs)
    rows = _batch_inputs()
    assert len(rows) <= BATCH
    S_batch, s_over = stack_samples([r[0] for r in rows], CAPS, BATCH)
    I_batch, _ = stack_grids([r[1] for r in rows], CAPS.grid, BATCH)
    C_batch, _ = stack_grids([r[2] for r in rows], CAPS.grid, BATCH)
    assert not s_over.any()
    results, _ = cp.run(S_batch, I_batch, C_batch)
    results = jax.device_get(results)
    overflowed, equal = {}, dict.fromkeys(outputs, 0)
    for b, (S, I, C) in enumerate(rows):
        ref = run_program(program, S, I, C, keep_values=True)
        for name in outputs:
            value, ok, over = results[name]
            where = f"sample {b} ({len(S)} pairs): {name}"
            if over[b]:
                overflowed.setdefault(name, []).append(b)
                assert name in cp.unfitting_values(S, I, C), f"{where}: overflow, yet the value fits"
                continue
            if name not in ref.values:
                assert not ok[b], f"{where}: the reference raises, JAX is ok"
                continue
            assert ok[b], f"{where}: the reference is ok, JAX is not"
            assert T.to_python(types[name], value, index=b) == ref.values[name], where
            equal[name] += 1
    assert min(equal.values()) >= N_TASKS // 2, equal
    assert equal["x1"] == equal["x6"] == equal["x3"] == len(rows), equal
    equal_pairs = [b for b, (S, _, _) in enumerate(rows) if any(x == y for x, y in S)]
    assert equal_pairs and overflowed == {"x13": equal_pairs}
    # the reference fails where JAX says so: first / last / argmax of the empty S
    empty = next(b for b, r in enumerate(rows) if r[0] == ())
    assert not any(results[name][1][empty] for name in ("x2", "x4", "x5", "x10", "x14"))
    assert results["x3"][1][empty] and T.to_python(T.SAMPLES, results["x8"][0], index=empty) == ()
