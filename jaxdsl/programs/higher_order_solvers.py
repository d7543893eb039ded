"""Solvers for ARC-AGI-1 training tasks written in the style of arc-dsl's solvers: function
values everywhere (``rbind``, ``lbind``, ``compose``, ``chain``, ``fork``, ``matcher``,
``power``, ``branch`` between functions) and the container primitives that call them
(``apply``, ``mapply``, ``sfilter``, ``mfilter``, ``extract``, ``argmax``, ``order``,
``papply``, ``prapply``, ...). Each is checked on every demo and test pair of its task by
the reference DSL (tests/test_programs.py) and compiles for the JAX backend.
"""

from dsl import *
from constants import *


def solve_00d62c1b(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = mfilter(x2, x4)
    O = fill(I, FOUR, x5)
    return O


def solve_017c7c7b(I):
    x1 = asobject(I)
    x2 = vperiod(x1)
    x3 = toivec(x2)
    x4 = shift(x1, x3)
    x5 = double(x2)
    x6 = toivec(x5)
    x7 = shift(x1, x6)
    x8 = tophalf(I)
    x9 = vconcat(I, x8)
    x10 = paint(x9, x4)
    x11 = paint(x10, x7)
    O = replace(x11, ONE, TWO)
    return O


def solve_025d127b(I):
    x1 = objects(I, T, T, T)
    x2 = compose(hfrontier, llcorner)
    x3 = compose(vfrontier, urcorner)
    x4 = fork(combine, x2, x3)
    x5 = fork(difference, toindices, x4)
    x6 = rbind(shift, RIGHT)
    x7 = compose(x6, x5)
    x8 = fork(difference, toindices, x5)
    x9 = fork(combine, x8, x7)
    x10 = fork(recolor, color, x9)
    x11 = mapply(x10, x1)
    x12 = shape(I)
    x13 = canvas(ZERO, x12)
    O = paint(x13, x11)
    return O


def solve_05f2a901(I):
    x1 = objects(I, T, T, T)
    x2 = matcher(color, TWO)
    x3 = extract(x1, x2)
    x4 = matcher(color, EIGHT)
    x5 = extract(x1, x4)
    x6 = gravitate(x3, x5)
    O = move(I, x3, x6)
    return O


def solve_06df4c85(I):
    x1 = index(I, TWO_BY_ZERO)
    x2 = partition(I)
    x3 = matcher(color, x1)
    x4 = matcher(color, ZERO)
    x5 = fork(either, x3, x4)
    x6 = compose(flip, x5)
    x7 = sfilter(x2, x6)
    x8 = lbind(prapply, connect)
    x9 = fork(x8, toindices, toindices)
    x10 = fork(either, hline, vline)
    x11 = rbind(mfilter, x10)
    x12 = compose(x11, x9)
    x13 = fork(recolor, color, x12)
    x14 = mapply(x13, x7)
    x15 = paint(I, x14)
    x16 = ofcolor(I, x1)
    O = fill(x15, x1, x16)
    return O


def solve_08ed6ac7(I):
    x1 = objects(I, T, F, T)
    x2 = compose(invert, size)
    x3 = order(x1, x2)
    x4 = interval(ONE, FIVE, ONE)
    x5 = mpapply(recolor, x4, x3)
    O = paint(I, x5)
    return O


def solve_09629e4f(I):
    x1 = asindices(I)
    x2 = ofcolor(I, FIVE)
    x3 = difference(x1, x2)
    x4 = shape(I)
    x5 = canvas(ZERO, x4)
    x6 = fill(x5, ONE, x3)
    x7 = objects(x6, T, F, F)
    x8 = colorfilter(x7, ONE)
    x9 = rbind(subgrid, I)
    x10 = rbind(colorcount, ZERO)
    x11 = compose(x10, x9)
    x12 = argmax(x8, x11)
    x13 = subgrid(x12, I)
    x14 = upscale(x13, FOUR)
    x15 = crop(x14, ORIGIN, x4)
    O = fill(x15, FIVE, x2)
    return O


def solve_0962bcdd(I):
    x1 = leastcolor(I)
    x2 = palette(I)
    x3 = remove(ZERO, x2)
    x4 = other(x3, x1)
    x5 = ofcolor(I, x1)
    x6 = rbind(subtract, TWO_BY_TWO)
    x7 = rbind(add, TWO_BY_TWO)
    x8 = fork(connect, x6, x7)
    x9 = double(UP_RIGHT)
    x10 = double(DOWN_LEFT)
    x11 = rbind(add, x9)
    x12 = rbind(add, x10)
    x13 = fork(connect, x11, x12)
    x14 = rbind(subtract, TWO_BY_ZERO)
    x15 = rbind(add, TWO_BY_ZERO)
    x16 = fork(connect, x14, x15)
    x17 = rbind(subtract, ZERO_BY_TWO)
    x18 = rbind(add, ZERO_BY_TWO)
    x19 = fork(connect, x17, x18)
    x20 = fork(combine, x8, x13)
    x21 = fork(combine, x16, x19)
    x22 = mapply(x20, x5)
    x23 = mapply(x21, x5)
    x24 = fill(I, x1, x22)
    x25 = fill(x24, x4, x23)
    O = fill(x25, x1, x5)
    return O


def solve_0a938d79(I):
    x1 = portrait(I)
    x2 = dmirror(I)
    x3 = branch(x1, x2, I)
    x4 = objects(x3, T, F, T)
    x5 = order(x4, leftmost)
    x6 = first(x5)
    x7 = last(x5)
    x8 = leftmost(x6)
    x9 = leftmost(x7)
    x10 = subtract(x9, x8)
    x11 = double(x10)
    x12 = ulcorner(x6)
    x13 = ulcorner(x7)
    x14 = vfrontier(x12)
    x15 = vfrontier(x13)
    x16 = color(x6)
    x17 = color(x7)
    x18 = recolor(x16, x14)
    x19 = recolor(x17, x15)
    x20 = combine(x18, x19)
    x21 = width(x3)
    x22 = interval(ZERO, x21, x11)
    x23 = apply(tojvec, x22)
    x24 = lbind(shift, x20)
    x25 = mapply(x24, x23)
    x26 = paint(x3, x25)
    x27 = dmirror(x26)
    O = branch(x1, x27, x26)
    return O


def solve_0b148d64(I):
    x1 = palette(I)
    x2 = remove(ZERO, x1)
    x3 = lbind(colorcount, I)
    x4 = argmin(x2, x3)
    x5 = ofcolor(I, x4)
    O = subgrid(x5, I)
    return O


def solve_0ca9ddb6(I):
    x1 = ofcolor(I, TWO)
    x2 = mapply(ineighbors, x1)
    x3 = ofcolor(I, ONE)
    x4 = mapply(dneighbors, x3)
    x5 = underfill(I, FOUR, x2)
    O = underfill(x5, SEVEN, x4)
    return O


def solve_10fcaaa3(I):
    x1 = hconcat(I, I)
    x2 = vconcat(x1, x1)
    x3 = ofcolor(x2, ZERO)
    x4 = asindices(x2)
    x5 = difference(x4, x3)
    x6 = mapply(ineighbors, x5)
    O = underfill(x2, EIGHT, x6)
    return O


def solve_11852cab(I):
    x1 = objects(I, F, T, T)
    x2 = merge(x1)
    x3 = dmirror(x2)
    x4 = combine(x2, x3)
    x5 = fork(combine, hmirror, vmirror)
    x6 = x5(x4)
    x7 = hmirror(x4)
    x8 = vmirror(x7)
    x9 = combine(x6, x8)
    x10 = combine(x9, x4)
    O = paint(I, x10)
    return O


def solve_1190e5a7(I):
    x1 = frontiers(I)
    x2 = sfilter(x1, hline)
    x3 = sfilter(x1, vline)
    x4 = size(x2)
    x5 = size(x3)
    x6 = increment(x4)
    x7 = increment(x5)
    x8 = astuple(x6, x7)
    x9 = mostcolor(I)
    O = canvas(x9, x8)
    return O


def solve_137eaa0f(I):
    x1 = objects(I, F, T, T)
    x2 = matcher(first, FIVE)
    x3 = rbind(sfilter, x2)
    x4 = compose(ulcorner, x3)
    x5 = lbind(subtract, UNITY)
    x6 = compose(x5, x4)
    x7 = fork(shift, identity, x6)
    x8 = mapply(x7, x1)
    x9 = canvas(ZERO, THREE_BY_THREE)
    O = paint(x9, x8)
    return O


def solve_178fcbfb(I):
    x1 = ofcolor(I, TWO)
    x2 = mapply(vfrontier, x1)
    x3 = fill(I, TWO, x2)
    x4 = ofcolor(I, ONE)
    x5 = mapply(hfrontier, x4)
    x6 = fill(x3, ONE, x5)
    x7 = ofcolor(I, THREE)
    x8 = mapply(hfrontier, x7)
    O = fill(x6, THREE, x8)
    return O


def solve_1a07d186(I):
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, ONE)
    x3 = difference(x1, x2)
    x4 = merge(x2)
    x5 = cover(I, x4)
    x6 = apply(color, x3)
    x7 = rbind(contained, x6)
    x8 = compose(x7, color)
    x9 = sfilter(x2, x8)
    x10 = lbind(ofcolor, x5)
    x11 = compose(x10, color)
    x12 = fork(gravitate, identity, x11)
    x13 = fork(shift, identity, x12)
    x14 = mapply(x13, x9)
    O = paint(x5, x14)
    return O


def solve_1b60fb0c(I):
    x1 = ofcolor(I, ONE)
    x2 = height(x1)
    x3 = uppermost(x1)
    x4 = rightmost(x1)
    x5 = decrement(x2)
    x6 = subtract(x4, x5)
    x7 = astuple(x3, x6)
    x8 = astuple(x2, x2)
    x9 = crop(I, x7, x8)
    x10 = rot90(x9)
    x11 = ofcolor(x10, ONE)
    x12 = shift(x11, x7)
    O = underfill(I, TWO, x12)
    return O


def solve_1bfc4729(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = hmirror(x2)
    x4 = asindices(x1)
    x5 = urcorner(x4)
    x6 = vfrontier(x5)
    x7 = vfrontier(ORIGIN)
    x8 = hfrontier(ORIGIN)
    x9 = combine(x6, x7)
    x10 = combine(x9, x8)
    x11 = fork(ofcolor, identity, leastcolor)
    x12 = lbind(mapply, hfrontier)
    x13 = compose(x12, x11)
    x14 = lbind(combine, x10)
    x15 = compose(x14, x13)
    x16 = fork(recolor, leastcolor, x15)
    x17 = fork(paint, identity, x16)
    x18 = x17(x1)
    x19 = x17(x3)
    x20 = hmirror(x19)
    O = vconcat(x18, x20)
    return O


def solve_1c786137(I):
    x1 = objects(I, T, F, F)
    x2 = argmax(x1, size)
    x3 = subgrid(x2, I)
    O = trim(x3)
    return O


def solve_1caeab9d(I):
    x1 = objects(I, T, T, T)
    x2 = matcher(color, ONE)
    x3 = extract(x1, x2)
    x4 = uppermost(x3)
    x5 = lbind(subtract, x4)
    x6 = compose(x5, uppermost)
    x7 = compose(toivec, x6)
    x8 = fork(shift, identity, x7)
    x9 = mapply(x8, x1)
    x10 = shape(I)
    x11 = canvas(ZERO, x10)
    O = paint(x11, x9)
    return O


def solve_1e0a9b12(I):
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = difference(x2, x1)
    x4 = rbind(shoot, DOWN)
    x5 = lbind(intersection, x1)
    x6 = compose(x5, x4)
    x7 = chain(toivec, size, x6)
    x8 = fork(add, identity, x7)
    x9 = lbind(index, I)
    x10 = fork(astuple, x9, x8)
    x11 = apply(x10, x3)
    x12 = shape(I)
    x13 = canvas(ZERO, x12)
    O = paint(x13, x11)
    return O


def solve_1e32b0e9(I):
    x1 = astuple(FIVE, FIVE)
    x2 = crop(I, ORIGIN, x1)
    x3 = ofcolor(x2, ZERO)
    x4 = asindices(x2)
    x5 = difference(x4, x3)
    x6 = height(I)
    x7 = interval(ZERO, x6, SIX)
    x8 = product(x7, x7)
    x9 = lbind(shift, x5)
    x10 = mapply(x9, x8)
    x11 = toivec(FIVE)
    x12 = index(I, x11)
    O = underfill(I, x12, x10)
    return O


def solve_1f0c79e5(I):
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = difference(x2, x1)
    x4 = ofcolor(I, TWO)
    x5 = ulcorner(x3)
    x6 = rbind(subtract, x5)
    x7 = compose(double, x6)
    x8 = rbind(subtract, UNITY)
    x9 = compose(x8, x7)
    x10 = apply(x9, x4)
    x11 = lbind(rbind, shoot)
    x12 = rbind(mapply, x3)
    x13 = compose(x12, x11)
    x14 = mapply(x13, x10)
    x15 = palette(I)
    x16 = remove(ZERO, x15)
    x17 = other(x16, TWO)
    O = fill(I, x17, x14)
    return O


def solve_1f642eb9(I):
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = rbind(gravitate, x2)
    x5 = compose(sign, x4)
    x6 = fork(add, x4, x5)
    x7 = fork(shift, identity, x6)
    x8 = mapply(x7, x3)
    O = paint(I, x8)
    return O


def solve_1f85a75f(I):
    x1 = objects(I, T, T, T)
    x2 = argmax(x1, size)
    O = subgrid(x2, I)
    return O


def solve_1f876c06(I):
    x1 = fgpartition(I)
    x2 = lbind(prapply, connect)
    x3 = fork(x2, toindices, toindices)
    x4 = compose(merge, x3)
    x5 = fork(recolor, color, x4)
    x6 = mapply(x5, x1)
    O = paint(I, x6)
    return O


def solve_1fad071e(I):
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, ONE)
    x3 = sizefilter(x2, FOUR)
    x4 = size(x3)
    x5 = subtract(FIVE, x4)
    x6 = astuple(ONE, x4)
    x7 = astuple(ONE, x5)
    x8 = canvas(ONE, x6)
    x9 = canvas(ZERO, x7)
    O = hconcat(x8, x9)
    return O


def solve_2204b7a8(I):
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, THREE)
    x3 = difference(x1, x2)
    x4 = lbind(lbind, manhattan)
    x5 = lbind(argmin, x3)
    x6 = chain(color, x5, x4)
    x7 = fork(recolor, x6, identity)
    x8 = mapply(x7, x2)
    O = paint(I, x8)
    return O


def solve_22168020(I):
    x1 = objects(I, T, T, T)
    x2 = lbind(prapply, connect)
    x3 = fork(x2, toindices, toindices)
    x4 = rbind(mfilter, hline)
    x5 = compose(x4, x3)
    x6 = fork(recolor, color, x5)
    x7 = mapply(x6, x1)
    O = paint(I, x7)
    return O


def solve_2281f1f4(I):
    x1 = ofcolor(I, FIVE)
    x2 = hfrontier(ORIGIN)
    x3 = intersection(x1, x2)
    x4 = asindices(I)
    x5 = urcorner(x4)
    x6 = vfrontier(x5)
    x7 = intersection(x1, x6)
    x8 = apply(last, x3)
    x9 = apply(first, x7)
    x10 = product(x9, x8)
    O = underfill(I, TWO, x10)
    return O


def solve_228f6490(I):
    x1 = objects(I, T, F, T)
    x2 = matcher(color, FIVE)
    x3 = compose(flip, x2)
    x4 = sfilter(x1, x3)
    x5 = objects(I, T, F, F)
    x6 = colorfilter(x5, ZERO)
    x7 = rbind(bordering, I)
    x8 = compose(flip, x7)
    x9 = sfilter(x6, x8)
    x10 = compose(normalize, toindices)
    x11 = lbind(matcher, x10)
    x12 = compose(x11, x10)
    x13 = lbind(sfilter, x4)
    x14 = compose(x13, x12)
    x15 = chain(positive, size, x14)
    x16 = sfilter(x9, x15)
    x17 = lbind(lbind, manhattan)
    x18 = fork(argmin, x14, x17)
    x19 = compose(color, x18)
    x20 = fork(recolor, x19, identity)
    x21 = mapply(x20, x16)
    x22 = mapply(x18, x16)
    x23 = cover(I, x22)
    O = paint(x23, x21)
    return O


def solve_22eb0ac0(I):
    x1 = fgpartition(I)
    x2 = lbind(prapply, connect)
    x3 = fork(x2, toindices, toindices)
    x4 = rbind(mfilter, hline)
    x5 = compose(x4, x3)
    x6 = fork(recolor, color, x5)
    x7 = mapply(x6, x1)
    O = paint(I, x7)
    return O


def solve_239be575(I):
    x1 = objects(I, F, T, T)
    x2 = rbind(colorcount, TWO)
    x3 = compose(positive, x2)
    x4 = sfilter(x1, x3)
    x5 = size(x4)
    x6 = equality(x5, ONE)
    x7 = branch(x6, EIGHT, ZERO)
    O = canvas(x7, UNITY)
    return O


def solve_23b5c85d(I):
    x1 = objects(I, T, F, T)
    x2 = argmin(x1, size)
    O = subgrid(x2, I)
    return O


def solve_253bf280(I):
    x1 = ofcolor(I, EIGHT)
    x2 = prapply(connect, x1, x1)
    x3 = fork(either, hline, vline)
    x4 = mfilter(x2, x3)
    x5 = fill(I, THREE, x4)
    O = fill(x5, EIGHT, x1)
    return O


def solve_25d487eb(I):
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = first(x2)
    x4 = ofcolor(I, ZERO)
    x5 = asindices(I)
    x6 = difference(x5, x4)
    x7 = center(x6)
    x8 = subtract(x7, x3)
    x9 = sign(x8)
    x10 = shoot(x3, x9)
    O = underfill(I, x1, x10)
    return O


def solve_272f95fa(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = extract(x2, x4)
    x6 = lbind(position, x5)
    x7 = matcher(x6, UP)
    x8 = mfilter(x2, x7)
    x9 = matcher(x6, LEFT)
    x10 = mfilter(x2, x9)
    x11 = matcher(x6, RIGHT)
    x12 = mfilter(x2, x11)
    x13 = matcher(x6, DOWN)
    x14 = mfilter(x2, x13)
    x15 = fill(I, TWO, x8)
    x16 = fill(x15, FOUR, x10)
    x17 = fill(x16, THREE, x12)
    x18 = fill(x17, ONE, x14)
    O = fill(x18, SIX, x5)
    return O


def solve_27a28665(I):
    x1 = index(I, ORIGIN)
    x2 = positive(x1)
    x3 = index(I, UNITY)
    x4 = positive(x3)
    x5 = index(I, TWO_BY_ZERO)
    x6 = positive(x5)
    x7 = branch(x4, TWO, ONE)
    x8 = branch(x6, THREE, SIX)
    x9 = branch(x2, x7, x8)
    O = canvas(x9, UNITY)
    return O


def solve_29623171(I):
    x1 = asindices(I)
    x2 = ofcolor(I, FIVE)
    x3 = difference(x1, x2)
    x4 = shape(I)
    x5 = canvas(ZERO, x4)
    x6 = fill(x5, ONE, x3)
    x7 = objects(x6, T, F, F)
    x8 = colorfilter(x7, ONE)
    x9 = ofcolor(I, ZERO)
    x10 = difference(x3, x9)
    x11 = lbind(intersection, x10)
    x12 = chain(size, x11, toindices)
    x13 = valmax(x8, x12)
    x14 = matcher(x12, x13)
    x15 = mfilter(x8, x14)
    x16 = palette(I)
    x17 = remove(ZERO, x16)
    x18 = other(x17, FIVE)
    x19 = fill(I, ZERO, x10)
    O = fill(x19, x18, x15)
    return O


def solve_29c11459(I):
    x1 = objects(I, T, F, T)
    x2 = width(I)
    x3 = halve(x2)
    x4 = rbind(astuple, x3)
    x5 = compose(x4, uppermost)
    x6 = fork(connect, ulcorner, x5)
    x7 = fork(recolor, color, x6)
    x8 = mapply(x7, x1)
    x9 = paint(I, x8)
    x10 = apply(x5, x1)
    O = fill(x9, FIVE, x10)
    return O


def solve_29ec7d0e(I):
    x1 = palette(I)
    x2 = remove(ZERO, x1)
    x3 = size(x2)
    x4 = ofcolor(I, ZERO)
    x5 = asindices(I)
    x6 = difference(x5, x4)
    x7 = toobject(x6, I)
    x8 = multiply(x3, NEG_TWO)
    x9 = multiply(x3, THREE)
    x10 = interval(x8, x9, x3)
    x11 = product(x10, x10)
    x12 = lbind(shift, x7)
    x13 = mapply(x12, x11)
    O = paint(I, x13)
    return O


def solve_2bcee788(I):
    x1 = ofcolor(I, TWO)
    x2 = ofcolor(I, ZERO)
    x3 = asindices(I)
    x4 = difference(x3, x2)
    x5 = difference(x4, x1)
    x6 = toobject(x5, I)
    x7 = hmatching(x6, x1)
    x8 = vmirror(x6)
    x9 = hmirror(x6)
    x10 = branch(x7, x8, x9)
    x11 = ulcorner(x1)
    x12 = ulcorner(x6)
    x13 = subtract(x11, x12)
    x14 = sign(x13)
    x15 = branch(x7, RIGHT, DOWN)
    x16 = multiply(x14, x15)
    x17 = shape(x6)
    x18 = multiply(x16, x17)
    x19 = shift(x10, x18)
    x20 = shape(I)
    x21 = canvas(THREE, x20)
    x22 = paint(x21, x6)
    O = paint(x22, x19)
    return O


def solve_2bee17df(I):
    x1 = trim(I)
    x2 = frontiers(x1)
    x3 = colorfilter(x2, ZERO)
    x4 = merge(x3)
    x5 = shift(x4, UNITY)
    O = fill(I, THREE, x5)
    return O


def solve_2c608aff(I):
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = rbind(hmatching, x2)
    x5 = rbind(vmatching, x2)
    x6 = fork(either, x4, x5)
    x7 = sfilter(x3, x6)
    x8 = rbind(gravitate, x2)
    x9 = fork(add, ulcorner, x8)
    x10 = fork(connect, ulcorner, x9)
    x11 = fork(recolor, color, x10)
    x12 = mapply(x11, x7)
    O = paint(I, x12)
    return O


def solve_2dc579da(I):
    x1 = vsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    x4 = hsplit(x2, TWO)
    x5 = hsplit(x3, TWO)
    x6 = combine(x4, x5)
    x7 = matcher(numcolors, TWO)
    O = extract(x6, x7)
    return O


def solve_85c4e7cd(I):
    x1 = partition(I)
    x2 = order(x1, size)
    x3 = compose(invert, size)
    x4 = order(x1, x3)
    x5 = apply(color, x4)
    x6 = papply(recolor, x5, x2)
    x7 = merge(x6)
    O = paint(I, x7)
    return O


def solve_868de0fa(I):
    x1 = objects(I, T, F, T)
    x2 = compose(even, height)
    x3 = sfilter(x1, x2)
    x4 = difference(x1, x3)
    x5 = mapply(delta, x3)
    x6 = mapply(delta, x4)
    x7 = fill(I, TWO, x5)
    O = fill(x7, SEVEN, x6)
    return O


def solve_88a10436(I):
    x1 = objects(I, F, T, T)
    x2 = argmax(x1, size)
    x3 = ofcolor(I, FIVE)
    x4 = center(x3)
    x5 = center(x2)
    x6 = subtract(x4, x5)
    x7 = shift(x2, x6)
    x8 = fill(I, ZERO, x3)
    O = paint(x8, x7)
    return O


def solve_88a62173(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = hsplit(x1, TWO)
    x4 = hsplit(x2, TWO)
    x5 = combine(x3, x4)
    O = leastcommon(x5)
    return O


def solve_8d510a79(I):
    x1 = ofcolor(I, FIVE)
    x2 = uppermost(x1)
    x3 = ofcolor(I, TWO)
    x4 = lbind(astuple, x2)
    x5 = compose(x4, last)
    x6 = fork(connect, identity, x5)
    x7 = mapply(x6, x3)
    x8 = underfill(I, TWO, x7)
    x9 = ofcolor(I, ONE)
    x10 = rbind(subtract, x2)
    x11 = chain(toivec, sign, x10)
    x12 = compose(x11, first)
    x13 = fork(shoot, identity, x12)
    x14 = mapply(x13, x9)
    O = underfill(x8, ONE, x14)
    return O


def solve_8e1813be(I):
    x1 = fgpartition(I)
    x2 = colorfilter(x1, FIVE)
    x3 = difference(x1, x2)
    x4 = argmax(x3, size)
    x5 = portrait(x4)
    x6 = branch(x5, leftmost, uppermost)
    x7 = order(x3, x6)
    x8 = apply(color, x7)
    x9 = size(x8)
    x10 = interval(ZERO, x9, ONE)
    x11 = apply(toivec, x10)
    x12 = apply(hfrontier, x11)
    x13 = papply(recolor, x8, x12)
    x14 = merge(x13)
    x15 = astuple(x9, x9)
    x16 = canvas(ZERO, x15)
    x17 = paint(x16, x14)
    x18 = dmirror(x17)
    O = branch(x5, x18, x17)
    return O


def solve_8e5a5113(I):
    x1 = crop(I, ORIGIN, THREE_BY_THREE)
    x2 = rot90(x1)
    x3 = rot180(x1)
    x4 = asobject(x2)
    x5 = asobject(x3)
    x6 = tojvec(FOUR)
    x7 = tojvec(EIGHT)
    x8 = shift(x4, x6)
    x9 = shift(x5, x7)
    x10 = paint(I, x8)
    O = paint(x10, x9)
    return O


def solve_8eb1be9a(I):
    x1 = fgpartition(I)
    x2 = first(x1)
    x3 = height(x2)
    x4 = invert(TEN)
    x5 = interval(x4, TEN, ONE)
    x6 = rbind(multiply, x3)
    x7 = apply(x6, x5)
    x8 = apply(toivec, x7)
    x9 = lbind(shift, x2)
    x10 = mapply(x9, x8)
    O = paint(I, x10)
    return O


def solve_8efcae92(I):
    x1 = replace(I, TWO, ONE)
    x2 = objects(x1, T, F, F)
    x3 = colorfilter(x2, ONE)
    x4 = rbind(toobject, I)
    x5 = rbind(colorcount, TWO)
    x6 = compose(x5, x4)
    x7 = argmax(x3, x6)
    O = subgrid(x7, I)
    return O


def solve_8f2ea7aa(I):
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = subgrid(x2, I)
    x4 = upscale(x3, THREE)
    x5 = hconcat(x3, x3)
    x6 = hconcat(x5, x3)
    x7 = vconcat(x6, x6)
    x8 = vconcat(x7, x6)
    O = cellwise(x4, x8, ZERO)
    return O


def solve_90c28cc7(I):
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = difference(x2, x1)
    x4 = subgrid(x3, I)
    x5 = dedupe(x4)
    x6 = dmirror(x5)
    x7 = dedupe(x6)
    O = dmirror(x7)
    return O


def solve_91413438(I):
    x1 = colorcount(I, ZERO)
    x2 = subtract(NINE, x1)
    x3 = interval(ZERO, x1, ONE)
    x4 = product(x3, x3)
    x5 = rbind(multiply, x1)
    x6 = compose(x5, first)
    x7 = fork(add, x6, last)
    x8 = lbind(greater, x2)
    x9 = compose(x8, x7)
    x10 = sfilter(x4, x9)
    x11 = rbind(multiply, THREE)
    x12 = apply(x11, x10)
    x13 = asobject(I)
    x14 = lbind(shift, x13)
    x15 = mapply(x14, x12)
    x16 = multiply(x1, THREE)
    x17 = astuple(x16, x16)
    x18 = canvas(ZERO, x17)
    O = paint(x18, x15)
    return O


def solve_928ad970(I):
    x1 = ofcolor(I, FIVE)
    x2 = inbox(x1)
    x3 = objects(I, T, F, T)
    x4 = argmax(x3, size)
    x5 = color(x4)
    O = fill(I, x5, x2)
    return O


def solve_93b581b8(I):
    x1 = objects(I, F, F, T)
    x2 = first(x1)
    x3 = subgrid(x2, I)
    x4 = rot180(x3)
    x5 = upscale(x4, TWO)
    x6 = lefthalf(x5)
    x7 = righthalf(x5)
    x8 = astuple(FOUR, TWO)
    x9 = canvas(ZERO, x8)
    x10 = hconcat(x6, x9)
    x11 = hconcat(x10, x7)
    x12 = tophalf(x11)
    x13 = bottomhalf(x11)
    x14 = astuple(TWO, SIX)
    x15 = canvas(ZERO, x14)
    x16 = vconcat(x12, x15)
    x17 = vconcat(x16, x13)
    x18 = asobject(x17)
    x19 = ulcorner(x2)
    x20 = subtract(x19, TWO_BY_TWO)
    x21 = shift(x18, x20)
    x22 = paint(I, x21)
    O = paint(x22, x2)
    return O


def solve_941d9a10(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = lbind(contained, ORIGIN)
    x4 = compose(x3, toindices)
    x5 = extract(x2, x4)
    x6 = shape(I)
    x7 = halve(x6)
    x8 = lbind(contained, x7)
    x9 = compose(x8, toindices)
    x10 = extract(x2, x9)
    x11 = decrement(x6)
    x12 = lbind(contained, x11)
    x13 = compose(x12, toindices)
    x14 = extract(x2, x13)
    x15 = fill(I, ONE, x5)
    x16 = fill(x15, TWO, x10)
    O = fill(x16, THREE, x14)
    return O


def solve_952a094c(I):
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = merge(x3)
    x5 = vmirror(x4)
    x6 = hmirror(x5)
    x7 = invert(TWO_BY_TWO)
    x8 = initset(x7)
    x9 = insert(TWO_BY_TWO, x8)
    x10 = corners(x9)
    x11 = lbind(shift, x6)
    x12 = mapply(x11, x10)
    x13 = outbox(x2)
    x14 = corners(x13)
    x15 = rbind(contained, x14)
    x16 = compose(x15, last)
    x17 = sfilter(x12, x16)
    x18 = cover(I, x4)
    O = paint(x18, x17)
    return O


def solve_95990924(I):
    x1 = objects(I, T, F, T)
    x2 = apply(outbox, x1)
    x3 = apply(ulcorner, x2)
    x4 = apply(urcorner, x2)
    x5 = apply(llcorner, x2)
    x6 = apply(lrcorner, x2)
    x7 = fill(I, ONE, x3)
    x8 = fill(x7, TWO, x4)
    x9 = fill(x8, THREE, x5)
    O = fill(x9, FOUR, x6)
    return O


def solve_963e52fc(I):
    x1 = asobject(I)
    x2 = hperiod(x1)
    x3 = width(I)
    x4 = interval(ZERO, x3, ONE)
    x5 = rbind(multiply, x2)
    x6 = apply(x5, x4)
    x7 = apply(tojvec, x6)
    x8 = lbind(shift, x1)
    x9 = mapply(x8, x7)
    x10 = height(I)
    x11 = double(x3)
    x12 = astuple(x10, x11)
    x13 = canvas(ZERO, x12)
    O = paint(x13, x9)
    return O


def solve_97999447(I):
    x1 = objects(I, T, F, T)
    x2 = rbind(shoot, RIGHT)
    x3 = compose(x2, ulcorner)
    x4 = fork(recolor, color, x3)
    x5 = mapply(x4, x1)
    x6 = paint(I, x5)
    x7 = rbind(add, RIGHT)
    x8 = chain(x2, x7, ulcorner)
    x9 = lbind(rbind, subtract)
    x10 = chain(x9, increment, leftmost)
    x11 = rbind(compose, last)
    x12 = lbind(compose, even)
    x13 = chain(x12, x11, x10)
    x14 = fork(sfilter, x8, x13)
    x15 = mapply(x14, x1)
    O = fill(x6, FIVE, x15)
    return O


def solve_995c5fa3(I):
    x1 = hsplit(I, THREE)
    x2 = rbind(ofcolor, ZERO)
    x3 = rbind(colorcount, THREE)
    x4 = compose(x3, x2)
    x5 = rbind(colorcount, ONE)
    x6 = rbind(multiply, THREE)
    x7 = chain(x6, x5, x2)
    x8 = rbind(colorcount, ZERO)
    x9 = chain(x8, x2, dmirror)
    x10 = rbind(multiply, FIVE)
    x11 = chain(x10, halve, x9)
    x12 = fork(add, x4, x7)
    x13 = fork(subtract, x12, x11)
    x14 = rbind(add, TWO)
    x15 = compose(x14, x13)
    x16 = apply(x15, x1)
    x17 = interval(ZERO, THREE, ONE)
    x18 = apply(toivec, x17)
    x19 = apply(hfrontier, x18)
    x20 = papply(recolor, x16, x19)
    x21 = merge(x20)
    x22 = canvas(ZERO, THREE_BY_THREE)
    O = paint(x22, x21)
    return O


def solve_99fa7670(I):
    x1 = objects(I, T, F, T)
    x2 = width(I)
    x3 = decrement(x2)
    x4 = rbind(astuple, x3)
    x5 = compose(x4, uppermost)
    x6 = rbind(shoot, DOWN)
    x7 = compose(x6, x5)
    x8 = lbind(rbind, greater)
    x9 = compose(x8, uppermost)
    x10 = rbind(compose, uppermost)
    x11 = lbind(sfilter, x1)
    x12 = chain(x11, x10, x9)
    x13 = lbind(mapply, x7)
    x14 = compose(x13, x12)
    x15 = fork(difference, x7, x14)
    x16 = rbind(shoot, RIGHT)
    x17 = compose(x16, ulcorner)
    x18 = fork(combine, x17, x15)
    x19 = fork(recolor, color, x18)
    x20 = mapply(x19, x1)
    O = paint(I, x20)
    return O


def solve_9af7a82c(I):
    x1 = partition(I)
    x2 = compose(invert, size)
    x3 = order(x1, x2)
    x4 = chain(toivec, decrement, size)
    x5 = lbind(connect, ORIGIN)
    x6 = compose(x5, x4)
    x7 = fork(recolor, color, x6)
    x8 = apply(x7, x3)
    x9 = size(x3)
    x10 = interval(ZERO, x9, ONE)
    x11 = apply(tojvec, x10)
    x12 = papply(shift, x8, x11)
    x13 = merge(x12)
    x14 = first(x3)
    x15 = size(x14)
    x16 = astuple(x15, x9)
    x17 = canvas(ZERO, x16)
    O = paint(x17, x13)
    return O


def solve_9ecd008a(I):
    x1 = vmirror(I)
    x2 = ofcolor(I, ZERO)
    O = subgrid(x2, x1)
    return O


def solve_9edfc990(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = ofcolor(I, ONE)
    x4 = rbind(adjacent, x3)
    x5 = mfilter(x2, x4)
    O = fill(I, ONE, x5)
    return O


def solve_9f236235(I):
    x1 = objects(I, T, F, F)
    x2 = valmin(x1, height)
    x3 = compress(I)
    x4 = downscale(x3, x2)
    O = vmirror(x4)
    return O


def solve_a1570a43(I):
    x1 = ofcolor(I, THREE)
    x2 = ofcolor(I, TWO)
    x3 = toobject(x2, I)
    x4 = ulcorner(x1)
    x5 = add(x4, UNITY)
    x6 = ulcorner(x2)
    x7 = subtract(x5, x6)
    O = move(I, x3, x7)
    return O


def solve_a2fd1cf0(I):
    x1 = ofcolor(I, TWO)
    x2 = ofcolor(I, THREE)
    x3 = first(x1)
    x4 = first(x2)
    x5 = first(x3)
    x6 = last(x4)
    x7 = astuple(x5, x6)
    x8 = connect(x3, x7)
    x9 = connect(x7, x4)
    x10 = combine(x8, x9)
    O = underfill(I, EIGHT, x10)
    return O


def solve_a3325580(I):
    x1 = objects(I, T, F, T)
    x2 = valmax(x1, size)
    x3 = sizefilter(x1, x2)
    x4 = order(x3, leftmost)
    x5 = apply(color, x4)
    x6 = size(x5)
    x7 = interval(ZERO, x6, ONE)
    x8 = apply(tojvec, x7)
    x9 = apply(vfrontier, x8)
    x10 = papply(recolor, x5, x9)
    x11 = merge(x10)
    x12 = astuple(x2, x6)
    x13 = canvas(ZERO, x12)
    O = paint(x13, x11)
    return O


def solve_a3df8b1e(I):
    x1 = height(I)
    x2 = width(I)
    x3 = decrement(x2)
    x4 = double(x3)
    x5 = interval(ZERO, x1, x4)
    x6 = decrement(x1)
    x7 = lbind(subtract, x6)
    x8 = apply(x7, x5)
    x9 = initset(ZERO)
    x10 = product(x8, x9)
    x11 = rbind(shoot, UP_RIGHT)
    x12 = mapply(x11, x10)
    x13 = subtract(x6, x3)
    x14 = lbind(subtract, x13)
    x15 = apply(x14, x5)
    x16 = initset(x3)
    x17 = product(x15, x16)
    x18 = rbind(shoot, NEG_UNITY)
    x19 = mapply(x18, x17)
    x20 = combine(x12, x19)
    x21 = shape(I)
    x22 = canvas(ZERO, x21)
    O = fill(x22, ONE, x20)
    return O


def solve_a48eeaf7(I):
    x1 = ofcolor(I, TWO)
    x2 = outbox(x1)
    x3 = objects(I, T, F, T)
    x4 = colorfilter(x3, FIVE)
    x5 = lbind(argmin, x2)
    x6 = rbind(compose, initset)
    x7 = lbind(lbind, manhattan)
    x8 = chain(x5, x6, x7)
    x9 = apply(x8, x4)
    x10 = ofcolor(I, FIVE)
    x11 = fill(I, ZERO, x10)
    O = fill(x11, FIVE, x9)
    return O


def solve_a5313dff(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = mfilter(x2, x4)
    O = fill(I, ONE, x5)
    return O


def solve_a5f85a15(I):
    x1 = objects(I, T, T, T)
    x2 = lbind(rbind, subtract)
    x3 = compose(x2, uppermost)
    x4 = rbind(compose, first)
    x5 = compose(x4, x3)
    x6 = lbind(compose, flip)
    x7 = lbind(compose, even)
    x8 = chain(x6, x7, x5)
    x9 = fork(sfilter, toindices, x8)
    x10 = mapply(x9, x1)
    O = fill(I, FOUR, x10)
    return O


def solve_a61ba2ce(I):
    x1 = objects(I, T, F, T)
    x2 = chain(first, delta, normalize)
    x3 = compose(double, x2)
    x4 = lbind(subtract, TWO_BY_TWO)
    x5 = compose(x4, x3)
    x6 = fork(shift, normalize, x5)
    x7 = mapply(x6, x1)
    x8 = astuple(FOUR, FOUR)
    x9 = canvas(ZERO, x8)
    O = paint(x9, x7)
    return O


def solve_a61f2674(I):
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = argmin(x1, size)
    x4 = shape(I)
    x5 = canvas(ZERO, x4)
    x6 = recolor(ONE, x2)
    x7 = recolor(TWO, x3)
    x8 = paint(x5, x6)
    O = paint(x8, x7)
    return O


def solve_a65b410d(I):
    x1 = ofcolor(I, TWO)
    x2 = uppermost(x1)
    x3 = width(x1)
    x4 = decrement(x2)
    x5 = astuple(x4, x3)
    x6 = shoot(x5, UP_RIGHT)
    x7 = asindices(I)
    x8 = intersection(x6, x7)
    x9 = compose(toivec, first)
    x10 = fork(connect, x9, identity)
    x11 = mapply(x10, x8)
    x12 = increment(x2)
    x13 = subtract(x3, TWO)
    x14 = astuple(x12, x13)
    x15 = shoot(x14, DOWN_LEFT)
    x16 = intersection(x15, x7)
    x17 = mapply(x10, x16)
    x18 = fill(I, THREE, x11)
    O = fill(x18, ONE, x17)
    return O


def solve_a68b268e(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = lefthalf(x1)
    x4 = righthalf(x1)
    x5 = lefthalf(x2)
    x6 = righthalf(x2)
    x7 = rbind(ofcolor, ZERO)
    x8 = fork(difference, asindices, x7)
    x9 = fork(toobject, x8, identity)
    x10 = x9(x5)
    x11 = x9(x4)
    x12 = x9(x3)
    x13 = paint(x6, x10)
    x14 = paint(x13, x11)
    O = paint(x14, x12)
    return O


def solve_a78176bb(I):
    x1 = objects(I, T, T, T)
    x2 = colorfilter(x1, FIVE)
    x3 = difference(x1, x2)
    x4 = first(x3)
    x5 = objects(I, T, F, T)
    x6 = colorfilter(x5, FIVE)
    x7 = ulcorner(x4)
    x8 = last(x7)
    x9 = first(x7)
    x10 = subtract(x8, x9)
    x11 = fork(subtract, leftmost, uppermost)
    x12 = rbind(subtract, x10)
    x13 = chain(sign, x12, x11)
    x14 = rbind(add, TWO)
    x15 = compose(x14, width)
    x16 = fork(multiply, x13, x15)
    x17 = lbind(add, x7)
    x18 = chain(x17, tojvec, x16)
    x19 = rbind(shoot, UNITY)
    x20 = rbind(shoot, NEG_UNITY)
    x21 = fork(combine, x19, x20)
    x22 = compose(x21, x18)
    x23 = mapply(x22, x6)
    x24 = replace(I, FIVE, ZERO)
    x25 = color(x4)
    O = fill(x24, x25, x23)
    return O


def solve_a85d4709(I):
    x1 = ofcolor(I, FIVE)
    x2 = vfrontier(ORIGIN)
    x3 = intersection(x1, x2)
    x4 = mapply(hfrontier, x3)
    x5 = vfrontier(RIGHT)
    x6 = intersection(x1, x5)
    x7 = mapply(hfrontier, x6)
    x8 = tojvec(TWO)
    x9 = vfrontier(x8)
    x10 = intersection(x1, x9)
    x11 = mapply(hfrontier, x10)
    x12 = fill(I, TWO, x4)
    x13 = fill(x12, FOUR, x7)
    O = fill(x13, THREE, x11)
    return O


def solve_a87f7484(I):
    x1 = portrait(I)
    x2 = height(I)
    x3 = width(I)
    x4 = branch(x1, x2, x3)
    x5 = divide(x4, THREE)
    x6 = branch(x1, vsplit, hsplit)
    x7 = x6(I, x5)
    x8 = rbind(ofcolor, ZERO)
    x9 = apply(x8, x7)
    x10 = leastcommon(x9)
    x11 = matcher(x8, x10)
    O = extract(x7, x11)
    return O


def solve_ae3edfdc(I):
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, THREE)
    x3 = colorfilter(x1, SEVEN)
    x4 = ofcolor(I, TWO)
    x5 = ofcolor(I, ONE)
    x6 = rbind(gravitate, x4)
    x7 = fork(shift, identity, x6)
    x8 = mapply(x7, x2)
    x9 = rbind(gravitate, x5)
    x10 = fork(shift, identity, x9)
    x11 = mapply(x10, x3)
    x12 = replace(I, THREE, ZERO)
    x13 = replace(x12, SEVEN, ZERO)
    x14 = paint(x13, x8)
    O = paint(x14, x11)
    return O


def solve_ae4f1146(I):
    x1 = objects(I, F, F, T)
    x2 = rbind(colorcount, ONE)
    x3 = argmax(x1, x2)
    O = subgrid(x3, I)
    return O


def solve_af902bf9(I):
    x1 = ofcolor(I, FOUR)
    x2 = prapply(connect, x1, x1)
    x3 = mfilter(x2, hline)
    x4 = mfilter(x2, vline)
    x5 = combine(x3, x4)
    x6 = fill(I, FOUR, x5)
    x7 = objects(x6, T, F, T)
    x8 = colorfilter(x7, FOUR)
    x9 = mapply(delta, x8)
    O = fill(I, TWO, x9)
    return O


def solve_b0c4d837(I):
    x1 = ofcolor(I, FIVE)
    x2 = ofcolor(I, EIGHT)
    x3 = height(x1)
    x4 = decrement(x3)
    x5 = height(x2)
    x6 = subtract(x4, x5)
    x7 = astuple(TWO, THREE)
    x8 = canvas(ZERO, x7)
    x9 = asindices(x8)
    x10 = compose(double, last)
    x11 = lbind(subtract, FIVE)
    x12 = compose(x11, x10)
    x13 = fork(multiply, first, x12)
    x14 = fork(add, last, x13)
    x15 = lbind(greater, x6)
    x16 = compose(x15, x14)
    x17 = sfilter(x9, x16)
    x18 = canvas(ZERO, THREE_BY_THREE)
    O = fill(x18, EIGHT, x17)
    return O


def solve_b190f7f5(I):
    x1 = portrait(I)
    x2 = branch(x1, vsplit, hsplit)
    x3 = x2(I, TWO)
    x4 = rbind(colorcount, EIGHT)
    x5 = compose(positive, x4)
    x6 = extract(x3, x5)
    x7 = other(x3, x6)
    x8 = ofcolor(x6, EIGHT)
    x9 = height(x7)
    x10 = asobject(x7)
    x11 = compose(positive, first)
    x12 = sfilter(x10, x11)
    x13 = rbind(multiply, x9)
    x14 = lbind(shift, x8)
    x15 = chain(x14, x13, last)
    x16 = fork(recolor, first, x15)
    x17 = mapply(x16, x12)
    x18 = multiply(x9, x9)
    x19 = astuple(x18, x18)
    x20 = canvas(ZERO, x19)
    O = paint(x20, x17)
    return O


def solve_b230c067(I):
    x1 = objects(I, T, T, T)
    x2 = lbind(matcher, normalize)
    x3 = compose(x2, normalize)
    x4 = lbind(sfilter, x1)
    x5 = chain(size, x4, x3)
    x6 = argmin(x1, x5)
    x7 = merge(x1)
    x8 = fill(I, ONE, x7)
    O = fill(x8, TWO, x6)
    return O


def solve_b2862040(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, NINE)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = mfilter(x2, x4)
    x6 = objects(I, T, T, T)
    x7 = rbind(adjacent, x5)
    x8 = mfilter(x6, x7)
    O = fill(I, EIGHT, x8)
    return O
