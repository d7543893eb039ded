"""Reference DSL: colours and measurements (arc-dsl #67–73, #97, #106–107; spec §4.6, §4.9).

Expected values are literals taken from arc-dsl-spec.md (examples, edge cases, raising
conditions) or worked out by hand from its definitions; canonical order (spec §5) decides
ties.
"""

from __future__ import annotations

import pytest

from jaxdsl.reference import measures as M

fs = frozenset

CASES = [
    # --- mostcolor (#67) ------------------------------------------------------------
    ("mostcolor", (((1, 9),),), 1),                      # CPython 1; canonical smallest
    ("mostcolor", (((9, 1),),), 1),                      # CPython 9; canonical 1 (spec §5)
    ("mostcolor", (fs({(0, 0), (0, 1), (1, 0)}),), 0),   # Indices count row indices
    ("mostcolor", (fs({(1, 0), (1, 1), (0, 5)}),), 1),
    ("mostcolor", (((1, 2, 2), (3, 2, 1)),), 2),
    ("mostcolor", (((1, 8), (8, 1)),), 1),               # tie → smallest (spec §4.6 underfill)
    ("mostcolor", (((5,),),), 5),
    ("mostcolor", (fs({(3, (0, 0)), (3, (0, 1)), (5, (1, 1))}),), 3),
    ("mostcolor", (fs({(7, (0, 0)), (4, (0, 1))}),), 4),  # Object tie → smallest colour
    ("mostcolor", (((0, 0, 9), (9, 9, 0)),), 0),         # 3-3 tie → 0
    # --- leastcolor (#68) -----------------------------------------------------------
    ("leastcolor", (((9, 2, 0, 0),),), 2),               # CPython 9; canonical 2
    ("leastcolor", (((1, 1, 2),),), 2),
    ("leastcolor", (((1, 2, 2), (3, 2, 1)),), 3),
    ("leastcolor", (fs({(0, 0), (0, 1), (1, 0)}),), 1),  # Indices: rows {0: 2, 1: 1}
    ("leastcolor", (fs({(7, (0, 0)), (4, (0, 1)), (4, (1, 1))}),), 7),
    ("leastcolor", (((6, 3),),), 3),
    # --- height (#69) ---------------------------------------------------------------
    ("height", ((),), 0),
    ("height", (fs(),), 0),
    ("height", (((),),), 1),
    ("height", (((), ()),), 2),
    ("height", (((1, 2), (3, 4), (5, 6)),), 3),
    ("height", (fs({(-2, 0), (1, 0)}),), 4),
    ("height", (fs({(5, (2, 3)), (5, (4, 3))}),), 3),
    ("height", (fs({(7, 7)}),), 1),
    # --- width (#70) ----------------------------------------------------------------
    ("width", ((),), 0),
    ("width", (fs(),), 0),
    ("width", (((),),), 0),
    ("width", (((1, 2, 3), (4,)),), 3),
    ("width", (((1,), (2, 3, 4)),), 1),
    ("width", (fs({(0, -1), (0, 2)}),), 4),
    ("width", (fs({(1, (3, 3)), (2, (0, 5))}),), 3),
    # --- shape (#71) ----------------------------------------------------------------
    ("shape", (fs(),), (0, 0)),
    ("shape", (((),),), (1, 0)),
    ("shape", ((),), (0, 0)),
    ("shape", (((1, 2, 3),),), (1, 3)),
    ("shape", (fs({(1, 1), (2, 3)}),), (2, 3)),
    ("shape", (fs({(4, (-1, -1)), (4, (3, 0))}),), (5, 2)),
    # --- portrait (#72) -------------------------------------------------------------
    ("portrait", (((),),), True),
    ("portrait", (((1, 2),),), False),
    ("portrait", (((1,), (2,)),), True),
    ("portrait", (((1, 2), (3, 4)),), False),
    ("portrait", (fs({(0, 0), (1, 0)}),), True),
    ("portrait", (fs(),), False),
    # --- colorcount (#73) -----------------------------------------------------------
    ("colorcount", (((1, 2), (2, 2)), 2), 3),
    ("colorcount", (((1, 2),), 5), 0),
    ("colorcount", ((), 1), 0),
    ("colorcount", (((),), 1), 0),
    ("colorcount", (fs(), 1), 0),
    ("colorcount", (fs({(1, (0, 0)), (2, (0, 1)), (1, (5, 5))}), 1), 2),
    ("colorcount", (fs({(0, 0), (0, 1), (1, 0)}), 0), 2),   # Indices: cells in row 0
    ("colorcount", (fs({(0, 0), (0, 1), (1, 0)}), 1), 1),
    # --- square (#97) ---------------------------------------------------------------
    ("square", (fs(),), True),
    ("square", (fs({(1, 1), (0, 0)}),), False),
    ("square", (fs({(0, 0), (0, 1), (1, 0), (1, 1)}),), True),
    ("square", (fs({(0, 0), (0, 1), (1, 0)}),), False),
    ("square", (fs({(4, (4, 4))}),), True),
    ("square", (fs({(1, (0, 0)), (2, (0, 0))}),), False),   # duplicated position counted twice
    ("square", (((1, 2), (3, 4)),), True),
    ("square", (((1, 2),),), False),
    ("square", (((),),), False),
    ("square", (((1, 2), (3,)),), True),                    # only the first row is read
    # --- palette (#106) -------------------------------------------------------------
    ("palette", (((1, 2), (2, 3)),), fs({1, 2, 3})),
    ("palette", ((),), fs()),
    ("palette", (((),),), fs()),
    ("palette", (fs(),), fs()),
    ("palette", (fs({(1, (0, 0)), (2, (0, 1)), (1, (5, 5))}),), fs({1, 2})),
    ("palette", (fs({(0, 0), (0, 1), (3, 0)}),), fs({0, 3})),   # row indices
    # --- numcolors (#107) -----------------------------------------------------------
    ("numcolors", (((1, 2), (2, 3)),), 3),
    ("numcolors", ((),), 0),
    ("numcolors", (fs(),), 0),
    ("numcolors", (fs({(0, 0), (0, 1), (1, 0)}),), 2),
    ("numcolors", (fs({(6, (0, 0)), (6, (3, 3))}),), 1),
]

RAISES = [
    ("mostcolor", ((),), ValueError),
    ("mostcolor", (((),),), ValueError),
    ("mostcolor", (((), ()),), ValueError),
    ("mostcolor", (fs(),), ValueError),
    ("leastcolor", ((),), ValueError),
    ("leastcolor", (((),),), ValueError),
    ("leastcolor", (fs(),), ValueError),
    ("square", ((),), IndexError),
]


def _same(result, expected) -> bool:
    """Equal value and equal type (so ``True`` ≠ ``1`` and tuples ≠ frozensets)."""
    return type(result) is type(expected) and result == expected


@pytest.mark.parametrize("name,args,expected", CASES)
def test_measures(name, args, expected):
    result = getattr(M, name)(*args)
    assert _same(result, expected), (name, args, result)


@pytest.mark.parametrize("name,args,exc", RAISES)
def test_measures_raise(name, args, exc):
    with pytest.raises(exc):
        getattr(M, name)(*args)


def test_registered():
    import jaxdsl.reference as r

    names = {"mostcolor", "leastcolor", "height", "width", "shape", "portrait",
             "colorcount", "palette", "numcolors", "square"}
    for name in names:
        assert r.PRIMITIVES[name].__module__ == "jaxdsl.reference.measures"
