"""Resource limits of the reference executors (issue #10; a documented deviation from
arc-dsl, docs/design.md "Limits").

arc-dsl itself bounds nothing: ``upscale(upscale(upscale(I, NINE), NINE), NINE)`` builds a
grid of 5·10⁸ cells, ``power(f, 10**9)`` loops for hours. A batt or a fuzz run meets such
programs by the thousand, so both reference executors (:func:`compiler.refexec.run_program`
and :func:`compiler.batt.run_batt_reference`, which also serve the JAX backend's exact
fallback) stop a (program, sample) pair at the first op that crosses one of these limits
and record the pair as ``limit`` — not ok, and distinct from an op that raised:

* **cells**: a value with more than :data:`MAX_CELLS` elements: a grid's rows × width, a
  tuple or frozenset's element count, a tuple of tuples' total count. Ops that can build
  such a value in one step (``upscale``, ``canvas``, ``product``, ``interval``,
  ``connect``, ``backdrop``, ...) are checked *before* they run, from their arguments
  (:data:`PRECHECKS`); every other op's result is checked after it ran.
* **integers**: an integer result beyond ±:data:`MAX_INT` (repeated ``multiply`` grows
  Python integers without bound; JAX computes in int32).
* **time**: a pair using more than its budget of CPU time (``--pair_timeout``, default
  :data:`DEFAULT_PAIR_TIMEOUT` seconds of this process's CPU time, not wall-clock time,
  so that other processes on the machine, such as the fallback's workers overlapping the
  JAX run, do not change which pairs meet it), measured between ops and, in the main
  thread, also inside a long op through ``SIGPROF`` (:data:`TIMER`).

The JAX backend never reaches these limits by itself (its static capacities are far
smaller and set ``overflow``); an overflowed pair re-run by the fallback gets the same
``limit`` outcome as in the reference backend.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from typing import Any, Callable

MAX_CELLS = 1_000_000
"""Most elements one value may hold (grid cells, patch cells, container elements)."""
MAX_INT = 2**31 - 1
"""Largest integer magnitude a value may have (the JAX backend's int32 range)."""
DEFAULT_PAIR_TIMEOUT = 10.0
"""Default time budget of one (program, sample) pair, seconds of CPU time: twice the
slowest shipped solver pair (``solve_1f0c79e5`` takes up to 5.1 s on a 30×30 input here),
so that no shipped program meets it. CPU time does not depend on the machine's load (a
wall-clock budget made three pairs of that solver meet it in a loaded fallback and not in
the reference run), but it does depend on the machine's speed."""
TIMER = signal.ITIMER_PROF
"""The interval timer of the in-op alarm: the process's CPU time (user + system)."""
SIGNAL = signal.SIGPROF
"""The signal :data:`TIMER` delivers."""


class LimitExceeded(Exception):
    """A value crossed :data:`MAX_CELLS` / :data:`MAX_INT`. ``reason`` is one line."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PairTimeout(BaseException):
    """Raised by the alarm (:data:`SIGNAL`) handler inside an op; a ``BaseException`` so that the
    executors' ``except Exception`` (an op that raised) does not swallow it."""


# ------------------------------------------------------------------ cells


def cells(value: Any) -> int:
    """Element count of ``value`` as the limits see it, in O(1).

    A tuple whose first element is a tuple (a grid, a tuple of tuples) counts
    ``len × len(first)``; any other tuple or frozenset its length; anything else 1.
    """
    t = type(value)
    if t is tuple:
        n = len(value)
        if n and type(value[0]) is tuple:
            return n * max(1, len(value[0]))
        return n
    if t is frozenset:
        return len(value)
    return 1


def check_value(value: Any) -> None:
    """Raise :class:`LimitExceeded` when ``value`` crosses a limit."""
    t = type(value)
    if t is int:
        if value > MAX_INT or value < -MAX_INT:
            raise LimitExceeded(f"integer {_short_int(value)} beyond ±{MAX_INT}")
    elif (t is tuple or t is frozenset) and cells(value) > MAX_CELLS:
        raise LimitExceeded(f"value of {cells(value):,} cells beyond {MAX_CELLS:,}")


def _short_int(v: int) -> str:
    return str(v) if v.bit_length() < 80 else f"of {v.bit_length()} bits"


# ------------------------------------------------------------------ pre-checks


def _dims(g) -> tuple[int, int]:
    return len(g), (len(g[0]) if g and type(g[0]) is tuple else 1)


def _bbox(patch) -> tuple[int, int]:
    """Height and width of a patch's bounding box (0, 0 when empty)."""
    rows, cols = [], []
    for e in patch:
        i, j = e[1] if type(e[1]) is tuple else e
        rows.append(i)
        cols.append(j)
    if not rows:
        return 0, 0
    return max(rows) - min(rows) + 1, max(cols) - min(cols) + 1


def _upscale(element, factor) -> int:
    f = max(int(factor), 0)
    if type(element) is tuple:
        h, w = _dims(element)
        return h * w * f * f
    return len(element) * f * f


def _line(a, b) -> int:
    return max(abs(b[0] - a[0]), abs(b[1] - a[1])) + 1


PRECHECKS: dict[str, Callable[..., int]] = {
    "upscale": _upscale,
    "hupscale": lambda g, f: _dims(g)[0] * _dims(g)[1] * max(int(f), 0),
    "vupscale": lambda g, f: _dims(g)[0] * _dims(g)[1] * max(int(f), 0),
    "canvas": lambda v, d: max(int(d[0]), 0) * max(int(d[1]), 0),
    "product": lambda a, b: len(a) * len(b),
    "prapply": lambda f, a, b: len(a) * len(b),
    "repeat": lambda item, num: max(int(num), 0),
    "interval": lambda start, stop, step: len(range(start, stop, step)),
    "connect": _line,
    "shoot": lambda s, d: 42 * max(abs(d[0]), abs(d[1])) + 1,
    "backdrop": lambda p: _bbox(p)[0] * _bbox(p)[1],
    "delta": lambda p: _bbox(p)[0] * _bbox(p)[1],
    "box": lambda p: 2 * sum(_bbox(p)),
    "inbox": lambda p: 2 * sum(_bbox(p)),
    "outbox": lambda p: 2 * sum(_bbox(p)) + 8,
}
"""Primitive name → estimate of its result's element count from its arguments, for the
primitives that can build a value beyond :data:`MAX_CELLS` from small arguments."""


def precheck(name: str, args: tuple) -> None:
    """Raise :class:`LimitExceeded` when primitive ``name`` would build a value beyond
    :data:`MAX_CELLS` from ``args``. An estimate that fails (bad argument types) passes:
    the primitive itself then raises as in arc-dsl."""
    estimate = PRECHECKS.get(name)
    if estimate is None:
        return
    try:
        n = estimate(*args)
    except Exception:  # noqa: BLE001 - the primitive raises its own error
        return
    if n > MAX_CELLS:
        raise LimitExceeded(f"{name} would build {n:,} cells, beyond {MAX_CELLS:,}")


# ------------------------------------------------------------------ time


_UNREPORTED: set[type] = set()
"""Exception types :func:`_quiet_unraisable` drops (see :func:`drop_unraisable`)."""


def _quiet_unraisable(unraisable) -> None:
    """``sys.unraisablehook`` that drops the exceptions of :data:`_UNREPORTED` and passes
    anything else to the hook it replaced."""
    if isinstance(unraisable.exc_value, tuple(_UNREPORTED)):
        return
    _quiet_unraisable.previous(unraisable)


def drop_unraisable(exc_type: type) -> Callable[[], None]:
    """Stop reporting ``exc_type`` exceptions that Python drops — raised where it cannot
    propagate them, as in a garbage-collector callback (JAX registers one), where it
    prints an "Exception ignored …" traceback — for exceptions whose source raises them
    again: the pair alarm re-fires (:class:`Budget`), a Ctrl-C is re-delivered
    (:func:`jaxdsl.cli.run_interruptible`). Returns the function that reports them again."""
    if sys.unraisablehook is not _quiet_unraisable:
        _quiet_unraisable.previous = sys.unraisablehook
        sys.unraisablehook = _quiet_unraisable
    _UNREPORTED.add(exc_type)
    return lambda: _UNREPORTED.discard(exc_type)


class Budget:
    """The CPU-time budget of one pair (``time.process_time``): :meth:`over` between ops,
    and (in the main thread, with ``alarm=True``) an alarm (:data:`SIGNAL` from
    :data:`TIMER`) that raises :class:`PairTimeout` inside a long op.

    ``seconds`` None or ≤ 0 means no budget. With ``op_seconds`` (batts, see
    :func:`compiler.batt.run_batt_reference`), the alarm also raises while one op has run
    longer than that since :attr:`op_start` (set it before the op, None after it); the
    alarm then fires first at the smaller of the two and every 0.1 s after, checking both.
    Use it as the executors do::

        budget.start()
        try:
            ...                       # the ops
            budget.armed = False
        except PairTimeout:
            budget.armed = False      # first: a late alarm must not escape the handler
            ...
        finally:
            budget.stop()

    The alarm re-fires every 0.1 s (one landing where Python swallows exceptions, in a gc
    callback, must not end the budget; the swallowed one is not printed, see
    :func:`drop_unraisable`), and raises only while :attr:`armed`: clearing it
    is a plain attribute store, so no alarm can escape after the pair ended, even one
    delivered while a huge interrupted value is being freed.
    """

    def __init__(self, seconds: float | None, alarm: bool = True, op_seconds: float | None = None):
        self.seconds = seconds if seconds and seconds > 0 else None
        self.op_seconds = op_seconds if self.seconds is not None and op_seconds and op_seconds > 0 else None
        self.op_start: float | None = None
        self.deadline = None
        self.armed = False
        self._alarm = alarm and self.seconds is not None \
            and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        self._old = None

    def start(self) -> None:
        """Start the clock (and the alarm)."""
        if self.seconds is None:
            return
        self.deadline = time.process_time() + self.seconds
        if self._alarm:
            drop_unraisable(PairTimeout)
            self._old = signal.signal(SIGNAL, self._on_alarm)
            self.armed = True
            signal.setitimer(TIMER, min(self.seconds, self.op_seconds or self.seconds), 0.1)

    def _on_alarm(self, signum, frame):
        if self.armed and (self.op_seconds is None or self.over() or self.op_over()):
            raise PairTimeout()

    def stop(self) -> None:
        """Disarm and cancel the alarm, restoring the previous handler of :data:`SIGNAL`."""
        self.armed = False
        if self._old is not None:
            signal.setitimer(TIMER, 0)
            signal.signal(SIGNAL, self._old)
            self._old = None

    def over(self) -> bool:
        """True once the budget is spent."""
        return self.deadline is not None and time.process_time() > self.deadline

    def op_over(self) -> bool:
        """True while the current op (started at :attr:`op_start`) is over ``op_seconds``."""
        start = self.op_start
        return self.op_seconds is not None and start is not None and time.process_time() - start > self.op_seconds

    def reason(self) -> str:
        return f"pair over its time budget of {self.seconds:g} s"


# ------------------------------------------------------------------ compile memory

COMPILE_BASE_BYTES = 600 * 2**20
"""Resident memory of a compile before the first op (measured: docs/benchmarks.md)."""
COMPILE_BYTES_PER_OP = 4 * 2**20
"""XLA:CPU compile memory per op of one kernel (measured 3.4 MiB/op: a 213-op batt kernel
took 1.27 GB, a 316-op one 1.62 GB; rounded up)."""
COMPILE_MEMORY_SHARE = 0.8
"""Largest share of the available memory one kernel's estimated compile may take."""
CHECKED_SEGMENT_OPS = 64
"""Kernels of at most this many ops are not checked (their estimate is far below 1 GB)."""


def available_memory() -> int | None:
    """Bytes of memory available to new allocations (``MemAvailable`` of /proc/meminfo, else
    physical memory); None when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import os

        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def compile_memory(ops: int) -> int:
    """Estimated peak bytes of compiling one kernel of ``ops`` ops."""
    return COMPILE_BASE_BYTES + COMPILE_BYTES_PER_OP * ops


def check_compile_memory(ops: int, available: int | None = None) -> None:
    """Refuse a kernel whose estimated compile memory exceeds what the machine has.

    Args:
      ops: ops in the largest kernel (segment) of a program.
      available: bytes available (default: :func:`available_memory`).

    Raises:
      LimitExceeded: with a one-line reason that names the estimate, the memory available
        and a ``--segment_size`` that fits.
    """
    if ops <= CHECKED_SEGMENT_OPS:
        return
    available = available_memory() if available is None else available
    if available is None:
        return
    need = compile_memory(ops)
    budget = COMPILE_MEMORY_SHARE * available
    if need > budget:
        fits = max(1, int((budget - COMPILE_BASE_BYTES) // COMPILE_BYTES_PER_OP))
        raise LimitExceeded(f"a kernel of {ops} ops needs about {need / 2**30:.1f} GiB to compile, "
                            f"more than {COMPILE_MEMORY_SHARE:.0%} of the {available / 2**30:.1f} GiB "
                            f"available; use --segment_size {min(fits, 256)} or less")
