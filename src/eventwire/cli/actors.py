"""eventwire actors: how a name resolves on a given date, and why."""

from __future__ import annotations

import datetime as dt

import click

from eventwire.cli.main import date_option, fail_clearly, main


@main.group()
def actors() -> None:
    """Inspect actor resolution.

    \b
    Examples:
      eventwire actors lookup "Erdogan" --date 2023-05-01
      eventwire actors lookup "Barack Obama" --date 2018-01-01
    """


@actors.command()
@click.argument("name")
@click.option("--date", "day", callback=date_option, help="Article date (default: today).")
@click.option(
    "--actors",
    "actors_file",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="User actor dictionary to apply first.",
)
@fail_clearly
def lookup(name: str, day: dt.date | None, actors_file: tuple[str, ...]) -> None:
    """Show how NAME resolves on a date: user dictionary, tables, office holders.

    \b
    Examples:
      eventwire actors lookup "Imran Khan" --date 2019-06-01
      eventwire actors lookup Putin --date 2010-03-01
    """
    from eventwire.actors import explain_name
    from eventwire.dictionaries import load_user_actors

    user = [entry for path in actors_file for entry in load_user_actors(path)]
    for line in explain_name(name, day or dt.date.today(), user_actors=user):
        click.echo(line)
