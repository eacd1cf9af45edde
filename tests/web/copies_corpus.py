"""A corpus with wire copies: one agency story run by three outlets, and a story of its own."""

from __future__ import annotations

from saywho.store import Store
from store.store_builders import Quote, add, story

#: What the agency story's copies all carry.
WIRE_QUOTE = "The harbour will reopen in spring"


def fill_copies(store: Store) -> None:
    quotes = [Quote("Mayor Ann Lee", WIRE_QUOTE)]
    add(store, story(1, quotes, publisher="Agency"))
    add(store, story(1, quotes, publisher="Gazette", edit=" Reporting by staff."))
    add(store, story(1, quotes, publisher="Herald", edit=" Updated with new figures."))
    add(store, story(2, [Quote("Mayor Ann Lee", "Ferries will run every hour")], publisher="Herald"))
