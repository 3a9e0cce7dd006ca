"""A bounded load test on loopback: 2,000 requests from 20 concurrent clients.

A real ``eventwire serve`` subprocess serves the coded examples; the clients
mix the dashboard's reads (event pages, filters, series, articles, pages).
Every response must succeed; the latency percentiles are printed (and quoted
in docs/api.md). The run stops by itself and must finish in under 30 s.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
REQUESTS = 2_000
CLIENTS = 20
BUDGET_S = 30.0


@pytest.fixture(scope="module")
def server(served_examples) -> str:
    return served_examples


def _urls(base: str) -> list[str]:
    events = httpx.get(f"{base}/api/events", params={"limit": 500}).json()["events"]
    dyads = httpx.get(f"{base}/api/dyads/top", params={"limit": 5}).json()["dyads"]
    mix = [
        "/api/summary",
        "/api/events?limit=50",
        "/api/events?quad=4&limit=20",
        "/api/events?q=minister",
        "/api/series?by=month",
        "/api/actors/top",
        "/api/countries",
        "/api/network",
        "/",
        "/static/app.js",
    ]
    mix += [f"/api/events/{e['event_id']}" for e in events[:20]]
    mix += [f"/api/articles/{e['doc_id']}" for e in events[:10]]
    mix += [f"/api/dyads/series?source={d['source']}&target={d['target']}" for d in dyads]
    mix += [f"/api/events?source={d['source']}&target={d['target']}" for d in dyads]
    return [base + u for u in itertools.islice(itertools.cycle(mix), REQUESTS)]


async def _run(urls: list[str]) -> tuple[list[float], list[str]]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    latencies: list[float] = []
    errors: list[str] = []

    async def worker(client: httpx.AsyncClient) -> None:
        while True:
            try:
                url = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            try:
                response = await client.get(url)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {url}")
            except httpx.HTTPError as e:
                errors.append(f"{type(e).__name__} {url}")
            latencies.append(time.perf_counter() - start)

    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        await asyncio.wait_for(
            asyncio.gather(*(worker(client) for _ in range(CLIENTS))), timeout=BUDGET_S
        )
    return latencies, errors


def test_load_on_loopback(server):
    urls = _urls(server)
    started = time.perf_counter()
    latencies, errors = asyncio.run(_run(urls))
    elapsed = time.perf_counter() - started
    assert not errors, f"{len(errors)} errors, e.g. {errors[:5]}"
    assert len(latencies) == REQUESTS
    q = statistics.quantiles(latencies, n=100)
    p50, p95, p99 = (q[49] * 1000, q[94] * 1000, q[98] * 1000)
    print(  # noqa: T201  (the figures docs/api.md quotes)
        f"\nload: {REQUESTS} requests, {CLIENTS} clients, {elapsed:.1f} s, "
        f"{REQUESTS / elapsed:.0f} req/s; p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms, errors 0"
    )
    assert elapsed < BUDGET_S
    assert p99 < 2000, f"p99 latency {p99:.0f} ms"
