"""Linked data: every IRI minted under the base resolves on this server.

The base IRI maps to the server's root: GET /service/<key> describes <{base}service/<key>>
(the path percent-decoded). Turtle, N-Triples, JSON-LD or RDF/XML by Accept (or
`?format=`), a readable HTML page for browsers, 404 for an IRI the graph does not know,
and 301 to its replacement for the old IRI of a renamed resource (`dct:isReplacedBy`).
The description is api/queries/describe.rq, run by the engine within its limits.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from servicegraph.api import named_queries as nq
from servicegraph.api import openapi
from servicegraph.api.context import Consistent, Ctx, answer
from servicegraph.api.negotiation import HTML, format_name, negotiate
from servicegraph.graph.export import jsonld_context
from servicegraph.graph.media_types import GRAPH_TYPES, JSON_LD, N_TRIPLES
from servicegraph.graph.namespaces import DCTERMS, PREFIXES, RDF, RDFS, SG, SKOS

ROOTS = ("catalogue", "revision", "service", "agency", "legal", "concept", "channel", "place", "publisher")
"""The first path segment of every IRI docs/model.md mints under the base."""

OFFERED = (*GRAPH_TYPES, HTML)
LABELS = (DCTERMS.title, SKOS.prefLabel, RDFS.label, DCTERMS.description)  # a participation: 乡镇(街道)：初审
PAGE = Template((Path(__file__).parent / "templates" / "resource.html").read_text(encoding="utf-8"))

router = APIRouter(tags=["linked data"], route_class=Consistent)


async def resource(request: Request, ctx: Ctx, format: str | None = None) -> Response:
    """The description of the resource whose IRI is the base plus this path."""
    media_type = negotiate(OFFERED, request.headers.get("accept"), format, "this resource")
    iri = ctx.iri(request.scope["path"].lstrip("/"))
    body = await answer(nq.construct(ctx.runner, "describe", {"resource": iri}, N_TRIPLES))
    graph = Graph().parse(data=body.decode("utf-8"), format="nt")
    if len(graph) == 0:
        raise HTTPException(404, f"nothing is known about {iri}")
    replacement = graph.value(iri, DCTERMS.isReplacedBy)
    if replacement is not None and (iri, RDF.type, None) not in graph:  # a renamed resource's old IRI
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(href(str(replacement), ctx.base) + query, status_code=301, headers={"Vary": "Accept"})
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    headers = {"Vary": "Accept"}
    if media_type == HTML:
        return Response(page(graph, iri, ctx.base), media_type="text/html; charset=utf-8", headers=headers)
    extra = {"context": jsonld_context()["@context"], "auto_compact": True} if media_type == JSON_LD else {}
    data = graph.serialize(format=media_type, **extra)
    return Response(data, media_type=media_type, headers=headers)


for _root in ROOTS:
    for _path in (f"/{_root}", f"/{_root}/{{rest:path}}"):
        _documented = _path == "/service/{rest:path}"  # one stands for all in the OpenAPI document
        router.add_api_route(
            _path,
            resource,
            methods=["GET"],
            include_in_schema=_documented,
            summary="Linked data: the resource <{base}path> in the negotiated format",
            **(openapi.LINKED_DATA if _documented else {}),
        )


def page(graph: Graph, iri: URIRef, base: str) -> str:
    """A readable HTML page about `iri`, its links rewritten to this server."""
    title = label(graph, iri) or str(iri)
    outgoing = sorted(((p, o) for p, o in graph.predicate_objects(iri)), key=_sort_key)
    incoming = sorted(((p, s) for s, p in graph.subject_predicates(iri)), key=_sort_key)
    formats = ", ".join(f'<a href="?format={format_name(t)}">{html.escape(t)}</a>' for t in GRAPH_TYPES)
    readable = Links(base).page(graph, str(iri))
    return PAGE.substitute(
        readable=f'<p class="readable"><a href="{html.escape(readable)}">为人阅读的页面 readable page →</a></p>'
        if readable
        else "",
        title=html.escape(title),
        iri=html.escape(str(iri)),
        formats=formats,
        outgoing=_rows(graph, outgoing, base),
        incoming=_rows(graph, incoming, base),
    )


def label(graph: Graph, node: Node) -> str | None:
    for prop in LABELS:
        value = graph.value(node, prop)
        if value is not None:
            return str(value)
    return None


def _rows(graph: Graph, pairs: Iterable[tuple[Node, Node]], base: str) -> str:
    return "\n".join(
        f"<tr><th>{html.escape(graph.namespace_manager.normalizeUri(str(p)))}</th><td>{_cell(graph, v, base)}</td></tr>"
        for p, v in pairs
    )


def _cell(graph: Graph, node: Node, base: str) -> str:
    if isinstance(node, Literal):
        language = node.language if node.language != "zh" else None  # Chinese is the default here: no tag
        lang = f' <small lang="en">@{html.escape(language)}</small>' if language else ""
        return f"{html.escape(str(node))}{lang}"
    text = label(graph, node) or str(node)
    return f'<a href="{html.escape(href(str(node), base))}">{html.escape(text)}</a>'


def href(iri: str, base: str) -> str:
    """The link to `iri`: on this server when minted under `base` (not a hash IRI of the
    ontology), else the IRI itself."""
    if iri.startswith(base) and "#" not in iri[len(base) :]:
        return "/" + quote(iri[len(base) :], safe="/")
    return iri


PAGES = {"legal/": "/statutes/", "agency/": "/agencies/"}
"""IRI paths under the base whose things have a page here, and the page's path."""


@dataclass(frozen=True, slots=True)
class Links:
    """Links from an IRI to its page: a statute, provision or agency page, else its
    linked-data description (`linked_data.href`)."""

    base: str

    def to(self, iri: str) -> str:
        path = iri.removeprefix(self.base)
        for prefix, page in PAGES.items():
            if iri.startswith(self.base) and path.startswith(prefix):
                return page + quote(path.removeprefix(prefix), safe="/")
        return href(iri, self.base)

    def page(self, graph: Graph, iri: str) -> str | None:
        """The readable page of `iri` (a statute, provision, agency or service), if it has one."""
        number = graph.value(URIRef(iri), SG.number)
        if number is not None:
            return f"/services/{number}"
        link = self.to(iri)
        return link if link != href(iri, self.base) else None


def _sort_key(pair: tuple[Node, Node]) -> tuple[str, str]:
    return (str(pair[0]), str(pair[1]))
