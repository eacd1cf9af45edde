"""Issue 21, items 7 and 9: every JSONL reader (extract, ingest, import) takes a bad line
as one bad record: one error line naming file and line, the other records stored, exit 1.
A record's metadata reaches the output; a date that cannot be read is said once per input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from saywho.cli import app
from saywho.models import Article
from saywho.store import Store

runner = CliRunner()

NOT_OBJECTS = ["[1, 2, 3]", '"a string"', "42", "null"]


def run(*args: str):
    return runner.invoke(app, list(args))


def source_record(n: int) -> dict:
    return {"id": f"r{n}", "text": f'"We will fix road number {n}," Mayor Jane Ortiz said.'}


def exported_record(n: int) -> dict:
    return Article(input=f"r{n}.txt", text=f'"Road {n} is done," Jane Ortiz said.', title=f"Road {n}").to_dict()


def jsonl_with_a_bad_line(tmp_path, records: list[dict], bad: str) -> str:
    lines = [json.dumps(r) for r in records]
    lines.insert(1, bad)  # line 2
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("bad", NOT_OBJECTS)
def test_import_reports_a_non_object_line_and_stores_the_rest(tmp_path, bad):
    source = jsonl_with_a_bad_line(tmp_path, [exported_record(n) for n in range(3)], bad)
    db = str(tmp_path / "corpus.db")
    result = run("import", source, "--db", db)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "AttributeError" not in result.output
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("saywho: error:")]
    assert error.startswith(f"saywho: error: {source}:2: not an article record")
    with Store.open(db) as store:
        assert store.counts()["articles"] == 3


@pytest.mark.parametrize("record", [
    {"input": "x.txt", "text": "Hi.", "speakers": [1]},
    {"input": "x.txt", "text": "Hi.", "attributions": ["said"]},
    {"input": "x.txt", "text": 5},
])
def test_import_reports_records_of_the_wrong_shape(tmp_path, record):
    source = jsonl_with_a_bad_line(tmp_path, [exported_record(1)], json.dumps(record))
    result = run("import", source, "--db", str(tmp_path / "corpus.db"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{source}:2: not an article record" in result.stderr


@pytest.mark.parametrize("bad", NOT_OBJECTS)
def test_extract_reports_a_non_object_line_and_analyses_the_rest(tmp_path, bad):
    source = jsonl_with_a_bad_line(tmp_path, [source_record(n) for n in range(3)], bad)
    result = run("extract", source, "--format", "jsonl")
    assert result.exit_code == 1
    assert [json.loads(line)["input"] for line in result.stdout.splitlines()] == [f"{source}#r{n}" for n in range(3)]
    assert f"{source}#line-2: a record must be a JSON object" in result.stderr


def test_ingest_reports_a_non_object_line_and_stores_the_rest(tmp_path):
    source = jsonl_with_a_bad_line(tmp_path, [source_record(n) for n in range(3)], "[1, 2, 3]")
    db = str(tmp_path / "corpus.db")
    result = run("ingest", source, "--db", db)
    assert result.exit_code == 1
    assert f"{source}#line-2: a record must be a JSON object, not list" in result.stderr
    with Store.open(db) as store:
        assert store.counts()["articles"] == 3
