"""Commands about the database file itself: check."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from eventwire.cli.main import err, fail_clearly, main
from eventwire.config import DEFAULT_DB


@main.command()
@click.option(
    "--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False, exists=True)
)
@click.option(
    "--upgrade",
    is_flag=True,
    help="Open for writing, so an older schema is upgraded (after a backup to DB.bak-vN).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@fail_clearly
def check(db: str, upgrade: bool, as_json: bool) -> None:
    """Verify a database: schema version and columns, that every event's article and
    cluster exist, every cluster's mentions exist and match its counts, every
    duplicate link's articles exist; print the counts. Exits 1 on any problem.

    Read-only unless --upgrade.

    \b
    Examples:
      eventwire check --db events.duckdb
      eventwire check --db old.duckdb --upgrade
      eventwire check --db events.duckdb --json
    """
    from eventwire.check import check_database
    from eventwire.errors import StoreError
    from eventwire.store import Database

    try:
        database = Database(db, read_only=not upgrade)
    except StoreError as e:
        hint = " (or run `eventwire check --upgrade`)" if "old schema version" in str(e) else ""
        raise click.ClickException(f"{e}{hint}") from e
    with database:
        if database.backup_path is not None:
            err.print(
                f"schema upgraded; the old file was copied to {escape(str(database.backup_path))}"
            )
        report = check_database(database)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        out = Console()
        table = Table("check", "result", title=f"eventwire check {escape(db)}")
        failed = {p.check: p for p in report.problems}
        for name in report.checks:
            problem = failed.get(name)
            if problem is None:
                table.add_row(name, "[green]ok[/]")
            else:
                shown = f" (e.g. {', '.join(problem.examples)})" if problem.examples else ""
                table.add_row(name, f"[red]{escape(problem.message + shown)}[/]")
        out.print(table)
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items())
        out.print(f"schema version {report.schema_version}; {counts}")
        for note in report.notes:
            out.print(f"[yellow]note[/] {escape(note)}")
    if not report.ok:
        err.print(f"[red]{len(report.problems)} check(s) failed[/]")
        raise SystemExit(1)
