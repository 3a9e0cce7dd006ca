"""ConfliBERT cameo_class: one label per sentence, the class of its main event.

The labels are 0 statement, 1 verbal cooperation, 2 material cooperation,
3 verbal conflict, 4 material conflict. In the data, appeals (CAMEO 02) and
denials are 0, investigations (09) are 3 and reductions of relations and
sanctions (16) are 3, which is not eventwire's own GDELT-style quad class (02 is
verbal cooperation, 16 material conflict), so the label is derived from the
CAMEO root with ``CONFLIBERT_CLASS_BY_ROOT`` rather than read from
``Event.quad_class``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.errors import EvaluationError
from eventwire.evaluate.common import (
    CONFLIBERT_CLASS_BY_ROOT,
    PLACEHOLDER_DATE,
    EvalResult,
    Extractor,
    Timer,
    briefs,
    f1,
    ratio,
    run_extractor,
)
from eventwire.models import Article, Event

LABELS = (0, 1, 2, 3, 4)
LABEL_NAMES = {
    0: "statement",
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@dataclass(frozen=True)
class ClassGold:
    id: str
    text: str
    label: int


def _unquote(field: str) -> str:
    """Undo CSV quoting (``"a ""b"" c"``) that some rows carry."""
    if len(field) >= 2 and field[0] == '"' and field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def read_cameo_class(path: str | Path, limit: int | None = None) -> list[ClassGold]:
    """``sentence<TAB>label`` rows; a bad label raises with the line number."""
    out: list[ClassGold] = []
    try:
        handle = Path(path).open(encoding="utf-8", newline="")
    except OSError as e:
        raise EvaluationError(f"cannot read cameo_class gold file {path}: {e}") from e
    with handle:
        for no, line in enumerate(handle, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            text, sep, label = line.rpartition("\t")
            if not sep or label.strip() not in {str(x) for x in LABELS}:
                raise EvaluationError(
                    f"{path}:{no}: expected 'sentence<TAB>label' with label 0-4, got {line[:80]!r}"
                )
            out.append(ClassGold(f"cameo_class:{no}", _unquote(text.strip()), int(label)))
            if limit is not None and len(out) >= limit:
                break
    return out


def event_class(e: Event) -> int:
    return CONFLIBERT_CLASS_BY_ROOT.get(e.cameo_root, 0)


def predicted_class(events: Sequence[Event]) -> tuple[int, Event | None]:
    """Class of the highest-confidence event outside class 0; 0 when there is none."""
    pool = [e for e in events if event_class(e) != 0]
    main = max(pool, key=lambda e: e.confidence, default=None)
    return (event_class(main) if main else 0), main


def score_cameo_class(golds: Sequence[ClassGold], predicted: Sequence[list[Event]]) -> EvalResult:
    n = len(golds)
    confusion = {(g, p): 0 for g in LABELS for p in LABELS}
    covered = 0
    errors: list[dict[str, Any]] = []
    for g, events in zip(golds, predicted, strict=True):
        label, main = predicted_class(events)
        confusion[(g.label, label)] += 1
        covered += bool(events)
        if label != g.label:
            errors.append(
                {
                    "kind": "wrong_class",
                    "id": g.id,
                    "sentence": g.text,
                    "gold": g.label,
                    "predicted": label,
                    "main_event": briefs([main]) if main else [],
                    "events": briefs(events),
                }
            )
    metrics: dict[str, float | int] = {
        "accuracy": ratio(sum(confusion[(c, c)] for c in LABELS), n),
    }
    f1s = []
    per_class: dict[str, float] = {}
    for c in LABELS:
        tp = confusion[(c, c)]
        p = ratio(tp, sum(confusion[(g, c)] for g in LABELS))
        r = ratio(tp, sum(confusion[(c, q)] for q in LABELS))
        per_class[f"precision_{c}"] = p
        per_class[f"recall_{c}"] = r
        f1s.append(f1(p, r))
    metrics["macro_f1"] = sum(f1s) / len(f1s)
    metrics.update(per_class)
    metrics["coverage"] = ratio(covered, n)
    metrics["n_sentences"] = n
    return EvalResult("cameo_class", metrics, errors)


def evaluate_cameo_class(
    path: str | Path, extractor: Extractor, *, limit: int | None = None
) -> EvalResult:
    """Classify every sentence by its main event and compare with the label."""
    with Timer() as t:
        golds = read_cameo_class(path, limit)
        arts = [Article(id=g.id, text=g.text, date=PLACEHOLDER_DATE) for g in golds]
        result = score_cameo_class(golds, run_extractor(extractor, arts))
    result.source, result.seconds = str(path), t.seconds
    return result
