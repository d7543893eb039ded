"""The exact fallback's worker processes: the same results as inline, whenever jobs arrive."""

from __future__ import annotations

from compiler.parse import parse_source
from jaxdsl import data
from jaxdsl import fallback as fb

PROGRAMS = parse_source("""
def mirrored(I):
    O = vmirror(I)
    return O

def failing(I):
    x1 = ofcolor(I, FIVE)
    O = first(x1)
    return O
""", "progs.py")


def _state():
    samples = data.samples(data.load_tasks("arc1"))[:40]
    return {"programs": PROGRAMS, "inputs": {k: s.input for k, s in enumerate(samples)}, "timeout": None}


def test_background_gives_the_inline_results_in_workers():
    """Jobs submitted in several batches, enough to start the workers, give exactly the
    results of running them inline (order aside), each once."""
    state = _state()
    jobs = [(i, k) for i in range(len(PROGRAMS)) for k in state["inputs"]]
    assert len(jobs) >= fb.MIN_PARALLEL
    inline = sorted(fb.run_jobs(fb.program_pairs, jobs, state, 1), key=lambda r: r[:2])
    with fb.Background(fb.program_pairs, state, 2, chunk=8) as bg:
        for start in range(0, len(jobs), 30):
            bg.submit(jobs[start:start + 30])
        assert bg._pool is not None, "the workers start once MIN_PARALLEL jobs are pending"
        background = sorted(bg.results(), key=lambda r: r[:2])
    assert background == inline
    assert any(r[2] for r in inline) and not all(r[2] for r in inline)


def test_background_runs_few_jobs_inline():
    state = _state()
    jobs = [(0, k) for k in range(5)]
    with fb.Background(fb.program_pairs, state, 2) as bg:
        bg.submit(jobs)
        assert bg._pool is None
        got = sorted(bg.results(), key=lambda r: r[:2])
    assert got == sorted(fb.run_jobs(fb.program_pairs, jobs, state, 1), key=lambda r: r[:2])
