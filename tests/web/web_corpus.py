"""A small web-test corpus with a hostile article (script tags and HTML in quotes and metadata)."""

from __future__ import annotations

from saywho.store import Store
from store.store_builders import Quote, add, build_article

TOKEN = "test-token-0123456789"

HOSTILE_SPEAKER = "Dana <b>Reyes</b>"
HOSTILE_CONTENT = "<script>window.__pwned = 1; alert('pwned')</script> is all it takes"
HOSTILE_TITLE = 'Breaking <img src=x onerror="window.__pwned=2"> news'
#: Only http(s) URLs may become links (issue 21, item 11).
HOSTILE_URL = "javascript:alert(10)"


def fill_corpus(store: Store) -> None:
    add(store, build_article(
        [Quote("Gen. Stephen Townsend", "Troop levels will stay where they are", descriptors=["commander"]),
         Quote("a spokesman", "We welcome the decision", kind="unnamed")],
        input="troops.txt", published="2016-05-01", publisher="Wire", title="Troop levels to hold"))
    add(store, build_article(
        [Quote("Townsend", "The fight is not over")], input="fight.txt", published="2016-08-12", publisher="Daily"))
    hostile = build_article(
        [Quote(HOSTILE_SPEAKER, HOSTILE_CONTENT), Quote(HOSTILE_SPEAKER, 'A <i>lesson</i> & "a warning"', type="mixed")],
        input="hostile.txt", published="2016-09-09", publisher="<i>Evil</i> Corp", title=HOSTILE_TITLE)
    hostile.url = HOSTILE_URL
    add(store, hostile)
    add(store, build_article(
        [Quote("Jane Smith", f"Budget point number {n}") for n in range(25)],
        input="budget.txt", published="2015-03-03", publisher="Daily", title="The budget in 25 points"))
