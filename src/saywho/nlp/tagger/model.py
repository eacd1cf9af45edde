"""Model loading: the ONNX encoder, its tokenizer, calibration and tuned config."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from saywho.errors import SaywhoError
from saywho.nlp.tagger.calibration import Calibration
from saywho.nlp.tagger.config import MODEL_DIR, TaggerConfig
from saywho.nlp.tagger.features import FEATURE_INPUTS, feature_batch

__all__ = ["MODEL_DIR", "TaggerModel", "get_model", "load_tokenizer"]


class TaggerModel:
    """The ONNX encoder, its tokenizer, calibration and tuned config; load once per process
    (:func:`get_model`). ``config`` defaults to the one recorded with the model (:meth:`TaggerConfig.for_model`)."""

    def __init__(self, directory: Path = MODEL_DIR, threads: int | None = None, config: TaggerConfig | None = None):
        try:
            import onnxruntime
        except ImportError as error:  # pragma: no cover - depends on the environment
            # Both are in saywho's base install: only a broken environment lacks them.
            raise SaywhoError(f"the tagger needs onnxruntime and tokenizers ({error}): reinstall saywho, or use --engine rules") from error
        model_path = directory / "model.onnx"
        if not model_path.is_file():
            raise SaywhoError(f"no tagger model at {model_path}; train one with scripts/train_tagger.py")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or int(os.environ.get("SAYWHO_THREADS", "0")) or 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = load_tokenizer(directory / "tokenizer.json")
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0
        self.calibration = Calibration.load(directory / "calibration.json")
        self.config = config or TaggerConfig.for_model(directory)
        #: Which of :func:`token_features`' arrays the model reads (none for the oldest models,
        #: case and quote state for models trained without the parse).
        inputs = {i.name for i in self.session.get_inputs()}
        self.feature_inputs = tuple(name for name in FEATURE_INPUTS if name in inputs)
        self._lock = threading.Lock()

    @property
    def reads_features(self) -> bool:
        return bool(self.feature_inputs)

    @property
    def reads_parse(self) -> bool:
        return "dep_ids" in self.feature_inputs

    def logits(self, windows: list[list[int]], features: list[np.ndarray] | None = None) -> np.ndarray:
        """Raw scores (windows, tokens, roles * labels) for batches of token-id windows
        (and, for a model that reads them, the windows' :func:`token_features`)."""
        width = max(len(w) for w in windows) + 2
        ids = np.full((len(windows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        for row, window in enumerate(windows):
            ids[row, : len(window) + 2] = [self.cls_id, *window, self.sep_id]
            mask[row, : len(window) + 2] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self.reads_features and features is not None:
            batch = feature_batch(features, width)
            feeds.update((name, batch[name]) for name in self.feature_inputs)
        with self._lock:  # onnxruntime sessions are thread-safe, but one run at a time keeps memory flat
            (out,) = self.session.run(None, feeds)
        return out[:, 1:-1, :]


def load_tokenizer(path: Path):
    """The word-piece tokenizer, whole-text: windows are cut by :func:`window_bounds`, not by truncation."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


@lru_cache(maxsize=1)
def get_model() -> TaggerModel:
    """The process-wide tagger (loaded on first use)."""
    return TaggerModel()
