"""The shared-provisions report: provisions two or more services rest on, most shared
first, with a bar per provision (articles with their paragraphs and items rolled up, or not)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from servicegraph.api import routes
from servicegraph.api.context import Consistent, Ctx
from servicegraph.api.pages.render import PAGE, Table, respond
from servicegraph.api.routes import Offset

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people


@router.get("/shared")
async def shared_page(
    request: Request,
    ctx: Ctx,
    rollup: bool = True,
    min_services: Annotated[int, Query(ge=1)] = 2,
    offset: Offset = 0,
) -> Response:
    shared = await routes.shared_provisions(ctx, rollup, min_services, PAGE, offset)
    rows = [
        {
            "label": p.label,
            "document": p.document.title,
            "services": p.services,
            "page": f"/statutes/{p.document.key}/{p.path}",
        }
        for p in shared.items
    ]
    columns = (
        ("label", "条款 provision"),
        ("document", "法规 document"),
        ("services", "事项数 services"),
        ("page", "条款页（列出事项）provision page, listing the services"),
    )
    table = Table("shared-articles" if rollup else "shared-provisions", columns, rows)
    title = "多个事项共用的条款"
    return respond(request, "shared.html", title, shared, table, rollup=rollup, min_services=min_services)
