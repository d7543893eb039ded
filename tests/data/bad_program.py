from dsl import *
from constants import *

def solve_x(I):
    x1 = frobnicate(I)
    return x1
