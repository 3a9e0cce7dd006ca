"""The regression gate (quality-thresholds.json) and the Markdown quality report.

A threshold is either a bare number or ``{"min": x}`` (higher is better: the
measured figure may not fall below ``x - tolerance``) or ``{"max": x}`` (lower
is better: it may not rise above ``x + tolerance``). Keys starting with ``_``
are comments.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from eventwire.errors import ConfigError
from eventwire.evaluate.common import EvalResult, format_metric

# Figures where lower is better; thresholds_from_results writes these as {"max": ...}.
LOWER_IS_BETTER = frozenset({"extra_events_per_sentence", "must_not_violations"})
# Counts that describe the gold set rather than quality; never gated.
DESCRIPTIVE = frozenset(
    {
        "n_sentences",
        "n_events",
        "n_codings",
        "n_no_event",
        "n_gold_spans",
        "n_with_location",
        "n_unreadable",
        "required_total",
        "optional_total",
        "location_total",
    }
)

Thresholds = dict[str, dict[str, Any]]


def _bound(spec: Any, where: str) -> tuple[str, float]:
    if isinstance(spec, bool):
        raise ConfigError(f"{where}: a threshold must be a number, {{'min': x}} or {{'max': x}}")
    if isinstance(spec, int | float):
        return "min", float(spec)
    if isinstance(spec, dict) and len(spec) == 1:
        ((kind, value),) = spec.items()
        if (
            kind in ("min", "max")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            return kind, float(value)
    raise ConfigError(
        f"{where}: a threshold must be a number, {{'min': x}} or {{'max': x}}, got {spec!r}"
    )


def validate_thresholds(data: Any, source: str = "<thresholds>") -> Thresholds:
    """Check the shape ``{set: {figure: bound}}``; raise ConfigError naming the bad entry."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected an object of gold sets")
    out: Thresholds = {}
    for name, figures in data.items():
        if name.startswith("_"):
            continue
        if not isinstance(figures, dict):
            raise ConfigError(f"{source}: '{name}' must map figures to thresholds")
        for fig, spec in figures.items():
            if not fig.startswith("_"):
                _bound(spec, f"{source}: {name}.{fig}")
        out[name] = {k: v for k, v in figures.items() if not k.startswith("_")}
    return out


def load_thresholds(path: str | Path) -> Thresholds:
    """Read and validate quality-thresholds.json."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ConfigError(
            f"cannot read thresholds {path}: {e}; fix the file or regenerate it"
        ) from e
    return validate_thresholds(data, str(path))


def check_thresholds(
    results: Sequence[EvalResult], thresholds: Thresholds, tolerance: float = 0.02
) -> list[str]:
    """Human-readable violations: figure, recorded threshold, measured value.

    Gold sets in the thresholds but not in ``results`` (e.g. a gold file that
    is absent) are skipped; a figure missing from a result that was measured is
    reported, since it means the scorer changed under the gate.
    """
    by_name = {r.name: r for r in results}
    problems: list[str] = []
    for name, figures in validate_thresholds(thresholds).items():
        result = by_name.get(name)
        if result is None:
            continue
        for fig, spec in figures.items():
            kind, recorded = _bound(spec, f"{name}.{fig}")
            if fig not in result.metrics:
                problems.append(f"{name}.{fig}: recorded {recorded:g} but not measured")
                continue
            got = float(result.metrics[fig])
            if kind == "min" and got < recorded - tolerance:
                problems.append(
                    f"{name}.{fig}: measured {got:.3f}, below the recorded minimum "
                    f"{recorded:.3f} (tolerance {tolerance:g})"
                )
            elif kind == "max" and got > recorded + tolerance:
                problems.append(
                    f"{name}.{fig}: measured {got:.3f}, above the recorded maximum "
                    f"{recorded:.3f} (tolerance {tolerance:g})"
                )
    return problems


# The figures the regression gate guards (the "headline figures").
HEADLINE = {
    "plover": (
        "type_recall",
        "type_source_recall",
        "type_source_target_recall",
        "precision",
        "extra_events_per_sentence",
        "source_country_acc",
        "target_country_acc",
    ),
    "cameo_class": ("accuracy", "macro_f1"),
    "cameo_ner": ("source_f1", "target_f1", "span_f1"),
    "petrarch": ("root_agreement", "code_agreement", "actor_agreement", "no_event_correct"),
    "location": (
        "location_precision",
        "location_recall",
        "location_f1",
        "abstention_accuracy",
        "single_location_accuracy",
    ),
    "seed": ("required_found", "optional_found", "must_not_violations"),
}


def thresholds_from_results(
    results: Sequence[EvalResult], *, slack: float = 0.0, headline_only: bool = False
) -> Thresholds:
    """A thresholds dict recording today's figures (minus/plus ``slack``) for every quality figure."""
    out: Thresholds = {}
    for r in results:
        figs: dict[str, Any] = {}
        for k, v in r.metrics.items():
            if k in DESCRIPTIVE or (headline_only and k not in HEADLINE.get(r.name, ())):
                continue
            if k in LOWER_IS_BETTER:
                figs[k] = {"max": round(float(v) + slack, 3)}
            else:
                figs[k] = round(max(0.0, float(v) - slack), 3)
        out[r.name] = figs
    return out


def result_table(result: EvalResult) -> Table:
    """A compact Rich table of one result's figures, for the terminal."""
    table = Table(
        title=f"{result.name} ({len(result.errors)} errors listed, {result.seconds:.1f}s)"
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    for _, fig, value in result.table_rows():
        table.add_row(fig, value)
    return table


def render_quality_report(
    results: Sequence[EvalResult],
    *,
    version: str,
    date: str | dt.date,
    command: str,
    history: str | None = None,
) -> str:
    """Markdown for docs/QUALITY.md: every figure, the date, the version, the command.

    Only figures and counts go in: the gold sets' sentences are not the
    project's to publish, so no error examples are quoted.
    """
    lines = [
        "# Quality",
        "",
        f"Measured on {date} with eventwire {version}. Regenerate with:",
        "",
        "```",
        command,
        "```",
        "",
        "Definitions of every figure: [evaluation.md](evaluation.md). "
        "Fractions are shares in [0, 1]; the gold sets live outside the repository.",
        "",
        "| gold set | sentences | errors listed | seconds |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        n = r.metrics.get("n_sentences", r.metrics.get("n_codings", ""))
        lines.append(f"| {r.name} | {n} | {len(r.errors)} | {r.seconds:.1f} |")
    for r in results:
        lines += ["", f"## {r.name}", ""]
        if r.source:
            lines += [f"Gold: `{Path(r.source).name}`", ""]
        lines += ["| figure | value |", "|---|---:|"]
        lines += [f"| {k} | {format_metric(v)} |" for k, v in r.metrics.items()]
    if history:  # the hand-kept record of which change moved which figure
        lines += ["", history.strip()]
    return "\n".join(lines) + "\n"
