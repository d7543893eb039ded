"""Colours and measurements of grids: arc-dsl #67–72 (spec §4.6), #20 size, #97 square and
#107 numcolors (spec §4.9), for Grid arguments (and the few that Python allows on an
IntegerTuple).

A Grid is :class:`~jaxdsl.values.Grid` ``(cells int8[H, W], h, w)``, zero outside
``[0, h) × [0, w)``; ``h == 0`` is ``()`` and ``h > 0, w == 0`` a grid of empty rows.
Every function is unbatched and returns ``result(value, ok, overflow)``; none of them can
overflow (counts are ≤ H·W).

Colour counting works for every value an ``int8`` cell can hold, not only 0–9: the cells
are counted into a 256-bin histogram indexed by ``cell + 128`` (a scatter-add; measured on
CPU, 3,500 vmapped 30×30 grids: 0.02 s, against 0.11 s for sort + run lengths and 1.5 s
for a one-hot comparison). Bin order is value order and ``CELL_NONE`` (Python ``None``) is
bin 0, so "the first bin" is the smallest value in the canonical order of spec §5, where
``None`` sorts before every int.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxdsl.prims import Signature
from jaxdsl.types import BOOLEAN, GRID, INTEGER, INTEGER_TUPLE
from jaxdsl.values import Grid, from_cell, grid_mask, is_empty_pair, result


_BINS = 256
_OFFSET = 128


def _histogram(grid: Grid) -> jax.Array:
    """``int32[256]``: how many cells inside the grid hold each value ``bin − 128``."""
    index = grid.cells.astype(jnp.int32).reshape(-1) + _OFFSET
    inside = grid_mask(grid).reshape(-1).astype(jnp.int32)
    return jnp.zeros(_BINS, jnp.int32).at[index].add(inside)


def _bin_value(index: jax.Array) -> jax.Array:
    """The Integer held by histogram bin ``index`` (``CELL_NONE`` → ``INT_NONE``)."""
    return from_cell((index - _OFFSET).astype(jnp.int8))


def _has_cells(grid: Grid) -> jax.Array:
    return (jnp.asarray(grid.h) > 0) & (jnp.asarray(grid.w) > 0)


def mostcolor(grid: Grid):
    """arc-dsl #67 ``mostcolor`` (spec §4.6, ties §5) of a Grid.

    grid: Grid → Integer ``int32[]``: the cell value with the highest count; on a tie the
    smallest tied value (``None`` cells count as a value smaller than every int).
    ``ok`` False when the grid has no cell (``()`` or empty rows: ValueError).
    Never overflows.
    """
    counts = _histogram(grid)
    return result(_bin_value(jnp.argmax(counts)), _has_cells(grid))


def leastcolor(grid: Grid):
    """arc-dsl #68 ``leastcolor`` (spec §4.6, ties §5) of a Grid.

    grid: Grid → Integer ``int32[]``: among the values present, the one with the lowest
    count; on a tie the smallest tied value. ``ok`` False when the grid has no cell
    (ValueError). Never overflows.
    """
    counts = _histogram(grid)
    absent = jnp.iinfo(jnp.int32).max
    index = jnp.argmin(jnp.where(counts > 0, counts, absent))
    return result(_bin_value(index), _has_cells(grid))


def height(piece):
    """arc-dsl #69 ``height`` (spec §4.6).

    piece: Grid → Integer ``int32[]`` = number of rows ``h`` (``height(((),)) == 1``);
    or IntegerTuple ``int32[2]`` → 2 (a pair is a tuple of two "rows"), 0 for ``()``
    (two ``INT_EMPTY``: ``ulcorner`` and the other corners of an empty patch).
    ``ok`` True, ``overflow`` False.
    """
    if isinstance(piece, Grid):
        return result(jnp.asarray(piece.h, jnp.int32))
    return result(jnp.where(is_empty_pair(piece), 0, 2).astype(jnp.int32))


def width(grid: Grid):
    """arc-dsl #70 ``width`` (spec §4.6): length of the first row, 0 for ``()``.

    grid: Grid → Integer ``int32[]`` = ``w``. ``ok`` True, ``overflow`` False.
    """
    return result(jnp.asarray(grid.w, jnp.int32))


def shape(grid: Grid):
    """arc-dsl #71 ``shape`` (spec §4.6): ``(height, width)``.

    grid: Grid → IntegerTuple ``int32[2]`` = ``(h, w)`` (``shape(((),)) == (1, 0)``).
    ``ok`` True, ``overflow`` False.
    """
    return result(jnp.stack([jnp.asarray(grid.h, jnp.int32), jnp.asarray(grid.w, jnp.int32)]))


def portrait(grid: Grid):
    """arc-dsl #72 ``portrait`` (spec §4.6): ``height > width``.

    grid: Grid → Boolean ``bool[]`` = ``h > w`` (True for a grid of empty rows).
    ``ok`` True, ``overflow`` False.
    """
    return result(jnp.asarray(grid.h) > jnp.asarray(grid.w))


def colorcount(grid: Grid, value):
    """arc-dsl #73 ``colorcount`` (spec §4.6) of a Grid: the number of cells equal to ``value``.

    grid: Grid; value: Integer ``int32[]`` (``None`` counts ``None`` cells; a value no
    ``int8`` cell can hold counts 0) → Integer ``int32[]``; 0 for an empty grid.
    ``ok`` True, ``overflow`` False.
    """
    hits = grid_mask(grid) & (from_cell(grid.cells) == jnp.asarray(value, jnp.int32))
    return result(jnp.sum(hits, dtype=jnp.int32))


def size(piece):
    """arc-dsl #20 ``size`` (spec §4.2) of a Grid or an IntegerTuple: ``len``.

    piece: Grid → Integer ``int32[]`` = number of rows ``h``; IntegerTuple → 2, 0 for ``()``.
    ``ok`` True, ``overflow`` False.
    """
    return height(piece)


def square(grid: Grid):
    """arc-dsl #97 ``square`` (spec §4.9) of a Grid: number of rows == length of the first row.

    grid: Grid → Boolean ``bool[]`` = ``h == w``. ``ok`` False for ``()`` (``grid[0]``
    raises IndexError). Never overflows.
    """
    h = jnp.asarray(grid.h)
    return result(h == jnp.asarray(grid.w), h > 0)


def numcolors(grid: Grid):
    """arc-dsl #107 ``numcolors`` (spec §4.9) of a Grid: ``len(palette(grid))``.

    grid: Grid → Integer ``int32[]``: the number of distinct cell values (``None``
    included), 0 for ``()`` and empty rows. ``ok`` True, ``overflow`` False.
    """
    return result(jnp.sum(_histogram(grid) > 0, dtype=jnp.int32))


SIGNATURES: dict[str, tuple[Signature, ...]] = {
    **{name: (Signature((GRID,), INTEGER, fn),) for name, fn in
       (("mostcolor", mostcolor), ("leastcolor", leastcolor), ("width", width),
        ("numcolors", numcolors))},
    **{name: (Signature((GRID,), INTEGER, fn), Signature((INTEGER_TUPLE,), INTEGER, fn)) for name, fn in
       (("height", height), ("size", size))},
    "shape": (Signature((GRID,), INTEGER_TUPLE, shape),),
    "portrait": (Signature((GRID,), BOOLEAN, portrait),),
    "square": (Signature((GRID,), BOOLEAN, square),),
    "colorcount": (Signature((GRID, INTEGER), INTEGER, colorcount),),
}
"""Primitive name → typed implementations (Grid first)."""
