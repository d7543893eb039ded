"""Segmentation: primitives that build or filter object containers (arc-dsl #90–92 objects,
partition, fgpartition (spec §4.8), #157 frontiers (§4.11), #74 colorfilter and #75
sizefilter (§4.6)).

Every function is unbatched and returns ``result(value, ok, overflow)``. Results are
:class:`~jaxdsl.containers.Grouped` containers ``(data int32[M, F], group int32[M], n,
sizes int32[K])`` with ``K = caps.objects`` groups and ``M = caps.object_cells`` rows (the
filters keep the shapes of their input), laid out as :mod:`jaxdsl.containers` requires:
each inner set's rows contiguous and in canonical order, the inner sets in canonical
order and distinct, padding rows zero with ``group == K``.

**Canonical order for free.** The objects of ``objects``, ``partition`` and
``fgpartition`` are pairwise disjoint (no two share a position), so two of them differ in
their smallest cell, and the canonical order of the inner sets (spec §5: lexicographic on
their sorted cell sequences) is simply the order of their smallest cells ``(colour, i,
j)``: no sorting of whole groups (:func:`jaxdsl.containers.canonical_groups`) is
needed, only the cells' order within their component and the components' first cells.
``frontiers`` objects
can overlap (a uniform row and a uniform column share a cell) but their order is decided
by their first cells except for row 0 against column 0, a tie resolved in closed form.

**Overflow** is set when the result has more than ``K`` inner sets (a 30×30 noise grid
has hundreds of objects) or more than ``M`` cells in all; the value is then meaningless.
``colorfilter``/``sizefilter`` keep a subset of their input and cannot overflow; on a
``Objects``/``IndicesSet`` they keep a subsequence (already canonical), on a
``Tuple[Object]``/``Tuple[Indices]`` the kept sets are put in canonical order and
deduplicated exactly by prefix doubling (:func:`jaxdsl.containers.canonical_groups`).
The kept sets are compacted with gathers, not a scatter of the ``M`` rows
(:func:`keep_groups`).

**Two implementations, dispatched statically** (on the grid capacity ``H × W``, known at
trace time) by ``objects``, ``partition`` and ``fgpartition``:

* the *fast path* (:func:`_objects_fast`, :func:`_partition_fast`) when ``1 ≤ H, W ≤ 32``
  (:func:`_fast_capable`): every grid row is a ``uint32`` of cell bits and the output row
  of a cell is counted, not sorted. Any ``caps.objects`` / ``caps.object_cells`` (a grid
  of at most 1,024 cells has at most 1,024 objects);
* the *general path* (:func:`_objects_general`, :func:`_partition_general`) for larger
  capacities (an upscaled or concatenated grid variable, up to 120 × 120): min-label
  components (:func:`_components`) and one value-only sort of packed keys
  (:func:`_group_sorted_cells`).

Both give identical arrays (tested on both sides of the dispatch).

**General path.** Each included grid cell gets the key ``(colour + 128) · H·W + i·W + j``
(cell order as an int32), each component the smallest key of its cells
(:func:`_components`: a ``lax.while_loop`` of 8 shifted minima, one scatter-min hooking
and two pointer jumps; 3–6 iterations on ARC grids), and one sort of the ``H·W`` cells by
(component key, cell key) lays out the whole result.

**Fast path** (cells ``int8``; the fast colours 0–9, other values take exact sorting
fallbacks inside :func:`~jaxdsl.containers.unless_fast`, a ``while_loop`` of at most one
iteration that costs nothing unless some sample of the chunk needs it):

* *position* of each included cell among the included cells in ``(colour, i, j)`` order
  (= its row in ``partition``; :func:`_fast_order`): a table of row bits per colour (one
  scatter-add of each cell's bit, :func:`_colour_table`), prefix sums of its popcounts
  (products with constant triangular matrices), then three gathers (colour offset, row
  offset, word). The background is the argmax of the same table's counts;
* *components* (:func:`_label_components`): a label is ``position << 10 | cell`` of a cell
  of the same component (a pointer forest ordered by position), started at the least of
  the cell and its row-run and column-run starts (``clz`` of the run-start bits); FastSV
  rounds (gather grandparents, 4- or 8-neighbour minimum on flat slices, one scatter-min
  hooking grandparents, two pointer jumps) until every link joins equal labels. Each
  component ends up labelled by its first cell in canonical order, its *root*. 2 rounds
  run for every sample (they settle 98 % of the ARC-AGI-1 grids under the bench's flags);
  under ``vmap`` the remaining rounds run only on the unsettled samples, gathered into a
  sub-batch (:func:`_settle`);
* *component order* (:func:`_component_order`): the components' canonical order is the
  order of their roots' positions (a colour table of the roots, :func:`_table_rank`); the
  output row of a cell is the cells of earlier components plus the cells of its
  component at smaller positions (a table of position bits per (component, position
  word): one scatter-add, ``int8`` prefix products, two gathers);
* output (:func:`_pack_rows`, :func:`_unpack_rows`): one scatter of a packed ``uint32``
  per cell into ``M`` words, decoded with shifts straight into ``data int32[M, 3]`` and
  ``group int32[M]`` (outside the chunk loop); ``sizes`` come from the tables.

*Batching.* XLA on CPU allocates a kernel's temporaries afresh on every call, and past
32 MB (16 KB a sample at batch 2,048) they are a new ``mmap`` whose page faults cost more
than the arithmetic here. Under ``vmap`` the fast path runs in chunks of 256 samples
(``lax.map`` over ``vmap``, a ``custom_vmap`` rule: :func:`_in_chunks`). Scatters and
gathers use one flat index into the chunk (:func:`_flat_scatter`, :func:`_take`) instead
of XLA's batched forms. XLA fuses a gather's operand into the gather, element by element,
so gathers read materialized arrays (loop state, scatter or dot outputs) or plain
elementwise ones, and per-cell work runs on flat ``[H·W]`` slices where index arithmetic
would otherwise dominate. The flags are traced: ``diagonal`` selects the 4- or
8-neighbour reads with a ``lax.cond`` when it is unbatched (the compiler passes constants
unbatched) and reads all 8, masked, when it is batched.

**Cost** (jit + vmap, batch 2,048 of the bench's ARC-AGI-1 arguments, run capacities
``M = 1024``, ``K = 64``; µs per sample-op of CPU time, one XLA thread pinned to one of this
project's 2 shared cores, median of 9 interleaved runs; the general path, measured in
the same runs, in brackets): ``objects`` 36–47 (127–146), with unbatched flags 31–41;
``partition`` 9–11 (31–42), ``fgpartition`` 11–15 (33–45); ``colorfilter`` /
``sizefilter`` on Objects 9–13 (22–30). The bench's wall-clock times (two threads) are
noisier on the shared machine; see the project's benchmark notes. On one H200 (same
batch, wall clock): ``objects`` 0.9–1.2, ``partition`` 0.4, ``fgpartition`` 0.5, the
filters 0.14; the general path at a 64 × 64 capacity ``objects`` 2.3, ``partition`` 0.7.
About a quarter of ``objects`` is the two rounds (≈ 4 µs each), a sixth the output
(writing 16 KB a sample into fresh memory), the rest the tables, links and gathers.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import custom_batching, lax

from jaxdsl.containers import Grouped, canonical_groups, cumsum_small, dense_rank, group_starts, unless_fast
from jaxdsl.prims import Signature
from jaxdsl.types import BOOLEAN, GRID, INDICES_SET, INTEGER, OBJECTS, TUPLE_INDICES, TUPLE_OBJECT
from jaxdsl.values import CELL_NONE, INT_NONE, Capacity, Grid, from_cell, grid_mask, result

_I32 = jnp.int32
_BIG = jnp.iinfo(jnp.int32).max
"""Label of a cell that belongs to no component (sorts after every real key)."""

_OFFSET = 128
"""Cell value ``v`` (int8) ↦ colour bin ``v + 128`` in ``[0, 256)``; ``CELL_NONE`` is bin 0."""


_NEIGHBOURS = ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))
"""Offsets ``(di, dj)`` of the neighbours: the first 4 orthogonal, the last 4 diagonal."""


# --------------------------------------------------------------------------- helpers


def _shift(x: jax.Array, di: int, dj: int, fill) -> jax.Array:
    """``out[i, j] = x[i + di, j + dj]`` where that lies in the array, else ``fill``."""
    H, W = x.shape
    padded = jnp.pad(x, 1, constant_values=fill)
    return padded[1 + di: 1 + di + H, 1 + dj: 1 + dj + W]


def _background(grid: Grid) -> jax.Array:
    """``int8[]``: the most frequent cell value of the grid, the smallest on a tie (spec §5,
    mostcolor #67). Meaningless on a grid without cells (the callers' ``ok`` is then False)."""
    bins = grid.cells.astype(_I32).reshape(-1) + _OFFSET
    inside = grid_mask(grid).reshape(-1).astype(_I32)
    counts = jnp.zeros((256,), _I32).at[bins].add(inside)
    return (jnp.argmax(counts) - _OFFSET).astype(jnp.int8)


def _has_cells(grid: Grid) -> jax.Array:
    return (jnp.asarray(grid.h) > 0) & (jnp.asarray(grid.w) > 0)


def _cell_keys(cells: jax.Array) -> jax.Array:
    """``int32[H, W]``: the canonical order of the cells as one integer,
    ``(colour + 128) · H·W + i·W + j``."""
    H, W = cells.shape
    flat = jnp.arange(H * W, dtype=_I32).reshape(H, W)
    return (cells.astype(_I32) + _OFFSET) * (H * W) + flat


def _fit(x: jax.Array, size: int, fill) -> jax.Array:
    """First ``size`` entries of ``x`` along axis 0, padded with ``fill`` when shorter."""
    L = x.shape[0]
    if L >= size:
        return x[:size]
    pad = jnp.full((size - L,) + x.shape[1:], fill, x.dtype)
    return jnp.concatenate([x, pad])


def _group_sorted_cells(label, key: jax.Array, valid: jax.Array, grid_shape, caps: Capacity):
    """Lay out disjoint cell groups as an ``Objects`` :class:`Grouped`.

    Args:
      label: ``int32[L]`` group label of each cell; the labels' order is the groups'
        canonical order (for disjoint objects: the smallest cell key of the group).
        ``None``: the groups are the colours (``partition``), read from the keys.
      key: ``int32[L]`` cell key (see :func:`_cell_keys`), distinct per cell.
      valid: ``bool[L]`` cells that belong to the result.
      grid_shape: ``(H, W)`` used to decode the keys.
    Returns:
      ``(Grouped(int32[M, 3], int32[M], n, int32[K]), overflow)``: rows sorted by
      (label, key); overflow when more than ``K`` groups or ``M`` cells.

    The (label, key) order is one value-only sort of packed ``rank of label · 256·H·W +
    key`` (28 bits for 30×30), with a 2-key sort as the fallback for capacities
    too large to pack.
    """
    H, W = grid_shape
    HW = H * W
    K, M = caps.objects, caps.object_cells
    span = 256 * HW
    if label is None:
        ordered = jnp.sort(jnp.where(valid, key, _BIG))
        ok_row = ordered != _BIG
        key, group_key = ordered, ordered // HW
    elif span * HW < _BIG:
        rank = dense_rank(jnp.where(valid, label, _BIG))
        ordered = jnp.sort(jnp.where(valid, rank * span + key, _BIG))
        ok_row = ordered != _BIG
        key, group_key = ordered % span, ordered // span
    else:
        group_key, key = lax.sort((jnp.where(valid, label, _BIG), jnp.where(valid, key, _BIG)), num_keys=2)
        ok_row = group_key != _BIG
    start = ok_row & jnp.concatenate([jnp.ones((1,), bool), group_key[1:] != group_key[:-1]])
    n_groups = jnp.sum(start, dtype=_I32)
    n_cells = jnp.sum(ok_row, dtype=_I32)
    group = jnp.cumsum(start, dtype=_I32) - 1
    group = jnp.where(ok_row & (group < K), group, K)
    flat = key % HW
    colour = from_cell((key // HW - _OFFSET).astype(jnp.int8))
    rows = jnp.stack([colour, flat // W, flat % W], axis=1)
    rows = jnp.where((group < K)[:, None], rows, 0)
    sizes = jax.ops.segment_sum(jnp.ones_like(group), group, num_segments=K + 1)[:K]
    overflow = (n_groups > K) | (n_cells > M)
    return Grouped(_fit(rows, M, 0), _fit(group, M, K), jnp.minimum(n_groups, K), sizes), overflow


def _components(cells: jax.Array, include: jax.Array, univalued, diagonal) -> jax.Array:
    """Connected components of the included cells, labelled by their smallest cell key.

    Args:
      cells: ``int8[H, W]``; include: ``bool[H, W]`` cells taking part (inside the grid,
        not background); univalued, diagonal: ``bool[]`` (traced) flags of ``objects``.
    Returns:
      ``int32[H, W]``: for an included cell the smallest :func:`_cell_keys` key of its
      component, ``_BIG`` elsewhere.

    Label propagation with hooking and pointer jumping (in the manner of Shiloach–Vishkin)
    in a ``lax.while_loop`` until no label changes. Labels are keys of cells (the label's
    cell is ``key % H·W``). One iteration: ``m[p]`` = the smallest label among ``p``'s
    linked neighbours (8 shifted minima); *hooking*: the cell that ``p``'s label points to
    takes ``min(its label, m[p])`` (a scatter-min), and ``p`` itself takes ``min(label,
    m[p])``; then two pointer jumps ``label[p] ← min(label[p], label[label[p]])``.
    Labels are always keys of cells of the same component and only decrease; at the
    fixed point every link joins equal labels, so each component carries the key of its
    smallest cell. On ARC-AGI-1 grids this converges in at most 5 iterations (3–4
    typically), against up to ~50 for plain min propagation.
    """
    H, W = cells.shape
    HW = H * W
    key = _cell_keys(cells)
    links = []
    for k, (di, dj) in enumerate(_NEIGHBOURS):
        other_in = _shift(include, di, dj, False)
        same = _shift(cells, di, dj, 0) == cells
        link = include & other_in & (~univalued | same)
        if k >= 4:
            link = link & diagonal
        links.append(link)
    include_flat = include.reshape(-1)

    def target(flat):
        return jnp.where(flat == _BIG, 0, flat % HW)

    def jump(flat):
        return jnp.where(flat == _BIG, _BIG, jnp.minimum(flat, flat[target(flat)]))

    def body(state):
        label, _ = state
        m = jnp.full_like(label, _BIG)
        for k, (di, dj) in enumerate(_NEIGHBOURS):
            m = jnp.minimum(m, jnp.where(links[k], _shift(label, di, dj, _BIG), _BIG))
        flat, m = label.reshape(-1), m.reshape(-1)
        new = flat.at[target(flat)].min(jnp.where(include_flat, m, _BIG))
        new = jump(jump(jnp.minimum(new, m))).reshape(H, W)
        return new, jnp.any(new != label)

    label0 = jnp.where(include, key, _BIG)
    label, _ = lax.while_loop(lambda s: s[1], body, (label0, jnp.asarray(True)))
    return label


# --------------------------------------------------------------------------- general path


def _objects_general(grid: Grid, univalued, diagonal, without_bg, caps: Capacity):
    """:func:`objects` for any grid capacity: :func:`_components` (a while_loop of 8
    shifted minima, a hooking scatter-min and two pointer jumps) and
    :func:`_group_sorted_cells` (a value-only sort of the ``H·W`` packed keys). Returns
    ``result(Grouped, ok, overflow)``."""
    ok = (jnp.asarray(grid.h) > 0) & ~(without_bg & ~_has_cells(grid))
    include = grid_mask(grid) & (~without_bg | (grid.cells != _background(grid)))
    label = _components(grid.cells, include, univalued, diagonal)
    key = _cell_keys(grid.cells)
    value, overflow = _group_sorted_cells(label.reshape(-1), key.reshape(-1), include.reshape(-1),
                                          grid.cells.shape, caps)
    return result(value, ok, ok & overflow)


def _partition_general(grid: Grid, without_bg: bool, caps: Capacity):
    """:func:`partition` (``without_bg`` static False) / :func:`fgpartition` (True) for
    any grid capacity: the included cells in key order (one value-only sort; the colour
    leads the key, so the groups are the colour runs). Returns ``result(Grouped, ok,
    overflow)``."""
    include = grid_mask(grid)
    ok = jnp.asarray(True)
    if without_bg:
        include = include & (grid.cells != _background(grid))
        ok = _has_cells(grid)
    key = _cell_keys(grid.cells).reshape(-1)
    value, overflow = _group_sorted_cells(None, key, include.reshape(-1), grid.cells.shape, caps)
    return result(value, ok, ok & overflow)


# --------------------------------------------------------------------------- fast path: dispatch


_FAST_SIDE = 32
"""Largest grid capacity side (rows and columns) of the fast path: a grid row is one
``uint32`` of cell bits, and ``i``, ``j`` take 6 bits of a packed output row."""


def _fast_capable(shape) -> bool:
    """Static dispatch: the fast path handles a grid capacity ``(H, W)`` with
    ``1 ≤ H, W ≤ 32`` (any ``caps.objects`` / ``caps.object_cells``: a grid of at most
    1,024 cells has at most 1,024 objects, whose index fits the packed row's 12-bit group
    field, and its positions and cell pointers fit 10 bits each of a component label).
    Larger capacities (an upscaled or concatenated grid, up to 120 × 120) take the
    general path."""
    H, W = shape[-2:]
    return 1 <= H <= _FAST_SIDE and 1 <= W <= _FAST_SIDE


# --------------------------------------------------------------------------- fast path: batching


_CHUNK = 256
"""Samples per chunk when a fast-path primitive runs under ``vmap`` (:func:`_in_chunks`)."""


def _in_chunks(fn):
    """``fn(*args, batched=...)`` (unbatched) whose ``vmap`` runs ``lax.map`` over chunks of
    :data:`_CHUNK` samples, each chunk a ``vmap`` of ``fn``; ``batched`` (static) tells
    ``fn`` which arguments vary over the batch (all False when called unbatched).

    XLA on CPU allocates a kernel's temporary buffers afresh on every call; past 32 MB
    (about 16 KB a sample at batch 2,048) the allocation is a new ``mmap`` whose pages
    fault on first touch, which costs more than the arithmetic here. Chunks keep the
    temporaries small (and in cache), and a data-dependent loop (the components' extra
    rounds, the odd-colour fallbacks) runs as long as its slowest sample *in the chunk*."""
    @custom_batching.custom_vmap
    def wrapped(*args):
        return fn(*args, batched=(False,) * len(args))

    @wrapped.def_vmap
    def rule(axis_size, in_batched, *args):
        batched = tuple(any(jax.tree_util.tree_leaves(b)) for b in in_batched)
        args = [jax.tree_util.tree_map(
                    lambda x, bx: x if bx else jnp.broadcast_to(x, (axis_size,) + jnp.shape(x)), a, b)
                if bat else a for a, b, bat in zip(args, in_batched, batched)]
        xs = tuple(a for a, bat in zip(args, batched) if bat)

        def one(*sample):
            it = iter(sample)
            return fn(*(next(it) if bat else a for a, bat in zip(args, batched)), batched=batched)

        if axis_size <= _CHUNK:
            out = jax.vmap(one)(*xs)
        else:
            n = -(-axis_size // _CHUNK)
            pad = n * _CHUNK - axis_size

            def split(x):
                x = jnp.concatenate([x, jnp.zeros((pad,) + x.shape[1:], x.dtype)]) if pad else x
                return x.reshape((n, _CHUNK) + x.shape[1:])

            out = lax.map(lambda chunk: jax.vmap(one)(*chunk), jax.tree_util.tree_map(split, xs))
            out = jax.tree_util.tree_map(lambda y: y.reshape((n * _CHUNK,) + y.shape[2:])[:axis_size], out)
        return out, jax.tree_util.tree_map(lambda _: True, out)

    return wrapped


def _flat_scatter(kind: str):
    """``operand.at[index].<kind>(updates, mode="drop")`` for a 1-D ``operand`` (indices out
    of ``[0, len)`` dropped). Under ``vmap`` it is one scatter into the flattened batch
    (index ``sample · len + index``) rather than XLA's batched scatter, which first builds
    an ``(sample, index)`` pair per update."""
    def plain(operand, index, updates):
        N = operand.shape[0]
        index = jnp.where((index >= 0) & (index < N), index, N)
        return getattr(operand.at[index], kind)(updates, mode="drop")

    scatter = custom_batching.custom_vmap(plain)

    @scatter.def_vmap
    def rule(axis_size, in_batched, operand, index, updates):
        operand, index, updates = (x if b else jnp.broadcast_to(x, (axis_size,) + x.shape)
                                   for x, b in zip((operand, index, updates), in_batched))
        B, N = operand.shape
        offset = (jnp.arange(B, dtype=_I32) * N).reshape((B,) + (1,) * (index.ndim - 1))
        flat = jnp.where((index >= 0) & (index < N), index + offset, B * N).reshape(-1)
        out = getattr(operand.reshape(-1).at[flat], kind)(updates.reshape(-1), mode="drop")
        return out.reshape(B, N), True

    return scatter


_scatter_min = _flat_scatter("min")
_scatter_add = _flat_scatter("add")
_scatter_set = _flat_scatter("set")


def _take_plain(table: jax.Array, index: jax.Array) -> jax.Array:
    return jnp.take(table.reshape(-1), index, mode="clip")


_take_flat = custom_batching.custom_vmap(_take_plain)


@_take_flat.def_vmap
def _take_rule(axis_size, in_batched, table, index):
    table, index = (x if b else jnp.broadcast_to(x, (axis_size,) + x.shape)
                    for x, b in zip((table, index), in_batched))
    B = table.shape[0]
    N = table[0].size
    offset = (jnp.arange(B, dtype=_I32) * N).reshape((B,) + (1,) * (index.ndim - 1))
    return jnp.take(table.reshape(-1), jnp.clip(index, 0, N - 1) + offset, mode="clip"), True


def _take(table: jax.Array, index: jax.Array) -> jax.Array:
    """``table.reshape(-1)[index]``, indices clipped into range (a cheap gather on CPU;
    callers only use entries whose index is meaningful). Under ``vmap`` one gather from
    the flattened batch, like :func:`_flat_scatter`."""
    return _take_flat(table, index.astype(_I32))


# --------------------------------------------------------------------------- fast path: bit tables

_NC = 10
"""Colours of the fast cell order: every cell inside the grid in ``[0, _NC)`` (the ARC colours)."""

_HOOK_ROUNDS = 2
"""Hooking rounds run unconditionally by :func:`_label_components` before its loop."""

_PTR = 10
"""Bits of the cell pointer in a component label (``H·W ≤ 1024``)."""


def _bits(n: int) -> jax.Array:
    """``uint32[n]``: ``1 << k``."""
    return jnp.left_shift(jnp.uint32(1), jnp.arange(n, dtype=jnp.uint32))


def _below(k: jax.Array) -> jax.Array:
    """``uint32``: the bits ``< k`` (``k`` in ``[0, 31]``)."""
    return jnp.left_shift(jnp.uint32(1), k.astype(jnp.uint32)) - jnp.uint32(1)


def _popcount(x: jax.Array) -> jax.Array:
    return lax.population_count(x).astype(_I32)


def _row_bits(mask: jax.Array) -> jax.Array:
    """``uint32[..., R]`` from ``bool[..., R, L]`` (``L ≤ 32``): bit ``l`` of word ``r``
    set where ``mask[..., r, l]``."""
    return jnp.sum(jnp.where(mask, _bits(mask.shape[-1]), jnp.uint32(0)), axis=-1, dtype=jnp.uint32)


def _excl_prefix(x: jax.Array) -> jax.Array:
    """Exclusive prefix sums of ``int32[..., L]`` along the last axis: a product with a
    constant strictly upper triangular ``float32`` matrix (exact below ``2**24``). A dot
    is one fast pass and is never fused into a consumer (a gather from a fused table
    would recompute it per element)."""
    L = x.shape[-1]
    upper = jnp.triu(jnp.ones((L, L), jnp.float32), 1)
    return jnp.matmul(x.astype(jnp.float32), upper).astype(_I32)


def _excl_prefix_small(x: jax.Array) -> jax.Array:
    """:func:`_excl_prefix` of ``int32[..., L]`` entries in ``[0, 127]`` (popcounts): an
    ``int8`` product accumulated in ``int32`` (half the cost of the ``float32`` one on
    CPU)."""
    L = x.shape[-1]
    upper = jnp.triu(jnp.ones((L, L), jnp.int8), 1)
    return lax.dot_general(x.astype(jnp.int8), upper, (((x.ndim - 1,), (0,)), ((), ())),
                           preferred_element_type=_I32)


def _fast_colours(cells: jax.Array, inside: jax.Array) -> jax.Array:
    """``bool[]``: every cell inside the grid has a colour in ``[0, _NC)``."""
    return jnp.all(~inside | ((cells >= 0) & (cells < _NC)))


def _colour_table(cells: jax.Array, mask: jax.Array) -> jax.Array:
    """``uint32[_NC, H]``: bit ``j`` of word ``[c, i]`` set where ``mask[i, j]`` and
    ``cells[i, j] == c`` (cells of other colours are left out): one scatter-add of each
    cell's bit. (A scatter output is materialized: the gathers that read the table do not
    recompute it per element, as they would an elementwise expression.)"""
    H, W = cells.shape
    c = cells.astype(_I32)
    word = jnp.asarray(np.repeat(np.arange(H, dtype=np.int32), W).reshape(H, W))
    bit = jnp.asarray(np.tile(np.arange(W, dtype=np.uint32), H).reshape(H, W))
    index = jnp.where(mask & (c >= 0) & (c < _NC), c * H + word, _NC * H)
    table = _scatter_add(jnp.zeros((_NC * H,), jnp.uint32), index.reshape(-1),
                         jnp.left_shift(jnp.uint32(1), bit).reshape(-1))
    return table.reshape(_NC, H)


def _fast_background(table: jax.Array) -> jax.Array:
    """``int8[]`` mostcolor from the colour table of the inside cells (the first colour
    of largest count), exact when every inside cell has a fast colour."""
    return jnp.argmax(_popcount(table).sum(axis=1)).astype(jnp.int8)


def _table_rank(table: jax.Array, cells: jax.Array, words=None):
    """Rank of each cell among the set bits of a colour table (:func:`_colour_table`) in
    ``(colour, i, j)`` order: ``(rank int32[H, W], counts int32[_NC])``. Meaningless on
    cells whose bit is not in the table. ``words``: a table that agrees with ``table`` on
    the words of the cells that matter (a materialized one: the gathers read their
    operands element by element, so the operands are kept to plain arrays).

    Three gathers: the colour's offset, the cell's row's offset within its colour (a dot
    output) and its word."""
    H, W = cells.shape
    counts = _popcount(table)
    in_colour = _excl_prefix_small(counts)                                    # [NC, H]
    totals = in_colour[:, -1] + counts[:, -1]
    colour_base = _excl_prefix(totals[None, :])[0]                            # [NC]
    c = jnp.clip(cells.astype(_I32), 0, _NC - 1)
    rows = jnp.asarray(np.arange(H * W, dtype=np.int32).reshape(H, W) // W)
    cols = jnp.asarray(np.arange(H * W, dtype=np.int32).reshape(H, W) % W)
    bin_ = c * H + rows
    words = table if words is None else words
    rank = _take(colour_base, c) + _take(in_colour, bin_) + _popcount(_take(words, bin_) & _below(cols))
    return rank, totals


def _fast_order(cells: jax.Array, table: jax.Array, words=None):
    """Canonical position of each included cell among the included cells (order
    ``(colour, i, j)``), from the colour table of the included cells (fast colours).

    Returns ``(position int32[H, W], colour_rank int32[H, W], n_colours int32[],
    colour_sizes int32[_NC] by rank)``; the per-cell values are meaningless on other
    cells."""
    position, totals = _table_rank(table, cells, words)
    present = totals > 0
    rank = _excl_prefix(present.astype(_I32)[None, :])[0]
    sizes = jnp.sum(jnp.where(present[None, :] & (rank[None, :] == jnp.arange(_NC)[:, None]),
                              totals[None, :], 0), axis=1)
    c = jnp.clip(cells.astype(_I32), 0, _NC - 1)
    return position, _take(rank, c), jnp.sum(present, dtype=_I32), sizes


def _general_order(cells: jax.Array, include: jax.Array):
    """:func:`_fast_order` for any cell values (``colour_sizes`` then ``int32[256]``): a
    sort of the ``(colour, i, j)`` keys and a binary search; the colours' ranks and
    sizes from a 256-bin histogram."""
    H, W = cells.shape
    HW = H * W
    flat = jnp.arange(HW, dtype=_I32).reshape(H, W)
    c = cells.astype(_I32) + _OFFSET
    key = jnp.where(include, c * HW + flat, _BIG).reshape(-1)
    position = jnp.searchsorted(jnp.sort(key), key, side="left").astype(_I32).reshape(H, W)
    totals = jnp.zeros((256,), _I32).at[jnp.where(include, c, 256).reshape(-1)].add(1, mode="drop")
    present = totals > 0
    rank = _excl_prefix(present.astype(_I32)[None, :])[0]
    sizes = jnp.zeros((256,), _I32).at[jnp.where(present, rank, 256)].add(totals, mode="drop")
    return position, _take(rank, c), jnp.sum(present, dtype=_I32), sizes


# --------------------------------------------------------------------------- fast path: components


def _in_grid(H: int, W: int) -> np.ndarray:
    """``bool[8, H·W]`` (a constant): neighbour ``_NEIGHBOURS[k]`` of flat cell ``p`` lies
    inside the ``H × W`` array."""
    i, j = np.divmod(np.arange(H * W), W)
    return np.stack([(0 <= i + di) & (i + di < H) & (0 <= j + dj) & (j + dj < W) for di, dj in _NEIGHBOURS])


def _link_bits(cells, include, univalued, diagonal) -> jax.Array:
    """``uint8[H, W]``: bit ``k`` set where the cell and its neighbour ``_NEIGHBOURS[k]``
    are linked (both included and, with ``univalued``, of equal colour; the diagonal
    neighbours only when ``diagonal``). On flat cells: each neighbour is a slice of the
    padded flat arrays, masked by the constant :func:`_in_grid`."""
    H, W = cells.shape
    HW = H * W
    c = cells.reshape(-1)
    inc = include.reshape(-1)
    pc = jnp.pad(c, W + 1)
    pinc = jnp.pad(inc, W + 1)
    valid = _in_grid(H, W)
    bits = jnp.zeros((HW,), jnp.uint8)
    for k, (di, dj) in enumerate(_NEIGHBOURS):
        o = W + 1 + di * W + dj
        link = inc & pinc[o: o + HW] & jnp.asarray(valid[k]) & (~univalued | (pc[o: o + HW] == c))
        if k >= 4:
            link = link & diagonal
        bits = bits | jnp.left_shift(link.astype(jnp.uint8), k)
    return bits.reshape(H, W)


def _linked(links: jax.Array, k: int) -> jax.Array:
    return (jnp.right_shift(links, k) & 1) != 0


def _neighbour_min(x: jax.Array, links: jax.Array, diagonal, diagonal_batched: bool) -> jax.Array:
    """The least ``x`` among each cell's linked neighbours (``_BIG`` without any). With an
    unbatched ``diagonal`` the diagonal neighbours are read only when it is True (a
    ``lax.cond``, a real branch); with a batched one all 8 are read (the links mask the
    diagonals), rather than both branches of a vectorized ``cond``."""
    H, W = x.shape
    HW = H * W
    padded = jnp.pad(x.reshape(-1), W + 1, constant_values=_BIG)
    flat_links = links.reshape(-1)

    def over(n):
        m = jnp.full((HW,), _BIG, x.dtype)
        for k, (di, dj) in enumerate(_NEIGHBOURS[:n]):
            o = W + 1 + di * W + dj
            m = jnp.minimum(m, jnp.where(_linked(flat_links, k), padded[o: o + HW], _BIG))
        return m.reshape(H, W)

    if diagonal_batched:
        return over(8)
    return lax.cond(diagonal, lambda: over(8), lambda: over(4))


def _consistent(f: jax.Array, links: jax.Array, diagonal, diagonal_batched: bool) -> jax.Array:
    """``bool[]``: every link joins equal labels (each link checked from its lower-index
    end, on flat slices; the diagonal links only when ``diagonal``)."""
    H, W = f.shape
    HW = H * W
    ff = f.reshape(-1)
    fl = links.reshape(-1)
    padded = jnp.pad(ff, W + 1)

    def bad(k):
        di, dj = _NEIGHBOURS[k]
        o = W + 1 + di * W + dj
        return jnp.any(_linked(fl, k) & (ff != padded[o: o + HW]))

    ortho = bad(0) | bad(2)
    if diagonal_batched:
        return ~(ortho | bad(4) | bad(5))
    return ~lax.cond(diagonal, lambda: ortho | bad(4) | bad(5), lambda: ortho)


def _label_components(cells, include, univalued, diagonal, links, key, diagonal_batched: bool):
    """``int32[H, W]`` component labels: for an included cell, ``key[q] << 10 | q`` of the
    cell ``q`` (flat index ``i·W + j``) of least ``key`` in its component; for any other
    cell its own ``key << 10 | flat``.

    Args: cells ``int8[H, W]``, include ``bool[H, W]``, univalued / diagonal ``bool[]``
    (traced), links ``uint8[H, W]`` (:func:`_link_bits`), key ``int32[H, W]`` (the cells'
    canonical positions: ``< 1024`` and distinct on the included cells), and whether
    ``diagonal`` is batched (static: :func:`_neighbour_min`).

    Each component ends up labelled by its first cell in canonical order. A label points
    (its low 10 bits) to a cell of smaller or equal label in the same component (a
    forest). Start: the least label among the cell and the starts of its row run and
    column run of linked cells (``31 − clz`` of the row / column bits of the run starts).
    A round (:func:`_round`, FastSV-style hooking of grandparents): ``ff = f[f]``; ``m[p]``
    = the least ``ff`` among ``p``'s linked neighbours; ``f[ff[p]] ← min(f[ff[p]], m[p])``
    (one scatter-min); two pointer jumps ``f ← f[f]``. Labels stay in their component and
    only decrease, so once every link joins equal labels each component carries its least
    label. :data:`_HOOK_ROUNDS` rounds run unconditionally (in a ``fori_loop``: a loop's
    state is materialized), then :func:`_settle` runs rounds until every link is
    consistent — under ``vmap`` only on the samples that need them.
    """
    H, W = include.shape
    flat = jnp.arange(H * W, dtype=_I32).reshape(H, W)
    rows = jnp.arange(H, dtype=_I32)[:, None]
    cols = jnp.arange(W, dtype=_I32)[None, :]
    own = jnp.left_shift(key, _PTR) | flat
    row_starts = _row_bits(include & ~_linked(links, 1))[:, None]
    col_starts = _row_bits((include & ~_linked(links, 3)).T)[None, :]
    run_j = 31 - lax.clz(row_starts & (_below(cols) | _bits(W)[None, :])).astype(_I32)
    run_i = 31 - lax.clz(col_starts & (_below(rows) | _bits(H)[:, None])).astype(_I32)
    start_j = rows * W + run_j
    start_i = run_i * W + cols
    via_row = jnp.left_shift(_take(key, start_j), _PTR) | start_j
    via_col = jnp.left_shift(_take(key, start_i), _PTR) | start_i
    f = jnp.where(include, jnp.minimum(own, jnp.minimum(via_row, via_col)), own)

    f = lax.fori_loop(0, _HOOK_ROUNDS, lambda _, f: _round(f, links, diagonal, diagonal_batched), f)
    return _settle(diagonal_batched)(f, links, diagonal)


def _jump(f: jax.Array) -> jax.Array:
    """One pointer jump ``f ← f[f]`` of component labels (pointer = the low 10 bits)."""
    return _take(f, f & ((1 << _PTR) - 1))


def _round(f, links, diagonal, diagonal_batched: bool):
    """One hooking round of :func:`_label_components` (three gathers, a neighbour minimum
    and a scatter-min). A loop body: its state is materialized, while XLA would fuse each
    gather's operand (the rounds before it) into the gather, element by element."""
    H, W = f.shape
    ff = _jump(f)
    m = _neighbour_min(ff, links, diagonal, diagonal_batched)
    f = _scatter_min(f.reshape(-1), (ff & ((1 << _PTR) - 1)).reshape(-1), m.reshape(-1)).reshape(H, W)
    return _jump(_jump(f))


def _until_consistent(f, links, diagonal, diagonal_batched: bool):
    """Rounds until every link joins equal labels (a ``lax.while_loop``)."""
    def more(state):
        f, _ = state
        f = _round(f, links, diagonal, diagonal_batched)
        return f, ~_consistent(f, links, diagonal, diagonal_batched)

    return lax.while_loop(lambda s: s[1], more, (f, ~_consistent(f, links, diagonal, diagonal_batched)))[0]


_SETTLE_SHARE = 8
"""Under ``vmap``, the extra rounds of :func:`_settle` run on sub-batches of a
``1/_SETTLE_SHARE`` of the batch (at least 8 samples)."""


@functools.lru_cache(maxsize=None)
def _settle(diagonal_batched: bool):
    """``f ↦`` :func:`_until_consistent` ``(f, links, diagonal)``, whose ``vmap`` runs the
    extra rounds only on the samples that need them.

    After the unconditional rounds few samples of a batch still have inconsistent links
    (2 % of the ARC-AGI-1 grids after 2 rounds), but a vectorized ``while_loop`` runs
    every sample until the slowest one is done. The batching rule gathers up to
    ``B / _SETTLE_SHARE`` unsettled samples into a sub-batch, runs them to the end and
    writes them back, as long as unsettled samples remain (usually once)."""
    @custom_batching.custom_vmap
    def settle(f, links, diagonal):
        return _until_consistent(f, links, diagonal, diagonal_batched)

    @settle.def_vmap
    def rule(axis_size, in_batched, f, links, diagonal):
        f, links = (x if b else jnp.broadcast_to(x, (axis_size,) + x.shape)
                    for x, b in zip((f, links), in_batched[:2]))
        B = axis_size
        S = min(B, max(8, B // _SETTLE_SHARE))
        diag_b = in_batched[2]
        consistent = jax.vmap(lambda f, l, d: _consistent(f, l, d, diagonal_batched),
                              in_axes=(0, 0, 0 if diag_b else None))
        todo = ~consistent(f, links, diagonal)

        def body(state):
            f, todo = state
            idx = jnp.nonzero(todo, size=S, fill_value=B)[0]
            safe = jnp.minimum(idx, B - 1)
            sub = jax.vmap(lambda f, l, d: _until_consistent(f, l, d, diagonal_batched),
                           in_axes=(0, 0, 0 if diag_b else None))(
                f[safe], links[safe], diagonal[safe] if diag_b else diagonal)
            return f.at[idx].set(sub, mode="drop"), todo.at[idx].set(False, mode="drop")

        f, _ = lax.while_loop(lambda s: jnp.any(s[1]), body, (f, todo))
        return f, True

    return settle


# --------------------------------------------------------------------------- fast path: layout


def _component_order(fast, cells, include, label, position, K: int):
    """Output row and inner-set index of each included cell of ``objects``.

    Args: ``fast`` ``bool[]`` every cell has a fast colour (else the roots are ranked by
    :func:`_general_root_rank`); ``cells``, ``include`` as in :func:`_label_components`;
    ``label`` its labels (``key = position``); ``position`` each cell's canonical position
    among the included cells; ``K`` (static) the groups to lay out, ``≤ H·W``.
    Returns ``(dest int32[H, W], group int32[H, W], n_groups int32[], sizes int32[K])``;
    ``group == K`` on cells of no group (excluded, or beyond ``K``: the result overflows).

    The components' canonical order is the order of their first cells (their roots, where
    ``label`` points to the cell itself); a root's rank among the roots comes from a colour
    table of the roots (:func:`_table_rank`), and each cell reads its root's. The output
    is the included cells stably regrouped by component, in position order: ``dest`` =
    cells of earlier components + cells of the same component at smaller positions, from
    a table of position bits per (component, word of positions) (one scatter-add of
    ``1 << (position & 31)``), its prefix counts and two gathers."""
    H, W = include.shape
    HW = H * W
    R = -(-HW // 32)
    mask = (1 << _PTR) - 1
    flat = jnp.arange(HW, dtype=_I32).reshape(H, W)
    root = include & ((label & mask) == flat)
    root_rank = unless_fast(fast, _table_rank(_colour_table(cells, root), cells)[0],
                            _general_root_rank, root, position)
    n_groups = jnp.sum(root, dtype=_I32)
    group = jnp.where(include, _take(root_rank, label & mask), K)
    group = jnp.where(group < K, group, K)
    word = jnp.right_shift(position, 5)
    bin_ = jnp.where(group < K, group * R + word, K * R)
    table = _scatter_add(jnp.zeros((K * R,), jnp.uint32), bin_.reshape(-1),
                         jnp.left_shift(jnp.uint32(1), (position & 31).astype(jnp.uint32)).reshape(-1))
    table = table.reshape(K, R)
    counts = _popcount(table)
    in_group = _excl_prefix_small(counts)
    totals = in_group[:, -1] + counts[:, -1]
    base = _excl_prefix(totals[None, :])[0][:, None] + in_group
    dest = _take(base, bin_) + _popcount(_take(table, bin_) & _below(position & 31))
    return dest, group, n_groups, totals


def _general_root_rank(root, position):
    """``int32[H, W]``: the number of roots of smaller position (a sort and a binary search;
    for cells outside 0–9, where :func:`_colour_table` does not apply)."""
    key = jnp.where(root, position, _BIG).reshape(-1)
    return jnp.searchsorted(jnp.sort(key), position.reshape(-1), side="left").astype(_I32).reshape(position.shape)


def _pack_rows(cells, include, dest, group, n_groups, sizes, caps: Capacity):
    """The rows of the Objects, packed: each included cell at row ``dest`` (rows ``≥ M``
    dropped) of inner set ``group``.

    Returns ``(rows uint32[M], n int32[], sizes int32[K], overflow bool[])`` for
    :func:`_unpack_rows`: one scatter of a packed word per cell — the colour's low byte
    (two's complement), ``i`` in bits 8–13, ``j`` in bits 14–19, ``group + 1`` from bit 20
    (so a used row is never 0; ``group < min(K, 1024)``); ``sizes`` the inner sets' sizes
    (zero beyond ``n_groups``)."""
    H, W = cells.shape
    K, M = caps.objects, caps.object_cells
    rows = jnp.arange(H, dtype=jnp.uint32)[:, None]
    cols = jnp.arange(W, dtype=jnp.uint32)[None, :]
    packed = (lax.bitcast_convert_type(cells, jnp.uint8).astype(jnp.uint32)
              | jnp.left_shift(rows, 8) | jnp.left_shift(cols, 14)
              | jnp.left_shift(jnp.clip(group, 0, K).astype(jnp.uint32) + 1, 20))
    out = _scatter_set(jnp.zeros((M,), jnp.uint32), jnp.where(include, dest, M).reshape(-1), packed.reshape(-1))
    overflow = (n_groups > K) | (jnp.sum(include, dtype=_I32) > M)
    return out, jnp.minimum(n_groups, K), _fit(sizes, K, 0), overflow


def _unpack_rows(out, n, sizes) -> Grouped:
    """The Objects :class:`Grouped` from :func:`_pack_rows`: arithmetic shifts decode an
    unused row (0) to zeros without a select (elementwise; outside the chunk loop, so it
    writes the output arrays directly)."""
    K = sizes.shape[-1]
    word = lax.bitcast_convert_type(out, _I32)
    fields = jnp.right_shift(jnp.left_shift(word[..., None], jnp.array([24, 18, 12], _I32)),
                             jnp.array([24, 26, 26], _I32))
    data = jnp.where((fields == CELL_NONE) & (jnp.arange(3) == 0), INT_NONE, fields)
    group = jnp.where(word == 0, K, jnp.right_shift(out, 20).astype(_I32) - 1)
    return Grouped(data, group, n, sizes)


# --------------------------------------------------------------------------- fast path: kernels


def _objects_fast(grid: Grid, univalued, diagonal, without_bg, *, caps: Capacity, batched):
    """:func:`objects` on one sample for grid capacities up to 32 × 32 (run by
    :func:`_in_chunks`; ``batched`` says which arguments vary over the batch).

    Returns ``(rows uint32[M], n int32[], sizes int32[K], ok bool[], overflow bool[])``,
    the rows packed by :func:`_pack_rows` (decoded by :func:`_unpack_rows` outside the
    chunk loop). Steps: colour table and background, positions, links, component labels,
    component order, packed rows (see the module docstring)."""
    cells = grid.cells
    H, W = cells.shape
    inside = grid_mask(grid)
    ok = (jnp.asarray(grid.h) > 0) & ~(without_bg & ~_has_cells(grid))
    fast = _fast_colours(cells, inside)
    table = _colour_table(cells, inside)
    bg = unless_fast(fast, _fast_background(table), lambda g: _background(g), grid)
    include = inside & (~without_bg | (cells != bg))
    drop_bg = without_bg & (jnp.arange(_NC) == bg.astype(_I32))
    position = unless_fast(fast, _fast_order(cells, jnp.where(drop_bg[:, None], 0, table), table)[0],
                           lambda g, inc: _general_order(g.cells, inc)[0], grid, include)
    links = _link_bits(cells, include, univalued, diagonal)
    label = _label_components(cells, include, univalued, diagonal, links, position, batched[2])
    dest, group, n_groups, sizes = _component_order(fast, cells, include, label, position,
                                                    min(caps.objects, H * W))
    out, n, sizes, overflow = _pack_rows(cells, include, dest, group, n_groups, sizes, caps)
    return out, n, sizes, ok, ok & overflow


def _partition_fast(grid: Grid, *, without_bg: bool, caps: Capacity, batched):
    """:func:`partition` (``without_bg`` static False) or :func:`fgpartition` (True) on one
    sample for grid capacities up to 32 × 32: the output row of a cell is its position
    (:func:`_fast_order`) and its group the rank of its colour. Returns ``(rows uint32[M],
    n int32[], sizes int32[K], overflow bool[])`` (:func:`_pack_rows`)."""
    cells = grid.cells
    inside = grid_mask(grid)
    fast = _fast_colours(cells, inside)
    table = _colour_table(cells, inside)
    include = inside
    if without_bg:
        bg = unless_fast(fast, _fast_background(table), lambda g: _background(g), grid)
        include = inside & (cells != bg)
        table = jnp.where((jnp.arange(_NC) == bg.astype(_I32))[:, None], 0, table)
    K = caps.objects
    position, rank, n_colours, sizes = _fast_order(cells, table)

    def general(g, inc):
        position, rank, n_colours, sizes = _general_order(g.cells, inc)
        return position, rank, n_colours, _fit(sizes, K, 0)

    position, rank, n_colours, sizes = unless_fast(
        fast, (position, rank, n_colours, _fit(sizes, K, 0)), general, grid, include)
    return _pack_rows(cells, include, position, rank, n_colours, sizes, caps)


# --------------------------------------------------------------------------- primitives


def objects(grid: Grid, univalued, diagonal, without_bg, *, caps: Capacity):
    """arc-dsl #90 ``objects`` (spec §4.8): connected components as Objects.

    Args:
      grid: Grid ``cells int8[H, W]`` (padding outside ``[0, h) × [0, w)`` ignored);
        univalued, diagonal, without_bg: Boolean ``bool[]`` (traced, batched or not; every
        combination is computed by masking, no branching on data).
    Returns:
      Objects ``Grouped(data int32[M, 3], group int32[M], n int32[], sizes int32[K])``
      (``M = caps.object_cells``, ``K = caps.objects``), rows ``(colour, i, j)``, objects
      and rows in canonical order, padding rows zero with ``group == K``. Cells of colour
      bg = ``mostcolor(grid)`` (the smallest most frequent colour, spec §5) are left out
      when ``without_bg``; neighbours are the 4 (8 with ``diagonal``) in-grid cells; two
      neighbouring included cells link when ``univalued`` is false or their colours are
      equal. (``univalued`` false without ``without_bg`` gives the whole grid as one
      object, as the reference's special case.)
    Flags:
      ``ok`` False on ``()`` (IndexError, or ValueError with ``without_bg``) and on a grid
      of empty rows with ``without_bg`` (ValueError); a grid of empty rows otherwise gives
      ``frozenset()``. ``overflow`` when there are more than ``K`` objects or more than
      ``M`` cells (the value is then meaningless).
    Dispatch (static, on the grid capacity ``H × W``): the fast path (:func:`_objects_fast`:
    bit tables, component labels by canonical position, counting instead of sorting,
    chunked under ``vmap``) when ``H, W ≤ 32``; the general path
    (:func:`_objects_general`: min-label components and a sort) otherwise. Both give
    identical arrays.
    """
    univalued = jnp.asarray(univalued, jnp.bool_)
    diagonal = jnp.asarray(diagonal, jnp.bool_)
    without_bg = jnp.asarray(without_bg, jnp.bool_)
    if not _fast_capable(grid.cells.shape):
        return _objects_general(grid, univalued, diagonal, without_bg, caps)
    out, n, sizes, ok, overflow = _in_chunks(functools.partial(_objects_fast, caps=caps))(
        grid, univalued, diagonal, without_bg)
    return result(_unpack_rows(out, n, sizes), ok, overflow)


def partition(grid: Grid, *, caps: Capacity):
    """arc-dsl #91 ``partition`` (spec §4.8): one Object per distinct cell value, holding
    every cell of that value.

    Args: grid Grid ``cells int8[H, W]`` (padding ignored).
    Returns: Objects ``Grouped(data int32[M, 3], group int32[M], n int32[], sizes
    int32[K])``, the objects in colour order (their canonical order, as they are
    disjoint), rows in canonical order, padding rows zero with ``group == K``. ``()`` and
    rows of ``()`` give ``frozenset()``.
    Flags: ``ok`` always True; ``overflow`` when more than ``K`` distinct values (or more
    than ``M`` cells).
    Dispatch (static, on the grid capacity): ``H, W ≤ 32`` the fast path
    (:func:`_partition_fast`: a cell's output row is its rank in a colour bit table, one
    scatter; a sort only when a cell value lies outside 0–9), else the general path
    (:func:`_partition_general`: one sort of the ``H·W`` cell keys).
    """
    if not _fast_capable(grid.cells.shape):
        return _partition_general(grid, False, caps)
    out, n, sizes, overflow = _in_chunks(functools.partial(_partition_fast, without_bg=False, caps=caps))(grid)
    return result(_unpack_rows(out, n, sizes), True, overflow)


def fgpartition(grid: Grid, *, caps: Capacity):
    """arc-dsl #92 ``fgpartition`` (spec §4.8): :func:`partition` without the object of bg =
    ``mostcolor(grid)`` (smallest most frequent value, spec §5).

    Args / Returns / dispatch: as :func:`partition`. A single-colour grid gives
    ``frozenset()``.
    Flags: ``ok`` False on a grid without cells (``()`` or rows of ``()``: ValueError);
    ``overflow`` when more than ``K`` objects (or ``M`` cells) remain.
    """
    if not _fast_capable(grid.cells.shape):
        return _partition_general(grid, True, caps)
    ok = _has_cells(grid)
    out, n, sizes, overflow = _in_chunks(functools.partial(_partition_fast, without_bg=True, caps=caps))(grid)
    return result(_unpack_rows(out, n, sizes), ok, ok & overflow)


def frontiers(grid: Grid, *, caps: Capacity):
    """arc-dsl #157 ``frontiers`` (spec §4.11): an Object per uniform row (the whole row)
    and per uniform column (the whole column); identical objects collapse.

    Args: grid Grid ``cells int8[H, W]``.
    Returns: Objects ``Grouped(int32[M, 3], int32[M], n, int32[K])``. Objects may overlap
    (a uniform row and a uniform column share their crossing cell). The canonical order
    is the order of the objects' first cells ``(colour, i, j)``: row ``i`` starts at
    ``(c, i, 0)``, column ``j`` at ``(c, 0, j)``; the only tie, row 0 against column 0,
    puts row 0 first (its second cell ``(c, 0, 1)`` precedes ``(c, 1, 0)``, or it is a
    proper prefix when ``w == 1``) except when ``h == 1``, where column 0 is a proper prefix
    of row 0; on a 1×1 grid the two are the same object and counted once.
    Flags: ``ok`` False on ``()`` (IndexError); rows of ``()`` give ``frozenset()``.
    ``overflow`` when more than ``K`` objects or ``M`` cells (impossible with the default
    capacities: at most 60 objects, 1800 cells). Cost: ``O(H·W)`` for the uniformity
    tests, a sort of the ``H + W`` candidates and a binary search per output row.
    """
    H, W = grid.cells.shape
    K, M = caps.objects, caps.object_cells
    h, w = jnp.asarray(grid.h, _I32), jnp.asarray(grid.w, _I32)
    inside = grid_mask(grid)
    cells = grid.cells
    rows_i = jnp.arange(H, dtype=_I32)
    cols_j = jnp.arange(W, dtype=_I32)
    row_uniform = (rows_i < h) & (w > 0) & jnp.all(~inside | (cells == cells[:, :1]), axis=1)
    col_uniform = (cols_j < w) & (h > 0) & jnp.all(~inside | (cells == cells[:1, :]), axis=0)
    col_uniform = col_uniform & ~((cols_j == 0) & (h == 1) & (w == 1))

    # Candidates: rows 0..H-1, then columns 0..W-1.
    is_row = jnp.concatenate([jnp.ones((H,), bool), jnp.zeros((W,), bool)])
    valid = jnp.concatenate([row_uniform, col_uniform])
    colour = from_cell(jnp.concatenate([cells[:, 0], cells[0, :]]))
    i0 = jnp.concatenate([rows_i, jnp.zeros((W,), _I32)])
    j0 = jnp.concatenate([jnp.zeros((H,), _I32), cols_j])
    size = jnp.where(is_row, w, h)
    first = (i0 == 0) & (j0 == 0)
    tie = jnp.where(first, jnp.where(is_row, h == 1, h != 1), False).astype(_I32)
    *_, perm = lax.sort(((~valid).astype(_I32), colour, i0, j0, tie, jnp.arange(H + W, dtype=_I32)),
                        num_keys=5)
    valid, is_row, colour, i0, j0 = valid[perm], is_row[perm], colour[perm], i0[perm], j0[perm]
    size = jnp.where(valid, size[perm], 0)
    n_groups = jnp.sum(valid, dtype=_I32)
    ends = cumsum_small(size)
    total = ends[-1]

    r = jnp.arange(M, dtype=_I32)
    g = jnp.searchsorted(ends, r, side="right").astype(_I32)
    gc = jnp.minimum(g, H + W - 1)
    offset = r - (ends[gc] - size[gc])
    used = (r < total) & (g < K)
    data = jnp.stack([colour[gc], jnp.where(is_row[gc], i0[gc], offset),
                      jnp.where(is_row[gc], offset, j0[gc])], axis=1)
    data = jnp.where(used[:, None], data, 0)
    group = jnp.where(used, g, K)
    sizes = _fit(size, K, 0)
    overflow = (n_groups > K) | (total > M)
    ok = jnp.asarray(grid.h) > 0
    return result(Grouped(data, group, jnp.minimum(n_groups, K), sizes), ok, ok & overflow)


def keep_groups(g: Grouped, keep: jax.Array) -> Grouped:
    """The inner sets of ``g`` where ``keep`` (``bool[K]``), in their order, renumbered;
    shapes unchanged, padding canonical. Shared with :mod:`jaxdsl.prims.sets` (the
    filters there: ``intersection``, ``difference``, ``dedupe``, ``remove`` of Grouped).

    Gathers, no scatter of the ``M`` rows: output row ``r`` belongs to the last non-empty
    kept set starting at or before ``r`` — a bit table of those starts (``⌈M/32⌉`` words,
    a scatter of ``K`` bits), its prefix popcounts and the popcount of row ``r``'s word
    below it — and reads input row ``old start + r − new start`` of that set (one gather of
    the ``M × F`` values). Empty kept sets own no row; they only take a number."""
    K = g.sizes.shape[0]
    M, F = g.data.shape
    Mw = -(-M // 32)
    keep = keep & (jnp.arange(K) < g.n)
    kept_sizes = jnp.where(keep, g.sizes, 0)
    new_id = jnp.where(keep, cumsum_small(keep.astype(_I32)) - 1, K)
    starts = group_starts(g)
    new_starts = cumsum_small(kept_sizes) - kept_sizes
    total = jnp.sum(kept_sizes)
    live = kept_sizes > 0
    live_rank = cumsum_small(live.astype(_I32)) - 1
    live_list = _scatter_set(jnp.zeros((K,), _I32), jnp.where(live, live_rank, K), jnp.arange(K, dtype=_I32))
    start_words = _scatter_add(jnp.zeros((Mw,), jnp.uint32), jnp.where(live, jnp.right_shift(new_starts, 5), Mw),
                               jnp.left_shift(jnp.uint32(1), (new_starts & 31).astype(jnp.uint32)))
    before = _excl_prefix(_popcount(start_words)[None, :])[0]
    r = jnp.arange(M, dtype=_I32)
    w = jnp.right_shift(r, 5)
    upto = _below(r & 31) | jnp.left_shift(jnp.uint32(1), (r & 31).astype(jnp.uint32))
    q = _take(before, w) + _popcount(_take(start_words, w) & upto) - 1
    k = _take(live_list, q)
    used = r < total
    src = _take(starts, k) + r - _take(new_starts, k)
    data = _take(g.data, src[:, None] * F + jnp.arange(F, dtype=_I32)[None, :])
    data = jnp.where(used[:, None], data, 0)
    group = jnp.where(used, _take(new_id, k), K)
    sizes = jnp.zeros((K,), _I32).at[new_id].set(g.sizes, mode="drop")
    return Grouped(data, group, jnp.sum(keep, dtype=_I32), sizes)


def _first_colour(g: Grouped) -> jax.Array:
    """``int32[K]``: colour of each inner set's first (smallest) cell — its ``color``."""
    starts = group_starts(g)
    return g.data[jnp.clip(starts, 0, g.data.shape[0] - 1), 0]


def _colorfilter(objs: Grouped, value, frozen_input: bool):
    K = objs.sizes.shape[0]
    live = jnp.arange(K) < objs.n
    ok = ~jnp.any(live & (objs.sizes == 0))
    kept = keep_groups(objs, _first_colour(objs) == jnp.asarray(value, _I32))
    return result(kept if frozen_input else canonical_groups(kept), ok)


def colorfilter(objs: Grouped, value):
    """arc-dsl #74 ``colorfilter`` (spec §4.6) on Objects: the objects whose colour (the
    colour of the first cell in canonical order = the smallest colour, spec §5) equals
    ``value``.

    Args: objs Objects ``Grouped(int32[M, 3], int32[M], n, int32[K])``; value Integer
    ``int32[]`` (``INT_NONE`` matches nothing).
    Returns: Objects of the same shapes; the kept objects keep their (canonical) order.
    ``ok`` False when ``objs`` holds an empty object (RuntimeError); never overflows.
    Cost: ``O(M)`` (compactions).
    """
    return _colorfilter(objs, value, True)


def colorfilter_tuple(objs: Grouped, value):
    """arc-dsl #74 ``colorfilter`` (spec §4.6) on a Tuple[Object]: as :func:`colorfilter`,
    the result a frozenset (duplicates dropped, canonical order).

    Args: objs Tuple[Object] ``Grouped``; value Integer ``int32[]``.
    Returns: Objects of the input's shapes. ``ok`` False when some object is empty
    (RuntimeError); never overflows (the kept objects are exactly ordered and deduplicated
    by :func:`canonical_groups`). Cost: ``O(M log M)`` per prefix doubling, at most
    ``⌈log2(largest object)⌉`` doublings.
    """
    return _colorfilter(objs, value, False)


def _sizefilter(container: Grouped, n, frozen_input: bool):
    kept = keep_groups(container, container.sizes == jnp.asarray(n, _I32))
    return result(kept if frozen_input else canonical_groups(kept))


def sizefilter(container: Grouped, n):
    """arc-dsl #75 ``sizefilter`` (spec §4.6) on Objects or IndicesSet: the inner sets with
    exactly ``n`` elements.

    Args: container ``Grouped`` (Objects rows ``int32[M, 3]`` / IndicesSet ``int32[M, 2]``);
    n Integer ``int32[]`` (``INT_NONE`` matches nothing; ``0`` keeps the empty inner set).
    Returns: the same type and shapes, kept sets in their order. ``ok`` always True; never
    overflows. Cost: ``O(M)``.
    """
    return _sizefilter(container, n, True)


def sizefilter_tuple(container: Grouped, n):
    """arc-dsl #75 ``sizefilter`` (spec §4.6) on Tuple[Object] / Tuple[Indices]: as
    :func:`sizefilter`, the result a frozenset (Objects / IndicesSet: duplicates dropped,
    canonical order).

    Returns: ``Grouped`` of the input's shapes. ``ok`` always True; never overflows (exact
    order and deduplication by :func:`canonical_groups`). Cost: as
    :func:`colorfilter_tuple`.
    """
    return _sizefilter(container, n, False)


SIGNATURES: dict[str, tuple[Signature, ...]] = {
    "objects": (Signature((GRID, BOOLEAN, BOOLEAN, BOOLEAN), OBJECTS, objects),),
    "partition": (Signature((GRID,), OBJECTS, partition),),
    "fgpartition": (Signature((GRID,), OBJECTS, fgpartition),),
    "frontiers": (Signature((GRID,), OBJECTS, frontiers),),
    "colorfilter": (
        Signature((OBJECTS, INTEGER), OBJECTS, colorfilter),
        Signature((TUPLE_OBJECT, INTEGER), OBJECTS, colorfilter_tuple),
    ),
    "sizefilter": (
        Signature((OBJECTS, INTEGER), OBJECTS, sizefilter),
        Signature((INDICES_SET, INTEGER), INDICES_SET, sizefilter),
        Signature((TUPLE_OBJECT, INTEGER), OBJECTS, sizefilter_tuple),
        Signature((TUPLE_INDICES, INTEGER), INDICES_SET, sizefilter_tuple),
    ),
}
"""Primitive name → its segmentation signatures (merged into ``jaxdsl.prims.REGISTRY``)."""
