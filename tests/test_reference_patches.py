"""Reference DSL: patch geometry, predicates, lines and boxes.

arc-dsl #78–81, #83–89 (spec §4.7), #93–96, #98–105 (§4.9), #134–135, #138–139,
#147–155 (§4.11), including the patch examples of spec §6. Expected values are literals
from arc-dsl-spec.md or worked out by hand from its definitions.
"""

from __future__ import annotations

import pytest

from jaxdsl.reference import patches as P

fs = frozenset

G3 = ((0, 0, 0), (0, 0, 0), (0, 0, 0))
L3 = fs({(1, 3), (2, 1), (4, 2)})

CASES = [
    # --- corners of the bounding box (#78–81) ---------------------------------------
    ("ulcorner", (L3,), (1, 1)),
    ("ulcorner", (fs(),), ()),
    ("ulcorner", (fs({(5, (2, 3)), (6, (-1, 4))}),), (-1, 3)),
    ("urcorner", (L3,), (1, 3)),
    ("urcorner", (fs(),), ()),
    ("urcorner", (fs({(5, (2, 3)), (6, (-1, 4))}),), (-1, 4)),
    ("llcorner", (L3,), (4, 1)),
    ("llcorner", (fs(),), ()),
    ("llcorner", (fs({(5, (2, 3)), (6, (-1, 4))}),), (2, 3)),
    ("lrcorner", (L3,), (4, 3)),
    ("lrcorner", (fs(),), ()),
    ("lrcorner", (fs({(5, (2, 3)), (6, (-1, 4))}),), (2, 4)),
    # --- toindices (#83) ------------------------------------------------------------
    ("toindices", (fs(),), fs()),
    ("toindices", ((),), fs()),
    ("toindices", (fs({(2, (0, 0)), (1, (0, 0))}),), fs({(0, 0)})),
    ("toindices", (fs({(2, (0, 0)), (1, (3, -1))}),), fs({(0, 0), (3, -1)})),
    ("toindices", (fs({(0, 0), (1, 2)}),), fs({(0, 0), (1, 2)})),
    # mixed (unsupported) patches: kind of the canonical first element (spec §1, §5)
    ("toindices", (fs({(0, (1, 1)), (0, 5)}),), fs({(0, (1, 1)), (0, 5)})),
    ("toindices", (fs({(1, (1, 1)), (2, 5)}),), fs({(1, 1), 5})),
    # --- recolor (#84) --------------------------------------------------------------
    ("recolor", (3, fs({(2, (0, 0)), (1, (0, 0))})), fs({(3, (0, 0))})),
    ("recolor", (3, fs()), fs()),
    ("recolor", (4, fs({(0, 1), (2, 2)})), fs({(4, (0, 1)), (4, (2, 2))})),
    # --- shift (#85) ----------------------------------------------------------------
    ("shift", (fs({(1, (0, 0))}), (1, -2)), fs({(1, (1, -2))})),
    ("shift", (fs({(0, 0), (1, 2)}), (2, -1)), fs({(2, -1), (3, 1)})),
    ("shift", (fs({(1, (0, 0)), (2, (0, 1))}), (-3, 0)), fs({(1, (-3, 0)), (2, (-3, 1))})),
    ("shift", (fs(), (5, 5)), fs()),
    # --- normalize (#86) ------------------------------------------------------------
    ("normalize", (fs({(2, 3), (4, 1)}),), fs({(0, 2), (2, 0)})),
    ("normalize", (fs({(7, (-2, -3)), (8, (0, -1))}),), fs({(7, (0, 0)), (8, (2, 2))})),
    ("normalize", (fs({(0, 0)}),), fs({(0, 0)})),
    ("normalize", (fs(),), fs()),
    # --- neighbours (#87–89) --------------------------------------------------------
    ("dneighbors", ((0, 0),), fs({(-1, 0), (1, 0), (0, -1), (0, 1)})),
    ("dneighbors", ((2, 5),), fs({(1, 5), (3, 5), (2, 4), (2, 6)})),
    ("ineighbors", ((2, 3),), fs({(1, 2), (1, 4), (3, 2), (3, 4)})),
    ("ineighbors", ((0, 0),), fs({(-1, -1), (-1, 1), (1, -1), (1, 1)})),
    ("neighbors", ((0, 0),),
     fs({(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)})),
    # --- extremes (#93–96) ----------------------------------------------------------
    ("uppermost", (L3,), 1),
    ("lowermost", (L3,), 4),
    ("leftmost", (L3,), 1),
    ("rightmost", (L3,), 3),
    ("uppermost", (fs({(9, (-3, 7)), (1, (2, 0))}),), -3),
    ("lowermost", (fs({(9, (-3, 7)), (1, (2, 0))}),), 2),
    ("leftmost", (fs({(9, (-3, 7)), (1, (2, 0))}),), 0),
    ("rightmost", (fs({(9, (-3, 7)), (1, (2, 0))}),), 7),
    # --- vline / hline (#98–99) -----------------------------------------------------
    ("vline", (((1,), (2,)),), True),
    ("vline", (((1, 2), (3, 4)),), False),
    ("vline", (fs(),), False),
    ("vline", (fs({(0, 0), (1, 0), (2, 0)}),), True),
    ("vline", (fs({(0, 0), (2, 0)}),), False),
    ("vline", (fs({(0, 0), (0, 1)}),), False),
    ("vline", (fs({(3, (4, 1)), (3, (5, 1))}),), True),
    ("vline", (fs({(5, 5)}),), True),
    ("hline", (((1, 2),),), False),
    ("hline", (((5,),),), True),
    ("hline", (fs(),), False),
    ("hline", (fs({(3, 0), (3, 1), (3, 2)}),), True),
    ("hline", (fs({(3, 0), (3, 2)}),), False),
    ("hline", (fs({(0, 0), (1, 0)}),), False),
    ("hline", (fs({(5, 5)}),), True),
    # --- hmatching / vmatching (#100–101) -------------------------------------------
    ("hmatching", (fs({(0, 0)}), fs({(0, 5)})), True),
    ("hmatching", (fs({(0, 0)}), fs({(1, 0)})), False),
    ("hmatching", (fs(), fs({(0, 0)})), False),
    ("hmatching", (fs({(0, 0)}), fs()), False),
    ("hmatching", (fs({(4, (2, 9))}), fs({(2, 0), (7, 7)})), True),
    ("vmatching", (fs({(0, 0)}), fs({(5, 0)})), True),
    ("vmatching", (fs({(0, 0)}), fs({(0, 1)})), False),
    ("vmatching", (fs(), fs()), False),
    ("vmatching", (fs({(0, 0), (0, 2)}), fs({(5, 1)})), False),
    ("vmatching", (fs({(4, (9, 2))}), fs({(0, 2)})), True),
    # --- manhattan / adjacent (#102–103) --------------------------------------------
    ("manhattan", (fs({(0, 0), (5, 5)}), fs({(4, 7)})), 3),
    ("manhattan", (fs({(0, 0), (1, 1)}), fs({(1, 1)})), 0),
    ("manhattan", (fs({(0, 0)}), fs({(1, 1)})), 2),
    ("manhattan", (fs({(1, (0, 0))}), fs({(2, (-3, 4))})), 7),
    ("adjacent", (fs({(0, 0)}), fs({(0, 0), (0, 1)})), False),
    ("adjacent", (fs({(0, 0)}), fs({(0, 1)})), True),
    ("adjacent", (fs({(0, 0)}), fs({(1, 1)})), False),
    ("adjacent", (fs({(2, (3, 3))}), fs({(4, 3), (9, 9)})), True),
    # --- bordering (#104) -----------------------------------------------------------
    ("bordering", (fs({(1, 5)}), G3), False),              # sticks out: no equality
    ("bordering", (fs({(-1, 1)}), G3), False),
    ("bordering", (fs({(1, 1)}), G3), False),
    ("bordering", (fs({(0, 1)}), G3), True),
    ("bordering", (fs({(1, 0)}), G3), True),
    ("bordering", (fs({(2, 1)}), G3), True),
    ("bordering", (fs({(1, 2)}), G3), True),
    ("bordering", (fs({(3, (1, 1)), (3, (1, 2))}), G3), True),
    ("bordering", (fs({(0, 5)}), ()), True),               # uppermost test short-circuits
    ("bordering", (fs({(-1, 1)}), ()), True),              # lowermost == len(()) - 1
    # --- centerofmass (#105) --------------------------------------------------------
    ("centerofmass", (fs({(0, 0), (1, 1), (1, 2)}),), (0, 1)),
    ("centerofmass", (fs({(-1, 0), (-2, 0)}),), (-2, 0)),
    ("centerofmass", (fs(),), ()),
    ("centerofmass", (fs({(1, (0, 2)), (2, (0, 2))}),), (0, 1)),  # Σ over 1 position, N = 2
    ("centerofmass", (fs({(3, 4)}),), (3, 4)),
    # --- center (#134) --------------------------------------------------------------
    ("center", (fs({(0, 0), (3, 3)}),), (2, 2)),
    ("center", (fs({(1, 1)}),), (1, 1)),
    ("center", (fs({(0, 0), (0, 1)}),), (0, 1)),
    ("center", (fs({(0, 0), (2, 4)}),), (1, 2)),
    ("center", (fs({(1, (-3, -3)), (1, (-2, -3))}),), (-2, -3)),
    # --- position (#135) ------------------------------------------------------------
    ("position", (fs({(0, 0)}), fs({(0, 0)})), (0, -1)),
    ("position", (fs({(0, 0)}), fs({(-2, 2)})), (-1, 1)),
    ("position", (fs({(0, 0)}), fs({(2, -2)})), (1, -1)),
    ("position", (fs({(0, 0)}), fs({(0, 3)})), (0, 1)),
    ("position", (fs({(0, 3)}), fs({(0, 0)})), (0, -1)),
    ("position", (fs({(0, 0)}), fs({(3, 0)})), (1, 0)),
    ("position", (fs({(3, 0)}), fs({(0, 0)})), (-1, 0)),
    ("position", (fs({(0, 0)}), fs({(2, 2)})), (1, 1)),
    ("position", (fs({(2, 2)}), fs({(0, 0)})), (-1, -1)),
    # --- corners (#138) -------------------------------------------------------------
    ("corners", (fs({(1, 1), (3, 4), (2, 2)}),), fs({(1, 1), (1, 4), (3, 1), (3, 4)})),
    ("corners", (fs(),), fs({()})),
    ("corners", (fs({(2, 3)}),), fs({(2, 3)})),
    ("corners", (fs({(0, 0), (0, 2)}),), fs({(0, 0), (0, 2)})),
    ("corners", (fs({(7, (0, 1)), (7, (2, 0))}),), fs({(0, 0), (0, 1), (2, 0), (2, 1)})),
    # --- connect (#139) -------------------------------------------------------------
    ("connect", ((2, 0), (0, 2)), fs({(0, 2), (1, 1), (2, 0)})),
    ("connect", ((1, 1), (1, 1)), fs({(1, 1)})),
    ("connect", ((0, 0), (1, 2)), fs()),
    ("connect", ((0, 3), (0, 1)), fs({(0, 1), (0, 2), (0, 3)})),
    ("connect", ((3, 2), (1, 2)), fs({(1, 2), (2, 2), (3, 2)})),
    ("connect", ((0, 0), (2, 2)), fs({(0, 0), (1, 1), (2, 2)})),
    ("connect", ((2, 2), (0, 0)), fs({(0, 0), (1, 1), (2, 2)})),
    ("connect", ((0, 2), (2, 0)), fs({(0, 2), (1, 1), (2, 0)})),
    ("connect", ((-1, -1), (-3, 1)), fs({(-1, -1), (-2, 0), (-3, 1)})),
    # --- frontiers (#147–148) -------------------------------------------------------
    ("vfrontier", ((5, 3),), fs({(0, 3), (1, 3), (2, 3), (3, 3), (4, 3), (5, 3), (6, 3),
                                 (7, 3), (8, 3), (9, 3), (10, 3), (11, 3), (12, 3),
                                 (13, 3), (14, 3), (15, 3), (16, 3), (17, 3), (18, 3),
                                 (19, 3), (20, 3), (21, 3), (22, 3), (23, 3), (24, 3),
                                 (25, 3), (26, 3), (27, 3), (28, 3), (29, 3)})),
    ("hfrontier", ((-2, 40),), fs({(-2, 0), (-2, 1), (-2, 2), (-2, 3), (-2, 4), (-2, 5),
                                   (-2, 6), (-2, 7), (-2, 8), (-2, 9), (-2, 10), (-2, 11),
                                   (-2, 12), (-2, 13), (-2, 14), (-2, 15), (-2, 16),
                                   (-2, 17), (-2, 18), (-2, 19), (-2, 20), (-2, 21),
                                   (-2, 22), (-2, 23), (-2, 24), (-2, 25), (-2, 26),
                                   (-2, 27), (-2, 28), (-2, 29)})),
    # --- backdrop / delta (#149–150) ------------------------------------------------
    ("backdrop", (fs({(0, 0), (1, 2)}),),
     fs({(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)})),
    ("backdrop", (fs(),), fs()),
    ("backdrop", (fs({(1, (1, 1))}),), fs({(1, 1)})),
    ("backdrop", (fs({(2, (-1, 0)), (2, (0, -1))}),), fs({(-1, -1), (-1, 0), (0, -1), (0, 0)})),
    ("delta", (fs({(0, 0), (1, 2)}),), fs({(0, 1), (0, 2), (1, 0), (1, 1)})),
    ("delta", (fs(),), fs()),
    ("delta", (fs({(0, 0), (0, 1), (1, 0), (1, 1)}),), fs()),
    ("delta", (fs({(3, (0, 0)), (3, (2, 2)), (4, (1, 1))}),),
     fs({(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)})),
    # --- gravitate (#151) -----------------------------------------------------------
    ("gravitate", (fs({(0, 0)}), fs({(5, 0)})), (4, 0)),
    ("gravitate", (fs({(5, 0)}), fs({(0, 0)})), (-4, 0)),
    ("gravitate", (fs({(0, 0)}), fs({(1, 0)})), (0, 0)),            # already adjacent
    ("gravitate", (fs({(0, 0)}), fs({(0, 0)})), (-1, 0)),           # overlapping
    ("gravitate", (fs({(0, 0)}), fs({(2, 5)})), (0, 42)),           # never adjacent
    ("gravitate", (fs({(0, 0), (0, 2)}), fs({(5, 1)})), (0, -42)),  # centre column only
    ("gravitate", (fs({(0, 0), (0, 1), (0, 2)}), fs({(5, 2), (5, 3), (5, 4)})), (4, 0)),
    ("gravitate", (fs({(0, 0)}), fs({(0, 5)})), (0, 4)),
    ("gravitate", (fs({(0, 9)}), fs({(0, 0)})), (0, -8)),
    ("gravitate", (fs({(0, 0)}), fs({(0, 43)})), (0, 42)),           # 42-step limit
    ("gravitate", (fs({(0, 0)}), fs({(0, 44)})), (0, 42)),
    ("gravitate", (fs({(0, 0)}), fs({(0, 42)})), (0, 41)),
    ("gravitate", (fs({(1, (0, 0)), (1, (1, 0))}), fs({(2, (9, 0))})), (7, 0)),
    # --- inbox / outbox / box (#152–154) ------------------------------------------
    ("inbox", (fs({(0, 0)}),),
     fs({(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)})),
    ("inbox", (fs({(0, 0), (1, 3)}),), fs({(0, 1), (0, 2), (1, 1), (1, 2)})),
    ("inbox", (fs({(0, 0), (1, 1)}),), fs({(0, 0), (0, 1), (1, 0), (1, 1)})),
    ("inbox", (fs({(0, 0), (2, 2)}),), fs({(1, 1)})),
    ("inbox", (fs({(0, 0), (4, 4)}),),
     fs({(1, 1), (1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2), (3, 3)})),
    ("inbox", (fs({(5, (0, 0)), (5, (0, 4))}),),
     fs({(-1, 1), (-1, 2), (-1, 3), (0, 1), (0, 3), (1, 1), (1, 2), (1, 3)})),
    ("outbox", (fs({(1, 1)}),),
     fs({(0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1), (2, 2)})),
    ("outbox", (fs({(0, 0), (0, 1)}),),
     fs({(-1, -1), (-1, 0), (-1, 1), (-1, 2), (0, -1), (0, 2),
         (1, -1), (1, 0), (1, 1), (1, 2)})),
    ("box", (fs({(1, (0, 0)), (1, (1, 1))}),), fs({(0, 0), (0, 1), (1, 0), (1, 1)})),
    ("box", (fs(),), fs()),
    ("box", (fs({(0, 0), (2, 2)}),),
     fs({(0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1), (2, 2)})),
    ("box", (fs({(3, 4)}),), fs({(3, 4)})),
    ("box", (fs({(0, 0), (0, 3)}),), fs({(0, 0), (0, 1), (0, 2), (0, 3)})),
    # --- shoot (#155) ---------------------------------------------------------------
    ("shoot", ((3, 3), (0, 0)), fs({(3, 3)})),
    ("shoot", ((0, 0), (1, 2)), fs()),
    ("shoot", ((2, 3), (1, 0)), fs({(2 + k, 3) for k in range(43)})),
    ("shoot", ((0, 0), (-1, 1)), fs({(-k, k) for k in range(43)})),
    ("shoot", ((5, 5), (1, -1)), fs({(5 + k, 5 - k) for k in range(43)})),
    ("shoot", ((0, 0), (2, 2)), fs({(k, k) for k in range(85)})),
    ("shoot", ((0, 0), (0, 3)), fs({(0, k) for k in range(127)})),
    ("shoot", ((1, 1), (0, -1)), fs({(1, 1 - k) for k in range(43)})),
]

RAISES = [
    ("uppermost", (fs(),), ValueError),
    ("lowermost", (fs(),), ValueError),
    ("leftmost", (fs(),), ValueError),
    ("rightmost", (fs(),), ValueError),
    ("manhattan", (fs(), fs({(0, 0)})), ValueError),
    ("manhattan", (fs({(0, 0)}), fs()), ValueError),
    ("adjacent", (fs(), fs({(0, 0)})), ValueError),
    ("adjacent", (fs({(0, 0)}), fs()), ValueError),
    ("bordering", (fs(), G3), ValueError),
    ("bordering", (fs(), ()), ValueError),
    ("bordering", (fs({(1, 5)}), ()), IndexError),        # reaches len(grid[0])
    ("center", (fs(),), ValueError),
    ("position", (fs(), fs({(0, 0)})), ValueError),
    ("position", (fs({(0, 0)}), fs()), ValueError),
    ("gravitate", (fs(), fs({(0, 0)})), ValueError),
    ("gravitate", (fs({(0, 0)}), fs()), ValueError),
    ("inbox", (fs(),), ValueError),
    ("outbox", (fs(),), ValueError),
]


def _same(result, expected) -> bool:
    """Equal value and equal type (so ``True`` ≠ ``1`` and tuples ≠ frozensets)."""
    return type(result) is type(expected) and result == expected


@pytest.mark.parametrize("name,args,expected", CASES)
def test_patches(name, args, expected):
    result = getattr(P, name)(*args)
    assert _same(result, expected), (name, args, result)


@pytest.mark.parametrize("name,args,exc", RAISES)
def test_patches_raise(name, args, exc):
    with pytest.raises(exc):
        getattr(P, name)(*args)


IDENTITY = [
    ("toindices", fs({(0, 0), (1, 2)}), ()),     # Indices returned as the same object
    ("toindices", ((1, 2), (3, 4)), ()),         # so is a Grid
    ("shift", fs(), ((1, 1),)),
    ("normalize", fs(), ()),
    ("box", fs(), ()),
]


@pytest.mark.parametrize("name,arg,rest", IDENTITY)
def test_returns_same_object(name, arg, rest):
    assert getattr(P, name)(arg, *rest) is arg


@pytest.mark.parametrize("loc,count", [((0, 0), 43), ((7, -2), 43)])
def test_shoot_unit_count_and_start(loc, count):
    for d in ((1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1), (-1, 1), (1, -1)):
        line = P.shoot(loc, d)
        assert len(line) == count and loc in line


def test_registered():
    import jaxdsl.reference as r

    names = {
        "ulcorner", "urcorner", "llcorner", "lrcorner", "toindices", "recolor", "shift",
        "normalize", "dneighbors", "ineighbors", "neighbors", "uppermost", "lowermost",
        "leftmost", "rightmost", "vline", "hline", "hmatching", "vmatching", "manhattan",
        "adjacent", "bordering", "centerofmass", "center", "position", "corners",
        "connect", "vfrontier", "hfrontier", "backdrop", "delta", "gravitate", "inbox",
        "outbox", "box", "shoot",
    }
    assert len(names) == 36
    for name in names:
        assert r.PRIMITIVES[name].__module__ == "jaxdsl.reference.patches"
