"""/api/ maps the engine's refusals as /sparql does: a query stopped by a limit is a 503
with the reason, and a shipped .rq that does not parse is a 500 naming the file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from servicegraph.api import named_queries as nq
from servicegraph.api.app import create_app
from servicegraph.store.engine import QueryRequest, QueryResult, Statistics
from servicegraph.store.errors import QueryTimeout
from servicegraph.store.snapshots import snapshot_from_graph
from servicegraph.store.workers import WorkerPool


class TimingOut:
    """An engine whose every query overruns its time limit."""

    statistics = Statistics(0, 0, 0, 0, 0, ())

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def execute(self, request: QueryRequest) -> QueryResult:
        raise QueryTimeout("the query ran longer than the time limit of 10 s and was stopped")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, seed_graph) -> Iterator[TestClient]:
    """The seed behind one worker whose results may be 300 bytes at most."""
    snapshot = snapshot_from_graph(tmp_path_factory.mktemp("tiny") / "store", 1, seed_graph)
    with TestClient(create_app(WorkerPool(snapshot, size=1, max_result_bytes=300))) as client:
        yield client


def test_a_timeout_is_a_503_with_the_reason() -> None:
    with TestClient(create_app(TimingOut())) as client:
        response = client.get("/api/levels")
    assert response.status_code == 503
    assert "time limit of 10 s" in response.json()["detail"]


def test_an_oversized_named_query_result_is_a_503(tiny: TestClient) -> None:
    response = tiny.get("/api/services", params={"limit": 50})
    assert response.status_code == 503
    assert "larger than the limit of 300 bytes" in response.json()["detail"]


def test_the_same_oversized_query_on_sparql_is_a_503_too(tiny: TestClient) -> None:
    response = tiny.post("/sparql", data={"query": nq.get("services").text})
    assert response.status_code == 503
    assert "larger than the limit of 300 bytes" in response.text


def test_a_shipped_query_that_does_not_parse_is_a_500_naming_the_file(
    tiny: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = nq.NamedQuery("levels", "SELECT ?level WHERE {", "broken", ())
    monkeypatch.setattr(nq, "load_queries", lambda: {"levels": broken})
    response = tiny.get("/api/levels")
    assert response.status_code == 500
    assert "api/queries/levels.rq does not parse" in response.json()["detail"]


def test_small_answers_still_pass_the_tiny_limit(tiny: TestClient) -> None:
    response = tiny.get("/api/services", params={"limit": 0})
    assert response.status_code == 200 and response.json()["items"] == []
