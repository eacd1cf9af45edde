"""The saywho command as a user runs it: inputs, formats, errors, exit codes, atomic output."""

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from saywho.cli import app

runner = CliRunner()
COUNCIL = str(FIXTURES / "core" / "council.txt")


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_jsonl_is_one_article_per_line_in_input_order(tmp_path):
    second = tmp_path / "b.txt"
    second.write_text('"Yes," the mayor said.', encoding="utf-8")
    result = run("extract", COUNCIL, str(second), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(a["input"]).name for a in lines] == ["council.txt", "b.txt"]
    assert {"input", "text", "title", "published", "attributions", "speakers"} <= set(lines[0])


def test_stdin_is_read_with_a_dash():
    result = run("extract", "-", "--format", "jsonl", input='"We won," she said.')
    assert result.exit_code == 0
    (article,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert article["attributions"][0]["cue"]["text"] == "said"


def test_csv_has_one_row_per_attribution():
    result = run("extract", COUNCIL, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) >= 5
    assert {"speaker", "type", "cue", "content", "confidence"} <= set(rows[0])


def test_table_shows_speaker_type_cue_and_content():
    result = run("extract", COUNCIL, "--format", "table")
    assert "Priya Raman" in result.stdout and "told" in result.stdout


def test_raw_offsets_index_the_input_file():
    result = run("extract", COUNCIL, "--raw", "--format", "jsonl")
    article = json.loads(result.stdout)
    original = Path(COUNCIL).read_text(encoding="utf-8")
    assert article["text"] == original
    for a in article["attributions"]:
        assert " ".join(original[s:e] for s, e in a["content"]["spans"]) == a["content"]["text"]


def test_output_file_is_written_whole(tmp_path):
    out = tmp_path / "quotes.json"
    result = run("extract", COUNCIL, "-o", str(out))
    assert result.exit_code == 0
    assert isinstance(json.loads(out.read_text(encoding="utf-8")), list)
    assert [p.name for p in tmp_path.iterdir()] == ["quotes.json"]


def test_parquet_output(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "quotes.parquet"
    assert run("extract", COUNCIL, "-o", str(out)).exit_code == 0
    table = pq.read_table(out)
    assert table.num_rows >= 5 and "speaker" in table.column_names


def test_bad_inputs_are_reported_and_the_rest_processed(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes('"C\'est fini," Jos\xe9 Mart\xednez said.'.encode("latin-1"))
    result = run("extract", str(empty), str(binary), str(tmp_path / "missing.txt"), str(latin1), "--format", "jsonl")
    assert result.exit_code == 1
    articles = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(a["input"]).name for a in articles] == ["latin1.txt"]
    assert "José Martínez" in articles[0]["text"]
    for name in ("empty.txt", "image.bin", "missing.txt"):
        assert name in result.stderr


def test_size_limits_refuse_one_input_by_name_and_keep_the_others(tmp_path):
    long = tmp_path / "long.txt"
    long.write_text('"We will rebuild the bridge," the mayor said. ' * 40, encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text('"Yes," the mayor said.', encoding="utf-8")
    for flag, value in (("--max-chars", "500"), ("--max-bytes", "1000")):
        result = run("extract", str(long), str(short), flag, value, "--format", "jsonl")
        assert result.exit_code == 1, flag
        assert [Path(json.loads(line)["input"]).name for line in result.stdout.splitlines()] == ["short.txt"]
        assert "long.txt" in result.stderr and "short.txt" not in result.stderr


def test_limits_must_be_sensible_numbers():
    assert run("extract", COUNCIL, "--max-bytes", "0").exit_code == 2
    assert run("extract", COUNCIL, "--time-limit", "-1").exit_code == 2


def test_failed_input_leaves_no_partial_output_file_when_interrupted(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    from saywho import output

    def explode(*_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), output.atomic_file(str(out)) as handle:
        handle.write("half of new results")
        explode()
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_unknown_format_is_a_usage_error():
    result = run("extract", COUNCIL, "--format", "xml")
    assert result.exit_code == 2


def test_schema_command_prints_the_published_schema():
    result = run("schema")
    published = (Path(__file__).parents[2] / "docs" / "output.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(published), "run: saywho schema -o docs/output.schema.json"


def test_jobs_2_gives_the_same_output_as_jobs_1(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(f'"Item {i} is ready," the clerk said. The mayor warned that item {i} was late.', encoding="utf-8")
    one = run("extract", str(folder), "--format", "jsonl", "--jobs", "1")
    two = run("extract", str(folder), "--format", "jsonl", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout


def test_real_process_exit_code_and_stderr(tmp_path):
    """The installed entry point, as a shell sees it."""
    (tmp_path / "empty.txt").write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "saywho", "extract", str(tmp_path / "empty.txt")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "empty.txt" in proc.stderr and proc.stdout == ""


def test_a_folder_walk_skips_annotation_and_data_files(tmp_path):
    (tmp_path / "story.txt").write_text('"Done," the clerk said.', encoding="utf-8")
    (tmp_path / "story.ann").write_text("T1\tSource 0 5\tDone", encoding="utf-8")
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("extract", str(tmp_path), "--format", "jsonl")
    assert result.exit_code == 0
    assert [Path(json.loads(line)["input"]).name for line in result.stdout.splitlines()] == ["story.txt"]


def test_an_internal_error_in_one_article_is_reported_and_the_batch_goes_on(monkeypatch, tmp_path):
    from saywho.nlp import speakers

    real = speakers.resolve

    def crash_on_marker(doc, found):
        if "CRASH" in doc.text:
            raise RuntimeError("boom")
        return real(doc, found)

    monkeypatch.setattr(speakers, "resolve", crash_on_marker)
    (tmp_path / "a.txt").write_text('CRASH "No," he said.', encoding="utf-8")
    (tmp_path / "b.txt").write_text('"Yes," she said.', encoding="utf-8")
    result = run("extract", str(tmp_path), "--format", "jsonl")
    assert result.exit_code == 1
    assert "a.txt: internal error: RuntimeError: boom" in result.stderr
    assert [Path(json.loads(line)["input"]).name for line in result.stdout.splitlines()] == ["b.txt"]


def test_input_errors_cross_process_boundaries_with_jobs_2(tmp_path):
    (tmp_path / "a.txt").write_text("Home | World | Sport\nShare on Facebook\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text('"Yes," she said.', encoding="utf-8")
    result = run("extract", str(tmp_path), "--format", "jsonl", "--jobs", "2")
    assert result.exit_code == 1
    assert "a.txt: nothing but scraping junk" in result.stderr
    assert [Path(json.loads(line)["input"]).name for line in result.stdout.splitlines()] == ["b.txt"]


def test_unknown_engine_is_a_usage_error():
    result = run("extract", COUNCIL, "--engine", "model")
    assert result.exit_code == 2
    assert result.stderr.strip() == "saywho: error: unknown engine 'model'; choose tagger or rules"


def test_unknown_deprecated_mode_is_a_usage_error():
    assert run("extract", COUNCIL, "--mode", "magic").exit_code == 2


@pytest.mark.parametrize("command", ["extract", "ingest"])
@pytest.mark.parametrize(("flags", "engine"), [((), "tagger"), (("--engine", "rules"), "rules"), (("--engine", "tagger"), "tagger")])
def test_the_tagger_is_the_default_engine_and_rules_is_asked_for_by_name(command, flags, engine, engines_run, tmp_path):
    target = ["--db", str(tmp_path / "corpus.db")] if command == "ingest" else ["--format", "jsonl"]
    result = run(command, COUNCIL, *target, *flags)
    assert result.exit_code == 0, result.output
    assert engines_run == [engine]
    assert "deprecated" not in result.stderr


@pytest.mark.parametrize(("mode", "engine"), [("model", "tagger"), ("rules", "rules")])
def test_the_deprecated_mode_option_still_works_and_says_so_once(mode, engine, engines_run):
    result = run("extract", COUNCIL, "--format", "jsonl", "--mode", mode)
    assert result.exit_code == 0, result.output
    assert engines_run == [engine]
    assert result.stderr.splitlines() == [f"saywho: warning: --mode is deprecated: use --engine {engine}"]


def test_the_deprecated_mode_option_is_hidden_from_help():
    help_text = run("extract", "--help").output
    assert "--engine" in help_text and not re.search(r"--mode\b", help_text)
