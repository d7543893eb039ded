"""Equivalence of the numeric/logic JAX primitives (``jaxdsl.prims.numeric``) with the reference.

Integers come from a spread reaching the exact range's ends (±(2**30 − 1)), with Python
``None``, plus factor pairs around the multiplication overflow boundary (2**15 · 2**15,
2**16 · 2**16 which wraps to 0 in int32, …). IntegerTuples are built from a smaller spread
(with ``None`` components) plus extreme pairs. Grid arguments are every ARC-AGI-1 grid
where the primitive looks at the grid (identity, flip, equality, both, either, branch)
and a small sample where the grid is only one side of a mixed-kind comparison.

``CASES`` maps ``(name, params)`` to a function ``grids -> [args, ...]``; ``RAISES`` and
``OVERFLOWS`` list the signatures whose cases must make the reference raise / overflow
(for the others, neither may happen), so each region is known to be exercised.
"""

from __future__ import annotations

import itertools
from typing import Callable

import pytest

from jaxdsl.prims.numeric import SIGNATURES
from tests.equivalence import check_equivalence

I, B, T, G = "Integer", "Boolean", "IntegerTuple", "Grid"

# --------------------------------------------------------------------- argument values

INTS = (-2**30 + 1, -1000, -7, -3, -2, -1, 0, 1, 2, 3, 7, 1000, 2**29, 2**30 - 1, None)
"""Integer spread: both ends of the exact range, small values of both signs, ``None``."""

MUL_EDGE = (32767, 32768, -32768, 46341, 65535, 65536, 16384, 2**29, -2**29, 2**15 + 1)
"""Factors around the multiply overflow boundary: 2**15·2**15 = 2**30 (overflow),
32767·32768 (fits), 46341² (wraps int32 to negative), 65536² (wraps int32 to 0)."""

BOOLS = (False, True)

_TUPLE_PARTS = (-3, -1, 0, 1, 2, None)
TUPLES = (
    *itertools.product(_TUPLE_PARTS, repeat=2),
    (2**30 - 1, 2**30 - 1), (-2**30 + 1, -2**30 + 1), (2**29, -7), (-2**29, 3),
    (1000, -1000), (32768, 32768), (-32768, 65536), (7, 2**30 - 1), (-2**30 + 1, 0),
    (0, 2**29), (),
)
"""IntegerTuples: all pairs over a small spread with ``None``, extreme pairs, and ``()``
(what ``ulcorner`` and the other corners return for an empty patch)."""


CELLS = ((0, (0, 0)), (5, (2, -3)), (9, (29, 29)), (-1, (1000, -1000)), (2**29, (-7, 2**29)),
         (-2**30 + 1, (0, 1)), (3, (-1024, 1023)))
"""Cells ``(colour, (i, j))`` for ``first`` / ``last`` of a Cell."""


def _ints_wide() -> tuple:
    return INTS + MUL_EDGE


def _int_pairs() -> list:
    return list(itertools.product(INTS, INTS)) + list(itertools.product(MUL_EDGE, MUL_EDGE))


def _pool(ptype: str, grids) -> tuple:
    """Values of one parameter type for unary / mixed cases."""
    if ptype == I:
        return _ints_wide()
    if ptype == B:
        return BOOLS
    if ptype == T:
        return TUPLES
    if ptype == "Cell":
        return CELLS
    return _grid_sample(grids)


def _grid_sample(grids) -> tuple:
    """A few grids of every kind: empty, empty rows, 1×1, odd shapes, some ARC grids."""
    return ((), ((),), ((), ()), ((0,),), ((1,),), ((1, 2),), ((1,), (2,)), ((0, 0), (0, 0)),
            *grids[:12])


def _binary(x: str, y: str) -> Callable:
    """All pairs of the two pools (Integer × Integer adds the multiply edge factors)."""
    def make(grids):
        if x == y == I:
            return _int_pairs()
        return list(itertools.product(_pool(x, grids), _pool(y, grids)))
    return make


def _unary(ptype: str) -> Callable:
    return lambda grids: [(v,) for v in _pool(ptype, grids)]


def _one_cell_changed(g):
    """``g`` with its last cell replaced (``None`` if it has none)."""
    if not g or not g[0]:
        return None
    last = g[-1][:-1] + ((g[-1][-1] + 1) % 10,)
    return g[:-1] + (last,)


def _grid_pairs(grids) -> list:
    """Every grid against itself, against the next grid, and against a one-cell change;
    plus all pairs of small edge grids (``()`` vs ``((),)`` and so on)."""
    cases = [(g, g) for g in grids]
    cases += [(g, grids[(k + 1) % len(grids)]) for k, g in enumerate(grids)]
    cases += [(g, c) for g in grids[::7] if (c := _one_cell_changed(g)) is not None]
    small = _grid_sample(grids)[:8]
    cases += list(itertools.product(small, small))
    return cases


def _select_grid_cases(conditions) -> Callable:
    """``(condition, a, b)`` with every grid as ``a`` (and the next one as ``b``)."""
    def make(grids):
        n = len(grids)
        return [(conditions[k % len(conditions)], g, grids[(k + 1) % n])
                for k, g in enumerate(grids)]
    return make


def _logic_grid_cases(grids) -> list:
    """``both``/``either`` on grids: every grid first, the next one second, plus the empty
    grid and rows of ``()`` on both sides."""
    n = len(grids)
    cases = [(g, grids[(k + 1) % n]) for k, g in enumerate(grids)]
    for e in ((), ((),)):
        cases += [(e, g) for g in grids[:20]] + [(g, e) for g in grids[:20]]
    return cases


def _branch(cond: str, ptype: str) -> Callable:
    conditions = BOOLS if cond == B else (0, 1, -1, 7, None)
    if ptype == G:
        return _select_grid_cases(conditions)

    def make(grids):
        values = _pool(ptype, grids)
        return [(c, a, b) for c in conditions for a in values[:12] for b in values[-12:]]
    return make


# ------------------------------------------------------------------------------- CASES

_NUMERIC_BINARY = ("add", "subtract", "multiply", "divide")
_NUMERIC_UNARY = ("invert", "double", "halve", "increment", "decrement", "crement", "sign")

CASES: dict[tuple[str, tuple[str, ...]], Callable[[tuple], list[tuple]]] = {}
for _name, _sigs in SIGNATURES.items():
    for _sig in _sigs:
        _key = (_name, _sig.params)
        if _name in ("both", "either") and _sig.params == (G, G):
            CASES[_key] = _logic_grid_cases
        elif _name == "branch":
            CASES[_key] = _branch(_sig.params[0], _sig.params[1])
        elif _name == "equality" and _sig.params == (G, G):
            CASES[_key] = _grid_pairs
        elif len(_sig.params) == 2:
            CASES[_key] = _binary(*_sig.params)
        elif _sig.params == (G,):
            CASES[_key] = lambda grids: [(g,) for g in grids]
        else:
            CASES[_key] = _unary(_sig.params[0])

_INT_OR_TUPLE = (I, T)
RAISES: set = {
    *((n, p) for n in _NUMERIC_BINARY for p in
      (s.params for s in SIGNATURES.get(n, ())) if n == "divide" or set(p) & {I, T}),
    *((n, p) for n in _NUMERIC_UNARY + ("even", "positive") for p in
      (s.params for s in SIGNATURES.get(n, ())) if p[0] in _INT_OR_TUPLE),
    *(("greater", p) for p in (s.params for s in SIGNATURES.get("greater", ()))
      if set(p) & {I, T}),
    ("first", (T,)), ("last", (T,)),
}
"""Signatures whose cases include reference raises (None operands, zero divisors, ``first``
and ``last`` of ``()``)."""

OVERFLOWS: set = {
    *(("add", p) for p in ((I, I), (I, B), (B, I), (T, T), (I, T), (B, T), (T, I), (T, B))),
    *(("subtract", p) for p in ((I, I), (I, B), (B, I), (T, T), (I, T), (B, T), (T, I), (T, B))),
    *(("multiply", p) for p in ((I, I), (T, T), (I, T), (T, I))),
    *((n, p) for n in ("double", "increment", "decrement", "crement") for p in ((I,), (T,))),
    ("astuple", (I, T)), ("astuple", (B, T)),
}
"""Signatures whose cases include results with ``|x| ≥ 2**30`` (``astuple`` to a Cell: a
``None`` or ``()`` a Cell cannot hold)."""


# ------------------------------------------------------------------------------- tests

_ALL_KEYS = [(name, sig.params) for name, sigs in SIGNATURES.items() for sig in sigs]


@pytest.mark.parametrize("key", _ALL_KEYS, ids=lambda k: f"{k[0]}{list(k[1])}")
def test_equivalence(key, grids):
    """The JAX signature agrees with the reference on its cases (batched and unbatched)."""
    name, params = key
    assert key in CASES, f"no CASES entry for {name}{params}"
    (sig,) = [s for s in SIGNATURES[name] if s.params == params]
    counts = check_equivalence(name, sig, CASES[key](grids))
    assert (counts["ref_raised"] > 0) == (key in RAISES), counts
    assert (counts["overflow"] > 0) == (key in OVERFLOWS), counts


def test_cases_cover_signatures():
    """Every Signature has a CASES entry and every CASES entry names a Signature."""
    assert set(CASES) == set(_ALL_KEYS)
    assert RAISES <= set(_ALL_KEYS) and OVERFLOWS <= set(_ALL_KEYS)


def test_spec_examples():
    """Worked examples of spec §4.1/§4.3/§6 through the JAX implementations directly."""
    import jax.numpy as jnp
    import numpy as np

    from jaxdsl.prims import numeric as nm
    from jaxdsl.values import INT_NONE

    def val(out):
        value, ok, overflow = out
        assert bool(ok) and not bool(overflow)
        return np.asarray(value).tolist()

    t = lambda a, b: jnp.array([a, b], jnp.int32)
    i = lambda a: jnp.int32(a)
    assert val(nm.add(t(1, 2), i(3))) == [4, 5]
    assert val(nm.add(jnp.bool_(True), i(1))) == 2
    assert val(nm.subtract(i(1), t(3, 4))) == [-2, -3]
    assert val(nm.divide(t(7, -7), i(2))) == [3, -4]
    assert val(nm.divide(i(7), t(2, 3))) == [3, 2]
    assert val(nm.halve(i(-3))) == -2
    assert val(nm.crement(t(0, -2))) == [0, -3]
    assert val(nm.both(i(0), i(5))) == 0
    assert val(nm.either(i(0), i(5))) == 5
    assert val(nm.flip(i(INT_NONE))) is True
    assert val(nm.equality(i(INT_NONE), i(INT_NONE))) is True
    _, ok, overflow = nm.divide(i(1), i(0))
    assert not bool(ok) and not bool(overflow)
    _, ok, overflow = nm.multiply(i(65536), i(65536))
    assert bool(ok) and bool(overflow)
