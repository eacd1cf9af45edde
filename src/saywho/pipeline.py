"""Orchestration: one Document in, one Article out.

clean (scraped text only) -> spaCy parse -> attributions -> speech or belief ->
one statement per quoted piece -> speakers -> dates.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from spacy.tokens import Doc

from saywho.errors import InputError
from saywho.ingest import clean
from saywho.models import Article, Attribution, Document, Speaker, TextSpan
from saywho.nlp import acts, dates, rules, speakers, statements
from saywho.nlp.model import doc_text, load_model

# Defined apart so the command line can read them without loading spaCy; re-exported here.
from saywho.options import DEFAULT_MAX_CHARS as DEFAULT_MAX_CHARS
from saywho.options import DEFAULT_TIME_LIMIT as DEFAULT_TIME_LIMIT
from saywho.options import ENGINES as ENGINES
from saywho.options import Engine as Engine
from saywho.options import Options as Options
from saywho.options import is_engine as is_engine

#: Articles longer than this (characters) are analysed paragraph-block by block so
#: memory stays flat; spaCy's own limit is 1,000,000.
MAX_PARSE_CHARS = 50_000

class Extractor:
    """Holds the loaded model; reuse one instance for many articles (``rules_config``: the
    rules' tuned cut-off, the shipped one unless a sweep passes another)."""

    def __init__(self, options: Options | None = None, *, rules_config: rules.RulesConfig | None = None):
        self.options = options or Options()
        self.rules_config = rules_config
        self.nlp = load_model(self.options.model)

    def extract(
        self,
        text: str,
        *,
        published: str | None = None,
        title: str | None = None,
        input: str = "<text>",
    ) -> Article:
        return self.analyse(Document(input=input, text=text, title=title, published=published))

    def analyse(self, document: Document) -> Article:
        with time_limit(self.options.time_limit, document.input):
            article, analysed = self._prepare(document)
            return self._finish(article, self._parse(analysed))

    def analyse_many(self, documents: Iterable[Document], batch_size: int = 16) -> Iterator[Article]:
        """Analyse in input order, parsing with ``nlp.pipe`` for throughput."""
        prepared = map(self._prepare, documents)
        buffer: list[tuple[Article, str]] = []
        for item in prepared:
            buffer.append(item)
            if len(buffer) >= batch_size:
                yield from self._flush(buffer)
                buffer = []
        yield from self._flush(buffer)

    def _flush(self, buffer: list[tuple[Article, str]]) -> Iterator[Article]:
        short = [analysed for _, analysed in buffer if len(analysed) <= MAX_PARSE_CHARS]
        parsed = iter(self.nlp.pipe(map(tokenizable, short)))
        for article, analysed in buffer:
            doc = next(parsed) if len(analysed) <= MAX_PARSE_CHARS else self._parse(analysed)
            yield self._finish(article, doc)

    def _prepare(self, document: Document) -> tuple[Article, str]:
        """Clean the text; return the article shell and the string analysis reads.

        The analysed string has the same length as ``article.text``: in raw mode
        junk lines are blanked rather than removed so offsets still index the input.
        """
        limit = self.options.max_chars
        if limit and len(document.text) > limit:
            raise InputError(document.input, f"too long: {len(document.text):,} characters, limit {limit:,} (see --max-chars)")
        cleaned = clean.clean_document(document, raw=self.options.raw, keep_junk=self.options.keep_junk)
        article = Article(
            input=document.input,
            text=cleaned.text,
            title=cleaned.title,
            published=document.published,
            url=document.url,
            publisher=document.publisher,
            authors=list(document.authors),
            language=document.language,
            dropped=cleaned.dropped,
            raw=self.options.raw,
        )
        return article, cleaned.analysed

    def _parse(self, analysed: str) -> Doc:
        analysed = tokenizable(analysed)
        if len(analysed) <= MAX_PARSE_CHARS:
            return self.nlp(analysed)
        return _parse_in_blocks(self.nlp, analysed)

    def _finish(self, article: Article, doc: Doc) -> Article:
        found, article.speakers = annotate(
            doc, title=article.title, published=article.published, engine=self.options.engine, rules_config=self.rules_config
        )
        if doc_text(doc) != article.text:
            # Over-long words were broken for the tokenizer, or (raw mode) junk lines blanked:
            # the spans are right, their texts are taken from the article as it is output.
            found = [_texts_from(article.text, a) for a in found]
        article.attributions = [
            a
            for a in found
            if a.confidence >= self.options.min_confidence and (self.options.beliefs or a.act == "speech")
        ]
        return article


def annotate(
    doc: Doc,
    *,
    title: str | None = None,
    published: str | None = None,
    engine: str = "tagger",
    rules_config: rules.RulesConfig | None = None,
) -> tuple[list[Attribution], list[Speaker]]:
    """Attributions, their speakers and dates for a parsed Doc (shared by Extractor and the spaCy component)."""
    found = find_statements(doc, title=title, engine=engine, rules_config=rules_config)
    found_speakers = speakers.resolve(doc, found)
    for item in found:
        item.when = dates.find_when(doc, item, published=published)
    return found, found_speakers


def find_statements(
    doc: Doc, *, title: str | None = None, engine: str = "tagger", rules_config: rules.RulesConfig | None = None
) -> list[Attribution]:
    """The statements of a parsed Doc, speech or belief, one per quoted piece, speakers not yet resolved
    (``rules_config`` applies to the rules engine; the tagger combines with the shipped rules)."""
    if engine == "tagger":
        from saywho.nlp.tagger import find_attributions_model  # onnxruntime loads only when the tagger runs

        found = find_attributions_model(doc, title=title)
    elif engine == "rules":
        found = rules.find_attributions(doc, title=title, config=rules_config)
    else:
        raise ValueError(f"unknown engine {engine!r}; choose {' or '.join(ENGINES)}")
    for item in found:
        item.act = acts.speech_act(doc, item)
    return statements.split_statements(found, doc_text(doc))


#: spaCy's tokenizer strips a word's prefixes and suffixes one at a time, each time with
#: a regex over the rest of the word: a word of n punctuation marks costs O(n²) (30,000
#: quote marks in a row: 155 s). No real word is this long, so the copy the tokenizer
#: reads has a space in place of every (MAX_WORD_CHARS + 1)-th character of a longer
#: run; lengths and offsets are unchanged, and output texts come from the article text.
MAX_WORD_CHARS = 100
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


def tokenizable(text: str) -> str:
    """``text`` with over-long runs of non-space characters broken (same length)."""
    if _LONG_WORD.search(text) is None:
        return text
    step = MAX_WORD_CHARS + 1

    def broken(match: re.Match[str]) -> str:
        run = match.group()
        pieces = (run[i : i + step] for i in range(0, len(run), step))
        return "".join(piece[:MAX_WORD_CHARS] + " " if len(piece) == step else piece for piece in pieces)

    return _LONG_WORD.sub(broken, text)


def _texts_from(text: str, attribution: Attribution) -> Attribution:
    """The attribution with every text taken from ``text`` at its offsets."""
    for role in ("content", "cue", "source"):
        span = getattr(attribution, role)
        if span is not None:
            setattr(attribution, role, TextSpan.from_ranges(text, span.spans))
    if attribution.when is not None:
        start, end = attribution.when.span
        attribution.when.text = text[start:end]
    return attribution


def _parse_in_blocks(nlp, text: str) -> Doc:
    """Parse a very long text in paragraph-aligned blocks and join the Docs.

    Offsets stay true because each block keeps its own whitespace and
    ``Doc.from_docs`` keeps trailing whitespace between them.
    """
    blocks: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_PARSE_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start + MAX_PARSE_CHARS // 2, end)
            if cut == -1:
                cut = text.rfind(" ", start + MAX_PARSE_CHARS // 2, end)
            end = cut + 1 if cut != -1 else end
        blocks.append(text[start:end])
        start = end
    # One block at a time: batching huge blocks multiplies the parser's working memory.
    return Doc.from_docs(list(nlp.pipe(blocks, batch_size=1)), ensure_whitespace=False)


class ArticleTimeout(InputError):
    """One article took longer than ``Options.time_limit``; the batch goes on without it."""


@contextmanager
def time_limit(seconds: float, input: str) -> Iterator[None]:
    """Raise ``ArticleTimeout`` if the block runs longer than ``seconds``.

    SIGALRM interrupts pure Python and regular expressions as well as spaCy between
    its (bounded, MAX_PARSE_CHARS) blocks. Signals reach only a process's main thread,
    so elsewhere (the web server's threads) this does nothing and the character cap
    alone bounds the time. An outer timer, if any, is restored afterwards.
    """
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise ArticleTimeout(input, f"analysis took longer than {seconds:g} s (see --time-limit)")

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expire)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay:
            left = max(outer_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)


_default: dict[Options, Extractor] = {}


def get_extractor(options: Options | None = None) -> Extractor:
    """A process-wide Extractor per options (models load once)."""
    options = options or Options()
    if options not in _default:
        _default[options] = Extractor(options)
    return _default[options]


def extract(text: str, *, published: str | None = None, title: str | None = None, options: Options | None = None) -> Article:
    """Find who said what in one article's text.

    >>> article = extract('"We will win," Jane Smith said on Tuesday.', published="2024-05-02")
    >>> a = article.attributions[0]
    >>> (a.type, a.cue.text, a.speaker.name)
    ('direct', 'said', 'Jane Smith')
    """
    return get_extractor(options).extract(text, published=published, title=title)


# --- several processes -------------------------------------------------------

_worker: Extractor | None = None


def _init_worker(options: Options) -> None:
    global _worker
    _worker = Extractor(options)


def _analyse_batch(documents: list[Document]) -> list[Article | InputError]:
    assert _worker is not None
    return [analyse_safely(_worker, document) for document in documents]


def analyse_safely(extractor: Extractor, document: Document) -> Article | InputError:
    """Analyse one document; any failure becomes that input's error, so a batch of
    millions never stops for one article. Set SAYWHO_DEBUG=1 to raise instead."""
    try:
        return extractor.analyse(document)
    except InputError as error:
        return error
    except Exception as error:
        if os.environ.get("SAYWHO_DEBUG"):
            raise
        return InputError(document.input, f"internal error: {type(error).__name__}: {error}")


def analyse_parallel(
    items: Iterable[Document | InputError], options: Options, jobs: int, batch_size: int = 8
) -> Iterator[Article | InputError]:
    """Analyse documents with ``jobs`` processes, yielding results in input order.

    Ingest errors pass straight through in their place. With ``jobs == 1`` no
    process is spawned.
    """
    if jobs <= 1:
        extractor = get_extractor(options)
        for item in items:
            yield item if isinstance(item, InputError) else analyse_safely(extractor, item)
        return

    def batches() -> Iterator[list[Document | InputError]]:
        batch: list[Document | InputError] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    # Bounded look-ahead keeps memory flat on huge inputs while every worker stays busy.
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options,)) as pool:
        pending = []
        for batch in batches():
            documents = [d for d in batch if not isinstance(d, InputError)]
            pending.append((batch, pool.submit(_analyse_batch, documents)))
            while len(pending) > jobs * 3:
                yield from _merge(*pending.pop(0))
        for entry in pending:
            yield from _merge(*entry)


def _merge(batch, future) -> Iterator[Article | InputError]:
    results = iter(future.result())
    for item in batch:
        yield item if isinstance(item, InputError) else next(results)


def default_jobs() -> int:
    return max(1, (os.cpu_count() or 1))


__all__ = ["ArticleTimeout", "Extractor", "Options", "extract", "get_extractor", "analyse_parallel", "time_limit"]
