"""The JSON API under /api: the same data as the pages, described by /openapi.json.

Reads are open. Writes (upload, tags, bookmarks, merges, splits, speaker fixes) need
``Authorization: Bearer <token>`` and are refused on a server started without one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import StreamingResponse

from saywho.models import AttributionType, SpeakerKind
from saywho.output import spreadsheet_safe
from saywho.store import RESULT_COLUMNS, SearchQuery, Store
from saywho.store.curation import MAX_SUGGESTIONS
from saywho.store.store import MAX_PAGE_SIZE
from saywho.web import schemas
from saywho.web.deps import AuthDep, StoreDep, UploadOptionsDep, api_writer
from saywho.web.uploads import store_upload

router = APIRouter(prefix="/api", tags=["corpus"])

#: Bytes of CSV gathered before they are sent: large enough to keep writes few.
CSV_CHUNK_BYTES = 65536


def search_query(
    q: str | None = Query(None, description='Words that must all occur; "quote" a phrase.'),
    speaker: str | None = Query(None, description="Speaker id, or part of a speaker's name or alias."),
    publisher: str | None = None,
    since: str | None = Query(None, description="Published on or after, YYYY-MM-DD."),
    until: str | None = Query(None, description="Published on or before, YYYY-MM-DD."),
    type: AttributionType | None = None,
    kind: SpeakerKind | None = None,
    tag: str | None = None,
    bookmarked: bool = False,
    all_copies: bool = Query(False, alias="all", description="Every copy of a statement. By default the copies of one statement in the "
                      "wire copies of one story are one result, whose copies field says how many articles carry it."),
    limit: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0),
    after: str | None = Query(None, max_length=400, description="The next_after cursor of the page before: the next "
                              "page, as fast deep into the results as the first (offset counts from there)."),
) -> SearchQuery:
    return SearchQuery(text=q or None, speaker=speaker or None, publisher=publisher or None, since=since or None,
                       until=until or None, type=type, kind=kind, tag=tag or None, bookmarked=bookmarked,
                       all_copies=all_copies, limit=limit, offset=offset, after=after or None)


SearchDep = Annotated[SearchQuery, Depends(search_query)]


@router.get("/stats", response_model=schemas.Stats)
def stats(store: StoreDep, auth: AuthDep):
    return {**store.counts(), "dialect": store.dialect, "writable": auth.writable}


@router.get("/search", response_model=schemas.SearchResults, summary="Search statements")
def search(store: StoreDep, query: SearchDep):
    page = store.search(query)
    return {"total": page.total, "limit": query.limit, "offset": query.offset, "results": page.rows,
            "next_after": page.next_after}


@router.get("/search.csv", summary="Every statement of a search, as CSV", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}})
def search_csv(
    store: StoreDep,
    query: SearchDep,
    raw: bool = Query(False, description="Cells exactly as stored. By default a cell starting with = + - @ tab or CR "
                      "gets a leading ' so a spreadsheet shows it as text instead of running it as a formula."),
):
    query.validate()
    return StreamingResponse(_csv_rows(store, query, raw), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="saywho-search.csv"'})


def _csv_rows(store: Store, query: SearchQuery, raw: bool) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RESULT_COLUMNS)
    for row in store.iter_search(query):
        cells = ["|".join(v) if isinstance(v := row.get(c), list) else ("" if v is None else v) for c in RESULT_COLUMNS]
        writer.writerow(cells if raw else [spreadsheet_safe(cell) for cell in cells])
        if buffer.tell() > CSV_CHUNK_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get("/search.jsonl", summary="Every statement of a search, as JSON lines", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def search_jsonl(store: StoreDep, query: SearchDep):
    query.validate()
    return StreamingResponse(_json_lines(store, query), media_type="application/x-ndjson; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="saywho-search.jsonl"'})


def _json_lines(store: Store, query: SearchQuery) -> Iterator[str]:
    for row in store.iter_search(query):
        yield json.dumps({c: row.get(c) for c in RESULT_COLUMNS}, ensure_ascii=False) + "\n"


@router.get("/articles", response_model=schemas.ArticleList, summary="Articles, in the order stored")
def articles(
    store: StoreDep,
    title: str | None = Query(None, description="Words that must all occur in the title (any case)."),
    publisher: str | None = Query(None, description="The publisher as stored (any case)."),
    since: str | None = Query(None, description="Published on or after, YYYY-MM-DD."),
    until: str | None = Query(None, description="Published on or before, YYYY-MM-DD."),
    limit: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0),
):
    page = store.articles(title=title or None, publisher=publisher or None, since=since or None, until=until or None,
                          limit=limit, offset=offset)
    return {"total": page.total, "limit": limit, "offset": offset, "results": page.rows}


@router.get("/articles/{article_id}", response_model=schemas.StoredArticle)
def article(store: StoreDep, article_id: int):
    stored = store.article(article_id)
    if stored is None:
        raise HTTPException(404, f"no article {article_id}")
    return {
        "id": stored["id"], "content_hash": stored["content_hash"], "ingested_at": stored["ingested_at"],
        "attribution_ids": stored["attribution_ids"],
        "corpus_speakers": {local: s["id"] for local, s in stored["speakers"].items()},
        "article": stored["article"].to_dict(),
    }


@router.post("/articles", response_model=schemas.UploadResult, dependencies=[Depends(api_writer)], status_code=201,
             summary="Analyse and store one article (an HTML page or text, read as saywho ingest reads files)")
def upload(
    store: StoreDep,
    options: UploadOptionsDep,
    file: Annotated[UploadFile, File(description="The article: an HTML page (its body is extracted) "
                                                 "or text in any common encoding.")],
    title: str | None = Form(None),
    published: str | None = Form(None, description="YYYY-MM-DD"),
    publisher: str | None = Form(None),
):
    stored = store_upload(store, file, title or None, published or None, publisher or None, options)
    return {"id": stored.id, "created": stored.created, "attributions": stored.attributions}


@router.get("/speakers", response_model=schemas.SpeakerList, summary="Speakers, most quoted first")
def speakers(
    store: StoreDep,
    kind: Literal["person", "organization", "group"] | None = None,
    name: str | None = Query(None, description="Part of the speaker's name."),
    sort: Literal["statements", "articles", "latest"] = Query("statements", description="What to order speakers by."),
    direction: Literal["desc", "asc"] = "desc",
    min_statements: int | None = Query(None, ge=1, description="Only speakers with at least this many statements."),
    since: str | None = Query(None, description="Count statements in articles published on or after (YYYY-MM-DD)."),
    until: str | None = Query(None, description="Count statements in articles published on or before (YYYY-MM-DD)."),
    limit: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0),
):
    page = store.speakers(kind=kind, name=name or None, sort=sort, direction=direction, min_statements=min_statements,
                          since=since or None, until=until or None, limit=limit, offset=offset)
    return {"total": page.total, "limit": limit, "offset": offset, "results": page.rows}


@router.get("/speakers/suggest", response_model=list[schemas.SpeakerSuggestion],
            summary="Speakers whose name holds the text, names starting with it first (for picking one)")
def suggest_speakers(
    store: StoreDep,
    q: str = Query(..., min_length=1, max_length=100, description="Part of the speaker's name."),
    limit: int = Query(10, ge=1, le=MAX_SUGGESTIONS),
):
    return store.suggest_speakers(q, limit)


@router.get("/speakers/{speaker_id}", response_model=schemas.SpeakerDetail)
def speaker(store: StoreDep, speaker_id: int):
    found = store.speaker(speaker_id)
    if found is None:
        raise HTTPException(404, f"no speaker {speaker_id}")
    return found


@router.post("/speakers/{speaker_id}/merge", response_model=schemas.SpeakerDetail, dependencies=[Depends(api_writer)],
             summary="Merge other speakers into this one (remembered for later ingests)")
def merge(store: StoreDep, speaker_id: int, body: schemas.MergeIn):
    store.merge_speakers(speaker_id, body.others)
    return store.speaker(speaker_id)


@router.post("/speakers/{speaker_id}/split", response_model=schemas.SplitResult, dependencies=[Depends(api_writer)],
             summary="Move the mentions under these names to a new speaker (remembered for later ingests)")
def split(store: StoreDep, speaker_id: int, body: schemas.SplitIn):
    return {"new_speaker_id": store.split_speaker(speaker_id, body.names)}


@router.get("/statements/{statement_id}", response_model=schemas.Statement)
def statement(store: StoreDep, statement_id: int):
    return _statement_or_404(store, statement_id)


@router.put("/statements/{statement_id}/speaker", response_model=schemas.Statement, dependencies=[Depends(api_writer)],
            summary="Fix who said a statement: a known speaker, or a new one (recorded as curation, kept on re-ingest)")
def reassign(store: StoreDep, statement_id: int, body: schemas.ReassignIn):
    store.reassign_statement(statement_id, speaker_id=body.speaker_id, name=body.name, kind=body.kind)
    return store.attribution(statement_id)


@router.post("/statements/{statement_id}/tags", response_model=schemas.Statement, dependencies=[Depends(api_writer)])
def add_tag(store: StoreDep, statement_id: int, body: schemas.TagIn):
    store.add_tag(statement_id, body.tag)
    return store.attribution(statement_id)


@router.delete("/statements/{statement_id}/tags/{tag}", response_model=schemas.Statement, dependencies=[Depends(api_writer)])
def remove_tag(store: StoreDep, statement_id: int, tag: str):
    store.remove_tag(statement_id, tag)
    return _statement_or_404(store, statement_id)


@router.put("/statements/{statement_id}/bookmark", response_model=schemas.Statement, dependencies=[Depends(api_writer)])
def bookmark(store: StoreDep, statement_id: int, body: schemas.BookmarkIn):
    store.set_bookmark(statement_id, True, body.note)
    return store.attribution(statement_id)


@router.delete("/statements/{statement_id}/bookmark", response_model=schemas.Statement, dependencies=[Depends(api_writer)])
def unbookmark(store: StoreDep, statement_id: int):
    store.set_bookmark(statement_id, False)
    return store.attribution(statement_id)


@router.get("/tags", response_model=list[schemas.TagCount])
def tags(store: StoreDep):
    return store.tags()


def _statement_or_404(store: Store, statement_id: int):
    row = store.attribution(statement_id)
    if row is None:
        raise HTTPException(404, f"no statement {statement_id}")
    return row
