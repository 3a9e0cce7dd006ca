"""The DuckDB store, against real DuckDB files (no model needed)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import polars as pl
import pytest

from eventwire import store as store_mod
from eventwire.errors import StoreError
from eventwire.models import Actor, Article, Event, EventDate, Place, Reject
from eventwire.store import SCHEMA_VERSION, BatchResult, Database, content_hash

SRC = Path(__file__).resolve().parents[1] / "src"
USA = Actor("The United States", "USAGOV", "USA", "GOV", None)
IRAN = Actor("Iran", "IRN", "IRN", None, None)
JUNE_15 = EventDate("2020-06-15", "day", "on Monday")
TEHRAN = Place("Tehran", "Tehran", "IRN", 35.69439, 51.42151, 112931)


def article(i: int, date: dt.date = dt.date(2020, 6, 15), text: str | None = None) -> Article:
    return Article(
        id=f"a{i}",
        text=text if text is not None else f"Article {i}: The United States criticised Iran.",
        date=date,
        title=f"Title {i}",
        url=f"https://example.org/{i}",
        source="Example Wire",
        dateline="WASHINGTON",
        origin=f"in.jsonl:{i}",
    )


def event(
    doc_id: str,
    k: int = 0,
    *,
    source: Actor | None = USA,
    target: Actor | None = IRAN,
    cameo: str = "111",
    date: EventDate = JUNE_15,
    location: Place | None = TEHRAN,
    extra: dict | None = None,
) -> Event:
    return Event(
        doc_id=doc_id,
        sentence_index=k,
        sentence=f"Sentence {k} of {doc_id}.",
        char_start=10 * k,
        char_end=10 * k + 9,
        source=source,
        target=target,
        cameo=cameo,
        cameo_label="Criticize or denounce",
        plover="ACCUSE",
        plover_mode="disapprove",
        quad_class=3,
        goldstein=-2.0,
        date=date,
        location=location,
        confidence=0.87654,
        coder_version="eventwire-test",
        trigger="criticised",
        trigger_start=10 * k + 2,
        trigger_end=10 * k + 12,
        extra=extra or {},
    )


@pytest.fixture
def db(tmp_path: Path):
    with Database(tmp_path / "ew.duckdb") as d:
        yield d


def test_new_file_has_schema_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with Database(path) as d:
        assert d.counts() == {"articles": 0, "events": 0, "rejects": 0}
        meta = d.meta()
        assert meta["schema_version"] == str(SCHEMA_VERSION)
        assert dt.datetime.fromisoformat(meta["created_at"]).year >= 2024
    assert path.exists()
    with Database(path) as d:  # reopening an existing file keeps it
        assert d.schema_version() == SCHEMA_VERSION


def test_frames_match_table_columns(db: Database) -> None:
    """The Arrow schemas used for inserts name exactly the table's columns, in order."""
    for table, schema in [
        ("articles", store_mod._ARTICLE_SCHEMA),
        ("events", store_mod._EVENT_SCHEMA),
        ("rejects", store_mod._REJECT_SCHEMA),
    ]:
        cols = db.sql(f"DESCRIBE {table}")["column_name"].to_list()
        assert cols == schema.names, table


def test_memory_database() -> None:
    with Database(":memory:") as d:
        r = d.write_batch([article(1)], [event("a1")])
        assert r.events_added == 1
        assert d.counts()["events"] == 1


def test_write_then_rewrite_is_idempotent(db: Database) -> None:
    arts = [article(i) for i in range(3)]
    evs = [event(a.id, k) for a in arts for k in range(2)]
    rej = [Reject("in.jsonl", 7, "not JSON", "{oops")]
    first = db.write_batch(arts, evs, rej)
    assert first == BatchResult(articles_added=3, events_added=6, rejects_added=1)
    assert db.counts() == {"articles": 3, "events": 6, "rejects": 1}
    assert db.known_article_ids(["a0", "a2", "zz"]) == {"a0", "a2"}

    again = db.write_batch(arts, evs, rej)
    assert again == BatchResult(articles_skipped=3)
    assert db.counts() == {"articles": 3, "events": 6, "rejects": 1}
    assert db.meta()["coder_version"]  # recorded on write


def test_new_article_among_known_ones(db: Database) -> None:
    db.write_batch([article(1)], [event("a1")])
    r = db.write_batch([article(1), article(2)], [event("a1", 5), event("a2")])
    assert (r.articles_added, r.articles_skipped, r.events_added) == (1, 1, 1)
    # the skipped article's new event was not stored
    assert [e["sentence_index"] for e in db.events(doc_id="a1")] == [0]


def test_repeats_within_a_batch_are_stored_once(db: Database) -> None:
    e = event("a1")
    r = db.write_batch([article(1), article(1)], [e, e])
    assert (r.articles_added, r.articles_skipped, r.events_added) == (1, 1, 1)
    assert db.counts()["events"] == 1


def test_replace_swaps_events(db: Database) -> None:
    db.write_batch([article(1), article(2)], [event("a1", 0), event("a1", 1), event("a2")])
    new = [event("a1", 0, cameo="042"), event("a1", 3, cameo="051")]
    r = db.write_batch([article(1)], new, replace=True)
    assert r.articles_replaced == 1 and r.articles_added == 0
    assert r.events_removed == 2 and r.events_added == 2
    got = db.events(doc_id="a1")
    assert [(e["sentence_index"], e["cameo"]) for e in got] == [(0, "042"), (3, "051")]
    assert db.events(doc_id="a2")[0]["cameo"] == "111"  # other articles untouched
    assert db.counts() == {"articles": 2, "events": 3, "rejects": 0}


def test_replace_with_identical_event_ids(db: Database) -> None:
    """Re-coding with the same coder re-creates the same event ids in one transaction."""
    evs = [event("a1", 0), event("a1", 1)]
    db.write_batch([article(1)], evs)
    r = db.write_batch([article(1)], evs, replace=True)
    assert (r.events_removed, r.events_added) == (2, 2)
    assert [e["event_id"] for e in db.events()] == [e.event_id for e in evs]


@pytest.mark.parametrize(
    "ev",
    [
        event("a1"),
        event("a1", source=None, target=None, location=None),
        event("a1", target=None, date=EventDate("2020-06", "month", "in June")),
        event("a1", date=EventDate("2020", "year", None), location=Place("north")),
        event("a1", date=EventDate("2020-06-15", "publication"), extra={"neg": True}),
    ],
)
def test_event_dict_round_trip(db: Database, ev: Event) -> None:
    db.write_batch([article(1)], [ev])
    (got,) = db.events()
    want = ev.to_dict()
    assert got == want
    assert list(got) == list(want)
    assert json.dumps(got) == json.dumps(want)  # same order, JSON-serialisable


def test_extra_and_date_bounds_columns(db: Database) -> None:
    ev = event("a1", date=EventDate("2020-02", "month"), extra={"negated": False, "n": 2})
    db.write_batch([article(1)], [ev])
    frame = db.events_frame()
    assert isinstance(frame, pl.DataFrame)
    row = frame.row(0, named=True)
    assert row["date_start"] == dt.date(2020, 2, 1)
    assert row["date_end"] == dt.date(2020, 2, 29)
    assert json.loads(row["extra"]) == {"negated": False, "n": 2}
    assert row["source_code"] == "USAGOV" and row["location_geonames_id"] == 112931


def test_filters(db: Database) -> None:
    usa_irn = event("a1", 0)
    chn_usa = event(
        "a1",
        1,
        source=Actor("Beijing", "CHN", "CHN"),
        target=Actor("Washington", "USAGOV", "USA", "GOV"),
        cameo="0311",
    )
    fra_deu = event(
        "a2",
        0,
        source=Actor("Paris", "FRA", "FRA"),
        target=Actor("Berlin", "DEU", "DEU"),
        cameo="042",
        date=EventDate("2020-06", "month", "in June"),
    )
    rus = event(
        "a3",
        0,
        source=Actor("Moscow", "RUSGOV", "RUS", "GOV"),
        target=None,
        cameo="190",
        date=EventDate("2021-01-03", "day"),
    )
    arts = [article(1), article(2, dt.date(2020, 7, 1)), article(3, dt.date(2021, 1, 4))]
    db.write_batch(arts, [usa_irn, chn_usa, fra_deu, rus])

    def ids(**kw: object) -> list[str]:
        return [e["event_id"] for e in db.events(**kw)]

    assert ids(actor="USA") == [usa_irn.event_id, chn_usa.event_id]
    assert ids(actor="USAGOV") == [usa_irn.event_id, chn_usa.event_id]
    assert ids(actor="USAMIL") == []
    assert ids(actor="RUS") == [rus.event_id]
    assert ids(country="IRN") == [usa_irn.event_id]
    assert ids(country="DEU") == [fra_deu.event_id]
    assert ids(cameo="03") == [chn_usa.event_id]
    assert ids(cameo="0311") == [chn_usa.event_id]
    assert ids(cameo="1") == [usa_irn.event_id, rus.event_id]
    # a month-precision event overlaps any day range inside its month
    june_10_12 = {"date_from": dt.date(2020, 6, 10), "date_to": dt.date(2020, 6, 12)}
    assert ids(**june_10_12) == [fra_deu.event_id]
    assert ids(date_from=dt.date(2020, 6, 30), date_to=dt.date(2020, 7, 5)) == [fra_deu.event_id]
    assert ids(date_from=dt.date(2020, 7, 1), date_to=dt.date(2020, 12, 31)) == []
    assert ids(date_from=dt.date(2021, 1, 1)) == [rus.event_id]
    assert ids(date_to=dt.date(2020, 6, 14)) == [fra_deu.event_id]
    assert ids(actor="USA", cameo="11") == [usa_irn.event_id]
    assert ids(doc_id="a2") == [fra_deu.event_id]
    # ordered by date start: the June event (from 2020-06-01) comes before the 15th
    assert ids() == [fra_deu.event_id, usa_irn.event_id, chn_usa.event_id, rus.event_id]
    assert ids(limit=2, offset=1) == [usa_irn.event_id, chn_usa.event_id]
    assert db.events_frame(country="USA").height == 2
    # filter values are parameters, not SQL
    assert ids(actor="' OR 1=1 --") == []
    with pytest.raises(StoreError):
        db.events(limit=-1)


def test_articles_round_trip(db: Database) -> None:
    arts = [article(2, dt.date(2020, 1, 2)), article(1, dt.date(2020, 1, 3))]
    db.write_batch(arts, [])
    assert db.articles() == arts  # by date, then id
    assert db.articles(ids=["a1", "nope"]) == [arts[1]]
    assert db.articles(limit=1) == [arts[0]]
    assert db.articles(ids=[]) == []


def test_known_content_hashes(db: Database) -> None:
    text = "Iran  said on Monday\nit would talk."
    db.write_batch([article(1, text=text)], [])
    same = content_hash("IRAN said on monday it  would talk.")
    assert same == content_hash(text)
    assert db.known_content_hashes([same, content_hash("other")]) == {same: "a1"}
    assert db.known_content_hashes([]) == {}


def test_rejects_dedup(db: Database) -> None:
    rej = [
        Reject("in.jsonl", 3, "not JSON", "{x"),
        Reject("in.jsonl", 3, "not JSON", "{x"),
        Reject("in.jsonl", None, "file truncated"),
        Reject("in.jsonl", 4, "not JSON", "{y"),
    ]
    assert db.write_batch([], [], rej).rejects_added == 3
    again = [Reject("in.jsonl", None, "file truncated"), Reject("in.jsonl", 3, "no date")]
    assert db.write_batch([], [], again).rejects_added == 1
    got = db.rejects()
    assert len(got) == 4 and db.counts()["rejects"] == 4
    assert Reject("in.jsonl", 3, "not JSON", "{x") in got
    assert len(db.rejects(limit=2)) == 2


def test_events_need_their_article(db: Database) -> None:
    with pytest.raises(StoreError, match="no article"):
        db.write_batch([article(1)], [event("a9")])
    assert db.counts()["articles"] == 0


def test_failure_mid_batch_rolls_back(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db.write_batch([article(0)], [event("a0")])
    real = Database._insert_frame
    calls: list[str] = []

    def failing(self: Database, table: str, *args: object, **kw: object) -> int:
        calls.append(table)
        if table == "events":
            raise RuntimeError("disk on fire")
        return real(self, table, *args, **kw)

    monkeypatch.setattr(Database, "_insert_frame", failing)
    with pytest.raises(RuntimeError):
        db.write_batch([article(1), article(0)], [event("a1"), event("a0", 4)], replace=True)
    assert calls == ["articles", "events"]  # articles had been inserted before the failure
    monkeypatch.undo()
    assert db.counts() == {"articles": 1, "events": 1, "rejects": 0}
    assert db.known_article_ids(["a1"]) == set()
    assert [e["sentence_index"] for e in db.events()] == [0]  # a0's old event survived
    # the connection is usable afterwards
    assert db.write_batch([article(1)], [event("a1")]).events_added == 1


def test_database_error_rolls_back_as_store_error(db: Database) -> None:
    bad = Article(id="bad", text="x", date=None)  # type: ignore[arg-type]  # violates NOT NULL
    with pytest.raises(StoreError, match="rolled back"):
        db.write_batch([article(1), bad], [event("a1")])
    assert db.counts() == {"articles": 0, "events": 0, "rejects": 0}


def test_read_only(tmp_path: Path) -> None:
    path = tmp_path / "ro.duckdb"
    with Database(path) as d:
        d.write_batch([article(1)], [event("a1")])
    with Database(path, read_only=True) as d:
        assert d.counts()["events"] == 1
        assert len(d.events(actor="USA")) == 1
        with pytest.raises(StoreError, match="read-only"):
            d.write_batch([article(2)], [])
        with pytest.raises(StoreError, match="read-only"):
            d.start_run(["x"])
    with pytest.raises(StoreError, match="does not exist"):
        Database(tmp_path / "missing.duckdb", read_only=True)


def _open_in_subprocess(path: Path, read_only: bool = False) -> subprocess.CompletedProcess:
    code = textwrap.dedent(
        f"""
        import sys
        from eventwire.errors import DatabaseLockedError
        from eventwire.store import Database
        try:
            Database({str(path)!r}, read_only={read_only!r}).close()
        except DatabaseLockedError as e:
            print(e)
            sys.exit(3)
        print("opened")
        """
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


def test_second_writer_process_gets_locked_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    with Database(path):
        res = _open_in_subprocess(path)
        assert res.returncode == 3, res.stderr
        assert str(path) in res.stdout
        assert f"PID {os.getpid()}" in res.stdout
        assert "Wait for the other eventwire process" in res.stdout
        # DuckDB also refuses readers while a writer holds the file
        res = _open_in_subprocess(path, read_only=True)
        assert res.returncode == 3, res.stderr
        assert str(path) in res.stdout
    assert _open_in_subprocess(path).stdout.strip() == "opened"  # released on close


def test_readers_share_but_block_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    Database(path).close()
    with Database(path, read_only=True):
        assert _open_in_subprocess(path, read_only=True).stdout.strip() == "opened"
        res = _open_in_subprocess(path)
        assert res.returncode == 3, res.stderr
        assert "read_only=True" in res.stdout and str(path) in res.stdout


def test_large_batch(db: Database) -> None:
    arts = [article(i) for i in range(5_000)]
    evs = [event(a.id, k) for a in arts for k in range(10)]
    r = db.write_batch(arts, evs)
    assert r.events_added == 50_000
    assert db.counts() == {"articles": 5_000, "events": 50_000, "rejects": 0}
    assert db.sql("SELECT count(DISTINCT event_id) AS n FROM events")["n"][0] == 50_000


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    Database(path).close()
    con = duckdb.connect(str(path))
    con.sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="Upgrade eventwire") as info:
        Database(path)
    assert "99" in str(info.value) and str(path) in str(info.value)


def test_not_an_eventwire_file(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.sql("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not an eventwire database"):
        Database(path)


def test_migration_steps_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.duckdb"
    Database(path).close()
    steps = {
        **store_mod.MIGRATIONS,
        SCHEMA_VERSION + 1: ("ALTER TABLE events ADD COLUMN v2 INTEGER",),
    }
    monkeypatch.setattr(store_mod, "MIGRATIONS", steps)
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="Open it once for writing"):
        Database(path, read_only=True)
    with Database(path) as d:
        assert d.schema_version() == SCHEMA_VERSION + 1
        assert "v2" in d.sql("DESCRIBE events")["column_name"].to_list()


def test_runs(db: Database) -> None:
    run = db.start_run(["a.jsonl", "b.jsonl"])
    db.write_batch(
        [article(1)], [event("a1"), event("a1", 1)], [Reject("a.jsonl", 2, "bad")], run_id=run
    )
    db.write_batch([article(2)], [event("a2")], run_id=run)
    db.write_batch([article(2)], [event("a2")], run_id=run)  # skipped: counts nothing
    (row,) = db.runs()
    assert row["run_id"] == run and row["finished_at"] is None  # a killed run looks like this
    assert (row["articles"], row["events"], row["rejects"]) == (2, 3, 1)
    assert row["inputs"] == ["a.jsonl", "b.jsonl"]
    db.write_batch([article(2)], [event("a2", 1)], run_id=run, replace=True)  # re-coded
    assert (db.runs()[0]["articles"], db.runs()[0]["events"]) == (3, 4)
    db.finish_run(run)
    assert db.runs()[0]["finished_at"] is not None
    second = db.start_run("c.jsonl")
    assert second == run + 1
    db.finish_run(second, {"articles": 7, "events": 8, "rejects": 9})
    assert (db.runs()[1]["articles"], db.runs()[1]["rejects"]) == (7, 9)
    with pytest.raises(StoreError, match="No run"):
        db.finish_run(999)


def test_sql_escape_hatch(db: Database) -> None:
    db.write_batch([article(1)], [event("a1"), event("a1", 1, cameo="042")])
    df = db.sql("SELECT cameo_root, count(*) AS n FROM events GROUP BY 1 ORDER BY 1")
    assert df.to_dicts() == [{"cameo_root": "04", "n": 1}, {"cameo_root": "11", "n": 1}]
    assert db.sql("SELECT count(*) AS n FROM events WHERE cameo = $1", ["042"])["n"][0] == 1
    assert db.sql("WITH x AS (SELECT 1 AS a) SELECT a FROM x")["a"][0] == 1
    assert db.sql("SHOW TABLES").height >= 5
    assert db.sql("PRAGMA table_info('events')").height == len(store_mod._EVENT_SCHEMA)
    for bad in [
        "DELETE FROM events",
        "DROP TABLE events",
        "INSERT INTO meta VALUES ('x', 'y')",
        "SELECT 1; DELETE FROM events",
        "COPY events TO 'x.csv'",
        "PRAGMA enable_profiling",
    ]:
        with pytest.raises(StoreError):
            db.sql(bad)
    with pytest.raises(StoreError, match="Query failed"):
        db.sql("SELECT nope FROM events")
    assert db.counts()["events"] == 2


def test_closed_database_says_so(tmp_path: Path) -> None:
    d = Database(tmp_path / "c.duckdb")
    d.close()
    d.close()
    with pytest.raises(StoreError, match="closed"):
        d.counts()


def test_bad_event_date_is_refused_whole_batch(db: Database) -> None:
    bad = event("a2", date=EventDate("2020-13", "month"))
    with pytest.raises(StoreError, match="2020-13"):
        db.write_batch([article(1), article(2)], [event("a1"), bad])
    assert db.counts() == {"articles": 0, "events": 0, "rejects": 0}
