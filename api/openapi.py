"""What the OpenAPI document says that FastAPI cannot infer: the media types a route
answers in, the protocol parameters and bodies it reads by hand, and its refusals
(plain text, from `QueryRefused`). Routes spread these into their decorators."""

from __future__ import annotations

from typing import Any

from servicegraph.api.negotiation import HTML
from servicegraph.graph.media_types import GRAPH_TYPES
from servicegraph.store.formats import RESULTS_TYPES

TEXT = {"text/plain": {"schema": {"type": "string"}}}


def answers(*media_types: str) -> dict[str, Any]:
    """A 200 answer in any of `media_types` (bodies are not described further)."""
    return {"description": "The answer, in the negotiated media type.", "content": {t: {} for t in media_types}}


def refused(description: str) -> dict[str, Any]:
    return {"description": description, "content": TEXT}


NEGOTIATION = {
    400: refused("A `format` this server does not know."),
    406: refused("No offered media type meets the Accept header."),
}

_GRAPH_LIST = {"type": "array", "items": {"type": "string"}}
_QUERY_EXAMPLE = (
    "PREFIX cpsv: <http://purl.org/vocab/cpsv#> PREFIX dct: <http://purl.org/dc/terms/>"
    " SELECT ?service ?title WHERE { ?service a cpsv:PublicService ; dct:title ?title } LIMIT 3"
)
_DATASET = {
    "default-graph-uri": "Replaces the query's default graph (FROM); repeat for several.",
    "named-graph-uri": "Replaces the query's named graphs (FROM NAMED); repeat for several.",
}
_FORMAT = "A media type or short name (json, xml, csv, tsv, turtle, nt, jsonld, rdfxml); overrides Accept."


def _parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_PROTOCOL_PARAMETERS = [
    *(_parameter(name, text, _GRAPH_LIST) | {"style": "form", "explode": True} for name, text in _DATASET.items()),
    _parameter("format", _FORMAT, {"type": "string"}),
]

_SPARQL_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: answers(*RESULTS_TYPES, *GRAPH_TYPES),
    400: refused("Not a SPARQL query, a bad parameter, or an unknown format."),
    403: refused("An update, LOAD or SERVICE: refused, the endpoint is read-only and never leaves the host."),
    406: NEGOTIATION[406],
    413: refused("The query or the request body is too large."),
    503: refused("The query was stopped (time or result-size limit) or no worker could take it."),
}

SPARQL_GET: dict[str, Any] = {
    "summary": "SPARQL 1.1 query by GET; without `query`, the SPARQL Service Description",
    "responses": _SPARQL_ANSWERS,
    "openapi_extra": {
        "parameters": [
            _parameter(
                "query",
                "The SPARQL query (none: the service description).",
                {"type": "string", "example": _QUERY_EXAMPLE},
            ),
            *_PROTOCOL_PARAMETERS,
        ]
    },
}

SPARQL_POST: dict[str, Any] = {
    "summary": "SPARQL 1.1 query by POST: a form with `query`, or the query itself as application/sparql-query",
    "responses": {**_SPARQL_ANSWERS, 400: refused("No or another Content-Type, not a SPARQL query, bad parameters.")},
    "openapi_extra": {
        "parameters": _PROTOCOL_PARAMETERS,
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["query"],
                        "properties": {
                            "query": {"type": "string", "example": _QUERY_EXAMPLE},
                            **{name: _GRAPH_LIST for name in _DATASET},
                            "format": {"type": "string"},
                        },
                    }
                },
                "application/sparql-query": {"schema": {"type": "string", "example": _QUERY_EXAMPLE}},
            },
        },
    },
}

DESCRIPTION: dict[str, Any] = {"responses": {200: answers(*GRAPH_TYPES), **NEGOTIATION}}
"""The VoID description: RDF in the negotiated syntax."""

LINKED_DATA: dict[str, Any] = {
    "responses": {
        200: answers(*GRAPH_TYPES, HTML),
        301: {"description": "The IRI was renamed: Location is the resource that replaced it (dct:isReplacedBy)."},
        404: {"description": "The graph knows nothing about this IRI."},
        **NEGOTIATION,
    },
    "openapi_extra": {
        "parameters": [
            {
                "name": "rest",
                "in": "path",
                "required": True,
                "description": "The IRI's path below the root segment, as minted (docs/model.md).",
                "schema": {"type": "string", "example": "创业服务"},
            }
        ]
    },
}

PREFER: dict[str, Any] = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "description": "`respond-async`: answer 202 with a job to poll, whatever the upload's size (RFC 7240).",
    "schema": {"type": "string", "example": "respond-async"},
}
"""An upload's request for an asynchronous answer."""

ACCEPTED: dict[str, Any] = {
    "description": "A large upload (or `Prefer: respond-async`): taken as a job. Poll `Location`"
    " (GET /api/jobs/{id}) for its stage and progress, then the answer it would have had (201, 409, 422, …).",
    "headers": {
        "Location": {"description": "/api/jobs/{id}", "schema": {"type": "string"}},
        "Retry-After": {"description": "Seconds before polling again.", "schema": {"type": "integer"}},
        "Preference-Applied": {"description": "`respond-async` when asked for.", "schema": {"type": "string"}},
    },
}
"""The answer to an upload run as a job (api/jobs.py)."""
