"""A remote SPARQL engine as the `QueryEngine`: queries over the SPARQL 1.1 Protocol.

Any engine that speaks the protocol can hold the data (README, "Remote engines"). Each
query is sent with the dataset the engine's current pointer names (store/pointer.py)
unless it names its own, with its bound values written into its text
(`sparql_text.substitute`). The time limit is a client-side deadline over the whole
exchange (the engine's own timeout is set on the engine); the body is read as it
streams and the query stopped once it passes the size limit. An engine that cannot be
reached, fails, or does not answer in time gives `EngineUnavailable` or `QueryTimeout`
naming it, which the API answers 503.

`publish(snapshot)` copies a snapshot there over the Graph Store HTTP Protocol
(`graph_store.publish_snapshot`): the graphs, then the pointer. A background task reads
the pointer again every `limits.POINTER_TTL` seconds, so a `servicegraph push` to the
same engine is served (and the results cache moves to its generation) within that time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable

import httpx
import pyoxigraph as ox

from servicegraph.graph.media_types import N_TRIPLES
from servicegraph.store import limits
from servicegraph.store.engine import QueryRequest, QueryResult, Snapshot, Statistics
from servicegraph.store.errors import (
    EngineUnavailable,
    QueryError,
    QueryForbidden,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
)
from servicegraph.store.graph_store import GraphStore, publish_snapshot, shown
from servicegraph.store.oxigraph import bound_query
from servicegraph.store.pointer import NO_POINTER, Pointer, pointer_iri, read_pointer
from servicegraph.store.query_check import SERVICE_REFUSED, calls_service
from servicegraph.store.sparql_text import has_dataset_clause

log = logging.getLogger("servicegraph.remote")

_ERROR_BYTES = 2000
"""Bytes of an engine's error body quoted to the client."""


class RemoteEngine:
    """A `QueryEngine` over the SPARQL endpoint `query_url`, serving the data of `base`.

    `store_url` (a Graph Store endpoint) is needed to publish; `snapshot` is the local
    snapshot last copied there, if any (a revision store's generation).
    """

    def __init__(
        self,
        query_url: str,
        *,
        base: str,
        store_url: str | None = None,
        snapshot: Snapshot | None = None,
        timeout: float = limits.QUERY_TIMEOUT,
        max_result_bytes: int = limits.MAX_RESULT_BYTES,
    ) -> None:
        self.query_url = query_url
        self.shown = shown(query_url)  # messages name the engine without its credentials
        self.store_url = store_url
        self.base = base
        self.snapshot = snapshot
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.pointer: Pointer = NO_POINTER
        self._client: httpx.AsyncClient | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pointer_lock: asyncio.Lock | None = None  # a read of the pointer never overtakes a publication

    @property
    def generation(self) -> int:
        return self.pointer.generation

    @property
    def statistics(self) -> Statistics | None:
        return self.pointer.statistics

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)))
        self._pointer_lock = asyncio.Lock()
        with contextlib.suppress(QueryError):  # queries will say so, with a 503 naming the engine
            await self._read_pointer()
        self._reader = asyncio.create_task(self._read_pointer_forever())

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._client is not None:
            await self._client.aclose()

    async def execute(self, request: QueryRequest) -> QueryResult:
        assert self._client is not None, "start() the engine first"
        # The engine's network is its operator's: SERVICE is refused here, as on the embedded store.
        if await asyncio.to_thread(calls_service, request.query):
            raise QueryForbidden(SERVICE_REFUSED)
        pointer = self.pointer
        return QueryResult(request.media_type, await self._query(request, pointer), pointer.generation)

    async def _read_pointer(self) -> None:
        iri = pointer_iri(self.base)
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        assert self._pointer_lock is not None
        async with self._pointer_lock:
            body = await self._deadline(self._send(query, N_TRIPLES, {}))
            try:
                self.pointer = read_pointer(iri, ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            except (SyntaxError, ValueError, KeyError) as exc:
                raise QueryError(
                    f"the SPARQL engine at {self.shown} holds an unreadable pointer <{iri}>: {exc}"
                ) from None

    async def _read_pointer_forever(self) -> None:
        while True:
            await asyncio.sleep(limits.POINTER_TTL)
            try:
                await self._read_pointer()
            except QueryError as exc:
                log.warning("could not read the current pointer: %s", exc)

    async def _deadline(self, exchange: Awaitable[bytes]) -> bytes:
        """`exchange` within the time limit, else `QueryTimeout` naming the engine."""
        try:
            async with asyncio.timeout(self.timeout):
                return await exchange
        except TimeoutError:
            raise QueryTimeout(
                f"the SPARQL engine at {self.shown} gave no answer within the time limit of {self.timeout:g} s"
            ) from None

    async def _query(self, request: QueryRequest, pointer: Pointer) -> bytes:
        query = bound_query(request)
        dataset: dict[str, list[str]] = {}
        if request.default_graphs is not None or request.named_graphs is not None:
            dataset = {"default-graph-uri": list(request.default_graphs or ()),
                       "named-graph-uri": list(request.named_graphs or ())}  # fmt: skip
        elif pointer.default_graph is not None and not has_dataset_clause(query):
            dataset = {"default-graph-uri": [pointer.default_graph], "named-graph-uri": list(pointer.named_graphs)}
        return await self._deadline(self._send(query, request.media_type, dataset))

    async def _send(self, query: str, media_type: str, dataset: dict[str, list[str]]) -> bytes:
        """POST the query; the body, read within the size limit."""
        assert self._client is not None
        form = {"query": query, **{k: v for k, v in dataset.items() if v}}
        try:
            async with self._client.stream("POST", self.query_url, data=form, headers={"Accept": media_type}) as answer:
                if answer.status_code != 200:
                    await self._refused(answer)
                answered = answer.headers.get("content-type", "").split(";")[0].strip().lower()
                if answered != media_type:
                    raise QueryError(f"the SPARQL engine at {self.shown} answered {answered}, not {media_type}")
                parts, size = [], 0
                async for chunk in answer.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_result_bytes:
                        raise ResultTooLarge(f"the result is larger than the limit of {self.max_result_bytes} bytes")
                    parts.append(chunk)
                return b"".join(parts)
        except httpx.TimeoutException:
            raise TimeoutError from None
        except httpx.HTTPError as exc:
            raise EngineUnavailable(
                f"the SPARQL engine at {self.shown} is unreachable: {exc or type(exc).__name__}"
            ) from None

    async def _refused(self, answer: httpx.Response) -> None:
        text = b""
        async for chunk in answer.aiter_bytes():
            text += chunk
            if len(text) > _ERROR_BYTES:
                break
        message = f"the SPARQL engine at {self.shown} answered {answer.status_code}: "
        message += text[:_ERROR_BYTES].decode("utf-8", "replace").strip()
        if answer.status_code == 400:
            raise QuerySyntaxError(message)
        raise EngineUnavailable(message)

    async def publish(self, snapshot: Snapshot, graph: str | None = None) -> None:
        """Copy `snapshot` to the graph store and serve it (see `publish_snapshot`)."""
        if self.store_url is None:
            raise EngineUnavailable(f"the SPARQL engine at {self.shown} has no graph store to publish to")
        assert self._pointer_lock is not None, "start() the engine first"
        async with self._pointer_lock:
            pointer = await asyncio.to_thread(_publish, self.store_url, snapshot, self.base, graph)
            self.pointer, self.snapshot = pointer, snapshot


def _publish(store_url: str, snapshot: Snapshot, base: str, graph: str | None) -> Pointer:
    with GraphStore(store_url) as graph_store:
        return publish_snapshot(graph_store, snapshot, base, graph)
