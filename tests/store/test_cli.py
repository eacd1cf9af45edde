"""The corpus commands end to end: ingest (real extraction), search, speakers, export; kill -9 safety."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saywho.cli import app
from saywho.models import Article
from store.store_builders import BACKENDS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "store" / "articles"

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("cli") / "corpus.db")
    result = run("ingest", str(FIXTURES), "--db", db)
    assert result.exit_code == 0, result.output
    return db


def test_ingest_reports_throughput_and_a_second_run_adds_nothing(ingested):
    again = run("ingest", str(FIXTURES), "--db", ingested)
    assert again.exit_code == 0
    assert "stored 0 articles" in again.output and "4 already stored" in again.output
    assert "store now holds 4 articles" in again.output


def test_search_writes_csv_and_jsonl(ingested):
    as_csv = run("search", "troop", "--db", ingested, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert as_csv.exit_code == 0 and rows and all("troop" in r["content"].lower() for r in rows)
    as_jsonl = run("search", "troop", "--db", ingested, "--format", "jsonl", "--all")
    assert [json.loads(line)["id"] for line in as_jsonl.stdout.splitlines()] == [int(r["id"]) for r in rows]


def test_search_rejects_bad_filters_and_formats(ingested):
    assert run("search", "--db", ingested, "--since", "yesterday").exit_code == 2
    assert run("search", "--db", ingested, "--format", "xml").exit_code == 2


def test_commands_on_a_missing_database_say_so(tmp_path):
    result = run("search", "x", "--db", str(tmp_path / "nothing.db"))
    assert result.exit_code == 2 and "no such database" in result.output
    assert run("ingest", str(FIXTURES), "--db", str(tmp_path / "no" / "dir.db")).exit_code == 2


def test_speakers_list_merge_split_and_edit_log(tmp_path, ingested):
    db = str(tmp_path / "copy.db")
    with sqlite3.connect(ingested) as source, sqlite3.connect(db) as target:
        source.backup(target)
    listed = [json.loads(line) for line in run("speakers", "--db", db, "--format", "jsonl").stdout.splitlines()]
    assert listed and listed[0]["attributions"] >= listed[-1]["attributions"]
    first, second = listed[0]["id"], listed[1]["id"]
    assert run("speakers", "merge", str(first), str(second), "--db", db).exit_code == 0
    shown = json.loads(run("speakers", "show", str(first), "--db", db).stdout)
    assert shown["attributions"] == listed[0]["attributions"] + listed[1]["attributions"]
    name = next(a["name"] for a in shown["aliases"] if a["name"] in {listed[1]["name"], *listed[1]["aliases"]})
    split = run("speakers", "split", str(first), name, "--db", db)
    assert split.exit_code == 0, split.output
    assert [json.loads(line)["op"] for line in run("speakers", "edits", "--db", db).stdout.splitlines()] == ["merge", "split"]
    assert run("speakers", "merge", "999999", str(first), "--db", db).exit_code == 2


def test_export_round_trips_articles(tmp_path, ingested):
    out = tmp_path / "corpus.jsonl"
    assert run("export", "--db", ingested, "-o", str(out)).exit_code == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 4
    assert all(Article.from_dict(r).to_dict().items() <= r.items() for r in records)
    assert all(set(r["corpus_speakers"]) == {s["id"] for s in r["speakers"]} for r in records)


def test_metadata_table_fills_publisher_and_date(tmp_path):
    table = tmp_path / "meta.tsv"
    table.write_text("filename\tpublisher\tpublication_date\ttitle\n01-troops\tWire\t2016-05-01\tNone\n")
    db = str(tmp_path / "m.db")
    assert run("ingest", str(FIXTURES / "01-troops.txt"), "--db", db, "--metadata", str(table)).exit_code == 0
    rows = [json.loads(line) for line in run("search", "--db", db, "--publisher", "wire", "-f", "jsonl").stdout.splitlines()]
    assert rows and {r["published_date"] for r in rows} == {"2016-05-01"}
    bad = tmp_path / "bad.csv"
    bad.write_text("name,publisher\nx,y\n")
    assert run("ingest", str(FIXTURES), "--db", db, "--metadata", str(bad)).exit_code == 2


# --- kill -9 in the middle of a run ----------------------------------------------------

FIRST = ["Maria", "Tomas", "Lena", "Omar", "Grace", "Ivan", "Sofia", "Daniel"]
LAST = ["Keller", "Haddad", "Moreau", "Okoye", "Lindgren", "Rossi"]
TOPICS = ["the bridge", "the budget", "the new school", "the harbour", "the rail line", "water prices"]


def write_corpus(folder: Path, n: int) -> None:
    """Small original articles: named people quoted directly and by surname, some names recurring."""
    folder.mkdir()
    for i in range(n):
        first, last, topic = FIRST[i % len(FIRST)], LAST[i % len(LAST)], TOPICS[i % len(TOPICS)]
        text = (
            f"Council debates {topic}, meeting {i}\n\n"
            f'"We will finish {topic} on time," {first} {last} said on Monday.\n\n'
            f'{last} added that the cost of {topic} had risen. "Nobody wanted that," {last} said.\n'
        )
        (folder / f"article-{i:03d}.txt").write_text(text)


def partition(db: str) -> set[frozenset[str]]:
    with sqlite3.connect(db) as conn:
        groups: dict[int, set[str]] = {}
        for name, speaker in conn.execute("SELECT name, speaker_id FROM mentions"):
            groups.setdefault(speaker, set()).add(name)
    return {frozenset(g) for g in groups.values()}


def counts(db: str) -> tuple[int, ...]:
    with sqlite3.connect(db) as conn:
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                     for t in ("articles", "attributions", "mentions", "speakers", "attributions_fts"))


@pytest.mark.slow
def test_a_killed_ingest_resumes_to_the_same_corpus_as_an_uninterrupted_one(tmp_path):
    corpus = tmp_path / "news"
    write_corpus(corpus, 60)
    command = [sys.executable, "-m", "saywho.cli", "ingest", str(corpus), "--quiet", "--db"]
    whole, killed = str(tmp_path / "whole.db"), str(tmp_path / "killed.db")
    subprocess.run([*command, whole], check=True, capture_output=True)

    process = subprocess.Popen([*command, killed], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(killed, timeout=1) as conn:
                if conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] >= 10:
                    break
        except sqlite3.OperationalError:
            continue  # not created yet
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    interrupted = counts(killed)[0]
    assert 10 <= interrupted < 60, "the kill came too late to test anything"

    resumed = subprocess.run([*command, killed], check=True, capture_output=True, text=True)
    assert f"{interrupted} already stored" in resumed.stderr
    assert counts(killed) == counts(whole)
    assert partition(killed) == partition(whole)


@pytest.mark.parametrize("store_target", BACKENDS, indirect=True)
def test_import_moves_an_exported_corpus_to_another_backend_unchanged(tmp_path, ingested, store_target):
    exported = tmp_path / "corpus.jsonl"
    assert run("export", "--db", ingested, "-o", str(exported)).exit_code == 0
    assert run("import", str(exported), "--db", store_target).exit_code == 0
    again = run("import", str(exported), "--db", store_target)
    assert "stored 0 articles" in again.output and "4 already stored" in again.output

    def listing(db):
        return [(r["name"], r["attributions"]) for r in map(json.loads, run("speakers", "--db", db, "-f", "jsonl").stdout.splitlines())]

    assert listing(store_target) == listing(ingested)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"not": "an article"}\n')
    result = run("import", str(broken), "--db", store_target)
    assert result.exit_code == 1 and "broken.jsonl:1" in result.output


def test_search_pages_by_the_cursor_it_prints(ingested):
    every = run("search", "--db", ingested, "--format", "jsonl", "--all")
    expected = [json.loads(line)["id"] for line in every.stdout.splitlines()]
    assert len(expected) > 3
    seen: list[int] = []
    args = ["search", "--db", ingested, "--format", "table", "--limit", "3"]
    first = run(*args)
    cursor = re.search(r"--after ([\w-]+)", first.stderr)
    assert first.exit_code == 0 and cursor is not None and "next page: --offset 3 (or --after" in first.stderr
    seen += [json.loads(line)["id"] for line in run("search", "--db", ingested, "-f", "jsonl", "--limit", "3").stdout.splitlines()]
    while cursor is not None:
        page = run("search", "--db", ingested, "-f", "jsonl", "--limit", "3", "--after", cursor.group(1))
        assert page.exit_code == 0, page.output
        seen += [json.loads(line)["id"] for line in page.stdout.splitlines()]
        table = run(*args, "--after", cursor.group(1))
        cursor = re.search(r"--after ([\w-]+)", table.stderr)
    assert seen == expected
    assert run("search", "--db", ingested, "--after", "bogus!").exit_code == 2
