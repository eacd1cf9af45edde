"""``saywho eval speakers``: the speaker set's metric, on statements built by hand and on a fixture set."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHARED, needs_shared
from saywho.cli import app
from saywho.errors import InputError
from saywho.evaluate.speakers import GoldSpeech, SpeakerArticle, load_speaker_set, match, score, speaker_right
from saywho.models import Attribution, SpeakerRef, TextSpan

FIXTURE = Path(__file__).parents[1] / "fixtures" / "speakers"

TEXT = "Anna Berg said taxes would fall. Tom Hale said cuts would hurt. A source said talks failed. Mr Hale hopes to win."


def span(words):
    start = TEXT.index(words)
    return TextSpan.from_ranges(TEXT, [(start, start + len(words))])


def gold(words, speaker, kind):
    start = TEXT.index(words)
    return GoldSpeech("indirect", speaker, kind, (start, start + len(words)))


def said(words, name, kind, act="speech"):
    return Attribution("indirect", span(words), None, None, SpeakerRef("s", name, kind), act=act)


def test_the_four_figures_count_as_the_set_readme_says():
    article = SpeakerArticle(
        "politics/001.txt",
        Path("x"),
        TEXT,
        [
            gold("taxes would fall", "Anna Berg", "person"),
            gold("cuts would hurt", "Tom Hale", "person"),
            gold("talks failed", "a source", "unnamed"),
            gold("Anna Berg said taxes", "nobody", "person"),  # no prediction is left for it
        ],
    )
    predictions = [
        said("taxes would fall", "Anna Berg", "person"),  # right
        said("cuts would hurt", "Hale", "organization"),  # wrong speaker ("tom" missing), wrong kind
        said("talks failed", "source", "unnamed"),  # unnamed: kind counts, speaker does not
        said("to win", "Tom Hale", "person"),  # matches nothing
        said("cuts would hurt.", "Tom Hale", "person", act="belief"),  # beliefs are left out
    ]
    scores = score([article], [predictions])
    c = scores.overall
    assert (c.gold, c.predicted, c.matched) == (4, 4, 3)
    assert (c.recall, c.precision) == (3 / 4, 3 / 4)
    assert c.speaker_accuracy == 1 / 2  # two named gold matched, one right
    assert c.kind_accuracy == 2 / 3
    assert [(e.gold_speaker, e.speaker) for e in scores.errors] == [("Tom Hale", "Hale")]
    assert scores.by_category["politics"].matched == 3


def test_a_match_needs_half_of_each_ones_tokens():
    text = "one two three four five six"
    gold_span = [(0, 13)]  # one two three
    assert match(text, gold_span, [[(0, 7)]]) == [0]  # 2 of 3 gold tokens, 2 of 2 predicted
    assert match(text, gold_span, [[(0, 27)]]) == [0]  # 3 of 6 predicted: exactly half is enough
    assert match(text, gold_span, [[(0, 3)]]) == [None]  # 1 of 3 gold tokens
    assert match(text, gold_span, [[(4, 27)]]) == [None]  # 2 of 5 predicted


def test_matching_is_one_to_one_in_gold_order():
    text = "one two three four five six"
    assert match(text, [(0, 7), (0, 13)], [[(0, 13)]]) == [0, None]


def test_speaker_words_ignore_case_and_honorifics():
    assert speaker_right("Sir Alex Ferguson", "Alex Ferguson")
    assert speaker_right("Nicola Sturgeon", "Ms Nicola Sturgeon")
    assert not speaker_right("Tony Blair", "Blair")
    assert speaker_right("The Mail on Sunday", "the Mail on Sunday")


def test_command_scores_the_fixture_set():
    result = CliRunner().invoke(
        app, ["eval", "speakers", str(FIXTURE / "set.jsonl"), "--articles", str(FIXTURE / "articles"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    overall = json.loads(result.output)["overall"]
    # Eight gold statements; saywho finds all but the implicit continuation of Tom Hale's warning.
    assert overall == {
        "recall": 0.875, "precision": 1.0, "speaker_accuracy": 1.0, "kind_accuracy": 1.0,
        "gold": 8, "predicted": 7, "matched": 7,
    }


@pytest.mark.parametrize(("flags", "engine"), [((), "tagger"), (("--engine", "rules"), "rules"), (("--mode", "model"), "tagger")])
def test_command_names_the_engine_it_ran(flags, engine):
    result = CliRunner().invoke(
        app, ["eval", "speakers", str(FIXTURE / "set.jsonl"), "--articles", str(FIXTURE / "articles"), "-f", "json", *flags]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["engine"] == engine
    assert ("deprecated" in result.stderr) == ("--mode" in flags)


def test_command_prints_a_table_and_errors():
    result = CliRunner().invoke(
        app, ["eval", "speakers", str(FIXTURE / "set.jsonl"), "--articles", str(FIXTURE / "articles"), "--errors", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "politics" in result.output and "87.5" in result.output


def test_a_bad_set_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "set.jsonl"
    bad.write_text('{"file": "politics/001.txt", "attributions": [{"type": "direct"}]}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "speakers", str(bad), "--articles", str(FIXTURE / "articles")])
    assert result.exit_code == 1
    assert "set.jsonl:1" in result.output and "Traceback" not in result.output


def test_missing_article_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not readable"):
        load_speaker_set(FIXTURE / "set.jsonl", tmp_path)


@needs_shared
def test_dev_set_loads_whole():
    articles = load_speaker_set(SHARED / "data" / "bbc-speakers" / "dev.jsonl")
    assert (len(articles), sum(len(a.gold) for a in articles)) == (60, 614)
