"""HTTP methods the routes do not answer themselves: HEAD wherever GET is routed,
OPTIONS with the path's `Allow`, and 405 with the true `Allow` (every route of the path,
not only the first one matched). CORS preflights are answered before this (CORSMiddleware
is outer)."""

from __future__ import annotations

import json

from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> set[str]:
    """The methods some route answers at this scope's path (empty: no route has the path).

    `routes` are the app's and its routers' (an included router is no `Route` itself)."""
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods and route.matches(scope)[0] != Match.NONE:
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")
    return methods | {"OPTIONS"} if methods else methods


class Methods:
    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        methods = allowed_methods(self.routes, scope)
        method = scope["method"]
        if not methods:
            await self.app(scope, receive, send)  # the router's 404
        elif method == "OPTIONS":
            await _answer(send, 204, methods, b"")
        elif method not in methods:
            await _answer(send, 405, methods, json.dumps({"detail": "Method Not Allowed"}).encode())
        elif method == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))
        else:
            await self.app(scope, receive, send)


async def _answer(send: Send, status: int, methods: set[str], body: bytes) -> None:
    headers = [(b"allow", ", ".join(sorted(methods)).encode()), (b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _without_body(send: Send) -> Send:
    """`send` with every body chunk emptied (the headers, Content-Length included, stay)."""

    async def head(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return head
