"""End-to-end tests of the command line, run in-process with click's CliRunner.

The commands build their own Pipeline, but the spaCy model is cached per
process (``nlp.load_nlp``), so only the first parse pays for loading it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from eventwire.cli import main
from eventwire.cli.query import EVENT_COLUMNS
from eventwire.ingest import read_inputs
from eventwire.models import Article, EventDate
from eventwire.store import Database

WIDE = {"COLUMNS": "250"}  # rich tables fold cells on narrow terminals
DATE_CELL = re.compile(r"\d{4}(?:-\d{2}){0,2} \((?:day|month|year|publication)\)")
GOOD_JSONL_TEXT = "China criticised Japan over the disputed islands on Monday."


def run(args: list[str], *, input: str | bytes | None = None, env: dict | None = None) -> Result:
    """Invoke the CLI; a Python exception other than SystemExit fails the test with its traceback."""
    result = CliRunner().invoke(main, args, input=input, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def flat(text: str) -> str:
    """Text without whitespace: rich wraps long stderr lines at the console width."""
    return re.sub(r"\s+", "", text)


def counts(db: Path) -> dict[str, int]:
    with Database(db, read_only=True) as database:
        return database.counts()


def event_ids(db: Path) -> list[str]:
    with Database(db, read_only=True) as database:
        return sorted(e["event_id"] for e in database.events())


def distinct_event_ids(db: Path) -> int:
    with Database(db, read_only=True) as database:
        frame = database.sql("SELECT count(DISTINCT event_id) AS n FROM events")
    return int(frame["n"][0])


@pytest.fixture()
def two_examples(tmp_path: Path, examples_dir: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("01_state_visit.txt", "07_sanctions.txt"):
        shutil.copy(examples_dir / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("db") / "examples.duckdb"
    result = run(["code", str(examples_dir), "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    return db


@pytest.fixture(scope="module")
def all_events(examples_db: Path) -> list[dict]:
    with Database(examples_db, read_only=True) as database:
        rows = database.events()
    assert len(rows) >= 15
    return rows


# ------------------------------------------------------------------------- extract


@pytest.mark.slow
def test_extract_seed_to_stdout(seed_article_path: Path, assert_valid_events) -> None:
    result = run(["extract", str(seed_article_path), "-o", "-"])
    assert result.exit_code == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events, "no events on stdout"
    assert_valid_events(events)
    assert re.search(rf"\b{len(events)} events\b", result.stderr), result.stderr
    assert re.search(r"\b1 articles?, 0 rejected\b", result.stderr), result.stderr


@pytest.mark.slow
def test_extract_to_file(seed_article_path: Path, tmp_path: Path, assert_valid_events) -> None:
    out = tmp_path / "events.jsonl"
    result = run(["extract", str(seed_article_path), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written
    assert_valid_events(written)
    to_stdout = run(["extract", str(seed_article_path)])
    assert [e["event_id"] for e in written] == [
        json.loads(line)["event_id"] for line in to_stdout.stdout.splitlines()
    ]


@pytest.mark.slow
def test_extract_from_stdin_with_date(assert_valid_events) -> None:
    result = run(["extract", "-", "--date", "2020-07-08"], input=GOOD_JSONL_TEXT)
    assert result.exit_code == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert_valid_events(events)
    coded = [e for e in events if e["source"] and e["source"]["country"] == "CHN"]
    assert coded, events
    assert coded[0]["target"]["country"] == "JPN"
    assert coded[0]["cameo"].startswith("11")
    # "on Monday" in an article of Wednesday 2020-07-08 is the Monday before.
    assert coded[0]["date"] == "2020-07-06"


def test_extract_from_stdin_without_date_is_rejected() -> None:
    result = run(["extract", "-"], input=GOOD_JSONL_TEXT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "<stdin>" in result.stderr
    assert "--date" in flat(result.stderr)
    assert re.search(r"\b1 rejected\b", result.stderr)


def test_extract_nonexistent_path_is_a_reported_reject(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = run(["extract", str(missing)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert flat(str(missing)) in flat(result.stderr)
    assert "no such file" in result.stderr
    assert re.search(r"\b0 articles?, 1 rejected, 0 events\b", result.stderr), result.stderr


# ---------------------------------------------------------------------------- code


@pytest.mark.slow
def test_code_twice_adds_nothing(two_examples: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    first = run(["code", str(two_examples), "--db", str(db)])
    assert first.exit_code == 0, first.stderr
    before = counts(db)
    assert before["articles"] == 2 and before["events"] > 0
    ids = event_ids(db)
    second = run(["code", str(two_examples), "--db", str(db)])
    assert second.exit_code == 0, second.stderr
    assert counts(db) == before
    assert event_ids(db) == ids
    assert "2 already coded" in " ".join(second.stderr.split())


@pytest.mark.slow
def test_recode_replaces_without_duplicates(two_examples: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    assert run(["code", str(two_examples), "--db", str(db)]).exit_code == 0
    before, ids = counts(db), event_ids(db)
    with_inputs = run(["code", str(two_examples), "--db", str(db), "--recode"])
    assert with_inputs.exit_code == 0, with_inputs.stderr
    assert counts(db) == before
    assert event_ids(db) == ids
    stored_only = run(["code", "--recode", "--db", str(db)])
    assert stored_only.exit_code == 0, stored_only.stderr
    assert counts(db) == before
    assert event_ids(db) == ids
    assert distinct_event_ids(db) == before["events"]


@pytest.fixture()
def messy_dir(tmp_path: Path, examples_dir: Path) -> Path:
    folder = tmp_path / "messy"
    folder.mkdir()
    shutil.copy(examples_dir / "13_condemnation.txt", folder / "13_condemnation.txt")
    good = {"id": "jsonl-good", "date": "2021-03-03", "text": GOOD_JSONL_TEXT}
    (folder / "feed.jsonl").write_text('{"id": "broken", "text": \n' + json.dumps(good) + "\n")
    (folder / "binary.txt").write_bytes(b"\x00\x01PK\x03\x04" * 64 + b"\x00" * 32)
    (folder / "empty.txt").write_text("")
    return folder


@pytest.mark.slow
def test_code_reports_and_stores_rejects(messy_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    result = run(["code", str(messy_dir), "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    assert re.search(r"\brejected 3\b", " ".join(result.stderr.split())), result.stderr

    with Database(db, read_only=True) as database:
        rejects = database.rejects()
        stored = {a.id for a in database.articles()}
        jsonl_events = database.events(doc_id="jsonl-good")
    by_name = {Path(r.origin).name: r for r in rejects}
    assert set(by_name) == {"feed.jsonl", "binary.txt", "empty.txt"}
    assert by_name["feed.jsonl"].line == 1
    assert "json" in by_name["feed.jsonl"].reason.lower()
    assert "binary" in by_name["binary.txt"].reason.lower()
    assert "empty" in by_name["empty.txt"].reason.lower()
    for reject in rejects:
        where = f"{reject.origin}:{reject.line}" if reject.line else reject.origin
        assert flat(f"{where}: {reject.reason}") in flat(result.stderr), reject

    (example,) = list(read_inputs([messy_dir / "13_condemnation.txt"]))
    assert isinstance(example, Article)
    assert stored == {example.id, "jsonl-good"}
    assert jsonl_events, "the good JSON Lines record was stored but not coded"

    again = run(["code", str(messy_dir), "--db", str(db)])
    assert again.exit_code == 0, again.stderr
    assert counts(db)["rejects"] == 3, "a re-run stored the same rejects again"


@pytest.mark.slow
def test_code_records_rejects_in_the_run(messy_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    assert run(["code", str(messy_dir), "--db", str(db)]).exit_code == 0
    with Database(db, read_only=True) as database:
        last = database.runs()[-1]
    assert last["finished_at"] is not None
    assert last["articles"] == 2
    assert last["rejects"] == 3


def test_reject_names_are_printed_verbatim(tmp_path: Path) -> None:
    bad = tmp_path / "notes [draft].txt"
    bad.write_bytes(b"\x00\x00binary\x00")
    result = run(["extract", str(bad)])
    assert result.exit_code == 0
    assert flat(str(bad)) in flat(result.stderr)


# -------------------------------------------------------------------------- events


def query(db: Path, *options: str, fmt: str = "jsonl") -> Result:
    result = run(
        ["events", "--db", str(db), "--mentions", "--limit", "0", "--format", fmt, *options],
        env=WIDE,
    )
    assert result.exit_code == 0, result.stderr
    return result


def jsonl_rows(db: Path, *options: str) -> list[dict]:
    return [json.loads(line) for line in query(db, *options).stdout.splitlines()]


def most_common(values: list[str]) -> str:
    return max(sorted(set(values)), key=values.count)


@pytest.mark.slow
def test_events_jsonl_validates(examples_db: Path, all_events, assert_valid_events) -> None:
    rows = jsonl_rows(examples_db)
    assert len(rows) == len(all_events)
    assert_valid_events(rows)


@pytest.mark.slow
def test_events_actor_filter(examples_db: Path, all_events) -> None:
    codes = [a["code"] for e in all_events for a in (e["source"], e["target"]) if a and a["code"]]
    prefix = most_common([c[:3] for c in codes if len(c) >= 3])
    rows = jsonl_rows(examples_db, "--actor", prefix)
    assert 0 < len(rows) < len(all_events)
    for row in rows:
        sides = [a["code"] or "" for a in (row["source"], row["target"]) if a]
        assert any(c.startswith(prefix) for c in sides), row


@pytest.mark.slow
def test_events_country_filter(examples_db: Path, all_events) -> None:
    countries = [
        a["country"] for e in all_events for a in (e["source"], e["target"]) if a and a["country"]
    ]
    country = most_common(countries)
    rows = jsonl_rows(examples_db, "--country", country)
    assert 0 < len(rows) < len(all_events)
    expected = [e for e in all_events if country in _countries(e)]
    assert sorted(r["event_id"] for r in rows) == sorted(e["event_id"] for e in expected)


def _countries(event: dict) -> set[str]:
    return {a["country"] for a in (event["source"], event["target"]) if a and a["country"]}


@pytest.mark.slow
def test_events_cameo_filter(examples_db: Path, all_events) -> None:
    root = most_common([e["cameo_root"] for e in all_events])
    rows = jsonl_rows(examples_db, "--cameo", root)
    assert 0 < len(rows) < len(all_events)
    assert all(r["cameo"].startswith(root) for r in rows)
    assert len(rows) == sum(e["cameo"].startswith(root) for e in all_events)


@pytest.mark.slow
def test_events_date_filters(examples_db: Path, all_events) -> None:
    def bounds(e: dict) -> tuple[dt.date, dt.date]:
        return EventDate(e["date"], e["date_precision"]).bounds()

    days = sorted({bounds(e)[0] for e in all_events})
    assert len(days) >= 3
    since, until = days[1], days[-2]
    rows = jsonl_rows(examples_db, "--since", since.isoformat(), "--until", until.isoformat())
    expected = [e for e in all_events if bounds(e)[1] >= since and bounds(e)[0] <= until]
    assert 0 < len(rows) < len(all_events)
    assert sorted(r["event_id"] for r in rows) == sorted(e["event_id"] for e in expected)
    only_since = jsonl_rows(examples_db, "--since", days[-1].isoformat())
    assert all(bounds(r)[1] >= days[-1] for r in only_since) and only_since


@pytest.mark.slow
def test_events_csv_parses(examples_db: Path, all_events) -> None:
    text = query(examples_db, fmt="csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and set(EVENT_COLUMNS) <= set(rows[0])
    assert sorted(r["event_id"] for r in rows) == sorted(e["event_id"] for e in all_events)
    by_id = {e["event_id"]: e for e in all_events}
    for row in rows:
        event = by_id[row["event_id"]]
        assert row["sentence"] == event["sentence"]
        assert row["cameo"].split()[0] == event["cameo"]
        assert row["doc_id"] == event["doc_id"]


@pytest.mark.slow
def test_events_table(examples_db: Path, all_events) -> None:
    out = query(examples_db, fmt="table").stdout
    for column in EVENT_COLUMNS:
        assert column in out
    assert len(DATE_CELL.findall(out)) == len(all_events)
    limited = query(examples_db, "--limit", "3", fmt="table").stdout
    assert len(DATE_CELL.findall(limited)) == 3


# ---------------------------------------------------------------------------- demo


@pytest.mark.slow
def test_demo_prints_a_table_of_events() -> None:
    result = run(["demo"], env=WIDE)
    assert result.exit_code == 0, result.stderr
    assert "cameo" in result.stdout and "sentence" in result.stdout
    assert len(DATE_CELL.findall(result.stdout)) >= 15, result.stdout[:2000]
    assert re.search(r"\b15 example articles\b", result.stderr), result.stderr


# -------------------------------------------------------------------------- errors


def test_events_on_missing_database_fails_clearly(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    result = run(["events", "--db", str(missing)])
    assert result.exit_code != 0
    assert "missing.duckdb" in result.stderr
    assert "does not exist" in result.stderr
    assert not missing.exists(), "a query created the database it was asked to read"


def test_events_on_a_file_that_is_not_duckdb_fails_clearly(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("not a database\n")
    result = run(["events", "--db", str(bogus)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")
    assert "notes.duckdb" in result.stderr
    assert "Traceback" not in result.output


def test_code_without_inputs_is_a_usage_error(tmp_path: Path) -> None:
    result = run(["code", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert "--recode" in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["extract", "-", "--date", "2020-13-45"],
        ["code", "-", "--date", "yesterday", "--db", "{tmp}/never.duckdb"],
        ["events", "--since", "08/07/2020"],
        ["events", "--until", "2020-02-30"],
    ],
)
def test_bad_date_is_a_clear_error(args: list[str], tmp_path: Path) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run(args, input="China criticised Japan.")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    option = next(a for a in args if a in ("--date", "--since", "--until"))
    bad_value = args[args.index(option) + 1]
    assert repr(bad_value) in message
    assert "YYYY-MM-DD" in message
    assert not (tmp_path / "never.duckdb").exists()


COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_examples(command: str) -> None:
    result = run([command, "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert f"eventwire {command}" in result.stdout


def test_group_help_has_examples() -> None:
    result = run(["--help"])
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    for command in COMMANDS:
        assert command in result.stdout
