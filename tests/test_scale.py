"""Scaling: worker processes on one machine, and Dask partitions that give the same database."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from eventwire.errors import InputError
from eventwire.models import Actor, Article, Event, EventDate, Place
from eventwire.scale import articles_from_table, articles_table, events_from_table, events_table
from eventwire.store import Database

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "voa_stories.jsonl"
VOLATILE = {"coded_at", "found_at", "seen_at", "run_id"}


def _event(**kw) -> Event:
    base = dict(
        doc_id="d1",
        sentence_index=2,
        sentence="Iraq said the leader was killed.",
        char_start=10,
        char_end=42,
        source=Actor("Iraq", "IRQ", "IRQ", None, None, 10, 14, "dictionary"),
        target=None,
        cameo="190",
        cameo_label="Use conventional military force",
        plover="ASSAULT",
        plover_mode=None,
        quad_class=4,
        goldstein=-10.0,
        date=EventDate("2025-03", "month", "in March"),
        location=Place("Anbar", "Anbar", "IRQ", 33.4, 43.3, 99, implicit=True),
        confidence=0.7,
        coder_version="0.1.0",
        trigger="killed",
        trigger_start=30,
        trigger_end=36,
        extra={"why": ["rule", 2]},
    )
    base.update(kw)
    return Event(**base)


def test_events_survive_parquet_exactly(tmp_path: Path) -> None:
    events = [
        _event(),
        _event(source=None, location=None, extra={}, trigger_start=None, plover=None),
        _event(target=Actor("Kurds", None, None, "ETH", None, None, None, None), goldstein=2.5),
    ]
    pq.write_table(events_table(events), tmp_path / "e.parquet")
    back = events_from_table(pq.read_table(tmp_path / "e.parquet"))
    assert back == events
    assert [e.extra for e in back] == [e.extra for e in events]  # extra is not in ==
    assert [e.event_id for e in back] == [e.event_id for e in events]
    assert back[0].location is not None and back[0].location.implicit is True
    assert back[0].source is not None and (back[0].source.start, back[0].source.evidence) == (
        10,
        "dictionary",
    )


def test_articles_survive_parquet_exactly() -> None:
    articles = [
        Article("a", "Text one.", dt.date(2020, 1, 2), title="T", origin="f.jsonl:1"),
        Article("b", "Text two.", dt.date(1999, 12, 31)),
    ]
    assert articles_from_table(articles_table(articles)) == articles


def test_dask_engine_refuses_standard_input(tmp_path: Path) -> None:
    from eventwire.scale import code_dask

    with Database(tmp_path / "x.duckdb") as db, pytest.raises(InputError, match="standard input"):
        code_dask(["-"], db, None)  # type: ignore[arg-type]


# -- with the model -------------------------------------------------------------------------


def _corpus(tmp_path: Path, n: int = 8) -> Path:
    """The ``n`` shortest shared stories, plus a repeated id, an exact copy and a bad record."""
    if not CORPUS.is_file():
        pytest.skip(f"shared corpus absent: {CORPUS}")
    records = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line]
    records.sort(key=lambda r: len(r["text"]))
    chosen = records[:n]
    lines = [json.dumps(r) for r in chosen]
    lines.append(json.dumps(chosen[0]))  # the same id again: skipped
    lines.append(json.dumps({**chosen[1], "id": "copy-of-1"}))  # the same text: a duplicate
    lines.append(json.dumps({"id": "no-text"}))  # a reject
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _snapshot(db: Database) -> dict[str, list[tuple]]:
    con = db._connection()
    out = {}
    for table in ("articles", "events", "clusters", "article_duplicates", "rejects"):
        cols = [r[0] for r in con.sql(f"DESCRIBE {table}").fetchall() if r[0] not in VOLATILE]
        rows = con.sql(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
        out[table] = sorted(rows, key=repr)
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("scale"))


@pytest.fixture(scope="module")
def pipeline():
    from eventwire.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="module")
def reference(corpus: Path, pipeline, tmp_path_factory: pytest.TempPathFactory):
    """The single-process database the distributed runs must reproduce."""
    from eventwire.ingest import ReadOptions
    from eventwire.run import code_files

    path = tmp_path_factory.mktemp("ref") / "ref.duckdb"
    with Database(path) as db:
        code_files([corpus], db, pipeline, options=ReadOptions(date_field="published"))
        snap = _snapshot(db)
    assert len(snap["events"]) > 10 and len(snap["article_duplicates"]) == 1
    assert len(snap["rejects"]) == 1
    return snap


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.mark.slow
def test_worker_processes_give_the_serial_events_in_order(corpus: Path, pipeline) -> None:
    from eventwire.config import Settings
    from eventwire.ingest import ReadOptions, read_inputs
    from eventwire.pipeline import Pipeline

    articles = [
        a
        for a in read_inputs([corpus], ReadOptions(date_field="published"))
        if isinstance(a, Article)
    ]
    serial = [(a.id, evs) for a, evs in pipeline.extract(articles)]
    with Pipeline(Settings(n_process=2, batch_size=8)) as parallel:
        got = [(a.id, evs) for a, evs in parallel.extract(articles)]
        pids = {p.pid for p in parallel._pool._processes.values()}  # type: ignore[union-attr]
    assert got == serial
    assert len(pids) == 2 and os.getpid() not in pids
    assert sum(len(evs) for _, evs in got) > 10


@pytest.mark.slow
def test_sentence_entities_match_span_ents(pipeline) -> None:
    from eventwire.pipeline import _SentenceEntities

    if not CORPUS.is_file():
        pytest.skip("shared corpus absent")
    text = json.loads(CORPUS.read_text("utf-8").splitlines()[0])["text"]
    doc = pipeline.nlp(text)
    walker = _SentenceEntities(doc)
    checked = 0
    for sent in doc.sents:
        assert [(e.start, e.end, e.label_) for e in walker.within(sent)] == [
            (e.start, e.end, e.label_) for e in sent.ents
        ]
        checked += len(sent.ents)
    assert checked > 5


@pytest.mark.slow
def test_dask_database_equals_single_process(
    corpus: Path, pipeline, reference, client, tmp_path: Path
) -> None:
    from eventwire.ingest import ReadOptions
    from eventwire.scale import code_dask

    options = ReadOptions(date_field="published")
    parts = tmp_path / "parts"
    with Database(tmp_path / "dask.duckdb") as db:
        summary = code_dask(
            [corpus], db, pipeline, options=options, client=client, parts=parts, partition_size=3
        )
        assert _snapshot(db) == reference
        again = code_dask([corpus], db, pipeline, options=options, client=client)
        assert _snapshot(db) == reference
    assert summary.articles == len(reference["articles"]) and summary.rejected == 1
    assert again.articles == 0 and again.skipped == len(reference["articles"])
    files = sorted((parts / "events").glob("part-*.parquet"))
    assert len(files) == 3  # 8 distinct texts in partitions of 3
    coded = sum(pq.read_metadata(f).num_rows for f in files)
    assert 0 < coded <= len(reference["events"])


@pytest.mark.slow
def test_killed_worker_partition_is_retried(
    corpus: Path, pipeline, reference, client, tmp_path: Path
) -> None:
    from eventwire.ingest import ReadOptions
    from eventwire.scale import code_dask

    parts = tmp_path / "parts"
    before = client.run(os.getpid)
    outcome: dict = {}

    def run() -> None:
        try:
            with Database(tmp_path / "killed.duckdb") as db:
                outcome["summary"] = code_dask(
                    [corpus],
                    db,
                    pipeline,
                    options=ReadOptions(date_field="published"),
                    client=client,
                    parts=parts,
                    partition_size=1,
                )
                outcome["snapshot"] = _snapshot(db)
        except BaseException as e:  # reported by the assertions below
            outcome["error"] = e

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 120
    while not list((parts / "events").glob("part-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    done_at_kill = len(list((parts / "events").glob("part-*.parquet")))
    victim = next(iter(before.values()))
    os.kill(victim, signal.SIGKILL)
    thread.join(timeout=240)
    assert not thread.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert 1 <= done_at_kill < 8, "the worker must die mid-run"
    assert outcome["snapshot"] == reference
    assert len(list((parts / "events").glob("part-*.parquet"))) == 8
    client.wait_for_workers(2, timeout=120)
    assert victim not in client.run(os.getpid).values()


@pytest.mark.slow
def test_cli_code_with_dask_scheduler(corpus: Path, reference, client, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(
        main,
        [
            "code",
            str(corpus),
            "--db",
            str(db),
            "--date-field",
            "published",
            "--scheduler",
            client.scheduler.address,
        ],
    )
    assert result.exit_code == 0, result.output
    with Database(db, read_only=True) as database:
        assert _snapshot(database) == reference
    assert not list(tmp_path.glob(".eventwire-parts-*")), "temporary partitions are removed"
