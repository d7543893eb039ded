"""Type inference pass: assign a static DSL type to every variable and choose, for every
op, the JAX :class:`jaxdsl.prims.Signature` that implements it.

Types are DSL type names (``"Grid"``, ``"Integer"``, ``"Boolean"``, ``"IntegerTuple"``,
...). The input ``I`` is a ``Grid``. A constant's type follows from its value. An op's
type is the result type of the first registry signature whose parameter types match the
argument types exactly, else the first that matches after coercion (a ``Boolean`` is an
``Integer`` in arc-dsl: ``add(T, ONE) == 2``).

Ops that build, pass or call a function value (``rbind(shift, x1)``, ``apply(x2, x3)``,
``x5 = x4(I)``) are typed by :mod:`compiler.functions`: a function variable's type is a
:class:`~compiler.functions.FnType` (its structure and captured types), and a call's
result type follows from its argument types through the same rules the lowering runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from jaxdsl.prims import REGISTRY, Signature
from jaxdsl.types import GRID

from . import functions as fns
from .errors import TypeInferenceError, UnsupportedError
from .functions import constant_type  # noqa: F401  (re-exported)
from .ir import Const, Op, Program, Var


@dataclass(frozen=True)
class TypedOp:
    """An op with its chosen implementation.

    Attributes:
      op: the IR op.
      signature: the registry signature that implements it; None for an op that calls,
        builds or passes a function value (lowered by :mod:`compiler.functions`).
      arg_types: the inferred type of each argument.
      coercions: per argument, the coercion name applied (or None).
      ref_types: function ops only: the type of each reference the op reads (its callee
        when that is a variable, then its arguments): a type name, a
        :class:`~compiler.functions.FnType`, or None for constants and primitives.
    """

    op: Op
    signature: Signature | None
    arg_types: tuple[str, ...]
    coercions: tuple[str | None, ...]
    ref_types: tuple = ()


@dataclass(frozen=True)
class TypedProgram:
    """A program whose every variable has a static type.

    Attributes:
      program: the IR program. ops: typed ops in program order.
      var_types: variable name → DSL type name, or a :class:`compiler.functions.FnType` for a
        function value (parameters included). output_type: type of the result.
    """

    program: Program
    ops: tuple[TypedOp, ...]
    var_types: Mapping[str, str]

    @property
    def output_type(self) -> str:
        return self.var_types[self.program.output]


def check_supported(program: Program, registry: Mapping[str, tuple[Signature, ...]] = REGISTRY):
    """Reject, at compile time, a program calling a primitive the JAX backend lacks.

    Raises:
      UnsupportedError: listing every primitive without a JAX implementation (neither in
        ``registry`` nor a higher-order primitive of :mod:`compiler.functions`).
    """
    missing = sorted(program.primitives() - set(registry) - fns.FUNCTION_PRIMS)
    if missing:
        raise UnsupportedError(program.file, program.line,
                               f"{program.name} cannot run on the JAX backend: primitives not yet "
                               "available in JAX: " + ", ".join(missing)
                               + " (use --backend reference for this program)")


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
    var_types: dict = dict(zip(program.params, input_types))
    typed = []
    for op in program.ops:
        if fns.is_function_op(op, var_types):
            typed.append(_infer_function_op(program, op, var_types))
            continue
        arg_types = tuple(var_types[a.name] if isinstance(a, Var) else constant_type(a.name)
                          for a in op.args)
        found = fns.choose_signature(op.callee.name, arg_types, registry)
        chosen = TypedOp(op, found[0], arg_types, found[1]) if found else None
        if chosen is None:
            raise TypeInferenceError(program.file, op.line,
                                     fns.no_signature_message(op.callee.name, arg_types))
        var_types[op.target] = chosen.signature.result
        typed.append(chosen)
    if fns.is_function_type(var_types[program.output]):
        raise TypeInferenceError(program.file, program.line,
                                 f"{program.name} returns a function ({var_types[program.output]}); "
                                 "a program must return a value")
    return TypedProgram(program, tuple(typed), var_types)


def _infer_function_op(program: Program, op: Op, var_types: dict) -> TypedOp:
    """Type an op that calls, builds or passes a function value (types only)."""
    env = fns.Env(None)
    refs = fns.op_refs(op)
    ref_types = tuple(var_types[r.name] if isinstance(r, Var) else None for r in refs)
    try:
        result = fns.evaluate_refs(op, ref_types, [None] * len(refs), [None] * len(refs), env)
    except fns.FnTypeError as exc:
        name = op.callee.name
        raise TypeInferenceError(program.file, op.line, f"{op.target} = {name}(...): {exc}") from None
    var_types[op.target] = result.type
    arg_types = tuple(str(var_types[a.name]) if isinstance(a, Var) else
                      constant_type(a.name) if isinstance(a, Const) else f"Callable[{a.name}]"
                      for a in op.args)
    return TypedOp(op, None, arg_types, (None,) * len(op.args), ref_types)
