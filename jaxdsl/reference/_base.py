"""Shared helpers of the reference DSL: run-time type tests and the canonical order.

The canonical order is the binding iteration order for every frozenset in the
reference (arc-dsl-spec.md §5): integers ascending; tuples lexicographically by
their components' keys (a proper prefix first), so index pairs sort row-major and
cells sort by (colour, row, column); frozensets by the tuple of their sorted
elements' keys. Tuples keep their own order.
"""

from __future__ import annotations

from typing import Any, Iterable


def is_int(x: Any) -> bool:
    """arc-dsl's "is this an int?" test (bools count as ints), spec §1."""
    return isinstance(x, int)


def is_grid(x: Any) -> bool:
    """arc-dsl's Grid test: any ``tuple`` counts as a Grid, anything else as a patch (spec §1)."""
    return isinstance(x, tuple)


def is_object(patch: Any) -> bool:
    """arc-dsl's Object-vs-Indices test on a non-empty patch: looks only at the first element.

    The patch is an Object when the second component of its first element (in canonical
    order) is a tuple. When every element has the same kind (the case well-typed programs
    make) that kind is the answer, found in one pass that stops at the first element of
    the other kind; a mixed or empty patch is decided by the canonical first element.
    Raises IndexError/TypeError like the original on malformed input.
    """
    it = iter(patch)
    for first in it:
        kind = isinstance(first[1], tuple)
        for e in it:
            if isinstance(e[1], tuple) is not kind:
                return _first_is_object(patch)
        return kind
    return _first_is_object(patch)


def _first_is_object(patch: Any) -> bool:
    """:func:`is_object` of a mixed (or empty) patch: every element is read (so a
    malformed one raises), then the canonical first element decides."""
    kinds = {isinstance(e[1], tuple) for e in patch}
    if len(kinds) == 1:
        return kinds.pop()
    first = canon_min(patch) if isinstance(patch, (frozenset, set)) else next(iter(patch))
    return isinstance(first[1], tuple)


def canon_key(x: Any):
    """Total-order key of the canonical order (spec §5) for any reference value.

    Returns a nested tuple tagged by kind so that values of different kinds never
    compare directly: ints/bools ``(0, v)``, ``None`` ``(-1,)``, tuples ``(1, keys)``,
    frozensets/sets ``(2, sorted keys)``, anything else (callables) ``(3, repr)``.
    """
    if x is None:
        return (-1,)
    if isinstance(x, int):
        return (0, int(x))
    if isinstance(x, tuple):
        return (1, tuple(canon_key(e) for e in x))
    if isinstance(x, (frozenset, set)):
        return (2, tuple(sorted(canon_key(e) for e in x)))
    return (3, getattr(x, "__qualname__", repr(x)))


def _plain(x: Any) -> bool:
    """True for ints (bools too) and tuples of plain values, nested. Python's own ``<`` on
    two plain values either agrees with :func:`canon_key`'s order or raises TypeError (an
    int against a tuple at the first differing position), never orders them otherwise."""
    if isinstance(x, int):
        return True
    return isinstance(x, tuple) and all(map(_plain, x))


def _canonically(pick, values):
    """``pick(values)`` (``sorted``, ``min`` or ``max``) in canonical order. When every
    value is plain (:func:`_plain`) Python's own comparisons are tried first: a sort or a
    scan acts only on the outcomes of its comparisons, so if none raised, each outcome
    was canonical and so is the result; else (or on TypeError) by :func:`canon_key`."""
    if all(map(_plain, values)):
        try:
            return pick(values)
        except TypeError:
            pass
    return pick(values, key=canon_key)


def canon_min(values):
    """The canonical minimum of ``values`` (a collection, iterated twice); ValueError when empty."""
    return _canonically(min, values)


def canon_max(values):
    """The canonical maximum of ``values`` (a collection, iterated twice); ValueError when empty."""
    return _canonically(max, values)


def canon(container: Iterable) -> Iterable:
    """Iterate ``container`` in canonical order.

    Frozensets and sets are sorted by :func:`canon_key` (by Python's own comparisons
    where they agree, :func:`_canonically`); tuples (and any other sequence) are returned
    unchanged, keeping their own order and duplicates.
    """
    if isinstance(container, (frozenset, set)):
        return _canonically(sorted, container)
    return container
