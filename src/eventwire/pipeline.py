"""Article stream → Event stream: runs nlp, actors, events, dates and places.

The parse dominates the cost, so texts go through ``nlp.pipe`` in batches and
everything else is per-sentence work on the finished Docs. Tables, lexicon
and model load once per process. With ``n_process > 1`` whole articles go to
worker processes that parse *and* code them and send back Events: shipping
parsed Docs back to one coding process (spaCy's own ``n_process``) costs more
than the coding itself (docs/performance.md).
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import itertools
import multiprocessing as mp
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc, Span

from eventwire import CODER_VERSION
from eventwire.actor_tables import load_actor_tables
from eventwire.actors import ActorResolver, DocumentActors, UserActor, localise, stance_prefix
from eventwire.config import Settings
from eventwire.errors import EventwireError
from eventwire.events import VIOLENCE_ROOTS, Candidate, EventFinder, event_date
from eventwire.lexicon import Lexicon, load_lexicon
from eventwire.models import Actor, Article, Event, EventDate, Place
from eventwire.nlp import Chunk, load_nlp, parse
from eventwire.ontology import Ontology, load_ontology
from eventwire.places import (
    PRECISION_OF_KIND,
    countries_named,
    load_gazetteer,
    resolve_place,
    stands_for_place,
)
from eventwire.recode import coding_fingerprint

_ACTOR_ENTS = ("PERSON", "ORG", "GPE", "NORP")


class Pipeline:
    """The coder. Build once, then call ``extract`` or ``extract_batch`` many times."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        patterns: Sequence[str | Path] = (),
        user_actors: Sequence[UserActor] = (),
        include_statements: bool = False,
        lexicon: Lexicon | None = None,
        extra_sectors: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.ontology: Ontology = load_ontology()
        if lexicon is None:  # an in-memory lexicon (a PETRARCH import) replaces the bundled one
            lexicon = load_lexicon(valid_codes=self.ontology.codes())
        for path in patterns:
            lexicon = lexicon.merged(load_lexicon(Path(path), valid_codes=self.ontology.codes()))
        self.lexicon = lexicon
        self.resolver = ActorResolver(user_actors=user_actors, extra_sectors=extra_sectors)
        self.finder = EventFinder(lexicon, self.ontology, include_statements=include_statements)
        self.fingerprint = coding_fingerprint(self)
        self._nlp = None
        self._pool: cf.ProcessPoolExecutor | None = None

    def __getstate__(self) -> dict:
        """Pickle without the model and worker pool (a spawned worker loads its own)."""
        state = self.__dict__.copy()
        state["_nlp"] = None
        state["_pool"] = None
        return state

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes of ``n_process > 1`` (they also stop at exit)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_nlp(self.settings.model)
        return self._nlp

    # -- public ----------------------------------------------------------------------------

    def extract_batch(self, articles: Sequence[Article]) -> list[list[Event]]:
        """Events for each article, in the same order."""
        return [events for _, events in self.extract(articles)]

    def extract(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        """Stream ``(article, events)`` pairs in input order; batches are parsed with ``nlp.pipe``.

        With ``settings.n_process > 1`` the articles are parsed and coded in that
        many worker processes (started on first use, kept until ``close()``).
        """
        if self.settings.n_process > 1:
            yield from self._extract_parallel(articles)
            return
        size = max(self.settings.batch_size * 4, 64)
        iterator = iter(articles)
        while batch := list(itertools.islice(iterator, size)):
            yield from self._extract_batch(batch)

    def code_doc(self, article: Article, docs: Sequence[tuple[int, Doc]]) -> list[Event]:
        """Events of one article from its parsed chunks ``(offset, doc)``."""
        ctx = self.resolver.document(article.date)
        state = _ArticleState()
        events: list[Event] = []
        sentence_index = 0
        for offset, doc in docs:
            ctx.offset = offset
            for iso3 in countries_named(doc):
                state.countries.setdefault(iso3, None)
            previous_end = 0
            text = doc.text  # Doc.text joins every token: build it once, not per sentence
            entities = _SentenceEntities(doc)
            for sent in doc.sents:
                if not sent.text.strip():
                    continue
                if "\n" in text[previous_end : sent.start_char] or sentence_index == 0:
                    state.context_date = None  # a new paragraph resets the narrative time
                previous_end = sent.end_char
                ctx.sentence_index = sentence_index
                self._register_people(sent, ctx, state, entities.within(sent))
                found = [
                    self._event(article, sent, offset, sentence_index, cand, state)
                    for cand in self.finder.find(sent, ctx)
                ]
                country = sentence_country(found, sent)
                events.extend(unattributed(e, country) for e in domestic(found, country))
                sentence_index += 1
        return _unique([_backfill(event, ctx) for event in events])

    # -- internals -----------------------------------------------------------------------

    def _extract_batch(self, batch: Sequence[Article]) -> Iterator[tuple[Article, list[Event]]]:
        parsed = parse(
            self.nlp,
            ((i, a.text) for i, a in enumerate(batch)),
            max_chars=self.settings.max_chunk_chars,
            batch_size=self.settings.batch_size,
            n_process=1,
        )
        for index, group in itertools.groupby(parsed, key=lambda pair: pair[0].article_index):
            chunks: list[tuple[Chunk, Doc]] = list(group)
            article = batch[index]
            yield article, self.code_doc(article, [(c.offset, d) for c, d in chunks])

    def _register_people(
        self,
        sent: Span,
        ctx: DocumentActors,
        state: _ArticleState,
        ents: Sequence[Span] | None = None,
    ) -> None:
        """Resolve named actors once so later bare names and pronouns can reuse them."""
        for ent in sent.ents if ents is None else ents:
            if ent.label_ in _ACTOR_ENTS:
                actor = ctx.resolve(ent.root)
                if actor is not None and actor.country:
                    state.countries.setdefault(actor.country, None)

    def _event(
        self,
        article: Article,
        sent: Span,
        offset: int,
        sentence_index: int,
        cand: Candidate,
        state: _ArticleState,
    ) -> Event:
        code = self.ontology.nearest(cand.cameo)
        date = event_date(cand.trigger, article.date, state.context_date, intent=cand.intent)
        if date.precision in ("day", "month", "year"):
            state.context_date = date
        context = tuple(state.countries)
        place = (
            destination(cand, context)
            or resolve_place(
                cand.trigger, article.date, context_countries=context, avoid=_spans(cand)
            )
            or arrival_place(cand, article.date, context)
        )
        text = sent.text
        lead = len(text) - len(text.lstrip())
        start = offset + sent.start_char + lead
        trigger_start = offset + cand.trigger.idx
        return Event(
            doc_id=article.id,
            sentence_index=sentence_index,
            sentence=text.strip(),
            char_start=start,
            char_end=start + len(text.strip()),
            source=_shift(localise(cand.source, place), offset),
            target=_shift(localise(cand.target, place) or territory(code.code, place), offset),
            cameo=code.code,
            cameo_label=code.label,
            plover=code.plover,
            plover_mode=code.plover_mode,
            quad_class=code.quad_class,
            goldstein=code.goldstein,
            date=date,
            location=place,
            confidence=confidence(cand),
            coder_version=CODER_VERSION,
            trigger=cand.trigger.text,
            trigger_start=trigger_start,
            trigger_end=trigger_start + len(cand.trigger.text),
            coding_fingerprint=self.fingerprint,
        )

    def _workers(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            _ = self.nlp  # load before forking: the workers share the model's pages
            method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
            self._pool = cf.ProcessPoolExecutor(
                self.settings.n_process,
                mp_context=mp.get_context(method),
                initializer=_start_worker,
                initargs=(self,),
            )
            weakref.finalize(self, self._pool.shutdown, wait=False, cancel_futures=True)
        return self._pool

    def _extract_parallel(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[Event]]]:
        """Ordered, bounded fan-out: a few tasks per worker in flight, results in input order."""
        pool = self._workers()
        size = max(1, self.settings.batch_size // 4)
        window = 4 * self.settings.n_process
        iterator = iter(articles)
        pending: collections.deque[tuple[list[Article], cf.Future]] = collections.deque()

        def submit() -> bool:
            part = list(itertools.islice(iterator, size))
            if part:
                pending.append((part, pool.submit(_code_articles, part)))
            return bool(part)

        try:
            while len(pending) < window and submit():
                pass
            while pending:
                part, future = pending.popleft()
                try:
                    results = future.result()
                except cf.process.BrokenProcessPool as e:
                    self._pool = None
                    raise EventwireError(
                        f"A coding worker process died (killed, or out of memory) while "
                        f"coding article {part[0].id!r} or one of the {len(part) - 1} after "
                        f"it; re-run with fewer --processes or check the system log."
                    ) from e
                submit()
                yield from zip(part, results, strict=True)
        finally:
            for _, future in pending:
                future.cancel()


#: The pipeline of a worker process, set once by ``_start_worker``.
_WORKER: Pipeline | None = None


def _start_worker(pipeline: Pipeline) -> None:
    global _WORKER
    _WORKER = pipeline
    pipeline._pool = None  # a forked child must never use the parent's pool
    _ = pipeline.nlp  # a spawned worker loads the model here, once


def _code_articles(articles: list[Article]) -> list[list[Event]]:
    """Worker task: parse and code a few articles, return their Events."""
    if _WORKER is None:
        raise EventwireError("coding task ran outside a worker started by Pipeline")
    return [events for _, events in _WORKER._extract_batch(articles)]


class _SentenceEntities:
    """``Span.ents`` for each sentence in turn, from one pass over ``doc.ents``.

    ``Span.ents`` rebuilds every entity of the document on each call; this walks
    them once, with the same rule (entirely inside the sentence).
    """

    def __init__(self, doc: Doc) -> None:
        self._ents = doc.ents
        self._next = 0

    def within(self, sent: Span) -> list[Span]:
        ents, i = self._ents, self._next
        while i < len(ents) and ents[i].start < sent.start:
            i += 1
        self._next = i
        found = []
        for ent in ents[i:]:
            if ent.end > sent.end:
                break
            found.append(ent)
        return found


class _ArticleState:
    """What the article has established so far: narrative time, countries named."""

    def __init__(self) -> None:
        self.context_date: EventDate | None = None
        self.countries: dict[str, None] = {}


VISIT_CODE = "042"
#: Measures on a territory (curfews, states of emergency, administrative restrictions,
#: lifting them, and the threat or promise of either) aimed at the people of the place.
TERRITORY_CODES = frozenset("081 0811 0813 0814 172 1721 1723 1724 137 0351".split())


def territory(cameo: str, place: Place | None) -> Actor | None:
    """'imposed a curfew in Basra', 'lifted the state of emergency in Darfur': with no
    other target, the country of the place the measure covers is the target."""
    if cameo not in TERRITORY_CODES or place is None or not place.country:
        return None
    return Actor(place.text, code=place.country, country=place.country, evidence="place")


def destination(cand: Candidate, context: tuple[str, ...]) -> Place | None:
    """A visit happens at its target: 'a visit to South Korea and Japan' gives two places."""
    target = cand.target
    if not cand.cameo.startswith(VISIT_CODE) or target is None or not target.country:
        return None
    found = load_gazetteer().best(target.text, context)
    if found is None or found.country != target.country:
        return None
    return Place(
        target.text,
        found.name,
        found.country,
        found.lat,
        found.lon,
        found.geonames_id,
        precision=PRECISION_OF_KIND.get(found.kind),
    )


ARRIVAL_VERBS = frozenset("arrive land travel fly come return reach visit".split())


def arrival_place(cand: Candidate, published, context: tuple[str, ...]) -> Place | None:
    """'held a meeting after he arrived in Washington': the meeting was in Washington."""
    verb = cand.trigger if cand.trigger.pos_ in ("VERB", "AUX") else cand.trigger.head
    for child in verb.children:
        if child.dep_ == "advcl" and child.lemma_.lower() in ARRIVAL_VERBS:
            if any(m.lower_ in ("after", "upon", "on", "when", "as") for m in child.children):
                return resolve_place(child, published, context_countries=context)
    return None


#: Sectors of actors that act inside their own country ("rebels", "police", "the
#: opposition"); an actor of one of these sectors, of unstated nationality, in a
#: sentence about one country belongs to it.
DOMESTIC_SECTORS = frozenset(
    "OPP REB COP JUD LEG PTY CVL REF LAB EDU AGR HLH BUS CRM MED RAD".split()
)
_STATE_SECTORS = frozenset({"GOV", "MIL"})


def sentence_country(events: list[Event], sent: Span) -> str | None:
    """The one country a sentence with events is about: named (a country, nationality or
    capital), an actor's or a place's; None when it names none or several."""
    if not events:
        return None
    tables = load_actor_tables()
    countries: set[str] = set()
    for ent in sent.ents:
        if ent.start > 0 and sent.doc[ent.start - 1].lower_ == "ethnic":
            continue  # "ethnic Albanians": a people, not a state
        if stance_prefix(sent.doc[ent.start]):
            continue  # "anti-Syria", "pro-Russian": a stance, not a nationality
        if ent.label_ in ("GPE", "NORP", "LOC"):
            if _currency(ent):
                continue  # "US $50 million": a currency, not a party
            iso3 = tables.country(ent.text) or (tables.metonym(ent.text) or (None,))[0]
            if iso3:
                countries.add(iso3)
    for e in events:
        for actor in (e.source, e.target):
            if actor is not None and actor.country in tables.countries:
                countries.add(actor.country)
        if e.location is not None and e.location.country:
            countries.add(e.location.country)
    return next(iter(countries)) if len(countries) == 1 else None


def domestic(events: list[Event], country: str | None) -> list[Event]:
    """Actors of unstated nationality in a sentence about one country (see
    :func:`sentence_country`) are of that country: "Rebels in Ivory Coast dismissed an
    appeal from President X" makes X Ivorian, "the Mozambique government accepted
    demands from rebels" the rebels Mozambican. Two governments or armed forces meeting
    are not assumed to be of one country, and a sentence naming two countries (or
    nationalities) decides nothing."""
    if country is None:
        return events
    return [_domestic_event(e, country) for e in events]


def unattributed(event: Event, sentence_country: str | None = None) -> Event:
    """Violence (CAMEO 18-20) without a named performer ("a roadside bomb killed two
    soldiers", "a journalist was killed in a car bomb explosion") is by unidentified
    armed forces (UAF) of the country where it happened (its place, else the sentence's
    one country), as CAMEO and ICEWS code unclaimed attacks. The actor has no words in
    the text (empty ``text``) and the evidence ``inferred``; without a country the
    source stays empty."""
    if event.source is not None or event.cameo_root not in VIOLENCE_ROOTS:
        return event
    place = event.location
    country = place.country if place is not None and place.country else sentence_country
    if not country:
        return event
    attacker = Actor("", code=f"{country}UAF", country=country, sector="UAF", evidence="inferred")
    return replace(event, source=attacker)


def _currency(ent: Span) -> bool:
    """A country abbreviation qualifying an amount ("US $50 million", "US$ 3 bn") is a
    currency, which says nothing about who takes part."""
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return nxt is not None and (nxt.is_currency or nxt.ent_type_ == "MONEY")


def _domestic_event(event: Event, country: str) -> Event:
    fixed = {}
    for role, other in (("source", event.target), ("target", event.source)):
        actor = getattr(event, role)
        if actor is None or actor.country or not actor.sector:
            continue
        if actor.sector not in DOMESTIC_SECTORS and actor.sector not in _STATE_SECTORS:
            continue
        if actor.sector in _STATE_SECTORS and other is not None and other.sector in _STATE_SECTORS:
            continue  # "the envoy met President X": X may well be foreign
        fixed[role] = replace(
            actor, country=country, code=f"{country}{actor.sector}", evidence="context"
        )
    return replace(event, **fixed) if fixed else event


def _spans(cand: Candidate) -> list[tuple[int, int]]:
    """Character spans of the event's actors, which are never its place. A target that
    stands for the place is the place too: "a protest in Beijing" (evidence "place"),
    "patrolled Kabul", "stormed the Kindi Hospital", "shelled northern Gaza"."""
    spans = []
    for a in (cand.source, cand.target):
        if a is None or a.start is None or a.end is None or a.evidence == "place":
            continue
        if a is cand.target and stands_for_place(cand.trigger, a.start, a.end):
            continue
        spans.append((a.start, a.end))
    return spans


def confidence(cand: Candidate) -> float:
    """How the event was found, as a score in 0..1 (docs/event-format.md#confidence)."""
    score = 0.45
    if cand.source is not None and cand.source.code:
        score += 0.25
    if cand.target is not None and cand.target.code:
        score += 0.15
    if cand.pattern.objects or cand.pattern.particle or cand.pattern.prep:
        score += 0.1
    if cand.noun:
        score -= 0.05
    if cand.intent:
        score -= 0.05
    for actor in (cand.source, cand.target):
        if actor is not None and actor.evidence in ("alias", "coref"):
            score -= 0.05
    if not any(a is not None and a.code for a in (cand.source, cand.target)):
        score -= 0.15  # only a name nobody has coded yet
    return max(0.05, min(0.99, score))


def _shift(actor, offset: int):
    if actor is None or not offset or actor.start is None:
        return actor
    return replace(actor, start=actor.start + offset, end=(actor.end or 0) + offset)


def _backfill(event: Event, ctx: DocumentActors) -> Event:
    """A person coded before the article said their country gets it now."""
    fixed = {}
    for role in ("source", "target"):
        actor = getattr(event, role)
        if actor is not None and actor.name and actor.country is None:
            known = ctx.by_name(actor.name)
            if known is not None and known.country:
                fixed[role] = replace(actor, country=known.country, code=known.code)
    return replace(event, **fixed) if fixed else event


def _unique(events: list[Event]) -> list[Event]:
    seen: set[str] = set()
    out = []
    for event in events:
        if event.event_id not in seen:
            seen.add(event.event_id)
            out.append(event)
    return out
