"""Shared row kernels of :mod:`jaxdsl.containers` and the type table :mod:`jaxdsl.types`.

The set primitives rest on three facts tested here directly, with hypothesis drawing rows
anywhere in (and at the edges of) the position / colour window:

* :func:`~jaxdsl.containers.pack_rows` is order-preserving and injective on rows inside
  the window, and :func:`~jaxdsl.containers.unpack_keys` inverts it;
* :func:`~jaxdsl.containers.make_set` equals Python's ``sorted(set(rows))``;
* :func:`~jaxdsl.containers.rows_in_window` and the Python converters agree on the window,
  and every registry primitive that returns a row container reports a result leaving it
  as ``overflow``.
"""

from __future__ import annotations

import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxdsl import containers, prims, types
from jaxdsl.containers import COLOUR_WINDOW, POSITION_WINDOW
from jaxdsl.values import INT_EMPTY, INT_NONE, Capacity

_POS = st.integers(POSITION_WINDOW[0], POSITION_WINDOW[1] - 1)
_EDGE_POS = st.sampled_from([POSITION_WINDOW[0], POSITION_WINDOW[0] + 1, -1, 0, 1, 29, 30,
                             POSITION_WINDOW[1] - 2, POSITION_WINDOW[1] - 1])
_COLOUR = st.integers(COLOUR_WINDOW[0], COLOUR_WINDOW[1] - 1)


def _rows(F: int):
    pos = st.one_of(_POS, _EDGE_POS)
    col = st.one_of(_COLOUR, st.sampled_from([COLOUR_WINDOW[0], COLOUR_WINDOW[1] - 1, 0, 9]))
    if F == 1:
        return st.lists(st.tuples(st.integers(-(2**30) + 1, 2**30 - 1)), min_size=0, max_size=40)
    if F == 2:
        return st.lists(st.tuples(pos, pos), min_size=0, max_size=40)
    return st.lists(st.tuples(col, pos, pos), min_size=0, max_size=40)


_pack = jax.jit(containers.pack_rows)


@pytest.mark.parametrize("F", [1, 2, 3])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_pack_rows_preserves_order_and_inverts(F, data):
    rows = data.draw(_rows(F))
    if not rows:
        return
    arr = np.array(rows, np.int32).reshape(len(rows), F)
    key, fits = _pack(jnp.asarray(arr), jnp.ones((len(rows),), bool))
    key = np.asarray(key)
    assert bool(fits)
    for a in range(len(rows)):
        for b in range(len(rows)):
            assert (key[a] < key[b]) == (rows[a] < rows[b]), (rows[a], rows[b])
            assert (key[a] == key[b]) == (rows[a] == rows[b])
    chex.assert_trees_all_equal(np.asarray(containers.unpack_keys(jnp.asarray(key), F)), arr)


@pytest.mark.parametrize("F", [1, 2, 3])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_make_set_is_sorted_set(F, data):
    rows = data.draw(_rows(F))
    valid = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    L = 48
    arr = np.zeros((L, F), np.int32)
    mask = np.zeros((L,), bool)
    if rows:
        arr[: len(rows)] = rows
        mask[: len(rows)] = valid
    cap = 32
    e, overflow = jax.jit(containers.make_set, static_argnums=2)(jnp.asarray(arr), jnp.asarray(mask), cap)
    want = sorted({tuple(r) for r, v in zip(rows, valid) if v})
    assert bool(overflow) == (len(want) > cap)
    if len(want) <= cap:
        n = int(e.n)
        assert [tuple(r) for r in np.asarray(e.data)[:n].tolist()] == want
        assert not np.asarray(e.data)[n:].any()


def test_window_bounds_match_converters():
    """A row exactly at each window edge converts; one step beyond does not (overflow)."""
    lo, hi = POSITION_WINDOW
    clo, chi = COLOUR_WINDOW
    caps = Capacity()
    for t, inside, outside in (
        ("Indices", frozenset({(lo, hi - 1)}), frozenset({(lo - 1, 0)})),
        ("Indices", frozenset({(hi - 1, lo)}), frozenset({(0, hi)})),
        ("Object", frozenset({(clo, (lo, hi - 1))}), frozenset({(chi, (0, 0))})),
        ("Tuple[IntegerTuple]", ((lo, lo), (hi - 1, hi - 1)), ((hi, 0),)),
        ("Objects", frozenset({frozenset({(chi - 1, (lo, lo))})}), frozenset({frozenset({(0, (lo - 1, 0))})})),
    ):
        value, overflow = types.from_python(t, inside, caps)
        assert not overflow and types.to_python(t, value) == inside, t
        assert types.from_python(t, outside, caps)[1], (t, outside)
    assert not types.from_python("Cell", (chi + 100, (hi + 5, 0)), caps)[1]   # lone cells are not packed


@pytest.mark.parametrize("dsl_type,value", [
    ("Indices", frozenset({(), (1, 2)})),                    # corners of an empty patch
    ("Tuple[IntegerTuple]", ((1, 2), ())),
    ("Cell", (3, ())),                                       # astuple(3, ulcorner(∅))
    ("Object", frozenset({(3, ()), (1, (0, 0))})),
    ("Tuple[Cell]", ((1, (0, 0)), (3, ()))),
    ("Objects", frozenset({frozenset({(3, ())}), frozenset({(1, (0, 0))})})),
    ("Tuple[Object]", (frozenset({(1, (0, 0))}), frozenset({(3, ())}))),
])
def test_the_empty_tuple_inside_a_row_is_overflow(dsl_type, value):
    """``()`` as a position (an empty patch's corner) fits no row: every converter reports
    overflow instead of raising (the JAX kernels set overflow for it too)."""
    assert types.from_python(dsl_type, value, Capacity())[1]


def test_sentinels_a_kernel_leaves_in_rows_convert_like_scalars():
    """A kernel can put ``None`` (``index`` outside the grid) or ``()`` (``ulcorner`` of an
    empty patch) into a tuple's rows (``apply`` of such a function): converting the rows
    back gives ``None`` / ``()`` as for a scalar, not the sentinel integers (fuzz probe,
    ``apply(fork(astuple, lbind(index, I), …), …)``)."""
    N, E = int(INT_NONE), int(INT_EMPTY)
    pairs = containers.Elems(np.array([[N, 1], [E, E], [3, 4], [0, 0]], np.int32), np.int32(3))
    assert types.TYPES["Tuple[IntegerTuple]"].to_py(pairs) == ((None, 1), (), (3, 4))
    cells = containers.Elems(np.array([[N, 1, 2], [5, E, E], [3, 4, 5]], np.int32), np.int32(3))
    assert types.TYPES["Tuple[Cell]"].to_py(cells) == ((None, (1, 2)), (5, ()), (3, (4, 5)))
    assert types.TYPES["Cell"].to_py(np.array([N, 1, 2], np.int32)) == (None, (1, 2))
    assert types.TYPES["Cell"].to_py(np.array([7, 1, 2], np.int32)) == (7, (1, 2))
    plain = containers.Elems(np.array([[2, 1], [3, 4]], np.int32), np.int32(2))
    assert types.TYPES["Tuple[IntegerTuple]"].to_py(plain) == ((2, 1), (3, 4))


def test_registry_reports_results_leaving_the_window():
    """shift / recolor / upscale results beyond the window set overflow through the registry
    wrapper (the families need no check of their own)."""
    caps = Capacity()
    lo, hi = POSITION_WINDOW

    def run(name, params, *args):
        (sig,) = [s for s in prims.REGISTRY[name] if s.params == params]
        built = [types.from_python(t, a, caps)[0] for t, a in zip(params, args)]
        return jax.jit(prims.bind_caps(sig.impl, caps))(*built)

    _, ok, ovf = run("shift", ("Indices", "IntegerTuple"), frozenset({(0, 0), (5, 5)}), (hi - 3, 0))
    assert bool(ok) and bool(ovf)
    _, ok, ovf = run("shift", ("Indices", "IntegerTuple"), frozenset({(0, 0), (5, 5)}), (hi - 6, lo))
    assert bool(ok) and not bool(ovf)
    _, ok, ovf = run("recolor", ("Integer", "Indices"), COLOUR_WINDOW[1], frozenset({(0, 0)}))
    assert bool(ok) and bool(ovf)
    _, ok, ovf = run("upscale", ("Object", "Integer"), frozenset({(1, (0, 0)), (1, (30, 30))}), 40)
    assert bool(ok) and bool(ovf)


def test_type_table_is_consistent():
    """Every registry type has a table entry; containers name existing element types; the
    classes and row widths agree."""
    used = {t for sigs in prims.REGISTRY.values() for s in sigs for t in (*s.params, s.result)}
    assert used <= set(types.TYPES), used - set(types.TYPES)
    for name, t in types.TYPES.items():
        assert t.element is None or t.element in types.TYPES, name
        assert (t.row_width is not None) == (t.jax_class in (containers.Elems, containers.Grouped)), name
        assert t.kind in ("scalar", "grid", "frozenset", "tuple"), name
    for frozen, as_tuple in types.AS_TUPLE.items():
        assert types.TYPES[frozen].frozen and not types.TYPES[as_tuple].frozen
        assert types.TYPES[frozen].element == types.TYPES[as_tuple].element


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 64, 1024])
def test_search_sorted_matches_numpy_under_jit_and_vmap(n, side):
    """:func:`containers.search_sorted` gives ``np.searchsorted``'s positions on ascending
    keys with repeats, queries below, between, on and above them; vmapped over a batch of
    different key arrays, as the kernels call it."""
    rng = np.random.default_rng(n)
    keys = np.sort(rng.integers(-5, 20, (6, n)), axis=1).astype(np.int32)
    queries = rng.integers(-8, 25, (6, 40)).astype(np.int32)
    queries[:, :3] = keys[:, :1]          # on the first key (repeats included)
    got = jax.jit(jax.vmap(lambda k, q: containers.search_sorted(k, q, side)))(keys, queries)
    want = np.stack([np.searchsorted(k, q, side) for k, q in zip(keys, queries)])
    chex.assert_trees_all_equal(np.asarray(got), want.astype(np.int32))


def _element(F: int):
    """One container element of row width F, sometimes outside the window or malformed."""
    coord = st.integers(-70, 70)
    if F == 1:
        return st.one_of(st.integers(-5, 40), st.just(None), st.just(1 << 40))
    if F == 2:
        return st.one_of(st.tuples(coord, coord), st.just(()), st.just((None, 1)))
    return st.one_of(st.tuples(st.integers(-2, 12), st.tuples(coord, coord)), st.just((3, (2, None))))


@pytest.mark.parametrize("F", [1, 2, 3])
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_rows_of_groups_equals_one_conversion_per_group(F, data):
    """``_rows_of_groups`` (all inner sets in one array) gives each group's
    ``_rows_array`` — canonical rows, or None where an element cannot be stored — and
    raises TypeError where it does."""
    groups = data.draw(st.lists(st.frozensets(_element(F), max_size=6), max_size=5))
    try:
        want = [containers._rows_array(F, True, g) for g in groups]
    except TypeError:
        with pytest.raises(TypeError):
            containers._rows_of_groups(F, groups)
        return
    got = containers._rows_of_groups(F, groups)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert (g is None) == (w is None)
        if w is not None:
            np.testing.assert_array_equal(g, w)
            assert g.dtype == w.dtype and g.shape == w.shape
