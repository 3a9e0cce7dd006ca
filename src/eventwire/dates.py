"""Each event's own date, from the time expression that governs it.

GDELT and PETRARCH date every event to its story's publication date. Here a
time expression (a spaCy DATE/TIME entity, or a weekday, month or relative
phrase the small model missed) dates an event only when the dependency parse
attaches it to the event's clause; otherwise the publication date is used with
precision ``"publication"``. The rules are documented in docs/dates.md.

The text-only half (``classify_expression``, ``resolve_expression``) needs no
model and is cached per (expression, publication date, tense), so repeated
phrases such as "on Monday" cost one dateparser call per article date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

import dateparser
from spacy.tokens import Doc, Span, Token

from eventwire.models import EventDate

Unit = Literal["day", "week", "month", "year"]
Tense = Literal["past", "future", "neutral"]

MIN_YEAR, MAX_YEAR = 1900, 2100
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_DAY_WORDS = {"yesterday", "today", "tomorrow", "tonight"}
_PART_OF_DAY = {"morning", "afternoon", "evening", "night", "overnight", "midday", "noon"}
_UNIT_WORDS: dict[str, Unit] = {
    "day": "day",
    "days": "day",
    "hour": "day",
    "hours": "day",
    "minute": "day",
    "minutes": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}
_DECKS = {"last", "this", "next", "coming", "previous"}
_FUTURE_WORDS = {"next", "coming", "upcoming", "tomorrow", "later"}
_PAST_WORDS = {"last", "ago", "yesterday", "past", "previous", "earlier"}
# Words dropped before parsing: they qualify but do not move the date.
_FILLERS = {
    "on",
    "in",
    "during",
    "since",
    "at",
    "of",
    "the",
    "early",
    "late",
    "mid",
    "earlier",
    "later",
    "coming",
    "upcoming",
    "previous",
    "and",
}
_YEAR_RE = re.compile(r"^(1[89]\d\d|2[01]\d\d)$")
_ISO_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
_DAY_NUM_RE = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")

# Every word that can start or anchor a time expression; a sentence with none
# of them (and no DATE/TIME entity) skips all date work.
TIME_WORDS = frozenset(
    {w for w in set(WEEKDAYS) | set(MONTHS) if len(w) > 3}
    | _DAY_WORDS
    | {"ago", "week", "month", "year"}
)

# Prepositions through which a time expression dates its head. Others ("before
# Monday", "by Friday", "for two weeks", "until 2021") bound or measure the
# event instead of dating it.
GOVERNING_PREPS = frozenset(
    {"on", "in", "during", "since", "at", "of", "over", "throughout", "within", "as"}
)
_NON_GOVERNING_PREPS = frozenset(
    {"before", "after", "until", "till", "by", "from", "to", "for", "through", "between"}
)
# A clause or noun linked by these happens before/after its anchor, not at it.
RELATIVE_LINKS = frozenset({"after", "before", "following", "prior", "ahead"})
# Subordinate clauses that share their head's time.
_SIMULTANEOUS_MARKS = frozenset({"when", "while", "as", "once", "whilst"})
# "would" in reported speech ("said he would travel on Wednesday") looks forward too.
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "would"})
_VERB_POS = frozenset({"VERB", "AUX"})


@dataclass(frozen=True)
class ExprInfo:
    """What a time expression's words say, before any calendar arithmetic."""

    clean: str  # the text handed to dateparser
    unit: Unit
    direction: Literal["past", "future"] | None  # None: the tense decides
    weekday: int | None = None  # a bare weekday, resolved inclusively
    absolute: bool = False  # names its year: no past/future guessing needed


@dataclass(frozen=True)
class TimeExpr:
    """A time expression in a sentence and where the parse attaches it."""

    span: Span
    governor: Token  # the token it modifies (the head of its preposition, if any)
    clause: Token  # the nearest verb at or above ``governor``
    relation: str  # the preposition it hangs from ("on", "in"), or its dep label
    # A bounding preposition between ``governor`` and ``clause`` ("after the
    # talks on Monday"): the expression dates the noun, not the clause verb.
    via: str | None = None

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def governs(self) -> bool:
        """False for expressions that bound or measure ("before Monday", "by Friday")."""
        return self.relation not in _NON_GOVERNING_PREPS

    @property
    def governs_clause(self) -> bool:
        """True when the expression dates its clause verb, not just a noun under it."""
        return self.governs and self.via is None


def _words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("'s", " ")
    text = re.sub(r"(?<=[a-z])-(?=\d)|(?<=mid)-", " ", text)  # "mid-2019" -> "mid 2019"
    return [w.strip(",.;:()\"'") for w in text.split() if w.strip(",.;:()\"'")]


@functools.lru_cache(maxsize=8192)
def classify_expression(text: str) -> ExprInfo | None:
    """Unit, direction and parser text of a time expression; None if it names no point in time.

    Durations ("three years"), decades ("the 1990s") and referential phrases
    ("that day", "the weekend") return None: they cannot be placed on a calendar
    from the publication date alone.
    """
    words = _words(text)
    if not words:
        return None
    direction: Literal["past", "future"] | None = None
    if any(w in _FUTURE_WORDS for w in words):
        direction = "future"
    elif any(w in _PAST_WORDS for w in words):
        direction = "past"

    if "ago" in words:
        i = words.index("ago")
        if i == 0 or words[i - 1] not in _UNIT_WORDS:
            return None
        unit = _UNIT_WORDS[words[i - 1]]
        amount = words[i - 2] if i >= 2 else "a"
        clean = f"{amount} {words[i - 1]} ago"
        # "two weeks ago" names a day (publication minus 14 days).
        return ExprInfo(clean, "day" if unit in ("day", "week") else unit, "past")

    if "night" in words and "last" in words and not any(w in WEEKDAYS for w in words):
        return ExprInfo("yesterday", "day", "past")
    day_word = next((w for w in words if w in _DAY_WORDS), None)
    if day_word is not None:
        return ExprInfo("today" if day_word == "tonight" else day_word, "day", direction)
    if "this" in words and any(w in _PART_OF_DAY for w in words):
        return ExprInfo("today", "day", direction)

    for w in words:
        if _ISO_DAY_RE.match(w):
            return ExprInfo(w, "day", None, absolute=True)
        if _ISO_MONTH_RE.match(w):
            return ExprInfo(w, "month", None, absolute=True)

    month = next((w for w in words if w in MONTHS), None)
    years = [w for w in words if _YEAR_RE.match(w)]
    if month is not None:
        if any((m := _DAY_NUM_RE.match(w)) and int(m[1]) > 31 for w in words):
            return None  # "March 45th": malformed, not a month
        days = [
            w for w in words if _DAY_NUM_RE.match(w) and 1 <= int(_DAY_NUM_RE.match(w)[1]) <= 31
        ]
        parts = [month] + [_DAY_NUM_RE.match(d)[1] for d in days[:1]] + years[:1]
        unit: Unit = "day" if days else "month"
        return ExprInfo(" ".join(parts), unit, None if years else direction, absolute=bool(years))
    weekday = next((w for w in words if w in WEEKDAYS), None)
    if weekday is not None:
        return ExprInfo(weekday, "day", direction, WEEKDAYS[weekday])

    if years:
        if any(w.endswith("s") and w[:-1].isdigit() for w in words):
            return None  # "the 1990s"
        return ExprInfo(years[0], "year", None, absolute=True)

    for i, w in enumerate(words[:-1]):
        nxt = words[i + 1]
        if w in _DECKS and nxt in ("week", "month", "year"):
            deck = {"previous": "last", "coming": "next"}.get(w, w)
            return ExprInfo(f"{deck} {nxt}", _UNIT_WORDS[nxt], direction)
    return None


def _parse_settings(published: dt.date, prefer: str) -> dict[str, object]:
    return {
        "RELATIVE_BASE": dt.datetime(published.year, published.month, published.day, 12),
        "PREFER_DATES_FROM": prefer,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }


@functools.lru_cache(maxsize=16384)
def parse_cached(clean: str, published: dt.date, prefer: str) -> dt.date | None:
    """dateparser.parse, cached per (text, publication date, direction)."""
    try:
        parsed = dateparser.parse(
            clean, languages=["en"], settings=_parse_settings(published, prefer)
        )
    except Exception:  # dateparser raises assorted errors on odd input; treat as unparseable
        return None
    return parsed.date() if parsed is not None else None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def interval_to_date(lo: dt.date, hi: dt.date) -> tuple[str, str]:
    """The finest of day/month/year that holds every day of [lo, hi].

    An interval spanning two years (a week around New Year) is dated to the
    year of its midpoint.
    """
    if lo == hi:
        return lo.isoformat(), "day"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.year:04d}-{lo.month:02d}", "month"
    if lo.year == hi.year:
        return f"{lo.year:04d}", "year"
    mid = lo + (hi - lo) / 2
    return f"{mid.year:04d}", "year"


@functools.lru_cache(maxsize=16384)
def resolve_expression(text: str, published: dt.date, tense: Tense = "past") -> EventDate | None:
    """Date a time expression relative to the publication date; None if it cannot be.

    ``tense`` is the governing verb's: a past-tense event is never dated after
    ``published``; a future one prefers dates ahead of it.
    """
    info = classify_expression(text)
    if info is None:
        return None
    direction = info.direction or ("future" if tense == "future" else "past")
    if info.weekday is not None and info.direction is None and published.weekday() == info.weekday:
        day: dt.date | None = published  # "on Monday" in a Monday story means that day
    else:
        day = parse_cached(info.clean, published, direction)
    if day is None or not (MIN_YEAR <= day.year <= MAX_YEAR):
        return None
    if info.unit == "day":
        lo = hi = day
    elif info.unit == "week":
        lo = day - dt.timedelta(days=day.weekday())
        hi = lo + dt.timedelta(days=6)
    elif info.unit == "month":
        lo, hi = day.replace(day=1), _month_end(day.year, day.month)
    else:
        lo, hi = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if info.absolute:
        if tense == "past":
            if lo > published:
                return None  # a past event is never dated after publication
            hi = min(hi, published)
    elif direction == "future":
        if tense == "past" or hi < published:
            return None  # a past event is never dated after publication
        lo = max(lo, published)
    else:
        if lo > published:
            return None
        hi = min(hi, published)
    date, precision = interval_to_date(lo, hi)
    return EventDate(date=date, precision=precision, text=text)


def coarsen_to_month(date: EventDate) -> EventDate:
    """Month precision for events placed relative to an anchor ("days after ...")."""
    if date.precision != "day":
        return date
    return EventDate(date=date.date[:7], precision="month", text=date.text)


def publication_date(published: dt.date) -> EventDate:
    return EventDate(date=published.isoformat(), precision="publication", text=None)


# ---------------------------------------------------------------- the parse


def has_time_words(sent: Span) -> bool:
    """Cheap gate: does the sentence hold anything that could be a time expression?"""
    for tok in sent:
        if tok.ent_type_ in ("DATE", "TIME") or tok.lower_ in TIME_WORDS:
            return True
        if tok.text == "May" and tok.tag_ == "NNP":
            return True
        if tok.like_num and _YEAR_RE.match(tok.text):
            return True
    return False


def clause_verb(tok: Token) -> Token:
    """The nearest verb at or above ``tok`` (``tok``'s sentence root if none)."""
    while tok.pos_ not in _VERB_POS and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _via(governor: Token, clause: Token) -> str | None:
    tok = governor
    while tok.i != clause.i and tok.head.i != tok.i:
        if tok.dep_ == "prep" and tok.lower_ in _NON_GOVERNING_PREPS | RELATIVE_LINKS:
            return tok.lower_
        tok = tok.head
    return None


def _trim(span: Span) -> Span | None:
    """Cut a DATE entity that swallowed a verb ("last month came days") at the verb.

    Trailing conjunctions and punctuation go too.
    """
    end = span.end
    for tok in span:
        if tok.pos_ in _VERB_POS:
            end = tok.i
            break
    while end > span.start and span.doc[end - 1].dep_ in ("cc", "punct"):
        end -= 1  # "late January and" -> "late January"
    return span.doc[span.start : end] if end > span.start else None


def _attachment(span: Span) -> tuple[Token, str]:
    root = span.root
    head = root.head
    if root.dep_ == "pobj" and head.dep_ in ("prep", "agent", "dative") and head.head.i != head.i:
        return head.head, head.lower_
    if head.i == root.i:
        return root, root.dep_
    return head, root.dep_


def _lexical_spans(sent: Span) -> list[Span]:
    """Weekday, month, year and relative phrases the small model often leaves unlabelled."""
    doc = sent.doc
    spans: list[Span] = []
    n = sent.end
    for tok in sent:
        if tok.ent_type_ not in ("", "DATE", "TIME"):
            continue  # "Theresa May", "August Wilson"
        low = tok.lower_
        i = tok.i
        if low in _DAY_WORDS or (low in WEEKDAYS and tok.text[0].isupper() and len(low) > 3):
            spans.append(doc[i : i + 1])
        elif low in MONTHS and tok.text[0].isupper() and tok.tag_ in ("NNP", "NNPS"):
            end = i + 1
            while end < n and (doc[end].like_num or doc[end].text == ",") and end - i <= 3:
                end += 1
            while end > i + 1 and doc[end - 1].text == ",":
                end -= 1
            spans.append(doc[i:end])
        elif low in _DECKS and i + 1 < n and doc[i + 1].lower_ in ("week", "month", "year"):
            start = i - 1 if i > sent.start and doc[i - 1].lower_ in ("earlier", "later") else i
            spans.append(doc[start : i + 2])
        elif low == "ago" and i - 1 >= sent.start and doc[i - 1].lower_ in _UNIT_WORDS:
            start = i - 2 if i - 2 >= sent.start else i - 1
            spans.append(doc[start : i + 1])
        elif _YEAR_RE.match(tok.text) and tok.dep_ == "pobj" and tok.head.lower_ in GOVERNING_PREPS:
            spans.append(doc[i : i + 1])
    return spans


def find_time_expressions(sent: Span) -> list[TimeExpr]:
    """The sentence's datable time expressions with the token each attaches to.

    DATE/TIME entities come first; lexical matches fill in what the model
    missed. Expressions that name no point in time (durations, decades) are
    left out, so every returned expression can be dated.
    """
    if not has_time_words(sent):
        return []
    ents = [_trim(e) for e in sent.ents if e.label_ in ("DATE", "TIME")]
    candidates = [e for e in ents if e is not None] + _lexical_spans(sent)
    taken: set[int] = set()
    found: list[TimeExpr] = []
    for span in candidates:
        idx = set(range(span.start, span.end))
        if idx & taken or classify_expression(span.text) is None:
            continue
        taken |= idx
        governor, relation = _attachment(span)
        clause = clause_verb(governor)
        found.append(TimeExpr(span, governor, clause, relation, _via(governor, clause)))
    found.sort(key=lambda e: e.span.start)
    return found


# One-sentence memo: the extractor asks for every trigger of a sentence in turn.
_LAST: tuple[Doc, int, list[TimeExpr]] | None = None


def _expressions(sent: Span) -> list[TimeExpr]:
    global _LAST
    last = _LAST
    if last is not None and last[0] is sent.doc and last[1] == sent.start:
        return last[2]
    exprs = find_time_expressions(sent)
    _LAST = (sent.doc, sent.start, exprs)
    return exprs


def verb_tense(verb: Token) -> Tense:
    """Past, future (will/shall, "going to", an infinitive under a present verb) or neutral."""
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in _FUTURE_AUX or c.lemma_ in ("will", "shall") for c in aux):
        return "future"
    if any(c.lower_ == "to" for c in aux) and verb.dep_ in ("xcomp", "advcl", "ccomp"):
        head = verb.head
        if head.lower_ == "going" or verb_tense(head) == "future":
            return "future"
        head_aux = [c for c in head.children if c.dep_ in ("aux", "auxpass")]
        if head.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") for c in head_aux):
            return "future"  # "plans to visit", "is expected to sign"
        return verb_tense(head)
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux):
        return "past"
    if verb.tag_ == "VBN" and any(c.lemma_ == "have" for c in aux):
        return "past"
    return "neutral"


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)


def _mark(verb: Token) -> str | None:
    for c in verb.children:
        if c.dep_ == "mark":
            return c.lower_
    return None


def _best(
    exprs: list[TimeExpr], trigger: Token, published: dt.date, tense: Tense
) -> EventDate | None:
    scored: list[tuple[int, int, EventDate]] = []
    for e in exprs:
        date = resolve_expression(e.text, published, tense)
        if date is not None:
            scored.append((_PRECISION_RANK[date.precision], abs(e.span.root.i - trigger.i), date))
    if not scored:
        return None
    return min(scored, key=lambda s: (s[0], s[1]))[2]


def resolve_date(trigger: Token, published: dt.date) -> EventDate:
    """The date the text gives for the event at ``trigger``, else the publication date.

    A time expression governs the event when it attaches to the trigger, to
    the trigger's clause verb, or to a clause the trigger's clause inherits
    time from (xcomp, conj, "when"/"while" clauses, participles). Clauses
    linked by "after"/"before" take their anchor's date at month precision.
    """
    sent = trigger.sent
    if not has_time_words(sent):
        return publication_date(published)
    exprs = [e for e in _expressions(sent) if e.governs]
    if not exprs:
        return publication_date(published)

    # Walk from the trigger to its clause verb, noting for each step whether a
    # relative link ("after the talks") lies between it and the trigger.
    relative = False
    tok = trigger
    path: dict[int, bool] = {}
    while tok.pos_ not in _VERB_POS and tok.head.i != tok.i:
        if tok.dep_ == "prep" and tok.lower_ in RELATIVE_LINKS:
            relative = True
        path[tok.i] = relative
        tok = tok.head
    verb = tok
    if path:
        # The noun's own expression ("a visit on Monday") wins over its clause's.
        own = [(e, _on_path(e.governor, verb, path)) for e in exprs if e.clause.i == verb.i]
        for rel in (False, True):
            date = _best([e for e, hit in own if hit is rel], trigger, published, verb_tense(verb))
            if date is not None:
                return coarsen_to_month(date) if rel else date

    seen: set[int] = set()
    while verb.i not in seen:
        seen.add(verb.i)
        tense = verb_tense(verb)
        here = [e for e in exprs if e.clause.i == verb.i and e.governs_clause]
        date = _best(here, trigger, published, tense)
        if date is not None:
            return coarsen_to_month(date) if relative else date
        head = verb.head
        if head.i == verb.i:
            break
        if verb.dep_ == "xcomp" or (verb.dep_ == "conj" and not _has_subject(verb)):
            verb = clause_verb(head)
        elif verb.dep_ == "advcl":
            mark = _mark(verb)
            if mark in RELATIVE_LINKS:
                relative = True
            elif not (
                mark in _SIMULTANEOUS_MARKS or (mark is None and verb.tag_ in ("VBG", "VBN"))
            ):
                break
            verb = clause_verb(head)
        elif verb.dep_ == "pcomp" and head.lower_ in RELATIVE_LINKS:
            relative = True  # "after meeting the minister"
            verb = clause_verb(head)
        else:
            break  # ccomp, relcl, ROOT...: a clause of its own
    return publication_date(published)


def _on_path(governor: Token, verb: Token, path: dict[int, bool]) -> bool | None:
    """The relative flag of the first trigger-path token above ``governor``; None if off path."""
    tok = governor
    while tok.i != verb.i:
        if tok.i in path:
            return path[tok.i]
        if tok.head.i == tok.i:
            return None
        tok = tok.head
    return None
