"""Place attachment alone: does ``places.place_span`` on the gold verb find the gold place?

The event-level figure (the place of the event the coder finds) is
``evaluate.location``; this one isolates the resolver from event detection, and
``docs/places.md`` reports it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import EvaluationError
from eventwire.places import countries_named, place_span

if TYPE_CHECKING:
    from spacy.language import Language


def _valid_gold(text: str, start: int, end: int) -> bool:
    """A gold span is usable when it covers whole words (the file has misaligned ones)."""
    if end - start < 2 or end > len(text) or not text[start].isalnum():
        return False
    if start > 0 and text[start - 1].isalnum():
        return False
    return end == len(text) or not text[end].isalnum()


def score_locations(path: str | Path, nlp: Language, limit: int | None = None) -> dict[str, Any]:
    """Score :func:`place_span` against an event-location gold file (JSONL).

    Each line has ``text`` and ``spans`` (char ``start``/``end``, ``label`` VERB or
    LOCATION). The trigger is the root of the VERB span. A prediction is right when it
    overlaps a gold LOCATION span; a sentence without LOCATION spans wants None.
    Sentences whose LOCATION spans are all misaligned (not whole words) are skipped.
    """
    rows: list[tuple[str, tuple[int, int], list[tuple[int, int]]]] = []
    skipped = 0
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise EvaluationError(f"cannot read gold file {p}: {e}") from e
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            text = rec["text"]
            verbs = [(s["start"], s["end"]) for s in rec["spans"] if s["label"] == "VERB"]
            locs = [(s["start"], s["end"]) for s in rec["spans"] if s["label"] == "LOCATION"]
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise EvaluationError(
                f"{p}:{lineno}: not an event-location record ({e}); expected text and spans"
            ) from e
        good = [s for s in locs if _valid_gold(text, *s)]
        if not verbs or (locs and not good):
            skipped += 1
            continue
        rows.append((text, verbs[0], good))
        if limit is not None and len(rows) >= limit:
            break
    tp = fp = fn = abstain_ok = no_gold = predicted = 0
    for (_text, (vs, ve), gold), doc in zip(rows, nlp.pipe(r[0] for r in rows), strict=True):
        span = doc.char_span(vs, ve, alignment_mode="expand")
        hit = None
        if span is not None and len(span):
            hit = place_span(span.root, context_countries=countries_named(doc))
        if hit is not None:
            predicted += 1
        if not gold:
            no_gold += 1
            if hit is None:
                abstain_ok += 1
            else:
                fp += 1
            continue
        if hit is not None and any(hit[1] < e and s < hit[2] for s, e in gold):
            tp += 1
        else:
            if hit is not None:
                fp += 1
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    with_gold = len(rows) - no_gold
    recall = tp / with_gold if with_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "sentences": len(rows),
        "skipped_misaligned": skipped,
        "with_location": with_gold,
        "without_location": no_gold,
        "predicted": predicted,
        "true_positives": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "abstention_accuracy": abstain_ok / no_gold if no_gold else 0.0,
    }
