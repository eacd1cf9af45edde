#!/usr/bin/env python
"""Ingest benchmark: body F1 on the article-extraction pages (ours vs trafilatura alone,
same run), cleaned vs raw html2text dumps, ingest throughput for HTML and WARC, and
duplicates in BBC News.

    .venv/bin/python scripts/bench_ingest.py                # markdown table on stdout
    .venv/bin/python scripts/bench_ingest.py --repeat 5 --output docs/_bench_ingest.md

Needs ../shared (read-only). Throughput is the median of ``--repeat`` runs; the
machine is shared, so compare ratios measured in one run rather than absolute figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import trafilatura

from saywho.evaluate.extraction import Score, score_outputs
from saywho.ingest import IngestOptions, iter_documents
from saywho.ingest.clean import clean_document
from saywho.ingest.dedup import find_duplicates
from saywho.models import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SAYWHO_SHARED", ROOT.parent / "shared"))
BENCH = SHARED / "data" / "article-extraction"
BBC = SHARED / "data" / "bbc-news"
#: Every language is kept here: the benchmark pages are scored whatever their language.
ALL_LANGUAGES = IngestOptions(languages=())


def body_of(document: Document) -> str:
    """The body without the title paragraph ingest puts first (the benchmark scores bodies)."""
    if document.title and document.text.startswith(document.title):
        return document.text[len(document.title) :].lstrip()
    return document.text


def page_id(input_name: str) -> str:
    return Path(input_name.split("#", 1)[0]).name.split(".", 1)[0]


def timed(run: Callable[[], object], repeat: int) -> tuple[object, float]:
    """The result of the last run and the median seconds over ``repeat`` runs."""
    seconds = []
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return result, statistics.median(seconds)


def warc_record(url: str, html: bytes) -> bytes:
    block = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(html)}\r\n\r\n".encode() + html
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def fmt(s: Score) -> str:
    return f"{s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f}"


def run(repeat: int) -> str:
    truth_data = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {k: v["articleBody"] for k, v in truth_data.items()}
    pages = sorted((BENCH / "html").glob("*.html.gz"))
    lines = ["| what | F1 | precision | recall |", "|---|---|---|---|"]

    # 1. HTML pages: trafilatura alone (its defaults) and our ingest, same pages, same run.
    raw_pages = {p.name.split(".", 1)[0]: gzip.decompress(p.read_bytes()) for p in pages}
    alone, alone_seconds = timed(lambda: {k: trafilatura.extract(h) or "" for k, h in raw_pages.items()}, repeat)

    def ours_html() -> dict[str, str]:
        return {page_id(d.input): body_of(d) for d in iter_documents([str(p) for p in pages], ALL_LANGUAGES) if isinstance(d, Document)}

    ours, ours_seconds = timed(ours_html, repeat)
    lines.append(f"| trafilatura alone (`extract(html)`, defaults), {len(pages)} pages | {fmt(score_outputs(alone, truth))} |")  # type: ignore[arg-type]
    lines.append(f"| saywho ingest (trafilatura, no comments, precision mode) | {fmt(score_outputs(ours, truth))} |")  # type: ignore[arg-type]

    # 2. The same pages as html2text saw them (the seed's situation).
    dumps = {k: v["articleBody"] for k, v in json.loads((BENCH / "reference-outputs" / "html2text.json").read_text())["output"].items()}
    cleaned, clean_seconds = timed(lambda: {k: clean_document(Document(k, v)).text for k, v in dumps.items()}, repeat)
    lines.append(f"| html2text dump, raw | {fmt(score_outputs(dumps, truth))} |")
    lines.append(f"| html2text dump, cleaned by saywho | {fmt(score_outputs(cleaned, truth))} |")  # type: ignore[arg-type]

    # 3. WARC: the same pages as one CC-NEWS-like WARC.gz (a gzip member per record).
    with tempfile.TemporaryDirectory() as folder:
        warc = Path(folder) / "pages.warc.gz"
        warc.write_bytes(b"".join(gzip.compress(warc_record(truth_data[k]["url"], h)) for k, h in raw_pages.items()))
        from_warc, warc_seconds = timed(lambda: [d for d in iter_documents([str(warc)], ALL_LANGUAGES) if isinstance(d, Document)], repeat)
    warc_docs = len(from_warc)  # type: ignore[arg-type]

    # 4. Duplicates in BBC News (texts as ingest reads them).
    bbc_files = sorted(BBC.glob("*/*.txt"))
    texts = [(d.input, d.text) for d in iter_documents([str(p) for p in bbc_files], ALL_LANGUAGES) if isinstance(d, Document)]
    report, dedup_seconds = timed(lambda: find_duplicates(texts), repeat)

    n = len(pages)
    speed = [
        "",
        f"| throughput (median of {repeat} runs) | pages/s |",
        "|---|---|",
        f"| trafilatura alone on in-memory HTML | {n / alone_seconds:.1f} |",
        f"| saywho ingest, HTML files (.html.gz: read, extract, date, language) | {n / ours_seconds:.1f} |",
        f"| saywho ingest, WARC.gz ({warc_docs} HTML records) | {warc_docs / warc_seconds:.1f} |",
        f"| saywho clean, html2text dumps | {len(dumps) / clean_seconds:.1f} |",
        "",
        f"BBC News ({len(texts)} texts): {report.exact_duplicates} exact duplicates in {len(report.exact)} groups, "  # type: ignore[attr-defined]
        f"{report.near_duplicates} near duplicates in {len(report.near)} groups (threshold 0.8), "  # type: ignore[attr-defined]
        f"{len(texts) / dedup_seconds:.0f} texts/s.",
    ]
    return "\n".join(lines + speed) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per throughput figure (median reported)")
    parser.add_argument("--output", type=Path, help="also write the table here (atomically)")
    args = parser.parse_args()
    if not BENCH.is_dir():
        print(f"benchmark data not found at {BENCH}", file=sys.stderr)
        return 2
    table = run(max(1, args.repeat))
    sys.stdout.write(table)
    if args.output:
        temporary = args.output.with_suffix(args.output.suffix + ".tmp")
        temporary.write_text(table, encoding="utf-8")
        os.replace(temporary, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
