"""Equivalence of the measurement JAX primitives (``jaxdsl.prims.measures``) with the reference.

Every ARC-AGI-1 grid (plus the generated edge cases: ``()``, rows of ``()``, 30×30, …) is
a grid argument, together with extra grids holding colours outside 0–9 (negative values,
the int8 extremes ±127, ``None`` cells) and tie patterns for mostcolor/leastcolor
(``((1, 9),)`` vs ``((9, 1),)``: the canonical answer is the smallest tied value).
``colorcount`` takes two values per grid (one cycling through a colour list with
``None``, 200 and −1; one the grid's own first cell) and every colour on the extra grids.

``CASES`` maps ``(name, params)`` to a function ``grids -> [args, ...]``; ``RAISES`` lists
the signatures whose cases must make the reference raise (ValueError / IndexError on
empty grids); no measurement can overflow.
"""

from __future__ import annotations

from typing import Callable

import pytest

from jaxdsl.prims.measures import SIGNATURES
from tests.equivalence import check_equivalence

I, B, T, G = "Integer", "Boolean", "IntegerTuple", "Grid"

EXTRA_GRIDS = (
    (), ((),), ((), (), ()),
    ((1, 9),), ((9, 1),), ((9, 2, 0, 0),), ((2, 2, 9, 9), (0, 0, 5, 5)),
    ((-1, -1, 3),), ((127, -127, 127),), ((-127,),), ((-5, -5, 100), (100, 3, -5)),
    ((None, 1), (1, None)), ((None, None, 3),), ((None,),), ((3, None, 3), (None, 4, 4)),
    tuple(tuple((i * 31 + j * 7) % 255 - 127 for j in range(30)) for i in range(30)),
    tuple(tuple(-100 + (i + j) % 3 for j in range(17)) for i in range(23)),
)
"""Colours outside 0–9 (including the int8 extremes and ``None``), ties, empty grids."""

COLOURS = (0, 1, 2, 3, 5, 9, -1, 200, None, 127, -127, -100)

TUPLES = ((0, 0), (1, 2), (-3, 7), (None, 3), (2**30 - 1, -2**30 + 1), (None, None), ())
"""IntegerTuple arguments; ``()`` is what ``ulcorner`` and the other corners return for an
empty patch (``height(())`` and ``size(())`` are 0)."""


def _all_grids(grids) -> tuple:
    return tuple(grids) + EXTRA_GRIDS


def _first_cell(g):
    return g[0][0] if g and g[0] else 0


def _colorcount_cases(grids) -> list:
    cases = []
    for k, g in enumerate(grids):
        cases.append((g, COLOURS[k % len(COLOURS)]))
        cases.append((g, _first_cell(g)))
    cases += [(g, c) for g in EXTRA_GRIDS for c in COLOURS]
    return cases


def _grid_cases(grids) -> list:
    return [(g,) for g in _all_grids(grids)]


def _tuple_cases(grids) -> list:
    return [(t,) for t in TUPLES]


CASES: dict[tuple[str, tuple[str, ...]], Callable[[tuple], list[tuple]]] = {
    **{(name, sig.params): (_grid_cases if sig.params == (G,) else _tuple_cases)
       for name, sigs in SIGNATURES.items() for sig in sigs if sig.params in ((G,), (T,))},
    ("colorcount", (G, I)): _colorcount_cases,
}

RAISES: set = {("mostcolor", (G,)), ("leastcolor", (G,)), ("square", (G,))}
"""Signatures whose cases include reference raises (``()`` and rows of ``()``)."""

_ALL_KEYS = [(name, sig.params) for name, sigs in SIGNATURES.items() for sig in sigs]


@pytest.mark.parametrize("key", _ALL_KEYS, ids=lambda k: f"{k[0]}{list(k[1])}")
def test_equivalence(key, grids):
    """The JAX signature agrees with the reference on its cases (batched and unbatched)."""
    name, params = key
    assert key in CASES, f"no CASES entry for {name}{params}"
    (sig,) = [s for s in SIGNATURES[name] if s.params == params]
    counts = check_equivalence(name, sig, CASES[key](grids))
    assert (counts["ref_raised"] > 0) == (key in RAISES), counts
    assert counts["overflow"] == 0, counts


def test_cases_cover_signatures():
    """Every Signature has a CASES entry and every CASES entry names a Signature."""
    assert set(CASES) == set(_ALL_KEYS)
    assert RAISES <= set(_ALL_KEYS)
