"""Measurements, corners and predicates of patches: arc-dsl #78–81 (corners, spec §4.7),
#93–105 (extremes, predicates, manhattan, adjacent, centerofmass, spec §4.9), #106–108
(palette, numcolors, color), #67–73 and #20 on patches (mostcolor, leastcolor, height,
width, shape, portrait, colorcount, size, spec §4.6 / §4.2), #134 center, #135 position,
#151 gravitate and #159–160 hperiod / vperiod (spec §4.11).

Values (see :mod:`jaxdsl.containers`): a patch is an :class:`~jaxdsl.containers.Elems`,
Indices ``data int32[P, 2]`` rows ``(i, j)`` or Object ``data int32[P, 3]`` rows
``(colour, i, j)``, rows ``< n`` valid, in canonical (lexicographic) order, rows ``≥ n``
zero. Which kind it is is static: the row width ``F`` (2 or 3), so one function serves
the Indices and the Object signature of a primitive. Coordinates are unconstrained int32
(``|x| < INT_LIMIT``). Every function is unbatched and returns ``result(value, ok,
overflow)``.

Shared semantics (all from the reference, ``jaxdsl.reference.patches`` / ``measures`` /
``objects``):

* **Positions.** Geometry reads ``toindices``: an Object's positions, with several
  colours at one position collapsing to one. Counts (``size``, ``square``, ``vline``,
  ``hline``, the ``N`` of ``centerofmass``) read *elements*, so such positions count once
  per colour.
* **First components.** ``mostcolor``, ``leastcolor``, ``palette``, ``numcolors`` and
  ``colorcount`` count the first component of each element: colours of an Object, *row
  indices* of Indices (spec §4.6); ties pick the smallest value (spec §5).
* **Empty patch.** Corners and ``centerofmass`` give ``()`` (IntegerTuple of two
  ``INT_EMPTY``), ``ok`` True; extremes, ``center``, ``position``, ``manhattan``,
  ``adjacent``, ``gravitate``, ``color``, ``mostcolor`` and ``leastcolor`` are not ok
  (ValueError / StopIteration); ``height``/``width`` give 0, ``square`` True, lines False,
  ``hperiod``/``vperiod`` 0.
* **Overflow.** Results are exact while ``< INT_LIMIT``: ``height``/``width``/``shape``
  (an extent can reach 2**31 − 1), ``manhattan`` (up to 2**32 − 4, computed in uint32)
  and ``hperiod``/``vperiod`` set ``overflow`` beyond; ``palette`` when more than
  ``caps.tuple`` distinct values. Nothing else can overflow.

Cost. Patches hold up to P = 1024 rows, so every primitive is O(P) on its common path
and avoids O(P²). A fast path covers what arc-dsl meets on 30×30 grids; an exact
fallback covers everything else and runs under :func:`_only_if`, a ``while_loop`` of at
most one iteration whose body executes only when some sample of the vmapped batch needs
it (``lax.cond`` under ``vmap`` would compute both branches for every sample):

* ``mostcolor``/``leastcolor``/``palette``/``numcolors``: a scatter-add histogram of the
  first components over the :data:`BINS` values from their minimum; fallback: run lengths
  of the (already ascending) first column, ``cumsum`` + segment sum.
* ``hmatching``/``vmatching``: one uint32 word per patch when the row (column) indices
  span ≤ 32 values; fallback: one sort of both sides tagged by side, O(P log P).
* ``manhattan``/``adjacent``: when both patches fit one :data:`WINDOW` × :data:`WINDOW`
  box, row-word bitmaps; adjacency is "no overlap and one L1 dilation meets", the
  distance the number of dilations until they meet (a ``while_loop`` of ≤ 2·WINDOW word
  steps). Fallbacks: adjacency by five binary-searched membership queries (O(P log P));
  the distance by an exact pairwise minimum in CHUNK × CHUNK blocks (O(Na·Nb), bounded
  working set; the one fallback whose cost grows with the patch sizes — a batch holding
  one wide pair of large patches pays its block steps for every sample).
* ``gravitate``: after mapping the direction of travel onto +rows (swap / negate
  coordinates), the only offsets ``d − s`` that matter have a column offset in {−1, 0, 1}
  and a row offset in [−1, 42]; in the window they come from a bit-parallel
  cross-correlation of per-column uint32 masks (O(WINDOW²) word ops), otherwise from one
  binary search per source cell in the destination's sorted positions, reading the ≤ 44
  candidates after it (O(P log P + 132·P)). All 42 shifts are then tested at once.
* ``hperiod``/``vperiod``: each (colour, row) line (resp. (colour, column)) of the
  normalized object is a uint32 mask; ``p`` holds iff ``(mask >> p) & ~mask == 0`` on
  every line (31 × 512 word ops). Fallback (extent > 32 or spread colours): sort into
  lines and try only the possible candidates (offsets from the farthest cell's line),
  each by a per-line binary search.
* ``centerofmass`` of an Object dedupes positions on a WINDOW² bitmap; fallback: a sort.

XLA:CPU notes measured while writing this module (2-core CPU, vmapped over 2048
samples): sibling reductions are slow, so they go through one variadic ``lax.reduce``
(:func:`_reduce`); ``_only_if`` needs an ``optimization_barrier`` (else the body is
hoisted out of the loop) and whole ``data`` arrays as arguments (not column slices).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxdsl.containers import (Elems, compact, lex_order, make_set, patch_bounds, patch_positions, prefix_sum,
                               ranges, reduce_many, row_mask)
from jaxdsl.prims import Signature
from jaxdsl.types import BOOLEAN, GRID, INDICES, INTEGER, INTEGER_SET, INTEGER_TUPLE, OBJECT
from jaxdsl.values import (
    INT_EMPTY, INT_LIMIT, Capacity, Grid, from_cell, grid_mask, int_overflow, result,
)

_PATCHES = (INDICES, OBJECT)

BINS = 64
"""Width of the value window of the colour histograms (mostcolor, palette, ...) of a patch;
first components spread wider take an exact run-length fallback."""

WINDOW = 32
"""Side of the dense box used by manhattan / adjacent / gravitate (and the word width of
the hperiod / vperiod line masks): patches inside a 30×30 grid always fit."""

CHUNK = 32
"""Block side (rows of each patch) of the exact pairwise fallback."""

_I32_MAX = np.int32(np.iinfo(np.int32).max)
_U32_MAX = np.uint32(np.iinfo(np.uint32).max)
_SHIFTS = 42
"""gravitate tries ``k = 0 … 41`` steps and answers 42 when none is adjacent."""


# ------------------------------------------------------------------------------ helpers


def _is_object(patch: Elems) -> bool:
    return patch.data.shape[1] == 3


def _extent(lo, hi, nonempty):
    """``hi − lo + 1`` (≤ 2**31 − 1, no wrap for valid coordinates), 0 when empty."""
    return jnp.where(nonempty, hi - lo + 1, 0)


def _hw(patch: Elems):
    top, left, bottom, right = patch_bounds(patch)
    ne = patch.n > 0
    return _extent(top, bottom, ne), _extent(left, right, ne), ne


def _empty_tuple():
    return jnp.full((2,), INT_EMPTY, jnp.int32)


def _run_counts(patch: Elems):
    """Run structure of the (ascending) first components, exact for any int32 values (one
    ``cumsum`` and one segment sum, O(P)). Returns ``(first int32[P], valid bool[P],
    start bool[P], count int32[P])``: ``start`` marks the first valid row of each
    distinct value, ``count[r]`` the number of rows holding ``first[r]``.
    """
    first = patch.data[:, 0]
    valid = row_mask(patch)
    P = first.shape[0]
    prev_same = jnp.concatenate([jnp.zeros((1,), bool), first[1:] == first[:-1]])
    start = valid & ~prev_same
    run_id = jnp.where(valid, prefix_sum(start) - 1, P)
    counts = jax.ops.segment_sum(valid.astype(jnp.int32), run_id, num_segments=P + 1)
    return first, valid, start, counts[run_id]


def _first_hist(patch: Elems):
    """Histogram of the first components over the :data:`BINS` values from their minimum.

    Returns ``(first int32[P], valid bool[P], lo int32[], hist int32[BINS], fits bool[])``:
    ``hist[b]`` counts the elements whose first component is ``lo + b``; ``fits`` when
    every value lies in that window (always for colours 0–9 and rows of a 30×30 grid; an
    empty patch fits). When not, callers use :func:`_run_counts` under :func:`_only_if`.
    """
    first = patch.data[:, 0]
    valid = row_mask(patch)
    ((lo, hi),) = ranges((first,), valid)
    fits = (patch.n == 0) | (hi - lo < BINS)
    index = jnp.where(valid & fits, first - lo, BINS)
    hist = jnp.zeros((BINS + 1,), jnp.int32).at[index].add(1, mode="drop")[:BINS]
    return first, valid, lo, hist, fits


def _grid_histogram(grid: Grid) -> jax.Array:
    """``int32[256]``: cells inside the grid holding each int8 value ``bin − 128``."""
    index = grid.cells.astype(jnp.int32).reshape(-1) + 128
    inside = grid_mask(grid).reshape(-1).astype(jnp.int32)
    return jnp.zeros(256, jnp.int32).at[index].add(inside)


def _center(patch: Elems):
    """``(ci, cj, nonempty)``: ``uppermost + height // 2``, ``leftmost + width // 2``."""
    top, left, bottom, right = patch_bounds(patch)
    ne = patch.n > 0
    h, w = _extent(top, bottom, ne), _extent(left, right, ne)
    return top + h // 2, left + w // 2, ne


def _only_if(need, fn, args, default):
    """``fn(*args)`` where ``need``, else ``default`` (same pytree structure as the result).

    A ``lax.while_loop`` of at most one iteration: under ``vmap`` its body runs only when
    some sample of the batch needs it (a ``lax.cond`` would turn into computing both
    branches for every sample). ``args`` travel in the loop state behind an
    ``optimization_barrier`` tied to the loop flag; otherwise XLA hoists the
    loop-invariant body out of the loop and runs it always (measured: a sort inside cost
    the same as outside until the barrier was added). Pass whole patches (their ``data``
    arrays) in ``args``, not column slices: materializing a strided column for the loop
    state cost about 30 µs per vmapped sample, the whole array nothing measurable.
    """
    def body(state):
        _, carried, _ = state
        inputs, _ = lax.optimization_barrier((carried, state[0]))
        return jnp.asarray(True), carried, fn(*inputs)

    return lax.while_loop(lambda s: need & ~s[0], body, (jnp.asarray(False), args, default))[2]


def _or_reduce(bits):
    return lax.reduce(bits, jnp.uint32(0), lax.bitwise_or, (0,))


def _word(x, valid, lo):
    """``uint32[]`` with bit ``x − lo`` set for every valid ``x`` with ``0 ≤ x − lo < 32``."""
    off = x - lo
    inside = valid & (off >= 0) & (off < 32)
    return _or_reduce(jnp.where(inside, jnp.left_shift(jnp.uint32(1), jnp.clip(off, 0, 31).astype(jnp.uint32)),
                                jnp.uint32(0)))


def _matching(a: Elems, b: Elems, axis: int) -> jax.Array:
    """``bool[]``: some row (axis 0) or column (axis 1) index occurs in both patches;
    False if one is empty.

    When all those indices lie in 32 consecutive integers: one uint32 word per patch
    (O(P)). Otherwise (run only when needed, :func:`_only_if`): one sort of both sides'
    values tagged by side, then a look for equal neighbours from different sides,
    O(P log P).
    """
    xa, xb = patch_positions(a)[axis], patch_positions(b)[axis]
    va, vb = row_mask(a), row_mask(b)
    ((lo_a, hi_a),), ((lo_b, hi_b),) = ranges((xa,), va), ranges((xb,), vb)
    lo, hi = jnp.minimum(lo_a, lo_b), jnp.maximum(hi_a, hi_b)
    fits = hi - lo < 32
    fast = (_word(xa, va, lo) & _word(xb, vb, lo)) != 0

    def exact(a, b):
        keys = jnp.concatenate([jnp.where(row_mask(a), patch_positions(a)[axis], _I32_MAX),
                                jnp.where(row_mask(b), patch_positions(b)[axis], _I32_MAX)])
        side = jnp.concatenate([jnp.zeros(a.data.shape[:1], jnp.int32),
                                jnp.ones(b.data.shape[:1], jnp.int32)])
        keys, side = lax.sort((keys, side), num_keys=2)
        same = (keys[1:] == keys[:-1]) & (side[1:] != side[:-1]) & (keys[1:] != _I32_MAX)
        return jnp.any(same)

    both = (a.n > 0) & (b.n > 0)
    slow = _only_if(both & ~fits, exact, (a, b), jnp.asarray(False))
    return both & jnp.where(fits, fast, slow)


def _window(pa, qa, va, pb, qb, vb):
    """Origin and fit of the union of two coordinate sets in a WINDOW × WINDOW box.

    Returns ``(p0, q0, fits)``: ``fits`` when both extents are ≤ WINDOW (needs both sets
    non-empty to be meaningful).
    """
    (pa0, pa1), (qa0, qa1) = ranges((pa, qa), va)
    (pb0, pb1), (qb0, qb1) = ranges((pb, qb), vb)
    p0, p1 = jnp.minimum(pa0, pb0), jnp.maximum(pa1, pb1)
    q0, q1 = jnp.minimum(qa0, qb0), jnp.maximum(qa1, qb1)
    return p0, q0, (p1 - p0 < WINDOW) & (q1 - q0 < WINDOW)


def _bitmap(p, q, valid):
    """``bool[WINDOW, WINDOW]`` with True at ``(p, q)`` of the valid rows (others dropped)."""
    p = jnp.where(valid, p, WINDOW)
    q = jnp.where(valid, q, WINDOW)
    return jnp.zeros((WINDOW, WINDOW), bool).at[p, q].set(True, mode="drop")


def _row_words(cells: jax.Array) -> jax.Array:
    """``uint32[S]``: word ``r`` has bit ``c`` set where ``cells[r, c]`` (S ≤ 32)."""
    S = cells.shape[1]
    bits = jnp.left_shift(jnp.uint32(1), jnp.arange(S, dtype=jnp.uint32))[None, :]
    return jnp.sum(jnp.where(cells, bits, jnp.uint32(0)), axis=1, dtype=jnp.uint32)


def _dilate(words: jax.Array) -> jax.Array:
    """One step of L1 dilation of a row-word bitmap (cells leaving the window drop)."""
    zero = jnp.zeros((1,), jnp.uint32)
    one = jnp.uint32(1)
    return (words | jnp.left_shift(words, one) | jnp.right_shift(words, one)
            | jnp.concatenate([words[1:], zero]) | jnp.concatenate([zero, words[:-1]]))


def _position_set(p, q, valid):
    """``(rows int32[P, 2], n)``: the distinct valid ``(p, q)`` in ascending order
    (:func:`~jaxdsl.containers.make_set`; O(P log P))."""
    s, _ = make_set(jnp.stack([p, q], axis=1), valid, p.shape[0])
    return s.data, s.n


def _lower_bound_2(rows, n, k0, k1):
    """Per query: first index in ``[0, n)`` of ascending ``rows`` (``int32[P, 2]``) that is
    ``≥ (k0, k1)`` lexicographically; a ``fori_loop`` of ⌈log2(P+1)⌉ vectorised steps."""
    P = rows.shape[0]

    def step(_, bounds):
        lo, hi = bounds
        mid = (lo + hi) // 2
        r = rows[jnp.clip(mid, 0, P - 1)]
        less = (r[..., 0] < k0) | ((r[..., 0] == k0) & (r[..., 1] < k1))
        active = lo < hi
        return jnp.where(active & less, mid + 1, lo), jnp.where(active & ~less, mid, hi)

    lo = jnp.zeros(jnp.shape(k0), jnp.int32)
    hi = jnp.full(jnp.shape(k0), n, jnp.int32)
    return lax.fori_loop(0, int(P).bit_length(), step, (lo, hi))[0]


def _contains(rows, n, k0, k1):
    """``bool[Q]``: ``(k0, k1)`` is one of the first ``n`` ascending ``rows``."""
    at = _lower_bound_2(rows, n, k0, k1)
    r = rows[jnp.clip(at, 0, rows.shape[0] - 1)]
    return (at < n) & (r[..., 0] == k0) & (r[..., 1] == k1)


def _adjacent_exact(a: Elems, b: Elems):
    """Exact adjacency for any coordinates: no position of ``a`` is in ``b`` and some
    position of ``a`` has an orthogonal neighbour in ``b`` — five membership queries by
    binary search in ``b``'s sorted positions, O(P log P)."""
    ia, ja = patch_positions(a)
    va = row_mask(a)
    if _is_object(b):
        rows, n = _position_set(*patch_positions(b), row_mask(b))
    else:
        rows, n = b.data, b.n                               # already canonical
    hit = lambda di, dj: jnp.any(va & _contains(rows, n, ia + di, ja + dj))
    touch = hit(-1, 0) | hit(1, 0) | hit(0, -1) | hit(0, 1)
    return ~hit(0, 0) & touch


def _pairwise(a: Elems, b: Elems, need, init, fold):
    """Exact fallback: fold over all valid (a-row, b-row) pairs in CHUNK × CHUNK blocks
    (``ceil(na / CHUNK) · ceil(nb / CHUNK)`` iterations of a ``while_loop``, so the
    per-sample working set stays CHUNK² whatever the batch size), inside
    :func:`_only_if` so that a vmapped batch pays only when some sample needs it.
    O(na · nb) per sample that needs it.

    ``fold(acc, dp int32[C, C], dq int32[C, C], valid bool[C, C]) -> acc`` with row and
    column differences ``dp = ib − ia``, ``dq = jb − ja`` (exact: |coordinates| <
    INT_LIMIT).
    """

    def run(a, b):
        (pa, qa), (pb, qb) = patch_positions(a), patch_positions(b)
        blocks = []
        for p, q in ((pa, qa), (pb, qb)):
            C = min(CHUNK, p.shape[0])
            pad = (-p.shape[0]) % C
            blocks.append((C, jnp.pad(p, (0, pad)), jnp.pad(q, (0, pad))))
        (Ca, pa, qa), (Cb, pb, qb) = blocks
        nb_chunks = (b.n + Cb - 1) // Cb

        def body(state):
            k, acc = state
            per_row = jnp.maximum(nb_chunks, 1)
            sa, sb = (k // per_row) * Ca, (k % per_row) * Cb
            pc, qc = lax.dynamic_slice(pa, (sa,), (Ca,)), lax.dynamic_slice(qa, (sa,), (Ca,))
            pd, qd = lax.dynamic_slice(pb, (sb,), (Cb,)), lax.dynamic_slice(qb, (sb,), (Cb,))
            valid = (sa + jnp.arange(Ca) < a.n)[:, None] & (sb + jnp.arange(Cb) < b.n)[None, :]
            return k + 1, fold(acc, pd[None, :] - pc[:, None], qd[None, :] - qc[:, None], valid)

        total = ((a.n + Ca - 1) // Ca) * nb_chunks
        return lax.while_loop(lambda s: s[0] < total, body, (jnp.int32(0), init))[1]

    return _only_if(need, run, (a, b), init)


def _distance(a: Elems, b: Elems, adjacency: bool):
    """Minimum L1 distance between the positions of two patches.

    Returns ``(d, ok)``: ``ok`` False when either is empty; ``d`` is ``uint32[]`` the
    distance, or with ``adjacency`` ``bool[]`` whether it is exactly 1.

    In the WINDOW box both patches are row-word bitmaps; the distance is the number of
    L1 dilations of ``a`` until it meets ``b`` (a ``while_loop`` of at most 2·WINDOW tiny
    steps, stopped per sample), and adjacency is "no overlap, and one dilation meets".
    Pairs wider than the window: adjacency by :func:`_adjacent_exact` (O(P log P)), the
    distance by the blocked pairwise minimum (O(na·nb): a batch holding one wide pair
    of large patches pays ``ceil(na/CHUNK)·ceil(nb/CHUNK)`` block steps for every sample).
    """
    ia, ja = patch_positions(a)
    ib, jb = patch_positions(b)
    va, vb = row_mask(a), row_mask(b)
    ok = (a.n > 0) & (b.n > 0)
    i0, j0, fits = _window(ia, ja, va, ib, jb, vb)
    wa = _row_words(_bitmap(ia - i0, ja - j0, va & fits))
    wb = _row_words(_bitmap(ib - i0, jb - j0, vb & fits))
    meets = lambda w: jnp.any((w & wb) != 0)

    if adjacency:
        far = _only_if(ok & ~fits, _adjacent_exact, (a, b), jnp.asarray(False))
        return jnp.where(fits, ~meets(wa) & meets(_dilate(wa)), far), ok

    def fold(acc, dp, dq, valid):
        d = jnp.abs(dp).astype(jnp.uint32) + jnp.abs(dq).astype(jnp.uint32)
        return jnp.minimum(acc, jnp.min(jnp.where(valid, d, _U32_MAX)))

    far = _pairwise(a, b, ok & ~fits, jnp.uint32(_U32_MAX), fold)
    active = ok & fits
    steps, _ = lax.while_loop(
        lambda s: active & (s[0] < 2 * WINDOW) & ~meets(s[1]),
        lambda s: (s[0] + 1, _dilate(s[1])), (jnp.uint32(0), wa))
    return jnp.where(fits, steps, far), ok


# ----------------------------------------------------------------------------- corners


def _corner(patch: Elems, low_row: bool, right_col: bool):
    top, left, bottom, right = patch_bounds(patch)
    ne = patch.n > 0
    corner = jnp.stack([bottom if low_row else top, right if right_col else left])
    return result(jnp.where(ne, corner, _empty_tuple()))


def ulcorner(patch: Elems):
    """arc-dsl #78 ``ulcorner`` (spec §4.7): ``(min row, min column)`` of the positions.

    patch: Indices / Object → IntegerTuple ``int32[2]``; ``()`` (two ``INT_EMPTY``) for an
    empty patch. ``ok`` True, never overflows.
    """
    return _corner(patch, False, False)


def urcorner(patch: Elems):
    """arc-dsl #79 ``urcorner`` (spec §4.7): ``(min row, max column)``; ``()`` when empty.

    patch: Indices / Object → IntegerTuple ``int32[2]``. ``ok`` True, never overflows.
    """
    return _corner(patch, False, True)


def llcorner(patch: Elems):
    """arc-dsl #80 ``llcorner`` (spec §4.7): ``(max row, min column)``; ``()`` when empty.

    patch: Indices / Object → IntegerTuple ``int32[2]``. ``ok`` True, never overflows.
    """
    return _corner(patch, True, False)


def lrcorner(patch: Elems):
    """arc-dsl #81 ``lrcorner`` (spec §4.7): ``(max row, max column)``; ``()`` when empty.

    patch: Indices / Object → IntegerTuple ``int32[2]``. ``ok`` True, never overflows.
    """
    return _corner(patch, True, True)


# ---------------------------------------------------------------------------- extremes


def uppermost(patch: Elems):
    """arc-dsl #93 ``uppermost`` (spec §4.9): the minimum row.

    patch: Indices / Object → Integer ``int32[]``. ``ok`` False when empty (ValueError).
    """
    top, _, _, _ = patch_bounds(patch)
    ne = patch.n > 0
    return result(jnp.where(ne, top, 0), ne)


def lowermost(patch: Elems):
    """arc-dsl #94 ``lowermost`` (spec §4.9): the maximum row; ``ok`` False when empty.

    patch: Indices / Object → Integer ``int32[]``.
    """
    _, _, bottom, _ = patch_bounds(patch)
    ne = patch.n > 0
    return result(jnp.where(ne, bottom, 0), ne)


def leftmost(patch: Elems):
    """arc-dsl #95 ``leftmost`` (spec §4.9): the minimum column; ``ok`` False when empty.

    patch: Indices / Object → Integer ``int32[]``.
    """
    _, left, _, _ = patch_bounds(patch)
    ne = patch.n > 0
    return result(jnp.where(ne, left, 0), ne)


def rightmost(patch: Elems):
    """arc-dsl #96 ``rightmost`` (spec §4.9): the maximum column; ``ok`` False when empty.

    patch: Indices / Object → Integer ``int32[]``.
    """
    _, _, _, right = patch_bounds(patch)
    ne = patch.n > 0
    return result(jnp.where(ne, right, 0), ne)


# --------------------------------------------------------------------------- measures


def height(patch: Elems):
    """arc-dsl #69 ``height`` (spec §4.6) of a patch: ``lowermost − uppermost + 1``, 0 if empty.

    patch: Indices / Object → Integer ``int32[]``. ``overflow`` when the extent is
    ``≥ INT_LIMIT`` (possible with coordinates of opposite sign near ±2**30).
    """
    h, _, _ = _hw(patch)
    return result(h, True, int_overflow(h))


def width(patch: Elems):
    """arc-dsl #70 ``width`` (spec §4.6) of a patch: ``rightmost − leftmost + 1``, 0 if empty.

    patch: Indices / Object → Integer ``int32[]``. ``overflow`` when ``≥ INT_LIMIT``.
    """
    _, w, _ = _hw(patch)
    return result(w, True, int_overflow(w))


def shape(patch: Elems):
    """arc-dsl #71 ``shape`` (spec §4.6) of a patch: ``(height, width)``, ``(0, 0)`` if empty.

    patch: Indices / Object → IntegerTuple ``int32[2]``. ``overflow`` when a component is
    ``≥ INT_LIMIT``.
    """
    h, w, _ = _hw(patch)
    hw = jnp.stack([h, w])
    return result(hw, True, int_overflow(hw))


def portrait(patch: Elems):
    """arc-dsl #72 ``portrait`` (spec §4.6) of a patch: ``height > width`` (False if empty).

    patch: Indices / Object → Boolean ``bool[]``. Exact for every extent; never overflows.
    """
    h, w, _ = _hw(patch)
    return result(h > w)


def size(patch: Elems):
    """arc-dsl #20 ``size`` (spec §4.2) of a patch: the number of elements ``n`` (an
    Object's cells, several colours at one position counted separately).

    patch: Indices / Object → Integer ``int32[]``. ``ok`` True, never overflows.
    """
    return result(jnp.asarray(patch.n, jnp.int32))


def square(piece):
    """arc-dsl #97 ``square`` (spec §4.9) of a patch: ``height·width == n`` and
    ``height == width`` (a filled square box; True for an empty patch, elements counted).

    piece: Indices / Object → Boolean ``bool[]``. ``ok`` True, never overflows (the
    product is only formed when it cannot wrap).
    """
    h, w, _ = _hw(piece)
    area = jnp.where(h <= 46340, h * h, -1)
    return result((h == w) & (area == piece.n))


def vline(piece):
    """arc-dsl #98 ``vline`` (spec §4.9): ``height == n`` and ``width == 1``.

    piece: Indices / Object → Boolean ``bool[]`` (False if empty); or Grid → ``w == 1``
    (a grid's height is its row count, so only the width matters; False for ``()``).
    ``ok`` True, never overflows.
    """
    if isinstance(piece, Grid):
        return result(jnp.asarray(piece.w) == 1)
    h, w, _ = _hw(piece)
    return result((h == piece.n) & (w == 1))


def hline(piece):
    """arc-dsl #99 ``hline`` (spec §4.9): ``width == n`` and ``height == 1``.

    piece: Indices / Object → Boolean ``bool[]`` (False if empty); or Grid → True only
    for a 1×1 grid (``w == h`` and ``h == 1``). ``ok`` True, never overflows.
    """
    if isinstance(piece, Grid):
        return result((jnp.asarray(piece.h) == 1) & (jnp.asarray(piece.w) == 1))
    h, w, _ = _hw(piece)
    return result((w == piece.n) & (h == 1))


# ------------------------------------------------------------------- binary predicates


def hmatching(a: Elems, b: Elems):
    """arc-dsl #100 ``hmatching`` (spec §4.9): some row index occurs in both patches.

    a, b: Indices / Object → Boolean ``bool[]`` (False if either is empty). O(P) with
    one uint32 word per patch; one-sort fallback (module docstring). ``ok``
    True, never overflows.
    """
    return result(_matching(a, b, 0))


def vmatching(a: Elems, b: Elems):
    """arc-dsl #101 ``vmatching`` (spec §4.9): some column index occurs in both patches.

    a, b: Indices / Object → Boolean ``bool[]`` (False if either is empty). ``ok`` True.
    """
    return result(_matching(a, b, 1))


def manhattan(a: Elems, b: Elems):
    """arc-dsl #102 ``manhattan`` (spec §4.9): minimum ``|Δi| + |Δj|`` over position pairs
    (0 when they overlap).

    a, b: Indices / Object → Integer ``int32[]``. ``ok`` False when either is empty
    (ValueError); ``overflow`` when the distance is ``≥ INT_LIMIT`` (computed in uint32,
    exact up to 2**32 − 4). Cost: ≤ 2·WINDOW word-bitmap dilations when both fit a
    WINDOW box, else the blocked pairwise fallback (module docstring).
    """
    d, ok = _distance(a, b, False)
    overflow = ok & (d >= jnp.uint32(INT_LIMIT))
    return result(jnp.where(ok & ~overflow, d.astype(jnp.int32), 0), ok, overflow)


def adjacent(a: Elems, b: Elems):
    """arc-dsl #103 ``adjacent`` (spec §4.9): ``manhattan(a, b) == 1`` (overlap and diagonal
    contact are not adjacency).

    a, b: Indices / Object → Boolean ``bool[]``. ``ok`` False when either is empty
    (ValueError). Never overflows. O(P) in the WINDOW box (one dilation), else five
    binary-searched membership queries, O(P log P).
    """
    touching, ok = _distance(a, b, True)
    return result(ok & touching, ok)


# ----------------------------------------------------------------------------- centres


def _floor_mean(hi, lo, n):
    """``⌊(hi·2**15 + lo) / n⌋`` exactly in int32, for ``|hi| ≤ 2**30``, ``0 ≤ lo < 2**30``
    and ``1 ≤ n ≤ 2**15`` (sums of ≤ 2**15 split coordinates; the true quotient, a mean
    of coordinates, fits int32)."""
    q = jnp.floor_divide(hi, n)
    rest = (hi - q * n) * 2**15 + lo                     # < n·2**15 + 2**30 ≤ 2**31
    return q * 2**15 + jnp.floor_divide(rest, n)


def _split_sums(i, j, valid):
    """``(Σhi_i, Σlo_i, Σhi_j, Σlo_j)`` over valid rows with ``x = hi·2**15 + lo``."""
    parts = [jnp.where(valid, f(x), 0) for x in (i, j)
             for f in (lambda x: x >> 15, lambda x: x & 0x7FFF)]
    return reduce_many(parts, [0] * 4, jnp.add)


def centerofmass(patch: Elems):
    """arc-dsl #105 ``centerofmass`` (spec §4.9): ``(⌊Σi / N⌋, ⌊Σj / N⌋)``, the sums over
    the *distinct positions*, ``N`` the number of *elements* (they differ for an Object
    with several colours at one position); floor toward −∞.

    patch: Indices / Object → IntegerTuple ``int32[2]``; ``()`` when empty. ``ok`` True,
    never overflows (the mean lies within the coordinate range). Sums are exact in int32
    by splitting each coordinate into ``hi·2**15 + lo``. An Object's positions are
    deduplicated on a WINDOW² bitmap, or by one sort (O(P log P), run only when needed)
    when they spread wider.
    """
    i, j = patch_positions(patch)
    valid = row_mask(patch)
    P = i.shape[0]
    if P > 2**15:
        raise ValueError(f"centerofmass supports patch capacities ≤ 2**15, got {P}")
    n = jnp.maximum(jnp.asarray(patch.n, jnp.int32), 1)
    if _is_object(patch):
        (i0, i1), (j0, j1) = ranges((i, j), valid)
        fits = (i1 - i0 < WINDOW) & (j1 - j0 < WINDOW)
        cells = _bitmap(i - i0, j - j0, valid & fits).reshape(-1)
        k = jnp.arange(WINDOW * WINDOW, dtype=jnp.int32)
        m, r_sum, c_sum = reduce_many([cells.astype(jnp.int32), jnp.where(cells, k // WINDOW, 0),
                                   jnp.where(cells, k % WINDOW, 0)], [0] * 3, jnp.add)
        # Σ over distinct positions of (i0 + r) = m·i0 + Σr, split like _split_sums.
        fast = (m * (i0 >> 15), m * (i0 & 0x7FFF) + r_sum, m * (j0 >> 15), m * (j0 & 0x7FFF) + c_sum)

        def exact(patch):
            i, j = patch_positions(patch)
            valid = row_mask(patch)
            perm = lex_order([(~valid).astype(jnp.int32), i, j])
            i, j, valid = i[perm], j[perm], valid[perm]
            dup = jnp.concatenate([jnp.zeros((1,), bool), (i[1:] == i[:-1]) & (j[1:] == j[:-1])])
            return _split_sums(i, j, valid & ~dup)

        slow = _only_if((patch.n > 0) & ~fits, exact, (patch,), tuple(jnp.int32(0) for _ in range(4)))
        sums = tuple(jnp.where(fits, f, s) for f, s in zip(fast, slow))
    else:
        sums = _split_sums(i, j, valid)
    value = jnp.stack([_floor_mean(sums[0], sums[1], n), _floor_mean(sums[2], sums[3], n)])
    return result(jnp.where(patch.n > 0, value, _empty_tuple()))


def center(patch: Elems):
    """arc-dsl #134 ``center`` (spec §4.11): ``(uppermost + height // 2, leftmost + width // 2)``.

    patch: Indices / Object → IntegerTuple ``int32[2]``. ``ok`` False when empty
    (ValueError). Never overflows.
    """
    ci, cj, ne = _center(patch)
    return result(jnp.where(ne, jnp.stack([ci, cj]), 0), ne)


def position(a: Elems, b: Elems):
    """arc-dsl #135 ``position`` (spec §4.11): unit direction between the centres
    ``(ia, ja)`` of ``a`` and ``(ib, jb)`` of ``b``; with ``s = 1 if ja < jb else −1``:
    ``ia == ib`` → ``(0, s)``; ``ja == jb`` → ``(±1, 0)``; else ``(±1, s)`` (``+1`` when
    ``ia < ib``).

    a, b: Indices / Object → IntegerTuple ``int32[2]``. ``ok`` False when either is
    empty (ValueError). Never overflows.
    """
    ia, ja, ne_a = _center(a)
    ib, jb, ne_b = _center(b)
    s = jnp.where(ja < jb, 1, -1)
    r = jnp.where(ia < ib, 1, -1)
    di = jnp.where(ia == ib, 0, r)
    dj = jnp.where((ia != ib) & (ja == jb), 0, s)
    ok = ne_a & ne_b
    return result(jnp.where(ok, jnp.stack([di, dj]).astype(jnp.int32), 0), ok)


def _offset_table_dense(pa, qa, va, pb, qb, vb):
    """``bool[44, 3]``: ``T[L + 1, dq + 1]`` = some ``d − s == (L, dq)`` for
    ``L ∈ [−1, 42]``, ``dq ∈ {−1, 0, 1}``, coordinates already local to the window.

    Each column of the window is a uint32 mask of its rows; a row offset ``L`` is a
    shift of the source masks (bit-parallel cross-correlation, O(WINDOW²) word ops).
    """
    a_cols = _row_words(_bitmap(pa, qa, va).T)              # uint32[WINDOW], bit p
    b_cols = _row_words(_bitmap(pb, qb, vb).T)
    zero = jnp.zeros((1,), jnp.uint32)
    b_near = jnp.stack([jnp.concatenate([zero, b_cols[:-1]]),   # dq = −1: b column q − 1
                        b_cols,
                        jnp.concatenate([b_cols[1:], zero])])    # dq = +1
    lags = jnp.arange(WINDOW, dtype=jnp.uint32)[None, :, None]
    pos = jnp.any((jnp.left_shift(a_cols[None, None, :], lags) & b_near[:, None, :]) != 0, axis=2)
    neg = jnp.any((jnp.right_shift(a_cols, jnp.uint32(1))[None, :] & b_near) != 0, axis=1)
    rest = jnp.zeros((_SHIFTS + 2 - 1 - WINDOW, 3), bool)
    return jnp.concatenate([neg[None, :], pos.T, rest], axis=0)


def _offset_table_exact(source: Elems, destination: Elems, vertical, sign):
    """:func:`_offset_table_dense` for any coordinates, O(P log P + 132·P).

    The destination's distinct positions are sorted by ``(q, p)``; for each source cell
    and ``dq``, the destination cells with ``q = q_s + dq`` and ``p ∈ [p_s − 1, p_s + 42]``
    are the (at most 44) rows from one binary search on, read in a ``fori_loop``.
    """
    (pa, qa), (pb, qb) = _travel(source, vertical, sign), _travel(destination, vertical, sign)
    va = row_mask(source)
    rows, n = _position_set(qb, pb, row_mask(destination))       # ascending (q, p)
    P = rows.shape[0]
    size = (_SHIFTS + 2) * 3
    table = jnp.zeros((size,), bool)
    for dq in (-1, 0, 1):
        q = qa + dq
        start = _lower_bound_2(rows, n, q, pa - 1)

        def read(t, table, start=start, q=q, dq=dq):
            at = start + t
            r = rows[jnp.clip(at, 0, P - 1)]
            lag = r[:, 1] - pa
            hit = va & (at < n) & (r[:, 0] == q) & (lag >= -1) & (lag <= _SHIFTS)
            flat = jnp.where(hit, (lag + 1) * 3 + (dq + 1), size)
            return table.at[flat].set(True, mode="drop")

        table = lax.fori_loop(0, _SHIFTS + 2, read, table)
    return table.reshape(_SHIFTS + 2, 3)


def _travel(patch: Elems, vertical, sign):
    """Coordinates ``(p, q)`` in which gravitate's travel is along +p: ``p = sign · row``,
    ``q = column`` when ``vertical``, else ``p = sign · column``, ``q = row``."""
    i, j = patch_positions(patch)
    return sign * jnp.where(vertical, i, j), jnp.where(vertical, j, i)


def gravitate(source: Elems, destination: Elems):
    """arc-dsl #151 ``gravitate`` (spec §4.11): the offset ``k · step`` that makes the
    source adjacent to the destination.

    ``step`` is ``(±1, 0)`` when the patches share a column (vmatching; ``+1`` when the
    source centre row is smaller), else ``(0, ±1)`` (``+1`` when the source centre column
    is smaller); ``k`` is the smallest of ``0 … 41`` for which the shifted source is
    adjacent (disjoint, some orthogonal neighbour), else 42.

    source, destination: Indices / Object → IntegerTuple ``int32[2]``. ``ok`` False when
    either is empty (ValueError). Never overflows. Cost: a bit-parallel offset table over
    the WINDOW box, or :func:`_offset_table_exact` when the pair is wider (module
    docstring); all 42 shifts are then tested together.
    """
    si, sj, ne_a = _center(source)
    di, dj, ne_b = _center(destination)
    ok = ne_a & ne_b
    vertical = _matching(source, destination, 1)
    sign = jnp.where(vertical, jnp.where(si < di, 1, -1), jnp.where(sj < dj, 1, -1))
    (pa, qa), (pb, qb) = _travel(source, vertical, sign), _travel(destination, vertical, sign)
    va, vb = row_mask(source), row_mask(destination)

    p0, q0, fits = _window(pa, qa, va, pb, qb, vb)
    dense = _offset_table_dense(pa - p0, qa - q0, va & fits, pb - p0, qb - q0, vb & fits)

    far = _only_if(ok & ~fits, _offset_table_exact, (source, destination, vertical, sign),
                   jnp.zeros((_SHIFTS + 2, 3), bool))
    table = jnp.where(fits, dense, far)
    k = jnp.arange(_SHIFTS)
    overlap = table[k + 1, 1]
    touch = table[k, 1] | table[k + 2, 1] | table[k + 1, 0] | table[k + 1, 2]
    hit = jnp.concatenate([~overlap & touch, jnp.ones((1,), bool)])
    steps = jnp.argmax(hit).astype(jnp.int32)
    offset = jnp.where(vertical, jnp.stack([steps * sign, 0 * sign]),
                       jnp.stack([0 * sign, steps * sign])).astype(jnp.int32)
    return result(jnp.where(ok, offset, 0), ok)


# ------------------------------------------------------------------------------ colours


def color(obj: Elems):
    """arc-dsl #108 ``color`` (spec §4.9, §5): the colour of the first cell in canonical
    order, i.e. the object's smallest colour.

    obj: Object → Integer ``int32[]``. ``ok`` False when empty (StopIteration).
    """
    ne = obj.n > 0
    return result(jnp.where(ne, obj.data[0, 0], 0), ne)


def palette(element, *, caps: Capacity):
    """arc-dsl #106 ``palette`` (spec §4.9): the set of values.

    element: Object → its colours; Indices → its *row indices* (first components); Grid
    → its cell values (a 256-bin histogram of the int8 cells; ``None`` cells give
    ``INT_NONE``, the smallest). → IntegerSet ``Elems(int32[caps.tuple, 1], n)``,
    ascending, zero padded; empty input → empty set. ``overflow`` when more than
    ``caps.tuple`` distinct values. A patch uses the BINS-window histogram, or the exact
    run-length fallback when its values spread wider.
    """
    T = caps.tuple
    if isinstance(element, Grid):
        present = _grid_histogram(element) > 0
        values = from_cell((jnp.arange(256) - 128).astype(jnp.int8))
        out, n, overflow = compact(values[:, None], present, T)
        return result(Elems(out, n), True, overflow)
    first, valid, lo, hist, fits = _first_hist(element)
    fast = compact((lo + jnp.arange(BINS, dtype=jnp.int32))[:, None], hist > 0, T)

    def exact(element):
        first, _, start, _ = _run_counts(element)
        return compact(first[:, None], start, T)

    default = (jnp.zeros((T, 1), jnp.int32), jnp.int32(0), jnp.asarray(False))
    slow = _only_if(~fits, exact, (element,), default)
    out, n, overflow = jax.tree_util.tree_map(lambda x, y: jnp.where(fits, x, y), fast, slow)
    return result(Elems(out, n), True, overflow)


def numcolors(element: Elems):
    """arc-dsl #107 ``numcolors`` (spec §4.9): ``len(palette(element))`` as an Integer.

    element: Object (distinct colours) / Indices (distinct rows) → Integer ``int32[]``;
    0 when empty. ``ok`` True, never overflows.
    """
    _, _, _, hist, fits = _first_hist(element)
    slow = _only_if(~fits, lambda e: jnp.sum(_run_counts(e)[2], dtype=jnp.int32),
                    (element,), jnp.int32(0))
    return result(jnp.where(fits, jnp.sum(hist > 0, dtype=jnp.int32), slow))


def _extreme_colour(element: Elems, most: bool):
    """The most (least) frequent first component, ties → smallest, and ``nonempty``."""
    _, _, lo, hist, fits = _first_hist(element)
    if most:
        fast = lo + jnp.argmax(hist).astype(jnp.int32)
    else:
        fast = lo + jnp.argmin(jnp.where(hist > 0, hist, _I32_MAX)).astype(jnp.int32)

    def pick(element):
        first, valid, _, count = _run_counts(element)
        if most:
            return first[jnp.argmax(jnp.where(valid, count, -1))]
        return first[jnp.argmin(jnp.where(valid, count, _I32_MAX))]

    ne = element.n > 0
    slow = _only_if(ne & ~fits, pick, (element,), jnp.int32(0))
    return jnp.where(ne, jnp.where(fits, fast, slow), 0), ne


def mostcolor(element: Elems):
    """arc-dsl #67 ``mostcolor`` (spec §4.6, ties §5) of a patch: the most frequent first
    component (Object: colour; Indices: row index); ties → the smallest value.

    element: Object / Indices → Integer ``int32[]``. ``ok`` False when empty (ValueError).
    """
    return result(*_extreme_colour(element, True))


def leastcolor(element: Elems):
    """arc-dsl #68 ``leastcolor`` (spec §4.6, ties §5) of a patch: the least frequent first
    component; ties → the smallest value.

    element: Object / Indices → Integer ``int32[]``. ``ok`` False when empty (ValueError).
    """
    return result(*_extreme_colour(element, False))


def colorcount(element: Elems, value):
    """arc-dsl #73 ``colorcount`` (spec §4.6) of a patch: the number of elements whose
    first component equals ``value`` (Indices: the cells in row ``value``).

    element: Object / Indices; value: Integer ``int32[]`` (``None`` counts nothing) →
    Integer ``int32[]``; 0 when empty. ``ok`` True, never overflows.
    """
    hits = row_mask(element) & (element.data[:, 0] == jnp.asarray(value, jnp.int32))
    return result(jnp.sum(hits, dtype=jnp.int32))


# ------------------------------------------------------------------------------ periods


def _lower_bound(x, lo, hi, target):
    """Per query: first index in ``[lo, hi)`` with ``x[idx] ≥ target`` (``x`` ascending on
    each range); vectorised binary search with a static number of steps."""
    P = x.shape[0]

    def step(_, bounds):
        lo, hi = bounds
        active = lo < hi
        mid = (lo + hi) // 2
        less = x[jnp.clip(mid, 0, P - 1)] < target
        return jnp.where(active & less, mid + 1, lo), jnp.where(active & ~less, mid, hi)

    return lax.fori_loop(0, int(P).bit_length(), step, (lo, hi))[0]


_PERIOD_COLOURS = 16
"""Colour window of the hperiod / vperiod fast path (lines = 16 colours × 32 rows)."""


def _period(obj: Elems, axis: int):
    """hperiod (axis 1: shifts along columns, lines are (colour, row)) / vperiod (axis 0).

    Fast path — extent ≤ 32, colours within 16 consecutive values and the other
    coordinate within 32: line ``(colour, across)`` is segment ``16·32`` of a direct
    index, its cells a uint32 mask of normalized positions (a segment sum of distinct
    bits), and ``p`` holds iff ``(mask >> p) & ~mask == 0`` on every line (31 × 512 word
    ops). Otherwise the exact :func:`_wide_period` runs (under :func:`_only_if`).
    """
    valid = row_mask(obj)
    i, j = patch_positions(obj)
    along, across = (j, i) if axis == 1 else (i, j)
    ne = obj.n > 0
    if not _is_object(obj):
        # Indices: the reference returns the extent when ≤ 1, else unpacking raises TypeError.
        ((lo, hi),) = ranges((along,), valid)
        extent = _extent(lo, hi, ne)
        return result(extent, extent <= 1)

    colour = obj.data[:, 0]
    (lo, hi), (a0, a1), (c0, c1) = ranges((along, across, colour), valid)
    extent = _extent(lo, hi, ne)
    fits = ~ne | ((extent <= 32) & (a1 - a0 < WINDOW) & (c1 - c0 < _PERIOD_COLOURS))

    lines = _PERIOD_COLOURS * WINDOW
    segment = jnp.where(valid & fits, (colour - c0) * WINDOW + (across - a0), lines)
    x = jnp.clip(along - lo, 0, 31).astype(jnp.uint32)
    bits = jnp.where(valid, jnp.left_shift(jnp.uint32(1), x), jnp.uint32(0))
    masks = jnp.zeros((lines + 1,), jnp.uint32).at[segment].add(bits, mode="drop")[:lines]
    shifts = jnp.arange(1, 32, dtype=jnp.uint32)[:, None]
    p_ok = jnp.all((jnp.right_shift(masks[None, :], shifts) & ~masks[None, :]) == 0, axis=1)
    p_ok = p_ok & (jnp.arange(1, 32) < extent)
    fast = jnp.where(jnp.any(p_ok), jnp.argmax(p_ok).astype(jnp.int32) + 1, extent)

    slow = _only_if(~fits, lambda obj, lo, extent: _wide_period(obj, axis, lo, extent),
                    (obj, lo, extent), jnp.int32(0))
    value = jnp.where(fits, fast, slow)
    return result(value, True, int_overflow(value))


def _wide_period(obj: Elems, axis: int, lo, extent):
    """Exact period for any object: sort the cells into lines ``(colour, across)`` with
    ``along`` ascending. A valid ``p`` must move the farthest cell (``x = extent − 1``,
    the last cell of its line) onto a cell of the same line, so the candidates are
    ``x* − x`` over that line, tried in increasing order in a ``while_loop``; each is
    checked for every cell by a binary search inside the cell's line (O(P log P) per
    candidate).
    """
    valid = row_mask(obj)
    i, j = patch_positions(obj)
    along, across = (j, i) if axis == 1 else (i, j)
    colour = obj.data[:, 0]
    P = colour.shape[0]
    perm = lex_order([(~valid).astype(jnp.int32), colour, across, along])
    colour, across, along, valid = colour[perm], across[perm], along[perm], valid[perm]
    x = jnp.where(valid, along - lo, 0)                  # normalized, ascending per line
    idx = jnp.arange(P, dtype=jnp.int32)
    new_line = jnp.concatenate([jnp.ones((1,), bool),
                                (colour[1:] != colour[:-1]) | (across[1:] != across[:-1])])
    starts = lax.cummax(jnp.where(valid & new_line, idx, 0))
    line_end = valid & jnp.concatenate([new_line[1:] | ~valid[1:], jnp.ones((1,), bool)])
    ends = lax.cummin(jnp.where(line_end, idx + 1, P), reverse=True)
    r_star = jnp.argmax(valid & (x == extent - 1)).astype(jnp.int32)
    n_cand = r_star - starts[r_star]

    def holds(p):
        target = x - p
        at = _lower_bound(x, starts, ends, target)
        present = (at < ends) & (x[jnp.clip(at, 0, P - 1)] == target)
        return jnp.all(~(valid & (x >= p)) | present)

    def body(state):
        t, found, best = state
        p = x[r_star] - x[jnp.clip(r_star - t, 0, P - 1)]
        good = holds(p)
        return t + 1, found | good, jnp.where(good & ~found, p, best)

    _, found, best = lax.while_loop(lambda s: ~s[1] & (s[0] <= n_cand), body,
                                    (jnp.int32(1), jnp.asarray(False), jnp.int32(0)))
    return jnp.where(found, best, extent)


def hperiod(obj: Elems):
    """arc-dsl #159 ``hperiod`` (spec §4.11): the smallest ``p`` in ``1 … w−1`` such that
    every cell of the normalized object with column ``≥ p``, shifted left by ``p`` with
    its colour, is a cell of the object; ``w`` (the width) if none; 0 when empty.

    obj: Object → Integer ``int32[]``; ``overflow`` when ``≥ INT_LIMIT``. Indices → the
    width when it is ≤ 1, else ``ok`` False (TypeError). Cost: see the module docstring.
    """
    return _period(obj, 1)


def vperiod(obj: Elems):
    """arc-dsl #160 ``vperiod`` (spec §4.11): :func:`hperiod` along rows, using the height
    (one extra sort to group cells by (colour, column)).

    obj: Object → Integer ``int32[]``; ``overflow`` when ``≥ INT_LIMIT``. Indices → the
    height when it is ≤ 1, else ``ok`` False (TypeError).
    """
    return _period(obj, 0)


# ---------------------------------------------------------------------------- registry


def _unary(fn, out, kinds=_PATCHES):
    return tuple(Signature((k,), out, fn) for k in kinds)


def _binary(fn, out):
    return tuple(Signature((a, b), out, fn) for a in _PATCHES for b in _PATCHES)


SIGNATURES: dict[str, tuple[Signature, ...]] = {
    **{name: _unary(fn, INTEGER_TUPLE) for name, fn in
       (("ulcorner", ulcorner), ("urcorner", urcorner), ("llcorner", llcorner),
        ("lrcorner", lrcorner), ("centerofmass", centerofmass), ("center", center))},
    **{name: _unary(fn, INTEGER) for name, fn in
       (("uppermost", uppermost), ("lowermost", lowermost), ("leftmost", leftmost),
        ("rightmost", rightmost), ("height", height), ("width", width), ("size", size),
        ("numcolors", numcolors), ("mostcolor", mostcolor), ("leastcolor", leastcolor),
        ("hperiod", hperiod), ("vperiod", vperiod))},
    "shape": _unary(shape, INTEGER_TUPLE),
    **{name: _unary(fn, BOOLEAN) for name, fn in (("portrait", portrait), ("square", square))},
    **{name: _unary(fn, BOOLEAN, (INDICES, OBJECT, GRID)) for name, fn in (("vline", vline), ("hline", hline))},
    **{name: _binary(fn, BOOLEAN) for name, fn in
       (("hmatching", hmatching), ("vmatching", vmatching), ("adjacent", adjacent))},
    "manhattan": _binary(manhattan, INTEGER),
    **{name: _binary(fn, INTEGER_TUPLE) for name, fn in (("position", position), ("gravitate", gravitate))},
    "color": (Signature((OBJECT,), INTEGER, color),),
    "palette": _unary(palette, INTEGER_SET, (OBJECT, INDICES, GRID)),
    "colorcount": tuple(Signature((k, INTEGER), INTEGER, colorcount) for k in _PATCHES),
}
"""Primitive name → typed implementations (Indices and Object; Grid for palette, vline,
hline)."""
