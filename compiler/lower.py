"""Lowering and execution passes: a :class:`compiler.infer.TypedProgram` becomes a
sequence of jitted, vmapped *segment kernels* run over a batch of samples.

Every variable is carried as a triple ``(value, ok, overflow)`` of batched arrays.
An op's ``ok`` is its own ``ok`` AND the ``ok`` of every variable argument (poison
propagation); its ``overflow`` is any argument's OR its own — the latter only where
every argument is ok (the reference never runs an op whose input raised, so such an op
cannot overflow). No host round trips.

Compile granularity (``segment_size``; see docs/design.md for the measurements that
chose the default):

* ``segment_size=1`` — one kernel per op. Kernels are cached by the op's *structure*
  (primitive, signature, argument types and grid capacities, constants, capacities,
  batch shape), so a
  signature compiled once serves every program and every later op that uses it:
  compile cost is bounded by the number of distinct signatures, not program length.
* ``segment_size=K`` — consecutive ops fused into kernels of at most K ops, cached by
  the segment's structure after renaming variables canonically.
* ``segment_size=None`` — the whole program as one kernel (best run time for short
  programs; compile time grows super-linearly with length).

Grid capacities are per variable (:mod:`compiler.capacity`): before an op runs, its Grid /
Tuple[Grid] arguments are zero-padded to the op's :class:`~compiler.capacity.OpShape`
and the primitive gets a :class:`~jaxdsl.values.Capacity` whose ``grid`` is the result's.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import functools
import gc
import os
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from jaxdsl.containers import Elems
from jaxdsl.types import empty_value, from_python
from jaxdsl.values import Capacity

from . import functions as fns
from . import limits
from .errors import UnsupportedError
from .capacity import PATCH_TYPES, GridShapes, OpShape, infer_grid_caps
from .functions import constant_value
from .infer import TypedOp, TypedProgram, constant_type
from .ir import Const, PrimRef, Var
from .refexec import run_program

Triple = tuple[Any, jax.Array, jax.Array]

def apply_op(top: TypedOp, env: dict[str, Triple], consts: dict[str, Any], caps: Capacity | OpShape) -> Triple:
    """Trace one typed op on unbatched triples in ``env`` (constants read from ``consts``).

    Ops that build, pass or call function values (``top.signature is None``) are traced by
    :mod:`compiler.functions` with the argument capacities of their OpShape.

    ``caps`` is the op's :class:`~compiler.capacity.OpShape` (grid arguments are padded to
    its ``pads``, the primitive gets its ``caps``, the result is checked against its
    ``out``), or a plain :class:`~jaxdsl.values.Capacity` bound as is.

    Returns ``(triple, own_overflow)``: the op's ``(value, ok, overflow)`` with its inputs'
    flags folded in, and whether the op itself (not an input) overflowed while every input
    was ok and fitted."""
    shape = caps if isinstance(caps, OpShape) else OpShape((None,) * len(top.op.args), None, caps)
    in_ok, in_ovf = jnp.asarray(True), jnp.asarray(False)
    for ref in fns.op_refs(top.op):
        if isinstance(ref, Var):
            _, ok, ovf = env[ref.name]
            in_ok, in_ovf = in_ok & ok, in_ovf | ovf
    if top.signature is None:
        too_big = jnp.asarray(False)
        if cuts_patches(top):
            env, too_big = fit_patch_refs(top, env, shape.caps.patch)
        value, ok, ovf = _apply_function_op(top, env, shape)
        ovf = ovf | too_big
    else:
        values = [env[a.name][0] if isinstance(a, Var) else consts[a.name] for a in top.op.args]
        value, ok, ovf = fns.invoke(top.signature, shape, values, top.coercions)
    own = ovf & in_ok & ~in_ovf     # an op the reference would not run (poisoned input) cannot overflow
    return (value, ok & in_ok, own | in_ovf), own


def cuts_patches(top: TypedOp) -> bool:
    """Whether :func:`fit_patch_refs` applies to op ``top``: every function op but the
    :data:`HOST_CONSTRUCTORS`, which only capture their arguments (the op that calls
    the function they build cuts them)."""
    return top.signature is None and not (isinstance(top.op.callee, PrimRef)
                                          and top.op.callee.name in HOST_CONSTRUCTORS)


def fit_patch_refs(top: TypedOp, env: dict[str, Triple], rows: int) -> tuple[dict[str, Triple], jax.Array]:
    """Cut the patches a function op reads to ``rows`` rows (the op's ``caps.patch``).

    The capacity pass (:mod:`compiler.capacity`) may give patches of whole grids up to the
    config's ``patch_limit`` rows, but a function op maps or calls its function once per element at the
    config's capacities: a 900-row patch captured by a mapped function would make every
    call 3.5× larger (and a map's budget cut it). So every position / cell row container
    (an :class:`~jaxdsl.containers.Elems` of row width ≥ 2) among the op's references,
    captured values of function values included, is cut to ``rows`` rows.

    Returns ``(env', overflow bool[])``: ``env`` with those references replaced (``env``
    itself when none is larger), and True where one of them holds more than ``rows`` rows
    (the op's result is then unknown and the exact fallback re-runs the pair)."""
    over = jnp.asarray(False)
    cut: dict[str, Triple] = {}
    cuts = 0

    def fit(leaf):
        nonlocal over, cuts
        if isinstance(leaf, Elems) and leaf.data.shape[-1] >= 2 and leaf.data.shape[0] > rows:
            over, cuts = over | (leaf.n > rows), cuts + 1
            return Elems(leaf.data[:rows], jnp.minimum(leaf.n, rows))
        return leaf

    for ref in fns.op_refs(top.op):
        if isinstance(ref, Var):
            value, ok, ovf = env[ref.name]
            before = cuts
            fitted = jax.tree_util.tree_map(fit, value, is_leaf=lambda x: isinstance(x, Elems))
            if cuts > before:
                cut[ref.name] = (fitted, ok, ovf)
    return ({**env, **cut} if cut else env), over


def _apply_function_op(top: TypedOp, env: dict[str, Triple], shape: OpShape) -> Triple:
    """Trace an op that builds, passes or calls a function value (:mod:`compiler.functions`);
    ``shape.arg_caps`` holds its arguments' capacities and ``env`` their types' triples."""
    op = top.op
    fenv = fns.Env(shape.caps, shape.limit, abstract=False)
    triples = [env[r.name] if isinstance(r, Var) else None for r in fns.op_refs(op)]
    return fns.result_triple(fns.evaluate_refs(op, top.ref_types, shape.arg_caps, triples, fenv))


@dataclass(frozen=True)
class Segment:
    """A run of consecutive ops compiled as one kernel.

    Attributes:
      ops: the typed ops. live_in: variables read from earlier segments (or inputs).
      live_out: variables this segment defines that later segments or the output read.
      consts: the constants the ops read, in first-use order (kernel arguments).
      key: structural cache key (variables and constants renamed canonically; input grid
        capacities, paddings and per-op capacities included).
      shapes: per op, its :class:`~compiler.capacity.OpShape`.
      defaults: per op, True when a failure gives the empty value of its result type
        instead of not ok (``on_error="default"``, types with an empty value only).
      host: every op only packs function values (:func:`host_op`): the segment runs on the
        host, without a kernel (:meth:`CompiledProgram.run`).
    """

    ops: tuple[TypedOp, ...]
    live_in: tuple[str, ...]
    live_out: tuple[str, ...]
    consts: tuple[str, ...]
    key: tuple
    shapes: tuple[OpShape, ...] = ()
    defaults: tuple[bool, ...] = ()
    host: bool = False


HOST_CONSTRUCTORS = frozenset({"compose", "chain", "fork", "matcher", "rbind", "lbind"})
"""Constructor primitives whose result is only the tuple of their arguments' captured
values: their flags are the AND (ok) / OR (overflow) of their variable arguments' flags."""


def host_op(top: TypedOp, result_type, default: bool) -> bool:
    """Whether op ``top`` (of result type ``result_type``) needs no kernel: a
    :data:`HOST_CONSTRUCTORS` call building a function value (not under an
    ``on_error="default"`` replacement) whose arguments are no containers of functions.

    Such an op's value is the tuple of the triples its closure captures, its ``ok`` the AND
    of its variable arguments' ``ok`` and its overflow their OR — exactly what its traced
    kernel computes (a captured variable's flags already imply its slots'), so running it
    on the host changes no result. 256 of the 700 distinct kernels of the full batt were
    such ops (docs/benchmarks.md)."""
    return (not default and isinstance(top.op.callee, PrimRef) and top.op.callee.name in HOST_CONSTRUCTORS
            and not any(isinstance(t, fns.BagType) for t in top.ref_types)
            and isinstance(result_type, fns.FnType))


def _segment_key(ops, live_in, live_out, consts, var_types, caps, shapes=None, var_caps=None) -> tuple:
    var_caps = var_caps or {}
    local = {name: ("in", k, var_types[name], var_caps.get(name)) for k, name in enumerate(live_in)}
    const_slot = {name: ("const", k, constant_type(name)) for k, name in enumerate(consts)}
    body = []
    for k, top in enumerate(ops):
        args = tuple(local[a.name] if isinstance(a, Var) else const_slot.get(a.name, a.name)
                     for a in top.op.args)
        shape = shapes[k] if shapes else None
        sig = top.signature
        if sig is None:     # a function op: its constants are baked in, its types are structures
            sig_key = ("fn", top.ref_types, tuple(a.name for a in top.op.args if isinstance(a, Const)))
            args = tuple(local[a.name] if isinstance(a, Var) else a.name for a in fns.op_refs(top.op))
        else:
            sig_key = (sig.params, sig.result, f"{sig.impl.__module__}.{sig.impl.__qualname__}")
        body.append((top.op.callee.name, sig_key, top.coercions, args,
                     (shape.pads, shape.out, shape.caps, shape.crop, shape.arg_caps, shape.limit)
                     if shape else None))
        local[top.op.target] = ("t", k)
    return (tuple(body), tuple(local[n] for n in live_out), caps)


def split_segments(typed: TypedProgram, segment_size: int | None, caps: Capacity,
                   shapes: GridShapes | None = None, outputs: tuple[str, ...] | None = None,
                   on_error: str = "poison") -> list[Segment]:
    """Cut a typed program into segments of at most ``segment_size`` ops (None: one segment).

    ``shapes`` (default: :func:`compiler.capacity.infer_grid_caps` of ``typed``) gives each
    op's grid padding and capacities; it is part of every segment's key. ``outputs``
    (default: the program's output) stay live to the end. ``on_error`` is ``"poison"`` or
    ``"default"`` (see :class:`CompiledProgram`)."""
    if shapes is None:
        shapes = infer_grid_caps(typed, caps)
    op_shape = dict(zip((t.op.target for t in typed.ops), shapes.ops))
    key_caps = shapes.key_caps()
    ops = typed.ops
    size = len(ops) if not segment_size else segment_size
    chunks = [ops[i:i + size] for i in range(0, len(ops), max(size, 1))]
    outputs = set(outputs or (typed.program.output,))
    last_chunk: dict[str, int] = {}         # variable → last chunk that reads it
    for c, chunk in enumerate(chunks):
        for t in chunk:
            for a in fns.op_refs(t.op):
                if isinstance(a, Var):
                    last_chunk[a.name] = c
    segments = []
    for c, chunk in enumerate(chunks):
        defined_here = {t.op.target for t in chunk}
        live_in, seen = [], set()
        for t in chunk:
            for a in fns.op_refs(t.op):
                if isinstance(a, Var) and a.name not in defined_here and a.name not in seen:
                    seen.add(a.name)
                    live_in.append(a.name)
        live_out = [t.op.target for t in chunk
                    if t.op.target in outputs or last_chunk.get(t.op.target, -1) > c]
        consts = list(dict.fromkeys(a.name for t in chunk for a in t.op.args if isinstance(a, Const)))
        seg_shapes = tuple(op_shape[t.op.target] for t in chunk)
        defaults = tuple(on_error == "default" and empty_value(typed.var_types[t.op.target])[0]
                         for t in chunk)
        key = _segment_key(chunk, live_in, live_out, consts, typed.var_types, caps, seg_shapes,
                           key_caps) + (defaults,)
        host = all(host_op(t, typed.var_types[t.op.target], d) for t, d in zip(chunk, defaults))
        segments.append(Segment(tuple(chunk), tuple(live_in), tuple(live_out), tuple(consts), key,
                                seg_shapes, defaults, host))
    return segments


MAP_HEADROOM = 15_000
"""Memory mappings kept free below the kernel's per-process limit (``vm.max_map_count``)
for everything but loaded executables: compiling a kernel (LLVM), Python's and XLA's
allocations."""

MAP_CEILING = 50_000
"""The most mappings loaded executables may hold, however high ``vm.max_map_count`` is:
the budget also bounds the memory of loaded kernels (a long fuzz run builds thousands)."""


def map_budget(max_map_count_path: str = "/proc/sys/vm/max_map_count") -> int:
    """:data:`MAP_BUDGET` for this machine: ``vm.max_map_count`` less :data:`MAP_HEADROOM`,
    at most :data:`MAP_CEILING` (50,000 on Linux's default limit of 65,530); 40,000 where
    the limit cannot be read."""
    try:
        with open(max_map_count_path) as f:
            limit = int(f.read().strip())
    except (OSError, ValueError):
        return 40_000
    return max(1_000, min(MAP_CEILING, limit - MAP_HEADROOM))


MAP_BUDGET = map_budget()
"""Memory mappings this process may hold before :class:`KernelCache` unloads its least
recently used executables. Every loaded XLA:CPU executable holds about 80–105 (each
compiled function gets its own code, read-only and data pages, JAX 0.10.2), and Linux
allows ``vm.max_map_count`` = 65,530 by default: past it LLVM fails with "Cannot allocate
memory" and the process segfaults — a 15,848-op batt (700 distinct kernels) and compiling
all 180 shipped solvers cold both crashed that way before this bound. Until session 17 it
was a fixed 40,000: the full batt's 444 executables hold 47,200 mappings, so a run of it
unloaded and reloaded about 375 executables in every micro-batch (a batt's micro-batches
run the same kernels in the same order, the worst case for least-recently-used); with
50,000 none is reloaded and its run is 15–18 % faster (docs/benchmarks.md, session 17)."""

TRIM_TO = MAP_BUDGET * 3 // 4
"""Once the mappings exceed :data:`MAP_BUDGET`, :class:`KernelCache` unloads executables
until they are at most this many (hysteresis), so that a long fuzz run does not pay for a
trim every few new kernels. An unloaded executable's mappings go with its last reference
(measured: a full ``gc.collect()`` after each batch freed none and took about half a second
in a fuzz process; docs/benchmarks.md, session 12), so the collector runs only when a batch
freed nothing."""

MAPS_MEASURED = 80
"""Mappings one loaded executable holds, as measured (JAX 0.10.2, XLA:CPU): how many
executables :class:`KernelCache` unloads at once to get below :data:`TRIM_TO`."""

MAPS_PER_EXECUTABLE = 160
"""A generous bound on the mappings one more loaded executable adds (about 80 measured):
:class:`KernelCache` counts the mappings again (reading ``/proc/self/maps``, tens of ms
in a process with tens of thousands of them) only when the count at its last reading
plus this much per executable loaded since could exceed :data:`MAP_BUDGET`."""


def map_count() -> int:
    """Memory mappings of this process (``/proc/self/maps`` lines; 0 where unavailable)."""
    try:
        with open("/proc/self/maps", "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


LOAD_THREADS = int(os.environ.get("JAXDSL_LOAD_THREADS", 2))
"""Threads that load executables from JAX's persistent cache (deserializing an XLA:CPU
executable takes ≈ 20 ms, outside the GIL) while the main thread lowers the next kernels'
wrappers (docs/benchmarks.md, session 18). ``$JAXDSL_LOAD_THREADS`` overrides it; 0 loads
in the main thread."""

LOADS_IN_FLIGHT = 4
"""At most this many loads run ahead of the main thread, so that :meth:`KernelCache._trim`'s
mapping count lags by at most a few executables."""


class KernelCache:
    """Jitted, vmapped segment kernels keyed by segment structure; shared by all programs.

    Loaded executables are kept in least-recently-used order and unloaded when the
    process's memory mappings exceed :data:`MAP_BUDGET`; an unloaded kernel is loaded again
    when next needed (:meth:`ensure`: from the export store and JAX's cache, no tracing).
    Least recently used go first, except within :meth:`cyclic` (a batt's micro-batches).

    Attributes:
      hits / misses: segment lookups (:meth:`compile_once`, :meth:`ensure`) whose structure
        was / was not seen before in this process.
      unloaded: executables unloaded to stay within :data:`MAP_BUDGET`.
    """

    def __init__(self):
        self._kernels: dict[tuple, Callable] = {}
        self._executables: collections.OrderedDict[tuple, Any] = collections.OrderedDict()
        self._out_specs: dict[tuple, Any] = {}
        self._structures: set = set()
        self.hits = 0
        self.misses = 0
        self.unloaded = 0
        self._counted = (0, 0)      # (mappings, loaded executables) at the last map_count()
        self._cyclic = False
        self._loader: concurrent.futures.ThreadPoolExecutor | None = None
        self._loading: collections.deque = collections.deque()   # keys whose executable is a Future
        self._fallbacks: dict[tuple, tuple] = {}    # key -> (segment, caps, specs) while an exe- entry loads

    @contextlib.contextmanager
    def cyclic(self):
        """Within this context the executables are used in one order again and again (a
        batt's kernels, micro-batch after micro-batch), so :meth:`_trim` unloads the most
        recently used first, keeping the one just loaded: the next use of those is the
        furthest away. With N kernels of which C fit under :data:`MAP_BUDGET`, a micro-batch
        then reloads about N − C instead of all N, as least-recently-used would."""
        saved, self._cyclic = self._cyclic, True
        try:
            yield self
        finally:
            self._cyclic = saved

    def _unload_one(self) -> None:
        if self._cyclic:
            newest = self._executables.popitem(last=True)
            self._executables.popitem(last=True)
            self._executables[newest[0]] = newest[1]
        else:
            self._executables.popitem(last=False)
        self.unloaded += 1

    def _trim(self) -> None:
        """When the mappings exceed :data:`MAP_BUDGET`, unload executables until they are at
        most :data:`TRIM_TO` (at least 16 stay loaded): the least recently used, or within
        :meth:`cyclic` the most recently used but the newest."""
        if len(self._executables) < 64:
            return
        maps, loaded = self._counted
        if maps + MAPS_PER_EXECUTABLE * (len(self._executables) - loaded) <= MAP_BUDGET:
            return
        count = map_count()
        if count > MAP_BUDGET:
            while count > TRIM_TO and len(self._executables) > 16:
                excess = -(-(count - TRIM_TO) // MAPS_MEASURED)
                for _ in range(max(1, min(excess, len(self._executables) - 16))):   # a batch, then recount
                    self._unload_one()
                before, count = count, map_count()
                if count >= before:     # nothing freed by reference counting: collect cycles
                    gc.collect()
                    count = map_count()
        self._counted = (count, len(self._executables))

    @staticmethod
    def _shape_key(segment: Segment, args) -> tuple:
        # the counter (args[0]) fixes the batch size of segments that read only constants
        leaves = jax.tree_util.tree_leaves((args[0],) + tuple(args[2:]))
        return (segment.key, tuple(_leaf_key(x.shape, x.dtype, getattr(x, "sharding", None)) for x in leaves))

    def _lookup(self, segment: Segment) -> None:
        if segment.key in self._structures:
            self.hits += 1
        else:
            self._structures.add(segment.key)
            self.misses += 1

    def compile_once(self, segment: Segment, caps: Capacity, *specs, count: bool = True,
                     use_entry: bool = True) -> tuple[bool, Any]:
        """Compile ``segment``'s kernel for argument ``specs`` unless already done in this
        process, keeping the executable for :meth:`executable`.

        With a :class:`~jaxdsl.cache.ExportStore` open (:func:`jaxdsl.cache.enable_persistent_cache`)
        the executable is loaded straight from JAX's persistent cache when the store has
        its ``exe-`` entry (no tracing, no lowering; ``use_entry=False`` skips it); else the
        kernel's lowered module comes from the store when present (no tracing), or is
        exported and stored, and the executable is compiled from it (JAX's persistent cache
        serves it when warm) and its ``exe-`` entry written. An ``exe-`` entry that cannot be
        loaded falls back to the lowered module.

        Returns ``(compiled_now, out_specs)``: whether it compiled, and the kernel's output
        pytree of ``jax.ShapeDtypeStruct`` (from the lowered module or the ``exe-`` entry:
        no second trace).

        A kernel whose executable or module came from the store is loaded or compiled — in
        practice loaded from JAX's cache — in one of :data:`LOAD_THREADS` threads while this
        one goes on (:meth:`executable` and :meth:`drain` wait for it). Nothing is traced while such a
        load runs (:meth:`drain` first): compiling in a thread while tracing crashed XLA:CPU
        in the persistent-cache write (JAX 0.10.2)."""
        from jaxdsl.cache import export_store, note_reload

        if count:
            self._lookup(segment)
        key = self._shape_key(segment, specs)
        if key in self._executables:
            return False, self._out_specs[key]
        if key in self._out_specs:      # built earlier in this process, unloaded by _trim
            note_reload()
        store = export_store()
        digest = store.digest(key) if store is not None else None
        direct = store.open_executable(digest) if digest is not None and use_entry else None
        if direct is not None:
            out_specs, load = direct
            self._out_specs.setdefault(key, out_specs)
            self._fallbacks[key] = (segment, caps, specs)
            if LOAD_THREADS > 0:
                self._executables[key] = self._load_in_thread(key, load)
            else:
                executable = load()
                self._executables[key] = executable if executable is not None else self._rebuild(key)
                self._fallbacks.pop(key, None)
            self._trim()
            return True, self._out_specs[key]
        exported = store.load(digest) if digest is not None else None
        from_store = exported is not None
        if not from_store:
            self.drain()
        if digest is None:
            lowered = self.get(segment, caps).lower(*specs)
        else:
            if exported is None:
                exported = jax.export.export(self.get(segment, caps))(*specs)
                store.save(digest, exported)
            # Outputs are batched like the first argument (the counter): say so, or the
            # wrapper returns them replicated and the next kernel's lookup misses.
            sharding = getattr(specs[0], "sharding", None)
            wrapper = jax.jit(exported.call, out_shardings=sharding) if sharding is not None else \
                jax.jit(exported.call)
            lowered = wrapper.lower(*specs)
        if key not in self._out_specs:
            self._out_specs[key] = jax.tree_util.tree_map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype),
                                                          lowered.out_info)
        threaded = from_store and LOAD_THREADS > 0
        build = functools.partial(store.compile_recording, digest, lowered) if digest is not None else lowered.compile
        self._executables[key] = self._load_in_thread(key, build) if threaded else build()
        self._trim()
        return True, self._out_specs[key]

    def _load_in_thread(self, key, load: Callable[[], Any]) -> concurrent.futures.Future:
        """``load()`` (compiling a lowered kernel, or loading an executable through the
        store's ``exe-`` entry) in a loader thread (at most :data:`LOADS_IN_FLIGHT` pending)."""
        if self._loader is None:
            self._loader = concurrent.futures.ThreadPoolExecutor(LOAD_THREADS, thread_name_prefix="jaxdsl-load")
        while len(self._loading) >= LOADS_IN_FLIGHT:
            self._resolve(self._loading.popleft())
        self._loading.append(key)
        return self._loader.submit(load)

    def _resolve(self, key):
        """The executable under ``key`` (waiting for its load), or None if unloaded since."""
        executable = self._executables.get(key)
        if isinstance(executable, concurrent.futures.Future):
            executable = executable.result()
            if executable is None:                   # an exe- entry that could not be loaded
                executable = self._rebuild(key)
            self._executables[key] = executable      # same position in the LRU order
            self._fallbacks.pop(key, None)
        return executable

    def _rebuild(self, key):
        """The executable under ``key`` built as without its store's ``exe-`` entry (whose
        load failed): from the lowered module in the store, or traced."""
        segment, caps, specs = self._fallbacks.pop(key)
        self._executables.pop(key, None)
        self._out_specs.pop(key, None)
        self.compile_once(segment, caps, *specs, count=False, use_entry=False)
        executable = self._executables.get(key)
        if isinstance(executable, concurrent.futures.Future):
            executable = executable.result()
        return executable

    def drain(self) -> None:
        """Wait for every executable still loading in a thread (re-raising its error)."""
        while self._loading:
            self._resolve(self._loading.popleft())

    def executable(self, segment: Segment, args) -> Callable | None:
        """The executable :meth:`compile_once` built for arguments shaped like ``args``, or
        None: calling it skips the jitted kernel's tracing and cache lookup."""
        key = self._shape_key(segment, args)
        executable = self._resolve(key)
        if executable is not None:
            self._executables.move_to_end(key)
        return executable

    def ensure(self, segment: Segment, caps: Capacity, args) -> Callable:
        """The executable for ``args`` (device arrays): loaded, or loaded again after
        :meth:`_trim` unloaded it, or built (:meth:`compile_once` on their shapes)."""
        self._lookup(segment)
        executable = self.executable(segment, args)
        if executable is None:
            spec = lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=getattr(x, "sharding", None))  # noqa: E731
            specs = (spec(args[0]), args[1], *jax.tree_util.tree_map(spec, tuple(args[2:])))
            self.compile_once(segment, caps, *specs, count=False)
            executable = self.executable(segment, args)
        return executable

    def __len__(self) -> int:
        """Distinct segment structures looked up."""
        return len(self._structures)

    def get(self, segment: Segment, caps: Capacity) -> Callable:
        """The kernel for ``segment``:
        ``kernel(count, consts, *live_in_triples) -> (tuple(live_out_triples), count')``.

        ``consts`` (unbatched) holds the values of ``segment.consts``; every other array
        is batched along axis 0. ``count`` (``int32[B]``) is the running number of op
        results that overflowed by themselves; ``count'`` adds this segment's. It also
        fixes the batch size for segments whose ops read only constants."""
        kernel = self._kernels.get(segment.key)
        if kernel is not None:
            return kernel

        def body(count, consts, *triples):
            env = dict(zip(segment.live_in, triples))
            named = dict(zip(segment.consts, consts))
            for k, top in enumerate(segment.ops):
                shape = segment.shapes[k] if segment.shapes else caps
                (value, ok, ovf), own = apply_op(top, env, named, shape)
                if segment.defaults and segment.defaults[k]:    # on_error="default"
                    value = jax.tree_util.tree_map(lambda v: jnp.where(ok, v, jnp.zeros_like(v)), value)
                    ok = jnp.asarray(True)
                env[top.op.target] = (value, ok, ovf)
                count = count + own.astype(jnp.int32)
            return tuple(env[name] for name in segment.live_out), count

        n_in = len(segment.live_in)
        kernel = jax.jit(jax.vmap(body, in_axes=(0, None) + (0,) * n_in))
        self._kernels[segment.key] = kernel
        return kernel


@functools.lru_cache(maxsize=4096)
def _leaf_key(shape, dtype, sharding) -> tuple:
    """``(shape, dtype name, sharding text)`` of one kernel argument, as
    :meth:`KernelCache._shape_key` keys it: texts, so that the key's ``repr`` is stable
    across processes (:meth:`jaxdsl.cache.ExportStore.digest`). Memoised: a batt looks up
    its kernels once per op, and formatting a sharding costs ~10 µs."""
    return tuple(shape), str(dtype), str(sharding)


DEFAULT_KERNELS = KernelCache()
"""The process-wide kernel cache used unless one is passed explicitly."""


class Outcome(NamedTuple):
    """What a compiled program returns for a batch (all arrays batched on axis 0).

    Attributes:
      value: the output value. ok: ``bool[B]`` no op on the output's path raised.
      overflow: ``bool[B]`` some value on the output's path exceeded a capacity (the
        result is unknown). op_overflows: ``int32[B]`` how many op results (anywhere in
        the program) overflowed by themselves.
    """

    value: Any
    ok: jax.Array
    overflow: jax.Array
    op_overflows: jax.Array


class CompiledProgram:
    """A typed program lowered to segment kernels; call it on a batch of inputs.

    Args:
      typed: output of :func:`compiler.infer.infer`.
      caps: static capacities of the padded values (``caps.grid``: the inputs' grid
        capacity; other grid variables get theirs from :func:`compiler.capacity.infer_grid_caps`).
      segment_size: ops per kernel (1 = per-op kernels, None = whole program).
      kernels: the kernel cache (default: process-wide).
      max_side: bound on every inferred grid side (default
        :data:`compiler.capacity.GROWTH` × ``max(caps.grid)``).
      outputs: variables whose triples :meth:`run` returns (default: the program's
        output; a batt passes every candidate and score variable).
      on_error: ``"poison"`` (an op that fails, or reads a not-ok value, is not ok) or
        ``"default"`` (such an op gets the empty value of its result type and is ok, for
        types that have one: :func:`jaxdsl.types.empty_value`; others stay not ok).

    Attributes:
      grid_shapes: the :class:`~compiler.capacity.GridShapes` the program is lowered with.
    """

    def __init__(self, typed: TypedProgram, caps: Capacity, segment_size: int | None = 1,
                 kernels: KernelCache | None = None, max_side: int | None = None,
                 outputs: tuple[str, ...] | None = None, on_error: str = "poison"):
        if on_error not in ("poison", "default"):
            raise ValueError(f"on_error must be 'poison' or 'default', got {on_error!r}")
        self.typed = typed
        self.caps = caps
        self.segment_size = segment_size
        self.on_error = on_error
        self.outputs = tuple(dict.fromkeys(outputs or (typed.program.output,)))
        self.kernels = DEFAULT_KERNELS if kernels is None else kernels
        self.grid_shapes = infer_grid_caps(typed, caps, max_side)
        self.segments = split_segments(typed, segment_size, caps, self.grid_shapes, self.outputs, on_error)
        try:
            limits.check_compile_memory(max((len(seg.ops) for seg in self.segments), default=0))
        except limits.LimitExceeded as exc:
            raise UnsupportedError(typed.program.file, typed.program.line, exc.reason) from None
        last_use: dict[str, int] = {}
        for s, seg in enumerate(self.segments):
            for name in seg.live_in:
                last_use[name] = s
        self._free_after: dict[int, list[str]] = {s: [] for s in range(len(self.segments))}
        for name, last in last_use.items():
            self._free_after[last].append(name)
        self._consts = [tuple(constant_value(c) for c in seg.consts) for seg in self.segments]

    @property
    def name(self) -> str:
        return self.typed.program.name

    @property
    def output_type(self) -> str:
        return self.typed.output_type

    def unfitting_values(self, *inputs: Any) -> list[str]:
        """The variables whose reference value does not fit its static capacity here.

        Runs the program on one sample (Python ``inputs``) with the reference executor and
        converts every computed value at the capacities this program is lowered with (its
        op's :class:`~compiler.capacity.OpShape` capacities, a Grid's inferred capacity),
        and lists a function op when a patch it reads or captures holds more rows than its
        ``caps.patch`` (:func:`fit_patch_refs` cuts it there).
        An overflow the JAX kernels report is *real* exactly when this list is non-empty
        (used by the tests; the exact fallback does not need it).
        """
        run = run_program(self.typed.program, *inputs, keep_values=True)
        out = []
        reach: dict[str, set] = {}      # variable → patch variables it reads or (functions) captures
        for top, shape in zip(self.typed.ops, self.grid_shapes.ops):   # one OpShape per op, in order
            name = top.op.target
            refs = {r.name for r in fns.op_refs(top.op) if isinstance(r, Var)}
            reach[name] = {r for r in refs if self.typed.var_types.get(r) in PATCH_TYPES}.union(
                *(reach.get(r, ()) for r in refs if not isinstance(self.typed.var_types.get(r), str)))
            if cuts_patches(top) and any(
                    v in run.values and len(run.values[v]) > shape.caps.patch for v in reach[name]):
                out.append(name)            # fit_patch_refs cuts a reference: overflow
                continue
            if name not in run.values or fns.is_function_type(self.typed.var_types[name]):
                continue
            caps = shape.caps
            grid = self.grid_shapes.var_caps.get(name)
            if grid is not None:
                caps = caps._replace(grid=grid)
            if from_python(self.typed.var_types[name], run.values[name], caps)[1]:
                out.append(name)
        return out

    @property
    def output_capacity(self) -> tuple[int, int] | None:
        """``(H, W)`` of the output's grid capacity (Grid / Tuple[Grid] outputs), else None."""
        return self.grid_shapes.var_caps.get(self.typed.program.output)

    def __call__(self, *inputs: Any) -> "Outcome":
        """Run on batched inputs (one pytree per parameter, leading axis = batch).

        Returns:
          an :class:`Outcome` of batched device arrays.
        """
        values, count = self.run(*inputs)
        return Outcome(*values[self.typed.program.output], count)

    def run(self, *inputs: Any, input_ok: dict | None = None) -> tuple[dict, jax.Array]:
        """Run on batched inputs and return every output.

        Args:
          inputs: one pytree per parameter, leading axis = batch; None for a parameter no
            op reads (e.g. a batt's ``S``).
          input_ok: parameter name → ``bool[B]`` (default all True): e.g. a batt's ``C`` is
            not ok where the expected output is unknown.

        Returns ``(outputs, op_overflows)``: variable → ``(value, ok bool[B], overflow
        bool[B])`` for every variable of ``outputs``, and ``int32[B]`` op results that
        overflowed by themselves.
        """
        program = self.typed.program
        leaf = jax.tree_util.tree_leaves([x for x in inputs if x is not None])[0]
        sharding = leaf.sharding if isinstance(leaf, jax.Array) else None
        # Built on the host: a jnp constructor would compile a kernel outside the cache's view.
        true = jax.device_put(np.ones((leaf.shape[0],), np.bool_), sharding)
        false = jax.device_put(np.zeros((leaf.shape[0],), np.bool_), sharding)
        count = jax.device_put(np.zeros((leaf.shape[0],), np.int32), sharding)
        input_ok = {k: jax.device_put(np.asarray(v, np.bool_), sharding) for k, v in (input_ok or {}).items()}
        env: dict[str, Triple] = {p: (x, input_ok.get(p, true), false)
                                  for p, x in zip(program.params, inputs) if x is not None}
        keep = set(self.outputs)
        for s, seg in enumerate(self.segments):
            if seg.host:
                env.update(zip(seg.live_out, _run_host(seg, env, true, false, _fold_flags)))
                continue
            args = (count, self._consts[s], *(env[n] for n in seg.live_in))
            kernel = self.kernels.ensure(seg, self.caps, args)
            results, count = kernel(*args)
            env.update(zip(seg.live_out, results))
            for name in self._free_after[s]:
                if name not in keep:
                    env.pop(name, None)
        return {name: env[name] for name in self.outputs}, count

    def lower_all(self, *input_specs: Any, drain: bool = True) -> int:
        """Trace and compile every kernel ahead of time for inputs shaped like ``input_specs``
        (``jax.ShapeDtypeStruct`` pytrees, batched). Kernels already compiled for these
        shapes in this process are skipped; the run calls the executables built here
        directly. A None spec stands for a parameter no op reads. Returns the number of
        kernels compiled.

        With ``drain=False`` the executables still loading in the kernel cache's threads
        are not waited for on return (a caller lowering many programs lets the loads of one
        overlap the lookups of the next, and calls :func:`drain_kernels` once at the end:
        the 180 shipped programs' warm start 5.7–6.0 → 4.5–4.7 s on the 2-core CPU)."""
        program = self.typed.program
        leaf = jax.tree_util.tree_leaves([x for x in input_specs if x is not None])[0]
        sharding = getattr(leaf, "sharding", None)
        flag = jax.ShapeDtypeStruct((leaf.shape[0],), jnp.bool_, sharding=sharding)
        counter = jax.ShapeDtypeStruct((leaf.shape[0],), jnp.int32, sharding=sharding)
        env = {p: (x, flag, flag) for p, x in zip(program.params, input_specs) if x is not None}
        compiled = 0
        resharded: dict[int, tuple] = {}     # id(out_specs) -> (out_specs, with the sharding)
        for seg, consts in zip(self.segments, self._consts):
            if seg.host:
                env.update(zip(seg.live_out, _run_host(seg, env, flag, flag, _fold_flag_specs)))
                continue
            args = tuple(env[n] for n in seg.live_in)
            now, (outs, _) = self.kernels.compile_once(seg, self.caps, counter, consts, *args)
            compiled += now
            if sharding is not None:
                # out_specs carry no shardings; at run time every batched output is sharded like
                # the input, and later kernels must be compiled for that (else evaluate misses
                # the persistent cache on every kernel after a program's first). Once per
                # kernel: a batt calls each of its few hundred kernels thousands of times.
                if id(outs) not in resharded:
                    resharded[id(outs)] = (outs, jax.tree_util.tree_map(
                        lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=sharding), outs))
                outs = resharded[id(outs)][1]
            env.update(zip(seg.live_out, outs))
        if drain:
            self.kernels.drain()
        return compiled


def drain_kernels(compiled: Sequence[CompiledProgram]) -> None:
    """Wait for every executable the kernel caches of ``compiled`` are still loading (after
    :meth:`CompiledProgram.lower_all` with ``drain=False``), re-raising a load's error."""
    for kernels in {id(cp.kernels): cp.kernels for cp in compiled}.values():
        kernels.drain()


# ------------------------------------------------------------------ host segments


def _run_host(seg: Segment, env: dict, true, false, fold) -> list:
    """The live-out triples of a :attr:`Segment.host` segment (see :func:`host_op`), from the
    triples (or ``ShapeDtypeStruct`` specs) in ``env``; ``fold(oks, overflows)`` combines
    flags, ``true``/``false`` stand for the flags of an op without variable arguments."""
    local = dict(env)
    for top, shape in zip(seg.ops, seg.shapes):
        refs = fns.op_refs(top.op)
        triples = [local[r.name] if isinstance(r, Var) else None for r in refs]
        closure = fns.evaluate_refs(top.op, top.ref_types, shape.arg_caps, triples,
                                    fns.Env(shape.caps, shape.limit, abstract=False))
        flags = [t for t in triples if t is not None]
        if not flags:
            ok, over = true, false
        elif len(flags) == 1:
            ok, over = flags[0][1], flags[0][2]
        else:
            ok, over = fold(tuple(t[1] for t in flags), tuple(t[2] for t in flags))
        local[top.op.target] = (tuple(d.triple for d in closure.slots), ok, over)
    return [local[n] for n in seg.live_out]


@jax.jit
def _fold_flags(oks: tuple, overflows: tuple):
    """AND of ``oks`` and OR of ``overflows`` (``bool[B]`` each), for host segments; one
    small executable per argument count, shared by every program."""
    return functools.reduce(jnp.logical_and, oks), functools.reduce(jnp.logical_or, overflows)


def _fold_flag_specs(oks: tuple, overflows: tuple):
    """:func:`_fold_flags` ahead of time: compiles it for these specs (into JAX's
    persistent cache, so a later run finds it) and returns the result specs."""
    _fold_flags.lower(oks, overflows).compile()
    return oks[0], overflows[0]

