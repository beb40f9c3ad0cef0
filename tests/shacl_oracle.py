"""pyshacl as the oracle of graph/validate.py: the results a SHACL engine gives, as keys.

`Result.key` is (shape, constraint, focus, path, value); these are the same five taken
from pyshacl's report (the way graph/validate.py read it before the shapes were compiled
to SPARQL). The one documented difference (docs/validation.md, "Copied contents"): where
pyshacl, given the pairwise constraint below, reports each pair of items sharing a content,
the compiled shapes report each item once, naming the lowest-numbered other item.
"""

from __future__ import annotations

from collections import Counter

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from servicegraph.graph.namespaces import SG, SGS
from servicegraph.graph.validate import Report, path_text

Key = tuple[str, str, str, str, str]

PAIRWISE_CONTENT = """SELECT $this ?value ?path WHERE {
        $this dct:description ?d .
        ?value dct:description ?d ; sg:number ?n .
        FILTER (?value != $this)
        BIND (dct:description AS ?path) }"""
"""sgs:DuplicateContent as it was before it became linear (one result per pair)."""


def pairwise(shapes: Graph) -> Graph:
    """`shapes` with sgs:DuplicateContent's query as it was (one result per pair)."""
    old = Graph()
    old += shapes
    old.remove((SGS.DuplicateContent, SH.select, None))
    old.add((SGS.DuplicateContent, SH.select, Literal(PAIRWISE_CONTENT)))
    return old


def oracle_keys(data: Graph, shapes: Graph) -> Counter[Key]:
    """pyshacl's results on `data` (not changed), as keys, the copied-content ones made
    one per item as documented: the pair naming the lowest-numbered other item."""
    _, report, _ = pyshacl.validate(data, shacl_graph=pairwise(shapes), advanced=True, allow_warnings=True)
    keys: Counter[Key] = Counter()
    copied: dict[str, list[tuple[int, str, Key]]] = {}
    for node in report.subjects(SH.resultSeverity, None):
        constraint = report.value(node, SH.sourceConstraint) or report.value(node, SH.sourceConstraintComponent)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        key = (
            str(report.value(node, SH.sourceShape)), str(constraint), str(report.value(node, SH.focusNode)),
            "" if path is None else path_text(report, path), "" if value is None else value.n3(),
        )  # fmt: skip
        if constraint == SGS.DuplicateContent:
            number = data.value(value, SG.number)
            order = number.toPython() if isinstance(number, Literal) else 0
            copied.setdefault(key[2], []).append((order, str(value), key))
        else:
            keys[key] += 1
    for pairs in copied.values():
        keys[min(pairs)[2]] += 1
    return keys


def keys(report: Report) -> Counter[Key]:
    return Counter(r.key for r in report.results)


def shape_iris(report: Report) -> set[URIRef]:
    return {r.shape for r in report.results}
