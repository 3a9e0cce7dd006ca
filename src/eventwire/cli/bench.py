"""``eventwire bench``: how close end-to-end coding comes to the parse it cannot avoid.

One run measures, on the same corpus, batch size and process count:

- (a) ``parse``: spaCy alone with the components eventwire loads (the ceiling);
- (b) ``extract``: eventwire end to end without a database (reading, parsing, coding,
  JSON serialisation);
- (c) ``code``: the same into a fresh DuckDB file (de-duplication, clustering, storage).

Each stage runs in a fresh Python process so its peak memory is its own; the model
load and one-off table loads happen before the clock starts. Wall time gives
articles/s; CPU seconds of the stage process and its workers give a figure that
other load on the machine does not distort (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from eventwire.cli.main import err, fail_clearly, main
from eventwire.config import DEFAULT_MODEL
from eventwire.errors import EventwireError, InputError

STAGES = ("parse", "extract", "code")
#: The targets of issue 10, on a 2-core machine.
TARGETS = {
    "extract_ratio": 0.85,
    "code_ratio": 0.80,
    "articles_per_hour": 60_000,
    "worker_peak_mb": 600,
}
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘(]?[A-Z0-9])")


def default_corpus() -> Path:
    """The shared VOA corpus beside the repository (``../shared/corpus``), if present."""
    name = Path("shared", "corpus", "voa_stories.jsonl")
    here = Path(__file__).resolve()
    for root in (Path.cwd().parent, here.parents[4] if len(here.parents) > 4 else Path.cwd()):
        if (root / name).is_file():
            return root / name
    return Path.cwd().parent / name


def repeat_corpus(source: str | Path, n: int, out_dir: str | Path) -> Path:
    """Write ``n`` articles cycling through the JSON Lines ``source`` into ``out_dir``.

    Copy ``k`` of a story gets the id ``<id>~k`` and its sentences in a fixed
    shuffled order, so every text is distinct (exact-duplicate detection would
    otherwise skip the repeats before parsing) while the words parsed stay the same.
    """
    path = Path(source)
    try:
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read the benchmark corpus {path}: {e}") from e
    if not records:
        raise InputError(f"the benchmark corpus {path} has no records")
    out = Path(out_dir) / f"bench_{n}.jsonl"
    seen: set[str] = set()
    with out.open("w", encoding="utf-8") as f:
        for i in range(n):
            record = dict(records[i % len(records)])
            copy = i // len(records)
            text = record["text"]
            if copy:
                sentences = _SENTENCE_END.split(text)
                for seed in range(copy, copy + 50):
                    random.Random(seed).shuffle(sentences)
                    text = " ".join(sentences)
                    if text not in seen:
                        break
                record["id"] = f"{record['id']}~{copy}"
            seen.add(text)
            record["text"] = text
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


# -- measuring one stage (in its own process) -----------------------------------------------


class _MemorySampler:
    """Peak RSS of this process and of each descendant, sampled every ``interval`` seconds."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:  # the kernel's ru_maxrss figures below still apply
            return
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                procs = [me, *me.children(recursive=True)]
            except psutil.Error:
                procs = [me]
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                self.peaks[proc.pid] = max(self.peaks.get(proc.pid, 0), rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> _MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_seconds() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _stage(config: dict[str, Any]) -> dict[str, Any]:
    """Run one stage on the corpus and return its figures (called in a fresh process)."""
    import multiprocessing

    from eventwire.config import Settings
    from eventwire.ingest import ReadOptions, read_inputs
    from eventwire.models import Article
    from eventwire.nlp import load_nlp, parse
    from eventwire.pipeline import Pipeline
    from eventwire.run import RunSummary, code_files, extract_files
    from eventwire.store import Database

    stage, corpus = config["stage"], config["corpus"]
    settings = Settings(
        model=config["model"], batch_size=config["batch_size"], n_process=config["processes"]
    )
    options = ReadOptions(date_field=config["date_field"])
    articles = [a for a in read_inputs([corpus], options) if isinstance(a, Article)]
    words = sum(len(a.text.split()) for a in articles)
    nlp = load_nlp(settings.model)
    # Warm the per-process caches (tables, gazetteer, date parser) before the clock starts.
    warm = Pipeline(Settings(model=settings.model, batch_size=settings.batch_size))
    warm.extract_batch(articles[:4])
    pipeline = Pipeline(settings) if stage != "parse" else None
    workdir = Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
    events = 0
    load_before = os.getloadavg()[0]
    own0, kids0 = _cpu_seconds()
    with _MemorySampler() as memory:
        started = time.perf_counter()
        if stage == "parse":
            texts = ((i, a.text) for i, a in enumerate(articles))
            done = sum(
                1
                for _ in parse(
                    nlp,
                    texts,
                    max_chars=settings.max_chunk_chars,
                    batch_size=settings.batch_size,
                    n_process=settings.n_process,
                )
            )
        elif stage == "extract" and pipeline is not None:
            summary = RunSummary()
            with open(os.devnull, "w", encoding="utf-8") as sink, pipeline:
                for event in extract_files([corpus], pipeline, options=options, summary=summary):
                    sink.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
            done, events = summary.articles, summary.events
        elif stage == "code" and pipeline is not None:
            with Database(workdir / "bench.duckdb") as db, pipeline:
                summary = code_files([corpus], db, pipeline, options=options)
                counts = db.counts()
            done, events = summary.articles, counts["events"]
        else:
            raise EventwireError(f"unknown benchmark stage {stage!r}; use one of {STAGES}")
        seconds = time.perf_counter() - started
        multiprocessing.active_children()  # reap finished workers so their CPU time counts
    own1, kids1 = _cpu_seconds()
    me = os.getpid()
    kernel_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kernel_kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    workers = [rss for pid, rss in memory.peaks.items() if pid != me]
    main_peak = max(memory.peaks.get(me, 0), kernel_self)
    worker_peak = max([*workers, kernel_kids]) if settings.n_process > 1 else main_peak
    return {
        "stage": stage,
        "articles": done,
        "words": words if done == len(articles) else None,
        "events": events,
        "seconds": round(seconds, 3),
        "cpu_seconds": round((own1 - own0) + (kids1 - kids0), 3),
        "main_peak_mb": round(main_peak / 2**20, 1),
        "worker_peak_mb": round(worker_peak / 2**20, 1),
        "processes": settings.n_process,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


_CHILD = "import sys; from eventwire.cli.bench import stage_main; stage_main(sys.argv[1])"


def stage_main(config_json: str) -> None:
    """Entry point of the stage process: run the stage, write its figures as one JSON line."""
    sys.stdout.write(json.dumps(_stage(json.loads(config_json))) + "\n")


def run_stage(config: dict[str, Any]) -> dict[str, Any]:
    """Run one stage in a fresh interpreter (so memory and caches start from nothing)."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise EventwireError(
            f"benchmark stage {config['stage']!r} failed (exit {proc.returncode}):\n"
            f"{proc.stderr[-3000:]}"
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the whole benchmark ----------------------------------------------------------------------


def run_benchmark(
    corpus: str | Path,
    *,
    articles: int = 2000,
    processes: int = 2,
    batch_size: int = 64,
    model: str = DEFAULT_MODEL,
    stages: Sequence[str] = STAGES,
    rounds: int = 1,
    date_field: str = "published",
    on_stage: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Measure ``stages`` on ``corpus`` repeated to ``articles``; the median round of each stage."""
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        raise EventwireError(f"unknown benchmark stage(s) {unknown}; use some of {STAGES}")
    with _temporary_dir() as tmp:
        repeated = repeat_corpus(corpus, articles, tmp)
        runs: dict[str, list[dict[str, Any]]] = {s: [] for s in stages}
        for _ in range(rounds):  # rounds interleave the stages, so drifting load hits all
            for stage in stages:
                config = {
                    "stage": stage,
                    "corpus": str(repeated),
                    "model": model,
                    "batch_size": batch_size,
                    "processes": processes,
                    "date_field": date_field,
                }
                result = run_stage(config)
                runs[stage].append(result)
                if on_stage:
                    on_stage(result)
    results = {
        s: _with_rates(sorted(r, key=lambda x: x["seconds"])[len(r) // 2]) for s, r in runs.items()
    }
    return {
        "corpus": str(corpus),
        "articles": articles,
        "processes": processes,
        "batch_size": batch_size,
        "model": model,
        "cpu_count": os.cpu_count(),
        "rounds": rounds,
        "stages": results,
        "ratios": _ratios(results),
        "targets": _targets(results, processes),
    }


def _with_rates(r: dict[str, Any]) -> dict[str, Any]:
    seconds = max(r["seconds"], 1e-9)
    r = dict(r)
    r["articles_per_s"] = round(r["articles"] / seconds, 2)
    r["words_per_s"] = round(r["words"] / seconds) if r["words"] else None
    r["articles_per_hour"] = round(3600 * r["articles"] / seconds)
    r["cpu_ms_per_article"] = round(1000 * r["cpu_seconds"] / max(r["articles"], 1), 1)
    # What the stage would do with its cores to itself: CPU cost is what load elsewhere
    # on the machine distorts least (docs/performance.md#reading-the-figures).
    r["cpu_bound_per_hour"] = round(
        3600 * r["processes"] * 1000 / max(r["cpu_ms_per_article"], 1e-9)
    )
    return r


def _ratios(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """(b)/(a) and (c)/(a) by wall-clock throughput, and by CPU cost per article."""
    out: dict[str, float] = {}
    parse = results.get("parse")
    if not parse:
        return out
    for stage in ("extract", "code"):
        if stage in results:
            r = results[stage]
            out[f"{stage}_ratio"] = round(r["articles_per_s"] / parse["articles_per_s"], 3)
            out[f"{stage}_cpu_ratio"] = round(
                parse["cpu_ms_per_article"] / max(r["cpu_ms_per_article"], 1e-9), 3
            )
    return out


def _targets(results: dict[str, dict[str, Any]], processes: int) -> dict[str, dict[str, Any]]:
    ratios = _ratios(results)
    out: dict[str, dict[str, Any]] = {}
    for key in ("extract_ratio", "code_ratio"):
        if key in ratios:
            out[key] = {
                "value": ratios[key],
                "target": TARGETS[key],
                "met": ratios[key] >= TARGETS[key],
            }
    end_to_end = results.get("code") or results.get("extract")
    if end_to_end:
        value = end_to_end["articles_per_hour"]
        target = TARGETS["articles_per_hour"]
        out["articles_per_hour"] = {"value": value, "target": target, "met": value >= target}
    coded = [r for s, r in results.items() if s != "parse"] or list(results.values())
    peak = max(r["worker_peak_mb"] for r in coded)  # eventwire's own processes
    out["worker_peak_mb"] = {
        "value": peak,
        "target": TARGETS["worker_peak_mb"],
        "met": peak <= TARGETS["worker_peak_mb"],
    }
    return out


def format_report(report: dict[str, Any]) -> str:
    """The benchmark as a plain-text table (also pasted into docs/performance.md)."""
    names = {"parse": "(a) parse", "extract": "(b) extract", "code": "(c) code+DB"}
    lines = [
        f"{report['articles']} articles, {report['processes']} process(es), batch size "
        f"{report['batch_size']}, {report['cpu_count']} CPUs, model {report['model']}",
        "",
        f"{'stage':<13}{'art/s':>8}{'words/s':>9}{'art/hour':>10}{'vs (a)':>8}"
        f"{'CPU ms/art':>11}{'CPU vs (a)':>11}{'CPU-bound/h':>12}{'main MB':>9}{'worker MB':>10}"
        f"{'events':>8}{'load':>11}",
    ]
    ratios = report["ratios"]
    for stage, r in report["stages"].items():
        wall = ratios.get(f"{stage}_ratio", 1.0 if stage == "parse" else None)
        cpu = ratios.get(f"{stage}_cpu_ratio", 1.0 if stage == "parse" else None)
        load = "→".join(f"{x:.1f}" for x in r["load_average"])
        lines.append(
            f"{names[stage]:<13}{r['articles_per_s']:>8.2f}{r['words_per_s'] or 0:>9}"
            f"{r['articles_per_hour']:>10}{_fmt(wall):>8}{r['cpu_ms_per_article']:>11.1f}"
            f"{_fmt(cpu):>11}{r['cpu_bound_per_hour']:>12}{r['main_peak_mb']:>9.0f}"
            f"{r['worker_peak_mb']:>10.0f}"
            f"{r['events']:>8}{load:>11}"
        )
    lines.append("")
    for key, t in report["targets"].items():
        mark = "met" if t["met"] else "NOT met"
        lines.append(f"target {key}: {t['value']} (target {t['target']}) {mark}")
    return "\n".join(lines)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


@contextmanager
def _temporary_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="eventwire-bench-") as tmp:
        yield Path(tmp)


@main.command()
@click.option(
    "--corpus",
    type=click.Path(exists=True, dir_okay=False),
    help="JSON Lines corpus (id, published, text); default ../shared/corpus/voa_stories.jsonl.",
)
@click.option("--articles", default=2000, show_default=True, help="Repeat the corpus to this many.")
@click.option("--processes", default=2, show_default=True, help="Parser/coder processes.")
@click.option("--batch-size", default=64, show_default=True, help="nlp.pipe batch size.")
@click.option("--model", default=DEFAULT_MODEL, show_default=True)
@click.option(
    "--stages",
    default=",".join(STAGES),
    show_default=True,
    help="Comma-separated subset of parse,extract,code.",
)
@click.option("--rounds", default=1, show_default=True, help="Repeat and report the median.")
@click.option(
    "--json", "json_out", type=click.Path(dir_okay=False), help="Also write the figures here."
)
@fail_clearly
def bench(
    corpus: str | None,
    articles: int,
    processes: int,
    batch_size: int,
    model: str,
    stages: str,
    rounds: int,
    json_out: str | None,
) -> None:
    """Throughput: the parse ceiling (a) against extract (b) and code with the database (c).

    The corpus is repeated to --articles in a temporary folder (never in the project).
    Each stage runs in a fresh process; see docs/performance.md for the figures.

    \b
    Examples:
      eventwire bench
      eventwire bench --articles 200 --processes 1 --stages parse,extract
      eventwire bench --rounds 3 --json bench.json
    """
    source = Path(corpus) if corpus else default_corpus()
    if not source.is_file():
        raise click.UsageError(f"no corpus at {source}; pass --corpus FILE.jsonl")

    def show(result: dict[str, Any]) -> None:
        err.print(
            f"{result['stage']}: {result['articles']} articles in {result['seconds']:.1f}s "
            f"({result['articles'] / max(result['seconds'], 1e-9):.2f}/s)"
        )

    report = run_benchmark(
        source,
        articles=articles,
        processes=processes,
        batch_size=batch_size,
        model=model,
        stages=[s.strip() for s in stages.split(",") if s.strip()],
        rounds=rounds,
        on_stage=show,
    )
    click.echo(format_report(report))
    if json_out:
        Path(json_out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
