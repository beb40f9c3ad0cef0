"""The levels page (how many services each level carries, by role) and one level's page:
what the township (say) does, grouped by role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from servicegraph.api import models as m
from servicegraph.api import routes
from servicegraph.api.context import Consistent, Ctx
from servicegraph.api.pages import words
from servicegraph.api.pages.render import PAGE, Table, respond
from servicegraph.api.routes import Offset
from servicegraph.loaders.codes import Level, Role

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people


@router.get("/levels")
async def levels_page(request: Request, ctx: Ctx) -> Response:
    counts = await routes.list_levels(ctx)
    rows = [
        {"level": words.level_word(c.level), "role": words.role_word(c.role), "services": c.services, "key": c.level}
        for c in counts
    ]
    columns = (("level", "行使层级 level"), ("role", "角色 role"), ("services", "事项数 services"))
    return respond(request, "levels.html", "行使层级与角色", counts, Table("levels", columns, rows), rows=rows)


@router.get("/levels/{level}")
async def level_page(
    request: Request, ctx: Ctx, level: Level, role: Role | None = None, offset: Offset = 0
) -> Response:
    services = await routes.services_at_level(ctx, level, role, PAGE, offset)
    by_role: dict[str, list[m.ServiceAtLevel]] = {}
    for s in services.items:
        by_role.setdefault(words.role_word(s.role), []).append(s)
    rows = [
        {"role": words.role_word(s.role), "number": s.number, "title": s.title, "remark": s.remark}
        for s in services.items
    ]
    columns = (("role", "角色 role"), ("number", "序号 item"), ("title", "事项名称 service"), ("remark", "备注 remark"))
    title = f"{words.level_word(level.value)}做什么"
    table = Table(f"level-{level.value}", columns, rows)
    return respond(request, "level.html", title, services, table, level=level.value, by_role=by_role)
