"""Function values: their static types, their type rules and their lowering (spec §4.5).

arc-dsl passes functions around as values: primitives (``size``), partial applications
(``rbind(shift, x1)``), compositions (``compose``, ``chain``, ``fork``, ``matcher``,
``power``, ``branch`` between functions). A function value here is **static at trace
time**: its :class:`FnType` is a structure (a tree of :class:`Fn` nodes whose leaves are
primitives, constants (:class:`Lit`) and *captured* values (:class:`Slot`)), and at run
time it is only the tuple of its captured values' ``(value, ok, overflow)`` triples. Two
functions with the same structure and captured types share their kernels, whatever
values they capture ("keyed by structure, not by identity").

arc-dsl functions are polymorphic (``rbind(shift, d)`` shifts an Indices or an Object),
so a function type does not fix one parameter → result mapping; the result type of a
call follows from the argument types at each call site by :func:`call`, which runs the
same code in two modes:

* *abstract* (``Env.abstract``): values are types (and grid capacities) only; used by
  type inference (:mod:`compiler.infer`) and the capacity pass (:mod:`compiler.capacity`);
* *trace*: values carry traced triples; used by the lowering (:mod:`compiler.lower`).

Because both modes take the same path, the lowering never chooses a signature or a
capacity the type pass did not. A call no JAX signature accepts, a wrong arity, or a
container whose result type the type table cannot hold raises :class:`FnTypeError`
(reported by the passes as ``file:line: message``).

Higher-order primitives over containers (``apply``, ``sfilter``, ``argmax``, …) map the
function over the container's padded elements with ``vmap``
(:mod:`jaxdsl.prims.higher_order`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Union

import jax
import jax.numpy as jnp
import numpy as np

from jaxdsl import types as T
from jaxdsl.prims import REGISTRY, Signature, bind_caps
from jaxdsl.prims import higher_order as H
from jaxdsl.reference.constants import CONSTANTS
from jaxdsl.values import Capacity, int_truthy

from . import capacity as _cap
from .ir import Const, Op, PrimRef, Var
from .parse import primitive_arity

# ------------------------------------------------------------------ constants and signatures

COERCIONS: dict[tuple[str, str], str] = {(T.BOOLEAN, T.INTEGER): "bool_to_int"}
"""(argument type, parameter type) pairs accepted by coercion, with the coercion's name."""

_COERCE = {"bool_to_int": lambda b: jnp.asarray(b, jnp.int32)}


def constant_type(name: str) -> str:
    """DSL type of an arc-dsl constant (``T`` → Boolean, ``ONE`` → Integer, ``DOWN`` → IntegerTuple)."""
    value = CONSTANTS[name]
    if isinstance(value, bool):
        return T.BOOLEAN
    if isinstance(value, int):
        return T.INTEGER
    return T.INTEGER_TUPLE


def constant_value(name: str) -> np.ndarray:
    """The host value of an arc-dsl constant: ``bool[]``, ``int32[]`` or ``int32[2]``."""
    if constant_type(name) == T.BOOLEAN:
        return np.asarray(CONSTANTS[name], np.bool_)
    return np.asarray(CONSTANTS[name], np.int32)


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


def choose_signature(name: str, arg_types: tuple[str, ...], registry=REGISTRY):
    """The ``registry`` signature of primitive ``name`` for ``arg_types``: the first exact
    match, else the first after coercion. Returns ``(signature, coercions)`` or None."""
    sigs = registry.get(name, ())
    for allow in (False, True):
        for sig in sigs:
            coercions = _match(sig, arg_types, allow)
            if coercions is not None:
                return sig, coercions
    return None


def no_signature_message(name: str, arg_types) -> str:
    offered = "; ".join("(" + ", ".join(s.params) + ")" for s in REGISTRY.get(name, ()))
    return (f"{name}({', '.join(map(str, arg_types))}) has no JAX implementation "
            f"(available: {offered or 'none'})")


# ------------------------------------------------------------------ static structures


@dataclass(frozen=True)
class Slot:
    """Captured value number ``index`` of a function value (its type: ``type``)."""

    index: int
    type: str


@dataclass(frozen=True)
class Lit:
    """An arc-dsl constant inside a function value (baked into the kernel)."""

    name: str


@dataclass(frozen=True)
class Fn:
    """A node of a function structure.

    Attributes:
      kind: ``"prim"`` (``parts = (name,)``), ``"rbind"`` / ``"lbind"`` (``(function,
        fixed)``), ``"compose"`` (``(outer, inner)``), ``"chain"`` (``(h, g, f)``),
        ``"fork"`` (``(outer, a, b)``), ``"matcher"`` (``(function, target)``),
        ``"power"`` (``(function, n)``), ``"branch"`` (``(condition, a, b)``).
      parts: :class:`Fn`, :class:`Slot`, :class:`Lit` (or the primitive's name).
      arity: the declared parameter count arc-dsl gives the function (``rbind`` reads it).
    """

    kind: str
    parts: tuple
    arity: int

    def describe(self) -> str:
        """The function as arc-dsl source (``rbind(shift, <IntegerTuple>)``)."""
        if self.kind == "prim":
            return self.parts[0]
        inner = ", ".join(p.describe() if isinstance(p, Fn) else p.name if isinstance(p, Lit)
                          else f"<{p.type}>" for p in self.parts)
        return f"{self.kind}({inner})"


@dataclass(frozen=True)
class FnType:
    """The static type of a function value: its structure and its captured values' types.

    At run time the value is a tuple of one ``(value, ok, overflow)`` triple per slot."""

    fn: Fn
    slots: tuple[str, ...]

    def __str__(self) -> str:
        return f"Callable[{self.fn.describe()}]"


@dataclass(frozen=True)
class BagType:
    """The static type of a container of function values (``astuple(f, g)``,
    ``initset(f)``, ``insert(f, bag)``, ``combine(bag, bag)``): its kind (``"tuple"`` or
    ``"frozenset"``), its items' :class:`FnType` in order, and each item's origin
    (:attr:`Closure.origin`). At run time it is the tuple of its items' captured-value
    tuples."""

    kind: str
    items: tuple[FnType, ...]
    origins: tuple = ()

    def __str__(self) -> str:
        name = "Tuple" if self.kind == "tuple" else "FrozenSet"
        return f"{name}[{', '.join(map(str, self.items))}]"


def is_function_type(t) -> bool:
    """True for the static type of a function value or of a container of them."""
    return isinstance(t, (FnType, BagType))


# ------------------------------------------------------------------ evaluation values


@dataclass(eq=False)
class Data:
    """A data value during :func:`call`: its DSL type, grid capacity (Grid / Tuple[Grid];
    None in type-only mode), its triple (None in abstract mode) and the constant it came
    from (read by the capacity rules, e.g. ``upscale``'s factor)."""

    type: str
    cap: Any = None
    triple: Any = None
    const: str | None = None


@dataclass(eq=False)
class Closure:
    """A function value during :func:`call`: a structure and its captured values.
    ``origin`` names the Python object it is in the reference (the variable that holds
    it, or the primitive), when known: a frozenset of functions keeps one of each."""

    fn: Fn
    slots: tuple = field(default_factory=tuple)
    origin: str | None = None

    @property
    def type(self) -> FnType:
        return FnType(self.fn, tuple(d.type for d in self.slots))


@dataclass(eq=False)
class Bag:
    """A container of function values during :func:`call` (:class:`BagType`)."""

    kind: str
    items: tuple[Closure, ...]

    @property
    def type(self) -> BagType:
        return BagType(self.kind, tuple(c.type for c in self.items), tuple(c.origin for c in self.items))

    @property
    def slots(self) -> tuple:
        """Every item's captured values, in order (for the flags)."""
        return tuple(d for c in self.items for d in c.slots)


Val = Union[Data, Closure, Bag]


@dataclass(frozen=True)
class Env:
    """How :func:`call` evaluates: ``caps`` (None: types only), the side bound of inferred
    grid capacities, and whether values are abstract (no triples)."""

    caps: Capacity | None
    limit: int = 120
    abstract: bool = True


class FnTypeError(TypeError):
    """A call no JAX implementation accepts (the message names the op and the types)."""


def prim_value(name: str) -> Closure:
    """A primitive used as a value."""
    arity = primitive_arity(name)
    if arity is None:
        raise FnTypeError(f"{name} is not an arc-dsl primitive")
    return Closure(Fn("prim", (name,), arity))


def const_data(name: str, env: Env) -> Data:
    triple = None
    if not env.abstract:
        triple = (jnp.asarray(constant_value(name)), jnp.asarray(True), jnp.asarray(False))
    return Data(constant_type(name), None, triple, name)


def _type_name(v: Val) -> str:
    return str(v.type)


# ------------------------------------------------------------------ building closures

CONSTRUCTORS = ("compose", "chain", "fork", "matcher", "rbind", "lbind", "power")
"""Primitives that build a function value from their arguments."""

CONTAINER_HOF = ("apply", "mapply", "sfilter", "mfilter", "extract", "argmax", "argmin", "valmax",
                 "valmin", "order", "papply", "mpapply", "prapply", "rapply")
"""Primitives that call a function argument on a container's elements."""

FUNCTION_PRIMS = frozenset(CONSTRUCTORS + CONTAINER_HOF)
"""Every primitive whose JAX implementation lives here rather than in the registry."""


def _renumber(part, offset: int):
    if isinstance(part, Slot):
        return Slot(part.index + offset, part.type)
    if isinstance(part, Fn):
        if part.kind == "prim":
            return part
        return Fn(part.kind, tuple(_renumber(p, offset) for p in part.parts), part.arity)
    return part


def _build(kind: str, args: list[Val], arity: int) -> Closure:
    """A closure of ``kind`` over ``args``: their slots concatenated and renumbered."""
    parts, slots = [], []
    for a in args:
        if isinstance(a, Closure):
            parts.append(_renumber(a.fn, len(slots)))
            slots.extend(a.slots)
        elif a.const is not None:
            parts.append(Lit(a.const))
        else:
            parts.append(Slot(len(slots), a.type))
            slots.append(a)
    return Closure(Fn(kind, tuple(parts), arity), tuple(slots))


def _want_function(name: str, v: Val, what: str) -> Closure:
    if not isinstance(v, Closure):
        raise FnTypeError(f"{name}: {what} must be a function, got {v.type}")
    return v


def _bound_arity(n: int) -> int:
    # arc-dsl rbind / lbind: 2 → 1, 3 → 2, any other count → 3
    return {2: 1, 3: 2}.get(n, 3)


def construct(name: str, args: list[Val], env: Env) -> Closure:
    """The closure built by constructor primitive ``name`` (arc-dsl #54–60, spec §4.5)."""
    if name == "compose":
        for a, w in zip(args, ("outer", "inner")):
            _want_function(name, a, w)
        return _build("compose", args, 1)
    if name == "chain":
        for a, w in zip(args, ("h", "g", "f")):
            _want_function(name, a, w)
        return _build("chain", args, 1)
    if name == "fork":
        for a, w in zip(args, ("outer", "a", "b")):
            _want_function(name, a, w)
        return _build("fork", args, 1)
    if name == "matcher":
        _want_function(name, args[0], "function")
        return _build("matcher", args, 1)
    if name in ("rbind", "lbind"):
        f = _want_function(name, args[0], "function")
        return _build(name, args, _bound_arity(f.fn.arity))
    if name == "power":
        f = _want_function(name, args[0], "function")
        n = args[1]
        if isinstance(n, Closure) or n.type not in (T.INTEGER, T.BOOLEAN):
            raise FnTypeError(f"power: n must be an Integer, got {_type_name(n)}")
        if n.const is not None and int(CONSTANTS[n.const]) == 1:
            return f                                # power(f, 1) is f itself
        if f.fn.arity != 1:
            raise FnTypeError(f"power of the {f.fn.arity}-parameter function {f.fn.describe()} "
                              "is only supported with n = ONE")
        # arc-dsl's power raises (RecursionError) when it is *built* with n ≤ 0, so the
        # closure itself is not ok there, and so is every op using it, even one that never
        # calls it (apply over an empty container): a computed n is captured not ok when
        # n < 1; a constant n < 1 gets a captured Boolean that is never ok.
        if n.const is not None:
            if int(CONSTANTS[n.const]) < 1:
                never = None if env.abstract else (jnp.asarray(False), jnp.asarray(False), jnp.asarray(False))
                return _build("power", [f, n, Data(T.BOOLEAN, None, never)], 1)
        elif not env.abstract:
            v, ok, over = n.triple
            n = Data(n.type, n.cap, (v, ok & (jnp.asarray(v, jnp.int32) >= 1), over))
        return _build("power", [f, n], 1)
    raise AssertionError(name)


def _branch(args: list[Val]) -> Closure:
    cond, a, b = args
    if isinstance(cond, Closure) or not (isinstance(a, Closure) and isinstance(b, Closure)):
        raise FnTypeError("branch between a function and a non-function "
                          f"({_type_name(a)}, {_type_name(b)}) is not supported")
    if a.fn.arity != b.fn.arity:
        raise FnTypeError(f"branch between functions of {a.fn.arity} and {b.fn.arity} parameters")
    if not isinstance(cond, Data) or cond.type not in (T.BOOLEAN, T.INTEGER):
        raise FnTypeError(f"branch between functions on a condition of type {_type_name(cond)} is "
                          "not supported (Boolean or Integer)")
    return _build("branch", args, a.fn.arity)


# ------------------------------------------------------------------ calling


def _resolve(part, slots: tuple, env: Env) -> Val:
    if isinstance(part, Slot):
        return slots[part.index]
    if isinstance(part, Lit):
        return const_data(part.name, env)
    return Closure(part, slots)


def _flags(vals: list[Val]):
    ok, over = jnp.asarray(True), jnp.asarray(False)
    for v in vals:
        triples = [v.triple] if isinstance(v, Data) else [d.triple for d in v.slots]
        for t in triples:
            ok, over = ok & t[1], over | t[2]
    return ok, over


def _finish(value, ok, over, inputs: list[Val]):
    """Fold the inputs' flags into a result: not ok when an input is not; overflow when an
    input overflowed, or the call itself did while every input was ok and fitted."""
    in_ok, in_over = _flags(inputs)
    return value, ok & in_ok, (over & in_ok & ~in_over) | in_over


def call(f: Val, args: list[Val], env: Env) -> Val:
    """Call the function value ``f`` on ``args`` (spec §4.5 semantics of every node).

    Returns the result :class:`Data` (or :class:`Closure`); in trace mode its triple is
    ``(value, ok, overflow)`` with the flags of ``f``'s captured values and of ``args``
    folded in. Raises :class:`FnTypeError` when no JAX implementation accepts the call.
    """
    if not isinstance(f, Closure):
        raise FnTypeError(f"calls a {f.type}, which is not a function")
    fn = f.fn
    if len(args) != fn.arity:
        raise FnTypeError(f"calls {fn.describe()} ({fn.arity} parameter{'s' * (fn.arity != 1)}) "
                          f"with {len(args)} argument{'s' * (len(args) != 1)}")
    part = functools.partial(_resolve, slots=f.slots, env=env)
    k, p = fn.kind, fn.parts
    if k == "prim":
        return call_prim(p[0], list(args), env)
    if k == "rbind":
        return call(part(p[0]), list(args) + [part(p[1])], env)
    if k == "lbind":
        return call(part(p[0]), [part(p[1])] + list(args), env)
    if k == "compose":
        return call(part(p[0]), [call(part(p[1]), args, env)], env)
    if k == "chain":
        return call(part(p[0]), [call(part(p[1]), [call(part(p[2]), args, env)], env)], env)
    if k == "fork":
        return call(part(p[0]), [call(part(p[1]), args, env), call(part(p[2]), args, env)], env)
    if k == "matcher":
        return call_prim("equality", [call(part(p[0]), args, env), part(p[1])], env)
    if k == "power":
        return _call_power(part(p[0]), part(p[1]), args[0], env)
    if k == "branch":
        return _call_branch(part(p[0]), part(p[1]), part(p[2]), args, env)
    raise AssertionError(k)


def _same_shape(a: Val, b: Val) -> bool:
    return isinstance(a, Data) and isinstance(b, Data) and a.type == b.type and a.cap == b.cap


def _call_power(f: Closure, n: Data, x: Val, env: Env) -> Val:
    if n.const is not None:                       # unrolled: n is known
        steps = int(CONSTANTS[n.const])
        if steps < 1:
            out = call(f, [x], env)
            if env.abstract:
                return out
            v, _, _ = out.triple
            return Data(out.type, out.cap, (v, jnp.asarray(False), jnp.asarray(False)))
        for _ in range(steps):
            x = call(f, [x], env)
        return x
    y = call(f, [x], env)
    if not _same_shape(x, y):
        raise FnTypeError(f"power({f.fn.describe()}, n) with a computed n needs a function from a "
                          f"type to itself; it maps {_type_name(x)} to {_type_name(y)}")
    if env.abstract:
        return y
    count = jnp.asarray(n.triple[0], jnp.int32)

    def body(state):
        i, triple = state
        out = call(f, [Data(x.type, x.cap, triple)], env)
        return i + 1, out.triple

    start = _finish(x.triple[0], jnp.asarray(True), jnp.asarray(False), [x])
    _, (v, ok, over) = jax.lax.while_loop(lambda s: s[0] < count, body, (jnp.int32(0), start))
    # power(f, n ≤ 0) raises RecursionError in the reference
    value, ok, over = _finish(v, ok & (count >= 1), over, [n])
    return Data(x.type, x.cap, (value, ok, over))


def _call_branch(cond: Data, a: Closure, b: Closure, args, env: Env) -> Val:
    ra, rb = call(a, args, env), call(b, args, env)
    if not _same_shape(ra, rb):
        raise FnTypeError(f"branch between functions with different results ({_type_name(ra)}, "
                          f"{_type_name(rb)}) is not supported")
    if env.abstract:
        return ra
    c = int_truthy(cond.triple[0])
    triple = jax.tree_util.tree_map(lambda u, v: jnp.where(c, u, v), ra.triple, rb.triple)
    value, ok, over = _finish(triple[0], triple[1], triple[2], [cond])
    return Data(ra.type, ra.cap, (value, ok, over))


def invoke(sig: Signature, shape: "_cap.OpShape", values: list, coercions) -> tuple:
    """Run a registry signature on unbatched values: pad grid arguments to ``shape.pads``,
    apply the coercions, bind ``shape.caps`` and cut transposed results to ``shape.out``.
    Returns the primitive's own ``(value, ok, overflow)``."""
    args = []
    for value, coercion, pad in zip(values, coercions, shape.pads):
        if pad is not None:
            value = pad_grid(value, pad)
        args.append(_COERCE[coercion](value) if coercion else value)
    value, ok, over = _bind(sig.impl, shape.caps)(*args)
    if shape.out is not None:
        H, W = shape.out
        if shape.crop:
            value = value._replace(cells=value.cells[..., :H, :W])
        if value.cells.shape[-2:] != (H, W):
            raise AssertionError(f"{sig} returned grid capacity {value.cells.shape[-2:]}, "
                                 f"the capacity pass expected {(H, W)}")
    return value, ok, over


@functools.lru_cache(maxsize=None)
def _bind(impl, caps: Capacity):
    return bind_caps(impl, caps)


def pad_grid(value: Any, shape: tuple[int, int]) -> Any:
    """Zero-pad a Grid (``cells int8[H0, W0]``) or GridTuple (``cells int8[G, H0, W0]``) to
    grid capacity ``shape = (H, W)`` (``H ≥ H0``, ``W ≥ W0``); other leaves are unchanged.
    Zero padding keeps the grid invariant (zeros outside ``h × w``)."""
    H, W = shape
    h0, w0 = value.cells.shape[-2:]
    if (h0, w0) == (H, W):
        return value
    widths = [(0, 0)] * (value.cells.ndim - 2) + [(0, H - h0), (0, W - w0)]
    return value._replace(cells=jnp.pad(value.cells, widths))


def call_prim(name: str, args: list[Val], env: Env) -> Val:
    """Call primitive ``name`` on evaluation values (data primitives through the registry,
    constructors and higher-order primitives here)."""
    arity = primitive_arity(name)
    if arity is not None and len(args) != arity:
        raise FnTypeError(f"{name} takes {arity} argument{'s' * (arity != 1)}, got {len(args)}")
    if name in CONSTRUCTORS:
        return construct(name, args, env)
    if name == "branch" and any(isinstance(a, Closure) for a in args):
        return _branch(args)
    if name in CONTAINER_HOF:
        return _container_hof(name, args, env)
    if name in BAG_PRIMS and any(isinstance(a, (Closure, Bag)) for a in args):
        return _bag_prim(name, args, env)
    if any(isinstance(a, (Closure, Bag)) for a in args):
        raise FnTypeError(f"{name}({', '.join(map(_type_name, args))}): {name} does not take "
                          "function arguments in the JAX backend")
    arg_types = tuple(a.type for a in args)
    chosen = choose_signature(name, arg_types)
    if chosen is None:
        raise FnTypeError(no_signature_message(name, arg_types))
    sig, coercions = chosen
    if env.caps is None:
        return Data(sig.result)
    shape = _cap.op_shape(name, sig.params, sig.result, [a.cap for a in args],
                          tuple(Const(a.const) if a.const else None for a in args), env.caps, env.limit)
    out = Data(sig.result, shape.out)
    if env.abstract:
        return out
    value, ok, over = invoke(sig, shape, [a.triple[0] for a in args], coercions)
    out.triple = _finish(value, ok, over, args)
    return out


# ------------------------------------------------------------------ containers of functions

BAG_PRIMS = ("astuple", "initset", "insert", "combine", "size", "first", "last", "rapply")
"""Primitives that build, measure, take from or apply a container of function values."""


def _same_item(a: Closure, b: Closure) -> bool:
    """Whether two items are the same Python object in the reference: the same primitive,
    or the same variable's closure (closures built by different ops never are, even when
    equal: a frozenset keeps both). A closure copied to another variable by ``first`` /
    ``last`` of a tuple of functions counts as a new object here."""
    if a.fn.kind == "prim" or b.fn.kind == "prim":
        return a.fn == b.fn
    return a.origin is not None and a.origin == b.origin


def _add_items(kind: str, items: tuple, more: tuple) -> tuple:
    out = list(items)
    for c in more:
        if kind == "tuple" or not any(_same_item(c, d) for d in out):
            out.append(c)
    return tuple(out)


def _bag_prim(name: str, args: list[Val], env: Env) -> Val:
    """arc-dsl's container primitives on function values (spec §4.2, §4.5 ``rapply``):
    ``astuple(f, g)`` and ``initset(f)`` build a tuple / frozenset of functions,
    ``insert(f, bag)`` and ``combine(bag, bag)`` extend it, ``size`` counts it,
    ``first``/``last`` take an item of a tuple, ``rapply(bag, x)`` calls every item on
    ``x`` and collects the results like the reference (a frozenset merges equal results).
    The items are static; only their captured values travel."""
    types = ", ".join(map(_type_name, args))
    if name == "astuple" and all(isinstance(a, Closure) for a in args):
        return Bag("tuple", tuple(args))
    if name == "initset" and isinstance(args[0], Closure):
        return Bag("frozenset", (args[0],))
    if name == "insert" and isinstance(args[0], Closure) and isinstance(args[1], Bag) \
            and args[1].kind == "frozenset":
        return Bag("frozenset", _add_items("frozenset", args[1].items, (args[0],)))
    if name == "combine" and all(isinstance(a, Bag) for a in args) and args[0].kind == args[1].kind:
        return Bag(args[0].kind, _add_items(args[0].kind, args[0].items, args[1].items))
    if name == "size" and isinstance(args[0], Bag):
        triple = None if env.abstract else _finish(jnp.int32(len(args[0].items)), jnp.asarray(True),
                                                   jnp.asarray(False), args)
        return Data(T.INTEGER, None, triple)
    if name in ("first", "last") and isinstance(args[0], Bag) and args[0].kind == "tuple":
        if not args[0].items:
            raise FnTypeError(f"{name} of an empty tuple of functions")
        return args[0].items[0 if name == "first" else -1]
    if name == "rapply" and isinstance(args[0], Bag) and isinstance(args[1], Data):
        return _rapply(args[0], args[1], env)
    raise FnTypeError(f"{name}({types}) is not supported by the JAX backend")


def _rapply(bag: Bag, x: Data, env: Env) -> Val:
    results = [call(c, [x], env) for c in bag.items]
    if not results:
        raise FnTypeError("rapply of an empty container of functions")
    if any(not isinstance(r, Data) for r in results) or len({r.type for r in results}) != 1:
        raise FnTypeError(f"rapply({bag.type}, {x.type}): the functions return "
                          f"{', '.join(_type_name(r) for r in results)}; the JAX backend needs one data type")
    etype = results[0].type
    ctype = _result_container("rapply", bag.kind, results[0])
    cap = None
    if etype == T.GRID and results[0].cap is not None:
        cap = (max(r.cap[0] for r in results), max(r.cap[1] for r in results))
    out = Data(ctype, cap)
    if env.abstract:
        return out
    values = [pad_grid(r.triple[0], cap) if cap is not None else r.triple[0] for r in results]
    batch = jax.tree_util.tree_map(lambda *xs: jnp.stack(xs), *values)
    keep = jnp.ones((len(values),), bool)
    _, value, over = H.collect(bag.kind, etype, batch, keep, env.caps)
    ok = functools.reduce(jnp.logical_and, [r.triple[1] for r in results])
    over = functools.reduce(jnp.logical_or, [r.triple[2] for r in results], over)
    out.triple = _finish(value, ok, over, [bag, x])
    return out


# ------------------------------------------------------------------ container primitives


def _element(name: str, c: Val) -> tuple[str, Any]:
    """Element type and grid capacity of container argument ``c`` of ``name``."""
    if isinstance(c, (Closure, Bag)):
        raise FnTypeError(f"{name}: expected a container of data, got {_type_name(c)}")
    if not H.is_container(c.type):
        raise FnTypeError(f"{name}: {c.type} is not a container the JAX backend can map over")
    return T.element_type(c.type), (c.cap if c.type == T.TUPLE_GRID else None)


def _elem_fn(f: Closure, etype: str, ecap, env: Env):
    """The element function ``e -> triple`` for :mod:`jaxdsl.prims.higher_order`, and its
    abstract result."""
    result = call(f, [Data(etype, ecap)], Env(env.caps, env.limit, True))
    if isinstance(result, Closure):
        raise FnTypeError(f"{f.fn.describe()} returns a function on {etype}: not supported "
                          "inside a container primitive")

    def run(e):
        out = call(f, [Data(etype, ecap, (e, jnp.asarray(True), jnp.asarray(False)))], env)
        return out.triple

    return run, result


def _result_container(name: str, kind: str, r: Data) -> str:
    ctype = H.container_type(kind, r.type)
    if ctype is None:
        raise FnTypeError(f"{name}: the result would be a {kind} of {r.type}, which the JAX "
                          "backend cannot hold")
    return ctype


def _container_hof(name: str, args: list[Val], env: Env, for_merge: bool = False) -> Val:
    """``apply`` / ``sfilter`` / ... (and ``mapply`` / ``mfilter`` / ``mpapply`` as merge of
    them) on a container value. ``for_merge``: only the union of the result is used, so an
    ``apply`` over a frozenset skips putting its results in canonical order."""
    if name == "rapply":
        if isinstance(args[0], Bag):
            return _bag_prim(name, args, env)
        raise FnTypeError(f"rapply: the first argument must be a container of functions, got {_type_name(args[0])}")
    if name in ("mapply", "mfilter", "mpapply"):
        inner = {"mapply": "apply", "mfilter": "sfilter", "mpapply": "papply"}[name]
        return call_prim("merge", [_container_hof(inner, args, env, for_merge=True)], env)
    if name in ("apply", "papply", "prapply"):
        f = _want_function(name, args[0], "the first argument")
        containers = args[1:]
    else:
        f = _want_function(name, args[1], "the second argument")
        containers = args[:1]
    etypes = [_element(name, c) for c in containers]
    if name in ("papply", "prapply"):
        return _pairwise(name, f, containers, etypes, env)
    (etype, ecap), c = etypes[0], containers[0]
    run, r = _elem_fn(f, etype, ecap, env)
    kind = T.TYPES[c.type].kind
    if name == "apply":
        ctype = _result_container(name, kind, r)
        out = Data(ctype, r.cap if r.type == T.GRID else None)
    elif name in ("sfilter", "extract"):
        if r.type not in (T.BOOLEAN, T.INTEGER):
            raise FnTypeError(f"{name}: the condition returns {r.type}, not a Boolean")
        out = Data(c.type, c.cap) if name == "sfilter" else Data(etype, ecap)
    elif name in ("argmax", "argmin", "valmax", "valmin", "order"):
        if r.type not in H.KEY_TYPES:
            raise FnTypeError(f"{name}: keys of type {r.type} are not supported (Integer or Boolean)")
        if name in ("argmax", "argmin"):
            out = Data(etype, ecap)
        elif name == "order":
            out = Data(T.AS_TUPLE.get(c.type, c.type), c.cap)
        else:
            out = Data(r.type)
    else:
        raise AssertionError(name)
    if env.abstract:
        return out
    caps, value = env.caps, c.triple[0]
    if name == "apply":
        _, v, ok, over = H.apply(run, r.type, c.type, value, caps, canonical=not for_merge)
    elif name == "sfilter":
        v, ok, over = H.sfilter(run, c.type, value, caps)
    elif name == "extract":
        v, ok, over = H.extract(run, c.type, value, caps)
    elif name in ("argmax", "argmin"):
        v, ok, over = H.arg_extreme(run, c.type, value, caps, name == "argmax")
    elif name in ("valmax", "valmin"):
        v, ok, over = H.val_extreme(run, _at_zero(f, r, env), c.type, value, caps, name == "valmax")
        if r.type == T.BOOLEAN:
            v = v != 0
    else:
        _, v, ok, over = H.order(run, c.type, value, caps)
    out.triple = _finish(v, ok, over, args)
    return out


def _at_zero(f: Closure, r: Data, env: Env):
    """``f(0)``'s triple (valmax / valmin of an empty container), or None when ``f`` does
    not accept an Integer (the reference raises)."""
    try:
        z = call(f, [Data(T.INTEGER)], Env(env.caps, env.limit, True))
    except FnTypeError:
        return None
    if not isinstance(z, Data) or z.type != r.type:
        raise FnTypeError(f"{f.fn.describe()}(0) is a {z.type}, its keys are {r.type}: "
                          "valmax/valmin of an empty container is not supported here")
    zero = Data(T.INTEGER, None, (jnp.int32(0), jnp.asarray(True), jnp.asarray(False)))
    return call(f, [zero], env).triple


def _pairwise(name: str, f: Closure, containers, etypes, env: Env) -> Val:
    (ta, ca), (tb, cb) = etypes
    a, b = containers
    result = call(f, [Data(ta, ca), Data(tb, cb)], Env(env.caps, env.limit, True))
    if isinstance(result, Closure):
        raise FnTypeError(f"{name}: {f.fn.describe()} returns a function: not supported")
    kind = "tuple" if name == "papply" else "frozenset"
    out = Data(_result_container(name, kind, result), result.cap if result.type == T.GRID else None)
    if env.abstract:
        return out

    def run(x, y):
        t = lambda v: (v, jnp.asarray(True), jnp.asarray(False))
        return call(f, [Data(ta, ca, t(x)), Data(tb, cb, t(y))], env).triple

    rule = H.papply if name == "papply" else H.prapply
    _, v, ok, over = rule(run, result.type, a.type, a.triple[0], b.type, b.triple[0], env.caps)
    out.triple = _finish(v, ok, over, [a, b] + [f])
    return out


# ------------------------------------------------------------------ ops of a program


def is_function_op(op: Op, var_types) -> bool:
    """True when ``op`` calls a function variable, passes a function, or is a primitive
    implemented here (:data:`FUNCTION_PRIMS`)."""
    if isinstance(op.callee, Var) or op.callee.name in FUNCTION_PRIMS:
        return True
    return any(isinstance(a, PrimRef) or (isinstance(a, Var) and is_function_type(var_types[a.name]))
               for a in op.args)


def op_refs(op: Op) -> list:
    """The references an op reads: its callee when that is a variable, then its arguments."""
    return ([op.callee] if isinstance(op.callee, Var) else []) + list(op.args)


def value_of(ref, var_type, var_cap, triple, env: Env) -> Val:
    """The evaluation value of an IR reference: a variable of ``var_type`` (with its grid
    capacity / captured capacities ``var_cap`` and its run-time ``triple``), a constant or a
    primitive named as a value."""
    if isinstance(ref, PrimRef):
        return prim_value(ref.name)
    if isinstance(ref, Const):
        return const_data(ref.name, env)
    if isinstance(var_type, BagType):
        items = []
        for k, item in enumerate(var_type.items):
            item_cap = var_cap[k] if var_cap is not None else None
            item_triple = None if triple is None else ((triple[0][k]), None, None)
            closure = value_of(ref, item, item_cap, item_triple, env)
            closure.origin = var_type.origins[k] if var_type.origins else None
            items.append(closure)
        return Bag(var_type.kind, tuple(items))
    if is_function_type(var_type):
        caps = var_cap if var_cap is not None else (None,) * len(var_type.slots)
        origin = ref.name if isinstance(ref, Var) else None
        if triple is None:
            return Closure(var_type.fn, tuple(Data(t, c) for t, c in zip(var_type.slots, caps)), origin)
        slot_triples = triple[0]
        return Closure(var_type.fn, tuple(Data(t, c, st) for t, c, st in
                                          zip(var_type.slots, caps, slot_triples)), origin)
    return Data(var_type, var_cap, triple)


def evaluate_op(op: Op, callee: Val | None, args: list[Val], env: Env) -> Val:
    """Evaluate one function op (:func:`is_function_op`) on evaluation values."""
    if isinstance(op.callee, Var):
        return call(callee, args, env)
    return call_prim(op.callee.name, args, env)


def evaluate_refs(op: Op, ref_types, ref_caps, triples, env: Env) -> Val:
    """Evaluate function op ``op`` from the type, capacity and triple (None when abstract)
    of each reference it reads, in :func:`op_refs` order."""
    vals = [value_of(r, t, c, x, env) for r, t, c, x in zip(op_refs(op), ref_types, ref_caps, triples)]
    callee = vals.pop(0) if isinstance(op.callee, Var) else None
    return evaluate_op(op, callee, vals, env)


def result_triple(v: Val):
    """The run-time triple of an op's result: a Data's triple, or for a function value the
    tuple of its captured triples with ok = all captured ok, overflow = any overflowed."""
    if isinstance(v, Data):
        return v.triple
    ok, over = _flags([v])
    if isinstance(v, Bag):
        return tuple(tuple(d.triple for d in c.slots) for c in v.items), ok, over
    return tuple(d.triple for d in v.slots), ok, over


def result_caps(v: Val):
    """The capacity the capacity pass records for an op's result (see :class:`Data`)."""
    if isinstance(v, Data):
        return v.cap
    if isinstance(v, Bag):
        return tuple(tuple(d.cap for d in c.slots) for c in v.items)
    return tuple(d.cap for d in v.slots)


def op_result_caps(top, var_caps, caps: Capacity, limit: int):
    """Capacity-pass rule of a function op: its result's grid capacity (Grid results), its
    captured values' capacities (function results), else None."""
    refs = op_refs(top.op)
    ref_caps = [var_caps.get(r.name) if isinstance(r, Var) else None for r in refs]
    return result_caps(evaluate_refs(top.op, top.ref_types, ref_caps, [None] * len(refs),
                                     Env(caps, limit, True)))
