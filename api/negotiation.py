"""Choosing a response media type from an Accept header (with q-values) or a `format` parameter."""

from __future__ import annotations

from functools import lru_cache

from servicegraph.api.query_guard import QueryRefused
from servicegraph.graph.media_types import GRAPH_TYPES, JSON_LD, N_TRIPLES, RDF_XML, TURTLE
from servicegraph.store.formats import CSV, RESULTS_TYPES, SPARQL_JSON, SPARQL_XML, TSV

HTML = "text/html"
"""Pages for people, offered beside the RDF formats."""

JSON = "application/json"
"""The API's answers and the pages' data."""

_ALIASES: dict[str, tuple[str, ...]] = {
    # each name or media type: the offered types it stands for (results, then graph)
    "json": (SPARQL_JSON, JSON_LD, JSON),
    "application/json": (SPARQL_JSON, JSON_LD, JSON),
    "html": (HTML,),
    "text/html": (HTML,),
    "xml": (SPARQL_XML, RDF_XML),
    "application/xml": (SPARQL_XML, RDF_XML),
    "text/xml": (SPARQL_XML, RDF_XML),
    "csv": (CSV,),
    "tsv": (TSV,),
    "turtle": (TURTLE,),
    "ttl": (TURTLE,),
    "application/x-turtle": (TURTLE,),
    "n3": (TURTLE,),  # Turtle is N3
    "text/n3": (TURTLE,),
    "text/rdf+n3": (TURTLE,),
    "nt": (N_TRIPLES,),
    "ntriples": (N_TRIPLES,),
    "n-triples": (N_TRIPLES,),
    "text/plain": (N_TRIPLES,),
    "jsonld": (JSON_LD,),
    "json-ld": (JSON_LD,),
    "rdfxml": (RDF_XML,),
    "rdf": (RDF_XML,),
    "rdf+xml": (RDF_XML,),
    "application/x-json+ld": (JSON_LD,),
}


def format_name(media_type: str) -> str:
    """The first `format` name that asks for `media_type` alone (`turtle` for text/turtle)."""
    return next(name for name, types in _ALIASES.items() if "/" not in name and types == (media_type,))


class UnknownFormat(ValueError):
    """A `format` parameter that names no format this server knows."""


def _candidates(name: str) -> tuple[str, ...]:
    name = name.strip().lower()
    if name in RESULTS_TYPES or name in GRAPH_TYPES:
        return (name,)
    return _ALIASES.get(name, ())


@lru_cache(maxsize=512)  # clients send the same few headers again and again
def choose(offered: tuple[str, ...], accept: str | None, format: str | None = None) -> str | None:
    """The media type to answer with, or None when nothing offered is acceptable (406).

    `format` (a name such as `csv`, or a media type; several may be given separated by
    commas) wins over Accept; one naming no known format raises `UnknownFormat`.
    Without either, the first offered type is the answer.
    """
    if format:
        known = [t for name in format.split(",") for t in _candidates(name)]
        if not known:
            raise UnknownFormat(f"unknown format {format!r}")
        return next((t for t in known if t in offered), None)
    if not accept or not accept.strip():
        return offered[0]
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for media_type in offered:
        q = _quality(media_type, ranges)
        if q > best_q:
            best, best_q = media_type, q
    return best


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    """(media range, q) pairs, aliases expanded; malformed q-values count as 0."""
    ranges = []
    for item in accept.split(","):
        media_range, *params = (part.strip() for part in item.split(";"))
        if not media_range:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        media_range = media_range.lower()
        for target in _candidates(media_range) or (media_range,):
            ranges.append((target, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range matching `media_type` (0 when none does)."""
    kind = media_type.split("/")[0]
    best_specificity, q = -1, 0.0
    for media_range, range_q in ranges:
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity or (specificity == best_specificity and range_q > q):
            best_specificity, q = specificity, range_q
    return q


def negotiate(offered: tuple[str, ...], accept: str | None, format: str | None, what: str) -> str:
    """`choose`, or a refusal: 400 for an unknown `format`, 406 when nothing offered is
    acceptable (`what` names the thing offered, for the message)."""
    try:
        media_type = choose(offered, accept, format)
    except UnknownFormat as exc:
        raise QueryRefused(400, str(exc)) from None
    if media_type is None:
        raise QueryRefused(406, f"{what} is available as {', '.join(offered)}")
    return media_type
