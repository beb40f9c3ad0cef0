"""Which validation results of a revision are new, compared with an older revision's report.

A result is identified by shape, constraint, focus node, path and value, with revision
IRIs and row line ranges left out, so a result that only moved is not new.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from servicegraph.graph.namespaces import SGS
from servicegraph.graph.validate import Report, path_text

_REVISION = re.compile(r"revision/[0-9a-f]{12}(/lines/\d+-\d+)?")


def _revision_free(text: str) -> str:
    """`text` with revision IRIs (and row line ranges) made alike across revisions."""
    return _REVISION.sub(lambda m: "revision/*" + ("/lines/*" if m.group(1) else ""), text)


def _key(result: dict[str, Any]) -> tuple[str, ...]:
    """What identifies a result (as `Result.to_json` writes it) in any revision of a catalogue."""
    return tuple(_revision_free(str(result[k] or "")) for k in ("shape", "constraint", "focus", "path", "value"))


def _flags(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> list[bool]:
    before = Counter(map(_key, old))
    flags = []
    for result in new:
        k = _key(result)
        flags.append(before[k] == 0)
        if before[k]:
            before[k] -= 1
    return flags


def compare_reports(old: Report, new: Report) -> list[bool]:
    """For each result of `new`, in order: True when it is new (not in `old`)."""
    return _flags((r.to_json() for r in old.results), (r.to_json() for r in new.results))


def new_by_result(old: Report, new: Report) -> dict[int, bool]:
    """`compare_reports` keyed by `id(result)` of each result of `new`."""
    return {id(r): flag for r, flag in zip(new.results, compare_reports(old, new), strict=True)}


def mark_new(doc: dict[str, Any], old_doc: dict[str, Any], against: str) -> dict[str, Any]:
    """A report's JSON (`Report.to_json`) with `"new"` on every result, compared with an
    older report's JSON, and the counts of new results and of those already there."""
    results = [r for group in doc["items"] for r in group["results"]]
    flags = _flags((r for group in old_doc["items"] for r in group["results"]), results)
    marked = {
        **doc,
        "items": [{**group, "results": [dict(r) for r in group["results"]]} for group in doc["items"]],
        "against": {"revision": against, "new": sum(flags), "already_there": len(flags) - sum(flags)},
    }
    for result, flag in zip((r for group in marked["items"] for r in group["results"]), flags, strict=True):
        result["new"] = flag
    return marked


def report_turtle_against(report: Report, new: dict[int, bool]) -> str:
    """The SHACL report in Turtle with `sgs:new true|false` on every result."""
    graph = Graph()
    for prefix, namespace in report.graph.namespaces():
        graph.bind(prefix, namespace)
    graph += report.graph
    nodes: dict[tuple[Any, ...], list[Node]] = {}
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        nodes.setdefault(_node_key(graph, node), []).append(node)
    for result in report.results:
        node = nodes[(result.focus, result.shape, result.constraint, result.value, result.path)].pop()
        graph.add((node, SGS.new, Literal(new[id(result)])))
    return graph.serialize(format="turtle")


def _node_key(graph: Graph, node: Node) -> tuple[Any, ...]:
    """What identifies a result node: as `Result` holds it (focus, shape, constraint, value, path)."""
    constraint = graph.value(node, SH.sourceConstraint) or graph.value(node, SH.sourceConstraintComponent)
    path = graph.value(node, SH.resultPath)
    return (
        graph.value(node, SH.focusNode),
        graph.value(node, SH.sourceShape),
        constraint,
        graph.value(node, SH.value),
        None if path is None else path_text(graph, path),
    )
