"""Equivalence of the container JAX primitives (``jaxdsl.prims.sets``) with the reference.

Argument pools are built from the real ARC-AGI-1 fixtures of ``conftest.py``: ``grids``,
``object_sets`` (Objects from ``objects`` / ``partition`` / ``fgpartition``), ``objects_``
(single Objects, shifted to negative and far coordinates, normalized) and ``indices``.
Every other container type is derived from them with the reference DSL: IntegerSets are
palettes and object sizes, Tuple[Integer] are grid rows / columns, Tuple[IntegerTuple]
and Tuple[Cell] are ``totuple`` of patches, IndicesSets are ``toindices`` of every
object of a set, Tuple[Grid] are ``hsplit`` / ``vsplit`` pieces, Samples are 1–5 pairs of
neighbouring grids, and so on. Hand-made
edge values are appended to every pool: empty containers, singletons, duplicates and
tie patterns in tuples, inner sets that agree on their first 32+ rows (the exact group
order), empty inner sets, and values large enough to overflow every capacity when
combined, merged, inserted into or repeated.

Binary cases pair each value with (a) the next value of the pool, (b) itself, (c) a
*related* value (half of its elements plus a few foreign ones, or a shifted copy) so that
intersections and differences are neither always empty nor always total, and (d) empty
containers. Element arguments are members of the container (first, middle, last) or
foreign elements.

Mixed pairs (a frozenset and the tuple of its element type, for ``combine`` and
``difference``) add b values from b's own pool and a's elements reversed, halved and
doubled. A Grid as a container of its rows uses the grid pool plus ``ROW_GRIDS`` (ties,
duplicate rows, rows of width 0, 64 / 65 cells), member and near-miss rows, and
``NONE_GRIDS`` where the answer cannot hold a ``None`` (``test_grid_rows_with_none``
covers the rest). ``mostcommon`` / ``leastcommon`` of tuples of sets or grids add
``COMMON_EDGE`` ties decided late, by a prefix, by width or by height.

``CASES`` maps ``(name, params)`` to a function ``pools -> [args, ...]`` (``pools`` from
:func:`build_pools`). The default test samples the fixtures (``DEFAULT_LIMIT`` values of
each) and runs the batched comparison only (one compile per signature); the ``slow``
sweep uses every fixture value, in chunks, and adds the harness' unbatched checks.
``test_output_invariants`` checks the padding / canonical-order invariants of
:mod:`jaxdsl.containers` on the raw JAX outputs (which the equivalence harness, comparing
Python values, cannot see).
"""

from __future__ import annotations

import functools
from typing import Callable

import jax
import numpy as np
import pytest

from jaxdsl.prims import bind_caps
from jaxdsl.prims.sets import MIXED, SIGNATURES
from jaxdsl.reference import PRIMITIVES as P
from jaxdsl.reference._base import canon
from jaxdsl.types import (AS_TUPLE, CONTAINERS, FROZEN_ELEMS, FROZEN_GROUPED, TUPLE_ELEMS, TUPLE_GROUPED,
                          element_type, from_python, to_python)
from jaxdsl.values import Capacity
from tests.equivalence import check_equivalence

INT, BOOL, TUP, CELL, GRID = "Integer", "Boolean", "IntegerTuple", "Cell", "Grid"
IDX, OBJ, ISET = "Indices", "Object", "IntegerSet"
TI, TB, TT, TC = "Tuple[Integer]", "Tuple[Boolean]", "Tuple[IntegerTuple]", "Tuple[Cell]"
OBJS, ISETS, TO, TX, TG = "Objects", "IndicesSet", "Tuple[Object]", "Tuple[Indices]", "Tuple[Grid]"
SMP = "Samples"

DEFAULT_LIMIT = 24
"""Fixture values sampled per pool in the default (fast) test."""

SLOW_CHUNK = {"Grouped": 800, "Elems": 4000}
"""Cases per ``check_equivalence`` call in the slow sweep (bounds the vmapped memory:
Grouped comparisons hold ``[M, K]`` intermediates per case)."""

SWEEP = "_sweep"
"""Key of the pools flag that is True in the exhaustive sweep (fewer variants per value)."""


# ============================================================================ edge values

def _grid(h, w, f):
    return tuple(tuple(f(i, j) for j in range(w)) for i in range(h))


NOISE = _grid(30, 30, lambda i, j: (i * 7 + j * 3 + (i * j) % 5) % 10)
NOISE_OBJ = P["asobject"](NOISE)                                   # 900 cells
BIG_OBJ = NOISE_OBJ | P["shift"](frozenset(c for c in NOISE_OBJ if c[1][0] < 20), (30, 0))  # 1500
BIG_IDX = P["toindices"](BIG_OBJ)
FAR_IDX = P["shift"](P["toindices"](NOISE_OBJ), (30, 0))            # disjoint from NOISE's 900
OBJ_1024 = NOISE_OBJ | frozenset(sorted(P["shift"](NOISE_OBJ, (30, 0)))[:124])   # exactly full
IDX_1024 = P["toindices"](OBJ_1024)

# inner sets that agree on their first 35 rows (exact order beyond a 32-row horizon)
LONG_A = frozenset((1, (0, j)) for j in range(40))
LONG_B = (LONG_A - {(1, (0, 39))}) | {(1, (0, 45))}
LONG_PREFIX = frozenset((1, (0, j)) for j in range(35))
SINGLES_A = frozenset(frozenset({(1, (i, 0))}) for i in range(50))
SINGLES_B = frozenset(frozenset({(2, (i, 1))}) for i in range(50))
SIXTY_FOUR = frozenset(frozenset({(3, (i, 2))}) for i in range(64))

EDGE = {
    GRID: ((), ((),), ((), ()), ((5,),), ((1, 2, 3),), ((1,), (2,), (3,)), ((1, 2), (3, 4)),
           ((0, 1, 2, 3, 4),), ((0,), (1,), (2,), (3,), (4,), (5,), (6,)), NOISE,
           ((7, 7), (7, 7))),
    OBJ: (frozenset(), frozenset({(3, (0, 0))}), frozenset({(1, (2, 2)), (4, (2, 2))}),
          frozenset({(5, (-40, -3)), (5, (-40, -2)), (6, (-39, -3))}), LONG_A, LONG_B,
          LONG_PREFIX, NOISE_OBJ),
    IDX: (frozenset(), frozenset({(0, 0)}), frozenset({(-1, -1), (-5, 3)}),
          P["toindices"](LONG_A), P["toindices"](NOISE_OBJ), FAR_IDX,
          frozenset((i, i) for i in range(30))),
    ISET: (frozenset(), frozenset({0}), frozenset({-5, 3, 100}), frozenset(range(40)),
           frozenset(range(100, 140)), frozenset(range(64)), frozenset({True, 7})),
    TI: ((), (1,), (3, 1, 3, 2, 1), (1, 8, 8, 1), (3, 3, 1, 2), (5,) * 40, (2,) * 40,
         tuple(range(64)), (0, -1, -1, 0, 2**20), (True, 1, 2)),
    TB: ((), (True,), (False,), (True, False, False, True), (True,) * 40, (False,) * 30),
    TT: ((), ((0, 0),), ((1, 2), (1, 2), (-3, 4)), ((5, 5), (0, 0), (5, 5)),
         tuple(P["totuple"](P["toindices"](NOISE_OBJ)))),
    TC: ((), ((1, (0, 0)),), ((2, (1, 1)), (2, (1, 1)), (0, (0, 0))), tuple(P["totuple"](NOISE_OBJ))),
    OBJS: (frozenset(), frozenset({frozenset()}), frozenset({LONG_A, LONG_B, LONG_PREFIX}),
           frozenset({LONG_A}), frozenset({LONG_PREFIX, frozenset()}), SINGLES_A, SINGLES_B,
           SIXTY_FOUR, frozenset({BIG_OBJ}),
           frozenset({NOISE_OBJ, P["shift"](NOISE_OBJ, (30, 0))})),
    TG: ((), (((1,),),), (((1, 2),), ((1, 2),), ((3, 4),)), (((1,),), ((1, 2),)),
         ((), ((),), ()), (NOISE, NOISE), tuple(((k,),) for k in range(20))),
}
"""Hand-made values appended to each pool (see the module docstring)."""


def _to_indices_set(objs):
    return frozenset(P["toindices"](o) for o in objs)


def _to_idx_tuple(objs):
    return tuple(P["toindices"](o) for o in objs)


EDGE[ISETS] = tuple(_to_indices_set(o) for o in EDGE[OBJS])
EDGE[TO] = ((), (frozenset(),), (LONG_A, LONG_B, LONG_A, LONG_PREFIX),
            (frozenset({(1, (0, 0))}),) * 3, tuple(canon(SINGLES_A))[:40],
            tuple(canon(SINGLES_B))[:40], (BIG_OBJ,), (NOISE_OBJ, P["shift"](NOISE_OBJ, (30, 0))))
EDGE[TX] = tuple(_to_idx_tuple(t) for t in EDGE[TO])
EDGE[SMP] = ((), ((((1,),), ((2,),)),), ((NOISE, ()), (((),), NOISE)),
             tuple((((k,),), ((k, k),)) for k in range(10)), tuple((((k,),), NOISE) for k in range(32)),
             tuple((((k,),), ((k,),)) for k in range(33)))
"""Samples (a batt's ``S``): none, one pair, empty grids, 10 pairs (the most of any ARC
task), exactly ``grids`` pairs, one too many (cannot be built: skipped)."""

ROW_GRIDS = (
    ((1, 2), (3, 4), (1, 2)), ((0, 0), (1, 1), (0, 0), (1, 1)), ((2,), (1,), (2,), (1,), (3,)),
    ((3, 1), (2, 9), (2, 5)), ((4, 4, 4),) * 5, ((), (), ()), ((-1, 5), (127, -127), (-1, 5)),
    _grid(8, 8, lambda i, j: (i + j) % 3), _grid(5, 13, lambda i, j: i % 2), _grid(2, 30, lambda i, j: j % 4),
    _grid(30, 1, lambda i, j: i % 3),
)
"""Grids as containers of rows: duplicate rows, count ties (the smallest tied row wins, also
when it appears later), uniform grids, rows of width 0, extreme colours, and 64 / 65 cells
(``merge`` exactly fills / overflows ``caps.tuple``)."""

NONE_GRIDS = (((None, 1), (2, 3), (None, 1)), ((None,), (0,), (None,), (0,)))
"""Grids with ``None`` cells (from ``index`` outside a grid) for the Grid- and Boolean-valued
row primitives; a row holding ``None`` is no Tuple[Integer] (see :func:`test_grid_rows_with_none`)."""

COMMON_EDGE = {
    TO: ((LONG_B, LONG_A, LONG_PREFIX, LONG_B, LONG_PREFIX), (LONG_A, frozenset(), LONG_A, frozenset()),
         (frozenset({(2, (0, 0))}), frozenset({(1, (5, 5))}), frozenset({(1, (0, 0)), (1, (0, 1))})),
         (LONG_PREFIX, LONG_A, LONG_PREFIX, LONG_A, LONG_B)),
    TG: ((((2,),), ((1, 5),)), (((1, 2), (3, 4)), ((1, 2),)), (((1, 2), (0, 0)), ((1, 2), (3, 4), (0, 0))),
         (((1, 9),), ((1,), (2,))), (((),), ((), ())), ((), ((5,),), ((),)), (((5,),), ((),)),
         (((3, 3),), ((3, 3),), ((3,), (3,)), ((3,), (3,)), ((2, 9, 9),)),
         (((1, 2), (3, 4)), ((1, 2), (3, 5)), ((1, 2), (3, 4)), ((1, 2), (3, 5)))),
}
"""Tuples of inner sets / grids whose ``mostcommon`` / ``leastcommon`` is decided by a tie
between elements that differ late, by a proper prefix, by width or by height."""
COMMON_EDGE[TX] = tuple(_to_idx_tuple(t) for t in COMMON_EDGE[TO])

MIXED_BIG = {(TI, ISET): [((5,) * 40, frozenset(range(100, 140)))]}
"""Extra overflowing ``combine`` pairs where converting the usual big pair would shrink b."""

ELEMENT_EDGE = {
    INT: (0, 1, 2, 5, 7, 9, -1, 100, True),
    BOOL: (True, False),
    TUP: ((0, 0), (1, 2), (-1, -1), (29, 29), (0, 45)),
    CELL: ((1, (0, 0)), (3, (0, 0)), (5, (-40, -3)), (1, (0, 39))),
}


# ================================================================================ pools


def _sample(values, limit):
    """Evenly spaced sample of ``limit`` values (all of them when ``limit`` is None)."""
    values = tuple(values)
    if limit is None or len(values) <= limit:
        return values
    step = len(values) / limit
    return tuple(values[int(k * step)] for k in range(limit))


def _dedupe(values):
    seen, out = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return tuple(out)


def _columns(g):
    return tuple(r[0] for r in g) if g and g[0] else ()


@functools.lru_cache(maxsize=None)
def build_pools(grids, object_sets, objects, indices, limit):
    """Argument pools (DSL type → tuple of reference values) from the fixtures, sampled to
    ``limit`` values per fixture (None: every value), plus the edge values."""
    gs = _sample(grids, limit)
    sets = _sample(object_sets, limit)
    objs = _sample(objects, limit)
    idxs = _sample(indices, limit)
    pools = {
        GRID: gs,
        OBJ: objs,
        IDX: idxs,
        OBJS: sets,
        ISETS: tuple(_to_indices_set(s) for s in sets),
        ISET: tuple(P["palette"](g) for g in gs) + tuple(frozenset(len(o) for o in s) for s in sets),
        TI: tuple(g[0] if g else () for g in gs) + tuple(_columns(g) for g in gs[::2])
        + tuple(tuple(len(o) for o in canon(s)) for s in sets[::2]),
        TB: tuple(tuple(v % 2 == 0 for v in (g[-1] if g else ())) for g in gs),
        TT: tuple(P["totuple"](i) for i in idxs) + tuple(P["totuple"](P["toindices"](o))[::-1] for o in objs[::3]),
        TC: tuple(P["totuple"](o) for o in objs) + tuple(P["totuple"](o)[::-1] + P["totuple"](o)[:2] for o in objs[::3]),
        TO: tuple(P["totuple"](s) for s in sets) + tuple(P["totuple"](s)[:3] * 2 for s in sets[::3]),
        TX: tuple(_to_idx_tuple(P["totuple"](s)) for s in sets)
        + tuple(_to_idx_tuple(P["totuple"](s)[::-1][:4] * 2) for s in sets[::3]),
        TG: tuple(P["hsplit"](g, 2 + k % 3) for k, g in enumerate(gs) if g and g[0])
        + tuple(P["vsplit"](g, 1 + k % 4) for k, g in enumerate(gs[::2]) if g)
        + tuple((g, P["hmirror"](g), g) for g in gs[::5]),
        SMP: tuple(tuple((_pick(gs, k + j), _pick(gs, k + j + 1)) for j in range(1 + k % 5))
                   for k in range(0, len(gs), 2)),
    }
    for t in pools:
        pools[t] = _dedupe(pools[t] + EDGE[t])
    elements = {
        INT: ELEMENT_EDGE[INT] + tuple(v for s in pools[ISET][:limit or None] for v in sorted(s)[:1]),
        BOOL: ELEMENT_EDGE[BOOL],
        TUP: ELEMENT_EDGE[TUP] + tuple(min(i) for i in idxs if i),
        CELL: ELEMENT_EDGE[CELL] + tuple(min(o) for o in objs if o),
    }
    for t, v in elements.items():
        pools[t] = _dedupe(v)
    pools[SWEEP] = limit is None
    return pools


# ======================================================================== case builders


def _pick(pool, k):
    return pool[k % len(pool)]


def _members(x):
    """A few elements of the container ``x`` (first, middle and last in iteration order)."""
    items = list(canon(x))
    if not items:
        return []
    return _dedupe([items[0], items[len(items) // 2], items[-1]])


def _related(x, y):
    """Half of ``x``'s elements plus a few of ``y``'s, of x's container type."""
    xs, ys = list(canon(x)), list(canon(y))
    if isinstance(x, frozenset):
        return frozenset(xs[::2] + ys[:3])
    return tuple(xs[::2]) + tuple(ys[:3])


def _convert(value, target: str):
    """``value`` as the container type ``target`` (frozenset ↔ tuple)."""
    if target in TUPLE_ELEMS + TUPLE_GROUPED + (TG,):
        return tuple(canon(value))
    return frozenset(value)


def _shifted(x, t):
    if t in (IDX, OBJ):
        return P["shift"](x, (0, 1))
    if t == ISET:
        return frozenset(v + 1 for v in x)
    return None


def _unary(t):
    return lambda pools: [(x,) for x in pools[t]]


def _pairs(ta, tb):
    """(a, b) cases: neighbours, self pairs, related values, empties (b converted to tb)."""

    def make(pools):
        A = pools[ta]
        sweep = pools[SWEEP]
        sparse = 6 if sweep else 2
        cases = []
        for k, x in enumerate(A):
            y = _pick(A, k * 7 + 1)
            if not sweep or k % 2 == 0:
                cases.append((x, _convert(y, tb)))
            if not sweep or k % 2 == 1:
                cases.append((x, _convert(_related(x, y), tb)))
            if k % sparse == 0:
                cases.append((x, _convert(x, tb)))
            s = _shifted(x, ta)
            if s is not None and k % (sparse + 1) == 0:
                cases.append((x, _convert(s, tb)))
        empty_a, empty_b = type(A[0])(), _convert(type(A[0])(), tb)
        cases += [(empty_a, _convert(x, tb)) for x in A[:5]] + [(x, empty_b) for x in A[:5]]
        cases.append((empty_a, empty_b))
        return cases

    return make


def _big_pairs(ta):
    """Pairs whose union / concatenation overflows the capacity."""
    big = {
        ISET: [(frozenset(range(40)), frozenset(range(100, 140)))],
        TI: [((5,) * 40, (2,) * 40)],
        TB: [((True,) * 40, (False,) * 30)],
        IDX: [(P["toindices"](NOISE_OBJ), FAR_IDX)],
        OBJ: [(NOISE_OBJ, P["shift"](NOISE_OBJ, (30, 0)))],
        TT: [(P["totuple"](P["toindices"](NOISE_OBJ)), P["totuple"](FAR_IDX))],
        TC: [(P["totuple"](NOISE_OBJ), P["totuple"](NOISE_OBJ))],
        OBJS: [(SINGLES_A, SINGLES_B), (frozenset({BIG_OBJ}), frozenset({P["shift"](BIG_OBJ, (0, 1))}))],
        TO: [(tuple(canon(SINGLES_A))[:40], tuple(canon(SINGLES_B))[:40])],
        TG: [(tuple(((k,),) for k in range(20)), tuple(((k,),) for k in range(20)))],
    }
    big[ISETS] = [(_to_indices_set(a), _to_indices_set(b)) for a, b in big[OBJS]]
    big[TX] = [(_to_idx_tuple(a), _to_idx_tuple(b)) for a, b in big[TO]]
    return big.get(ta, [])


def _combine(ta, tb):
    pairs = _pairs(ta, tb)
    return lambda pools: pairs(pools) + [(a, _convert(b, tb)) for a, b in _big_pairs(ta)]


def _elem_first(t):
    """(element, container) cases: members of the container and foreign elements."""
    te = element_type(t)

    def make(pools):
        elems = pools[te]
        cases = []
        sweep = pools[SWEEP]
        for k, x in enumerate(pools[t]):
            members = _members(x)[: (k % 2 == 0) + (k % 4 == 0) if sweep else 1 + k % 3]
            cases.extend((e, x) for e in members)
            if not sweep or k % 2 == 1 or not members:
                cases.append((_pick(elems, k), x))
        return cases

    return make


def _elem_last(t):
    """(container, element) cases for ``other``: the swapped ``_elem_first`` cases,
    singletons holding the element itself (nothing else is left: the reference raises),
    and for sets of sets an answer larger than ``caps.patch`` (overflow)."""
    first = _elem_first(t)

    big = {OBJS: [(frozenset({BIG_OBJ, LONG_A}), LONG_A)], TO: [((LONG_A, BIG_OBJ), LONG_A)]}
    big[ISETS] = [(_to_indices_set(c), P["toindices"](e)) for c, e in big[OBJS]]
    big[TX] = [(_to_idx_tuple(c), P["toindices"](e)) for c, e in big[TO]]

    def make(pools):
        kind = type(pools[t][0])
        return [(x, e) for e, x in first(pools)] + [
            (kind((e,)), e) for e in pools[element_type(t)][:6]] + big.get(t, [])

    return make


def _insert(t):
    first = _elem_first(t)
    extra = {
        OBJS: [(frozenset({(9, (9, 9))}), SIXTY_FOUR), (LONG_B, frozenset({LONG_A, LONG_PREFIX})),
               (frozenset(), SIXTY_FOUR)],
        IDX: [((-3, -3), IDX_1024), ((0, 0), IDX_1024)],
        OBJ: [((1, (-3, -3)), OBJ_1024), (min(OBJ_1024), OBJ_1024)],
        ISET: [(100, frozenset(range(64))), (5, frozenset(range(64)))],
    }
    extra[ISETS] = [(P["toindices"](o), _to_indices_set(s)) for o, s in extra[OBJS]]
    return lambda pools: first(pools) + [e for e in extra.get(t, [])]


def _big_merge(t):
    return {
        OBJS: [(frozenset({NOISE_OBJ, P["shift"](NOISE_OBJ, (30, 0))}),)],
        ISETS: [(frozenset({P["toindices"](NOISE_OBJ), FAR_IDX}),)],
        TO: [((NOISE_OBJ, P["shift"](NOISE_OBJ, (30, 0))),)],
        TX: [((P["toindices"](NOISE_OBJ), FAR_IDX),)],
        TG: [((NOISE, NOISE),), ((((1,),), ((1, 2),)),)],
    }[t]


def _merge(t):
    return lambda pools: [(x,) for x in pools[t]] + _big_merge(t)


NUMS = (-2, -1, 0, 1, 2, 3, 5, 40, 100, 2000, None)
SPLITS = (1, 2, 3, 4, 5, 7, 0, -1, -3, 31, 33, 40, None)


def _repeat(t):
    return lambda pools: [(x, _pick(NUMS, k)) for k, x in enumerate(pools[t])] + [
        (x, n) for x in pools[t][:3] for n in NUMS] + [(LONG_A, 60), (NOISE_OBJ, 3)] * (t == OBJ)


def _split(pools):
    cases = [(g, _pick(SPLITS, k)) for k, g in enumerate(pools[GRID])]
    return cases + [(g, n) for g in EDGE[GRID] for n in SPLITS]


def _product(ta, tb):
    def make(pools):
        A, B = pools[ta], pools[tb]
        cases = [(x, _pick(B, k * 5 + 2)) for k, x in enumerate(A)]
        big = (frozenset(range(40)), tuple(range(40)))
        cases += [(big[ta == TI], big[tb == TI]), (A[0], type(B[0])())]
        return cases

    return make


def _pair(ta, tb):
    return lambda pools: [(x, _pick(pools[tb], k * 3 + 1)) for k, x in enumerate(pools[ta])] + [
        (x, x) for x in pools[ta][:5] if ta == tb]


def _interval(pools):
    values = (0, 1, 2, 3, 5, 9, 10, -1, -4, 30, 100, -100, None)
    steps = (1, 2, 3, -1, -2, -3, 0, 7, None, 2**29)
    cases = [(a, b, s) for a in values[:10] for b in values[:10] for s in steps[:8]]
    cases += [(None, 1, 1), (1, None, 1), (0, 5, None), (0, 100, 1), (100, -100, -1),
              (-2**29, 2**29, 2**29), (2**29, -2**29, -2**29), (0, 2**29, 2**24)]
    return cases


def _equality(t):
    def make(pools):
        A = pools[t]
        cases = [(x, x) for x in A]
        cases += [(x, _pick(A, k * 5 + 1)) for k, x in enumerate(A)]
        if t != CELL:
            cases += [(x, _related(x, x)) for x in A[::2]]
        # equal values built in another insertion order
        cases += [(x, type(x)(reversed(list(canon(x))))) for x in A[:10] if t != CELL]
        return cases

    return make


def _branch(cond_t, t):
    conds = {BOOL: (True, False), INT: (0, 1, -3, None)}[cond_t]
    return lambda pools: [(_pick(conds, k), x, _pick(pools[t], k + 1)) for k, x in enumerate(pools[t])]


def _mixed(name, ta, tb):
    """(a, b) cases of a frozenset and a tuple of one element type: the usual pairs, b
    values of b's own pool (tuples out of canonical order, with duplicates), a's elements
    reversed / halved / doubled as b, and (combine) overflowing pairs."""
    base = _pairs(ta, tb)

    def scrambled(x):
        items = list(canon(x))[::-1][::2]
        return frozenset(items) if tb in FROZEN_ELEMS + FROZEN_GROUPED else tuple(items) * 2

    def make(pools):
        A, B = pools[ta], pools[tb]
        cases = base(pools)
        cases += [(x, _pick(B, 3 * k + 2)) for k, x in enumerate(A)]
        cases += [(x, scrambled(x)) for x in A[::1 + 2 * pools[SWEEP]]]
        if name == "combine":
            cases += [(a, _convert(b, tb)) for a, b in _big_pairs(ta)] + MIXED_BIG.get((ta, tb), [])
        return cases

    return make


def _common_nested(t):
    return lambda pools: _unary(t)(pools) + [(x,) for x in COMMON_EDGE[t]]


# ----------------------------------------------------------------- a Grid as a container


def _row_grids(pools, none=False):
    """Grids for the row primitives: the grid pool, ROW_GRIDS and (``none``) NONE_GRIDS."""
    return _dedupe(pools[GRID] + ROW_GRIDS + (NONE_GRIDS if none else ()))


def _near_row(row):
    """A row of the same length that differs from ``row`` in its last value."""
    return row[:-1] + ((row[-1] + 1) % 10,) if row else (0,)


def _row_first(pools):
    """(row, grid) cases: member rows, foreign rows of the same and other lengths, ``()``."""
    rows = pools[TI]
    cases = []
    for k, g in enumerate(_row_grids(pools, none=True)):
        clean = [r for r in g if None not in r]
        members = _dedupe(clean[:1] + clean[len(clean) // 2: len(clean) // 2 + 1] + clean[-1:])
        cases += [(r, g) for r in members[: 1 + k % 3]]
        cases += [(_near_row(g[0]) if g and None not in g[0] else (7, 7), g), (_pick(rows, k), g)]
    return cases + [((), ((),)), ((), ((), ())), ((), ()), ((1,), ()), ((), ((1,),))]


def _row_other(pools):
    """(grid, row) cases: the swapped :func:`_row_first` cases (without ``None`` grids, whose
    answer may hold ``None``) plus grids with no other row (the reference raises)."""
    cases = [(g, r) for r, g in _row_first(pools) if not any(None in row for row in g)]
    return cases + [((r,), r) for r in pools[TI][:6] if len(r) <= 30] + [
        (((4, 4, 4),) * 5, (4, 4, 4)), (((), ()), ()), ((), (1,)), (((1,),), (2,))]


def _row_pairs(pools):
    """(a, b) grid pairs: neighbours, self, half of a's rows plus some of b's, empties."""
    G = _row_grids(pools, none=True)
    cases = []
    for k, a in enumerate(G):
        b = _pick(G, 7 * k + 1)
        cases += [(a, b), ((), a)]
        if a:
            cases.append((a, a[::2] + tuple(r for r in b[:3] if len(r) == len(a[0]))))
        if k % 2 == 0:
            cases += [(a, a), (a, a[::-1]), (a, ())]
    return cases + [(((),), ((),)), (((), ()), ((),)), (((),), ()), (((1,),), ((),))]


def _row_unary(none: bool):
    return lambda pools: [(g,) for g in _row_grids(pools, none=none)]


ROW_PARAMS = ((GRID,), (TI, GRID), (GRID, TI), (GRID, GRID))
"""Parameter lists of the Grid-as-a-container-of-rows signatures."""


def _row_cases(name: str, params: tuple[str, ...]) -> Callable:
    if name in ("contained", "remove"):
        return _row_first
    if name == "other":
        return _row_other
    if name == "difference":
        return _row_pairs
    return _row_unary(none=name == "dedupe")


# =================================================================================== CASES


def _cases_for(name: str, params: tuple[str, ...]) -> Callable:
    """The case builder of one signature."""
    if params in ROW_PARAMS:
        return _row_cases(name, params)
    if (name in ("combine", "difference") and len(params) == 2 and params[0] != params[1]):
        return _mixed(name, *params)
    if name in ("mostcommon", "leastcommon") and params[0] in COMMON_EDGE:
        return _common_nested(params[0])
    if name in ("size", "first", "last", "totuple", "dedupe", "maximum", "minimum",
                "mostcommon", "leastcommon", "identity"):
        return _unary(params[0])
    if name == "merge":
        return _merge(params[0])
    if name == "combine":
        return _combine(*params)
    if name in ("intersection", "difference"):
        return _pairs(*params)
    if name in ("contained", "remove"):
        return _elem_first(params[1])
    if name == "other":
        return _elem_last(params[0])
    if name == "insert":
        return _insert(params[1])
    if name == "initset":
        return _unary(params[0])
    if name == "repeat":
        return _repeat(params[0])
    if name == "product":
        return _product(*params)
    if name == "pair":
        return _pair(*params)
    if name == "interval":
        return _interval
    if name in ("hsplit", "vsplit"):
        return _split
    if name == "equality":
        return _equality(params[0])
    if name == "branch":
        return _branch(params[0], params[1])
    raise KeyError(name)


_ALL_KEYS = [(name, sig.params) for name, sigs in SIGNATURES.items() for sig in sigs]

CASES: dict[tuple[str, tuple[str, ...]], Callable[..., list[tuple]]] = {
    key: _cases_for(*key) for key in _ALL_KEYS}
"""(primitive name, parameter types) → ``pools -> list of argument tuples``."""

RAISES = {
    **{("first", (t,)): True for t in CONTAINERS},
    **{("last", (t,)): True for t in CONTAINERS},
    **{("other", (t, element_type(t))): True for t in CONTAINERS},
    **{(n, (t,)): True for n in ("mostcommon", "leastcommon") for t in CONTAINERS + (GRID,)},
    ("first", (GRID,)): True, ("last", (GRID,)): True, ("other", (GRID, TI)): True,
    ("first", (SMP,)): True, ("last", (SMP,)): True,
    **{("repeat", sig.params): True for sig in SIGNATURES["repeat"]},
    ("interval", (INT, INT, INT)): True, ("hsplit", (GRID, INT)): True, ("vsplit", (GRID, INT)): True,
}
"""Signatures whose cases must include inputs on which the reference raises."""

ALWAYS_RAISES = {(n, (t,)) for n in ("mostcommon", "leastcommon") for t in FROZEN_ELEMS + FROZEN_GROUPED}
"""Signatures on which the reference always raises (a frozenset has no ``count``)."""

OVERFLOWS = {
    *(("combine", (t, t)) for t in CONTAINERS),
    *(("combine", pair) for pair in MIXED),
    *((n, (t,)) for n in ("mostcommon", "leastcommon") for t in TUPLE_GROUPED),
    *(("merge", sig.params) for sig in SIGNATURES["merge"]),
    ("first", (OBJS,)), ("last", (OBJS,)), ("first", (TO,)), ("last", (TO,)),
    ("first", (ISETS,)), ("first", (TX,)), ("other", (OBJS, OBJ)), ("other", (TO, OBJ)),
    *(("insert", sig.params) for sig in SIGNATURES["insert"]),
    *(("repeat", sig.params) for sig in SIGNATURES["repeat"]),
    *(("product", sig.params) for sig in SIGNATURES["product"]),
    ("interval", (INT, INT, INT)), ("hsplit", (GRID, INT)), ("vsplit", (GRID, INT)),
}
"""Signatures whose cases must include results that overflow a capacity."""


def _run(key, pools, chunk=None, unbatched=3):
    """Check one signature on its cases (in chunks), then the RAISES / OVERFLOWS demands;
    the unbatched comparison runs on the first chunk only."""
    name, params = key
    (sig,) = [s for s in SIGNATURES[name] if s.params == params]
    cases = CASES[key](pools)
    chunks = [cases] if chunk is None else [cases[i:i + chunk] for i in range(0, len(cases), chunk)]
    totals = {"cases": 0, "ref_raised": 0, "overflow": 0}
    for c, part in enumerate(chunks):
        counts = check_equivalence(name, sig, part, unbatched=unbatched if c == 0 else 0)
        for k in totals:
            totals[k] += counts[k]
    if key in RAISES:
        assert totals["ref_raised"] > 0, f"{name}{params}: no raising case exercised ({totals})"
    if key in OVERFLOWS:
        assert totals["overflow"] > 0, f"{name}{params}: no overflowing case exercised ({totals})"
    assert totals["ref_raised"] + totals["overflow"] < totals["cases"] or key in ALWAYS_RAISES, totals
    return totals


@pytest.fixture(scope="module")
def pools(grids, object_sets, objects_, indices):
    return build_pools(grids, object_sets, objects_, indices, DEFAULT_LIMIT)


@pytest.mark.parametrize("key", _ALL_KEYS, ids=lambda k: f"{k[0]}{list(k[1])}")
def test_equivalence(key, pools):
    """The JAX signature agrees with the reference on a sample of the fixtures."""
    _run(key, pools, unbatched=0)


@pytest.mark.slow
def test_equivalence_exhaustive(all_grids, object_sets, objects_, indices):
    """Every signature on every fixture value (chunked)."""
    full = build_pools(all_grids, object_sets, objects_, indices, None)
    grouped = set(FROZEN_GROUPED + TUPLE_GROUPED)
    for key in _ALL_KEYS:
        kind = "Grouped" if grouped & set(key[1]) else "Elems"
        _run(key, full, chunk=SLOW_CHUNK[kind])


def test_cases_cover_signatures():
    """Every Signature has a CASES entry and every CASES entry names a Signature."""
    assert set(CASES) == set(_ALL_KEYS)
    assert set(RAISES) <= set(_ALL_KEYS)
    assert OVERFLOWS <= set(_ALL_KEYS)


def test_signature_types_are_consistent():
    """Frozenset-only primitives take frozensets, and every element type matches."""
    for key in _ALL_KEYS:
        name, params = key
        if name in ("insert",):
            assert params[1] in FROZEN_ELEMS + FROZEN_GROUPED and params[0] == element_type(params[1])
        if name == "intersection":
            assert params[0] == params[1] and params[0] in FROZEN_ELEMS + FROZEN_GROUPED
    assert {AS_TUPLE[t] for t in FROZEN_ELEMS + FROZEN_GROUPED} == set(TUPLE_ELEMS + TUPLE_GROUPED) - {TB}


# ======================================================================= output invariants

_FROZEN_TYPES = set(FROZEN_ELEMS + FROZEN_GROUPED)
_GROUPED_TYPES = set(FROZEN_GROUPED + TUPLE_GROUPED)
_ELEMS_TYPES = set(FROZEN_ELEMS + TUPLE_ELEMS)

INVARIANT_KEYS = [(name, sig.params) for name, sigs in SIGNATURES.items() for sig in sigs
                  if sig.result in CONTAINERS + (GRID,)]
"""Signatures whose result is a container (or a Grid / inner set): their raw outputs are checked."""

DEFAULT_INVARIANT_KEYS = [
    ("combine", (OBJS, OBJS)), ("combine", (TO, TO)), ("combine", (ISET, ISET)),
    ("difference", (TC, TC)), ("dedupe", (TG,)), ("remove", (TUP, IDX)), ("insert", (OBJ, OBJS)),
    ("repeat", (IDX, INT)), ("product", (TI, TI)), ("merge", (TG,)), ("combine", (OBJS, TO)),
    ("remove", (TI, GRID)),
]
"""A representative subset (one per kernel family) checked in the default run."""


def _is_sorted_strict(rows: np.ndarray) -> bool:
    return all(tuple(rows[k]) < tuple(rows[k + 1]) for k in range(len(rows) - 1))


def _check_grid(cells, h, w, where):
    assert 0 <= h <= cells.shape[0] and 0 <= w <= cells.shape[1], where
    assert h > 0 or w == 0, where
    assert not cells[h:].any() and not cells[:, w:].any(), f"{where}: grid padding not zero"


def _check_value(dsl_type: str, v, where: str):
    """Assert the :mod:`jaxdsl.containers` invariants of one host value."""
    if dsl_type in _ELEMS_TYPES:
        data, n = np.asarray(v.data), int(v.n)
        assert 0 <= n <= data.shape[0], where
        assert not data[n:].any(), f"{where}: rows ≥ n not zero"
        if dsl_type in _FROZEN_TYPES:
            assert _is_sorted_strict(data[:n]), f"{where}: frozenset rows not strictly ascending"
    elif dsl_type in _GROUPED_TYPES:
        data, group, n, sizes = (np.asarray(x) for x in v)
        K, n = sizes.shape[0], int(n)
        assert 0 <= n <= K and not sizes[n:].any(), f"{where}: sizes beyond n"
        expect = np.full(group.shape, K)
        starts = np.cumsum(sizes) - sizes
        for k in range(n):
            expect[starts[k]: starts[k] + sizes[k]] = k
            assert _is_sorted_strict(data[starts[k]: starts[k] + sizes[k]]), f"{where}: group {k} not canonical"
        assert (group == expect).all(), f"{where}: group layout"
        assert not data[group == K].any(), f"{where}: padding rows not zero"
        if dsl_type in _FROZEN_TYPES:
            keys = [tuple(map(tuple, data[starts[k]: starts[k] + sizes[k]])) for k in range(n)]
            assert all(keys[k] < keys[k + 1] for k in range(n - 1)), f"{where}: groups not canonical"
    elif dsl_type == TG:
        cells, h, w, n = (np.asarray(x) for x in v)
        n = int(n)
        assert not cells[n:].any() and not h[n:].any() and not w[n:].any(), f"{where}: grids ≥ n"
        for k in range(n):
            _check_grid(cells[k], int(h[k]), int(w[k]), f"{where} grid {k}")
    elif dsl_type == GRID:
        _check_grid(np.asarray(v.cells), int(v.h), int(v.w), where)


def _invariants(key, pools, limit):
    name, params = key
    (sig,) = [s for s in SIGNATURES[name] if s.params == params]
    impl = bind_caps(sig.impl, Capacity())
    built = []
    for args in CASES[key](pools)[:limit]:
        conv = [from_python(t, a, Capacity()) for t, a in zip(params, args)]
        if not any(over for _, over in conv):
            built.append([value for value, _ in conv])
    batch = jax.tree_util.tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs]), *built)
    values, oks, overflows = jax.device_get(jax.jit(jax.vmap(impl))(*batch))
    for k in range(len(built)):
        one = jax.tree_util.tree_map(lambda a: a[k], values)
        _check_value(sig.result, one, f"{name}{params} case {k} (ok={oks[k]}, overflow={overflows[k]})")


@pytest.mark.parametrize("key", DEFAULT_INVARIANT_KEYS, ids=lambda k: f"{k[0]}{list(k[1])}")
def test_output_invariants(key, pools):
    """Raw outputs keep zero padding, canonical frozensets and the Grouped layout."""
    _invariants(key, pools, limit=200)


@pytest.mark.slow
def test_output_invariants_all(pools):
    """The invariants on every container-valued signature (sampled cases)."""
    for key in INVARIANT_KEYS:
        _invariants(key, pools, limit=400)


def test_invariant_keys_exist():
    assert set(DEFAULT_INVARIANT_KEYS) <= set(INVARIANT_KEYS)


# ============================================================ hashed inner-set matching

HASHED_KEYS = [("intersection", (OBJS, OBJS)), ("difference", (ISETS, ISETS)), ("difference", (TO, OBJS)),
               ("dedupe", (TX,))]
"""Signatures whose inner-set equality goes through ``sets._hash_match``."""


def test_real_hashes_take_the_fast_path(pools):
    """On real Objects / IndicesSets (each against itself and against the next value) every
    first hash candidate verifies, so the exact comparison is not run: a degenerate hash
    would pass the equivalence tests while costing the old O(M·K·F) path."""
    from jaxdsl.prims import sets

    match = jax.jit(jax.vmap(sets._hash_match))
    for t in (OBJS, ISETS):
        values = [from_python(t, v, Capacity()) for v in pools[t]]
        values = [v for v, over in values if not over]
        assert len(values) >= 20, t
        a = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *values)
        b = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *(values[1:] + values[:1]))
        for x, y in ((a, a), (a, b)):
            assert np.all(match(x, y)[2]), f"{t}: a hash collision on real values"
        live = np.arange(a.sizes.shape[-1])[None, :] < np.asarray(a.n)[:, None]
        assert np.all(np.any(match(a, a)[0], axis=2) == live), f"{t}: an inner set does not match itself"


def test_hash_collisions_take_the_exact_path(pools, monkeypatch):
    """With every inner set hashed alike (all same-size sets collide), the verification
    fails and the exact comparison decides: results still equal the reference."""
    from jaxdsl.prims import sets
    from tests import equivalence

    def constant(g):
        return jax.numpy.zeros(g.sizes.shape, jax.numpy.int32)

    monkeypatch.setattr(sets, "_group_hash", constant)
    equivalence._batched.cache_clear()      # kernels traced with the real hashes
    try:
        match = jax.jit(sets._hash_match)
        verified = [bool(match(g, g)[2]) for g in (from_python(OBJS, v, Capacity())[0] for v in pools[OBJS][:8])]
        assert not all(verified), "no collision with the constant hash: the test would not reach the exact path"
        for key in HASHED_KEYS:
            assert _run(key, pools, unbatched=1)["cases"] >= 20
    finally:
        equivalence._batched.cache_clear()  # later tests trace with the real hashes again


# ================================================================ rows holding None cells

NONE_ROW_CASES = [
    ("first", (GRID,), (NONE_GRIDS[0],)), ("last", (GRID,), (NONE_GRIDS[0],)),
    ("mostcommon", (GRID,), (NONE_GRIDS[0],)), ("leastcommon", (GRID,), (NONE_GRIDS[0],)),
    ("mostcommon", (GRID,), (NONE_GRIDS[1],)), ("leastcommon", (GRID,), (NONE_GRIDS[1],)),
    ("merge", (GRID,), (NONE_GRIDS[0],)), ("merge", (GRID,), (((1, 2), (3, None)),)),
    ("other", (GRID, TI), (NONE_GRIDS[0], (2, 3))), ("other", (GRID, TI), (NONE_GRIDS[1], (1,))),
    ("other", (GRID, TI), (((None, 1), (2, 3)), (5, 5))), ("first", (GRID,), (((2, 3), (None, 1)),)),
]
"""Row primitives on grids with ``None`` cells, where the reference's answer may hold a
``None`` (the equivalence harness cannot convert such a Tuple[Integer])."""


def test_grid_rows_with_none():
    """A row holding ``None`` cannot be a Tuple[Integer]: JAX reports overflow exactly when
    the reference's row holds ``None`` (ties count ``None`` as smallest), else the value."""
    caps = Capacity()
    compiled = {}
    for name, params, args in NONE_ROW_CASES:
        (sig,) = [s for s in SIGNATURES[name] if s.params == params]
        if (name, params) not in compiled:
            compiled[name, params] = jax.jit(functools.partial(sig.impl, caps=caps))
        built = [from_python(t, a, caps)[0] for t, a in zip(params, args)]
        value, ok, overflow = compiled[name, params](*built)
        expected = P[name](*args)
        where = f"{name}{args}: reference {expected}"
        assert bool(ok), where
        if None in expected:
            assert bool(overflow), where
        else:
            assert not bool(overflow) and to_python(sig.result, jax.device_get(value)) == expected, where


@pytest.mark.parametrize("seed", range(4))
def test_packed_grid_comparisons_match_python(seed):
    """The pairwise grid order and equality behind ``mostcommon`` / ``leastcommon`` /
    ``dedupe`` of Tuple[Grid] (packed four cells to a word) equal Python's tuple ``<`` and
    ``==`` on random grids: heights 0–5, widths 1–9 (rows that end inside a word and span
    several), colours −2…3 and ``None``, many grids sharing prefixes, under jit and vmap."""
    from jaxdsl import containers
    from jaxdsl.prims import sets as S

    rng = np.random.default_rng(seed)
    caps = Capacity(grid=(8, 12), grids=12)
    batch = []
    for _ in range(3):
        base = rng.choice([-2, -1, 0, 1, 2, 3, None], size=(5, 9))
        grids = []
        for _ in range(caps.grids):
            h, w = int(rng.integers(0, 6)), int(rng.integers(1, 10))
            g = base[:h, :w].copy()
            if h and rng.random() < 0.5:                  # differ late, or not at all
                g[rng.integers(h), rng.integers(w)] = rng.choice([0, 3, None])
            grids.append(tuple(tuple(row) for row in g) if h else ())
        batch.append(tuple(grids))
    tuples = [containers.gridtuple_from_py(t, caps)[0] for t in batch]
    stacked = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *tuples)
    less, eq = jax.jit(jax.vmap(lambda t: (S._grids_less(t), S._grids_eq(t.cells, t.h, t.w, t.cells, t.h, t.w))))(stacked)

    def key(g):      # None sorts first, as the kernels order it
        return tuple(tuple((c is not None, c if c is not None else 0) for c in row) for row in g)

    for b, grids in enumerate(batch):
        want_less = np.array([[key(x) < key(y) for y in grids] for x in grids])
        want_eq = np.array([[x == y for y in grids] for x in grids])
        np.testing.assert_array_equal(np.asarray(less[b]), want_less)
        np.testing.assert_array_equal(np.asarray(eq[b]), want_eq)
