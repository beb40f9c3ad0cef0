"""The agency list and the agency page: what each agency carries, at which levels, in which role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from servicegraph.api import routes
from servicegraph.api.context import Consistent, Ctx
from servicegraph.api.pages.render import PAGE, Table, respond
from servicegraph.api.pages.statutes import levels_text
from servicegraph.api.routes import Offset

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people


@router.get("/agencies")
async def agencies_page(request: Request, ctx: Ctx, offset: Offset = 0) -> Response:
    agencies = await routes.list_agencies(ctx, None, PAGE, offset)
    columns = (("name", "实施机构名称 agency"), ("services", "事项数 services"), ("key", "键 key"))
    table = Table("agencies", columns, [a.model_dump() for a in agencies.items])
    return respond(request, "agencies.html", "实施机构", agencies, table)


@router.get("/agencies/{key}")
async def agency_page(request: Request, ctx: Ctx, key: str, offset: Offset = 0) -> Response:
    agency = await routes.get_agency(ctx, key, PAGE, offset)
    rows = [{"number": s.number, "title": s.title, "levels": levels_text(s.levels)} for s in agency.services.items]
    columns = (("number", "序号 item"), ("title", "事项名称 service"), ("levels", "行使层级 levels"))
    return respond(request, "agency.html", agency.name, agency, Table(f"agency-{key}", columns, rows))
