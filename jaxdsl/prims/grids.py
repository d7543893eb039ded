"""Grid-valued primitives on padded grids (arc-dsl spec §4.10, §4.11 and §2).

Every function here takes unbatched values (see :mod:`jaxdsl.values`) and returns
``(value, ok, overflow)`` built with :func:`jaxdsl.values.result`. Output grids have the
array shape of the capacity ``(H, W)``: the input grid's ``cells.shape`` (``canvas``:
``caps.grid``), and keep the zero padding outside ``[0, h) × [0, w)``.

Shared conventions:

* **overflow** is set when the reference result is larger than ``(H, W)``, is ragged
  (``vconcat`` of grids of different widths), or would store a colour outside
  ``[CELL_MIN, CELL_MAX]`` in a cell. ``overflow`` is only ever set together with ``ok``.
* **ok** is False exactly where the reference raises: ``IndexError`` on ``()`` (spec
  §2.6), ``ZeroDivisionError`` (``downscale`` by 0) and ``TypeError`` where an Integer
  argument holding ``INT_NONE`` reaches Python arithmetic, comparison or ``range``.
* A result that is not ok or overflows is returned as the empty grid.
* All index arithmetic is done on iota grids and gathers; nothing branches on traced
  values, so every function works under ``jit`` and ``vmap``.
"""

from __future__ import annotations

import jax.numpy as jnp

from jaxdsl.prims import Signature
from jaxdsl.types import GRID, INTEGER, INTEGER_TUPLE
from jaxdsl.values import (INT_NONE, Capacity, Grid, from_cell, grid_mask, int_or_zero,
                           is_sentinel, make_grid, result, to_cell)

_I32 = jnp.int32


# --------------------------------------------------------------------------- helpers


def _iota(shape: tuple[int, int]):
    """Row and column index grids ``int32[H, 1]`` and ``int32[1, W]``."""
    H, W = shape
    return jnp.arange(H, dtype=_I32)[:, None], jnp.arange(W, dtype=_I32)[None, :]


def _gather(cells: jnp.ndarray, rows: jnp.ndarray, cols: jnp.ndarray) -> jnp.ndarray:
    """``cells[rows, cols]`` with both index arrays clipped into the array (broadcasting)."""
    H, W = cells.shape
    rows = jnp.clip(rows, 0, H - 1)
    cols = jnp.clip(cols, 0, W - 1)
    rows, cols = jnp.broadcast_arrays(rows, cols)
    return cells[rows, cols]


def _finish(cells: jnp.ndarray, h, w, ok=True, overflow=False):
    """Package an ``h × w`` result whose cells are ``cells[:h, :w]``.

    ``w`` is forced to 0 when ``h <= 0`` (the empty grid). ``overflow`` is raised when the
    result does not fit ``cells.shape``; both flags are only meaningful together with ``ok``.
    A result that is not ok or overflows is returned as the empty grid.
    """
    H, W = cells.shape
    ok = jnp.asarray(ok, jnp.bool_)
    h = jnp.asarray(h, _I32)
    w = jnp.where(h > 0, jnp.asarray(w, _I32), 0)
    h = jnp.maximum(h, 0)
    overflow = ok & (jnp.asarray(overflow, jnp.bool_) | (h > H) | (w > W))
    good = ok & ~overflow
    h = jnp.where(good, h, 0)
    w = jnp.where(good, w, 0)
    return result(make_grid(cells, h, w), ok, overflow)


def _slice(n, start, stop):
    """Python slice ``seq[start:stop]`` of a length-``n`` sequence (spec §2.2).

    Returns ``(first, count)``: the kept elements are ``first … first+count−1``.
    """
    n = jnp.asarray(n, _I32)

    def norm(b):
        b = jnp.where(b < 0, b + n, b)
        return jnp.clip(b, 0, n)

    s, e = norm(jnp.asarray(start, _I32)), norm(jnp.asarray(stop, _I32))
    return s, jnp.maximum(e - s, 0)


def _window(grid: Grid, r0, nr, c0, nc, ok=True):
    """The ``nr × nc`` window of ``grid`` whose top-left cell is ``(r0, c0)``."""
    I, J = _iota(grid.cells.shape)
    return _finish(_gather(grid.cells, r0 + I, c0 + J), nr, nc, ok)


def _recolor(cells: jnp.ndarray, mask: jnp.ndarray, value):
    """Write the Integer ``value`` into ``cells`` where ``mask``; returns ``(cells, overflow)``.

    ``overflow`` is True when some cell is written with a colour an ``int8`` cannot hold.
    """
    cell, big = to_cell(value)
    return jnp.where(mask, cell, cells), big & jnp.any(mask)


# --------------------------------------------------------------------- rotations, mirrors


def rot90(grid: Grid):
    """arc-dsl ``rot90`` (spec #111): quarter turn clockwise.

    Args: ``grid`` Grid ``cells int8[H, W]``.
    Returns: a Grid ``int8[H, W]`` of ``w`` rows × ``h`` columns with
    ``out[i][j] = grid[h−1−j][i]``; ``()`` when ``h == 0`` or ``w == 0`` (a grid of empty
    rows loses its row count). ``ok`` always True; ``overflow`` when ``w > H`` or ``h > W``.
    """
    I, J = _iota(grid.cells.shape)
    return _finish(_gather(grid.cells, grid.h - 1 - J, I), grid.w, grid.h)


def rot180(grid: Grid):
    """arc-dsl ``rot180`` (spec #112): half turn.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of the same ``h × w`` (a grid of empty rows keeps its row
    count) with ``out[i][j] = grid[h−1−i][w−1−j]``. ``ok`` True, ``overflow`` False.
    """
    I, J = _iota(grid.cells.shape)
    return _finish(_gather(grid.cells, grid.h - 1 - I, grid.w - 1 - J), grid.h, grid.w)


def rot270(grid: Grid):
    """arc-dsl ``rot270`` (spec #113): quarter turn anticlockwise.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``w × h`` with ``out[i][j] = grid[j][w−1−i]``; ``()``
    when ``h == 0`` or ``w == 0``. ``ok`` True; ``overflow`` when ``w > H`` or ``h > W``.
    """
    I, J = _iota(grid.cells.shape)
    return _finish(_gather(grid.cells, J, grid.w - 1 - I), grid.w, grid.h)


def hmirror(grid: Grid):
    """arc-dsl ``hmirror`` on a Grid (spec #114): the rows in reverse order.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]``, same ``h × w``, ``out[i][j] = grid[h−1−i][j]``.
    ``ok`` True, ``overflow`` False.
    """
    I, J = _iota(grid.cells.shape)
    return _finish(_gather(grid.cells, grid.h - 1 - I, J), grid.h, grid.w)


def vmirror(grid: Grid):
    """arc-dsl ``vmirror`` on a Grid (spec #115): every row reversed.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]``, same ``h × w``, ``out[i][j] = grid[i][w−1−j]``.
    ``ok`` True, ``overflow`` False.
    """
    I, J = _iota(grid.cells.shape)
    return _finish(_gather(grid.cells, I, grid.w - 1 - J), grid.h, grid.w)


def dmirror(grid: Grid):
    """arc-dsl ``dmirror`` on a Grid (spec #116): transpose along the main diagonal.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``w × h``, ``out[i][j] = grid[j][i]``; ``()`` when
    ``w == 0``. ``ok`` True; ``overflow`` when ``w > H`` or ``h > W``.
    """
    I, J = _iota(grid.cells.shape)
    return _finish(_gather(grid.cells, J, I), grid.w, grid.h)


def cmirror(grid: Grid):
    """arc-dsl ``cmirror`` on a Grid (spec #117): transpose along the anti-diagonal.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``w × h``, ``out[i][j] = grid[h−1−j][w−1−i]``; ``()``
    when ``w == 0``. ``ok`` True; ``overflow`` when ``w > H`` or ``h > W``.
    """
    I, J = _iota(grid.cells.shape)
    return _finish(_gather(grid.cells, grid.h - 1 - J, grid.w - 1 - I), grid.w, grid.h)


# -------------------------------------------------------------------------- scaling


def _clamp_factor(factor, limit: int):
    """A positive factor clipped to ``[1, limit]`` so that products stay in int32."""
    return jnp.clip(int_or_zero(factor), 1, limit)


def upscale(grid: Grid, factor):
    """arc-dsl ``upscale`` on a Grid (spec #124): every cell becomes a factor×factor block.

    Args: ``grid`` Grid ``int8[H, W]``; ``factor`` Integer ``int32[]``.
    Returns: Grid ``int8[H, W]`` of ``h·f × w·f`` with ``out[i][j] = grid[i//f][j//f]``;
    ``()`` when ``f ≤ 0`` or ``h == 0``. ``ok`` False when ``factor`` is ``None``, even on
    ``()`` (the reference evaluates ``range(None)`` eagerly: TypeError). ``overflow`` when
    the result exceeds ``(H, W)``.
    """
    H, W = grid.cells.shape
    f = int_or_zero(factor)
    fc = _clamp_factor(factor, max(H, W) + 1)
    I, J = _iota((H, W))
    cells = _gather(grid.cells, I // fc, J // fc)
    ok = ~is_sentinel(factor)
    h = jnp.where(f > 0, grid.h * fc, 0)
    return _finish(cells, h, grid.w * fc, ok)


def hupscale(grid: Grid, factor):
    """arc-dsl ``hupscale`` (spec #122): each value repeated ``factor`` times in its row.

    Args: ``grid`` Grid ``int8[H, W]``; ``factor`` Integer ``int32[]``.
    Returns: Grid ``int8[H, W]`` of ``h × w·f`` with ``out[i][j] = grid[i][j//f]``; when
    ``f ≤ 0`` the ``h`` rows are empty (rows of ``()``), and ``()`` stays ``()``. ``ok``
    False when ``factor`` is ``None``, whatever the grid (eager ``range(None)``: TypeError).
    ``overflow`` when ``w·f > W``.
    """
    H, W = grid.cells.shape
    f = int_or_zero(factor)
    fc = _clamp_factor(factor, W + 1)
    I, J = _iota((H, W))
    cells = _gather(grid.cells, I, J // fc)
    ok = ~is_sentinel(factor)
    w = jnp.where(f > 0, grid.w * fc, 0)
    return _finish(cells, grid.h, w, ok)


def vupscale(grid: Grid, factor):
    """arc-dsl ``vupscale`` (spec #123): each row repeated ``factor`` times consecutively.

    Args: ``grid`` Grid ``int8[H, W]``; ``factor`` Integer ``int32[]``.
    Returns: Grid ``int8[H, W]`` of ``h·f × w`` with ``out[i][j] = grid[i//f][j]``; ``()``
    when ``f ≤ 0``. ``ok`` False when ``factor`` is ``None``, whatever the grid (eager
    ``range(None)``: TypeError). ``overflow`` when ``h·f > H``.
    """
    H, W = grid.cells.shape
    f = int_or_zero(factor)
    fc = _clamp_factor(factor, H + 1)
    I, J = _iota((H, W))
    cells = _gather(grid.cells, I // fc, J)
    ok = ~is_sentinel(factor)
    h = jnp.where(f > 0, grid.h * fc, 0)
    return _finish(cells, h, grid.w, ok)


def downscale(grid: Grid, factor):
    """arc-dsl ``downscale`` (spec #125): keep rows and columns whose index is divisible
    by ``factor`` (a negative factor acts as its absolute value).

    Args: ``grid`` Grid ``int8[H, W]``; ``factor`` Integer ``int32[]``.
    Returns: Grid ``int8[H, W]`` of ``⌈h/|f|⌉ × ⌈w/|f|⌉`` with
    ``out[i][j] = grid[i·|f|][j·|f|]``. ``ok`` False for ``()`` (IndexError),
    ``factor == 0`` (ZeroDivisionError) or ``None`` (TypeError). ``overflow`` never.
    """
    H, W = grid.cells.shape
    fa = jnp.clip(jnp.abs(int_or_zero(factor)), 1, max(H, W))
    I, J = _iota((H, W))
    cells = _gather(grid.cells, I * fa, J * fa)
    ok = (grid.h > 0) & (int_or_zero(factor) != 0) & ~is_sentinel(factor)
    return _finish(cells, (grid.h + fa - 1) // fa, (grid.w + fa - 1) // fa, ok)


# ----------------------------------------------------------------------- concatenation


def hconcat(a: Grid, b: Grid):
    """arc-dsl ``hconcat`` (spec #126): row ``k`` is ``a[k] + b[k]`` for ``k`` below the
    smaller height.

    Args: ``a``, ``b`` Grids ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``min(ha, hb) × (wa + wb)``; ``()`` when either is
    ``()``. ``ok`` True; ``overflow`` when ``wa + wb > W`` (and the result has rows).
    """
    I, J = _iota(a.cells.shape)
    cells = jnp.where(J < a.w, a.cells, _gather(b.cells, I, J - a.w))
    return _finish(cells, jnp.minimum(a.h, b.h), a.w + b.w)


def vconcat(a: Grid, b: Grid):
    """arc-dsl ``vconcat`` (spec #127): the rows of ``a`` followed by the rows of ``b``.

    Args: ``a``, ``b`` Grids ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``(ha + hb) × w``. ``ok`` True. ``overflow`` when
    ``ha + hb > H``, or when both grids have rows of different widths (the reference
    result is ragged and cannot be represented).
    """
    I, J = _iota(a.cells.shape)
    cells = jnp.where(I < a.h, a.cells, _gather(b.cells, I - a.h, J))
    w = jnp.where(a.h > 0, a.w, b.w)
    ragged = (a.h > 0) & (b.h > 0) & (a.w != b.w)
    return _finish(cells, a.h + b.h, w, True, ragged)


def combine(a: Grid, b: Grid):
    """arc-dsl ``combine`` on two Grids (spec #13): tuple concatenation of the rows,
    identical to :func:`vconcat` (same shapes and flags)."""
    return vconcat(a, b)


# -------------------------------------------------------------------- cellwise recolours


def cellwise(a: Grid, b: Grid, fallback):
    """arc-dsl ``cellwise`` (spec #131): ``a[i][j]`` where it equals ``b[i][j]``, else
    ``fallback``.

    Args: ``a``, ``b`` Grids ``int8[H, W]``; ``fallback`` Integer ``int32[]``.
    Returns: Grid ``int8[H, W]`` with ``a``'s shape. ``ok`` False when ``a`` is ``()``,
    ``b`` has fewer rows than ``a`` (``b[i]`` is read for every row of ``a``, even empty
    ones) or shorter rows (IndexError). ``overflow`` when a mismatching cell receives a
    ``fallback`` outside the int8 range.
    """
    I, J = _iota(a.cells.shape)
    same = a.cells == _gather(b.cells, I, J)
    cells, big = _recolor(a.cells, grid_mask(a) & ~same, fallback)
    ok = (a.h > 0) & (b.h >= a.h) & (b.w >= a.w)
    return _finish(cells, a.h, a.w, ok, big)


def replace(grid: Grid, replacee, replacer):
    """arc-dsl ``replace`` (spec #132): every cell equal to ``replacee`` becomes
    ``replacer``.

    Args: ``grid`` Grid ``int8[H, W]``; ``replacee``, ``replacer`` Integers ``int32[]``
    (``None`` matches / writes ``None`` cells).
    Returns: Grid ``int8[H, W]``, same ``h × w``. ``ok`` True; ``overflow`` when a cell is
    replaced by a colour outside the int8 range.
    """
    hit = grid_mask(grid) & (from_cell(grid.cells) == replacee)
    cells, big = _recolor(grid.cells, hit, replacer)
    return _finish(cells, grid.h, grid.w, True, big)


def switch(grid: Grid, a, b):
    """arc-dsl ``switch`` (spec #133): swaps the colours ``a`` and ``b``.

    Args: ``grid`` Grid ``int8[H, W]``; ``a``, ``b`` Integers ``int32[]``.
    Returns: Grid ``int8[H, W]``, same ``h × w``: cells equal to ``a`` become ``b`` and
    cells equal to ``b`` become ``a``. ``ok`` True; ``overflow`` when a written colour is
    outside the int8 range.
    """
    mask = grid_mask(grid)
    values = from_cell(grid.cells)
    hit_a = mask & (values == a)
    hit_b = mask & (values == b) & ~hit_a
    cells, big_b = _recolor(grid.cells, hit_a, b)
    cells, big_a = _recolor(cells, hit_b, a)
    return _finish(cells, grid.h, grid.w, True, big_a | big_b)


# --------------------------------------------------------------------- lookups, canvas


def index(grid: Grid, loc):
    """arc-dsl ``index`` (spec #136): the colour at ``loc``, or ``None`` outside the grid.

    Args: ``grid`` Grid ``int8[H, W]``; ``loc`` IntegerTuple ``int32[2]``.
    Returns: Integer ``int32[]``: ``grid[i][j]`` (``CELL_NONE`` → ``INT_NONE``) when
    ``0 ≤ i < h`` and ``0 ≤ j < w``, else ``INT_NONE``; negative positions do not wrap.
    ``ok`` False for ``()`` (IndexError), when ``i`` is ``None``, or when ``i`` is in range
    and ``j`` is ``None`` (TypeError; Python's chained test stops at an out-of-range ``i``).
    ``overflow`` False.
    """
    i, j = loc[0], loc[1]
    in_rows = ~is_sentinel(i) & (i >= 0) & (i < grid.h)
    inside = in_rows & ~is_sentinel(j) & (j >= 0) & (j < grid.w)
    value = jnp.where(inside, from_cell(_gather(grid.cells, int_or_zero(i), int_or_zero(j))), INT_NONE)
    ok = (grid.h > 0) & ~is_sentinel(i) & ~(in_rows & is_sentinel(j))
    return result(value.astype(_I32), ok, False)


def canvas(value, dimensions, *, caps: Capacity):
    """arc-dsl ``canvas`` (spec #137): a ``dimensions[0] × dimensions[1]`` grid of ``value``.

    Args: ``value`` Integer ``int32[]`` (``None`` fills ``None`` cells); ``dimensions``
    IntegerTuple ``int32[2]``; ``caps`` the static capacity (output shape ``caps.grid``).
    Returns: Grid ``int8[*caps.grid]``; ``()`` when ``dimensions[0] ≤ 0``, rows of ``()``
    when only ``dimensions[1] ≤ 0``. ``ok`` False when either dimension is ``None`` (both
    ``range`` calls are evaluated eagerly: TypeError). ``overflow`` when the grid exceeds
    ``caps.grid`` or a non-empty grid gets a colour outside int8.
    """
    H, W = caps.grid
    d0, d1 = dimensions[0], dimensions[1]
    h = jnp.maximum(int_or_zero(d0), 0)
    w = jnp.maximum(int_or_zero(d1), 0)
    cell, big = to_cell(value)
    cells = jnp.full((H, W), cell, jnp.int8)
    ok = ~is_sentinel(d0) & ~is_sentinel(d1)
    return _finish(cells, h, w, ok, big & (h > 0) & (w > 0))


# ---------------------------------------------------------------------- slicing family


def crop(grid: Grid, start, dims):
    """arc-dsl ``crop`` (spec #82, slicing per §2.2).

    ``grid[start[0]:start[0]+dims[0]]``, each row sliced ``[start[1]:start[1]+dims[1]]``:
    negative bounds wrap once, then clamp; never raises on ``()``.

    Args: ``grid`` Grid ``int8[H, W]``; ``start``, ``dims`` IntegerTuples ``int32[2]``.
    Returns: Grid ``int8[H, W]``; ``()`` when the row slice is empty, rows of ``()`` when
    only the column slice is. ``ok`` False when any of ``start[0]``, ``start[1]``,
    ``dims[0]``, ``dims[1]`` is ``None`` (both bounds are summed eagerly: TypeError).
    ``overflow`` False (a crop is never larger than its grid).
    """
    s0, s1, d0, d1 = start[0], start[1], dims[0], dims[1]
    r0, nr = _slice(grid.h, int_or_zero(s0), int_or_zero(s0) + int_or_zero(d0))
    c0, nc = _slice(grid.w, int_or_zero(s1), int_or_zero(s1) + int_or_zero(d1))
    ok = ~is_sentinel(s0) & ~is_sentinel(d0) & ~is_sentinel(s1) & ~is_sentinel(d1)
    return _window(grid, r0, nr, c0, nc, ok)


def trim(grid: Grid):
    """arc-dsl ``trim`` (spec #141): ``grid[1:-1]`` with each row ``[1:-1]``.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``max(h−2, 0) × max(w−2, 0)``: ``()`` when ``h ≤ 2``,
    rows of ``()`` when only ``w ≤ 2``. ``ok`` True, ``overflow`` False.
    """
    r0, nr = _slice(grid.h, 1, -1)
    c0, nc = _slice(grid.w, 1, -1)
    return _window(grid, r0, nr, c0, nc)


def tophalf(grid: Grid):
    """arc-dsl ``tophalf`` (spec #143): the first ``h // 2`` rows.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``h//2 × w`` (``()`` when ``h ≤ 1``).
    ``ok`` True, ``overflow`` False.
    """
    return _window(grid, 0, grid.h // 2, 0, grid.w)


def bottomhalf(grid: Grid):
    """arc-dsl ``bottomhalf`` (spec #144): the last ``h // 2`` rows (the middle row of an
    odd height is excluded).

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``h//2 × w`` starting at row ``h − h//2``
    (``()`` when ``h ≤ 1``). ``ok`` True, ``overflow`` False.
    """
    return _window(grid, grid.h - grid.h // 2, grid.h // 2, 0, grid.w)


def lefthalf(grid: Grid):
    """arc-dsl ``lefthalf`` (spec #145): the first ``w // 2`` columns.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``h × w//2``; computed by rotation in arc-dsl, so
    the result is ``()`` (not rows of ``()``) when ``w // 2 == 0``. ``ok`` True,
    ``overflow`` False.
    """
    nc = grid.w // 2
    return _window(grid, 0, jnp.where(nc > 0, grid.h, 0), 0, nc)


def righthalf(grid: Grid):
    """arc-dsl ``righthalf`` (spec #146): the last ``w // 2`` columns (the middle column of
    an odd width is excluded).

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of ``h × w//2`` starting at column ``w − w//2``; ``()``
    when ``w ≤ 1``. ``ok`` True, ``overflow`` False.
    """
    nc = grid.w // 2
    return _window(grid, 0, jnp.where(nc > 0, grid.h, 0), grid.w - nc, nc)


def compress(grid: Grid):
    """arc-dsl ``compress`` (spec #158): delete every uniform row and uniform column,
    uniformity judged on the original grid.

    Args: ``grid`` Grid ``int8[H, W]``.
    Returns: Grid ``int8[H, W]`` of the kept rows × kept columns in their order: ``()``
    when every row is uniform, rows of ``()`` when only every column is. Empty rows
    (``w == 0``) are not uniform. ``ok`` True, ``overflow`` False.
    """
    H, W = grid.cells.shape
    I, J = _iota((H, W))
    in_row, in_col = I < grid.h, J < grid.w
    cells = grid.cells
    row_uniform = (grid.w > 0) & jnp.all((cells == cells[:, :1]) | ~in_col, axis=1)
    col_uniform = (grid.h > 0) & jnp.all((cells == cells[:1, :]) | ~in_row, axis=0)
    keep_r = in_row[:, 0] & ~row_uniform
    keep_c = in_col[0, :] & ~col_uniform
    rows = jnp.argsort(~keep_r, stable=True).astype(_I32)
    cols = jnp.argsort(~keep_c, stable=True).astype(_I32)
    out = _gather(cells, rows[:, None], cols[None, :])
    return _finish(out, jnp.sum(keep_r, dtype=_I32), jnp.sum(keep_c, dtype=_I32))


# --------------------------------------------------------------------------- registry


def _sig(impl, *params: str, out: str = GRID) -> tuple[Signature, ...]:
    return (Signature(tuple(params), out, impl),)


SIGNATURES: dict[str, tuple[Signature, ...]] = {
    "rot90": _sig(rot90, GRID),
    "rot180": _sig(rot180, GRID),
    "rot270": _sig(rot270, GRID),
    "hmirror": _sig(hmirror, GRID),
    "vmirror": _sig(vmirror, GRID),
    "dmirror": _sig(dmirror, GRID),
    "cmirror": _sig(cmirror, GRID),
    "upscale": _sig(upscale, GRID, INTEGER),
    "hupscale": _sig(hupscale, GRID, INTEGER),
    "vupscale": _sig(vupscale, GRID, INTEGER),
    "downscale": _sig(downscale, GRID, INTEGER),
    "hconcat": _sig(hconcat, GRID, GRID),
    "vconcat": _sig(vconcat, GRID, GRID),
    "combine": _sig(combine, GRID, GRID),
    "cellwise": _sig(cellwise, GRID, GRID, INTEGER),
    "replace": _sig(replace, GRID, INTEGER, INTEGER),
    "switch": _sig(switch, GRID, INTEGER, INTEGER),
    "index": _sig(index, GRID, INTEGER_TUPLE, out=INTEGER),
    "canvas": _sig(canvas, INTEGER, INTEGER_TUPLE),
    "crop": _sig(crop, GRID, INTEGER_TUPLE, INTEGER_TUPLE),
    "trim": _sig(trim, GRID),
    "tophalf": _sig(tophalf, GRID),
    "bottomhalf": _sig(bottomhalf, GRID),
    "lefthalf": _sig(lefthalf, GRID),
    "righthalf": _sig(righthalf, GRID),
    "compress": _sig(compress, GRID),
}
"""Primitive name → its Grid-family signatures (merged into ``jaxdsl.prims.REGISTRY``)."""
