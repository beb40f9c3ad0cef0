"""Status facts → the status layer: its own named graph `{base}status` (docs/model.md).

A fact names its document as cited (any spelling: the identity rules of graph/statutes.py
decide, so variant titles agree) or by its key. `DocumentIndex` knows the documents a
catalogue cites; a fact about any other document, or whose replacement is no document,
is refused with its line. The graph is validated by shapes/status.ttl.

What the layer holds, per fact: a `sg:StatusFact` with its document, event, date,
replacing (or amending) document, source and provenance (the file and line), and each
provision change; per document, ELI's own terms (`eli:in_force`,
`eli:date_no_longer_in_force`, `eli:repealed_by`/`eli:repeals`, `eli:amended_by`/`eli:amends`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from servicegraph.graph import iris
from servicegraph.graph.iris import Minter, key
from servicegraph.graph.namespaces import DCTERMS as DCT
from servicegraph.graph.namespaces import ELI, PREFIXES, PROV, RDF, RDFS, SG, SKOS
from servicegraph.graph.statutes import (
    Document,
    Spelling,
    clean_title,
    document_identity,
    document_type,
    merges_with,
    parse_issuing_number,
    provision_label,
)
from servicegraph.graph.validate import validate
from servicegraph.loaders.status import DocumentRef, Problem, StatusError, StatusRow, StatusTable, shipped_status

SHAPES = resources.files("servicegraph.shapes") / "status.ttl"

EVENT_CONCEPTS = {"in-force": SG.inForce, "amended": SG.amended, "replaced": SG.replaced, "repealed": SG.repealed}
CHANGE_CONCEPTS = {"renumbered": SG.renumbered, "merged": SG.merged, "deleted": SG.deleted}
CONCEPT_NAMES = {str(concept): name for name, concept in {**EVENT_CONCEPTS, **CHANGE_CONCEPTS}.items()}
"""An event's or provision change's concept IRI → its name in status files (loaders/status.py)."""
ENDED = ("replaced", "repealed")
"""Events after which a document is no longer in force."""

IN_FORCE = ELI["InForce-inForce"]
NOT_IN_FORCE = ELI["InForce-notInForce"]


def status_graph_iri(base: str) -> URIRef:
    return URIRef(f"{base}status")


@dataclass(frozen=True, slots=True)
class CitedDocument:
    """A document the catalogue cites: its IRI, every title it is cited under, its number."""

    iri: URIRef
    titles: tuple[str, ...]
    doc_number: str | None


class DocumentIndex:
    """Finds the cited document a fact names, by key or by the statutes' identity rules."""

    def __init__(self, documents: Iterable[CitedDocument], base: str) -> None:
        self.documents = list(documents)
        self.base = base
        self._by_key = {str(d.iri).removeprefix(f"{base}legal/"): d for d in self.documents}
        self._spellings: list[Spelling] = []
        self._owners: list[CitedDocument] = []
        for d in self.documents:
            for title in d.titles:
                self._spellings.append(Spelling(title, d.doc_number, 0))
                self._owners.append(d)

    @classmethod
    def from_graph(cls, graph: Graph, base: str) -> DocumentIndex:
        """The documents of a catalogue's graph (`build_graph`): legal resources that are no provision."""
        documents = []
        for doc in graph.subjects(RDF.type, ELI.LegalResource):
            if (doc, RDF.type, ELI.LegalResourceSubdivision) in graph or not isinstance(doc, URIRef):
                continue
            titles = [str(t) for t in graph.objects(doc, DCT.title)] + sorted(
                map(str, graph.objects(doc, SKOS.altLabel))
            )
            number = graph.value(doc, ELI.id_local)
            documents.append(CitedDocument(doc, tuple(titles), None if number is None else str(number)))
        return cls(sorted(documents, key=lambda d: str(d.iri)), base)

    @classmethod
    def of(cls, documents: Iterable[tuple[URIRef, Document]], base: str) -> DocumentIndex:
        """The documents a catalogue cites, with their IRIs (`CatalogueTriples.documents`):
        the same index `from_graph` reads from their triples."""
        cited = [
            CitedDocument(iri, (doc.title, *sorted(doc.alt_labels)), doc.number.text if doc.number else None)
            for iri, doc in documents
        ]
        return cls(sorted(cited, key=lambda d: str(d.iri)), base)

    def find(self, ref: DocumentRef) -> CitedDocument | None:
        """The cited document `ref` names; None when it names none (or two)."""
        if ref.text in self._by_key:
            return self._by_key[ref.text]
        probe = Spelling(ref.title, ref.doc_number, 0)
        owners = {id(self._owners[j]): self._owners[j] for j, _ in merges_with(self._spellings, probe)}
        return next(iter(owners.values())) if len(owners) == 1 else None

    def type_triples(self) -> list[tuple[URIRef, URIRef, URIRef]]:
        """What the status shapes need to know of the cited documents: that they are documents."""
        return [(d.iri, RDF.type, ELI.LegalResource) for d in self.documents]


def status_layer(catalogue: Graph, tables: Sequence[StatusTable] | None, base: str) -> Graph:
    """The status layer over a catalogue's graph (`status_layer_of` its documents)."""
    return status_layer_of(DocumentIndex.from_graph(catalogue, base), tables)


def status_layer_of(index: DocumentIndex, tables: Sequence[StatusTable] | None) -> Graph:
    """The status layer over a catalogue's documents: of `tables`, or (None) of the shipped
    table's facts about documents this catalogue cites (it speaks of national law that
    any catalogue may or may not cite)."""
    return build_status_graph([shipped_for(index)] if tables is None else tables, index)


def shipped_for(index: DocumentIndex) -> StatusTable:
    """The shipped table's facts about the documents of `index`."""
    shipped = shipped_status()
    return replace(shipped, rows=tuple(r for r in shipped.rows if index.find(r.document) is not None))


def build_status_graph(tables: Sequence[StatusTable], index: DocumentIndex) -> Graph:
    """The status layer of `tables` over the documents of `index`; `StatusError` (every bad
    row with its file and line) when a fact names an unknown document or a replacement
    that is no document, or the layer breaks its shapes. Nothing is built then."""
    builder = _Builder(index)
    for table in tables:
        builder.table(table)
    graph = builder.graph
    for table in tables:
        if table.source in builder.problems:
            raise StatusError(table.source, builder.problems[table.source])
    _check_shapes(graph, index, tables)
    return with_document_states(graph)


class _Builder:
    def __init__(self, index: DocumentIndex) -> None:
        self.index = index
        self.minter = Minter(index.base, "0" * 12)  # mints documents only: no revision here
        self.graph = Graph(identifier=status_graph_iri(index.base))
        for prefix, ns in PREFIXES.items():
            self.graph.bind(prefix, ns)
        self.problems: dict[str, list[Problem]] = {}
        self.titles: dict[URIRef, str] = {}

    def add(self, *triple: object) -> None:
        self.graph.add(triple)  # type: ignore[arg-type]

    def table(self, table: StatusTable) -> None:
        file = URIRef(f"{self.index.base}status/file/{table.sha256[:12]}")
        self.add(file, RDF.type, SG.StatusFile)
        self.add(file, RDF.type, PROV.Entity)
        self.add(file, DCT.source, Literal(table.source.rsplit("/", 1)[-1]))
        self.add(file, SG.sha256, Literal(table.sha256))
        for row in table.rows:
            problems = self.row(row, file)
            if problems:
                self.problems.setdefault(table.source, []).extend(problems)

    def row(self, row: StatusRow, file: URIRef) -> list[Problem]:
        document = self.index.find(row.document)
        if document is None:
            return [
                Problem(
                    row.line,
                    f"目录未引用文件“{row.document.text}”（或其名称对应多个文件）",
                    f"the catalogue cites no document {row.document.text!r} (or the name fits several)",
                )
            ]
        replacement = None
        if row.replacement is not None:
            replacement = self.replacement(row.replacement, document)
            if replacement is None:
                return [
                    Problem(
                        row.line,
                        f"“{row.replacement.text}”不是一份文件（应写文件名称，可附文号），或就是被替代的文件本身",
                        f"{row.replacement.text!r} is not a document (write a title, with its issuing number if any),"
                        " or is the document itself",
                    )
                ]
        fact = URIRef(f"{self.index.base}status/fact/{_digest(row, document.iri, replacement)}")
        self.add(fact, RDF.type, SG.StatusFact)
        self.add(fact, RDF.type, PROV.Entity)
        self.add(fact, SG.document, document.iri)
        self.add(fact, SG.event, EVENT_CONCEPTS[row.event])
        self.add(fact, DCT.date, Literal(row.date.isoformat(), datatype=XSD.date))
        self.add(fact, DCT.source, Literal(row.source, lang="zh"))
        self.add(fact, SG.line, Literal(row.line))
        self.add(fact, PROV.wasDerivedFrom, file)
        if replacement is not None:
            self.add(fact, SG.replacement, replacement)
            if row.event in ENDED:
                self.add(document.iri, ELI.repealed_by, replacement)
                self.add(replacement, ELI.repeals, document.iri)
            elif row.event == "amended":
                self.add(document.iri, ELI.amended_by, replacement)
                self.add(replacement, ELI.amends, document.iri)
        self.changes(row, fact, document.iri, replacement)
        return []

    def replacement(self, ref: DocumentRef, replaced: CitedDocument) -> URIRef | None:
        """The IRI of a replacing (or amending) document: a cited one when the catalogue cites
        it, else minted from its own spelling, as the catalogue would mint it."""
        cited = self.index.find(ref)
        if cited is not None and cited.iri != replaced.iri:
            return cited.iri
        number = parse_issuing_number(ref.doc_number) if ref.doc_number else None
        title = clean_title(ref.title)
        if document_type(title) == "other" and number is None:
            return None
        iri = self.minter.document(document_identity([Spelling(ref.title, ref.doc_number, 0)], number))
        if iri == replaced.iri:  # the same title under a new number: a new document of that name
            if number is None or (replaced.doc_number and parse_issuing_number(replaced.doc_number) == number):
                return None
            iri = URIRef(f"{iri}-{key(number.text)}")
        if iri not in self.titles:
            self.titles[iri] = title
            self.add(iri, RDF.type, ELI.LegalResource)
            self.add(iri, DCT.title, Literal(title, lang="zh"))
            self.add(iri, ELI.type_document, SG[document_type(title)])
            if number is not None:
                self.add(iri, ELI.id_local, Literal(number.text))
        return iri

    def changes(self, row: StatusRow, fact: URIRef, document: URIRef, replacement: URIRef | None) -> None:
        """Each provision change: from the cited provision to one of the replacing document
        or, when the document itself was amended, of its text as in force from the fact's date
        (`{document}/{date}`: the numbers of the old text keep their IRIs)."""
        if not row.changes:
            return
        if replacement is not None and row.event in ENDED:
            target_doc, title = replacement, f"《{self.titles.get(replacement) or self._title(replacement)}》"
        else:
            target_doc, title = self.version(document, row)
        for n, change in enumerate(row.changes, 1):
            node = URIRef(f"{fact}/change/{n}")
            old = iris.provision(document, change.provision)
            self.add(fact, SG.provisionChange, node)
            self.add(node, RDF.type, SG.ProvisionChange)
            self.add(node, SG.fromProvision, old)
            self.add(node, SG.change, CHANGE_CONCEPTS[change.change])
            if change.to is not None:
                new = iris.provision(target_doc, change.to)
                self.add(node, SG.toProvision, new)
                self.add(new, ELI.changes, old)
                self.add(new, RDFS.label, Literal(f"{title}{provision_label(change.to)}", lang="zh"))

    def version(self, document: URIRef, row: StatusRow) -> tuple[URIRef, str]:
        """The document's text in force from `row.date`, and how to print its title."""
        when = row.date.isoformat()
        version = URIRef(f"{document}/{when}")
        title = f"《{self._title(document)}》（{when}起施行）"
        self.add(version, RDF.type, ELI.LegalResource)
        self.add(version, DCT.isVersionOf, document)
        self.add(version, DCT.date, Literal(when, datatype=XSD.date))
        self.add(version, RDFS.label, Literal(title, lang="zh"))
        return version, title

    def _title(self, document: URIRef) -> str:
        """The canonical title of a cited document, or of a replacing one made here."""
        if document in self.titles:
            return self.titles[document]
        return next(d for d in self.index.documents if d.iri == document).titles[0]


def with_document_states(graph: Graph) -> Graph:
    """`graph` (a status layer, or the union of several) with ELI's in-force state of each
    document a fact speaks of, made afresh: not in force from its earliest repeal or
    replacement, else in force."""
    graph.remove((None, ELI.in_force, None))
    graph.remove((None, ELI.date_no_longer_in_force, None))
    for document in set(graph.objects(None, SG.document)):
        ends = [
            _date_of(graph, f)
            for f in graph.subjects(SG.document, document)
            if graph.value(f, SG.event) in (SG.replaced, SG.repealed)
        ]
        if ends:
            graph.add((document, ELI.in_force, NOT_IN_FORCE))
            graph.add((document, ELI.date_no_longer_in_force, Literal(min(ends).isoformat(), datatype=XSD.date)))
        else:
            graph.add((document, ELI.in_force, IN_FORCE))
    return graph


def _digest(row: StatusRow, document: URIRef, replacement: URIRef | None) -> str:
    """A fact's IRI is its content's: the same fact from two files is one node (with each
    file's line and provenance)."""
    changes = ";".join(f"{c.provision_text}>{c.change}>{c.to_text or ''}" for c in row.changes)
    text = "\n".join((str(document), row.event, row.date.isoformat(), str(replacement or ""), changes))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@cache
def status_shapes() -> Graph:
    return Graph().parse(data=SHAPES.read_text(encoding="utf-8"), format="turtle")


def _check_shapes(graph: Graph, index: DocumentIndex, tables: Sequence[StatusTable]) -> None:
    """Refuse a layer that breaks shapes/status.ttl (line of the fact at fault)."""
    data = Graph()
    for triple in graph:
        data.add(triple)
    for triple in index.type_triples():
        data.add(triple)
    report = validate(data, status_shapes())
    if report.conforms:
        return
    source = ", ".join(t.source for t in tables)
    problems = [Problem(r.line, r.message_zh, r.message_en) for r in report.results if r.severity == "Violation"]
    raise StatusError(source, problems)


def _date_of(graph: Graph, fact: Node) -> date:
    """A fact's dct:date (the shapes make every fact have one)."""
    value = graph.value(fact, DCT.date)
    assert isinstance(value, Literal)
    return value.toPython()
