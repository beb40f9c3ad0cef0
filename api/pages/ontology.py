"""The ontology at its own IRI (/ontology, terms at /ontology#term): Turtle, the other RDF
formats, or a page listing every class, property and concept with its labels."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from servicegraph.api.negotiation import GRAPH_TYPES, HTML, negotiate
from servicegraph.api.pages.render import render
from servicegraph.graph.build import ONTOLOGY
from servicegraph.graph.namespaces import SG

RDFLIB_FORMATS = {"application/n-triples": "nt", "application/ld+json": "json-ld", "application/rdf+xml": "xml"}
KINDS = (
    (OWL.Class, "类 classes"),
    (OWL.ObjectProperty, "对象属性 object properties"),
    (OWL.DatatypeProperty, "数据属性 datatype properties"),
    (SKOS.ConceptScheme, "代码表 concept schemes"),
    (SKOS.Concept, "概念 concepts"),
)

router = APIRouter(include_in_schema=False)


@cache
def _graph() -> Graph:
    return Graph().parse(data=ONTOLOGY.read_text(encoding="utf-8"), format="turtle")


def _text(graph: Graph, term: URIRef, prop: URIRef, lang: str) -> str:
    return next((str(o) for o in graph.objects(term, prop) if isinstance(o, Literal) and o.language == lang), "")


@router.get("/ontology")
async def ontology(request: Request, format: str | None = None) -> Response:
    media_type = negotiate((*GRAPH_TYPES, HTML), request.headers.get("accept"), format, "the ontology")
    headers = {"Vary": "Accept"}
    if media_type == "text/turtle":
        return Response(ONTOLOGY.read_bytes(), media_type="text/turtle; charset=utf-8", headers=headers)
    graph = _graph()
    if media_type != HTML:
        return Response(graph.serialize(format=RDFLIB_FORMATS[media_type]), media_type=media_type, headers=headers)
    sections = [
        (
            heading,
            [
                {
                    "name": str(term).removeprefix(str(SG)),
                    "zh": _text(graph, term, RDFS.label, "zh"),
                    "en": _text(graph, term, RDFS.label, "en"),
                    "comment": _text(graph, term, RDFS.comment, "en"),
                }
                for term in sorted(graph.subjects(RDF.type, kind), key=str)
                if isinstance(term, URIRef) and str(term).startswith(str(SG))
            ],
        )
        for kind, heading in KINDS
    ]
    iri = str(SG).removesuffix("#")
    html = render("ontology.html", request=request, title="本体 ontology", table=None, sections=sections, iri=iri)
    return HTMLResponse(html, headers=headers)
