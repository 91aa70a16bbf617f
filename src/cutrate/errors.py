"""The exception hierarchy: every error cutrate raises on purpose derives from
:class:`CutrateError`, so callers (and the CLI) can catch one root."""

from __future__ import annotations


class CutrateError(Exception):
    """Root of every error cutrate raises deliberately."""


class ParameterError(CutrateError, ValueError):
    """A setting or argument is out of range; the message names it and its value.

    ``param`` is the setting's name in the library (``window_s``), so that the CLI
    can say its option's name instead (``--window``).
    """

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param

    def __reduce__(self):
        return _parameter_error, (str(self), self.param)


def _parameter_error(message: str, param: str | None) -> ParameterError:
    return ParameterError(message, param=param)


class DecodeError(CutrateError):
    """A file cannot be opened or decoded as video; the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self):
        return type(self), (self.path, self.reason)


class InputError(CutrateError):
    """A path the user named cannot be used (no such file, nothing in a folder)."""
