from dsl import *
from constants import *


def solve_higher_order(I):
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    O = paint(I, x2)
    return O
