"""The Spark job in local mode: the same results as ``saywho extract``, re-runnable without
duplicates, bad inputs as rejects, tables the store can load."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from saywho.cli import app
from saywho.output import ROW_FIELDS
from saywho.spark import tables
from spark.spark_support import TEST_CORES, needs_spark

pytestmark = [needs_spark, pytest.mark.slow]

runner = CliRunner()
#: Inputs that name nothing: the job must report them, as extract does, and go on.
MISSING = ("nowhere/missing.txt", "news/*.nomatch")


def inputs_of(corpus: Path) -> list[str]:
    return [str(corpus), str(corpus.parent / MISSING[0]), str(corpus / MISSING[1])]


@pytest.fixture(scope="module")
def job(spark, corpus, tmp_path_factory):
    """One run over the corpus, with a shuffle before analysis so work spreads over both cores."""
    from saywho.spark.job import JobOptions, run

    output = tmp_path_factory.mktemp("spark-out") / "tables"
    report = run(spark, inputs_of(corpus), str(output), JobOptions(partitions=4))
    return output, report


def error_line(line: str) -> tuple[str, str]:
    """``saywho: skipped: INPUT: REASON`` or ``saywho: error: ...`` as (reject kind, "INPUT: REASON")."""
    label, message = line.removeprefix("saywho: ").split(": ", 1)
    return ({"error": "failed", "skipped": "skipped"}[label], message)


@pytest.fixture(scope="module")
def extracted(corpus, tmp_path_factory):
    """``saywho extract`` on the same inputs: JSONL, Parquet rows and the error lines."""
    folder = tmp_path_factory.mktemp("extract")
    results = {}
    for fmt in ("jsonl", "parquet"):
        target = folder / f"out.{fmt}"
        result = runner.invoke(app, ["extract", *inputs_of(corpus), "-o", str(target)])
        assert result.exit_code == 1  # some inputs fail; the others are written
        results[fmt] = target
        errors = {error_line(line) for line in result.stderr.splitlines() if line.startswith("saywho: ")}
    articles = {a["input"]: a for a in map(json.loads, results["jsonl"].read_text(encoding="utf-8").splitlines())}
    return articles, pq.read_table(results["parquet"]).to_pylist(), errors


def test_articles_are_identical_to_saywho_extract(job, extracted):
    output, report = job
    articles, _, _ = extracted
    from_spark = {a.input: a.to_dict() for a in tables.read_articles(str(output))}
    assert sorted(from_spark) == sorted(articles)
    assert len(articles) == report.articles == 8
    for name, article in articles.items():
        assert from_spark[name] == article, name


def test_attribution_rows_are_identical_to_extract_parquet(job, extracted):
    output, report = job
    _, extract_rows, _ = extracted
    spark_rows = [{f: r[f] for f in ROW_FIELDS} for r in tables.read_rows(str(output), "attributions")]
    def key(row):
        return (row["input"], row["content_start"], row["content_end"], row["type"])
    assert sorted(spark_rows, key=key) == sorted(extract_rows, key=key)
    assert report.attributions == len(extract_rows) > 0


def test_rejects_hold_every_error_extract_reports_with_its_stage(job, extracted):
    output, report = job
    _, _, errors = extracted
    rejects = list(tables.read_rows(str(output), "rejects"))
    assert {(r["kind"], f"{r['input']}: {r['reason']}") for r in rejects} == errors
    by_input = {Path(r["input"]).name: (r["stage"], r["kind"]) for r in rejects}
    assert by_input["missing.txt"] == ("list", "failed")
    assert by_input["cut-short.txt.gz"] == ("ingest", "failed")
    assert by_input["note-fr.txt"] == ("ingest", "skipped")
    assert report.failed + report.skipped == len(rejects)


def test_tables_are_partitioned_by_publication_month(job):
    output, _ = job
    assert tables.is_table_output(str(output))
    months = {p.name for p in (output / "articles").iterdir() if p.is_dir()}
    assert months == {"published_month=2024-01", "published_month=2024-03", "published_month=2024-04", "published_month=unknown"}
    for row in tables.read_rows(str(output), "attributions"):
        assert row["published_month"] == (row["published"] or "unknown")[:7]


def test_each_python_worker_loads_the_model_once(job):
    _, report = job
    assert 1 <= report.model_loads <= TEST_CORES  # four partitions, at most one load per worker


def test_a_rerun_after_a_killed_run_replaces_the_output_without_duplicates(job, corpus, spark):
    output, first = job
    before = {r["attribution_id"] for r in tables.read_rows(str(output), "attributions")}
    # What a run killed mid-write leaves: its staging folder beside the output.
    leftover = output.parent / f".{output.name}.saywho-staging-killed" / "articles" / "_temporary"
    leftover.mkdir(parents=True)
    # The rerun goes through the command line, without the shuffle: the other code path.
    result = runner.invoke(app, ["spark", "run", *inputs_of(corpus), str(output)])
    assert result.exit_code == 1, result.output  # some inputs failed, as before
    assert "8 articles" in result.stderr
    after = [r["attribution_id"] for r in tables.read_rows(str(output), "attributions")]
    assert sorted(after) == sorted(before) and len(after) == len(set(after)) == first.attributions
    assert len(list(tables.read_articles(str(output)))) == first.articles
    assert sorted(p.name for p in output.parent.iterdir()) == [output.name]
    assert spark.sparkContext._jsc is not None  # the test session was not stopped by the command


def test_files_spark_cannot_hand_to_a_task_are_rejects_not_a_failed_job(spark, tmp_path):
    from saywho.spark.job import run

    news = tmp_path / "news"
    news.mkdir()
    (news / "short.txt").write_text('"Fine," said Jo Park, who runs the cafe on the corner of Mill Lane.', encoding="utf-8")
    (news / "long.txt").write_text("The mayor said so. " * 100, encoding="utf-8")
    (news / "zero.txt").write_bytes(b"")
    spark.conf.set("spark.sql.sources.binaryFile.maxLength", "1000")
    try:
        report = run(spark, [str(news)], str(tmp_path / "out"))
    finally:
        spark.conf.unset("spark.sql.sources.binaryFile.maxLength")
    rejects = {Path(r["input"]).name: (r["reason"], r["stage"]) for r in tables.read_rows(str(tmp_path / "out"), "rejects")}
    assert rejects == {
        "long.txt": ("file too large for one Spark task: 1,900 bytes, limit 1,000 (spark.sql.sources.binaryFile.maxLength)", "list"),
        "zero.txt": ("empty file", "ingest"),
    }
    assert (report.articles, report.failed) == (1, 2)


def test_an_output_inside_an_input_is_refused(spark, corpus):
    from saywho.spark.job import OutputError, run

    with pytest.raises(OutputError, match="lies inside the input"):
        run(spark, [str(corpus)], str(corpus / "tables"))
    assert not (corpus / "tables").exists()


def test_a_folder_that_is_not_a_saywho_output_is_never_replaced(spark, corpus, tmp_path):
    from saywho.spark.job import OutputError, run

    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("draft", encoding="utf-8")
    with pytest.raises(OutputError, match="not the output of a saywho Spark run"):
        run(spark, [str(corpus / "local")], str(precious))
    assert [p.name for p in precious.iterdir()] == ["chapter1.tex"]


def test_the_store_loads_the_tables_once(job, tmp_path):
    from saywho.store import Store

    output, report = job
    # The crawl holds the HTML page of the corpus again: the store keeps one article per text.
    articles = list(tables.read_rows(str(output), "articles", ("content_hash", "attributions")))
    distinct = {row["content_hash"]: row["attributions"] for row in articles}
    assert len(distinct) == report.articles - 1
    with Store.open(str(tmp_path / "corpus.db")) as store:
        first = tables.load_tables(store, str(output))
        second = tables.load_tables(store, str(output))
        counts = store.counts()
    assert (first.stored, first.skipped, first.attributions) == (len(distinct), 1, sum(distinct.values()))
    assert (second.stored, second.skipped) == (0, report.articles)
    assert (counts["articles"], counts["attributions"]) == (first.stored, first.attributions)
    assert (first.failed, first.ignored) == (report.failed, report.skipped)


def test_a_folder_without_the_manifest_is_not_read_as_tables(tmp_path):
    (tmp_path / "articles").mkdir()
    assert not tables.is_table_output(str(tmp_path))
    with pytest.raises(tables.TableError, match="not a complete saywho Spark output"):
        list(tables.read_articles(str(tmp_path)))


def test_ingesting_the_tables_tallies_the_rejects_by_reason_without_a_line_each(job, tmp_path):
    output, report = job
    result = CliRunner().invoke(app, ["ingest", str(output), "--db", str(tmp_path / "corpus.db"), "-q"])
    assert result.exit_code == 1  # the run had failed inputs
    lines = result.stderr.splitlines()
    assert not [line for line in lines if line.startswith("saywho: ")]  # the rejects table names them
    tallied = [line for line in lines if " failed: " in line or " skipped: " in line]
    assert sum(int(line.split()[0].replace(",", "")) for line in tallied) == report.failed + report.skipped
    assert "1 skipped: language is 'fr', not en" in tallied
