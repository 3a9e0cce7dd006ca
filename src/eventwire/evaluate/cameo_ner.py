"""ConfliBERT cameo_ner: are the source and target spans the ones a human marked?

Each CoNLL sentence is rebuilt by joining its tokens with single spaces, so a
predicted actor's character span maps back to gold tokens exactly. A span
matches when it shares at least one token with a gold span of the same role;
``R`` (an actor that is both) counts as a source span and as a target span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.errors import EvaluationError
from eventwire.evaluate.common import (
    PLACEHOLDER_DATE,
    EvalResult,
    Extractor,
    Timer,
    actor_brief,
    f1,
    locate,
    non_statement,
    ratio,
    run_extractor,
)
from eventwire.models import Actor, Article, Event

ROLES = ("source", "target")
_ROLE_OF_TAG = {"S": ("source",), "T": ("target",), "R": ("source", "target")}

Span = frozenset[int]  # token indices


@dataclass(frozen=True)
class NerGold:
    id: str
    tokens: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]  # char start/end of each token in ``text``
    spans: dict[str, tuple[Span, ...]]  # role -> gold spans

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def _spans(tags: Sequence[str], where: str) -> dict[str, tuple[Span, ...]]:
    """BIO tags to token-index spans per role; an ``I-`` after another label starts a span."""
    found: list[tuple[str, list[int]]] = []
    for i, tag in enumerate(tags):
        if tag == "O":
            continue
        bio, _, kind = tag.partition("-")
        if bio not in ("B", "I") or kind not in _ROLE_OF_TAG:
            raise EvaluationError(f"{where}: unknown tag {tag!r} (expected O, B-/I- S, T or R)")
        if bio == "I" and found and found[-1][0] == kind and found[-1][1][-1] == i - 1:
            found[-1][1].append(i)
        else:
            found.append((kind, [i]))
    out: dict[str, list[Span]] = {r: [] for r in ROLES}
    for kind, idx in found:
        for role in _ROLE_OF_TAG[kind]:
            out[role].append(frozenset(idx))
    return {r: tuple(v) for r, v in out.items()}


def _make(tokens: list[str], tags: list[str], n: int, path: str, line: int) -> NerGold:
    offsets, pos = [], 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return NerGold(f"cameo_ner:{n}", tuple(tokens), tuple(offsets), _spans(tags, f"{path}:{line}"))


def read_cameo_ner(path: str | Path, limit: int | None = None) -> list[NerGold]:
    """Sentences of ``token tag`` lines separated by blank lines."""
    out: list[NerGold] = []
    tokens: list[str] = []
    tags: list[str] = []
    start = 1
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise EvaluationError(f"cannot read cameo_ner gold file {path}: {e}") from e
    for no, line in enumerate([*lines, ""], 1):
        if not line.strip():
            if tokens:
                out.append(_make(tokens, tags, len(out) + 1, str(path), start))
                tokens, tags = [], []
                if limit is not None and len(out) >= limit:
                    break
            start = no + 1
            continue
        parts = line.split()
        if len(parts) != 2:
            raise EvaluationError(f"{path}:{no}: expected 'token tag', got {line[:80]!r}")
        tokens.append(parts[0])
        tags.append(parts[1])
    return out


def actor_span(g: NerGold, actor: Actor) -> Span:
    """Gold token indices the actor's characters cover (empty when it cannot be placed)."""
    if actor.start is not None and actor.end is not None:
        lo, hi = actor.start, actor.end
    else:
        where = locate(g.text, actor.text)
        if where is None:
            return frozenset()
        lo, hi = where
    return frozenset(i for i, (s, e) in enumerate(g.offsets) if s < hi and lo < e)


def scored_events(events: Sequence[Event]) -> list[Event]:
    """The sentence's non-statement events, or its statements when it has nothing else:
    the gold codes the actors of statement events too (its class-0 sentences)."""
    return non_statement(events) or list(events)


def predicted_spans(g: NerGold, events: Sequence[Event]) -> dict[str, list[Span]]:
    """Distinct source and target spans of the scored events, per role."""
    out: dict[str, list[Span]] = {r: [] for r in ROLES}
    for e in scored_events(events):
        for role in ROLES:
            actor = getattr(e, role)
            if actor is None or not actor.text:
                continue  # an inferred actor (unidentified attackers) has no words to mark
            span = actor_span(g, actor)
            if span not in out[role]:
                out[role].append(span)
    return out


def _words(g: NerGold, span: Span) -> str:
    return " ".join(g.tokens[i] for i in sorted(span)) or "<not in sentence>"


def score_cameo_ner(golds: Sequence[NerGold], predicted: Sequence[list[Event]]) -> EvalResult:
    counts = {r: {"pred": 0, "pred_ok": 0, "gold": 0, "gold_found": 0} for r in ROLES}
    tokens = {r: {"tp": 0, "fp": 0, "fn": 0} for r in ROLES}
    errors: list[dict[str, Any]] = []
    for g, events in zip(golds, predicted, strict=True):
        pred = predicted_spans(g, events)
        for role in ROLES:
            gold_spans, pred_spans = g.spans[role], pred[role]
            c = counts[role]
            c["gold"] += len(gold_spans)
            c["pred"] += len(pred_spans)
            for p in pred_spans:
                if any(p & s for s in gold_spans):
                    c["pred_ok"] += 1
                else:
                    errors.append(
                        {
                            "kind": "false_span",
                            "role": role,
                            "id": g.id,
                            "sentence": g.text,
                            "gold": [_words(g, s) for s in gold_spans],
                            "predicted": _words(g, p),
                        }
                    )
            for s in gold_spans:
                if any(s & p for p in pred_spans):
                    c["gold_found"] += 1
                else:
                    errors.append(
                        {
                            "kind": "missed_span",
                            "role": role,
                            "id": g.id,
                            "sentence": g.text,
                            "gold": _words(g, s),
                            "predicted": [
                                actor_brief(getattr(e, role)) for e in scored_events(events)
                            ],
                        }
                    )
            gold_tok = set().union(*gold_spans) if gold_spans else set()
            pred_tok = set().union(*pred_spans) if pred_spans else set()
            tokens[role]["tp"] += len(gold_tok & pred_tok)
            tokens[role]["fp"] += len(pred_tok - gold_tok)
            tokens[role]["fn"] += len(gold_tok - pred_tok)
    metrics: dict[str, float | int] = {}
    for role in ROLES:
        c = counts[role]
        p, r = ratio(c["pred_ok"], c["pred"]), ratio(c["gold_found"], c["gold"])
        metrics.update({f"{role}_precision": p, f"{role}_recall": r, f"{role}_f1": f1(p, r)})
    tot = {k: sum(counts[r][k] for r in ROLES) for k in ("pred", "pred_ok", "gold", "gold_found")}
    p, r = ratio(tot["pred_ok"], tot["pred"]), ratio(tot["gold_found"], tot["gold"])
    metrics.update({"span_precision": p, "span_recall": r, "span_f1": f1(p, r)})
    tp = sum(tokens[r]["tp"] for r in ROLES)
    tp_fp, tp_fn = (
        tp + sum(tokens[r]["fp"] for r in ROLES),
        tp + sum(tokens[r]["fn"] for r in ROLES),
    )
    metrics["token_f1"] = f1(ratio(tp, tp_fp), ratio(tp, tp_fn))
    metrics["n_sentences"] = len(golds)
    metrics["n_gold_spans"] = tot["gold"]
    return EvalResult("cameo_ner", metrics, errors)


def evaluate_cameo_ner(
    path: str | Path, extractor: Extractor, *, limit: int | None = None
) -> EvalResult:
    """Extract events from every rebuilt sentence and score their actor spans."""
    with Timer() as t:
        golds = read_cameo_ner(path, limit)
        arts = [Article(id=g.id, text=g.text, date=PLACEHOLDER_DATE) for g in golds]
        result = score_cameo_ner(golds, run_extractor(extractor, arts))
    result.source, result.seconds = str(path), t.seconds
    return result
