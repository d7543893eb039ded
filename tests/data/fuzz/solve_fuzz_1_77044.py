# Regression case found by jaxdsl.fuzz: solve_fuzz_1_77044, 18 of 32 samples disagree.
# primitive at fault: sfilter
# input grid: ((0, 0, 3, 0, 0, 0, 7), (8, 1, 0, 8, 0, 0, 0), (0, 0, 3, 0, 8, 0, 3), (0, 7, 0, 1, 0, 7, 0), (0, 0, 0, 0, 0, 0, 0), (1, 0, 8, 6, 0, 0, 0), (0, 8, 0, 6, 0, 1, 0))
# reference: ok: frozenset({(2, 4), (6, 1), (1, 0), (1, 3), (5, 2)})
# jax:       ok: frozenset({(2, 4), (13, 1), (6, 1), (9, 4), (8, 0), (8, 3), (12, 2), (1, 0), (1, 3), (5, 2)})

from dsl import *
from constants import *


def solve_fuzz_1_77044(I):
    x1 = combine(I, I)
    x2 = ofcolor(x1, EIGHT)
    x3 = lbind(index, I)
    O = sfilter(x2, x3)
    return O
