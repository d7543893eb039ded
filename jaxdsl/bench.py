"""Benchmarks: compile time against program length, and evaluate throughput per backend.

    python -m jaxdsl.bench --mode compile   # compile/run time vs program length & granularity
    python -m jaxdsl.bench --mode evaluate  # both backends side by side: times, overflow, identical files
    python -m jaxdsl.bench --mode prims     # every signature: JAX µs/sample-op vs reference µs/call
    python -m jaxdsl.bench --mode memory    # bytes per sample of every DSL type
    python -m jaxdsl.bench --mode repr      # sorted rows vs a bitmap for Indices set ops
    python -m jaxdsl.bench --mode split     # per program: JAX run vs reference time, split by overflow

Compile measurements use long straight-line programs: with ``--source solvers`` (the
default) the shipped solvers concatenated into one function, variables renamed, until the
length is reached (:func:`solver_program`; higher-order solvers included, as in a batt);
with ``--source random`` random well-typed programs over the grid slice
(:func:`random_program`). Each (length, segment size) point runs in a fresh subprocess
under ``--timeout``: *cold* with an empty persistent compilation cache, then *warm* in a
second process that finds every kernel in that cache. The result is printed as a
Markdown table and written as JSON to ``--out``.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from absl import app, flags

FLAGS = flags.FLAGS

flags.DEFINE_enum("mode", "compile", ["compile", "evaluate", "prims", "memory", "repr", "split", "point"],
                  "compile: compile time vs length; evaluate: the default evaluate (shipped programs on --data, "
                  "every --task_step-th task) on both backends one after the other, with times, overflow and "
                  "whether results.json and submission.json are identical; prims: every registry signature (or --prims), JAX µs per "
                  "sample-op vs reference µs per call on real ARC-AGI-1 arguments, as a Markdown table; "
                  "memory: bytes per sample of every DSL type; repr: sorted "
                  "rows vs a bitmap window for Indices set operations on real patches; "
                  "split: per shipped program, the JAX run on every sample of --data against the "
                  "reference's time on every --split_step-th sample, split by whether JAX "
                  "overflowed on the pair; "
                  "point: one (length, segment size) measurement (used internally).")
flags.DEFINE_list("lengths", ["10", "30", "100", "300", "1000"], "Program lengths (ops) to measure.")
flags.DEFINE_list("segment_sizes", ["1", "8", "32", "0"], "Ops per kernel to compare (0 = whole program).")
flags.DEFINE_integer("whole_max_ops", 100, "Skip points with more than this many ops per kernel "
                     "(compile time explodes; see docs/design.md).")
flags.DEFINE_integer("timeout", 300, "Seconds allowed per measurement point (evaluate mode: per "
                     "evaluate process, only when given).")
flags.DEFINE_integer("batch_size", 2048, "Samples per micro-batch for the run-time measurement "
                     "(evaluate mode: passed on only when given; else the config's).")
flags.DEFINE_integer("seed", 0, "Seed of the random program generator.")
flags.DEFINE_integer("length", 10, "point mode: program length.")
flags.DEFINE_enum("source", "solvers", ["solvers", "random"], "compile mode: programs made of the shipped "
                  "solvers concatenated (solvers) or random grid-slice programs (random).")
flags.DEFINE_string("point_cache", None, "point mode: persistent compilation cache directory to use "
                    "(used internally: cold = empty, warm = filled by the cold point).")
flags.DEFINE_integer("segment", 1, "point mode: segment size (0 = whole program).")
flags.DEFINE_string("data", "arc1", "Data for the run-time / evaluate measurements.")
flags.DEFINE_integer("repeats", 5, "Timed repetitions (the median is reported).")
flags.DEFINE_string("out", None, "Write the measurements as JSON to this file.")
flags.DEFINE_list("prims", None, "prims mode: only these primitives (default: every registry signature).")
flags.DEFINE_integer("split_step", 10, "split mode: time the reference on every N-th sample (× N).")
flags.DEFINE_list("split_programs", None, "split mode: only these shipped programs (default: all).")
flags.DEFINE_integer("task_step", 1, "evaluate mode: run every N-th task of --data (1 = all tasks).")
flags.DEFINE_multi_string("programs", None, "evaluate mode: solver files to evaluate (repeatable; default: "
                          "the shipped programs).")
flags.DEFINE_bool("cold", False, "evaluate mode: run the JAX backend first in an empty persistent cache "
                  "(a fresh directory), then again warm in it; without it, once in the default cache.")
flags.DEFINE_string("config", None, "prims / memory / split / evaluate modes: JSON config whose capacities to use "
                    "(default: configs/default.json values).")

_UNARY = ["rot90", "rot180", "rot270", "hmirror", "vmirror", "dmirror", "cmirror"]
_COLOURS = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"]


def random_program(length: int, seed: int = 0):
    """A random well-typed ``Grid → Grid`` program of exactly ``length`` ops.

    Returns a :class:`compiler.ir.Program` named ``bench_<length>_<seed>``. The op mix is
    about 45% rotations/mirrors, 30% replace/switch, 15% cellwise against an earlier
    grid, 10% mostcolor/leastcolor feeding a later colour argument.
    """
    from compiler.ir import Const, Op, PrimRef, Program, Var

    rng = random.Random(seed)
    grids, ints, ops = ["I"], [], []
    for k in range(1, length + 1):
        target = f"x{k}" if k < length else "O"
        r = rng.random()
        last = Var(grids[-1])
        colour = (lambda: Var(rng.choice(ints)) if ints and rng.random() < 0.5 else Const(rng.choice(_COLOURS)))
        if k == length or r < 0.45:
            op = Op(target, PrimRef(rng.choice(_UNARY)), (last,), k)
        elif r < 0.75:
            op = Op(target, PrimRef(rng.choice(["replace", "switch"])), (last, colour(), colour()), k)
        elif r < 0.90:
            op = Op(target, PrimRef("cellwise"), (last, Var(rng.choice(grids)), colour()), k)
        else:
            op = Op(target, PrimRef(rng.choice(["mostcolor", "leastcolor"])), (last,), k)
            ints.append(target)
            ops.append(op)
            continue
        grids.append(target)
        ops.append(op)
    return Program(f"bench_{length}_{seed}", ("I",), tuple(ops), "O", "<bench>", 0)


def solver_program(length: int, seed: int = 0):
    """A ``Grid → Grid`` program of at least ``length`` ops: whole shipped solvers (in an
    order drawn with ``seed``, repeated when needed) concatenated into one function, each
    reading the input ``I``, their variables renamed ``x1, x2, …``; the output is the last
    solver's. Returns a :class:`compiler.ir.Program` named ``solvers_<length>_<seed>``."""
    from compiler.ir import Op, Program, Var
    from jaxdsl import runner

    solvers = runner.load_programs(runner.shipped_program_files())
    random.Random(seed).shuffle(solvers)
    ops, k, out = [], 0, "I"
    while len(ops) < length:
        for p in solvers:
            rename = {"I": "I"}
            for op in p.ops:
                k += 1
                rename[op.target] = f"x{k}"
                ref = lambda a: Var(rename[a.name]) if isinstance(a, Var) else a
                ops.append(Op(f"x{k}", ref(op.callee), tuple(ref(a) for a in op.args), k))
            out = rename[p.output]
            if len(ops) >= length:
                break
    return Program(f"solvers_{length}_{seed}", ("I",), tuple(ops), out, "<bench>", 0)


def measure_point(length: int, segment: int, seed: int, batch_size: int, data: str, repeats: int,
                  source: str = "solvers") -> dict:
    """Compile and run one long program; returns seconds for parsing-to-compiled (type
    inference, capacity pass, tracing and compiling every kernel, persistent cache
    lookups included) and the median run time of one micro-batch."""
    import jax

    from compiler.infer import infer
    from compiler.lower import CompiledProgram, KernelCache
    from jaxdsl import data as data_mod
    from jaxdsl import runner
    from jaxdsl.config import Config

    config = Config().with_overrides(batch_size=batch_size, segment_size=segment)
    program = solver_program(length, seed) if source == "solvers" else random_program(length, seed)
    length = len(program.ops)
    t0 = time.perf_counter()
    compiled = CompiledProgram(infer(program), config.capacity, config.segment_size, KernelCache())
    batch, sharding, spec = runner.batch_layout(config, 1)
    kernels = compiled.lower_all(spec)
    compile_s = time.perf_counter() - t0
    samples = data_mod.samples(data_mod.load_tasks(data))[:batch]
    inputs, _ = runner.stack_grids([s.input for s in samples], config.capacity.grid, batch)
    x = jax.device_put(inputs, sharding)
    jax.block_until_ready(compiled(x))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(compiled(x))
        times.append(time.perf_counter() - t0)
    run_s = statistics.median(times)
    return {"length": length, "segment_size": segment, "kernels": kernels, "distinct_kernels": len(compiled.kernels),
            "compile_s": round(compile_s, 3), "run_s": round(run_s, 4), "batch": batch,
            "sample_ops_per_s": round(length * batch / run_s)}


def _compile_table() -> list[dict]:
    rows = []
    for length in map(int, FLAGS.lengths):
        for segment in map(int, FLAGS.segment_sizes):
            per_kernel = length if segment == 0 else min(segment, length)
            if per_kernel > FLAGS.whole_max_ops:
                rows.append({"length": length, "segment_size": segment, "skipped": f"> {FLAGS.whole_max_ops} ops/kernel"})
                print(f"length {length:5d} segment {segment or 'whole':>5}: skipped", flush=True)
                continue
            with tempfile.TemporaryDirectory(prefix="jaxdsl-bench-cache-") as cache:
                cmd = [sys.executable, "-m", "jaxdsl.bench", "--mode", "point", "--length", str(length),
                       "--segment", str(segment), "--seed", str(FLAGS.seed), "--batch_size", str(FLAGS.batch_size),
                       "--data", FLAGS.data, "--repeats", str(FLAGS.repeats), "--source", FLAGS.source,
                       "--point_cache", cache]
                row = _run_point(cmd, length, segment)
                if "compile_s" in row:
                    warm = _run_point(cmd, length, segment)
                    row["warm_compile_s"] = warm.get("compile_s")
            rows.append(row)
            print(f"length {length:5d} segment {segment or 'whole':>5}: {row}", flush=True)
    return rows


def _run_point(cmd: list[str], length: int, segment: int) -> dict:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=FLAGS.timeout)
        if proc.returncode == 0:
            return json.loads(proc.stdout.strip().splitlines()[-1])
        return {"length": length, "segment_size": segment, "error": proc.stderr.strip().splitlines()[-1:]}
    except subprocess.TimeoutExpired:
        return {"length": length, "segment_size": segment, "timeout_s": FLAGS.timeout}


def _markdown(rows: list[dict]) -> str:
    lines = ["| ops | ops/kernel | kernels (distinct) | cold compile s | warm compile s | run s / micro-batch "
             "| sample-ops/s |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        seg = r["segment_size"] or "whole"
        if "compile_s" in r:
            warm = r.get("warm_compile_s")
            lines.append(f"| {r['length']} | {seg} | {r['kernels']} ({r['distinct_kernels']}) | {r['compile_s']:.2f} "
                         f"| {warm if warm is None else f'{warm:.2f}'} | {r['run_s']:.3f} | {r['sample_ops_per_s']:,} |")
        else:
            why = r.get("skipped") or (f"> {r['timeout_s']} s" if "timeout_s" in r else f"error {r.get('error')}")
            lines.append(f"| {r['length']} | {seg} | – | {why} | – | – | – |")
    return "\n".join(lines)


def _evaluate_tasks() -> list[str] | None:
    """The task ids of ``--data`` that evaluate mode runs: every ``--task_step``-th one (all
    tasks, None, at step 1)."""
    if FLAGS.task_step <= 1:
        return None
    from jaxdsl.data import load_tasks

    return [t.id for t in load_tasks(FLAGS.data)][::FLAGS.task_step]


def _evaluate_step(name: str, cmd: list[str], out_dir: str) -> dict:
    """One ``python -m jaxdsl.evaluate`` process: its summary.json (without the per-program and
    per-task lists) plus ``step`` and ``wall_s`` (the whole process, imports and data loading
    included), or ``error`` / ``timeout_s`` when it failed or ran past ``--timeout``."""
    row = {"step": name}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd + ["--out", out_dir], capture_output=True, text=True,
                              timeout=FLAGS.timeout if FLAGS["timeout"].present else None)
    except subprocess.TimeoutExpired:
        row["timeout_s"] = FLAGS.timeout
        return row
    row["wall_s"] = round(time.perf_counter() - t0, 1)
    if proc.returncode != 0:
        row["error"] = proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return row
    with open(f"{out_dir}/summary.json") as f:
        summary = json.load(f)
    for key in ("per_program", "solved"):
        summary.pop(key, None)
    row.update(summary)
    return row


def _evaluate_table() -> list[dict]:
    """The default evaluate (or every ``--task_step``-th task of it) on both backends, one
    process after the other: with ``--cold`` the JAX backend first in an empty persistent
    cache, then warm in the same cache; then the reference backend; then whether their
    results.json and submission.json are byte-identical. Rows are written to ``--out`` after
    every step, so a run cut short keeps what it measured."""
    import filecmp
    import os

    base = [sys.executable, "-m", "jaxdsl.evaluate", "--data", FLAGS.data, "--noprogress"]
    tasks = _evaluate_tasks()
    if tasks is not None:
        base += ["--tasks", ",".join(tasks)]
    if FLAGS["batch_size"].present:
        base += ["--batch_size", str(FLAGS.batch_size)]
    if FLAGS.config:
        base += ["--config", FLAGS.config]
    for path in FLAGS.programs or ():
        base += ["--programs", path]
    work = tempfile.mkdtemp(prefix="jaxdsl-bench-evaluate-")
    cache = ["--cache_dir", f"{work}/cache"] if FLAGS.cold else []
    steps = ([("jax, cold", base + cache)] if FLAGS.cold else []) + [
        ("jax, warm" if FLAGS.cold else "jax", base + cache),
        ("reference", base + ["--backend", "reference"])]
    rows = []
    for k, (name, cmd) in enumerate(steps):
        rows.append(_evaluate_step(name, cmd, f"{work}/out{k}"))
        print(json.dumps(rows[-1]), flush=True)
        _write_rows(rows)
    jax_dir, ref_dir = f"{work}/out{len(steps) - 2}", f"{work}/out{len(steps) - 1}"
    same = {}
    for name in ("results.json", "submission.json"):
        a, b = os.path.join(jax_dir, name), os.path.join(ref_dir, name)
        same[name] = os.path.exists(a) and os.path.exists(b) and filecmp.cmp(a, b, shallow=False)
    jax_row, ref_row = rows[-2], rows[-1]
    done = "run_s" in jax_row and "run_s" in ref_row
    jax_run = jax_row.get("run_s", 0) + jax_row.get("fallback_s", 0)
    ratio = round(ref_row["wall_s"] / jax_row["wall_s"], 2) if done else None
    run_ratio = round(ref_row["run_s"] / jax_run, 2) if done and jax_run > 0 else None
    rows.append({"step": "comparison", "identical": same, "reference_over_jax_wall": ratio,
                 "reference_run_over_jax_run_and_fallback": run_ratio,
                 "tasks": len(tasks) if tasks else "all", "outputs": work})
    print(json.dumps(rows[-1]), flush=True)
    return rows


def _evaluate_markdown(rows: list[dict]) -> str:
    lines = ["| step | compile s | run s | fallback s | wall s | overflowed pairs | limit pairs | samples |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r["step"] == "comparison":
            lines.append(f"\nJAX{' (warm)' if FLAGS.cold else ''} is {r['reference_over_jax_wall']}× the "
                         f"reference in wall time of the whole process, "
                         f"{r['reference_run_over_jax_run_and_fallback']}× in run time (JAX: run + fallback "
                         f"after it); results.json identical: "
                         f"{r['identical']['results.json']}, submission.json identical: "
                         f"{r['identical']['submission.json']} (outputs in {r['outputs']})")
        elif "wall_s" not in r or "run_s" not in r:
            why = r.get("error") or f"> {r.get('timeout_s')} s"
            lines.append(f"| {r['step']} | {why} |")
        else:
            lines.append(f"| {r['step']} | {r.get('compile_s', 0):.1f} | {r['run_s']:.1f} | "
                         f"{r.get('fallback_s', 0):.1f} | {r['wall_s']:.1f} | {r.get('overflow_pairs', 0):,} | "
                         f"{r.get('limit_pairs', 0):,} | {r['samples']:,} |")
    return "\n".join(lines)


def _write_rows(rows: list[dict]) -> None:
    """Write ``rows`` to ``--out`` as JSON (when given)."""
    if FLAGS.out:
        with open(FLAGS.out, "w") as f:
            json.dump(rows, f, indent=1)


def _kernel_seconds(fn, batch) -> float:
    """Median seconds of ``jit(vmap(fn))`` on the (host) argument tuple ``batch`` over
    ``--repeats`` timed calls, after one compiling call."""
    import jax

    kernel = jax.jit(jax.vmap(fn))
    batch = jax.device_put(batch)
    jax.block_until_ready(kernel(*batch))
    times = []
    for _ in range(FLAGS.repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(kernel(*batch))
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _selected_signatures():
    """``(name, Signature)`` of every registry signature, or of the primitives in ``--prims``."""
    from jaxdsl import prims

    wanted = set(FLAGS.prims or ())
    unknown = wanted - set(prims.REGISTRY)
    if unknown:
        raise app.UsageError(f"--prims: unknown primitive(s) {sorted(unknown)}")
    return [(name, sig) for name, sigs in sorted(prims.REGISTRY.items()) if not wanted or name in wanted
            for sig in sigs]


def _prims_table() -> list[dict]:
    """Per signature: JAX µs per sample-op (one ``jit(vmap)`` kernel over ``--batch_size``
    real arguments, median of ``--repeats``) against the reference's µs per call on the
    same arguments (median of ``max(1, repeats // 2)`` passes), at the run capacities.

    Arguments are the ARC-AGI-1 sweep's (:func:`jaxdsl.derive.sweep_cases`: one case per
    distinct grid, derived with the reference), the first ``--batch_size`` that fit the
    capacities, cycled when fewer fit. Raising reference calls are timed too."""
    import jax

    from jaxdsl import config as config_mod
    from jaxdsl import prims, reference
    from jaxdsl.derive import sweep_cases
    from jaxdsl.types import from_python

    caps = config_mod.load_config(FLAGS.config).capacity
    B = FLAGS.batch_size
    rows = []
    for name, sig in _selected_signatures():
        built, used = [], []
        for args in sweep_cases(sig.params):
            vals = [from_python(t, a, caps) for t, a in zip(sig.params, args)]
            if not any(o for _, o in vals):
                built.append(tuple(v for v, _ in vals))
                used.append(args)
                if len(built) == B:
                    break
        if not built:
            rows.append({"primitive": name, "params": list(sig.params), "error": "no argument fits"})
            continue
        distinct = len(built)
        built = [built[k % distinct] for k in range(B)]
        used = [used[k % distinct] for k in range(B)]
        batch = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *built)
        jax_us = _kernel_seconds(prims.bind_caps(sig.impl, caps), batch) / B * 1e6
        ref = reference.PRIMITIVES[name]
        ref_times = []
        for _ in range(max(1, FLAGS.repeats // 2)):
            t0 = time.perf_counter()
            for args in used:
                try:
                    ref(*args)
                except Exception:  # noqa: BLE001 - raising calls are timed too
                    pass
            ref_times.append(time.perf_counter() - t0)
        ref_us = statistics.median(ref_times) / B * 1e6
        rows.append({"primitive": name, "params": list(sig.params), "samples": B, "distinct": distinct,
                     "jax_us_per_sample_op": round(jax_us, 3), "reference_us_per_call": round(ref_us, 2),
                     "ratio": round(ref_us / jax_us, 2)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def _prims_markdown(rows: list[dict]) -> str:
    lines = ["| primitive | argument types | JAX µs / sample-op | reference µs / call | reference ÷ JAX |",
             "|---|---|---:|---:|---:|"]
    for r in rows:
        types = ", ".join(r["params"])
        if "error" in r:
            lines.append(f"| {r['primitive']} | {types} | – | – | {r['error']} |")
        else:
            lines.append(f"| {r['primitive']} | {types} | {r['jax_us_per_sample_op']:.2f} | "
                         f"{r['reference_us_per_call']:.2f} | {r['ratio']:.1f} |")
    return "\n".join(lines)


def _memory_table() -> list[dict]:
    """Bytes per sample of one value of every DSL type of :data:`jaxdsl.types.TYPES`, at
    the run capacities (``--config``, default ``configs/default.json``) and at the larger
    :class:`jaxdsl.values.Capacity` defaults the equivalence tests use."""
    import jax

    from jaxdsl import config as config_mod
    from jaxdsl import types as T
    from jaxdsl.types import TYPES, from_python
    from jaxdsl.values import Capacity

    examples = {"scalar": 0, "grid": ((0,),), "frozenset": frozenset(), "tuple": ()}
    special = {T.BOOLEAN: True, T.INTEGER_TUPLE: (0, 0), T.CELL: (0, (0, 0))}
    rows = []
    for label, caps in (("run", config_mod.load_config(FLAGS.config).capacity), ("tests", Capacity())):
        for name, t in TYPES.items():
            value, _ = from_python(name, special.get(name, examples[t.kind]), caps)
            leaves = jax.tree_util.tree_leaves(value)
            rows.append({"capacities": label, "type": name, "class": t.jax_class.__name__,
                         "bytes_per_sample": int(sum(np.asarray(x).nbytes for x in leaves)),
                         "shapes": [list(np.asarray(x).shape) for x in leaves]})
            print(json.dumps(rows[-1]), flush=True)
    return rows


_WINDOW = (-30, 60)
"""Bitmap window of the ``repr`` comparison: the coordinates real solvers reach (design.md)."""


def _repr_table() -> list[dict]:
    """Sorted rows (the chosen Indices representation) against a bitmap over the window
    ``[-30, 60)²``: time per sample-op of union / intersection / difference / membership
    on pairs of real patches — rows, bitmaps, and rows converted to bitmaps and back
    (what a bitmap fast path inside the row representation would cost) — and bytes per
    sample, at the run capacities of ``configs/default.json``. Pairs: ``ofcolor`` of the least and most common colour of
    each grid, the second shifted by (1, 1) so that the sets overlap partly."""
    import jax
    import jax.numpy as jnp

    from jaxdsl import config as config_mod
    from jaxdsl import containers
    from jaxdsl import data as data_mod
    from jaxdsl import prims, reference
    from jaxdsl import types as T
    from jaxdsl.types import from_python

    caps = config_mod.load_config().capacity
    R = reference.PRIMITIVES
    lo, hi = _WINDOW
    side = hi - lo
    grids = [s.input for s in data_mod.samples(data_mod.load_tasks(FLAGS.data))][: FLAGS.batch_size]
    pairs = []
    for g in grids:
        a = R["ofcolor"](g, R["leastcolor"](g))
        b = R["shift"](R["ofcolor"](g, R["mostcolor"](g)), (1, 1))
        ra, oa = from_python(T.INDICES, a, caps)
        rb, ob = from_python(T.INDICES, b, caps)
        if not (oa or ob):
            pairs.append((a, b, ra, rb))
    rows_a = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *[p[2] for p in pairs])
    rows_b = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *[p[3] for p in pairs])

    def bitmap(patch):
        m = np.zeros((side, side), bool)
        for i, j in patch:
            m[i - lo, j - lo] = True
        return m

    bits_a = np.stack([bitmap(p[0]) for p in pairs])
    bits_b = np.stack([bitmap(p[1]) for p in pairs])
    probe = np.array([min(p[0]) if p[0] else (0, 0) for p in pairs], np.int32)

    def sig(name, params):
        return prims.bind_caps(next(s for s in prims.REGISTRY[name] if s.params == params).impl, caps)

    ops = {
        "union": (lambda a, b: sig("combine", (T.INDICES, T.INDICES))(a, b), lambda a, b: a | b),
        "intersection": (lambda a, b: sig("intersection", (T.INDICES, T.INDICES))(a, b), lambda a, b: a & b),
        "difference": (lambda a, b: sig("difference", (T.INDICES, T.INDICES))(a, b), lambda a, b: a & ~b),
    }

    def to_bits(e):
        """Rows → window bitmap (a scatter of the P rows; rows outside the window dropped)."""
        live = jnp.arange(e.data.shape[0]) < e.n
        i, j = e.data[:, 0] - lo, e.data[:, 1] - lo
        inside = live & (i >= 0) & (i < side) & (j >= 0) & (j < side)
        flat = jnp.where(inside, i * side + j, side * side)
        return jnp.zeros((side * side,), bool).at[flat].set(True, mode="drop"), jnp.any(live & ~inside)

    def via_bits(bits_fn):
        """The hybrid a bitmap fast path would be: rows in, bitmap op, canonical rows out
        (compaction of the window in row-major order, which is the canonical order)."""
        def run(a, b):
            (ma, oa), (mb, ob) = to_bits(a), to_bits(b)
            m = bits_fn(ma, mb)
            pos = jnp.arange(side * side, dtype=jnp.int32)
            cells = jnp.stack([pos // side + lo, pos % side + lo], axis=1)
            out, n, over = containers.compact(cells, m, caps.patch)
            return containers.Elems(out, n), oa | ob | over
        return run

    def timed(fn, *args) -> float:
        return _kernel_seconds(fn, args) / len(pairs) * 1e6

    out = []
    for op, (rows_fn, bits_fn) in ops.items():
        out.append({"op": op, "samples": len(pairs), "rows_us_per_sample_op": round(timed(rows_fn, rows_a, rows_b), 3),
                    "bitmap_us_per_sample_op": round(timed(bits_fn, bits_a, bits_b), 3),
                    "rows_via_bitmap_us_per_sample_op": round(timed(via_bits(bits_fn), rows_a, rows_b), 3)})
        print(json.dumps(out[-1]), flush=True)
    contained = sig("contained", (T.INTEGER_TUPLE, T.INDICES))
    out.append({"op": "contained", "samples": len(pairs),
                "rows_us_per_sample_op": round(timed(contained, probe, rows_a), 3),
                "bitmap_us_per_sample_op": round(timed(lambda p, m: m[p[0] - lo, p[1] - lo], probe, bits_a), 3)})
    print(json.dumps(out[-1]), flush=True)
    out.append({"op": "bytes_per_sample", "rows": int(sum(np.asarray(x)[0].nbytes for x in rows_a)),
                "bitmap": int(bits_a[0].nbytes), "patch_capacity": caps.patch, "window": list(_WINDOW)})
    print(json.dumps(out[-1]), flush=True)
    return out


def _split_table() -> list[dict]:
    """Per shipped program (or ``--split_programs``): the JAX backend's run time on every
    sample of ``--data`` (``runner.run_jax`` of that program alone, without fallback: its
    ``run_s``, compilation not counted), the pairs JAX overflowed on, and the reference
    executor's seconds (wall time, as ``runner.run_reference`` times its run;
    ``DEFAULT_PAIR_TIMEOUT`` per pair) on every ``--split_step``-th sample, times
    ``--split_step``, split into the pairs JAX holds and those it overflows on (which the
    exact fallback re-runs). A last row ``total`` sums the columns."""
    from compiler.limits import DEFAULT_PAIR_TIMEOUT
    from compiler.refexec import run_program
    from jaxdsl import runner
    from jaxdsl.cache import enable_persistent_cache
    from jaxdsl.config import load_config
    from jaxdsl.data import load_tasks, samples

    enable_persistent_cache(None)
    config = load_config(FLAGS.config)
    batch = samples(load_tasks(FLAGS.data))
    programs = runner.load_programs(runner.shipped_program_files())
    if FLAGS.split_programs:
        unknown = set(FLAGS.split_programs) - {p.name for p in programs}
        if unknown:
            raise app.UsageError(f"--split_programs: no shipped program named {', '.join(sorted(unknown))}")
        programs = [p for p in programs if p.name in set(FLAGS.split_programs)]
    step = FLAGS.split_step
    rows = []
    for program in programs:
        result = runner.run_jax([program], batch, config, fallback=False)
        overflow = result.runs[0].overflow
        held = overflowed = 0.0
        for k in range(0, len(batch), step):
            t0 = time.perf_counter()
            run_program(program, batch[k].input, timeout=DEFAULT_PAIR_TIMEOUT)
            seconds = time.perf_counter() - t0
            if overflow[k]:
                overflowed += seconds
            else:
                held += seconds
        row = {"program": program.name, "jax_s": result.run_s, "overflow_pairs": int(overflow.sum()),
               "reference_held_s": held * step, "reference_overflowed_s": overflowed * step}
        rows.append(row)
        print(json.dumps(row), flush=True)
    keys = ("jax_s", "overflow_pairs", "reference_held_s", "reference_overflowed_s")
    rows.append({"program": "total", **{k: sum(r[k] for r in rows) for k in keys}})
    return rows


def _split_markdown(rows: list[dict]) -> str:
    lines = ["| program | JAX run s | overflowed pairs | reference s, pairs JAX holds | reference s, pairs JAX overflows |",
             "|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['program']} | {r['jax_s']:.1f} | {r['overflow_pairs']:,} | "
                     f"{r['reference_held_s']:.1f} | {r['reference_overflowed_s']:.1f} |")
    return "\n".join(lines)


def main(argv):
    del argv
    if FLAGS.mode == "point":
        if FLAGS.point_cache:
            from jaxdsl.cache import enable_persistent_cache
            enable_persistent_cache(FLAGS.point_cache)
        print(json.dumps(measure_point(FLAGS.length, FLAGS.segment, FLAGS.seed, FLAGS.batch_size, FLAGS.data,
                                       FLAGS.repeats, FLAGS.source)))
        return 0
    rows = {"compile": _compile_table, "evaluate": _evaluate_table, "prims": _prims_table,
            "memory": _memory_table, "repr": _repr_table, "split": _split_table}[FLAGS.mode]()
    if FLAGS.mode == "compile":
        print(_markdown(rows))
    if FLAGS.mode == "prims":
        print(_prims_markdown(rows))
    if FLAGS.mode == "split":
        print(_split_markdown(rows))
    if FLAGS.mode == "evaluate":
        print(_evaluate_markdown(rows))
    _write_rows(rows)
    return 0


if __name__ == "__main__":
    app.run(main)
