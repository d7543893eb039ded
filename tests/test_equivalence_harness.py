"""The equivalence harness checks itself: the batched container-layout check that the
sweep uses (``equivalence._layout_errors``) gives the same verdict and message as the
plain per-value statement of the invariants (``equivalence._layout_error``) on real
values and on values corrupted in every way the invariants forbid."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import jax
import numpy as np
import pytest

from jaxdsl import types as T
from jaxdsl.derive import pools
from jaxdsl.values import Capacity
from tests.equivalence import _layout_error, _layout_errors, stack

CAPACITY = Capacity(patch=64, objects=8, object_cells=96, tuple=16)
"""Small capacities: the real values below fit them often, and corrupted rows land in
the padding often."""

ROW_TYPES = [n for n, t in T.TYPES.items() if t.row_width is not None]


def _real_values(dsl_type: str, count: int = 120) -> list:
    """Host JAX values of ``dsl_type`` converted from the sweep pools (those that fit)."""
    out = []
    for variant in pools()[dsl_type]:
        for v in variant[::37]:
            value, overflow = T.from_python(dsl_type, v, CAPACITY)
            if not overflow:
                out.append(jax.tree_util.tree_map(np.asarray, value))
            if len(out) >= count:
                return out
    return out


def _corrupt(dsl_type: str, value, rng: random.Random):
    """A copy of ``value`` with one random invariant broken (or, rarely, left intact)."""
    fields = {k: np.array(v) for k, v in value._asdict().items()}
    data = fields["data"].reshape(fields["data"].shape[0], -1)
    grouped = "group" in fields
    used = int(fields["sizes"].sum()) if grouped else int(fields["n"])
    kind = rng.choice(["swap", "pad", "window", "dup"] + (["sizes", "group", "sets"] if grouped else []))
    if kind == "swap" and used >= 2:                        # two rows out of order
        a, b = rng.sample(range(used), 2)
        data[[a, b]] = data[[b, a]]
    elif kind == "pad" and used < len(data):                # a non-zero padding row
        data[rng.randrange(used, len(data)), rng.randrange(data.shape[1])] = 1
    elif kind == "window" and used:                         # a row outside the window
        data[rng.randrange(used), rng.randrange(data.shape[1])] = rng.choice([-1000, 1000, 99])
    elif kind == "dup" and used >= 2:                       # a repeated row
        k = rng.randrange(1, used)
        data[k] = data[k - 1]
    elif kind == "sizes":                                   # a size beyond n
        K = len(fields["sizes"])
        if int(fields["n"]) < K:
            fields["sizes"][rng.randrange(int(fields["n"]), K)] = 1
    elif kind == "group" and used:                          # a row assigned to another set
        fields["group"][rng.randrange(used)] += rng.choice([-1, 1])
    elif kind == "sets" and int(fields["n"]) >= 2:          # two inner sets out of order
        n, sizes, group = int(fields["n"]), fields["sizes"], fields["group"]
        g = rng.randrange(n - 1)
        starts = np.cumsum(sizes) - sizes
        a = data[starts[g]:starts[g] + sizes[g]].copy()
        b = data[starts[g + 1]:starts[g + 1] + sizes[g + 1]].copy()
        data[starts[g]:starts[g] + len(b)] = b
        data[starts[g] + len(b):starts[g] + len(b) + len(a)] = a
        sizes[g], sizes[g + 1] = len(b), len(a)
        group[starts[g]:starts[g] + len(b)] = g
        group[starts[g] + len(b):starts[g] + len(b) + len(a)] = g + 1
    fields["data"] = data.reshape(fields["data"].shape)
    return type(value)(**fields)


@pytest.mark.parametrize("dsl_type", ROW_TYPES)
def test_batched_layout_check_agrees_with_the_plain_one(dsl_type):
    rng = random.Random(f"layout:{dsl_type}")
    real = _real_values(dsl_type)
    assert len(real) >= 20, dsl_type
    values = real + [_corrupt(dsl_type, rng.choice(real), rng) for _ in range(6 * len(real))]
    stacked = stack(values)
    batched = _layout_errors(dsl_type, stacked)
    plain = [_layout_error(dsl_type, v) for v in values]
    assert batched == plain
    assert all(e is None for e in plain[:len(real)]), "a real value breaks the layout"
    kinds = {e for e in plain if e is not None}
    assert len(kinds) >= (2 if T.TYPES[dsl_type].frozen or dsl_type in T.GROUPED_TYPES else 1), kinds


def _compile_options_digest(xla_flags: str | None) -> str:
    """SHA-256 of the serialized XLA ``CompileOptions`` (every debug option) that a fresh
    process builds with ``XLA_FLAGS`` set to ``xla_flags`` (None: unset)."""
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    if xla_flags is not None:
        env["XLA_FLAGS"] = xla_flags
    probe = ("import hashlib; from jaxlib import _jax; "     # xla_client.CompileOptions, without JAX
             "print(hashlib.sha256(_jax.CompileOptions().SerializeAsString()).hexdigest())")
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                          check=True).stdout.strip()


def test_tests_compile_fast_and_the_sweep_with_xla_defaults():
    """``tests/conftest.py`` sets ``TEST_XLA_OPTIONS`` before JAX reads ``XLA_FLAGS`` (were
    they set too late, the suite would silently compile with the defaults and take longer),
    they change XLA's options, and :data:`tests.equivalence.PRODUCTION_XLA` — the sweep's
    compile options — restores exactly XLA's defaults (every debug option of a process
    given them as flags equals a process without flags); ``jax.jit`` accepts them as
    compile options."""
    from jax._src.lib import xla_client as xc

    from tests.conftest import TEST_XLA_OPTIONS, xla_flag
    from tests.equivalence import PRODUCTION_XLA

    test_flags = " ".join(xla_flag(k, v) for k, v in TEST_XLA_OPTIONS.items())
    if not all(xla_flag(k, v) in os.environ.get("XLA_FLAGS", "").split() for k, v in TEST_XLA_OPTIONS.items()):
        pytest.skip("XLA_FLAGS gives its own values of the test options")
    here = xc.CompileOptions().executable_build_options.debug_options.xla_backend_optimization_level
    assert here == TEST_XLA_OPTIONS["xla_backend_optimization_level"]
    assert set(dict(PRODUCTION_XLA)) == set(TEST_XLA_OPTIONS)
    default = _compile_options_digest(None)
    assert _compile_options_digest(" ".join(xla_flag(k, v) for k, v in PRODUCTION_XLA)) == default
    for k, v in TEST_XLA_OPTIONS.items():    # each test option is a real change
        assert _compile_options_digest(xla_flag(k, v)) != default, k
    assert _compile_options_digest(test_flags) != default
    kernel = jax.jit(lambda x: (x * 3 + 1) % 7, compiler_options=dict(PRODUCTION_XLA))
    np.testing.assert_array_equal(kernel(np.arange(10)), (np.arange(10) * 3 + 1) % 7)
