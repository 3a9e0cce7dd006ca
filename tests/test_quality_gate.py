"""The regression gate: today's figures on the development sets may not fall below the
committed thresholds (quality-thresholds.json) by more than the tolerance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire import evaluate
from eventwire.models import Actor, Event, EventDate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
THRESHOLDS = json.loads((ROOT / "quality-thresholds.json").read_text(encoding="utf-8"))

needs_gold = pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared/gold absent")


def _bad_coder(articles):
    """Codes every sentence as a fight between two wrong countries."""
    out = []
    for a in articles:
        actor = Actor("Atlantis", "ATLGOV", "ATL", "GOV", None, 0, min(8, len(a.text)))
        out.append(
            [
                Event(
                    a.id,
                    0,
                    a.text,
                    0,
                    len(a.text),
                    actor,
                    actor,
                    "190",
                    "Use force",
                    "ASSAULT",
                    None,
                    4,
                    -10.0,
                    EventDate(a.date.isoformat(), "publication"),
                    None,
                    0.5,
                    "bad",
                    "x",
                    0,
                    1,
                )
            ]
        )
    return out


@needs_gold
def test_gate_refuses_a_bad_coder():
    results = [
        evaluate.evaluate(SHARED / "gold" / "plover_gsr_dev.json", _bad_coder),
        evaluate.evaluate(SHARED / "gold" / "petr2_gsr_validation.xml", _bad_coder),
    ]
    problems = evaluate.check_thresholds(results, THRESHOLDS)
    assert any("type_recall" in p for p in problems), problems
    assert any("no_event_correct" in p for p in problems), problems


@needs_gold
@pytest.mark.slow
def test_development_sets_meet_thresholds():
    results = evaluate.evaluate_all(SHARED / "gold", SHARED / "seed", evaluate.evaluation_coder())
    problems = evaluate.check_thresholds(results, THRESHOLDS)
    assert not problems, "\n".join(problems)
