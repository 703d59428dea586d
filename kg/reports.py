"""Reading reports from files, directories, JSON Lines and stdin.

Pure apart from reading files: every check that can fail is done while reading, so a caller that
collects all reports first (``list(read_reports(...))``) knows every input is usable before it
writes anything.

Supported inputs:

* ``.txt`` / ``.md``: one report per file, with an optional sidecar ``NAME.json`` (or
  ``NAME.txt.json``) holding ``id``, ``title``, ``published`` and ``url``.
* ``.jsonl``: one report per line, ``{"id", "text", "title", "published", "url"}``.
* directories: searched recursively in sorted order; hidden entries are skipped.
* ``-``: stdin, read as one report.

The report text is kept exactly as in the file (character offsets point into it); only a leading
UTF-8 byte order mark is removed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError
from kg.ids import doc_id_from_name, is_valid_doc_id
from kg.models import Report

logger = logging.getLogger(__name__)

STDIN = "-"
STDIN_DOC_ID = "stdin"
TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIX = ".jsonl"
_BOM = b"\xef\xbb\xbf"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BINARY_SAMPLE = 8192
_MAX_CONTROL_SHARE = 0.1
# C0 controls other than tab, LF, VT, FF, CR, plus DEL.
_CONTROL_BYTES = frozenset([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_META_FIELDS = ("id", "title", "published", "url")


def parse_date(text: str) -> dt.date:
    """Parse an ISO ``YYYY-MM-DD`` date.

    Args:
        text: The date as given.

    Returns:
        The date.

    Raises:
        InputError: The text is not a valid ``YYYY-MM-DD`` date.

    >>> parse_date("2024-04-30")
    datetime.date(2024, 4, 30)
    >>> parse_date("30/04/2024")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: invalid date '30/04/2024': expected an ISO date YYYY-MM-DD
    """
    return _parse_date(text)


def read_reports(
    paths: Sequence[Path],
    *,
    published: dt.date | None = None,
    max_bytes: int,
    stdin: BinaryIO | None = None,
) -> Iterator[Report]:
    """Read reports from files, directories (recursively) and stdin (``-``).

    Args:
        paths: Files (``.txt``, ``.md``, ``.jsonl``), directories, or ``Path("-")`` for stdin.
        published: Publication date that overrides any date given in the input.
        max_bytes: Largest accepted report (a whole text file, or one JSON Lines record).
        stdin: Stream read for ``-`` (default: the process's binary stdin).

    Yields:
        One :class:`Report` per text file or JSON Lines record, in a deterministic order.

    Raises:
        InputError: An input is missing, empty, binary, not UTF-8, too large, malformed, has
            an invalid id or date, or repeats an id seen earlier in the same run. The message
            names the file (and line for JSON Lines).
    """
    seen_ids: dict[str, str] = {}
    seen_files: set[Path] = set()
    for path in paths:
        for report in _read_path(
            path, published=published, max_bytes=max_bytes, stdin=stdin, seen_files=seen_files
        ):
            first = seen_ids.get(report.id)
            if first is not None:
                raise InputError(
                    f"duplicate report id {report.id!r} (already read from {first}); "
                    "give each report a unique id",
                    path=report.source,
                )
            seen_ids[report.id] = report.source or report.id
            yield report


def read_text(path: Path, *, max_bytes: int, stdin: BinaryIO | None = None) -> str:
    """Read and validate a UTF-8 text file (or stdin for ``-``), removing a leading BOM.

    Args:
        path: The file, or ``Path("-")`` for stdin.
        max_bytes: Largest accepted size.
        stdin: Stream read for ``-`` (default: the process's binary stdin).

    Returns:
        The text, exactly as in the file apart from a leading byte order mark.

    Raises:
        InputError: The file is missing, too large, binary, not UTF-8, or empty.
    """
    if str(path) == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _decode_text(_read_stream(stream, "<stdin>", max_bytes), "<stdin>")
    return _decode_text(_read_file_bytes(path, max_bytes), str(path))


def find_report_files(root: Path) -> list[Path]:
    """List the report files under a directory, recursively, in sorted order.

    Hidden files and directories (names starting with ``.``) and ``.json`` files (sidecars)
    are skipped; other files that are not ``.txt``, ``.md`` or ``.jsonl`` are logged at INFO
    and skipped. Symbolic links to directories are not followed.

    Args:
        root: The directory.

    Returns:
        The report files, sorted by their path relative to ``root``.
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            file = Path(dirpath, name)
            suffix = file.suffix.lower()
            if suffix in TEXT_SUFFIXES or suffix == JSONL_SUFFIX:
                found.append(file)
            elif suffix != ".json" or not _is_sidecar(file):
                logger.info("skipping %s: not a .txt, .md or .jsonl file", file)
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def _read_path(
    path: Path,
    *,
    published: dt.date | None,
    max_bytes: int,
    stdin: BinaryIO | None,
    seen_files: set[Path],
) -> Iterator[Report]:
    if str(path) == STDIN:
        text = read_text(path, max_bytes=max_bytes, stdin=stdin)
        yield Report(id=STDIN_DOC_ID, text=text, published=published, source="<stdin>")
        return
    if not path.exists():
        raise InputError("no such file or directory", path=str(path))
    if path.is_dir():
        files = find_report_files(path)
        if not files:
            raise InputError("directory holds no .txt, .md or .jsonl files", path=str(path))
    else:
        files = [path]
    for file in files:
        key = file.resolve()
        if key in seen_files:
            continue
        seen_files.add(key)
        suffix = file.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            yield _read_text_report(file, published=published, max_bytes=max_bytes)
        elif suffix == JSONL_SUFFIX:
            yield from _read_jsonl(file, published=published, max_bytes=max_bytes)
        else:
            raise InputError(
                "unsupported file type; give .txt or .md files (one report each), "
                ".jsonl files (one report per line) or directories",
                path=str(file),
            )


def _read_text_report(path: Path, *, published: dt.date | None, max_bytes: int) -> Report:
    text = read_text(path, max_bytes=max_bytes)
    meta: dict[str, str | None] = dict.fromkeys(_META_FIELDS)
    sidecar = _find_sidecar(path)
    if sidecar is not None:
        meta.update(_read_sidecar(sidecar, max_bytes=max_bytes))
    source = str(path)
    meta_source = str(sidecar) if sidecar is not None and meta["id"] is not None else source
    doc_id = meta["id"] if meta["id"] is not None else doc_id_from_name(path.name)
    _check_doc_id(doc_id, path=meta_source, line=None)
    date = published
    if date is None and meta["published"] is not None:
        date = _parse_date(meta["published"], path=str(sidecar), line=None)
    return Report(
        id=doc_id, text=text, title=meta["title"], published=date, url=meta["url"], source=source
    )


def _find_sidecar(path: Path) -> Path | None:
    for candidate in (path.with_suffix(".json"), path.with_name(path.name + ".json")):
        if candidate.is_file():
            return candidate
    return None


def _is_sidecar(path: Path) -> bool:
    stem = path.name[: -len(".json")]
    if Path(stem).suffix.lower() in TEXT_SUFFIXES and path.with_name(stem).is_file():
        return True
    return any(path.with_name(stem + suffix).is_file() for suffix in (".txt", ".md"))


def _read_sidecar(path: Path, *, max_bytes: int) -> dict[str, str | None]:
    where = str(path)
    text = _decode_text(_read_file_bytes(path, max_bytes), where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"sidecar is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            path=where,
        ) from exc
    if not isinstance(data, dict):
        raise InputError(
            'sidecar must be a JSON object like {"id": ..., "title": ..., "published": ...}',
            path=where,
        )
    return {name: _optional_str(data, name, path=where, line=None) for name in _META_FIELDS}


def _read_jsonl(path: Path, *, published: dt.date | None, max_bytes: int) -> Iterator[Report]:
    where = str(path)
    _check_size(path, None)
    count = 0
    offset = 0
    with _open_binary(path) as stream:
        head = stream.read(_BINARY_SAMPLE)
        _check_binary(head.removeprefix(_BOM), where, line=None)
        stream.seek(0)
        line_no = 0
        while True:
            raw = stream.readline(max_bytes + 1)
            if not raw:
                break
            line_no += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                raise InputError(
                    f"record is larger than the limit of {max_bytes:,} bytes "
                    "(setting KG_MAX_REPORT_BYTES)",
                    path=where,
                    line=line_no,
                )
            start = offset
            offset += len(raw)
            if line_no == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
                start += len(_BOM)
            _check_binary(raw, where, line=line_no)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not valid UTF-8 at byte offset {start + exc.start} ({exc.reason}); "
                    "save the file as UTF-8",
                    path=where,
                    line=line_no,
                ) from exc
            if not line.strip():
                continue
            yield _parse_record(line, published=published, path=where, line_no=line_no)
            count += 1
    if count == 0:
        raise InputError("file is empty (or holds only blank lines)", path=where)


def _parse_record(line: str, *, published: dt.date | None, path: str, line_no: int) -> Report:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON Lines record: {exc.msg} (column {exc.colno}); "
            "each line must be one JSON object",
            path=path,
            line=line_no,
        ) from exc
    if not isinstance(data, dict):
        raise InputError(
            'record must be a JSON object like {"id": ..., "text": ...}', path=path, line=line_no
        )
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        what = "has no text" if text is None else "has an empty or non-string text"
        raise InputError(
            f'record {what}; give the report in a "text" string', path=path, line=line_no
        )
    fields = {name: _optional_str(data, name, path=path, line=line_no) for name in _META_FIELDS}
    doc_id = fields["id"]
    if doc_id is None:
        if fields["title"] is None:
            raise InputError(
                'record has neither an "id" nor a "title" to derive one from',
                path=path,
                line=line_no,
            )
        doc_id = doc_id_from_name(fields["title"])
    _check_doc_id(doc_id, path=path, line=line_no)
    date = published
    if date is None and fields["published"] is not None:
        date = _parse_date(fields["published"], path=path, line=line_no)
    return Report(
        id=doc_id,
        text=text,
        title=fields["title"],
        published=date,
        url=fields["url"],
        source=f"{path}:{line_no}",
    )


def _optional_str(data: dict[str, object], name: str, *, path: str, line: int | None) -> str | None:
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InputError(
        f"field {name!r} must be a string, not {type(value).__name__}", path=path, line=line
    )


def _check_doc_id(doc_id: str, *, path: str, line: int | None) -> None:
    if not is_valid_doc_id(doc_id):
        raise InputError(
            f"invalid report id {doc_id!r}: use 1-200 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            path=path,
            line=line,
        )


def _parse_date(text: str, *, path: str | None = None, line: int | None = None) -> dt.date:
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise InputError(
                f"invalid date {text!r}: {exc}; expected an ISO date YYYY-MM-DD",
                path=path,
                line=line,
            ) from exc
    raise InputError(
        f"invalid date {text!r}: expected an ISO date YYYY-MM-DD", path=path, line=line
    )


def _check_size(path: Path, max_bytes: int | None) -> int:
    where = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputError("no such file or directory", path=where) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=where) from exc
    if max_bytes is not None and size > max_bytes:
        raise InputError(
            f"file is {size:,} bytes, larger than the limit of {max_bytes:,} bytes "
            "(setting KG_MAX_REPORT_BYTES)",
            path=where,
        )
    return size


def _open_binary(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=str(path)) from exc


def _read_file_bytes(path: Path, max_bytes: int) -> bytes:
    _check_size(path, max_bytes)
    with _open_binary(path) as stream:
        return _read_stream(stream, str(path), max_bytes)


def _read_stream(stream: BinaryIO, where: str, max_bytes: int) -> bytes:
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=where) from exc
    if len(data) > max_bytes:
        raise InputError(
            f"input is larger than the limit of {max_bytes:,} bytes (setting KG_MAX_REPORT_BYTES)",
            path=where,
        )
    return data


def _decode_text(data: bytes, where: str) -> str:
    bom = len(_BOM) if data.startswith(_BOM) else 0
    body = data[bom:]
    _check_binary(body, where, line=None)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        line = data[:offset].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 at byte offset {offset} ({exc.reason}); save the file as UTF-8",
            path=where,
            line=line,
        ) from exc
    if not text.strip():
        raise InputError("file is empty (or holds only whitespace)", path=where)
    return text


def _check_binary(data: bytes, where: str, *, line: int | None) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"looks like a binary file (NUL byte at offset {nul}); give a UTF-8 text file",
            path=where,
            line=line,
        )
    sample = data[:_BINARY_SAMPLE]
    if sample:
        controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
        if controls / len(sample) > _MAX_CONTROL_SHARE:
            raise InputError(
                "looks like a binary file (many control characters); give a UTF-8 text file",
                path=where,
                line=line,
            )
