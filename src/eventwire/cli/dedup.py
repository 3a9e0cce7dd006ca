"""Commands about duplicate reports: recluster."""

from __future__ import annotations

import time

import click

from eventwire.cli.main import err, fail_clearly, main
from eventwire.config import DEFAULT_DB


@main.command()
@click.option(
    "--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False, exists=True)
)
@fail_clearly
def recluster(db: str) -> None:
    """Rebuild the event clusters from the stored mentions (docs/dedup.md).

    Coding clusters as it goes, so this is only needed after changing the
    clustering rules or to check a database; it gives the same clusters and
    ids as coding did.

    \b
    Examples:
      eventwire recluster --db events.duckdb
    """
    from eventwire.store import Database

    started = time.perf_counter()
    with Database(db) as database:
        stats = database.recluster()
    secs = time.perf_counter() - started
    err.print(
        f"{stats['mentions']} mentions grouped into {stats['clusters']} events in {secs:.1f}s"
    )
