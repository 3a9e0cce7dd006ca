"""The jobs the fronts (CLI, API, Dask) call: extract files to events, code into a database.

Each job reads inputs, runs the pipeline in batches, and reports counts; bad
records become Rejects and never stop the run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.dedup import Duplicate, Fingerprint, confirm, copy_events, shingles
from eventwire.ingest import ReadOptions, read_inputs
from eventwire.models import Article, Event, Reject
from eventwire.pipeline import Pipeline
from eventwire.store import Database, content_hash

Progress = Callable[[int], None]


@dataclass
class RunSummary:
    """What a job did: articles read, skipped as already coded, rejected; events found.

    ``articles`` counts articles stored; of those, ``parsed`` went through the
    parser and ``duplicates`` were exact copies of stored text (not parsed, their
    events copied); ``near_duplicates`` were parsed and linked to the text they repeat.
    """

    articles: int = 0
    skipped: int = 0
    rejected: int = 0
    events: int = 0
    rejects: list[Reject] = field(default_factory=list)
    parsed: int = 0
    duplicates: int = 0
    near_duplicates: int = 0

    def to_dict(self) -> dict[str, int]:
        """Counts under the names the store's run log uses."""
        return {
            "articles": self.articles,
            "skipped": self.skipped,
            "rejects": self.rejected,
            "events": self.events,
            "parsed": self.parsed,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
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
    _code_stream(records, db, pipeline, summary, recode, batch_size, progress, run_id)
    db.finish_run(run_id, summary.to_dict())
    return summary


def recode_database(
    db: Database, pipeline: Pipeline, *, batch_size: int = 200, progress: Progress | None = None
) -> RunSummary:
    """Re-code every stored article with the current coder (``--recode`` without inputs)."""
    summary = RunSummary()
    run_id = db.start_run(["<recode>"])
    _code_stream(iter(db.articles()), db, pipeline, summary, True, batch_size, progress, run_id)
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
    run_id: int | None = None,
) -> None:
    # Each batch is one transaction that also adds its counts to the run, so the
    # runs table shows how far a run got even when it was killed (finished_at NULL).
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
        exact = _exact_duplicates(articles, db, recode)
        # Exact copies are not parsed (their events are copied below), except when
        # re-coding, where the stored original may itself still await re-coding.
        to_parse = [a for a in articles if recode or a.id not in exact]
        coded = list(pipeline.extract(to_parse))
        summary.parsed += len(coded)
        events = [e for _, evs in coded for e in evs]
        stored = [a for a, _ in coded]
        if not recode:
            copies, copied = _copy_duplicates(articles, exact, dict(coded), db)
            events += copies
            stored += copied
        fingerprints = [Fingerprint.of(a.id, a.text) for a in to_parse if a.id not in exact]
        near = _near_duplicates(fingerprints, db)
        links = [Duplicate(dup, original, "exact", 1.0) for dup, original in exact.items()] + near
        db.write_batch(
            stored,
            events,
            rejects,
            replace=recode,
            duplicates=links,
            fingerprints=fingerprints,
            run_id=run_id,
        )
        summary.articles += len(stored)
        summary.events += len(events)
        summary.duplicates += len(exact)
        summary.near_duplicates += len({d.article_id for d in near})
        if progress:
            progress(len(batch))


def _exact_duplicates(articles: list[Article], db: Database, recode: bool) -> dict[str, str]:
    """Article id -> the id of the article whose text it repeats exactly.

    The original is the stored article with that text (the smallest id), else
    the first of the batch; re-coding takes the smallest id of either.
    """
    hashes = {a.id: content_hash(a.text) for a in articles}
    stored = db.known_content_hashes(hashes.values())
    first: dict[str, str] = {}
    out: dict[str, str] = {}
    for article in articles:
        h = hashes[article.id]
        if recode:
            group = [i for i, hh in hashes.items() if hh == h]
            original = min([*group, *([stored[h]] if h in stored else [])])
        else:
            original = stored.get(h) or first.setdefault(h, article.id)
        if original != article.id:
            out[article.id] = original
    return out


def _copy_duplicates(
    articles: list[Article],
    exact: dict[str, str],
    coded: dict[Article, list[Event]],
    db: Database,
) -> tuple[list[Event], list[Article]]:
    """The events of each exact duplicate: its original's, moved to its own id."""
    if not exact:
        return [], []
    by_id = {a.id: a for a in articles}
    parsed = {a.id: (a, evs) for a, evs in coded.items()}
    elsewhere = sorted({o for o in exact.values() if o not in parsed})
    stored_events = db.event_objects(elsewhere)
    stored_texts = {a.id: a.text for a in db.articles(ids=elsewhere)}
    events: list[Event] = []
    copied: list[Article] = []
    for dup_id, original in exact.items():
        if original in parsed:
            text, evs = parsed[original][0].text, parsed[original][1]
        else:
            text, evs = stored_texts.get(original, by_id[dup_id].text), stored_events[original]
        events += copy_events(evs, text, by_id[dup_id])
        copied.append(by_id[dup_id])
    return events, copied


def _near_duplicates(fingerprints: list[Fingerprint], db: Database) -> list[Duplicate]:
    """Near-duplicate links: LSH candidates (stored, or earlier in the batch) confirmed
    by exact Jaccard over word shingles."""
    if not fingerprints:
        return []
    stored = db.near_duplicate_candidates(fingerprints)
    texts = {a.id: a.text for a in db.articles(ids=sorted(set().union(*stored.values())))}
    shingled = {i: shingles(t) for i, t in texts.items()}
    seen: dict[tuple[int, int], list[Fingerprint]] = {}
    out: list[Duplicate] = []
    for fp in fingerprints:
        candidates = {i: shingled[i] for i in stored.get(fp.article_id, ()) if i in shingled}
        for band, bucket in enumerate(fp.buckets):
            for earlier in seen.get((band, bucket), ()):
                candidates[earlier.article_id] = earlier.shingles
        out += confirm(fp, candidates)
        for band, bucket in enumerate(fp.buckets):
            seen.setdefault((band, bucket), []).append(fp)
    return out


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
