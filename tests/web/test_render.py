import pytest

from saywho.models import Article, Attribution, TextSpan
from saywho.web.render import segments, timeline


def attribution(text, content, cue=None):
    return Attribution("direct", TextSpan.from_ranges(text, content), TextSpan.from_ranges(text, cue) if cue else None, None, None)


TEXT = '"A," he said, "B." Then nothing.'


@pytest.mark.parametrize(
    ("attributions", "expected"),
    [
        ([], [(TEXT, None, None)]),
        # A quote interrupted by its cue: two content pieces around the cue.
        ([attribution(TEXT, [(0, 4), (14, 18)], [(8, 12)])],
         [('"A,"', "content", 0), (" he ", None, None), ("said", "cue", 0), (", ", None, None), ('"B."', "content", 0),
          (" Then nothing.", None, None)]),
        # Overlapping attributions: the first one keeps the overlap.
        ([attribution(TEXT, [(0, 10)]), attribution(TEXT, [(5, 18)])],
         [('"A," he sa', "content", 0), ('id, "B."', "content", 1), (" Then nothing.", None, None)]),
        # Offsets beyond the text are clipped, not an error.
        ([attribution(TEXT, [(19, 500)])], [('"A," he said, "B." ', None, None), ("Then nothing.", "content", 0)]),
    ],
)
def test_segments_cover_the_text_exactly_once(attributions, expected):
    article = Article(input="t", text=TEXT, attributions=attributions)
    got = [(s.text, s.role, s.attribution) for s in segments(article)]
    assert got == expected
    assert "".join(s.text for s in segments(article)) == TEXT


def test_timeline_fills_gaps_with_zero_bars():
    drawn = timeline({"2016-01-04": 2, "2016-01-07": 4})
    assert [(b.label, b.count) for b in drawn.bars] == [("2016-01-04", 2), ("2016-01-05", 0), ("2016-01-06", 0), ("2016-01-07", 4)]
    assert drawn.bars[-1].height > drawn.bars[0].height > 0 == drawn.bars[1].height


@pytest.mark.parametrize(("days", "unit", "bars"), [
    ({"2016-05-31": 1}, "day", 1),                      # one day of statements is one bar, not a month
    ({"2016-05-01": 1, "2016-05-31": 1}, "day", 31),
    ({"2016-05-01": 1, "2016-08-12": 1}, "week", 16),    # weeks of 25 April to 8 August (Mondays)
    ({"2016-01-01": 1, "2016-12-31": 1}, "week", 53),    # a year: 53 weeks fit in 60 bars
    ({"2016-01-01": 1, "2017-12-31": 1}, "month", 24),
    ({"2004-02-01": 3, "2016-10-01": 5}, "year", 13),
])
def test_timeline_bins_suit_the_span(days, unit, bars):
    drawn = timeline(days)
    assert (drawn.unit, len(drawn.bars)) == (unit, bars)
    assert sum(b.count for b in drawn.bars) == sum(days.values())


def test_each_bar_covers_its_days_without_gaps():
    drawn = timeline({"2016-01-30": 1, "2016-03-02": 2, "2017-12-31": 1})
    assert drawn.unit == "month"
    assert (drawn.bars[0].since, drawn.bars[0].until) == ("2016-01-01", "2016-01-31")
    assert (drawn.bars[1].since, drawn.bars[1].until) == ("2016-02-01", "2016-02-29")
    assert [b.count for b in drawn.bars[:3]] == [1, 0, 2]


def test_no_dated_statements_means_no_timeline():
    assert timeline({}) is None
