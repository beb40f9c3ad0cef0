"""Validate a catalogue graph against `shapes/servicegraph.ttl` and report typed results.

Each result names its severity, focus node, the item it concerns, the source line of the
focus node (for a service, of the cell its path is read from), the shape and constraint,
path, value (for an item, with its line) and the shape's message in zh and en, its
`{?value}` filled in.
Comparing two revisions' reports is graph/report_compare.py.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from servicegraph.graph import iris, ntriples
from servicegraph.graph.build import CELL_OF_PREDICATE
from servicegraph.graph.namespaces import CPSV, CV, PREFIXES, PROV, SG, SGS
from servicegraph.graph.shape_queries import ShapeQuery, compile_shapes, messages

SHAPES = resources.files("servicegraph.shapes") / "servicegraph.ttl"

SEVERITIES = ("Violation", "Warning", "Info")
_OWNED_BY = (CV.hasParticipation, CPSV.follows, SG.fillType)
"""Predicates from a service to the nodes that belong to it alone."""
_THREADS = os.cpu_count() or 1
"""The shapes' queries run this many at a time."""


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
    shapes: Graph = field(repr=False, compare=False)  # the shapes the results come from

    @cached_property
    def graph(self) -> Graph:
        """The SHACL validation report, each result with its item, lines and messages
        (made when asked for: it costs more than the validation)."""
        return _report_graph(self.shapes, self.results)

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
        """This report with `extra` results made elsewhere: the currency check's (never a
        Violation: they come from no shape here), or those carried from a parent's report."""
        return Report(tuple(sorted((*self.results, *extra), key=_order)), self.shapes)


def validate(data: Graph, shapes: Graph | None = None, items: Iterable[int] | None = None) -> Report:
    """Validate `data` (one revision's graph), copied into an in-memory store; `items` as
    `validate_store`'s."""
    store = ox.Store()
    name = ox.NamedNode(str(data.identifier)) if isinstance(data.identifier, URIRef) else None
    graph = ox.DefaultGraph() if name is None else name
    store.bulk_extend(ox.Quad(_ox(s), _ox(p), _ox(o), graph) for s, p, o in data)  # type: ignore[arg-type]
    return validate_store(store, name, items=items, shapes=shapes)


def loaded(triples: Iterable[tuple[Node, Node, Node]]) -> ox.Store:
    """An in-memory store holding `triples` (the builder's stream) in its default graph."""
    store = ox.Store()
    ntriples.load(store, ntriples.lines(triples))
    return store


def validate_store(
    store: ox.Store,
    graph_name: ox.NamedNode | None,
    items: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    shapes: Graph | None = None,
) -> Report:
    """Validate the catalogue in `graph_name` of `store` (None: the default graph).

    With `items` (item numbers), the shapes over an item's own nodes (service, levels,
    citations, fill-in types, source row) check only those items' nodes; the shapes over
    shared nodes and the cross-item shapes check the whole graph. `progress(done, total)`
    is called after each query."""
    shapes = load_shapes() if shapes is None else shapes
    graph = ox.DefaultGraph() if graph_name is None else graph_name
    plain = not any(store.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None, graph))
    queries = compile_shapes(shapes, plain)
    focus = None if items is None else _focus_of(store, graph, items)

    def answer(query: ShapeQuery) -> list[ox.QuerySolution]:
        return list(_select(store, query.text(focus if item_bound(query) else None), graph))

    rows: list[tuple[ShapeQuery, Any]] = []
    with ThreadPoolExecutor(max_workers=_THREADS) as threads:  # pyoxigraph lets go of the GIL while it evaluates
        for done, (query, answered) in enumerate(zip(queries, threads.map(answer, queries), strict=True), 1):
            rows += [(query, row) for row in answered]
            if progress is not None:
                progress(done, len(queries) + 1)
    results = _Locator(store, graph).results(shapes, rows)
    if progress is not None:
        progress(len(queries) + 1, len(queries) + 1)
    results.sort(key=_order)
    return Report(tuple(results), shapes)


_ITEM_CLASSES = {CPSV.PublicService, CV.Participation, SG.Citation, SG.FillTypeEntry}
"""The classes of the nodes that belong to one item (graph.build mints them per item)."""


def item_bound(query: ShapeQuery) -> bool:
    """True when every focus node of `query` is a node of one item."""
    targets = (*query.target_classes, *query.target_objects_of)
    return (
        not query.cross_node
        and not query.other_targets
        and bool(targets)
        and set(query.target_classes) <= _ITEM_CLASSES
        and set(query.target_objects_of) <= {PROV.wasDerivedFrom}
    )


def _focus_of(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph, items: Iterable[int]) -> str:
    """`VALUES ?this` of the services numbered `items` and the nodes they own: constants,
    so each shape's query reaches their triples by index (a pattern would be joined late)."""
    values = f"VALUES ?item_ {{ {' '.join(str(int(n)) for n in sorted(set(items)))} }}"
    owned = "|".join(f"<{p}>" for p in (*_OWNED_BY, PROV.wasDerivedFrom))
    text = (
        f"SELECT DISTINCT ?this WHERE {{ {{ {values} ?this <{SG.number}> ?item_ }} UNION "
        f"{{ {values} ?service_ <{SG.number}> ?item_ ; a <{CPSV.PublicService}> ; {owned} ?this }} }}"
    )
    nodes = [_rdf(row["this"]) for row in _select(store, text, graph)]
    if any(isinstance(n, BNode) for n in nodes):
        raise ValueError("validating some items needs their nodes to have IRIs, not blank nodes")
    return f"VALUES ?this {{ {' '.join(n.n3() for n in nodes if n is not None)} }}"


@dataclass(slots=True)
class _Node:
    """What locating a result needs to know of one node."""

    number: Node | None = None  # sg:number
    service: bool = False  # a cpsv:PublicService
    line: Node | None = None  # sg:line
    row_first: Node | None = None  # sg:firstLine of the row it derives from
    row: Node | None = None
    own_first: Node | None = None  # its own sg:firstLine when it is a row
    owners: dict[URIRef, URIRef] = field(default_factory=dict)  # predicate -> service


_OWNERS = (*_OWNED_BY, PROV.wasDerivedFrom)
_SERVICE = CPSV.PublicService
_LOCATE = f"""SELECT * WHERE {{
  VALUES ?node {{ NODES }}
  OPTIONAL {{ ?node <{SG.number}> ?number }}
  OPTIONAL {{ ?node a <{CPSV.PublicService}> BIND (true AS ?service) }}
  OPTIONAL {{ ?node <{SG.line}> ?line }}
  OPTIONAL {{ ?node <{PROV.wasDerivedFrom}> ?row OPTIONAL {{ ?row <{SG.firstLine}> ?rowFirst }} }}
  OPTIONAL {{ ?node <{SG.firstLine}> ?ownFirst FILTER EXISTS {{ ?derived <{PROV.wasDerivedFrom}> ?node }} }}
  {" ".join(f"OPTIONAL {{ ?owner{i} <{p}> ?node . ?owner{i} a <{_SERVICE}> }}" for i, p in enumerate(_OWNERS))}
}}"""
"""Per node: its number, type, line, row and first line, and the services it belongs to
(one predicate at a time: a variable predicate would be looked up without the node)."""


def _select(store: ox.Store, text: str, graph: ox.NamedNode | ox.DefaultGraph) -> ox.QuerySolutions:
    solutions = store.query(text, default_graph=graph)
    assert isinstance(solutions, ox.QuerySolutions)  # a SELECT
    return solutions


_CELL_LINES = f"SELECT ?cell ?line WHERE {{ VALUES ?cell {{ NODES }} ?cell <{SG.line}> ?line }}"
_CHUNK = 1000


class _Locator:
    """Items and source lines of results, found by a few queries over all of them."""

    def __init__(self, store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> None:
        self.store, self.graph = store, graph
        self.nodes: dict[Node, _Node] = {}
        self.cells: dict[URIRef, Node] = {}

    def results(self, shapes: Graph, rows: list[tuple[ShapeQuery, Any]]) -> list[Result]:
        found = [_Found(shapes, query, row) for query, row in rows]
        self._learn({f.focus for f in found} | {f.value for f in found if isinstance(f.value, URIRef)})
        self._learn({s for n in list(self.nodes.values()) for s in n.owners.values()})
        self._learn_cells({cell for f in found for cell in self._cells_for(f)})
        return [self._result(shapes, f) for f in found]

    def _query(self, template: str, nodes: set[Node]) -> Iterable[Any]:
        listed = sorted((n for n in nodes if isinstance(n, URIRef | Literal)), key=str)
        for at in range(0, len(listed), _CHUNK):
            text = template.replace("NODES", " ".join(n.n3() for n in listed[at : at + _CHUNK]))
            yield from _select(self.store, text, self.graph)

    def _learn(self, nodes: set[Node]) -> None:
        for row in self._query(_LOCATE, nodes - self.nodes.keys()):
            node = _rdf(row["node"])
            assert node is not None  # bound by VALUES
            info = self.nodes.setdefault(node, _Node())
            number, line, row_node = _rdf(row["number"]), _rdf(row["line"]), _rdf(row["row"])
            info.number = info.number if number is None else number
            info.service = info.service or row["service"] is not None
            info.line = info.line if line is None else line
            info.row = info.row if row_node is None else row_node
            info.row_first = info.row_first or _rdf(row["rowFirst"])
            info.own_first = info.own_first or _rdf(row["ownFirst"])
            for at, predicate in enumerate(_OWNERS):
                if (owner := _rdf(row[f"owner{at}"])) is not None:
                    info.owners.setdefault(predicate, owner)  # type: ignore[arg-type]
        for node in nodes:
            self.nodes.setdefault(node, _Node())

    def _learn_cells(self, cells: set[URIRef]) -> None:
        for row in self._query(_CELL_LINES, set(cells)):
            self.cells[_rdf(row["cell"])] = _rdf(row["line"])  # type: ignore[index, assignment]

    def _service_of(self, node: Node) -> Node | None:
        """The service `node` is, or belongs to (participation, citation, fill-in type, row)."""
        info = self.nodes[node]
        if info.number is not None or info.service:
            return node
        return next((info.owners[p] for p in _OWNERS if p in info.owners), None)

    def _number(self, node: Node | None) -> int | None:
        return None if node is None or node not in self.nodes else _int(self.nodes[node].number)

    def _cell(self, focus: Node, service: Node | None, path: Node | None) -> URIRef | None:
        """The cell whose line locates `focus` (when it has no line of its own), if any."""
        if service is None or self.nodes[focus].line is not None:
            return None
        predicate = path if focus == service else SG.fillType
        column = CELL_OF_PREDICATE.get(predicate) if isinstance(predicate, URIRef) else None
        owned = focus == service or self.nodes[focus].owners.get(SG.fillType) == service
        row = self.nodes[service].row if service in self.nodes else None
        return iris.cell(row, column) if owned and column is not None and isinstance(row, URIRef) else None

    def _cells_for(self, found: _Found) -> list[URIRef]:
        cells = [self._cell(found.focus, self._service_of(found.focus), found.path_node)]
        if self._number(found.value) is not None:
            cells.append(self._cell(found.value, found.value, found.path_node))  # type: ignore[arg-type]
        return [c for c in cells if c is not None]

    def _line(self, focus: Node, service: Node | None, path: Node | None) -> int | None:
        """The line of the focus node's cell `path` is read from, else `sg:line` of the
        focus node, else the first line of its row (or its own, for a row), else the
        same for its item."""
        cell = self._cell(focus, service, path)
        if cell is not None and (line := _int(self.cells.get(cell))) is not None:
            return line
        for node in (focus, service):
            if node is None:
                continue
            info = self.nodes[node]
            found = next((t for t in (info.line, info.row_first, info.own_first) if t is not None), None)
            if _int(found) is not None:
                return _int(found)
        return None

    def _result(self, shapes: Graph, found: _Found) -> Result:
        service = self._service_of(found.focus)
        value_item = self._number(found.value)
        zh, en = found.messages(shapes)
        return Result(
            severity=found.query.severity, focus=found.focus, item=self._number(service),
            line=self._line(found.focus, service, found.path_node), shape=found.query.shape,
            constraint=found.constraint, path=found.path, value=found.value, value_item=value_item,
            value_line=None if value_item is None else self._line(found.value, found.value, found.path_node),  # type: ignore[arg-type]
            message_zh=zh, message_en=en,
        )  # fmt: skip


class _Found:
    """One row of a shape's query, as rdflib terms."""

    def __init__(self, shapes: Graph, query: ShapeQuery, row: Any) -> None:
        self.query = query
        self.focus: Node = _rdf(row["this"])  # type: ignore[assignment]
        constraint = _rdf(row["constraint"])
        self.sparql = constraint is not None
        self.constraint: URIRef = constraint or _rdf(row["component"])  # type: ignore[assignment]
        value = _rdf(row["value"])
        self.value = self.focus if value is None and self.sparql and query.path is None else value
        path = _rdf(row["path"])
        self.path_node: Node | None = path if path is not None else query.path
        self.bindings = {v: _rdf(row[v]) for v in query.variables}
        complex_path = query.path is not None and not isinstance(query.path, URIRef)
        self.complex_path = path_text(shapes, query.path) if complex_path else None  # type: ignore[arg-type]

    @property
    def path(self) -> str | None:
        if self.path_node is None:
            return None
        return _short(self.path_node) if isinstance(self.path_node, URIRef) else self.complex_path

    def messages(self, shapes: Graph) -> tuple[str, str]:
        """The zh and en sh:message of the SPARQL constraint, else of the shape, with the
        result's value in place of `{?value}` / `{$value}` and the row's other variables."""
        values = {**self.bindings, "value": self.value}
        for node in (self.constraint, self.query.shape):
            texts = messages(shapes, node)
            if texts:
                filled = {
                    lang: _MESSAGE_SLOT.sub(lambda m: str(values.get(m[1])), text) for lang, text in texts.items()
                }
                return filled.get("zh", ""), filled.get("en", "")
        return "", ""


_MESSAGE_SLOT = re.compile(r"\{[?$](\w+)\}")


def _report_graph(shapes: Graph, results: Iterable[Result]) -> Graph:
    """The SHACL validation report of `results`, each annotated with its item, lines and messages."""
    report = Graph()
    for prefix, namespace in (*PREFIXES.items(), ("sh", SH), ("sgs", SGS)):
        report.bind(prefix, namespace)
    top = BNode()
    triples: list[tuple[Node, Node, Node]] = [(top, RDF.type, SH.ValidationReport)]
    conforms = True
    paths: dict[URIRef, Node] = {}
    for result in results:
        conforms = conforms and result.severity != "Violation"
        node = BNode()
        triples += [
            (top, SH.result, node),
            (node, RDF.type, SH.ValidationResult),
            (node, SH.resultSeverity, SH[result.severity]),
            (node, SH.focusNode, result.focus),
            (node, SH.sourceShape, result.shape),
            (node, SH.sourceConstraint if _sparql(shapes, result.constraint) else SH.sourceConstraintComponent,
             result.constraint),
            (node, SH.resultMessage, Literal(result.message_zh, lang="zh")),
            (node, SH.resultMessage, Literal(result.message_en, lang="en")),
        ]  # fmt: skip
        if result.value is not None:
            triples.append((node, SH.value, result.value))
        if result.path is not None:
            triples.append((node, SH.resultPath, _path_node(shapes, report, result, paths)))
        for predicate, number in ((SGS.itemNumber, result.item), (SGS.line, result.line),
                                  (SGS.valueLine, result.value_line)):  # fmt: skip
            if number is not None:
                triples.append((node, predicate, Literal(number)))
    triples.append((top, SH.conforms, Literal(conforms)))
    report.addN((s, p, o, report) for s, p, o in triples)
    return report


def _sparql(shapes: Graph, constraint: URIRef) -> bool:
    """True for a SPARQL constraint (or another check's own IRI), not a constraint component."""
    return not str(constraint).startswith(str(SH)) or (constraint, RDF.type, SH.SPARQLConstraint) in shapes


def _path_node(shapes: Graph, report: Graph, result: Result, paths: dict[URIRef, Node]) -> Node:
    """The result's path in `report`: an IRI, or the shape's path copied once."""
    path = shapes.value(result.shape, SH.path)
    if path is None or isinstance(path, URIRef) or path_text(shapes, path) != result.path:
        return _expand(result.path)  # type: ignore[arg-type]
    if result.shape not in paths:
        for triple in _closure(shapes, path):
            report.add(triple)
        paths[result.shape] = path
    return paths[result.shape]


def _closure(graph: Graph, node: Node) -> Iterator[tuple[Node, Node, Node]]:
    """The triples about blank node `node` and the blank nodes it leads to."""
    for p, o in graph.predicate_objects(node):
        yield node, p, o
        if isinstance(o, BNode):
            yield from _closure(graph, o)


def _expand(short: str) -> URIRef:
    """The IRI of a prefixed name written by `_short`."""
    prefix, _, name = short.partition(":")
    namespaces = {**PREFIXES, "sh": SH, "sgs": SGS}
    return URIRef(str(namespaces[prefix]) + name) if prefix in namespaces else URIRef(short)


_INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.positiveInteger,
             XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
             XSD.unsignedByte}  # fmt: skip


def _int(term: Node | None) -> int | None:
    """The integer a literal stands for, else None."""
    value = term.toPython() if isinstance(term, Literal) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _rdf(term: Any) -> Node | None:
    """A pyoxigraph term (or None) as an rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == str(XSD.string) else Literal(term.value, datatype=URIRef(datatype))


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal), term
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


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
