"""The HTTP API and dashboard over one eventwire database (``eventwire serve``).

Read-only by default: the file is opened read-only and the only endpoint that
codes text (``POST /api/extract``) stores nothing. ``POST /api/articles`` codes
and stores an article, and exists only when the operator allows writes and
sets a token. Every request parameter is validated and passed to DuckDB as a
bound parameter; every error is one JSON shape, ``{"error": {"status",
"code", "message"}}``, without stack traces or file paths. The dashboard is
plain HTML and the project's own JS/CSS; the chart library is read at run time
from the installed ``plotly`` package, so nothing is fetched from a CDN.
See docs/api.md.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import hmac
import json
import logging
import threading
from collections.abc import Callable, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventwire import __version__
from eventwire.config import DEFAULT_MODEL, Settings
from eventwire.errors import ConfigError, DataFileError, EventwireError
from eventwire.models import Article
from eventwire.store import Database

log = logging.getLogger("eventwire.api")

#: Largest request body accepted, in bytes (413 above it).
MAX_BODY_BYTES = 1_000_000
#: Largest text ``/api/extract`` and ``/api/articles`` code, in characters.
MAX_TEXT_CHARS = 100_000
#: Largest page of events, articles, actors or dyads one request returns.
MAX_PAGE = 500
DEFAULT_PAGE = 50
#: Shortest bearer token accepted for the write endpoint.
MIN_TOKEN_CHARS = 16

# An actor: a CAMEO code prefix (USA, USAGOV) or a country; the rules of analysis.Dyad.
_ACTOR = r"^[A-Za-z]{3}[A-Za-z0-9]{0,29}$"
_EVENT_ID = r"^[0-9a-f]{20}$"
_ARTICLE_ID = r"^[^\x00-\x1f\x7f]{1,200}$"
Period = Literal["day", "week", "month", "year"]

_ACTOR_FIELDS = ("text", "code", "country", "sector", "name")
_PLACE_FIELDS = ("text", "name", "country", "lat", "lon", "geonames_id")
_EVENT_KEYS = (
    "event_id", "doc_id", "sentence_index", "sentence", "char_start", "char_end",
    "source", "target", "cameo", "cameo_root", "cameo_label", "plover", "plover_mode",
    "quad_class", "goldstein", "date", "date_precision", "date_text", "location",
    "confidence", "coder_version", "trigger", "trigger_start", "trigger_end",
)  # fmt: skip
_NESTED = {"source": _ACTOR_FIELDS, "target": _ACTOR_FIELDS, "location": _PLACE_FIELDS}
# Keyset order of the event list; the cursor holds these values of the last row.
_ORDER = ("date_start", "date_end", "doc_id", "sentence_index", "char_start", "event_id")
_ORDER_SQL = (
    "date_start, date_end, doc_id, coalesce(sentence_index, -1), coalesce(char_start, -1), event_id"
)

_STATIC = {
    "app.js": ("web/static/app.js", "text/javascript; charset=utf-8"),
    "app.css": ("web/static/app.css", "text/css; charset=utf-8"),
}
_PAGES = {
    "overview": "Overview",
    "dyads": "Dyad explorer",
    "event": "Event",
    "article": "Article",
    "try": "Try it",
}
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


# -- errors ----------------------------------------------------------------------


class ApiError(Exception):
    """An error the client caused or should know about, sent as the one JSON shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every 4xx/5xx response: ``{"error": {"status", "code", "message"}}``."""

    error: ErrorDetail


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The single error shape every failure is sent in."""
    body = {"error": {"status": status, "code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    411: "length_required",
    413: "body_too_large",
    415: "unsupported_media_type",
}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        loc = [str(p) for p in error.get("loc", ())]
        where = loc[0] if loc else "request"
        name = ".".join(loc[1:])
        place = {"query": "query parameter", "path": "path parameter", "header": "header"}.get(
            where, "body field" if name else "body"
        )
        label = f"{place} '{name}'" if name else place
        parts.append(f"{label}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(exc.status, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, "invalid_parameter", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = {
            404: "No such endpoint or page; see /openapi.json for the API.",
            405: "This method is not allowed on this endpoint; see /openapi.json.",
        }.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, code, message)

    @app.exception_handler(EventwireError)
    async def _eventwire(_request: Request, exc: EventwireError) -> JSONResponse:
        # Store messages name the database file; log them, never send them.
        log.error("request failed: %s", exc)
        return error_response(
            503, "unavailable", "The event database could not be read; see the server log."
        )

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "internal_error", "Internal error; see the server log.")


# -- request body limit ----------------------------------------------------------


class BodyLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` before they are read whole.

    A declared Content-Length over the limit is refused at once; a body that
    streams past it (or lies about its length) is cut off with 413 too.
    """

    def __init__(self, app: Callable[..., Any], max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            text = declared.decode("latin-1").strip()
            if not text.isdigit() or int(text) > self.max_bytes:
                response = error_response(
                    413, "body_too_large", f"Request bodies are limited to {self.max_bytes} bytes."
                )
                await response(scope, receive, send)
                return
        seen = 0

        async def limited() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise StarletteHTTPException(
                        413, f"Request bodies are limited to {self.max_bytes} bytes."
                    )
            return message

        await self.app(scope, limited, send)


class SecurityHeaders:
    """ASGI middleware: security headers on every response, and an optional Host check.

    The Host check (on when serving on loopback) stops DNS-rebinding pages from
    reading the API through a victim's browser.
    """

    def __init__(self, app: Callable[..., Any], allowed_hosts: Sequence[str] | None) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed is not None:
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.allowed:
                response = error_response(
                    400, "bad_host", "This server does not answer for that host name."
                )
                await response(scope, receive, send)
                return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", _CSP.encode()),
                ]
                message["headers"] = list(message.get("headers") or []) + extra
            await send(message)

        await self.app(scope, receive, with_headers)


# -- request and response models -------------------------------------------------


class TextIn(BaseModel):
    """Text to code, with its publication date."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    date: dt.date


class ArticleIn(TextIn):
    """An article to code and store (``POST /api/articles``)."""

    id: str | None = Field(default=None, pattern=_ARTICLE_ID)
    title: str | None = Field(default=None, max_length=1000)
    source: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=2000)


# -- the service -----------------------------------------------------------------


class Service:
    """What the routes share: the open database, the coder, and their locks.

    One DuckDB connection is not safe to use from several threads at once, so
    queries take ``db_lock``; they are short. The coder is built on first use.
    """

    def __init__(
        self, db_path: str | Path, *, allow_writes: bool, token: str | None, model: str
    ) -> None:
        self.allow_writes = allow_writes
        self.token = token
        self.model = model
        self.db = Database(db_path, read_only=not allow_writes)
        self.db_lock = threading.Lock()
        self.coder_lock = threading.Lock()
        self._pipeline: Any = None

    def close(self) -> None:
        with self.db_lock:
            self.db.close()

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a parameterised read query; rows as dicts."""
        with self.db_lock:
            return self.db.sql(query, list(params)).to_dicts()

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call an ``analysis`` function on the database; its refusals become 400s."""
        try:
            with self.db_lock:
                return fn(self.db, *args, **kwargs)
        except DataFileError:
            raise
        except ConfigError as e:
            # analysis raises ConfigError for a bad actor, period or range; no paths in it.
            raise ApiError(400, "invalid_parameter", str(e)) from e

    def frame(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        """Call an ``analysis`` function; its frame as row dicts."""
        return self.call(fn, *args, **kwargs).to_dicts()

    def extract(self, text: str, date: dt.date, article_id: str | None = None, **meta: Any):
        """Code one text; returns the Article and its events (nothing stored)."""
        article = Article(id=article_id or Article.make_id(text), text=text, date=date, **meta)
        with self.coder_lock:
            if self._pipeline is None:
                from eventwire.pipeline import Pipeline

                self._pipeline = Pipeline(Settings(model=self.model))
            events = self._pipeline.extract_batch([article])[0]
        return article, events


def _service(request: Request) -> Service:
    return request.app.state.eventwire


ServiceDep = Annotated[Service, Depends(_service)]


# -- helpers ---------------------------------------------------------------------


def _nest(row: dict[str, Any]) -> dict[str, Any]:
    """A flat ``events`` row in the nested public event format (docs/event-format.md)."""
    out: dict[str, Any] = {}
    for key in _EVENT_KEYS:
        if key in _NESTED:
            present = row.get(f"{key}_text") is not None
            out[key] = {f: row[f"{key}_{f}"] for f in _NESTED[key]} if present else None
        else:
            out[key] = row.get(key)
    return out


def highlights(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Spans to mark in the event's sentence: trigger, source, target, date, place.

    Offsets are relative to the sentence. The trigger has stored offsets; the
    others are found as the first occurrence of their text, and a span that
    overlaps an earlier one is left out so the marks never nest.
    """
    sentence = event.get("sentence") or ""
    base = event.get("char_start") or 0
    found: list[dict[str, Any]] = []

    def add(kind: str, start: int | None, text: str | None) -> None:
        if start is None and text:
            start = sentence.find(text)
            start = start if start >= 0 else None
        if start is None or not text:
            return
        end = start + len(text)
        if start < 0 or end > len(sentence):
            return
        if any(start < f["end"] and f["start"] < end for f in found):
            return
        found.append({"kind": kind, "start": start, "end": end, "text": sentence[start:end]})

    trigger = event.get("trigger") or ""
    t_start = event.get("trigger_start")
    if trigger and t_start is not None:
        rel = t_start - base
        if sentence[rel : rel + len(trigger)] == trigger:
            add("trigger", rel, trigger)
    if not any(f["kind"] == "trigger" for f in found):
        add("trigger", None, trigger)
    for kind in ("source", "target"):
        actor = event.get(kind)
        add(kind, None, actor.get("text") if actor else None)
    add("date", None, event.get("date_text"))
    place = event.get("location")
    add("place", None, place.get("text") if place else None)
    return sorted(found, key=lambda f: f["start"])


def _encode_cursor(row: dict[str, Any]) -> str:
    values = [row[k].isoformat() if k.startswith("date_") else row[k] for k in _ORDER]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list[Any]:
    bad = ApiError(
        400, "bad_cursor", "The cursor is not one this server issued; start again without it."
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as e:
        raise bad from e
    types = (str, str, str, int, int, str)
    if not isinstance(values, list) or len(values) != len(types):
        raise bad
    if not all(
        isinstance(v, t) and not isinstance(v, bool) for v, t in zip(values, types, strict=True)
    ):
        raise bad
    try:
        values[0], values[1] = dt.date.fromisoformat(values[0]), dt.date.fromisoformat(values[1])
    except ValueError as e:
        raise bad from e
    return values


def _check_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise ApiError(400, "invalid_parameter", "date_from is after date_to.")


@cache
def _package_text(resource: str) -> str:
    return files("eventwire").joinpath(resource).read_text(encoding="utf-8")


@cache
def _plotly_js() -> tuple[bytes, bytes, str]:
    """plotly.js from the installed plotly package (plain, gzipped, etag)."""
    try:
        import plotly
    except ImportError as e:
        raise ConfigError(
            "The dashboard charts need the plotly package; install it (pip install plotly)."
        ) from e
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    data = path.read_bytes()
    return data, gzip.compress(data, 6), f'"plotly-{plotly.__version__}"'


def _page(name: str) -> str:
    layout = _package_text("web/templates/layout.html")
    body = _package_text(f"web/templates/{name}.html")
    charts = (
        '<script src="/static/plotly.min.js" defer></script>'
        if name in ("overview", "dyads")
        else ""
    )
    return (
        layout.replace("{{title}}", _PAGES[name])
        .replace("{{page}}", name)
        .replace("{{charts}}", charts)
        .replace("{{version}}", __version__)
        .replace("{{content}}", body)
    )


# -- the app ---------------------------------------------------------------------


Actor = Annotated[
    str | None, Query(pattern=_ACTOR, description="Actor code prefix (USA, USAGOV) or country.")
]
DateFrom = Annotated[dt.date | None, Query(description="First day (YYYY-MM-DD).")]
DateTo = Annotated[dt.date | None, Query(description="Last day (YYYY-MM-DD).")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Rows per page (1-{MAX_PAGE}).")]
EventId = Annotated[str, PathParam(pattern=_EVENT_ID, description="20 hex digits.")]
ArticleId = Annotated[str, PathParam(pattern=_ARTICLE_ID, max_length=200)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Invalid parameter"},
    404: {"model": ErrorBody, "description": "Not found"},
}


def create_app(
    db_path: str | Path,
    *,
    allow_writes: bool = False,
    token: str | None = None,
    model: str = DEFAULT_MODEL,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The API and dashboard over the database at ``db_path``.

    Read-only unless ``allow_writes``, which needs a ``token`` of at least
    MIN_TOKEN_CHARS characters that ``POST /api/articles`` must present as
    ``Authorization: Bearer <token>``. ``allowed_hosts`` limits the Host
    header (``eventwire serve`` sets it when bound to loopback).
    """
    if allow_writes and (not token or len(token) < MIN_TOKEN_CHARS):
        raise ConfigError(
            f"Writes need an operator token of at least {MIN_TOKEN_CHARS} characters; "
            "set one in an environment variable and pass --token-env VAR."
        )
    service = Service(db_path, allow_writes=allow_writes, token=token, model=model)
    app = FastAPI(
        title="eventwire",
        version=__version__,
        summary="Political event data coded from news text (CAMEO/PLOVER).",
        docs_url=None,
        redoc_url=None,
        responses=_ERRORS,
    )
    app.state.eventwire = service
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(SecurityHeaders, allowed_hosts=allowed_hosts)
    _install_error_handlers(app)
    _api_routes(app)
    _page_routes(app)
    _drop_422(app)
    return app


def _drop_422(app: FastAPI) -> None:
    """Document 400 (our shape) instead of FastAPI's default 422 validation error."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        for path in schema.get("paths", {}).values():
            for op in path.values():
                op.get("responses", {}).pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _api_routes(app: FastAPI) -> None:
    from eventwire import analysis

    @app.get("/api/summary", tags=["overview"])
    def summary(svc: ServiceDep) -> dict[str, Any]:
        """Counts, the date range, and events per quad class."""
        with svc.db_lock:
            counts = svc.db.counts()
        span = svc.rows("SELECT min(date_start) AS first, max(date_end) AS last FROM events")[0]
        quads = svc.rows(
            "SELECT quad_class, count(*) AS events FROM events GROUP BY quad_class ORDER BY quad_class"
        )
        return {
            "articles": counts["articles"],
            "events": counts["events"],
            "first_date": span["first"],
            "last_date": span["last"],
            "quad_classes": quads,
            "writes": svc.allow_writes,
        }

    @app.get("/api/events", tags=["events"])
    def list_events(
        svc: ServiceDep,
        actor: Actor = None,
        source: Actor = None,
        target: Actor = None,
        dyad: Annotated[
            str | None,
            Query(
                pattern=r"^[A-Za-z]{3}[A-Za-z0-9]{0,29}-[A-Za-z]{3}[A-Za-z0-9]{0,29}$",
                description="SOURCE-TARGET, e.g. USA-CHN; same as source=USA&target=CHN.",
            ),
        ] = None,
        directed: Annotated[
            bool, Query(description="With source and target: false matches both ways.")
        ] = True,
        country: Annotated[
            str | None, Query(pattern=r"^[A-Za-z]{3}$", description="Either side's country.")
        ] = None,
        cameo: Annotated[
            str | None, Query(pattern=r"^[0-9]{1,4}$", description="CAMEO code prefix.")
        ] = None,
        plover: Annotated[
            str | None, Query(pattern=r"^[A-Za-z_]{1,32}$", description="PLOVER event type.")
        ] = None,
        quad: Annotated[int | None, Query(ge=1, le=4, description="Quad class 1-4.")] = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        within: Annotated[
            bool,
            Query(
                description="Only events whose whole date lies in date_from..date_to "
                "(default: any overlap)."
            ),
        ] = False,
        q: Annotated[
            str | None,
            Query(min_length=1, max_length=200, description="Text in the evidence sentence."),
        ] = None,
        doc_id: Annotated[str | None, Query(pattern=_ARTICLE_ID, description="Article id.")] = None,
        limit: Limit = DEFAULT_PAGE,
        cursor: Annotated[
            str | None, Query(max_length=1000, description="next_cursor of the previous page.")
        ] = None,
    ) -> dict[str, Any]:
        """Events matching every filter given, by date; follow ``next_cursor`` for more.

        Actors match like the analysis functions: a code prefix or a country.
        """
        _check_range(date_from, date_to)
        conds: list[str] = []
        params: list[Any] = []
        if dyad:
            source, target = dyad.split("-", 1)
        try:
            if actor:
                sql, p = analysis.Dyad(actor).where()
                conds.append(sql)
                params += p
            if source and target:
                sql, p = analysis.Dyad(source, target, directed).where()
                conds.append(sql)
                params += p
            elif source or target:
                side, code = ("source", source) if source else ("target", target)
                conds.append(f"(starts_with({side}_code, ?) OR {side}_country = ?)")
                params += [code.upper(), code.upper()]
        except ConfigError as e:
            raise ApiError(400, "invalid_parameter", str(e)) from e
        if country:
            conds.append("(source_country = ? OR target_country = ?)")
            params += [country.upper(), country.upper()]
        if cameo:
            conds.append("starts_with(cameo, ?)")
            params.append(cameo)
        if plover:
            conds.append("plover = ?")
            params.append(plover.upper())
        if quad is not None:
            conds.append("quad_class = ?")
            params.append(quad)
        if date_from:
            conds.append("date_start >= ?" if within else "date_end >= ?")
            params.append(date_from)
        if date_to:
            conds.append("date_end <= ?" if within else "date_start <= ?")
            params.append(date_to)
        if q:
            conds.append("strpos(lower(sentence), lower(?)) > 0")
            params.append(q)
        if doc_id:
            conds.append("doc_id = ?")
            params.append(doc_id)
        if cursor:
            conds.append(f"({_ORDER_SQL}) > (?, ?, ?, ?, ?, ?)")
            params += _decode_cursor(cursor)
        where = f"WHERE {' AND '.join(conds)} " if conds else ""
        rows = svc.rows(
            f"SELECT * FROM events {where}ORDER BY {_ORDER_SQL} LIMIT ?", [*params, limit + 1]
        )
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "events": [_nest(r) for r in rows],
            "count": len(rows),
            "limit": limit,
            "next_cursor": _encode_cursor(rows[-1]) if more else None,
        }

    @app.get("/api/events/{event_id}", tags=["events"])
    def one_event(svc: ServiceDep, event_id: EventId) -> dict[str, Any]:
        """One event with its evidence marks, its article and its other mentions."""
        rows = svc.rows("SELECT * FROM events WHERE event_id = ?", [event_id])
        if not rows:
            raise ApiError(404, "not_found", f"No event {event_id}.")
        event = _nest(rows[0])
        article = svc.rows(
            "SELECT id, date, title, source, url, length(text) AS chars FROM articles WHERE id = ?",
            [event["doc_id"]],
        )
        return {
            "event": event,
            "highlights": highlights(event),
            "article": article[0] if article else None,
            "mentions": _mentions(svc, rows[0]),
        }

    @app.get("/api/articles", tags=["articles"])
    def list_articles(
        svc: ServiceDep,
        limit: Limit = DEFAULT_PAGE,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> dict[str, Any]:
        """Stored articles, newest first, with their event counts."""
        rows = svc.rows(
            "SELECT a.id, a.date, a.title, a.source, left(a.text, 160) AS snippet, "
            "(SELECT count(*) FROM events e WHERE e.doc_id = a.id) AS events "
            "FROM articles a ORDER BY a.date DESC, a.id LIMIT ? OFFSET ?",
            [limit, offset],
        )
        return {"articles": rows, "count": len(rows), "limit": limit, "offset": offset}

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def one_article(svc: ServiceDep, article_id: ArticleId) -> dict[str, Any]:
        """An article's text with every coded event and its marks (article offsets)."""
        rows = svc.rows(
            "SELECT id, date, title, source, url, dateline, text FROM articles WHERE id = ?",
            [article_id],
        )
        if not rows:
            raise ApiError(404, "not_found", "No article with that id.")
        events = [
            _nest(r)
            for r in svc.rows(
                f"SELECT * FROM events WHERE doc_id = ? ORDER BY {_ORDER_SQL}", [article_id]
            )
        ]
        return {"article": rows[0], "events": [_with_marks(e) for e in events]}

    @app.get("/api/series", tags=["analysis"])
    def series(
        svc: ServiceDep,
        by: Period = "month",
        country: Actor = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
    ) -> dict[str, Any]:
        """Events per period by quad class over the whole database (the overview chart)."""
        _check_range(date_from, date_to)
        rows = svc.frame(
            analysis.quad_series, by=by, country=country, date_from=date_from, date_to=date_to
        )
        return {"by": by, "rows": _with_period_end(rows, by)}

    @app.get("/api/dyads/series", tags=["analysis"])
    def dyad_series(
        svc: ServiceDep,
        source: Annotated[
            str, Query(pattern=_ACTOR, description="First actor (code prefix or country).")
        ],
        target: Annotated[str, Query(pattern=_ACTOR, description="Second actor.")],
        by: Period = "month",
        directed: Annotated[
            bool, Query(description="Only source → target (else both ways).")
        ] = True,
        date_from: DateFrom = None,
        date_to: DateTo = None,
    ) -> dict[str, Any]:
        """A dyad's events per period: counts by quad class and the Goldstein mean.

        Events dated too coarsely for the period (a month-precision event in a
        daily series) are left out and counted in ``unplaced``.
        """
        _check_range(date_from, date_to)
        a, b = source.upper(), target.upper()
        kw = {"by": by, "directed": directed, "date_from": date_from, "date_to": date_to}
        rows = svc.frame(analysis.dyad_series, a, b, **kw)
        unplaced = svc.call(analysis.unplaced_events, a, b, **kw)
        return {
            "source": a,
            "target": b,
            "directed": directed,
            "by": by,
            "unplaced": unplaced,
            "rows": _with_period_end(rows, by),
        }

    @app.get("/api/timeline", tags=["analysis"])
    def timeline(
        svc: ServiceDep,
        actor: Annotated[str, Query(pattern=_ACTOR, description="Actor (code prefix or country).")],
        other: Annotated[
            str | None, Query(pattern=_ACTOR, description="Second actor of a dyad.")
        ] = None,
        directed: bool = False,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        limit: Limit = DEFAULT_PAGE,
    ) -> dict[str, Any]:
        """An actor's or dyad's events in date order, each with its sentence and article."""
        _check_range(date_from, date_to)
        rows = svc.frame(
            analysis.timeline, actor.upper(), other.upper() if other else None,
            directed=directed, date_from=date_from, date_to=date_to, limit=limit,
        )  # fmt: skip
        return {"events": rows, "count": len(rows), "limit": limit}

    @app.get("/api/network", tags=["analysis"])
    def network(
        svc: ServiceDep,
        level: Literal["country", "actor"] = "country",
        min_events: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        country: Actor = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Most edges returned.")] = 100,
    ) -> dict[str, Any]:
        """The actor network: weighted directed edges (events, quad counts, Goldstein)."""
        _check_range(date_from, date_to)
        edges = svc.frame(
            analysis.actor_network, level=level, min_events=min_events, country=country,
            date_from=date_from, date_to=date_to,
        )[:limit]  # fmt: skip
        nodes: dict[str, int] = {}
        for edge in edges:
            for end in ("source", "target"):
                nodes[edge[end]] = nodes.get(edge[end], 0) + edge["events"]
        return {
            "level": level,
            "nodes": [{"id": k, "events": v} for k, v in sorted(nodes.items())],
            "edges": edges,
        }

    @app.get("/api/dyads/top", tags=["analysis"])
    def top_dyads(
        svc: ServiceDep, limit: Annotated[int, Query(ge=1, le=100)] = 10
    ) -> dict[str, Any]:
        """The directed actor pairs with most events."""
        edges = svc.frame(analysis.actor_network, level="actor")[:limit]
        return {"dyads": edges}

    @app.get("/api/actors/top", tags=["analysis"])
    def top_actors(
        svc: ServiceDep,
        level: Literal["country", "actor"] = "actor",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10,
    ) -> dict[str, Any]:
        """The actors in most events, as source or target."""
        return {"actors": svc.frame(analysis.top_actors, level=level, limit=limit)}

    @app.get("/api/countries", tags=["analysis"])
    def countries(
        svc: ServiceDep, limit: Annotated[int, Query(ge=1, le=300)] = 50
    ) -> dict[str, Any]:
        """Events per country (either side's or the place's), by quad class."""
        return {"countries": svc.frame(analysis.country_counts, limit=limit)}

    @app.post("/api/extract", tags=["coding"])
    def extract(svc: ServiceDep, body: TextIn) -> dict[str, Any]:
        """Code posted text and return its events; nothing is stored."""
        _article, events = svc.extract(body.text, body.date)
        out = [e.to_dict() for e in events]
        return {"events": [{**e, "highlights": highlights(e)} for e in out], "count": len(out)}

    @app.post(
        "/api/articles",
        tags=["coding"],
        status_code=201,
        responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}},
    )
    def add_article(
        svc: ServiceDep,
        body: ArticleIn,
        _writer: Annotated[None, Depends(_require_writer)],
    ) -> dict[str, Any]:
        """Code an article and store it with its events (needs --allow-writes and the token)."""
        meta = {"title": body.title, "source": body.source, "url": body.url, "origin": "api"}
        article, events = svc.extract(body.text, body.date, body.id, **meta)
        with svc.db_lock:
            result = svc.db.write_batch([article], events)
        return {"article_id": article.id, **result.to_dict()}


def _require_writer(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> None:
    svc: Service = request.app.state.eventwire
    if not svc.allow_writes or not svc.token:
        raise ApiError(
            403, "writes_disabled", "This server is read-only; start it with --allow-writes."
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise ApiError(
            401, "missing_token", "Send the operator's token as 'Authorization: Bearer <token>'."
        )
    if not hmac.compare_digest(given.strip().encode(), svc.token.encode()):
        raise ApiError(401, "bad_token", "The token is not the operator's token.")


def _mentions(svc: Service, row: dict[str, Any]) -> list[dict[str, Any]]:
    """Other stored reports of the same event: its cluster's members, once clustering ran."""
    if not row.get("cluster_id"):
        return []
    rows = svc.rows(
        "SELECT e.*, a.title AS article_title, a.source AS article_source FROM events e "
        "LEFT JOIN articles a ON a.id = e.doc_id WHERE e.cluster_id = ? AND e.event_id <> ? "
        f"ORDER BY {_ORDER_SQL} LIMIT ?",
        [row["cluster_id"], row["event_id"], MAX_PAGE],
    )
    return [
        {**_nest(r), "article_title": r["article_title"], "article_source": r["article_source"]}
        for r in rows
    ]


def _with_period_end(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Add each period's last day, so a client can ask for exactly that period's events."""
    for row in rows:
        start: dt.date = row["period"]
        if by == "day":
            end = start
        elif by == "week":
            end = start + dt.timedelta(days=6)
        elif by == "month":
            nxt = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            end = nxt - dt.timedelta(days=1)
        else:
            end = dt.date(start.year, 12, 31)
        row["period_end"] = end
    return rows


def _with_marks(event: dict[str, Any]) -> dict[str, Any]:
    """The event plus its marks shifted to article offsets."""
    base = event.get("char_start") or 0
    marks = [{**h, "start": h["start"] + base, "end": h["end"] + base} for h in highlights(event)]
    return {**event, "marks": marks}


def _page_routes(app: FastAPI) -> None:
    def html(name: str) -> HTMLResponse:
        return HTMLResponse(_page(name), headers={"Cache-Control": "no-cache"})

    @app.get("/", include_in_schema=False)
    def overview_page() -> HTMLResponse:
        return html("overview")

    @app.get("/dyads", include_in_schema=False)
    def dyads_page() -> HTMLResponse:
        return html("dyads")

    @app.get("/events/{event_id}", include_in_schema=False)
    def event_page(event_id: EventId) -> HTMLResponse:
        return html("event")

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article_page(article_id: ArticleId) -> HTMLResponse:
        return html("article")

    @app.get("/try", include_in_schema=False)
    def try_page() -> HTMLResponse:
        return html("try")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js(request: Request) -> Response:
        plain, packed, etag = _plotly_js()
        headers = {
            "Cache-Control": "public, max-age=86400",
            "ETag": etag,
            "Vary": "Accept-Encoding",
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(packed, media_type="text/javascript", headers=headers)
        return Response(plain, media_type="text/javascript", headers=headers)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        # Only the files named in _STATIC: a path parameter never reaches the file system.
        if name not in _STATIC:
            raise ApiError(404, "not_found", "No such static file.")
        resource, media = _STATIC[name]
        return Response(
            _package_text(resource), media_type=media, headers={"Cache-Control": "no-cache"}
        )
