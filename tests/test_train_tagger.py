"""The training script's own arithmetic (saywho.nlp.tagger.training) (needs torch: ``pip install -e '.[train]'``)."""

from __future__ import annotations

import pytest

from saywho.nlp.tagger.training import add_to_mean

torch = pytest.importorskip("torch", reason="training needs torch (pip install -e '.[train]')")


def test_weights_averaged_one_checkpoint_at_a_time_give_the_plain_mean():
    states = [{"w": torch.tensor([1.0, 2.0]), "ids": torch.tensor([0, 1])},
              {"w": torch.tensor([3.0, 6.0]), "ids": torch.tensor([0, 1])},
              {"w": torch.tensor([5.0, 1.0]), "ids": torch.tensor([0, 1])}]
    mean = states[0]
    for count, state in enumerate(states[1:], start=1):
        mean = add_to_mean(mean, count, state)
    assert torch.allclose(mean["w"], torch.tensor([3.0, 3.0]))


def test_integer_buffers_are_not_averaged():
    mean = add_to_mean({"ids": torch.tensor([0, 1, 2])}, 1, {"ids": torch.tensor([0, 1, 2])})
    assert mean["ids"].dtype == torch.int64
    assert mean["ids"].tolist() == [0, 1, 2]
