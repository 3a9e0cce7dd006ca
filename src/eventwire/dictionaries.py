"""User actor dictionaries (``--actors FILE``): names and aliases with a code and validity dates.

CSV with a header: ``name,aliases,code,country,sector,valid_from,valid_to``;
aliases are ``|``-separated; dates are ISO and optional (inclusive). An entry
applies only to articles dated inside its validity window.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from eventwire.actors import UserActor
from eventwire.errors import DataFileError

REQUIRED = ("name", "code")


def load_user_actors(path: str | Path) -> list[UserActor]:
    """Read and validate a user actor dictionary; errors name the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(str(path), None, f"cannot read the actor dictionary: {e}") from e
    rows = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (rows.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataFileError(
            str(path),
            1,
            f"missing column(s) {', '.join(missing)}; expected {', '.join(REQUIRED)} "
            "and optionally aliases, country, sector, valid_from, valid_to",
        )
    out: list[UserActor] = []
    for line, raw in enumerate(rows, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not row.get("name"):
            raise DataFileError(str(path), line, "empty name")
        code = row["code"].upper()
        if not code.isalpha() or len(code) < 3:
            raise DataFileError(
                str(path), line, f"code {code!r} is not a CAMEO actor code such as USAGOV"
            )
        country = (row.get("country") or code[:3]).upper() or None
        sector = (row.get("sector") or code[3:6]).upper() or None
        valid_from = _date(row.get("valid_from"), path, line)
        valid_to = _date(row.get("valid_to"), path, line)
        if valid_from and valid_to and valid_to < valid_from:
            raise DataFileError(str(path), line, "valid_to is before valid_from")
        aliases = [a.strip() for a in row.get("aliases", "").split("|") if a.strip()]
        out.append(
            UserActor(
                names=(row["name"], *aliases),
                code=code,
                country=country,
                sector=sector,
                name=row["name"],
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return out


def _date(value: str | None, path: Path, line: int) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise DataFileError(str(path), line, f"{value!r} is not a date (YYYY-MM-DD)") from e
