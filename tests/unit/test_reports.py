"""Reading reports: formats, metadata, order, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.models import Report
from kg.reports import find_report_files, parse_date, read_reports, read_text

MAX = 5 * 1024 * 1024


def _read(*paths: Path, published: dt.date | None = None, max_bytes: int = MAX) -> list[Report]:
    return list(read_reports(list(paths), published=published, max_bytes=max_bytes))


def _error(*paths: Path, max_bytes: int = MAX) -> InputError:
    with pytest.raises(InputError) as info:
        _read(*paths, max_bytes=max_bytes)
    return info.value


# --- good input -------------------------------------------------------------------------------


def test_reports_text_file_without_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "Sudan talks (2024).txt"
    path.write_text("Talks resumed in Jeddah.\n", encoding="utf-8")
    [report] = _read(path)
    assert report.id == "sudan-talks-2024"
    assert report.text == "Talks resumed in Jeddah.\n"
    assert report.title is None
    assert report.published is None
    assert report.source == str(path)


def test_reports_sidecar_metadata_read(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("Text.", encoding="utf-8")
    meta = {"id": "custom-id", "title": "A title", "published": "2024-04-30", "url": "https://x/"}
    (tmp_path / "a.json").write_text(json.dumps(meta), encoding="utf-8")
    [report] = _read(path)
    assert (report.id, report.title, report.published, report.url) == (
        "custom-id",
        "A title",
        dt.date(2024, 4, 30),
        "https://x/",
    )


def test_reports_sidecar_with_full_name(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_text("Text.", encoding="utf-8")
    (tmp_path / "b.txt.json").write_text('{"title": "T", "url": null}', encoding="utf-8")
    [report] = _read(path)
    assert (report.id, report.title, report.url) == ("b", "T", None)


def test_reports_published_overrides_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Text.", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"published": "2020-01-01"}', encoding="utf-8")
    [report] = _read(path, published=dt.date(2024, 4, 30))
    assert report.published == dt.date(2024, 4, 30)


def test_reports_published_overrides_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "a", "text": "T.", "published": "2020-01-01"}\n', encoding="utf-8")
    [report] = _read(path, published=dt.date(2024, 4, 30))
    assert report.published == dt.date(2024, 4, 30)


def test_reports_jsonl_parsed(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        {"id": "r1", "text": "One.", "title": "First", "published": "2024-05-01", "url": "u"},
        {"text": "Two.", "title": "Second report"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    first, second = _read(path)
    assert (first.id, first.text, first.title, first.published, first.url) == (
        "r1",
        "One.",
        "First",
        dt.date(2024, 5, 1),
        "u",
    )
    assert first.source == f"{path}:1"
    assert (second.id, second.text, second.published) == ("second-report", "Two.", None)
    assert second.source == f"{path}:2"


def test_reports_directory_recursion_sorted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for rel in ("b.txt", "a/z.md", "a/c.txt", "c.jsonl", "a.txt"):
        file = tmp_path / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".jsonl"):
            file.write_text('{"id": "from-jsonl", "text": "J."}\n', encoding="utf-8")
        else:
            file.write_text(f"Text of {rel}.", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"title": "sidecar of a.txt"}', encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden dir", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with caplog.at_level(logging.INFO, logger="kg.reports"):
        reports = _read(tmp_path)
    assert [r.id for r in reports] == ["c", "z", "a", "b", "from-jsonl"]
    assert reports[2].title == "sidecar of a.txt"
    assert "notes.pdf" in caplog.text
    assert "a.json" not in caplog.text
    assert _read(tmp_path) == reports  # deterministic


def test_reports_find_report_files_skips_sidecars(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    assert find_report_files(tmp_path) == [tmp_path / "x.txt"]


def test_reports_bom_stripped_and_offsets_preserved(tmp_path: Path) -> None:
    text = "Line one.\r\n  Indented\ttab.\r\n\r\nLast line without newline"
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    [report] = _read(path)
    assert report.text == text
    assert report.text[report.text.index("Indented") :].startswith("Indented\ttab.\r\n")


def test_reports_jsonl_bom_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"id": "a", "text": "\\ufeffkept inside"}\n')
    [report] = _read(path)
    assert report.text == "\ufeffkept inside"


def test_reports_stdin_read_as_one_report() -> None:
    stdin = io.BytesIO(b"Text from stdin.\n")
    [report] = list(read_reports([Path("-")], max_bytes=MAX, stdin=stdin))
    assert (report.id, report.text, report.source) == ("stdin", "Text from stdin.\n", "<stdin>")


def test_reports_same_file_twice_read_once(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Text.", encoding="utf-8")
    assert len(_read(path, tmp_path)) == 1


def test_reports_read_text_keeps_text() -> None:
    stdin = io.BytesIO(b"\xef\xbb\xbfa\r\nb")
    assert read_text(Path("-"), max_bytes=MAX, stdin=stdin) == "a\r\nb"


def test_reports_parse_date() -> None:
    assert parse_date("2024-04-30") == dt.date(2024, 4, 30)
    for bad in ("30/04/2024", "2024-02-30", "20240430", "2024-04-30T00:00:00", ""):
        with pytest.raises(InputError, match="YYYY-MM-DD") as info:
            parse_date(bad)
        assert repr(bad) in str(info.value)


# --- bad input --------------------------------------------------------------------------------


def test_reports_missing_file(tmp_path: Path) -> None:
    error = _error(tmp_path / "nope.txt")
    assert error.path == str(tmp_path / "nope.txt")
    assert "no such file" in str(error)


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf\n"])
def test_reports_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    error = _error(path)
    assert error.path == str(path)
    assert "empty" in str(error)


def test_reports_binary_file_with_nul(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = _error(path)
    assert error.path == str(path)
    assert "binary" in str(error)


def test_reports_binary_file_with_control_chars(tmp_path: Path) -> None:
    path = tmp_path / "ctl.md"
    path.write_bytes(bytes(range(1, 9)) * 20 + b"some text")
    assert "binary" in str(_error(path))


def test_reports_invalid_utf8_names_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("First line.\nCaf\u00e9 talks.".encode("latin-1"))
    error = _error(path)
    assert error.path == str(path)
    assert error.line == 2
    assert "byte offset 15" in str(error)
    assert "UTF-8" in str(error)


def test_reports_invalid_utf8_offset_counts_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfab\xff")
    assert "byte offset 5" in str(_error(path))


def test_reports_too_large_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)  # sparse: instant, and all NULs if it were read
    error = _error(path)
    assert error.path == str(path)
    assert "larger than the limit" in str(error)
    assert "binary" not in str(error)


def test_reports_too_large_small_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x" * 101, encoding="utf-8")
    assert "larger than the limit of 100 bytes" in str(_error(path, max_bytes=100))


def test_reports_jsonl_record_too_large(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"id": "a", "text": "ok"}\n' + json.dumps({"id": "b", "text": "x" * 200}) + "\n",
        encoding="utf-8",
    )
    error = _error(path, max_bytes=100)
    assert (error.path, error.line) == (str(path), 2)


def test_reports_unsupported_extension_given_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "unsupported file type" in str(_error(path))


def test_reports_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "readme.rst").write_text("x", encoding="utf-8")
    assert "no .txt" in str(_error(tmp_path))


def _jsonl(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reports_jsonl_malformed_record(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, '{"id": "a", "text": "ok"}', "", '{"id": "b", "text": "no end}')
    error = _error(path)
    assert (error.path, error.line) == (str(path), 3)
    assert str(error).startswith(f"{path}:3: malformed JSON Lines record: ")
    assert "column" in str(error)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ('["a list"]', "JSON object"),
        ('{"id": "a"}', "has no text"),
        ('{"id": "a", "text": "  "}', "empty"),
        ('{"id": "a", "text": 3}', "non-string text"),
        ('{"text": "no id"}', 'neither an "id" nor a "title"'),
        ('{"id": "a b", "text": "t"}', "invalid report id 'a b'"),
        ('{"id": "a", "text": "t", "title": 5}', "'title' must be a string"),
        ('{"id": "a", "text": "t", "published": "April 30"}', "invalid date 'April 30'"),
    ],
)
def test_reports_jsonl_bad_record(tmp_path: Path, record: str, expected: str) -> None:
    path = _jsonl(tmp_path, '{"id": "ok", "text": "fine"}', record)
    error = _error(path)
    assert (error.path, error.line) == (str(path), 2)
    assert expected in str(error)


def test_reports_jsonl_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n')
    error = _error(path)
    assert error.line == 2
    assert "byte offset 50" in str(error)


def test_reports_jsonl_binary(tmp_path: Path) -> None:
    path = tmp_path / "bin.jsonl"
    path.write_bytes(b"\x00\x01\x02" * 100)
    assert "binary" in str(_error(path))


def test_reports_jsonl_empty(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    assert "empty" in str(_error(path))


def test_reports_invalid_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Text.", encoding="utf-8")
    sidecar = tmp_path / "a.json"
    sidecar.write_text('{"id": ', encoding="utf-8")
    error = _error(path)
    assert error.path == str(sidecar)
    assert "not valid JSON" in str(error)


def test_reports_sidecar_bad_date_names_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Text.", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"published": "yesterday"}', encoding="utf-8")
    error = _error(path)
    assert error.path == str(tmp_path / "a.json")
    assert "invalid date 'yesterday'" in str(error)


def test_reports_sidecar_invalid_id(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Text.", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"id": "has space"}', encoding="utf-8")
    error = _error(path)
    assert error.path == str(tmp_path / "a.json")
    assert "invalid report id" in str(error)


def test_reports_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "same.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "two" / "same.md").write_text("Two.", encoding="utf-8")
    error = _error(tmp_path)
    assert error.path == str(tmp_path / "two" / "same.md")
    assert "duplicate report id 'same'" in str(error)
    assert str(tmp_path / "one" / "same.txt") in str(error)


def test_reports_duplicate_ids_in_jsonl(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, '{"id": "a", "text": "1"}', '{"id": "a", "text": "2"}')
    error = _error(path)
    assert error.path == f"{path}:2"
    assert "duplicate" in str(error)
