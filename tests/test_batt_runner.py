"""Batts end to end: generated batts run on both backends with identical results, each
embedded solver agrees with the same solver run as a separate program, and the CLIs
write the result files (jaxdsl.batt_runner, jaxdsl.evaluate --batt, jaxdsl.compile --batt)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from functools import lru_cache

import numpy as np
import pytest

from compiler.batt import parse_batt_source
from compiler.ir import Var
from jaxdsl import batt_runner, card, report, runner
from jaxdsl.config import Config
from jaxdsl.data import load_tasks, samples, select_tasks

SOLVERS = ["solve_6d0aefbc", "solve_a740d043", "solve_b94a9452", "solve_3c9b0459"]
"""Four shipped solvers; one of them (a740d043) fails on some foreign inputs."""
TASKS = ["6d0aefbc", "a740d043", "b94a9452", "3c9b0459", "28e73c20"]


@lru_cache(maxsize=None)
def _programs():
    by_name = {p.name: p for p in runner.load_programs(runner.shipped_program_files())}
    return [by_name[n] for n in SOLVERS]


@lru_cache(maxsize=None)
def _samples():
    return samples(select_tasks(load_tasks("arc1"), TASKS))


@lru_cache(maxsize=None)
def _batt_text(mutation_rate: float, safe: bool = True) -> str:
    differs = card.load_files(card.default_differ_files())
    text, _ = card.build_batt(_programs(), differs, count=0, seed=3, mutation_rate=mutation_rate, safe=safe)
    return text


def _batt(mutation_rate: float):
    return parse_batt_source(_batt_text(mutation_rate), "generated.py")


def _config():
    return Config().with_overrides(batch_size=64, segment_size=1)


def _same(a, b) -> None:
    assert [r.name for r in a.runs] == [r.name for r in b.runs]
    for x, y in zip(a.runs, b.runs):
        np.testing.assert_array_equal(x.ok, y.ok, err_msg=x.name)
        np.testing.assert_array_equal(x.match, y.match, err_msg=x.name)
        np.testing.assert_array_equal(x.overflow, y.overflow, err_msg=x.name)
        assert x.outputs == y.outputs, x.name
    assert [s.name for s in a.scores] == [s.name for s in b.scores]
    for x, y in zip(a.scores, b.scores):
        np.testing.assert_array_equal(x.ok, y.ok, err_msg=x.name)
        np.testing.assert_array_equal(x.valid, y.valid, err_msg=x.name)
        np.testing.assert_array_equal(x.value, y.value, err_msg=x.name)
    assert report.results_json(a, "d") == report.results_json(b, "d")
    assert report.submission_json(a) == report.submission_json(b)


@pytest.mark.parametrize("on_error", ["poison", "default"])
@pytest.mark.parametrize("mutation_rate", [0.0, 0.3])
def test_jax_and_reference_agree_on_generated_batts(on_error, mutation_rate):
    batt = _batt(mutation_rate)
    if mutation_rate:
        assert any(c.mutated for c in batt.candidates), "the mutated batt should mutate something"
    ref = batt_runner.run_batts_reference([batt], _samples(), on_error)
    jx = batt_runner.run_batts_jax([batt], _samples(), _config(), on_error=on_error)
    _same(ref, jx)
    assert sum(int(np.sum(r.match)) for r in ref.runs) > 0


@pytest.mark.parametrize("backend", ["reference", "jax"])
def test_each_solver_in_a_batt_equals_the_solver_run_alone(backend):
    """Unmutated batt under poison: per candidate, per sample, ok and match equal the
    standalone program's (CSE shares ops across solvers without changing results)."""
    batt = _batt(0.0)
    if backend == "reference":
        got = batt_runner.run_batts_reference([batt], _samples())
        alone = runner.run_reference(_programs(), _samples())
    else:
        got = batt_runner.run_batts_jax([batt], _samples(), _config())
        alone = runner.run_jax(_programs(), _samples(), _config())
    by_task = {p.task_id: r for p, r in zip(_programs(), alone.runs)}
    assert len(got.runs) == len(SOLVERS)
    for run in got.runs:
        ref = by_task[run.name]
        np.testing.assert_array_equal(run.ok, ref.ok, err_msg=run.name)
        np.testing.assert_array_equal(run.match, ref.match, err_msg=run.name)
        assert run.outputs == ref.outputs


def test_default_turns_failures_into_empty_values():
    """a740d043's solver fails on some inputs: not ok under poison, ok (an empty or real
    grid) under default, on both backends."""
    batt = _batt(0.0)
    poison = batt_runner.run_batts_reference([batt], _samples(), "poison")
    default = batt_runner.run_batts_reference([batt], _samples(), "default")
    k = [r.name for r in poison.runs].index("a740d043")
    failed = ~poison.runs[k].ok
    assert failed.any()
    assert default.runs[k].ok[failed].all()
    np.testing.assert_array_equal(default.runs[k].match, poison.runs[k].match)


def test_batt_tables_and_submission_ranking():
    batt = _batt(0.0)
    result = batt_runner.run_batts_reference([batt], _samples())
    extra, tables = batt_runner.batt_tables(result)
    solvers = {row["solver"]: row for row in extra["per_solver"]}
    for run in result.runs:
        assert solvers[run.name]["matched"] == int(np.sum(run.match))
        assert solvers[run.name]["o_score"] == 1000 * int(np.sum(run.match))
    differs = {row["differ"] for row in extra["per_differ"]}
    assert differs == {s.differ for s in batt.scores}
    cells = next(row for row in extra["per_differ"] if row["differ"] == "differ_cells")
    assert cells["mean_right"] == 1000.0 and cells["auc"] > 0.9
    assert set(tables) == {"per solver", "per differ"}
    # each solver solves its own task
    _, solved = report.submission_json(result)
    assert set(solved) >= {"6d0aefbc", "a740d043", "b94a9452", "3c9b0459"}


S_BATT = """from dsl import *
from constants import *

def batt(task_id, S, I, C, log_path):
    s = []
    o = []
    t1 = apply(first, S)
    t2 = apply(last, S)
    t3 = first(t2)
    t4 = size(S)
    t5 = last(S)
    t6 = first(t5)
    t7 = shape(t6)
    t8 = astuple(t4, ZERO)
    t9 = vmirror(I)
    t10 = equality(t9, C)
    t11 = increment(t4)
    t12 = astuple(t11, t4)
    o.append((3, False, 'first_demo_output', t3))
    o.append((9, False, 'mirror', t9))
    s.append((8, 'mirror', 'differ_demo_count', t8))
    s.append((7, 'None', 'differ_shape', t7))
    s.append((12, 'None', 'differ_count', t12))
    return o, s
"""


@pytest.mark.parametrize("on_error", ["poison", "default"])
def test_batt_reading_S_agrees_on_both_backends(on_error):
    """``S`` (the demo pairs) in JAX: apply(first/last, S), first/last/size of S."""
    batt = parse_batt_source(S_BATT, "reads_s.py")
    ref = batt_runner.run_batts_reference([batt], _samples(), on_error)
    jx = batt_runner.run_batts_jax([batt], _samples(), _config(), on_error=on_error)
    _same(ref, jx)
    first_demo = ref.runs[0]
    assert first_demo.ok.all() and first_demo.match.any()   # a demo sample's own pair: its output
    assert all(sr.valid.all() for sr in ref.scores)


NONE_SCORE_BATT = """from dsl import *
from constants import *

def batt(task_id, S, I, C, log_path):
    s = []
    o = []
    t1 = toivec(FIVE)
    t2 = index(I, t1)
    t3 = astuple(ZERO, t2)
    t4 = mostcolor(I)
    t5 = astuple(t4, ONE)
    t6 = equality(t4, ZERO)
    t7 = astuple(t6, t4)
    s.append((3, 'None', 'differ_row5', t3))
    s.append((5, 'None', 'differ_bg', t5))
    s.append((7, 'None', 'differ_flag', t7))
    return o, s
"""
"""``index`` outside the grid gives None, so ``t3`` is ``(0, None)`` on inputs of at most
five rows: no pair of ints, not a valid score (found on the full batt, session 9: JAX
reported ``[0, INT_NONE]``); ``t7`` holds a bool, no valid score either."""


@pytest.mark.parametrize("backend", ["reference", "jax"])
def test_a_score_with_a_none_component_is_not_valid(backend):
    batt = parse_batt_source(NONE_SCORE_BATT, "none_score.py")
    tasks = samples(select_tasks(load_tasks("arc1"), TASKS))
    short = np.array([len(s.input) <= 5 for s in tasks])
    assert short.any() and not short.all()
    if backend == "reference":
        got = batt_runner.run_batts_reference([batt], tasks, "poison")
    else:
        got = batt_runner.run_batts_jax([batt], tasks, _config(), on_error="poison")
    row5, bg, flag = got.scores
    np.testing.assert_array_equal(row5.ok, np.ones(len(tasks), bool))
    np.testing.assert_array_equal(row5.valid, ~short)
    np.testing.assert_array_equal(row5.value[short], 0)
    assert bg.valid.all()
    assert flag.ok.all() and not flag.valid.any()


def test_batt_with_an_untypable_op_on_S_is_rejected_by_jax_with_file_and_line():
    src = S_BATT.replace("t5 = last(S)", "t5 = merge(S)")
    batt = parse_batt_source(src, "merge_s.py")
    with pytest.raises(Exception, match=r"merge_s.py:11: .*merge\(Samples\)"):
        batt_runner.compile_batt(batt, _config())


def test_compile_cli_builds_the_kernels_of_a_batt_that_reads_S(tmp_path):
    """``compile --batt`` lowers the kernels that read ``S`` with its spec (it passed none
    and failed with KeyError 'S'), so that evaluate then starts warm without tracing."""
    path = tmp_path / "s_batt.py"
    path.write_text(S_BATT)
    env = {**os.environ, "JAXDSL_CACHE_DIR": str(tmp_path / "cache")}
    args = ["--batt", str(path), "--tasks", TASKS[0]]
    c = subprocess.run([sys.executable, "-m", "jaxdsl.compile", *args], capture_output=True, text=True, env=env)
    assert c.returncode == 0, c.stderr
    j = subprocess.run([sys.executable, "-m", "jaxdsl.evaluate", *args, "--noprogress", "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, env=env)
    assert j.returncode == 0, j.stderr
    assert "persistent cache warm" in j.stdout and " 0 traced)" in j.stdout, j.stdout


def test_evaluate_and_compile_cli_with_batt(tmp_path):
    path = tmp_path / "batt.py"
    path.write_text(_batt_text(0.0, safe=False))
    tasks = ",".join(TASKS[:3])
    common = [sys.executable, "-m", "jaxdsl.evaluate", "--batt", str(path), "--tasks", tasks, "--noprogress"]
    out_ref, out_jax = tmp_path / "ref", tmp_path / "jax"
    r = subprocess.run(common + ["--backend", "reference", "--out", str(out_ref)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "differ_cells" in r.stdout
    c = subprocess.run([sys.executable, "-m", "jaxdsl.compile", "--batt", str(path), "--tasks", tasks],
                       capture_output=True, text=True)
    assert c.returncode == 0, c.stderr
    assert "compiled 1 batts" in c.stdout
    j = subprocess.run(common + ["--out", str(out_jax)], capture_output=True, text=True)
    assert j.returncode == 0, j.stderr
    assert "persistent cache warm" in j.stdout
    for name in ("results.json", "submission.json"):
        assert (out_ref / name).read_text() == (out_jax / name).read_text()
    results = json.loads((out_jax / "results.json").read_text())
    assert results["candidates"] == sorted(p.task_id for p in _programs())   # card emits by name
    some_task = next(iter(results["tasks"].values()))
    assert len(some_task["scores"]) == 7 * (len(SOLVERS) + 1)
    assert (out_jax / "report.html").exists()
    bad = tmp_path / "bad.py"
    bad.write_text("def batt(task_id, S, I, C, log_path):\n    x = 1\n")
    r = subprocess.run([sys.executable, "-m", "jaxdsl.evaluate", "--batt", str(bad), "--noprogress"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and f"{bad}:2" in r.stderr and "Traceback" not in r.stderr


def test_sub_batt_is_the_backward_slice():
    batt = _batt(0.0)
    for entry in (batt.candidates[1], batt.scores[-1]):
        is_candidate = entry in batt.candidates
        sub = batt_runner.sub_batt(batt, candidates=(entry,) if is_candidate else (),
                                   scores=() if is_candidate else (entry,))
        targets = {op.target for op in sub.ops}
        assert sub.program.output == entry.var and entry.var in targets
        assert len(sub.ops) < len(batt.ops)
        for op in sub.ops:   # closed: every variable read is a parameter or defined in the slice
            for r in (op.callee, *op.args):
                assert not isinstance(r, Var) or r.name in targets | {"S", "I", "C"}
        assert [op.target for op in sub.ops] == [op.target for op in batt.ops if op.target in targets]
        for S, I, C in [(batt_runner.demos_as_S(s.demos), s.input, s.output) for s in _samples()[:4]]:
            whole = batt_runner.run_batt_reference(batt, S, I, C)
            part = batt_runner.run_batt_reference(sub, S, I, C)
            mine = (part.candidates or part.scores)[0]
            theirs = (whole.candidates[batt.candidates.index(entry)] if entry in batt.candidates
                      else whole.scores[batt.scores.index(entry)])
            assert mine == theirs


def test_entry_fallback_makes_small_capacities_exact(monkeypatch):
    """Tiny capacities make many entries overflow; the per-entry fallback still gives the
    reference's results, in this process and in two worker processes (started during the
    JAX run, two batts in one run), and without it the overflowed entries stay marked."""
    small = dataclasses.replace(_config(), capacity=_config().capacity._replace(patch=24, object_cells=48, objects=6,
                                                                                patch_limit=24))
    batt = _batt(0.0)
    ref = batt_runner.run_batts_reference([batt], _samples())
    bare = batt_runner.run_batts_jax([batt], _samples(), small, fallback=False)
    overflowed = sum(int(np.sum(r.overflow)) for r in bare.runs)
    assert overflowed > 0
    exact = batt_runner.run_batts_jax([batt], _samples(), small)
    _same(ref, exact)
    from jaxdsl import fallback

    monkeypatch.setattr(fallback, "MIN_PARALLEL", 1)
    both = [batt, _batt(0.3)]
    parallel = batt_runner.run_batts_jax(both, _samples(), small, fallback_workers=2)
    ref_both = batt_runner.run_batts_reference(both, _samples())
    second = parallel.runs[len(ref.runs):] + parallel.scores[len(ref.scores):]
    assert sum(int(np.sum(r.jax_overflow)) for r in second) > 0        # the second batt overflows too
    _same(ref_both, parallel)


TWIN_BATT = """def batt(task_id, S, I, C, log_path):
    o = []
    s = []
    t1 = hmirror(I)
    o.append((1, False, 'x', t1))
    t2 = astuple(ONE, TWO)
    s.append((2, 'x', 'differ_a', t2))
    t3 = vmirror(I)
    o.append((3, True, 'x', t3))
    t4 = astuple(FIVE, TWO)
    s.append((4, 'x', 'differ_a', t4))
    t5 = astuple(SEVEN, ZERO)
    s.append((5, 'None', 'differ_a', t5))
    return o, s
"""


def test_each_score_rates_the_candidate_above_it():
    """Two candidates of one solver id (an original and its mutation): each score ranks the
    last candidate of its site above it, not every candidate of that id; raw-input scores
    rank none."""
    batt = parse_batt_source(TWIN_BATT, "twin.py")
    result = batt_runner.run_batts_reference([batt], _samples()[:3])
    first, second = result.runs
    a, b, raw = result.scores
    assert a.candidate is first and b.candidate is second and raw.candidate is None
    np.testing.assert_array_equal(first.rank, [1, 1, 1])
    np.testing.assert_array_equal(second.rank, [5, 5, 5])
