"""The corpus store: articles, their attributions and speakers, search, and a fact-checker's marks.

>>> from saywho.models import Article
>>> store = Store.open(":memory:")
>>> store.add_article(Article(input="a.txt", text="Hi."), content_hash("Hi."))
1
>>> store.add_article(Article(input="copy.txt", text="Hi."), content_hash("Hi.")) is None  # same text: nothing changes
True
>>> store.counts()["articles"]
1
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import astuple, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from saywho.isodates import parse_date
from saywho.models import ATTRIBUTION_TYPES, SPEAKER_KINDS, Article, Document
from saywho.store import browse, curation
from saywho.store import identities as speaker_rules
from saywho.store.db import STORIES_LOCK_ID, Backend, Conn, SQLiteBackend, StoreError, open_backend
from saywho.store.descriptors import clean as clean_descriptors
from saywho.store.stories import COLLAPSED_COUNT, CONTENT_KEY, SPEAKER_KEY, STATEMENT_COUNT, STORY_COUNT, StoryGrouper, copy_key

#: Where the embedded database lives unless ``--db`` or ``SAYWHO_DB`` says otherwise.
DEFAULT_DB = "saywho.db"

#: Speaker-list pages kept in memory (see Store.speakers).
SPEAKERS_CACHE_SIZE = 256

#: A speaker-name filter matching more mentions than this is joined in SQL, not inlined.
MAX_INLINE_IDS = 2000

#: Most rows one search page may ask for (exports stream without this limit).
MAX_PAGE_SIZE = 500


_TAG = re.compile(r"[\w][\w .:/-]{0,63}")


def content_hash(document: Document | str) -> str:
    """The idempotency key of an article: sha256 of its text with line endings normalised."""
    text = document if isinstance(document, str) else document.text
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class SearchQuery:
    """Filters of a statement search; every field is optional."""

    text: str | None = None
    #: A corpus speaker id, or a name fragment matched against speaker names and aliases.
    speaker: str | None = None
    publisher: str | None = None
    #: Article publication date range, inclusive, YYYY-MM-DD.
    since: str | None = None
    until: str | None = None
    type: str | None = None
    kind: str | None = None
    tag: str | None = None
    bookmarked: bool = False
    article_id: int | None = None
    #: Every copy of a statement; by default the copies of one statement in the copies
    #: of one story (same story, speaker and words) are one result with a ``copies`` count.
    all_copies: bool = False
    limit: int = 20
    offset: int = 0
    #: The page after the one whose ``next_after`` this is (keyset paging: a deep page
    #: costs what the first does, where OFFSET would walk every row before it).
    after: str | None = None

    def validate(self) -> SearchQuery:
        # Normalised in place: 2019 as since is 2019-01-01, as until 2019-12-31.
        self.since = checked_date("since", self.since, "start")
        self.until = checked_date("until", self.until, "end")
        if self.type and self.type not in ATTRIBUTION_TYPES:
            raise StoreError(f"type must be one of {', '.join(ATTRIBUTION_TYPES)}, not {self.type!r}")
        if self.kind and self.kind not in SPEAKER_KINDS:
            raise StoreError(f"kind must be one of {', '.join(SPEAKER_KINDS)}, not {self.kind!r}")
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise StoreError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
        if self.offset < 0:
            raise StoreError("offset must not be negative")
        if self.after is not None:
            read_cursor(self.after)
        return self


def checked_date(name: str, value: str | None, bound: str) -> str | None:
    """A date filter as YYYY-MM-DD (2019 as a start is 2019-01-01, as an end 2019-12-31)."""
    if not value:
        return None
    try:
        return parse_date(value, bound=bound)  # type: ignore[arg-type]
    except ValueError:
        raise StoreError(f"{name} must be a date like 2016-05-31 (or 2016-05, 2016), not {value!r}") from None


@dataclass(slots=True)
class SearchPage:
    total: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: The cursor of the next page (SearchQuery.after), None on the last page.
    next_after: str | None = None


def make_cursor(key: Any, row_id: int) -> str:
    """An opaque cursor: the sort key and id of a page's last row.

    >>> read_cursor(make_cursor("2016-05-31", 7))
    ('2016-05-31', 7)
    """
    raw = json.dumps([key, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_cursor(cursor: str) -> tuple[Any, int]:
    """A cursor's (sort key, id); StoreError for anything not made by make_cursor."""
    try:
        key, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(row_id, int) or isinstance(key, bool) or not isinstance(key, str | int | float | None):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise StoreError("after must be the next_after cursor of a previous page of this search") from None
    return key, row_id


@dataclass(slots=True)
class Order:
    """A search's order: by ``key`` (ascending, or descending with NULLs last), then ``a.id``."""

    sql: str
    key: str
    params: list[Any]
    descending: bool

    def after(self, cursor: str, key: str | None = None, row_id: str = "a.id") -> tuple[str, list[Any]]:
        """The condition for rows after the cursor's row in this order (``key``/``row_id``
        name the columns where they are aliased)."""
        value, last_id = read_cursor(cursor)
        key, params = (key, []) if key else (self.key, self.params)
        if value is None:  # past the dated rows: only undated ones, by id
            return f"({key} IS NULL AND {row_id} > ?)", [*params, last_id]
        if isinstance(value, str) != (self.key == "ar.published_date"):
            raise StoreError("after must be the next_after cursor of a previous page of this search")
        if self.descending:  # NULLs (undated rows) come last
            return (f"({key} IS NULL OR {key} < ? OR ({key} = ? AND {row_id} > ?))",
                    [*params, *params, value, *params, value, last_id])
        return f"({key} > ? OR ({key} = ? AND {row_id} > ?))", [*params, value, *params, value, last_id]


#: How the speakers list may be sorted: the name a caller uses, the counted column.
SPEAKER_SORTS = {"statements": "attributions", "articles": "articles", "latest": "latest"}
SORT_DIRECTIONS = ("desc", "asc")


@dataclass(slots=True)
class SpeakerQuery:
    """Filters and order of the speakers list (see Store.speakers)."""

    kind: str | None = None
    name: str | None = None
    sort: str = "statements"
    direction: str = "desc"
    min_statements: int | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 20
    offset: int = 0

    def validate(self) -> SpeakerQuery:
        if self.kind and self.kind not in SPEAKER_KINDS:
            raise StoreError(f"kind must be one of {', '.join(SPEAKER_KINDS)}, not {self.kind!r}")
        if self.sort not in SPEAKER_SORTS:
            raise StoreError(f"sort must be one of {', '.join(SPEAKER_SORTS)}, not {self.sort!r}")
        if self.direction not in SORT_DIRECTIONS:
            raise StoreError(f"direction must be desc or asc, not {self.direction!r}")
        if self.min_statements is not None and self.min_statements < 1:
            raise StoreError("min_statements must be at least 1")
        self.since = checked_date("since", self.since, "start")
        self.until = checked_date("until", self.until, "end")
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise StoreError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
        if self.offset < 0:
            raise StoreError("offset must not be negative")
        return self


def _speaker_counts(where: str, having: str = "") -> str:
    """The query behind every speaker count shown (list, page, API): per live speaker, the
    statements, the articles they are quoted in and the date of the latest one. Kept in one
    place so that a change in what counts (a story told by several outlets) changes all."""
    return (
        f"SELECT s.id, s.name, s.kind, {STATEMENT_COUNT} AS attributions, {STORY_COUNT} AS articles, "
        "MAX(ar.published_date) AS latest FROM speakers s JOIN mentions m ON m.speaker_id = s.id "
        "JOIN attributions a ON a.mention_id = m.id JOIN articles ar ON ar.id = a.article_id "
        f"WHERE {where} GROUP BY s.id, s.name, s.kind {having}"
    )


#: Columns of a search result row, in export order.
RESULT_COLUMNS = (
    "id", "article_id", "published_date", "publisher", "title", "speaker_id", "speaker",
    "speaker_kind", "mention", "type", "act", "cue", "content", "confidence", "when_date", "tags", "bookmarked",
    "copies",
)

_RESULT_SELECT = """
SELECT a.id, a.article_id, ar.published_date, ar.publisher, ar.title, m.speaker_id,
       COALESCE(s.name, m.name) AS speaker, m.kind AS speaker_kind, m.name AS mention,
       a.type, a.act, a.cue, a.content, a.confidence, a.when_date, a.seq
"""
_RESULT_JOINS = """
JOIN articles ar ON ar.id = a.article_id
LEFT JOIN mentions m ON m.id = a.mention_id
LEFT JOIN speakers s ON s.id = m.speaker_id
"""
_RESULT_FROM = "FROM attributions a" + _RESULT_JOINS
#: Full-text hits first: CROSS JOIN makes SQLite run the FTS5 query once and look the
#: statements up by id, instead of re-running it for every row another filter kept.
_RESULT_FROM_FTS5 = "FROM attributions_fts f CROSS JOIN attributions a ON a.id = f.rowid" + _RESULT_JOINS


def _collapsed_sql(from_: str, where: str, order: str, key: str, after: str = "") -> str:
    """A search page with the copies of one statement as one row (the first in the
    search's order), ``copies`` (how many articles carry it among the results) and
    ``collapsed_total`` (how many such rows the search has).

    The hits are numbered once in the search's order and grouped once; only the page's
    rows are joined back for display. ``after`` (on ``h.hit_key``, ``h.hit_id``) starts
    the page after a cursor: a group is ordered by its first row, so the groups after
    the last one shown are those whose first row comes after it.
    """
    return f"""
WITH hits AS (
    SELECT a.id AS hit_id, a.article_id AS hit_article, ROW_NUMBER() OVER (ORDER BY {order}) AS hit_rank,
           ar.story_id AS k_story, {SPEAKER_KEY} AS k_speaker, {CONTENT_KEY} AS k_content, {key} AS hit_key
    {from_} {where}
), groups AS (
    SELECT MIN(hit_rank) AS first_rank, COUNT(DISTINCT hit_article) AS copies
    FROM hits GROUP BY k_story, k_speaker, k_content
)
{_RESULT_SELECT}, g.copies, h.hit_key AS sort_key, (SELECT COUNT(*) FROM groups) AS collapsed_total
FROM groups g JOIN hits h ON h.hit_rank = g.first_rank JOIN attributions a ON a.id = h.hit_id {_RESULT_JOINS}
{"WHERE " + after if after else ""}
ORDER BY g.first_rank LIMIT ? OFFSET ?
"""


class Store:
    """A corpus of analysed articles in SQLite or PostgreSQL (same code, one SQL dialect layer)."""

    def __init__(self, backend: Backend):
        self.backend = backend
        try:
            self.schema_version = backend.migrate()
        except BaseException:
            backend.close()  # a refused database (newer schema, bad migration) leaves no connection open
            raise
        self._speakers_cache: dict[tuple, SearchPage] = {}
        self._names_cache: dict[tuple, tuple[list[int], list[int]]] = {}
        self._facets_cache: dict[tuple, dict[str, list[dict[str, Any]]]] = {}
        #: Groups wire copies into stories as articles are stored; None stores each
        #: article as its own story (only for measuring what grouping costs).
        self.stories: StoryGrouper | None = StoryGrouper()

    @classmethod
    def open(cls, target: str | Path | None = None, *, create: bool = True) -> Store:
        """Open (and migrate) the store at a path or ``postgresql://`` DSN.

        With ``create=False`` a missing SQLite file is an error instead of a new empty corpus.
        """
        backend = open_backend(target or DEFAULT_DB)
        if isinstance(backend, SQLiteBackend) and not create and str(backend.path) != ":memory:" and not backend.path.exists():
            raise StoreError(f"{backend.path}: no such database (fill one with: saywho ingest PATH --db {backend.path})")
        return cls(backend)

    @property
    def dialect(self) -> str:
        return self.backend.dialect

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> Conn:
        return self.backend.reader()

    # --- writing ---------------------------------------------------------------------
    def known_hashes(self, hashes: list[str]) -> set[str]:
        """Which of these content hashes are stored already (for skipping before analysis)."""
        found: set[str] = set()
        conn = self._read()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            found |= {r["content_hash"] for r in conn.all(f"SELECT content_hash FROM articles WHERE content_hash IN ({marks})", chunk)}
        return found

    def article_id_for_hash(self, hash_: str) -> int | None:
        return self._read().value("SELECT id FROM articles WHERE content_hash = ?", (hash_,))

    def add_article(self, article: Article, hash_: str) -> int | None:
        """Store one analysed article with its attributions and speakers in one transaction.

        Returns the new article id, or None when an article with this content hash is
        already stored (nothing is written then).
        """
        record = article.to_dict()
        record.pop("text")
        now = _now()
        with self.backend.write() as conn:
            article_id = conn.value(
                "INSERT INTO articles (content_hash, input, title, published, published_date, url, publisher, language, "
                "text, record, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (content_hash) DO NOTHING RETURNING id",
                (hash_, article.input, article.title, article.published, _date_of(article.published), article.url,
                 article.publisher, article.language, article.text, json.dumps(record, ensure_ascii=False), now),
            )
            if article_id is None:
                return None
            mention_ids = speaker_rules.store_mentions(conn, article_id, article, now)
            for seq, attribution in enumerate(article.attributions):
                mention = mention_ids.get(attribution.speaker.id) if attribution.speaker else None
                when = attribution.when
                conn.run(
                    "INSERT INTO attributions (article_id, seq, mention_id, type, act, content, content_start, "
                    "content_end, cue, source, when_text, when_date, confidence, headline, copy_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (article_id, seq, mention, attribution.type, attribution.act, attribution.content.text,
                     attribution.content.start, attribution.content.end,
                     attribution.cue.text if attribution.cue else None,
                     attribution.source.text if attribution.source else None,
                     when.text if when else None, when.date if when else None,
                     float(attribution.confidence), int(attribution.headline), copy_key(attribution.content.text)),
                )
            if self.stories is not None:
                self.backend.lock(conn, STORIES_LOCK_ID)
                self.stories.assign(conn, article_id, article.text)
            else:
                conn.run("UPDATE articles SET story_id = id WHERE id = ?", (article_id,))
            # Corrections recorded for this text (before a re-ingest, or imported) hold again.
            curation.replay_article(conn, hash_, now)
            return article_id

    def delete_article(self, article_id: int) -> bool:
        """Remove one article with its statements, mentions and marks; False if there was none.

        Curation stays: ingesting the same text again applies its reassignments again.
        """
        with self.backend.write() as conn:
            return conn.run("DELETE FROM articles WHERE id = ?", (article_id,)) > 0

    def group_pending(self) -> int:
        """Group the articles stored before stories existed (schema 3) into stories; return
        how many. Ingest and import call it first; each batch commits, so an interrupted
        run resumes where it stopped."""
        grouper = self.stories or StoryGrouper()
        grouped = 0
        while True:
            with self.backend.write() as conn:
                self.backend.lock(conn, STORIES_LOCK_ID)
                done = grouper.group_pending(conn)
            grouped += done
            if not done:
                return grouped

    # --- counts ----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        conn = self._read()
        return {
            "articles": conn.value("SELECT COUNT(*) AS n FROM articles"),
            "attributions": conn.value("SELECT COUNT(*) AS n FROM attributions"),
            "mentions": conn.value("SELECT COUNT(*) AS n FROM mentions"),
            "speakers": conn.value(
                "SELECT COUNT(*) AS n FROM speakers s WHERE s.merged_into IS NULL "
                "AND EXISTS (SELECT 1 FROM mentions m WHERE m.speaker_id = s.id)"
            ),
        }

    def publishers(self) -> list[dict[str, Any]]:
        return self._read().all(
            "SELECT publisher, COUNT(*) AS articles FROM articles WHERE publisher IS NOT NULL "
            "GROUP BY publisher ORDER BY articles DESC, publisher"
        )

    # --- search ----------------------------------------------------------------------
    def search(self, query: SearchQuery, *, context: int = 0) -> SearchPage:
        """One page of statements. With ``context`` > 0 each row also has the article text
        around its content: ``context_before``, ``context_content`` (the content as it
        stands in the text) and ``context_after``, up to ``context`` characters either side
        (None for a headline statement, whose offsets are in the title)."""
        query.validate()
        where, params, _ = self._search_filters(query)
        rows, next_after = self._page(query, query.limit, query.offset, query.after)
        if query.all_copies:
            total = self._read().value(f"SELECT COUNT(*) AS n {self._fts_from(query)} {where}", params)
        elif rows:
            total = rows[0]["collapsed_total"]  # counted by the page's own query
        else:  # a page past the end still says how many there are
            total = self._read().value(
                f"SELECT COUNT(*) AS n FROM (SELECT DISTINCT ar.story_id, {SPEAKER_KEY}, {CONTENT_KEY} "
                f"{self._fts_from(query)} {where}) statements",
                params,
            )
        for row in rows:
            row.pop("collapsed_total", None)
        if context > 0:
            found = browse.windows(self._read(), [r["id"] for r in rows], context)
            for row in rows:
                window = found.get(row["id"])
                row["context_before"] = window.before if window else None
                row["context_content"] = window.content if window else None
                row["context_after"] = window.after if window else None
        return SearchPage(total, rows, next_after)

    def facets(self, query: SearchQuery, *, limit: int = 10) -> dict[str, list[dict[str, Any]]]:
        """Statements per speaker kind, type and publisher among a search's results, as
        ``{facet: [{"value", "n"}, ...]}`` (the ``limit`` largest values each). A facet
        ignores its own filter, so it shows the other values one could switch to.

        Each facet is one GROUP BY over the filtered statements; the counts are cached until
        the data changes (paging through a search asks for the same ones again), except
        for tag and bookmark filters, which change without a new data version.
        """
        query.validate()
        cacheable = not query.tag and not query.bookmarked
        key = (query.text, query.speaker, query.publisher, query.since, query.until, query.type, query.kind,
               query.article_id, query.all_copies, limit, self.data_version())
        cached = self._facets_cache.get(key) if cacheable else None
        if cached is not None:
            return {facet: [dict(r) for r in rows] for facet, rows in cached.items()}
        out = {}
        conn = self._read()
        for facet in browse.FACET_COLUMNS:
            widened = replace(query)
            setattr(widened, facet, None)
            where, params, _ = self._search_filters(widened)
            out[facet] = browse.facet_counts(conn, self._fts_from(widened), where, params, facet, limit,
                                             "COUNT(*)" if query.all_copies else COLLAPSED_COUNT)
        if cacheable:
            if len(self._facets_cache) >= SPEAKERS_CACHE_SIZE:
                self._facets_cache.clear()
            self._facets_cache[key] = out
        return {facet: [dict(r) for r in rows] for facet, rows in out.items()}

    def iter_search(self, query: SearchQuery) -> Iterator[dict[str, Any]]:
        """Every result of a search (no paging), for exports; fetched a page at a time
        (by cursor, so the last page costs what the first does)."""
        query.validate()
        rows, after = self._page(query, MAX_PAGE_SIZE, query.offset, query.after)
        while True:
            for row in rows:
                row.pop("collapsed_total", None)
            yield from rows
            if after is None:
                return
            rows, after = self._page(query, MAX_PAGE_SIZE, 0, after)

    def _page(self, query: SearchQuery, limit: int, offset: int, after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of rows and the cursor of the next (None when this one is the last)."""
        where, params, order = self._search_filters(query)
        conn = self._read()
        if query.all_copies:
            if after:
                condition, after_params = order.after(after)
                where = f"{where} AND {condition}" if where else f"WHERE {condition}"
                params = [*params, *after_params]
            rows = conn.all(
                f"{_RESULT_SELECT}, 1 AS copies, {order.key} AS sort_key {self._fts_from(query)} {where} "
                f"ORDER BY {order.sql} LIMIT ? OFFSET ?",
                [*order.params, *params, *order.params, limit, offset],
            )
        else:
            condition, after_params = order.after(after, "h.hit_key", "h.hit_id") if after else ("", [])
            rows = conn.all(_collapsed_sql(self._fts_from(query), where, order.sql, order.key, condition),
                            [*order.params, *order.params, *params, *after_params, limit, offset])
        next_after = make_cursor(rows[-1]["sort_key"], rows[-1]["id"]) if len(rows) == limit else None
        for row in rows:
            del row["sort_key"]
        self._add_marks(conn, rows)
        return rows, next_after

    def _fts_from(self, query: SearchQuery) -> str:
        if query.text and self.dialect == "sqlite" and fts5_query(query.text):
            return _RESULT_FROM_FTS5
        return _RESULT_FROM

    def _search_filters(self, query: SearchQuery) -> tuple[str, list[Any], Order]:
        clauses: list[str] = []
        params: list[Any] = []
        # Newest first, undated last; the id breaks ties, so that a cursor is exact.
        order = Order("ar.published_date IS NULL, ar.published_date DESC, a.id", "ar.published_date", [], True)
        terms = search_terms(query.text or "")
        if terms and self.dialect == "sqlite":
            clauses.append("attributions_fts MATCH ?")
            params.append(fts5_query(query.text or ""))
            order = Order("f.rank, a.id", "f.rank", [], False)
        elif terms:
            # Same meaning as on SQLite: every word or "quoted phrase" must occur (stemmed).
            tsquery = " && ".join("phraseto_tsquery('english', ?)" for _ in terms)
            clauses.append(f"a.content_tsv @@ ({tsquery})")
            params.extend(terms)
            # As float8: psycopg reads a float4 back rounded, and a cursor must hold the exact value.
            rank = f"CAST(ts_rank(a.content_tsv, ({tsquery})) AS DOUBLE PRECISION)"
            order = Order(f"{rank} DESC, a.id", rank, list(terms), True)
        if query.speaker:
            ids = self.speaker_ids(query.speaker)
            if ids is not None:
                clauses.append(f"a.mention_id IN (SELECT id FROM mentions WHERE speaker_id IN ({', '.join('?' for _ in ids)}))" if ids else "1 = 0")
                params.extend(ids)
            else:
                # Names resolve to speaker ids first (one pass over names and aliases); unnamed
                # speakers ("a spokesman") match on the mention's own name.
                # The filter names the speakers (a few, even for someone quoted a hundred
                # thousand times), not their mentions; a very common fragment ("a") lets the
                # database join instead.
                pattern = f"%{browse.like_escape(query.speaker.lower())}%"
                speaker_ids, unnamed = self._names_matching(pattern)
                parts: list[str] = []
                if len(speaker_ids) > MAX_INLINE_IDS:
                    speakers, speakers_params = self._name_like("speakers", "s3.id", "s3.name", pattern)
                    aliases, aliases_params = self._name_like("mention_names", "n4.rowid", "n4.name", pattern)
                    parts.append(f"m.speaker_id IN (SELECT s3.id FROM speakers s3 WHERE s3.merged_into IS NULL AND {speakers}) "
                                 "OR m.speaker_id IN (SELECT m4.speaker_id FROM mention_names n4 JOIN mentions m4 "
                                 f"ON m4.id = n4.mention_id WHERE {aliases})")
                    params.extend([*speakers_params, *aliases_params])
                elif speaker_ids:
                    parts.append(f"m.speaker_id IN ({', '.join('?' for _ in speaker_ids)})")
                    params.extend(speaker_ids)
                if len(unnamed) > MAX_INLINE_IDS:
                    named, named_params = self._name_like("mentions", "m5.id", "m5.name", pattern)
                    parts.append(f"a.mention_id IN (SELECT m5.id FROM mentions m5 WHERE m5.speaker_id IS NULL AND {named})")
                    params.extend(named_params)
                elif unnamed:
                    parts.append(f"a.mention_id IN ({', '.join('?' for _ in unnamed)})")
                    params.extend(unnamed)
                clauses.append(f"({' OR '.join(parts)})" if parts else "1 = 0")
        # Filters that compare one column with one value, each applied when the query sets it.
        for clause, value in (
            ("lower(ar.publisher) = ?", query.publisher.lower() if query.publisher else None),
            ("ar.published_date >= ?", query.since),
            ("ar.published_date <= ?", query.until),
            ("a.type = ?", query.type),
            ("m.kind = ?", query.kind),
            ("a.id IN (SELECT attribution_id FROM tags WHERE tag = ?)", query.tag),
        ):
            if value:
                clauses.append(clause)
                params.append(value)
        if query.bookmarked:
            clauses.append("a.id IN (SELECT attribution_id FROM bookmarks)")
        if query.article_id is not None:
            clauses.append("a.article_id = ?")
            params.append(query.article_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return where, params, order

    def _names_matching(self, pattern: str) -> tuple[list[int], list[int]]:
        """The live speakers with a matching name or alias, and the mentions of unnamed
        speakers ("a spokesman") whose own name matches. Cached until the data changes:
        paging through one search repeats the same lookup."""
        key = (pattern, self.data_version())
        cached = self._names_cache.get(key)
        if cached is not None:
            return cached
        conn = self._read()
        speakers, speakers_params = self._name_like("speakers", "id", "name", pattern)
        aliases, aliases_params = self._name_like("mention_names", "n.rowid", "n.name", pattern)
        speaker_ids = {
            r["id"] for r in conn.all(
                f"SELECT id FROM speakers WHERE merged_into IS NULL AND {speakers} "
                "UNION SELECT m.speaker_id AS id FROM mention_names n JOIN mentions m ON m.id = n.mention_id "
                f"WHERE m.speaker_id IS NOT NULL AND {aliases}",
                (*speakers_params, *aliases_params),
            )
        }
        unnamed, unnamed_params = self._name_like("mentions", "id", "name", pattern)
        found = (sorted(speaker_ids), sorted(r["id"] for r in conn.all(
            f"SELECT id FROM mentions WHERE speaker_id IS NULL AND {unnamed}", unnamed_params)))
        if len(self._names_cache) >= SPEAKERS_CACHE_SIZE:
            self._names_cache.clear()
        self._names_cache[key] = found
        return found

    def _name_like(self, table: str, row_id: str, column: str, pattern: str) -> tuple[str, list[Any]]:
        """``lower(column) LIKE pattern`` as a condition an index serves: on PostgreSQL as
        written (pg_trgm's GIN indexes, migration 0004), on SQLite through the table's
        trigram index (FTS5 takes no ESCAPE, so a pattern with escaped wildcards scans)."""
        if self.dialect == "sqlite" and "\\" not in pattern:
            return f"{row_id} IN (SELECT rowid FROM {table}_trigram WHERE name LIKE ?)", [pattern]
        return f"lower({column}) LIKE ? ESCAPE '\\'", [pattern]

    def speaker_ids(self, speaker: str) -> list[int] | None:
        """A numeric speaker filter as the ids it covers (a merged id means its target); None for a name."""
        if not speaker.strip().isdecimal():
            return None
        speaker_id = self.live_speaker_id(int(speaker))
        return [speaker_id] if speaker_id is not None else []

    def live_speaker_id(self, speaker_id: int) -> int | None:
        """Follow merges: the id a (possibly merged) speaker lives on as, None if unknown."""
        conn = self._read()
        for _ in range(100):  # merge chains are short; the bound only guards against a cycle
            row = conn.one("SELECT id, merged_into FROM speakers WHERE id = ?", (speaker_id,))
            if row is None:
                return None
            if row["merged_into"] is None:
                return row["id"]
            speaker_id = row["merged_into"]
        return None

    def _add_marks(self, conn: Conn, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        ids = [r["id"] for r in rows]
        marks = ", ".join("?" for _ in ids)
        tags: dict[int, list[str]] = {}
        for r in conn.all(f"SELECT attribution_id, tag FROM tags WHERE attribution_id IN ({marks}) ORDER BY tag", ids):
            tags.setdefault(r["attribution_id"], []).append(r["tag"])
        notes = {r["attribution_id"]: r["note"] for r in conn.all(
            f"SELECT attribution_id, note FROM bookmarks WHERE attribution_id IN ({marks})", ids)}
        for row in rows:
            row["tags"] = tags.get(row["id"], [])
            row["bookmarked"] = row["id"] in notes
            # The bookmark's note, where one was written ("" is stored for none).
            row["note"] = notes.get(row["id"]) or None
            row["confidence"] = round(float(row["confidence"]), 3)

    # --- speakers --------------------------------------------------------------------
    def data_version(self, conn: Conn | None = None) -> tuple[int, int, int]:
        """Changes whenever speakers or their counts can change (new article, merge, split,
        and the grouping of a corpus stored before stories, which goes in id order)."""
        row = (conn or self._read()).one(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM articles) AS articles, "
            "(SELECT COALESCE(MAX(id), 0) FROM speaker_edits) AS edits, "
            "(SELECT COALESCE(MAX(article_id), 0) FROM article_signatures) AS grouped"
        )
        return (row["articles"], row["edits"], row["grouped"]) if row else (0, 0, 0)

    def speakers(self, *, kind: str | None = None, name: str | None = None, sort: str = "statements",
                 direction: str = "desc", min_statements: int | None = None, since: str | None = None,
                 until: str | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
        """Corpus speakers with their top aliases and descriptors, most quoted first unless
        ``sort`` (statements, articles or latest: the last statement's date) and
        ``direction`` (desc or asc) say otherwise. ``since``/``until`` count only statements
        in articles published in that range; ``min_statements`` drops speakers with fewer.

        Counting every statement per speaker is the one slow query on a large corpus, so
        results are cached until the data changes (a new article, a merge or split).
        """
        query = SpeakerQuery(kind or None, name or None, sort, direction, min_statements, since or None, until or None,
                             limit, offset).validate()
        key = (*astuple(query), self.data_version())
        cached = self._speakers_cache.get(key)
        if cached is not None:
            return SearchPage(cached.total, [dict(r) for r in cached.rows])
        page = self._speakers(query)
        if len(self._speakers_cache) >= SPEAKERS_CACHE_SIZE:
            self._speakers_cache.clear()
        self._speakers_cache[key] = page
        return SearchPage(page.total, [dict(r) for r in page.rows])

    # --- materialised speaker counts (migration 0004) ---------------------------------------
    def refresh_speaker_counts(self, *, force: bool = False) -> bool:
        """Count every live speaker's statements, articles and latest date into
        ``speaker_counts`` (the rules of _speaker_counts), unless they are counted for the
        data as it is; True if counted. Ingest, import and bulk loads may call it once at
        the end; otherwise the first speakers list asked for after a write does."""
        with self.backend.write() as conn:
            version = json.dumps(self.data_version(conn))
            if not force and conn.value("SELECT version FROM speaker_counts_state WHERE id = 1") == version:
                return False
            conn.run("DELETE FROM speaker_counts")
            rows = conn.all(_speaker_counts("s.merged_into IS NULL"))
            self._describe(conn, rows, every=True)
            cursor = conn.raw.cursor()  # executemany: on a cursor for psycopg, on the connection for sqlite3 too
            for start in range(0, len(rows), 1000):
                cursor.executemany(
                    conn._translate("INSERT INTO speaker_counts (speaker_id, name, kind, attributions, articles, latest, "
                                    "aliases, descriptors) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    [(r["id"], r["name"], r["kind"], r["attributions"], r["articles"], r["latest"],
                      json.dumps(r["aliases"], ensure_ascii=False), json.dumps(r["descriptors"], ensure_ascii=False))
                     for r in rows[start : start + 1000]],
                )
            conn.run("INSERT INTO speaker_counts_state (id, version) VALUES (1, ?) "
                     "ON CONFLICT (id) DO UPDATE SET version = excluded.version", (version,))
            return True

    def _counts_fresh(self, conn: Conn) -> bool:
        return conn.value("SELECT version FROM speaker_counts_state WHERE id = 1") == json.dumps(self.data_version(conn))

    def _fresh_counts(self, conn: Conn) -> bool:
        """Whether speaker_counts can answer: counted for this data, or counted now. A store
        that cannot write (a read-only file or role) counts live instead."""
        if self._counts_fresh(conn):
            return True
        try:
            self.refresh_speaker_counts()
        except self.backend.errors:
            return False
        return self._counts_fresh(conn)

    def _speakers(self, query: SpeakerQuery) -> SearchPage:
        conn = self._read()
        if not query.since and not query.until and self._fresh_counts(conn):
            return self._speakers_counted(conn, query)
        return self._speakers_live(query)

    def _speakers_counted(self, conn: Conn, query: SpeakerQuery) -> SearchPage:
        """The speakers list from the materialised counts: an indexed ORDER BY ... LIMIT."""
        clauses: list[str] = []
        params: list[Any] = []
        if query.kind:
            clauses.append("c.kind = ?")
            params.append(query.kind)
        if query.name:
            named, named_params = self._name_like("speakers", "s.id", "s.name", f"%{browse.like_escape(query.name.lower())}%")
            clauses.append(f"c.speaker_id IN (SELECT s.id FROM speakers s WHERE {named})")
            params.extend(named_params)
        if query.min_statements:
            clauses.append("c.attributions >= ?")
            params.append(query.min_statements)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        column = SPEAKER_SORTS[query.sort]
        nulls = "c.latest IS NULL, " if column == "latest" else ""  # counts are never NULL, a latest date may be
        order = f"{nulls}c.{column} {query.direction.upper()}, c.name, c.speaker_id"
        rows = conn.all(
            f"SELECT c.speaker_id AS id, c.name, c.kind, c.attributions, c.articles, c.latest, c.aliases, c.descriptors "
            f"FROM speaker_counts c {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, query.limit, query.offset],
        )
        total = conn.value(f"SELECT COUNT(*) AS n FROM speaker_counts c {where}", params) or 0
        for row in rows:
            row["aliases"] = json.loads(row["aliases"])
            row["descriptors"] = json.loads(row["descriptors"])
        return SearchPage(total, rows)

    def _speakers_live(self, query: SpeakerQuery) -> SearchPage:
        clauses = ["s.merged_into IS NULL"]
        params: list[Any] = []
        pattern = f"%{browse.like_escape(query.name.lower())}%" if query.name else None
        named = self._name_like("speakers", "s.id", "s.name", pattern or "")[0]
        for clause, value in (
            ("s.kind = ?", query.kind),
            (named, pattern),
            ("ar.published_date >= ?", query.since),
            ("ar.published_date <= ?", query.until),
        ):
            if value:
                clauses.append(clause)
                params.append(value)
        having, having_params = (f"HAVING {STATEMENT_COUNT} >= ?", [query.min_statements]) if query.min_statements else ("", [])
        counts = _speaker_counts(" AND ".join(clauses), having)
        conn = self._read()
        column = SPEAKER_SORTS[query.sort]
        # Speakers with no dated statement come last either way; ties go by name, then id.
        order = f"c.{column} IS NULL, c.{column} {query.direction.upper()}, c.name, c.id"
        # The total rides along with the page (a window over the counted rows): counting is
        # the slow part, and a second query would count every speaker again.
        rows = conn.all(f"SELECT c.*, COUNT(*) OVER () AS total FROM ({counts}) c ORDER BY {order} LIMIT ? OFFSET ?",
                        [*params, *having_params, query.limit, query.offset])
        total = rows[0]["total"] if rows else conn.value(f"SELECT COUNT(*) AS n FROM ({counts}) c", [*params, *having_params])
        for row in rows:
            del row["total"]
        self._describe(conn, rows)
        return SearchPage(total or 0, rows)

    def _describe(self, conn: Conn, rows: list[dict[str, Any]], *, every: bool = False) -> None:
        """Each listed speaker's top aliases and descriptors (``every``: rows holds every
        speaker, so count them all in one pass rather than name them)."""
        if rows:
            ids = None if every else [r["id"] for r in rows]
            aliases = self._top_per_speaker(conn, ids, "mention_names", "name")
            descriptors = self._top_per_speaker(conn, ids, "mention_descriptors", "descriptor")
            for row in rows:
                row["aliases"] = [a for a, _ in aliases.get(row["id"], []) if a != row["name"]][:5]
                row["descriptors"] = [d for d, _ in clean_descriptors(descriptors.get(row["id"], []))][:3]

    @staticmethod
    def _top_per_speaker(conn: Conn, ids: list[int] | None, table: str, column: str) -> dict[int, list[tuple[str, int]]]:
        """Per speaker (these, or every one for None), its values of ``column`` with their
        mention counts, most frequent first."""
        where = f"m.speaker_id IN ({', '.join('?' for _ in ids)})" if ids is not None else "m.speaker_id IS NOT NULL"
        out: dict[int, list[tuple[str, int]]] = {}
        for r in conn.iter(
            f"SELECT m.speaker_id, t.{column} AS value, COUNT(*) AS n FROM {table} t JOIN mentions m ON m.id = t.mention_id "
            f"WHERE {where} GROUP BY m.speaker_id, t.{column} ORDER BY n DESC, value",
            ids or [],
        ):
            out.setdefault(r["speaker_id"], []).append((r["value"], r["n"]))
        return out

    def speaker_breakdown(self, by: str, limit: int = 20) -> list[dict[str, Any]]:
        """Attribution counts by speaker kind, or by descriptor (lower-cased)."""
        conn = self._read()
        if by == "kind":
            return conn.all(
                "SELECT COALESCE(m.kind, 'no speaker') AS value, COUNT(*) AS attributions FROM attributions a "
                "LEFT JOIN mentions m ON m.id = a.mention_id GROUP BY COALESCE(m.kind, 'no speaker') "
                "ORDER BY attributions DESC, value"
            )
        if by == "descriptor":
            return conn.all(
                "SELECT lower(d.descriptor) AS value, COUNT(*) AS attributions FROM attributions a "
                "JOIN mention_descriptors d ON d.mention_id = a.mention_id GROUP BY lower(d.descriptor) "
                "ORDER BY attributions DESC, value LIMIT ?",
                (limit,),
            )
        raise StoreError(f"breakdown must be by kind or descriptor, not {by!r}")

    def speaker(self, speaker_id: int, *, timeline: bool = True) -> dict[str, Any] | None:
        """One speaker: names, descriptors (cleaned for reading), keys, counts and, unless
        ``timeline`` is False, a monthly timeline (a scan of all their statements: the web
        page draws its own bins from :meth:`speaker_days` and skips it)."""
        conn = self._read()
        row = conn.one("SELECT id, name, kind, merged_into FROM speakers WHERE id = ?", (speaker_id,))
        if row is None:
            return None
        aliases = self._top_per_speaker(conn, [speaker_id], "mention_names", "name").get(speaker_id, [])
        descriptors = self._top_per_speaker(conn, [speaker_id], "mention_descriptors", "descriptor").get(speaker_id, [])
        row["aliases"] = [{"name": a, "mentions": n} for a, n in aliases]
        row["descriptors"] = [{"descriptor": d, "mentions": n} for d, n in clean_descriptors(descriptors)]
        row["keys"] = conn.all("SELECT key, origin FROM speaker_keys WHERE speaker_id = ? ORDER BY key", (speaker_id,))
        counted = self._counts_fresh(conn) and row["merged_into"] is None
        counts = (conn.one("SELECT attributions, articles, latest FROM speaker_counts WHERE speaker_id = ?", (speaker_id,))
                  if counted else None) or conn.one(_speaker_counts("s.id = ?"), (speaker_id,)) or {}
        row["attributions"] = counts.get("attributions", 0)
        row["articles"] = counts.get("articles", 0)
        row["latest"] = counts.get("latest")
        if not timeline:
            return row
        row["timeline"] = conn.all(
            f"SELECT substr(ar.published_date, 1, 7) AS month, {STATEMENT_COUNT} AS attributions FROM attributions a "
            "JOIN mentions m ON m.id = a.mention_id JOIN articles ar ON ar.id = a.article_id "
            "WHERE m.speaker_id = ? AND ar.published_date IS NOT NULL "
            "GROUP BY substr(ar.published_date, 1, 7) ORDER BY month",
            (speaker_id,),
        )
        return row

    def speaker_days(self, speaker_id: int) -> dict[str, int]:
        """A speaker's statements per publication day (undated articles left out), for a
        timeline whose bins suit the span: one row per day quoted, so bounded by the span."""
        rows = self._read().all(
            f"SELECT ar.published_date AS day, {STATEMENT_COUNT} AS n FROM attributions a JOIN mentions m ON m.id = a.mention_id "
            "JOIN articles ar ON ar.id = a.article_id WHERE m.speaker_id = ? AND ar.published_date IS NOT NULL "
            "GROUP BY ar.published_date ORDER BY day",
            (speaker_id,),
        )
        return {r["day"]: r["n"] for r in rows}

    def quoted_with(self, speaker_id: int, limit: int = 10) -> list[dict[str, Any]]:
        """The speakers most often quoted in the same articles as this one: per other live
        speaker, the number of stories quoting both (wire copies of a story count once, as
        on the speakers list). One query; the articles come from the speaker's own
        statements through the mentions index."""
        return self._read().all(
            f"SELECT s.id, s.name, s.kind, {STORY_COUNT} AS articles FROM attributions a "
            "JOIN mentions m ON m.id = a.mention_id JOIN speakers s ON s.id = m.speaker_id "
            "JOIN articles ar ON ar.id = a.article_id "
            "WHERE s.id <> ? AND s.merged_into IS NULL AND a.article_id IN ("
            "SELECT a2.article_id FROM attributions a2 JOIN mentions m2 ON m2.id = a2.mention_id WHERE m2.speaker_id = ?) "
            "GROUP BY s.id, s.name, s.kind ORDER BY articles DESC, s.name, s.id LIMIT ?",
            (speaker_id, speaker_id, limit),
        )

    # --- curation (saywho.store.curation) ---------------------------------------------
    def merge_speakers(self, into: int, others: list[int]) -> None:
        """Fold ``others`` into ``into`` for good; recorded as curation."""
        with self.backend.write() as conn:
            curation.merge(conn, into, others, _now())

    def split_speaker(self, speaker_id: int, names: list[str]) -> int:
        """Move the mentions named ``names`` to a new speaker; recorded as curation."""
        with self.backend.write() as conn:
            return curation.split(conn, speaker_id, names, _now())

    def reassign_statement(self, attribution_id: int, *, speaker_id: int | None = None, name: str | None = None,
                           kind: str | None = None) -> int:
        """Give one statement another speaker: a known one by id, or a new one by name and
        kind. Recorded as curation; returns the speaker id the statement now has."""
        with self.backend.write() as conn:
            return curation.reassign(conn, attribution_id, _now(), speaker_id=speaker_id, name=name, kind=kind)

    def curation_log(self) -> list[dict[str, Any]]:
        """The curation log, oldest first, without database ids (what ``curation export`` writes)."""
        return curation.entries(self._read())

    def import_curation(self, entries: list[dict[str, Any]]) -> curation.ImportReport:
        """Record and apply exported curation entries (one transaction; a bad entry changes nothing)."""
        with self.backend.write() as conn:
            try:
                return curation.import_entries(conn, entries, _now())
            except ValueError as error:
                raise StoreError(f"not a curation entry: {error}") from None

    def suggest_speakers(self, text: str, limit: int = 10) -> list[curation.Suggestion]:
        """Speakers whose name holds ``text``, for picking one (at most curation.MAX_SUGGESTIONS)."""
        return curation.suggest(self._read(), text, limit)

    def is_reassigned(self, attribution_id: int) -> bool:
        """Whether a statement's speaker was fixed by hand (it has a curation mention)."""
        return curation.is_reassigned(self._read(), attribution_id)

    def curation_pending(self) -> int:
        """Reassignments waiting for their article to be stored."""
        return curation.pending(self._read())

    def speaker_edits(self) -> list[dict[str, Any]]:
        rows = self._read().all("SELECT id, op, detail, created_at FROM speaker_edits ORDER BY id")
        for row in rows:
            row["detail"] = json.loads(row["detail"])
        return rows

    # --- articles --------------------------------------------------------------------
    def articles(self, *, title: str | None = None, publisher: str | None = None, since: str | None = None,
                 until: str | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
        """Articles in the order stored, filtered by words of the title, publisher and
        publication dates (YYYY-MM-DD, or 2016-05, 2016)."""
        where, params = browse.article_filters(
            title, publisher, checked_date("since", since, "start"), checked_date("until", until, "end"))
        conn = self._read()
        total = conn.value(f"SELECT COUNT(*) AS n FROM articles ar {where}", params)
        rows = conn.all(
            "SELECT ar.id, ar.input, ar.title, ar.published_date, ar.publisher, "
            "(SELECT COUNT(*) FROM attributions a WHERE a.article_id = ar.id) AS attributions "
            f"FROM articles ar {where} ORDER BY ar.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return SearchPage(total, rows)

    def statements_per_day(self) -> list[dict[str, Any]]:
        """``{"day": YYYY-MM-DD, "n": statements}`` for every day with dated statements."""
        return browse.statements_per_day(self._read())

    def top_speakers(self, *, since: str | None = None, until: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        """The most quoted speakers in articles published in a date range (either end open)."""
        return browse.top_speakers(self._read(), checked_date("since", since, "start"),
                                   checked_date("until", until, "end"), limit)

    def article(self, article_id: int) -> dict[str, Any] | None:
        """One stored article: its record, attribution ids and each speaker's corpus speaker."""
        conn = self._read()
        row = conn.one(
            "SELECT id, content_hash, input, title, published, published_date, publisher, url, text, record, ingested_at, "
            "story_id FROM articles WHERE id = ?",
            (article_id,),
        )
        if row is None:
            return None
        # The other copies of its story (the same agency story on other sites), oldest first.
        row["copies"] = conn.all(
            "SELECT id, title, publisher, published_date FROM articles WHERE story_id = ? AND id <> ? "
            "ORDER BY published_date, id LIMIT ?",
            (row.pop("story_id"), article_id, MAX_PAGE_SIZE),
        )
        record = json.loads(row.pop("record"))
        record["text"] = row.pop("text")
        row["article"] = Article.from_dict(record)
        row["attribution_ids"] = [
            r["id"] for r in conn.all("SELECT id FROM attributions WHERE article_id = ? ORDER BY seq", (article_id,))
        ]
        row["speakers"] = {
            r["local_id"]: {"id": r["speaker_id"], "name": r["name"] or r["mention"]}
            for r in conn.all(
                "SELECT m.local_id, m.speaker_id, m.name AS mention, s.name FROM mentions m "
                "LEFT JOIN speakers s ON s.id = m.speaker_id WHERE m.article_id = ?",
                (article_id,),
            )
        }
        # Statements whose speaker was fixed by hand (saywho.store.curation): the article's own
        # analysis (record, speakers) stays as extracted, these override it where shown.
        row["reassigned"] = {
            r["id"]: {"id": r["speaker_id"], "name": r["name"]}
            for r in conn.all(
                "SELECT a.id, m.speaker_id, s.name FROM attributions a JOIN mentions m ON m.id = a.mention_id "
                "JOIN speakers s ON s.id = m.speaker_id WHERE a.article_id = ? AND m.local_id LIKE 'curated:%'",
                (article_id,),
            )
        }
        marks = self.search(SearchQuery(article_id=article_id, all_copies=True, limit=MAX_PAGE_SIZE))
        row["marks"] = {r["id"]: {"tags": r["tags"], "bookmarked": r["bookmarked"], "note": r["note"]} for r in marks.rows}
        return row

    def iter_articles(self) -> Iterator[dict[str, Any]]:
        """Every article as its Article record plus ``store_id`` and ``corpus_speakers`` (for export)."""
        ids = [r["id"] for r in self._read().all("SELECT id FROM articles ORDER BY id")]
        for article_id in ids:
            stored = self.article(article_id)
            if stored is None:  # deleted meanwhile
                continue
            data = stored["article"].to_dict()
            data["store_id"] = article_id
            data["content_hash"] = stored["content_hash"]
            data["corpus_speakers"] = {local: s["id"] for local, s in stored["speakers"].items()}
            yield data

    # --- a fact-checker's marks ------------------------------------------------------
    def add_tag(self, attribution_id: int, tag: str) -> None:
        tag = tag.strip()
        if not _TAG.fullmatch(tag):
            raise StoreError("a tag is 1-64 letters, digits, spaces or . : / - (starting with a letter or digit)")
        with self.backend.write() as conn:
            self._require_attribution(conn, attribution_id)
            conn.run(
                "INSERT INTO tags (attribution_id, tag, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (attribution_id, tag, _now()),
            )

    def remove_tag(self, attribution_id: int, tag: str) -> None:
        with self.backend.write() as conn:
            conn.run("DELETE FROM tags WHERE attribution_id = ? AND tag = ?", (attribution_id, tag))

    def set_bookmark(self, attribution_id: int, on: bool, note: str = "") -> None:
        with self.backend.write() as conn:
            self._require_attribution(conn, attribution_id)
            if on:
                conn.run(
                    "INSERT INTO bookmarks (attribution_id, note, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (attribution_id) DO UPDATE SET note = excluded.note",
                    (attribution_id, note[:1000], _now()),
                )
            else:
                conn.run("DELETE FROM bookmarks WHERE attribution_id = ?", (attribution_id,))

    def tags(self) -> list[dict[str, Any]]:
        return self._read().all("SELECT tag, COUNT(*) AS statements FROM tags GROUP BY tag ORDER BY statements DESC, tag")

    def attribution(self, attribution_id: int) -> dict[str, Any] | None:
        rows = self._read().all(f"{_RESULT_SELECT} {_RESULT_FROM} WHERE a.id = ?", (attribution_id,))
        self._add_marks(self._read(), rows)
        return rows[0] if rows else None

    @staticmethod
    def _require_attribution(conn: Conn, attribution_id: int) -> None:
        if conn.value("SELECT id FROM attributions WHERE id = ?", (attribution_id,)) is None:
            raise StoreError(f"no statement {attribution_id}")


def search_terms(text: str) -> list[str]:
    """The words and "quoted phrases" of a user's search text; everything else is ignored.

    >>> search_terms('"troop levels" OR x* (')
    ['troop levels', 'OR', 'x']
    >>> search_terms('"" ""')
    []
    """
    terms: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\w+)', text):
        words = re.findall(r"\w+", phrase or word)  # an empty pair of quotes matches with both empty
        if words:
            terms.append(" ".join(words))
    return terms


def fts5_query(text: str) -> str:
    """A user's search text as a safe FTS5 query: quoted phrases stay phrases, all terms must occur.

    >>> fts5_query('troop levels')
    '"troop" "levels"'
    >>> fts5_query('"troop levels" OR x*')
    '"troop levels" "OR" "x"'
    """
    return " ".join(f'"{term}"' for term in search_terms(text))


def _date_of(published: str | None) -> str | None:
    """The day an article was published, for date filters; None when it cannot be read."""
    if not published:
        return None
    try:
        return parse_date(published)
    except ValueError:
        return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def row_for_export(row: dict[str, Any]) -> dict[str, Any]:
    """A search row with the export columns only (tags joined for CSV by the writer)."""
    return {column: row.get(column) for column in RESULT_COLUMNS}


__all__ = ["Store", "SearchQuery", "SearchPage", "SpeakerQuery", "SPEAKER_SORTS", "StoreError", "content_hash", "DEFAULT_DB", "RESULT_COLUMNS"]
