"""The DuckDB store: the only module that talks to the database.

One file holds articles, events, rejects and runs, so a run can be resumed
(articles already stored are skipped), re-coded (``replace=True``) and queried
by analysts with plain SQL. Every batch is written in one transaction from
whole Arrow frames: row-by-row inserts are two orders of magnitude slower.
See docs/database.md for the tables and columns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from eventwire.dedup import Clustering, Duplicate, Fingerprint, Mention, cluster_mentions
from eventwire.errors import DatabaseLockedError, StoreError
from eventwire.models import Article, Event, Reject

if TYPE_CHECKING:
    import polars

DEFAULT_PATH = "eventwire.duckdb"

#: The schema version this eventwire writes. Bump it and add a MIGRATIONS entry
#: whenever a table changes; never edit an existing entry.
SCHEMA_VERSION = 3

#: Steps that bring a database from version ``v - 1`` to ``v`` (1 = a new file).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE meta (
            key VARCHAR PRIMARY KEY,
            value VARCHAR
        )""",
        """CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            inputs VARCHAR,
            articles BIGINT NOT NULL DEFAULT 0,
            events BIGINT NOT NULL DEFAULT 0,
            rejects BIGINT NOT NULL DEFAULT 0,
            coder_version VARCHAR
        )""",
        """CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            date DATE NOT NULL,
            title VARCHAR,
            url VARCHAR,
            source VARCHAR,
            dateline VARCHAR,
            origin VARCHAR,
            text VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            coded_at TIMESTAMP NOT NULL,
            coder_version VARCHAR,
            run_id INTEGER
        )""",
        """CREATE TABLE events (
            event_id VARCHAR PRIMARY KEY,
            doc_id VARCHAR NOT NULL,
            sentence_index INTEGER NOT NULL,
            sentence VARCHAR,
            char_start INTEGER,
            char_end INTEGER,
            source_text VARCHAR,
            source_code VARCHAR,
            source_country VARCHAR,
            source_sector VARCHAR,
            source_name VARCHAR,
            target_text VARCHAR,
            target_code VARCHAR,
            target_country VARCHAR,
            target_sector VARCHAR,
            target_name VARCHAR,
            cameo VARCHAR NOT NULL,
            cameo_root VARCHAR NOT NULL,
            cameo_label VARCHAR,
            plover VARCHAR,
            plover_mode VARCHAR,
            quad_class INTEGER,
            goldstein DOUBLE,
            date VARCHAR NOT NULL,
            date_precision VARCHAR NOT NULL,
            date_text VARCHAR,
            date_start DATE NOT NULL,
            date_end DATE NOT NULL,
            location_text VARCHAR,
            location_name VARCHAR,
            location_country VARCHAR,
            location_lat DOUBLE,
            location_lon DOUBLE,
            location_geonames_id BIGINT,
            location_precision VARCHAR,
            confidence DOUBLE,
            coder_version VARCHAR,
            trigger VARCHAR,
            trigger_start INTEGER,
            trigger_end INTEGER,
            extra VARCHAR
        )""",
        """CREATE TABLE rejects (
            origin VARCHAR NOT NULL,
            line INTEGER,
            reason VARCHAR NOT NULL,
            record VARCHAR,
            seen_at TIMESTAMP NOT NULL,
            run_id INTEGER
        )""",
    ),
    2: (
        # events stay mentions (one report each); clusters are the real-world events.
        "ALTER TABLE events ADD COLUMN cluster_id VARCHAR",
        """CREATE TABLE clusters (
            cluster_id VARCHAR PRIMARY KEY,
            source_key VARCHAR NOT NULL,
            target_key VARCHAR NOT NULL,
            cameo_root VARCHAR NOT NULL,
            num_mentions INTEGER NOT NULL,
            num_sources INTEGER NOT NULL,
            num_articles INTEGER NOT NULL,
            source_code VARCHAR,
            source_country VARCHAR,
            source_sector VARCHAR,
            source_name VARCHAR,
            source_from VARCHAR,
            target_code VARCHAR,
            target_country VARCHAR,
            target_sector VARCHAR,
            target_name VARCHAR,
            target_from VARCHAR,
            cameo VARCHAR NOT NULL,
            cameo_label VARCHAR,
            plover VARCHAR,
            plover_mode VARCHAR,
            quad_class INTEGER,
            goldstein DOUBLE,
            cameo_from VARCHAR NOT NULL,
            date VARCHAR NOT NULL,
            date_precision VARCHAR NOT NULL,
            date_start DATE NOT NULL,
            date_end DATE NOT NULL,
            date_from VARCHAR NOT NULL,
            location_text VARCHAR,
            location_name VARCHAR,
            location_country VARCHAR,
            location_lat DOUBLE,
            location_lon DOUBLE,
            location_geonames_id BIGINT,
            location_precision VARCHAR,
            location_from VARCHAR,
            first_reported DATE,
            last_reported DATE
        )""",
        """CREATE TABLE article_duplicates (
            article_id VARCHAR NOT NULL,
            duplicate_of VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            similarity DOUBLE NOT NULL,
            found_at TIMESTAMP NOT NULL,
            PRIMARY KEY (article_id, duplicate_of)
        )""",
        """CREATE TABLE article_lsh (
            article_id VARCHAR NOT NULL,
            band SMALLINT NOT NULL,
            bucket BIGINT NOT NULL
        )""",
    ),
    3: (
        # the hash of the lexicon, tables and dictionaries each event was coded with
        "ALTER TABLE events ADD COLUMN coding_fingerprint VARCHAR",
    ),
}

_ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("date", pa.date32()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("dateline", pa.string()),
        ("origin", pa.string()),
        ("text", pa.string()),
        ("content_hash", pa.string()),
        ("coded_at", pa.timestamp("us")),
        ("coder_version", pa.string()),
        ("run_id", pa.int32()),
    ]
)

_ACTOR_FIELDS = ("text", "code", "country", "sector", "name")
_PLACE_FIELDS = ("text", "name", "country", "lat", "lon", "geonames_id", "precision")
_PLACE_TYPES = {"lat": pa.float64(), "lon": pa.float64(), "geonames_id": pa.int64()}

_EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("doc_id", pa.string()),
        ("sentence_index", pa.int32()),
        ("sentence", pa.string()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
        *[(f"source_{f}", pa.string()) for f in _ACTOR_FIELDS],
        *[(f"target_{f}", pa.string()) for f in _ACTOR_FIELDS],
        ("cameo", pa.string()),
        ("cameo_root", pa.string()),
        ("cameo_label", pa.string()),
        ("plover", pa.string()),
        ("plover_mode", pa.string()),
        ("quad_class", pa.int32()),
        ("goldstein", pa.float64()),
        ("date", pa.string()),
        ("date_precision", pa.string()),
        ("date_text", pa.string()),
        ("date_start", pa.date32()),
        ("date_end", pa.date32()),
        *[(f"location_{f}", _PLACE_TYPES.get(f, pa.string())) for f in _PLACE_FIELDS],
        ("confidence", pa.float64()),
        ("coder_version", pa.string()),
        ("trigger", pa.string()),
        ("trigger_start", pa.int32()),
        ("trigger_end", pa.int32()),
        ("extra", pa.string()),
        ("cluster_id", pa.string()),
        ("coding_fingerprint", pa.string()),
    ]
)

_CLUSTER_SCHEMA = pa.schema(
    [
        ("cluster_id", pa.string()),
        ("source_key", pa.string()),
        ("target_key", pa.string()),
        ("cameo_root", pa.string()),
        ("num_mentions", pa.int32()),
        ("num_sources", pa.int32()),
        ("num_articles", pa.int32()),
        *[(f"source_{f}", pa.string()) for f in ("code", "country", "sector", "name", "from")],
        *[(f"target_{f}", pa.string()) for f in ("code", "country", "sector", "name", "from")],
        ("cameo", pa.string()),
        ("cameo_label", pa.string()),
        ("plover", pa.string()),
        ("plover_mode", pa.string()),
        ("quad_class", pa.int32()),
        ("goldstein", pa.float64()),
        ("cameo_from", pa.string()),
        ("date", pa.string()),
        ("date_precision", pa.string()),
        ("date_start", pa.date32()),
        ("date_end", pa.date32()),
        ("date_from", pa.string()),
        *[(f"location_{f}", _PLACE_TYPES.get(f, pa.string())) for f in _PLACE_FIELDS],
        ("location_from", pa.string()),
        ("first_reported", pa.date32()),
        ("last_reported", pa.date32()),
    ]
)

_DUPLICATE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("duplicate_of", pa.string()),
        ("kind", pa.string()),
        ("similarity", pa.float64()),
        ("found_at", pa.timestamp("us")),
    ]
)

_LSH_SCHEMA = pa.schema([("article_id", pa.string()), ("band", pa.int16()), ("bucket", pa.int64())])


def _actor_key_sql(side: str) -> str:
    """SQL twin of ``dedup.actor_key``: country, else ``name:`` + name, else code."""
    return (
        f"coalesce(nullif({side}_country, ''), 'name:' || lower(nullif({side}_name, '')), "
        f"nullif({side}_code, ''), '')"
    )


_BLOCK_SQL = f"{_actor_key_sql('source')} AS source_key, {_actor_key_sql('target')} AS target_key"

_REJECT_SCHEMA = pa.schema(
    [
        ("origin", pa.string()),
        ("line", pa.int32()),
        ("reason", pa.string()),
        ("record", pa.string()),
        ("seen_at", pa.timestamp("us")),
        ("run_id", pa.int32()),
    ]
)

# Keys of Event.to_dict(), in order; the nested objects are rebuilt from prefixed columns.
_EVENT_DICT_KEYS = (
    "event_id",
    "doc_id",
    "sentence_index",
    "sentence",
    "char_start",
    "char_end",
    "source",
    "target",
    "cameo",
    "cameo_root",
    "cameo_label",
    "plover",
    "plover_mode",
    "quad_class",
    "goldstein",
    "date",
    "date_precision",
    "date_text",
    "location",
    "confidence",
    "coder_version",
    "trigger",
    "trigger_start",
    "trigger_end",
    "coding_fingerprint",
)
_NESTED = {"source": _ACTOR_FIELDS, "target": _ACTOR_FIELDS, "location": _PLACE_FIELDS}

# Statement types the analyst escape hatch runs (DESCRIBE, SHOW, SUMMARIZE, WITH
# and FROM-first queries all parse as SELECT), and the PRAGMAs that only read.
_READ_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA"}
_READ_PRAGMAS = {
    "database_list",
    "database_size",
    "functions",
    "metadata_info",
    "platform",
    "show",
    "show_databases",
    "show_tables",
    "show_tables_expanded",
    "storage_info",
    "table_info",
    "version",
}
_PID = re.compile(r"\(PID (\d+)\)")
_frame_names = itertools.count()


def content_hash(text: str) -> str:
    """SHA-1 of the whitespace- and case-normalised text, for exact-duplicate detection.

    Uses the same normalisation as ``Article.make_id`` so that a re-published
    copy with different spacing or capitalisation is recognised as the same text.
    """
    norm = " ".join(text.split()).casefold()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def expected_columns() -> dict[str, list[tuple[str, str]]]:
    """Every table's ``(column, type)`` pairs as the migrations create them (a fresh
    in-memory database), for ``eventwire check`` to compare a file against."""
    with Database(":memory:") as fresh:
        return fresh.columns()


@dataclass(frozen=True)
class BatchResult:
    """What one ``write_batch`` call changed."""

    articles_added: int = 0  # new articles stored
    articles_skipped: int = 0  # already stored (or repeated in the batch) and left alone
    events_added: int = 0
    rejects_added: int = 0
    articles_replaced: int = 0  # already stored and re-coded (replace=True)
    events_removed: int = 0  # old events of replaced articles
    duplicates_added: int = 0  # links to articles this batch repeats (article_duplicates)

    def to_dict(self) -> dict[str, int]:
        return {
            "articles_added": self.articles_added,
            "articles_skipped": self.articles_skipped,
            "events_added": self.events_added,
            "rejects_added": self.rejects_added,
            "articles_replaced": self.articles_replaced,
            "events_removed": self.events_removed,
            "duplicates_added": self.duplicates_added,
        }


def _now() -> dt.datetime:
    """UTC wall time without tzinfo: DuckDB TIMESTAMP columns hold UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _coder_version() -> str:
    import eventwire  # late: eventwire/__init__ may import this module

    return str(eventwire.CODER_VERSION)


def _package_version() -> str:
    import eventwire

    return str(eventwire.__version__)


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


class Database:
    """An eventwire DuckDB file: open, check or create the schema, read and write.

    DuckDB lets one process write a file, or any number of processes read it;
    a second writer gets ``DatabaseLockedError``. Use as a context manager so
    the lock is released promptly.
    """

    def __init__(self, path: str | Path = DEFAULT_PATH, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        #: where the file was copied before an automatic schema upgrade (None: no upgrade)
        self.backup_path: Path | None = None
        memory = self.path == ":memory:"
        self._where = self.path if memory else os.path.abspath(self.path)
        if read_only and memory:
            raise StoreError("An in-memory database cannot be opened read-only: it would be empty.")
        if read_only and not Path(self.path).exists():
            raise StoreError(
                f"Database {self._where} does not exist, so it cannot be opened read-only. "
                "Check the path, or run eventwire on some input first to create it."
            )
        try:
            self._con: duckdb.DuckDBPyConnection | None = duckdb.connect(
                self.path, read_only=read_only
            )
        except duckdb.Error as e:
            raise self._open_error(e) from e
        try:
            self._prepare_schema()
        except BaseException:
            self.close()
            raise

    # -- opening -----------------------------------------------------------------

    def _open_error(self, e: duckdb.Error) -> StoreError:
        msg = str(e)
        if "lock" in msg.lower() and "conflicting" in msg.lower():
            pid_match = _PID.search(msg)
            pid = f" (PID {pid_match.group(1)})" if pid_match else ""
            if "read-only mode" in msg:
                # DuckDB adds this hint only when the holder itself is a reader.
                return DatabaseLockedError(
                    f"Database {self._where} is open read-only in another process{pid}, so it "
                    "cannot be opened for writing. Open it read-only as well "
                    "(Database(path, read_only=True)), or wait for that process to finish "
                    "before writing."
                )
            return DatabaseLockedError(
                f"Database {self._where} is locked: another process{pid} has it open for "
                "writing, and while it does DuckDB lets no other process open the file, "
                "not even read-only. Wait for the other eventwire process to finish (or "
                "stop it), then retry; or write this run to a different database file."
            )
        if "different configuration" in msg:
            return StoreError(
                f"Database {self._where} is already open in this process with a different "
                f"read_only setting; close that Database first. ({msg})"
            )
        return StoreError(f"Cannot open database {self._where}: {msg}")

    def _prepare_schema(self) -> None:
        con = self._connection()
        tables = {
            row[0]
            for row in con.sql(
                "SELECT table_name FROM duckdb_tables() "
                "WHERE database_name = current_database() AND schema_name = 'main'"
            ).fetchall()
        }
        if not tables:
            if self.read_only:
                raise StoreError(
                    f"Database {self._where} is empty (no eventwire tables); "
                    "open it for writing once to create them."
                )
            self._migrate(0)
            return
        if "meta" not in tables:
            raise StoreError(
                f"{self._where} is a DuckDB file but not an eventwire database (it has no "
                "'meta' table). Choose another path for the eventwire database."
            )
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"Database {self._where} has schema version {version}, written by a newer "
                f"eventwire; this eventwire ({_package_version()}) understands schema versions "
                f"up to {SCHEMA_VERSION}. Upgrade eventwire (pip install -U eventwire) to use it."
            )
        if version < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"Database {self._where} has the old schema version {version} (current: "
                    f"{SCHEMA_VERSION}). Open it once for writing to upgrade it, then read it."
                )
            self.backup_path = self._backup(version)
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Apply every migration after ``version`` in one transaction."""
        con = self._connection()
        con.begin()
        try:
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for step in MIGRATIONS[target]:
                    con.sql(step)
            if version == 0:
                meta = [
                    ("schema_version", str(SCHEMA_VERSION)),
                    ("created_at", _now().isoformat()),
                    ("coder_version", None),
                ]
                for key, value in meta:
                    con.sql("INSERT INTO meta VALUES (?, ?)", params=[key, value])
            else:
                con.sql(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                    params=[str(SCHEMA_VERSION)],
                )
            if 0 < version < 2 <= SCHEMA_VERSION:
                # version 2 added clusters: group the stored mentions in the same
                # transaction, so a crash cannot leave a v2 file with unclustered events
                self._recluster_blocks(None)
            con.commit()
        except BaseException as e:
            con.rollback()
            if isinstance(e, duckdb.Error):
                raise StoreError(
                    f"Could not create or upgrade the schema of {self._where} "
                    f"(from version {version} to {SCHEMA_VERSION}): {e}"
                ) from e
            raise

    def _backup(self, version: int) -> Path | None:
        """Copy the file to ``<db>.bak-v<version>`` before migrating it; returns the copy.

        An upgrade cannot be undone, so the old file is kept. The WAL is folded in
        first so that the copy is complete, and the copy is written under a temporary
        name and renamed, so a crash never leaves a truncated backup. An existing
        backup is never overwritten (the next one gets ``.1``, ``.2``, ...).
        """
        if self.path == ":memory:":
            return None
        con = self._connection()
        base = f"{self.path}.bak-v{version}"
        target, n = Path(base), 0
        while target.exists():
            n += 1
            target = Path(f"{base}.{n}")
        partial = target.with_name(target.name + ".partial")
        try:
            con.sql("CHECKPOINT")
            shutil.copyfile(self.path, partial)
            wal = Path(f"{self.path}.wal")
            if wal.exists() and wal.stat().st_size:
                shutil.copyfile(wal, f"{target}.wal")
            os.replace(partial, target)
        except (OSError, duckdb.Error) as e:
            partial.unlink(missing_ok=True)
            raise StoreError(
                f"Could not back up {self._where} to {target} before upgrading its schema from "
                f"version {version} to {SCHEMA_VERSION}: {e}. The database was not changed; "
                "free some disk space or fix the folder's permissions, then open it again."
            ) from e
        return target

    def columns(self) -> dict[str, list[tuple[str, str]]]:
        """Each table's ``(column, type)`` pairs in order, to compare with ``expected_columns``."""
        rows = (
            self._connection()
            .sql(
                "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                "WHERE database_name = current_database() AND schema_name = 'main' "
                "ORDER BY table_name, column_index"
            )
            .fetchall()
        )
        out: dict[str, list[tuple[str, str]]] = {}
        for table, column, kind in rows:
            out.setdefault(table, []).append((column, kind))
        return out

    def schema_version(self) -> int:
        """The schema version recorded in the file's ``meta`` table."""
        rows = (
            self._connection().sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        )
        try:
            return int(rows[0][0])
        except (IndexError, TypeError, ValueError) as e:
            raise StoreError(
                f"Database {self._where} has no valid schema_version in its meta table; "
                "it was not written by eventwire or is damaged."
            ) from e

    def meta(self) -> dict[str, str | None]:
        """The ``meta`` key/value pairs (schema_version, created_at, coder_version)."""
        return dict(self._connection().sql("SELECT key, value FROM meta ORDER BY key").fetchall())

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        """Release the file (and its lock); safe to call twice."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        state = "closed" if self._con is None else mode
        return f"Database({self._where!r}, {state})"

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"Database {self._where} is closed; open a new Database to use it.")
        return self._con

    def _writable(self) -> duckdb.DuckDBPyConnection:
        if self.read_only:
            raise StoreError(
                f"Database {self._where} was opened read-only; open it without read_only to write."
            )
        return self._connection()

    @contextmanager
    def _frame(self, table: pa.Table) -> Iterator[str]:
        """Register an Arrow table under a fresh name for the duration of a query."""
        con = self._connection()
        name = f"_ew_frame_{next(_frame_names)}"
        con.register(name, table)
        try:
            yield name
        finally:
            con.unregister(name)

    def _insert_frame(self, table_name: str, frame: pa.Table, condition: str = "") -> int:
        """``INSERT INTO table SELECT ... FROM frame [WHERE condition]``; returns rows added."""
        if frame.num_rows == 0:
            return 0
        cols = ", ".join(f'"{c}"' for c in frame.column_names)
        with self._frame(frame) as name:
            where = f" WHERE {condition}" if condition else ""
            rows = (
                self._connection()
                .sql(f"INSERT INTO {table_name} ({cols}) SELECT {cols} FROM {name} f{where}")
                .fetchall()
            )
        return int(rows[0][0]) if rows else 0

    # -- lookups -----------------------------------------------------------------

    def known_article_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these article ids are already stored (to skip them on a re-run)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        frame = pa.table({"id": pa.array(wanted, pa.string())})
        with self._frame(frame) as name:
            rows = (
                self._connection()
                .sql(f"SELECT a.id FROM articles a JOIN {name} f ON a.id = f.id")
                .fetchall()
            )
        return {r[0] for r in rows}

    def known_content_hashes(self, hashes: Iterable[str]) -> dict[str, str]:
        """Content hash -> id of a stored article with that text (the smallest id if several)."""
        wanted = list(dict.fromkeys(hashes))
        if not wanted:
            return {}
        frame = pa.table({"h": pa.array(wanted, pa.string())})
        with self._frame(frame) as name:
            rows = (
                self._connection()
                .sql(
                    f"SELECT a.content_hash, min(a.id) FROM articles a "
                    f"JOIN {name} f ON a.content_hash = f.h GROUP BY a.content_hash"
                )
                .fetchall()
            )
        return {h: i for h, i in rows}

    # -- writing -----------------------------------------------------------------

    def write_batch(
        self,
        articles: Sequence[Article],
        events: Sequence[Event],
        rejects: Sequence[Reject] = (),
        *,
        replace: bool = False,
        run_id: int | None = None,
        coder_version: str | None = None,
        duplicates: Sequence[Duplicate] = (),
        fingerprints: Sequence[Fingerprint] = (),
        cluster: bool = True,
    ) -> BatchResult:
        """Store a batch in one transaction; nothing of it is kept if any part fails.

        Articles already stored are skipped together with their events, so a
        re-run is idempotent; with ``replace=True`` their old events are deleted
        and the new ones stored instead (re-coding). Every event must belong to
        an article of the same batch. ``run_id`` adds the counts to that run.

        ``duplicates`` link batch articles to the articles they repeat and
        ``fingerprints`` enter them in the near-duplicate index (docs/dedup.md).
        With ``cluster`` the event clusters of every dyad and CAMEO root the
        batch touched are rebuilt in the same transaction.
        """
        con = self._writable()
        version = coder_version or _coder_version()
        now = _now()

        batch: dict[str, Article] = {}
        repeated = 0
        for article in articles:
            if article.id in batch:
                repeated += 1
            else:
                batch[article.id] = article
        orphans = sorted({e.doc_id for e in events} - batch.keys())
        if orphans:
            raise StoreError(
                f"{len(orphans)} article id(s) have events in this batch but no article "
                f"(e.g. {orphans[0]!r}); pass each article together with its events."
            )
        reject_rows = _dedup_rejects(rejects)

        con.begin()
        try:
            stored = self.known_article_ids(batch)
            replaced = stored if replace else set()
            skipped = set() if replace else stored
            write_ids = [i for i in batch if i not in skipped]
            removed = 0
            touched: set[tuple[str, str, str]] = set()
            if replaced:
                ids_frame = pa.table({"id": pa.array(sorted(replaced), pa.string())})
                with self._frame(ids_frame) as name:
                    if cluster:
                        touched |= self._blocks(f"doc_id IN (SELECT id FROM {name})")
                    for table in ("article_duplicates", "article_lsh"):
                        con.sql(f"DELETE FROM {table} WHERE article_id IN (SELECT id FROM {name})")
                    removed = int(
                        con.sql(
                            f"DELETE FROM events WHERE doc_id IN (SELECT id FROM {name})"
                        ).fetchall()[0][0]
                    )
                    con.sql(f"DELETE FROM articles WHERE id IN (SELECT id FROM {name})")
            added_articles = self._insert_frame(
                "articles", _article_table([batch[i] for i in write_ids], now, version, run_id)
            )
            keep = set(write_ids)
            unique: dict[str, Event] = {}
            for event in events:
                if event.doc_id in keep:
                    unique.setdefault(event.event_id, event)
            rows = self._event_rows(list(unique.values()))
            added_events = self._insert_frame(
                "events",
                pa.Table.from_pylist(rows, schema=_EVENT_SCHEMA),
                "f.event_id NOT IN (SELECT event_id FROM events)",
            )
            added_links = self._insert_duplicates(duplicates, fingerprints, keep, now)
            if cluster and rows:
                new_ids = pa.table({"id": pa.array([r["event_id"] for r in rows], pa.string())})
                with self._frame(new_ids) as name:
                    touched |= self._blocks(f"event_id IN (SELECT id FROM {name})")
            if touched:
                self._recluster_blocks(touched)
            reject_table = pa.Table.from_pylist(
                [{**r, "seen_at": now, "run_id": run_id} for r in reject_rows],
                schema=_REJECT_SCHEMA,
            )
            added_rejects = self._insert_frame(
                "rejects",
                reject_table,
                "NOT EXISTS (SELECT 1 FROM rejects r WHERE r.origin = f.origin "
                "AND r.line IS NOT DISTINCT FROM f.line AND r.reason = f.reason)",
            )
            if added_articles or added_events or replaced:
                con.sql("UPDATE meta SET value = ? WHERE key = 'coder_version'", params=[version])
            if run_id is not None:
                con.sql(
                    "UPDATE runs SET articles = articles + ?, events = events + ?, "
                    "rejects = rejects + ? WHERE run_id = ?",
                    params=[added_articles, added_events, added_rejects, run_id],
                )
            con.commit()
        except BaseException as e:
            con.rollback()
            if isinstance(e, duckdb.Error):
                raise StoreError(
                    f"Writing a batch of {len(batch)} articles to {self._where} failed and "
                    f"was rolled back (nothing of it was stored): {e}"
                ) from e
            raise
        return BatchResult(
            articles_added=added_articles - len(replaced),
            articles_skipped=len(skipped) + repeated,
            events_added=added_events,
            rejects_added=added_rejects,
            articles_replaced=len(replaced),
            events_removed=removed,
            duplicates_added=added_links,
        )

    @staticmethod
    def _event_rows(events: Sequence[Event]) -> list[dict[str, Any]]:
        rows = []
        for event in events:
            try:
                start, end = event.date.bounds()
                extra = json.dumps(event.extra, sort_keys=True, default=str)
            except (TypeError, ValueError) as e:
                raise StoreError(
                    f"Event in article {event.doc_id!r}, sentence {event.sentence_index} "
                    f"cannot be stored: bad date {event.date.date!r} or extra field ({e})."
                ) from e
            d = event.to_dict()
            row: dict[str, Any] = {}
            for key, value in d.items():
                if key in _NESTED:
                    for field in _NESTED[key]:
                        row[f"{key}_{field}"] = value[field] if value is not None else None
                else:
                    row[key] = value
            row["date_start"], row["date_end"], row["extra"] = start, end, extra
            row["cluster_id"] = None  # set by clustering in the same transaction
            rows.append(row)
        return rows

    # -- duplicates and clusters -------------------------------------------------

    def _insert_duplicates(
        self,
        duplicates: Sequence[Duplicate],
        fingerprints: Sequence[Fingerprint],
        keep: set[str],
        now: dt.datetime,
    ) -> int:
        """Duplicate links and LSH buckets of the batch articles actually written."""
        links = {
            (d.article_id, d.duplicate_of): d
            for d in duplicates
            if d.article_id in keep and d.article_id != d.duplicate_of
        }
        added = self._insert_frame(
            "article_duplicates",
            pa.Table.from_pylist(
                [
                    {
                        "article_id": d.article_id,
                        "duplicate_of": d.duplicate_of,
                        "kind": d.kind,
                        "similarity": float(d.similarity),
                        "found_at": now,
                    }
                    for d in links.values()
                ],
                schema=_DUPLICATE_SCHEMA,
            ),
            "NOT EXISTS (SELECT 1 FROM article_duplicates d WHERE d.article_id = f.article_id "
            "AND d.duplicate_of = f.duplicate_of)",
        )
        lsh_rows = {
            "article_id": [],
            "band": [],
            "bucket": [],
        }  # type: dict[str, list[Any]]
        for fp in {f.article_id: f for f in fingerprints if f.article_id in keep}.values():
            for band, bucket in enumerate(fp.buckets):
                lsh_rows["article_id"].append(fp.article_id)
                lsh_rows["band"].append(band)
                lsh_rows["bucket"].append(bucket)
        self._insert_frame("article_lsh", pa.table(lsh_rows, schema=_LSH_SCHEMA))
        return added

    def near_duplicate_candidates(self, fingerprints: Sequence[Fingerprint]) -> dict[str, set[str]]:
        """Stored articles sharing an LSH bucket with each fingerprint (candidates only:
        confirm them with ``dedup.confirm``)."""
        cols: dict[str, list[Any]] = {"qid": [], "band": [], "bucket": []}
        for fp in fingerprints:
            for band, bucket in enumerate(fp.buckets):
                cols["qid"].append(fp.article_id)
                cols["band"].append(band)
                cols["bucket"].append(bucket)
        if not cols["qid"]:
            return {}
        frame = pa.table(
            cols,
            schema=pa.schema([("qid", pa.string()), ("band", pa.int16()), ("bucket", pa.int64())]),
        )
        with self._frame(frame) as name:
            rows = (
                self._connection()
                .sql(
                    f"SELECT DISTINCT f.qid, l.article_id FROM article_lsh l JOIN {name} f "
                    "ON l.band = f.band AND l.bucket = f.bucket WHERE l.article_id <> f.qid"
                )
                .fetchall()
            )
        out: dict[str, set[str]] = {}
        for qid, aid in rows:
            out.setdefault(qid, set()).add(aid)
        return out

    def duplicates(self) -> list[dict[str, Any]]:
        """Links of duplicate articles (``article_id`` repeats ``duplicate_of``), oldest first."""
        rel = self._connection().sql(
            "SELECT article_id, duplicate_of, kind, similarity FROM article_duplicates "
            "ORDER BY found_at, article_id, duplicate_of"
        )
        return rel.to_arrow_table().to_pylist()

    def event_objects(self, doc_ids: Iterable[str]) -> dict[str, list[Event]]:
        """Stored events of these articles rebuilt as ``Event`` objects (to copy them to an
        exact duplicate without parsing it again), in text order."""
        wanted = list(dict.fromkeys(doc_ids))
        out: dict[str, list[Event]] = {i: [] for i in wanted}
        if not wanted:
            return out
        frame = pa.table({"id": pa.array(wanted, pa.string())})
        with self._frame(frame) as name:
            table = (
                self._connection()
                .sql(
                    f"SELECT * FROM events WHERE doc_id IN (SELECT id FROM {name}) "
                    "ORDER BY doc_id, char_start, trigger_start, event_id"
                )
                .to_arrow_table()
            )
        for row in table.to_pylist():
            out[row["doc_id"]].append(_event_object(row))
        return out

    def _blocks(self, where: str) -> set[tuple[str, str, str]]:
        """The (source key, target key, CAMEO root) blocks of the events matching ``where``."""
        rows = (
            self._connection()
            .sql(
                f"SELECT DISTINCT {_actor_key_sql('source')}, {_actor_key_sql('target')}, "
                f"cameo_root FROM events WHERE {where}"
            )
            .fetchall()
        )
        return {(a, b, c) for a, b, c in rows}

    def _mentions(self, blocks: set[tuple[str, str, str]] | None) -> tuple[list[Mention], list]:
        """Every mention of these blocks (all when None) and the duplicate links among them."""
        con = self._connection()
        base = (
            f"SELECT e.* EXCLUDE (extra), {_BLOCK_SQL}, a.source AS article_source, "
            "a.date AS article_date FROM events e LEFT JOIN articles a ON a.id = e.doc_id"
        )
        if blocks is None:
            table = con.sql(base).to_arrow_table()
        else:
            keys = sorted(blocks)
            frame = pa.table(
                {
                    "s": pa.array([k[0] for k in keys], pa.string()),
                    "t": pa.array([k[1] for k in keys], pa.string()),
                    "r": pa.array([k[2] for k in keys], pa.string()),
                }
            )
            with self._frame(frame) as name:
                table = con.sql(
                    f"SELECT m.* FROM ({base}) m JOIN {name} f ON m.source_key = f.s "
                    "AND m.target_key = f.t AND m.cameo_root = f.r"
                ).to_arrow_table()
        mentions = [Mention.from_row(row) for row in table.to_pylist()]
        docs = pa.table({"id": pa.array(sorted({m.doc_id for m in mentions}), pa.string())})
        with self._frame(docs) as name:
            pairs = con.sql(
                f"SELECT article_id, duplicate_of FROM article_duplicates "
                f"WHERE article_id IN (SELECT id FROM {name}) "
                f"AND duplicate_of IN (SELECT id FROM {name})"
            ).fetchall()
        return mentions, pairs

    def _recluster_blocks(self, blocks: set[tuple[str, str, str]] | None) -> Clustering:
        """Rebuild the clusters of these blocks (all when None); inside the caller's transaction."""
        con = self._connection()
        mentions, pairs = self._mentions(blocks)
        result = cluster_mentions(mentions, pairs)
        if blocks is None:
            con.sql("DELETE FROM clusters")
        else:
            keys = sorted(blocks)
            frame = pa.table(
                {
                    "s": pa.array([k[0] for k in keys], pa.string()),
                    "t": pa.array([k[1] for k in keys], pa.string()),
                    "r": pa.array([k[2] for k in keys], pa.string()),
                }
            )
            with self._frame(frame) as name:
                con.sql(
                    f"DELETE FROM clusters c USING {name} f WHERE c.source_key = f.s "
                    "AND c.target_key = f.t AND c.cameo_root = f.r"
                )
        self._insert_frame(
            "clusters", pa.Table.from_pylist(result.clusters, schema=_CLUSTER_SCHEMA)
        )
        changed = [
            (m.event_id, result.assignment[m.event_id])
            for m in mentions
            if m.row.get("cluster_id") != result.assignment[m.event_id]
        ]
        if changed:
            frame = pa.table(
                {
                    "event_id": pa.array([c[0] for c in changed], pa.string()),
                    "cluster_id": pa.array([c[1] for c in changed], pa.string()),
                }
            )
            with self._frame(frame) as name:
                con.sql(
                    f"UPDATE events SET cluster_id = f.cluster_id FROM {name} f "
                    "WHERE events.event_id = f.event_id"
                )
        return result

    def recluster(self) -> dict[str, int]:
        """Rebuild every cluster from the stored mentions, in one transaction.

        Gives the same clusters and ids as clustering batch by batch did, because
        clustering is a function of the set of mentions (docs/dedup.md).
        """
        con = self._writable()
        con.begin()
        try:
            result = self._recluster_blocks(None)
            con.commit()
        except BaseException as e:
            con.rollback()
            if isinstance(e, duckdb.Error):
                raise StoreError(
                    f"Re-clustering {self._where} failed and was rolled back: {e}"
                ) from e
            raise
        return {"mentions": len(result.assignment), "clusters": len(result.clusters)}

    def start_run(self, inputs: Sequence[str] | str = ()) -> int:
        """Record the start of a run and return its id (the ``runs`` table shows progress)."""
        con = self._writable()
        listed = [inputs] if isinstance(inputs, str) else [str(i) for i in inputs]
        con.begin()
        try:
            run_id = int(con.sql("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0][0])
            con.sql(
                "INSERT INTO runs (run_id, started_at, inputs, coder_version) VALUES (?, ?, ?, ?)",
                params=[run_id, _now(), json.dumps(listed), _coder_version()],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return run_id

    def finish_run(
        self, run_id: int, counts: BatchResult | Mapping[str, int] | None = None
    ) -> None:
        """Mark a run finished; ``counts`` (articles, events, rejects) overwrite its totals.

        Without ``counts`` the totals accumulated by ``write_batch(run_id=...)`` stay.
        """
        con = self._writable()
        if isinstance(counts, BatchResult):
            counts = {
                "articles": counts.articles_added + counts.articles_replaced,
                "events": counts.events_added,
                "rejects": counts.rejects_added,
            }
        values = dict(counts or {})
        sets, params = ["finished_at = ?"], [_now()]
        for key in ("articles", "events", "rejects"):
            if key in values:
                sets.append(f"{key} = ?")
                params.append(int(values[key]))
        found = con.sql("SELECT count(*) FROM runs WHERE run_id = ?", params=[run_id]).fetchall()
        if not found[0][0]:
            raise StoreError(f"No run {run_id} in {self._where}; start_run() returns the id.")
        con.sql(f"UPDATE runs SET {', '.join(sets)} WHERE run_id = ?", params=[*params, run_id])

    def runs(self) -> list[dict[str, Any]]:
        """All runs, oldest first; an unfinished run has ``finished_at`` None."""
        rel = self._connection().sql("SELECT * FROM runs ORDER BY run_id")
        out = rel.to_arrow_table().to_pylist()
        for run in out:
            run["inputs"] = json.loads(run["inputs"]) if run["inputs"] else []
        return out

    # -- reading -----------------------------------------------------------------

    def articles(
        self, *, ids: Sequence[str] | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Article]:
        """Stored articles rebuilt as ``Article`` objects (for re-coding), by date then id."""
        _check_window(limit, offset)
        query = (
            "SELECT a.id, a.text, a.date, a.title, a.url, a.source, a.dateline, a.origin "
            "FROM articles a{join} ORDER BY a.date, a.id LIMIT ? OFFSET ?"
        )
        params = [limit if limit is not None else 2**62, offset]
        if ids is None:
            rows = self._connection().sql(query.format(join=""), params=params).fetchall()
        else:
            wanted = list(dict.fromkeys(ids))
            if not wanted:
                return []
            frame = pa.table({"id": pa.array(wanted, pa.string())})
            with self._frame(frame) as name:
                join = f" JOIN {name} f ON a.id = f.id"
                rows = self._connection().sql(query.format(join=join), params=params).fetchall()
        return [
            Article(
                id=r[0],
                text=r[1],
                date=r[2],
                title=r[3],
                url=r[4],
                source=r[5],
                dateline=r[6],
                origin=r[7],
            )  # fmt: skip
            for r in rows
        ]

    def _event_table(
        self,
        *,
        actor: str | None = None,
        country: str | None = None,
        cameo: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        doc_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pa.Table:
        _check_window(limit, offset)
        conds, params = _common_filters(actor, country, cameo, date_from, date_to)
        if doc_id is not None:
            conds.append("doc_id = ?")
            params.append(doc_id)
        where = f"WHERE {' AND '.join(conds)} " if conds else ""
        query = (
            f"SELECT * FROM events {where}"
            "ORDER BY date_start, date_end, doc_id, sentence_index, char_start, event_id "
            "LIMIT ? OFFSET ?"
        )
        params += [limit if limit is not None else 2**62, offset]
        return self._connection().sql(query, params=params).to_arrow_table()

    def events(
        self,
        *,
        actor: str | None = None,
        country: str | None = None,
        cameo: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        doc_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Stored events in the stable format of ``Event.to_dict()``, filtered and ordered.

        ``actor`` is a prefix of the source or target code ("USA", "USAGOV"),
        ``country`` matches either side's country, ``cameo`` is a code prefix,
        and an event is in ``date_from..date_to`` when its date interval overlaps it.
        """
        table = self._event_table(
            actor=actor, country=country, cameo=cameo, date_from=date_from,
            date_to=date_to, doc_id=doc_id, limit=limit, offset=offset,
        )  # fmt: skip
        return [_event_dict(row) for row in table.to_pylist()]

    def events_frame(self, **filters: Any) -> polars.DataFrame:
        """The flat ``events`` table as a polars DataFrame; same filters as ``events``."""
        import polars as pl

        return pl.from_arrow(self._event_table(**filters))  # type: ignore[return-value]

    def _cluster_table(
        self,
        *,
        actor: str | None = None,
        country: str | None = None,
        cameo: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        event_id: str | None = None,
        cluster_id: str | None = None,
        min_mentions: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pa.Table:
        _check_window(limit, offset)
        conds, params = _common_filters(actor, country, cameo, date_from, date_to)
        if event_id is not None:
            conds.append("cluster_id IN (SELECT cluster_id FROM events WHERE event_id = ?)")
            params.append(event_id)
        if cluster_id is not None:
            conds.append("cluster_id = ?")
            params.append(cluster_id)
        if min_mentions:
            conds.append("num_mentions >= ?")
            params.append(int(min_mentions))
        where = f"WHERE {' AND '.join(conds)} " if conds else ""
        query = (
            f"SELECT * FROM clusters {where}"
            "ORDER BY date_start, date_end, cluster_id LIMIT ? OFFSET ?"
        )
        params += [limit if limit is not None else 2**62, offset]
        return self._connection().sql(query, params=params).to_arrow_table()

    def clusters(self, *, mentions: bool = True, **filters: Any) -> list[dict[str, Any]]:
        """Events (clusters of mentions), each with its counts, representative codes,
        the mention each field came from and, with ``mentions``, its mentions.

        Filters as ``events`` (``actor``, ``country``, ``cameo``, ``date_from``,
        ``date_to``, ``limit``, ``offset``) plus ``event_id`` (the cluster of that
        mention), ``cluster_id`` and ``min_mentions``.
        """
        rows = self._cluster_table(**filters).to_pylist()
        members: dict[str, list[dict[str, Any]]] = {r["cluster_id"]: [] for r in rows}
        if mentions and rows:
            frame = pa.table({"id": pa.array(list(members), pa.string())})
            with self._frame(frame) as name:
                found = (
                    self._connection()
                    .sql(
                        "SELECT cluster_id, event_id, doc_id, sentence_index, char_start, "
                        f"char_end, sentence FROM events WHERE cluster_id IN (SELECT id FROM {name}) "
                        "ORDER BY doc_id, sentence_index, char_start, event_id"
                    )
                    .to_arrow_table()
                    .to_pylist()
                )
            for m in found:
                members[m.pop("cluster_id")].append(m)
        return [_cluster_dict(r, members[r["cluster_id"]] if mentions else None) for r in rows]

    def clusters_frame(self, **filters: Any) -> polars.DataFrame:
        """The flat ``clusters`` table as a polars DataFrame; same filters as ``clusters``."""
        import polars as pl

        return pl.from_arrow(self._cluster_table(**filters))  # type: ignore[return-value]

    def rejects(self, limit: int | None = None) -> list[Reject]:
        """Stored rejects, oldest first."""
        _check_window(limit, 0)
        rows = (
            self._connection()
            .sql(
                "SELECT origin, line, reason, record FROM rejects "
                "ORDER BY seen_at, origin, line NULLS FIRST, reason LIMIT ?",
                params=[limit if limit is not None else 2**62],
            )
            .fetchall()
        )
        return [Reject(origin=o, line=n, reason=r, record=rec or "") for o, n, r, rec in rows]

    def counts(self) -> dict[str, int]:
        """Row counts of the articles, events and rejects tables."""
        row = (
            self._connection()
            .sql(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), "
                "(SELECT count(*) FROM rejects)"
            )
            .fetchall()[0]
        )
        return {"articles": int(row[0]), "events": int(row[1]), "rejects": int(row[2])}

    def sql(self, query: str, params: list[Any] | None = None) -> polars.DataFrame:
        """Run one read-only query (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN,
        read-only PRAGMAs) and return a polars DataFrame.

        Anything else is refused, and the query runs inside a transaction that
        is rolled back, so an analyst cannot change the database by accident.
        """
        con = self._connection()
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as e:
            raise StoreError(f"Cannot parse the query: {e}") from e
        if len(statements) != 1:
            raise StoreError(
                f"Database.sql runs exactly one statement; got {len(statements)}. "
                "Send them one at a time."
            )
        kind = statements[0].type.name
        if kind not in _READ_STATEMENTS or (kind == "PRAGMA" and not _read_pragma(query)):
            raise StoreError(
                f"Database.sql only reads (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, "
                f"read-only PRAGMA); refused a {kind} statement. To change the data, open the "
                "file with the duckdb client yourself while no eventwire process is running."
            )
        con.begin()
        try:
            return con.sql(query, params=params or None).pl()
        except duckdb.Error as e:
            raise StoreError(f"Query failed: {e}") from e
        finally:
            con.rollback()

    # -- streaming reads for analysis and exports (issue 8) ------------------------------

    def sql_batches(
        self, query: str, params: list[Any] | None = None, *, batch_size: int = 65_536
    ) -> Iterator[pa.RecordBatch]:
        """Like ``sql`` but streams Arrow record batches, so an export of millions of
        events never holds the whole result in memory. Same read-only rules as ``sql``.
        """
        con = self._connection()
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as e:
            raise StoreError(f"Cannot parse the query: {e}") from e
        kind = statements[0].type.name if len(statements) == 1 else ""
        if kind not in _READ_STATEMENTS or (kind == "PRAGMA" and not _read_pragma(query)):
            raise StoreError(
                "Database.sql_batches runs exactly one reading statement (SELECT, WITH, ...); "
                f"got {len(statements)} statement(s) of type {kind or 'several'}."
            )
        con.begin()
        try:
            reader = con.sql(query, params=params or None).to_arrow_reader(batch_size)
            yield from reader
        except duckdb.Error as e:
            raise StoreError(f"Query failed: {e}") from e
        finally:
            con.rollback()


def _read_pragma(query: str) -> bool:
    match = re.match(r"\s*pragma\s+([a-z_]+)", query, re.IGNORECASE)
    return bool(match) and match.group(1).lower() in _READ_PRAGMAS


def _check_window(limit: int | None, offset: int) -> None:
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise StoreError(f"limit must be a non-negative integer or None, not {limit!r}")
    if not isinstance(offset, int) or offset < 0:
        raise StoreError(f"offset must be a non-negative integer, not {offset!r}")


def _common_filters(
    actor: str | None,
    country: str | None,
    cameo: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> tuple[list[str], list[Any]]:
    """SQL conditions and parameters shared by the events and clusters queries.

    ``actor`` is a code prefix on either side, ``country`` either side's country,
    ``cameo`` a code prefix; a date range keeps rows whose date interval overlaps it."""
    conds: list[str] = []
    params: list[Any] = []
    if actor:
        conds.append("(starts_with(source_code, ?) OR starts_with(target_code, ?))")
        params += [actor, actor]
    if country:
        conds.append("(source_country = ? OR target_country = ?)")
        params += [country, country]
    if cameo:
        conds.append("starts_with(cameo, ?)")
        params.append(cameo)
    if date_from is not None:
        conds.append("date_end >= ?")
        params.append(_as_date(date_from))
    if date_to is not None:
        conds.append("date_start <= ?")
        params.append(_as_date(date_to))
    return conds, params


def _article_table(
    articles: Sequence[Article], now: dt.datetime, version: str, run_id: int | None
) -> pa.Table:
    cols: dict[str, list[Any]] = {name: [] for name in _ARTICLE_SCHEMA.names}
    for a in articles:
        cols["id"].append(a.id)
        cols["date"].append(_as_date(a.date))
        cols["title"].append(a.title)
        cols["url"].append(a.url)
        cols["source"].append(a.source)
        cols["dateline"].append(a.dateline)
        cols["origin"].append(a.origin)
        cols["text"].append(a.text)
        cols["content_hash"].append(content_hash(a.text))
        cols["coded_at"].append(now)
        cols["coder_version"].append(version)
        cols["run_id"].append(run_id)
    try:
        return pa.table(cols, schema=_ARTICLE_SCHEMA)
    except (pa.ArrowException, TypeError, ValueError) as e:
        raise StoreError(f"An article in the batch has a field of the wrong type: {e}") from e


def _dedup_rejects(rejects: Sequence[Reject]) -> list[dict[str, Any]]:
    seen: set[tuple[str, int | None, str]] = set()
    out = []
    for r in rejects:
        key = (r.origin, r.line, r.reason)
        if key not in seen:
            seen.add(key)
            out.append({"origin": r.origin, "line": r.line, "reason": r.reason, "record": r.record})
    return out


def _event_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """A flat ``events`` row back in the nested ``Event.to_dict()`` shape and key order."""
    out: dict[str, Any] = {}
    for key in _EVENT_DICT_KEYS:
        if key in _NESTED:
            fields = _NESTED[key]
            present = row[f"{key}_text"] is not None
            out[key] = {f: row[f"{key}_{f}"] for f in fields} if present else None
        else:
            out[key] = row[key]
    return out


# -- streaming reads for analysis and exports (issue 8) ------------------------------------


def event_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A flat ``events`` row (e.g. from ``sql_batches``) as the nested ``Event.to_dict()``
    record, for exports that stream rows instead of calling ``Database.events``."""
    return _event_dict(row)


def _cluster_dict(row: Mapping[str, Any], mentions: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A ``clusters`` row with the actors and place nested like the event format."""
    out: dict[str, Any] = {"cluster_id": row["cluster_id"]}
    for side in ("source", "target"):
        present = row[f"{side}_code"] is not None or row[f"{side}_name"] is not None
        out[side] = (
            {f: row[f"{side}_{f}"] for f in ("code", "country", "sector", "name")}
            if present
            else None
        )
    for key in (
        "cameo", "cameo_root", "cameo_label", "plover", "plover_mode", "quad_class",
        "goldstein", "date", "date_precision",
    ):  # fmt: skip
        out[key] = row[key]
    out["date_start"] = row["date_start"].isoformat()
    out["date_end"] = row["date_end"].isoformat()
    present = row["location_text"] is not None
    out["location"] = {f: row[f"location_{f}"] for f in _PLACE_FIELDS} if present else None
    for key in ("num_mentions", "num_sources", "num_articles"):
        out[key] = row[key]
    for key in ("first_reported", "last_reported"):
        out[key] = row[key].isoformat() if row[key] is not None else None
    out["fields_from"] = {
        k: row[f"{k}_from"] for k in ("source", "target", "cameo", "date", "location")
    }
    if mentions is not None:
        out["mentions"] = mentions
    return out


def _event_object(row: Mapping[str, Any]) -> Event:
    """A flat ``events`` row rebuilt as an ``Event`` (actor offsets are not stored)."""
    from eventwire.models import Actor, EventDate, Place

    def actor(side: str) -> Actor | None:
        if row[f"{side}_text"] is None:
            return None
        return Actor(**{f: row[f"{side}_{f}"] for f in _ACTOR_FIELDS})

    place = None
    if row["location_text"] is not None:
        place = Place(**{f: row[f"location_{f}"] for f in _PLACE_FIELDS})
    return Event(
        doc_id=row["doc_id"],
        sentence_index=row["sentence_index"],
        sentence=row["sentence"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        source=actor("source"),
        target=actor("target"),
        cameo=row["cameo"],
        cameo_label=row["cameo_label"],
        plover=row["plover"],
        plover_mode=row["plover_mode"],
        quad_class=row["quad_class"],
        goldstein=row["goldstein"],
        date=EventDate(row["date"], row["date_precision"], row["date_text"]),
        location=place,
        confidence=row["confidence"],
        coder_version=row["coder_version"],
        trigger=row["trigger"] or "",
        trigger_start=row["trigger_start"],
        trigger_end=row["trigger_end"],
        coding_fingerprint=row.get("coding_fingerprint") or "",
        extra=json.loads(row["extra"]) if row["extra"] else {},
    )
