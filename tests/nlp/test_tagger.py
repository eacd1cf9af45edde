"""The trained tagger: windows, BIO decoding, span linking, calibration, and the shipped model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import spacy

from conftest import SHARED, needs_shared
from saywho.models import Attribution, TextSpan
from saywho.nlp import tagger
from saywho.nlp.tagger import BEGIN, INSIDE, OUTSIDE, Calibration, TaggedSpan
from saywho.nlp.tagger.decoding import _split_at_paragraphs as split_at_paragraphs

has_model = pytest.mark.skipif(
    not (tagger.MODEL_DIR / "model.onnx").is_file(), reason="no trained model in src/saywho/data/model"
)


# --- windows ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, size, overlap, expected",
    [
        (0, 4, 2, [(0, 0)]),
        (3, 4, 2, [(0, 3)]),
        (4, 4, 2, [(0, 4)]),
        (5, 4, 2, [(0, 4), (1, 5)]),
        (10, 4, 2, [(0, 4), (2, 6), (4, 8), (6, 10)]),
        (11, 4, 1, [(0, 4), (3, 7), (6, 10), (7, 11)]),
    ],
)
def test_windows_cover_every_token_with_the_overlap_asked(n, size, overlap, expected):
    assert tagger.window_bounds(n, size=size, overlap=overlap) == expected


def test_stitch_averages_overlapping_windows_trusting_each_less_near_its_edges():
    bounds = [(0, 4), (2, 6)]
    first = np.full((4, 1), 1.0)
    second = np.full((4, 1), 2.0)
    stitched = tagger.stitch(6, bounds, [first, second])
    # token 2 is one token from the first window's end (weight 2) and at the second's start
    # (weight 1); token 3 the other way round; a token only one window saw keeps its score
    assert stitched[:, 0] == pytest.approx([1.0, 1.0, 4 / 3, 5 / 3, 2.0, 2.0])


# --- decoding -----------------------------------------------------------------------


def one_hot(tags: dict[str, list[int]], n: int) -> np.ndarray:
    probs = np.zeros((n, 3, 3))
    probs[:, :, OUTSIDE] = 1.0
    for r, role in enumerate(tagger.ROLES):
        for i, label in enumerate(tags.get(role, [OUTSIDE] * n)):
            probs[i, r] = np.eye(3)[label]
    return probs


TEXT = "Jane Smith said rates will rise"
#        0    5     11   16    22   27
OFFSETS = [(0, 4), (5, 10), (11, 15), (16, 21), (22, 26), (27, 31)]
WORDS = [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "tags, expected",
    [
        # plain B I
        ({"source": [BEGIN, INSIDE, 0, 0, 0, 0]}, [("source", "Jane Smith")]),
        # I without B still opens a span
        ({"cue": [0, 0, INSIDE, 0, 0, 0]}, [("cue", "said")]),
        # B B: two spans
        ({"source": [BEGIN, BEGIN, 0, 0, 0, 0]}, [("source", "Jane"), ("source", "Smith")]),
        # roles are independent: a content may hold a source
        (
            {"source": [BEGIN, INSIDE, 0, 0, 0, 0], "content": [BEGIN, INSIDE, INSIDE, INSIDE, INSIDE, INSIDE]},
            [("source", "Jane Smith"), ("content", TEXT)],
        ),
        # nothing tagged
        ({}, []),
    ],
)
def test_decode_turns_bio_tags_into_character_spans(tags, expected):
    spans = tagger.decode_spans(one_hot(tags, 6), OFFSETS, WORDS, TEXT)
    assert [(s.role, s.text) for s in spans] == expected


def soft(role: str, rows: list[tuple[float, float, float]]) -> np.ndarray:
    """Probabilities for one role, given as (O, B, I) per word; the other roles are outside."""
    probs = one_hot({}, len(rows))
    probs[:, tagger.ROLES.index(role)] = rows
    return probs


def test_a_word_the_tagger_doubts_inside_a_sure_content_stays_in_it():
    # "rates will rise": sure, doubted (O 0.75), sure: a per-word threshold would cut it in two
    rows = [(0.98, 0.01, 0.01)] * 3 + [(0.05, 0.9, 0.05), (0.75, 0.0, 0.25), (0.05, 0.0, 0.95)]
    spans = tagger.decode_spans(soft("content", rows), OFFSETS, WORDS, TEXT)
    assert [(s.role, s.text) for s in spans] == [("content", "rates will rise")]


def test_a_content_ends_where_the_tagger_is_sure_it_has_ended():
    rows = [(0.98, 0.01, 0.01)] * 3 + [(0.05, 0.9, 0.05), (0.05, 0.0, 0.95), (0.97, 0.0, 0.03)]
    spans = tagger.decode_spans(soft("content", rows), OFFSETS, WORDS, TEXT)
    assert [s.text for s in spans] == ["rates will"]


def test_the_outside_bias_raises_the_evidence_a_word_needs_to_enter_a_span():
    rows = [(0.45, 0.55, 0.0)] + [(0.99, 0.0, 0.01)] * 5  # "Jane" a source at 55 %
    assert [s.text for s in tagger.decode_spans(soft("source", rows), OFFSETS, WORDS, TEXT)] == ["Jane"]
    shipped = tagger.TaggerConfig.default().decoding
    biased = dataclasses.replace(shipped, outside_bias=dataclasses.replace(shipped.outside_bias, source=0.5))
    assert tagger.decode_spans(soft("source", rows), OFFSETS, WORDS, TEXT, biased) == []
    assert tagger.TaggerConfig.default().decoding == shipped  # a config passed, nothing changed


def test_the_tuned_constants_are_read_from_the_models_own_record():
    import json

    record = json.loads((tagger.MODEL_DIR / "training.json").read_text(encoding="utf-8"))
    config = tagger.TaggerConfig.default()
    assert config == tagger.TaggerConfig.from_record(record)
    assert config.decoding.content_exit_cost == record["decoding"]["values"]["content_exit_cost"]
    assert config.combining.rules_add_confidence == record["combining"]["values"]["rules_add_confidence"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.decoding.content_exit_cost = 0.0  # type: ignore[misc]
    for section, make in (("decoding", tagger.DecodingConfig.from_dict), ("combining", tagger.CombiningConfig.from_dict)):
        for name, values in record[section]["grid"].items():  # every setting a sweep tries makes a config
            assert make({**record[section]["values"], name: values[0]}) is not None


def test_a_word_takes_the_label_of_its_first_word_piece():
    text = "Smithson said"
    offsets, words = [(0, 5), (5, 8), (9, 13)], [0, 0, 1]  # "smith", "##son", "said"
    probs = one_hot({"source": [BEGIN, OUTSIDE, OUTSIDE]}, 3)
    (span,) = tagger.decode_spans(probs, offsets, words, text)
    assert (span.role, span.text) == ("source", "Smithson")


def test_a_content_run_is_cut_where_a_paragraph_follows_a_closed_quote():
    text = "\u201cWe won.\u201d\n\n\u201cWe will win again,\u201d she said."
    #       a closed quote, then a new one in the next paragraph: two contents
    words = text.split(" ")
    offsets, start = [], 0
    for word in words:
        start = text.index(word, start)
        offsets.append((start, start + len(word)))
        start += len(word)
    content = [BEGIN] + [INSIDE] * (len(words) - 3) + [OUTSIDE, OUTSIDE]
    spans = tagger.decode_spans(one_hot({"content": content}, len(words)), offsets, list(range(len(words))), text)
    assert [s.text for s in spans] == ["\u201cWe won.\u201d", "\u201cWe will win again,\u201d"]


def test_a_quote_left_open_at_a_paragraph_end_goes_on_in_the_next():
    text = "\u201cWe won.\n\n\u201cWe will win again,\u201d she said."
    assert split_at_paragraphs(text, 0, text.index(" she"), split_unquoted=True) == [(0, text.index(" she"))]


def test_reported_speech_does_not_run_into_a_paragraph_that_opens_no_quote():
    text = "rents will fall this year\n\nThe council met on Tuesday"
    assert split_at_paragraphs(text, 0, len(text), split_unquoted=True) == [(0, 25), (27, len(text))]
    assert split_at_paragraphs(text, 0, len(text), split_unquoted=False) == [(0, len(text))]


# --- linking ------------------------------------------------------------------------


def spans_of(text: str, *marked: tuple[str, str, int]) -> list[TaggedSpan]:
    """TaggedSpans for (role, substring, occurrence) triples of ``text``."""
    out = []
    for role, piece, occurrence in marked:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(piece, start + 1)
        out.append(TaggedSpan(role, start, start + len(piece), 0.9, piece))  # type: ignore[arg-type]
    return sorted(out, key=lambda s: s.start)


def test_quote_pieces_around_one_cue_become_one_content():
    text = "\u201cWe are ready,\u201d the coach said. \u201cThe team has trained all summer.\u201d"
    spans = spans_of(
        text,
        ("content", "\u201cWe are ready,\u201d", 0),
        ("source", "the coach", 0),
        ("cue", "said", 0),
        ("content", "\u201cThe team has trained all summer.\u201d", 0),
    )
    (found,) = tagger.link_spans(spans, text)
    assert found.content.text == "\u201cWe are ready,\u201d \u201cThe team has trained all summer.\u201d"
    assert (found.cue.text, found.source.text, found.type) == ("said", "the coach", "direct")


def test_a_quote_resumed_after_its_cue_and_source_joins_the_first_piece():
    text = ("\u201cThis is a sad day,\u201d said Ann Lee, head of the city council's finance committee since 2019. "
            "\u201cThe city deserves better.\u201d")
    spans = spans_of(
        text,
        ("content", "\u201cThis is a sad day,\u201d", 0),  # the tagger's spans include the quote marks
        ("cue", "said", 0),
        ("source", "Ann Lee, head of the city council's finance committee since 2019", 0),
        ("content", "\u201cThe city deserves better.\u201d", 0),
    )
    (found,) = tagger.link_spans(spans, text)
    assert len(found.content.spans) == 2 and found.source.text.startswith("Ann Lee")


def test_quote_pieces_in_different_paragraphs_stay_apart():
    text = "\u201cWe are ready.\u201d The coach said it twice.\n\u201cNobody trained.\u201d"
    spans = spans_of(
        text,
        ("content", "\u201cWe are ready.\u201d", 0),
        ("source", "The coach", 0),
        ("cue", "said", 0),
        ("content", "\u201cNobody trained.\u201d", 0),
    )
    found = tagger.link_spans(spans, text)
    assert [a.content.text for a in found] == ["\u201cWe are ready.\u201d", "\u201cNobody trained.\u201d"]


@pytest.mark.parametrize(
    "text, marked, expected",
    [
        # each content to the cue of its own sentence
        (
            "Ann said taxes rise. Bob said rents fall.",
            [("source", "Ann", 0), ("cue", "said", 0), ("content", "taxes rise", 0),
             ("source", "Bob", 0), ("cue", "said", 1), ("content", "rents fall", 0)],
            [("taxes rise", "said", "Ann"), ("rents fall", "said", "Bob")],
        ),
        # the piece before ", he said," belongs to that cue, not to the previous sentence's
        (
            "Ann said taxes rise. But in time, he said, rents fall.",
            [("source", "Ann", 0), ("cue", "said", 0), ("content", "taxes rise", 0),
             ("content", "But in time", 0), ("source", "he", 0), ("cue", "said", 1), ("content", "rents fall", 0)],
            [("taxes rise", "said", "Ann"), ("But in time rents fall", "said", "he")],
        ),
        # a cue inside a content heads the nested attribution, not the outer one
        (
            "Ann said Bob thinks rents fall.",
            [("source", "Ann", 0), ("cue", "said", 0), ("content", "Bob thinks rents fall", 0),
             ("source", "Bob", 0), ("cue", "thinks", 0), ("content", "rents fall", 0)],
            [("Bob thinks rents fall", "said", "Ann"), ("rents fall", "thinks", "Bob")],
        ),
        # a content with no cue anywhere near stays, without cue or source
        ("Rents fall.", [("content", "Rents fall", 0)], [("Rents fall", None, None)]),
        # a cue with no content makes no attribution
        ("Ann said nothing.", [("source", "Ann", 0), ("cue", "said", 0)], []),
        # a source across a paragraph break is not taken
        ("Ann\nsaid rents fall.", [("source", "Ann", 0), ("cue", "said", 0), ("content", "rents fall", 0)],
         [("rents fall", "said", None)]),
    ],
)
def test_linking_pairs_contents_cues_and_sources(text, marked, expected):
    found = tagger.link_spans(spans_of(text, *marked), text)
    got = [(a.content.text, a.cue and a.cue.text, a.source and a.source.text) for a in found]
    assert got == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("\u201cThe plan will work,\u201d", "direct"),
        # reported words running into a partial quote: the quote mark at its end does not make it direct
        ("that \u201cthe plan will work,\u201d", "mixed"),
        ("that the plan will work", "indirect"),
    ],
)
def test_the_tagger_types_a_content_as_the_rules_do(content, expected):
    text = f"Ann said {content} on Monday."
    (found,) = tagger.link_spans(spans_of(text, ("source", "Ann", 0), ("cue", "said", 0), ("content", content, 0)), text)
    assert found.type == expected


def test_belief_cues_are_marked_as_beliefs():
    text = "Ann thinks rents fall."
    (found,) = tagger.link_spans(spans_of(text, ("source", "Ann", 0), ("cue", "thinks", 0), ("content", "rents fall", 0)), text)
    assert (found.act, found.type) == ("belief", "indirect")


# --- surface features -------------------------------------------------------------------


def test_token_features_give_each_piece_its_case_and_quote_state():
    text = "“We WIN,” Ms. Ruiz said."
    offsets = [(0, 1), (1, 3), (4, 7), (7, 8), (8, 9), (10, 12), (12, 13), (14, 18), (19, 23), (23, 24)]
    pieces = [text[s:e] for s, e in offsets]
    assert pieces == ["“", "We", "WIN", ",", "”", "Ms", ".", "Ruiz", "said", "."]
    case = {1: "lower", 2: "Capitalised", 3: "UPPER", 4: "no letter"}
    quote = {0: "outside", 1: "inside", 2: "mark"}
    got = [(piece, case[c], quote[q]) for piece, (c, q, *_) in zip(pieces, tagger.token_features(text, offsets))]
    assert got == [
        ("“", "no letter", "mark"), ("We", "Capitalised", "inside"), ("WIN", "UPPER", "inside"),
        (",", "no letter", "inside"), ("”", "no letter", "mark"), ("Ms", "Capitalised", "outside"),
        (".", "no letter", "outside"), ("Ruiz", "Capitalised", "outside"), ("said", "lower", "outside"),
        (".", "no letter", "outside"),
    ]


def test_without_a_parse_the_parse_features_are_zero():
    features = tagger.token_features("Ann said so.", [(0, 3), (4, 8), (9, 11), (11, 12)])
    assert features[:, 2:].tolist() == [[0, 0]] * 4


def test_parse_features_give_each_piece_its_tokens_dependency_side_and_part_of_speech(nlp):
    text = "Ann Smith said rents fell."
    doc = nlp(text)
    offsets = [(0, 3), (4, 9), (10, 14), (15, 20), (21, 25), (25, 26)]
    pieces = {text[s:e]: row for (s, e), row in zip(offsets, tagger.token_features(text, offsets, doc))}
    dep_of = {2 + 2 * i + side: (label, "head before" if side else "head after")
              for i, label in enumerate(tagger.DEP_LABELS) for side in (0, 1)}
    pos_of = {2 + i: tag for i, tag in enumerate(tagger.POS_TAGS)}
    assert dep_of[pieces["Smith"][2]] == ("nsubj", "head after")
    assert dep_of[pieces["said"][2]] == ("ROOT", "head after")  # a root is its own head
    assert dep_of[pieces["fell"][2]] == ("ccomp", "head before")
    assert (pos_of[pieces["said"][3]], pos_of[pieces["rents"][3]], pos_of[pieces["."][3]]) == ("VERB", "NOUN", "PUNCT")


def test_a_doc_from_a_pipeline_without_parser_or_tagger_counts_as_no_parse():
    import spacy

    text = "Ann said so."
    features = tagger.token_features(text, [(0, 3), (4, 8), (9, 11), (11, 12)], spacy.blank("en")(text))
    assert features[:, 2:].tolist() == [[0, 0]] * 4


def test_word_pieces_of_one_token_share_its_parse_features(nlp):
    text = "Ann said unbelievably."
    doc = nlp(text)
    pieces = [(9, 11), (11, 15), (15, 21)]  # un ##belie ##vably
    rows = tagger.token_features(text, [(0, 3), (4, 8), *pieces, (21, 22)], doc)[2:5, 2:]
    assert (rows == rows[0]).all() and rows[0, 0] > 1


def test_feature_batches_leave_the_special_tokens_and_padding_at_class_zero():
    batch = tagger.feature_batch([np.array([[2, 1, 5, 3], [1, 1, 7, 4]]), np.array([[3, 0, 9, 2]])], width=4)
    assert batch["case_ids"].tolist() == [[0, 2, 1, 0], [0, 3, 0, 0]]
    assert batch["quote_ids"].tolist() == [[0, 1, 1, 0], [0, 0, 0, 0]]
    assert batch["dep_ids"].tolist() == [[0, 5, 7, 0], [0, 9, 0, 0]]
    assert batch["pos_ids"].tolist() == [[0, 3, 4, 0], [0, 2, 0, 0]]


# --- combining with the rules ------------------------------------------------------------


def attribution_in(text, content, cue=None, source=None, *, type_="indirect", confidence=0.9):
    def span(piece):
        start = text.index(piece)
        return TextSpan.from_ranges(text, [(start, start + len(piece))])

    return Attribution(
        type=type_, content=span(content), cue=cue and span(cue), source=source and span(source),
        speaker=None, confidence=confidence,
    )


def described(found):
    return [(a.content.text, a.cue and a.cue.text, a.source and a.source.text) for a in found]


COMBINE_TEXT = 'The report, the mayor of Oslo said on Monday, shows that rents fell in May "and will fall again."'


def test_the_tagger_takes_the_cue_extent_from_the_rules_and_keeps_its_own_source():
    tagged = attribution_in(COMBINE_TEXT, "shows that rents fell in May", "said on Monday", "the mayor")
    ruled = attribution_in(COMBINE_TEXT, "shows that rents fell in May", "said", "the mayor of Oslo")
    assert described(tagger.combine([tagged], [ruled], COMBINE_TEXT)) == [
        ("shows that rents fell in May", "said", "the mayor")
    ]


def test_a_subject_before_the_cue_wins_over_a_tagger_source_after_it():
    text = "Rents will fall, the housing agency said in a report."
    tagged = attribution_in(text, "Rents will fall", "said", "a report")
    ruled = attribution_in(text, "Rents will fall", "said", "the housing agency")
    assert described(tagger.combine([tagged], [ruled], text)) == [("Rents will fall", "said", "the housing agency")]


def test_the_rules_cue_reaches_the_content_the_tagger_found():
    text = "The senator called on fellow Republicans to withdraw their support."
    tagged = attribution_in(text, "fellow Republicans to withdraw their support", "called", "The senator")
    ruled = attribution_in(text, "to withdraw their support", "called", "The senator")
    assert described(tagger.combine([tagged], [ruled], text)) == [
        ("fellow Republicans to withdraw their support", "called on", "The senator")
    ]


def test_a_content_never_starts_inside_its_cue():
    text = "Peacekeepers have been blamed for introducing cholera to Haiti."
    tagged = attribution_in(text, "for introducing cholera to Haiti", "blamed", "Peacekeepers")
    ruled = attribution_in(text, "introducing cholera to Haiti", "have been blamed for", "Peacekeepers")
    assert described(tagger.combine([tagged], [ruled], text)) == [
        ("introducing cholera to Haiti", "have been blamed for", "Peacekeepers")
    ]


def test_a_tagger_attribution_without_source_takes_the_rules_source():
    tagged = attribution_in(COMBINE_TEXT, "shows that rents fell in May", "said on Monday")
    ruled = attribution_in(COMBINE_TEXT, "shows that rents fell in May", "said", "the mayor of Oslo")
    assert described(tagger.combine([tagged], [ruled], COMBINE_TEXT)) == [
        ("shows that rents fell in May", "said", "the mayor of Oslo")
    ]


def test_an_unsupported_passive_with_no_agent_is_dropped_given_the_parse(nlp):
    # No one is credited with the first blame; the tagger's source would be a neighbour's.
    text = "The forces have been blamed for causing casualties. The forces were blamed by the agency for causing deaths."
    no_agent = attribution_in(text, "causing casualties", "have been blamed for")
    by_agent = attribution_in(text, "causing deaths", "were blamed by", "the agency")
    kept = tagger.combine([no_agent, by_agent], [], text, doc=nlp(text))
    assert [(a.content.text, a.source and a.source.text) for a in kept] == [("causing deaths", "the agency")]
    # without the parse (as a sweep without one runs) nothing tells the passive apart
    assert len(tagger.combine([no_agent, by_agent], [], text)) == 2


def test_a_passive_with_no_agent_that_the_rules_also_found_is_kept(nlp):
    text = "The mayor was asked whether rents would fall."
    tagged = attribution_in(text, "whether rents would fall", "was asked")
    ruled = attribution_in(text, "whether rents would fall", "was asked")
    assert described(tagger.combine([tagged], [ruled], text, doc=nlp(text))) == [("whether rents would fall", "was asked", None)]


@pytest.mark.parametrize(
    "rules_type, tagger_confidence, expected_content",
    [
        ("indirect", 0.9, "that rents fell in May"),  # a sure tagger keeps its edges
        ("indirect", 0.5, 'rents fell in May "and will fall again."'),  # an unsure one takes the parse's
        ("direct", 0.9, 'rents fell in May "and will fall again."'),  # quote marks bound a content exactly
    ],
)
def test_the_rules_set_the_content_edges_of_a_quote_or_of_an_unsure_tagger(rules_type, tagger_confidence, expected_content):
    tagged = attribution_in(COMBINE_TEXT, "that rents fell in May", "said", "the mayor of Oslo", confidence=tagger_confidence)
    ruled = attribution_in(COMBINE_TEXT, 'rents fell in May "and will fall again."', "said", "the mayor of Oslo", type_=rules_type)
    (combined,) = tagger.combine([tagged], [ruled], COMBINE_TEXT)
    assert combined.content.text == expected_content
    assert combined.confidence == tagger_confidence  # the tagger's calibrated confidence stays


def test_a_tagger_content_without_cue_takes_the_signature_the_rules_found():
    text = "“He is clueless.” ― Ana Ruiz"
    tagged = attribution_in(text, "“He is clueless.”", confidence=0.3)
    ruled = attribution_in(text, "“He is clueless.”", "―", "Ana Ruiz", type_="direct")
    assert described(tagger.combine([tagged], [ruled], text)) == [("“He is clueless.”", "―", "Ana Ruiz")]


def test_an_unsure_tagger_attribution_needs_the_rules_support():
    text = "Rents fell. The mayor said prices will rise."
    threshold = tagger.TaggerConfig.default().combining.unsupported_min_confidence
    unsure = attribution_in(text, "Rents fell", confidence=threshold - 0.01)
    sure = attribution_in(text, "prices will rise", "said", "The mayor", confidence=threshold)
    assert described(tagger.combine([unsure, sure], [], text)) == [("prices will rise", "said", "The mayor")]
    supported = attribution_in(text, "Rents fell", "said", "The mayor")
    assert len(tagger.combine([unsure], [supported], text)) == 1


def test_rules_attributions_the_tagger_missed_are_added_when_confident():
    text = "Rents fell, the mayor said. Prices rose, the minister added."
    tagged = attribution_in(text, "Rents fell", "said", "the mayor")
    threshold = tagger.TaggerConfig.default().combining.rules_add_confidence
    for confidence, added in [(threshold, True), (threshold - 0.01, False)]:
        ruled = attribution_in(text, "Prices rose", "added", "the minister", confidence=confidence)
        found = tagger.combine([tagged], [ruled], text)
        assert [a.content.text for a in found] == (["Rents fell", "Prices rose"] if added else ["Rents fell"])


def test_a_headline_is_not_linked_to_the_first_cue_of_the_body(monkeypatch):
    title = "Troops to stay in Iraq after the war"
    text = f"{title}\n\nUS troops may stay in Iraq for years, the general stated on Sunday."
    tagged = spans_of(text, ("content", title, 0), ("content", "US troops may stay in Iraq for years", 0),
                      ("source", "the general", 0), ("cue", "stated", 0))
    from saywho.nlp.tagger import entry

    stub = type("Stub", (), {"calibration": Calibration(), "config": tagger.TaggerConfig.default()})()
    monkeypatch.setattr(entry, "get_model", lambda: stub)
    monkeypatch.setattr(entry, "tag_text", lambda *args, **kwargs: tagged)
    found = tagger.find_attributions_model(spacy.blank("en")(text), title=title)
    assert described(found) == [("US troops may stay in Iraq for years", "stated", "the general")]


# --- calibration --------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [(0.0, 0.1), (0.5, 0.1), (0.75, 0.45), (1.0, 0.8), (1.5, 0.8)])
def test_calibration_interpolates_between_breakpoints_and_clips(raw, expected):
    calibration = Calibration(raw=(0.0, 0.5, 1.0), calibrated=(0.1, 0.1, 0.8))
    assert calibration(raw) == pytest.approx(expected)


def test_missing_calibration_file_is_the_identity(tmp_path):
    assert Calibration.load(tmp_path / "none.json")(0.37) == pytest.approx(0.37)


# --- the shipped model ------------------------------------------------------------


@has_model
def test_model_finds_a_quote_its_cue_and_source():
    text = "\u201cThe bridge will reopen in May,\u201d the transport minister said on Monday."
    found = tagger.attributions_from_text(text)
    assert len(found) == 1
    (attribution,) = found
    assert "bridge will reopen in May" in attribution.content.text
    assert attribution.cue.text.startswith("said") and attribution.source.text == "the transport minister"
    assert attribution.confidence > 0.2  # well above what noise gets (next test)


@has_model
def test_model_gives_only_low_confidence_to_text_without_attributions():
    found = tagger.attributions_from_text("The bridge is made of steel. It opened in 1932.")
    assert all(a.cue is None and a.confidence < 0.2 for a in found)


@has_model
def test_find_attributions_model_reads_a_spacy_doc_and_its_spans_index_the_text(nlp):
    text = "Rents will fall next year, the housing agency said in a report."
    found = tagger.find_attributions_model(nlp(text))
    cued = [a for a in found if a.cue is not None]
    assert cued and all("said" in a.cue.text for a in cued[:1])
    for attribution in found:
        for span in (attribution.content, attribution.cue, attribution.source):
            if span is not None:
                assert span.text == " ".join(text[s:e] for s, e in span.spans)
    assert "Rents will fall" in cued[0].content.text


@has_model
@needs_shared
def test_model_keeps_its_dev_accuracy_on_a_slice_of_polnear_dev(nlp):
    from saywho.evaluate.polnear import SystemRun, load_polnear, score_run

    articles = load_polnear(SHARED / "data" / "polnear" / "dev", limit=10)
    predictions = [tagger.attributions_from_text(a.text, doc=nlp(a.text)) for a in articles]
    roles = score_run(articles, SystemRun("model", predictions, 0.0)).roles
    exact, overlap = roles["exact"], roles["overlap"]
    # these 10 articles scored 0.84 / 0.72 / 0.59 exact and 0.89 overlap content (2026-11-30):
    # the bounds leave room for onnxruntime versions, and fail on a broken model or decoder
    assert exact["source"].f1 > 0.75 and exact["cue"].f1 > 0.65 and exact["content"].f1 > 0.5
    assert overlap["content"].f1 > 0.8


class _RecordingSession:
    """Stands in for an onnxruntime session: keeps what it was fed, returns zero logits."""

    def __init__(self) -> None:
        self.feeds: dict[str, np.ndarray] = {}

    def run(self, _outputs, feeds):
        self.feeds = feeds
        rows, width = feeds["input_ids"].shape
        return [np.zeros((rows, width, len(tagger.ROLES) * tagger.LABELS_PER_ROLE), dtype=np.float32)]


@pytest.mark.parametrize(
    "inputs",
    [(), ("case_ids", "quote_ids"), ("case_ids", "quote_ids", "dep_ids", "pos_ids")],
    ids=["no features", "surface features", "surface and parse features"],
)
def test_a_model_is_fed_exactly_the_feature_arrays_it_declares(inputs):
    import threading

    model = object.__new__(tagger.TaggerModel)
    model.session, model._lock = _RecordingSession(), threading.Lock()
    model.cls_id, model.sep_id, model.pad_id = 101, 102, 0
    model.feature_inputs = inputs
    logits = model.logits([[7, 8]], [np.array([[1, 1, 4, 3], [2, 0, 5, 6]])])
    assert logits.shape == (1, 2, 9)
    assert set(model.session.feeds) == {"input_ids", "attention_mask", *inputs}
    if "dep_ids" in inputs:
        assert model.session.feeds["dep_ids"].tolist() == [[0, 4, 5, 0]]


@pytest.mark.parametrize(
    "cue, act",
    [("thinks", "belief"), ("had hoped", "belief"), ("worried", "belief"), ("thought", "belief"),
     ("is confident", "belief"), ("said", "speech"), ("told", "speech"), ("", "speech")],
)
def test_a_cue_is_a_belief_when_it_holds_a_form_of_a_belief_lemma(cue, act):
    from saywho.nlp.lexicon import BELIEF_FORMS, BELIEF_LEMMAS
    from saywho.nlp.tagger.linking import _act

    assert _act(cue) == act
    assert set(BELIEF_FORMS) <= BELIEF_LEMMAS  # one list of lemmas, read by rules, acts and the tagger
