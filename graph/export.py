"""A revision's triples → files: N-Triples, Turtle, JSON-LD with its @context, and a VoID/DCAT description.

The triples stream into a scratch pyoxigraph store (on disk, so memory stays flat) and
are counted on the way (`Tally`); each file is then dumped from that store (N-Triples,
Turtle: pyoxigraph's writers; JSON-LD: graph/jsonld.py), never serialised by rdflib
from a graph of the whole catalogue.

The JSON-LD names its context by the relative IRI `context.jsonld`, published beside it;
the description (`void.ttl`) gives the revision's size, classes, source hash, licence
(a placeholder until the publisher chooses one) and one dcat:Distribution per file,
downloadable under `{base}revision/{rev}/`.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from servicegraph.graph import jsonld, ntriples
from servicegraph.graph.build import CatalogueTriples
from servicegraph.graph.iris import Minter
from servicegraph.graph.media_types import JSON_LD, N_TRIPLES, TURTLE
from servicegraph.graph.namespaces import DCAT, PREFIXES, PROV, RDF, RDFS, SG, VOID
from servicegraph.graph.namespaces import DCTERMS as DCT
from servicegraph.loaders.records import Catalogue

CONTEXT_FILE = "context.jsonld"
FILES = {"servicegraph.ttl": TURTLE, "servicegraph.nt": N_TRIPLES, "servicegraph.jsonld": JSON_LD}
"""The graph's files and their media types."""
DESCRIPTION_FILE = "void.ttl"


def jsonld_context() -> dict[str, Any]:
    """The published @context: one term per prefix of the graph model."""
    return {"@context": {prefix: str(ns) for prefix, ns in PREFIXES.items()}}


@dataclass(frozen=True)
class Counts:
    """What a VoID description says of a graph's size."""

    triples: int
    subjects: int
    predicates: frozenset[URIRef]
    classes: Counter[URIRef]  # each class, its number of typed subjects


class Tally:
    """Counts a stream of triples as it passes (a triple seen twice counts once: `triples` is
    given at the end, by the store or graph that dropped the repeats)."""

    def __init__(self) -> None:
        self.subjects: set[Node] = set()
        self.predicates: set[URIRef] = set()
        self.typed: set[tuple[Node, URIRef]] = set()

    def counted(self, triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[tuple[Node, Node, Node]]:
        for s, p, o in triples:
            self.subjects.add(s)
            self.predicates.add(p)  # type: ignore[arg-type]  # a predicate is an IRI
            if p == RDF.type and isinstance(o, URIRef):
                self.typed.add((s, o))
            yield s, p, o

    def counts(self, triples: int) -> Counts:
        return Counts(triples, len(self.subjects), frozenset(self.predicates), Counter(o for _, o in self.typed))


def counts_of(graph: Graph) -> Counts:
    """The counts of a graph in memory."""
    tally = Tally()
    for _ in tally.counted(graph):
        pass
    return tally.counts(len(graph))


def licence_iri(base: str) -> URIRef:
    """The licence of the data minted under `base` (a placeholder until the publisher chooses one)."""
    return URIRef(f"{base}licence")


def description(counts: Counts, catalogue: Catalogue, base: str, generated: datetime | None) -> Graph:
    """The VoID/DCAT description of one revision's graph, of its `counts`."""
    m = Minter(base, catalogue.sha256)
    rev = m.revision
    licence = licence_iri(base)
    classes = counts.classes
    d = Graph()
    for prefix, ns in PREFIXES.items():
        d.bind(prefix, ns)
    triples = [
        (rev, RDF.type, DCAT.Dataset),
        (rev, RDF.type, VOID.Dataset),
        (rev, DCT.source, Literal(Path(catalogue.source).name)),
        (rev, SG.sha256, Literal(catalogue.sha256)),
        (rev, DCT.license, licence),
        (licence, RDF.type, DCT.LicenseDocument),
        (licence, RDFS.label, Literal("许可待定", lang="zh")),
        (licence, RDFS.comment, Literal("Placeholder: the publisher has not chosen a licence yet.", lang="en")),
        (rev, VOID.triples, Literal(counts.triples)),
        (rev, VOID.classes, Literal(len(classes))),
        (rev, VOID.properties, Literal(len(counts.predicates))),
        (rev, VOID.distinctSubjects, Literal(counts.subjects)),
        (rev, VOID.uriSpace, Literal(base)),
    ]
    terms = {str(t) for t in counts.predicates | set(classes)}
    triples += [
        (rev, VOID.vocabulary, URIRef(str(ns)))
        for p, ns in PREFIXES.items()
        if p not in ("rdf", "rdfs", "owl", "xsd") and any(t.startswith(str(ns)) for t in terms)
    ]
    for cls, n in sorted(classes.items()):
        part = URIRef(f"{rev}/class/{d.namespace_manager.normalizeUri(cls).replace(':', '-')}")
        triples += [(rev, VOID.classPartition, part), (part, VOID["class"], cls), (part, VOID.entities, Literal(n))]
    for name, media_type in FILES.items():
        dist = URIRef(f"{rev}/distribution/{name}")
        triples += [
            (rev, DCAT.distribution, dist),
            (dist, RDF.type, DCAT.Distribution),
            (dist, DCAT.downloadURL, URIRef(f"{rev}/{name}")),
            (dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")),
            (dist, DCT.title, Literal(name)),
            (dist, DCT.license, licence),
            (rev, VOID.dataDump, URIRef(f"{rev}/{name}")),
        ]
    if generated is not None:
        triples.append((rev, PROV.generatedAtTime, Literal(generated)))
    for t in triples:
        d.add(t)
    return d


def write_all(built: CatalogueTriples, out_dir: Path) -> tuple[list[Path], Counts]:
    """Write every serialisation of the revision `built`, the context and the description
    into `out_dir`; the paths written and the graph's counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    with tempfile.TemporaryDirectory(prefix="servicegraph-build-") as scratch:
        store = ox.Store(scratch)
        try:
            ntriples.load(store, ntriples.lines(tally.counted(built)))
            counts = tally.counts(len(store))
            written = [_dump(store, out_dir / name, media_type, prefixes) for name, media_type in FILES.items()]
        finally:
            del store  # closed before its directory goes
    context = out_dir / CONTEXT_FILE
    context.write_text(json.dumps(jsonld_context(), ensure_ascii=False, indent=1), encoding="utf-8")
    void = out_dir / DESCRIPTION_FILE
    text = description(counts, built.catalogue, built.base, built.generated).serialize(format="turtle")
    void.write_text(text, encoding="utf-8")
    return [*written, context, void], counts


def _dump(store: ox.Store, path: Path, media_type: str, prefixes: dict[str, str]) -> Path:
    triples = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    if media_type == JSON_LD:
        with path.open("w", encoding="utf-8") as out:
            jsonld.write(out, triples, prefixes, CONTEXT_FILE)
    else:
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        assert rdf_format is not None, media_type
        store.dump(str(path), rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)
    return path
