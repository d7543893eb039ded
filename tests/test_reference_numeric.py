"""Table-driven tests of the reference's arithmetic, logic and vector helpers
(arc-dsl-spec.md §4.1-§4.4). Expected values are literals taken from the spec."""

from __future__ import annotations

import pytest

from jaxdsl.reference import numeric as N


def same(got, want) -> bool:
    """Equal value *and* equal types, recursively (so True ≠ 1 and (1,) ≠ frozenset)."""
    if type(got) is not type(want):
        return False
    if isinstance(want, tuple):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    return got == want


VALUES = [
    # identity
    ("identity", (5,), 5),
    ("identity", ((1, 2),), (1, 2)),
    ("identity", (frozenset({1}),), frozenset({1})),
    # add
    ("add", (1, 2), 3),
    ("add", ((1, 2), (3, 4)), (4, 6)),
    ("add", (1, (3, 4)), (4, 5)),
    ("add", ((1, 2), 3), (4, 5)),
    ("add", ((1, 2, 3), (4, 5, 6)), (5, 7)),
    ("add", (True, 1), 2),
    ("add", (True, True), 2),
    ("add", (-3, (1, -1)), (-2, -4)),
    # subtract
    ("subtract", (5, 7), -2),
    ("subtract", (1, (3, 4)), (-2, -3)),
    ("subtract", ((1, 2), 3), (-2, -1)),
    ("subtract", ((5, 5), (1, 2)), (4, 3)),
    ("subtract", ((5, 5, 9), (1, 2)), (4, 3)),
    # multiply
    ("multiply", (3, 4), 12),
    ("multiply", (2, (4, 5)), (8, 10)),
    ("multiply", ((4, 5), -1), (-4, -5)),
    ("multiply", ((2, 3), (4, 5)), (8, 15)),
    # divide
    ("divide", (-7, 2), -4),
    ("divide", (7, 2), 3),
    ("divide", ((7, -7), 2), (3, -4)),
    ("divide", (7, (2, 3)), (3, 2)),
    ("divide", ((9, 8), (2, -3)), (4, -3)),
    # invert
    ("invert", (3,), -3),
    ("invert", (True,), -1),
    ("invert", ((1, -2),), (-1, 2)),
    ("invert", ((1, -2, 7),), (-1, 2)),
    # even
    ("even", (-3,), False),
    ("even", (-4,), True),
    ("even", (0,), True),
    ("even", (7,), False),
    ("even", (True,), False),
    # double
    ("double", (4,), 8),
    ("double", ((2, -3),), (4, -6)),
    # halve
    ("halve", (-3,), -2),
    ("halve", (5,), 2),
    ("halve", ((-3, 3),), (-2, 1)),
    # flip
    ("flip", (0,), True),
    ("flip", ((),), True),
    ("flip", (True,), False),
    ("flip", (5,), False),
    ("flip", (frozenset({1}),), False),
    # equality
    ("equality", (1, True), True),
    ("equality", ((1, 2), frozenset({1, 2})), False),
    ("equality", (frozenset({2, 1}), frozenset({1, 2})), True),
    ("equality", (((1, 2),), ((1, 2),)), True),
    ("equality", (((1, 2),), ((2, 1),)), False),
    # greater
    ("greater", (3, 2), True),
    ("greater", (2, 2), False),
    ("greater", ((1, 3), (1, 2)), True),
    ("greater", ((1, 2), (1, 2, 0)), False),
    # both / either
    ("both", (0, 5), 0),
    ("both", (2, 3), 3),
    ("both", (True, False), False),
    ("both", (False, True), False),
    ("both", ((), 1), ()),
    ("either", (0, 5), 5),
    ("either", (False, 0), 0),
    ("either", (2, 3), 2),
    ("either", (True, False), True),
    # increment / decrement
    ("increment", (1,), 2),
    ("increment", ((1, -1),), (2, 0)),
    ("decrement", (1,), 0),
    ("decrement", ((1, -1),), (0, -2)),
    # crement
    ("crement", (-3,), -4),
    ("crement", (0,), 0),
    ("crement", (3,), 4),
    ("crement", ((0, -2),), (0, -3)),
    ("crement", ((5, 0),), (6, 0)),
    # sign
    ("sign", (-7,), -1),
    ("sign", (0,), 0),
    ("sign", (9,), 1),
    ("sign", ((-5, 0),), (-1, 0)),
    ("sign", ((3, -2),), (1, -1)),
    # positive
    ("positive", (0,), False),
    ("positive", (1,), True),
    ("positive", (-1,), False),
    # toivec / tojvec / astuple
    ("toivec", (3,), (3, 0)),
    ("tojvec", (3,), (0, 3)),
    ("astuple", (1, 2), (1, 2)),
    # interval
    ("interval", (0, 4, 1), (0, 1, 2, 3)),
    ("interval", (5, 0, -2), (5, 3, 1)),
    ("interval", (0, 5, -1), ()),
    ("interval", (3, 3, 1), ()),
    # branch
    ("branch", (True, 1, 2), 1),
    ("branch", (False, 1, 2), 2),
    ("branch", (0, "a", "b"), "b"),
    ("branch", ((1,), "a", "b"), "a"),
]


@pytest.mark.parametrize("name,args,expected", VALUES,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(VALUES)])
def test_values(name, args, expected):
    got = getattr(N, name)(*args)
    assert same(got, expected), (name, args, got, expected)


RAISES = [
    ("add", ((1,), (2, 3)), IndexError),
    ("add", ((1, 2), (3,)), IndexError),
    ("add", (1, frozenset({1})), TypeError),
    ("add", (1, None), TypeError),
    ("subtract", ((1,), 2), IndexError),
    ("multiply", (1, frozenset()), TypeError),
    ("divide", (1, 0), ZeroDivisionError),
    ("divide", ((1, 2), 0), ZeroDivisionError),
    ("divide", ((1, 2), (1, 0)), ZeroDivisionError),
    ("divide", (1, (0, 1)), ZeroDivisionError),
    ("invert", ((1,),), IndexError),
    ("invert", (None,), TypeError),
    ("even", ((2, 2),), TypeError),
    ("double", ((1,),), IndexError),
    ("halve", ((1,),), IndexError),
    ("increment", (None,), TypeError),
    ("decrement", ((),), IndexError),
    ("crement", ((1,),), IndexError),
    ("sign", ((),), IndexError),
    ("greater", (1, (1, 2)), TypeError),
    ("positive", ((1, 2),), TypeError),
    ("interval", (0, 5, 0), ValueError),
    ("interval", (0, (5,), 1), TypeError),
]


@pytest.mark.parametrize("name,args,exc", RAISES,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(RAISES)])
def test_raises(name, args, exc):
    with pytest.raises(exc):
        getattr(N, name)(*args)


def test_identity_returns_same_object():
    x = ((1, 2), (3, 4))
    assert N.identity(x) is x
