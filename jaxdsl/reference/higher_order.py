"""Higher-order primitives of the reference DSL: functions as arguments or results
(arc-dsl-spec.md §4.5).

Arity matters because ``rbind``/``lbind`` read the declared positional-parameter count
(``__code__.co_argcount``) of the function they bind. The functions returned here declare:
compose/chain/matcher/fork → 1; rbind/lbind → n−1, or 3 in the fallback case; power → the
bound function itself for n = 1, otherwise 1.
"""

from __future__ import annotations

import sys as _sys
from typing import Any, Callable

from . import containers as _containers
from ._base import canon as _canon


def compose(outer: Callable, inner: Callable) -> Callable:
    """The one-parameter function x ↦ outer(inner(x)).

    Callable × Callable → Callable. Never raises itself; the result raises whatever the
    composed functions raise. arc-dsl #54 compose, spec §4.5.
    """
    def composed(x):
        return outer(inner(x))
    return composed


def chain(h: Callable, g: Callable, f: Callable) -> Callable:
    """The one-parameter function x ↦ h(g(f(x))).

    Callable × Callable × Callable → Callable. Never raises itself.
    arc-dsl #55 chain, spec §4.5.
    """
    def chained(x):
        return h(g(f(x)))
    return chained


def matcher(function: Callable, target: Any) -> Callable:
    """The one-parameter predicate x ↦ (function(x) == target).

    Callable × Any → Callable. Never raises itself. arc-dsl #56 matcher, spec §4.5.
    """
    def matches(x):
        return function(x) == target
    return matches


def _argcount(function: Callable) -> int:
    """Declared positional-parameter count; AttributeError when there is no ``__code__``
    (built-ins, ``functools.partial`` objects and the like)."""
    return function.__code__.co_argcount


def rbind(function: Callable, fixed: Any) -> Callable:
    """Fix the **last** argument of ``function``.

    With n the declared positional-parameter count: n = 2 → x ↦ function(x, fixed);
    n = 3 → (x, y) ↦ function(x, y, fixed); any other n → (x, y, z) ↦
    function(x, y, z, fixed) (so binding a one-parameter function gives a 3-parameter
    function that raises TypeError when called).
    Callable × Any → Callable. Raises AttributeError when ``function`` has no
    ``__code__``. arc-dsl #57 rbind, spec §4.5.
    """
    n = _argcount(function)
    if n == 2:
        def rbound1(x):
            return function(x, fixed)
        return rbound1
    if n == 3:
        def rbound2(x, y):
            return function(x, y, fixed)
        return rbound2

    def rbound3(x, y, z):
        return function(x, y, z, fixed)
    return rbound3


def lbind(function: Callable, fixed: Any) -> Callable:
    """Fix the **first** argument of ``function``.

    With n the declared positional-parameter count: n = 2 → y ↦ function(fixed, y);
    n = 3 → (y, z) ↦ function(fixed, y, z); any other n → (y, z, a) ↦
    function(fixed, y, z, a).
    Callable × Any → Callable. Raises AttributeError when ``function`` has no
    ``__code__``. arc-dsl #58 lbind, spec §4.5.
    """
    n = _argcount(function)
    if n == 2:
        def lbound1(y):
            return function(fixed, y)
        return lbound1
    if n == 3:
        def lbound2(y, z):
            return function(fixed, y, z)
        return lbound2

    def lbound3(y, z, a):
        return function(fixed, y, z, a)
    return lbound3


def _power_steps(n: Any) -> int:
    """How many times power(function, n) applies ``function`` (n ≠ 1).

    arc-dsl reaches its base case only when counting down from n by ones hits 1; otherwise
    the call to power recurses without end. That is reported as RecursionError directly.
    Values that do not support ``== 1`` / ``- 1`` raise what those operations raise.
    """
    if isinstance(n, int):
        if n < 1:
            raise RecursionError("power: n <= 0 never reaches the base case n == 1")
        return int(n)
    limit = _sys.getrecursionlimit()
    k, steps = n, 1
    while not k == 1:
        k = k - 1
        steps += 1
        if steps > limit:
            raise RecursionError("power: n never reaches the base case n == 1")
    return steps


def power(function: Callable, n: Any) -> Callable:
    """``function`` applied ``n`` times.

    n = 1 → ``function`` itself (the same object); n ≥ 2 → a one-parameter function
    x ↦ function(…function(x)…) with n applications.
    Callable × Integer → Callable. Raises RecursionError when n ≤ 0 (at the call to
    power itself). arc-dsl #59 power, spec §4.5.
    """
    if n == 1:
        return function
    steps = _power_steps(n)

    def powered(x):
        for _ in range(steps):
            x = function(x)
        return x
    return powered


def fork(outer: Callable, a: Callable, b: Callable) -> Callable:
    """The one-parameter function x ↦ outer(a(x), b(x)).

    Callable × Callable × Callable → Callable. Never raises itself.
    arc-dsl #60 fork, spec §4.5.
    """
    def forked(x):
        return outer(a(x), b(x))
    return forked


def apply(function: Callable, container: Any) -> Any:
    """``function`` applied to each element, as type(container) (a tuple keeps length and
    order; a frozenset merges equal results; a grid maps its rows).

    Callable × Container → Container. Raises whatever ``function`` raises, and TypeError
    for unhashable results in a frozenset. arc-dsl #61 apply, spec §4.5.
    """
    return type(container)(function(e) for e in container)


def rapply(functions: Any, value: Any) -> Any:
    """Each function of ``functions`` called on ``value``, as type(functions).

    Container × Any → Container. Raises whatever the functions raise.
    arc-dsl #62 rapply, spec §4.5.
    """
    return type(functions)(f(value) for f in functions)


def mapply(function: Callable, container: Any) -> Any:
    """:func:`apply` then merge: the results flattened one level, as type(container)
    (frozenset input → union; tuple input → concatenation, frozenset results contributing
    their elements in canonical order).

    Callable × ContainerContainer → Container. Raises like apply and merge.
    arc-dsl #63 mapply, spec §4.5 and §5.
    """
    return _containers.merge(apply(function, container))


def papply(function: Callable, a: Any, b: Any) -> tuple:
    """The tuple of ``function(a[k], b[k])``, stopping at the shorter input; frozenset
    arguments are walked in canonical order.

    Callable × Tuple × Tuple → Tuple. Raises whatever ``function`` raises.
    arc-dsl #64 papply, spec §4.5 and §5.
    """
    return tuple(function(x, y) for x, y in zip(_canon(a), _canon(b)))


def mpapply(function: Callable, a: Any, b: Any) -> tuple:
    """:func:`papply` then merge: always a tuple, duplicates kept, frozenset results
    contributing their elements in canonical order.

    Callable × Tuple × Tuple → Tuple. Raises like papply, and TypeError for non-iterable
    results. arc-dsl #65 mpapply, spec §4.5 and §5.
    """
    return _containers.merge(papply(function, a, b))


def prapply(function, a: Any, b: Any) -> frozenset:
    """The frozenset of ``function(x, y)`` over all ``x`` in ``a`` and ``y`` in ``b``.

    Callable × Container × Container → FrozenSet. Raises whatever ``function`` raises,
    and TypeError for unhashable results. arc-dsl #66 prapply, spec §4.5.
    """
    return frozenset(function(x, y) for x in a for y in b)
