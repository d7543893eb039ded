# Regression case found by jaxdsl.fuzz: solve_fuzz_1_65979, 26 of 32 samples disagree.
# primitive at fault: height
# input grid: ((0, 0, 0), (0, 7, 7), (0, 0, 0))
# reference: ok: 0
# jax:       ok: 2

from dsl import *
from constants import *


def solve_fuzz_1_65979(I):
    x1 = ofcolor(I, EIGHT)
    x2 = ulcorner(x1)
    O = height(x2)
    return O
