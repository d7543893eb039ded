"""Persistent XLA compilation cache: where it lives and whether a run started warm.

The cache directory is, in order: the ``--cache_dir`` flag, the ``JAXDSL_CACHE_DIR``
environment variable, or ``~/.cache/jaxdsl/xla``. ``python -m jaxdsl.compile`` fills it;
``python -m jaxdsl.evaluate`` reads it and reports hits and misses.
"""

from __future__ import annotations

import os
from pathlib import Path

import jax
import jax.monitoring

_HIT = "/jax/compilation_cache/cache_hits"
_MISS = "/jax/compilation_cache/cache_misses"


def default_cache_dir() -> Path:
    """``$JAXDSL_CACHE_DIR`` if set, else ``~/.cache/jaxdsl/xla``."""
    env = os.environ.get("JAXDSL_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "jaxdsl" / "xla"


def enable_persistent_cache(cache_dir: str | Path | None = None) -> Path:
    """Point JAX's persistent compilation cache at ``cache_dir`` and cache every kernel.

    Must be called before the first compilation. Returns the directory used.
    """
    path = Path(cache_dir) if cache_dir else default_cache_dir()
    path.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return path


class CacheMonitor:
    """Counts persistent-cache hits and misses from the moment it is created."""

    def __init__(self):
        self.hits = 0
        self.misses = 0
        jax.monitoring.register_event_listener(self._on_event)

    def _on_event(self, event: str, **kwargs) -> None:
        if event == _HIT:
            self.hits += 1
        elif event == _MISS:
            self.misses += 1

    def state(self) -> str:
        """``"warm"`` (all hits), ``"cold"`` (all misses), ``"partly warm"`` or ``"unused"``."""
        if self.hits and not self.misses:
            return "warm"
        if self.misses and not self.hits:
            return "cold"
        if self.hits:
            return "partly warm"
        return "unused"
