"""Validate a catalogue graph against `shapes/servicegraph.ttl` and report typed results.

Each result names its severity, focus node, the item it concerns, the source line of the
focus node (for a service, of the cell its path is read from), the shape and constraint,
path, value (for an item, with its line) and the shape's message in zh and en, its
`{?value}` filled in.
Comparing two revisions' reports is graph/report_compare.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from servicegraph.graph import iris
from servicegraph.graph.build import CELL_OF_PREDICATE
from servicegraph.graph.namespaces import CPSV, CV, PREFIXES, PROV, SG, SGS

SHAPES = resources.files("servicegraph.shapes") / "servicegraph.ttl"

SEVERITIES = ("Violation", "Warning", "Info")
_OWNED_BY = (CV.hasParticipation, CPSV.follows, SG.fillType)
"""Predicates from a service to the nodes that belong to it alone."""


@cache
def load_shapes() -> Graph:
    """The shapes graph (parsed once per process)."""
    return Graph().parse(data=SHAPES.read_text(encoding="utf-8"), format="turtle")


@dataclass(frozen=True, slots=True)
class Result:
    """One validation result, located in the source."""

    severity: str  # one of SEVERITIES
    focus: Node
    item: int | None  # the number of the item the focus node belongs to
    line: int | None  # the source line of the focus node (or of its item's row)
    shape: URIRef
    constraint: URIRef  # the SPARQL constraint, else the constraint component
    path: str | None  # SPARQL property path, prefixed names
    value: Node | None
    value_item: int | None  # the value's item number when the value is an item
    value_line: int | None  # the line of that item (of its cell the path is read from)
    message_zh: str
    message_en: str

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What identifies this result within a report, whatever the source lines: shape,
        constraint, focus, path, value (revision IRIs included; report_compare leaves them out)."""
        value = "" if self.value is None else self.value.n3()
        return (str(self.shape), str(self.constraint), str(self.focus), self.path or "", value)

    @property
    def value_text(self) -> str | None:
        """The value for people: "item N" for an item, a prefixed name, or the literal's text."""
        if self.value is None:
            return None
        if self.value_item is not None:
            at = f", line {self.value_line}" if self.value_line is not None else ""
            return f"item {self.value_item}{at}"
        return _short(self.value) if isinstance(self.value, URIRef) else str(self.value)

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "item": self.item,
            "line": self.line,
            "focus": str(self.focus),
            "shape": _short(self.shape),
            "constraint": _short(self.constraint),
            "path": self.path,
            "value": None if self.value is None else str(self.value),
            "value_item": self.value_item,
            "value_line": self.value_line,
            "message": {"zh": self.message_zh, "en": self.message_en},
        }


@dataclass(frozen=True)
class Report:
    """Every result of one validation, sorted by item, line and severity."""

    results: tuple[Result, ...]
    graph: Graph = field(repr=False, compare=False)  # the SHACL report with line annotations

    @property
    def conforms(self) -> bool:
        """True when there is no Violation (warnings and infos allowed)."""
        return self.count("Violation") == 0

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def by_item(self) -> dict[int | None, list[Result]]:
        """Results grouped by item number; None (catalogue-wide) comes last."""
        groups: dict[int | None, list[Result]] = {}
        for result in self.results:
            groups.setdefault(result.item, []).append(result)
        return groups

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "counts": {s: self.count(s) for s in SEVERITIES},
            "items": [
                {"item": item, "results": [r.to_json() for r in results]} for item, results in self.by_item().items()
            ],
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    def to_turtle(self) -> str:
        return self.graph.serialize(format="turtle")

    def with_results(self, extra: list[Result]) -> Report:
        """This report with `extra` results made elsewhere (the currency check's), in the
        SHACL report graph too; none may be a Violation (they come from no shape here)."""
        for result in extra:
            node = BNode()
            self.graph.add((node, RDF.type, SH.ValidationResult))
            self.graph.add((node, SH.resultSeverity, SH[result.severity]))
            self.graph.add((node, SH.focusNode, result.focus))
            self.graph.add((node, SH.sourceShape, result.shape))
            self.graph.add((node, SH.sourceConstraint, result.constraint))
            if result.value is not None:
                self.graph.add((node, SH.value, result.value))
            _annotate(self.graph, node, result)
        return Report(tuple(sorted((*self.results, *extra), key=_order)), self.graph)


def validate(data: Graph, shapes: Graph | None = None, inference: str = "none") -> Report:
    """Validate `data` (one revision's graph) and locate every result in the source."""
    shapes = load_shapes() if shapes is None else shapes
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference=inference,
        advanced=True,  # the SPARQL targets of the cross-node shapes
        allow_warnings=True,
        inplace=inference == "none",  # nothing is written to the data graph without inference
    )
    results = [_result(data, shapes, report, node) for node in report.subjects(RDF.type, SH.ValidationResult)]
    results.sort(key=_order)
    return Report(tuple(results), report)


def _result(data: Graph, shapes: Graph, report: Graph, node: Node) -> Result:
    focus = report.value(node, SH.focusNode)
    assert focus is not None  # SHACL: every result has a focus node
    service = _service_of(data, focus)
    shape = _iri(report.value(node, SH.sourceShape))
    constraint = _iri(report.value(node, SH.sourceConstraint) or report.value(node, SH.sourceConstraintComponent))
    value = report.value(node, SH.value)
    path = report.value(node, SH.resultPath)
    zh, en = _messages(shapes, constraint, shape, value)
    value_item = _number(data, value)
    result = Result(
        severity=_iri(report.value(node, SH.resultSeverity)).fragment,
        focus=focus,
        item=_number(data, service),
        line=_line(data, focus, service, path),
        shape=shape,
        constraint=constraint,
        path=None if path is None else path_text(report, path),
        value=value,
        value_item=value_item,
        value_line=None if value is None or value_item is None else _line(data, value, value, path),
        message_zh=zh,
        message_en=en,
    )
    _annotate(report, node, result)
    return result


def _annotate(report: Graph, node: Node, result: Result) -> None:
    """Put the result's item, line and both messages on its node in the SHACL report."""
    report.remove((node, SH.resultMessage, None))
    report.add((node, SH.resultMessage, Literal(result.message_zh, lang="zh")))
    report.add((node, SH.resultMessage, Literal(result.message_en, lang="en")))
    if result.item is not None:
        report.add((node, SGS.itemNumber, Literal(result.item)))
    if result.line is not None:
        report.add((node, SGS.line, Literal(result.line)))
    if result.value_line is not None:
        report.add((node, SGS.valueLine, Literal(result.value_line)))
    for prefix, namespace in PREFIXES.items():
        report.bind(prefix, namespace)
    report.bind("sh", SH)
    report.bind("sgs", SGS)


def _iri(term: Node | None) -> URIRef:
    """A result's severity, shape or constraint: an IRI in the shapes this project reads."""
    assert isinstance(term, URIRef), f"an IRI was expected in the validation report, not {term!r}"
    return term


def _service_of(data: Graph, node: Node) -> Node | None:
    """The service `node` is, or belongs to (participation, citation, fill-in type, row)."""
    if (node, SG.number, None) in data or (node, RDF.type, CPSV.PublicService) in data:
        return node
    for predicate in (*_OWNED_BY, PROV.wasDerivedFrom):
        for owner in data.subjects(predicate, node):
            if (owner, RDF.type, CPSV.PublicService) in data:
                return owner
    return None


def _number(data: Graph, node: Node | None) -> int | None:
    number = None if node is None else data.value(node, SG.number)
    return number.toPython() if isinstance(number, Literal) and isinstance(number.toPython(), int) else None


def _line(data: Graph, focus: Node, service: Node | None, path: Node | None) -> int | None:
    """`sg:line` of the focus node; else the line of the service's cell that `path` (or,
    for a fill-in type entry, the fill-in type) is read from; else the first line of the
    focus node's row, else of its item's row."""
    if service is not None and data.value(focus, SG.line) is None:
        predicate = path if focus == service else SG.fillType
        column = CELL_OF_PREDICATE.get(predicate) if isinstance(predicate, URIRef) else None
        if focus == service or (service, SG.fillType, focus) in data:
            line = _cell_line(data, service, column)
            if line is not None:
                return line
    for node in (focus, service):
        if node is None:
            continue
        found = data.value(node, SG.line)
        if found is None:
            row = data.value(node, PROV.wasDerivedFrom)
            found = None if row is None else data.value(row, SG.firstLine)
        if found is None and (None, PROV.wasDerivedFrom, node) in data:
            found = data.value(node, SG.firstLine)  # the focus is a row
        if isinstance(found, Literal) and isinstance(found.toPython(), int):
            return found.toPython()
    return None


def _cell_line(data: Graph, service: Node, column: str | None) -> int | None:
    """The line of the cell `column` of the service's source row."""
    row = data.value(service, PROV.wasDerivedFrom)
    if column is None or not isinstance(row, URIRef):
        return None
    line = data.value(iris.cell(row, column), SG.line)
    return line.toPython() if isinstance(line, Literal) else None


def _messages(shapes: Graph, constraint: Node, shape: Node, value: Node | None) -> tuple[str, str]:
    """The zh and en sh:message of the SPARQL constraint, else of the shape, with the
    result's value in place of `{?value}` / `{$value}`."""
    for node in (constraint, shape):
        texts = {m.language: str(m) for m in shapes.objects(node, SH.message) if isinstance(m, Literal)}
        if texts:
            filled = {lang: _VALUE_SLOT.sub(lambda _: str(value), text) for lang, text in texts.items()}
            return filled.get("zh", ""), filled.get("en", "")
    return "", ""


_VALUE_SLOT = re.compile(r"\{[?$]value\}")


def path_text(graph: Graph, path: Node) -> str:
    """A SHACL path as SPARQL property path text, with prefixed names."""
    if isinstance(path, URIRef):
        return _short(path)
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return "^" + path_text(graph, inverse)
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    for operator, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (inner := graph.value(path, operator)) is not None:
            return "(" + path_text(graph, inner) + ")" + suffix
    if isinstance(path, BNode) and (path, RDF.first, None) in graph:
        return "/".join(path_text(graph, p) for p in Collection(graph, path))
    return path.n3()


def _short(iri: URIRef) -> str:
    """`prefix:name` for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in (*PREFIXES.items(), ("sh", SH), ("sgs", SGS)):
        if str(iri).startswith(str(namespace)) and len(str(iri)) > len(str(namespace)):
            return f"{prefix}:{str(iri)[len(str(namespace)) :]}"
    return str(iri)


def _order(result: Result) -> tuple[Any, ...]:
    return (
        result.item is None,
        result.item or 0,
        result.line or 0,
        SEVERITIES.index(result.severity),
        result.key,
    )
