"""Safe results and no silent surprises in ``python -m jaxdsl.evaluate`` / ``jaxdsl.compile``
(issue #10 items 4 and 6): bad ``--out`` / ``--cache_dir`` are one-line errors before any
compute, result files are written atomically as a set, Ctrl-C exits 130 with one line and
no files, OS errors and non-UTF-8 files are one line, empty ``--tasks``, all programs
skipped and boolean config values are errors, ``--skip_unsupported`` warns once, and
compile followed by evaluate starts warm.

Most runs use the reference backend on one small task (fast; the backend does not matter
for the checks) through :func:`tests.test_runner.evaluate`.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compiler.errors import ParseError
from compiler.parse import parse_file
from jaxdsl import data, report, runner
from jaxdsl.config import ConfigError, load_config
from tests.test_runner import ROOT, evaluate

TASK = "68b16354"
QUICK = ["--tasks", TASK, "--programs", "tests/data/mirrors.py", "--backend", "reference"]
JAX_QUICK = ["--tasks", TASK, "--programs", "tests/data/mirrors.py"]


def _one_line_error(proc, returncode: int = 2) -> str:
    """The single stderr line of a failed run (checked: code, no traceback, one line)."""
    assert proc.returncode == returncode, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def _compile(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jaxdsl.compile", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})})


def _result_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


# ------------------------------------------------------------------ --out and --cache_dir


def test_out_is_an_existing_file(tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep")
    line = _one_line_error(evaluate(target, *QUICK))
    assert line == f"error: {target}: exists and is not a directory"
    assert target.read_text() == "keep"


def test_results_file_that_is_a_directory_is_found_before_the_run(tmp_path):
    out = tmp_path / "out"
    (out / "summary.json").mkdir(parents=True)
    line = _one_line_error(evaluate(out, *QUICK))
    assert line.startswith(f"error: {out / 'summary.json'}: is a directory"), line
    assert _result_files(out) == ["summary.json"]


def test_unwritable_out(tmp_path):
    line = _one_line_error(evaluate(Path("/proc/jaxdsl_no/out"), *QUICK))
    assert line.startswith("error: /proc/jaxdsl_no/out: cannot write the results there"), line
    if os.geteuid() != 0:          # root writes anywhere chmod allows nothing
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        line = _one_line_error(evaluate(locked, *QUICK))
        assert line.startswith(f"error: {locked}: cannot write the results there"), line


@pytest.mark.parametrize("cli", ["evaluate", "compile"])
def test_bad_cache_dir(tmp_path, cli):
    taken = tmp_path / "file"
    taken.write_text("")
    for cache, message in [(taken, f"error: {taken}: exists and is not a directory"),
                           (Path("/proc/jaxdsl_cache"), "error: /proc/jaxdsl_cache: cannot create the cache directory")]:
        if cli == "evaluate":
            proc = evaluate(tmp_path / "out", *JAX_QUICK, "--cache_dir", str(cache))
        else:
            proc = _compile(*JAX_QUICK, "--cache_dir", str(cache))
        assert _one_line_error(proc).startswith(message), proc.stderr
        assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ atomic results


@pytest.fixture(scope="module")
def small_result():
    tasks = [t for t in data.load_tasks("arc1") if t.id == TASK]
    return runner.run_reference(runner.load_programs([ROOT / "tests" / "data" / "mirrors.py"]), data.samples(tasks))


def test_write_all_writes_a_complete_set_without_temporary_files(tmp_path, small_result):
    report.write_all(small_result, tmp_path / "out", "arc1")
    assert _result_files(tmp_path / "out") == sorted(report.RESULT_FILES)
    mask = os.umask(0)
    os.umask(mask)
    for name in report.RESULT_FILES:
        assert (tmp_path / "out" / name).stat().st_mode & 0o777 == 0o666 & ~mask, name


def test_failed_write_leaves_the_previous_set(tmp_path, small_result, monkeypatch):
    """A failure while writing (here the HTML page) removes the temporary files and leaves
    the previous complete set untouched; never a new results.json next to an old summary."""
    from jaxdsl import html_report

    out = tmp_path / "out"
    out.mkdir()
    for name in report.RESULT_FILES:
        (out / name).write_text(f"old {name}")

    def broken(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))

    monkeypatch.setattr(html_report, "write_report", broken)
    with pytest.raises(OSError, match="No space left"):
        report.write_all(small_result, out, "arc1")
    assert _result_files(out) == sorted(report.RESULT_FILES)
    assert all((out / name).read_text() == f"old {name}" for name in report.RESULT_FILES)


def test_ctrl_c_during_the_renames_is_deferred(tmp_path, small_result, monkeypatch):
    """SIGINT arriving while the files are renamed into place is held until all four are:
    the new set is complete, then KeyboardInterrupt, and the message says so."""
    out = tmp_path / "out"
    out.mkdir()
    for name in report.RESULT_FILES:
        (out / name).write_text("old")
    replace = os.replace
    calls = []

    def replace_and_interrupt(src, dst):
        if Path(dst).name in report.RESULT_FILES:      # not the HTML page's own temporary file
            if not calls:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)
            calls.append(dst)
        replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_and_interrupt)
    monkeypatch.setattr(report, "written_dirs", [])
    with pytest.raises(KeyboardInterrupt):
        report.write_all(small_result, out, "arc1")
    assert len(calls) == len(report.RESULT_FILES)
    assert all((out / name).read_text() != "old" for name in report.RESULT_FILES)
    assert _result_files(out) == sorted(report.RESULT_FILES)
    assert report.interrupted_message() == f"interrupted: results written to {out}"


INTERRUPT_AFTER_CPU_S = 4.0
"""CPU seconds (user + system, all threads) a command runs before :func:`_interrupt` sends
SIGINT: past Python's start and the imports (JAX's takes about 1 s), well before the end of
the runs (minutes). A CPU-time threshold, unlike a sleep, holds on a loaded CI machine and
does not wait longer than needed on an idle one."""


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _interrupt(cmd: list[str], out: Path | None, cpu_s: float = INTERRUPT_AFTER_CPU_S) -> subprocess.CompletedProcess:
    """Run ``cmd``, send SIGINT once it has used ``cpu_s`` CPU seconds (at most 60 s of
    wall time later), and collect it."""
    # pytest-xdist workers ignore SIGINT, and an ignored SIGINT is inherited through exec
    # (Python then installs no KeyboardInterrupt handler): restore the default in the child
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "JAXDSL_CACHE_DIR": str((out or Path("/tmp")) / "cache")},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while proc.poll() is None and _cpu_seconds(proc.pid) < cpu_s and time.monotonic() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, "finished before the interrupt: make the run longer"
    proc.send_signal(signal.SIGINT)
    try:
        stdout, stderr = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def test_ctrl_c_in_evaluate_writes_nothing(tmp_path):
    out = tmp_path / "out"
    proc = _interrupt([sys.executable, "-m", "jaxdsl.evaluate", "--noprogress", "--backend", "reference",
                       "--out", str(out)], out)
    assert _one_line_error(proc, 130) == "interrupted: nothing written"
    assert not [n for n in _result_files(out) if n != "cache"]


def test_ctrl_c_swallowed_by_a_callback_is_delivered_again():
    """A Ctrl-C whose KeyboardInterrupt Python drops (raised inside a ``__del__``, as in
    JAX's garbage-collector callback) still ends the run: :func:`jaxdsl.cli.run_interruptible`
    delivers it again, and only the one-line message is printed."""
    script = (
        "import gc, os, signal, time\n"
        "from jaxdsl import cli\n"
        "cli.REDELIVER_S = 0.2\n"
        "class Dropper:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        time.sleep(0.05)\n"
        "def main():\n"
        "    Dropper()\n"
        "    time.sleep(30)\n"
        "    print('ran to the end')\n"
        "cli.run_interruptible(main, lambda: 'interrupted: test')\n")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert time.perf_counter() - t0 < 20
    assert "ran to the end" not in proc.stdout       # an exception in __del__ is always dropped
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip().splitlines() == ["interrupted: test"]    # and not reported


@pytest.mark.parametrize("end,code,stderr", [("pass", 0, ""), ("raise SystemExit(3)", 3, ""),
                                              ("raise SystemExit('bad flag')", 1, "bad flag")])
def test_exit_skipping_teardown_keeps_what_a_normal_exit_does(tmp_path, end, code, stderr):
    """:func:`jaxdsl.cli.exit_skipping_teardown` skips only the freeing of objects: the
    exit code, unterminated output, ``atexit`` callbacks and work still queued in a thread
    pool all come through as with a normal exit; objects are not finalised."""
    script = (
        "import atexit, concurrent.futures, os, sys, time\n"
        "from pathlib import Path\n"
        "from jaxdsl import cli\n"
        f"out = Path({str(tmp_path)!r})\n"
        "class Kept:\n"
        "    def __init__(self):\n"
        "        self.write = os.write     # still there while a normal exit tears modules down\n"
        "    def __del__(self):\n"
        "        self.write(2, b'finalised')\n"
        "def body():\n"
        "    global kept\n"
        "    kept = Kept()\n"
        "    atexit.register(lambda: (out / 'atexit').write_text('ran'))\n"
        "    pool = concurrent.futures.ThreadPoolExecutor(1)\n"
        "    pool.submit(lambda: (time.sleep(0.3), (out / 'pooled').write_text('done')))\n"
        "    sys.stdout.write('no newline')\n"
        f"    {end}\n"
        "cli.exit_skipping_teardown(body)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr.strip()) == (code, "no newline", stderr)
    assert (tmp_path / "atexit").read_text() == "ran"
    assert (tmp_path / "pooled").read_text() == "done"      # and stderr has no 'finalised'


def test_ctrl_c_in_compile(tmp_path):
    proc = _interrupt([sys.executable, "-m", "jaxdsl.compile", "--cache_dir", str(tmp_path / "cache")], tmp_path)
    assert _one_line_error(proc, 130).startswith("interrupted: ")


# ------------------------------------------------------------------ OS errors and encodings


def test_os_error_while_writing_is_one_line(tmp_path):
    """An OSError raised while the results are renamed into place (simulated by a
    ``sitecustomize`` making ``os.replace`` fail): one line naming the path, code 2, and
    neither result nor temporary files."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import errno, os\n"
        "def _replace(src, dst, **kw):\n"
        "    raise OSError(errno.ENOSPC, 'No space left on device', str(dst))\n"
        "os.replace = _replace\n")
    out = tmp_path / "out"
    line = _one_line_error(evaluate(out, *QUICK, env={"PYTHONPATH": str(hook)}))
    assert line.startswith(f"error: {out}/") and line.endswith(": No space left on device"), line
    assert _result_files(out) == []


def test_program_file_not_utf8(tmp_path):
    bad = tmp_path / "latin1.py"
    bad.write_bytes(b"# caf\xe9\nfrom dsl import *\n\ndef solve_x(I):\n    return I\n")
    with pytest.raises(ParseError, match=r"latin1\.py:0: program file is not valid UTF-8"):
        parse_file(bad)
    line = _one_line_error(evaluate(tmp_path / "out", "--tasks", TASK, "--programs", str(bad),
                                    "--backend", "reference"))
    assert line.startswith(f"error: {bad}:0: program file is not valid UTF-8"), line


# ------------------------------------------------------------------ silent surprises


@pytest.mark.parametrize("cli", ["evaluate", "compile"])
def test_empty_tasks_is_an_error(tmp_path, cli):
    args = ["--tasks", "", "--programs", "tests/data/mirrors.py"]
    proc = evaluate(tmp_path / "out", *args, "--backend", "reference") if cli == "evaluate" else _compile(*args)
    assert _one_line_error(proc) == "error: --tasks: no task id given (omit the flag to use all tasks)"
    assert not (tmp_path / "out").exists()


def test_skip_unsupported_warns_once_per_program(tmp_path):
    proc = evaluate(tmp_path / "out", "--programs", "tests/data/unsupported_in_jax.py", *JAX_QUICK,
                    "--skip_unsupported")
    assert proc.returncode == 0, proc.stderr
    skipped = [line for line in proc.stderr.splitlines() if "skipping" in line]
    assert len(skipped) == 1 and skipped[0].startswith("warning: skipping "), proc.stderr


def test_all_programs_skipped_is_an_error_and_keeps_previous_results(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text("previous")
    proc = evaluate(out, "--tasks", TASK, "--programs", "tests/data/unsupported_in_jax.py", "--skip_unsupported")
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[-1].startswith("error: no program left to run"), proc.stderr
    assert _result_files(out) == ["results.json"] and (out / "results.json").read_text() == "previous"


@pytest.mark.parametrize("content,key", [
    ('{"patch": true}', "'patch'"), ('{"grids": false}', "'grids'"), ('{"batch_size": true}', "'batch_size'"),
    ('{"segment_size": false}', "'segment_size'"), ('{"grid": [30, true]}', "'grid'"),
    ('{"tuple": 2.0}', "'tuple'"), ('{"objects": "64"}', "'objects'"),
])
def test_config_values_are_type_checked(tmp_path, content, key):
    f = tmp_path / "c.json"
    f.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert str(err.value).startswith(f"{f}: {key}"), str(err.value)


def test_config_not_utf8(tmp_path):
    f = tmp_path / "c.json"
    f.write_bytes(b'{"patch": 25\xe9}')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(f)


def test_compile_then_evaluate_with_cache_dir_is_warm(tmp_path):
    cache = tmp_path / "xla"
    built = _compile(*JAX_QUICK, "--cache_dir", str(cache))
    assert built.returncode == 0, built.stderr
    run = evaluate(tmp_path / "out", *JAX_QUICK, "--cache_dir", str(cache))
    assert run.returncode == 0, run.stderr
    assert "persistent cache warm:" in run.stdout and " 0 misses" in run.stdout, run.stdout
    assert " 0 traced)" in run.stdout, run.stdout
