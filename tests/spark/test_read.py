"""A file's bytes, read as Spark hands them over, give what ``saywho extract`` reads from disk."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from saywho.errors import InputError
from saywho.ingest import IngestOptions, iter_documents
from saywho.ingest.sources import bytes_kind
from saywho.spark.read import InputNames, documents_from_bytes
from spark.spark_support import build_corpus


def outcome(item):
    if isinstance(item, InputError):
        return (type(item).__name__, item.input, item.reason)
    return asdict(item)


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory):
    corpus = build_corpus(tmp_path_factory.mktemp("read"))
    return sorted(p for p in corpus.rglob("*") if p.is_file())


def test_every_kind_of_file_reads_the_same_from_bytes_as_from_disk(corpus_files):
    kinds = set()
    for path in corpus_files:
        data = path.read_bytes()
        kinds.add(bytes_kind(data, str(path)))
        from_disk = [outcome(item) for item in iter_documents([str(path)], IngestOptions())]
        from_bytes = [outcome(item) for item in documents_from_bytes(data, str(path), IngestOptions())]
        assert from_bytes == from_disk, path.name
    assert kinds == {"text", "html", "jsonl", "warc"}


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.txt", b"", ("InputError", "a.txt", "empty file")),
        ("a.txt", b"\x00\x01binary\x00", ("InputError", "a.txt", "binary data (NUL bytes), not text")),
        ("a.txt", b"word " * 30, "Document"),
        ("big.txt", b"x" * 201, ("InputError", "big.txt", "too large: 0.0 MB, limit 0.0 MB (see --max-bytes)")),
    ],
)
def test_bad_bytes_are_errors_naming_the_input(name, data, expected):
    options = IngestOptions(max_bytes=200, languages=())
    (item,) = documents_from_bytes(data, name, options)
    assert (type(item).__name__ if expected == "Document" else outcome(item)) == expected


def test_the_kind_comes_from_the_name_before_the_bytes():
    page = b"<html><body><p>hello</p></body></html>"
    assert bytes_kind(page, "hdfs://nn/news/page.txt.html") == "html"
    assert bytes_kind(page, "s3a://bucket/news/page") == "html"  # no telling suffix: sniffed
    assert bytes_kind(b'{"text": "x"}\n', "s3a://bucket/export.jsonl.gz") == "jsonl"
    assert bytes_kind(b"just words", "s3a://bucket/notes") == "text"


@pytest.mark.parametrize(
    ("pairs", "uri", "expected"),
    [
        ([("file:/data/news", "news")], "file:/data/news/local/a.txt", "news/local/a.txt"),
        ([("file:/data/news", "../data/news")], "file:/data/news/a.txt", "../data/news/a.txt"),
        ([("file:/data/news", "")], "file:/data/news/a.txt", "a.txt"),  # saywho extract . names files bare
        ([("file:/data/news/a.txt", "news/a.txt")], "file:/data/news/a.txt", "news/a.txt"),
        ([("file:/data/news", "news"), ("file:/data/news/wire", "w")], "file:/data/news/wire/a.txt", "w/a.txt"),
        ([("file:/data/news", "news")], "file:/data/newsroom/a.txt", "file:/data/newsroom/a.txt"),  # not under it
        ([], "hdfs://nn:8020/cc/a.warc.gz", "hdfs://nn:8020/cc/a.warc.gz"),
        ([("file:/", "/")], "file:/a.txt", "/a.txt"),
    ],
)
def test_spark_uris_get_back_the_names_the_user_gave(pairs, uri, expected):
    assert InputNames.of(pairs).name(uri) == expected
