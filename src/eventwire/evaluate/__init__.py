"""Gold-set readers and scorers behind ``eventwire eval``.

One module per gold format; each ``evaluate_<fmt>(path, extractor, *, limit)``
returns an ``EvalResult``. ``evaluate`` picks the format from the file,
``evaluate_all`` runs every set found, and ``check_thresholds`` is the
regression gate over quality-thresholds.json. Metric definitions:
docs/evaluation.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from eventwire.errors import EvaluationError
from eventwire.evaluate.cameo_class import evaluate_cameo_class, read_cameo_class
from eventwire.evaluate.cameo_ner import evaluate_cameo_ner, read_cameo_ner
from eventwire.evaluate.common import PLACEHOLDER_DATE, EvalResult, Extractor, run_extractor
from eventwire.evaluate.gate import (
    LOWER_IS_BETTER,
    check_thresholds,
    load_thresholds,
    render_quality_report,
    result_table,
    thresholds_from_results,
    validate_thresholds,
)
from eventwire.evaluate.location import evaluate_location, read_location
from eventwire.evaluate.petrarch import evaluate_petrarch, read_petrarch
from eventwire.evaluate.plover import evaluate_plover, read_plover
from eventwire.evaluate.seed import evaluate_seed, read_seed

Scorer = Callable[..., EvalResult]

SCORERS: dict[str, Scorer] = {
    "plover": evaluate_plover,
    "cameo_class": evaluate_cameo_class,
    "cameo_ner": evaluate_cameo_ner,
    "petrarch": evaluate_petrarch,
    "location": evaluate_location,
    "seed": evaluate_seed,
}
FORMATS = tuple(SCORERS)

# The shared gold file for each format (../shared/gold/README.md).
GOLD_FILES: dict[str, str] = {
    "plover": "plover_gsr_dev.json",
    "cameo_class": "conflibert_cameo_class_train.tsv",
    "cameo_ner": "conflibert_cameo_ner_train.txt",
    "petrarch": "petr2_gsr_validation.xml",
    "location": "event_location_dev.jsonl",
}
SEED_FILE = "expected_events.json"


def _sniff(path: Path) -> str | None:
    """Format from the first few kilobytes, for files with unfamiliar names."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError as e:
        raise EvaluationError(f"cannot read {path}: {e}") from e
    stripped = head.lstrip()
    if "<Sentence" in head or "<Validation" in head:
        return "petrarch"
    if stripped.startswith("{") and '"spans"' in stripped.split("\n", 1)[0]:
        return "location"
    if stripped.startswith("{") and ('"how_to_read"' in head or '"must_not"' in head):
        return "seed"
    if stripped.startswith("[") and '"event"' in head:
        return "plover"
    lines = [ln for ln in head.splitlines()[:-1] if ln.strip()][:20]
    if lines and all("\t" in ln and ln.rsplit("\t", 1)[1].strip().isdigit() for ln in lines):
        return "cameo_class"
    if lines and all(
        len(ln.split()) == 2 and (ln.split()[1] == "O" or ln.split()[1][:2] in ("B-", "I-"))
        for ln in lines
    ):
        return "cameo_ner"
    return None


def detect_format(path: str | Path) -> str:
    """The gold format of a file (or of a folder holding expected_events.json)."""
    p = Path(path)
    if p.is_dir():
        if (p / SEED_FILE).is_file():
            return "seed"
        raise EvaluationError(f"{p} is a folder without {SEED_FILE}; name a gold file instead")
    name = p.name.lower()
    if name == SEED_FILE:
        return "seed"
    for fmt, fname in GOLD_FILES.items():
        if name == fname:
            return fmt
    by_name = [
        ("plover", "plover" in name and name.endswith(".json")),
        ("cameo_class", name.endswith(".tsv")),
        ("cameo_ner", "ner" in name and name.endswith((".txt", ".conll"))),
        ("petrarch", name.endswith(".xml")),
        ("location", "location" in name and name.endswith(".jsonl")),
    ]
    for fmt, hit in by_name:
        if hit:
            return fmt
    if not p.is_file():
        raise EvaluationError(f"no such gold file: {p}")
    fmt = _sniff(p)
    if fmt is None:
        raise EvaluationError(
            f"cannot tell the gold format of {p}; pass one of {', '.join(FORMATS)}"
        )
    return fmt


def evaluate(
    path: str | Path, extractor: Extractor, fmt: str | None = None, limit: int | None = None
) -> EvalResult:
    """Score the extractor on one gold file, detecting its format unless given."""
    fmt = fmt or detect_format(path)
    if fmt not in SCORERS:
        raise EvaluationError(f"unknown gold format {fmt!r}; use one of {', '.join(FORMATS)}")
    return SCORERS[fmt](path, extractor, limit=limit)


def evaluate_all(
    gold_dir: str | Path,
    seed_dir: str | Path | None,
    extractor: Extractor,
    *,
    limit: int | None = None,
) -> list[EvalResult]:
    """Every known gold set present in ``gold_dir``, then the seed expectations.

    Missing files are skipped (the caller sees which sets ran from the names);
    a folder with none of them is an error, since the gate would pass vacuously.
    """
    results = []
    gold = Path(gold_dir)
    for fmt, fname in GOLD_FILES.items():
        if (gold / fname).is_file():
            results.append(SCORERS[fmt](gold / fname, extractor, limit=limit))
    if seed_dir is not None and (Path(seed_dir) / SEED_FILE).is_file():
        results.append(evaluate_seed(Path(seed_dir) / SEED_FILE, extractor))
    if not results:
        raise EvaluationError(
            f"no gold sets found in {gold_dir} (expected {', '.join(GOLD_FILES.values())})"
            + (f" nor {SEED_FILE} in {seed_dir}" if seed_dir else "")
        )
    return results


def evaluation_coder(model: str | None = None) -> Extractor:
    """The coder as every evaluation runs it: the default settings with statements on.

    Two gold sets code statements (ConfliBERT class 0, PETRARCH's 01x codings), so the
    coder is run with them; scorers that have no statements in their gold (PLOVER,
    locations) look at the other events first (docs/evaluation.md).
    """
    from eventwire.config import Settings
    from eventwire.pipeline import Pipeline

    settings = Settings(model=model) if model else Settings()
    return Pipeline(settings, include_statements=True).extract_batch


def write_errors(result: EvalResult, path: str | Path) -> None:
    """Every miss and false event of a result as JSON Lines, for inspection."""
    with Path(path).open("w", encoding="utf-8") as f:
        for err in result.errors:
            f.write(json.dumps({"set": result.name, **err}, ensure_ascii=False, default=str) + "\n")


__all__ = [
    "EvalResult",
    "Extractor",
    "FORMATS",
    "GOLD_FILES",
    "LOWER_IS_BETTER",
    "PLACEHOLDER_DATE",
    "check_thresholds",
    "detect_format",
    "evaluate",
    "evaluate_all",
    "evaluation_coder",
    "evaluate_cameo_class",
    "evaluate_cameo_ner",
    "evaluate_location",
    "evaluate_petrarch",
    "evaluate_plover",
    "evaluate_seed",
    "load_thresholds",
    "read_cameo_class",
    "read_cameo_ner",
    "read_location",
    "read_petrarch",
    "read_plover",
    "read_seed",
    "render_quality_report",
    "result_table",
    "run_extractor",
    "thresholds_from_results",
    "validate_thresholds",
    "write_errors",
]
