"""Records → RDF triples, as specified in docs/model.md.

`CatalogueTriples` yields a revision's triples item by item, never holding the whole
catalogue's: nodes shared between items (agencies, concepts, documents, provisions) are
emitted once, the first time an item needs them. `build_graph` adds the stream to an
rdflib Graph, for small uses (tests, diff, the SHACL validator).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from servicegraph.graph import iris
from servicegraph.graph.code_lists import concept
from servicegraph.graph.iris import Minter, key, service_keys
from servicegraph.graph.namespaces import (
    CPSV,
    CV,
    DCAT,
    DEFAULT_BASE,
    ELI,
    FOAF,
    ORG,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SG,
    SKOS,
    VOID,
)
from servicegraph.graph.namespaces import (
    DCTERMS as DCT,
)
from servicegraph.graph.statutes import Document, Statutes, identify, provision_label
from servicegraph.loaders.codes import HANDLING_MODES, LEVEL_OF_FILL, HandlingMode, Level, role_of_mark
from servicegraph.loaders.dates import date_in
from servicegraph.loaders.gc_paused import cyclic_gc_paused
from servicegraph.loaders.records import Catalogue, Citation, Item, LevelMark

ONTOLOGY = resources.files("servicegraph.ontology") / "servicegraph.ttl"

SUBDIVISIONS = {
    "章": SG.chapter,
    "节": SG.section,
    "条": SG.article,
    "款": SG.paragraph,
    "项": SG.item,
    "目": SG.subitem,
    "点": SG.point,
}
SCHEME_LABELS = {
    "item-type": ("事项类型", "item types"),
    "theme": ("服务主题", "themes"),
    "audience": ("服务对象", "target groups"),
    "fill-type": ("填报类型", "fill-in types"),
}

_AGENCY_LEVELS = (
    (re.compile(r"^村"), Level.village),
    (re.compile(r"^(?:乡镇|街道)"), Level.township),
    (re.compile(r"^(?:[\u4e00-\u9fff]{1,3})?县"), Level.county),
    (re.compile(r"^(?:[\u4e00-\u9fff]{1,3})?市"), Level.city),
)
"""An agency's level, from how its name starts (县人民医院, 垫江县中医院, 市农委…)."""

_JURISDICTION = re.compile(r"^(.+?[县市区])")

CELL_OF_PREDICATE = {
    SG.number: "number", DCT.identifier: "number", SG.numberInferred: "number",
    DCT.title: "name", CV.isClassifiedBy: "item_type", DCT.description: "content",
    CV.hasCompetentAuthority: "agencies", DCT.audience: "targets", CV.thematicArea: "themes",
    SG.legalBasisText: "legal_basis", CPSV.follows: "legal_basis", CV.hasChannel: "handling_modes",
    CV.hasParticipation: "city", SG.fillType: "fill_types",
}  # fmt: skip
"""The column (loaders.catalogue.COLUMNS) each predicate from a service is read from;
a service with no level at all is pointed at its first level cell."""

Triple = tuple[Node, Node, Node]


def agency_level(name: str) -> Level | None:
    """The level the agency's name shows (县人民医院: county), else None."""
    for pattern, level in _AGENCY_LEVELS:
        if pattern.match(name):
            return level
    return None


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


_CODE_LIST_PREDICATES = {RDF.type, SKOS.prefLabel, SKOS.inScheme, SKOS.topConceptOf, SKOS.notation}


@cache
def _fixed_code_lists() -> tuple[Triple, ...]:
    """The ontology's SKOS concepts and schemes, so the graph types every code value itself."""
    onto = Graph().parse(data=ONTOLOGY.read_text(encoding="utf-8"), format="turtle")
    keep = set(onto.subjects(RDF.type, SKOS.Concept)) | set(onto.subjects(RDF.type, SKOS.ConceptScheme))
    return tuple(t for t in onto if t[0] in keep and t[1] in _CODE_LIST_PREDICATES)


class _Builder:
    def __init__(self, catalogue: Catalogue, base: str) -> None:
        self.catalogue = catalogue
        self.m = Minter(base, catalogue.sha256)
        self.triples: list[Triple] = []
        self.made: set[URIRef] = set()
        self.resting: dict[URIRef, set[URIRef]] = defaultdict(set)  # document or provision → services on it or a part
        self.citing: dict[URIRef, set[URIRef]] = defaultdict(set)  # … → services whose citation names exactly it

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.triples.append((s, p, o))

    def taken(self) -> list[Triple]:
        """The triples added since the last call (the builder keeps none)."""
        out, self.triples = self.triples, []
        return out

    def once(self, iri: URIRef) -> bool:
        """True the first time `iri` is seen: its describing triples are still to add."""
        if iri in self.made:
            return False
        self.made.add(iri)
        return True

    # ---- shared nodes ----

    def concept(self, scheme: str, label: str) -> URIRef:
        iri = self.m.concept(scheme, label)
        if self.once(iri):
            scheme_iri = self.m.scheme(scheme)
            if self.once(scheme_iri):
                zh_label, en_label = SCHEME_LABELS[scheme]
                self.triples += [
                    (scheme_iri, RDF.type, SKOS.ConceptScheme),
                    (scheme_iri, SKOS.prefLabel, zh(zh_label)),
                    (scheme_iri, SKOS.prefLabel, Literal(en_label, lang="en")),
                ]
            self.triples += [
                (iri, RDF.type, SKOS.Concept),
                (iri, SKOS.prefLabel, zh(label)),
                (iri, SKOS.inScheme, scheme_iri),
            ]
        return iri

    def agency(self, name: str) -> URIRef:
        iri = self.m.agency(name)
        if self.once(iri):
            self.triples += [
                (iri, RDF.type, CV.PublicOrganisation),
                (iri, RDF.type, FOAF.Agent),
                (iri, SKOS.prefLabel, zh(name)),
                (iri, DCT.title, zh(name)),
                (iri, DCT.identifier, Literal(key(name))),
                (iri, DCT.spatial, self.m.place),
            ]
            level = agency_level(name)
            if level:
                self.add(iri, ORG.classification, concept(level))
        return iri

    def channel(self, mode: HandlingMode) -> URIRef:
        iri = self.m.channel(mode)
        if self.once(iri):
            self.triples += [
                (iri, RDF.type, CV.Channel),
                (iri, DCT.identifier, Literal(mode.slug)),
                (iri, DCT.type, concept(mode)),
                (iri, DCT.title, zh(mode.value)),
            ]
        return iri

    def document(self, doc: Document, iri: URIRef) -> None:
        self.triples += [
            (iri, RDF.type, ELI.LegalResource),
            (iri, DCT.title, zh(doc.title)),
            (iri, ELI.type_document, SG[doc.kind]),
        ]
        self.triples += [(iri, SKOS.altLabel, zh(label)) for label in doc.alt_labels]
        if doc.number:
            self.add(iri, ELI.id_local, Literal(doc.number.text))
            if doc.number.issuer:
                self.add(iri, SG.issuer, Literal(doc.number.issuer))
            if doc.number.year is not None:
                self.add(iri, SG.year, Literal(doc.number.year))
            self.add(iri, SG.serial, Literal(doc.number.serial))

    def provision(self, doc: Document, doc_iri: URIRef, path: tuple[tuple[str, int], ...]) -> URIRef:
        """The most specific provision of `path`, making it and its ancestors as needed."""
        parent = doc_iri
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            iri = iris.provision(doc_iri, prefix)
            if self.once(iri):
                kind, n = prefix[-1]
                self.triples += [
                    (iri, RDF.type, ELI.LegalResourceSubdivision),
                    (iri, RDF.type, ELI.LegalResource),
                    (iri, ELI.is_part_of, parent),
                    (iri, ELI.is_part_of, doc_iri),
                    (iri, ELI.number, Literal(str(n))),
                    (iri, ELI.type_subdivision, SUBDIVISIONS[kind]),
                    (iri, RDFS.label, zh(f"《{doc.title}》{provision_label(prefix)}")),
                ]
            parent = iri
        return parent

    # ---- the revision ----

    def revision(self) -> None:
        c, m = self.catalogue, self.m
        jurisdiction = _JURISDICTION.match(c.title)
        place_name = jurisdiction.group(1) if jurisdiction else c.title
        description = f"{c.title}，共{len(c.items)}项，读自 {Path(c.source).name}"
        self.triples += [
            (m.place, RDF.type, DCT.Location),
            (m.place, RDFS.label, zh(place_name)),
            (m.publisher, RDF.type, FOAF.Agent),
            (m.publisher, DCT.identifier, Literal("publisher")),
            (m.publisher, DCT.title, zh(f"{place_name}人民政府" if jurisdiction else "目录发布机关")),
            (m.catalogue, RDF.type, DCAT.Catalog),
            (m.catalogue, DCT.title, zh(c.title)),
            (m.catalogue, DCT.publisher, m.publisher),
            (m.catalogue, DCT.spatial, m.place),
            (m.revision, RDF.type, DCAT.Dataset),
            (m.revision, RDF.type, VOID.Dataset),
            (m.revision, DCT.title, zh(c.title)),
            (m.revision, DCT.description, zh(description)),
            (m.revision, DCT.publisher, m.publisher),
            (m.revision, DCT.source, Literal(Path(c.source).name)),
            (m.revision, SG.sha256, Literal(c.sha256)),
            (m.revision, DCT.isPartOf, m.catalogue),
            (m.revision, DCT.spatial, m.place),
        ]

    # ---- one item ----

    def service(
        self,
        item: Item,
        iri: URIRef,
        statutes: Statutes,
        doc_iris: dict[int, URIRef],
        by_number: dict[int, list[URIRef]],
    ) -> None:
        m = self.m
        row = m.lines(*item.lines)
        self.triples += [
            (iri, RDF.type, CPSV.PublicService),
            (iri, DCT.identifier, Literal(str(item.number))),
            (iri, SG.number, Literal(item.number)),
            (iri, SG.numberInferred, Literal(item.number_inferred)),
            (iri, DCT.title, zh(item.name)),
            (iri, DCT.description, zh(item.content or item.name)),
            (iri, DCT.isPartOf, m.revision),
            (iri, DCT.spatial, m.place),
            (iri, PROV.wasDerivedFrom, row),
            (row, RDF.type, SG.SourceRow),
            (row, SG.firstLine, Literal(item.lines[0])),
            (row, SG.lastLine, Literal(item.lines[1])),
            (row, DCT.isPartOf, m.revision),
        ]
        for column, line in item.cell_lines.items():  # two triples a cell: a fifth of the graph
            cell = iris.cell(row, column)
            self.triples += [(row, SG.cell, cell), (cell, SG.line, Literal(line))]
        if item.item_type:
            self.add(iri, CV.isClassifiedBy, self.concept("item-type", item.item_type))
        self.triples += [(iri, CV.hasCompetentAuthority, self.agency(a)) for a in item.agencies]
        self.triples += [(iri, DCT.audience, self.concept("audience", t)) for t in item.targets]
        self.triples += [(iri, CV.thematicArea, self.concept("theme", t)) for t in item.themes]
        modes = [HANDLING_MODES[h] for h in item.handling_modes if h in HANDLING_MODES]
        self.triples += [(iri, CV.hasChannel, self.channel(mode)) for mode in modes]
        if item.legal_basis:
            self.add(iri, SG.legalBasisText, zh(item.legal_basis))
        participant = m.agency(item.agencies[0]) if item.agencies else None
        for column, mark in item.levels.items():
            if mark is not None:
                self.participation(item, iri, Level[column], mark, participant, by_number)
        for n, fill in enumerate(item.fill_types, 1):
            self.fill_type(iri, n, fill.level, fill.category, fill.subtypes)
        for n, citation in enumerate(item.citations, 1):
            self.citation(item, iri, n, citation, statutes, doc_iris, row)

    def participation(
        self,
        item: Item,
        service: URIRef,
        level: Level,
        mark: LevelMark,
        participant: URIRef | None,
        by_number: dict[int, list[URIRef]],
    ) -> None:
        iri = iris.participation(service, level.value)
        role = role_of_mark(mark.role)
        text = f"{level.zh}：{role.zh}" + ("" if mark.checked else "(未勾选)")
        self.triples += [
            (service, CV.hasParticipation, iri),
            (iri, RDF.type, CV.Participation),
            (iri, DCT.identifier, Literal(f"{item.number}.{level.value}")),
            (iri, DCT.description, zh(text)),
            (iri, CV.role, concept(role)),
            (iri, SG.level, concept(level)),
            (iri, SG.checked, Literal(mark.checked)),
        ]
        if participant is not None:
            self.add(iri, CV.hasParticipant, participant)
        if mark.line:
            self.add(iri, SG.line, Literal(mark.line))
        if mark.note:
            self.add(iri, SG.remark, zh(mark.note))
        if mark.same_as_item is not None:
            self.add(iri, SG.sameAsItemNumber, Literal(mark.same_as_item))
            targets = by_number.get(mark.same_as_item, [])
            if len(targets) == 1:
                self.add(iri, SG.sameAsService, targets[0])

    def fill_type(self, service: URIRef, n: int, level: str | None, category: str, subtypes: Sequence[str]) -> None:
        iri = iris.fill_type(service, n)
        category_iri = self.concept("fill-type", category)
        text = "：".join(([level] if level else []) + [category] + (["、".join(subtypes)] if subtypes else []))
        self.triples += [
            (service, SG.fillType, iri),
            (iri, RDF.type, SG.FillTypeEntry),
            (iri, SG.fillCategory, category_iri),
            (iri, DCT.description, zh(text)),
        ]
        if level in LEVEL_OF_FILL:
            self.add(iri, SG.level, concept(LEVEL_OF_FILL[level]))
        for sub in subtypes:
            sub_iri = self.concept("fill-type", sub)
            self.triples += [(iri, SG.fillSubtype, sub_iri), (sub_iri, SKOS.broader, category_iri)]

    def citation(
        self,
        item: Item,
        service: URIRef,
        n: int,
        c: Citation,
        statutes: Statutes,
        doc_iris: dict[int, URIRef],
        row: URIRef,
    ) -> None:
        doc = statutes.document(c)
        doc_iri = doc_iris[id(doc)]
        target = self.provision(doc, doc_iri, c.provision)
        self.citing[target].add(service)
        for depth in range(len(c.provision) + 1):  # the document, the provisions holding the target, the target
            basis = iris.provision(doc_iri, c.provision[:depth])
            if service not in self.resting[basis]:
                self.resting[basis].add(service)
                self.add(service, SG.restsOn, basis)
        iri = iris.citation(service, n)
        self.triples += [
            (service, CPSV.follows, iri),
            (service, CV.hasLegalResource, doc_iri),
            (service, CV.hasLegalResource, target),
            (iri, RDF.type, CPSV.Rule),
            (iri, RDF.type, SG.Citation),
            (iri, DCT.identifier, Literal(f"{item.number}.{n}")),
            (iri, DCT.title, zh(f"《{c.title}》{c.provision_text}")),
            (iri, DCT.description, zh(c.quote or c.title)),
            (iri, CPSV.implements, target),
            (iri, SG.titleAsWritten, zh(c.title)),
            (iri, SG.line, Literal(c.line)),
            (iri, PROV.wasDerivedFrom, row),
        ]
        if c.doc_number:
            self.add(iri, SG.docNumberAsWritten, Literal(c.doc_number))
        if c.issuer:
            self.add(iri, SG.issuerAsWritten, zh(c.issuer))
        if c.provision_text:
            self.add(iri, SG.provisionText, zh(c.provision_text))
        if c.quote:
            self.add(iri, SG.quote, zh(c.quote))

    def service_counts(self) -> None:
        """Each cited resource's sg:servicesResting and sg:servicesCiting, so queries read
        how many services rest on it instead of counting every citation (docs/model.md)."""
        for counts, predicate in ((self.resting, SG.servicesResting), (self.citing, SG.servicesCiting)):
            self.triples += [(r, predicate, Literal(len(services))) for r, services in counts.items()]


def document_iris(statutes: Statutes, minter: Minter) -> dict[int, URIRef]:
    """Each document's IRI (keyed by id()), minted from its identity.

    Identities are unique, but two can share a key ("A、B" and "A，B"): then the
    documents get -2, -3… in order of identity, not of citation.
    """
    by_iri: dict[URIRef, list[Document]] = defaultdict(list)
    for doc in statutes.documents:
        by_iri[minter.document(doc.identity)].append(doc)
    out: dict[int, URIRef] = {}
    for iri, docs in by_iri.items():
        for n, doc in enumerate(sorted(docs, key=lambda d: (d.identity, d.title)), 1):
            out[id(doc)] = iri if n == 1 else URIRef(f"{iri}-{n}")
    return out


class CatalogueTriples:
    """The RDF of one catalogue revision as a stream of triples; its graph name is `revision`.

    `generated` becomes the revision's prov:generatedAtTime (left out when None, so that
    building twice gives the same triples). `issued`, the catalogue's own date (the date its
    citations are read at), becomes its dct:issued; None: the date its title writes, if any.
    `progress(done, total)` is called after each item.
    """

    def __init__(
        self, catalogue: Catalogue, base: str = DEFAULT_BASE, generated: datetime | None = None,
        issued: date | None = None, progress: Callable[[int, int], None] | None = None,
    ) -> None:  # fmt: skip
        self.catalogue = catalogue
        self.base = base
        self.generated = generated
        self.issued = issued or date_in(catalogue.title)
        self.progress = progress
        self.minter = Minter(base, catalogue.sha256)
        self.revision = self.minter.revision
        self.statutes = identify(catalogue.items)
        self._doc_iris = document_iris(self.statutes, self.minter)

    def documents(self) -> list[tuple[URIRef, Document]]:
        """The documents the catalogue cites, each with its IRI."""
        return [(self._doc_iris[id(doc)], doc) for doc in self.statutes.documents]

    def __iter__(self) -> Iterator[Triple]:
        yield from _fixed_code_lists()
        b = _Builder(self.catalogue, self.base)
        b.revision()
        if self.generated is not None:
            b.add(self.revision, PROV.generatedAtTime, Literal(self.generated))
        if self.issued is not None:
            b.add(self.revision, DCT.issued, Literal(self.issued))
        for doc in self.statutes.documents:
            b.document(doc, self._doc_iris[id(doc)])
        yield from b.taken()
        items = self.catalogue.items
        keys = service_keys(items)
        by_number: dict[int, list[URIRef]] = defaultdict(list)
        for item, k in zip(items, keys, strict=True):
            by_number[item.number].append(b.m.service(k))
        for done, (item, k) in enumerate(zip(items, keys, strict=True), 1):
            b.service(item, b.m.service(k), self.statutes, self._doc_iris, by_number)
            yield from b.taken()
            if self.progress is not None:
                self.progress(done, len(items))
        b.service_counts()
        yield from b.taken()


def build_graph(
    catalogue: Catalogue, base: str = DEFAULT_BASE, generated: datetime | None = None, issued: date | None = None
) -> Graph:
    """The RDF of one catalogue revision in an rdflib Graph named by the revision IRI
    (`CatalogueTriples` says what `generated` and `issued` add)."""
    triples = CatalogueTriples(catalogue, base, generated, issued)
    graph = Graph(identifier=triples.revision)
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    with cyclic_gc_paused():
        # Every term is made by the builder: skip Graph.addN's per-triple checks (a quarter of the fill)
        graph.store.addN((s, p, o, graph) for s, p, o in triples)
    return graph


__all__ = ["CatalogueTriples", "agency_level", "build_graph", "document_iris"]
