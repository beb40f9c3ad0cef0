"""The front page (one search box, the lists, the most shared articles) and the search
results page over statutes, services and agencies, which works without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from servicegraph.api import models as m
from servicegraph.api import routes
from servicegraph.api.context import Consistent, Ctx
from servicegraph.api.negotiation import HTML, JSON, choose
from servicegraph.api.pages.render import Table, respond

LINKS = (
    ("/search?q=电力法", "搜索法规、文号、事项、部门", "search statutes, issuing numbers, services, agencies"),
    ("/services", "全部事项", "every service"),
    ("/agencies", "实施机构", "agencies"),
    ("/levels", "行使层级与角色", "levels and roles"),
    ("/shared", "多个事项共用的条款", "provisions shared by services"),
    ("/impact", "废止或修改的影响", "what a repeal or amendment touches"),
    ("/review", "需复核的事项", "services to review: their legal basis was amended, replaced or repealed"),
    ("/revisions", "目录修订", "catalogue revisions"),
    ("/sparql", "SPARQL 查询", "SPARQL endpoint and editor"),
    ("/api/queries", "命名查询", "the named SPARQL queries behind the API"),
    ("/docs", "API 文档", "the API's OpenAPI documentation"),
    ("/.well-known/void", "VoID 数据集描述", "VoID description of the dataset"),
)

router = APIRouter(tags=["pages"], route_class=Consistent)


@router.get("/", summary="The front page: HTML for browsers, its links as JSON otherwise")
async def home(request: Request, ctx: Ctx) -> Response:
    kept = getattr(request.app.state, "revisions", None) is not None
    links = [link for link in LINKS if kept or link[0] != "/revisions"]  # no revisions page without --data-dir
    if choose((JSON, HTML), request.headers.get("accept"), request.query_params.get("format")) != HTML:
        return JSONResponse({"links": [{"href": href, "title": en} for href, _, en in links]})
    shared = await routes.shared_provisions(ctx, rollup=True, min_services=2, limit=5, offset=0)
    return respond(request, "home.html", "首页", {"links": links, "shared": shared})


class SearchResults(BaseModel):
    q: str
    statutes: m.Page[m.StatuteMatch]
    services: m.Page[m.ServiceSummary]
    agencies: m.Page[m.AgencyCount]


@router.get(
    "/search",
    include_in_schema=False,
    summary="Statutes, services and agencies matching a text (a page; JSON with format=json)",
)
async def search(
    request: Request,
    ctx: Ctx,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    text = q.strip()
    empty: m.Page = m.Page(total=0, limit=limit, offset=0, items=[])
    results = SearchResults(q=text, statutes=empty, services=empty, agencies=empty)
    if text:
        try:
            results.statutes = await routes.search_statutes(ctx, text, limit, 0)
        except HTTPException:  # no letters or digits: nothing can match
            pass
        else:
            results.services = await routes.list_services(ctx, text, limit, 0)
            results.agencies = await routes.list_agencies(ctx, text, limit, 0)
    table = Table(
        f"search-{text}",
        (("kind", "类别 kind"), ("title", "名称 title"), ("detail", "说明 detail"), ("href", "链接 link")),
        _rows(results),
    )
    return respond(request, "search.html", f"搜索：{text}" if text else "搜索", results, table, q=text)


def _rows(results: SearchResults) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for s in results.statutes.items:
        detail = f"{s.doc_number or ''} {s.services} 项事项".strip()
        rows.append({"kind": "法规", "title": s.title, "detail": detail, "href": f"/statutes/{s.key}"})
    for v in results.services.items:
        rows.append(
            {"kind": "事项", "title": f"{v.number}. {v.title}", "detail": v.item_type, "href": f"/services/{v.number}"}
        )
    for a in results.agencies.items:
        rows.append({"kind": "部门", "title": a.name, "detail": f"{a.services} 项事项", "href": f"/agencies/{a.key}"})
    return rows
