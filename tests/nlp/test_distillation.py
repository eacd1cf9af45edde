"""A teacher's probabilities read onto the student's word-pieces (``soft_targets``, distillation)."""

from __future__ import annotations

import numpy as np

from saywho.nlp.tagger.training import soft_targets


def probabilities(*rows: float) -> np.ndarray:
    """(pieces, 1 role, 3 labels): one distinguishable row per teacher piece."""
    return np.array([[[value, 1 - value, 0.0]] for value in rows])


def test_pieces_split_alike_take_the_teachers_own_rows():
    offsets = [(0, 3), (4, 9), (9, 12)]
    soft = soft_targets(np.array(offsets), probabilities(0.1, 0.2, 0.3), offsets)
    assert np.allclose(soft[:, 0, 0], [0.1, 0.2, 0.3])


def test_a_piece_the_teacher_did_not_split_takes_the_row_of_the_piece_it_falls_in():
    teacher = np.array([(0, 3), (4, 12)])  # "say" "spokesman"
    student = [(0, 3), (4, 9), (9, 12)]  # "say" "spokes" "##man"
    soft = soft_targets(teacher, probabilities(0.1, 0.7), student)
    assert np.allclose(soft[:, 0, 0], [0.1, 0.7, 0.7])


def test_a_piece_before_the_teachers_first_takes_the_first_row():
    soft = soft_targets(np.array([(2, 5)]), probabilities(0.4), [(0, 1), (2, 5)])
    assert np.allclose(soft[:, 0, 0], [0.4, 0.4])
    assert soft.dtype == np.float32
