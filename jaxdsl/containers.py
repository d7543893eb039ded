"""Padded JAX containers (rows, groups of rows, tuples of grids), their shared kernels
and their Python converters.

Every set-like arc-dsl value is a padded array of fixed-width integer *rows*: a position
is ``(i, j)``, a cell ``(colour, i, j)``, an integer ``(v,)``. :class:`Elems` holds one
frozenset or tuple of rows, :class:`Grouped` a container of frozensets stored flat,
:class:`GridTuple` a tuple of grids. Which DSL type uses which class, row width and
capacity is defined once, in the type table :mod:`jaxdsl.types`.

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
* **Window.** Position rows hold coordinates in :data:`POSITION_WINDOW` (``[-1024,
  1024)``, negative or far beyond the grid is fine), cell rows colours in
  :data:`COLOUR_WINDOW`; a value with a row outside does not fit (``overflow``), checked
  once for every primitive result by the registry (:mod:`jaxdsl.prims`). Inside the
  window every row packs into one order-preserving ``int32`` key (:func:`pack_rows`),
  so the set kernels sort and search single keys.
* A value that does not fit its capacity sets ``overflow``; its content is then
  meaningless and never reported as a result.

Capacities (``Capacity`` in :mod:`jaxdsl.values`, from ``configs/``): ``patch`` rows per
Indices/Object (P), ``tuple`` rows per integer container (T), ``objects`` groups per
Grouped (K), ``object_cells`` rows per Grouped (M), ``grids`` grids per Tuple[Grid] (G)
and also demo pairs per Samples (:class:`PairTuple`, a batt's ``S``: at most 10 pairs in
any ARC-AGI-1 or ARC-AGI-2 task, so the default 32 holds every real ``S``).
"""

from __future__ import annotations

from collections.abc import Callable
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


class PairTuple(NamedTuple):
    """A task's demo pairs, the batt / differ argument ``S`` (DSL type ``Samples``): a tuple
    of ``(input grid, output grid)`` tuples.

    Attributes:
      cells: ``int8[K, 2, H, W]``; ``h``, ``w``: ``int32[K, 2]`` (pair ``k``'s input is grid
        ``[k, 0]``, its output ``[k, 1]``, each as :class:`values.Grid`);
      n: ``int32[]`` number of pairs, ``0 ≤ n ≤ K``. Pairs ``≥ n`` are zero (empty grids).

    ``K`` is ``caps.grids`` and ``(H, W)`` is ``caps.grid``: a Samples value always has the
    run's input grid capacity (the converters and every kernel that builds one keep it).
    """

    cells: jax.Array
    h: jax.Array
    w: jax.Array
    n: jax.Array

    def pair(self, k) -> GridTuple:
        """Pair ``k`` as a :class:`GridTuple` of two grids (``n == 2``)."""
        return GridTuple(self.cells[k], self.h[k], self.w[k], jnp.int32(2))


# ---------------------------------------------------------------------------- capacities


def elems_capacity(F: int, caps) -> int:
    """Row capacity N of an :class:`Elems` of row width ``F``: ``caps.tuple`` for integer
    containers (F = 1), ``caps.patch`` for containers of positions or cells."""
    return caps.tuple if F == 1 else caps.patch


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


def prefix_sum(x: jax.Array) -> jax.Array:
    """Inclusive prefix sum of a 1-D vector as ``int32`` (bool / int input).

    A work-efficient ``lax.associative_scan``: on XLA:CPU about 3× faster than
    ``jnp.cumsum`` (a reduce-window) for the 256–1,024-long vectors of the row kernels.
    """
    return lax.associative_scan(jnp.add, x.astype(jnp.int32))


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
    dest = jnp.where(keep, prefix_sum(keep) - 1, L + cap)
    out = jnp.zeros((cap,) + data.shape[1:], data.dtype)
    out = out.at[dest].set(data, mode="drop")
    return out, jnp.minimum(n, cap), n > cap


POSITION_WINDOW = (-1024, 1024)
"""Coordinates ``[low, high)`` a position row (Indices, Object, tuples of positions or
cells and the sets of sets built from them) can hold: 30× the largest ARC grid on every
side, far beyond any patch real programs build (design brief: [-30, 60)² covers all 400
public solvers). A row outside does not fit (``overflow``, exact fallback)."""

COLOUR_WINDOW = (-512, 512)
"""Colours ``[low, high)`` a cell row (Object, Tuple[Cell]) can hold."""

KEY_FIELDS = {1: ((-(2**31), 32),), 2: ((-(2**15), 16), (-(2**15), 16)),
              3: ((-(2**9), 10), (-(2**10), 11), (-(2**10), 11))}
"""Packed-key layout of a row of width F (:func:`pack_rows`): ``(lowest value, bits)`` of
each component, most significant first. Integers (F = 1) are their own key; every
field covers its component's window (:data:`POSITION_WINDOW`, :data:`COLOUR_WINDOW`)."""

KEY_PAD = jnp.iinfo(jnp.int32).max
"""Key of a padding (invalid) row: sorts after (or ties with) every real key."""


def window_bounds(F: int) -> tuple[np.ndarray, np.ndarray]:
    """``(low int64[F], high int64[F])``: a row of width F ≥ 2 lies inside the window
    when ``low ≤ row < high`` componentwise (colour first for F = 3, then positions)."""
    parts = [COLOUR_WINDOW] * (F - 2) + [POSITION_WINDOW] * 2
    return np.array([lo for lo, _ in parts], np.int64), np.array([hi for _, hi in parts], np.int64)


def rows_in_window(data: jax.Array, valid: jax.Array) -> jax.Array:
    """``bool[]``: every valid row of ``data`` (``int32[L, F]``) lies inside the window
    (:data:`POSITION_WINDOW`, :data:`COLOUR_WINDOW`).

    The window is part of every row container's capacity (an invariant, like the row
    count): a value with a row outside it does not fit and sets ``overflow``. The
    registry checks it on every container result (:mod:`jaxdsl.prims`), the Python
    converters on every input, so :func:`pack_rows` can rely on it. Integer rows
    (F = 1) always fit."""
    F = data.shape[1]
    if F == 1:
        return jnp.asarray(True)
    low, high = window_bounds(F)
    inside = jnp.all((data >= low.astype(np.int32)) & (data < high.astype(np.int32)), axis=1)
    return jnp.all(inside | ~valid)


def pack_rows(data: jax.Array, valid: jax.Array):
    """One order-preserving ``int32`` key per row: ``key(r) < key(s)`` iff row ``r`` is
    lexicographically (canonically, spec §5) smaller than row ``s``.

    Args:
      data: ``int32[L, F]`` rows, F ∈ {1, 2, 3}; valid: ``bool[L]``.
    Returns:
      ``(key int32[L], fits bool[])``: invalid rows get :data:`KEY_PAD`; ``fits`` is
      False when a valid row has a component outside its key field
      (:data:`KEY_FIELDS`; never for rows inside the window), and then the keys are
      meaningless. A real row may pack to
      ``KEY_PAD`` itself; callers count valid rows rather than trusting the pad value.

    On XLA:CPU a single-key ``int32`` sort is ~9× faster than a multi-operand
    ``lax.sort`` over F keys, which is why every hot set kernel packs its rows.
    """
    F = data.shape[1]
    if F == 1:
        return jnp.where(valid, data[:, 0], KEY_PAD), jnp.asarray(True)
    fields = KEY_FIELDS[F]
    packed = jnp.zeros(data.shape[:1], jnp.uint32)
    fits = jnp.ones(data.shape[:1], bool)
    for f, (low, bits) in enumerate(fields):
        x = data[:, f]
        fits = fits & (x >= low) & (x < low + 2**bits)
        packed = (packed << bits) | (x - low).astype(jnp.uint32)
    key = lax.bitcast_convert_type(packed ^ jnp.uint32(2**31), jnp.int32)
    return jnp.where(valid, key, KEY_PAD), jnp.all(fits | ~valid)


def unpack_keys(key: jax.Array, F: int) -> jax.Array:
    """Inverse of :func:`pack_rows` for keys of rows inside their key fields: ``int32[L]``
    → ``int32[L, F]``."""
    if F == 1:
        return key[:, None]
    u = lax.bitcast_convert_type(key, jnp.uint32) ^ jnp.uint32(2**31)
    cols, shift = [], 0
    for low, bits in reversed(KEY_FIELDS[F]):
        cols.append(((u >> shift) & jnp.uint32(2**bits - 1)).astype(jnp.int32) + low)
        shift += bits
    return jnp.stack(cols[::-1], axis=1)


def sorted_set_keys(key: jax.Array, n_valid: jax.Array, cap: int):
    """The distinct keys among the ``n_valid`` smallest entries of the ascending ``key``
    (``int32[L]``), compacted to ``cap`` entries.

    Returns ``(keys int32[cap], n int32[], overflow bool[])`` with ``overflow`` when more
    than ``cap`` keys are distinct (entries ``≥ n`` are meaningless)."""
    p = jnp.arange(key.shape[0])
    new = jnp.concatenate([jnp.ones((1,), bool), key[1:] != key[:-1]])
    return compact(key, new & (p < n_valid), cap)


def make_set(data: jax.Array, valid: jax.Array, cap: int):
    """Frozenset from a bag of rows: canonical order, duplicates removed, padded to ``cap``.

    Args:
      data: ``int32[L, F]`` candidate rows (L may exceed ``cap``); valid: ``bool[L]``.
    Returns:
      ``(Elems(int32[cap, F], n), overflow bool[])``; overflow when more than ``cap``
      distinct rows, or a valid row lies outside its key field (:func:`pack_rows`).
      Cost: one single-key ``int32`` sort of the L packed rows and one compaction.
    """
    F = data.shape[1]
    key, fits = pack_rows(data, valid)
    keys, n, overflow = sorted_set_keys(jnp.sort(key), jnp.sum(valid, dtype=jnp.int32), cap)
    rows = jnp.where((jnp.arange(cap) < n)[:, None], unpack_keys(keys, F), 0)
    return Elems(rows, n), overflow | ~fits


def search_sorted(keys: jax.Array, queries: jax.Array, side: str = "left") -> jax.Array:
    """``int32`` of ``queries``' shape: ``jnp.searchsorted(keys, queries, side)`` for an
    ascending ``keys`` of length N — how many keys are ``<`` (``side="left"``) or ``<=``
    (``"right"``) each query — by a binary search of ⌊log2 N⌋ + 1 probes, unrolled.

    Its first probe reads a static index. ``jnp.searchsorted(method="scan_unrolled")``
    gathers there too, and under ``vmap`` XLA folds that gather's constant index into a
    literal of batch × queries × 2 words: 15 MB per call at batch 1,792 and 1,024 queries,
    held (several times over) by every loaded executable — 3.3 GB for the shipped
    programs' kernels before this helper. The other probes are one ``lax.scan`` step,
    so a map's budget (``higher_order.MAP_BUDGET``, which counts a loop body once) sees
    one probe's intermediates, as with ``jnp.searchsorted``."""
    n = keys.shape[0]
    if n == 0:
        return jnp.zeros(queries.shape, jnp.int32)
    before = (lambda k, q: k < q) if side == "left" else (lambda k, q: k <= q)
    top = 1 << (n.bit_length() - 1)                   # the largest power of two <= n
    pos = jnp.where(before(keys[top - 1], queries), top, 0).astype(jnp.int32)

    def probe(pos, step):
        at = pos + step
        hit = (at <= n) & before(keys[jnp.minimum(at, n) - 1], queries)
        return jnp.where(hit, at, pos), None

    steps = np.array([top >> k for k in range(1, top.bit_length())], np.int32)
    if steps.size:
        pos, _ = lax.scan(probe, pos, steps, unroll=True)
    return pos


def member_sorted(a_key: jax.Array, b_key: jax.Array, n_b) -> jax.Array:
    """``bool[La]``: whether each key of ``a_key`` occurs among the first ``n_b`` entries
    of the ascending ``b_key`` (a binary search per key, O(La log Lb))."""
    idx = search_sorted(b_key, a_key, side="left")
    found = b_key[jnp.minimum(idx, b_key.shape[0] - 1)] == a_key
    return found & (idx < n_b)


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


# ---------------------------------------------------------------------------- patches


def reduce_many(ops, init, combine):
    """Reduce several equal-length 1-D arrays with one *variadic* ``lax.reduce``.

    On XLA:CPU, four sibling ``jnp.min``/``jnp.max`` of a vmapped patch ran about 20×
    slower than one variadic reduce of the same four operands (measured: 29 µs against
    1 µs per 1024-row sample), so every multi-statistic pass goes through here.
    Returns one scalar per operand.
    """
    ops = tuple(ops)
    init = tuple(jnp.asarray(x, o.dtype) for x, o in zip(init, ops))
    return lax.reduce(ops, init, lambda p, q: tuple(combine(u, w) for u, w in zip(p, q)), (0,))


_I32_MAX = np.int32(np.iinfo(np.int32).max)


def ranges(xs, valid):
    """``[(min, max), ...]`` of each ``int32[L]`` array of ``xs`` over the ``valid`` rows,
    in one variadic reduce; ``(INT32_MAX, −INT32_MAX)`` when no row is valid. Values must
    be within ±INT_LIMIT."""
    ops = [jnp.where(valid, s * x, _I32_MAX) for x in xs for s in (1, -1)]
    mins = reduce_many(ops, [_I32_MAX] * len(ops), jnp.minimum)
    return [(mins[2 * k], -mins[2 * k + 1]) for k in range(len(xs))]


def patch_positions(patch: Elems):
    """``(i int32[P], j int32[P])``: the positions of every row of an Indices
    (``(i, j)`` rows) or Object (``(colour, i, j)`` rows), padding rows included."""
    return patch.data[:, -2], patch.data[:, -1]


def patch_bounds(patch: Elems):
    """``(top, left, bottom, right)``: ``int32[]`` extremes of a patch's positions
    (``uppermost``, ``leftmost``, ``lowermost``, ``rightmost``); all four 0 for an empty
    patch (callers decide what an empty patch means)."""
    (top, bottom), (left, right) = ranges(patch_positions(patch), row_mask(patch))
    some = patch.n > 0
    return tuple(jnp.where(some, v, 0) for v in (top, left, bottom, right))


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


def unless_fast(fast, value, general: Callable, *operands):
    """``value`` where ``fast`` (``bool[]``) is True, else ``general(*operands)``.

    ``general`` runs inside a ``lax.while_loop`` of at most one iteration: under ``vmap`` it
    costs nothing unless some sample of the batch (or chunk) needs it, whereas a
    ``lax.cond`` on a batched predicate computes both branches for every sample. It must
    return a pytree of ``value``'s structure, shapes and dtypes. Its operands are read from
    the loop state (operands independent of the state would let XLA hoist the computation
    out of the loop) and zeroed for the samples that do not need it. Used for exact slow
    paths behind fast ones (segmentation, :mod:`jaxdsl.prims.sets`' hashed group
    matching)."""
    def body(state):
        _, todo, operands = state
        masked = jax.tree_util.tree_map(lambda x: jnp.where(todo, x, jnp.zeros_like(x)), operands)
        return general(*masked), jnp.zeros_like(todo), operands

    return lax.while_loop(lambda s: s[1], body, (value, ~jnp.asarray(fast, bool), operands))[0]


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
    Cost: a value-only sort of the ``M`` packed rows (:func:`pack_rows`; a row outside the
    window makes the value overflow anyway), then per doubling one value-only sort and
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
        dense = jnp.concatenate([jnp.zeros((1,), jnp.int32), prefix_sum(differs)])
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

    rank0 = rank_rows([pack_rows(g.data, in_group)[0]])     # rows inside the window: exact
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
    # gather the rows into their new places: row m belongs to kept group k (binary search
    # of the new group ends), which was group old[k]
    ends = cumsum_small(sizes)
    old = jnp.zeros((K,), jnp.int32).at[new_id].set(jnp.arange(K, dtype=jnp.int32), mode="drop")
    k = jnp.minimum(search_sorted(ends, rows, side="right"), K - 1)
    live_row = rows < ends[-1]
    src = jnp.clip(starts[old[k]] + rows - (ends[k] - sizes[k]), 0, M - 1)
    data = jnp.where(live_row[:, None], g.data[src], 0)
    group = jnp.where(live_row, k, K)
    return Grouped(data, group, jnp.sum(kept_sorted, dtype=jnp.int32), sizes)


# ---------------------------------------------------------------------------- Python ↔ JAX


def _int(x):
    """``int(x)``, keeping ``None`` (a value no container row can hold)."""
    return None if x is None else int(x)


def _rows_slow(F: int, value) -> list[tuple]:
    """Rows of a container element by element: raises TypeError on a malformed element,
    keeps ``None`` entries — and ``None`` rows for ``()`` positions — (see :func:`_rows_array`)."""
    if F == 1:
        return [(_int(item),) for item in value]
    # ``()`` (``corners`` of an empty patch, a cell built by ``astuple(c, ulcorner(∅))``) is
    # an IntegerTuple no row holds.
    if F == 2:
        return [(None, None) if item == () else (_int(item[0]), _int(item[1])) for item in value]
    return [(None, None, None) if item[1] == () else (_int(item[0]), _int(item[1][0]), _int(item[1][1]))
            for item in value]


def _rows_array(F: int, frozen: bool, value, window: bool = True) -> np.ndarray | None:
    """The rows of a Python container as ``int64[n, F]``: frozensets in canonical order,
    tuples in their order; ``None`` when an entry cannot be stored (``None`` — the
    sentinels of :mod:`jaxdsl.values` are reserved for scalars —, out of int32 range or,
    with ``window``, outside the position / colour window of :func:`rows_in_window`).

    Rows are flat integer tuples, so the lexicographic order of the array rows *is* the
    canonical order (spec §5: integers ascending, positions row-major, cells by colour,
    row, column). Raises TypeError on an element of the wrong shape."""
    try:
        items = list(value) if F < 3 else [(c, p[0], p[1]) for c, p in value]
        arr = np.array(items, np.int64).reshape(len(items), F)
    except (TypeError, ValueError, OverflowError, IndexError):
        rows = _rows_slow(F, value)      # raises TypeError on malformed elements
        if any(v is None for r in rows for v in r):
            return None
        arr = np.array(rows, object).reshape(len(rows), F)
    if arr.size and not all(-_values.INT_LIMIT < int(v) < _values.INT_LIMIT for v in (arr.min(), arr.max())):
        return None
    arr = arr.astype(np.int64)
    if window and F > 1 and arr.size:
        low, high = window_bounds(F)
        if np.any(arr < low) or np.any(arr >= high):
            return None                                # outside the window (rows_in_window)
    if frozen and len(arr) > 1:
        arr = arr[np.lexsort(arr.T[::-1])]
    return arr


def _rows_of_groups(F: int, groups: list) -> list[np.ndarray | None]:
    """``[_rows_array(F, True, g) for g in groups]``, in one array when every element of
    every group is well formed and storable (the usual case): one range and window check
    and one ``lexsort`` keyed by group first, instead of a few small-array calls per group
    (converting the sweep's containers of objects spent most of its time there)."""
    if not groups:
        return []
    lengths = [len(g) for g in groups]
    try:
        items = [x for g in groups for x in g] if F < 3 else [(c, p[0], p[1]) for g in groups for c, p in g]
        arr = np.array(items, np.int64).reshape(len(items), F)
    except (TypeError, ValueError, OverflowError, IndexError):
        return [_rows_array(F, True, g) for g in groups]
    if arr.size:
        fits = -_values.INT_LIMIT < int(arr.min()) and int(arr.max()) < _values.INT_LIMIT
        if fits and F > 1:
            low, high = window_bounds(F)
            fits = not (np.any(arr < low) or np.any(arr >= high))
        if not fits:
            return [_rows_array(F, True, g) for g in groups]
    group = np.repeat(np.arange(len(groups)), lengths)
    arr = arr[np.lexsort(tuple(arr.T[::-1]) + (group,))]
    return np.split(arr, np.cumsum(lengths)[:-1])


def _items_to_py(F: int, boolean: bool, rows: np.ndarray) -> list:
    """Host rows ``int32[n, F]`` → the Python elements (``boolean``: F = 1 rows are
    Booleans). A kernel can leave the sentinels of :mod:`jaxdsl.values` in a row (``apply``
    of a function that returns ``index`` outside the grid, or ``ulcorner`` of an empty
    patch): an ``INT_NONE`` component becomes ``None`` and an ``INT_EMPTY`` position ``()``,
    as for a scalar (:func:`jaxdsl.values.tuple_to_py`)."""
    if F == 1:
        values = rows[:, 0].tolist()
        if boolean:
            return [bool(v) for v in values]
        return [None if v == _values.INT_NONE else v for v in values]
    if not rows.size or int(rows.min()) > _values.INT_EMPTY:     # no sentinel: the fast path
        return list(map(tuple, rows.tolist())) if F == 2 else [(c, (i, j)) for c, i, j in rows.tolist()]
    if F == 2:
        return [_values.tuple_to_py(r) for r in rows]
    return [(_values.int_to_py(c), _values.tuple_to_py((i, j))) for c, i, j in rows.tolist()]


def _check_container(name: str, frozen: bool, value) -> None:
    want = frozenset if frozen else tuple
    if not isinstance(value, want):
        raise TypeError(f"expected {name} ({want.__name__}), got {type(value).__name__}")


def elems_from_py(name: str, F: int, frozen: bool, value, caps):
    """Python container of type ``name`` (row width ``F``, a frozenset when ``frozen``) →
    host :class:`Elems`; returns ``(Elems, overflow)``. TypeError on a wrong value."""
    _check_container(name, frozen, value)
    rows = _rows_array(F, frozen, value)
    N = elems_capacity(F, caps)
    data = np.zeros((N, F), np.int32)
    if rows is None or len(rows) > N:
        return Elems(data, np.int32(0)), True
    data[: len(rows)] = rows
    return Elems(data, np.int32(len(rows))), False


def elems_to_py(F: int, frozen: bool, boolean: bool, e: Elems):
    """Host :class:`Elems` of row width ``F`` → Python frozenset (``frozen``) or tuple
    (of Booleans when ``boolean``)."""
    items = _items_to_py(F, boolean, np.asarray(e.data)[: int(e.n)])
    return frozenset(items) if frozen else tuple(items)


def grouped_from_py(name: str, inner: str, F: int, frozen: bool, value, caps):
    """Python container ``name`` (a frozenset when ``frozen``) of frozensets ``inner`` with
    rows of width ``F`` → host :class:`Grouped`; returns ``(Grouped, overflow)``."""
    _check_container(name, frozen, value)
    K, M = caps.objects, caps.object_cells
    data = np.zeros((M, F), np.int32)
    group = np.full((M,), K, np.int32)
    sizes = np.zeros((K,), np.int32)
    for g in value:
        _check_container(inner, True, g)
    groups = _rows_of_groups(F, list(value))
    if len(groups) > K or any(rows is None for rows in groups) or sum(map(len, groups)) > M:
        return Grouped(data, group, np.int32(0), sizes), True
    if frozen:
        groups.sort(key=lambda rows: rows.tolist())   # row lists compare canonically (spec §5)
    r = 0
    for k, rows in enumerate(groups):
        data[r: r + len(rows)] = rows
        group[r: r + len(rows)] = k
        sizes[k] = len(rows)
        r += len(rows)
    return Grouped(data, group, np.int32(len(groups)), sizes), False


def grouped_to_py(F: int, frozen: bool, g: Grouped):
    """Host :class:`Grouped` with rows of width ``F`` → Python frozenset (``frozen``) or
    tuple of frozensets."""
    sizes = np.asarray(g.sizes)[: int(g.n)]
    starts = np.cumsum(sizes) - sizes
    data = np.asarray(g.data)
    items = [frozenset(_items_to_py(F, False, data[a: a + b])) for a, b in zip(starts.tolist(), sizes.tolist())]
    return frozenset(items) if frozen else tuple(items)


def gridtuple_from_py(value, caps):
    """Python tuple of grids → host :class:`GridTuple`; returns ``(GridTuple, overflow)``."""
    _check_container("Tuple[Grid]", False, value)
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


def _grid_numpy(grid, H: int, W: int):
    """:func:`jaxdsl.values.grid_to_numpy` of one Python grid at capacity ``(H, W)``, with a
    vectorised path for the usual rectangular grid of plain integers (the same result)."""
    h = len(grid)
    w = len(grid[0]) if h else 0
    if h > H or w > W:
        return np.zeros((H, W), np.int8), 0, 0, True
    try:
        arr = np.array(grid, np.int64)
    except (TypeError, ValueError, OverflowError):
        arr = None                   # None cells, ragged rows, ...: the per-cell converter
    if arr is None or arr.shape != (h, w):
        return _values.grid_to_numpy(grid, (H, W))
    cells = np.zeros((H, W), np.int8)
    if arr.size and (arr.min() < _values.CELL_MIN or arr.max() > _values.CELL_MAX):
        return cells, 0, 0, True
    cells[:h, :w] = arr
    return cells, h, w, False


def _check_samples(value) -> None:
    """Raise TypeError unless ``value`` is a tuple of tuples of grids (tuples of tuples)."""
    if not isinstance(value, tuple):
        raise TypeError(f"expected Samples (a tuple of (input, output) grid pairs), got {type(value).__name__}")
    for pair in value:
        if not isinstance(pair, tuple):
            raise TypeError(f"expected an (input, output) pair of grids inside Samples, got {pair!r:.80}")
        for grid in pair:
            if not (isinstance(grid, tuple) and all(isinstance(row, tuple) for row in grid)):
                raise TypeError(f"expected a Grid inside a Samples pair, got {grid!r:.80}")


def samples_from_py(value, caps):
    """Python Samples (a batt's ``S``: a tuple of ``(input grid, output grid)`` tuples, as
    :func:`compiler.batt.demos_as_S` returns) → host :class:`PairTuple` of ``caps.grids``
    pairs at grid capacity ``caps.grid``.

    Returns ``(PairTuple, overflow)``: overflow (and an all-zero value) when there are more
    than ``caps.grids`` pairs, some grid does not fit ``caps.grid`` (larger, ragged, or
    a colour an ``int8`` cell cannot hold), or an inner tuple of grids is not a pair (a
    tuple of Tuple[Grid] that ``apply`` over a Samples may build, which no PairTuple
    holds). Raises TypeError when ``value`` is not a tuple of tuples of grids.
    """
    _check_samples(value)
    K, (H, W) = caps.grids, caps.grid
    cells = np.zeros((K, 2, H, W), np.int8)
    h = np.zeros((K, 2), np.int32)
    w = np.zeros((K, 2), np.int32)
    if len(value) > K or any(len(pair) != 2 for pair in value):
        return PairTuple(cells, h, w, np.int32(0)), True
    for k, pair in enumerate(value):
        for side, grid in enumerate(pair):
            c, hh, ww, overflow = _grid_numpy(grid, H, W)
            if overflow:
                return PairTuple(np.zeros_like(cells), np.zeros_like(h), np.zeros_like(w), np.int32(0)), True
            cells[k, side], h[k, side], w[k, side] = c, hh, ww
    return PairTuple(cells, h, w, np.int32(len(value))), False


def samples_to_py(t: PairTuple):
    """Host :class:`PairTuple` → Python Samples (a tuple of ``(input, output)`` grid tuples)."""
    cells, h, w = np.asarray(t.cells), np.asarray(t.h), np.asarray(t.w)
    return tuple(tuple(_values.grid_from_numpy(cells[k, s], h[k, s], w[k, s]) for s in (0, 1))
                 for k in range(int(t.n)))


def stack_samples(samples, caps, size: int):
    """Stack the ``S`` of several samples into one batched host :class:`PairTuple`.

    Args:
      samples: a sequence of Python Samples, each what :func:`compiler.batt.demos_as_S`
        returns for a sample's demos; at most ``size`` of them.
      caps: the :class:`jaxdsl.values.Capacity` (``grids`` pairs of ``grid`` cells).
      size: the batch size (leading axis).
    Returns:
      ``(PairTuple, overflow)``: ``cells int8[size, K, 2, H, W]``, ``h``/``w``
      ``int32[size, K, 2]``, ``n int32[size]``, and ``overflow bool[size]``, True where
      that ``S`` does not fit (:func:`samples_from_py`; its row is then all zero). Rows
      past ``len(samples)`` are the empty Samples ``()`` (zero, no overflow).
    Raises:
      ValueError: more than ``size`` samples. TypeError: an ``S`` is not a tuple of
      tuples of grids.

    Equal ``S`` values (every sample of one task) are converted once per call.
    """
    if len(samples) > size:
        raise ValueError(f"stack_samples: {len(samples)} samples do not fit a batch of {size}")
    K, (H, W) = caps.grids, caps.grid
    cells = np.zeros((size, K, 2, H, W), np.int8)
    h = np.zeros((size, K, 2), np.int32)
    w = np.zeros((size, K, 2), np.int32)
    n = np.zeros((size,), np.int32)
    overflow = np.zeros((size,), np.bool_)
    done: dict = {}
    for b, S in enumerate(samples):
        try:
            hit = done.get(S)
        except TypeError:            # unhashable: not a Samples value, samples_from_py says why
            hit = None
        if hit is None:
            hit = samples_from_py(S, caps)
            done[S] = hit
        t, over = hit
        cells[b], h[b], w[b], n[b], overflow[b] = t.cells, t.h, t.w, t.n, over
    return PairTuple(cells, h, w, n), overflow


def cell_from_py(value, caps):
    """A Python Cell ``(colour, (i, j))`` → ``(int32[3], overflow)``; TypeError otherwise.
    ``(colour, ())`` (``astuple`` of a colour and an empty patch's corner) cannot be held:
    overflow."""
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], tuple)):
        raise TypeError(f"expected a Cell (colour, (i, j)), got {value!r}")
    rows = _rows_array(3, False, (value,), window=False)   # a lone Cell is never packed
    return (np.zeros(3, np.int32), True) if rows is None else (rows[0].astype(np.int32), False)


def cell_to_py(c):
    """A host Cell ``int32[3]`` → ``(colour, (i, j))`` (sentinels as in a container row:
    ``None`` colour, ``()`` position)."""
    return _items_to_py(3, False, np.asarray(c, np.int64).reshape(1, 3))[0]
