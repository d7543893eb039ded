"""Arithmetic, logic and vector helpers of the reference DSL (arc-dsl-spec.md §4.1-§4.4).

Every function follows the behavioural contract of the spec: an ``int`` (``bool`` included)
is a scalar, anything else is treated as a pair of which only components 0 and 1 are
read. Nothing here depends on frozenset iteration order.
"""

from __future__ import annotations

from typing import Any

from ._base import is_int as _is_int


def _pairwise(a: Any, b: Any, op):
    """The four dispatch rules shared by add/subtract/multiply/divide (spec §4.1, #2).

    (a) int, int → ``op(a, b)``; (b) tuple, tuple → per component; (c) int, tuple → the
    int against each component of b; (d) anything else → each component of a against b.
    """
    if _is_int(a):
        if _is_int(b):
            return op(a, b)
        if isinstance(b, tuple):
            return (op(a, b[0]), op(a, b[1]))
    elif isinstance(a, tuple) and isinstance(b, tuple):
        return (op(a[0], b[0]), op(a[1], b[1]))
    # rule (d): raises TypeError when ``a`` is not subscriptable (e.g. an int against a
    # frozenset) and IndexError when ``a`` is a tuple shorter than 2.
    return (op(a[0], b), op(a[1], b))


def _add(x, y):
    return x + y


def _sub(x, y):
    return x - y


def _mul(x, y):
    return x * y


def _floordiv(x, y):
    return x // y


def identity(x: Any) -> Any:
    """Return ``x`` itself (the same object).

    Any → Any. Never raises. arc-dsl #1 identity, spec §4.1.
    """
    return x


def add(a: Any, b: Any) -> Any:
    """Sum of two Numericals: int+int, pair+pair, int+pair or pair+int (per component).

    Numerical × Numerical → Numerical. Only components 0 and 1 of a tuple are used.
    Raises IndexError for a tuple shorter than 2 and TypeError when the fall-through rule
    meets a non-subscriptable ``a`` (e.g. ``add(1, frozenset())``).
    arc-dsl #2 add, spec §4.1.
    """
    return _pairwise(a, b, _add)


def subtract(a: Any, b: Any) -> Any:
    """Difference ``a − b`` with the dispatch rules of :func:`add`.

    Numerical × Numerical → Numerical. Raises like :func:`add`.
    arc-dsl #3 subtract, spec §4.1.
    """
    return _pairwise(a, b, _sub)


def multiply(a: Any, b: Any) -> Any:
    """Product ``a · b`` with the dispatch rules of :func:`add`.

    Numerical × Numerical → Numerical. Raises like :func:`add`.
    arc-dsl #4 multiply, spec §4.1.
    """
    return _pairwise(a, b, _mul)


def divide(a: Any, b: Any) -> Any:
    """Floor division ``a // b`` (rounding toward −∞) with the dispatch rules of :func:`add`.

    Numerical × Numerical → Numerical. Raises ZeroDivisionError when any used divisor
    component is 0, otherwise like :func:`add`. arc-dsl #5 divide, spec §4.1 and §2.1.
    """
    return _pairwise(a, b, _floordiv)


def invert(n: Any) -> Any:
    """Negation: int → ``−n``, anything else → ``(−n[0], −n[1])``.

    Numerical → Numerical. Raises IndexError/TypeError on a short or non-subscriptable
    non-int. arc-dsl #6 invert, spec §4.1.
    """
    if _is_int(n):
        return -n
    return (-n[0], -n[1])


def even(n: Any) -> bool:
    """Whether ``n mod 2 == 0`` (Python modulo, so negative odd numbers are not even).

    Integer → Boolean. Raises TypeError for a tuple. arc-dsl #7 even, spec §4.1.
    """
    return n % 2 == 0


def double(n: Any) -> Any:
    """Twice the value: int → ``2n``, pair → ``(2n0, 2n1)``.

    Numerical → Numerical. Raises IndexError/TypeError on a short or non-subscriptable
    non-int. arc-dsl #8 double, spec §4.1.
    """
    if _is_int(n):
        return n * 2
    return (n[0] * 2, n[1] * 2)


def halve(n: Any) -> Any:
    """Floor half: int → ``n // 2``, pair → ``(n0 // 2, n1 // 2)``.

    Numerical → Numerical. Raises IndexError/TypeError on a short or non-subscriptable
    non-int. arc-dsl #9 halve, spec §4.1.
    """
    if _is_int(n):
        return n // 2
    return (n[0] // 2, n[1] // 2)


def flip(b: Any) -> bool:
    """Logical not of the truthiness of ``b``; always a bool.

    Any → Boolean. Never raises for ordinary values. arc-dsl #10 flip, spec §4.1.
    """
    return not b


def equality(a: Any, b: Any) -> bool:
    """Python ``a == b`` (1 == True; a tuple never equals a frozenset).

    Any × Any → Boolean. arc-dsl #11 equality, spec §4.1.
    """
    return a == b


def greater(a: Any, b: Any) -> bool:
    """Python ``a > b`` (tuples compare lexicographically).

    Any × Any → Boolean. Raises TypeError for values that cannot be ordered.
    arc-dsl #19 greater, spec §4.2.
    """
    return a > b


def both(a: Any, b: Any) -> Any:
    """Python ``a and b``: ``a`` if it is falsy, else ``b`` (not converted to bool).

    Any × Any → Any. arc-dsl #31 both, spec §4.2.
    """
    return a and b


def either(a: Any, b: Any) -> Any:
    """Python ``a or b``: ``a`` if it is truthy, else ``b`` (not converted to bool).

    Any × Any → Any. arc-dsl #32 either, spec §4.2.
    """
    return a or b


def increment(x: Any) -> Any:
    """Add one: int → ``x+1``, pair → ``(x0+1, x1+1)``.

    Numerical → Numerical. Raises IndexError/TypeError on a short or non-subscriptable
    non-int. arc-dsl #33 increment, spec §4.3.
    """
    if _is_int(x):
        return x + 1
    return (x[0] + 1, x[1] + 1)


def decrement(x: Any) -> Any:
    """Subtract one: int → ``x−1``, pair → ``(x0−1, x1−1)``.

    Numerical → Numerical. Raises IndexError/TypeError on a short or non-subscriptable
    non-int. arc-dsl #34 decrement, spec §4.3.
    """
    if _is_int(x):
        return x - 1
    return (x[0] - 1, x[1] - 1)


def _crement1(v):
    if v == 0:
        return 0
    return v + 1 if v > 0 else v - 1


def crement(x: Any) -> Any:
    """Step away from zero: 0 stays 0, positives get +1, negatives −1 (per component).

    Numerical → Numerical. Raises IndexError/TypeError on a short or non-subscriptable
    non-int. arc-dsl #35 crement, spec §4.3.
    """
    if _is_int(x):
        return _crement1(x)
    return (_crement1(x[0]), _crement1(x[1]))


def _sign1(v):
    if v == 0:
        return 0
    return 1 if v > 0 else -1


def sign(x: Any) -> Any:
    """Sign −1, 0 or 1 of an int, or of each component of a pair.

    Numerical → Numerical. Raises IndexError/TypeError on a short or non-subscriptable
    non-int. arc-dsl #36 sign, spec §4.3.
    """
    if _is_int(x):
        return _sign1(x)
    return (_sign1(x[0]), _sign1(x[1]))


def positive(x: Any) -> bool:
    """Whether ``x > 0`` (0 is not positive).

    Integer → Boolean. Raises TypeError for values not comparable with 0.
    arc-dsl #37 positive, spec §4.3.
    """
    return x > 0


def toivec(i: Any) -> tuple:
    """The vertical vector ``(i, 0)``.

    Integer → IntegerTuple. Never raises. arc-dsl #38 toivec, spec §4.3.
    """
    return (i, 0)


def tojvec(j: Any) -> tuple:
    """The horizontal vector ``(0, j)``.

    Integer → IntegerTuple. Never raises. arc-dsl #39 tojvec, spec §4.3.
    """
    return (0, j)


def interval(start: Any, stop: Any, step: Any) -> tuple:
    """The tuple of ``range(start, stop, step)``.

    Integer × Integer × Integer → Tuple. Raises ValueError for a zero step and TypeError
    for non-integer bounds. arc-dsl #49 interval, spec §4.4.
    """
    return tuple(range(start, stop, step))


def astuple(a: Any, b: Any) -> tuple:
    """The pair ``(a, b)``.

    Integer × Integer → IntegerTuple. Never raises. arc-dsl #50 astuple, spec §4.4.
    """
    return (a, b)


def branch(condition: Any, a: Any, b: Any) -> Any:
    """``a`` if ``condition`` is truthy, otherwise ``b`` (both already evaluated).

    Boolean × Any × Any → Any. arc-dsl #53 branch, spec §4.4.
    """
    return a if condition else b
