"""event_location: does the event get the place a human tied to its verb, or none?

Each sentence has one VERB span and zero or more LOCATION spans. The event
judged is the one whose trigger overlaps the VERB span (else the sentence's
main event); its location is right when the place text, found in the
sentence, overlaps a LOCATION span. With no LOCATION span the right answer is
no location at all.

About a quarter of the LOCATION spans (the AP, Atrocities, Xinhua and wiki
rows) hold spaCy token indices with an inclusive end instead of character
offsets, while their VERB spans are characters. ``repair_location`` reads a
span as characters when that gives a clean word-bounded name, else as token
indices; a sentence with a span neither reading explains is left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import EvaluationError
from eventwire.evaluate.common import (
    PLACEHOLDER_DATE,
    EvalResult,
    Extractor,
    Timer,
    event_brief,
    f1,
    locate,
    main_event,
    ratio,
    run_extractor,
)
from eventwire.models import Article, Event

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer

Char = tuple[int, int]


@cache
def _tokenizer() -> Tokenizer:
    """spaCy's rule-based English tokenizer (no model), as the gold's token indices use."""
    import spacy

    return spacy.blank("en").tokenizer


def _name_like(text: str, start: int, end: int, *, capital: bool) -> bool:
    """Non-empty, on word boundaries and (when asked) starting like a name."""
    piece = text[start:end]
    if end <= start or not piece.strip():
        return False
    if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
        return False
    return not capital or piece[0].isupper() or piece[0].isdigit()


def repair_location(text: str, start: int, end: int) -> Char | None:
    """Character offsets of a gold LOCATION span, reading token indices where needed."""
    if _name_like(text, start, end, capital=True):
        return start, end
    tokens = _tokenizer()(text)
    if 0 <= start <= end < len(tokens):
        lo, hi = tokens[start].idx, tokens[end].idx + len(tokens[end])
        if _name_like(text, lo, hi, capital=True):
            return lo, hi
    if _name_like(text, start, end, capital=False):  # e.g. "al-Rai"
        return start, end
    return None


@dataclass(frozen=True)
class LocGold:
    id: str
    text: str
    verbs: tuple[Char, ...]
    locations: tuple[Char, ...]  # character offsets, repaired where the gold gave tokens
    unreadable: bool = False  # a LOCATION span no reading explains: not scored


def read_location(path: str | Path, limit: int | None = None) -> list[LocGold]:
    out: list[LocGold] = []
    try:
        handle = Path(path).open(encoding="utf-8")
    except OSError as e:
        raise EvaluationError(f"cannot read event_location gold file {path}: {e}") from e
    with handle:
        for no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                text = rec["text"]
                spans = [(int(s["start"]), int(s["end"]), s["label"]) for s in rec["spans"]]
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
                raise EvaluationError(
                    f"{path}:{no}: expected {{'text', 'spans': [{{start, end, label}}]}}: {e}"
                ) from e
            locations = [repair_location(text, s, e) for s, e, lab in spans if lab == "LOCATION"]
            out.append(
                LocGold(
                    str(rec.get("_id", no)),
                    text,
                    tuple((s, e) for s, e, lab in spans if lab == "VERB"),
                    tuple(loc for loc in locations if loc is not None),
                    unreadable=None in locations,
                )
            )
            if limit is not None and len(out) >= limit:
                break
    return out


def _overlaps(a: Char, b: Char) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _trigger_span(e: Event, text: str) -> Char | None:
    if e.trigger_start is not None and e.trigger_end is not None:
        return e.trigger_start, e.trigger_end
    return locate(text, e.trigger)


def judged_event(g: LocGold, events: Sequence[Event]) -> tuple[Event | None, bool]:
    """The event on the gold verb (highest confidence if several), else the main event.

    The flag says whether the event was found on the gold verb.
    """
    on_verb = [
        e
        for e in events
        if (span := _trigger_span(e, g.text)) and any(_overlaps(span, v) for v in g.verbs)
    ]
    if on_verb:
        return max(on_verb, key=lambda e: e.confidence), True
    return main_event(events), False


def place_hits(g: LocGold, place_text: str) -> bool:
    """Does any occurrence of the place text overlap a gold LOCATION span?"""
    if not place_text:
        return False
    start, lower, needle = 0, g.text.lower(), place_text.lower()
    while (i := lower.find(needle, start)) >= 0:
        if any(_overlaps((i, i + len(needle)), loc) for loc in g.locations):
            return True
        start = i + 1
    return False


def score_location(golds: Sequence[LocGold], predicted: Sequence[list[Event]]) -> EvalResult:
    n_pred = n_pred_ok = n_gold = n_gold_found = 0
    n_abstain = n_abstain_ok = on_verb_count = 0
    n_single = n_single_ok = 0
    errors: list[dict[str, Any]] = []
    n_unreadable = 0
    for g, events in zip(golds, predicted, strict=True):
        if g.unreadable:
            n_unreadable += 1
            continue
        event, on_verb = judged_event(g, events)
        on_verb_count += on_verb
        place = event.location if event else None
        hit = place is not None and place_hits(g, place.text)
        if place is not None:
            n_pred += 1
            n_pred_ok += hit
        if g.locations:
            n_gold += 1
            n_gold_found += hit
            if len(g.locations) == 1:
                n_single += 1
                n_single_ok += hit
        else:
            n_abstain += 1
            n_abstain_ok += place is None
        if (g.locations and not hit) or (place is not None and not hit):
            errors.append(
                {
                    "kind": "wrong_location" if place is not None else "missed_location",
                    "id": g.id,
                    "sentence": g.text,
                    "gold": [g.text[s:e] for s, e in g.locations] or None,
                    "gold_verb": [g.text[s:e] for s, e in g.verbs],
                    "predicted": place.text if place else None,
                    "event": event_brief(event) if event else None,
                }
            )
    p, r = ratio(n_pred_ok, n_pred), ratio(n_gold_found, n_gold)
    metrics: dict[str, float | int] = {
        "location_precision": p,
        "location_recall": r,
        "location_f1": f1(p, r),
        "abstention_accuracy": ratio(n_abstain_ok, n_abstain),
        # issue 6's figure: sentences with exactly one gold place that the event gets right
        "single_location_accuracy": ratio(n_single_ok, n_single),
        "verb_event_rate": ratio(on_verb_count, len(golds) - n_unreadable),
        "n_sentences": len(golds),
        "n_with_location": n_gold,
        "n_unreadable": n_unreadable,
    }
    return EvalResult("location", metrics, errors)


def evaluate_location(
    path: str | Path, extractor: Extractor, *, limit: int | None = None
) -> EvalResult:
    """Extract events from every sentence (text unchanged, so gold offsets hold) and score places."""
    with Timer() as t:
        golds = read_location(path, limit)
        arts = [Article(id=g.id, text=g.text, date=PLACEHOLDER_DATE) for g in golds]
        result = score_location(golds, run_extractor(extractor, arts))
    result.source, result.seconds = str(path), t.seconds
    return result
