"""What: find event words with the lexicon and read their arguments off the parse.

A trigger is a verb or event noun whose lemma has lexicon patterns; the most
specific pattern whose particle, object and preposition constraints hold wins.
Source and target come from the dependency tree (subjects through control,
conjunction and relative clauses; objects and prepositional targets;
passives). Negated, conditional, questioned and denied events are dropped;
plans and futures become CAMEO 03x intents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from eventwire.actor_tables import load_actor_tables
from eventwire.actors import RELATIONAL_NOUNS, REPORTING_VERBS, DocumentActors, reporting_verb
from eventwire.dates import resolve_date
from eventwire.lexicon import Lexicon, Pattern
from eventwire.models import Actor, EventDate
from eventwire.ontology import Ontology
from eventwire.places import load_gazetteer

# Verbs whose object noun names the event their subject performs ("held talks").
LIGHT_VERBS = frozenset(
    "hold have conduct carry launch stage stag make pay begin start resume continue "
    "lead order authorize authorise undertake mount host wage wag open join announce "
    "declare unveil approve".split()
)
# Verbs whose subject performs the event noun they take as object, though the verb
# itself is no event ("provided training to", "completed its withdrawal").
PERFORMING_VERBS = LIGHT_VERBS | frozenset(
    "provide give deliver extend send supply contribute donate allocate commit complete "
    "intensify escalate step perform expand increase boost reinforce renew perpetrate "
    "finish".split()
)
# (preposition, head) pairs whose clause subject performs the event noun after them.
PARTICIPATION = frozenset(
    [("in", w) for w in ("participate", "engage", "involve", "part", "join", "involvement")]
    + [("for", "responsible")]
    + [("to", "contribute")]
    # "thousands converged on the capital for a rally": who gathers for an event holds it
    + [("for", w) for w in ("gather", "converge", "assemble", "mass")]
)
# Heads that turn an embedded act into a plan or intent ("ready to resume talks").
INTENT_HEADS = frozenset(
    "plan intend want wish aim hope seek prepare ready willing eager expect decide "
    "agree promise pledge vow swear offer propose try attempt going set prepared poised "
    "determined due scheduled".split()
)
# Heads under which an embedded act did not happen as stated.
# "prompted Kim to order": the object of these verbs performs the embedded act.
OBJECT_CONTROL = frozenset(
    "prompt urge ask order force persuade tell allow encourage invite instruct push press "
    "compel authorize authorise enable help require lead convince get cause".split()
)
# The small model sometimes labels particles as adverbs ("stepped down").
_ADVERB_PARTICLES = frozenset("down off out up back away over".split())
QUANTITY_NOUNS = frozenset(
    "series wave number round string spate set flurry barrage couple dozen hundred "
    "thousand handful volley salvo campaign ton tonne worth amount lot package shipment "
    "consignment part portion".split()
)
DENIAL_HEADS = frozenset("deny refute dismiss reject".split())
# Texts whose relative clause describes what they say, not an act ("a bill that bans").
DOCUMENT_NOUNS = frozenset(
    "resolution bill law plan proposal draft motion report statement declaration "
    "document letter decree amendment initiative".split()
)
# Heads whose clausal complement is an allegation, not a reported fact ("a report
# alleged that the army helped plan killings", "the US claimed that ISIL attacked").
ALLEGATION_HEADS = frozenset("allege claim charge contend".split())
HYPOTHETICAL_AUX = frozenset("could might may".split())
REFUSAL_HEADS = frozenset("refuse decline".split())
# Heads whose embedded act has not happened; the head itself is the event.
UNREALISED_HEADS = frozenset(
    "threaten refuse decline urge ask call demand appeal press warn reject deny oppose "
    "fail hesitate".split()
)
# Prepositions whose event noun sets the scene ("after the war", "amid protests").
BACKGROUND_PREPS = frozenset("after since amid amidst following before despite".split())
# Verbs whose "of"/"for" clause states a charge or a reason for punishment.
CHARGE_HEADS = frozenset(
    "accuse charge suspect convict sentence jail imprison arrest detain indict blame "
    "condemn punish fine prosecute try sue".split()
)
# Heads whose clausal complement is asked for, not done ("demanded that X ease ...").
DEMAND_HEADS = frozenset(
    "demand urge ask call request appeal press push propose suggest recommend".split()
)
FUTURE_AUX = frozenset("will shall 'll would wo".split())
TARGET_PREPS = ("with", "against", "to", "on", "toward", "towards", "into", "at", "upon")
STATEMENT_ROOTS = frozenset({"01"})
# People defined by their relation to an owner: "the US's partners" are not the US.
# actors.RELATIONAL_NOUNS, plus some that resolve by rules of their own as actors
# ("supporters of X").
OWNED_PARTIES = RELATIONAL_NOUNS | frozenset("friend competitor supporter critic client".split())
# Acts two conjoined subjects do with each other ("A and B met / agreed / cooperate").
MUTUAL_ROOTS = frozenset({"03", "04", "05", "06"})
#: Roots whose "with" partner does the same act ("met with", "signed a deal with",
#: "cooperate with"): coded in both directions, as PETRARCH codes talks. Not 03: an
#: intent to meet with X is not X's intent.
PARTNER_ROOTS = frozenset({"04", "05", "06"})
#: Codes whose direct object is a partner too ("A met B", "A phoned B", "A consulted B"):
#: not visits (042) or hosting (043), whose reverse is the other code, nor mediation.
MET_CODES = frozenset({"040", "041", "046"})
# Units that travel as a deployment, not as a visit ("troops arrived in Mali").
TROOP_NOUNS = frozenset(
    "troop soldier force peacekeeper contingent battalion brigade unit warship deployment".split()
)
VISIT_CODE = "042"
PEACEKEEPING_CODE = "074"
# Heads that set a meeting both parties will attend ("due to meet"), unlike "want", "seek".
SCHEDULE_HEADS = frozenset("schedule due set expect going plan".split())
WEAPON_NOUNS = frozenset(
    "missile rocket shell bomb mortar artillery drone warplane jet helicopter tank "
    "gunfire fire".split()
)
COMPLAINT_ROOTS = frozenset({"11"})
VERBAL_CONFLICT_ROOTS = frozenset({"09", "10", "11", "12", "13"})
_ACTOR_ENTS = frozenset({"GPE", "NORP", "ORG", "PERSON"})
COOPERATION_ROOTS = frozenset({"03", "04", "05", "06", "07", "08"})
OBLIGATION_AUX = frozenset({"must"})
REFUSAL_CODE = "12"
DEMAND_CODE = "10"
ACCUSE_CODE = "112"
POSTURE_ROOT, JOINT_EXERCISE_CODE = "15", "062"
#: Words for military exercises, which forces of two countries hold together.
EXERCISE_WORDS = frozenset("exercise drill game wargame manoeuvre maneuver".split())
# Roots of asking that a protest voices ("marched demanding", "staged rallies to demand").
VOICED_ROOTS = frozenset({"02", "10"})
PROTEST_ROOT = "14"
STRIKE_CODE, LABOUR_STRIKE_CODE = "190", "143"
#: Sectors whose "strike" is a walkout, not an armed attack.
CIVIL_STRIKERS = frozenset("LAB HLH EDU CVL BUS AGR OPP MED REF".split())
THREAT_ROOT = "13"
# Roots whose "over"/"about"/"against"/"of" noun is what is complained or protested
# about ("complained over Israeli raids", "in protest of the refusal"): the topic.
TOPIC_ROOTS = frozenset({"11", "14"})
TOPIC_PREPS = frozenset("over about against of".split())


# Groups that are moved rather than acted on ("deployed troops to", "accept refugees from").
THEME_SECTORS = frozenset({"MIL", "REF", "COP"})
THEME_BLIND_ROOTS = frozenset({"09", "10", "11", "12", "13", "17", "18", "19", "20"})

_NO_PATTERN = Pattern("", "", "VERB", None, frozenset(), None, "")
# Violence: coded even from a reduced relative ("civilians killed in the raid").
VIOLENCE_ROOTS = frozenset({"18", "19", "20"})
# Roots whose "in X" names a venue, not a party: statements, meetings and talks.
VENUE_ROOTS = frozenset({"01", "04"})
# "X called Y to discuss ...": a telephone call to a person is consultation (041)
PHONE_VERBS = frozenset("call phone telephone ring".split())
PHONE_PATTERN = Pattern("041", "call", "VERB", None, frozenset(), None, "rule:phone")


@dataclass(frozen=True)
class Candidate:
    """A matched trigger with its arguments, before dates and places."""

    trigger: Token
    pattern: Pattern
    cameo: str
    source: Actor | None
    target: Actor | None
    intent: str | None  # "plan" | "purpose" | None
    noun: bool


class EventFinder:
    """Matches lexicon patterns in a parsed sentence and extracts the arguments."""

    def __init__(
        self, lexicon: Lexicon, ontology: Ontology, *, include_statements: bool = False
    ) -> None:
        self.lexicon = lexicon
        self.ontology = ontology
        self.include_statements = include_statements
        # nouns whose owner acts through them: "Israeli airstrikes killed", "Russian missiles hit"
        self._instrument_lemmas = lexicon.noun_lemmas | WEAPON_NOUNS

    def find(self, sent: Span, actors: DocumentActors) -> list[Candidate]:
        if sent.text.rstrip().endswith("?"):
            return []
        out: list[Candidate] = []
        verb_events: set[int] = set()  # verbs coded as acts (not statements)
        matches: list[tuple[Token, Pattern, bool]] = []
        for tok in sent:
            lemma = tok.lemma_.lower()
            if tok.pos_ in ("VERB", "AUX"):
                pattern = self._match_verb(tok, lemma)
                if pattern is not None:
                    matches.append((tok, pattern, False))
                    if pattern.cameo[:2] not in STATEMENT_ROOTS:
                        verb_events.add(tok.i)
            elif tok.pos_ in ("NOUN", "PROPN"):
                pattern = self._match_noun(tok, lemma)
                if pattern is not None:
                    matches.append((tok, pattern, True))
        matched = {tok.i for tok, _, _ in matches}
        for tok in sent:  # "X said Y must do Z" is a demand even when Z is no lexicon event
            if tok.i not in matched and tok.pos_ in ("VERB", "AUX") and _aux(tok) & OBLIGATION_AUX:
                rule = Pattern(
                    DEMAND_CODE, tok.lemma_.lower(), "VERB", None, frozenset(), None, "rule:must"
                )
                demand = self._demand(tok, rule, actors)
                if demand is not None:
                    out.append(demand)
        conflict_acts = {
            tok.i for tok, pattern, noun in matches if not noun and pattern.cameo[:2] >= "09"
        }
        coded_allegations = {
            tok.i for tok, pattern, noun in matches if not noun and pattern.cameo[:2] == "11"
        }
        for tok in sent:
            if tok.i not in coded_allegations:
                accusation = self._allegation(tok, conflict_acts, actors)
                if accusation is not None:
                    out.append(accusation)
                    # "charged that X attacked": an accusation, not a legal charge
                    matches = [m for m in matches if m[0].i != tok.i]
        noun_patterns = {tok.i: pattern for tok, pattern, noun in matches if noun}
        topics = {tok.i for tok, pattern, _ in matches if pattern.cameo[:2] in TOPIC_ROOTS}
        causes = _causes(matches, verb_events)
        for tok, pattern, noun in matches:
            if noun and tok.i in causes:
                continue  # "were killed in an air strike": one event, carried by the verb
            if noun and tok.dep_ in ("dobj", "obj") and tok.head.i in verb_events:
                continue  # "imposed sanctions": the verb event already covers it
            if noun and tok.dep_ == "nsubj" and tok.head.i in verb_events:
                continue  # "airstrikes killed 12": one event, carried by the verb
            if noun and _background(tok):
                continue  # "after a week of unrest", "amid the uprising": the setting
            if noun and _within_event(tok, noun_patterns):
                continue  # "the worst attack in the current uprising": the setting
            if noun and _topic(tok, topics):
                continue  # "complained over Israeli raids": what is complained about
            if not noun:
                pattern = _joint(_sharper(pattern, tok, noun_patterns), tok, noun_patterns)
            modality = self._modality(tok)
            cameo, intent = pattern.cameo, self._is_intent(tok)
            if modality == "refused" and cameo[:2] in COOPERATION_ROOTS and not noun:
                cameo, intent = REFUSAL_CODE, None  # "will not accept refugees"
            elif modality == "obliged" and not noun:
                demand = self._demand(tok, pattern, actors)
                if demand is not None:
                    out.append(demand)
                continue
            elif modality != "fact" or self._pending(tok):
                continue
            if intent:
                if cameo[:2] in VERBAL_CONFLICT_ROOTS or cameo[:2] == "03":
                    intent = None  # "will investigate", "vowed to ...": the statement is the act
                elif cameo[:2] >= "14" and intent == "purpose":
                    pass  # "opened fire to disperse the crowd": force used for that end
                elif cameo[:2] >= "14":
                    cameo = threat_code(cameo)  # "will impose sanctions": a threat, not an act
                else:
                    code = self.ontology.intent_code(cameo)
                    if code is None:
                        continue
                    cameo = code
            if cameo[:2] in STATEMENT_ROOTS and not self.include_statements:
                continue
            if pattern.cameo == VISIT_CODE and not noun:
                troops = _troop_subject(tok)
                if troops is not None:
                    # "peacekeeping troops arrived in Bosnia" is a deployment, not a visit
                    if not _peacekeeping(troops):
                        continue
                    pattern, cameo = replace(pattern, cameo=PEACEKEEPING_CODE), PEACEKEEPING_CODE
            if not noun and _reduced_passive(tok) and cameo[:2] not in VIOLENCE_ROOTS:
                continue  # "activists detained while ...": background, unless it is violence
            if (
                not noun
                and tok.lemma_.lower() in INTENT_HEADS
                and _has_event_xcomp(tok, verb_events)
            ):
                continue  # "agreed to meet": the embedded act carries the event
            sources, target_options = (
                self._noun_arguments(tok, pattern) if noun else self._verb_arguments(tok, pattern)
            )
            cause = next((n for n, v in causes.items() if v == tok.i), None)
            if cause is not None and not sources:
                # "were killed in an Israeli air strike": who struck killed them
                sources = self._noun_arguments(tok.doc[cause], noun_patterns[cause])[0]
            src_actors = _resolve_all(sources, actors)
            if not any(a.code for a in src_actors):
                agents = [t for t in sources if t.lemma_.lower() in self._instrument_lemmas]
                src_actors = _resolve_targets(agents, actors) or src_actors
            if noun and cameo == STRIKE_CODE and tok.lemma_.lower() == "strike":
                if any(a.sector in CIVIL_STRIKERS for a in src_actors):
                    cameo = LABOUR_STRIKE_CODE  # "nurses began a strike": a walkout
            tgt_actors: list[Actor] = []
            partner = False  # the target is a partner: "talks with X"
            moved = False  # a moved group was passed over
            for option in target_options:  # the first argument position with a coded actor
                found = _resolve_targets(_target_conjuncts(option), actors)
                if "@place" in pattern.objects:  # "captured Palmyra": the place's country
                    found = _place_actors(found, option)
                elif cameo[:2] in VIOLENCE_ROOTS:
                    found = _struck_city(found, option)
                if any(a.code for a in found):
                    with_ = (option.dep_ == "pobj" and option.head.lower_ == "with") or (
                        not noun
                        and pattern.cameo in MET_CODES
                        and option.dep_ in ("dobj", "obj")
                        and option.head.i == tok.i
                    )
                    if not moved and _theme(option, found, tok, pattern.cameo):
                        # "sent 300 troops to Mali", "withdrew its forces from X": what is
                        # moved is no party, even when no recipient or origin is named
                        # ("sent 200 troops to the border"); one further on is
                        moved = True
                        continue
                    tgt_actors, partner = found, with_
                    break
                if not tgt_actors and _named_party(option, found, cameo):
                    # a named but uncoded party ("granted asylum to <name>"), kept unless a
                    # coded one follows
                    tgt_actors = found
            if not tgt_actors and cameo[:2] not in VENUE_ROOTS:
                # "declared a ceasefire in Idlib", "condemned attacks in Tehran": with no
                # party named, the place the act is aimed at
                home = {a.country for a in src_actors if a.country}
                tgt_actors = _place_target(tok, noun, actors, home)
            if noun and not any(a.code for a in src_actors):
                continue  # an event noun without a resolved performer is too weak to emit
            pairs = [(s, t) for s in src_actors or [None] for t in tgt_actors or [None]]
            coded = [a for a in src_actors if a.code]
            if cameo[:2] == POSTURE_ROOT and _exercise(tok):
                nations = {a.country for a in coded if a.country}
                nations |= {a.country for a in tgt_actors if a.country and partner}
                if len(nations) > 1:
                    # "French and Egyptian warships launched war games", "held drills with
                    # the US navy": forces of two countries exercising together cooperate
                    cameo = JOINT_EXERCISE_CODE
            named = [a for a in src_actors if _identified(a)]
            if not tgt_actors and len(named) > 1 and cameo[:2] in MUTUAL_ROOTS:
                # "Obama and Putin met", "India and MERCOSUR agreed": each with the other
                pairs = [(s, t) for s in named for t in named if s is not t]
            elif partner and (
                cameo[:2] in PARTNER_ROOTS
                or (pattern.cameo in MET_CODES and not noun and _scheduled(tok))
                or (pattern.cameo[:2] in PARTNER_ROOTS and intent == "plan" and _set(tok, noun))
            ):
                # "Lavrov held talks with Netanyahu": each held talks with the other; so
                # for a meeting that is set ("will meet B", "will hold talks with B"),
                # unlike a wish ("wants to meet")
                pairs += [(t, s) for s in named for t in tgt_actors if _identified(t)]
            for src, tgt in pairs:
                if tgt is not None and src is not None and _same(src, tgt):
                    tgt = None
                if not (_identified(src) or _identified(tgt)):
                    continue
                if src is None and not (_is_passive(tok) or _impersonal(tok, cameo)):
                    continue
                if src is None and cameo[:2] == "13":
                    continue  # a threat needs someone who threatens
                out.append(Candidate(tok, pattern, cameo, src, tgt, intent, noun))
        protests = {c.trigger.i for c in out if c.cameo[:2] == PROTEST_ROOT}
        # "continued their hunger strike to demand": the clause hangs on the noun's verb
        protests |= {
            c.trigger.head.i
            for c in out
            if c.cameo[:2] == PROTEST_ROOT and c.noun and c.trigger.dep_ in ("dobj", "obj")
        }
        if protests:
            # "marched demanding reforms": the demand is what the protest says, one event;
            # whom it addresses is whom the protest is aimed at ("staged rallies to demand
            # reforms by the government")
            addressees: dict[int, Actor] = {}
            kept = []
            for c in out:
                node = _voiced_by_protest(c, protests)
                if node is None:
                    kept.append(c)
                elif c.target is not None and c.target.code:
                    addressees.setdefault(node, c.target)
            out = [self._protested(_aimed(c, addressees), actors) for c in kept]
        return out

    def _protested(self, cand: Candidate, actors: DocumentActors) -> Candidate:
        """A protest held "in protest against/of X" is aimed at X, or at whoever X
        belongs to ("in protest of the government's refusal")."""
        if cand.cameo[:2] != PROTEST_ROOT or (cand.target is not None and cand.target.code):
            return cand
        verbs = [cand.trigger, cand.trigger.head] if cand.noun else [cand.trigger]
        phrases = [
            obj
            for verb in verbs
            for prep in verb.children
            if prep.dep_ == "prep" and prep.lower_ == "in"
            for obj in prep.children
            if obj.dep_ == "pobj" and obj.lemma_.lower() == "protest"
        ]
        for phrase in phrases:
            topics = [_prep_object(phrase, p) for p in ("against", "of", "at", "over")]
            options: list[Token] = []
            for topic in topics:
                if topic is not None:
                    options.append(topic)
                    options += [c for c in topic.children if c.dep_ == "poss"]
                    agent = _prep_object(topic, "by")
                    options += [agent] if agent is not None else []
            for option in _nested(options):
                found = [a for a in _resolve_targets(_with_conjuncts(option), actors) if a.code]
                if found and (cand.source is None or found[0].start != cand.source.start):
                    return replace(cand, target=found[0])
        return cand

    # -- matching ------------------------------------------------------------------------

    def _match_verb(self, tok: Token, lemma: str) -> Pattern | None:
        patterns = self.lexicon.for_lemma(lemma, "VERB")
        if not patterns:
            return None
        known = {p.particle for p in patterns if p.particle}
        particle = next(
            (
                c.lower_
                for c in tok.children
                if c.dep_ == "prt"
                # an adverb counts as a particle only where the lexicon has that phrasal verb
                or (c.dep_ == "advmod" and c.lower_ in _ADVERB_PARTICLES and c.lower_ in known)
            ),
            None,
        )
        obj = _object(tok)
        preps = _preps(tok) | _preps(obj)
        objects: list[str | None] = [None]
        if obj is None:
            # "declined to comment": with no object, the infinitive is what is declined
            objects += [c.lemma_.lower() for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i]
            objects.append("@none")  # "rebels fought in Aleppo": used without an object
        if obj is not None:
            objects = [obj.lemma_.lower(), obj.lower_]
            objects += [c.lemma_.lower() for c in obj.children if c.dep_ in ("conj", "compound")]
            if _place_like(obj):
                objects.append("@place")
        for p in patterns:
            if any(p.accepts(particle=particle, obj=o, preps=preps) for o in objects):
                return p
        if lemma in PHONE_VERBS and particle is None and _phoned(tok, obj):
            return PHONE_PATTERN
        return None

    def _match_noun(self, tok: Token, lemma: str) -> Pattern | None:
        """For nouns, ``[..]`` constrains a modifier: ``N:strike [hunger]``."""
        patterns = self.lexicon.for_lemma(lemma, "NOUN")
        if not patterns and tok.lower_ != lemma:
            patterns = self.lexicon.for_lemma(tok.lower_, "NOUN")
        preps = _preps(tok)
        modifiers = {
            w
            for c in tok.lefts
            if c.dep_ in ("compound", "amod", "nmod")
            for w in (c.lemma_.lower(), c.lower_)
        }
        for p in patterns:
            if p.prep and p.prep not in preps:
                continue
            if p.objects and not (p.objects & modifiers):
                continue
            return p
        return None

    def _demand(self, tok: Token, pattern: Pattern, actors: DocumentActors) -> Candidate | None:
        """'X said that Y must do Z' is X demanding of Y (CAMEO 10)."""
        verb = tok
        while verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
            verb = verb.head
        speech = verb.head
        if verb.dep_ != "ccomp" or speech.lemma_.lower() not in REPORTING_VERBS:
            return None
        speakers = _resolve_all(_with_conjuncts(_subject(speech)), actors)
        addressees = _resolve_all(_with_conjuncts(_subject(tok)), actors)
        source = next((a for a in speakers if a.code), None)
        if source is None:
            return None
        target = next((a for a in addressees if a.code), None)
        return Candidate(tok, pattern, DEMAND_CODE, source, target, None, False)

    def _allegation(
        self, tok: Token, conflict_acts: set[int], actors: DocumentActors
    ) -> Candidate | None:
        """'X claimed/charged that Y attacked Z' is X accusing Y (CAMEO 112); the alleged
        act itself is not reported as done. A group claiming its own act ("claimed that
        they had attacked") is no accusation."""
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in ALLEGATION_HEADS or _object(tok):
            return None
        clause = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if clause is None or not any(t.i in conflict_acts for t in clause.subtree):
            return None
        accused = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if accused is None or accused.pos_ == "PRON":
            return None
        source = next(
            (a for a in _resolve_all(_with_conjuncts(_subject(tok)), actors) if a.code), None
        )
        target = next(
            (a for a in _resolve_targets(_with_conjuncts(accused), actors) if a.code), None
        )
        if source is None or target is None or target.start == source.start:
            return None
        rule = Pattern(
            ACCUSE_CODE, tok.lemma_.lower(), "VERB", None, frozenset(), None, "rule:allege"
        )
        return Candidate(tok, rule, ACCUSE_CODE, source, target, None, False)

    # -- arguments -----------------------------------------------------------------------

    def _verb_arguments(self, tok: Token, pattern: Pattern) -> tuple[list[Token], list[Token]]:
        """Source tokens, and target candidates in order of preference."""
        passive_subj = next((c for c in tok.children if c.dep_ in ("nsubjpass", "csubjpass")), None)
        if passive_subj is None and _reduced_passive(tok):
            passive_subj = tok.head  # "10 soldiers killed in Ukraine": the noun is the patient
        if passive_subj is not None:
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            agent_obj = _pobj(agent) if agent is not None else None
            return _with_conjuncts(agent_obj), [passive_subj]
        sources = _with_conjuncts(_subject(tok) or _stranded_subject(tok))
        obj = _object(tok)
        options: list[Token | None] = []
        if pattern.cameo[:2] in COMPLAINT_ROOTS:
            # "complained to the UN over Israeli raids": the target is who is complained
            # about; the addressee only when nobody is
            options += [_prep_object(tok, prep) for prep in ("over", "about", "against")]
        if pattern.prep:
            options += [_prep_object(tok, pattern.prep), _prep_object(obj, pattern.prep)]
        options.append(obj)
        options.append(_indirect_object(tok))  # "gave Putin a warning", "offered Iran talks"
        options += [_prep_object(tok, prep) for prep in TARGET_PREPS]
        options += [_prep_object(obj, prep) for prep in TARGET_PREPS]
        # "rejected calls by Belarus", "the withdrawal of Serbian forces from Bosnia" (whose
        # forces before where from), "an offer from Afghanistan", "suspended aid for Bosnia"
        options += [_prep_object(obj, prep) for prep in ("by", "of", "from", "for")]
        options.append(_prep_object(tok, "from"))  # "withdrew peacekeepers from Sinai"
        # "sent supplies and personnel such as doctors to Nepal": a goal the parser hung
        # deep inside the object
        options.append(_buried_goal(obj))
        # "mobilized troops for a war against Iraq", "hosted a dinner for X"
        options.append(_prep_object(tok, "for"))
        for child in tok.children:
            if child.dep_ == "xcomp" and child.pos_ == "VERB":
                # "threatened to cut off electricity to X": the plan's target
                options += self._verb_arguments(child, _NO_PATTERN)[1]
            elif child.dep_ == "ccomp" or child.i == getattr(_for_clause(tok), "i", -1):
                # "demanded that the US cancel ...", "called for Iran to stop": the addressee
                options.append(next((c for c in child.children if c.dep_ == "nsubj"), None))
        if pattern.cameo[:2] == THREAT_ROOT:
            # "threatened to walk out if the US goes ahead": who is to meet the condition
            options += _condition_subjects(tok)
        return sources, _nested([o for o in options if o is not None])

    def _noun_arguments(self, tok: Token, pattern: Pattern) -> tuple[list[Token], list[Token]]:
        source: Token | None = next((c for c in tok.children if c.dep_ == "poss"), None)
        if source is None:  # "US sanctions", "Syrian regime air strikes"
            # "a UN-brokered deal", "a US-backed offensive": who brokered or backed an act
            # did not do it (but "a US-led offensive" is led by the US)
            mods = [
                c
                for c in tok.lefts
                if c.dep_ in ("compound", "amod", "nmod")
                and (c.tag_ != "VBN" or c.lemma_ == "lead")
            ]
            source = next(
                (m for m in reversed(mods) if m.ent_type_ in _ACTOR_ENTS or _has_actor_ent(m)),
                None,
            )
        head = tok.head
        carrier = _carried_object(tok)  # "provided $5 million in aid": "aid" as the object
        if (
            source is None
            and carrier is not None
            and carrier.head.lemma_.lower() in PERFORMING_VERBS
        ):
            source = _subject(carrier.head)
        if source is None:  # "took part in peacekeeping operations", "responsible for killings"
            source = _participant(tok)
        if source is None:  # "an air strike by government forces"
            source = _prep_object(tok, "by")
        if source is not None and source.tag_ == "PRP$" and tok.dep_ in ("dobj", "obj"):
            # "X continued its attacks", "completed their withdrawal": the owner named by a
            # possessive pronoun on an object is the clause's subject
            source = _subject(head) or source
        if (
            source is None
            and tok.dep_ == "pobj"
            and head.lower_ in ("on", "during")
            and head.head.lemma_ in ("be", "go", "remain", "stay", "continue")
        ):
            source = _subject(head.head)
        preps = ((pattern.prep,) if pattern.prep else ()) + TARGET_PREPS + ("of", "for")
        options = [_prep_object(tok, prep) for prep in preps]
        if head.lemma_.lower() in PERFORMING_VERBS and tok.dep_ in ("dobj", "obj"):
            # "held talks with X", "provided donations to X": the verb carries the party
            options += [_prep_object(head, prep) for prep in TARGET_PREPS]
        options.append(_prep_object(tok, "between"))  # "a mediation effort between A and B"
        options += _clause_parties(tok)  # "a demand that X ...", "an effort to help X"
        return _with_conjuncts(source), _nested([o for o in options if o is not None])

    # -- modality ------------------------------------------------------------------------

    def _modality(self, tok: Token) -> str:
        """'fact', or why not: 'negated', 'refused' (negated future), 'hypothetical', 'obliged'."""
        node: Token | None = tok
        steps = 0
        while node is not None and steps < 6:
            kids = list(node.children)
            aux = _aux(node)
            if any(c.dep_ == "neg" for c in kids) or any(
                c.dep_ == "det" and c.lower_ == "no" for c in kids
            ):
                return "refused" if aux & FUTURE_AUX or node.lemma_ in REFUSAL_HEADS else "negated"
            if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in kids):
                return "hypothetical"
            if aux & OBLIGATION_AUX:
                return "obliged"
            if aux & HYPOTHETICAL_AUX:
                return "hypothetical"
            if node.i != tok.i and node.lemma_.lower() in DENIAL_HEADS and node.is_ancestor(tok):
                return "negated"
            if node.dep_ == "xcomp" and node.head.lemma_.lower() in UNREALISED_HEADS:
                return "embedded"  # "threatened to cut", "refused to lift", "urged X to attack"
            if (
                node.dep_ in ("xcomp", "ccomp")
                and node.head.lemma_.lower() in INTENT_HEADS
                and _other_subject(node)
            ):
                return "embedded"  # "Obama wants Putin to attack": Putin has not attacked
            if _charge(node) is not None:
                return "embedded"  # "accused Y of attacking", "jailed X for helping": alleged
            if (
                node.dep_ in ("acl", "ccomp")
                and node.head.pos_ == "NOUN"
                and any(c.dep_ == "mark" and c.lower_ == "that" for c in node.children)
            ):
                return "embedded"  # "demanded an admission that its forces murdered": content
            if node.dep_ == "relcl" and node.head.lemma_.lower() in DOCUMENT_NOUNS:
                return "embedded"  # "a resolution that aims to impose a blockade": what it says
            if (
                node.dep_ == "ccomp"
                and node.head.lemma_.lower() in ALLEGATION_HEADS
                and not any(c.dep_ == "nsubj" and c.pos_ == "PRON" for c in node.children)
            ):
                # "alleged that the army helped": the allegation is the act; "claimed that
                # they had attacked" is a group claiming its own act, which is reported
                return "embedded"
            if node.dep_ in ("ccomp", "acl") and node.head.lemma_.lower() in DEMAND_HEADS:
                return "embedded"  # "demanded that Israel ease restrictions": not done yet
            if (
                node.head.lemma_.lower() in DEMAND_HEADS | UNREALISED_HEADS
                and getattr(_for_clause(node.head), "i", -1) == node.i
            ):
                return "embedded"  # "pushed for Uganda to lift the ban": what is asked for
            if node.dep_ in ("xcomp", "dobj", "pobj", "prep", "pcomp", "acomp", "conj", "aux") or (
                node.dep_ in ("acl", "advcl")
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
            ):
                # a purpose shares its head's modality: "would not give permission to
                # Russia to help Israel", "no plan to attack"
                node = node.head if node.head.i != node.i else None
            elif node.dep_ == "ccomp" and node.i == tok.i:
                node = node.head
            else:
                node = None
            steps += 1
        return "fact"

    def _pending(self, tok: Token) -> bool:
        """An act "before"/"until" which something must or will happen has not happened:
        "must agree to changes before they demobilize", "vowed to fight until they take X"."""
        mark = next((c.lower_ for c in tok.children if c.dep_ == "mark"), None)
        if tok.dep_ != "advcl" or mark not in ("before", "until"):
            return False
        head = tok.head
        return self._modality(head) != "fact" or self._is_intent(head) == "plan"

    def _is_intent(self, tok: Token) -> str | None:
        """'plan' when the act is planned or future, 'purpose' for "to" clauses, else None."""
        node = tok
        for _ in range(4):
            if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in node.children):
                return "plan"
            if node.i != tok.i and tok.pos_ == "NOUN" and node.lemma_.lower() in INTENT_HEADS:
                return "plan"  # "agreed to talks", "plans new sanctions": not yet held
            if node.dep_ in ("xcomp", "acomp") and node.head.lemma_.lower() in INTENT_HEADS:
                return "plan"
            to_clause = any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
            if node.dep_ == "advcl" and to_clause:
                if node.head.lemma_.lower() in INTENT_HEADS:
                    return "plan"  # "have sworn to fight", parsed as an adverbial clause
                return "purpose"  # "arrived to discuss", "opened fire to disperse"
            if node.dep_ in ("xcomp", "acomp") or (
                node.dep_ in ("dobj", "pobj", "prep", "compound") and tok.pos_ == "NOUN"
            ):
                node = node.head
                continue
            break
        return None


# CAMEO 13 threat codes for a stated future act of material conflict.
_THREATS = {"162": "1311", "163": "1312", "161": "1313", "16": "131", "17": "137", "14": "133"}


def threat_code(cameo: str) -> str:
    """'X will impose sanctions on Y' is X threatening Y (CAMEO 13x)."""
    for prefix in (cameo[:3], cameo[:2]):
        if prefix in _THREATS:
            return _THREATS[prefix]
    return "138"  # military force: 15, 18, 19, 20


def _participant(noun: Token) -> Token | None:
    """The subject of a clause that says it took part in the event noun, or is to blame
    for it: "joined in the exercises", "took part in peacekeeping operations", "was
    responsible for the killings", "gathered for a protest". Not "claimed responsibility for": a claim (015)."""
    phrase = noun.head if noun.dep_ == "compound" else noun
    if phrase.dep_ != "pobj":
        return None
    prep, head = phrase.head, phrase.head.head
    if head.lemma_.lower() == "take" and any(c.lower_ == "part" for c in head.children):
        head = next(c for c in head.children if c.lower_ == "part")  # "took part in" on "took"
    if (prep.lower_, head.lemma_.lower()) not in PARTICIPATION:
        return None
    clause = head.head if head.pos_ in ("NOUN", "ADJ") else head  # "took part", "is responsible"
    return next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None) or (
        _subject(clause)
    )


def _background(noun: Token) -> bool:
    """An event noun inside a phrase of time or cause ("after ... fighting", "amid the
    unrest", "since the war"): the setting of the sentence's event, not one of its own."""
    node = noun
    for _ in range(4):
        if node.dep_ == "pobj" and node.head.lower_ in BACKGROUND_PREPS:
            return True
        if node.dep_ not in ("pobj", "prep", "compound", "conj"):
            return False
        node = node.head
    return False


def _within_event(noun: Token, noun_patterns: dict[int, Pattern]) -> bool:
    """An event noun that another event noun happens "in" or "during" is its setting."""
    prep = noun.head
    return (
        noun.dep_ == "pobj"
        and prep.lower_ in ("in", "during")
        and prep.head.i in noun_patterns
        and prep.head.i != noun.i
    )


def _topic(noun: Token, topics: set[int]) -> bool:
    """An event noun that a complaint or protest is about: "complained to the UN over
    two Israeli raids", "a hunger strike in protest of the government's refusal"."""
    phrase = noun.head if noun.dep_ == "compound" else noun
    if phrase.dep_ != "pobj" or phrase.head.lower_ not in TOPIC_PREPS:
        return False
    return phrase.head.head.i in topics and phrase.head.head.i != noun.i


def _voiced_by_protest(cand: Candidate, protests: set[int]) -> int | None:
    """The protest through which a demand or appeal is made: "demonstrated calling for
    independence", "staged rallies to demand reforms", "rioted, joining demonstrators in
    demanding a vote". The protest is the event; CAMEO codes it 14."""
    if cand.cameo[:2] not in VOICED_ROOTS or cand.noun:
        return None
    node = cand.trigger
    for _ in range(4):
        if node.dep_ not in ("advcl", "xcomp", "ccomp", "pcomp", "prep", "pobj", "acl", "dobj"):
            return None
        node = node.head
        if node.i in protests:
            return node.i
    return None


def _aimed(cand: Candidate, addressees: dict[int, Actor]) -> Candidate:
    """A protest without a party of its own is aimed at whom its demand addresses; that
    party is better than the place it was held ("blocked roads in Algiers demanding the
    president's return")."""
    if cand.cameo[:2] != PROTEST_ROOT:
        return cand
    if cand.target is not None and cand.target.code and cand.target.evidence != "place":
        return cand
    node = cand.trigger.i if cand.trigger.i in addressees else cand.trigger.head.i
    target = addressees.get(node)
    if target is None or (cand.source is not None and target.start == cand.source.start):
        return cand
    return replace(cand, target=target)


def _charge(clause: Token) -> Token | None:
    """The verb of accusing or punishing whose "of"/"for" clause ``clause`` is: "accused
    Y of attacking", "jailed X for helping". What is charged is alleged, not reported."""
    prep = clause.head
    if clause.dep_ == "advcl" and clause.tag_ == "VBG":
        # "accused the US of violating rights, ignoring the law": the list goes on, though
        # the parser hangs its next item on the verb
        verb = clause.head
        charged = any(
            p.lower_ in ("of", "for")
            and any(c.dep_ == "pcomp" and c.i < clause.i for c in p.children)
            for p in verb.children
        )
        return verb if charged and verb.lemma_.lower() in CHARGE_HEADS else None
    if clause.dep_ != "pcomp" or prep.lower_ not in ("of", "for"):
        return None
    verb = prep.head
    return verb if verb.lemma_.lower() in CHARGE_HEADS else None


def _carried_object(noun: Token) -> Token | None:
    """The verb's direct object that carries an event noun: the noun itself, or the
    amount or quantity it is measured in ("$5 million in aid", "a wave of strikes")."""
    if noun.dep_ in ("dobj", "obj"):
        return noun
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in ("in", "of"):
        return None
    amount = prep.head
    if amount.dep_ in ("dobj", "obj") and (
        amount.pos_ == "NUM"
        or amount.lemma_.lower() in QUANTITY_NOUNS
        or amount.ent_type_ in ("MONEY", "CARDINAL", "QUANTITY", "DATE", "TIME")
    ):
        return amount
    return None


def _has_actor_ent(tok: Token) -> bool:
    """A modifier phrase that contains a named actor ("Syrian regime")."""
    return any(c.ent_type_ in _ACTOR_ENTS for c in tok.lefts)


def _aux(tok: Token) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}


def _causes(
    matches: Sequence[tuple[Token, Pattern, bool]], verb_events: set[int]
) -> dict[int, int]:
    """Violence nouns that say how a passive act of violence was done, by index, with
    the verb's index: "were killed in an air strike", "was destroyed by shelling"."""
    out = {}
    for tok, pattern, noun in matches:
        if not noun or pattern.cameo[:2] not in VIOLENCE_ROOTS or tok.dep_ != "pobj":
            continue
        verb = tok.head.head
        if tok.head.lower_ in ("in", "by") and verb.i in verb_events and _is_passive(verb):
            out[tok.i] = verb.i
    return out


def _sharper(pattern: Pattern, verb: Token, noun_patterns: dict[int, Pattern]) -> Pattern:
    """'airstrikes killed', 'were killed in an air strike': the cause noun's code when it is
    a sharper code of the same root."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        subj = next(
            (
                p
                for prep in verb.children
                if prep.dep_ == "prep" and prep.lower_ in ("in", "by")
                for p in prep.children
                if p.dep_ == "pobj" and p.i in noun_patterns
            ),
            None,
        )
    found = noun_patterns.get(subj.i) if subj is not None else None
    if (
        found is not None
        and found.cameo[:2] == pattern.cameo[:2]
        and len(found.cameo) >= len(pattern.cameo)
        and found.cameo != pattern.cameo
    ):
        return found
    return pattern


def _troop_subject(verb: Token) -> Token | None:
    """The subject of a travel verb when it is a military unit ("troops arrived")."""
    subj = _subject(verb)
    if subj is not None and subj.lemma_.lower() in TROOP_NOUNS:
        return subj
    return None


def _peacekeeping(troops: Token) -> bool:
    return (
        any(c.lemma_.lower() in ("peacekeeping", "peacekeeper") for c in troops.subtree)
        or troops.lemma_.lower() == "peacekeeper"
    )


def _exercise(tok: Token) -> bool:
    """The event is a military exercise: the word itself or the verb's object."""
    obj = _object(tok) if tok.pos_ in ("VERB", "AUX") else None
    return any(t is not None and t.lemma_.lower() in EXERCISE_WORDS for t in (tok, obj))


def _joint(pattern: Pattern, verb: Token, noun_patterns: dict[int, Pattern]) -> Pattern:
    """'held joint exercises': a military posture (15) whose object noun the lexicon
    codes as military cooperation (06, "joint exercises") is that cooperation."""
    obj = _object(verb)
    found = noun_patterns.get(obj.i) if obj is not None else None
    if pattern.cameo[:2] == POSTURE_ROOT and found is not None and found.cameo[:2] == "06":
        return found
    return pattern


#: Prepositions whose object is a party to the act ("sanctions on <name>", "a dinner for
#: <name>"), not a place or setting ("at the Hotel", "in <name>").
PARTY_PREPS = frozenset("with against to by on upon for toward towards between".split())
#: Of these, those whose object may as well be a place ("an assault on <town>").
PLACE_PREPS = frozenset("on upon for toward towards".split())


def _named_party(option: Token, found: Sequence[Actor], cameo: str = "") -> bool:
    """A named person or group in an object or a party phrase (not "at the Hotel")."""
    if not any(a.name for a in found):
        return False
    if option.dep_ == "pobj" and option.head.lower_ not in PARTY_PREPS:
        return False
    if option.dep_ == "pobj" and option.head.lower_ in PLACE_PREPS:
        if _place_like(option):
            return False  # "sanctions on <region>": a place the gazetteer knows, no party
        if cameo[:2] in VIOLENCE_ROOTS and option.ent_type_ not in ("ORG", "NORP"):
            return False  # "an assault on <village>", often labelled a person: a place
    return option.ent_type_ in ("PERSON", "ORG", "NORP", "")


def _identified(actor: Actor | None) -> bool:
    """A coded actor, or a named one (a person or organisation the tables do not know)."""
    return actor is not None and bool(actor.code or actor.name)


def _impersonal(tok: Token, cameo: str) -> bool:
    """Violence by a weapon or unnamed agent ("a roadside bomb killed two soldiers")."""
    if cameo[:2] < "14" or tok.pos_ != "VERB":
        return False
    subj = _subject(tok)
    return subj is not None and subj.pos_ == "NOUN" and subj.ent_type_ not in _ACTOR_ENTS


def _same(a: Actor, b: Actor) -> bool:
    """One actor, not two sharing a phrase ("Nigerian and British forces": two codes)."""
    return a.start == b.start and a.code == b.code


def _set(tok: Token, noun: bool) -> bool:
    """A partner act that is scheduled: the verb itself ("will meet"), or the verb that
    carries the event noun ("will hold talks with")."""
    if not noun:
        return _scheduled(tok)
    return tok.dep_ in ("dobj", "obj") and _scheduled(tok.head)


def _scheduled(verb: Token) -> bool:
    """A future or scheduled act ("will meet", "is due to meet"), not a wish or attempt."""
    if _aux(verb) & FUTURE_AUX:
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in SCHEDULE_HEADS


def _has_event_xcomp(tok: Token, verb_events: set[int]) -> bool:
    return any(c.dep_ == "xcomp" and c.i in verb_events for c in tok.children)


def _is_passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or _reduced_passive(tok)


def _other_subject(clause: Token) -> bool:
    """The embedded clause has a performer of its own ("wants Putin to attack")."""
    head = clause.head
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children):
        return True
    return any(c.dep_ in ("dobj", "obj") and c.i < clause.i for c in head.children)


def _reduced_passive(tok: Token) -> bool:
    """A past participle on a noun, with no object of its own: "civilians killed in the
    raid", "there were 10 soldiers killed" (with an object it is an active verb the
    parser misread, see ``_subject``)."""
    return (
        tok.dep_ == "acl"
        and tok.tag_ == "VBN"
        and tok.head.pos_ in ("NOUN", "PROPN")
        and not any(c.dep_ in ("dobj", "obj") for c in tok.children)
    )


def _object(tok: Token) -> Token | None:
    """The direct object, looking through quantity nouns ("a series of airstrikes")."""
    obj = next((c for c in tok.children if c.dep_ in ("dobj", "obj", "attr")), None)
    if obj is None:
        # "called Lavrov to discuss": the parser reads the person as a predicate (oprd)
        obj = next((c for c in tok.children if c.dep_ == "oprd" and c.ent_type_ == "PERSON"), None)
    if obj is None:
        obj = _raised_object(tok)
    if obj is None:
        obj = _counted_object(tok)
    if obj is not None and (obj.lemma_.lower() in QUANTITY_NOUNS or obj.pos_ == "NUM"):
        # "a series of airstrikes", "executed 21 of its members"
        inner = _prep_object(obj, "of")
        if inner is not None:
            return inner
    return obj


def _indirect_object(verb: Token) -> Token | None:
    """The bare indirect object ("gave Putin a warning", "sent Ukraine shells"): the
    recipient, whom the act is aimed at. The parser labels it ``dative`` like the
    preposition of "gave a warning to Putin", which ``_prep_object`` reads instead."""
    return next((c for c in verb.children if c.dep_ == "dative" and c.pos_ != "ADP"), None)


def _counted_object(verb: Token) -> Token | None:
    """ "kidnapped up to 16 advisers": the parser makes "up" a particle and the counted
    object the object of its "to"."""
    for prt in verb.children:
        if prt.dep_ == "prt" and prt.lower_ == "up":
            obj = _prep_object(prt, "to")
            if obj is not None and any(c.dep_ == "nummod" for c in obj.children):
                return obj
    return None


def _place_actors(found: list[Actor], option: Token) -> list[Actor]:
    """An uncoded name that is a known place as the object of a verb that takes places
    ("captured Palmyra", tagged PERSON by the model) stands for its country."""
    if not found or any(a.code for a in found) or not _place_like(option):
        return found
    out = []
    for actor in found:
        best = load_gazetteer().largest(actor.text)
        if best is not None and best.country and actor.name is not None:
            actor = replace(
                actor, code=best.country, country=best.country, name=None, evidence="place"
            )
        out.append(actor)
    return out


def _struck_city(found: list[Actor], option: Token) -> list[Actor]:
    """A city that is shelled, bombed or attacked is a place, not the government its
    name can stand for ("shelled Kyiv", "struck Beirut's suburbs", "rockets hit the
    capital Juba"): its country."""
    gazetteer = load_gazetteer()
    entity = " ".join(t.text for t in _entity_tokens(option)) if option.pos_ == "PROPN" else ""

    def city(actor: Actor) -> bool:
        return any(
            c.kind == "city"
            for name in (actor.text, entity)
            if name
            for c in gazetteer.lookup(name)
        )

    return [
        replace(a, code=a.country, sector=None, evidence="place")
        if a.sector == "GOV" and a.country and a.evidence == "dictionary" and city(a)
        else a
        for a in found
    ]


def _place_like(tok: Token) -> bool:
    """A named place as object: a GPE/LOC/FAC name, a proper name the model gave no
    person, group or nationality label ("entered Quraytayn", tagged EVENT), or one the
    gazetteer knows as a place whatever the model says ("captured Palmyra", tagged PERSON)."""
    if tok.ent_type_ in ("GPE", "LOC", "FAC"):
        return True
    if tok.pos_ != "PROPN":
        return False
    if tok.ent_type_ not in ("PERSON", "ORG", "NORP"):
        return True
    name = " ".join(t.text for t in _entity_tokens(tok))
    return bool(load_gazetteer().lookup(name))


def _preps(tok: Token | None) -> set[str]:
    """The prepositions a pattern can ask for: those after the word, not time adverbials.

    "On Monday, X called Y" and "agreed on Tuesday to ..." have no "call on" / "agree on".
    """
    if tok is None:
        return set()
    out = {
        c.lower_
        for c in tok.children
        if c.dep_ in ("prep", "dative", "agent") and c.i > tok.i and not _temporal(c)
    }
    if _for_clause(tok) is not None:
        out.add("for")  # "called for Britain to stay" parsed as a clause marked "for"
    return out


def _for_clause(tok: Token) -> Token | None:
    """A clause after the word introduced by "for" ("called for X to do Y")."""
    return next(
        (
            c
            for c in tok.children
            if c.dep_ in ("advcl", "ccomp")
            and c.i > tok.i
            and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children)
        ),
        None,
    )


def _temporal(prep: Token) -> bool:
    obj = _pobj(prep)
    return obj is not None and obj.ent_type_ in ("DATE", "TIME")


def _pobj(prep: Token) -> Token | None:
    return next((c for c in prep.children if c.dep_ == "pobj"), None)


def _resolve_all(tokens: Sequence[Token], actors: DocumentActors) -> list[Actor]:
    return [a for t in tokens for a in actors.resolve_all(t)]


def _resolve_targets(tokens: Sequence[Token], actors: DocumentActors) -> list[Actor]:
    """Targets; a non-actor object stands for its owner ("praised Haiti's efforts")."""
    out = []
    for tok in tokens:
        found = actors.resolve_all(tok)  # "US and British forces": one actor per country
        if len(found) > 1:
            out.extend(found)
            continue
        actor = found[0] if found else None
        if actor is None or not actor.code:
            # "its closest ally the UK", "the organisation Glavkosmos": who it is
            named = [
                a
                for c in tok.children
                if c.dep_ == "appos" and c.ent_type_ in _ACTOR_ENTS
                for a in actors.resolve_all(c)
                if a.code
            ]
            if named:
                out.append(named[0])
                continue
            # "valued partners like Saudi Arabia", "countries including Egypt": the
            # parties named as its members
            members = [
                a
                for m in _examples(tok)
                for a in _resolve_targets(_with_conjuncts(m), actors)
                if a.code
            ]
            if members:
                out.extend(members)
                continue
        if (actor is None or not actor.code) and tok.lemma_.lower() not in OWNED_PARTIES:
            owner = next(
                (
                    c
                    for c in tok.children
                    if c.dep_ == "poss"
                    or (
                        c.dep_ in ("compound", "amod", "nmod")
                        and c.ent_type_ in _ACTOR_ENTS
                        and not _city_modifier(c)
                    )
                ),
                None,
            )
            if owner is None:
                owner = _state_of(tok)
            owned = [a for o in _owners(owner) if (a := actors.resolve(o)) and a.code]
            if len(owned) > 1:  # "the Iraqi and Turkish demands": each country's
                out.extend(owned)
                continue
            if owned:
                actor = owned[0]
        if actor is not None:
            out.append(actor)
    return out


def _buried_goal(obj: Token | None) -> Token | None:
    """A named "to" goal at the end of the object phrase, attached to a word inside it."""
    if obj is None:
        return None
    for tok in obj.subtree:
        if tok.i > obj.i and tok.dep_ == "prep" and tok.lower_ == "to" and tok.head.i != obj.i:
            goal = _pobj(tok)
            if goal is not None and goal.ent_type_ in _ACTOR_ENTS and goal.i == obj.right_edge.i:
                return goal
    return None


def _examples(tok: Token) -> list[Token]:
    """The named members of a plural group noun: "partners like X", "countries such as X",
    "groups including X"."""
    if tok.tag_ not in ("NNS", "NNPS"):
        return []
    out = []
    for prep in tok.children:
        if prep.dep_ != "prep" or prep.i < tok.i:
            continue
        word = prep.lower_
        if word == "as" and prep.i > 0 and tok.doc[prep.i - 1].lower_ == "such":
            word = "such as"
        if word in ("like", "including", "such as"):
            obj = _pobj(prep)
            if obj is not None and obj.ent_type_ in _ACTOR_ENTS:
                out.append(obj)
    return out


#: Nouns that stand for a state named in their "of" phrase ("the island nation of X").
STATE_NOUNS = frozenset("nation country state republic kingdom island emirate".split())


def _state_of(tok: Token) -> Token | None:
    """The named country of "the South Pacific island nation of X"."""
    if tok.lemma_.lower() not in STATE_NOUNS:
        return None
    inner = _prep_object(tok, "of")
    return inner if inner is not None and inner.ent_type_ == "GPE" else None


def _owners(owner: Token | None) -> list[Token]:
    """An owner and the owners coordinated with it ("the Iraqi and Turkish demands",
    "Iraq and Turkey's demands")."""
    if owner is None:
        return []
    out = [owner]
    stack = [c for c in owner.children if c.dep_ == "conj"]
    while stack:
        conj = stack.pop()
        if conj.ent_type_ in _ACTOR_ENTS:
            out.append(conj)
            stack.extend(c for c in conj.children if c.dep_ == "conj")
    return sorted(out, key=lambda t: t.i)


def _city_modifier(tok: Token) -> bool:
    """A capital as a modifier ("a Mogadishu hotel", "a Baghdad market") says where the
    thing is, not whose it is: the government of the capital is not its owner."""
    return load_actor_tables().metonym(tok.text) is not None


def _prep_object(tok: Token | None, prep: str) -> Token | None:
    """The object of the word's ``prep`` phrase, passing over time phrases ("called on
    Tuesday on X to ...": X) and help given ("with the help of X", "with X's support"),
    which name when and with whose help, not whom the act is aimed at."""
    if tok is None:
        return None
    for child in tok.children:
        if child.dep_ in ("prep", "dative") and child.lower_ == prep and not _time_phrase(child):
            obj = _pobj(child) or _dangling_object(child)
            if obj is not None and not (prep == "with" and obj.lemma_.lower() in HELP_NOUNS):
                return obj
    return None


def _raised_object(verb: Token) -> Token | None:
    """'will meet Korean officials to strengthen ...' parsed with "officials" as the
    subject of "strengthen": the noun phrase right after the verb is its object."""
    if verb.i + 1 >= verb.sent.end:
        return None
    for child in verb.children:
        if child.dep_ in ("advcl", "xcomp", "ccomp") and child.i > verb.i:
            subj = next((c for c in child.children if c.dep_ == "nsubj"), None)
            if (
                subj is not None
                and subj.left_edge.i == verb.i + 1
                and subj.pos_ in ("NOUN", "PROPN")
                and not any(c.dep_ == "mark" for c in child.children)
            ):
                return subj
    return None


def _time_phrase(prep: Token) -> bool:
    """A phrase of time only ("on Tuesday"), not a name the parser ran into a date
    ("with Syrian President Bashar Assad Tuesday")."""
    obj = _pobj(prep)
    if obj is None or obj.ent_type_ not in ("DATE", "TIME"):
        return False
    return not any(t.ent_type_ in _ACTOR_ENTS for t in obj.subtree)


def _dangling_object(prep: Token) -> Token | None:
    """A preposition the parser left without its object ("granted asylum to | five
    officers holed up ..." parsed as a new clause): the noun phrase right after it."""
    if any(True for _ in prep.children) or prep.i + 1 >= prep.sent.end:
        return None
    for tok in prep.doc[prep.i + 1 : min(prep.sent.end, prep.i + 8)]:
        if tok.pos_ in ("NOUN", "PROPN") and tok.left_edge.i == prep.i + 1:
            return tok
    return None


def _participle_subject(subj: Token) -> Token:
    """ "The Red Cross operating in Iraq said": the parser can make the participle the
    subject, with the name as its own subject; the name is the performer."""
    if subj.tag_ == "VBG":
        inner = next((c for c in subj.children if c.dep_ == "nsubj"), None)
        if inner is not None and inner.pos_ in ("NOUN", "PROPN") and inner.i < subj.i:
            return inner
    return subj


def _subject(tok: Token) -> Token | None:
    """The performer: own subject, else the controller up the clause chain."""
    node = tok
    for _ in range(6):
        subj = next((c for c in node.children if c.dep_ in ("nsubj", "csubj")), None)
        if subj is not None:
            return _participle_subject(subj)
        if node.dep_ in ("xcomp", "acomp") and node.head.i != node.i:
            obj = _object(node.head)
            if (
                obj is not None
                and node.dep_ == "xcomp"
                and obj.i < node.i
                and node.head.lemma_.lower() in OBJECT_CONTROL
            ):
                return obj  # object control: "prompted Kim to order"
            node = node.head
        elif node.dep_ in ("conj", "advcl", "pcomp", "prep") and node.head.i != node.i:
            node = node.head
        elif node.dep_ == "relcl":
            return node.head
        elif node.dep_ == "acl" and node.head.dep_ in ("dobj", "obj") and node.tag_ == "VBG":
            node = node.head.head  # "issued a declaration demanding ...": the issuer
        elif (
            node.dep_ == "acl"
            and node.tag_ == "VBD"
            or (
                node.dep_ == "acl"
                and node.tag_ == "VBN"
                and (
                    any(c.dep_ in ("dobj", "obj") for c in node.children)
                    or any(_active_conj(c) for c in node.children)
                )
            )
        ):
            # "A bomb killed 20 pilgrims" parsed as a reduced relative ("a bomb [that was]
            # killed"): a participle with its own object is the active verb of its noun
            return node.head
        else:
            return None
    return None


def _active_conj(tok: Token) -> bool:
    """A coordinated verb that is plainly active ("donated and delivered aid"): a finite
    past form or one with its own object, so the participle it joins is active too."""
    return (
        tok.dep_ == "conj"
        and tok.pos_ == "VERB"
        and (tok.tag_ == "VBD" or any(c.dep_ in ("dobj", "obj") for c in tok.children))
    )


def _entity_tokens(tok: Token) -> list[Token]:
    """The tokens of the named entity ``tok`` is in (just ``tok`` outside entities)."""
    if tok.ent_iob_ == "O":
        return [tok]
    doc, start, end = tok.doc, tok.i, tok.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return list(doc[start:end])


def _stranded_subject(verb: Token) -> Token | None:
    """A root verb the parser left without a subject: the noun right before it.

    The small model sometimes attaches the real subject elsewhere ("..., the Army's
    brigade and Hezbollah captured ..." parsed as an apposition); only a named actor
    directly before the verb is taken, never a common noun."""
    if verb.dep_ != "ROOT" or verb.i == verb.sent.start:
        return None
    prev = verb.doc[verb.i - 1]
    while prev.pos_ in ("ADV", "AUX", "PART") and prev.i > verb.sent.start:
        prev = verb.doc[prev.i - 1]
    if prev.pos_ == "PROPN" and prev.ent_type_ in _ACTOR_ENTS:
        return prev
    return None


def _target_conjuncts(tok: Token) -> list[Token]:
    """A target with its conjuncts, also those the parser hung on its apposition ("the
    space agency Glavkosmos and the Indian space agency": "and" after the name)."""
    out = _with_conjuncts(tok)
    seen = {t.i for t in out}
    for appos in (c for c in tok.children if c.dep_ == "appos"):
        out += [t for t in _with_conjuncts(appos)[1:] if t.i not in seen and t.i > appos.i]
    return sorted(out, key=lambda t: t.i)


def _with_conjuncts(tok: Token | None) -> list[Token]:
    if tok is None:
        return []
    out = [tok]
    # conjuncts may hang on any token of a multi-word name ("Barack Obama and Vladimir Putin")
    stack = [c for t in _entity_tokens(tok) for c in t.children if c.dep_ == "conj"]
    # "The US, Russia, and Switzerland met": a list the parser read as an apposition
    stack += [
        c
        for c in tok.children
        if c.dep_ == "appos"
        and c.ent_type_ == tok.ent_type_ in ("GPE", "ORG")
        and any(g.dep_ == "conj" for g in c.children)
    ]
    while stack:
        conj = stack.pop()
        if conj.pos_ in ("NOUN", "PROPN", "PRON"):
            out.append(conj)
            stack.extend(c for c in conj.children if c.dep_ == "conj")
    return sorted(out, key=lambda t: t.i)


def event_date(
    trigger: Token,
    published: dt.date,
    context: EventDate | None,
    *,
    intent: str | None = None,
) -> EventDate:
    """The event's own date; a past-tense event without one inherits the narrative's.

    A stated plan ("announced on July 6 that he will meet ...") is coded as an
    expression of intent, which happened when it was stated: it takes the date of
    the reporting verb when that verb has one."""
    own = resolve_date(trigger, published)
    if intent == "plan" and own.precision == "publication":
        speech = reporting_verb(trigger)
        if speech is not None:
            said = resolve_date(speech, published)
            if said.precision != "publication":
                return said
    if own.precision != "publication" or context is None:
        return own
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else trigger.head
    past = verb.tag_ in ("VBD", "VBN") and not any(
        c.lower_ in ("has", "have", "'ve", "’ve") for c in verb.children if c.dep_ == "aux"
    )
    if past:
        return EventDate(context.date, context.precision, context.text)
    return own


def _phoned(verb: Token, obj: Token | None) -> bool:
    """'called Lavrov', 'called Erdogan to discuss': a person (or a name with a purpose
    clause) as the only object. "called X a liar" (a second object) is no call."""
    if obj is None or obj.dep_ not in ("dobj", "oprd") or obj.i < verb.i:
        return False
    if any(c.dep_ in ("oprd", "attr", "acomp") and c.i != obj.i for c in verb.children):
        return False
    if any(c.dep_ in ("oprd", "appos", "attr") and c.pos_ == "NOUN" for c in obj.children):
        return False
    if obj.ent_type_ == "PERSON" or any(
        c.ent_type_ == "PERSON" for c in obj.children if c.dep_ == "compound"
    ):
        return True
    purpose = any(
        c.dep_ in ("xcomp", "advcl")
        and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        for c in verb.children
    )
    return obj.pos_ == "PROPN" and purpose and obj.ent_type_ not in ("DATE", "TIME", "MONEY")


#: Releasing or returning people (084): those released are the target ("will not
#: release the soldiers"), not a group moved.
RELEASE_CODE = "084"


def _theme(option: Token, found: Sequence[Actor], trigger: Token, cameo: str) -> bool:
    """A moved group with no country or name of its own ("troops", "its forces",
    "peacekeepers", "refugees") as the direct object of a verb or the "of" object of an
    event noun of giving, sending, posture or withdrawal: the thing moved, not the party
    it goes to or comes from. Not for coercion and assault, whose object is the victim."""
    if cameo[:2] in THEME_BLIND_ROOTS or cameo.startswith(RELEASE_CODE):
        return False
    if any(a.country or a.name or a.sector not in THEME_SECTORS for a in found):
        return False
    if option.dep_ in ("dobj", "obj") and option.head.i == trigger.i:
        return True
    return option.dep_ == "pobj" and option.head.lower_ == "of" and option.head.head.i == trigger.i


def _condition_subjects(verb: Token) -> list[Token]:
    """Subjects of "if"/"unless" clauses on a verb or on the act it embeds."""
    clauses = [verb] + [c for c in verb.children if c.dep_ == "xcomp"]
    return [
        subj
        for clause in clauses
        for adv in clause.children
        if adv.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in adv.children)
        for subj in adv.children
        if subj.dep_ in ("nsubj", "nsubjpass")
    ]


def _place_target(
    tok: Token, noun: bool, actors: DocumentActors, home: set[str] | None = None
) -> list[Actor]:
    """A named country or city after "in" on the event word, its object, or the act it
    plans or refuses ("threatened to resume attacks in Israel")."""
    # "agreed to a ceasefire in Yemen": the act the verb takes through "to"
    heads = [tok] if noun else [_object(tok), tok, _prep_object(tok, "to")]
    if not noun:
        acts = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
        heads += [h for act in acts for h in (_object(act), act)]
    elif tok.dep_ == "pobj" and tok.head.head.pos_ in ("VERB", "AUX"):
        heads.append(tok.head.head)  # "remained on alert in Paris", "went on strike in X"
    for head in heads:
        if head is None:
            continue
        place = next(
            (p for p in (_prep_object(head, prep) for prep in AREA_PREPS) if p is not None),
            None,
        )
        place = _named_area(place)
        if place is None:
            continue
        found = [a for a in _resolve_targets(_with_conjuncts(place), actors) if a.code]
        if not found:  # "exercises in Alaska": a region or city the gazetteer knows
            # (not the performer's own country: "drills in Tibet" by China aim at no one)
            found = [a for a in _gazetteer_country(place) if a.country not in (home or ())]
        if found:
            # a place, not its government: "in Beijing" is China, not CHNGOV
            return [
                replace(a, code=a.country, sector=None, evidence="place") if a.country else a
                for a in found
            ]
    return []


#: Prepositions of the area an act covers ("a curfew throughout Darfur").
AREA_PREPS = ("in", "throughout", "across")


def _named_area(place: Token | None) -> Token | None:
    """The named place of an area phrase: the name itself, or the one a common noun
    says it is part of ("the northern province of X", "parts of X", "X's border region")."""
    if place is None or place.ent_type_ in ("GPE", "LOC"):
        return place
    if place.pos_ != "NOUN":
        return None
    inner = _prep_object(place, "of") or next((c for c in place.children if c.dep_ == "poss"), None)
    if inner is not None and inner.pos_ == "NOUN":  # "parts of the province of X"
        inner = _prep_object(inner, "of")
    return inner if inner is not None and inner.ent_type_ in ("GPE", "LOC") else None


def _gazetteer_country(place: Token) -> list[Actor]:
    """The country of a named place the actor tables do not know, as an actor."""
    tokens = _entity_tokens(place)
    name = " ".join(t.text for t in tokens)
    best = load_gazetteer().largest(name)
    if best is None or not best.country:
        return []
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return [
        Actor(name, code=best.country, country=best.country, start=start, end=end, evidence="place")
    ]


#: What one lends to another's act: "with the help of X", "with X's backing".
HELP_NOUNS = frozenset("help support backing assistance aid cooperation consent blessing".split())
NESTED_PREPS = ("against", "on", "with", "to", "between", "into")
#: Things put to a party, whose "from"/"by" object is who put them.
PROPOSAL_NOUNS = frozenset(
    "offer proposal demand request invitation call plan appeal ultimatum initiative "
    "overture bid".split()
)
#: Charges put about a party, whose "by"/"from" object is who made them ("denied
#: accusations by X"); unlike a proposal, their clause names the accused, no party.
CHARGE_NOUNS = frozenset("accusation charge allegation claim criticism suggestion".split())
#: Breaking away from a state ("calling for independence from Iraq").
SEPARATION_NOUNS = frozenset("independence secession autonomy separation".split())


def _clause_parties(noun: Token) -> list[Token]:
    """The parties of a clause that says what a noun is for or asks: the subject of "the
    demand that X ease sanctions" (whom it is put to), or the object and the partners of
    "an invitation to meet with X", "an effort to resolve the rift between X and Y"."""
    out: list[Token | None] = []
    for clause in noun.children:
        if clause.dep_ != "acl" or clause.pos_ not in ("VERB", "AUX") or clause.i < noun.i:
            continue
        subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            out.append(subj)
            continue
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children):
            continue
        # "an effort to try to prevent a confrontation between X and Y": down the chain
        for _ in range(3):
            obj = _object(clause)
            out.append(obj)
            out += [_prep_object(clause, prep) for prep in TARGET_PREPS]
            out.append(_prep_object(obj, "between"))
            clause = next((c for c in clause.children if c.dep_ == "xcomp"), None)
            if clause is None:
                break
    return [t for t in out if t is not None]


def _nested(options: list[Token]) -> list[Token]:
    """After every direct argument, the parties inside the common nouns among them:
    "called for sanctions against X", "mobilized troops for a war against Y",
    "reneged on an accord with Z". Tried last, so a named argument still wins."""
    seen = {o.i for o in options}
    extra = []
    for option in options:
        if option.pos_ != "NOUN" or option.ent_type_ in _ACTOR_ENTS:
            continue
        inners = [_prep_object(option, prep) for prep in NESTED_PREPS]
        lemma = option.lemma_.lower()
        if lemma in PROPOSAL_NOUNS or lemma in CHARGE_NOUNS:
            # "rejected a demand from the US President", "denied charges by X": whose
            # proposal or charge it was
            inners += [_prep_object(option, "from"), _prep_object(option, "by")]
        elif lemma in SEPARATION_NOUNS:
            inners.append(_prep_object(option, "from"))  # "independence from Iraq"
        if lemma in PROPOSAL_NOUNS:
            # "accepted an invitation to meet with X", "its demand that X ease sanctions"
            inners += _clause_parties(option)
        for part in option.children:
            if part.dep_ == "acl" and part.tag_ == "VBN":
                # "lifted sanctions imposed on X", "rejected a proposal submitted by Y": the
                # party the thing was aimed at, else the one who made it
                inners += [_prep_object(part, prep) for prep in ("on", "against", "to")]
                agent = next((c for c in part.children if c.dep_ == "agent"), None)
                inners.append(_pobj(agent) if agent is not None else None)
        for inner in inners:
            if inner is not None and inner.i not in seen:
                seen.add(inner.i)
                extra.append(inner)
    return options + extra
