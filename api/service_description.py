"""The SPARQL Service Description (GET /sparql without a query) and the VoID description.

Their URLs are the server's public ones (api/urls.py), never the request's Host header.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fastapi import APIRouter, Request, Response
from rdflib import BNode, Graph, Literal, URIRef

from servicegraph.api import named_queries as nq
from servicegraph.api import openapi
from servicegraph.api.context import answer
from servicegraph.api.negotiation import negotiate
from servicegraph.api.urls import public_url
from servicegraph.graph.export import licence_iri
from servicegraph.graph.media_types import GRAPH_TYPES
from servicegraph.graph.namespaces import DCTERMS, PREFIXES, RDF, SD, VOID, XSD
from servicegraph.store.engine import Statistics
from servicegraph.store.formats import GRAPH_FORMATS, RESULTS_FORMATS

VOID_PATH = "/.well-known/void"

TITLES = (
    Literal("servicegraph: public services and the law behind them", lang="en"),
    Literal("servicegraph：公共服务事项及其法律依据", lang="zh"),
)

FORMAT_IRIS = {
    **{media_type: results_format.iri for media_type, results_format in RESULTS_FORMATS.items()},
    **{media_type: rdf_format.iri for media_type, rdf_format in GRAPH_FORMATS.items()},
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",  # pyoxigraph names another IRI
}
"""The W3C format IRI (http://www.w3.org/ns/formats/) of each media type the endpoint answers in."""

VOCABULARIES = tuple(str(ns) for prefix, ns in PREFIXES.items() if prefix not in ("rdf", "rdfs", "owl", "xsd", "sd"))
"""The vocabularies the graph model uses (docs/model.md)."""

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Described:
    """What both descriptions say about the dataset."""

    endpoint: str
    void_url: str
    base: str  # the data IRIs' base: void:uriSpace
    statistics: Statistics | None
    example: str | None  # a service IRI

    @property
    def dataset(self) -> URIRef:
        return URIRef(f"{self.void_url}#dataset")


def _integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _add_dataset(graph: Graph, d: Described) -> None:
    dataset = d.dataset
    graph.add((dataset, RDF.type, VOID.Dataset))
    for title in TITLES:
        graph.add((dataset, DCTERMS.title, title))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(d.endpoint)))
    graph.add((dataset, VOID.uriSpace, Literal(d.base)))
    for vocabulary in VOCABULARIES:
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    graph.add((dataset, DCTERMS.license, licence_iri(d.base)))
    graph.add((dataset, DCTERMS.publisher, URIRef(f"{d.base}publisher")))
    if d.example is not None:
        graph.add((dataset, VOID.exampleResource, URIRef(d.example)))
    statistics = d.statistics
    if statistics is None:
        return
    if statistics.modified is not None:
        graph.add((dataset, DCTERMS.modified, Literal(statistics.modified, datatype=XSD.date)))
    graph.add((dataset, VOID.triples, _integer(statistics.triples)))
    graph.add((dataset, VOID.distinctSubjects, _integer(statistics.distinct_subjects)))
    graph.add((dataset, VOID.properties, _integer(statistics.properties)))
    graph.add((dataset, VOID["classes"], _integer(statistics.classes)))
    for name, triples in statistics.graphs:
        graph.add((dataset, VOID.subset, URIRef(name)))
        graph.add((URIRef(name), VOID.triples, _integer(triples)))


def _graph() -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)
    return graph


def void_description(d: Described) -> Graph:
    graph = _graph()
    _add_dataset(graph, d)
    return graph


def service_description(d: Described) -> Graph:
    graph = _graph()
    service = URIRef(d.endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Read-only SPARQL 1.1 Query endpoint. Updates, SERVICE and LOAD are refused and "
                "FROM never fetches anything; every query has a time limit and a result-size limit.",
                lang="en",
            ),
        )
    )
    for iri in sorted(set(FORMAT_IRIS.values())):
        graph.add((service, SD.resultFormat, URIRef(iri)))
    dataset = d.dataset
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    _add_dataset(graph, d)
    if d.statistics is not None:
        graph.add((default_graph, VOID.triples, _integer(d.statistics.default_graph_triples)))
        for name, _ in d.statistics.graphs:
            named = BNode()
            graph.add((dataset, SD.namedGraph, named))
            graph.add((named, RDF.type, SD.NamedGraph))
            graph.add((named, SD.name, URIRef(name)))
    return graph


@lru_cache(maxsize=16)  # keyed by configuration and statistics, not by anything a client sends
def _render(kind: str, described: Described, media_type: str) -> bytes:
    build = service_description if kind == "sd" else void_description
    return build(described).serialize(format=media_type, encoding="utf-8")


async def description_response(request: Request, kind: str, format: str | None) -> Response:
    """The service description (`kind="sd"`) or VoID (`"void"`), negotiated."""
    media_type = negotiate(GRAPH_TYPES, request.headers.get("accept"), format, "this description")
    engine = request.app.state.engine
    runner = nq.Runner(engine.execute)
    examples, _ = await answer(nq.run_page(runner, "services", None, 1, 0))
    described = Described(
        endpoint=public_url(request, "/sparql"),
        void_url=public_url(request, VOID_PATH),
        base=request.app.state.base,
        statistics=engine.statistics,
        example=str(examples[0]["service"]) if examples else None,
    )
    body = _render(kind, described, media_type)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


@router.get(VOID_PATH, name="void", summary="The VoID description of the dataset", **openapi.DESCRIPTION)
async def void(request: Request, format: str | None = None) -> Response:
    return await description_response(request, "void", format)
