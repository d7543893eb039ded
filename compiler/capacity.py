"""Capacity pass: a static ``(H, W)`` capacity for every Grid and Tuple[Grid] variable, a
row capacity for every patch variable.

Every Grid value is padded to a static array shape (its *capacity*, see
:mod:`jaxdsl.values`); a grid larger than its capacity sets ``overflow`` and the runner
re-runs the pair through the reference. A single capacity for every grid of a program
(the config's ``grid``) makes ``hconcat(I, vmirror(I))`` on a 20-wide input or
``upscale(x, THREE)`` overflow although the compiler can bound those results. This pass
derives, from the input's capacity and the ops, a bound for every grid variable:

==============================================  ==========================================
op                                              result capacity
==============================================  ==========================================
input ``I``                                     the config's ``grid``
``hconcat(a, b)``                               ``(max(Ha, Hb), Wa + Wb)``
``vconcat(a, b)``, ``combine(a, b)`` (Grids)    ``(Ha + Hb, max(Wa, Wb))``
``upscale(g, k)`` (``k`` a constant ≥ 1)        ``(H·k, W·k)``; a traced ``k``: the bound
``hupscale(g, k)`` / ``vupscale(g, k)``         ``(H, W·k)`` / ``(H·k, W)``; traced: the bound
``rot90``, ``rot270``, ``dmirror``, ``cmirror``  ``(W, H)`` (transposed; see below)
``canvas(c, d)``                                ``max(config, d)`` for a constant ``d``;
                                                ``g``'s capacity for ``d = shape(g)``;
                                                else the bound
anything else returning Grid / Tuple[Grid]      the largest capacity of its Grid /
                                                Tuple[Grid] arguments (config if none)
==============================================  ==========================================

An ``upscale`` family op whose factor is a constant below 1 keeps its input's capacity;
one whose factor is traced (``upscale(x, numcolors(x))``) and a ``canvas`` of traced
dimensions get the bound on the sides they may grow (measured on the default evaluate:
3,350 pairs that overflowed at the input's capacity fit). Every side is clipped to
``max_side`` (default :data:`GROWTH` × the config's larger side) so memory stays bounded;
a clipped capacity is still sound because every primitive sets ``overflow`` when its
result exceeds its output array.

**Patch capacities.** The same pass gives position / cell row containers
(:data:`PATCH_TYPES`) a row capacity above the config's ``patch`` where the compiler can
bound them: a patch inside a grid gets the grid's cells.

==============================================  ==========================================
op                                              result rows
==============================================  ==========================================
``asindices(g)``, ``ofcolor(g, c)``,            ``H·W`` of ``g``; the result lies inside
``asobject(g)``                                 ``g``
``toobject(p, g)``                              ``min(rows(p), H·W)``
``merge`` of Objects                            ``object_cells``; ``H·W`` for the objects
                                                of ``objects`` / ``partition`` /
                                                ``fgpartition(g)`` (disjoint, inside ``g``)
``backdrop``, ``delta``, ``box``, ``inbox`` of   ``H·W`` of that grid
a patch inside a grid
``combine`` of two patches                      the sum; Indices inside grids: at most
                                                the cells of the grids' common box
``toindices``, ``recolor``, ``shift``,           the first argument's rows (the primitive
``normalize``, the mirrors, ``difference``,     keeps them)
``intersection``
anything else                                   the config's ``patch``
==============================================  ==========================================

Every rule is clipped to :func:`patch_limit` (the config's ``patch_limit``, e.g. 1,024;
``configs/default.json`` sets it to ``patch``, which turns this off:
on a 2-core CPU the larger kernels cost more than the fallback they save,
``docs/design.md``), and an op's
bound ``caps.patch`` is never below any of its patch arguments' rows, so a primitive
never sees a patch larger than its capacity. Function ops keep the config's capacities:
their function runs once per element, so the lowering cuts the patches they read or
capture to ``caps.patch`` rows, with ``overflow`` where one holds more
(:func:`compiler.lower.fit_patch_refs`).

The lowering (:mod:`compiler.lower`) pads Grid / Tuple[Grid] arguments with zeros to
:attr:`OpShape.pads` (zero padding keeps the grid invariant) and binds
:attr:`OpShape.caps` (whose ``grid`` is the result capacity) to the primitive: grid
primitives take their output shape from their first grid argument (``canvas`` from
``caps.grid``), so the result has exactly :attr:`OpShape.out`. Ops with several Grid /
Tuple[Grid] arguments get them padded to one common shape. A transpose keeps its input's
array shape, so a non-square ``(H, W)`` input is padded to a square and the result cut
back to ``(W, H)`` (:attr:`OpShape.crop`): its ``w × h`` content always fits there, so
the cut drops zero padding only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from jaxdsl.reference.constants import CONSTANTS
from jaxdsl.types import (GRID, INDICES, INDICES_SET, INTEGER, INTEGER_TUPLE, OBJECT, OBJECTS, TUPLE_CELL,
                          TUPLE_GRID, TUPLE_INTEGER_TUPLE)
from jaxdsl.values import Capacity

from .ir import Const, Var

if TYPE_CHECKING:
    from .infer import TypedProgram

Shape = tuple[int, int]

GROWTH = 4
"""Default bound on inferred capacities: each side at most ``GROWTH`` × the config's larger
side (120 for 30×30; 14,400 cells, 14 KiB per grid per sample)."""

GRID_TYPES = frozenset({GRID, TUPLE_GRID})
"""DSL types whose values carry a grid capacity (a Tuple[Grid] holds grids of one shape)."""

TRANSPOSING = frozenset({"rot90", "rot270", "dmirror", "cmirror"})
"""Grid primitives whose output capacity is their input's, transposed."""


@dataclass(frozen=True)
class OpShape:
    """Static shapes of one op.

    Attributes:
      pads: per argument, the ``(H, W)`` a Grid / Tuple[Grid] argument is zero-padded to
        before the call, or None (not a grid argument, or already that shape).
      out: the result's grid capacity ``(H, W)`` for Grid / Tuple[Grid] results, else None.
      caps: the :class:`~jaxdsl.values.Capacity` bound to the primitive (``grid`` = ``out``
        for grid results, the config's otherwise).
      crop: True when the primitive's result array is larger than ``out`` and is cut to it
        (transposes of non-square capacities; the cut part is provably zero padding).
      arg_caps: for ops that call or build functions (:mod:`compiler.functions`), the
        static capacity of each reference the op reads (its callee when a variable, then
        its arguments): ``(H, W)`` of a grid, a tuple of the captured values'
        capacities for a function value, None otherwise; ``()`` for other ops.
      limit: for those ops, the side bound of capacities inferred inside functions.
    """

    pads: tuple[Shape | None, ...]
    out: Shape | None
    caps: Capacity
    crop: bool = False
    arg_caps: tuple = ()
    limit: int = 0


@dataclass(frozen=True)
class GridShapes:
    """Result of :func:`infer_grid_caps`.

    Attributes:
      var_caps: variable name → ``(H, W)`` for every Grid / Tuple[Grid] variable
        (parameters included).
      ops: one :class:`OpShape` per op of the typed program, in order.
      max_side: the bound every side was clipped to.
      patch_caps: variable name → row capacity of the patch variables (:data:`PATCH_TYPES`)
        whose capacity is above the config's ``patch`` (the others have the config's).
    """

    var_caps: Mapping[str, Shape]
    ops: tuple[OpShape, ...]
    max_side: int
    patch_caps: Mapping[str, int] | None = None

    def key_caps(self) -> dict:
        """Per variable, what a kernel's structural key must know of its static shape: a
        grid's ``(H, W)``, a patch's ``("rows", P)`` when above the config's."""
        return {**self.var_caps, **{name: ("rows", p) for name, p in (self.patch_caps or {}).items()}}


# ----------------------------------------------------------------------- patch capacities

PATCH_TYPES = frozenset({INDICES, OBJECT, TUPLE_INTEGER_TUPLE, TUPLE_CELL})
"""Row containers of positions or cells: their row capacity is ``caps.patch``."""

SEGMENTED = frozenset({"objects", "partition", "fgpartition"})
"""Primitives whose Objects result holds disjoint objects inside their grid argument."""

GRID_CELLS = frozenset({"asindices", "ofcolor", "asobject"})
"""Primitives whose patch result holds at most one row per cell of their grid argument."""

KEEPS_ROWS = frozenset({"toindices", "recolor", "shift", "normalize", "hmirror", "vmirror", "dmirror",
                        "cmirror", "difference", "intersection"})
"""Patch primitives that keep their first argument's row capacity (one-to-one maps and
primitives that only drop rows: :mod:`jaxdsl.prims.patches`, :mod:`jaxdsl.prims.sets`)."""

KEEPS_INSIDE = frozenset({"toindices", "recolor", "difference", "intersection", "colorfilter", "sizefilter",
                          "first", "last"})
"""Primitives whose result's positions lie inside their first argument's grid (subsets,
recolourings and elements keep one cell per position; ``merge`` has its own rule)."""

IN_BOX = frozenset({"backdrop", "delta", "box", "inbox"})
"""Primitives whose Indices lie inside their argument's bounding box."""


def patch_limit(caps: Capacity) -> int:
    """Largest inferred patch capacity: ``caps.patch_limit`` (the config's ``patch_limit``,
    e.g. 1,024), never below ``caps.patch``; equal to ``caps.patch``
    (``configs/default.json``) the pass gives every patch ``caps.patch`` rows. Larger
    values overflow and go to the exact fallback as before."""
    return max(caps.patch, caps.patch_limit)


def _patch_rows(name: str, result: str, arg_types, args, var_caps, patch_caps, inside, caps: Capacity):
    """``(rows, inside)`` of a patch-typed result (before clipping): ``rows`` its row
    capacity, ``inside`` the ``(H, W)`` grid capacity its positions lie in (or None)."""
    def rows(k):
        a = args[k]
        return patch_caps.get(a.name, caps.patch) if isinstance(a, Var) else caps.patch

    def inside_of(k):
        a = args[k]
        return inside.get(a.name) if isinstance(a, Var) else None

    def cells(shape):
        return shape[0] * shape[1]

    if name in GRID_CELLS and isinstance(args[0], Var) and args[0].name in var_caps:
        g = var_caps[args[0].name]
        return cells(g), g
    if name == "toobject" and isinstance(args[1], Var) and args[1].name in var_caps:
        g = var_caps[args[1].name]
        return min(rows(0), cells(g)), g
    if name == "merge":
        g = inside_of(0)
        return (caps.object_cells if g is None else min(caps.object_cells, cells(g))), g
    if name in IN_BOX and inside_of(0) is not None:
        return cells(inside_of(0)), inside_of(0)
    if name == "combine" and result == INDICES and arg_types[1] == INDICES:
        ga, gb = inside_of(0), inside_of(1)
        n = rows(0) + rows(1)
        if ga is not None and gb is not None:
            g = (max(ga[0], gb[0]), max(ga[1], gb[1]))
            return min(n, cells(g)), g
        return n, None
    if name == "combine" and arg_types[1] in PATCH_TYPES:
        return rows(0) + rows(1), None
    if name in KEEPS_ROWS and arg_types and arg_types[0] in PATCH_TYPES:
        return rows(0), (inside_of(0) if name in KEEPS_INSIDE else None)
    if name in KEEPS_INSIDE and arg_types and arg_types[0] in (OBJECTS, INDICES_SET):
        return caps.patch, inside_of(0)
    return caps.patch, None


def _const_int(arg) -> int | None:
    """The integer value of a constant argument (Booleans as 0/1), else None."""
    if isinstance(arg, Const):
        value = CONSTANTS[arg.name]
        if isinstance(value, (bool, int)):
            return int(value)
    return None


def _const_pair(arg) -> Shape | None:
    if isinstance(arg, Const):
        value = CONSTANTS[arg.name]
        if isinstance(value, tuple):
            return int(value[0]), int(value[1])
    return None


def _largest(shapes) -> Shape | None:
    shapes = [s for s in shapes if s is not None]
    if not shapes:
        return None
    return max(s[0] for s in shapes), max(s[1] for s in shapes)


def _scale(rows: bool, cols: bool) -> Callable:
    def rule(shapes, args, base, bound):
        (H, W), k = shapes[0], _const_int(args[1])
        if k is None:
            return (bound if rows else H), (bound if cols else W)
        if k < 1:
            return H, W
        return (H * k if rows else H), (W * k if cols else W)
    return rule


def _hconcat(shapes, args, base, bound):
    (ha, wa), (hb, wb) = shapes
    return max(ha, hb), wa + wb


def _vconcat(shapes, args, base, bound):
    (ha, wa), (hb, wb) = shapes
    return ha + hb, max(wa, wb)


def _canvas(shapes, args, base, bound):
    dims = _const_pair(args[1])
    if dims is None:
        return bound, bound
    return max(base[0], dims[0]), max(base[1], dims[1])


def _transpose(shapes, args, base, bound):
    H, W = shapes[0]
    return W, H


_RULES: dict[tuple[str, tuple[str, ...]], Callable] = {
    ("hconcat", (GRID, GRID)): _hconcat,
    ("vconcat", (GRID, GRID)): _vconcat,
    ("combine", (GRID, GRID)): _vconcat,
    ("upscale", (GRID, INTEGER)): _scale(True, True),
    ("hupscale", (GRID, INTEGER)): _scale(False, True),
    ("vupscale", (GRID, INTEGER)): _scale(True, False),
    ("canvas", (INTEGER, INTEGER_TUPLE)): _canvas,
    **{(name, (GRID,)): _transpose for name in TRANSPOSING},
}
"""(primitive, signature parameters) → ``rule(arg_shapes, args, base, bound) -> (H, W)``
for the ops whose result capacity is not the largest of their grid arguments'.
``arg_shapes`` holds the capacities of the grid arguments only, in order; ``base`` is the
config's; ``bound`` the largest side allowed."""


def result_capacity(name: str, params: tuple[str, ...], arg_shapes: list[Shape], args: tuple,
                    base: Shape, max_side: int) -> Shape:
    """The grid capacity of an op's Grid / Tuple[Grid] result, before padding.

    Args:
      name, params: the primitive and its chosen signature's parameter types.
      arg_shapes: capacities of the op's Grid / Tuple[Grid] arguments, in order.
      args: the op's IR arguments (constants are read from them).
      base: the config's grid capacity. max_side: bound on each side.
    Returns:
      ``(H, W)`` with both sides in ``[1, max_side]`` (transposes are not clipped: their
      arguments already are).
    """
    rule = _RULES.get((name, params))
    if rule is not None:
        H, W = rule(arg_shapes, args, base, max_side)
    else:
        H, W = _largest(arg_shapes) or base
    if name in TRANSPOSING:
        return H, W
    return min(H, max_side), min(W, max_side)


def infer_grid_caps(typed: TypedProgram, caps: Capacity, max_side: int | None = None) -> GridShapes:
    """Infer a static capacity for every Grid / Tuple[Grid] variable of ``typed``, and a row
    capacity for its patch variables (module docstring).

    Args:
      typed: a typed program (its parameters are Grids of capacity ``caps.grid``).
      caps: the run's capacities; ``caps.grid`` is the input's grid capacity.
      max_side: bound on every inferred side (default ``GROWTH × max(caps.grid)``, never
        below the config's sides).
    Returns:
      a :class:`GridShapes`: per variable its ``(H, W)``, per patch variable above the
      config's ``patch`` its rows, per op its padding, result capacity and bound
      :class:`~jaxdsl.values.Capacity` (whose ``patch`` is the op's patch capacity).
    """
    from .functions import op_refs, op_result_caps     # functions imports this module

    base = tuple(caps.grid)
    limit = max(base) * GROWTH if max_side is None else max(max_side, *base)
    rows_limit = patch_limit(caps)
    var_caps: dict[str, Shape] = {}
    patch_caps: dict[str, int] = {}     # patch variables above caps.patch
    inside: dict[str, Shape] = {}       # patch / Objects variables lying inside a grid capacity
    shape_of: dict[str, Shape] = {}     # IntegerTuple variables defined as shape(grid)
    for name, dsl_type in zip(typed.program.params, (typed.var_types[p] for p in typed.program.params)):
        if dsl_type in GRID_TYPES:
            var_caps[name] = base
    ops = []
    for top in typed.ops:
        op = top.op
        arg_caps = tuple(var_caps.get(a.name) if isinstance(a, Var) else None for a in op.args)
        if top.signature is None:             # calls or builds a function value
            out = op_result_caps(top, var_caps, caps, limit)
            if out is not None:
                var_caps[op.target] = out
            grid_out = out if typed.var_types[op.target] in GRID_TYPES else None
            ref_caps = tuple(var_caps.get(r.name) if isinstance(r, Var) else None for r in op_refs(op))
            ops.append(OpShape((None,) * len(op.args), grid_out, caps, False, ref_caps, limit))
            continue        # its patch references are cut to caps.patch (lower.fit_patch_refs)
        canvas_dims = None
        dims = op.args[1] if op.callee.name == "canvas" else None
        if isinstance(dims, Var) and dims.name in shape_of:
            canvas_dims = shape_of[dims.name]        # canvas(c, shape(g)) fits g's capacity
        shape = op_shape(op.callee.name, top.signature.params, top.signature.result, arg_caps,
                         op.args, caps, limit, canvas_dims)
        if op.callee.name == "shape" and arg_caps[0] is not None:
            shape_of[op.target] = arg_caps[0]
        if shape.out is not None:
            var_caps[op.target] = shape.out
        name, params, result = op.callee.name, top.signature.params, top.signature.result
        if name in SEGMENTED and arg_caps[0] is not None:
            inside[op.target] = arg_caps[0]
        elif name in KEEPS_INSIDE and result in (OBJECTS, INDICES_SET) and isinstance(op.args[0], Var) \
                and op.args[0].name in inside:
            inside[op.target] = inside[op.args[0].name]
        # A primitive never sees a patch argument larger than its bound caps.patch.
        largest_arg = max((patch_caps.get(a.name, caps.patch) for a, t in zip(op.args, params)
                           if isinstance(a, Var) and t in PATCH_TYPES), default=caps.patch)
        rows = largest_arg
        if result in PATCH_TYPES:
            wanted, where = _patch_rows(name, result, params, op.args, var_caps, patch_caps, inside, caps)
            rows = max(rows, min(wanted, rows_limit))
            if where is not None:
                inside[op.target] = where
            if rows > caps.patch:
                patch_caps[op.target] = rows
        if rows > caps.patch:
            shape = OpShape(shape.pads, shape.out, shape.caps._replace(patch=rows), shape.crop)
        ops.append(shape)
    return GridShapes(var_caps, tuple(ops), limit, patch_caps)


def op_shape(name: str, params: tuple[str, ...], result: str, arg_caps, args: tuple, caps: Capacity,
             limit: int, canvas_dims: Shape | None = None) -> OpShape:
    """The :class:`OpShape` of one call of primitive ``name`` with signature ``params → result``.

    Args:
      arg_caps: per argument, the grid capacity of a Grid / Tuple[Grid] argument (None for
        other arguments). args: the call's IR arguments (:class:`~compiler.ir.Const`
        arguments are read by the rules; anything else is ignored).
      caps: the run's capacities; limit: the bound on each side.
      canvas_dims: for ``canvas``, the capacity its dimensions are known to fit.
    """
    grid_args = [k for k, t in enumerate(params) if t in GRID_TYPES and arg_caps[k] is not None]
    shapes = [arg_caps[k] for k in grid_args]
    base = tuple(caps.grid)
    crop = False
    if result in GRID_TYPES:
        if canvas_dims is not None:
            out = canvas_dims
        else:
            out = result_capacity(name, params, shapes, args, base, limit)
        target = _largest(shapes + [out])
        crop = target != out
        if crop and name not in TRANSPOSING:   # no other rule may shrink a grid
            raise AssertionError(f"{name}: result capacity {out} below its arguments' {target}")
        op_caps = caps._replace(grid=out)
    else:
        out = None
        target = _largest(shapes) if len(shapes) > 1 else None
        op_caps = caps
    pads: list[Any] = [None] * len(args)
    if target is not None:
        for k, shape in zip(grid_args, shapes):
            if shape != target:
                pads[k] = target
    return OpShape(tuple(pads), out, op_caps, crop)
