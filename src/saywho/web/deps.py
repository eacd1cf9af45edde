"""What handlers are given: the store, the write policy and the analysis of uploads, from the app that serves them.

``create_app`` puts them on ``app.state``; handlers ask for them with ``Depends`` so one
module of routes serves any number of apps (each test builds its own over its own store).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from saywho.options import Options
from saywho.store import Store
from saywho.web.security import Auth


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_auth(request: Request) -> Auth:
    return request.app.state.auth


def get_upload_options(request: Request) -> Options:
    return request.app.state.upload_options


StoreDep = Annotated[Store, Depends(get_store)]
AuthDep = Annotated[Auth, Depends(get_auth)]
UploadOptionsDep = Annotated[Options, Depends(get_upload_options)]


def api_writer(request: Request, auth: AuthDep) -> None:
    """API writes need the bearer token."""
    auth.require_api_writer(request)
