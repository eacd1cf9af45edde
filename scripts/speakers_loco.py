"""Leave one category out: are the speaker resolver's distances tuned to the articles they were chosen on?

For each BBC News category of the speaker set, the distances in ``SpeakerConfig``
are chosen on the other four (best speaker accuracy + kind accuracy over a small
grid) and measured on the one left out, beside the shipped configuration's
figures on it. Parsing and attribution finding run once per article and engine;
only resolution reruns per configuration.

    python scripts/speakers_loco.py ../shared/data/bbc-speakers/dev.jsonl --engine rules --engine tagger
"""

from __future__ import annotations

import argparse
import copy
import itertools
from pathlib import Path

from saywho.evaluate.speakers import CATEGORIES, SpeakerCounts, load_speaker_set, score
from saywho.nlp import speakers
from saywho.pipeline import ENGINES, Extractor, Options, find_statements

GRID = {
    "lookback_sentences": (2, 4, 8, 12),
    "lead_sentences": (2, 3, 4),
    "forward_reach_chars": (600, 1200, 2400),
}


def prepared(articles, engine):
    extractor = Extractor(Options(raw=True, engine=engine))
    out = []
    for article in articles:
        shell, analysed = extractor._prepare(article.document())
        doc = extractor._parse(analysed)
        out.append((doc, find_statements(doc, title=shell.title, engine=engine)))
    return out


def resolved(parsed, config):
    predictions = []
    for doc, found in parsed:
        found = copy.deepcopy(found)
        speakers.resolve(doc, found, config)
        predictions.append(found)
    return predictions


def figure(counts: SpeakerCounts) -> float:
    return counts.speaker_accuracy + counts.kind_accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", type=Path)
    parser.add_argument("--engine", action="append", choices=ENGINES)
    args = parser.parse_args()
    articles = load_speaker_set(args.set)
    shipped = speakers.SpeakerConfig.default()
    configs = [speakers.SpeakerConfig(*values) for values in itertools.product(*GRID.values())]
    for engine in args.engine or ["rules"]:
        parsed = prepared(articles, engine)
        runs = {config: score(articles, resolved(parsed, config)) for config in configs}
        print(f"\n{engine}: held-out category | distances chosen on the other four | speaker / kind accuracy there | shipped distances there")
        for held_out in CATEGORIES:
            def others(config, runs=runs, held_out=held_out):  # bound now: used within this iteration
                total = SpeakerCounts()
                for category, counts in runs[config].by_category.items():
                    if category != held_out:
                        total.add(counts)
                return figure(total)

            best = max(configs, key=lambda c: (others(c), c == shipped))
            chosen, ours = runs[best].by_category[held_out], runs[shipped].by_category[held_out]
            print(
                f"  {held_out:13} | {best.lookback_sentences:2} / {best.lead_sentences} / {best.forward_reach_chars:4} "
                f"| {chosen.speaker_accuracy:.3f} / {chosen.kind_accuracy:.3f} | {ours.speaker_accuracy:.3f} / {ours.kind_accuracy:.3f}"
            )
        overall = runs[shipped].overall
        print(f"  all, shipped ({shipped.lookback_sentences} / {shipped.lead_sentences} / {shipped.forward_reach_chars}): {overall.speaker_accuracy:.3f} / {overall.kind_accuracy:.3f}")


if __name__ == "__main__":
    main()
