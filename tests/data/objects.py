from dsl import *
from constants import *


def recolor_largest_colour_objects(I):
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, ONE)
    x3 = merge(x2)
    x4 = leastcolor(I)
    x5 = recolor(x4, x3)
    x6 = paint(I, x5)
    x7 = ofcolor(x6, x4)
    x8 = backdrop(x7)
    O = underfill(x6, EIGHT, x8)
    return O
