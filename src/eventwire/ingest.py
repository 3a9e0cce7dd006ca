"""Input readers: files, directories and stdin → ``Article | Reject``.

Every record read comes out as exactly one ``Article`` or one ``Reject`` that
says where it was and why it was refused, so a bad line never stops a run and
nothing is lost silently. Formats are described in docs/input.md.

``Article.text`` is the text after dateline stripping and paragraph
normalisation; all later stages give character offsets into that string.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from eventwire.errors import ConfigError, InputError
from eventwire.models import Article, Reject

__all__ = [
    "FORMATS",
    "ReadOptions",
    "date_from_name",
    "normalise_text",
    "parse_date",
    "read_inputs",
    "split_dateline",
]

FORMATS = ("seed", "text", "jsonl", "csv", "tsv")
MIN_YEAR, MAX_YEAR = 1900, 2100
STDIN_ORIGIN = "<stdin>"

# Extensions read when walking a directory (a ".gz" on top of any of them is fine).
_EXT_FORMAT = {
    ".txt": "txt",
    ".text": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
}
_DATE_FALLBACK_FIELDS = ("date", "published", "publication_date")
_SNIFF_BYTES = 8192
_RECORD_PREVIEW = 200
_CHUNK = 1 << 16


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs; the defaults suit the seed format and VOA-style JSON Lines.

    ``date`` is the publication date for plain text (it wins over a date in
    the file name) and the fallback for records whose own date is missing or
    unparseable. ``fmt`` forces a format; ``None`` detects it from the file
    extension and, for stdin or unknown extensions, from the content.
    """

    date: dt.date | None = None
    fmt: str | None = None
    id_field: str = "id"
    date_field: str = "date"
    title_field: str = "title"
    text_field: str = "text"
    url_field: str = "url"
    source_field: str = "source"

    def __post_init__(self) -> None:
        if self.fmt is not None and self.fmt not in FORMATS:
            raise ConfigError(
                f"unknown input format {self.fmt!r}: use one of {', '.join(FORMATS)} "
                "or leave it unset to detect it"
            )


# --------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(
    r"""^\s*
    (?:(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})
      |(?P<y2>\d{4})(?P<m2>\d{2})(?P<d2>\d{2}))
    (?:[T\s]\d{2}:?\d{2}(?::?\d{2}(?:[.,]\d+)?)?   # optional time of day
       \s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?       # optional zone
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?!\d)")


def _make_date(year: int, month: int, day: int, value: str) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(
            f"date {value.strip()!r}: year {year} is outside {MIN_YEAR}..{MAX_YEAR}; "
            "check the date field or pass --date YYYY-MM-DD"
        )
    try:
        return dt.date(year, month, day)
    except ValueError as e:
        raise InputError(f"date {value.strip()!r} is not a calendar date: {e}") from e


def parse_date(value: str) -> dt.date:
    """Publication date from an ISO date or timestamp, as written (no time-zone shift).

    Accepts ``2020-07-08``, ``20200708``, ``2025-03-14 20:30:26Z`` and
    ``2020-07-08T10:00:00+09:00``; the calendar date is the one the publisher
    wrote, because converting to UTC would move late-evening stories a day.
    """
    if not isinstance(value, str):
        raise InputError(f"date must be text such as 2020-07-08, not {type(value).__name__}")
    m = _ISO_DATE.match(value)
    if m is None:
        shown = value.strip()[:60]
        raise InputError(
            f"unparseable date {shown!r}: use an ISO date such as 2020-07-08 "
            "or a timestamp such as 2020-07-08T10:00:00Z"
        )
    y = m.group("y") or m.group("y2")
    mo = m.group("m") or m.group("m2")
    d = m.group("d") or m.group("d2")
    return _make_date(int(y), int(mo), int(d), value)


def date_from_name(name: str) -> dt.date | None:
    """The date in a file name such as ``2020-07-08_story.txt`` or ``20200708-story.txt``."""
    for m in _NAME_DATE.finditer(name):
        try:
            return _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)), m.group(0))
        except InputError:
            continue
    return None


# ------------------------------------------------------------------------ datelines

_CAPS_WORD = r"[A-Z][A-Z.'’/\-]+"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:\s{_CAPS_WORD}){{0,3}}"
_TITLE_PLACE = r"[A-Z][a-z][A-Za-z.'’\-]*(?:\s[A-Z][A-Za-z.'’\-]+){0,3}"
_REGION = r"[A-Z][A-Za-z.'’\-]*(?:\s[A-Z][A-Za-z.'’\-]+){0,3}"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_DATEPART = rf"(?:{_MONTH}\s\d{{1,2}}|\d{{1,2}}\s{_MONTH}|{_WEEKDAY})(?:,?\s\d{{4}})?"
_AGENCY = r"\([A-Z][A-Za-z0-9.&'’/\- ]{0,39}\)"
# a dash with space on at least one side, so "US—China talks" is not a dateline
_DASH = r"(?:\s*(?:—|–|--)\s+|\s+(?:—|–|--)\s*|\s+-\s+)"
_REGIONS = rf"(?:,\s{_REGION}){{0,2}}"

_DATELINES = [
    # SEOUL (Reuters) -   WASHINGTON —   KYIV, Ukraine, March 3 (Reuters) -
    re.compile(rf"({_CAPS_PLACE}{_REGIONS}(?:,\s{_DATEPART})?(?:\s?{_AGENCY})?){_DASH}"),
    # Beirut, Lebanon (AP) —   Seoul, July 8 -   (title case needs an agency or a date)
    re.compile(
        rf"({_TITLE_PLACE}{_REGIONS}(?:,\s{_DATEPART}(?:\s?{_AGENCY})?|\s?{_AGENCY})){_DASH}"
    ),
    # (CNN) —
    re.compile(rf"({_AGENCY}){_DASH}"),
    # NEW DELHI:
    re.compile(rf"({_CAPS_PLACE}{_REGIONS}):\s+"),
]
_NOT_PLACES = {"BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "LIVE", "WATCH", "ANALYSIS", "OPINION"}


def split_dateline(text: str) -> tuple[str | None, str]:
    """Split a leading news dateline from the story: ``(dateline, rest)``.

    Only a place (upper case, or title case followed by an agency or a date),
    optional region, date and agency, closed by a dash (or a colon after an
    upper-case place), counts; an ordinary first sentence is never cut.
    """
    lead = len(text) - len(text.lstrip())
    for pattern in _DATELINES:
        m = pattern.match(text, lead)
        if m is None:
            continue
        dateline = m.group(1).strip()
        rest = text[m.end() :]
        if not rest.strip() or dateline.split(",")[0].strip().upper() in _NOT_PLACES:
            return None, text
        if not rest[0].isalnum() and rest[0] not in "\"'“‘(":
            continue
        return dateline, rest
    return None, text


# --------------------------------------------------------------------------- text

_NEWLINES = re.compile(r"\r\n?")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n\s*")
_SEED_HEADER = re.compile(r"\s*date[ \t]+(\d{4}-\d{2}-\d{2})(?=\s|$)[ \t]*\n?")
_SEED_SNIFF = re.compile(r"\s*date[ \t]+\d{4}-\d{2}-\d{2}(?=\s|$)")


def normalise_text(text: str) -> str:
    """Unix newlines, paragraphs joined by exactly one blank line, outer space stripped."""
    text = _NEWLINES.sub("\n", text).strip()
    paragraphs = (p.strip() for p in _BLANK_LINE.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _preview(record: str | bytes) -> str:
    if isinstance(record, bytes):
        record = record[: _RECORD_PREVIEW * 4].decode("utf-8", errors="replace")
    return _SURROGATE.sub("\ufffd", record[:_RECORD_PREVIEW])  # storable as UTF-8


def _article(
    text: str,
    date: dt.date,
    origin: str,
    line: int,
    *,
    id_: str | None = None,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
) -> Article | Reject:
    dateline, rest = split_dateline(normalise_text(text))
    body = normalise_text(rest)
    if not body:
        return Reject(origin, line, "empty: the record has no text", _preview(text))
    return Article(
        id=id_ or Article.make_id(body),
        text=body,
        date=date,
        title=title,
        url=url,
        source=source,
        dateline=dateline,
        origin=f"{origin}:{line}",
    )


# ------------------------------------------------------------------------ decoding


_CONTROL_BYTES = bytes([*range(1, 9), *range(14, 32), 127])
_MAX_CONTROL_SHARE = 0.01


def _binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary: NUL bytes, or more than 1% control characters."""
    if b"\x00" in data:
        return "binary or not UTF-8 text: contains NUL bytes"
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data and controls / len(data) > _MAX_CONTROL_SHARE:
        return f"binary or not UTF-8 text: {controls} control characters in {len(data)} bytes"
    return None


def _decode(data: bytes) -> str:
    """Strict UTF-8 (a leading BOM is dropped); raises InputError naming the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bad = data[e.start : e.start + 1].hex()
        raise InputError(
            f"binary or not UTF-8 text: byte 0x{bad} at offset {e.start} is not UTF-8; "
            "convert the file, e.g. iconv -f latin1 -t utf-8"
        ) from e


# ------------------------------------------------------------------------ formats


def _is_seed(text: str) -> bool:
    return _SEED_SNIFF.match(text) is not None


def _read_seed(text: str, origin: str, options: ReadOptions) -> Iterator[Article | Reject]:
    m = _SEED_HEADER.match(text)
    if m is None:
        yield Reject(
            origin,
            1,
            "seed format: the file does not start with 'date YYYY-MM-DD'",
            _preview(text),
        )
        return
    try:
        date = parse_date(m.group(1))
    except InputError as e:
        yield Reject(origin, 1, f"seed format: {e}", _preview(text))
        return
    yield _article(text[m.end() :], date, origin, 1)


def _read_text(
    text: str, origin: str, name: str | None, options: ReadOptions
) -> Iterator[Article | Reject]:
    date = options.date or (date_from_name(name) if name else None)
    if date is None:
        yield Reject(
            origin,
            1,
            "no publication date: pass --date YYYY-MM-DD or put the date in the file name",
            _preview(text),
        )
        return
    yield _article(text, date, origin, 1)


def _field(record: dict[str, Any], name: str) -> Any:
    if name in record:
        return record[name]
    folded = name.casefold()
    for key, value in record.items():
        if isinstance(key, str) and key.casefold() == folded:
            return value
    return None


def _has_field(record: dict[str, Any], name: str) -> bool:
    folded = name.casefold()
    return any(isinstance(k, str) and k.casefold() == folded for k in record)


# JSON "\\ud800" escapes decode to lone surrogates, which no UTF-8 writer (hashing,
# the database) accepts: such a record is rejected here rather than crash the run later.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PROBLEM = "contains a lone surrogate escape (\\ud800-\\udfff), which is not Unicode text"


def _from_record(
    record: dict[str, Any], origin: str, line: int, raw: str, options: ReadOptions
) -> Article | Reject:
    """One JSON object or CSV row → Article, or Reject with the first problem found."""

    def reject(reason: str) -> Reject:
        return Reject(origin, line, reason, _preview(raw))

    text = _field(record, options.text_field)
    if text is None:
        return reject(f"missing text field {options.text_field!r}")
    if not isinstance(text, str):
        return reject(f"field {options.text_field!r} must be a string, not {type(text).__name__}")
    if not text.strip():
        return reject("empty: the text field is blank")
    if _SURROGATE.search(text):
        return reject(f"field {options.text_field!r} {_SURROGATE_PROBLEM}")

    optional: dict[str, str | None] = {}
    for key, name in (
        ("id", options.id_field),
        ("title", options.title_field),
        ("url", options.url_field),
        ("source", options.source_field),
    ):
        value = _field(record, name)
        if isinstance(value, bool) or (value is not None and not isinstance(value, str | int)):
            return reject(f"field {name!r} must be a string, not {type(value).__name__}")
        if key != "id" and isinstance(value, int):
            return reject(f"field {name!r} must be a string, not int")
        value = str(value).strip() if value is not None else None
        if value and _SURROGATE.search(value):
            return reject(f"field {name!r} {_SURROGATE_PROBLEM}")
        optional[key] = value or None

    date_names = [options.date_field] + [
        f for f in _DATE_FALLBACK_FIELDS if f.casefold() != options.date_field.casefold()
    ]
    date_name = next((f for f in date_names if _has_field(record, f)), None)
    raw_date = _field(record, date_name) if date_name else None
    date: dt.date | None = None
    problem = f"missing date field {options.date_field!r}"
    if isinstance(raw_date, int) and not isinstance(raw_date, bool):
        raw_date = str(raw_date)
    if isinstance(raw_date, str) and raw_date.strip():
        try:
            date = parse_date(raw_date)
        except InputError as e:
            problem = str(e)
    elif raw_date is not None and raw_date != "":
        problem = f"field {date_name!r} must be a string, not {type(raw_date).__name__}"
    else:
        problem = f"missing date field {options.date_field!r}" + (
            f" (field {date_name!r} is empty)" if date_name else ""
        )
    if date is None:
        if options.date is None:
            return reject(f"{problem}; or pass --date YYYY-MM-DD")
        date = options.date

    return _article(
        text,
        date,
        origin,
        line,
        id_=optional["id"],
        title=optional["title"],
        url=optional["url"],
        source=optional["source"],
    )


def _json_line(raw: str, origin: str, line: int, options: ReadOptions) -> Article | Reject:
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError) as e:
        return Reject(origin, line, f"invalid JSON: {e}", _preview(raw))
    if not isinstance(record, dict):
        return Reject(origin, line, f"not a JSON object but {type(record).__name__}", _preview(raw))
    return _from_record(record, origin, line, raw, options)


def _byte_lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """Split a byte stream on b"\\n" only, so line numbers match an editor's."""
    pending: list[bytes] = []  # pieces of the current line; joined once, so long lines stay linear
    number = 0
    for chunk in chunks:
        *complete, tail = chunk.split(b"\n")
        for raw in complete:
            number += 1
            if pending:
                pending.append(raw)
                raw, pending = b"".join(pending), []
            yield number, raw
        if tail:
            pending.append(tail)
    if pending:
        yield number + 1, b"".join(pending)


def _read_jsonl(
    chunks: Iterable[bytes], origin: str, options: ReadOptions
) -> Iterator[Article | Reject]:
    seen = False
    for number, raw in _byte_lines(chunks):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if b"\x00" in raw:
            yield Reject(
                origin, number, "binary or not UTF-8 text: contains NUL bytes", _preview(raw)
            )
            seen = True
            continue
        try:
            text = _decode(raw) if number == 1 else raw.decode("utf-8")
        except (InputError, UnicodeDecodeError) as e:
            reason = str(e) if isinstance(e, InputError) else f"binary or not UTF-8 text: {e}"
            yield Reject(origin, number, reason, _preview(raw))
            seen = True
            continue
        if not text.strip():
            continue
        seen = True
        yield _json_line(text, origin, number, options)
    if not seen:
        yield Reject(origin, None, "empty: no JSON records in the file")


def _read_json_document(
    data: bytes, origin: str, options: ReadOptions
) -> Iterator[Article | Reject]:
    """A ``.json`` file: a JSON array or single object, else read as JSON Lines."""
    try:
        doc = json.loads(_decode(data))
    except (ValueError, RecursionError, InputError):
        yield from _read_jsonl([data], origin, options)
        return
    records = doc if isinstance(doc, list) else [doc]
    if not records:
        yield Reject(origin, None, "empty: the JSON array has no records")
    for i, record in enumerate(records, start=1):
        raw = json.dumps(record, ensure_ascii=False)[: _RECORD_PREVIEW * 2]
        if not isinstance(record, dict):
            yield Reject(origin, i, f"record {i} is not a JSON object", _preview(raw))
            continue
        yield _from_record(record, origin, i, raw, options)


_CSV_LIMIT_SET = False


def _raise_csv_limit() -> None:
    global _CSV_LIMIT_SET
    if not _CSV_LIMIT_SET:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        _CSV_LIMIT_SET = True


def _read_csv(
    lines: Iterable[str],
    origin: str,
    options: ReadOptions,
    delimiter: str,
    bad: dict[int, str] | None = None,
) -> Iterator[Article | Reject]:
    """Rows → records; ``bad`` maps line numbers that were not UTF-8 text (filled
    while ``lines`` is read) to the reason, and a row touching one is rejected."""
    _raise_csv_limit()
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    last = 0
    rows = 0
    bad = bad if bad is not None else {}
    try:
        for row in reader:
            start, last = last + 1, reader.line_num
            broken = next((n for n in range(start, last + 1) if n in bad), None)
            if broken is not None:
                where = "" if broken == start else f" (line {broken})"
                if header is None:
                    yield Reject(origin, start, f"{bad[broken]}{where} in the header row")
                    return
                rows += 1
                yield Reject(origin, start, f"{bad[broken]}{where}", _preview(delimiter.join(row)))
                continue
            if not row or all(not cell.strip() for cell in row):
                if header is not None and row:
                    yield Reject(origin, start, "empty: the row has no values", delimiter.join(row))
                    rows += 1
                continue
            if header is None:
                header = [cell.strip().lstrip("\ufeff") for cell in row]
                missing = _missing_columns(header, options)
                if missing:
                    found = ", ".join(repr(h) for h in header) or "none"
                    yield Reject(
                        origin,
                        start,
                        f"missing column {' and '.join(repr(m) for m in missing)}; columns found: "
                        f"{found} (set the field names with --text-field / --date-field)",
                        _preview(delimiter.join(row)),
                    )
                    return
                continue
            rows += 1
            raw = delimiter.join(row)
            if len(row) != len(header):
                yield Reject(
                    origin,
                    start,
                    f"row has {len(row)} fields but the header has {len(header)}",
                    _preview(raw),
                )
                continue
            yield _from_record(dict(zip(header, row, strict=True)), origin, start, raw, options)
    except csv.Error as e:
        yield Reject(origin, last + 1, f"CSV error, rest of the file skipped: {e}")
        return
    except (InputError, UnicodeDecodeError) as e:
        reason = str(e) if isinstance(e, InputError) else f"binary or not UTF-8 text: {e}"
        yield Reject(origin, last + 1, f"{reason}; rest of the file skipped")
        return
    if header is None:
        yield Reject(origin, None, "empty: no header row")
    elif rows == 0:
        yield Reject(origin, None, "empty: no rows after the header")


def _missing_columns(header: list[str], options: ReadOptions) -> list[str]:
    have = {h.casefold() for h in header}
    missing = []
    if options.text_field.casefold() not in have:
        missing.append(options.text_field)
    dates = {options.date_field.casefold(), *_DATE_FALLBACK_FIELDS}
    if options.date is None and not have & dates:
        missing.append(options.date_field)
    return missing


def _csv_lines(chunks: Iterable[bytes], bad: dict[int, str]) -> Iterator[str]:
    """Lines (ending in "\\n") for ``csv.reader``, each decoded on its own.

    A line with NUL bytes or bytes that are not UTF-8 is recorded in ``bad`` (line
    number → reason) and passed on with the bad bytes replaced, so the CSV
    structure holds and only the row containing it is rejected.
    """
    for number, raw in _byte_lines(chunks):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as e:
            bad[number] = (
                f"binary or not UTF-8 text: byte 0x{raw[e.start : e.start + 1].hex()} at "
                f"column {e.start + 1} is not UTF-8"
            )
            text = raw.decode("utf-8", errors="replace")
        if "\x00" in text:
            bad.setdefault(number, "binary or not UTF-8 text: contains NUL bytes")
            text = text.replace("\x00", "\ufffd")
        yield text + "\n"


# ------------------------------------------------------------------------- sources


def _chunks(stream: IO[bytes], head: bytes) -> Iterator[bytes]:
    if head:
        yield head
    while chunk := stream.read(_CHUNK):
        yield chunk


def _kind(name: str) -> tuple[str | None, bool]:
    """(format from the extension or None, gzipped?) for a file name."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    return _EXT_FORMAT.get(Path(lower).suffix), gz


def _sniff(head: bytes) -> str:
    """Format from the first bytes when neither option nor extension says."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    if _is_seed(text):
        return "seed"
    if text.lstrip().startswith("{"):
        return "jsonl"
    return "text"


def _read_stream(
    stream: IO[bytes], origin: str, name: str | None, options: ReadOptions, ext_fmt: str | None
) -> Iterator[Article | Reject]:
    head = stream.read(_SNIFF_BYTES)
    if not head.strip():
        yield Reject(origin, None, "empty: the file has no text")
        return
    fmt = options.fmt or ext_fmt
    if fmt is None:
        fmt = _sniff(head)
    # A line format is judged line by line: one corrupt record must not lose the good
    # records around it. Only a first line that is not text (a UTF-16, compressed or
    # binary file given a .jsonl/.csv name) refuses the whole file.
    per_line = fmt in _LINE_FORMATS
    binary = _binary_reason(head.lstrip().split(b"\n", 1)[0] if per_line else head)
    if binary:
        yield Reject(origin, None, binary, _preview(head))
        return
    chunks = _chunks(stream, head)
    if fmt == "jsonl":
        yield from _read_jsonl(chunks, origin, options)
        return
    if fmt in ("csv", "tsv"):
        bad: dict[int, str] = {}
        lines = _csv_lines(chunks, bad)
        yield from _read_csv(lines, origin, options, "\t" if fmt == "tsv" else ",", bad)
        return
    data = b"".join(chunks)
    binary = None if per_line else _binary_reason(data)
    if binary:
        yield Reject(origin, None, binary, _preview(data))
        return
    if fmt == "json":
        yield from _read_json_document(data, origin, options)
        return
    try:
        text = _decode(data)
    except InputError as e:
        yield Reject(origin, None, str(e), _preview(data))
        return
    if not text.strip():
        yield Reject(origin, None, "empty: the file has no text")
    elif fmt == "seed" or (fmt == "txt" and _is_seed(text)):
        yield from _read_seed(text, origin, options)
    else:
        yield from _read_text(text, origin, name, options)


_LINE_FORMATS = ("jsonl", "json", "csv", "tsv")
_READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)


def _read_path(path: Path, options: ReadOptions) -> Iterator[Article | Reject]:
    origin = str(path)
    ext_fmt, gz = _kind(path.name)
    try:
        with path.open("rb") as raw:
            if not gz and raw.peek(2)[:2] == b"\x1f\x8b":
                gz = True
            stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if gz else raw
            yield from _read_stream(stream, origin, path.name, options, ext_fmt)
    except _READ_ERRORS as e:
        what = "corrupt gzip file" if gz and not isinstance(e, PermissionError) else "cannot read"
        yield Reject(origin, None, f"{what}: {e}")


def _read_stdin(options: ReadOptions) -> Iterator[Article | Reject]:
    buffer = getattr(sys.stdin, "buffer", None)
    data = buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8")
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except _READ_ERRORS as e:
            yield Reject(STDIN_ORIGIN, None, f"corrupt gzip on standard input: {e}")
            return
    yield from _read_stream(io.BytesIO(data), STDIN_ORIGIN, None, options, None)


def _walk(directory: Path) -> Iterator[Path]:
    """Non-hidden files below ``directory``, depth first in sorted order."""
    try:
        entries = sorted(directory.iterdir(), key=lambda p: p.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.is_file():
            yield entry


def read_inputs(
    paths: Iterable[str | Path], options: ReadOptions = ReadOptions()
) -> Iterator[Article | Reject]:
    """Articles and rejects from files, directories (recursive) and ``-`` (stdin).

    Never raises on bad input: every problem becomes a ``Reject`` that names
    the file and, for JSON Lines and CSV, the line.
    """
    for item in paths:
        if str(item) == "-":
            yield from _read_stdin(options)
            continue
        path = Path(item)
        if path.is_dir():
            try:
                listing = list(_walk(path))
            except OSError as e:
                yield Reject(str(path), None, f"cannot list directory: {e}")
                continue
            for file in listing:
                if _kind(file.name)[0] is None:
                    known = ", ".join(sorted(_EXT_FORMAT))
                    yield Reject(
                        str(file),
                        None,
                        f"skipped: not a known input type ({known}, optionally .gz); "
                        "name the file itself to read it",
                    )
                    continue
                yield from _read_path(file, options)
        elif path.is_file():
            yield from _read_path(path, options)
        elif path.exists():
            yield Reject(str(path), None, "not a regular file or directory")
        else:
            yield Reject(str(path), None, f"no such file or directory: {path}")
