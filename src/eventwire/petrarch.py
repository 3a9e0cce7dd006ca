"""Read PETRARCH/TABARI dictionaries, so users can bring the dictionaries they already have.

Three formats (docs/petrarch.md):

* **actors** (``Phoenix.*.actors.txt``): a name line ``KIM_JONG_UN_ [PRKGOV]``,
  ``+SYNONYM`` lines, and code lines ``[CODE <YYMMDD]`` / ``[CODE >YYMMDD]`` /
  ``[CODE YYMMDD-YYMMDD]`` that make the code depend on the article's date.
  Each code becomes a :class:`~eventwire.actors.UserActor` with validity dates.
* **agents** (``Phoenix.agents.txt``): role nouns ``PRESIDENT [~GOV]`` with
  plural rules (``{}``, ``{PLURAL}``) and ``!MARKER!`` substitution sets; they
  become extra sector terms for :class:`~eventwire.actors.ActorResolver`.
* **verbs** (``CAMEO.2.0.txt``): verb blocks ``--- NAME [code] ---``, synsets
  ``&NAME`` and patterns ``- * OBJECT (PREP +) [code]``; what the eventwire
  grammar (docs/lexicon.md) can express becomes a :class:`~eventwire.lexicon.Pattern`,
  and everything else is skipped and counted in an :class:`ImportReport`.

PETRARCH itself ignores ``#`` comments, ``<!-- ... -->`` comments and blank
lines, and reads ``_`` as a space; a trailing ``_`` (an exact word end in
TABARI) is dropped because eventwire only matches whole words anyway.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.actor_tables import normalise
from eventwire.actors import UserActor
from eventwire.errors import DataFileError, InputError
from eventwire.lexicon import VERB, Lexicon, Pattern

if TYPE_CHECKING:  # pragma: no cover
    from eventwire.pipeline import Pipeline

__all__ = [
    "ImportReport",
    "UnitRecord",
    "load_petrarch",
    "read_petrarch_actor_file",
    "read_petrarch_actors",
    "read_petrarch_agents",
    "read_petrarch_verbs",
    "read_unit_test_records",
    "score_unit_test_records",
]

# Transnational first components: the code has no country (CAMEO actor codebook).
_TRANSNATIONAL = ("NGO", "NGM", "IMG", "MNC")
_ACTOR_CODE = re.compile(r"[A-Z0-9]{3,}")
_EVENT_CODE = re.compile(r"[0-9]{2,4}")
_LEMMA = re.compile(r"[a-z]+")
# Words after a verb that spaCy labels as particles (``prt``), not prepositions.
PARTICLES = frozenset("up down out off back away aside forward together apart".split())
PREPOSITIONS = frozenset(
    "about above across after against along amid among around as at before behind below "
    "beside between beyond by despite during except for from in inside into near of on "
    "onto outside over past regarding since than through throughout to toward towards "
    "under until upon via with within without".split()
)


@dataclass
class ImportReport:
    """What an import read, what it produced and why the rest was skipped."""

    path: str
    entries: int = 0  # dictionary entries read (names, agent lines, verb and pattern lines)
    converted: int = 0  # entries that produced at least one eventwire item
    produced: int = 0  # eventwire items (UserActors, sector terms, Patterns)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
    details: Counter[str] = field(default_factory=Counter)  # e.g. verb vs pattern lines

    problems: list[str] = field(default_factory=list)  # "file:line: what", the first 50

    def skip(self, reason: str, n: int = 1, where: str | None = None) -> None:
        self.skipped[reason] += n
        if where is not None and len(self.problems) < 50:
            self.problems.append(where)

    def summary(self) -> str:
        """One line for logs and the CLI."""
        reasons = ", ".join(f"{k}: {v}" for k, v in self.skipped.most_common())
        return (
            f"{self.path}: {self.converted}/{self.entries} entries converted into "
            f"{self.produced} items" + (f"; skipped ({reasons})" if reasons else "")
        )


# ------------------------------------------------------------------------- lines


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataFileError(str(path), None, f"cannot read the PETRARCH dictionary: {e}") from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # older TABARI files are Latin-1


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, content) without comments or blank lines, as PETRARCH reads them."""
    in_comment = False
    for number, raw in enumerate(_read_text(path).splitlines(), start=1):
        line = raw
        if in_comment:
            if "-->" in line:
                in_comment = False
                line = line[line.index("-->") + 3 :]
            else:
                continue
        while "<!--" in line:
            before, _, after = line.partition("<!--")
            if "-->" in after:
                line = before + after[after.index("-->") + 3 :]
            else:
                line, in_comment = before, True
        if line.lstrip().startswith("<!"):  # "<! -- NEW ACTORS -->" and other markup
            continue
        if "#" in line:
            line = line[: line.index("#")]
        if line.strip():
            yield number, line.rstrip()


def _phrase(text: str) -> str:
    """'KIM_JONG_UN_' -> 'kim jong un' (underscores are spaces; case is ignored)."""
    return " ".join(text.replace("_", " ").split()).lower()


# ------------------------------------------------------------------------- dates


def _date(text: str) -> dt.date:
    """YYMMDD (00-30 is 20YY, as in KEDS/TABARI) or YYYYMMDD."""
    if not text.isdigit() or len(text) not in (6, 8):
        raise ValueError(f"{text!r} is not a YYMMDD or YYYYMMDD date")
    if len(text) == 6:
        year = int(text[:2])
        year += 2000 if year <= 30 else 1900
        month, day = int(text[2:4]), int(text[4:6])
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    return dt.date(year, month, day)


def _validity(spec: str) -> tuple[dt.date | None, dt.date | None]:
    """'<950601' (before), '>990816' (after), '950601-990815' (inclusive span), '' (always)."""
    spec = spec.replace(" ", "")
    if not spec:
        return None, None
    one_day = dt.timedelta(days=1)
    if spec[0] == "<":
        return None, _date(spec[1:]) - one_day
    if spec[0] == ">":
        return _date(spec[1:]) + one_day, None
    if "-" in spec:
        first, _, last = spec.partition("-")
        start, end = _date(first), _date(last)
        if end < start:
            raise ValueError(f"span {spec!r} ends before it starts")
        return start, end
    raise ValueError(f"date restriction {spec!r} must be <DATE, >DATE or DATE-DATE")


# ------------------------------------------------------------------------- actors


def _split_actor_code(code: str) -> tuple[str | None, str | None]:
    """(country, sector) of a PETRARCH actor code, following eventwire's conventions."""
    if code.startswith("IGO"):
        return (code[3:6] or None), "IGO"
    if code[:3] in _TRANSNATIONAL:
        return None, ("NGO" if code[:3] == "NGM" else code[:3])
    return code[:3], (code[3:6] or None)


@dataclass
class _ActorEntry:
    line: int
    names: list[str] = field(default_factory=list)
    codes: list[tuple[str, str, int]] = field(default_factory=list)  # (code, dates, line)


def _bracket(text: str) -> tuple[str, str | None]:
    """('NAME PART', 'bracket content') of ``NAME [CONTENT]``; content None without one."""
    if "[" not in text:
        return text, None
    head, _, rest = text.partition("[")
    return head, rest.partition("]")[0]


def read_petrarch_actors(path: str | Path, report: ImportReport | None = None) -> list[UserActor]:
    """Actor dictionary -> user actors; each date-restricted code is its own entry.

    Entries are ordered so that the resolver (which takes the first entry valid on
    the article's date) prefers the narrowest date restriction, then open-ended
    ones, then the unrestricted default, whatever their order in the file.
    """
    path = Path(path)
    report = report if report is not None else ImportReport(str(path))
    entries: list[_ActorEntry] = []
    current: _ActorEntry | None = None
    for number, line in _lines(path):
        text = line.strip()
        if text.startswith("["):
            if current is None:
                raise DataFileError(str(path), number, "a [CODE] line before any actor name")
            current.codes.append((*_code_and_dates(text[1:].partition("]")[0]), number))
            continue
        head, content = _bracket(text)
        if text.startswith("+"):
            if current is None:
                raise DataFileError(str(path), number, "a +SYNONYM line before any actor name")
            current.names.append(head[1:])
        else:
            current = _ActorEntry(number, [head])
            entries.append(current)
        if content is not None:
            current.codes.append((*_code_and_dates(content), number))

    out: list[UserActor] = []
    for entry in entries:
        report.entries += 1
        names = tuple(dict.fromkeys(n for n in (_phrase(x) for x in entry.names) if n))
        if not names:
            report.skip("no name")
            continue
        if not entry.codes:
            report.skip("no code")
            continue
        made: list[tuple[int, UserActor]] = []
        for code, dates, number in entry.codes:
            if code == "---":
                report.skip("null code '---'")
                continue
            if "/" in code:
                report.skip("compound code A/B")
                continue
            if not _ACTOR_CODE.fullmatch(code):
                report.skip("not an actor code")
                continue
            try:
                start, end = _validity(dates)
            except ValueError as e:  # real dictionaries hold a few; one must not sink the file
                report.skip("bad date restriction", where=f"{path}:{number}: {e}")
                continue
            country, sector = _split_actor_code(code)
            actor = UserActor(names, code, country, sector, names[0].title(), start, end)
            made.append((_span_rank(start, end), actor))
        if made:
            report.converted += 1
            made.sort(key=lambda pair: pair[0])  # stable: file order among equals
            out.extend(actor for _, actor in made)
            report.produced += len(made)
    return out


def _code_and_dates(content: str) -> tuple[str, str]:
    parts = content.split(None, 1)
    if not parts:
        return "", ""
    return parts[0].upper(), (parts[1] if len(parts) > 1 else "")


def _span_rank(start: dt.date | None, end: dt.date | None) -> float:
    """Narrow spans first, open-ended restrictions next, the default last."""
    if start is None and end is None:
        return float("inf")
    if start is None or end is None:
        return 1e9
    return (end - start).days


# ------------------------------------------------------------------------- agents


def _plural(phrase: str) -> str:
    """PETRARCH's regular plural of a phrase's last word."""
    if phrase.endswith("y") and len(phrase) > 1 and phrase[-2] not in "aeiou":
        return phrase[:-1] + "ies"
    if phrase.endswith(("s", "x", "z", "ch", "sh")):
        return phrase + "es"
    if phrase.endswith("man"):
        return phrase[:-3] + "men"
    return phrase + "s"


def read_petrarch_agents(path: str | Path, report: ImportReport | None = None) -> dict[str, str]:
    """Agent dictionary -> {normalised role phrase: sector code} (singular and plural).

    ``[~GOV]`` gives ``GOV``; a multi-part agent code such as ``[~GOVFRM]`` is kept
    whole so that the actor code reads ``ARNGOVFRM`` as in PETRARCH. Prefix agents
    (``[NGO~]``) are placed after the country like any sector (``ARNNGO``, where
    PETRARCH writes ``NGOARN``). Pass the result to ``ActorResolver(extra_sectors=...)``.
    """
    path = Path(path)
    report = report if report is not None else ImportReport(str(path))
    markers: dict[str, list[str]] = {}
    out: dict[str, str] = {}
    for _number, line in _lines(path):
        text = line.strip()
        if "!" in text and "=" in text and "[" not in text:
            name, _, values = text.partition("=")
            key = name.strip().strip("!").upper()
            markers[key] = [v.strip() for v in values.split(",") if v.strip()]
            continue
        report.entries += 1
        head, content = _bracket(text)
        if content is None:
            report.skip("no [code]")
            continue
        code = content.replace(" ", "").upper()
        if code.endswith("~") and not code.startswith("~"):
            code = code[:-1]
            report.details["prefix agents placed as sectors"] += 1
        code = code.lstrip("~")
        if not re.fullmatch(r"[A-Z]{3}(?:[A-Z0-9]{3})*", code):
            report.skip("not an agent code")
            continue
        plural: str | None = None
        if "{" in head:
            head, _, rest = head.partition("{")
            plural = rest.partition("}")[0]
        forms: list[str] = []
        if "!" in head:
            m = re.search(r"!([A-Za-z]+)!", head)
            if m is None or m.group(1).upper() not in markers:
                report.skip("undefined !MARKER!")
                continue
            forms = [head.replace(m.group(0), sub) for sub in markers[m.group(1).upper()]]
        else:
            forms = [head]
            if plural is None:
                forms.append(_plural(_phrase(head)))
            elif plural.strip():
                forms.append(plural)
        made = 0
        for form in forms:
            key = normalise(_phrase(form))
            if key and re.fullmatch(r"[a-z0-9 ']+", key):
                out[key] = code
                made += 1
        if made:
            report.converted += 1
            report.produced += made
        else:
            report.skip("no usable phrase")
    return out


def read_petrarch_actor_file(
    path: str | Path, report: ImportReport | None = None
) -> tuple[list[UserActor], dict[str, str]]:
    """An actor *or* agent file (agents have ``~`` in every code): (actors, sector terms)."""
    codes = re.findall(r"\[([^\]]*)\]", "\n".join(line for _, line in _lines(Path(path))))
    agent_like = sum("~" in c for c in codes)
    if codes and agent_like * 2 > len(codes):
        return [], read_petrarch_agents(path, report)
    return read_petrarch_actors(path, report), {}


# ------------------------------------------------------------------------- verbs


@dataclass(frozen=True)
class _Verb:
    lemma: str
    particle: str | None
    obj: str | None
    code: str  # the verb's own code, or its block's ('---' for none)
    line: int


_TOKEN = re.compile(r"[(){}]|[^\s(){}]+")


def _singulars(word: str) -> set[str]:
    """The word and a naive singular: patterns list surface forms, the parser gives lemmas."""
    forms = {word}
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    elif word.endswith(("ches", "shes", "sses", "xes")):
        forms.add(word[:-2])
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.add(word[:-1])
    return forms


class _VerbReader:
    """State for one verb file: synsets, the current block, the patterns made."""

    def __init__(self, path: Path, valid_codes: frozenset[str], report: ImportReport) -> None:
        self.path, self.valid_codes, self.report = path, valid_codes, report
        self.synsets: dict[str, list[str]] = {}
        self.patterns: dict[tuple, Pattern] = {}
        self.relaxed_keys: set[tuple] = set()
        self.relaxed = False
        # verbs whose own code is a CAMEO code or the null code: the file decides them
        self.lemmas: set[str] = set()

    # -- codes
    def code(self, raw: str) -> str | None:
        """The primary CAMEO code of ``[a:b]``, or None with the reason counted."""
        primary = raw.strip().partition(":")[0].strip()
        if ":" in raw and raw.partition(":")[2].strip() not in ("", "---"):
            self.report.details["paired codes: reverse event dropped"] += 1
        if not primary:
            self.report.skip("reverse-only code [:X]")
            return None
        if primary == "---":
            self.report.skip("null code '---'")
            return None
        if not _EVENT_CODE.fullmatch(primary) or not any(
            primary[:n] in self.valid_codes for n in range(len(primary), 1, -1)
        ):
            self.report.skip("not a CAMEO code")
            return None
        return primary

    # -- synsets
    def members(self, name: str, depth: int = 0) -> list[str] | None:
        words = self.synsets.get(name.rstrip("_"))
        if words is None or depth > 3:
            return None
        out: list[str] = []
        for word in words:
            if word.startswith("&"):
                inner = self.members(word, depth + 1)
                if inner is None:
                    return None
                out.extend(inner)
            else:
                out.append(word)
        return out

    # -- verbs
    def verb(self, text: str, block_code: str, number: int) -> _Verb | None:
        head, content = _bracket(text)
        head = head.partition("{")[0].strip()
        code = content.strip() if content is not None else block_code
        spec = head.split()[0] if head.split() else ""
        words = [w for w in spec.split("_") if w]
        if not words:
            return None
        at = next((i for i, w in enumerate(words) if w.startswith("+")), 0)
        if at > 0:
            self.report.skip("words before the verb (WIRE_+TAP)")
            return None
        words = [w.lstrip("+").lower() for w in words]
        lemma, rest = words[0], words[1:]
        particle = obj = None
        if rest and rest[0] in PARTICLES:
            particle, rest = rest[0], rest[1:]
        if len(rest) == 1:
            obj, rest = rest[0], []
        if rest or not _LEMMA.fullmatch(lemma) or (obj and not _LEMMA.fullmatch(obj)):
            self.report.skip("multi-word verb the grammar cannot express")
            return None
        return _Verb(lemma, particle, obj, code, number)

    def add(self, pattern: Pattern, relaxed: bool = False) -> bool:
        """Keep the first pattern per phrase key, but an exact one beats a reduced one."""
        known = self.patterns.get(pattern.key)
        if known is not None and pattern.key in self.relaxed_keys and not relaxed:
            self.relaxed_keys.discard(pattern.key)
            self.patterns[pattern.key] = pattern
            self.report.details["reduced phrase replaced by an exact one"] += 1
            return False
        if known is not None:
            self.report.details[
                "same phrase twice (first kept)"
                if known.cameo == pattern.cameo
                else "same phrase, different code (first kept)"
            ] += 1
            return False
        self.patterns[pattern.key] = pattern
        if relaxed:
            self.relaxed_keys.add(pattern.key)
        return True

    # -- patterns
    def pattern(self, body: str) -> tuple[str | None, frozenset[str], str | None] | None:
        """(particle, object lemmas, preposition) of a pattern body, or None if inexpressible.

        Sets ``self.relaxed`` when a multi-word object was reduced to its head word.
        """
        self.relaxed = False
        before, star, after = body.partition("*")
        if not star:
            self.report.skip("no '*' verb slot")
            return None
        if before.replace("_", " ").strip(" %^"):
            self.report.skip("words before the verb")
            return None
        tokens = _TOKEN.findall(after.replace("_", " "))
        particle: str | None = None
        nouns: list[frozenset[str]] = []
        preps: list[tuple[str, list[str]]] = []
        current: tuple[str, list[str]] | None = None  # open prepositional phrase
        phrase: list[str] | None = None  # open {...} noun phrase
        bare_prep = False
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            if tok == "{":
                phrase = []
                continue
            if tok == "}":
                if phrase:
                    heads = self._heads(phrase[-1])
                    if heads is None:
                        return None
                    self._noun(heads, current, nouns)
                    self.report.details["{noun phrase} reduced to its head"] += 1
                    self.relaxed = True
                phrase = None
                continue
            if phrase is not None:
                phrase.append(tok)
                continue
            if tok == "(":
                if i < len(tokens):
                    current = (tokens[i].lower(), [])
                    preps.append(current)
                    i += 1
                bare_prep = False
                continue
            if tok == ")":
                current = None
                continue
            if tok in ("+", "%", "^"):
                if current is not None:
                    current[1].append(tok)
                continue
            if tok == "$":
                self.report.skip("source after the verb ($)")
                return None
            low = tok.lower()
            if tok.startswith("&"):
                members = self.members(tok)
                if members is None:
                    self.report.skip("undefined synset")
                    return None
                if members and all(m in PREPOSITIONS for m in members):
                    self.report.skip("synset of prepositions")
                    return None
                heads = frozenset().union(
                    *(self._heads(m.split()[-1], quiet=True) or () for m in members if m.split())
                )
                if not heads:
                    self.report.skip("synset without usable words")
                    return None
                self._noun(heads, current, nouns)
                continue
            if current is None and low in PARTICLES and not nouns and particle is None:
                particle = low
                continue
            if low in PREPOSITIONS and (current is None or bare_prep):
                current = (low, [])  # TABARI style: a bare preposition opens a phrase
                preps.append(current)
                bare_prep = True
                continue
            heads = self._heads(low)
            if heads is None:
                return None
            self._noun(heads, current, nouns)
        if any(words for _, words in preps if any(w not in ("+", "%", "^") for w in words)):
            self.report.skip("noun inside a prepositional phrase")
            return None
        targeted = [p for p in preps if "+" in p[1]]
        if len(preps) > 1 and len(targeted) == 1:
            # "- * EID AT ^ WITH +": the other phrases only skip a noun phrase (^);
            # the one with the target (+) is the preposition that matters
            preps = targeted
            self.report.details["skipped (^) prepositional phrase dropped"] += 1
            self.relaxed = True
        if len(preps) > 1:
            self.report.skip("several prepositions")
            return None
        if len(nouns) > 1:  # TABARI "TRADE PROTOCOL": consecutive words, the last is the head
            self.report.details["word sequence reduced to its last word"] += 1
            self.relaxed = True
        return particle, (nouns[-1] if nouns else frozenset()), (preps[0][0] if preps else None)

    def _heads(self, word: str, quiet: bool = False) -> frozenset[str] | None:
        word = word.lower().strip("'")
        if not _LEMMA.fullmatch(word):
            if not quiet:  # a synset keeps its other members
                self.report.skip("word the grammar cannot spell (digits, hyphen, apostrophe)")
            return None
        return frozenset(_singulars(word))

    @staticmethod
    def _noun(
        heads: frozenset[str],
        current: tuple[str, list[str]] | None,
        nouns: list[frozenset[str]],
    ) -> None:
        if current is not None:
            current[1].extend(sorted(heads))
        else:
            nouns.append(heads)


def read_petrarch_verbs(
    path: str | Path,
    *,
    valid_codes: Iterable[str] | None = None,
    report: ImportReport | None = None,
) -> Lexicon:
    """Verb dictionary -> Lexicon of what the eventwire grammar can express.

    Converted: each verb of a block with its own or the block's code
    (``DEFECT [120]``), verb+particle (``+CORDON_OFF``), and each block pattern
    applied to every verb of the block when it is an object noun or synset
    (``- * &REFUGEE [073]`` -> ``evacuate [refugee|...]``), a particle
    (``- * DOWN``), a preposition with the target (``- * (WITH +)``), or a
    combination of one of each. ``{MOD HEAD}`` keeps only HEAD; a phrase that only
    skips a noun phrase (``AT ^``) is dropped beside the target's (``WITH +``). Of a paired code
    ``[a:b]`` only ``a`` is kept. Skipped and counted in ``report``: words before
    the verb, a ``$`` source slot, nouns inside prepositional phrases, several
    objects, null codes ``---`` and codes with no CAMEO ancestor in ``valid_codes``
    (default: the bundled ontology), and the ``~`` transformations.
    """
    return _read_verbs(path, valid_codes, report)[0]


def _read_verbs(
    path: str | Path, valid_codes: Iterable[str] | None, report: ImportReport | None
) -> tuple[Lexicon, frozenset[str]]:
    """(the converted patterns, every verb lemma the file defines)."""
    path = Path(path)
    if valid_codes is None:
        from eventwire.ontology import load_ontology

        valid_codes = load_ontology().codes()
    report = report if report is not None else ImportReport(str(path))
    reader = _VerbReader(path, frozenset(valid_codes), report)
    where = str(path)

    block_code = "---"
    verbs: list[_Verb] = []
    synset: str | None = None
    in_block = False
    for number, line in _lines(path):
        text = line.strip()
        if text.startswith("---"):
            _, content = _bracket(text)
            block_code = (content or "---").strip() or "---"
            verbs, synset, in_block = [], None, True
            continue
        if text.startswith("&"):
            synset = text.split()[0].rstrip("_")
            reader.synsets[synset] = []
            continue
        if text.startswith("+") and synset is not None:
            reader.synsets[synset].append(_phrase(text[1:]))
            continue
        synset = None
        if text.startswith("~"):
            report.entries += 1
            report.skip("transformation (~)")
            continue
        if not in_block:
            continue  # material before the first block (headers)
        if text.startswith("-"):
            report.entries += 1
            report.details["pattern lines"] += 1
            head, content = _bracket(text)
            if content is None:
                raise DataFileError(where, number, "a pattern line needs a [code]")
            code = reader.code(content)
            shape = reader.pattern(head[1:]) if code is not None else None
            made = 0
            if code is not None and shape is not None:
                particle, objects, prep = shape
                for verb in verbs:
                    if (verb.particle and particle and verb.particle != particle) or (
                        verb.obj and objects
                    ):
                        continue
                    objs = objects or (frozenset({verb.obj}) if verb.obj else frozenset())
                    pat = Pattern(
                        code, verb.lemma, VERB, particle or verb.particle, objs, prep,
                        f"{where}:{number}",
                    )  # fmt: skip
                    made += reader.add(pat, reader.relaxed)
            if made:
                report.converted += 1
                report.produced += made
            continue
        report.entries += 1
        report.details["verb lines"] += 1
        verb = reader.verb(text, block_code, number)
        if verb is None:
            continue
        verbs.append(verb)
        code = reader.code(verb.code)
        if code is not None or verb.code.partition(":")[0].strip() == "---":
            reader.lemmas.add(verb.lemma)
        if code is None:
            continue
        objs = frozenset({verb.obj}) if verb.obj else frozenset()
        pat = Pattern(code, verb.lemma, VERB, verb.particle, objs, None, f"{where}:{number}")
        if reader.add(pat):
            report.converted += 1
            report.produced += 1
    return Lexicon(reader.patterns.values()), frozenset(reader.lemmas)


def load_petrarch(
    actor_files: Iterable[str | Path] = (),
    verb_files: Iterable[str | Path] = (),
    *,
    own_verbs: bool = True,
) -> tuple[list[UserActor], dict[str, str], Lexicon | None, list[ImportReport]]:
    """What ``--actors-petrarch`` and ``--patterns-petrarch`` pass to the Pipeline.

    Returns (user actors, extra sector terms, the bundled lexicon with the verb
    dictionaries merged over it in order — or None without verb files — and one
    report per file). With ``own_verbs`` (the default) a verb the PETRARCH file
    defines is coded by that file alone, as PETRARCH would: the bundled verb
    patterns of that lemma are dropped, so that a more specific bundled line
    (``arrest [student]``) cannot override the user's ``ARREST [212]`` and a
    verb the user left uncoded (``--- RENEW [---] ---``) stays uncoded.
    """
    actors: list[UserActor] = []
    sectors: dict[str, str] = {}
    reports: list[ImportReport] = []
    for path in actor_files:
        reports.append(ImportReport(str(path)))
        found, terms = read_petrarch_actor_file(path, reports[-1])
        actors.extend(found)
        sectors.update(terms)
    lexicon: Lexicon | None = None
    verb_files = list(verb_files)
    if verb_files:
        from eventwire.lexicon import load_lexicon
        from eventwire.ontology import load_ontology

        codes = load_ontology().codes()
        lexicon = load_lexicon(valid_codes=codes)
        for path in verb_files:
            reports.append(ImportReport(str(path)))
            imported, owned = _read_verbs(path, codes, reports[-1])
            if own_verbs:
                imported, lexicon = _own_verbs(imported, lexicon, owned, reports[-1])
            lexicon = lexicon.merged(imported)
    return actors, sectors, lexicon, reports


def _own_verbs(
    imported: Lexicon, base: Lexicon, owned: frozenset[str], report: ImportReport
) -> tuple[Lexicon, Lexicon]:
    """(imported patterns with target prepositions, ``base`` without the owned verbs).

    PETRARCH finds a target anywhere in the verb phrase ("arrived in Gondor",
    "fired artillery shells at Seoul"). eventwire reads a target after a
    preposition only when the pattern names it, so each imported pattern without
    one is also written with every target preposition the base lexicon knows for
    that verb (``arrive in``, ``fire [artillery] at``), keeping the PETRARCH code.
    """
    preps: dict[str, set[str]] = {}
    for p in base:
        if p.pos == VERB and p.lemma in owned and p.prep:
            preps.setdefault(p.lemma, set()).add(p.prep)
    out = list(imported)
    keys = {p.key for p in imported}
    for p in imported:
        if p.prep is not None:
            continue
        for prep in sorted(preps.get(p.lemma, ())):
            framed = replace(p, prep=prep)
            if framed.key not in keys:
                keys.add(framed.key)
                out.append(framed)
                report.details["target prepositions taken from the bundled verb"] += 1
    kept = [p for p in base if p.pos != VERB or p.lemma not in owned]
    report.details["bundled verb patterns replaced"] += len(base) - len(kept)
    return Lexicon(out), Lexicon(kept)


# ------------------------------------------------------------------------- unit tests


@dataclass(frozen=True)
class UnitRecord:
    """One ``<Sentence>`` of a PETRARCH validation file and its expected codings."""

    id: str
    category: str
    date: dt.date
    text: str
    expected: tuple[tuple[str, str, str], ...]  # (event code, source code, target code)
    no_events: bool


def read_unit_test_records(path: str | Path) -> list[UnitRecord]:
    """Records with ``<EventCoding>`` expectations; ``error`` records are left out."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        raise InputError(f"{path}: cannot read the PETRARCH records: {e}") from e
    out: list[UnitRecord] = []
    for sentence in root.iter("Sentence"):
        codings = sentence.findall("EventCoding")
        if any("error" in c.attrib for c in codings):
            continue
        text = " ".join((sentence.findtext("Text") or "").split())
        date_text = sentence.get("date", "")
        try:
            day = _date(date_text)
        except ValueError as e:
            raise InputError(f"{path}: record {sentence.get('id')}: {e}") from e
        expected = tuple(
            (c.get("eventcode", ""), c.get("sourcecode", ""), c.get("targetcode", ""))
            for c in codings
            if "eventcode" in c.attrib
        )
        no_events = any(c.get("noevents", "").lower() == "true" for c in codings)
        out.append(
            UnitRecord(sentence.get("id", ""), sentence.get("category", ""), day, text,
                       expected, no_events)
        )  # fmt: skip
    return out


def score_unit_test_records(
    pipeline: Pipeline, records: Sequence[UnitRecord]
) -> dict[str, float | int]:
    """Share of expected codings the pipeline reproduces.

    ``exact``: an event with the same CAMEO code, source code and target code;
    ``root``: same CAMEO root, source and target; ``event_root``: same root, any
    actors; ``dyad``: same source and target, any code; ``exact_cameo``: ``exact``
    over the expected codings whose code exists in the ontology. ``no_events``:
    share of no-event records where nothing was coded.
    """
    from eventwire.models import Article

    cameo_codes = pipeline.ontology.codes()
    articles = [Article(f"{r.id}#{i}", r.text, r.date) for i, r in enumerate(records)]
    found = pipeline.extract_batch(articles)
    counts: Counter[str] = Counter()
    for record, events in zip(records, found, strict=True):
        coded = [
            (e.cameo, e.source.code if e.source else "", e.target.code if e.target else "")
            for e in events
        ]
        if record.no_events and not record.expected:
            counts["no_event_records"] += 1
            counts["no_events_ok"] += not coded
        for code, src, tgt in record.expected:
            counts["expected"] += 1
            counts["exact"] += any(c == (code, src, tgt) for c in coded)
            counts["root"] += any(c[0][:2] == code[:2] and c[1:] == (src, tgt) for c in coded)
            counts["event_root"] += any(c[0][:2] == code[:2] for c in coded)
            counts["dyad"] += any(c[1:] == (src, tgt) for c in coded)
            if code in cameo_codes:  # the rest use codes CAMEO does not have (WEIS, 9xx tests)
                counts["expected_cameo"] += 1
                counts["exact_cameo"] += any(c == (code, src, tgt) for c in coded)
    total = counts["expected"] or 1
    out: dict[str, float | int] = {
        "records": len(records),
        "expected": counts["expected"],
        **{k: counts[k] / total for k in ("exact", "root", "event_root", "dyad")},
        "expected_cameo": counts["expected_cameo"],
        "exact_cameo": counts["exact_cameo"] / (counts["expected_cameo"] or 1),
        "no_event_records": counts["no_event_records"],
        "no_events": counts["no_events_ok"] / (counts["no_event_records"] or 1),
    }
    return out
