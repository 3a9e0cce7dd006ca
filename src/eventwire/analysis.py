"""Questions researchers ask of an event database, answered as polars frames.

Dyadic time series, timelines, actor networks and top lists are all one SQL
query each over the ``events`` table (through ``Database.sql``), so they run
inside DuckDB and stay fast on tens of millions of rows. How events are
counted, assigned to periods and matched to actors is documented in
docs/analysis.md; the rules live here in one place so every command agrees.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from eventwire.errors import ConfigError
from eventwire.store import Database

__all__ = [
    "PERIODS",
    "QUAD_COLUMNS",
    "Dyad",
    "actor_network",
    "dyad_series",
    "has_clusters",
    "timeline",
    "top_actors",
    "top_cameo",
    "top_events",
    "unplaced_events",
]

Period = Literal["day", "week", "month", "year"]
PERIODS: tuple[str, ...] = ("day", "week", "month", "year")

#: Series and network columns counting events by quad class 1..4, in that order.
QUAD_COLUMNS = (
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)

_ACTOR = re.compile(r"^[A-Z]{3}[A-Z0-9]*$")
# A stable order for rows of the same date: article, then position in it.
_ORDER = "date_start, date_end, doc_id, sentence_index, char_start, event_id"


@dataclass(frozen=True)
class Dyad:
    """Which events to select: ``a`` with ``b`` (or with anyone when ``b`` is None).

    An actor matches a side when the side's code starts with it (``USA`` matches
    ``USAGOV``) or the side's country equals it (``EUR`` matches ``IGOEUR``).
    Undirected: either actor may be the source. Directed: ``a`` is the source.
    """

    a: str
    b: str | None = None
    directed: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "a", _actor(self.a))
        if self.b is not None:
            object.__setattr__(self, "b", _actor(self.b))

    def where(self) -> tuple[str, list[Any]]:
        """SQL condition and its parameters."""
        src_a, tgt_a = _side("source", self.a), _side("target", self.a)
        if self.b is None:
            if self.directed:
                return src_a[0], src_a[1]
            return f"({src_a[0]} OR {tgt_a[0]})", src_a[1] + tgt_a[1]
        src_b, tgt_b = _side("source", self.b), _side("target", self.b)
        forward = f"({src_a[0]} AND {tgt_b[0]})"
        params = src_a[1] + tgt_b[1]
        if self.directed:
            return forward, params
        return f"({forward} OR ({src_b[0]} AND {tgt_a[0]}))", params + src_b[1] + tgt_a[1]

    @property
    def label(self) -> str:
        arrow = "→" if self.directed else "↔"
        return f"{self.a} {arrow} {self.b or 'all'}"


def _actor(code: str) -> str:
    text = code.strip().upper()
    if not _ACTOR.match(text):
        raise ConfigError(
            f"{code!r} is not an actor code: use a CAMEO code of 3+ letters such as "
            "USA, PRK or USAGOV (a country, or country + sector)."
        )
    return text


def _side(side: str, actor: str) -> tuple[str, list[Any]]:
    return f"(starts_with({side}_code, ?) OR {side}_country = ?)", [actor, actor]


def _period(by: str) -> str:
    if by not in PERIODS:
        raise ConfigError(f"period {by!r} is not one of {', '.join(PERIODS)}")
    return by


def has_clusters(db: Database) -> bool:
    """Whether the database groups mentions into events (an ``events.cluster_id`` column)."""
    return "cluster_id" in _columns(db)


def _columns(db: Database) -> frozenset[str]:
    frame = db.sql(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'events' "
        "AND schema_name = 'main' AND database_name = current_database()"
    )
    return frozenset(frame["column_name"].to_list())


def event_key(db: Database) -> str:
    """SQL for "which event is this mention of": its cluster when clustered, else itself."""
    return "coalesce(cluster_id, event_id)" if has_clusters(db) else "event_id"


@dataclass(frozen=True)
class _Filter:
    """Date, precision and country conditions shared by every query."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    publication: bool = True
    country: str | None = None

    def where(self) -> tuple[list[str], list[Any]]:
        conds: list[str] = []
        params: list[Any] = []
        if self.date_from is not None:
            conds.append("date_start >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            conds.append("date_start <= ?")
            params.append(self.date_to)
        if not self.publication:
            conds.append("date_precision <> 'publication'")
        if self.country:
            c = _actor(self.country)
            conds.append("(source_country = ? OR target_country = ? OR location_country = ?)")
            params += [c, c, c]
        return conds, params


def _and(conds: Sequence[str]) -> str:
    return " AND ".join(conds) if conds else "TRUE"


def _check_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ConfigError(f"the start date {date_from} is after the end date {date_to}")


def _fits(by: str, imprecise: str) -> str:
    """Condition that keeps only events whose whole date interval is inside one period."""
    if imprecise not in ("drop", "start"):
        raise ConfigError(f"imprecise must be 'drop' or 'start', not {imprecise!r}")
    if imprecise == "start":
        return "TRUE"
    return f"date_trunc('{by}', date_start) = date_trunc('{by}', date_end)"


def dyad_series(
    db: Database,
    a: str,
    b: str | None = None,
    *,
    by: Period = "month",
    directed: bool = False,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    imprecise: Literal["drop", "start"] = "drop",
    publication: bool = True,
) -> pl.DataFrame:
    """Counts by quad class, Goldstein mean and sum, events and mentions per period.

    One row per period from the first to the last (or ``date_from``..``date_to``),
    zero-filled. An event belongs to the period containing its ``date_start``;
    with ``imprecise="drop"`` events whose date spans several periods (a
    month-precision event in a daily series) are left out rather than piled
    on the first day — ``unplaced_events`` counts them. ``publication=False``
    drops events dated only by their article's publication date.
    """
    unit = _period(by)
    _check_range(date_from, date_to)
    dyad = Dyad(a, b, directed)
    dyad_sql, params = dyad.where()
    conds, fparams = _Filter(date_from, date_to, publication).where()
    where = _and([dyad_sql, *conds, _fits(unit, imprecise)])
    period = f"date_trunc('{unit}', date_start)::DATE"
    if has_clusters(db):
        # One row per event: a mention without a cluster is its own event; a cluster
        # counts once, in its earliest period, with its mentions' mean score (all its
        # mentions share a CAMEO root, hence a quad class). Splitting the two keeps the
        # common case free of a GROUP BY over every mention.
        per_event = f"""
            f AS MATERIALIZED (
                SELECT {period} AS period, cluster_id, quad_class, goldstein
                FROM events WHERE {where}
            ),
            per_event AS (
                SELECT period, 1 AS mentions, quad_class AS quad, goldstein
                FROM f WHERE cluster_id IS NULL
                UNION ALL
                SELECT min(period), count(*), min(quad_class), avg(goldstein)
                FROM f WHERE cluster_id IS NOT NULL GROUP BY cluster_id
            )"""
    else:
        per_event = f"""
            per_event AS (
                SELECT {period} AS period, 1 AS mentions, quad_class AS quad, goldstein
                FROM events WHERE {where}
            )"""
    quads = ", ".join(
        f"count(*) FILTER (WHERE quad = {i}) AS {name}" for i, name in enumerate(QUAD_COLUMNS, 1)
    )
    filled = ", ".join(f"coalesce(a.{name}, 0)::BIGINT AS {name}" for name in QUAD_COLUMNS)
    lo = f"coalesce(date_trunc('{unit}', ?::DATE)::DATE, min(period))"
    hi = f"coalesce(date_trunc('{unit}', ?::DATE)::DATE, max(period))"
    bound_params = [date_from, date_to]
    query = f"""
        WITH {per_event},
        agg AS (
            SELECT period, count(*) AS events, sum(mentions) AS mentions, {quads},
                   avg(goldstein) AS goldstein_mean, sum(goldstein) AS goldstein_sum
            FROM per_event GROUP BY period
        ),
        bounds AS (SELECT {lo} AS lo, {hi} AS hi FROM per_event),
        periods AS (
            SELECT unnest(generate_series(lo::TIMESTAMP, hi::TIMESTAMP, INTERVAL 1 {unit}))::DATE
                AS period
            FROM bounds
        )
        SELECT p.period,
               coalesce(a.events, 0)::BIGINT AS events,
               coalesce(a.mentions, 0)::BIGINT AS mentions,
               {filled},
               a.goldstein_mean,
               coalesce(a.goldstein_sum, 0.0) AS goldstein_sum
        FROM periods p LEFT JOIN agg a USING (period)
        ORDER BY p.period
    """
    return db.sql(query, params + fparams + bound_params)


def unplaced_events(
    db: Database,
    a: str,
    b: str | None = None,
    *,
    by: Period = "month",
    directed: bool = False,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    publication: bool = True,
) -> int:
    """Mentions ``dyad_series(imprecise="drop")`` leaves out: dated too coarsely for ``by``."""
    unit = _period(by)
    dyad_sql, params = Dyad(a, b, directed).where()
    conds, fparams = _Filter(date_from, date_to, publication).where()
    where = _and([dyad_sql, *conds, f"NOT ({_fits(unit, 'drop')})"])
    frame = db.sql(f"SELECT count(*) AS n FROM events WHERE {where}", params + fparams)
    return int(frame["n"][0])


def timeline(
    db: Database,
    a: str,
    b: str | None = None,
    *,
    directed: bool = False,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """The events of an actor or dyad in date order, each with its sentence and article."""
    _check_range(date_from, date_to)
    dyad_sql, params = Dyad(a, b, directed).where()
    conds, fparams = _Filter(date_from, date_to).where()
    cluster = "e.cluster_id, " if has_clusters(db) else ""
    query = f"""
        SELECT e.date, e.date_precision, e.source_code, e.cameo, e.cameo_label, e.plover,
               e.target_code, e.quad_class, e.goldstein, e.source_text, e.target_text,
               e.location_name, e.sentence, e.doc_id, a.date AS article_date, a.title,
               a.url, a.source AS article_source, {cluster}e.event_id
        FROM (SELECT * FROM events WHERE {_and([dyad_sql, *conds])}) e
        LEFT JOIN articles a ON a.id = e.doc_id
        ORDER BY {", ".join("e." + c.strip() for c in _ORDER.split(","))}
        LIMIT ?
    """
    return db.sql(query, params + fparams + [_limit(limit)])


def _limit(limit: int | None) -> int:
    if limit is None or limit == 0:
        return 2**62
    if limit < 0:
        raise ConfigError(f"limit must be a positive number, not {limit}")
    return limit


def actor_network(
    db: Database,
    *,
    level: Literal["country", "actor"] = "country",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    country: str | None = None,
    min_events: int = 1,
    self_loops: bool = True,
) -> pl.DataFrame:
    """Weighted directed edges source → target: events, mentions, quad counts, Goldstein.

    ``level="country"`` joins actors by country (``USAGOV`` and ``USAMIL`` are
    ``USA``); ``"actor"`` keeps full codes. Sides without a country (or code)
    are left out. ``country`` keeps events involving or located in that country.
    """
    if level not in ("country", "actor"):
        raise ConfigError(f"level must be 'country' or 'actor', not {level!r}")
    _check_range(date_from, date_to)
    col = "country" if level == "country" else "code"
    conds, params = _Filter(date_from, date_to, country=country).where()
    conds += [f"source_{col} IS NOT NULL", f"target_{col} IS NOT NULL"]
    if not self_loops:
        conds.append(f"source_{col} <> target_{col}")
    key = event_key(db)
    quads = ", ".join(
        f"count(DISTINCT {key}) FILTER (WHERE quad_class = {i}) AS {name}"
        for i, name in enumerate(QUAD_COLUMNS, 1)
    )
    query = f"""
        SELECT source_{col} AS source, target_{col} AS target,
               count(DISTINCT {key}) AS events, count(*) AS mentions, {quads},
               avg(goldstein) AS goldstein_mean, sum(goldstein) AS goldstein_sum
        FROM events WHERE {_and(conds)}
        GROUP BY ALL HAVING count(DISTINCT {key}) >= ?
        ORDER BY events DESC, source, target
    """
    return db.sql(query, params + [max(int(min_events), 1)])


def top_actors(
    db: Database,
    *,
    level: Literal["country", "actor"] = "actor",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    country: str | None = None,
    limit: int = 10,
) -> pl.DataFrame:
    """The actors in the most events (as source or target), with their conflict share."""
    if level not in ("country", "actor"):
        raise ConfigError(f"level must be 'country' or 'actor', not {level!r}")
    _check_range(date_from, date_to)
    col = "country" if level == "country" else "code"
    conds, params = _Filter(date_from, date_to, country=country).where()
    key = event_key(db)
    where = _and(conds)
    query = f"""
        WITH sides AS (
            SELECT source_{col} AS actor, 'source' AS role, {key} AS k, quad_class, goldstein
            FROM events WHERE {where} AND source_{col} IS NOT NULL
            UNION ALL
            SELECT target_{col}, 'target', {key}, quad_class, goldstein
            FROM events WHERE {where} AND target_{col} IS NOT NULL
        )
        SELECT actor, count(DISTINCT k) AS events,
               count(DISTINCT k) FILTER (WHERE role = 'source') AS as_source,
               count(DISTINCT k) FILTER (WHERE role = 'target') AS as_target,
               count(DISTINCT k) FILTER (WHERE quad_class >= 3) AS conflict,
               avg(goldstein) AS goldstein_mean
        FROM sides GROUP BY actor
        ORDER BY events DESC, actor LIMIT ?
    """
    return db.sql(query, params + params + [_limit(limit)])


def top_events(
    db: Database,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    country: str | None = None,
    rank: Literal["mentions", "conflict", "cooperation"] = "mentions",
    limit: int = 10,
) -> pl.DataFrame:
    """The most reported (or most conflictual / cooperative) events, one row each.

    Without clusters every mention is its own event, so ``mentions`` ranks by
    the number of articles reporting the same coded event id (usually 1) and
    then by the magnitude of the Goldstein score.
    """
    orders = {
        "mentions": "g.mentions DESC, abs(g.goldstein) DESC",
        "conflict": "g.goldstein ASC, g.mentions DESC",
        "cooperation": "g.goldstein DESC, g.mentions DESC",
    }
    if rank not in orders:
        raise ConfigError(f"rank must be one of {', '.join(orders)}, not {rank!r}")
    _check_range(date_from, date_to)
    conds, params = _Filter(date_from, date_to, country=country).where()
    key = event_key(db)
    first = "date_start::VARCHAR || doc_id || lpad(sentence_index::VARCHAR, 8, '0')"
    query = f"""
        WITH grouped AS (
            SELECT {key} AS event_key, count(*) AS mentions, count(DISTINCT doc_id) AS articles,
                   avg(goldstein) AS goldstein, arg_min(event_id, {first}) AS first_id
            FROM events WHERE {_and(conds)} GROUP BY 1
        )
        SELECT e.date, e.source_code, e.cameo, e.cameo_label, e.target_code, g.mentions,
               g.articles, g.goldstein, e.quad_class, e.sentence, e.doc_id, g.event_key
        FROM grouped g JOIN events e ON e.event_id = g.first_id
        ORDER BY {orders[rank]}, e.date_start, g.event_key
        LIMIT ?
    """
    return db.sql(query, params + [_limit(limit)])


def top_cameo(
    db: Database,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    country: str | None = None,
    limit: int = 20,
) -> pl.DataFrame:
    """Events per CAMEO root (with its label and quad class), most frequent first."""
    _check_range(date_from, date_to)
    conds, params = _Filter(date_from, date_to, country=country).where()
    key = event_key(db)
    frame = db.sql(
        f"SELECT cameo_root, count(DISTINCT {key}) AS events, count(*) AS mentions, "
        f"avg(goldstein) AS goldstein_mean FROM events WHERE {_and(conds)} "
        "GROUP BY cameo_root ORDER BY events DESC, cameo_root LIMIT ?",
        params + [_limit(limit)],
    )
    labels = _root_labels()
    return frame.with_columns(
        pl.col("cameo_root").replace_strict(labels, default=None).alias("label")
    ).select("cameo_root", "label", "events", "mentions", "goldstein_mean")


@functools.cache
def _root_labels() -> dict[str, str]:
    from eventwire.ontology import load_ontology

    ontology = load_ontology()
    return {root: ontology.get(root).label for root in ontology.roots()}


# ---------------------------------------------------------------------------------
# Added by the API/dashboard helper (issue 9): whole-database views for the
# dashboard's overview. Same conventions as above (clusters counted once,
# parameterised filters); the lead may move or rename them.
# ---------------------------------------------------------------------------------


def quad_series(
    db: Database,
    *,
    by: Period = "month",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    country: str | None = None,
) -> pl.DataFrame:
    """Events per period by quad class over the whole database (the overview timeline).

    An event belongs to the period containing its ``date_start``; periods with
    no events are absent (a chart's date axis shows the gap).
    """
    unit = _period(by)
    _check_range(date_from, date_to)
    conds, params = _Filter(date_from, date_to, country=country).where()
    key = event_key(db)
    quads = ", ".join(
        f"count(DISTINCT {key}) FILTER (WHERE quad_class = {i}) AS {name}"
        for i, name in enumerate(QUAD_COLUMNS, 1)
    )
    return db.sql(
        f"SELECT date_trunc('{unit}', date_start)::DATE AS period, "
        f"count(DISTINCT {key}) AS events, count(*) AS mentions, {quads}, "
        f"avg(goldstein) AS goldstein_mean FROM events WHERE {_and(conds)} "
        "GROUP BY period ORDER BY period",
        params,
    )


def country_counts(
    db: Database,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 50,
) -> pl.DataFrame:
    """Events per country involved (either side's country or the place), by quad class.

    An event counts once per country however many of its sides are in it.
    """
    _check_range(date_from, date_to)
    conds, params = _Filter(date_from, date_to).where()
    key = event_key(db)
    quads = ", ".join(
        f"count(DISTINCT k) FILTER (WHERE quad_class = {i}) AS {name}"
        for i, name in enumerate(QUAD_COLUMNS, 1)
    )
    return db.sql(
        f"""
        WITH places AS (
            SELECT {key} AS k, quad_class,
                   unnest([source_country, target_country, location_country]) AS country
            FROM events WHERE {_and(conds)}
        )
        SELECT country, count(DISTINCT k) AS events, {quads}
        FROM places WHERE country IS NOT NULL
        GROUP BY country ORDER BY events DESC, country LIMIT ?
        """,
        params + [_limit(limit)],
    )
