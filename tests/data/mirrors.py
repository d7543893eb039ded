from dsl import *
from constants import *


def solve_68b16354(I):
    O = hmirror(I)
    return O


def mirror_v(I):
    O = vmirror(I)
    return O
