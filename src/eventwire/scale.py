"""Coding beyond one machine: partitions of articles coded on Dask workers.

``code_dask`` reads the inputs once to cut the articles that need coding into
partitions (Parquet files on storage every worker can read), codes each
partition on a Dask worker (the pipeline and spaCy model are loaded once per
worker by a worker plugin, not per task), and writes each partition's events as
Parquet. It then runs the ordinary single-process ``code_files`` job with a
stand-in pipeline that takes the events from those files, so de-duplication,
clustering and storage are literally the code the single-process run uses and
the database ends up identical (same event ids and counts). A task whose
worker dies is re-run on another worker by the scheduler; a task that raises
is retried. Dask is an optional dependency: ``pip install "dask[distributed]"``.
See docs/performance.md for running on a multi-machine cluster.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import json
import os
import pickle
import shutil
import tempfile
import types
import typing
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from eventwire.errors import ConfigError, EventwireError, InputError
from eventwire.ingest import ReadOptions, read_inputs
from eventwire.models import Actor, Article, Event, EventDate, Place
from eventwire.run import Progress, RunSummary, code_files
from eventwire.store import Database, content_hash

if TYPE_CHECKING:
    from distributed import Client

    from eventwire.pipeline import Pipeline

#: Articles per partition (one Dask task each).
PARTITION_SIZE = 100
#: How often a task that raised is re-run (a dead worker's task is re-run by the
#: scheduler up to ``distributed.scheduler.allowed-failures`` times on its own).
TASK_RETRIES = 2

# -- events and articles as flat Parquet rows ------------------------------------------------

_NESTED: dict[str, type] = {"source": Actor, "target": Actor, "date": EventDate, "location": Place}
_ARROW = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def _scalar(tp: Any) -> type:
    """The scalar Python type of a field annotation (``str | None`` → ``str``)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        tp = args[0] if len(args) == 1 else tp
    return tp


@functools.cache
def _fields(cls: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, _scalar(hints[f.name])) for f in dataclasses.fields(cls)]


@functools.cache
def _event_schema() -> pa.Schema:
    cols: list[pa.Field] = [pa.field("event_id", pa.string())]
    for name, tp in _fields(Event):
        if name in _NESTED:
            cols.append(pa.field(f"{name}_present", pa.bool_()))
            cols += [pa.field(f"{name}_{sub}", _ARROW[t]) for sub, t in _fields(_NESTED[name])]
        elif name == "extra":
            cols.append(pa.field("extra", pa.string()))
        else:
            cols.append(pa.field(name, _ARROW[tp]))
    return pa.schema(cols)


@functools.cache
def _article_schema() -> pa.Schema:
    types_ = {**_ARROW, dt.date: pa.date32()}
    return pa.schema([pa.field(name, types_[tp]) for name, tp in _fields(Article)])


def events_table(events: Sequence[Event]) -> pa.Table:
    """Events as one flat Arrow table that ``events_from_table`` turns back into equal Events.

    Unlike the database rows it keeps everything (actor offsets and evidence,
    implicit places), so a partition coded on a worker is the Event it coded.
    """
    rows = []
    for event in events:
        row: dict[str, Any] = {"event_id": event.event_id}
        for name, _ in _fields(Event):
            value = getattr(event, name)
            if name in _NESTED:
                row[f"{name}_present"] = value is not None
                for sub, _t in _fields(_NESTED[name]):
                    row[f"{name}_{sub}"] = getattr(value, sub) if value is not None else None
            elif name == "extra":
                row["extra"] = json.dumps(value, sort_keys=True, default=str) if value else None
            else:
                row[name] = value
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=_event_schema())


def events_from_table(table: pa.Table) -> list[Event]:
    """The inverse of ``events_table``."""
    out = []
    for row in table.to_pylist():
        kwargs: dict[str, Any] = {}
        for name, _ in _fields(Event):
            if name in _NESTED:
                cls = _NESTED[name]
                kwargs[name] = (
                    cls(**{sub: row[f"{name}_{sub}"] for sub, _t in _fields(cls)})
                    if row[f"{name}_present"]
                    else None
                )
            elif name == "extra":
                kwargs[name] = json.loads(row["extra"]) if row["extra"] else {}
            else:
                kwargs[name] = row[name]
        out.append(Event(**kwargs))
    return out


def articles_table(articles: Sequence[Article]) -> pa.Table:
    """Articles as an Arrow table (a partition file the workers read)."""
    rows = [dataclasses.asdict(a) for a in articles]
    return pa.Table.from_pylist(rows, schema=_article_schema())


def articles_from_table(table: pa.Table) -> list[Article]:
    return [Article(**row) for row in table.to_pylist()]


def _write_atomic(table: pa.Table, path: Path) -> None:
    """Write a Parquet file under a temporary name, then rename: a re-run task overwrites
    cleanly and a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


# -- the worker side -------------------------------------------------------------------------


def _plugin_class() -> type:
    from distributed import WorkerPlugin

    class CoderPlugin(WorkerPlugin):
        """Holds one pipeline per worker; its model loads when the worker (re)starts."""

        def __init__(self, pipeline_bytes: bytes, name: str) -> None:
            self.pipeline_bytes = pipeline_bytes
            self.name = name
            self.pipeline: Pipeline | None = None

        def setup(self, worker: Any) -> None:
            pipeline = pickle.loads(self.pipeline_bytes)
            if pipeline.settings.n_process != 1:  # the Dask workers are the parallelism
                pipeline.settings = dataclasses.replace(pipeline.settings, n_process=1)
            _ = pipeline.nlp  # load the model now, once per worker process
            self.pipeline = pipeline

    return CoderPlugin


def code_partition(plugin_name: str, articles_path: str, events_path: str) -> dict[str, int]:
    """Dask task: code one article partition file and write its events file."""
    from distributed import get_worker

    plugin = get_worker().plugins[plugin_name]
    articles = articles_from_table(pq.read_table(articles_path))
    events = [e for _, evs in plugin.pipeline.extract(articles) for e in evs]
    _write_atomic(events_table(events), Path(events_path))
    return {"articles": len(articles), "events": len(events)}


# -- the client side -------------------------------------------------------------------------


class _Partitions:
    """What pass 1 sent to the workers: article key → partition, and each task's future."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index: dict[tuple[str, str], int] = {}
        self.futures: list[Any] = []
        self._loaded: OrderedDict[int, dict[str, list[Event]]] = OrderedDict()

    def articles_path(self, part: int) -> Path:
        return self.folder / "articles" / f"part-{part:05d}.parquet"

    def events_path(self, part: int) -> Path:
        return self.folder / "events" / f"part-{part:05d}.parquet"

    def events_of(self, part: int) -> dict[str, list[Event]]:
        """The events of one partition by article id, waiting for its task if needed."""
        if part not in self._loaded:
            try:
                self.futures[part].result()
            except Exception as e:
                raise EventwireError(
                    f"Dask could not code partition {part} ({self.articles_path(part)}) even "
                    f"after retries: {e}. The partition files stay in {self.folder}."
                ) from e
            by_doc: dict[str, list[Event]] = {}
            for event in events_from_table(pq.read_table(self.events_path(part))):
                by_doc.setdefault(event.doc_id, []).append(event)
            self._loaded[part] = by_doc
            while len(self._loaded) > 2:  # batches come in input order: keep the newest
                self._loaded.popitem(last=False)
        return self._loaded[part]


def _key(article: Article) -> tuple[str, str]:
    return article.id, hashlib.sha1(article.text.encode("utf-8")).hexdigest()


class PrecodedPipeline:
    """Stands in for ``Pipeline`` in ``code_files``: events come from the Dask partitions.

    An article that pass 1 did not send to Dask (it can only happen when the
    store changed in between) is coded here, so the result is complete either way.
    """

    def __init__(self, partitions: _Partitions, fallback: Pipeline) -> None:
        self.partitions = partitions
        self.fallback = fallback
        self.coded_here = 0

    def extract(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        batch = list(articles)
        missing = [a for a in batch if _key(a) not in self.partitions.index]
        local = dict(self.fallback.extract(missing)) if missing else {}
        self.coded_here += len(missing)
        for article in batch:
            part = self.partitions.index.get(_key(article))
            if part is None:
                yield article, local[article]
            else:
                yield article, self.partitions.events_of(part).get(article.id, [])


def _to_code(
    records: Iterable[Any], db: Database, recode: bool, chunk: int = 1000
) -> Iterator[Article]:
    """The articles the single-process run would parse: first of each id and of each
    text, not already stored (unless re-coding)."""
    ids: set[str] = set()
    hashes: set[str] = set()
    articles = (r for r in records if isinstance(r, Article))
    while batch := list(itertools.islice(articles, chunk)):
        known = set() if recode else db.known_article_ids([a.id for a in batch])
        stored = (
            set() if recode else set(db.known_content_hashes([content_hash(a.text) for a in batch]))
        )
        for article in batch:
            h = content_hash(article.text)
            if article.id in ids or article.id in known:
                continue
            ids.add(article.id)
            if not recode and (h in hashes or h in stored):
                continue
            hashes.add(h)
            yield article


def _client(scheduler: str | None, workers: int) -> tuple[Client, Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise ConfigError(
            'The Dask engine needs Dask: pip install "dask[distributed]" (or use --engine local).'
        ) from e
    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except OSError as e:
            raise ConfigError(
                f"Cannot reach the Dask scheduler at {scheduler}: {e}. Start one with "
                f"`dask scheduler` and check the address (tcp://HOST:8786)."
            ) from e
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster), cluster


def code_dask(
    inputs: Sequence[str | Path],
    db: Database,
    pipeline: Pipeline,
    *,
    options: ReadOptions | None = None,
    recode: bool = False,
    scheduler: str | None = None,
    workers: int = 2,
    client: Client | None = None,
    parts: str | Path | None = None,
    partition_size: int = PARTITION_SIZE,
    progress: Progress | None = None,
) -> RunSummary:
    """``code_files`` with the coding done on Dask; the database ends up the same.

    ``client`` (an existing ``distributed.Client``) wins over ``scheduler`` (an
    address), which wins over a local cluster of ``workers`` processes. ``parts`` is
    the folder for the Parquet partitions (``articles/``, ``events/``); it must be
    reachable under the same path from every worker. Without it a folder beside
    the database is used and removed after a successful load.
    """
    if any(str(p) == "-" for p in inputs):
        raise InputError(
            "The Dask engine reads its inputs twice and ships them to workers: give files "
            "or folders (on storage the workers share), not '-' (standard input)."
        )
    options = options or ReadOptions()
    owned_folder = parts is None
    base = Path(db.path).resolve().parent if db.path != ":memory:" else Path(tempfile.gettempdir())
    folder = (
        Path(tempfile.mkdtemp(prefix=".eventwire-parts-", dir=base))
        if parts is None
        else Path(parts)
    )
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "events").mkdir(parents=True, exist_ok=True)
    own_client, own_cluster = client is None, None
    if client is None:
        client, own_cluster = _client(scheduler, workers)
    partitions = _Partitions(folder)
    try:
        blob = pickle.dumps(pipeline)
        name = f"eventwire-coder-{hashlib.sha1(blob).hexdigest()[:16]}"
        client.register_plugin(_plugin_class()(blob, name), name=name)
        run = uuid.uuid4().hex[:8]
        todo = _to_code(read_inputs(inputs, options), db, recode)
        for part in itertools.count():
            batch = list(itertools.islice(todo, partition_size))
            if not batch:
                break
            _write_atomic(articles_table(batch), partitions.articles_path(part))
            for article in batch:
                partitions.index[_key(article)] = part
            partitions.futures.append(
                client.submit(
                    code_partition,
                    name,
                    str(partitions.articles_path(part)),
                    str(partitions.events_path(part)),
                    key=f"eventwire-{run}-part-{part:05d}",
                    retries=TASK_RETRIES,
                    pure=False,
                )
            )
        precoded = PrecodedPipeline(partitions, pipeline)
        summary = code_files(
            inputs, db, precoded, options=options, recode=recode, progress=progress
        )  # type: ignore[arg-type]
    finally:
        for future in partitions.futures:
            future.release()
        if own_client:
            client.close()
        if own_cluster is not None:
            own_cluster.close()
    if owned_folder:
        shutil.rmtree(folder, ignore_errors=True)
    return summary
