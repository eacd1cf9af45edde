"""When a statement was made."""

import pytest

import saywho
from saywho.nlp.dates import resolve_date

#: These pin the parse-based rules' own behaviour: the fast engine, asked for by name.
RULES = saywho.Options(engine="rules")


@pytest.mark.parametrize(
    "expression, published, expected",
    [
        ("Tuesday", "2017-07-11", "2017-07-11"),  # published on a Tuesday: that day
        ("on Tuesday", "2017-07-13", "2017-07-11"),
        ("Monday", "2024-03-06", "2024-03-04"),
        ("yesterday", "2024-03-06", "2024-03-05"),
        ("March 1", "2024-03-06", "2024-03-01"),
        ("Tuesday", None, None),  # no publication date: kept as text only
        ("next year", "2024-03-06", None),  # after publication: not a date it was said
    ],
)
def test_resolves_relative_dates_against_publication(expression, published, expected):
    assert resolve_date(expression, published) == expected


def test_date_on_the_cue_is_when_it_was_said():
    (a,) = saywho.extract("The mayor said on Monday that the bridge would open.", published="2024-03-06", options=RULES).attributions
    assert (a.when.text, a.when.date) == ("on Monday", "2024-03-04")


def test_date_inside_the_content_is_not_when_it_was_said():
    (a,) = saywho.extract("The mayor said that the bridge opened in 2014.", published="2024-03-06", options=RULES).attributions
    assert a.when is None
