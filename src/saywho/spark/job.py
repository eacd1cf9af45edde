"""The PySpark job: files from any Hadoop path in, four Parquet tables out.

    files (binaryFile source) -> read + language-tag per file -> [repartition] -> analyse
    -> articles / attributions / mentions (partitioned by publication month) + rejects

Re-runnable by construction: a run writes its tables into a staging folder beside
OUTPUT and only when all four are complete swaps it in for OUTPUT (two renames).
A killed run leaves OUTPUT as the last complete run left it; the next run deletes
the leftovers. So OUTPUT always holds the results of exactly one complete run and
no row can appear twice. Ids are hashes of content, so reruns give the same ids.

Runs on the driver; the per-partition work is in :mod:`saywho.spark.tasks`.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from saywho import __version__
from saywho.errors import InputError, SaywhoError
from saywho.ingest import IngestOptions
from saywho.pipeline import Options
from saywho.spark import rows
from saywho.spark.read import InputNames, documents_from_bytes
from saywho.spark.rows import reject_row
from saywho.spark.tasks import (
    FILE_READ,
    TABLES,
    TaskOptions,
    analyse_records,
    files_to_rows,
    read_files,
)

#: Written last into a complete output; its presence marks a folder saywho may replace.
MANIFEST = "_saywho.json"
#: Sibling folders of OUTPUT a run works in: ``.NAME.saywho-staging-RUN`` and ``.NAME.saywho-old-RUN``.
WORK_MARK = ".saywho-"
OUTPUT_FORMAT = "saywho-spark-tables"
OUTPUT_FORMAT_VERSION = 1

#: Spark's own ceiling on one file's bytes (a JVM array): the default of spark.sql.sources.binaryFile.maxLength.
MAX_FILE_BYTES = 2**31 - 1

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_GLOB_CHARS = "*?[{"

_SPARK_TYPES: dict[str, T.DataType] = {
    "string": T.StringType(),
    "long": T.LongType(),
    "int": T.IntegerType(),
    "double": T.DoubleType(),
    "bool": T.BooleanType(),
    "strings": T.ArrayType(T.StringType()),
}

TABLE_COLUMNS = {
    "articles": rows.ARTICLE_COLUMNS,
    "attributions": rows.ATTRIBUTION_COLUMNS,
    "mentions": rows.MENTION_COLUMNS,
    "rejects": rows.REJECT_COLUMNS,
}
PARTITIONED = ("articles", "attributions", "mentions")


class OutputError(SaywhoError):
    """OUTPUT cannot be (re)placed: it is something else's folder, or a rename failed."""


@dataclass(frozen=True, slots=True)
class JobOptions:
    """What the job reads and how it analyses: the flags of ``saywho extract`` plus Spark's own."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    analysis: Options = field(default_factory=Options)
    published: str | None = None
    #: Spread the documents over this many partitions before analysis (a shuffle).
    #: Worth it when a few large containers (WARC files) hold most articles; None reads
    #: and analyses each file in the task that read it.
    partitions: int | None = None


@dataclass(slots=True)
class RunReport:
    output: str
    files_partitions: int = 0
    articles: int = 0
    attributions: int = 0
    mentions: int = 0
    failed: int = 0
    skipped: int = 0
    #: Extractors (spaCy models) loaded by Python workers in this run: at most one per worker.
    model_loads: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (
            f"{self.articles} articles ({self.attributions} attributions, {self.mentions} speaker mentions) "
            f"in {self.seconds:.1f} s = {rate:.2f} articles/s; {self.skipped} skipped, {self.failed} failed "
            f"(see {self.output}/rejects); models loaded {self.model_loads}x"
        )


def spark_schema(columns: Sequence[tuple[str, str]]) -> T.StructType:
    return T.StructType([T.StructField(name, _SPARK_TYPES[kind], nullable=True) for name, kind in columns])


# --- Hadoop file system, through the driver's JVM ------------------------------------


class HadoopFS:
    """The few file operations the driver needs, on whatever file system a path names
    (local, HDFS, S3A, GCS ...), configured as the Spark session is."""

    def __init__(self, spark: SparkSession):
        self._jvm: Any = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()
        self._default_is_local = str(self._conf.get("fs.defaultFS", "file:///")).startswith("file:")

    def path(self, text: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(self._absolute(text))

    def _absolute(self, text: str) -> str:
        """A relative local path is relative to this process's folder, which the JVM's
        (fixed when it started) need not be. Elsewhere Hadoop's rules apply."""
        if _SCHEME.match(text) or text.startswith("/") or not self._default_is_local:
            return text
        return os.path.abspath(text)

    def fs(self, path: Any) -> Any:
        return path.getFileSystem(self._conf)

    def qualified(self, text: str) -> str:
        path = self.path(text)
        return self.fs(path).makeQualified(path).toString()

    def exists(self, text: str) -> bool:
        path = self.path(text)
        return bool(self.fs(path).exists(path))

    def is_dir(self, text: str) -> bool:
        path = self.path(text)
        fs = self.fs(path)
        return bool(fs.exists(path) and fs.getFileStatus(path).isDirectory())

    def has_files(self, text: str) -> bool:
        path = self.path(text)
        return bool(self.fs(path).listFiles(path, True).hasNext())

    def glob(self, text: str) -> list[str]:
        path = self.path(text)
        found = self.fs(path).globStatus(path)
        return [status.getPath().toString() for status in found] if found is not None else []

    def children(self, text: str) -> list[str]:
        path = self.path(text)
        fs = self.fs(path)
        if not fs.exists(path):
            return []
        return [status.getPath().toString() for status in fs.listStatus(path)]

    def rename(self, source: str, target: str) -> None:
        src, dst = self.path(source), self.path(target)
        if not self.fs(src).rename(src, dst):
            raise OutputError(f"cannot rename {source} to {target}")

    def delete(self, text: str) -> None:
        path = self.path(text)
        self.fs(path).delete(path, True)

    def write_text(self, text: str, content: str) -> None:
        path = self.path(text)
        stream = self.fs(path).create(path, True)
        try:
            stream.write(bytearray(content.encode("utf-8")))
        finally:
            stream.close()


# --- inputs ------------------------------------------------------------------------


@dataclass(slots=True)
class ResolvedInputs:
    #: Paths and glob patterns for Spark's ``binaryFile`` source, qualified.
    paths: list[str] = field(default_factory=list)
    names: list[tuple[str, str]] = field(default_factory=list)
    #: Inputs that name nothing readable, as rejects rows (stage "list").
    rejects: list[tuple[str, str, str, str]] = field(default_factory=list)


def _is_local(item: str) -> bool:
    return not _SCHEME.match(item) or item.startswith("file:")


def _given_prefix(text: str) -> str:
    """What ``saywho extract`` puts before a folder's file names: ``news`` for ``news/``, nothing for ``.``."""
    shown = str(Path(text))
    return "" if shown == "." else shown


def _glob_base(pattern: str) -> str:
    """The folders of a glob pattern before its first wildcard: ``news/2024`` of ``news/2024/*/a*.txt``."""
    first = min(i for i, ch in enumerate(pattern) if ch in _GLOB_CHARS)
    return pattern[: pattern.rfind("/", 0, first) + 1].rstrip("/") or ("/" if pattern.startswith("/") else ".")


def resolve_inputs(fs: HadoopFS, inputs: Sequence[str]) -> ResolvedInputs:
    """Check each input on the driver, as ``saywho extract`` does before reading: a
    missing path or an empty folder is a reject with extract's reason, not a failed job."""
    resolved = ResolvedInputs()
    for item in inputs:
        reject = _unreadable(item)
        if reject is not None:
            resolved.rejects.append((item, reject, "list", "failed"))
            continue
        local = _is_local(item)
        text = os.path.expanduser(item) if local else item
        if fs.exists(text):
            if fs.is_dir(text) and not fs.has_files(text):
                resolved.rejects.append((item, "folder holds no files", "list", "failed"))
                continue
            qualified = fs.qualified(text)
            resolved.paths.append(qualified)
            if local and not item.startswith("file:"):
                resolved.names.append((qualified, _given_prefix(text)))
        elif any(ch in text for ch in _GLOB_CHARS):
            if not fs.glob(text):
                resolved.rejects.append((item, "no file matches this pattern", "list", "failed"))
                continue
            resolved.paths.append(fs.qualified(text))
            if local and not item.startswith("file:"):
                base = _glob_base(text)
                resolved.names.append((fs.qualified(base), "" if base == "." else base))
        else:
            resolved.rejects.append((item, "no such file or directory", "list", "failed"))
    return resolved


def _unreadable(item: str) -> str | None:
    if item == "-":
        return "standard input cannot be read by a Spark job; save it to a file first"
    if item.lower().startswith(("http://", "https://")):
        return "URLs are not fetched by the Spark job; fetch them first (saywho extract reads URLs) or crawl them into a WARC"
    return None


class InputFiles:
    """Every file under the inputs, as Spark's ``binaryFile`` source lists and reads them.

    The source packs many small files into one partition and a large one alone
    (``spark.sql.files.maxPartitionBytes``, ``spark.sql.files.openCostInBytes``) and walks
    folders (``recursiveFileLookup``; names starting with ``_`` or ``.`` are left out, as
    Hadoop does). Two kinds of file never reach a task, and are rejects instead: files
    over ``spark.sql.sources.binaryFile.maxLength`` (they would fail their task) and
    zero-byte files (the source skips them unseen; ``saywho extract`` calls them empty).
    """

    def __init__(self, spark: SparkSession, paths: list[str], names: InputNames):
        self.spark = spark
        self.names = names
        self.limit = int(spark.conf.get("spark.sql.sources.binaryFile.maxLength", str(MAX_FILE_BYTES)) or MAX_FILE_BYTES)
        self.listing = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(paths) if paths else None

    def contents(self):
        """An RDD of ``(uri, bytes)`` rows, the files a task can read."""
        if self.listing is None:
            return self.spark.sparkContext.emptyRDD()
        return self.listing.where(F.col("length") <= self.limit).select("path", "content").rdd

    def too_large(self) -> list[tuple[str, str, str, str]]:
        """Decided from the listing alone (no file content is read)."""
        if self.listing is None:
            return []
        reason = "file too large for one Spark task: {:,} bytes, limit {:,} (spark.sql.sources.binaryFile.maxLength)"
        found = self.listing.where(F.col("length") > self.limit).select("path", "length").collect()
        return [(self.names.name(row.path), reason.format(row.length, self.limit), "list", "failed") for row in found]

    def empty_file_rejects(self, files_read: int, too_large: int, ingest: IngestOptions) -> list[tuple[str, str, str, str]]:
        """What ``saywho extract`` says of each zero-byte file, when the listing holds any."""
        if self.listing is None:
            return []
        listed = self.listing._jdf.inputFiles()  # a JVM array: only its length crosses over here
        if len(listed) == files_read + too_large:
            return []
        empty = [row.path for row in self._listed_frame(listed).subtract(self.listing.select("path")).collect()]
        return [
            reject_row(item, "ingest")
            for uri in sorted(empty)
            for item in documents_from_bytes(b"", self.names.name(uri), ingest)
            if isinstance(item, InputError)
        ]

    def _listed_frame(self, listed: Any) -> DataFrame:
        """The listing's file URIs (``file:///a%20b.txt``) as a frame of ``path`` values as the
        source reports them (``file:/a b.txt``), built in the JVM: millions of names need not
        pass through Python. (``ArraySeq.make`` is Scala 2.13's, which every PySpark 4 is built with.)"""
        jvm: Any = self.spark.sparkContext._jvm
        seq = jvm.scala.collection.mutable.ArraySeq.make(listed).toSeq()
        frame = DataFrame(self.spark._jsparkSession.createDataset(seq, jvm.org.apache.spark.sql.Encoders.STRING()).toDF(), self.spark)
        return frame.select(F.expr("url_decode(regexp_replace(value, '^file:///', 'file:/'))").alias("path"))


# --- output ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutputPlan:
    output: str
    staging: str
    old: str
    parent: str
    prefix: str


def plan_output(fs: HadoopFS, output: str, run_id: str) -> OutputPlan:
    """Where this run writes, after checking OUTPUT is ours to replace."""
    qualified = fs.qualified(os.path.expanduser(output) if _is_local(output) else output)
    path = fs.path(qualified)
    parent = path.getParent()
    if parent is None:
        raise OutputError(f"{output}: the output must be a folder below the root, not the root itself")
    if fs.exists(qualified):
        if not fs.is_dir(qualified):
            raise OutputError(f"{output}: exists and is a file; give a folder for the tables")
        if fs.children(qualified) and not fs.exists(f"{qualified}/{MANIFEST}"):
            raise OutputError(
                f"{output}: exists and is not the output of a saywho Spark run (no {MANIFEST}); "
                "refusing to replace it: give a new or empty folder"
            )
    prefix = f".{path.getName()}{WORK_MARK}"
    parent_text = parent.toString()
    return OutputPlan(
        output=qualified,
        staging=f"{parent_text.rstrip('/')}/{prefix}staging-{run_id}",
        old=f"{parent_text.rstrip('/')}/{prefix}old-{run_id}",
        parent=parent_text,
        prefix=prefix,
    )


def remove_leftovers(fs: HadoopFS, plan: OutputPlan) -> list[str]:
    """Delete the staging and old folders that killed runs on this OUTPUT left behind."""
    removed = []
    for child in fs.children(plan.parent):
        if child.rstrip("/").rsplit("/", 1)[-1].startswith(plan.prefix):
            fs.delete(child)
            removed.append(child)
    return removed


def commit_output(fs: HadoopFS, plan: OutputPlan) -> None:
    """Swap the complete staging folder in for OUTPUT. Between the two renames OUTPUT is
    briefly absent (never half-written); a run killed there is repaired by a rerun."""
    if fs.exists(plan.output):
        fs.rename(plan.output, plan.old)
    fs.rename(plan.staging, plan.output)
    if fs.exists(plan.old):
        fs.delete(plan.old)


# --- the job -----------------------------------------------------------------------


def _table_frame(spark: SparkSession, records, table: str) -> DataFrame:
    selected = records.filter(lambda record, wanted=table: record[0] == wanted).map(lambda record: record[1])
    return spark.createDataFrame(selected, schema=spark_schema(TABLE_COLUMNS[table]), verifySchema=False)


def _count_key(record: tuple[str, tuple[Any, ...]]) -> str:
    table, row = record
    return f"rejects:{row[3]}" if table == "rejects" else table


def run(spark: SparkSession, inputs: Sequence[str], output: str, options: JobOptions | None = None) -> RunReport:
    """Analyse every article under ``inputs`` and write the tables to ``output``; see the module doc."""
    options = options or JobOptions()
    started = time.perf_counter()
    sc = spark.sparkContext
    fs = HadoopFS(spark)
    run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    plan = plan_output(fs, output, run_id)
    remove_leftovers(fs, plan)

    resolved = resolve_inputs(fs, inputs)
    for path in resolved.paths:
        if (plan.output + "/").startswith(path.rstrip("/") + "/"):
            raise OutputError(f"{output}: the output lies inside the input {path}; a rerun would read its own tables")
    names = InputNames.of(resolved.names)
    task_options = TaskOptions(names=names, ingest=options.ingest, analysis=options.analysis, published=options.published)
    loads = sc.accumulator(0)
    listed = InputFiles(spark, resolved.paths, names)
    files = listed.contents()
    report = RunReport(output=plan.output, files_partitions=files.getNumPartitions())
    if options.partitions:
        documents = files.mapPartitions(partial(read_files, task_options)).repartition(options.partitions)
        records = documents.mapPartitions(partial(analyse_records, task_options, loads))
    else:
        records = files.mapPartitions(partial(files_to_rows, task_options, loads))
    records = records.persist(StorageLevel.MEMORY_AND_DISK)
    try:  # a failed run removes its staging folder (a killed one leaves it to the next run)
        counts = records.map(lambda record: (_count_key(record), 1)).countByKey()  # the analysis runs here
        too_large = listed.too_large()
        driver_rejects = resolved.rejects + too_large
        driver_rejects += listed.empty_file_rejects(counts.get(FILE_READ, 0), len(too_large), options.ingest)
        for table in TABLES:
            frame = _table_frame(spark, records, table)
            if table == "rejects":
                frame = frame.unionByName(spark.createDataFrame(driver_rejects, schema=spark_schema(rows.REJECT_COLUMNS)))
            writer = frame.write.mode("errorifexists")
            if table in PARTITIONED:
                writer = writer.partitionBy(rows.PARTITION_COLUMN)
            writer.parquet(f"{plan.staging}/{table}")
    except BaseException:
        fs.delete(plan.staging)
        raise
    finally:
        records.unpersist()

    report.articles = counts.get("articles", 0)
    report.attributions = counts.get("attributions", 0)
    report.mentions = counts.get("mentions", 0)
    report.skipped = counts.get("rejects:skipped", 0) + sum(1 for row in driver_rejects if row[3] == "skipped")
    report.failed = counts.get("rejects:failed", 0) + sum(1 for row in driver_rejects if row[3] == "failed")
    report.model_loads = loads.value
    report.seconds = time.perf_counter() - started
    fs.write_text(f"{plan.staging}/{MANIFEST}", json.dumps(_manifest(inputs, options, report, run_id), indent=1) + "\n")
    commit_output(fs, plan)
    return report


def _manifest(inputs: Sequence[str], options: JobOptions, report: RunReport, run_id: str) -> dict[str, Any]:
    return {
        "format": OUTPUT_FORMAT,
        "version": OUTPUT_FORMAT_VERSION,
        "saywho": __version__,
        "run": run_id,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "inputs": list(inputs),
        "options": {
            "ingest": asdict(options.ingest),
            "analysis": asdict(options.analysis),
            "published": options.published,
            "partitions": options.partitions,
        },
        "tables": {table: table for table in TABLES},
        "partitioned_by": rows.PARTITION_COLUMN,
        "counts": {
            "articles": report.articles,
            "attributions": report.attributions,
            "mentions": report.mentions,
            "rejects_failed": report.failed,
            "rejects_skipped": report.skipped,
        },
        "seconds": round(report.seconds, 3),
        "input_partitions": report.files_partitions,
        "model_loads": report.model_loads,
    }


__all__ = ["JobOptions", "OutputError", "RunReport", "run"]
