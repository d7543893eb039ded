"""Pure-Python reference of arc-dsl: the oracle of every equivalence test.

Name for name and behaviour for behaviour as ``../shared/arc-dsl-spec.md`` states, with
the canonical iteration order of spec §5 for frozensets (see :mod:`._base`).

Modules, one per primitive family:

* :mod:`.numeric`      arithmetic, logic and vector helpers
* :mod:`.containers`   tuples and frozensets
* :mod:`.higher_order` functions as arguments or results
* :mod:`.measures`     colours and measurements of grids and pieces
* :mod:`.patches`      patch geometry, predicates, lines and boxes
* :mod:`.objects`      segmentation and grid ↔ patch conversion
* :mod:`.grids`        grid transforms

``PRIMITIVES`` maps each of the 160 names (in arc-dsl's file order) to its function and
``CONSTANTS`` each of the 28 constant names to its value. :mod:`.dsl` exposes all of them
as plain module attributes, like arc-dsl's ``from dsl import *`` (the package itself does
not, because the primitive ``objects`` would hide the submodule of the same name).
"""

from __future__ import annotations

import importlib

from .constants import CONSTANTS

_MODULES = ("numeric", "containers", "higher_order", "measures", "patches", "objects", "grids")

PRIMITIVE_NAMES: tuple[str, ...] = (
    "identity", "add", "subtract", "multiply", "divide", "invert", "even", "double",
    "halve", "flip", "equality", "contained", "combine", "intersection", "difference",
    "dedupe", "order", "repeat", "greater", "size", "merge", "maximum", "minimum",
    "valmax", "valmin", "argmax", "argmin", "mostcommon", "leastcommon", "initset",
    "both", "either", "increment", "decrement", "crement", "sign", "positive", "toivec",
    "tojvec", "sfilter", "mfilter", "extract", "totuple", "first", "last", "insert",
    "remove", "other", "interval", "astuple", "product", "pair", "branch", "compose",
    "chain", "matcher", "rbind", "lbind", "power", "fork", "apply", "rapply", "mapply",
    "papply", "mpapply", "prapply", "mostcolor", "leastcolor", "height", "width", "shape",
    "portrait", "colorcount", "colorfilter", "sizefilter", "asindices", "ofcolor",
    "ulcorner", "urcorner", "llcorner", "lrcorner", "crop", "toindices", "recolor",
    "shift", "normalize", "dneighbors", "ineighbors", "neighbors", "objects", "partition",
    "fgpartition", "uppermost", "lowermost", "leftmost", "rightmost", "square", "vline",
    "hline", "hmatching", "vmatching", "manhattan", "adjacent", "bordering",
    "centerofmass", "palette", "numcolors", "color", "toobject", "asobject", "rot90",
    "rot180", "rot270", "hmirror", "vmirror", "dmirror", "cmirror", "fill", "paint",
    "underfill", "underpaint", "hupscale", "vupscale", "upscale", "downscale", "hconcat",
    "vconcat", "subgrid", "hsplit", "vsplit", "cellwise", "replace", "switch", "center",
    "position", "index", "canvas", "corners", "connect", "cover", "trim", "move",
    "tophalf", "bottomhalf", "lefthalf", "righthalf", "vfrontier", "hfrontier",
    "backdrop", "delta", "gravitate", "inbox", "outbox", "box", "shoot", "occurrences",
    "frontiers", "compress", "hperiod", "vperiod",
)

HIGHER_ORDER: frozenset[str] = frozenset({
    "order", "valmax", "valmin", "argmax", "argmin", "sfilter", "mfilter", "extract",
    "compose", "chain", "matcher", "rbind", "lbind", "power", "fork", "apply", "rapply",
    "mapply", "papply", "mpapply", "prapply",
})
"""Primitives that take or return functions (spec §4.5 and the container primitives with a
``Callable`` parameter)."""


def _collect() -> dict:
    found = {}
    for mod_name in _MODULES:
        module = importlib.import_module(f"{__name__}.{mod_name}")
        for name in PRIMITIVE_NAMES:
            fn = getattr(module, name, None)
            if fn is not None and getattr(fn, "__module__", None) == module.__name__:
                found[name] = fn
    return {name: found[name] for name in PRIMITIVE_NAMES if name in found}


PRIMITIVES: dict = _collect()
"""Name → reference function, in arc-dsl's file order."""
