"""Media types and RDF formats: what results and dumps the store reads and writes.

One home for the tables: the endpoint negotiates over these keys, the embedded store
serialises with their values, and `servicegraph serve` reads dumps by suffix. The media
types of graphs are the graph layer's (servicegraph.graph.media_types).
"""

from __future__ import annotations

import pyoxigraph as ox

from servicegraph.graph.media_types import JSON_LD, N_TRIPLES, RDF_XML, TURTLE

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    SPARQL_JSON: ox.QueryResultsFormat.JSON,
    SPARQL_XML: ox.QueryResultsFormat.XML,
    CSV: ox.QueryResultsFormat.CSV,
    TSV: ox.QueryResultsFormat.TSV,
}
"""Media types a SELECT or ASK result can be serialised to."""

RESULTS_TYPES = tuple(RESULTS_FORMATS)
"""What SELECT and ASK answer with, in the server's order of preference."""

GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    TURTLE: ox.RdfFormat.TURTLE,
    N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    JSON_LD: ox.RdfFormat.JSON_LD,
    RDF_XML: ox.RdfFormat.RDF_XML,
}
"""Media types a CONSTRUCT or DESCRIBE result can be serialised to."""

DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
"""Dump files `snapshot_from_dump` reads, by suffix."""
