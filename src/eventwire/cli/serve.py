"""Commands that serve the database over HTTP: serve (and ``demo --serve`` uses run_server)."""

from __future__ import annotations

import os

import click

from eventwire.cli.main import err, fail_clearly, main
from eventwire.config import DEFAULT_MODEL

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run_server(
    db: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    allow_writes: bool = False,
    token: str | None = None,
    model: str = DEFAULT_MODEL,
) -> None:
    """Serve the API and dashboard for ``db`` until interrupted.

    On a loopback address the Host header must name loopback too, so a web
    page on another site cannot reach the API through DNS rebinding.
    """
    import uvicorn

    from eventwire.api import create_app

    loopback = host in LOOPBACK
    allowed = ["127.0.0.1", "localhost", "[::1]"] if loopback else None
    app = create_app(db, allow_writes=allow_writes, token=token, model=model, allowed_hosts=allowed)
    if not loopback:
        err.print(
            f"[yellow]warning[/] listening on {host}: anyone who can reach this address can "
            "read the database" + (" and, with the token, write to it." if allow_writes else ".")
        )
    shown = f"[{host}]" if ":" in host else host
    mode = "writes allowed with the token" if allow_writes else "read-only"
    err.print(f"serving {db} ({mode}) at http://{shown}:{port}/ — press Ctrl+C to stop")
    try:
        uvicorn.run(
            app, host=host, port=port, log_level="warning", server_header=False, access_log=False
        )
    finally:
        app.state.eventwire.close()


@main.command()
@click.option(
    "--db", required=True, type=click.Path(dir_okay=False, exists=True), help="Database to serve."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Enable POST /api/articles (codes and stores); needs --token-env.",
)
@click.option(
    "--token-env",
    metavar="VAR",
    help="Environment variable holding the operator's bearer token (16+ characters).",
)
@click.option(
    "--model", default=DEFAULT_MODEL, show_default=True, help="spaCy pipeline for coding."
)
@fail_clearly
def serve(
    db: str, host: str, port: int, allow_writes: bool, token_env: str | None, model: str
) -> None:
    """Serve the JSON API and the dashboard for a database (read-only by default).

    \b
    Examples:
      eventwire serve --db events.duckdb
      eventwire serve --db events.duckdb --port 8080
      EW_TOKEN=$(openssl rand -hex 24) eventwire serve --db events.duckdb \\
          --allow-writes --token-env EW_TOKEN
    """
    token = None
    if allow_writes:
        if not token_env:
            raise click.UsageError(
                "--allow-writes needs --token-env VAR naming the token's variable"
            )
        token = os.environ.get(token_env)
        if not token:
            raise click.UsageError(f"environment variable {token_env} is not set or empty")
    elif token_env:
        raise click.UsageError("--token-env is only used with --allow-writes")
    run_server(db, host, port, allow_writes=allow_writes, token=token, model=model)
