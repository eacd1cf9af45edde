"""Table rows: deterministic ids, month partitions, extract's attribution columns, lossless articles."""

from __future__ import annotations

import pytest

from saywho.output import ROW_FIELDS, attribution_rows
from saywho.pipeline import Extractor, Options
from saywho.spark import rows

TEXT = (
    '"We will reopen the pool in May," said councillor Ruth Ames on Tuesday.\n\n'
    "Residents believe the repairs are overdue. The mayor, Dan Cole, told reporters that money was tight."
)


@pytest.fixture(scope="module")
def article():
    return Extractor(Options()).extract(TEXT, published="2024-03-06", title=None, input="news/pool.txt")


@pytest.mark.parametrize(
    ("published", "month"),
    [
        ("2024-03-06", "2024-03"),
        ("2024-03-06T08:30:00+00:00", "2024-03"),
        ("2024-12", "2024-12"),
        (None, rows.UNKNOWN_MONTH),
        ("", rows.UNKNOWN_MONTH),
        ("2024-13-01", rows.UNKNOWN_MONTH),
        ("2024-031", rows.UNKNOWN_MONTH),
        ("March 2024", rows.UNKNOWN_MONTH),
        ("24-03-06", rows.UNKNOWN_MONTH),
    ],
)
def test_articles_are_partitioned_by_publication_month(published, month):
    assert rows.published_month(published) == month


def test_article_ids_depend_on_input_and_text_only():
    key = rows.document_hash("Some text.")
    assert rows.article_id("a.txt", key) == rows.article_id("a.txt", rows.document_hash("Some text.\r\n"))
    assert rows.article_id("a.txt", key) != rows.article_id("b.txt", key)
    assert rows.article_id("a.txt", key) != rows.article_id("a.txt", rows.document_hash("Other text."))
    assert len(rows.article_id("a.txt", key)) == rows.ID_HEX_DIGITS


def test_an_articles_row_gives_back_the_same_article(article):
    row = dict(zip((name for name, _ in rows.ARTICLE_COLUMNS), rows.article_row(article, rows.document_hash(TEXT))))
    assert rows.article_from_row(row).to_dict() == article.to_dict()
    assert row["published_month"] == "2024-03" and row["attributions"] == len(article.attributions) >= 2


def test_attribution_rows_carry_extracts_columns_and_stable_ids(article):
    key = rows.document_hash(TEXT)
    names = [name for name, _ in rows.ATTRIBUTION_COLUMNS]
    table = [dict(zip(names, row)) for row in rows.attribution_table_rows(article, key)]
    assert [{f: r[f] for f in ROW_FIELDS} for r in table] == list(attribution_rows(article))
    article_key = rows.article_id(article.input, key)
    assert [r["attribution_id"] for r in table] == [f"{article_key}:{i}" for i in range(len(table))]
    assert all(r["speaker_id"] == a.speaker.id for r, a in zip(table, article.attributions) if a.speaker)


def test_one_mention_row_per_resolved_speaker(article):
    names = [name for name, _ in rows.MENTION_COLUMNS]
    table = [dict(zip(names, row)) for row in rows.mention_rows(article, rows.document_hash(TEXT))]
    assert [(r["name"], r["kind"], r["attributions"]) for r in table] == [
        (s.name, s.kind, s.attributions) for s in article.speakers
    ]
    assert len({r["mention_id"] for r in table}) == len(table)


def test_every_row_fills_every_column_of_its_table(article):
    key = rows.document_hash(TEXT)
    assert len(rows.article_row(article, key)) == len(rows.ARTICLE_COLUMNS)
    assert {len(r) for r in rows.attribution_table_rows(article, key)} == {len(rows.ATTRIBUTION_COLUMNS)}
    assert {len(r) for r in rows.mention_rows(article, key)} == {len(rows.MENTION_COLUMNS)}
