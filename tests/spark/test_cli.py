"""``saywho spark run``'s usage errors come before any Spark work (no Java needed to see them)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from saywho.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["news/"], "give at least one INPUT and the OUTPUT folder"),
        (["news/", "out/", "--cores", "2", "--master", "yarn"], "--cores is for local runs"),
        (["news/", "out/", "--published", "yesterday"], "--published 'yesterday' is not a YYYY-MM-DD date"),
    ],
)
def test_bad_usage_exits_2_with_a_reason(args, message):
    result = runner.invoke(app, ["spark", "run", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_spark_commands_are_listed():
    result = runner.invoke(app, ["spark", "--help"])
    assert result.exit_code == 0 and "run" in result.stdout
