"""``saywho.Corpus``: the corpus store from Python, with the records the CLI prints.

>>> import saywho
>>> with saywho.Corpus(":memory:") as corpus:
...     report = corpus.ingest([saywho.Document("a.txt", '"Prices will fall," Maria Lopez said.')])
...     page = corpus.search("prices")
...     row = page.rows[0]
...     (report.stored, page.total, row["speaker"], row["content"])
(1, 1, 'Maria Lopez', '"Prices will fall,"')
>>> with saywho.Corpus(":memory:") as corpus:
...     _ = corpus.ingest([saywho.Document("a.txt", '"Prices will fall," Maria Lopez said. "No," Lopez added.')])
...     lopez = corpus.speakers().rows[0]
...     new = corpus.reassign(corpus.search("no").rows[0]["id"], name="Central Bank", kind="organization")
...     (lopez["name"], lopez["attributions"], corpus.speaker(new)["name"], [e["op"] for e in corpus.curation()])
('Maria Lopez', 2, 'Central Bank', ['reassign'])

``Corpus("corpus.db")`` opens (or creates) an SQLite file, ``Corpus("postgresql://...")``
a PostgreSQL database, exactly as ``--db`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from saywho.errors import InputError
from saywho.models import Document
from saywho.store.curation import ImportReport
from saywho.store.records import ArticleRecord, Page, SpeakerRecord, SpeakerSummary, StatementRecord
from saywho.store.store import MAX_PAGE_SIZE, SearchQuery, Store

if TYPE_CHECKING:  # the analysis pipeline loads spaCy: imported only when ingesting
    from saywho.pipeline import Options
    from saywho.store.ingest import IngestReport

#: What ``Corpus.ingest`` reads: file or folder paths, glob patterns, URLs, or documents.
Source = str | Path | Document


class Corpus:
    """A corpus of analysed articles: fill it, search it, correct who said what."""

    def __init__(self, target: str | Path, *, create: bool = True):
        """Open the corpus at an SQLite path (``":memory:"`` for a throwaway one) or a
        ``postgresql://`` DSN. ``create=False`` makes a missing SQLite file an error."""
        self.store = Store.open(target, create=create)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- filling ---------------------------------------------------------------------
    def ingest(self, sources: Iterable[Source], *, options: Options | None = None, jobs: int = 1,
               on_error: Callable[[InputError], None] | None = None) -> IngestReport:
        """Analyse and store what is not stored yet (as ``saywho ingest``) and say what was
        done; inputs that cannot be read or analysed are counted and passed to ``on_error``."""
        from saywho.store.ingest import ingest

        return ingest(self.store, _documents(sources), options=options, jobs=jobs, on_error=on_error)

    # --- reading ---------------------------------------------------------------------
    def search(self, text: str | None = None, *, speaker: str | int | None = None, publisher: str | None = None,
               since: str | None = None, until: str | None = None, type: str | None = None, kind: str | None = None,
               tag: str | None = None, bookmarked: bool = False, article_id: int | None = None,
               all_copies: bool = False, limit: int = 20, offset: int = 0) -> Page[StatementRecord]:
        """One page of statements, as ``saywho search``: every word of ``text`` must occur;
        ``speaker`` is an id or part of a name; dates are YYYY-MM-DD (or YYYY-MM, YYYY). The
        copies of a statement in wire copies of one story are one record (``copies`` says in
        how many articles) unless ``all_copies``."""
        page = self.store.search(self._query(locals(), limit=limit, offset=offset))
        return Page(page.total, cast(list[StatementRecord], page.rows))

    def statements(self, text: str | None = None, **filters: Any) -> Iterator[StatementRecord]:
        """Every statement a search finds (no paging), fetched a page at a time."""
        query = self._query({"text": text, **filters}, limit=MAX_PAGE_SIZE, offset=0)
        return cast(Iterator[StatementRecord], self.store.iter_search(query))

    def speakers(self, *, kind: str | None = None, name: str | None = None, sort: str = "statements",
                 direction: str = "desc", min_statements: int | None = None, since: str | None = None,
                 until: str | None = None, limit: int = 20, offset: int = 0) -> Page[SpeakerSummary]:
        """Corpus speakers as ``saywho speakers``: most quoted first unless ``sort`` (statements,
        articles, latest) and ``direction`` (desc, asc) say otherwise; ``since``/``until`` count
        only statements published in that range."""
        page = self.store.speakers(kind=kind, name=name, sort=sort, direction=direction, min_statements=min_statements,
                                   since=since, until=until, limit=limit, offset=offset)
        return Page(page.total, cast(list[SpeakerSummary], page.rows))

    def speaker(self, speaker_id: int) -> SpeakerRecord | None:
        """One speaker in full (names, descriptors, keys, counts, timeline), None if unknown."""
        return cast(SpeakerRecord | None, self.store.speaker(speaker_id))

    def article(self, article_id: int) -> ArticleRecord | None:
        """One stored article with its analysed record, None if unknown."""
        return cast(ArticleRecord | None, self.store.article(article_id))

    def counts(self) -> dict[str, int]:
        """How many articles, attributions, mentions and speakers the corpus holds."""
        return self.store.counts()

    # --- curation --------------------------------------------------------------------
    def reassign(self, statement_id: int, *, speaker_id: int | None = None, name: str | None = None,
                 kind: str | None = None) -> int:
        """Give a statement another speaker (known by id, or new by name and kind); returns its id."""
        return self.store.reassign_statement(statement_id, speaker_id=speaker_id, name=name, kind=kind)

    def merge(self, into: int, others: Iterable[int]) -> None:
        """The ``others`` are the same person or organisation as ``into``, for good."""
        self.store.merge_speakers(into, list(others))

    def split(self, speaker_id: int, names: Iterable[str]) -> int:
        """The mentions under these names are someone else: a new speaker, whose id is returned."""
        return self.store.split_speaker(speaker_id, list(names))

    def curation(self) -> list[dict[str, Any]]:
        """The curation log without database ids (what ``saywho curation export`` writes)."""
        return self.store.curation_log()

    def import_curation(self, entries: Iterable[dict[str, Any]]) -> ImportReport:
        """Apply another corpus's curation log (entries recorded already are skipped)."""
        return self.store.import_curation(list(entries))

    def _query(self, given: dict[str, Any], *, limit: int, offset: int) -> SearchQuery:
        fields = {k: given.get(k) for k in ("text", "speaker", "publisher", "since", "until", "type", "kind", "tag",
                                             "article_id")}
        unknown = set(given) - set(fields) - {"self", "bookmarked", "all_copies", "limit", "offset"}
        if unknown:
            raise TypeError(f"unknown search filter: {', '.join(sorted(unknown))}")
        if fields["speaker"] is not None:
            fields["speaker"] = str(fields["speaker"])
        return SearchQuery(**fields, bookmarked=bool(given.get("bookmarked")), all_copies=bool(given.get("all_copies")),
                           limit=limit, offset=offset)


def _documents(sources: Iterable[Source]) -> Iterator[Document | InputError]:
    """Documents as they are; paths, folders, globs and URLs read as ``saywho ingest`` reads them."""
    from saywho.ingest import iter_documents

    for source in sources:
        if isinstance(source, Document):
            yield source
        else:
            yield from iter_documents([str(source)])
