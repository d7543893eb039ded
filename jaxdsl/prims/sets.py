"""Container primitives on tuples and frozensets (arc-dsl spec §4.2, §4.4, #129/#130).

size, merge, combine, intersection, difference, dedupe, first, last, other, insert,
remove, initset, totuple, contained, repeat, product, pair, interval, maximum, minimum,
mostcommon, leastcommon, hsplit, vsplit, and equality / identity / branch for every
container type (the scalar and Grid versions live in :mod:`jaxdsl.prims.numeric`).
``size``, ``first`` and ``last`` also take a Samples (a batt's ``S``, the demo pairs).
combine and difference also take a frozenset with the tuple of its element type (either
way round; the result has the first argument's type). A Grid is also a container of its
rows (a row is a Tuple[Integer]) for first, last, other, contained, remove, dedupe,
difference, merge, mostcommon and leastcommon.

Values (see :mod:`jaxdsl.containers`):

* :class:`~jaxdsl.containers.Elems` ``(data int32[N, F], n)`` — Indices, Object,
  IntegerSet (frozensets: rows strictly ascending, canonical) and Tuple[Integer],
  Tuple[Boolean], Tuple[IntegerTuple], Tuple[Cell] (rows in tuple order). Rows ``≥ n``
  are zero. An element is an Integer ``int32[]`` / Boolean ``bool[]`` (F = 1), an
  IntegerTuple ``int32[2]`` (F = 2) or a Cell ``int32[3]`` ``(colour, i, j)`` (F = 3).
* :class:`~jaxdsl.containers.Grouped` ``(data int32[M, F], group int32[M], n, sizes int32[K])``
  — Objects, IndicesSet (inner sets canonical and distinct) and Tuple[Object],
  Tuple[Indices] (tuple order). Rows of group ``k`` start at ``sizes[0] + … +
  sizes[k-1]``; padding rows have ``group == K`` and zero data. An element is an
  Object / Indices :class:`Elems`.
* :class:`~jaxdsl.containers.GridTuple` ``(cells int8[G, H, W], h, w, n)`` — Tuple[Grid];
  grids ``≥ n`` are the empty grid. An element is a :class:`~jaxdsl.values.Grid`.
* :class:`~jaxdsl.containers.PairTuple` ``(cells int8[K, 2, H, W], h, w, n)`` — Samples;
  an element (``first`` / ``last``) is a pair as a Tuple[Grid] of ``caps.grids`` grids
  (``n = 2``; a pair cannot be held when ``caps.grids < 2``: ``overflow``).
* :class:`~jaxdsl.values.Grid` ``(cells int8[H, W], h, w)`` as a container: its ``h``
  rows; a row is a Tuple[Integer] Elems ``int32[caps.tuple, 1]`` with ``n = w`` (cells
  read with :func:`~jaxdsl.values.from_cell`; a ``None`` cell cannot be held in a row and
  sets ``overflow``). Grid results (remove, dedupe, difference) keep the input's
  capacity; no rows left is the empty grid ``()``.

Output capacities: an Elems result has ``caps.tuple`` rows when F = 1 and ``caps.patch``
rows otherwise (primitives that only drop elements keep the input's row count); a
Grouped result has ``caps.objects`` groups and ``caps.object_cells`` rows (filters keep
the input's); a GridTuple result has ``caps.grids`` grids (filters keep the input's) of
the input grids' ``(H, W)``.

Flags, shared by every function:

* ``ok`` is False exactly where the reference raises (empty container for first / last /
  other / mostcommon / leastcommon, ``None`` where Python needs an int, zero step or
  divisor, the ``()`` grid for hsplit / vsplit, frozensets where arc-dsl needs a tuple).
* ``overflow`` (only together with ``ok``) is True when the result has more elements
  (rows, groups, grids) than its capacity, when a grid result is larger than ``(H, W)``
  or ragged, and when a ``None`` / ``()`` sentinel would have to be stored inside a
  container (containers cannot hold them; the runner's exact fallback handles it).
* A result that is not ok or overflows has every leaf zeroed (``n == 0``).

Cost notes. Containers of at most ``_SMALL`` (128) rows — integer containers
(``caps.tuple``), groups of a Grouped (``caps.objects``), grids of a Tuple[Grid] — use
dense pairwise kernels (O(L²) compares, cheap to compile and to run at these sizes).
Larger row arrays (patches, ``caps.patch``; Grouped rows, ``caps.object_cells``) use
sorts (O(L log L)), prefix sums, gathers and one scatter; nothing is quadratic in them.
Ordering inner sets of Grouped values is exact (no row horizon) and costs O(M·K·F)
time and ``[M, K]`` memory per call (:func:`_group_cmp`); equality alone (``intersection``,
``difference``, ``dedupe``) is decided by per-group hashes verified row by row, O(M·F +
K²) (:func:`_hash_match`), with :func:`_group_cmp` as the exact path where a hash
collides. Tuple[Grid] equality costs O(G²·H·W).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from jaxdsl.containers import (Elems, GridTuple, Grouped, PairTuple, compact, elems_equal, group_mask, group_starts,
                               lex_order, make_set, member_sorted, pack_rows, prefix_sum, row_mask, unless_fast)
from jaxdsl.prims import Signature
from jaxdsl.prims.grids import crop
from jaxdsl.prims.segmentation import keep_groups
from jaxdsl.types import (AS_TUPLE, BOOLEAN, CELL, CONTAINERS, FROZEN_ELEMS, FROZEN_GROUPED, GRID, INDICES,
                          INDICES_SET, INTEGER, INTEGER_SET, INTEGER_TUPLE, OBJECT, OBJECTS, TUPLE_BOOLEAN,
                          SAMPLES, TUPLE_CELL, TUPLE_ELEMS, TUPLE_GRID, TUPLE_GROUPED, TUPLE_INDICES, TUPLE_INTEGER,
                          TUPLE_INTEGER_TUPLE, TUPLE_OBJECT, element_type)
from jaxdsl.values import (CELL_NONE, INT_NONE, Capacity, Grid, from_cell, int_or_zero, int_truthy, int_valid,
                           is_sentinel, make_grid, result)

_I32 = jnp.int32
_BIG = 2**30
"""Larger than any row position or count (a "no value" in min-reductions)."""
_SMALL = 128
"""Row arrays up to this length use dense O(L²) kernels instead of sorts / prefix scans."""
_CMP_BLOCK = 16
"""Groups of the right-hand container compared per step in :func:`_group_cmp`."""


# =============================================================================== helpers
# ----------------------------------------------------------------------------- scalars


def _row(value, F: int) -> jax.Array:
    """An element (Integer/Boolean ``[]``, IntegerTuple ``[2]``, Cell ``[3]``) as ``int32[F]``."""
    return jnp.asarray(value).astype(_I32).reshape((F,))


def _row_width(value) -> int:
    """Static row width of a scalar / IntegerTuple / Cell element (1, 2 or 3)."""
    return max(1, int(jnp.size(jnp.asarray(value))))


def _unrow(row: jax.Array, F: int) -> jax.Array:
    """An ``int32[F]`` row back to the element value (a scalar when F = 1)."""
    return row[0] if F == 1 else row


def _rows_cap(F: int, caps: Capacity) -> int:
    """Row capacity of an Elems result of row width ``F`` (``caps.tuple`` for F = 1)."""
    return caps.tuple if F == 1 else caps.patch


def _lex_less(a: jax.Array, b: jax.Array) -> jax.Array:
    """Lexicographic ``a < b`` along the last axis (broadcasting)."""
    lt = jnp.zeros(jnp.broadcast_shapes(a.shape, b.shape)[:-1], bool)
    eq = jnp.ones_like(lt)
    for f in range(a.shape[-1]):
        lt = lt | (eq & (a[..., f] < b[..., f]))
        eq = eq & (a[..., f] == b[..., f])
    return lt


def _fit_rows(data: jax.Array, cap: int) -> jax.Array:
    """``data`` truncated or zero-padded to ``cap`` rows (static shapes)."""
    L = data.shape[0]
    if L >= cap:
        return data[:cap]
    return jnp.concatenate([data, jnp.zeros((cap - L,) + data.shape[1:], data.dtype)])


def _mask_rows(data: jax.Array, keep: jax.Array) -> jax.Array:
    """``data`` with the rows (leading axis) where ``keep`` is False zeroed."""
    return jnp.where(keep.reshape(keep.shape + (1,) * (data.ndim - 1)), data, jnp.zeros((), data.dtype))


def _elems(data: jax.Array, n, cap: int) -> Elems:
    """An Elems of ``cap`` rows whose first ``n`` rows are ``data``'s (rest zeroed)."""
    n = jnp.clip(jnp.asarray(n, _I32), 0, cap)
    return Elems(_mask_rows(_fit_rows(data, cap), jnp.arange(cap) < n), n)


# ------------------------------------------------------------------ generic row kernels


def _excl_prefix(x: jax.Array) -> jax.Array:
    """``int32[L]`` exclusive prefix sums of ``x`` (dense triangular sum when small)."""
    x = x.astype(_I32)
    L = x.shape[0]
    if L <= _SMALL:
        before = jnp.arange(L)[None, :] < jnp.arange(L)[:, None]          # [i, j]: j < i
        return jnp.sum(jnp.where(before, x[None, :], 0), axis=1, dtype=_I32)
    return prefix_sum(x) - x


def _compact(data: jax.Array, keep: jax.Array, cap: int):
    """Stable compaction of the rows (leading axis) where ``keep``, the first ``cap``.

    Returns ``(out [cap, ...] zero-padded, n int32[], overflow bool[])``. Small arrays use
    a dense rank match and a gather; large ones :func:`jaxdsl.containers.compact`.
    """
    L = data.shape[0]
    if L > _SMALL:
        return compact(data, keep, cap)
    rank = _excl_prefix(keep)
    n = jnp.sum(keep, dtype=_I32)
    hit = keep[None, :] & (rank[None, :] == jnp.arange(cap)[:, None])     # [cap, L]
    out = _mask_rows(data[jnp.argmax(hit, axis=1)], jnp.any(hit, axis=1))
    return out, jnp.minimum(n, cap), n > cap


def _eq_matrix(a: jax.Array, b: jax.Array) -> jax.Array:
    """``bool[La, Lb]``: row equality of every row of ``a`` with every row of ``b``."""
    return jnp.all(a[:, None, :] == b[None, :, :], axis=-1)


def _make_set(data: jax.Array, valid: jax.Array, cap: int):
    """Canonical frozenset (sorted, deduplicated) of the valid rows, ``cap`` rows.

    Returns ``(Elems, overflow)``. Small inputs rank every row densely (O(L²·F)); large
    ones use :func:`jaxdsl.containers.make_set` (one sort).
    """
    L = data.shape[0]
    if L > _SMALL:
        return make_set(data, valid, cap)
    pair = valid[:, None] & valid[None, :]
    earlier = jnp.arange(L)[None, :] < jnp.arange(L)[:, None]            # [i, j]: j < i
    keep = valid & ~jnp.any(_eq_matrix(data, data) & pair & earlier, axis=1)
    rank = jnp.sum(_lex_less(data[None, :, :], data[:, None, :]) & keep[None, :], axis=1)
    n = jnp.sum(keep, dtype=_I32)
    hit = keep[None, :] & (rank[None, :] == jnp.arange(cap)[:, None])
    out = _mask_rows(data[jnp.argmax(hit, axis=1)], jnp.any(hit, axis=1))
    return Elems(out, jnp.minimum(n, cap)), n > cap


def _sorted_runs(data: jax.Array, valid: jax.Array):
    """Sort rows (valid first, then lexicographically, stable) and find runs of equal rows.

    Returns ``(perm, rows, ok, start)``: the permutation, sorted rows and validity, and
    ``start[p]``, the sorted position where the run of equal valid rows containing ``p``
    begins. O(L log L).
    """
    L, F = data.shape
    perm = lex_order([(~valid).astype(_I32)] + [data[:, f] for f in range(F)])
    rows, ok = data[perm], valid[perm]
    same = jnp.all(rows[1:] == rows[:-1], axis=1) & ok[1:] & ok[:-1]
    new_run = jnp.concatenate([jnp.ones((1,), bool), ~same])
    start = jax.lax.cummax(jnp.where(new_run, jnp.arange(L, dtype=_I32), 0))
    return perm, rows, ok, start


def _member(a_data, a_valid, b_data, b_valid, b_sorted: bool = False):
    """Whether each valid row of ``a`` equals some valid row of ``b``.

    Returns ``(member bool[La], overflow bool[])``. Dense pairwise when both are small
    (never overflows); else both sides are packed into single ``int32`` keys
    (:func:`jaxdsl.containers.pack_rows`), ``b``'s keys sorted unless ``b_sorted`` (a
    frozenset in canonical order already is), and each row of ``a`` binary-searched:
    O((La + Lb) log Lb), no multi-key sort. ``overflow`` when a row lies outside its key
    field (never inside the window; then ``member`` is meaningless).
    """
    La, Lb = a_data.shape[0], b_data.shape[0]
    if La <= _SMALL and Lb <= _SMALL:
        eq = _eq_matrix(a_data, b_data) & b_valid[None, :]
        return a_valid & jnp.any(eq, axis=1), jnp.asarray(False)
    ka, fits_a = pack_rows(a_data, a_valid)
    kb, fits_b = pack_rows(b_data, b_valid)
    if not b_sorted:
        kb = jnp.sort(kb)
    hit = member_sorted(ka, kb, jnp.sum(b_valid, dtype=_I32))
    return a_valid & hit, ~(fits_a & fits_b)


def _first_occurrence(data, valid) -> jax.Array:
    """``bool[L]``: valid rows that do not equal an earlier valid row (dense when small,
    else one sort)."""
    L = data.shape[0]
    if L <= _SMALL:
        earlier = jnp.arange(L)[None, :] < jnp.arange(L)[:, None]
        dup = jnp.any(_eq_matrix(data, data) & valid[None, :] & earlier, axis=1)
        return valid & ~dup
    perm, _, ok, start = _sorted_runs(data, valid)
    first = ok & (start == jnp.arange(L))
    return jnp.zeros((L,), bool).at[perm].set(first)


def _row_eq(e: Elems, row: jax.Array) -> jax.Array:
    """``bool[N]``: valid rows of ``e`` equal to ``row``."""
    return row_mask(e) & jnp.all(e.data == row[None, :], axis=1)


# -------------------------------------------------------------------- Grouped kernels


def _live(g: Grouped) -> jax.Array:
    """``bool[K]``: the groups ``< n``."""
    return jnp.arange(g.sizes.shape[0]) < g.n


def _positions(g: Grouped) -> jax.Array:
    """``int32[M]``: each row's position inside its group (meaningless on padding rows)."""
    K = g.sizes.shape[0]
    return jnp.arange(g.data.shape[0], dtype=_I32) - group_starts(g)[jnp.minimum(g.group, K - 1)]


def _single(e: Elems) -> Grouped:
    """An Object / Indices as a Grouped holding one inner set (capacity K = 1)."""
    group = jnp.where(row_mask(e), 0, 1).astype(_I32)
    return Grouped(e.data, group, jnp.int32(1), jnp.reshape(e.n, (1,)).astype(_I32))


def _group_cmp(a: Grouped, b: Grouped):
    """Exact canonical comparison of every inner set of ``a`` with every one of ``b``.

    Row ``r`` of ``a`` (position ``p`` in its group) is compared with row ``p`` of every
    group of ``b``; the first mismatching position (or ``b`` running out) decides, a
    proper prefix first (spec §5). Returns ``(less bool[Ka, Kb], equal bool[Ka, Kb])``,
    meaningful for live groups only. O(Ma·Kb·F) time; the groups of ``b`` are taken
    ``_CMP_BLOCK`` at a time (a ``lax.map``), so intermediates are ``[Ma, _CMP_BLOCK]``.
    """
    Ma, F = a.data.shape
    Mb, Kb = b.data.shape[0], b.sizes.shape[0]
    Ka = a.sizes.shape[0]
    pos = _positions(a)
    seg = jnp.minimum(a.group, Ka)

    def block(starts_b, sizes_b):
        # first mismatch of every group of a against the groups of b in this block
        idx = jnp.clip(starts_b[None, :] + pos[:, None], 0, Mb - 1)      # [Ma, blk]
        beyond = pos[:, None] >= sizes_b[None, :]
        lt = jnp.zeros(idx.shape, bool)
        eq = jnp.ones(idx.shape, bool)
        for f in range(F):
            av, bv = a.data[:, f][:, None], b.data[:, f][idx]
            lt = lt | (eq & (av < bv))
            eq = eq & (av == bv)
        key = jnp.where(beyond | ~eq, 2 * pos[:, None] + jnp.where(beyond | ~lt, 1, 0), _BIG)
        return jax.ops.segment_min(key, seg, num_segments=Ka + 1)[:Ka]     # [Ka, blk]

    starts_b = group_starts(b)
    if Kb <= _CMP_BLOCK or Kb % _CMP_BLOCK:
        first = block(starts_b, b.sizes)
    else:   # bound the [Ma, Kb] intermediates: Kb / _CMP_BLOCK sequential blocks
        nblk = Kb // _CMP_BLOCK
        parts = jax.lax.map(lambda sb: block(*sb), (starts_b.reshape(nblk, _CMP_BLOCK),
                                                     b.sizes.reshape(nblk, _CMP_BLOCK)))
        first = jnp.transpose(parts, (1, 0, 2)).reshape(Ka, Kb)
    clean = first >= _BIG                   # every row of a matches b's row at its position
    size_a, size_b = a.sizes[:, None], b.sizes[None, :]
    return jnp.where(clean, size_a < size_b, first % 2 == 0), clean & (size_a == size_b)


def _relayout(parts, n_groups, K: int, M: int):
    """Assemble a Grouped from the inner sets of several Grouped values.

    Args:
      parts: ``(g, new_id int32[Kg], keep bool[Kg])`` triples: the live groups of ``g``
        where ``keep`` become group ``new_id`` of the result (new ids distinct, ``0 …
        n_groups-1``; rows keep their order inside a group).
      n_groups: ``int32[]`` groups of the result; K, M: result capacities.
    Returns:
      ``(Grouped, overflow)``; overflow when more than ``M`` rows or ``K`` groups.
      Group-level work is dense (O(K·Kg)); rows move with one scatter of ``M`` rows.
    """
    ids = jnp.arange(K)
    sizes = jnp.zeros((K,), _I32)
    for g, new_id, keep in parts:
        keep = keep & _live(g)
        onehot = keep[None, :] & (new_id[None, :] == ids[:, None])          # [K, Kg]
        sizes = sizes + jnp.sum(jnp.where(onehot, g.sizes[None, :], 0), axis=1, dtype=_I32)
    starts = _excl_prefix(sizes)
    rows, dests = [], []
    for g, new_id, keep in parts:
        Kg, F = g.sizes.shape[0], g.data.shape[1]
        gi = jnp.minimum(g.group, Kg - 1)
        nid = new_id[gi]
        take = group_mask(g) & keep[gi] & _live(g)[gi] & (nid < K)
        dest = jnp.where(take, starts[jnp.clip(nid, 0, K - 1)] + _positions(g), M)
        rows.append(jnp.concatenate([g.data, nid[:, None]], axis=1))
        dests.append(dest)
    F = rows[0].shape[1] - 1
    init = jnp.zeros((M, F + 1), _I32).at[:, F].set(K)
    out = init.at[jnp.concatenate(dests)].set(jnp.concatenate(rows), mode="drop")
    n_groups = jnp.asarray(n_groups, _I32)
    over = (jnp.sum(sizes) > M) | (n_groups > K)
    return Grouped(out[:, :F], out[:, F], jnp.minimum(n_groups, K), sizes), over


def _group_at(g: Grouped, k, cap: int):
    """Inner set ``k`` as an Elems of ``cap`` rows (a gather of its contiguous rows).

    Returns ``(Elems, overflow)``; overflow when the inner set has more than ``cap`` rows.
    """
    K, M = g.sizes.shape[0], g.data.shape[0]
    k = jnp.clip(jnp.asarray(k, _I32), 0, K - 1)
    size = g.sizes[k]
    rows = g.data[jnp.clip(group_starts(g)[k] + jnp.arange(cap), 0, M - 1)]
    return _elems(rows, size, cap), size > cap


def _grouped_equal(a: Grouped, b: Grouped) -> jax.Array:
    """``bool[]``: the same inner sets in the same order (canonical layout, any capacities)."""
    Ka, Kb = a.sizes.shape[0], b.sizes.shape[0]
    K, M = max(Ka, Kb), max(a.data.shape[0], b.data.shape[0])
    sa = _fit_rows(jnp.where(_live(a), a.sizes, 0), K)
    sb = _fit_rows(jnp.where(_live(b), b.sizes, 0), K)
    da = _fit_rows(_mask_rows(a.data, group_mask(a)), M)
    db = _fit_rows(_mask_rows(b.data, group_mask(b)), M)
    return (a.n == b.n) & jnp.all(sa == sb) & jnp.all(da == db)


_HASH_MIX = (0x85EBCA6B, 0x9E3779B9, 0xC2B2AE35)
"""Odd 32-bit constants of the inner-set hash (:func:`_group_hash`): position multiplier,
seed, key multiplier."""


def _i32(c: int) -> jax.Array:
    """A 32-bit constant as ``int32`` (two's complement)."""
    return jnp.int32(c - (1 << 32) if c >= 1 << 31 else c)


def _group_hash(g: Grouped) -> jax.Array:
    """``int32[K]``: a 32-bit hash of each inner set's row sequence.

    Each row's packed key (:func:`jaxdsl.containers.pack_rows`) is mixed with its position
    in its group (multiply-xorshift, wrapping ``int32`` arithmetic), and a group's hash is
    the wrapping sum over its rows (one segment sum; padding rows fall in segment K,
    dropped). Equal inner sets (canonical, so equal row sequences) hash alike; two unequal
    ones of equal size collide with probability about 2⁻³². Padding groups hash to 0.
    O(M·F). Only a hint: :func:`_hash_match` verifies what it finds, so a collision (or a
    row outside the key fields, whose key is shared) costs the exact path, never a wrong
    answer. One 32-bit hash rather than two: a second segment sum costs more per sample
    than the rare collisions it would avoid (a collision somewhere in a batch of 2,048
    samples × 64² pairs of inner sets has a chance of about 0.2 %)."""
    K = g.sizes.shape[0]
    pos_mul, seed, mul = _HASH_MIX
    key, _ = pack_rows(g.data, group_mask(g))
    h = (key ^ (_positions(g) * _i32(pos_mul) + _i32(seed))) * _i32(mul)
    h = (h ^ lax.shift_right_logical(h, 15)) * _i32(pos_mul)
    h = h ^ lax.shift_right_logical(h, 13)
    return jax.ops.segment_sum(h, jnp.minimum(g.group, K), num_segments=K + 1)[:K]


def _hash_match(a: Grouped, b: Grouped):
    """Candidate equal inner sets by hash, with the first candidate of each verified.

    Returns ``(match bool[Ka, Kb], first int32[Ka], verified bool[])``: ``match`` pairs
    live inner sets of equal size and equal :func:`_group_hash`; ``first[k]`` is the
    first ``l`` with ``match[k, l]`` (0 if none); ``verified`` is True when every inner set
    of ``a`` with a candidate equals ``b``'s inner set ``first[k]`` row by row. Equal inner
    sets always match, so where ``verified`` holds, ``a_k`` equals some inner set of ``b``
    exactly when it has a candidate, and that candidate is ``first[k]``. O(M·F + Ka·Kb)."""
    match = ((_group_hash(a)[:, None] == _group_hash(b)[None, :]) & (a.sizes[:, None] == b.sizes[None, :])
             & _live(a)[:, None] & _live(b)[None, :])
    first = jnp.argmax(match, axis=1).astype(_I32)
    Ka, Mb = a.sizes.shape[0], b.data.shape[0]
    gi = jnp.minimum(a.group, Ka - 1)
    checked = group_mask(a) & jnp.any(match, axis=1)[gi]
    at = jnp.clip(group_starts(b)[first[gi]] + _positions(a), 0, Mb - 1)
    verified = ~jnp.any(checked & jnp.any(b.data[at] != a.data, axis=1))
    return match, first, verified


def _member_groups(a: Grouped, b: Grouped) -> jax.Array:
    """``bool[Ka]``: whether each live inner set of ``a`` equals a live inner set of ``b``.

    By hash (:func:`_hash_match`, O(M·F + Ka·Kb)); where the verification finds a hash
    collision (rare), exactly by :func:`_group_cmp` (O(M·K·F)), inside
    :func:`~jaxdsl.containers.unless_fast`: a batch pays for it only when one of its
    samples collides."""
    match, _, verified = _hash_match(a, b)

    def exact(a, b):
        _, equal = _group_cmp(a, b)
        return jnp.any(equal & _live(b)[None, :], axis=1) & _live(a)

    return unless_fast(verified, jnp.any(match, axis=1), exact, a, b)


def _earlier_duplicates(t: Grouped) -> jax.Array:
    """``bool[K]``: live inner sets of ``t`` equal to an earlier inner set of ``t``.

    By hash: the first candidate of ``t_k`` among ``t``'s own inner sets is verified
    (:func:`_hash_match` of ``t`` with itself), so ``t_k`` repeats an earlier one exactly
    when its first candidate is before ``k``. A hash collision (rare) takes the exact
    pairwise comparison (:func:`_group_cmp`, inside :func:`~jaxdsl.containers.unless_fast`,
    which the whole batch then pays for)."""
    K = t.sizes.shape[0]
    _, first, verified = _hash_match(t, t)

    def exact(t):
        _, equal = _group_cmp(t, t)
        earlier = jnp.arange(K)[None, :] < jnp.arange(K)[:, None]      # [k, j]: j < k
        return jnp.any(equal & earlier & _live(t)[None, :], axis=1) & _live(t)

    return unless_fast(verified, (first < jnp.arange(K)) & _live(t), exact, t)


def _elem_eq_groups(g: Grouped, e: Elems) -> jax.Array:
    """``bool[K]``: live inner sets of ``g`` equal to the Object / Indices ``e``. O(M·F)."""
    _, equal = _group_cmp(g, _single(e))
    return equal[:, 0] & _live(g)


def _groupset_of(t: Grouped) -> Grouped:
    """The inner sets of a Tuple[Object] / Tuple[Indices] as an Objects / IndicesSet:
    canonical order, later duplicates dropped, same capacities (it cannot overflow).

    Exact: :func:`_group_cmp` of ``t`` with itself (O(M·K·F)) gives every inner set's
    first occurrence and its rank among the distinct ones; the rows move with one scatter.
    """
    K = t.sizes.shape[0]
    less, equal = _group_cmp(t, t)                                      # [k, j]: t_k < t_j, ==
    live = _live(t)
    earlier = jnp.arange(K)[None, :] < jnp.arange(K)[:, None]          # [k, j]: j < k
    keep = live & ~jnp.any(equal & earlier & live[None, :], axis=1)
    rank = jnp.sum(less & keep[:, None], axis=0, dtype=_I32)            # distinct sets before t_j
    out, _ = _relayout([(t, rank, keep)], jnp.sum(keep, dtype=_I32), K, t.data.shape[0])
    return out


# ------------------------------------------------------------------- GridTuple kernels


def _pad_cells(cells: jax.Array, H: int, W: int) -> jax.Array:
    """Grid cells ``[..., h0, w0]`` zero-padded to ``[..., H, W]``."""
    h0, w0 = cells.shape[-2:]
    return jnp.pad(cells, [(0, 0)] * (cells.ndim - 2) + [(0, H - h0), (0, W - w0)])


def _grid_words(cells: jax.Array) -> jax.Array:
    """``uint32[..., H, ⌈W/4⌉]``: grid cells ``int8[..., H, W]`` packed four to a word, the
    first cell of a row in the high byte, each as ``cell + 128`` (so ``CELL_NONE`` is
    lowest, as ``None`` sorts first). Two rows compare word by word as they compare cell
    by cell (equality, and lexicographic order up to the first differing word), on a
    quarter of the elements: the pairwise grid comparisons below are O(G²·H·W)."""
    H, W = cells.shape[-2:]
    # byte-sized steps (flipping the sign bit adds 128 mod 256), then one bitcast: a map's
    # budget (higher_order.MAP_BUDGET) counts every intermediate of its function
    c = lax.bitcast_convert_type(_pad_cells(cells, H, -(-W // 4) * 4), jnp.uint8) ^ jnp.uint8(0x80)
    # the bitcast reads the last axis least significant byte first (little-endian hosts and
    # GPUs; test_packed_grid_comparisons_match_python checks the order): flip it so the
    # first cell lands in the high byte
    c = jnp.flip(c.reshape(cells.shape[:-1] + (-1, 4)), axis=-1)
    return lax.bitcast_convert_type(c, jnp.uint32)


def _grids_eq(cells_a, h_a, w_a, cells_b, h_b, w_b) -> jax.Array:
    """``bool[Ga, Gb]``: equality of every grid of one stack against every grid of another
    (same h, w and cells; padding is zero). O(Ga·Gb·H·W/4) on packed words."""
    H = max(cells_a.shape[-2], cells_b.shape[-2])
    W = max(cells_a.shape[-1], cells_b.shape[-1])
    ca, cb = _grid_words(_pad_cells(cells_a, H, W)), _grid_words(_pad_cells(cells_b, H, W))
    same = jnp.all(ca[:, None] == cb[None, :], axis=(-2, -1))
    return same & (h_a[:, None] == h_b[None, :]) & (w_a[:, None] == w_b[None, :])


def _grids_live(t: GridTuple) -> jax.Array:
    return jnp.arange(t.cells.shape[0]) < t.n


def _grid_matches(t: GridTuple, grid: Grid) -> jax.Array:
    """``bool[G]``: live grids of ``t`` equal to ``grid``."""
    eq = _grids_eq(t.cells, t.h, t.w, grid.cells[None], jnp.reshape(grid.h, (1,)),
                   jnp.reshape(grid.w, (1,)))[:, 0]
    return eq & _grids_live(t)


def _first_difference_less(v: jax.Array, differ: jax.Array):
    """``(bool[G, G], bool[G, G])``: for every pair ``(a, b)`` of rows of ``v`` ``[G, L]``,
    whether ``differ[a, b]`` ``[G, G, L]`` marks a position, and whether ``v[a] < v[b]``
    at the first one."""
    k = jnp.arange(v.shape[0])
    at = jnp.argmax(differ, axis=-1)
    return jnp.any(differ, axis=-1), v[k[:, None], at] < v[k[None, :], at]


def _grids_less(t: GridTuple) -> jax.Array:
    """``bool[G, G]``: Python's ``<`` of every grid of ``t`` with every grid of ``t``
    (tuples of row tuples: the first differing row decides, a row or grid that is a
    proper prefix first; ``None`` cells, like ``INT_NONE``, sort first). Meaningful for
    live grids.

    A grid's rows all have its width ``w``, so two grids of one width compare as their
    first ``min(h)`` rows read row-major (padding columns are zero in both), then by
    height: a first-difference search over packed words (:func:`_grid_words`),
    O(G²·H·W/4). Two grids of different widths (both with rows) are decided by row 0
    alone — its common columns, then the shorter row: O(G²·W).
    """
    G, H, W = t.cells.shape
    ha, hb, wa, wb = t.h[:, None], t.h[None, :], t.w[:, None], t.w[None, :]
    same_w = wa == wb
    # one width: the first min(h) rows, word by word
    words = _grid_words(t.cells).reshape(G, -1)
    row = jnp.arange(words.shape[1]) // (words.shape[1] // H)
    differ = (row < jnp.minimum(ha, hb)[..., None]) & (words[:, None, :] != words[None, :, :])   # [G, G, H·W/4]
    found_words, lt_words = _first_difference_less(words, differ)
    # two widths: row 0's common columns
    first = t.cells[:, 0, :]
    col = jnp.arange(W)
    both_rows = (ha > 0) & (hb > 0)
    differ0 = (both_rows[..., None] & (col < jnp.minimum(wa, wb)[..., None])
               & (first[:, None, :] != first[None, :, :]))                                        # [G, G, W]
    found_first, lt_first = _first_difference_less(first, differ0)
    found = jnp.where(same_w, found_words, found_first)
    tail = jnp.where((ha == 0) | (hb == 0) | same_w, ha < hb, wa < wb)
    return jnp.where(found, jnp.where(same_w, lt_words, lt_first), tail)


def _select_grids(t: GridTuple, keep: jax.Array, G: int):
    """The grids of ``t`` where ``keep`` (order kept), in a tuple of ``G`` grids.

    Returns ``(GridTuple, overflow)``; overflow when more than ``G`` grids are kept."""
    keep = keep & _grids_live(t)
    cells, n, over = _compact(t.cells, keep, G)
    h, _, _ = _compact(t.h, keep, G)
    w, _, _ = _compact(t.w, keep, G)
    return GridTuple(cells, h, w, n), over


# ------------------------------------------------------------------------- dispatch


def _is_elems(x) -> bool:
    return isinstance(x, Elems)


def _is_grouped(x) -> bool:
    return isinstance(x, Grouped)


def _matches(container, value) -> jax.Array:
    """``bool[capacity]``: live elements of ``container`` equal to ``value`` (Python ``==``)."""
    if _is_elems(container):
        return _row_eq(container, _row(value, container.data.shape[1]))
    if _is_grouped(container):
        return _elem_eq_groups(container, value)
    return _grid_matches(container, value)


def _live_mask(container) -> jax.Array:
    """``bool[capacity]``: the live elements of any container."""
    if _is_elems(container):
        return row_mask(container)
    if _is_grouped(container):
        return _live(container)
    return _grids_live(container)


def _element_at(container, k, caps: Capacity):
    """Element ``k`` of a container and the overflow of extracting it.

    Elems → row value (scalar for F = 1); Grouped → Object / Indices Elems of
    ``caps.patch`` rows (overflow when the inner set is larger); GridTuple → Grid;
    PairTuple → the pair as a GridTuple of ``caps.grids`` grids (overflow when fewer than 2).
    """
    k = jnp.asarray(k, _I32)
    if isinstance(container, PairTuple):
        kk = jnp.clip(k, 0, container.cells.shape[0] - 1)
        G = caps.grids
        pair = GridTuple(_fit_rows(container.cells[kk], G), _fit_rows(container.h[kk], G),
                         _fit_rows(container.w[kk], G), jnp.int32(min(2, G)))
        return pair, jnp.asarray(G < 2)
    if _is_elems(container):
        F = container.data.shape[1]
        row = container.data[jnp.clip(k, 0, container.data.shape[0] - 1)]
        return _unrow(row, F), jnp.asarray(False)
    if _is_grouped(container):
        return _group_at(container, k, caps.patch)
    kk = jnp.clip(k, 0, container.cells.shape[0] - 1)
    return Grid(container.cells[kk], container.h[kk], container.w[kk]), jnp.asarray(False)


def _finish(value, ok, overflow=False):
    """``result`` with overflow only when ok; unless ok and fitting, the value is replaced
    by the empty value of its type (zeros; a Grouped keeps ``group == K`` padding)."""
    ok = jnp.asarray(ok, bool)
    overflow = ok & jnp.asarray(overflow, bool)
    good = ok & ~overflow
    blank = jax.tree_util.tree_map(jnp.zeros_like, value)
    if _is_grouped(value):
        blank = blank._replace(group=jnp.full_like(value.group, value.sizes.shape[0]))
    value = jax.tree_util.tree_map(lambda v, z: jnp.where(good, v, z), value, blank)
    return result(value, ok, overflow)


# ================================================================ §4.2 size, merge, combine


def size(container):
    """arc-dsl #20 ``size`` (spec §4.2): the number of elements, ``len(container)``.

    container: any Elems / Grouped / GridTuple container or a Samples PairTuple → Integer
    ``int32[]`` (``n``: cells of an Object, positions of Indices, inner sets of Objects,
    grids of a Tuple[Grid], demo pairs of a Samples). ``ok`` True, ``overflow`` False.
    """
    return result(jnp.asarray(container.n, _I32))


def merge_sets(containers: Grouped, *, caps: Capacity):
    """arc-dsl #21 ``merge`` of a frozenset of frozensets (spec §4.2): their union.

    containers: Objects / IndicesSet Grouped ``int32[M, F]`` → Object / Indices Elems
    ``int32[caps.patch, F]`` in canonical order (one sort of the M rows). ``overflow``
    when the union has more than ``caps.patch`` distinct rows. ``ok`` True.
    """
    e, over = make_set(containers.data, group_mask(containers), caps.patch)
    return _finish(e, True, over)


def merge_tuples(containers: Grouped, *, caps: Capacity):
    """arc-dsl #21 ``merge`` of a tuple of frozensets (spec §4.2, §5): concatenation.

    containers: Tuple[Object] / Tuple[Indices] Grouped → Tuple[Cell] / Tuple[IntegerTuple]
    Elems ``int32[caps.patch, F]``: the inner sets in tuple order, each contributing its
    rows in canonical order, duplicates kept (the Grouped rows as they are laid out).
    ``overflow`` when more than ``caps.patch`` rows. ``ok`` True.
    """
    total = jnp.sum(group_mask(containers), dtype=_I32)
    e = _elems(containers.data, total, caps.patch)
    return _finish(e, True, total > caps.patch)


def merge_grids(containers: GridTuple):
    """arc-dsl #21 ``merge`` of a tuple of grids (spec §4.2): the tuple of all their rows,
    i.e. the grids stacked vertically.

    containers: Tuple[Grid] ``cells int8[G, H, W]`` → Grid ``int8[H, W]``; ``()`` for an
    empty tuple (empty grids contribute no rows). ``overflow`` when the stack has more
    than ``H`` rows or is ragged (two grids with rows of different widths — a tuple the
    Grid representation cannot hold). ``ok`` True.
    """
    G, H, W = containers.cells.shape
    live = _grids_live(containers)
    h = jnp.where(live, containers.h, 0)
    w = jnp.where(live, containers.w, 0)
    off = _excl_prefix(h)
    total = jnp.sum(h)
    has_rows = h > 0
    w0 = w[jnp.argmax(has_rows)]
    ragged = jnp.any(has_rows & (w != w0))
    rows = jnp.arange(H)
    k = jnp.clip(jnp.sum((off + h)[None, :] <= rows[:, None], axis=1), 0, G - 1)   # grid of each row
    cells = containers.cells[k, jnp.clip(rows - off[k], 0, H - 1)]                  # [H, W]
    over = (total > H) | ragged
    out_w = jnp.where(jnp.any(has_rows), w0, 0)
    return _finish(make_grid(cells, jnp.where(over, 0, total), out_w), True, over)


def combine_sets(a: Elems, b: Elems, *, caps: Capacity):
    """arc-dsl #13 ``combine`` with a frozenset ``a`` (spec §4.2): the union ``a ∪ b``.

    a: Indices / Object / IntegerSet Elems; b: the same type or the tuple of the same
    element type (Tuple[IntegerTuple] / Tuple[Cell] / Tuple[Integer]: any order,
    duplicates) → a's type, ``int32[cap, F]`` canonical, cap = ``caps.tuple`` (F = 1) or
    ``caps.patch``. One sort of both row arrays (dense ranking for integer sets).
    ``overflow`` when the union has more than cap distinct rows. ``ok`` True.
    """
    data = jnp.concatenate([a.data, b.data])
    valid = jnp.concatenate([row_mask(a), row_mask(b)])
    e, over = _make_set(data, valid, _rows_cap(a.data.shape[1], caps))
    return _finish(e, True, over)


def combine_tuples(a: Elems, b: Elems, *, caps: Capacity):
    """arc-dsl #13 ``combine`` of two tuples (spec §4.2): concatenation, duplicates kept.

    a: Tuple[Integer] / Tuple[Boolean] / Tuple[IntegerTuple] / Tuple[Cell] Elems; b: the
    same type or the frozenset of the same element type (IntegerSet / Indices / Object,
    whose rows are already in the canonical order the reference appends them in) → a's
    type, ``int32[cap, F]`` (a gather: row ``i`` is ``a[i]`` or ``b[i - a.n]``).
    ``overflow`` when ``a.n + b.n`` exceeds cap. ``ok`` True.
    """
    cap = _rows_cap(a.data.shape[1], caps)
    i = jnp.arange(cap)
    ra = a.data[jnp.clip(i, 0, a.data.shape[0] - 1)]
    rb = b.data[jnp.clip(i - a.n, 0, b.data.shape[0] - 1)]
    n = a.n + b.n
    data = jnp.where((i < a.n)[:, None], ra, rb)
    return _finish(_elems(data, n, cap), True, n > cap)


def combine_groupsets(a: Grouped, b: Grouped, *, caps: Capacity):
    """arc-dsl #13 ``combine`` of two Objects / IndicesSets (spec §4.2): the union.

    a, b: Grouped ``int32[M, F]`` (canonical) → Grouped with ``caps.objects`` groups and
    ``caps.object_cells`` rows, inner sets in canonical order; inner sets of ``b`` equal
    to one of ``a`` are dropped. Exact order by :func:`_group_cmp` (O(M·K·F)); each
    group's new index is its rank in the merged order, rows move with one scatter.
    ``overflow`` when the union has more than ``caps.objects`` inner sets or
    ``caps.object_cells`` rows. ``ok`` True.
    """
    live_a, live_b = _live(a), _live(b)
    less_ab, equal_ab = _group_cmp(a, b)                        # a_k < b_l, a_k == b_l
    both = live_a[:, None] & live_b[None, :]
    keep_b = live_b & ~jnp.any(equal_ab & both, axis=0)
    b_first = ~less_ab & ~equal_ab & both & keep_b[None, :]     # b_l < a_k
    new_a = jnp.arange(a.sizes.shape[0], dtype=_I32) + jnp.sum(b_first, axis=1, dtype=_I32)
    new_b = _excl_prefix(keep_b) + jnp.sum(less_ab & both, axis=0, dtype=_I32)
    n = a.n + jnp.sum(keep_b, dtype=_I32)
    g, over = _relayout([(a, new_a, live_a), (b, new_b, keep_b)], n, caps.objects,
                        caps.object_cells)
    return _finish(g, True, over)


def combine_groupset_tuple(a: Grouped, b: Grouped, *, caps: Capacity):
    """arc-dsl #13 ``combine`` of an Objects / IndicesSet ``a`` and a Tuple[Object] /
    Tuple[Indices] ``b`` of the same inner type (spec §4.2): the union, a's type.

    a, b: Grouped → Objects / IndicesSet with ``caps.objects`` groups and
    ``caps.object_cells`` rows, inner sets in canonical order. ``b`` is first made a
    frozenset (canonical order, duplicates dropped: :func:`_groupset_of`, O(M·K·F)), then
    united as in :func:`combine_groupsets`. ``overflow`` when the union has more than
    ``caps.objects`` inner sets or ``caps.object_cells`` rows. ``ok`` True.
    """
    return combine_groupsets(a, _groupset_of(b), caps=caps)


def combine_grouptuples(a: Grouped, b: Grouped, *, caps: Capacity):
    """arc-dsl #13 ``combine`` of two Tuple[Object] / Tuple[Indices]: concatenation.

    a: Tuple[Object] / Tuple[Indices] Grouped; b: the same type or the frozenset of the
    same inner type (Objects / IndicesSet, appended in its canonical layout order) → a's
    type with ``caps.objects`` groups and ``caps.object_cells`` rows (gathers only: b's
    rows follow a's, its group indices offset by ``a.n``). ``overflow`` when there are
    more groups or rows than that. ``ok`` True.
    """
    K, M = caps.objects, caps.object_cells
    rows_a = jnp.sum(group_mask(a), dtype=_I32)
    rows_b = jnp.sum(group_mask(b), dtype=_I32)
    i = jnp.arange(M)
    ia = jnp.clip(i, 0, a.data.shape[0] - 1)
    ib = jnp.clip(i - rows_a, 0, b.data.shape[0] - 1)
    from_a = i < rows_a
    in_b = ~from_a & (i < rows_a + rows_b)
    data = jnp.where(from_a[:, None], a.data[ia], b.data[ib])
    group = jnp.where(from_a, a.group[ia], jnp.where(in_b, b.group[ib] + a.n, K))
    group = jnp.where(from_a | in_b, jnp.minimum(group, K), K)
    k = jnp.arange(K)
    sizes = jnp.where(k < a.n, a.sizes[jnp.clip(k, 0, a.sizes.shape[0] - 1)],
                      b.sizes[jnp.clip(k - a.n, 0, b.sizes.shape[0] - 1)])
    n = a.n + b.n
    sizes = jnp.where(k < n, sizes, 0)
    g = Grouped(_mask_rows(data, group < K), group, jnp.minimum(n, K), sizes)
    return _finish(g, True, (n > K) | (rows_a + rows_b > M))


def combine_grids(a: GridTuple, b: GridTuple, *, caps: Capacity):
    """arc-dsl #13 ``combine`` of two Tuple[Grid] (spec §4.2): concatenation.

    a, b: GridTuple ``int8[G, H, W]`` (same grid capacity) → GridTuple of ``caps.grids``
    grids (a gather). ``overflow`` when ``a.n + b.n > caps.grids``. ``ok`` True.
    """
    G = caps.grids
    k = jnp.arange(G)
    ia = jnp.clip(k, 0, a.cells.shape[0] - 1)
    ib = jnp.clip(k - a.n, 0, b.cells.shape[0] - 1)
    from_a = k < a.n
    n = a.n + b.n
    live = k < n
    cells = jnp.where(from_a[:, None, None], a.cells[ia], b.cells[ib])
    h = jnp.where(from_a, a.h[ia], b.h[ib])
    w = jnp.where(from_a, a.w[ia], b.w[ib])
    t = GridTuple(_mask_rows(cells, live), jnp.where(live, h, 0), jnp.where(live, w, 0),
                  jnp.minimum(n, G))
    return _finish(t, True, n > G)


# ===================================================== §4.2 intersection, difference, dedupe


def intersection(a, b):
    """arc-dsl #14 ``intersection`` (spec §4.2): ``a & b`` of two frozensets of one type.

    a, b: Indices / Object / IntegerSet Elems (membership by a binary search of a's
    packed row keys in b's, both already canonical: no sort; dense for integer sets) or
    Objects / IndicesSet Grouped (inner-set equality by verified hashes,
    :func:`_member_groups`, O(M·F + K²)) → a's type and capacity, in canonical order. ``ok`` True; ``overflow`` only when a row lies outside
    the window of :func:`jaxdsl.containers.rows_in_window`.
    """
    if _is_elems(a):
        keep, over = _member(a.data, row_mask(a), b.data, row_mask(b), b_sorted=True)
        out, n, _ = _compact(a.data, keep, a.data.shape[0])
        return _finish(Elems(out, n), True, over)
    return result(keep_groups(a, _member_groups(a, b)))


def _difference_elems(a: Elems, b: Elems, b_sorted: bool):
    keep, over = _member(a.data, row_mask(a), b.data, row_mask(b), b_sorted)
    out, n, _ = _compact(a.data, row_mask(a) & ~keep, a.data.shape[0])
    return _finish(Elems(out, n), True, over)


def difference(a, b):
    """arc-dsl #15 ``difference`` (spec §4.2): the elements of ``a`` not in ``b``, in a's
    order, as a's type (tuples keep duplicates).

    a, b: two containers of one type (any Elems / Grouped / GridTuple type), or a
    frozenset and a tuple of one element type (either way round, e.g. Indices and
    Tuple[IntegerTuple], Objects and Tuple[Object]: only membership in ``b`` matters) →
    a's type and capacity. Membership by packed row keys (Elems: one single-key sort of
    ``b``'s keys and a binary search; dense for integer containers), inner-set equality
    by verified hashes (Grouped, :func:`_member_groups`, O(M·F + K²)) or grid equality
    (O(G²·H·W)). ``ok`` True;
    ``overflow`` only when an Elems row lies outside the window
    (:func:`jaxdsl.containers.rows_in_window`).
    """
    if _is_elems(a):
        return _difference_elems(a, b, b_sorted=False)
    if _is_grouped(a):
        return result(keep_groups(a, ~_member_groups(a, b)))
    eq = _grids_eq(a.cells, a.h, a.w, b.cells, b.h, b.w) & _grids_live(b)[None, :]
    out, _ = _select_grids(a, ~jnp.any(eq, axis=1), a.cells.shape[0])
    return result(out)


def difference_sets(a: Elems, b: Elems):
    """arc-dsl #15 ``difference`` of two frozensets of one type (Indices / Object /
    IntegerSet, spec §4.2): ``a - b``, canonical.

    a, b: Elems of one frozenset type (both canonical, so ``b``'s packed keys are already
    sorted: a binary search per row of ``a``, no sort) → a's type and capacity. ``ok``
    True; ``overflow`` only when a row lies outside the window
    (:func:`jaxdsl.containers.rows_in_window`).
    """
    return _difference_elems(a, b, b_sorted=True)


def dedupe(tup):
    """arc-dsl #16 ``dedupe`` of a tuple (spec §4.2): the first occurrence of each
    element, in tuple order.

    tup: Tuple[Integer] / Tuple[Boolean] (dense) / Tuple[IntegerTuple] / Tuple[Cell]
    (one sort) Elems, Tuple[Object] / Tuple[Indices] Grouped (inner-set equality by
    verified hashes, :func:`_earlier_duplicates`, O(M·F + K²)) or Tuple[Grid]
    (O(G²·H·W)) → the same type and capacity.
    ``ok`` True, ``overflow`` False.
    """
    if _is_elems(tup):
        keep = _first_occurrence(tup.data, row_mask(tup))
        out, n, _ = _compact(tup.data, keep, tup.data.shape[0])
        return result(Elems(out, n))
    if _is_grouped(tup):
        return result(keep_groups(tup, ~_earlier_duplicates(tup)))
    G = tup.cells.shape[0]
    earlier = jnp.arange(G)[None, :] < jnp.arange(G)[:, None]
    dup = jnp.any(_grids_eq(tup.cells, tup.h, tup.w, tup.cells, tup.h, tup.w) & earlier, axis=1)
    out, _ = _select_grids(tup, ~dup, G)
    return result(out)


# ============================================================ §4.4 first, last, other, ...


def first(container, *, caps: Capacity):
    """arc-dsl #44 ``first`` (spec §4.4, §5): the first element in iteration order — the
    canonical minimum of a frozenset, element 0 of a tuple.

    container: Elems (→ Integer ``int32[]`` / IntegerTuple ``int32[2]`` / Cell
    ``int32[3]``), Grouped (→ Object / Indices Elems of ``caps.patch`` rows), GridTuple
    (→ Grid ``int8[H, W]``) or a Samples PairTuple (→ its first demo pair as a Tuple[Grid]
    GridTuple ``int8[caps.grids, H, W]`` of 2 grids). ``ok`` False on an empty container
    (StopIteration); ``overflow`` when the inner set has more than ``caps.patch`` rows.
    """
    value, over = _element_at(container, 0, caps)
    return _finish(value, container.n > 0, over)


def last(container, *, caps: Capacity):
    """arc-dsl #45 ``last`` (spec §4.4, §5): the canonical maximum of a frozenset, the last
    element of a tuple.

    Types as :func:`first`. ``ok`` False on an empty container (ValueError); ``overflow``
    when the inner set has more than ``caps.patch`` rows.
    """
    value, over = _element_at(container, container.n - 1, caps)
    return _finish(value, container.n > 0, over)


def other(container, value, *, caps: Capacity):
    """arc-dsl #48 ``other`` (spec §4.4, §5): the first element (the smallest, for a
    frozenset) that differs from ``value``.

    container: any container; value: its element type (Integer ``[]``, IntegerTuple
    ``[2]``, Cell ``[3]``, Object / Indices Elems, Grid) → that element type as in
    :func:`first`. ``ok`` False when every element equals ``value`` (StopIteration);
    ``overflow`` when the chosen inner set has more than ``caps.patch`` rows.
    """
    keep = _live_mask(container) & ~_matches(container, value)
    out, over = _element_at(container, jnp.argmax(keep), caps)
    return _finish(out, jnp.any(keep), over)


def contained(value, container):
    """arc-dsl #12 ``contained`` (spec §4.2): Python ``value in container``.

    value: the container's element type; container: any Elems / Grouped / GridTuple →
    Boolean ``bool[]``. O(N·F) for Elems, O(M·F) for Grouped, O(G·H·W) for Tuple[Grid].
    ``ok`` True, ``overflow`` False.
    """
    return result(jnp.any(_matches(container, value)))


def remove(value, container):
    """arc-dsl #47 ``remove`` (spec §4.4): every element that differs from ``value``, as
    type(container), order kept.

    value: the element type; container: any container → the container's type and
    capacity. Frozenset Elems drop at most one row (a gather); tuples compact.
    ``ok`` True, ``overflow`` False.
    """
    keep = _live_mask(container) & ~_matches(container, value)
    if _is_elems(container):
        out, n, _ = _compact(container.data, keep, container.data.shape[0])
        return result(Elems(out, n))
    if _is_grouped(container):
        return result(keep_groups(container, keep))
    out, _ = _select_grids(container, keep, container.cells.shape[0])
    return result(out)


def remove_from_set(value, container: Elems):
    """arc-dsl #47 ``remove`` from an Indices / Object / IntegerSet: the frozenset without
    ``value`` (which occurs at most once): a gather that closes the gap, O(N).

    value: IntegerTuple / Cell / Integer → the container's type and capacity.
    ``ok`` True, ``overflow`` False.
    """
    N, F = container.data.shape
    hit = _row_eq(container, _row(value, F))
    gap = jnp.where(jnp.any(hit), jnp.argmax(hit), N)
    i = jnp.arange(N)
    data = container.data[jnp.clip(jnp.where(i >= gap, i + 1, i), 0, N - 1)]
    return result(_elems(data, container.n - jnp.any(hit).astype(_I32), N))


def insert(value, container):
    """arc-dsl #46 ``insert`` (spec §4.4): ``container ∪ {value}`` of a frozenset.

    value: IntegerTuple ``int32[2]`` / Cell ``int32[3]`` / Integer ``int32[]`` with
    container Indices / Object / IntegerSet Elems (the row is placed at its rank, a
    gather, O(N)), or Object / Indices Elems with container Objects / IndicesSet Grouped
    (exact rank by :func:`_group_cmp`, O(M·F), then one scatter of the rows) → the
    container's type and capacity, canonical. ``overflow`` when the result has more
    elements (or rows) than the capacity, or ``value`` holds a ``None`` / ``()``
    sentinel. ``ok`` True.
    """
    if _is_elems(container):
        N, F = container.data.shape
        row = _row(value, F)
        exists = jnp.any(_row_eq(container, row))
        pos = jnp.sum(row_mask(container) & _lex_less(container.data, row[None, :]), dtype=_I32)
        i = jnp.arange(N)
        shifted = container.data[jnp.clip(jnp.where(i > pos, i - 1, i), 0, N - 1)]
        data = jnp.where(exists, container.data,
                         jnp.where((i == pos)[:, None], row[None, :], shifted))
        n = container.n + jnp.where(exists, 0, 1)
        return _finish(_elems(data, n, N), True, (n > N) | ~int_valid(row))
    K, M = container.sizes.shape[0], container.data.shape[0]
    less, equal = _group_cmp(container, _single(value))
    live = _live(container)
    exists = jnp.any(equal[:, 0] & live)
    pos = jnp.sum(less[:, 0] & live, dtype=_I32)
    ids = jnp.arange(K, dtype=_I32)
    new_ids = ids + jnp.where(~exists & (ids >= pos), 1, 0)
    n = container.n + jnp.where(exists, 0, 1)
    g, over = _relayout([(container, new_ids, live),
                         (_single(value), jnp.reshape(pos, (1,)), jnp.reshape(~exists, (1,)))],
                        n, K, M)
    return _finish(g, True, over)


def initset(value, *, caps: Capacity):
    """arc-dsl #30 ``initset`` (spec §4.2): the frozenset ``{value}``.

    value: Integer / Boolean ``[]`` → IntegerSet ``int32[caps.tuple, 1]``; IntegerTuple
    ``int32[2]`` → Indices ``int32[caps.patch, 2]``; Cell ``int32[3]`` → Object
    ``int32[caps.patch, 3]``; Object / Indices Elems → Objects / IndicesSet Grouped
    (``caps.objects`` groups, ``caps.object_cells`` rows; an empty inner set is kept).
    ``overflow`` when ``value`` holds a ``None`` / ``()`` sentinel (a container cannot
    hold it) or the inner set has more rows than ``caps.object_cells``. ``ok`` True.
    """
    if _is_elems(value):
        K, M = caps.objects, caps.object_cells
        r = jnp.arange(M)
        valid = r < value.n
        g = Grouped(_mask_rows(_fit_rows(value.data, M), valid), jnp.where(valid, 0, K).astype(_I32),
                    jnp.int32(1), jnp.zeros((K,), _I32).at[0].set(value.n))
        return _finish(g, True, value.n > M)
    F = _row_width(value)
    row = _row(value, F)
    return _finish(_elems(row[None, :], 1, _rows_cap(F, caps)), True, ~int_valid(row))


def totuple(container):
    """arc-dsl #43 ``totuple`` (spec §4.4, §5): the frozenset's elements as a tuple in
    canonical order.

    container: Indices / Object / IntegerSet Elems → Tuple[IntegerTuple] / Tuple[Cell] /
    Tuple[Integer] (the same arrays: frozensets are stored in canonical order); Objects /
    IndicesSet Grouped → Tuple[Object] / Tuple[Indices] likewise. ``ok`` True,
    ``overflow`` False.
    """
    return result(container)


# ====================================================================== §4.2 repeat


def repeat(item, num, *, caps: Capacity):
    """arc-dsl #18 ``repeat`` (spec §4.2): a tuple of ``num`` copies of ``item`` (``()``
    when ``num ≤ 0``).

    item: Integer / Boolean ``[]`` → Tuple[Integer] / Tuple[Boolean] ``int32[caps.tuple, 1]``;
    IntegerTuple / Cell → Tuple[IntegerTuple] / Tuple[Cell] ``int32[caps.patch, F]``;
    Object / Indices Elems → Tuple[Object] / Tuple[Indices] Grouped (``caps.objects``,
    ``caps.object_cells``); Grid → Tuple[Grid] (``caps.grids`` grids of the item's shape).
    num: Integer. ``ok`` False when ``num`` is ``None`` (TypeError). ``overflow`` when the
    copies exceed the capacity (elements, groups, rows or grids), or an item holding a
    ``None`` / ``()`` sentinel is repeated at least once.
    """
    count = jnp.maximum(int_or_zero(num), 0)
    ok = ~is_sentinel(num)
    if isinstance(item, Grid):
        G = caps.grids
        live = jnp.arange(G) < count
        cells = _mask_rows(jnp.broadcast_to(item.cells[None], (G,) + item.cells.shape), live)
        t = GridTuple(cells, jnp.where(live, item.h, 0), jnp.where(live, item.w, 0),
                      jnp.minimum(count, G))
        return _finish(t, ok, count > G)
    if _is_elems(item):
        K, M = caps.objects, caps.object_cells
        r = jnp.arange(M, dtype=_I32)
        s = jnp.maximum(item.n, 1)
        k, p = r // s, r % s
        valid = (item.n > 0) & (k < jnp.minimum(count, K))
        data = _mask_rows(item.data[jnp.clip(p, 0, item.data.shape[0] - 1)], valid)
        sizes = jnp.where(jnp.arange(K) < count, item.n, 0).astype(_I32)
        g = Grouped(data, jnp.where(valid, k, K).astype(_I32), jnp.minimum(count, K), sizes)
        return _finish(g, ok, (count > K) | (count * item.n > M))
    F = _row_width(item)
    row = _row(item, F)
    cap = _rows_cap(F, caps)
    data = jnp.broadcast_to(row[None, :], (cap, F))
    over = (count > cap) | ((count > 0) & ~int_valid(row))
    return _finish(_elems(data, jnp.minimum(count, cap), cap), ok, over)


# ========================================================= §4.4 product, pair, interval


def product(a: Elems, b: Elems, *, caps: Capacity):
    """arc-dsl #51 ``product`` (spec §4.4): the frozenset of all pairs ``(x, y)``,
    ``x ∈ a``, ``y ∈ b``.

    a, b: IntegerSet / Tuple[Integer] Elems ``int32[T, 1]`` → Indices
    ``int32[caps.patch, 2]`` canonical. Both sides are first made canonical sets (dense,
    O(T²); tuple duplicates collapse); the product of two ascending sets in row-major
    order is itself ascending and distinct, so pair ``r`` is ``(a[r // |b|], b[r mod
    |b|])`` — a gather, O(P). ``overflow`` when ``|a|·|b| > caps.patch``. ``ok`` True.
    """
    sa, _ = _make_set(a.data, row_mask(a), a.data.shape[0])
    sb, _ = _make_set(b.data, row_mask(b), b.data.shape[0])
    P = caps.patch
    r = jnp.arange(P, dtype=_I32)
    nb = jnp.maximum(sb.n, 1)
    x = sa.data[jnp.clip(r // nb, 0, sa.data.shape[0] - 1), 0]
    y = sb.data[jnp.clip(r % nb, 0, sb.data.shape[0] - 1), 0]
    n = sa.n * sb.n
    return _finish(_elems(jnp.stack([x, y], axis=1), n, P), True, n > P)


def pair(a: Elems, b: Elems, *, caps: Capacity):
    """arc-dsl #52 ``pair`` (spec §4.4, §5): the tuple of ``(a[k], b[k])``, as long as the
    shorter input (frozensets are paired in canonical order, i.e. row order).

    a, b: Tuple[Integer] / Tuple[Boolean] / IntegerSet Elems ``int32[T, 1]`` →
    Tuple[IntegerTuple] ``int32[caps.patch, 2]``. ``overflow`` when the result has more
    than ``caps.patch`` elements. ``ok`` True.
    """
    T = max(a.data.shape[0], b.data.shape[0])
    data = jnp.concatenate([_fit_rows(a.data, T), _fit_rows(b.data, T)], axis=1)
    n = jnp.minimum(a.n, b.n)
    return _finish(_elems(data, n, caps.patch), True, n > caps.patch)


def interval(start, stop, step, *, caps: Capacity):
    """arc-dsl #49 ``interval`` (spec §4.4): the tuple ``range(start, stop, step)``.

    start, stop, step: Integer ``int32[]`` → Tuple[Integer] ``int32[caps.tuple, 1]``.
    ``ok`` False when ``step == 0`` (ValueError) or any argument is ``None``
    (TypeError). ``overflow`` when the range has more than ``caps.tuple`` elements.
    """
    a, b, s = int_or_zero(start), int_or_zero(stop), int_or_zero(step)
    ok = ~is_sentinel(start) & ~is_sentinel(stop) & ~is_sentinel(step) & (s != 0)
    span = jnp.where(s > 0, b - a, a - b)              # |x| < 2**30 each: no int32 wrap
    n = jnp.where(span > 0, (span - 1) // jnp.maximum(jnp.abs(s), 1) + 1, 0)
    T = caps.tuple
    values = a + jnp.arange(T, dtype=_I32) * s
    return _finish(_elems(values[:, None], jnp.minimum(n, T), T), ok, n > T)


# ================================================================ §4.2 maximum, minimum


def _extreme(container: Elems, largest: bool):
    data, mask = container.data[:, 0], row_mask(container)
    lo, hi = jnp.iinfo(jnp.int32).min, jnp.iinfo(jnp.int32).max
    best = jnp.max(jnp.where(mask, data, lo)) if largest else jnp.min(jnp.where(mask, data, hi))
    has_none = jnp.any(mask & (data == INT_NONE))
    value = jnp.where(container.n == 0, 0, jnp.where(container.n == 1, data[0], best))
    return _finish(value, ~(has_none & (container.n > 1)))


def maximum(container: Elems):
    """arc-dsl #22 ``maximum`` (spec §4.2): the largest element, 0 when empty.

    container: IntegerSet / Tuple[Integer] Elems ``int32[T, 1]`` → Integer ``int32[]``.
    ``ok`` False when ``None`` must be compared (a ``None`` element among two or more);
    ``overflow`` False.
    """
    return _extreme(container, True)


def minimum(container: Elems):
    """arc-dsl #23 ``minimum`` (spec §4.2): the smallest element, 0 when empty.

    container: IntegerSet / Tuple[Integer] Elems ``int32[T, 1]`` → Integer ``int32[]``.
    ``ok`` as :func:`maximum`; ``overflow`` False.
    """
    return _extreme(container, False)


# ============================================================ §4.2 mostcommon, leastcommon


def _common(container: Elems, most: bool):
    L, F = container.data.shape
    valid = row_mask(container)
    if L <= _SMALL:
        eq = _eq_matrix(container.data, container.data) & valid[None, :]
        counts = jnp.sum(eq, axis=1, dtype=_I32)
        score = jnp.where(valid, counts if most else -counts, -_BIG)
        cand = valid & (score == jnp.max(score))
        smaller = _lex_less(container.data[None, :, :], container.data[:, None, :])   # [i, j]: j < i
        pick = jnp.argmax(cand & ~jnp.any(smaller & cand[None, :], axis=1))
        row = container.data[pick]
    else:
        _, rows, ok, start = _sorted_runs(container.data, valid)
        counts = jax.ops.segment_sum(ok.astype(_I32), start, num_segments=L)   # at run starts
        is_start = ok & (start == jnp.arange(L))
        row = rows[jnp.argmax(jnp.where(is_start, counts if most else -counts, -_BIG))]
    return _finish(_unrow(row, F), container.n > 0)


def mostcommon(container: Elems):
    """arc-dsl #28 ``mostcommon`` of a tuple (spec §4.2, §5): the element with the highest
    count; ties go to the smallest tied value (canonical order).

    container: Tuple[Integer] (dense counts) / Tuple[IntegerTuple] / Tuple[Cell] (one
    sort and a run-length count) Elems → its element type. ``ok`` False on an empty
    tuple (ValueError); ``overflow`` False.
    """
    return _common(container, True)


def leastcommon(container: Elems):
    """arc-dsl #29 ``leastcommon`` of a tuple (spec §4.2, §5): the element with the lowest
    count; ties go to the smallest tied value.

    Types and flags as :func:`mostcommon`.
    """
    return _common(container, False)


def common_frozenset(container, *, caps: Capacity):
    """arc-dsl #28 ``mostcommon`` / #29 ``leastcommon`` of a frozenset (spec §4.2): always
    raises (AttributeError: a frozenset has no ``count``), even when empty.

    container: IntegerSet / Indices / Object Elems → the zero Integer ``int32[]`` /
    IntegerTuple ``int32[2]`` / Cell ``int32[3]``; Objects / IndicesSet Grouped → an
    empty Object / Indices Elems ``int32[caps.patch, F]``. ``ok`` False, ``overflow``
    False.
    """
    F = container.data.shape[1]
    if _is_grouped(container):
        return result(Elems(jnp.zeros((caps.patch, F), _I32), jnp.int32(0)), False)
    return result(jnp.zeros(() if F == 1 else (F,), _I32), False)


def _common_nested(container, most: bool, caps: Capacity):
    if _is_grouped(container):
        live = _live(container)
        less, equal = _group_cmp(container, container)          # [k, j]: c_k < c_j, c_k == c_j
    else:
        live = _grids_live(container)
        c = container
        less, equal = _grids_less(c), _grids_eq(c.cells, c.h, c.w, c.cells, c.h, c.w)
    counts = jnp.sum(equal & live[None, :], axis=1, dtype=_I32)
    score = jnp.where(live, counts if most else -counts, -_BIG)
    cand = live & (score == jnp.max(score))
    beaten = jnp.any(less & cand[:, None], axis=0)             # a smaller candidate exists
    value, over = _element_at(container, jnp.argmax(cand & ~beaten), caps)
    return _finish(value, container.n > 0, over)


def mostcommon_nested(container, *, caps: Capacity):
    """arc-dsl #28 ``mostcommon`` of a tuple of sets or grids (spec §4.2, §5): the element
    with the highest count; ties go to the smallest tied element in canonical order
    (inner sets as sorted sequences, a proper prefix first; grids as tuples of rows).

    container: Tuple[Object] / Tuple[Indices] Grouped (exact counts and order from
    :func:`_group_cmp` of the tuple with itself, O(M·K·F)) → Object / Indices Elems
    ``int32[caps.patch, F]``; Tuple[Grid] ``int8[G, H, W]`` (:func:`_grids_eq`,
    :func:`_grids_less`, O(G²·H·W)) → Grid ``int8[H, W]``. ``ok`` False on an empty tuple
    (ValueError); ``overflow`` when the chosen inner set has more than ``caps.patch``
    rows.
    """
    return _common_nested(container, True, caps)


def leastcommon_nested(container, *, caps: Capacity):
    """arc-dsl #29 ``leastcommon`` of a tuple of sets or grids (spec §4.2, §5): the element
    with the lowest count; ties go to the smallest tied element in canonical order.

    Types, cost and flags as :func:`mostcommon_nested`.
    """
    return _common_nested(container, False, caps)


def _as_boolean(impl):
    """Wrap an implementation whose Integer result is really a Boolean (Tuple[Boolean])."""

    def wrapped(*args, **kwargs):
        value, ok, overflow = impl(*args, **kwargs)
        return result(value != 0, ok, overflow)

    return wrapped


def first_boolean(container: Elems, *, caps: Capacity):
    """arc-dsl #44 ``first`` of a Tuple[Boolean] ``int32[T, 1]`` → Boolean ``bool[]``;
    flags as :func:`first`."""
    return _as_boolean(first)(container, caps=caps)


def last_boolean(container: Elems, *, caps: Capacity):
    """arc-dsl #45 ``last`` of a Tuple[Boolean] ``int32[T, 1]`` → Boolean ``bool[]``;
    flags as :func:`last`."""
    return _as_boolean(last)(container, caps=caps)


def other_boolean(container: Elems, value, *, caps: Capacity):
    """arc-dsl #48 ``other`` of a Tuple[Boolean] and a Boolean → Boolean ``bool[]``;
    flags as :func:`other`."""
    return _as_boolean(other)(container, value, caps=caps)


def mostcommon_boolean(container: Elems):
    """arc-dsl #28 ``mostcommon`` of a Tuple[Boolean] → Boolean ``bool[]`` (a tie goes
    to False); flags as :func:`mostcommon`."""
    return _as_boolean(mostcommon)(container)


def leastcommon_boolean(container: Elems):
    """arc-dsl #29 ``leastcommon`` of a Tuple[Boolean] → Boolean ``bool[]`` (a tie goes
    to False); flags as :func:`leastcommon`."""
    return _as_boolean(leastcommon)(container)


# ============================================================ a Grid as a container of rows
# spec §4.2, §4.4: "for a grid, the elements are its rows"; a row is a Tuple[Integer].


def _grid_live(grid: Grid) -> jax.Array:
    """``bool[H]``: the rows ``< h``."""
    return jnp.arange(grid.cells.shape[0]) < grid.h


def _as_row(values: jax.Array, w, caps: Capacity):
    """The first ``w`` of ``values`` (``int32[W]``, Integers) as a Tuple[Integer] Elems
    ``int32[caps.tuple, 1]``, and its overflow: longer than ``caps.tuple``, or holding a
    ``None`` (``INT_NONE``, a ``None`` cell) that a container cannot hold."""
    inside = jnp.arange(values.shape[0]) < w
    over = (w > caps.tuple) | jnp.any(inside & (values == INT_NONE))
    return _elems(values[:, None], w, caps.tuple), over


def _grid_row(grid: Grid, i, caps: Capacity):
    """Row ``i`` of ``grid`` as a Tuple[Integer] Elems and its overflow (:func:`_as_row`)."""
    H = grid.cells.shape[0]
    return _as_row(from_cell(grid.cells[jnp.clip(jnp.asarray(i, _I32), 0, H - 1)]), grid.w, caps)


def _grid_row_eq(grid: Grid, row: Elems) -> jax.Array:
    """``bool[H]``: live rows of ``grid`` equal to the Tuple[Integer] ``row`` (Python ``==``:
    the same length and values; a ``None`` cell equals no Integer)."""
    W = grid.cells.shape[1]
    values = _fit_rows(row.data[:, 0], W)           # n == w ≤ W whenever a row can match
    same = (from_cell(grid.cells) == values[None, :]) | (jnp.arange(W) >= grid.w)[None, :]
    return _grid_live(grid) & (row.n == grid.w) & jnp.all(same, axis=1)


def _select_rows(grid: Grid, keep: jax.Array) -> Grid:
    """The rows of ``grid`` where ``keep`` (``bool[H]``), order kept, same capacity (``()``
    when none is kept: ``h = w = 0``)."""
    cells, n, _ = _compact(grid.cells, keep & _grid_live(grid), grid.cells.shape[0])
    return make_grid(cells, n, grid.w)


def first_row(grid: Grid, *, caps: Capacity):
    """arc-dsl #44 ``first`` of a Grid (spec §4.4): its first row.

    grid: Grid ``int8[H, W]`` → Tuple[Integer] Elems ``int32[caps.tuple, 1]`` (``()`` for
    the rows of ``((),)``). ``ok`` False on the empty grid ``()`` (StopIteration);
    ``overflow`` when the row is longer than ``caps.tuple`` or holds a ``None`` cell.
    """
    value, over = _grid_row(grid, 0, caps)
    return _finish(value, grid.h > 0, over)


def last_row(grid: Grid, *, caps: Capacity):
    """arc-dsl #45 ``last`` of a Grid (spec §4.4): its last row.

    Types and flags as :func:`first_row` (``ok`` False on ``()``: ValueError).
    """
    value, over = _grid_row(grid, grid.h - 1, caps)
    return _finish(value, grid.h > 0, over)


def other_row(grid: Grid, row: Elems, *, caps: Capacity):
    """arc-dsl #48 ``other`` of a Grid and a row (spec §4.4): the first row that differs
    from ``row``.

    grid: Grid ``int8[H, W]``; row: Tuple[Integer] Elems → Tuple[Integer] Elems
    ``int32[caps.tuple, 1]``. ``ok`` False when every row equals ``row`` or the grid is
    ``()`` (StopIteration); ``overflow`` as :func:`first_row`.
    """
    keep = _grid_live(grid) & ~_grid_row_eq(grid, row)
    value, over = _grid_row(grid, jnp.argmax(keep), caps)
    return _finish(value, jnp.any(keep), over)


def contained_row(row: Elems, grid: Grid):
    """arc-dsl #12 ``contained`` of a row in a Grid (spec §4.2): ``row in grid``.

    row: Tuple[Integer] Elems; grid: Grid ``int8[H, W]`` → Boolean ``bool[]`` (O(H·W)).
    ``ok`` True, ``overflow`` False.
    """
    return result(jnp.any(_grid_row_eq(grid, row)))


def remove_row(row: Elems, grid: Grid):
    """arc-dsl #47 ``remove`` of a row from a Grid (spec §4.4): the rows that differ from
    ``row``, in order, as a grid.

    row: Tuple[Integer] Elems; grid: Grid ``int8[H, W]`` → Grid of the same capacity; the
    empty grid ``()`` when every row is removed. ``ok`` True, ``overflow`` False.
    """
    return result(_select_rows(grid, ~_grid_row_eq(grid, row)))


def dedupe_rows(grid: Grid):
    """arc-dsl #16 ``dedupe`` of a Grid (spec §4.2): the first occurrence of each row, in
    order (``((), ())`` → ``((),)``).

    grid: Grid ``int8[H, W]`` → Grid of the same capacity (dense pairwise row equality,
    O(H²·W); ``None`` cells equal each other). ``ok`` True, ``overflow`` False.
    """
    H = grid.cells.shape[0]
    earlier = jnp.arange(H)[None, :] < jnp.arange(H)[:, None]          # [i, j]: j < i
    dup = jnp.any(_eq_matrix(grid.cells, grid.cells) & earlier & _grid_live(grid)[None, :], axis=1)
    return result(_select_rows(grid, ~dup))


def difference_rows(a: Grid, b: Grid):
    """arc-dsl #15 ``difference`` of two Grids (spec §4.2): the rows of ``a`` that are not
    rows of ``b``, in order, as a grid (rows of different widths never match).

    a, b: Grid ``int8[Ha, Wa]``, ``int8[Hb, Wb]`` → Grid of a's capacity; ``()`` when
    every row is removed. O(Ha·Hb·W). ``ok`` True, ``overflow`` False.
    """
    W = max(a.cells.shape[1], b.cells.shape[1])
    ca = _pad_cells(a.cells, a.cells.shape[0], W)
    cb = _pad_cells(b.cells, b.cells.shape[0], W)
    hit = _eq_matrix(ca, cb) & (a.w == b.w) & _grid_live(b)[None, :]
    return result(_select_rows(a, ~jnp.any(hit, axis=1)))


def merge_rows(grid: Grid, *, caps: Capacity):
    """arc-dsl #21 ``merge`` of a Grid (spec §4.2): the tuple of all its values, row-major.

    grid: Grid ``int8[H, W]`` → Tuple[Integer] Elems ``int32[caps.tuple, 1]`` (a gather;
    ``()`` for ``()`` and ``((),)``). ``overflow`` when ``h·w > caps.tuple`` or the grid
    holds a ``None`` cell. ``ok`` True.
    """
    T, (H, W) = caps.tuple, grid.cells.shape
    k = jnp.arange(T)
    w = jnp.maximum(grid.w, 1)
    values = from_cell(grid.cells[jnp.clip(k // w, 0, H - 1), jnp.clip(k % w, 0, W - 1)])
    n = grid.h * grid.w
    over = (n > T) | jnp.any(grid.cells == CELL_NONE)
    return _finish(_elems(values[:, None], n, T), True, over)


def _common_row(grid: Grid, most: bool, caps: Capacity):
    # rows of one grid share their width: as rows of width W they compare like Python tuples
    row, ok, _ = _common(Elems(from_cell(grid.cells), grid.h), most)
    value, over = _as_row(jnp.reshape(row, (-1,)), grid.w, caps)
    return _finish(value, ok, over)


def mostcommon_row(grid: Grid, *, caps: Capacity):
    """arc-dsl #28 ``mostcommon`` of a Grid (spec §4.2, §5): the most frequent row; a tie
    goes to the smallest tied row (lexicographic, ``None`` first).

    grid: Grid ``int8[H, W]`` → Tuple[Integer] Elems ``int32[caps.tuple, 1]`` (dense
    counts, O(H²·W)). ``ok`` False on the empty grid ``()`` (ValueError); ``overflow`` as
    :func:`first_row`.
    """
    return _common_row(grid, True, caps)


def leastcommon_row(grid: Grid, *, caps: Capacity):
    """arc-dsl #29 ``leastcommon`` of a Grid (spec §4.2, §5): the least frequent row; a tie
    goes to the smallest tied row.

    Types and flags as :func:`mostcommon_row`.
    """
    return _common_row(grid, False, caps)


# ===================================================================== §4.10 hsplit, vsplit


def _split(grid: Grid, n, caps: Capacity, horizontal: bool):
    G = caps.grids
    h, w = jnp.asarray(grid.h, _I32), jnp.asarray(grid.w, _I32)
    count = int_or_zero(n)
    ok = ~is_sentinel(n) & (count != 0) & (h > 0)
    length = w if horizontal else h
    safe = jnp.where(count > 0, count, 1)      # n < 0 gives () whatever s and o are
    s = length // safe
    o = jnp.where(length % safe != 0, 1, 0)
    k = jnp.arange(G, dtype=_I32)
    offset, zeros = k * (s + o), jnp.zeros((G,), _I32)
    full = jnp.broadcast_to(h if horizontal else w, (G,))
    piece = jnp.broadcast_to(s, (G,))
    if horizontal:
        starts, dims = jnp.stack([zeros, offset], 1), jnp.stack([full, piece], 1)
    else:
        starts, dims = jnp.stack([offset, zeros], 1), jnp.stack([piece, full], 1)
    pieces, _, _ = jax.vmap(lambda st, dm: crop(grid, st, dm))(starts, dims)
    total = jnp.maximum(count, 0)
    live = k < total
    t = GridTuple(_mask_rows(pieces.cells, live), jnp.where(live, pieces.h, 0),
                  jnp.where(live, pieces.w, 0), jnp.minimum(total, G))
    return _finish(t, ok, total > G)


def hsplit(grid: Grid, n, *, caps: Capacity):
    """arc-dsl #129 ``hsplit`` (spec §4.10, crop slicing §2.2): ``n`` side-by-side pieces of
    width ``s = w // n``, piece ``k`` the crop at ``(0, k(s+o))`` of size ``(h, s)`` with
    ``o = 1`` when ``w mod n ≠ 0``.

    grid: Grid ``int8[H, W]``; n: Integer → Tuple[Grid] ``int8[caps.grids, H, W]``
    (``()`` when ``n < 0``). ``ok`` False on the empty grid (IndexError), ``n == 0``
    (ZeroDivisionError) or ``n`` None (TypeError). ``overflow`` when ``n > caps.grids``.
    """
    return _split(grid, n, caps, True)


def vsplit(grid: Grid, n, *, caps: Capacity):
    """arc-dsl #130 ``vsplit`` (spec §4.10): ``n`` stacked pieces of height ``s = h // n``,
    piece ``k`` the crop at ``(k(s+o), 0)`` of size ``(s, w)``, ``o = 1`` when
    ``h mod n ≠ 0``.

    Types and flags as :func:`hsplit`.
    """
    return _split(grid, n, caps, False)


# ======================================================= equality, identity and branch


def equality(a, b):
    """arc-dsl #11 ``equality`` (spec §4.1) of two containers of one type (or two Cells).

    a, b: Elems (equal length and rows: canonical frozensets compare as sets, tuples by
    order), Grouped (the same inner sets in the same layout), GridTuple (the same grids)
    or Cell ``int32[3]`` → Boolean ``bool[]``. ``ok`` True, ``overflow`` False.
    """
    if _is_elems(a):
        return result(elems_equal(a, b))
    if _is_grouped(a):
        return result(_grouped_equal(a, b))
    if isinstance(a, GridTuple):
        G = max(a.cells.shape[0], b.cells.shape[0])
        H = max(a.cells.shape[1], b.cells.shape[1])
        W = max(a.cells.shape[2], b.cells.shape[2])

        def norm(t):
            live = _grids_live(t)
            cells = _fit_rows(_pad_cells(_mask_rows(t.cells, live), H, W), G)
            return cells, _fit_rows(jnp.where(live, t.h, 0), G), _fit_rows(jnp.where(live, t.w, 0), G)

        (ca, ha, wa), (cb, hb, wb) = norm(a), norm(b)
        return result((a.n == b.n) & jnp.all(ca == cb) & jnp.all(ha == hb) & jnp.all(wa == wb))
    return result(jnp.all(jnp.asarray(a) == jnp.asarray(b)))


def identity(x):
    """arc-dsl #1 ``identity`` (spec §4.1): ``x`` unchanged (any container or a Cell; the
    padding is kept). ``ok`` True, ``overflow`` False."""
    return result(x)


def branch(condition, a, b):
    """arc-dsl #53 ``branch`` (spec §4.4): ``a`` if ``condition`` is truthy, else ``b``.

    condition: Boolean ``bool[]`` or Integer ``int32[]`` (0 and None are falsy); a, b:
    two values of one container type (or Cells) with the same capacities → that type,
    selected leaf by leaf. ``ok`` True, ``overflow`` False. Two Tuple[Grid] of different
    array shapes (a demo pair of a Samples has 2 grids, ``hsplit`` gives ``caps.grids``)
    are first zero-padded to a common one.
    """
    cond = int_truthy(condition)
    if isinstance(a, GridTuple) and a.cells.shape != b.cells.shape:
        G, H, W = (max(x, y) for x, y in zip(a.cells.shape, b.cells.shape))
        a, b = (GridTuple(_fit_rows(_pad_cells(t.cells, H, W), G), _fit_rows(t.h, G), _fit_rows(t.w, G), t.n)
                for t in (a, b))
    return result(jax.tree_util.tree_map(lambda u, v: jnp.where(cond, u, v), a, b))


# =============================================================================== registry

MIXED = tuple((s, AS_TUPLE[s]) for s in FROZEN_ELEMS + FROZEN_GROUPED) + tuple(
    (AS_TUPLE[s], s) for s in FROZEN_ELEMS + FROZEN_GROUPED)
"""(a, b) pairs of a frozenset type and its tuple type, either way round (combine,
difference: the result has a's type)."""

_BOOL_VERSION = {first: first_boolean, last: last_boolean, other: other_boolean,
                 mostcommon: mostcommon_boolean, leastcommon: leastcommon_boolean}


def _by_element(impl, c: str):
    """The Boolean-result variant of ``impl`` for Tuple[Boolean], else ``impl``."""
    return _BOOL_VERSION.get(impl, impl) if c == TUPLE_BOOLEAN else impl


def _combine_impl(c: str, b: str | None = None):
    """``combine``'s implementation for a first argument of type ``c`` (and a second of
    type ``b``, default ``c``)."""
    if c in FROZEN_ELEMS:
        return combine_sets
    if c in TUPLE_ELEMS:
        return combine_tuples
    if c in FROZEN_GROUPED:
        return combine_groupset_tuple if b in TUPLE_GROUPED else combine_groupsets
    if c in TUPLE_GROUPED:
        return combine_grouptuples
    return combine_grids


def _common_signatures(of_elems, of_nested, of_grid) -> tuple[Signature, ...]:
    """mostcommon / leastcommon: of every tuple type and of a Grid; every frozenset type
    always raises (:func:`common_frozenset`)."""
    return (*(Signature((c,), element_type(c), _by_element(of_elems, c)) for c in TUPLE_ELEMS),
            *(Signature((c,), element_type(c), of_nested) for c in TUPLE_GROUPED + (TUPLE_GRID,)),
            *(Signature((c,), element_type(c), common_frozenset) for c in FROZEN_ELEMS + FROZEN_GROUPED),
            Signature((GRID,), TUPLE_INTEGER, of_grid))


SIGNATURES: dict[str, tuple[Signature, ...]] = {
    # size(Indices) / size(Object) are registered by the geometry family (patch measures)
    "size": (*(Signature((c,), INTEGER, size) for c in CONTAINERS if c not in (INDICES, OBJECT)),
             Signature((SAMPLES,), INTEGER, size)),
    "merge": (Signature((OBJECTS,), OBJECT, merge_sets), Signature((INDICES_SET,), INDICES, merge_sets),
              Signature((TUPLE_OBJECT,), TUPLE_CELL, merge_tuples), Signature((TUPLE_INDICES,), TUPLE_INTEGER_TUPLE, merge_tuples),
              Signature((TUPLE_GRID,), GRID, merge_grids), Signature((GRID,), TUPLE_INTEGER, merge_rows)),
    "combine": (*(Signature((c, c), c, _combine_impl(c)) for c in CONTAINERS),
                *(Signature((a, b), a, _combine_impl(a, b)) for a, b in MIXED)),
    "intersection": tuple(Signature((c, c), c, intersection) for c in FROZEN_ELEMS + FROZEN_GROUPED),
    "difference": (*(Signature((c, c), c, difference_sets if c in FROZEN_ELEMS else difference)
                     for c in CONTAINERS),
                   *(Signature((a, b), a, difference) for a, b in MIXED),
                   Signature((GRID, GRID), GRID, difference_rows)),
    "dedupe": (*(Signature((c,), c, dedupe) for c in TUPLE_ELEMS + TUPLE_GROUPED + (TUPLE_GRID,)),
               Signature((GRID,), GRID, dedupe_rows)),
    "first": (*(Signature((c,), element_type(c), _by_element(first, c)) for c in CONTAINERS),
              Signature((GRID,), TUPLE_INTEGER, first_row), Signature((SAMPLES,), TUPLE_GRID, first)),
    "last": (*(Signature((c,), element_type(c), _by_element(last, c)) for c in CONTAINERS),
             Signature((GRID,), TUPLE_INTEGER, last_row), Signature((SAMPLES,), TUPLE_GRID, last)),
    "other": (*(Signature((c, element_type(c)), element_type(c), _by_element(other, c)) for c in CONTAINERS),
              Signature((GRID, TUPLE_INTEGER), TUPLE_INTEGER, other_row)),
    "contained": (*(Signature((element_type(c), c), BOOLEAN, contained) for c in CONTAINERS),
                  Signature((TUPLE_INTEGER, GRID), BOOLEAN, contained_row)),
    "remove": (*(Signature((element_type(c), c), c, remove_from_set if c in FROZEN_ELEMS else remove)
                 for c in CONTAINERS),
               Signature((TUPLE_INTEGER, GRID), GRID, remove_row)),
    "insert": tuple(Signature((element_type(c), c), c, insert) for c in FROZEN_ELEMS + FROZEN_GROUPED),
    "initset": (Signature((INTEGER_TUPLE,), INDICES, initset), Signature((CELL,), OBJECT, initset),
                Signature((INTEGER,), INTEGER_SET, initset), Signature((BOOLEAN,), INTEGER_SET, initset),
                Signature((OBJECT,), OBJECTS, initset), Signature((INDICES,), INDICES_SET, initset)),
    "totuple": tuple(Signature((s,), AS_TUPLE[s], totuple) for s in FROZEN_ELEMS + FROZEN_GROUPED),
    "repeat": (Signature((GRID, INTEGER), TUPLE_GRID, repeat), Signature((INTEGER, INTEGER), TUPLE_INTEGER, repeat),
               Signature((BOOLEAN, INTEGER), TUPLE_BOOLEAN, repeat), Signature((INTEGER_TUPLE, INTEGER), TUPLE_INTEGER_TUPLE, repeat),
               Signature((CELL, INTEGER), TUPLE_CELL, repeat), Signature((OBJECT, INTEGER), TUPLE_OBJECT, repeat),
               Signature((INDICES, INTEGER), TUPLE_INDICES, repeat)),
    "product": tuple(Signature((a, b), INDICES, product) for a in (INTEGER_SET, TUPLE_INTEGER) for b in (INTEGER_SET, TUPLE_INTEGER)),
    "pair": (Signature((TUPLE_INTEGER, TUPLE_INTEGER), TUPLE_INTEGER_TUPLE, pair), Signature((TUPLE_BOOLEAN, TUPLE_BOOLEAN), TUPLE_INTEGER_TUPLE, pair),
             Signature((INTEGER_SET, INTEGER_SET), TUPLE_INTEGER_TUPLE, pair)),
    "interval": (Signature((INTEGER, INTEGER, INTEGER), TUPLE_INTEGER, interval),),
    "maximum": (Signature((INTEGER_SET,), INTEGER, maximum), Signature((TUPLE_INTEGER,), INTEGER, maximum)),
    "minimum": (Signature((INTEGER_SET,), INTEGER, minimum), Signature((TUPLE_INTEGER,), INTEGER, minimum)),
    "mostcommon": _common_signatures(mostcommon, mostcommon_nested, mostcommon_row),
    "leastcommon": _common_signatures(leastcommon, leastcommon_nested, leastcommon_row),
    "hsplit": (Signature((GRID, INTEGER), TUPLE_GRID, hsplit),),
    "vsplit": (Signature((GRID, INTEGER), TUPLE_GRID, vsplit),),
    "equality": tuple(Signature((c, c), BOOLEAN, equality) for c in CONTAINERS + (CELL,)),
    "identity": tuple(Signature((c,), c, identity) for c in CONTAINERS + (CELL,)),
    "branch": tuple(Signature((cond, c, c), c, branch)
                    for cond in (BOOLEAN, INTEGER) for c in CONTAINERS + (CELL,)),
}
"""Primitive name → its container-family signatures (merged into ``jaxdsl.prims.REGISTRY``)."""
