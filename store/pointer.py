"""The current pointer of a remote engine: which of its named graphs the API reads.

A remote engine holds every graph as a named graph (one per revision, the metadata and
change-set graphs) and, in one small graph `{base}current` (`pointer_iri`), the
dataset servicegraph serves from it:

    <{base}current> sd:defaultGraph <{base}revision/…> ;     # what queries read by default
        sd:namedGraph <…>, <…> ;                             # what GRAPH ?g can reach
        owl:versionInfo 7 ;                                  # the generation
        dct:description "{…VoID statistics…}"^^rdf:JSON .

Publishing loads the new graphs first and replaces this graph last, so a reader sees
the old dataset or the new one, never a graph half loaded. Queries carry the dataset as
`default-graph-uri`/`named-graph-uri` (SPARQL 1.1 Protocol), which every engine honours
and which leaves the engine's own default graph alone (Oxigraph's
`--union-default-graph` would mix revisions).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pyoxigraph as ox

from servicegraph.graph.namespaces import DCTERMS, OWL, RDF, SD, XSD
from servicegraph.store.engine import Statistics

_DEFAULT = ox.NamedNode(str(SD.defaultGraph))
_NAMED = ox.NamedNode(str(SD.namedGraph))
_GENERATION = ox.NamedNode(str(OWL.versionInfo))
_STATISTICS = ox.NamedNode(str(DCTERMS.description))
_JSON = ox.NamedNode(str(RDF.JSON))
_INTEGER = ox.NamedNode(str(XSD.integer))


def pointer_iri(base: str) -> str:
    """The pointer graph of the data minted under `base` (also its subject)."""
    return f"{base}current"


@dataclass(frozen=True, slots=True)
class Pointer:
    """The dataset a remote engine serves: `default_graph` None reads the engine's own
    default graph (data pushed there, or a pointer never written: generation 0)."""

    generation: int
    default_graph: str | None
    named_graphs: tuple[str, ...]
    statistics: Statistics | None

    def triples(self, iri: str) -> list[ox.Triple]:
        subject = ox.NamedNode(iri)
        triples = [ox.Triple(subject, _GENERATION, ox.Literal(str(self.generation), datatype=_INTEGER))]
        if self.default_graph is not None:
            triples.append(ox.Triple(subject, _DEFAULT, ox.NamedNode(self.default_graph)))
        triples += [ox.Triple(subject, _NAMED, ox.NamedNode(g)) for g in self.named_graphs]
        if self.statistics is not None:
            doc = json.dumps(asdict(self.statistics), ensure_ascii=False)
            triples.append(ox.Triple(subject, _STATISTICS, ox.Literal(doc, datatype=_JSON)))
        return triples


NO_POINTER = Pointer(0, None, (), None)


def read_pointer(iri: str, triples: Iterable[ox.Triple]) -> Pointer:
    """The pointer `triples` state about `iri`; `NO_POINTER` when they state nothing."""
    subject = ox.NamedNode(iri)
    generation, default, named, statistics = 0, None, [], None
    for triple in triples:
        value = triple.object
        if triple.subject != subject or isinstance(value, ox.Triple):
            continue
        if triple.predicate == _GENERATION:
            generation = int(value.value)
        elif triple.predicate == _DEFAULT:
            default = value.value
        elif triple.predicate == _NAMED:
            named.append(value.value)
        elif triple.predicate == _STATISTICS:
            doc = json.loads(value.value)
            doc["graphs"] = tuple(tuple(g) for g in doc["graphs"])
            statistics = Statistics(**doc)
    return Pointer(generation, default, tuple(sorted(named)), statistics)
