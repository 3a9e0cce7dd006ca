"""Exports load back with polars and DuckDB with the column types docs/exports.md documents."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner
from test_analysis import SYNTHETIC, build_synthetic_db, examples_database

from eventwire.analysis import Dyad
from eventwire.cli import main
from eventwire.errors import ConfigError
from eventwire.export import GDELT_COLUMNS, export
from eventwire.store import Database

ALL = sum(len(events) for _, events in SYNTHETIC)
#: How to read the CSV export without losing CAMEO's leading zeros (docs/exports.md).
CSV_TYPES = {"cameo": pl.String, "cameo_root": pl.String, "date": pl.String}
GDELT_TYPES = {"EventCode": pl.String, "EventBaseCode": pl.String, "EventRootCode": pl.String}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_synthetic_db(tmp_path_factory.mktemp("export") / "small.duckdb")
    with Database(path, read_only=True) as database:
        yield database


def test_csv_events_load_with_polars_and_duckdb(db, tmp_path):
    path = tmp_path / "events.csv"
    assert export(db, path, "csv") == ALL
    frame = pl.read_csv(path, schema_overrides=CSV_TYPES, try_parse_dates=True)
    stored = db.events_frame()
    assert frame.columns == stored.columns
    assert frame.height == ALL
    assert sorted(frame["cameo"]) == sorted(stored["cameo"])
    assert "010" in frame["cameo"].to_list()  # leading zero kept
    assert frame.schema["date_start"] == pl.Date
    assert frame.schema["goldstein"] == pl.Float64
    assert frame["sentence"][0].count("\t") == 1  # quoted, not mangled
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT count(*), min(date_start), typeof(min(date_start)) FROM read_csv('{path}', types={{'cameo': 'VARCHAR'}})"
    ).fetchall()[0]
    assert rows == (ALL, dt.date(2024, 1, 1), "DATE")  # the year-precision event


def test_parquet_keeps_the_database_types(db, tmp_path):
    path = tmp_path / "events.parquet"
    assert export(db, path, "parquet") == ALL
    frame = pl.read_parquet(path)
    assert frame.schema["cameo"] == pl.String
    assert frame.schema["date_start"] == pl.Date
    assert frame.schema["quad_class"] == pl.Int32
    assert frame.schema["location_lat"] == pl.Float64
    assert frame.drop("extra").sort("event_id").equals(db.events_frame().drop("extra").sort("event_id"))  # fmt: skip
    rows = duckdb.connect().sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    described = {r[0]: r[1] for r in rows}
    assert described["date_start"] == "DATE" and described["goldstein"] == "DOUBLE"


def test_mentions_table_says_where_each_event_was_reported(db, tmp_path):
    path = tmp_path / "mentions.parquet"
    assert export(db, path, "parquet", table="mentions") == ALL
    frame = pl.read_parquet(path)
    assert {"event_id", "doc_id", "article_date", "article_url", "sentence_index", "char_start", "trigger", "confidence"} <= set(frame.columns)  # fmt: skip
    a1 = frame.filter(pl.col("doc_id") == "a1")
    assert a1["article_date"].to_list() == [dt.date(2024, 1, 17)] * 2
    assert a1["article_url"][0] == "https://example.org/a1"
    csv = tmp_path / "mentions.csv"
    assert export(db, csv, "csv", table="mentions") == ALL
    assert pl.read_csv(csv).height == ALL


def test_gdelt_tsv_has_gdelts_61_columns_in_order(db, tmp_path):
    path = tmp_path / "events.tsv"
    assert export(db, path, "gdelt") == ALL
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == ALL
    assert all(line.count("\t") == 60 for line in lines)
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:5] == ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    assert GDELT_COLUMNS[25:35] == ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")  # fmt: skip
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")
    frame = pl.read_csv(
        path, separator="\t", has_header=False, new_columns=list(GDELT_COLUMNS),
        quote_char=None, schema_overrides=GDELT_TYPES,
    )  # fmt: skip
    assert frame["GLOBALEVENTID"].dtype == pl.Int64
    assert frame["GLOBALEVENTID"].n_unique() == ALL
    by_code = {row["EventCode"]: row for row in frame.iter_rows(named=True)}
    month = by_code["036"]  # dated 2024-02: the first day of its month
    assert (month["SQLDATE"], month["MonthYear"], month["Year"]) == (20240201, 202402, 2024)
    assert (month["Actor1Code"], month["Actor1CountryCode"], month["Actor1Type1Code"]) == ("PAKGOV", "PAK", "GOV")  # fmt: skip
    assert month["EventRootCode"] == "03" and month["EventBaseCode"] == "036"
    assert month["NumMentions"] == month["NumArticles"] == 1
    assert month["SOURCEURL"] == "https://example.org/a1"
    assert month["AvgTone"] is None and month["Actor1EthnicCode"] is None
    berlin = by_code["190"]
    assert berlin["ActionGeo_FullName"] == "Berlin"
    assert berlin["ActionGeo_CountryCode"] == "GM"  # FIPS 10-4, as GDELT
    assert berlin["ActionGeo_Lat"] == pytest.approx(52.52)
    igo = by_code["163"]
    assert (igo["Actor1KnownGroupCode"], igo["Actor1CountryCode"]) == ("EUR", None)
    assert by_code["112"]["IsRootEvent"] == 1 and by_code["036"]["IsRootEvent"] == 0
    assert len(str(by_code["112"]["DATEADDED"])) == 14  # YYYYMMDDHHMMSS
    columns = ", ".join(f"'{c}': '{'VARCHAR' if c in GDELT_TYPES or 'Code' in c or 'Name' in c or c == 'SOURCEURL' else 'DOUBLE'}'" for c in GDELT_COLUMNS)  # fmt: skip
    count = (
        duckdb.connect()
        .sql(
            f"SELECT count(*), count(DISTINCT GLOBALEVENTID) FROM read_csv('{path}', delim='\\t', "
            f"header=false, quote='', columns={{{columns}}})"
        )
        .fetchall()[0]
    )
    assert count == (ALL, ALL)


def test_gdelt_header_option_and_filters(db, tmp_path):
    path = tmp_path / "pak_irn.tsv"
    rows = export(db, path, "gdelt", header=True, dyad=Dyad("PAK", "IRN"))
    assert rows == 4
    frame = pl.read_csv(path, separator="\t", quote_char=None, schema_overrides=GDELT_TYPES)
    assert tuple(frame.columns) == GDELT_COLUMNS
    assert frame.height == 4
    assert export(db, tmp_path / "c.tsv", "gdelt", cameo="19") == 1
    assert export(db, tmp_path / "d.tsv", "gdelt", date_from=dt.date(2024, 5, 1)) == 3
    assert export(db, tmp_path / "e.tsv", "gdelt", actor="USA") == 3
    assert export(db, tmp_path / "f.tsv", "gdelt", country="DEU") == 1  # located in Berlin


def test_plover_records_follow_the_plover_field_names(db, tmp_path):
    path = tmp_path / "events.plover.jsonl"
    assert export(db, path, "plover") == ALL - 1  # the CAMEO 01 statement has no PLOVER type
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    aid = next(r for r in records if r["event"] == "AID")
    assert aid["source"] == [{"actorText": "pak", "code": "PAK", "country": "PAK"}]
    assert aid["target"][0]["code"] == "IRN"
    assert (aid["date"], aid["datePrecision"], aid["cameo"]) == ("2024-03-20", "publication", "070")
    assert aid["publication"] == "Wire" and aid["publicationDate"] == "2024-03-20"
    assert aid["coder"] == "eventwire" and aid["version"] == "eventwire-test"
    assert {"id", "mode", "context", "eventText", "text", "language"} <= set(aid)
    assert next(r for r in records if r["event"] == "ASSAULT")["location"]["geonamesID"] == 2950159
    assert pl.read_ndjson(path).height == ALL - 1
    count = duckdb.connect().sql(f"SELECT count(*) FROM read_json('{path}')").fetchall()[0][0]
    assert count == ALL - 1


def test_json_lines_are_the_stable_event_format(db, tmp_path):
    path = tmp_path / "events.jsonl"
    assert export(db, path, "jsonl") == ALL
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert records == db.events()
    assert duckdb.connect().sql(f"SELECT count(*) FROM read_json('{path}')").fetchall()[0][0] == ALL


def test_bad_export_arguments(db, tmp_path):
    with pytest.raises(ConfigError, match="format"):
        export(db, tmp_path / "x", "xml")
    with pytest.raises(ConfigError, match="mentions"):
        export(db, tmp_path / "x", "gdelt", table="mentions")
    with pytest.raises(ConfigError, match="does not exist"):
        export(db, tmp_path / "missing" / "x.csv", "csv")
    with pytest.raises(ConfigError, match="cameo"):
        export(db, tmp_path / "x.csv", "csv", cameo="1;9")


@pytest.mark.slow
def test_every_format_from_the_examples_via_the_cli(
    tmp_path_factory, pipeline, tmp_path, assert_valid_events
):
    db = str(examples_database(tmp_path_factory, pipeline))
    with Database(db, read_only=True) as database:
        total = database.counts()["events"]
    assert total > 0
    runner = CliRunner()
    for fmt, name in [("csv", "e.csv"), ("parquet", "e.parquet"), ("gdelt", "e.tsv"), ("plover", "e.plover.jsonl"), ("jsonl", "e.jsonl")]:  # fmt: skip
        result = runner.invoke(main, ["export", "--db", db, "--format", fmt, "-o", str(tmp_path / name)])  # fmt: skip
        assert result.exit_code == 0, result.output
    assert pl.read_parquet(tmp_path / "e.parquet").height == total
    assert pl.read_csv(tmp_path / "e.csv", schema_overrides=CSV_TYPES).height == total
    assert all(line.count("\t") == 60 for line in (tmp_path / "e.tsv").read_text().splitlines())
    events = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert len(events) == total
    assert_valid_events(events)
    result = runner.invoke(main, ["export", "--db", db, "--format", "gdelt", "-o", "-", "--actor", "PAK", "--with", "IRN"])  # fmt: skip
    assert result.exit_code == 0
    assert len([line for line in result.stdout.splitlines() if line.count("\t") == 60]) >= 1
