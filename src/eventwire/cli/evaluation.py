"""eventwire eval: score the coder against gold data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from rich.console import Console

from eventwire import __version__
from eventwire.cli.main import (
    err,
    fail_clearly,
    main,
)
from eventwire.config import DEFAULT_MODEL


@main.command(name="eval")
@click.argument("gold", required=False, type=click.Path(exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["plover", "cameo_class", "cameo_ner", "petrarch", "location", "seed"]),
    help="Gold format (default: detect).",
)
@click.option(
    "--all",
    "run_all",
    is_flag=True,
    help="Run every development set under --gold-dir and the seed.",
)
@click.option("--gold-dir", default="../shared/gold", show_default=True, type=click.Path())
@click.option("--seed-dir", default="../shared/seed", show_default=True, type=click.Path())
@click.option("--limit", type=int, help="Score only the first N records of each set.")
@click.option(
    "--json", "json_out", type=click.Path(dir_okay=False), help="Write all figures as JSON."
)
@click.option(
    "--errors",
    "errors_out",
    type=click.Path(dir_okay=False),
    help="Write every miss and false event (JSON Lines).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    help="Write the Markdown quality report (docs/QUALITY.md).",
)
@click.option(
    "--check",
    "thresholds",
    type=click.Path(dir_okay=False, exists=True),
    help="Fail if a figure is below the thresholds file.",
)
@click.option(
    "--record",
    "record_out",
    type=click.Path(dir_okay=False),
    help="Write today's headline figures as a thresholds file (to raise the gate).",
)
@click.option("--model", default=DEFAULT_MODEL, show_default=True)
@fail_clearly
def eval_(
    gold,
    fmt,
    run_all,
    gold_dir,
    seed_dir,
    limit,
    json_out,
    errors_out,
    report,
    thresholds,
    record_out,
    model,
) -> None:
    """Score the coder against gold data.

    \b
    Examples:
      eventwire eval ../shared/gold/plover_gsr_dev.json
      eventwire eval --all --report docs/QUALITY.md --json quality.json
      eventwire eval --all --check quality-thresholds.json
    """
    from eventwire import evaluate

    if not gold and not run_all:
        raise click.UsageError("give a GOLD file or --all")
    extractor = evaluate.evaluation_coder(model)
    if run_all:
        results = evaluate.evaluate_all(Path(gold_dir), Path(seed_dir), extractor, limit=limit)
    else:
        results = [evaluate.evaluate(Path(gold), extractor, fmt=fmt, limit=limit)]
    for result in results:
        Console().print(evaluate.result_table(result))
    if json_out:
        Path(json_out).write_text(
            json.dumps({r.name: r.metrics for r in results}, indent=2) + "\n", encoding="utf-8"
        )
    if errors_out:
        with open(errors_out, "w", encoding="utf-8") as fh:
            for r in results:
                for error in r.errors:
                    fh.write(json.dumps({"set": r.name, **error}, ensure_ascii=False) + "\n")
    if report:
        command = "eventwire eval --all --report " + report
        history_file = Path(report).with_name("quality-history.md")
        history = history_file.read_text(encoding="utf-8") if history_file.exists() else None
        text = evaluate.render_quality_report(
            results,
            version=__version__,
            date=dt.date.today().isoformat(),
            command=command,
            history=history,
        )
        Path(report).write_text(text, encoding="utf-8")
    if record_out:
        recorded = evaluate.thresholds_from_results(results, headline_only=True)
        Path(record_out).write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
    if thresholds:
        problems = evaluate.check_thresholds(
            results, json.loads(Path(thresholds).read_text(encoding="utf-8"))
        )
        for problem in problems:
            err.print(f"[red]regression[/] {problem}")
        if problems:
            raise click.ClickException(f"{len(problems)} figure(s) below their thresholds")
