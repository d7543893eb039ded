"""Tests of the differential fuzzer :mod:`jaxdsl.fuzz` (and the regression cases it wrote
to ``tests/data/fuzz/``)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from compiler.infer import infer
from compiler.parse import parse_file, parse_source
from compiler.refexec import run_program
from jaxdsl import fuzz
from jaxdsl.types import GRID

REGRESSIONS = sorted((Path(__file__).parent / "data" / "fuzz").glob("*.py"))


@functools.lru_cache(maxsize=None)
def _pool() -> tuple:
    return tuple(fuzz.input_pool("arc1"))


def test_generator_is_deterministic_and_well_typed():
    a = fuzz.generate(seed=3, count=12, length_max=12)
    b = fuzz.generate(seed=3, count=12, length_max=12)
    assert [fuzz.program_source(p) for p in a] == [fuzz.program_source(p) for p in b]
    assert fuzz.generate(seed=4, count=12, length_max=12) != a
    for p in a:
        assert p.name.startswith("solve_fuzz_3_") and 1 <= len(p.ops) <= 12
        assert infer(p).output_type == GRID
        # the source round-trips through the parser
        (q,) = parse_source("from dsl import *\nfrom constants import *\n\n" + fuzz.program_source(p))
        assert [(o.target, o.callee, o.args) for o in q.ops] == [(o.target, o.callee, o.args) for o in p.ops]


def test_generator_uses_higher_order_primitives():
    programs = fuzz.generate(seed=0, count=40, length_max=20)
    used = set().union(*(p.primitives() for p in programs))
    assert used & {"apply", "mapply", "sfilter", "mfilter", "extract", "argmax", "argmin", "order"}
    assert used & {"rbind", "lbind", "compose", "fork"}


SEED_1_HEAD_SHA1 = "a65ef9d4ef5788807f1b1472f4ef5ad538a450e1"
"""sha1 of the source of programs 0..299 of seed 1 (profile ``solvers``, length_max 40)."""


def test_solvers_profile_draws_the_programs_of_the_documented_long_run():
    """The long run in docs/benchmarks.md is seed 1 of the default profile, resumed across
    sessions: a change to its draw would silently change the programs a resumed run checks
    (new draws go behind a profile, as ``wide`` did)."""
    import hashlib

    source = "".join(fuzz.program_source(p) for p in fuzz.generate(seed=1, count=300, length_max=40))
    assert hashlib.sha1(source.encode()).hexdigest() == SEED_1_HEAD_SHA1


def test_wide_profile_reaches_every_primitive():
    """Profile ``wide`` draws every primitive the generator knows, those the shipped solvers
    never use included (``rapply`` over containers of functions, ``matcher``, ``chain``,
    ``power``, ``pair``), and names its programs apart from the default profile's."""
    from collections import Counter

    programs = fuzz.generate(seed=5, count=1000, length_max=40, profile="wide")
    used = Counter()
    for p in programs:
        used.update(p.primitives())
    names = fuzz._tables()["names"]
    assert len(names) == 160
    assert [n for n in names if not used[n]] == []
    assert all(p.name.startswith("solve_fuzz_wide_5_") for p in programs)
    rapply_args = {type(op.args[0]).__name__ for p in programs for op in p.ops if op.callee.name == "rapply"}
    assert rapply_args == {"Var"}  # always a container variable built in the program
    with pytest.raises(ValueError, match="profile must be one of solvers, wide"):
        fuzz.Generator(profile="flat")


def test_small_fuzz_run_agrees():
    summary = fuzz.fuzz(6, seed=0, pool=_pool(), length_max=8, n_samples=8, log=lambda s: None)
    assert summary.programs == 6
    assert summary.samples > 0 and summary.skipped < summary.programs
    assert not summary.findings, [fuzz.program_source(f.minimal) for f in summary.findings]


def test_small_wide_fuzz_run_agrees():
    summary = fuzz.fuzz(6, seed=0, pool=_pool(), length_max=8, n_samples=8, log=lambda s: None, profile="wide")
    assert summary.programs == 6 and summary.samples > 0
    assert not summary.findings, [fuzz.program_source(f.minimal) for f in summary.findings]


def test_samples_jax_overflowed_on_are_counted(monkeypatch):
    """``upscale(I, FIVE)`` needs 150 columns for a 30-wide grid, beyond its inferred
    capacity, and 15 for a 3-wide one: one of the two samples overflows, and the summary
    (and its state file) says so."""
    (program,) = parse_source("def solve_fuzz_up(I):\n    O = upscale(I, FIVE)\n    return O\n")
    monkeypatch.setattr(fuzz.Generator, "program", lambda self, seed, k: program)
    wide = next(g for g in _pool() if len(g[0]) == 30)
    small = next(g for g in _pool() if len(g[0]) == 3)
    summary = fuzz.fuzz(1, seed=0, pool=[wide, small], n_samples=2, log=lambda s: None)
    assert (summary.samples, summary.overflowed, summary.disagreements) == (2, 1, 0)


PLANTED = """
from dsl import *
from constants import *


def solve_planted(I):
    x1 = rot90(I)
    x2 = ofcolor(I, ZERO)
    x3 = vmirror(x1)
    x4 = fill(x3, ONE, x2)
    x5 = hconcat(x4, x1)
    O = vconcat(x5, x5)
    return O
"""


def test_shrinker_reduces_a_planted_disagreement(monkeypatch, tmp_path):
    from jaxdsl import reference

    (program,) = parse_source(PLANTED)
    grids = [g for g in _pool() if len(g) != len(g[0]) and len(g) <= 10 and len(g[0]) <= 10][:8]
    assert not fuzz.check_program(program, grids).bad
    monkeypatch.setitem(reference.PRIMITIVES, "vmirror", reference.PRIMITIVES["hmirror"])
    c = fuzz.check_program(program, grids)
    assert c.bad and not c.skipped
    minimal, grid, check = fuzz.shrink(program, grids[c.bad[0]], grids, batch=8)
    assert check.bad
    assert len(minimal.ops) <= 2 and minimal.ops[-1].callee.name == "vmirror"
    assert fuzz.fault(minimal) == "vmirror"
    path = tmp_path / "planted.py"
    path.write_text(fuzz.regression_text(minimal, grid, check, "planted"))
    (parsed,) = parse_file(path)
    assert [op.callee for op in parsed.ops] == [op.callee for op in minimal.ops]
    again, g = fuzz.read_regression(path)
    assert g == grid and fuzz.check_program(again, [g], 8).bad


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.stem for p in REGRESSIONS])
def test_regression_cases_agree(path):
    program, grid = fuzz.read_regression(path)
    c = fuzz.check_program(program, [grid])
    assert not c.bad, f"{path.name}: reference {c.ref[0].describe()}, jax {c.jax[0].describe()}"


@pytest.mark.slow
def test_longer_fuzz_run_agrees():
    summary = fuzz.fuzz(40, seed=11, pool=_pool(), length_max=20, n_samples=16, log=lambda s: None)
    assert summary.samples > 0
    assert not summary.findings, [fuzz.program_source(f.minimal) for f in summary.findings]


def test_chunked_run_resumes_to_the_same_counts(tmp_path):
    """A run stopped after a chunk and resumed gives the counts of one uninterrupted run."""
    settings = {"seed": 3, "length_max": 6, "samples": 4, "data": "arc1"}
    pool = _pool()
    whole = fuzz.fuzz(4, seed=3, pool=pool, length_max=6, n_samples=4, log=lambda s: None)
    saved = []
    state = tmp_path / fuzz.STATE_FILE

    def checkpoint(k, s):
        fuzz.save_state(state, settings, k, s)
        saved.append(k)

    fuzz.fuzz(2, seed=3, pool=pool, length_max=6, n_samples=4, log=lambda s: None, checkpoint=checkpoint, every=1)
    assert saved == [1, 2]
    start, summary = fuzz.load_state(state, settings)
    assert start == 2
    resumed = fuzz.fuzz(4, seed=3, pool=pool, length_max=6, n_samples=4, log=lambda s: None, start=start,
                        summary=summary)
    assert resumed.line() == whole.line()
    assert (resumed.programs, resumed.samples, resumed.overflowed) == (4, whole.samples, whole.overflowed)
    with pytest.raises(ValueError, match=r"--seed 3 \(now 4\)"):
        fuzz.load_state(state, {**settings, "seed": 4})
    with pytest.raises(ValueError, match=r"--profile 'solvers' \(now 'wide'\)"):
        fuzz.load_state(state, {**settings, "profile": "wide"})


def test_a_run_from_first_covers_the_rest_of_the_seed(tmp_path):
    """``--first`` splits one seed between runs: programs 0..1 and 2..3 together count as
    programs 0..3 in one run, and the state keeps where the second run began."""
    import json

    settings = {"seed": 3, "length_max": 6, "samples": 4, "data": "arc1"}
    pool = _pool()
    kw = dict(seed=3, pool=pool, length_max=6, n_samples=4, log=lambda s: None)
    whole = fuzz.fuzz(4, **kw)
    head = fuzz.fuzz(2, **kw)
    tail = fuzz.fuzz(4, start=2, summary=fuzz.Summary(first=2), **kw)
    assert (head.programs + tail.programs, head.samples + tail.samples) == (4, whole.samples)
    state = tmp_path / fuzz.STATE_FILE
    fuzz.save_state(state, settings, 4, tail)
    start, summary = fuzz.load_state(state, settings)
    assert (start, summary.first, summary.programs) == (4, 2, 2)
    # a state file written before the overflow count existed: the count is unknown
    doc = json.loads(state.read_text())
    del doc["samples_overflowed"]
    state.write_text(json.dumps(doc))
    assert fuzz.load_state(state, settings)[1].overflowed is None


# ------------------------------------------------------------------ hypothesis: generated grids

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def arc_grids(draw):
    """Grids as ARC has them: 1–12 × 1–12 cells over a palette of 1–4 of the 10 colours
    (few colours, so objects, partitions and colour counts have structure). Hypothesis
    shrinks a failing grid towards 1×1 and colour 0."""
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    palette = draw(st.lists(st.integers(0, 9), min_size=1, max_size=4, unique=True))
    cells = draw(st.lists(st.sampled_from(palette), min_size=h * w, max_size=h * w))
    return tuple(tuple(cells[r * w:(r + 1) * w]) for r in range(h))


HYPOTHESIS_PROGRAMS = [p for p in fuzz.generate(seed=21, count=120, length_max=12)
                       if len(p.ops) >= 5 and p.primitives() & {
                           "objects", "fgpartition", "partition", "apply", "mapply", "sfilter", "argmax",
                           "order", "ofcolor", "colorfilter"}
                       and run_program(p, ((1, 1, 0), (0, 2, 2), (3, 0, 1))).ok][:3]
"""Three fuzz programs of 5+ ops over objects, partitions, colour patches or maps that give a
value on a small grid."""


@pytest.mark.parametrize("index", range(len(HYPOTHESIS_PROGRAMS)))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=arc_grids())
def test_fuzz_programs_agree_on_generated_grids(index, grid):
    """Random programs on hypothesis-generated grids: both backends agree on every grid where
    JAX did not overflow (a failure is shrunk to a minimal grid and stored in .hypothesis/)."""
    program = HYPOTHESIS_PROGRAMS[index]
    c = fuzz.check_program(program, [grid], batch=1)
    if c.skipped:
        return
    assert not c.bad, (fuzz.program_source(program), c.ref[0].describe(), c.jax[0].describe())


def test_hypothesis_programs_exist():
    assert len(HYPOTHESIS_PROGRAMS) == 3


def test_dropping_the_kernel_caches_changes_no_result():
    """A long run drops its kernel caches when its memory grows (--max_rss_gb); the programs
    after that reload their kernels and give the same comparisons."""
    from compiler import lower

    before = fuzz.fuzz(3, seed=5, pool=_pool(), length_max=6, n_samples=4, log=lambda s: None)
    old = lower.DEFAULT_KERNELS
    fuzz.drop_kernel_caches()
    assert lower.DEFAULT_KERNELS is not old and len(lower.DEFAULT_KERNELS) == 0
    after = fuzz.fuzz(3, seed=5, pool=_pool(), length_max=6, n_samples=4, log=lambda s: None)
    assert after.line() == before.line() and after.samples > 0
    assert fuzz.resident_bytes() > 0


# ------------------------------------------------------------------ the command line


def _fuzz_cli(*args):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    return subprocess.run([sys.executable, "-m", "jaxdsl.fuzz", "--length_max", "4", "--samples", "4",
                           "--data", "arc1", "--chunk", "1", *args], capture_output=True, text=True, cwd=root)


def test_cli_runs_resumes_and_splits_a_seed(tmp_path):
    """``python -m jaxdsl.fuzz``: a run ends with its summary line and state; ``--resume``
    continues it; ``--first`` starts a second range of the same seed; a ``--first`` past
    ``--programs`` is a one-line error (exit 2)."""
    import json
    import re

    a = _fuzz_cli("--programs", "2", "--seed", "2", "--out", str(tmp_path / "a"))
    assert a.returncode == 0, a.stderr
    assert a.stdout.strip().splitlines()[-1].startswith("fuzz: 2 programs"), a.stdout
    assert re.search(r"^samples JAX overflowed on .*: \d+ of \d+ ", a.stdout, re.M), a.stdout
    more = _fuzz_cli("--programs", "3", "--seed", "2", "--out", str(tmp_path / "a"), "--resume")
    assert more.returncode == 0, more.stderr
    assert "resuming at program 2 of 3" in more.stdout and "fuzz: 3 programs" in more.stdout
    b = _fuzz_cli("--programs", "5", "--first", "3", "--seed", "2", "--out", str(tmp_path / "b"))
    assert b.returncode == 0, b.stderr
    state = json.loads((tmp_path / "b" / fuzz.STATE_FILE).read_text())
    assert (state["first"], state["next"], state["programs"]) == (3, 5, 2)
    bad = _fuzz_cli("--programs", "3", "--first", "3", "--out", str(tmp_path / "c"))
    assert bad.returncode == 2 and bad.stderr.strip() == "error: --first 3 leaves no program below --programs 3"
    assert not (tmp_path / "c").exists()
