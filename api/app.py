"""The web app: `create_app(engine, settings, revisions)` serves the SPARQL endpoint, its
descriptions, the API and linked data over `engine`, and a revision store's routes when
one is given. Routes reach the engine with `engine_of(request)`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicegraph.api import jobs, linked_data, pages, review, routes, service_description, sparql, status_files
from servicegraph.api import revisions as revision_routes
from servicegraph.api.methods import Methods
from servicegraph.api.pages import docs
from servicegraph.api.pages.errors import error_page
from servicegraph.api.pages.static import PREFIX, static_files
from servicegraph.api.query_guard import QueryRefused
from servicegraph.api.settings import UPLOAD_GRACE, Settings
from servicegraph.store.engine import QueryEngine
from servicegraph.store.revisions import RevisionStore

access_log = logging.getLogger("servicegraph.access")


class AccessLog:
    """Logs one line per HTTP request: client, method, target, status, bytes, duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size, logged = 500, 0, False

        def log() -> None:
            nonlocal logged
            logged = True
            target = scope["path"]
            if scope["query_string"]:
                target += "?" + scope["query_string"].decode("latin-1")[:200]
            client = scope["client"][0] if scope.get("client") else "-"
            elapsed = (time.perf_counter() - started) * 1000
            access_log.info('%s "%s %s" %d %dB %.1fms', client, scope["method"], target, status, size, elapsed)

        async def record(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if not message.get("more_body", False):
                    log()  # before the last bytes go: the line exists once the client has the answer
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            if not logged:
                log()


def engine_of(request: Request) -> QueryEngine:
    return request.app.state.engine


async def _refused(request: Request, exc: Exception) -> PlainTextResponse:
    assert isinstance(exc, QueryRefused)
    return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=exc.headers)


def create_app(
    engine: QueryEngine, settings: Settings | None = None, revisions: RevisionStore | None = None
) -> FastAPI:
    """The app over `engine`, which it starts and closes with the app's lifespan.

    With `revisions`, the engine must be able to `publish` (the worker pool, a remote engine): uploads
    publish new generations to it, and IRIs are minted under the store's base.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await engine.start()
        try:
            yield
        finally:
            if revisions is not None:
                await app.state.jobs.close()
            await engine.close()

    app = FastAPI(title="servicegraph", lifespan=lifespan, docs_url=None, redoc_url=None)  # docs: api/pages/docs.py
    app.state.engine = engine
    app.state.settings = settings
    app.state.base = revisions.base if revisions is not None else settings.served_base
    app.add_exception_handler(QueryRefused, _refused)
    app.add_exception_handler(HTTPException, error_page)
    app.mount(PREFIX, static_files(), name="static")
    routers = [
        docs.router,
        *pages.routers,  # pages for people: /, /search, /statutes/…, /services/…
        sparql.router, service_description.router,
        routes.router,  # /api/: the named queries as JSON
        review.router,  # /api/review: is the legal basis still law?
        linked_data.router,  # every minted IRI resolves here
    ]  # fmt: skip
    if revisions is not None:
        routers += [revision_routes.router, status_files.router, jobs.router]
        revision_routes.attach(
            app, revisions, token=settings.upload_token, max_upload_bytes=settings.max_upload_bytes,
            async_upload_bytes=settings.async_upload_bytes, grace=settings.timeout + UPLOAD_GRACE,
        )  # fmt: skip
    for router in routers:
        app.include_router(router)
    every_route = [*app.router.routes, *(route for router in routers for route in router.routes)]
    app.add_middleware(Methods, routes=every_route)  # HEAD, OPTIONS, 405: inside CORS (preflights)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"])
    app.add_middleware(AccessLog)  # outermost: CORS preflights are logged too
    return app
