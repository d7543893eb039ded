"""Higher-order primitives: the array side of arc-dsl's functions over containers
(arc-dsl #54–66 and the containers family's ``sfilter``, ``mfilter``, ``extract``,
``argmax``, ``argmin``, ``valmax``, ``valmin``, ``order``; spec §4.5, §4.2, §5).

A function value is static at trace time (:mod:`compiler.functions` holds its structure
and its captured traced values); these kernels receive it as a plain Python callable
``f(element) -> (value, ok, overflow)`` on *unbatched* elements and map it over a
container's padded elements with ``jax.vmap``, masked to the elements that exist. The
compiler vmaps the whole op over samples as usual.

Containers as element batches (:func:`elements` / :func:`collect`):

==================================  ===========================  ============================
container (type table)              element batch                element value
==================================  ===========================  ============================
Elems, F = 1 (IntegerSet, Tuple[…])  ``int32[N]`` (``bool[N]``)   Integer / Boolean
Elems, F = 2 / 3                    ``int32[N, F]``              IntegerTuple / Cell
Grouped (Objects, IndicesSet, …)    Elems ``int32[K, P, F]``     Object / Indices at ``P = min(patch, object_cells)``
GridTuple                           Grid ``int8[G, H, W]``       Grid
PairTuple (Samples, ``S``)          GridTuple ``[K, 2, H, W]``   Tuple[Grid], 2 grids
==================================  ===========================  ============================

Element ``k`` of a frozenset is its ``k``-th in canonical order (the stored order), of a
tuple its ``k``-th. An inner set of a Grouped with more than ``P`` rows cannot be held
as a standalone Object / Indices: ``overflow``. :func:`collect` builds the result
container of a given kind and element type from a masked element batch (frozensets:
canonical order, duplicates removed; tuples: batch order) and sets ``overflow`` when it
does not fit the capacities.

Flags. Like the reference, a higher-order primitive raises when ``f`` raises on any
element it is applied to: ``ok`` is the AND of ``f``'s ``ok`` over the existing
elements; ``overflow`` is the OR of their overflows and the container's own.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from jaxdsl import containers as C
from jaxdsl import types as T
from jaxdsl.values import INT_EMPTY, Capacity, Grid, int_truthy

_I32 = jnp.int32

ElementFn = Callable[[Any], tuple]
"""``f(element) -> (value, ok bool[], overflow bool[])`` on one unbatched element."""

KEY_TYPES = frozenset({T.INTEGER, T.BOOLEAN})
"""Key types ``argmax``/``argmin``/``valmax``/``valmin``/``order`` compare (as int32)."""


MAPPABLE = T.CONTAINERS + (T.SAMPLES,)
"""The containers higher-order primitives map over and build: the container families'
types and Samples (tuples of Tuple[Grid] pairs)."""


def container_type(kind: str, element: str) -> str | None:
    """The type-table container of ``kind`` (``"frozenset"``/``"tuple"``) with elements of
    type ``element``, or None when the type table has none (e.g. a frozenset of Grids).
    A tuple of Tuple[Grid] is a Samples (it holds pairs only: :func:`collect`)."""
    for name in MAPPABLE:
        t = T.TYPES[name]
        if t.kind == kind and t.element == element:
            return name
    return None


def element_capacity(caps: Capacity) -> int:
    """Rows ``P`` of an Object / Indices element taken out of a Grouped container."""
    return min(caps.patch, caps.object_cells)


def is_container(dsl_type: str) -> bool:
    """True for the container types whose elements higher-order primitives can map over."""
    return dsl_type in MAPPABLE


def elements(ctype: str, value: Any, caps: Capacity):
    """Unstack a container into its element batch.

    Args:
      ctype: a container type of :data:`MAPPABLE`; value: its JAX value.
    Returns:
      ``(batch, mask bool[N], overflow bool[])``: the element values batched on axis 0
      (table in the module docstring), which of them exist, and whether some element
      cannot be held at its element capacity (an inner set larger than ``P``).
    """
    t = T.TYPES[ctype]
    if t.jax_class is C.Elems:
        N = value.data.shape[0]
        mask = jnp.arange(N) < value.n
        if t.row_width == 1:
            batch = value.data[:, 0]
            if t.element == T.BOOLEAN:
                batch = batch != 0
            return batch, mask, jnp.asarray(False)
        return value.data, mask, jnp.asarray(False)
    if t.jax_class is C.Grouped:
        M = value.data.shape[0]
        K = value.sizes.shape[0]
        P = element_capacity(caps)
        starts = C.group_starts(value)
        idx = starts[:, None] + jnp.arange(P)[None, :]
        inside = jnp.arange(P)[None, :] < value.sizes[:, None]
        data = jnp.where(inside[..., None], value.data[jnp.clip(idx, 0, M - 1)], 0)
        mask = jnp.arange(K) < value.n
        over = jnp.any(mask & (value.sizes > P))
        return C.Elems(data, jnp.minimum(value.sizes, P)), mask, over
    if t.jax_class is C.GridTuple:
        G = value.cells.shape[0]
        return Grid(value.cells, value.h, value.w), jnp.arange(G) < value.n, jnp.asarray(False)
    if t.jax_class is C.PairTuple:
        K = value.cells.shape[0]
        pairs = C.GridTuple(value.cells, value.h, value.w, jnp.full((K,), 2, _I32))
        return pairs, jnp.arange(K) < value.n, jnp.asarray(False)
    raise TypeError(f"{ctype} is not a container of the type table")


def take(batch: Any, k) -> Any:
    """Element ``k`` (a traced index) of an element batch."""
    return jax.tree_util.tree_map(lambda a: a[k], batch)


def collect(kind: str, etype: str, batch: Any, keep: jax.Array, caps: Capacity,
            canonical: bool = True):
    """Build a container of ``kind`` with elements of type ``etype`` from an element batch.

    Args:
      kind: ``"frozenset"`` or ``"tuple"``; etype: the elements' DSL type;
      batch: element values batched on axis 0 (``[L, ...]``; Object / Indices elements as
        an Elems batch ``int32[L, P, F]``); keep: ``bool[L]``, the elements to put in, in
        batch order.
      canonical: False when the kept elements are already distinct and in canonical order
        (a subset of a frozenset, kept in its order: ``sfilter``), or when only the union
        of a frozenset of sets is wanted (``mapply`` / ``mfilter`` merge it next): a
        frozenset is then built by an order-preserving compaction, without the sort or
        the ranking of its inner sets. Overflow is decided the same way.
    Returns:
      ``(ctype, value, overflow)``: the container type, its value (frozensets in canonical
      order without duplicates, tuples in batch order) and whether it does not fit the
      capacities (``tuple`` / ``patch`` rows, ``objects`` × ``object_cells``, ``grids``;
      a Samples also when a kept element is not a pair of grids of at most ``caps.grid``).
    Raises:
      TypeError: the type table has no container of ``kind`` with ``etype`` elements.
    """
    ctype = container_type(kind, etype)
    if ctype is None:
        raise TypeError(f"no JAX representation for a {kind} of {etype}")
    t = T.TYPES[ctype]
    if t.jax_class is C.Elems:
        F = t.row_width
        rows = jnp.reshape(jnp.asarray(batch).astype(_I32), (keep.shape[0], F))
        cap = C.elems_capacity(F, caps)
        if t.frozen and canonical:
            e, over = C.make_set(rows, keep, cap)
            return ctype, e, over
        data, n, over = C.compact(rows, keep, cap)
        return ctype, C.Elems(data, n), over
    if t.jax_class is C.Grouped:
        return ctype, *_to_grouped(batch, keep, t.frozen and canonical, caps)
    if t.jax_class is C.PairTuple:
        return ctype, *_to_samples(batch, keep, caps)
    cells, n, over = C.compact(batch.cells, keep, caps.grids)
    h, _, _ = C.compact(batch.h, keep, caps.grids)
    w, _, _ = C.compact(batch.w, keep, caps.grids)
    return ctype, C.GridTuple(cells, h, w, n), over


def _to_samples(batch: C.GridTuple, keep: jax.Array, caps: Capacity):
    """A Samples (:class:`~jaxdsl.containers.PairTuple` of ``caps.grids`` pairs at grid
    capacity ``caps.grid``) from a Tuple[Grid] batch ``int8[L, G, H0, W0]``, kept elements
    in batch order. Overflow when more than ``caps.grids`` are kept, or a kept element is
    not exactly two grids or has a grid larger than ``caps.grid``."""
    L, G, H0, W0 = batch.cells.shape
    H, W = caps.grid
    cells = batch.cells[:, :2, :H, :W]
    h, w = batch.h[:, :2], batch.w[:, :2]
    if G < 2:                                     # never a pair: only n == 2 is kept below
        cells = jnp.pad(cells, [(0, 0), (0, 2 - G), (0, 0), (0, 0)])
        h, w = jnp.pad(h, [(0, 0), (0, 2 - G)]), jnp.pad(w, [(0, 0), (0, 2 - G)])
    cells = jnp.pad(cells, [(0, 0), (0, 0), (0, H - cells.shape[2]), (0, W - cells.shape[3])])
    bad = (batch.n != 2) | jnp.any((h > H) | (w > W), axis=1)
    cells, n, over = C.compact(cells, keep, caps.grids)
    h, _, _ = C.compact(h, keep, caps.grids)
    w, _, _ = C.compact(w, keep, caps.grids)
    return C.PairTuple(cells, h, w, n), over | jnp.any(keep & bad)


def _to_grouped(batch: C.Elems, keep: jax.Array, frozen: bool, caps: Capacity):
    """Flatten an Elems batch ``int32[L, P, F]`` into a Grouped of ``caps.objects`` ×
    ``caps.object_cells`` (kept elements in batch order, then canonical for a frozenset).

    Built by a gather: output row ``m`` is row ``m - start[k]`` of the kept element ``k``
    whose rows cover ``m`` (a binary search of the ``L`` row ends; 7× faster on XLA:CPU
    than scattering all ``L × P`` rows at ``L = 64``, ``P = 256``)."""
    L, P, F = batch.data.shape
    K, M = caps.objects, caps.object_cells
    sizes = jnp.where(keep, jnp.minimum(batch.n, P), 0)
    rank = jnp.where(keep, C.prefix_sum(keep) - 1, K)
    count = jnp.sum(keep, dtype=_I32)
    ends = C.prefix_sum(sizes)
    total = ends[-1]
    m = jnp.arange(M, dtype=_I32)
    k = jnp.minimum(C.search_sorted(ends, m, side="right"), L - 1)
    row = jnp.clip(m - (ends[k] - sizes[k]), 0, P - 1)
    live = (m < total) & (rank[k] < K)
    data = jnp.where(live[:, None], batch.data[k, row], 0)
    group = jnp.where(live, rank[k], K)
    gsizes = jnp.zeros((K,), _I32).at[rank].set(sizes, mode="drop")
    over = (count > K) | (total > M)
    g = C.Grouped(data, group, jnp.minimum(count, K), gsizes)
    if frozen:
        g = C.canonical_groups(g)
    return g, over


MAP_BUDGET = 4 << 20
"""Bytes of intermediate results per sample that one map over a container's elements may
produce (every array the mapped function computes, nested maps included, times the
elements mapped). A container with more elements than the budget allows is mapped over
its first ones only and sets ``overflow`` when it has more (the runner re-runs such
pairs exactly). Padded containers make nested and pairwise work scale with capacities,
not contents: ``apply(lbind(argmin, box), objs)`` with ``manhattan`` inside computes
64 × 256 × 256² distances per sample, and before this bound one op of a real solver
asked for 26 GB at batch 64."""


def _nbytes(tree) -> int:
    return sum(int(np.prod(x.shape)) * np.dtype(x.dtype).itemsize for x in jax.tree_util.tree_leaves(tree))


def _jaxpr_bytes(jaxpr) -> int:
    """Bytes of every intermediate array of ``jaxpr`` (sub-jaxprs of loops, conditionals
    and calls counted once)."""
    total = 0
    for eqn in jaxpr.eqns:
        total += sum(_nbytes(v.aval) for v in eqn.outvars if hasattr(v.aval, "shape"))
        for param in eqn.params.values():
            for sub in param if isinstance(param, (tuple, list)) else (param,):
                inner = getattr(sub, "jaxpr", sub)
                if hasattr(inner, "eqns"):
                    total += _jaxpr_bytes(inner)
    return total


def _element_budget(fn: Callable, example: tuple) -> int:
    """How many calls of ``fn`` a map may batch: :data:`MAP_BUDGET` over the bytes one
    call computes (measured on its jaxpr, traced once at compile time)."""
    per = _jaxpr_bytes(jax.make_jaxpr(fn)(*example).jaxpr) + _nbytes(example)
    return max(1, MAP_BUDGET // max(per, 1))


def _first_elements(batch, mask, count: int):
    """The first ``count`` elements of a batch; overflow when a later one exists."""
    L = mask.shape[0]
    if L <= count:
        return batch, mask, jnp.asarray(False)
    return take(batch, jnp.arange(count)), mask[:count], jnp.any(mask[count:])


def map_elements(f: ElementFn, batch: Any, mask: jax.Array):
    """``f`` on every element of ``batch`` (vmapped) within :data:`MAP_BUDGET`.

    Returns ``(values, ok, overflow, all_ok, any_overflow, batch, mask)``: per element
    results and flags, the flags reduced over the masked elements (``any_overflow`` also
    when elements beyond the budget exist), and the batch and mask cut to the budget."""
    count = _element_budget(f, (take(batch, 0),))
    batch, mask, cut = _first_elements(batch, mask, count)
    values, ok, over = jax.vmap(f)(batch)
    return values, ok, over, jnp.all(ok | ~mask), jnp.any(over & mask) | cut, batch, mask


# ------------------------------------------------------------------------ the primitives


def apply(f: ElementFn, etype_out: str, ctype: str, container: Any, caps: Capacity,
          canonical: bool = True):
    """arc-dsl #61 ``apply(function, container)`` (spec §4.5): ``f`` on every element, as
    a container of the input's kind (a frozenset merges equal results).

    ``canonical=False`` (``mapply``, which merges the result next): a frozenset result keeps
    the elements in container order, duplicates included (see :func:`collect`).

    Returns ``(result type, value, ok, overflow)``; ok is False where ``f`` is on some element."""
    batch, mask, over = elements(ctype, container, caps)
    values, _, _, ok, f_over, batch, mask = map_elements(f, batch, mask)
    rtype, value, c_over = collect(T.TYPES[ctype].kind, etype_out, values, mask, caps, canonical)
    return rtype, value, ok, over | f_over | (ok & c_over)


def sfilter(f: ElementFn, ctype: str, container: Any, caps: Capacity):
    """arc-dsl ``sfilter(container, condition)`` (spec §4.2): the elements where ``f`` is
    true, same type. ``f`` must return a Boolean (or Integer: Python truthiness, so 0 and
    ``None`` drop the element; :func:`jaxdsl.values.int_truthy`)."""
    batch, mask, over = elements(ctype, container, caps)
    keep, _, _, ok, f_over, batch, mask = map_elements(f, batch, mask)
    keep = int_truthy(keep) & mask
    t = T.TYPES[ctype]
    # a subset of a container kept in its order is still canonical (frozensets)
    _, value, c_over = collect(t.kind, t.element, batch, keep, caps, canonical=False)
    return value, ok, over | f_over | (ok & c_over)


def extract(f: ElementFn, ctype: str, container: Any, caps: Capacity):
    """arc-dsl ``extract(container, condition)`` (spec §4.2): the first element (canonical
    order for a frozenset) where ``f`` is true; not ok when there is none (StopIteration).

    A tuple stops at the first match in the reference, so ``f`` raising on a later element
    does not make it fail; a frozenset tests every element."""
    batch, mask, over = elements(ctype, container, caps)
    count = _element_budget(f, (take(batch, 0),))
    batch, mask, cut = _first_elements(batch, mask, count)
    over = over | cut
    hit, f_ok, f_over = jax.vmap(f)(batch)
    hit = int_truthy(hit) & mask & f_ok
    first = jnp.argmax(hit)
    found = jnp.any(hit)
    idx = jnp.arange(mask.shape[0])
    if T.TYPES[ctype].frozen:
        tested = mask
    else:
        tested = mask & (idx <= jnp.where(found, first, mask.shape[0]))
    ok = found & jnp.all(f_ok | ~tested)
    return take(batch, first), ok, over | jnp.any(f_over & tested)


def _keys(f: ElementFn, batch, mask):
    keys, ok, over, all_ok, any_over, batch, mask = map_elements(f, batch, mask)
    return jnp.asarray(keys).astype(_I32), all_ok, any_over, batch, mask


def _key_valid(keys, mask):
    # comparing None / () with anything raises TypeError once there are two elements
    return (jnp.sum(mask) < 2) | jnp.all((keys > INT_EMPTY) | ~mask)


def arg_extreme(f: ElementFn, ctype: str, container: Any, caps: Capacity, largest: bool):
    """arc-dsl ``argmax`` / ``argmin(container, compfunc)`` (spec §4.2): the first element
    (iteration order; canonical for a frozenset) whose key ``f(e)`` is largest / smallest.
    Not ok on an empty container (ValueError) or where ``f`` is not ok."""
    batch, mask, over = elements(ctype, container, caps)
    keys, ok, f_over, batch, mask = _keys(f, batch, mask)
    sign = -1 if largest else 1
    big = jnp.iinfo(_I32).max
    best = jnp.argmin(jnp.where(mask, sign * keys, big))
    ok = ok & jnp.any(mask) & _key_valid(keys, mask)
    return take(batch, best), ok, over | f_over


def val_extreme(f: ElementFn, f_zero, ctype: str, container: Any, caps: Capacity, largest: bool):
    """arc-dsl ``valmax`` / ``valmin(container, compfunc)`` (spec §4.2): the largest /
    smallest key ``f(e)``; on an empty container ``f(0)`` (``f_zero``: its triple, or None
    when ``f`` cannot take an Integer — then not ok, as the reference raises)."""
    batch, mask, over = elements(ctype, container, caps)
    keys, ok, f_over, batch, mask = _keys(f, batch, mask)
    reduce = jnp.max if largest else jnp.min
    fill = jnp.iinfo(_I32).min if largest else jnp.iinfo(_I32).max
    best = reduce(jnp.where(mask, keys, fill))
    empty = ~jnp.any(mask)
    ok = ok & _key_valid(keys, mask)
    if f_zero is None:
        return best, ok & ~empty, over | f_over
    z, z_ok, z_over = f_zero
    value = jnp.where(empty, jnp.asarray(z).astype(_I32), best)
    return value, jnp.where(empty, z_ok, ok), jnp.where(empty, z_over, over | f_over)


def order(f: ElementFn, ctype: str, container: Any, caps: Capacity):
    """arc-dsl ``order(container, compfunc)`` (spec §4.2): the elements as a tuple sorted
    by key ``f(e)``, stable (ties keep iteration order; canonical for a frozenset)."""
    batch, mask, over = elements(ctype, container, caps)
    keys, ok, f_over, batch, mask = _keys(f, batch, mask)
    ok = ok & _key_valid(keys, mask)
    perm = C.lex_order([(~mask).astype(_I32), keys, jnp.arange(mask.shape[0], dtype=_I32)])
    t = T.TYPES[ctype]
    rtype, value, c_over = collect("tuple", t.element, take(batch, perm), mask[perm], caps)
    return rtype, value, ok, over | f_over | c_over


def papply(f2: Callable, etype_out: str, atype: str, a: Any, btype: str, b: Any, caps: Capacity):
    """arc-dsl #64 ``papply(function, a, b)`` (spec §4.5): the tuple of ``f(a[k], b[k])``
    up to the shorter length (frozensets walked in canonical order)."""
    xa, ma, oa = elements(atype, a, caps)
    xb, mb, ob = elements(btype, b, caps)
    L = min(ma.shape[0], mb.shape[0], _element_budget(f2, (take(xa, 0), take(xb, 0))))
    cut = jnp.any(ma[L:]) & jnp.any(mb[L:])
    xa, xb = take(xa, jnp.arange(L)), take(xb, jnp.arange(L))
    mask = ma[:L] & mb[:L]
    oa = oa | cut
    values, ok, over = jax.vmap(f2)(xa, xb)
    all_ok = jnp.all(ok | ~mask)
    rtype, value, c_over = collect("tuple", etype_out, values, mask, caps)
    # inputs longer than L cannot exist: L is the smaller capacity
    return rtype, value, all_ok, oa | ob | jnp.any(over & mask) | (all_ok & c_over)


PRODUCT_SIDE = 16
"""Elements of each argument ``prapply`` pairs up (a static bound: the product is built
in full; fewer when :data:`MAP_BUDGET` says so); an argument with more sets ``overflow``."""


def prapply(f2: Callable, etype_out: str, atype: str, a: Any, btype: str, b: Any, caps: Capacity):
    """arc-dsl #66 ``prapply(function, a, b)`` (spec §4.5): the frozenset of ``f(x, y)``
    over every ``x`` of ``a`` and ``y`` of ``b``. Each argument may have at most
    :data:`PRODUCT_SIDE` elements (else ``overflow``)."""
    xa, ma, oa = elements(atype, a, caps)
    xb, mb, ob = elements(btype, b, caps)
    pairs = _element_budget(f2, (take(xa, 0), take(xb, 0)))
    side = max(1, min(PRODUCT_SIDE, int(pairs ** 0.5)))
    xa, ma, la = _first_elements(xa, ma, side)
    xb, mb, lb = _first_elements(xb, mb, side)
    oa, ob = oa | la, ob | lb
    values, ok, over = jax.vmap(lambda x: jax.vmap(lambda y: f2(x, y))(xb))(xa)
    mask = ma[:, None] & mb[None, :]
    flat = lambda t: jax.tree_util.tree_map(lambda v: v.reshape((-1,) + v.shape[2:]), t)
    all_ok = jnp.all(ok | ~mask)
    rtype, value, c_over = collect("frozenset", etype_out, flat(values), mask.reshape(-1), caps)
    return rtype, value, all_ok, oa | ob | jnp.any(over & mask) | (all_ok & c_over)
