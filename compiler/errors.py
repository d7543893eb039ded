"""Errors raised for bad programs, always with ``file:line: message``."""

from __future__ import annotations


class ProgramError(ValueError):
    """A program cannot be parsed, typed or compiled.

    Attributes:
      file: source file name. line: 1-based line number (0 if unknown). reason: the cause.
    """

    def __init__(self, file: str, line: int, reason: str):
        self.file, self.line, self.reason = file, line, reason
        super().__init__(f"{file}:{line}: {reason}")


class ParseError(ProgramError):
    """Unsupported syntax, unknown names, rebinding, wrong arity."""


class TypeInferenceError(ProgramError):
    """No typing of an op's arguments matches the primitive."""


class UnsupportedError(ProgramError):
    """The program is valid arc-dsl but uses something the JAX backend cannot run yet."""
