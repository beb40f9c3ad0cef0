"""Triples grouped by subject → compacted JSON-LD, written as they come.

The document refers to its @context by IRI (`context`) and holds one node object per
run of triples about the same subject (a subject met twice gets two nodes: JSON-LD
merges them). IRIs under a prefix of the context are written as `prefix:local`; plain
strings, integers and booleans as JSON values, other literals as value objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import IO, Any

import pyoxigraph as ox

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_LOCAL = re.compile(r"[\w.-]+")


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # longest namespace first: a namespace inside another one wins
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def iri(self, iri: str) -> str:
        for prefix, ns in self._prefixes:
            if iri.startswith(ns) and _LOCAL.fullmatch(iri[len(ns) :]):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        if isinstance(term, ox.NamedNode):
            return {"@id": self.iri(term.value)}
        if isinstance(term, ox.BlankNode):
            return {"@id": f"_:{term.value}"}
        if term.language:
            return {"@language": term.language, "@value": term.value}
        datatype = term.datatype.value
        if datatype == f"{_XSD}string":
            return term.value
        if datatype == f"{_XSD}boolean" and term.value in ("true", "false"):
            return term.value == "true"
        if datatype == f"{_XSD}integer" and re.fullmatch(r"-?(?:0|[1-9][0-9]*)", term.value):
            return int(term.value)
        return {"@type": self.iri(datatype), "@value": term.value}

    def node(self, subject: ox.NamedNode | ox.BlankNode, triples: Iterable[ox.Triple | ox.Quad]) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": self.value(subject)["@id"]}
        for t in triples:
            if t.predicate == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
                key, value = "@type", self.iri(t.object.value)
            else:
                key, value = self.iri(t.predicate.value), self.value(t.object)  # type: ignore[arg-type]
            if key not in node:
                node[key] = value
            elif isinstance(node[key], list):
                node[key].append(value)
            else:
                node[key] = [node[key], value]
        return node


def write(out: IO[str], triples: Iterable[ox.Triple | ox.Quad], prefixes: Mapping[str, str], context: str) -> None:
    """Write `triples` (grouped by subject, as a store gives them) to `out` as compacted JSON-LD."""
    compactor = _Compactor(prefixes)
    out.write(f'{{\n "@context": {json.dumps(context)},\n "@graph": [')
    separator = "\n"
    for subject, about in groupby(triples, key=lambda t: t.subject):
        node = compactor.node(subject, about)
        out.write(separator + json.dumps(node, ensure_ascii=False, sort_keys=True))
        separator = ",\n"
    out.write("\n ]\n}\n")
