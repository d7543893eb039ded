"""The ``python -m jaxdsl.evaluate`` command line: the flags tests/test_runner.py does not
reach, each on one or two small tasks, checking the return code, the printed summary and
the written files.

Every run uses :func:`tests.test_runner.evaluate` (its own ``--out`` directory under
``tmp_path``); the runs share the suite's compilation cache, except where a test checks
the cache's state (``--cache_dir``).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import jax
import pytest

from jaxdsl import data, runner
from tests.test_limits import LONG_POWER, UPSCALES
from tests.test_runner import evaluate

MIRRORS = ["--programs", "tests/data/mirrors.py"]
OVERFLOWING = ["--programs", "tests/data/overflowing.py"]
TASK = "68b16354"
"""Solved by ``solve_68b16354`` of tests/data/mirrors.py (hmirror); 3 demos, 1 test."""
BIG_TASK = "16b78196"
"""3 samples with 30-wide grids: ``upscale(I, FIVE)`` of tests/data/overflowing.py needs
150 columns, beyond its 120 inferred capacity, so every pair overflows."""


def _ok(proc):
    assert proc.returncode == 0, proc.stderr
    return proc


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


def _cache_state(stdout: str) -> str:
    """The word(s) after "persistent cache" in the summary: cold / warm / partly warm."""
    match = re.search(r"persistent cache (cold|warm|partly warm|unused):", stdout)
    assert match, stdout
    return match.group(1)


def _hmirror(grid) -> list:
    return [list(row) for row in reversed(grid)]


# ------------------------------------------------------------------ caches


def test_cache_dir_flag_cold_warm_and_partly_warm(tmp_path):
    """``--cache_dir`` holds the kernels (not ``$JAXDSL_CACHE_DIR``); the first run is cold,
    the same run again warm, a run adding a program partly warm — all with return code 0
    and the same results for the common program."""
    cache, env_cache = tmp_path / "xla", tmp_path / "env-cache"
    args = ["--tasks", TASK, "--cache_dir", str(cache)]
    cold = _ok(evaluate(tmp_path / "a", *args, *MIRRORS, env={"JAXDSL_CACHE_DIR": str(env_cache)}))
    assert _cache_state(cold.stdout) == "cold", cold.stdout
    assert f"in {cache}" in cold.stdout
    assert any(cache.iterdir()), "--cache_dir is empty after a cold run"
    assert not env_cache.exists(), "the environment's cache directory was used"

    warm = _ok(evaluate(tmp_path / "b", *args, *MIRRORS))
    assert _cache_state(warm.stdout) == "warm", warm.stdout
    assert " 0 misses" in warm.stdout and " 0 traced)" in warm.stdout, warm.stdout

    partly = _ok(evaluate(tmp_path / "c", *args, *MIRRORS, *OVERFLOWING))
    assert _cache_state(partly.stdout) == "partly warm", partly.stdout
    summary = _json(tmp_path / "c" / "summary.json")
    assert summary["cache"].startswith("partly warm: ") and summary["programs"] == 3

    first, again = _json(tmp_path / "a" / "results.json"), _json(tmp_path / "b" / "results.json")
    assert first == again
    mixed = _json(tmp_path / "c" / "results.json")["tasks"][TASK]["results"]
    assert mixed["solve_68b16354"] == first["tasks"][TASK]["results"]["solve_68b16354"]


# ------------------------------------------------------------------ data


def _kaggle_files(tmp_path: Path, task_ids) -> tuple[Path, Path, list]:
    """Challenges and solutions files holding the ARC-AGI-1 tasks ``task_ids``."""
    tasks = [t for t in data.load_tasks("arc1") if t.id in task_ids]
    assert len(tasks) == len(task_ids)
    challenges = {t.id: {"train": [{"input": p.input, "output": p.output} for p in t.demos],
                         "test": [{"input": p.input} for p in t.tests]} for t in tasks}
    solutions = {t.id: [p.output for p in t.tests] for t in tasks}
    cpath, spath = tmp_path / "challenges.json", tmp_path / "solutions.json"
    cpath.write_text(json.dumps(challenges))
    spath.write_text(json.dumps(solutions))
    return cpath, spath, tasks


def test_challenges_without_and_with_solutions(tmp_path):
    """``--challenges`` alone: test matches are unknown (null), the submission still holds
    the demo-matching program's answer, and nothing counts as solved; with
    ``--solutions`` the test pair matches and the task is solved."""
    cpath, spath, (task,) = _kaggle_files(tmp_path, [TASK])
    bare = _ok(evaluate(tmp_path / "bare", "--challenges", str(cpath), *MIRRORS))
    results = _json(tmp_path / "bare" / "results.json")
    assert results["data"] == str(cpath) and list(results["tasks"]) == [TASK]
    kinds = [s["kind"] for s in results["tasks"][TASK]["samples"]]
    assert kinds == ["demo"] * len(task.demos) + ["test"] * len(task.tests)
    solver = results["tasks"][TASK]["results"]["solve_68b16354"]
    assert solver["match"] == [True] * len(task.demos) + [None] * len(task.tests)
    assert solver["ok"] == [True] * len(kinds)
    answer = _hmirror(task.tests[0].input)
    assert _json(tmp_path / "bare" / "submission.json") == {TASK: [{"attempt_1": answer, "attempt_2": answer}]}
    assert _json(tmp_path / "bare" / "summary.json")["solved"] == []
    assert "tasks solved: 0/1" in bare.stdout, bare.stdout

    solved = _ok(evaluate(tmp_path / "sol", "--challenges", str(cpath), "--solutions", str(spath), *MIRRORS))
    solver = _json(tmp_path / "sol" / "results.json")["tasks"][TASK]["results"]["solve_68b16354"]
    assert solver["match"] == [True] * len(kinds)
    assert _json(tmp_path / "sol" / "summary.json")["solved"] == [TASK]
    assert "tasks solved: 1/1" in solved.stdout, solved.stdout


# ------------------------------------------------------------------ execution settings


def test_valid_config_and_segment_size(tmp_path):
    """A valid ``--config`` sets the micro-batch size and segment size (one kernel for the
    whole 3-op program); ``--segment_size 1`` overrides it (one kernel per op); results
    are equal either way."""
    config = tmp_path / "small.json"
    config.write_text(json.dumps({"batch_size": 2, "segment_size": 0}))
    args = ["--tasks", f"{TASK},6150a2bd", *OVERFLOWING]
    n = sum(len(t.demos) + len(t.tests) for t in data.load_tasks("arc1") if t.id in (TASK, "6150a2bd"))
    whole = _ok(evaluate(tmp_path / "whole", *args, "--config", str(config)))
    count, size = runner.micro_batches(n, 2)
    assert (count, size) == (-(-n // 2), 2)
    assert f"micro-batches: {count} × 2 samples ({n} samples, --batch_size 2;" in whole.stdout, whole.stdout
    assert _json(tmp_path / "whole" / "summary.json")["kernels"] == 1

    per_op = _ok(evaluate(tmp_path / "ops", *args, "--config", str(config), "--segment_size", "1"))
    assert "--batch_size 2;" in per_op.stdout
    assert _json(tmp_path / "ops" / "summary.json")["kernels"] == 3      # upscale, downscale, bottomhalf
    assert _json(tmp_path / "whole" / "results.json") == _json(tmp_path / "ops" / "results.json")


def test_nofallback_leaves_overflow_marked(tmp_path):
    """Every pair of a 30-wide task overflows ``upscale(I, FIVE)``: by default the fallback
    resolves them (results equal the reference backend's); ``--nofallback`` leaves them
    marked overflow and not ok, and says so."""
    args = ["--tasks", BIG_TASK, *OVERFLOWING]
    exact = _ok(evaluate(tmp_path / "exact", *args))
    marked = _ok(evaluate(tmp_path / "marked", *args, "--nofallback"))
    _ok(evaluate(tmp_path / "ref", *args, "--backend", "reference"))
    s_exact, s_marked = _json(tmp_path / "exact" / "summary.json"), _json(tmp_path / "marked" / "summary.json")
    samples = s_exact["samples"]
    assert samples == 3
    assert s_exact["overflow_pairs"] == samples and s_exact["overflow_unresolved"] == 0
    assert s_marked["overflow_pairs"] == samples and s_marked["overflow_unresolved"] == samples
    run = _json(tmp_path / "marked" / "results.json")["tasks"][BIG_TASK]["results"]["upscale_by_five"]
    assert run["overflow"] == [True] * samples and run["ok"] == [False] * samples
    assert run["match"] == [False] * samples
    assert f"({samples} left marked overflow: --nofallback)" in marked.stdout, marked.stdout
    assert "left marked overflow" not in exact.stdout
    exact_run = _json(tmp_path / "exact" / "results.json")["tasks"][BIG_TASK]["results"]["upscale_by_five"]
    assert exact_run["overflow"] == [False] * samples and exact_run["ok"] == [True] * samples
    assert _json(tmp_path / "exact" / "results.json") == _json(tmp_path / "ref" / "results.json")


# ------------------------------------------------------------------ devices

TWO_CPUS = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2", "JAX_PLATFORMS": "cpu"}


def test_batch_size_not_divisible_by_devices(tmp_path):
    """``--devices 2 --batch_size 5`` on two simulated CPU devices: micro-batches are
    rounded to a multiple of 2, and the results equal one device's."""
    tasks = f"{TASK},6150a2bd"
    n = sum(len(t.demos) + len(t.tests) for t in data.load_tasks("arc1") if t.id in (TASK, "6150a2bd"))
    two = _ok(evaluate(tmp_path / "two", "--tasks", tasks, "--devices", "2", "--batch_size", "5", *MIRRORS,
                       env=TWO_CPUS))
    _ok(evaluate(tmp_path / "one", "--tasks", tasks, "--batch_size", "5", *MIRRORS))
    count, size = runner.micro_batches(n, 5, 2)
    assert size % 2 == 0 and count * size >= n
    assert "on 2 device(s)" in two.stdout, two.stdout
    assert f"micro-batches: {count} × {size} samples ({n} samples, --batch_size 5;" in two.stdout, two.stdout
    assert _json(tmp_path / "two" / "summary.json")["devices"] == 2
    assert _json(tmp_path / "two" / "results.json") == _json(tmp_path / "one" / "results.json")
    assert _json(tmp_path / "two" / "submission.json") == _json(tmp_path / "one" / "submission.json")


def test_more_devices_than_available_is_a_clear_error(tmp_path):
    """On CPU the command line simulates as many devices as requested, so a machine with
    fewer devices is simulated by showing JAX only the first one (a ``sitecustomize`` on
    ``PYTHONPATH``): the run stops with return code 2, the ``DeviceError`` message, and no
    result files."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import jax\n_devices = jax.devices\n"
        "jax.devices = lambda *a, **k: _devices(*a, **k)[:1]\n")
    proc = evaluate(tmp_path / "out", "--tasks", TASK, "--devices", "3", *MIRRORS,
                    env={"PYTHONPATH": str(hook), "JAX_PLATFORMS": "cpu"})
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "error: --devices 3 requested but only 1 cpu device(s) are available" in proc.stderr, proc.stderr
    assert not (tmp_path / "out" / "results.json").exists()


def test_make_mesh_raises_device_error():
    available = len(jax.devices())
    with pytest.raises(runner.DeviceError, match=rf"--devices {available + 1} requested but only "
                                                 rf"{available} \w+ device\(s\) are available"):
        runner.make_mesh(available + 1)
    assert runner.make_mesh(available).devices.size == available


# ------------------------------------------------------------------ resource limits

SLOW_AND_BIG = ("from dsl import *\nfrom constants import *\n\n" + LONG_POWER + UPSCALES
                + "\n\ndef solve_68b16354(I):\n    O = hmirror(I)\n    return O\n")
"""``solve_slow`` (over any pair budget), ``solve_upscales`` (beyond the cell limit) and a
solver of the task (within both)."""


@pytest.mark.parametrize("backend", ["reference", "jax"])
def test_pair_timeout_and_size_limit_are_recorded_as_limit(tmp_path, backend):
    """A pair over --pair_timeout and one beyond the cell limit are 'limit' in results.json and
    counted in summary.json, in both backends (JAX: through the exact fallback)."""
    src = tmp_path / "limits.py"
    src.write_text(SLOW_AND_BIG)
    t0 = time.perf_counter()
    proc = _ok(evaluate(tmp_path / "out", "--programs", str(src), "--tasks", TASK, "--backend", backend,
                        "--pair_timeout", "0.3"))
    elapsed = time.perf_counter() - t0
    results = _json(tmp_path / "out" / "results.json")["tasks"][TASK]["results"]
    n = 4                                             # 3 demos, 1 test
    assert results["solve_slow"]["limit"] == [True] * n      # JAX: power beyond its bound overflows
    assert results["solve_upscales"]["limit"] == [True] * n and results["solve_upscales"]["ok"] == [False] * n
    assert results["solve_68b16354"]["limit"] == [False] * n and results["solve_68b16354"]["match"] == [True] * n
    summary = _json(tmp_path / "out" / "summary.json")
    assert summary["limit_pairs"] == sum(sum(r["limit"]) for r in results.values())
    assert "pairs stopped at a resource limit" in proc.stdout
    if backend == "reference":
        assert elapsed < 60, elapsed


def test_kernel_fingerprint_covers_the_traced_sources_only():
    """Every compiler module a kernel is traced through is fingerprinted; the front-end and
    the reference executors are not (editing them must not turn a warm start cold)."""
    from jaxdsl import cache

    root = Path(__file__).resolve().parents[1]
    covered = {p.relative_to(root).as_posix() for pattern in cache.KERNEL_SOURCES for p in root.glob(pattern)}
    assert {"compiler/lower.py", "compiler/functions.py", "compiler/capacity.py", "compiler/infer.py",
            "jaxdsl/prims/higher_order.py", "jaxdsl/values.py"} <= covered
    assert not covered & {"compiler/parse.py", "compiler/batt.py", "compiler/refexec.py", "compiler/limits.py"}
    import compiler.lower as lower_module

    # lower's own compiler imports are covered or known not to reach traced code
    untraced = {"compiler.errors", "compiler.limits", "compiler.refexec", "compiler.parse"}
    for name, module in vars(lower_module).items():
        mod = getattr(module, "__name__", "") if isinstance(module, type(lower_module)) else ""
        if mod.startswith("compiler.") and mod not in untraced:
            assert f"{mod.replace('.', '/')}.py" in covered, mod
