"""The jobs the fronts (CLI, API, Dask) call: extract files to events, code into a database.

Each job reads inputs, runs the pipeline in batches, and reports counts; bad
records become Rejects and never stop the run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.ingest import ReadOptions, read_inputs
from eventwire.models import Article, Event, Reject
from eventwire.pipeline import Pipeline
from eventwire.store import Database

Progress = Callable[[int], None]


@dataclass
class RunSummary:
    """What a job did: articles read, skipped as already coded, rejected; events found."""

    articles: int = 0
    skipped: int = 0
    rejected: int = 0
    events: int = 0
    rejects: list[Reject] = field(default_factory=list)

    def to_dict(self) -> dict[str, int]:
        """Counts under the names the store's run log uses."""
        return {
            "articles": self.articles,
            "skipped": self.skipped,
            "rejects": self.rejected,
            "events": self.events,
        }


def extract_files(
    inputs: Sequence[str | Path],
    pipeline: Pipeline,
    *,
    options: ReadOptions | None = None,
    summary: RunSummary | None = None,
    progress: Progress | None = None,
) -> Iterator[Event]:
    """Stream the events of every article in ``inputs`` (no database)."""
    summary = summary if summary is not None else RunSummary()
    articles = _articles(read_inputs(inputs, options or ReadOptions()), summary)
    for _article, events in pipeline.extract(articles):
        summary.articles += 1
        summary.events += len(events)
        if progress:
            progress(1)
        yield from events


def code_files(
    inputs: Sequence[str | Path],
    db: Database,
    pipeline: Pipeline,
    *,
    options: ReadOptions | None = None,
    recode: bool = False,
    batch_size: int = 200,
    progress: Progress | None = None,
) -> RunSummary:
    """Read, code and store; articles already stored are skipped unless ``recode``."""
    summary = RunSummary()
    run_id = db.start_run([str(p) for p in inputs])
    records = read_inputs(inputs, options or ReadOptions())
    _code_stream(records, db, pipeline, summary, recode, batch_size, progress)
    db.finish_run(run_id, summary.to_dict())
    return summary


def recode_database(
    db: Database, pipeline: Pipeline, *, batch_size: int = 200, progress: Progress | None = None
) -> RunSummary:
    """Re-code every stored article with the current coder (``--recode`` without inputs)."""
    summary = RunSummary()
    run_id = db.start_run(["<recode>"])
    _code_stream(iter(db.articles()), db, pipeline, summary, True, batch_size, progress)
    db.finish_run(run_id, summary.to_dict())
    return summary


def _code_stream(
    records: Iterable[Article | Reject],
    db: Database,
    pipeline: Pipeline,
    summary: RunSummary,
    recode: bool,
    batch_size: int,
    progress: Progress | None,
) -> None:
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, batch_size)):
        rejects = [r for r in batch if isinstance(r, Reject)]
        articles = _first_of_each_id([a for a in batch if isinstance(a, Article)])
        summary.rejected += len(rejects)
        summary.rejects.extend(rejects)
        if not recode:
            known = db.known_article_ids([a.id for a in articles])
            summary.skipped += sum(a.id in known for a in articles)
            articles = [a for a in articles if a.id not in known]
        coded = list(pipeline.extract(articles))
        events = [e for _, evs in coded for e in evs]
        db.write_batch([a for a, _ in coded], events, rejects, replace=recode)
        summary.articles += len(coded)
        summary.events += len(events)
        if progress:
            progress(len(batch))


def _first_of_each_id(articles: list[Article]) -> list[Article]:
    seen: set[str] = set()
    out = []
    for article in articles:
        if article.id not in seen:
            seen.add(article.id)
            out.append(article)
    return out


def _articles(records: Iterable[Article | Reject], summary: RunSummary) -> Iterator[Article]:
    for record in records:
        if isinstance(record, Reject):
            summary.rejected += 1
            summary.rejects.append(record)
        else:
            yield record
