"""Learn saywho's cue lexicon from PolNeAR train (never dev or test).

For every lemma (with its coarse part of speech) this counts how often a token of
that lemma heads an annotated Cue span and how often it occurs at all; the ratio
is the prior that the word is a cue. It also learns, per dependency label, how
often a cue head's child with that label is part of the annotated cue ("has
said", "also said", "was asked"), so cue spans can be grown the way annotators
drew them.

    python scripts/build_cue_lexicon.py ../shared/data/polnear/train src/saywho/data/cues.tsv

Deterministic: same data and model give the same file.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

from saywho.nlp.model import load_model

MIN_CUE_COUNT = 2  # a lemma seen as a cue head once is mostly annotation noise


def read_corpus(folder: Path):
    """(name, text, [cue ranges per attribution]) for each article; first annotator file wins."""
    seen = set()
    for ann in sorted((folder / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        if name in seen:
            continue
        seen.add(name)
        text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
        spans, cues = {}, []
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if line.startswith("T") and len(fields) >= 2:
                label, ranges = fields[1].split(" ", 1)
                spans[fields[0]] = (label, [tuple(map(int, r.split())) for r in ranges.split(";")])
            elif line.startswith("E") and len(fields) >= 2:
                parts = dict(p.split(":", 1) for p in fields[1].split())
                cues.append(spans.get(parts.get("Cue", ""), (None, None))[1])
        yield name, text, [type("Gold", (), {"cue": c})() for c in cues]


def main(train_dir: str, out_path: str) -> None:
    nlp = load_model()
    seen: collections.Counter[tuple[str, str]] = collections.Counter()
    cued: collections.Counter[tuple[str, str]] = collections.Counter()
    child_in: collections.Counter[str] = collections.Counter()
    child_all: collections.Counter[str] = collections.Counter()
    word_in: collections.Counter[str] = collections.Counter()
    word_all: collections.Counter[str] = collections.Counter()
    docs = list(read_corpus(Path(train_dir)))
    for (_, _text, gold), doc in zip(docs, nlp.pipe((t for _, t, _ in docs), batch_size=16)):
        cue_chars: set[int] = set()
        heads: set[int] = set()
        for attribution in gold:
            if not attribution.cue:
                continue
            for start, end in attribution.cue:
                cue_chars.update(range(start, end))
            span_tokens = [t for t in doc if t.idx in cue_chars and any(s <= t.idx < e for s, e in attribution.cue)]
            inside = {t.i for t in span_tokens}
            for t in span_tokens:
                if t.head.i not in inside or t.head.i == t.i:
                    heads.add(t.i)
                    break
        for token in doc:
            key = (token.lemma_.lower(), token.pos_)
            seen[key] += 1
            if token.i in heads:
                cued[key] += 1
                for child in token.children:
                    child_all[child.dep_] += 1
                    key_word = f"{token.lemma_.lower()}|{child.dep_}|{child.lower_}"
                    word_all[key_word] += 1
                    if child.idx in cue_chars:
                        child_in[child.dep_] += 1
                        word_in[key_word] += 1
    rows = [
        (lemma, pos, cued[(lemma, pos)], seen[(lemma, pos)])
        for (lemma, pos) in cued
        if cued[(lemma, pos)] >= MIN_CUE_COUNT
    ]
    rows.sort(key=lambda r: (-r[2], r[0], r[1]))
    out = Path(out_path)
    with out.open("w", encoding="utf-8") as f:
        f.write("# lemma\tpos\tcue_count\tseen_count  (learned from PolNeAR train by scripts/build_cue_lexicon.py)\n")
        for lemma, pos, c, n in rows:
            f.write(f"{lemma}\t{pos}\t{c}\t{n}\n")
    children = {
        "by_dep": {dep: [child_in[dep], child_all[dep]] for dep in sorted(child_all) if child_all[dep] >= 20},
        # "point|prep|to": how often that very child word was inside the cue of that head lemma
        "by_word": {k: [word_in[k], word_all[k]] for k in sorted(word_all) if word_all[k] >= 3 and word_in[k] >= 2},
    }
    out.with_name("cue_children.json").write_text(json.dumps(children, indent=1, sort_keys=True) + "\n")
    print(f"{len(rows)} cue lemmas written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
