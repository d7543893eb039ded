"""Table-driven equivalence harness: a JAX primitive against the reference DSL.

For one :class:`jaxdsl.prims.Signature` and a list of Python argument tuples:

1. the reference function runs on each tuple; an exception means ``ok = False``;
2. the arguments are converted to padded JAX values and stacked into one batch;
3. the JAX implementation runs under ``jax.jit(jax.vmap(impl))`` on the batch (in chunks) and
   under plain ``jax.jit(impl)`` on the first few cases;
4. per case, with ``fits`` meaning the reference result fits the capacity (container
   results must also keep the canonical layout of :mod:`jaxdsl.containers`):
   * reference raised      → JAX ``ok`` False and ``overflow`` False;
   * reference ok, fits    → JAX ``ok`` True, ``overflow`` False, equal values;
   * reference ok, no fit  → JAX ``overflow`` True.
   (A reference result equal to JAX's is known to fit without converting it.)

Cases whose *arguments* do not fit the capacity are skipped (they cannot be built).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import chex
import jax
import numpy as np

from jaxdsl import containers, reference, types
from jaxdsl.prims import Signature, bind_caps
from jaxdsl.types import from_python, to_python
from jaxdsl.values import Capacity

DEFAULT_CAPACITY = Capacity()
_NOT_SET = object()


def run_reference(fn: Callable, args: tuple) -> tuple[bool, Any]:
    """Call a reference primitive; returns ``(ok, value)`` with ``ok`` False if it raised."""
    try:
        return True, fn(*args)
    except Exception:  # noqa: BLE001 - any raise is "not ok" (spec: errors are data)
        return False, None


@functools.lru_cache(maxsize=1 << 15)
def _converted(ptype: str, arg: Any, capacity: Capacity) -> tuple[Any, bool]:
    """``from_python`` memoised by value: the same pool values (grids, objects, patches)
    are arguments of many cases and many signatures. (Values equal under ``==`` convert
    to equal arrays — ``True`` and ``1`` are both stored as 1 — so a shared entry is exact.)
    At most 32 k entries (a few hundred MB at the test capacities)."""
    return from_python(ptype, arg, capacity)


def stack(values: list) -> Any:
    """Host pytrees of one structure → one pytree of numpy arrays stacked along a new axis 0."""
    return jax.tree_util.tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs]), *values)


PRODUCTION_XLA = (("xla_backend_optimization_level", 3), ("xla_cpu_use_fusion_emitters", True))
"""Compile options of a kernel compiled as the runner compiles it: XLA's defaults for the
options that the test processes change (``tests/conftest.py``, ``TEST_XLA_OPTIONS``).
Passed as ``xla_options`` by the ARC-AGI-1 sweep."""


@functools.lru_cache(maxsize=None)
def _batched(impl: Callable, capacity: Capacity, xla_options: tuple = ()) -> Callable:
    """One ``jit(vmap(impl))`` per (implementation, capacity, XLA options), shared by every
    test of the worker: with the batch sizes bucketed (:func:`_bucket`), a signature's
    kernel compiles once per argument shape instead of once per call. ``xla_options``:
    ``(name, value)`` pairs of XLA compile options (e.g. :data:`PRODUCTION_XLA`)."""
    return jax.jit(jax.vmap(bind_caps(impl, capacity)), compiler_options=dict(xla_options) or None)


def _bucket(n: int, chunk: int) -> int:
    """Cases per call: the next power of two ≥ ``n`` (at least 8), at most ``chunk``."""
    return min(chunk, max(8, 1 << (n - 1).bit_length()))


def _run_batched(batched: Callable, args: tuple, n: int, chunk: int):
    """``batched`` (a ``jit(vmap)`` kernel) over ``args`` (host pytrees stacked along axis 0,
    ``n`` cases) in calls of a bucketed size (:func:`_bucket`; the last call padded with
    copies of case 0); returns host ``(values, oks, overflows)`` with ``n`` entries."""
    size = _bucket(n, chunk)

    def piece(x, s):     # cases s … s + size - 1; only the last call is padded (no copy of x)
        part = x[s:s + size]
        short = size - part.shape[0]
        return np.concatenate([part, np.repeat(x[:1], short, axis=0)]) if short else part

    parts = [jax.device_get(batched(*jax.tree_util.tree_map(lambda x: piece(x, s), args)))
             for s in range(0, n, size)]
    joined = jax.tree_util.tree_map(lambda *xs: np.concatenate([np.asarray(x) for x in xs])[:n],
                                    *parts)
    values, oks, overflows = joined
    return values, np.asarray(oks), np.asarray(overflows)


class _Where:
    """Names a case in an assertion message; the (long) argument repr is only built when
    a message is formatted, i.e. on failure."""

    def __init__(self, name: str, params: tuple, k: int, args: tuple):
        self.name, self.params, self.k, self.args = name, params, k, args

    def __str__(self) -> str:
        return f"{self.name}{self.params} on case {self.k}: args={_short(self.args)}"


def _same(a: Any, b: Any) -> bool:
    """Python ``==``, as the DSL's own ``equality`` (``True == 1``); ``None`` only equals ``None``."""
    return (a is None) == (b is None) and a == b


def check_equivalence(
    name: str,
    signature: Signature,
    cases: Sequence[tuple],
    capacity: Capacity = DEFAULT_CAPACITY,
    unbatched: int = 3,
    min_cases: int = 1,
    chunk: int = 1024,
    xla_options: tuple = (),
) -> dict:
    """Assert that ``signature.impl`` agrees with ``reference.PRIMITIVES[name]`` on ``cases``.

    Args:
      name: arc-dsl primitive name.
      signature: the JAX implementation and its static types.
      cases: Python argument tuples, one per case.
      capacity: capacities used to build the JAX arguments.
      unbatched: how many cases also run through ``jax.jit`` without ``vmap``.
      min_cases: fail if fewer cases than this could be built.
      chunk: largest number of cases per ``jit(vmap)`` call (bounds memory); calls take
        a power-of-two number of cases, so kernels are shared across tests.
      xla_options: the batched kernel's XLA compile options (:func:`_batched`), e.g.
        :data:`PRODUCTION_XLA` for a kernel whose run time the test options would make
        longer than its compile time saves.

    Returns:
      counts ``{"cases", "ref_raised", "overflow"}`` so that tests can assert that the
      interesting regions (raising inputs, overflowing results) were really exercised.

    Raises:
      AssertionError naming the primitive, signature and the first failing case.
    """
    built, kept = [], []
    for args in cases:
        if len(args) != len(signature.params):
            raise ValueError(f"{name}: case {args!r} has the wrong arity for {signature.params}")
        converted, fits = [], True
        for ptype, arg in zip(signature.params, args):
            value, overflow = _converted(ptype, arg, capacity)
            fits &= not overflow
            converted.append(value)
        if fits:
            built.append(tuple(converted))
            kept.append(args)
    stacked = stack([list(c) for c in built]) if built else None
    return check_stacked(name, signature, kept, stacked, capacity, unbatched, min_cases, chunk, xla_options)


def check_stacked(
    name: str,
    signature: Signature,
    cases: Sequence[tuple],
    stacked: Any,
    capacity: Capacity = DEFAULT_CAPACITY,
    unbatched: int = 3,
    min_cases: int = 1,
    chunk: int = 1024,
    xla_options: tuple = (),
) -> dict:
    """:func:`check_equivalence` on arguments already converted: ``stacked`` is the list of
    the signature's host JAX arguments, each stacked along axis 0 with one entry per case
    of ``cases`` (all of which fit ``capacity``). Same checks, returns and raises;
    ``xla_options`` are the batched kernel's compile options (:func:`_batched`)."""
    ref_fn = reference.PRIMITIVES[name]
    impl = bind_caps(signature.impl, capacity)
    kept = list(cases)
    assert len(kept) >= min_cases, f"{name}{signature.params}: only {len(kept)} usable cases"
    if not kept:
        return {"cases": 0, "ref_raised": 0, "overflow": 0}

    values, oks, overflows = _run_batched(_batched(signature.impl, capacity, xla_options), tuple(stacked), len(kept), chunk)
    chex.assert_shape(oks, (len(kept),))
    chex.assert_shape(overflows, (len(kept),))

    leaves, treedef = jax.tree_util.tree_flatten(values)
    layout = _layout_errors(signature.result, values)
    counts = {"cases": len(kept), "ref_raised": 0, "overflow": 0}
    for k, args in enumerate(kept):
        ref_ok, ref_value = run_reference(ref_fn, args)
        where = _Where(name, signature.params, k, args)
        if not ref_ok:
            counts["ref_raised"] += 1
            assert not oks[k] and not overflows[k], (
                f"{where}: reference raises but JAX gave ok={oks[k]} overflow={overflows[k]}")
            continue
        if oks[k] and not overflows[k]:
            got = to_python(signature.result, values, index=k)
            if _same(got, ref_value):   # equal to a JAX value, so the reference result fits
                assert layout[k] is None, f"{where}: {layout[k]}"
                continue
        _, ref_overflow = from_python(signature.result, ref_value, capacity)
        if ref_overflow:
            counts["overflow"] += 1
            assert overflows[k], f"{where}: result {_short(ref_value)} does not fit but no overflow"
            continue
        assert oks[k] and not overflows[k], (
            f"{where}: reference ok ({_short(ref_value)}) but JAX ok={oks[k]} overflow={overflows[k]}")
        raise AssertionError(f"{where}: JAX {_short(got)} != reference {_short(ref_value)}")

    single = jax.jit(impl)
    for k in range(min(unbatched, len(kept))):
        v, ok, ovf = single(*[jax.tree_util.tree_map(lambda a: a[k], x) for x in stacked])
        chex.assert_trees_all_equal(
            (jax.device_get(v), bool(ok), bool(ovf)),
            (treedef.unflatten([x[k] for x in leaves]), bool(oks[k]), bool(overflows[k])),
        )
    return counts


def _ascending(rows: np.ndarray) -> bool:
    """Consecutive rows of ``int[n, F]`` strictly ascending in lexicographic order."""
    if len(rows) < 2:
        return True
    diff = np.sign(rows[1:].astype(np.int64) - rows[:-1])
    first = np.argmax(diff != 0, axis=1)
    return bool(np.all(diff[np.arange(len(diff)), first] > 0))


def _layout_error(dsl_type: str, value: Any) -> str | None:
    """Check the container invariants of :mod:`jaxdsl.containers` on one host value.

    Frozensets: rows ``< n`` strictly ascending (canonical order, no duplicates). All row
    containers: rows ``≥ n`` zero, position / cell rows inside the window. Grouped: inner sets contiguous in order, each in canonical
    order, padding rows zero with ``group == K``, ``sizes`` consistent, and for frozensets of
    sets the inner sets strictly ascending. Returns a description of the first violation.
    (The plain statement of the invariants; :func:`_layout_errors` checks a batch at once
    and must agree with it.)
    """
    info = types.TYPES[dsl_type]
    if info.row_width is not None:
        data = np.asarray(value.data)
        rows = data[: int(value.n)] if dsl_type in types.ELEMS_TYPES else data[: int(np.sum(value.sizes))]
        if info.row_width > 1 and rows.size:
            low, high = containers.window_bounds(info.row_width)
            if np.any(rows < low) or np.any(rows >= high):
                return "a row lies outside the position / colour window"
    if dsl_type in types.ELEMS_TYPES:
        data, n = np.asarray(value.data), int(value.n)
        if np.any(data[n:] != 0):
            return "padding rows are not zero"
        if info.frozen and not _ascending(data[:n]):
            return "frozenset rows are not strictly ascending (canonical order)"
        return None
    if dsl_type in types.GROUPED_TYPES:
        data, group, n, sizes = (np.asarray(value.data), np.asarray(value.group), int(value.n),
                                 np.asarray(value.sizes))
        K = sizes.shape[0]
        total = int(sizes[:n].sum())
        if np.any(sizes[n:] != 0):
            return "sizes beyond n are not zero"
        expected_group = np.repeat(np.arange(n), sizes[:n])
        if not np.array_equal(group[:total], expected_group) or np.any(group[total:] != K):
            return "group indices are not contiguous and in order"
        if np.any(data[total:] != 0):
            return "padding rows are not zero"
        starts = np.cumsum(sizes[:n]) - sizes[:n]
        groups = [data[a:a + b] for a, b in zip(starts, sizes[:n])]
        if not all(_ascending(g) for g in groups):
            return "an inner set's rows are not strictly ascending"
        if info.frozen:
            keys = [g.tolist() for g in groups]
            if any(a >= b for a, b in zip(keys, keys[1:])):
                return "inner sets are not strictly ascending (canonical order)"
    return None


def _row_order(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``int[...]``: the sign of ``b - a`` in lexicographic order of rows ``int[..., F]``
    (1: a < b, 0: equal, -1: a > b)."""
    diff = np.sign(b.astype(np.int64) - a)
    first = np.argmax(diff != 0, axis=-1)
    return np.take_along_axis(diff, first[..., None], axis=-1)[..., 0]


def _layout_errors(dsl_type: str, values: Any) -> list[str | None]:
    """:func:`_layout_error` of every case of ``values`` (host arrays stacked along axis 0),
    computed on the whole batch at once; returns one message or None per case."""
    info = types.TYPES[dsl_type]
    if info.row_width is None:
        return [None] * len(jax.tree_util.tree_leaves(values)[0])
    full = np.asarray(values.data)
    N = full.shape[0]
    full = full.reshape(N, full.shape[1], -1)
    errors: list[str | None] = [None] * N

    def flag(bad: np.ndarray, message: str) -> None:
        for k in np.flatnonzero(bad):
            if errors[k] is None:
                errors[k] = message

    # Real values use few of their rows: the row checks look at the rows up to the most
    # any case uses (plus one), and the rest only has to be zero.
    n = np.asarray(values.n).astype(np.int64)
    grouped = dsl_type in types.GROUPED_TYPES
    if grouped:
        group, sizes = np.asarray(values.group).astype(np.int64), np.asarray(values.sizes).astype(np.int64)
        K = sizes.shape[1]
        live = np.arange(K)[None, :] < n[:, None]
        total = np.where(live, sizes, 0).sum(axis=1)
        used = np.maximum(total, sizes.sum(axis=1))
    else:
        used = n
    R = int(min(full.shape[1], max(int(used.max(initial=0)), 0) + 1))
    data = full[:, :R].astype(np.int64)
    tail_nonzero = np.any(full[:, R:].reshape(N, -1) != 0, axis=1)
    r = np.arange(R)[None, :]
    if grouped:
        group_tail, group = group[:, R:], group[:, :R]
        valid = r < total[:, None]
        in_window_rows = r < sizes.sum(axis=1)[:, None]
    else:
        valid = in_window_rows = r < n[:, None]
    if info.row_width > 1:
        low, high = containers.window_bounds(info.row_width)
        outside = np.any((data < low) | (data >= high), axis=2) & in_window_rows
        flag(outside.any(axis=1), "a row lies outside the position / colour window")
    pairs = valid[:, 1:]                                    # rows r, r + 1 both inside
    order = _row_order(data[:, :-1], data[:, 1:])           # int[N, R - 1]
    if not grouped:
        flag(np.any((data != 0) & ~valid[:, :, None], axis=(1, 2)) | tail_nonzero, "padding rows are not zero")
        if info.frozen:
            flag(np.any(pairs & (order <= 0), axis=1),
                 "frozenset rows are not strictly ascending (canonical order)")
        return errors

    flag(np.any(~live & (sizes != 0), axis=1), "sizes beyond n are not zero")
    in_range = np.where(valid, (group >= 0) & (group < n[:, None]), group == K).all(axis=1) & \
        (group_tail == K).all(axis=1)
    rising = ~pairs | (group[:, 1:] >= group[:, :-1])
    slot = np.where(valid, np.clip(group, 0, K - 1), K)     # rows beyond total counted in slot K
    counts = np.bincount((np.arange(N)[:, None] * (K + 1) + slot).ravel(),
                         minlength=N * (K + 1)).reshape(N, K + 1)[:, :K]
    flag(~in_range | ~rising.all(axis=1) | np.any(live & (counts != sizes), axis=1),
         "group indices are not contiguous and in order")
    flag(np.any((data != 0) & ~valid[:, :, None], axis=(1, 2)) | tail_nonzero, "padding rows are not zero")
    same_group = pairs & (group[:, 1:] == group[:, :-1])
    flag(np.any(same_group & (order <= 0), axis=1), "an inner set's rows are not strictly ascending")
    if info.frozen:
        # Inner set g against g + 1 as lists of rows: the first differing row decides, else
        # the shorter one is smaller (equal sets are a violation).
        starts = np.cumsum(sizes, axis=1) - sizes
        cases, rows = np.nonzero(valid)
        g = np.clip(group[cases, rows], 0, K - 1)
        i = rows - starts[cases, g]
        nxt = np.minimum(g + 1, K - 1)
        paired = (g + 1 < n[cases]) & (i < sizes[cases, nxt])
        cases, rows, g, i, nxt = cases[paired], rows[paired], g[paired], i[paired], nxt[paired]
        cmp = _row_order(data[cases, rows], data[cases, np.minimum(starts[cases, nxt] + i, R - 1)])
        first = np.full((N, K), R, np.int64)                # first differing row index, per pair
        differs = cmp != 0
        np.minimum.at(first, (cases[differs], g[differs]), i[differs])
        sign = np.zeros((N, K), np.int64)
        hit = differs & (i == first[cases, g])
        sign[cases[hit], g[hit]] = cmp[hit]
        pair_live = np.arange(K)[None, :] + 1 < n[:, None]
        longer = np.roll(sizes, -1, axis=1) > sizes         # no difference: the shorter is smaller
        ascending = np.where(first < R, sign > 0, longer)
        flag(np.any(pair_live & ~ascending, axis=1), "inner sets are not strictly ascending (canonical order)")
    return errors


def _short(x: Any, limit: int = 300) -> str:
    text = repr(x)
    return text if len(text) <= limit else text[:limit] + "…"
