"""Time event clustering on 100,000 synthetic mentions (issue 7: under a minute on 2 cores).

Synthetic world: 40 countries with 4 sectors, 20 CAMEO roots, one year; about
35,000 real events, each reported 1-8 times with the date at day, month,
publication or year precision and the place named or not. Prints the time to
cluster in memory and the time of ``Database.recluster()`` on a DuckDB file
(load mentions, cluster, write clusters, update every mention).

    python benchmarks/cluster_bench.py [--mentions 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from eventwire.dedup import Mention, cluster_mentions
from eventwire.models import Actor, Article, Event, EventDate, Place
from eventwire.store import Database

COUNTRIES = [f"C{i:02d}" for i in range(40)]
SECTORS = [None, "GOV", "MIL", "OPP"]
ROOTS = [f"{r:02d}" for r in range(1, 21)]
YEAR = dt.date(2023, 1, 1)


def synthetic_events(n: int, seed: int) -> tuple[list[Article], list[Event]]:
    rng = random.Random(seed)
    articles: dict[str, Article] = {}
    events: list[Event] = []
    k = 0
    while len(events) < n:
        src, tgt = rng.sample(COUNTRIES, 2)
        ssec, tsec = rng.choice(SECTORS), rng.choice(SECTORS)
        root = rng.choice(ROOTS)
        day = YEAR + dt.timedelta(days=rng.randrange(365))
        place = rng.choice([src, tgt])
        for _ in range(rng.randint(1, 8)):
            if len(events) >= n:
                break
            doc = f"doc{rng.randrange(n // 3)}"
            published = day + dt.timedelta(days=rng.randrange(3))
            articles.setdefault(doc, Article(doc, doc, published, source=f"S{rng.randrange(300)}"))
            roll = rng.random()
            if roll < 0.6:
                date = EventDate(day.isoformat(), "day")
            elif roll < 0.75:
                date = EventDate(day.isoformat()[:7], "month")
            elif roll < 0.95:
                date = EventDate(published.isoformat(), "publication")
            else:
                date = EventDate(str(day.year), "year")
            sector = (ssec if rng.random() < 0.7 else None), (tsec if rng.random() < 0.7 else None)
            events.append(
                Event(
                    doc_id=doc,
                    sentence_index=k,
                    sentence=f"sentence {k}",
                    char_start=k,
                    char_end=k + 10,
                    source=Actor(src, src + (sector[0] or ""), src, sector[0]),
                    target=Actor(tgt, tgt + (sector[1] or ""), tgt, sector[1]),
                    cameo=root + rng.choice(["0", "1", "2"]),
                    cameo_label="",
                    plover=None,
                    plover_mode=None,
                    quad_class=1,
                    goldstein=0.0,
                    date=date,
                    location=Place(place, place, place) if rng.random() < 0.5 else None,
                    confidence=0.5,
                    coder_version="bench",
                    trigger="x",
                    trigger_start=k,
                    trigger_end=k + 1,
                )
            )
            k += 1
    return list(articles.values()), events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    articles, events = synthetic_events(args.mentions, args.seed)
    rows = Database._event_rows(events)
    mentions = [Mention.from_row(r) for r in rows]
    started = time.perf_counter()
    result = cluster_mentions(mentions)
    in_memory = time.perf_counter() - started
    print(  # noqa: T201  (the report of a benchmark script)
        f"in memory: {len(mentions)} mentions -> {len(result.clusters)} events in {in_memory:.1f}s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        with Database(Path(tmp) / "bench.duckdb") as db:
            db.write_batch(articles, events, cluster=False)
            started = time.perf_counter()
            stats = db.recluster()
            full = time.perf_counter() - started
    print(  # noqa: T201  (the report of a benchmark script)
        f"Database.recluster(): {stats['mentions']} mentions -> {stats['clusters']} events "
        f"in {full:.1f}s"
    )


if __name__ == "__main__":
    main()
