"""The typed contract between pipeline stages.

Every stage takes and returns these frozen dataclasses, so a stage can be
replaced without touching its neighbours. ``Event.to_dict`` is the stable
public event format (docs/event-format.md); later versions only add fields.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """One dated news text, as read by ``ingest``."""

    id: str
    text: str
    date: dt.date
    title: str | None = None
    url: str | None = None
    source: str | None = None
    dateline: str | None = None
    origin: str | None = None  # "path:line" the article was read from

    @staticmethod
    def make_id(text: str) -> str:
        """Stable id from the normalised text, for articles that bring none."""
        norm = " ".join(text.split()).casefold()
        return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Reject:
    """A record that could not be read, with the reason and where it was."""

    origin: str  # file path, or "<stdin>"
    line: int | None
    reason: str
    record: str = ""  # the first few hundred characters of the bad record

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Actor:
    """A resolved participant: ``code`` is country + sector, e.g. ``USAGOV``."""

    text: str  # as written in the article
    code: str | None = None
    country: str | None = None  # ISO 3166 alpha-3, or an IGO code such as "UNO"
    sector: str | None = None  # CAMEO sector code, e.g. "GOV"
    name: str | None = None  # canonical name (person, organisation) or None
    start: int | None = None  # character offsets in the article text
    end: int | None = None
    # how it was resolved: "dictionary" (tables), "role" (role words around a name),
    # "name" (an unknown name), "alias" (an earlier mention), "coref", "office", "place"
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "code": self.code,
            "country": self.country,
            "sector": self.sector,
            "name": self.name,
        }


@dataclass(frozen=True)
class Place:
    """Where an event happened."""

    text: str
    name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    implicit: bool = False  # True when the sentence does not name it
    precision: str | None = None  # "city" | "region" | "country"; None for an unknown name

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "name": self.name,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "geonames_id": self.geonames_id,
            "precision": self.precision,
        }


@dataclass(frozen=True)
class EventDate:
    """An event's own date: ISO text at the given precision."""

    date: str  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    precision: str  # "day" | "month" | "year" | "publication"
    text: str | None = None  # the time expression it came from

    def bounds(self) -> tuple[dt.date, dt.date]:
        """First and last day this date can mean."""
        parts = [int(p) for p in self.date.split("-")]
        if len(parts) == 3:
            day = dt.date(*parts)
            return day, day
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


@dataclass(frozen=True)
class Event:
    """One coded event (a mention of it in one sentence of one article)."""

    doc_id: str
    sentence_index: int
    sentence: str
    char_start: int
    char_end: int
    source: Actor | None
    target: Actor | None
    cameo: str
    cameo_label: str
    plover: str | None
    plover_mode: str | None
    quad_class: int
    goldstein: float
    date: EventDate
    location: Place | None
    confidence: float
    coder_version: str
    trigger: str = ""  # the event words as written
    trigger_start: int | None = None
    trigger_end: int | None = None
    coding_fingerprint: str = ""  # hash of the lexicon, tables and dictionaries used
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def cameo_root(self) -> str:
        return self.cameo[:2]

    @property
    def event_id(self) -> str:
        """Stable across re-runs: the same article, span and code give the same id."""
        src = self.source.code if self.source else ""
        tgt = self.target.code if self.target else ""
        key = f"{self.doc_id}|{self.char_start}|{self.char_end}|{self.trigger_start}|{self.cameo}|{src}|{tgt}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        """The stable public event format (docs/event-format.md)."""
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "source": self.source.to_dict() if self.source else None,
            "target": self.target.to_dict() if self.target else None,
            "cameo": self.cameo,
            "cameo_root": self.cameo_root,
            "cameo_label": self.cameo_label,
            "plover": self.plover,
            "plover_mode": self.plover_mode,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "date": self.date.date,
            "date_precision": self.date.precision,
            "date_text": self.date.text,
            "location": self.location.to_dict() if self.location else None,
            "confidence": round(self.confidence, 3),
            "coder_version": self.coder_version,
            "trigger": self.trigger,
            "trigger_start": self.trigger_start,
            "trigger_end": self.trigger_end,
            "coding_fingerprint": self.coding_fingerprint,
        }
