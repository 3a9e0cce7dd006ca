"""Commands that read the database: events (clustered) and their mentions."""

from __future__ import annotations

import csv
import json
import sys

import click
from rich.console import Console
from rich.table import Table

from eventwire.cli.main import (
    date_option,
    fail_clearly,
    main,
)
from eventwire.config import DEFAULT_DB

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


CLUSTER_COLUMNS = [
    "date",
    "source",
    "cameo",
    "target",
    "cameo_label",
    "location",
    "mentions",
    "sources",
    "articles",
]


@main.command()
@click.option(
    "--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False, exists=True)
)
@click.option("--actor", help="Source or target code prefix, e.g. PRK or USAGOV.")
@click.option("--country", help="Source or target country (ISO3).")
@click.option("--cameo", help="CAMEO code prefix, e.g. 04 or 1712.")
@click.option("--since", callback=date_option, help="Events on or after this date (YYYY-MM-DD).")
@click.option("--until", callback=date_option, help="Events on or before this date.")
@click.option("--limit", default=100, show_default=True, help="0 for no limit.")
@click.option(
    "--mentions",
    "raw",
    is_flag=True,
    help="List the raw mentions (one row per report) instead of clustered events.",
)
@click.option("--min-mentions", type=int, help="Only events reported at least this often.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@fail_clearly
def events(
    db: str, actor, country, cameo, since, until, limit: int, raw: bool, min_mentions, fmt: str
) -> None:
    """Query stored events: one row per event with its mention counts, or --mentions.

    An event groups every report (mention) of the same happening, across
    sentences and articles (docs/dedup.md); --mentions lists the reports.

    \b
    Examples:
      eventwire events --actor PRK --since 2020-06-01
      eventwire events --min-mentions 3 --format jsonl
      eventwire events --mentions --cameo 17 --format csv > coercion.csv
    """
    from eventwire.store import Database

    filters = dict(
        actor=actor, country=country, cameo=cameo, date_from=since, date_to=until,
        limit=limit or None,
    )  # fmt: skip
    with Database(db, read_only=True) as database:
        if raw:
            rows = database.events(**filters)
        else:
            rows = database.clusters(min_mentions=min_mentions, **filters)
    if raw:
        _print(
            rows, fmt, EVENT_COLUMNS, lambda r: [r["event_id"], r["doc_id"]], ["event_id", "doc_id"]
        )
    else:
        _print(rows, fmt, CLUSTER_COLUMNS, _cluster_ids, ["cluster_id", "event_ids"])


def _cluster_ids(row: dict) -> list[str]:
    return [row["cluster_id"], " ".join(m["event_id"] for m in row.get("mentions") or ())]


def _print(rows: list[dict], fmt: str, columns: list[str], ids, id_header: list[str]) -> None:
    """Rows as JSON Lines, CSV (the shown columns plus ids) or a table."""
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns + id_header)
        for row in rows:
            writer.writerow([_cell(row, c) for c in columns] + ids(row))
    else:
        Console().print(_table(rows, columns))


def events_table(rows: list[dict]) -> Table:
    return _table(rows, EVENT_COLUMNS)


def _table(rows: list[dict], columns: list[str]) -> Table:
    table = Table(show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold", max_width=60 if column == "sentence" else None)
    for row in rows:
        table.add_row(*[_cell(row, c) for c in columns])
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
    if column in ("mentions", "sources", "articles"):
        return str(row.get(f"num_{column}", ""))
    return "" if value is None else str(value)
