"""/api/ reads the store's default graph (the current revision) only, never the named
graphs of other revisions, and the queries of one request agree: a request whose
queries straddle a publication (answered by two generations) runs again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from servicegraph.api.app import create_app
from servicegraph.api.context import RERUNS
from servicegraph.graph.namespaces import DCTERMS, SG
from servicegraph.store.engine import QueryRequest, QueryResult
from servicegraph.store.oxigraph import OxigraphStore, to_oxigraph
from servicegraph.store.revisions import RevisionStore
from servicegraph.store.snapshots import write_snapshot
from servicegraph.store.workers import WorkerPool

OLD = "https://servicegraph.example/revision/old"
NEW = "https://servicegraph.example/revision/new"


@pytest.fixture(scope="module")
def two_revisions(tmp_path_factory, seed_graph) -> Iterator[TestClient]:
    """The seed as revision OLD, and as revision NEW (the default graph) with item 1 retitled."""
    item1 = next(s for s, o in seed_graph.subject_objects(DCTERMS.identifier) if _number(seed_graph, s) == 1)
    title = to_oxigraph(seed_graph.value(item1, DCTERMS.title))
    retitled = ox.Literal("新标题", language=title.language)

    def quads():
        for s, p, o in seed_graph:
            triple = (to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
            yield ox.Quad(*triple, ox.NamedNode(OLD))
            if s == item1 and p == DCTERMS.title:
                triple = (triple[0], triple[1], retitled)
            yield ox.Quad(*triple, ox.NamedNode(NEW))
            yield ox.Quad(*triple, ox.DefaultGraph())

    snapshot = write_snapshot(tmp_path_factory.mktemp("revisions") / "store", 1, quads())
    app = create_app(WorkerPool(snapshot, size=1))
    with TestClient(app) as client:
        yield client


def _number(graph, service) -> int | None:
    value = graph.value(service, SG.number)
    return int(value) if value is not None else None


def test_services_are_those_of_the_default_graph_once(two_revisions: TestClient, seed_catalogue) -> None:
    page = two_revisions.get("/api/services", params={"limit": 1000}).json()
    assert page["total"] == len(page["items"]) == len(seed_catalogue.items)
    (first,) = [s for s in page["items"] if s["number"] == 1]
    assert first["title"] == "新标题"


@dataclass
class ScriptedEngine:
    """Answers call k from the store of generation `script[k]` (as if publications came
    between calls); records every request. Running past the script is a test failure."""

    stores: dict[int, OxigraphStore]
    script: list[int]
    requests: list[QueryRequest] = field(default_factory=list)
    statistics = None

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def execute(self, request: QueryRequest) -> QueryResult:
        assert len(self.requests) < len(self.script), "more queries than the script expects"
        generation = self.script[len(self.requests)]
        self.requests.append(request)
        result = self.stores[generation].execute(request)
        return QueryResult(result.media_type, result.body, generation)


@pytest.fixture(scope="module")
def generations(seed_graph) -> dict[int, OxigraphStore]:
    """Generation 1: the seed; generation 2: the seed without service 2."""
    item2 = next(s for s in seed_graph.subjects(SG.number) if _number(seed_graph, s) == 2)
    stores = {1: ox.Store(), 2: ox.Store()}
    for s, p, o in seed_graph:
        quad = ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
        stores[1].add(quad)
        if s != item2:
            stores[2].add(quad)
    return {g: OxigraphStore(store) for g, store in stores.items()}


def scripted(stores: dict[int, OxigraphStore], script: list[int]) -> tuple[ScriptedEngine, TestClient]:
    engine = ScriptedEngine(stores, script)
    return engine, TestClient(create_app(engine))


def test_a_page_and_its_total_straddling_a_publication_run_again(generations, seed_catalogue) -> None:
    # The page from generation 1 and its total from 2 would disagree: the request runs again on 2.
    engine, client = scripted(generations, [1, 2, 2, 2])
    with client:
        page = client.get("/api/services", params={"limit": 1000}).json()
    assert len(engine.requests) == 4
    assert page["total"] == len(page["items"]) == len(seed_catalogue.items) - 1
    assert 2 not in {s["number"] for s in page["items"]}


def test_a_service_found_before_a_publication_that_removed_it_is_a_404(generations) -> None:
    # Found on generation 1, its levels read on 2: the rerun reads 2 alone, where it is gone.
    engine, client = scripted(generations, [1, 1, 2, 2])
    with client:
        answer = client.get("/api/services/2")
    assert answer.status_code == 404
    assert len(engine.requests) == 4


def test_a_request_straddling_publications_each_time_gives_up_with_503(generations) -> None:
    engine, client = scripted(generations, [1, 2] * (1 + RERUNS))
    with client:
        answer = client.get("/api/services", params={"limit": 10})
    assert answer.status_code == 503
    assert answer.json()["detail"] == "the data changed during the request; retry"
    assert answer.headers["retry-after"] == "1"
    assert len(engine.requests) == 2 * (1 + RERUNS)


def test_a_revision_store_reads_the_default_graph_not_a_named_one(tmp_path: Path, seed_path: Path) -> None:
    """No dataset is pinned, so the workers' copy of the default graph can answer."""
    store = RevisionStore(tmp_path / "data")
    store.add(seed_path.read_bytes(), "seed.txt")
    snapshot = store.current_snapshot()
    assert snapshot.statistics.graphs  # the revision graph and the metadata are named graphs
    engine = ScriptedEngine({1: OxigraphStore.open_snapshot(snapshot, in_memory=True)}, [1] * 6)
    app = create_app(engine, revisions=store)
    with TestClient(app) as client:
        assert client.get("/api/provisions/shared", params={"rollup": True}).status_code == 200
        assert client.get("/api/services/1").status_code == 200
    assert len(engine.requests) == 6
    assert all(r.default_graphs is None and r.named_graphs is None for r in engine.requests)
