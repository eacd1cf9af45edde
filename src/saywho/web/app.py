"""``saywho serve``: browse, search and mark the corpus in a browser, plus a JSON API under /api.

Pages are server-rendered (Jinja2, autoescaped) with a little local JavaScript for
tooltips; no CDN, no inline script (the CSP forbids it). Handlers are plain ``def``
functions, so FastAPI runs them in its thread pool and each thread reads through its
own database connection while writes queue on the store's single writer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, Optional
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from saywho import __version__
from saywho.errors import InputError
from saywho.ingest import IngestOptions, tag_language
from saywho.ingest.sources import bytes_kind, read_bytes
from saywho.isodates import parse_date
from saywho.models import Article, Document
from saywho.store import SearchQuery, Store, StoreError, content_hash
from saywho.web import render
from saywho.web.limits import LimitsMiddleware, ServerLimits
from saywho.web.security import SECURITY_HEADERS, SESSION_COOKIE, Auth

#: Rows per page in the browser (the API takes limit/offset up to the store's maximum).
PAGE_SIZE = 20

#: Largest upload accepted, in bytes: far above any news article, far below harm.
MAX_UPLOAD_BYTES = 5_000_000


def create_app(
    db: str | None = None, *, token: str | None = None, store: Store | None = None, limits: ServerLimits | None = None,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The web app over the store at ``db`` (or an open ``store``); writes need ``token``;
    ``limits`` bound each client's request size and rate (defaults: see web/limits.py);
    ``allowed_hosts`` are the Host headers answered (others get 400; ``saywho serve``
    always passes them, see security.allowed_hosts; None answers any, for embedding)."""
    store = store or Store.open(db, create=False)
    auth = Auth(token)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Iterator[None]:  # type: ignore[misc]
        yield
        store.close()

    app = FastAPI(
        title="saywho",
        version=__version__,
        description="Who said what in a corpus of news articles. Reads are open; writes need `Authorization: Bearer <token>`.",
        docs_url=None,  # the Swagger UI loads from a CDN; /openapi.json is served instead
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.auth = auth
    app.add_middleware(LimitsMiddleware, limits=limits or ServerLimits())
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts, www_redirect=False)
    web_root = resources.files("saywho.web")
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(web_root / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    templates.filters["web_link"] = render.web_link
    templates.filters["qs"] = lambda params: urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    app.mount("/static", StaticFiles(directory=str(web_root / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        logged_in = auth.logged_in(request)
        html = templates.get_template(name).render(
            request_path=request.url.path,
            writable=auth.writable,
            logged_in=logged_in,
            csrf=auth.csrf_token() if logged_in else "",
            dialect=store.dialect,
            version=__version__,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api") or request.url.path == "/openapi.json"

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        if is_api(request):
            return JSONResponse(api_error(str(error.detail)), status_code=error.status_code, headers=error.headers)
        return page(request, "error.html", status_code=error.status_code, message=str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError):
        """A malformed parameter (/articles/abc): an error page for people, for the API the
        same shape as every other error, with pydantic's details under ``errors``."""
        problems = error.errors()
        message = "; ".join(_describe(problem) for problem in problems) or "invalid request"
        if is_api(request):
            return JSONResponse(api_error(message, problems), status_code=422)
        return page(request, "error.html", status_code=422, message=message)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError):
        return await http_error(request, HTTPException(400, str(error)))

    # --- pages ---------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request):
        return page(
            request, "index.html", counts=store.counts(), speakers=store.speakers(limit=10).rows,
            publishers=store.publishers()[:10], tags=store.tags()[:20],
        )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q: Optional[str] = None,
        speaker: Optional[str] = None,
        publisher: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        type: Optional[str] = None,
        kind: Optional[str] = None,
        tag: Optional[str] = None,
        bookmarked: bool = False,
        page_number: int = Query(1, alias="page", ge=1),
    ):
        params = {"q": q, "speaker": speaker, "publisher": publisher, "since": since, "until": until,
                  "type": type, "kind": kind, "tag": tag, "bookmarked": bookmarked}
        params = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in params.items()}
        query = SearchQuery(text=params["q"], speaker=params["speaker"], publisher=params["publisher"],
                            since=params["since"], until=params["until"], type=params["type"], kind=params["kind"],
                            tag=params["tag"], bookmarked=bool(bookmarked), limit=PAGE_SIZE,
                            offset=(page_number - 1) * PAGE_SIZE)
        results = store.search(query)
        return page(
            request, "search.html", params=params, results=results, pager=_pager(results.total, page_number, params),
            publishers=store.publishers(), tags=store.tags(),
        )

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(request: Request, page_number: int = Query(1, alias="page", ge=1)):
        listing = store.articles(limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
        return page(request, "articles.html", listing=listing, pager=_pager(listing.total, page_number, {}))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: int):
        stored = store.article(article_id)
        if stored is None:
            raise HTTPException(404, f"no article {article_id}")
        article: Article = stored["article"]
        colours: dict[str, int] = {}
        info = []
        for index, attribution in enumerate(article.attributions):
            local = attribution.speaker.id if attribution.speaker else None
            corpus = stored["speakers"].get(local) if local else None
            if local is not None and local not in colours:
                colours[local] = len(colours) % render.SPEAKER_COLOURS
            info.append({
                "id": stored["attribution_ids"][index],
                "speaker": corpus["name"] if corpus else (attribution.speaker.name if attribution.speaker else "unknown"),
                "speaker_id": corpus["id"] if corpus else None,
                "colour": colours.get(local, "none") if local else "none",
                "cue": attribution.cue.text if attribution.cue else "",
                "type": attribution.type,
                "confidence": f"{attribution.confidence:.2f}",
                "content": attribution.content.text,
                "marks": stored["marks"].get(stored["attribution_ids"][index], {"tags": [], "bookmarked": False}),
            })
        legend = []
        for speaker in article.speakers:
            if speaker.id in colours:
                corpus = stored["speakers"].get(speaker.id) or {}
                legend.append({"name": corpus.get("name") or speaker.name, "id": corpus.get("id"),
                               "colour": colours[speaker.id], "kind": speaker.kind})
        return page(request, "article.html", stored=stored, article=article, segments=render.segments(article),
                    info=info, legend=legend)

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(request: Request, kind: Optional[str] = None, name: Optional[str] = None,
                      page_number: int = Query(1, alias="page", ge=1)):
        kind, name = (kind or None), (name or "").strip() or None
        listing = store.speakers(kind=kind, name=name, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
        params = {"kind": kind, "name": name}
        return page(request, "speakers.html", listing=listing, params=params,
                    pager=_pager(listing.total, page_number, params))

    @app.get("/speakers/{speaker_id}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(request: Request, speaker_id: int, page_number: int = Query(1, alias="page", ge=1)):
        speaker = store.speaker(speaker_id)
        if speaker is None:
            raise HTTPException(404, f"no speaker {speaker_id}")
        if speaker["merged_into"] is not None:
            live = store.live_speaker_id(speaker_id)
            return RedirectResponse(f"/speakers/{live}", status_code=301)
        statements = store.search(SearchQuery(speaker=str(speaker_id), limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE))
        return page(request, "speaker.html", speaker=speaker, statements=statements,
                    timeline=render.timeline(speaker["timeline"]), pager=_pager(statements.total, page_number, {}))

    @app.get("/statements/{statement_id}", response_class=HTMLResponse, include_in_schema=False)
    def statement_page(request: Request, statement_id: int):
        row = store.attribution(statement_id)
        if row is None:
            raise HTTPException(404, f"no statement {statement_id}")
        return page(request, "statement.html", row=row)

    # --- writes from the browser (session cookie + CSRF field) -------------------------
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/"):
        return page(request, "login.html", next=_safe_next(next), failed=False)

    @app.post("/login", include_in_schema=False)
    def login(request: Request, token: str = Form(...), next: str = Form("/")):
        if not auth.writable:
            raise HTTPException(403, "this server is read-only (start it with --token to allow writes)")
        if not auth.token_matches(token):
            return page(request, "login.html", status_code=401, next=_safe_next(next), failed=True)
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(SESSION_COOKIE, auth.session_value(), httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")):
        auth.require_form_writer(request, csrf)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.post("/statements/{statement_id}/tags", include_in_schema=False)
    def add_tag_form(request: Request, statement_id: int, tag: str = Form(...), csrf: str = Form("")):
        auth.require_form_writer(request, csrf)
        store.add_tag(statement_id, tag)
        return RedirectResponse(f"/statements/{statement_id}", status_code=303)

    @app.post("/statements/{statement_id}/tags/remove", include_in_schema=False)
    def remove_tag_form(request: Request, statement_id: int, tag: str = Form(...), csrf: str = Form("")):
        auth.require_form_writer(request, csrf)
        store.remove_tag(statement_id, tag)
        return RedirectResponse(f"/statements/{statement_id}", status_code=303)

    @app.post("/statements/{statement_id}/bookmark", include_in_schema=False)
    def bookmark_form(request: Request, statement_id: int, on: bool = Form(...), note: str = Form(""), csrf: str = Form("")):
        auth.require_form_writer(request, csrf)
        store.set_bookmark(statement_id, on, note)
        return RedirectResponse(f"/statements/{statement_id}", status_code=303)

    @app.post("/speakers/{speaker_id}/merge", include_in_schema=False)
    def merge_form(request: Request, speaker_id: int, others: str = Form(...), csrf: str = Form("")):
        auth.require_form_writer(request, csrf)
        ids = [int(x) for x in others.replace(",", " ").split() if x.isdecimal()]
        if not ids:
            raise HTTPException(400, "give the ids of the speakers to merge into this one")
        store.merge_speakers(speaker_id, ids)
        return RedirectResponse(f"/speakers/{speaker_id}", status_code=303)

    @app.post("/speakers/{speaker_id}/split", include_in_schema=False)
    def split_form(request: Request, speaker_id: int, names: str = Form(...), csrf: str = Form("")):
        auth.require_form_writer(request, csrf)
        chosen = [n.strip() for n in names.split("\n") if n.strip()]
        new_id = store.split_speaker(speaker_id, chosen)
        return RedirectResponse(f"/speakers/{new_id}", status_code=303)

    @app.post("/upload", include_in_schema=False)
    def upload_form(
        request: Request,
        file: UploadFile = File(...),
        title: str = Form(""),
        published: str = Form(""),
        publisher: str = Form(""),
        csrf: str = Form(""),
    ):
        auth.require_form_writer(request, csrf)
        article_id, _, _ = analyse_upload(file, title or None, published or None, publisher or None)
        return RedirectResponse(f"/articles/{article_id}", status_code=303)

    # --- analysis of uploads -------------------------------------------------------------
    analyse_lock = threading.Lock()

    def analyse_upload(file: UploadFile, title: str | None, published: str | None, publisher: str | None) -> tuple[int, bool, int]:
        """Analyse one uploaded article (HTML or text) and store it; returns (id, created, attributions).

        The bytes go through ingest's own reader, as ``saywho ingest`` would read the same
        file: format detection, HTML extraction, encoding detection, binary refusal,
        language check and the size limit."""
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
        key = content_hash(document)
        existing = store.article_id_for_hash(key)
        if existing is not None:
            return existing, False, len(store.article(existing)["attribution_ids"])
        from saywho.pipeline import get_extractor

        with analyse_lock:  # one analysis at a time: spaCy is CPU-bound and the model is shared
            try:
                article = get_extractor().analyse(document)
            except InputError as error:  # too long, nothing but scraping junk: the sender's to fix
                raise HTTPException(400, str(error)) from None
        article_id = store.add_article(article, key)
        if article_id is None:  # a concurrent upload of the same text won
            return store.article_id_for_hash(key), False, len(article.attributions)  # type: ignore[return-value]
        return article_id, True, len(article.attributions)

    from saywho.web.api import build_router

    app.include_router(build_router(store, auth, analyse_upload))
    return app


#: What an upload is read with: ingest's defaults (English only), capped at the upload limit.
UPLOAD_INGEST = IngestOptions(max_bytes=MAX_UPLOAD_BYTES)


def read_upload(data: bytes, name: str) -> Document:
    """One uploaded file as ingest reads it, or a 400 naming the file and what is wrong."""
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


def api_error(detail: str, problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Every API error has one shape: ``detail``, a sentence for people, and ``errors``,
    what was wrong with which parameter (empty unless a parameter failed validation)."""
    errors = [{"loc": [str(part) for part in p.get("loc", ())], "msg": str(p.get("msg", "")), "type": str(p.get("type", ""))}
              for p in problems or []]
    return {"detail": detail, "errors": errors}


def _describe(problem: dict[str, Any]) -> str:
    """``article_id: Input should be a valid integer`` from one pydantic error."""
    where = [str(part) for part in problem.get("loc", ()) if part not in ("path", "query", "body", "form")]
    return f"{'.'.join(where) or 'request'}: {problem.get('msg', 'invalid')}"


def _safe_next(target: str) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _pager(total: int, page_number: int, params: dict[str, Any]) -> dict[str, Any]:
    pages = max(1, -(-total // PAGE_SIZE))
    first = (page_number - 1) * PAGE_SIZE + 1 if total else 0
    last = min(total, page_number * PAGE_SIZE)

    def link(n: int) -> str:
        return "?" + urlencode({**{k: v for k, v in params.items() if v not in (None, "", False)}, "page": n})

    return {
        "page": page_number, "pages": pages, "first": first, "last": last, "total": total,
        "prev": link(page_number - 1) if page_number > 1 else None,
        "next": link(page_number + 1) if page_number < pages else None,
    }

