"""The review list (/review): every citation whose document was amended since the
catalogue's date, replaced or repealed, with its service, the statute, the replacing
document and the service's agencies, grouped by reason or sorted by date; and what the
service and statute pages show in their 需复核 (to review) badge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from rdflib import Literal as Term
from rdflib import URIRef

from servicegraph.api import models as m
from servicegraph.api import named_queries as nq
from servicegraph.api import review
from servicegraph.api.context import Consistent, Context, Ctx, answer
from servicegraph.api.pages import words
from servicegraph.api.pages.render import Table, respond
from servicegraph.graph.currency import CitationStatus
from servicegraph.graph.status import ENDED

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people

REASON_ORDER = ("repealed", "replaced", "amended")
"""The groups of the list, the gravest first."""
Sort = Literal["reason", "date", "number"]


class ReviewRow(BaseModel):
    """One citation to review."""

    number: int
    title: str
    status: str  # one of REASON_ORDER
    since: str | None
    document: m.DocumentRef
    provision: str
    line: int | None
    replacement: str | None  # 《title》(issuing number)
    changed_to: str | None  # where the cited provision went, where a fact maps it
    agencies: list[str]
    only_repealed: bool
    reason: m.Reason


class ReviewList(BaseModel):
    read_at: str | None
    documents: int
    documents_with_known_status: int
    services_to_review: int
    services_only_on_repealed_law: list[int]
    sort: Sort
    total: int
    limit: int
    offset: int
    items: list[ReviewRow]


COLUMNS = (
    ("status", "原因 reason"),
    ("since", "日期 since"),
    ("number", "序号 item"),
    ("title", "事项名称 service"),
    ("document", "依据法规 statute"),
    ("provision", "条款 provision"),
    ("replacement", "替代或修订文件 replaced or amended by"),
    ("changed_to", "条款去向 provision now"),
    ("agencies", "实施机构 agencies"),
    ("only_repealed", "仅依据已废止法规 only repealed law"),
    ("reason", "说明 why"),
    ("reason_en", "why (English)"),
)


@router.get("/review", summary="The services to review (HTML; JSON or CSV with format=)")
async def review_page(
    request: Request,
    ctx: Ctx,
    sort: Sort = "reason",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    found = await answer(review.reviewed(ctx.runner))
    key = SORT_KEYS[sort]
    shown = sorted(found.cited, key=lambda c: key(found.statuses[c.document], c))[offset : offset + limit]
    page = ReviewList(
        **found.summary(), sort=sort, total=len(found.cited), limit=limit, offset=offset,
        items=await _rows(ctx, await _checked(ctx, shown)),
    )  # fmt: skip
    table = Table("review", COLUMNS, [_cells(row) for row in page.items])
    return respond(request, "review.html", "需复核的事项", page, table, reason_order=REASON_ORDER)


SortKey = Callable[[CitationStatus, review.Cited], tuple[object, ...]]
SORT_KEYS: dict[str, SortKey] = {
    "reason": lambda d, c: (REASON_ORDER.index(d.status), d.since, c.number, c.line or 0),
    "date": lambda d, c: (d.since, c.number, c.line or 0),
    "number": lambda d, c: (c.number, c.line or 0),
}
"""Orders of the citations to review, by their document's status (`d`, as checked; the
same for each of its citations) and the citation; ties keep the check's order."""


async def _checked(ctx: Context, shown: list[review.Cited]) -> list[tuple[m.ServiceReview, m.CitationReview]]:
    """Each citation shown with its service, checked whole (its other citations too)."""
    services = {s: await answer(review.service_status(ctx.runner, s)) for s in dict.fromkeys(c.service for c in shown)}
    checked = {s: m.ServiceReview.model_validate(status.to_json()) for s, status in services.items()}
    citations = {c.citation: (checked[s], c) for s in checked for c in checked[s].citations}
    return [citations[c.citation] for c in shown]


async def _rows(ctx: Context, shown: list[tuple[m.ServiceReview, m.CitationReview]]) -> list[ReviewRow]:
    """A row per citation shown, with its service's agencies."""
    numbers: dict[str, list[int]] = {}
    for s, c in shown:
        numbers.setdefault(c.document, []).append(s.number)
    agencies = await _agencies(ctx, numbers)
    return [_row(ctx, s, c, agencies.get(s.service, [])) for s, c in shown]


def _row(ctx: Context, s: m.ServiceReview, c: m.CitationReview, agencies: list[str]) -> ReviewRow:
    return ReviewRow(
        number=s.number, title=s.title, status=c.status, since=c.since,
        document=m.DocumentRef(iri=c.document, key=_key(ctx, c.document), title=c.document_title),
        provision=c.provision_label, line=c.line, replacement=c.replacement_title, changed_to=c.changed_to_label,
        agencies=agencies, only_repealed=s.only_repealed, reason=c.reason,
    )  # fmt: skip


async def _agencies(ctx: Context, numbers: dict[str, list[int]]) -> dict[str, list[str]]:
    """Each service shown → its agencies' names: per cited document, those of the services
    resting on it numbered within the page's span."""
    out: dict[str, list[str]] = {}
    for document, shown in sorted(numbers.items()):
        span: dict[str, URIRef | Term] = {
            "basis": URIRef(document),
            "first": Term(min(shown)),
            "last": Term(max(shown)),
        }
        for row in await answer(nq.run(ctx.runner, "statute-service-agencies", span)):
            names = out.setdefault(str(row["service"]), [])
            if row["name"] and str(row["name"]) not in names:
                names.append(str(row["name"]))
    return out


def _key(ctx: Context, document: str) -> str:
    """A cited document's key, the last part of its IRI (its statute page's path)."""
    return document.removeprefix(str(ctx.iri("legal/")))


def _cells(row: ReviewRow) -> dict[str, object]:
    return {
        **row.model_dump(),
        "status": words.status_word(row.status),
        "document": row.document.title,
        "agencies": "、".join(row.agencies),
        "only_repealed": "是" if row.only_repealed else "否",
        "reason": row.reason.zh,
        "reason_en": row.reason.en,
    }


def standing(service: m.ServiceReview) -> str:
    """What a service's basis comes to, a `words.STANDINGS` key: to review, resting only on
    repealed law or not (and then on what); else in force, unknown, or partly unknown."""
    statuses = {c.status for c in service.citations}
    if not statuses:
        return "no-citation"
    if service.review:
        if service.only_repealed:
            return "only-repealed"
        rest = statuses - set(ENDED)
        return "basis-in-force" if "in-force" in rest else "rest-amended" if "amended" in rest else "rest-unknown"
    if statuses == {"in-force"}:
        return "in-force"
    return "unknown" if statuses == {"unknown"} else "partly-unknown"
