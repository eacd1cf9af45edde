"""Web fixtures: a small corpus with a hostile article, served by the app (TestClient) or a real server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The article builders are shared with the store tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from store_builders import Quote, add, build_article  # noqa: E402

from saywho.store import Store  # noqa: E402

TOKEN = "test-token-0123456789"

HOSTILE_SPEAKER = "Dana <b>Reyes</b>"
HOSTILE_CONTENT = "<script>window.__pwned = 1; alert('pwned')</script> is all it takes"
HOSTILE_TITLE = 'Breaking <img src=x onerror="window.__pwned=2"> news'


def fill_corpus(store: Store) -> None:
    add(store, build_article(
        [Quote("Gen. Stephen Townsend", "Troop levels will stay where they are", descriptors=["commander"]),
         Quote("a spokesman", "We welcome the decision", kind="unnamed")],
        input="troops.txt", published="2016-05-01", publisher="Wire", title="Troop levels to hold"))
    add(store, build_article(
        [Quote("Townsend", "The fight is not over")], input="fight.txt", published="2016-08-12", publisher="Daily"))
    add(store, build_article(
        [Quote(HOSTILE_SPEAKER, HOSTILE_CONTENT), Quote(HOSTILE_SPEAKER, 'A <i>lesson</i> & "a warning"', type="mixed")],
        input="hostile.txt", published="2016-09-09", publisher="<i>Evil</i> Corp", title=HOSTILE_TITLE))
    add(store, build_article(
        [Quote("Jane Smith", f"Budget point number {n}") for n in range(25)],
        input="budget.txt", published="2015-03-03", publisher="Daily", title="The budget in 25 points"))


@pytest.fixture
def corpus_db(tmp_path) -> Iterator[str]:
    path = str(tmp_path / "web.db")
    with Store.open(path) as store:
        fill_corpus(store)
    yield path
