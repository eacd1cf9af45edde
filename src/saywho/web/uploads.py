"""One uploaded article, from the browser's form or the API, into the store.

The bytes are read by ingest's own reader and stored by the same ``ingest`` function
``saywho ingest`` runs, so an upload is hashed, skipped when already stored, analysed
and added exactly as the same file given to the command line would be.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from fastapi import HTTPException, UploadFile

from saywho.errors import InputError
from saywho.ingest import IngestOptions, tag_language
from saywho.isodates import parse_date
from saywho.models import Document
from saywho.options import Options
from saywho.store import Store, content_hash
from saywho.store.ingest import ingest

#: Largest upload accepted, in bytes: far above any news article, far below harm.
MAX_UPLOAD_BYTES = 5_000_000

#: What an upload is read with: ingest's defaults (English only), capped at the upload limit.
UPLOAD_INGEST = IngestOptions(max_bytes=MAX_UPLOAD_BYTES)

#: One analysis at a time: spaCy is CPU-bound and the model is shared by every thread.
_analysis = threading.Lock()


@dataclass(frozen=True, slots=True)
class StoredUpload:
    id: int
    #: False when the same text was stored already (by an earlier upload or an ingest).
    created: bool
    attributions: int


def store_upload(
    store: Store, file: UploadFile, title: str | None, published: str | None, publisher: str | None,
    options: Options | None = None,
) -> StoredUpload:
    """Analyse one uploaded article (HTML or text) and store it, unless its text is stored already.

    Anything wrong with the upload (too large, a bad date, binary, another language, too
    long to analyse) is a 400 or 413 naming the file and the problem. ``options``: the
    analysis (``Options()``, the tagger, unless the server was started with another engine)."""
    document = upload_document(file, title, published, publisher)
    key = content_hash(document)  # only to find the article afterwards: ingest hashes it itself
    failures: list[InputError] = []
    with _analysis:
        report = ingest(store, [document], options=options, on_error=failures.append)
    if failures:  # too long, nothing but scraping junk: the sender's to fix
        raise HTTPException(400, str(failures[0]))
    article_id = store.article_id_for_hash(key)
    assert article_id is not None  # stored now, or before
    if report.stored:
        return StoredUpload(article_id, True, report.attributions)
    stored = store.article(article_id)
    assert stored is not None
    return StoredUpload(article_id, False, len(stored["attribution_ids"]))


def upload_document(file: UploadFile, title: str | None, published: str | None, publisher: str | None) -> Document:
    """The uploaded file as ingest reads it, with the form's metadata over what the file says."""
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    name = file.filename or "upload.txt"
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"{name}: larger than {MAX_UPLOAD_BYTES} bytes")
    if published:
        try:
            published = parse_date(published)
        except ValueError as error:
            raise HTTPException(400, f"published: {error}") from None
    document = read_upload(data, name)
    document.title = title or document.title
    document.published = published or document.published
    document.publisher = publisher or document.publisher
    return document


def read_upload(data: bytes, name: str) -> Document:
    """One uploaded file as ingest reads it: format detection, HTML extraction, encoding
    detection, binary refusal, language check and the size limit; or a 400 naming the
    file and what is wrong."""
    # The readers bring trafilatura and lxml (0.4 s): loaded by the first upload, not by
    # every `saywho serve` start.
    from saywho.ingest.sources import bytes_kind, read_bytes

    label = f"upload:{name}"
    kind = bytes_kind(data, name)
    if kind in ("jsonl", "warc"):
        raise HTTPException(400, f"{label}: a {kind.upper()} file holds many articles; upload one HTML or text "
                                 "article, or use saywho ingest")
    try:
        (item,) = read_bytes(data, label, UPLOAD_INGEST)
        if isinstance(item, InputError):
            raise item
        return tag_language(item, UPLOAD_INGEST)
    except InputError as error:  # binary, undecodable, empty, another language, too large
        raise HTTPException(400, str(error)) from None
