"""Primitives between grids and patches: conversion, painting, cutting and matching.

arc-dsl #76 asindices, #77 ofcolor (spec §4.6), #104 bordering, #109 toobject, #110
asobject (§4.9), #118 fill, #119 paint, #120 underfill, #121 underpaint, #128 subgrid
(§4.10), #140 cover, #142 move, #156 occurrences (§4.11), with the bounds and empty-grid
rules of spec §2.3 / §2.6 and the canonical tie-breaks of §5.

Values (see :mod:`jaxdsl.values`, :mod:`jaxdsl.containers`): Grid ``(cells int8[H, W],
h, w)``; a patch is an :class:`~jaxdsl.containers.Elems` — Indices ``data int32[P, 2]``
rows ``(i, j)``, Object ``data int32[P, 3]`` rows ``(colour, i, j)`` — canonical order,
zero rows from ``n`` on. The position of a patch row is always its last two columns, so
one function serves both patch types; where the types differ (``paint`` and co. raise on
Indices) the static row width ``F`` decides. Every function is unbatched and returns
``result(value, ok, overflow)``.

Shared conventions:

* **Painting is a scatter into the cell array.** Patch rows at positions outside
  ``[0, h) × [0, w)`` (negative ones included; nothing wraps, spec §2.3) are redirected to
  an index past the array and dropped, so every writer costs O(P) scatter + O(H·W).
  Where several rows hit one position: ``paint`` (and ``move``) keep the largest colour,
  ``underpaint`` the smallest non-background colour (spec §5, the last / first in
  canonical order); ``fill`` & co. write one value, so ties do not matter.
* **Background** is :func:`jaxdsl.prims.measures.mostcolor` (smallest most-frequent
  colour, spec §5), computed once from the input grid.
* **ok** is False exactly where the reference raises: ``IndexError`` on the grid ``()``
  (``len(grid[0])``, spec §2.6), ``ValueError`` from ``mostcolor`` on a grid without cells
  (``()`` or rows of ``()``), ``TypeError`` when a non-empty Indices reaches the
  ``for c, (i, j) in obj`` unpacking (``paint``, ``underpaint``, ``move``,
  ``occurrences``), ``TypeError`` / ``IndexError`` from a ``None`` / ``()`` offset in
  ``move``, ``ValueError`` / ``IndexError`` on an empty patch (``bordering``,
  ``subgrid``).
* **overflow** is set (only together with ``ok``) when a grid cell would receive a colour
  an ``int8`` cannot hold (``[CELL_MIN, CELL_MAX]``, ``None`` allowed), or when a result
  container has more rows than ``caps.patch``.
* A grid result that is not ok or overflows is the empty grid; a container result that
  is not ok is the empty container. Output grids keep the input's ``cells.shape``.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from jaxdsl.containers import Elems, compact, patch_bounds, row_mask
from jaxdsl.prims import Signature
from jaxdsl.prims.grids import crop as _crop
from jaxdsl.prims.measures import mostcolor as _mostcolor
from jaxdsl.types import BOOLEAN, GRID, INDICES, INTEGER, INTEGER_TUPLE, OBJECT, TUPLE_CELL
from jaxdsl.values import (CELL_MAX, CELL_MIN, INT_NONE, Capacity, Grid, from_cell, grid_mask,
                           int_or_zero, is_empty_pair, is_sentinel, make_grid, result, to_cell)

_I32 = jnp.int32
_IMAX = jnp.iinfo(jnp.int32).max
_IMIN = jnp.iinfo(jnp.int32).min


# --------------------------------------------------------------------------- helpers


def _is_indices(patch: Elems) -> bool:
    """Static: the patch is Indices (rows ``(i, j)``) rather than an Object."""
    return patch.data.shape[-1] == 2


def _rows(patch: Elems):
    """``(i, j, live)``: ``int32[P]`` positions of every row and ``bool[P]`` rows ``< n``."""
    return patch.data[:, -2], patch.data[:, -1], row_mask(patch)


def _inside(grid: Grid, i, j, live):
    """``bool[P]``: live rows whose position lies in ``[0, h) × [0, w)``."""
    return live & (i >= 0) & (i < grid.h) & (j >= 0) & (j < grid.w)


def _targets(shape, i, j, keep):
    """Scatter indices: ``(i, j)`` where ``keep``, else ``(H, W)`` (dropped by ``mode='drop'``)."""
    H, W = shape
    return jnp.where(keep, i, H), jnp.where(keep, j, W)


def _patch_mask(grid: Grid, patch: Elems, di=0, dj=0):
    """``bool[H, W]``: the in-bounds positions of the patch shifted by ``(di, dj)``."""
    i, j, live = _rows(patch)
    i, j = i + di, j + dj
    ti, tj = _targets(grid.cells.shape, i, j, _inside(grid, i, j, live))
    return jnp.zeros(grid.cells.shape, bool).at[ti, tj].set(True, mode="drop")


def _grid_result(cells, grid: Grid, ok=True, overflow=False):
    """Package ``cells`` as a grid of the input's size ``h × w``.

    ``overflow`` is kept only where ``ok``; a result that is not ok or overflows is ``()``.
    """
    ok = jnp.asarray(ok, bool)
    overflow = ok & jnp.asarray(overflow, bool)
    good = ok & ~overflow
    out = make_grid(cells, jnp.where(good, grid.h, 0), jnp.where(good, grid.w, 0))
    return result(out, ok, overflow)


def _write(cells, mask, colours):
    """Write ``int32[H, W]`` colours into the ``int8`` cells where ``mask``.

    Returns ``(cells, overflow)``; overflow when a written colour is not storable
    (outside ``[CELL_MIN, CELL_MAX]`` and not ``None``).
    """
    cell, big = to_cell(colours)
    return jnp.where(mask, cell, cells), jnp.any(mask & big)


def _fill_mask(grid: Grid, value, mask):
    """``grid`` with ``value`` (an Integer) written where ``mask``; ``(cells, overflow)``."""
    cell, big = to_cell(value)
    return jnp.where(mask, cell, grid.cells), big & jnp.any(mask)


def _paint_max(grid: Grid, cells, obj: Elems, di=0, dj=0):
    """Paint the Object ``obj`` shifted by ``(di, dj)`` onto ``cells`` (a grid of ``grid``'s
    size); where several cells share a position the largest colour wins.

    Returns ``(cells int8[H, W], overflow bool[])``.
    """
    i, j, live = _rows(obj)
    i, j = i + di, j + dj
    ti, tj = _targets(cells.shape, i, j, _inside(grid, i, j, live))
    colour = jnp.full(cells.shape, _IMIN, _I32).at[ti, tj].max(obj.data[:, 0], mode="drop")
    hit = jnp.zeros(cells.shape, bool).at[ti, tj].set(True, mode="drop")
    return _write(cells, hit, colour)


def _background(grid: Grid):
    """``(bg int32[], has_cells bool[])``: ``mostcolor(grid)`` and whether it is defined."""
    bg, has_cells, _ = _mostcolor(grid)
    return bg, has_cells


def _fit(rows, n, cap: int):
    """``rows [L, F]`` whose first ``n`` are live → ``(int32[cap, F] zero-padded, n, overflow)``."""
    L = rows.shape[0]
    rows = jnp.where((jnp.arange(L) < n)[:, None], rows, 0)
    if L >= cap:
        rows = rows[:cap]
    else:
        rows = jnp.concatenate([rows, jnp.zeros((cap - L, rows.shape[1]), rows.dtype)])
    return rows, jnp.minimum(n, cap), n > cap


def _cells_object(grid: Grid, mask, cap: int):
    """The Object of the grid cells where ``mask`` (``bool[H, W]``), in canonical order.

    One sort of ``H·W`` composite keys ``(colour + 128)·H·W + i·W + j`` (colour order,
    then row-major; ``None`` cells sort first, as in spec §5). Returns
    ``(Elems(int32[cap, 3], n), overflow)``.
    """
    H, W = grid.cells.shape
    HW = H * W
    code = grid.cells.astype(_I32).reshape(-1) + 128
    key = jnp.where(mask.reshape(-1), code * HW + jnp.arange(HW, dtype=_I32), 256 * HW)
    key = jnp.sort(key)
    colour = from_cell((key // HW - 128).astype(jnp.int8))
    pos = key % HW
    rows = jnp.stack([colour, pos // W, pos % W], axis=1)
    data, n, overflow = _fit(rows, jnp.sum(mask, dtype=_I32), cap)
    return Elems(data, n), overflow


def _indices_where(mask, cap: int):
    """The Indices of the ``True`` cells of ``mask`` (``bool[R, C]``), row-major (canonical).

    Returns ``(Elems(int32[cap, 2], n), overflow)``.
    """
    R, C = mask.shape
    flat, n, overflow = compact(jnp.arange(R * C, dtype=_I32), mask.reshape(-1), cap)
    data = jnp.where((jnp.arange(cap) < n)[:, None], jnp.stack([flat // C, flat % C], axis=1), 0)
    return Elems(data, n), overflow


def _container_result(e: Elems, ok, overflow):
    """Package a container: empty when not ok or overflowing; overflow only where ok."""
    ok = jnp.asarray(ok, bool)
    overflow = ok & jnp.asarray(overflow, bool)
    good = ok & ~overflow
    data = jnp.where(good, e.data, 0)
    return result(Elems(data, jnp.where(good, e.n, 0)), ok, overflow)


# ------------------------------------------------------------------- grid → patch


def asindices(grid: Grid, *, caps: Capacity):
    """arc-dsl #76 ``asindices`` (spec §4.6): every ``(i, j)`` with ``i < h``, ``j < w``.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Indices ``Elems(int32[caps.patch, 2], n = h·w)`` in row-major (canonical)
    order; ``()`` and rows of ``()`` give the empty set. ``ok`` always True; ``overflow``
    when ``h·w > caps.patch``.
    """
    e, overflow = _indices_where(grid_mask(grid), caps.patch)
    return _container_result(e, True, overflow)


def ofcolor(grid: Grid, value, *, caps: Capacity):
    """arc-dsl #77 ``ofcolor`` (spec §4.6): all ``(i, j)`` with ``grid[i][j] == value``.

    Args: ``grid`` Grid ``int8[H, W]``; ``value`` Integer ``int32[]`` (``None`` matches
    ``None`` cells; a value no cell can hold matches nothing).
    Returns: Indices ``Elems(int32[caps.patch, 2], n)`` row-major; empty for an empty grid.
    ``ok`` always True; ``overflow`` when more than ``caps.patch`` cells match.
    """
    hits = grid_mask(grid) & (from_cell(grid.cells) == jnp.asarray(value, _I32))
    e, overflow = _indices_where(hits, caps.patch)
    return _container_result(e, True, overflow)


def asobject(grid: Grid, *, caps: Capacity):
    """arc-dsl #110 ``asobject`` (spec §4.9): all cells ``(grid[i][j], (i, j))``.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Object ``Elems(int32[caps.patch, 3], n = h·w)`` sorted by (colour, i, j);
    ``asobject(())`` is empty. ``ok`` always True; ``overflow`` when ``h·w > caps.patch``.
    Cost: one sort of ``H·W`` int32 keys.
    """
    e, overflow = _cells_object(grid, grid_mask(grid), caps.patch)
    return _container_result(e, True, overflow)


def toobject(patch: Elems, grid: Grid, *, caps: Capacity):
    """arc-dsl #109 ``toobject`` (spec §4.9, §2.3): ``(grid[i][j], (i, j))`` for every
    position of the patch inside ``[0, h) × [0, w)``.

    Args: ``patch`` Indices ``int32[P, 2]`` or Object ``int32[P, 3]`` (its colours are
    ignored, duplicate positions collapse); ``grid`` Grid ``int8[H, W]``.
    Returns: Object ``Elems(int32[caps.patch, 3], n)`` in canonical order. Positions
    outside the grid (negative ones too) are dropped. ``ok`` False on the grid ``()``
    (IndexError); ``overflow`` when more than ``caps.patch`` cells result.
    Cost: a scatter of the patch into an ``H × W`` mask and one sort of ``H·W`` keys.
    """
    e, overflow = _cells_object(grid, _patch_mask(grid, patch), caps.patch)
    return _container_result(e, grid.h > 0, overflow)


# ------------------------------------------------------------------------ painting


def fill(grid: Grid, value, patch: Elems):
    """arc-dsl #118 ``fill`` (spec §4.10, §2.3): every in-bounds position of the patch set
    to ``value``.

    Args: ``grid`` Grid ``int8[H, W]``; ``value`` Integer ``int32[]`` (``None`` writes
    ``None`` cells); ``patch`` Indices or Object (colours ignored).
    Returns: Grid ``int8[H, W]`` of the same ``h × w``; out-of-bounds and negative positions
    are skipped. ``ok`` False on ``()`` (IndexError); ``overflow`` when ``value`` is not
    storable in a cell and at least one cell is written.
    """
    cells, overflow = _fill_mask(grid, value, _patch_mask(grid, patch))
    return _grid_result(cells, grid, grid.h > 0, overflow)


def paint(grid: Grid, obj: Elems):
    """arc-dsl #119 ``paint`` (spec §4.10, ties §5): each in-bounds cell ``(c, (i, j))`` of
    the object written as colour ``c``; at a shared position the largest colour wins.

    Args: ``grid`` Grid ``int8[H, W]``; ``obj`` Object or Tuple[Cell] ``int32[P, 3]`` (the
    reference lets the largest colour win in a tuple too) — or Indices ``int32[P, 2]``,
    which the reference rejects (TypeError) unless empty.
    Returns: Grid ``int8[H, W]`` of the same ``h × w``. ``ok`` False on ``()``
    (IndexError) and for non-empty Indices; ``overflow`` when a written colour is not
    storable in an ``int8`` cell.
    """
    ok = grid.h > 0
    if _is_indices(obj):
        return _grid_result(grid.cells, grid, ok & (obj.n == 0))
    cells, overflow = _paint_max(grid, grid.cells, obj)
    return _grid_result(cells, grid, ok, overflow)


def underfill(grid: Grid, value, patch: Elems):
    """arc-dsl #120 ``underfill`` (spec §4.10): like ``fill``, but only positions whose cell
    equals bg = ``mostcolor(grid)`` (smallest most-frequent colour, spec §5) are written.

    Args: ``grid`` Grid ``int8[H, W]``; ``value`` Integer ``int32[]``; ``patch`` Indices
    or Object (colours ignored).
    Returns: Grid ``int8[H, W]`` of the same ``h × w``. ``ok`` False on ``()`` (IndexError)
    and on a grid of empty rows (ValueError from mostcolor); ``overflow`` when ``value``
    is not storable and some cell is written.
    """
    bg, has_cells = _background(grid)
    mask = _patch_mask(grid, patch) & (from_cell(grid.cells) == bg)
    cells, overflow = _fill_mask(grid, value, mask)
    return _grid_result(cells, grid, has_cells, overflow)


def underpaint(grid: Grid, obj: Elems):
    """arc-dsl #121 ``underpaint`` (spec §4.10, ties §5): like ``paint``, but only cells
    whose current value is bg = ``mostcolor(grid)`` are written, and only with colours
    other than bg; at a shared position the smallest such colour wins.

    Args: ``grid`` Grid ``int8[H, W]``; ``obj`` Object ``int32[P, 3]`` — or Indices
    ``int32[P, 2]``, rejected by the reference (TypeError) unless empty.
    Returns: Grid ``int8[H, W]`` of the same ``h × w``. ``ok`` False on ``()``
    (IndexError), on rows of ``()`` (ValueError) and for non-empty Indices; ``overflow``
    when a written colour is not storable in an ``int8`` cell.
    """
    bg, has_cells = _background(grid)
    if _is_indices(obj):
        return _grid_result(grid.cells, grid, has_cells & (obj.n == 0))
    i, j, live = _rows(obj)
    colour = obj.data[:, 0]
    current = from_cell(grid.cells[jnp.clip(i, 0, grid.cells.shape[0] - 1),
                                   jnp.clip(j, 0, grid.cells.shape[1] - 1)])
    keep = _inside(grid, i, j, live) & (colour != bg) & (current == bg)
    ti, tj = _targets(grid.cells.shape, i, j, keep)
    best = jnp.full(grid.cells.shape, _IMAX, _I32).at[ti, tj].min(colour, mode="drop")
    hit = jnp.zeros(grid.cells.shape, bool).at[ti, tj].set(True, mode="drop")
    cells, overflow = _write(grid.cells, hit, best)
    return _grid_result(cells, grid, has_cells, overflow)


def cover(grid: Grid, patch: Elems):
    """arc-dsl #140 ``cover`` (spec §4.11): ``fill(grid, mostcolor(grid), patch)``.

    Args: ``grid`` Grid ``int8[H, W]``; ``patch`` Indices or Object (colours ignored).
    Returns: Grid ``int8[H, W]`` of the same ``h × w`` with the patch's in-bounds positions
    set to the background (smallest most-frequent colour, spec §5). ``ok`` False on a
    grid without cells (``()``, rows of ``()``: ValueError); never overflows.
    """
    bg, has_cells = _background(grid)
    cells, _ = _fill_mask(grid, bg, _patch_mask(grid, patch))
    return _grid_result(cells, grid, has_cells)


def move(grid: Grid, obj: Elems, offset):
    """arc-dsl #142 ``move`` (spec §4.11): ``cover`` the object with the background, then
    ``paint`` it shifted by ``offset`` (cells landing outside the grid are dropped; at a
    shared position the largest colour wins).

    Args: ``grid`` Grid ``int8[H, W]``; ``obj`` Object ``int32[P, 3]`` — or Indices
    ``int32[P, 2]``, rejected by the reference (TypeError) unless empty; ``offset``
    IntegerTuple ``int32[2]``.
    Returns: Grid ``int8[H, W]`` of the same ``h × w``. ``ok`` False on a grid without
    cells (ValueError), for the offset ``()`` (IndexError), for a ``None`` offset component
    with a non-empty object (TypeError) and for non-empty Indices. ``overflow`` when a
    painted colour is not storable in an ``int8`` cell.
    """
    bg, has_cells = _background(grid)
    ok = has_cells & ~is_empty_pair(offset)
    if _is_indices(obj):
        return _grid_result(grid.cells, grid, ok & (obj.n == 0))
    ok = ok & ((obj.n == 0) | ~(is_sentinel(offset[0]) | is_sentinel(offset[1])))
    covered, _ = _fill_mask(grid, bg, _patch_mask(grid, obj))
    di = int_or_zero(offset[0])
    dj = int_or_zero(offset[1])
    cells, overflow = _paint_max(grid, covered, obj, di, dj)
    return _grid_result(cells, grid, ok, overflow)


# ------------------------------------------------------------------ cutting, testing


def subgrid(patch: Elems, grid: Grid):
    """arc-dsl #128 ``subgrid`` (spec §4.10, §2.2): ``crop(grid, ulcorner(patch),
    shape(patch))`` — the patch's bounding box with Python slice rules (a negative corner
    wraps from the end, the box is cut at the bottom/right edge).

    Args: ``patch`` Indices or Object; ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` (possibly ``()`` or rows of ``()``). ``ok`` False for an
    empty patch (IndexError: its corner is ``()``); never raises on ``()`` grids; never
    overflows.
    """
    top, left, bottom, right = patch_bounds(patch)
    some = patch.n > 0
    top, left = jnp.where(some, top, 0), jnp.where(some, left, 0)
    bottom, right = jnp.where(some, bottom, 0), jnp.where(some, right, 0)
    start = jnp.stack([top, left])
    dims = jnp.stack([bottom - top + 1, right - left + 1])
    out, _, _ = _crop(grid, start, dims)
    h = jnp.where(some, out.h, 0)
    return result(make_grid(out.cells, h, out.w), some)


def bordering(patch: Elems, grid: Grid):
    """arc-dsl #104 ``bordering`` (spec §4.9): ``uppermost == 0 or leftmost == 0 or
    lowermost == h − 1 or rightmost == w − 1`` (equality: a patch sticking out beyond a
    side does not touch it).

    Args: ``patch`` Indices or Object; ``grid`` Grid ``int8[H, W]``.
    Returns: Boolean ``bool[]``. ``ok`` False for an empty patch (ValueError), and for the
    grid ``()`` when none of the first three tests holds (the short-circuiting ``or``
    then reads ``grid[0]``: IndexError). Never overflows.
    """
    top, left, bottom, right = patch_bounds(patch)
    early = (top == 0) | (left == 0) | (bottom == grid.h - 1)
    ok = (patch.n > 0) & (early | (grid.h > 0))
    return result(ok & (early | (right == grid.w - 1)), ok)


_WORD = 32
_ALL_BITS = 0xFFFFFFFF
_MATCH_CHUNK = 128
"""Object rows per step of the scan in :func:`_match_everywhere` (bounds its memory)."""


def _row_bitsets(grid: Grid):
    """Per colour and grid row, the columns holding that colour, as bitsets.

    Returns ``uint32[257 · H · NW]`` (flattened ``[code, r, k]``, ``NW = ⌈W / 32⌉``): word
    ``k`` of ``[code, r]`` has bit ``t`` set when ``grid[r][32k + t]`` has colour code
    ``code = cell + 128`` (``None`` cells are code 0). Code 256 (colours no cell can hold)
    and cells outside ``[0, h) × [0, w)`` stay zero. One scatter of ``H·W`` cells.
    """
    H, W = grid.cells.shape
    NW = -(-W // _WORD)
    r = jnp.arange(H, dtype=_I32)[:, None]
    c = jnp.arange(W, dtype=_I32)[None, :]
    code = jnp.where(grid_mask(grid), grid.cells.astype(_I32) + 128, 257)
    index = ((code * H + r) * NW + c // _WORD).reshape(-1)       # ≥ 257·H·NW: dropped
    bit = jnp.left_shift(jnp.uint32(1), (c % _WORD).astype(jnp.uint32))
    bit = jnp.broadcast_to(bit, (H, W)).reshape(-1)
    return jnp.zeros((257 * H * NW,), jnp.uint32).at[index].add(bit, mode="drop")


def _colour_code(colour):
    """Row of :func:`_row_bitsets` holding an Integer colour (256: no cell holds it)."""
    storable = (colour >= CELL_MIN) & (colour <= CELL_MAX)
    return jnp.where(colour == INT_NONE, 0, jnp.where(storable, colour + 128, 256))


def _match_everywhere(grid: Grid, obj: Elems, top, left):
    """``bool[H, W]``: placements ``(i, j)`` where every live object cell ``(v, (a, b))``
    (normalised by ``(top, left)``) satisfies ``grid[i + a][j + b] == v``.

    Bit-parallel over columns: for an object cell and a placement row ``i``, the bitset of
    grid row ``i + a`` for colour ``v``, shifted right by ``b``, has bit ``j`` set exactly
    where the cell matches; AND over the object's rows gives the placements. Cost
    O(P·H·⌈W/32⌉) word gathers (P = patch capacity) plus the O(H·W) scatter of
    :func:`_row_bitsets` into ``257·H·⌈W/32⌉`` words (31 KB for 30×30).

    Only placements that keep the object inside the grid (``i + a < h``, ``j + b < w``)
    are meaningful; indices beyond are clipped and the caller masks those placements.
    """
    H, W = grid.cells.shape
    NW = -(-W // _WORD)
    table = _row_bitsets(grid)
    i, j, live = _rows(obj)
    a = jnp.clip(i - top, 0, H - 1)
    b = jnp.clip(j - left, 0, NW * _WORD - 1)
    code = _colour_code(obj.data[:, 0])
    ones = jnp.uint32(_ALL_BITS)

    def chunk_bits(a, b, code, live):
        """AND of the shifted bitsets of a chunk of object rows → ``uint32[H, NW]``."""
        q, s = b // _WORD, (b % _WORD).astype(jnp.uint32)
        rows = jnp.minimum(a[:, None] + jnp.arange(H, dtype=_I32)[None, :], H - 1)   # [C, H]
        base = (code[:, None] * H + rows)[:, :, None] * NW                              # [C, H, 1]
        k = q[:, None] + jnp.arange(NW, dtype=_I32)[None, :]                            # [C, NW]
        s3 = s[:, None, None]
        word = jnp.right_shift(table[base + jnp.minimum(k, NW - 1)[:, None, :]], s3)
        if NW > 1:   # bits carried in from the next word (for W ≤ 32 no valid bit needs one)
            hi = table[base + jnp.minimum(k + 1, NW - 1)[:, None, :]]
            hi = jnp.where((k + 1 < NW)[:, None, :], hi, jnp.uint32(0))
            word = word | jnp.where(s3 == 0, jnp.uint32(0),
                                    jnp.left_shift(hi, (_WORD - s3) % _WORD))
        word = jnp.where(live[:, None, None], word, ones)
        return lax.reduce(word, ones, lax.bitwise_and, (0,))

    P = a.shape[0]
    C = min(P, _MATCH_CHUNK)
    pad = -P % C
    parts = [jnp.pad(x, (0, pad)).reshape(-1, C) for x in (a, b, code, live)]

    def step(acc, part):
        return acc & chunk_bits(*part), None

    bits, _ = lax.scan(step, jnp.full((H, NW), ones), tuple(parts))
    col = jnp.arange(W, dtype=_I32)
    picked = bits[:, col // _WORD]                                                     # [H, W]
    return (jnp.right_shift(picked, (col % _WORD).astype(jnp.uint32)[None, :]) & 1) == 1


def occurrences(grid: Grid, obj: Elems, *, caps: Capacity):
    """arc-dsl #156 ``occurrences`` (spec §4.11): every ``(i, j)`` with
    ``0 ≤ i ≤ h − height(obj)``, ``0 ≤ j ≤ w − width(obj)`` where the normalised object
    placed at ``(i, j)`` matches the grid colour at each of its cells (other bounding-box
    positions are unconstrained).

    Args: ``grid`` Grid ``int8[H, W]``; ``obj`` Object ``int32[P, 3]`` or Indices
    ``int32[P, 2]``.
    Returns: Indices ``Elems(int32[caps.patch, 2], n)`` in row-major order. An empty patch
    matches everywhere in ``[0, h] × [0, w]`` (inclusive bounds); an object larger than
    the grid, or one with two colours at a position, gives the empty set. ``ok`` False on
    ``()`` (IndexError) and for non-empty Indices that fit inside the grid (TypeError);
    non-empty Indices larger than the grid give the empty set. ``overflow`` when more
    than ``caps.patch`` positions result.
    Cost (Objects): O(P·H·⌈W/32⌉) bitset words (:func:`_match_everywhere`).
    """
    H, W = grid.cells.shape
    top, left, bottom, right = patch_bounds(obj)
    some = obj.n > 0
    oh = jnp.where(some, bottom - top + 1, 0)
    ow = jnp.where(some, right - left + 1, 0)
    h2, w2 = grid.h - oh + 1, grid.w - ow + 1
    fits = (h2 > 0) & (w2 > 0)
    ok = grid.h > 0
    I = jnp.arange(H + 1, dtype=_I32)[:, None]
    J = jnp.arange(W + 1, dtype=_I32)[None, :]
    keep = fits & (I < h2) & (J < w2)
    if _is_indices(obj):
        ok = ok & ~(some & fits)
        keep = keep & ~some
    else:
        match = _match_everywhere(grid, obj, top, left)
        match = jnp.pad(match, ((0, 1), (0, 1)), constant_values=True)
        keep = keep & match
    e, overflow = _indices_where(keep, caps.patch)
    return _container_result(e, ok, overflow)


# --------------------------------------------------------------------------- registry

_PATCHES = (INDICES, OBJECT)

SIGNATURES: dict[str, tuple[Signature, ...]] = {
    "asindices": (Signature((GRID,), INDICES, asindices),),
    "ofcolor": (Signature((GRID, INTEGER), INDICES, ofcolor),),
    "asobject": (Signature((GRID,), OBJECT, asobject),),
    "toobject": tuple(Signature((p, GRID), OBJECT, toobject) for p in _PATCHES),
    "fill": tuple(Signature((GRID, INTEGER, p), GRID, fill) for p in _PATCHES),
    "paint": (*(Signature((GRID, p), GRID, paint) for p in (OBJECT, INDICES)),
              Signature((GRID, TUPLE_CELL), GRID, paint)),
    "underfill": tuple(Signature((GRID, INTEGER, p), GRID, underfill) for p in _PATCHES),
    "underpaint": tuple(Signature((GRID, p), GRID, underpaint) for p in (OBJECT, INDICES)),
    "cover": tuple(Signature((GRID, p), GRID, cover) for p in _PATCHES),
    "move": tuple(Signature((GRID, p, INTEGER_TUPLE), GRID, move) for p in (OBJECT, INDICES)),
    "subgrid": tuple(Signature((p, GRID), GRID, subgrid) for p in _PATCHES),
    "bordering": tuple(Signature((p, GRID), BOOLEAN, bordering) for p in _PATCHES),
    "occurrences": tuple(Signature((GRID, p), INDICES, occurrences) for p in (OBJECT, INDICES)),
}
"""Primitive name → its painting-family signatures (merged into ``jaxdsl.prims.REGISTRY``)."""
