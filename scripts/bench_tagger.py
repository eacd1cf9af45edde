"""Benchmark (not a test): the trained tagger against the rules and a BERT-base-sized tagger.

Speed: articles/s end to end on BBC News, each mode in a fresh process (so peak
memory is that mode's own), one thread per process (saywho scales with
``--jobs``, one process per core), the same articles, timed ``--repeats`` times
after a warm-up; medians reported. Modes:

``rules``        saywho's pipeline with the rule-based extractor (clean, spaCy parse,
                 attributions, speakers, dates)
``tagger``       the same pipeline with the trained tagger for attributions (ONNX int8)
``tagger-only``  the trained tagger alone on raw text, no spaCy (no speaker resolution)
``bert-base``    a BERT-base-sized token classifier (12 layers, 768 hidden, 9 labels,
                 random weights: no BERT-base checkpoint is available offline, and
                 speed does not depend on the weights) run with torch on the same
                 windows; the tagger forward pass only, nothing else of the pipeline

Accuracy (``--dev``): exact/overlap F1 per role on PolNeAR dev for the ``rules`` and ``tagger`` engines.

    python scripts/bench_tagger.py --dev ../shared/data/polnear/dev --limit 200 --repeats 3 \
        --markdown docs/_bench_model.md

``bert-base`` needs torch and transformers (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BBC = ROOT.parent / "shared" / "data" / "bbc-news"
#: The engines (``saywho.pipeline.ENGINES``, not imported here: spaCy loads only in the runs) and two baselines.
MODES = ("rules", "tagger", "tagger-only", "bert-base")
#: Articles run before the clock starts (model load, lazy imports, allocator warm-up).
WARMUP = 5


def pick_articles(folder: Path, limit: int) -> list[str]:
    """Every k-th article of the sorted list, so a subset covers all five topics."""
    paths = sorted(folder.glob("*/*.txt"))
    if not paths:
        sys.exit(f"error: {folder}: no */*.txt articles (expected the bbc-news layout)")
    step = max(1, len(paths) // limit)
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths[::step][:limit]]


def pipeline_runner(engine: str):
    from saywho.models import Document
    from saywho.pipeline import Extractor, Options

    extractor = Extractor(Options(engine=engine))

    def run(texts: list[str]) -> int:
        documents = (Document(input=f"bbc-{i}", text=t) for i, t in enumerate(texts))
        return sum(len(a.attributions) for a in extractor.analyse_many(documents))

    return run


def tagger_runner():
    from saywho.nlp import tagger

    model = tagger.get_model()
    return lambda texts: sum(len(tagger.attributions_from_text(t, model)) for t in texts)


def bert_runner():
    import numpy as np
    import torch
    from transformers import BertConfig, BertForTokenClassification

    from saywho.nlp import tagger

    torch.manual_seed(0)
    torch.set_num_threads(1)
    bert = BertForTokenClassification(BertConfig(num_labels=len(tagger.ROLES) * tagger.LABELS_PER_ROLE)).eval()
    tokenizer = tagger.load_tokenizer(tagger.MODEL_DIR / "tokenizer.json")  # the same uncased BERT vocabulary
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")

    def run(texts: list[str]) -> int:
        spans = 0
        for text in texts:
            encoding = tokenizer.encode(text, add_special_tokens=False)
            bounds = tagger.window_bounds(len(encoding.ids))
            outputs = []
            for first in range(0, len(bounds), tagger.BATCH_WINDOWS):
                batch = bounds[first : first + tagger.BATCH_WINDOWS]
                width = max(e - s for s, e in batch) + 2
                ids = torch.zeros((len(batch), width), dtype=torch.long)
                mask = torch.zeros_like(ids)
                for row, (s, e) in enumerate(batch):
                    ids[row, : e - s + 2] = torch.tensor([cls_id, *encoding.ids[s:e], sep_id])
                    mask[row, : e - s + 2] = 1
                with torch.no_grad():
                    logits = bert(input_ids=ids, attention_mask=mask).logits[:, 1:-1].numpy()
                outputs.extend(logits[row] for row in range(len(batch)))
            if bounds:
                probs = tagger.role_probabilities(tagger.stitch(len(encoding.ids), bounds, outputs))
                spans += int((np.argmax(probs, axis=-1) == tagger.BEGIN).sum())
        return spans

    return run


def child(mode: str, bbc: Path, limit: int, repeats: int) -> None:
    """Time one mode in this process and print JSON (run by the parent in a fresh process)."""
    os.environ["SAYWHO_THREADS"] = "1"
    texts = pick_articles(bbc, limit)
    run = {"rules": lambda: pipeline_runner("rules"), "tagger": lambda: pipeline_runner("tagger"),
           "tagger-only": tagger_runner, "bert-base": bert_runner}[mode]()
    run(texts[:WARMUP])
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        found = run(texts)
        seconds.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(json.dumps({"mode": mode, "articles": len(texts), "seconds": seconds, "found": found, "peak_mb": peak_mb}))


def time_modes(modes: list[str], bbc: Path, limit: int, repeats: int) -> dict[str, dict]:
    results = {}
    for mode in modes:
        command = [sys.executable, __file__, "--child", mode, "--bbc", str(bbc), "--limit", str(limit), "--repeats", str(repeats)]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            print(f"{mode} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["per_second"] = result["articles"] / statistics.median(result["seconds"])
        results[mode] = result
        print(f"{mode:12s} {result['per_second']:7.2f} articles/s  peak {result['peak_mb']:6.0f} MB", flush=True)
    return results


def dev_scores(dev: Path) -> dict[str, dict]:
    """Document- and sentence-level F1 on PolNeAR dev for the rules and the model (same scorer as ``saywho eval``)."""
    from saywho.evaluate.polnear import (
        load_polnear,
        run_saywho,
        score_run,
        sentence_bounds,
    )

    articles = load_polnear(dev)
    bounds = sentence_bounds([a.text for a in articles])
    out = {}
    from saywho.pipeline import ENGINES as EXTRACTORS

    for mode in EXTRACTORS:
        scores = score_run(articles, run_saywho(articles, engine=mode), bounds)
        out[mode] = {
            "exact": {r: c.f1 for r, c in scores.roles["exact"].items()},
            "overlap": {r: c.f1 for r, c in scores.roles["overlap"].items()},
            "sentence_exact": {r: c.f1 for r, c in scores.sentences["exact"].items()},
            "attribution_overlap": scores.attributions["overlap"].f1,
        }
        print(f"{mode}: {json.dumps(out[mode])}", flush=True)
    return out


def markdown(speed: dict[str, dict], accuracy: dict[str, dict], command: str) -> str:
    lines = [
        f"<!-- generated by: {command} -->",
        "",
        "| mode | exact F1 source / cue / content | overlap F1 content | attribution overlap F1 | articles/s (1 thread) | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    for mode in MODES:
        if mode not in speed and mode not in accuracy:
            continue
        acc = accuracy.get("tagger" if mode == "tagger-only" else mode)
        f1 = (
            " / ".join(f"{acc['exact'][r]:.3f}" for r in ("source", "cue", "content")) if acc and mode != "tagger-only" else "—"
        )
        ov = f"{acc['overlap']['content']:.3f}" if acc and mode != "tagger-only" else "—"
        att = f"{acc['attribution_overlap']:.3f}" if acc and mode != "tagger-only" else "—"
        if mode == "bert-base":
            f1 = ov = att = "(speed stand-in, untrained)"
        sp = speed.get(mode)
        rate = f"{sp['per_second']:.2f}" if sp else "—"
        mem = f"{sp['peak_mb']:.0f} MB" if sp else "—"
        lines.append(f"| {mode} | {f1} | {ov} | {att} | {rate} | {mem} |")
    if "tagger" in speed and "bert-base" in speed:
        ratio = speed["tagger"]["per_second"] / speed["bert-base"]["per_second"]
        lines += ["", f"The tagger engine end to end is **{ratio:.1f}x** the speed of the BERT-base-sized tagger's forward pass alone (same run)."]
    if accuracy.get("tagger"):
        sent = accuracy["tagger"]["sentence_exact"]
        lines += ["", "Sentence-level exact F1 (model): " + ", ".join(f"{r} {sent[r]:.3f}" for r in ("source", "cue", "content"))]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bbc", type=Path, default=DEFAULT_BBC)
    parser.add_argument("--dev", type=Path, default=None, help="PolNeAR dev folder: also score rules and model")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--markdown", type=Path, default=None, help="write the table here (atomically)")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.bbc, args.limit, args.repeats)
        return
    accuracy = dev_scores(args.dev) if args.dev else {}
    speed = time_modes(args.modes.split(","), args.bbc, args.limit, args.repeats)
    table = markdown(speed, accuracy, "python " + " ".join(sys.argv))
    print(table)
    if args.markdown:
        with tempfile.NamedTemporaryFile("w", dir=args.markdown.parent, delete=False, encoding="utf-8") as handle:
            handle.write(table)
        os.replace(handle.name, args.markdown)


if __name__ == "__main__":
    main()
