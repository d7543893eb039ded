"""Every JAX signature on the ARC-AGI-1 grids (the sweep of :mod:`jaxdsl.derive`): a third
of the grids per signature in the default suite, every grid with ``-m slow``.

The family tests (``test_prims_<family>.py``) check each primitive on targeted cases:
raising inputs, overflow, ties, negative coordinates, a sample of the real fixtures. This
module adds the breadth: for each of the registry's signatures that takes a grid, patch
or container (every signature but the scalar ones), one case derived from
each of the 6,836 distinct grids of ARC-AGI-1 (and the generated edge grids), compared
with the reference under ``jit(vmap)`` — values, ``ok`` and ``overflow`` — at the run
capacities.
"""

from __future__ import annotations

import collections
import functools

import jax
import numpy as np
import pytest

from jaxdsl.config import load_config
from jaxdsl.derive import arc1_grids, pools, sweep_cases, sweep_columns, sweep_grids
from jaxdsl.prims import REGISTRY
from jaxdsl.types import from_python
from tests.equivalence import PRODUCTION_XLA, check_stacked, stack

SCALARS = {"Integer", "Boolean", "IntegerTuple", "Cell"}
"""Types not derived from a grid: signatures taking only these (``add``, ``astuple``, …)
gain nothing from the sweep and are covered by ``test_prims_numeric.py``."""

RUN_CAPACITY = load_config().capacity
"""The capacities evaluate runs with (``configs/default.json``)."""

_SIGNATURES = [(name, sig) for name, sigs in sorted(REGISTRY.items()) for sig in sigs
               if not set(sig.params) <= SCALARS]


@functools.lru_cache(maxsize=None)
def _pool_column(dsl_type: str, variant: int):
    """One pool variant (:func:`jaxdsl.derive.pools`) converted at :data:`RUN_CAPACITY`,
    once per test process: ``(stacked, fits)``, the host JAX values stacked along axis 0
    (a value that does not fit is replaced by the first one that does) and a ``bool[N]``
    mask of the values that fit. Many signatures share a column, so the sweep converts
    each Python value once instead of once per signature."""
    converted = [from_python(dsl_type, v, RUN_CAPACITY) for v in pools()[dsl_type][variant]]
    fits = np.array([not overflow for _, overflow in converted])
    filler = converted[int(np.argmax(fits))][0]
    values = [v if ok else filler for (v, _), ok in zip(converted, fits)]
    return stack(values), fits


SWEEP_STRIDE = 3
"""The default suite's sweep gives most signatures a third of the sweep grids (the grids
``k`` with ``k % SWEEP_STRIDE`` equal to the signature's part, :func:`_parts`): every
pool value is still compared by signatures of every part, in a third of the time (CI on
2 cores). ``-m slow`` runs every signature on every grid."""


@functools.lru_cache(maxsize=None)
def _parts() -> tuple:
    """The part of each signature of ``_SIGNATURES`` (None: all grids). A signature that
    reads a pool column (:func:`jaxdsl.derive.sweep_columns`) fewer than
    :data:`SWEEP_STRIDE` signatures read takes every grid; the others take, in turn, the
    part that covers the most (column, part) pairs not yet covered."""
    columns = [set(sweep_columns(sig.params)) for _, sig in _SIGNATURES]
    uses = collections.Counter(c for cols in columns for c in cols)
    covered: set = set()
    parts = []
    for i, cols in enumerate(columns):
        if any(uses[c] < SWEEP_STRIDE for c in cols):
            parts.append(None)
            continue
        part = max(range(SWEEP_STRIDE), key=lambda p: (sum((c, p) not in covered for c in cols),
                                                         -((i - p) % SWEEP_STRIDE)))
        covered |= {(c, part) for c in cols}
        parts.append(part)
    return tuple(parts)


def _sweep(name, sig, part: int, stride: int) -> None:
    """Equivalence of ``sig`` on the sweep cases ``part, part + stride, …`` whose arguments
    fit :data:`RUN_CAPACITY` (pre-converted pool columns, :func:`_pool_column`); at least
    half of them must fit (most do)."""
    cases = sweep_cases(sig.params)
    assert len(cases) == len(sweep_grids())
    columns = [_pool_column(t, v) for t, v in sweep_columns(sig.params)]
    chosen = np.arange(part, len(cases), stride)
    keep = chosen[np.logical_and.reduce([fits[chosen] for _, fits in columns])]
    stacked = [jax.tree_util.tree_map(lambda x: x[keep], values) for values, _ in columns]
    check_stacked(name, sig, [cases[k] for k in keep], stacked, capacity=RUN_CAPACITY, unbatched=0,
                  min_cases=len(chosen) // 2, xla_options=PRODUCTION_XLA)


_IDS = [f"{n}{list(s.params)}" for n, s in _SIGNATURES]


@pytest.mark.parametrize("i", range(len(_SIGNATURES)), ids=_IDS)
def test_arc1_grids_sampled(i):
    """Equivalence at the run capacities of ``configs/default.json`` (the family tests use
    the larger ``Capacity()`` defaults) on the signature's part of the sweep grids."""
    name, sig = _SIGNATURES[i]
    part = _parts()[i]
    _sweep(name, sig, part or 0, 1 if part is None else SWEEP_STRIDE)


@pytest.mark.slow
@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=_IDS)
def test_every_arc1_grid(name, sig):
    """Equivalence on one case per sweep grid (every ARC-AGI-1 grid and the edge grids)."""
    _sweep(name, sig, 0, 1)


def test_sampled_sweep_reads_every_pool_value():
    """Every value of every pool column that the sweep reads is an argument of some
    signature in the sampled sweep, and only a few signatures take every grid."""
    parts = _parts()
    seen: dict = collections.defaultdict(set)
    for (_, sig), part in zip(_SIGNATURES, parts):
        for column in sweep_columns(sig.params):
            seen[column] |= set(range(SWEEP_STRIDE)) if part is None else {part}
    missing = {c: sorted(set(range(SWEEP_STRIDE)) - p) for c, p in seen.items() if p != set(range(SWEEP_STRIDE))}
    assert not missing, missing
    assert sum(p is None for p in parts) <= len(parts) // 10, parts


def test_pools_hold_the_values_real_programs_make_and_segmentation_does_not():
    """The pools hold values no grid's segmentation yields but real programs build: the
    empty tuple ``()`` as an IntegerTuple (a corner of an empty patch; the long fuzz run's
    second disagreement, ``height(())``) and an empty inner set in every container of
    Objects / Indices (what ``apply`` of a function returning an empty patch builds)."""
    table = pools()
    assert sum(v == () for v in table["IntegerTuple"][0]) >= len(sweep_grids()) // 20
    for t in ("Objects", "IndicesSet", "Tuple[Object]", "Tuple[Indices]"):
        assert sum(frozenset() in v for v in table[t][1]) >= len(sweep_grids()) // 20, t


def test_pools_cover_every_type_and_grid():
    """Every parameter type of the registry has a pool, one value per sweep grid, and the
    sweep grids start with every ARC-AGI-1 grid."""
    table = pools()
    types = {t for _, s in _SIGNATURES for t in s.params}
    assert types <= set(table), types - set(table)
    assert sweep_grids()[:len(arc1_grids())] == arc1_grids()
    for t, variants in table.items():
        assert all(len(v) == len(sweep_grids()) for v in variants), t
