"""Primitives that build or transform a patch (arc-dsl spec §4.7, §4.10 patch halves, §4.11).

Implemented (one :class:`~jaxdsl.prims.Signature` per supported static type combination):
``toindices``, ``recolor``, ``shift``, ``normalize`` (#83–86), ``dneighbors``,
``ineighbors``, ``neighbors`` (#87–89), the patch versions of ``hmirror``, ``vmirror``,
``dmirror``, ``cmirror`` (#114–117; the Grid versions live in :mod:`jaxdsl.prims.grids`)
and of ``upscale`` (#124), ``corners``, ``connect`` (#138, #139), ``vfrontier``,
``hfrontier``, ``backdrop``, ``delta`` (#147–150), ``inbox``, ``outbox``, ``box`` and
``shoot`` (#152–155).

Values (see :mod:`jaxdsl.containers`): an ``Indices`` is an :class:`Elems` with rows
``(i, j)`` and an ``Object`` one with rows ``(colour, i, j)``, both ``int32[P, F]``, rows
``< n`` strictly ascending (canonical order, spec §5), rows ``≥ n`` zero. Integer
``int32[]``, IntegerTuple ``int32[2]`` (``INT_NONE`` = ``None``, two ``INT_EMPTY`` = ``()``).

Shared conventions:

* **Capacity.** A result that maps the input's rows one to one (``toindices``,
  ``recolor``, ``shift``, ``normalize``, the mirrors) has the input's row capacity; every
  other result (built from scratch) has ``caps.patch`` rows.
* **Canonical order.** Row maps that keep the order (``shift``, ``normalize``,
  ``recolor`` of Indices) write the rows in place; maps that reorder rows (mirrors,
  ``toindices`` / ``recolor`` of an Object, ``upscale``) go through :func:`make_set`
  (one ``O(P log P)`` sort). Lines, rectangles and outlines are generated directly in
  canonical order from an iota (``O(P)``). ``delta`` uses an ``O(P)`` bitmap over the
  (at most ``2P``) bounding-box positions instead of pairwise comparisons.
* **ok** is False exactly where the reference raises: empty patches for the mirrors
  (IndexError / ValueError), ``inbox`` and ``outbox`` (ValueError); non-empty Indices for
  ``upscale`` (TypeError); a ``None`` / ``()`` component that Python would use in
  arithmetic, comparison, unpacking or indexing (TypeError / ValueError / IndexError).
* **overflow** (only ever set together with ``ok``) when the reference result does not
  fit: more than the row capacity, a coordinate outside ``(-INT_LIMIT, INT_LIMIT)``, or a
  value a row cannot hold at all — ``corners`` of an empty patch (``frozenset({()})``),
  ``recolor`` with a ``None`` colour, ``vfrontier`` / ``hfrontier`` of a location whose
  used component is ``None``.
* A result that is not ok or overflows is returned as the empty container.
* Nothing branches on traced values; every function works under ``jit`` and ``vmap``.
  All int32 arithmetic is arranged so that it cannot wrap on results that are reported
  (see :func:`_add_checked`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxdsl.containers import Elems, compact, make_set, patch_bounds, patch_positions, row_mask
from jaxdsl.prims import Signature
from jaxdsl.types import INDICES, INTEGER, INTEGER_TUPLE, OBJECT
from jaxdsl.values import INT_EMPTY, INT_LIMIT, INT_NONE, is_sentinel, result

_I32 = jnp.int32


FRONTIER_LENGTH = 30
"""``vfrontier`` / ``hfrontier`` always give 30 positions (a literal in arc-dsl)."""

SHOOT_STEPS = 42
"""``shoot(start, d)`` is ``connect(start, start + 42·d)``."""


# --------------------------------------------------------------------------- helpers


def _all_valid(*xs) -> jax.Array:
    """``bool[]``: no component of any argument is a sentinel."""
    ok = jnp.asarray(True)
    for x in xs:
        ok = ok & ~jnp.any(is_sentinel(x))
    return ok


def _out_of_range(x) -> jax.Array:
    """``bool`` (elementwise): ``x`` outside ``(-INT_LIMIT, INT_LIMIT)``."""
    return (x >= INT_LIMIT) | (x <= -INT_LIMIT)


def _add_checked(x, y):
    """``x + y`` for ``x`` in ``(-INT_LIMIT, INT_LIMIT)`` and any int32 ``y``.

    Returns ``(sum int32, out bool)``: ``out`` is True when the exact sum lies outside
    ``(-INT_LIMIT, INT_LIMIT)`` (the int32 ``sum`` may then have wrapped and must not be
    used). The bounds ``INT_LIMIT - x`` and ``-INT_LIMIT - x`` never wrap.
    """
    x = jnp.asarray(x, _I32)
    y = jnp.asarray(y, _I32)
    out = (y >= INT_LIMIT - x) | (y <= -INT_LIMIT - x)
    return x + y, out


def _finish(e: Elems, ok=True, overflow=False):
    """Package a container result; an ``ok``-False or overflowing result becomes empty.

    ``overflow`` is only reported together with ``ok`` (a raising case never overflows).
    """
    ok = jnp.asarray(ok, jnp.bool_)
    overflow = ok & jnp.asarray(overflow, jnp.bool_)
    n = jnp.where(ok & ~overflow, e.n, 0).astype(_I32)
    keep = jnp.arange(e.data.shape[0]) < n
    data = jnp.where(keep[:, None], e.data, 0).astype(_I32)
    return result(Elems(data, n), ok, overflow)


def _with_colour(colour, pos: jax.Array) -> jax.Array:
    """``int32[L, 3]`` rows ``(colour, i, j)`` from ``int32[L, 2]`` positions."""
    col = jnp.broadcast_to(jnp.asarray(colour, _I32), pos.shape[:1])
    return jnp.concatenate([col[:, None], pos], axis=1)


def _rows_set(pos: jax.Array, n, P: int) -> Elems:
    """Rows ``0 … n-1`` of ``pos`` (already canonical and distinct) as an Elems of ``P`` rows."""
    L = pos.shape[0]
    if L < P:
        pos = jnp.concatenate([pos, jnp.zeros((P - L,) + pos.shape[1:], _I32)])
    pos = pos[:P]
    n = jnp.minimum(jnp.asarray(n, _I32), P)
    return Elems(jnp.where((jnp.arange(P) < n)[:, None], pos, 0).astype(_I32), n)


def _line(si, sj, di, dj, count, P: int):
    """The positions ``(si + k·di, sj + k·dj)`` for ``k < count`` as an Indices of ``P`` rows.

    The caller picks ``di ≥ 0`` steps so that rows come out in canonical order.
    Returns ``(Elems, overflow)`` with overflow when ``count > P``.
    """
    k = jnp.arange(P, dtype=_I32)
    pos = jnp.stack([si + k * di, sj + k * dj], axis=1)
    return _rows_set(pos, count, P), count > P


def _outline(r0, r1, c0, c1, P: int):
    """Outline of the rectangle ``[r0, r1] × [c0, c1]`` (``r0 ≤ r1``, ``c0 ≤ c1``) as an
    Indices of ``P`` rows, generated in canonical order: the full top row, two cells
    (one when the rectangle is one column wide) on each middle row, the full bottom row.

    Returns ``(Elems, overflow)``: overflow when a corner coordinate is outside
    ``(-INT_LIMIT, INT_LIMIT)`` or there are more than ``P`` positions. The reference's
    ``_outline`` is the spec's "positions with i ∈ {r0, r1} or j ∈ {c0, c1}".
    """
    coord_over = jnp.any(_out_of_range(jnp.stack([r0, r1, c0, c1])))
    # Both extents are exact when the corners are in range; clamp so the count cannot wrap.
    h = jnp.clip(r1 - r0 + 1, 1, P + 2)
    w = jnp.clip(c1 - c0 + 1, 1, P + 2)
    per = jnp.where(w == 1, 1, 2)
    mid = jnp.maximum(h - 2, 0) * per
    last = jnp.where(h > 1, w, 0)
    total = w + mid + last
    k = jnp.arange(P, dtype=_I32)
    m = k - w
    m2 = m - mid
    in_first = k < w
    in_mid = ~in_first & (m < mid)
    row = jnp.where(in_first, r0, jnp.where(in_mid, r0 + 1 + m // per, r1))
    mid_col = jnp.where((per == 1) | (m % 2 == 0), c0, c1)
    col = jnp.where(in_first, c0 + k, jnp.where(in_mid, mid_col, c0 + m2))
    e = _rows_set(jnp.stack([row, col], axis=1), total, P)
    return e, coord_over | (total > P)


def _empty(P: int, F: int) -> Elems:
    return Elems(jnp.zeros((P, F), _I32), jnp.int32(0))


# --------------------------------------------------------------------------- toindices / recolor


def toindices_object(obj: Elems):
    """arc-dsl ``toindices`` (spec #83) of an Object: the frozenset of its positions.

    Args: ``obj`` Object ``Elems(int32[P, 3], n)``.
    Returns: Indices ``Elems(int32[P, 2], m)``, canonical, several colours at one position
    collapsed (``m ≤ n``). ``ok`` True, ``overflow`` False. One ``O(P log P)`` sort.
    """
    e, over = make_set(obj.data[:, 1:3], row_mask(obj), obj.data.shape[0])
    return _finish(e, True, over)


def toindices_indices(idx: Elems):
    """arc-dsl ``toindices`` (spec #83) of Indices: the input unchanged.

    Args/Returns: Indices ``Elems(int32[P, 2], n)``. ``ok`` True, ``overflow`` False.
    """
    return result(idx)


def recolor_indices(value, idx: Elems):
    """arc-dsl ``recolor`` (spec #84) of Indices: every position coloured ``value``.

    Args: ``value`` Integer ``int32[]``; ``idx`` Indices ``Elems(int32[P, 2], n)``.
    Returns: Object ``Elems(int32[P, 3], n)`` with rows ``(value, i, j)`` in the input's
    (already canonical) order. ``ok`` True; ``overflow`` when ``value`` is ``None`` and the
    patch is non-empty (an Object row cannot hold a ``None`` colour).
    """
    data = _with_colour(value, idx.data)
    return _finish(Elems(data, idx.n), True, (idx.n > 0) & (jnp.asarray(value, _I32) == INT_NONE))


def recolor_object(value, obj: Elems):
    """arc-dsl ``recolor`` (spec #84) of an Object: ``recolor`` of its ``toindices``.

    Args: ``value`` Integer ``int32[]``; ``obj`` Object ``Elems(int32[P, 3], n)``.
    Returns: Object ``Elems(int32[P, 3], m)`` (one row per distinct position).
    Flags as :func:`recolor_indices`. One ``O(P log P)`` sort.
    """
    idx, _, _ = toindices_object(obj)
    return recolor_indices(value, idx)


# --------------------------------------------------------------------------- shift / normalize


def _translate(p: Elems, obj: bool, di, dj):
    """Add ``(di, dj)`` to every position (order kept). Returns ``(Elems, coord overflow)``."""
    pos = jnp.stack(patch_positions(p), axis=1)
    i, oi = _add_checked(pos[:, 0], di)
    j, oj = _add_checked(pos[:, 1], dj)
    moved = jnp.stack([i, j], axis=1)
    data = jnp.concatenate([p.data[:, :1], moved], axis=1) if obj else moved
    over = jnp.any(row_mask(p) & (oi | oj))
    return Elems(data, p.n), over


def _shift(obj: bool):
    def shift(patch: Elems, directions):
        """arc-dsl ``shift`` (spec #85): add ``directions = (di, dj)`` to every position.

        Args: ``patch`` Indices ``Elems(int32[P, 2], n)`` / Object ``Elems(int32[P, 3], n)``;
        ``directions`` IntegerTuple ``int32[2]``.
        Returns: the same kind and capacity, rows in the input's order (a translation keeps
        the canonical order). An empty patch is returned as is (``ok`` True, whatever
        ``directions`` holds). ``ok`` False for a non-empty patch and a ``None`` / ``()``
        direction component (TypeError / ValueError); ``overflow`` when a shifted coordinate
        leaves ``(-INT_LIMIT, INT_LIMIT)``.
        """
        d = jnp.asarray(directions, _I32)
        some = patch.n > 0
        ok = ~some | _all_valid(d)
        moved, over = _translate(patch, obj, jnp.where(ok, d[0], 0), jnp.where(ok, d[1], 0))
        return _finish(moved, ok, some & over)
    return shift


def _normalize(obj: bool):
    def normalize(patch: Elems):
        """arc-dsl ``normalize`` (spec #86): shift by ``(-uppermost, -leftmost)``.

        Args: ``patch`` Indices ``Elems(int32[P, 2], n)`` / Object ``Elems(int32[P, 3], n)``.
        Returns: the same kind and capacity, order kept; empty input returned as is.
        ``ok`` True; ``overflow`` when a coordinate difference reaches ``INT_LIMIT``.
        """
        top, left, _, _ = patch_bounds(patch)
        pos = jnp.stack(patch_positions(patch), axis=1)
        moved = jnp.stack([pos[:, 0] - top, pos[:, 1] - left], axis=1)   # in [0, 2**31)
        over = jnp.any(row_mask(patch) & jnp.any(moved >= INT_LIMIT, axis=1))
        data = jnp.concatenate([patch.data[:, :1], moved], axis=1) if obj else moved
        return _finish(Elems(data, patch.n), True, over)
    return normalize


# --------------------------------------------------------------------------- mirrors


def _mirror(kind: str, obj: bool):
    """Patch mirror ``kind`` ∈ {h, v, d, c} for Indices (``obj`` False) or Objects."""

    def mirror(patch: Elems):
        top, left, bottom, right = patch_bounds(patch)
        pos = jnp.stack(patch_positions(patch), axis=1)
        i, j = pos[:, 0], pos[:, 1]
        no = jnp.zeros_like(i, dtype=bool)
        if kind == "h":       # i → top + bottom − i, inside [top, bottom]
            ni, nj, oi, oj = top + (bottom - i), j, no, no
        elif kind == "v":     # j → left + right − j
            ni, nj, oi, oj = i, left + (right - j), no, no
        elif kind == "d":     # (i, j) → (top + j − left, left + i − top)
            ni, oi = _add_checked(top, j - left)
            nj, oj = _add_checked(left, i - top)
        else:                 # (i, j) → (top + right − j, left + bottom − i)
            ni, oi = _add_checked(top, right - j)
            nj, oj = _add_checked(left, bottom - i)
        valid = row_mask(patch)
        moved = jnp.stack([ni, nj], axis=1)
        rows = jnp.concatenate([patch.data[:, :1], moved], axis=1) if obj else moved
        e, window_over = make_set(rows, valid, patch.data.shape[0])
        return _finish(e, patch.n > 0, jnp.any(valid & (oi | oj)) | window_over)

    name = {"h": "hmirror", "v": "vmirror", "d": "dmirror", "c": "cmirror"}[kind]
    rule = {
        "h": "each row ``i`` becomes ``uppermost + lowermost − i``",
        "v": "each column ``j`` becomes ``leftmost + rightmost − j``",
        "d": "with ``(a, b)`` = ulcorner, ``(i, j)`` becomes ``(a + j − b, b + i − a)``",
        "c": "with ``a, b, c, d`` = uppermost, leftmost, lowermost, rightmost, ``(i, j)`` "
             "becomes ``(a + d − j, b + c − i)``",
    }[kind]
    number = {"h": 114, "v": 115, "d": 116, "c": 117}[kind]
    mirror.__name__ = f"{name}_{'object' if obj else 'indices'}"
    mirror.__doc__ = f"""arc-dsl ``{name}`` (spec #{number}) of a patch: {rule}.

        Args: ``patch`` {'Object ``Elems(int32[P, 3], n)``' if obj else 'Indices ``Elems(int32[P, 2], n)``'}.
        Returns: the same kind and capacity, re-sorted canonically (one ``O(P log P)``
        sort); colours are kept. ``ok`` False for an empty patch (the reference raises);
        ``overflow`` when a new coordinate leaves ``(-INT_LIMIT, INT_LIMIT)``
        (``hmirror`` / ``vmirror`` map the bounding box onto itself and never overflow).
        """
    return mirror


# --------------------------------------------------------------------------- upscale


def upscale_object(obj: Elems, factor, *, caps):
    """arc-dsl ``upscale`` (spec #124) of an Object.

    With ``(a, b)`` = ulcorner, each cell ``(c, (i, j))`` becomes the ``f × f`` cells
    ``(c, (a + f(i−a) + p, b + f(j−b) + q))``, ``0 ≤ p, q < f``.

    Args: ``obj`` Object ``Elems(int32[P, 3], n)``; ``factor`` Integer ``int32[]``.
    Returns: Object ``Elems(int32[caps.patch, 3], m)``, canonical (one sort of
    ``caps.patch`` rows). Empty object or ``factor ≤ 0`` → empty.
    ``ok`` False for a non-empty object and ``factor`` ``None`` (``range(None)``).
    ``overflow`` when ``n·f² > caps.patch`` (every output row is distinct) or a coordinate
    reaches ``INT_LIMIT``.
    """
    P = caps.patch
    f = jnp.asarray(factor, _I32)
    some = obj.n > 0
    ok = ~some | ~is_sentinel(f)
    grow = some & ok & (f > 0)
    fc = jnp.clip(f, 1, P + 1)                       # f > P already overflows (n ≥ 1)
    f2 = fc * fc                                     # ≤ (P + 1)²
    count = obj.n * jnp.minimum(f2, P + 1)           # exact whenever ≤ P
    top, left, bottom, right = patch_bounds(obj)
    # a + f·(span) + f − 1 < INT_LIMIT  ⇔  span + 1 ≤ (INT_LIMIT − a) // f  (no wrap).
    coord_over = ((bottom - top + 1) > (INT_LIMIT - top) // fc) | (
        (right - left + 1) > (INT_LIMIT - left) // fc)
    over = grow & ((f > P) | (count > P) | coord_over)
    r = jnp.arange(P, dtype=_I32)
    cell = obj.data[jnp.minimum(r // f2, obj.data.shape[0] - 1)]
    s = r % f2
    ni = top + fc * (cell[:, 1] - top) + s // fc
    nj = left + fc * (cell[:, 2] - left) + s % fc
    rows = jnp.stack([cell[:, 0], ni, nj], axis=1)
    e, window_over = make_set(rows, grow & (r < count), P)
    return _finish(e, ok, over | window_over)


def upscale_indices(idx: Elems, factor, *, caps):
    """arc-dsl ``upscale`` (spec #124) of Indices: not accepted.

    Args: ``idx`` Indices ``Elems(int32[P, 2], n)``; ``factor`` Integer ``int32[]``.
    Returns: an empty Object ``Elems(int32[caps.patch, 3], 0)``. ``ok`` False for
    non-empty Indices (the reference raises TypeError whatever the factor); empty
    Indices give ``frozenset()`` (``ok`` True). ``overflow`` False.
    """
    return _finish(_empty(caps.patch, 3), idx.n == 0, False)


# --------------------------------------------------------------------------- neighbourhoods


def _offsets_set(loc, offsets, caps):
    """``loc + offset`` for a static list of offsets already in canonical order."""
    P = caps.patch
    loc = jnp.asarray(loc, _I32)
    ok = _all_valid(loc)
    base = jnp.where(ok, loc, 0)
    off = jnp.asarray(offsets, _I32)
    i, oi = _add_checked(base[0], off[:, 0])
    j, oj = _add_checked(base[1], off[:, 1])
    e = _rows_set(jnp.stack([i, j], axis=1), len(offsets), P)
    return _finish(e, ok, jnp.any(oi | oj) | (len(offsets) > P))


_D_OFFSETS = ((-1, 0), (0, -1), (0, 1), (1, 0))
_I_OFFSETS = ((-1, -1), (-1, 1), (1, -1), (1, 1))
_N_OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


def dneighbors(loc, *, caps):
    """arc-dsl ``dneighbors`` (spec #87): ``(i±1, j)`` and ``(i, j±1)``, no bounds check.

    Args: ``loc`` IntegerTuple ``int32[2]``.
    Returns: Indices ``Elems(int32[caps.patch, 2], 4)``. ``ok`` False when a component is
    ``None`` / ``()``; ``overflow`` when a neighbour coordinate reaches ``±INT_LIMIT``.
    """
    return _offsets_set(loc, _D_OFFSETS, caps)


def ineighbors(loc, *, caps):
    """arc-dsl ``ineighbors`` (spec #88): the 4 diagonal neighbours ``(i±1, j±1)``.

    Args/Returns/flags as :func:`dneighbors`.
    """
    return _offsets_set(loc, _I_OFFSETS, caps)


def neighbors(loc, *, caps):
    """arc-dsl ``neighbors`` (spec #89): the 8 neighbours (dneighbors ∪ ineighbors).

    Args/Returns/flags as :func:`dneighbors` (8 rows).
    """
    return _offsets_set(loc, _N_OFFSETS, caps)


# --------------------------------------------------------------------------- lines


def _connect_line(a, b, P: int):
    """``connect(a, b)`` for valid endpoints: ``(Elems, is_line, overflow)``.

    Cases in the reference's order: same row, same column, main diagonal, anti-diagonal,
    else empty. Every coordinate lies between the endpoints, so none can leave the range.
    """
    ai, aj, bi, bj = a[0], a[1], b[0], b[1]
    r0, r1 = jnp.minimum(ai, bi), jnp.maximum(ai, bi)
    c0, c1 = jnp.minimum(aj, bj), jnp.maximum(aj, bj)
    same_row = ai == bi
    same_col = aj == bj
    diag = (bi - ai) == (bj - aj)
    anti = (bi - ai) == (aj - bj)
    is_line = same_row | same_col | diag | anti
    si = jnp.where(same_row, ai, r0)
    sj = jnp.where(same_row | diag, c0, jnp.where(same_col, aj, c1))
    di = jnp.where(same_row, 0, 1)
    dj = jnp.where(same_row | (~same_col & diag), 1, jnp.where(same_col, 0, -1))
    count = jnp.where(is_line, jnp.where(same_row, c1 - c0, r1 - r0) + 1, 0)
    e, over = _line(si, sj, di, dj, count, P)
    return e, is_line, over


def connect(a, b, *, caps):
    """arc-dsl ``connect`` (spec #139): the straight line through ``a`` and ``b``.

    Args: ``a``, ``b`` IntegerTuple ``int32[2]``.
    Returns: Indices ``Elems(int32[caps.patch, 2], n)`` generated in canonical order;
    empty when the points are not on a row, column or diagonal. ``ok`` False when a
    component is ``None`` / ``()`` (Python compares them); ``overflow`` when the line has
    more than ``caps.patch`` positions.
    """
    a = jnp.asarray(a, _I32)
    b = jnp.asarray(b, _I32)
    ok = _all_valid(a, b)
    e, _, over = _connect_line(jnp.where(ok, a, 0), jnp.where(ok, b, 0), caps.patch)
    return _finish(e, ok, over)


def shoot(start, direction, *, caps):
    """arc-dsl ``shoot`` (spec #155): ``connect(start, start + 42·direction)``.

    Args: ``start``, ``direction`` IntegerTuple ``int32[2]``.
    Returns: Indices ``Elems(int32[caps.patch, 2], n)``: ``42·max(|di|, |dj|) + 1`` unit
    steps for a row/column/diagonal direction (``(0, 0)`` → ``{start}``), empty otherwise
    (e.g. ``(1, 2)``). The line kind is decided on the exact direction; the end point is
    computed from the direction clipped to ``±(caps.patch + 1)`` (a longer line overflows
    anyway), so nothing wraps. ``ok`` False when a component is ``None`` / ``()``;
    ``overflow`` when the line has more than ``caps.patch`` positions or its far end leaves
    ``(-INT_LIMIT, INT_LIMIT)``.
    """
    P = caps.patch
    s = jnp.asarray(start, _I32)
    d = jnp.asarray(direction, _I32)
    ok = _all_valid(s, d)
    s = jnp.where(ok, s, 0)
    d = jnp.where(ok, d, 0)
    is_line = (d[0] == 0) | (d[1] == 0) | (d[0] == d[1]) | (d[0] == -d[1])
    bound = min(P + 1, 2**22)                          # 42·2**22 + 2**30 < 2**31
    dc = jnp.clip(d, -bound, bound)
    end, end_over = _add_checked(s, SHOOT_STEPS * dc)
    e, _, over = _connect_line(s, jnp.where(end_over, s, end), P)
    over = is_line & (over | jnp.any(end_over))
    e = Elems(e.data, jnp.where(is_line, e.n, 0))
    return _finish(e, ok, over)


def _frontier(axis: int):
    def frontier(location, *, caps):
        P = caps.patch
        loc = jnp.asarray(location, _I32)
        kept = loc[1 - axis]                           # the component the reference reads
        ok = kept != INT_EMPTY                         # () raises IndexError
        over = (kept == INT_NONE) | (FRONTIER_LENGTH > P)
        k = jnp.arange(P, dtype=_I32)
        c = jnp.full((P,), kept, _I32)
        pos = jnp.stack([k, c] if axis == 0 else [c, k], axis=1)
        return _finish(_rows_set(pos, FRONTIER_LENGTH, P), ok, over)

    if axis == 0:
        frontier.__name__ = "vfrontier"
        frontier.__doc__ = """arc-dsl ``vfrontier`` (spec #147): ``(i, location[1])`` for
        ``i = 0 … 29``; ``location[0]`` is ignored (it may be ``None``).

        Args: ``location`` IntegerTuple ``int32[2]``.
        Returns: Indices ``Elems(int32[caps.patch, 2], 30)``. ``ok`` False for ``()``
        (IndexError); ``overflow`` when ``location[1]`` is ``None`` (the reference builds
        positions ``(i, None)``, which an Indices row cannot hold) or ``caps.patch < 30``.
        """
    else:
        frontier.__name__ = "hfrontier"
        frontier.__doc__ = """arc-dsl ``hfrontier`` (spec #148): ``(location[0], j)`` for
        ``j = 0 … 29``; ``location[1]`` is ignored (it may be ``None``).

        Args: ``location`` IntegerTuple ``int32[2]``.
        Returns: Indices ``Elems(int32[caps.patch, 2], 30)``. ``ok`` False for ``()``;
        ``overflow`` when ``location[0]`` is ``None`` or ``caps.patch < 30``.
        """
    return frontier


vfrontier = _frontier(0)
hfrontier = _frontier(1)


# --------------------------------------------------------------------------- boxes


def _corners(obj: bool):
    def corners(patch: Elems, *, caps):
        """arc-dsl ``corners`` (spec #138): ``{ulcorner, urcorner, llcorner, lrcorner}``.

        Args: ``patch`` Indices ``Elems(int32[P, 2], n)`` / Object ``Elems(int32[P, 3], n)``.
        Returns: Indices ``Elems(int32[caps.patch, 2], m)``, ``m`` ∈ {1, 2, 4}, canonical.
        ``ok`` True. ``overflow`` for an empty patch: the reference gives
        ``frozenset({()})``, which an Indices cannot hold.
        """
        top, left, bottom, right = patch_bounds(patch)
        pos = jnp.stack([jnp.stack([top, left]), jnp.stack([top, right]),
                         jnp.stack([bottom, left]), jnp.stack([bottom, right])])
        e, window_over = make_set(pos, jnp.ones((4,), bool), caps.patch)
        return _finish(e, True, (patch.n == 0) | window_over)
    return corners


def _box(obj: bool):
    def box(patch: Elems, *, caps):
        """arc-dsl ``box`` (spec #154): the outline of the bounding box.

        Args: ``patch`` Indices ``Elems(int32[P, 2], n)`` / Object ``Elems(int32[P, 3], n)``.
        Returns: Indices ``Elems(int32[caps.patch, 2], m)`` in canonical order (generated
        directly, ``O(caps.patch)``). An empty patch is returned unchanged — the empty
        set. ``ok`` True; ``overflow`` when the outline has more than ``caps.patch``
        positions.
        """
        top, left, bottom, right = patch_bounds(patch)
        e, over = _outline(top, bottom, left, right, caps.patch)
        some = patch.n > 0
        return _finish(Elems(e.data, jnp.where(some, e.n, 0)), True, some & over)
    return box


def _inbox(obj: bool):
    def inbox(patch: Elems, *, caps):
        """arc-dsl ``inbox`` (spec #152): with ``t = uppermost+1``, ``u = lowermost−1``,
        ``l = leftmost+1``, ``r = rightmost−1``, the outline of
        ``[min(t,u), max(t,u)] × [min(l,r), max(l,r)]`` (thin patches grow outward: one
        cell gives its 8 neighbours; a 2×2 box gives itself).

        Args: ``patch`` Indices ``Elems(int32[P, 2], n)`` / Object ``Elems(int32[P, 3], n)``.
        Returns: Indices ``Elems(int32[caps.patch, 2], m)`` in canonical order.
        ``ok`` False for an empty patch (ValueError); ``overflow`` when a coordinate
        leaves ``(-INT_LIMIT, INT_LIMIT)`` or more than ``caps.patch`` positions.
        """
        top, left, bottom, right = patch_bounds(patch)
        t, u, l, r = top + 1, bottom - 1, left + 1, right - 1    # |·| ≤ 2**30: no wrap
        e, over = _outline(jnp.minimum(t, u), jnp.maximum(t, u),
                           jnp.minimum(l, r), jnp.maximum(l, r), caps.patch)
        return _finish(e, patch.n > 0, over)
    return inbox


def _outbox(obj: bool):
    def outbox(patch: Elems, *, caps):
        """arc-dsl ``outbox`` (spec #153): the outline of
        ``[uppermost−1, lowermost+1] × [leftmost−1, rightmost+1]``.

        Args: ``patch`` Indices ``Elems(int32[P, 2], n)`` / Object ``Elems(int32[P, 3], n)``.
        Returns: Indices ``Elems(int32[caps.patch, 2], m)`` in canonical order.
        ``ok`` False for an empty patch (ValueError); ``overflow`` when a coordinate
        leaves ``(-INT_LIMIT, INT_LIMIT)`` or more than ``caps.patch`` positions.
        """
        top, left, bottom, right = patch_bounds(patch)
        e, over = _outline(top - 1, bottom + 1, left - 1, right + 1, caps.patch)
        return _finish(e, patch.n > 0, over)
    return outbox


def _backdrop(obj: bool):
    def backdrop(patch: Elems, *, caps):
        """arc-dsl ``backdrop`` (spec #149): every position of the bounding box.

        Args: ``patch`` Indices ``Elems(int32[P, 2], n)`` / Object ``Elems(int32[P, 3], n)``.
        Returns: Indices ``Elems(int32[caps.patch, 2], h·w)``, row-major (canonical),
        generated directly (``O(caps.patch)``); empty patch → empty. ``ok`` True;
        ``overflow`` when ``h·w > caps.patch``.
        """
        P = caps.patch
        top, left, bottom, right = patch_bounds(patch)
        h = jnp.minimum(bottom - top + 1, P + 1)
        w = jnp.minimum(right - left + 1, P + 1)
        total = jnp.where(patch.n > 0, h * w, 0)
        k = jnp.arange(P, dtype=_I32)
        pos = jnp.stack([top + k // w, left + k % w], axis=1)
        return _finish(_rows_set(pos, total, P), True, total > P)
    return backdrop


def _delta(obj: bool):
    def delta(patch: Elems, *, caps):
        """arc-dsl ``delta`` (spec #150): the bounding-box positions not in the patch.

        Args: ``patch`` Indices ``Elems(int32[P, 2], n)`` / Object ``Elems(int32[P, 3], n)``.
        Returns: Indices ``Elems(int32[caps.patch, 2], m)``, row-major (canonical); empty
        patch → empty. ``ok`` True; ``overflow`` when more than ``caps.patch`` positions.

        Cost: a patch has at most ``P`` distinct positions, so a bounding box of more than
        ``2·caps.patch`` positions always overflows; otherwise the patch is scattered into
        a ``bool[2·caps.patch]`` bitmap of the box (row-major keys) and the unset box
        positions are compacted — ``O(P)``, no sort, no pairwise comparison.
        """
        P = caps.patch
        Q = 2 * P
        top, left, bottom, right = patch_bounds(patch)
        h = jnp.minimum(bottom - top + 1, Q + 1)
        w = jnp.minimum(right - left + 1, Q + 1)
        total = jnp.where(patch.n > 0, h * w, 0)
        big = total > Q
        pos = jnp.stack(patch_positions(patch), axis=1)
        key = (pos[:, 0] - top) * w + (pos[:, 1] - left)
        key = jnp.where(row_mask(patch) & ~big, jnp.clip(key, 0, Q), Q)
        hit = jnp.zeros((Q + 1,), bool).at[key].set(True)
        k = jnp.arange(Q, dtype=_I32)
        keep = (k < total) & ~hit[:Q] & ~big
        cand = jnp.stack([top + k // w, left + k % w], axis=1)
        out, n, over = compact(cand, keep, P)
        return _finish(Elems(out, n), True, big | over)
    return delta


# --------------------------------------------------------------------------- registry


def _both_kinds(make, out: str | None = None) -> tuple[Signature, ...]:
    """Signatures for an Indices and an Object patch (result: ``out``, else the input kind)."""
    return (Signature((INDICES,), out or INDICES, make(False)), Signature((OBJECT,), out or OBJECT, make(True)))


def _named(make, name: str):
    """Give the per-kind closures readable names (``shift_object`` …) for tracebacks."""
    def build(obj: bool):
        fn = make(obj)
        fn.__name__ = f"{name}_{'object' if obj else 'indices'}"
        return fn
    return build


SIGNATURES: dict[str, tuple[Signature, ...]] = {
    "toindices": (Signature((OBJECT,), INDICES, toindices_object),
                  Signature((INDICES,), INDICES, toindices_indices)),
    "recolor": (Signature((INTEGER, OBJECT), OBJECT, recolor_object),
                Signature((INTEGER, INDICES), OBJECT, recolor_indices)),
    "shift": (Signature((INDICES, INTEGER_TUPLE), INDICES, _named(_shift, "shift")(False)),
              Signature((OBJECT, INTEGER_TUPLE), OBJECT, _named(_shift, "shift")(True))),
    "normalize": _both_kinds(_named(_normalize, "normalize")),
    **{name: _both_kinds(lambda obj, k=kind: _mirror(k, obj))
       for name, kind in (("hmirror", "h"), ("vmirror", "v"), ("dmirror", "d"), ("cmirror", "c"))},
    "upscale": (Signature((OBJECT, INTEGER), OBJECT, upscale_object),
                Signature((INDICES, INTEGER), OBJECT, upscale_indices)),
    "dneighbors": (Signature((INTEGER_TUPLE,), INDICES, dneighbors),),
    "ineighbors": (Signature((INTEGER_TUPLE,), INDICES, ineighbors),),
    "neighbors": (Signature((INTEGER_TUPLE,), INDICES, neighbors),),
    "connect": (Signature((INTEGER_TUPLE, INTEGER_TUPLE), INDICES, connect),),
    "shoot": (Signature((INTEGER_TUPLE, INTEGER_TUPLE), INDICES, shoot),),
    "vfrontier": (Signature((INTEGER_TUPLE,), INDICES, vfrontier),),
    "hfrontier": (Signature((INTEGER_TUPLE,), INDICES, hfrontier),),
    **{name: _both_kinds(_named(make, name), INDICES)
       for name, make in (("corners", _corners), ("box", _box), ("inbox", _inbox),
                          ("outbox", _outbox), ("backdrop", _backdrop), ("delta", _delta))},
}
"""Primitive name → its patch-family signatures (merged into ``jaxdsl.prims.REGISTRY``)."""
