"""Input readers: every record comes out as an Article or a Reject, never an exception."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.errors import ConfigError, InputError
from eventwire.ingest import (
    ReadOptions,
    date_from_name,
    normalise_text,
    parse_date,
    read_inputs,
    split_dateline,
)
from eventwire.models import Article, Reject

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_FILE = SHARED / "seed" / "000_8c9f69aaa352faaa.txt"

STORY = (
    "Police fired tear gas at protesters in the capital on Monday.\n\n"
    "The interior ministry said 12 people were arrested."
)


def articles(items: list[Article | Reject]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def rejects(items: list[Article | Reject]) -> list[Reject]:
    return [i for i in items if isinstance(i, Reject)]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# ---------------------------------------------------------------- seed format


def test_seed_format_keeps_paragraphs_and_strips_header(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", f"  date 2021-03-02 {STORY}\r\n\r\n\r\nSubheading\n\nLast one.\n")
    (art,) = list(read_inputs([f]))
    assert isinstance(art, Article)
    assert art.date == dt.date(2021, 3, 2)
    assert art.text == STORY + "\n\nSubheading\n\nLast one."
    assert art.origin == f"{f}:1"
    assert art.id == Article.make_id(art.text)
    assert art.dateline is None


def test_seed_format_strips_dateline_and_offsets_are_into_the_rest(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "date 2021-03-02 SEOUL (Reuters) - North Korea fired a missile.")
    (art,) = list(read_inputs([f]))
    assert isinstance(art, Article)
    assert art.dateline == "SEOUL (Reuters)"
    assert art.text == "North Korea fired a missile."
    assert art.text[art.text.index("missile") :].startswith("missile")


def test_seed_header_with_impossible_date_is_rejected(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "date 2021-02-30 Text follows here.")
    (rej,) = list(read_inputs([f]))
    assert isinstance(rej, Reject)
    assert "not a calendar date" in rej.reason
    assert rej.origin == str(f)


def test_seed_header_without_text_is_empty(tmp_path: Path) -> None:
    (rej,) = list(read_inputs([write(tmp_path / "a.txt", "date 2021-02-03   \n\n ")]))
    assert isinstance(rej, Reject) and rej.reason.startswith("empty")


def test_forced_seed_format_without_header_is_rejected(tmp_path: Path) -> None:
    f = write(tmp_path / "a.md", STORY)
    (rej,) = list(read_inputs([f], ReadOptions(fmt="seed")))
    assert isinstance(rej, Reject) and "date YYYY-MM-DD" in rej.reason


def test_shared_seed_article() -> None:
    if not SEED_FILE.exists():
        pytest.skip("shared seed data absent")
    (art,) = list(read_inputs([SEED_FILE]))
    assert isinstance(art, Article)
    assert art.date == dt.date(2020, 7, 8)
    assert art.text.startswith("US envoy Stephen E. Biegun played down")
    assert art.dateline is None
    assert "\n\nLee's visit to Washington\n\n" in art.text
    assert "\n\n\n" not in art.text


def test_bundled_examples_are_all_seed_articles() -> None:
    for folder in (REPO / "examples", REPO / "src" / "eventwire" / "examples"):
        items = list(read_inputs([folder]))
        assert len(items) == 15, folder
        assert not rejects(items), rejects(items)
        for art in articles(items):
            words = len(art.text.split())
            assert 80 <= words <= 200, (art.origin, words)
    same = [p.name for p in sorted((REPO / "examples").glob("*.txt"))]
    assert same == [p.name for p in sorted((REPO / "src/eventwire/examples").glob("*.txt"))]
    for name in same:
        assert (REPO / "examples" / name).read_bytes() == (
            REPO / "src/eventwire/examples" / name
        ).read_bytes()


# ----------------------------------------------------------------- plain text


def test_plain_text_date_from_options_then_file_name(tmp_path: Path) -> None:
    a = write(tmp_path / "2020-07-08_story.txt", STORY)
    b = write(tmp_path / "20190102-other.txt", "Another story about talks.")
    c = write(tmp_path / "undated.txt", "No date anywhere in this one.")
    got = list(read_inputs([a, b, c]))
    assert [type(i) for i in got] == [Article, Article, Reject]
    assert got[0].date == dt.date(2020, 7, 8)
    assert got[1].date == dt.date(2019, 1, 2)
    assert "pass --date YYYY-MM-DD" in got[2].reason
    forced = list(read_inputs([a, c], ReadOptions(date=dt.date(2001, 5, 6))))
    assert [i.date for i in articles(forced)] == [dt.date(2001, 5, 6)] * 2


def test_date_from_name_ignores_impossible_dates() -> None:
    assert date_from_name("report_2020-13-45.txt") is None
    assert date_from_name("id_123456789.txt") is None
    assert date_from_name("x-2021-01-31.txt.gz") == dt.date(2021, 1, 31)


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_fields_fallback_date_and_line_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 42, "text": STORY, "published": "2025-03-14 20:30:26Z", "title": "T"}),
        "",
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"text": "   ", "date": "2020-01-01"}),
        json.dumps({"text": 5, "date": "2020-01-01"}),
        json.dumps({"text": "Fine text.", "date": "July 8"}),
        json.dumps({"text": "Fine text.", "date": "1850-01-01"}),
        json.dumps({"text": "Fine text.", "date": "2020-01-01", "url": ["x"]}),
        json.dumps(
            {
                "Text": "WASHINGTON — Talks began.",
                "Date": "20200708",
                "url": "http://x",
                "source": "S",
            }
        ),
    ]
    f = write(tmp_path / "in.jsonl", "\n".join(lines) + "\n")
    got = list(read_inputs([f]))
    assert len(got) == 9  # the blank line 2 is not a record
    good = articles(got)
    assert [a.origin for a in good] == [f"{f}:1", f"{f}:10"]
    assert good[0].id == "42" and good[0].title == "T" and good[0].date == dt.date(2025, 3, 14)
    assert good[1].dateline == "WASHINGTON" and good[1].text == "Talks began."
    assert (good[1].url, good[1].source, good[1].id) == (
        "http://x",
        "S",
        Article.make_id("Talks began."),
    )
    bad = {r.line: r.reason for r in rejects(got)}
    assert sorted(bad) == [3, 4, 5, 6, 7, 8, 9]
    assert bad[3].startswith("invalid JSON")
    assert "not a JSON object" in bad[4]
    assert bad[5].startswith("empty")
    assert "must be a string" in bad[6]
    assert "unparseable date" in bad[7]
    assert "outside 1900..2100" in bad[8]
    assert "'url' must be a string" in bad[9]
    assert all(r.origin == str(f) and r.record for r in rejects(got))


def test_jsonl_bad_date_falls_back_to_option(tmp_path: Path) -> None:
    f = write(tmp_path / "in.ndjson", json.dumps({"text": "Talks.", "date": "soon"}))
    (art,) = list(read_inputs([f], ReadOptions(date=dt.date(2022, 2, 2))))
    assert isinstance(art, Article) and art.date == dt.date(2022, 2, 2)


def test_custom_field_names(tmp_path: Path) -> None:
    rec = {"doc": "d1", "body": "Troops moved.", "when": "2022-02-02", "headline": "H"}
    f = write(tmp_path / "in.jsonl", json.dumps(rec))
    opts = ReadOptions(id_field="doc", text_field="body", date_field="when", title_field="headline")
    (art,) = list(read_inputs([f], opts))
    assert isinstance(art, Article)
    assert (art.id, art.text, art.date, art.title) == (
        "d1",
        "Troops moved.",
        dt.date(2022, 2, 2),
        "H",
    )


def test_json_array_document(tmp_path: Path) -> None:
    doc = [{"text": "One.", "date": "2020-01-01"}, "junk", {"text": "Two.", "date": "2020-01-02"}]
    f = write(tmp_path / "in.json", json.dumps(doc, indent=2))
    got = list(read_inputs([f]))
    assert [type(i) for i in got] == [Article, Reject, Article]
    assert got[1].line == 2


def test_shared_voa_corpus_reads_completely() -> None:
    corpus = SHARED / "corpus" / "voa_stories.jsonl"
    if not corpus.exists():
        pytest.skip("shared corpus absent")
    got = list(read_inputs([corpus]))
    assert len(got) == 89 and not rejects(got)
    first = got[0]
    assert isinstance(first, Article)
    assert first.id == "8011115" and first.date == dt.date(2025, 3, 14)
    assert first.url and first.title


# ----------------------------------------------------------------------- CSV


def test_csv_rows_and_line_numbers(tmp_path: Path) -> None:
    long_text = "Word " * 50_000 + "end."
    rows = (
        "ID,Title,Text,Date\n"
        f'a1,First,"{STORY}",2020-01-02\n'
        "a2,Second,,2020-01-03\n"
        "a3,Third,Text here.,not a date\n"
        "a4,too,many,fields,here\n"
        f"a5,Long,{long_text},2020-01-04T05:00:00Z\n"
    )
    f = write(tmp_path / "in.csv", rows)
    got = list(read_inputs([f]))
    good = articles(got)
    assert [a.id for a in good] == ["a1", "a5"]
    assert good[0].text == STORY and good[0].origin == f"{f}:2"
    assert good[1].origin == f"{f}:8"  # the quoted STORY spans lines 2-4
    assert good[1].text.endswith("end.") and len(good[1].text) > 250_000
    bad = {r.line: r.reason for r in rejects(got)}
    assert sorted(bad) == [5, 6, 7]
    assert bad[5].startswith("empty")
    assert "unparseable date" in bad[6]
    assert "5 fields but the header has 4" in bad[7]


def test_csv_reject_lines(tmp_path: Path) -> None:
    rows = "id,text,date\n1,Ok.,2020-01-01\n2,,2020-01-01\n3,Bad date.,x\n4,a,b,c\n"
    f = write(tmp_path / "in.csv", rows)
    got = list(read_inputs([f]))
    assert [a.id for a in articles(got)] == ["1"]
    bad = {r.line: r.reason for r in rejects(got)}
    assert sorted(bad) == [3, 4, 5]
    assert bad[3].startswith("empty")
    assert "unparseable date" in bad[4]
    assert "4 fields but the header has 3" in bad[5]


def test_csv_missing_column_is_one_reject(tmp_path: Path) -> None:
    f = write(tmp_path / "in.csv", "id,body,date\n1,Text.,2020-01-01\n2,More.,2020-01-02\n")
    (rej,) = list(read_inputs([f]))
    assert isinstance(rej, Reject)
    assert "missing column 'text'" in rej.reason and "'body'" in rej.reason and rej.line == 1


def test_csv_date_column_optional_with_date_option(tmp_path: Path) -> None:
    f = write(tmp_path / "in.csv", "text\nSome text.\n")
    assert "missing column 'date'" in list(read_inputs([f]))[0].reason
    (art,) = list(read_inputs([f], ReadOptions(date=dt.date(2020, 5, 5))))
    assert isinstance(art, Article) and art.date == dt.date(2020, 5, 5)


def test_tsv(tmp_path: Path) -> None:
    f = write(tmp_path / "in.tsv", "text\tpublication_date\nA, with commas.\t2020-01-01\n")
    (art,) = list(read_inputs([f]))
    assert isinstance(art, Article) and art.text == "A, with commas."


def test_csv_header_only_is_reported(tmp_path: Path) -> None:
    (rej,) = list(read_inputs([write(tmp_path / "in.csv", "id,text,date\n")]))
    assert isinstance(rej, Reject) and "no rows" in rej.reason


# ------------------------------------------------- gzip, directories, stdin


def test_gzip_of_each_format(tmp_path: Path) -> None:
    rec = json.dumps({"text": "Gzipped JSON.", "date": "2020-01-01"})
    write(tmp_path / "a.jsonl.gz", gzip.compress(rec.encode()))
    write(tmp_path / "b.csv.gz", gzip.compress(b"text,date\nGzipped CSV.,2020-01-01\n"))
    write(tmp_path / "c.txt.gz", gzip.compress(b"date 2020-01-01 Gzipped seed."))
    write(tmp_path / "d.jsonl.gz", b"\x1f\x8b\x08\x00 not really gzip")
    got = list(read_inputs([tmp_path]))
    assert [a.text for a in articles(got)] == ["Gzipped JSON.", "Gzipped CSV.", "Gzipped seed."]
    (rej,) = rejects(got)
    assert rej.origin.endswith("d.jsonl.gz") and "gzip" in rej.reason


def test_directory_mixed_good_and_bad(tmp_path: Path) -> None:
    good = json.dumps({"id": "g", "text": "Good record.", "date": "2020-01-01"})
    write(tmp_path / "b" / "feed.jsonl", f"{good}\n{{broken\n{good.replace('g', 'h', 1)}\n")
    write(tmp_path / "a" / "picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path / "a" / "latin1.txt", "date 2020-01-01 Caf\xe9 story.".encode("latin-1"))
    write(tmp_path / "a" / "empty.txt", "")
    write(tmp_path / "a" / "blank.jsonl", "\n  \n")
    write(tmp_path / "c" / "deep" / "s.txt", "date 2020-02-02 Deep seed story.")
    write(tmp_path / ".hidden" / "x.txt", "date 2020-02-02 Hidden.")
    write(tmp_path / ".dot.txt", "date 2020-02-02 Hidden.")
    write(tmp_path / "notes.md", "not an input")
    got = list(read_inputs([tmp_path]))
    origins = [Path(i.origin.split(":")[0]).name for i in got]
    assert origins == [
        "blank.jsonl",
        "empty.txt",
        "latin1.txt",
        "picture.txt",
        "feed.jsonl",
        "feed.jsonl",
        "feed.jsonl",
        "s.txt",
        "notes.md",
    ]
    assert [a.id for a in articles(got)] == ["g", "h", Article.make_id("Deep seed story.")]
    reasons = {Path(r.origin).name: r for r in rejects(got)}
    assert reasons["blank.jsonl"].reason.startswith("empty")
    assert reasons["empty.txt"].reason.startswith("empty")
    assert reasons["latin1.txt"].reason.startswith("binary or not UTF-8 text")
    assert "0xe9" in reasons["latin1.txt"].reason
    assert reasons["picture.txt"].reason.startswith("binary or not UTF-8 text")
    assert reasons["feed.jsonl"].line == 2 and "invalid JSON" in reasons["feed.jsonl"].reason
    assert reasons["notes.md"].reason.startswith("skipped")


def test_missing_path_is_a_reject(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    (rej,) = list(read_inputs([missing]))
    assert isinstance(rej, Reject) and str(missing) in rej.reason and rej.origin == str(missing)


def test_explicit_file_with_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    f = write(tmp_path / "feed.log", json.dumps({"text": "From a log.", "date": "2020-01-01"}))
    (art,) = list(read_inputs([f]))
    assert isinstance(art, Article) and art.text == "From a log."


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_seed_jsonl_and_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"date 2020-07-08 From standard input.")
    (art,) = list(read_inputs(["-"]))
    assert isinstance(art, Article) and art.origin == "<stdin>:1"
    assert art.date == dt.date(2020, 7, 8)

    lines = b'{"text": "One.", "date": "2020-01-01"}\n{"text": "Two."}\n'
    _stdin(monkeypatch, gzip.compress(lines))
    got = list(read_inputs(["-"]))
    assert [type(i) for i in got] == [Article, Reject]
    assert got[1].line == 2 and got[1].origin == "<stdin>"

    _stdin(monkeypatch, STORY.encode())
    assert "pass --date" in list(read_inputs(["-"]))[0].reason
    _stdin(monkeypatch, STORY.encode())
    (art,) = list(read_inputs(["-"], ReadOptions(date=dt.date(2020, 1, 1))))
    assert isinstance(art, Article) and art.text == STORY

    _stdin(monkeypatch, b"text,date\nVia CSV.,2020-01-01\n")
    (art,) = list(read_inputs(["-"], ReadOptions(fmt="csv")))
    assert isinstance(art, Article) and art.text == "Via CSV."


def test_unknown_format_option_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown input format"):
        ReadOptions(fmt="xml")


# ------------------------------------------------------------ ids and dates


def test_ids_are_stable_and_whitespace_insensitive(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "date 2020-01-01 Troops   moved\n\nto the border.")
    b = write(tmp_path / "b.txt", "date 2020-01-01 Troops moved\n\n\n\nto the border.\n")
    first, second = articles(list(read_inputs([a, b])))
    assert first.id == second.id == Article.make_id("Troops moved to the border.")
    assert first.id == articles(list(read_inputs([a])))[0].id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-07-08", dt.date(2020, 7, 8)),
        ("20200708", dt.date(2020, 7, 8)),
        ("2025-03-14 20:30:26Z", dt.date(2025, 3, 14)),
        ("2020-07-08T10:00:00+09:00", dt.date(2020, 7, 8)),
        ("2020-07-08T23:59:59.123-05:00", dt.date(2020, 7, 8)),
    ],
)
def test_parse_date_accepts_iso(value: str, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("July 8, 2020", "unparseable"),
        ("2020-0708", "unparseable"),
        ("2020-02-30", "not a calendar date"),
        ("1899-12-31", "outside 1900..2100"),
        ("2101-01-01", "outside 1900..2100"),
        ("", "unparseable"),
    ],
)
def test_parse_date_rejects(value: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_date(value)


# ---------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("text", "dateline", "rest"),
    [
        ("SEOUL (Reuters) - North Korea fired", "SEOUL (Reuters)", "North Korea fired"),
        ("WASHINGTON — The president said", "WASHINGTON", "The president said"),
        (
            "BEIRUT, Lebanon (AP) — Israeli jets struck",
            "BEIRUT, Lebanon (AP)",
            "Israeli jets struck",
        ),
        (
            "KYIV, Ukraine, March 3 (Reuters) - Russia launched",
            "KYIV, Ukraine, March 3 (Reuters)",
            "Russia launched",
        ),
        ("UNITED NATIONS (AP) — The council met", "UNITED NATIONS (AP)", "The council met"),
        (
            "Seoul, July 8 (Yonhap) -- South Korea said",
            "Seoul, July 8 (Yonhap)",
            "South Korea said",
        ),
        ("ISLAMABAD/PENTAGON — A plane landed", "ISLAMABAD/PENTAGON", "A plane landed"),
        ("NEW DELHI: India said", "NEW DELHI", "India said"),
        ("(CNN) — A strike hit", "(CNN)", "A strike hit"),
        (
            "ST. PETERSBURG, Russia — “We will win,” he said",
            "ST. PETERSBURG, Russia",
            "“We will win,” he said",
        ),
    ],
)
def test_split_dateline_strips(text: str, dateline: str, rest: str) -> None:
    assert split_dateline(text) == (dateline, rest)


@pytest.mark.parametrize(
    "text",
    [
        "US envoy Stephen E. Biegun played down expectations for new meetings.",
        "U.S. Secretary of State said Monday the talks would go on.",
        "US—China talks resumed on Monday.",
        "The talks - which began on Monday - ended without a deal.",
        "Kim Jong Un — the leader — said nothing.",
        "BREAKING: Troops crossed the border.",
        "Paris - the French capital - hosted the summit.",
        "NATO said on Monday it would send more jets.",
        "Israel's army said two rockets were fired.",
        "WASHINGTON — ",
        "",
    ],
)
def test_split_dateline_keeps_ordinary_sentences(text: str) -> None:
    assert split_dateline(text) == (None, text)


def test_normalise_text() -> None:
    assert normalise_text("  a\r\nb\r\n \t\r\n\r\nc  \n\n\n") == "a\nb\n\nc"


# ---------------------------------------------------------------- properties


def _expected_jsonl_lines(data: bytes) -> set[int]:
    expected = set()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.removesuffix(b"\r")
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            expected.add(number)
            continue
        if b"\x00" in raw or text.strip():
            expected.add(number)
    return expected


json_ish = st.lists(
    st.one_of(
        st.binary(max_size=60),
        # bytes without control characters: undecodable or odd lines, not a binary file
        st.binary(max_size=60).map(lambda b: bytes(c | 0x20 if c < 0x20 else c for c in b)),
        st.sampled_from([b"", b"  ", b"\r", b"{}", b"[]", b'{"text": "x", "date": 5}']),
        st.builds(
            lambda t, d: json.dumps({"text": t, "date": d}).encode(),
            st.text(max_size=40),
            st.sampled_from(["2020-01-01", "bad", "20991231", ""]),
        ),
    ),
    max_size=12,
).map(lambda parts: b"\n".join(parts))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=json_ish)
def test_jsonl_every_line_accounted_for(tmp_path: Path, data: bytes) -> None:
    f = write(tmp_path / "fuzz.jsonl", data)
    got = list(read_inputs([f]))
    whole_file = [r for r in rejects(got) if r.line is None]
    if whole_file:
        assert len(got) == 1
        return
    seen = [int(a.origin.rsplit(":", 1)[1]) for a in articles(got)] + [r.line for r in rejects(got)]
    assert sorted(seen) == sorted(_expected_jsonl_lines(data))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=300), ext=st.sampled_from(["jsonl", "csv", "tsv", "txt", "json", "gz"])
)
def test_random_bytes_never_raise(tmp_path: Path, data: bytes, ext: str) -> None:
    f = write(tmp_path / f"fuzz.{ext}", data)
    got = list(read_inputs([f]))
    assert got, "every file yields at least one Article or Reject"
    assert all(isinstance(i, Article | Reject) for i in got)
    for art in articles(got):
        assert art.text.strip() == art.text and art.text


def test_control_character_noise_is_binary(tmp_path: Path) -> None:
    noise = bytes(range(1, 32)) * 20 + b"date"
    (rej,) = list(
        read_inputs([write(tmp_path / "n.txt", noise)], ReadOptions(date=dt.date(2020, 1, 1)))
    )
    assert isinstance(rej, Reject) and "control characters" in rej.reason
    tabs = "date 2020-01-01 Column\tseparated\ttext\fwith a form feed."
    (art,) = list(read_inputs([write(tmp_path / "t.txt", tabs)]))
    assert isinstance(art, Article)
