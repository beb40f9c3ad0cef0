"""The shared-provisions report: provisions two or more services rest on, most shared
first, with a bar per provision (articles with their paragraphs and items rolled up, or not)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from servicegraph.api import routes
from servicegraph.api.context import Consistent, Ctx
from servicegraph.api.pages.render import Table, respond

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people
ALL = 1000  # the API's largest page


@router.get("/shared")
async def shared_page(
    request: Request,
    ctx: Ctx,
    rollup: bool = True,
    min_services: Annotated[int, Query(ge=1)] = 2,
) -> Response:
    shared = await routes.shared_provisions(ctx, rollup, min_services, ALL, 0)
    rows = [
        {
            "label": p.label,
            "document": p.document.title,
            "services": p.services,
            "numbers": " ".join(map(str, p.service_numbers)),
        }
        for p in shared.items
    ]
    columns = (
        ("label", "条款 provision"),
        ("document", "法规 document"),
        ("services", "事项数 services"),
        ("numbers", "事项序号 items"),
    )
    table = Table("shared-articles" if rollup else "shared-provisions", columns, rows)
    title = "多个事项共用的条款"
    return respond(request, "shared.html", title, shared, table, rollup=rollup, min_services=min_services)
