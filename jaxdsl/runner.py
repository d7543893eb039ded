"""The mega-batch runner: every program on every sample, with the JAX or reference backend.

The JAX backend stacks every sample input of the chosen data into one padded batch,
split into ``ceil(N / Config.batch_size)`` equal micro-batches (only to bound memory),
each padded up to a size from a small fixed set of buckets (:func:`batch_buckets`) so
that compiled kernels are reused across data sizes; it shards each micro-batch over a
1-D device mesh (axis ``"batch"``) and runs each compiled program on it. The reference backend
runs the same programs sample by sample through :mod:`compiler.refexec`.

Both produce a :class:`RunResult`; :mod:`jaxdsl.report` turns it into files.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from compiler.errors import ProgramError
from compiler.infer import infer
from compiler.ir import Program
from compiler.lower import CompiledProgram, KernelCache, drain_kernels
from compiler.parse import parse_file
from compiler.limits import DEFAULT_PAIR_TIMEOUT
from compiler.refexec import run_program
from jaxdsl.config import Config
from jaxdsl.data import Sample
from jaxdsl.types import GRID
from jaxdsl.values import Grid, grid_from_numpy, grid_to_numpy

PROGRAMS_DIR = Path(__file__).parent / "programs"


def shipped_program_files() -> list[Path]:
    """The solver files shipped in ``jaxdsl/programs/`` (sorted)."""
    return sorted(p for p in PROGRAMS_DIR.glob("*.py") if not p.name.startswith("_"))


def load_programs(paths: Sequence[str | Path]) -> list[Program]:
    """Parse every solver of every file, in order.

    Raises:
      ProgramError: a file is unreadable or invalid, or two solvers share a name.
    """
    programs, seen = [], {}
    for path in paths:
        for program in parse_file(path):
            if program.name in seen:
                raise ProgramError(program.file, program.line,
                                   f"solver {program.name!r} already defined in {seen[program.name]}")
            seen[program.name] = f"{program.file}:{program.line}"
            programs.append(program)
    return programs


@dataclass
class ProgramRun:
    """Per-sample outcome of one program (arrays of length = number of samples).

    Attributes:
      name: program name.
      ok: bool[N] the output was produced without error.
      overflow: bool[N] a value exceeded a capacity (result unknown; never counted ok).
      match: bool[N] ok, no overflow, and the output equals the expected grid.
      outputs: sample index → output (arc-dsl value) for test samples that are ok.
      jax_overflow: bool[N] the JAX result overflowed (before any fallback); None for
        the reference backend.
      op_overflows: op results (over all samples) that overflowed by themselves.
      rank: float[N] or None: orders the candidates of a task in submission.json (higher
        first, summed over the task's demo pairs; batt candidates: their differ scores).
      limit: bool[N] or None: the reference executor (the reference backend or the exact
        fallback) stopped the pair at a resource limit (:mod:`compiler.limits`; never ok).
    """

    name: str
    ok: np.ndarray
    overflow: np.ndarray
    match: np.ndarray
    outputs: dict[int, object] = field(default_factory=dict)
    jax_overflow: np.ndarray | None = None
    op_overflows: int = 0
    rank: np.ndarray | None = None
    limit: np.ndarray | None = None

    def __post_init__(self):
        if self.limit is None:
            self.limit = np.zeros(len(self.ok), bool)


@dataclass
class RunResult:
    """Everything one evaluation produced.

    Attributes:
      programs: the programs run, in order. samples: the samples, in order.
      runs: one :class:`ProgramRun` per program. backend: ``"jax"`` or ``"reference"``.
      devices: devices used. compile_s / run_s: wall seconds spent compiling and running.
      cache_state: persistent-cache state after compiling (JAX backend).
      kernels: distinct kernels compiled.
      fallback_s: wall seconds the exact fallback (overflowed pairs re-run through the
        reference) took after the JAX run ended; with worker processes it starts during
        the run (:class:`jaxdsl.fallback.Background`), so part of it is hidden in ``run_s``.
      micro_batches / batch: how the JAX backend split the samples (count, padded size).
      scores: batt runs: one :class:`jaxdsl.batt_runner.ScoreRun` per ``s.append`` entry.
      batt_ops: batt runs: ops in all batts.
    """

    programs: list[Program]
    samples: list[Sample]
    runs: list[ProgramRun]
    backend: str
    devices: int = 1
    compile_s: float = 0.0
    run_s: float = 0.0
    cache_state: str = "n/a"
    kernels: int = 0
    fallback_s: float = 0.0
    micro_batches: int = 0
    batch: int = 0
    scores: list = field(default_factory=list)
    batt_ops: int = 0

    @property
    def pairs_per_s(self) -> float:
        """(program, sample) pairs evaluated per second of run time."""
        return len(self.runs) * len(self.samples) / self.run_s if self.run_s else float("nan")


def compile_programs(programs: Sequence[Program], config: Config,
                     kernels: KernelCache | None = None) -> list[CompiledProgram]:
    """Type and lower every program for the JAX backend.

    Raises:
      ProgramError (UnsupportedError / TypeInferenceError): naming file, line and cause.
    """
    return [CompiledProgram(infer(p), config.capacity, config.segment_size, kernels) for p in programs]


def lower_programs(compiled: Sequence[CompiledProgram], spec: Any, on_each: Callable[[], None] | None = None) -> int:
    """Build every kernel of ``compiled`` (programs of one input ``I``) for inputs shaped
    like ``spec`` (:func:`batch_layout`), letting each program's executable loads overlap
    the next program's lookups and waiting for all of them once at the end
    (:func:`compiler.lower.drain_kernels`). ``on_each`` is called after each program (a
    progress bar). Returns the number of kernels compiled."""
    count = 0
    for cp in compiled:
        count += cp.lower_all(spec, drain=False)
        if on_each:
            on_each()
    drain_kernels(compiled)
    return count


class DeviceError(ValueError):
    """Fewer devices are available than requested."""


def make_mesh(devices: int) -> Mesh:
    """A 1-D mesh with axis ``"batch"`` over the first ``devices`` devices.

    Raises:
      DeviceError: fewer devices are available than requested.
    """
    available = jax.devices()
    if devices > len(available):
        raise DeviceError(f"--devices {devices} requested but only {len(available)} "
                         f"{available[0].platform} device(s) are available")
    return Mesh(np.array(available[:devices]), ("batch",))


BUCKET_STEP = 256
"""Micro-batch buckets: powers of two below this, then its multiples up to ``batch_size``."""


def batch_buckets(batch_size: int, devices: int = 1) -> tuple[int, ...]:
    """The micro-batch sizes kernels are compiled for, ascending.

    Powers of two below ``min(BUCKET_STEP, batch_size)``, multiples of ``BUCKET_STEP``
    below ``batch_size``, and ``batch_size`` itself; each rounded up to a multiple of
    ``devices`` (so every shard has the same size). The largest is ``batch_size`` rounded
    up to a multiple of ``devices``.
    """
    sizes = {1 << k for k in range(BUCKET_STEP.bit_length()) if (1 << k) < min(BUCKET_STEP, batch_size)}
    sizes |= set(range(BUCKET_STEP, batch_size, BUCKET_STEP)) | {batch_size}
    return tuple(sorted({math.ceil(b / devices) * devices for b in sizes}))


def micro_batches(n: int, batch_size: int, devices: int = 1) -> tuple[int, int]:
    """How ``n`` samples are run: ``(count, size)``.

    ``count = ceil(n / batch_size)`` (at least 1) equal micro-batches of ``ceil(n / count)``
    samples, each padded to ``size``, the smallest of :func:`batch_buckets` that holds
    them (so ``size ≤ batch_size`` rounded up to ``devices``). E.g. with ``batch_size``
    2,048: 535 samples → ``(1, 768)``, 3,500 → ``(2, 1792)``, 100 → ``(1, 128)``.
    """
    count = max(1, math.ceil(n / batch_size))
    per = max(1, math.ceil(n / count))
    return count, next(b for b in batch_buckets(batch_size, devices) if b >= per)


def batch_layout(config: Config, devices: int, n: int | None = None):
    """Micro-batch layout shared by compile and evaluate.

    Args:
      config: capacities and ``batch_size``. devices: size of the 1-D mesh.
      n: number of samples to run; None lays out the largest micro-batch.

    Returns ``(batch, sharding, spec)``: the micro-batch size (for ``n`` samples the bucket
    of :func:`micro_batches`, else ``config.batch_size`` rounded up to a multiple of
    ``devices``), the ``NamedSharding`` over the 1-D mesh, and the input ``Grid`` of
    ``jax.ShapeDtypeStruct`` (``cells int8[batch, H, W]``, ``h``/``w`` ``int32[batch]``)
    that kernels are compiled for.

    Raises:
      DeviceError: too few devices.
    """
    sharding = NamedSharding(make_mesh(devices), PartitionSpec("batch"))
    if n is None:
        batch = math.ceil(config.batch_size / devices) * devices
    else:
        batch = micro_batches(n, config.batch_size, devices)[1]
    H, W = config.capacity.grid
    spec = Grid(jax.ShapeDtypeStruct((batch, H, W), jnp.int8, sharding=sharding),
                jax.ShapeDtypeStruct((batch,), jnp.int32, sharding=sharding),
                jax.ShapeDtypeStruct((batch,), jnp.int32, sharding=sharding))
    return batch, sharding, spec


def stack_grids(grids: Sequence, capacity: tuple[int, int], size: int) -> tuple[Grid, np.ndarray]:
    """Pad ``grids`` into a host :class:`Grid` batch of ``size`` rows.

    Returns ``(Grid(int8[size, H, W], int32[size], int32[size]), present bool[size])``;
    rows past ``len(grids)`` and ``None`` grids are zero and not present.
    """
    H, W = capacity
    cells = np.zeros((size, H, W), np.int8)
    hs = np.zeros((size,), np.int32)
    ws = np.zeros((size,), np.int32)
    present = np.zeros((size,), bool)
    for k, g in enumerate(grids):
        if g is None:
            continue
        c, h, w, overflow = grid_to_numpy(g, capacity)
        if overflow:
            raise ValueError(f"grid {k} ({len(g)}×{len(g[0]) if g else 0}) does not fit capacity {capacity}")
        cells[k], hs[k], ws[k], present[k] = c, h, w, True
    return Grid(cells, hs, ws), present


def grids_equal(a: Grid, b: Grid) -> np.ndarray:
    """Row-wise equality of two host Grid batches whose capacities may differ.

    Args: ``a`` Grid ``cells int8[B, Ha, Wa]``, ``h``/``w`` ``int32[B]``; ``b`` likewise with
    ``[B, Hb, Wb]``.
    Returns: ``bool[B]``: same ``h``, same ``w`` and same cells. Equal sizes fit both
    capacities, so only the common ``min(Ha, Hb) × min(Wa, Wb)`` corner is compared (the
    rest is zero padding in both); a grid larger than the other capacity never matches.
    """
    H = min(a.cells.shape[1], b.cells.shape[1])
    W = min(a.cells.shape[2], b.cells.shape[2])
    same = np.all(a.cells[:, :H, :W] == b.cells[:, :H, :W], axis=(1, 2))
    return (a.h == b.h) & (a.w == b.w) & same


def grid_outcomes(value: Grid, ok: np.ndarray, ovf: np.ndarray, expected: Grid, has_expected: np.ndarray,
                  start: int, test_rows: Sequence[int], outputs: dict) -> np.ndarray:
    """Match flags of one micro-batch of Grid results, and their test outputs.

    Args: ``value`` / ``expected`` host Grid batches of the micro-batch (rows ``start …``);
    ``ok`` / ``ovf`` ``bool[R]`` for its first ``R`` rows (the real samples);
    ``has_expected`` ``bool[≥ R]``; ``test_rows`` sample indices of test pairs; ``outputs``
    sample index → Python grid, filled with every ok, not overflowed test output.
    Returns ``bool[R]``: ok, not overflowed, an expected output exists and it is equal.
    """
    R = len(ok)
    match = grids_equal(value, expected)[:R] & ok & ~ovf & has_expected[:R]
    for k in test_rows:
        i = k - start
        if 0 <= i < R and ok[i] and not ovf[i]:
            outputs[k] = grid_from_numpy(value.cells[i], value.h[i], value.w[i])
    return match


def run_jax(programs: Sequence[Program], samples: Sequence[Sample], config: Config, devices: int = 1,
            progress: Callable | None = None, fallback: bool = True,
            pair_timeout: float | None = DEFAULT_PAIR_TIMEOUT, fallback_workers: int = 1,
            cache_report: Callable[[], str] | None = None) -> RunResult:
    """Evaluate every program on every sample with the JAX backend.

    Args:
      programs: parsed programs (all must be JAX-compatible).
      samples: the mega-batch.
      config: capacities, micro-batch size and compile granularity.
      devices: size of the 1-D mesh the batch is sharded over.
      progress: optional ``tqdm``-like factory ``progress(total=..., desc=...)``.
      fallback: re-run every (program, sample) pair whose JAX result overflowed through
        the reference executor and merge its exact result (``overflow`` is then False
        and ``jax_overflow`` remembers it); without fallback those pairs stay marked
        ``overflow`` with ``ok`` and ``match`` False.
      pair_timeout: time budget of one fallback pair, seconds (None: none); a pair over
        it, or over a size limit, is recorded as ``limit`` (:mod:`compiler.limits`).
      fallback_workers: processes the fallback is spread over (:mod:`jaxdsl.fallback`);
        with more than one, a program's fallback starts as soon as its JAX run ends and
        overlaps the JAX run of the next programs (programs that map over containers
        run first).
      cache_report: called once every kernel is compiled; its text becomes
        ``RunResult.cache_state`` (e.g. :meth:`jaxdsl.cache.CacheMonitor.describe`), so the
        state is the compile step's, not counting kernels the run reloads after the
        kernel cache unloaded them (:data:`compiler.lower.MAP_BUDGET`).

    Raises:
      ProgramError: a program cannot be compiled for JAX.
      DeviceError: too few devices.
    """
    caps = config.capacity
    compiled = compile_programs(programs, config)
    n = len(samples)
    n_batches, _ = micro_batches(n, config.batch_size, devices)
    batch, sharding, spec = batch_layout(config, devices, n)
    inputs, _ = stack_grids([s.input for s in samples], caps.grid, n_batches * batch)
    expected, has_expected = stack_grids([s.output for s in samples], caps.grid, n_batches * batch)
    test_rows = [k for k, s in enumerate(samples) if s.kind == "test"]

    bar = progress(total=len(compiled) * (n_batches + 1), desc="jaxdsl", unit="step") if progress else None
    t0 = time.perf_counter()
    kernels = lower_programs(compiled, spec, (lambda: bar.update(1)) if bar else None)
    compile_s = time.perf_counter() - t0
    cache_state = cache_report() if cache_report else "n/a"

    total = n_batches * batch
    oks = {cp.name: np.zeros(total, bool) for cp in compiled}
    ovfs = {cp.name: np.zeros(total, bool) for cp in compiled}
    matches = {cp.name: np.zeros(total, bool) for cp in compiled}
    outs: dict[str, dict[int, object]] = {cp.name: {} for cp in compiled}
    op_overflows = {cp.name: 0 for cp in compiled}
    t0 = time.perf_counter()
    xs = [jax.device_put(jax.tree_util.tree_map(lambda a: a[b * batch:(b + 1) * batch], inputs), sharding)
          for b in range(n_batches)]
    # The exact fallback of a program's overflowed pairs starts in worker processes as soon
    # as its JAX run ends, overlapping the JAX run of the next programs.
    from jaxdsl import fallback as fb

    state = {"programs": list(programs), "inputs": {k: s.input for k, s in enumerate(samples)},
             "timeout": pair_timeout}
    with fb.Background(fb.program_pairs, state, fallback_workers if fallback else 1) as background:
        # program-major: a program's kernels stay loaded across its micro-batches (the kernel
        # cache unloads least recently used executables past its mapping budget, and a
        # batch-major loop over hundreds of programs reloaded every kernel in every micro-batch)
        for i in _overflow_prone_first(programs):
            cp = compiled[i]
            for b, x in enumerate(xs):
                rows = slice(b * batch, (b + 1) * batch)
                value, ok, ovf, op_ovf = jax.device_get(cp(x))
                oks[cp.name][rows], ovfs[cp.name][rows] = ok, ovf
                op_overflows[cp.name] += int(np.sum(op_ovf[: max(0, min(batch, n - rows.start))]))
                if cp.output_type == GRID:
                    matches[cp.name][rows] = grid_outcomes(
                        value, ok, ovf, jax.tree_util.tree_map(lambda a: a[rows], expected), has_expected[rows],
                        rows.start, test_rows, outs[cp.name])
                if bar:
                    bar.update(1)
            if fallback:
                background.submit([(i, int(k)) for k in np.flatnonzero(ovfs[cp.name][:n])])
        run_s = time.perf_counter() - t0
        if bar:
            bar.close()
        t0 = time.perf_counter()
        done = list(background.results()) if fallback else []
        fallback_s = time.perf_counter() - t0
    runs = []
    for cp in compiled:
        ovf = ovfs[cp.name][:n]
        ok = oks[cp.name][:n] & ~ovf
        runs.append(ProgramRun(cp.name, ok, ovf.copy(), matches[cp.name][:n], outs[cp.name], ovf.copy(),
                               op_overflows[cp.name]))
    result = RunResult(list(programs), list(samples), runs, "jax", devices, compile_s, run_s,
                       cache_state=cache_state, kernels=kernels, micro_batches=n_batches, batch=batch)
    for i, k, ok, limit, output in done:
        _store(runs[i], k, samples[k], ok, limit, output)
    result.fallback_s = fallback_s
    return result


def _overflow_prone_first(programs: Sequence[Program]) -> list[int]:
    """Program indices, those that map over containers (``apply``, ``mfilter``, ...; the
    ones whose pairs overflow most) first, so that their fallback starts early and
    overlaps the JAX run of the rest. Results do not depend on the order."""
    from compiler.functions import CONTAINER_HOF

    mapping = [bool(p.primitives() & set(CONTAINER_HOF)) for p in programs]
    return sorted(range(len(programs)), key=lambda i: not mapping[i])


def _store(run: ProgramRun, k: int, sample: Sample, ok: bool, limit: bool, output) -> None:
    """Store the exact (reference) outcome of sample ``k`` in ``run``."""
    run.ok[k] = ok
    run.limit[k] = limit
    run.overflow[k] = False
    run.match[k] = ok and sample.output is not None and output == sample.output
    if ok and sample.kind == "test":
        run.outputs[k] = output
    else:
        run.outputs.pop(k, None)


def _reference_into(run: ProgramRun, k: int, program: Program, sample: Sample,
                    timeout: float | None = None) -> None:
    """Run one pair through the reference executor and store its exact outcome in ``run``."""
    r = run_program(program, sample.input, timeout=timeout)
    _store(run, k, sample, r.ok, r.limit is not None, r.output)


def run_reference(programs: Sequence[Program], samples: Sequence[Sample],
                  progress: Callable | None = None,
                  pair_timeout: float | None = DEFAULT_PAIR_TIMEOUT) -> RunResult:
    """Evaluate every program on every sample with the pure-Python reference executor.

    ``pair_timeout``: time budget of one (program, sample) pair in seconds (None: none); a
    pair over it, or over a size limit, is recorded as ``limit`` (:mod:`compiler.limits`).
    """
    n = len(samples)
    bar = progress(total=len(programs) * n, desc="reference", unit="pair") if progress else None
    runs = []
    t0 = time.perf_counter()
    for program in programs:
        run = ProgramRun(program.name, np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool))
        for k, s in enumerate(samples):
            _reference_into(run, k, program, s, pair_timeout)
        if bar:
            bar.update(n)
        runs.append(run)
    run_s = time.perf_counter() - t0
    if bar:
        bar.close()
    return RunResult(list(programs), list(samples), runs, "reference", 1, 0.0, run_s)
