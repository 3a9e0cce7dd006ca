"""The click group and what every command shares: options, error handling, output."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from eventwire import __version__
from eventwire.config import DEFAULT_MODEL, Settings
from eventwire.errors import EventwireError

err = Console(stderr=True, soft_wrap=True)  # messages name paths: never wrap them


def fail_clearly(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EventwireError as e:
            raise click.ClickException(str(e)) from e

    return wrapper


def date_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
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
            callback=date_option,
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
        click.option(
            "--actors-petrarch",
            "actors_petrarch",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="PETRARCH/TABARI actor or agent dictionary (docs/petrarch.md).",
        ),
        click.option(
            "--patterns-petrarch",
            "patterns_petrarch",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="PETRARCH verb dictionary (CAMEO.2.0.txt format), merged over the lexicon.",
        ),
        click.option("--statements", is_flag=True, help="Also emit CAMEO 01 statements."),
        click.option("--processes", default=1, show_default=True, help="Parser processes."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def read_options(kw: dict[str, Any]):
    from eventwire.ingest import ReadOptions

    return ReadOptions(
        date=kw["date"],
        fmt=kw["fmt"],
        id_field=kw["id_field"],
        date_field=kw["date_field"],
        text_field=kw["text_field"],
        title_field=kw["title_field"],
    )


def build_pipeline(kw: dict[str, Any]):
    from eventwire.pipeline import Pipeline

    user_actors = []
    if kw.get("actors_file"):
        from eventwire.dictionaries import load_user_actors

        for path in kw["actors_file"]:
            user_actors.extend(load_user_actors(path))
    sectors: dict[str, str] = {}
    lexicon = None
    if kw.get("actors_petrarch") or kw.get("patterns_petrarch"):
        from eventwire.petrarch import load_petrarch

        actors, sectors, lexicon, reports = load_petrarch(
            kw.get("actors_petrarch", ()), kw.get("patterns_petrarch", ())
        )
        user_actors.extend(actors)
        for report in reports:
            err.print(f"[dim]{escape(report.summary())}[/]")
    settings = Settings(model=kw["model"], n_process=kw["processes"])
    return Pipeline(
        settings,
        patterns=kw["patterns"],
        user_actors=user_actors,
        include_statements=kw["statements"],
        lexicon=lexicon,
        extra_sectors=sectors,
    )


def progress_bar() -> Progress:
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


def report_rejects(rejects: list, limit: int = 20) -> None:
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
