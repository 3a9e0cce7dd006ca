"""Who held which office when: names of leaders resolved for the article's date.

"Putin warned" means the Russian government in 2005 and in 2024, but "Obama said"
means the US government only while he was president. The bundled tables
(``data/office_holders*.tsv``, format in docs/offices.md) give each office
holder's actor code with the dates the office was held, so the resolver can ask
"who is this name on the day this article was written".

Rows are validated once on load: dates, codes, roles, and that two different
people never hold the same single office (a country's head of state, head of
government, foreign or defence minister) on overlapping dates, because such an
overlap is almost always a typing error that would code events to the wrong
person. A date written to the month only (``2019-06``) is read generously for
lookups (the whole month) and strictly for the overlap check (an overlap that is
only possible inside that month is not an error).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.actor_tables import normalise, table_rows
from eventwire.errors import DataFileError

DATA_DIR = Path(__file__).resolve().parent / "data"
COLUMNS = ("name", "aliases", "code", "role", "valid_from", "valid_to", "note")

#: Every role a row may carry, in the order lookups rank them: when one name holds
#: several offices on a day, the first row returned is the one to code with.
ROLES: dict[str, str] = {
    "head_of_state_and_government": "an executive president or monarch who also heads the government",
    "head_of_government": "prime minister, premier, chancellor, or an executive president "
    "where a supreme leader or monarch is head of state",
    "head_of_state": "president, monarch, or chair of a collective or military head of state",
    "joint_head_of_state": "one of several people holding a collective head of state together, "
    "e.g. San Marino's two Captains Regent",
    "de_facto_leader": "holds executive power without the formal office (North Korea's Kim "
    "Jong-il, a ruling crown prince, an acting leader)",
    "party_leader": "head of the ruling party of a one-party state (China, Vietnam, Cuba)",
    "igo_head": "head of an intergovernmental organisation (code of organisations.tsv)",
    "foreign_minister": "minister or secretary of foreign affairs",
    "defence_minister": "minister or secretary of defence (coded MIL, as in sectors.tsv)",
    "group_leader": "leader of an armed or political group (code of organisations.tsv)",
    "other_office": "another office coded with this actor code (see the note column)",
    "opposition_leader": "leader of the opposition (coded OPP)",
}
#: Offices one person holds at a time in a country; two holders may not overlap.
SINGLE_OFFICES = frozenset(
    {
        "head_of_state",
        "head_of_government",
        "head_of_state_and_government",
        "foreign_minister",
        "defence_minister",
    }
)
_COMBINED = "head_of_state_and_government"
#: Countries whose leaders' names are written family name first ("Xi Jinping", "Moon
#: Jae-in"): their first word is a surname too ("Xi said").
FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK"})
_TRANSNATIONAL = ("IMG", "NGO", "MNC")
_CODE = re.compile(r"(?:[A-Z]{3})+")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_FOLD = str.maketrans(
    {"ı": "i", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "æ": "ae", "œ": "oe"}
)
_NOT_ALNUM = re.compile(r"[^a-z0-9 ]+")
_GENERATIONAL = frozenset({"jr", "sr", "ii", "iii", "iv", "vi", "xiv", "xvi"})


def name_key(text: str) -> str:
    """Lookup key of a name: case, accents, hyphens, spaces and punctuation ignored."""
    return fold(text).replace(" ", "")


def fold(text: str) -> str:
    """``normalise`` plus letters NFKD cannot split (ı, ł, đ, ø) and no punctuation."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOT_ALNUM.sub("", normalise(text).replace("'", ""))
    return " ".join(text.split())


@dataclass(frozen=True)
class OfficeHolder:
    """One person in one office for one period; ``valid_to`` None means still in office."""

    name: str
    aliases: tuple[str, ...]
    code: str
    country: str | None  # ISO3, an IGO's code ("UNO"), or None for transnational groups
    sector: str | None
    role: str
    valid_from: dt.date
    valid_to: dt.date | None
    source: str  # "file:line"
    note: str = field(default="", compare=False)

    def valid_on(self, day: dt.date) -> bool:
        """True if this row applies to an article dated ``day`` (both ends inclusive)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def period(self) -> str:
        return f"{self.valid_from.isoformat()} to {self.valid_to or 'now'}"


@dataclass
class OfficeTable:
    """All office-holder rows, indexed by name key and by surname key."""

    holders: tuple[OfficeHolder, ...]
    _by_name: dict[str, list[OfficeHolder]] = field(default_factory=dict, repr=False)
    _by_surname: dict[str, list[OfficeHolder]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for holder in self.holders:
            for form in {name_key(n) for n in (holder.name, *holder.aliases)}:
                self._by_name.setdefault(form, []).append(holder)
            for form in _surname_keys(holder):
                self._by_surname.setdefault(form, []).append(holder)

    def __len__(self) -> int:
        return len(self.holders)

    def lookup(self, name: str, day: dt.date) -> list[OfficeHolder]:
        """Rows whose name or alias is exactly ``name`` and that apply on ``day``, best first.

        Several rows come back when one person held several offices that day
        (Netanyahu as prime minister and defence minister) or when one alias names
        two people ("King Abdullah" in 2010): compare their codes before coding.
        """
        return _ranked(h for h in self._by_name.get(name_key(name), ()) if h.valid_on(day))

    def by_surname(self, surname: str, day: dt.date) -> list[OfficeHolder]:
        """One row per person whose name ends with ``surname`` and who held office on ``day``.

        The resolver uses a surname alone ("Mitsotakis said") only when exactly one
        person matches; each person's best row for the day is returned.
        """
        rows = _ranked(h for h in self._by_surname.get(name_key(surname), ()) if h.valid_on(day))
        seen: set[str] = set()
        out: list[OfficeHolder] = []
        for row in rows:
            person = name_key(row.name)
            if person not in seen:
                seen.add(person)
                out.append(row)
        return out

    def leader_country(self, surname: str) -> str | None:
        """The country whose head of state or government bore ``surname`` at any time,
        when there is exactly one ("the Bush administration", "the Assad regime")."""
        heads = {"head_of_state", "head_of_government", "head_of_state_and_government"}
        countries = {
            h.country
            for h in self._by_surname.get(name_key(surname), ())
            if h.role in heads and h.country
        }
        return countries.pop() if len(countries) == 1 else None

    def explain(self, name: str, day: dt.date) -> list[str]:
        """Every row for ``name`` with its validity and whether it applies on ``day``."""
        rows = self._by_name.get(name_key(name), [])
        how = "name"
        if not rows:
            rows, how = self._by_surname.get(name_key(name), []), "surname"
        if not rows:
            return [f"{name!r}: no office-holder row by name or surname"]
        lines = [f"{name!r} on {day.isoformat()} (matched by {how}):"]
        for h in sorted(rows, key=lambda r: (r.valid_from, r.name)):
            mark = "APPLIES" if h.valid_on(day) else "not on this date"
            note = f", {h.note}" if h.note else ""
            lines.append(
                f"  {h.code:<9} {h.name} ({h.role}{note}) {h.period()}: {mark} [{h.source}]"
            )
        return lines


def _ranked(rows: Iterator[OfficeHolder] | list[OfficeHolder]) -> list[OfficeHolder]:
    order = {role: i for i, role in enumerate(ROLES)}
    return sorted(rows, key=lambda h: (order[h.role], h.valid_from))


def _surname_keys(holder: OfficeHolder) -> set[str]:
    """Keys of every trailing word run of the name and aliases ("al Assad", "Assad")."""
    keys: set[str] = set()
    for form in (holder.name, *holder.aliases):
        words = fold(form).split()
        if len(words) == 1:
            keys.add(words[0])  # a one-word name ("Suharto", "Lula")
        while len(words) > 1 and words[-1] in _GENERATIONAL:
            words.pop()  # "Benigno Aquino III" -> "Aquino"; "Mohammed VI" gives no surname
        for i in range(1, len(words)):
            keys.add("".join(words[i:]))
        if holder.country in FAMILY_NAME_FIRST and len(words) > 1:
            keys.add(words[0])
    return keys


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Row:
    holder: OfficeHolder
    path: str
    line: int
    firm_from: dt.date  # latest day the office can have started
    firm_to: dt.date  # earliest day it can have ended (date.max while in office)


def _parse_date(text: str, path: Path, line: int, column: str) -> tuple[dt.date, dt.date]:
    """(first, last) day a date of day, month or year precision can mean."""
    m = _DATE.fullmatch(text)
    try:
        if not m:
            raise ValueError("not YYYY-MM-DD, YYYY-MM or YYYY")
        year, month, day = int(m[1]), m[2], m[3]
        if day:
            first = last = dt.date(year, int(month), int(day))
        elif month:
            first = dt.date(year, int(month), 1)
            nxt = dt.date(year + int(month) // 12, int(month) % 12 + 1, 1)
            last = nxt - dt.timedelta(days=1)
        else:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError as e:
        raise DataFileError(
            str(path), line, f"{column} {text!r} is not an ISO date (YYYY-MM-DD or YYYY-MM): {e}"
        ) from e
    return first, last


def _known_countries() -> set[str] | None:
    """ISO3s and organisation country codes of the actor tables, if they load."""
    try:
        from eventwire.actor_tables import load_actor_tables
    except ImportError:
        return None
    tables = load_actor_tables()
    known = set(tables.countries)
    known |= {org.country for org in tables.organisations.values() if org.country}
    known |= {org.country for org in tables.org_abbreviations.values() if org.country}
    return known


def _split_code(
    code: str, known: set[str] | None, path: Path, line: int
) -> tuple[str | None, str | None]:
    if not _CODE.fullmatch(code):
        raise DataFileError(
            str(path),
            line,
            f"code {code!r} must be capital letters in groups of three (TURGOV, IGOUNO, PSEREB)",
        )
    parts = [code[i : i + 3] for i in range(0, len(code), 3)]
    if parts[0] == "IGO":
        country, sector = (parts[1] if len(parts) > 1 else None), "IGO"
    elif parts[0] in _TRANSNATIONAL:
        country, sector = None, parts[1] if len(parts) > 1 else parts[0]
    else:
        country, sector = parts[0], parts[1] if len(parts) > 1 else None
    if known is not None and country is not None and country not in known:
        raise DataFileError(
            str(path),
            line,
            f"{country!r} in code {code!r} is neither a country in countries.tsv nor an "
            "organisation code in organisations.tsv",
        )
    return country, sector


def _read(path: Path, known: set[str] | None) -> Iterator[_Row]:
    for number, cells in table_rows(path, COLUMNS, 5):
        name, aliases_c, code, role, from_c, to_c, note = cells
        if not name:
            raise DataFileError(str(path), number, "the name column is empty")
        if role not in ROLES:
            raise DataFileError(
                str(path),
                number,
                f"unknown role {role!r}; use one of {', '.join(ROLES)} (docs/offices.md)",
            )
        country, sector = _split_code(code, known, path, number)
        if not from_c:
            raise DataFileError(str(path), number, "valid_from is empty")
        start, firm_from = _parse_date(from_c, path, number, "valid_from")
        end: dt.date | None = None
        firm_to = dt.date.max
        if to_c:
            firm_to, end = _parse_date(to_c, path, number, "valid_to")
            if end < start:
                raise DataFileError(
                    str(path), number, f"valid_to {to_c} is before valid_from {from_c}"
                )
        aliases = tuple(a.strip() for a in aliases_c.split("|") if a.strip())
        holder = OfficeHolder(
            name, aliases, code, country, sector, role, start, end, f"{path.name}:{number}", note
        )
        yield _Row(holder, str(path), number, firm_from, firm_to)


def _conflicting(a: str, b: str) -> bool:
    heads = {"head_of_state", "head_of_government", _COMBINED}
    return a == b or (_COMBINED in (a, b) and {a, b} <= heads)


def _check_overlaps(rows: list[_Row]) -> None:
    """Two people in one single office on overlapping dates is an error naming both lines."""
    by_country: dict[str, list[_Row]] = {}
    for row in rows:
        h = row.holder
        if h.role in SINGLE_OFFICES and h.country:
            by_country.setdefault(h.country, []).append(row)
    for group in by_country.values():
        group.sort(key=lambda r: r.firm_from)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if b.firm_from >= a.firm_to:
                    break  # sorted by start: no later row can overlap ``a``
                ha, hb = a.holder, b.holder
                if not _conflicting(ha.role, hb.role) or name_key(ha.name) == name_key(hb.name):
                    continue
                if min(a.firm_to, b.firm_to) > max(a.firm_from, b.firm_from):
                    raise DataFileError(
                        b.path,
                        b.line,
                        f"{hb.name} ({hb.role} {hb.country}, {hb.period()}) overlaps "
                        f"{ha.name} ({ha.role}, {ha.period()}) at {a.path}:{a.line}; "
                        "one office has one holder at a time: fix the dates",
                    )


def bundled_paths() -> list[Path]:
    """The bundled ``office_holders*.tsv`` files, in a stable order."""
    return sorted(DATA_DIR.glob("office_holders*.tsv"))


def read_office_table(paths: Sequence[Path | str]) -> OfficeTable:
    """Read and validate office-holder tables (uncached; for tests and user tables)."""
    known = _known_countries()
    rows = [row for path in paths for row in _read(Path(path), known)]
    _check_overlaps(rows)
    return OfficeTable(tuple(r.holder for r in rows))


@functools.cache
def _bundled() -> OfficeTable:
    return read_office_table(bundled_paths())


def load_office_table(paths: Sequence[Path] | None = None) -> OfficeTable:
    """The bundled table (read once per process), or the given files read and validated."""
    if paths is None:
        return _bundled()
    return read_office_table(paths)
