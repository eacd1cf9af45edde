"""The atheris harness itself works: a short coverage-guided run per cheap target, and a
replayed input. The long runs are scripts/fuzz.py (figures in docs/reliability.md)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).with_name("fuzz_entry_point.py")
RUNS = 300

pytestmark = pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed (pip install atheris)")


def run_harness(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(HARNESS), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.mark.parametrize("target", ["query", "decode", "jsonl"])
def test_a_short_fuzz_run_executes_and_finds_nothing(target, tmp_path):
    result = run_harness(target, f"-runs={RUNS}", "-print_final_stats=1", f"-artifact_prefix={tmp_path}/", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    executed = re.search(r"stat::number_of_executed_units:\s+(\d+)", result.stderr)
    assert executed and int(executed.group(1)) >= RUNS
    assert not list(tmp_path.glob("crash-*"))


def test_a_saved_input_replays_through_the_same_target(tmp_path):
    saved = tmp_path / "input"
    saved.write_bytes(b"\x00\x01hello \xff world")
    result = run_harness("--replay", "query", str(saved), cwd=tmp_path)
    assert result.returncode == 0 and "passes now" in result.stdout


def test_an_unknown_target_is_refused(tmp_path):
    result = run_harness("no-such-target", cwd=tmp_path)
    assert result.returncode == 2 and "unknown target" in result.stderr
