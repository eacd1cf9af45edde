"""A corpus for the speaker pages: a minister quoted over five days with messy descriptors,
an adviser quoted over three and a half years, a hostile name, a
spokeswoman with 22 statements (two pages), and 24 people quoted once
in 2015 (more than one page of the speakers list)."""

from __future__ import annotations

from saywho.store import Store
from store.store_builders import Quote, add, build_article

HOSTILE_NAME = "Eve <b>Ink</b>"

FIRST = "Alma Boris Carla Dmitri Edna Felix Greta Hugo Irma Jonas Kira Lars Mona Nils Olga Piet Rosa Sven Tina Udo Vera Wim Xena Yuri".split()
LAST = "Stone Frost Vance Moreau Quill Hardy Lund Keller Ortiz Brandt Novak Sato Ferro Dahl Iqbal Varga Soto Berg Kahn Roth Falk Nagy Olsen Pike".split()
#: The 24 people quoted once each in 2015.
CROWD = [f"{first} {last}" for first, last in zip(FIRST, LAST, strict=True)]


def fill_speakers(store: Store) -> None:
    add(store, build_article(
        [Quote("Ann Lee", "Taxes will not rise this year", descriptors=["Foreign Minister", "Tory co", "bill"]),
         Quote("Ann Lee", "The budget is balanced"),
         Quote("Bob Ray", "The minister is wrong about taxes", descriptors=["adviser"])],
        input="budget.txt", published="2016-05-02", publisher="Daily", title="Minister on the budget"))
    add(store, build_article(
        [Quote("Ann Lee", "taxes were discussed", descriptors=["foreign minister"], type="indirect"),
         Quote(HOSTILE_NAME, "<script>window.__pwned = 3</script>")],
        input="taxes.txt", published="2016-05-06", publisher="Wire", title="Taxes again"))
    add(store, build_article([Quote("Bob Ray", "It started here")], input="early.txt", published="2014-01-10", publisher="Daily"))
    add(store, build_article([Quote("Bob Ray", "It ends here")], input="late.txt", published="2017-06-01", publisher="Daily"))
    add(store, build_article([Quote("Dora Finch", f"The levy, point {n}") for n in range(21)] + [Quote("Dora Finch", "Nothing more")],
                             input="levy.txt", published="2016-06-01", publisher="Daily", title="The levy"))
    add(store, build_article([Quote(name, f"Point {n}") for n, name in enumerate(CROWD)],
                             input="crowd.txt", published="2015-03-03", publisher="Wire", title="Voices"))
