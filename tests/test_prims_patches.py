"""Equivalence of the patch-family JAX primitives (``jaxdsl.prims.patches``) with the reference.

Patch arguments are the real ARC-derived single Objects / Indices of ``tests/conftest.py``
(``objects_`` / ``indices``: objects of every ARC-AGI-1 grid, shifted to negative and
far-off positions, normalized; ``ofcolor`` sets) plus generated edge cases
(:data:`EDGE_OBJECTS`, :data:`EDGE_INDICES`): the empty patch, single cells, two colours on
one position, thin rows/columns (``inbox``'s min/max swap), 2×2, a full 32×32 object
(exactly the 1024-row capacity), sparse patches whose bounding box (or outline) exceeds
the capacity, a dense patch whose backdrop overflows but whose delta fits, and
coordinates at the edge of the position window ``[-1024, 1024)`` (shifts, mirrors, boxes and
upscales that leave it, so the result does not fit: ``overflow``; see
:func:`jaxdsl.containers.rows_in_window`).

Other arguments (offsets, factors, colours, locations, directions) cycle through value
lists with the patch's position and are all met on every edge patch. Locations and
line endpoints also come from the real patches (their corners and first cells).

The default suite samples every ``STRIDE``-th real patch; ``test_exhaustive`` (``-m slow``)
runs every signature on all of them. ``CASES`` maps ``(name, params)`` to a function
``(objects, indices, stride) -> [args, ...]``.

Cases the harness cannot express (the reference result holds ``()`` or ``None`` inside a
container, which no Indices/Object row can hold, so the JAX side reports ``overflow``) are
tested directly in ``test_unrepresentable_results``.
"""

from __future__ import annotations

import inspect
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdsl import reference
from jaxdsl.containers import Elems
from jaxdsl.prims import bind_caps
from jaxdsl.prims.patches import SIGNATURES
from jaxdsl.containers import POSITION_WINDOW
from jaxdsl.types import from_python, to_python
from jaxdsl.values import Capacity
from tests.equivalence import check_equivalence

IDX, OBJ, INT, TUP = "Indices", "Object", "Integer", "IntegerTuple"
L = POSITION_WINDOW[1]
"""One past the largest coordinate a patch row can hold."""
STRIDE = 75
"""Default suite: every 75th real Object / Indices (≈200 each) plus all edge patches."""

REF = reference.PRIMITIVES


# --------------------------------------------------------------------- edge patches


def _obj(cells) -> frozenset:
    return frozenset((c, (i, j)) for c, i, j in cells)


EDGE_OBJECTS: tuple = (
    frozenset(),
    _obj([(3, 0, 0)]),
    _obj([(1, 2, 2), (4, 2, 2)]),                                     # two colours, one position
    _obj([(5, -40, -3), (5, -40, -2), (6, -39, -3)]),
    _obj([(2, 3, j) for j in range(6)]),                              # one row
    _obj([(7, i, -4) for i in range(-2, 5)]),                         # one column
    _obj([(1, 0, 0), (2, 0, 1), (3, 1, 0), (4, 1, 1)]),               # 2×2
    _obj([(1, 0, 0), (1, 1, 3)]),                                     # 2×4 box
    _obj([((i * 7 + j) % 10, i, j) for i in range(32) for j in range(32)]),   # 1024 cells
    _obj([(i % 3, i, i) for i in range(40)] + [(9, 0, 39), (9, 39, 0)]),       # sparse 40×40
    _obj([(1, i, j) for i in range(40) for j in range(30) if (i * 30 + j) % 6]),  # 1000 in 40×30
    _obj([(1, 0, 0), (1, 0, 100), (2, 100, 0)]),                      # box > 2·capacity
    _obj([(1, 0, 0), (1, 300, 300)]),                                 # outline > capacity
    _obj([(4, 0, 0), (4, 0, 1000)]),                                  # long row box
    _obj([(5, L - 2, 0), (5, L - 2, 5)]),                             # d/cmirror leave the window
    _obj([(1000, 5, 5), (-5, 5, 6), (0, 6, 5)]),                      # odd colours
    _obj([(3, 0, L - 1)]),                                            # outbox / inbox leave it
    _obj([(3, -(L - 1), -(L - 1))]),
)
"""Generated Objects (see the module docstring). Every box-like reference result of these
stays below ~10⁵ positions (the reference materialises it)."""

SPAN_OBJECTS: tuple = (
    _obj([(1, -(L - 1), 0), (2, L - 1, 3)]),
    _obj([(1, 0, -(L - 1)), (2, 3, L - 1), (2, 1, 0)]),
)
"""Objects spanning the whole position window: ``normalize`` leaves it (overflow). Only
for primitives whose reference cost is linear in the patch size (not boxes, backdrops or
upscale by large factors, which would materialise millions of positions)."""

SPAN_INDICES: tuple = tuple(frozenset(p for _, p in o) for o in SPAN_OBJECTS)

EDGE_INDICES: tuple = tuple(frozenset(p for _, p in o) for o in EDGE_OBJECTS) + (
    frozenset({(-1, -1), (-5, 3)}),
    frozenset({(i, 4) for i in range(-10, 40)}),
    frozenset({(i, i) for i in range(30)}),
    frozenset({(i, j) for i in range(33) for j in range(31)}),       # 1023 positions
)
"""Generated Indices: the positions of :data:`EDGE_OBJECTS` plus lines and a near-full block."""

OFFSETS = ((0, 0), (1, -2), (-3, 2), (5, -7), (-30, -30), (29, 29), (None, 0), (0, None), (),
           (None, None), (L - 1, 0), (0, -(L - 1)), (-(L - 1), L - 1))
FACTORS = (2, 1, 0, -1, 3, 5, None)
UPSCALE_EXTRA = ((_obj([(4, 1, 1)]), 32), (_obj([(4, 1, 1)]), 33), (_obj([(1, 0, 0), (2, 5, 5)]), 22),
                 (_obj([(1, 0, 0), (2, 5, 5)]), 23), (_obj([(3, L - 3, 0)]), 2), (_obj([(3, L - 3, 0)]), 3),
                 (_obj([(3, 0, L - 4), (3, 0, L - 5)]), 2), (_obj([(3, -5, -5)]), 30))
"""Upscale cases at the capacity edge (``n·f²`` = 1024 / 1089 …) and at the window edge."""
COLOURS = (0, 5, 9, -1, 200, L - 1, -(L - 1))
LOCATIONS = ((0, 0), (5, 7), (-3, 2), (29, 29), (100, -100), (L - 2, 0), (L - 1, 0),
             (0, -(L - 1)), (-(L - 1), -(L - 1)), (None, 2), (2, None), (None, None), ())
DIRECTIONS = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1),
              (1, 2), (-2, 1), (2, 2), (0, 3), (-3, 0), (24, 0), (0, -25), (-24, 24), (25, 25),
              (5000, 6000), (30, 30), (L - 1, L - 2), (2**29, -(2**29) - 1),
              (None, 1), (1, None), ())
SHOOT_STARTS = ((0, 0), (3, 4), (-5, 9), (L - 10, 5), (5, -(L - 10)), (None, 0), ())


# --------------------------------------------------------------------- case builders


def _edges(kind: str, span: bool = True) -> tuple:
    """Edge patches of ``kind``; ``span`` adds the whole-int-range ones (linear-cost
    primitives only)."""
    if kind == OBJ:
        return EDGE_OBJECTS + (SPAN_OBJECTS if span else ())
    return EDGE_INDICES + (SPAN_INDICES if span else ())


def _patches(kind: str, objects, indices, stride: int, span: bool = True) -> list:
    real = objects if kind == OBJ else indices
    return list(real[::stride]) + list(_edges(kind, span))


def _cycle(kind: str, values: tuple, make: Callable, span: bool = True) -> Callable:
    """One case per sampled real patch (value ``k mod len``), plus every value on every
    edge patch."""
    def build(objects, indices, stride):
        real = (objects if kind == OBJ else indices)[::stride]
        cases = [make(p, values[k % len(values)]) for k, p in enumerate(real)]
        cases += [make(p, v) for p in _edges(kind, span) for v in values]
        return cases
    return build


def _unary(kind: str, skip_empty: bool = False, span: bool = True) -> Callable:
    def build(objects, indices, stride):
        return [(p,) for p in _patches(kind, objects, indices, stride, span) if p or not skip_empty]
    return build


def _real_locations(objects, indices, stride) -> list:
    """Corners and first cells of the sampled real patches (in and beyond the grid)."""
    out = []
    for p in indices[::stride]:
        if p:
            out.append(min(p))
            out.append(REF["lrcorner"](p))
    return out


def _locations(skip: Callable = lambda loc: False) -> Callable:
    def build(objects, indices, stride):
        locs = _real_locations(objects, indices, stride) + list(LOCATIONS)
        return [(loc,) for loc in locs if not skip(loc)]
    return build


def _connect_cases(objects, indices, stride) -> list:
    cases = []
    for p in indices[::stride]:
        if p:
            ul, lr, ur = REF["ulcorner"](p), REF["lrcorner"](p), REF["urcorner"](p)
            first = min(p)
            cases += [(ul, lr), (lr, ul), (ur, REF["llcorner"](p)), (first, lr), (first, ur)]
    small = range(-2, 3)
    pts = [(a, b) for a in small for b in small]
    cases += [(a, b) for a in pts for b in pts]
    cases += [((0, 0), (0, 1023)), ((0, 0), (0, 1024)), ((0, 0), (1023, 1023)),
              ((0, 1023), (1023, 0)), ((5, 5), (-2000, -2000)), ((0, 10), (10, 0)),
              ((L - 1, L - 1), (L - 1, L - 1)), ((L - 1, 0), (L - 1000, 0)),
              ((-(L - 1), 5), (-(L - 1) + 3, 8)), ((None, 0), (0, 0)), ((0, 0), (0, None)),
              ((), (1, 1)), ((1, 1), ()), ((None, None), (None, None))]
    return cases


def _shoot_cases(objects, indices, stride) -> list:
    cases = [(s, d) for s in SHOOT_STARTS for d in DIRECTIONS]
    real = _real_locations(objects, indices, stride)
    cases += [(s, DIRECTIONS[k % len(DIRECTIONS)]) for k, s in enumerate(real)]
    return cases


def _shift_cases(kind):
    return _cycle(kind, OFFSETS, lambda p, d: (p, d))


def _recolor_cases(kind):
    def build(objects, indices, stride):
        cases = _cycle(kind, COLOURS, lambda p, v: (v, p))(objects, indices, stride)
        return cases + [(None, frozenset())]     # None colour on an empty patch is fine
    return build


def _upscale_cases(kind):
    def build(objects, indices, stride):
        cases = _cycle(kind, FACTORS, lambda p, f: (p, f))(objects, indices, stride)
        # big patches only with small factors: the reference materialises n·f² cells
        cases = [(p, f) for p, f in cases if len(p) <= 200 or f is None or f <= 2]
        if kind == OBJ:
            return cases + list(UPSCALE_EXTRA)
        return cases + [(frozenset(q for _, q in o), f) for o, f in UPSCALE_EXTRA]
    return build


_LINEAR = ("normalize", "hmirror", "vmirror", "dmirror", "cmirror")
_BOXES = ("box", "inbox", "outbox", "backdrop", "delta")

CASES: dict[tuple[str, tuple[str, ...]], Callable[..., list[tuple]]] = {
    ("toindices", (OBJ,)): _unary(OBJ),
    ("toindices", (IDX,)): _unary(IDX),
    ("recolor", (INT, OBJ)): _recolor_cases(OBJ),
    ("recolor", (INT, IDX)): _recolor_cases(IDX),
    ("shift", (IDX, TUP)): _shift_cases(IDX),
    ("shift", (OBJ, TUP)): _shift_cases(OBJ),
    **{(name, (kind,)): _unary(kind) for name in _LINEAR for kind in (IDX, OBJ)},
    **{(name, (kind,)): _unary(kind, span=False) for name in _BOXES for kind in (IDX, OBJ)},
    # corners(∅) = frozenset({()}) cannot be converted: see test_unrepresentable_results.
    ("corners", (IDX,)): _unary(IDX, skip_empty=True),
    ("corners", (OBJ,)): _unary(OBJ, skip_empty=True),
    ("upscale", (OBJ, INT)): _upscale_cases(OBJ),
    ("upscale", (IDX, INT)): _upscale_cases(IDX),
    ("dneighbors", (TUP,)): _locations(),
    ("ineighbors", (TUP,)): _locations(),
    ("neighbors", (TUP,)): _locations(),
    ("connect", (TUP, TUP)): _connect_cases,
    ("shoot", (TUP, TUP)): _shoot_cases,
    # A None in the used component yields (i, None) positions: see test_unrepresentable_results.
    ("vfrontier", (TUP,)): _locations(skip=lambda loc: len(loc) == 2 and loc[1] is None),
    ("hfrontier", (TUP,)): _locations(skip=lambda loc: len(loc) == 2 and loc[0] is None),
}
"""(primitive name, parameter types) → ``(objects, indices, stride) -> list of argument tuples``."""

_BOTH = (IDX, OBJ)

RAISES: set = {
    *((m, (k,)) for m in ("hmirror", "vmirror", "dmirror", "cmirror", "inbox", "outbox") for k in _BOTH),
    ("shift", (IDX, TUP)), ("shift", (OBJ, TUP)), ("upscale", (OBJ, INT)), ("upscale", (IDX, INT)),
    ("dneighbors", (TUP,)), ("ineighbors", (TUP,)), ("neighbors", (TUP,)),
    ("connect", (TUP, TUP)), ("shoot", (TUP, TUP)), ("vfrontier", (TUP,)), ("hfrontier", (TUP,)),
}
"""Signatures whose cases must include reference raises."""

OVERFLOWS: set = {
    *((m, (k,)) for m in ("normalize", "dmirror", "cmirror", "box", "inbox", "outbox",
                          "backdrop", "delta") for k in _BOTH),
    ("shift", (IDX, TUP)), ("shift", (OBJ, TUP)), ("upscale", (OBJ, INT)),
    ("dneighbors", (TUP,)), ("ineighbors", (TUP,)), ("neighbors", (TUP,)),
    ("connect", (TUP, TUP)), ("shoot", (TUP, TUP)),
}
"""Signatures whose cases must include results that do not fit (rows or the position window)."""

_SIGNATURES = [(name, sig) for name, sigs in SIGNATURES.items() for sig in sigs]
_IDS = [f"{n}{list(s.params)}" for n, s in _SIGNATURES]


# --------------------------------------------------------------------- invariants


def _bind(sig, capacity: Capacity):
    return bind_caps(sig.impl, capacity)


def _build(sig, cases, capacity: Capacity) -> list:
    """JAX argument lists of the cases whose arguments fit ``capacity``."""
    built = []
    for args in cases:
        conv = [from_python(t, a, capacity) for t, a in zip(sig.params, args)]
        if not any(o for _, o in conv):
            built.append([v for v, _ in conv])
    return built


def _assert_canonical(where: str, data, n, ok, ovf) -> None:
    """Rows ``< n`` strictly ascending (so deduplicated), rows ``≥ n`` zero, and a not-ok
    or overflowing result is the empty container."""
    m = int(n)
    rows = [tuple(r) for r in np.asarray(data)[:m].tolist()]
    assert rows == sorted(set(rows)), f"{where}: rows not canonical: {rows[:8]}"
    assert not np.asarray(data)[m:].any(), f"{where}: non-zero padding"
    if not ok or ovf:
        assert m == 0, f"{where}: failed result not empty"


def _check_invariants_batched(name, sig, cases, fn) -> None:
    """Canonical-order invariants of every output of ``fn = jit(vmap(impl))`` (the
    equivalence harness compares frozensets and so cannot see the row order)."""
    built = _build(sig, cases, Capacity())
    batch = jax.tree_util.tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs]), *built)
    (data, n), ok, ovf = jax.device_get(fn(*batch))
    for k in range(len(built)):
        _assert_canonical(f"{name}{sig.params} case {k}", data[k], n[k], ok[k], ovf[k])


def _canonical_in_jax(value: Elems, ok, ovf):
    """``bool[]``: the JAX-side form of :func:`_assert_canonical`."""
    data, n = value
    P = data.shape[0]
    r = jnp.arange(P)
    lt = jnp.zeros((P - 1,), bool)
    eq = jnp.ones((P - 1,), bool)
    for f in range(data.shape[1]):
        a, b = data[:-1, f], data[1:, f]
        lt = lt | (eq & (a < b))
        eq = eq & (a == b)
    ascending = jnp.all(lt | (r[1:] >= n))
    padding = jnp.all((r[:, None] < n) | (data == 0))
    failed_empty = (ok & ~ovf) | (n == 0)
    return ascending & padding & failed_empty


def _guarded(sig):
    """``sig`` with an impl that also checks the canonical-order invariants inside JAX.

    A violation is reported as a spurious ``overflow``, which ``check_equivalence``
    rejects on every case that does not legitimately overflow (a legitimately overflowing
    result is meaningless anyway). This folds the invariant check into the equivalence
    run's single ``jit(vmap)`` compile. ``test_exhaustive`` checks the invariants again
    with explicit messages.
    """
    def check(out):
        value, ok, ovf = out
        return value, ok, ovf | ~_canonical_in_jax(value, ok, ovf)

    if "caps" in inspect.signature(sig.impl).parameters:
        def impl(*args, caps):
            return check(sig.impl(*args, caps=caps))
    else:
        def impl(*args):
            return check(sig.impl(*args))
    return sig._replace(impl=impl)


# --------------------------------------------------------------------- tests


def test_every_signature_has_cases():
    keys = {(name, sig.params) for name, sig in _SIGNATURES}
    assert set(CASES) == keys
    assert RAISES <= keys and OVERFLOWS <= keys


@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=_IDS)
def test_equivalence(name, sig, objects_, indices):
    """Batched (``jit(vmap)``) equivalence on the sampled cases, with the canonical-order
    invariants checked inside the same compiled function (see :func:`_guarded`). The
    unbatched ``jit`` path is covered by the slow sweep and by the direct tests below."""
    key = (name, sig.params)
    cases = CASES[key](objects_, indices, STRIDE)
    counts = check_equivalence(name, _guarded(sig), cases, unbatched=0)
    if key in RAISES:
        assert counts["ref_raised"] > 0, f"{key}: no raising case exercised ({counts})"
    if key in OVERFLOWS:
        assert counts["overflow"] > 0, f"{key}: no overflowing case exercised ({counts})"
    assert counts["ref_raised"] + counts["overflow"] < counts["cases"], counts


@pytest.mark.slow
@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=_IDS)
def test_unbatched_canonical(name, sig, objects_, indices):
    """Plain ``jit`` (no ``vmap``) on a sample of the cases: the result agrees with the
    reference (flags and value) and keeps the canonical-order / zero-padding invariants."""
    cases = CASES[(name, sig.params)](objects_, indices, STRIDE * 8)[::3]
    caps = Capacity()
    fn = jax.jit(_bind(sig, caps))
    ref = REF[name]
    for k, args in enumerate(cases):
        conv = [from_python(t, a, caps) for t, a in zip(sig.params, args)]
        if any(o for _, o in conv):
            continue
        (data, n), ok, ovf = jax.device_get(fn(*[v for v, _ in conv]))
        where = f"{name}{sig.params} case {k}"
        _assert_canonical(where, data, n, ok, ovf)
        try:
            want, want_ok = ref(*args), True
        except Exception:  # noqa: BLE001 - a raise is "not ok"
            want, want_ok = None, False
        assert bool(ok) == want_ok and (want_ok or not ovf), where
        if want_ok and not from_python(sig.result, want, caps)[1]:
            assert not ovf and to_python(sig.result, Elems(data, n)) == want, where


def test_small_capacity():
    """A 64-row patch capacity: more results overflow on rows; shapes follow ``caps``."""
    caps = Capacity(patch=64)
    for name, params in [("box", (OBJ,)), ("delta", (IDX,)), ("shoot", (TUP, TUP))]:
        (sig,) = [s for s in SIGNATURES[name] if s.params == params]
        cases = CASES[(name, params)]((), (), 1)
        if name == "shoot":
            cases = [((0, 0), (1, 0)), ((0, 0), (0, 2)), ((3, 3), (-1, 1))]
        counts = check_equivalence(name, sig, cases, capacity=caps, unbatched=0)
        assert counts["overflow"] > 0, (name, counts)


_JITTED: dict = {}


def _run(name: str, params: tuple, *args, caps=Capacity()):
    (sig,) = [s for s in SIGNATURES[name] if s.params == params]
    key = (name, params, caps)
    if key not in _JITTED:
        _JITTED[key] = jax.jit(_bind(sig, caps))
    conv = [from_python(t, a, caps)[0] for t, a in zip(params, args)]
    value, ok, ovf = _JITTED[key](*conv)
    return jax.device_get(value), bool(ok), bool(ovf)


def test_unrepresentable_results():
    """Reference results that hold ``()`` or ``None`` inside a container are reported as
    ``ok`` with ``overflow`` (an Indices / Object row cannot hold them)."""
    assert REF["corners"](frozenset()) == frozenset({()})
    for kind in _BOTH:
        _, ok, ovf = _run("corners", (kind,), frozenset())
        assert ok and ovf
    assert REF["recolor"](None, frozenset({(0, 0)})) == frozenset({(None, (0, 0))})
    for kind, patch in ((IDX, frozenset({(0, 0), (1, 2)})), (OBJ, _obj([(1, 0, 0), (2, 0, 0)]))):
        _, ok, ovf = _run("recolor", (INT, kind), None, patch)
        assert ok and ovf
        value, ok, ovf = _run("recolor", (INT, kind), None, frozenset())
        assert ok and not ovf and int(value.n) == 0
    assert (0, None) in REF["vfrontier"]((3, None))
    assert (None, 0) in REF["hfrontier"]((None, 3))
    for name, loc in (("vfrontier", (3, None)), ("hfrontier", (None, 3)),
                      ("vfrontier", (None, None)), ("hfrontier", (None, None))):
        _, ok, ovf = _run(name, (TUP,), loc)
        assert ok and ovf, name


def test_huge_results_overflow():
    """Results far beyond the capacity or the position window (up to ~2⁴⁰ positions,
    which the reference would materialise) are reported as ``ok`` + ``overflow`` without
    wrapping int32 arithmetic."""
    for patch in SPAN_INDICES:            # the Object versions share the kernels
        for name in _BOXES:
            _, ok, ovf = _run(name, (IDX,), patch)
            assert ok and ovf, (name, patch)
    big = (_obj([(1, 0, 0)]), L - 1), (_obj([(1, 0, 0), (2, 0, 1)]), 2**20), (_obj([(1, 5, 5)]), 2**16)
    for obj, f in big:
        _, ok, ovf = _run("upscale", (OBJ, INT), obj, f)
        assert ok and ovf, f
    for start, d in (((0, 0), (L - 1, 0)), ((0, 0), (L - 1, -(L - 1))), ((5, 5), (-(2**20), -(2**20))),
                     ((-(L - 1), 0), (0, L - 1))):
        _, ok, ovf = _run("shoot", (TUP, TUP), start, d)
        assert ok and ovf, d
    for a, b in (((L - 1, 0), (-(L - 1), 0)), ((0, -(L - 1)), (0, L - 1)),
                 ((-(L - 1), -(L - 1)), (L - 1, L - 1)), ((L - 1, -(L - 1)), (-(L - 1), L - 1))):
        _, ok, ovf = _run("connect", (TUP, TUP), a, b)
        assert ok and ovf, (a, b)
    # a non-line direction stays empty however long it is (the clipped end is not used)
    for d in ((L - 1, L - 2), (2**25, 2**25 + 1), (-(L - 1), L - 2)):
        value, ok, ovf = _run("shoot", (TUP, TUP), (0, 0), d)
        assert ok and not ovf and int(value.n) == 0, d


def test_spec_examples():
    """Worked examples of spec §4.7 / §4.11 / §6, through the JAX side."""
    def py(name, params, *args):
        (sig,) = [s for s in SIGNATURES[name] if s.params == params]
        value, ok, ovf = _run(name, params, *args)
        assert ok and not ovf
        return to_python(sig.result, value)

    assert py("dmirror", (IDX,), frozenset({(1, 2), (1, 3), (3, 2)})) == frozenset({(1, 2), (1, 4), (2, 2)})
    assert py("cmirror", (IDX,), frozenset({(1, 2), (1, 3), (3, 2)})) == frozenset({(1, 4), (2, 2), (2, 4)})
    assert py("hmirror", (OBJ,), _obj([(1, 1, 2), (2, 1, 3), (3, 3, 2)])) == _obj([(1, 3, 2), (2, 3, 3), (3, 1, 2)])
    assert py("connect", (TUP, TUP), (2, 0), (0, 2)) == frozenset({(0, 2), (1, 1), (2, 0)})
    assert py("inbox", (IDX,), frozenset({(0, 0), (1, 3)})) == frozenset({(0, 1), (0, 2), (1, 1), (1, 2)})
    # spec §4.11 (152): the inbox of a single cell is the ring of its 8 neighbours
    assert py("inbox", (IDX,), frozenset({(0, 0)})) == frozenset(
        {(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)})
    # spec §4.7 (87–89): no bounds check, so neighbours of (0, 0) may be negative
    assert py("dneighbors", (TUP,), (0, 0)) == frozenset({(-1, 0), (1, 0), (0, -1), (0, 1)})
    assert py("ineighbors", (TUP,), (0, 0)) == frozenset({(-1, -1), (-1, 1), (1, -1), (1, 1)})
    assert py("neighbors", (TUP,), (2, 5)) == frozenset(
        {(1, 4), (1, 5), (1, 6), (2, 4), (2, 6), (3, 4), (3, 5), (3, 6)})
    # spec §6: the outbox of (1, 1) is the 3×3 ring around it, centre excluded
    assert py("outbox", (IDX,), frozenset({(1, 1)})) == frozenset(
        {(0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1), (2, 2)})
    assert py("corners", (IDX,), frozenset({(1, 1), (3, 4), (2, 2)})) == frozenset({(1, 1), (1, 4), (3, 1), (3, 4)})
    assert py("upscale", (OBJ, INT), _obj([(1, -1, -1), (2, 0, 0)]), 2) == _obj(
        [(1, -1, -1), (1, -1, 0), (1, 0, -1), (1, 0, 0), (2, 1, 1), (2, 1, 2), (2, 2, 1), (2, 2, 2)])
    assert py("recolor", (INT, OBJ), 3, _obj([(2, 0, 0), (1, 0, 0)])) == _obj([(3, 0, 0)])
    assert len(py("shoot", (TUP, TUP), (0, 0), (2, 2))) == 85
    assert len(py("shoot", (TUP, TUP), (0, 0), (0, 3))) == 127
    assert py("shoot", (TUP, TUP), (0, 0), (1, 2)) == frozenset()


@pytest.mark.slow
@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=_IDS)
def test_exhaustive(name, sig, objects_, indices):
    """Every signature on every real Object / Indices of the fixtures (plus all edges)."""
    key = (name, sig.params)
    cases = CASES[key](objects_, indices, 1)
    total = {"cases": 0, "ref_raised": 0, "overflow": 0}
    chunk = 8000
    fn = jax.jit(jax.vmap(_bind(sig, Capacity())))
    for start in range(0, len(cases), chunk):
        part = cases[start:start + chunk]
        counts = check_equivalence(name, sig, part, unbatched=3 if start == 0 else 0)
        _check_invariants_batched(name, sig, part, fn)
        for k in total:
            total[k] += counts[k]
    if key in RAISES:
        assert total["ref_raised"] > 0, total
    if key in OVERFLOWS:
        assert total["overflow"] > 0, total
