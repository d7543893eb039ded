from dsl import *
from constants import *


def upscale_by_five(I):
    x1 = upscale(I, FIVE)
    x2 = downscale(x1, TWO)
    O = bottomhalf(x2)
    return O
