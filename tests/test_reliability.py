"""Reliability (issue 11, docs/reliability.md): bad input never stops a run, a killed
run loses and duplicates nothing, two processes on one database fail clearly, and
``eventwire check`` finds broken references.

Fast tests use real readers and real DuckDB files; tests marked slow parse with the
real model, in this process (fuzzing the pipeline) or in ``python -m eventwire``
subprocesses that are killed with SIGKILL at several points.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.check import check_database
from eventwire.cli import main
from eventwire.errors import StoreError
from eventwire.ingest import read_inputs
from eventwire.models import Actor, Article, Event, EventDate, Reject
from eventwire.store import MIGRATIONS, SCHEMA_VERSION, Database

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
EXAMPLES = REPO / "examples"
VOA = REPO.parent / "shared" / "corpus" / "voa_stories.jsonl"
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _articles(records: list) -> list[Article]:
    return [r for r in records if isinstance(r, Article)]


def _rejects(records: list) -> list[Reject]:
    return [r for r in records if isinstance(r, Reject)]


def _good(i: int, text: str | None = None) -> dict:
    return {
        "id": f"good-{i}",
        "date": "2021-03-03",
        "title": f"Story {i}",
        "text": text or f"Story number {i}. The ministers of Chile and Peru met in Lima.",
    }


# ------------------------------------------------------- bad input: readers (no model)

# Lines that must each be rejected on their own, whatever surrounds them.
BAD_LINES: dict[str, bytes] = {
    "random bytes": bytes(c for c in range(1, 32) if c != 10) + b"\xff\xfe garbage \x80\x81",
    "latin-1 text": json.dumps({"id": "l1", "date": "2021-03-03", "text": "Caf\u00e9"})
    .encode("utf-8")
    .replace(b"\\u00e9", "\u00e9".encode("latin-1")),
    "NUL bytes": b'{"id": "n1", "date": "2021-03-03", "text": "a\x00b"}',
    "truncated JSON": b'{"id": "t1", "date": "2021-03-03", "text": "cut',
    "not an object": b'["a list", "of strings"]',
    "number": b"42",
    "text is a number": b'{"id": "w1", "date": "2021-03-03", "text": 5}',
    "text is a list": b'{"id": "w2", "date": "2021-03-03", "text": ["a", "b"]}',
    "text is null": b'{"id": "w3", "date": "2021-03-03", "text": null}',
    "id is an object": b'{"id": {"x": 1}, "date": "2021-03-03", "text": "Fine text."}',
    "date is a list": b'{"id": "w4", "date": [2021, 3, 3], "text": "Fine text."}',
    "date is true": b'{"id": "w5", "date": true, "text": "Fine text."}',
    "far past": b'{"id": "d1", "date": "0001-01-01", "text": "Fine text."}',
    "far future": b'{"id": "d2", "date": "9999-12-31", "text": "Fine text."}',
    "impossible date": b'{"id": "d3", "date": "2021-02-30", "text": "Fine text."}',
    "malformed date": b'{"id": "d4", "date": "yesterday-ish", "text": "Fine text."}',
    "empty text": b'{"id": "e1", "date": "2021-03-03", "text": ""}',
    "whitespace text": b'{"id": "e2", "date": "2021-03-03", "text": " \\n\\t \\u3000 "}',
    "lone surrogate": b'{"id": "s1", "date": "2021-03-03", "text": "bad \\ud800 text"}',
    "deeply nested": b"[" * 50_000 + b"]" * 50_000,
    "nested object": b'{"text": ' * 3_000 + b'"x"' + b"}" * 3_000,
    "huge garbage line": b"{" + b"x" * 3_000_000,
}


@FUZZ
@given(
    plan=st.lists(
        st.one_of(st.integers(0, 10_000), st.sampled_from(sorted(BAD_LINES))), max_size=25
    ),
    blank=st.sampled_from([b"", b"  ", b"\r"]),
)
def test_jsonl_bad_lines_never_cost_a_good_record(tmp_path: Path, plan: list, blank: bytes) -> None:
    """Every bad line is one Reject at its own line; every good record is read intact."""
    lines = [json.dumps(_good(0)).encode()]  # a first line that is text (see docs/input.md)
    expected: dict[int, str | None] = {1: "good-0"}
    for item in plan:
        lines.append(json.dumps(_good(item)).encode() if isinstance(item, int) else BAD_LINES[item])
        expected[len(lines)] = f"good-{item}" if isinstance(item, int) else None
        lines.append(blank)  # blank lines are not records
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines))
    got = list(read_inputs([path]))
    assert all(r.line is not None for r in _rejects(got)), "no whole-file reject"
    by_line = {
        (r.line if isinstance(r, Reject) else int(r.origin.rsplit(":", 1)[1])): r for r in got
    }
    assert len(by_line) == len(got) == len(expected)
    for line, good_id in expected.items():
        record = by_line[line]
        if good_id is None:
            assert isinstance(record, Reject) and record.reason, (line, record)
        else:
            assert isinstance(record, Article) and record.id == good_id
            assert record.text == _good(int(good_id.split("-")[1]))["text"]


BAD_ROWS: dict[str, bytes] = {
    "too many fields": b"x1,2021-03-03,Some text,extra,fields",
    "too few fields": b"x2,2021-03-03",
    "latin-1 bytes": "x3,2021-03-03,Caf\u00e9 au lait".encode("latin-1"),
    "NUL byte": b"x4,2021-03-03,nul\x00here",
    "bad date": b"x5,2021-13-45,Some text",
    "far future": b"x6,3021-01-01,Some text",
    "blank text": b"x7,2021-03-03,   ",
    "unbalanced quote": b'x8,2021-03-03,"never closed',
}


@FUZZ
@given(
    plan=st.lists(
        st.one_of(
            st.integers(0, 999), st.sampled_from(sorted(set(BAD_ROWS) - {"unbalanced quote"}))
        ),
        max_size=20,
    ),
    multiline=st.booleans(),
)
def test_csv_bad_rows_never_cost_a_good_row(tmp_path: Path, plan: list, multiline: bool) -> None:
    """Wrong field counts, undecodable bytes and NULs reject their row, not the file."""
    rows = [b"id,date,text"]
    expected: dict[int, str | None] = {}
    for item in plan:
        start = len(b"\n".join(rows).split(b"\n")) + 1
        if isinstance(item, int):
            body = f'"Row {item} says:\nthe ministers met."' if multiline else f"Row {item}."
            rows.append(f"r{item},2021-03-03,{body}".encode())
            expected[start] = f"r{item}"
        else:
            rows.append(BAD_ROWS[item])
            expected[start] = None
    path = tmp_path / "rows.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    got = list(read_inputs([path]))
    if not plan:
        assert [r.reason for r in _rejects(got)] == ["empty: no rows after the header"]
        return
    by_line = {
        (r.line if isinstance(r, Reject) else int(r.origin.rsplit(":", 1)[1])): r for r in got
    }
    assert len(by_line) == len(got) == len(expected), got
    for line, good_id in expected.items():
        record = by_line[line]
        if good_id is None:
            assert isinstance(record, Reject) and record.reason
        else:
            assert isinstance(record, Article) and record.id == good_id


def test_first_line_decides_whether_a_line_file_is_binary(tmp_path: Path) -> None:
    """A .jsonl that is really UTF-16 (or binary) is one reject, not thousands."""
    good = json.dumps(_good(1)) + "\n"
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes((good * 50).encode("utf-16"))
    (reject,) = list(read_inputs([utf16]))
    assert reject.line is None and "NUL" in reject.reason
    later = tmp_path / "later.jsonl"
    later.write_bytes(good.encode() + b"\x00\x01\x02" * 400 + b"\n" + good.encode())
    got = list(read_inputs([later]))
    assert [type(r).__name__ for r in got] == ["Article", "Reject", "Article"]


def test_ten_megabyte_lines_are_read_or_rejected(tmp_path: Path) -> None:
    """A 10 MB record is read whole; a 10 MB broken line is one reject; neighbours survive."""
    big_text = ("The minister spoke. " * 500_000).strip()
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps(_good(1)) + "\n")
        f.write(json.dumps(_good(2, big_text)) + "\n")
        f.write('{"id": "broken", "text": "' + "y" * 10_000_000 + "\n")
        f.write(json.dumps(_good(3)) + "\n")
    got = list(read_inputs([path]))
    assert [a.id for a in _articles(got)] == ["good-1", "good-2", "good-3"]
    assert len(_articles(got)[1].text) == len(big_text) >= 10_000_000 - 1
    (reject,) = _rejects(got)
    assert reject.line == 3 and "invalid JSON" in reject.reason and len(reject.record) <= 200
    csv_path = tmp_path / "big.csv"
    csv_path.write_text(f'id,date,text\nb1,2021-03-03,"{big_text}"\nb2,2021-03-03,Small.\n')
    assert [a.id for a in _articles(list(read_inputs([csv_path])))] == ["b1", "b2"]


# ---------------------------------------------------- schema: upgrade with a backup


def _text_article(i: int, source: str = "Wire") -> tuple[Article, list[Event]]:
    """An article whose one event's offsets slice its text (as the pipeline's do)."""
    text = f"Report {i}. The United States criticised Iran on Monday.\n\nIran denied it."
    sentence = "The United States criticised Iran on Monday."
    start = text.index(sentence)
    trigger = start + sentence.index("criticised")
    article = Article(f"a{i}", text, dt.date(2020, 6, 15), source=source)
    usa = Actor("The United States", "USA", "USA", None, None)
    irn = Actor("Iran", "IRN", "IRN", None, None)
    event = Event(
        doc_id=article.id,
        sentence_index=1,
        sentence=sentence,
        char_start=start,
        char_end=start + len(sentence),
        source=usa,
        target=irn,
        cameo="111",
        cameo_label="Criticize or denounce",
        plover="ACCUSE",
        plover_mode=None,
        quad_class=3,
        goldstein=-2.0,
        date=EventDate("2020-06-15", "day", "on Monday"),
        location=None,
        confidence=0.8,
        coder_version="test",
        trigger="criticised",
        trigger_start=trigger,
        trigger_end=trigger + len("criticised"),
    )
    return article, [event]


def _small_db(path: Path, n: int = 4) -> Path:
    with Database(path) as db:
        pairs = [_text_article(i, source=f"Wire {i % 2}") for i in range(n)]
        db.write_batch([a for a, _ in pairs], [e for _, evs in pairs for e in evs])
        assert check_database(db).ok
    return path


def _v1_database(path: Path, source: Path) -> None:
    """A version-1 file built with the version-1 DDL, holding ``source``'s rows."""
    con = duckdb.connect(str(path))
    for step in MIGRATIONS[1]:
        con.sql(step)
    con.sql("INSERT INTO meta VALUES ('schema_version', '1'), ('created_at', '2020-01-01')")
    con.sql(f"ATTACH '{source}' AS cur (READ_ONLY)")
    for table in ("articles", "events", "rejects", "runs"):
        cols = ", ".join(
            c for (c,) in con.sql(f"SELECT name FROM pragma_table_info('{table}')").fetchall()
        )
        con.sql(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM cur.{table}")
    con.close()


def test_old_schema_is_backed_up_then_migrated(tmp_path: Path) -> None:
    current = _small_db(tmp_path / "current.duckdb")
    old = tmp_path / "old.duckdb"
    _v1_database(old, current)
    with pytest.raises(StoreError, match="old schema version 1"):
        Database(old, read_only=True)  # a reader never changes the file
    assert not list(tmp_path.glob("old.duckdb.bak*"))
    with Database(old) as db:
        assert db.backup_path == tmp_path / "old.duckdb.bak-v1"
        assert db.schema_version() == SCHEMA_VERSION
        report = check_database(db)
        assert report.ok, report.problems
        assert report.counts["events"] == 4 and report.counts["clusters"] >= 1
    backup = duckdb.connect(str(tmp_path / "old.duckdb.bak-v1"), read_only=True)
    assert backup.sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [("1",)]
    assert backup.sql("SELECT count(*) FROM events").fetchall() == [(4,)]
    assert "clusters" not in {t for (t,) in backup.sql("SHOW TABLES").fetchall()}
    backup.close()
    with Database(old) as db:  # already current: no second backup
        assert db.backup_path is None
    again = tmp_path / "again.duckdb"
    _v1_database(again, current)
    (tmp_path / "again.duckdb.bak-v1").write_bytes(b"an older backup")
    with Database(again) as db:
        assert db.backup_path == tmp_path / "again.duckdb.bak-v1.1"
    assert (tmp_path / "again.duckdb.bak-v1").read_bytes() == b"an older backup"


# -------------------------------------------------------------- eventwire check


def test_check_passes_a_sound_database_and_prints_counts(tmp_path: Path) -> None:
    path = _small_db(tmp_path / "ok.duckdb")
    result = CliRunner().invoke(main, ["check", "--db", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "schema version" in result.output and "4 articles" in result.output
    result = CliRunner().invoke(main, ["check", "--db", str(path), "--json"])
    report = json.loads(result.output)
    assert report["ok"] and report["counts"]["events"] == 4 and not report["problems"]


BREAKAGES = {
    "events.article": "DELETE FROM articles WHERE id = 'a1'",
    "events.offsets": "UPDATE articles SET text = 'Rewritten. ' || text WHERE id = 'a2'",
    "events.cluster": "UPDATE events SET cluster_id = NULL WHERE doc_id = 'a0'",
    "clusters.mentions": (
        "INSERT INTO clusters SELECT * REPLACE ('orphan-cluster' AS cluster_id) FROM clusters LIMIT 1"
    ),
    "clusters.counts": "UPDATE clusters SET num_mentions = num_mentions + 1",
    "clusters.block": "UPDATE events SET cameo_root = '04', cameo = '040' WHERE doc_id = 'a3'",
    "duplicates.articles": (
        "INSERT INTO article_duplicates VALUES ('a0', 'gone', 'exact', 1.0, now()::TIMESTAMP)"
    ),
    "events.dates": "UPDATE events SET date_start = date_end + 1 WHERE doc_id = 'a0'",
    "schema.columns": "ALTER TABLE clusters DROP COLUMN num_sources",
}


@pytest.mark.parametrize("check", sorted(BREAKAGES))
def test_check_finds_each_kind_of_damage(tmp_path: Path, check: str) -> None:
    path = _small_db(tmp_path / "broken.duckdb")
    con = duckdb.connect(str(path))
    con.sql(BREAKAGES[check])
    con.close()
    with Database(path, read_only=True) as db:
        report = check_database(db)
    # a mention that loses its article or cluster also leaves its cluster's counts wrong
    found = {p.check for p in report.problems}
    assert check in found and found <= {check, "clusters.counts", "clusters.mentions"}, found
    problem = next(p for p in report.problems if p.check == check)
    assert problem.count >= 1 and problem.message and problem.examples
    result = CliRunner().invoke(main, ["check", "--db", str(path)], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert check in result.output


# ----------------------------------------------------------- the pipeline (model)

STRANGE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.text(st.sampled_from("0123456789 .,-/:%"), min_size=1, max_size=300),
    st.text(st.sampled_from(".!?;:-—()[]\"'«»…"), min_size=1, max_size=200),
    st.sampled_from(
        [
            "x" * 20_000,
            "\u200b\u200d\ufeff" * 200,
            "مرحبا بالعالم. הצבא תקף את העיר.",
            "🚀🔥 " * 300,
            "A\u0301" * 500,
            "\n" * 500 + "The army attacked the town.",
            "In the year 99999 the army attacked the town.",
            "In 10000 BC the army attacked the town.",
            "On 31 February 2021 the army attacked the town.",
            "On 0000-00-00 the president met the prime minister.",
            "The president met the prime minister 3000 years ago.",
            "The president will meet the prime minister in the year 9999.",
            "The president met the prime minister on 1/1/1.",
            "Mr. " * 2_000 + "met the minister.",
        ]
    ),
)


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(
    texts=st.lists(STRANGE, min_size=1, max_size=4),
    day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
)
def test_pipeline_codes_and_stores_any_text(pipeline, texts: list[str], day: dt.date) -> None:
    """Whatever the text, coding neither raises nor gives an event that cannot be stored."""
    articles = [Article(f"s{i}", t, day) for i, t in enumerate(texts) if t.strip()] + [
        Article("anchor", "The army attacked the town of Homs on Monday.", day)
    ]
    coded = list(pipeline.extract(articles))
    assert [a.id for a, _ in coded] == [a.id for a in articles]
    events = [e for _, evs in coded for e in evs]
    for article, evs in coded:
        for e in evs:
            assert article.text[e.char_start : e.char_end] == e.sentence
            first, last = e.date.bounds()
            assert first <= last
    with Database(":memory:") as db:
        db.write_batch(articles, events)
        assert check_database(db).ok


@pytest.mark.slow
def test_spacy_max_length_never_stops_a_run(pipeline) -> None:
    """Chunks are cut to the model's max_length even when max_chunk_chars is larger."""
    from eventwire.config import Settings
    from eventwire.pipeline import Pipeline

    paragraph = "The army attacked the town of Homs on Monday. The minister condemned it."
    text = "\n\n".join([paragraph] * 120)
    nlp = pipeline.nlp
    saved = nlp.max_length
    nlp.max_length = 2_000
    try:
        coder = Pipeline(Settings(max_chunk_chars=1_000_000))
        (events,) = coder.extract_batch([Article("long", text, dt.date(2021, 3, 3))])
    finally:
        nlp.max_length = saved
    assert len({e.char_start // (len(paragraph) + 2) for e in events}) == 120
    assert all(text[e.char_start : e.char_end] == e.sentence for e in events)


# ------------------------------------------------- a messy corpus, end to end (model)


def _example_texts() -> list[tuple[str, str]]:
    """(date, text) of the bundled seed-format examples."""
    out = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        header, _, body = path.read_text(encoding="utf-8").partition(" ")
        date, _, body = body.partition(" ")
        assert header == "date", path
        out.append((date, body))
    return out


@pytest.mark.slow
def test_messy_corpus_codes_every_good_record(pipeline, tmp_path: Path) -> None:
    """Good and bad records of every kind side by side: all good ones stored, every bad
    one rejected with its reason and counted; nothing lost."""
    from eventwire.run import code_files

    examples = _example_texts()
    good: list[str] = []
    bad = 0
    folder = tmp_path / "in"
    folder.mkdir()
    lines = []
    rng = random.Random(11)
    bad_lines = list(BAD_LINES.values())
    for i in range(45):
        date, text = examples[i % len(examples)]
        lines.append(json.dumps({"id": f"j{i}", "date": date, "text": text}).encode())
        good.append(f"j{i}")
        if i < len(bad_lines):
            lines.insert(rng.randrange(1, len(lines) + 1), bad_lines[i])
            bad += 1
    (folder / "feed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    rows = [b"id,date,text"]
    for i, raw in enumerate(v for k, v in sorted(BAD_ROWS.items()) if k != "unbalanced quote"):
        date, text = examples[i]
        quoted = text.replace('"', '""')
        rows.append(f'c{i},{date},"{quoted}"'.encode())
        good.append(f"c{i}")
        rows.append(raw)
        bad += 1
    (folder / "rows.csv").write_bytes(b"\n".join(rows) + b"\n")
    doc = [
        {"id": "d0", "date": examples[0][0], "text": examples[0][1]},
        [1, 2],
        "text",
        {"text": 5},
    ]
    (folder / "doc.json").write_text(json.dumps(doc))
    good.append("d0")
    bad += 3
    with gzip.open(folder / "more.jsonl.gz", "wb") as f:
        f.write(json.dumps({"id": "g0", "date": "2024-05-14", "text": examples[1][1]}).encode())
        f.write(b"\n{not json}\n")
    good.append("g0")
    bad += 1
    shutil.copy(next(EXAMPLES.glob("*.txt")), folder / "seed.txt")
    good += [a.id for a in _articles(list(read_inputs([folder / "seed.txt"])))]
    for name, data in {
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40,
        "empty.txt": b"",
        "latin1.txt": "date 2020-01-01 Caf\u00e9 story.".encode("latin-1"),
        "utf16.jsonl": json.dumps({"id": "u", "date": "2020-01-01", "text": "x"}).encode("utf-16"),
        "numbers-only.txt": b"date 2020-01-01 1234 5678 90.12 3e4",
        "notes.md": b"# not an input",
    }.items():
        (folder / name).write_bytes(data)
        bad += name != "numbers-only.txt"
    good.append(Article.make_id("1234 5678 90.12 3e4"))

    with Database(tmp_path / "messy.duckdb") as db:
        summary = code_files([folder], db, pipeline)
        stored = {a.id for a in db.articles()}
        stored_rejects = db.rejects()
        report = check_database(db)
    tried = len(good) + bad
    assert summary.rejected == bad == len(stored_rejects)
    assert all(r.reason for r in stored_rejects)
    assert stored == set(good), (set(good) - stored, stored - set(good))
    assert summary.articles + summary.skipped + summary.rejected == tried
    assert report.ok, report.problems
    print(f"\nmessy corpus: {tried} records tried, {bad} rejected, {len(stored)} stored, lost 0")  # noqa: T201


# ------------------------------------------- real processes: memory, kills, two writers

ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    "COLUMNS": "300",  # rich folds long messages at 80 columns otherwise
}
# Runs the CLI in this interpreter after a warm-up, then reports the resident set
# size after the warm-up and the peak of the whole process (Linux /proc).
RSS_WRAPPER = """
import datetime, resource, runpy, sys
from eventwire.models import Article
from eventwire.pipeline import Pipeline
Pipeline().extract_batch([Article("w", "The army attacked Homs on Monday.", datetime.date(2021, 3, 3))])
with open("/proc/self/status") as f:
    base = int(f.read().split("VmRSS:")[1].split()[0])
sys.argv = ["eventwire", *sys.argv[1:]]
try:
    runpy.run_module("eventwire", run_name="__main__")
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RSS_KB base={base} peak={peak}", file=sys.stderr)
"""


def _eventwire(*args: str) -> list[str]:
    return [sys.executable, "-m", "eventwire", *args]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_ten_megabyte_article_is_coded_in_bounded_memory(tmp_path: Path) -> None:
    """A 10 MB article (a story around ten 1 MB inline hex dumps, as scraped pages carry)
    is stored whole, its story paragraphs coded, with memory far below the text's
    parse-all-at-once cost."""
    date, prose = _example_texts()[4]
    prose = prose.strip()
    rng = random.Random(5)
    parts = [prose]
    for _ in range(10):
        parts += [rng.randbytes(500_000).hex(), prose]
    text = "\n\n".join(parts)
    assert len(text) > 10_000_000
    inputs = tmp_path / "big.jsonl"
    inputs.write_text(json.dumps({"id": "big", "date": date, "text": text}) + "\n")
    db = tmp_path / "big.duckdb"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RSS_WRAPPER, "code", str(inputs), "--db", str(db)],
        capture_output=True, text=True, env=ENV, timeout=600,
    )  # fmt: skip
    secs = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    base, peak = (int(v) for v in re.search(r"base=(\d+) peak=(\d+)", done.stderr).groups())
    growth_mb = (peak - base) / 1024
    with Database(db, read_only=True) as store:
        (article,) = store.articles()
        events = store.events(limit=None)
        assert check_database(store).ok
    assert len(article.text) == len(text)
    step = len(prose) + 2 + 1_000_000 + 2
    copies = {e["char_start"] // step for e in events}
    assert copies == set(range(11)), "every copy of the story is coded"
    assert all(article.text[e["char_start"] : e["char_end"]] == e["sentence"] for e in events)
    figures = (
        f"10 MB article: {len(text):,} chars, {len(events)} events, {secs:.1f}s, "
        f"peak RSS {peak / 1024:.0f} MB, {growth_mb:.0f} MB above the warmed-up coder"
    )
    print("\n" + figures)  # noqa: T201  (the figures docs/reliability.md quotes)
    # ~190 MB alone, up to ~470 MB on a loaded machine (allocator arenas); parsing the
    # chunks 64 at a time, as before, took 3.2 GB for a 1 MB article of prose
    assert growth_mb < 600, f"peak RSS grew {growth_mb:.0f} MB for a 10 MB article"


def _kill_corpus(folder: Path) -> dict[int, list[str]]:
    """Three batches of 200 records (the CLI's batch size) and the good ids of each.

    Batch 1 parses originals (the bundled examples and, when present, ten short VOA
    stories) among exact copies; batch 2 is only copies of batch 1 (its events are
    copied from the database, so it writes right after a resumed run starts);
    batch 3 parses a few originals and near-duplicates. Two bad records per batch.
    """
    originals = [{"date": d, "text": t} for d, t in _example_texts()]
    if VOA.is_file():
        stories = [json.loads(line) for line in VOA.read_text(encoding="utf-8").splitlines()]
        stories.sort(key=lambda r: len(r["text"]))
        originals += [{"date": r["published"], "text": r["text"]} for r in stories[:10]]
    originals = [{"id": f"o{i:02d}", **r} for i, r in enumerate(originals)]
    first, third = originals[:-4], originals[-4:]
    rng = random.Random(3)

    def copy(original: dict, name: str) -> dict:
        text = original["text"]
        if rng.random() < 0.5:  # the same text with other spacing is still an exact copy
            text = text.replace(". ", ".  ", 3).replace(", ", " ,  ", 1)
        return {**original, "id": name, "text": text}

    bad = [b'{"id": "bad", "text": 5}', b"\xff\xfe not utf-8"]
    batches: list[list[bytes]] = [[], [], []]
    batches[0] = [json.dumps(r).encode() for r in first]
    batches[0] += [json.dumps(copy(rng.choice(first), f"c1-{k:03d}")).encode()
                   for k in range(198 - len(first))]  # fmt: skip
    batches[1] = [json.dumps(copy(rng.choice(first), f"c2-{k:03d}")).encode() for k in range(198)]
    batches[2] = [json.dumps(r).encode() for r in third]
    batches[2] += [json.dumps({**r, "id": f"n{k}", "text": r["text"] + "\n\nUpdated at noon."})
                   .encode() for k, r in enumerate(first[:5])]  # fmt: skip
    batches[2] += [json.dumps(copy(rng.choice(third), f"c3-{k}")).encode() for k in range(6)]
    batches[2].append(json.dumps(first[0]).encode())  # an id already stored: skipped
    for batch in batches:
        for b in bad:
            batch.insert(rng.randrange(len(batch) + 1), b)
    assert [len(b) for b in batches[:2]] == [200, 200]
    folder.mkdir()
    lines = [line for batch in batches for line in batch]
    (folder / "part-1.jsonl").write_bytes(b"\n".join(lines[:300]) + b"\n")
    (folder / "part-2.jsonl").write_bytes(b"\n".join(lines[300:]) + b"\n")
    ids: dict[int, list[str]] = {}
    for k, batch in enumerate(batches, start=1):
        good = [json.loads(line)["id"] for line in batch if line.startswith(b'{"id": "o')
                or line.startswith(b'{"id": "c') or line.startswith(b'{"id": "n')]  # fmt: skip
        ids[k] = sorted(set(good) - {i for j in ids.values() for i in j})
    return ids


@dataclass
class CodeRun:
    """One ``eventwire code`` process as seen from outside: exit status, when the
    WAL grew by a batch-sized step (a batch committed) and when it was killed."""

    returncode: int
    stderr: str
    seconds: float
    opened: float | None = None  # the database first changed (schema / start of the run)
    batch_commits: list[float] = field(default_factory=list)
    checkpoint: float | None = None  # the main file changed: the WAL folded in at close
    killed_at: float | None = None


Trigger = Callable[[float, CodeRun], bool]
BATCH_WAL_BYTES = 30_000  # a batch here writes 90 kB to 1 MB; run bookkeeping < 6 kB


def _code_run(db: Path, corpus: Path, kill: Trigger | None = None) -> CodeRun:
    """Run ``eventwire code`` on ``corpus``, polling the files every 2 ms; SIGKILL it
    as soon as ``kill(elapsed, run)`` is true."""
    wal = Path(f"{db}.wal")

    def stat(p: Path) -> tuple[int, int] | None:
        try:
            s = p.stat()
        except FileNotFoundError:
            return None
        return s.st_size, s.st_mtime_ns

    first_db, first_wal = stat(db), stat(wal)
    seen_db = first_db  # the main file as first seen; it changes only at a checkpoint
    wal_base = first_wal[0] if first_wal else 0
    start = time.perf_counter()
    proc = subprocess.Popen(
        _eventwire("code", str(corpus), "--db", str(db)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV,
    )  # fmt: skip
    run = CodeRun(-1, "", 0.0)
    try:
        while proc.poll() is None:
            now = time.perf_counter() - start
            if kill is not None and kill(now, run):
                proc.send_signal(signal.SIGKILL)
                run.killed_at = now
                break
            now_db, now_wal = stat(db), stat(wal)
            if run.opened is None and (now_db != first_db or now_wal != first_wal):
                run.opened = now
            if seen_db is None:
                seen_db = now_db
            elif now_db != seen_db and run.checkpoint is None:
                run.checkpoint = now
            if now_wal is not None and now_wal[0] - wal_base >= BATCH_WAL_BYTES:
                if not run.batch_commits or now - run.batch_commits[-1] > 0.02:
                    run.batch_commits.append(now)  # a commit's WAL is written in pieces
                wal_base = now_wal[0]
            time.sleep(0.002)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    run.returncode, run.stderr = proc.returncode, err
    run.seconds = time.perf_counter() - start
    return run


def _snapshot(db: Path) -> dict[str, object]:
    """What a database holds, for comparing runs (ids and codes, no timestamps)."""
    if not db.exists():
        return {"articles": set(), "events": set()}
    try:
        store = Database(db, read_only=True)
    except StoreError as e:
        assert "no eventwire tables" in str(e), e  # killed before the schema was created
        return {"articles": set(), "events": set()}
    with store:
        report = check_database(store)
        assert report.ok, report.problems

        def rows(query: str) -> set[tuple]:
            return set(store.sql(query).rows())

        return {
            "articles": {a for (a,) in rows("SELECT id FROM articles")},
            "events": rows(
                "SELECT event_id, doc_id, cameo, source_code, target_code, char_start, "
                "char_end, sentence, cluster_id FROM events"
            ),
            "clusters": rows(
                "SELECT cluster_id, num_mentions, num_articles, num_sources, cameo, date "
                "FROM clusters"
            ),
            "duplicates": rows("SELECT article_id, duplicate_of, kind FROM article_duplicates"),
            "rejects": rows("SELECT origin, line, reason FROM rejects"),
            "runs": store.runs(),
        }


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory) -> tuple[Path, dict[int, list[str]]]:
    folder = tmp_path_factory.mktemp("kill") / "corpus"
    return folder, _kill_corpus(folder)


@pytest.mark.slow
def test_killed_runs_resume_to_the_same_database(kill_corpus, tmp_path: Path) -> None:
    """SIGKILL ``eventwire code`` at startup, while the schema is created, mid-parse,
    around and at each batch's commit, in a batch that only writes (swept over its
    length), and during the final checkpoint; after every kill the file passes
    ``check`` and holds whole batches only; the last rerun equals an uninterrupted run."""
    corpus, batch_ids = kill_corpus
    reference_db = tmp_path / "reference.duckdb"
    ref = _code_run(reference_db, corpus)
    assert ref.returncode == 0, ref.stderr
    reference = _snapshot(reference_db)
    assert reference["articles"] == {i for ids in batch_ids.values() for i in ids}
    assert len(ref.batch_commits) == 3 and ref.opened is not None, ref
    parse_1 = ref.batch_commits[0] - ref.opened  # open -> first commit: model + batch 1 parse

    db = tmp_path / "killed.duckdb"
    log: list[dict[str, object]] = []

    def kill_and_verify(point: str, trigger: Trigger, path: Path = db) -> int:
        """Run until ``trigger``, then check the file; returns the whole batches it holds."""
        run = _code_run(path, corpus, trigger)
        state = _snapshot(path)
        prefixes = [set().union(*(set(batch_ids[j]) for j in range(1, k + 1))) for k in range(4)]
        whole = [k for k, ids in enumerate(prefixes) if state["articles"] == ids]
        assert whole, f"{point}: the database holds part of a batch"
        expected = {e for e in reference["events"] if e[1] in state["articles"]}
        assert state["events"] == expected, f"{point}: events differ from the reference"
        log.append({"point": point, "killed_at": run.killed_at, "batches": whole[0],
                    "exit": run.returncode})  # fmt: skip
        return whole[0]

    def after(seconds: float) -> Trigger:
        return lambda t, r: r.opened is not None and t > r.opened + seconds

    first_commit: Trigger = lambda t, r: bool(r.batch_commits)  # noqa: E731
    stored = 0
    for point, trigger in [
        ("startup (imports)", lambda t, r: t > 0.2),
        ("schema creation", lambda t, r: r.opened is not None),
        ("parsing batch 1", after(0.5 * parse_1)),
        ("end of batch 1", after(parse_1 - 0.05)),
        ("batch 1 commit", first_commit),  # the first commit of a run is the next batch
    ]:
        if stored == 0:  # a kill that landed late already moved past batch 1
            stored = kill_and_verify(point, trigger)

    # Batch 2 only copies stored events: a resumed run writes it right after opening.
    # From exactly batch 1 stored, time that on a copy, then kill at fractions of it.
    sweep_db = db if stored <= 1 else tmp_path / "sweep.duckdb"
    if stored != 1:
        past_1: Trigger = lambda t, r: bool(r.batch_commits) and t > r.batch_commits[0] + 0.05  # noqa: E731
        assert kill_and_verify("just after batch 1 commit", past_1, sweep_db) == 1
    probe_db = tmp_path / "probe.duckdb"
    for suffix in ("", ".wal"):
        if Path(f"{sweep_db}{suffix}").exists():
            shutil.copy(f"{sweep_db}{suffix}", f"{probe_db}{suffix}")
    probe = _code_run(probe_db, corpus, first_commit)
    assert probe.opened is not None and probe.batch_commits, probe
    write_2 = probe.batch_commits[0] - probe.opened
    swept = 1
    for fraction in (0.5, 0.8, 0.9, 0.95):
        if swept == 1:
            point = f"batch 2 at {fraction:.0%} of {write_2 * 1000:.0f} ms"
            swept = kill_and_verify(point, after(fraction * write_2), sweep_db)
    if swept == 1:
        kill_and_verify("batch 2 commit", first_commit, sweep_db)

    kill_and_verify("parsing batch 3", after(0.6))
    kill_and_verify("checkpoint at close", lambda t, r: r.checkpoint is not None)
    kill_and_verify("none (runs to the end)", lambda t, r: False)
    assert log[-1]["exit"] == 0
    again = _code_run(db, corpus)
    assert again.returncode == 0 and "new events 0" in _flat(again.stderr)

    result = _snapshot(db)
    for key in ("articles", "events", "clusters", "duplicates", "rejects"):
        assert result[key] == reference[key], key
    runs = result["runs"]
    killed = [r for r in runs if r["finished_at"] is None]
    # a run killed before its start was recorded, or after it finished, leaves no trace
    assert len(killed) >= 3 and len(runs) - len(killed) >= 2
    assert sum(r["articles"] for r in runs) == len(reference["articles"])  # each coded once
    lines = [
        f"  {row['point']:<34} killed at {row['killed_at'] or 0:5.2f}s  "
        f"batches stored {row['batches']}  exit {row['exit']}"
        for row in log
    ]
    commits = ", ".join(f"{t:.2f}" for t in ref.batch_commits)
    print(  # noqa: T201  (the figures docs/reliability.md quotes)
        f"\nreference run {ref.seconds:.1f}s, batch commits at {commits}s; kill points:\n"
        + "\n".join(lines)
    )


@pytest.mark.slow
def test_second_writer_and_readers_fail_at_once_and_clearly(kill_corpus, tmp_path: Path) -> None:
    """While ``code`` writes, a second ``code``, ``events``, ``check`` and ``serve`` on
    the same file each exit with status 1 and a message naming the lock and the
    writer's PID, without a traceback; the writer finishes unharmed."""
    corpus, batch_ids = kill_corpus
    db = tmp_path / "busy.duckdb"
    writer = subprocess.Popen(
        _eventwire("code", str(corpus), "--db", str(db)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not Path(f"{db}.wal").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writer.poll() is None, "the writer must still be running"
        others = {
            "code": _eventwire("code", str(corpus), "--db", str(db)),
            "events": _eventwire("events", "--db", str(db)),
            "check": _eventwire("check", "--db", str(db)),
            "serve": _eventwire("serve", "--db", str(db), "--port", "8765"),
        }
        started = time.monotonic()
        procs = {
            name: subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
            )  # fmt: skip
            for name, cmd in others.items()
        }
        results = {name: (p.communicate(timeout=60), time.monotonic() - started)
                   for name, p in procs.items()}  # fmt: skip
        for name, ((out, err), secs) in results.items():
            message = _flat(err)
            assert procs[name].returncode == 1, (name, out, err)
            assert "is locked" in message and f"PID {writer.pid}" in message, (name, err)
            assert "Traceback" not in err, (name, err)
            print(f"\n{name}: refused after {secs:.1f}s: {message[:160]}")  # noqa: T201
    finally:
        _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    state = _snapshot(db)
    assert state["articles"] == {i for ids in batch_ids.values() for i in ids}
    assert len(state["runs"]) == 1  # the refused writer recorded nothing
