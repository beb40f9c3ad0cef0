"""A results cache in front of a `QueryEngine`: `CachingEngine`.

A snapshot generation is read-only, so one request on one generation always gets the
same bytes. Answers are kept per generation, least recently used first out, within a
total byte budget; a lookup only ever sees the engine's current generation, so nothing
from an older generation is served after `publish`. Errors are never kept. A kept
result still names the generation that answered it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Protocol

from servicegraph.store import limits
from servicegraph.store.engine import QueryRequest, QueryResult, Snapshot, Statistics

_ENTRY_OVERHEAD = 200
"""Bytes counted per entry besides its query text and body (key tuple, result object)."""


class PublishingEngine(Protocol):
    """A `QueryEngine` serving one generation at a time (the worker pool, a remote engine)."""

    @property
    def snapshot(self) -> Snapshot | None:
        """The local snapshot it serves or last published, if any."""
        ...

    @property
    def generation(self) -> int: ...

    @property
    def statistics(self) -> Statistics | None: ...

    async def start(self) -> None: ...

    async def execute(self, request: QueryRequest) -> QueryResult: ...

    async def publish(self, snapshot: Snapshot) -> None: ...

    async def close(self) -> None: ...


def request_key(request: QueryRequest) -> Hashable:
    """Everything that decides the answer's bytes: query, media type, dataset, bindings, base."""
    bindings = tuple(sorted((name, type(term).__name__, term) for name, term in request.bindings.items()))
    return (request.query, request.media_type, request.default_graphs, request.named_graphs, bindings, request.base_iri)


class ResultCache:
    """Results by (generation, request key), LRU, within `max_bytes` in total."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[tuple[int, Hashable], tuple[QueryResult, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, generation: int, key: Hashable) -> QueryResult | None:
        entry = self._entries.get((generation, key))
        if entry is None:
            return None
        self._entries.move_to_end((generation, key))
        return entry[0]

    def put(self, generation: int, key: Hashable, query: str, result: QueryResult) -> None:
        cost = len(result.body) + len(query.encode("utf-8")) + _ENTRY_OVERHEAD
        if cost > self.max_bytes:
            return
        old = self._entries.pop((generation, key), None)
        if old is not None:
            self.size -= old[1]
        self._entries[(generation, key)] = (result, cost)
        self.size += cost
        while self.size > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.size -= evicted

    def keep_only(self, generation: int) -> None:
        """Drop every entry of another generation."""
        for entry_key in [k for k in self._entries if k[0] != generation]:
            self.size -= self._entries.pop(entry_key)[1]


class CachingEngine:
    """`engine` behind a `ResultCache`; also passes `snapshot` and `publish` through."""

    def __init__(self, engine: PublishingEngine, max_bytes: int = limits.CACHE_BYTES) -> None:
        self.engine = engine
        self.cache = ResultCache(max_bytes)
        self.hits = 0
        self.misses = 0
        self._generation: int | None = None

    @property
    def snapshot(self) -> Snapshot | None:
        return self.engine.snapshot

    @property
    def generation(self) -> int:
        return self.engine.generation

    @property
    def statistics(self) -> Statistics | None:
        return self.engine.statistics

    async def start(self) -> None:
        await self.engine.start()

    async def execute(self, request: QueryRequest) -> QueryResult:
        generation = self.engine.generation
        if generation != self._generation:  # published (here or on the engine itself)
            self.cache.keep_only(generation)
            self._generation = generation
        key = request_key(request)
        cached = self.cache.get(generation, key)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        result = await self.engine.execute(request)  # errors propagate and are not kept
        # Kept only if `generation` answered and is still current (no publication meanwhile).
        if result.generation == generation == self.engine.generation:
            self.cache.put(generation, key, request.query, result)
        return result

    async def publish(self, snapshot: Snapshot) -> None:
        await self.engine.publish(snapshot)
        self.cache.keep_only(self.engine.generation)
        self._generation = self.engine.generation

    async def close(self) -> None:
        await self.engine.close()


def cached(engine: PublishingEngine, max_bytes: int) -> PublishingEngine | CachingEngine:
    """`engine` behind a cache of `max_bytes`; `engine` itself when `max_bytes` is 0."""
    if max_bytes < 0:
        raise ValueError("the cache size cannot be negative")
    return CachingEngine(engine, max_bytes) if max_bytes else engine
