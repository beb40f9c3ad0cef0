"""Every query is bounded in time and size: cut queries get a 503 before any result byte."""

from __future__ import annotations

import threading

import httpx
import pytest
from http_server import running
from rdflib import Graph, Literal, Namespace
from waiting import computing, wait_until

from servicegraph.api.app import create_app
from servicegraph.store.snapshots import snapshot_from_graph
from servicegraph.store.workers import WorkerPool

EX = Namespace("http://example.org/")
TIMEOUT = 5.0  # seconds: also how long a query waits for a free worker
MAX_BYTES = 4096

# 40 triples joined with themselves seven times: 40**7 rows, minutes of work.
FOREVER = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u }"
)
TRIVIAL = "ASK { <http://example.org/s0> ?p ?o }"


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> WorkerPool:
    graph = Graph()
    for i in range(40):
        graph.add((EX[f"s{i}"], EX.label, Literal(f"服务 {i} " + "x" * 100, lang="zh")))
    snapshot = snapshot_from_graph(tmp_path_factory.mktemp("limits") / "store", 1, graph)
    return WorkerPool(snapshot, size=2, timeout=TIMEOUT, max_result_bytes=MAX_BYTES)


@pytest.fixture(scope="module")
def endpoint(pool: WorkerPool) -> str:
    with running(create_app(pool)) as base:
        yield f"{base}/sparql"


def test_a_query_past_the_time_limit_gets_503_and_others_are_answered_meanwhile(endpoint: str, pool) -> None:
    with httpx.Client(timeout=30) as slow_client, httpx.Client(timeout=30) as quick_client:
        assert quick_client.get(endpoint, params={"query": TRIVIAL}).status_code == 200  # warm up
        slow: dict[str, httpx.Response] = {}
        thread = threading.Thread(target=lambda: slow.update(r=slow_client.get(endpoint, params={"query": FOREVER})))
        thread.start()
        wait_until(lambda: any(computing(w.process.pid) for w in list(pool._workers)), "a worker to run the slow query")
        quick = quick_client.get(endpoint, params={"query": TRIVIAL})
        # answered while the slow query still runs (it only ends at the time limit)
        assert thread.is_alive(), "the quick query was answered only after the slow one ended"
        thread.join()
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    response = slow["r"]
    assert response.status_code == 503
    assert f"time limit of {TIMEOUT:g} s" in response.text
    assert "bindings" not in response.text


def test_the_pool_recovers_after_workers_are_killed(endpoint: str, pool: WorkerPool) -> None:
    with httpx.Client(timeout=30) as client:
        threads = [
            threading.Thread(target=client.get, args=(endpoint,), kwargs={"params": {"query": FOREVER}})
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # both workers were killed at the time limit; the pool starts replacements
        wait_until(lambda: pool._idle is not None and pool._idle.qsize() == pool.size, "both replacements to be ready")
        for _ in range(4):
            response = client.get(endpoint, params={"query": TRIVIAL})
            assert response.status_code == 200, response.text


def test_a_result_past_the_size_limit_gets_503_not_a_truncated_200(endpoint: str) -> None:
    with httpx.Client(timeout=30) as client:
        for media_type in ("application/sparql-results+json", "text/csv"):
            response = client.get(endpoint, params={"query": "SELECT * { ?s ?p ?o }"}, headers={"Accept": media_type})
            assert response.status_code == 503
            assert response.headers["content-type"].startswith("text/plain")
            assert f"limit of {MAX_BYTES} bytes" in response.text
            assert "example.org" not in response.text
        response = client.get(endpoint, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert response.status_code == 503
        small = client.get(endpoint, params={"query": "SELECT * { ?s ?p ?o } LIMIT 3"})
        assert small.status_code == 200
        assert len(small.json()["results"]["bindings"]) == 3
