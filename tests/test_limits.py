"""Resource limits of the reference executors (compiler/limits.py, issue #10 item 3): values
beyond the documented sizes and pairs beyond their time budget are recorded as ``limit``,
in the reference backend, in the JAX backend's exact fallback and in batts."""

from __future__ import annotations

import time

import numpy as np
import pytest

from compiler import limits
from compiler.batt import parse_batt_source, run_batt_reference
from compiler.parse import parse_source
from compiler.refexec import run_program
from jaxdsl import data, runner
from jaxdsl.config import Config

GRID = ((1, 2, 0), (0, 3, 4))

UPSCALES = """
def solve_upscales(I):
    x1 = upscale(I, NINE)
    x2 = upscale(x1, NINE)
    x3 = upscale(x2, NINE)
    O = upscale(x3, NINE)
    return O
"""
"""The program of the issue: 68 s and 3.3 GB in the fallback for 5 samples before limits."""

LONG_POWER = """
def solve_slow(I):
    x1 = rbind(add, ONE)
    x2 = multiply(TEN, TEN)
    x3 = multiply(x2, x2)
    x4 = multiply(x3, x3)
    x5 = power(x1, x4)
    x6 = x5(ONE)
    O = canvas(x6, UNITY)
    return O
"""
"""``power`` of 10⁸ steps inside one op: hours without a budget."""


def _one(src: str):
    (program,) = parse_source(src, "t.py")
    return program


# ------------------------------------------------------------------ the size checks


@pytest.mark.parametrize("name,args,over", [
    ("upscale", (((1,) * 30,) * 30, 34), True),        # 30·30·34² = 1,040,400
    ("upscale", (((1,) * 30,) * 30, 33), False),       # 980,100
    ("upscale", (frozenset({(1, (0, 0)), (2, (0, 1))}), 708), True),   # 2·708² = 1,002,528
    ("hupscale", (((1,) * 30,) * 30, 1112), True),
    ("hupscale", (((1,) * 30,) * 30, 1111), False),
    ("vupscale", (((1,) * 30,) * 30, 1112), True),
    ("canvas", (0, (1001, 1000)), True),
    ("canvas", (0, (1000, 1000)), False),
    ("canvas", (0, (-5, 10**9)), False),
    ("product", (frozenset(range(1001)), frozenset(range(1000))), True),
    ("prapply", (None, frozenset(range(1001)), frozenset(range(1000))), True),
    ("repeat", (GRID, 1_000_001), True),
    ("interval", (0, 1_000_001, 1), True),
    ("interval", (0, 1_000_001, 2), False),
    ("connect", ((0, 0), (0, 1_000_000)), True),
    ("connect", ((0, 0), (999_999, 999_999)), False),
    ("shoot", ((0, 0), (0, 23_810)), True),
    ("backdrop", (frozenset({(0, 0), (1000, 1000)}),), True),
    ("backdrop", (frozenset({(0, 0), (999, 999)}),), False),
    ("delta", (frozenset({(5, (0, 0)), (5, (1000, 1000))}),), True),
    ("box", (frozenset({(0, 0), (250_000, 250_000)}),), True),
    ("outbox", (frozenset({(0, 0), (100, 100)}),), False),
    ("upscale", ("not a grid", 5), False),              # the estimate fails: the primitive raises
])
def test_precheck(name, args, over):
    if over:
        with pytest.raises(limits.LimitExceeded, match=name):
            limits.precheck(name, args)
    else:
        limits.precheck(name, args)


@pytest.mark.parametrize("value,over", [
    (((0,) * 1000,) * 1000, False),
    (((0,) * 1000,) * 1001, True),
    (frozenset(range(1_000_001)), True),
    (tuple(range(1_000_001)), True),
    (2**31 - 1, False),
    (2**31, True),
    (-(2**31), True),
    (True, False),
    ((2**40, 1), False),     # only integers themselves are checked, not tuples of them
])
def test_check_value(value, over):
    if over:
        with pytest.raises(limits.LimitExceeded):
            limits.check_value(value)
    else:
        limits.check_value(value)


# ------------------------------------------------------------------ the reference executor


def test_size_limit_stops_the_pair_before_the_op_runs():
    t0 = time.perf_counter()
    r = run_program(_one(UPSCALES), GRID)
    assert time.perf_counter() - t0 < 1.0
    assert not r.ok and r.output is None and r.error is None
    assert r.limit.startswith("line 5: upscale would build")      # 2·3·9⁶ cells at x3
    assert r.op_ok == (True, True, False, False)


def test_integer_limit():
    src = "def solve_big(I):\n    x1 = multiply(TEN, TEN)\n    x2 = multiply(x1, x1)\n" \
          "    x3 = multiply(x2, x2)\n    x4 = multiply(x3, x3)\n    O = canvas(x4, UNITY)\n    return O\n"
    r = run_program(_one(src), GRID)
    assert r.limit == "line 5: integer 10000000000000000 beyond ±2147483647"
    assert r.op_ok == (True, True, True, False, False)


def test_time_budget_interrupts_a_long_op():
    t0 = time.perf_counter()
    r = run_program(_one(LONG_POWER), GRID, timeout=0.5)
    elapsed = time.perf_counter() - t0
    assert elapsed < 3.0, elapsed
    assert not r.ok and r.limit == "line 8: pair over its time budget of 0.5 s"
    assert r.op_ok == (True,) * 5 + (False, False)      # power builds lazily; x6 runs it


def test_a_raise_is_not_a_limit():
    src = "def solve_err(I):\n    x1 = first(I)\n    x2 = divide(ONE, ZERO)\n    O = canvas(x2, UNITY)\n    return O\n"
    r = run_program(_one(src), GRID, timeout=5.0)
    assert not r.ok and r.limit is None and r.error.startswith("line 3: ZeroDivisionError")


def test_a_late_alarm_cannot_escape_once_disarmed():
    """An alarm delivered after the pair ended (the long fuzz run met one while an
    interrupted value was being freed) is ignored once ``armed`` is cleared."""
    import signal

    budget = limits.Budget(60.0)
    budget.start()
    try:
        with pytest.raises(limits.PairTimeout):
            signal.raise_signal(limits.SIGNAL)
        budget.armed = False
        signal.raise_signal(limits.SIGNAL)          # ignored
    finally:
        budget.stop()
    assert signal.getitimer(limits.TIMER) == (0.0, 0.0)


def test_an_alarm_swallowed_by_a_callback_fires_again_quietly(monkeypatch):
    """An alarm that lands in a ``__del__`` (as in JAX's gc callback) is dropped by Python;
    the budget still ends the pair (the alarm re-fires), and the dropped PairTimeout is
    not reported (``sys.unraisablehook``: Python prints "Exception ignored …" there)."""
    import sys

    class Spin:
        def __del__(self):             # burns CPU time past the deadline inside a callback
            end = time.process_time() + 0.3
            while time.process_time() < end:
                pass

    def run_pair(replace_hook_with=None):
        budget = limits.Budget(0.05)
        budget.start()
        if replace_hook_with is not None:
            sys.unraisablehook = replace_hook_with
        try:
            with pytest.raises(limits.PairTimeout):
                Spin()
                end = time.process_time() + 5.0
                while time.process_time() < end:
                    pass
            budget.armed = False
        finally:
            budget.stop()

    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(type(u.exc_value).__name__))
    run_pair()
    assert reported == []
    run_pair(replace_hook_with=lambda u: reported.append(type(u.exc_value).__name__))
    assert "PairTimeout" in reported                 # the callback did swallow one


def test_no_timer_is_left_behind():
    import signal

    before = signal.getsignal(limits.SIGNAL)
    run_program(_one(LONG_POWER), GRID, timeout=0.2)
    assert signal.getsignal(limits.SIGNAL) is before
    assert signal.getitimer(limits.TIMER) == (0.0, 0.0)


# ------------------------------------------------------------------ runner: both backends


@pytest.fixture(scope="module")
def five_samples():
    task = next(t for t in data.load_tasks("arc1") if t.id == "68b16354")
    return data.samples([task])[:5]


def test_reference_backend_records_limit(five_samples):
    t0 = time.perf_counter()
    result = runner.run_reference([_one(UPSCALES)], five_samples)
    assert time.perf_counter() - t0 < 5.0
    (run,) = result.runs
    assert run.limit.all() and not run.ok.any() and not run.overflow.any()


def test_jax_fallback_records_the_same_limit(five_samples):
    config = Config().with_overrides(batch_size=8)
    result = runner.run_jax([_one(UPSCALES)], five_samples, config)
    (run,) = result.runs
    assert run.jax_overflow.all()              # the JAX value did not fit: the fallback re-ran it
    assert run.limit.all() and not run.ok.any() and not run.overflow.any()
    assert result.fallback_s < 5.0


# ------------------------------------------------------------------ batts


BATT = """def batt(task_id, S, I, C, log_path):
    o = []
    s = []
    t1 = upscale(I, NINE)
    t2 = upscale(t1, NINE)
    t3 = upscale(t2, NINE)
    t4 = hmirror(t3)
    o.append((1, False, 'big', t4))
    t5 = hmirror(I)
    o.append((2, False, 'small', t5))
    t6 = first(t1)
    t7 = size(t6)
    t8 = astuple(t7, ONE)
    s.append((3, 'small', 'differ_w', t8))
    return o, s
"""


@pytest.mark.parametrize("on_error", ["poison", "default"])
def test_batt_marks_only_the_entries_behind_a_limit(on_error):
    batt = parse_batt_source(BATT, "b.py")
    r = run_batt_reference(batt, (), GRID, None, on_error)
    assert r.limit.startswith("line 6: upscale would build")
    assert r.limited == {"t3", "t4"}
    assert r.candidates[0] == (False, None)                      # behind the limit, whatever the policy
    assert r.candidates[1] == (True, ((0, 3, 4), (1, 2, 0)))     # independent of it
    assert r.scores[0] == (True, (27, 1))


def test_batt_op_over_the_time_budget_stops_only_itself_and_its_readers():
    src = BATT.replace("    t1 = upscale(I, NINE)\n", "    t0 = rbind(add, ONE)\n    ta = multiply(TEN, TEN)\n"
                       "    tb = multiply(ta, ta)\n    tc = multiply(tb, tb)\n    td = power(t0, tc)\n"
                       "    te = td(ONE)\n    t1 = upscale(I, NINE)\n")
    batt = parse_batt_source(src, "b.py")
    r = run_batt_reference(batt, (), GRID, None, "poison", timeout=0.3)     # te: 10⁸ steps, ~20 s
    assert r.limit == "line 9: op over the time budget of 0.3 s"
    assert {"te", "t3", "t4"} <= r.limited and "t5" not in r.limited
    assert r.candidates[0] == (False, None)                      # behind the size limit
    assert r.candidates[1] == (True, ((0, 3, 4), (1, 2, 0)))     # independent of the slow op
    assert r.scores[0] == (True, (27, 1))
    assert len(r.op_ok) == len(batt.ops)


class _FakeClock:
    """``process_time`` that advances only when a patched primitive says so."""

    def __init__(self):
        self.now = 0.0

    def process_time(self):
        return self.now


@pytest.fixture
def fake_clock(monkeypatch):
    """Every ``hmirror`` call costs one second of CPU time on a fake clock (the executor's
    and the budget's); other primitives cost nothing."""
    from compiler import batt as batt_module
    from jaxdsl import reference

    clock = _FakeClock()
    monkeypatch.setattr(batt_module, "time", clock)
    monkeypatch.setattr(limits, "time", clock)
    real = reference.PRIMITIVES["hmirror"]

    def slow_hmirror(piece):
        clock.now += 1.0
        return real(piece)

    monkeypatch.setitem(reference.PRIMITIVES, "hmirror", slow_hmirror)
    return clock


SLICES = """def batt(task_id, S, I, C, log_path):
    o = []
    s = []
    t1 = hmirror(I)
    t2 = hmirror(t1)
    t3 = hmirror(t2)
    o.append((1, False, 'long', t3))
    t4 = vmirror(t1)
    o.append((2, False, 'short', t4))
    return o, s
"""


def test_batt_entry_whose_slice_takes_longer_than_the_budget_is_limit(fake_clock):
    """Each entry is judged by the CPU time of its own backward slice (3 s for ``long``,
    1 s for ``short``, which shares ``t1``), as if it ran as a separate program."""
    from jaxdsl.batt_runner import sub_batt

    batt = parse_batt_source(SLICES, "b.py")
    r = run_batt_reference(batt, (), GRID, None, "poison", timeout=2.5)
    assert r.limit == "line 6: entry over its time budget of 2.5 s"
    assert r.limited == {"t3"}
    assert r.candidates == [(False, None), (True, ((4, 3, 0), (0, 2, 1)))]    # vmirror(hmirror(I))
    assert r.op_ok == (True, True, True, True)
    for j, entry in enumerate(batt.candidates):      # the exact fallback runs one slice alone
        alone = run_batt_reference(sub_batt(batt, candidates=(entry,)), (), GRID, None, "poison", timeout=2.5)
        assert alone.candidates == [r.candidates[j]]


def test_batt_sample_stops_at_the_backstop(fake_clock):
    """The sample as a whole may take the budget × its entries (2 × 1.5 s); past that,
    every op not yet run is ``limit``, even one no slow op feeds."""
    src = SLICES.replace("    t4 = vmirror(t1)\n", "    t6 = hmirror(t3)\n    t4 = vmirror(I)\n")
    r = run_batt_reference(parse_batt_source(src, "b.py"), (), GRID, None, "poison", timeout=1.5)
    assert r.limit == "line 9: sample over its time budget of 3 s (1.5 s × 2 entries)"
    assert r.limited == {"t3", "t4"} and r.candidates == [(False, None), (False, None)]
    assert r.op_ok == (True, True, True, True, False)


def test_batt_runner_books_limits_per_candidate(five_samples):
    from jaxdsl import batt_runner

    batt = parse_batt_source(BATT, "b.py")
    ref = batt_runner.run_batts_reference([batt], five_samples)
    big, small = ref.runs
    assert big.limit.all() and not big.ok.any()
    assert not small.limit.any() and small.ok.all()
    jx = batt_runner.run_batts_jax([batt], five_samples, Config().with_overrides(batch_size=8))
    big_j, small_j = jx.runs
    np.testing.assert_array_equal(big_j.limit, big.limit)
    np.testing.assert_array_equal(small_j.ok, small.ok)


# ------------------------------------------------------------------ compile memory


def test_compile_memory_refuses_a_kernel_that_does_not_fit():
    limits.check_compile_memory(10_000, available=10**15)                # fits in a petabyte
    limits.check_compile_memory(limits.CHECKED_SEGMENT_OPS, available=1)  # small kernels pass
    with pytest.raises(limits.LimitExceeded, match=r"a kernel of 5000 ops needs about 20\.1 GiB .* "
                                                   r"of the 24\.0 GiB available; use --segment_size 256 or less"):
        limits.check_compile_memory(5000, available=24 * 2**30)
    with pytest.raises(limits.LimitExceeded, match=r"use --segment_size 54 or less"):
        limits.check_compile_memory(100, available=2**30)


def test_whole_program_segment_is_refused_with_file_and_line(monkeypatch):
    from compiler.errors import UnsupportedError
    from compiler.infer import infer
    from compiler.lower import CompiledProgram

    program = next(p for p in runner.load_programs(runner.shipped_program_files()) if len(p.ops) > 2)
    monkeypatch.setattr(limits, "CHECKED_SEGMENT_OPS", 1)
    monkeypatch.setattr(limits, "available_memory", lambda: 2**20)
    with pytest.raises(UnsupportedError, match=rf"^{program.file}:{program.line}: a kernel of "
                                               rf"{len(program.ops)} ops needs about"):
        CompiledProgram(infer(program), Config().capacity, None)
    CompiledProgram(infer(program), Config().capacity, 1)     # per-op kernels are not refused
