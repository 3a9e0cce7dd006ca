"""Who: resolve the noun phrase at an argument position to a CAMEO actor.

Resolution reads the phrase's own modifiers first (country words, role nouns,
organisations, person names), then the article's memory of earlier mentions
("Biegun" after "US envoy Stephen E. Biegun"), then a narrow coreference for
"he/she" and "the <role>". When unsure it returns an actor without a code, or
nothing: a wrong actor is worse than a missing one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import spacy
from spacy.tokens import Doc, Span, Token

from eventwire.actor_tables import ActorTables, load_actor_tables, normalise
from eventwire.models import Actor, Place
from eventwire.offices import OfficeHolder, load_office_table
from eventwire.places import load_gazetteer

# Modifier dependencies that belong to the actor phrase itself.
_PHRASE_DEPS = {
    "compound",
    "amod",
    "nmod",
    "poss",
    "flat",
    "npadvmod",
    "nummod",
    "case",
    "det",
    "punct",
}
# Entity types that are never actors (N3: dates, numbers, durations).
_NOT_ACTOR_ENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
# Pronouns that refer back to the speaker of a reporting verb, by number.
_SPEAKER_PRONOUNS = {
    "he": "sing",
    "she": "sing",
    "it": "sing",
    "they": "plur",
    "we": "plur",
    "his": "sing",
    "her": "sing",
    "its": "sing",
    "their": "plur",
    "our": "plur",
}
REPORTING_VERBS = frozenset(
    "say tell announce declare state add insist claim warn report confirm reiterate "
    "stress promise pledge vow threaten indicate signal hint agree argue write "
    "conclude decide acknowledge admit deny".split()
)
# Governments named after their leader ("the Obama administration", "the Assad regime").
_LEADER_GOVERNMENTS = frozenset("administration government regime cabinet".split())
# Nouns that stand for a group of the actors in their of-phrase.
_GROUP_NOUNS = frozenset(
    "thousand hundred dozen ten million tens hundreds thousands dozens millions number "
    "group batch patch contingent unit team handful band crowd majority minority some "
    "many most several few one two three half third deployment member members "
    "delegation".split()
)
_RELATIVE = {"who", "which", "that", "whom"}
# Role nouns for the people who speak or act for the group of their "of" phrase.
_MEMBER_NOUNS = frozenset(
    "leader chief spokesman spokeswoman spokesperson representative official delegate "
    "envoy commander".split()
)
# Generic role heads whose group a non-state qualifier names ("rebel commander").
_GENERIC_ROLES = (_MEMBER_NOUNS - {"delegate", "envoy"}) | frozenset(
    "force fighter troop soldier member".split()
)
# Sectors that, qualifying a generic role head, decide its sector.
_NON_STATE_QUALIFIERS = frozenset("REB OPP UAF CRM LAB EDU AGR BUS HLH MED NGO REF".split())
# Nouns for the other party of a relation: their possessor is not their country.
RELATIONAL_NOUNS = frozenset(
    "ally neighbour neighbor rival enemy foe adversary opponent partner counterpart proxy".split()
)
# Verbs of a participle clause that say where a group is: "rebels operating in X".
_RESIDENCE_VERBS = frozenset("operate base live reside".split())
# Words that make a following country word a stance, not a nationality ("anti-Syria").
STANCE_PREFIXES = frozenset({"anti", "pro"})
# Role nouns for partisans, who share the country of the one they back.
_FOLLOWER_NOUNS = frozenset("supporter follower sympathiser sympathizer".split())
_NAME_KEY = re.compile(r"[^a-z0-9]+")


def name_key(text: str) -> str:
    """'Kim Jong-un' and 'Kim Jong Un' share a key."""
    return _NAME_KEY.sub("", normalise(text))


@dataclass(frozen=True)
class UserActor:
    """An entry of a user dictionary, valid between two dates (inclusive) when given."""

    names: tuple[str, ...]
    code: str
    country: str | None
    sector: str | None
    name: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass
class _Hit:
    start: int  # token index
    end: int
    kind: str  # "country" | "metonym" | "org" | "sector" | "user"
    country: str | None = None
    sector: str | None = None
    name: str | None = None
    code: str | None = None


@dataclass
class DocumentActors:
    """Per-article memory: resolved people by name, the last person mentioned."""

    resolver: ActorResolver
    published: dt.date
    people: dict[str, Actor] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    mentions: list[tuple[int, int, Actor]] = field(default_factory=list)  # (char, sentence, person)
    sentence_index: int = 0
    offset: int = 0  # char offset of the current chunk in the article

    def resolve(self, head: Token) -> Actor | None:
        """The actor whose phrase has ``head`` as its head token, or None."""
        return self.resolver.resolve(head, self)

    def resolve_all(self, head: Token) -> list[Actor]:
        """Every actor of the phrase: one per country of "US and British forces"."""
        return self.resolver.resolve_all(head, self)

    def remember(self, actor: Actor, name_tokens: Sequence[Token]) -> None:
        keys = {name_key(" ".join(t.text for t in name_tokens))}
        words = [
            t
            for t in name_tokens
            if t.is_alpha and len(t.text) > 2 and t.lower_ not in _NAME_PARTICLES
        ]
        if len(words) > 1:
            keys.update({name_key(words[0].text), name_key(words[-1].text)})
        for key in keys:
            known = self.people.get(key)
            if known is not None and known.code != actor.code and known.code and actor.code:
                self.ambiguous.add(key)
            elif known is None or not known.code:
                self.people[key] = actor
        self.mentioned(actor)

    def mentioned(self, actor: Actor) -> None:
        """Note a person mention, for pronouns and role nouns that follow it."""
        if actor.start is not None:
            self.mentions.append((self.offset + actor.start, self.sentence_index, actor))

    def person_before(self, token: Token, max_sentences: int = 2) -> Actor | None:
        """The latest person mentioned before ``token`` within a few sentences."""
        pos = self.offset + token.idx
        best = None
        for at, sentence, actor in self.mentions:
            if at < pos and self.sentence_index - sentence <= max_sentences:
                if best is None or at > best[0]:
                    best = (at, actor)
        return best[1] if best else None

    def learn(self, person: Actor, country: str) -> Actor:
        """Later evidence gives a remembered person a country; update every alias."""
        better = replace(person, country=country, code=_code(country, person.sector))
        for key, known in list(self.people.items()):
            if known.name == person.name:
                self.people[key] = replace(known, country=country, code=better.code)
        return better

    def by_name(self, name: str) -> Actor | None:
        """The remembered person with this canonical name, if any."""
        return next((a for a in self.people.values() if a.name == name), None)

    def recall(self, name_tokens: Sequence[Token]) -> Actor | None:
        key = name_key(" ".join(t.text for t in name_tokens))
        if key in self.ambiguous:
            return None
        found = self.people.get(key)
        if found is None and len(name_tokens) > 1:
            for token in (name_tokens[-1], name_tokens[0]):
                if token.lower_ in _NAME_PARTICLES or len(token.text) < 3:
                    continue
                k = name_key(token.text)
                if k not in self.ambiguous and k in self.people:
                    return self.people[k]
        return found


class ActorResolver:
    """Stateless resolver over the bundled tables plus optional user dictionaries."""

    def __init__(
        self,
        tables: ActorTables | None = None,
        user_actors: Sequence[UserActor] = (),
        extra_sectors: Mapping[str, str] | None = None,
    ) -> None:
        self.tables = tables or load_actor_tables()
        if extra_sectors:  # role nouns from e.g. PETRARCH agents; they win over the bundled ones
            sectors = {**self.tables.sectors, **{normalise(k): v for k, v in extra_sectors.items()}}
            longest = max(len(k.split()) for k in sectors)
            self.tables = replace(
                self.tables,
                sectors=sectors,
                max_phrase_words=max(self.tables.max_phrase_words, longest),
            )
        self.offices = load_office_table()
        self.user_actors: dict[str, list[UserActor]] = {}
        for entry in user_actors:
            for alias in entry.names:
                self.user_actors.setdefault(normalise(alias), []).append(entry)
        # spaCy splits hyphens into tokens, so phrases can span twice their word count
        self.max_words = max(self.tables.max_phrase_words * 2, 4)

    def document(self, published: dt.date) -> DocumentActors:
        return DocumentActors(self, published)

    # -- resolution -----------------------------------------------------------------

    def resolve_all(self, head: Token, ctx: DocumentActors) -> list[Actor]:
        """The phrase's actor, split when coordinated country words share one noun.

        "French and Egyptian warships" are two actors, FRAMIL and EGYMIL, as
        "French warships and Egyptian warships" would be; each keeps the whole phrase
        as its text. Named organisations are never split.
        """
        actor = self.resolve(head, ctx)
        if actor is None or not actor.country or actor.code != _code(actor.country, actor.sector):
            return [] if actor is None else [actor]
        out = [actor]
        seen = {actor.country}
        for extra in self._conjoined_countries(head, actor.country, ctx.published):
            if extra not in seen:
                seen.add(extra)
                out.append(replace(actor, country=extra, code=_code(extra, actor.sector)))
        return out

    def _conjoined_countries(self, head: Token, country: str, day: dt.date) -> list[str]:
        """Countries of words coordinated with the phrase's own country word."""
        inner = _group_member(head)
        head = _entity_head(inner if inner is not None else head)
        if head.pos_ not in ("NOUN", "PROPN"):
            return []
        tokens = _phrase_tokens(head)
        own = {t.i for t in tokens}
        out: list[str] = []
        for hit in self._scan(tokens, day):
            if hit.kind != "country" or hit.country != country or hit.end > head.i:
                continue
            stack = [c for c in head.doc[hit.end - 1].children if c.dep_ == "conj"]
            while stack:
                conj = stack.pop()
                if conj.i in own or conj.i > head.i:
                    continue
                found = self._scan([conj], day)
                if len(found) == 1 and found[0].kind == "country" and found[0].country:
                    out.append(found[0].country)
                    stack.extend(c for c in conj.children if c.dep_ == "conj")
        return out

    def resolve(self, head: Token, ctx: DocumentActors, _depth: int = 0) -> Actor | None:
        if _depth > 3:
            return None
        inner = _group_member(head)
        if inner is not None:  # "thousands of students", "a contingent of NATO troops"
            return self.resolve(inner, ctx, _depth + 1)
        if head.ent_type_ in _NOT_ACTOR_ENTS or head.like_num:
            return None
        head = _entity_head(head)
        lower = head.lower_
        if head.pos_ == "PRON":
            if lower in _RELATIVE and head.dep_ in ("nsubj", "nsubjpass"):
                noun = head.head.head if head.head.dep_ == "relcl" else None
                return self.resolve(noun, ctx, _depth + 1) if noun is not None else None
            speaker = _reporting_speaker(head)
            if speaker is not None:  # "Syria says it is willing": the speaker speaks of itself
                actor = self.resolve(speaker, ctx, _depth + 1)
                if actor is not None:
                    # the speaker, named in the same sentence, is the clearer mention
                    return replace(actor, evidence="coref")
            if lower in _PERSON_PRONOUNS:
                person = ctx.person_before(head)
                if person is not None:
                    return _as_mention(person, head, "coref")
            return None

        tokens = _phrase_tokens(head)
        if not tokens or head.is_punct:
            return None
        hits = [h for h in self._scan(tokens, ctx.published) if not _stance(h, head.doc)]
        if any(h.start <= head.i < h.end for h in hits):
            # the rest of the entity counts only inside a name spanning the head: "the
            # Gondor of the Prince of X" stays Gondor ("of X" is the of-phrase's business)
            after = {t.i for t in _entity_rest(head) if t.i > head.i}
            hits = [h for h in hits if h.start not in after]
        if head.lemma_.lower() in RELATIONAL_NOUNS:
            # "Israel's militia ally": the owner is the other party, not the nationality
            owned = {t.i for c in head.children if c.dep_ == "poss" for t in c.subtree}
            hits = [h for h in hits if h.kind not in ("country", "metonym") or h.start not in owned]
        head_hit = next((h for h in hits if h.start <= head.i < h.end), None)
        if head_hit is not None and head_hit.kind == "blocked":
            return None
        if head_hit is None and head.pos_ == "NOUN":
            # "a Mogadishu hotel": a capital modifying a thing says where it is; it stands
            # for the government only as the head ("Seoul said") or beside a role word
            hits = [h for h in hits if h.kind != "metonym"]
        name_tokens = _name_tokens(head, hits)

        country = next((h.country for h in reversed(hits) if h.country), None)
        sector = _primary_sector(hits)
        if head_hit is not None and head_hit.kind == "country" and self._is_people(head, head_hit):
            # "Bosnian Serbs", "the Albanians of southern Serbia": a people living in
            # another country are that country's civilians
            home = next(
                (
                    h.country
                    for h in reversed(hits)
                    if h.kind == "country" and h.country not in (None, head_hit.country)
                ),
                None,
            ) or self._of_country(head, ctx.published)
            if home is not None and home != head_hit.country:
                country, sector = home, sector or "CVL"
        if (
            head_hit is not None
            and head_hit.kind == "sector"
            and head.lemma_.lower() in _GENERIC_ROLES
        ):
            # "rebel commanders", "student leaders": a non-state qualifier says whose
            qualifier = next(
                (h for h in reversed(hits) if h.kind == "sector" and h.end <= head_hit.start),
                None,
            )
            if qualifier is not None and qualifier.sector in _NON_STATE_QUALIFIERS:
                sector = qualifier.sector
        if head_hit is None and head.pos_ == "NOUN" and _adjective_sectors_only(hits, head):
            sector = None  # "official contact", "military aid": an adjective, not an actor
        if country is not None and _ethnic(tokens, hits):
            # "ethnic Albanians in Macedonia": a people, not the citizens of a state; the
            # country is left to the context (the event's place, the sentence's country)
            country, sector = None, sector or "CVL"
        org = next((h for h in reversed(hits) if h.kind in ("org", "user")), None)
        from_text = country is not None or sector is not None
        holder = None
        if org is None and (country is None or sector is None):
            holder = self._office(tokens, head, hits, ctx.published)
            if holder is not None and country in (None, holder.country):
                country = holder.country
                sector = sector or holder.sector
        if country is None and org is None and head.lemma_.lower() in _LEADER_GOVERNMENTS:
            # "the Bush administration", "the Assad regime": named after a leader
            for mod in head.lefts:
                if mod.dep_ in ("compound", "amod", "nmod") and mod.pos_ == "PROPN":
                    country = self.offices.leader_country(mod.text)
                    if country is not None:
                        break
        if country is None and org is None and sector == "ELI" and name_tokens:
            # "former President X": the country X once led, whatever the article's date
            country = self.offices.leader_country(name_tokens[-1].text)
        if (
            country is None
            and org is None
            and head_hit is not None
            and head_hit.kind == "sector"
            and head.lemma_.lower() in _MEMBER_NOUNS | _FOLLOWER_NOUNS
        ):
            group = self._of_group(head, ctx, _depth)
            if group is not None and group.code:
                span = _span(head, tokens)
                if head.lemma_.lower() in _FOLLOWER_NOUNS:
                    # "supporters of former President X": partisans of X's country
                    if group.country and group.code.startswith(group.country):
                        return Actor(
                            span.text,
                            _code(group.country, sector),
                            group.country,
                            sector,
                            None,
                            span.start_char,
                            span.end_char,
                            "role",
                        )
                elif group.sector:
                    # "leaders of the opposition coalition", "a spokesman of Hamas"
                    return replace(
                        group,
                        text=span.text,
                        start=span.start_char,
                        end=span.end_char,
                        evidence="role",
                    )
        if country is None and org is None and (sector is not None or head.ent_type_ == "PERSON"):
            country = self._of_country(
                head, ctx.published, local=sector in LOCAL_SECTORS
            ) or self._owner_country(head, ctx, _depth)
        if country is None and org is None and not (head_hit is not None and _is_definite(head)):
            country = self._speaker_country(head, sector, ctx, _depth)

        span = _span(head, tokens)
        text, start, end = span.text, span.start_char, span.end_char
        if name_tokens and head_hit is None:
            remembered = ctx.recall(name_tokens)
            if not from_text and remembered is not None and remembered.code:
                actor = replace(remembered, text=text, start=start, end=end, evidence="alias")
                ctx.mentioned(actor)
                return actor
            if country is None and sector is None:
                described = self._apposition(head, ctx, _depth)
                if described is not None:
                    # "Kenzo Oshima, the UN relief coordinator": the apposition says who
                    actor = replace(
                        described,
                        text=text,
                        start=start,
                        end=end,
                        name=_name(name_tokens),
                        evidence="role",
                    )
                    ctx.remember(actor, name_tokens)
                    return actor
                if head.ent_type_ in ("PERSON", "ORG", "NORP") or head.pos_ == "PROPN":
                    actor = Actor(text, None, None, None, _name(name_tokens), start, end, "name")
                    if head.ent_type_ == "PERSON":
                        ctx.remember(actor, name_tokens)
                    return actor
                return None
            code = _code(country, sector)
            if org is not None and org.code and country == org.country:
                if sector in (None, org.sector) or not org.code.startswith(country or "-"):
                    code = org.code  # "UN envoy Staffan de Mistura": the organisation's code
            actor = Actor(
                text,
                code,
                country,
                sector,
                _name(name_tokens),
                start,
                end,
                "office" if holder is not None else "role",
            )
            ctx.remember(actor, name_tokens)
            return actor

        if head_hit is None and sector is None and org is None:
            return None  # a country word modifying a non-actor noun ("inter-Korean relations")
        if head_hit is not None and head_hit.kind == "sector" and country is None and org is None:
            # "the diplomat": only a compatible, recent person
            person = ctx.person_before(head)
            if (
                _is_definite(head)
                and person is not None
                and person.sector == sector
                and head.tag_ in ("NN", "NNP")
            ):
                if person.country is None:
                    learned = self._speaker_country(head, sector, ctx, _depth)
                    if learned is not None:
                        person = ctx.learn(person, learned)
                return _as_mention(person, head, "coref", text=text, start=start, end=end)
        if org is not None:
            return Actor(
                text,
                org.code or _code(country or org.country, org.sector or sector),
                country or org.country,
                org.sector or sector,
                org.name,
                start,
                end,
                "dictionary",
            )
        return Actor(text, _code(country, sector), country, sector, None, start, end, "dictionary")

    def _office(
        self, tokens: Sequence[Token], head: Token, hits: Sequence[_Hit], day: dt.date
    ) -> OfficeHolder | None:
        """Who held office on the article's date, for a proper name in the phrase.

        A full name must match exactly; a single surname ("Putin") only when one
        person in the table held an office with it that day.
        """
        covered = {i for h in hits for i in range(h.start, h.end)}
        run: list[Token] = []
        runs: list[list[Token]] = []
        for tok in tokens:
            if tok.i not in covered and (tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON"):
                run.append(tok)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        for name_run in reversed(runs):  # the run nearest the head first
            words = [t for t in name_run if t.text not in ("’s", "'s", "-")]
            if not words:
                continue
            text = head.doc[words[0].i : words[-1].i + 1].text
            found = _one_code(self.offices.lookup(text, day))
            if found is None and len(words) == 1 and words[0].ent_type_ in ("PERSON", ""):
                found = _one_code(self.offices.by_surname(words[0].text, day))
            if found is not None:
                return found
        return None

    def _speaker_country(
        self, head: Token, sector: str | None, ctx: DocumentActors, depth: int
    ) -> str | None:
        """'The South Korean Foreign Ministry said the diplomat ...': a state organ
        speaking of an official of unstated nationality speaks of its own."""
        if sector not in STATE_SECTORS:
            return None
        verb = reporting_verb(head, max_steps=8)
        speaker = _speaker(verb) if verb is not None else None
        if speaker is None or speaker.i == head.i:
            return None
        actor = self.resolve(speaker, ctx, depth + 1)
        if actor is not None and actor.country and actor.sector in STATE_SECTORS:
            return actor.country
        return None

    def _owner_country(self, head: Token, ctx: DocumentActors, depth: int) -> str | None:
        """'their forces' after 'Bosnian Serbs said': the owner's country."""
        owner = next((c for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        if owner is None:
            return None
        actor = self.resolve(owner, ctx, depth + 1)
        return actor.country if actor is not None else None

    def _is_people(self, head: Token, hit: _Hit) -> bool:
        """The head is one word naming a people ("Serbs", "Albanians"), not a state."""
        if hit.end != head.i + 1 or hit.country is None:
            return False
        demonyms = {normalise(d) for d in self.tables.countries[hit.country].demonyms}
        plural = head.tag_ in ("NNS", "NNPS") or head.lower_.endswith("s")
        return plural and normalise(head.text) in demonyms

    def _of_group(self, head: Token, ctx: DocumentActors, depth: int) -> Actor | None:
        """The coded actor of the head's "of" phrase: "leaders *of the opposition*"."""
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
                    actor = self.resolve(pobj, ctx, depth + 1)
                    return actor if actor is not None and actor.code else None
        return None

    def _apposition(self, head: Token, ctx: DocumentActors, depth: int) -> Actor | None:
        """The coded actor of a name's apposition, when it has a country or organisation."""
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ in ("NOUN", "PROPN"):
                actor = self.resolve(child, ctx, depth + 1)
                if actor is not None and actor.code and actor.country:
                    return actor
        return None

    def _of_country(self, head: Token, day: dt.date, *, local: bool = False) -> str | None:
        """'the president of France', 'rebels in the Ivory Coast', 'officials in Kabul'.

        With ``local`` (non-state sectors) also where the group operates or is based."""
        preps = [c for c in head.children if c.dep_ == "prep"]
        if local:  # "guerrillas operating in Macedonia", "a group based in Trinidad"
            preps += [
                p
                for acl in head.children
                if acl.dep_ == "acl" and acl.lemma_.lower() in _RESIDENCE_VERBS
                for p in acl.children
                if p.dep_ == "prep" and p.lower_ in ("in", "from")
            ]
        for child in preps:
            if child.lower_ not in ("of", "in", "from"):
                continue
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                for hit in self._scan(_phrase_tokens(pobj), day):
                    if hit.country and hit.kind in ("country", "metonym"):
                        return hit.country
                if pobj.pos_ == "PROPN" and child.lower_ != "of":
                    place = load_gazetteer().best(_span(pobj, _phrase_tokens(pobj)).text)
                    if place is not None:
                        return place.country
        return None

    def _scan(self, tokens: Sequence[Token], day: dt.date) -> list[_Hit]:
        """Longest-first matches of table phrases over contiguous runs of ``tokens``."""
        hits: list[_Hit] = []
        i = 0
        while i < len(tokens):
            matched = None
            for n in range(min(self.max_words, len(tokens) - i), 0, -1):
                window = tokens[i : i + n]
                if any(w.i - window[0].i != k for k, w in enumerate(window)):
                    continue  # not contiguous in the sentence
                if any(w.ent_type_ in _NOT_ACTOR_ENTS for w in window):
                    continue
                raw = window[0].doc[window[0].i : window[-1].i + 1].text
                matched = self._lookup(raw, normalise(raw), window, day)
                if matched:
                    matched.start, matched.end = window[0].i, window[-1].i + 1
                    hits.append(matched)
                    i += n
                    break
            if not matched:
                i += 1
        return hits

    def _lookup(self, raw: str, key: str, window: Sequence[Token], day: dt.date) -> _Hit | None:
        t = self.tables
        for entry in self.user_actors.get(key, ()):
            if entry.valid_on(day) and _case_ok(raw, entry):
                code = entry.code if entry.sector else None  # a bare country takes role words
                return _Hit(0, 0, "user", entry.country, entry.sector, entry.name, code)
        if t.is_blocked(raw):
            return _Hit(0, 0, "blocked")
        org = t.organisation(raw)
        if org is not None:
            return _Hit(0, 0, "org", org.country, org.sector, org.name, org.code)
        metonym = t.metonym(raw)
        if metonym is not None:
            return _Hit(0, 0, "metonym", metonym[0], metonym[1])
        country = t.country(raw)
        if country is not None:
            return _Hit(0, 0, "country", country)
        lemma = " ".join(w.lemma_ for w in window)
        sector = t.sector(raw, lemma)
        if sector is not None:
            return _Hit(0, 0, "sector", None, sector)
        return None


# Identity sectors (religion, ideology) qualify a role; a role word decides the code.
_IDENTITY_SECTORS = frozenset("REL CHR CTH MUS SUN SHI JEW HIN BUD MOD RAD".split())
# Particles of Arabic, Dutch, German ... names; never a short name on their own.
_NAME_PARTICLES = frozenset(
    "al el bin ibn bint abu abd de del der da di van von le la du dos das".split()
)


STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})


def _is_definite(head: Token) -> bool:
    return any(t.lower_ in ("the", "this", "that") for t in head.lefts)


def _case_ok(raw: str, entry: UserActor) -> bool:
    """Short all-capital aliases ("US", "UN") match only in capitals, never "us"/"un"."""
    short = [a for a in entry.names if len(a) <= 4 and a.isupper()]
    if not short or normalise(raw) not in {normalise(a) for a in short}:
        return True
    return raw.replace(".", "") in {a.replace(".", "") for a in short}


def _one_code(holders: Sequence[OfficeHolder]) -> OfficeHolder | None:
    """The holder when all matching rows agree on one code ("King Abdullah" may not)."""
    codes = {h.code for h in holders}
    return holders[0] if len(codes) == 1 else None


def _group_member(head: Token) -> Token | None:
    """The actor noun inside 'thousands of X' / 'a contingent of X', if any."""
    if head.lemma_.lower() not in _GROUP_NOUNS and head.lower_ not in _GROUP_NOUNS:
        return None
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                return obj
    return None


def reporting_verb(tok: Token, max_steps: int = 6) -> Token | None:
    """The speech verb ("said", "announced") whose reported clause contains ``tok``."""
    node = tok
    for _ in range(max_steps):
        if node.dep_ == "ccomp" and node.head.lemma_.lower() in REPORTING_VERBS:
            return node.head
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _speaker(verb: Token) -> Token | None:
    """A speech verb's named (non-pronoun) subject."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return None if subj is None or subj.pos_ == "PRON" else subj


def _reporting_speaker(pronoun: Token) -> Token | None:
    """For a pronoun in a clause reported by a speech verb, that verb's (non-pronoun) subject."""
    number = _SPEAKER_PRONOUNS.get(pronoun.lower_)
    verb = reporting_verb(pronoun) if number is not None else None
    speaker = _speaker(verb) if verb is not None else None
    if speaker is None:
        return None
    # "Rebels have sworn to fight until they win, officials said": the reported clause's
    # own subject, nearer the pronoun, comes before the speaker
    node = pronoun.head
    while node.i != verb.i and node.head.i != node.i:
        node = node.head
        subject = _speaker(node)
        if node.i != verb.i and subject is not None and _agrees(subject, number):
            return subject
    return speaker if _agrees(speaker, number) else None


def _agrees(noun: Token, number: str | None) -> bool:
    """Can "it"/"they" refer to the noun?"""
    plural = noun.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in noun.children)
    # "the Houthis" (tagged a singular PERSON) and bodies ("the government said they")
    # may be "they"; a single person may not
    group = noun.ent_type_ in ("NORP", "GPE", "ORG") or (
        noun.pos_ == "PROPN" and noun.text.endswith("s")
    )
    if number == "plur" and not plural and not group:
        return False
    return not (number == "sing" and plural)


def stance_prefix(tok: Token) -> bool:
    """The token is preceded by "anti-"/"pro-": "an anti-Syria journalist" is no Syrian."""
    doc, i = tok.doc, tok.i - 1
    if i >= 0 and doc[i].text in ("-", "–"):
        i -= 1
    return i >= 0 and doc[i].lower_ in STANCE_PREFIXES


def _stance(hit: _Hit, doc: Doc) -> bool:
    """A country or capital hit that names a stance ("pro-Russian"), not a nationality."""
    return hit.kind in ("country", "metonym") and stance_prefix(doc[hit.start])


def _ethnic(tokens: Sequence[Token], hits: Sequence[_Hit]) -> bool:
    """The phrase's country comes from a demonym qualified by "ethnic"."""
    ethnic = [t for t in tokens if t.lower_ == "ethnic"]
    return bool(ethnic) and all(
        h.kind != "country" or h.start == ethnic[-1].i + 1 for h in hits if h.country
    )


def _adjective_sectors_only(hits: Sequence[_Hit], head: Token) -> bool:
    """Every sector word of the phrase is an adjective on a head that is no actor word."""
    sectors = [h for h in hits if h.kind == "sector"]
    doc = head.doc
    return bool(sectors) and all(
        h.end - h.start == 1 and doc[h.start].pos_ == "ADJ" for h in sectors
    )


def _primary_sector(hits: Sequence[_Hit]) -> str | None:
    """The role sector nearest the head; an identity sector only if there is no role."""
    sectors = [h.sector for h in reversed(hits) if h.sector]
    return next((s for s in sectors if s not in _IDENTITY_SECTORS), sectors[0] if sectors else None)


def _entity_head(tok: Token) -> Token:
    """A name the parser broke ("Barack" tagged a preposition governing "Obama") is
    read from the last token of the model's entity, which heads the rest of the name."""
    if tok.pos_ in ("NOUN", "PROPN", "PRON") or tok.ent_iob_ != "B" or not tok.ent_type_:
        return tok
    last = tok
    while last.i + 1 < tok.sent.end and tok.doc[last.i + 1].ent_iob_ == "I":
        last = tok.doc[last.i + 1]
    return last if last.i != tok.i and last.pos_ == "PROPN" else tok


def _phrase_tokens(head: Token) -> list[Token]:
    """The head and its left modifiers (recursively), in text order."""
    out = [head]
    stack = [c for c in head.lefts if c.dep_ in _PHRASE_DEPS]
    while stack:
        tok = stack.pop()
        out.append(tok)
        stack.extend(c for c in tok.children if c.dep_ in _PHRASE_DEPS and c.i < head.i)
    # flat/compound right children (e.g. "Kim Jong Un" parsed head-first)
    out.extend(c for c in head.rights if c.dep_ in ("flat", "compound"))
    # a name is one entity even where the parser hung its first words on the verb
    # ("Jaysh al-Islam fired": "Jaysh al -" as adverbial modifiers of "fired") or its
    # last words on a preposition ("the Federal Bureau of Investigation")
    seen = {t.i for t in out}
    out.extend(t for t in _entity_rest(head) if t.i not in seen)
    out.sort(key=lambda t: t.i)
    return [t for t in out if t.dep_ != "punct" or t.i not in (out[0].i, out[-1].i)]


def _entity_rest(head: Token) -> list[Token]:
    """The other tokens of the named entity around ``head``, up to a coordinator.

    Entities may join coordinated names ("Gondor and Arnor"); those stay apart.
    """
    if not head.ent_type_ or head.ent_type_ in _NOT_ACTOR_ENTS:
        return []
    doc = head.doc
    out: list[Token] = []
    tok = head
    while tok.ent_iob_ == "I" and tok.i > tok.sent.start:
        tok = doc[tok.i - 1]
        if tok.dep_ == "cc" or tok.text in (",", ";"):
            break
        out.append(tok)
    tok = head
    while tok.i + 1 < tok.sent.end and doc[tok.i + 1].ent_iob_ == "I":
        tok = doc[tok.i + 1]
        if tok.dep_ == "cc" or tok.text in (",", ";"):
            break
        out.append(tok)
    return out


def _name_tokens(head: Token, hits: Sequence[_Hit]) -> list[Token]:
    """The proper-name run ending at the head, after the last table phrase."""
    if head.pos_ != "PROPN" and head.ent_type_ != "PERSON":
        return []
    covered = {i for h in hits for i in range(h.start, h.end)}
    if head.i in covered:
        return []
    doc = head.doc
    start = head.i
    while start - 1 >= head.sent.start:
        prev = doc[start - 1]
        if prev.i in covered or prev.ent_type_ in _NOT_ACTOR_ENTS:
            break
        if prev.pos_ == "PROPN" or (prev.ent_type_ == "PERSON" and prev.ent_iob_ != "O"):
            start -= 1
        elif prev.text == "-" and start - 2 >= head.sent.start and doc[start - 2].pos_ == "PROPN":
            start -= 1
        else:
            break
    end = head.i + 1
    while end < head.sent.end and doc[end].dep_ in ("flat", "compound") and doc[end].head == head:
        end += 1
    if head.ent_type_ == "PERSON":  # trust the entity over a broken parse ("Barack" as ADP)
        while end < head.sent.end and doc[end].ent_iob_ == "I" and doc[end].i not in covered:
            end += 1
    return list(doc[start:end])


def _span(head: Token, tokens: Sequence[Token]) -> Span:
    """The phrase as written, without a leading determiner."""
    doc = head.doc
    first = tokens[0]
    while first.dep_ == "det" and first.i < head.i:
        first = doc[first.i + 1]
    return doc[first.i : tokens[-1].i + 1]


def _name(tokens: Sequence[Token]) -> str:
    return tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text


def _code(country: str | None, sector: str | None) -> str | None:
    if country and sector and sector != country:
        return f"{country}{sector}"
    return country or sector


def _as_mention(
    actor: Actor,
    token: Token,
    evidence: str,
    *,
    text: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Actor:
    return replace(
        actor,
        text=text or token.text,
        start=token.idx if start is None else start,
        end=token.idx + len(token.text) if end is None else end,
        evidence=evidence,
    )


def explain_name(name: str, day: dt.date, *, user_actors: Sequence[UserActor] = ()) -> list[str]:
    """Human-readable lines: how ``name`` alone resolves on ``day``, and why."""
    resolver = ActorResolver(user_actors=user_actors)
    lines = []
    for entry in resolver.user_actors.get(normalise(name), ()):
        state = "applies" if entry.valid_on(day) else "not valid on this date"
        lines.append(f"user dictionary: {entry.name} -> {entry.code} ({state})")
    t = resolver.tables
    country, metonym, org = t.country(name), t.metonym(name), t.organisation(name)
    if org is not None:
        lines.append(f"organisation table: {org.name} -> {org.code}")
    if metonym is not None:
        lines.append(f"capital/seat of government: -> {metonym[0]}{metonym[1]}")
    if country is not None:
        lines.append(f"country table: -> {country}")
    sector = t.sector(name)
    if sector is not None:
        lines.append(f"sector term: -> {sector}")
    lines.extend(f"office table: {line}" for line in resolver.offices.explain(name, day))
    doc = name_doc(name)
    actor = resolver.resolve(doc[-1], resolver.document(day))
    verdict = f"{actor.code} ({actor.evidence})" if actor and actor.code else "not coded"
    lines.append(f"resolves on {day.isoformat()} to: {verdict}")
    return lines


def name_doc(name: str) -> Doc:
    """A hand-built parse of a bare name: capitalised words are a compound proper noun."""
    words = name.split()
    last = len(words) - 1
    return Doc(
        spacy.blank("en").vocab,
        words=words,
        heads=[last] * len(words),
        deps=["compound"] * last + ["ROOT"],
        pos=["PROPN" if w[:1].isupper() else "NOUN" for w in words],
        sent_starts=[True] + [False] * last,
    )


# Sectors whose members are, absent other evidence, people of the place where they act.
LOCAL_SECTORS = frozenset("CVL OPP LAB EDU AGR HLH BUS CRM UAF REB COP MED".split())


def localise(actor: Actor | None, place: Place | None) -> Actor | None:
    """'killed 20 people' in Juba: civilians of unstated nationality are Sudan's.

    Only local sectors and only when the event has a place with a country."""
    if (
        actor is None
        or actor.country
        or actor.name  # a named group or person keeps its own code ("ISIL" is not Iraqi)
        or actor.sector not in LOCAL_SECTORS
        or place is None
        or not place.country
    ):
        return actor
    return replace(
        actor, country=place.country, code=_code(place.country, actor.sector), evidence="place"
    )
