"""``saywho spark run``: the extraction of ``saywho extract`` as an Apache Spark job.

Registered on the main app by ``register(app)``. Needs the ``spark`` extra
(``pip install 'saywho[spark]'``) and Java 17+; see docs/spark.md.

Exit codes as in :mod:`saywho.cli`: 1 some input failed (its reason is in the rejects
table; everything else was written), 2 bad usage, 3 the output could not be written.
"""

from __future__ import annotations

import os
import re
import sys
from types import ModuleType
from typing import Annotated, Any

import typer

from saywho.cli._common import ANALYSIS_OPTIONS as A
from saywho.cli._common import (
    EXIT_INPUT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT_FAILED,
    EXIT_USAGE,
    AllLanguagesOpt,
    EngineOpt,
    KeepJunkOpt,
    LanguageOpt,
    MaxBytesOpt,
    MaxCharsOpt,
    MinConfidenceOpt,
    ModeAliasOpt,
    ModelOpt,
    PublishedOpt,
    RawOpt,
    SpeechOnlyOpt,
    TimeLimitOpt,
    analysis_options,
    command_group,
    fail,
    published_date,
    reading_options,
)

spark_app = command_group("spark", "Run saywho on Apache Spark (local mode or a cluster): millions of articles to Parquet tables.")


@spark_app.callback()
def _spark() -> None:
    """Run saywho on Apache Spark: see docs/spark.md."""


def _parse_conf(pairs: list[str]) -> dict[str, str]:
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"--conf takes KEY=VALUE, not {pair!r}")
        conf[key.strip()] = value
    return conf


#: Where a local run's driver listens: this machine only.
LOOPBACK = "127.0.0.1"


def session_conf(master: str | None, conf: dict[str, str]) -> dict[str, str]:
    """The Spark settings of a run: ours first, the user's --conf over them.

    In local mode the driver binds to and advertises 127.0.0.1, so nothing it listens on
    (block manager, RPC) is reachable from the network. A cluster run (``--master`` not
    local, or under spark-submit) keeps Spark's own choice: set ``spark.driver.host`` and
    ``spark.driver.bindAddress`` there with --conf (see docs/spark.md).
    """
    settings: dict[str, str] = {}
    if master is not None and master.startswith("local"):
        settings["spark.ui.enabled"] = "false"
        settings["spark.driver.bindAddress"] = LOOPBACK
        settings["spark.driver.host"] = LOOPBACK
    settings["spark.ui.showConsoleProgress"] = "true" if sys.stderr.isatty() else "false"
    return {**settings, **conf}


def spark_session(master: str | None, conf: dict[str, str]):
    """The session to run in: the active one (under ``spark-submit``, or in tests), else a new one.

    Returns ``(session, created)``; only a session created here is stopped afterwards.
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    under_submit = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started the JVM and set the master
    master = master or (None if under_submit else "local[*]")
    builder = SparkSession.builder.appName("saywho")
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        # Python workers must be this interpreter (it has saywho and the model), not
        # whatever `python3` is first on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # Spark picks the machine's network address when the host name resolves to loopback;
        # a laptop run must not open driver ports to the network.
        os.environ.setdefault("SPARK_LOCAL_IP", LOOPBACK)
    for key, value in session_conf(master, conf).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel(conf.get("saywho.log.level", "WARN"))
    return session, True


@spark_app.command("run")
def run_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT... OUTPUT",
            help="Files, folders or glob patterns on any Hadoop file system (local, hdfs://, s3a://), "
            "then the output folder for the Parquet tables.",
            show_default=False,
        ),
    ],
    cores: Annotated[
        int | None, typer.Option("--cores", "-c", min=1, metavar="N", help="Run locally on this many cores (local[N]).")
    ] = None,
    master: Annotated[
        str | None, typer.Option("--master", metavar="URL", help="Spark master URL (yarn, spark://host:7077, k8s://...). Default: local[*], or spark-submit's.")
    ] = None,
    partitions: Annotated[
        int | None, typer.Option("--partitions", min=1, metavar="N", help="Spread documents over N partitions before analysis (worth it for a few large WARC files).")
    ] = None,
    conf: Annotated[
        list[str] | None, typer.Option("--conf", metavar="KEY=VALUE", help="Spark setting KEY=VALUE; repeat for several.")
    ] = None,
    raw: RawOpt = A["raw"],
    keep_junk: KeepJunkOpt = A["keep_junk"],
    published: PublishedOpt = A["published"],
    min_confidence: MinConfidenceOpt = A["min_confidence"],
    speech_only: SpeechOnlyOpt = A["speech_only"],
    model: ModelOpt = A["model"],
    engine: EngineOpt = A["engine"],
    mode: ModeAliasOpt = A["mode"],
    language: LanguageOpt = A["language"],
    all_languages: AllLanguagesOpt = A["all_languages"],
    max_bytes: MaxBytesOpt = A["max_bytes"],
    max_chars: MaxCharsOpt = A["max_chars"],
    time_limit: TimeLimitOpt = A["time_limit"],
) -> None:
    """Analyse every article under INPUT... on Spark; write Parquet tables to OUTPUT.

    OUTPUT/articles, OUTPUT/attributions, OUTPUT/mentions (partitioned by publication
    month) and OUTPUT/rejects (inputs that gave no article, with the reason). A rerun
    replaces OUTPUT whole, only once it has finished: never duplicates, never half.

    Examples:

        saywho spark run news/ out/ --cores 2
        saywho spark run crawl/*.warc.gz out/ --partitions 64
        spark-submit --master yarn $(python -m saywho.spark.submit --path) s3a://bucket/cc-news/ s3a://bucket/out/
    """
    if len(paths) < 2:
        fail("give at least one INPUT and the OUTPUT folder", EXIT_USAGE)
    *inputs, output = paths
    if cores is not None and master is not None:
        fail("--cores is for local runs (local[N]); with --master, set spark.executor.cores with --conf", EXIT_USAGE)
    published = published_date(published)
    analysis = analysis_options(raw=raw, keep_junk=keep_junk, min_confidence=min_confidence, speech_only=speech_only,
                                model=model, engine=engine, mode=mode, max_chars=max_chars, time_limit=time_limit)
    job = _job()
    options = job.JobOptions(
        ingest=reading_options(language=language, all_languages=all_languages, max_bytes=max_bytes),
        analysis=analysis,
        published=published,
        partitions=partitions,
    )
    session, created = spark_session(master or (f"local[{cores}]" if cores else None), _parse_conf(conf or []))
    report = _run(job, session, created, inputs, output, options)
    typer.echo(report.summary(), err=True)
    if report.failed:
        raise typer.Exit(EXIT_INPUT_FAILED)


def _run(job: ModuleType, session: Any, created: bool, inputs: list[str], output: str, options: Any) -> Any:
    """The job's report; a failure of the job as a whole is one line (OUTPUT is left as it was)."""
    try:
        return job.run(session, inputs, output, options)
    except job.OutputError as error:
        fail(str(error), EXIT_OUTPUT_FAILED)
    except KeyboardInterrupt:
        fail(f"interrupted; {output} is as the last complete run left it", EXIT_INTERRUPTED)
    except Exception as error:
        if not _is_spark_failure(error):
            raise
        fail(f"the Spark job failed, {output} is as the last complete run left it: {job_failure_reason(error)}", EXIT_OUTPUT_FAILED)
    finally:
        if created:
            session.stop()


def _job() -> ModuleType:
    """``saywho.spark.job``, or a usage error saying how to install what it needs."""
    try:
        from saywho.spark import job
    except ModuleNotFoundError as missing:
        if missing.name and missing.name.split(".")[0] in ("pyspark", "py4j"):
            fail("PySpark is not installed: pip install 'saywho[spark]' (and Java 17+, see docs/spark.md)", EXIT_USAGE)
        raise
    return job


def _is_spark_failure(error: Exception) -> bool:
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return isinstance(error, (Py4JError, PySparkException))


#: The last line of a Python traceback: ``package.module.ErrorName: message``.
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?([A-Z]\w*(?:Error|Exception|NotFound|Exit)): (.+)$")


def job_failure_reason(error: Exception) -> str:
    """The one line that says why: the executor's Python exception inside Spark's wrapping
    (a worker without the model, a file system without credentials), else Spark's first line."""
    lines = [line.strip().removeprefix(": ") for line in str(error).splitlines()]
    found = [match for line in lines if (match := _EXCEPTION_LINE.match(line))]
    saywho = [m for m in found if m.group(0).startswith("saywho.")]
    if saywho or found:
        match = (saywho or found)[-1]
        return f"{match.group(1)}: {match.group(2)}"
    return next((line for line in lines if line), type(error).__name__)


def register(app: typer.Typer) -> None:
    app.add_typer(spark_app, name="spark")
