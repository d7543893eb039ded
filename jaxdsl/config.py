"""Run configuration: capacities of the padded representations and execution settings.

Defaults live in :data:`DEFAULTS` and mirror ``configs/default.json`` (a test keeps the
two equal). A JSON file passed with ``--config`` overrides any subset of the keys:

* ``grid``: ``[H, W]``, the capacity of the input grids; every other grid variable gets
  a static capacity inferred from it (:mod:`compiler.capacity`: ``hconcat`` adds widths,
  ``upscale`` by a constant multiplies, ... up to 4× the larger side); a grid larger
  than its capacity sets ``overflow``;
* ``patch``, ``tuple``, ``objects``, ``object_cells``, ``grids``: container capacities
  (see :class:`jaxdsl.values.Capacity`); values larger than these set ``overflow``;
* ``patch_limit``: the most rows a patch the compiler can bound gets (a patch inside a
  grid gets the grid's cells, :mod:`compiler.capacity`); at most ``patch`` turns it off;
* ``batch_size``: the largest micro-batch (the mega-batch is split into
  ``ceil(N / batch_size)`` equal micro-batches only to bound memory; each is padded to
  a fixed bucket size — powers of two below 256, then multiples of 256 — so compiled
  kernels are reused across data sizes);
* ``segment_size``: ops per compiled kernel, ``1`` = one kernel per op (cached by
  signature), ``0`` or ``null`` = the whole program in one kernel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from jaxdsl.values import Capacity

DEFAULTS = {"grid": [30, 30], "patch": 256, "tuple": 64, "objects": 64, "object_cells": 1024,
            "grids": 32, "patch_limit": 256, "batch_size": 2048, "segment_size": 1}
"""Run defaults, chosen by measurement (docs/design.md, "Capacities"): smaller than the
generous :class:`jaxdsl.values.Capacity` defaults the equivalence tests use, because on the
ARC-AGI-1 mega-batch the larger patches cost 2.6× the run time to avoid overflows that the
reference fallback resolves in seconds."""
_CAPACITY_KEYS = ("patch", "tuple", "objects", "object_cells", "grids", "patch_limit")


def _is_int(value) -> bool:
    """An integer JSON value: ``int`` but not ``bool`` (``true`` is no capacity)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Config:
    """Resolved configuration (see the module docstring for each field)."""

    capacity: Capacity = Capacity(grid=tuple(DEFAULTS["grid"]), **{k: DEFAULTS[k] for k in _CAPACITY_KEYS})
    batch_size: int = DEFAULTS["batch_size"]
    segment_size: int | None = DEFAULTS["segment_size"]

    def with_overrides(self, batch_size: int | None = None, segment_size: int | None = None) -> "Config":
        """A copy with the given non-None settings replaced (``segment_size=0`` → whole program)."""
        cfg = self
        if batch_size is not None:
            cfg = replace(cfg, batch_size=batch_size)
        if segment_size is not None:
            cfg = replace(cfg, segment_size=segment_size or None)
        return cfg


class ConfigError(ValueError):
    """A configuration file is unreadable or holds a bad value (message names the file)."""


class InputError(ValueError):
    """Bad command-line input of ``jaxdsl.evaluate`` / ``jaxdsl.compile`` found before any
    compute (the message names the flag and the cause)."""


def task_ids_flag(flag) -> list[str] | None:
    """The task ids of a ``--tasks`` absl list flag, or None (all tasks) when the flag is
    not given.

    Raises:
      InputError: the flag is given but names no task (``--tasks ""`` or ``--tasks ,``).
    """
    if not flag.present:
        return None
    ids = [t.strip() for t in flag.value or [] if t.strip()]
    if not ids:
        raise InputError("--tasks: no task id given (omit the flag to use all tasks)")
    return ids


def load_config(path: str | Path | None = None) -> Config:
    """Read a JSON config; missing keys take :data:`DEFAULTS`.

    Every value is type-checked (integers must be JSON integers, not ``true``/``false``);
    an error names the file and the key.

    Raises:
      ConfigError: unreadable or non-UTF-8 file, invalid JSON, unknown key, or bad value.
    """
    values = dict(DEFAULTS)
    if path is not None:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: config is not UTF-8 text (byte {exc.start}): {exc.reason}") from exc
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from exc
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: config must be a JSON object")
        unknown = sorted(set(data) - set(DEFAULTS))
        if unknown:
            raise ConfigError(f"{path}: unknown config key(s) {unknown}; valid keys: {sorted(DEFAULTS)}")
        values.update(data)
    grid = values["grid"]
    if not (isinstance(grid, list) and len(grid) == 2 and all(_is_int(v) and 1 <= v <= 512 for v in grid)):
        raise ConfigError(f"{path}: 'grid' must be [H, W] with 1 ≤ H, W ≤ 512, got {grid!r}")
    if min(grid) < 30:
        raise ConfigError(f"{path}: 'grid' must be at least [30, 30] to hold every ARC grid, got {grid!r}")
    for key in _CAPACITY_KEYS:
        if not (_is_int(values[key]) and 1 <= values[key] <= 65536):
            raise ConfigError(f"{path}: {key!r} must be an integer in 1..65536, got {values[key]!r}")
    if not (_is_int(values["batch_size"]) and values["batch_size"] >= 1):
        raise ConfigError(f"{path}: 'batch_size' must be a positive integer, got {values['batch_size']!r}")
    seg = values["segment_size"]
    if not (seg is None or (_is_int(seg) and seg >= 0)):
        raise ConfigError(f"{path}: 'segment_size' must be a non-negative integer or null, got {seg!r}")
    capacity = Capacity(grid=tuple(grid), **{k: values[k] for k in _CAPACITY_KEYS})
    return Config(capacity, values["batch_size"], seg or None)
