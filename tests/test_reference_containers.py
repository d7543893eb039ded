"""Table-driven tests of the reference's container primitives (arc-dsl-spec.md §4.2, §4.4,
#75 and the canonical order of §5). Expected values are literals taken from the spec."""

from __future__ import annotations

import pytest

from jaxdsl.reference import containers as C
from jaxdsl.reference import numeric as N

fs = frozenset
GRID = ((1, 0), (0, 1))


def same(got, want) -> bool:
    """Equal value *and* equal types, recursively (so True ≠ 1 and (1,) ≠ frozenset)."""
    if type(got) is not type(want):
        return False
    if isinstance(want, tuple):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    return got == want


def plus7(x):
    return x + 7


VALUES = [
    # contained
    ("contained", (1, GRID), False),
    ("contained", ((1, 0), GRID), True),
    ("contained", (1, fs({True})), True),
    ("contained", (3, (1, 2)), False),
    ("contained", ((0, 0), fs({(0, 0), (1, 1)})), True),
    # combine
    ("combine", ((1, 2), (2, 3)), (1, 2, 2, 3)),
    ("combine", (((1, 2),), ((3, 4),)), ((1, 2), (3, 4))),
    ("combine", (fs({1}), (1, 2, 2)), fs({1, 2})),
    ("combine", (fs({1}), fs({2})), fs({1, 2})),
    ("combine", ((1, 2), fs({8, 1})), (1, 2, 1, 8)),
    ("combine", ((), fs({(1, (2, 0)), (0, (5, 5)), (1, (0, 3))})),
     ((0, (5, 5)), (1, (0, 3)), (1, (2, 0)))),
    ("combine", ((), ()), ()),
    ("combine", (fs(), fs()), fs()),
    # intersection
    ("intersection", (fs({1, 2, 3}), fs({2, 3, 4})), fs({2, 3})),
    ("intersection", (fs({1}), fs()), fs()),
    # difference
    ("difference", ((1, 2, 2, 3, 1), (1,)), (2, 2, 3)),
    ("difference", ((1, 2, 3), fs({2})), (1, 3)),
    ("difference", (fs({1, 2, 3}), (1,)), fs({2, 3})),
    ("difference", (fs({1, 2, 3}), fs({3, 9})), fs({1, 2})),
    ("difference", (fs(), (1,)), fs()),
    # dedupe
    ("dedupe", ((3, 1, 3, 2, 1),), (3, 1, 2)),
    ("dedupe", ((1, True, 2),), (1, 2)),
    ("dedupe", ((True, 1, 2),), (True, 2)),
    ("dedupe", ((),), ()),
    ("dedupe", (fs(),), ()),
    ("dedupe", (([1], [1], [2]),), ([1], [2])),
    ("dedupe", ((GRID, GRID),), (GRID,)),
    # order
    ("order", ((3, 1, 2), N.invert), (3, 2, 1)),
    ("order", ((3, 1, 2), N.identity), (1, 2, 3)),
    ("order", ((), N.invert), ()),
    ("order", (fs(), N.invert), ()),
    ("order", ((3, -3, 1, -1), abs), (1, -1, 3, -3)),
    ("order", (fs({3, -3, 1, -1}), abs), (-1, 1, -3, 3)),
    ("order", (fs({(0, 5), (1, 0), (0, 1)}), len), ((0, 1), (0, 5), (1, 0))),
    # repeat
    ("repeat", (5, 3), (5, 5, 5)),
    ("repeat", (5, -2), ()),
    ("repeat", (5, 0), ()),
    ("repeat", ((1, 2), 2), ((1, 2), (1, 2))),
    # size
    ("size", (((1, 2, 3), (4, 5, 6)),), 2),
    ("size", (fs({(1, (0, 0)), (2, (0, 1)), (2, (1, 1))}),), 3),
    ("size", ((),), 0),
    ("size", (fs(),), 0),
    # merge
    ("merge", (((1, 2), (3,), (1,)),), (1, 2, 3, 1)),
    ("merge", (((1, 2), (3, 4)),), (1, 2, 3, 4)),
    ("merge", ((fs({1, 2}), fs({2, 3})),), (1, 2, 2, 3)),
    ("merge", ((fs({8, 1}), fs({8, 2})),), (1, 8, 2, 8)),
    ("merge", (fs({fs({1, 2}), fs({2, 3})}),), fs({1, 2, 3})),
    ("merge", (fs({(1, 2), (2, 3)}),), fs({1, 2, 3})),
    ("merge", ((),), ()),
    ("merge", (fs(),), fs()),
    ("merge", (((), ()),), ()),
    # maximum / minimum
    ("maximum", (fs(),), 0),
    ("maximum", ((),), 0),
    ("maximum", (fs({-1, -5}),), -1),
    ("maximum", ((3, 9, 2),), 9),
    ("maximum", (fs({(1, 2), (0, 5)}),), (1, 2)),
    ("minimum", (fs(),), 0),
    ("minimum", ((3, 9, 2),), 2),
    ("minimum", (fs({-1, -5}),), -5),
    # valmax / valmin
    ("valmax", (fs({1, -5}), N.invert), 5),
    ("valmax", (fs(), N.identity), 0),
    ("valmax", ((), plus7), 7),
    ("valmax", ((3, 1, 2), N.identity), 3),
    ("valmax", ((GRID, ((1,),)), len), 2),
    ("valmin", (fs({1, -5}), N.invert), -1),
    ("valmin", ((), N.identity), 0),
    ("valmin", (fs(), plus7), 7),
    ("valmin", ((3, 1, 2), N.identity), 1),
    # argmax / argmin
    ("argmax", ((3, -3, 1), abs), 3),
    ("argmax", ((-3, 3, 1), abs), -3),
    ("argmax", (fs({3, -3, 1}), abs), -3),
    ("argmax", ((1, 5, 2), N.identity), 5),
    ("argmin", ((3, -3, 1, -1), abs), 1),
    ("argmin", (fs({3, -3, 1, -1}), abs), -1),
    ("argmin", (fs({(2, 2), (0, 9), (1, 1)}), len), (0, 9)),
    # mostcommon / leastcommon
    ("mostcommon", ((1, 8, 8, 1),), 1),
    ("mostcommon", ((8, 1, 1, 8),), 1),
    ("mostcommon", ((3, 3, 1, 2),), 3),
    ("mostcommon", ((5,),), 5),
    ("mostcommon", (((1, 2), (0, 9), (1, 2)),), (1, 2)),
    ("mostcommon", (((1, 2), (0, 9)),), (0, 9)),
    ("leastcommon", ((3, 3, 1, 2),), 1),
    ("leastcommon", ((2, 3, 1, 3),), 1),
    ("leastcommon", ((5, 5, 9),), 9),
    ("leastcommon", ((9, 8, 8, 9, 7, 7),), 7),
    # initset
    ("initset", (5,), fs({5})),
    ("initset", ((1, 2),), fs({(1, 2)})),
    ("initset", (fs({1}),), fs({fs({1})})),
    # sfilter
    ("sfilter", ((3, 1, 4, 1, 5), N.even), (4,)),
    ("sfilter", (((1, 2), (3,), (4, 5)), lambda r: len(r) == 2), ((1, 2), (4, 5))),
    ("sfilter", (fs({1, 2, 3, 4}), N.even), fs({2, 4})),
    ("sfilter", ((), N.even), ()),
    ("sfilter", (fs(), N.even), fs()),
    # mfilter
    ("mfilter", (fs({fs({(1, (0, 0))}), fs({(2, (1, 1)), (2, (1, 2))}), fs({(3, (5, 5))})}),
                 lambda o: len(o) < 3 and (3, (5, 5)) not in o),
     fs({(1, (0, 0)), (2, (1, 1)), (2, (1, 2))})),
    ("mfilter", (((1, 2), (3,), (4, 5)), lambda r: len(r) == 2), (1, 2, 4, 5)),
    ("mfilter", ((fs({9, 2}), fs({7}), fs({4, 3})), lambda s: len(s) == 2), (2, 9, 3, 4)),
    ("mfilter", (fs(), len), fs()),
    # extract
    ("extract", ((1, 4, 2), N.even), 4),
    ("extract", (fs({4, 2, 8, 3}), N.even), 2),
    ("extract", (fs({(2, 2), (0, 9), (1, 1, 1)}), lambda t: len(t) == 2), (0, 9)),
    # totuple
    ("totuple", (fs({8, 1}),), (1, 8)),
    ("totuple", (fs(),), ()),
    ("totuple", ((3, 1, 3),), (3, 1, 3)),
    ("totuple", (fs({(1, (0, 0)), (0, (5, 5)), (1, (0, -1))}),),
     ((0, (5, 5)), (1, (0, -1)), (1, (0, 0)))),
    ("totuple", (fs({(1, 0), (0, 3), (0, 1)}),), ((0, 1), (0, 3), (1, 0))),
    ("totuple", (fs({fs({(2, 0)}), fs({(0, 5), (1, 0)}), fs({(0, 5)})}),),
     (fs({(0, 5)}), fs({(0, 5), (1, 0)}), fs({(2, 0)}))),
    # first / last
    ("first", (GRID,), (1, 0)),
    ("first", ((7, 1),), 7),
    ("first", (fs({9, 1}),), 1),
    ("first", (fs({(1, (0, 0)), (0, (5, 5))}),), (0, (5, 5))),
    ("last", ((1, 2, 3),), 3),
    ("last", ((1, (1, 2)),), (1, 2)),
    ("last", (fs({9, 1}),), 9),
    ("last", (GRID,), (0, 1)),
    ("last", (fs({(1, 0), (0, 7)}),), (1, 0)),
    # insert
    ("insert", (3, fs({1, 2})), fs({1, 2, 3})),
    ("insert", (1, fs({1, 2})), fs({1, 2})),
    ("insert", ((0, 0), fs()), fs({(0, 0)})),
    # remove
    ("remove", (1, (1, 2, 1, 3)), (2, 3)),
    ("remove", (5, (1, 2)), (1, 2)),
    ("remove", (True, (1, 2)), (2,)),
    ("remove", (1, fs({1, 2})), fs({2})),
    ("remove", (1, ()), ()),
    # other
    ("other", ((1, 2, 3), 1), 2),
    ("other", ((1, 2), 2), 1),
    ("other", (fs({1, 2}), 1), 2),
    ("other", (fs({5, 3, 1}), 1), 3),
    ("other", (fs({5, 3, 1}), 9), 1),
    # product
    ("product", ((1, 1), (2,)), fs({(1, 2)})),
    ("product", ((1, 2), (3, 4)), fs({(1, 3), (1, 4), (2, 3), (2, 4)})),
    ("product", ((), (1,)), fs()),
    ("product", ((1,), ()), fs()),
    ("product", (fs({1}), fs({(0, 0)})), fs({(1, (0, 0))})),
    # pair
    ("pair", ((1, 2, 3), (4, 5)), ((1, 4), (2, 5))),
    ("pair", ((1,), (4, 5)), ((1, 4),)),
    ("pair", ((), (4, 5)), ()),
    ("pair", (fs({8, 1}), (0, 9)), ((1, 0), (8, 9))),
    ("pair", (fs({8, 1}), fs({(3, 3), (2, 7)})), ((1, (2, 7)), (8, (3, 3)))),
    # sizefilter
    ("sizefilter", ((fs({1}), fs({1, 2}), (3, 4)), 2), fs({(3, 4), fs({1, 2})})),
    ("sizefilter", (fs({fs({1}), fs({2, 3})}), 1), fs({fs({1})})),
    ("sizefilter", (((1, 2), (3, 4), (1, 2)), 2), fs({(1, 2), (3, 4)})),
    ("sizefilter", ((), 0), fs()),
    ("sizefilter", (((), (1,)), 0), fs({()})),
]


@pytest.mark.parametrize("name,args,expected", VALUES,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(VALUES)])
def test_values(name, args, expected):
    got = getattr(C, name)(*args)
    assert same(got, expected), (name, args, got, expected)


RAISES = [
    ("contained", (1, 5), TypeError),
    ("combine", ((1,), 5), TypeError),
    ("combine", (fs({1}), 5), TypeError),
    ("intersection", ((1, 2), (2, 3)), TypeError),
    ("dedupe", (fs({1, 2}),), AttributeError),
    ("order", ((1, (1, 2)), N.identity), TypeError),
    ("size", (5,), TypeError),
    ("merge", ((1, 2),), TypeError),
    ("maximum", ((1, (1, 2)),), TypeError),
    ("valmax", (fs(), C.size), TypeError),
    ("valmin", ((), C.size), TypeError),
    # a key function that raises StopIteration on 0 (found by the fuzzer: map() ended early)
    ("valmin", ((1, 0, 1), lambda v: C.other(C.initset(v), -v)), StopIteration),
    ("valmax", ((1, 0, 5), lambda v: C.other(C.initset(v), -v)), StopIteration),
    ("argmax", ((), abs), ValueError),
    ("argmax", (fs(), abs), ValueError),
    ("argmin", ((), abs), ValueError),
    ("argmin", (fs(), abs), ValueError),
    ("mostcommon", (fs({1, 2}),), AttributeError),
    ("mostcommon", (fs(),), AttributeError),
    ("mostcommon", ((),), ValueError),
    ("mostcommon", (([1], [1]),), TypeError),
    ("leastcommon", (fs({1, 2}),), AttributeError),
    ("leastcommon", ((),), ValueError),
    ("initset", ([1],), TypeError),
    ("sfilter", (5, N.even), TypeError),
    ("extract", ((1, 3), N.even), StopIteration),
    ("extract", ((), N.even), StopIteration),
    ("extract", (fs({1, 3}), N.even), StopIteration),
    ("extract", (fs(), N.even), StopIteration),
    ("first", ((),), StopIteration),
    ("first", (fs(),), StopIteration),
    ("last", ((),), ValueError),
    ("last", (fs(),), ValueError),
    ("insert", (3, (1, 2)), AttributeError),
    ("insert", ([1], fs()), TypeError),
    ("other", ((1, 1), 1), StopIteration),
    ("other", (fs({1}), 1), StopIteration),
    ("other", ((), 1), StopIteration),
    ("product", ((1,), 5), TypeError),
    ("pair", ((1,), 5), TypeError),
    ("sizefilter", ((1, 2), 1), TypeError),
]


@pytest.mark.parametrize("name,args,exc", RAISES,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(RAISES)])
def test_raises(name, args, exc):
    with pytest.raises(exc):
        getattr(C, name)(*args)


def test_frozenset_results_keep_their_type():
    # "type(container)": tuple vs frozenset stay distinct (spec §2.5).
    assert type(C.sfilter(fs({1, 2}), N.even)) is frozenset
    assert type(C.remove(1, (1, 2))) is tuple
    assert type(C.sizefilter((), 1)) is frozenset


# ------------------------------------------------------------------ the canonical order's fast path

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from jaxdsl.reference import _base  # noqa: E402

_VALUES = st.recursive(st.integers(-3, 3) | st.booleans(),
                       lambda inner: st.tuples(inner) | st.tuples(inner, inner) | st.tuples(inner, inner, inner)
                       | st.frozensets(inner, max_size=3),
                       max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.frozensets(_VALUES, max_size=8))
def test_python_order_fast_path_is_the_canonical_order(values):
    """``canon``, ``canon_min`` and ``canon_max`` (Python's own comparisons where they
    cannot disagree) equal sorting by ``canon_key`` on mixed ints, tuples and frozensets."""
    expected = sorted(values, key=_base.canon_key)
    assert list(_base.canon(values)) == expected
    if values:
        assert _base.canon_min(values) == expected[0]
        assert _base.canon_max(values) == expected[-1]
