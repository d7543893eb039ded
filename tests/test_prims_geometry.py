"""Equivalence of the geometry JAX primitives (``jaxdsl.prims.geometry``) with the reference.

Patch arguments are the real ARC-derived single Objects / Indices of ``tests/conftest.py``
(``objects_`` / ``indices``: objects of every ARC-AGI-1 grid, shifted to negative and
far-off positions, normalized; ``ofcolor`` sets) plus generated edge cases
(:data:`EDGE_OBJECTS`, :data:`EDGE_INDICES`): the empty patch, single cells, two colours on
one position, ties, colours / rows spread beyond the histogram window, more than 64
distinct colours or rows (palette overflow), wide periodic objects (the exact period
fallback), coordinates at the edges of the position window ``[-1024, 1024)`` (the
largest extents, distances and sums a patch can produce: with patch rows confined to the
window, no Integer result of a patch measure can reach ``INT_LIMIT``), and a 32×32 object
(exactly the 1024-row capacity).

Binary primitives take pairs: objects of one real object set (neighbours on one grid),
real objects of different sets (often far apart: the pairwise fallback), and
:data:`EDGE_PAIRS` (spec examples, every gravitate direction, overlap, diagonal contact,
pairs wider than the 32×32 window, huge distances), in every Indices / Object
combination.

The default suite samples every ``STRIDE``-th real value; ``test_exhaustive`` (``-m slow``)
runs every signature on all of them. ``CASES`` maps ``(name, params)`` to a function
``(objects, indices, object_sets, grids, stride) -> [args, ...]``.
"""

from __future__ import annotations

from typing import Callable

import jax
import numpy as np
import pytest

from jaxdsl import reference
from jaxdsl.prims.geometry import SIGNATURES
from jaxdsl.reference._base import canon
from jaxdsl.containers import COLOUR_WINDOW, POSITION_WINDOW
from jaxdsl.types import from_python
from jaxdsl.values import Capacity
from jaxdsl.prims import bind_caps
from tests.equivalence import PRODUCTION_XLA, check_equivalence

IND, OBJ, INT, GRID = "Indices", "Object", "Integer", "Grid"
L = POSITION_WINDOW[1] - 1
"""Largest coordinate a patch row can hold."""
C = COLOUR_WINDOW[1] - 1
"""Largest colour an Object row can hold."""
STRIDE = 60
"""Default suite: every 60th real patch (≈250 each) plus all edge cases."""

REF = reference.PRIMITIVES
toindices = REF["toindices"]


def _obj(cells) -> frozenset:
    return frozenset((c, (i, j)) for c, i, j in cells)


# ------------------------------------------------------------------------- edge patches

PERIODIC: tuple = (
    _obj([(j % 3, 0, j) for j in range(90)]),                        # hperiod 3, wide
    _obj([(i % 4, i, 2) for i in range(-20, 50)]),                   # vperiod 4, tall
    _obj([((i + j) % 2, i, j) for i in range(3) for j in range(40)]),
    _obj([((i + j) % 2, i, j) for i in range(3) for j in range(40) if (i, j) != (1, 17)]),
    _obj([(1, 0, j) for j in range(0, 100, 7)]),                     # spaced, period 7
    _obj([(1, 0, j) for j in range(0, 100, 7)] + [(1, 0, 3)]),
    _obj([(1, i, 0) for i in range(0, 120, 11)] + [(1, 60, 1)]),
    _obj([(1, 0, j) for j in range(35)] + [(2, 0, 34)]),
    _obj([(c, 0, c) for c in range(20)]),                            # 20 colours, extent 20
    _obj([(c % 20, c // 20, c % 20) for c in range(60)]),
    _obj([(c % 17, 0, c) for c in range(34)]),                       # period 17, 17 colours
    _obj([(c % 2 * 50, i, j) for c, (i, j) in enumerate([(0, 0), (0, 1), (0, 2), (0, 3)])]),
    _obj([(1, 0, 0), (1, 0, 1), (1, 0, 2), (1, 1, 0)]),              # spec: hperiod 1
    _obj([(1, 0, 0), (2, 1, 0), (1, 2, 0), (2, 3, 0)]),              # spec: vperiod 2
    _obj([(1, 0, 0), (2, 0, 1), (1, 0, 2), (2, 0, 3)]),              # spec: hperiod 2
)
"""Objects for hperiod / vperiod: wide or tall (extent > 32) and colour-spread ones take
the exact candidate fallback; the spec's examples."""

HUGE_OBJECTS: tuple = (
    _obj([(1, -L, 0), (1, L, 3)]),                                   # height 2·L + 1
    _obj([(2, 0, -L), (2, 4, L)]),                                   # width 2·L + 1
    _obj([(1, -L, -L), (1, L, L)]),
    _obj([(1, 0, 0), (1, L, 0)]),
    _obj([(1, 0, 0), (1, 0, L - 1)]),
    _obj([(1, L, L), (1, L - 1, L), (2, L, L)]),                     # largest sums
    _obj([(1, L, -L), (1, -L, L), (3, 0, 0), (4, 0, 0)]),
    _obj([(5, -L, -L), (6, -L, -L), (5, -L + 3, -L + 1)]),
    _obj([(C, 0, 0), (-C - 1, 0, 1), (C, 1, 1)]),                    # extreme colours
)
"""Coordinates (or colours) at the edges of the window: the largest extents and sums."""

EDGE_OBJECTS: tuple = (
    frozenset(),
    _obj([(3, 0, 0)]),
    _obj([(1, 2, 2), (4, 2, 2)]),                                    # two colours, one position
    _obj([(1, 2, 2), (4, 2, 2), (4, 3, 2), (1, 5, 5)]),
    _obj([(1, 0, 0), (2, 0, 0), (1, 1, 1)]),                         # centerofmass N ≠ distinct
    _obj([(1, -1, 0), (1, -2, 0)]),                                  # floor toward −∞
    _obj([(5, -40, -3), (5, -40, -2), (6, -39, -3)]),
    _obj([(1, 0, 0), (9, 0, 1)]), _obj([(9, 0, 0), (1, 0, 1)]),      # ties
    _obj([(2, 0, 0), (2, 0, 1), (7, 1, 0), (7, 1, 1), (5, 2, 2)]),
    _obj([(c * 10, 0, c) for c in range(10)]),                       # colours spread > 64
    _obj([(-5, 0, 0), (100, 0, 1), (-5, 1, 1), (40, 2, 2)]),
    _obj([(c, c // 30, c % 30) for c in range(100)]),                # 100 colours
    _obj([(c % 65, c // 30, c % 30) for c in range(130)]),           # 65 colours
    _obj([(c % 64, c // 30, c % 30) for c in range(130)]),           # 64 colours (fits)
    _obj([(1, i, 3) for i in range(5)]), _obj([(1, 3, j) for j in range(-2, 5)]),
    _obj([(1, 0, 0), (2, 0, 0)]), _obj([(1, 0, 0), (2, 0, 0), (1, 0, 1)]),
    _obj([(1, i, j) for i in range(2) for j in range(2)]),
    _obj([(1, i, j) for i in range(2) for j in range(2)] + [(2, 0, 0)]),
    _obj([(1, i, j) for i in range(3) for j in range(2)]),
    _obj([((i * 7 + j) % 10, i, j) for i in range(32) for j in range(32)]),   # 1024 rows
    _obj([(1, i, j) for i in range(33) for j in range(32)]),         # 1056 rows: not built
    _obj([(1, 0, 29), (2, 29, 0), (3, 29, 29)]),
) + HUGE_OBJECTS + PERIODIC
"""Generated Objects (each also given as Indices through ``toindices``)."""

EXTRA_INDICES: tuple = (
    frozenset({(0, 0)}), frozenset({(-1, -1), (-5, 3)}),
    frozenset({(i, 4) for i in range(-10, 40)}), frozenset({(i, i) for i in range(30)}),
    frozenset({(i, 0) for i in range(100)}),                          # 100 distinct rows
    frozenset({(i * 3, 0) for i in range(40)}),                       # rows spread > 64
    frozenset({(i, 5) for i in range(10)}), frozenset({(3, j) for j in range(10)}),
    frozenset({(0, 0), (0, 1)}), frozenset({(0, 0), (1, 0)}),
)
HUGE_INDICES: tuple = (frozenset({(-L, 0), (L, 0)}), frozenset({(0, -L), (0, L)}))

EDGE_INDICES: tuple = tuple(toindices(o) for o in EDGE_OBJECTS) + EXTRA_INDICES + HUGE_INDICES
"""Generated Indices."""

PERIOD_EDGE_OBJECTS = tuple(o for o in EDGE_OBJECTS if o not in HUGE_OBJECTS)
PERIOD_EDGE_INDICES = tuple(toindices(o) for o in PERIOD_EDGE_OBJECTS) + EXTRA_INDICES
"""Edge patches for hperiod / vperiod (no huge extents)."""


# --------------------------------------------------------------------------- edge pairs


def _ind(*cells) -> frozenset:
    return frozenset(cells)


EDGE_PAIRS: tuple = (
    (frozenset(), _ind((0, 0))), (_ind((0, 0)), frozenset()), (frozenset(), frozenset()),
    (_ind((0, 0), (5, 5)), _ind((4, 7))),                             # manhattan 3
    (_ind((0, 0)), _ind((0, 0), (0, 1))),                             # overlap: not adjacent
    (_ind((0, 0)), _ind((1, 1))), (_ind((0, 0)), _ind((0, 1))), (_ind((0, 0)), _ind((1, 0))),
    (_ind((0, 0)), _ind((5, 0))), (_ind((0, 0)), _ind((0, 0))),       # gravitate spec
    (_ind((0, 0)), _ind((2, 5))), (_ind((0, 0), (0, 2)), _ind((5, 1))),
    (_ind((0, 0), (0, 1), (0, 2)), _ind((5, 2), (5, 3), (5, 4))),
    (_ind((10, 10)), _ind((10, 0))), (_ind((10, 10)), _ind((0, 10))),  # every direction
    (_ind((10, 10)), _ind((10, 20))), (_ind((10, 10)), _ind((20, 10))),
    (_ind((3, 3), (3, 4), (4, 3)), _ind((3, 5), (4, 5))),
    (_ind((0, 0), (2, 2)), _ind((1, 1))), (_ind((1, 1)), _ind((0, 0), (2, 2))),
    (_ind((0, 0)), _ind((40, 0))), (_ind((0, 0)), _ind((50, 0))),     # wider than the window
    (_ind((0, 0)), _ind((-40, 0))), (_ind((3, 0)), _ind((3, 38))), (_ind((3, 38)), _ind((3, 0))),
    (_ind((0, 0), (0, 1)), _ind((-35, 1), (-35, 2))),
    (frozenset({(0, j) for j in range(-5, 40)}), _ind((2, 10))),
    (_ind((2, 10)), frozenset({(0, j) for j in range(-5, 40)})),
    (frozenset({(i, 0) for i in range(45)}), frozenset({(i, 2) for i in range(45)})),
    (_ind((0, 0), (100, 5)), _ind((100, 9))), (_ind((0, 0), (40, 0)), _ind((20, 0), (41, 3))),
    (_ind((0, 0), (5, 100)), _ind((9, 100))), (_ind((0, 0), (0, 40)), _ind((0, 20), (3, 41))),
    (_ind((0, 31)), _ind((31, 0))), (_ind((0, 32)), _ind((32, 0))),
    (_ind((-L, -L)), _ind((L, L))), (_ind((-L, 0)), _ind((L, 0))),    # the largest distances
    (_ind((0, 0)), _ind((L, L))), (_ind((0, 0)), _ind((L, L - 1))),
    (_ind((L, L)), _ind((L - 1, L))), (_ind((-L, -L)), _ind((-L, -L + 2))),
    (frozenset({(i, j) for i in range(30) for j in range(30)}), _ind((31, 31))),
    (frozenset({(i, j) for i in range(30) for j in range(30)}), _ind((15, 15), (40, 40))),
    (frozenset({(i, j) for i in range(0, 40, 2) for j in range(0, 40, 2)}),
     frozenset({(i, j) for i in range(1, 41, 2) for j in range(1, 41, 2)})),
    (frozenset({(i, j) for i in range(0, 40, 2) for j in range(0, 40, 2)}),
     frozenset({(i, j) for i in range(1, 41, 2) for j in range(0, 40, 2)})),
)
"""Index pairs; Object versions come from :func:`_as_object` (each position one colour,
the first position of the source two)."""


def _as_object(ind: frozenset, extra: bool) -> frozenset:
    cells = {((i + 2 * j) % 3, (i, j)) for i, j in ind}
    if extra and ind:
        i, j = min(ind)
        cells.add((7, (i, j)))
    return frozenset(cells)


# -------------------------------------------------------------------------- case makers


def _sample(values, stride: int) -> list:
    return list(values[::stride])


def _patches(kind: str, objects, indices, stride: int, period: bool = False) -> list:
    if kind == OBJ:
        return _sample(objects, stride) + list(PERIOD_EDGE_OBJECTS if period else EDGE_OBJECTS)
    return _sample(indices, stride) + list(PERIOD_EDGE_INDICES if period else EDGE_INDICES)


def _convert(kind: str, patch: frozenset) -> frozenset:
    """An Object or Indices as ``kind`` (Indices → Object by a colour pattern)."""
    is_obj = bool(patch) and isinstance(next(iter(patch))[1], tuple)
    if kind == IND:
        return toindices(patch) if is_obj else patch
    return patch if is_obj or not patch else _as_object(patch, False)


def _pairs(objects, object_sets, stride: int) -> list:
    """Real Object pairs: neighbours within one object set, and objects of different sets
    (``objects_`` holds shifted copies, so many of these are far apart)."""
    pairs = []
    for s, objs in enumerate(object_sets[::max(1, stride // 6)]):
        objs = list(canon(objs))[:4]
        if len(objs) >= 2:
            pairs += [(objs[0], objs[1]), (objs[-1], objs[s % len(objs)])]
    n = len(objects)
    for k in range(0, n, stride):
        pairs.append((objects[k], objects[(k * 7919 + 13) % n]))
    return pairs


def _binary(ka: str, kb: str) -> Callable:
    def make(objects, indices, object_sets, grids, stride):
        cases = [(_convert(ka, a), _convert(kb, b)) for a, b in _pairs(objects, object_sets, stride)]
        for k, (a, b) in enumerate(EDGE_PAIRS):
            for x, y in ((a, b), (b, a)):
                cases.append((_as_object(x, k % 2 == 0) if ka == OBJ else x,
                              _as_object(y, k % 3 == 0) if kb == OBJ else y))
        return cases
    return make


def _unary(kind: str, period: bool = False) -> Callable:
    def make(objects, indices, object_sets, grids, stride):
        return [(p,) for p in _patches(kind, objects, indices, stride, period)]
    return make


COLOURS = (0, 1, 2, 3, 5, 9, -1, 200, None, 10, 40)


def _colorcount(kind: str) -> Callable:
    def make(objects, indices, object_sets, grids, stride):
        cases = []
        for k, p in enumerate(_patches(kind, objects, indices, stride)):
            cases.append((p, COLOURS[k % len(COLOURS)]))
            if p:
                cases.append((p, min(p)[0]))
        cases += [(p, c) for p in (EDGE_OBJECTS if kind == OBJ else EDGE_INDICES)[:12] for c in COLOURS]
        return cases
    return make


EXTRA_GRIDS = (
    (), ((),), ((), ()), ((-1, -1, 3),), ((127, -127, 127),), ((-127,),),
    tuple(tuple((i * 31 + j * 7) % 255 - 127 for j in range(30)) for i in range(30)),
    tuple(tuple(-100 + (i + j) % 3 for j in range(17)) for i in range(23)),
    tuple(tuple((i * 30 + j) % 64 for j in range(30)) for i in range(30)),   # 64 values
    tuple(tuple((i * 30 + j) % 65 for j in range(30)) for i in range(30)),   # 65: overflow
)
"""palette(Grid): values outside 0–9, int8 extremes, exactly 64 and 65 distinct values.
(Grids with ``None`` cells are left out: an IntegerSet holding ``None`` has no Python →
JAX conversion for the harness to compare.)"""


def _grids(objects, indices, object_sets, grids, stride):
    return [(g,) for g in _sample(grids, max(1, stride // 3))] + [(g,) for g in EXTRA_GRIDS]


CASES: dict[tuple[str, tuple[str, ...]], Callable] = {}
for _name, _sigs in SIGNATURES.items():
    for _sig in _sigs:
        _p = _sig.params
        if _p == (GRID,):
            CASES[(_name, _p)] = _grids
        elif _name == "colorcount":
            CASES[(_name, _p)] = _colorcount(_p[0])
        elif len(_p) == 2:
            CASES[(_name, _p)] = _binary(*_p)
        else:
            CASES[(_name, _p)] = _unary(_p[0], period=_name in ("hperiod", "vperiod"))
"""(primitive name, parameter types) → ``(objects, indices, object_sets, grids, stride) ->
list of argument tuples``."""

_BOTH = (IND, OBJ)
RAISES = (
    {(n, (k,)) for n in ("uppermost", "lowermost", "leftmost", "rightmost", "center",
                         "mostcolor", "leastcolor") for k in _BOTH}
    | {("color", (OBJ,)), ("hperiod", (IND,)), ("vperiod", (IND,))}
    | {(n, (a, b)) for n in ("manhattan", "adjacent", "position", "gravitate")
       for a in _BOTH for b in _BOTH}
)
"""Signatures whose cases must make the reference raise (empty patches; wide Indices for
the periods)."""

OVERFLOWS = {("palette", (k,)) for k in (IND, OBJ, GRID)}
"""Signatures whose cases must include results that do not fit (more than 64 values).
Extents and distances of patches inside the position window cannot reach ``INT_LIMIT``."""

_SIGNATURES = [(name, sig) for name, sigs in SIGNATURES.items() for sig in sigs]
_IDS = [f"{n}{list(s.params)}" for n, s in _SIGNATURES]


LOOPING = {"gravitate"}
"""Primitives whose kernels run a data-dependent loop: compiled with the production options
(:data:`tests.equivalence.PRODUCTION_XLA`), whose code runs the loop over twice as fast as
the test processes' unoptimised code, more than paying for the slower compile."""


def _check(name, sig, cases, unbatched: int) -> dict:
    counts = check_equivalence(name, sig, cases, unbatched=unbatched,
                               xla_options=PRODUCTION_XLA if name in LOOPING else ())
    key = (name, sig.params)
    if key in RAISES:
        assert counts["ref_raised"] > 0, f"{key}: no raising case exercised ({counts})"
    if key in OVERFLOWS:
        assert counts["overflow"] > 0, f"{key}: no overflowing case exercised ({counts})"
    else:
        assert counts["overflow"] == 0, f"{key}: unexpected overflow ({counts})"
    assert counts["ref_raised"] + counts["overflow"] < counts["cases"], counts
    return counts


# --------------------------------------------------------------------------------- tests


def test_every_signature_has_cases():
    keys = {(name, sig.params) for name, sig in _SIGNATURES}
    assert set(CASES) == keys
    assert RAISES <= keys and OVERFLOWS <= keys


def test_signature_counts():
    """Indices and Object for every primitive (both orders for binary ones); color is
    Object only; palette, vline and hline also take a Grid."""
    counts = {name: len(sigs) for name, sigs in SIGNATURES.items()}
    for name in ("hmatching", "vmatching", "manhattan", "adjacent", "position", "gravitate"):
        assert counts[name] == 4, name
    assert counts["color"] == 1 and counts["palette"] == 3
    assert counts["vline"] == counts["hline"] == 3
    assert all(c == 2 for name, c in counts.items()
               if name not in ("hmatching", "vmatching", "manhattan", "adjacent", "position",
                               "gravitate", "color", "palette", "vline", "hline"))


@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=_IDS)
def test_equivalence(name, sig, objects_, indices, object_sets, grids):
    """``jit(vmap)`` agrees with the reference on the sampled cases (plain ``jit`` doubles
    the compile time, so it runs in ``test_exhaustive``)."""
    cases = CASES[(name, sig.params)](objects_, indices, object_sets, grids, STRIDE)
    _check(name, sig, cases, unbatched=0)


def test_fallbacks_exercised():
    """The edge cases reach every exact fallback (fast-path conditions false)."""
    from jaxdsl.prims import geometry as geo

    def spread(vals):
        return max(vals) - min(vals)

    objs = [o for o in EDGE_OBJECTS if o and len(o) <= 1024]
    assert any(spread([c for c, _ in o]) >= geo.BINS for o in objs)                 # colours
    assert any(spread([i for i, _ in p]) >= geo.BINS for p in EDGE_INDICES if p)     # rows
    assert any(spread([p[1][1] for p in o]) > 32 for o in PERIOD_EDGE_OBJECTS if o)  # periods
    assert any(spread([c for c, _ in o]) >= 16 and spread([p[1][1] for p in o]) <= 32
               for o in PERIOD_EDGE_OBJECTS if o)
    wide = [(a, b) for a, b in EDGE_PAIRS if a and b
            and spread([p[0] for p in a | b]) >= geo.WINDOW]
    assert len(wide) >= 8


def test_palette_canonical(objects_, indices):
    """palette's IntegerSet keeps the container invariants: ascending rows and zero
    padding (the harness compares Python frozensets only), and holds exactly the colours
    of an Object, or the row indices of an Indices (spec §4.9, 106: the first components)
    — both signatures, each on real and generated patches."""
    caps = Capacity()
    for kind, pool in ((OBJ, objects_[::200] + EDGE_OBJECTS), (IND, indices[::200] + EDGE_INDICES)):
        (sig,) = [s for s in SIGNATURES["palette"] if s.params == (kind,)]
        fn = jax.jit(jax.vmap(bind_caps(sig.impl, caps)))
        built = [(p, from_python(kind, p, caps)) for p in pool]
        kept = [p for p, (_, ovf) in built if not ovf]
        built = [v for _, (v, ovf) in built if not ovf]
        assert len(kept) > 20, (kind, len(kept))
        batch = jax.tree_util.tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs]), *built)
        (data, n), ok, ovf = jax.device_get(fn(batch))
        compared = 0
        for k, patch in enumerate(kept):
            m = int(n[k])
            rows = data[k, :m, 0].tolist()
            assert rows == sorted(set(rows)), (kind, rows)
            assert not data[k, m:].any(), kind
            assert ok[k], (kind, k)
            if ovf[k]:
                continue
            firsts = {c for c, _ in patch}       # colours of cells, row indices of positions
            assert set(rows) == firsts, (kind, patch)
            compared += 1
        assert compared >= len(kept) - 4, (kind, compared, len(kept))


def test_window_spanning_periods():
    """Periods of objects spanning the whole position window (the reference loops up to
    2·L times) are exact; an object beyond the window does not fit and cannot be built."""
    cases = [(_obj([(1, 0, -L), (1, 0, L)]),), (_obj([(1, -L, 0), (1, L, 0)]),),
             (_obj([(1, 0, -L), (1, 0, L), (2, 3, 0)]),), (_obj([(1, 0, -L), (1, 0, -L + 1), (1, 0, L)]),),
             (_obj([(1, -L, 0), (1, L, 0), (1, L, 1)]),),
             (_obj([(1, -L, 0), (2, -L + 1, 0)] + [(1, L - 1, 0), (2, L, 0)]),)]
    for name in ("hperiod", "vperiod"):
        (sig,) = [s for s in SIGNATURES[name] if s.params == (OBJ,)]
        counts = check_equivalence(name, sig, cases, unbatched=0)
        assert counts["cases"] == len(cases) and counts["overflow"] == 0, counts
    assert from_python(OBJ, _obj([(1, 0, -L), (1, 0, L + 1)]), Capacity())[1]


def test_small_capacities():
    """A 16-value IntegerSet capacity makes palette overflow earlier; a 64-row patch
    capacity changes every input shape (and the fallbacks' block and search sizes; the
    patches that no longer fit are skipped as arguments)."""
    (sig,) = [s for s in SIGNATURES["palette"] if s.params == (OBJ,)]
    counts = check_equivalence("palette", sig, [(o,) for o in EDGE_OBJECTS],
                               capacity=Capacity(tuple=16), unbatched=0)
    assert counts["overflow"] > 0
    caps = Capacity(patch=64)
    (sig,) = [s for s in SIGNATURES["manhattan"] if s.params == (OBJ, IND)]
    counts = check_equivalence("manhattan", sig, _binary(OBJ, IND)((), (), (), (), 1),
                               capacity=caps, unbatched=0)
    assert counts["cases"] > 40
    (sig,) = [s for s in SIGNATURES["hperiod"] if s.params == (OBJ,)]
    check_equivalence("hperiod", sig, [(o,) for o in PERIOD_EDGE_OBJECTS], capacity=caps,
                      unbatched=0)


@pytest.mark.slow
@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=_IDS)
def test_exhaustive(name, sig, objects_, indices, object_sets, all_grids):
    """Every signature on every real value (``stride`` 1), in batches of 8192 cases to
    bound memory; plain ``jit`` on the first three cases."""
    cases = CASES[(name, sig.params)](objects_, indices, object_sets, all_grids, 1)
    total = {"cases": 0, "ref_raised": 0, "overflow": 0}
    batch = 8192
    for start in range(0, len(cases), batch):
        counts = check_equivalence(name, sig, cases[start:start + batch],
                                   unbatched=3 if start == 0 else 0)
        for k in total:
            total[k] += counts[k]
    key = (name, sig.params)
    if key in RAISES:
        assert total["ref_raised"] > 0, total
    if key in OVERFLOWS:
        assert total["overflow"] > 0, total
