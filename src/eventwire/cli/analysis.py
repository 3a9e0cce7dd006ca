"""Commands that analyse and export the database: series, timeline, network, top,
export, plot, recode and diff. Each calls one library function and prints or writes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from eventwire.cli.main import build_pipeline, date_option, err, fail_clearly, main
from eventwire.config import DEFAULT_DB, DEFAULT_MODEL
from eventwire.errors import ConfigError

_PERIODS = ["day", "week", "month", "year"]


def _db_option(fn: Any) -> Any:
    return click.option(
        "--db",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False, exists=True),
        help="The eventwire DuckDB file.",
    )(fn)


def _range_options(fn: Any) -> Any:
    fn = click.option("--until", callback=date_option, help="Last day (YYYY-MM-DD).")(fn)
    return click.option("--since", callback=date_option, help="First day (YYYY-MM-DD).")(fn)


def _output_option(help_text: str) -> Any:
    return click.option("-o", "--output", type=click.Path(dir_okay=False), help=help_text)


def emit(frame: Any, output: str | None, *, title: str | None = None) -> None:
    """Print a polars frame as a table, or write it (.csv, .parquet, .jsonl; '-' = CSV out)."""
    if output is None:
        Console().print(frame_table(frame, title=title))
        return
    if output == "-":
        sys.stdout.write(frame.write_csv())
        return
    path = Path(output)
    suffix = path.suffix.lower()
    if not path.parent.exists():
        raise ConfigError(f"cannot write {path}: the folder {path.parent} does not exist")
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix in (".jsonl", ".ndjson"):
        frame.write_ndjson(path)
    else:
        raise ConfigError(f"cannot tell the format of {path.name!r}: use .csv, .parquet or .jsonl")
    err.print(f"wrote {frame.height} rows to {path}")


def frame_table(frame: Any, *, title: str | None = None, width: int = 60) -> Table:
    table = Table(title=title)
    for name in frame.columns:
        table.add_column(name, overflow="fold", max_width=width)
    for row in frame.iter_rows():
        table.add_row(*[_cell(v) for v in row])
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


@main.command()
@click.argument("actor")
@click.argument("other", required=False)
@_db_option
@click.option("--by", type=click.Choice(_PERIODS), default="month", show_default=True)
@click.option("--directed", is_flag=True, help="Only ACTOR as source (and OTHER as target).")
@click.option(
    "--imprecise",
    type=click.Choice(["drop", "start"]),
    default="drop",
    show_default=True,
    help="Events dated more coarsely than --by: leave out, or count in their first period.",
)
@click.option("--no-publication", is_flag=True, help="Leave out events dated by publication.")
@_range_options
@_output_option("Write .csv, .parquet or .jsonl instead of printing.")
@fail_clearly
def series(
    actor: str, other: str | None, db: str, by: str, directed: bool, imprecise: str,
    no_publication: bool, since, until, output: str | None,
) -> None:  # fmt: skip
    """Dyadic time series of ACTOR with OTHER (or with everyone): quad-class counts,
    Goldstein mean and sum, events and mentions per period, zero-filled.

    \b
    Examples:
      eventwire series PAK IRN --by month
      eventwire series USA PRK --by week --since 2020-01-01 -o usa_prk.csv
      eventwire series RUS --directed --by year
    """
    from eventwire.analysis import Dyad, dyad_series, unplaced_events
    from eventwire.store import Database

    args = {"by": by, "directed": directed, "date_from": since, "date_to": until,
            "publication": not no_publication}  # fmt: skip
    with Database(db, read_only=True) as database:
        frame = dyad_series(database, actor, other, imprecise=imprecise, **args)
        left_out = unplaced_events(database, actor, other, **args) if imprecise == "drop" else 0
    emit(frame, output, title=f"{Dyad(actor, other, directed).label} by {by}")
    if left_out:
        err.print(
            f"{left_out} event(s) dated more coarsely than a {by} were left out "
            "(--imprecise start counts them in their first period)"
        )


@main.command()
@click.argument("actor")
@click.argument("other", required=False)
@_db_option
@click.option("--directed", is_flag=True, help="Only ACTOR as source (and OTHER as target).")
@_range_options
@click.option("--limit", default=100, show_default=True, help="0 for no limit.")
@_output_option("Write .csv, .parquet or .jsonl instead of printing.")
@fail_clearly
def timeline(
    actor: str, other: str | None, db: str, directed: bool, since, until, limit: int,
    output: str | None,
) -> None:  # fmt: skip
    """The events of ACTOR (with OTHER) in date order, with evidence sentence and article.

    \b
    Examples:
      eventwire timeline USA PRK --since 2020-06-01 --until 2020-06-30
      eventwire timeline PAK -o pakistan.csv --limit 0
    """
    from eventwire.analysis import Dyad
    from eventwire.analysis import timeline as build
    from eventwire.store import Database

    with Database(db, read_only=True) as database:
        frame = build(
            database, actor, other, directed=directed, date_from=since, date_to=until,
            limit=limit,
        )  # fmt: skip
    if output is None:
        frame = frame.select(
            "date", "source_code", "cameo", "cameo_label", "target_code", "sentence",
            "title", "doc_id",
        )  # fmt: skip
    emit(frame, output, title=f"timeline {Dyad(actor, other, directed).label}")


@main.command()
@_db_option
@click.option("--level", type=click.Choice(["country", "actor"]), default="country",
              show_default=True, help="Nodes are countries, or full actor codes.")  # fmt: skip
@click.option("--country", help="Only events involving or located in this country (ISO3).")
@_range_options
@click.option("--min-events", default=1, show_default=True, help="Drop lighter edges.")
@click.option("--no-self-loops", is_flag=True, help="Leave out events within one node.")
@_output_option("Write .graphml, .gexf or .csv (edges) instead of printing.")
@fail_clearly
def network(
    db: str, level: str, country: str | None, since, until, min_events: int,
    no_self_loops: bool, output: str | None,
) -> None:  # fmt: skip
    """Actor network: weighted edges source → target with event counts and Goldstein.

    \b
    Examples:
      eventwire network --since 2024-01-01 --until 2024-12-31 -o 2024.graphml
      eventwire network --level actor --country IRN -o iran.gexf
    """
    from eventwire.analysis import actor_network
    from eventwire.export import write_network
    from eventwire.store import Database

    with Database(db, read_only=True) as database:
        edges = actor_network(
            database, level=level, date_from=since, date_to=until, country=country,
            min_events=min_events, self_loops=not no_self_loops,
        )  # fmt: skip
    if output is None:
        emit(edges, None, title=f"{edges.height} edges")
        return
    path = write_network(edges, output)
    err.print(f"wrote {edges.height} edges to {path}")


@main.command()
@click.argument("what", type=click.Choice(["events", "actors", "cameo"]))
@_db_option
@click.option("--country", help="Only events involving or located in this country (ISO3).")
@_range_options
@click.option("--limit", default=10, show_default=True)
@click.option("--level", type=click.Choice(["country", "actor"]), default="actor",
              show_default=True, help="For actors: countries or full codes.")  # fmt: skip
@click.option("--rank", type=click.Choice(["mentions", "conflict", "cooperation"]),
              default="mentions", show_default=True, help="For events: what ranks first.")  # fmt: skip
@_output_option("Write .csv, .parquet or .jsonl instead of printing.")
@fail_clearly
def top(
    what: str, db: str, country: str | None, since, until, limit: int, level: str, rank: str,
    output: str | None,
) -> None:  # fmt: skip
    """Top events, actors or CAMEO roots for a period and country.

    \b
    Examples:
      eventwire top actors --country IRN --since 2024-01-01
      eventwire top events --rank conflict --limit 20
      eventwire top cameo
    """
    from eventwire import analysis
    from eventwire.store import Database

    window = {"date_from": since, "date_to": until, "country": country, "limit": limit}
    with Database(db, read_only=True) as database:
        if what == "events":
            frame = analysis.top_events(database, rank=rank, **window)
        elif what == "actors":
            frame = analysis.top_actors(database, level=level, **window)
        else:
            frame = analysis.top_cameo(database, **window)
    emit(frame, output, title=f"top {what}")


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "gdelt", "plover", "jsonl"]),
              default="csv", show_default=True, help="docs/exports.md describes each.")  # fmt: skip
@click.option("--table", type=click.Choice(["events", "mentions"]), default="events",
              show_default=True, help="For csv/parquet: events, or where each was reported.")  # fmt: skip
@click.option("-o", "--output", required=True, help="Output file, '-' for stdout.")
@click.option("--actor", help="Events of this actor (code prefix or country).")
@click.option("--with", "other", help="With --actor: only its events with this actor.")
@click.option("--directed", is_flag=True, help="With --actor: only as source.")
@click.option("--country", help="Events involving or located in this country (ISO3).")
@click.option("--cameo", help="CAMEO code prefix, e.g. 19.")
@_range_options
@click.option("--header", is_flag=True, help="gdelt: add a header line (GDELT files have none).")
@fail_clearly
def export(
    db: str, fmt: str, table: str, output: str, actor: str | None, other: str | None,
    directed: bool, country: str | None, cameo: str | None, since, until, header: bool,
) -> None:  # fmt: skip
    """Export events as CSV, Parquet, GDELT 2.0 TSV, PLOVER JSON Lines or JSON Lines.

    \b
    Examples:
      eventwire export --format parquet -o events.parquet
      eventwire export --format gdelt -o events.tsv --since 2024-01-01
      eventwire export --format csv --table mentions -o mentions.csv
      eventwire export --format plover --actor IRN -o iran.plover.jsonl
    """
    from eventwire.analysis import Dyad
    from eventwire.export import export as run_export
    from eventwire.store import Database

    if other and not actor:
        raise click.UsageError("--with needs --actor")
    dyad = Dyad(actor, other, directed) if actor else None
    with Database(db, read_only=True) as database:
        rows = run_export(
            database, output, fmt, table=table, dyad=dyad, country=country, cameo=cameo,
            date_from=since, date_to=until, header=header,
        )  # fmt: skip
    err.print(f"wrote {rows} {'records' if fmt in ('plover', 'jsonl') else 'rows'} ({fmt})"
              + ("" if output == "-" else f" to {output}"))  # fmt: skip


@main.group()
def plot() -> None:
    """Charts (PNG or SVG, drawn offline).

    \b
    Examples:
      eventwire plot dyad USA PRK --by month -o usa-prk.png
    """


@plot.command("dyad")
@click.argument("actor")
@click.argument("other", required=False)
@_db_option
@click.option("--by", type=click.Choice(_PERIODS), default="month", show_default=True)
@click.option("--directed", is_flag=True)
@click.option("--imprecise", type=click.Choice(["drop", "start"]), default="drop",
              show_default=True)  # fmt: skip
@_range_options
@_output_option("A .png or .svg file (default: dyad_ACTOR_OTHER_BY.png).")
@fail_clearly
def plot_dyad(
    actor: str, other: str | None, db: str, by: str, directed: bool, imprecise: str, since,
    until, output: str | None,
) -> None:  # fmt: skip
    """Quad-class bars and the Goldstein line of ACTOR with OTHER, per period.

    \b
    Examples:
      eventwire plot dyad USA PRK --by month
      eventwire plot dyad PAK IRN --by week -o pak_irn.svg
    """
    from eventwire.analysis import Dyad, dyad_series
    from eventwire.plot import plot_series
    from eventwire.store import Database

    dyad = Dyad(actor, other, directed)
    with Database(db, read_only=True) as database:
        frame = dyad_series(
            database, actor, other, by=by, directed=directed, date_from=since, date_to=until,
            imprecise=imprecise,
        )  # fmt: skip
    if frame.height == 0:
        raise click.ClickException(f"no events for {dyad.label} in {db}; nothing to plot")
    path = output or f"dyad_{dyad.a}_{dyad.b or 'all'}_{by}.png"
    plot_series(frame, path, title=f"{dyad.label}, events per {by}", by=by)
    err.print(f"wrote {path} ({frame.height} periods, {int(frame['events'].sum())} events)")


def _pipeline_options(fn: Any) -> Any:
    decorators = [
        click.option("--model", default=DEFAULT_MODEL, show_default=True),
        click.option("--patterns", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help="Extra lexicon file(s), same format as data/lexicon.tsv."),
        click.option("--actors", "actors_file", multiple=True,
                     type=click.Path(exists=True, dir_okay=False),
                     help="User actor dictionary (CSV/YAML, docs/actors.md)."),
        click.option("--statements", is_flag=True, help="Also code CAMEO 01 statements."),
        click.option("--processes", default=1, show_default=True, help="Parser processes."),
    ]  # fmt: skip
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def _print_diff(diff: Any, show: int) -> None:
    summary = diff.summary()
    err.print(
        f"{summary['articles']} articles: {summary['before']} events before, "
        f"{summary['after']} after; {summary['added']} added, {summary['removed']} removed, "
        f"{summary['changed']} changed, {summary['unchanged']} unchanged"
    )
    console = Console()
    if summary["added"] or summary["removed"] or summary["changed"]:
        console.print(frame_table(diff.by_root(), title="by CAMEO root"))
        console.print(frame_table(diff.by_actor().head(30), title="by actor"))
        columns = ["kind", "what", "before_cameo", "after_cameo", "before_source_code",
                   "after_source_code", "before_target_code", "after_target_code", "trigger",
                   "sentence"]  # fmt: skip
        if show:
            console.print(frame_table(diff.changes.select(columns).head(show), title="changes"))


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True,
              type=click.Path(dir_okay=False, exists=True))  # fmt: skip
@_pipeline_options
@click.option("--dry-run", is_flag=True, help="Only report what would change; write nothing.")
@click.option("--snapshot", type=click.Path(dir_okay=False),
              help="Where to save the events before (default: DB.before-recode.parquet).")  # fmt: skip
@click.option("--show", default=20, show_default=True, help="Changed events to list.")
@fail_clearly
def recode(db: str, dry_run: bool, snapshot: str | None, show: int, **kw: Any) -> None:
    """Re-code the stored articles with the current coder and report what changed.

    Same as `eventwire code --recode`, plus the report: events added, removed and
    changed, by CAMEO root and actor. --dry-run shows the effect of an edited
    pattern file or dictionary before you accept it.

    \b
    Examples:
      eventwire recode --db events.duckdb --patterns mine.tsv --dry-run
      eventwire recode --db events.duckdb --patterns mine.tsv
      eventwire diff --db events.duckdb --before events.duckdb.before-recode.parquet
    """
    from eventwire import recode as rc
    from eventwire.store import Database

    pipeline = build_pipeline(kw)
    if dry_run:
        with Database(db, read_only=True) as database:
            diff = rc.preview(database, pipeline)
        err.print("[bold]dry run[/]: nothing was written")
    else:
        path = snapshot or f"{db}.before-recode.parquet"
        with Database(db) as database:
            diff = rc.recode(database, pipeline, snapshot_path=path)
        err.print(f"events before the recode saved to {path}")
    err.print(f"coding fingerprint {rc.coding_fingerprint(pipeline)}")
    _print_diff(diff, show)


@main.command()
@_db_option
@click.option("--before", required=True, type=click.Path(dir_okay=False, exists=True),
              help="Snapshot (.parquet from recode) or an older copy of the database.")  # fmt: skip
@click.option("--by", type=click.Choice(["summary", "root", "actor", "events"]),
              default="summary", show_default=True)  # fmt: skip
@click.option("--show", default=20, show_default=True, help="Changed events to list.")
@_output_option("Write the --by table as .csv, .parquet or .jsonl.")
@fail_clearly
def diff(db: str, before: str, by: str, show: int, output: str | None) -> None:
    """Report what a recode added, removed and changed, by CAMEO root and actor.

    \b
    Examples:
      eventwire diff --db events.duckdb --before events.duckdb.before-recode.parquet
      eventwire diff --db events.duckdb --before old.duckdb --by root -o roots.csv
    """
    from eventwire import recode as rc
    from eventwire.store import Database

    old = rc.load_snapshot(before)
    with Database(db, read_only=True) as database:
        result = rc.diff_database(database, old)
    if by == "summary":
        _print_diff(result, show)
        return
    frame = {"root": result.by_root, "actor": result.by_actor}.get(by, lambda: result.changes)()
    emit(frame, output, title=f"changes by {by}")
