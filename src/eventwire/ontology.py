"""The CAMEO event codebook with Goldstein weights, quad classes and PLOVER types.

Every coded event carries a CAMEO code; its label, Goldstein score, quad class and
PLOVER type/mode all come from one readable table (``data/cameo.tsv``) so that the
coder, the store and the docs cannot disagree. The table is validated on load and
errors name the file and line (docs/ontology.md explains the columns).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from eventwire.errors import DataFileError, EventwireError

BUNDLED_PATH = Path(__file__).resolve().parent / "data" / "cameo.tsv"

COLUMNS: tuple[str, ...] = ("code", "label", "goldstein", "quad_class", "plover", "plover_mode")

QUAD_CLASS_NAMES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

# The 16 PLOVER 2023 event types, in the manual's cooperation-to-conflict order.
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

# Modes the PLOVER 2023 manual defines for each type (types without modes map to none).
PLOVER_MODES: dict[str, frozenset[str]] = {
    "AGREE": frozenset(),
    "CONSULT": frozenset({"visit", "third-party", "multilateral", "phone"}),
    "SUPPORT": frozenset(),
    "CONCEDE": frozenset(),
    "COOPERATE": frozenset(),
    "AID": frozenset(),
    "RETREAT": frozenset({"withdraw", "release", "disarm", "ceasefire", "access", "resign"}),
    "REQUEST": frozenset({"assist", "change", "yield", "meet"}),
    "ACCUSE": frozenset({"disapprove", "investigate", "allege"}),
    "REJECT": frozenset({"assist", "change", "yield", "meet"}),
    "THREATEN": frozenset({"restrict", "arrest", "relations", "expel", "territory", "violence"}),
    "PROTEST": frozenset({"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"}),
    "SANCTION": frozenset({"convict", "expel", "withdraw", "discontinue"}),
    "MOBILIZE": frozenset({"troops", "weapons", "police", "militia"}),
    "COERCE": frozenset(
        {
            "seize",
            "restrict",
            "censor",
            "curfew",
            "martial-law",
            "arrest",
            "deport",
            "withhold",
            "misinformation",
            "cyber",
        }
    ),
    "ASSAULT": frozenset(
        {
            "abduct",
            "beat",
            "torture",
            "sexual",
            "targeted",
            "destroy",
            "primitive",
            "firearms",
            "explosives",
            "suicide-attack",
            "aerial",
            "drone",
            "heavy-weapons",
            "crowd-control",
            "unconventional",
        }
    ),
}

# Older PLOVER drafts (2016-2021) used other names for some types. YIELD is absent on
# purpose: it split into CONCEDE (verbal) and RETREAT (material) and needs the CAMEO code.
PLOVER_2016_TO_2023: dict[str, str] = {
    **{name: name for name in PLOVER_TYPES},
    "FIGHT": "ASSAULT",
    "DISAPPROVE": "ACCUSE",
    "DEMAND": "REQUEST",
    "INVESTIGATE": "ACCUSE",
}

# Act code prefix -> the CAMEO 03x "express intent" code for a stated plan to do it.
# The longest matching prefix wins; roots 01, 02 and 09-20 have no intent form.
_INTENT_BY_PREFIX: dict[str, str] = {
    "04": "036",
    "045": "039",
    "05": "032",
    "06": "031",
    "061": "0311",
    "062": "0312",
    "063": "0313",
    "064": "0314",
    "07": "033",
    "071": "0331",
    "072": "0332",
    "073": "0333",
    "074": "0334",
    "08": "035",
    "081": "0351",
    "082": "0352",
    "083": "034",
    "0831": "0341",
    "0832": "0342",
    "0833": "0343",
    "0834": "0344",
    "084": "0353",
    "085": "0354",
    "086": "0355",
    "087": "0356",
}

_CODE_RE = re.compile(r"\d{2,4}")


def quad_class_for_root(root: str) -> int:
    """Quad class of a CAMEO root ("01".."20"), as in GDELT's QuadClass."""
    n = int(root)
    if not 1 <= n <= 20:
        raise ValueError(f"CAMEO root must be 01..20, got {root!r}")
    if n <= 5:
        return 1
    if n <= 8:
        return 2
    if n <= 13:
        return 3
    return 4


class UnknownCodeError(EventwireError, KeyError):
    """A CAMEO code that is not in the codebook (nor, for ``nearest``, any ancestor)."""

    def __init__(self, code: object, hint: str = "") -> None:
        message = f"unknown CAMEO code {code!r}"
        if hint:
            message = f"{message}: {hint}"
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:  # KeyError would show the repr of the message
        return self.message


@dataclass(frozen=True)
class CameoCode:
    """One row of the codebook."""

    code: str
    label: str
    goldstein: float
    quad_class: int
    plover: str | None
    plover_mode: str | None

    @property
    def root(self) -> str:
        return self.code[:2]

    @property
    def parent(self) -> str | None:
        """The code one level up (``"1712"`` -> ``"171"``, ``"171"`` -> ``"17"``)."""
        return (
            self.code[:-1]
            if len(self.code) == 4
            else self.code[:2]
            if len(self.code) == 3
            else None
        )

    @property
    def quad_class_name(self) -> str:
        return QUAD_CLASS_NAMES[self.quad_class]


class Ontology:
    """Look-ups over a validated codebook; build one with ``load_ontology``."""

    def __init__(self, entries: Iterable[CameoCode], source: str = "<memory>") -> None:
        self._by_code = {e.code: e for e in sorted(entries, key=lambda e: e.code)}
        self.source = source

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[CameoCode]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def get(self, code: str) -> CameoCode:
        """The entry for exactly ``code``; ``nearest`` tolerates unlisted sub-codes."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise UnknownCodeError(
                code, f"not in {self.source}; use nearest() for the closest listed ancestor"
            ) from None

    def codes(self) -> list[str]:
        """All codes, in hierarchical order (a parent precedes its children)."""
        return list(self._by_code)

    def roots(self) -> list[str]:
        """The two-digit cue categories."""
        return [c for c in self._by_code if len(c) == 2]

    def nearest(self, code: str) -> CameoCode:
        """``code`` itself, or its closest listed ancestor (``"1719"`` -> ``"171"``).

        Coders and imported data sometimes carry sub-codes this codebook lacks; the
        ancestor keeps the event usable at the precision the table supports.
        """
        if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
            raise UnknownCodeError(code, "a CAMEO code is 2-4 digits, e.g. '042' or '1712'")
        for length in range(len(code), 1, -1):
            entry = self._by_code.get(code[:length])
            if entry is not None:
                return entry
        raise UnknownCodeError(code, f"neither it nor any ancestor is in {self.source}")

    def plover_types(self) -> list[str]:
        """PLOVER types used by this codebook, in the manual's order."""
        used = {e.plover for e in self._by_code.values() if e.plover}
        return [t for t in PLOVER_TYPES if t in used]

    def intent_code(self, code: str) -> str | None:
        """The 03x code for a stated plan to perform the act ``code``, or None.

        Used when a text says an actor will, plans to or offers to do something
        rather than reporting the act: "will visit" is 036, not 042. Codes already in
        03 are returned as they are; conflict roots and 01/02 have no intent form.
        """
        entry = self.nearest(code)
        if entry.root == "03":
            return entry.code
        for length in range(len(entry.code), 1, -1):
            target = _INTENT_BY_PREFIX.get(entry.code[:length])
            if target is not None:
                try:
                    return self.nearest(target).code
                except UnknownCodeError:
                    return None
        return None


def _parse_row(fields: list[str], path: str, line: int) -> CameoCode:
    if len(fields) < 4 or len(fields) > len(COLUMNS):
        raise DataFileError(
            path,
            line,
            f"expected {len(COLUMNS)} tab-separated columns {COLUMNS}, got {len(fields)}",
        )
    fields = [f.strip() for f in fields] + [""] * (len(COLUMNS) - len(fields))
    code, label, goldstein_text, quad_text, plover, mode = fields
    if not _CODE_RE.fullmatch(code):
        raise DataFileError(path, line, f"code {code!r} is not 2-4 digits")
    if not 1 <= int(code[:2]) <= 20:
        raise DataFileError(path, line, f"code {code!r} has root {code[:2]}, outside 01..20")
    if not label:
        raise DataFileError(path, line, f"code {code} has an empty label")
    try:
        goldstein = float(goldstein_text)
    except ValueError:
        raise DataFileError(
            path, line, f"goldstein {goldstein_text!r} for {code} is not a number"
        ) from None
    if not math.isfinite(goldstein) or not -10.0 <= goldstein <= 10.0:
        raise DataFileError(path, line, f"goldstein {goldstein_text} for {code} is outside -10..10")
    expected_quad = quad_class_for_root(code[:2])
    if quad_text != str(expected_quad):
        raise DataFileError(
            path,
            line,
            f"quad_class {quad_text!r} for {code} should be {expected_quad} "
            f"({QUAD_CLASS_NAMES[expected_quad]}) for root {code[:2]}",
        )
    if plover and plover not in PLOVER_MODES:
        renamed = PLOVER_2016_TO_2023.get(plover.upper())
        hint = f"; the 2023 name is {renamed}" if renamed else ""
        raise DataFileError(
            path, line, f"plover {plover!r} for {code} is not a PLOVER 2023 type{hint}"
        )
    if mode and not plover:
        raise DataFileError(path, line, f"plover_mode {mode!r} for {code} needs a plover type")
    if mode and mode not in PLOVER_MODES[plover]:
        allowed = ", ".join(sorted(PLOVER_MODES[plover])) or "none"
        raise DataFileError(
            path, line, f"plover_mode {mode!r} is not a {plover} mode (allowed: {allowed})"
        )
    return CameoCode(code, label, goldstein, expected_quad, plover or None, mode or None)


def parse_codebook(path: Path) -> Ontology:
    """Read and validate a codebook table; every problem names ``path:line``."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(where, None, f"cannot read the CAMEO codebook: {e}") from e
    entries: dict[str, CameoCode] = {}
    lines: dict[str, int] = {}
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = raw.split("\t")
        if not header_seen:
            if tuple(f.strip() for f in fields) != COLUMNS:
                raise DataFileError(
                    where, number, f"expected the header line {'<TAB>'.join(COLUMNS)}"
                )
            header_seen = True
            continue
        entry = _parse_row(fields, where, number)
        if entry.code in entries:
            raise DataFileError(
                where, number, f"code {entry.code} repeats line {lines[entry.code]}"
            )
        entries[entry.code] = entry
        lines[entry.code] = number
    if not header_seen:
        raise DataFileError(where, None, f"no header line {'<TAB>'.join(COLUMNS)} found")
    if not entries:
        raise DataFileError(where, None, "the codebook has a header but no codes")
    for code, entry in entries.items():
        if entry.parent is not None and entry.parent not in entries:
            raise DataFileError(
                where, lines[code], f"code {code} has no parent: add {entry.parent} first"
            )
    return Ontology(entries.values(), source=where)


@cache
def _bundled() -> Ontology:
    return parse_codebook(BUNDLED_PATH)


def load_ontology(path: Path | None = None) -> Ontology:
    """The bundled codebook (parsed once per process), or a user table at ``path``."""
    if path is None:
        return _bundled()
    return parse_codebook(Path(path))
