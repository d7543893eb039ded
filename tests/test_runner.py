"""The runner end to end: backends agree, devices agree, files and errors are right."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jaxdsl import data, report, runner
from jaxdsl.config import DEFAULTS, Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]
FAST_TASKS = ["007bbfb7", "3c9b0459", "6150a2bd", "68b16354", "a416b8f3", "c8f0f002", "d511f180",
              "25ff71a9", "0520fde7", "6d0aefbc"]


def evaluate(tmp: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "jaxdsl.evaluate", "--noprogress", "--out", str(tmp), *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "JAXDSL_CACHE_DIR": str(tmp / "cache"), **(env or {})})


@pytest.fixture(scope="module")
def fast_tasks():
    tasks = data.load_tasks("arc1")
    return [t for t in tasks if t.id in FAST_TASKS]


def run_both(programs, tasks):
    batch = data.samples(tasks)
    config = Config().with_overrides(batch_size=64)
    jax_result = runner.run_jax(programs, batch, config)
    ref_result = runner.run_reference(programs, batch)
    return jax_result, ref_result


def test_jax_and_reference_results_identical_on_task_subset(fast_tasks):
    programs = runner.load_programs(runner.shipped_program_files())
    assert programs, "no shipped programs"
    jax_result, ref_result = run_both(programs, fast_tasks)
    assert report.results_json(jax_result, "x") == report.results_json(ref_result, "x")
    assert report.submission_json(jax_result) == report.submission_json(ref_result)


@pytest.mark.slow
def test_jax_and_reference_results_identical_on_all_of_arc1():
    programs = runner.load_programs(runner.shipped_program_files())
    jax_result, ref_result = run_both(programs, data.load_tasks("arc1"))
    assert report.results_json(jax_result, "x") == report.results_json(ref_result, "x")
    assert report.submission_json(jax_result) == report.submission_json(ref_result)


def test_fallback_resolves_overflow_exactly(fast_tasks):
    (program,) = runner.load_programs([ROOT / "tests" / "data" / "overflowing.py"])
    batch = data.samples(fast_tasks)
    config = Config().with_overrides(batch_size=64)
    exact = runner.run_jax([program], batch, config, fallback=True)
    marked = runner.run_jax([program], batch, config, fallback=False)
    ref = runner.run_reference([program], batch)
    (e,), (m,), (r,) = exact.runs, marked.runs, ref.runs
    assert m.overflow.any() and not e.overflow.any()
    assert m.op_overflows == int(m.overflow.sum())  # upscale overflows; its dependents inherit
    assert (e.jax_overflow == m.overflow).all()
    assert (e.ok == r.ok).all() and (e.match == r.match).all()
    assert not (m.ok & m.overflow).any() and not (m.match & m.overflow).any()


def test_submission_picks_demo_matching_programs():
    tasks = [t for t in data.load_tasks("arc1") if t.id == "68b16354"]
    src = ROOT / "tests" / "data" / "mirrors.py"
    programs = runner.load_programs([src])
    result = runner.run_reference(programs, data.samples(tasks))
    submission, solved = report.submission_json(result)
    assert solved == ["68b16354"]
    expected = [list(r) for r in tasks[0].tests[0].output]
    assert submission["68b16354"] == [{"attempt_1": expected, "attempt_2": expected}]


SMALL_PROGRAMS = ["--programs", "tests/data/mirrors.py", "--programs", "tests/data/overflowing.py",
                  "--programs", "tests/data/objects.py"]


def test_cli_devices_4_equals_devices_1_and_cache_warms(tmp_path):
    tasks = ",".join(FAST_TASKS)
    one = evaluate(tmp_path / "d1", "--tasks", tasks, "--batch_size", "64", *SMALL_PROGRAMS)
    assert one.returncode == 0, one.stderr
    four = evaluate(tmp_path / "d4", "--tasks", tasks, "--batch_size", "64", "--devices", "4", *SMALL_PROGRAMS)
    assert four.returncode == 0, four.stderr
    assert "on 4 device(s)" in four.stdout and "tasks solved" in four.stdout
    r1 = json.loads((tmp_path / "d1" / "results.json").read_text())
    r4 = json.loads((tmp_path / "d4" / "results.json").read_text())
    assert r1 == r4
    again = evaluate(tmp_path / "d1", "--tasks", tasks, "--batch_size", "64", *SMALL_PROGRAMS)
    assert "persistent cache warm" in again.stdout, again.stdout
    sub = json.loads((tmp_path / "d1" / "submission.json").read_text())
    assert set(sub) == set(FAST_TASKS)


def test_compile_then_evaluate_starts_warm(tmp_path):
    env = {**os.environ, "JAXDSL_CACHE_DIR": str(tmp_path / "cache")}
    prog = str(ROOT / "tests" / "data" / "mirrors.py")
    built = subprocess.run([sys.executable, "-m", "jaxdsl.compile", "--programs", prog, "--batch_size", "64"],
                           capture_output=True, text=True, cwd=ROOT, env=env)
    assert built.returncode == 0, built.stderr
    assert "new entries" in built.stdout
    run = evaluate(tmp_path, "--programs", prog, "--tasks", "68b16354", "--batch_size", "64")
    assert run.returncode == 0, run.stderr
    assert "persistent cache warm" in run.stdout, run.stdout


@pytest.mark.parametrize("args,message", [
    (["--programs", "tests/data/bad_program.py"], "tests/data/bad_program.py:5: unknown name 'frobnicate'"),
    (["--programs", "tests/data/needs_higher_order.py"], "primitives not yet available in JAX"),
    (["--data", "arc9"], "unknown dataset 'arc9'"),
    (["--tasks", "nope0000"], "unknown task id"),
    (["--devices", "2", "--programs", "tests/data/mirrors.py", "--tasks", "68b16354",
      "--config", "tests/data/bad_config.json"], "bad_config.json: unknown config key"),
])
def test_cli_errors_are_clear(tmp_path, args, message):
    proc = evaluate(tmp_path, *args)
    assert proc.returncode == 2
    assert message in proc.stderr, proc.stderr


def test_skip_unsupported_runs_the_rest(tmp_path):
    proc = evaluate(tmp_path, "--programs", "tests/data/needs_higher_order.py", "--programs", "tests/data/mirrors.py",
                    "--tasks", "68b16354", "--skip_unsupported")
    assert proc.returncode == 0, proc.stderr
    assert "warning: skipping" in proc.stderr and "tasks solved: 1/1" in proc.stdout


def test_reference_backend_cli(tmp_path):
    proc = evaluate(tmp_path, "--backend", "reference", "--programs", "tests/data/mirrors.py", "--tasks", "68b16354")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["backend"] == "reference" and summary["solved"] == ["68b16354"]


def test_default_config_file_matches_builtin_defaults():
    assert json.loads((ROOT / "configs" / "default.json").read_text()) == DEFAULTS
    assert load_config(ROOT / "configs" / "default.json") == Config()


@pytest.mark.parametrize("content,message", [
    ("{", "invalid JSON"), ('{"grid": [10, 10]}', "at least [30, 30]"), ('{"batch_size": 0}', "positive integer"),
    ('{"segment_size": -1}', "non-negative"), ('{"colour": 1}', "unknown config key"),
])
def test_bad_config(tmp_path, content, message):
    f = tmp_path / "c.json"
    f.write_text(content)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")) as err:
        load_config(f)
    assert str(f) in str(err.value)
