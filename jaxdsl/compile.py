"""Compile arc-dsl programs ahead of time into the persistent compilation cache.

    python -m jaxdsl.compile --programs my_solvers.py [--devices N] [--cache_dir DIR]

Traces and compiles every kernel of every program for the micro-batch shape that
``python -m jaxdsl.evaluate`` will use with the same data (--data/--challenges/--tasks:
they fix the number of samples and so the micro-batch bucket) and the same
--config/--batch_size/--segment_size/--devices, and stores them in the cache directory
(default ``$JAXDSL_CACHE_DIR`` or ``~/.cache/jaxdsl/xla``). A later evaluate with the
same settings then starts warm and reports so.

Exit codes: 0 done; 2 bad input or an OS error (e.g. an unusable --cache_dir), with one
line ``error: <file or path>: <cause>`` on stderr; 130 on Ctrl-C.
"""

from __future__ import annotations

import time

from absl import app, flags, logging

from jaxdsl.data import DATASETS

FLAGS = flags.FLAGS

flags.DEFINE_string("data", "arc1", f"ARC data the kernels are built for (its sample count picks the "
                    f"micro-batch bucket): one of {', '.join(DATASETS)}. Ignored when --challenges is given.")
flags.DEFINE_string("challenges", None, "Kaggle-format challenges JSON file, as for evaluate.")
flags.DEFINE_list("tasks", None, "Only these task ids (comma-separated; an empty list is an error), "
                  "as for evaluate.")

flags.DEFINE_multi_string("programs", None, "arc-dsl solver file (repeatable). Default: the solvers "
                          "shipped in jaxdsl/programs/.")
flags.DEFINE_integer("devices", 1, "Compile for a batch sharded over this many devices (must match "
                     "evaluate's --devices).", lower_bound=1)
flags.DEFINE_string("config", None, "JSON config (keys grid, batch_size, segment_size), as for evaluate.")
flags.DEFINE_integer("batch_size", None, "Largest micro-batch (must match evaluate's).", lower_bound=1)
flags.DEFINE_integer("segment_size", None, "Ops per kernel: 1 = per op, 0 = whole program (must match "
                     "evaluate's).", lower_bound=0)
flags.DEFINE_multi_string("batt", None, "Batt file (repeatable): compile the batt's kernels instead of "
                          "--programs (for python -m jaxdsl.evaluate --batt with the same flags).")
flags.DEFINE_enum("on_error", "poison", ["poison", "default"], "Batts: the error policy evaluate will use "
                  "(kernels differ between the two).")
flags.DEFINE_string("cache_dir", None, "Persistent compilation cache directory (default: "
                    "$JAXDSL_CACHE_DIR or ~/.cache/jaxdsl/xla).")


def main(argv):
    """Build the kernels; the exit code is 0, 2 for bad input or an OS error (one line
    ``error: <file or path>: <cause>`` on stderr), or 130 on Ctrl-C (see :func:`run`)."""
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    if not FLAGS["verbosity"].present:
        logging.set_verbosity(logging.WARNING)
    from jaxdsl.cli import one_line_errors

    return one_line_errors(_compile)


def _compile() -> int:
    """Checks (flags, --cache_dir) first, then data and programs, then the kernels."""
    from jaxdsl.config import task_ids_flag

    task_ids = task_ids_flag(FLAGS["tasks"])
    import jax

    if FLAGS.devices > 1:
        jax.config.update("jax_num_cpu_devices", FLAGS.devices)
    from jaxdsl.cache import CacheMonitor, enable_persistent_cache

    cache_dir = enable_persistent_cache(FLAGS.cache_dir)
    from jaxdsl import runner
    from jaxdsl.config import load_config
    from jaxdsl.data import load_tasks, samples, select_tasks

    config = load_config(FLAGS.config).with_overrides(FLAGS.batch_size, FLAGS.segment_size)
    tasks = select_tasks(load_tasks(None if FLAGS.challenges else FLAGS.data, FLAGS.challenges), task_ids)
    n = len(samples(tasks))
    monitor = CacheMonitor()
    if FLAGS.batt:
        from jaxdsl.cache import parse_batt_cached
        from jaxdsl import batt_runner

        compiled = [batt_runner.compile_batt(parse_batt_cached(path), config, FLAGS.on_error)
                    for path in FLAGS.batt]
    else:
        programs = runner.load_programs(FLAGS.programs or runner.shipped_program_files())
        compiled = runner.compile_programs(programs, config)
    count, _ = runner.micro_batches(n, config.batch_size, FLAGS.devices)
    batch, _, spec = runner.batch_layout(config, FLAGS.devices, n)
    H, W = config.capacity.grid
    t0 = time.perf_counter()
    if FLAGS.batt:     # with S's spec for the batts whose kernels read it, as evaluate runs them
        batt_runner.lower_batts(compiled, config, FLAGS.devices, n)
    else:
        runner.lower_programs(compiled, spec)
    elapsed = time.perf_counter() - t0
    print(f"compiled {len(compiled)} {'batts' if FLAGS.batt else 'programs'} into "
          f"{len(compiled[0].kernels) if compiled else 0} distinct "
          f"kernels in {elapsed:.2f} s (batch {batch}: {count} micro-batch(es) for {n} samples, "
          f"input grid {H}×{W}, segment size "
          f"{config.segment_size or 'whole program'}, {FLAGS.devices} device(s))")
    print(f"persistent cache {monitor.describe(cache_dir)}")
    return 0


def run():
    """Console entry point: :func:`main` under absl; Ctrl-C exits with code 130 and the line
    ``interrupted: ...`` (kernels already stored stay valid: the caches write atomically).
    The process ends without freeing the loaded executables
    (:func:`jaxdsl.cli.exit_skipping_teardown`)."""
    from jaxdsl.cli import exit_skipping_teardown, run_interruptible

    exit_skipping_teardown(lambda: run_interruptible(lambda: app.run(main),
                                                     lambda: "interrupted: kernels built so far stay in the cache"))


if __name__ == "__main__":
    run()
