"""Finding attributions: each row is a sentence as newspapers write it and what we expect."""

import pytest

import saywho
from saywho.models import Attribution, TextSpan
from saywho.nlp.rules import reach_content

#: These pin the parse-based rules' own behaviour: the fast engine, asked for by name.
RULES = saywho.Options(engine="rules")


def only(text, **kwargs):
    kwargs.setdefault("options", RULES)
    article = saywho.extract(text, **kwargs)
    body = [a for a in article.attributions if not a.headline]
    assert len(body) == 1, [(a.cue and a.cue.text, a.content.text) for a in body]
    return body[0]


@pytest.mark.parametrize(
    "text, type_, cue, source, content",
    [
        # cue after the quote
        ('"The plan is dead," the senator said.', "direct", "said", "the senator", '"The plan is dead,"'),
        # cue before a colon-introduced quote (BBC style)
        ('Ms Hewitt said: "We will not back down."', "direct", "said", "Ms Hewitt", '"We will not back down."'),
        # inverted subject
        ('"Nothing has changed," said Maria Lopez, the union leader.', "direct", "said", "Maria Lopez, the union leader", '"Nothing has changed,"'),
        # indirect speech after a reporting verb
        ("The minister warned that prices would rise.", "indirect", "warned", "The minister", "that prices would rise"),
        ("Officials told reporters the bridge was unsafe.", "indirect", "told", "Officials", "the bridge was unsafe"),
        ("The mayor speculated that the budget would shrink.", "indirect", "speculated", "The mayor", "that the budget would shrink"),
        # according to, on either side
        ("Prices will fall next year, according to the central bank.", "indirect", "according to", "the central bank", "Prices will fall next year"),
        ("According to the police, the driver fled.", "indirect", "According to", "the police", "the driver fled"),
        # mixed: reported speech with a quoted fragment
        ('He said the deal was "a disaster for workers."', "mixed", "said", "He", 'the deal was "a disaster for workers."'),
        # curly quotes and guillemets
        ("“We are ready,” the coach said.", "direct", "said", "the coach", "“We are ready,”"),
        # a quote signed with a horizontal bar, spaced or not (reader quotes, epigraphs)
        ("“He is clueless.” ― Ana Ruiz", "direct", "―", "Ana Ruiz", "“He is clueless.”"),
        ("“He is clueless.”― Ana Ruiz", "direct", "―", "Ana Ruiz", "“He is clueless.”"),
        ("“He is clueless.”\u00a0― Ana Ruiz\u00a0", "direct", "―", "Ana Ruiz", "“He is clueless.”"),
    ],
)
def test_finds_the_attribution(text, type_, cue, source, content):
    found = only(text)
    assert (found.type, found.cue.text, found.source.text, found.content.text) == (type_, cue, source, content)


def pieces(text):
    article = saywho.extract(text, options=RULES)
    return [(a.type, a.cue and a.cue.text, a.source and a.source.text, a.content.text, a.continues, a.speaker.name) for a in article.attributions]


def test_a_quote_its_cue_interrupts_is_two_statements_sharing_the_cue():
    text = '"We will fight," the mayor said, "and we will win."'
    assert pieces(text) == [
        ("direct", "said", "the mayor", '"We will fight,"', False, "mayor"),
        ("direct", "said", "the mayor", '"and we will win."', True, "mayor"),
    ]


def test_a_quote_after_the_cue_sentence_is_an_implicit_continuation():
    text = '"We want every resident to have a say," Priya Raman told reporters. "Nobody should feel rushed."'
    assert pieces(text) == [
        ("direct", "told", "Priya Raman", '"We want every resident to have a say,"', False, "Priya Raman"),
        ("direct", None, None, '"Nobody should feel rushed."', True, "Priya Raman"),
    ]


def test_quote_over_several_sentences_is_whole():
    text = '"This fight is far from over. There is still hard work to be done," he said.'
    assert only(text).content.text == '"This fight is far from over. There is still hard work to be done,"'


def test_organisation_speaking_through_a_report():
    text = "Amnesty International issued a report slamming the police for excessive force."
    found = only(text)
    assert (found.cue.text, found.source.text, found.content.text) == (
        "slamming",
        "Amnesty International",
        "the police for excessive force",
    )


def test_participle_takes_the_subject_of_its_clause():
    text = "Townsend stated that the war was over, adding that troops would stay."
    article = saywho.extract(text, options=RULES)
    adding = next(a for a in article.attributions if a.cue.text == "adding")
    stated = next(a for a in article.attributions if a.cue.text == "stated")
    assert adding.source.text == "Townsend"
    assert stated.content.text == "that the war was over"


def test_beliefs_are_marked_and_can_be_left_out():
    text = "Smith believes that the economy will recover."
    assert only(text).act == "belief"
    assert saywho.extract(text, options=saywho.Options(beliefs=False, engine="rules")).attributions == []


@pytest.mark.parametrize(
    "text",
    [
        "The city was retaken after an eight-month operation.",
        "The combat mission ended in 2011, after which most troops left.",
        "She walked to the station and bought a ticket.",
        "The committee will vote on Tuesday.",
        "",
        "   \n\n  ",
    ],
)
def test_no_attribution_where_nobody_speaks(text):
    assert [a.cue.text for a in saywho.extract(text, options=RULES).attributions] == []


def test_a_reporting_verb_inside_a_quote_is_not_a_new_attribution():
    text = '"I said we would win, and we did," the coach said.'
    assert only(text).cue.text == "said"


def test_unbalanced_quote_does_not_swallow_the_article():
    text = '"The roads are not safe, the superintendent said.\n\nSchools reopen on Friday, the district announced.'
    article = saywho.extract(text, options=RULES)
    cues = sorted(a.cue.text for a in article.attributions)
    assert cues == ["announced", "said"]


def test_headline_quoting_the_body_gets_the_body_speaker():
    text = (
        "‘Far from over’: troops to stay\n\n"
        "General Jane Ortiz spoke in Baghdad.\n\n"
        "“This fight is far from over,” Ortiz said."
    )
    article = saywho.extract(text, options=RULES)
    headline = [a for a in article.attributions if a.headline]
    assert len(headline) == 1
    assert headline[0].cue is None
    assert headline[0].speaker.name == "Jane Ortiz"


def test_every_span_indexes_the_text():
    article = saywho.extract('"A," he said, "B." Then the mayor warned that C would happen, according to D.', options=RULES)
    for a in article.attributions:
        for role in (a.content, a.cue, a.source):
            if role is not None:
                assert " ".join(article.text[s:e] for s, e in role.spans) == role.text


def test_confidence_is_between_zero_and_one():
    for a in saywho.extract('"Yes," she said. He thinks it may rain, the report suggested.', options=RULES).attributions:
        assert 0.0 < a.confidence < 1.0


# --- cue extent: the words that join a cue to its content ---------------------------------


def cue_after_reaching(text, cue, content):
    def span(piece):
        start = text.index(piece)
        return TextSpan.from_ranges(text, [(start, start + len(piece))])

    attribution = Attribution(type="indirect", content=span(content), cue=span(cue), source=None, speaker=None)
    reach_content([attribution], text)
    return attribution.cue.text


@pytest.mark.parametrize(
    "text, cue, content, expected",
    [
        # a preposition that governs the content belongs to the cue
        ("The senator called on fellow Republicans to drop him.", "called", "fellow Republicans to drop him", "called on"),
        ("Voters have expressed deep concern about the policy.", "have expressed", "the policy", "have expressed deep concern about"),
        # so does an infinitive that introduces it
        ("He appeared to suggest that veterans were weak.", "appeared", "that veterans were weak", "appeared to suggest"),
        # a recipient, a date, a comma or a longer phrase stays out
        ("She told Fox that the video was fake.", "told", "that the video was fake", "told"),
        ("The court ruled Friday against the state.", "ruled", "the state", "ruled"),
        ("He said, of course, that it was over.", "said", "that it was over", "said"),
        ("She told the crowd that gathered outside that they had won.", "told", "that they had won", "told"),
        ("He warned voters that prices would rise.", "warned", "that prices would rise", "warned"),
        # nothing between them: nothing changes
        ("He said prices would rise.", "said", "prices would rise", "said"),
    ],
)
def test_a_cue_reaches_its_content_over_linking_words_only(text, cue, content, expected):
    assert cue_after_reaching(text, cue, content) == expected


def test_a_content_before_its_cue_leaves_the_cue_alone():
    text = '"Prices will rise," he said on Monday.'
    assert cue_after_reaching(text, "said", '"Prices will rise,"') == "said"


def test_the_candidate_cut_off_is_data_and_a_sweep_passes_its_own(nlp):
    import dataclasses
    import json
    from importlib import resources

    from saywho.nlp.rules import RulesConfig, find_attributions

    shipped = RulesConfig.default()
    data = json.loads(resources.files("saywho").joinpath("data/rules.json").read_text(encoding="utf-8"))
    assert shipped.min_confidence == data["min_confidence"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.min_confidence = 0.0  # type: ignore[misc]
    doc = nlp("Officials said the bridge was unsafe. The figures suggest a fall.")
    everything = find_attributions(doc, config=RulesConfig(min_confidence=0.0))
    nothing = find_attributions(doc, config=RulesConfig(min_confidence=1.0))
    assert len(everything) >= len(find_attributions(doc)) >= len(nothing) == 0
    assert RulesConfig.default() == shipped
