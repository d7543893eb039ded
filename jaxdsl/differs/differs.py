"""Differs for batt programs (tokpidjin dialect spec §4.5), written in arc-dsl.

Each ``differ_<name>(S, I, C)`` returns the IntegerTuple ``(score, detail)``: ``score`` is
an int in 0..1000 and is 1000 when ``I`` looks exactly like ``C`` for the measure (higher
is more similar); ``detail`` is an int describing the difference. ``I`` is a candidate
output grid, ``C`` the expected output grid. ``S`` (the task's demo pairs) is never read,
so every differ type-checks for the JAX backend. Every differ runs without raising for any
two non-empty grids, of any (different) shapes.

* ``differ_cells``: fraction of equal cells when the shapes match, else 0;
  detail = number of unequal cells in the top-left overlap.
* ``differ_shape``: overlap area of the two top-left aligned rectangles over the area of
  their bounding rectangle; detail = |dh| + |dw|.
* ``differ_palette``: 1000 - 100 * |symmetric difference of the palettes|, clamped;
  detail = the size of that symmetric difference.
* ``differ_histogram``: Dice coefficient of the colour-count histograms (multisets of cell
  colours); detail = L1 distance of the histograms.
* ``differ_objects``: 1000 - 100 * |difference of the object counts|, clamped, objects
  being ``objects(·, T, F, T)``; detail = count(I) - count(C).
* ``differ_largest``: (min + 1) / (max + 1) of the sizes of the largest objects
  (``objects(·, T, F, T)``, 0 when there are none); detail = size(I) - size(C).
* ``differ_background``: 1000 when the background colours (``mostcolor``) agree, else 0;
  detail = the background colour of I.
"""

from dsl import *
from constants import *


def differ_cells(S, I, C):
    x1 = shape(I)
    x2 = shape(C)
    x3 = equality(x1, x2)
    x4 = crop(I, ORIGIN, x2)
    x5 = crop(C, ORIGIN, x1)
    x6 = cellwise(x4, x5, NEG_ONE)
    x7 = ofcolor(x6, NEG_ONE)
    x8 = size(x7)
    x9 = height(C)
    x10 = width(C)
    x11 = multiply(x9, x10)
    x12 = subtract(x11, x8)
    x13 = multiply(TEN, TEN)
    x14 = multiply(x13, TEN)
    x15 = multiply(x12, x14)
    x16 = divide(x15, x11)
    x17 = multiply(x16, x3)
    O = astuple(x17, x8)
    return O


def differ_shape(S, I, C):
    x1 = height(I)
    x2 = height(C)
    x3 = initset(x1)
    x4 = insert(x2, x3)
    x5 = minimum(x4)
    x6 = maximum(x4)
    x7 = width(I)
    x8 = width(C)
    x9 = initset(x7)
    x10 = insert(x8, x9)
    x11 = minimum(x10)
    x12 = maximum(x10)
    x13 = multiply(x5, x11)
    x14 = multiply(x6, x12)
    x15 = multiply(TEN, TEN)
    x16 = multiply(x15, TEN)
    x17 = multiply(x13, x16)
    x18 = divide(x17, x14)
    x19 = subtract(x6, x5)
    x20 = subtract(x12, x11)
    x21 = add(x19, x20)
    O = astuple(x18, x21)
    return O


def differ_palette(S, I, C):
    x1 = palette(I)
    x2 = palette(C)
    x3 = difference(x1, x2)
    x4 = difference(x2, x1)
    x5 = combine(x3, x4)
    x6 = size(x5)
    x7 = multiply(TEN, TEN)
    x8 = multiply(x7, TEN)
    x9 = multiply(x6, x7)
    x10 = subtract(x8, x9)
    x11 = initset(x10)
    x12 = insert(ZERO, x11)
    x13 = maximum(x12)
    O = astuple(x13, x6)
    return O


def differ_histogram(S, I, C):
    x1 = lbind(interval, ZERO)
    x2 = rbind(x1, ONE)
    x3 = lbind(colorcount, I)
    x4 = compose(x2, x3)
    x5 = fork(product, initset, x4)
    x6 = palette(I)
    x7 = mapply(x5, x6)
    x8 = lbind(colorcount, C)
    x9 = compose(x2, x8)
    x10 = fork(product, initset, x9)
    x11 = palette(C)
    x12 = mapply(x10, x11)
    x13 = intersection(x7, x12)
    x14 = size(x13)
    x15 = size(x7)
    x16 = size(x12)
    x17 = add(x15, x16)
    x18 = double(x14)
    x19 = subtract(x17, x18)
    x20 = multiply(TEN, TEN)
    x21 = multiply(x20, TEN)
    x22 = multiply(x18, x21)
    x23 = divide(x22, x17)
    O = astuple(x23, x19)
    return O


def differ_objects(S, I, C):
    x1 = objects(I, T, F, T)
    x2 = objects(C, T, F, T)
    x3 = size(x1)
    x4 = size(x2)
    x5 = subtract(x3, x4)
    x6 = invert(x5)
    x7 = initset(x5)
    x8 = insert(x6, x7)
    x9 = maximum(x8)
    x10 = multiply(TEN, TEN)
    x11 = multiply(x10, TEN)
    x12 = multiply(x9, x10)
    x13 = subtract(x11, x12)
    x14 = initset(x13)
    x15 = insert(ZERO, x14)
    x16 = maximum(x15)
    O = astuple(x16, x5)
    return O


def differ_largest(S, I, C):
    x1 = objects(I, T, F, T)
    x2 = objects(C, T, F, T)
    x3 = apply(size, x1)
    x4 = apply(size, x2)
    x5 = maximum(x3)
    x6 = maximum(x4)
    x7 = initset(x5)
    x8 = insert(x6, x7)
    x9 = minimum(x8)
    x10 = maximum(x8)
    x11 = increment(x9)
    x12 = increment(x10)
    x13 = multiply(TEN, TEN)
    x14 = multiply(x13, TEN)
    x15 = multiply(x11, x14)
    x16 = divide(x15, x12)
    x17 = subtract(x5, x6)
    O = astuple(x16, x17)
    return O


def differ_background(S, I, C):
    x1 = mostcolor(I)
    x2 = mostcolor(C)
    x3 = equality(x1, x2)
    x4 = multiply(TEN, TEN)
    x5 = multiply(x4, TEN)
    x6 = multiply(x5, x3)
    O = astuple(x6, x1)
    return O
