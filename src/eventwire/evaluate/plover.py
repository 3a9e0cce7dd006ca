"""PLOVER Gold Standard Records: event type, source and target countries and sectors.

The GSR uses the 2016 PLOVER type names; eventwire codes the 2023 set, so the
gold types are renamed before scoring. INVESTIGATE has no 2023 type and is
scored as CAMEO root 09.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.errors import EvaluationError
from eventwire.evaluate.common import (
    EvalResult,
    Extractor,
    Timer,
    actor_sectors,
    briefs,
    country_matches,
    gold_sector,
    non_statement,
    normalize_country,
    parse_date,
    ratio,
    run_extractor,
)
from eventwire.models import Actor, Article, Event

PLOVER_2016_TO_2023: dict[str, str] = {
    "FIGHT": "ASSAULT",
    "DISAPPROVE": "ACCUSE",
    "DEMAND": "REQUEST",
}
INVESTIGATE_ROOT = "09"


@dataclass(frozen=True)
class GoldActor:
    text: str
    country: str | None  # normalised alpha-3 or transnational code; None when not coded
    sector: str | None  # primary 3-letter sector, None when not given or "***"


@dataclass(frozen=True)
class PloverGold:
    id: str
    text: str
    date: str
    event: str  # the 2016 name as written
    type: str  # the 2023 name, or "INVESTIGATE"
    sources: tuple[GoldActor, ...]
    targets: tuple[GoldActor, ...]
    event_text: str = ""


def _actors(value: Any, where: str) -> tuple[GoldActor, ...]:
    """A GSR ``source``/``target``: a list of actors, a code string, "" or missing."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        code = value.strip()
        return (GoldActor(code, normalize_country(code), gold_sector(code[3:6])),)
    if not isinstance(value, list):
        raise EvaluationError(f"{where}: actor field must be a list or a string, got {value!r}")
    out = []
    for a in value:
        if not isinstance(a, dict):
            raise EvaluationError(f"{where}: actor entries must be objects, got {a!r}")
        out.append(
            GoldActor(
                str(a.get("actorText", "")),
                normalize_country(a.get("code")),
                gold_sector(a.get("sector")),
            )
        )
    return tuple(out)


def read_plover(path: str | Path, limit: int | None = None) -> list[PloverGold]:
    """Gold records in file order, without the DOCUMENT header."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise EvaluationError(f"cannot read PLOVER gold file {path}: {e}") from e
    if not isinstance(data, list):
        raise EvaluationError(f"{path}: expected a JSON list of PLOVER records")
    out: list[PloverGold] = []
    for i, rec in enumerate(data):
        where = f"{path} record {i}"
        if not isinstance(rec, dict):
            raise EvaluationError(f"{where}: not a JSON object")
        event = str(rec.get("event", "")).strip().upper()
        if event == "DOCUMENT":
            continue
        if not event or not rec.get("text"):
            raise EvaluationError(f"{where}: needs 'event' and 'text'")
        out.append(
            PloverGold(
                id=str(rec.get("id", i)),
                text=str(rec["text"]),
                date=str(rec.get("date", "")),
                event=event,
                type=PLOVER_2016_TO_2023.get(event, event),
                sources=_actors(rec.get("source"), where),
                targets=_actors(rec.get("target"), where),
                event_text=str(rec.get("eventText", "")),
            )
        )
        if limit is not None and len(out) >= limit:
            break
    return out


def type_matches(e: Event, gold_type: str) -> bool:
    if gold_type == "INVESTIGATE":
        return e.cameo_root == INVESTIGATE_ROOT
    return e.plover == gold_type


def _countries(actors: Sequence[GoldActor]) -> list[str]:
    return [a.country for a in actors if a.country]


def _side_ok(golds: Sequence[GoldActor], actor: Actor | None) -> bool:
    """Any gold country equals the actor's; no coded gold country means no requirement."""
    wanted = _countries(golds)
    return not wanted or any(country_matches(c, actor) for c in wanted)


def _gold_text(g: PloverGold) -> str:
    def side(actors: Sequence[GoldActor]) -> str:
        return "+".join(f"{a.country or '***'}{a.sector or ''}" for a in actors) or "-"

    return f"{g.event}->{g.type} {side(g.sources)}->{side(g.targets)} [{g.event_text}]"


def score_plover(golds: Sequence[PloverGold], predicted: Sequence[list[Event]]) -> EvalResult:
    """Scores for gold records and the events extracted from each record's text."""
    n = len(golds)
    hits = {"type": 0, "type_source": 0, "type_source_target": 0}
    n_emitted = n_true = 0
    extra_total = 0
    acc = {
        k: [0, 0] for k in ("source_country", "target_country", "source_sector", "target_sector")
    }
    errors: list[dict[str, Any]] = []
    for g, events in zip(golds, predicted, strict=True):
        emitted = non_statement(events)
        typed = [e for e in events if type_matches(e, g.type)]
        with_source = [e for e in typed if _side_ok(g.sources, e.source)]
        with_both = [e for e in with_source if _side_ok(g.targets, e.target)]
        hits["type"] += bool(typed)
        hits["type_source"] += bool(with_source)
        hits["type_source_target"] += bool(with_both)
        true_emitted = [e for e in emitted if type_matches(e, g.type)]
        n_emitted += len(emitted)
        n_true += len(true_emitted)
        extra_total += max(0, len(emitted) - (1 if true_emitted else 0))
        # Actor figures judge the events that got the type right, else any event coded.
        candidates = typed or emitted
        for side, golds_side in (("source", g.sources), ("target", g.targets)):
            for a in golds_side:
                pool = [getattr(e, side) for e in candidates]
                if a.country:
                    acc[f"{side}_country"][1] += 1
                    acc[f"{side}_country"][0] += any(country_matches(a.country, x) for x in pool)
                if a.sector:
                    acc[f"{side}_sector"][1] += 1
                    acc[f"{side}_sector"][0] += any(
                        country_matches(a.country, x) and a.sector in actor_sectors(x) for x in pool
                    )
        if not with_both:
            problem = (
                "type missed"
                if not typed
                else "source country wrong"
                if not with_source
                else "target country wrong"
            )
            errors.append(
                {
                    "kind": "miss",
                    "id": g.id,
                    "sentence": g.text,
                    "problem": problem,
                    "gold": _gold_text(g),
                    "predicted": briefs(events),
                }
            )
        for e in emitted:
            if not type_matches(e, g.type):
                errors.append(
                    {
                        "kind": "false_event",
                        "id": g.id,
                        "sentence": g.text,
                        "gold": _gold_text(g),
                        "predicted": briefs([e]),
                    }
                )
    metrics: dict[str, float | int] = {
        "type_recall": ratio(hits["type"], n),
        "type_source_recall": ratio(hits["type_source"], n),
        "type_source_target_recall": ratio(hits["type_source_target"], n),
        "precision": ratio(n_true, n_emitted),
        "extra_events_per_sentence": ratio(extra_total, n),
        **{f"{k}_acc": ratio(v[0], v[1]) for k, v in acc.items()},
        "n_sentences": n,
        "n_events": n_emitted,
    }
    return EvalResult("plover", metrics, errors)


def articles_for(golds: Sequence[PloverGold]) -> list[Article]:
    return [Article(id=g.id, text=g.text, date=parse_date(g.date)) for g in golds]


def evaluate_plover(
    path: str | Path, extractor: Extractor, *, limit: int | None = None
) -> EvalResult:
    """Extract events from every GSR sentence and score them (docs/evaluation.md)."""
    with Timer() as t:
        golds = read_plover(path, limit)
        result = score_plover(golds, run_extractor(extractor, articles_for(golds)))
    result.source, result.seconds = str(path), t.seconds
    return result
