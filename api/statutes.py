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


def level_roles(joined: object) -> list[LevelRole]:
    """'township:preliminaryReview county:finalApproval' → LevelRoles in level order."""
    pairs = [p.split(":", 1) for p in str(joined or "").split()]
    return sorted((LevelRole(level=lv, role=role_key(SG[role])) for lv, role in pairs), key=LevelRole.order)


def services_at(rows: list[Row]) -> list[ServiceAt]:
    """statute-services.rq rows → each service with its agencies (by name) and levels."""
    return [
        ServiceAt(
            iri=str(r["service"]),
            number=nq.integer(r["number"]),
            title=str(r["title"]),
            agencies=sorted(_agencies(r["agencies"]), key=lambda a: (a.label or "", a.iri)),
            levels=level_roles(r["level_roles"]),
        )
        for r in rows
    ]


def _agencies(joined: object) -> list[Labelled]:
    """'IRI<TAB>name' lines → the agencies."""
    pairs = (line.split("\t", 1) for line in str(joined or "").splitlines() if line)
    return [Labelled(iri=iri, label=name) for iri, name in pairs]


def citations_by_target(rows: list[Row], services: list[ServiceAt]) -> dict[str, list[ProvisionCitation]]:
    """statute-citations.rq rows → the citations by `services` of each provision (or the document), by IRI."""
    page = {s.iri: s for s in services}
    out: dict[str, list[ProvisionCitation]] = defaultdict(list)
    for r in rows:
        service = page.get(str(r["service"]))
        if service is None:  # numbered within the page's range, but on the page before or after
            continue
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
            services_resting=nq.optional_integer(r["services"]) or 0,
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
    for node in nodes.values():
        node.children.sort(key=_order)
    return sorted(roots, key=_order)


def _order(node: ProvisionNode) -> tuple[int, int, str]:
    kind = _KIND_ORDER.index(node.kind) if node.kind in _KIND_ORDER else len(_KIND_ORDER)
    return (kind, int(node.number) if node.number.isdigit() else 0, node.number)


def _str(value: object) -> str | None:
    return None if value is None else str(value)
