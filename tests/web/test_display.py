"""What the pages compute before drawing: publishers' names, a statement in its sentence with
the search words marked, and statements per week."""

from __future__ import annotations

import pytest

from saywho.web.display import in_context, mark, publisher_name, term_pattern
from saywho.web.render import timeline


@pytest.mark.parametrize(
    ("site", "name"),
    [
        ("BBC News - Home", "BBC News"),
        ("Home | Reuters", "Reuters"),
        ("World news | The Guardian", "The Guardian"),
        ("News, sport and opinion from the Guardian's US edition | The Guardian", "The Guardian"),
        ("Al Jazeera – Breaking News, World News and Video from Al Jazeera", "Al Jazeera"),
        ("CNN International - Breaking News, US News, World News and Video", "CNN International"),
        ("NPR : National Public Radio : News & Analysis, World, US, Music & Arts", "NPR"),
        ("  The   Anglo-Celt  ", "The Anglo-Celt"),  # a hyphen inside a name is no separator
        ("Daily", "Daily"),
        ("News", "News"),  # nothing but a tagline: kept as it is
        (None, None),
    ],
)
def test_a_publisher_is_shown_without_its_site_tagline(site, name):
    assert publisher_name(site) == name


def shown(parts):
    return "".join(f"[{p.text}]" if p.hit else p.text for p in parts)


def row(before, content, after):
    return {"content": content.strip('"'), "context_before": before, "context_content": content, "context_after": after}


def test_a_statement_is_cut_to_its_sentence():
    found = in_context(row("It rained. Gen. J. Smith, who leads the army, said ", '"troops will stay"',
                           ' on Monday. Then he left.'), chars=200)
    assert shown(found.before) == "Gen. J. Smith, who leads the army, said "
    assert shown(found.after) == " on Monday."
    assert not found.cut_before and not found.cut_after


def test_a_statement_that_ends_its_sentence_keeps_only_the_closing_quote():
    found = in_context(row("", '"We will win.', '" He left. Then more.'), chars=200)
    assert shown(found.after) == '"'


def test_a_window_cut_inside_a_sentence_starts_and_ends_on_whole_words():
    found = in_context(row("ing a very long clause ", "we stay", " and another clause that goes o"), chars=23)
    assert shown(found.before) == "a very long clause "
    assert shown(found.after) == " and another clause that goes"
    assert found.cut_before and found.cut_after


def test_search_words_are_marked_in_the_sentence_and_the_statement():
    found = in_context(row("The troop level ", "Troops and taxation levels", ""), text='troops "taxation levels"')
    assert shown(found.before) == "The [troop] level "
    assert shown(found.content) == "[Troops] and [taxation levels]"


def test_a_row_without_context_is_its_content_alone():
    found = in_context({"content": "Taxes will fall"}, text="taxes")
    assert shown(found.content) == "[Taxes] will fall" and found.before == [] and found.after == []


def test_marking_keeps_every_character_and_no_pattern_marks_nothing():
    text = "<b>Taxes</b> & taxes"
    assert "".join(p.text for p in mark(text, term_pattern(["taxes"]))) == text
    assert [p.hit for p in mark(text, term_pattern(["taxes"]))] == [False, True, False, True]
    assert mark(text, term_pattern([])) == mark(text, None)


def weekly_chart(days: dict[str, int]):
    """The home page's chart: weeks at the finest, months past two years of weeks."""
    return timeline(days, finest="week", max_bars=104)


def test_the_overview_has_one_bar_per_week_with_gaps_as_zero():
    chart = weekly_chart({"2016-05-02": 2, "2016-05-08": 1, "2016-05-23": 4})
    assert chart is not None and chart.unit == "week"
    assert [(b.since, b.count) for b in chart.bars] == [("2016-05-02", 3), ("2016-05-09", 0), ("2016-05-16", 0), ("2016-05-23", 4)]
    assert chart.bars[0].until == "2016-05-08"
    assert chart.max_count == 4 and chart.bars[3].height > chart.bars[0].height > chart.bars[1].height == 0


def test_years_of_data_are_charted_per_month():
    chart = weekly_chart({"2014-01-10": 1, "2016-12-31": 2})
    assert chart is not None and chart.unit == "month" and len(chart.bars) == 36
    assert (chart.first, chart.last) == ("2014-01", "2016-12")


def test_no_dated_statement_no_chart():
    assert weekly_chart({}) is None


def segs(*texts):
    from saywho.web.render import Segment

    return [Segment(t, "content" if t.startswith('"') else None, 0 if t.startswith('"') else None) for t in texts]


@pytest.mark.parametrize("first_line", ["Taxes to fall, says Smith", "Taxes to fall, says Smith.", "  TAXES to  fall, says smith"])
def test_the_text_first_line_is_the_headline_when_it_repeats_the_title(first_line):
    from saywho.web.display import split_headline

    text = f'{first_line}\n\n"We cut," she said.'
    head, body = split_headline(segs(first_line + "\n\n", '"We cut,"', " she said."), text, "Taxes to fall, says Smith")
    assert "".join(h.text for h in head).strip() == first_line.strip()
    assert [(b.text, b.role) for b in body] == [('"We cut,"', "content"), (" she said.", None)]


def test_a_headline_quote_keeps_its_highlight_and_other_texts_are_left_whole():
    from saywho.web.display import split_headline

    text = '"We cut" says Smith\nBody.'
    head, body = split_headline(segs('"We cut"', " says Smith\nBody."), text, '"We cut" says Smith')
    assert [(h.text, h.role) for h in head] == [('"We cut"', "content"), (" says Smith", None)]
    assert [b.text for b in body] == ["Body."]
    assert split_headline(segs("Another line\nBody."), "Another line\nBody.", "A title") == ([], segs("Another line\nBody."))
