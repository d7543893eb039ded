"""Patch geometry, predicates, lines and boxes (arc-dsl #78–89, #93–105, #134–155).

Reference implementations of spec §4.7, §4.9 and §4.11. A patch is an Object (frozenset
of ``(colour, (i, j))``) or Indices (frozenset of ``(i, j)``); which one is judged on the
first element in canonical order (spec §1, §5). Positions are not bounded by any grid.
"""

from __future__ import annotations

from typing import Any

from . import _base

__all__ = [
    "ulcorner", "urcorner", "llcorner", "lrcorner", "toindices", "recolor", "shift",
    "normalize", "dneighbors", "ineighbors", "neighbors", "uppermost", "lowermost",
    "leftmost", "rightmost", "vline", "hline", "hmatching", "vmatching", "manhattan",
    "adjacent", "bordering", "centerofmass", "center", "position", "corners", "connect",
    "vfrontier", "hfrontier", "backdrop", "delta", "gravitate", "inbox", "outbox", "box",
    "shoot",
]


# ---------------------------------------------------------------------------------------
# private helpers


def _rows_cols(patch: Any) -> tuple:
    """``(rows, cols)`` tuples of the positions of a patch (empty tuples for empty)."""
    ind = toindices(patch)
    if len(ind) == 0:
        return (), ()
    rows, cols = zip(*ind)
    return rows, cols


def _outline(r0: int, r1: int, c0: int, c1: int) -> frozenset:
    """Positions of the rectangle ``[r0, r1] × [c0, c1]`` with i ∈ {r0, r1} or j ∈ {c0, c1}."""
    cells = {(i, c0) for i in range(r0, r1 + 1)}
    cells.update((i, c1) for i in range(r0, r1 + 1))
    cells.update((r0, j) for j in range(c0, c1 + 1))
    cells.update((r1, j) for j in range(c0, c1 + 1))
    return frozenset(cells)


def _height(piece: Any) -> int:
    if len(piece) == 0:
        return 0
    if _base.is_grid(piece):
        return len(piece)
    return lowermost(piece) - uppermost(piece) + 1


def _width(piece: Any) -> int:
    if len(piece) == 0:
        return 0
    if _base.is_grid(piece):
        return len(piece[0])
    return rightmost(piece) - leftmost(piece) + 1


def _touching(a: frozenset, b: frozenset) -> bool:
    """Whether two index sets are at Manhattan distance exactly 1: disjoint, and some
    position of ``a`` has an orthogonal neighbour in ``b`` (O(|a|) set look-ups)."""
    if not a.isdisjoint(b):
        return False
    for i, j in a:
        if (i - 1, j) in b or (i + 1, j) in b or (i, j - 1) in b or (i, j + 1) in b:
            return True
    return False


def _min_distance(a: frozenset, b: frozenset) -> int:
    """Minimum Manhattan distance between two non-empty index sets."""
    if not a.isdisjoint(b):
        return 0
    best = None
    for ai, aj in a:
        for bi, bj in b:
            d = abs(ai - bi) + abs(aj - bj)
            if best is None or d < best:
                best = d
                if d == 1:
                    return 1
    return best


# ---------------------------------------------------------------------------------------
# corners and conversions (spec §4.7)


def ulcorner(patch: Any) -> tuple:
    """``(min row, min column)`` of a patch (arc-dsl #78 ulcorner, spec §4.7).

    Each component is computed separately, so the corner need not be a cell.
    Input: Patch. Output: IntegerTuple, or ``()`` for an empty patch (no error).
    """
    return tuple(min(c) for c in zip(*toindices(patch)))


def urcorner(patch: Any) -> tuple:
    """``(min row, max column)`` of a patch (arc-dsl #79 urcorner, spec §4.7).

    Input: Patch. Output: IntegerTuple, or ``()`` for an empty patch (no error).
    """
    rows, cols = _rows_cols(patch)
    if not rows:
        return ()
    return (min(rows), max(cols))


def llcorner(patch: Any) -> tuple:
    """``(max row, min column)`` of a patch (arc-dsl #80 llcorner, spec §4.7).

    Input: Patch. Output: IntegerTuple, or ``()`` for an empty patch (no error).
    """
    rows, cols = _rows_cols(patch)
    if not rows:
        return ()
    return (max(rows), min(cols))


def lrcorner(patch: Any) -> tuple:
    """``(max row, max column)`` of a patch (arc-dsl #81 lrcorner, spec §4.7).

    Input: Patch. Output: IntegerTuple, or ``()`` for an empty patch (no error).
    """
    return tuple(max(c) for c in zip(*toindices(patch)))


def toindices(patch: Any) -> Any:
    """Positions of a patch (arc-dsl #83 toindices, spec §4.7).

    Empty → ``frozenset()``; an Object (judged on its first element) → the frozenset of
    its positions (several colours at one position collapse); anything else (Indices, or
    a Grid) is returned unchanged, as the same object.

    Input: Patch. Output: Indices.
    """
    if len(patch) == 0:
        return frozenset()
    if _base.is_object(patch):
        return frozenset(loc for _, loc in patch)
    return patch


def recolor(value: int, patch: Any) -> frozenset:
    """Object with every position of ``patch`` coloured ``value`` (arc-dsl #84, spec §4.7).

    Input: int, Patch. Output: Object (empty for an empty patch).
    """
    return frozenset((value, loc) for loc in toindices(patch))


def shift(patch: Any, directions: tuple) -> Any:
    """Translate a patch by ``(di, dj)`` (arc-dsl #85 shift, spec §4.7).

    An Object keeps its colours, Indices stay Indices; an empty patch is returned as is
    (the same object).

    Input: Patch, IntegerTuple. Output: Patch of the same kind.
    """
    if len(patch) == 0:
        return patch
    di, dj = directions
    if _base.is_object(patch):
        return frozenset((v, (i + di, j + dj)) for v, (i, j) in patch)
    return frozenset((i + di, j + dj) for i, j in patch)


def normalize(patch: Any) -> Any:
    """Shift a patch by ``(−uppermost, −leftmost)`` (arc-dsl #86 normalize, spec §4.7).

    Empty input is returned as is (the same object).
    Input: Patch. Output: Patch of the same kind.
    """
    if len(patch) == 0:
        return patch
    rows, cols = _rows_cols(patch)
    return shift(patch, (-min(rows), -min(cols)))


def dneighbors(loc: tuple) -> frozenset:
    """The 4 orthogonal neighbours of ``loc`` (arc-dsl #87 dneighbors, spec §4.7).

    No bounds check (negative positions are possible).
    Input: IntegerTuple. Output: Indices.
    """
    i, j = loc[0], loc[1]
    return frozenset({(i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)})


def ineighbors(loc: tuple) -> frozenset:
    """The 4 diagonal neighbours of ``loc`` (arc-dsl #88 ineighbors, spec §4.7).

    Input: IntegerTuple. Output: Indices.
    """
    i, j = loc[0], loc[1]
    return frozenset({(i - 1, j - 1), (i - 1, j + 1), (i + 1, j - 1), (i + 1, j + 1)})


def neighbors(loc: tuple) -> frozenset:
    """The 8 neighbours of ``loc``: dneighbors ∪ ineighbors (arc-dsl #89, spec §4.7).

    Input: IntegerTuple. Output: Indices.
    """
    return dneighbors(loc) | ineighbors(loc)


# ---------------------------------------------------------------------------------------
# extremes, predicates and measures (spec §4.9)


def uppermost(patch: Any) -> int:
    """Minimum row of a patch (arc-dsl #93 uppermost, spec §4.9).

    Input: Patch. Output: int. Raises ValueError for an empty patch.
    """
    return min(i for i, _ in toindices(patch))


def lowermost(patch: Any) -> int:
    """Maximum row of a patch (arc-dsl #94 lowermost, spec §4.9).

    Input: Patch. Output: int. Raises ValueError for an empty patch.
    """
    return max(i for i, _ in toindices(patch))


def leftmost(patch: Any) -> int:
    """Minimum column of a patch (arc-dsl #95 leftmost, spec §4.9).

    Input: Patch. Output: int. Raises ValueError for an empty patch.
    """
    return min(j for _, j in toindices(patch))


def rightmost(patch: Any) -> int:
    """Maximum column of a patch (arc-dsl #96 rightmost, spec §4.9).

    Input: Patch. Output: int. Raises ValueError for an empty patch.
    """
    return max(j for _, j in toindices(patch))


def vline(patch: Any) -> bool:
    """Whether height == number of elements and width == 1 (arc-dsl #98 vline, §4.9).

    Empty → False. A Grid gives True exactly when its width is 1.
    Input: Patch (or Grid). Output: bool.
    """
    return _height(patch) == len(patch) and _width(patch) == 1


def hline(patch: Any) -> bool:
    """Whether width == number of elements and height == 1 (arc-dsl #99 hline, §4.9).

    Empty → False. A Grid gives True only when it is 1×1.
    Input: Patch (or Grid). Output: bool.
    """
    return _width(patch) == len(patch) and _height(patch) == 1


def hmatching(a: Any, b: Any) -> bool:
    """Whether some row index occurs in both patches (arc-dsl #100 hmatching, §4.9).

    False if either patch is empty.
    Input: Patch, Patch. Output: bool.
    """
    rows_a = {i for i, _ in toindices(a)}
    return any(i in rows_a for i, _ in toindices(b))


def vmatching(a: Any, b: Any) -> bool:
    """Whether some column index occurs in both patches (arc-dsl #101 vmatching, §4.9).

    False if either patch is empty.
    Input: Patch, Patch. Output: bool.
    """
    cols_a = {j for _, j in toindices(a)}
    return any(j in cols_a for _, j in toindices(b))


def manhattan(a: Any, b: Any) -> int:
    """Minimum ``|Δi| + |Δj|`` over all pairs of positions (arc-dsl #102, spec §4.9).

    Overlapping patches → 0.
    Input: Patch, Patch. Output: int. Raises ValueError if either patch is empty.
    """
    ia, ib = toindices(a), toindices(b)
    if len(ia) == 0 or len(ib) == 0:
        raise ValueError("manhattan of an empty patch")
    return _min_distance(frozenset(ia), frozenset(ib))


def adjacent(a: Any, b: Any) -> bool:
    """Whether ``manhattan(a, b) == 1`` (arc-dsl #103 adjacent, spec §4.9).

    Diagonal contact and any overlap are not adjacency.
    Input: Patch, Patch. Output: bool. Raises ValueError if either patch is empty.
    """
    ia, ib = toindices(a), toindices(b)
    if len(ia) == 0 or len(ib) == 0:
        raise ValueError("adjacent of an empty patch")
    return _touching(frozenset(ia), frozenset(ib))


def bordering(patch: Any, grid: tuple) -> bool:
    """Whether the patch touches a grid side, by equality (arc-dsl #104 bordering, §4.9).

    Tests, in this order and short-circuiting: uppermost == 0, leftmost == 0,
    lowermost == h − 1, rightmost == w − 1 (w = length of the first row). A patch that
    sticks out beyond a side does not touch it.

    Input: Patch, Grid. Output: bool.
    Raises ValueError for an empty patch; IndexError for the grid ``()`` when the
    column test is reached.
    """
    return (
        uppermost(patch) == 0
        or leftmost(patch) == 0
        or lowermost(patch) == len(grid) - 1
        or rightmost(patch) == len(grid[0]) - 1
    )


def centerofmass(patch: Any) -> tuple:
    """``(⌊Σi / N⌋, ⌊Σj / N⌋)`` of a patch (arc-dsl #105 centerofmass, spec §4.9).

    The sums run over the *distinct positions* (toindices) while N is the number of
    *elements* of the patch; floor division rounds toward −∞.

    Input: Patch. Output: IntegerTuple, or ``()`` for an empty patch (no error).
    """
    n = len(patch)
    return tuple(sum(c) // n for c in zip(*toindices(patch)))


# ---------------------------------------------------------------------------------------
# positions, lines and boxes (spec §4.11)


def center(patch: Any) -> tuple:
    """Centre of the bounding box (arc-dsl #134 center, spec §4.11).

    ``(uppermost + height // 2, leftmost + width // 2)``: for even extents the lower /
    right middle line.
    Input: Patch. Output: IntegerTuple. Raises ValueError for an empty patch.
    """
    return (uppermost(patch) + _height(patch) // 2, leftmost(patch) + _width(patch) // 2)


def position(a: Any, b: Any) -> tuple:
    """Unit direction from the centre of ``a`` to the centre of ``b`` (arc-dsl #135).

    With centres ``(ia, ja)``, ``(ib, jb)`` and ``s = 1 if ja < jb else −1``, the first
    matching rule: ``ia == ib`` → ``(0, s)``; ``ja == jb`` → ``(1 if ia < ib else −1, 0)``;
    ``ia < ib`` → ``(1, s)``; otherwise ``(−1, s)`` (spec §4.11).

    Input: Patch, Patch. Output: IntegerTuple. Raises ValueError for an empty patch.
    """
    ia, ja = center(a)
    ib, jb = center(b)
    s = 1 if ja < jb else -1
    if ia == ib:
        return (0, s)
    if ja == jb:
        return (1 if ia < ib else -1, 0)
    if ia < ib:
        return (1, s)
    return (-1, s)


def corners(patch: Any) -> frozenset:
    """The four bounding-box corners (arc-dsl #138 corners, spec §4.11).

    1, 2 or 4 distinct positions, not necessarily cells of the patch. Empty input →
    ``frozenset({()})`` (each corner is ``()``).
    Input: Patch. Output: Indices.
    """
    return frozenset({ulcorner(patch), urcorner(patch), llcorner(patch), lrcorner(patch)})


def connect(a: tuple, b: tuple) -> frozenset:
    """Straight line through both endpoints (arc-dsl #139 connect, spec §4.11).

    Tried in order: same row; same column; ``bi−ai == bj−aj`` → main diagonal
    ``(r0+k, c0+k)``; ``bi−ai == aj−bj`` → anti-diagonal ``(r0+k, c1−k)``,
    ``k = 0 … r1−r0``; anything else → ``frozenset()``.
    Input: IntegerTuple, IntegerTuple. Output: Indices.
    """
    ai, aj = a
    bi, bj = b
    r0, r1 = min(ai, bi), max(ai, bi)
    c0, c1 = min(aj, bj), max(aj, bj)
    if ai == bi:
        return frozenset((ai, j) for j in range(c0, c1 + 1))
    if aj == bj:
        return frozenset((i, aj) for i in range(r0, r1 + 1))
    if bi - ai == bj - aj:
        return frozenset((r0 + k, c0 + k) for k in range(r1 - r0 + 1))
    if bi - ai == aj - bj:
        return frozenset((r0 + k, c1 - k) for k in range(r1 - r0 + 1))
    return frozenset()


def vfrontier(location: tuple) -> frozenset:
    """Column ``location[1]`` for rows 0 … 29: always 30 cells (arc-dsl #147, spec §4.11).

    The row of ``location`` is ignored; nothing is clipped.
    Input: IntegerTuple. Output: Indices.
    """
    j = location[1]
    return frozenset((i, j) for i in range(30))


def hfrontier(location: tuple) -> frozenset:
    """Row ``location[0]`` for columns 0 … 29: always 30 cells (arc-dsl #148, spec §4.11).

    Input: IntegerTuple. Output: Indices.
    """
    i = location[0]
    return frozenset((i, j) for j in range(30))


def backdrop(patch: Any) -> frozenset:
    """Every position of the bounding box (arc-dsl #149 backdrop, spec §4.11).

    Input: Patch. Output: Indices (``frozenset()`` for an empty patch).
    """
    rows, cols = _rows_cols(patch)
    if not rows:
        return frozenset()
    c0, c1 = min(cols), max(cols) + 1
    return frozenset((i, j) for i in range(min(rows), max(rows) + 1) for j in range(c0, c1))


def delta(patch: Any) -> frozenset:
    """Bounding-box positions that are not in the patch (arc-dsl #150 delta, §4.11).

    Input: Patch. Output: Indices (``frozenset()`` for an empty patch).
    """
    if len(patch) == 0:
        return frozenset()
    return backdrop(patch) - toindices(patch)


def gravitate(source: Any, destination: Any) -> tuple:
    """Offset that moves ``source`` until it is adjacent to ``destination`` (arc-dsl #151).

    Direction (spec §4.11): with centres ``(si, sj)``, ``(di, dj)``: if the patches share a
    column (vmatching on the original source) → ``(1, 0)`` if ``si < di`` else ``(−1, 0)``;
    otherwise ``(0, 1)`` if ``sj < dj`` else ``(0, −1)``. Distance: the smallest ``k`` in
    0 … 42 with ``shift(source, k·direction)`` adjacent to ``destination``, or 42 if none.
    Result ``k · direction``.

    Input: Patch, Patch. Output: IntegerTuple.
    Raises ValueError if either patch is empty.
    """
    si, sj = center(source)
    di, dj = center(destination)
    if vmatching(source, destination):
        step = (1, 0) if si < di else (-1, 0)
    else:
        step = (0, 1) if sj < dj else (0, -1)
    src = frozenset(toindices(source))
    dst = frozenset(toindices(destination))
    k = 0
    while k < 42:
        moved = src if k == 0 else frozenset((i + k * step[0], j + k * step[1]) for i, j in src)
        if _touching(moved, dst):
            break
        k += 1
    return (k * step[0], k * step[1])


def inbox(patch: Any) -> frozenset:
    """Outline of the box just inside the bounding box (arc-dsl #152 inbox, spec §4.11).

    With ``t = uppermost+1``, ``u = lowermost−1``, ``l = leftmost+1``, ``r = rightmost−1``:
    the outline of ``[min(t,u), max(t,u)] × [min(l,r), max(l,r)]``. For thin patches the
    min/max swap makes it grow outward (a single cell gives its 8 neighbours).

    Input: Patch. Output: Indices. Raises ValueError for an empty patch.
    """
    t, u = uppermost(patch) + 1, lowermost(patch) - 1
    l, r = leftmost(patch) + 1, rightmost(patch) - 1
    return _outline(min(t, u), max(t, u), min(l, r), max(l, r))


def outbox(patch: Any) -> frozenset:
    """Outline of ``[uppermost−1, lowermost+1] × [leftmost−1, rightmost+1]`` (arc-dsl #153).

    Spec §4.11. Input: Patch. Output: Indices. Raises ValueError for an empty patch.
    """
    return _outline(uppermost(patch) - 1, lowermost(patch) + 1,
                    leftmost(patch) - 1, rightmost(patch) + 1)


def box(patch: Any) -> Any:
    """Outline of the bounding box (arc-dsl #154 box, spec §4.11).

    An empty input is returned unchanged (the same object).
    Input: Patch. Output: Indices.
    """
    if len(patch) == 0:
        return patch
    rows, cols = _rows_cols(patch)
    return _outline(min(rows), max(rows), min(cols), max(cols))


def shoot(start: tuple, direction: tuple) -> frozenset:
    """``connect(start, start + 42·direction)`` (arc-dsl #155 shoot, spec §4.11).

    A unit direction gives 43 cells; ``(0, 0)`` gives ``{start}``; a non-line direction
    such as ``(1, 2)`` gives ``frozenset()``; longer directions still give unit steps
    (``(2, 2)`` → 85 cells, ``(0, 3)`` → 127 cells).
    Input: IntegerTuple, IntegerTuple. Output: Indices.
    """
    return connect(start, (start[0] + 42 * direction[0], start[1] + 42 * direction[1]))
