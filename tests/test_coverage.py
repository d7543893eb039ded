"""Coverage: the reference is complete, and every one of its 160 primitives has a JAX
implementation, a type rule and an equivalence test (:data:`KNOWN_GAPS` excepted)."""

from __future__ import annotations

import importlib
import inspect

import jax
import pytest

from compiler import functions as fns
from jaxdsl import prims, reference
from jaxdsl import types as T
from jaxdsl.reference.constants import CONSTANTS
from jaxdsl.values import Capacity

SPEC_SLICE = {  # issue #2: every primitive of the first JAX slice
    "add", "subtract", "multiply", "divide", "invert", "even", "double", "halve", "flip", "greater",
    "both", "either", "increment", "decrement", "crement", "sign", "positive", "toivec", "tojvec",
    "astuple", "rot90", "rot180", "rot270", "hupscale", "vupscale", "downscale", "hconcat", "vconcat",
    "cellwise", "replace", "switch", "index", "canvas", "crop", "trim", "tophalf", "bottomhalf",
    "lefthalf", "righthalf", "compress", "hmirror", "vmirror", "dmirror", "cmirror", "upscale", "height",
    "width", "shape", "portrait", "square", "mostcolor", "leastcolor", "colorcount", "numcolors",
    "equality", "identity", "branch", "size", "combine",
}


def test_reference_has_all_160_primitives_and_28_constants():
    assert list(reference.PRIMITIVES) == list(reference.PRIMITIVE_NAMES)
    assert len(reference.PRIMITIVES) == 160 and len(CONSTANTS) == 28
    for name, fn in reference.PRIMITIVES.items():
        assert fn.__doc__ and "arc-dsl" in fn.__doc__, f"{name} lacks a docstring naming its arc-dsl item"


def test_every_jax_primitive_exists_in_the_reference_with_matching_arity():
    for name, sigs in prims.REGISTRY.items():
        assert name in reference.PRIMITIVES, name
        arity = reference.PRIMITIVES[name].__code__.co_argcount
        for sig in sigs:
            assert len(sig.params) == arity, (name, sig.params)
            assert sig.impl.__doc__, f"{name}{sig.params}: implementation lacks a docstring"


def test_issue_2_slice_is_complete():
    assert SPEC_SLICE - set(prims.REGISTRY) == set()


def test_every_first_order_primitive_runs_in_jax():
    """Issue #3: every primitive of the spec that is not higher-order has a JAX implementation."""
    first_order = set(reference.PRIMITIVE_NAMES) - reference.HIGHER_ORDER
    assert len(first_order) == 139
    missing = sorted(first_order - set(prims.REGISTRY))
    assert not missing, f"no JAX implementation: {missing}"


def _case_tables():
    tables = {}
    for family in prims.FAMILIES:
        module = importlib.import_module(f"tests.test_prims_{family}")
        tables[family] = module.CASES
    return tables


@pytest.mark.parametrize("family", prims.FAMILIES)
def test_every_signature_has_equivalence_cases(family):
    module = importlib.import_module(f"jaxdsl.prims.{family}")
    cases = _case_tables()[family]
    for name, sigs in module.SIGNATURES.items():
        for sig in sigs:
            assert (name, sig.params) in cases, f"{name}{sig.params} has no equivalence test"


def test_registry_has_no_duplicate_signatures():
    for name, sigs in prims.REGISTRY.items():
        params = [s.params for s in sigs]
        assert len(params) == len(set(params)), f"{name} registers a signature twice"


def test_jax_implementations_follow_the_calling_convention():
    """Every registry implementation is a plain function of a family module (no class or
    bound method) that captures no mutable state (closures of factories hold only
    immutable values and functions), takes one positional parameter per DSL parameter and
    at most the keyword ``caps`` (``jaxdsl.prims`` calling convention), and has no mutable
    default."""
    immutable = (str, int, float, bool, tuple, frozenset, type(None), type)
    for name, sigs in prims.REGISTRY.items():
        for sig in sigs:
            fn = inspect.unwrap(sig.impl)       # the registry wraps results in a window check
            where = f"{name}{sig.params}"
            assert inspect.isfunction(fn), where
            assert fn.__module__.startswith("jaxdsl.prims."), where
            for cell in fn.__closure__ or ():
                held = cell.cell_contents
                assert isinstance(held, immutable) or inspect.isfunction(held), (where, type(held))
            params = inspect.signature(fn).parameters.values()
            positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                          and p.default is p.empty]
            keywords = {p.name for p in params if p not in positional}
            assert len(positional) == len(sig.params), (where, positional)
            assert keywords <= {"caps"}, (where, keywords)
            assert not any(isinstance(d, (list, dict, set)) for d in (fn.__defaults__ or ())), where


_O1 = frozenset({(1, (0, 0)), (2, (1, 1))})
_O2 = frozenset({(3, (2, 1)), (3, (2, 2)), (5, (0, 2))})
_I1, _I2 = frozenset({(0, 0), (1, 2)}), frozenset({(1, 1)})
_SAMPLE_ARGS = (
    {"Grid": ((1, 2, 0), (3, 4, 0)), "Integer": 2, "Boolean": True, "IntegerTuple": (1, 2), "Object": _O1,
     "Indices": _I1, "IntegerSet": frozenset({1, 3}), "Tuple[Integer]": (1, 2, 2), "Objects": frozenset({_O1}),
     "IndicesSet": frozenset({_I1}), "Tuple[Object]": (_O1,), "Tuple[Indices]": (_I1,),
     "Tuple[Cell]": ((1, (0, 0)),), "Tuple[IntegerTuple]": ((1, 2),), "Tuple[Boolean]": (True, False),
     "Tuple[Grid]": (((1,),),), "Cell": (1, (0, 0)), "Samples": ((((1, 2), (3, 4)), ((4, 3), (2, 1))),)},
    {"Grid": ((5, 5), (5, 6), (7, 5)), "Integer": 3, "Boolean": False, "IntegerTuple": (0, -1), "Object": _O2,
     "Indices": _I2, "IntegerSet": frozenset({0}), "Tuple[Integer]": (4,), "Objects": frozenset({_O1, _O2}),
     "IndicesSet": frozenset({_I1, _I2}), "Tuple[Object]": (_O2, _O1), "Tuple[Indices]": (_I2, _I1),
     "Tuple[Cell]": ((2, (1, 0)), (3, (0, 0))), "Tuple[IntegerTuple]": ((0, 0), (3, 1)),
     "Tuple[Boolean]": (False,), "Tuple[Grid]": (((1, 2),), ((3,),)), "Cell": (4, (2, 1)),
     "Samples": ((((1,),), ((2,),)), (((3,),), ((3,),)))},
)
"""Two different values of every parameter type of the registry (small, fitting the default
capacity), for the purity checks."""

_ALL_SIGNATURES = [(name, sig) for name, sigs in prims.REGISTRY.items() for sig in sigs]


def _sample_args(params: tuple, which: int, caps) -> list:
    """Host (numpy) JAX values of ``_SAMPLE_ARGS[which]`` for ``params``."""
    import numpy as np

    from jaxdsl.types import from_python

    out = []
    for ptype in params:
        value, overflow = from_python(ptype, _SAMPLE_ARGS[which][ptype], caps)
        assert not overflow, ptype
        out.append(jax.tree_util.tree_map(np.asarray, value))
    return out


def _same_tree(a, b) -> bool:
    import numpy as np

    la, ta = jax.tree_util.tree_flatten(a)
    lb, tb = jax.tree_util.tree_flatten(b)
    return ta == tb and all(np.asarray(x).dtype == np.asarray(y).dtype and np.array_equal(x, y)
                            for x, y in zip(la, lb))


def test_jax_implementations_trace_to_pure_effect_free_programs():
    """Every registry implementation, traced twice on the same arguments, gives the same
    jaxpr with equal constants (no state that changes from one call to the next: counters,
    caches that alter the program, random draws at trace time) and the jaxpr has no
    effects (no debug prints, ordered IO callbacks or other side effects; a stateful
    ``pure_callback`` has none and is left to the run test below). Traced programs are
    what the compiler composes, so this is the purity the compiled programs rely on."""
    caps = Capacity()
    types_used = {t for _, sig in _ALL_SIGNATURES for t in sig.params}
    assert types_used <= set(_SAMPLE_ARGS[0]) == set(_SAMPLE_ARGS[1]), types_used - set(_SAMPLE_ARGS[0])
    for name, sig in _ALL_SIGNATURES:
        where = f"{name}{sig.params}"
        args = _sample_args(sig.params, 0, caps)
        fn = prims.bind_caps(sig.impl, caps)
        # a new function object each time: JAX caches traces by function identity
        first, second = (jax.make_jaxpr(lambda *xs: fn(*xs))(*args) for _ in range(2))
        assert not first.effects, (where, first.effects)
        assert str(first.jaxpr) == str(second.jaxpr), f"{where}: two traces differ"
        assert len(first.consts) == len(second.consts) and all(
            _same_tree(a, b) for a, b in zip(first.consts, second.consts)), f"{where}: constants differ"


PURITY_STRIDE = 19
"""Every ``PURITY_STRIDE``-th registry signature is compiled and run by the purity test
(about 30 signatures across all families: a few seconds of compilation)."""


def test_jax_implementations_are_pure_when_run():
    """A sample of the signatures, compiled once: the same arguments give identical
    results before and after a call on other arguments (no state carried between calls,
    e.g. through a host callback, which the trace test cannot see), and a freshly
    compiled copy agrees."""
    caps = Capacity()
    sample = _ALL_SIGNATURES[::PURITY_STRIDE]
    assert len({s.impl.__module__ for _, s in sample}) >= 6, "the sample misses families"
    for name, sig in sample:
        where = f"{name}{sig.params}"
        a, b = _sample_args(sig.params, 0, caps), _sample_args(sig.params, 1, caps)
        compiled = jax.jit(prims.bind_caps(sig.impl, caps))
        first = jax.device_get(compiled(*a))
        jax.device_get(compiled(*b))
        again = jax.device_get(compiled(*a))
        bound = prims.bind_caps(sig.impl, caps)
        fresh = jax.device_get(jax.jit(lambda *xs: bound(*xs))(*a))     # a new function: no cache hit
        assert _same_tree(first, again), f"{where}: a second call on the same arguments differs"
        assert _same_tree(first, fresh), f"{where}: a fresh compilation differs"


# ------------------------------------------------------------------ all 160 primitives

KNOWN_GAPS: dict[str, str] = {}
"""Primitives allowed to lack a JAX implementation, type rule or equivalence test, and why.
Exactly these may be missing: filling a gap fails the test until the entry is removed."""


def _higher_order_table() -> dict:
    """``primitive → case names`` of the higher-order equivalence cases, computed from their
    typed programs (:func:`tests.test_prims_higher_order.exercised_primitives`)."""
    module = importlib.import_module("tests.test_prims_higher_order")
    return module.exercised_primitives()


def _gaps() -> dict[str, list[str]]:
    """``primitive → what it lacks`` for each of the 160 primitives that lacks something."""
    tested_signatures = {key for table in _case_tables().values() for key in table}
    higher_order = _higher_order_table()
    gaps = {}
    for name in reference.PRIMITIVES:
        lacks = []
        sigs = prims.REGISTRY.get(name, ())
        lowered = name in fns.FUNCTION_PRIMS or (name == "branch" and "branch" in higher_order)
        # (a) a JAX implementation: registry signatures, or the function-value lowering
        if not sigs and name not in fns.FUNCTION_PRIMS:
            lacks.append("JAX implementation")
        # (b) a type rule: every registry signature maps DSL types to a DSL type; a
        # higher-order primitive is typed by compiler.functions in some case program
        registry_typed = bool(sigs) and all(set(s.params) | {s.result} <= set(T.TYPES) for s in sigs)
        if not registry_typed and not (lowered and name in higher_order):
            lacks.append("type rule")
        # (c) an equivalence test: a registry signature in its family's table (that each
        # signature has one is test_every_signature_has_equivalence_cases), or the
        # higher-order cases running the primitive
        registry_tested = any((name, s.params) in tested_signatures for s in sigs)
        if not registry_tested and name not in higher_order:
            lacks.append("equivalence test")
        if lacks:
            gaps[name] = lacks
    return gaps


def test_every_primitive_has_jax_implementation_type_rule_and_equivalence_test():
    """All 160 primitives: (a) a JAX implementation (``prims.REGISTRY`` or
    ``compiler.functions.FUNCTION_PRIMS``), (b) a type rule, (c) an equivalence test —
    except exactly :data:`KNOWN_GAPS`."""
    assert len(reference.PRIMITIVES) == 160
    gaps = _gaps()
    unexpected = {n: g for n, g in gaps.items() if n not in KNOWN_GAPS}
    assert not unexpected, f"primitives lacking: {unexpected}"
    filled = sorted(set(KNOWN_GAPS) - set(gaps))
    assert not filled, f"no longer gaps, remove them from KNOWN_GAPS: {filled}"


def test_every_higher_order_primitive_has_equivalence_cases():
    """Each primitive compiler.functions lowers (and ``branch`` between functions, and
    calls of function variables) runs in a case of tests/test_prims_higher_order.py."""
    table = _higher_order_table()
    wanted = (set(fns.FUNCTION_PRIMS) | {"branch", "call"}) - set(KNOWN_GAPS)
    assert reference.HIGHER_ORDER <= set(fns.FUNCTION_PRIMS)
    assert sorted(wanted - set(table)) == []
