"""Analysis on a real DuckDB store: dyad series, timelines, networks, top lists, CLI, benchmark.

Fast tests use a small hand-made database whose answers are known exactly;
slow ones code the bundled examples once per session (shared with
test_export.py and test_recode.py through the same file) and run the commands.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import polars as pl
import pytest
from click.testing import CliRunner, Result

from eventwire import analysis
from eventwire.cli import main
from eventwire.errors import ConfigError
from eventwire.export import write_network
from eventwire.models import Actor, Article, Event, EventDate, Place
from eventwire.store import Database

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


# -- a small database with known answers ------------------------------------------------------


def actor(code: str | None) -> Actor | None:
    if code is None:
        return None
    if code.startswith("IGO"):
        return Actor(text=code.lower(), code=code, country=code[3:6])
    country, sector = code[:3], code[3:] or None
    return Actor(text=code.lower(), code=code, country=country, sector=sector)


def event(
    doc: str,
    index: int,
    src: str | None,
    tgt: str | None,
    cameo: str,
    date: str,
    precision: str = "day",
    *,
    quad: int,
    goldstein: float,
    plover: str | None = "ACCUSE",
    place: Place | None = None,
) -> Event:
    return Event(
        doc_id=doc,
        sentence_index=index,
        sentence=f"Sentence {index} of {doc}\twith a tab.",
        char_start=index * 100,
        char_end=index * 100 + 50,
        source=actor(src),
        target=actor(tgt),
        cameo=cameo,
        cameo_label=f"label {cameo}",
        plover=plover,
        plover_mode=None,
        quad_class=quad,
        goldstein=goldstein,
        date=EventDate(date, precision),
        location=place,
        confidence=0.8,
        coder_version="eventwire-test",
        trigger="did",
        trigger_start=index * 100 + 5,
        trigger_end=index * 100 + 8,
    )


def article(doc: str, day: dt.date) -> Article:
    return Article(id=doc, text=f"text of {doc}", date=day, title=f"Title {doc}", url=f"https://example.org/{doc}", source="Wire")  # fmt: skip


BERLIN = Place("Berlin", "Berlin", "DEU", 52.52, 13.40, 2950159)

#: (article, its events). PAK/IRN dyad: Jan (day), Feb (month precision), Mar (day + publication).
SYNTHETIC = [
    (
        article("a1", dt.date(2024, 1, 17)),
        [
            event("a1", 0, "PAK", "IRN", "112", "2024-01-16", quad=3, goldstein=-2.0),
            event(
                "a1",
                1,
                "PAKGOV",
                "IRNGOV",
                "036",
                "2024-02",
                "month",
                quad=1,
                goldstein=4.0,
                plover="AGREE",
            ),  # fmt: skip
        ],
    ),
    (
        article("a2", dt.date(2024, 3, 20)),
        [
            event(
                "a2",
                0,
                "IRNMIL",
                "PAK",
                "190",
                "2024-03-05",
                quad=4,
                goldstein=-10.0,
                plover="ASSAULT",
                place=BERLIN,
            ),  # fmt: skip
            event(
                "a2",
                1,
                "PAK",
                "IRN",
                "070",
                "2024-03-20",
                "publication",
                quad=2,
                goldstein=7.0,
                plover="AID",
            ),  # fmt: skip
            event(
                "a2",
                2,
                "USA",
                "PRK",
                "130",
                "2024",
                "year",
                quad=3,
                goldstein=-4.4,
                plover="THREATEN",
            ),  # fmt: skip
            event(
                "a2",
                3,
                "IRN",
                None,
                "010",
                "2024-03-20",
                "publication",
                quad=1,
                goldstein=0.0,
                plover=None,
            ),  # fmt: skip
        ],
    ),
    (
        article("a3", dt.date(2024, 5, 2)),
        [
            event("a3", 0, "USAGOV", "PRK", "111", "2024-05-01", quad=3, goldstein=-2.0),
            event(
                "a3",
                1,
                "PRK",
                "USA",
                "138",
                "2024-05-02",
                quad=3,
                goldstein=-7.0,
                plover="THREATEN",
            ),  # fmt: skip
            event(
                "a3",
                2,
                "IGOEUR",
                "IRN",
                "163",
                "2024-05-02",
                quad=4,
                goldstein=-8.0,
                plover="SANCTION",
            ),  # fmt: skip
        ],
    ),
]


def build_synthetic_db(path: Path) -> Path:
    with Database(path) as db:
        for art, events in SYNTHETIC:
            db.write_batch([art], events)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_synthetic_db(tmp_path_factory.mktemp("analysis") / "small.duckdb")
    with Database(path, read_only=True) as database:
        yield database


# -- dyad series ------------------------------------------------------------------------------


def test_monthly_undirected_series_counts_and_scores(db):
    frame = analysis.dyad_series(db, "PAK", "IRN", by="month")
    assert frame.columns == [
        "period", "events", "mentions", *analysis.QUAD_COLUMNS, "goldstein_mean", "goldstein_sum",
    ]  # fmt: skip
    assert frame["period"].to_list() == [dt.date(2024, m, 1) for m in (1, 2, 3)]
    assert frame["events"].to_list() == [1, 1, 2]
    assert frame["mentions"].to_list() == [1, 1, 2]  # no clusters: one mention per event
    assert frame["verbal_cooperation"].to_list() == [0, 1, 0]
    assert frame["material_cooperation"].to_list() == [0, 0, 1]
    assert frame["verbal_conflict"].to_list() == [1, 0, 0]
    assert frame["material_conflict"].to_list() == [0, 0, 1]
    assert frame["goldstein_mean"].to_list() == [-2.0, 4.0, -1.5]
    assert frame["goldstein_sum"].to_list() == [-2.0, 4.0, -3.0]


def test_directed_series_keeps_only_the_first_actor_as_source(db):
    forward = analysis.dyad_series(db, "PAK", "IRN", directed=True)
    backward = analysis.dyad_series(db, "IRN", "PAK", directed=True)
    assert forward["events"].to_list() == [1, 1, 1]
    # IRN -> PAK only in March; a single period, nothing to fill.
    assert backward["period"].to_list() == [dt.date(2024, 3, 1)]
    assert backward["material_conflict"].to_list() == [1]


def test_zero_filled_over_the_requested_range(db):
    frame = analysis.dyad_series(
        db, "PAK", "IRN", date_from=dt.date(2023, 11, 15), date_to=dt.date(2024, 6, 30)
    )
    assert frame["period"].to_list() == [dt.date(2023, 11, 1), dt.date(2023, 12, 1)] + [
        dt.date(2024, m, 1) for m in range(1, 7)
    ]
    assert frame["events"].to_list() == [0, 0, 1, 1, 2, 0, 0, 0]
    empty = frame.filter(pl.col("events") == 0)
    assert empty["goldstein_mean"].null_count() == empty.height
    assert empty["goldstein_sum"].to_list() == [0.0] * empty.height


def test_month_precision_events_are_dropped_from_daily_series_or_put_on_the_first_day(db):
    daily = analysis.dyad_series(db, "PAK", "IRN", by="day")
    assert daily["events"].sum() == 3  # the 2024-02 event has no day
    assert daily.height == (dt.date(2024, 3, 20) - dt.date(2024, 1, 16)).days + 1
    assert analysis.unplaced_events(db, "PAK", "IRN", by="day") == 1
    start = analysis.dyad_series(db, "PAK", "IRN", by="day", imprecise="start")
    assert start.filter(pl.col("period") == dt.date(2024, 2, 1))["events"].to_list() == [1]
    assert analysis.unplaced_events(db, "PAK", "IRN", by="month") == 0


def test_publication_dated_events_can_be_left_out(db):
    frame = analysis.dyad_series(db, "PAK", "IRN", publication=False)
    assert frame["events"].to_list() == [1, 1, 1]
    assert frame["material_cooperation"].sum() == 0


def test_weeks_start_on_monday_and_years_hold_year_precision_events(db):
    weekly = analysis.dyad_series(db, "PAK", "IRN", by="week")
    assert all(p.weekday() == 0 for p in weekly["period"])
    assert weekly["events"].sum() == 3  # the month-precision event spans several weeks
    yearly = analysis.dyad_series(db, "USA", "PRK", by="year")
    assert yearly.rows() == [(dt.date(2024, 1, 1), 3, 3, 0, 0, 3, 0, pytest.approx(-13.4 / 3), pytest.approx(-13.4))]  # fmt: skip
    assert analysis.dyad_series(db, "USA", "PRK", by="month")["events"].sum() == 2


def test_one_actor_against_everyone_matches_code_prefix_and_country(db):
    frame = analysis.dyad_series(db, "IRN", by="year", imprecise="start")
    # a1: 2, a2: IRNMIL->PAK, PAK->IRN, IRN statement; a3: IGOEUR->IRN
    assert frame["events"].to_list() == [6]
    assert analysis.dyad_series(db, "EUR", by="year")["events"].to_list() == [1]
    assert analysis.dyad_series(db, "IRNMIL", by="year")["events"].to_list() == [1]


@pytest.mark.parametrize("by", analysis.PERIODS)
def test_every_period_accounts_for_every_event_with_imprecise_start(db, by):
    frame = analysis.dyad_series(db, "IRN", by=by, imprecise="start")
    assert frame["events"].sum() == 6
    assert (frame["verbal_cooperation"] + frame["material_cooperation"] + frame["verbal_conflict"] + frame["material_conflict"]).to_list() == frame["events"].to_list()  # fmt: skip


def test_no_events_gives_an_empty_frame_with_the_columns(db):
    frame = analysis.dyad_series(db, "FRA", "DEU")
    assert frame.height == 0
    assert "goldstein_mean" in frame.columns


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: analysis.dyad_series(d, "U"), "not an actor code"),
        (lambda d: analysis.dyad_series(d, "USA", by="decade"), "decade"),
        (lambda d: analysis.dyad_series(d, "USA", imprecise="spread"), "imprecise"),
        (
            lambda d: analysis.dyad_series(
                d, "USA", date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 1, 1)
            ),
            "after",
        ),  # fmt: skip
        (lambda d: analysis.actor_network(d, level="city"), "level"),
        (lambda d: analysis.top_events(d, rank="loudest"), "rank"),
    ],
)
def test_bad_arguments_raise_config_errors_that_say_what_to_do(db, call, message):
    with pytest.raises(ConfigError, match=message):
        call(db)


# -- timeline, network, top -------------------------------------------------------------------


def test_timeline_is_in_date_order_with_sentence_and_article(db):
    frame = analysis.timeline(db, "PAK", "IRN")
    assert frame["date"].to_list() == ["2024-01-16", "2024-02", "2024-03-05", "2024-03-20"]
    assert frame["title"].to_list() == ["Title a1", "Title a1", "Title a2", "Title a2"]
    assert frame["url"][0] == "https://example.org/a1"
    assert frame["sentence"][0].startswith("Sentence 0 of a1")
    assert analysis.timeline(db, "PAK", "IRN", limit=2).height == 2
    march = analysis.timeline(
        db, "PAK", date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31)
    )
    assert march["cameo"].to_list() == ["190", "070"]


def test_network_edges_are_weighted_by_events_and_goldstein(db):
    edges = analysis.actor_network(db)
    pak_irn = edges.filter((pl.col("source") == "PAK") & (pl.col("target") == "IRN")).row(0, named=True)  # fmt: skip
    assert pak_irn["events"] == 3
    assert pak_irn["goldstein_sum"] == pytest.approx(9.0)
    assert pak_irn["goldstein_mean"] == pytest.approx(3.0)
    assert edges["events"].sum() == 8  # the statement has no target
    actors = analysis.actor_network(db, level="actor")
    assert {"PAKGOV", "IRNGOV", "USAGOV"} <= set(actors["source"]) | set(actors["target"])
    may = analysis.actor_network(db, date_from=dt.date(2024, 5, 1), date_to=dt.date(2024, 5, 31), min_events=1)  # fmt: skip
    assert sorted(zip(may["source"], may["target"], strict=True)) == [("EUR", "IRN"), ("PRK", "USA"), ("USA", "PRK")]  # fmt: skip
    assert analysis.actor_network(db, min_events=2)["events"].to_list() == [3, 2]


@pytest.mark.parametrize("suffix", ["graphml", "gexf", "csv"])
def test_network_files_load_back(db, tmp_path, suffix):
    edges = analysis.actor_network(db)
    path = write_network(edges, tmp_path / f"net.{suffix}")
    if suffix == "csv":
        back = pl.read_csv(path)
        assert back.sort(["source", "target"]).equals(edges.sort(["source", "target"]))
        return
    graph = nx.read_graphml(path) if suffix == "graphml" else nx.read_gexf(path)
    assert graph.number_of_edges() == edges.height
    assert int(graph.edges["PAK", "IRN"]["weight"]) == 3
    assert float(graph.edges["PAK", "IRN"]["goldstein_sum"]) == pytest.approx(9.0)
    assert int(graph.nodes["IRN"]["events"]) == 5  # PAK->IRN 3, IRN->PAK 1, EUR->IRN 1


def test_top_actors_events_and_roots(db):
    actors = analysis.top_actors(db, level="country", limit=3)
    # actor, events, as source, as target, conflict (quad 3-4)
    assert [row[:5] for row in actors.rows()[:2]] == [("IRN", 6, 2, 4, 3), ("PAK", 4, 3, 1, 2)]
    assert actors.height == 3
    in_germany = analysis.top_actors(db, country="DEU")  # located there
    assert set(in_germany["actor"]) == {"IRNMIL", "PAK"}
    worst = analysis.top_events(db, rank="conflict", limit=2)
    assert worst["cameo"].to_list() == ["190", "163"]
    loudest = analysis.top_events(db)  # one mention each: then by the size of the score
    assert loudest.height == 9 and loudest["cameo"][0] == "190"
    best = analysis.top_events(db, rank="cooperation", limit=1)
    assert best["cameo"].to_list() == ["070"]
    roots = analysis.top_cameo(db)
    assert dict(zip(roots["cameo_root"], roots["events"], strict=True)) == {
        "11": 2, "13": 2, "03": 1, "19": 1, "07": 1, "01": 1, "16": 1,
    }  # fmt: skip
    assert roots["cameo_root"].to_list()[:2] == ["11", "13"]  # ties by root
    assert roots.filter(pl.col("cameo_root") == "19")["label"].to_list() == ["Fight"]


# -- the bundled examples, the CLI and the benchmark (spaCy model) ----------------------------


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory, pipeline) -> Path:
    """The examples coded once per session (shared by path with the other test files)."""
    return examples_database(tmp_path_factory, pipeline)


def examples_database(tmp_path_factory, pipeline) -> Path:
    path = tmp_path_factory.getbasetemp() / "examples_coded" / "examples.duckdb"
    if not path.exists():
        from eventwire.run import code_files

        path.parent.mkdir(exist_ok=True)
        with Database(path) as db:
            code_files([EXAMPLES], db, pipeline)
    return path


def run(args: list[str]) -> Result:
    result = CliRunner().invoke(main, args, env={"COLUMNS": "250"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.mark.slow
def test_series_on_the_examples_agrees_with_plain_sql(examples_db):
    with Database(examples_db, read_only=True) as db:
        frame = analysis.dyad_series(db, "PAK", "IRN", by="month", imprecise="start")
        direct = db.sql(
            "SELECT count(*) AS n FROM events WHERE "
            "((starts_with(source_code, 'PAK') OR source_country = 'PAK') AND "
            " (starts_with(target_code, 'IRN') OR target_country = 'IRN')) OR "
            "((starts_with(source_code, 'IRN') OR source_country = 'IRN') AND "
            " (starts_with(target_code, 'PAK') OR target_country = 'PAK'))"
        )["n"][0]
    assert direct > 0
    assert frame["events"].sum() == direct


@pytest.mark.slow
def test_cli_commands_on_the_examples(examples_db, tmp_path):
    db = str(examples_db)
    result = run(["series", "PAK", "IRN", "--db", db, "--by", "month"])
    assert result.exit_code == 0, result.output
    assert "PAK ↔ IRN by month" in result.output
    out = tmp_path / "series.csv"
    assert run(["series", "PAK", "--db", db, "--by", "year", "-o", str(out)]).exit_code == 0
    assert pl.read_csv(out, try_parse_dates=True)["events"].sum() > 0
    result = run(["timeline", "PAK", "IRN", "--db", db])
    assert result.exit_code == 0 and "Pakistan" in result.output
    graph = tmp_path / "net.graphml"
    assert run(["network", "--db", db, "-o", str(graph)]).exit_code == 0
    assert nx.read_graphml(graph).number_of_edges() > 0
    for what in ("events", "actors", "cameo"):
        result = run(["top", what, "--db", db, "--limit", "3"])
        assert result.exit_code == 0, result.output
    result = run(["series", "P", "--db", db])
    assert result.exit_code != 0 and "not an actor code" in result.output


@pytest.mark.slow
def test_plot_dyad_writes_png_and_svg(examples_db, tmp_path):
    png, svg = tmp_path / "pak_irn.png", tmp_path / "eur.svg"
    result = run(["plot", "dyad", "PAK", "IRN", "--db", str(examples_db), "--by", "month", "-o", str(png)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run(["plot", "dyad", "EUR", "--db", str(examples_db), "--by", "week", "-o", str(svg)]).exit_code == 0  # fmt: skip
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "EUR" in svg.read_text()  # the title is drawn as text
    result = run(["plot", "dyad", "FRA", "BRA", "--db", str(examples_db), "-o", str(tmp_path / "x.png")])  # fmt: skip
    assert result.exit_code != 0 and "no events" in result.output


def test_benchmark_script_builds_and_times_a_small_database(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("query_bench", REPO / "benchmarks" / "query_bench.py")  # fmt: skip
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path / "bench.duckdb"
    assert bench.main(["--events", "20000", "--db", str(path), "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "20,000 events" in out and "dyad series USA↔PRK by month" in out and "OK" in out
    with Database(path, read_only=True) as db:
        assert db.counts()["events"] == 20_000
        series = analysis.dyad_series(db, "USA", "PRK", imprecise="start")
        direct = db.sql(
            "SELECT count(*) AS n FROM events WHERE (source_country = 'USA' AND target_country = 'PRK') "
            "OR (source_country = 'PRK' AND target_country = 'USA')"
        )["n"][0]
        assert series["events"].sum() == direct > 0
        # Zero-filled: consecutive months, none missing.
        periods = series["period"].to_list()
        assert all((b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 for a, b in zip(periods[:-1], periods[1:], strict=True))  # fmt: skip


def test_clustered_mentions_count_once_in_their_first_period(tmp_path):
    import duckdb

    from eventwire.export import export

    path = build_synthetic_db(tmp_path / "clustered.duckdb")
    con = duckdb.connect(str(path))
    try:
        columns = {r[0] for r in con.sql("DESCRIBE events").fetchall()}
        if "cluster_id" not in columns:
            pytest.skip("this store does not group mentions into clusters")
        # PAK->IRN in January (112) and in March (070) reported as one event.
        con.execute("UPDATE events SET cluster_id = 'c1' WHERE cameo IN ('112', '070')")
    finally:
        con.close()
    with Database(path, read_only=True) as db:
        assert analysis.has_clusters(db)
        frame = analysis.dyad_series(db, "PAK", "IRN")
        assert frame["events"].to_list() == [1, 1, 1]
        assert frame["mentions"].to_list() == [2, 1, 1]
        assert frame["goldstein_mean"][0] == pytest.approx(2.5)
        edges = analysis.actor_network(db)
        pak_irn = edges.filter((pl.col("source") == "PAK") & (pl.col("target") == "IRN"))
        assert (pak_irn["events"][0], pak_irn["mentions"][0]) == (2, 3)
        top = analysis.top_events(db, limit=1)
        assert (top["mentions"][0], top["articles"][0], top["cameo"][0]) == (2, 2, "112")
        tsv = tmp_path / "clustered.tsv"
        assert export(db, tsv, "gdelt") == sum(len(e) for _, e in SYNTHETIC) - 1
        rows = [line.split("\t") for line in tsv.read_text().splitlines()]
        assert sorted(int(r[31]) for r in rows)[-1] == 2  # NumMentions of the cluster
