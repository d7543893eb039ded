"""Type inference pass: assign a static DSL type to every variable and choose, for every
op, the JAX :class:`jaxdsl.prims.Signature` that implements it.

Types are DSL type names (``"Grid"``, ``"Integer"``, ``"Boolean"``, ``"IntegerTuple"``,
...). The input ``I`` is a ``Grid``. A constant's type follows from its value. An op's
type is the result type of the first registry signature whose parameter types match the
argument types exactly, else the first that matches after coercion (a ``Boolean`` is an
``Integer`` in arc-dsl: ``add(T, ONE) == 2``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from jaxdsl.prims import REGISTRY, Signature
from jaxdsl.reference.constants import CONSTANTS
from jaxdsl.types import BOOLEAN, GRID, INTEGER, INTEGER_TUPLE

from .errors import TypeInferenceError, UnsupportedError
from .ir import Op, PrimRef, Program, Var

COERCIONS: dict[tuple[str, str], str] = {(BOOLEAN, INTEGER): "bool_to_int"}
"""(argument type, parameter type) pairs accepted by coercion, with the coercion's name."""


def constant_type(name: str) -> str:
    """DSL type of an arc-dsl constant (``T`` → Boolean, ``ONE`` → Integer, ``DOWN`` → IntegerTuple)."""
    value = CONSTANTS[name]
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    return INTEGER_TUPLE


@dataclass(frozen=True)
class TypedOp:
    """An op with its chosen implementation.

    Attributes:
      op: the IR op.
      signature: the registry signature that implements it.
      arg_types: the inferred type of each argument.
      coercions: per argument, the coercion name applied (or None).
    """

    op: Op
    signature: Signature
    arg_types: tuple[str, ...]
    coercions: tuple[str | None, ...]


@dataclass(frozen=True)
class TypedProgram:
    """A program whose every variable has a static type.

    Attributes:
      program: the IR program. ops: typed ops in program order.
      var_types: variable name → DSL type (parameters included). output_type: type of the result.
    """

    program: Program
    ops: tuple[TypedOp, ...]
    var_types: Mapping[str, str]

    @property
    def output_type(self) -> str:
        return self.var_types[self.program.output]


def check_supported(program: Program, registry: Mapping[str, tuple[Signature, ...]] = REGISTRY):
    """Reject, at compile time, a program using anything the JAX backend lacks.

    Raises:
      UnsupportedError: listing every primitive without a JAX implementation, and every
        higher-order use (primitive passed as a value, call of a function variable).
    """
    missing = sorted(program.primitives() - set(registry))
    problems = []
    if missing:
        problems.append("primitives not yet available in JAX: " + ", ".join(missing))
    for op in program.ops:
        if isinstance(op.callee, Var):
            problems.append(f"line {op.line}: calls the function value {op.callee.name!r}")
        values = [a.name for a in op.args if isinstance(a, PrimRef)]
        if values:
            problems.append(f"line {op.line}: passes primitive(s) {', '.join(values)} as values")
    if problems:
        raise UnsupportedError(program.file, program.line,
                               f"{program.name} cannot run on the JAX backend: " + "; ".join(problems)
                               + " (use --backend reference for this program)")


def _match(sig: Signature, arg_types: tuple[str, ...], allow_coercion: bool):
    if len(sig.params) != len(arg_types):
        return None
    coercions = []
    for have, want in zip(arg_types, sig.params):
        if have == want:
            coercions.append(None)
        elif allow_coercion and (have, want) in COERCIONS:
            coercions.append(COERCIONS[have, want])
        else:
            return None
    return tuple(coercions)


def infer(program: Program, input_types: tuple[str, ...] = (GRID,),
          registry: Mapping[str, tuple[Signature, ...]] = REGISTRY) -> TypedProgram:
    """Type every variable of ``program`` and pick each op's JAX signature.

    Args:
      program: a parsed program.
      input_types: the DSL type of each parameter.
      registry: primitive name → signatures (default: the JAX registry).

    Raises:
      UnsupportedError: the program uses primitives or higher-order values JAX lacks.
      TypeInferenceError: no signature accepts an op's argument types (``file:line``).
    """
    check_supported(program, registry)
    var_types = dict(zip(program.params, input_types))
    typed = []
    for op in program.ops:
        arg_types = tuple(var_types[a.name] if isinstance(a, Var) else constant_type(a.name)
                          for a in op.args)
        sigs = registry[op.callee.name]
        chosen = None
        for allow in (False, True):
            for sig in sigs:
                coercions = _match(sig, arg_types, allow)
                if coercions is not None:
                    chosen = TypedOp(op, sig, arg_types, coercions)
                    break
            if chosen:
                break
        if chosen is None:
            offered = "; ".join("(" + ", ".join(s.params) + ")" for s in sigs)
            raise TypeInferenceError(
                program.file, op.line,
                f"{op.callee.name}({', '.join(arg_types)}) has no JAX implementation "
                f"(available: {offered})")
        var_types[op.target] = chosen.signature.result
        typed.append(chosen)
    return TypedProgram(program, tuple(typed), var_types)

