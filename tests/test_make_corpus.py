"""scripts/make_corpus.py: a synthetic corpus recombined from analysed articles, deterministic by seed."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from saywho.cli.store import read_exported_record
from saywho.pipeline import extract
from saywho.store import Store

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_corpus.py"

BASE_TEXTS = [
    ("Minister backs plan", 'Minister backs plan\n\nJohn Prescott said the plan "will work for every region".\n\n'
     "The council said it would study the proposal.\n\nA spokesman said talks were continuing."),
    ("Senator warns on budget", 'Senator warns on budget\n\nElizabeth Warren said: "This budget fails families."\n\n'
     '"We will fight it," Warren added.\n\nThe White House said the budget was balanced.'),
    ("Talks resume", "Talks resume\n\nAngela Merkel said the talks would resume on Monday.\n\n"
     "Officials said progress had been made."),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("base") / "base.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for title, text in BASE_TEXTS:
            handle.write(json.dumps(extract(text, title=title).to_dict()) + "\n")
    return path


def generate(base: Path, tmp_path: Path, articles: int, seed: int) -> list[dict]:
    out = tmp_path / f"corpus-{seed}-{articles}.jsonl"
    subprocess.run([sys.executable, str(SCRIPT), "--articles", str(articles), "--seed", str(seed), "--base", str(base),
                    "-o", str(out)], check=True)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_the_same_seed_writes_the_same_corpus_and_another_seed_another(base, tmp_path):
    first = generate(base, tmp_path, 50, seed=7)
    assert generate(base, tmp_path, 50, seed=7) == first
    assert generate(base, tmp_path, 50, seed=8) != first


def test_every_statement_points_at_its_words_in_the_new_text(base, tmp_path):
    records = generate(base, tmp_path, 200, seed=1)
    statements = 0
    for record in records:
        for attribution in record["attributions"]:
            (start, end), = attribution["content"]["spans"][:1]
            assert record["text"][start:end] == attribution["content"]["text"]
            if attribution["cue"]:
                start, end = attribution["cue"]["spans"][0]
                assert record["text"][start:end] == attribution["cue"]["text"]
            statements += 1
    assert statements > len(records)  # recombined paragraphs keep their statements


def test_texts_are_unique_and_dates_publishers_and_names_vary(base, tmp_path):
    records = generate(base, tmp_path, 300, seed=3)
    hashes = {hashlib.sha256(r["text"].encode()).hexdigest() for r in records}
    assert len(hashes) == len(records)
    assert len({r["published"][:4] for r in records if r["published"]}) > 5
    assert len({r["publisher"] for r in records}) > 10
    people = Counter(a["speaker"]["name"] for r in records for a in r["attributions"]
                     if a["speaker"] and a["speaker"]["kind"] == "person")
    # Zipf-like: the base corpus's own people lead, made-up names form a long tail.
    (top, top_count), *_ = people.most_common()
    assert top in {"John Prescott", "Elizabeth Warren", "Angela Merkel"}
    assert sum(1 for n in people.values() if n == 1) > 10
    assert top_count > 5 * Counter(people.values()).most_common(1)[0][0]


def test_the_records_load_into_a_store_as_export_output_does(base, tmp_path):
    records = generate(base, tmp_path, 40, seed=2)
    with Store.open(tmp_path / "corpus.db") as store:
        for record in records:
            article, key = read_exported_record(json.dumps(record))
            store.add_article(article, key)
        counts = store.counts()
    assert counts["articles"] == 40
    assert counts["attributions"] == sum(len(r["attributions"]) for r in records)


def test_names_by_rank_are_distinct_far_into_the_tail():
    spec = importlib.util.spec_from_file_location("make_corpus", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    config = json.loads((SCRIPT.parent / "make_corpus.json").read_text())
    config["person_universe"] = 10
    names = module.Names(config, [], seed=0)
    ranks = range(0, 2_000_000, 997)
    assert len({names.name(r) for r in ranks}) == len(ranks)


def test_renamed_people_keep_no_alias_of_the_person_they_stand_in_for(base, tmp_path):
    records = generate(base, tmp_path, 200, seed=4)
    renamed = [s for r in records for s in r["speakers"]
               if s["kind"] == "person" and s["name"] not in {"John Prescott", "Elizabeth Warren", "Angela Merkel"}]
    assert renamed
    for speaker in renamed:
        assert not any(old in alias for alias in speaker["aliases"] for old in ("Prescott", "Warren", "Merkel")), speaker
        assert speaker["name"] in speaker["aliases"]
