"""What changed between two revisions of a catalogue: as records, as text and as RDF.

Items are matched by number and name first, then by name alone, then by content
similarity (a renamed item); a matched item whose number differs is *renumbered*. For
each matched item the diff lists the fields that changed (old → new) and the citations
gained and lost, a citation being its most specific target (provision or document) as
`graph/build.py` mints it. Documents and provisions that no item cites any more, and
those cited for the first time, are listed for the whole catalogue.

`change_set_graph` gives the change set in the vocabulary of docs/model.md
("Revisions and change sets").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from rdflib import Graph, Literal, URIRef

from servicegraph.graph import iris
from servicegraph.graph.build import document_iris
from servicegraph.graph.iris import Minter, key, service_keys
from servicegraph.graph.namespaces import DCTERMS as DCT
from servicegraph.graph.namespaces import PREFIXES, RDF, SG
from servicegraph.graph.statutes import identify, provision_label
from servicegraph.loaders.codes import Level
from servicegraph.loaders.records import Catalogue, Item

SIMILARITY = 0.6
"""Least content similarity (0..1) at which an unmatched old and new item are one item."""

FIELDS = ("name", "item_type", "content", "agencies", "targets", "themes", "legal_basis",
          "handling_modes", "levels", "fill_types")  # fmt: skip
"""The fields compared, in output order (the number is reported as a renumbering)."""


@dataclass(frozen=True, slots=True)
class Cited:
    """A document or provision as cited: its IRI and a readable label."""

    iri: str
    label: str

    def to_json(self) -> dict[str, str]:
        return {"iri": self.iri, "label": self.label}


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str
    new: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item that was added, removed, renumbered or changed.

    `kind` is "added", "removed" or "matched"; `matched_by` says how a matched pair was
    found ("number+name", "name" or "content").
    """

    kind: str
    old_number: int | None
    new_number: int | None
    name: str  # the new name, else the old
    old_service: str | None
    new_service: str | None
    old_lines: tuple[int, int] | None
    new_lines: tuple[int, int] | None
    matched_by: str | None = None
    fields: tuple[FieldChange, ...] = ()
    citations_added: tuple[Cited, ...] = ()
    citations_removed: tuple[Cited, ...] = ()

    @property
    def renumbered(self) -> bool:
        return self.kind == "matched" and self.old_number != self.new_number

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.citations_added or self.citations_removed)

    @property
    def number(self) -> int:
        """The number to sort and group by: the new one, else the old."""
        return self.new_number if self.new_number is not None else self.old_number or 0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "renumbered": self.renumbered,
            "old_number": self.old_number,
            "new_number": self.new_number,
            "name": self.name,
            "old_service": self.old_service,
            "new_service": self.new_service,
            "old_lines": list(self.old_lines) if self.old_lines else None,
            "new_lines": list(self.new_lines) if self.new_lines else None,
            "matched_by": self.matched_by,
            "fields": [f.to_json() for f in self.fields],
            "citations_added": [c.to_json() for c in self.citations_added],
            "citations_removed": [c.to_json() for c in self.citations_removed],
        }


@dataclass(frozen=True)
class ChangeSet:
    """The changes from revision `old` to revision `new` (revision IRIs)."""

    old: str
    new: str
    old_source: str
    new_source: str
    items: tuple[ItemChange, ...]  # only items with a change, by number
    unchanged: int  # matched items with no change at all
    no_longer_cited: tuple[Cited, ...]
    newly_cited: tuple[Cited, ...]
    replaced: tuple[tuple[str, str], ...] = ()  # (old, new) service IRI of every item matched under another IRI

    @property
    def iri(self) -> str:
        """`{new revision}/changes/{old rev}`: one change set per (old, new) pair."""
        return f"{self.new}/changes/{self.old.rsplit('/', 1)[-1]}"

    def of_kind(self, kind: str) -> list[ItemChange]:
        return [c for c in self.items if c.kind == kind]

    @property
    def renumbered(self) -> list[ItemChange]:
        return [c for c in self.items if c.renumbered]

    @property
    def modified(self) -> list[ItemChange]:
        return [c for c in self.items if c.kind == "matched" and c.changed]

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.of_kind("added")),
            "removed": len(self.of_kind("removed")),
            "renumbered": len(self.renumbered),
            "modified": len(self.modified),
            "unchanged": self.unchanged,
            "no_longer_cited": len(self.no_longer_cited),
            "newly_cited": len(self.newly_cited),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "old": {"revision": self.old, "source": self.old_source},
            "new": {"revision": self.new, "source": self.new_source},
            "summary": self.summary(),
            "items": [c.to_json() for c in self.items],
            "no_longer_cited": [c.to_json() for c in self.no_longer_cited],
            "newly_cited": [c.to_json() for c in self.newly_cited],
            "replaced": [{"old": old, "new": new} for old, new in self.replaced],
        }


# ---- citations as the graph mints them ----


@dataclass(slots=True)
class _Side:
    """One revision: its items, their service IRIs and their cited targets."""

    catalogue: Catalogue
    minter: Minter
    services: list[str]
    targets: list[Counter[str]]  # per item: most specific target IRI → times cited
    labels: dict[str, str] = field(default_factory=dict)  # every cited IRI → label
    cited: set[str] = field(default_factory=set)  # documents and targets cited by any item


def _side(catalogue: Catalogue, base: str) -> _Side:
    minter = Minter(base, catalogue.sha256)
    statutes = identify(catalogue.items)
    doc_iris = document_iris(statutes, minter)
    side = _Side(catalogue, minter, [str(minter.service(k)) for k in service_keys(catalogue.items)], [])
    for item in catalogue.items:
        counted: Counter[str] = Counter()
        for citation in item.citations:
            doc = statutes.document(citation)
            doc_iri = doc_iris[id(doc)]
            target = str(iris.provision(doc_iri, citation.provision))
            counted[target] += 1
            side.labels[str(doc_iri)] = f"《{doc.title}》"
            side.labels[target] = f"《{doc.title}》{provision_label(citation.provision)}"
            side.cited |= {str(doc_iri), target}
        side.targets.append(counted)
    return side


# ---- matching ----


def _signature(item: Item) -> str:
    return "\n".join((item.name, item.item_type, item.content, "、".join(item.agencies), item.legal_basis))


def match_items(old: list[Item], new: list[Item]) -> list[tuple[int | None, int | None, str | None]]:
    """(old index, new index, how) for every item; None on the side it is missing from."""
    pairs: list[tuple[int | None, int | None, str | None]] = []
    free_old, free_new = list(range(len(old))), list(range(len(new)))
    for how, by in (("number+name", lambda i: (i.number, key(i.name))), ("name", lambda i: key(i.name))):
        waiting: dict[Any, list[int]] = {}
        for j in free_old:
            waiting.setdefault(by(old[j]), []).append(j)
        still_new = []
        for j in free_new:
            queue = waiting.get(by(new[j]))
            if queue:
                pairs.append((queue.pop(0), j, how))
            else:
                still_new.append(j)
        taken = {p[0] for p in pairs}
        free_old, free_new = [j for j in free_old if j not in taken], still_new
    for a, b in _similar(old, new, free_old, free_new):
        pairs.append((a, b, "content"))
        free_old.remove(a)
        free_new.remove(b)
    pairs += [(a, None, None) for a in free_old] + [(None, b, None) for b in free_new]
    return pairs


def _similar(old: list[Item], new: list[Item], free_old: list[int], free_new: list[int]) -> list[tuple[int, int]]:
    """Greedy best-first pairs of unmatched items at least SIMILARITY alike."""
    scored = []
    for a in free_old:
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(_signature(old[a]))
        for b in free_new:
            matcher.set_seq1(_signature(new[b]))
            if matcher.real_quick_ratio() >= SIMILARITY and matcher.quick_ratio() >= SIMILARITY:
                ratio = matcher.ratio()
                if ratio >= SIMILARITY:
                    scored.append((-ratio, abs(old[a].number - new[b].number), a, b))
    used_old: set[int] = set()
    used_new: set[int] = set()
    out = []
    for _, _, a, b in sorted(scored):
        if a not in used_old and b not in used_new:
            used_old.add(a)
            used_new.add(b)
            out.append((a, b))
    return out


# ---- fields ----


def _levels_text(item: Item) -> str:
    parts = []
    for level in Level:
        mark = item.levels.get(level.value)
        if mark is None:
            continue
        text = level.zh + "：" + ("√" if mark.checked else "") + (mark.role or "")
        if mark.note:
            text += f"(备注：{mark.note})"
        if mark.same_as_item is not None:
            text += f"(同第{mark.same_as_item}项)"
        parts.append(text)
    return "；".join(parts)


def field_values(item: Item) -> dict[str, str]:
    """Each compared field of `item` as one text."""
    fills = "；".join(
        "：".join(([f.level] if f.level else []) + [f.category] + (["、".join(f.subtypes)] if f.subtypes else []))
        for f in item.fill_types
    )
    return {
        "name": item.name, "item_type": item.item_type, "content": item.content,
        "agencies": "、".join(item.agencies), "targets": "、".join(item.targets),
        "themes": "、".join(item.themes), "legal_basis": item.legal_basis,
        "handling_modes": "、".join(item.handling_modes), "levels": _levels_text(item), "fill_types": fills,
    }  # fmt: skip


def _compare(old: _Side, a: int, new: _Side, b: int, how: str) -> ItemChange:
    before, after = field_values(old.catalogue.items[a]), field_values(new.catalogue.items[b])
    fields = tuple(FieldChange(f, before[f], after[f]) for f in FIELDS if before[f] != after[f])
    gained = new.targets[b] - old.targets[a]
    lost = old.targets[a] - new.targets[b]
    o, n = old.catalogue.items[a], new.catalogue.items[b]
    return ItemChange(
        "matched", o.number, n.number, n.name, old.services[a], new.services[b], o.lines, n.lines, how, fields,
        tuple(Cited(t, new.labels[t]) for t in sorted(gained.elements())),
        tuple(Cited(t, old.labels[t]) for t in sorted(lost.elements())),
    )  # fmt: skip


def diff_catalogues(old: Catalogue, new: Catalogue, base: str) -> ChangeSet:
    """The change set from `old` to `new`, IRIs minted under `base`."""
    before, after = _side(old, base), _side(new, base)
    changes: list[ItemChange] = []
    unchanged = 0
    replaced = []
    for a, b, how in match_items(list(old.items), list(new.items)):
        if a is not None and b is not None and before.services[a] != after.services[b]:
            replaced.append((before.services[a], after.services[b]))
        if a is None:
            assert b is not None  # match_items leaves out one side at most
            n = new.items[b]
            changes.append(ItemChange("added", None, n.number, n.name, None, after.services[b], None, n.lines))
        elif b is None:
            o = old.items[a]
            changes.append(ItemChange("removed", o.number, None, o.name, before.services[a], None, o.lines, None))
        else:
            change = _compare(before, a, after, b, how or "")
            if change.renumbered or change.changed:
                changes.append(change)
            else:
                unchanged += 1
    changes.sort(key=lambda c: (c.number, c.kind != "removed"))
    return ChangeSet(
        old=str(before.minter.revision), new=str(after.minter.revision),
        old_source=old.source, new_source=new.source, items=tuple(changes), unchanged=unchanged,
        no_longer_cited=tuple(Cited(i, before.labels[i]) for i in sorted(before.cited - after.cited)),
        newly_cited=tuple(Cited(i, after.labels[i]) for i in sorted(after.cited - before.cited)),
        replaced=tuple(sorted(replaced)),
    )  # fmt: skip


def replaced_by(earlier: Iterable[tuple[str, str]], changes: ChangeSet, services: set[str]) -> Graph:
    """`old dct:isReplacedBy new` for the new revision: every service IRI an earlier revision
    said was replaced, and every one `changes` replaces, unless `services` (the new
    revision's) names it again (an item renamed back). Old IRIs keep resolving this way."""
    graph = Graph()
    for old, new in (*earlier, *changes.replaced):
        if old not in services:
            graph.add((URIRef(old), DCT.isReplacedBy, URIRef(new)))
    return graph


# ---- text ----


def _excerpt(old: str, new: str, context: int = 12) -> tuple[str, str]:
    """The differing middle of two texts with a little context, "…" where cut."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    lo = max(start - context, 0)

    def cut(text: str) -> str:
        hi = min(len(text) - end + context, len(text))
        return ("…" if lo else "") + text[lo:hi].replace("\n", "⏎") + ("…" if hi < len(text) else "")

    return cut(old), cut(new)


def _heading(c: ItemChange) -> str:
    if c.kind == "added":
        assert c.new_lines is not None  # an added item has its lines in the new file
        return (
            f"item {c.new_number} (第{c.new_number}项) {c.name}: added (新增), lines {c.new_lines[0]}-{c.new_lines[1]}"
        )
    if c.kind == "removed":
        return f"item {c.old_number} (第{c.old_number}项) {c.name}: removed (删除)"
    what = [f"renumbered from {c.old_number} (原第{c.old_number}项)"] if c.renumbered else []
    if c.changed:
        what.append("changed (修改)")
    if c.matched_by == "content":
        what.append("matched by content")
    return f"item {c.new_number} (第{c.new_number}项) {c.name}: {', '.join(what)}"


def to_text(changes: ChangeSet) -> str:
    """The change set to read, grouped by item."""
    s = changes.summary()
    out = [
        f"{changes.old_source} → {changes.new_source}",
        f"{s['added']} added, {s['removed']} removed, {s['renumbered']} renumbered, {s['modified']} modified,"
        f" {s['unchanged']} unchanged",
    ]
    for c in changes.items:
        out += ["", _heading(c)]
        for f in c.fields:
            old, new = _excerpt(f.old, f.new) if max(len(f.old), len(f.new)) > 60 else (f.old, f.new)
            out.append(f"  {f.field}: {old or '(empty)'} → {new or '(empty)'}")
        out += [f"  + cites {x.label}" for x in c.citations_added]
        out += [f"  - no longer cites {x.label}" for x in c.citations_removed]
    if changes.no_longer_cited:
        out += ["", "no longer cited by any item (不再被引用):"] + [f"  {x.label}" for x in changes.no_longer_cited]
    if changes.newly_cited:
        out += ["", "newly cited (新引用):"] + [f"  {x.label}" for x in changes.newly_cited]
    return "\n".join(out) + "\n"


# ---- RDF ----


def change_set_graph(changes: ChangeSet, created: Literal | None = None) -> Graph:
    """The change set as RDF (docs/model.md, "Revisions and change sets")."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    cs = URIRef(changes.iri)
    old, new = URIRef(changes.old), URIRef(changes.new)
    graph.add((cs, RDF.type, SG.ChangeSet))
    graph.add((cs, SG.fromRevision, old))
    graph.add((cs, SG.toRevision, new))
    if created is not None:
        graph.add((cs, DCT.created, created))
    for count, value in changes.summary().items():
        graph.add((cs, SG[_camel(f"{count}_count")], Literal(value)))
    graph += [(cs, SG.noLongerCited, URIRef(x.iri)) for x in changes.no_longer_cited]
    graph += [(cs, SG.newlyCited, URIRef(x.iri)) for x in changes.newly_cited]
    for n, change in enumerate(changes.items, 1):
        _add_change(graph, cs, URIRef(f"{cs}/item/{n}"), change)
    return graph


def _camel(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(word.title() for word in rest)


def _add_change(graph: Graph, cs: URIRef, node: URIRef, c: ItemChange) -> None:
    types = {"added": [SG.ServiceAdded], "removed": [SG.ServiceRemoved]}.get(c.kind, [])
    if c.renumbered:
        types.append(SG.ServiceRenumbered)
    if c.kind == "matched" and c.changed:
        types.append(SG.ServiceModified)
    graph += [
        (node, RDF.type, SG.ServiceChange),
        (node, SG.inChangeSet, cs),
        (node, DCT.title, Literal(c.name, lang="zh")),
    ]
    graph += [(node, RDF.type, t) for t in types]
    service = c.new_service or c.old_service
    assert service is not None  # a change has a service on one side at least
    graph.add((node, SG.service, URIRef(service)))
    if c.old_service:
        graph.add((node, SG.previousService, URIRef(c.old_service)))
    if c.old_number is not None:
        graph.add((node, SG.oldNumber, Literal(c.old_number)))
    if c.new_number is not None:
        graph.add((node, SG.newNumber, Literal(c.new_number)))
    for f in c.fields:
        fc = URIRef(f"{node}/field/{f.field}")
        graph += [
            (node, SG.fieldChange, fc),
            (fc, RDF.type, SG.FieldChange),
            (fc, SG.field, Literal(f.field)),
            (fc, SG.oldValue, Literal(f.old, lang="zh")),
            (fc, SG.newValue, Literal(f.new, lang="zh")),
        ]
    graph += [(node, SG.gainedLegalResource, URIRef(x.iri)) for x in c.citations_added]
    graph += [(node, SG.lostLegalResource, URIRef(x.iri)) for x in c.citations_removed]


# ---- validation reports across revisions ----
