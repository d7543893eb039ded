"""Benchmarks: compile time against program length, and evaluate throughput per backend.

    python -m jaxdsl.bench --mode compile   # compile/run time vs program length & granularity
    python -m jaxdsl.bench --mode evaluate  # pairs/s of the JAX and reference backends

Compile measurements use random well-typed straight-line programs over the JAX slice
(:func:`random_program`): a chain of grid transforms (rotations, mirrors), colour edits
(replace, switch with colours drawn from ``mostcolor``/``leastcolor`` or constants) and
``cellwise`` against earlier values. Each (length, segment size) point runs in a fresh
subprocess (cold in-memory caches, no persistent cache) under ``--timeout``; the result
is printed as a Markdown table and written as JSON to ``--out``.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time

from absl import app, flags

FLAGS = flags.FLAGS

flags.DEFINE_enum("mode", "compile", ["compile", "evaluate", "point"], "compile: compile time vs length; "
                  "evaluate: throughput of both backends on --data with the shipped programs; "
                  "point: one (length, segment size) measurement (used internally).")
flags.DEFINE_list("lengths", ["10", "30", "100", "300", "1000"], "Program lengths (ops) to measure.")
flags.DEFINE_list("segment_sizes", ["1", "8", "32", "0"], "Ops per kernel to compare (0 = whole program).")
flags.DEFINE_integer("whole_max_ops", 100, "Skip points with more than this many ops per kernel "
                     "(compile time explodes; see docs/design.md).")
flags.DEFINE_integer("timeout", 300, "Seconds allowed per measurement point.")
flags.DEFINE_integer("batch_size", 2048, "Samples per micro-batch for the run-time measurement.")
flags.DEFINE_integer("seed", 0, "Seed of the random program generator.")
flags.DEFINE_integer("length", 10, "point mode: program length.")
flags.DEFINE_integer("segment", 1, "point mode: segment size (0 = whole program).")
flags.DEFINE_string("data", "arc1", "Data for the run-time / evaluate measurements.")
flags.DEFINE_integer("repeats", 5, "Timed repetitions (the median is reported).")
flags.DEFINE_string("out", None, "Write the measurements as JSON to this file.")

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


def measure_point(length: int, segment: int, seed: int, batch_size: int, data: str, repeats: int) -> dict:
    """Compile and run one random program; returns seconds for tracing+compiling and the
    median run time of one micro-batch."""
    import jax

    from compiler.infer import infer
    from compiler.lower import CompiledProgram, KernelCache
    from jaxdsl import data as data_mod
    from jaxdsl import runner
    from jaxdsl.config import Config

    config = Config().with_overrides(batch_size=batch_size, segment_size=segment)
    program = random_program(length, seed)
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
            cmd = [sys.executable, "-m", "jaxdsl.bench", "--mode", "point", "--length", str(length),
                   "--segment", str(segment), "--seed", str(FLAGS.seed), "--batch_size", str(FLAGS.batch_size),
                   "--data", FLAGS.data, "--repeats", str(FLAGS.repeats)]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=FLAGS.timeout)
                row = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else \
                    {"length": length, "segment_size": segment, "error": proc.stderr.strip().splitlines()[-1:]}
            except subprocess.TimeoutExpired:
                row = {"length": length, "segment_size": segment, "timeout_s": FLAGS.timeout}
            rows.append(row)
            print(f"length {length:5d} segment {segment or 'whole':>5}: {row}", flush=True)
    return rows


def _markdown(rows: list[dict]) -> str:
    lines = ["| ops | ops/kernel | kernels (distinct) | compile s | run s / micro-batch | sample-ops/s |",
             "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        seg = r["segment_size"] or "whole"
        if "compile_s" in r:
            lines.append(f"| {r['length']} | {seg} | {r['kernels']} ({r['distinct_kernels']}) | {r['compile_s']:.2f} "
                         f"| {r['run_s']:.3f} | {r['sample_ops_per_s']:,} |")
        else:
            why = r.get("skipped") or (f"> {r['timeout_s']} s" if "timeout_s" in r else f"error {r.get('error')}")
            lines.append(f"| {r['length']} | {seg} | – | {why} | – | – |")
    return "\n".join(lines)


def _evaluate_table() -> list[dict]:
    rows = []
    for backend in ("jax", "reference"):
        cmd = [sys.executable, "-m", "jaxdsl.evaluate", "--backend", backend, "--data", FLAGS.data,
               "--noprogress", "--out", f"/tmp/jaxdsl-bench-{backend}"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr)
        with open(f"/tmp/jaxdsl-bench-{backend}/summary.json") as f:
            summary = json.load(f)
        summary.pop("per_program")
        summary.pop("solved")
        rows.append(summary)
        print(json.dumps(summary), flush=True)
    return rows


def main(argv):
    del argv
    if FLAGS.mode == "point":
        print(json.dumps(measure_point(FLAGS.length, FLAGS.segment, FLAGS.seed, FLAGS.batch_size, FLAGS.data,
                                       FLAGS.repeats)))
        return 0
    rows = _compile_table() if FLAGS.mode == "compile" else _evaluate_table()
    if FLAGS.mode == "compile":
        print(_markdown(rows))
    if FLAGS.out:
        with open(FLAGS.out, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    app.run(main)
