"""Shared fixtures: one Pipeline per session, the event JSON Schema, and data paths.

The Pipeline is cheap to build but loads the spaCy model on first use; building
it once here (and ``load_nlp`` caching the model) keeps the slow tests fast.
Shared data in ../shared is read-only and optional: tests that need it skip.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"
SEED_ARTICLE_NAME = "000_8c9f69aaa352faaa.txt"


@pytest.fixture(scope="session")
def pipeline():
    """The default coder, built once; the first test that parses pays for the model."""
    from eventwire.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def event_schema() -> dict[str, Any]:
    return json.loads(
        files("eventwire").joinpath("schema/event.schema.json").read_text(encoding="utf-8")
    )


@pytest.fixture(scope="session")
def schema_validator(event_schema):
    """A Draft 2020-12 validator over src/eventwire/schema/event.schema.json."""
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(event_schema)
    return Draft202012Validator(event_schema)


@pytest.fixture(scope="session")
def assert_valid_events(schema_validator) -> Callable[[Iterable[dict[str, Any]]], None]:
    """Check event dicts against the schema; the failure names each event and error."""

    def check(events: Iterable[dict[str, Any]]) -> None:
        problems = []
        for event in events:
            for error in schema_validator.iter_errors(event):
                path = "/".join(str(p) for p in error.absolute_path) or "<root>"
                problems.append(f"{event.get('event_id')} {path}: {error.message}")
        assert not problems, "events do not match the schema:\n" + "\n".join(problems[:20])

    return check


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def seed_article_path(shared_dir: Path) -> Path:
    path = shared_dir / "seed" / SEED_ARTICLE_NAME
    if not path.is_file():
        pytest.skip(f"seed article not found at {path}")
    return path


@pytest.fixture(scope="session")
def seed_expected_path(shared_dir: Path) -> Path:
    path = shared_dir / "seed" / "expected_events.json"
    if not path.is_file():
        pytest.skip(f"seed expectations not found at {path}")
    return path


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    assert EXAMPLES.is_dir(), f"the bundled examples are missing: {EXAMPLES}"
    return EXAMPLES


@pytest.fixture(scope="session")
def example_db(tmp_path_factory, pipeline, examples_dir) -> Path:
    """A database with the bundled examples coded once per session."""
    from eventwire.run import code_files
    from eventwire.store import Database

    path = tmp_path_factory.mktemp("served") / "examples.duckdb"
    with Database(path) as db:
        code_files([examples_dir], db, pipeline)
    return path


@pytest.fixture(scope="session")
def served_examples(example_db) -> Iterator[str]:
    """``eventwire serve`` on the example database in a subprocess on a free loopback
    port; yields its base URL."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "eventwire", "serve", "--db", str(example_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"eventwire serve exited: {proc.stdout.read() if proc.stdout else ''}")
            try:
                if httpx.get(f"{base}/api/summary", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("eventwire serve did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
