"""The store: snapshots, datasets, bindings, limits, and swapping generations in the worker pool."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from waiting import until

from servicegraph.store.engine import QueryRequest
from servicegraph.store.errors import DumpError, QuerySyntaxError, ResultTooLarge
from servicegraph.store.oxigraph import OxigraphStore
from servicegraph.store.snapshots import snapshot_from_dump, snapshot_from_graph
from servicegraph.store.workers import WorkerPool

EX = Namespace("http://example.org/")
JSON = "application/sparql-results+json"
REVISION = URIRef("http://example.org/revision/abc")


def rows(store: OxigraphStore, query: str, **kwargs) -> list[dict[str, str]]:
    result = store.execute(QueryRequest(query, JSON, **kwargs))
    bindings = json.loads(result.body)["results"]["bindings"]
    return [{k: v["value"] for k, v in b.items()} for b in bindings]


@pytest.fixture
def revision_graph() -> Graph:
    graph = Graph(identifier=REVISION)
    graph.add((EX.s1, EX.title, Literal("献血", lang="zh")))
    graph.add((EX.s2, EX.title, Literal('quote " } DROP ALL', lang="en")))
    return graph


def test_a_revision_graph_is_its_named_graph_and_the_default_graph(tmp_path: Path, revision_graph: Graph) -> None:
    snapshot = snapshot_from_graph(tmp_path / "s", 1, revision_graph)
    assert snapshot.statistics.graphs == ((str(REVISION), 2),)
    assert snapshot.statistics.default_graph_triples == 2
    assert snapshot.statistics.triples == 2  # distinct triples over all graphs
    store = OxigraphStore.open_snapshot(snapshot)
    assert len(rows(store, "SELECT * { ?s ?p ?o }")) == 2
    assert len(rows(store, f"SELECT * {{ GRAPH <{REVISION}> {{ ?s ?p ?o }} }}")) == 2


def test_bindings_are_terms_not_query_text(tmp_path: Path, revision_graph: Graph) -> None:
    store = OxigraphStore.open_snapshot(snapshot_from_graph(tmp_path / "s", 1, revision_graph))
    query = "SELECT ?s ?title { ?s <http://example.org/title> ?title }"
    found = rows(store, query, bindings={"title": Literal('quote " } DROP ALL', lang="en")})
    assert found == [{"s": str(EX.s2), "title": 'quote " } DROP ALL'}]
    assert rows(store, query, bindings={"title": Literal("献血", lang="zh")})[0]["s"] == str(EX.s1)
    assert rows(store, query, bindings={"title": Literal("献血")}) == []  # the language tag counts
    assert rows(store, query, bindings={"s": EX.s1}) == [{"s": str(EX.s1), "title": "献血"}]


def test_dataset_parameters_replace_from(tmp_path: Path) -> None:
    dataset = Dataset()
    dataset.graph(EX.g1).add((EX.a, EX.p, EX.b))
    dataset.graph(EX.g2).add((EX.c, EX.p, EX.d))
    store = OxigraphStore.open_snapshot(snapshot_from_graph(tmp_path / "s", 1, dataset))
    query = f"SELECT ?s FROM <{EX.g1}> {{ ?s ?p ?o }}"
    assert rows(store, query) == [{"s": str(EX.a)}]
    assert rows(store, query, default_graphs=(str(EX.g2),)) == [{"s": str(EX.c)}]
    assert rows(store, "SELECT ?s { GRAPH ?g { ?s ?p ?o } }", default_graphs=(), named_graphs=(str(EX.g1),)) == [
        {"s": str(EX.a)}
    ]
    with pytest.raises(QuerySyntaxError, match="invalid graph IRI"):
        rows(store, query, default_graphs=("not an iri",))


@pytest.mark.parametrize("in_memory", [False, True])
def test_named_graphs_answer_alike_in_memory_with_a_default_graph_copy(tmp_path: Path, in_memory: bool) -> None:
    dataset = Dataset()
    dataset.add((EX.d, EX.p, EX.e))  # the default graph
    dataset.graph(EX.g1).add((EX.a, EX.p, EX.b))
    snapshot = snapshot_from_graph(tmp_path / "s", 1, dataset)
    store = OxigraphStore.open_snapshot(snapshot, in_memory=in_memory)
    assert rows(store, "SELECT ?s { ?s ?p ?o }") == [{"s": str(EX.d)}]
    assert rows(store, "SELECT ?s { graph ?g { ?s ?p ?o } }") == [{"s": str(EX.a)}]
    assert rows(store, 'SELECT ?s { ?s ?p ?o FILTER(?o != "graph") }') == [{"s": str(EX.d)}]  # the full store
    assert rows(store, f"SELECT ?s FROM <{EX.g1}> {{ ?s ?p ?o }}") == [{"s": str(EX.a)}]
    assert rows(store, "SELECT ?s { ?s ?p ?o }", default_graphs=(str(EX.g1),)) == [{"s": str(EX.a)}]
    assert rows(store, "SELECT ?s { GRAPH ?g { ?s ?p ?o } }", default_graphs=(), named_graphs=()) == []


def test_errors_and_the_size_limit(tmp_path: Path, revision_graph: Graph) -> None:
    snapshot = snapshot_from_graph(tmp_path / "s", 1, revision_graph)
    with pytest.raises(QuerySyntaxError, match="1:"):
        rows(OxigraphStore.open_snapshot(snapshot), "SELECT * { ?s }")
    small = OxigraphStore.open_snapshot(snapshot, 100)
    with pytest.raises(ResultTooLarge, match="100 bytes"):
        small.execute(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"))
    assert small.execute(QueryRequest("ASK {}", JSON)).body == b'{"head":{},"boolean":true}'


def test_a_dump_keeps_named_graphs_and_a_graphs_only_dump_gets_their_union_as_default(tmp_path: Path) -> None:
    dump = tmp_path / "d.trig"
    dump.write_text("<http://x/g> { <http://x/a> <http://x/p> <http://x/b> . }\n", encoding="utf-8")
    snapshot = snapshot_from_dump(tmp_path / "s", 1, dump)
    assert snapshot.statistics.graphs == (("http://x/g", 1),)
    store = OxigraphStore.open_snapshot(snapshot)
    assert rows(store, "SELECT ?s { ?s ?p ?o }") == [{"s": "http://x/a"}]


def test_a_bad_dump_names_file_and_line(tmp_path: Path) -> None:
    dump = tmp_path / "bad.ttl"
    dump.write_text("<http://x/a> <http://x/p> <http://x/b> .\n<http://x/a> <http://x/p> .\n", encoding="utf-8")
    with pytest.raises(DumpError) as error:
        snapshot_from_dump(tmp_path / "s", 1, dump)
    assert error.value.path == str(dump)
    assert error.value.line == 2
    with pytest.raises(DumpError, match="not an RDF dump"):
        snapshot_from_dump(tmp_path / "t", 1, tmp_path / "data.csv")
    with pytest.raises(DumpError):
        snapshot_from_dump(tmp_path / "u", 1, tmp_path / "missing.nt")


def test_publish_swaps_generations_for_new_queries(tmp_path: Path) -> None:
    def graph(title: str) -> Graph:
        g = Graph()
        g.add((EX.s, EX.title, Literal(title)))
        return g

    first = snapshot_from_graph(tmp_path / "g1", 1, graph("first"))
    second = snapshot_from_graph(tmp_path / "g2", 2, graph("second"))
    request = QueryRequest("SELECT ?t { ?s <http://example.org/title> ?t }", JSON)

    async def scenario() -> list[bytes]:
        pool = WorkerPool(first, size=2, timeout=20)
        await pool.start()
        try:
            before = await pool.execute(request)
            old = [w.process for w in list(pool._workers)]
            await pool.publish(second)
            after = await asyncio.gather(*(pool.execute(request) for _ in range(4)))
            # idle workers on the old generation are retired: their processes end
            await until(lambda: not any(p.is_alive() for p in old), "the old generation's workers to end")
            return [before.body, *(r.body for r in after)]
        finally:
            await pool.close()

    bodies = asyncio.run(scenario())
    assert b"first" in bodies[0]
    assert all(b"second" in body for body in bodies[1:])


def test_a_catalogue_built_into_the_store_holds_what_its_graph_held(tmp_path: Path, seed_path: Path) -> None:
    """`load_source` streams the build into the store; the expected store is written the old way,
    quad by quad from `build_graph` and `status_layer` over that graph, its statistics counted
    over the union of its graphs."""
    import pyoxigraph as ox

    from servicegraph.graph.build import build_graph
    from servicegraph.graph.namespaces import DEFAULT_BASE
    from servicegraph.graph.status import status_layer, status_layer_of
    from servicegraph.loaders.catalogue import read_catalogue
    from servicegraph.store.snapshots import layered_quads, load_source, write_snapshot

    graph = build_graph(read_catalogue(seed_path), issued=None)
    old = write_snapshot(tmp_path / "old", 1, layered_quads([graph]))  # statistics counted over the union
    new = load_source(seed_path, tmp_path / "new")
    assert set(ox.Store.read_only(str(new.path))) == set(ox.Store.read_only(str(old.path)))
    assert new.statistics == old.statistics

    layered = write_snapshot(
        tmp_path / "old-layered", 1, layered_quads([graph, status_layer(graph, None, DEFAULT_BASE)])
    )
    streamed = load_source(seed_path, tmp_path / "new-layered", status=lambda index: status_layer_of(index, None))
    assert set(ox.Store.read_only(str(streamed.path))) == set(ox.Store.read_only(str(layered.path)))
    assert len(layered.statistics.graphs) == 2
