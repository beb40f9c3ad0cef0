"""What every /api/ and linked-data request needs: the query runner and the base IRI,
and `Consistent`, the route class that re-runs a request a publication overtook."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import pyoxigraph as ox
from fastapi import Depends, HTTPException, Request, Response
from fastapi.routing import APIRoute
from rdflib import URIRef

from servicegraph.api import named_queries as nq
from servicegraph.api.engine_errors import refusal
from servicegraph.store.errors import QueryError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Context:
    runner: nq.Runner
    base: str  # data IRIs are minted under it; it maps to the server's root

    def iri(self, path: str) -> URIRef:
        """The IRI `{base}{path}`; 404 when that is no valid IRI (so nothing has it)."""
        iri = self.base + path
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise HTTPException(404, f"no resource has the IRI {iri!r}") from None
        return URIRef(iri)

    def key(self, iri: object, kind: str) -> str:
        """The key of `{base}{kind}/{key}`."""
        return str(iri).removeprefix(f"{self.base}{kind}/")


def context(request: Request) -> Context:
    """A fresh runner over the app's engine, and the base IRI (`app.state.base`).

    Queries read the store's default graph, which in every generation is that
    generation's current revision (never the union of named graphs: several revisions
    would mix); the runner checks that one generation answers all of a request's queries.
    """
    return Context(nq.Runner(request.app.state.engine.execute), request.app.state.base)


Ctx = Annotated[Context, Depends(context)]


RERUNS = 3
"""How many times a request overtaken by a publication is run again before a 503."""

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class Consistent(APIRoute):
    """A route whose queries all read one generation: when a publication lands between
    two of them (`nq.DataChanged`), the whole request runs again (its dependencies too,
    so with a fresh runner) up to `RERUNS` times, then is answered 503."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def consistent(request: Request) -> Response:
            for _ in range(1 + RERUNS):
                try:
                    return await handler(request)
                except nq.DataChanged:
                    continue
            raise HTTPException(503, "the data changed during the request; retry", headers={"Retry-After": "1"})

        return consistent


async def answer(call: Awaitable[T]) -> T:
    """Await a named query; the engine's errors become HTTP errors as /sparql maps them
    (`refusal`), a syntax error being ours (a shipped .rq that does not parse)."""
    try:
        return await call
    except QueryError as exc:
        refused = refusal(exc, client_query=False)
        raise HTTPException(refused.status, refused.message, refused.headers) from None
