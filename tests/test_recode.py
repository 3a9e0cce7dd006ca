"""Reproducible recoding: the coder fingerprint, snapshot/compare, and the recode → diff round
trip driven by editing a user pattern file (``--patterns``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from test_analysis import build_synthetic_db, examples_database

from eventwire import recode as rc
from eventwire.cli import main
from eventwire.errors import ConfigError
from eventwire.pipeline import Pipeline
from eventwire.store import Database

# A user edit: "accuse" becomes a plain criticism (112 -> 111), and "condemn" a
# statement (010), which is not coded by default, so those events disappear.
USER_PATTERNS = "cameo\tpattern\tnote\n111\taccuse\tuser edit\n010\tcondemn\tuser edit\n"


def row(event_id: str, cameo: str, src: str | None, tgt: str | None, *, slot: int = 0, doc: str = "d1", date: str = "2024-01-01") -> dict:  # fmt: skip
    return {
        "event_id": event_id, "doc_id": doc, "sentence_index": slot, "trigger_start": slot * 10,
        "trigger": "did", "cameo": cameo, "cameo_root": cameo[:2], "source_code": src,
        "target_code": tgt, "quad_class": 3, "goldstein": -2.0, "date": date, "plover": None,
        "coder_version": "v", "sentence": f"sentence {slot}",
    }  # fmt: skip


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=rc._SCHEMA)


# -- compare ----------------------------------------------------------------------------------


def test_compare_pairs_changes_within_their_slot():
    before = frame(
        row("same", "042", "KEN", "JPN", slot=0),
        row("code_old", "112", "PAK", "IRN", slot=1),
        row("actor_old", "190", "RUS", "UKR", slot=2),
        row("gone", "111", "JPN", "CHN", slot=3),
        row("moved", "130", "USA", "PRK", slot=4, date="2024-02"),
    )
    after = frame(
        row("same", "042", "KEN", "JPN", slot=0),
        row("code_new", "111", "PAK", "IRN", slot=1),
        row("actor_new", "190", "RUS", "UKRMIL", slot=2),
        row("moved", "130", "USA", "PRK", slot=4, date="2024-02-03"),
        row("new", "173", "TUR", None, slot=5),
    )
    diff = rc.compare(before, after)
    assert diff.summary() == {
        "articles": 1, "before": 5, "after": 5, "unchanged": 1, "added": 1, "removed": 1,
        "changed": 3,
    }  # fmt: skip
    changes = {r["sentence_index"]: r for r in diff.changes.iter_rows(named=True)}
    assert (changes[1]["kind"], changes[1]["what"]) == ("changed", "cameo")
    assert (changes[1]["before_cameo"], changes[1]["after_cameo"]) == ("112", "111")
    assert (changes[2]["what"], changes[2]["after_target_code"]) == ("target", "UKRMIL")
    assert (changes[3]["kind"], changes[3]["before_cameo"]) == ("removed", "111")
    assert (changes[4]["what"], changes[4]["after_date"]) == ("date", "2024-02-03")
    assert (changes[5]["kind"], changes[5]["after_cameo"]) == ("added", "173")
    roots = {r["cameo_root"]: r for r in diff.by_root().iter_rows(named=True)}
    assert roots["17"]["added"] == 1 and roots["17"]["net"] == 1
    assert roots["11"] == {"cameo_root": "11", "before": 2, "after": 1, "added": 0, "removed": 1, "recoded_in": 0, "recoded_out": 0, "net": -1}  # fmt: skip
    assert "04" not in roots  # untouched roots are not listed
    actors = {r["actor"]: r for r in diff.by_actor().iter_rows(named=True)}
    assert (actors["UKRMIL"]["recoded_in"], actors["UKR"]["recoded_out"]) == (1, 1)
    assert actors["CHN"]["removed"] == 1 and actors["TUR"]["added"] == 1


def test_compare_of_identical_sets_is_empty():
    same = frame(row("a", "042", "KEN", "JPN"), row("b", "111", "JPN", "CHN", slot=1))
    diff = rc.compare(same, same)
    assert diff.changes.height == 0
    assert diff.by_root().height == 0 and diff.by_actor().height == 0
    assert diff.summary()["unchanged"] == 2


def test_snapshots_round_trip_and_bad_snapshots_are_refused(tmp_path):
    path = build_synthetic_db(tmp_path / "small.duckdb")
    with Database(path, read_only=True) as db:
        snap = rc.snapshot(db)
        assert snap.columns[: len(rc.SNAPSHOT_COLUMNS)] == list(rc.SNAPSHOT_COLUMNS)
        assert snap.height == db.counts()["events"]
        assert rc.snapshot(db, ["a1"]).height == 2
        assert rc.snapshot(db, []).height == 0
        saved = rc.save_snapshot(snap, tmp_path / "snap.parquet")
        assert rc.load_snapshot(saved).equals(snap)
        assert rc.diff_database(db, rc.load_snapshot(saved)).changes.height == 0
    assert rc.load_snapshot(path).height == snap.height  # another database works as "before"
    pl.DataFrame({"x": [1]}).write_parquet(tmp_path / "other.parquet")
    with pytest.raises(ConfigError, match="not an eventwire snapshot"):
        rc.load_snapshot(tmp_path / "other.parquet")
    with pytest.raises(ConfigError, match="does not exist"):
        rc.load_snapshot(tmp_path / "missing.parquet")


# -- fingerprint ------------------------------------------------------------------------------


def test_fingerprint_is_stable_and_changes_with_patterns_and_statements(tmp_path):
    patterns = tmp_path / "mine.tsv"
    patterns.write_text(USER_PATTERNS, encoding="utf-8")
    base = rc.coding_fingerprint(Pipeline())
    assert base == rc.coding_fingerprint(Pipeline())
    assert len(base) == 16 and int(base, 16) >= 0
    edited = rc.coding_fingerprint(Pipeline(patterns=[patterns]))
    assert edited != base
    assert rc.coding_fingerprint(Pipeline(include_statements=True)) != base
    manifest = rc.coding_manifest(Pipeline(patterns=[patterns]))
    assert manifest["lexicon"] != rc.coding_manifest(Pipeline())["lexicon"]
    assert manifest["data"] == rc.coding_manifest(Pipeline())["data"]
    assert set(manifest) == {"coder_version", "model", "data", "lexicon", "user_actors", "statements"}  # fmt: skip
    patterns.write_text(USER_PATTERNS.replace("111\taccuse", "112\taccuse"), encoding="utf-8")
    assert rc.coding_fingerprint(Pipeline(patterns=[patterns])) not in (edited, base)


# -- the round trip on the examples (spaCy model) ---------------------------------------------


@pytest.fixture
def examples_copy(tmp_path_factory, pipeline, tmp_path) -> Path:
    """A private copy of the coded examples: recode writes to it."""
    copy = tmp_path / "examples.duckdb"
    shutil.copy2(examples_database(tmp_path_factory, pipeline), copy)
    return copy


def codes_of(db_path: Path, trigger_prefix: str) -> list[str]:
    with Database(db_path, read_only=True) as db:
        rows = db.sql(
            "SELECT cameo FROM events WHERE starts_with(lower(trigger), ?) ORDER BY cameo",
            [trigger_prefix],
        )
    return rows["cameo"].to_list()


@pytest.mark.slow
def test_recode_with_unchanged_coder_changes_nothing(examples_copy, pipeline):
    with Database(examples_copy) as db:
        diff = rc.recode(db, pipeline)
    assert diff.summary()["added"] == diff.summary()["removed"] == diff.summary()["changed"] == 0
    assert diff.summary()["before"] == diff.summary()["after"] > 0


@pytest.mark.slow
def test_edited_pattern_file_preview_recode_and_diff(examples_copy, tmp_path):
    accused, condemned = codes_of(examples_copy, "accus"), codes_of(examples_copy, "condemn")
    assert accused and set(accused) == {"112"}
    assert condemned and set(condemned) == {"111"}
    patterns = tmp_path / "mine.tsv"
    patterns.write_text(USER_PATTERNS, encoding="utf-8")
    runner = CliRunner()
    db = str(examples_copy)

    # 1. dry run: the report, and nothing written
    result = runner.invoke(main, ["recode", "--db", db, "--patterns", str(patterns), "--dry-run"], env={"COLUMNS": "250"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert f"{len(condemned)} removed" in result.output
    assert codes_of(examples_copy, "accus") == accused

    # 2. the real recode, with a snapshot of the events before
    snapshot = tmp_path / "before.parquet"
    result = runner.invoke(main, ["recode", "--db", db, "--patterns", str(patterns), "--snapshot", str(snapshot)], env={"COLUMNS": "250"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert snapshot.exists()
    assert set(codes_of(examples_copy, "accus")) == {"111"}
    assert codes_of(examples_copy, "condemn") == []

    # 3. diff against the snapshot reports the same change, by root and by actor
    with Database(examples_copy, read_only=True) as database:
        diff = rc.diff_database(database, rc.load_snapshot(snapshot))
    summary = diff.summary()
    assert summary["removed"] == len(condemned)
    cameo_changes = diff.changes.filter(pl.col("what").str.contains("cameo"))
    assert cameo_changes["before_cameo"].to_list() == ["112"] * len(accused)
    assert cameo_changes["after_cameo"].to_list() == ["111"] * len(accused)
    roots = {r["cameo_root"]: r for r in diff.by_root().iter_rows(named=True)}
    assert roots["11"]["removed"] == len(condemned)
    assert roots["11"]["net"] == -len(condemned)
    removed_sources = diff.changes.filter(pl.col("kind") == "removed")["before_source_code"]
    actors = {r["actor"]: r for r in diff.by_actor().iter_rows(named=True)}
    for code in removed_sources.drop_nulls():
        assert actors[code]["removed"] >= 1
    result = runner.invoke(main, ["diff", "--db", db, "--before", str(snapshot), "--by", "root", "-o", str(tmp_path / "roots.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pl.read_csv(tmp_path / "roots.csv", schema_overrides={"cameo_root": pl.String})["cameo_root"].to_list()[0] == "11"  # fmt: skip
    result = runner.invoke(main, ["diff", "--db", db, "--before", str(snapshot)], env={"COLUMNS": "250"})  # fmt: skip
    assert result.exit_code == 0 and f"{len(condemned)} removed" in result.output
