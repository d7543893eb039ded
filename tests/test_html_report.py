"""report.html: every grid shown is the source grid (from its data attributes and from the
drawn cells), wrong cells are counted and marked, solved tasks come first, the filter lists
every program (and works, under node), the page is self-contained, and write_all writes it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from jaxdsl import data, report, runner
from jaxdsl.html_report import (ARC_PALETTE, NO_CANDIDATE, Candidate, TaskView, task_views,
                                write_report)

RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z")
SQUARE = re.compile(r"M(\d+)\.15 (\d+)\.15h\.7v\.7h-\.7z")
WEIRD_ID = 'we<ird"&\'id'
WEIRD_PROGRAM = "<b>p&q</b>"


class Page(HTMLParser):
    """Collects the elements of a report: every svg (with its paths), task sections, the
    program filter's options, tables, and every src/href attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.svgs, self.sections, self.options, self.links, self.scripts = [], [], [], [], []
        self.tables: dict = {}
        self.text: list = []
        self._svg = self._select = self._table = self._row = None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href", "xlink:href"):
            if key in a:
                self.links.append(a[key])
        if tag == "svg":
            self._svg = {"attrs": a, "paths": []}
            self.svgs.append(self._svg)
        elif tag == "path" and self._svg is not None:
            self._svg["paths"].append(a)
        elif tag == "section" and "task" in a.get("class", "").split():
            self.sections.append(a)
        elif tag == "select":
            self._select = a.get("id")
        elif tag == "option" and self._select == "program-filter":
            self.options.append(a["value"])
        elif tag == "table":
            self._table = self.tables.setdefault(a.get("data-table"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._row.append("")
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None
        elif tag == "select":
            self._select = None
        elif tag == "table":
            self._table = self._row = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, d):
        if self._in_script:
            self.scripts[-1] += d
            return
        self.text.append(d)
        if self._row:
            self._row[-1] += d


def parse(path) -> tuple[Page, str]:
    text = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    page.close()
    return page, text


def as_grid(g):
    return tuple(tuple(r) for r in g)


def drawn_grid(svg) -> tuple:
    """The grid as drawn: each cell covered by exactly one run of a colour path, whose fill is
    that colour's ARC colour; the runs cover exactly the viewBox."""
    _, _, w, h = (int(v) for v in svg["attrs"]["viewbox"].split())
    cells = [[None] * w for _ in range(h)]
    for p in svg["paths"]:
        if "data-colour" not in p:
            continue
        colour = int(p["data-colour"])
        assert p["fill"] == ARC_PALETTE[colour]
        runs = RUN.findall(p["d"])
        assert "".join(f"M{x} {y}h{n}v1h-{m}z" for x, y, n, m in runs) == p["d"]
        for x, y, n, m in runs:
            x, y, n = int(x), int(y), int(n)
            assert n == int(m) and n > 0
            for j in range(x, x + n):
                assert cells[y][j] is None, "cell drawn twice"
                cells[y][j] = colour
    assert all(c is not None for row in cells for c in row), "cell not drawn"
    return as_grid(cells)


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def arc_tasks():
    return data.tasks_by_id(data.select_tasks(
        data.load_tasks("arc1"), ["007bbfb7", "0d3d703e", "1cf80156", "3c9b0459"]))


def changed(grid, cells):
    g = [list(r) for r in grid]
    for i, j in cells:
        g[i][j] = (g[i][j] + 1) % 10
    return as_grid(g)


@pytest.fixture(scope="module")
def views(arc_tasks):
    """Four real tasks with known candidates (a right one, a wrong one, one of another shape,
    none, two producers) plus a task with characters that need escaping; unsolved first."""
    def view(task, candidates, solved, task_id=None):
        return TaskView(task_id or task.id, [(p.input, p.output) for p in task.demos],
                        [(p.input, p.output) for p in task.tests], candidates, solved)

    t = arc_tasks
    exp_0d = t["0d3d703e"].tests[0].output
    exp_1c = t["1cf80156"].tests[0].output
    return [
        # Another shape (the 3×3 test input for a 9×9 output), then a wrong one as a list.
        view(t["007bbfb7"], [[("prog_shape", t["007bbfb7"].tests[0].input),
                              ("prog_wrong", [list(r) for r in changed(t["007bbfb7"].tests[0].output,
                                                                       [(0, 0)])])]], False),
        view(t["3c9b0459"], [], False),  # no candidate
        # Right (two producers) and wrong in two cells.
        view(t["0d3d703e"], [[Candidate(exp_0d, ("prog_right", "prog_also"), 1),
                              ("prog_wrong", changed(exp_0d, [(0, 1), (2, 2)]))]], True),
        view(t["1cf80156"], [[("prog_right", exp_1c)]], True),
        # Unknown expected output, a name and an id that need escaping.
        TaskView(WEIRD_ID, [(((1, 2),), ((3, 4),))], [(((5,),), None)], [[(WEIRD_PROGRAM, ((6, 7),))]], False),
    ]


SUMMARY = {"data": "arc1", "backend": "reference", "tasks": 5, "samples": 21, "programs": 4,
           "run_s": 1.234, "pairs_per_s": 5678.9, "cache": "n/a",
           "per_program": {"prog_right": {"ok": 11, "match": 9, "overflow": 0},
                           "prog_wrong": {"ok": 7, "match": 2, "overflow": 1},
                           "prog_never": {"ok": 0, "match": 0, "overflow": 0}},
           "solved": ["0d3d703e", "1cf80156"]}
TABLES = {"per differ": [{"differ": "d_one", "calls": 31, "hits": 7},
                         {"differ": "d_two", "calls": 17, "share": 0.25}]}


@pytest.fixture(scope="module")
def page(views, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(path, SUMMARY, views, TABLES)
    return parse(path)


# ------------------------------------------------------------------------------ tests


def expected_grids(views):
    """(task, role, pair, attempt) → source grid, for every grid the page must show."""
    out = {}
    for v in views:
        for i, (a, b) in enumerate(v.demos):
            out[(v.task_id, "demo-input", i, None)] = as_grid(a)
            out[(v.task_id, "demo-output", i, None)] = as_grid(b)
        for i, (a, b) in enumerate(v.tests):
            out[(v.task_id, "test-input", i, None)] = as_grid(a)
            if b is not None:
                out[(v.task_id, "expected", i, None)] = as_grid(b)
        for i, cs in enumerate(v.candidates):
            for n, c in enumerate(cs):
                grid = c.grid if isinstance(c, Candidate) else c[1]
                out[(v.task_id, "candidate", i, str(n + 1))] = as_grid(grid)
    return out


def test_every_grid_is_the_source_grid(page, views):
    page, _ = page
    want = expected_grids(views)
    shown = {}
    for svg in page.svgs:
        a = svg["attrs"]
        key = (a["data-task"], a["data-role"], int(a["data-pair"]), a.get("data-attempt"))
        assert key not in shown, f"{key} shown twice"
        grid = as_grid(json.loads(a["data-grid"]))
        shown[key] = grid
        # The drawn cells are the grid: h × w cells in all, each of its colour.
        assert drawn_grid(svg) == grid
        assert sum(len(r) for r in grid) == len(grid) * len(grid[0])
        assert a["viewbox"] == f"0 0 {len(grid[0])} {len(grid)}"
    assert shown == want


def test_wrong_cells_are_counted_and_marked(page, views):
    page, _ = page
    want = expected_grids(views)
    seen = {"right": 0, "wrong": 0, "shape": 0, "unknown": 0}
    for svg in page.svgs:
        a = svg["attrs"]
        if a["data-role"] != "candidate":
            continue
        grid = as_grid(json.loads(a["data-grid"]))
        expected = want.get((a["data-task"], "expected", int(a["data-pair"]), None))
        layers = {p.get("data-layer"): p for p in svg["paths"]}
        if expected is None:
            seen["unknown"] += 1
            assert "data-wrong-cells" not in a and "wrong" not in layers
            continue
        if (len(grid), len(grid[0])) != (len(expected), len(expected[0])):
            seen["shape"] += 1
            assert a["data-shape-ok"] == "false"
            assert int(a["data-wrong-cells"]) == len(grid) * len(grid[0])
            assert "shape-wrong" in layers and "wrong" not in layers
            continue
        diff = {(i, j) for i in range(len(grid)) for j in range(len(grid[0]))
                if grid[i][j] != expected[i][j]}
        assert a["data-shape-ok"] == "true"
        assert int(a["data-wrong-cells"]) == len(diff)
        marked = {(int(y), int(x)) for x, y in SQUARE.findall(layers["wrong"]["d"])} if diff else set()
        assert marked == diff
        if diff:
            assert len(SQUARE.findall(layers["wrong"]["d"])) == len(diff)
        else:
            assert "wrong" not in layers and "shape-wrong" not in layers
        seen["wrong" if diff else "right"] += 1
    assert seen == {"right": 2, "wrong": 2, "shape": 1, "unknown": 1}


def test_candidates_name_their_programs(page, views):
    page, _ = page
    programs = {(s["attrs"]["data-task"], s["attrs"]["data-attempt"]): json.loads(s["attrs"]["data-programs"])
                for s in page.svgs if s["attrs"]["data-role"] == "candidate"}
    assert programs[("0d3d703e", "1")] == ["prog_right", "prog_also"]
    assert programs[("007bbfb7", "1")] == ["prog_shape"]
    assert programs[(WEIRD_ID, "1")] == [WEIRD_PROGRAM]
    for s in page.svgs:
        if s["attrs"]["data-role"] == "candidate":
            assert s["attrs"]["data-program"] == json.loads(s["attrs"]["data-programs"])[0]


def test_solved_tasks_come_first(page, views):
    page, _ = page
    order = [s["data-task"] for s in page.sections]
    assert order == ["0d3d703e", "1cf80156", "007bbfb7", "3c9b0459", WEIRD_ID]
    assert [s["data-solved"] for s in page.sections] == ["1", "1", "0", "0", "0"]


def test_filter_lists_every_program(page, views):
    page, _ = page
    in_views = {c.programs[0] if isinstance(c, Candidate) else c[0] for v in views
                for cs in v.candidates for c in cs} | {"prog_also"}
    assert set(page.options) == {"", NO_CANDIDATE} | in_views | set(SUMMARY["per_program"])
    assert len(page.options) == len(set(page.options))
    by_task = {s["data-task"]: json.loads(s["data-programs"]) for s in page.sections}
    assert by_task == {"0d3d703e": ["prog_right", "prog_also", "prog_wrong"], "1cf80156": ["prog_right"],
                       "007bbfb7": ["prog_shape", "prog_wrong"], "3c9b0459": [], WEIRD_ID: [WEIRD_PROGRAM]}


def test_self_contained_and_escaped(page):
    page, text = page
    assert all(link.startswith("#") for link in page.links), page.links
    assert not re.search(r"https?:|//[a-z]", " ".join(page.links))
    assert "http://" not in text and "https://" not in text
    assert "<link" not in text and "<script src" not in text and "<img" not in text
    assert "<b>p&q</b>" not in text and "&lt;b&gt;p&amp;q&lt;/b&gt;" in text
    # Every inline SVG is well-formed XML.
    svgs = re.findall(r"<svg\b.*?</svg>", text, re.S)
    assert len(svgs) == len(page.svgs)
    for svg in svgs:
        ET.fromstring(svg)


def test_summary_and_tables(page):
    page, text = page
    words = " ".join(page.text)
    assert "tasks solved: 2/5" in words
    summary_rows = {r[0]: r[1] for r in page.tables["summary"]}
    assert summary_rows["run_s"] == "1.234" and summary_rows["pairs_per_s"] == "5678.9"
    assert summary_rows["backend"] == "reference" and summary_rows["samples"] == "21"
    per = page.tables["per program"]
    header, rows = per[0], {r[0]: dict(zip(per[0], r)) for r in per[1:]}
    assert header[:4] == ["program", "ok", "match", "overflow"]
    assert rows["prog_wrong"]["ok"] == "7" and rows["prog_wrong"]["overflow"] == "1"
    assert rows["prog_right"]["candidate tasks"] == "2" and rows["prog_right"]["right-candidate tasks"] == "2"
    assert rows["prog_wrong"]["candidate tasks"] == "2" and rows["prog_wrong"]["right-candidate tasks"] == "0"
    assert rows["prog_never"]["candidate tasks"] == "0"
    extra = page.tables["per differ"]
    assert extra[0] == ["differ", "calls", "hits", "share"]
    assert extra[1] == ["d_one", "31", "7", "–"] and extra[2] == ["d_two", "17", "–", "0.25"]


def test_filter_script_hides_tasks(page):
    """Run the page's inline script under node against a minimal DOM of its sections."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    page, _ = page
    (script,) = page.scripts
    sections = [{"task": s["data-task"], "programs": s["data-programs"], "solved": s["data-solved"]}
                for s in page.sections]
    harness = """
var sections = %s.map(function(s){return {task:s.task, hidden:false,
  getAttribute:function(k){return k==='data-programs'?s.programs:s.solved;}};});
var els = {'program-filter':{value:'',h:[],addEventListener:function(e,f){this.h.push(f);}},
  'status-filter':{value:'',h:[],addEventListener:function(e,f){this.h.push(f);}},
  'shown':{textContent:''}};
var document = {getElementById:function(i){return els[i];},querySelectorAll:function(){return sections;}};
%s
var out = {};
[['prog_wrong',''],['prog_right','0'],[%s,''],['','1'],['','']].forEach(function(c){
  els['program-filter'].value=c[0]; els['status-filter'].value=c[1]; els['program-filter'].h[0]();
  out[c[0]+'|'+c[1]] = sections.filter(function(s){return !s.hidden;}).map(function(s){return s.task;});
  out[c[0]+'|'+c[1]+'#'] = els['shown'].textContent;});
console.log(JSON.stringify(out));
""" % (json.dumps(sections), script, json.dumps(NO_CANDIDATE))
    res = subprocess.run([node, "-e", harness], capture_output=True, text=True, timeout=20)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["prog_wrong|"] == ["0d3d703e", "007bbfb7"]
    assert out["prog_right|0"] == []
    assert out[NO_CANDIDATE + "|"] == ["3c9b0459"]
    assert out["|1"] == ["0d3d703e", "1cf80156"] and out["|1#"] == 2
    assert len(out["|"]) == 5


def test_write_is_atomic(tmp_path, views):
    path = tmp_path / "report.html"
    path.write_text("old")
    bad = TaskView("bad", [(((1, 2), (3,)), ((1,),))], [], [], False)  # ragged grid
    with pytest.raises(ValueError, match="bad"):
        write_report(path, SUMMARY, views + [bad])
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    write_report(path, SUMMARY, views[:1])
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert parse(path)[0].sections[0]["data-task"] == "007bbfb7"


# ------------------------------------------------------------------------------ end to end


def test_write_all_writes_the_report(tmp_path):
    ids = ["3c9b0459", "6150a2bd", "007bbfb7"]
    tasks = data.select_tasks(data.load_tasks("arc1"), ids)
    programs = [p for p in runner.load_programs([runner.PROGRAMS_DIR / "grid_solvers.py"])
                if p.name in ("solve_3c9b0459", "solve_6150a2bd")]
    assert len(programs) == 2
    result = runner.run_reference(programs, data.samples(tasks))
    summary = report.write_all(result, tmp_path, "arc1", tables=TABLES)
    assert "report.html" in report.format_summary(summary, tmp_path)
    page, _ = parse(tmp_path / "report.html")
    submission = json.loads((tmp_path / "submission.json").read_text())

    assert sorted(s["data-task"] for s in page.sections) == sorted(ids)
    solved = [s["data-task"] for s in page.sections if s["data-solved"] == "1"]
    assert solved == [s["data-task"] for s in page.sections][:len(solved)]
    assert sorted(solved) == sorted(summary["solved"]) == ["3c9b0459", "6150a2bd"]
    assert "tasks solved: 2/3" in " ".join(page.text)
    assert {r[0] for r in page.tables["per program"][1:]} == {p.name for p in programs}
    assert set(page.options) == {"", NO_CANDIDATE, "solve_3c9b0459", "solve_6150a2bd"}
    by_task = {t.id: t for t in tasks}
    for svg in page.svgs:
        a = svg["attrs"]
        task, i = by_task[a["data-task"]], int(a["data-pair"])
        grid = as_grid(json.loads(a["data-grid"]))
        assert drawn_grid(svg) == grid
        source = {"demo-input": lambda: task.demos[i].input, "demo-output": lambda: task.demos[i].output,
                  "test-input": lambda: task.tests[i].input, "expected": lambda: task.tests[i].output,
                  "candidate": lambda: as_grid(submission[task.id][i]["attempt_" + a["data-attempt"]])}
        assert grid == source[a["data-role"]]()
        if a["data-role"] == "candidate":
            # rot180 solves both tasks: both programs produce each chosen attempt.
            assert json.loads(a["data-programs"]) == ["solve_3c9b0459", "solve_6150a2bd"]
            assert a["data-wrong-cells"] == "0"
    n_candidates = sum(s["attrs"]["data-role"] == "candidate" for s in page.svgs)
    assert n_candidates == sum(len(t.tests) for t in tasks if t.id in solved)
    # The views agree with the submission: each test's candidates are its distinct attempts.
    for v in task_views(result):
        for i, cs in enumerate(v.candidates):
            attempts = {as_grid(g) for g in submission[v.task_id][i].values()}
            assert {c.grid for c in cs} == (attempts - {((0,),)})
