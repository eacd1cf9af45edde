"""Reading news as it really arrives: text dumps, HTML pages, JSONL exports, WARC
crawls and URLs, one ``Document`` (or one ``InputError``) at a time, in input order.

>>> from saywho.ingest import IngestOptions, iter_documents
>>> for item in iter_documents(["article.html", "crawl.warc.gz", "-"], IngestOptions()):
...     ...  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from saywho.errors import InputError
from saywho.ingest.language import detect_language
from saywho.ingest.options import IngestOptions
from saywho.ingest.outcomes import SkippedInput
from saywho.models import Document


def tag_language(document: Document, options: IngestOptions) -> Document:
    """Set ``document.language``; raise ``SkippedInput`` for a language not asked for.

    The language is guessed from the text itself (page metadata is often wrong);
    the page's own claim is the fallback when the text is too short to tell.
    """
    detected, _ = detect_language(document.text)
    document.language = detected or document.language
    language = document.language
    if options.languages and language is not None and language not in options.languages:
        wanted = ", ".join(options.languages)
        raise SkippedInput(
            document.input, f"language is '{language}', not {wanted}: skipped (add --language {language} to keep it)"
        )
    return document


def iter_documents(inputs: Sequence[str], options: IngestOptions | None = None) -> Iterator[Document | InputError]:
    """Yield a ``Document`` per article, or an ``InputError`` in its place, in input order.

    Inputs are file paths, folders (walked in name order), glob patterns, ``-`` for
    stdin and ``http(s)://`` URLs. One bad input never stops the others.
    """
    # The readers (trafilatura, WARC) load here, not with the package: a command that only
    # needs IngestOptions or SkippedInput (saywho search, the web app) starts without them.
    from saywho.ingest.sources import read_input

    options = options or IngestOptions()
    for item in inputs:
        for result in read_input(item, options):
            if isinstance(result, Document):
                try:
                    result = tag_language(result, options)
                except InputError as error:
                    result = error
            yield result


__all__ = ["IngestOptions", "InputError", "SkippedInput", "iter_documents", "tag_language", "detect_language"]
