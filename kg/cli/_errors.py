"""Error handling of the ``kg`` commands: one line on stderr and exit code 1."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from kg.errors import KGError

_P = ParamSpec("_P")
_R = TypeVar("_R")


def handles_errors(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn library and OS errors raised by a command into one line on stderr and exit 1.

    Args:
        func: The command function to wrap.

    Returns:
        The wrapped command; :class:`BrokenPipeError` passes through unchanged.
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            raise fail(str(exc)) from None
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise fail(_describe_os_error(exc)) from None

    return wrapper


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` as one line on stderr and return the exit to raise.

    Args:
        message: The error message; runs of whitespace (newlines too) become one space.

    Returns:
        A :class:`typer.Exit` with code 1, for the caller to raise.
    """
    one_line = " ".join(message.split()) or "unknown error"
    sys.stdout.flush()
    sys.stderr.write(f"error: {one_line}\n")
    sys.stderr.flush()
    return typer.Exit(code=1)


def _describe_os_error(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason
