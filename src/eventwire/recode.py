"""Reproducible recoding: fingerprint the coder, and show what a recode changes.

A user who edits a pattern file or an actor dictionary wants to see the effect
on their data before accepting it. The design: take a *snapshot* of the stored
events of the articles to be re-coded, re-code them (for real, or in memory
with ``preview``), and ``compare`` the two sets of events. Events are matched
by their stable id; those that changed code or actors are paired by their
evidence slot (article, sentence, trigger), so the report says "042 became
043" rather than "one removed, one added". See docs/analysis.md#recoding.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from eventwire.analysis import _columns
from eventwire.errors import ConfigError, StoreError
from eventwire.models import Article, Event
from eventwire.store import Database

if TYPE_CHECKING:
    from eventwire.pipeline import Pipeline

__all__ = [
    "SNAPSHOT_COLUMNS",
    "RecodeDiff",
    "coding_fingerprint",
    "coding_manifest",
    "compare",
    "diff_database",
    "events_snapshot",
    "load_snapshot",
    "preview",
    "recode",
    "save_snapshot",
    "snapshot",
]

#: What a snapshot keeps of each event: enough to match, explain and count changes.
SNAPSHOT_COLUMNS = (
    "event_id",
    "doc_id",
    "sentence_index",
    "trigger_start",
    "trigger",
    "cameo",
    "cameo_root",
    "source_code",
    "target_code",
    "quad_class",
    "goldstein",
    "date",
    "plover",
    "coder_version",
    "sentence",
)
_SCHEMA = {
    "event_id": pl.String,
    "doc_id": pl.String,
    "sentence_index": pl.Int64,
    "trigger_start": pl.Int64,
    "trigger": pl.String,
    "cameo": pl.String,
    "cameo_root": pl.String,
    "source_code": pl.String,
    "target_code": pl.String,
    "quad_class": pl.Int64,
    "goldstein": pl.Float64,
    "date": pl.String,
    "plover": pl.String,
    "coder_version": pl.String,
    "sentence": pl.String,
}
# Fields that, with the same event id, still make an event "changed".
_DETAIL_FIELDS = ("date", "quad_class", "goldstein", "plover")
DATA_DIR = Path(__file__).resolve().parent / "data"


# -- fingerprint ------------------------------------------------------------------------------


def _canon(value: Any) -> Any:
    """A JSON-able, order-independent form of tables (dicts, sets, dataclasses)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canon(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return sorted(([str(k), _canon(v)] for k, v in value.items()), key=lambda kv: kv[0])
    if isinstance(value, (set, frozenset)):
        return sorted((_canon(v) for v in value), key=lambda v: json.dumps(v, default=str))
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _digest(value: Any) -> str:
    text = json.dumps(_canon(value), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def coding_manifest(pipeline: Pipeline) -> dict[str, str]:
    """Hashes of everything that decides the codes: coder version, model, bundled data
    files (byte for byte), the merged lexicon (bundled + ``--patterns``), the user
    actor dictionaries and the statement switch. Two runs with equal manifests code
    the same text the same way."""
    from eventwire import CODER_VERSION

    data = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(DATA_DIR.iterdir())
        if path.is_file()
    }
    lexicon = [(p.cameo, p.text) for p in pipeline.lexicon]  # order matters for ties
    user_actors = getattr(pipeline.resolver, "user_actors", {})
    model = pipeline.settings.model
    return {
        "coder_version": CODER_VERSION,
        "model": f"{model}=={_model_version(model)}",
        "data": _digest(data),
        "lexicon": _digest(lexicon),
        "user_actors": _digest(user_actors),
        "statements": str(bool(pipeline.finder.include_statements)),
    }


def _model_version(model: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(model)
    except metadata.PackageNotFoundError:
        return "unknown"


def coding_fingerprint(pipeline: Pipeline) -> str:
    """A short hash of ``coding_manifest``: record it with every event a pipeline codes."""
    manifest = coding_manifest(pipeline)
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:16]


# -- snapshots --------------------------------------------------------------------------------


def snapshot(db: Database, doc_ids: Sequence[str] | None = None) -> pl.DataFrame:
    """The stored events (of ``doc_ids``, or all) reduced to ``SNAPSHOT_COLUMNS``."""
    extra = ", coding_fingerprint" if "coding_fingerprint" in _columns(db) else ""
    cols = ", ".join(SNAPSHOT_COLUMNS) + extra
    order = "ORDER BY doc_id, sentence_index, trigger_start, event_id"
    if doc_ids is None:
        frame = db.sql(f"SELECT {cols} FROM events {order}")
    else:
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return pl.DataFrame(schema=_SCHEMA)
        frame = db.sql(f"SELECT {cols} FROM events WHERE list_contains(?, doc_id) {order}", [ids])
    return frame.cast({k: v for k, v in _SCHEMA.items() if k in frame.columns})


def events_snapshot(events: Iterable[Event]) -> pl.DataFrame:
    """Events just coded (not stored) in the same shape as ``snapshot``."""
    rows = [
        {
            "event_id": e.event_id,
            "doc_id": e.doc_id,
            "sentence_index": e.sentence_index,
            "trigger_start": e.trigger_start,
            "trigger": e.trigger,
            "cameo": e.cameo,
            "cameo_root": e.cameo_root,
            "source_code": e.source.code if e.source else None,
            "target_code": e.target.code if e.target else None,
            "quad_class": e.quad_class,
            "goldstein": e.goldstein,
            "date": e.date.date,
            "plover": e.plover,
            "coder_version": e.coder_version,
            "sentence": e.sentence,
        }
        for e in events
    ]
    return pl.DataFrame(rows, schema=_SCHEMA)


def save_snapshot(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write a snapshot as Parquet, so ``eventwire diff`` can compare against it later."""
    path = Path(path)
    try:
        frame.write_parquet(path)
    except OSError as e:
        raise ConfigError(f"cannot write the snapshot {path}: {e}") from e
    return path


def load_snapshot(path: str | Path) -> pl.DataFrame:
    """A snapshot from a Parquet file, or from another eventwire database (``.duckdb``)."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"snapshot {path} does not exist; `eventwire recode` writes one")
    if path.suffix.lower() == ".parquet":
        try:
            frame = pl.read_parquet(path)
        except (OSError, pl.exceptions.PolarsError) as e:
            raise ConfigError(f"cannot read the snapshot {path}: {e}") from e
        missing = [c for c in SNAPSHOT_COLUMNS if c not in frame.columns]
        if missing:
            raise ConfigError(f"{path} is not an eventwire snapshot: it lacks {', '.join(missing)}")
        return frame
    with Database(path, read_only=True) as other:
        return snapshot(other)


# -- comparing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecodeDiff:
    """Before and after events of the same articles, and the matched changes."""

    before: pl.DataFrame
    after: pl.DataFrame
    changes: pl.DataFrame  # kind, what, doc_id, sentence_index, trigger, before_*, after_*

    def summary(self) -> dict[str, int]:
        kinds = dict(self.changes.group_by("kind").len().iter_rows()) if self.changes.height else {}
        return {
            "articles": self.before["doc_id"].n_unique() if self.before.height else 0,
            "before": self.before.height,
            "after": self.after.height,
            "unchanged": self.before.height - kinds.get("removed", 0) - kinds.get("changed", 0),
            "added": kinds.get("added", 0),
            "removed": kinds.get("removed", 0),
            "changed": kinds.get("changed", 0),
        }

    def by_root(self) -> pl.DataFrame:
        """Per CAMEO root: events before and after, added, removed, recoded in and out."""
        return self._tally("cameo_root")

    def by_actor(self) -> pl.DataFrame:
        """Per actor code (source or target): the same counts as ``by_root``."""
        return self._tally("actor")

    def _tally(self, name: str) -> pl.DataFrame:
        def keys(row: dict[str, Any], prefix: str) -> set[str]:
            if name == "cameo_root":
                value = row.get(f"{prefix}cameo_root")
                return {value} if value else set()
            codes = (row.get(f"{prefix}source_code"), row.get(f"{prefix}target_code"))
            return {v for v in codes if v}

        counts: dict[str, dict[str, int]] = {}

        def bump(key: str, column: str) -> None:
            counts.setdefault(key, dict.fromkeys(_TALLY, 0))[column] += 1

        for column, frame in (("before", self.before), ("after", self.after)):
            for row in frame.iter_rows(named=True):
                for key in keys(row, ""):
                    bump(key, column)
        for row in self.changes.iter_rows(named=True):
            old, new = keys(row, "before_"), keys(row, "after_")
            if row["kind"] == "added":
                for key in new:
                    bump(key, "added")
            elif row["kind"] == "removed":
                for key in old:
                    bump(key, "removed")
            else:
                for key in new - old:
                    bump(key, "recoded_in")
                for key in old - new:
                    bump(key, "recoded_out")
        rows = [
            {name: key, **values, "net": values["after"] - values["before"]}
            for key, values in counts.items()
            if any(values[c] for c in ("added", "removed", "recoded_in", "recoded_out"))
            or values["before"] != values["after"]
        ]
        schema = {name: pl.String, **dict.fromkeys(_TALLY, pl.Int64), "net": pl.Int64}
        frame = pl.DataFrame(rows, schema=schema)
        return frame.sort([pl.col("net").abs(), name], descending=[True, False])


_TALLY = ("before", "after", "added", "removed", "recoded_in", "recoded_out")
_CHANGE_SCHEMA = {
    "kind": pl.String,
    "what": pl.String,
    "doc_id": pl.String,
    "sentence_index": pl.Int64,
    "trigger": pl.String,
    **{f"{side}_{c}": pl.String for side in ("before", "after") for c in (
        "cameo", "cameo_root", "source_code", "target_code", "date", "event_id")},
    "sentence": pl.String,
}  # fmt: skip


def compare(before: pl.DataFrame, after: pl.DataFrame) -> RecodeDiff:
    """Match the events of the same articles before and after a recode.

    Same event id (same article, span, trigger, code and actors): unchanged,
    unless its date, quad class, Goldstein score or PLOVER type moved. Others
    are paired within their slot (article, sentence, trigger offset): first
    those with the same actors (the code changed), then those with the same
    code (the actors changed), then any; the rest are added or removed.
    """
    before = before.select(SNAPSHOT_COLUMNS)
    after = after.select(SNAPSHOT_COLUMNS)
    old = {r["event_id"]: r for r in before.iter_rows(named=True)}
    new = {r["event_id"]: r for r in after.iter_rows(named=True)}
    changes: list[dict[str, Any]] = []
    for event_id in old.keys() & new.keys():
        moved = [f for f in _DETAIL_FIELDS if old[event_id][f] != new[event_id][f]]
        if moved:
            changes.append(_change("changed", ",".join(moved), old[event_id], new[event_id]))
    slots: dict[tuple[Any, ...], tuple[list[dict], list[dict]]] = {}
    for rows, index in ((old, 0), (new, 1)):
        for event_id, row in rows.items():
            if event_id in old and event_id in new:
                continue
            slot = (row["doc_id"], row["sentence_index"], row["trigger_start"])
            slots.setdefault(slot, ([], []))[index].append(row)
    for slot in sorted(slots, key=lambda s: tuple("" if v is None else str(v) for v in s)):
        gone, came = slots[slot]
        gone.sort(key=lambda r: r["event_id"])
        came.sort(key=lambda r: r["event_id"])
        for same in (_actors, lambda r: r["cameo"], lambda r: None):
            for a in list(gone):
                match = next((b for b in came if same(b) == same(a)), None)
                if match is not None:
                    gone.remove(a)
                    came.remove(match)
                    changes.append(_change("changed", _what(a, match), a, match))
        changes += [_change("removed", "", a, None) for a in gone]
        changes += [_change("added", "", None, b) for b in came]
    frame = pl.DataFrame(changes, schema=_CHANGE_SCHEMA)
    frame = frame.sort(["doc_id", "sentence_index", "kind"], nulls_last=True)
    return RecodeDiff(before=before, after=after, changes=frame)


def _actors(row: dict[str, Any]) -> tuple[Any, Any]:
    return row["source_code"], row["target_code"]


def _what(a: dict[str, Any], b: dict[str, Any]) -> str:
    fields = ("cameo", "source_code", "target_code", *_DETAIL_FIELDS)
    return ",".join(f.removesuffix("_code") for f in fields if a[f] != b[f])


def _change(kind: str, what: str, a: dict | None, b: dict | None) -> dict[str, Any]:
    ref = a or b or {}
    out: dict[str, Any] = {
        "kind": kind,
        "what": what,
        "doc_id": ref.get("doc_id"),
        "sentence_index": ref.get("sentence_index"),
        "trigger": ref.get("trigger"),
        "sentence": ref.get("sentence"),
    }
    for side, row in (("before", a), ("after", b)):
        for col in ("cameo", "cameo_root", "source_code", "target_code", "date", "event_id"):
            out[f"{side}_{col}"] = row.get(col) if row else None
    return out


# -- running ----------------------------------------------------------------------------------


def preview(
    db: Database,
    pipeline: Pipeline,
    *,
    doc_ids: Sequence[str] | None = None,
    batch_size: int = 200,
) -> RecodeDiff:
    """What re-coding the stored articles with ``pipeline`` would change; writes nothing."""
    befores: list[pl.DataFrame] = []
    afters: list[pl.DataFrame] = []
    offset = 0
    while True:
        if doc_ids is None:
            articles: list[Article] = db.articles(limit=batch_size, offset=offset)
        else:
            articles = db.articles(ids=list(doc_ids)[offset : offset + batch_size])
        if not articles:
            break
        offset += batch_size
        ids = [a.id for a in articles]
        befores.append(snapshot(db, ids))
        afters.append(events_snapshot(e for _, evs in pipeline.extract(articles) for e in evs))
    return compare(_concat(befores), _concat(afters))


def recode(
    db: Database,
    pipeline: Pipeline,
    *,
    snapshot_path: str | Path | None = None,
    batch_size: int = 200,
) -> RecodeDiff:
    """Re-code every stored article for real and report the difference.

    The snapshot of the events before is written to ``snapshot_path`` first
    (when given), so the report can be produced again with ``eventwire diff``.
    """
    from eventwire.run import recode_database

    if db.read_only:
        raise StoreError("recode writes to the database: open it without read_only")
    before = snapshot(db)
    if snapshot_path is not None:
        save_snapshot(before, snapshot_path)
    recode_database(db, pipeline, batch_size=batch_size)
    return compare(before, snapshot(db))


def diff_database(db: Database, before: pl.DataFrame) -> RecodeDiff:
    """Compare a saved snapshot with the events stored now for the same articles."""
    ids = before["doc_id"].unique().to_list() if before.height else []
    return compare(before, snapshot(db, ids))


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f.select(SNAPSHOT_COLUMNS).cast(_SCHEMA) for f in frames]
    return pl.concat(frames) if frames else pl.DataFrame(schema=_SCHEMA)
