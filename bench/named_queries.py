"""Time every named query on the seed (or on an N× catalogue made from it), in process, no HTTP.

    .venv/bin/python bench/named_queries.py [--copies 1]

`--copies N` queries bench/catalogues.py's `multiplied` catalogue: the seed's rows N times,
each copy's items numbered on and named apart, citing the same statutes, so the graph
grows as a longer catalogue's would. Prints the median of 20 runs of each query, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import pyoxigraph as ox
from catalogues import multiplied  # bench/catalogues.py (the script's directory)
from rdflib import Literal, URIRef

from servicegraph.api import named_queries as nq
from servicegraph.graph.build import build_graph
from servicegraph.graph.media_types import N_TRIPLES
from servicegraph.graph.namespaces import DEFAULT_BASE, SG
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.store.engine import QueryRequest, QueryResult
from servicegraph.store.formats import SPARQL_JSON
from servicegraph.store.oxigraph import OxigraphStore, to_oxigraph

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"
B = DEFAULT_BASE
CASES: dict[str, dict] = {
    "services": {},
    "service": {"number": Literal(44)},
    "service-citations": {"service": URIRef(f"{B}service/临时用电")},
    "related-services": {"service": URIRef(f"{B}service/临时用电")},
    "statutes-search": {"text": Literal("电力法"), "key": Literal("电力法"), "issuing_number": Literal("")},
    "statute-provisions": {"document": URIRef(f"{B}legal/中华人民共和国电力法")},
    "statute-services": {"basis": URIRef(f"{B}legal/中华人民共和国电力法")},
    "statute-service-levels": {
        "basis": URIRef(f"{B}legal/中华人民共和国电力法"),
        "first": Literal(44),
        "last": Literal(48),
    },
    "statute-citations": {
        "document": URIRef(f"{B}legal/中华人民共和国电力法"),
        "first": Literal(44),
        "last": Literal(48),
    },
    "shared-provisions": {"min_services": Literal(2)},
    "shared-articles": {"min_services": Literal(2)},
    "agencies": {},
    "levels": {},
    "services-by-level": {"level": SG.township, "role": SG.preliminaryReview},
    "describe": {"resource": URIRef(f"{B}legal/中华人民共和国电力法/art_26")},
}


def store_of(copies: int) -> ox.Store:
    graph = build_graph(parse_catalogue(multiplied(SEED.read_bytes(), copies), SEED.name))
    store = ox.Store()
    store.bulk_extend(ox.Quad(*(to_oxigraph(term) for term in triple)) for triple in graph)
    return store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    store = store_of(args.copies)
    embedded = OxigraphStore(store, 1 << 26)

    async def execute(request: QueryRequest) -> QueryResult:
        return embedded.execute(request)

    print(f"{len(store)} triples (the seed's rows ×{args.copies})")
    for name, params in CASES.items():
        query = nq.get(name)
        media = N_TRIPLES if name == "describe" else SPARQL_JSON
        request = QueryRequest(query.text, media, None, None, params)
        times = []
        for _ in range(20):
            started = time.perf_counter()
            asyncio.run(execute(request))
            times.append((time.perf_counter() - started) * 1000)
        print(f"{name:22} {statistics.median(times):8.2f} ms")


if __name__ == "__main__":
    main()
