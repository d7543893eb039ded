"""Every JAX signature on every ARC-AGI-1 grid (the sweep of :mod:`jaxdsl.derive`).

The family tests (``test_prims_<family>.py``) check each primitive on targeted cases:
raising inputs, overflow, ties, negative coordinates, a sample of the real fixtures. This
module adds the breadth: for each of the registry's signatures that takes a grid, patch
or container (every signature but the scalar ones), one case derived from
each of the 6,836 distinct grids of ARC-AGI-1 (and the generated edge grids), compared
with the reference under ``jit(vmap)`` — values, ``ok`` and ``overflow`` — at the run
capacities.
"""

from __future__ import annotations

import pytest

from jaxdsl.config import load_config
from jaxdsl.derive import arc1_grids, pools, sweep_cases, sweep_grids
from jaxdsl.prims import REGISTRY
from tests.equivalence import check_equivalence

SCALARS = {"Integer", "Boolean", "IntegerTuple", "Cell"}
"""Types not derived from a grid: signatures taking only these (``add``, ``astuple``, …)
gain nothing from the sweep and are covered by ``test_prims_numeric.py``."""

RUN_CAPACITY = load_config().capacity
"""The capacities evaluate runs with (``configs/default.json``)."""

_SIGNATURES = [(name, sig) for name, sigs in sorted(REGISTRY.items()) for sig in sigs
               if not set(sig.params) <= SCALARS]


@pytest.mark.parametrize("name,sig", _SIGNATURES, ids=[f"{n}{list(s.params)}" for n, s in _SIGNATURES])
def test_every_arc1_grid(name, sig):
    """Equivalence on one case per grid at the run capacities of ``configs/default.json``
    (the family tests use the larger ``Capacity()`` defaults); at least half of the grids
    must give arguments that fit (most give all)."""
    cases = sweep_cases(sig.params)
    assert len(cases) == len(sweep_grids())
    check_equivalence(name, sig, cases, capacity=RUN_CAPACITY, unbatched=0, min_cases=len(cases) // 2)


def test_pools_cover_every_type_and_grid():
    """Every parameter type of the registry has a pool, one value per sweep grid, and the
    sweep grids start with every ARC-AGI-1 grid."""
    table = pools()
    types = {t for _, s in _SIGNATURES for t in s.params}
    assert types <= set(table), types - set(table)
    assert sweep_grids()[:len(arc1_grids())] == arc1_grids()
    for t, variants in table.items():
        assert all(len(v) == len(sweep_grids()) for v in variants), t
