# Regression case found by jaxdsl.fuzz: solve_fuzz_1_10848, 6 of 32 samples disagree.
# primitive at fault: valmin
# input grid: ((0, 1, 0, 1, 0, 1, 0, 1), (1, 0, 1, 0, 1, 0, 1, 0), (0, 1, 0, 1, 0, 1, 0, 1), (1, 0, 8, 0, 1, 0, 1, 0))
# reference: ok: 1
# jax:       not ok

from dsl import *
from constants import *


def solve_fuzz_1_10848(I):
    x1 = leastcommon(I)
    x2 = fork(other, initset, invert)
    O = valmin(x1, x2)
    return O
