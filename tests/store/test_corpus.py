"""``saywho.Corpus``: the store from Python on both backends, returning the records the CLI prints."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import get_type_hints

import pytest
from typer.testing import CliRunner

import saywho
from saywho.cli import app
from saywho.store import corpus as corpus_module
from saywho.store.records import ArticleRecord, SpeakerRecord, SpeakerSummary, StatementRecord
from store.store_builders import BACKENDS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "store" / "articles"


def test_the_module_examples_run():
    assert doctest.testmod(corpus_module).failed == 0


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("corpus") / "corpus.db")
    with saywho.Corpus(db) as corpus:
        report = corpus.ingest([FIXTURES])
        assert report.stored == len(list(FIXTURES.iterdir())) and report.failed == 0
    return db


def test_records_have_exactly_the_fields_their_types_declare(filled):
    with saywho.Corpus(filled, create=False) as corpus:
        row = corpus.search().rows[0]
        assert set(row) == set(get_type_hints(StatementRecord))
        summary = corpus.speakers().rows[0]
        assert set(summary) == set(get_type_hints(SpeakerSummary))
        speaker = corpus.speaker(summary["id"])
        assert speaker is not None and set(speaker) == set(get_type_hints(SpeakerRecord))
        article = corpus.article(row["article_id"])
        assert article is not None and set(article) == set(get_type_hints(ArticleRecord))
        assert isinstance(article["article"], saywho.Article)


def test_the_corpus_returns_what_the_cli_prints(filled):
    cli = CliRunner().invoke(app, ["search", "--db", filled, "-f", "jsonl", "--limit", "50"])
    printed = [json.loads(line) for line in cli.stdout.splitlines()]
    with saywho.Corpus(filled) as corpus:
        page = corpus.search(limit=50)
        assert [{k: r[k] for k in printed[0]} for r in page] == printed  # type: ignore[literal-required]
        assert page.total == len(list(corpus.statements()))
        listed = CliRunner().invoke(app, ["speakers", "--db", filled, "-f", "jsonl"]).stdout.splitlines()
        assert [s["name"] for s in corpus.speakers()] == [json.loads(line)["name"] for line in listed]
        top = corpus.speakers().rows[0]
        by_id = corpus.search(speaker=top["id"], limit=500)
        assert by_id.total == top["attributions"]
        by_name = [s["name"] for s in corpus.speakers(sort="latest", direction="asc", limit=100)]
        printed_by_name = CliRunner().invoke(app, ["speakers", "--db", filled, "-f", "jsonl", "--sort", "latest",
                                                   "--ascending", "--limit", "100"]).stdout.splitlines()
        assert by_name == [json.loads(line)["name"] for line in printed_by_name]
        assert corpus.speaker(10**6) is None and corpus.article(10**6) is None


def test_unknown_and_bad_filters_are_clear_errors(filled):
    with saywho.Corpus(filled) as corpus:
        with pytest.raises(TypeError, match="unknown search filter: speeker"):
            list(corpus.statements(speeker="x"))
        with pytest.raises(saywho.SaywhoError, match="since must be a date"):
            corpus.search(since="yesterday")
    with pytest.raises(saywho.SaywhoError, match="no such database"):
        saywho.Corpus(str(Path(filled).with_name("missing.db")), create=False)


@pytest.mark.parametrize("store_target", BACKENDS, indirect=True)
def test_curation_through_the_corpus(store_target):
    with saywho.Corpus(store_target) as corpus:
        corpus.ingest([
            saywho.Document("a.txt", '"Troop levels will stay," Stephen Townsend said. "We hold," Townsend added.'),
            saywho.Document("b.txt", '"Different," Steve Townsend said.'),
        ])
        stephen, steve = (corpus.speakers(name=n).rows[0]["id"] for n in ("Stephen", "Steve"))
        corpus.merge(stephen, [steve])
        assert corpus.speaker(stephen)["attributions"] == 3  # type: ignore[index]
        statement = corpus.search("hold").rows[0]["id"]
        pentagon = corpus.reassign(statement, name="Pentagon", kind="organization")
        assert corpus.search("hold").rows[0]["speaker"] == "Pentagon"
        split = corpus.split(stephen, ["Steve Townsend"])
        assert corpus.search("different").rows[0]["speaker_id"] == split
        assert [e["op"] for e in corpus.curation()] == ["merge", "reassign", "split"]
        log = corpus.curation()
    with saywho.Corpus(":memory:") as fresh:
        assert fresh.import_curation(log).pending == 1
        fresh.ingest([saywho.Document("a.txt", '"Troop levels will stay," Stephen Townsend said. "We hold," Townsend added.')])
        assert fresh.search("hold").rows[0]["speaker"] == "Pentagon"
        assert pentagon  # the id differs between databases; the speaker does not
