"""``saywho curation`` and the curation lines of ``export``/``import``: a curated corpus moved
from SQLite to another database (PostgreSQL too) has the same speakers for the same statements."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from saywho.cli import app
from saywho.store import Store
from store.store_builders import BACKENDS, add, speaker_of
from store.test_curation import articles, curate, statement_id, who_said

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def curated(tmp_path) -> str:
    db = str(tmp_path / "curated.db")
    with Store.open(db) as store:
        for article in articles():
            add(store, article)
        curate(store)
    return db


def statements(db: str) -> dict:
    with Store.open(db) as store:
        return who_said(store)


@pytest.mark.parametrize("store_target", BACKENDS, indirect=True)
def test_export_and_import_move_a_curated_corpus_with_its_speakers(tmp_path, curated, store_target):
    exported = tmp_path / "corpus.jsonl"
    assert run("export", "--db", curated, "-o", str(exported)).exit_code == 0
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    assert [line["curation"]["op"] for line in lines if "curation" in line] == ["merge", "split", "reassign", "reassign"]
    result = run("import", str(exported), "--db", store_target)
    assert result.exit_code == 0, result.output
    assert "applied 4 curation entries" in result.output
    assert statements(store_target) == statements(curated)
    again = run("import", str(exported), "--db", store_target)
    assert "4 already recorded" in again.output
    assert statements(store_target) == statements(curated)


@pytest.mark.parametrize("store_target", BACKENDS, indirect=True)
def test_curation_export_and_import_apply_to_a_database_ingested_again(tmp_path, curated, store_target):
    fixes = tmp_path / "fixes.jsonl"
    written = run("curation", "export", str(fixes), "--db", curated)
    assert written.exit_code == 0 and "wrote 4 curation entries" in written.output
    assert [json.loads(line)["op"] for line in fixes.read_text().splitlines()] == ["merge", "split", "reassign", "reassign"]
    with Store.open(store_target) as store:  # the same articles, analysed again
        for article in articles():
            add(store, article)
    assert statements(store_target) != statements(curated)
    result = run("curation", "import", str(fixes), "--db", store_target)
    assert result.exit_code == 0, result.output
    assert statements(store_target) == statements(curated)


def test_curation_reassign_takes_a_known_or_a_new_speaker(curated):
    with Store.open(curated) as store:
        statement = statement_id(store, "Troop levels")
        (hillary,) = speaker_of(store, "Hillary Clinton")
    assert run("curation", "reassign", str(statement), "--speaker", str(hillary), "--db", curated).stdout.strip() == str(hillary)
    created = run("curation", "reassign", str(statement), "--name", "Joint Chiefs", "--kind", "group", "--db", curated)
    assert created.exit_code == 0
    with Store.open(curated) as store:
        assert store.attribution(statement)["speaker"] == "Joint Chiefs"
        assert store.curation_log()[-1]["to"]["name"] == "Joint Chiefs"
    for args, message in (
        ((), "either --speaker ID or --name"),
        (("--name", "Joint Chiefs"), "--name needs --kind"),
        (("--speaker", "99999"), "no speaker 99999"),
        (("--name", "X", "--kind", "unnamed"), "kind must be one of"),
    ):
        result = run("curation", "reassign", str(statement), *args, "--db", curated)
        assert result.exit_code == 2 and message in result.output


def test_a_bad_curation_file_is_named_by_line_and_the_good_entries_still_apply(tmp_path, curated):
    fixes = tmp_path / "fixes.jsonl"
    run("curation", "export", str(fixes), "--db", curated)
    fixes.write_text(fixes.read_text() + '{"op": "rename"}\nnot json\n')
    fresh = str(tmp_path / "fresh.db")
    result = run("curation", "import", str(fixes), "--db", fresh)
    assert result.exit_code == 1
    assert "fixes.jsonl:5: not a curation entry ('op' must be one of" in result.output
    assert "fixes.jsonl:6: not a curation entry" in result.output
    assert "applied 2 curation entries; 2 pending" in result.output
    missing = run("curation", "import", str(tmp_path / "nope.jsonl"), "--db", fresh)
    assert missing.exit_code == 2 and "nope.jsonl" in missing.output
