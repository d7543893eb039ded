"""The differs of ``jaxdsl/differs/differs.py`` (tokpidjin dialect spec §4.5).

* the file parses with :func:`compiler.parse.parse_file` and holds at least 6 differs
  ``differ_<name>(S, I, C)``, none of which reads ``S``;
* each differ type-checks for the JAX backend with
  ``infer(p, input_types=(SAMPLES, GRID, GRID))`` and returns an ``IntegerTuple``;
* on a fixed sample of ARC-AGI-1 pairs ``(I, O)`` (demo and test pairs), run with the
  reference DSL (``S`` = the task's demos), each differ is ok on the right output ``O``,
  on the input ``I`` and on the output of another pair (shapes usually differ), and on
  those candidates swapped with the expected output; its value is a pair of ints
  (not bools) with a score in 0..1000; ``differ(S, O, O)`` scores 1000; no wrong
  candidate scores higher than the right output; and for at least half of the pairs some
  wrong candidate scores strictly below 1000 (the differ separates).
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest

from compiler.infer import infer
from compiler.ir import Var
from compiler.parse import parse_file
from compiler.refexec import run_program
from jaxdsl import data
from jaxdsl.types import GRID, INTEGER_TUPLE, SAMPLES

DIFFERS_FILE = Path(__file__).resolve().parent.parent / "jaxdsl" / "differs" / "differs.py"
N_PAIRS = 150
SEED = 6
MIN_DIFFERS = 6
PERFECT = 1000


@functools.lru_cache(maxsize=None)
def _differs() -> tuple:
    return tuple(parse_file(DIFFERS_FILE))


@functools.lru_cache(maxsize=None)
def _pairs() -> tuple:
    """``N_PAIRS`` ARC-AGI-1 samples with known outputs, each with the output of another
    (randomly chosen) sample as a wrong candidate: ``(demos, input, output, other)``."""
    samples = [s for s in data.samples(data.load_tasks("arc1")) if s.output is not None]
    rng = random.Random(SEED)
    chosen = rng.sample(range(len(samples)), N_PAIRS)
    out = []
    for k in chosen:
        s = samples[k]
        j = rng.randrange(len(samples))
        while samples[j].output == s.output:
            j = rng.randrange(len(samples))
        out.append((s.demos, s.input, s.output, samples[j].output))
    return tuple(out)


def _score(program, S, I, C) -> int:
    """Run a differ with the reference; check it is ok and returns ``(score, detail)``."""
    res = run_program(program, S, I, C)
    assert res.ok, f"{program.name} failed: {res.error}"
    v = res.output
    assert isinstance(v, tuple) and len(v) == 2, f"{program.name} returned {v!r}"
    assert all(type(e) is int for e in v), f"{program.name} returned non-int {v!r}"
    assert 0 <= v[0] <= PERFECT, f"{program.name} score out of range: {v!r}"
    return v[0]


def test_differs_parse():
    differs = [p for p in _differs() if p.name.startswith("differ_")]
    assert len(differs) >= MIN_DIFFERS
    assert len(differs) == len(_differs())
    for p in differs:
        assert p.params == ("S", "I", "C"), p.name


@pytest.mark.parametrize("name", [p.name for p in _differs()])
def test_differ_never_reads_samples(name):
    program = next(p for p in _differs() if p.name == name)
    for op in program.ops:
        refs = (op.callee, *op.args)
        assert Var("S") not in refs, f"{name} line {op.line} reads S"


@pytest.mark.parametrize("name", [p.name for p in _differs()])
def test_differ_type_checks(name):
    program = next(p for p in _differs() if p.name == name)
    typed = infer(program, input_types=(SAMPLES, GRID, GRID))
    assert typed.output_type == INTEGER_TUPLE


@pytest.mark.parametrize("name", [p.name for p in _differs()])
def test_differ_scores_arc_pairs(name):
    program = next(p for p in _differs() if p.name == name)
    separated = 0
    for S, I, O, other in _pairs():
        right = _score(program, S, O, O)
        assert right == PERFECT, f"{name}: the right output scores {right}"
        wrong = []
        for cand in (I, other):
            _score(program, S, O, cand)          # swapped roles must run too
            if cand != O:
                wrong.append(_score(program, S, cand, O))
        assert all(w <= right for w in wrong), f"{name}: a wrong candidate beats the output"
        separated += any(w < PERFECT for w in wrong)
    assert 2 * separated >= len(_pairs()), \
        f"{name} separates only {separated} of {len(_pairs())} pairs"


def separation_table() -> list:
    """``(name, mean score of the right output, mean score of the input as candidate,
    mean score of another pair's output, pairs separated)`` per differ, over the sample."""
    rows = []
    for p in _differs():
        right, inp, oth, sep = [], [], [], 0
        for S, I, O, other in _pairs():
            right.append(_score(p, S, O, O))
            inp.append(_score(p, S, I, O))
            oth.append(_score(p, S, other, O))
            sep += any(w < PERFECT for w, c in ((inp[-1], I), (oth[-1], other)) if c != O)
        n = len(right)
        rows.append((p.name, sum(right) / n, sum(inp) / n, sum(oth) / n, sep))
    return rows


if __name__ == "__main__":
    print(f"{'differ':20s} {'right':>7s} {'input':>7s} {'other':>7s} separated/{N_PAIRS}")
    for name, r, i, o, s in separation_table():
        print(f"{name:20s} {r:7.1f} {i:7.1f} {o:7.1f} {s}")
