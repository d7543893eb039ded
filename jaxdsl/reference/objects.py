"""Reference DSL: segmentation and grid ↔ patch conversion (arc-dsl-spec.md §4.6, §4.8,
§4.9, §4.11).

Primitives: colorfilter, asindices, ofcolor, objects, partition, fgpartition, color,
toobject, asobject, occurrences, frontiers, hperiod, vperiod.

The module also holds the small patch helpers shared with :mod:`.grids` (the list of
positions of a patch, i.e. ``toindices``, and its bounds).
"""

from __future__ import annotations

import functools
from typing import Any

from . import _base
from . import measures as _measures

__all__ = [
    "colorfilter", "asindices", "ofcolor", "objects", "partition", "fgpartition", "color",
    "toobject", "asobject", "occurrences", "frontiers", "hperiod", "vperiod",
]


# ---------------------------------------------------------------------------------------
# shared helpers (private)

def _positions(patch: Any):
    """The positions of a patch, as ``toindices`` yields them (spec §4.7 #83).

    Empty → ``()``; an Object → a list of its positions (duplicates possible); anything
    else → the patch itself.
    """
    if len(patch) == 0:
        return ()
    if _base.is_object(patch):
        return [e[1] for e in patch]
    return patch


def _bounds(positions) -> tuple[int, int, int, int]:
    """``(uppermost, leftmost, lowermost, rightmost)`` of a non-empty iterable of positions."""
    rows = [p[0] for p in positions]
    cols = [p[1] for p in positions]
    return min(rows), min(cols), max(rows), max(cols)


def _is_uniform(line) -> bool:
    """A row or column is uniform when it holds exactly one distinct value."""
    return len(set(line)) == 1


# ---------------------------------------------------------------------------------------
# colours of objects

def color(obj: Any) -> int:
    """Colour of an Object: the colour of its first cell in canonical order.

    ``obj``: Object (frozenset of cells; a tuple is read in its own order) → int.
    Canonically (spec §5) the first cell is the one with the smallest colour, so a
    multicolour object reports its smallest colour.
    Raises StopIteration on an empty object.
    Implements arc-dsl #108 color, spec §4.9.
    """
    if isinstance(obj, (frozenset, set)):
        if not obj:
            raise StopIteration
        return min(cell[0] for cell in obj)
    return next(iter(obj))[0]


def colorfilter(objs: Any, value: int) -> frozenset:
    """The objects of ``objs`` whose :func:`color` equals ``value``.

    ``objs``: Objects (any container of objects) → frozenset of Objects, always a
    frozenset. An empty object inside ``objs`` raises RuntimeError (the StopIteration of
    ``color`` escaping a generator).
    Implements arc-dsl #74 colorfilter, spec §4.6.
    """
    kept = []
    for obj in objs:
        try:
            c = color(obj)
        except StopIteration:
            raise RuntimeError("colorfilter: empty object has no colour") from None
        if c == value:
            kept.append(obj)
    return frozenset(kept)


# ---------------------------------------------------------------------------------------
# grid ↔ patch conversion

def asindices(grid: tuple) -> frozenset:
    """Every position ``(i, j)`` with ``0 ≤ i < h``, ``0 ≤ j < w`` (w = first row's length).

    ``grid``: Grid → Indices. ``()`` and ``((),)`` give ``frozenset()``; never raises.
    Implements arc-dsl #76 asindices, spec §4.6.
    """
    if not grid:
        return frozenset()
    w = len(grid[0])
    return frozenset((i, j) for i in range(len(grid)) for j in range(w))


def ofcolor(grid: tuple, value: int) -> frozenset:
    """All positions ``(i, j)`` with ``grid[i][j] == value``.

    ``grid``: Grid, ``value``: int → Indices. An empty grid gives ``frozenset()``.
    Implements arc-dsl #77 ofcolor, spec §4.6.
    """
    return frozenset(
        (i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v == value
    )


def toobject(patch: Any, grid: tuple) -> frozenset:
    """The Object ``(grid[i][j], (i, j))`` for each position of ``patch`` inside the grid.

    ``patch``: Patch (Object colours are ignored), ``grid``: Grid → Object. Positions
    outside ``0 ≤ i < h, 0 ≤ j < w`` are dropped (no negative wrap-around).
    Raises IndexError on the empty grid ``()`` (it reads ``grid[0]``).
    Implements arc-dsl #109 toobject, spec §4.9 and §2.3.
    """
    h, w = len(grid), len(grid[0])
    return frozenset(
        (grid[i][j], (i, j)) for i, j in _positions(patch) if 0 <= i < h and 0 <= j < w
    )


def asobject(grid: tuple) -> frozenset:
    """All cells ``(grid[i][j], (i, j))`` of the grid.

    ``grid``: Grid → Object. ``asobject(())`` → ``frozenset()``; never raises on grids.
    Implements arc-dsl #110 asobject, spec §4.9.
    """
    return frozenset(
        (v, (i, j)) for i, row in enumerate(grid) for j, v in enumerate(row)
    )


# ---------------------------------------------------------------------------------------
# segmentation

@functools.lru_cache(maxsize=256)
def _neighbour_table(h: int, w: int, diagonal: bool) -> tuple:
    """For each flat index ``i*w + j`` the tuple of flat indices of its in-grid neighbours
    (4-neighbourhood, or 8 with ``diagonal``)."""
    steps = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    if diagonal:
        steps += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    table = []
    for i in range(h):
        for j in range(w):
            table.append(tuple(
                (i + di) * w + (j + dj) for di, dj in steps
                if 0 <= i + di < h and 0 <= j + dj < w
            ))
    return tuple(table)


@functools.lru_cache(maxsize=256)
def _position_table(h: int, w: int) -> tuple:
    """Flat index → ``(i, j)`` tuple, shared between calls."""
    return tuple((i, j) for i in range(h) for j in range(w))


def objects(grid: tuple, univalued: bool, diagonal: bool, without_bg: bool) -> frozenset:
    """Connected components of the grid, as Objects carrying their real grid colours.

    ``grid``: Grid, three flags → Objects.
    * ``without_bg``: cells of colour bg = ``mostcolor(grid)`` (smallest most-frequent
      colour, spec §5) are excluded; otherwise no colour is excluded.
    * ``diagonal``: 8-neighbourhood instead of the 4-neighbourhood (in-grid neighbours
      only).
    * ``univalued``: neighbouring included cells link only when their colours are equal;
      otherwise any two neighbouring included cells link.
    Each object is a maximal connected set; the result is order-independent.
    Raises ValueError (from mostcolor) when ``without_bg`` is true and the grid has no
    cells (``()`` or rows of ``()``); IndexError on ``()`` when ``without_bg`` is false;
    IndexError on ragged grids with a row shorter than the first.
    Implements arc-dsl #90 objects, spec §4.8.
    """
    bg = _measures.mostcolor(grid) if without_bg else None
    h, w = len(grid), len(grid[0])
    flat: list = []
    for row in grid:
        if len(row) < w:
            raise IndexError("objects: ragged grid (row shorter than the first)")
        flat.extend(row[:w])
    n = h * w
    if n == 0:
        return frozenset()
    pos = _position_table(h, w)
    if not univalued and not without_bg:
        return frozenset({frozenset(zip(flat, pos))})
    nbrs = _neighbour_table(h, w, bool(diagonal))
    seen = bytearray(n)
    if without_bg:
        for p in range(n):
            if flat[p] == bg:
                seen[p] = 1
    result = []
    for start in range(n):
        if seen[start]:
            continue
        seen[start] = 1
        comp = [start]
        stack = [start]
        if univalued:
            colour = flat[start]
            while stack:
                p = stack.pop()
                for q in nbrs[p]:
                    if not seen[q] and flat[q] == colour:
                        seen[q] = 1
                        comp.append(q)
                        stack.append(q)
        else:
            while stack:
                p = stack.pop()
                for q in nbrs[p]:
                    if not seen[q]:
                        seen[q] = 1
                        comp.append(q)
                        stack.append(q)
        result.append(frozenset([(flat[p], pos[p]) for p in comp]))
    return frozenset(result)


def _by_colour(grid: tuple) -> dict:
    groups: dict = {}
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            groups.setdefault(v, []).append((v, (i, j)))
    return groups


def partition(grid: tuple) -> frozenset:
    """One Object per distinct grid value, made of all cells of that value.

    ``grid``: Grid → Objects (cells of one colour need not be connected).
    ``partition(())`` → ``frozenset()``; never raises on grids.
    Implements arc-dsl #91 partition, spec §4.8.
    """
    return frozenset(frozenset(cells) for cells in _by_colour(grid).values())


def fgpartition(grid: tuple) -> frozenset:
    """:func:`partition` without the object of bg = ``mostcolor(grid)`` (smallest
    most-frequent colour, spec §5).

    ``grid``: Grid → Objects. A single-colour grid gives ``frozenset()``.
    Raises ValueError (from mostcolor) on a grid without cells (``()``, ``((),)``).
    Implements arc-dsl #92 fgpartition, spec §4.8.
    """
    bg = _measures.mostcolor(grid)
    return frozenset(
        frozenset(cells) for v, cells in _by_colour(grid).items() if v != bg
    )


# ---------------------------------------------------------------------------------------
# matching, frontiers and periods

def occurrences(grid: tuple, obj: Any) -> frozenset:
    """Upper-left corners where the normalised object matches the grid.

    ``grid``: Grid, ``obj``: Object → Indices. Candidates are every ``(i, j)`` with
    ``0 ≤ i ≤ h − height(obj)`` and ``0 ≤ j ≤ w − width(obj)``; one matches when each
    object cell's colour equals the grid colour under it (other bounding-box positions
    are unconstrained). An empty object matches everywhere in ``[0, h] × [0, w]``
    (inclusive bounds); an object larger than the grid gives ``frozenset()``.
    Raises IndexError on the empty grid ``()``; TypeError for Indices whenever at least
    one candidate position exists.
    Implements arc-dsl #156 occurrences, spec §4.11.
    """
    h, w = len(grid), len(grid[0])
    if len(obj) == 0:
        oh = ow = top = left = 0
    else:
        top, left, bottom, right = _bounds(_positions(obj))
        oh, ow = bottom - top + 1, right - left + 1
    h2, w2 = h - oh + 1, w - ow + 1
    if h2 <= 0 or w2 <= 0:
        return frozenset()
    cells = [(v, i - top, j - left) for v, (i, j) in obj]  # TypeError for Indices
    found = []
    for i in range(h2):
        for j in range(w2):
            for v, a, b in cells:
                if grid[i + a][j + b] != v:
                    break
            else:
                found.append((i, j))
    return frozenset(found)


def frontiers(grid: tuple) -> frozenset:
    """Objects for the uniform rows and uniform columns of the grid.

    ``grid``: Grid → Objects. Each row whose cells are all equal gives the Object of the
    whole row, each such column the Object of the whole column; identical objects
    collapse. A row or column of length 0 is not uniform: ``frontiers(((),))`` →
    ``frozenset()``.
    Raises IndexError on the empty grid ``()``.
    Implements arc-dsl #157 frontiers, spec §4.11.
    """
    h, w = len(grid), len(grid[0])
    found = set()
    for i, row in enumerate(grid):
        if _is_uniform(row):
            found.add(frozenset((row[j], (i, j)) for j in range(w)))
    for j, col in enumerate(zip(*grid)):
        if _is_uniform(col):
            found.add(frozenset((grid[i][j], (i, j)) for i in range(h)))
    return frozenset(found)


def _period(obj: Any, axis: int) -> int:
    """Shared body of hperiod (axis 1, columns) and vperiod (axis 0, rows)."""
    if len(obj) == 0:
        return 0
    top, left, bottom, right = _bounds(_positions(obj))
    extent = (right - left + 1) if axis == 1 else (bottom - top + 1)
    if extent <= 1:
        return extent
    cells = frozenset((v, (i - top, j - left)) for v, (i, j) in obj)  # TypeError: Indices
    for p in range(1, extent):
        if axis == 1:
            ok = all((v, (i, j - p)) in cells for v, (i, j) in cells if j >= p)
        else:
            ok = all((v, (i - p, j)) in cells for v, (i, j) in cells if i >= p)
        if ok:
            return p
    return extent


def hperiod(obj: Any) -> int:
    """Smallest horizontal period of the normalised object (one-directional test).

    ``obj``: Object → int. With ``w`` the object's width, returns the smallest ``p`` in
    ``1 … w−1`` such that every cell with column ≥ p, shifted left by ``p`` with its
    colour, is a cell of the object; ``w`` if none. Empty → 0.
    Raises TypeError for Indices of width ≥ 2 (Indices of width 1 give 1).
    Implements arc-dsl #159 hperiod, spec §4.11.
    """
    return _period(obj, 1)


def vperiod(obj: Any) -> int:
    """Smallest vertical period of the normalised object (one-directional test).

    ``obj``: Object → int. As :func:`hperiod` along rows, using the height: the smallest
    ``p`` in ``1 … h−1`` such that every cell with row ≥ p, shifted up by ``p``, is a cell
    of the object; ``h`` if none. Empty → 0.
    Raises TypeError for Indices of height ≥ 2.
    Implements arc-dsl #160 vperiod, spec §4.11.
    """
    return _period(obj, 0)
