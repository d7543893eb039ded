"""The exact fallback in worker processes.

Pairs whose JAX result overflowed are re-run by the pure-Python reference executor
(:func:`compiler.refexec.run_program`, or :func:`compiler.batt.run_batt_reference` for
batts). That work is independent per pair and CPU-bound, so it is spread over
``workers`` spawned processes (``--fallback_workers``, default: the CPU count). Each
worker receives the programs (or the batt) and the samples' inputs once, through its
initializer, and then chunks of pair indices; results come back in completion order.

A run with few pairs (< :data:`MIN_PARALLEL`) or ``workers == 1`` runs inline in this
process: starting a worker costs about a second. :class:`Background` starts the workers
while the caller still computes (the program fallback runs during the JAX run). Workers ignore Ctrl-C (the main
process handles it and cancels what is left), and each pair keeps its own time budget
(its alarm, ``SIGPROF``, works in a worker's main thread).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterator, Sequence

MIN_PARALLEL = 64
"""Fewer pairs than this run inline."""
CHUNKS_PER_WORKER = 8
"""Jobs are cut into about this many chunks per worker (load balance against overhead)."""

_STATE: dict[str, Any] = {}


def default_workers() -> int:
    """The CPUs this process may use (``os.sched_getaffinity``), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _init(state: dict) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STATE.clear()
    _STATE.update(state)


def _spawn_pool(workers: int, state: dict) -> ProcessPoolExecutor:
    """``workers`` spawned processes, each initialised with ``state`` (:func:`_init`)."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
                               initargs=(state,))


def run_jobs(fn: Callable[[list], list], jobs: Sequence, state: dict, workers: int) -> Iterator:
    """Yield the results of ``fn(chunk)`` over chunks of ``jobs``, each result list item
    by item.

    Args:
      fn: a module-level function (picklable) that reads :data:`_STATE` and returns one
        result per job of its chunk.
      jobs: picklable job descriptions.
      state: what every worker needs (set as :data:`_STATE` by the initializer).
      workers: processes to use; ≤ 1, or fewer than :data:`MIN_PARALLEL` jobs, runs inline.
    """
    jobs = list(jobs)
    if workers <= 1 or len(jobs) < MIN_PARALLEL:
        saved = dict(_STATE)
        _STATE.clear()
        _STATE.update(state)
        try:
            yield from fn(jobs)
        finally:
            _STATE.clear()
            _STATE.update(saved)
        return
    workers = min(workers, max(1, len(jobs) // 8))
    size = max(1, -(-len(jobs) // (workers * CHUNKS_PER_WORKER)))
    chunks = [jobs[j:j + size] for j in range(0, len(jobs), size)]
    pool = _spawn_pool(workers, state)
    try:
        for future in as_completed([pool.submit(fn, c) for c in chunks]):
            yield from future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class Background:
    """The fallback overlapping other work: jobs are submitted as they become known (e.g.
    a program's overflowed pairs as soon as its JAX run ends) and run by ``workers``
    spawned processes while the caller goes on; :meth:`results` then waits for them.

    The processes start with the first :meth:`submit` that brings the pending jobs to
    :data:`MIN_PARALLEL` (or at :meth:`results`, where fewer jobs, or ``workers ≤ 1``,
    run inline as in :func:`run_jobs`). Use as a context manager: leaving it (Ctrl-C
    included) cancels what has not started.

    Args: ``fn``, ``state``, ``workers`` as for :func:`run_jobs`; ``chunk``: jobs per
      task sent to a worker.
    """

    def __init__(self, fn: Callable[[list], list], state: dict, workers: int, chunk: int = 32):
        self._fn, self._state, self._workers, self._chunk = fn, state, workers, chunk
        self._pending: list = []
        self._futures: list = []
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Background":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, jobs: Sequence) -> None:
        """Queue ``jobs`` (picklable job descriptions for ``fn``)."""
        self._pending.extend(jobs)
        if self._pool is None and (self._workers <= 1 or len(self._pending) < MIN_PARALLEL):
            return
        if self._pool is None:
            self._pool = _spawn_pool(self._workers, self._state)
        jobs, self._pending = self._pending, []
        self._futures += [self._pool.submit(self._fn, jobs[j:j + self._chunk])
                          for j in range(0, len(jobs), self._chunk)]

    def results(self) -> Iterator:
        """Every job's result (completion order), after running what is still pending."""
        if self._pool is None:
            pending, self._pending = self._pending, []
            yield from run_jobs(self._fn, pending, self._state, 1)
            return
        self.submit([])
        for future in as_completed(self._futures):
            yield from future.result()


# ------------------------------------------------------------------ programs


def program_pairs(chunk: list) -> list:
    """Worker body for programs: ``chunk`` of ``(program index, sample index)``; returns
    ``(i, k, ok, limit, output)`` per pair (output None when not ok)."""
    from compiler.refexec import run_program

    programs, inputs, timeout = _STATE["programs"], _STATE["inputs"], _STATE["timeout"]
    out = []
    for i, k in chunk:
        r = run_program(programs[i], inputs[k], timeout=timeout)
        out.append((i, k, r.ok, r.limit is not None, r.output if r.ok else None))
    return out


# ------------------------------------------------------------------ batts


def batt_samples(chunk: list) -> list:
    """Worker body for batts: ``chunk`` of ``(batt index, sample index, candidate indices,
    score indices)`` (both None: the whole batt); returns ``(b, k, cs, ss, BattRefResult)``
    each, running the backward slice of the listed entries
    (:func:`jaxdsl.batt_runner.sub_batt`) on the sample's ``(S, I, C)``. Reads ``batts``,
    ``types`` (one per batt), ``samples`` (:class:`jaxdsl.data.Sample`), ``on_error`` and
    ``timeout`` from the state."""
    from compiler.batt import demos_as_S, entry_slices, run_batt_reference
    from jaxdsl.batt_runner import sub_batt

    batts, samples = _STATE["batts"], _STATE["samples"]
    demos = _STATE.setdefault("_S", {})   # id(sample.demos) → S: once per task (its samples share it)
    out = []
    for b, k, cs, ss in chunk:
        batt = part = batts[b]
        if cs is not None:
            slices = entry_slices(batt)      # candidates', then scores' slices (cached per batt)
            first_score = len(batt.candidates)
            cands, scs = [batt.candidates[j] for j in cs], [batt.scores[j] for j in ss]
            ops = set().union(*(slices[j][1] for j in cs), *(slices[first_score + j][1] for j in ss))
            part = sub_batt(batt, cands, scs, frozenset(batt.ops[i].target for i in ops))
        sample = samples[k]
        if id(sample.demos) not in demos:
            demos[id(sample.demos)] = demos_as_S(sample.demos)
        result = run_batt_reference(part, demos[id(sample.demos)], sample.input, sample.output, _STATE["on_error"],
                                    _STATE["types"][b], _STATE["timeout"])
        out.append((b, k, cs, ss, result))
    return out
