"""Equivalence of the segmentation JAX primitives (``jaxdsl.prims.segmentation``) with the
reference: objects, partition, fgpartition, frontiers, colorfilter, sizefilter.

Grid arguments: a sample of the ARC-AGI-1 grids (every one in the slow sweep) plus
generated edge cases — ``()``, rows of ``()``, 1×1, 1×n, n×1, uniform grids, colours
outside 0–9 (negative, the int8 extremes), long winding shapes (spiral, serpentine,
diagonal staircase: the worst cases of the label propagation), a checkerboard and 30×30
noise (hundreds of objects: overflow), a grid with more than 64 colours (partition
overflow). ``objects`` runs the sampled grids cycling through the 8 flag combinations and
the edge grids under all 8.

Container arguments: the real Objects of :func:`tests.conftest.arc1_object_sets`, their
IndicesSet (``toindices`` of each object), Tuple[Object]/Tuple[Indices] views of them
(reversed canonical order with a duplicate), plus edge cases (empty containers, an empty
object inside — colorfilter raises —, multicolour objects, negative coordinates, long
objects equal on their first 32 cells).

Tests: ``test_equivalence`` (``check_equivalence`` on a sample, asserting that exactly the
signatures in RAISES / OVERFLOWS hit reference raises / capacity overflows);
``test_canonical_layout`` (the output arrays equal the canonical layout of the reference
result — ``check_equivalence`` compares frozensets, which cannot see order or padding);
small-capacity runs (overflow on groups and on cells, non-square grid capacity); both
sides of the static fast / general dispatch of objects / partition / fgpartition
(``test_equivalence_dispatch``: 32 × 32, 48 × 32 and 64 × 64 grid capacities on real grids
upscaled or concatenated beyond 32 cells a side; ``test_fast_path_equals_general_path``:
identical arrays from both implementations at 30 × 30); and the ``slow`` exhaustive sweep
over every ARC-AGI-1 grid / object container.

``CASES`` maps ``(name, params)`` to a function ``(grids, object_sets) -> [args, ...]``.
"""

from __future__ import annotations

import itertools
import random
from typing import Callable

import chex
import jax
import numpy as np
import pytest

from jaxdsl.prims import bind_caps, segmentation
from jaxdsl.prims.segmentation import SIGNATURES
from jaxdsl.reference import PRIMITIVES as P
from jaxdsl.reference._base import canon
from jaxdsl.types import from_python
from jaxdsl.values import Capacity
from tests.equivalence import check_equivalence

G, B, I = "Grid", "Boolean", "Integer"
OBJS, ISET, TOBJ, TIND = "Objects", "IndicesSet", "Tuple[Object]", "Tuple[Indices]"

FLAGS = tuple(itertools.product((False, True), repeat=3))
"""Every (univalued, diagonal, without_bg) combination."""

GRID_STRIDE = 3
"""Default suite: every ``GRID_STRIDE``-th grid of the ``grids`` fixture (itself every 8th
ARC-AGI-1 grid): about 300."""

SET_STRIDE = 15
"""Default suite: every ``SET_STRIDE``-th object container (about 180, two values each)."""

TUPLE_THINNING = 3
"""Default suite: the tuple-input filters (the costliest to run: exact canonical ordering)
take every ``TUPLE_THINNING``-th of those containers, plus every edge case."""


# --------------------------------------------------------------------- edge-case grids


def _spiral(n: int, colour: int = 1) -> tuple:
    """A one-cell-wide square spiral of ``colour`` on 0 (one long winding object)."""
    g = [[0] * n for _ in range(n)]
    dirs = ((0, 1), (1, 0), (0, -1), (-1, 0))
    i = j = d = 0
    g[0][0] = colour

    def free(a, b):
        return 0 <= a < n and 0 <= b < n and g[a][b] == 0

    turns = 0
    while turns < 2:
        di, dj = dirs[d]
        a, b = i + di, j + dj
        if free(a, b) and (not (0 <= a + di < n and 0 <= b + dj < n) or g[a + di][b + dj] == 0):
            g[a][b] = colour
            i, j, turns = a, b, 0
        else:
            d, turns = (d + 1) % 4, turns + 1
    return tuple(map(tuple, g))


def _serpentine(n: int) -> tuple:
    g = [[0] * n for _ in range(n)]
    for i in range(0, n, 2):
        g[i] = [3] * n
        if i + 1 < n:
            g[i + 1][n - 1 if (i // 2) % 2 == 0 else 0] = 3
    return tuple(map(tuple, g))


def _transpose(g: tuple) -> tuple:
    return tuple(zip(*g))


def _edge_grids() -> tuple:
    rng = random.Random(7)
    noise = tuple(tuple(rng.randrange(10) for _ in range(30)) for _ in range(30))
    many_colours = tuple(tuple((i * 30 + j) % 90 - 45 for j in range(30)) for i in range(30))
    return (
        (), ((),), ((), ()), ((5,),), ((0,),), ((7, 7),), ((7,), (7,)), ((1, 2, 3),),
        ((1,), (2,), (3,)), ((1, 1, 1),), ((4,), (4,), (4,)), ((1, 2), (1, 2)),
        ((7, 7), (7, 7)), ((1, 2), (3, 4)), ((1, 1, 1), (2, 3, 1), (4, 4, 1)),
        ((1, 0, 2), (3, 0, 4), (5, 0, 5)), ((1, 9),), ((9, 1),), ((2, 2, 9, 9), (0, 0, 5, 5)),
        ((0, 1, 0), (1, 1, 2), (0, 0, 2), (3, 0, 0)),
        ((-1, -1, 3), (127, -127, 3), (-127, -127, -1)),
        ((-5, -5, 100), (100, 3, -5), (-5, 100, 100)),
        tuple(tuple(-100 + (i + j) % 3 for j in range(17)) for i in range(23)),
        tuple(tuple((i + j) % 2 for j in range(30)) for i in range(30)),
        tuple(tuple(6 for _ in range(30)) for _ in range(30)),
        tuple(tuple(5 if i == 4 or j == 11 else 0 for j in range(30)) for i in range(30)),
        _spiral(30), _spiral(17, 2), _serpentine(30), _transpose(_serpentine(29)),
        tuple(tuple(1 if (i + j) % 4 == 0 or (i - j) % 7 == 0 else 0 for j in range(30))
              for i in range(30)),
        noise, many_colours,
    )


EDGE_GRIDS = _edge_grids()


# ------------------------------------------------------------------------ case makers


def _objects_cases(grids, object_sets) -> list:
    cases = [(g, *FLAGS[k % 8]) for k, g in enumerate(grids)]
    cases += [(g, *f) for g in EDGE_GRIDS for f in FLAGS]
    return cases


def _grid_cases(grids, object_sets) -> list:
    return [(g,) for g in tuple(grids) + EDGE_GRIDS]


COLOURS = (0, 1, 2, 3, 5, 8, 9, -1, 200, None)
SIZES = (0, 1, 2, 3, 4, 9, -1, None, 10**6)


def _multicolour() -> list:
    """Objects containers with multicolour objects, empty objects and odd coordinates."""
    a = frozenset({(3, (0, 0)), (1, (0, 1)), (5, (-2, 4))})
    b = frozenset({(1, (7, 7)), (1, (7, 8))})
    c = frozenset({(-4, (-9, -9)), (2, (40, 40)), (-4, (-9, -8))})
    d = frozenset({(2, (1, 1))})
    return [
        frozenset(), frozenset({frozenset()}), frozenset({frozenset(), d}),
        frozenset({a, b, c, d}), frozenset({a}), frozenset({b, c}),
        frozenset({frozenset({(9, (i, j)) for j in range(40)}) for i in range(3)}),
    ]


def _colorfilter_values(objs, k: int) -> list:
    """A colour present in ``objs`` (the colour of one of its objects) and one from COLOURS."""
    present = sorted({min(c for c, _ in o) for o in objs if o})
    vals = [COLOURS[k % len(COLOURS)]]
    if present:
        vals.append(present[k % len(present)])
    return vals


def _sizefilter_values(objs, k: int) -> list:
    present = sorted({len(o) for o in objs})
    vals = [SIZES[k % len(SIZES)]]
    if present:
        vals.append(present[k % len(present)])
    return vals


def _as_indices_set(objs) -> frozenset:
    return frozenset(frozenset(p for _, p in o) for o in objs)


def _as_tuple(objs) -> tuple:
    """Reversed canonical order, the smallest element repeated at the end."""
    items = list(canon(objs))
    return tuple(reversed(items)) + tuple(items[:1])


def _filter_cases(values: Callable, view: Callable, extra: list) -> Callable:
    def make(grids, object_sets):
        sets = list(object_sets) + _multicolour()
        cases = [(view(s), v) for k, s in enumerate(sets) for v in values(s, k)]
        for s in _multicolour():
            cases += [(view(s), v) for v in (COLOURS + SIZES)]
        return cases + extra
    return make


_TIE = 32
_LONG_A = frozenset({(1, (0, j)) for j in range(_TIE + 5)})
_LONG_B = frozenset({(1, (0, j)) for j in range(_TIE + 2)}) | {(1, (9, 9))}
_LONG_C = frozenset({(1, (0, j)) for j in range(_TIE + 3)})
TUPLE_EDGES = [
    ((), 1), ((frozenset(),), 0), ((frozenset(),), 2), ((frozenset(), frozenset()), 0),
    ((frozenset({(1, (0, 0))}), frozenset({(1, (0, 0))}), frozenset({(1, (0, 1))})), 1),
    ((frozenset({(2, (0, 0)), (1, (5, 5))}), frozenset({(1, (0, 0))})), 1),
    ((frozenset({(1, (0, 0))}), frozenset({(1, (0, 0)), (1, (0, 1))}), frozenset({(1, (0, 1))})), 1),
    ((frozenset({(1, (0, 0))}), frozenset({(1, (0, 0)), (1, (0, 1))}), frozenset({(1, (0, 1))})), 2),
    ((_LONG_A, _LONG_B, _LONG_C, _LONG_A, _LONG_C), 1),
    ((_LONG_A, _LONG_B, _LONG_C, _LONG_B), _TIE + 3),
    ((_LONG_C, _LONG_A, _LONG_B, _LONG_A), _TIE + 5),
]
"""Tuple[Object] edge cases: empty, empty objects, duplicates, multicolour, a proper
prefix, and long objects equal on their first 32+ cells (the exact order needs more than
one prefix doubling)."""

CASES: dict[tuple[str, tuple[str, ...]], Callable[[tuple, tuple], list[tuple]]] = {
    ("objects", (G, B, B, B)): _objects_cases,
    ("partition", (G,)): _grid_cases,
    ("fgpartition", (G,)): _grid_cases,
    ("frontiers", (G,)): _grid_cases,
    ("colorfilter", (OBJS, I)): _filter_cases(_colorfilter_values, lambda s: s, []),
    ("colorfilter", (TOBJ, I)): _filter_cases(_colorfilter_values, _as_tuple, TUPLE_EDGES),
    ("sizefilter", (OBJS, I)): _filter_cases(_sizefilter_values, lambda s: s, []),
    ("sizefilter", (ISET, I)): _filter_cases(
        _sizefilter_values, _as_indices_set,
        [(frozenset(), 0), (frozenset({frozenset()}), 0), (frozenset({frozenset({(-3, -4)})}), 1)]),
    ("sizefilter", (TOBJ, I)): _filter_cases(_sizefilter_values, _as_tuple, TUPLE_EDGES),
    ("sizefilter", (TIND, I)): _filter_cases(
        _sizefilter_values, lambda s: tuple(frozenset(p for _, p in o) for o in _as_tuple(s)),
        [((), 0), ((frozenset(), frozenset()), 0), ((frozenset({(1, 1)}), frozenset({(1, 1)})), 1)]),
}
"""(primitive name, parameter types) → ``(grids, object_sets) -> list of argument tuples``."""

RAISES = {("objects", (G, B, B, B)), ("fgpartition", (G,)), ("frontiers", (G,)),
          ("colorfilter", (OBJS, I)), ("colorfilter", (TOBJ, I))}
"""Signatures whose cases must include inputs on which the reference raises (and only
those can raise)."""

OVERFLOWS = {("objects", (G, B, B, B)), ("partition", (G,)), ("fgpartition", (G,))}
"""Signatures whose cases must include results beyond the default capacities (and only
those can overflow there)."""

UNBATCHED_CHECKED = {("objects", (G, B, B, B)), ("colorfilter", (TOBJ, I))}
"""Signatures also run under plain ``jax.jit`` (no vmap) in the default suite: the two
whose code has a data-dependent ``lax.while_loop`` (a vmapped loop runs until the
slowest sample converges). The others are checked under jit + vmap only there (each
extra compile costs seconds on the shared CPU); the slow sweep checks all of them."""

LAYOUT_CHECKED = {("objects", (G, B, B, B)), ("partition", (G,)), ("fgpartition", (G,)),
                  ("frontiers", (G,)), ("colorfilter", (OBJS, I)), ("colorfilter", (TOBJ, I)),
                  ("sizefilter", (TIND, I))}
"""Signatures whose exact output arrays are compared in the default suite (one per code
path: sizefilter(Objects/IndicesSet) share colorfilter(Objects)'s, sizefilter(Tuple[Object])
colorfilter(Tuple[Object])'s); the slow sweep compares every signature."""

_SIGNATURES = [(name, sig) for name, sigs in SIGNATURES.items() for sig in sigs]
_IDS = [f"{n}{list(s.params)}" for n, s in _SIGNATURES]


def _select(keys) -> list:
    return [pytest.param(n, s, id=f"{n}{list(s.params)}") for n, s in _SIGNATURES if (n, s.params) in keys]


def _sample_grids(grids) -> tuple:
    return tuple(grids)[::GRID_STRIDE]


def _sample_sets(object_sets) -> tuple:
    return tuple(object_sets)[::SET_STRIDE]


def _check_counts(key, counts, exhaustive: bool = False) -> None:
    raised, over = counts["ref_raised"], counts["overflow"]
    assert (raised > 0) == (key in RAISES), (key, counts)
    assert (over > 0) == (key in OVERFLOWS), (key, counts)
    assert raised + over < counts["cases"], counts
    if not exhaustive:
        assert counts["cases"] >= 100, counts


def _check_layout(name, sig, cases, caps: Capacity = Capacity()) -> int:
    """Compare the output arrays with the canonical layout of the reference result.

    ``check_equivalence`` compares Python values (frozensets), which forget every order;
    here the JAX :class:`Grouped` must equal ``from_python`` of the reference result field
    by field: inner sets in canonical order, each set's rows in canonical order, zero
    padding, ``group == K`` on padding rows, ``sizes`` 0 beyond ``n``. Cases whose
    reference raises or overflows are skipped. Returns the number of cases compared."""
    kept, built = [], []
    for args in cases:
        converted = [from_python(t, a, caps) for t, a in zip(sig.params, args)]
        if not any(over for _, over in converted):
            kept.append(args)
            built.append([v for v, _ in converted])
    impl = bind_caps(sig.impl, caps)
    batch = jax.tree_util.tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs]), *built)
    values, oks, overflows = jax.device_get(jax.jit(jax.vmap(impl))(*batch))
    checked = 0
    for k, args in enumerate(kept):
        try:
            ref = P[name](*args)
        except Exception:  # noqa: BLE001 - raising cases are covered by check_equivalence
            continue
        want, over = from_python(sig.result, ref, caps)
        if over:
            continue
        assert oks[k] and not overflows[k], (name, args)
        for field, w in zip(want._fields, want):
            got = np.asarray(getattr(values, field))[k]
            assert np.array_equal(got, np.asarray(w)), f"{name}{sig.params} case {k} ({args!r:.200}): {field} differs"
        checked += 1
    return checked


@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=_IDS)
def test_equivalence(name, sig, grids, object_sets):
    """The JAX signature agrees with the reference under jit + vmap (and plain jit for
    :data:`UNBATCHED_CHECKED`) on a sample of the fixtures plus every edge case."""
    key = (name, sig.params)
    assert key in CASES, f"no CASES entry for {key}"
    sets = _sample_sets(object_sets)
    if sig.params[0] in (TOBJ, TIND):
        sets = sets[::TUPLE_THINNING]
    cases = CASES[key](_sample_grids(grids), sets)
    counts = check_equivalence(name, sig, cases, unbatched=3 if key in UNBATCHED_CHECKED else 0)
    _check_counts(key, counts)


@pytest.mark.parametrize("name,sig", _select(LAYOUT_CHECKED))
def test_canonical_layout(name, sig, grids, object_sets):
    """Exact output arrays (canonical order and padding) on a smaller sample plus every
    edge case."""
    key = (name, sig.params)
    cases = CASES[key](tuple(grids)[:: GRID_STRIDE * 6], tuple(object_sets)[:: SET_STRIDE * 6])
    assert _check_layout(name, sig, cases) >= 20


SMALL = Capacity(grid=(12, 8), objects=6, object_cells=40)
"""A small non-square capacity: results overflow on groups or on cells, outputs keep
these shapes and the 96-cell sort is truncated to 40 rows."""


@pytest.mark.parametrize("name,sig", _select({("objects", (G, B, B, B)), ("frontiers", (G,))}))
def test_equivalence_small_capacity(name, sig, grids):
    """Grids that fit a 12×8 capacity, with 6 objects / 40 cells: overflow on groups and
    on cells (``partition`` shares ``objects``' output code)."""
    small = tuple(g for g in grids if len(g) <= 12 and (not g or len(g[0]) <= 8))[::10]
    counts = check_equivalence(name, sig, CASES[(name, sig.params)](small, ()), capacity=SMALL,
                               unbatched=0)
    assert counts["overflow"] > 0, counts


@pytest.mark.parametrize("name,sig", _select({("colorfilter", (TOBJ, I))}))
def test_filters_small_capacity(name, sig, object_sets):
    """A filter on inputs of the small capacity keeps the input's shapes and layout (the
    group filtering and the exact canonical ordering are shared by all filters)."""
    sets = tuple(object_sets)[::8 * SET_STRIDE]
    cases = CASES[(name, sig.params)]((), sets)
    counts = check_equivalence(name, sig, cases, capacity=SMALL, min_cases=20, unbatched=0)
    assert counts["overflow"] == 0, counts


# ------------------------------------------------------------- fast / general dispatch


def _big_grids(grids) -> tuple:
    """Real grids made larger (``upscale`` by 2, ``hconcat`` / ``vconcat`` with themselves,
    up to 60 × 60) next to the originals, plus long winding shapes at and beyond the fast
    path's 32 × 32 limit."""
    out = []
    for g in _sample_grids(grids)[::3]:
        if g and g[0]:
            out += [g, P["upscale"](g, 2), P["hconcat"](g, g), P["vconcat"](g, g)]
    return tuple(out) + EDGE_GRIDS + (_spiral(32), _spiral(33, 4), _spiral(60), _serpentine(32),
                                      _transpose(_serpentine(40)))


DISPATCH = {
    "32x32": (Capacity(grid=(32, 32)), True, 0),
    "48x32": (Capacity(grid=(48, 32)), False, 5),
    "64x64": (Capacity(grid=(64, 64), object_cells=4096), False, 40),
}
"""Grid capacity → (capacities, whether ``objects`` / ``partition`` / ``fgpartition``
take the fast path there — sides up to 32; the general path beyond —, the least number
of fitting cases with a side beyond 32)."""

_DISPATCHED = {("objects", (G, B, B, B)), ("partition", (G,)), ("fgpartition", (G,))}


def _dispatch_cases(key, grids) -> list:
    big = _big_grids(grids)
    if key[0] == "objects":
        return [(g, *FLAGS[k % 8]) for k, g in enumerate(big)]
    return [(g,) for g in big]


@pytest.mark.parametrize("capacity", list(DISPATCH), ids=list(DISPATCH))
@pytest.mark.parametrize("name,sig", _select(_DISPATCHED))
def test_equivalence_dispatch(name, sig, capacity, grids):
    """Both sides of the static dispatch agree with the reference (jit + vmap): a 32 × 32
    capacity (fast path, grids up to the limit) and larger capacities (general path) on
    real grids upscaled / concatenated beyond 32 cells a side."""
    caps, fast, least_beyond = DISPATCH[capacity]
    assert segmentation._fast_capable(caps.grid) == fast
    cases = _dispatch_cases((name, sig.params), grids)
    H, W = caps.grid
    fitting = [c for c in cases if len(c[0]) <= H and (not c[0] or len(c[0][0]) <= W)]
    beyond_32 = [c for c in fitting if len(c[0]) > 32 or (c[0] and len(c[0][0]) > 32)]
    assert len(beyond_32) >= least_beyond, len(beyond_32)
    counts = check_equivalence(name, sig, cases, capacity=caps, unbatched=0, min_cases=100)
    assert counts["ref_raised"] + counts["overflow"] < counts["cases"], counts


_GENERAL = {
    "objects": lambda caps: lambda g, u, d, w: segmentation._objects_general(g, u, d, w, caps),
    "partition": lambda caps: lambda g: segmentation._partition_general(g, False, caps),
    "fgpartition": lambda caps: lambda g: segmentation._partition_general(g, True, caps),
}
"""The general path of each dispatched primitive, callable at any capacity."""


@pytest.mark.parametrize("name,sig", _select(_DISPATCHED))
def test_fast_path_equals_general_path(name, sig, grids):
    """At the default 30 × 30 capacity (fast path) the output arrays equal the general
    path's, field by field, wherever the result is ok and fits; ``ok`` and ``overflow``
    equal everywhere (jit + vmap on the sampled grids and every edge grid)."""
    caps = Capacity()
    assert segmentation._fast_capable(caps.grid)
    cases = CASES[(name, sig.params)](_sample_grids(grids), ())
    built = [[from_python(t, a, caps)[0] for t, a in zip(sig.params, args)] for args in cases]
    batch = jax.tree_util.tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs]), *built)
    fast = jax.device_get(jax.jit(jax.vmap(bind_caps(sig.impl, caps)))(*batch))
    general = jax.device_get(jax.jit(jax.vmap(_GENERAL[name](caps)))(*batch))
    chex.assert_trees_all_equal(fast[1:], general[1:])
    fits = np.asarray(fast[1]) & ~np.asarray(fast[2])
    assert fits.sum() >= 100 and (~fits).sum() > 0, fits.sum()
    chex.assert_trees_all_equal(jax.tree_util.tree_map(lambda a: a[fits], fast[0]),
                                jax.tree_util.tree_map(lambda a: a[fits], general[0]))


def test_cases_cover_signatures():
    """Every Signature has a CASES entry and every CASES entry names a Signature."""
    keys = {(name, sig.params) for name, sig in _SIGNATURES}
    assert set(CASES) == keys
    assert RAISES <= keys and OVERFLOWS <= keys
    assert UNBATCHED_CHECKED <= keys and LAYOUT_CHECKED <= keys


def _chunks(cases: list, size: int):
    for k in range(0, len(cases), size):
        yield cases[k: k + size]


@pytest.mark.slow
@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=_IDS)
def test_equivalence_exhaustive(name, sig, all_grids, object_sets):
    """Every ARC-AGI-1 grid (objects: under all 8 flag combinations) and every object
    container, in chunks of 4,000 cases to bound the batch's memory; plain-jit checks and
    the exact output layout for every signature."""
    key = (name, sig.params)
    if key == ("objects", (G, B, B, B)):
        cases = [(g, *f) for f in FLAGS for g in all_grids] + _objects_cases((), ())
    else:
        cases = CASES[key](all_grids, object_sets)
    total = {"cases": 0, "ref_raised": 0, "overflow": 0}
    for chunk in _chunks(cases, 4000):
        counts = check_equivalence(name, sig, chunk, unbatched=3)
        for k in total:
            total[k] += counts[k]
    _check_counts(key, total, exhaustive=True)
    assert _check_layout(name, sig, cases[::7] + CASES[key]((), ())) >= 100
