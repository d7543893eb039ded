"""Differential fuzzing of the JAX backend against the reference DSL (issue #10).

    python -m jaxdsl.fuzz --programs 40 --seed 1                # a quick run (a few minutes on CPU)
    python -m jaxdsl.fuzz --programs 100000 --seed 1 --out fuzz_long    # the long run, in chunks
    python -m jaxdsl.fuzz --programs 100000 --seed 1 --out fuzz_long --resume   # ... continued
    python -m jaxdsl.fuzz --programs 200 --seed 7 --length_max 12 --samples 16 --data arc2 --out /tmp/ff
    python -m jaxdsl.fuzz --programs 10000 --seed 2 --profile wide --out fuzz_wide  # rare primitives too

Each fuzz program ``def solve_fuzz_<seed>_<k>(I):`` is a random, well-typed arc-dsl
program of 1 to ``--length_max`` ops (before dead ops are dropped) over every primitive of
:data:`jaxdsl.prims.REGISTRY` and the higher-order primitives of
:mod:`compiler.functions` (``rbind``, ``compose``, ``fork``, ``apply``, ``sfilter``,
``argmax``, ...). Primitives are drawn with weights from their frequencies in the shipped
solvers (plus a floor, so every primitive can appear; ``--profile wide``: all with weight 1,
plus ``rapply`` over containers of functions, see :data:`PROFILES`); arguments are earlier variables or
constants of the right type (``compiler.functions.constant_type``), primitives passed as
function values, or earlier function variables. Every candidate op is checked by
:func:`compiler.infer.infer` on the program so far and discarded when it does not type.
The program ends with an op returning a Grid.

Each program runs on ``--samples`` real ARC input grids (ARC-AGI-1 and / or ARC-AGI-2,
drawn with the seed) through both backends: JAX (``CompiledProgram`` with per-op kernels,
one batch padded to a power of two) and the reference (:func:`compiler.refexec.run_program`).
Per sample, where JAX did not overflow, its ``ok`` must equal the reference's and, when
ok, its output must equal the reference's output; a JAX crash (any exception other than a
:class:`compiler.errors.ProgramError`, which skips the program) is a disagreement too.
Programs whose reference run meets a resource limit (time or size,
:mod:`compiler.limits`) are skipped.

A disagreement is shrunk (:func:`shrink`): the first op (in program order) whose JAX value
disagrees with the reference's becomes the output, ops not needed for it are dropped,
arguments are replaced by ``I``, constants or earlier variables while the disagreement
persists, and the smallest pool grid that still disagrees is chosen. The result is written
to ``--out/<name>.py``, a ready-to-run arc-dsl solver file whose header comment holds the
input grid as a Python literal and both backends' results, and is reported with the
primitive at fault (the last op of the minimal program). The last line printed is
``fuzz: N programs (K skipped), M samples, D disagreements``, after a line saying on how
many of the M samples JAX overflowed (those compare nothing); the exit status is 1 when
D > 0.

A long run is chunked: every ``--chunk`` programs the counts and the next program number
go to ``--out/fuzz_state.json`` (written atomically), so Ctrl-C (exit 130) or a crash
loses at most one chunk, and ``--resume`` continues where the state says, up to
``--programs`` in all, with the same seed and settings (others are refused).

Everything is drawn from ``random.Random`` instances seeded from ``--seed`` (and the
program number), so the same flags give the same programs and grids.
"""

from __future__ import annotations

import functools
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from compiler.errors import ProgramError
from compiler.ir import Const, Op, PrimRef, Program, Var

VAR_PROB = 0.8
"""Probability of passing an available variable (rather than a constant) for a data parameter."""
OP_TRIES = 12
"""Candidate ops drawn per position before it is left out."""
FINAL_TRIES = 60
"""Candidate Grid-returning ops drawn for the program's last op."""
REF_SAMPLE_S = 2.0
"""Reference seconds allowed per sample before the program is skipped as too slow."""
SHRINK_CHECKS = 120
"""Most disagreement checks one shrink may run."""
CALLEE_FLOOR = 1.0
"""Weight added to every primitive's shipped-solver count as an op's callee (profile ``solvers``)."""
VALUE_FLOOR = 0.5
"""Weight added to every primitive's shipped-solver count as a function value (profile ``solvers``)."""
PROFILES = ("solvers", "wide")
"""Generator profiles. ``solvers`` (the default; the programs of earlier runs of a seed stay
the same): primitives drawn with the shipped solvers' frequencies plus a floor. ``wide``:
every primitive drawn with weight 1, and containers of functions built and applied with
``rapply`` (:data:`FN_CONTAINER_PROB` of the op positions), so that primitives the solvers
rarely or never use (``rapply``, ``power``, ``pair``, ``chain``, ...) are exercised too."""
FN_CONTAINER_PROB = 0.05
"""Profile ``wide``: probability that an op position tries ``rapply`` over a container of
functions built just before it (``astuple(f, g)`` or ``insert(g, initset(f))``)."""


# ------------------------------------------------------------------ tables


@functools.lru_cache(maxsize=None)
def _tables():
    """Static tables the generator draws from (built once)."""
    from compiler import functions as fns
    from compiler.parse import primitive_arity
    from jaxdsl import reference, runner
    from jaxdsl.prims import REGISTRY
    from jaxdsl.reference.constants import CONSTANTS
    from jaxdsl.types import GRID

    callee_count: Counter = Counter()
    value_count: Counter = Counter()
    for p in runner.load_programs(runner.shipped_program_files()):
        for op in p.ops:
            if isinstance(op.callee, PrimRef):
                callee_count[op.callee.name] += 1
            for a in op.args:
                if isinstance(a, PrimRef):
                    value_count[a.name] += 1
    names = sorted(reference.PRIMITIVES)
    supported = [n for n in names if n in REGISTRY or n in fns.FUNCTION_PRIMS]
    arity = {n: primitive_arity(n) for n in supported}
    callee_w = {n: callee_count[n] + CALLEE_FLOOR for n in supported}
    value_w = {n: value_count[n] + VALUE_FLOOR for n in supported}
    consts: dict[str, list[str]] = {}
    for c in sorted(CONSTANTS):
        consts.setdefault(fns.constant_type(c), []).append(c)
    grid_prims = sorted(n for n in supported if n in REGISTRY and n not in fns.FUNCTION_PRIMS
                        and any(s.result == GRID for s in REGISTRY[n]))
    sigs: dict[int, list] = {1: [], 2: [], 3: []}
    for n in supported:
        if n in fns.FUNCTION_PRIMS or n not in REGISTRY:
            continue
        for sg in REGISTRY[n]:
            if len(sg.params) in sigs and (n, tuple(sg.params), sg.result) not in sigs[len(sg.params)]:
                sigs[len(sg.params)].append((n, tuple(sg.params), sg.result))
    unary: dict[str, list] = {}
    for n, ps, r in sigs[1]:
        unary.setdefault(ps[0], []).append((n, r))
    return {"sigs": sigs, "unary": unary, "names": supported, "arity": arity, "callee_w": callee_w, "value_w": value_w,
            "consts": consts, "grid": GRID, "grid_prims": grid_prims, "registry": REGISTRY,
            "constructors": fns.CONSTRUCTORS, "container_hof": fns.CONTAINER_HOF,
            "function_prims": fns.FUNCTION_PRIMS}


def primitive_weights() -> dict[str, float]:
    """Primitive → weight of being drawn as an op's callee (shipped-solver count + floor)."""
    return dict(_tables()["callee_w"])


# ------------------------------------------------------------------ programs as text


def program_source(program: Program) -> str:
    """The arc-dsl source of one solver function (no imports)."""
    lines = [f"def {program.name}({', '.join(program.params)}):"]
    for op in program.ops:
        lines.append(f"    {op.target} = {op.callee.name}({', '.join(a.name for a in op.args)})")
    lines.append(f"    return {program.output}")
    return "\n".join(lines) + "\n"


def renumber(program: Program, name: str | None = None, def_line: int = 1) -> Program:
    """``program`` with its variables renamed ``x1, x2, ...`` (the output ``O``) and its
    lines numbered as :func:`program_source` writes them after a ``def`` at ``def_line``."""
    rename = {p: p for p in program.params}
    ops = []
    for k, op in enumerate(program.ops):
        target = "O" if op.target == program.output else f"x{k + 1}"
        ref = lambda r: Var(rename[r.name]) if isinstance(r, Var) else r  # noqa: E731
        ops.append(Op(target, ref(op.callee), tuple(ref(a) for a in op.args), def_line + 1 + k))
        rename[op.target] = target
    return Program(name or program.name, program.params, tuple(ops), rename[program.output],
                   program.file, def_line)


def live_ops(program: Program, output: str | None = None) -> Program:
    """``program`` returning ``output`` (default: its own), without the ops it does not need."""
    output = output or program.output
    need = {output}
    keep = []
    for op in reversed(program.ops):
        if op.target in need:
            keep.append(op)
            need.update(r.name for r in (op.callee, *op.args) if isinstance(r, Var))
    return Program(program.name, program.params, tuple(reversed(keep)), output, program.file, program.line)


def _types(program: Program):
    """``compiler.infer`` var types of ``program``, or None when it does not type-check."""
    from compiler.infer import infer

    try:
        return infer(program).var_types
    except ProgramError:
        return None
    except Exception:  # noqa: BLE001 - an inference crash rejects the candidate
        return None


# ------------------------------------------------------------------ the generator


class Generator:
    """Draws random well-typed solver programs (see the module docstring)."""

    def __init__(self, length_max: int = 40, profile: str = "solvers"):
        if length_max < 1:
            raise ValueError(f"length_max must be >= 1, got {length_max}")
        if profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
        self.length_max = length_max
        self.profile = profile
        self.t = _tables()
        if profile == "wide":
            flat = {n: 1.0 for n in self.t["names"]}
            self.t = {**self.t, "callee_w": flat, "value_w": flat}

    # -- drawing helpers

    def _pick(self, rng: random.Random, weights: dict[str, float], names: Sequence[str]) -> str:
        return rng.choices(list(names), weights=[weights[n] for n in names])[0]

    def _data_arg(self, rng, want: str, env) -> Any:
        """An argument of DSL type ``want``: an available variable or a constant; None if neither."""
        vars_ = [v for v, t in env.types.items() if t == want]
        consts = self.t["consts"].get(want, [])
        if vars_ and (not consts or rng.random() < VAR_PROB):
            return Var(self._pick_var(rng, vars_, env))
        if consts:
            return Const(rng.choice(consts))
        return None

    def _pick_var(self, rng, names: list[str], env) -> str:
        # favour variables no op has read yet, and recent ones: the program stays connected
        w = [(6.0 if n not in env.used else 1.0) * (1.0 + env.order.get(n, 0) / 4) for n in names]
        return rng.choices(names, weights=w)[0]

    def _any_arg(self, rng, env) -> Any:
        """A data argument of any available type (for ``rbind``'s fixed value, ...)."""
        data = [v for v, t in env.types.items() if isinstance(t, str)]
        if data and rng.random() < 0.75:
            return Var(self._pick_var(rng, data, env))
        const_type = rng.choice(sorted(self.t["consts"]))
        return Const(rng.choice(self.t["consts"][const_type]))

    def _fn_arg(self, rng, env, arity: int | None = None) -> Any:
        """A function argument: an earlier function variable or a primitive of ``arity``."""
        fvars = [v for v, t in env.types.items() if not isinstance(t, str)]
        if fvars and rng.random() < 0.4:
            return Var(self._pick_var(rng, fvars, env))
        names = [n for n in self.t["names"] if arity is None or self.t["arity"][n] == arity]
        return PrimRef(self._pick(rng, self.t["value_w"], names))

    def _container_arg(self, rng, env) -> Any:
        from jaxdsl import types as T

        vars_ = [v for v, t in env.types.items() if isinstance(t, str) and t in T.CONTAINERS]
        return Var(self._pick_var(rng, vars_, env)) if vars_ else None

    # -- candidate ops

    def _candidate(self, rng, name: str, env, result: str | None = None) -> tuple | None:
        """``(callee, args)`` for primitive ``name`` with arguments drawn from ``env``."""
        from jaxdsl import types as T

        t = self.t
        if name in t["constructors"] and rng.random() < 0.75:
            # solvers build functions to map them over containers: do that, directed by types
            name = self._pick(rng, t["callee_w"], t["container_hof"])
        if name in t["constructors"]:
            if name in ("rbind", "lbind"):
                args = (self._fn_arg(rng, env, rng.choice((2, 2, 2, 3))), self._any_arg(rng, env))
            elif name == "compose":
                args = (self._fn_arg(rng, env, 1), self._fn_arg(rng, env, 1))
            elif name == "chain":
                args = tuple(self._fn_arg(rng, env, 1) for _ in range(3))
            elif name == "fork":
                args = (self._fn_arg(rng, env, 2), self._fn_arg(rng, env, 1), self._fn_arg(rng, env, 1))
            elif name == "matcher":
                args = (self._fn_arg(rng, env, 1), self._any_arg(rng, env))
            else:  # power
                n = self._data_arg(rng, T.INTEGER, env) if rng.random() < 0.3 else Const(
                    rng.choice(("ONE", "TWO", "THREE")))
                args = (self._fn_arg(rng, env, 1), n)
            return PrimRef(name), args
        if name in t["container_hof"]:
            return self._hof_candidate(rng, name, env)
        sigs = [s for s in t["registry"].get(name, ()) if (result is None or s.result == result)
                and all(any(ty == p for ty in env.types.values()) or p in t["consts"] for p in s.params)]
        if not sigs:
            return None
        sig = rng.choice(sigs)
        args = tuple(self._data_arg(rng, p, env) for p in sig.params)
        if any(a is None for a in args):
            return None
        return PrimRef(name), args

    def _sigs(self, arity: int):
        """``(name, params, result)`` of every data signature of ``arity`` parameters."""
        return self.t["sigs"][arity]

    def _unary(self, param: str) -> list:
        """``(name, result)`` of every one-parameter data signature taking ``param`` (in
        :meth:`_sigs` order)."""
        return self.t["unary"].get(param, [])

    def _elem_fn(self, rng, env, etype: str, want) -> tuple[list, Any] | None:
        """A one-parameter function of ``etype`` whose result type is in ``want`` (None: any):
        ``(constructor ops to emit first as (callee, args), function argument)``."""
        ok = lambda r: want is None or r in want  # noqa: E731
        if self.profile == "wide" and rng.random() < 0.3:
            return self._wide_elem_fn(rng, env, etype, want)
        kind = rng.random()
        if kind < 0.35:
            names = [n for n, r in self._unary(etype) if ok(r)]
            return ([], PrimRef(rng.choice(names))) if names else None
        if kind < 0.7:
            rb = rng.random() < 0.6   # rbind fixes the last parameter, lbind the first
            opts = [(n, ps) for n, ps, r in self._sigs(2) if ps[0 if rb else 1] == etype and ok(r)]
            if not opts:
                return None
            n, ps = rng.choice(opts)
            fixed = self._data_arg(rng, ps[1 if rb else 0], env)
            if fixed is None:
                return None
            return [(PrimRef("rbind" if rb else "lbind"), (PrimRef(n), fixed))], None
        if kind < 0.88:
            inner = self._unary(etype)
            if not inner:
                return None
            g, r = rng.choice(inner)
            outer = [n for n, r2 in self._unary(r) if ok(r2)]
            if not outer:
                return None
            return [(PrimRef("compose"), (PrimRef(rng.choice(outer)), PrimRef(g)))], None
        unary = {}
        for n, r in self._unary(etype):
            unary.setdefault(r, []).append(n)
        opts = [n_ps for n_ps in ((n, ps) for n, ps, r in self._sigs(2) if ok(r))
                if n_ps[1][0] in unary and n_ps[1][1] in unary]
        if not opts:
            return None
        n, ps = rng.choice(opts)
        return [(PrimRef("fork"), (PrimRef(n), PrimRef(rng.choice(unary[ps[0]])),
                                   PrimRef(rng.choice(unary[ps[1]]))))], None

    def _wide_elem_fn(self, rng, env, etype: str, want) -> tuple[list, Any] | None:
        """Profile ``wide``'s extra element functions (as :meth:`_elem_fn`): ``matcher(g, v)``
        where a Boolean is wanted, else ``chain(h, g, f)`` (``h(g(f(x)))``) of three
        one-parameter primitives."""
        from jaxdsl import types as T

        if not self._unary(etype):
            return None
        f, r1 = rng.choice(self._unary(etype))
        if want is not None and T.BOOLEAN in want:
            target = self._data_arg(rng, r1, env)
            return None if target is None else ([(PrimRef("matcher"), (PrimRef(f), target))], None)
        if not self._unary(r1):
            return None
        g, r2 = rng.choice(self._unary(r1))
        hs = [n for n, r3 in self._unary(r2) if want is None or r3 in want]
        if not hs:
            return None
        return [(PrimRef("chain"), (PrimRef(rng.choice(hs)), PrimRef(g), PrimRef(f)))], None

    def _hof_candidate(self, rng, name: str, env):
        """A container primitive call with an element function built for the container's
        element type (possibly after a constructor op): ``(pre_ops, callee, args)``."""
        from jaxdsl import types as T

        c = self._container_arg(rng, env)
        if c is None:
            return None
        etype = T.element_type(env.types[c.name])
        want = {"sfilter": (T.BOOLEAN,), "mfilter": (T.BOOLEAN,), "extract": (T.BOOLEAN,),
                "mapply": tuple(T.CONTAINERS)}.get(name, (T.INTEGER,) if name in (
                    "argmax", "argmin", "valmax", "valmin", "order") else None)
        if name in ("papply", "mpapply", "prapply"):
            opts = [(n, ps) for n, ps, r in self._sigs(2) if ps[0] == etype]
            if not opts:
                return None
            n, ps = rng.choice(opts)
            others = [v for v, ty in env.types.items() if isinstance(ty, str) and ty in T.CONTAINERS
                      and T.element_type(ty) == ps[1]]
            if not others:
                return None
            return [], PrimRef(name), (PrimRef(n), c, Var(self._pick_var(rng, others, env)))
        if name == "rapply":
            fvars = [v for v, ty in env.types.items() if not isinstance(ty, str)]
            if not fvars:
                return None
            return [], PrimRef(name), (Var(rng.choice(fvars)), self._any_arg(rng, env))
        fvars = [v for v, ty in env.types.items() if not isinstance(ty, str)]
        if fvars and rng.random() < 0.25:
            pre, f = [], Var(self._pick_var(rng, fvars, env))
        else:
            made = self._elem_fn(rng, env, etype, want)
            if made is None:
                return None
            pre, f = made
        args = (f, c) if name in ("apply", "mapply") else (c, f)
        return pre, PrimRef(name), args

    def _fn_container_candidate(self, rng, env) -> tuple | None:
        """``rapply`` over a container of two one-parameter functions of one data variable's
        type and one result type, built first: ``(pre_ops, callee, args)``. The functions are
        primitives or earlier one-parameter function variables (the type check decides)."""
        data = [v for v, t in env.types.items() if isinstance(t, str)]
        if not data:
            return None
        v = self._pick_var(rng, data, env)
        by_result: dict = {}
        for n, r in self._unary(env.types[v]):
            by_result.setdefault(r, []).append(n)
        if not by_result:
            return None
        names = by_result[rng.choice(sorted(by_result))]
        fvars = [u for u, ty in env.types.items() if not isinstance(ty, str)
                 and getattr(getattr(ty, "fn", None), "arity", 0) == 1]
        f, g = ((Var(rng.choice(fvars)) if fvars and rng.random() < 0.3 else PrimRef(rng.choice(names)))
                for _ in range(2))
        if rng.random() < 0.5:
            pre = [(PrimRef("astuple"), (f, g))]
        else:
            pre = [(PrimRef("initset"), (f,)), (PrimRef("insert"), (g, None))]
        return pre, PrimRef("rapply"), (None, Var(v))

    def _call_candidate(self, rng, env) -> tuple | None:
        """``xk(arg)``: call an earlier one-parameter function variable."""
        fvars = [v for v, ty in env.types.items() if not isinstance(ty, str)
                 and getattr(getattr(ty, "fn", None), "arity", 0) == 1]
        if not fvars:
            return None
        return Var(rng.choice(fvars)), (self._any_arg(rng, env),)

    def _try_add(self, env, callee, args, target: str, pre: Sequence = ()) -> bool:
        """Append ``pre`` ops (``(callee, args)``, each defining a fresh variable; an argument
        None stands for the previous op's variable) and ``target = callee(args)`` when the
        program so far still type-checks; else leave ``env`` unchanged."""
        ops = list(env.ops)
        prev = None
        for pc, pa in pre:
            pa = tuple(Var(prev) if a is None else a for a in pa)
            prev = f"x{len(ops) + 1}"
            ops.append(Op(prev, pc, pa, len(ops) + 2))
        if prev is not None:
            args = tuple(Var(prev) if a is None else a for a in args)
        if target != "O":
            target = f"x{len(ops) + 1}"
        ops.append(Op(target, callee, args, len(ops) + 2))
        # output I: infer rejects a program that returns a function, not one that builds one
        types = _types(Program(env.name, ("I",), tuple(ops), "I", "<fuzz>", 1))
        if types is None:
            return False
        for op in ops[len(env.ops):]:
            env.types[op.target] = types[op.target]
            env.order[op.target] = len(env.ops) + 1
            env.used.update(r.name for r in (op.callee, *op.args) if isinstance(r, Var))
            env.ops.append(op)
        return True

    # -- programs

    def program(self, seed: int, k: int) -> Program:
        """Fuzz program number ``k`` of ``seed`` (deterministic): ``solve_fuzz_<seed>_<k>``
        (profile ``wide``: ``solve_fuzz_wide_<seed>_<k>``, drawn from its own random stream)."""
        tag = "" if self.profile == "solvers" else f"{self.profile}_"
        rng = random.Random(f"jaxdsl.fuzz:{tag}{seed}:{k}")
        name = f"solve_fuzz_{tag}{seed}_{k}"
        env = _Env(name, {"I": self.t["grid"]})
        length = rng.randint(1, self.length_max)
        names = self.t["names"]
        for i in range(length - 1):
            for _ in range(OP_TRIES):
                if rng.random() < 0.04:
                    cand = self._call_candidate(rng, env)
                elif self.profile == "wide" and rng.random() < FN_CONTAINER_PROB:
                    cand = self._fn_container_candidate(rng, env)
                else:
                    cand = self._candidate(rng, self._pick(rng, self.t["callee_w"], names), env)
                if cand is not None and self._try_add(env, *cand[-2:], "x", *cand[:-2]):
                    break
        for _ in range(FINAL_TRIES):
            cand = self._candidate(rng, self._pick(rng, self.t["callee_w"], self.t["grid_prims"]), env, self.t["grid"])
            if cand is not None and self._try_add(env, *cand[-2:], "O", *cand[:-2]):
                break
        else:  # always types: a Grid primitive of the input alone
            self._try_add(env, PrimRef("rot90"), (Var("I"),), "O")
        program = Program(name, ("I",), tuple(env.ops), "O", "<fuzz>", 1)
        return renumber(live_ops(program), def_line=1)


@dataclass
class _Env:
    name: str
    types: dict
    ops: list = field(default_factory=list)
    order: dict = field(default_factory=dict)
    used: set = field(default_factory=set)


def generate(seed: int, count: int, length_max: int = 40, profile: str = "solvers") -> list[Program]:
    """``count`` fuzz programs of ``seed`` (numbered 0..count-1) drawn with ``profile``
    (:data:`PROFILES`)."""
    g = Generator(length_max, profile)
    return [g.program(seed, k) for k in range(count)]


# ------------------------------------------------------------------ running both backends


def reference_run(program: Program, grid, budget_s: float = REF_SAMPLE_S, keep_values: bool = False):
    """:func:`compiler.refexec.run_program` under a CPU-time budget of ``budget_s``
    seconds (see :class:`compiler.limits.Budget`); None when the pair met a resource limit
    (its time budget, or a value beyond :mod:`compiler.limits`' sizes): such programs are
    not compared."""
    from compiler.refexec import run_program

    r = run_program(program, grid, keep_values=keep_values, timeout=budget_s)
    return None if r.limit is not None else r


def batch_size(n: int) -> int:
    """The batch a run of ``n`` grids is padded to: the next power of two."""
    return 1 << max(0, math.ceil(math.log2(max(1, n))))


@dataclass
class Side:
    """One backend's result on one sample: ``ok``, ``overflow`` (JAX only), ``value``
    (the reference's Python value; None when not ok) or ``error`` (a crash message)."""

    ok: bool
    value: Any = None
    overflow: bool = False
    error: str | None = None

    def describe(self) -> str:
        if self.error:
            return f"crash: {self.error}"
        if self.overflow:
            return f"overflow (ok={self.ok})"
        return f"ok: {self.value!r}" if self.ok else "not ok"


def run_jax_values(program: Program, grids: Sequence, batch: int, outputs: Sequence[str] | None = None):
    """Run ``program`` on ``grids`` (padded to ``batch`` rows) with the JAX backend.

    Returns ``{variable: [Side per grid]}`` for ``outputs`` (default: the program output;
    function-typed variables are left out).

    Raises:
      ProgramError: the JAX backend rejects the program.
    """
    import jax
    import numpy as np

    from compiler.functions import is_function_type
    from compiler.infer import infer
    from compiler.lower import CompiledProgram
    from jaxdsl.config import Config
    from jaxdsl.runner import stack_grids
    from jaxdsl.types import to_python

    caps = Config().capacity
    typed = infer(program)
    names = [n for n in (outputs or (program.output,)) if not is_function_type(typed.var_types[n])]
    cp = CompiledProgram(typed, caps, 1, outputs=tuple(names) or (program.output,))
    x, _ = stack_grids(list(grids), caps.grid, batch)
    values, _ = cp.run(jax.device_put(x))
    values = jax.device_get(values)
    out = {}
    for n in names:
        v, ok, ovf = values[n]
        sides = []
        for k in range(len(grids)):
            good, over = bool(np.asarray(ok)[k]), bool(np.asarray(ovf)[k])
            val = to_python(typed.var_types[n], v, index=k) if good and not over else None
            sides.append(Side(good, val, over))
        out[n] = sides
    return out


def disagrees(ref: Side, jx: Side) -> bool:
    """True when the two results of one sample contradict each other (see module docstring)."""
    if jx.error is not None:
        return True
    if jx.overflow:
        return False
    if jx.ok != ref.ok:
        return True
    return jx.ok and not _same(jx.value, ref.value)


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001
        return False


@dataclass
class Check:
    """The outcome of one program on a list of grids.

    ``skipped`` names why the program was not compared ("" when it was); ``ref`` / ``jax``
    hold one :class:`Side` per grid; ``bad`` the indices of disagreeing grids."""

    program: Program
    grids: list
    skipped: str = ""
    ref: list = field(default_factory=list)
    jax: list = field(default_factory=list)
    bad: list = field(default_factory=list)


def check_program(program: Program, grids: Sequence, batch: int | None = None,
                  ref_budget_s: float = REF_SAMPLE_S) -> Check:
    """Run ``program`` on ``grids`` with both backends and compare the outputs."""
    grids = list(grids)
    out = Check(program, grids)
    batch = batch or batch_size(len(grids))
    for g in grids:
        r = reference_run(program, g, ref_budget_s)
        if r is None:
            out.skipped = "reference over a limit (time or size)"
            return out
        out.ref.append(Side(r.ok, r.output if r.ok else None, error=None))
    try:
        out.jax = run_jax_values(program, grids, batch)[program.output]
    except ProgramError as exc:
        out.skipped = f"JAX rejects it: {str(exc).splitlines()[0]}"
        return out
    except Exception as exc:  # noqa: BLE001 - a crash of the JAX backend is a finding
        msg = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
        out.jax = [Side(False, error=msg) for _ in grids]
    out.bad = [k for k, (r, j) in enumerate(zip(out.ref, out.jax)) if disagrees(r, j)]
    return out


# ------------------------------------------------------------------ shrinking


def _still_bad(program: Program, grid, batch: int) -> Check | None:
    """The :class:`Check` of ``program`` on ``grid`` when they still disagree, else None."""
    c = check_program(program, [grid], batch)
    return c if not c.skipped and c.bad else None


def _first_bad_var(program: Program, grid, batch: int) -> str | None:
    """The first variable (program order) whose JAX value disagrees with the reference's."""
    r = reference_run(program, grid, keep_values=True)
    if r is None:
        return None
    names = [op.target for op in program.ops]
    try:
        sides = run_jax_values(program, [grid], batch, names)
    except Exception:  # noqa: BLE001 - a crash: no value to compare
        return None
    for n in names:
        if n not in sides:
            continue
        ref = Side(n in r.values, r.values.get(n))
        if disagrees(ref, sides[n][0]):
            return n
    return None


def _replacements(program: Program, types: dict, k: int, arg) -> list:
    """Simpler stand-ins for argument ``arg`` of op ``k``: ``I``, constants and earlier
    variables of the same type."""
    t = types.get(arg.name) if isinstance(arg, Var) else None
    if t is None or not isinstance(t, str):
        return []
    out = []
    if t == _tables()["grid"] and arg.name != "I":
        out.append(Var("I"))
    out += [Const(c) for c in _tables()["consts"].get(t, [])[:4]]
    out += [Var(op.target) for op in program.ops[:k] if types.get(op.target) == t and op.target != arg.name]
    return out


def shrink(program: Program, grid, pool: Sequence = (), batch: int = 1,
           max_checks: int = SHRINK_CHECKS) -> tuple[Program, Any, Check]:
    """Shrink a disagreement of ``program`` on ``grid`` to a small program and grid.

    Steps: make the first disagreeing variable the output (ops it does not need dropped);
    replace arguments by ``I``, constants or earlier variables of the same type while the
    disagreement persists; pick the smallest grid of ``pool`` that still disagrees.

    Returns ``(program, grid, check)`` (the check of the result on the grid); the input
    unchanged when it does not disagree.
    """
    budget = [max_checks]

    def bad(p, g):
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        return _still_bad(p, g, batch)

    best = bad(program, grid)
    if best is None:
        return program, grid, check_program(program, [grid], batch)
    # 1. the first disagreeing op becomes the output
    var = _first_bad_var(program, grid, batch)
    if var is not None and var != program.output:
        cand = live_ops(program, var)
        c = bad(cand, grid)
        if c is not None:
            program, best = cand, c
    # 2. a smaller grid
    grid, best = _smaller_grid(program, grid, pool, batch, best)
    # 3. bypass ops: replace arguments while the disagreement persists
    changed = True
    while changed and budget[0] > 0:
        changed = False
        types = _types(program) or {}
        for k in range(len(program.ops) - 1, -1, -1):
            op = program.ops[k]
            for i, a in enumerate(op.args):
                for rep in _replacements(program, types, k, a):
                    args = op.args[:i] + (rep,) + op.args[i + 1:]
                    ops = program.ops[:k] + (Op(op.target, op.callee, args, op.line),) + program.ops[k + 1:]
                    cand = live_ops(Program(program.name, program.params, ops, program.output,
                                            program.file, program.line))
                    if _types(cand) is None:
                        continue
                    c = bad(cand, grid)
                    if c is not None:
                        program, best, changed = cand, c, True
                        break
                if changed:
                    break
            if changed:
                break
    grid, best = _smaller_grid(program, grid, pool, batch, best)
    program = renumber(program)
    final = check_program(program, [grid], batch)
    return program, grid, final if final.bad else best


def _smaller_grid(program: Program, grid, pool: Sequence, batch: int, best: Check):
    """The smallest grid of ``pool`` (or ``grid``) on which ``program`` disagrees."""
    area = lambda g: len(g) * (len(g[0]) if g else 0)  # noqa: E731
    smaller = sorted((g for g in pool if area(g) < area(grid)), key=area)[:batch]
    if not smaller:
        return grid, best
    c = check_program(program, smaller, batch)
    if c.skipped or not c.bad:
        return grid, best
    g = smaller[c.bad[0]]
    return g, check_program(program, [g], batch)


# ------------------------------------------------------------------ regression files

def regression_text(program: Program, grid, check: Check, note: str = "") -> str:
    """A ready-to-run arc-dsl solver file for one minimal disagreement."""
    head = [f"# Regression case found by jaxdsl.fuzz{': ' + note if note else ''}.",
            f"# primitive at fault: {fault(program)}",
            f"# input grid: {tuple(tuple(int(c) for c in row) for row in grid)!r}",
            f"# reference: {check.ref[0].describe() if check.ref else '?'}",
            f"# jax:       {check.jax[0].describe() if check.jax else '?'}",
            "", "from dsl import *", "from constants import *", "", ""]
    program = renumber(program, def_line=len(head) + 1)
    return "\n".join(head) + "\n" + program_source(program)


def read_regression(path: str | Path) -> tuple[Program, Any]:
    """The program and input grid of a regression file written by :func:`regression_text`."""
    import ast

    from compiler.parse import parse_file

    grid = None
    for line in Path(path).read_text().splitlines():
        if line.startswith("# input grid: "):
            grid = ast.literal_eval(line[len("# input grid: "):])
    if grid is None:
        raise ValueError(f"{path}: no '# input grid:' line")
    (program,) = parse_file(path)
    return program, grid


def fault(program: Program) -> str:
    """The primitive at fault: the callee of the minimal program's last op."""
    return program.ops[-1].callee.name if program.ops else "?"


# ------------------------------------------------------------------ the fuzz loop


@dataclass
class Finding:
    program: Program  # as generated
    minimal: Program
    grid: Any
    check: Check
    path: Path | None = None


@dataclass
class Summary:
    """Counts of a run: ``samples`` are the (program, grid) pairs of the programs not
    skipped; of those, ``overflowed`` JAX marked overflowed (nothing to compare: the runner
    re-runs such pairs with the reference), None when a resumed state file predates the
    count."""

    programs: int = 0
    skipped: int = 0
    samples: int = 0
    findings: list = field(default_factory=list)
    skip_reasons: Counter = field(default_factory=Counter)
    earlier: list = field(default_factory=list)    # disagreements of resumed chunks (state dicts)
    first: int = 0                                  # the run's first program number (--first)
    overflowed: int | None = 0

    @property
    def disagreements(self) -> int:
        return len(self.earlier) + len(self.findings)

    def line(self) -> str:
        return (f"fuzz: {self.programs} programs ({self.skipped} skipped), {self.samples} samples, "
                f"{self.disagreements} disagreements")


def input_pool(data: str) -> list:
    """Distinct input grids of ARC-AGI-1 (``arc1``), ARC-AGI-2 (``arc2``) or both, in data order."""
    from jaxdsl.data import load_tasks, samples

    names = {"arc1": ["arc1"], "arc2": ["arc2"], "both": ["arc1", "arc2"]}[data]
    seen, out = set(), []
    for n in names:
        for s in samples(load_tasks(n)):
            if s.input not in seen:
                seen.add(s.input)
                out.append(s.input)
    return out


def fuzz(count: int, seed: int, pool: Sequence, length_max: int = 40, n_samples: int = 32,
         out_dir: str | Path | None = None, log: Callable[[str], None] = print,
         shrink_checks: int = SHRINK_CHECKS, start: int = 0, summary: Summary | None = None,
         checkpoint: Callable[[int, Summary], None] | None = None, every: int = 50,
         profile: str = "solvers") -> Summary:
    """Generate programs ``start .. count-1`` of ``seed``, compare both backends on
    ``n_samples`` grids of ``pool`` each, shrink and (with ``out_dir``) write every
    disagreement.

    A long run goes in chunks: ``summary`` carries the counts of earlier chunks, and
    ``checkpoint(next_k, summary)`` is called after every ``every`` programs and at the end
    (the command line stores it in a state file, see :func:`save_state`). ``profile`` picks
    the generator's draw (:data:`PROFILES`)."""
    gen = Generator(length_max, profile)
    summary = summary or Summary()
    batch = batch_size(n_samples)
    for k in range(start, count):
        if checkpoint is not None and k > start and (k - start) % every == 0:
            checkpoint(k, summary)
        program = gen.program(seed, k)
        rng = random.Random(f"jaxdsl.fuzz.grids:{seed}:{k}")
        grids = rng.sample(list(pool), min(n_samples, len(pool)))
        c = check_program(program, grids, batch)
        summary.programs += 1
        if c.skipped:
            summary.skipped += 1
            summary.skip_reasons[c.skipped.split(":")[0]] += 1
            continue
        summary.samples += len(grids)
        if summary.overflowed is not None:
            summary.overflowed += sum(j.overflow for j in c.jax)
        if not c.bad:
            continue
        g = min((grids[i] for i in c.bad), key=lambda g: len(g) * len(g[0]))
        minimal, g, mc = shrink(program, g, grids, batch, shrink_checks)
        f = Finding(program, minimal, g, mc)
        if out_dir is not None:
            out = Path(out_dir)
            out.mkdir(parents=True, exist_ok=True)
            f.path = out / f"{program.name}.py"
            f.path.write_text(regression_text(minimal, g, mc, f"{program.name}, {len(c.bad)} of "
                                              f"{len(grids)} samples disagree"))
        summary.findings.append(f)
        log(f"DISAGREEMENT {program.name} ({len(c.bad)}/{len(grids)} samples), primitive at fault: "
            f"{fault(minimal)}" + (f", written to {f.path}" if f.path else ""))
        log("  minimal program:\n" + "\n".join("    " + s for s in program_source(minimal).splitlines()))
        log(f"  input grid: {g!r}")
        log(f"  reference: {mc.ref[0].describe() if mc.ref else '?'}")
        log(f"  jax:       {mc.jax[0].describe() if mc.jax else '?'}")
    if checkpoint is not None:
        checkpoint(max(start, count), summary)
    return summary


def resident_bytes() -> int:
    """This process's resident memory in bytes (``/proc/self/statm``; 0 where unavailable)."""
    import os

    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def drop_kernel_caches() -> None:
    """Forget every compiled kernel of this process (a fresh default
    :class:`compiler.lower.KernelCache`, ``jax.clear_caches``): a long fuzz run meets
    thousands of kernel structures, each kept with its traces; later programs reload the
    kernels they need from the persistent cache and the export store."""
    import gc

    import jax

    from compiler import lower

    lower.DEFAULT_KERNELS = lower.KernelCache()
    jax.clear_caches()
    gc.collect()


STATE_FILE = "fuzz_state.json"
"""The state of a chunked run, in ``--out``."""
STATE_KEYS = ("seed", "length_max", "samples", "data", "profile")
"""Flags a resumed run must share with the run it continues."""
STATE_DEFAULTS = {"profile": "solvers"}
"""Values of :data:`STATE_KEYS` that state files written before the key existed held."""


def save_state(path: str | Path, settings: dict, next_k: int, summary: Summary) -> None:
    """Write the state of a run atomically: its settings (:data:`STATE_KEYS`), its first
    and next program numbers and the counts so far (disagreements by program name and
    primitive)."""
    import json
    import os
    import tempfile

    doc = {**settings, "first": summary.first, "next": next_k, "programs": summary.programs, "skipped": summary.skipped,
           "samples_compared": summary.samples, "samples_overflowed": summary.overflowed,
           "skip_reasons": dict(summary.skip_reasons),
           "disagreements": summary.earlier + [{"program": f.program.name, "primitive": fault(f.minimal),
                                                "file": str(f.path) if f.path else None}
                                               for f in summary.findings]}
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh, indent=1)
    os.replace(tmp, path)


def load_state(path: str | Path, settings: dict) -> tuple[int, Summary]:
    """The next program number and the counts so far (earlier disagreements in
    ``Summary.earlier``) of a run saved by :func:`save_state`.

    Raises:
      ValueError: unreadable state, or settings that differ from the saved run's (one line
        naming the file and the flags).
    """
    import json

    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read the fuzz state: {exc}") from exc
    saved, now = ({k: d.get(k, STATE_DEFAULTS.get(k)) for k in STATE_KEYS} for d in (doc, settings))
    differ = [f"--{k} {saved[k]!r} (now {now[k]!r})" for k in STATE_KEYS if saved[k] != now[k]]
    if differ:
        raise ValueError(f"{path}: the saved run used {', '.join(differ)}; resume with its flags "
                         "or use another --out")
    summary = Summary(doc["programs"], doc["skipped"], doc["samples_compared"], [],
                      Counter(doc["skip_reasons"]), list(doc["disagreements"]), int(doc.get("first", 0)),
                      doc.get("samples_overflowed"))
    return int(doc["next"]), summary


# ------------------------------------------------------------------ command line


def _define_flags() -> None:
    from absl import flags

    flags.DEFINE_integer("programs", 100, "Number of random programs to generate and run.", lower_bound=0)
    flags.DEFINE_integer("seed", 0, "Seed of the program generator and of the grid draws.")
    flags.DEFINE_integer("first", 0, "Number of the first program of a fresh run (programs --first .. "
                         "--programs - 1 of --seed run): two processes, each with its own --out, can "
                         "cover disjoint ranges of one seed. A --resume run continues where its state "
                         "says.", lower_bound=0)
    flags.DEFINE_integer("length_max", 40, "Most ops drawn per program (each draws 1..length_max, "
                         "dead ops are then dropped).", lower_bound=1)
    flags.DEFINE_integer("samples", 32, "Input grids each program runs on (the JAX batch is padded "
                         "to a power of two).", lower_bound=1)
    flags.DEFINE_enum("profile", "solvers", list(PROFILES), "How programs are drawn. solvers: primitives "
                      "weighted by their use in the shipped solvers (plus a floor); wide: every primitive "
                      "with equal weight, plus containers of functions applied with rapply (programs "
                      "named solve_fuzz_wide_<seed>_<k>, a stream of their own).")
    flags.DEFINE_enum("data", "both", ["arc1", "arc2", "both"], "Where the input grids come from: "
                      "ARC-AGI-1, ARC-AGI-2 or both (inputs of every demo and test pair).")
    flags.DEFINE_string("out", "fuzz_failures", "Folder for the regression files of disagreements "
                        "(<program name>.py each).")
    flags.DEFINE_integer("shrink_checks", SHRINK_CHECKS, "Most backend comparisons one shrink may run.",
                         lower_bound=1)
    flags.DEFINE_bool("resume", False, f"Continue the run whose state is in --out/{STATE_FILE} (same "
                      "--seed, --length_max, --samples, --data, --profile) up to --programs programs in all.")
    flags.DEFINE_float("max_rss_gb", 4.0, "At a chunk's end, drop the kernel caches (kernels reload from "
                       "the persistent cache when needed) when resident memory exceeds this many GiB: "
                       "every new kernel structure a random program brings stays cached otherwise.",
                       lower_bound=0.5)
    flags.DEFINE_integer("chunk", 50, f"Save the run's state to --out/{STATE_FILE} every this many "
                         "programs (a long run can then be stopped and resumed).", lower_bound=1)


def main(argv):
    from absl import app, flags, logging

    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    FLAGS = flags.FLAGS
    if not FLAGS["verbosity"].present:
        logging.set_verbosity(logging.WARNING)
    from jaxdsl.cache import enable_persistent_cache

    enable_persistent_cache()
    t0 = time.perf_counter()
    settings = {k: getattr(FLAGS, k) for k in STATE_KEYS}
    out = Path(FLAGS.out)
    state = out / STATE_FILE
    start, summary = FLAGS.first, Summary(first=FLAGS.first)
    if not FLAGS.resume and FLAGS.first >= FLAGS.programs:
        print(f"error: --first {FLAGS.first} leaves no program below --programs {FLAGS.programs}",
              file=sys.stderr)
        return 2
    try:
        out.mkdir(parents=True, exist_ok=True)
        if FLAGS.resume:
            start, summary = load_state(state, settings)
            print(f"resuming at program {start} of {FLAGS.programs} ({summary.line()} so far)")
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pool = input_pool(FLAGS.data)

    def checkpoint(next_k: int, s: Summary) -> None:
        save_state(state, settings, next_k, s)
        rss = resident_bytes()
        print(f"[{time.strftime('%H:%M:%S')}] {next_k}/{FLAGS.programs}: {s.line()}, "
              f"RSS {rss / 2**30:.1f} GiB", flush=True)
        if rss > FLAGS.max_rss_gb * 2**30:
            drop_kernel_caches()

    try:
        summary = fuzz(FLAGS.programs, FLAGS.seed, pool, FLAGS.length_max, FLAGS.samples, out,
                       shrink_checks=FLAGS.shrink_checks, start=start, summary=summary,
                       checkpoint=checkpoint, every=FLAGS.chunk, profile=FLAGS.profile)
    except KeyboardInterrupt:
        print(f"interrupted: the state of the last chunk is in {state}; continue with --resume",
              file=sys.stderr)
        return 130
    if summary.earlier:
        print(f"disagreements of earlier chunks: {len(summary.earlier)} (listed in {state})")
    if summary.skip_reasons:
        print("skipped: " + ", ".join(f"{n} {why}" for why, n in sorted(summary.skip_reasons.items())))
    if summary.overflowed is not None and summary.samples:
        print(f"samples JAX overflowed on (not compared; the runner's fallback covers them): "
              f"{summary.overflowed} of {summary.samples} ({summary.overflowed / summary.samples:.1%})")
    print(f"time: {time.perf_counter() - t0:.1f} s")
    print(summary.line())
    sys.stdout.flush()
    return 1 if summary.disagreements else 0


def run():
    from absl import app

    _define_flags()
    app.run(main)


if __name__ == "__main__":
    run()
