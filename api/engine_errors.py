"""The engine's errors as HTTP answers: one mapping for /sparql and the /api/ routes."""

from __future__ import annotations

from servicegraph.api.query_guard import QueryRefused
from servicegraph.store.errors import (
    EngineUnavailable,
    MemoryLimit,
    QueryError,
    QueryForbidden,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    ServerBusy,
)


def refusal(exc: QueryError, client_query: bool) -> QueryRefused:
    """403 for a query that would leave the host (SERVICE); 503 for a query stopped by a
    limit (time, size, memory) or no free worker, with Retry-After when the workers are
    busy; 400 for a syntax error in a client's query (`client_query`); 500 for any other
    failure, a shipped query that does not parse included."""
    if isinstance(exc, QueryForbidden):
        return QueryRefused(403, str(exc))
    if isinstance(exc, ServerBusy):
        return QueryRefused(503, f"query stopped: {exc}", {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, QueryTimeout | ResultTooLarge | MemoryLimit | EngineUnavailable):
        return QueryRefused(503, f"query stopped: {exc}")
    if client_query and isinstance(exc, QuerySyntaxError):
        return QueryRefused(400, str(exc))
    return QueryRefused(500, f"query failed: {exc}")
