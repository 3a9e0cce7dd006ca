"""The command line: each command parses options, calls one library function, reports.

Commands live in one module per concern and register on the ``main`` group.
"""

from eventwire.cli import (  # noqa: F401  (registers commands)
    actors,
    analysis,
    bench,
    check,
    coding,
    dedup,
    evaluation,
    query,
    serve,
)
from eventwire.cli.main import main

__all__ = ["main"]
