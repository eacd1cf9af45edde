"""Writing articles out: JSONL, JSON, CSV, Parquet, and a table for people.

Files are written atomically: into a temporary file beside the target, renamed
over it only when everything was written. An interrupted run leaves the old
file (or none), never half of a new one.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from .models import Article

Format = Literal["jsonl", "json", "csv", "parquet", "table"]
FORMATS: tuple[str, ...] = ("jsonl", "json", "csv", "parquet", "table")

#: One row per attribution in CSV and Parquet.
ROW_FIELDS = (
    "input",
    "title",
    "published",
    "publisher",
    "type",
    "act",
    "speaker",
    "speaker_kind",
    "speaker_descriptors",
    "cue",
    "source",
    "content",
    "content_start",
    "content_end",
    "when",
    "when_date",
    "confidence",
    "headline",
)


def format_for_path(path: str | None) -> Format | None:
    if path is None:
        return None
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"jsonl": "jsonl", "ndjson": "jsonl", "json": "json", "csv": "csv", "parquet": "parquet", "txt": "table"}.get(suffix)  # type: ignore[return-value]


def attribution_rows(article: Article) -> Iterator[dict[str, Any]]:
    for a in article.attributions:
        yield {
            "input": article.input,
            "title": article.title,
            "published": article.published,
            "publisher": article.publisher,
            "type": a.type,
            "act": a.act,
            "speaker": a.speaker.name if a.speaker else None,
            "speaker_kind": a.speaker.kind if a.speaker else None,
            "speaker_descriptors": "; ".join(a.speaker.descriptors) if a.speaker else None,
            "cue": a.cue.text if a.cue else None,
            "source": a.source.text if a.source else None,
            "content": a.content.text,
            "content_start": a.content.start,
            "content_end": a.content.end,
            "when": a.when.text if a.when else None,
            "when_date": a.when.date if a.when else None,
            "confidence": a.confidence,
            "headline": a.headline,
        }


@contextlib.contextmanager
def atomic_file(path: str, mode: str = "w") -> Iterator[IO[Any]]:
    """A file object whose content replaces ``path`` only if the block completes."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a normal file respects the umask
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Writer:
    """Streams articles to one destination in one format."""

    def __init__(self, handle: IO[str] | None, fmt: Format, path: str | None = None, console_width: int | None = None):
        self.handle = handle
        self.format = fmt
        self.path = path
        self.count = 0
        self._csv: csv.DictWriter | None = None
        self._rows: list[dict[str, Any]] = []
        self._width = console_width

    def write(self, article: Article) -> None:
        if self.format == "jsonl":
            assert self.handle is not None
            self.handle.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
        elif self.format == "json":
            assert self.handle is not None
            self.handle.write(("[\n" if self.count == 0 else ",\n") + json.dumps(article.to_dict(), ensure_ascii=False, indent=1))
        elif self.format == "csv":
            assert self.handle is not None
            if self._csv is None:
                self._csv = csv.DictWriter(self.handle, fieldnames=ROW_FIELDS, lineterminator="\n")
                self._csv.writeheader()
            for row in attribution_rows(article):
                self._csv.writerow(row)
        elif self.format == "parquet":
            self._rows.extend(attribution_rows(article))
        elif self.format == "table":
            assert self.handle is not None
            render_table(article, self.handle, width=self._width)
        self.count += 1
        if self.handle is not None and self.format in ("jsonl", "csv"):
            self.handle.flush()

    def close(self) -> None:
        if self.format == "json" and self.handle is not None:
            self.handle.write("[]\n" if self.count == 0 else "\n]\n")
        if self.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            assert self.path is not None, "parquet needs -o FILE"
            table = pa.Table.from_pylist(self._rows, schema=_parquet_schema()) if self._rows else _parquet_schema().empty_table()
            with atomic_file(self.path, "wb") as handle:
                pq.write_table(table, handle)


def _parquet_schema():
    import pyarrow as pa

    types = {"content_start": pa.int64(), "content_end": pa.int64(), "confidence": pa.float64(), "headline": pa.bool_()}
    return pa.schema([(name, types.get(name, pa.string())) for name in ROW_FIELDS])


def render_table(article: Article, handle: IO[str], width: int | None = None) -> None:
    """The readable view: one row per attribution (speaker, type, cue, content)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=handle, width=width or 120, force_terminal=handle in (sys.stdout, sys.stderr) and handle.isatty())
    heading = article.title or article.input
    table = Table(title=f"{heading}  [dim]({article.input})[/dim]", title_justify="left", show_lines=False, expand=True)
    table.add_column("speaker", ratio=2, overflow="fold")
    table.add_column("type", ratio=1)
    table.add_column("cue", ratio=1, overflow="fold")
    table.add_column("content", ratio=6, overflow="fold")
    for a in article.attributions:
        speaker = a.speaker.name if a.speaker else "[dim]-[/dim]"
        if a.speaker and a.speaker.kind not in ("person",):
            speaker += f" [dim]({a.speaker.kind})[/dim]"
        kind = a.type + (" [dim](belief)[/dim]" if a.act == "belief" else "")
        cue = a.cue.text if a.cue else "[dim]headline[/dim]" if a.headline else "[dim]continued[/dim]"
        table.add_row(_escape(speaker, markup=True), kind, _escape(cue, markup=not a.cue), _escape(a.content.text))
    console.print(table)
    if not article.attributions:
        console.print("[dim]no attributions found[/dim]")


def _escape(text: str, markup: bool = False) -> str:
    from rich.markup import escape

    return text if markup else escape(text)


def write_all(articles: Iterable[Article], fmt: Format, path: str | None = None) -> int:
    """Write every article to ``path`` (atomically) or stdout; return how many."""
    if path is None:
        writer = Writer(sys.stdout, fmt)
        for article in articles:
            writer.write(article)
        writer.close()
        return writer.count
    if fmt == "parquet":
        writer = Writer(None, fmt, path)
        for article in articles:
            writer.write(article)
        writer.close()
        return writer.count
    with atomic_file(path) as handle:
        writer = Writer(handle, fmt, path)
        for article in articles:
            writer.write(article)
        writer.close()
    return writer.count


__all__ = ["FORMATS", "Writer", "atomic_file", "attribution_rows", "format_for_path", "render_table", "write_all"]
