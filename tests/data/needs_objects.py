from dsl import *
from constants import *


def solve_objects(I):
    x1 = objects(I, T, F, T)
    x2 = first(x1)
    O = paint(I, x2)
    return O
