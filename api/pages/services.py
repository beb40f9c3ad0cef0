"""The service list and the service page: every cell under the catalogue's own column
names, levels and roles as words, each citation linked to its provision's page with what
became of its document (a 需复核 badge when the service must be reviewed), the legal basis
in its paragraphs, related services, the source lines and the revisions holding it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from rdflib import URIRef

from servicegraph.api import models as m
from servicegraph.api import named_queries as nq
from servicegraph.api import review, routes
from servicegraph.api.context import Consistent, Ctx, answer
from servicegraph.api.pages import words
from servicegraph.api.pages.render import Table, respond
from servicegraph.api.pages.review import standing
from servicegraph.graph.currency import TO_REVIEW
from servicegraph.loaders.catalogue import HEADER_LABELS

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people

(NUMBER, NAME, ITEM_TYPE, CONTENT, AGENCIES, TARGETS, THEMES, BASIS, MODES, LEVELS, FILL_TYPES) = HEADER_LABELS


class ServicePage(BaseModel):
    service: m.ServiceDetail
    fill_types: list[str]
    lines: tuple[int, int] | None
    revisions: list[str]
    related: m.Page[m.RelatedService]
    review: m.ServiceReview  # each citation's status; the badge's reasons
    standing: str  # words.STANDINGS' key: what the service's basis comes to


@router.get("/services", summary="The list of services (HTML; JSON or CSV with format=)")
async def services_page(
    request: Request,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    services = await routes.list_services(ctx, None, limit, offset)
    columns = (("number", f"{NUMBER} number"), ("title", f"{NAME} name"), ("item_type", f"{ITEM_TYPE} type"))
    table = Table("services", columns, [s.model_dump() for s in services.items])
    return respond(request, "services.html", "全部事项", services, table)


@router.get("/services/{number}", summary="The service page (HTML; JSON or CSV with format=)")
async def service_page(request: Request, ctx: Ctx, number: int) -> Response:
    service = await routes.get_service(ctx, number)
    iri = {"service": URIRef(service.iri)}
    source = await answer(nq.run(ctx.runner, "service-source", iri))
    fill_types = await answer(nq.run(ctx.runner, "service-fill-types", iri))
    revisions = await answer(nq.run(ctx.runner, "service-revisions", iri))
    related = await routes.related_services(ctx, number, 20, 0)
    status = m.ServiceReview.model_validate(await review.service_review(ctx, number))
    page = ServicePage(
        service=service,
        fill_types=[str(r["description"]) for r in fill_types],
        lines=(nq.integer(source[0]["first_line"]), nq.integer(source[0]["last_line"])) if source else None,
        revisions=[str(r["revision"]) for r in revisions],
        related=related,
        review=status,
        standing=standing(status),
    )
    table = Table(f"service-{number}", (("column", "列 column"), ("value", "内容 value")), cells(page))
    kept = getattr(request.app.state, "revisions", None) is not None  # else no revision page to link to
    title = f"{number}. {service.title}"
    statuses = {c.citation: c for c in status.citations}
    return respond(
        request, "service.html", title, page, table, labels=HEADER_LABELS, revisions_kept=kept, statuses=statuses
    )


def cells(page: ServicePage) -> list[dict[str, object]]:
    """The service's row of the catalogue, one (column, value) pair per cell."""
    s = page.service

    def names(terms: list[m.Labelled]) -> str:
        return "、".join(t.label or t.iri for t in terms)

    levels = "；".join(
        f"{words.level_word(p.level)}：{words.role_word(p.role)}" + (f"（{p.remark}）" if p.remark else "")
        for p in s.levels
    )
    values = (s.number, s.title, s.item_type, s.description, names(s.agencies), names(s.audiences), names(s.themes),
              s.legal_basis_text, names(s.channels), levels, "；".join(page.fill_types))  # fmt: skip
    row: list[dict[str, object]] = [
        {"column": label, "value": value} for label, value in zip(HEADER_LABELS, values, strict=True)
    ]
    return [*row, {"column": "需复核 to review", "value": review_text(page)}]


def review_text(page: ServicePage) -> str:
    """The badge as text: 是 (yes) and each reason, else what the basis comes to."""
    zh = words.STANDINGS[page.standing][0]
    reasons = [c.reason.zh for c in page.review.citations if c.status in TO_REVIEW]
    return "；".join(["是：" + zh, *reasons]) if page.review.review else "否：" + zh
