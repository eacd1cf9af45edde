"""The speakers list (order, filters, paging) and a speaker's page (descriptors, timeline,
who else is quoted, statement filters) through FastAPI's TestClient."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from saywho.store import Store
from saywho.web import create_app
from web.speaker_corpus import CROWD, HOSTILE_NAME, fill_speakers


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("speakers") / "speakers.db")
    with Store.open(db) as store:
        fill_speakers(store)
    with TestClient(create_app(db)) as test_client:
        yield test_client


def speaker_id(client, name: str) -> int:
    return next(r["id"] for r in client.get("/api/speakers", params={"name": name}).json()["results"])


def listed(html: str) -> list[str]:
    """Speaker names in the list's order."""
    return [unescape(n) for n in re.findall(r'<td><a href="/speakers/\d+">([^<]*)</a></td>', html)]


def links(html: str, rel: str) -> str:
    return unescape(re.search(rf'rel="{rel}" href="([^"]*)"', html).group(1))


def test_speakers_sort_by_latest_statement_both_ways(client):
    newest = listed(client.get("/speakers", params={"sort": "latest"}).text)
    assert newest[:3] == ["Bob Ray", "Dora Finch", "Ann Lee"]
    oldest = listed(client.get("/speakers", params={"sort": "latest", "dir": "asc"}).text)
    assert oldest[0] in CROWD and "Bob Ray" not in oldest


def test_a_sorted_column_heading_flips_the_order_and_keeps_the_filters(client):
    html = client.get("/speakers", params={"sort": "articles", "kind": "person", "min": "2"}).text
    heading = re.search(r'<th aria-sort="descending" class="sortable"><a href="([^"]*)">Articles ↓</a>', html)
    assert heading is not None
    assert dict(re.findall(r"(\w+)=(\w+)", unescape(heading.group(1)))) == {
        "kind": "person", "min": "2", "sort": "articles", "dir": "asc"}
    assert 'aria-sort="none" class="sortable"><a href="?kind=person&amp;min=2&amp;sort=statements&amp;dir=desc"' in html


def test_speakers_filter_by_minimum_statements_and_date_range(client):
    assert listed(client.get("/speakers", params={"min": "3"}).text) == ["Dora Finch", "Ann Lee", "Bob Ray"]
    in_2016 = client.get("/speakers", params={"since": "2016-01-01", "until": "2016-12-31"}).text
    assert listed(in_2016) == ["Dora Finch", "Ann Lee", "Bob Ray", HOSTILE_NAME]
    assert '<td class="num">1</td>' in in_2016  # Bob Ray: only his 2016 statement counts
    assert "<b>Ink</b>" not in in_2016


def test_speakers_paging_keeps_sort_and_filters(client):
    first = client.get("/speakers", params={"since": "2015", "until": "2015", "sort": "latest", "dir": "asc"}).text
    assert re.search(r'id="total">(\d+)<', first).group(1) == "24"
    following = links(first, "next")
    assert all(part in following for part in ("since=2015", "until=2015", "sort=latest", "dir=asc", "page=2"))
    second = client.get("/speakers" + following).text
    assert len(listed(second)) == 4 and set(listed(first)) | set(listed(second)) == set(CROWD)


@pytest.mark.parametrize(("params", "message"), [
    ({"min": "two"}, "minimum statements must be a whole number"),
    ({"sort": "name"}, "sort must be one of statements, articles, latest"),
    ({"dir": "sideways"}, "direction must be desc or asc"),
    ({"since": "last May"}, "since must be a date"),
])
def test_bad_list_options_are_a_clear_error_page(client, params, message):
    response = client.get("/speakers", params=params)
    assert response.status_code == 400 and message in unescape(response.text)


def test_speaker_descriptors_are_deduplicated_and_fragments_dropped(client):
    html = client.get(f"/speakers/{speaker_id(client, 'Ann Lee')}").text
    described = re.search(r'<ul class="descriptors">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>([^<]*) <span", described) == ["Foreign Minister"]
    assert '<span class="muted">2</span>' in described


def test_timeline_bins_follow_the_span(client):
    ann = client.get(f"/speakers/{speaker_id(client, 'Ann Lee')}").text
    assert "Statements per day" in ann and ann.count("<rect ") == 5  # 2 to 6 May 2016
    bob = client.get(f"/speakers/{speaker_id(client, 'Bob Ray')}").text
    assert "Statements per month" in bob and bob.count("<rect ") == 42  # January 2014 to June 2017
    # Each bar links to the statements it counts.
    assert 'href="?since=2016-05-01&amp;until=2016-05-31#statements"' in bob


def test_speaker_page_lists_who_is_quoted_in_the_same_articles(client):
    html = client.get(f"/speakers/{speaker_id(client, 'Ann Lee')}").text
    quoted = re.search(r'<ul class="quoted-with">(.*?)</ul>', html, re.S).group(1)
    assert [unescape(n) for n in re.findall(r'">([^<]*)</a> <span class="muted">1 article<', quoted)] == ["Bob Ray", HOSTILE_NAME]
    assert "<b>" not in quoted


def test_speaker_statements_filter_by_words_type_and_dates(client):
    ann = speaker_id(client, "Ann Lee")
    by_words = client.get(f"/speakers/{ann}", params={"q": "taxes"}).text
    assert re.search(r'id="matching">(\d+)<', by_words).group(1) == "2"
    by_type = client.get(f"/speakers/{ann}", params={"type": "indirect"}).text
    assert re.search(r'id="matching">(\d+)<', by_type).group(1) == "1" and "taxes were discussed" in by_type
    by_dates = client.get(f"/speakers/{ann}", params={"since": "2016-05-03", "until": "2016-05-31"}).text
    assert re.search(r'id="matching">(\d+)<', by_dates).group(1) == "1"
    assert client.get(f"/speakers/{ann}", params={"since": "soon"}).status_code == 400


def test_speaker_statement_paging_keeps_the_filters(client):
    dora = speaker_id(client, "Dora Finch")
    html = client.get(f"/speakers/{dora}", params={"q": "levy", "type": "direct"}).text
    assert re.search(r'id="matching">(\d+)<', html).group(1) == "21"
    following = links(html, "next")
    assert all(part in following for part in ("q=levy", "type=direct", "page=2"))
    second = client.get(f"/speakers/{dora}{following}").text
    assert second.count("<tr data-statement=") == 1 and "Nothing more" not in second


def test_the_api_lists_speakers_with_the_same_order_and_filters(client):
    listed = client.get("/api/speakers", params={"sort": "latest", "min_statements": 2, "limit": 2}).json()
    assert [(r["name"], r["latest"]) for r in listed["results"]] == [("Bob Ray", "2017-06-01"), ("Dora Finch", "2016-06-01")]
    assert client.get(f"/api/speakers/{speaker_id(client, 'Bob Ray')}").json()["latest"] == "2017-06-01"
    refused = client.get("/api/speakers", params={"until": "someday"})
    assert refused.status_code == 400 and refused.json()["detail"].startswith("until must be a date")
    assert client.get("/api/speakers", params={"sort": "name"}).status_code == 422
