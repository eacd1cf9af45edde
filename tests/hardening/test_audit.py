""".ci/audit.sh: fails on a known vulnerability, notes (and passes) when no database answers.

A stand-in pip-audit plays the vulnerability service, so the three outcomes are tested
offline; the real tool's JSON report has the same shape.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_PIP_AUDIT = '''#!{python}
import json, os, sys
args = sys.argv[1:]
requirements = open(args[args.index("--requirement") + 1]).read()
output = args[args.index("--output") + 1]
mode = os.environ["FAKE_AUDIT_MODE"]
canary = "jinja2==2.10" in requirements
vulnerable = (canary and mode != "offline") or (not canary and mode == "vulnerable")
deps = [{{"name": "jinja2" if canary else "urllib3", "version": "2.10" if canary else "1.0",
          "vulns": [{{"id": "PYSEC-0000-1", "fix_versions": ["9.9"]}}] if vulnerable else []}}]
json.dump({{"dependencies": deps}}, open(output, "w"))
sys.exit(1 if vulnerable else 0)
'''


@pytest.fixture
def fake_tool(tmp_path) -> Path:
    venv = tmp_path / "audit-venv"
    (venv / "bin").mkdir(parents=True)
    tool = venv / "bin" / "pip-audit"
    tool.write_text(FAKE_PIP_AUDIT.format(python=sys.executable))
    tool.chmod(0o755)
    return venv


@pytest.mark.parametrize(("mode", "exit_code", "says"), [
    ("vulnerable", 1, "PYSEC-0000-1"),
    ("clean", 0, "audit: ok"),
    ("offline", 0, "NOT audited"),
])
def test_audit_fails_on_a_vulnerability_and_only_notes_an_unreachable_database(fake_tool, mode, exit_code, says):
    env = {**os.environ, "SAYWHO_AUDIT_VENV": str(fake_tool), "FAKE_AUDIT_MODE": mode, "PYTHON": sys.executable}
    result = subprocess.run(["bash", str(ROOT / ".ci" / "audit.sh")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert says in result.stdout + result.stderr
