"""``saywho speakers`` sorted and filtered as the web list is (a corpus built without analysis)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from saywho.cli import app
from saywho.store import Store
from store.store_builders import Quote, add, build_article

runner = CliRunner()


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "corpus.db")
    with Store.open(path) as store:
        add(store, build_article([Quote("Ann Lee", "One"), Quote("Ann Lee", "Two"), Quote("Bob Ray", "Three")],
                                 published="2016-05-03", input="a"))
        add(store, build_article([Quote("Bob Ray", "Four")], published="2018-01-09", input="b"))
        add(store, build_article([Quote("Cy Dee", "Five")], published="2017-03-01", input="c"))
    return path


def listed(db: str, *options: str) -> list[tuple[str, int]]:
    result = runner.invoke(app, ["speakers", "--db", db, "--format", "jsonl", *options])
    assert result.exit_code == 0, result.output
    return [(r["name"], r["attributions"]) for r in map(json.loads, result.stdout.splitlines())]


def test_speakers_sort_and_filter_options(db):
    assert listed(db, "--sort", "latest") == [("Bob Ray", 2), ("Cy Dee", 1), ("Ann Lee", 2)]
    assert listed(db, "--sort", "latest", "--ascending") == [("Ann Lee", 2), ("Cy Dee", 1), ("Bob Ray", 2)]
    assert listed(db, "--min-statements", "2") == [("Ann Lee", 2), ("Bob Ray", 2)]
    assert listed(db, "--since", "2017", "--until", "2018-01") == [("Bob Ray", 1), ("Cy Dee", 1)]


@pytest.mark.parametrize(("options", "message"), [
    (["--sort", "name"], "sort must be one of statements, articles, latest"),
    (["--since", "last week"], "since must be a date like 2016-05-31"),
])
def test_speakers_bad_options_fail_in_one_line(db, options, message):
    result = runner.invoke(app, ["speakers", "--db", db, *options])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
