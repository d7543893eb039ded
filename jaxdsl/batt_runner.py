"""Running batts over the mega-batch, with the JAX or the reference backend (issue: batts).

A batt (:mod:`compiler.batt`) is one long program ``batt(S, I, C)`` whose ``o.append``
entries are candidate outputs and whose ``s.append`` entries are differ scores. Both
backends run every batt on every sample of the data:

* ``I`` is the sample's input, ``C`` its expected output (not ok where it is unknown:
  test pairs without solutions), ``S`` the task's demo pairs (in JAX a
  :class:`jaxdsl.containers.PairTuple`, stacked only when some op reads ``S``; a sample
  whose ``S`` does not fit its capacity is re-run by the reference).
* Each candidate becomes one :class:`jaxdsl.runner.ProgramRun` (``ok``, ``overflow``,
  ``match`` per sample, outputs of the test samples), named by its solver id, so
  results.json, submission.json, the summary and report.html treat candidates like
  programs. Each run's ``rank`` is the sum of the differ scores at its solver's site:
  submission.json ranks the candidates of a task by their ranks on the task's demo pairs.
* Each score becomes one :class:`ScoreRun` (``ok`` and the ``(score, detail)`` value per
  sample).

The JAX backend compiles each batt once (per-op kernels shared with every program) with
every candidate and score variable as an output; an entry that overflowed on a sample is
re-run exactly by :func:`compiler.batt.run_batt_reference` on its slice of the batt
(:func:`sub_batt`; the whole batt where ``S`` did not fit), in worker processes that start
during the JAX run (:mod:`jaxdsl.fallback`).
Unlike tokpidjin's two calls per sample (``C = None`` then ``C = O``), each sample runs
once with ``C`` known where it is: candidates do not read ``C``, and a differ's value is
the one of the second call.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import jax
import numpy as np

from compiler.batt import Batt, backward_slice, batt_types, demos_as_S, run_batt_reference
from compiler.errors import TypeInferenceError
from compiler.infer import infer
from compiler.limits import DEFAULT_PAIR_TIMEOUT
from compiler.lower import CompiledProgram, drain_kernels
from jaxdsl import fallback as fb
from jaxdsl.config import Config
from jaxdsl.containers import stack_samples
from jaxdsl.data import Sample
from jaxdsl.runner import ProgramRun, RunResult, batch_layout, grid_outcomes, micro_batches, stack_grids
from jaxdsl.types import BOOLEAN, GRID, INTEGER_TUPLE, SAMPLES
from jaxdsl.values import INT_NONE


@dataclass
class ScoreRun:
    """Per-sample values of one ``s.append`` entry.

    Attributes:
      name: ``"<site>/<differ>"`` (``site`` is a solver id or ``'None'``, the raw input).
      site / differ: as in the entry.
      ok: bool[N] the value was produced. value: int64[N, 2] ``(score, detail)`` where ok
        and the value is a pair of ints, else 0 (see ``valid``).
      valid: bool[N] ok and the value is a pair of ints (what tokpidjin scores).
      jax_overflow: bool[N] the JAX value overflowed (its sample's batt run was re-run by
        the reference), or None.
      candidate: the :class:`ProgramRun` of the candidate this score rates (the last
        ``o.append`` of solver ``site`` above it in its batt), or None (raw-input scores).
    """

    name: str
    site: str
    differ: str
    ok: np.ndarray
    value: np.ndarray
    valid: np.ndarray
    jax_overflow: np.ndarray | None = None
    candidate: ProgramRun | None = None


def candidate_names(batts: Sequence[Batt]) -> list[list[str]]:
    """A unique run name per candidate: its solver id, or ``solver@tN`` (and a ``batt
    index:`` prefix with several batts) where ids repeat."""
    flat = [c.solver for b in batts for c in b.candidates]
    names = []
    for k, b in enumerate(batts):
        prefix = f"{k}:" if len(batts) > 1 else ""
        names.append([prefix + (c.solver if flat.count(c.solver) == 1 else f"{c.solver}@{c.step}")
                      for c in b.candidates])
    return names


def compile_batt(batt: Batt, config: Config, on_error: str = "poison") -> CompiledProgram:
    """Type a batt for JAX (``S: Samples, I: Grid, C: Grid``) and lower it with every
    candidate and score variable as an output.

    Raises:
      ProgramError (TypeInferenceError / UnsupportedError): an op cannot be typed (e.g. it
        reads ``S``), a candidate is not a Grid or a score not an IntegerTuple
        (``file:line``).
    """
    typed = infer(batt.program, input_types=(SAMPLES, GRID, GRID))
    for c in batt.candidates:
        if typed.var_types[c.var] != GRID:
            raise TypeInferenceError(batt.file, c.line, f"candidate {c.var} of solver {c.solver!r} is a "
                                     f"{typed.var_types[c.var]}, not a Grid")
    for s in batt.scores:
        if typed.var_types[s.var] != INTEGER_TUPLE:
            raise TypeInferenceError(batt.file, s.line, f"score {s.var} of {s.differ!r} is a "
                                     f"{typed.var_types[s.var]}, not an IntegerTuple (score, detail)")
    outputs = tuple(c.var for c in batt.candidates) + tuple(s.var for s in batt.scores)
    return CompiledProgram(typed, config.capacity, config.segment_size, outputs=outputs, on_error=on_error)


def _bool_made(cp: CompiledProgram) -> frozenset:
    """The IntegerTuple variables made by ``astuple`` of a Boolean-typed argument: in the
    reference they hold a Python bool, no pair of ints (:func:`_score_pair`), which a JAX
    IntegerTuple (two ``int32``) cannot show by its value."""
    return frozenset(top.op.target for top in cp.typed.ops
                     if getattr(top.op.callee, "name", None) == "astuple" and BOOLEAN in top.arg_types)


def _score_pair(value) -> tuple[bool, tuple[int, int]]:
    ok = (isinstance(value, tuple) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    return ok, (value if ok else (0, 0))


class _Collector:
    """Per-sample arrays of one batt's entries, filled by either backend."""

    def __init__(self, batt: Batt, names: list[str], samples: Sequence[Sample]):
        n, nc, ns = len(samples), len(batt.candidates), len(batt.scores)
        self.batt, self.names, self.samples = batt, names, samples
        self.c_ok, self.c_ovf, self.c_match, self.c_lim = (np.zeros((nc, n), bool) for _ in range(4))
        self.c_out: list[dict[int, object]] = [{} for _ in range(nc)]
        self.s_ok, self.s_ovf, self.s_valid = (np.zeros((ns, n), bool) for _ in range(3))
        self.s_val = np.zeros((ns, n, 2), np.int64)
        self.c_jax = self.s_jax = None    # the JAX backend's overflow flags, before fallback

    def put_reference(self, k: int, result, cs=None, ss=None) -> None:
        """Store one reference :class:`~compiler.batt.BattRefResult` for sample ``k``: its
        candidates are candidates ``cs`` of the batt (default: all), its scores ``ss``."""
        cs = range(len(result.candidates)) if cs is None else cs
        ss = range(len(result.scores)) if ss is None else ss
        for j, (ok, value) in zip(cs, result.candidates):
            self.put_candidate(j, k, ok, value, self.batt.candidates[j].var in result.limited)
        for j, (ok, value) in zip(ss, result.scores):
            self.put_score(j, k, ok, value)

    def put_candidate(self, j: int, k: int, ok: bool, value, limit: bool = False) -> None:
        """Store the exact outcome of candidate ``j`` on sample ``k`` (not overflowed;
        ``limit``: stopped by a resource limit)."""
        sample = self.samples[k]
        self.c_ok[j, k], self.c_ovf[j, k], self.c_lim[j, k] = ok, False, limit
        self.c_match[j, k] = ok and sample.output is not None and value == sample.output
        if ok and sample.kind == "test":
            self.c_out[j][k] = value
        else:
            self.c_out[j].pop(k, None)

    def put_score(self, j: int, k: int, ok: bool, value) -> None:
        """Store the exact outcome of score ``j`` on sample ``k`` (not overflowed)."""
        valid, pair = _score_pair(value) if ok else (False, (0, 0))
        self.s_ok[j, k], self.s_ovf[j, k], self.s_valid[j, k] = ok, False, valid
        self.s_val[j, k] = pair

    def runs(self) -> tuple[list[ProgramRun], list[ScoreRun]]:
        """The candidates as :class:`ProgramRun` (with ranks) and the scores as :class:`ScoreRun`."""
        runs = []
        for j, c in enumerate(self.batt.candidates):
            run = ProgramRun(self.names[j], self.c_ok[j], self.c_ovf[j], self.c_match[j], self.c_out[j],
                             None if self.c_jax is None else self.c_jax[j], limit=self.c_lim[j])
            run.rank = np.zeros(len(self.samples))
            runs.append(run)
        scores = []
        for j, s in enumerate(self.batt.scores):
            rated = [k for k, c in enumerate(self.batt.candidates) if c.solver == s.site and c.line < s.line]
            sr = ScoreRun(f"{s.site}/{s.differ}", s.site, s.differ, self.s_ok[j], self.s_val[j],
                          self.s_valid[j], None if self.s_jax is None else self.s_jax[j],
                          runs[rated[-1]] if rated else None)
            if sr.candidate is not None:
                sr.candidate.rank += np.where(sr.valid, np.clip(sr.value[:, 0], 0, 1000), 0)
            scores.append(sr)
        return runs, scores


def sub_batt(batt: Batt, candidates=(), scores=(), needed: frozenset | None = None) -> Batt:
    """The part of ``batt`` that the given entries depend on: the backward slice of their
    variables (every op they read, transitively, in program order) with those entries
    alone. The exact fallback re-runs these instead of the whole batt: a sample where one
    candidate of a 15,848-op batt overflowed costs its solver's few ops, not the batt's."""
    if needed is None:
        by_target = {op.target: op for op in batt.ops}
        needed = frozenset().union(*(backward_slice(by_target, e.var) for e in (*candidates, *scores)))
    ops = tuple(op for op in batt.ops if op.target in needed)
    last = (candidates or scores)[-1].var
    program = dataclasses.replace(batt.program, ops=ops, output=last)
    return dataclasses.replace(batt, program=program, safe=batt.safe & needed,
                               candidates=tuple(candidates), scores=tuple(scores))


def _fallback_jobs(b: int, col: "_Collector", whole: np.ndarray, ks: np.ndarray) -> list:
    """The exact fallback's jobs for batt ``b`` on the samples ``ks``
    (:func:`jaxdsl.fallback.batt_samples`): the whole batt where ``whole`` (the sample's
    ``S`` did not fit), else, per sample, the union of its overflowed entries' slices in
    one reference run (a solver's candidate and the differ scores of its output share it)."""
    overflowed = col.c_ovf[:, ks].any(axis=0) | col.s_ovf[:, ks].any(axis=0)
    jobs = [(b, k, None, None) for k in ks[whole[ks]].tolist()]
    for k in ks[overflowed & ~whole[ks]].tolist():
        jobs.append((b, k, np.flatnonzero(col.c_ovf[:, k]).tolist(), np.flatnonzero(col.s_ovf[:, k]).tolist()))
    return jobs


def _reference_one(batt: Batt, sample: Sample, on_error: str, types, timeout: float | None = None):
    return run_batt_reference(batt, demos_as_S(sample.demos), sample.input, sample.output, on_error, types,
                              timeout)


def run_batts_reference(batts: Sequence[Batt], samples: Sequence[Sample], on_error: str = "poison",
                        progress: Callable | None = None,
                        pair_timeout: float | None = DEFAULT_PAIR_TIMEOUT) -> RunResult:
    """Run every batt on every sample with the reference executor.

    ``pair_timeout``: time budget of one entry (its backward slice) of a sample in CPU
    seconds (None: none; :func:`compiler.batt.run_batt_reference`); the entries a size
    limit or the budget stopped are recorded as ``limit``
    (:attr:`compiler.batt.BattRefResult.limited`).

    Returns a :class:`RunResult` whose ``runs`` are the candidates and ``scores`` the
    :class:`ScoreRun` of every batt, in order.
    """
    names = candidate_names(batts)
    bar = progress(total=len(batts) * len(samples), desc="reference", unit="pair") if progress else None
    runs, scores = [], []
    t0 = time.perf_counter()
    for batt, nm in zip(batts, names):
        types = batt_types(batt) if on_error == "default" else None
        col = _Collector(batt, nm, samples)
        for k, sample in enumerate(samples):
            col.put_reference(k, _reference_one(batt, sample, on_error, types, pair_timeout))
            if bar:
                bar.update(1)
        r, s = col.runs()
        runs += r
        scores += s
    if bar:
        bar.close()
    result = RunResult([], list(samples), runs, "reference", 1, 0.0, time.perf_counter() - t0)
    result.scores = scores
    result.batt_ops = sum(len(b.ops) for b in batts)
    return result


def reads_s(cp: CompiledProgram) -> bool:
    """Whether some op of the compiled batt reads its ``S`` parameter."""
    return any("S" in seg.live_in for seg in cp.segments)


def lower_batts(compiled: Sequence[CompiledProgram], config: Config, devices: int, n: int) -> int:
    """Compile every kernel of the compiled batts for ``n`` samples; returns kernels compiled."""
    batch, sharding, spec = batch_layout(config, devices, n)
    host, _ = stack_samples([], config.capacity, batch)
    s_spec = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype, sharding=sharding), host)
    count = sum(cp.lower_all(s_spec if reads_s(cp) else None, spec, spec, drain=False) for cp in compiled)
    drain_kernels(compiled)
    return count


def run_batts_jax(batts: Sequence[Batt], samples: Sequence[Sample], config: Config, devices: int = 1,
                  on_error: str = "poison", progress: Callable | None = None,
                  fallback: bool = True, pair_timeout: float | None = DEFAULT_PAIR_TIMEOUT,
                  fallback_workers: int = 1, cache_report: Callable[[], str] | None = None) -> RunResult:
    """Run every batt on every sample with the JAX backend (one vmapped run per micro-batch).

    ``fallback``: re-run overflowed entries with the reference executor (each entry gets
    ``pair_timeout`` seconds for its slice, as in :func:`run_batts_reference`),
    in ``fallback_workers`` processes (:mod:`jaxdsl.fallback`); with more than one, a
    micro-batch's fallback starts as soon as its JAX run ends and overlaps the JAX run of
    the next micro-batches, so part of it is hidden in ``run_s``. ``cache_report``: as in
    :func:`jaxdsl.runner.run_jax` (the compile step's persistent-cache state).

    Raises:
      ProgramError: a batt cannot be compiled for JAX (see :func:`compile_batt`).
      DeviceError: too few devices.
    """
    compiled = [compile_batt(b, config, on_error) for b in batts]
    with contextlib.ExitStack() as stack:
        # micro-batch after micro-batch, a batt runs the same kernels in the same order
        for kernels in {id(cp.kernels): cp.kernels for cp in compiled}.values():
            stack.enter_context(kernels.cyclic())
        return _run_compiled_batts(batts, compiled, samples, config, devices=devices, on_error=on_error,
                                   progress=progress, fallback=fallback, pair_timeout=pair_timeout,
                                   fallback_workers=fallback_workers, cache_report=cache_report)


def _run_compiled_batts(batts, compiled, samples, config, *, devices, on_error, progress, fallback, pair_timeout,
                        fallback_workers, cache_report) -> RunResult:
    """:func:`run_batts_jax` after :func:`compile_batt` (``compiled``: one per batt), inside
    its kernels' :meth:`~compiler.lower.KernelCache.cyclic` context; the other arguments
    are :func:`run_batts_jax`'s."""
    caps = config.capacity
    names = candidate_names(batts)
    n = len(samples)
    n_batches, _ = micro_batches(n, config.batch_size, devices)
    batch, sharding, _ = batch_layout(config, devices, n)
    inputs, _ = stack_grids([s.input for s in samples], caps.grid, n_batches * batch)
    expected, has_expected = stack_grids([s.output for s in samples], caps.grid, n_batches * batch)
    test_rows = [k for k, s in enumerate(samples) if s.kind == "test"]
    s_inputs = s_overflow = None
    if any(reads_s(cp) for cp in compiled):
        s_inputs, s_overflow = stack_samples([demos_as_S(s.demos) for s in samples], caps, n_batches * batch)
    bar = progress(total=len(batts) * (n_batches + 1), desc="jaxdsl", unit="step") if progress else None
    t0 = time.perf_counter()
    kernels = 0
    for cp in compiled:
        kernels += lower_batts([cp], config, devices, n)
        if bar:
            bar.update(1)
    compile_s = time.perf_counter() - t0
    cache_state = cache_report() if cache_report else "n/a"

    cols = [_Collector(b, nm, samples) for b, nm in zip(batts, names)]
    bool_made = [_bool_made(cp) for cp in compiled]
    s_whole = [np.zeros(n, bool) for _ in batts]       # samples whose S did not fit
    op_ovf = 0
    # The exact fallback of a micro-batch's overflowed entries starts in worker processes as
    # soon as the micro-batch's JAX run ends, overlapping the next ones (as for programs,
    # jaxdsl.runner.run_jax); its results are merged after the run.
    state = {"batts": list(batts), "samples": list(samples), "on_error": on_error, "timeout": pair_timeout,
             "types": [batt_types(b) if fallback and on_error == "default" else None for b in batts]}
    with fb.Background(fb.batt_samples, state, fallback_workers if fallback else 1) as background:
        t0 = time.perf_counter()
        for bi in range(n_batches):
            rows = slice(bi * batch, (bi + 1) * batch)
            real = max(0, min(batch, n - rows.start))
            take = lambda tree: jax.tree_util.tree_map(lambda a: a[rows], tree)  # noqa: E731
            x = jax.device_put(take(inputs), sharding)
            c = jax.device_put(take(expected), sharding)
            exp_rows = take(expected)
            s_rows = jax.device_put(take(s_inputs), sharding) if s_inputs is not None else None
            ks = np.arange(rows.start, rows.start + real)
            for b, (cp, col, whole, batt, booleans) in enumerate(zip(compiled, cols, s_whole, batts, bool_made)):
                uses_s = reads_s(cp)
                ok_in = {"C": has_expected[rows]}
                if uses_s:
                    ok_in["S"] = ~s_overflow[rows]
                outs, count = jax.device_get(cp.run(s_rows if uses_s else None, x, c, input_ok=ok_in))
                op_ovf += int(np.sum(count[:real]))
                if uses_s:
                    whole[ks] |= s_overflow[rows][:real]      # S did not fit: the reference re-runs it
                for j, cand in enumerate(batt.candidates):
                    value, ok, ovf = outs[cand.var]
                    ok, ovf = ok[:real], ovf[:real]
                    col.c_ok[j, ks], col.c_ovf[j, ks] = ok & ~ovf, ovf
                    col.c_match[j, ks] = grid_outcomes(value, ok, ovf, exp_rows, has_expected[rows], rows.start,
                                                       test_rows, col.c_out[j])
                for j, sc in enumerate(batt.scores):
                    value, ok, ovf = outs[sc.var]
                    ok, ovf = ok[:real], ovf[:real]
                    value = np.asarray(value)[:real]
                    # A component None (index outside the grid, …) or a bool makes the
                    # reference's value no pair of ints (_score_pair): not a valid score.
                    valid = ok & ~ovf & np.all(value != INT_NONE, axis=-1) & (sc.var not in booleans)
                    col.s_ok[j, ks], col.s_ovf[j, ks] = ok & ~ovf, ovf
                    col.s_valid[j, ks] = valid
                    col.s_val[j, ks] = np.where(valid[:, None], value, 0)
                if fallback:
                    background.submit(_fallback_jobs(b, col, whole, ks))
                if bar:
                    bar.update(1)
        run_s = time.perf_counter() - t0
        if bar:
            bar.close()
        for col in cols:
            col.c_jax, col.s_jax = col.c_ovf.copy(), col.s_ovf.copy()
        t0 = time.perf_counter()
        for b, k, cs, ss, result in (background.results() if fallback else ()):
            cols[b].put_reference(k, result, cs, ss)
        fallback_s = time.perf_counter() - t0
    runs, scores = [], []
    for col in cols:
        r, s = col.runs()
        runs += r
        scores += s
    result = RunResult([], list(samples), runs, "jax", devices, compile_s, run_s, kernels=kernels,
                       fallback_s=fallback_s, micro_batches=n_batches, batch=batch, cache_state=cache_state)
    result.scores = scores
    result.batt_ops = sum(len(b.ops) for b in batts)
    for r in runs:
        r.op_overflows = 0
    if runs:
        runs[0].op_overflows = op_ovf
    return result


def batt_tables(result: RunResult) -> tuple[dict, dict]:
    """Per-solver and per-differ statistics of a batt run: ``(summary extra, html tables)``.

    Per solver (candidate): samples it matched exactly and tokpidjin's o_score (1000 per
    matched sample). Per differ (over solver sites, samples with a known expected output
    and an ok candidate): the mean score of right and of wrong candidates and the AUC of
    the score as a right-vs-wrong classifier (1 = always higher for right candidates, 0.5
    = no better than chance; ties count half), from ``n_right`` / ``n_wrong`` entries.
    """
    per_solver = [{"solver": r.name, "matched": int(np.sum(r.match)), "o_score": 1000 * int(np.sum(r.match)),
                   "ok": int(np.sum(r.ok))} for r in result.runs]
    known = np.array([s.output is not None for s in result.samples])
    collected: dict[str, tuple[list, list]] = {}
    for sr in getattr(result, "scores", []):
        run = sr.candidate
        if run is None:
            continue
        right, wrong = collected.setdefault(sr.differ, ([], []))
        use = sr.valid & known & run.ok
        right += list(np.clip(sr.value[use & run.match, 0], 0, 1000))
        wrong += list(np.clip(sr.value[use & ~run.match, 0], 0, 1000))
    per_differ = []
    for differ, (right, wrong) in sorted(collected.items()):
        per_differ.append({"differ": differ, "n_right": len(right), "n_wrong": len(wrong),
                           "mean_right": round(float(np.mean(right)), 1) if right else None,
                           "mean_wrong": round(float(np.mean(wrong)), 1) if wrong else None,
                           "auc": _auc(right, wrong)})
    extra = {"batt_ops": getattr(result, "batt_ops", None), "per_solver": per_solver, "per_differ": per_differ}
    return extra, {"per solver": per_solver, "per differ": per_differ}


def _auc(right: list, wrong: list) -> float | None:
    if not right or not wrong:
        return None
    r, w = np.asarray(right, float), np.sort(np.asarray(wrong, float))
    below = np.searchsorted(w, r, side="left")
    equal = np.searchsorted(w, r, side="right") - below
    return round(float(np.sum(below + 0.5 * equal) / (len(r) * len(w))), 4)
