"""Arithmetic and logic on Integer, Boolean, IntegerTuple (and Grid where Python allows).

arc-dsl primitives of spec §4.1 (identity … equality), #19 greater, #31 both, #32 either,
§4.3 (increment … tojvec), #50 astuple and #53 branch.

Values (see :mod:`jaxdsl.values`): Integer ``int32[]`` (``INT_NONE`` = Python ``None``),
Boolean ``bool[]``, IntegerTuple ``int32[2]``, Grid :class:`~jaxdsl.values.Grid`.
Every function is unbatched and returns ``result(value, ok, overflow)``.

Shared rules, all taken from Python semantics (spec §1, §2.1):

* **Booleans are ints.** Wherever arc-dsl accepts an int, a Boolean is accepted too and
  counts as 0/1 (``add(True, 1) == 2``); arithmetic on Booleans yields an Integer.
  The functions tell Integer from Boolean by dtype (``bool``) and IntegerTuple from a
  scalar by shape (``[2]``), so one function serves every signature of a primitive.
* **Broadcasting = rules (a)-(d).** int⊕int, tuple⊕tuple, int⊕tuple and tuple⊕int of
  add/subtract/multiply/divide are exactly numpy broadcasting of ``[]`` against ``[2]``.
* **None.** Arithmetic and ordering on an ``INT_NONE`` component raise ``TypeError`` in
  Python: ``ok`` False (``overflow`` False). Pass-through primitives (identity, toivec,
  tojvec, astuple, both, either, branch) keep ``None`` as is; ``flip(None)`` is True;
  ``equality`` compares ``None`` like Python (``None == None``, ``None != int``).
* **Overflow.** Inputs are exact (``|x| < INT_LIMIT``); a result component with
  ``|x| ≥ INT_LIMIT`` sets ``overflow`` (only when ``ok``; a raising case never overflows).
* **Truthiness** (``flip``, ``both``, ``either``, ``branch``): Integer ``x`` is truthy iff
  ``x ∉ {0, None}``; Boolean is itself; an IntegerTuple is truthy iff it is not ``()``
  (two ``INT_EMPTY``: a corner of an empty patch); a Grid is truthy iff it has a row
  (``h > 0``).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxdsl.prims import Signature
from jaxdsl.types import BOOLEAN, CELL, GRID, INTEGER, INTEGER_TUPLE
from jaxdsl.values import INT_EMPTY, Grid, int_overflow, int_truthy, int_valid, is_empty_pair, result

_INTLIKE = (INTEGER, BOOLEAN)
_ALL = (INTEGER, BOOLEAN, INTEGER_TUPLE, GRID)

_MUL_CERTAIN = 1.5e9
"""A float32 product magnitude at or above this is certainly ≥ 2**30; below it the exact
product is < 2**31 - 1, so the int32 product does not wrap (float32 error < 1e-6)."""


# ------------------------------------------------------------------------------ helpers


def _num(x) -> jax.Array:
    """An Integer / Boolean / IntegerTuple as ``int32`` (Booleans become 0/1)."""
    return jnp.asarray(x).astype(jnp.int32)


def _is_tuple(x) -> bool:
    return not isinstance(x, Grid) and jnp.ndim(x) == 1


def _truthy(x) -> jax.Array:
    """``bool[]``: Python truthiness of a value of any of the four types (module docstring)."""
    if isinstance(x, Grid):
        return jnp.asarray(x.h) > 0
    x = jnp.asarray(x)
    if x.ndim == 1:
        return ~is_empty_pair(x)
    return int_truthy(x)


def _select(cond, x, y):
    """``x`` where ``cond`` else ``y``, leaf by leaf (works for Grids and arrays)."""
    return jax.tree_util.tree_map(lambda u, v: jnp.where(cond, u, v), x, y)


def _same_kind(a, b):
    """Bring two non-Grid operands of ``both``/``either`` to one dtype (int32 if they differ)."""
    a, b = jnp.asarray(a), jnp.asarray(b)
    if a.dtype != b.dtype:
        a, b = _num(a), _num(b)
    return a, b


def _checked(value, ok, overflow=None):
    """Package an arithmetic result: ``overflow`` (default: a component ≥ INT_LIMIT) only if ok."""
    ok = jnp.asarray(ok)
    if overflow is None:
        overflow = int_overflow(value)
    return result(value, ok, ok & overflow)


# --------------------------------------------------------------------------- §4.1 identity


def identity(x):
    """arc-dsl #1 ``identity`` (spec §4.1): returns ``x`` unchanged.

    Any of Integer ``int32[]`` / Boolean ``bool[]`` / IntegerTuple ``int32[2]`` / Grid →
    the same value (a Grid keeps its padding). ``ok`` True, ``overflow`` False.
    """
    return result(x)


# ------------------------------------------------------------- §4.1 add … divide (a)-(d)


def add(a, b):
    """arc-dsl #2 ``add`` (spec §4.1 rules (a)-(d)): ``a + b``, per component for tuples.

    a, b: Integer ``int32[]`` / Boolean ``bool[]`` / IntegerTuple ``int32[2]``.
    Returns ``int32[]`` when both are scalars, else ``int32[2]`` (scalar broadcast to both
    components). ``ok`` False when a component is ``None`` (TypeError); ``overflow`` when
    a result component has ``|x| ≥ 2**30`` (int32 cannot wrap: inputs are < 2**30).
    """
    a, b = _num(a), _num(b)
    return _checked(a + b, int_valid(a, b))


def subtract(a, b):
    """arc-dsl #3 ``subtract`` (spec §4.1 rules (a)-(d)): ``a − b``, per component for tuples.

    Shapes, dtypes and flags as :func:`add`.
    """
    a, b = _num(a), _num(b)
    return _checked(a - b, int_valid(a, b))


def multiply(a, b):
    """arc-dsl #4 ``multiply`` (spec §4.1 rules (a)-(d)): ``a · b``, per component for tuples.

    Shapes, dtypes and ``ok`` as :func:`add`. ``overflow`` when ``|a·b| ≥ 2**30``, decided
    exactly although the int32 product may wrap: a float32 estimate ≥ 1.5e9 means
    overflow for certain; below that the int32 product is exact and is checked directly.
    """
    a, b = _num(a), _num(b)
    value = a * b
    estimate = jnp.abs(a.astype(jnp.float32) * b.astype(jnp.float32))
    overflow = jnp.any(estimate >= _MUL_CERTAIN) | int_overflow(value)
    return _checked(value, int_valid(a, b), overflow)


def divide(a, b):
    """arc-dsl #5 ``divide`` (spec §4.1 rules (a)-(d), §2.1): floor division ``a // b``.

    Shapes and dtypes as :func:`add`; rounds toward −∞ (``divide(-7, 2) == -4``).
    ``ok`` False when a used divisor component is 0 (ZeroDivisionError) or a component is
    ``None`` (TypeError). Never overflows (``|a // b| ≤ |a|``).
    """
    a, b = _num(a), _num(b)
    valid = int_valid(a, b)
    ok = valid & jnp.all(b != 0)
    safe_a = jnp.where(valid, a, 0)
    safe_b = jnp.where(valid & (b != 0), b, 1)
    return _checked(jnp.floor_divide(safe_a, safe_b), ok)


# ---------------------------------------------------------------------- §4.1 unary ops


def _unary(x, fn):
    x = _num(x)
    return _checked(fn(x), int_valid(x))


def invert(n):
    """arc-dsl #6 ``invert`` (spec §4.1): ``−n``, per component for a tuple.

    n: Integer / Boolean ``[]`` → ``int32[]``; IntegerTuple ``int32[2]`` → ``int32[2]``.
    ``ok`` False on ``None``; never overflows.
    """
    return _unary(n, jnp.negative)


def even(n):
    """arc-dsl #7 ``even`` (spec §4.1): ``n mod 2 == 0`` with Python modulo.

    n: Integer ``int32[]`` / Boolean ``bool[]`` → Boolean ``bool[]``.
    ``ok`` False on ``None`` (TypeError). Never overflows.
    """
    n = _num(n)
    return result((n & 1) == 0, int_valid(n))


def double(n):
    """arc-dsl #8 ``double`` (spec §4.1): ``2n``, per component for a tuple.

    Shapes as :func:`invert`. ``ok`` False on ``None``; ``overflow`` when ``|2n| ≥ 2**30``.
    """
    return _unary(n, lambda x: x * 2)


def halve(n):
    """arc-dsl #9 ``halve`` (spec §4.1): floor ``n // 2`` (``halve(-3) == -2``), per component.

    Shapes as :func:`invert`. ``ok`` False on ``None``; never overflows.
    """
    return _unary(n, lambda x: jnp.right_shift(x, 1))


def flip(b):
    """arc-dsl #10 ``flip`` (spec §4.1): ``not b``, the negated truthiness, always a bool.

    b: Boolean ``bool[]``, Integer ``int32[]`` (``not 0`` and ``not None`` are True),
    IntegerTuple ``int32[2]`` (True only for ``()``) or Grid (True iff ``h == 0``) → ``bool[]``.
    ``ok`` True, ``overflow`` False.
    """
    return result(~_truthy(b))


def _padded_cells(a: Grid, b: Grid):
    """The cells of two grids padded with zeros to a common capacity (static shapes)."""
    (ha, wa), (hb, wb) = a.cells.shape, b.cells.shape
    H, W = max(ha, hb), max(wa, wb)
    pad = lambda c: jnp.pad(c, ((0, H - c.shape[0]), (0, W - c.shape[1])))
    return pad(a.cells), pad(b.cells)


def equality(a, b):
    """arc-dsl #11 ``equality`` (spec §4.1): Python ``a == b``.

    a, b: any of Integer ``int32[]``, Boolean ``bool[]``, IntegerTuple ``int32[2]``, Grid
    → Boolean ``bool[]``.

    * Integer/Boolean against Integer/Boolean: numeric (``1 == True``); ``None == None``
      is True and ``None`` equals no int (``INT_NONE`` is no valid Integer).
    * IntegerTuple against IntegerTuple: both components equal (None as above).
    * Grid against Grid: same ``h``, ``w`` and cells (padding is zero in both; grids of
      different capacities are zero-padded to a common one).
    * IntegerTuple against Grid: True only for ``()`` (``INT_EMPTY``) against the empty
      grid ``()`` (``h == 0``): both are Python's empty tuple.
    * Any other mix of kinds: False (an int is no tuple; a pair of ints is no grid,
      whose elements are rows).

    ``ok`` True, ``overflow`` False.
    """
    a_grid, b_grid = isinstance(a, Grid), isinstance(b, Grid)
    if a_grid and b_grid:
        ca, cb = _padded_cells(a, b)
        same = (jnp.asarray(a.h) == b.h) & (jnp.asarray(a.w) == b.w) & jnp.all(ca == cb)
        return result(same)
    if a_grid != b_grid and (_is_tuple(b) if a_grid else _is_tuple(a)):
        grid, pair = (a, b) if a_grid else (b, a)
        return result((jnp.asarray(grid.h) == 0) & is_empty_pair(pair))
    if a_grid or b_grid or _is_tuple(a) != _is_tuple(b):
        return result(False)
    return result(jnp.all(_num(a) == _num(b)))


# --------------------------------------------------------------- §4.2 greater, both, either


def greater(a, b):
    """arc-dsl #19 ``greater``: Python ``a > b``.

    a, b: Integer / Boolean scalars → ``bool[]``, or two IntegerTuples ``int32[2]``
    compared lexicographically: the first component that differs (``None == None``)
    decides; equal tuples are not greater. The empty tuple ``()`` is smaller than every
    pair and compares without looking at components (``(None, 1) > ()`` is True).
    ``ok`` False where Python would compare ``None`` with anything by ``>`` (TypeError):
    a ``None`` scalar, or ``None`` in the deciding component of two pairs
    (``(None, 1) > (None, 0)`` is fine and True). Never overflows.
    """
    a, b = _num(a), _num(b)
    if a.ndim == 0:
        return result(a > b, int_valid(a, b))
    a_empty, b_empty = is_empty_pair(a), is_empty_pair(b)
    differ0, differ1 = a[0] != b[0], a[1] != b[1]
    value = jnp.where(differ0, a[0] > b[0], differ1 & (a[1] > b[1]))
    ok = jnp.where(differ0, int_valid(a[0], b[0]),
                   jnp.where(differ1, int_valid(a[1], b[1]), True))
    either_empty = a_empty | b_empty
    return result(jnp.where(either_empty, b_empty & ~a_empty, value), either_empty | ok)


def both(a, b):
    """arc-dsl #31 ``both``: Python ``a and b`` — ``a`` if ``a`` is falsy, else ``b``.

    a, b: two values of one type (Boolean, Integer, IntegerTuple or Grid) → that type;
    or one Boolean and one Integer → Integer ``int32[]`` (the Boolean as 0/1).
    Truthiness as in the module docstring (``both(0, 5) == 0``, ``both(None, 5) is None``,
    ``both((), (1, 2)) == ()``).
    ``ok`` True, ``overflow`` False.
    """
    if not isinstance(a, Grid):
        a, b = _same_kind(a, b)
    return result(_select(_truthy(a), b, a))


def either(a, b):
    """arc-dsl #32 ``either``: Python ``a or b`` — ``a`` if ``a`` is truthy, else ``b``.

    Types, truthiness and flags as :func:`both` (``either(0, 5) == 5``).
    """
    if not isinstance(a, Grid):
        a, b = _same_kind(a, b)
    return result(_select(_truthy(a), a, b))


# ------------------------------------------------------------------ §4.3 vector helpers


def increment(x):
    """arc-dsl #33 ``increment`` (spec §4.3): ``x + 1``, per component for a tuple.

    Shapes as :func:`invert`. ``ok`` False on ``None``; ``overflow`` when the result
    reaches ``2**30``.
    """
    return _unary(x, lambda v: v + 1)


def decrement(x):
    """arc-dsl #34 ``decrement`` (spec §4.3): ``x − 1``, per component for a tuple.

    Shapes as :func:`invert`. ``ok`` False on ``None``; ``overflow`` when the result
    reaches ``−2**30``.
    """
    return _unary(x, lambda v: v - 1)


def crement(x):
    """arc-dsl #35 ``crement`` (spec §4.3): step away from zero (0 → 0, +1 / −1), per component.

    Shapes as :func:`invert`. ``ok`` False on ``None`` (Python compares it with 0);
    ``overflow`` when ``|result| ≥ 2**30``.
    """
    return _unary(x, lambda v: jnp.where(v > 0, v + 1, jnp.where(v < 0, v - 1, 0)))


def sign(x):
    """arc-dsl #36 ``sign`` (spec §4.3): −1, 0 or 1, per component for a tuple.

    Shapes as :func:`invert`. ``ok`` False on ``None``; never overflows.
    """
    return _unary(x, jnp.sign)


def positive(x):
    """arc-dsl #37 ``positive`` (spec §4.3): ``x > 0``.

    x: Integer ``int32[]`` / Boolean ``bool[]`` → ``bool[]``. ``ok`` False on ``None``.
    """
    x = _num(x)
    return result(x > 0, int_valid(x))


def toivec(i):
    """arc-dsl #38 ``toivec`` (spec §4.3): the pair ``(i, 0)``.

    i: Integer / Boolean scalar → IntegerTuple ``int32[2]``; ``None`` is kept as the
    sentinel component. ``ok`` True, ``overflow`` False.
    """
    return result(jnp.stack([_num(i), jnp.int32(0)]))


def tojvec(j):
    """arc-dsl #39 ``tojvec`` (spec §4.3): the pair ``(0, j)``.

    As :func:`toivec`.
    """
    return result(jnp.stack([jnp.int32(0), _num(j)]))


def astuple(a, b):
    """arc-dsl #50 ``astuple``: the pair ``(a, b)``.

    a, b: Integer / Boolean scalars → IntegerTuple ``int32[2]`` (``None`` kept).
    ``ok`` True, ``overflow`` False.
    """
    return result(jnp.stack([_num(a), _num(b)]))


def astuple_cell(a, b):
    """arc-dsl #50 ``astuple`` of a colour and a position: the cell ``(a, (i, j))``.

    a: Integer / Boolean ``int32[]``; b: IntegerTuple ``int32[2]`` → Cell ``int32[3]``
    ``(colour, i, j)``. ``ok`` True; ``overflow`` when a component is ``None`` or ``b`` is
    the empty tuple (a Cell cannot hold them).
    """
    value = jnp.concatenate([_num(a)[None], jnp.asarray(b, jnp.int32)])
    return result(value, True, ~int_valid(value))


def pair_element(pair, k: int):
    """arc-dsl #44/#45 ``first`` / ``last`` of a pair (spec §4.4): component ``k``.

    pair: IntegerTuple ``int32[2]`` → Integer ``int32[]``, or Cell ``int32[3]`` → its colour
    (``k = 0``, Integer) or position (``k = 1``, IntegerTuple ``int32[2]``). ``ok`` False
    on the empty tuple ``()`` (``INT_EMPTY`` components: StopIteration / IndexError).
    """
    pair = jnp.asarray(pair, jnp.int32)
    value = pair[0] if k == 0 else pair[1:] if pair.shape[0] == 3 else pair[1]
    return result(value, jnp.all(pair != INT_EMPTY))


def first_of_pair(pair):
    """arc-dsl #44 ``first`` of an IntegerTuple ``int32[2]`` (→ Integer) or a Cell
    ``int32[3]`` (→ its colour, Integer); see :func:`pair_element`."""
    return pair_element(pair, 0)


def last_of_pair(pair):
    """arc-dsl #45 ``last`` of an IntegerTuple ``int32[2]`` (→ Integer) or a Cell
    ``int32[3]`` (→ its position, IntegerTuple ``int32[2]``); see :func:`pair_element`."""
    return pair_element(pair, 1)


def branch(condition, a, b):
    """arc-dsl #53 ``branch``: ``a`` if ``condition`` is truthy, else ``b``.

    condition: Boolean ``bool[]`` or Integer ``int32[]`` (truthy iff not 0 / ``None``);
    a, b: two values of one type (Integer, Boolean, IntegerTuple or Grid) → that type,
    selected leaf by leaf (a Grid keeps its padding). ``ok`` True, ``overflow`` False.
    """
    return result(_select(_truthy(condition), a, b))


# ---------------------------------------------------------------------------- registry


def _numeric_binary(impl) -> tuple[Signature, ...]:
    """Signatures of rules (a)-(d): int-likes → Integer, any tuple operand → IntegerTuple."""
    return (
        *(Signature((x, y), INTEGER, impl) for x in _INTLIKE for y in _INTLIKE),
        Signature((INTEGER_TUPLE, INTEGER_TUPLE), INTEGER_TUPLE, impl),
        *(Signature((x, INTEGER_TUPLE), INTEGER_TUPLE, impl) for x in _INTLIKE),
        *(Signature((INTEGER_TUPLE, x), INTEGER_TUPLE, impl) for x in _INTLIKE),
    )


def _numeric_unary(impl) -> tuple[Signature, ...]:
    return (Signature((INTEGER,), INTEGER, impl), Signature((BOOLEAN,), INTEGER, impl),
            Signature((INTEGER_TUPLE,), INTEGER_TUPLE, impl))


def _logic_binary(impl) -> tuple[Signature, ...]:
    """``and`` / ``or``: same-type pairs, plus Boolean/Integer mixes typed as Integer."""
    return (
        *(Signature((t, t), t, impl) for t in _ALL),
        Signature((BOOLEAN, INTEGER), INTEGER, impl),
        Signature((INTEGER, BOOLEAN), INTEGER, impl),
    )


SIGNATURES: dict[str, tuple[Signature, ...]] = {
    "identity": tuple(Signature((t,), t, identity) for t in _ALL),
    **{name: _numeric_binary(fn) for name, fn in
       (("add", add), ("subtract", subtract), ("multiply", multiply), ("divide", divide))},
    **{name: _numeric_unary(fn) for name, fn in
       (("invert", invert), ("double", double), ("halve", halve), ("increment", increment),
        ("decrement", decrement), ("crement", crement), ("sign", sign))},
    **{name: tuple(Signature((t,), BOOLEAN, fn) for t in _INTLIKE) for name, fn in
       (("even", even), ("positive", positive))},
    **{name: tuple(Signature((t,), INTEGER_TUPLE, fn) for t in _INTLIKE) for name, fn in
       (("toivec", toivec), ("tojvec", tojvec))},
    "flip": tuple(Signature((t,), BOOLEAN, flip) for t in (BOOLEAN, INTEGER, INTEGER_TUPLE, GRID)),
    "equality": tuple(Signature((s, t), BOOLEAN, equality) for s in _ALL for t in _ALL),
    "greater": (*(Signature((x, y), BOOLEAN, greater) for x in _INTLIKE for y in _INTLIKE),
                Signature((INTEGER_TUPLE, INTEGER_TUPLE), BOOLEAN, greater)),
    "both": _logic_binary(both),
    "either": _logic_binary(either),
    "astuple": (*(Signature((x, y), INTEGER_TUPLE, astuple) for x in _INTLIKE for y in _INTLIKE),
                *(Signature((x, INTEGER_TUPLE), CELL, astuple_cell) for x in _INTLIKE)),
    "first": (Signature((INTEGER_TUPLE,), INTEGER, first_of_pair),
              Signature((CELL,), INTEGER, first_of_pair)),
    "last": (Signature((INTEGER_TUPLE,), INTEGER, last_of_pair),
             Signature((CELL,), INTEGER_TUPLE, last_of_pair)),
    "branch": tuple(Signature((c, t, t), t, branch) for c in (BOOLEAN, INTEGER) for t in _ALL),
}
"""Primitive name → typed implementations (first entry of each is the most common typing)."""
