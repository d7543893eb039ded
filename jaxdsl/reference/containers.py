"""Container primitives of the reference DSL: tuples and frozensets (arc-dsl-spec.md §4.2,
§4.4 and #75 sizefilter).

"type(container)" primitives rebuild their result with the input's type (spec §2.5).
Wherever arc-dsl's result depends on frozenset iteration order (⚠ ORDER), the canonical
order of spec §5 decides (:func:`jaxdsl.reference._base.canon`); elsewhere nothing is
sorted.
"""

from __future__ import annotations

from collections import Counter as _Counter
from typing import Any, Callable

from ._base import canon as _canon
from ._base import canon_max as _canon_max
from ._base import canon_min as _canon_min

_SETS = (frozenset, set)
_MISSING = object()


def contained(value: Any, container: Any) -> bool:
    """Python membership ``value in container`` (a grid's elements are its rows).

    Any × Container → Boolean. Raises TypeError for a non-container second argument.
    arc-dsl #12 contained, spec §4.2.
    """
    return value in container


def combine(a: Any, b: Any) -> Any:
    """All elements of ``a`` followed by all elements of ``b``, as type(a).

    Tuple a: concatenation with duplicates kept; a frozenset ``b`` contributes its elements
    in canonical order. Frozenset a: union with any iterable ``b``.
    Container × Container → Container. Raises TypeError when either argument is not
    iterable or a frozenset result meets unhashable elements.
    arc-dsl #13 combine, spec §4.2 and §5.
    """
    if isinstance(a, tuple):
        return a + tuple(_canon(b))
    if isinstance(a, _SETS):
        return type(a)((*a, *b))
    return type(a)((*a, *_canon(b)))


def intersection(a: Any, b: Any) -> Any:
    """Set intersection ``a & b``, of a's type.

    FrozenSet × FrozenSet → FrozenSet. Raises TypeError for tuples.
    arc-dsl #14 intersection, spec §4.2.
    """
    return a & b


def difference(a: Any, b: Any) -> Any:
    """The elements of ``a`` that are not members of ``b``, in a's order, as type(a).

    Container × Container → Container; tuples keep duplicates. ``b`` may be a tuple or a
    frozenset. Raises TypeError when ``b`` does not support membership.
    arc-dsl #15 difference, spec §4.2.
    """
    if isinstance(a, frozenset) and isinstance(b, _SETS):
        return a - b
    return type(a)(e for e in a if e not in b)


def dedupe(tup: Any) -> tuple:
    """The first occurrence of each element (equality by ``==``), in the original order.

    Tuple → Tuple. Raises AttributeError for a non-empty frozenset (no positional
    index); an empty frozenset gives ``()``. arc-dsl #16 dedupe, spec §4.2.
    """
    if isinstance(tup, tuple):
        try:
            seen = set()
            out = []
            for e in tup:
                if e not in seen:
                    seen.add(e)
                    out.append(e)
            return tuple(out)
        except TypeError:  # unhashable elements: fall back to positional equality
            pass
    return tuple(e for i, e in enumerate(tup) if tup.index(e) == i)


def order(container: Any, compfunc: Callable) -> tuple:
    """All elements sorted ascending by ``compfunc``; equal keys keep iteration order
    (tuple order, or canonical order for a frozenset).

    Container × Callable → Tuple. Raises TypeError when keys cannot be compared.
    arc-dsl #17 order, spec §4.2 and §5.
    """
    return tuple(sorted(_canon(container), key=compfunc))


def repeat(item: Any, num: Any) -> tuple:
    """A tuple of ``num`` copies of ``item`` (``()`` when ``num ≤ 0``).

    Any × Integer → Tuple. Raises TypeError for a non-integer count.
    arc-dsl #18 repeat, spec §4.2.
    """
    return tuple(item for _ in range(num))


def size(container: Any) -> int:
    """The number of elements (rows of a grid, cells of an object).

    Container → Integer. Raises TypeError for a value without a length.
    arc-dsl #20 size, spec §4.2.
    """
    return len(container)


def merge(containers: Any) -> Any:
    """Flatten one level, as type(containers).

    Tuple outer: concatenation with duplicates kept, each inner frozenset contributing its
    elements in canonical order. Frozenset outer: union. Empty input → empty container of
    the same type. ContainerContainer → Container. Raises TypeError for non-iterable inner
    values, or unhashable elements in a frozenset result.
    arc-dsl #21 merge, spec §4.2 and §5.
    """
    if isinstance(containers, tuple):
        return tuple(e for c in containers for e in _canon(c))
    if isinstance(containers, _SETS):
        return type(containers)(e for c in containers for e in c)
    return type(containers)(e for c in containers for e in _canon(c))


def maximum(container: Any) -> Any:
    """The largest element, or 0 for an empty container.

    IntegerSet → Integer. Raises TypeError for elements that cannot be compared.
    arc-dsl #22 maximum, spec §4.2.
    """
    return max(container, default=0)


def minimum(container: Any) -> Any:
    """The smallest element, or 0 for an empty container.

    IntegerSet → Integer. Raises TypeError for elements that cannot be compared.
    arc-dsl #23 minimum, spec §4.2.
    """
    return min(container, default=0)


def valmax(container: Any, compfunc: Callable) -> Any:
    """The largest ``compfunc(e)`` over the elements; ``compfunc(0)`` when empty.

    Container × Callable → Integer. Raises whatever ``compfunc`` raises (e.g.
    ``valmax(frozenset(), size)`` raises TypeError), StopIteration included, and
    TypeError for incomparable keys. arc-dsl #24 valmax, spec §4.2.
    """
    # A list, not ``map``: a StopIteration from ``compfunc`` would end ``map`` silently
    # and give the best of the elements before it (arc-dsl's ``max(key=...)`` raises).
    best = max([compfunc(e) for e in container], default=_MISSING)
    if best is _MISSING:
        return compfunc(0)
    return best


def valmin(container: Any, compfunc: Callable) -> Any:
    """The smallest ``compfunc(e)`` over the elements; ``compfunc(0)`` when empty.

    Container × Callable → Integer. Raises like :func:`valmax`.
    arc-dsl #25 valmin, spec §4.2.
    """
    best = min([compfunc(e) for e in container], default=_MISSING)
    if best is _MISSING:
        return compfunc(0)
    return best


def argmax(container: Any, compfunc: Callable) -> Any:
    """The element with the largest ``compfunc`` key; ties go to the first in iteration
    order (canonical order for frozensets: the smallest tied element).

    Container × Callable → Any. Raises ValueError when empty.
    arc-dsl #26 argmax, spec §4.2 and §5.
    """
    return max(_canon(container), key=compfunc)


def argmin(container: Any, compfunc: Callable) -> Any:
    """The element with the smallest ``compfunc`` key; ties go to the first in iteration
    order (canonical order for frozensets: the smallest tied element).

    Container × Callable → Any. Raises ValueError when empty.
    arc-dsl #27 argmin, spec §4.2 and §5.
    """
    return min(_canon(container), key=compfunc)


def _tally(container: Any) -> dict:
    """Occurrence count of each distinct value, as mostcommon/leastcommon need it.

    Tuples are counted by hashing. Anything else follows arc-dsl's access pattern: the
    distinct values are built first (TypeError if unhashable or not iterable), then the
    container's ``count`` method is looked up (AttributeError for a frozenset, even an
    empty one).
    """
    if isinstance(container, tuple):
        return _Counter(container)
    distinct = set(container)
    count = container.count
    return {v: count(v) for v in distinct}


def mostcommon(container: Any) -> Any:
    """The element with the highest occurrence count; a tie goes to the smallest tied
    value in canonical order (even for tuple input).

    Tuple → Any. Raises AttributeError for a frozenset, ValueError for an empty tuple and
    TypeError for unhashable elements. arc-dsl #28 mostcommon, spec §4.2 and §5.
    """
    counts = _tally(container)
    best = max(counts.values())
    tied = [v for v, c in counts.items() if c == best]
    return _canon_min(tied)


def leastcommon(container: Any) -> Any:
    """The element with the lowest occurrence count; a tie goes to the smallest tied
    value in canonical order (even for tuple input).

    Tuple → Any. Raises like :func:`mostcommon`. arc-dsl #29 leastcommon, spec §4.2, §5.
    """
    counts = _tally(container)
    best = min(counts.values())
    tied = [v for v, c in counts.items() if c == best]
    return _canon_min(tied)


def initset(value: Any) -> frozenset:
    """The frozenset holding only ``value``.

    Any → FrozenSet. Raises TypeError for an unhashable value.
    arc-dsl #30 initset, spec §4.2.
    """
    return frozenset((value,))


def sfilter(container: Any, condition: Callable) -> Any:
    """The elements for which ``condition(e)`` is truthy, as type(container) (a grid is
    filtered by rows).

    Container × Callable → Container. Raises whatever ``condition`` raises.
    arc-dsl #40 sfilter, spec §4.4.
    """
    return type(container)(e for e in container if condition(e))


def mfilter(container: Any, function: Callable) -> Any:
    """:func:`sfilter` then :func:`merge`: the kept inner containers flattened one level,
    as type(container) (a frozenset of objects gives the union of their cells).

    Container × Callable → Container. Raises like sfilter and merge.
    arc-dsl #41 mfilter, spec §4.4.
    """
    return merge(sfilter(container, function))


def extract(container: Any, condition: Callable) -> Any:
    """The first element satisfying ``condition`` in iteration order (for a frozenset, the
    smallest qualifying element in canonical order).

    Container × Callable → Any. Raises StopIteration when nothing qualifies (or the
    container is empty). arc-dsl #42 extract, spec §4.4 and §5.
    """
    if isinstance(container, _SETS):
        found = [e for e in container if condition(e)]
        if not found:
            raise StopIteration
        return _canon_min(found)
    for e in container:
        if condition(e):
            return e
    raise StopIteration


def totuple(container: Any) -> tuple:
    """A tuple of the elements in iteration order (sorted canonically for a frozenset).

    FrozenSet → Tuple. Raises TypeError for a non-iterable.
    arc-dsl #43 totuple, spec §4.4 and §5.
    """
    return tuple(_canon(container))


def first(container: Any) -> Any:
    """The first element in iteration order (for a frozenset its canonical minimum; for a
    grid its first row).

    Container → Any. Raises StopIteration when empty.
    arc-dsl #44 first, spec §4.4 and §5.
    """
    if isinstance(container, _SETS):
        if not container:
            raise StopIteration
        return _canon_min(container)
    return next(iter(container))


def last(container: Any) -> Any:
    """The last element in iteration order (for a frozenset its canonical maximum); the
    elements themselves are never compared with each other.

    Container → Any. Raises ValueError when empty.
    arc-dsl #45 last, spec §4.4 and §5.
    """
    if isinstance(container, _SETS):
        return _canon_max(container)
    if isinstance(container, tuple):
        if not container:
            raise ValueError("last() of an empty container")
        return container[-1]
    return max(enumerate(container), key=lambda p: p[0])[1]


def insert(value: Any, container: Any) -> Any:
    """``container ∪ {value}``.

    Any × FrozenSet → FrozenSet. Raises AttributeError for a tuple (no ``union``) and
    TypeError for an unhashable value. arc-dsl #46 insert, spec §4.4.
    """
    return container.union(frozenset((value,)))


def remove(value: Any, container: Any) -> Any:
    """Every element that differs from ``value``, as type(container), order kept.

    Any × Container → Container. Raises TypeError for a non-iterable container.
    arc-dsl #47 remove, spec §4.4.
    """
    return type(container)(e for e in container if e != value)


def other(container: Any, value: Any) -> Any:
    """The first element differing from ``value`` in iteration order (for a frozenset the
    smallest such element in canonical order).

    Container × Any → Any. Raises StopIteration when no other element exists.
    arc-dsl #48 other, spec §4.4 and §5.
    """
    return first(remove(value, container))


def product(a: Any, b: Any) -> frozenset:
    """The frozenset of all pairs ``(x, y)`` with ``x`` in ``a`` and ``y`` in ``b``
    (duplicates collapse; empty if either input is empty).

    Container × Container → FrozenSet. Raises TypeError for non-iterable inputs.
    arc-dsl #51 product, spec §4.4.
    """
    return frozenset((x, y) for y in b for x in a)


def pair(a: Any, b: Any) -> tuple:
    """The tuple of ``(a[k], b[k])``, stopping at the shorter input; frozenset arguments
    are paired in canonical order.

    Tuple × Tuple → TupleTuple. Raises TypeError for non-iterable inputs.
    arc-dsl #52 pair, spec §4.4 and §5.
    """
    return tuple(zip(_canon(a), _canon(b)))


def sizefilter(container: Any, n: Any) -> frozenset:
    """The frozenset of the items that have exactly ``n`` elements (always a frozenset,
    even for tuple input).

    Container × Integer → FrozenSet. Raises TypeError for items without a length.
    arc-dsl #75 sizefilter, spec §4.6.
    """
    return frozenset(item for item in container if len(item) == n)
