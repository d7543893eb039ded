"""Table-driven tests of the reference grid transforms (jaxdsl/reference/grids.py) against
the literal examples and edge cases of arc-dsl-spec.md."""

from __future__ import annotations

import importlib
import random

import pytest

from jaxdsl.reference import _base

R = importlib.import_module("jaxdsl.reference.grids")

fs = frozenset
G3 = ((1, 2, 3), (4, 5, 6), (7, 8, 0))
G23 = ((1, 2, 3), (4, 5, 6))

# ------------------------------------------------------------------------------------
# (function name, args, expected)

CASES = [
    # crop, spec §4.7 #82 and §6
    ("crop", (G3, (1, 1), (5, 5)), ((5, 6), (8, 0))),
    ("crop", (G3, (-1, 0), (2, 2)), ()),
    ("crop", (G3, (-3, -3), (2, 2)), ((1, 2), (4, 5))),
    ("crop", (G3, (0, 5), (2, 2)), ((), ())),
    ("crop", (G3, (0, 0), (-1, -1)), ((1, 2), (4, 5))),
    ("crop", (G3, (-2, -2), (1, 2)), ((),)),
    ("crop", (G3, (0, 1), (2, 1)), ((2,), (5,))),
    ("crop", ((), (0, 0), (2, 2)), ()),
    # rot90 / rot180 / rot270, spec §4.10 #111-113 and §6
    ("rot90", (G23,), ((4, 1), (5, 2), (6, 3))),
    ("rot90", ((),), ()),
    ("rot90", (((), ()),), ()),
    ("rot90", (((1, 2, 3), (4, 5)),), ((4, 1), (5, 2))),  # ragged: truncated
    ("rot180", (G23,), ((6, 5, 4), (3, 2, 1))),
    ("rot180", (((), ()),), ((), ())),
    ("rot180", ((),), ()),
    ("rot270", (G23,), ((3, 6), (2, 5), (1, 4))),
    ("rot270", (((),),), ()),
    ("rot270", ((),), ()),
    # hmirror, spec §4.10 #114 and §6
    ("hmirror", (G23,), ((4, 5, 6), (1, 2, 3))),
    ("hmirror", ((),), ()),
    ("hmirror", (fs({(1, (1, 2)), (2, (1, 3)), (3, (3, 2))}),), fs({(1, (3, 2)), (2, (3, 3)), (3, (1, 2))})),
    ("hmirror", (fs({(0, 0), (2, 1)}),), fs({(2, 0), (0, 1)})),
    ("hmirror", (fs({(-1, 4), (2, 4), (0, 5)}),), fs({(2, 4), (-1, 4), (1, 5)})),
    # vmirror, spec §4.10 #115
    ("vmirror", (G23,), ((3, 2, 1), (6, 5, 4))),
    ("vmirror", ((),), ()),
    ("vmirror", (fs({(0, 1), (3, 3)}),), fs({(0, 3), (3, 1)})),
    ("vmirror", (fs({(7, (0, 1)), (8, (3, 4))}),), fs({(7, (0, 4)), (8, (3, 1))})),
    # dmirror, spec §4.10 #116 and §6
    ("dmirror", (G23,), ((1, 4), (2, 5), (3, 6))),
    ("dmirror", (((),),), ()),
    ("dmirror", (fs({(1, 2), (1, 3), (3, 2)}),), fs({(1, 2), (1, 4), (2, 2)})),
    ("dmirror", (fs({(5, (1, 1)), (6, (1, 2))}),), fs({(5, (1, 1)), (6, (2, 1))})),
    # cmirror, spec §4.10 #117 and §6
    ("cmirror", (G23,), ((6, 3), (5, 2), (4, 1))),
    ("cmirror", (((),),), ()),
    ("cmirror", (fs({(1, 2), (1, 3), (3, 2)}),), fs({(1, 4), (2, 2), (2, 4)})),
    ("cmirror", (fs({(5, (1, 2)), (6, (1, 3)), (7, (3, 2))}),), fs({(5, (2, 4)), (6, (1, 4)), (7, (2, 2))})),
    # fill, spec §4.10 #118 and §6
    ("fill", (((0, 0, 0), (0, 1, 0)), 5, fs({(0, 0), (-1, 0), (0, -1), (5, 5), (1, 2)})),
     ((5, 0, 0), (0, 1, 5))),
    ("fill", (((0, 0),), 5, fs({(0, 0)})), ((5, 0),)),
    ("fill", (((0, 0),), 5, fs({(9, (0, 1))})), ((0, 5),)),  # object colours ignored
    ("fill", (((0, 0),), 5, fs()), ((0, 0),)),
    ("fill", (((),), 5, fs({(0, 0)})), ((),)),
    # paint, spec §4.10 #119
    ("paint", (((0, 0, 0), (0, 1, 0)), fs()), ((0, 0, 0), (0, 1, 0))),
    ("paint", (((0, 0),), fs({(5, (-1, 0)), (5, (0, -1)), (5, (0, 2)), (5, (1, 0)), (4, (0, 1))})), ((0, 4),)),
    ("paint", (((0, 0, 0), (0, 1, 0)), fs({(2, (0, 0)), (3, (1, 1))})), ((2, 0, 0), (0, 3, 0))),
    # shared position: the largest colour wins (canonical order, spec §5)
    ("paint", (((0, 0),), fs({(3, (0, 0)), (7, (0, 0)), (1, (0, 0))})), ((7, 0),)),
    # underfill, spec §4.10 #120 (canonical bg for the tie 1/8 is 1)
    ("underfill", (((1, 8), (8, 1)), 5, fs({(0, 0), (0, 1)})), ((5, 8), (8, 1))),
    ("underfill", (((0, 0, 1),), 5, fs({(0, 1), (0, 2), (0, -1), (1, 0)})), ((0, 5, 1),)),
    ("underfill", (((0, 0, 1),), 5, fs({(9, (0, 0))})), ((5, 0, 1),)),
    # underpaint, spec §4.10 #121
    ("underpaint", (((1, 8), (8, 1)), fs({(5, (0, 0)), (5, (0, 1))})), ((5, 8), (8, 1))),
    ("underpaint", (((0, 0), (0, 1)), fs({(3, (0, 0)), (2, (0, 0)), (0, (0, 0)), (4, (1, 1)), (5, (0, 1))})),
     ((2, 5), (0, 1))),
    ("underpaint", (((0, 0), (0, 1)), fs({(0, (0, 0))})), ((0, 0), (0, 1))),
    ("underpaint", (((0, 0), (0, 1)), fs()), ((0, 0), (0, 1))),
    ("underpaint", (((0, 0), (0, 1)), fs({(6, (2, 0)), (6, (-1, 0))})), ((0, 0), (0, 1))),
    # hupscale / vupscale / upscale, spec §4.10 #122-124
    ("hupscale", (((1, 2),), 0), ((),)),
    ("hupscale", (((1, 2),), -3), ((),)),
    ("hupscale", (((1, 2), (3, 4)), 2), ((1, 1, 2, 2), (3, 3, 4, 4))),
    ("hupscale", ((), 2), ()),
    ("vupscale", (((1, 2), (3, 4)), 2), ((1, 2), (1, 2), (3, 4), (3, 4))),
    ("vupscale", (((1, 2),), 0), ()),
    ("vupscale", (((1, 2),), -1), ()),
    ("upscale", (((1, 2),), 2), ((1, 1, 2, 2), (1, 1, 2, 2))),
    ("upscale", (((1, 2),), 0), ()),
    ("upscale", (((),), 2), ((), ())),
    ("upscale", ((), 3), ()),
    ("upscale", (fs({(1, (1, 1)), (2, (1, 2))}), 2),
     fs({(1, (1, 1)), (1, (1, 2)), (1, (2, 1)), (1, (2, 2)), (2, (1, 3)), (2, (1, 4)), (2, (2, 3)), (2, (2, 4))})),
    ("upscale", (fs({(1, (-1, -1)), (2, (0, 0))}), 2),
     fs({(1, (-1, -1)), (1, (-1, 0)), (1, (0, -1)), (1, (0, 0)), (2, (1, 1)), (2, (1, 2)), (2, (2, 1)), (2, (2, 2))})),
    ("upscale", (fs({(1, (1, 1))}), 0), fs()),
    ("upscale", (fs(), 2), fs()),
    # downscale, spec §4.10 #125 and §6
    ("downscale", (((1, 1, 2, 2, 3), (1, 1, 2, 2, 3), (4, 4, 5, 5, 6)), 2), ((1, 2, 3), (4, 5, 6))),
    ("downscale", (((1, 1, 2, 2, 3), (1, 1, 2, 2, 3), (4, 4, 5, 5, 6)), -2), ((1, 2, 3), (4, 5, 6))),
    ("downscale", (G23, 5), ((1,),)),
    ("downscale", (G23, 1), G23),
    ("downscale", (((),), 2), ((),)),
    # hconcat / vconcat, spec §4.10 #126-127
    ("hconcat", (((1,), (2,)), ((3,), (4,), (5,))), ((1, 3), (2, 4))),
    ("hconcat", (((1, 2),), ((3,),)), ((1, 2, 3),)),
    ("hconcat", ((), ((1,),)), ()),
    ("vconcat", (((1, 2),), ((3,),)), ((1, 2), (3,))),
    ("vconcat", ((), ((1,),)), ((1,),)),
    # subgrid, spec §4.10 #128
    ("subgrid", (fs({(2, 2), (3, 3)}), G3), ((0,),)),
    ("subgrid", (fs({(-1, 0), (0, 0)}), G3), ()),
    ("subgrid", (fs({(0, 1), (1, 2)}), G3), ((2, 3), (5, 6))),
    ("subgrid", (fs({(9, (1, 0)), (9, (2, 1))}), G3), ((4, 5), (7, 8))),
    # hsplit / vsplit, spec §4.10 #129-130 and §6
    ("hsplit", (((0, 1, 2, 3, 4),), 3), (((0,),), ((2,),), ((4,),))),
    ("hsplit", (((0, 1, 2, 3, 4, 5, 6),), 2), (((0, 1, 2),), ((4, 5, 6),))),
    ("hsplit", (((0, 1, 2, 3, 4, 5, 6, 7, 8, 9),), 3), (((0, 1, 2),), ((4, 5, 6),), ((8, 9),))),
    ("hsplit", (((1, 2, 3, 4), (5, 6, 7, 8)), 2), (((1, 2), (5, 6)), ((3, 4), (7, 8)))),
    ("hsplit", (((1, 2), (3, 4)), 3), (((), ()), ((), ()), ((), ()))),  # n > w
    ("vsplit", (((0,), (1,), (2,), (3,), (4,), (5,), (6,)), 2), (((0,), (1,), (2,)), ((4,), (5,), (6,)))),
    ("vsplit", (((1,),), 2), ((), ())),
    ("vsplit", (((1, 2), (3, 4)), 2), (((1, 2),), ((3, 4),))),
    # cellwise, spec §4.10 #131
    ("cellwise", (((1, 2), (3, 4)), ((1, 0), (3, 5)), 9), ((1, 9), (3, 9))),
    ("cellwise", (((1,),), ((1, 2), (3, 4)), 0), ((1,),)),  # extra part of b ignored
    # replace / switch, spec §4.10 #132-133
    ("replace", (((1, 2), (2, 1)), 2, 7), ((1, 7), (7, 1))),
    ("replace", (((1, 2),), 5, 7), ((1, 2),)),
    ("replace", ((), 5, 7), ()),
    ("switch", (((1, 2, 3), (2, 1, 3)), 1, 2), ((2, 1, 3), (1, 2, 3))),
    ("switch", (((1, 2, 3), (2, 1, 3)), 1, 1), ((1, 2, 3), (2, 1, 3))),
    ("switch", (((1, 2, 3),), 3, 9), ((1, 2, 9),)),
    # index, spec §4.11 #136 and §6
    ("index", (((1, 2), (3, 4)), (0, 2)), None),
    ("index", (G3, (-1, 0)), None),
    ("index", (G3, (0, -1)), None),
    ("index", (G3, (3, 0)), None),
    ("index", (G3, (2, 1)), 8),
    ("index", (((),), (0, 0)), None),
    # canvas, spec §4.11 #137
    ("canvas", (5, (0, 3)), ()),
    ("canvas", (5, (2, 0)), ((), ())),
    ("canvas", (5, (-1, 2)), ()),
    ("canvas", (5, (2, 3)), ((5, 5, 5), (5, 5, 5))),
    # cover, spec §4.11 #140
    ("cover", (((1, 8), (8, 1)), fs({(0, 1)})), ((1, 1), (8, 1))),
    ("cover", (((0, 0, 0), (0, 3, 0)), fs({(3, (1, 1)), (3, (5, 5))})), ((0, 0, 0), (0, 0, 0))),
    # trim, spec §4.11 #141 and §6
    ("trim", (((1, 2, 3), (4, 5, 6), (7, 8, 9)),), ((5,),)),
    ("trim", (((1, 2), (3, 4), (5, 6)),), ((),)),
    ("trim", (G23,), ()),
    ("trim", ((),), ()),
    # move, spec §4.11 #142
    ("move", (((0, 0, 0), (1, 0, 0)), fs({(1, (1, 0))}), (-1, 1)), ((0, 1, 0), (0, 0, 0))),
    ("move", (((0, 0, 0), (1, 0, 0)), fs({(1, (1, 0))}), (5, 5)), ((0, 0, 0), (0, 0, 0))),
    ("move", (((0, 0, 0), (1, 0, 0)), fs(), (1, 1)), ((0, 0, 0), (1, 0, 0))),
    # halves, spec §4.11 #143-146 and §6
    ("tophalf", (((1,),),), ()),
    ("tophalf", (((0,), (1,), (2,), (3,), (4,)),), ((0,), (1,))),
    ("tophalf", ((),), ()),
    ("bottomhalf", (((0,), (1,), (2,), (3,), (4,)),), ((3,), (4,))),
    ("bottomhalf", (((0,), (1,), (2,), (3,)),), ((2,), (3,))),
    ("bottomhalf", (((1,),),), ()),
    ("lefthalf", (((1,), (2,)),), ()),
    ("lefthalf", (G23,), ((1,), (4,))),
    ("lefthalf", (((1, 2, 3, 4),),), ((1, 2),)),
    ("lefthalf", ((),), ()),
    ("righthalf", (((0, 1, 2, 3, 4), (0, 1, 2, 3, 4)),), ((3, 4), (3, 4))),
    ("righthalf", (((1,), (2,)),), ()),
    ("righthalf", (((1, 2, 3),),), ((3,),)),
    ("righthalf", (((),),), ()),
    # compress, spec §4.11 #158 and §6
    ("compress", (((1, 0, 2), (3, 0, 4), (5, 0, 5)),), ((1, 2), (3, 4), (5, 5))),
    ("compress", (((1, 1, 1), (2, 3, 1), (4, 4, 1)),), ((2, 3), (4, 4))),
    ("compress", (((1, 2), (1, 2)),), ((), ())),
    ("compress", (((1, 1), (2, 2)),), ()),
    ("compress", ((),), ()),
    ("compress", (((1, 2), (3, 4)),), ((1, 2), (3, 4))),
]

RAISES = [
    ("hmirror", (fs(),), IndexError),
    ("vmirror", (fs(),), IndexError),
    ("dmirror", (fs(),), ValueError),
    ("cmirror", (fs(),), IndexError),
    ("fill", ((), 5, fs()), IndexError),
    ("fill", ((), 5, fs({(0, 0)})), IndexError),
    ("paint", (((0, 0, 0), (0, 1, 0)), fs({(0, 0)})), TypeError),
    ("paint", ((), fs()), IndexError),
    ("underfill", ((), 5, fs()), IndexError),
    ("underfill", (((),), 5, fs()), ValueError),
    ("underpaint", ((), fs()), IndexError),
    ("underpaint", (((0, 0),), fs({(0, 0)})), TypeError),
    ("upscale", (fs({(1, 1)}), 2), TypeError),
    ("downscale", (G23, 0), ZeroDivisionError),
    ("downscale", ((), 2), IndexError),
    ("subgrid", (fs(), G3), IndexError),
    ("hsplit", (G23, 0), ZeroDivisionError),
    ("hsplit", ((), 2), IndexError),
    ("vsplit", (G23, 0), ZeroDivisionError),
    ("vsplit", ((), 2), IndexError),
    ("cellwise", (((1, 2), (3, 4)), ((1, 2),), 0), IndexError),
    ("cellwise", (((1, 2), (3, 4)), ((1,), (3,)), 0), IndexError),
    ("cellwise", ((), ((1,),), 0), IndexError),
    ("index", ((), (0, 0)), IndexError),
    ("cover", ((), fs()), ValueError),
    ("cover", (((),), fs()), ValueError),
    ("move", ((), fs(), (0, 0)), ValueError),
    ("move", (((0, 0, 0), (1, 0, 0)), fs({(1, 0)}), (0, 1)), TypeError),
]


@pytest.mark.parametrize("name,args,expected", CASES, ids=[f"{c[0]}-{k}" for k, c in enumerate(CASES)])
def test_cases(name, args, expected):
    result = getattr(R, name)(*args)
    assert result == expected
    assert type(result) is type(expected)
    if isinstance(expected, tuple) and name not in ("hsplit", "vsplit", "index"):
        # grid results are tuples of tuples
        assert all(type(row) is tuple for row in result)


@pytest.mark.parametrize("name,args,exc", RAISES, ids=[f"{c[0]}-{k}" for k, c in enumerate(RAISES)])
def test_raises(name, args, exc):
    with pytest.raises(exc):
        getattr(R, name)(*args)


# ------------------------------------------------------------------------------------
# properties on random grids (independent formulations of the same contracts)

def _random_grids(seed, count, ragged=False):
    rng = random.Random(seed)
    out = [(), ((),), ((), ())]
    for _ in range(count):
        h, w = rng.randint(1, 6), rng.randint(1, 6)
        rows = []
        for _ in range(h):
            wr = rng.randint(1, 6) if ragged else w
            rows.append(tuple(rng.randrange(4) for _ in range(wr)))
        out.append(tuple(rows))
    return out


def test_rotations_and_mirrors_formulas():
    for g in _random_grids(1, 200):
        if not g or not g[0]:
            continue
        h, w = len(g), len(g[0])
        assert R.rot90(g) == tuple(tuple(g[h - 1 - j][i] for j in range(h)) for i in range(w))
        assert R.rot180(g) == tuple(tuple(g[h - 1 - i][w - 1 - j] for j in range(w)) for i in range(h))
        assert R.rot270(g) == tuple(tuple(g[j][w - 1 - i] for j in range(h)) for i in range(w))
        assert R.dmirror(g) == tuple(tuple(g[j][i] for j in range(h)) for i in range(w))
        assert R.cmirror(g) == tuple(tuple(g[h - 1 - j][w - 1 - i] for j in range(h)) for i in range(w))


def test_halves_match_rotation_definition():
    # lefthalf = rot270(tophalf(rot90(g))), righthalf = rot270(bottomhalf(rot90(g))), ragged too
    for g in _random_grids(2, 200, ragged=True):
        assert R.lefthalf(g) == R.rot270(R.tophalf(R.rot90(g))), g
        assert R.righthalf(g) == R.rot270(R.bottomhalf(R.rot90(g))), g


def test_patch_cmirror_is_vmirror_dmirror_vmirror():
    rng = random.Random(4)
    for _ in range(200):
        idx = fs((rng.randint(-3, 5), rng.randint(-3, 5)) for _ in range(rng.randint(1, 6)))
        obj = fs((rng.randrange(3), p) for p in idx)
        for patch in (idx, obj):
            assert R.cmirror(patch) == R.vmirror(R.dmirror(R.vmirror(patch)))
            assert R.hmirror(R.hmirror(patch)) == patch
            assert R.dmirror(R.dmirror(patch)) == patch


def _paint_canonical(grid, obj, under):
    """The original's sequential write loop, run over the object in canonical order."""
    h, w = len(grid), len(grid[0])
    flat = [v for r in grid for v in r]
    bg = min(v for v in set(flat) if flat.count(v) == max(map(flat.count, flat))) if under else None
    g = [list(r) for r in grid]
    for c, (i, j) in _base.canon(obj):
        if 0 <= i < h and 0 <= j < w and (not under or g[i][j] == bg):
            g[i][j] = c
    return tuple(map(tuple, g))


def test_paint_and_underpaint_follow_canonical_write_order():
    rng = random.Random(6)
    for g in _random_grids(7, 150):
        if not g or not g[0]:
            continue
        obj = fs((rng.randrange(4), (rng.randint(-1, 6), rng.randint(-1, 6)))
                 for _ in range(rng.randint(0, 25)))
        assert R.paint(g, obj) == _paint_canonical(g, obj, False)
        assert R.underpaint(g, obj) == _paint_canonical(g, obj, True)


def test_compress_formula():
    for g in _random_grids(8, 200):
        if not g:
            continue
        rows = [i for i, r in enumerate(g) if len(set(r)) == 1]
        cols = [j for j in range(len(g[0])) if len({r[j] for r in g}) == 1]
        assert R.compress(g) == tuple(
            tuple(v for j, v in enumerate(r) if j not in cols) for i, r in enumerate(g) if i not in rows)
