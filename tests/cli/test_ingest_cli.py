"""`saywho clean` and `saywho duplicates` (registered by saywho.cli.ingest)."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from conftest import FIXTURES
from saywho.cli.ingest import register

INGEST = FIXTURES / "ingest"


def make_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """saywho (test harness)."""

    register(app)
    return app


runner = CliRunner()


def test_clean_shows_the_article_and_what_was_dropped_and_why():
    result = runner.invoke(make_app(), ["clean", str(INGEST / "scraped_article.txt")])
    assert result.exit_code == 0, result.output
    assert "Harbour town votes to keep its ferry" in result.stdout
    assert "icon sprite titles" in result.stdout and "cookie notice" in result.stdout


def test_clean_json_lines_carry_text_metadata_and_dropped_offsets():
    result = runner.invoke(make_app(), ["clean", "--format", "jsonl", str(INGEST / "scraped_article.txt"), str(INGEST / "article.html")])
    assert result.exit_code == 0, result.output
    text_doc, html_doc = [json.loads(line) for line in result.stdout.splitlines()]
    source = (INGEST / "scraped_article.txt").read_text(encoding="utf-8")
    for dropped in text_doc["dropped"]:
        assert source[dropped["start"] : dropped["end"]] == dropped["text"]
    assert html_doc["published"] == "2023-10-04" and html_doc["authors"] == ["Priya Natarajan"]


def test_keep_junk_keeps_everything():
    result = runner.invoke(make_app(), ["clean", "--format", "jsonl", "--keep-junk", str(INGEST / "scraped_article.txt")])
    assert json.loads(result.stdout)["dropped"] == []


def test_bad_input_is_reported_on_one_line_and_exit_is_non_zero():
    result = runner.invoke(make_app(), ["clean", "--format", "jsonl", "/no/such/file.txt", str(INGEST / "article.html")])
    assert result.exit_code == 1
    assert "/no/such/file.txt: no such file or directory" in result.stderr
    assert len(result.stdout.splitlines()) == 1  # the good input is still there


def test_a_skipped_language_is_reported_but_is_not_a_failure():
    result = runner.invoke(make_app(), ["clean", "--format", "jsonl", str(INGEST / "article_fr.html")])
    assert result.exit_code == 0
    assert "skipped" in result.stderr and "'fr'" in result.stderr
    kept = runner.invoke(make_app(), ["clean", "--format", "jsonl", "--language", "fr", str(INGEST / "article_fr.html")])
    assert json.loads(kept.stdout)["language"] == "fr"


def test_duplicates_reports_exact_groups(tmp_path):
    story = (INGEST / "scraped_article.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(story, encoding="utf-8")
    (tmp_path / "b.txt").write_text(story.replace("Eastwick", "EASTWICK"), encoding="utf-8")
    (tmp_path / "c.txt").write_text(story + "\n\nA different ending altogether, said nobody.", encoding="utf-8")
    (tmp_path / "d.txt").write_text(story + "\n\nA different ending altogether, said nobody.", encoding="utf-8")
    result = runner.invoke(make_app(), ["duplicates", "--format", "jsonl", "--exact-only", str(tmp_path)])
    assert result.exit_code == 0, result.output
    groups = [json.loads(line) for line in result.stdout.splitlines()]  # JSONL: one group per line
    assert [group["members"] for group in groups] == [
        [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")],
        [str(tmp_path / "c.txt"), str(tmp_path / "d.txt")],
    ]
    assert {group["kind"] for group in groups} == {"exact"}
    assert "4 documents: 2 exact duplicates in 2 groups" in result.stderr


def test_the_old_json_switch_still_works_and_says_it_is_deprecated():
    result = runner.invoke(make_app(), ["clean", "--json", str(INGEST / "article.html")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["authors"] == ["Priya Natarajan"]
    assert "saywho: warning: --json is deprecated: use --format jsonl" in result.stderr


def test_an_unknown_listing_format_is_a_usage_error():
    result = runner.invoke(make_app(), ["clean", "--format", "xml", str(INGEST / "article.html")])
    assert result.exit_code == 2
    assert result.stderr.strip() == "saywho: error: unknown format 'xml'; choose one of text, jsonl"


def test_inputs_that_fail_for_one_reason_end_in_one_tally_line(tmp_path):
    for number in range(3):
        (tmp_path / f"empty{number}.txt").write_bytes(b"")
    result = runner.invoke(make_app(), ["clean", "--format", "jsonl", str(tmp_path), str(INGEST / "article_fr.html")])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert sum(line.startswith("saywho: error: ") for line in lines) == 3  # each input named once
    assert sum(line.startswith("saywho: skipped: ") for line in lines) == 1
    assert lines[-3:] == ["3 failed: empty file", "1 skipped: language is 'fr', not en", "0 read, 1 skipped, 3 failed"]
