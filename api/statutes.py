"""Legal documents in the API: search parameters and the provision tree of one document."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Literal, URIRef

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


async def services_page(runner: nq.Runner, basis: URIRef, limit: int, offset: int) -> tuple[list[ServiceAt], int]:
    """A page of the services resting on `basis` (a document or provision), by number,
    with their agencies and levels; and how many rest on it."""
    rows, total = await nq.run_page(runner, "statute-services", {"basis": basis}, limit, offset)
    return await _described(runner, basis, rows), total


async def all_services(runner: nq.Runner, basis: URIRef) -> list[ServiceAt]:
    """Every service resting on `basis`, with its agencies and levels."""
    return await _described(runner, basis, await nq.run(runner, "statute-services", {"basis": basis}))


async def _described(runner: nq.Runner, basis: URIRef, rows: list[Row]) -> list[ServiceAt]:
    """statute-services.rq rows, with the agencies and levels of the services among them."""
    if not rows:
        return []
    span: dict[str, nq.Term] = {
        "basis": basis,
        "first": Literal(nq.integer(rows[0]["number"])),
        "last": Literal(nq.integer(rows[-1]["number"])),
    }
    agencies: dict[str, list[Labelled]] = defaultdict(list)
    for a in await nq.run(runner, "statute-service-agencies", span):
        agencies[str(a["service"])].append(Labelled(iri=str(a["agency"]), label=_str(a["name"])))
    levels: dict[str, list[LevelRole]] = defaultdict(list)
    for lv in await nq.run(runner, "statute-service-levels", span):
        levels[str(lv["service"])].append(LevelRole(level=str(level_key(lv["level"])), role=role_key(lv["role"])))
    return [
        ServiceAt(
            iri=str(r["service"]),
            number=nq.integer(r["number"]),
            title=str(r["title"]),
            agencies=agencies[str(r["service"])],
            levels=sorted(levels[str(r["service"])], key=LevelRole.order),
        )
        for r in rows
    ]


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
