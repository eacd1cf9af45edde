"""Issue 21, item 16: a local Spark run listens on this machine only; a cluster run keeps
Spark's (and the user's) own choice of driver address."""

from __future__ import annotations

import pytest

from saywho.cli.spark import session_conf


@pytest.mark.parametrize("master", ["local[*]", "local[2]", "local"])
def test_a_local_run_binds_and_advertises_loopback(master):
    settings = session_conf(master, {})
    assert settings["spark.driver.bindAddress"] == "127.0.0.1"
    assert settings["spark.driver.host"] == "127.0.0.1"


@pytest.mark.parametrize("master", ["yarn", "spark://head:7077", "k8s://https://k8s.example:6443", None])
def test_a_cluster_run_leaves_the_driver_address_to_spark(master):
    settings = session_conf(master, {})
    assert "spark.driver.bindAddress" not in settings and "spark.driver.host" not in settings


def test_the_users_conf_wins(master="local[*]"):
    settings = session_conf(master, {"spark.driver.host": "10.0.0.5", "spark.driver.memory": "4g"})
    assert settings["spark.driver.host"] == "10.0.0.5" and settings["spark.driver.memory"] == "4g"
    assert settings["spark.driver.bindAddress"] == "127.0.0.1"
