"""Reading inputs: text files with any encoding, HTML, JSONL, folders, globs, stdin;
every bad input an InputError in its place while the rest goes on."""

from __future__ import annotations

import codecs
import gzip
import io
import shutil
import sys

import pytest

from conftest import FIXTURES
from saywho.errors import InputError
from saywho.ingest import IngestOptions, SkippedInput, iter_documents
from saywho.ingest.decode import decode_text
from saywho.models import Document

INGEST = FIXTURES / "ingest"
ALL_LANGUAGES = IngestOptions(languages=())
ENGLISH = "The ferry will keep running, the council said on Monday after a long public meeting."


def read(inputs, options=ALL_LANGUAGES):
    return list(iter_documents([str(i) for i in inputs], options))


@pytest.mark.parametrize(
    "data, expected",
    [
        ("Café au lait, naïve résumé".encode(), "Café au lait, naïve résumé"),
        (codecs.BOM_UTF8 + "Zürich".encode(), "Zürich"),
        ("Zürich said the mayor".encode("utf-16"), "Zürich said the mayor"),
        ("Der Bürgermeister sagte, die Brücke über den Fluss wird gesperrt.".encode("cp1252"), "Der Bürgermeister sagte, die Brücke über den Fluss wird gesperrt."),
        ("Fares rose to £12 this year.".encode("latin-1"), "Fares rose to £12 this year."),
        ("Президент заявил в понедельник, что мост будет закрыт на три недели.".encode("cp1251"), "Президент заявил в понедельник, что мост будет закрыт на три недели."),
    ],
)
def test_decode_text_finds_the_encoding(data, expected):
    assert decode_text(data, "x") == expected


@pytest.mark.parametrize(
    "data, reason_part",
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"PK\x03\x04\x00\x00binary\x00zip", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_decode_text_refuses_what_is_not_text(data, reason_part):
    with pytest.raises(InputError) as caught:
        decode_text(data, "bad.bin")
    assert caught.value.input == "bad.bin" and reason_part in caught.value.reason


def test_plain_text_file_becomes_a_text_document(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    [doc] = read([path])
    assert isinstance(doc, Document)
    assert (doc.input, doc.text, doc.origin, doc.language) == (str(path), ENGLISH, "text", "en")


def test_bad_inputs_are_errors_in_place_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ENGLISH, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    big = tmp_path / "big.txt"
    big.write_text(ENGLISH * 10, encoding="utf-8")
    options = IngestOptions(languages=(), max_bytes=500)
    results = read([empty, good, binary, tmp_path / "missing.txt", big, good], options)
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["InputError", "Document", "InputError", "InputError", "InputError", "Document"]
    reasons = [r.reason for r in results if isinstance(r, InputError)]
    assert "empty" in reasons[0]
    assert "binary" in reasons[1]
    assert "no such file" in reasons[2]
    assert "too large" in reasons[3]


def test_folders_are_walked_recursively_in_name_order_skipping_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(ENGLISH, encoding="utf-8")
    names = [r.input for r in read([tmp_path])]
    assert names == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "2.txt")]
    flat = [r.input for r in read([tmp_path], IngestOptions(languages=(), recursive=False))]
    assert flat == [str(tmp_path / "a.txt")]


def test_globs_expand_and_a_pattern_matching_nothing_is_an_error(tmp_path):
    for name in ("x1.txt", "x2.txt", "y.txt"):
        (tmp_path / name).write_text(ENGLISH, encoding="utf-8")
    assert [r.input for r in read([f"{tmp_path}/x*.txt"])] == [str(tmp_path / "x1.txt"), str(tmp_path / "x2.txt")]
    [error] = read([f"{tmp_path}/nothing*.txt"])
    assert isinstance(error, InputError) and "no file matches" in error.reason


def test_gzip_text_is_read_and_a_truncated_gzip_is_an_error(tmp_path):
    packed = gzip.compress(((ENGLISH + "\n") * 200).encode())
    (tmp_path / "story.txt.gz").write_bytes(packed)
    (tmp_path / "cut.txt.gz").write_bytes(packed[: len(packed) // 2])
    doc, error = read([tmp_path / "story.txt.gz", tmp_path / "cut.txt.gz"])
    assert isinstance(doc, Document) and doc.text.startswith(ENGLISH)
    assert isinstance(error, InputError) and "truncated gzip" in error.reason


def test_stdin_is_read_when_the_input_is_a_dash(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ENGLISH.encode())))
    [doc] = read(["-"])
    assert (doc.input, doc.text) == ("<stdin>", ENGLISH)


def test_stdin_html_is_sniffed_and_extracted(monkeypatch):
    html = (INGEST / "article.html").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(html)))
    [doc] = read(["-"])
    assert doc.origin == "html" and doc.title == "Library reopens after flood repairs"


def test_html_page_gives_title_body_and_metadata():
    [doc] = read([INGEST / "article.html"])
    assert doc.origin == "html"
    assert doc.title == "Library reopens after flood repairs"
    assert doc.text.startswith("Library reopens after flood repairs\n\nThe central library in Riverside")
    assert "said the head librarian, Owen Ashby" in doc.text
    for boilerplate in ("Most read", "Bridge closed", "Privacy policy", "Weather"):
        assert boilerplate not in doc.text
    assert doc.published == "2023-10-04"
    assert doc.authors == ["Priya Natarajan"]
    assert doc.publisher == "The Riverside Courier"
    assert doc.url == "https://courier.example.org/news/library-reopens"
    assert doc.language == "en"


def test_html_is_recognised_by_content_without_an_extension(tmp_path):
    path = tmp_path / "page"
    shutil.copy(INGEST / "article.html", path)
    [doc] = read([path])
    assert doc.origin == "html"


@pytest.mark.parametrize(
    "html, reason_part",
    [
        (b"<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>", "no article text"),
        (b"<html><body>\x00\x01\x02 binary pretending</body></html>", "binary"),
    ],
)
def test_html_without_an_article_is_an_error(tmp_path, html, reason_part):
    path = tmp_path / "page.html"
    path.write_bytes(html)
    [error] = read([path])
    assert isinstance(error, InputError) and reason_part in error.reason


def test_broken_html_still_gives_its_text(tmp_path):
    path = tmp_path / "broken.html"
    path.write_text(
        "<html><body><article><p>" + ENGLISH + " <b>Unclosed bold <i>and italics<p>" + ENGLISH + "</article>",
        encoding="utf-8",
    )
    [doc] = read([path])
    assert isinstance(doc, Document) and "the council said on Monday" in doc.text


def test_non_english_is_skipped_with_a_reason_unless_asked_for():
    [skipped] = read([INGEST / "article_fr.html"], IngestOptions())
    assert isinstance(skipped, SkippedInput)
    assert "'fr'" in skipped.reason and "--language fr" in skipped.reason
    [kept] = read([INGEST / "article_fr.html"], IngestOptions(languages=("en", "fr")))
    assert isinstance(kept, Document) and kept.language == "fr"


def test_jsonl_records_become_documents_and_bad_lines_errors():
    results = read([INGEST / "records.jsonl"])
    names = [r.input for r in results]
    base = str(INGEST / "records.jsonl")
    assert names == [f"{base}#r1", f"{base}#r2", f"{base}#line-3", f"{base}#r4", f"{base}#line-5", f"{base}#line-7"]
    r1, r2, bad_json, no_body, not_object, unnamed = results
    assert (r1.origin, r1.title, r1.published, r1.url) == ("record", "Bakery wins regional prize", "2024-02-01", "https://example.org/bakery")
    assert r1.text.startswith("Bakery wins regional prize\n\nA family bakery")
    assert r2.origin == "html" and r2.title == "Market moves to square" and "said trader Lena Brooks" in r2.text
    assert "invalid JSON" in bad_json.reason
    assert "neither 'text' nor 'html'" in no_body.reason
    assert "JSON object" in not_object.reason
    assert isinstance(unnamed, Document) and unnamed.origin == "record"


def test_gzipped_jsonl_is_read(tmp_path):
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(gzip.compress((INGEST / "records.jsonl").read_bytes()))
    assert sum(isinstance(r, Document) for r in read([path])) == 3


def test_a_50_mb_page_is_refused_by_default_without_being_read(tmp_path):
    path = tmp_path / "huge.html"
    with path.open("wb") as stream:
        stream.truncate(50_000_000)  # sparse: costs no disk and no time
    [error] = read([path], IngestOptions())
    assert isinstance(error, InputError) and "too large: 50.0 MB" in error.reason
