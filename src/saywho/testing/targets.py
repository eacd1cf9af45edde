"""The fuzz targets: one hypothesis-driven function per entry point that takes outside data.

Both the bounded pytest run (test_entry_points.py) and the coverage-guided atheris
harness (tests/fuzz/fuzz_entry_point.py, through ``.hypothesis.fuzz_one_input``) run
these, so anything a long fuzz run finds replays as a test.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from saywho.testing import properties as p


@given(p.article_text, st.booleans(), st.booleans())
def clean(text, raw, keep_junk):
    p.check_clean(text, raw, keep_junk)


@given(p.article_text, st.booleans(), st.one_of(st.none(), st.sampled_from(["2016-05-03", "2017-07-12T08:00:00", "junk"])))
def extract(text, raw, published):
    p.check_extract(text, raw, published)


@given(st.one_of(st.binary(max_size=600), p.article_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 p.article_text.map(lambda t: t.encode("cp1252", "ignore")), p.article_text.map(lambda t: t.encode("utf-16"))))
def decode(data):
    p.check_decode(data)


@given(st.one_of(st.binary(max_size=400), st.lists(p.news_line, max_size=8).map(lambda ps: p.html_page("Title", ps)),
                 st.tuples(st.lists(p.news_line, max_size=5), st.integers(0, 4000)).map(lambda t: p.html_page("T", t[0])[: t[1]])))
def html(data):
    p.check_html(data)


_jsonl_line = st.one_of(
    st.fixed_dictionaries({"text": p.article_text}, optional={"id": st.one_of(st.integers(), st.text(max_size=5)),
                                                              "title": st.one_of(st.none(), st.integers(), p.news_line),
                                                              "published": st.one_of(st.none(), st.text(max_size=12))}).map(
        lambda r: json.dumps(r).encode()),
    st.fixed_dictionaries({"html": st.lists(p.news_line, max_size=4).map(lambda ps: p.html_page("T", ps).decode())}).map(
        lambda r: json.dumps(r).encode()),
    st.binary(max_size=80), st.sampled_from([b"[]", b"null", b"{}", b'{"text": 3}', b'{"html": null}', b"\xef\xbb\xbf{}"]),
)


@given(st.lists(_jsonl_line, max_size=8).map(b"\n".join), st.sampled_from([64, 256, 10_000]))
def jsonl(data, max_bytes):
    p.check_jsonl(data, max_bytes)


@given(p.warc_pages, st.booleans(), st.data())
def warc(pages, compressed, data):
    whole = p.warc_bytes(pages, compressed)
    p.check_truncated_warc(whole, data.draw(st.integers(0, len(whole))))
    position = data.draw(st.integers(0, len(whole) - 1))
    flipped = whole[:position] + bytes([whole[position] ^ data.draw(st.integers(1, 255))]) + whole[position + 1 :]
    p.check_warc(flipped)


@functools.lru_cache(maxsize=1)
def _scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="saywho-fuzz-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@given(st.binary(max_size=300), st.sampled_from(["", ".txt", ".html", ".jsonl", ".warc", ".gz", ".jsonl.gz", ".warc.gz"]))
def files(data, suffix):
    p.check_read_file(data, suffix, _scratch())


@given(p.date_expression, p.published_value)
def dates(expression, published):
    p.check_resolve_date(expression, published)


@given(p.search_text)
def query(text):
    p.check_search_terms(text)


@functools.lru_cache(maxsize=1)
def _corpus():
    from saywho.store import Store
    from web.web_corpus import fill_corpus

    store = Store.open(str(_scratch() / "corpus.db"))
    fill_corpus(store)
    atexit.register(store.close)
    return store


@given(st.sampled_from(p.SEARCH_FIELDS), p.search_text)
def search(field, value):
    p.check_search(_corpus(), field, value)


@given(p.hostile_articles(), p.output_text)
def table(article, text):
    p.check_for_rich(text)
    p.check_table(article)


@given(p.hostile_articles(), st.booleans())
def csv(article, raw):
    p.check_csv(article, raw)


@given(p.exported_lines())
def records(line):
    p.check_import_record(line)


#: Entry point name -> target, as scripts/fuzz.py and the harness name them.
TARGETS = {
    "clean": clean, "extract": extract, "decode": decode, "html": html, "jsonl": jsonl, "warc": warc,
    "files": files, "dates": dates, "query": query, "search": search, "table": table, "csv": csv, "records": records,
}
