"""Is the legal basis still law? One status per citation, from the rows of
`graph/queries/citation-status.rq` (the citations and the status facts about their
documents): run here over graphs in process (`check_graphs`: the CLI, a revision's
report), or by the API as a named query over the served store.

A citation is, first match wins:
- `repealed` / `replaced`: a fact says its document ended (the earliest such fact), with
  the replacing document and, where the fact maps it, where the cited provision went;
- `amended`: its document was amended after the catalogue's date (or the catalogue's date
  is unknown): the article may have moved or changed, so the service needs review;
- `in-force`: some fact speaks of the document and none of the above holds;
- `unknown`: no fact speaks of the document. Never "in force" without a fact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import XSD

from servicegraph.graph.status import CONCEPT_NAMES, ENDED
from servicegraph.graph.validate import SGS, Report, Result

QUERY = Path(__file__).resolve().parent / "queries" / "citation-status.rq"
"""The check's query; its header comment says its rows and parameters."""

STATUSES = ("in-force", "amended", "replaced", "repealed", "unknown")
TO_REVIEW = ("amended", "replaced", "repealed")

CHANGES = {"renumbered": ("改为", "now"), "merged": ("并入", "merged into"), "deleted": ("已删除", "deleted")}
"""Where a cited provision went, in Chinese and English."""

Row = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Fact:
    iri: str
    event: str
    date: date
    replacement: str | None
    replacement_title: str | None  # 《title》(issuing number)
    source: str


@dataclass(slots=True)
class CitationStatus:
    """One citation and what became of what it cites."""

    service: str
    number: int
    title: str
    citation: str
    line: int | None
    provision: str  # the cited provision (or document) IRI
    provision_label: str
    document: str
    document_title: str
    status: str = "unknown"  # one of STATUSES
    since: date | None = None  # the date of the fact that decided the status
    replacement: str | None = None
    replacement_title: str | None = None  # 《title》(issuing number)
    change: str | None = None  # renumbered | merged | deleted, where the fact maps the provision
    changed_to: str | None = None
    changed_to_label: str | None = None
    source: str | None = None  # the deciding fact's source
    fact: str | None = None
    facts: list[Fact] = field(default_factory=list, repr=False)

    @property
    def reason(self) -> tuple[str, str]:
        """Why, in zh and en, as a sentence naming the document: what became of it and from
        when, what replaced it, and where the cited provision went (where mapped)."""
        doc, on, by = f"《{self.document_title}》", self.since.isoformat() if self.since else "", self.replacement_title
        if self.status == "unknown":
            zh, en = f"所依据的{doc}状态未知", f"{doc}: status unknown"
        elif self.status == "in-force":
            zh, en = f"所依据的{doc}现行有效（{on}）", f"{doc} in force (as of {on})"
        elif self.status == "amended":
            zh = f"所依据的{doc}已于{on}修订" + (f"（{by}）" if by else "") + "，所引条文可能已变动"
            en = f"{doc} amended from {on}" + (f" by {by}" if by else "") + ": the cited provision may have changed"
        elif self.status == "replaced":
            zh = f"所依据的{doc}已于{on}" + (f"由{by}替代" if by else "被替代")
            en = f"{doc} replaced from {on}" + (f" by {by}" if by else "")
        else:
            zh = f"所依据的{doc}已于{on}废止" + (f"，由{by}替代" if by else "")
            en = f"{doc} repealed from {on}" + (f", replaced by {by}" if by else "")
        if self.change is not None:
            czh, cen = CHANGES[self.change]
            to = self.changed_to_label or ""
            zh, en = f"{zh}；所引条款{czh}{to}", f"{en}; the cited provision is {cen} {to}".rstrip()
        return zh, en

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("facts")
        doc["since"] = None if self.since is None else self.since.isoformat()
        doc["reason"] = dict(zip(("zh", "en"), self.reason, strict=True))
        return doc


@dataclass(slots=True)
class ServiceStatus:
    """One service and the status of each of its citations."""

    service: str
    number: int
    title: str
    citations: list[CitationStatus]

    @property
    def review(self) -> bool:
        """Some citation's document was amended since, replaced or repealed."""
        return any(c.status in TO_REVIEW for c in self.citations)

    @property
    def only_repealed(self) -> bool:
        """Every citation's document is replaced or repealed: no basis still in force."""
        return bool(self.citations) and all(c.status in ENDED for c in self.citations)

    @property
    def since(self) -> date | None:
        """When the earliest change to review took effect."""
        return min((c.since for c in self.citations if c.status in TO_REVIEW and c.since), default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "number": self.number,
            "title": self.title,
            "review": self.review,
            "only_repealed": self.only_repealed,
            "since": None if self.since is None else self.since.isoformat(),
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass(frozen=True, slots=True)
class Currency:
    """The check over a catalogue: each service's citations, and how many of the cited
    documents have a known status."""

    read_at: date | None
    services: list[ServiceStatus]

    @property
    def documents(self) -> int:
        return len({c.document for s in self.services for c in s.citations})

    @property
    def documents_known(self) -> int:
        return len({c.document for s in self.services for c in s.citations if c.status != "unknown"})

    @property
    def only_repealed(self) -> list[ServiceStatus]:
        return [s for s in self.services if s.only_repealed]

    def to_json(self) -> dict[str, Any]:
        return {
            "read_at": None if self.read_at is None else self.read_at.isoformat(),
            "documents": self.documents,
            "documents_with_known_status": self.documents_known,
            "services_to_review": sum(s.review for s in self.services),
            "services_only_on_repealed_law": [s.number for s in self.only_repealed],
            "services": [s.to_json() for s in self.services],
        }


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value)[:10])


def _titled(title: Any, number: Any) -> str | None:
    """《title》(number) as a citation writes it; None without a title."""
    if title is None:
        return None
    return f"《{title}》" + (f"({number})" if number else "")


def currency(rows: Iterable[Row]) -> Currency:
    """One status per citation from citation-status.rq rows, grouped by service in order."""
    citations: dict[str, CitationStatus] = {}
    changes: dict[str, list[Row]] = {}
    read_at = None
    for r in rows:
        read_at = read_at or _date(r["read_at"])
        c = citations.get(str(r["citation"]))
        if c is None:
            whole = r["target"] == r["document"]
            c = citations[str(r["citation"])] = CitationStatus(
                str(r["service"]), int(r["number"]), str(r["title"]), str(r["citation"]), r["line"],
                str(r["target"]), f"《{r['document_title']}》" if whole else str(r["target_label"]),
                str(r["document"]), str(r["document_title"]),
            )  # fmt: skip
        if r["fact"] is not None:
            fact = Fact(
                str(r["fact"]), CONCEPT_NAMES[str(r["event"])], _date(r["date"]) or date.min, r["replacement"],
                _titled(r["replacement_title"], r["replacement_number"]), str(r["source"]),
            )  # fmt: skip
            if fact not in c.facts:
                c.facts.append(fact)
        if r["change"] is not None:
            changes.setdefault(c.citation, []).append(r)
    for c in citations.values():
        _decide(c, read_at, changes.get(c.citation, []))
    services: dict[str, ServiceStatus] = {}
    for c in citations.values():
        services.setdefault(c.service, ServiceStatus(c.service, c.number, c.title, [])).citations.append(c)
    return Currency(read_at, sorted(services.values(), key=lambda s: (s.number, s.service)))


def _decide(c: CitationStatus, read_at: date | None, changes: Sequence[Row]) -> None:
    ended = sorted((f for f in c.facts if f.event in ENDED), key=lambda f: f.date)
    amended = sorted(
        (f for f in c.facts if f.event == "amended" and (read_at is None or f.date > read_at)), key=lambda f: f.date
    )
    if ended:
        deciding, c.status = ended[0], ended[0].event
    elif amended:
        deciding, c.status = amended[0], "amended"
    elif c.facts:
        deciding, c.status = max(c.facts, key=lambda f: f.date), "in-force"
    else:
        return
    c.since, c.source, c.fact = deciding.date, deciding.source, deciding.iri
    c.replacement, c.replacement_title = deciding.replacement, deciding.replacement_title
    mapped = [r for r in changes if str(r["fact"]) == deciding.iri]
    if c.status != "in-force" and mapped:
        best = max(mapped, key=lambda r: len(str(r["changed"])))  # the most specific provision mapped
        c.change, c.changed_to, c.changed_to_label = CONCEPT_NAMES[str(best["change"])], best["to"], best["to_label"]


def warnings(result: Currency) -> list[Result]:
    """The check as SHACL Warnings (status to review) and Infos (status unknown), one per
    citation, at the citation's source line, for `validate` to report with the rest."""
    out = []
    for service in result.services:
        for c in service.citations:
            if c.status == "in-force":
                continue
            zh, en = c.reason if c.status == "unknown" else (f"{c.reason[0]}（需复核）", f"{c.reason[1]} (review)")
            out.append(
                Result(
                    severity="Info" if c.status == "unknown" else "Warning",
                    focus=URIRef(c.citation),
                    item=c.number,
                    line=c.line,
                    shape=SGS.CitationCurrency,
                    constraint=SGS[f"citation-{c.status}"],
                    path="cpsv:implements",
                    value=URIRef(c.document),
                    value_item=None,
                    value_line=None,
                    message_zh=zh,
                    message_en=en,
                )
            )
    return out


def check_graphs(graphs: Iterable[Graph]) -> Currency:
    """The check over `graphs` (a catalogue and its status layer) read as one graph, in process."""
    store = ox.Store()
    for graph in graphs:
        _load(store, graph)
    return check_store(store)


def check_store(store: ox.Store) -> Currency:
    """The check over the default graph of `store` (a catalogue and its status layer)."""
    solutions = store.query(QUERY.read_text(encoding="utf-8"))
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return currency({name: _cell(row[name]) for name in names} for row in solutions)


def _load(store: ox.Store, graph: Graph) -> None:
    store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)


def _cell(term: Any) -> Any:
    """A result cell as the named queries give it: an IRI or text as str, an integer as
    int, None when unbound (the rows `currency` reads)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype == ox.NamedNode(str(XSD.integer)):
        return int(term.value)
    return term.value


def with_currency(report: Report, catalogue: Graph | ox.Store, layer: Graph) -> Report:
    """`report` with the check's Warnings and Infos (`warnings`) when `layer`, the status
    layer, holds any fact; else `report` as it is. `catalogue` is a graph, or a store with
    the catalogue in its default graph (the layer is added to it)."""
    if not len(layer):
        return report
    if isinstance(catalogue, Graph):
        return report.with_results(warnings(check_graphs([catalogue, layer])))
    _load(catalogue, layer)
    return report.with_results(warnings(check_store(catalogue)))
