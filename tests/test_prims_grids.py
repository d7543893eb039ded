"""Equivalence of the Grid-family JAX primitives (``jaxdsl.prims.grids``) with the reference.

Every ARC-AGI-1 grid (plus the generated edge cases) is a grid argument. Other arguments
are drawn from each primitive's domain, cycling through value lists with the grid's
position rather than taking the full cross product; the small edge-case grids meet every
value of every list. Binary grid primitives run on every (input, output) pair, on
mismatched pairs, and on all pairs of edge-case grids.

``CASES`` maps ``(name, params)`` to a function ``(grids, grid_pairs) -> [args, ...]``;
other tests (the registry coverage check) import it.
"""

from __future__ import annotations

import functools
from typing import Callable

import jax
import pytest

from jaxdsl.prims import bind_caps
from jaxdsl.prims.grids import SIGNATURES
from jaxdsl.types import from_python, to_python
from jaxdsl.values import Capacity
from tests.equivalence import check_equivalence

G, I, T = "Grid", "Integer", "IntegerTuple"

SMALL_EDGE = (
    (), ((),), ((), ()), ((), (), ()), ((5,),), ((0,),), ((1, 2, 3),), ((1,), (2,), (3,)),
    ((1, 2), (3, 4)), ((7, 7), (7, 7)), ((1, 0, 2), (3, 0, 4), (5, 0, 5)),
    ((1, 1, 1), (2, 3, 1), (4, 4, 1)), ((0, 1, 2, 3, 4), (0, 1, 2, 3, 4)),
    ((0,), (1,), (2,), (3,), (4,)), ((1, 2, 3, 4), (5, 6, 7, 8), (9, 0, 1, 2), (3, 4, 5, 6)),
    ((2, 2, 2, 2, 2, 2), (2, 0, 0, 1, 0, 2), (2, 0, 3, 0, 0, 2), (2, 2, 2, 2, 2, 2)),
)
"""Small edge-case grids (``()``, rows of ``()``, 1×n, n×1, uniform, odd and even sizes)
that meet every value of every argument list."""


# --------------------------------------------------------------------- argument values

UPSCALE_FACTORS = (-1, 0, 1, 2, 3, 5, 16, None)
LINE_FACTORS = (-1, 0, 1, 2, 3, 4, 31, None)
DOWNSCALE_FACTORS = (-2, 0, 1, 2, 3, -1, 40, None)
COLOURS = (0, 1, 2, 3, 5, 9, -1, 200, None)
FALLBACKS = (0, 5, 9, -3, 200, None)
SWITCH_PAIRS = ((0, 1), (1, 2), (2, 2), (3, 0), (5, 8), (0, 200), (-300, 1), (None, 4),
                (4, None), (8, 9))


def _dims(g) -> tuple[int, int]:
    return len(g), (len(g[0]) if g else 0)


def _locations(g) -> list:
    """Positions inside, negative and beyond the grid, and ``None`` components."""
    h, w = _dims(g)
    return [(0, 0), (h - 1, w - 1), (h // 2, w // 2), (-1, 0), (0, -1), (h, 0), (0, w),
            (h - 1, w), (-h, -w), (None, 0), (0, None), (h, None), (-1, None),
            (h // 2, None), (40, 40)]


def _crop_starts(g) -> list:
    h, w = _dims(g)
    return [(0, 0), (1, 1), (h // 3, w // 4), (-1, 0), (-3, -3), (0, 5), (2, -1),
            (-h // 2, -w // 2), (-40, 0), (35, 2), (h - 1, w - 1), (None, 0), (0, None),
            (h // 2, None)]


def _crop_dims(g) -> list:
    h, w = _dims(g)
    return [(1, 1), (2, 2), (5, 5), (-1, -1), (0, 3), (3, 0), (40, 40), (h // 2, w),
            (h, w // 2 + 1), (-2, 3), (None, 1), (1, None)]


def _cycle(grids, values: Callable | tuple, make: Callable) -> list:
    """One case per grid, taking value ``k mod len`` for the ``k``-th grid, plus every value
    on each small edge-case grid."""
    cases = []
    for k, g in enumerate(grids):
        vals = values(g) if callable(values) else values
        cases.append(make(g, vals[k % len(vals)]))
    for g in SMALL_EDGE:
        vals = values(g) if callable(values) else values
        cases.extend(make(g, v) for v in vals)
    return cases


def _unary(grids, pairs) -> list:
    return [(g,) for g in grids]


def _scaled(values: tuple) -> Callable:
    return lambda grids, pairs: _cycle(grids, values, lambda g, f: (g, f))


def _binary_grids(grids, pairs) -> list:
    """(input, output) pairs, both orders, mismatched pairs, self pairs and edge pairs."""
    cases = [(a, b) for a, b in pairs]
    n = len(pairs)
    cases += [(b, a) for a, b in pairs[::3]]
    cases += [(pairs[k][0], pairs[(k * 7 + 1) % n][1]) for k in range(0, n, 2)]
    cases += [(g, g) for g in grids[::5]]
    cases += [(a, b) for a in SMALL_EDGE for b in SMALL_EDGE]
    return cases


def _cellwise(grids, pairs) -> list:
    return [(a, b, FALLBACKS[k % len(FALLBACKS)])
            for k, (a, b) in enumerate(_binary_grids(grids, pairs))] + [
        (a, b, f) for a in SMALL_EDGE[:12] for b in SMALL_EDGE[:12] for f in (7, None, 300)]


def _replace(grids, pairs) -> list:
    n = len(COLOURS)
    return _cycle(grids, tuple((COLOURS[k % n], COLOURS[(3 * k + 1) % n]) for k in range(n * 3)),
                  lambda g, v: (g, *v))


def _switch(grids, pairs) -> list:
    return _cycle(grids, SWITCH_PAIRS, lambda g, v: (g, *v))


def _index(grids, pairs) -> list:
    return _cycle(grids, _locations, lambda g, loc: (g, loc))


def _canvas(grids, pairs) -> list:
    dims = [(0, 3), (2, 0), (-1, 2), (3, 3), (1, 1), (30, 30), (31, 1), (1, 31), (0, 40),
            (-5, -5), (None, 2), (2, None), (0, None), (-2, None), (None, None)]
    cases = [(v, d) for v in COLOURS for d in dims]
    cases += [(COLOURS[k % len(COLOURS)], _dims(g)) for k, g in enumerate(grids[::7])]
    return cases


def _crop(grids, pairs) -> list:
    def values(g):
        starts, dims = _crop_starts(g), _crop_dims(g)
        # coprime lengths (14, 12 → period 84) give every start with many dims
        return [(starts[k % len(starts)], dims[k % len(dims)]) for k in range(84)]

    return _cycle(grids, values, lambda g, v: (g, *v))


_MAKERS: dict[tuple[str, tuple[str, ...]], Callable[[tuple, tuple], list[tuple]]] = {
    ("rot90", (G,)): _unary,
    ("rot180", (G,)): _unary,
    ("rot270", (G,)): _unary,
    ("hmirror", (G,)): _unary,
    ("vmirror", (G,)): _unary,
    ("dmirror", (G,)): _unary,
    ("cmirror", (G,)): _unary,
    ("upscale", (G, I)): _scaled(UPSCALE_FACTORS),
    ("hupscale", (G, I)): _scaled(LINE_FACTORS),
    ("vupscale", (G, I)): _scaled(LINE_FACTORS),
    ("downscale", (G, I)): _scaled(DOWNSCALE_FACTORS),
    ("hconcat", (G, G)): _binary_grids,
    ("vconcat", (G, G)): _binary_grids,
    ("combine", (G, G)): _binary_grids,
    ("cellwise", (G, G, I)): _cellwise,
    ("replace", (G, I, I)): _replace,
    ("switch", (G, I, I)): _switch,
    ("index", (G, T)): _index,
    ("canvas", (I, T)): _canvas,
    ("crop", (G, T, T)): _crop,
    ("trim", (G,)): _unary,
    ("tophalf", (G,)): _unary,
    ("bottomhalf", (G,)): _unary,
    ("lefthalf", (G,)): _unary,
    ("righthalf", (G,)): _unary,
    ("compress", (G,)): _unary,
}


# ------------------------------------------------------------------ None / empty edges
#
# The reference evaluates its arguments eagerly, so a ``None`` Integer raises even where
# arc-dsl's generators would never touch it (``canvas(5, (0, None))``, ``upscale((), None)``,
# ``crop(g, (h, None), (1, 1))``), and ``cellwise`` reads ``b[i]`` for every row of ``a``,
# even an empty one (``cellwise(((),), (), 1)``). These inputs are appended to their
# primitive's case list explicitly (most are also produced by the value lists above), so
# they are always compared against the reference.

NONE_EDGES: dict[str, list[tuple]] = {
    "upscale": [((), None), (((),), None), (((5,),), None)],
    "vupscale": [((), None), (((), ()), None)],
    "hupscale": [((), None), (((), ()), None), (((1, 2),), None)],
    "canvas": [(5, (0, None)), (None, (-2, None)), (5, (None, 0)), (5, (None, None)),
               (0, (3, None)), (200, (0, None))],
    "crop": [(((1, 2), (3, 4)), (2, None), (1, 1)), (((1, 2), (3, 4)), (-1, 5), (-1, None)),
             ((), (0, None), (3, None)), ((), (None, 0), (1, 1)),
             (((1, 2), (3, 4)), (0, 0), (None, 1)), (((1, 2), (3, 4)), (0, 0), (1, None))],
    "cellwise": [(((),), (), 1), (((), (), ()), ((7,), (8,)), None), (((), ()), ((),), None),
                 (((),), ((),), 5), (((),), ((1, 2),), None), ((), ((1,),), 1)],
}
"""Primitive name → argument tuples with a ``None`` argument or an empty grid: inputs that
arc-dsl answers lazily but the reference (the oracle) raises on, and close neighbours."""


def _with_edges(name: str, make: Callable) -> Callable:
    return lambda grids, pairs: make(grids, pairs) + NONE_EDGES.get(name, [])


CASES: dict[tuple[str, tuple[str, ...]], Callable[[tuple, tuple], list[tuple]]] = {
    key: _with_edges(key[0], make) for key, make in _MAKERS.items()
}
"""(primitive name, parameter types) → ``(grids, grid_pairs) -> list of argument tuples``."""

RAISES = {"upscale", "hupscale", "vupscale", "downscale", "cellwise", "index", "canvas", "crop"}
"""Primitives whose cases must include inputs on which the reference raises."""

OVERFLOWS = {"upscale", "hupscale", "vupscale", "hconcat", "vconcat", "combine", "cellwise",
             "replace", "switch", "canvas"}
"""Primitives whose cases must include results that do not fit the 30×30 capacity (or an
int8 cell)."""

_SIGNATURES = [(name, sig) for name, sigs in SIGNATURES.items() for sig in sigs]


@pytest.mark.parametrize(
    "name,sig", _SIGNATURES, ids=[f"{n}{list(s.params)}" for n, s in _SIGNATURES])
def test_equivalence(name, sig, grids, grid_pairs):
    key = (name, sig.params)
    assert key in CASES, f"no CASES entry for {key}"
    counts = check_equivalence(name, sig, CASES[key](grids, grid_pairs))
    if name in RAISES:
        assert counts["ref_raised"] > 0, f"{name}: no raising case exercised ({counts})"
    if name in OVERFLOWS:
        assert counts["overflow"] > 0, f"{name}: no overflowing case exercised ({counts})"
    assert counts["ref_raised"] + counts["overflow"] < counts["cases"], counts


@pytest.mark.parametrize(
    "name,sig", _SIGNATURES, ids=[f"{n}{list(s.params)}" for n, s in _SIGNATURES])
def test_equivalence_non_square_capacity(name, sig, grids, grid_pairs):
    """A 12×8 capacity: transposed results overflow on rows or columns separately, and
    outputs keep the capacity's shape. Runs on a sample of the grids (the rest would not
    fit)."""
    small = tuple(g for g in grids if len(g) <= 12 and (not g or len(g[0]) <= 8))[::8]
    pairs = tuple(p for p in grid_pairs if len(p[0]) <= 12 and len(p[1]) <= 12)[::8]
    counts = check_equivalence(name, sig, CASES[(name, sig.params)](small, pairs),
                               capacity=Capacity(grid=(12, 8)))
    if name in ("rot90", "rot270", "dmirror", "cmirror"):
        assert counts["overflow"] > 0, counts


def test_every_case_has_a_signature():
    keys = {(name, sig.params) for name, sig in _SIGNATURES}
    assert set(CASES) == keys


NONE_EDGE_VALUES: dict[tuple[str, tuple], tuple] = {
    ("cellwise", (((),), ((),), 5)): ((),),
    ("cellwise", (((),), ((1, 2),), None)): ((),),
}
"""The edge inputs on which the reference does not raise, with their result (spec §4.10,
cellwise: one row per row of ``a``, as long as the shorter of ``a[i]`` and ``b[i]``; here
``a``'s single row is empty, so the fallback is never read). Every other edge input raises
(a ``None`` factor, dimension or start; ``b`` shorter than ``a``)."""


@functools.lru_cache(maxsize=None)
def _jitted(name: str):
    (sig,) = SIGNATURES[name]
    return sig, jax.jit(bind_caps(sig.impl, Capacity()))


@pytest.mark.parametrize(
    "name,args", [(n, a) for n, edges in NONE_EDGES.items() for a in edges])
def test_none_edges_through_jax(name, args):
    """The JAX implementation on each edge input: not ``ok`` (and no overflow) exactly
    where the reference raises, else the hand-written value of :data:`NONE_EDGE_VALUES`."""
    sig, fn = _jitted(name)
    built = []
    for ptype, arg in zip(sig.params, args):
        value, overflow = from_python(ptype, arg, Capacity())
        assert not overflow, (ptype, arg)
        built.append(value)
    value, ok, overflow = jax.device_get(fn(*built))
    assert not bool(overflow), (name, args)
    expected = NONE_EDGE_VALUES.get((name, args))
    if expected is None:
        assert not bool(ok), f"{name}{args}: the reference raises but JAX gives ok"
    else:
        assert bool(ok) and to_python(sig.result, value) == expected, (name, args, to_python(sig.result, value))


def test_none_edge_values_are_edges():
    """Each hand-written result belongs to an edge input (a typo would silently turn the
    case into an expected raise), and the reference agrees with every expectation."""
    from jaxdsl.reference import PRIMITIVES

    for (name, args), expected in NONE_EDGE_VALUES.items():
        assert args in NONE_EDGES[name], (name, args)
        assert PRIMITIVES[name](*args) == expected
    for name, edges in NONE_EDGES.items():
        for args in edges:
            if (name, args) not in NONE_EDGE_VALUES:
                with pytest.raises(Exception):
                    PRIMITIVES[name](*args)
