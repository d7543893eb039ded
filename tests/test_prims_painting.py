"""Equivalence of the painting-family JAX primitives (``jaxdsl.prims.painting``) with the
reference: asindices, ofcolor, asobject, toobject, fill, paint, underfill, underpaint,
cover, move, subgrid, bordering, occurrences.

Arguments come from the shared fixtures (every ARC-AGI-1 grid, real Objects shifted and
normalized, real Indices) and from generated edge cases:

* **foreign pairs** — the ``k``-th patch with the ``(k mod #grids)``-th grid, so patches
  stick out of grids, lie wholly outside them or at negative coordinates;
* **own patches** — windows, sparse (non-background) windows and objects cut from the
  grid itself, so that ``occurrences`` finds matches and ``bordering`` touches sides;
* **edge grids × edge patches** — ``()``, rows of ``()``, 1×1, ties for the background,
  colours ±127, ``None`` cells (grid-valued primitives only: an Object cannot hold
  ``None``); the empty patch, two colours at one position, colours no ``int8`` cell can
  hold (overflow), far-away and negative positions, a full 30×30 patch.

``CASES`` maps ``(name, params)`` to a function ``(grids, objects, indices) -> [args]``
of the three fixture tuples. The default tests run it on a stride sample of the fixtures
(edge cases are always included); the ``slow`` test runs it on every fixture value.
"""

from __future__ import annotations

import random
from typing import Callable

import jax
import pytest

from jaxdsl.prims import bind_caps
from jaxdsl.prims.painting import SIGNATURES
from jaxdsl.reference import PRIMITIVES as P
from jaxdsl.reference._base import canon
from jaxdsl.types import from_python, to_python
from jaxdsl.values import Capacity
from tests.conftest import arc1_grids, arc1_indices, arc1_objects, edge_grids
from tests.equivalence import check_equivalence

G, I, T, B = "Grid", "Integer", "IntegerTuple", "Boolean"
IND, OBJ = "Indices", "Object"

# ------------------------------------------------------------------------- edge values

EDGE_GRIDS = (
    (), ((),), ((), ()), ((5,),), ((0,),), ((1, 2, 3),), ((1,), (2,), (3,)),
    ((1, 2), (3, 4)), ((7, 7), (7, 7)), ((1, 8), (8, 1)), ((8, 1, 1), (8, 8, 1)),
    ((0, 1, 0), (1, 1, 2), (0, 0, 2), (3, 0, 0)),
    ((127, -127, 127), (-127, 127, 0)), ((-5, -5, 3), (3, -5, 3)),
    tuple(tuple((i * j) % 3 for j in range(8)) for i in range(9)),
    tuple(tuple((i * 3 + j) % 4 for j in range(30)) for i in range(30)),
    tuple(tuple(7 if (i + j) % 5 else 2 for j in range(30)) for i in range(30)),
)
"""Small and extreme grids (no ``None`` cells: usable by every primitive)."""

NONE_GRIDS = (((None, 1), (1, None)), ((None, None, 3),), ((3, None, 3), (None, 4, 4)))
"""Grids with ``None`` cells, for the grid-valued primitives only."""

EDGE_OBJECTS = (
    frozenset(),
    frozenset({(3, (0, 0))}),
    frozenset({(1, (2, 2)), (4, (2, 2))}),
    frozenset({(1, (0, 0)), (4, (0, 0)), (2, (0, 1))}),
    frozenset({(200, (0, 0)), (5, (0, 1))}),
    frozenset({(-200, (1, 1))}),
    frozenset({(200, (1, 0)), (3, (1, 0))}),
    frozenset({(127, (0, 0)), (-127, (0, 1))}),
    frozenset({(5, (-1, -1)), (6, (0, 0))}),
    frozenset({(7, (-3, 2)), (7, (-2, 2))}),
    frozenset({(1, (29, 29)), (2, (30, 30))}),
    frozenset({(1, (0, 0)), (1, (0, 5))}),
    frozenset({(0, (0, 0)), (0, (1, 1))}),
    frozenset({(1, (2**29, 2**29))}),
    frozenset({(1, (-2**29, 0)), (2, (2**29, 3))}),
    frozenset({(9, (i, j)) for i in range(30) for j in range(30)}),
    frozenset({((i * 3 + j) % 4, (i, j)) for i in range(3) for j in range(2)}),
    frozenset({(7, (i, 0)) for i in range(30)}),
)
"""Objects: empty, one cell, two colours at a position, unstorable colours (±200),
int8 extremes, negative / far positions, a full 30×30 block, a line."""

EDGE_INDICES = (
    frozenset(),
    frozenset({(0, 0)}),
    frozenset({(-1, -1), (0, 0)}),
    frozenset({(-3, 2), (-2, 2)}),
    frozenset({(1, 1), (1, 2), (2, 1)}),
    frozenset({(29, 29), (30, 30)}),
    frozenset({(0, 0), (0, 5)}),
    frozenset({(2**29, 2**29)}),
    frozenset({(-2**29, 0), (2**29, 3)}),
    frozenset({(i, j) for i in range(30) for j in range(30)}),
    frozenset({(i, 0) for i in range(30)}),
    frozenset({(0, j) for j in range(-2, 3)}),
)
"""Indices: empty, one position, negative / far positions, a full 30×30 block, lines."""

COLOURS = (0, 1, 2, 5, 9, -1, 127, -127, 200, -300, None)
"""Fill values: ordinary, int8 extremes, unstorable (overflow) and ``None``."""

OWN_STRIDE = 3
"""Own patches are cut from every ``OWN_STRIDE``-th grid of the fixture values."""

OFFSETS = ((0, 0), (1, 0), (0, 1), (-1, 1), (3, -2), (-30, 0), (0, 29), (2, 2),
           (2**29, -2**29), (None, 0), (0, None), (None, None), ())
"""Offsets for ``move``: in-grid, off-grid, far, ``None`` components and ``()``."""


# ------------------------------------------------------------------------- builders


def _dims(g) -> tuple[int, int]:
    return len(g), (len(g[0]) if g else 0)


def _has_cells(g) -> bool:
    h, w = _dims(g)
    return h > 0 and w > 0


def _window(g, k: int, sparse: bool) -> frozenset:
    """A window of ``g`` as an Object at its own position (``sparse``: the cells that
    differ from the background only, or the whole window if none do)."""
    h, w = _dims(g)
    dh, dw = 1 + k % 3, 1 + (k // 3) % 3
    r = [0, h - dh, (h - dh) // 2][k % 3] if h >= dh else 0
    c = [0, w - dw, (w - dw) // 3][(k // 2) % 3] if w >= dw else 0
    cells = {(g[i][j], (i, j)) for i in range(r, min(h, r + dh)) for j in range(c, min(w, c + dw))}
    if sparse:
        bg = P["mostcolor"](g)
        fg = {cell for cell in cells if cell[0] != bg}
        cells = fg or cells
    return frozenset(cells)


def _own_objects(g, k: int) -> list:
    """Objects cut out of ``g`` (matching it at least once); none for a grid without cells."""
    if not _has_cells(g):
        return []
    out = [_window(g, k, False), _window(g, k + 1, True)]
    parts = list(canon(P["fgpartition"](g)))
    if parts:
        out.append(parts[k % len(parts)])
    objs = list(canon(P["objects"](g, k % 2 == 0, k % 3 == 0, True)))
    if objs:
        out.append(objs[k % len(objs)])
    return out


def _own_indices(g, k: int) -> list:
    return [P["toindices"](o) for o in _own_objects(g, k)]


def _pairs(grids, patches) -> list:
    """One ``(grid, patch)`` per element of the longer list, cycling the shorter one."""
    if not grids or not patches:
        return []
    n = max(len(grids), len(patches))
    return [(grids[k % len(grids)], patches[k % len(patches)]) for k in range(n)]


def _grid_cells(grids, objects, indices) -> list:
    """``(grid, tuple of cells)`` cases for ``paint`` on a Tuple[Cell]: each object's cells
    in reverse canonical order, then a cell of another colour at the position of its last
    one (the largest colour wins at a shared position, whatever the tuple order), on
    foreign grids and the edge grids."""
    cases = []
    for g, obj in _pairs(grids, objects):
        cells = sorted(obj)[::-1]
        if cells:
            colour, pos = cells[-1]
            cells.append(((colour + 1) % 10, pos))
        cases.append((g, tuple(cells)))
    cases += [(g, ((1, (0, 0)), (2, (0, 0)), (3, (5, -1)))) for g in EDGE_GRIDS]
    return cases


def _grid_patch(kind: str, with_none: bool = True) -> Callable:
    """``(grid, patch)`` cases for patch type ``kind``: foreign pairs, own patches and
    every edge grid with every edge patch."""

    def make(grids, objects, indices) -> list:
        patches = objects if kind == OBJ else indices
        edge = EDGE_OBJECTS if kind == OBJ else EDGE_INDICES
        own = _own_objects if kind == OBJ else _own_indices
        egrids = EDGE_GRIDS + (NONE_GRIDS if with_none else ())
        cases = _pairs(grids, patches)
        cases += [(g, p) for k, g in enumerate(grids[::OWN_STRIDE]) for p in own(g, k)]
        cases += [(g, p) for g in egrids for p in edge]
        cases += [(g, p) for k, g in enumerate(EDGE_GRIDS) for p in own(g, k)]
        return cases

    return make


def _patch_grid(kind: str, with_none: bool = True) -> Callable:
    make = _grid_patch(kind, with_none)
    return lambda grids, objects, indices: [(p, g) for g, p in make(grids, objects, indices)]


def _grid_value_patch(kind: str) -> Callable:
    """``(grid, colour, patch)``: the patch cases with a colour cycled from :data:`COLOURS`."""
    make = _grid_patch(kind)

    def cases(grids, objects, indices) -> list:
        base = make(grids, objects, indices)
        out = [(g, COLOURS[k % len(COLOURS)], p) for k, (g, p) in enumerate(base)]
        out += [(g, c, p) for g in EDGE_GRIDS[:8] for c in COLOURS
                for p in (EDGE_OBJECTS if kind == OBJ else EDGE_INDICES)[:3]]
        return out

    return cases


def _move(kind: str) -> Callable:
    """``(grid, patch, offset)``: the patch cases with an offset cycled from :data:`OFFSETS`,
    plus every offset on a few edge cases."""
    make = _grid_patch(kind)

    def cases(grids, objects, indices) -> list:
        base = make(grids, objects, indices)
        out = [(g, p, OFFSETS[k % len(OFFSETS)]) for k, (g, p) in enumerate(base)]
        edge = EDGE_OBJECTS if kind == OBJ else EDGE_INDICES
        out += [(g, p, o) for g in EDGE_GRIDS[:8] for p in edge[:3] for o in OFFSETS]
        return out

    return cases


def _occurrences(kind: str) -> Callable:
    """``(grid, patch)``: the patch cases plus own patches shifted away (normalisation)."""
    make = _grid_patch(kind)

    def cases(grids, objects, indices) -> list:
        out = make(grids, objects, indices)
        own = _own_objects if kind == OBJ else _own_indices
        for k, g in enumerate(grids[::3]):
            for p in own(g, k)[:2]:
                out.append((g, P["shift"](p, OFFSETS[k % 9])))
        return out

    return cases


def _grid_only(grids, objects, indices) -> list:
    return [(g,) for g in tuple(grids) + EDGE_GRIDS]


def _ofcolor(grids, objects, indices) -> list:
    cases = []
    for k, g in enumerate(tuple(grids) + EDGE_GRIDS + NONE_GRIDS):
        cases.append((g, COLOURS[k % len(COLOURS)]))
        cases.append((g, g[0][0] if _has_cells(g) else 0))
    cases += [(g, c) for g in EDGE_GRIDS + NONE_GRIDS for c in COLOURS]
    return cases


EXAMPLES: dict[tuple[str, tuple[str, ...]], list[tuple]] = {
    ("fill", (G, I, IND)): [(((0, 0, 0), (0, 1, 0)), 5,
                             frozenset({(0, 0), (-1, 0), (0, -1), (5, 5), (1, 2)})),
                            ((), 5, frozenset())],
    ("underfill", (G, I, IND)): [(((1, 8), (8, 1)), 5, frozenset({(0, 0), (0, 1)}))],
    ("move", (G, OBJ, T)): [(((0, 0, 0), (1, 0, 0)), frozenset({(1, (1, 0))}), (-1, 1))],
    ("subgrid", (IND, G)): [(frozenset({(2, 2), (3, 3)}), ((1, 2, 3), (4, 5, 6), (7, 8, 0))),
                            (frozenset({(-1, 0), (0, 0)}), ((1, 2, 3), (4, 5, 6), (7, 8, 0)))],
    ("bordering", (IND, G)): [(frozenset({(1, 5)}), ((0, 0, 0), (0, 0, 0), (0, 0, 0)))],
    ("occurrences", (G, OBJ)): [(((1, 2),), frozenset())],
    ("toobject", (OBJ, G)): [(frozenset({(9, (0, 0))}), ((1, 2), (3, 4))),
                             (frozenset({(3, (0, 0))}), ())],
    ("toobject", (IND, G)): [(frozenset({(0, 0)}), ())],
    ("paint", (G, IND)): [(((0, 0, 0), (0, 1, 0)), frozenset({(0, 0)}))],
    ("cover", (G, IND)): [((), frozenset())],
    ("asindices", (G,)): [((),), (((),),)],
    ("ofcolor", (G, I)): [(((1, 2), (2, 1)), 2)],
}
"""The spec's worked examples (§4), appended to their signature's cases."""

_MAKERS: dict[tuple[str, tuple[str, ...]], Callable[..., list[tuple]]] = {
    ("asindices", (G,)): _grid_only,
    ("ofcolor", (G, I)): _ofcolor,
    ("asobject", (G,)): _grid_only,
    ("toobject", (IND, G)): _patch_grid(IND, with_none=False),
    ("toobject", (OBJ, G)): _patch_grid(OBJ, with_none=False),
    ("fill", (G, I, IND)): _grid_value_patch(IND),
    ("fill", (G, I, OBJ)): _grid_value_patch(OBJ),
    ("paint", (G, OBJ)): _grid_patch(OBJ),
    ("paint", (G, IND)): _grid_patch(IND),
    ("paint", (G, "Tuple[Cell]")): _grid_cells,
    ("underfill", (G, I, IND)): _grid_value_patch(IND),
    ("underfill", (G, I, OBJ)): _grid_value_patch(OBJ),
    ("underpaint", (G, OBJ)): _grid_patch(OBJ),
    ("underpaint", (G, IND)): _grid_patch(IND),
    ("cover", (G, IND)): _grid_patch(IND),
    ("cover", (G, OBJ)): _grid_patch(OBJ),
    ("move", (G, OBJ, T)): _move(OBJ),
    ("move", (G, IND, T)): _move(IND),
    ("subgrid", (IND, G)): _patch_grid(IND),
    ("subgrid", (OBJ, G)): _patch_grid(OBJ),
    ("bordering", (IND, G)): _patch_grid(IND),
    ("bordering", (OBJ, G)): _patch_grid(OBJ),
    ("occurrences", (G, OBJ)): _occurrences(OBJ),
    ("occurrences", (G, IND)): _occurrences(IND),
}


def _with_examples(key, make: Callable) -> Callable:
    return lambda grids, objects, indices: make(grids, objects, indices) + EXAMPLES.get(key, [])


CASES: dict[tuple[str, tuple[str, ...]], Callable[..., list[tuple]]] = {
    key: _with_examples(key, make) for key, make in _MAKERS.items()
}
"""(primitive name, parameter types) → ``(grids, objects, indices) -> list of argument tuples``."""

_ALL_KEYS = [(name, sig.params) for name, sigs in SIGNATURES.items() for sig in sigs]

NEVER_RAISE = {("asindices", (G,)), ("ofcolor", (G, I)), ("asobject", (G,))}
"""Signatures whose reference never raises; every other one must see raising cases."""

OVERFLOWS = {("fill", (G, I, IND)), ("fill", (G, I, OBJ)), ("paint", (G, OBJ)),
             ("underfill", (G, I, IND)), ("underfill", (G, I, OBJ)), ("underpaint", (G, OBJ)),
             ("move", (G, OBJ, T))}
"""Signatures that must see overflow (an unstorable colour written) at the default capacity."""

SMALL_CAPACITY = Capacity(grid=(12, 8), patch=40)
"""Non-square grids and small patches: container results overflow."""

SMALL_KEYS = [("asindices", (G,)), ("ofcolor", (G, I)), ("asobject", (G,)), ("toobject", (OBJ, G)),
              ("underpaint", (G, OBJ)), ("move", (G, OBJ, T)), ("subgrid", (OBJ, G)),
              ("occurrences", (G, OBJ)), ("occurrences", (G, IND))]
"""Signatures also run at :data:`SMALL_CAPACITY` (batched only): the container results and
the grid results with their own shape handling (the other writers share ``_patch_mask`` /
``_paint_max`` with these)."""

SMALL_OVERFLOWS = {("asindices", (G,)), ("ofcolor", (G, I)), ("asobject", (G,)),
                   ("occurrences", (G, OBJ)),
                   ("occurrences", (G, IND))}
"""Container-valued signatures that must overflow at :data:`SMALL_CAPACITY`."""

STRIDE = {"grids": 60, "objects": 80, "indices": 80}
"""Fixture sampling of the default tests (every ``k``-th value)."""


def _sample():
    return (arc1_grids()[::STRIDE["grids"]] + tuple(edge_grids()),
            arc1_objects()[::STRIDE["objects"]], arc1_indices()[::STRIDE["indices"]])


def _signature(key):
    name, params = key
    (sig,) = [s for s in SIGNATURES[name] if s.params == params]
    return sig


def _check_counts(key, counts, overflows=OVERFLOWS):
    if key not in NEVER_RAISE:
        assert counts["ref_raised"] > 0, f"{key}: no raising case exercised ({counts})"
    else:
        assert counts["ref_raised"] == 0, counts
    if key in overflows:
        assert counts["overflow"] > 0, f"{key}: no overflowing case exercised ({counts})"
    assert counts["ref_raised"] + counts["overflow"] < counts["cases"], counts


# ---------------------------------------------------------------------------- tests


def test_cases_cover_signatures():
    """Every Signature has a CASES entry and every CASES entry names a Signature."""
    assert set(CASES) == set(_ALL_KEYS)
    for key in NEVER_RAISE | OVERFLOWS | SMALL_OVERFLOWS | set(EXAMPLES) | set(SMALL_KEYS):
        assert key in CASES, key


RAISES_ = "raises"
"""Marks a worked example on which arc-dsl raises."""

EXAMPLE_RESULTS: dict[tuple[str, tuple[str, ...]], list] = {
    ("fill", (G, I, IND)): [((5, 0, 0), (0, 1, 5)), RAISES_],
    ("underfill", (G, I, IND)): [((5, 8), (8, 1))],          # canonical background 1 (the tie's smaller colour)
    ("move", (G, OBJ, T)): [((0, 1, 0), (0, 0, 0))],
    ("subgrid", (IND, G)): [((0,),), ()],
    ("bordering", (IND, G)): [False],
    ("occurrences", (G, OBJ)): [frozenset({(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)})],
    ("toobject", (OBJ, G)): [frozenset({(1, (0, 0))}), RAISES_],
    ("toobject", (IND, G)): [RAISES_],
    ("paint", (G, IND)): [RAISES_],                  # Indices are not accepted
    ("cover", (G, IND)): [RAISES_],
    ("asindices", (G,)): [frozenset(), frozenset()],
    ("ofcolor", (G, I)): [frozenset({(0, 1), (1, 0)})],
}
"""The spec's stated outcome of each :data:`EXAMPLES` entry (§4, items 76–156), written by
hand from the spec text: a value, or :data:`RAISES_`."""


@pytest.mark.parametrize("key", sorted(EXAMPLES), ids=lambda k: f"{k[0]}{list(k[1])}")
def test_examples_through_jax(key):
    """Each worked example through the JAX implementation (plain ``jit``): the spec's value
    (``ok``, no overflow), or ``ok`` False where arc-dsl raises."""
    sig = _signature(key)
    fn = jax.jit(bind_caps(sig.impl, Capacity()))
    assert len(EXAMPLE_RESULTS[key]) == len(EXAMPLES[key]), key
    for args, expected in zip(EXAMPLES[key], EXAMPLE_RESULTS[key]):
        built = [from_python(ptype, arg, Capacity())[0] for ptype, arg in zip(sig.params, args)]
        value, ok, overflow = jax.device_get(fn(*built))
        assert not bool(overflow), (key, args)
        if expected is RAISES_:
            assert not bool(ok), f"{key}{args}: arc-dsl raises but JAX gives ok"
        else:
            assert bool(ok), (key, args)
            assert to_python(sig.result, value) == expected, (key, args, to_python(sig.result, value))


def test_example_results_cover_examples():
    assert set(EXAMPLE_RESULTS) == set(EXAMPLES)


@pytest.mark.parametrize("key", _ALL_KEYS, ids=lambda k: f"{k[0]}{list(k[1])}")
def test_equivalence(key):
    """A sample of the fixtures plus every edge case, batched and unbatched."""
    counts = check_equivalence(key[0], _signature(key), CASES[key](*_sample()))
    _check_counts(key, counts)


@pytest.mark.parametrize("key", SMALL_KEYS, ids=lambda k: f"{k[0]}{list(k[1])}")
def test_equivalence_small_capacity(key):
    """A 12×8 grid capacity with 40-row patches: output grids keep a non-square shape and
    container results overflow. Arguments that do not fit are skipped."""
    grids, objects, indices = _sample()
    counts = check_equivalence(key[0], _signature(key), CASES[key](grids[::2], objects[::2], indices[::2]),
                               capacity=SMALL_CAPACITY, unbatched=0)
    if key in SMALL_OVERFLOWS:
        assert counts["overflow"] > 0, f"{key}: no overflow at {SMALL_CAPACITY} ({counts})"


def _wide_cases() -> list:
    """Grids wider than 32 columns (multi-word bitsets in ``occurrences``) with objects cut
    from them, shifted, and a few foreign ones."""
    rng = random.Random(7)
    cases = []
    for k in range(24):
        h, w = rng.randint(1, 40), rng.randint(30, 70)
        g = tuple(tuple(rng.choice((0, 0, 1, 2)) for _ in range(w)) for _ in range(h))
        for p in _own_objects(g, k)[:2] + [_window(g, k + 5, False)]:
            cases.append((g, P["shift"](p, OFFSETS[k % 9])))
        cases.append((g, EDGE_OBJECTS[k % len(EDGE_OBJECTS)]))
    return cases


def test_occurrences_wide_capacity():
    """A 40×70 grid capacity: a row needs three 32-bit words and matches cross word
    boundaries."""
    key = ("occurrences", (G, OBJ))
    counts = check_equivalence(key[0], _signature(key), _wide_cases(),
                               capacity=Capacity(grid=(40, 70), patch=4096), unbatched=1)
    assert counts["ref_raised"] == 0 and counts["cases"] > 80, counts


@pytest.mark.slow
@pytest.mark.parametrize("key", _ALL_KEYS, ids=lambda k: f"{k[0]}{list(k[1])}")
def test_equivalence_all_fixtures(key, all_grids, objects_, indices):
    """The exhaustive sweep: every grid, every object and every Indices of the fixtures
    (in chunks, to bound the batch memory of ``occurrences``)."""
    cases = CASES[key](all_grids, objects_, indices)
    chunk = 4000
    total = {"cases": 0, "ref_raised": 0, "overflow": 0}
    for start in range(0, len(cases), chunk):
        counts = check_equivalence(key[0], _signature(key), cases[start:start + chunk])
        for k in total:
            total[k] += counts[k]
    _check_counts(key, total)
