"""The SPARQL Service Description (GET /sparql without a query) and the VoID description."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request, Response
from rdflib import BNode, Graph, Literal, URIRef

from servicegraph.api import openapi
from servicegraph.api.negotiation import negotiate
from servicegraph.graph.media_types import GRAPH_TYPES
from servicegraph.graph.namespaces import DCTERMS, RDF, SD, VOID, XSD
from servicegraph.store.engine import Statistics
from servicegraph.store.formats import GRAPH_FORMATS, RESULTS_FORMATS

VOID_PATH = "/.well-known/void"

router = APIRouter()


def _integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _add_dataset(graph: Graph, dataset: URIRef, endpoint: str, statistics: Statistics | None) -> None:
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("servicegraph: public services and the law behind them", lang="en")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    if statistics is None:
        return
    graph.add((dataset, VOID.triples, _integer(statistics.triples)))
    graph.add((dataset, VOID.distinctSubjects, _integer(statistics.distinct_subjects)))
    graph.add((dataset, VOID.properties, _integer(statistics.properties)))
    graph.add((dataset, VOID["classes"], _integer(statistics.classes)))
    for name, triples in statistics.graphs:
        graph.add((dataset, VOID.subset, URIRef(name)))
        graph.add((URIRef(name), VOID.triples, _integer(triples)))


def void_description(endpoint: str, void_url: str, statistics: Statistics | None) -> Graph:
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)
    _add_dataset(graph, URIRef(f"{void_url}#dataset"), endpoint, statistics)
    return graph


def service_description(endpoint: str, void_url: str, statistics: Statistics | None) -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)
    service = URIRef(endpoint)
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
    for iri in [f.iri for f in RESULTS_FORMATS.values()] + [f.iri for f in GRAPH_FORMATS.values()]:
        graph.add((service, SD.resultFormat, URIRef(iri)))
    dataset = URIRef(f"{void_url}#dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    _add_dataset(graph, dataset, endpoint, statistics)
    if statistics is not None:
        graph.add((default_graph, VOID.triples, _integer(statistics.default_graph_triples)))
        for name, _ in statistics.graphs:
            named = BNode()
            graph.add((dataset, SD.namedGraph, named))
            graph.add((named, RDF.type, SD.NamedGraph))
            graph.add((named, SD.name, URIRef(name)))
    return graph


@lru_cache(maxsize=64)
def _render(kind: str, endpoint: str, void_url: str, statistics: Statistics | None, media_type: str) -> bytes:
    build = service_description if kind == "sd" else void_description
    return build(endpoint, void_url, statistics).serialize(format=media_type, encoding="utf-8")


def description_response(request: Request, kind: str, format: str | None) -> Response:
    """The service description (`kind="sd"`) or VoID (`"void"`), negotiated."""
    media_type = negotiate(GRAPH_TYPES, request.headers.get("accept"), format, "this description")
    endpoint = str(request.url_for("sparql"))
    void_url = str(request.url_for("void"))
    statistics = request.app.state.engine.statistics
    body = _render(kind, endpoint, void_url, statistics, media_type)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


@router.get(VOID_PATH, name="void", summary="The VoID description of the dataset", **openapi.DESCRIPTION)
async def void(request: Request, format: str | None = None) -> Response:
    return description_response(request, "void", format)
