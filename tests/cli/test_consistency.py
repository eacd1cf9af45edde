"""One dialect across the saywho commands: the same analysis options wherever articles are
analysed, one output option, one way of saying what was skipped or failed, help pages a
person reads, shell completion, and a start-up that does not load the NLP pipeline."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from conftest import FIXTURES
from saywho.cli import app
from saywho.cli import extract as extract_cli
from saywho.cli import ingest as ingest_cli
from saywho.cli import spark as spark_cli
from saywho.cli import store as store_cli
from saywho.cli._common import ANALYSIS_OPTIONS, Tally, readable_help, reason_group
from saywho.errors import InputError
from saywho.ingest import SkippedInput

runner = CliRunner()
FRENCH = str(FIXTURES / "ingest" / "article_fr.html")
ANALYSING = {
    "extract": extract_cli.extract,
    "ingest": store_cli.ingest_command,
    "spark run": spark_cli.run_command,
}


def _commands(command: typer.core.TyperGroup | typer.core.TyperCommand, path: str = "saywho"):
    """Every command and group under ``command``, with the words that run it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, f"{path} {name}")


def _click_app():
    return typer.main.get_command(app)


# --- the same analysis options, declared once --------------------------------------------


@pytest.mark.parametrize("name", ANALYSING)
def test_every_analysing_command_takes_every_analysis_option_with_the_same_default(name):
    parameters = inspect.signature(ANALYSING[name]).parameters
    declared = {key: parameters[key].default for key in ANALYSIS_OPTIONS if key in parameters}
    assert declared == ANALYSIS_OPTIONS


def test_the_analysis_options_read_the_same_on_every_analysing_command():
    root = _click_app()
    helps = {}
    for name in ANALYSING:
        command = root
        for word in name.split():
            command = command.commands[word]  # type: ignore[attr-defined]
        context = typer.Context(command)
        helps[name] = {p.name: p.get_help_record(context) for p in command.get_params(context) if p.name in ANALYSIS_OPTIONS}
    assert helps["extract"] == helps["ingest"] == helps["spark run"]
    assert set(helps["extract"]) == set(ANALYSIS_OPTIONS)


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_the_language_the_skip_message_suggests_is_accepted(command, tmp_path):
    target = ["--db", str(tmp_path / "corpus.db")] if command == "ingest" else ["--format", "jsonl"]
    skipped = runner.invoke(app, [command, FRENCH, *target])
    assert skipped.exit_code == 0, skipped.output
    suggestion = re.search(r"add (--language fr) to keep it", skipped.stderr)
    assert suggestion, skipped.stderr
    kept = runner.invoke(app, [command, FRENCH, *target, *suggestion.group(1).split()])
    assert kept.exit_code == 0, kept.output
    assert "skipped" not in kept.stderr.replace("0 skipped", "")
    if command == "extract":
        assert json.loads(kept.stdout)["language"] == "fr"
    else:
        assert "stored 1 articles" in kept.stderr


def test_an_unknown_engine_is_refused_before_any_work_on_ingest(tmp_path):
    result = runner.invoke(app, ["ingest", FRENCH, "--db", str(tmp_path / "corpus.db"), "--engine", "magic"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "saywho: error: unknown engine 'magic'; choose tagger or rules"
    assert not (tmp_path / "corpus.db").exists()


def test_an_unknown_deprecated_mode_is_refused_naming_the_engines(tmp_path):
    result = runner.invoke(app, ["ingest", FRENCH, "--db", str(tmp_path / "corpus.db"), "--mode", "magic"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "saywho: error: unknown mode 'magic'; choose model or rules (or --engine tagger or rules)"
    assert not (tmp_path / "corpus.db").exists()


def test_the_duplicate_threshold_shown_in_help_is_the_detectors():
    from saywho.ingest.dedup import DEFAULT_THRESHOLD

    assert ingest_cli.DUPLICATE_THRESHOLD == DEFAULT_THRESHOLD


# --- one output option --------------------------------------------------------------------


def test_every_command_that_writes_results_names_its_format_with_f():
    takes_format = set()
    for path, command in _commands(_click_app()):
        for param in command.params:
            if param.name == "fmt":
                assert param.opts == ["--format", "-f"], path
                takes_format.add(path)
            assert "--json" not in param.opts or param.hidden, f"{path}: --json is only the hidden old spelling"
    assert {"saywho extract", "saywho clean", "saywho duplicates", "saywho search", "saywho speakers",
            "saywho eval polnear", "saywho eval agreement", "saywho eval speakers"} <= takes_format


# --- skipped and failed inputs --------------------------------------------------------------


def test_reasons_group_by_what_they_share_not_their_details():
    assert reason_group("too large: 12.0 MB, limit 10.0 MB (see --max-bytes)") == "too large"
    assert reason_group("language is 'pt', not en: skipped (add --language pt to keep it)") == "language is 'pt', not en"
    assert reason_group("empty file") == "empty file"
    assert reason_group("binary data (NUL bytes), not text") == "binary data"


def test_the_tally_says_each_input_once_and_groups_them_by_reason():
    said: list[str] = []
    tally = Tally(said.append)
    for number in range(1000):
        tally.record(InputError(f"empty{number}.txt", "empty file"))
    tally.record(InputError("big.html", "too large: 12.0 MB, limit 10.0 MB"))
    tally.record(SkippedInput("pt.html", "language is 'pt', not en: skipped (add --language pt to keep it)"))
    assert len(said) == 1002
    assert said[0] == "saywho: error: empty0.txt: empty file"
    assert said[-1].startswith("saywho: skipped: pt.html: language is 'pt'")
    assert tally.lines() == ["1,000 failed: empty file", "1 failed: too large", "1 skipped: language is 'pt', not en"]
    assert (tally.failed, tally.skipped) == (1001, 1)


def test_extract_ends_with_the_tally_and_exits_1_when_an_input_failed(tmp_path):
    for number in range(3):
        (tmp_path / f"empty{number}.txt").write_bytes(b"")
    result = runner.invoke(app, ["extract", str(tmp_path), FRENCH, "--format", "jsonl", "-q"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines[:4]].count("error") == 3
    assert lines[-2:] == ["3 failed: empty file", "1 skipped: language is 'fr', not en"]


def test_ingest_uses_the_same_words_for_skipped_and_failed_inputs(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(tmp_path / "empty.txt"), FRENCH, "--db", str(tmp_path / "c.db"), "-q"])
    assert result.exit_code == 1
    assert f"saywho: error: {tmp_path / 'empty.txt'}: empty file" in result.stderr
    assert f"saywho: skipped: {FRENCH}: language is 'fr'" in result.stderr
    assert "1 failed: empty file\n1 skipped: language is 'fr', not en\n" in result.stderr
    assert "0 already stored; 1 skipped (not articles to analyse); 1 failed" in result.stderr


# --- help pages -----------------------------------------------------------------------------

PYTHON_TYPE = re.compile(r"<(?:bool|str|int|float|path|list\[[^\]]*\])[^>]*>")


@pytest.mark.parametrize("path", [path for path, _ in _commands(_click_app())])
def test_help_shows_no_python_types_and_describes_every_option(path):
    result = runner.invoke(app, [*path.split()[1:], "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert not PYTHON_TYPE.search(result.stdout), result.stdout
    command = dict(_commands(_click_app()))[path]
    undescribed = [p.name for p in command.params if isinstance(p, typer.core.TyperOption) and not p.hidden and not p.help]
    assert undescribed == [], f"{path}: options without help"


def test_help_paragraphs_are_wrapped_by_the_reader_and_examples_kept_line_by_line():
    docstring = """Do a thing.

    A paragraph the source broke
    in two lines.

    Examples:

        saywho a
        saywho b
    """
    assert readable_help(docstring) == (
        "Do a thing.\n\nA paragraph the source broke in two lines.\n\nExamples:\n\n    saywho a\n    saywho b"
    )


def test_a_long_paragraph_wraps_at_the_terminals_width():
    narrow = runner.invoke(app, ["ingest", "--help"], env={"COLUMNS": "60"})
    wide = runner.invoke(app, ["ingest", "--help"], env={"COLUMNS": "160"})
    paragraph = "Articles already stored (same text) are not analysed again"
    assert paragraph in wide.stdout and "only analyses what is new" in wide.stdout.split(paragraph)[1].splitlines()[0]
    assert max(len(line.rstrip()) for line in narrow.stdout.splitlines()) <= 60


def test_the_reference_shows_no_python_types():
    from test_docs import ROOT

    assert not PYTHON_TYPE.search((ROOT / "docs" / "cli.md").read_text(encoding="utf-8"))


def test_the_examples_in_the_reference_read_as_typed():
    """Examples are indented code blocks in docs/cli.md, where HTML entities are not decoded:
    an example with quotes or < > & would show &quot; to the reader."""
    from test_docs import ROOT

    examples = [line for line in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").splitlines() if line.startswith("    ")]
    assert any(line.strip().startswith("saywho search") for line in examples)
    assert [line for line in examples if "&" in line] == []


def test_speakers_says_how_to_get_the_next_page(tmp_path):
    db = str(tmp_path / "corpus.db")
    assert runner.invoke(app, ["ingest", str(FIXTURES / "store" / "articles"), "--db", db, "-q"]).exit_code == 0
    result = runner.invoke(app, ["speakers", "--db", db, "--limit", "2", "--format", "table"])
    assert result.exit_code == 0, result.output
    total = int(re.search(r"(\d+) speakers", result.stdout).group(1))
    assert total > 2
    assert result.stderr.strip() == f"1-2 of {total}; next page: --offset 2"
    last = runner.invoke(app, ["speakers", "--db", db, "--limit", "2", "--offset", str(total - 1), "--format", "table"])
    assert last.stderr == ""  # the last page has no next one


# --- shell completion -----------------------------------------------------------------------


def test_shell_completion_can_be_shown_and_installed():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
    # As the installed `saywho` script runs it: the program name is what completion binds to.
    launcher = "import sys; sys.argv[0] = 'saywho'; from saywho.cli import main; main()"
    shown = subprocess.run(
        [sys.executable, "-c", launcher, "--show-completion", "bash"], capture_output=True, text=True, timeout=60,
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert shown.returncode == 0, shown.stderr
    assert "complete -o default -F _saywho_completion saywho" in shown.stdout
    assert "_SAYWHO_COMPLETE=complete_bash" in shown.stdout


# --- start-up -------------------------------------------------------------------------------


def test_the_store_the_web_app_and_the_command_line_load_no_nlp(tmp_path):
    """saywho search, speakers, export, import and serve start without spaCy: importing what
    they use, opening a store, searching it and building the web app must not import the
    pipeline, the model runtime, the duplicate detector or the HTML readers."""
    heavy = ["spacy", "saywho.pipeline", "saywho.nlp", "onnxruntime", "datasketch", "scipy", "numpy", "trafilatura"]
    db = str(tmp_path / "corpus.db")
    code = (
        "import sys, saywho.store, saywho.web, saywho.cli, saywho\n"
        "saywho.__version__, saywho.InputError, saywho.Article, saywho.Options\n"
        f"store = saywho.store.Store.open({db!r})\n"
        "store.search(saywho.store.SearchQuery(text='council')), store.speakers()\n"
        f"saywho.web.create_app({db!r})\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_package_still_offers_every_name_it_lists():
    code = (
        "import saywho, sys\n"
        "assert 'saywho.pipeline' not in sys.modules\n"
        "values = {name: getattr(saywho, name) for name in saywho.__all__}\n"
        "assert callable(values['extract']) and 'saywho.pipeline' in sys.modules\n"
        "assert set(saywho.__all__) <= set(dir(saywho))\n"
        "try:\n    saywho.no_such_name\nexcept AttributeError as error:\n    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "module 'saywho' has no attribute 'no_such_name'"
