"""The impact view: pick a statute or one of its provisions and see every service, agency
and level (with its role) that a repeal or an amendment of it would touch."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from servicegraph.api import models as m
from servicegraph.api import routes
from servicegraph.api.context import Consistent, Context, Ctx
from servicegraph.api.pages import words
from servicegraph.api.pages.render import PAGE, Table, respond
from servicegraph.api.pages.statutes import levels_text
from servicegraph.api.routes import Offset

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people


class Impact(BaseModel):
    target: str
    document: m.DocumentRef
    provision: m.Labelled | None  # None: the whole document
    services: m.Page[m.ServiceAt]  # a page of the services touched
    agencies: list[tuple[m.Labelled, int]]  # each agency and how many of the page's services it carries
    levels: list[tuple[m.LevelRole, int]]  # each level and role and how many of the page's services


@router.get("/impact")
async def impact_page(
    request: Request, ctx: Ctx, target: Annotated[str, Query(max_length=400)] = "", q: str = "", offset: Offset = 0
) -> Response:
    if not target:  # pick one: statutes matching q, each linking back here
        found = await routes.search_statutes(ctx, q, 50, 0) if q.strip() else None
        return respond(request, "impact_pick.html", "影响分析", found, None, asked=q)
    impact = await _impact(ctx, target, offset)
    rows = [
        {
            "number": s.number,
            "title": s.title,
            "agencies": "、".join(a.label or a.iri for a in s.agencies),
            "levels": levels_text(s.levels),
        }
        for s in impact.services.items
    ]
    columns = (("number", "序号 item"), ("title", "事项名称 service"), ("agencies", "实施机构 agencies"),
               ("levels", "行使层级 levels"))  # fmt: skip
    name = impact.provision.label if impact.provision else impact.document.title
    return respond(request, "impact.html", f"影响：{name}", impact, Table(f"impact-{target}", columns, rows))


async def _impact(ctx: Context, target: str, offset: int) -> Impact:
    key, _, rest = target.partition("/")
    statute = await routes.get_statute(ctx, key, rest or None, PAGE, offset)
    document = m.DocumentRef(iri=statute.iri, key=statute.key, title=statute.title)
    touched = statute.services.items
    agencies = Counter(a.iri for s in touched for a in s.agencies)
    names = {a.iri: a for s in touched for a in s.agencies}
    levels = Counter((lr.level, lr.role) for s in touched for lr in s.levels)
    return Impact(
        target=target,
        document=document,
        provision=statute.provision,
        services=statute.services,
        agencies=[(names[iri], n) for iri, n in agencies.most_common()],
        levels=[
            (m.LevelRole(level=level, role=role), n)
            for (level, role), n in sorted(levels.items(), key=lambda kv: (words.LEVEL_ORDER.index(kv[0][0]), -kv[1]))
        ],
    )
