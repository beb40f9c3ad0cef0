"""The JSON endpoints under /api/: each answers from named queries (api/queries/*.rq)
run on the app's query engine, within its time and size limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse
from rdflib import Literal, URIRef

from servicegraph.api import models as m
from servicegraph.api import named_queries as nq
from servicegraph.api import statutes
from servicegraph.api.context import Context, Ctx, answer
from servicegraph.api.tables import Tabular, output_format
from servicegraph.api.urls import public_url
from servicegraph.graph.code_lists import concept
from servicegraph.graph.namespaces import SG
from servicegraph.loaders.codes import Level, Role

router = APIRouter(prefix="/api", tags=["api"], route_class=Tabular, dependencies=[Depends(output_format)])

MAX_OFFSET = 1_000_000_000
"""The largest offset a page may start at (far past any catalogue; the engine reads it as a 64-bit count)."""

Limit = Annotated[int, Query(ge=0, le=1000, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many items to skip.")]


def _labelled(rows: list[nq.Row], field: str) -> list[m.Labelled]:
    return [m.Labelled(iri=str(r["term"]), label=_s(r["label"])) for r in rows if r["field"] == field]


def _level_roles(joined: object) -> list[m.LevelRole]:
    """'township:preliminaryReview county:finalApproval' → LevelRoles in level order."""
    pairs = [p.split(":", 1) for p in str(joined or "").split()]
    roles = [m.LevelRole(level=lv, role=m.role_key(SG[role])) for lv, role in pairs]
    return sorted(roles, key=m.LevelRole.order)


def _s(value: object) -> str | None:
    return None if value is None else str(value)


def _document(ctx: Context, iri: object, title: object) -> m.DocumentRef:
    return m.DocumentRef(iri=str(iri), key=ctx.key(iri, "legal"), title=str(title))


# --- services -----------------------------------------------------------------------------


Search = Annotated[str | None, Query(min_length=1, max_length=200, description="Only those whose name contains it.")]


@router.get(
    "/services",
    response_model=m.Page[m.ServiceSummary],
    summary="Every service by number; with q, those numbered q first, then those whose name contains q",
)
async def list_services(ctx: Ctx, q: Search = None, limit: Limit = 50, offset: Offset = 0) -> m.Page[m.ServiceSummary]:
    if q is None:
        rows, total = await answer(nq.run_page(ctx.runner, "services", None, limit, offset))
    else:
        text = q.strip()
        params = {"fragment": Literal(text), "asked": Literal(int(text) if text.isdigit() else -1)}
        rows, total = await answer(nq.run_page(ctx.runner, "services-search", params, limit, offset))
    items = [
        m.ServiceSummary(
            iri=str(r["service"]),
            number=nq.integer(r["number"]),
            identifier=str(r["identifier"]),
            title=str(r["title"]),
            item_type=_s(r["item_type"]),
        )
        for r in rows
    ]
    return m.Page(total=total, limit=limit, offset=offset, items=items)


@router.get(
    "/services/{number}",
    response_model=m.ServiceDetail,
    summary="One service by its item number",
    responses={404: {"description": "No service has that number."}},
)
async def get_service(ctx: Ctx, number: int) -> m.ServiceDetail:
    rows = await answer(nq.run(ctx.runner, "service", {"number": Literal(number)}))
    if not rows:
        raise HTTPException(404, f"no service numbered {number}")
    r = rows[0]
    service = {"service": URIRef(str(r["service"]))}
    terms = await answer(nq.run(ctx.runner, "service-terms", service))
    levels = await answer(nq.run(ctx.runner, "service-levels", service))
    citations = await answer(nq.run(ctx.runner, "service-citations", service))
    return m.ServiceDetail(
        iri=str(r["service"]),
        number=nq.integer(r["number"]),
        identifier=str(r["identifier"]),
        number_inferred=None if r["number_inferred"] is None else bool(r["number_inferred"]),
        title=str(r["title"]),
        description=_s(r["description"]),
        item_type=_s(r["item_type"]),
        legal_basis_text=_s(r["legal_basis_text"]),
        agencies=_labelled(terms, "agencies"),
        themes=_labelled(terms, "themes"),
        audiences=_labelled(terms, "audiences"),
        channels=_labelled(terms, "channels"),
        levels=[
            m.Participation(
                iri=str(p["participation"]),
                level=str(m.level_key(p["level"])),
                role=m.role_key(p["role"]),
                description=_s(p["description"]),
                remark=_s(p["remark"]),
                same_as_number=nq.optional_integer(p["same_as_number"]),
                agency=_s(p["agency"]),
            )
            for p in levels
        ],
        citations=[
            m.ServiceCitation(
                iri=str(c["citation"]),
                identifier=_s(c["identifier"]),
                title=_s(c["title"]),
                line=nq.optional_integer(c["line"]),
                provision_text=_s(c["provision_text"]),
                quote=_s(c["quote"]),
                cites=m.Labelled(iri=str(c["target"]), label=_s(c["target_label"])),
                document=_document(ctx, c["document"], c["document_title"]),
            )
            for c in citations
        ],
    )


@router.get(
    "/services/{number}/related",
    response_model=m.Page[m.RelatedService],
    summary="Services sharing a document or provision with this one, most shared first",
    responses={404: {"description": "No service has that number."}},
)
async def related_services(ctx: Ctx, number: int, limit: Limit = 50, offset: Offset = 0) -> m.Page[m.RelatedService]:
    rows = await answer(nq.run(ctx.runner, "service", {"number": Literal(number)}))
    if not rows:
        raise HTTPException(404, f"no service numbered {number}")
    params = {"service": URIRef(str(rows[0]["service"]))}
    page, total = await answer(nq.run_page(ctx.runner, "related-services", params, limit, offset))
    items = [
        m.RelatedService(
            iri=str(r["related"]),
            number=nq.integer(r["number"]),
            title=str(r["title"]),
            shared_provisions=nq.integer(r["shared_provisions"]),
            shared_documents=nq.integer(r["shared_documents"]),
        )
        for r in page
    ]
    return m.Page(total=total, limit=limit, offset=offset, items=items)


# --- statutes -----------------------------------------------------------------------------


@router.get(
    "/statutes",
    response_model=m.Page[m.StatuteMatch],
    summary="Find legal documents by title, variant, fragment or issuing number, best first",
    responses={400: {"description": "The search text has no letters or digits (only brackets or punctuation)."}},
)
async def search_statutes(
    ctx: Ctx,
    q: Annotated[str, Query(min_length=1, max_length=200, description="e.g. 电力法 or 渝办发〔2011〕293号")],
    limit: Limit = 50,
    offset: Offset = 0,
) -> m.Page[m.StatuteMatch]:
    params = statutes.search_terms(q)
    if params is None:
        raise HTTPException(400, "the search text has no letters or digits")
    rows, total = await answer(nq.run_page(ctx.runner, "statutes-search", params, limit, offset))
    items = [
        m.StatuteMatch(
            **_document(ctx, r["document"], r["title"]).model_dump(),
            doc_number=_s(r["doc_number"]),
            match=statutes.MATCHES[nq.integer(r["match_rank"])],
            match_rank=nq.integer(r["match_rank"]),
            services=nq.integer(r["services"]),
        )
        for r in rows
    ]
    return m.Page(total=total, limit=limit, offset=offset, items=items)


@router.get(
    "/statutes/{key}",
    response_model=m.StatuteDetail,
    summary="One legal document: its provision tree, and a page of the services resting on it (or on one "
    "provision) with their agencies, levels and the wording each quotes",
    responses={404: {"description": "No document has that key, or it has no such cited provision."}},
)
async def get_statute(
    ctx: Ctx,
    key: str,
    provision: Annotated[
        str | None, Query(max_length=200, description="Page the services resting on this provision, e.g. art_26.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> m.StatuteDetail:
    document = ctx.iri(f"legal/{key}")
    rows = await answer(nq.run(ctx.runner, "statute", {"document": document}))
    if not rows:
        raise HTTPException(404, f"no legal document {key}")
    tree_rows = await answer(nq.run(ctx.runner, "statute-provisions", {"document": document}))
    resource = ctx.iri(f"legal/{key}/{provision}") if provision else document
    labels = {str(t["provision"]): t["label"] for t in tree_rows}
    if provision and str(resource) not in labels:
        raise HTTPException(404, f"{key} has no cited provision {provision}")
    services, total = await answer(statutes.services_page(ctx.runner, resource, limit, offset))
    citations: dict[str, list[m.ProvisionCitation]] = {}
    if services:
        first, last = Literal(services[0].number), Literal(services[-1].number)
        numbers: dict[str, nq.Term] = {"document": document, "first": first, "last": last}
        citation_rows = await answer(nq.run(ctx.runner, "statute-citations", numbers))
        citations = statutes.citations_by_target(citation_rows, services)
    r = rows[0]
    return m.StatuteDetail(
        **_document(ctx, r["document"], r["title"]).model_dump(),
        doc_number=_s(r["doc_number"]),
        issuer=_s(r["issuer"]),
        year=nq.optional_integer(r["year"]),
        serial=nq.optional_integer(r["serial"]),
        document_type=m.sg_key(r["document_type"]),
        variants=sorted({str(v["variant"]) for v in rows if v["variant"]}),
        provision=m.Labelled(iri=str(resource), label=_s(labels[str(resource)])) if provision else None,
        services=m.Page(total=total, limit=limit, offset=offset, items=services),
        citations=citations.get(str(document), []),
        provisions=statutes.provision_tree(tree_rows, citations),
    )


# --- shared provisions --------------------------------------------------------------------


@router.get(
    "/provisions/shared",
    response_model=m.Page[m.SharedProvision],
    summary="Provisions two or more services rest on, the most relied-on first",
)
async def shared_provisions(
    ctx: Ctx,
    rollup: Annotated[bool, Query(description="Count a paragraph's or item's services for its article.")] = False,
    min_services: Annotated[int, Query(ge=1, description="Least services a provision must carry.")] = 2,
    limit: Limit = 50,
    offset: Offset = 0,
) -> m.Page[m.SharedProvision]:
    name = "shared-articles" if rollup else "shared-provisions"
    rows, total = await answer(nq.run_page(ctx.runner, name, {"min_services": Literal(min_services)}, limit, offset))
    items = [
        m.SharedProvision(
            iri=str(r["provision"]),
            label=str(r["label"]),
            document=_document(ctx, r["document"], r["document_title"]),
            path=str(r["provision"]).removeprefix(f"{r['document']}/"),
            services=nq.integer(r["services"]),
        )
        for r in rows
    ]
    return m.Page(total=total, limit=limit, offset=offset, items=items)


# --- agencies -----------------------------------------------------------------------------


@router.get(
    "/agencies",
    response_model=m.Page[m.AgencyCount],
    summary="Agencies and how many services each carries; with q, those whose name contains q",
)
async def list_agencies(ctx: Ctx, q: Search = None, limit: Limit = 50, offset: Offset = 0) -> m.Page[m.AgencyCount]:
    if q is None:
        rows, total = await answer(nq.run_page(ctx.runner, "agencies", None, limit, offset))
    else:
        params = {"fragment": Literal(q.strip())}
        rows, total = await answer(nq.run_page(ctx.runner, "agencies-search", params, limit, offset))
    items = [
        m.AgencyCount(
            iri=str(r["agency"]),
            key=ctx.key(r["agency"], "agency"),
            name=str(r["name"]),
            services=nq.integer(r["services"]),
        )
        for r in rows
    ]
    return m.Page(total=total, limit=limit, offset=offset, items=items)


@router.get(
    "/agencies/{key}",
    response_model=m.AgencyDetail,
    summary="One agency and the services it carries",
    responses={404: {"description": "No agency has that key."}},
)
async def get_agency(ctx: Ctx, key: str, limit: Limit = 50, offset: Offset = 0) -> m.AgencyDetail:
    agency = {"agency": ctx.iri(f"agency/{key}")}
    rows = await answer(nq.run(ctx.runner, "agency", agency))
    if not rows:
        raise HTTPException(404, f"no agency {key}")
    page, total = await answer(nq.run_page(ctx.runner, "agency-services", agency, limit, offset))
    services = [
        m.AgencyService(
            iri=str(r["service"]),
            number=nq.integer(r["number"]),
            title=str(r["title"]),
            levels=_level_roles(r["level_roles"]),
        )
        for r in page
    ]
    r = rows[0]
    return m.AgencyDetail(
        iri=str(r["agency"]),
        key=key,
        name=str(r["name"]),
        level=m.level_key(r["level"]),
        services=m.Page(total=total, limit=limit, offset=offset, items=services),
    )


# --- levels and roles ---------------------------------------------------------------------


@router.get(
    "/levels",
    response_model=list[m.LevelRoleCount],
    summary="For each level and role, how many services are carried out that way",
)
async def list_levels(ctx: Ctx) -> list[m.LevelRoleCount]:
    rows = await answer(nq.run(ctx.runner, "levels"))
    return [
        m.LevelRoleCount(
            level=str(m.level_key(r["level"])), role=m.role_key(r["role"]), services=nq.integer(r["services"])
        )
        for r in rows
    ]


@router.get(
    "/levels/{level}/services",
    response_model=m.Page[m.ServiceAtLevel],
    summary="Services carried out at a level, optionally in one role (e.g. township, preliminary-review)",
)
async def services_at_level(
    ctx: Ctx, level: Level, role: Role | None = None, limit: Limit = 50, offset: Offset = 0
) -> m.Page[m.ServiceAtLevel]:
    params = {"level": concept(level), "role": concept(role) if role else None}
    rows, total = await answer(nq.run_page(ctx.runner, "services-by-level", params, limit, offset))
    items = [
        m.ServiceAtLevel(
            iri=str(r["service"]),
            number=nq.integer(r["number"]),
            title=str(r["title"]),
            level=level.value,
            role=m.role_key(r["role"]),
            description=_s(r["description"]),
            remark=_s(r["remark"]),
        )
        for r in rows
    ]
    return m.Page(total=total, limit=limit, offset=offset, items=items)


# --- the queries themselves ---------------------------------------------------------------


@router.get("/queries", response_model=list[m.NamedQueryInfo], summary="The named queries behind this API")
async def list_queries(request: Request) -> list[m.NamedQueryInfo]:
    return [
        m.NamedQueryInfo(
            name=q.name,
            file=q.file_name,
            description=q.description,
            parameters=list(q.parameters),
            url=public_url(request, request.app.url_path_for("get_query", name=q.file_name)),
        )
        for q in nq.load_queries().values()
    ]


@router.get(
    "/queries/{name}",
    response_class=PlainTextResponse,
    summary="The text of one named query",
    responses={200: {"content": {"application/sparql-query": {}}}, 404: {"description": "No such query."}},
)
async def get_query(name: str) -> PlainTextResponse:
    try:
        query = nq.get(name.removesuffix(".rq"))
    except nq.UnknownQuery:
        raise HTTPException(404, f"no named query {name}") from None
    return PlainTextResponse(query.text, media_type="application/sparql-query; charset=utf-8")
