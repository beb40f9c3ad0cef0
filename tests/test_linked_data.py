"""Linked data over HTTP: every IRI minted under the base resolves on the server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin

import httpx
import pytest
from engines import ENGINES, engine_settings
from http_server import serving
from rdflib import Graph, URIRef

from servicegraph.graph.namespaces import DEFAULT_BASE

FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module", params=ENGINES)
def server(request: pytest.FixtureRequest, seed_path: Path, tmp_path_factory) -> Iterator[httpx.Client]:
    """The seed served on each engine (tests/engines.py)."""
    directory = tmp_path_factory.mktemp("engine")
    with engine_settings(request.param, directory) as settings, serving(seed_path, **settings) as client:
        yield client


def minted(seed_graph) -> list[URIRef]:
    """Two IRIs of every shape the graph mints under the base (digits and keys aside)."""
    by_shape: dict[str, list[URIRef]] = {}
    for node in set(seed_graph.subjects()) | set(seed_graph.objects()):
        if isinstance(node, URIRef) and node.startswith(DEFAULT_BASE) and "#" not in node:
            path = node[len(DEFAULT_BASE) :].split("/")
            shape = "/".join([path[0]] + [re.sub(r"[^_a-z-]", "", s) or "*" for s in path[1:]])
            by_shape.setdefault(shape, []).append(node)
    return [iri for shape in sorted(by_shape) for iri in sorted(by_shape[shape])[:2]]


def path_of(iri: str) -> str:
    return "/" + quote(iri[len(DEFAULT_BASE) :], safe="/")


def test_every_minted_shape_resolves_in_every_format(server: httpx.Client, seed_graph) -> None:
    iris = minted(seed_graph)
    shapes = {i[len(DEFAULT_BASE) :].split("/")[0] for i in iris}
    assert {"catalogue", "revision", "service", "agency", "legal", "concept", "channel", "place"} <= shapes
    for iri in iris:
        for media_type, rdflib_format in FORMATS.items():
            response = server.get(path_of(iri), headers={"Accept": media_type})
            assert response.status_code == 200, (iri, media_type)
            assert response.headers["content-type"].startswith(media_type)
            graph = Graph().parse(data=response.text, format=rdflib_format)
            expected = set(seed_graph.predicate_objects(URIRef(iri)))
            assert expected <= set(graph.predicate_objects(URIRef(iri))), (iri, media_type)
            assert len(graph) > 0


def test_html_for_browsers_links_to_this_server(server: httpx.Client) -> None:
    iri = f"{DEFAULT_BASE}legal/中华人民共和国电力法/art_26"
    response = server.get(path_of(iri), headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "《中华人民共和国电力法》第二十六条" in response.text
    links = re.findall(r'href="(/[^"?#]+)"', response.text)
    assert path_of(f"{DEFAULT_BASE}legal/中华人民共和国电力法") in links
    assert any(link.startswith("/service/") for link in links)  # the citations quoting it
    for link in links[:10]:
        assert server.get(urljoin(str(server.base_url), link), headers={"Accept": "text/html"}).status_code == 200


def test_path_is_percent_decoded_and_curl_gets_turtle(server: httpx.Client) -> None:
    response = server.get("/service/%E5%88%9B%E4%B8%9A%E6%9C%8D%E5%8A%A1")  # 创业服务
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(f"{DEFAULT_BASE}service/创业服务"), None, None) in graph


def test_unknown_iris_and_formats(server: httpx.Client) -> None:
    assert server.get("/service/没有这个事项").status_code == 404
    assert server.get("/legal/x/art_999").status_code == 404
    assert server.get(path_of(f"{DEFAULT_BASE}catalogue"), headers={"Accept": "image/png"}).status_code == 406
    assert server.get(path_of(f"{DEFAULT_BASE}catalogue"), params={"format": "nope"}).status_code == 400
    response = server.get(path_of(f"{DEFAULT_BASE}catalogue"), params={"format": "jsonld"})
    assert response.headers["content-type"].startswith("application/ld+json")
