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
    drawn = timeline([{"month": "2016-01", "attributions": 2}, {"month": "2016-04", "attributions": 4}])
    assert [(b.label, b.count) for b in drawn.bars] == [("2016-01", 2), ("2016-02", 0), ("2016-03", 0), ("2016-04", 4)]
    assert drawn.bars[-1].height > drawn.bars[0].height > 0 == drawn.bars[1].height


def test_long_timelines_are_drawn_by_year():
    drawn = timeline([{"month": "2004-02", "attributions": 3}, {"month": "2016-10", "attributions": 5}])
    assert drawn.unit == "year" and len(drawn.bars) == 13


def test_no_dated_statements_means_no_timeline():
    assert timeline([]) is None
