"""Issue 21, items 8 and 9: one date parser for every entry point. ISO dates in any ISO
form are accepted and written back as YYYY-MM-DD; a year or month where a range makes
sense; impossible dates are a clear error. A record's date that cannot be read is kept
as written and said once per input, and its publisher and authors reach the output."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hardening.test_server import db_target  # noqa: F401  (the filled corpus on SQLite or PostgreSQL)
from saywho.cli import app
from saywho.isodates import parse_date
from saywho.store import SearchQuery, Store, StoreError
from saywho.web import create_app
from store.store_builders import BACKENDS
from web.web_corpus import TOKEN, fill_corpus

runner = CliRunner()
SAID = '"We will rebuild the bridge," Mayor Jane Ortiz said on Tuesday.'


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def corpus_db(tmp_path) -> str:
    db = str(tmp_path / "corpus.db")
    with Store.open(db) as store:
        fill_corpus(store)
    return db


@pytest.mark.parametrize("given, iso", [
    ("2024-05-02", "2024-05-02"), ("20240502", "2024-05-02"), ("2024-W18-4", "2024-05-02"),
    (" 2024-05-02 ", "2024-05-02"), ("2024-05-02T23:10:00+02:00", "2024-05-02"),
])
def test_iso_dates_in_any_iso_form_are_written_back_as_iso(given, iso):
    assert parse_date(given) == iso


@pytest.mark.parametrize("given, start, end", [
    ("2019", "2019-01-01", "2019-12-31"), ("2024-02", "2024-02-01", "2024-02-29"), ("2019-02", "2019-02-01", "2019-02-28"),
])
def test_a_year_or_a_month_is_a_range_where_a_range_makes_sense(given, start, end):
    assert (parse_date(given, bound="start"), parse_date(given, bound="end")) == (start, end)
    with pytest.raises(ValueError):
        parse_date(given)  # a publication date is a day


@pytest.mark.parametrize("given", ["2020-13-45", "2005-02-30", "2019-00", "0000", "03/02/2024", "yesterday", "", "2019-1"])
def test_impossible_and_non_iso_dates_are_errors_that_say_what_is_wanted(given):
    with pytest.raises(ValueError, match="is not a date like 2016-05-31"):
        parse_date(given, bound="start")


def test_search_refuses_impossible_dates_as_usage_errors(corpus_db):
    result = run("search", "election", "--db", corpus_db, "--since", "2020-13-45")
    assert result.exit_code == 2
    assert result.stderr.strip() == "saywho: error: since must be a date like 2016-05-31 (or 2016-05, 2016), not '2020-13-45'"


@pytest.mark.parametrize("db_target", BACKENDS, indirect=True)
def test_search_takes_a_year_as_a_range(db_target):  # noqa: F811  (db_target is the imported fixture)
    with Store.open(db_target) as store:
        everything = store.search(SearchQuery(limit=100)).total
        in_2016 = store.search(SearchQuery(since="2016", until="2016", limit=100)).total
        in_2016_by_day = store.search(SearchQuery(since="2016-01-01", until="2016-12-31", limit=100)).total
    assert 0 < in_2016 == in_2016_by_day < everything


def test_the_api_refuses_impossible_dates_and_takes_a_year(corpus_db):
    with TestClient(create_app(corpus_db, token=TOKEN)) as client:
        bad = client.get("/api/search", params={"since": "2005-02-30"})
        assert bad.status_code == 400 and "2005-02-30" in bad.json()["detail"]
        assert client.get("/api/search.csv", params={"until": "2019-13"}).status_code == 400
        assert client.get("/api/search", params={"since": "2016"}).status_code == 200


def test_search_query_validation_raises_a_store_error():
    with pytest.raises(StoreError):
        SearchQuery(until="2005-02-30").validate()


@pytest.mark.parametrize("given", ["20240502", "2024-W18-4"])
def test_published_option_is_written_back_as_iso(tmp_path, given):
    article = tmp_path / "a.txt"
    article.write_text(SAID, encoding="utf-8")
    result = run("extract", str(article), "--published", given, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["published"] == "2024-05-02"
    # ...so "on Tuesday" resolves against the right day: the Tuesday before Thursday 2024-05-02.
    assert record["attributions"][0]["when"]["date"] == "2024-04-30"


def test_published_option_refuses_impossible_dates(tmp_path):
    result = run("extract", "-", "--published", "2024-02-30", input=SAID)
    assert result.exit_code == 2 and "--published '2024-02-30' is not a YYYY-MM-DD date" in result.stderr


# --- 9. records -------------------------------------------------------------------------


def records(tmp_path, *published: str) -> str:
    path = tmp_path / "records.jsonl"
    lines = [json.dumps({"id": f"r{n}", "text": SAID, "published": date, "publisher": "The Gazette",
                         "authors": ["Ann Lee", "Bo Chan"]}) for n, date in enumerate(published)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_record_keeps_its_publisher_and_authors(tmp_path):
    result = run("extract", records(tmp_path, "2024-05-02"), "--format", "jsonl")
    record = json.loads(result.stdout)
    assert (record["publisher"], record["authors"]) == ("The Gazette", ["Ann Lee", "Bo Chan"])


def test_a_records_language_is_kept_when_the_text_is_too_short_to_tell(tmp_path):
    path = tmp_path / "short.jsonl"
    path.write_text(json.dumps({"text": '"Yes," she said.', "language": "en"}) + "\n", encoding="utf-8")
    assert json.loads(run("extract", str(path), "--format", "jsonl").stdout)["language"] == "en"


def test_a_records_iso_date_is_written_back_as_iso_and_resolves_relative_dates(tmp_path):
    result = run("extract", records(tmp_path, "20240502"), "--format", "jsonl")
    record = json.loads(result.stdout)
    assert record["published"] == "2024-05-02" and record["attributions"][0]["when"]["date"] == "2024-04-30"
    assert "warning" not in result.stderr


def test_an_unreadable_record_date_is_kept_and_said_once_per_input(tmp_path):
    source = records(tmp_path, "03/02/2024", "04/02/2024", "2024-05-02")
    result = run("extract", source, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    published = [json.loads(line)["published"] for line in result.stdout.splitlines()]
    assert published == ["03/02/2024", "04/02/2024", "2024-05-02"]
    (warning,) = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warning.startswith(f"saywho: warning: {source}#r0: published '03/02/2024' is not an ISO date")


def test_ingest_says_the_unreadable_date_too(tmp_path):
    result = run("ingest", records(tmp_path, "03/02/2024", "04/02/2024"), "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 0
    assert sum("published '03/02/2024' is not an ISO date" in line for line in result.stderr.splitlines()) == 1


def test_authors_of_the_wrong_shape_are_a_bad_record(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": SAID, "authors": [1, 2]}) + "\n", encoding="utf-8")
    result = run("extract", str(path), "--format", "jsonl")
    assert result.exit_code == 1 and "field 'authors' must be a list of names" in result.stderr
