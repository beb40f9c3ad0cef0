"""The statute page: a legal document with its status (in force, amended, replaced,
repealed or unknown: from when, by which document, from which source), the titles it is
cited under (and why they were merged), its provision tree with under each provision the
services resting on it (marked 需复核 when the status asks for it), their agencies, levels
and the quoted wording, and the dependency picture."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from servicegraph.api import models as m
from servicegraph.api import review, routes
from servicegraph.api.context import Consistent, Ctx
from servicegraph.api.pages import diagram, words
from servicegraph.api.pages.render import PAGE, Links, Table, respond
from servicegraph.api.routes import Offset
from servicegraph.graph.statutes import title_differences

router = APIRouter(tags=["pages"], route_class=Consistent, include_in_schema=False)  # pages for people

CITATION_COLUMNS = (
    ("provision", "条款 provision"),
    ("number", "序号 item"),
    ("service", "事项名称 service"),
    ("agencies", "实施机构名称 agencies"),
    ("levels", "行使层级 levels"),
    ("quote", "引用原文 quoted wording"),
    ("line", "源行 source line"),
)


class StatutePage(BaseModel):
    statute: m.StatuteDetail
    review: m.StatuteReview  # its status, and each citing service's review status


@router.get("/statutes/{key}", summary="The statute page (HTML; JSON or CSV with format=)")
async def statute_page(request: Request, ctx: Ctx, key: str, offset: Offset = 0) -> Response:
    statute = await routes.get_statute(ctx, key, None, PAGE, offset)
    status = m.StatuteReview.model_validate(await review.statute_review(ctx, key, PAGE, offset))
    link = Links(ctx.base)
    variants = [(v, [words.merge_reason(r) for r in title_differences(v, statute.title)]) for v in statute.variants]
    table = Table(f"statute-{key}", CITATION_COLUMNS, citation_rows(statute))
    picture = dependency_picture(statute, statute.provisions, statute.citations, link)
    page = StatutePage(statute=statute, review=status)
    return respond(request, "statute.html", statute.title, page, table, variants=variants, picture=picture)


def walk(nodes: list[m.ProvisionNode]) -> Iterator[m.ProvisionNode]:
    """Every node of a provision tree, depth first, in document order."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def levels_text(levels: list[m.LevelRole]) -> str:
    return "、".join(f"{words.level_word(lr.level)}：{words.role_word(lr.role)}" for lr in levels)


def citation_row(label: str | None, c: m.ProvisionCitation) -> dict[str, object]:
    return {
        "provision": label,
        "number": c.service.number,
        "service": c.service.title,
        "agencies": "、".join(a.label or a.iri for a in c.service.agencies),
        "levels": levels_text(c.service.levels),
        "quote": c.quote,
        "line": c.line,
    }


def citation_rows(statute: m.StatuteDetail) -> list[dict[str, object]]:
    rows = [citation_row("全文", c) for c in statute.citations]
    for node in walk(statute.provisions):
        rows += [citation_row(node.label, c) for c in node.citations]
    return rows


def dependency_picture(
    statute: m.StatuteDetail, provisions: list[m.ProvisionNode], whole: list[m.ProvisionCitation], link: Links
) -> diagram.Markup:
    """document → cited provisions → services → agencies, for `provisions` (a subtree or all)."""
    cited = [n for n in walk(provisions) if n.citations]
    services: dict[str, m.ServiceAt] = {}
    for c in [*whole, *(c for n in cited for c in n.citations)]:
        services.setdefault(c.service.iri, c.service)
    agencies: dict[str, m.Labelled] = {a.iri: a for s in services.values() for a in s.agencies}
    document = diagram.Node(
        statute.iri,
        statute.title,
        f"/statutes/{statute.key}",
        [n.iri for n in cited] + [c.service.iri for c in whole],
    )
    columns = [
        diagram.Column("法规 document", 190, [document]),
        diagram.Column(
            "条款 provisions",
            170,
            [
                diagram.Node(n.iri, words.short_label(n.label), link.to(n.iri), [c.service.iri for c in n.citations])
                for n in cited
            ],
        ),
        diagram.Column(
            "事项 services",
            230,
            [
                diagram.Node(s.iri, f"{s.number}. {s.title}", f"/services/{s.number}", [a.iri for a in s.agencies])
                for s in sorted(services.values(), key=lambda s: s.number)
            ],
        ),
        diagram.Column(
            "实施机构 agencies",
            230,
            [diagram.Node(a.iri, a.label or a.iri, link.to(a.iri)) for a in agencies.values()],
        ),
    ]
    return diagram.dependencies(columns)
