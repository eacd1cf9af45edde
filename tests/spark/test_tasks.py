"""One partition's work: no input, however bad, stops the task; the model loads once per worker."""

from __future__ import annotations

from saywho.errors import InputError
from saywho.ingest import IngestOptions
from saywho.pipeline import Extractor
from saywho.spark import tasks
from saywho.spark.read import InputNames

GOOD = b'"The bridge opens on Friday," said engineer Kofi Mensah. He added that tolls would be low.'
OTHER = b'"We are ready," the harbour master, Ana Ruiz, said.'


class Count:
    def __init__(self):
        self.value = 0

    def add(self, value: int) -> None:
        self.value += value


def options(**fields) -> tasks.TaskOptions:
    return tasks.TaskOptions(names=InputNames.of([("file:/data", "data")]), ingest=IngestOptions(languages=()), **fields)


def tables(records):
    return [table for table, _ in records]


def test_a_partition_becomes_rows_of_all_four_tables():
    files = [("file:/data/a.txt", GOOD), ("file:/data/empty.txt", b"")]
    records = list(tasks.files_to_rows(options(), None, files))
    assert tables(records).count("articles") == 1
    assert tables(records).count("attributions") >= 2
    assert "mentions" in tables(records)
    assert ("rejects", ("data/empty.txt", "empty file", "ingest", "failed")) in records
    (article,) = [row for table, row in records if table == "articles"]
    assert article[2] == "data/a.txt"  # the name the user gave, not Spark's URI


def test_a_default_publication_date_fills_only_missing_dates():
    jsonl = b'{"id": "x", "text": "The mayor said it would rain.", "published": "2023-05-01"}\n'
    files = [("file:/data/a.txt", GOOD), ("file:/data/b.jsonl", jsonl)]
    records = list(tasks.read_files(options(published="2024-06-01"), files))
    assert [doc.published for tag, doc in records if tag == "document"] == ["2024-06-01", "2023-05-01"]


def test_a_crash_analysing_one_article_is_a_reject_and_the_rest_go_on(monkeypatch):
    real = Extractor.analyse

    def analyse(self, document):
        if "Ana Ruiz" in document.text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(self, document)

    monkeypatch.setattr(Extractor, "analyse", analyse)
    files = [("file:/data/crash.txt", OTHER), ("file:/data/a.txt", GOOD)]
    records = list(tasks.files_to_rows(options(), None, files))
    assert ("rejects", ("data/crash.txt", "unexpected error: RecursionError: maximum recursion depth exceeded", "analyse", "failed")) in records
    assert tables(records).count("articles") == 1


def test_an_input_error_raised_by_analysis_keeps_its_reason(monkeypatch):
    def analyse(self, document):
        raise InputError(document.input, "nothing left after cleaning")

    monkeypatch.setattr(Extractor, "analyse", analyse)
    records = list(tasks.files_to_rows(options(), None, [("file:/data/a.txt", GOOD)]))
    assert records == [(tasks.FILE_READ, ()), ("rejects", ("data/a.txt", "nothing left after cleaning", "analyse", "failed"))]


def test_a_crash_reading_a_file_keeps_what_was_read_before_it(monkeypatch):
    def documents(data, name, ingest):
        yield from real(data, name, ingest)
        raise MemoryError("decompression bomb")

    real = tasks.documents_from_bytes
    monkeypatch.setattr(tasks, "documents_from_bytes", documents)
    records = list(tasks.read_files(options(), [("file:/data/a.txt", GOOD), ("file:/data/b.txt", OTHER)]))
    assert [tag for tag, _ in records] == ["file", "document", "rejects", "file", "document", "rejects"]
    assert records[2][1] == ("data/a.txt", "unexpected error: MemoryError: decompression bomb", "ingest", "failed")


def test_the_model_loads_once_per_worker_not_per_partition_or_article(monkeypatch):
    monkeypatch.setattr(tasks, "_EXTRACTORS", {})
    loads = Count()
    for partition in ([("file:/data/a.txt", GOOD)], [("file:/data/b.txt", OTHER), ("file:/data/c.txt", GOOD)]):
        assert "articles" in tables(tasks.files_to_rows(options(), loads, partition))
    assert loads.value == 1


def test_a_partition_of_rejects_only_loads_no_model(monkeypatch):
    monkeypatch.setattr(tasks, "_EXTRACTORS", {})
    loads = Count()
    records = list(tasks.files_to_rows(options(), loads, [("file:/data/empty.txt", b"")]))
    assert tables(records) == [tasks.FILE_READ, "rejects"] and loads.value == 0
