"""The dashboard in a real browser: Debian's chromium driven by Python Playwright.

A real ``eventwire serve`` subprocess serves the coded examples on a free
loopback port. The tests click dyad -> period -> event -> article, paste text
into "Try it", check laptop and phone widths and first paint, and fail on any
console error, page error or failed request. Screenshots are saved under the
directory printed at the start (``EVENTWIRE_ARTIFACTS`` overrides it).
Never run ``playwright install``: the browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TRY_TEXT = (
    "Police in Nairobi fired tear gas at hundreds of protesters on Wednesday. "
    "The foreign minister of France met his German counterpart in Berlin on Tuesday."
)

if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium is missing: install Debian's chromium (apt-get install -y chromium) "
        "to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="pip install playwright (no browser download)"
)


@pytest.fixture(scope="module")
def server(served_examples) -> str:
    return served_examples


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    root = os.environ.get("EVENTWIRE_ARTIFACTS")
    path = Path(root) / "screenshots" if root else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {path}")  # noqa: T201  (where CI finds the artifacts)
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Watched:
    """A page that records every console error, page error and failed request."""

    def __init__(self, browser: Any, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on(
            "requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}")
        )
        self.page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None
            ),
        )

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def open(self, url: str) -> Any:
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready='1']")
        return self.page

    def close(self) -> None:
        self.context.close()
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def laptop(browser) -> Iterator[Watched]:
    watched = Watched(browser, LAPTOP)
    yield watched
    watched.close()


@pytest.fixture
def phone(browser) -> Iterator[Watched]:
    watched = Watched(browser, PHONE)
    yield watched
    watched.close()


def test_overview_shows_the_example_data(server, laptop, artifacts):
    page = laptop.open(server + "/")
    summary = httpx.get(server + "/api/summary").json()
    cards = page.locator("#summary .card b").all_inner_texts()
    assert str(summary["articles"]) in cards and str(summary["events"]) in cards
    for chart in ("chart-timeline", "chart-dyads", "chart-actors", "chart-countries"):
        assert page.locator(f"#{chart} .main-svg").count() >= 1, chart
        assert page.locator(f"#{chart} .bars path").count() >= 1, chart
    assert page.locator("#articles li").count() == summary["articles"]
    assert page.locator("#list-dyads li").count() >= 1
    fcp = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint').map(e => e.startTime)[0]"
    )
    assert fcp is not None and fcp < 1000, f"first contentful paint {fcp} ms"
    page.screenshot(path=str(artifacts / "overview-laptop.png"), full_page=True)


def test_dyad_period_event_article(server, laptop, artifacts):
    """The analyst's path: a dyad, a spike, an event, the article behind it."""
    page = laptop.open(server + "/")
    dyad = page.locator("#list-dyads a.dyad-link").first
    label = dyad.inner_text()
    dyad.click()
    page.wait_for_url("**/dyads?**")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#periods tbody tr")
    assert label.replace(" → ", " → ") in page.locator("#series-title").inner_text()
    # Click the tallest bar of the chart itself (plotly_click), at its centre.
    bars = page.locator("#chart-series .bars .point path")
    boxes = [b for b in (bars.nth(i).bounding_box() for i in range(bars.count())) if b]
    box = max(boxes, key=lambda b: b["height"])
    assert box["height"] > 2
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#period-events li")
    selected = page.locator("#periods tbody tr.selected td").nth(1).inner_text()
    listed = page.locator("#period-events li").count()
    assert listed >= int(selected) >= 1
    page.screenshot(path=str(artifacts / "dyad-period-laptop.png"), full_page=True)

    link = page.locator("#period-events a.event-link").first
    event_id = page.locator("#period-events li").first.get_attribute("data-event")
    link.click()
    page.wait_for_url(f"**/events/{event_id}")
    page.wait_for_selector("body[data-ready='1']")
    event = httpx.get(f"{server}/api/events/{event_id}").json()
    evidence = page.locator("#evidence")
    assert evidence.inner_text().strip() == event["event"]["sentence"].strip()
    trigger = next(h for h in event["highlights"] if h["kind"] == "trigger")
    assert page.locator("#evidence mark.m-trigger").first.inner_text() == trigger["text"]
    for h in event["highlights"]:
        assert page.locator(f"#evidence mark.m-{h['kind']}").count() >= 1, h
    assert event["event"]["cameo_label"] in page.locator("dl.facts").inner_text()
    page.screenshot(path=str(artifacts / "event-laptop.png"), full_page=True)

    page.locator("#article-link").click()
    page.wait_for_url(f"**/articles/{event['event']['doc_id']}")
    page.wait_for_selector("body[data-ready='1']")
    article = httpx.get(f"{server}/api/articles/{event['event']['doc_id']}").json()
    assert page.locator("#article-events li").count() == len(article["events"])
    linked = set(
        page.locator("#article-text a.ev").evaluate_all("els => els.map(e => e.dataset.event)")
    )
    assert linked <= {e["event_id"] for e in article["events"]}
    # Every event's words link to an event (events sharing the words share a link).
    triggers = {
        (m["start"], m["end"])
        for e in article["events"]
        for m in e["marks"]
        if m["kind"] == "trigger"
    }
    assert len(linked) >= len(triggers)
    text = page.locator("#article-text").inner_text()
    assert " ".join(text.split()) == " ".join(article["article"]["text"].split())
    page.screenshot(path=str(artifacts / "article-laptop.png"), full_page=True)


def test_try_it_codes_pasted_text(server, laptop, artifacts):
    page = laptop.open(server + "/try")
    page.fill("#try-text", TRY_TEXT)
    page.fill("#try-date", "2024-03-06")
    page.click("#try-submit")
    page.wait_for_selector(".try-event", timeout=90_000)
    expected = httpx.post(
        f"{server}/api/extract", json={"text": TRY_TEXT, "date": "2024-03-06"}, timeout=60
    ).json()
    assert page.locator(".try-event").count() == expected["count"] >= 1
    assert page.locator(".try-event mark.m-trigger").count() >= 1
    assert f"{expected['count']} event" in page.locator("#try-status").inner_text()
    page.screenshot(path=str(artifacts / "try-laptop.png"), full_page=True)


def test_pages_fit_a_phone(server, phone, artifacts):
    first = httpx.get(f"{server}/api/events", params={"limit": 1}).json()["events"][0]
    dyad = httpx.get(f"{server}/api/dyads/top", params={"limit": 1}).json()["dyads"][0]
    pages = {
        "overview": "/",
        "dyads": f"/dyads?source={dyad['source']}&target={dyad['target']}",
        "event": f"/events/{first['event_id']}",
        "article": f"/articles/{first['doc_id']}",
        "try": "/try",
    }
    for name, url in pages.items():
        page = phone.open(server + url)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1] + 1, f"{name} is wider than the phone: {width}"
        assert page.locator("nav a").count() == 3
        page.screenshot(path=str(artifacts / f"{name}-phone.png"), full_page=True)
