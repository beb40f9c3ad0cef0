"""Choosing a response media type from an Accept header (with q-values) or a `format` parameter."""

from __future__ import annotations

from functools import lru_cache

from servicegraph.api.query_guard import QueryRefused

RESULTS_TYPES: tuple[str, ...] = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
"""What SELECT and ASK answer with, in the server's order of preference."""

GRAPH_TYPES: tuple[str, ...] = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
"""What CONSTRUCT, DESCRIBE and the service descriptions answer with."""

_ALIASES: dict[str, tuple[str, ...]] = {
    # each name or media type: the offered types it stands for (results, then graph)
    "json": ("application/sparql-results+json", "application/ld+json"),
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle",),
    "ttl": ("text/turtle",),
    "application/x-turtle": ("text/turtle",),
    "n3": ("text/turtle",),  # Turtle is N3
    "text/n3": ("text/turtle",),
    "text/rdf+n3": ("text/turtle",),
    "nt": ("application/n-triples",),
    "ntriples": ("application/n-triples",),
    "n-triples": ("application/n-triples",),
    "text/plain": ("application/n-triples",),
    "jsonld": ("application/ld+json",),
    "json-ld": ("application/ld+json",),
    "rdfxml": ("application/rdf+xml",),
    "rdf": ("application/rdf+xml",),
    "rdf+xml": ("application/rdf+xml",),
    "application/x-json+ld": ("application/ld+json",),
}


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
