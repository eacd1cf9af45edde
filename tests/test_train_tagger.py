"""The training script's own arithmetic (needs torch: ``pip install -e '.[train]'``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="training needs torch (pip install -e '.[train]')")


def _load_script(name: str):
    """The script as a module, loaded from its file (scripts/ is no package and is not put on sys.path)."""
    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


train_tagger = _load_script("train_tagger")


def test_weights_averaged_one_checkpoint_at_a_time_give_the_plain_mean():
    states = [{"w": torch.tensor([1.0, 2.0]), "ids": torch.tensor([0, 1])},
              {"w": torch.tensor([3.0, 6.0]), "ids": torch.tensor([0, 1])},
              {"w": torch.tensor([5.0, 1.0]), "ids": torch.tensor([0, 1])}]
    mean = states[0]
    for count, state in enumerate(states[1:], start=1):
        mean = train_tagger.add_to_mean(mean, count, state)
    assert torch.allclose(mean["w"], torch.tensor([3.0, 3.0]))


def test_integer_buffers_are_not_averaged():
    mean = train_tagger.add_to_mean({"ids": torch.tensor([0, 1, 2])}, 1, {"ids": torch.tensor([0, 1, 2])})
    assert mean["ids"].dtype == torch.int64
    assert mean["ids"].tolist() == [0, 1, 2]
