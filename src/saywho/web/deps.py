"""What handlers are given: the store and the write policy, from the app that serves them.

``create_app`` puts them on ``app.state``; handlers ask for them with ``Depends`` so one
module of routes serves any number of apps (each test builds its own over its own store).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from saywho.store import Store
from saywho.web.security import Auth


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_auth(request: Request) -> Auth:
    return request.app.state.auth


StoreDep = Annotated[Store, Depends(get_store)]
AuthDep = Annotated[Auth, Depends(get_auth)]


def api_writer(request: Request, auth: AuthDep) -> None:
    """API writes need the bearer token."""
    auth.require_api_writer(request)
