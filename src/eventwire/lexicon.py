"""The event lexicon: which words and phrases are events, and their CAMEO codes.

The lexicon is a readable table (``data/lexicon.tsv``, format in docs/lexicon.md)
so that coverage can be audited and extended without touching code: users add
or override lines with their own file (``--patterns FILE``). Each line becomes a
:class:`Pattern`; :class:`Lexicon` indexes them by lemma so the matcher does one
dict lookup per token and tries the most specific pattern first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from eventwire.errors import DataFileError

__all__ = ["Lexicon", "Pattern", "load_lexicon", "parse_pattern"]

HEADER = ("cameo", "pattern")
VERB, NOUN = "VERB", "NOUN"

_WORD = re.compile(r"[a-z]+")
#: Object classes an object list may name besides lemmas: ``@place`` is a named place
#: ("entered Quraytayn", "shelled Homs"), whatever its lemma.
OBJECT_CLASSES = frozenset({"@place", "@none"})
_CODE = re.compile(r"[0-9]{2,4}")
_SHAPE = re.compile(r"(?P<head>\S+)(?:\s+\[(?P<objs>[^\[\]]*)\])?(?:\s+(?P<prep>\S+))?")

PatternKey = tuple[str, str, str | None, frozenset[str], str | None]


@dataclass(frozen=True)
class Pattern:
    """One lexicon line: an event word, its constraints, and the code it means."""

    cameo: str
    lemma: str
    pos: str  # "VERB" | "NOUN"
    particle: str | None
    objects: frozenset[str]
    prep: str | None
    source: str  # "path:line" where it was defined, for audit

    @property
    def specificity(self) -> int:
        """Higher = more specific; an object constraint outweighs a particle, a particle a prep."""
        return 4 * bool(self.objects) + 2 * bool(self.particle) + bool(self.prep)

    @property
    def key(self) -> PatternKey:
        """What makes two lines "the same phrase" (the code is not part of it)."""
        return (self.lemma, self.pos, self.particle, self.objects, self.prep)

    @property
    def text(self) -> str:
        """The pattern as written in the lexicon grammar."""
        head = ("N:" if self.pos == NOUN else "") + self.lemma
        if self.particle:
            head += "+" + self.particle
        parts = [head]
        if self.objects:
            parts.append("[" + "|".join(sorted(self.objects)) + "]")
        if self.prep:
            parts.append(self.prep)
        return " ".join(parts)

    def accepts(
        self,
        *,
        particle: str | None = None,
        obj: str | None = None,
        preps: Collection[str] = (),
    ) -> bool:
        """Whether a token with this particle, object head and prepositions fits.

        A pattern with a particle needs that particle. A pattern without one
        also serves particle verbs ("fought back" is still ``fight``) unless it
        constrains the object: "called off the strike" must not fire
        ``call [strike]``. Object and preposition constraints must be met.
        """
        part = particle.lower() if particle else None
        if self.particle is not None:
            if part != self.particle:
                return False
        elif part is not None and self.objects:
            return False
        if self.objects and (obj is None or obj.lower() not in self.objects):
            return False
        if self.prep is not None and self.prep not in {p.lower() for p in preps}:
            return False
        return True


def parse_pattern(
    text: str,
) -> tuple[str, str, str | None, frozenset[str], str | None]:
    """Parse ``[N:]LEMMA[+PARTICLE] [[OBJ|...]] [PREP]`` into its parts.

    Returns ``(lemma, pos, particle, objects, prep)``; raises ``ValueError``
    saying which part is wrong, so a file loader can report it with the line.
    """
    spec = text.strip()
    if not spec:
        raise ValueError("empty pattern")
    if spec.count("[") != spec.count("]"):
        raise ValueError("unbalanced '[' ']' in the object list")
    if spec.count("[") > 1:
        raise ValueError("only one [OBJ|...] object list is allowed")
    m = _SHAPE.fullmatch(spec)
    if m is None:
        raise ValueError(
            "expected [N:]LEMMA[+PARTICLE] [[OBJ|OBJ...]] [PREP] "
            "(one word, an optional bracketed list, an optional preposition)"
        )
    head, objs, prep = m.group("head"), m.group("objs"), m.group("prep")

    pos = VERB
    if head.startswith("N:"):
        pos, head = NOUN, head[2:]
    lemma, plus, particle = head.partition("+")
    if plus and not particle:
        raise ValueError(f"'+' in {head!r} must be followed by a particle")
    _check_word(lemma, "lemma")
    if plus:
        _check_word(particle, "particle")
        if pos == NOUN:
            raise ValueError("noun patterns (N:) take no +PARTICLE")

    objects: frozenset[str] = frozenset()
    if objs is not None:
        items = [o.strip() for o in objs.split("|")]
        if not any(items):
            raise ValueError("empty [] object list: drop it or name object lemmas")
        for item in items:
            if item not in OBJECT_CLASSES:
                _check_word(item, "object lemma")
        objects = frozenset(items)

    if prep is not None:
        _check_word(prep, "preposition")
    return lemma, pos, (particle or None), objects, prep


def _check_word(word: str, what: str) -> None:
    if not word:
        raise ValueError(f"missing {what}")
    if not _WORD.fullmatch(word):
        hint = (
            " (use the spaCy lemma in lower case; hyphenated words are split by the tokenizer)"
            if what in {"lemma", "object lemma"}
            else ""
        )
        raise ValueError(f"{what} {word!r} must be lowercase letters a-z{hint}")


class Lexicon:
    """Patterns indexed by (lemma, pos), most specific first, for one lookup per token."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self._patterns: tuple[Pattern, ...] = tuple(patterns)
        index: dict[tuple[str, str], list[Pattern]] = {}
        for pat in self._patterns:
            index.setdefault((pat.lemma, pat.pos), []).append(pat)
        # sorted() is stable: equal specificity keeps file order.
        self._index: dict[tuple[str, str], tuple[Pattern, ...]] = {
            k: tuple(sorted(v, key=lambda p: -p.specificity)) for k, v in index.items()
        }
        self.verb_lemmas: frozenset[str] = frozenset(w for w, p in self._index if p == VERB)
        self.noun_lemmas: frozenset[str] = frozenset(w for w, p in self._index if p == NOUN)

    @property
    def lemmas(self) -> frozenset[str]:
        """Every lemma that can trigger an event, for cheap pre-filtering."""
        return self.verb_lemmas | self.noun_lemmas

    @property
    def patterns(self) -> tuple[Pattern, ...]:
        return self._patterns

    def for_lemma(self, lemma: str, pos: str) -> list[Pattern]:
        """Patterns for this lemma and part of speech, most specific first.

        ``pos`` is a spaCy coarse tag: VERB and AUX look up verb patterns, NOUN
        noun patterns; anything else has none.
        """
        kind = VERB if pos in (VERB, "AUX") else NOUN if pos == NOUN else None
        if kind is None:
            return []
        return list(self._index.get((lemma.lower(), kind), ()))

    def match(
        self,
        lemma: str,
        pos: str,
        *,
        particle: str | None = None,
        obj: str | None = None,
        preps: Collection[str] = (),
    ) -> Pattern | None:
        """The most specific pattern that accepts this token, or None (see Pattern.accepts)."""
        for pat in self.for_lemma(lemma, pos):
            if pat.accepts(particle=particle, obj=obj, preps=preps):
                return pat
        return None

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s lines added; ``other`` wins on the same phrase key."""
        overridden = {p.key for p in other}
        return Lexicon([*other, *(p for p in self if p.key not in overridden)])

    def codes(self) -> frozenset[str]:
        return frozenset(p.cameo for p in self._patterns)

    def __len__(self) -> int:
        return len(self._patterns)

    def __iter__(self) -> Iterator[Pattern]:
        return iter(self._patterns)

    def __repr__(self) -> str:
        return f"Lexicon({len(self)} patterns, {len(self.lemmas)} lemmas)"


def load_lexicon(
    path: Path | str | None = None, *, valid_codes: Iterable[str] | None = None
) -> Lexicon:
    """Read and validate a lexicon file; without ``path``, the bundled one (cached).

    Every problem raises :class:`DataFileError` naming the file and line. With
    ``valid_codes`` (e.g. the ontology's codes) unknown CAMEO codes are errors too.
    """
    codes = frozenset(valid_codes) if valid_codes is not None else None
    if path is None:
        return _bundled(codes)
    return _read(Path(path), codes)


@functools.cache
def _bundled(valid_codes: frozenset[str] | None) -> Lexicon:
    ref = resources.files("eventwire") / "data" / "lexicon.tsv"
    with resources.as_file(ref) as file:
        return _read(Path(file), valid_codes)


def _read(path: Path, valid_codes: frozenset[str] | None) -> Lexicon:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise DataFileError(where, None, "lexicon file not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(where, None, f"cannot read lexicon file: {e}") from e

    patterns: list[Pattern] = []
    seen: dict[PatternKey, tuple[str, int]] = {}
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            if tuple(f.strip().lower() for f in fields[:2]) != HEADER or len(fields) > 3:
                raise DataFileError(
                    where,
                    lineno,
                    "first non-comment line must be the header 'cameo<TAB>pattern<TAB>note'",
                )
            header_seen = True
            continue
        if len(fields) not in (2, 3):
            raise DataFileError(
                where,
                lineno,
                f"expected 2 or 3 tab-separated fields (cameo, pattern, note), got {len(fields)}",
            )
        code, spec = fields[0].strip(), fields[1]
        if not _CODE.fullmatch(code):
            raise DataFileError(where, lineno, f"CAMEO code {code!r} must be 2 to 4 digits")
        if not 1 <= int(code[:2]) <= 20:
            raise DataFileError(where, lineno, f"CAMEO code {code!r} has no root 01-20")
        if valid_codes is not None and code not in valid_codes:
            raise DataFileError(where, lineno, f"unknown CAMEO code {code!r} (not in the ontology)")
        try:
            lemma, pos, particle, objects, prep = parse_pattern(spec)
        except ValueError as e:
            raise DataFileError(where, lineno, f"bad pattern {spec.strip()!r}: {e}") from e
        pat = Pattern(code, lemma, pos, particle, objects, prep, f"{where}:{lineno}")
        if pat.key in seen:
            other_code, other_line = seen[pat.key]
            what = (
                "same pattern" if other_code == code else "conflicting codes for the same pattern"
            )
            raise DataFileError(
                where,
                lineno,
                f"{what} {pat.text!r}: code {code} here, code {other_code} at line {other_line}",
            )
        seen[pat.key] = (code, lineno)
        patterns.append(pat)
    if not header_seen:
        raise DataFileError(where, None, "no header line 'cameo<TAB>pattern<TAB>note' found")
    return Lexicon(patterns)
