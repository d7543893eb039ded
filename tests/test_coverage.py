"""Coverage: the reference is complete, and every one of its 160 primitives has a JAX
implementation, a type rule and an equivalence test (:data:`KNOWN_GAPS` excepted)."""

from __future__ import annotations

import importlib
import inspect

import pytest

from compiler import functions as fns
from jaxdsl import prims, reference
from jaxdsl import types as T
from jaxdsl.reference.constants import CONSTANTS

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
