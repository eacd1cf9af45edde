"""Read-only queries behind the corpus's pages: a statement's surrounding text, search facets,
statements per day, the most quoted speakers of a period, and the filtered article list.

Each function takes a reader connection and plain values, so the Store stays the one entry
point (see Store.search, Store.facets, Store.overview, Store.articles) while its module
stays readable. Every query is parameterised and written once for SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saywho.store.db import Conn
from saywho.store.stories import STATEMENT_COUNT

#: What each facet counts: the column grouped on, by facet name.
FACET_COLUMNS = {"kind": "m.kind", "type": "a.type", "publisher": "ar.publisher"}


@dataclass(slots=True)
class Window:
    """The article text around a statement: ``before`` + ``content`` + ``after`` is a
    contiguous slice of the article (the content as it stands in the text, cue included
    when a quote is split around it)."""

    before: str
    content: str
    after: str


def windows(conn: Conn, ids: list[int], chars: int) -> dict[int, Window]:
    """The text ``chars`` characters either side of each statement's content, by statement id.

    Only the slice is read (substr in SQL), never the whole article. SQL's substr counts
    characters from 1, Python's offsets from 0; both backends count characters, not bytes.
    """
    if not ids or chars <= 0:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = conn.all(
        "SELECT a.id, a.content_start, a.content_end, "
        "CASE WHEN a.content_start > ? THEN a.content_start - ? ELSE 0 END AS slice_start, "
        "substr(ar.text, CASE WHEN a.content_start > ? THEN a.content_start - ? ELSE 0 END + 1, "
        "a.content_end - CASE WHEN a.content_start > ? THEN a.content_start - ? ELSE 0 END + ?) AS slice "
        f"FROM attributions a JOIN articles ar ON ar.id = a.article_id WHERE a.id IN ({marks}) AND a.headline = 0",
        [chars, chars, chars, chars, chars, chars, chars, *ids],
    )
    out: dict[int, Window] = {}
    for row in rows:
        text = row["slice"] or ""
        start = row["content_start"] - row["slice_start"]
        end = row["content_end"] - row["slice_start"]
        if not 0 <= start <= end <= len(text):  # offsets that do not fit the stored text: show no window
            continue
        out[row["id"]] = Window(text[:start], text[start:end], text[end:])
    return out


def facet_counts(conn: Conn, from_sql: str, where: str, params: list[Any], facet: str, limit: int,
                 count: str = "COUNT(*)") -> list[dict[str, Any]]:
    """Statements per value of one facet over a filtered set: one GROUP BY, the ``limit``
    largest values (a corpus may hold thousands of publishers; the page shows a few).
    ``count`` is how statements are counted (each row, or wire copies once)."""
    column = FACET_COLUMNS[facet]
    return conn.all(
        f"SELECT {column} AS value, {count} AS n {from_sql} {where} "
        f"{'AND' if where else 'WHERE'} {column} IS NOT NULL GROUP BY {column} ORDER BY n DESC, value LIMIT ?",
        [*params, limit],
    )


def statements_per_day(conn: Conn) -> list[dict[str, Any]]:
    """Statements per publication day (undated articles left out), oldest first."""
    return conn.all(
        "SELECT ar.published_date AS day, COUNT(*) AS n FROM attributions a JOIN articles ar ON ar.id = a.article_id "
        "WHERE ar.published_date IS NOT NULL GROUP BY ar.published_date ORDER BY day"
    )


def top_speakers(conn: Conn, since: str | None, until: str | None, limit: int) -> list[dict[str, Any]]:
    """The most quoted live speakers in articles published within [since, until] (either open)."""
    clauses = ["s.merged_into IS NULL"]
    params: list[Any] = []
    if since:
        clauses.append("ar.published_date >= ?")
        params.append(since)
    if until:
        clauses.append("ar.published_date <= ?")
        params.append(until)
    return conn.all(
        f"SELECT s.id, s.name, s.kind, {STATEMENT_COUNT} AS attributions FROM attributions a "
        "JOIN mentions m ON m.id = a.mention_id JOIN speakers s ON s.id = m.speaker_id "
        "JOIN articles ar ON ar.id = a.article_id "
        f"WHERE {' AND '.join(clauses)} GROUP BY s.id, s.name, s.kind ORDER BY attributions DESC, s.name, s.id LIMIT ?",
        [*params, limit],
    )


def article_filters(title: str | None, publisher: str | None, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause of the article list: words of the title (each must occur, any case),
    the publisher (any case), and a publication date range."""
    clauses: list[str] = []
    params: list[Any] = []
    for word in (title or "").split():
        clauses.append("lower(ar.title) LIKE ? ESCAPE '\\'")
        params.append(f"%{like_escape(word.lower())}%")
    for clause, value in (("lower(ar.publisher) = ?", publisher.lower() if publisher else None),
                          ("ar.published_date >= ?", since), ("ar.published_date <= ?", until)):
        if value:
            clauses.append(clause)
            params.append(value)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def like_escape(text: str) -> str:
    """``text`` matched literally inside a LIKE pattern (with ``ESCAPE '\\'``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
