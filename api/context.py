"""What every /api/ and linked-data request needs: the query runner and the base IRI."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox
from fastapi import HTTPException, Request
from rdflib import URIRef

from api import named_queries as nq
from graph.namespaces import base_iri
from graph.store import EngineUnavailable, QueryError, QueryTimeout, ResultTooLarge

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
    """The app's engine over the store's default graph, which is the current revision's
    graph (never the union of named graphs: several revisions would mix), and its base
    IRI (`app.state.base`, else $SERVICEGRAPH_BASE or the default).

    A revision store may pin `app.state.default_graphs` to the current revision's named
    graph (api/revisions.py), which later generations still hold, so that the several
    queries of one request read one revision even across a publication.
    """
    graphs = getattr(request.app.state, "default_graphs", None)
    base = getattr(request.app.state, "base", None) or base_iri()
    return Context(nq.Runner(request.app.state.engine.execute, graphs), base)


async def answer(call: Awaitable[T]) -> T:
    """Await a query; the engine's refusals become HTTP errors as /sparql maps them:
    503 for a query stopped by a limit or no free worker, 500 for any other failure
    (here a syntax error is one of ours: a shipped .rq that does not parse)."""
    try:
        return await call
    except (QueryTimeout, ResultTooLarge, EngineUnavailable) as exc:
        raise HTTPException(503, f"query stopped: {exc}") from None
    except QueryError as exc:
        raise HTTPException(500, f"query failed: {exc}") from None
