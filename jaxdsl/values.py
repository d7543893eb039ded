"""Padded JAX representations of scalars and grids, their converters, and the capacities.

Types are static at trace time (the compiler knows each variable's DSL type); values
are pytrees of fixed-shape arrays. Batched values carry one extra leading axis. The type
table :mod:`jaxdsl.types` ties every DSL type to its class and converters; container
classes live in :mod:`jaxdsl.containers`.

==============  =============================================  ========================
DSL type        JAX value                                      Python (reference) value
==============  =============================================  ========================
``Integer``     ``int32[]``                                    ``int`` (or ``None``)
``Boolean``     ``bool[]``                                     ``bool``
``IntegerTuple````int32[2]``                                   ``(a, b)``
``Grid``        :class:`Grid` ``(cells int8[H, W], h, w)``     tuple of row tuples
==============  =============================================  ========================

Conventions every primitive keeps:

* **Grid padding.** ``cells[i, j]`` is meaningful for ``i < h`` and ``j < w``; every
  other cell is 0. ``h == 0`` is the empty grid ``()`` and then ``w == 0``; ``h > 0``
  with ``w == 0`` is a grid of empty rows (``((),)``). Capacity ``(H, W)`` is the array
  shape; a grid larger than its capacity cannot be held and sets ``overflow``.
* **Integers.** Exact for ``|x| < INT_LIMIT`` (2**30). An arithmetic result outside that
  range sets ``overflow`` (Python ints are unbounded; int32 is not).
* **Empty tuple.** ``ulcorner`` & co. return ``()`` for an empty patch: an IntegerTuple
  of two ``INT_EMPTY``; arithmetic on it is not ok, like on ``None``.
* **None.** ``index`` returns ``None`` outside the grid (spec §4.11 #136). ``None`` is
  held as the sentinel ``INT_NONE`` in an Integer (or IntegerTuple component) and as
  ``CELL_NONE`` in a grid cell. Arithmetic and comparisons on it set ``ok = False``
  (Python raises ``TypeError``); ``equality`` compares it like Python does.
* **Grid cells** are ``int8``. Writing a colour outside ``[-127, 127]`` into a grid sets
  ``overflow``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

INT_LIMIT = 2**30
"""Integers are exact while ``|x| < INT_LIMIT``; results outside set ``overflow``."""

INT_NONE = np.int32(np.iinfo(np.int32).min)
"""Sentinel for Python ``None`` in an Integer / IntegerTuple component."""

INT_EMPTY = np.int32(np.iinfo(np.int32).min + 1)
"""Sentinel for the empty tuple ``()`` that ``ulcorner`` & co. return on an empty patch:
an IntegerTuple whose two components are ``INT_EMPTY``. Like ``None``, any arithmetic or
indexing on it is not ok (Python raises ``IndexError``)."""

CELL_NONE = np.int8(-128)
"""Sentinel for Python ``None`` in a grid cell."""

CELL_MIN, CELL_MAX = -127, 127
"""Colours a grid cell can hold exactly."""


class Grid(NamedTuple):
    """A padded grid.

    Attributes:
      cells: ``int8[H, W]`` (``[..., H, W]`` batched); zero outside ``[0, h) × [0, w)``.
      h: ``int32[]`` number of rows, ``0 ≤ h ≤ H``.
      w: ``int32[]`` length of the rows, ``0 ≤ w ≤ W``; 0 when ``h == 0``.
    """

    cells: jax.Array
    h: jax.Array
    w: jax.Array


# --------------------------------------------------------------------------- results


def result(value: Any, ok: Any = True, overflow: Any = False):
    """Package a primitive's output as ``(value, ok, overflow)`` with ``bool[]`` flags.

    Every JAX primitive returns this triple. ``ok`` is False exactly where the reference
    raises; ``overflow`` is True when the result does not fit the capacity (its value is
    then meaningless and ``ok`` must not be trusted).
    """
    return value, jnp.asarray(ok, dtype=jnp.bool_), jnp.asarray(overflow, dtype=jnp.bool_)


def int_valid(*xs: jax.Array) -> jax.Array:
    """``bool[]``: True when no component of any argument is a sentinel (``INT_NONE`` for
    ``None``, ``INT_EMPTY`` for ``()``)."""
    ok = jnp.asarray(True)
    for x in xs:
        ok = ok & jnp.all(jnp.asarray(x) > INT_EMPTY)
    return ok


def is_sentinel(x: jax.Array) -> jax.Array:
    """``bool``, elementwise over the ``int32`` array ``x``: the component holds a sentinel,
    ``INT_NONE`` (Python ``None``) or ``INT_EMPTY`` (a component of ``()``)."""
    return jnp.asarray(x).astype(jnp.int32) <= INT_EMPTY


def int_or_zero(x: jax.Array) -> jax.Array:
    """``x`` as ``int32`` (same shape) with every sentinel (:func:`is_sentinel`) replaced
    by 0: safe for arithmetic and indexing whose result is then masked as not ok."""
    x = jnp.asarray(x).astype(jnp.int32)
    return jnp.where(is_sentinel(x), 0, x)


def int_truthy(x: jax.Array) -> jax.Array:
    """``bool``, elementwise over a Boolean ``bool`` or Integer ``int32`` array (any shape,
    e.g. a condition mapped over a container's elements): Python truthiness, so 0 and
    ``None`` (``INT_NONE``; also ``INT_EMPTY``) are False (spec §4.2 ``sfilter`` /
    ``extract``, §4.4 ``branch``)."""
    x = jnp.asarray(x)
    if x.dtype == jnp.bool_:
        return x
    return (x != 0) & ~is_sentinel(x)


def is_empty_pair(pair: jax.Array) -> jax.Array:
    """``bool[]``: True when the IntegerTuple ``int32[2]`` is ``()`` (its components are
    ``INT_EMPTY``; :func:`tuple_from_py` writes both, the first decides)."""
    return jnp.asarray(pair[0], jnp.int32) == INT_EMPTY


def int_overflow(x: jax.Array) -> jax.Array:
    """``bool[]``: True when some component of ``x`` lies outside ``(-INT_LIMIT, INT_LIMIT)``."""
    x = jnp.asarray(x)
    return jnp.any((x >= INT_LIMIT) | (x <= -INT_LIMIT))


def to_cell(value: jax.Array):
    """Convert an Integer to a grid cell value.

    Returns ``(int8[] cell, bool[] overflow)``: ``None`` maps to ``CELL_NONE``; a colour
    outside ``[CELL_MIN, CELL_MAX]`` cannot be stored and sets overflow.
    """
    value = jnp.asarray(value, dtype=jnp.int32)
    is_none = value == INT_NONE
    overflow = ~is_none & ((value < CELL_MIN) | (value > CELL_MAX))
    cell = jnp.where(is_none, jnp.int32(CELL_NONE), jnp.clip(value, CELL_MIN, CELL_MAX))
    return cell.astype(jnp.int8), overflow


def from_cell(cell: jax.Array) -> jax.Array:
    """Convert a grid cell (``int8``) to an Integer (``int32``), mapping ``CELL_NONE`` to ``INT_NONE``."""
    cell = jnp.asarray(cell)
    return jnp.where(cell == CELL_NONE, INT_NONE, cell.astype(jnp.int32))


def grid_mask(grid: Grid) -> jax.Array:
    """``bool[H, W]``: True on the cells inside ``[0, h) × [0, w)``."""
    H, W = grid.cells.shape[-2:]
    rows = jnp.arange(H)[:, None] < grid.h
    cols = jnp.arange(W)[None, :] < grid.w
    return rows & cols


def make_grid(cells: jax.Array, h: jax.Array, w: jax.Array) -> Grid:
    """Build a :class:`Grid` that keeps the padding convention.

    Zeroes every cell outside ``[0, h) × [0, w)`` and sets ``w = 0`` when ``h == 0``.
    ``h`` and ``w`` must already be within the capacity ``cells.shape``.
    """
    h = jnp.asarray(h, jnp.int32)
    w = jnp.where(h == 0, 0, jnp.asarray(w, jnp.int32))
    g = Grid(cells.astype(jnp.int8), h, w)
    return Grid(jnp.where(grid_mask(g), g.cells, jnp.int8(0)), h, w)


def grid_fits(grid_cap: tuple[int, int], h: jax.Array, w: jax.Array) -> jax.Array:
    """``bool[]``: True when an ``h × w`` grid fits a capacity ``(H, W)``."""
    H, W = grid_cap
    return (h <= H) & (w <= W)


# ------------------------------------------------------------- Python ↔ JAX (host side)

PyGrid = tuple


def _cell_to_py(c: int):
    return None if c == CELL_NONE else int(c)


def grid_to_numpy(grid: PyGrid, capacity: tuple[int, int]):
    """Pad a Python grid into numpy arrays ``(int8[H, W], h, w)``.

    Returns ``(cells, h, w, overflow)``. ``overflow`` is True (and the cells are zero)
    when the grid is larger than ``capacity``, ragged, or holds a colour an ``int8``
    cell cannot represent. ``None`` cells map to ``CELL_NONE``.
    """
    H, W = capacity
    cells = np.zeros((H, W), dtype=np.int8)
    h = len(grid)
    w = len(grid[0]) if h else 0
    if h > H or w > W or any(len(row) != w for row in grid):
        return cells, 0, 0, True
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v is None:
                cells[i, j] = CELL_NONE
            elif not (CELL_MIN <= v <= CELL_MAX):
                return np.zeros((H, W), dtype=np.int8), 0, 0, True
            else:
                cells[i, j] = v
    return cells, h, w, False


def grid_from_numpy(cells: np.ndarray, h: int, w: int) -> PyGrid:
    """Unpad one grid back to arc-dsl's tuple-of-tuples (``CELL_NONE`` → ``None``).

    ``cells`` is ``int8[H, W]`` with the grid in its top-left ``h × w`` corner.
    """
    block = np.asarray(cells)[: int(h), : int(w)]
    rows = block.tolist()
    if block.size and (block == CELL_NONE).any():
        return tuple(tuple(_cell_to_py(c) for c in row) for row in rows)
    return tuple(map(tuple, rows))


def int_to_py(x) -> int | None:
    """A host Integer to Python (``INT_NONE`` → ``None``)."""
    x = int(x)
    return None if x == INT_NONE else x


def int_from_py(x) -> tuple[int, bool]:
    """A Python Integer (or None) to ``(int32 value, overflow)``."""
    if x is None:
        return int(INT_NONE), False
    x = int(x)
    if not -INT_LIMIT < x < INT_LIMIT:
        return 0, True
    return x, False


def grid_from_py(value, capacity):
    """A Python Grid → ``(host Grid, overflow)`` (:func:`grid_to_numpy`); TypeError if not a tuple."""
    if not isinstance(value, tuple):
        raise TypeError(f"expected a Grid (tuple of tuples), got {type(value).__name__}")
    cells, h, w, overflow = grid_to_numpy(value, capacity.grid)
    return Grid(cells, np.int32(h), np.int32(w)), overflow


def int_from_py_checked(value, capacity):
    """A Python Integer (or None) → ``(int32 scalar, overflow)``; TypeError if not an int."""
    if value is not None and not isinstance(value, int):
        raise TypeError(f"expected an Integer, got {type(value).__name__}")
    v, overflow = int_from_py(value)
    return np.int32(v), overflow


def bool_from_py(value, capacity):
    """A Python Boolean → ``(bool scalar, False)``; TypeError if not a bool/int."""
    if not isinstance(value, int):
        raise TypeError(f"expected a Boolean, got {type(value).__name__}")
    return np.bool_(bool(value)), False


def tuple_from_py(value, capacity):
    """A Python IntegerTuple (or ``()``) → ``(int32[2], overflow)``; TypeError otherwise."""
    if value == ():
        return np.array([INT_EMPTY, INT_EMPTY], dtype=np.int32), False
    if not (isinstance(value, tuple) and len(value) == 2):
        raise TypeError(f"expected an IntegerTuple (a, b), got {value!r}")
    (a, oa), (b, ob) = int_from_py(value[0]), int_from_py(value[1])
    return np.array([a, b], dtype=np.int32), oa or ob


def tuple_to_py(t):
    """A host IntegerTuple ``int32[2]`` → ``(a, b)``, ``()`` (``INT_EMPTY``) or ``None`` parts."""
    return () if int(t[0]) == INT_EMPTY else (int_to_py(t[0]), int_to_py(t[1]))


class Capacity(NamedTuple):
    """Static capacities of the padded representations (from ``configs/``).

    Attributes:
      grid: ``(H, W)`` rows × columns a Grid can hold.
      patch: rows (cells or positions) an Indices / Object / Tuple of them can hold.
      tuple: elements an integer container (IntegerSet, Tuple[Integer]) can hold.
      objects: inner sets an Objects / IndicesSet / Tuple[Object] can hold.
      object_cells: rows, over all inner sets, an Objects / IndicesSet can hold.
      grids: grids a Tuple[Grid] can hold.
      patch_limit: the most rows the capacity pass (:mod:`compiler.capacity`) may give a
        patch variable it can bound (a patch inside a grid: the grid's cells); at most
        ``patch`` (the default 0 included) turns that off, every patch then has ``patch``
        rows.
    """

    grid: tuple[int, int] = (30, 30)
    patch: int = 1024
    tuple: int = 64
    objects: int = 64
    object_cells: int = 2048
    grids: int = 32
    patch_limit: int = 0
