"""The DSL type table: the one place that defines how each arc-dsl value type is held.

Every DSL type the compiler knows has one :class:`DslType` record in :data:`TYPES`: its
name (the string the registry, type inference and tests use), its padded JAX class, its
kind (scalar, grid, frozenset or tuple), its element type, the row width of row
containers, the :class:`jaxdsl.values.Capacity` fields that bound it, and its converters
between the reference's Python value and the padded host (numpy) value. The families
(:mod:`jaxdsl.prims`), type inference (:mod:`compiler.infer`), the runner and the tests
import type names and facts from here; none defines its own.

==================  =================  =========  ===========  ===  ===========================
name                JAX class          kind       element      F    capacity (``Capacity``)
==================  =================  =========  ===========  ===  ===========================
Integer             ``int32[]``        scalar                       exact ``|x| < INT_LIMIT``
Boolean             ``bool[]``         scalar
IntegerTuple        ``int32[2]``       scalar
Cell                ``int32[3]``       scalar                       (colour, i, j)
Grid                Grid               grid       Tuple[Int.]       ``grid`` (H, W)
Indices             Elems              frozenset  IntegerTuple 2    ``patch`` rows, window
Object              Elems              frozenset  Cell         3    ``patch`` rows, window
IntegerSet          Elems              frozenset  Integer      1    ``tuple`` rows
Tuple[Integer]      Elems              tuple      Integer      1    ``tuple`` rows
Tuple[Boolean]      Elems              tuple      Boolean      1    ``tuple`` rows
Tuple[IntegerTuple] Elems              tuple      IntegerTuple 2    ``patch`` rows, window
Tuple[Cell]         Elems              tuple      Cell         3    ``patch`` rows, window
Objects             Grouped            frozenset  Object       3    ``objects`` × ``object_cells``
IndicesSet          Grouped            frozenset  Indices      2    ``objects`` × ``object_cells``
Tuple[Object]       Grouped            tuple      Object       3    ``objects`` × ``object_cells``
Tuple[Indices]      Grouped            tuple      Indices      2    ``objects`` × ``object_cells``
Tuple[Grid]         GridTuple          tuple      Grid              ``grids`` × ``grid``
Samples             PairTuple          tuple      Tuple[Grid]       ``grids`` pairs × 2 × ``grid``
==================  =================  =========  ===========  ===  ===========================

"window": rows of positions and cells must also lie inside the position / colour window
(:func:`jaxdsl.containers.rows_in_window`). ``Samples`` is the batt / differ argument ``S``
(a task's demo pairs); its pairs are Tuple[Grid] values of two grids. It is not in
:data:`CONTAINERS` (the container families implement only ``first``, ``last`` and
``size`` of it); the higher-order primitives map over it (:mod:`jaxdsl.prims.higher_order`).
The layouts and invariants of the classes are documented in :mod:`jaxdsl.values`
(scalars, Grid) and :mod:`jaxdsl.containers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import jax
import numpy as np

from jaxdsl import containers as _c
from jaxdsl import values as _v

INTEGER = "Integer"
BOOLEAN = "Boolean"
INTEGER_TUPLE = "IntegerTuple"
CELL = "Cell"
GRID = "Grid"
INDICES = "Indices"
OBJECT = "Object"
INTEGER_SET = "IntegerSet"
TUPLE_INTEGER = "Tuple[Integer]"
TUPLE_BOOLEAN = "Tuple[Boolean]"
TUPLE_INTEGER_TUPLE = "Tuple[IntegerTuple]"
TUPLE_CELL = "Tuple[Cell]"
OBJECTS = "Objects"
INDICES_SET = "IndicesSet"
TUPLE_OBJECT = "Tuple[Object]"
TUPLE_INDICES = "Tuple[Indices]"
TUPLE_GRID = "Tuple[Grid]"
SAMPLES = "Samples"
"""The type of a batt's or differ's ``S`` parameter: the task's demo pairs, a tuple of
``(input grid, output grid)`` tuples. Held as a :class:`jaxdsl.containers.PairTuple` of
``caps.grids`` pairs (ARC-AGI-1 and ARC-AGI-2 tasks have at most 10 demo pairs) at the
input grid capacity ``caps.grid``. The JAX backend implements ``first``, ``last`` and
``size`` of it and maps functions over its pairs (``apply(first, S)``, ``sfilter``,
``argmax``, ...); type inference rejects any other op that reads ``S``, naming the op.
It has no empty value (:func:`empty_value`)."""


@dataclass(frozen=True)
class DslType:
    """One DSL type's representation.

    Attributes:
      name: the type's name (``"Indices"``, ``"Tuple[Cell]"``, ...).
      jax_class: the padded class (``Grid``, ``Elems``, ``Grouped``, ``GridTuple``) or
        ``jax.Array`` for scalars.
      kind: ``"scalar"``, ``"grid"``, ``"frozenset"`` or ``"tuple"`` (outer level).
      element: the element type's name (containers; a Grid's elements are its rows),
        else None.
      row_width: F, the width of the ``int32`` rows of an Elems / Grouped type, else None.
      capacity: the ``Capacity`` fields that bound a value of this type.
      from_py: ``(python value, capacity) -> (host value, overflow)``; raises TypeError
        when the value is not of this type.
      to_py: ``host value -> python value``.
    """

    name: str
    jax_class: type
    kind: str
    element: str | None
    row_width: int | None
    capacity: tuple[str, ...]
    from_py: Callable[[Any, Any], tuple[Any, bool]]
    to_py: Callable[[Any], Any]

    @property
    def frozen(self) -> bool:
        """True for frozensets (canonical order, no duplicates)."""
        return self.kind == "frozenset"


def _elems(name, kind, element, F):
    cap = ("tuple",) if F == 1 else ("patch",)
    return DslType(name, _c.Elems, kind, element, F, cap,
                   lambda v, caps: _c.elems_from_py(name, F, kind == "frozenset", v, caps),
                   lambda e: _c.elems_to_py(F, kind == "frozenset", name == TUPLE_BOOLEAN, _c.Elems(*e)))


def _grouped(name, kind, element, F):
    return DslType(name, _c.Grouped, kind, element, F, ("objects", "object_cells"),
                   lambda v, caps: _c.grouped_from_py(name, element, F, kind == "frozenset", v, caps),
                   lambda g: _c.grouped_to_py(F, kind == "frozenset", _c.Grouped(*g)))


TYPES: dict[str, DslType] = {t.name: t for t in (
    DslType(INTEGER, jax.Array, "scalar", None, None, (), _v.int_from_py_checked, _v.int_to_py),
    DslType(BOOLEAN, jax.Array, "scalar", None, None, (), _v.bool_from_py, bool),
    DslType(INTEGER_TUPLE, jax.Array, "scalar", None, None, (), _v.tuple_from_py, _v.tuple_to_py),
    DslType(CELL, jax.Array, "scalar", None, None, (), _c.cell_from_py, _c.cell_to_py),
    DslType(GRID, _v.Grid, "grid", TUPLE_INTEGER, None, ("grid",), _v.grid_from_py,
            lambda g: _v.grid_from_numpy(g.cells, g.h, g.w)),
    _elems(INDICES, "frozenset", INTEGER_TUPLE, 2),
    _elems(OBJECT, "frozenset", CELL, 3),
    _elems(INTEGER_SET, "frozenset", INTEGER, 1),
    _elems(TUPLE_INTEGER, "tuple", INTEGER, 1),
    _elems(TUPLE_BOOLEAN, "tuple", BOOLEAN, 1),
    _elems(TUPLE_INTEGER_TUPLE, "tuple", INTEGER_TUPLE, 2),
    _elems(TUPLE_CELL, "tuple", CELL, 3),
    _grouped(OBJECTS, "frozenset", OBJECT, 3),
    _grouped(INDICES_SET, "frozenset", INDICES, 2),
    _grouped(TUPLE_OBJECT, "tuple", OBJECT, 3),
    _grouped(TUPLE_INDICES, "tuple", INDICES, 2),
    DslType(TUPLE_GRID, _c.GridTuple, "tuple", GRID, None, ("grids", "grid"), _c.gridtuple_from_py,
            lambda t: _c.gridtuple_to_py(_c.GridTuple(*t))),
    DslType(SAMPLES, _c.PairTuple, "tuple", TUPLE_GRID, None, ("grids", "grid"), _c.samples_from_py,
            lambda t: _c.samples_to_py(_c.PairTuple(*t))),
)}
"""DSL type name → its :class:`DslType`."""

# ------------------------------------------------------------------ groups of types

ELEMS_TYPES = tuple(n for n, t in TYPES.items() if t.jax_class is _c.Elems)
GROUPED_TYPES = tuple(n for n, t in TYPES.items() if t.jax_class is _c.Grouped)
FROZEN_ELEMS = tuple(n for n in ELEMS_TYPES if TYPES[n].frozen)
TUPLE_ELEMS = tuple(n for n in ELEMS_TYPES if not TYPES[n].frozen)
FROZEN_GROUPED = tuple(n for n in GROUPED_TYPES if TYPES[n].frozen)
TUPLE_GROUPED = tuple(n for n in GROUPED_TYPES if not TYPES[n].frozen)
CONTAINERS = FROZEN_ELEMS + TUPLE_ELEMS + FROZEN_GROUPED + TUPLE_GROUPED + (TUPLE_GRID,)
"""Every container type the container families implement (a Grid, a container of its
rows, and Samples, the demo pairs, are not listed)."""

AS_TUPLE = {INDICES: TUPLE_INTEGER_TUPLE, OBJECT: TUPLE_CELL, INTEGER_SET: TUPLE_INTEGER,
            OBJECTS: TUPLE_OBJECT, INDICES_SET: TUPLE_INDICES}
"""The tuple type of each frozenset type (same element type and representation)."""


def element_type(dsl_type: str) -> str | None:
    """The element type of a container (a Grid's elements are its rows, Tuple[Integer])."""
    return TYPES[dsl_type].element


def row_width(dsl_type: str) -> int:
    """Row width F of a row container; 1 for every other type (never packed)."""
    return TYPES[dsl_type].row_width or 1


# ------------------------------------------------------------------ conversions


def to_python(dsl_type: str, value: Any, index: int | None = None) -> Any:
    """Convert a (host, numpy) JAX value of ``dsl_type`` to the reference's Python value.

    With ``index`` the value is batched and element ``index`` is converted.
    Raises ``KeyError`` for an unknown type.
    """
    pick = (lambda a: np.asarray(a)) if index is None else (lambda a: np.asarray(a)[index])
    return TYPES[dsl_type].to_py(jax.tree_util.tree_map(pick, value))


def from_python(dsl_type: str, value: Any, capacity: _v.Capacity):
    """Convert a reference (Python) value of ``dsl_type`` to a host JAX value.

    Returns ``(value, overflow)``; ``overflow`` is True when the value does not fit the
    capacity (rows, groups, grid size, integer range, position window). Raises
    ``TypeError`` when ``value`` is not of ``dsl_type``, ``KeyError`` for an unknown type.
    """
    return TYPES[dsl_type].from_py(value, capacity)


def empty_value(dsl_type) -> tuple[bool, Any]:
    """The empty value of a DSL type: what a failed op gives under a batt's
    ``on_error="default"`` (:mod:`compiler.batt`). In JAX it is the all-zero value of the
    type's padded class (length 0, grid 0×0, integer 0, False).

    Args:
      dsl_type: a DSL type name (``"Grid"``, ``"Objects"``, ...) or a non-string type such
        as a :class:`compiler.functions.FnType`.

    Returns:
      ``(has_empty, value)``: frozenset types (Indices, Object, IntegerSet, Objects,
      IndicesSet) → ``(True, frozenset())``; tuple types and Grid → ``(True, ())``; Integer
      → ``(True, 0)``; Boolean → ``(True, False)``; every other type (IntegerTuple, Cell,
      function types, Samples, unknown) → ``(False, None)``. Never raises.
    """
    if dsl_type == INTEGER:
        return True, 0
    if dsl_type == BOOLEAN:
        return True, False
    if dsl_type == GRID:
        return True, ()
    info = TYPES.get(dsl_type) if isinstance(dsl_type, str) else None
    if info is None or dsl_type == SAMPLES:     # an op giving Samples stays not ok when it fails
        return False, None
    if info.kind == "frozenset":
        return True, frozenset()
    if info.kind == "tuple":
        return True, ()
    return False, None
