"""JAX primitives, one module per family, and the registry that lists them as plain data.

Each family module defines ``SIGNATURES: dict[str, tuple[Signature, ...]]``: for every
arc-dsl primitive it implements, one :class:`Signature` per supported combination of
static DSL argument types. :data:`REGISTRY` merges them.

Calling convention of an implementation (``Signature.impl``):

* positional arguments: unbatched JAX values of the signature's parameter types
  (see :mod:`jaxdsl.values`); the compiler vmaps over samples;
* keyword ``caps`` (only if the function declares it): the static
  :class:`jaxdsl.values.Capacity`, for primitives that build values from scratch;
* returns ``(value, ok, overflow)`` built with :func:`jaxdsl.values.result`:
  ``ok`` False exactly where the reference raises, ``overflow`` True when the result
  does not fit the capacity.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from typing import Callable, NamedTuple

from jaxdsl import containers  # noqa: F401  (registers the container types' converters)


class Signature(NamedTuple):
    """One typed implementation of a primitive.

    Attributes:
      params: DSL type name of each parameter (``"Grid"``, ``"Integer"``, ...).
      result: DSL type name of the result.
      impl: the JAX function (see the module docstring for its calling convention).
    """

    params: tuple[str, ...]
    result: str
    impl: Callable


def bind_caps(impl: Callable, caps) -> Callable:
    """``impl`` with its keyword ``caps`` bound to the :class:`jaxdsl.values.Capacity`
    ``caps`` when it declares one (see the calling convention above), else ``impl``."""
    if "caps" in inspect.signature(impl).parameters:
        return functools.partial(impl, caps=caps)
    return impl


FAMILIES = ("numeric", "measures", "grids", "geometry", "patches", "painting", "segmentation", "sets")
"""Family modules merged into :data:`REGISTRY`, in order."""


def _merge() -> dict[str, tuple[Signature, ...]]:
    merged: dict[str, list[Signature]] = {}
    for family in FAMILIES:
        module = importlib.import_module(f"{__name__}.{family}")
        for name, sigs in getattr(module, "SIGNATURES", {}).items():
            merged.setdefault(name, []).extend(sigs)
    return {name: tuple(sigs) for name, sigs in merged.items()}


REGISTRY: dict[str, tuple[Signature, ...]] = _merge()
"""Primitive name → its typed JAX implementations."""
