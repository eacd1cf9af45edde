"""Fixing a speaker through the JSON API and the statement page's forms (TestClient)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from saywho.store import Store
from saywho.web import create_app
from web.web_corpus import HOSTILE_SPEAKER, TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(corpus_db):
    with TestClient(create_app(corpus_db, token=TOKEN)) as test_client:
        yield test_client


def statement(client, words: str) -> dict:
    return client.get("/api/search", params={"q": words}).json()["results"][0]


def speaker_id(client, name: str) -> int:
    return next(r["id"] for r in client.get("/api/speakers", params={"name": name}).json()["results"])


def logged_in_csrf(client, statement_id: int) -> str:
    client.post("/login", data={"token": TOKEN, "next": "/"})
    page = client.get(f"/statements/{statement_id}").text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_suggestions_are_bounded_prefix_first_and_json(client):
    found = client.get("/api/speakers/suggest", params={"q": "s"}).json()
    assert found[0]["name"] == "Stephen Townsend"  # starts with "s": first
    assert {s["name"] for s in found[1:]} == {"Jane Smith", HOSTILE_SPEAKER}  # hold an "s"
    assert set(found[0]) == {"id", "name", "kind", "articles"}
    assert client.get("/api/speakers/suggest", params={"q": "reyes"}).json()[0]["name"] == HOSTILE_SPEAKER
    assert client.get("/api/speakers/suggest", params={"q": "%"}).json() == []  # a LIKE wildcard is a character
    assert client.get("/api/speakers/suggest", params={"q": "s", "limit": 500}).status_code == 422
    assert client.get("/api/speakers/suggest").status_code == 422


def test_the_api_reassigns_to_a_known_or_a_new_speaker(client):
    budget = statement(client, "number 3")
    townsend = speaker_id(client, "Townsend")
    moved = client.put(f"/api/statements/{budget['id']}/speaker", json={"speaker_id": townsend}, headers=AUTH)
    assert moved.status_code == 200 and moved.json()["speaker"] == "Stephen Townsend"
    created = client.put(f"/api/statements/{budget['id']}/speaker", json={"name": "Treasury", "kind": "organization"},
                         headers=AUTH)
    assert created.json()["speaker"] == "Treasury" and created.json()["speaker_kind"] == "organization"
    assert statement(client, "number 4")["speaker"] == "Jane Smith"  # its neighbours keep theirs
    for body, message in (({}, "give either speaker_id or name"), ({"name": "X"}, "needs a kind"),
                          ({"speaker_id": 1, "name": "X", "kind": "group"}, "give either")):
        refused = client.put(f"/api/statements/{budget['id']}/speaker", json=body, headers=AUTH)
        assert refused.status_code == 422 and message in refused.json()["detail"]
    unknown = client.put(f"/api/statements/{budget['id']}/speaker", json={"speaker_id": 99999}, headers=AUTH)
    assert unknown.status_code == 400 and unknown.json()["detail"] == "no speaker 99999"
    assert client.put(f"/api/statements/{budget['id']}/speaker", json={"speaker_id": townsend}).status_code == 401
    schema = client.get("/openapi.json").json()
    assert "put" in schema["paths"]["/api/statements/{statement_id}/speaker"]
    assert "/api/speakers/suggest" in schema["paths"]


def test_the_statement_page_form_fixes_the_speaker_and_the_article_page_shows_it(client, corpus_db):
    troops = statement(client, "Troop levels")
    assert "Fix the speaker" not in client.get(f"/statements/{troops['id']}").text  # not logged in
    csrf = logged_in_csrf(client, troops["id"])
    html = client.get(f"/statements/{troops['id']}").text
    assert 'data-suggest="/api/speakers/suggest"' in html
    assert client.post(f"/statements/{troops['id']}/speaker", data={"speaker": "Jane Smith", "csrf": "forged"}).status_code == 403
    # Typed without picking a suggestion: the one speaker of that name.
    done = client.post(f"/statements/{troops['id']}/speaker", data={"speaker": "jane smith", "csrf": csrf},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/statements/{troops['id']}"
    assert statement(client, "Troop levels")["speaker"] == "Jane Smith"
    assert "(speaker fixed by hand)" in client.get(f"/statements/{troops['id']}").text
    assert "(speaker fixed by hand)" not in client.get(f"/statements/{statement(client, 'number 3')['id']}").text
    article = client.get(f"/articles/{troops['article_id']}").text
    assert 'data-speaker="Jane Smith"' in article and 'data-speaker="a spokesman"' in article
    ambiguous = client.post(f"/statements/{troops['id']}/speaker", data={"speaker": "e", "csrf": csrf})
    assert ambiguous.status_code == 400 and "choose one from the suggestions" in ambiguous.text
    client.post(f"/statements/{troops['id']}/speaker", data={"name": "US Army", "kind": "organization", "csrf": csrf})
    assert statement(client, "Troop levels")["speaker"] == "US Army"
    with Store.open(corpus_db) as store:
        assert [e["op"] for e in store.curation_log()] == ["reassign", "reassign"]
