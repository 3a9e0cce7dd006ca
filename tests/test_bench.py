"""The throughput benchmark: its corpus and a tiny end-to-end run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eventwire.cli.bench import format_report, repeat_corpus, run_benchmark

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "voa_stories.jsonl"


def _source(tmp_path: Path) -> Path:
    records = [
        {
            "id": f"s{i}",
            "published": "2024-05-0{i}",
            "text": f"Story {i} begins here. Officials met in Paris on Monday. "
            f"They said talks would continue. A second meeting is planned {i}.",
        }
        for i in range(1, 4)
    ]
    path = tmp_path / "src.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_repeated_corpus_has_distinct_texts_with_the_same_words(tmp_path: Path) -> None:
    source = _source(tmp_path)
    out = repeat_corpus(source, 11, tmp_path)
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    originals = {r["id"]: r for r in map(json.loads, source.read_text("utf-8").splitlines())}
    assert len(rows) == 11
    assert len({r["id"] for r in rows}) == 11
    assert len({r["text"] for r in rows}) == 11  # exact-duplicate detection must not skip any
    for row in rows:
        original = originals[row["id"].split("~")[0]]
        assert Counter(row["text"].split()) == Counter(original["text"].split())
        assert row["published"] == original["published"]


@pytest.mark.slow
def test_benchmark_smoke_run(tmp_path: Path) -> None:
    source = CORPUS if CORPUS.is_file() else _source(tmp_path)
    report = run_benchmark(source, articles=4, processes=1, batch_size=8)
    stages = report["stages"]
    assert list(stages) == ["parse", "extract", "code"]
    for r in stages.values():
        assert r["articles"] == 4
        assert r["seconds"] > 0 and r["articles_per_s"] > 0 and r["words_per_s"] > 0
        assert 50 < r["main_peak_mb"] < 4000
        assert r["cpu_seconds"] > 0
    assert stages["parse"]["events"] == 0
    assert stages["extract"]["events"] > 0 and stages["code"]["events"] > 0
    assert 0 < report["ratios"]["extract_ratio"] and 0 < report["ratios"]["code_ratio"]
    assert set(report["targets"]) == {
        "extract_ratio",
        "code_ratio",
        "articles_per_hour",
        "worker_peak_mb",
    }
    text = format_report(report)
    assert "(a) parse" in text and "(c) code+DB" in text and "target code_ratio" in text
