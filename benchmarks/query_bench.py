# ruff: noqa: T201  (a script: it reports on stdout)
"""Benchmark: analysis queries on a synthetic database of 10 million events.

Builds (once) an eventwire database whose ``events`` table holds N synthetic
mentions — skewed actor pairs over 200 countries, 25 years of dates, 10 %
month- and 2 % year-precision dates — then times the analysis functions the
CLI uses. Target (issue 8): a monthly dyad series in under a second.

    python benchmarks/query_bench.py                  # 10,000,000 events in /tmp
    python benchmarks/query_bench.py --events 1000000 --db /tmp/bench1m.duckdb
    python benchmarks/query_bench.py --rebuild        # drop and build again

The rows are generated inside DuckDB with SQL (Python objects for 10 M events
would take longer than the benchmark), after ``Database`` creates the schema,
so the file is a normal eventwire database that every command can open.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from eventwire import analysis
from eventwire.export import export
from eventwire.store import Database

COUNTRIES = [
    "USA", "CHN", "RUS", "PRK", "KOR", "JPN", "IRN", "ISR", "PSE", "UKR", "GBR", "FRA", "DEU",
    "IND", "PAK", "AFG", "IRQ", "SYR", "TUR", "SAU", "EGY", "NGA", "ETH", "SDN", "COD", "BRA",
    "MEX", "VEN", "COL", "ARG",
]  # fmt: skip
SECTORS = ["", "GOV", "MIL", "REB", "OPP", "COP", "BUS", "CVL", "MED", "JUD"]


def build(path: Path, n: int) -> float:
    """Create the schema with Database, then fill it with SQL; returns seconds."""
    started = time.perf_counter()
    with Database(path):
        pass
    countries = "[" + ", ".join(f"'{c}'" for c in COUNTRIES) + "]"
    sectors = "[" + ", ".join(f"'{s}'" for s in SECTORS) + "]"
    k = len(COUNTRIES)
    con = duckdb.connect(str(path))
    try:
        # Skewed choice: the square of a uniform number favours the first countries.
        con.execute(f"""
            CREATE TEMP TABLE raw AS
            SELECT i,
                   {countries}[1 + floor(pow(random(), 2) * {k})::INTEGER] AS sc,
                   {countries}[1 + floor(pow(random(), 2) * {k})::INTEGER] AS tc,
                   {sectors}[1 + floor(random() * {len(SECTORS)})::INTEGER] AS ss,
                   {sectors}[1 + floor(random() * {len(SECTORS)})::INTEGER] AS ts,
                   DATE '2000-01-01' + floor(random() * 9131)::INTEGER AS day,
                   random() AS p,
                   1 + floor(random() * 20)::INTEGER AS root
            FROM range({n}) r(i)
        """)
        con.execute("""
            INSERT INTO events (event_id, doc_id, sentence_index, sentence, char_start, char_end,
                source_text, source_code, source_country, source_sector,
                target_text, target_code, target_country, target_sector,
                cameo, cameo_root, cameo_label, plover, quad_class, goldstein,
                date, date_precision, date_start, date_end, confidence, coder_version,
                trigger, trigger_start, trigger_end, extra)
            SELECT substr(md5(i::VARCHAR), 1, 20), 'doc' || (i // 5)::VARCHAR, (i % 5)::INTEGER,
                   'Synthetic sentence ' || i::VARCHAR, 0, 40,
                   sc, sc || ss, sc, nullif(ss, ''), tc, tc || ts, tc, nullif(ts, ''),
                   lpad(root::VARCHAR, 2, '0') || '0', lpad(root::VARCHAR, 2, '0'), 'synthetic',
                   NULL,
                   CASE WHEN root <= 5 THEN 1 WHEN root <= 8 THEN 2
                        WHEN root <= 13 THEN 3 ELSE 4 END,
                   round(10 - root, 1),
                   CASE WHEN p < 0.02 THEN strftime(day, '%Y')
                        WHEN p < 0.12 THEN strftime(day, '%Y-%m')
                        ELSE strftime(day, '%Y-%m-%d') END,
                   CASE WHEN p < 0.02 THEN 'year' WHEN p < 0.12 THEN 'month'
                        WHEN p < 0.5 THEN 'publication' ELSE 'day' END,
                   CASE WHEN p < 0.02 THEN date_trunc('year', day)::DATE
                        WHEN p < 0.12 THEN date_trunc('month', day)::DATE ELSE day END,
                   CASE WHEN p < 0.02 THEN (date_trunc('year', day) + INTERVAL 1 YEAR
                                            - INTERVAL 1 DAY)::DATE
                        WHEN p < 0.12 THEN last_day(day) ELSE day END,
                   0.8, 'eventwire-bench', 'acted', 10, 15, '{}'
            FROM raw ORDER BY day
        """)
        con.execute("""
            INSERT INTO articles (id, date, text, content_hash, coded_at, coder_version)
            SELECT DISTINCT ON (doc_id) doc_id, date_start, 'synthetic article', md5(doc_id),
                   TIMESTAMP '2024-01-01 00:00:00', 'eventwire-bench'
            FROM events ORDER BY doc_id
        """)
        con.execute("DROP TABLE raw")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return time.perf_counter() - started


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best and median wall time of ``repeat`` calls after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    path = args.db or Path(tempfile.gettempdir()) / f"eventwire_bench_{args.events}.duckdb"
    if args.rebuild and path.exists():
        path.unlink()
        Path(f"{path}.wal").unlink(missing_ok=True)
    if not path.exists():
        print(f"building {args.events:,} events in {path} …", flush=True)
        print(f"  built in {build(path, args.events):.1f}s", flush=True)

    with Database(path):  # brings a file built by an older eventwire to the current schema
        pass
    with Database(path, read_only=True) as db:
        total = db.counts()["events"]
        print(f"{path}: {total:,} events, {db.counts()['articles']:,} articles")
        jobs: list[tuple[str, Callable[[], Any], float | None]] = [
            ("dyad series USA↔PRK by month", lambda: analysis.dyad_series(db, "USA", "PRK"), 1.0),
            ("dyad series USA→PRK by week, 2010-2014 (directed)",
             lambda: analysis.dyad_series(db, "USA", "PRK", by="week", directed=True,
                                          date_from=_d(2010), date_to=_d(2014, 12, 31)), 1.0),
            ("actor series IRN vs all by month", lambda: analysis.dyad_series(db, "IRN"), 1.0),
            ("timeline USA↔PRK, first 100",
             lambda: analysis.timeline(db, "USA", "PRK", limit=100), None),
            ("country network, 2020",
             lambda: analysis.actor_network(db, date_from=_d(2020), date_to=_d(2020, 12, 31)),
             None),
            ("top actors, IRN, 2020",
             lambda: analysis.top_actors(db, country="IRN", date_from=_d(2020),
                                         date_to=_d(2020, 12, 31)), None),
            ("GDELT export USA↔PRK, 2020",
             lambda: export(db, Path(tempfile.gettempdir()) / "bench_gdelt.tsv", "gdelt",
                            dyad=analysis.Dyad("USA", "PRK"), date_from=_d(2020),
                            date_to=_d(2020, 12, 31)), None),
        ]  # fmt: skip
        failed = False
        for name, job, target in jobs:
            best, median, result = timed(job, args.repeat)
            size = getattr(result, "height", result)
            verdict = ""
            if target is not None:
                ok = median < target
                failed |= not ok
                verdict = f"  {'OK' if ok else 'SLOW'} (target < {target:.1f}s)"
            print(f"{name:55s} best {best:6.3f}s  median {median:6.3f}s  rows {size}{verdict}")
    return 1 if failed else 0


def _d(year: int, month: int = 1, day: int = 1):
    import datetime as dt

    return dt.date(year, month, day)


if __name__ == "__main__":
    sys.exit(main())
