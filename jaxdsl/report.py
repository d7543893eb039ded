"""Results files and the printed summary of an evaluation.

* ``results.json`` — per task, program and sample: ``ok``, ``overflow``, ``limit`` (the
  reference executor stopped the pair at a resource limit, :mod:`compiler.limits`),
  ``match`` (null where the expected output is unknown). It depends only on the
  programs and data, so the JAX and reference backends give identical files. For a batt
  run the "programs" are the batt's candidates (listed under ``candidates``) and every
  task also has ``scores``: per ``s.append`` entry (``site/differ``) and sample, the
  ``[score, detail]`` pair or null.
* ``submission.json`` — Kaggle format: for every task, one ``{"attempt_1", "attempt_2"}``
  per test input, chosen among the programs that match every demo pair of the task
  (ranked by :attr:`~jaxdsl.runner.ProgramRun.rank` summed over the demo pairs where runs
  have one — a batt candidate's differ scores — then in program order; distinct outputs
  first); ``[[0]]`` when there is no candidate.
* ``summary.json`` — backend, timings, throughput, cache state, per-program counts and
  the solved tasks.
* ``report.html`` — the page of :mod:`jaxdsl.html_report`.

:func:`write_all` writes the four files atomically as a set: each goes to a temporary file
in ``--out`` first, and they are renamed into place only once all are written (with Ctrl-C
deferred during the renames), so an interrupted or failed run leaves the previous complete
set. :func:`check_out_dir` checks ``--out`` before a run computes anything.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from jaxdsl.runner import RunResult

EMPTY_ATTEMPT = [[0]]
RESULT_FILES = ("results.json", "submission.json", "summary.json", "report.html")
"""The files :func:`write_all` writes under ``--out``."""

written_dirs: list[Path] = []
"""Directories :func:`write_all` completed in this process (for the Ctrl-C message)."""


def _is_grid(value) -> bool:
    return isinstance(value, tuple) and len(value) > 0 and all(
        isinstance(r, tuple) and len(r) == len(value[0]) and len(r) > 0
        and all(isinstance(c, int) and not isinstance(c, bool) for c in r) for r in value)


def task_rows(result: RunResult) -> "OrderedDict[str, list[int]]":
    """Task id → indices of its samples in the mega-batch, in first-seen order."""
    rows: OrderedDict[str, list[int]] = OrderedDict()
    for k, s in enumerate(result.samples):
        rows.setdefault(s.task_id, []).append(k)
    return rows


def results_json(result: RunResult, data_name: str) -> dict:
    """The ``results.json`` document (see the module docstring)."""
    tasks = {}
    for task_id, rows in task_rows(result).items():
        entry = {"samples": [{"kind": result.samples[k].kind, "index": result.samples[k].index}
                             for k in rows], "results": {}}
        for run in result.runs:
            known = [result.samples[k].output is not None for k in rows]
            entry["results"][run.name] = {
                "ok": [bool(run.ok[k]) for k in rows],
                "overflow": [bool(run.overflow[k]) for k in rows],
                "limit": [bool(run.limit[k]) for k in rows],
                "match": [bool(run.match[k]) if kn else None for k, kn in zip(rows, known)],
            }
        if result.scores:
            entry["scores"] = {sr.name: [[int(v) for v in sr.value[k]] if sr.valid[k] else None for k in rows]
                               for sr in result.scores}
        tasks[task_id] = entry
    doc = {
        "data": data_name,
        "programs": [{"name": p.name, "file": p.file, "line": p.line} for p in result.programs],
        "tasks": tasks,
    }
    if result.scores:
        doc["candidates"] = [run.name for run in result.runs]
    return doc


def submission_json(result: RunResult) -> tuple[dict, list[str]]:
    """The Kaggle ``submission.json`` and the list of tasks it solves (where test outputs are known).

    Returns ``(submission, solved_task_ids)``.
    """
    submission, solved = {}, []
    for task_id, rows in task_rows(result).items():
        demos = [k for k in rows if result.samples[k].kind == "demo"]
        tests = [k for k in rows if result.samples[k].kind == "test"]
        candidates = [run for run in result.runs
                      if demos and all(run.match[k] and not run.overflow[k] for k in demos)]
        if any(run.rank is not None for run in candidates):   # stable: ties keep run order
            candidates.sort(key=lambda run: -float(sum(run.rank[k] for k in demos)) if run.rank is not None else 0.0)
        attempts_all, all_right, known = [], True, True
        for k in tests:
            outputs = []
            for run in candidates:
                out = run.outputs.get(k)
                if out is not None and _is_grid(out) and out not in outputs:
                    outputs.append(out)
            picks = (outputs + outputs[:1])[:2] if outputs else []
            a1 = [list(r) for r in picks[0]] if picks else EMPTY_ATTEMPT
            a2 = [list(r) for r in picks[1]] if len(picks) > 1 else a1
            attempts_all.append({"attempt_1": a1, "attempt_2": a2})
            expected = result.samples[k].output
            if expected is None:
                known = False
            elif expected not in picks:
                all_right = False
        submission[task_id] = attempts_all
        if tests and known and all_right:
            solved.append(task_id)
    return submission, solved


def summary_json(result: RunResult, data_name: str, solved: list[str], extra: dict | None = None) -> dict:
    """The ``summary.json`` document: settings, timings, throughput and counts."""
    n = len(result.samples)
    return {
        "data": data_name,
        "backend": result.backend,
        "devices": result.devices,
        "tasks": len(task_rows(result)),
        "samples": n,
        "programs": len(result.runs),
        "compile_s": round(result.compile_s, 3),
        "run_s": round(result.run_s, 3),
        "pairs_per_s": round(result.pairs_per_s, 1),
        "samples_per_s": round(n / result.run_s, 1) if result.run_s else None,
        "cache": result.cache_state,
        "kernels": result.kernels,
        "overflow_pairs": int(sum(int(np.sum(r.jax_overflow)) for r in result.runs
                                  if r.jax_overflow is not None)),
        "overflow_unresolved": int(sum(int(np.sum(r.overflow)) for r in result.runs)),
        "overflow_op_results": int(sum(r.op_overflows for r in result.runs)),
        "limit_pairs": int(sum(int(np.sum(r.limit)) for r in result.runs)),
        "fallback_s": round(result.fallback_s, 3),
        "per_program": {r.name: {"ok": int(np.sum(r.ok)), "match": int(np.sum(r.match)),
                                 "overflow": int(np.sum(r.jax_overflow if r.jax_overflow is not None
                                                        else r.overflow))} for r in result.runs},
        "solved": solved,
        **(extra or {}),
    }


def check_out_dir(out_dir: str | Path) -> Path:
    """Check, before any compute, that :func:`write_all` can write under ``out_dir``.

    ``out_dir`` must be a directory (or not exist yet, below an existing directory), none of
    :data:`RESULT_FILES` in it may be a directory, and a file can be created there. Nothing
    is created or changed.

    Returns ``Path(out_dir)``.

    Raises:
      OSError: with ``filename`` the offending path and ``strerror`` the cause.
    """
    out = Path(out_dir)
    if out.exists():
        if not out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "exists and is not a directory", str(out))
        for name in RESULT_FILES:
            if (out / name).is_dir():
                raise IsADirectoryError(errno.EISDIR, "is a directory, where a results file goes", str(out / name))
        probe = out
    else:
        probe = out.absolute().parent
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        if not probe.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "exists and is not a directory", str(probe))
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        where = "" if probe == out else f" (in {probe})"
        raise OSError(exc.errno, f"cannot write the results there{where}: {exc.strerror or exc}", str(out)) from exc
    return out


def describe_os_error(exc: OSError) -> str:
    """One line for an ``OSError``: ``"<path>: <cause>"`` (both paths of a rename), or the
    error's own text when it names no path."""
    cause = exc.strerror or str(exc)
    if exc.filename is None:
        return cause
    paths = f"{exc.filename}" + (f" -> {exc.filename2}" if exc.filename2 is not None else "")
    return f"{paths}: {cause}"


def interrupted_message() -> str:
    """The line a command line prints on Ctrl-C: what was written (nothing, unless
    :func:`write_all` completed before the interrupt)."""
    if written_dirs:
        return f"interrupted: results written to {written_dirs[-1]}"
    return "interrupted: nothing written"


@contextlib.contextmanager
def _sigint_deferred():
    """Hold Ctrl-C (SIGINT) for the duration of the block, then raise ``KeyboardInterrupt``
    if one arrived. Outside the main thread (where handlers cannot be set) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def write_all(result: RunResult, out_dir: str | Path, data_name: str, extra: dict | None = None,
              tables: dict | None = None) -> dict:
    """Write results.json, submission.json, summary.json and report.html (with the extra
    ``tables``, see :func:`jaxdsl.html_report.write_report`) under ``out_dir``; returns the summary.

    Atomic as a set: every file is written to a temporary file in ``out_dir``, and the
    four are renamed into place (``os.replace``) only after all were written, with Ctrl-C
    held during the renames; on any failure or interrupt before that the temporary files
    are removed and the previous files stay as they were.

    Raises:
      OSError: ``out_dir`` cannot be created or written.
    """
    from jaxdsl import html_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    submission, solved = submission_json(result)
    summary = summary_json(result, data_name, solved, extra)
    texts = {"results.json": json.dumps(results_json(result, data_name)),
             "submission.json": json.dumps(submission),
             "summary.json": json.dumps(summary, indent=1)}
    mask = os.umask(0)
    os.umask(mask)
    temps: dict[str, Path] = {}
    try:
        for name in RESULT_FILES:
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=out, prefix=f".{name}.", suffix=".tmp",
                                             delete=False) as f:
                temps[name] = Path(f.name)
                if name in texts:
                    f.write(texts[name])
        html_report.write_report(temps["report.html"], summary,
                                 html_report.task_views(result, submission, solved), tables)
        for tmp in temps.values():
            os.chmod(tmp, 0o666 & ~mask)      # NamedTemporaryFile creates 0600
        with _sigint_deferred():
            for name, tmp in temps.items():
                os.replace(tmp, out / name)
            written_dirs.append(out)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    return summary


def format_summary(summary: dict, out_dir: str | Path) -> str:
    """A human-readable summary of ``summary.json``."""
    lines = [
        f"data {summary['data']}: {summary['tasks']} tasks, {summary['samples']} samples; "
        f"{summary['programs']} programs; backend {summary['backend']} on {summary['devices']} device(s)",
    ]
    if summary["backend"] == "jax":
        lines.append(f"compile {summary['compile_s']:.2f} s ({summary['kernels']} kernels, "
                     f"persistent cache {summary['cache']})")
    lines.append(f"run {summary['run_s']:.2f} s: {summary['pairs_per_s']:,.0f} (program, sample) pairs/s, "
                 f"{summary['samples_per_s'] or 0:,.0f} samples/s (all programs per sample)")
    if summary["backend"] == "jax":
        unresolved = summary["overflow_unresolved"]
        lines.append(f"overflowed op results: {summary['overflow_op_results']}; "
                     f"overflowed pairs: {summary['overflow_pairs']} of {summary['programs'] * summary['samples']} "
                     + (f"({unresolved} left marked overflow: --nofallback)" if unresolved else
                        f"(all re-run exactly by the reference, {summary['fallback_s']:.2f} s after the run)"))
    if summary.get("limit_pairs"):
        lines.append(f"pairs stopped at a resource limit (size or --pair_timeout): {summary['limit_pairs']}")
    lines.append("")
    width = max([len(n) for n in summary["per_program"]] + [7])
    lines.append(f"{'program':<{width}}  {'ok':>6}  {'match':>6}  {'overflow':>8}")
    for name, c in summary["per_program"].items():
        lines.append(f"{name:<{width}}  {c['ok']:>6}  {c['match']:>6}  {c['overflow']:>8}")
    lines.append("")
    solved = summary["solved"]
    lines.append(f"tasks solved: {len(solved)}/{summary['tasks']}" + (": " + " ".join(solved) if solved else ""))
    out = Path(out_dir)
    lines.append(f"written: {out / 'results.json'}, {out / 'submission.json'}, {out / 'summary.json'}, {out / 'report.html'}")
    return "\n".join(lines)
