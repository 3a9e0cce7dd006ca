"""PETRARCH-2 validation records: agreement with a reference coder's CAMEO codings.

The file is XML-ish (``#`` comment lines, ``<!-- -->`` blocks that hide parses,
self-closing ``<Sentence .../>`` openers), so it is read with regular
expressions over the cleaned text rather than an XML parser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.errors import EvaluationError
from eventwire.evaluate.common import (
    EvalResult,
    Extractor,
    Timer,
    briefs,
    country_matches,
    non_statement,
    parse_date,
    ratio,
    run_extractor,
)
from eventwire.models import Actor, Article, Event

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HASH_LINE = re.compile(r"^[ \t]*#.*$", re.M)
_SENTENCE = re.compile(r"<Sentence\b([^>]*?)/?>(.*?)</Sentence>", re.S)
_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_CODING = re.compile(r"<EventCoding\b([^>]*?)/?>", re.S)
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)


@dataclass(frozen=True)
class Coding:
    event: str  # CAMEO code, e.g. "042"
    source: str  # PETRARCH actor code, e.g. "USAGOV"; "---" prefix = country unknown
    target: str


@dataclass(frozen=True)
class PetrGold:
    id: str
    date: str
    text: str
    codings: tuple[Coding, ...]  # empty for a no-event sentence


def read_petrarch(path: str | Path, limit: int | None = None) -> list[PetrGold]:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise EvaluationError(f"cannot read PETRARCH gold file {path}: {e}") from e
    clean = _HASH_LINE.sub("", _COMMENT.sub("", raw))
    out: list[PetrGold] = []
    for m in _SENTENCE.finditer(clean):
        attrs = dict(_ATTR.findall(m.group(1)))
        body = m.group(2)
        text_m = _TEXT.search(body)
        if text_m is None or "id" not in attrs:
            raise EvaluationError(
                f"{path}: a <Sentence> needs an id and a <Text> (near {m.group(0)[:80]!r})"
            )
        codings = []
        for c in _CODING.finditer(body):
            ca = dict(_ATTR.findall(c.group(1)))
            if ca.get("noevents", "").lower() == "true" or "eventcode" not in ca:
                continue
            codings.append(
                Coding(ca["eventcode"], ca.get("sourcecode", ""), ca.get("targetcode", ""))
            )
        text = " ".join(html.unescape(text_m.group(1)).split())
        out.append(PetrGold(attrs["id"], attrs.get("date", ""), text, tuple(codings)))
        if limit is not None and len(out) >= limit:
            break
    if not out:
        raise EvaluationError(f"{path}: no <Sentence> records found")
    return out


def prefix_ok(gold_code: str, actor: Actor | None) -> bool:
    """The actor's country equals the code's first three letters; ``---``/blank: any actor."""
    head = gold_code[:3]
    if not head or head == "---":
        return True
    return country_matches(head, actor)


def _coding_text(c: Coding) -> str:
    return f"{c.event} {c.source or '-'}->{c.target or '-'}"


def score_petrarch(golds: Sequence[PetrGold], predicted: Sequence[list[Event]]) -> EvalResult:
    n_codings = root_ok = code_ok = actor_ok = 0
    n_none = none_ok = 0
    n_emitted = n_emitted_ok = 0
    errors: list[dict[str, Any]] = []
    for g, events in zip(golds, predicted, strict=True):
        emitted = non_statement(events)
        if not g.codings:
            n_none += 1
            none_ok += not emitted
            errors.extend(
                {
                    "kind": "false_event",
                    "id": g.id,
                    "sentence": g.text,
                    "gold": "no event",
                    "predicted": briefs([e]),
                }
                for e in emitted
            )
            continue
        for c in g.codings:
            n_codings += 1
            same_root = [e for e in events if e.cameo_root == c.event[:2]]
            root_ok += bool(same_root)
            code_ok += any(e.cameo == c.event for e in events)
            actors = any(
                prefix_ok(c.source, e.source) and prefix_ok(c.target, e.target) for e in same_root
            )
            actor_ok += actors
            if not actors:
                errors.append(
                    {
                        "kind": "miss",
                        "id": g.id,
                        "sentence": g.text,
                        "problem": "root missed" if not same_root else "actors wrong",
                        "gold": _coding_text(c),
                        "predicted": briefs(events),
                    }
                )
        roots = {c.event[:2] for c in g.codings}
        n_emitted += len(emitted)
        for e in emitted:
            if e.cameo_root in roots:
                n_emitted_ok += 1
            else:
                errors.append(
                    {
                        "kind": "false_event",
                        "id": g.id,
                        "sentence": g.text,
                        "gold": [_coding_text(c) for c in g.codings],
                        "predicted": briefs([e]),
                    }
                )
    metrics: dict[str, float | int] = {
        "root_agreement": ratio(root_ok, n_codings),
        "code_agreement": ratio(code_ok, n_codings),
        "actor_agreement": ratio(actor_ok, n_codings),
        "root_precision": ratio(n_emitted_ok, n_emitted),
        "no_event_correct": ratio(none_ok, n_none),
        "n_codings": n_codings,
        "n_no_event": n_none,
        "n_sentences": len(golds),
    }
    return EvalResult("petrarch", metrics, errors)


def evaluate_petrarch(
    path: str | Path, extractor: Extractor, *, limit: int | None = None
) -> EvalResult:
    """Extract events from every validation sentence (with its own date) and score them."""
    with Timer() as t:
        golds = read_petrarch(path, limit)
        arts = [Article(id=g.id, text=g.text, date=parse_date(g.date)) for g in golds]
        result = score_petrarch(golds, run_extractor(extractor, arts))
    result.source, result.seconds = str(path), t.seconds
    return result
