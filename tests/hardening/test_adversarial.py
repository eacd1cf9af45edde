"""Each hostile input of adversarial.py as a test: a clear per-input error or valid output, never a crash.

Inputs are generated in tmp_path at test time; the gigabyte gzip bombs are built
from a repeated compressed block, so they cost a few megabytes on disk.
"""

from __future__ import annotations

import pytest

from saywho.testing.adversarial import CASES, Case, run_case


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else []) for c in CASES])
def test_hostile_input_gives_valid_output_or_a_clear_per_input_error(case: Case, tmp_path):
    outcomes = run_case(case, tmp_path)
    behaviour = case.expect(outcomes)
    assert behaviour
