"""Reference tables for resolving who acts: states, role nouns, organisations.

The tables are readable TSV files in ``eventwire/data`` (docs/actors.md) so that
a coder can be corrected without touching code. They are validated once on
load: a bad row raises :class:`~eventwire.errors.DataFileError` naming the file
and line, because a silent mis-mapping would corrupt every event coded after it.

Matching has two layers. Abbreviations written with two or more capitals and
no space ("US", "U.S.", "DPRK", "UN", "IS") are matched on their exact case, so
the pronoun "us" or the verb "is" can never resolve. Every other phrase is
matched after :func:`normalise`; phrases that are also common words, personal
names or other places are listed as *ambiguous* and can be refused with
``strict=True`` when the caller has no corroborating evidence (an NER label).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.errors import DataFileError

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Every sector code a table may use: the CAMEO actor codebook's role and
#: transnational codes plus the PETRARCH religion codes. Meanings follow CAMEO
#: (MED is media, HLH is health; PLOVER swapped these names).
SECTOR_CODES: dict[str, str] = {
    "GOV": "Government: executive, ministers, officials, diplomats, governing parties",
    "MIL": "Military: armed forces, soldiers, officers, the defence ministry",
    "COP": "Police and internal security forces, border guards",
    "JUD": "Judiciary: courts, judges, prosecutors, the justice ministry",
    "LEG": "Legislature: parliaments, assemblies, lawmakers",
    "ELI": "Elites: former office holders, royals outside government, tribal elders",
    "PTY": "Political parties and politicians not coded as governing or opposition",
    "OPP": "Political opposition: opposition parties, dissidents, activists, protesters",
    "REB": "Rebels: armed opposition, insurgents, militants, separatists",
    "INS": "Insurgents (CAMEO/ICEWS; eventwire codes them REB)",
    "SEP": "Separatist rebels (CAMEO/ICEWS; eventwire codes them REB)",
    "UAF": "Unaligned or unidentified armed forces: gunmen, militias, mercenaries",
    "PRM": "Paramilitary organisations not opposed to government (PLOVER)",
    "SPY": "State intelligence services and their agents",
    "CVL": "Civilians: residents, villagers, individuals without a group",
    "MED": "Media: journalists, newspapers, broadcasters, news agencies",
    "BUS": "Business: companies, business people, banks",
    "MNC": "Multinational corporations",
    "EDU": "Education: students, teachers, schools, universities",
    "HLH": "Health: doctors, nurses, hospitals",
    "REF": "Refugees, displaced people, asylum seekers, defectors",
    "LAB": "Labour: unions and workers",
    "CRM": "Criminals: gangs, cartels, smugglers, pirates",
    "AGR": "Agriculture: farmers, herders, fishermen",
    "ENV": "Environmental groups and activists",
    "DEV": "Development: aid and development bodies",
    "HRI": "Human rights bodies and defenders",
    "NGO": "Non-governmental organisations",
    "IGO": "Intergovernmental organisations",
    "IMG": "International militarised groups (transnational armed groups)",
    "UIS": "Unidentified state actor",
    "UNK": "Unidentified actor (PLOVER)",
    "SOC": "Civil society organisations not covered elsewhere (PLOVER)",
    "PRE": "Partially recognised entities (PLOVER)",
    "MOD": "Moderates",
    "RAD": "Radicals, extremists, hardliners",
    "REL": "Religious leaders and institutions, religion unspecified",
    "CHR": "Christian",
    "CTH": "Catholic",
    "MUS": "Muslim (PETRARCH spelling; CAMEO's codebook writes MOS)",
    "SUN": "Sunni Muslim",
    "SHI": "Shia Muslim",
    "JEW": "Jewish",
    "HIN": "Hindu",
    "BUD": "Buddhist",
}

#: First code component of a transnational actor that has no country.
TRANSNATIONAL_CODES = ("NGO", "IMG", "MNC")

_COUNTRY_COLUMNS = ("iso3", "name", "aliases", "demonyms", "capitals", "seats", "ambiguous")
_SECTOR_COLUMNS = ("term", "sector", "note")
_ORG_COLUMNS = ("name", "aliases", "code", "country", "sector", "note", "ambiguous")

_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": " ",
        "\u2011": " ",
        "\u2012": " ",
        "\u2013": " ",
        "\u2014": " ",
        "-": " ",
        ".": "",
    }
)
_ISO3 = re.compile(r"[A-Z]{3}")
_CODE = re.compile(r"(?:[A-Z]{3}){1,5}")


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Fold a phrase to its lookup key.

    Case, diacritics, apostrophe and quote styles, hyphens (to spaces), periods
    (so "D.R. Congo" equals "DR Congo") and a leading "the " are ignored, so the
    tables need one spelling per phrase. Exact-case abbreviations bypass this.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_QUOTES).casefold()
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


def is_abbreviation(phrase: str) -> bool:
    """True for forms matched on exact case only: no space, two or more capitals."""
    return not any(ch.isspace() for ch in phrase) and sum(ch.isupper() for ch in phrase) >= 2


def _strip_article(text: str) -> str:
    text = text.strip()
    return text[4:].lstrip() if text[:4].casefold() == "the " else text


@dataclass(frozen=True)
class Country:
    """A state or commonly reported territory and the phrases that name it."""

    iso3: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    seats: tuple[tuple[str, str | None], ...]  # (phrase, sector or None for GOV)


@dataclass(frozen=True)
class Organisation:
    """A named IGO, NGO, armed or political group, agency or news outlet.

    ``code`` is the full actor code to emit (``IGOUNO``, ``USASPY``, ``PSEREB``);
    ``country`` is an ISO3 for domestic bodies, the organisation's own code for
    IGOs (``UNO``, ``NAT``, ``EUR``), or None for transnational NGOs and groups.
    """

    name: str
    aliases: tuple[str, ...]
    code: str
    country: str | None
    sector: str | None


@dataclass(frozen=True)
class ActorTables:
    """All actor reference tables, keyed for n-gram lookup."""

    countries: dict[str, Country]  # iso3 -> Country
    country_phrases: dict[str, str]  # normalised name/alias/demonym -> iso3
    metonyms: dict[str, tuple[str, str]]  # normalised capital/seat -> (iso3, sector)
    sectors: dict[str, str]  # normalised term, singular and plural -> sector code
    organisations: dict[str, Organisation]  # normalised name/alias -> Organisation
    max_phrase_words: int  # longest phrase in any table, in normalised words
    abbreviations: dict[str, str]  # exact-case country abbreviation -> iso3
    org_abbreviations: dict[str, Organisation]  # exact-case organisation abbreviation
    ambiguous: frozenset[str]  # normalised phrases that need corroboration
    blocked: frozenset[str]  # normalised non-actor phrases ("South America")

    def country(self, text: str, *, strict: bool = False) -> str | None:
        """ISO3 of a country named, abbreviated or described by ``text``."""
        bare = _strip_article(text)
        for form in (bare, bare.replace(".", "")):
            if form in self.abbreviations:
                return self.abbreviations[form]
        key = self._proper_key(text, strict)
        return self.country_phrases.get(key) if key else None

    def metonym(self, text: str, *, strict: bool = False) -> tuple[str, str] | None:
        """(iso3, sector) for a capital or seat of government standing for a state."""
        key = self._proper_key(text, strict)
        return self.metonyms.get(key) if key else None

    def organisation(self, text: str, *, strict: bool = False) -> Organisation | None:
        """The organisation ``text`` names, or None (also for non-actor phrases)."""
        bare = _strip_article(text)
        for form in (bare, bare.replace(".", "")):
            if form in self.org_abbreviations:
                return self.org_abbreviations[form]
        key = self._proper_key(text, strict)
        return self.organisations.get(key) if key else None

    def sector(self, text: str, lemma: str | None = None) -> str | None:
        """Sector code of a role noun or term, trying the text and then its lemma."""
        for candidate in (text, lemma):
            if candidate:
                code = self.sectors.get(normalise(candidate))
                if code:
                    return code
        return None

    def is_ambiguous(self, text: str) -> bool:
        """True if ``text`` is a table phrase that is also an ordinary word or name."""
        return normalise(text) in self.ambiguous

    def is_blocked(self, text: str) -> bool:
        """True for listed non-actor phrases that must stop a shorter match."""
        return normalise(text) in self.blocked

    def _proper_key(self, text: str, strict: bool) -> str | None:
        # Names are proper nouns: "turkey" and "china" in lower case are not states.
        if not any(ch.isupper() for ch in text):
            return None
        key = normalise(text)
        if key in self.blocked or (strict and key in self.ambiguous):
            return None
        return key


# ---------------------------------------------------------------- reading


def table_rows(
    path: Path, columns: tuple[str, ...], required: int
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) of a bundled TSV table's data rows, padded to ``columns``.

    Checks the header and that each row has ``required`` to ``len(columns)`` cells;
    every data table in the package (actors, offices) is read through here."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(str(path), None, f"cannot read the table: {e}") from e
    header_seen = False
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        while len(cells) > len(columns) and not cells[-1]:
            cells.pop()  # trailing tabs left by spreadsheets
        if not header_seen:
            if tuple(cells[: len(columns)]) != columns[: len(cells)] or len(cells) < required:
                raise DataFileError(
                    str(path), number, f"header must be {'<TAB>'.join(columns)}, got {line!r}"
                )
            header_seen = True
            continue
        if not required <= len(cells) <= len(columns):
            raise DataFileError(
                str(path),
                number,
                f"expected {required} to {len(columns)} tab-separated columns "
                f"({', '.join(columns)}), found {len(cells)}",
            )
        yield number, cells + [""] * (len(columns) - len(cells))
    if not header_seen:
        raise DataFileError(str(path), None, "the table is empty: it needs a header row")


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


class _Registry:
    """Phrase -> value with the line that claimed it, to report both sides of a clash."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.values: dict[str, Any] = {}
        self.where: dict[str, str] = {}

    def add(self, key: str, value: Any, path: Path, line: int, shown: str) -> None:
        if not key:
            raise DataFileError(str(path), line, f"empty {self.label} phrase {shown!r}")
        old = self.values.get(key)
        if old is not None and old != value:
            raise DataFileError(
                str(path),
                line,
                f"{self.label} {shown!r} maps to {_show(value)} here but to {_show(old)} "
                f"at {self.where[key]}; keep one of them",
            )
        self.values.setdefault(key, value)
        self.where.setdefault(key, f"{path}:{line}")


def _show(value: Any) -> str:
    return value.code if isinstance(value, Organisation) else repr(value)


def _check_sector(code: str, path: Path, line: int) -> str:
    if code not in SECTOR_CODES:
        raise DataFileError(
            str(path),
            line,
            f"unknown sector code {code!r}; use one of {', '.join(sorted(SECTOR_CODES))} "
            "(eventwire.actor_tables.SECTOR_CODES)",
        )
    return code


def _read_countries(path: Path):
    countries: dict[str, Country] = {}
    phrases = _Registry("country phrase")
    metonyms = _Registry("capital or seat")
    abbreviations = _Registry("abbreviation")
    ambiguous: set[str] = set()
    iso_lines: dict[str, int] = {}
    for line, cells in table_rows(path, _COUNTRY_COLUMNS, 6):
        iso3, name, aliases_c, demonyms_c, capitals_c, seats_c, ambiguous_c = cells
        if not _ISO3.fullmatch(iso3):
            raise DataFileError(
                str(path), line, f"iso3 must be three capital letters, got {iso3!r}"
            )
        if iso3 in iso_lines:
            raise DataFileError(
                str(path), line, f"{iso3} is already defined on line {iso_lines[iso3]}"
            )
        if not name:
            raise DataFileError(str(path), line, f"{iso3} has no name")
        iso_lines[iso3] = line
        aliases, demonyms, capitals = _split(aliases_c), _split(demonyms_c), _split(capitals_c)
        seats: list[tuple[str, str | None]] = []
        for seat in _split(seats_c):
            phrase, _, sector = seat.partition("=")
            sector = sector.strip()
            seats.append((phrase.strip(), _check_sector(sector, path, line) if sector else None))
        for phrase in (name, *aliases, *demonyms):
            if is_abbreviation(phrase):
                abbreviations.add(phrase, iso3, path, line, phrase)
                abbreviations.add(phrase.replace(".", ""), iso3, path, line, phrase)
            else:
                phrases.add(normalise(phrase), iso3, path, line, phrase)
        for phrase in capitals:
            metonyms.add(normalise(phrase), (iso3, "GOV"), path, line, phrase)
        for phrase, sector in seats:
            metonyms.add(normalise(phrase), (iso3, sector or "GOV"), path, line, phrase)
        row_phrases = {normalise(p) for p in (name, *aliases, *demonyms, *capitals)}
        row_phrases |= {normalise(p) for p, _ in seats}
        for phrase in _split(ambiguous_c):
            if normalise(phrase) not in row_phrases:
                raise DataFileError(
                    str(path),
                    line,
                    f"ambiguous phrase {phrase!r} is not a name, alias, demonym, capital "
                    f"or seat of {iso3}",
                )
            ambiguous.add(normalise(phrase))
        countries[iso3] = Country(iso3, name, aliases, demonyms, capitals, tuple(seats))
    return countries, phrases, metonyms, abbreviations, ambiguous


def _plurals(term: str) -> list[str]:
    """Regular English plurals of a term's head noun ("member of parliament" too)."""
    words = term.split(" ")
    head = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    noun = words[head]
    if noun.endswith("man"):
        forms = [noun[:-3] + "men"]
    elif noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
        forms = [noun[:-1] + "ies"]
    elif noun.endswith(("ss", "x", "z", "ch", "sh")):
        forms = [noun + "es"]
    elif noun.endswith("s"):
        return []  # already plural ("armed forces") or invariant
    else:
        forms = [noun + "s"]
    return [" ".join(words[:head] + [form] + words[head + 1 :]) for form in forms]


def _read_sectors(path: Path) -> tuple[dict[str, str], _Registry]:
    explicit = _Registry("sector term")
    for line, cells in table_rows(path, _SECTOR_COLUMNS, 2):
        term, sector = cells[0], cells[1]
        explicit.add(normalise(term), _check_sector(sector, path, line), path, line, term)
    table: dict[str, str] = {k: str(v) for k, v in explicit.values.items()}
    for term, sector in list(table.items()):
        for plural in _plurals(term):
            table.setdefault(plural, sector)  # an explicit entry always wins
    return table, explicit


def _check_org_code(
    code: str, country: str, sector: str, isos: dict[str, Country], path: Path, line: int
) -> None:
    if not _CODE.fullmatch(code):
        raise DataFileError(
            str(path), line, f"code must be 3 to 15 capital letters in groups of 3, got {code!r}"
        )
    parts = [code[i : i + 3] for i in range(0, len(code), 3)]
    if country in isos:
        prefix = [country]
    elif country:
        if sector != "IGO" or parts[0] != "IGO":
            raise DataFileError(
                str(path),
                line,
                f"country {country!r} is not an ISO3 in countries.tsv, so this must be an "
                "IGO: sector IGO and a code starting IGO",
            )
        prefix = ["IGO", country]
    else:
        if parts[0] not in TRANSNATIONAL_CODES:
            raise DataFileError(
                str(path),
                line,
                f"an organisation without a country needs a code starting with one of "
                f"{', '.join(TRANSNATIONAL_CODES)}, got {code!r}",
            )
        prefix = [parts[0]]
    if parts[: len(prefix)] != prefix:
        raise DataFileError(str(path), line, f"code {code!r} must start with {''.join(prefix)!r}")
    for part in parts[len(prefix) :]:
        _check_sector(part, path, line)
    if sector not in parts:
        raise DataFileError(str(path), line, f"sector {sector!r} does not appear in code {code!r}")
    if country in isos and parts[1:2] != [sector]:
        raise DataFileError(
            str(path), line, f"code {code!r} must be country + sector ({country}{sector}...)"
        )


def _read_organisations(path: Path, isos: dict[str, Country]):
    phrases = _Registry("organisation name")
    abbreviations = _Registry("organisation abbreviation")
    ambiguous: set[str] = set()
    blocked = _Registry("non-actor phrase")
    for line, cells in table_rows(path, _ORG_COLUMNS, 5):
        name, aliases_c, code, country, sector, _note, ambiguous_c = cells
        aliases = _split(aliases_c)
        if not name:
            raise DataFileError(str(path), line, "the name column is empty")
        if code == "-":
            if country or sector:
                raise DataFileError(
                    str(path), line, "a non-actor row (code '-') takes no country or sector"
                )
            for phrase in (name, *aliases):
                blocked.add(normalise(phrase), True, path, line, phrase)
            continue
        if country and not _ISO3.fullmatch(country):
            raise DataFileError(
                str(path), line, f"country must be three capital letters, got {country!r}"
            )
        if not sector:
            raise DataFileError(str(path), line, f"{name!r} has no sector")
        _check_sector(sector, path, line)
        _check_org_code(code, country, sector, isos, path, line)
        org = Organisation(name, aliases, code, country or None, sector)
        for phrase in (name, *aliases):
            if is_abbreviation(phrase):
                abbreviations.add(phrase, org, path, line, phrase)
                abbreviations.add(phrase.replace(".", ""), org, path, line, phrase)
            else:
                phrases.add(normalise(phrase), org, path, line, phrase)
        row = {normalise(p) for p in (name, *aliases)}
        for phrase in _split(ambiguous_c):
            if normalise(phrase) not in row:
                raise DataFileError(
                    str(path),
                    line,
                    f"ambiguous phrase {phrase!r} is not a name or alias of {name!r}",
                )
            ambiguous.add(normalise(phrase))
    return phrases, abbreviations, ambiguous, blocked


def _cross_check(tables: list[_Registry]) -> None:
    """A phrase may live in one table only, or lookup order would decide its meaning."""
    for i, first in enumerate(tables):
        for second in tables[i + 1 :]:
            for key in first.values.keys() & second.values.keys():
                path, _, line = second.where[key].rpartition(":")
                raise DataFileError(
                    path,
                    int(line),
                    f"{key!r} is a {second.label} here and a {first.label} at "
                    f"{first.where[key]}; one phrase must have one meaning",
                )


def read_actor_tables(data_dir: Path | str = DATA_DIR) -> ActorTables:
    """Read and validate the three tables from ``data_dir`` (uncached; for tests and tools)."""
    data_dir = Path(data_dir)
    countries_path = data_dir / "countries.tsv"
    countries, phrases, metonyms, abbreviations, ambiguous = _read_countries(countries_path)
    sectors, sector_reg = _read_sectors(data_dir / "sectors.tsv")
    orgs, org_abbr, org_ambiguous, blocked = _read_organisations(
        data_dir / "organisations.tsv", countries
    )
    _cross_check([phrases, metonyms, orgs, sector_reg, blocked])
    _cross_check([abbreviations, org_abbr])
    keys = [*phrases.values, *metonyms.values, *orgs.values, *sectors, *blocked.values]
    return ActorTables(
        countries=countries,
        country_phrases=dict(phrases.values),
        metonyms=dict(metonyms.values),
        sectors=sectors,
        organisations=dict(orgs.values),
        max_phrase_words=max(len(k.split()) for k in keys),
        abbreviations=dict(abbreviations.values),
        org_abbreviations=dict(org_abbr.values),
        ambiguous=frozenset(ambiguous | org_ambiguous),
        blocked=frozenset(blocked.values),
    )


@functools.cache
def load_actor_tables() -> ActorTables:
    """The bundled tables, read and validated once per process."""
    return read_actor_tables(DATA_DIR)
