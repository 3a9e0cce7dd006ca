"""The seed article's expected events: exactly the matching rules of its ``how_to_read``.

An event matches an entry when its sentence contains ``sentence_contains``, its
source and target countries are in the listed ones (null: no actor or an actor
without a country), their sectors are in the listed ones (null: a bare country
is fine), its CAMEO code starts with one of ``cameo_prefixes`` and its date's
whole span (``EventDate.bounds()``) lies inside [earliest, latest].
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventwire.errors import EvaluationError
from eventwire.evaluate.common import (
    EvalResult,
    Extractor,
    Timer,
    actor_country,
    briefs,
    event_brief,
    run_extractor,
)
from eventwire.ingest import ReadOptions, read_inputs
from eventwire.models import Actor, Article, Event

CRITERIA = ("sentence", "source", "target", "cameo", "date")


def _norm(text: str) -> str:
    return " ".join(text.split())


def read_seed(expected_path: str | Path) -> tuple[dict[str, Any], Article]:
    """The expected-events document and the article it names (``document``, same folder)."""
    path = Path(expected_path)
    if path.is_dir():
        path = path / "expected_events.json"
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise EvaluationError(f"cannot read seed expectations {path}: {e}") from e
    if not isinstance(spec, dict) or "document" not in spec or "events" not in spec:
        raise EvaluationError(f"{path}: needs 'document' and 'events'")
    doc = path.parent / spec["document"]
    items = list(read_inputs([doc], ReadOptions(fmt="seed")))
    articles = [a for a in items if isinstance(a, Article)]
    if len(articles) != 1:
        reasons = "; ".join(getattr(r, "reason", "") for r in items if not isinstance(r, Article))
        raise EvaluationError(f"{doc}: expected one seed article, read {len(articles)} ({reasons})")
    return spec, articles[0]


def _side_ok(rule: dict[str, Any] | None, actor: Actor | None) -> bool:
    """Country in the list (None = no actor/no country) and sector in the list (None = bare)."""
    if rule is None:
        return True
    country = actor_country(actor)
    if "country" in rule and country not in rule["country"]:
        return False
    if actor is None or country is None or "sector" not in rule:
        return True
    return _sector(actor) in rule["sector"]


def _sector(actor: Actor | None) -> str | None:
    """``Actor.sector``, or the three letters after the country in ``Actor.code``."""
    if actor is None:
        return None
    return actor.sector or ((actor.code or "")[3:6] or None)


def _date_ok(rule: dict[str, str] | None, e: Event) -> bool:
    """Containment: the whole span the event date can mean lies in [earliest, latest]."""
    if not rule:
        return True
    lo, hi = e.date.bounds()
    earliest = dt.date.fromisoformat(rule.get("earliest", "0001-01-01"))
    latest = dt.date.fromisoformat(rule.get("latest", "9999-12-31"))
    return earliest <= lo and hi <= latest


def entry_checks(entry: dict[str, Any], e: Event) -> dict[str, bool]:
    """Which of the entry's criteria the event meets."""
    prefixes = entry.get("cameo_prefixes") or [""]
    return {
        "sentence": _norm(entry.get("sentence_contains", "")) in _norm(e.sentence),
        "source": _side_ok(entry.get("source"), e.source),
        "target": _side_ok(entry.get("target"), e.target),
        "cameo": any(e.cameo.startswith(p) for p in prefixes),
        "date": _date_ok(entry.get("date"), e),
    }


def matches_entry(entry: dict[str, Any], e: Event) -> bool:
    return all(entry_checks(entry, e).values())


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def violates(rule: dict[str, Any], e: Event) -> bool:
    """A must_not entry: sentence_contains plus every other field it gives."""
    if _norm(rule.get("sentence_contains", "")) not in _norm(e.sentence):
        return False
    for side in ("source", "target"):
        actor: Actor | None = getattr(e, side)
        if f"{side}_country" in rule and actor_country(actor) not in _as_list(
            rule[f"{side}_country"]
        ):
            return False
        if f"{side}_sector" in rule:
            if _sector(actor) not in _as_list(rule[f"{side}_sector"]):
                return False
    if "cameo_prefixes" in rule and not any(e.cameo.startswith(p) for p in rule["cameo_prefixes"]):
        return False
    if "actor_text_any" in rule:
        texts = [a.text.casefold() for a in (e.source, e.target) if a is not None]
        words = [w.casefold() for w in rule["actor_text_any"]]
        if not any(w in t for w in words for t in texts):
            return False
    return True


def closest(entry: dict[str, Any], events: Sequence[Event]) -> tuple[Event | None, list[str]]:
    """The event meeting the most criteria (the sentence first), with the criteria it fails."""
    best, best_key, failed = None, (-1, -1), list(CRITERIA)
    for e in events:
        checks = entry_checks(entry, e)
        key = (int(checks["sentence"]), sum(checks.values()))
        if key > best_key:
            best, best_key = e, key
            failed = [k for k, ok in checks.items() if not ok]
    return best, failed


def score_seed(spec: dict[str, Any], events: Sequence[Event]) -> EvalResult:
    found = {True: 0, False: 0}
    total = {True: 0, False: 0}
    loc_total = loc_ok = 0
    errors: list[dict[str, Any]] = []
    for entry in spec["events"]:
        req = bool(entry.get("required", False))
        total[req] += 1
        hits = [e for e in events if matches_entry(entry, e)]
        if hits:
            found[req] += 1
            if entry.get("location_country"):
                loc_total += 1
                loc_ok += any(
                    e.location is not None and e.location.country == entry["location_country"]
                    for e in hits
                )
            continue
        near, failed = closest(entry, events)
        errors.append(
            {
                "kind": "missing_required" if req else "missing_optional",
                "id": entry.get("id"),
                "sentence": entry.get("sentence_contains", ""),
                "gold": {k: entry.get(k) for k in ("source", "target", "cameo_prefixes", "date")},
                "closest": event_brief(near) if near else None,
                "failed": failed,
            }
        )
    broken = 0
    for rule in spec.get("must_not", []):
        bad = [e for e in events if violates(rule, e)]
        broken += bool(bad)
        if bad:
            errors.append(
                {
                    "kind": "must_not",
                    "id": rule.get("id"),
                    "rule": rule.get("rule", ""),
                    "sentence": bad[0].sentence,
                    "predicted": briefs(bad),
                }
            )
    metrics: dict[str, float | int] = {
        "required_found": found[True],
        "required_total": total[True],
        "optional_found": found[False],
        "optional_total": total[False],
        "must_not_violations": broken,
        "location_correct": loc_ok,
        "location_total": loc_total,
        "n_events": len(events),
    }
    return EvalResult("seed", metrics, errors)


def evaluate_seed(
    path: str | Path, extractor: Extractor, *, limit: int | None = None
) -> EvalResult:
    """Extract the seed article and check its expected events; ``limit`` is ignored."""
    with Timer() as t:
        spec, article = read_seed(path)
        (events,) = run_extractor(extractor, [article])
        result = score_seed(spec, events)
    result.source, result.seconds = str(path), t.seconds
    return result
