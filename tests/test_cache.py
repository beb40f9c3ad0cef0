"""The results cache: identical requests on one generation reach the engine once,
a publication makes every earlier answer unreachable, and the byte budget evicts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from servicegraph.store.cache import CachingEngine, ResultCache, cached
from servicegraph.store.engine import QueryRequest, QueryResult, Snapshot, Statistics
from servicegraph.store.errors import QueryTimeout

STATS = Statistics(triples=0, default_graph_triples=0, distinct_subjects=0, properties=0, classes=0, graphs=())
JSON = "application/sparql-results+json"


def snapshot(generation: int) -> Snapshot:
    return Snapshot(Path(f"/nowhere/{generation}"), generation, STATS)


@dataclass
class FakeEngine:
    """Answers with the generation, the query and the bindings; counts its calls."""

    snapshot: Snapshot = field(default_factory=lambda: snapshot(1))
    calls: list[QueryRequest] = field(default_factory=list)
    fail: bool = False

    @property
    def statistics(self) -> Statistics:
        return self.snapshot.statistics

    @property
    def generation(self) -> int:
        return self.snapshot.generation

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, new: Snapshot) -> None:
        self.snapshot = new

    async def execute(self, request: QueryRequest) -> QueryResult:
        self.calls.append(request)
        if self.fail:
            raise QueryTimeout("too slow")
        body = f"{self.snapshot.generation} {request.query} {sorted(request.bindings.items())}"
        return QueryResult(request.media_type, body.encode(), self.snapshot.generation)


def run(coroutine):
    return asyncio.run(coroutine)


def test_the_same_request_twice_reaches_the_engine_once() -> None:
    engine = FakeEngine()
    cached = CachingEngine(engine)
    request = QueryRequest("SELECT * {}", JSON, None, None, {"n": Literal(2)})
    first = run(cached.execute(request))
    second = run(cached.execute(QueryRequest("SELECT * {}", JSON, None, None, {"n": Literal(2)})))
    assert first == second
    assert len(engine.calls) == 1 and (cached.hits, cached.misses) == (1, 1)


@pytest.mark.parametrize(
    "other",
    [
        QueryRequest("SELECT * {}", JSON, None, None, {"n": Literal(3)}),
        QueryRequest("SELECT * {}", JSON, None, None, {"n": Literal("2")}),
        QueryRequest("SELECT * {}", JSON, None, None, {"n": URIRef("2")}),
        QueryRequest("SELECT * {}", JSON, None, None, {}),
        QueryRequest("SELECT * {}", "text/csv", None, None, {"n": Literal(2)}),
        QueryRequest("SELECT * {}", JSON, ("http://g",), None, {"n": Literal(2)}),
        QueryRequest("SELECT * {}", JSON, None, ("http://g",), {"n": Literal(2)}),
        QueryRequest("SELECT * { }", JSON, None, None, {"n": Literal(2)}),
    ],
)
def test_any_difference_in_the_request_is_another_entry(other: QueryRequest) -> None:
    engine = FakeEngine()
    cached = CachingEngine(engine)
    run(cached.execute(QueryRequest("SELECT * {}", JSON, None, None, {"n": Literal(2)})))
    run(cached.execute(other))
    assert len(engine.calls) == 2


def test_a_publication_is_never_answered_from_the_old_generation() -> None:
    engine = FakeEngine()
    cached = CachingEngine(engine)
    request = QueryRequest("ASK {}", JSON)
    assert run(cached.execute(request)).body.startswith(b"1 ")
    run(cached.publish(snapshot(2)))
    assert run(cached.execute(request)).body.startswith(b"2 ")
    assert len(engine.calls) == 2 and len(cached.cache) == 1


def test_a_cached_answer_names_the_generation_that_answered_it() -> None:
    engine = FakeEngine()
    cached = CachingEngine(engine)
    request = QueryRequest("ASK {}", JSON)
    assert [run(cached.execute(request)).generation for _ in range(2)] == [1, 1]
    run(cached.publish(snapshot(2)))
    assert [run(cached.execute(request)).generation for _ in range(2)] == [2, 2]
    assert len(engine.calls) == 2 and cached.hits == 2


def test_a_publication_made_on_the_engine_itself_also_counts() -> None:
    engine = FakeEngine()
    cached = CachingEngine(engine)
    request = QueryRequest("ASK {}", JSON)
    run(cached.execute(request))
    run(engine.publish(snapshot(2)))
    assert run(cached.execute(request)).body.startswith(b"2 ")
    assert len(cached.cache) == 1


def test_an_answer_overtaken_by_a_publication_is_not_kept() -> None:
    engine = FakeEngine()
    cached = CachingEngine(engine)
    request = QueryRequest("ASK {}", JSON)
    original = engine.execute

    async def publish_while_running(req: QueryRequest) -> QueryResult:
        result = await original(req)
        engine.snapshot = snapshot(2)
        return result

    engine.execute = publish_while_running  # type: ignore[method-assign]
    run(cached.execute(request))
    assert len(cached.cache) == 0


def test_errors_are_not_cached() -> None:
    engine = FakeEngine(fail=True)
    cached = CachingEngine(engine)
    request = QueryRequest("ASK {}", JSON)
    for _ in range(2):
        with pytest.raises(QueryTimeout):
            run(cached.execute(request))
    assert len(engine.calls) == 2 and len(cached.cache) == 0


def test_the_byte_budget_evicts_the_least_recently_used() -> None:
    cache = ResultCache(max_bytes=1600)  # two entries of ~700 bytes fit, three do not
    body = QueryResult(JSON, b"x" * 500)
    for name in ("a", "b"):
        cache.put(1, name, name, body)
    assert cache.get(1, "a") is body  # "a" is now the most recently used
    cache.put(1, "c", "c", body)  # "b", the least recently used, goes
    assert cache.get(1, "b") is None
    assert cache.get(1, "a") is body and cache.get(1, "c") is body
    assert cache.size <= 1600 and len(cache) == 2


def test_an_answer_larger_than_the_budget_is_not_kept() -> None:
    engine = FakeEngine()
    cached = CachingEngine(engine, max_bytes=100)
    request = QueryRequest("SELECT * {}" + " " * 200, JSON)
    run(cached.execute(request))
    run(cached.execute(request))
    assert len(engine.calls) == 2 and cached.cache.size == 0


def test_a_zero_budget_means_no_cache() -> None:
    engine = FakeEngine()
    assert cached(engine, 0) is engine
    assert isinstance(cached(engine, 1024), CachingEngine)
    with pytest.raises(ValueError):
        cached(engine, -1)
