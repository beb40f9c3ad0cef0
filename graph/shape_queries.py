"""SHACL shapes compiled to SPARQL: one SELECT per shape over all its focus nodes at once.

Each query answers one row per result: `?this` (focus node), `?value`, `?component`
(the constraint component) or `?constraint` (an sh:sparql constraint), `?path` (that
constraint's path) and any variable its message names (`{?others}`). The compiler knows
the SHACL Core constraints our shapes use and SHACL-SPARQL constraints and targets; any
other construct raises `UnsupportedShape` when the shapes are compiled, so nothing is
silently left unchecked. graph/validate.py runs the queries and locates the results.

A shape's focus nodes can be narrowed by a graph pattern binding `?this` (validating
only some items): `ShapeQuery.text(focus)` puts it before the shape's targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node


class UnsupportedShape(ValueError):
    """A shape uses a SHACL construct this compiler does not translate."""


@dataclass(frozen=True, slots=True)
class ShapeQuery:
    """One shape as a query, with what its results need from the shape."""

    shape: URIRef
    severity: str  # Violation, Warning or Info
    path: Node | None  # the property shape's sh:path node in the shapes graph
    cross_node: bool  # targets selected by SPARQL (duplicates, gaps, references)
    other_targets: bool  # sh:targetNode or sh:targetSubjectsOf
    target_classes: tuple[URIRef, ...]
    target_objects_of: tuple[URIRef, ...]
    prefixes: str
    branches: tuple[str, ...]  # group patterns over `?this`, {TARGET} where the targets go
    targets: str  # the group pattern binding `?this` to every focus node
    variables: tuple[str, ...]  # extra variables the messages name

    def text(self, focus: str | None = None) -> str:
        """The query; `focus` (a group pattern binding `?this`) narrows the focus nodes."""
        target = self.targets if focus is None else f"{{ {focus} }} {self.targets}"
        union = "\n  UNION\n".join("  { " + b.replace("{TARGET}", target) + " }" for b in self.branches)
        extra = "".join(f" ?{v}" for v in self.variables)
        return f"{self.prefixes}SELECT DISTINCT ?this ?value ?component ?constraint ?path{extra} WHERE {{\n{union}\n}}"


_SHAPE_KEYS = {
    RDF.type, SH.message, SH.severity, SH.name, SH.description, SH.path, SH.targetClass,
    SH.targetObjectsOf, SH.targetSubjectsOf, SH.targetNode, SH.target, SH.sparql, SH.prefixes,
}  # fmt: skip
"""What a shape may say besides its constraints."""

_VALUE_COMPONENTS = {
    SH.datatype: SH.DatatypeConstraintComponent, SH["class"]: SH.ClassConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH["not"]: SH.NotConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH["and"]: SH.AndConstraintComponent,
}  # fmt: skip
"""Constraints checked on each value node alone."""

_COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_PAIRS = {SH.lessThanOrEquals: ("<=", SH.LessThanOrEqualsConstraintComponent),
          SH.lessThan: ("<", SH.LessThanConstraintComponent)}  # fmt: skip
_CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean, XSD.date, XSD.dateTime, XSD.string}
"""Datatypes whose literals are also checked to be well-formed (the value survives a cast)."""
_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({v})", SH.Literal: "isLiteral({v})", SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}  # fmt: skip
_MESSAGE_VARIABLE = re.compile(r"\{[?$](\w+)\}")
_DOLLAR = re.compile(r"\$(\w+)")


@cache
def compile_shapes(shapes: Graph, plain_types: bool = False) -> tuple[ShapeQuery, ...]:
    """Every shape of `shapes` as a query (compiled once per shapes graph and flag).

    With `plain_types`, `sh:targetClass`/`sh:class` match `rdf:type` alone: right when the
    data graph holds no `rdfs:subClassOf`, and cheaper than the path through it."""
    return tuple(_Compiler(shapes, plain_types).shape(s) for s in shape_nodes(shapes))


def shape_nodes(shapes: Graph) -> list[URIRef]:
    """The shapes that have targets, sorted by IRI (nested shapes are compiled inside them)."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for key in (SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf, SH.targetNode, SH.target):
        found |= set(shapes.subjects(key, None))
    for node in found:
        if not isinstance(node, URIRef):
            raise UnsupportedShape(f"a top-level shape must have an IRI, not {node!r}")
    return sorted(found, key=str)  # type: ignore[arg-type]


def messages(shapes: Graph, node: Node) -> dict[str, str]:
    """The sh:message texts of a shape or SPARQL constraint, by language."""
    return {m.language or "": str(m) for m in shapes.objects(node, SH.message) if isinstance(m, Literal)}


class _Compiler:
    def __init__(self, shapes: Graph, plain_types: bool) -> None:
        self.g = shapes
        self.type_path = "a" if plain_types else f"<{RDF.type}>/<{RDFS.subClassOf}>*"
        self.fresh = 0

    # ---- top level

    def shape(self, shape: URIRef) -> ShapeQuery:
        self.fresh = 0
        self.prefix_lines: dict[str, str] = {}
        self.variables: set[str] = set()
        self._check_keys(shape, top=True)
        path = self.g.value(shape, SH.path)
        severity = self.g.value(shape, SH.severity, default=SH.Violation)
        if not isinstance(severity, URIRef) or severity not in (SH.Violation, SH.Warning, SH.Info):
            raise UnsupportedShape(f"{shape}: severity {severity!r} is not sh:Violation, sh:Warning or sh:Info")
        targets = self._targets(shape)
        branches = [*self._constraints(shape, path), *self._sparql(shape, path)]
        if not branches:
            raise UnsupportedShape(f"{shape}: no constraint to check")
        for text in messages(self.g, shape).values():
            self.variables.update(v for v in _MESSAGE_VARIABLE.findall(text) if v != "value")
        return ShapeQuery(
            shape=shape, severity=severity.fragment, path=path,
            cross_node=(shape, SH.target, None) in self.g,
            other_targets=any((shape, k, None) in self.g for k in (SH.targetNode, SH.targetSubjectsOf)),
            target_classes=tuple(sorted(self._iris(shape, SH.targetClass), key=str)),
            target_objects_of=tuple(sorted(self._iris(shape, SH.targetObjectsOf), key=str)),
            prefixes="".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(self.prefix_lines.items())),
            branches=tuple(branches), targets=targets, variables=tuple(sorted(self.variables)),
        )  # fmt: skip

    def _check_keys(self, shape: Node, top: bool) -> None:
        """Refuse any sh: term (other than a known one) on `shape`."""
        known = _SHAPE_KEYS | set(_VALUE_COMPONENTS) | set(_PAIRS) | {SH.minCount, SH.maxCount, SH.hasValue}
        for predicate in set(self.g.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in known:
                raise UnsupportedShape(f"{shape}: {predicate} is not supported by graph/shape_queries.py")
        if not top and any((shape, k, None) in self.g for k in (SH.target, SH.sparql, SH.targetClass)):
            raise UnsupportedShape(f"{shape}: a nested shape with targets or SPARQL constraints is not supported")
        if top and (shape, RDF.type, RDFS.Class) in self.g:
            raise UnsupportedShape(f"{shape}: implicit class targets are not supported")

    def _iris(self, shape: Node, key: URIRef) -> list[URIRef]:
        values = list(self.g.objects(shape, key))
        for value in values:
            if not isinstance(value, URIRef):
                raise UnsupportedShape(f"{shape}: {key} must be an IRI, not {value!r}")
        return values  # type: ignore[return-value]

    def _targets(self, shape: URIRef) -> str:
        patterns = [f"?this {self.type_path} <{c}> ." for c in self._iris(shape, SH.targetClass)]
        patterns += [f"?any_ <{p}> ?this ." for p in self._iris(shape, SH.targetObjectsOf)]
        patterns += [f"?this <{p}> ?any_ ." for p in self._iris(shape, SH.targetSubjectsOf)]
        patterns += [f"{{ VALUES ?this {{ {_term(n)} }} }}" for n in self.g.objects(shape, SH.targetNode)]
        for target in self.g.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in self.g:
                raise UnsupportedShape(f"{shape}: only sh:SPARQLTarget targets are supported")
            select = self._select(target)
            patterns.append(f"{{ {select} }}")
        if not patterns:
            raise UnsupportedShape(f"{shape}: no target")
        if len(patterns) == 1:
            return patterns[0]  # a triple pattern joins with a narrowing pattern before it by index
        return "{ " + " UNION ".join(f"{{ {p} }}" for p in patterns) + " }"

    def _select(self, node: Node) -> str:
        """The sh:select of a SPARQL target or constraint, its prefixes declared, `$x` as `?x`."""
        text = str(self.g.value(node, SH.select) or "")
        if not text.strip():
            raise UnsupportedShape(f"{node}: no sh:select")
        for name in _DOLLAR.findall(text):
            if name != "this":
                raise UnsupportedShape(f"{node}: the pre-bound variable ${name} is not supported")
        for ontology in self.g.objects(node, SH.prefixes):
            for declaration in self.g.objects(ontology, SH.declare):
                prefix, namespace = self.g.value(declaration, SH.prefix), self.g.value(declaration, SH.namespace)
                self.prefix_lines[str(prefix)] = str(namespace)
        return _DOLLAR.sub(r"?\1", text)

    # ---- constraints of a shape (each a branch of the query's UNION)

    def _constraints(self, shape: URIRef, path: Node | None) -> list[str]:
        if path is None:
            bind = "BIND (?this AS ?value) "
            return [
                f"{{TARGET}} {bind}FILTER ({self._violates(key, obj, '?value')}) BIND (<{c}> AS ?component)"
                for key, c in _VALUE_COMPONENTS.items()
                for obj in self.g.objects(shape, key)
            ] + self._node_only(shape)
        p = self.path(path)
        branches = self._counts(shape, p)
        for key, component in _VALUE_COMPONENTS.items():
            for obj in self.g.objects(shape, key):
                test = self._violates(key, obj, "?value")
                branches.append(f"{{TARGET}} ?this {p} ?value . FILTER ({test}) BIND (<{component}> AS ?component)")
        for value in self.g.objects(shape, SH.hasValue):
            branches.append(
                f"{{TARGET}} FILTER NOT EXISTS {{ ?this {p} {_term(value)} }} "
                f"BIND (<{SH.HasValueConstraintComponent}> AS ?component)"
            )
        for key, (operator, component) in _PAIRS.items():
            for other in self._iris(shape, key):
                branches.append(
                    f"{{TARGET}} ?this {p} ?value . ?this <{other}> ?other_ . "
                    f"FILTER (!COALESCE(?value {operator} ?other_, false)) BIND (<{component}> AS ?component)"
                )
        return branches

    def _node_only(self, shape: Node) -> list[str]:
        """Node shapes: hasValue on the focus node; counts and pairs need a path."""
        for key in (SH.minCount, SH.maxCount, *_PAIRS):
            if (shape, key, None) in self.g:
                raise UnsupportedShape(f"{shape}: {key} needs sh:path")
        return [
            f"{{TARGET}} FILTER (!sameTerm(?this, {_term(v)})) BIND (<{SH.HasValueConstraintComponent}> AS ?component)"
            for v in self.g.objects(shape, SH.hasValue)
        ]

    def _counts(self, shape: URIRef, p: str) -> list[str]:
        """The count branch (DISTINCT: a focus node may be reached by its target more than once)."""
        low, high = self._count(shape, SH.minCount), self._count(shape, SH.maxCount)
        if low is None and high is None:
            return []
        if low == 1 and high is None:  # cheaper than counting (MINUS: ~4× faster than NOT EXISTS at 100×)
            component = f"<{SH.MinCountConstraintComponent}>"
            return [f"{{TARGET}} MINUS {{ ?this {p} ?v_ }} BIND ({component} AS ?component)"]
        tests = ([f"?count_ < {low}"] if low is not None else []) + ([f"?count_ > {high}"] if high is not None else [])
        component = (
            f"<{SH.MinCountConstraintComponent}>" if high is None
            else f"<{SH.MaxCountConstraintComponent}>" if low is None
            else f"IF(?count_ < {low}, <{SH.MinCountConstraintComponent}>, <{SH.MaxCountConstraintComponent}>)"
        )  # fmt: skip
        count = "COUNT(DISTINCT ?v_)"
        return [
            f"{{ SELECT ?this ({count} AS ?count_) WHERE {{ {{TARGET}} OPTIONAL {{ ?this {p} ?v_ }} }} "
            f"GROUP BY ?this }} FILTER ({' || '.join(tests)}) BIND ({component} AS ?component)"
        ]

    def _count(self, shape: Node, key: URIRef) -> int | None:
        """The integer of `key` on `shape` (or `shape` itself when it is a literal)."""
        value = shape if isinstance(shape, Literal) else self.g.value(shape, key)
        if value is None:
            return None
        if not (isinstance(value, Literal) and isinstance(value.toPython(), int)):
            raise UnsupportedShape(f"{shape}: {key} must be an integer")
        return int(value.toPython())

    def _sparql(self, shape: URIRef, path: Node | None) -> list[str]:
        branches = []
        for constraint in self.g.objects(shape, SH.sparql):
            if not isinstance(constraint, URIRef):
                raise UnsupportedShape(f"{shape}: an sh:sparql constraint must have an IRI")
            if path is not None:
                raise UnsupportedShape(f"{shape}: SPARQL constraints on property shapes ($PATH) are not supported")
            for text in messages(self.g, constraint).values():
                self.variables.update(v for v in _MESSAGE_VARIABLE.findall(text) if v != "value")
            select = self._select(constraint)
            branches.append(f"{{TARGET}} {{ {select} }} BIND (<{constraint}> AS ?constraint)")
        return branches

    # ---- value tests: a SPARQL expression true when the node in `v` violates the constraint

    def _violates(self, key: URIRef, obj: Node, v: str) -> str:
        if key == SH.datatype:
            return self._datatype(obj, v)
        if key == SH["class"]:
            return f"NOT EXISTS {{ {v} {self.type_path} {_term(obj)} }}"
        if key == SH["in"]:
            members = list(Collection(self.g, obj))
            return "!(" + (" || ".join(f"sameTerm({v}, {_term(m)})" for m in members) or "false") + ")"
        if key in (SH.minLength, SH.maxLength):
            operator = "<" if key == SH.minLength else ">"
            return f"(isBlank({v}) || STRLEN(STR({v})) {operator} {self._count(obj, key)})"
        if key == SH.pattern:
            return f"(isBlank({v}) || !REGEX(STR({v}), {_term(Literal(str(obj)))}))"
        if key in _COMPARISONS:
            return f"!COALESCE({v} {_COMPARISONS[key]} {_term(obj)}, false)"
        if key == SH.nodeKind:
            kind = _NODE_KINDS.get(obj)
            if kind is None:
                raise UnsupportedShape(f"sh:nodeKind {obj!r} is not a node kind")
            return "!" + kind.format(v=v)
        if key == SH["not"]:
            return f"!({self._nonconforming(obj, v)})"
        shapes = list(Collection(self.g, obj))
        tests = [self._nonconforming(s, v) for s in shapes]
        return "(" + (" && " if key == SH["or"] else " || ").join(tests) + ")"

    def _datatype(self, datatype: Node, v: str) -> str:
        if datatype == RDF.langString:
            return f'!(isLiteral({v}) && LANG({v}) != "")'
        well_formed = f" && COALESCE(sameTerm(<{datatype}>(STR({v})), {v}), false)" if datatype in _CASTABLE else ""
        return f"!(isLiteral({v}) && DATATYPE({v}) = {_term(datatype)}{well_formed})"

    def _nonconforming(self, shape: Node, v: str) -> str:
        """True when the node in `v` does not conform to the nested `shape`."""
        self._check_keys(shape, top=False)
        path = self.g.value(shape, SH.path)
        if path is None:
            self._node_only(shape)
            tests = [self._violates(key, obj, v) for key in _VALUE_COMPONENTS for obj in self.g.objects(shape, key)]
            tests += [f"!sameTerm({v}, {_term(x)})" for x in self.g.objects(shape, SH.hasValue)]
        else:
            tests = self._nested_property(shape, self.path(path), v)
        if not tests:
            raise UnsupportedShape(f"{shape}: a nested shape with no constraint")
        return "(" + " || ".join(tests) + ")"

    def _nested_property(self, shape: Node, p: str, v: str) -> list[str]:
        self.fresh += 1
        y = f"?y{self.fresh}_"
        tests = [
            f"EXISTS {{ {v} {p} {y} FILTER ({self._violates(key, obj, y)}) }}"
            for key in _VALUE_COMPONENTS
            for obj in self.g.objects(shape, key)
        ]
        tests += [f"NOT EXISTS {{ {v} {p} {_term(x)} }}" for x in self.g.objects(shape, SH.hasValue)]
        low, high = self._count(shape, SH.minCount), self._count(shape, SH.maxCount)
        if low is not None:
            if low > 1:
                raise UnsupportedShape(f"{shape}: a nested sh:minCount above 1 is not supported")
            tests += [f"NOT EXISTS {{ {v} {p} {y} }}"] if low == 1 else []
        if high is not None:
            if high > 1:
                raise UnsupportedShape(f"{shape}: a nested sh:maxCount above 1 is not supported")
            other = f"?z{self.fresh}_"
            tests += [f"EXISTS {{ {v} {p} {y} }}"] if high == 0 else [
                f"EXISTS {{ {v} {p} {y} . {v} {p} {other} FILTER (!sameTerm({y}, {other})) }}"
            ]  # fmt: skip
        if any((shape, k, None) in self.g for k in _PAIRS):
            raise UnsupportedShape(f"{shape}: nested property pair constraints are not supported")
        return tests

    def path(self, path: Node) -> str:
        """A SHACL path as a SPARQL property path with full IRIs."""
        if isinstance(path, URIRef):
            return f"<{path}>"
        if (inverse := self.g.value(path, SH.inversePath)) is not None:
            return f"^({self.path(inverse)})"
        if (alternatives := self.g.value(path, SH.alternativePath)) is not None:
            return "(" + "|".join(self.path(p) for p in Collection(self.g, alternatives)) + ")"
        for operator, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            if (inner := self.g.value(path, operator)) is not None:
                return f"({self.path(inner)}){suffix}"
        if isinstance(path, BNode) and (path, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(p) for p in Collection(self.g, path)) + ")"
        raise UnsupportedShape(f"the path {path!r} is not a SHACL path")


def _term(node: Node) -> str:
    """A constant term in SPARQL syntax."""
    if isinstance(node, URIRef | Literal):
        return node.n3()
    raise UnsupportedShape(f"{node!r} cannot be written in a query")
