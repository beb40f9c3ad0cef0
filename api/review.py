"""/api/review: is the legal basis still law? Services to review, a service's or a
document's review status, and the impact of a status fact before it is published.

The check itself is `graph/queries/citation-status.rq` read by `graph.currency` (run
here as a named query); the status layer is built by `graph.status`. `impact` serves the
CLI too (`servicegraph impact`) through `local_runner`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from servicegraph.api import models as m
from servicegraph.api import named_queries as nq
from servicegraph.api import statutes
from servicegraph.api.bodies import read_body
from servicegraph.api.context import Consistent, Context, answer, context
from servicegraph.api.routes import Limit, Offset
from servicegraph.graph.currency import TO_REVIEW, CitationStatus, Currency, ServiceStatus, currency
from servicegraph.graph.namespaces import DCTERMS, ELI, RDF, RDFS, SG
from servicegraph.graph.status import CONCEPT_NAMES, ENDED, CitedDocument, DocumentIndex, build_status_graph
from servicegraph.loaders.status import COLUMNS, StatusError, StatusTable, parse_status
from servicegraph.store.engine import QueryRequest, QueryResult
from servicegraph.store.limits import MAX_RESULT_BYTES
from servicegraph.store.oxigraph import OxigraphStore
from servicegraph.store.snapshots import layered_quads

router = APIRouter(prefix="/api/review", tags=["review"], route_class=Consistent)
Ctx = Annotated[Context, Depends(context)]

IMPACT_LIMIT = 64 * 1024
"""Bytes an impact request may send (a few status rows)."""


# ---- the check, wherever the graph is ----


def local_runner(graphs: Iterable[Graph]) -> nq.Runner:
    """A runner of the named queries over `graphs` in an in-process store (the CLI's)."""
    store = ox.Store()
    store.bulk_extend(layered_quads(graphs))
    embedded = OxigraphStore(store, MAX_RESULT_BYTES)

    async def execute(request: QueryRequest) -> QueryResult:
        return embedded.execute(request)

    return nq.Runner(execute)


async def check(runner: nq.Runner, service: URIRef | None = None) -> Currency:
    """Every citation's status (of one service, when given). Whole, it reads every citation
    of the catalogue: the review lists use `reviewed` instead."""
    return currency(await nq.run(runner, "citation-status", {"service": service}))


async def service_status(runner: nq.Runner, service: str) -> ServiceStatus:
    """One service (citing something) and the status of each of its citations."""
    (checked,) = (await check(runner, URIRef(service))).services
    return checked


@dataclass(frozen=True, slots=True)
class Cited:
    """A citation of a document a status fact speaks of (review-citations.rq)."""

    document: str
    service: str
    number: int
    citation: str
    line: int | None
    citations: int  # how many citations its service has in all

    @property
    def order(self) -> tuple[int, str, bool, int, str]:
        """The check's order: by service number and IRI, then line (unbound first) and IRI."""
        return (self.number, self.service, self.line is not None, self.line or 0, self.citation)


@dataclass(frozen=True, slots=True)
class Reviewed:
    """What the review lists need, read without every citation of the catalogue: the cited
    documents a status fact speaks of, each with its status (the same for each of its
    citations: one is checked), and every citation of those to review. Any other citation's
    status is "unknown" (graph/currency.py), so no other service is to review."""

    read_at: str | None
    documents: int  # the documents the catalogue cites
    statuses: dict[str, CitationStatus]  # a citation of each known document, checked
    cited: list[Cited]  # the citations of the documents to review, in the check's order

    @property
    def services(self) -> list[str]:
        """The services to review, in the check's order."""
        return list(dict.fromkeys(c.service for c in self.cited))

    @property
    def only_repealed(self) -> list[int]:
        """The numbers of the services every citation of which is of an ended document."""
        ended: dict[str, set[str]] = {}
        services: dict[str, tuple[int, int]] = {}  # number, citations
        for c in self.cited:
            services[c.service] = (c.number, c.citations)
            if self.statuses[c.document].status in ENDED:
                ended.setdefault(c.service, set()).add(c.citation)
        return [number for s, (number, n) in services.items() if len(ended.get(s, ())) == n]

    def summary(self) -> dict[str, Any]:
        """The figures of `Currency.to_json` over the whole catalogue."""
        return {
            "read_at": self.read_at,
            "documents": self.documents,
            "documents_with_known_status": len(self.statuses),
            "services_to_review": len(self.services),
            "services_only_on_repealed_law": self.only_repealed,
        }


async def reviewed(runner: nq.Runner) -> Reviewed:
    """The documents a status fact speaks of, and the citations of those to review."""
    rows = await nq.run(runner, "review-documents")
    read_at = next((str(r["read_at"]) for r in rows if r["read_at"] is not None), None)
    statuses: dict[str, CitationStatus] = {}
    cited: list[Cited] = []
    for document in sorted({str(r["document"]) for r in rows if r["known"]}):
        citing = [_cited(r) for r in await nq.run(runner, "review-citations", {"document": URIRef(document)})]
        first = citing[0]  # a known document is cited (review-documents.rq)
        service = await service_status(runner, first.service)
        statuses[document] = next(c for c in service.citations if c.citation == first.citation)
        if statuses[document].status in TO_REVIEW:
            cited.extend(citing)
    return Reviewed(read_at, len({str(r["document"]) for r in rows}), statuses, sorted(cited, key=lambda c: c.order))


def _cited(row: nq.Row) -> Cited:
    return Cited(
        str(row["document"]), str(row["service"]), nq.integer(row["number"]), str(row["citation"]),
        nq.optional_integer(row["line"]), nq.integer(row["citations"]),
    )  # fmt: skip


async def document_index(runner: nq.Runner, base: str) -> DocumentIndex:
    """The documents the served catalogue cites, as status facts may name them."""
    titles: dict[str, list[str]] = {}
    numbers: dict[str, str | None] = {}
    for row in await nq.run(runner, "cited-documents"):
        titles.setdefault(str(row["document"]), []).append(str(row["title"]))
        numbers[str(row["document"])] = None if row["doc_number"] is None else str(row["doc_number"])
    return DocumentIndex(
        (CitedDocument(URIRef(d), tuple(dict.fromkeys(t)), numbers[d]) for d, t in sorted(titles.items())), base
    )


async def impact(runner: nq.Runner, table: StatusTable, base: str) -> dict[str, Any]:
    """What the facts of `table` would touch if published: per fact, the services citing
    its document (their agencies, levels and roles, and their status before and after),
    and the agencies and levels over all facts. `StatusError` when a row is bad."""
    layer = build_status_graph([table], await document_index(runner, base))
    facts = sorted(layer.subjects(RDF.type, SG.StatusFact), key=lambda f: _line(layer, f))
    out = [await _fact_impact(runner, layer, fact) for fact in facts]
    return {
        "published": False,
        "facts": out,
        "services": sorted({s["number"] for f in out for s in f["services"]}),
        "agencies": sorted({a for f in out for a in f["agencies"]}),
        "levels": sorted({lv for f in out for lv in f["levels"]}),
    }


async def _fact_impact(runner: nq.Runner, layer: Graph, fact: Node) -> dict[str, Any]:
    """One fact's impact: each service citing its document, checked whole before and after."""
    document = layer.value(fact, SG.document)
    assert isinstance(document, URIRef)  # the status shapes require it
    touched = await statutes.all_services(runner, document)
    agencies = {s.iri: {a.label or a.iri for a in s.agencies} for s in touched}
    levels = {s.iri: {(lr.level, lr.role) for lr in s.levels} for s in touched}
    services: list[dict[str, Any]] = []
    for service in agencies:
        rows = await nq.run(runner, "citation-status", {"service": URIRef(service)})
        (before,) = currency(rows).services
        (after,) = currency([*rows, *_as_published(rows, layer, fact)]).services
        services.append(
            {
                "number": after.number,
                "title": after.title,
                "service": service,
                "provisions": sorted({c.provision_label for c in after.citations if c.document == str(document)}),
                "agencies": sorted(agencies[service]),
                "levels": [{"level": lv, "role": role} for lv, role in sorted(levels[service], key=str)],
                "review_before": before.review,
                "review_after": after.review,
                "only_repealed_before": before.only_repealed,
                "only_repealed_after": after.only_repealed,
                "citations": [c.to_json() for c in after.citations],
            }
        )
    title = next(
        (c["document_title"] for s in services for c in s["citations"] if c["document"] == str(document)), None
    )
    return {
        "line": _line(layer, fact),
        "document": str(document),
        "document_title": title,
        "event": CONCEPT_NAMES[str(layer.value(fact, SG.event))],
        "date": str(layer.value(fact, DCTERMS.date)),
        "services": sorted(services, key=lambda s: s["number"]),
        "agencies": sorted({a for s in services for a in s["agencies"]}),
        "levels": sorted({lv["level"] for s in services for lv in s["levels"]}),
    }


def _as_published(rows: list[nq.Row], layer: Graph, fact: Node) -> list[nq.Row]:
    """The rows citation-status.rq would give for the unpublished `fact`, one per citation of
    its document (and per provision change of the cited provision or one it is part of)."""
    replacement = layer.value(fact, SG.replacement)
    title = None if replacement is None else layer.value(replacement, DCTERMS.title)
    number = None if replacement is None else layer.value(replacement, ELI.id_local)
    fields = {
        "fact": str(fact),
        "event": str(layer.value(fact, SG.event)),
        "date": str(layer.value(fact, DCTERMS.date)),
        "replacement": None if replacement is None else str(replacement),
        "replacement_title": None if title is None else str(title),
        "replacement_number": None if number is None else str(number),
        "source": str(layer.value(fact, DCTERMS.source)),
        "changed": None,
        "change": None,
        "to": None,
        "to_label": None,
    }
    changes = [(str(layer.value(c, SG.fromProvision)), c) for c in layer.objects(fact, SG.provisionChange)]
    out: dict[str, nq.Row] = {}
    for row in rows:
        if row["document"] != str(layer.value(fact, SG.document)):
            continue
        target = str(row["target"])
        mine = [(p, c) for p, c in changes if target == p or target.startswith(p + "/")]
        out.setdefault(str(row["citation"]), {**row, **fields})
        for changed, node in mine:
            to = layer.value(node, SG.toProvision)
            label = None if to is None else layer.value(to, RDFS.label)
            out[f"{row['citation']} {changed}"] = {
                **row, **fields, "changed": changed, "change": str(layer.value(node, SG.change)),
                "to": None if to is None else str(to), "to_label": None if label is None else str(label),
            }  # fmt: skip
    return list(out.values())


# ---- routes ----


@router.get(
    "",
    response_model=m.Review,
    summary="Services to review: a cited document amended since the catalogue's date, replaced or repealed",
)
async def list_review(ctx: Ctx, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    found = await answer(reviewed(ctx.runner))
    services = found.services
    page = [await answer(service_status(ctx.runner, s)) for s in services[offset : offset + limit]]
    return {**found.summary(), "services": _page(page, len(services), limit, offset)}


@router.get(
    "/services/{number}",
    response_model=m.ServiceReview,
    summary="One service's review status: each citation in force, amended since, replaced, repealed or unknown",
    responses={404: {"description": "No service has that number."}},
)
async def service_review(ctx: Ctx, number: int) -> dict[str, Any]:
    rows = await answer(nq.run(ctx.runner, "service", {"number": Literal(number)}))
    if not rows:
        raise HTTPException(404, f"no service numbered {number}")
    result = await answer(check(ctx.runner, URIRef(str(rows[0]["service"]))))
    read_at = None if result.read_at is None else result.read_at.isoformat()
    if not result.services:  # a service citing nothing
        service = ServiceStatus(str(rows[0]["service"]), number, str(rows[0]["title"]), [])
        return {"read_at": read_at, **service.to_json()}
    return {"read_at": read_at, **result.services[0].to_json()}


@router.get(
    "/statutes/{key}",
    response_model=m.StatuteReview,
    summary="One cited document's status facts and the services citing it, with their review status",
    responses={404: {"description": "No cited document has that key."}},
)
async def statute_review(ctx: Ctx, key: str, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    document = ctx.iri(f"legal/{key}")
    params = {"basis": document}
    rows, total = await answer(nq.run_page(ctx.runner, "statute-services", params, limit, offset))
    if not total:
        raise HTTPException(404, f"no cited legal document {key}")
    # each service with all its citations (its other documents decide whether it rests only on repealed law)
    services = [await answer(service_status(ctx.runner, str(r["service"]))) for r in rows]
    if not services:  # past the last page: the document's status is read from its first service
        rows, _ = await answer(nq.run_page(ctx.runner, "statute-services", params, 1, 0))
    citing = services[0] if services else await answer(service_status(ctx.runner, str(rows[0]["service"])))
    first = next(c for c in citing.citations if c.document == str(document))  # the same status for each
    return {
        "document": str(document),
        "key": key,
        "title": first.document_title,
        "status": first.status,
        "review": first.status in TO_REVIEW,
        "since": None if first.since is None else first.since.isoformat(),
        "replacement": first.replacement,
        "replacement_title": first.replacement_title,
        "source": first.source,
        "facts": [asdict(f) | {"date": f.date.isoformat()} for f in first.facts],
        "services": _page(services, total, limit, offset),
    }


def _page(services: list[ServiceStatus], total: int, limit: int, offset: int) -> m.Page[m.ServiceReview]:
    """A page of `total` services to review, each checked whole."""
    items = [m.ServiceReview.model_validate(s.to_json()) for s in services]
    return m.Page(total=total, limit=limit, offset=offset, items=items)


@router.post(
    "/impact",
    summary="What an unpublished status fact would touch: services, agencies and levels (nothing is published)",
    openapi_extra={
        "requestBody": {
            "description": "text/csv: a status table (header and rows, as status files are written); or JSON: "
            "one fact or a list, with the fields document, event, date, replacement, provisions, source",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": ["object", "array"]}},
            },
        }
    },
    responses={
        200: {"description": "The services, agencies and levels each fact would touch.", "model": m.Impact},
        400: {"description": "A JSON body that does not parse."},
        413: {"description": "The body is larger than the limit."},
        422: {"description": "A bad row: each problem with its line, in Chinese and English."},
    },
)
async def post_impact(request: Request, ctx: Ctx) -> JSONResponse:
    data = await read_body(request, IMPACT_LIMIT)
    try:
        table = parse_status(_as_csv(request, data), "impact")
        result = await answer(impact(ctx.runner, table, ctx.base))
    except StatusError as exc:
        return JSONResponse(exc.to_json(), status_code=422)
    return JSONResponse(result)


def _as_csv(request: Request, data: bytes) -> bytes:
    """The request's facts as a status table: CSV as sent, JSON written out as CSV."""
    if "json" not in request.headers.get("content-type", ""):
        return data
    try:
        facts = json.loads(data)
    except ValueError:
        raise HTTPException(400, "the body is not JSON") from None
    facts = facts if isinstance(facts, list) else [facts]
    if not all(isinstance(f, dict) for f in facts):
        raise HTTPException(422, "send a fact (an object) or a list of facts")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for fact in facts:
        fact = {"source": "未发布（影响预估） | unpublished (impact preview)", **fact}
        writer.writerow([str(fact.get(name) or "") for name in COLUMNS])
    return out.getvalue().encode("utf-8")


def _line(layer: Graph, fact: Node) -> int:
    """A fact's source line (every fact has one)."""
    value = layer.value(fact, SG.line)
    assert isinstance(value, Literal)
    return int(value)
