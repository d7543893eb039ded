from dsl import *
from constants import *


def solve_3c9b0459(I):
    O = rot180(I)
    return O


def solve_6150a2bd(I):
    O = rot180(I)
    return O


def solve_67a3c6ac(I):
    O = vmirror(I)
    return O


def solve_68b16354(I):
    O = hmirror(I)
    return O


def solve_74dd1130(I):
    O = dmirror(I)
    return O


def solve_9dfd6313(I):
    O = dmirror(I)
    return O


def solve_a416b8f3(I):
    O = hconcat(I, I)
    return O


def solve_c8f0f002(I):
    O = replace(I, SEVEN, FIVE)
    return O


def solve_b1948b0a(I):
    O = replace(I, SIX, TWO)
    return O


def solve_d511f180(I):
    O = switch(I, EIGHT, FIVE)
    return O


def solve_0d3d703e(I):
    x1 = switch(I, ONE, FIVE)
    x2 = switch(x1, TWO, SIX)
    x3 = switch(x2, THREE, FOUR)
    O = switch(x3, EIGHT, NINE)
    return O


def solve_c59eb873(I):
    O = upscale(I, TWO)
    return O


def solve_9172f3a0(I):
    O = upscale(I, THREE)
    return O


def solve_d10ecb37(I):
    O = crop(I, ORIGIN, TWO_BY_TWO)
    return O


def solve_8be77c9e(I):
    x1 = hmirror(I)
    O = vconcat(I, x1)
    return O


def solve_6fa7a44f(I):
    x1 = hmirror(I)
    O = vconcat(I, x1)
    return O


def solve_6d0aefbc(I):
    x1 = vmirror(I)
    O = hconcat(I, x1)
    return O


def solve_c9e6f938(I):
    x1 = vmirror(I)
    O = hconcat(I, x1)
    return O


def solve_4c4377d9(I):
    x1 = hmirror(I)
    O = vconcat(x1, I)
    return O


def solve_62c24649(I):
    x1 = vmirror(I)
    x2 = hconcat(I, x1)
    x3 = hmirror(x2)
    O = vconcat(x2, x3)
    return O


def solve_67e8384a(I):
    x1 = hmirror(I)
    x2 = vconcat(I, x1)
    x3 = vmirror(x2)
    O = hconcat(x2, x3)
    return O


def solve_3af2c5a8(I):
    x1 = rot180(I)
    x2 = vmirror(I)
    x3 = hmirror(I)
    x4 = hconcat(I, x2)
    x5 = hconcat(x3, x1)
    O = vconcat(x4, x5)
    return O


def solve_7fe24cdd(I):
    x1 = rot90(I)
    x2 = rot180(I)
    x3 = rot270(I)
    x4 = hconcat(I, x1)
    x5 = hconcat(x3, x2)
    O = vconcat(x4, x5)
    return O


def solve_46442a0e(I):
    x1 = rot90(I)
    x2 = rot180(I)
    x3 = rot270(I)
    x4 = hconcat(I, x1)
    x5 = hconcat(x3, x2)
    O = vconcat(x4, x5)
    return O


def solve_2dee498d(I):
    x1 = height(I)
    x2 = astuple(x1, x1)
    O = crop(I, ORIGIN, x2)
    return O


def solve_b91ae062(I):
    x1 = numcolors(I)
    x2 = decrement(x1)
    O = upscale(I, x2)
    return O


def solve_ac0a08a4(I):
    x1 = numcolors(I)
    x2 = decrement(x1)
    O = upscale(I, x2)
    return O


def solve_5614dbcf(I):
    x1 = replace(I, FIVE, ZERO)
    O = downscale(x1, THREE)
    return O


def solve_5582e5ca(I):
    x1 = mostcolor(I)
    x2 = shape(I)
    O = canvas(x1, x2)
    return O


def solve_44f52bb0(I):
    x1 = vmirror(I)
    x2 = equality(I, x1)
    x3 = canvas(ONE, UNITY)
    x4 = canvas(SEVEN, UNITY)
    O = branch(x2, x3, x4)
    return O


def solve_7b7f7511(I):
    x1 = portrait(I)
    x2 = tophalf(I)
    x3 = lefthalf(I)
    O = branch(x1, x2, x3)
    return O


def solve_0520fde7(I):
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = cellwise(x1, x2, ZERO)
    O = replace(x3, ONE, TWO)
    return O


def solve_1b2d62fb(I):
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = cellwise(x1, x2, NINE)
    x4 = replace(x3, ZERO, EIGHT)
    O = replace(x4, NINE, ZERO)
    return O


def solve_3428a4f5(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x1, TWO, ONE)
    x4 = replace(x2, TWO, ONE)
    x5 = cellwise(x3, x4, THREE)
    O = replace(x5, ONE, ZERO)
    return O


def solve_6430c8c4(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x1, SEVEN, ONE)
    x4 = replace(x2, TWO, ONE)
    x5 = cellwise(x3, x4, ONE)
    x6 = replace(x5, ZERO, THREE)
    O = replace(x6, ONE, ZERO)
    return O


def solve_94f9d214(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x1, THREE, ONE)
    x4 = cellwise(x3, x2, ONE)
    x5 = replace(x4, ZERO, TWO)
    O = replace(x5, ONE, ZERO)
    return O


def solve_99b1bc43(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x2, TWO, ONE)
    x4 = cellwise(x1, x3, THREE)
    O = replace(x4, ONE, ZERO)
    return O


def solve_ce4f8723(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x2, TWO, ONE)
    x4 = cellwise(x1, x3, ONE)
    O = replace(x4, ONE, THREE)
    return O


def solve_fafffa47(I):
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x2, ONE, NINE)
    x4 = cellwise(x1, x3, NINE)
    x5 = replace(x4, ZERO, TWO)
    O = replace(x5, NINE, ZERO)
    return O


def solve_dae9d2b5(I):
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = replace(x2, THREE, FOUR)
    x4 = cellwise(x1, x3, FOUR)
    O = replace(x4, FOUR, SIX)
    return O


def solve_25ff71a9(I):
    x1 = width(I)
    x2 = astuple(ONE, x1)
    x3 = canvas(ZERO, x2)
    x4 = vconcat(x3, I)
    x5 = shape(I)
    O = crop(x4, ORIGIN, x5)
    return O


def solve_d631b094(I):
    x1 = shape(I)
    x2 = canvas(ZERO, x1)
    x3 = hconcat(I, x2)
    x4 = leastcolor(x3)
    x5 = colorcount(I, x4)
    x6 = astuple(ONE, x5)
    O = canvas(x4, x6)
    return O


def solve_8d5021e8(I):
    x1 = vmirror(I)
    x2 = hconcat(x1, I)
    x3 = hmirror(x2)
    x4 = vconcat(x3, x2)
    O = vconcat(x4, x3)
    return O


def solve_007bbfb7(I):
    x1 = upscale(I, THREE)
    x2 = hconcat(I, I)
    x3 = hconcat(x2, I)
    x4 = vconcat(x3, x3)
    x5 = vconcat(x4, x3)
    O = cellwise(x5, x1, ZERO)
    return O


def solve_1cf80156(I):
    O = compress(I)
    return O


def solve_f25fbde4(I):
    x1 = compress(I)
    O = upscale(x1, TWO)
    return O


def solve_b94a9452(I):
    x1 = compress(I)
    x2 = leastcolor(x1)
    x3 = mostcolor(x1)
    O = switch(x1, x2, x3)
    return O


def solve_28bf18c6(I):
    x1 = compress(I)
    O = hconcat(x1, x1)
    return O


def solve_7468f01a(I):
    x1 = compress(I)
    O = vmirror(x1)
    return O


def solve_f76d97a5(I):
    x1 = shape(I)
    x2 = canvas(FIVE, x1)
    x3 = hconcat(I, x2)
    x4 = leastcolor(x3)
    x5 = replace(I, x4, ZERO)
    O = replace(x5, FIVE, x4)
    return O


def solve_aabf363d(I):
    x1 = height(I)
    x2 = decrement(x1)
    x3 = toivec(x2)
    x4 = index(I, x3)
    x5 = replace(I, x4, ZERO)
    x6 = leastcolor(x5)
    O = replace(x5, x6, x4)
    return O


def solve_2013d3e2(I):
    x1 = compress(I)
    O = crop(x1, ORIGIN, THREE_BY_THREE)
    return O
