from dsl import *
from constants import *


def solve_functions_in_a_frozenset(I):
    x1 = initset(rot90)
    x2 = rapply(x1, I)
    O = first(x2)
    return O
