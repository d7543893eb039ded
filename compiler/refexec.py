"""Reference executor: runs a :class:`compiler.ir.Program` on one sample with the
pure-Python reference DSL.

Errors are data: an op that raises is not ok, and so is every op that uses a value that
is not ok (poison propagation); a not-ok op is not executed. No overflow exists here, but
resource limits do (:mod:`compiler.limits`): a pair whose value crosses a size limit or
whose run crosses its time budget stops there and is recorded as ``limit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jaxdsl import reference
from jaxdsl.reference.constants import CONSTANTS

from . import limits
from .ir import Const, PrimRef, Program, Var


@dataclass(frozen=True)
class RefResult:
    """Outcome of one program on one sample.

    Attributes:
      output: the returned value (None when not ok).
      ok: True when the output op (and everything it depends on) ran without raising.
      op_ok: one flag per op, in program order.
      error: ``"line N: ExceptionType: message"`` of the first op that raised, if any.
      values: with ``keep_values``, variable → value of every ok variable.
      limit: ``"line N: reason"`` when the pair stopped at a resource limit
        (:mod:`compiler.limits`; then ``ok`` is False and later ops are not ok), else None.
    """

    output: Any
    ok: bool
    op_ok: tuple[bool, ...]
    error: str | None = None
    values: dict | None = None
    limit: str | None = None


def run_program(program: Program, *inputs: Any, keep_values: bool = False,
                timeout: float | None = None) -> RefResult:
    """Run ``program`` on ``inputs`` (one per parameter, e.g. the sample's input grid).

    Args:
      timeout: the pair's time budget in seconds (None or ≤ 0: none); see
        :class:`compiler.limits.Budget`.

    Returns a :class:`RefResult`; never raises for errors inside the program. With
    ``keep_values`` its ``values`` maps every variable that was computed (ok) to its value.
    A value beyond :data:`compiler.limits.MAX_CELLS` / ``MAX_INT`` or a spent budget stops
    the pair with ``limit`` set and ``ok`` False.
    """
    env: dict[str, Any] = dict(zip(program.params, inputs))
    good: dict[str, bool] = {p: True for p in program.params}
    op_ok: list[bool] = []
    first_error = limit = None
    line = program.line
    budget = limits.Budget(timeout)
    budget.start()
    try:
        for op in program.ops:
            line = op.line
            refs = (op.callee, *op.args)
            if not all(good[r.name] for r in refs if isinstance(r, Var)):
                good[op.target] = False
                op_ok.append(False)
                continue
            if budget.over():
                raise limits.PairTimeout()
            try:
                env[op.target] = call_op(op, env)
                good[op.target] = True
            except limits.LimitExceeded as exc:
                limit = f"line {op.line}: {exc.reason}"
                break
            except Exception as exc:  # noqa: BLE001 - any raise marks the op not ok
                good[op.target] = False
                if first_error is None:
                    first_error = f"line {op.line}: {type(exc).__name__}: {exc}"[:300]
            op_ok.append(good[op.target])
        budget.armed = False
    except limits.PairTimeout:
        budget.armed = False
        limit = f"line {line}: {budget.reason()}"
    finally:
        budget.stop()
    if limit is not None:
        op_ok += [False] * (len(program.ops) - len(op_ok))
        return RefResult(None, False, tuple(op_ok), first_error, env if keep_values else None, limit)
    ok = good[program.output]
    return RefResult(env.get(program.output) if ok else None, ok, tuple(op_ok), first_error,
                     env if keep_values else None)


def call_op(op, env: dict) -> Any:
    """The value of ``op`` on the values in ``env``, within the size limits of
    :mod:`compiler.limits` (an explosive primitive is checked from its arguments before
    it runs, every result after).

    Raises:
      LimitExceeded: a value beyond the limits; anything else the primitive raises.
    """
    args = tuple(_value(a, env) for a in op.args)
    if isinstance(op.callee, PrimRef):
        limits.precheck(op.callee.name, args)
    value = _value(op.callee, env)(*args)
    limits.check_value(value)
    return value


def _value(ref, env):
    if isinstance(ref, Var):
        return env[ref.name]
    if isinstance(ref, Const):
        return CONSTANTS[ref.name]
    if isinstance(ref, PrimRef):
        return reference.PRIMITIVES[ref.name]
    raise TypeError(f"unknown IR reference {ref!r}")
