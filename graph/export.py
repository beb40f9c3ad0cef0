"""A built graph → files: Turtle, N-Triples, JSON-LD with its @context, and a VoID/DCAT description.

The JSON-LD names its context by the relative IRI `context.jsonld`, published beside it;
the description (`void.ttl`) gives the revision's size, classes, source hash, licence
(a placeholder until the publisher chooses one) and one dcat:Distribution per file,
downloadable under `{base}revision/{rev}/`.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

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


def jsonld(graph: Graph) -> str:
    """The graph as compacted JSON-LD that refers to the published context by IRI."""
    context = jsonld_context()["@context"]
    doc = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    doc["@context"] = CONTEXT_FILE
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)


def licence_iri(base: str) -> URIRef:
    """The licence of the data minted under `base` (a placeholder until the publisher chooses one)."""
    return URIRef(f"{base}licence")


def description(graph: Graph, catalogue: Catalogue, base: str, generated: datetime | None) -> Graph:
    """The VoID/DCAT description of one revision's graph."""
    m = Minter(base, catalogue.sha256)
    rev = m.revision
    licence = licence_iri(base)
    classes = Counter(o for _, o in graph.subject_objects(RDF.type) if isinstance(o, URIRef))
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
        (rev, VOID.triples, Literal(len(graph))),
        (rev, VOID.classes, Literal(len(classes))),
        (rev, VOID.properties, Literal(len(set(graph.predicates())))),
        (rev, VOID.distinctSubjects, Literal(len(set(graph.subjects())))),
        (rev, VOID.uriSpace, Literal(base)),
    ]
    terms = {str(t) for t in set(graph.predicates()) | set(classes)}
    triples += [
        (rev, VOID.vocabulary, URIRef(str(ns)))
        for p, ns in PREFIXES.items()
        if p not in ("rdf", "rdfs", "owl", "xsd") and any(t.startswith(str(ns)) for t in terms)
    ]
    for cls, n in sorted(classes.items()):
        part = URIRef(f"{rev}/class/{graph.namespace_manager.normalizeUri(cls).replace(':', '-')}")
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


def write_all(
    graph: Graph, catalogue: Catalogue, out_dir: Path, base: str, generated: datetime | None = None
) -> list[Path]:
    """Write every serialisation, the context and the description into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, media_type in FILES.items():
        path = out_dir / name
        text = jsonld(graph) if media_type == JSON_LD else graph.serialize(format=media_type)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    context = out_dir / CONTEXT_FILE
    context.write_text(json.dumps(jsonld_context(), ensure_ascii=False, indent=1), encoding="utf-8")
    void = out_dir / DESCRIPTION_FILE
    void.write_text(description(graph, catalogue, base, generated).serialize(format="turtle"), encoding="utf-8")
    return [*written, context, void]
