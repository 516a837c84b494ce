"""Exceptions raised by planlint."""

from __future__ import annotations

__all__ = ["ParseError", "ConfigError", "InternalError"]


class ParseError(ValueError):
    """The input could not be parsed as EXPLAIN output.

    ``str(error)`` is ``"line L, column C: message"``; the parts are attributes.
    """

    #: What went wrong and, when known, what was expected (without the position).
    message: str
    #: 1-based line of the problem in the input.
    line: int
    #: 1-based column (in characters) of the problem in the input.
    column: int
    #: What kind of problem it is: ``empty``, ``unknown-format``, ``syntax``, ``invalid``,
    #: ``too-deep``, ``too-large`` or ``unsupported``.
    kind: str
    #: 0-based byte offset of the problem in the (UTF-8) input.
    offset: int

    def __init__(self, message: str, line: int, column: int, kind: str, offset: int = 0) -> None:
        super().__init__(message, line, column, kind, offset)
        self.message = message
        self.line = line
        self.column = column
        self.kind = kind
        self.offset = offset

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    def __reduce__(self) -> tuple[type[ParseError], tuple[str, int, int, str, int]]:
        return (type(self), (self.message, self.line, self.column, self.kind, self.offset))


ParseError.__module__ = "planlint"


class ConfigError(ValueError):
    """A configuration (``planlint.toml`` text, or a mapping of the same shape) is invalid:
    an unknown key, rule id or threshold, or a value of the wrong type.

    ``line`` and ``column`` point into the TOML text (for a mapping, into the TOML written
    from it).
    """

    #: What is wrong, and what was expected.
    message: str
    #: 1-based line in the TOML text.
    line: int
    #: 1-based column in the TOML text.
    column: int

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message, line, column)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"configuration, line {self.line}, column {self.column}: {self.message}"

    def __reduce__(self) -> tuple[type[ConfigError], tuple[str, int, int]]:
        return (type(self), (self.message, self.line, self.column))


ConfigError.__module__ = "planlint"


class InternalError(RuntimeError):
    """planlint itself failed (a bug: please report it with the input that caused it).

    Raised instead of letting a failure of the native code reach the interpreter.
    """


InternalError.__module__ = "planlint"
