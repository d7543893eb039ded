"""SSA intermediate representation of an arc-dsl program.

A :class:`Program` is a straight-line list of :class:`Op`; each op defines one fresh
variable by calling a primitive (or a variable that holds a function) on arguments.
Arguments are :class:`Var` (an earlier variable or the input ``I``), :class:`Const`
(an arc-dsl constant such as ``ONE`` or ``DOWN``) or :class:`PrimRef` (a primitive used
as a value, e.g. the ``add`` in ``rbind(add, ONE)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Var:
    """A reference to an SSA variable (a parameter or the target of an earlier op)."""

    name: str


@dataclass(frozen=True)
class Const:
    """A reference to an arc-dsl constant by name (``ONE``, ``T``, ``DOWN``, ...)."""

    name: str


@dataclass(frozen=True)
class PrimRef:
    """A primitive named as a value or as the function called by an op."""

    name: str


Arg = Union[Var, Const, PrimRef]


@dataclass(frozen=True)
class Op:
    """``target = callee(*args)`` at source line ``line``.

    ``callee`` is a :class:`PrimRef` for a primitive call, or a :class:`Var` holding a
    function (``x5 = x4(I)``).
    """

    target: str
    callee: Union[PrimRef, Var]
    args: tuple[Arg, ...]
    line: int


@dataclass(frozen=True)
class Program:
    """One solver: ``def name(*params): ...; return output``.

    Attributes:
      name: function name, e.g. ``solve_007bbfb7``.
      params: parameter names, ``("I",)`` for solvers.
      ops: the ops in program order; every target is assigned exactly once.
      output: the returned variable.
      file: source file (or ``<string>``), for error messages.
      line: line of the ``def``.
    """

    name: str
    params: tuple[str, ...]
    ops: tuple[Op, ...]
    output: str
    file: str
    line: int

    @property
    def task_id(self) -> str | None:
        """The task id in ``solve_<taskid>``, or None for other names."""
        prefix = "solve_"
        return self.name[len(prefix):] if self.name.startswith(prefix) else None

    def primitives(self) -> set[str]:
        """Names of every primitive the program calls or uses as a value."""
        names = set()
        for op in self.ops:
            for ref in (op.callee, *op.args):
                if isinstance(ref, PrimRef):
                    names.add(ref.name)
        return names
