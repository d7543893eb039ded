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

from jaxdsl import containers, types


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


def _window_checked(impl: Callable, result_type: str) -> Callable:
    """``impl`` with ``overflow`` also set when its row-container result has a row outside
    the position / colour window (:func:`jaxdsl.containers.rows_in_window`): the window is part of
    every row container's capacity, checked here once for every primitive instead of in
    each family. Results of other types (and integer rows) are returned unchanged."""
    if types.row_width(result_type) == 1:
        return impl

    @functools.wraps(impl)
    def checked(*args, **kwargs):
        value, ok, overflow = impl(*args, **kwargs)
        if isinstance(value, containers.Grouped):
            valid = containers.group_mask(value)
        else:
            valid = containers.row_mask(value)
        return value, ok, overflow | (ok & ~containers.rows_in_window(value.data, valid))

    return checked


def _merge() -> dict[str, tuple[Signature, ...]]:
    """Merge the families' ``SIGNATURES``, wrapping each implementation with the window
    check in place, so a family's table and :data:`REGISTRY` hold the same functions."""
    merged: dict[str, list[Signature]] = {}
    for family in FAMILIES:
        module = importlib.import_module(f"{__name__}.{family}")
        table = getattr(module, "SIGNATURES", {})
        for name, sigs in table.items():
            table[name] = tuple(sig._replace(impl=_window_checked(sig.impl, sig.result)) for sig in sigs)
            merged.setdefault(name, []).extend(table[name])
    return {name: tuple(sigs) for name, sigs in merged.items()}


REGISTRY: dict[str, tuple[Signature, ...]] = _merge()
"""Primitive name → its typed JAX implementations."""
