"""Media types and RDF formats: what results and dumps the store reads and writes.

One home for the tables: the endpoint negotiates over these keys, the embedded store
serialises with their values, and `servicegraph serve` reads dumps by suffix.
"""

from __future__ import annotations

import pyoxigraph as ox

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
"""Media types a SELECT or ASK result can be serialised to."""

GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
"""Media types a CONSTRUCT or DESCRIBE result can be serialised to."""

DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
"""Dump files `snapshot_from_dump` reads, by suffix."""
