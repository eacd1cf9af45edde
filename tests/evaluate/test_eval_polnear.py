"""The PolNeAR reader and the attribution scorer, on a hand-written fixture with
synthetic predictions (no extractor, no model), so every figure is known in advance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from saywho.cli import eval as cli_eval
from saywho.errors import InputError
from saywho.evaluate import polnear
from saywho.evaluate.polnear import SystemRun, annotated_more_than_once, annotator_pairs, load_polnear, read_ann, sentence_bounds
from saywho.evaluate.scoring import (
    Counts,
    Scores,
    context_of,
    gold_act,
    match_attributions,
    match_pairs,
    normalise,
    overlap_size,
    split_at_sentences,
)
from saywho.models import Attribution, TextSpan

FIXTURE = Path(__file__).parents[1] / "fixtures" / "polnear" / "dev"
CITYHALL = "cityhall_2016-05-02_bridge-plan"
SHARED_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polnear" / "dev"


def span(text: str, piece: str, nth: int = 0) -> TextSpan:
    """The ``nth`` occurrence of ``piece`` in ``text`` as a one-range TextSpan."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return TextSpan.from_ranges(text, [(start, start + len(piece))])


def pred(
    text: str, content: str, source: str | None, cue: str | None, *, act: str = "speech", nth_cue: int = 0, nth_source: int = 0
):
    return Attribution(
        type="indirect",
        content=span(text, content),
        cue=span(text, cue, nth_cue) if cue else None,
        source=span(text, source, nth_source) if source else None,
        speaker=None,
        act=act,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def corpus():
    return {a.name: a for a in load_polnear(FIXTURE)}


@pytest.fixture(scope="module")
def cityhall(corpus):
    return corpus[CITYHALL]


def cityhall_predictions(text: str) -> list[Attribution]:
    """One exact hit, one boundary-only hit, one spurious, one hit that differs by a full stop."""
    return [
        pred(text, "The city council voted on Monday to fund a new bridge", "officials", "said"),
        pred(
            text,
            '"We have waited long enough," Mayor Ana Ruiz said. "The old one is failing."',
            "Ana Ruiz",
            "said",
            nth_cue=1,
        ),
        pred(text, "Follow us on social media", None, None),
        pred(text, "the bridge will cost $40 million.", "the budget office", "According to"),
    ]


# --- reading ------------------------------------------------------------------


def test_reader_uses_first_annotator_and_skips_events_without_content(corpus, cityhall):
    assert sorted(corpus) == [CITYHALL, "senate_2016-06-10_bill-stalls"]
    assert cityhall.annotation.name.endswith("_aaaa.ann")
    assert [g.id for g in cityhall.gold] == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert cityhall.skipped_events == 1


def test_reader_gives_each_annotators_file_for_training_when_asked():
    articles = load_polnear(FIXTURE, every_annotation=True)
    assert [(a.name, a.annotation.name[-9:]) for a in articles] == [
        (CITYHALL, "_aaaa.ann"),
        (CITYHALL, "_bbbb.ann"),
        ("senate_2016-06-10_bill-stalls", "_aaaa.ann"),
    ]
    first, second = articles[0], articles[1]
    assert first.text == second.text and first.gold != second.gold
    # the limit counts articles, not files
    assert len(load_polnear(FIXTURE, limit=1, every_annotation=True)) == 2


def test_reader_offsets_index_the_text_and_join_discontinuous_and_content2(corpus, cityhall):
    text = cityhall.text
    mayor = cityhall.gold[1]
    assert mayor.content.spans == ((103, 132), (154, 179))
    assert [text[s:e] for s, e in mayor.content.spans] == ['"We have waited long enough,"', '"The old one is failing."']
    assert cityhall.gold[2].source is None  # Attribution-no-source
    assert cityhall.gold[4].source == cityhall.gold[5].source  # one Source span, two events
    senate = corpus["senate_2016-06-10_bill-stalls"]
    assert senate.gold[0].content.text == '"The bill is dead," "It will not come back this year."'


def test_reader_takes_metadata_from_parent_folder(cityhall):
    assert (cityhall.published, cityhall.publisher, cityhall.title) == (
        "2016-05-02",
        "cityhall",
        "Council Backs New Bridge Plan",
    )
    assert cityhall.document().text == cityhall.text


@pytest.mark.parametrize(
    ("ann_line", "reason"),
    [
        ("T1\tSource 5 500\tx", "outside the text"),
        ("T1\tSource five 9\tx", "bad offsets"),
        ("E1\tAttribution:T9 Content:T8", "unknown span T9"),
        ("E1\tAttribution", "bad event argument"),
    ],
)
def test_reader_rejects_broken_annotations_naming_the_file(tmp_path, ann_line, reason):
    ann = tmp_path / "x_aaaa.ann"
    ann.write_text(ann_line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=reason) as caught:
        read_ann(ann, "short text")
    assert caught.value.input == str(ann)


def test_loading_a_folder_without_polnear_layout_fails_clearly(tmp_path):
    with pytest.raises(InputError, match="text/ and attributions/"):
        load_polnear(tmp_path)


# --- span normalisation and matching -----------------------------------------


@pytest.mark.parametrize(
    ("text", "ranges", "mode", "expected"),
    [
        ("  said  ", [(0, 8)], "strict", ((2, 6),)),
        ('"We won," she said', [(0, 9)], "strict", ((0, 9),)),
        ('"We won," she said', [(0, 9)], "exact", ((1, 7),)),
        # two quotes separated only by what is trimmed become one range
        ('"A," "B."', [(0, 4), (5, 9)], "strict", ((0, 9),)),
        ('"A," "B."', [(0, 4), (5, 9)], "exact", ((1, 7),)),
        # ... but not when words sit between them
        ('"A," he said, "B."', [(0, 4), (14, 18)], "exact", ((1, 2), (15, 16))),
        # all punctuation: exact falls back to the whitespace-trimmed span
        ("a — b", [(1, 4)], "exact", ((2, 3),)),
        ("   ", [(0, 3)], "exact", ()),
        ("U.S. officials", [(0, 4)], "exact", ((0, 3),)),
    ],
)
def test_normalise(text, ranges, mode, expected):
    assert normalise(text, ranges, mode) == expected


@pytest.mark.parametrize(
    ("a", "b", "shared"),
    [
        (((0, 10),), ((5, 15),), 5),
        (((0, 10),), ((10, 15),), 0),
        (((0, 3), (6, 9)), ((2, 7),), 2),
        (((0, 3), (6, 9)), ((0, 3), (6, 9)), 6),
        ((), ((0, 3),), 0),
    ],
)
def test_overlap_size(a, b, shared):
    assert overlap_size(a, b) == shared


def test_matching_is_one_to_one_and_greedy_by_largest_overlap():
    # gold 0 overlaps pred 0 by 5 and pred 1 by 10; gold 1 only overlaps pred 1 (by 8).
    # Greedy takes (0, 1) first, so gold 1 stays unmatched: the documented rule, not the optimum.
    assert match_pairs([(0, 0, 5), (0, 1, 10), (1, 1, 8)]) == [(0, 1)]
    assert match_pairs([(0, 0, 3), (1, 0, 3)]) == [(0, 0)]  # tie: the earlier gold wins


# --- scores on the fixture with synthetic predictions -------------------------


def scored(article, predictions, sentences=None) -> Scores:
    scores = Scores()
    scores.add_document(article.name, article.text, article.gold, predictions, sentences=sentences)
    return scores


@pytest.mark.parametrize(
    ("mode", "role", "matched", "predicted", "gold"),
    [
        # sources: 4 distinct gold (Ruiz serves two events, E3 has none); "Ana Ruiz" only overlaps
        ("strict", "source", 2, 3, 4),
        ("exact", "source", 2, 3, 4),
        ("overlap", "source", 3, 3, 4),
        # cues: all three predicted are exact
        ("strict", "cue", 3, 3, 6),
        ("overlap", "cue", 3, 3, 6),
        # contents: the full stop counts in strict only; the long mayor span only overlaps
        ("strict", "content", 1, 4, 6),
        ("exact", "content", 2, 4, 6),
        ("overlap", "content", 3, 4, 6),
    ],
)
def test_role_counts(cityhall, mode, role, matched, predicted, gold):
    counts = scored(cityhall, cityhall_predictions(cityhall.text)).roles[mode][role]
    assert (counts.matched, counts.predicted, counts.gold) == (matched, predicted, gold)


@pytest.mark.parametrize(("mode", "matched"), [("strict", 1), ("exact", 2), ("overlap", 3)])
def test_attribution_counts(cityhall, mode, matched):
    counts = scored(cityhall, cityhall_predictions(cityhall.text)).attributions[mode]
    assert (counts.matched, counts.predicted, counts.gold) == (matched, 4, 6)


def test_precision_recall_f1_from_counts():
    counts = Counts(matched=3, predicted=4, gold=6)
    assert (counts.precision, counts.recall) == (0.75, 0.5)
    assert counts.f1 == pytest.approx(0.6)
    assert Counts().f1 == 0.0


def test_counts_add_up_over_documents(cityhall):
    scores = Scores()
    for _ in range(2):
        scores.add_document(cityhall.name, cityhall.text, cityhall.gold, cityhall_predictions(cityhall.text))
    assert scores.attributions["overlap"].to_dict() | {} == {
        "precision": 0.75, "recall": 0.5, "f1": 0.6, "matched": 6, "predicted": 8, "gold": 12,
    }


def test_gold_without_source_matches_only_a_prediction_without_source(cityhall):
    text = cityhall.text
    unsourced = cityhall.gold[2]  # "It was reported that the vote was close."
    with_none = pred(text, "the vote was close", None, "was reported")
    with_source = pred(text, "the vote was close", "It", "was reported")
    assert match_attributions(text, [unsourced], [with_none], "exact") == [(0, 0)]
    assert match_attributions(text, [unsourced], [with_source], "overlap") == []
    sourced = cityhall.gold[0]
    no_source = pred(text, "The city council voted on Monday to fund a new bridge", None, "said")
    assert match_attributions(text, [sourced], [no_source], "overlap") == []


def test_identical_predicted_cues_count_once(cityhall):
    text = cityhall.text
    twice = [
        pred(text, "work would start in spring", "Ruiz", "added", nth_source=1),
        pred(text, "no delays", "Ruiz", "added", nth_source=1),
    ]
    scores = scored(cityhall, twice)
    assert scores.roles["exact"]["cue"].predicted == 1
    assert scores.roles["exact"]["source"].to_dict()["matched"] == 1
    assert scores.attributions["exact"].matched == 2  # attributions are not de-duplicated


def test_no_predictions_scores_zero_without_dividing_by_zero(cityhall):
    scores = scored(cityhall, [])
    assert scores.attributions["exact"].to_dict() == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "matched": 0, "predicted": 0, "gold": 6,
    }


# --- speech act split -----------------------------------------------------------


@pytest.mark.parametrize(
    ("cue", "act"),
    [("said", "speech"), ("added", "speech"), ("According to", "speech"), (None, "speech"),
     ("expected", "belief"), ("fears", "belief"), ("has thought", "belief"), ("believes", "belief")],
)
def test_gold_act_from_cue(cue, act):
    assert gold_act(cue) == act


def test_attributions_split_by_act(cityhall):
    text = cityhall.text
    predictions = [
        pred(text, "no delays", "Ruiz", "expected", act="belief", nth_source=1),  # gold E6, a belief by its cue
        pred(text, "work would start in spring", "Ruiz", "added", act="belief", nth_source=1),  # E5: speech
        pred(text, "Follow us on social media", None, None, act="speech"),
    ]
    acts = scored(cityhall, predictions).by_act
    assert (acts["belief"].pred_matched, acts["belief"].predicted) == (2, 2)
    assert (acts["belief"].gold_matched, acts["belief"].gold) == (1, 1)
    assert (acts["speech"].pred_matched, acts["speech"].predicted) == (0, 1)
    assert (acts["speech"].gold_matched, acts["speech"].gold) == (1, 5)


# --- sentence level -------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "sentences", "expected"),
    [
        ([((0, 30),)], [(0, 10), (11, 30)], [((0, 10),), ((11, 30),)]),
        ([((2, 5), (7, 9))], [(0, 10)], [((2, 5), (7, 9))]),  # pieces in one sentence stay one item
        ([((12, 14),)], [(0, 10), (11, 30)], [((12, 14),)]),
        ([((10, 11),)], [(0, 10), (11, 30)], []),  # only the gap between sentences
    ],
)
def test_split_at_sentences(spans, sentences, expected):
    assert split_at_sentences(spans, sentences) == expected


def test_sentence_bounds_break_at_full_stops_and_line_ends():
    text = "Title Without Stop\nFirst one. Second one.\n\nThird"
    (bounds,) = sentence_bounds([text])
    assert [text[s:e] for s, e in bounds] == ["Title Without Stop", "First one.", "Second one.", "Third"]


def test_sentence_level_counts_each_sentence_piece(corpus):
    senate = corpus["senate_2016-06-10_bill-stalls"]
    text = senate.text
    (bounds,) = sentence_bounds([text])
    # content as one range over both quotes and the cue between them: at sentence level it
    # is two pieces, the whole second sentence (overlaps the first gold quote) and the
    # second quote (exact)
    whole = Attribution(
        type="direct",
        content=TextSpan.from_ranges(text, [(33, 98)]),
        cue=span(text, "said"),
        source=span(text, "Lee", 1),
        speaker=None,
    )
    sentences = scored(senate, [whole], bounds).sentences
    exact, overlap = sentences["exact"]["content"], sentences["overlap"]["content"]
    assert (exact.matched, exact.predicted, exact.gold) == (1, 2, 2)
    assert (overlap.matched, overlap.predicted, overlap.gold) == (2, 2, 2)
    document_level = scored(senate, [whole]).roles["overlap"]["content"]
    assert (document_level.matched, document_level.predicted, document_level.gold) == (1, 1, 1)


# --- errors for tuning ----------------------------------------------------------


def test_errors_sort_into_boundary_missed_and_spurious(cityhall):
    scores = scored(cityhall, cityhall_predictions(cityhall.text))
    kinds = {(e.role, e.kind, e.gold, e.pred) for e in scores.errors if e.role == "content"}
    assert ("content", "spurious", None, "Follow us on social media") in kinds
    assert ("content", "missed", "the vote was close", None) in kinds
    assert any(k[1] == "boundary" and k[2].startswith("We have waited") for k in kinds)
    assert {k[1] for k in kinds} == {"boundary", "missed", "spurious"}
    assert ("source", "boundary", "Mayor Ana Ruiz", "Ana Ruiz") in {(e.role, e.kind, e.gold, e.pred) for e in scores.errors}


def test_wrong_source_is_reported_when_content_is_found(cityhall):
    text = cityhall.text
    scores = scored(cityhall, [pred(text, "no delays", "budget office", "expected")])
    (wrong,) = [e for e in scores.errors if e.kind == "wrong-source"]
    assert (wrong.gold, wrong.pred) == ("Ruiz", "budget office")


def test_error_context_marks_the_span_on_one_line():
    text = "First line.\nHe said it was fine."
    assert context_of(text, ((15, 19),), width=5) == "…. He ⟦said⟧ it w…"


# --- the command ----------------------------------------------------------------


@pytest.fixture
def app(monkeypatch):
    def fake_saywho(articles, jobs=1, model=None, engine="tagger"):
        predictions = [cityhall_predictions(a.text) if a.name == CITYHALL else [] for a in articles]
        return SystemRun("saywho", predictions, 1.0)

    monkeypatch.setattr(polnear, "run_saywho", fake_saywho)
    app = typer.Typer()
    cli_eval.register(app)

    @app.command()
    def other() -> None:  # a second command so typer keeps the "eval" group name
        pass

    return app


def test_command_json_output(app, tmp_path):
    errors_file = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(
        app, ["eval", "polnear", str(FIXTURE), "--format", "json", "--errors", "1", "--errors-file", str(errors_file)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["articles"], report["gold_attributions"], report["skipped_events"]) == (2, 7, 1)
    saywho = report["systems"]["saywho"]
    assert saywho["attributions"]["overlap"] == {
        "precision": 0.75, "recall": 0.4286, "f1": 0.5455, "matched": 3, "predicted": 4, "gold": 7,
    }
    assert saywho["articles_per_second"] == 2.0
    assert {e["kind"] for e in report["errors"]} >= {"boundary", "missed", "spurious"}
    lines = errors_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) > len(report["errors"]) and json.loads(lines[0])["article"]


@pytest.mark.parametrize(("flags", "engine"), [((), "tagger"), (("--engine", "rules"), "rules")])
def test_command_names_the_engine_it_ran(app, flags, engine):
    as_json = CliRunner().invoke(app, ["eval", "polnear", str(FIXTURE), "--format", "json", *flags])
    assert json.loads(as_json.stdout)["engine"] == engine
    table = CliRunner().invoke(app, ["eval", "polnear", str(FIXTURE), *flags])
    assert f"saywho ({engine} engine):" in table.output


def test_command_table_output_and_limit(app):
    result = CliRunner().invoke(app, ["eval", "polnear", str(FIXTURE), "--limit", "1", "--errors", "2"])
    assert result.exit_code == 0, result.output
    assert "1 articles, 6 gold attributions" in result.output
    assert "content boundary" in result.output and "most frequent missed cues" in result.output


def test_command_prints_the_summary_on_one_line_however_deep_the_folder(app, tmp_path):
    deep = tmp_path.joinpath("a-rather-long-folder-name", "and-another-one-below-it", "dev")
    shutil.copytree(FIXTURE, deep)
    result = CliRunner().invoke(app, ["eval", "polnear", str(deep), "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert f"{deep}: 1 articles, 6 gold attributions" in result.output.splitlines()[0]


def test_command_reports_a_bad_folder_and_exits_non_zero(app, tmp_path):
    result = CliRunner().invoke(app, ["eval", "polnear", str(tmp_path)])
    assert result.exit_code == 1
    assert str(tmp_path) in result.output and "text/ and attributions/" in result.output


# --- annotators against each other ---------------------------------------------------


def test_annotator_pairs_score_the_later_file_against_the_earlier():
    golds, run = annotator_pairs(annotated_more_than_once(FIXTURE))
    # only the city-hall article has two files; the senate one has nothing to compare
    assert [(g.name, g.annotation.name[-9:]) for g in golds] == [(CITYHALL, "_aaaa.ann")]
    (second_annotator,) = run.predictions
    assert [(a.source.text, a.cue.text, a.content.text) for a in second_annotator] == [
        ("Ruiz", "added", "that work would start in spring")
    ]
    assert second_annotator[0].act == "speech" and second_annotator[0].type == "indirect"


def test_agreement_command_scores_annotators_like_a_system(app):
    result = CliRunner().invoke(app, ["eval", "agreement", str(FIXTURE), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["articles"], report["pairs"]) == (1, {"annotators": 1})
    exact = report["annotators"]["roles"]["exact"]
    # bbbb marked one of aaaa's four sources and six cues; its content takes in "that", so it
    # matches aaaa's only by overlap
    assert (exact["source"]["f1"], exact["cue"]["f1"], exact["content"]["f1"]) == (0.4, 0.2857, 0.0)
    assert report["annotators"]["roles"]["overlap"]["content"]["f1"] == 0.2857


def test_agreement_counts_every_pair_of_annotators(app, tmp_path):
    folder = tmp_path / "dev"
    shutil.copytree(FIXTURE, folder)
    attributions = folder / "attributions"
    shutil.copy(attributions / f"{CITYHALL}_aaaa.ann", attributions / f"{CITYHALL}_cccc.ann")
    result = CliRunner().invoke(app, ["eval", "agreement", str(folder), "--format", "json", "--no-sentences"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pairs"] == {"annotators": 3}  # aaaa-bbbb, aaaa-cccc, bbbb-cccc
    content = report["annotators"]["roles"]["exact"]["content"]
    # aaaa and cccc agree on all six contents; bbbb's one content matches neither exactly
    assert (content["matched"], content["gold"], content["predicted"]) == (6, 6 + 6 + 1, 1 + 6 + 6)


def test_agreement_table_names_the_articles_and_pairs(app):
    result = CliRunner().invoke(app, ["eval", "agreement", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert f"{FIXTURE}: 1 articles annotated more than once, 1 pairs of annotators" in result.output
    assert "saywho" not in result.output  # only with --saywho
    assert "annotators: spans (%)" in result.output and "sentence level" in result.output


def test_agreement_scores_saywho_against_each_annotator_on_the_same_articles(app):
    result = CliRunner().invoke(app, ["eval", "agreement", str(FIXTURE), "--saywho", "--format", "json", "--no-sentences"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pairs"] == {"annotators": 1, "saywho": 2}  # saywho's output against aaaa and against bbbb
    exact, overlap = report["saywho"]["roles"]["exact"], report["saywho"]["roles"]["overlap"]
    # the fake saywho's four city-hall attributions, scored against aaaa's six and bbbb's one
    assert (exact["content"]["gold"], exact["content"]["predicted"]) == (6 + 1, 4 + 4)
    # three of aaaa's contents overlap; bbbb's only one ("work would start in spring") is not found
    assert overlap["content"]["matched"] == 3


def test_agreement_rejects_an_unknown_engine(app):
    result = CliRunner().invoke(app, ["eval", "agreement", str(FIXTURE), "--saywho", "--engine", "bert"])
    assert result.exit_code == 1 and "unknown engine 'bert'" in result.output


def test_agreement_takes_the_deprecated_mode_with_a_warning(app):
    result = CliRunner().invoke(app, ["eval", "agreement", str(FIXTURE), "--saywho", "--mode", "model"])
    assert "saywho: warning: --mode is deprecated: use --engine tagger" in result.output
    assert "saywho (tagger) against each annotator" in result.output


def test_agreement_without_an_article_annotated_twice_fails_clearly(app, tmp_path):
    folder = tmp_path / "dev"
    shutil.copytree(FIXTURE, folder)
    (folder / "attributions" / f"{CITYHALL}_bbbb.ann").unlink()
    result = CliRunner().invoke(app, ["eval", "agreement", str(folder)])
    assert result.exit_code == 1
    assert "no article has more than one annotator's file" in result.output


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_DEV.is_dir(), reason="needs ../shared/data/polnear/dev (read-only project data)")
def test_polnear_dev_offsets_agree_with_annotation_text():
    """brat's text column equals the text at the offsets (up to its first newline)."""
    checked = 0
    for article in load_polnear(SHARED_DEV):
        for ann_line in article.annotation.read_text(encoding="utf-8").splitlines():
            fields = ann_line.split("\t")
            if not ann_line.startswith("T") or len(fields) < 3:
                continue
            ranges = [tuple(map(int, r.split())) for r in fields[1].split(" ", 1)[1].split(";")]
            covered = " ".join(article.text[s:e] for s, e in ranges)
            assert covered.split("\n")[0] == fields[2], (article.name, ann_line)
            checked += 1
    assert checked > 1000
