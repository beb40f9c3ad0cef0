"""The worker pool's framed socket protocol: large and concurrent answers arrive whole
and in the right hands, a worker that dies mid-query is reported and replaced, and
every answer names the generation that gave it."""

from __future__ import annotations

import asyncio

import pytest
from rdflib import Graph, Literal, Namespace
from waiting import computing, until

from servicegraph.store.engine import QueryRequest
from servicegraph.store.errors import EngineUnavailable
from servicegraph.store.oxigraph import OxigraphStore
from servicegraph.store.snapshots import snapshot_from_graph
from servicegraph.store.workers import WorkerPool

EX = Namespace("http://example.org/")
JSON = "application/sparql-results+json"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    graph = Graph()
    for i in range(300):
        graph.add((EX[f"s{i}"], EX.label, Literal(f"事项 {i} " + "x" * 400, lang="zh")))
    return snapshot_from_graph(tmp_path_factory.mktemp("worker") / "store", 1, graph)


def expected(snapshot, request: QueryRequest) -> bytes:
    return OxigraphStore.open_snapshot(snapshot).execute(request).body


def test_large_and_concurrent_answers_arrive_whole(snapshot) -> None:
    requests = [QueryRequest(f"SELECT ?s ?l WHERE {{ ?s ?p ?l }} ORDER BY ?s LIMIT {n}", JSON) for n in (1, 50, 300)]
    assert len(expected(snapshot, requests[-1])) > 100_000  # past one socket buffer

    async def main() -> list[bytes]:
        pool = WorkerPool(snapshot, size=2, timeout=30)
        await pool.start()
        try:
            results = await asyncio.gather(*(pool.execute(r) for r in requests * 5))
        finally:
            await pool.close()
        return [r.body for r in results]

    bodies = asyncio.run(main())
    assert bodies == [expected(snapshot, r) for r in requests * 5]


def test_a_worker_killed_mid_query_is_reported_and_replaced(snapshot) -> None:
    async def main() -> tuple[Exception, bytes]:
        pool = WorkerPool(snapshot, size=1, timeout=30)
        await pool.start()
        try:
            (worker,) = [w for w in pool._workers if w is not pool._spare]
            running = asyncio.ensure_future(pool.execute(QueryRequest(SLOW, JSON)))
            await until(lambda: computing(worker.process.pid), "the worker to take the query")
            worker.process.kill()
            with pytest.raises(EngineUnavailable) as failure:
                await running
            after = await pool.execute(QueryRequest("ASK { ?s ?p ?o }", JSON))
            assert worker not in pool._workers
        finally:
            await pool.close()
        return failure.value, after.body

    error, body = asyncio.run(main())
    assert "died" in str(error)
    assert b"true" in body


def test_answers_name_their_generation_before_and_after_a_publication(snapshot, tmp_path) -> None:
    graph = Graph()
    graph.add((EX.s, EX.label, Literal("新")))
    newer = snapshot_from_graph(tmp_path / "store", 2, graph)
    count = QueryRequest("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", JSON)

    async def main() -> list[tuple[int | None, bytes]]:
        pool = WorkerPool(snapshot, size=1, timeout=30)
        await pool.start()
        try:
            before = await pool.execute(count)
            await pool.publish(newer)
            after = await pool.execute(count)
        finally:
            await pool.close()
        return [(r.generation, r.body) for r in (before, after)]

    (g1, body1), (g2, body2) = asyncio.run(main())
    assert (g1, g2) == (1, 2)
    assert body1 == expected(snapshot, count) and body2 == expected(newer, count)
    assert body1 != body2
