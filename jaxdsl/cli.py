"""What the command lines share: bad input and OS errors as one line with exit code 2."""

from __future__ import annotations

import sys
from typing import Callable


def one_line_errors(body: Callable[[], int]) -> int:
    """``body()``, with bad input (:class:`~compiler.errors.ProgramError`,
    :class:`~jaxdsl.config.InputError` / ``ConfigError``, :class:`~jaxdsl.data.DataError`,
    :class:`~jaxdsl.runner.DeviceError`) and any ``OSError`` turned into one line
    ``error: <file or path>: <cause>`` on stderr and exit code 2. Other exceptions propagate.
    """
    from compiler.errors import ProgramError
    from jaxdsl.config import ConfigError, InputError
    from jaxdsl.data import DataError

    try:
        return body()
    except (InputError, ProgramError, DataError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        from jaxdsl.report import describe_os_error

        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
    except ValueError as exc:      # runner.DeviceError (imported with JAX)
        from jaxdsl.runner import DeviceError

        if not isinstance(exc, DeviceError):
            raise
        print(f"error: {exc}", file=sys.stderr)
    return 2
