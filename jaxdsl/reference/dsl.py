"""Every reference primitive and constant as a module attribute: ``from jaxdsl.reference.dsl import *``
is the reference's equivalent of arc-dsl's ``from dsl import *`` + ``from constants import *``."""

from . import CONSTANTS, PRIMITIVES

globals().update(PRIMITIVES)
globals().update(CONSTANTS)

__all__ = [*PRIMITIVES, *CONSTANTS]
