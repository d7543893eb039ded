"""What the command lines share: bad input and OS errors as one line with exit code 2."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from typing import Callable

REDELIVER_S = 3.0
"""Seconds after a Ctrl-C (SIGINT) before it is delivered again while the program still
runs (see :func:`run_interruptible`)."""


def one_line_errors(body: Callable[[], int]) -> int:
    """``body()``, with bad input (:class:`~compiler.errors.ProgramError`,
    :class:`~jaxdsl.config.InputError` / ``ConfigError``, :class:`~jaxdsl.data.DataError`,
    :class:`~jaxdsl.runner.DeviceError`) and any ``OSError`` turned into one line
    ``error: <file or path>: <cause>`` on stderr and exit code 2. Other exceptions propagate.
    """
    from compiler.errors import ProgramError
    from jaxdsl.config import ConfigError, InputError
    from jaxdsl.data import DataError

    try:
        return body()
    except (InputError, ProgramError, DataError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        from jaxdsl.report import describe_os_error

        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
    except ValueError as exc:      # runner.DeviceError (imported with JAX)
        from jaxdsl.runner import DeviceError

        if not isinstance(exc, DeviceError):
            raise
        print(f"error: {exc}", file=sys.stderr)
    return 2


def run_interruptible(main: Callable[[], None], message: Callable[[], str]) -> None:
    """``main()`` (an ``absl.app.run`` call); Ctrl-C prints ``message()`` (one line) on stderr
    and exits with code 130.

    Python drops an exception raised in a callback it calls on its own (a garbage
    collector callback: JAX registers one), so a ``KeyboardInterrupt`` raised while such a
    callback runs is printed as "Exception ignored" and the program runs on — a reference
    evaluate interrupted that way ran to its end. Here the first Ctrl-C also starts a
    thread that interrupts the main thread again every :data:`REDELIVER_S` seconds until
    the interrupt has been handled, and the dropped one is not reported
    (:func:`compiler.limits.drop_unraisable`). Outside the main thread it only calls ``main()``."""
    if threading.current_thread() is not threading.main_thread():
        main()
        return
    handled = threading.Event()

    main_thread = threading.main_thread().ident

    def redeliver():        # a real signal to the main thread also ends a blocking sleep or wait
        while not handled.wait(REDELIVER_S):
            signal.pthread_kill(main_thread, signal.SIGINT)

    def on_sigint(signum, frame):
        if not getattr(on_sigint, "started", False):
            on_sigint.started = True
            threading.Thread(target=redeliver, name="sigint-redeliver", daemon=True).start()
        raise KeyboardInterrupt

    from compiler.limits import drop_unraisable

    previous = signal.signal(signal.SIGINT, on_sigint)
    report_again = drop_unraisable(KeyboardInterrupt)     # a dropped one is delivered again
    try:
        main()
    except KeyboardInterrupt:
        handled.set()
        print(message(), file=sys.stderr)
        sys.exit(130)
    finally:
        handled.set()
        signal.signal(signal.SIGINT, previous)
        report_again()


def exit_skipping_teardown(body: Callable[[], None]) -> None:
    """Run ``body()`` (a command's :func:`run_interruptible` call), then end the process
    with its exit code without the interpreter's teardown.

    Everything a normal exit does that matters still happens, in the same order: the
    non-daemon threads are joined (thread pools shut down), the ``atexit`` callbacks run
    (JAX's, logging's, multiprocessing's), and stdout and stderr are flushed; only the
    freeing of every object left is skipped. That part frees each loaded XLA executable one
    by one: 2.7 s for the 444 kernels of the full batt on the 2-core CPU, a quarter of a
    warm ``compile --batt`` (docs/benchmarks.md, session 20). ``SystemExit`` gives the
    code (``None`` → 0, a message → printed on stderr, 1); any other exception propagates
    as usual. The process exits normally where CPython lacks ``threading._shutdown``, and
    under a profiler or tracer (``python -m cProfile``, a debugger, coverage), which write
    their output after the program returns.
    """
    try:
        body()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is None or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):     # closed or broken pipe: nothing more to write
            pass
    os._exit(code)
