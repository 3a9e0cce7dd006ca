"""Throughput benchmark: parse ceiling (a) vs extract (b) vs code with the database (c).

The same as ``eventwire bench``; run from the repository root:

    python benchmarks/bench.py                       # 2,000 articles, 2 processes
    python benchmarks/bench.py --articles 200 --processes 1 --stages parse,extract

The shared VOA corpus (../shared/corpus/voa_stories.jsonl) is repeated to
--articles in a temporary folder; figures and targets are in docs/performance.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from eventwire.cli.bench import bench

    bench(prog_name="benchmarks/bench.py")
