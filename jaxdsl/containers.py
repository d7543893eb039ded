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

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxdsl import values as _values
from jaxdsl.reference._base import canon_key


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


def make_tuple(data: jax.Array, valid: jax.Array, cap: int):
    """Tuple from rows in order, keeping those marked ``valid`` (duplicates kept).

    Returns ``(Elems(int32[cap, F], n), overflow bool[])``.
    """
    out, n, overflow = compact(data, valid, cap)
    return Elems(out, n), overflow


def row_mask(e: Elems) -> jax.Array:
    """``bool[N]``: True on the rows ``< n``."""
    return jnp.arange(e.data.shape[0]) < e.n


def contains_row(e: Elems, row: jax.Array) -> jax.Array:
    """``bool[]``: whether ``row`` (``int32[F]``) is one of the elements."""
    return jnp.any(row_mask(e) & jnp.all(e.data == row[None, :], axis=1))


def elems_equal(a: Elems, b: Elems) -> jax.Array:
    """``bool[]``: equal length and equal rows (frozensets: equal sets; tuples: equal tuples).

    Both must have the same row width; capacities may differ."""
    N = max(a.data.shape[0], b.data.shape[0])
    pa = jnp.zeros((N, a.data.shape[1]), jnp.int32).at[: a.data.shape[0]].set(a.data)
    pb = jnp.zeros((N, b.data.shape[1]), jnp.int32).at[: b.data.shape[0]].set(b.data)
    return (a.n == b.n) & jnp.all(pa == pb)


def empty_elems(dsl_type: str, caps) -> Elems:
    """The empty container of ``dsl_type``."""
    return Elems(jnp.zeros((elems_capacity(dsl_type, caps), ROW_WIDTH[dsl_type]), jnp.int32), jnp.int32(0))


# ---------------------------------------------------------------------------- grouped


def group_mask(g: Grouped) -> jax.Array:
    """``bool[M]``: True on rows that belong to an inner set."""
    return g.group < g.sizes.shape[0]


def group_starts(g: Grouped) -> jax.Array:
    """``int32[K]``: index of the first row of each inner set (exclusive cumsum of sizes)."""
    return jnp.cumsum(g.sizes) - g.sizes


def extract_group(g: Grouped, k: jax.Array, cap: int) -> Elems:
    """Inner set ``k`` as an :class:`Elems` of ``cap`` rows (its rows are already canonical).

    Returns ``(Elems, overflow)``: overflow when the inner set has more than ``cap`` rows.
    """
    out, n, overflow = compact(g.data, g.group == k, cap)
    return Elems(out, n), overflow


def make_grouped(data: jax.Array, group: jax.Array, valid: jax.Array, n_groups: jax.Array,
                 K: int, M: int, frozen: bool):
    """Grouped container from rows tagged with a group index whose groups are already in
    their final order (``group`` in ``0 … n_groups-1``).

    Rows of each group are put in canonical order and deduplicated. When ``frozen``,
    groups are then sorted canonically and duplicates removed (see
    :func:`canonical_groups`); empty groups count as (empty) inner sets.

    Args:
      data: ``int32[L, F]``; group: ``int32[L]``; valid: ``bool[L]``;
      n_groups: ``int32[]``; K, M: group and row capacities; frozen: outer frozenset.
    Returns:
      ``(Grouped, overflow bool[])``.
    """
    F = data.shape[1]
    valid = valid & (group < n_groups)
    perm = lex_order([(~valid).astype(jnp.int32), group] + [data[:, f] for f in range(F)])
    rows, grp, ok = data[perm], group[perm], valid[perm]
    same = jnp.all(rows[1:] == rows[:-1], axis=1) & (grp[1:] == grp[:-1]) & ok[:-1]
    keep = ok & ~jnp.concatenate([jnp.zeros((1,), bool), same])
    out, _, over_rows = compact(rows, keep, M)
    out_group, _, _ = compact(jnp.where(keep, grp, K), keep, M)
    n_kept = jnp.sum(keep)
    out_group = jnp.where(jnp.arange(M) < n_kept, out_group, K)
    over_groups = n_groups > K
    n = jnp.minimum(n_groups, K)
    sizes = jax.ops.segment_sum(jnp.ones((M,), jnp.int32), out_group, num_segments=K + 1)[:K]
    g = Grouped(jnp.where((out_group < K)[:, None], out, 0), out_group, n, sizes)
    over_order = jnp.asarray(False)
    if frozen:
        g, over_order = canonical_groups(g)
    return g, over_rows | over_groups | over_order


def _group_rows(g: Grouped, L: int) -> jax.Array:
    """``int32[K, L]`` row indices of each group's first ``L`` rows (clipped; see mask)."""
    starts = group_starts(g)
    return jnp.clip(starts[:, None] + jnp.arange(L)[None, :], 0, g.data.shape[0] - 1)


GROUP_COMPARE_ROWS = 32
"""Rows compared when ordering inner sets; a tie on this many rows is undecided (overflow)."""


def group_less(g: Grouped, L: int = GROUP_COMPARE_ROWS):
    """Canonical order between inner sets, decided on their first ``L`` rows.

    Returns ``(less bool[K, K], undecided bool[K, K])``: ``less[a, b]`` when inner set
    ``a`` precedes ``b`` (lexicographic on row sequences, a proper prefix first);
    ``undecided[a, b]`` when both have more than ``L`` rows and their first ``L`` rows
    are equal (the order, or equality, is then unknown). O(K²·L·F).
    """
    L = min(L, g.data.shape[0])
    idx = _group_rows(g, L)
    rows = g.data[idx]                                     # [K, L, F]
    present = jnp.arange(L)[None, :] < g.sizes[:, None]    # [K, L]
    a_rows, b_rows = rows[:, None], rows[None, :]
    a_has, b_has = present[:, None], present[None, :]
    row_lt = _lex_lt(a_rows, b_rows)                       # [K, K, L]
    row_eq = jnp.all(a_rows == b_rows, axis=-1)
    differs = (a_has != b_has) | (a_has & b_has & ~row_eq)
    first = jnp.argmax(differs, axis=-1)
    any_diff = jnp.any(differs, axis=-1)
    take = lambda x: jnp.take_along_axis(x, first[..., None], axis=-1)[..., 0]
    lt_at = jnp.where(take(a_has) & take(b_has), take(row_lt), ~take(a_has) & take(b_has))
    long = g.sizes > L
    undecided = ~any_diff & long[:, None] & long[None, :]
    return any_diff & lt_at, undecided


def _lex_lt(a: jax.Array, b: jax.Array) -> jax.Array:
    """Lexicographic ``a < b`` along the last axis."""
    F = a.shape[-1]
    lt = jnp.zeros(jnp.broadcast_shapes(a.shape, b.shape)[:-1], bool)
    eq = jnp.ones_like(lt)
    for f in range(F):
        lt = lt | (eq & (a[..., f] < b[..., f]))
        eq = eq & (a[..., f] == b[..., f])
    return lt


def canonical_groups(g: Grouped):
    """Sort the inner sets of ``g`` canonically and drop duplicate inner sets.

    Returns ``(Grouped, overflow bool[])``; overflow when two distinct inner sets agree
    on their first :data:`GROUP_COMPARE_ROWS` rows (their order cannot be decided).
    """
    K = g.sizes.shape[0]
    live = jnp.arange(K) < g.n
    less, undecided = group_less(g)
    pair = live[:, None] & live[None, :] & ~jnp.eye(K, dtype=bool)
    less = less & pair
    equal = ~less & ~less.T & pair
    # Keep the first of each run of equal groups (by index), then rank by "less" count.
    dup = jnp.any(jnp.tril(equal, k=-1), axis=1)
    keep = live & ~dup
    rank = jnp.sum(less & keep[:, None], axis=0)           # how many kept groups precede
    new_id = jnp.where(keep, rank, K)
    row_group = jnp.where(group_mask(g), new_id[jnp.minimum(g.group, K - 1)], K)
    row_group = jnp.where(group_mask(g), row_group, K)
    M = g.data.shape[0]
    perm = lex_order([row_group, jnp.arange(M, dtype=jnp.int32)])
    data, grp = g.data[perm], row_group[perm]
    data = jnp.where((grp < K)[:, None], data, 0)
    n = jnp.sum(keep, dtype=jnp.int32)
    sizes = jax.ops.segment_sum(jnp.ones((M,), jnp.int32), grp, num_segments=K + 1)[:K]
    return Grouped(data, grp, n, sizes), jnp.any(undecided & pair)


def grouped_equal(a: Grouped, b: Grouped) -> jax.Array:
    """``bool[]``: the same inner sets in the same order (padding is canonical)."""
    return (a.n == b.n) & jnp.all(a.sizes == b.sizes) & jnp.all(a.data == b.data) & jnp.all(a.group == b.group)


# ---------------------------------------------------------------------------- Python ↔ JAX


def _rows_of(dsl_type: str, value) -> list[tuple]:
    F = ROW_WIDTH[dsl_type]
    if dsl_type in FROZEN:
        items = sorted(value, key=canon_key)
    else:
        items = list(value)
    rows = []
    for item in items:
        if F == 1:
            rows.append((int(item),))
        elif F == 2:
            rows.append((int(item[0]), int(item[1])))
        else:
            rows.append((int(item[0]), int(item[1][0]), int(item[1][1])))
    return rows


def _row_to_py(dsl_type: str, row) -> Any:
    F = ROW_WIDTH[dsl_type]
    if F == 1:
        return bool(row[0]) if dsl_type == "Tuple[Boolean]" else _values.int_to_py(row[0])
    if F == 2:
        return (int(row[0]), int(row[1]))
    return (int(row[0]), (int(row[1]), int(row[2])))


def _check_container(dsl_type: str, value) -> None:
    want = frozenset if dsl_type in FROZEN else tuple
    if not isinstance(value, want):
        raise TypeError(f"expected {dsl_type} ({want.__name__}), got {type(value).__name__}")


def _fits(rows) -> bool:
    return all(-_values.INT_LIMIT < v < _values.INT_LIMIT for r in rows for v in r)


def elems_from_py(dsl_type: str, value, caps):
    """Python container → host :class:`Elems`; returns ``(Elems, overflow)``."""
    _check_container(dsl_type, value)
    rows = _rows_of(dsl_type, value)
    N, F = elems_capacity(dsl_type, caps), ROW_WIDTH[dsl_type]
    data = np.zeros((N, F), np.int32)
    if len(rows) > N or not _fits(rows):
        return Elems(data, np.int32(0)), True
    if rows:
        data[: len(rows)] = np.asarray(rows, np.int32)
    return Elems(data, np.int32(len(rows))), False


def elems_to_py(dsl_type: str, e: Elems):
    """Host :class:`Elems` → Python frozenset or tuple."""
    items = [_row_to_py(dsl_type, e.data[k]) for k in range(int(e.n))]
    return frozenset(items) if dsl_type in FROZEN else tuple(items)


def grouped_from_py(dsl_type: str, value, caps):
    """Python container of frozensets → host :class:`Grouped`; returns ``(Grouped, overflow)``."""
    _check_container(dsl_type, value)
    inner = INNER_TYPE[dsl_type]
    groups = sorted(value, key=canon_key) if dsl_type in FROZEN else list(value)
    K, M, F = caps.objects, caps.object_cells, ROW_WIDTH[dsl_type]
    data = np.zeros((M, F), np.int32)
    group = np.full((M,), K, np.int32)
    sizes = np.zeros((K,), np.int32)
    if len(groups) > K:
        return Grouped(data, group, np.int32(0), sizes), True
    r = 0
    for k, g in enumerate(groups):
        _check_container(inner, g)
        rows = _rows_of(inner, g)
        if r + len(rows) > M or not _fits(rows):
            return Grouped(np.zeros((M, F), np.int32), np.full((M,), K, np.int32), np.int32(0),
                           np.zeros((K,), np.int32)), True
        if rows:
            data[r: r + len(rows)] = np.asarray(rows, np.int32)
        group[r: r + len(rows)] = k
        sizes[k] = len(rows)
        r += len(rows)
    return Grouped(data, group, np.int32(len(groups)), sizes), False


def grouped_to_py(dsl_type: str, g: Grouped):
    """Host :class:`Grouped` → Python frozenset/tuple of frozensets."""
    inner = INNER_TYPE[dsl_type]
    starts = np.cumsum(g.sizes) - g.sizes
    items = []
    for k in range(int(g.n)):
        rows = g.data[starts[k]: starts[k] + g.sizes[k]]
        items.append(frozenset(_row_to_py(inner, row) for row in rows))
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
    row = (int(value[0]), int(value[1][0]), int(value[1][1]))
    return np.asarray(row if _fits([row]) else (0, 0, 0), np.int32), not _fits([row])


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
