"""Read a JSON document from a stream one value at a time (the stdlib has none).

:meth:`json.JSONDecoder.raw_decode` decodes whole values from a text buffer; this module keeps
such a buffer filled from the stream and walks objects and arrays member by member, so a big
document (a SPARQL result with millions of rows) can be read without holding it. See
:func:`kg.store.row_limit.limit_solutions`.

>>> import io
>>> reader = JsonStream(io.BytesIO(b'{"a": [1, {"b": 2}], "c": 3}'), error=ValueError)
>>> reader.take("{")
>>> for key in reader.members():
...     if key != "a":
...         print(key, reader.value())
...         continue
...     reader.take("[")
...     for _ in reader.items():
...         print("item", reader.value())
item 1
item {'b': 2}
c 3
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Final, Protocol

_CHUNK: Final = 64 * 1024
_WHITESPACE: Final = re.compile(r"[ \t\r\n]*")


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class JsonStream:
    """Reads one JSON document from a binary stream a value at a time.

    Args:
        stream: The document (UTF-8).
        error: Makes the exception raised for a malformed document from a description.
    """

    def __init__(self, stream: _Readable, *, error: Callable[[str], Exception]) -> None:
        self._stream = stream
        self._error = error
        self._text = ""
        self._pos = 0
        self._is_eof = False
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._json = json.JSONDecoder()

    def take(self, char: str) -> None:
        """Read ``char`` (after whitespace)."""
        if self._peek() != char:
            raise self._error(f"expected {char!r}")
        self._pos += 1

    def value(self) -> Any:
        """Read and decode the next value."""
        self._peek()
        size = _CHUNK
        while True:
            try:
                value, end = self._json.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                if not self._fill(size):
                    raise self._error(str(exc)) from exc
                size = max(size, len(self._text) - self._pos)  # big values: read in O(n)
                continue
            if end == len(self._text) and self._fill(_CHUNK):
                continue  # a number at the end of the buffer may go on
            self._pos = end
            return value

    def members(self) -> Iterator[str]:
        """After ``{``: each key, with the reader at its value (which the caller reads)."""
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self._error("an object key is not a string")
            self.take(":")
            yield key
            separator = self._peek()
            self._pos += 1
            if separator == "}":
                return
            if separator != ",":
                raise self._error("expected ',' or '}'")

    def items(self) -> Iterator[None]:
        """After ``[``: once per element, with the reader at it (which the caller reads)."""
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield None
            separator = self._peek()
            self._pos += 1
            if separator == "]":
                return
            if separator != ",":
                raise self._error("expected ',' or ']'")

    def _peek(self) -> str:
        """The next character that is not whitespace ("" at the end)."""
        while True:
            match = _WHITESPACE.match(self._text, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._fill(_CHUNK):
                return ""

    def _fill(self, size: int) -> bool:
        if self._is_eof:
            return False
        if self._pos >= _CHUNK:  # drop what was read
            self._text = self._text[self._pos :]
            self._pos = 0
        data = self._stream.read(size)
        try:
            self._text += self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise self._error("not UTF-8") from exc
        self._is_eof = not data
        return bool(data)
