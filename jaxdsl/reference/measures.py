"""Colours and measurements of grids and pieces (arc-dsl #67–73, #97, #106–107).

Reference implementations of spec §4.6 (mostcolor … colorcount), §4.9 (square, palette,
numcolors). A ``tuple`` argument is a Grid, anything else a patch (spec §1). For a patch,
"colour" means the first component of each element, so on Indices the row indices are
counted (a silent misuse the original allows). Ties of mostcolor/leastcolor resolve to
the smallest tied value (canonical order, spec §5).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import _base
from . import patches as _patches

__all__ = [
    "mostcolor", "leastcolor", "height", "width", "shape", "portrait", "colorcount",
    "palette", "numcolors", "square",
]


def _value_counts(element: Any) -> Counter:
    """Occurrence count of every value: cell values of a Grid, first components of a patch."""
    counts: Counter = Counter()
    if _base.is_grid(element):
        for row in element:
            counts.update(row)
    else:
        counts.update(v for v, _ in element)
    return counts


def _pick(counts: Counter, best_count_of) -> Any:
    """The smallest (canonical order) value whose count is ``best_count_of(counts)``."""
    if not counts:
        # max()/min() of an empty sequence in the original
        raise ValueError("empty element has no colour")
    target = best_count_of(counts.values())
    tied = [v for v, c in counts.items() if c == target]
    if len(tied) == 1:
        return tied[0]
    return _base.canon_min(tied)


def mostcolor(element: Any) -> int:
    """Most frequent value of an Element (arc-dsl #67 mostcolor, spec §4.6).

    Grid (tuple) → counts every cell value; patch → counts the first component of every
    element (colours of an Object, *row indices* of Indices). Ties → the smallest tied
    value (canonical order, spec §5).

    Input: Grid or Patch. Output: int.
    Raises ValueError on empty input: ``()``, ``((),)`` or ``frozenset()``.
    """
    return _pick(_value_counts(element), max)


def leastcolor(element: Any) -> int:
    """Least frequent value of an Element (arc-dsl #68 leastcolor, spec §4.6).

    Same counting as :func:`mostcolor`; returns the value with the lowest count, ties →
    the smallest tied value (canonical order, spec §5).

    Input: Grid or Patch. Output: int.
    Raises ValueError on empty input.
    """
    return _pick(_value_counts(element), min)


def height(piece: Any) -> int:
    """Height of a Piece (arc-dsl #69 height, spec §4.6).

    Empty (``()`` or ``frozenset()``) → 0; any other tuple → its number of rows
    (``height(((),))`` is 1); a patch → ``lowermost − uppermost + 1``.

    Input: Grid or Patch. Output: int. Raises nothing on well-formed input.
    """
    if len(piece) == 0:
        return 0
    if _base.is_grid(piece):
        return len(piece)
    return _patches.lowermost(piece) - _patches.uppermost(piece) + 1


def width(piece: Any) -> int:
    """Width of a Piece (arc-dsl #70 width, spec §4.6).

    Empty → 0; a tuple → the length of its first row (rows are not checked to be
    equal); a patch → ``rightmost − leftmost + 1``.

    Input: Grid or Patch. Output: int. Raises nothing on well-formed input.
    """
    if len(piece) == 0:
        return 0
    if _base.is_grid(piece):
        return len(piece[0])
    return _patches.rightmost(piece) - _patches.leftmost(piece) + 1


def shape(piece: Any) -> tuple:
    """``(height, width)`` of a Piece (arc-dsl #71 shape, spec §4.6).

    ``shape(frozenset())`` → ``(0, 0)``, ``shape(((),))`` → ``(1, 0)``.

    Input: Grid or Patch. Output: IntegerTuple. Raises nothing on well-formed input.
    """
    return (height(piece), width(piece))


def portrait(piece: Any) -> bool:
    """Whether height > width (arc-dsl #72 portrait, spec §4.6).

    Input: Grid or Patch. Output: bool (``portrait(((),))`` is True).
    """
    return height(piece) > width(piece)


def colorcount(element: Any, value: int) -> int:
    """Number of occurrences of ``value`` (arc-dsl #73 colorcount, spec §4.6).

    Grid → number of cells equal to ``value``; frozenset → number of elements whose first
    component equals ``value`` (for Indices: the cells in row ``value``). Empty → 0.

    Input: Grid or Patch, int. Output: int.
    """
    if _base.is_grid(element):
        return sum(row.count(value) for row in element)
    return sum(v == value for v, _ in element)


def square(piece: Any) -> bool:
    """Whether a Piece is a filled square (arc-dsl #97 square, spec §4.9).

    Tuple → number of rows == length of the first row. Patch → ``height·width`` equals
    the number of *elements* and ``height == width`` (``square(frozenset())`` is True;
    duplicated positions of an Object count more than once).

    Input: Grid or Patch. Output: bool.
    Raises IndexError for the empty grid ``()``.
    """
    if _base.is_grid(piece):
        return len(piece) == len(piece[0])
    h, w = height(piece), width(piece)
    return h * w == len(piece) and h == w


def palette(element: Any) -> frozenset:
    """Set of values of an Element (arc-dsl #106 palette, spec §4.9).

    Grid → the frozenset of cell values; frozenset → the frozenset of first components
    (row indices for Indices). Empty → ``frozenset()``.

    Input: Grid or Patch. Output: IntegerSet.
    """
    if _base.is_grid(element):
        return frozenset(v for row in element for v in row)
    return frozenset(v for v, _ in element)


def numcolors(element: Any) -> int:
    """Number of distinct values, ``len(palette(element))`` (arc-dsl #107 numcolors, §4.9).

    Returns an int although arc-dsl annotates IntegerSet.

    Input: Grid or Patch. Output: int.
    """
    return len(palette(element))
