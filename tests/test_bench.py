"""Tests of the side-by-side evaluate benchmark (``python -m jaxdsl.bench --mode evaluate``):
it runs, reports every step and compares the two backends' files. Timings are measured,
never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAMS = """from dsl import *
from constants import *


def solve_6150a2bd(I):
    O = rot180(I)
    return O


def solve_b1948b0a(I):
    O = replace(I, SIX, TWO)
    return O
"""


def test_evaluate_mode_runs_cold_warm_and_reference_and_compares_their_files(tmp_path):
    programs = tmp_path / "solvers.py"
    programs.write_text(PROGRAMS)
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "jaxdsl.bench", "--mode", "evaluate", "--task_step", "400",
                           "--cold", "--programs", str(programs), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(out.read_text())
    assert [r["step"] for r in rows] == ["jax, cold", "jax, warm", "reference", "comparison"]
    cold, warm, ref, comparison = rows
    assert cold["cache"].startswith("cold") and warm["cache"].startswith("warm"), (cold["cache"], warm["cache"])
    for row in (cold, warm, ref):
        assert row["programs"] == 2 and row["tasks"] == 2 and row["wall_s"] > 0, row
    assert cold["samples"] == warm["samples"] == ref["samples"] > 2
    assert comparison["identical"] == {"results.json": True, "submission.json": True}
    assert comparison["tasks"] == 2
    assert comparison["reference_over_jax_wall"] == round(ref["wall_s"] / warm["wall_s"], 2)
    jax_run = warm["run_s"] + warm["fallback_s"]
    assert comparison["reference_run_over_jax_run_and_fallback"] == (
        round(ref["run_s"] / jax_run, 2) if jax_run > 0 else None)
    assert "results.json identical: True, submission.json identical: True" in proc.stdout
