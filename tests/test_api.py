"""The HTTP API in-process (httpx ASGI transport) over the coded example articles.

Every endpoint, every filter, the one error shape, limits, the write token,
SQL-injection strings in every filter, path traversal, and that errors never
carry stack traces or file paths (issue 9 item 4, issue 11 item 4).
"""

from __future__ import annotations

import asyncio
import base64
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
TOKEN = "s3cret-token-for-tests-0123456789"

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "USA' UNION SELECT * FROM articles --",
    "1) OR (1=1",
    "%' OR '%'='",
    "\\'; SELECT 1; --",
    "USA; DELETE FROM events",
    "\x00",
    "../../etc/passwd",
]
EVENT_FILTERS = [
    "actor", "source", "target", "dyad", "country", "cameo", "plover", "quad",
    "date_from", "date_to", "q", "doc_id", "cursor", "limit", "directed", "within",
]  # fmt: skip
LEAKS = ("Traceback", 'File "', ".py", "/tmp", "/work", "site-packages", "duckdb.", "Error(")


@pytest.fixture(scope="session")
def example_db(tmp_path_factory, pipeline) -> Path:
    """The examples/ folder coded once into a DuckDB file."""
    from eventwire.run import code_files
    from eventwire.store import Database

    path = tmp_path_factory.mktemp("api") / "examples.duckdb"
    with Database(path) as db:
        summary = code_files([EXAMPLES], db, pipeline)
    assert summary.articles == 15 and summary.events > 20
    return path


@pytest.fixture(scope="session")
def app(example_db):
    from eventwire.api import create_app

    app = create_app(example_db)
    yield app
    app.state.eventwire.close()


class Client:
    """A small synchronous face on httpx's async ASGI transport."""

    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        self.app, self.base = app, f"http://{host}"

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url=self.base) as c:
                return await c.request(method, url, **kw)

        return asyncio.run(go())

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)


@pytest.fixture(scope="session")
def client(app) -> Client:
    return Client(app)


@pytest.fixture(scope="session")
def all_events(client) -> list[dict[str, Any]]:
    body = client.get("/api/events", params={"limit": 500}).json()
    assert body["next_cursor"] is None
    return body["events"]


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """The one error shape, and nothing that leaks internals."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    for leak in LEAKS:
        assert leak not in response.text, f"{leak!r} leaked in {response.text}"
    return body["error"]


# -- the document and the overview ------------------------------------------------


def test_openapi_documents_every_endpoint(client):
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/summary", "/api/events", "/api/events/{event_id}", "/api/articles",
        "/api/articles/{article_id}", "/api/series", "/api/dyads/series", "/api/timeline",
        "/api/network", "/api/dyads/top", "/api/actors/top", "/api/countries", "/api/extract",
    ):  # fmt: skip
        assert path in paths, path
    assert "post" in paths["/api/articles"] and "post" in paths["/api/extract"]
    assert all("422" not in op["responses"] for p in paths.values() for op in p.values())
    assert "ErrorBody" in doc["components"]["schemas"]


def test_summary_matches_the_database(client, example_db, all_events):
    body = client.get("/api/summary").json()
    assert body["articles"] == 15
    assert body["events"] == len(all_events)
    assert sum(q["events"] for q in body["quad_classes"]) == body["events"]
    assert body["writes"] is False


# -- events ----------------------------------------------------------------------


def _events(client, **params) -> list[dict[str, Any]]:
    response = client.get("/api/events", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return response.json()["events"]


def _matches(actor: dict | None, code: str) -> bool:
    return bool(actor) and ((actor["code"] or "").startswith(code) or actor["country"] == code)


def test_every_event_filter_keeps_only_matching_events(client, all_events):
    sample = next(e for e in all_events if e["source"] and e["target"] and e["source"]["country"])
    src, tgt = sample["source"]["code"], sample["target"]["code"]
    country = sample["source"]["country"]
    checks = {
        "actor": (src, lambda e: _matches(e["source"], src) or _matches(e["target"], src)),
        "source": (src, lambda e: _matches(e["source"], src)),
        "target": (tgt, lambda e: _matches(e["target"], tgt)),
        "dyad": (f"{src}-{tgt}", lambda e: _matches(e["source"], src) and _matches(e["target"], tgt)),
        "country": (country, lambda e: country in {(e["source"] or {}).get("country"), (e["target"] or {}).get("country")}),
        "cameo": (sample["cameo"][:2], lambda e: e["cameo"].startswith(sample["cameo"][:2])),
        "plover": (sample["plover"], lambda e: e["plover"] == sample["plover"]),
        "quad": (sample["quad_class"], lambda e: e["quad_class"] == sample["quad_class"]),
        "q": (sample["sentence"].split()[1].upper(), lambda e: sample["sentence"].split()[1].lower() in e["sentence"].lower()),
        "doc_id": (sample["doc_id"], lambda e: e["doc_id"] == sample["doc_id"]),
    }  # fmt: skip
    for name, (value, ok) in checks.items():
        got = _events(client, **{name: value})
        assert sample["event_id"] in {e["event_id"] for e in got}, name
        assert all(ok(e) for e in got), name
        assert len(got) < len(all_events) or name == "q", name
    # Combined filters are ANDed.
    both = _events(client, actor=src, quad=sample["quad_class"])
    assert {e["event_id"] for e in both} <= {e["event_id"] for e in _events(client, actor=src)}
    # Undirected dyads include the reverse direction.
    undirected = _events(client, source=tgt, target=src, directed="false")
    assert sample["event_id"] in {e["event_id"] for e in undirected}


def test_date_filters_overlap_or_within(client, all_events):
    day = next(e for e in all_events if e["date_precision"] == "day")["date"]
    on_day = _events(client, date_from=day, date_to=day)
    assert on_day and all(e["date"][: len(e["date"])] <= day for e in on_day)
    within = _events(client, date_from=day, date_to=day, within="true")
    assert within and all(e["date"] == day for e in within)
    assert {e["event_id"] for e in within} <= {e["event_id"] for e in on_day}
    years = [e for e in all_events if e["date_precision"] == "year"]
    if years:  # a year-precision event overlaps a day in that year, but is not within it
        year = years[0]["date"]
        first = f"{year}-06-01"
        assert years[0]["event_id"] in {
            e["event_id"] for e in _events(client, date_from=first, date_to=first)
        }
        assert years[0]["event_id"] not in {
            e["event_id"] for e in _events(client, date_from=first, date_to=first, within="true")
        }
    assert_error(
        client.get("/api/events", params={"date_from": "2024-02-01", "date_to": "2024-01-01"}), 400
    )


def test_cursor_pagination_walks_every_event_once(client, all_events):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/events", params=params).json()
        assert body["count"] == len(body["events"]) <= 7
        seen += [e["event_id"] for e in body["events"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [e["event_id"] for e in all_events]
    assert pages == -(-len(all_events) // 7)


def test_bad_cursors_are_refused(client):
    forged = base64.urlsafe_b64encode(b'["2024-01-01","x",1]').decode()
    wrong_types = base64.urlsafe_b64encode(b'["2024-01-01","2024-01-01","a","1",0,"e"]').decode()
    bad_date = base64.urlsafe_b64encode(b'["2024-13-01","2024-01-01","a",1,0,"e"]').decode()
    for cursor in ("garbage!!", forged, wrong_types, bad_date, "W10", "x" * 1001):
        assert_error(client.get("/api/events", params={"cursor": cursor}), 400)


def test_limits_are_enforced(client):
    for limit in (0, -1, 501, 10**9, "ten"):
        assert_error(client.get("/api/events", params={"limit": limit}), 400, "invalid_parameter")
    assert client.get("/api/events", params={"limit": 500}).status_code == 200
    assert_error(client.get("/api/dyads/top", params={"limit": 101}), 400)
    assert_error(client.get("/api/actors/top", params={"limit": 501}), 400)
    assert_error(client.get("/api/articles", params={"limit": 501}), 400)
    assert_error(client.get("/api/events", params={"q": "x" * 201}), 400)


def test_bad_parameters_get_the_one_error_shape(client):
    bad = [
        "/api/events?quad=5", "/api/events?quad=x", "/api/events?date_from=2024-02-30",
        "/api/events?cameo=1a", "/api/events?country=US", "/api/events?dyad=USA",
        "/api/events?within=maybe", "/api/series?by=fortnight", "/api/dyads/series?source=USA",
        "/api/dyads/series?source=1AB&target=USA", "/api/timeline", "/api/network?level=planet",
        "/api/network?min_events=0", "/api/events/not-an-id", "/api/countries?limit=0",
    ]  # fmt: skip
    for url in bad:
        error = assert_error(client.get(url), 400)
        assert error["code"] == "invalid_parameter", url
    assert_error(client.get("/api/events/0123456789abcdef0123"), 404, "not_found")
    assert_error(client.get("/api/nothing"), 404, "not_found")
    assert_error(client.request("DELETE", "/api/events"), 405)


# -- one event, one article ---------------------------------------------------------


def test_one_event_has_its_evidence_marks_and_article(client, all_events):
    for listed in all_events[:10]:
        body = client.get(f"/api/events/{listed['event_id']}").json()
        event = body["event"]
        assert event == listed
        sentence = event["sentence"]
        kinds = [h["kind"] for h in body["highlights"]]
        assert "trigger" in kinds
        for h in body["highlights"]:
            assert sentence[h["start"] : h["end"]] == h["text"]
        spans = sorted((h["start"], h["end"]) for h in body["highlights"])
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
        assert body["article"]["id"] == event["doc_id"]
        assert isinstance(body["mentions"], list)
        assert all(m["event_id"] != event["event_id"] for m in body["mentions"])


def test_article_view_marks_every_event(client, all_events):
    doc_id = all_events[0]["doc_id"]
    body = client.get(f"/api/articles/{doc_id}").json()
    text = body["article"]["text"]
    assert {e["event_id"] for e in body["events"]} == {
        e["event_id"] for e in all_events if e["doc_id"] == doc_id
    }
    for event in body["events"]:
        assert text[event["char_start"] : event["char_end"]] == event["sentence"]
        assert event["marks"]
        for mark in event["marks"]:
            assert text[mark["start"] : mark["end"]] == mark["text"]
    listing = client.get("/api/articles", params={"limit": 100}).json()
    assert listing["count"] == 15
    assert sum(a["events"] for a in listing["articles"]) == len(all_events)
    assert_error(client.get("/api/articles/no-such-article"), 404, "not_found")


# -- analysis endpoints agree with eventwire.analysis --------------------------------


def test_series_timeline_network_and_tops_match_analysis(client, example_db, all_events):
    from eventwire import analysis
    from eventwire.store import Database

    series = client.get("/api/series", params={"by": "month"}).json()["rows"]
    assert sum(r["mentions"] for r in series) == len(all_events)
    quads = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")
    for row in series:
        assert row["period"] <= row["period_end"]
        # An event (cluster) whose mentions disagree on the quad class counts in each.
        assert row["events"] <= sum(row[q] for q in quads) <= row["mentions"]
    top = client.get("/api/dyads/top", params={"limit": 3}).json()["dyads"]
    src, tgt = top[0]["source"], top[0]["target"]
    dyad = client.get("/api/dyads/series", params={"source": src, "target": tgt}).json()
    with Database(example_db, read_only=True) as db:
        expected = analysis.dyad_series(db, src, tgt, directed=True)
        network = analysis.actor_network(db, level="actor")
        actors = analysis.top_actors(db, limit=5)
        timeline = analysis.timeline(db, src, limit=50)
    assert [r["events"] for r in dyad["rows"]] == expected["events"].to_list()
    assert [r["period"] for r in dyad["rows"]] == [d.isoformat() for d in expected["period"]]
    assert [(d["source"], d["target"]) for d in top] == list(
        zip(network["source"][:3], network["target"][:3], strict=True)
    )
    got_actors = client.get("/api/actors/top", params={"limit": 5}).json()["actors"]
    assert [a["actor"] for a in got_actors] == actors["actor"].to_list()
    got_timeline = client.get("/api/timeline", params={"actor": src}).json()["events"]
    assert [e["event_id"] for e in got_timeline] == timeline["event_id"].to_list()
    net = client.get("/api/network", params={"level": "actor", "limit": 5}).json()
    assert len(net["edges"]) == min(5, network.height)
    assert {n["id"] for n in net["nodes"]} == {
        e[k] for e in net["edges"] for k in ("source", "target")
    }
    countries = client.get("/api/countries", params={"limit": 5}).json()["countries"]
    assert countries and countries[0]["events"] >= countries[-1]["events"]


def test_a_period_of_a_dyad_lists_exactly_its_events(client):
    """What the dashboard does on a click: the series count equals the listed events."""
    for dyad in client.get("/api/dyads/top", params={"limit": 5}).json()["dyads"]:
        series = client.get(
            "/api/dyads/series", params={"source": dyad["source"], "target": dyad["target"]}
        ).json()
        for row in series["rows"]:
            listed = _events(
                client, source=dyad["source"], target=dyad["target"], date_from=row["period"],
                date_to=row["period_end"], within="true",
            )  # fmt: skip
            assert len(listed) == row["mentions"], (dyad, row)


# -- coding text ---------------------------------------------------------------------


def test_extract_codes_without_storing(client):
    before = client.get("/api/summary").json()
    text = (
        "The foreign minister of France met his German counterpart in Berlin on Tuesday. "
        "Police in Nairobi fired tear gas at protesters on Wednesday."
    )
    response = client.post("/api/extract", json={"text": text, "date": "2024-03-05"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["events"]) >= 1
    for event in body["events"]:
        assert event["sentence"] in text
        for h in event["highlights"]:
            assert event["sentence"][h["start"] : h["end"]] == h["text"]
    assert client.get("/api/summary").json() == before


def test_extract_refuses_bad_bodies(client):
    cases = [
        {"text": "", "date": "2024-01-01"},
        {"text": "Text.", "date": "yesterday"},
        {"text": "Text."},
        {"text": 12, "date": "2024-01-01"},
        {"text": "Text.", "date": "2024-01-01", "extra": 1},
        {"text": "x" * 100_001, "date": "2024-01-01"},
        [],
    ]
    for case in cases:
        assert_error(client.post("/api/extract", json=case), 400, "invalid_parameter")
    assert_error(
        client.post(
            "/api/extract", content=b"{not json", headers={"content-type": "application/json"}
        ),
        400,
    )
    too_big = b'{"text": "' + b"a" * 1_000_100 + b'", "date": "2024-01-01"}'
    assert_error(
        client.post("/api/extract", content=too_big, headers={"content-type": "application/json"}),
        413,
    )

    async def stream():  # no Content-Length: the limit applies while the body streams in
        yield b'{"text": "'
        for _ in range(20):
            yield b"a" * 100_000
        yield b'", "date": "2024-01-01"}'

    assert_error(
        client.post("/api/extract", content=stream(), headers={"content-type": "application/json"}),
        413,
    )


# -- writes ------------------------------------------------------------------------


def test_writes_are_off_by_default(client):
    response = client.post(
        "/api/articles",
        json={"text": "Text.", "date": "2024-01-01"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert_error(response, 403, "writes_disabled")


def test_write_token_is_required_and_compared_in_constant_time(example_db, tmp_path, monkeypatch):
    from eventwire import api
    from eventwire.errors import ConfigError

    for token in (None, "", "short"):
        with pytest.raises(ConfigError):
            api.create_app(example_db, allow_writes=True, token=token)
    calls = []
    real = api.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api.hmac, "compare_digest", spy)
    path = tmp_path / "writable.duckdb"
    shutil.copy(example_db, path)
    app = api.create_app(path, allow_writes=True, token=TOKEN)
    try:
        client = Client(app)
        article = {"text": "Police in Nairobi fired tear gas at protesters on Wednesday.", "date": "2024-03-06", "id": "api-test-1", "title": "Nairobi"}  # fmt: skip
        assert_error(client.post("/api/articles", json=article), 401, "missing_token")
        assert_error(
            client.post("/api/articles", json=article, headers={"Authorization": "Basic abc"}), 401
        )
        wrong = "x" * len(TOKEN)
        response = client.post(
            "/api/articles", json=article, headers={"Authorization": f"Bearer {wrong}"}
        )
        assert_error(response, 401, "bad_token")
        assert response.headers["www-authenticate"] == "Bearer"
        assert calls and calls[-1] == (wrong.encode(), TOKEN.encode())
        # The token is checked before the body is validated.
        assert_error(client.post("/api/articles", json={"bad": 1}), 401)
        before = client.get("/api/summary").json()
        ok = client.post(
            "/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert ok.status_code == 201, ok.text
        assert ok.json()["article_id"] == "api-test-1" and ok.json()["articles_added"] == 1
        after = client.get("/api/summary").json()
        assert after["articles"] == before["articles"] + 1
        assert after["events"] == before["events"] + ok.json()["events_added"]
        again = client.post(
            "/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert again.json()["articles_skipped"] == 1
        assert client.get("/api/articles/api-test-1").json()["article"]["title"] == "Nairobi"
    finally:
        app.state.eventwire.close()


# -- injection, traversal, leaks, headers ---------------------------------------------


def test_sql_injection_strings_in_every_filter(client, all_events, example_db):
    for name in EVENT_FILTERS:
        for bad in INJECTIONS:
            response = client.get("/api/events", params={name: bad})
            assert response.status_code in (200, 400), (name, bad, response.text)
            if response.status_code == 400:
                assert_error(response, 400)
            else:
                # Matched as data, so nothing (no sentence contains these strings).
                assert response.json()["events"] == [], (name, bad)
    others = [
        ("/api/series", ["country"]), ("/api/dyads/series", ["source", "target"]),
        ("/api/timeline", ["actor", "other"]), ("/api/network", ["country", "level"]),
        ("/api/actors/top", ["level"]), ("/api/articles", ["offset"]),
    ]  # fmt: skip
    for url, names in others:
        for name in names:
            for bad in INJECTIONS:
                params = {"source": "USA", "target": "CHN", "actor": "USA", name: bad}
                response = client.get(url, params=params)
                assert response.status_code == 400, (url, name, bad)
                assert_error(response, 400)
    for bad in INJECTIONS:
        quoted = quote(bad, safe="")
        response = client.get(f"/api/articles/{quoted}")
        assert response.status_code in (400, 404)
        assert_error(response, response.status_code)
        response = client.get(f"/api/events/{quoted}")
        assert_error(response, 404 if "%2F" in quoted else 400)
    # Nothing was changed.
    summary = client.get("/api/summary").json()
    assert summary["events"] == len(all_events) and summary["articles"] == 15


def test_path_traversal_never_reaches_files(client):
    attempts = [
        "/static/../../pyproject.toml", "/static/..%2F..%2Fpyproject.toml",
        "/static/%2e%2e%2f%2e%2e%2fapi.py", "/static/..%5c..%5capi.py", "/static/app.js%00.py",
        "/static/../api.py", "/static/templates/layout.html", "/static/%2Fetc%2Fpasswd",
        "/static//etc/passwd", "/api/articles/..%2F..%2Fetc%2Fpasswd", "/web/static/app.js",
        "/static/app.js/../../store.py",
    ]  # fmt: skip
    for url in attempts:
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert_error(response, response.status_code)
        for secret in ("root:", "[project]", "def create_app", "import duckdb"):
            assert secret not in response.text


def test_errors_never_leak_paths_or_tracebacks(example_db):
    from eventwire.api import create_app

    app = create_app(example_db)
    client = Client(app)
    app.state.eventwire.close()  # every query now fails inside the store
    for url in ("/api/summary", "/api/events", "/api/series", "/api/dyads/top"):
        error = assert_error(client.get(url), 503, "unavailable")
        assert str(example_db) not in error["message"]


def test_security_headers_and_host_check(example_db, client):
    from eventwire.api import create_app

    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    app = create_app(example_db, allowed_hosts=["127.0.0.1", "localhost"])
    try:
        assert Client(app).get("/api/summary").status_code == 200
        assert Client(app, host="localhost:8000").get("/api/summary").status_code == 200
        assert_error(Client(app, host="evil.example").get("/api/summary"), 400, "bad_host")
    finally:
        app.state.eventwire.close()


# -- pages and static files -----------------------------------------------------------


def test_pages_and_static_files(client, all_events):
    event = all_events[0]
    for url, title in [
        ("/", "Overview"), ("/dyads", "Dyad explorer"), (f"/events/{event['event_id']}", "Event"),
        (f"/articles/{event['doc_id']}", "Article"), ("/try", "Try it"),
    ]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")
        assert f"<title>{title} · eventwire</title>" in response.text
        assert '<script src="/static/app.js" defer></script>' in response.text
        assert "http://" not in response.text and "https://" not in response.text  # no CDN
    assert "plotly.min.js" in client.get("/").text
    assert "plotly.min.js" not in client.get("/try").text
    js = client.get("/static/plotly.min.js", headers={"accept-encoding": "gzip"})
    assert js.status_code == 200 and js.headers["content-encoding"] == "gzip"
    assert len(js.content) > 1_000_000 and b"plotly" in js.content[:2000].lower()
    cached = client.get("/static/plotly.min.js", headers={"if-none-match": js.headers["etag"]})
    assert cached.status_code == 304
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert_error(client.get("/events/not-hex"), 400)


def test_serve_command_defaults_and_token_rules(example_db, monkeypatch):
    from click.testing import CliRunner

    from eventwire.cli import main
    from eventwire.cli.serve import serve

    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"
    runner = CliRunner()
    result = runner.invoke(main, ["serve", "--db", str(example_db), "--allow-writes"])
    assert result.exit_code == 2 and "--token-env" in result.output
    monkeypatch.delenv("EW_TEST_TOKEN", raising=False)
    result = runner.invoke(
        main, ["serve", "--db", str(example_db), "--allow-writes", "--token-env", "EW_TEST_TOKEN"]
    )
    assert result.exit_code == 2 and "EW_TEST_TOKEN" in result.output
    result = runner.invoke(main, ["serve", "--db", str(example_db), "--token-env", "X"])
    assert result.exit_code == 2
