"""The provision page (an article, a paragraph, an item…): its place in the document's
tree, and the services resting on it and on anything inside it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel

from servicegraph.api import models as m
from servicegraph.api import routes
from servicegraph.api.context import Consistent, Ctx
from servicegraph.api.pages.render import PAGE, Links, Table, respond
from servicegraph.api.pages.statutes import CITATION_COLUMNS, citation_row, dependency_picture, walk
from servicegraph.api.routes import Offset

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people


class ProvisionPage(BaseModel):
    document: m.DocumentRef
    path: list[m.Labelled]  # the provisions holding this one, outermost first
    provision: m.ProvisionNode
    services: m.Page[m.ServiceAt]  # the page of services resting on it whose citations the tree shows


def find(nodes: list[m.ProvisionNode], iri: str) -> list[m.ProvisionNode]:
    """The nodes from a root down to the one with `iri`; empty when no node has it."""
    for node in nodes:
        if node.iri == iri:
            return [node]
        below = find(node.children, iri)
        if below:
            return [node, *below]
    return []


@router.get("/statutes/{key}/{rest:path}", summary="The provision page (HTML; JSON or CSV with format=)")
async def provision_page(request: Request, ctx: Ctx, key: str, rest: str, offset: Offset = 0) -> Response:
    statute = await routes.get_statute(ctx, key, rest, PAGE, offset)
    iri = str(ctx.iri(f"legal/{key}/{rest}"))
    chain = find(statute.provisions, iri)
    if not chain:
        raise HTTPException(404, f"{statute.title} has no cited provision {rest}")
    node = chain[-1]
    page = ProvisionPage(
        document=m.DocumentRef(iri=statute.iri, key=statute.key, title=statute.title),
        path=[m.Labelled(iri=n.iri, label=n.label) for n in chain[:-1]],
        provision=node,
        services=statute.services,
    )
    rows = [citation_row(n.label, c) for n in walk([node]) for c in n.citations]
    table = Table(f"provision-{key}-{rest}", CITATION_COLUMNS, rows)
    picture = dependency_picture(statute, [node], [], Links(ctx.base))
    return respond(request, "provision.html", node.label or rest, page, table, picture=picture, target=f"{key}/{rest}")
