"""Issue 21, items 1-4: where ``-o`` writes. Only a regular file or a missing path is
replaced atomically; devices and pipes are written as streams, a symlink's target is
replaced and the link kept, a folder is refused; missing folders are an error (exit 3)
unless --parents; an unknown extension is a usage error; a closing line says what went where."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saywho.cli import app
from saywho.output import atomic_file
from saywho.store import Store
from web.web_corpus import fill_corpus

runner = CliRunner()
ARTICLE = '"We will rebuild the bridge," Mayor Jane Ortiz said on Tuesday.\n'


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def article(tmp_path) -> str:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("output") / "corpus.db")
    with Store.open(db) as store:
        fill_corpus(store)
    return db


def read_fifo_in_background(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread, received


# --- 1. what is at the target -------------------------------------------------------


def test_a_named_pipe_is_written_as_a_stream_and_stays_a_pipe(tmp_path, article):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    thread, received = read_fifo_in_background(fifo)
    result = run("extract", article, "-o", str(fifo), "--format", "jsonl")
    thread.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    (record,) = [json.loads(line) for line in received[0].decode().splitlines()]
    assert record["attributions"][0]["speaker"]["name"] == "Jane Ortiz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt", "pipe"]  # no temporary left behind


def test_a_symlink_is_kept_and_its_target_replaced(tmp_path, article):
    real = tmp_path / "results" / "quotes.jsonl"
    real.parent.mkdir()
    real.write_text("old results\n", encoding="utf-8")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(real)
    result = run("extract", article, "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text(encoding="utf-8"))["input"] == article


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "schema.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    assert run("schema", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and json.loads((tmp_path / "elsewhere.json").read_text())["type"] == "object"


@pytest.fixture
def device(tmp_path):
    """A character device to write to: as root, a fresh node for the same device as
    /dev/null or /dev/full (so that code which replaces devices, as this once did, cannot
    break the machine's own); otherwise the real one, which a normal user cannot replace."""

    def make(name: str) -> str:
        real = f"/dev/{name}"
        if not os.path.exists(real) or not stat.S_ISCHR(os.stat(real).st_mode):
            pytest.skip(f"no {real} character device here")
        if os.geteuid() != 0:
            return real
        copy = tmp_path / name
        os.mknod(copy, stat.S_IFCHR | 0o666, os.stat(real).st_rdev)
        return str(copy)

    return make


def test_a_character_device_stays_a_device(device, article):
    null = device("null")
    before = os.stat(null)
    result = run("extract", article, "-o", null, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


@pytest.mark.slow
def test_dev_stdout_writes_to_whatever_stdout_is_without_truncating_it(tmp_path, article):
    """-o /dev/stdout reaches this process's own stdout, through /proc: a pipe, or a file the
    shell opened (appended to with >>, never truncated nor replaced).

    /dev/fd/1 is the same link into /proc as /dev/stdout; it is used here because code that
    renames over its target (as this once did) cannot create a file in /proc, whereas as
    root it would replace the machine's /dev/stdout."""
    command = [sys.executable, "-m", "saywho", "extract", article, "-o", "/dev/fd/1", "--format", "jsonl"]
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["input"] == article
    log = tmp_path / "log.jsonl"
    log.write_text('{"earlier": "run"}\n', encoding="utf-8")
    with open(log, "a", encoding="utf-8") as appended:
        assert subprocess.run(command, stdout=appended, stderr=subprocess.PIPE, timeout=120).returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"earlier": "run"} and json.loads(lines[1])["input"] == article


def test_a_full_device_is_an_output_error_and_stays_a_device(device, article):
    full = device("full")
    result = run("extract", article, "-o", full, "--format", "jsonl")
    assert result.exit_code == 3
    assert f"cannot write {full}" in result.stderr and "Traceback" not in result.output
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_a_folder_is_refused_and_left_alone(tmp_path, article):
    folder = tmp_path / "out.jsonl"
    folder.mkdir()
    result = run("extract", article, "-o", str(folder))
    assert result.exit_code == 3
    assert f"cannot write {folder}: {folder} is a folder" in result.stderr
    assert folder.is_dir() and not any(folder.iterdir())


def test_the_library_writer_follows_the_same_rules(tmp_path, device):
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError), atomic_file(str(tmp_path / "folder")) as handle:
        handle.write("x")
    null = device("null")
    with atomic_file(null) as handle:
        handle.write("into the void")
    assert stat.S_ISCHR(os.stat(null).st_mode)


# --- 2. missing folders -------------------------------------------------------------


def test_a_missing_folder_is_an_error_naming_it_and_nothing_is_created(tmp_path, article):
    target = tmp_path / "no" / "such" / "dir" / "out.jsonl"
    result = run("extract", article, "-o", str(target))
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert f"folder {target.parent} does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


def test_parents_creates_the_missing_folders(tmp_path, article):
    target = tmp_path / "no" / "such" / "out.csv"
    result = run("extract", article, "-o", str(target), "--parents")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("input,title")


def test_a_file_where_a_folder_should_be_is_named(tmp_path, article):
    (tmp_path / "good.txt").write_text("keep me", encoding="utf-8")
    for extra in ((), ("--parents",)):
        result = run("extract", article, "-o", str(tmp_path / "good.txt" / "out.jsonl"), *extra)
        assert result.exit_code == 3
        assert f"{tmp_path / 'good.txt'} is a file, not a folder" in result.stderr
        assert "File exists" not in result.stderr
    assert (tmp_path / "good.txt").read_text(encoding="utf-8") == "keep me"


def test_store_commands_check_folders_too(tmp_path, corpus):
    for command in (("search", "Townsend"), ("speakers",), ("export",)):
        target = tmp_path / "missing" / "out.jsonl"
        result = run(*command, "--db", corpus, "-o", str(target))
        assert result.exit_code == 3, command
        assert f"folder {target.parent} does not exist" in result.stderr
        assert run(*command, "--db", corpus, "-o", str(target), "--parents").exit_code == 0, command
        target.unlink()
        target.parent.rmdir()


# --- 3. unknown extensions ----------------------------------------------------------


@pytest.mark.parametrize("command", [("extract", "{article}"), ("search", "Townsend", "--db", "{db}"),
                                     ("speakers", "--db", "{db}"), ("export", "--db", "{db}")])
def test_an_extension_that_names_no_format_is_a_usage_error(tmp_path, article, corpus, command):
    args = [a.format(article=article, db=corpus) for a in command]
    target = tmp_path / "out.xlsx"
    result = run(*args, "-o", str(target))
    assert result.exit_code == 2
    assert "cannot tell the format from" in result.stderr and ".jsonl" in result.stderr
    assert not target.exists()


def test_format_names_the_format_whatever_the_extension(tmp_path, article):
    target = tmp_path / "out.xlsx"
    assert run("extract", article, "-o", str(target), "--format", "csv").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("input,")


# --- 4. the closing line ------------------------------------------------------------


def test_extract_says_what_it_wrote_where(tmp_path, article):
    target = tmp_path / "quotes.csv"
    result = run("extract", article, "-o", str(target))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == f"wrote 1 article, 1 attribution to {target}"


def test_store_commands_say_what_they_wrote_where(tmp_path, corpus):
    cases = {
        ("search", "--speaker", "Townsend", "--all"): "wrote 2 statements to {}",
        ("speakers", "--kind", "person"): "wrote 3 speakers to {}",
        ("export",): "wrote 4 articles to {}",
    }
    for command, expected in cases.items():
        target = tmp_path / "out.jsonl"
        result = run(*command, "--db", corpus, "-o", str(target))
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines()[-1] == expected.format(target)
    result = run("schema", "-o", str(tmp_path / "schema.json"))
    assert result.stderr.splitlines()[-1] == f"wrote the JSON Schema to {tmp_path / 'schema.json'}"


def test_nothing_is_said_when_writing_to_stdout(article):
    result = run("extract", article, "--format", "jsonl")
    assert result.exit_code == 0 and "wrote" not in result.stderr
