"""A snapshot derived from the previous one: a checkpoint of it plus an edit.

`derive_snapshot` writes the next generation without reading the old one's data: a
RocksDB checkpoint (`Store.backup`: hard links to the previous generation's immutable
files when on the same file system) made from a read-only handle, so it runs while
query workers hold that generation open, then the edit's quads removed and added, then
the default graph rebuilt from the named graphs the edit names. What it costs grows with
the edit and the default graph, not with the other named graphs the store holds.

The statistics are updated by what changed rather than counted again: every triple the
edit adds or removes is looked up in the store (first in the default graph, the previous
revision's), and the subjects, properties and classes of those no graph held before.
They equal a recount (`snapshots.write_snapshot`) as long as the default graph is the
union of named graphs, as every generation of a revision store is.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from servicegraph.store.engine import Snapshot, Statistics

Pattern = tuple[ox.NamedNode | None, ox.NamedNode | None, ox.NamedNode | ox.Literal | None, ox.NamedNode]
"""Subject, predicate, object (None: any) in one named graph."""

Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Term = Subject | ox.Literal

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
EMPTY = Statistics(0, 0, 0, 0, 0, ())


@dataclass(frozen=True)
class Edit:
    """What makes the next generation of the previous one: the quads matching `removed`
    go, the quads `added` (in named graphs) come, and the default graph becomes the union
    of the named graphs `default`."""

    removed: tuple[Pattern, ...]
    added: Iterable[ox.Quad]
    default: tuple[ox.NamedNode, ...]


def _no_step(name: str) -> None:
    pass


def derive_snapshot(
    previous: Snapshot | None, path: Path, generation: int, edit: Edit, step: Callable[[str], None] = _no_step
) -> Snapshot:
    """The snapshot at `path` (which must not exist): `previous` (None: an empty store)
    with `edit` applied. `step` is called with "generation-copied" once the checkpoint is
    made and "writing-generation" once the removals are done."""
    if previous is not None:
        source = ox.Store.read_only(str(previous.path))
        try:
            source.backup(str(path))
        finally:
            del source
    step("generation-copied")
    store = ox.Store(str(path))
    tally = _Tally(store, previous.statistics if previous is not None else EMPTY)
    try:
        tally.remove([q for pattern in edit.removed for q in matching(store, *pattern)])
        step("writing-generation")
        tally.add(edit.added)
        store.clear_graph(ox.DefaultGraph())
        default_triples = _fill_default_graph(store, edit.default)
        store.flush()
    except BaseException as exc:
        # Every reference goes (the tally's, the traceback's frames'), so the writer is
        # closed before the caller removes the directory.
        del store, tally
        traceback.clear_frames(exc.__traceback__)
        raise
    statistics = tally.statistics(default_triples)
    del store, tally  # the writer closes: readers may open the generation
    return Snapshot(path, generation, statistics)


def matching(
    store: ox.Store, s: Subject | None, p: ox.NamedNode | None, o: Term | None, g: ox.NamedNode | None
) -> Iterator[ox.Quad]:
    """`store.quads_for_pattern`, less the quads that do not match: pyoxigraph 0.5.13 on
    disk gives (s, p, "1554"^^xsd:integer) for the pattern (s, p, "1535"^^xsd:integer)."""
    for quad in store.quads_for_pattern(s, p, o, g):
        bound = ((s, quad.subject), (p, quad.predicate), (o, quad.object), (g, quad.graph_name))
        if all(want is None or want == got for want, got in bound):
            yield quad


def _fill_default_graph(store: ox.Store, graphs: tuple[ox.NamedNode, ...]) -> int:
    """Copy the union of `graphs` into the default graph inside the engine (no quad
    crosses into Python); its size. A graph without blank nodes is dumped and bulk-loaded
    (no update transaction: ~3× faster); bulk loading would rename blank nodes."""
    for graph in graphs:
        if store.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }} }}"):
            store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        else:
            dump = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            store.bulk_load(dump, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    (row,) = store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")  # type: ignore[misc]
    return int(row["n"].value)


class _Tally:
    """The statistics of `store` as quads are removed from and added to its named graphs.

    Until the edit is done the default graph still holds the previous generation's: a
    triple found there is in some named graph, unless this edit removed it (a cheap test
    for the many triples a new revision shares with the one before).
    """

    def __init__(self, store: ox.Store, before: Statistics) -> None:
        self.store = store
        self.triples = before.triples
        self.subjects = before.distinct_subjects
        self.properties = before.properties
        self.classes = before.classes
        self.graphs: Counter[str] = Counter(dict(before.graphs))
        self.removed: set[tuple[Subject, ox.NamedNode, Term]] = set()

    def _named(self, s: Subject | None, p: ox.NamedNode | None, o: Term | None) -> bool:
        """Whether a named graph holds a quad matching the pattern."""
        return any(not isinstance(q.graph_name, ox.DefaultGraph) for q in matching(self.store, s, p, o, None))

    def _held(self, s: Subject, p: ox.NamedNode, o: Term) -> bool:
        if (s, p, o) not in self.removed and ox.Quad(s, p, o, ox.DefaultGraph()) in self.store:
            return True
        return self._named(s, p, o)

    def remove(self, quads: list[ox.Quad]) -> None:
        """Remove `quads` (each in a named graph), then count what no graph holds any more."""
        for quad in set(quads):
            self.store.remove(quad)
            self.graphs[quad.graph_name.value] -= 1  # type: ignore[union-attr]
        self.removed = {(q.subject, q.predicate, q.object) for q in quads}
        self.triples -= sum(not self._named(*t) for t in self.removed)
        self.subjects -= sum(not self._named(s, None, None) for s in {t[0] for t in self.removed})
        self.properties -= sum(not self._named(None, p, None) for p in {t[1] for t in self.removed})
        classes = {t[2] for t in self.removed if t[1] == _TYPE}
        self.classes -= sum(not self._named(None, _TYPE, c) for c in classes)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Count what `quads` bring that no graph held, then add them (after `remove`).

        Each new triple is looked up once (mostly in the default graph: the previous
        revision's); a subject, property or class of a triple held before is held, and only
        the others are looked up (a new revision's rows and cells, mostly)."""
        new = [q for q in dict.fromkeys(quads) if q.graph_name.value not in self.graphs or q not in self.store]  # type: ignore[union-attr]
        held_subjects: set[Subject] = set()
        held_properties: set[ox.NamedNode] = set()
        held_classes: set[Term] = set()
        for s, p, o in dict.fromkeys((q.subject, q.predicate, q.object) for q in new):
            if self._held(s, p, o):
                held_subjects.add(s)
                held_properties.add(p)
                if p == _TYPE:
                    held_classes.add(o)
            else:
                self.triples += 1
        for quad in new:
            self.graphs[quad.graph_name.value] += 1  # type: ignore[union-attr]
        subjects = {q.subject for q in new} - held_subjects
        properties = {q.predicate for q in new} - held_properties
        classes = {q.object for q in new if q.predicate == _TYPE} - held_classes
        self.subjects += sum(not self._named(s, None, None) for s in subjects)
        self.properties += sum(not self._named(None, p, None) for p in properties)
        self.classes += sum(not self._named(None, _TYPE, c) for c in classes)
        self.store.bulk_extend(new)

    def statistics(self, default_graph_triples: int) -> Statistics:
        graphs = tuple(sorted((g, n) for g, n in self.graphs.items() if n > 0))
        return Statistics(
            self.triples, default_graph_triples, self.subjects, self.properties, self.classes, graphs,
            modified=date.today().isoformat(),
        )  # fmt: skip
