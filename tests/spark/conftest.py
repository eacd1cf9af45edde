"""Fixtures of the Spark tests: a small mixed corpus and one local-mode SparkSession."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from spark.spark_support import SPARK_MISSING, TEST_CORES, build_corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("spark-corpus"))


@pytest.fixture(scope="session")
def spark():
    """One local[2] session for every Spark test (starting one costs ~15 s)."""
    if SPARK_MISSING:
        pytest.skip(SPARK_MISSING)
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master(f"local[{TEST_CORES}]")
        .appName("saywho-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
