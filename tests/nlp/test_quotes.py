"""Quote marks as they appear in real news: paired, nested, unbalanced, over paragraphs."""

import pytest

from saywho.nlp.quotes import find_quotes


def quoted(text):
    return [(text[q.start : q.end], q.closed) for q in find_quotes(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "we will win" today.', [('"we will win"', True)]),
        ("“A,” he said, “B.”", [("“A,”", True), ("“B.”", True)]),
        ("‘Fight far from over’: troops to stay", [("‘Fight far from over’", True)]),
        ("« Bonjour », dit-il.", [("« Bonjour »", True)]),
        ("''I think so,'' he said.", [("''I think so,''", True)]),
        ("„Wir schaffen das“, sagte sie.", [("„Wir schaffen das“", True)]),
        # a closing mark typed as the opener (CMS output)
        ("”Mr. Smith is wrong.” ― Ana", [("”Mr. Smith is wrong.”", True)]),
        # apostrophes are not quotes
        ("Don’t go to O’Brien’s bar", []),
        ("The ISIS’ defeat was near", []),
        ("the Clintons' house and the Bushes' ranch", []),
    ],
)
def test_finds_quotes(text, expected):
    assert quoted(text) == expected


def test_unclosed_quote_stops_at_its_paragraph():
    text = "An “unclosed quote here.\n\nThe next paragraph is not quoted."
    (quote,) = find_quotes(text)
    assert not quote.closed
    assert text[quote.start : quote.end] == "“unclosed quote here."


def test_quote_over_paragraphs_reopens_each_paragraph():
    text = "“First part.\n\n“Second part,” she said.\n\nAfter."
    (quote,) = find_quotes(text)
    assert quote.closed
    assert [text[s:e] for s, e in quote.ranges] == ["“First part.", "“Second part,”"]


@pytest.mark.parametrize("text", ['"', "“", "”", "'''", '"a" "b', "“““”””", "‘’‘", "\n\n\"\n\n", ""])
def test_stray_marks_never_raise(text):
    for quote in find_quotes(text):
        assert 0 <= quote.start < quote.end <= len(text)
