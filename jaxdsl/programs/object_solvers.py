from dsl import *
from constants import *


def solve_a740d043(I):
    x1 = mostcolor(I)
    x2 = ofcolor(I, x1)
    x3 = asindices(I)
    x4 = difference(x3, x2)
    x5 = subgrid(x4, I)
    O = replace(x5, ONE, ZERO)
    return O


def solve_6f8cd79b(I):
    x1 = asindices(I)
    x2 = box(x1)
    O = fill(I, EIGHT, x2)
    return O


def solve_dc1df850(I):
    x1 = ofcolor(I, TWO)
    x2 = shift(x1, LEFT)
    x3 = shift(x1, RIGHT)
    x4 = combine(x1, x2)
    x5 = combine(x4, x3)
    x6 = shift(x5, UP)
    x7 = shift(x5, DOWN)
    x8 = combine(x5, x6)
    x9 = combine(x8, x7)
    O = underfill(I, ONE, x9)
    return O


def solve_b60334d2(I):
    x1 = ofcolor(I, FIVE)
    x2 = shift(x1, UNITY)
    x3 = shift(x1, NEG_UNITY)
    x4 = shift(x1, UP_RIGHT)
    x5 = shift(x1, DOWN_LEFT)
    x6 = combine(x2, x3)
    x7 = combine(x4, x5)
    x8 = combine(x6, x7)
    x9 = shift(x1, UP)
    x10 = shift(x1, DOWN)
    x11 = shift(x1, LEFT)
    x12 = shift(x1, RIGHT)
    x13 = combine(x9, x10)
    x14 = combine(x11, x12)
    x15 = combine(x13, x14)
    x16 = fill(I, ZERO, x1)
    x17 = fill(x16, FIVE, x8)
    O = fill(x17, ONE, x15)
    return O


def solve_a79310a0(I):
    x1 = ofcolor(I, EIGHT)
    x2 = shift(x1, DOWN)
    x3 = shape(I)
    x4 = canvas(ZERO, x3)
    O = fill(x4, TWO, x2)
    return O


def solve_ea786f4a(I):
    x1 = asindices(I)
    x2 = ulcorner(x1)
    x3 = lrcorner(x1)
    x4 = urcorner(x1)
    x5 = llcorner(x1)
    x6 = connect(x2, x3)
    x7 = connect(x4, x5)
    x8 = fill(I, ZERO, x6)
    O = fill(x8, ZERO, x7)
    return O


def solve_e9614598(I):
    x1 = ofcolor(I, ONE)
    x2 = center(x1)
    x3 = dneighbors(x2)
    x4 = insert(x2, x3)
    O = fill(I, THREE, x4)
    return O


def solve_4347f46a(I):
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = difference(x2, x1)
    x4 = shift(x3, UP)
    x5 = shift(x3, DOWN)
    x6 = shift(x3, LEFT)
    x7 = shift(x3, RIGHT)
    x8 = shift(x3, UNITY)
    x9 = shift(x3, NEG_UNITY)
    x10 = shift(x3, UP_RIGHT)
    x11 = shift(x3, DOWN_LEFT)
    x12 = intersection(x3, x4)
    x13 = intersection(x12, x5)
    x14 = intersection(x13, x6)
    x15 = intersection(x14, x7)
    x16 = intersection(x15, x8)
    x17 = intersection(x16, x9)
    x18 = intersection(x17, x10)
    x19 = intersection(x18, x11)
    O = fill(I, ZERO, x19)
    return O


def solve_50cb2852(I):
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = difference(x2, x1)
    x4 = shift(x3, UP)
    x5 = shift(x3, DOWN)
    x6 = shift(x3, LEFT)
    x7 = shift(x3, RIGHT)
    x8 = shift(x3, UNITY)
    x9 = shift(x3, NEG_UNITY)
    x10 = shift(x3, UP_RIGHT)
    x11 = shift(x3, DOWN_LEFT)
    x12 = intersection(x3, x4)
    x13 = intersection(x12, x5)
    x14 = intersection(x13, x6)
    x15 = intersection(x14, x7)
    x16 = intersection(x15, x8)
    x17 = intersection(x16, x9)
    x18 = intersection(x17, x10)
    x19 = intersection(x18, x11)
    O = fill(I, EIGHT, x19)
    return O


def solve_6e02f1e3(I):
    x1 = numcolors(I)
    x2 = equality(x1, ONE)
    x3 = equality(x1, TWO)
    x4 = connect(ORIGIN, ZERO_BY_TWO)
    x5 = connect(ORIGIN, TWO_BY_TWO)
    x6 = connect(ZERO_BY_TWO, TWO_BY_ZERO)
    x7 = branch(x3, x5, x6)
    x8 = branch(x2, x4, x7)
    x9 = canvas(ZERO, THREE_BY_THREE)
    O = fill(x9, FIVE, x8)
    return O


def solve_d4f3cd78(I):
    x1 = ofcolor(I, FIVE)
    x2 = delta(x1)
    x3 = box(x1)
    x4 = difference(x3, x1)
    x5 = position(x1, x4)
    x6 = first(x4)
    x7 = shoot(x6, x5)
    x8 = fill(I, EIGHT, x2)
    O = fill(x8, EIGHT, x7)
    return O


def solve_9565186b(I):
    x1 = mostcolor(I)
    x2 = ofcolor(I, x1)
    x3 = asindices(I)
    x4 = difference(x3, x2)
    O = fill(I, FIVE, x4)
    return O


def solve_bb43febb(I):
    x1 = ofcolor(I, FIVE)
    x2 = shift(x1, UP)
    x3 = shift(x1, DOWN)
    x4 = shift(x1, LEFT)
    x5 = shift(x1, RIGHT)
    x6 = shift(x1, UNITY)
    x7 = shift(x1, NEG_UNITY)
    x8 = shift(x1, UP_RIGHT)
    x9 = shift(x1, DOWN_LEFT)
    x10 = intersection(x1, x2)
    x11 = intersection(x10, x3)
    x12 = intersection(x11, x4)
    x13 = intersection(x12, x5)
    x14 = intersection(x13, x6)
    x15 = intersection(x14, x7)
    x16 = intersection(x15, x8)
    x17 = intersection(x16, x9)
    O = fill(I, TWO, x17)
    return O


def solve_67385a82(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, THREE)
    x3 = sizefilter(x2, ONE)
    x4 = merge(x3)
    x5 = replace(I, THREE, EIGHT)
    O = paint(x5, x4)
    return O


def solve_aedd82e4(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, TWO)
    x3 = sizefilter(x2, ONE)
    x4 = merge(x3)
    O = fill(I, ONE, x4)
    return O


def solve_b27ca6d3(I):
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, TWO)
    x3 = merge(x2)
    x4 = toindices(x3)
    x5 = shift(x4, LEFT)
    x6 = shift(x4, RIGHT)
    x7 = combine(x4, x5)
    x8 = combine(x7, x6)
    x9 = shift(x8, UP)
    x10 = shift(x8, DOWN)
    x11 = combine(x8, x9)
    x12 = combine(x11, x10)
    O = underfill(I, THREE, x12)
    return O


def solve_6e82a1ae(I):
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, FOUR)
    x3 = sizefilter(x1, THREE)
    x4 = sizefilter(x1, TWO)
    x5 = merge(x2)
    x6 = merge(x3)
    x7 = merge(x4)
    x8 = fill(I, ONE, x5)
    x9 = fill(x8, TWO, x6)
    O = fill(x9, THREE, x7)
    return O


def solve_a699fb00(I):
    x1 = ofcolor(I, ONE)
    x2 = shift(x1, LEFT)
    x3 = shift(x1, RIGHT)
    x4 = intersection(x2, x3)
    O = underfill(I, TWO, x4)
    return O


def solve_4258a5f9(I):
    x1 = ofcolor(I, FIVE)
    x2 = shift(x1, LEFT)
    x3 = shift(x1, RIGHT)
    x4 = combine(x1, x2)
    x5 = combine(x4, x3)
    x6 = shift(x5, UP)
    x7 = shift(x5, DOWN)
    x8 = combine(x5, x6)
    x9 = combine(x8, x7)
    O = underfill(I, ONE, x9)
    return O


def solve_d364b489(I):
    x1 = ofcolor(I, ONE)
    x2 = shift(x1, UP)
    x3 = shift(x1, LEFT)
    x4 = shift(x1, RIGHT)
    x5 = shift(x1, DOWN)
    x6 = fill(I, TWO, x2)
    x7 = fill(x6, SEVEN, x3)
    x8 = fill(x7, SIX, x4)
    O = fill(x8, EIGHT, x5)
    return O


def solve_a9f96cdd(I):
    x1 = ofcolor(I, TWO)
    x2 = shift(x1, NEG_UNITY)
    x3 = shift(x1, UP_RIGHT)
    x4 = shift(x1, DOWN_LEFT)
    x5 = shift(x1, UNITY)
    x6 = shape(I)
    x7 = canvas(ZERO, x6)
    x8 = fill(x7, THREE, x2)
    x9 = fill(x8, SIX, x3)
    x10 = fill(x9, EIGHT, x4)
    O = fill(x10, SEVEN, x5)
    return O


def solve_913fb3ed(I):
    x1 = replace(I, THREE, SIX)
    x2 = replace(x1, EIGHT, FOUR)
    x3 = replace(x2, TWO, ONE)
    x4 = fgpartition(x3)
    x5 = merge(x4)
    x6 = shift(x5, LEFT)
    x7 = shift(x5, RIGHT)
    x8 = combine(x5, x6)
    x9 = combine(x8, x7)
    x10 = shift(x9, UP)
    x11 = shift(x9, DOWN)
    x12 = combine(x9, x10)
    x13 = combine(x12, x11)
    O = underpaint(I, x13)
    return O


def solve_32597951(I):
    x1 = ofcolor(I, EIGHT)
    x2 = backdrop(x1)
    x3 = ofcolor(I, ONE)
    x4 = intersection(x2, x3)
    O = fill(I, THREE, x4)
    return O


def solve_31aa019c(I):
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = outbox(x2)
    x4 = shape(I)
    x5 = canvas(ZERO, x4)
    x6 = fill(x5, TWO, x3)
    O = fill(x6, x1, x2)
    return O


def solve_23581191(I):
    x1 = ofcolor(I, EIGHT)
    x2 = ofcolor(I, SEVEN)
    x3 = ulcorner(x1)
    x4 = ulcorner(x2)
    x5 = hfrontier(x3)
    x6 = vfrontier(x3)
    x7 = combine(x5, x6)
    x8 = hfrontier(x4)
    x9 = vfrontier(x4)
    x10 = combine(x8, x9)
    x11 = intersection(x7, x10)
    x12 = fill(I, EIGHT, x7)
    x13 = fill(x12, SEVEN, x10)
    O = fill(x13, TWO, x11)
    return O


def solve_5c0a986e(I):
    x1 = ofcolor(I, ONE)
    x2 = ofcolor(I, TWO)
    x3 = ulcorner(x1)
    x4 = lrcorner(x2)
    x5 = shoot(x3, NEG_UNITY)
    x6 = shoot(x4, UNITY)
    x7 = fill(I, ONE, x5)
    O = fill(x7, TWO, x6)
    return O


def solve_bdad9b1f(I):
    x1 = ofcolor(I, EIGHT)
    x2 = ofcolor(I, TWO)
    x3 = ulcorner(x1)
    x4 = ulcorner(x2)
    x5 = vfrontier(x3)
    x6 = hfrontier(x4)
    x7 = intersection(x5, x6)
    x8 = fill(I, EIGHT, x5)
    x9 = fill(x8, TWO, x6)
    O = fill(x9, FOUR, x7)
    return O


def solve_ce22a75a(I):
    x1 = ofcolor(I, FIVE)
    x2 = shift(x1, LEFT)
    x3 = shift(x1, RIGHT)
    x4 = combine(x1, x2)
    x5 = combine(x4, x3)
    x6 = shift(x5, UP)
    x7 = shift(x5, DOWN)
    x8 = combine(x5, x6)
    x9 = combine(x8, x7)
    O = fill(I, ONE, x9)
    return O


def solve_d23f8c26(I):
    x1 = width(I)
    x2 = halve(x1)
    x3 = tojvec(x2)
    x4 = vfrontier(x3)
    x5 = asindices(I)
    x6 = difference(x5, x4)
    O = fill(I, ZERO, x6)
    return O


def solve_c0f76784(I):
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = sizefilter(x2, ONE)
    x4 = sizefilter(x2, FOUR)
    x5 = sizefilter(x2, NINE)
    x6 = merge(x3)
    x7 = merge(x4)
    x8 = merge(x5)
    x9 = fill(I, SIX, x6)
    x10 = fill(x9, SEVEN, x7)
    O = fill(x10, EIGHT, x8)
    return O


def solve_6d75e8bb(I):
    x1 = ofcolor(I, EIGHT)
    x2 = delta(x1)
    O = fill(I, TWO, x2)
    return O


def solve_3bd67248(I):
    x1 = height(I)
    x2 = decrement(x1)
    x3 = decrement(x2)
    x4 = tojvec(x2)
    x5 = astuple(x3, ONE)
    x6 = connect(x4, x5)
    x7 = astuple(x2, ONE)
    x8 = astuple(x2, x2)
    x9 = connect(x7, x8)
    x10 = fill(I, TWO, x6)
    O = fill(x10, FOUR, x9)
    return O


def solve_25d8a9c8(I):
    x1 = frontiers(I)
    x2 = merge(x1)
    x3 = shape(I)
    x4 = canvas(ZERO, x3)
    O = fill(x4, FIVE, x2)
    return O


def solve_3618c87e(I):
    x1 = ofcolor(I, ONE)
    x2 = shift(x1, TWO_BY_ZERO)
    x3 = replace(I, ONE, ZERO)
    O = fill(x3, ONE, x2)
    return O


def solve_3aa6fb7a(I):
    x1 = ofcolor(I, EIGHT)
    x2 = shift(x1, UP)
    x3 = shift(x1, DOWN)
    x4 = shift(x1, LEFT)
    x5 = shift(x1, RIGHT)
    x6 = shift(x1, NEG_UNITY)
    x7 = shift(x1, UP_RIGHT)
    x8 = shift(x1, DOWN_LEFT)
    x9 = shift(x1, UNITY)
    x10 = intersection(x2, x4)
    x11 = intersection(x10, x6)
    x12 = intersection(x2, x5)
    x13 = intersection(x12, x7)
    x14 = intersection(x3, x4)
    x15 = intersection(x14, x8)
    x16 = intersection(x3, x5)
    x17 = intersection(x16, x9)
    x18 = combine(x11, x13)
    x19 = combine(x15, x17)
    x20 = combine(x18, x19)
    O = underfill(I, ONE, x20)
    return O


def solve_6c434453(I):
    x1 = ofcolor(I, ONE)
    x2 = shift(x1, UP)
    x3 = shift(x1, DOWN)
    x4 = shift(x1, LEFT)
    x5 = shift(x1, RIGHT)
    x6 = shift(x1, UNITY)
    x7 = shift(x1, NEG_UNITY)
    x8 = shift(x1, UP_RIGHT)
    x9 = shift(x1, DOWN_LEFT)
    x10 = intersection(x2, x3)
    x11 = intersection(x10, x4)
    x12 = intersection(x11, x5)
    x13 = intersection(x12, x6)
    x14 = intersection(x13, x7)
    x15 = intersection(x14, x8)
    x16 = intersection(x15, x9)
    x17 = ofcolor(I, ZERO)
    x18 = intersection(x16, x17)
    x19 = shift(x18, UP)
    x20 = shift(x18, DOWN)
    x21 = shift(x18, LEFT)
    x22 = shift(x18, RIGHT)
    x23 = combine(x18, x19)
    x24 = combine(x23, x20)
    x25 = combine(x24, x21)
    x26 = combine(x25, x22)
    x27 = combine(x21, x18)
    x28 = combine(x27, x22)
    x29 = shift(x28, UP)
    x30 = shift(x28, DOWN)
    x31 = combine(x28, x29)
    x32 = combine(x31, x30)
    x33 = fill(I, ZERO, x32)
    O = fill(x33, TWO, x26)
    return O
