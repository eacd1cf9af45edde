"""Sidecar metadata for plain-text corpora: a CSV/TSV row per article adds publisher, date, title.

Research corpora often ship bare ``.txt`` files with a table beside them (PolNeAR's
``metadata.tsv``). ``saywho ingest --metadata TABLE`` joins that table on the file
name (with or without extension) and fills only what the document lacks.

Recognised columns (case-insensitive): the key is ``filename``, ``file``, ``input`` or
``id``; values are ``publisher``; ``published``, ``publication_date`` or ``date``;
``title``; ``url``; ``author`` or ``authors`` (``;``-separated).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path, PurePath

from saywho.errors import InputError
from saywho.models import Document

KEY_COLUMNS = ("filename", "file", "input", "id")
DATE_COLUMNS = ("published", "publication_date", "date")


class Metadata:
    def __init__(self, rows: dict[str, dict[str, str]], source: str):
        self.rows = rows
        self.source = source

    @classmethod
    def load(cls, path: str | Path) -> Metadata:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise InputError(str(path), f"cannot read metadata table: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise InputError(str(path), "metadata table is not UTF-8") from None
        delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") or "\t" in text.split("\n", 1)[0] else ","
        reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
        columns = {c.lower().strip(): c for c in reader.fieldnames or []}
        key = next((columns[c] for c in KEY_COLUMNS if c in columns), None)
        if key is None:
            raise InputError(str(path), f"metadata table needs a key column ({', '.join(KEY_COLUMNS)}); it has {', '.join(columns) or 'none'}")
        rows: dict[str, dict[str, str]] = {}
        for row in reader:
            normalised = {k.lower().strip(): (v or "").strip() for k, v in row.items() if k}
            name = (row.get(key) or "").strip()
            if name:
                rows[PurePath(name).name] = normalised
        return cls(rows, str(path))

    def row_for(self, document: Document) -> dict[str, str] | None:
        name = PurePath(document.input.split("#", 1)[0]).name
        return self.rows.get(name) or self.rows.get(PurePath(name).stem)

    def apply(self, document: Document) -> Document:
        """Fill the document's missing metadata from its row (nothing is overwritten)."""
        row = self.row_for(document)
        if row is None:
            return document
        document.publisher = document.publisher or _value(row.get("publisher"))
        document.title = document.title or _value(row.get("title"))
        document.url = document.url or _value(row.get("url"))
        if not document.published:
            date = next((row[c] for c in DATE_COLUMNS if _value(row.get(c))), None)
            document.published = date if date and _is_date(date[:10]) else document.published
        if not document.authors:
            authors = _value(row.get("authors") or row.get("author"))
            document.authors = [a.strip() for a in authors.split(";") if a.strip()] if authors else []
        return document


def _value(text: str | None) -> str | None:
    """Empty cells and the literal "None" that some exports write mean no value."""
    if text is None or text.strip() in ("", "None", "NULL", "null", "NA"):
        return None
    return text.strip()


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
