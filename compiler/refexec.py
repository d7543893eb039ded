"""Reference executor: runs a :class:`compiler.ir.Program` on one sample with the
pure-Python reference DSL.

Errors are data: an op that raises is not ok, and so is every op that uses a value that
is not ok (poison propagation); a not-ok op is not executed. No overflow exists here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jaxdsl import reference
from jaxdsl.reference.constants import CONSTANTS

from .ir import Const, PrimRef, Program, Var


@dataclass(frozen=True)
class RefResult:
    """Outcome of one program on one sample.

    Attributes:
      output: the returned value (None when not ok).
      ok: True when the output op (and everything it depends on) ran without raising.
      op_ok: one flag per op, in program order.
      error: ``"line N: ExceptionType: message"`` of the first op that raised, if any.
    """

    output: Any
    ok: bool
    op_ok: tuple[bool, ...]
    error: str | None = None
    values: dict | None = None


def run_program(program: Program, *inputs: Any, keep_values: bool = False) -> RefResult:
    """Run ``program`` on ``inputs`` (one per parameter, e.g. the sample's input grid).

    Returns a :class:`RefResult`; never raises for errors inside the program. With
    ``keep_values`` its ``values`` maps every variable that was computed (ok) to its value.
    """
    env: dict[str, Any] = dict(zip(program.params, inputs))
    good: dict[str, bool] = {p: True for p in program.params}
    op_ok: list[bool] = []
    first_error = None
    for op in program.ops:
        refs = (op.callee, *op.args)
        if not all(good[r.name] for r in refs if isinstance(r, Var)):
            good[op.target] = False
            op_ok.append(False)
            continue
        fn = _value(op.callee, env)
        try:
            env[op.target] = fn(*(_value(a, env) for a in op.args))
            good[op.target] = True
        except Exception as exc:  # noqa: BLE001 - any raise marks the op not ok
            good[op.target] = False
            if first_error is None:
                first_error = f"line {op.line}: {type(exc).__name__}: {exc}"[:300]
        op_ok.append(good[op.target])
    ok = good[program.output]
    return RefResult(env.get(program.output) if ok else None, ok, tuple(op_ok), first_error,
                     env if keep_values else None)


def _value(ref, env):
    if isinstance(ref, Var):
        return env[ref.name]
    if isinstance(ref, Const):
        return CONSTANTS[ref.name]
    if isinstance(ref, PrimRef):
        return reference.PRIMITIVES[ref.name]
    raise TypeError(f"unknown IR reference {ref!r}")
