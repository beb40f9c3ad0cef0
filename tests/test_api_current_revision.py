"""/api/ reads the store's default graph (the current revision) only, never the named
graphs of other revisions, unless a revision store pins one named graph."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.worker import WorkerPool
from graph.namespaces import DCTERMS, SG
from graph.store import to_oxigraph, write_snapshot

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


def test_a_pinned_revision_reads_that_named_graph(two_revisions: TestClient) -> None:
    two_revisions.app.state.default_graphs = (OLD,)
    try:
        service = two_revisions.get("/api/services/1").json()
    finally:
        del two_revisions.app.state.default_graphs
    assert service["title"] != "新标题"
    assert two_revisions.get("/api/services/1").json()["title"] == "新标题"
