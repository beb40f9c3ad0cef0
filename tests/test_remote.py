"""A remote engine (store/remote.py) against a real Oxigraph server: `servicegraph push`,
serving what the engine holds, the current pointer, and the limits — an engine down,
silent or slow, and a result too large, each a 503 naming the engine, never a hang.
(The API's and the revision tests also run on an Oxigraph server: tests/engines.py.)"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from engines import OxigraphServer, oxigraph_server
from http_server import free_port, running
from rdflib import Graph
from rdflib.namespace import VOID
from test_attacks import connected, issue_ssrf_query, listener

from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings
from servicegraph.cli import main
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.store.graph_store import GraphStore
from servicegraph.store.pointer import pointer_iri, read_pointer

B = DEFAULT_BASE
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
EVERY_PAIR = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^13 rows on the seed


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@contextmanager
def remote(query_url: str, **settings) -> Iterator[httpx.Client]:
    """A server answering on the engine at `query_url`, with nothing loaded by it."""
    with (
        served_app(Settings(sparql_endpoint=query_url, **settings)) as app,
        running(app) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


def pointer(engine: OxigraphServer):
    with GraphStore(engine.store_url) as graph_store:
        return graph_store.pointer(B)


def test_push_makes_the_catalogue_current_and_a_server_answers_from_it(
    engine: OxigraphServer, seed_path: Path, seed_catalogue, capsys
) -> None:
    assert main(["push", str(seed_path), "--endpoint", engine.store_url]) == 0
    revision = f"{B}revision/{seed_catalogue.sha256[:12]}"  # a revision's IRI: its source's sha256
    first = pointer(engine)
    assert (first.default_graph, first.named_graphs) == (revision, (revision,))
    printed = capsys.readouterr().out
    assert f"reads {revision}" in printed
    triples = int(re.search(r"(\d+) triples", printed).group(1))  # the snapshot's count, as push printed it
    with remote(engine.query_url) as client:
        void = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text)
        assert triples in {t.toPython() for t in void.objects(None, VOID.triples)}
        services = client.get("/api/services", params={"limit": 1000}).json()
        assert services["total"] == len(seed_catalogue.items)
        assert [s["number"] for s in services["items"]] == sorted(i.number for i in seed_catalogue.items)
        cache = client.get("/api/services", params={"limit": 1000})  # the results cache answers
        assert cache.json() == services
    assert main(["push", str(seed_path), "--endpoint", engine.store_url]) == 0
    assert pointer(engine).generation == first.generation + 1


def test_a_push_to_a_served_engine_is_served_once_the_pointer_is_read_again(
    tmp_path: Path, seed_path: Path, seed_catalogue
) -> None:
    with oxigraph_server(tmp_path / "engine") as engine, remote(engine.query_url) as client:
        assert client.get("/api/services").json()["total"] == 0  # no pointer: the engine's empty default graph
        assert main(["push", str(seed_path), "--endpoint", engine.store_url]) == 0
        deadline = time.monotonic() + 30
        while client.get("/api/services").json()["total"] != len(seed_catalogue.items):
            assert time.monotonic() < deadline, "the pushed catalogue was never served"
            time.sleep(0.1)


def test_a_dump_goes_to_the_graph_named_or_to_the_default_graph(engine: OxigraphServer, tmp_path: Path) -> None:
    dump = tmp_path / "two.nt"
    dump.write_text('<http://e/a> <http://e/p> "one" .\n<http://e/a> <http://e/p> "two" .\n', encoding="utf-8")
    assert main(["push", str(dump), "--endpoint", engine.store_url, "--graph", "http://e/g"]) == 0
    assert pointer(engine).default_graph == "http://e/g"
    with remote(engine.query_url) as client:
        rows = client.get("/sparql", params={"query": "SELECT ?o { ?s ?p ?o }"}, headers=SPARQL_JSON).json()
        assert sorted(r["o"]["value"] for r in rows["results"]["bindings"]) == ["one", "two"]
    assert main(["push", str(dump), "--endpoint", engine.store_url]) == 0
    assert pointer(engine).default_graph is None
    default = httpx.get(engine.store_url, params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert sorted(default.text.splitlines()) == sorted(dump.read_text(encoding="utf-8").splitlines())


def test_the_pointer_reads_back_what_was_written() -> None:
    from servicegraph.store.engine import Statistics
    from servicegraph.store.pointer import Pointer

    written = Pointer(
        7,
        f"{B}revision/0123456789ab",
        (f"{B}changes", f"{B}revisions"),
        Statistics(9, 8, 7, 6, 5, ((f"{B}changes", 3),)),
    )
    assert read_pointer(pointer_iri(B), written.triples(pointer_iri(B))) == written


def test_an_engine_that_is_down_is_a_503_naming_it_without_its_password() -> None:
    down = f"127.0.0.1:{free_port()}/query"  # nothing listens there
    with remote(f"http://reader:secret@{down}") as client:
        for answer in (client.get("/api/services"), client.get("/sparql", params={"query": "ASK {}"})):
            assert answer.status_code == 503
            assert f"http://{down}" in answer.text and "unreachable" in answer.text and "secret" not in answer.text


def test_a_silent_engine_is_a_503_at_the_time_limit_not_a_hang() -> None:
    with socket.socket() as listener:  # connections are taken (the backlog) and never answered
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        silent = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        with remote(silent, timeout=1.0) as client:
            answer = client.get("/api/services")  # the client waits 30 s: a hang would raise
            assert answer.status_code == 503
            assert silent in answer.text and "time limit of 1 s" in answer.text


def test_a_slow_query_is_stopped_and_the_engine_still_answers(engine: OxigraphServer, seed_path: Path) -> None:
    assert main(["push", str(seed_path), "--endpoint", engine.store_url]) == 0
    with remote(engine.query_url, timeout=1.0) as client:
        slow = client.get("/sparql", params={"query": EVERY_PAIR}, headers=SPARQL_JSON)
        assert slow.status_code == 503 and "time limit of 1 s" in slow.text and engine.query_url in slow.text
        assert client.get("/api/services", params={"limit": 1}).status_code == 200


def test_a_result_over_the_size_limit_is_cut(engine: OxigraphServer, seed_path: Path) -> None:
    assert main(["push", str(seed_path), "--endpoint", engine.store_url]) == 0
    with remote(engine.query_url, max_result_bytes=4000) as client:
        large = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers=SPARQL_JSON)
        assert large.status_code == 503 and "larger than the limit of 4000 bytes" in large.text
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=SPARQL_JSON).status_code == 200


def test_serving_data_on_an_engine_needs_its_graph_store(seed_path: Path, capsys) -> None:
    assert main(["serve", str(seed_path), "--sparql-endpoint", "http://127.0.0.1:9/query"]) == 2
    assert "--store-endpoint" in capsys.readouterr().err


def test_an_upload_the_engine_cannot_take_is_a_503_naming_its_graph_store(tmp_path: Path, seed_path: Path) -> None:
    with oxigraph_server(tmp_path / "engine") as engine:
        settings = Settings(data_dir=tmp_path / "data", upload_token="t", **engine.settings())
        with served_app(settings) as app, running(app) as url:
            engine.process.terminate()
            engine.process.wait(timeout=10)
            answer = httpx.post(
                f"{url}/api/revisions",
                content=seed_path.read_bytes(),
                headers={"Authorization": "Bearer t"},
                timeout=60,
            )
            assert answer.status_code == 503 and engine.store_url in answer.json()["error"]


def test_a_service_query_is_refused_before_it_reaches_the_engine(engine: OxigraphServer, seed_path: Path) -> None:
    """The remote engine's workers are not ours to sandbox: the parse check refuses SERVICE
    before the query is sent (the issue-9 query, whose words fool a word filter)."""
    assert main(["push", str(seed_path), "--endpoint", engine.store_url]) == 0
    with listener() as (port, sock), remote(engine.query_url) as client:
        answer = client.get("/sparql", params={"query": issue_ssrf_query(port)}, headers=SPARQL_JSON)
        assert answer.status_code == 403 and "SERVICE" in answer.text
        assert not connected(sock)


def test_a_graph_dump_stopped_midway_lets_its_thread_go(tmp_path: Path, seed_path: Path) -> None:
    """An upload that fails mid-body closes the dump's pipe: the dumping thread ends (no hang,
    no thread left writing), and a dump read to the end holds the whole graph."""
    import threading

    import pyoxigraph as ox

    from servicegraph.graph import ntriples
    from servicegraph.graph.build import CatalogueTriples
    from servicegraph.loaders.catalogue import read_catalogue
    from servicegraph.store.graph_store import _graph

    store = ox.Store(str(tmp_path / "s"))
    ntriples.load(store, ntriples.lines(CatalogueTriples(read_catalogue(seed_path))))
    whole = b"".join(_graph(store, ox.DefaultGraph()))
    assert len(list(ox.parse(whole, ox.RdfFormat.N_TRIPLES))) == len(store)  # ~3 MB: many times a pipe's buffer
    body = _graph(store, ox.DefaultGraph())
    first = next(body)
    assert 0 < len(first) < len(whole)
    body.close()
    assert not any(t.name == "graph-dump" and t.is_alive() for t in threading.enumerate())
