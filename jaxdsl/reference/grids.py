"""Reference DSL: grid transforms (arc-dsl-spec.md §4.7, §4.10, §4.11).

Primitives: crop, rot90, rot180, rot270, hmirror, vmirror, dmirror, cmirror, fill, paint,
underfill, underpaint, hupscale, vupscale, upscale, downscale, hconcat, vconcat, subgrid,
hsplit, vsplit, cellwise, replace, switch, index, canvas, cover, trim, move, tophalf,
bottomhalf, lefthalf, righthalf, compress.

Slicing follows Python (spec §2.2: negative bounds wrap, then clamp, never raise); the
writers fill/paint/underfill/underpaint check bounds explicitly (spec §2.3).
"""

from __future__ import annotations

from typing import Any

from . import _base
from . import measures as _measures
# ``from .objects import …`` goes through sys.modules: the package attribute ``objects`` is
# rebound to the ``objects`` primitive once the package has collected its primitives.
from .objects import _bounds, _positions

__all__ = [
    "crop", "rot90", "rot180", "rot270", "hmirror", "vmirror", "dmirror", "cmirror",
    "fill", "paint", "underfill", "underpaint", "hupscale", "vupscale", "upscale",
    "downscale", "hconcat", "vconcat", "subgrid", "hsplit", "vsplit", "cellwise",
    "replace", "switch", "index", "canvas", "cover", "trim", "move", "tophalf",
    "bottomhalf", "lefthalf", "righthalf", "compress",
]


def _freeze(rows) -> tuple:
    return tuple(tuple(r) for r in rows)


# ---------------------------------------------------------------------------------------
# cutting

def crop(grid: tuple, start: tuple, dims: tuple) -> tuple:
    """Rows ``start[0] … start[0]+dims[0]−1``, and in each the columns
    ``start[1] … start[1]+dims[1]−1``, with Python slice rules (negative bounds wrap, then
    clamp). The result may be smaller than ``dims``, ``()`` or rows of ``()``.

    ``grid``: Grid, ``start``/``dims``: IntegerTuple → Grid. Never raises on grids.
    Implements arc-dsl #82 crop, spec §4.7 and §2.2.
    """
    r0, c0 = start[0], start[1]
    r1, c1 = r0 + dims[0], c0 + dims[1]
    return tuple(row[c0:c1] for row in grid[r0:r1])


def subgrid(patch: Any, grid: tuple) -> tuple:
    """The patch's bounding box cut out of the grid: ``crop(grid, ulcorner, shape)``.

    ``patch``: Patch, ``grid``: Grid → Grid. Inherits crop's slicing (negative corners
    wrap, the box is cut at the bottom/right edge).
    Raises IndexError on an empty patch (its ulcorner is ``()``).
    Implements arc-dsl #128 subgrid, spec §4.10.
    """
    if len(patch) == 0:
        raise IndexError("subgrid: empty patch has no corner")
    top, left, bottom, right = _bounds(_positions(patch))
    return crop(grid, (top, left), (bottom - top + 1, right - left + 1))


def hsplit(grid: tuple, n: int) -> tuple:
    """``n`` side-by-side pieces of width ``s = w // n``; piece ``k`` is the crop at
    ``(0, k(s+o))`` of size ``(h, s)``, where ``o = 1`` if ``w mod n ≠ 0`` (one separator
    column assumed between pieces), else 0.

    ``grid``: Grid, ``n``: int → tuple of Grids. Pieces past the right edge are cut short;
    ``n > w`` gives pieces of ``h`` empty rows.
    Raises ZeroDivisionError for ``n = 0``; IndexError on ``()``.
    Implements arc-dsl #129 hsplit, spec §4.10.
    """
    h, w = len(grid), len(grid[0])
    s = w // n
    o = 1 if w % n != 0 else 0
    return tuple(crop(grid, (0, k * (s + o)), (h, s)) for k in range(n))


def vsplit(grid: tuple, n: int) -> tuple:
    """``n`` stacked pieces of height ``s = h // n``; piece ``k`` is rows
    ``k(s+o) … k(s+o)+s−1`` with all columns, ``o = 1`` if ``h mod n ≠ 0`` else 0.

    ``grid``: Grid, ``n``: int → tuple of Grids. ``n > h`` gives pieces ``()``.
    Raises ZeroDivisionError for ``n = 0``; IndexError on ``()``.
    Implements arc-dsl #130 vsplit, spec §4.10.
    """
    h, w = len(grid), len(grid[0])
    s = h // n
    o = 1 if h % n != 0 else 0
    return tuple(crop(grid, (k * (s + o), 0), (s, w)) for k in range(n))


def trim(grid: tuple) -> tuple:
    """The grid without its outer ring: rows 1 … h−2, columns 1 … w−2 (slice rules).

    ``grid``: Grid → Grid. ``h ≤ 2`` gives ``()``; ``w ≤ 2`` gives rows of ``()``.
    Never raises on grids.
    Implements arc-dsl #141 trim, spec §4.11.
    """
    return tuple(row[1:-1] for row in grid[1:-1])


def tophalf(grid: tuple) -> tuple:
    """The first ``h // 2`` rows (the middle row of an odd grid is excluded).

    ``grid``: Grid → Grid. ``tophalf(((1,),))`` → ``()``. Never raises on grids.
    Implements arc-dsl #143 tophalf, spec §4.11.
    """
    return grid[: len(grid) // 2]


def bottomhalf(grid: tuple) -> tuple:
    """The last ``h // 2`` rows, starting at row ``h − h // 2``.

    ``grid``: Grid → Grid. Never raises on grids.
    Implements arc-dsl #144 bottomhalf, spec §4.11.
    """
    h = len(grid)
    return grid[h - h // 2:]


def _min_width(grid: tuple) -> int:
    """Number of columns a rotation keeps: the shortest row's length (0 for ``()``)."""
    return min(len(r) for r in grid) if grid else 0


def lefthalf(grid: tuple) -> tuple:
    """The first ``w // 2`` columns of every row.

    ``grid``: Grid → Grid. Computed as through rotations in the original, so when
    ``w // 2 == 0`` the result is ``()`` (not rows of ``()``), and a ragged grid counts
    its shortest row as ``w``. Never raises on grids.
    Implements arc-dsl #145 lefthalf, spec §4.11.
    """
    k = _min_width(grid) // 2
    if k == 0:
        return ()
    return tuple(tuple(row[:k]) for row in grid)


def righthalf(grid: tuple) -> tuple:
    """The last ``w // 2`` columns of every row (middle column excluded).

    ``grid``: Grid → Grid. ``w ≤ 1`` gives ``()``; a ragged grid counts its shortest row
    as ``w``. Never raises on grids.
    Implements arc-dsl #146 righthalf, spec §4.11.
    """
    m = _min_width(grid)
    k = m // 2
    if k == 0:
        return ()
    return tuple(tuple(row[m - k:m]) for row in grid)


def compress(grid: tuple) -> tuple:
    """The grid without its uniform rows and uniform columns (judged on the input).

    ``grid``: Grid → Grid. A row/column is uniform when it has exactly one distinct
    value. All rows uniform → ``()``; all columns uniform (not all rows) → rows of ``()``.
    Never raises on grids.
    Implements arc-dsl #158 compress, spec §4.11.
    """
    drop_cols = {j for j, col in enumerate(zip(*grid)) if len(set(col)) == 1}
    return tuple(
        tuple(v for j, v in enumerate(row) if j not in drop_cols)
        for row in grid if len(set(row)) != 1
    )


# ---------------------------------------------------------------------------------------
# rotations and mirrors

def rot90(grid: tuple) -> tuple:
    """Quarter turn clockwise: ``out[i][j] = grid[h−1−j][i]`` (w rows of h cells).

    ``grid``: Grid → Grid. ``()`` → ``()``; a grid of empty rows → ``()``; ragged rows
    are truncated to the shortest. Never raises on grids.
    Implements arc-dsl #111 rot90, spec §4.10.
    """
    return tuple(zip(*grid[::-1]))


def rot180(grid: tuple) -> tuple:
    """Half turn: ``out[i][j] = grid[h−1−i][w−1−j]``; empty rows keep their count.

    ``grid``: Grid → Grid. ``rot180(((), ()))`` → ``((), ())``. Never raises on grids.
    Implements arc-dsl #112 rot180, spec §4.10.
    """
    return tuple(tuple(row[::-1]) for row in grid[::-1])


def rot270(grid: tuple) -> tuple:
    """Quarter turn anticlockwise: ``out[i][j] = grid[j][w−1−i]``.

    ``grid``: Grid → Grid. A grid of empty rows → ``()``. Never raises on grids.
    Implements arc-dsl #113 rot270, spec §4.10.
    """
    return tuple(zip(*grid))[::-1]


def hmirror(piece: Any) -> Any:
    """Upside-down flip.

    ``piece``: Grid (any tuple) → rows reversed; Patch → each row ``i`` becomes
    ``uppermost + lowermost − i`` (colours and patch kind kept).
    Raises IndexError on an empty patch; ``hmirror(())`` → ``()``.
    Implements arc-dsl #114 hmirror, spec §4.10.
    """
    if _base.is_grid(piece):
        return piece[::-1]
    if len(piece) == 0:
        raise IndexError("hmirror: empty patch")
    if _base.is_object(piece):
        rows = [p[0] for _, p in piece]
        d = min(rows) + max(rows)
        return frozenset((c, (d - i, j)) for c, (i, j) in piece)
    rows = [i for i, _ in piece]
    d = min(rows) + max(rows)
    return frozenset((d - i, j) for i, j in piece)


def vmirror(piece: Any) -> Any:
    """Left-to-right flip.

    ``piece``: Grid → each row reversed; Patch → each column ``j`` becomes
    ``leftmost + rightmost − j`` (colours and patch kind kept).
    Raises IndexError on an empty patch.
    Implements arc-dsl #115 vmirror, spec §4.10.
    """
    if _base.is_grid(piece):
        return tuple(tuple(row[::-1]) for row in piece)
    if len(piece) == 0:
        raise IndexError("vmirror: empty patch")
    if _base.is_object(piece):
        cols = [p[1] for _, p in piece]
        d = min(cols) + max(cols)
        return frozenset((c, (i, d - j)) for c, (i, j) in piece)
    cols = [j for _, j in piece]
    d = min(cols) + max(cols)
    return frozenset((i, d - j) for i, j in piece)


def dmirror(piece: Any) -> Any:
    """Transpose along the main diagonal.

    ``piece``: Grid → ``out[i][j] = grid[j][i]`` (a grid of empty rows → ``()``);
    Patch → with ``(a, b)`` = ulcorner, ``(i, j)`` becomes ``(a + j − b, b + i − a)``.
    Raises ValueError on an empty patch.
    Implements arc-dsl #116 dmirror, spec §4.10.
    """
    if _base.is_grid(piece):
        return tuple(zip(*piece))
    if len(piece) == 0:
        raise ValueError("dmirror: empty patch has no corner")
    if _base.is_object(piece):
        a, b, _, _ = _bounds([p for _, p in piece])
        return frozenset((c, (a + j - b, b + i - a)) for c, (i, j) in piece)
    a, b, _, _ = _bounds(piece)
    return frozenset((a + j - b, b + i - a) for i, j in piece)


def cmirror(piece: Any) -> Any:
    """Transpose along the anti-diagonal.

    ``piece``: Grid → ``out[i][j] = grid[h−1−j][w−1−i]``; Patch → with ``a, b, c, d`` =
    uppermost, leftmost, lowermost, rightmost, ``(i, j)`` becomes
    ``(a + d − j, b + c − i)``.
    Raises IndexError on an empty patch.
    Implements arc-dsl #117 cmirror, spec §4.10.
    """
    if _base.is_grid(piece):
        return tuple(zip(*(row[::-1] for row in piece[::-1])))
    if len(piece) == 0:
        raise IndexError("cmirror: empty patch")
    if _base.is_object(piece):
        a, b, c, d = _bounds([p for _, p in piece])
        return frozenset((v, (a + d - j, b + c - i)) for v, (i, j) in piece)
    a, b, c, d = _bounds(piece)
    return frozenset((a + d - j, b + c - i) for i, j in piece)


# ---------------------------------------------------------------------------------------
# writing into grids

def fill(grid: tuple, value: int, patch: Any) -> tuple:
    """Copy of the grid with every in-bounds position of the patch set to ``value``.

    ``grid``: Grid, ``value``: int, ``patch``: Patch (Object colours ignored) → Grid.
    Positions outside ``0 ≤ i < h, 0 ≤ j < w`` (negative ones included) are skipped.
    Raises IndexError on the empty grid ``()``.
    Implements arc-dsl #118 fill, spec §4.10 and §2.3.
    """
    h, w = len(grid), len(grid[0])
    out = [list(row) for row in grid]
    for i, j in _positions(patch):
        if 0 <= i < h and 0 <= j < w:
            out[i][j] = value
    return _freeze(out)


def paint(grid: tuple, obj: Any) -> tuple:
    """Copy of the grid with each in-bounds cell ``(c, (i, j))`` of the object written.

    ``grid``: Grid, ``obj``: Object → Grid. When several cells share a position the
    largest colour wins (the last one in canonical order, spec §5).
    Raises IndexError on ``()``; TypeError for (non-empty) Indices.
    Implements arc-dsl #119 paint, spec §4.10.
    """
    h, w = len(grid), len(grid[0])
    written: dict = {}
    for c, (i, j) in obj:
        if 0 <= i < h and 0 <= j < w:
            key = (i, j)
            prev = written.get(key)
            if prev is None or c > prev:
                written[key] = c
    if not written:
        return _freeze(grid)
    out = [list(row) for row in grid]
    for (i, j), c in written.items():
        out[i][j] = c
    return _freeze(out)


def underfill(grid: tuple, value: int, patch: Any) -> tuple:
    """Like :func:`fill`, but only writes positions whose value is bg = ``mostcolor(grid)``
    (smallest most-frequent colour, spec §5; computed once from the input).

    ``grid``: Grid, ``value``: int, ``patch``: Patch → Grid.
    Raises IndexError on ``()``; ValueError (from mostcolor) on a grid of empty rows.
    Implements arc-dsl #120 underfill, spec §4.10.
    """
    h, w = len(grid), len(grid[0])
    bg = _measures.mostcolor(grid)
    out = [list(row) for row in grid]
    for i, j in _positions(patch):
        if 0 <= i < h and 0 <= j < w and out[i][j] == bg:
            out[i][j] = value
    return _freeze(out)


def underpaint(grid: tuple, obj: Any) -> tuple:
    """Like :func:`paint`, but only writes positions whose current value is
    bg = ``mostcolor(grid)``. When several cells share a bg position, the smallest
    colour that differs from bg wins (the first such one in canonical order, spec §5).

    ``grid``: Grid, ``obj``: Object → Grid.
    Raises IndexError on ``()``; ValueError (from mostcolor) on a grid of empty rows;
    TypeError for (non-empty) Indices.
    Implements arc-dsl #121 underpaint, spec §4.10.
    """
    h, w = len(grid), len(grid[0])
    bg = _measures.mostcolor(grid)
    out = [list(row) for row in grid]
    chosen: dict = {}
    for c, (i, j) in obj:
        if 0 <= i < h and 0 <= j < w and c != bg and out[i][j] == bg:
            key = (i, j)
            prev = chosen.get(key)
            if prev is None or c < prev:
                chosen[key] = c
    for (i, j), c in chosen.items():
        out[i][j] = c
    return _freeze(out)


def cover(grid: tuple, patch: Any) -> tuple:
    """Fill the patch's positions with bg = ``mostcolor(grid)`` (smallest most-frequent
    colour, spec §5).

    ``grid``: Grid, ``patch``: Patch → Grid.
    Raises ValueError (from mostcolor) on a grid without cells (``()``, ``((),)``).
    Implements arc-dsl #140 cover, spec §4.11.
    """
    return fill(grid, _measures.mostcolor(grid), patch)


def move(grid: tuple, obj: Any, offset: tuple) -> tuple:
    """Cover the object with bg, then paint it shifted by ``offset``; cells landing
    outside the grid are dropped.

    ``grid``: Grid, ``obj``: Object, ``offset``: IntegerTuple → Grid.
    Raises ValueError on a grid without cells; TypeError for (non-empty) Indices.
    Implements arc-dsl #142 move, spec §4.11.
    """
    covered = cover(grid, obj)
    di, dj = offset[0], offset[1]
    shifted = frozenset((c, (i + di, j + dj)) for c, (i, j) in obj)
    return paint(covered, shifted)


# ---------------------------------------------------------------------------------------
# scaling and concatenation

def hupscale(grid: tuple, factor: int) -> tuple:
    """Each value repeated ``factor`` times within its row; the row count is unchanged.

    ``grid``: Grid, ``factor``: int → Grid. ``factor ≤ 0`` gives rows of ``()``;
    ``()`` → ``()``. Never raises on grids.
    Implements arc-dsl #122 hupscale, spec §4.10.
    """
    reps = range(factor)
    return tuple(tuple(v for v in row for _ in reps) for row in grid)


def vupscale(grid: tuple, factor: int) -> tuple:
    """Each row repeated ``factor`` times, consecutively.

    ``grid``: Grid, ``factor``: int → Grid. ``factor ≤ 0`` gives ``()``.
    Implements arc-dsl #123 vupscale, spec §4.10.
    """
    reps = range(factor)
    return tuple(row for row in grid for _ in reps)


def upscale(element: Any, factor: int) -> Any:
    """Scale a Grid or an Object by ``factor``.

    * Grid (any tuple): each cell becomes a factor×factor block; ``factor ≤ 0`` → ``()``.
    * Object: the upper-left corner ``(a, b)`` stays fixed; each cell ``(c, (i, j))``
      becomes ``(c, (a + f(i−a) + p, b + f(j−b) + q))`` for ``0 ≤ p, q < f``.
      ``factor ≤ 0`` or an empty object → ``frozenset()``.
    Raises TypeError for (non-empty) Indices.
    Implements arc-dsl #124 upscale, spec §4.10.
    """
    if _base.is_grid(element):
        reps = range(factor)
        return tuple(
            tuple(v for v in row for _ in reps) for row in element for _ in reps
        )
    if len(element) == 0:
        return frozenset()
    a, b, _, _ = _bounds(_positions(element))
    cells = [(c, i - a, j - b) for c, (i, j) in element]  # TypeError for Indices
    reps = range(factor)
    return frozenset(
        (c, (a + factor * i + p, b + factor * j + q))
        for c, i, j in cells for p in reps for q in reps
    )


def downscale(grid: tuple, factor: int) -> tuple:
    """Sub-sample: keep rows and columns whose index is divisible by ``factor`` (the
    top-left cell of each block, no averaging). A negative factor acts as its absolute
    value.

    ``grid``: Grid, ``factor``: int → Grid.
    Raises IndexError on ``()``; ZeroDivisionError for ``factor = 0`` on other grids.
    Implements arc-dsl #125 downscale, spec §4.10.
    """
    h, w = len(grid), len(grid[0])
    if factor == 0:
        raise ZeroDivisionError("downscale: factor 0")
    step = abs(factor)
    cols = range(0, w, step)
    if cols and any(len(row) <= cols[-1] for row in grid):
        raise IndexError("downscale: ragged grid (row shorter than the first)")
    return tuple(tuple(grid[i][j] for j in cols) for i in range(0, h, step))


def hconcat(a: tuple, b: tuple) -> tuple:
    """Side by side: row ``k`` is ``a[k] + b[k]`` for ``k`` below the smaller height.

    ``a``, ``b``: Grid → Grid. Extra rows are dropped.
    Implements arc-dsl #126 hconcat, spec §4.10.
    """
    return tuple(ra + rb for ra, rb in zip(a, b))


def vconcat(a: tuple, b: tuple) -> tuple:
    """The rows of ``a`` followed by the rows of ``b`` (widths are not checked).

    ``a``, ``b``: Grid → Grid.
    Implements arc-dsl #127 vconcat, spec §4.10.
    """
    return a + b


# ---------------------------------------------------------------------------------------
# cell-wise operations and construction

def cellwise(a: tuple, b: tuple, fallback: int) -> tuple:
    """Grid of a's shape: ``a[i][j]`` where ``a[i][j] == b[i][j]``, ``fallback`` elsewhere.

    ``a``, ``b``: Grid, ``fallback``: int → Grid (h rows of length w = len(a[0])).
    Raises IndexError on ``a = ()`` or when ``b`` is smaller; extra parts of ``b`` are
    ignored.
    Implements arc-dsl #131 cellwise, spec §4.10.
    """
    h, w = len(a), len(a[0])
    out = []
    for i in range(h):
        ra, rb = a[i], b[i]
        out.append(tuple(
            ra[j] if ra[j] == rb[j] else fallback for j in range(w)
        ))
    return tuple(out)


def replace(grid: tuple, replacee: int, replacer: int) -> tuple:
    """Every cell equal to ``replacee`` becomes ``replacer``.

    ``grid``: Grid, two ints → Grid. Never raises on grids.
    Implements arc-dsl #132 replace, spec §4.10.
    """
    return tuple(tuple(replacer if v == replacee else v for v in row) for row in grid)


def switch(grid: tuple, a: int, b: int) -> tuple:
    """Swap colours ``a`` and ``b`` (unchanged when ``a == b``).

    ``grid``: Grid, two ints → Grid. Never raises on grids.
    Implements arc-dsl #133 switch, spec §4.10.
    """
    return tuple(
        tuple(b if v == a else (a if v == b else v) for v in row) for row in grid
    )


def index(grid: tuple, loc: tuple) -> Any:
    """``grid[i][j]`` for ``loc = (i, j)``, or ``None`` outside ``[0, h) × [0, w)``
    (negative positions are not wrapped).

    ``grid``: Grid, ``loc``: IntegerTuple → int or None.
    Raises IndexError on ``()``.
    Implements arc-dsl #136 index, spec §4.11.
    """
    i, j = loc
    h, w = len(grid), len(grid[0])
    if not (0 <= i < h and 0 <= j < w):
        return None
    return grid[i][j]


def canvas(value: int, dimensions: tuple) -> tuple:
    """A grid of ``dimensions[0]`` rows of ``dimensions[1]`` copies of ``value``.

    ``value``: int, ``dimensions``: IntegerTuple → Grid. Non-positive row counts give
    ``()``, non-positive column counts rows of ``()``.
    Implements arc-dsl #137 canvas, spec §4.11.
    """
    row = tuple(value for _ in range(dimensions[1]))
    return tuple(row for _ in range(dimensions[0]))
