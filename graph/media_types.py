"""Media types of RDF graphs: one home for the strings.

rdflib serialises to each by its media type (`Graph.serialize(format=TURTLE)`); the store
maps them to its own formats (servicegraph.store.formats), which also holds the media
types of SPARQL results.
"""

from __future__ import annotations

TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"

GRAPH_TYPES = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)
"""What a graph is served as (CONSTRUCT, DESCRIBE, descriptions), in the server's order of preference."""
