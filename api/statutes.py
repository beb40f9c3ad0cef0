"""Legal documents in the API: search parameters and the provision tree of one document."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Literal

from servicegraph.api import named_queries as nq
from servicegraph.api.models import (
    Labelled,
    LevelRole,
    ProvisionCitation,
    ProvisionNode,
    ServiceAt,
    level_key,
    role_key,
)
from servicegraph.api.named_queries import Row
from servicegraph.graph.namespaces import SG
from servicegraph.graph.statutes import clean_title, parse_issuing_number, title_key

MATCHES = ("canonical-title", "variant-title", "issuing-number", "fragment")
"""statutes-search.rq's ?match_rank, by rank."""

_KIND_ORDER = ("chapter", "section", "article", "paragraph", "item", "subitem", "point")


def search_terms(q: str) -> dict[str, Literal] | None:
    """The bound parameters of statutes-search.rq for a search text; None if it has no key.

    The text is normalised by graph.statutes exactly as cited titles are, after dropping
    the 《》 a user may type around a title.
    """
    text = q.strip().removeprefix("《").removesuffix("》")
    if not any(c.isalnum() for c in text):  # Chinese characters are letters too
        return None
    key = title_key(text) or clean_title(text)  # 中华人民共和国 alone normalises to nothing
    number = parse_issuing_number(text)
    return {
        "text": Literal(clean_title(text)),
        "key": Literal(key),
        "issuing_number": Literal(number.text if number else ""),
    }


def services_at(rows: list[Row]) -> dict[str, ServiceAt]:
    """statute-services.rq rows → each service with its agencies and levels, by IRI."""
    services: dict[str, ServiceAt] = {}
    for r in rows:
        iri = str(r["service"])
        s = services.setdefault(
            iri, ServiceAt(iri=iri, number=nq.integer(r["number"]), title=str(r["title"]), agencies=[], levels=[])
        )
        if r["agency"] and all(a.iri != r["agency"] for a in s.agencies):
            s.agencies.append(Labelled(iri=str(r["agency"]), label=_str(r["agency_name"])))
        if r["level"]:
            level = LevelRole(level=str(level_key(r["level"])), role=role_key(r["role"]))
            if level not in s.levels:
                s.levels.append(level)
    for s in services.values():
        s.levels.sort(key=LevelRole.order)
    return services


def citations_by_target(rows: list[Row], services: dict[str, ServiceAt]) -> dict[str, list[ProvisionCitation]]:
    """statute-citations.rq rows → the citations of each provision (or the document), by IRI."""
    out: dict[str, list[ProvisionCitation]] = defaultdict(list)
    for r in rows:
        service = services.get(str(r["service"])) or ServiceAt(
            iri=str(r["service"]), number=nq.integer(r["number"]), title=str(r["title"]), agencies=[], levels=[]
        )
        out[str(r["target"])].append(
            ProvisionCitation(
                iri=str(r["citation"]), line=nq.optional_integer(r["line"]), quote=_str(r["quote"]), service=service
            )
        )
    return out


def provision_tree(rows: list[Row], citations: dict[str, list[ProvisionCitation]]) -> list[ProvisionNode]:
    """statute-provisions.rq rows → the top-level provisions, children nested, in order."""
    nodes = {
        str(r["provision"]): ProvisionNode(
            iri=str(r["provision"]),
            kind=str(r["kind"]).removeprefix(str(SG)),
            number=str(r["number"]),
            label=_str(r["label"]),
            services_resting=0,
            citations=citations.get(str(r["provision"]), []),
            children=[],
        )
        for r in rows
    }
    parents = {str(r["provision"]): str(r["parent"]) for r in rows if r["parent"]}
    roots: list[ProvisionNode] = []
    for iri, node in nodes.items():
        parent = nodes.get(parents.get(iri, ""))
        (parent.children if parent else roots).append(node)
    for node in roots:
        _finish(node)
    return sorted(roots, key=_order)


def _finish(node: ProvisionNode) -> set[str]:
    """Sort children and count the distinct services resting on `node`; their IRIs."""
    services = {c.service.iri for c in node.citations}
    for child in node.children:
        services |= _finish(child)
    node.children.sort(key=_order)
    node.services_resting = len(services)
    return services


def _order(node: ProvisionNode) -> tuple[int, int, str]:
    kind = _KIND_ORDER.index(node.kind) if node.kind in _KIND_ORDER else len(_KIND_ORDER)
    return (kind, int(node.number) if node.number.isdigit() else 0, node.number)


def _str(value: object) -> str | None:
    return None if value is None else str(value)
