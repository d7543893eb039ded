"""Padded JAX representations of cells, patches, objects and containers (issue #3).

Every set-like arc-dsl value is a padded array of fixed-width integer *rows*:

=======================  =======================================  ==========================
DSL type                 JAX value                                row
=======================  =======================================  ==========================
``Cell``                 ``int32[3]``                             ``(colour, i, j)``
``Indices``              :class:`Elems` ``data int32[P, 2]``      ``(i, j)``
``Object``               :class:`Elems` ``data int32[P, 3]``      ``(colour, i, j)``
``IntegerSet``           :class:`Elems` ``data int32[T, 1]``      ``(v,)``
``Tuple[Integer]``       :class:`Elems` ``data int32[T, 1]``      ``(v,)``
``Tuple[Boolean]``       :class:`Elems` ``data int32[T, 1]``      ``(0 or 1,)``
``Tuple[IntegerTuple]``  :class:`Elems` ``data int32[P, 2]``      ``(a, b)``
``Tuple[Cell]``          :class:`Elems` ``data int32[P, 3]``      ``(colour, i, j)``
``Objects``              :class:`Grouped` ``data int32[M, 3]``    cells of all objects
``IndicesSet``           :class:`Grouped` ``data int32[M, 2]``    positions of all patches
``Tuple[Object]``        :class:`Grouped` ``data int32[M, 3]``
``Tuple[Indices]``       :class:`Grouped` ``data int32[M, 2]``
``Tuple[Grid]``          :class:`GridTuple` ``cells int8[G, H, W]``
=======================  =======================================  ==========================

Invariants (every primitive keeps them; :func:`make_set` and friends establish them):

* **Frozensets** (``Indices``, ``Object``, ``IntegerSet``) hold rows ``0 … n-1`` strictly
  ascending in lexicographic order — exactly the spec's canonical order (§5): integers
  ascending, positions row-major, cells by (colour, row, column) — so equal sets have
  equal arrays and "first element" is row 0. **Tuples** hold their rows in tuple order,
  duplicates kept. Rows ``≥ n`` are zero.
* **Sets of sets** (``Objects``, ``IndicesSet``) are :class:`Grouped`: the rows of all
  inner sets, inner set ``k``'s rows contiguous, each inner set in canonical order,
  and the inner sets themselves in canonical order (lexicographic on their row
  sequences, a proper prefix first) and distinct. ``Tuple[Object]`` / ``Tuple[Indices]``
  keep tuple order of the groups. ``group[r]`` is the inner-set index of row ``r``;
  padding rows have ``group == K`` (the group capacity) and zero data.
* Patch coordinates are unconstrained int32 (negative or beyond the grid is fine).
* A value that does not fit its capacity sets ``overflow``; its content is then
  meaningless and never reported as a result.

Capacities (``Capacity`` in :mod:`jaxdsl.values`, from ``configs/``): ``patch`` rows per
Indices/Object (P), ``tuple`` rows per integer container (T), ``objects`` groups per
Grouped (K), ``object_cells`` rows per Grouped (M), ``grids`` grids per Tuple[Grid] (G).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxdsl import values as _values


class Elems(NamedTuple):
    """A frozenset or tuple of fixed-width integer rows.

    Attributes:
      data: ``int32[N, F]``; rows ``≥ n`` are zero.
      n: ``int32[]`` number of elements, ``0 ≤ n ≤ N``.
    """

    data: jax.Array
    n: jax.Array


class Grouped(NamedTuple):
    """A container (frozenset or tuple) of frozensets of rows, stored flat.

    Attributes:
      data: ``int32[M, F]`` rows of all inner sets, grouped and ordered (module docstring).
      group: ``int32[M]`` inner-set index of each row; ``K`` on padding rows.
      n: ``int32[]`` number of inner sets (``0 ≤ n ≤ K``).
      sizes: ``int32[K]`` rows of each inner set (0 beyond ``n``).
    """

    data: jax.Array
    group: jax.Array
    n: jax.Array
    sizes: jax.Array


class GridTuple(NamedTuple):
    """A tuple of grids (``hsplit``, ``vsplit``, ``repeat`` of a grid, ...).

    Attributes:
      cells: ``int8[G, H, W]``; ``h``, ``w``: ``int32[G]`` (each grid as :class:`values.Grid`);
      n: ``int32[]`` number of grids. Grids ``≥ n`` are the empty grid.
    """

    cells: jax.Array
    h: jax.Array
    w: jax.Array
    n: jax.Array

    def grid(self, k) -> _values.Grid:
        """Grid ``k`` as a :class:`jaxdsl.values.Grid`."""
        return _values.Grid(self.cells[k], self.h[k], self.w[k])


# ---------------------------------------------------------------------------- types

ROW_WIDTH = {
    "Indices": 2, "Object": 3, "IntegerSet": 1, "Tuple[Integer]": 1, "Tuple[Boolean]": 1,
    "Tuple[IntegerTuple]": 2, "Tuple[Cell]": 3,
    "Objects": 3, "IndicesSet": 2, "Tuple[Object]": 3, "Tuple[Indices]": 2,
}
"""Row width F of every row-array DSL type."""

FROZEN = {"Indices", "Object", "IntegerSet", "Objects", "IndicesSet"}
"""DSL types that are frozensets at their outer level."""

ELEMS_TYPES = ("Indices", "Object", "IntegerSet", "Tuple[Integer]", "Tuple[Boolean]",
               "Tuple[IntegerTuple]", "Tuple[Cell]")
GROUPED_TYPES = ("Objects", "IndicesSet", "Tuple[Object]", "Tuple[Indices]")
INNER_TYPE = {"Objects": "Object", "IndicesSet": "Indices", "Tuple[Object]": "Object",
              "Tuple[Indices]": "Indices"}
"""Element type of each Grouped type."""


def elems_capacity(dsl_type: str, caps) -> int:
    """Row capacity N of an :class:`Elems` type: ``caps.tuple`` for integer containers,
    ``caps.patch`` for containers of positions or cells."""
    return caps.tuple if ROW_WIDTH[dsl_type] == 1 else caps.patch


# ---------------------------------------------------------------------------- row kernels


def lex_order(keys: list[jax.Array]) -> jax.Array:
    """Permutation that sorts rows by ``keys`` lexicographically (stable).

    Args:
      keys: equal-length 1-D integer arrays, most significant first.
    Returns:
      ``int32[L]`` indices.
    """
    iota = jnp.arange(keys[0].shape[0], dtype=jnp.int32)
    *_, perm = lax.sort((*keys, iota), num_keys=len(keys), is_stable=True)
    return perm


def compact(data: jax.Array, keep: jax.Array, cap: int):
    """Stable compaction: the rows of ``data`` where ``keep``, first ``cap`` of them.

    Args:
      data: ``[L, ...]``; keep: ``bool[L]``; cap: output rows.
    Returns:
      ``(out [cap, ...] zero-padded, n int32[], overflow bool[])`` with ``overflow``
      True when more than ``cap`` rows are kept.
    """
    L = data.shape[0]
    n = jnp.sum(keep, dtype=jnp.int32)
    dest = jnp.where(keep, jnp.cumsum(keep, dtype=jnp.int32) - 1, L + cap)
    out = jnp.zeros((cap,) + data.shape[1:], data.dtype)
    out = out.at[dest].set(data, mode="drop")
    return out, jnp.minimum(n, cap), n > cap


def make_set(data: jax.Array, valid: jax.Array, cap: int):
    """Frozenset from a bag of rows: canonical order, duplicates removed, padded to ``cap``.

    Args:
      data: ``int32[L, F]`` candidate rows (L may exceed ``cap``); valid: ``bool[L]``.
    Returns:
      ``(Elems(int32[cap, F], n), overflow bool[])``; overflow when more than ``cap``
      distinct rows.
    """
    F = data.shape[1]
    perm = lex_order([(~valid).astype(jnp.int32)] + [data[:, f] for f in range(F)])
    rows, ok = data[perm], valid[perm]
    prev_same = jnp.concatenate([jnp.zeros((1,), bool), jnp.all(rows[1:] == rows[:-1], axis=1) & ok[:-1]])
    out, n, overflow = compact(rows, ok & ~prev_same, cap)
    return Elems(out, n), overflow


def row_mask(e: Elems) -> jax.Array:
    """``bool[N]``: True on the rows ``< n``."""
    return jnp.arange(e.data.shape[0]) < e.n


def elems_equal(a: Elems, b: Elems) -> jax.Array:
    """``bool[]``: equal length and equal rows (frozensets: equal sets; tuples: equal tuples).

    Both must have the same row width; capacities may differ."""
    N = max(a.data.shape[0], b.data.shape[0])
    pa = jnp.zeros((N, a.data.shape[1]), jnp.int32).at[: a.data.shape[0]].set(a.data)
    pb = jnp.zeros((N, b.data.shape[1]), jnp.int32).at[: b.data.shape[0]].set(b.data)
    return (a.n == b.n) & jnp.all(pa == pb)


# ---------------------------------------------------------------------------- grouped


def group_mask(g: Grouped) -> jax.Array:
    """``bool[M]``: True on rows that belong to an inner set."""
    return g.group < g.sizes.shape[0]


def cumsum_small(x: jax.Array) -> jax.Array:
    """Inclusive cumulative sum of a short ``int32[K]`` vector as a product with a constant
    triangular matrix (K² work, but far cheaper to compile than ``jnp.cumsum``'s
    associative scan on CPU; used for per-group vectors, K = 64)."""
    K = x.shape[0]
    lower = jnp.tril(jnp.ones((K, K), jnp.int32))
    return lower @ x.astype(jnp.int32)


def group_starts(g: Grouped) -> jax.Array:
    """``int32[K]``: index of the first row of each inner set (exclusive prefix of sizes)."""
    return cumsum_small(g.sizes) - g.sizes


def dense_rank(values: jax.Array) -> jax.Array:
    """``int32[L]``: the number of entries of ``values`` smaller than each entry (equal
    values share their rank; ranks are ``< L`` and order-preserving).

    A value-only sort and a binary search: on CPU several times cheaper than an argsort
    (a sort carrying an index operand)."""
    return jnp.searchsorted(jnp.sort(values), values, side="left").astype(jnp.int32)


_BIG = jnp.iinfo(jnp.int32).max


def canonical_groups(g: Grouped) -> Grouped:
    """Sort the inner sets of ``g`` canonically and drop duplicates, deciding every
    comparison exactly (a tuple input becoming a frozenset).

    The groups are ranked by *prefix doubling*, as in suffix-array construction:
    ``rank_L[p]`` is the rank (order-preserving, ``< M``, equal runs equal) of the rows ``p … p+L−1`` of
    ``p``'s group, cut at the group's end; a truncated run ranks before every longer run
    it is a prefix of. ``rank_2L[p]`` is the rank of the pair ``(rank_L[p], rank_L[p+L]``
    or −1 when the group ends within ``L`` rows; packed into one int32 sort key). The
    ``lax.while_loop`` doubles ``L`` until it covers the largest group or a round no
    longer splits any class (then no later round can: equal ``L``-runs followed by equal
    ``L``-runs stay equal). The rank at a group's first row then orders whole groups
    exactly (a proper prefix first, equal groups equal); empty groups rank first.
    Cost: an ``F``-key sort of the ``M`` rows, then per doubling one value-only sort and
    a binary search of the ``M`` packed keys (at most ``⌈log2(largest group)⌉``
    doublings; one or two for sets of disjoint objects, whose rows are already distinct
    or repeat whole groups).

    Returns the :class:`Grouped` (same shapes); it cannot overflow.
    """
    M, F = g.data.shape
    K = g.sizes.shape[0]
    rows = jnp.arange(M, dtype=jnp.int32)
    live = jnp.arange(K) < g.n
    in_group = g.group < K
    safe = jnp.minimum(g.group, K - 1)
    starts = group_starts(g)
    remaining = jnp.where(in_group, (starts + g.sizes)[safe] - rows, 0)

    def rank_rows(keys):
        """Dense rank of the rows of ``keys`` (lexicographic); rows outside groups last."""
        keys = [jnp.where(in_group, keys[0], _BIG)] + keys[1:]
        if len(keys) == 1:
            return dense_rank(keys[0])
        perm = lex_order(keys)
        differs = jnp.zeros((M - 1,), bool)
        for k in keys:
            differs = differs | (k[perm][1:] != k[perm][:-1])
        dense = jnp.concatenate([jnp.zeros((1,), jnp.int32), jnp.cumsum(differs, dtype=jnp.int32)])
        return jnp.zeros((M,), jnp.int32).at[perm].set(dense)

    def classes(rank):
        used = jnp.zeros((M + 1,), bool).at[jnp.where(in_group, rank, M)].set(True)
        return jnp.sum(used[:M], dtype=jnp.int32)

    packable = M * (M + 1) < _BIG

    def body(state):
        rank, L, _ = state
        following = jnp.where(remaining > L, rank[jnp.minimum(rows + L, M - 1)], -1)
        if packable:
            new = rank_rows([rank * (M + 1) + following + 1])
        else:
            new = rank_rows([rank, following])
        return new, L * 2, classes(new) > classes(rank)

    rank0 = rank_rows([g.data[:, f] for f in range(F)])
    longest = jnp.max(jnp.where(live, g.sizes, 0))
    rank, _, _ = lax.while_loop(lambda s: (s[1] < longest) & s[2], body,
                                (rank0, jnp.int32(1), jnp.asarray(True)))
    key = jnp.where(g.sizes > 0, rank[jnp.clip(starts, 0, M - 1)], -1)
    order = lex_order([(~live).astype(jnp.int32), key])
    key_sorted, live_sorted = key[order], live[order]
    dup = jnp.concatenate([jnp.zeros((1,), bool), key_sorted[1:] == key_sorted[:-1]])
    kept_sorted = live_sorted & ~dup
    new_id_sorted = jnp.where(kept_sorted, cumsum_small(kept_sorted.astype(jnp.int32)) - 1, K)
    new_id = jnp.zeros((K,), jnp.int32).at[order].set(new_id_sorted)
    sizes = jnp.zeros((K,), jnp.int32).at[new_id].set(g.sizes, mode="drop")
    new_starts = cumsum_small(sizes) - sizes
    row_id = jnp.where(in_group, new_id[safe], K)
    dest = jnp.where(row_id < K, new_starts[jnp.minimum(row_id, K - 1)] + rows - starts[safe], M)
    data = jnp.zeros_like(g.data).at[dest].set(g.data, mode="drop")
    group = jnp.full((M,), K, jnp.int32).at[dest].set(row_id, mode="drop")
    return Grouped(data, group, jnp.sum(kept_sorted, dtype=jnp.int32), sizes)


# ---------------------------------------------------------------------------- Python ↔ JAX


def _int(x):
    """``int(x)``, keeping ``None`` (a value no container row can hold)."""
    return None if x is None else int(x)


def _rows_slow(F: int, value) -> list[tuple]:
    """Rows of a container element by element: raises TypeError on a malformed element,
    keeps ``None`` entries — and ``None`` rows for ``()`` elements — (see :func:`_rows_array`)."""
    if F == 1:
        return [(_int(item),) for item in value]
    if F == 2:   # ``()`` (e.g. in ``corners`` of an empty patch) is an IntegerTuple no row holds
        return [(None, None) if item == () else (_int(item[0]), _int(item[1])) for item in value]
    return [(_int(item[0]), _int(item[1][0]), _int(item[1][1])) for item in value]


def _rows_array(dsl_type: str, value) -> np.ndarray | None:
    """The rows of a Python container as ``int64[n, F]``: frozensets in canonical order,
    tuples in their order; ``None`` when an entry cannot be stored (``None`` — the
    sentinels of :mod:`jaxdsl.values` are reserved for scalars — or out of int32 range).

    Rows are flat integer tuples, so the lexicographic order of the array rows *is* the
    canonical order (spec §5: integers ascending, positions row-major, cells by colour,
    row, column). Raises TypeError on an element of the wrong shape."""
    F = ROW_WIDTH[dsl_type]
    try:
        items = list(value) if F < 3 else [(c, p[0], p[1]) for c, p in value]
        arr = np.array(items, np.int64).reshape(len(items), F)
    except (TypeError, ValueError, OverflowError):
        rows = _rows_slow(F, value)      # raises TypeError on malformed elements
        if any(v is None for r in rows for v in r):
            return None
        arr = np.array(rows, object).reshape(len(rows), F)
    if arr.size and not all(-_values.INT_LIMIT < int(v) < _values.INT_LIMIT for v in (arr.min(), arr.max())):
        return None
    arr = arr.astype(np.int64)
    if dsl_type in FROZEN and len(arr) > 1:
        arr = arr[np.lexsort(arr.T[::-1])]
    return arr


def _items_to_py(dsl_type: str, rows: np.ndarray) -> list:
    """Host rows ``int32[n, F]`` → the Python elements (Integer sentinels become ``None``)."""
    F = ROW_WIDTH[dsl_type]
    if F == 1:
        values = rows[:, 0].tolist()
        if dsl_type == "Tuple[Boolean]":
            return [bool(v) for v in values]
        return [None if v == _values.INT_NONE else v for v in values]
    if F == 2:
        return list(map(tuple, rows.tolist()))
    return [(c, (i, j)) for c, i, j in rows.tolist()]


def _check_container(dsl_type: str, value) -> None:
    want = frozenset if dsl_type in FROZEN else tuple
    if not isinstance(value, want):
        raise TypeError(f"expected {dsl_type} ({want.__name__}), got {type(value).__name__}")


def elems_from_py(dsl_type: str, value, caps):
    """Python container → host :class:`Elems`; returns ``(Elems, overflow)``."""
    _check_container(dsl_type, value)
    rows = _rows_array(dsl_type, value)
    N, F = elems_capacity(dsl_type, caps), ROW_WIDTH[dsl_type]
    data = np.zeros((N, F), np.int32)
    if rows is None or len(rows) > N:
        return Elems(data, np.int32(0)), True
    data[: len(rows)] = rows
    return Elems(data, np.int32(len(rows))), False


def elems_to_py(dsl_type: str, e: Elems):
    """Host :class:`Elems` → Python frozenset or tuple."""
    items = _items_to_py(dsl_type, np.asarray(e.data)[: int(e.n)])
    return frozenset(items) if dsl_type in FROZEN else tuple(items)


def grouped_from_py(dsl_type: str, value, caps):
    """Python container of frozensets → host :class:`Grouped`; returns ``(Grouped, overflow)``."""
    _check_container(dsl_type, value)
    inner = INNER_TYPE[dsl_type]
    K, M, F = caps.objects, caps.object_cells, ROW_WIDTH[dsl_type]
    data = np.zeros((M, F), np.int32)
    group = np.full((M,), K, np.int32)
    sizes = np.zeros((K,), np.int32)
    for g in value:
        _check_container(inner, g)
    groups = [_rows_array(inner, g) for g in value]
    if len(groups) > K or any(rows is None for rows in groups) or sum(map(len, groups)) > M:
        return Grouped(data, group, np.int32(0), sizes), True
    if dsl_type in FROZEN:
        groups.sort(key=lambda rows: rows.tolist())   # row lists compare canonically (spec §5)
    r = 0
    for k, rows in enumerate(groups):
        data[r: r + len(rows)] = rows
        group[r: r + len(rows)] = k
        sizes[k] = len(rows)
        r += len(rows)
    return Grouped(data, group, np.int32(len(groups)), sizes), False


def grouped_to_py(dsl_type: str, g: Grouped):
    """Host :class:`Grouped` → Python frozenset/tuple of frozensets."""
    inner = INNER_TYPE[dsl_type]
    sizes = np.asarray(g.sizes)[: int(g.n)]
    starts = np.cumsum(sizes) - sizes
    data = np.asarray(g.data)
    items = [frozenset(_items_to_py(inner, data[a: a + b])) for a, b in zip(starts.tolist(), sizes.tolist())]
    return frozenset(items) if dsl_type in FROZEN else tuple(items)


def gridtuple_from_py(value, caps):
    """Python tuple of grids → host :class:`GridTuple`; returns ``(GridTuple, overflow)``."""
    _check_container("Tuple[Grid]", value)
    G, (H, W) = caps.grids, caps.grid
    cells = np.zeros((G, H, W), np.int8)
    h = np.zeros((G,), np.int32)
    w = np.zeros((G,), np.int32)
    if len(value) > G:
        return GridTuple(cells, h, w, np.int32(0)), True
    for k, grid in enumerate(value):
        if not isinstance(grid, tuple):
            raise TypeError(f"expected a Grid inside Tuple[Grid], got {type(grid).__name__}")
        c, hh, ww, overflow = _values.grid_to_numpy(grid, (H, W))
        if overflow:
            return GridTuple(np.zeros_like(cells), np.zeros_like(h), np.zeros_like(w), np.int32(0)), True
        cells[k], h[k], w[k] = c, hh, ww
    return GridTuple(cells, h, w, np.int32(len(value))), False


def gridtuple_to_py(t: GridTuple):
    """Host :class:`GridTuple` → Python tuple of grids."""
    return tuple(_values.grid_from_numpy(t.cells[k], t.h[k], t.w[k]) for k in range(int(t.n)))


def _cell_from_py(value, caps):
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], tuple)):
        raise TypeError(f"expected a Cell (colour, (i, j)), got {value!r}")
    rows = _rows_array("Tuple[Cell]", (value,))
    return (np.zeros(3, np.int32), True) if rows is None else (rows[0].astype(np.int32), False)


def register() -> None:
    """Add the converters of every container type to :mod:`jaxdsl.values`."""
    for t in ELEMS_TYPES:
        _values.register_type(t, (lambda t: lambda v, c: elems_from_py(t, v, c))(t),
                              (lambda t: lambda e: elems_to_py(t, Elems(*e)))(t))
    for t in GROUPED_TYPES:
        _values.register_type(t, (lambda t: lambda v, c: grouped_from_py(t, v, c))(t),
                              (lambda t: lambda g: grouped_to_py(t, Grouped(*g)))(t))
    _values.register_type("Tuple[Grid]", gridtuple_from_py, lambda t: gridtuple_to_py(GridTuple(*t)))
    _values.register_type("Cell", _cell_from_py,
                          lambda c: (int(c[0]), (int(c[1]), int(c[2]))))


register()
