from dsl import *
from constants import *


def solve_functions_in_a_tuple(I):
    x1 = astuple(rot90, rot180)
    x2 = rapply(x1, I)
    O = first(x2)
    return O
