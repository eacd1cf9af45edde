"""Finding attributions in a parsed article: cue, source, content, type.

The logic, in order:

1. **Cues** are tokens whose lemma the learned lexicon (``lexicon.py``) rates as a
   likely cue, and that govern something a statement can be: a clausal
   complement, a quote, an object. "according to X" is a cue of its own.
2. **Content** is that complement's subtree; when it touches a quote the content
   grows to the whole quote, and quotes that continue the same statement after
   the cue (``"A," he said, "B."``) are joined to it as further spans.
3. **Source** is the cue's subject (or agent, or the subject it inherits as a
   participle, conjunct or relative clause: "..., adding that", "who said").
4. **Type**: ``direct`` when the content is all quote, ``mixed`` when it holds a
   quote among reported words, ``indirect`` otherwise.

Speakers are resolved afterwards (``speakers.py``); this module only finds spans.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Doc, Token

from saywho.models import Attribution, AttributionType, SpeechAct, TextSpan
from saywho.nlp.lexicon import BELIEF_LEMMAS, CORE_SPEECH_VERBS, MIN_PRIOR, CueLexicon, load_lexicon
from saywho.nlp.model import doc_quotes, doc_text
from saywho.nlp.quotes import QUOTE_CHARS, Quote, QuoteIndex, content_type

#: Dependency labels of a cue's children that can carry its content, best first.
CONTENT_DEPS = ("ccomp", "parataxis", "xcomp", "dobj", "oprd", "attr")
#: Object-like content ("issued a report", "called him crazy"): weak evidence of a statement.
OBJECT_DEPS = frozenset({"dobj", "attr", "oprd", "prep"})
#: Prepositions after an object that belong to the content: "slammed X for Y", "accused X of Y".
OBJECT_PREPOSITIONS = frozenset({"for", "of", "over", "as", "with", "about", "against"})
#: Clausal complements: the strongest structural evidence of an attribution.
CLAUSAL_DEPS = frozenset({"ccomp", "parataxis"})
#: Prepositions whose object is the content: "talked about X", "warned of X".
CONTENT_PREPOSITIONS = frozenset({"about", "of", "on", "against"})
#: Subject-less cues that take the subject of the verb they hang from.
INHERITING_DEPS = frozenset({"advcl", "xcomp", "conj", "acl", "pcomp"})
#: Nouns after which "statement"-like phrases join the cue ("said in a statement").
STATEMENT_NOUNS = frozenset({"statement", "interview", "release", "email", "tweet", "letter", "post", "memo", "speech"})
#: A preposition that ends the words between a cue and its content ties them to the cue:
#: "called on | Republicans to ...", "expressed concern about | the policy" (see :func:`reach_content`).
LINKING_PREPOSITIONS = frozenset(
    {"about", "on", "of", "for", "into", "against", "as", "like", "over", "with", "to", "at", "from", "in", "upon"}
)
#: At most this many words between cue and content are taken into the cue.
MAX_LINKING_WORDS = 3

#: Confidence parts (summed, then clipped to [0.05, 0.99]); calibrated by eye on
#: PolNeAR dev: an attribution with a quote, a source and a core verb is near-certain.
BASE_CONFIDENCE = 0.25
PRIOR_WEIGHT = 0.6
SOURCE_BONUS = 0.15
QUOTE_BONUS = 0.2
CLAUSE_BONUS = 0.1

#: A cue with no source is kept only when it governs a clause or quote and is at least this likely.
SOURCELESS_MIN_PRIOR = 0.3
#: A quote next to a verb (with no syntactic link) makes an attribution only for verbs this likely.
ADJACENT_QUOTE_MIN_PRIOR = 0.2

#: In a headline only likely cues count: headlines drop the words that make verbs unambiguous.
HEADLINE_MIN_PRIOR = 0.3


_TRIM_CHARS = " \t\r\n\u00a0\u2009\u200a\u202f,;:.—–-"
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")


@dataclass(frozen=True, slots=True)
class RulesConfig:
    """The rules' tuned cut-off, loaded from ``data/rules.json`` (chosen with
    ``scripts/sweep_confidence.py``, which passes its own; figures in docs/benchmarks.md).
    Pass another to :func:`find_attributions` to try one; nothing changes it at run time."""

    #: Below this confidence a candidate is dropped outright (before duplicates are settled).
    min_confidence: float

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> RulesConfig:
        data = json.loads(resources.files("saywho").joinpath("data/rules.json").read_text(encoding="utf-8"))
        return cls(min_confidence=data["min_confidence"])


@dataclass(slots=True)
class _Candidate:
    cue_tokens: list[Token]
    content: list[tuple[int, int]]
    source: tuple[int, int] | None
    source_root: Token | None
    act: SpeechAct
    prior: float
    clausal: bool
    #: The dependency that carried the content ("ccomp", "dobj", "quote", ...).
    content_dep: str = ""
    #: The source is the subject of a governing verb ("..., adding that"), not the cue's own.
    inherited: bool = False


def find_attributions(doc: Doc, *, title: str | None = None, config: RulesConfig | None = None) -> list[Attribution]:
    """All attributions of an article, in text order (headline quotes last); ``config``: the shipped one unless given."""
    config = config or RulesConfig.default()
    text = doc_text(doc)
    lexicon = load_lexicon()
    quotes = QuoteIndex(doc_quotes(doc))
    title_end_at = title_end(text, title)
    candidates: list[_Candidate] = []
    for token in doc:
        candidate = _according_to(token, quotes) or _verb_cue(token, lexicon, quotes)
        if candidate is None:
            continue
        if token.idx < title_end_at and candidate.prior < HEADLINE_MIN_PRIOR:
            continue  # headlinese ("Council delays vote on bridge") is full of verbs that are no cues
        candidates.append(candidate)
    candidates += _speaker_labels(doc, quotes) + _dash_signatures(doc, quotes)
    candidates = _resolve_nesting(candidates, text)
    _join_following_quotes(candidates, quotes, text)
    converted = [_to_attribution(c, quotes, text) for c in candidates]
    results = [r for r in converted if r is not None and r.confidence >= config.min_confidence]
    results = _drop_duplicates(results)
    results.sort(key=lambda a: a.content.start)
    reach_content(results, text)
    headline = _headline_quote(doc, title, quotes, results)
    if headline is not None:
        results.append(headline)
    return results


_LINK_BREAK = re.compile(r"[^\w\s'’-]|\n")


def reach_content(attributions: list[Attribution], text: str) -> None:
    """Stretch each cue over the few words that join it to a content starting after it.

    PolNeAR's annotators end a cue where its content begins: "called on | fellow
    Republicans to ...", "appeared to suggest | that ...", "have expressed deep
    concern about | the policy". The parse (and the tagger) usually stop at the verb,
    leaving those words in no span. They are taken into the cue when there are at
    most :data:`MAX_LINKING_WORDS`, with no punctuation or capitalised word among
    them (a recipient, "told Fox | that", or a date, "ruled Friday against | ...",
    stays out), and they either end in a preposition or open with an infinitive's
    "to". It is how PolNeAR's annotators mark cues, on train as well as on dev
    (figures in docs/model.md).
    """
    for attribution in attributions:
        cue, content = attribution.cue, attribution.content
        if cue is None or content.start <= cue.end:
            continue
        gap = text[cue.end : content.start]
        words = gap.split()
        if not words or len(words) > MAX_LINKING_WORDS or _LINK_BREAK.search(gap):
            continue
        if any(word[0].isupper() for word in words):
            continue
        if words[-1].lower() not in LINKING_PREPOSITIONS and not (words[0].lower() == "to" and len(words) > 1):
            continue
        *before, (last_start, _) = cue.spans
        attribution.cue = TextSpan.from_ranges(text, [*before, (last_start, cue.end + len(gap.rstrip()))])


def title_end(text: str, title: str | None) -> int:
    """Where the headline ends in ``text`` (0 without a title, or when the text does not carry it)."""
    if not title:
        return 0
    at = text.find(title, 0, len(title) + 2000)
    return at + len(title) if at >= 0 else 0


# --- cues ---------------------------------------------------------------------


def _inside_quote(index: int, quotes: QuoteIndex) -> bool:
    """Inside a closed quote. An unclosed quote may well end before '..., the mayor said'."""
    quote = quotes.containing(index)
    return quote is not None and quote.closed and quote.start < index


def _verb_cue(token: Token, lexicon: CueLexicon, quotes: QuoteIndex) -> _Candidate | None:
    if token.pos_ not in ("VERB", "AUX") and token.tag_ != "VBN":
        return None
    lemma = token.lemma_.lower()
    prior = max(lexicon.prior(lemma, token.pos_), lexicon.prior(lemma, "VERB"))
    if lemma in CORE_SPEECH_VERBS:
        prior = max(prior, 0.3)
    if prior < MIN_PRIOR:
        return None
    if _inside_quote(token.idx, quotes):
        return None  # the speaker's own words ("I said we would win"), not the article's attribution
    content, clausal, content_dep = _content(token, quotes)
    if not content:
        return None
    source_root = _source_root(token)
    source = _subtree_range(source_root, exclude=token) if source_root is not None else None
    if source is not None and any(_overlaps(source, r) for r in content):
        source, source_root = None, None
    if source is None and not (clausal and prior >= SOURCELESS_MIN_PRIOR):
        return None  # "was declared liberated": without a speaker only a strong clausal cue counts
    return _Candidate(
        cue_tokens=_cue_tokens(token, lexicon),
        content=content,
        source=source,
        source_root=source_root,
        act="belief" if lemma in BELIEF_LEMMAS else "speech",
        prior=prior,
        clausal=clausal,
        content_dep=content_dep,
        inherited=source_root is not None and source_root.head is not token,
    )


def _cue_tokens(head: Token, lexicon: CueLexicon) -> list[Token]:
    """The cue head plus the adjacent children annotators draw with it ("has also said")."""
    tokens = [head]
    for child in head.children:
        if child.dep_ in ("punct", "nsubj", "nsubjpass", "ccomp", "dobj", "mark"):
            continue
        if child.dep_ == "prep" and any(
            w.lemma_.lower() in STATEMENT_NOUNS for w in child.children if w.dep_ == "pobj"
        ):
            tokens.extend(child.subtree)
        elif (
            abs(child.i - head.i) <= 3
            and lexicon.include_child(head.lemma_.lower(), child.dep_, child.lower_)
            and (child.dep_ == "prep" or not list(child.children))
        ):
            tokens.append(child)
    tokens.sort(key=lambda t: t.i)
    # Keep the contiguous run around the head only: a cue is one phrase.
    run = [head]
    by_index = {t.i: t for t in tokens}
    i = head.i - 1
    while i in by_index:
        run.insert(0, by_index[i])
        i -= 1
    i = head.i + 1
    while i in by_index:
        run.append(by_index[i])
        i += 1
    return run


def _according_to(token: Token, quotes: QuoteIndex) -> _Candidate | None:
    """"according to X": X is the source, the clause it modifies is the content."""
    if token.lower_ != "according":
        return None
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None or token.i + 1 >= len(token.doc) or token.doc[token.i + 1].lower_ != "to":
        return None
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None or _inside_quote(token.idx, quotes):
        return None
    clause = token.head
    while clause.dep_ in ("prep", "pobj") and clause.head is not clause:
        clause = clause.head
    phrase = {t.i for t in token.subtree}
    sentence = token.sent
    tokens = [t for t in clause.subtree if t.i not in phrase and t.sent == sentence]
    before = [t for t in tokens if t.i < token.i]
    after = [t for t in tokens if t.i > max(phrase)]
    # The content is the side of the clause that has words: "X, according to Y." or "According to Y, X."
    side = before if len([t for t in before if not t.is_punct]) >= len([t for t in after if not t.is_punct]) else after
    content = _trimmed_range(side, doc_text(token.doc))
    if content is None:
        return None
    return _Candidate(
        cue_tokens=[token, to],
        content=[content],
        source=_subtree_range(pobj),
        source_root=pobj,
        act="speech",
        prior=0.9,
        clausal=True,
        content_dep="according",
    )


_LABEL = re.compile(r"^[ \t\"\u201c']*([A-Z][A-Z'\u2019.\- ]{1,40}?)\s*:\s+(?=\S)", re.M)
_DASHES = "\u2015\u2014\u2013"
_INLINE_SPACE = " \t\u00a0\u2009\u202f"


def _speaker_labels(doc: Doc, quotes: QuoteIndex) -> list[_Candidate]:
    """Transcripts: 'WALLACE: Let's start ...' - the label speaks the rest of the paragraph."""
    text = doc_text(doc)
    found = []
    for match in _LABEL.finditer(text):
        label = match.group(1).strip()
        if not any(c.isalpha() for c in label) or len(label.split()) > 3 or label.lower() == label:
            continue
        end_of_paragraph = text.find("\n", match.end())
        end_of_paragraph = len(text) if end_of_paragraph == -1 else end_of_paragraph
        content = _strip_range(text, match.end(), end_of_paragraph)
        colon = doc.char_span(match.end(1), match.end(), alignment_mode="expand")
        source = (match.start(1), match.start(1) + len(label))
        if content is None or colon is None:
            continue
        colon_tokens = [t for t in colon if t.text == ":"]
        if not colon_tokens:
            continue
        found.append(_pattern_candidate(doc, colon_tokens[0], [content], source, prior=0.6, content_dep="label"))
    return found


def _dash_signatures(doc: Doc, quotes: QuoteIndex) -> list[_Candidate]:
    """Collected reader quotes: '"..." ― Sonya Herridge'. The name after the dash signs the quote."""
    text = doc_text(doc)
    found = []
    for quote in quotes:
        if not quote.closed:
            continue
        after = text[quote.end : quote.end + 4]
        stripped = after.lstrip(_INLINE_SPACE)  # '”― Name' and '”\xa0― Name' sign quotes too
        if not stripped or stripped[0] not in _DASHES:
            continue
        dash_at = quote.end + (len(after) - len(stripped))
        dash = doc.char_span(dash_at, dash_at + 1, alignment_mode="expand")
        name_start = dash_at + 1
        while name_start < len(text) and text[name_start] in _INLINE_SPACE:
            name_start += 1
        name = re.match(r"(?:[A-Z][\w.\-\u2019']*\s?){1,5}", text[name_start : name_start + 80])
        if dash is None or name is None:
            continue
        source = _strip_range(text, name_start, name_start + len(name.group(0)))
        if source is None:
            continue
        found.append(_pattern_candidate(doc, dash[0], list(quote.ranges), source, prior=0.7, content_dep="quote"))
    return found


def _pattern_candidate(
    doc: Doc, cue: Token, content: list[tuple[int, int]], source: tuple[int, int], *, prior: float, content_dep: str
) -> _Candidate:
    """A speech attribution found by a surface pattern (label, dash) rather than a verb."""
    source_span = doc.char_span(*source, alignment_mode="expand")
    assert source_span is not None  # the offsets are the Doc's own tokens'
    return _Candidate(
        cue_tokens=[cue],
        content=content,
        source=source,
        source_root=source_span.root,
        act="speech",
        prior=prior,
        clausal=True,
        content_dep=content_dep,
    )


def _strip_range(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


# --- content ------------------------------------------------------------------


def _content(cue: Token, quotes: QuoteIndex) -> tuple[list[tuple[int, int]], bool, str]:
    """Character ranges of what the cue introduces, whether it is a clause or quote, and its dependency."""
    text = doc_text(cue.doc)
    for dep in CONTENT_DEPS:
        for child in cue.children:
            if child.dep_ != dep:
                continue
            if dep in ("dobj", "attr", "oprd") and child.pos_ == "PRON" and child.lower_ in ("it", "this", "that", "so"):
                continue
            tokens = [t for t in child.subtree if t.i != cue.i]
            if dep == "dobj":
                # "called Trump crazy", "slammed X for Y": the object with its complement
                tokens += [
                    t
                    for c in cue.children
                    if c.dep_ in ("oprd", "ccomp") or (c.dep_ == "prep" and c.i > child.i and c.lower_ in OBJECT_PREPOSITIONS)
                    for t in c.subtree
                ]
            elif dep == "xcomp":
                # "urged it to admit": the object belongs to the content
                tokens += [t for c in cue.children if c.dep_ == "dobj" and c.i < child.i for t in c.subtree]
            span = _trimmed_range(tokens, text)
            if span is None:
                continue
            span = _grow_to_quotes(span, quotes, cue)
            quoted = _is_quote(span, quotes)
            return [span], dep in CLAUSAL_DEPS or quoted, "quote" if quoted else dep
    for child in cue.children:
        if child.dep_ == "prep" and child.lower_ in CONTENT_PREPOSITIONS:
            objects = [t for c in child.children if c.dep_ in ("pobj", "pcomp") for t in c.subtree]
            span = _trimmed_range(objects, text)
            if span is not None:
                return [_grow_to_quotes(span, quotes, cue)], False, "prep"
    parenthetical = _parenthetical_content(cue)
    if parenthetical:
        return parenthetical, True, "parataxis"
    if load_lexicon().prior(cue.lemma_.lower(), "VERB") >= ADJACENT_QUOTE_MIN_PRIOR or cue.lemma_.lower() in CORE_SPEECH_VERBS:
        quote = _adjacent_quote(cue, quotes)
        if quote is not None:
            return list(quote.ranges), True, "quote"
    return [], False, ""


def _parenthetical_content(cue: Token) -> list[tuple[int, int]]:
    """'Too often, Mr. Clarke said, the debate is infected': the cue clause sits inside its content.

    spaCy hangs such a cue under the content's root as parataxis; the content is
    that root's clause less the cue's own, in one or two pieces.
    """
    if cue.dep_ != "parataxis" or not any(c.dep_ in _SUBJECT_DEPS for c in cue.children):
        return []
    inner = {t.i for t in cue.subtree}
    sentence = cue.sent
    tokens = [t for t in cue.head.subtree if t.i not in inner and t.sent == sentence]
    pieces = [[t for t in tokens if t.i < cue.left_edge.i], [t for t in tokens if t.i > cue.right_edge.i]]
    text = doc_text(cue.doc)
    return [r for r in (_trimmed_range(p, text) for p in pieces) if r is not None]


def _adjacent_quote(cue: Token, quotes: QuoteIndex) -> Quote | None:
    """A quote that the cue's clause introduces or closes: 'He said: "..."' or '"...", he said'."""
    text = doc_text(cue.doc)
    sentence = cue.sent
    # The cue's clause less whatever lies inside quotes ('Probably not," Ms. Moore said').
    outside = [t for t in cue.subtree if quotes.containing(t.idx) is None] or [cue]
    clause_start = min(t.idx for t in outside)
    clause_end = max(t.idx + len(t) for t in outside)
    following = quotes.next_from(clause_end)
    if following is not None:
        gap = text[clause_end : following.start]
        # A line break between cue and quote only after a colon ('He said:\n"...').
        if len(gap) <= 4 and gap.strip() in ("", ":", ",", ":,") and ("\n" not in gap or ":" in text[clause_end - 1 : following.start]):
            return following
    preceding = quotes.last_before(clause_start)
    if preceding is not None and preceding.end >= sentence.start_char - 1:
        gap = text[preceding.end : clause_start]
        if len(gap) <= 3 and gap.strip() in ("", ",", "—", "-") and "\n" not in gap:
            return preceding
    return None


def _grow_to_quotes(span: tuple[int, int], quotes: QuoteIndex, cue: Token) -> tuple[int, int]:
    """Content touching a quote takes the whole quote: spaCy's clause rarely covers it all."""
    start, end = span
    for quote in quotes.overlapping(start, end):
        if quote.contains(cue.idx):
            continue
        if quote.start < start and quote.end <= cue.idx + 1 or quote.start <= start + 1:
            start = min(start, quote.start)
        end = max(end, quote.end) if quote.end - end < 400 or quote.end <= cue.idx else end
    return start, end


def _is_quote(span: tuple[int, int], quotes: QuoteIndex) -> bool:
    quote = quotes.containing(span[0])
    return quote is not None and span[1] <= quote.end


def _join_following_quotes(candidates: list[_Candidate], quotes: QuoteIndex, text: str) -> None:
    """'"A," he said, "B."' and '"A," he told reporters. "B."': the next quote continues the statement.

    A quote joins when, in the same paragraph, nothing but the rest of the cue's
    own clause and punctuation stands between the cue and it, and no other cue
    claims it.
    """
    claimed = [r for c in candidates for r in c.content]
    for candidate in candidates:
        first = candidate.content[0]
        cue = candidate.cue_tokens[0]
        if not _is_quote(first, quotes) or first[1] > cue.idx:
            continue
        clause = {t.i for t in cue.subtree}
        tail = max(cue.idx + len(cue), candidate.source[1] if candidate.source else 0)
        following = quotes.next_from(tail)
        if following is None or any(_overlaps(r, (following.start, following.end)) for r in claimed):
            continue
        gap = text[tail : following.start]
        if "\n" in gap or len(gap) > 80:
            continue
        gap_tokens = list(cue.doc.char_span(tail, following.start, alignment_mode="expand") or [])
        if all(t.i in clause or t.is_punct or t.is_space for t in gap_tokens):
            candidate.content.extend(following.ranges)
            claimed.extend(following.ranges)


def _cue_in(inner: _Candidate, outer: _Candidate) -> bool:
    index = inner.cue_tokens[0].idx
    return inner is not outer and any(s <= index < e for s, e in outer.content)


def _resolve_nesting(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """Sort out cues found inside other cues' content.

    * "X stated that A, adding that B": spaCy often hangs "adding" under A. The
      participle takes X as its source and A's content stops before it.
    * "issued a report slamming X": an object-only content that holds a real cue
      gives way to that cue.
    * Any other subject-less cue inside someone's content ("urging it to admit")
      is part of what was said, not a new attribution.
    """
    dropped: set[int] = set()
    contents = _RangeIndex((r, order, c) for order, c in enumerate(candidates) for r in c.content)
    for inner in candidates:
        cue_at = inner.cue_tokens[0].idx
        holders = sorted({order: c for (_, order, c) in contents.containing(cue_at)}.items())
        for _, outer in holders:
            if not _cue_in(inner, outer) or id(outer) in dropped:
                continue
            head = inner.cue_tokens[0] if len(inner.cue_tokens) == 1 else max(inner.cue_tokens, key=lambda t: t.dep_ != "aux")
            if inner.inherited and head.tag_ == "VBG" and head.dep_ in ("advcl", "conj") and outer.source is not None:
                cut = head.idx
                while cut > 0 and text[cut - 1] in _TRIM_CHARS:
                    cut -= 1
                outer.content = [(s, min(e, cut)) for s, e in outer.content if s < cut]
                inner.source, inner.source_root = outer.source, outer.source_root
            elif outer.content_dep in OBJECT_DEPS and (inner.clausal or inner.source is not None):
                dropped.add(id(outer))
            elif inner.inherited or inner.source is None:
                dropped.add(id(inner))
    return [c for c in candidates if id(c) not in dropped and c.content]


# --- source -------------------------------------------------------------------


def _source_root(cue: Token) -> Token | None:
    """The token heading the source phrase, following the cue up its clause if needed."""
    subjects = [c for c in cue.children if c.dep_ in _SUBJECT_DEPS]
    # "Tory co-chairman Andrew Feldman said": the model may split the hyphenated word and
    # make its first half ("co") and the hyphen subjects of their own; the name after them
    # is the real one.
    subject = next((c for c in subjects if not is_hyphen_part(c)), subjects[0] if subjects else None)
    if subject is not None and subject.dep_ == "nsubjpass":
        agent = next((c for c in cue.children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        return pobj  # "X was asked": the asker is unknown, X is not the source
    if subject is not None:
        return subject
    node = cue
    for _ in range(3):
        if node.dep_ not in INHERITING_DEPS or node.head is node:
            return None
        if node.dep_ == "acl":
            # "issued a report slamming X": the report's issuer speaks
            holder = node.head
            verb = holder.head if holder.dep_ in ("dobj", "pobj", "attr") else None
            if verb is None:
                return None
            return next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
        node = node.head
        subject = next((c for c in node.children if c.dep_ in ("nsubj",)), None)
        if subject is not None:
            return subject
    return None


def is_hyphen_part(token: Token) -> bool:
    """Whether ``token`` is the first half of a hyphenated word ("co" in "co-chairman"), or
    the hyphen itself: with the words on both sides glued to it."""
    doc = token.doc
    if token.text in HYPHENS:
        return 0 < token.i < len(doc) - 1 and not doc[token.i - 1].whitespace_ and not token.whitespace_
    return (
        token.i + 2 < len(doc) and not token.whitespace_ and doc[token.i + 1].text in HYPHENS
        and not doc[token.i + 1].whitespace_ and doc[token.i + 2].is_alpha
    )


#: The characters that join the parts of a hyphenated word.
HYPHENS = frozenset("-\u2010\u2011")


def _subtree_range(root: Token, exclude: Token | None = None) -> tuple[int, int] | None:
    """The phrase under ``root``, less the cue's own clause when the cue hangs inside it."""
    tokens = list(root.subtree)
    if exclude is not None and root.left_edge.i <= exclude.i <= root.right_edge.i:
        inner = {t.i for t in exclude.subtree}
        tokens = [t for t in tokens if t.i not in inner and t.i < exclude.i]
    return _trimmed_range(tokens, doc_text(root.doc), keep_quotes=False)


# --- assembling -----------------------------------------------------------------


def _trimmed_range(tokens: list[Token], text: str, keep_quotes: bool = True) -> tuple[int, int] | None:
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t) for t in tokens)
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    while end > start and (text[end - 1] in _TRIM_CHARS or (not keep_quotes and text[end - 1] in QUOTE_CHARS)):
        end -= 1
    return (start, end) if end > start else None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _to_attribution(candidate: _Candidate, quotes: QuoteIndex, text: str) -> Attribution | None:
    cue_range = (candidate.cue_tokens[0].idx, candidate.cue_tokens[-1].idx + len(candidate.cue_tokens[-1]))
    content = [r for r in candidate.content if not _overlaps(r, cue_range)]
    if not content:
        return None
    # A transcript line is verbatim speech even without quote marks.
    kind: AttributionType = "direct" if candidate.content_dep == "label" else content_type(content, quotes, text)
    confidence = BASE_CONFIDENCE + PRIOR_WEIGHT * candidate.prior
    if candidate.source is not None:
        confidence += SOURCE_BONUS
    if kind != "indirect":
        confidence += QUOTE_BONUS
    if candidate.clausal:
        confidence += CLAUSE_BONUS
    if candidate.source is None and kind == "indirect" and not candidate.clausal:
        confidence -= 0.2  # an object with no speaker is rarely a statement
    return Attribution(
        type=kind,
        content=TextSpan.from_ranges(text, content),
        cue=TextSpan.from_ranges(text, [cue_range]),
        source=TextSpan.from_ranges(text, [candidate.source]) if candidate.source else None,
        speaker=None,
        act=candidate.act,
        confidence=round(max(0.05, min(0.99, confidence)), 3),
    )


def _drop_duplicates(results: list[Attribution]) -> list[Attribution]:
    """Two cues claiming overlapping content ("said", "speaking" for one quote): keep the
    more confident, unless one is nested inside the other's content."""
    kept: list[Attribution] = []
    index = _RangeIndex(())
    for item in sorted(results, key=lambda a: (-a.confidence, a.cue.start if a.cue else 0)):
        near = {id(k): k for span in item.content.spans for (_, _, k) in index.overlapping(*span)}
        if any(_competing(k, item) for k in near.values()):
            continue
        kept.append(item)
        for span in item.content.spans:
            index.add(span, 0, item)
    return kept


class _RangeIndex:
    """Character ranges with payloads; finds those holding a point or overlapping a range
    without comparing every pair (long articles have thousands of candidates)."""

    def __init__(self, entries):
        self._entries = sorted(entries, key=lambda entry: entry[0][0])
        self._starts = [entry[0][0] for entry in self._entries]
        self._longest = max((e - s for (s, e), _, _ in self._entries), default=0)

    def add(self, span: tuple[int, int], order: int, payload) -> None:
        at = bisect.bisect_right(self._starts, span[0])
        self._starts.insert(at, span[0])
        self._entries.insert(at, (span, order, payload))
        self._longest = max(self._longest, span[1] - span[0])

    def overlapping(self, start: int, end: int) -> list:
        first = bisect.bisect_left(self._starts, start - self._longest)
        last = bisect.bisect_left(self._starts, end)
        return [entry for entry in self._entries[first:last] if entry[0][1] > start]

    def containing(self, point: int) -> list:
        return [entry for entry in self.overlapping(point, point + 1) if entry[0][0] <= point]


def _competing(a: Attribution, b: Attribution) -> bool:
    overlap = any(_overlaps(x, y) for x in a.content.spans for y in b.content.spans)
    if not overlap or a.cue is None or b.cue is None:
        return False
    nested = any(s <= b.cue.start < e for s, e in a.content.spans) or any(s <= a.cue.start < e for s, e in b.content.spans)
    return not nested


# --- headlines --------------------------------------------------------------------

_WORDS = re.compile(r"\w+")


def _headline_quote(doc: Doc, title: str | None, quotes: QuoteIndex, found: list[Attribution]) -> Attribution | None:
    """A headline that quotes the body: the speaker is whoever said those words below."""
    if not title:
        return None
    text = doc_text(doc)
    title_at = text.find(title)
    if title_at < 0:
        return None
    title_end = title_at + len(title)
    for quote in quotes.overlapping(title_at, title_end):
        if not (title_at <= quote.start and quote.end <= title_end):
            continue
        words = [w.lower() for w in _WORDS.findall(text[quote.start : quote.end])]
        if not words:
            continue
        best, best_score = None, 0.0
        for attribution in found:
            if attribution.type == "indirect" or attribution.content.start < title_end:
                continue
            body_words = [w.lower() for w in _WORDS.findall(attribution.content.text)]
            score = _ordered_coverage(words, body_words)
            if score > best_score:
                best, best_score = attribution, score
        if best is not None and best_score >= 0.75:
            inner = (quote.start, quote.end)
            return Attribution(
                type="direct",
                content=TextSpan.from_ranges(text, [inner]),
                cue=None,
                source=None,
                speaker=None,
                act=best.act,
                confidence=round(best.confidence * best_score, 3),
                headline=True,
            )
    return None


def _ordered_coverage(words: list[str], body: list[str]) -> float:
    """Share of ``words`` found in ``body`` in the same order."""
    position, hits = 0, 0
    for word in words:
        try:
            position = body.index(word, position) + 1
            hits += 1
        except ValueError:
            continue
    return hits / len(words)


def headline_source(headline: Attribution, found: list[Attribution], text: str) -> Attribution | None:
    """The body attribution a headline quote repeats (for speaker resolution)."""
    words = [w.lower() for w in _WORDS.findall(headline.content.text)]
    best, best_score = None, 0.0
    for attribution in found:
        if attribution is headline or attribution.headline or attribution.type == "indirect":
            continue
        score = _ordered_coverage(words, [w.lower() for w in _WORDS.findall(attribution.content.text)])
        if score > best_score:
            best, best_score = attribution, score
    return best


__all__ = ["find_attributions", "headline_source"]
