"""Probes of the value classes that the long fuzz run found defects in (issue #10):
sentinels that kernels produce but few test inputs hold — ``None`` from ``index`` outside
the grid, ``()`` from ``ulcorner`` & co. of an empty patch, grids of empty rows, Objects
with two colours at one position — passed to every primitive family that takes them, as
arguments, conditions, map results and container elements.

Each probe is a small solver body run by :func:`jaxdsl.fuzz.check_program` on 32
ARC-AGI-1 input grids through both backends; every sample where JAX did not overflow must
agree with the reference (ok and value), and at least one must not overflow, except for
the probes of :data:`OVERFLOWING`, which must overflow on every sample. Probes whose types the JAX front-end does not take (``hperiod`` of a Grid, ``apply``
over a Grid's rows, ...) are left out. Slow (a few hundred kernels): ``pytest -m slow
tests/test_fuzz_probes.py``.
"""

from __future__ import annotations

import functools

import pytest

from compiler.parse import parse_source
from jaxdsl import fuzz

# positions inside and below/right of the grid, and index() of them: None outside
OUTSIDE = ("x1 = asindices(I)\n    x2 = shape(I)\n    x3 = shift(x1, x2)\n    x4 = combine(x3, x1)\n"
           "    x5 = lbind(index, I)\n    ")
NONE_PROBES = {
    "sfilter_index": "x1 = combine(I, I)\n    x2 = ofcolor(x1, EIGHT)\n    x3 = lbind(index, I)\n    O = sfilter(x2, x3)",
    "mfilter_index": "x1 = vconcat(I, I)\n    x2 = objects(x1, T, F, F)\n    x3 = lbind(index, I)\n"
                     "    x4 = compose(x3, lrcorner)\n    O = mfilter(x2, x4)",
    "extract_index": OUTSIDE + "x6 = compose(invert, first)\n    x7 = order(x4, x6)\n    O = extract(x7, x5)",
    "branch_none": "x1 = shape(I)\n    x2 = index(I, x1)\n    x3 = branch(x2, rot90, rot180)\n    O = x3(I)",
    "branch_zero": "x1 = index(I, ORIGIN)\n    x2 = branch(x1, rot90, rot180)\n    O = x2(I)",
    "argmax": OUTSIDE + "O = argmax(x4, x5)",
    "argmin": OUTSIDE + "O = argmin(x4, x5)",
    "valmax": OUTSIDE + "O = valmax(x4, x5)",
    "valmin": OUTSIDE + "O = valmin(x4, x5)",
    "order": OUTSIDE + "O = order(x4, x5)",
    "apply": OUTSIDE + "O = apply(x5, x4)",
    "apply_size": OUTSIDE + "x6 = apply(x5, x4)\n    O = size(x6)",
    "apply_first": OUTSIDE + "x6 = apply(x5, x4)\n    x7 = order(x6, identity)\n    O = first(x7)",
    "apply_maximum": OUTSIDE + "x6 = apply(x5, x4)\n    O = maximum(x6)",
    "apply_minimum": OUTSIDE + "x6 = apply(x5, x4)\n    O = minimum(x6)",
    "apply_mostcommon": OUTSIDE + "x6 = totuple(x4)\n    x7 = apply(x5, x6)\n    O = mostcommon(x7)",
    "apply_leastcommon": OUTSIDE + "x6 = totuple(x4)\n    x7 = apply(x5, x6)\n    O = leastcommon(x7)",
    "apply_contained": OUTSIDE + "x6 = apply(x5, x4)\n    x7 = index(I, x2)\n    O = contained(x7, x6)",
    "apply_remove": OUTSIDE + "x6 = apply(x5, x4)\n    x7 = index(I, x2)\n    O = remove(x7, x6)",
    "other": "x1 = shape(I)\n    x2 = index(I, x1)\n    x3 = index(I, ORIGIN)\n    x4 = initset(x2)\n"
             "    x5 = insert(x3, x4)\n    O = other(x5, x3)",
    "sfilter_flip": OUTSIDE + "x6 = compose(flip, x5)\n    O = sfilter(x4, x6)",
    "sfilter_even": OUTSIDE + "x6 = compose(even, x5)\n    O = sfilter(x4, x6)",
    "matcher": OUTSIDE + "x7 = index(I, x2)\n    x6 = matcher(x5, x7)\n    O = sfilter(x4, x6)",
    "power": "x1 = shape(I)\n    x2 = index(I, x1)\n    x3 = power(rot90, x2)\n    O = x3(I)",
    "fork": OUTSIDE + "x6 = fork(add, x5, x5)\n    O = apply(x6, x4)",
    "astuple_rows": OUTSIDE + "x6 = rbind(astuple, ONE)\n    x7 = compose(x6, x5)\n    O = apply(x7, x4)",
    "astuple_tuple_rows": OUTSIDE + "x6 = totuple(x4)\n    x7 = rbind(astuple, ONE)\n    x8 = compose(x7, x5)\n"
                          "    O = apply(x8, x6)",
    "cell_first": "x1 = shape(I)\n    x2 = index(I, x1)\n    x3 = astuple(x2, x1)\n    O = identity(x3)",
    "pair": "x1 = shape(I)\n    x2 = index(I, x1)\n    x3 = astuple(x2, ONE)\n    O = identity(x3)",
    "sfilter_tuple": OUTSIDE + "x6 = totuple(x4)\n    O = sfilter(x6, x5)",
    "extract_tuple": OUTSIDE + "x6 = totuple(x4)\n    O = extract(x6, x5)",
}

# one position (the grid's shape, outside it): index() gives None for the only element
ONE = "x1 = shape(I)\n    x2 = initset(x1)\n    x5 = lbind(index, I)\n    "
TWO = "x1 = shape(I)\n    x2 = initset(x1)\n    x3 = insert(ORIGIN, x2)\n    x5 = lbind(index, I)\n    "
ONE_NONE_PROBES = {
    "argmax": ONE + "O = argmax(x2, x5)",
    "argmin": ONE + "O = argmin(x2, x5)",
    "valmax": ONE + "O = valmax(x2, x5)",
    "valmin": ONE + "O = valmin(x2, x5)",
    "order": ONE + "O = order(x2, x5)",
    "apply_maximum": ONE + "x3 = apply(x5, x2)\n    O = maximum(x3)",
    "apply_minimum": ONE + "x3 = apply(x5, x2)\n    O = minimum(x3)",
    "apply_first": ONE + "x3 = apply(x5, x2)\n    O = first(x3)",
    "apply_size": ONE + "x3 = apply(x5, x2)\n    O = size(x3)",
    "apply_mostcommon": ONE + "x3 = totuple(x2)\n    x4 = apply(x5, x3)\n    O = mostcommon(x4)",
    "apply_add": ONE + "x3 = apply(x5, x2)\n    x4 = first(x3)\n    O = add(x4, ONE)",
    "apply_equality": ONE + "x3 = apply(x5, x2)\n    x4 = first(x3)\n    x6 = index(I, x1)\n    O = equality(x4, x6)",
    "two_valmax_tie": TWO + "O = valmax(x3, x5)",
    "two_order": TWO + "O = order(x3, x5)",
    "two_argmax_flip": TWO + "x6 = compose(flip, x5)\n    O = argmax(x3, x6)",
}

# ulcorner of an empty patch is (): mapped, collected and consumed
CORNERS = ("x1 = palette(I)\n    x2 = insert(TEN, x1)\n    x3 = totuple(x2)\n    x4 = lbind(ofcolor, I)\n"
           "    x5 = compose(ulcorner, x4)\n    x6 = apply(x5, x3)\n    ")
CELLS = ("x1 = asindices(I)\n    x2 = shape(I)\n    x3 = shift(x1, x2)\n    x9 = combine(x3, x1)\n"
         "    x4 = totuple(x9)\n    x5 = lbind(index, I)\n    x6 = fork(astuple, x5, identity)\n"
         "    x7 = apply(x6, x4)\n    ")
EMPTY_TUPLE_PROBES = {
    "corner_tuple": CORNERS + "O = identity(x6)",
    "corner_first": CORNERS + "O = first(x6)",
    "corner_last": CORNERS + "O = last(x6)",
    "corner_size": CORNERS + "O = size(x6)",
    "corner_dedupe": CORNERS + "O = dedupe(x6)",
    "corner_mostcommon": CORNERS + "O = mostcommon(x6)",
    "corner_set": CORNERS + "O = apply(x5, x2)",
    "corner_set_size": CORNERS + "x7 = apply(x5, x2)\n    O = size(x7)",
    "corner_sfilter": CORNERS + "O = sfilter(x6, flip)",
    "corner_height": CORNERS + "O = apply(height, x6)",
    "cell_empty": "x1 = ofcolor(I, TEN)\n    x2 = ulcorner(x1)\n    x3 = astuple(ONE, x2)\n    O = identity(x3)",
    "none_cells": CELLS + "O = identity(x7)",
    "none_cells_first": CELLS + "O = first(x7)",
    "none_cells_set": CELLS + "O = apply(x6, x9)",
    "none_cells_set_size": CELLS + "x8 = apply(x6, x9)\n    O = size(x8)",
    "height_of_empty": "x1 = ofcolor(I, EIGHT)\n    x2 = ulcorner(x1)\n    O = height(x2)",
}

# a grid of three empty rows into grid, patch and container primitives
ROWS0 = "x1 = astuple(THREE, ZERO)\n    x2 = crop(I, ORIGIN, x1)\n    "
EMPTY_ROWS_PROBES = {o: ROWS0 + f"O = {o}(x2)" for o in (
    "height", "width", "shape", "rot90", "rot180", "rot270", "hmirror", "vmirror", "dmirror", "cmirror",
    "palette", "mostcolor", "leastcolor", "numcolors", "asobject", "asindices", "tophalf", "bottomhalf",
    "lefthalf", "righthalf", "trim", "compress", "frontiers", "identity", "portrait",
    "square", "first", "last", "size", "mostcommon", "dedupe", "flip")}
EMPTY_ROWS_PROBES.update({
    "ofcolor": ROWS0 + "O = ofcolor(x2, ZERO)",
    "objects": ROWS0 + "O = objects(x2, T, F, F)",
    "partition": ROWS0 + "O = partition(x2)",
    "fgpartition": ROWS0 + "O = fgpartition(x2)",
    "hconcat": ROWS0 + "O = hconcat(x2, x2)",
    "vconcat": ROWS0 + "O = vconcat(x2, x2)",
    "vconcat_I": ROWS0 + "O = vconcat(x2, I)",
    "upscale": ROWS0 + "O = upscale(x2, TWO)",
    "hupscale": ROWS0 + "O = hupscale(x2, TWO)",
    "vupscale": ROWS0 + "O = vupscale(x2, TWO)",
    "downscale": ROWS0 + "O = downscale(x2, TWO)",
    "hsplit": ROWS0 + "O = hsplit(x2, TWO)",
    "vsplit": ROWS0 + "O = vsplit(x2, THREE)",
    "replace": ROWS0 + "O = replace(x2, ZERO, ONE)",
    "switch": ROWS0 + "O = switch(x2, ZERO, ONE)",
    "fill": ROWS0 + "x3 = asindices(I)\n    O = fill(x2, ONE, x3)",
    "paint": ROWS0 + "x3 = asobject(I)\n    O = paint(x2, x3)",
    "underfill": ROWS0 + "x3 = asindices(I)\n    O = underfill(x2, ONE, x3)",
    "cellwise": ROWS0 + "O = cellwise(x2, x2, ONE)",
    "index": ROWS0 + "O = index(x2, ORIGIN)",
    "toobject": ROWS0 + "x3 = asindices(I)\n    O = toobject(x3, x2)",
    "subgrid": ROWS0 + "x3 = asindices(I)\n    O = subgrid(x3, x2)",
    "crop": ROWS0 + "O = crop(x2, ORIGIN, x1)",
    "equality": ROWS0 + "x3 = crop(I, ORIGIN, x1)\n    O = equality(x2, x3)",
    "occurrences": ROWS0 + "x3 = asobject(I)\n    O = occurrences(x2, x3)",
    "colorcount": ROWS0 + "O = colorcount(x2, ZERO)",
    "combine": ROWS0 + "O = combine(x2, I)",
    "canvas": ROWS0 + "x3 = shape(x2)\n    O = canvas(ONE, x3)",
})

# the largest object and its copy in colour 10: two colours at every position
MULTI = ("x1 = objects(I, T, F, T)\n    x2 = argmax(x1, size)\n    x3 = recolor(TEN, x2)\n"
         "    x4 = combine(x2, x3)\n    ")
MULTI_COLOUR_PROBES = {o: MULTI + f"O = {o}(x4)" for o in (
    "size", "color", "normalize", "toindices", "ulcorner", "lrcorner", "palette", "mostcolor", "leastcolor",
    "numcolors", "centerofmass", "center", "height", "width", "shape", "hmirror", "vmirror", "dmirror",
    "cmirror", "totuple", "first", "last", "backdrop", "box", "delta", "hperiod", "vperiod", "uppermost",
    "vline", "square", "portrait", "identity")}
MULTI_COLOUR_PROBES.update({
    "paint": MULTI + "O = paint(I, x4)",
    "cover": MULTI + "O = cover(I, x4)",
    "subgrid": MULTI + "O = subgrid(x4, I)",
    "shift": MULTI + "O = shift(x4, UNITY)",
    "recolor": MULTI + "O = recolor(ONE, x4)",
    "move": MULTI + "O = move(I, x4, UNITY)",
    "colorcount": MULTI + "O = colorcount(x4, TEN)",
    "colorfilter": MULTI + "x5 = insert(x4, x1)\n    O = colorfilter(x5, TEN)",
    "merge": MULTI + "x5 = insert(x4, x1)\n    O = merge(x5)",
    "sizefilter": MULTI + "x5 = insert(x4, x1)\n    O = sizefilter(x5, TWO)",
    "occurrences": MULTI + "O = occurrences(I, x4)",
    "difference": MULTI + "O = difference(x4, x3)",
    "intersection": MULTI + "O = intersection(x4, x2)",
    "apply": MULTI + "x5 = insert(x4, x1)\n    O = apply(color, x5)",
    "order": MULTI + "x5 = insert(x4, x1)\n    O = order(x5, size)",
    "equality": MULTI + "x5 = combine(x3, x2)\n    O = equality(x4, x5)",
    "contained": MULTI + "x5 = first(x4)\n    O = contained(x5, x4)",
    "adjacent": MULTI + "O = adjacent(x4, x2)",
    "gravitate": MULTI + "O = gravitate(x4, x2)",
    "underpaint": MULTI + "O = underpaint(I, x4)",
    "toobject": MULTI + "x5 = toindices(x4)\n    O = toobject(x5, I)",
})

PROBES = {f"{group}-{name}": body for group, table in (
    ("none", NONE_PROBES), ("one_none", ONE_NONE_PROBES), ("empty_tuple", EMPTY_TUPLE_PROBES),
    ("empty_rows", EMPTY_ROWS_PROBES), ("multi_colour", MULTI_COLOUR_PROBES)) for name, body in table.items()}


OVERFLOWING = {
    "empty_rows-combine", "empty_rows-vconcat_I",               # rows of different lengths
    "empty_tuple-cell_empty", "empty_tuple-corner_dedupe", "empty_tuple-corner_set",
    "empty_tuple-corner_set_size", "empty_tuple-corner_tuple",  # () inside a container or Cell
    "empty_tuple-none_cells", "empty_tuple-none_cells_first", "empty_tuple-none_cells_set",
    "empty_tuple-none_cells_set_size", "none-astuple_rows", "none-cell_first",
    "none-other",                                               # None inside a pair, Cell or set
}
"""Probes whose value the JAX representation cannot hold: JAX marks every sample
overflowed (the runner's fallback computes it exactly), and the probe asserts that. Every
other probe compares at least one sample's value or not-ok flag."""


@functools.lru_cache(maxsize=None)
def _grids() -> tuple:
    return tuple(fuzz.input_pool("arc1")[:96:3])


def _program(key: str):
    name = "solve_probe_" + key.replace("-", "_")
    source = f"from dsl import *\nfrom constants import *\n\n\ndef {name}(I):\n    {PROBES[key]}\n    return O\n"
    (program,) = parse_source(source, f"<probe {key}>")
    return program


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(PROBES))
def test_probe_agrees(key):
    c = fuzz.check_program(_program(key), list(_grids()))
    assert not c.skipped, c.skipped
    assert not c.bad, [(i, c.ref[i].describe(), c.jax[i].describe()) for i in c.bad[:3]]
    compared = sum(not j.overflow for j in c.jax)
    if key in OVERFLOWING:
        assert compared == 0, f"JAX now holds {compared} samples' values: move the probe out of OVERFLOWING"
    else:
        assert compared > 0, "JAX overflowed on every sample: the probe compares nothing"
