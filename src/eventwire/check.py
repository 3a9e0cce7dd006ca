"""Integrity checks of an eventwire database (``eventwire check``, docs/reliability.md).

A run killed mid-batch, a file copied while being written or edited by hand
can leave rows that point nowhere or counts that no longer add up. Each check
is one set-based query over the whole file, so it stays fast on millions of
events, and names the first offending rows so they can be looked at.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from eventwire.store import SCHEMA_VERSION, Database, _actor_key_sql, expected_columns

_EXAMPLES = 5

# Text equal up to case and runs of whitespace: how exact duplicates are matched
# (store.content_hash), so offsets copied to a re-spaced duplicate still compare equal.
_NORM = "regexp_replace(lower(trim({0})), '\\s+', ' ', 'g')"


def _same(a: str, b: str) -> str:
    return f"{_NORM.format(a)} = {_NORM.format(b)}"


_SLICE = "substring(a.text, e.{0}_start + 1, e.{0}_end - e.{0}_start)"

# (name, query returning the keys of the offending rows, what is wrong and what to do)
_CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "events.article",
        "SELECT e.event_id FROM events e "
        "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = e.doc_id)",
        "event(s) whose article (doc_id) is not stored; re-code their articles or delete them",
    ),
    (
        "events.offsets",
        "SELECT e.event_id FROM events e JOIN articles a ON a.id = e.doc_id "
        "WHERE e.char_start < 0 OR e.char_end < e.char_start "
        f"OR NOT coalesce({_same(_SLICE.format('char'), 'e.sentence')}, false) "
        "OR (e.trigger_start IS NOT NULL AND e.trigger <> '' "
        f"AND NOT coalesce({_same(_SLICE.format('trigger'), 'e.trigger')}, false))",
        "event(s) whose sentence or trigger offsets do not slice their article's text; "
        "the text changed after coding: re-code with `eventwire code --recode`",
    ),
    (
        "events.dates",
        "SELECT event_id FROM events WHERE date_start > date_end",
        "event(s) whose date interval ends before it starts; re-code their articles",
    ),
    (
        "events.cluster",
        "SELECT e.event_id FROM events e WHERE e.cluster_id IS NULL OR NOT EXISTS "
        "(SELECT 1 FROM clusters c WHERE c.cluster_id = e.cluster_id)",
        "mention(s) not in an existing cluster; run `eventwire recluster`",
    ),
    (
        "clusters.block",
        "SELECT e.event_id FROM events e JOIN clusters c ON c.cluster_id = e.cluster_id "
        "WHERE c.cameo_root <> e.cameo_root "
        f"OR c.source_key <> {_actor_key_sql('e.source')} "
        f"OR c.target_key <> {_actor_key_sql('e.target')}",
        "mention(s) in a cluster of another dyad or CAMEO root; run `eventwire recluster`",
    ),
    (
        "clusters.mentions",
        "SELECT c.cluster_id FROM clusters c "
        "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.cluster_id = c.cluster_id)",
        "cluster(s) with no mentions; run `eventwire recluster`",
    ),
    (
        "clusters.counts",
        "WITH m AS (SELECT e.cluster_id, count(*) AS n, count(DISTINCT e.doc_id) AS na, "
        "count(DISTINCT coalesce(nullif(a.source, ''), e.doc_id)) AS ns "
        "FROM events e LEFT JOIN articles a ON a.id = e.doc_id GROUP BY e.cluster_id) "
        "SELECT c.cluster_id FROM clusters c JOIN m ON m.cluster_id = c.cluster_id "
        "WHERE c.num_mentions <> m.n OR c.num_articles <> m.na OR c.num_sources <> m.ns",
        "cluster(s) whose mention, article or source counts do not match their mentions; "
        "run `eventwire recluster`",
    ),
    (
        "duplicates.articles",
        "SELECT d.article_id || ' -> ' || d.duplicate_of FROM article_duplicates d "
        "WHERE d.article_id = d.duplicate_of "
        "OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.article_id) "
        "OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.duplicate_of)",
        "duplicate link(s) to a missing article or to itself",
    ),
    (
        "lsh.articles",
        "SELECT DISTINCT l.article_id FROM article_lsh l "
        "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = l.article_id)",
        "near-duplicate index entries of missing articles",
    ),
)

_COUNTS = {
    "articles": "SELECT count(*) FROM articles",
    "events": "SELECT count(*) FROM events",
    "clusters": "SELECT count(*) FROM clusters",
    "rejects": "SELECT count(*) FROM rejects",
    "duplicate_links": "SELECT count(*) FROM article_duplicates",
    "articles_without_events": (
        "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.doc_id = a.id)"
    ),
    "runs": "SELECT count(*) FROM runs",
    "unfinished_runs": "SELECT count(*) FROM runs WHERE finished_at IS NULL",
}


@dataclass(frozen=True)
class Problem:
    """One failed check: how many rows, what is wrong and what to do, a few row keys."""

    check: str
    count: int
    message: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """What ``check_database`` found; ``ok`` when no check failed."""

    path: str
    schema_version: int
    expected_version: int
    counts: dict[str, int]
    checks: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        return out


def check_database(db: Database) -> CheckReport:
    """Verify the schema version and columns, referential integrity and cluster counts.

    Read-only: it never changes the file (open it with ``read_only=True``).
    Runs that never finished are reported as notes, not problems: the batches
    they committed are complete, and re-running the same inputs finishes them.
    """
    version = db.schema_version()
    problems: list[Problem] = []
    names = ["schema.version", "schema.columns"]
    if version != SCHEMA_VERSION:
        problems.append(
            Problem(
                "schema.version",
                1,
                f"schema version {version}, this eventwire writes {SCHEMA_VERSION}; "
                "open the database for writing once to upgrade it (a backup is made first)",
            )
        )
    missing = _schema_differences(db.columns())
    if missing:
        problems.append(
            Problem(
                "schema.columns",
                len(missing),
                "table(s) or column(s) missing or of the wrong type; the file was changed "
                "outside eventwire or is damaged: restore a backup",
                tuple(missing[:_EXAMPLES]),
            )
        )
    if not missing:  # the queries below need the expected tables
        for name, query, message in _CHECKS:
            names.append(name)
            count = _scalar(db, f"SELECT count(*) FROM ({query}) t")
            if count:
                rows = db.sql(f"SELECT * FROM ({query}) t(k) ORDER BY k LIMIT {_EXAMPLES}")
                examples = tuple(str(k) for k in rows.to_series(0).to_list())
                problems.append(Problem(name, count, f"{count} {message}", examples))
        counts = {key: _scalar(db, query) for key, query in _COUNTS.items()}
    else:
        counts = {}
    notes = []
    if counts.get("unfinished_runs"):
        notes.append(
            f"{counts['unfinished_runs']} run(s) never finished (killed, or still running): "
            "every batch they committed is complete; run the same inputs again to finish."
        )
    return CheckReport(
        path=db.path,
        schema_version=version,
        expected_version=SCHEMA_VERSION,
        counts=counts,
        checks=tuple(names),
        problems=tuple(problems),
        notes=tuple(notes),
    )


def _schema_differences(found: dict[str, list[tuple[str, str]]]) -> list[str]:
    """``table.column`` names the migrations create but the file lacks (or types differ)."""
    out = []
    for table, columns in expected_columns().items():
        have = dict(found.get(table, []))
        if table not in found:
            out.append(f"table {table}")
            continue
        for column, kind in columns:
            if column not in have:
                out.append(f"{table}.{column}")
            elif have[column] != kind:
                out.append(f"{table}.{column} is {have[column]}, expected {kind}")
    return out


def _scalar(db: Database, query: str) -> int:
    return int(db.sql(query).item())
