"""``report.html``: one self-contained page showing an evaluation, task by task.

The page needs nothing but a browser: inline CSS, inline SVG (drawn with ``drawsvg``, one
SVG per grid) and a few lines of inline JavaScript for the filters; it links to nothing
outside itself. It shows

* the summary (data, backend, timings, tasks solved, every other scalar of the summary),
* the per-program table (ok / match / overflow counts, and the tasks each program gave a
  candidate for), then any extra named tables the caller passes (e.g. per-solver or
  per-differ statistics): ``tables={"per differ": [{"differ": "d1", "calls": 3}, ...]}``,
* a filter by program and by status (solved / not solved),
* every task, solved tasks first: its demo pairs, its test inputs, the expected test
  outputs when known, and the chosen candidates (the submission's attempts) with the
  programs that produced them. Cells of a candidate that differ from the expected output
  are outlined in red on a white halo; a candidate whose shape differs from the expected
  output is crossed out and bordered as a whole (all its cells count as wrong).

Machine-readable attributes (for tests and scripts) sit on every grid's ``<svg>``:
``data-role`` (``demo-input``, ``demo-output``, ``test-input``, ``expected``, ``candidate``),
``data-task``, ``data-pair`` (the demo or test index), ``data-grid`` (the grid as compact
JSON), and on candidates ``data-program`` (the first producing program), ``data-programs``
(JSON list of all of them), ``data-attempt`` (1-based), and, when the expected output is
known, ``data-wrong-cells`` (number of wrong cells) and ``data-shape-ok`` (``true`` /
``false``). The cells are drawn as one ``<path data-colour="C">`` per colour whose ``d`` is
a list of ``M{x} {y}h{n}v1h-{n}z`` runs (``n`` cells of colour ``C`` from column ``x`` of row
``y``); wrong cells as one ``<path data-layer="wrong">`` with one closed square per cell.
Each task is a ``<section class="task" data-task data-solved="1|0" data-programs>``.

API: :class:`TaskView` / :class:`Candidate` (a data model independent of how the results
were computed), :func:`write_report`, and :func:`task_views` (views from a
:class:`~jaxdsl.runner.RunResult` and its submission).
"""

from __future__ import annotations

import html
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence
from urllib.parse import quote

import drawsvg as dw

__all__ = ["ARC_PALETTE", "Candidate", "TaskView", "render_grid", "task_views", "wrong_cells",
           "write_report", "render_report"]

ARC_PALETTE = ("#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00",
               "#AAAAAA", "#F012BE", "#FF851B", "#7FDBFF", "#870C25")
"""The standard ARC colours 0..9."""

OFF_PALETTE = "#FFFFFF"
"""Fill of a cell whose colour is outside 0..9 (a program output can hold any integer)."""

NO_CANDIDATE = "(none)"
"""Value of the program filter's "tasks without a candidate" option (never a program name:
program names are Python identifiers)."""

Grid = tuple  # tuple[tuple[int, ...], ...]


# ---------------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Candidate:
    """One chosen output for a test input.

    Attributes:
      grid: the output grid.
      programs: the programs that produced it (non-empty; the first is the one credited).
      attempt: its 1-based attempt number in the submission (None: not numbered).
    """

    grid: Grid
    programs: tuple = ()
    attempt: int | None = None

    @property
    def program(self) -> str:
        """The credited program (the first producer), ``"?"`` when none is recorded."""
        return self.programs[0] if self.programs else "?"


@dataclass
class TaskView:
    """What the page shows of one task, independent of how it was computed.

    Attributes:
      task_id: the task id.
      demos: ``[(input, output), ...]`` demo pairs.
      tests: ``[(input, expected or None), ...]`` test pairs.
      candidates: per test input, the chosen candidates: :class:`Candidate` or
        ``(program_name, grid)`` / ``((name, ...), grid)`` tuples. Missing trailing entries
        mean no candidate.
      solved: every test's expected output is among its candidates (as decided by the
        caller; shown, and used to put solved tasks first).
    """

    task_id: str
    demos: list = field(default_factory=list)
    tests: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    solved: bool = False


def _as_grid(value, what: str) -> Grid:
    """``value`` (tuples, lists or a 2-D numpy array of ints) as a tuple of tuples of ints.

    Raises:
      ValueError: not a non-empty rectangular grid of integers.
    """
    if hasattr(value, "tolist"):
        value = value.tolist()
    try:
        rows = tuple(tuple(int(c) for c in row) for row in value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: not a grid of integers ({exc})") from None
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise ValueError(f"{what}: not a non-empty rectangular grid")
    return rows


def _as_candidate(value, what: str, attempt: int) -> Candidate:
    if isinstance(value, Candidate):
        return Candidate(_as_grid(value.grid, what), tuple(value.programs), value.attempt)
    name, grid = value
    programs = (name,) if isinstance(name, str) else tuple(name)
    return Candidate(_as_grid(grid, what), programs, attempt)


def wrong_cells(candidate: Grid, expected: Grid) -> tuple[int, bool, list]:
    """How ``candidate`` differs from ``expected``.

    Returns ``(count, shape_ok, cells)``: with the same shape, the ``(row, col)`` cells that
    differ and their count; with another shape every candidate cell is wrong
    (``count = h × w`` of the candidate, ``shape_ok`` False, ``cells`` empty).
    """
    h, w = len(candidate), len(candidate[0])
    if h != len(expected) or w != len(expected[0]):
        return h * w, False, []
    cells = [(i, j) for i in range(h) for j in range(w) if candidate[i][j] != expected[i][j]]
    return len(cells), True, cells


# ---------------------------------------------------------------------------- drawing


def _runs(grid: Grid) -> dict:
    """Colour → path data of its horizontal runs (``M{x} {y}h{n}v1h-{n}z``), in grid order."""
    out: dict = {}
    for y, row in enumerate(grid):
        x, w = 0, len(row)
        while x < w:
            c, e = row[x], x + 1
            while e < w and row[e] == c:
                e += 1
            out.setdefault(c, []).append(f"M{x} {y}h{e - x}v1h-{e - x}z")
            x = e
    return out


def _cell_px(h: int, w: int) -> int:
    """Pixels per cell: 18 for small grids, shrinking to keep a side near 200 px, at least 4."""
    return max(4, min(18, 200 // max(h, w)))


_SVG_START = 'svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"\n    '


def render_grid(grid: Grid, attrs: Mapping[str, object] | None = None,
                expected: Grid | None = None, title: str | None = None) -> str:
    """One grid as an inline ``<svg>`` element (no XML header, no namespace declarations).

    Args:
      grid: the grid. attrs: extra attributes of the ``<svg>`` (names as written, e.g.
        ``"data-role"``; values are converted with ``str`` and escaped here).
      expected: when given, cells that differ from it are marked (see :func:`wrong_cells`)
        and ``data-wrong-cells`` / ``data-shape-ok`` are set.
      title: tooltip text (escaped).
    """
    h, w = len(grid), len(grid[0])
    px = _cell_px(h, w)
    svg_args = {"data-grid": json.dumps(grid, separators=(",", ":"))}
    marks = []
    if expected is not None:
        count, shape_ok, cells = wrong_cells(grid, expected)
        svg_args["data-wrong-cells"] = count
        svg_args["data-shape-ok"] = "true" if shape_ok else "false"
        if cells:
            d = "".join(f"M{j + .15:g} {i + .15:g}h.7v.7h-.7z" for i, j in cells)
            marks.append(dw.Path(d=d, fill="none", stroke="#FFFFFF", stroke_width=.3))
            marks.append(dw.Path(d=d, fill="none", stroke="#E00000", stroke_width=.14,
                                 data_layer="wrong"))
        elif not shape_ok:
            d = f"M0 0L{w} {h}M{w} 0L0 {h}M0 0h{w}v{h}h-{w}z"
            marks.append(dw.Path(d=d, fill="none", stroke="#FFFFFF", stroke_width=.5))
            marks.append(dw.Path(d=d, fill="none", stroke="#E00000", stroke_width=.25,
                                 data_layer="shape-wrong"))
    svg_args.update(attrs or {})
    drawing = dw.Drawing(w, h, id_prefix="g", **{k.replace("-", "_"): html.escape(str(v))
                                                 for k, v in svg_args.items()})
    drawing.set_pixel_scale(px)
    if title:
        drawing.append_title(title)
    for colour, runs in sorted(_runs(grid).items()):
        fill = ARC_PALETTE[colour] if 0 <= colour < len(ARC_PALETTE) else OFF_PALETTE
        drawing.append(dw.Path(d="".join(runs), fill=fill, data_colour=colour))
    lines = "".join(f"M0 {i}H{w}" for i in range(1, h)) + "".join(f"M{j} 0V{h}" for j in range(1, w))
    drawing.append(dw.Path(d=lines + f"M0 0h{w}v{h}h-{w}z", fill="none", stroke="#555555",
                           stroke_width=.06, data_layer="lines"))
    for mark in marks:
        drawing.append(mark)
    svg = drawing.as_svg(header="")
    # Inline SVG in HTML needs neither namespace declarations nor an empty <defs>.
    return svg.replace(_SVG_START, "svg", 1).replace("<defs>\n</defs>\n", "", 1)


# ---------------------------------------------------------------------------- page


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222;background:#fafafa}
h1{font-size:1.5em}h2{font-size:1.15em;margin:.2em 0}h3{font-size:1em;margin:.4em 0 .2em}
table{border-collapse:collapse;margin:.3em 0 1em}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#eee}td:first-child,th:first-child{text-align:left}
[hidden]{display:none!important}
#filters{position:sticky;top:0;background:#fafafa;padding:.5em 0;border-bottom:1px solid #ccc;z-index:1}
.task{border:1px solid #ccc;border-radius:6px;background:#fff;margin:1em 0;padding:.5em 1em;
 content-visibility:auto;contain-intrinsic-size:auto 400px}
.task.solved{border-left:6px solid #2ECC40}.task.unsolved{border-left:6px solid #FF4136}
.badge{font-size:.8em;padding:1px 6px;border-radius:8px;color:#fff;vertical-align:middle}
.badge.solved{background:#2a2}.badge.unsolved{background:#c33}
.row{display:flex;flex-wrap:wrap;align-items:flex-start;gap:.8em}
.pair{display:flex;align-items:center;gap:.3em;border:1px dashed #ddd;padding:.3em}
.arrow{font-size:1.4em;color:#888}
figure{margin:0;display:inline-flex;flex-direction:column;align-items:flex-start}
figcaption{font-size:.8em;color:#555;max-width:220px;overflow-wrap:anywhere}
figure.right figcaption{color:#161}figure.wrong figcaption{color:#b00}
.none{color:#888;font-style:italic}
.ids a{margin-right:.5em}
"""

_JS = """
(function(){
var prog=document.getElementById('program-filter'),stat=document.getElementById('status-filter'),
 shown=document.getElementById('shown'),tasks=[].slice.call(document.querySelectorAll('section.task')),
 progs=tasks.map(function(t){return JSON.parse(t.getAttribute('data-programs'));});
function apply(){var p=prog.value,s=stat.value,n=0;
 tasks.forEach(function(t,i){var ok=(p===''||(p===NONE?progs[i].length===0:progs[i].indexOf(p)>=0))
  &&(s===''||t.getAttribute('data-solved')===s);t.hidden=!ok;if(ok)n++;});
 shown.textContent=n;}
prog.addEventListener('change',apply);stat.addEventListener('change',apply);apply();
})();
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, (dict, list, tuple)):
        return _e(json.dumps(value, separators=(", ", ": ")))
    return _e(value)


def _table(name: str, rows: Sequence[Mapping], first: str | None = None) -> str:
    """A ``<table data-table=name>`` whose columns are the union of the rows' keys."""
    columns: list = []
    for row in rows:
        for k in row:
            if k not in columns:
                columns.append(k)
    if first in columns:
        columns.remove(first)
        columns.insert(0, first)
    out = [f'<table data-table="{_e(name)}"><thead><tr>']
    out += [f"<th>{_e(c)}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _figure(svg: str, caption: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f"<figure{klass}>{svg}<figcaption>{caption}</figcaption></figure>"


def _names(programs: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(_e(p) for p in programs[:limit])
    more = len(programs) - limit
    if more > 0:
        shown += f' <span title="{_e(", ".join(programs[limit:]))}">+{more} more</span>'
    return shown


def _task_html(view: TaskView) -> str:
    tid = view.task_id
    demos = [(_as_grid(a, f"task {tid} demo {i} input"), _as_grid(b, f"task {tid} demo {i} output"))
             for i, (a, b) in enumerate(view.demos)]
    tests = [(_as_grid(a, f"task {tid} test {i} input"),
              None if b is None else _as_grid(b, f"task {tid} test {i} output"))
             for i, (a, b) in enumerate(view.tests)]
    cands = [[_as_candidate(c, f"task {tid} test {i} candidate {n}", n + 1) for n, c in enumerate(cs)]
             for i, cs in enumerate(view.candidates)]
    cands += [[] for _ in range(len(tests) - len(cands))]
    programs = []
    for cs in cands:
        for c in cs:
            for p in c.programs:
                if p not in programs:
                    programs.append(p)
    status = "solved" if view.solved else "unsolved"
    out = [f'<section class="task {status}" id="task-{_e(tid)}" data-task="{_e(tid)}" '
           f'data-solved="{int(bool(view.solved))}" '
           f'data-programs="{_e(json.dumps(programs, separators=(",", ":")))}">',
           f'<h2>{_e(tid)} <span class="badge {status}">{"solved" if view.solved else "not solved"}'
           f'</span></h2><h3>demos</h3><div class="row">']
    base = {"data-task": tid}
    for i, (a, b) in enumerate(demos):
        out.append('<div class="pair">'
                   + _figure(render_grid(a, {**base, "data-role": "demo-input", "data-pair": i}),
                             f"demo {i + 1} input {len(a)}×{len(a[0])}")
                   + '<span class="arrow">→</span>'
                   + _figure(render_grid(b, {**base, "data-role": "demo-output", "data-pair": i}),
                             f"output {len(b)}×{len(b[0])}")
                   + "</div>")
    out.append("</div>")
    for i, ((x, expected), cs) in enumerate(zip(tests, cands)):
        out.append(f'<h3>test {i + 1}</h3><div class="row test" data-pair="{i}"><div class="pair">')
        out.append(_figure(render_grid(x, {**base, "data-role": "test-input", "data-pair": i}),
                           f"test input {len(x)}×{len(x[0])}"))
        out.append('<span class="arrow">→</span>')
        if expected is None:
            out.append('<span class="none">expected output unknown</span>')
        else:
            out.append(_figure(render_grid(expected, {**base, "data-role": "expected", "data-pair": i}),
                               f"expected {len(expected)}×{len(expected[0])}"))
        out.append("</div>")
        if not cs:
            out.append('<span class="none">no candidate</span>')
        for n, c in enumerate(cs):
            g = c.grid
            attrs = {**base, "data-role": "candidate", "data-pair": i, "data-program": c.program,
                     "data-programs": json.dumps(list(c.programs), separators=(",", ":")),
                     "data-attempt": c.attempt if c.attempt is not None else n + 1}
            label = f"attempt {attrs['data-attempt']}: {_names(list(c.programs)) or '?'}"
            cls = ""
            if expected is not None:
                count, shape_ok, _ = wrong_cells(g, expected)
                if not shape_ok:
                    cls, verdict = "wrong", (f"✗ shape {len(g)}×{len(g[0])}, expected "
                                             f"{len(expected)}×{len(expected[0])}")
                elif count:
                    cls, verdict = "wrong", f"✗ {count} wrong cell{'s' if count > 1 else ''}"
                else:
                    cls, verdict = "right", "✓ right"
                label += f" — {verdict}"
            out.append(_figure(render_grid(g, attrs, expected, title=", ".join(c.programs)), label, cls))
        out.append("</div>")
    out.append("</section>\n")
    return "".join(out)


def _summary_html(summary: Mapping, views: Sequence[TaskView]) -> str:
    solved_ids = [v.task_id for v in views if v.solved]
    n_tasks = summary.get("tasks", len(views))
    n_solved = len(summary["solved"]) if isinstance(summary.get("solved"), list) else len(solved_ids)
    out = ['<section id="summary"><h2>summary</h2>',
           f'<p id="solved-count" data-solved="{n_solved}" data-tasks="{_e(n_tasks)}">'
           f"<b>tasks solved: {n_solved}/{_e(n_tasks)}</b></p>"]
    scalars = [(k, v) for k, v in summary.items() if k not in ("per_program", "solved")]
    out.append('<table data-table="summary"><tbody>')
    out += [f'<tr><th>{_e(k)}</th><td data-key="{_e(k)}">{_cell(v)}</td></tr>' for k, v in scalars]
    out.append("</tbody></table>")
    if solved_ids:
        out.append('<p class="ids">solved: '
                   + "".join(f'<a href="#task-{_e(quote(t, safe=""))}">{_e(t)}</a>' for t in solved_ids)
                   + "</p>")
    out.append("</section>")
    return "".join(out)


def _per_program_rows(summary: Mapping, views: Sequence[TaskView]) -> list:
    """Rows of the per-program table: the summary's counts plus candidate / right-candidate tasks."""
    with_candidate: dict = {}
    right: dict = {}
    for v in views:
        seen, good = set(), set()
        for (_, expected), cs in zip(v.tests, v.candidates):
            for c in cs:
                c = _as_candidate(c, f"task {v.task_id}", 0)
                seen.update(c.programs)
                if expected is not None and c.grid == _as_grid(expected, "expected"):
                    good.update(c.programs)
        for p in seen:
            with_candidate[p] = with_candidate.get(p, 0) + 1
        for p in good:
            right[p] = right.get(p, 0) + 1
    names = list(summary.get("per_program", {}))
    names += [p for p in with_candidate if p not in names]
    rows = []
    for name in names:
        counts = summary.get("per_program", {}).get(name, {})
        rows.append({"program": name, **counts, "candidate tasks": with_candidate.get(name, 0),
                     "right-candidate tasks": right.get(name, 0)})
    return rows


def render_report(summary: Mapping, tasks: Iterable[TaskView],
                  tables: Mapping[str, Sequence[Mapping]] | None = None) -> Iterable[str]:
    """The page, as a sequence of HTML chunks (see :func:`write_report`)."""
    views = sorted(tasks, key=lambda v: not v.solved)  # stable: solved first, else given order
    title = f"jaxdsl report: {summary.get('data', '')} ({summary.get('backend', '')})"
    yield (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
           f"<style>{_CSS}</style></head><body>\n<h1>{_e(title)}</h1>\n")
    yield _summary_html(summary, views)
    rows = _per_program_rows(summary, views)
    yield '<section id="tables"><h2>per program</h2>' + _table("per program", rows, "program")
    for name, trows in (tables or {}).items():
        yield f"<h2>{_e(name)}</h2>" + _table(name, list(trows))
    yield "</section>\n"
    options = "".join(f'<option value="{_e(r["program"])}">{_e(r["program"])} '
                      f'({r["candidate tasks"]})</option>' for r in rows)
    yield ('<div id="filters">program: <select id="program-filter"><option value="">all tasks</option>'
           f'{options}<option value="{_e(NO_CANDIDATE)}">tasks without a candidate</option></select> '
           'status: <select id="status-filter"><option value="">all</option>'
           '<option value="1">solved</option><option value="0">not solved</option></select> '
           f'showing <span id="shown">{len(views)}</span> of {len(views)} tasks</div>\n<main id="tasks">\n')
    for view in views:
        yield _task_html(view)
    yield (f"</main>\n<script>var NONE={json.dumps(NO_CANDIDATE)};{_JS}</script>\n"
           "</body></html>\n")


def write_report(path: str | os.PathLike, summary: Mapping, tasks: Iterable[TaskView],
                 tables: Mapping[str, Sequence[Mapping]] | None = None) -> Path:
    """Write the self-contained page to ``path`` atomically (a temporary file in the same
    directory, then ``os.replace``).

    Args:
      path: the ``.html`` file to write.
      summary: the ``summary.json`` document (any mapping: its scalar entries are listed;
        ``per_program`` and ``solved`` are shown specially when present).
      tasks: the task views (shown solved first, otherwise in the given order).
      tables: extra tables, name → rows (dicts; columns are the union of their keys).

    Returns the path written.

    Raises:
      ValueError: a grid of a view is not a non-empty rectangular grid of integers.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8") as f:
            for chunk in render_report(summary, tasks, tables):
                f.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------------------- from a run


def task_views(result, submission: Mapping | None = None, solved: Iterable[str] | None = None) -> list:
    """Task views of a :class:`~jaxdsl.runner.RunResult`, in task order.

    Args:
      result: the run.
      submission / solved: the output of :func:`jaxdsl.report.submission_json` for ``result``
        (computed when None). Each test's candidates are its distinct submitted attempts,
        credited to every program that matches all demo pairs (without overflow) and
        produced that grid on the test input, in program order; the ``[[0]]`` placeholder
        attempt of a test without any candidate is not shown.
    """
    from jaxdsl.report import EMPTY_ATTEMPT, submission_json, task_rows

    if submission is None or solved is None:
        submission, solved = submission_json(result)
    solved = set(solved)
    views = []
    for task_id, rows in task_rows(result).items():
        demo_rows = [k for k in rows if result.samples[k].kind == "demo"]
        test_rows = [k for k in rows if result.samples[k].kind == "test"]
        matching = [run for run in result.runs
                    if demo_rows and all(run.match[k] and not run.overflow[k] for k in demo_rows)]
        attempts = submission.get(task_id, [])
        candidates = []
        for t, k in enumerate(test_rows):
            picks = attempts[t] if t < len(attempts) else {}
            chosen = []
            for n, key in enumerate(("attempt_1", "attempt_2")):
                if key not in picks:
                    continue
                grid = tuple(tuple(r) for r in picks[key])
                if any(c.grid == grid for c in chosen):
                    continue
                producers = tuple(run.name for run in matching if run.outputs.get(k) == grid)
                if not producers and [list(r) for r in grid] == EMPTY_ATTEMPT:
                    continue
                chosen.append(Candidate(grid, producers, n + 1))
            candidates.append(chosen)
        views.append(TaskView(
            task_id,
            demos=[(result.samples[k].input, result.samples[k].output) for k in demo_rows],
            tests=[(result.samples[k].input, result.samples[k].output) for k in test_rows],
            candidates=candidates,
            solved=task_id in solved))
    return views
