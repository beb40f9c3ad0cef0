"""The SPARQL 1.1 Protocol at /sparql: query via GET, POST form or POST sparql-query.

A query is at most `Settings.max_query_bytes` long and a body at most
`Settings.max_body_bytes` (413 past either, the body read no further). Relative IRIs in a
query resolve against the endpoint's public URL. When the client hangs up, its query is
cancelled (the worker running it is killed and replaced).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request, Response

from servicegraph.api import openapi
from servicegraph.api.bodies import read_body
from servicegraph.api.engine_errors import refusal
from servicegraph.api.negotiation import HTML, UnknownFormat, choose, negotiate
from servicegraph.api.pages import sparql as pages
from servicegraph.api.query_guard import QueryRefused, check_query
from servicegraph.api.service_description import description_response
from servicegraph.api.tables import csv_response
from servicegraph.api.urls import public_url
from servicegraph.graph.media_types import GRAPH_TYPES
from servicegraph.store.engine import QueryRequest, QueryResult
from servicegraph.store.errors import QueryError
from servicegraph.store.formats import RESULTS_TYPES

T = TypeVar("T")

router = APIRouter()

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

Params = dict[str, list[str]]


INLINE_PARSE_BYTES = 8192
"""Parameters longer than this are decoded in a thread: percent-decoding is pure Python
(about 0.4 ms per KB), and a 120 KB form held the event loop for 50 ms."""


async def _parse_params(raw: bytes, where: str) -> Params:
    """Percent-decoded parameters; 400 unless they are UTF-8."""
    try:
        if len(raw) <= INLINE_PARSE_BYTES:
            return _decode_params(raw)
        return await asyncio.to_thread(_decode_params, raw)
    except UnicodeDecodeError:
        raise QueryRefused(400, f"the {where} is not valid UTF-8") from None


def _decode_params(raw: bytes) -> Params:
    return parse_qs(raw.decode("utf-8"), keep_blank_values=True, errors="strict")


def _content_type(request: Request) -> tuple[str, str | None]:
    """The media type (lower case) and charset of the request body."""
    header = request.headers.get("content-type")
    if not header:
        raise QueryRefused(400, f"a POST needs a Content-Type: {FORM} or {SPARQL_QUERY}")
    media_type, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset is not None and charset not in ("utf-8", "utf8"):
        raise QueryRefused(400, f"unsupported charset {charset!r}: send the query as UTF-8")
    return media_type.lower(), charset


def _refuse_update(params: Params) -> None:
    if "update" in params:
        raise QueryRefused(403, "SPARQL Update is refused: this endpoint is read-only")


def _single_query(params: Params) -> str:
    queries = params.get("query", [])
    if len(queries) != 1:
        raise QueryRefused(400, f"exactly one 'query' parameter is required, got {len(queries)}")
    return queries[0]


@router.get("/sparql", name="sparql", **openapi.SPARQL_GET)
async def sparql_get(request: Request) -> Response:
    limit = request.app.state.settings.max_body_bytes
    if len(request.scope["query_string"]) > limit:
        raise QueryRefused(413, f"the query string is longer than the limit of {limit} bytes")
    params = await _parse_params(request.scope["query_string"], "query string")
    _refuse_update(params)
    if "query" not in params:
        if _prefers_html(request, _last(params, "format")):
            return pages.editor_page(request)  # a browser: the editor, not the service description
        return await description_response(request, "sd", _last(params, "format"))
    return await _answer(request, _single_query(params), params)


@router.post("/sparql", **openapi.SPARQL_POST)
async def sparql_post(request: Request) -> Response:
    media_type, _ = _content_type(request)
    url_params = await _parse_params(request.scope["query_string"], "query string")
    try:
        body = await read_body(request, request.app.state.settings.max_body_bytes)
    except HTTPException as exc:
        raise QueryRefused(exc.status_code, str(exc.detail), exc.headers) from None
    if media_type == FORM:
        params = await _parse_params(body, "form body")
        _refuse_update(params)
        return await _answer(request, _single_query(params), params)
    if media_type == SPARQL_QUERY:
        _refuse_update(url_params)
        if "query" in url_params:
            raise QueryRefused(400, "a sparql-query POST carries the query in its body, not in 'query'")
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            raise QueryRefused(400, "the query is not valid UTF-8") from None
        return await _answer(request, query, url_params)
    if media_type == SPARQL_UPDATE:
        raise QueryRefused(403, "SPARQL Update is refused: this endpoint is read-only")
    raise QueryRefused(400, f"unsupported Content-Type {media_type!r}: use {FORM} or {SPARQL_QUERY}")


def _prefers_html(request: Request, format: str | None) -> bool:
    """Does the client prefer a page to the service description? (An unknown `format` is
    refused where the description is negotiated.)"""
    try:
        return choose((*GRAPH_TYPES, HTML), request.headers.get("accept"), format) == HTML
    except UnknownFormat:
        return False


def _last(params: Params, name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


async def _answer(request: Request, query: str, params: Params) -> Response:
    limit = request.app.state.settings.max_query_bytes
    if len(query.encode("utf-8")) > limit:
        raise QueryRefused(413, f"the query is longer than the limit of {limit} bytes (UTF-8)")
    form = check_query(query)
    format = _last(params, "format")
    if format == "html" and form in ("SELECT", "ASK"):  # the SPARQL page's own links and form ask for a table
        media_type = HTML
    else:
        offered = RESULTS_TYPES if form in ("SELECT", "ASK") else GRAPH_TYPES
        media_type = negotiate(offered, request.headers.get("accept"), format, f"a {form} result")
    default_graphs = params.get("default-graph-uri", [])
    named_graphs = params.get("named-graph-uri", [])
    # Either parameter replaces the query's whole dataset (FROM and FROM NAMED).
    dataset_given = bool(default_graphs or named_graphs)
    query_request = QueryRequest(
        query=query,
        media_type=RESULTS_TYPES[0] if media_type == HTML else media_type,
        default_graphs=tuple(default_graphs) if dataset_given else None,
        named_graphs=tuple(named_graphs) if dataset_given else None,
        base_iri=public_url(request, request.scope["path"]),
    )
    try:
        result = await _execute(request, query_request)
    except ClientGone:
        return Response(status_code=499)  # nobody reads it: the access log records the hang-up
    if media_type == HTML:
        return pages.results_page(request, query, result.body)
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


async def _execute(request: Request, query_request: QueryRequest) -> QueryResult:
    """Run a query on the app's engine; its failures as the refusals the protocol answers."""
    try:
        return await _unless_disconnected(request, request.app.state.engine.execute(query_request))
    except QueryError as exc:
        raise refusal(exc, client_query=True) from None


class ClientGone(Exception):
    """The client hung up before its answer was ready."""


async def _unless_disconnected(request: Request, call: Awaitable[T]) -> T:
    """Await `call`, cancelling it (and so its query) if the client disconnects first."""
    task = asyncio.ensure_future(call)
    watch = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait((task, watch), return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone = not task.done()
        watch.cancel()
        task.cancel()
    if gone:
        raise ClientGone()
    return task.result()


async def _disconnected(request: Request) -> None:
    """Returns once the ASGI server reports the client gone (the body is read by then)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


@router.get("/sparql/table.csv", include_in_schema=False)
async def results_csv(request: Request, query: str) -> Response:
    """A SELECT's or ASK's results as CSV for a spreadsheet (UTF-8 with BOM; the protocol's
    own text/csv has none), within the endpoint's limits."""
    if check_query(query) not in ("SELECT", "ASK"):
        raise QueryRefused(400, "only a SELECT or ASK result is a table")
    try:
        result = await _execute(request, QueryRequest(query, RESULTS_TYPES[0], None, None))
    except ClientGone:
        return Response(status_code=499)  # nobody reads it: the access log records the hang-up
    columns, rows = pages.table(result.body)
    return csv_response(columns, rows, "sparql-results")
