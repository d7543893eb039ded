"""Table-driven tests of the reference segmentation / conversion primitives
(jaxdsl/reference/objects.py) against the literal examples of arc-dsl-spec.md."""

from __future__ import annotations

import importlib
import random

import pytest

# the package attribute ``objects`` is the primitive, so fetch the module by its full name
R = importlib.import_module("jaxdsl.reference.objects")

fs = frozenset

G6 = ((0, 1, 0), (1, 1, 2), (0, 0, 2), (3, 0, 0))  # grid of spec §6 (bg 0)

# ------------------------------------------------------------------------------------
# (function name, args, expected)

CASES = [
    # colorfilter, spec §4.6 #74 and §6
    ("colorfilter", (fs({fs({(2, (5, 5))}), fs({(1, (3, 3))})}), 2), fs({fs({(2, (5, 5))})})),
    ("colorfilter", (fs({fs({(2, (5, 5))}), fs({(1, (3, 3))})}), 7), fs()),
    ("colorfilter", (fs(), 2), fs()),
    ("colorfilter", ((fs({(2, (0, 0))}), fs({(1, (3, 3))})), 2), fs({fs({(2, (0, 0))})})),
    # multicolour object: canonical colour is the smallest one (spec §5)
    ("colorfilter", (fs({fs({(2, (0, 0)), (1, (0, 1))})}), 1), fs({fs({(2, (0, 0)), (1, (0, 1))})})),
    ("colorfilter", (fs({fs({(2, (0, 0)), (1, (0, 1))})}), 2), fs()),
    # asindices, spec §4.6 #76
    ("asindices", ((),), fs()),
    ("asindices", (((),),), fs()),
    ("asindices", (((1, 2), (3, 4)),), fs({(0, 0), (0, 1), (1, 0), (1, 1)})),
    ("asindices", (((1, 2), (3,)),), fs({(0, 0), (0, 1), (1, 0), (1, 1)})),  # w = first row
    # ofcolor, spec §4.6 #77
    ("ofcolor", (((1, 2), (2, 1)), 2), fs({(0, 1), (1, 0)})),
    ("ofcolor", (((1, 2), (2, 1)), 5), fs()),
    ("ofcolor", ((), 0), fs()),
    # objects, spec §4.8 #90 and §6
    ("objects", (G6, True, False, True),
     fs({fs({(1, (0, 1)), (1, (1, 0)), (1, (1, 1))}), fs({(2, (1, 2)), (2, (2, 2))}),
         fs({(3, (3, 0))})})),
    ("objects", (G6, False, True, True),
     fs({fs({(1, (0, 1)), (1, (1, 0)), (1, (1, 1)), (2, (1, 2)), (2, (2, 2))}),
         fs({(3, (3, 0))})})),
    ("objects", (G6, True, False, False),
     fs({fs({(0, (0, 0))}), fs({(0, (0, 2))}), fs({(0, (2, 0)), (0, (2, 1)), (0, (3, 1)), (0, (3, 2))}),
         fs({(1, (0, 1)), (1, (1, 0)), (1, (1, 1))}), fs({(2, (1, 2)), (2, (2, 2))}),
         fs({(3, (3, 0))})})),
    ("objects", (G6, False, False, True),
     fs({fs({(1, (0, 1)), (1, (1, 0)), (1, (1, 1)), (2, (1, 2)), (2, (2, 2))}),
         fs({(3, (3, 0))})})),
    ("objects", (G6, True, True, True),
     fs({fs({(1, (0, 1)), (1, (1, 0)), (1, (1, 1))}), fs({(2, (1, 2)), (2, (2, 2))}),
         fs({(3, (3, 0))})})),
    # univalued false and without_bg false → the whole grid is one object
    ("objects", (((1, 2), (3, 4)), False, False, False),
     fs({fs({(1, (0, 0)), (2, (0, 1)), (3, (1, 0)), (4, (1, 1))})})),
    ("objects", (((1, 0, 2),), False, False, False), fs({fs({(1, (0, 0)), (0, (0, 1)), (2, (0, 2))})})),
    # single-colour grid without bg → nothing
    ("objects", (((4, 4), (4, 4)), True, True, True), fs()),
    ("objects", (((4, 4), (4, 4)), False, False, True), fs()),
    # grid of empty rows without bg exclusion → nothing
    ("objects", (((),), True, False, False), fs()),
    ("objects", (((),), False, False, False), fs()),
    # diagonal linking only with diagonal=True
    ("objects", (((5, 0), (0, 5)), True, False, False),
     fs({fs({(5, (0, 0))}), fs({(5, (1, 1))}), fs({(0, (0, 1))}), fs({(0, (1, 0))})})),
    ("objects", (((5, 0), (0, 5)), True, True, False),
     fs({fs({(5, (0, 0)), (5, (1, 1))}), fs({(0, (0, 1)), (0, (1, 0))})})),
    # tie for background: smallest most-frequent colour (1) is bg (spec §5)
    ("objects", (((1, 8), (8, 1)), True, False, True), fs({fs({(8, (0, 1))}), fs({(8, (1, 0))})})),
    ("objects", (((1, 8), (8, 1)), True, True, True), fs({fs({(8, (0, 1)), (8, (1, 0))})})),
    # partition, spec §4.8 #91
    ("partition", ((),), fs()),
    ("partition", (((),),), fs()),
    ("partition", (((1, 2), (2, 1)),),
     fs({fs({(1, (0, 0)), (1, (1, 1))}), fs({(2, (0, 1)), (2, (1, 0))})})),
    ("partition", (((3, 3),),), fs({fs({(3, (0, 0)), (3, (0, 1))})})),
    # fgpartition, spec §4.8 #92 and §6
    ("fgpartition", (((1, 2), (2, 2)),), fs({fs({(1, (0, 0))})})),
    ("fgpartition", (((3, 3),),), fs()),
    ("fgpartition", (((1, 8), (8, 1)),), fs({fs({(8, (0, 1)), (8, (1, 0))})})),  # bg tie → 1
    ("fgpartition", (((0, 1, 2), (0, 0, 2)),), fs({fs({(1, (0, 1))}), fs({(2, (0, 2)), (2, (1, 2))})})),
    # color, spec §4.9 #108
    ("color", (fs({(4, (0, 0)), (4, (1, 1))}),), 4),
    ("color", (fs({(4, (0, 0)), (2, (1, 1)), (7, (2, 2))}),), 2),  # canonical: smallest
    ("color", (((6, (0, 0)), (1, (0, 1))),), 6),  # a tuple keeps its own order
    # toobject, spec §4.9 #109 and §2.3
    ("toobject", (fs({(9, (0, 0))}), ((1, 2), (3, 4))), fs({(1, (0, 0))})),
    ("toobject", (fs({(0, 1), (1, 0)}), ((1, 2), (3, 4))), fs({(2, (0, 1)), (3, (1, 0))})),
    ("toobject", (fs({(-1, 0), (0, -1), (1, 1), (2, 0), (0, 2)}), ((1, 2), (3, 4))), fs({(4, (1, 1))})),
    ("toobject", (fs(), ((1, 2),)), fs()),
    # asobject, spec §4.9 #110
    ("asobject", ((),), fs()),
    ("asobject", (((),),), fs()),
    ("asobject", (((1, 2), (3, 4)),), fs({(1, (0, 0)), (2, (0, 1)), (3, (1, 0)), (4, (1, 1))})),
    # occurrences, spec §4.11 #156
    ("occurrences", (((1, 2),), fs()), fs({(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)})),
    ("occurrences", (((1, 2, 1), (2, 1, 2)), fs({(1, (5, 5)), (2, (5, 6))})), fs({(0, 0), (1, 1)})),
    # bounding-box positions that are not object cells are unconstrained
    ("occurrences", (((1, 5), (7, 1)), fs({(1, (0, 0)), (1, (1, 1))})), fs({(0, 0)})),
    ("occurrences", (((1, 1, 1),), fs({(1, (0, 0))})), fs({(0, 0), (0, 1), (0, 2)})),
    ("occurrences", (((1, 2),), fs({(3, (0, 0))})), fs()),
    # object larger than the grid → empty, even for Indices (no candidate position)
    ("occurrences", (((1, 2),), fs({(1, (0, 0)), (1, (1, 0))})), fs()),
    ("occurrences", (((1, 2),), fs({(0, 0), (0, 5)})), fs()),
    # frontiers, spec §4.11 #157 and §6
    ("frontiers", (((1, 1, 1), (2, 3, 1), (4, 4, 1)),),
     fs({fs({(1, (0, 0)), (1, (0, 1)), (1, (0, 2))}), fs({(1, (0, 2)), (1, (1, 2)), (1, (2, 2))})})),
    ("frontiers", (((1, 2), (3, 4)),), fs()),
    ("frontiers", (((7,),),), fs({fs({(7, (0, 0))})})),
    ("frontiers", (((),),), fs()),
    ("frontiers", (((5, 5), (5, 5)),),
     fs({fs({(5, (0, 0)), (5, (0, 1))}), fs({(5, (1, 0)), (5, (1, 1))}),
         fs({(5, (0, 0)), (5, (1, 0))}), fs({(5, (0, 1)), (5, (1, 1))})})),
    # hperiod / vperiod, spec §4.11 #159-160 and §6
    ("hperiod", (fs({(1, (0, 0)), (2, (0, 1)), (1, (0, 2)), (2, (0, 3))}),), 2),
    ("hperiod", (fs({(1, (0, 0)), (1, (0, 1)), (1, (0, 2)), (1, (1, 0))}),), 1),  # one-directional
    ("hperiod", (fs(),), 0),
    ("hperiod", (fs({(1, (3, 7)), (2, (3, 8))}),), 2),  # no period → width
    ("hperiod", (fs({(4, (2, 2))}),), 1),
    ("hperiod", (fs({(5, 5)}),), 1),  # Indices of width 1 do not reach the cell test
    ("hperiod", (fs({(1, (5, 10)), (2, (5, 11)), (3, (5, 12)), (1, (5, 13)), (2, (5, 14))}),), 3),
    ("vperiod", (fs({(1, (0, 0)), (2, (1, 0)), (1, (2, 0)), (2, (3, 0))}),), 2),
    ("vperiod", (fs(),), 0),
    ("vperiod", (fs({(1, (0, 0)), (2, (1, 0))}),), 2),
    ("vperiod", (fs({(1, (0, 0)), (1, (1, 0)), (1, (2, 0)), (1, (0, 1))}),), 1),  # one-directional
    ("vperiod", (fs({(0, 0), (0, 3)}),), 1),  # Indices of height 1
]

RAISES = [
    ("colorfilter", (fs({fs()}), 2), RuntimeError),
    ("colorfilter", (fs({fs(), fs({(2, (0, 0))})}), 2), RuntimeError),
    ("color", (fs(),), StopIteration),
    ("objects", ((), True, False, False), IndexError),
    ("objects", ((), False, False, False), IndexError),
    ("objects", ((), True, False, True), ValueError),
    ("objects", (((),), True, False, True), ValueError),
    ("objects", (((),), False, True, True), ValueError),
    ("fgpartition", ((),), ValueError),
    ("fgpartition", (((),),), ValueError),
    ("toobject", (fs({(0, 0)}), ()), IndexError),
    ("toobject", (fs(), ()), IndexError),
    ("occurrences", ((), fs()), IndexError),
    ("occurrences", ((), fs({(1, (0, 0))})), IndexError),
    ("occurrences", (((1, 2),), fs({(0, 0)})), TypeError),  # Indices with a candidate
    ("frontiers", ((),), IndexError),
    ("hperiod", (fs({(0, 0), (0, 1)}),), TypeError),
    ("vperiod", (fs({(0, 0), (1, 0)}),), TypeError),
]


@pytest.mark.parametrize("name,args,expected", CASES, ids=[f"{c[0]}-{k}" for k, c in enumerate(CASES)])
def test_cases(name, args, expected):
    result = getattr(R, name)(*args)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize("name,args,exc", RAISES, ids=[f"{c[0]}-{k}" for k, c in enumerate(RAISES)])
def test_raises(name, args, exc):
    with pytest.raises(exc):
        getattr(R, name)(*args)


# ------------------------------------------------------------------------------------
# objects() against an independent union-find over random grids, all 8 flag combinations

def _objects_union_find(grid, univalued, diagonal, without_bg):
    h, w = len(grid), len(grid[0])
    if without_bg:
        flat = [v for r in grid for v in r]
        best = max(flat.count(v) for v in set(flat))
        bg = min(v for v in set(flat) if flat.count(v) == best)
    parent = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    cells = [(i, j) for i in range(h) for j in range(w) if not (without_bg and grid[i][j] == bg)]
    for c in cells:
        parent[c] = c
    offs = [(0, 1), (1, 0)] + ([(1, 1), (1, -1)] if diagonal else [])
    for i, j in cells:
        for di, dj in offs:
            n = (i + di, j + dj)
            if n in parent and (not univalued or grid[i][j] == grid[n[0]][n[1]]):
                parent[find((i, j))] = find(n)
    groups = {}
    for c in cells:
        groups.setdefault(find(c), set()).add((grid[c[0]][c[1]], c))
    return frozenset(frozenset(g) for g in groups.values())


def _random_grids(seed, count):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        h, w = rng.randint(1, 7), rng.randint(1, 7)
        k = rng.randint(1, 4)
        out.append(tuple(tuple(rng.randrange(k) for _ in range(w)) for _ in range(h)))
    return out


@pytest.mark.parametrize("univalued", [False, True])
@pytest.mark.parametrize("diagonal", [False, True])
@pytest.mark.parametrize("without_bg", [False, True])
def test_objects_against_union_find(univalued, diagonal, without_bg):
    for grid in _random_grids(17, 300):
        assert R.objects(grid, univalued, diagonal, without_bg) == _objects_union_find(
            grid, univalued, diagonal, without_bg), grid


def test_objects_cells_carry_grid_colours_and_cover_grid():
    for grid in _random_grids(3, 100):
        objs = R.objects(grid, False, True, False)
        cells = set().union(*objs) if objs else set()
        assert cells == {(v, (i, j)) for i, r in enumerate(grid) for j, v in enumerate(r)}


def test_occurrences_against_brute_force():
    rng = random.Random(5)
    for grid in _random_grids(9, 150):
        h, w = len(grid), len(grid[0])
        oh, ow = rng.randint(1, 3), rng.randint(1, 3)
        obj = fs((rng.randrange(3), (i + 4, j - 2)) for i in range(oh) for j in range(ow)
                 if rng.random() < 0.7) or fs({(0, (4, -2))})
        top = min(i for _, (i, _) in obj)
        left = min(j for _, (_, j) in obj)
        ht = max(i for _, (i, _) in obj) - top + 1
        wd = max(j for _, (_, j) in obj) - left + 1
        expected = {(a, b) for a in range(h - ht + 1) for b in range(w - wd + 1)
                    if all(grid[a + i - top][b + j - left] == v for v, (i, j) in obj)}
        assert R.occurrences(grid, obj) == expected
