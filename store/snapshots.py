"""Snapshots: read-only store directories written from a graph, quads, triple streams or a dump.

`load_source` is how a served file becomes a snapshot: an RDF dump as it is, a
catalogue built straight into the store (its triples streamed as N-Quads to pyoxigraph's
bulk loader: no rdflib graph of the whole catalogue).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from servicegraph.graph import ntriples
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.store.engine import Snapshot, Statistics
from servicegraph.store.errors import DumpError
from servicegraph.store.formats import DUMP_FORMATS
from servicegraph.store.oxigraph import to_oxigraph, to_oxigraph_triple

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

    from servicegraph.graph.status import DocumentIndex

Layer = tuple["rdflib.URIRef", Iterable[tuple["Node", "Node", "Node"]]]
"""A named graph's IRI and its triples."""


def write_snapshot(path: Path, generation: int, quads: Iterable[ox.Quad]) -> Snapshot:
    """Write `quads` to a fresh store directory at `path` (which must not exist)."""
    store = ox.Store(str(path))
    try:
        store.bulk_extend(quads)
    except BaseException:
        del store  # closed before the caller removes the directory
        raise
    return _close(store, path, generation)


def snapshot_from_graph(path: Path, generation: int, graph: rdflib.Graph) -> Snapshot:
    """A snapshot of an rdflib graph.

    A Dataset keeps its named graphs. A plain graph named by an IRI (a revision from
    `build_graph`) goes in that named graph and is also the default graph.
    """
    from rdflib import URIRef
    from rdflib.graph import ConjunctiveGraph

    if isinstance(graph, ConjunctiveGraph):
        quads = (
            ox.Quad(*to_oxigraph_triple(s, p, o), _graph_name(g))
            for s, p, o, g in graph.quads((None, None, None, None))
        )
        return write_snapshot(path, generation, quads)
    if isinstance(graph.identifier, URIRef):
        return snapshot_from_layers(path, generation, [(graph.identifier, graph)])
    quads = (ox.Quad(*to_oxigraph_triple(s, p, o)) for s, p, o in graph)
    return write_snapshot(path, generation, quads)


def snapshot_from_layers(path: Path, generation: int, layers: Iterable[Layer]) -> Snapshot:
    """A snapshot of each layer's triples in its named graph and all of them in the default
    graph, streamed to pyoxigraph's bulk loader as N-Quads."""

    def nquads() -> Iterator[str]:
        for name, triples in layers:
            in_graph = f" {ntriples.term(name)} .\n"
            for line in ntriples.lines(triples):
                yield line
                yield line[:-3] + in_graph

    store = ox.Store(str(path))
    try:
        ntriples.load(store, nquads(), quads=True)
    except BaseException:
        del store  # closed before the caller removes the directory
        raise
    return _close(store, path, generation, default_holds_all=True)


def layered_quads(graphs: Iterable[rdflib.Graph]) -> Iterator[ox.Quad]:
    """Each graph in its named graph (its identifier, an IRI), and all of them in the
    default graph: a catalogue revision and its status layer are read together there and
    kept apart in their named graphs."""
    for graph in graphs:
        name = ox.NamedNode(str(graph.identifier))
        for s, p, o in graph:
            triple = to_oxigraph_triple(s, p, o)
            yield ox.Quad(*triple, ox.DefaultGraph())
            yield ox.Quad(*triple, name)


def _graph_name(graph: rdflib.Graph | rdflib.term.Node | None) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    """A quad's graph: rdflib gives a Graph (ConjunctiveGraph) or its name (Dataset)."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    name = getattr(graph, "identifier", graph)
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    term = to_oxigraph(name)
    if isinstance(term, ox.Literal):
        raise TypeError(f"not a graph name: {name!r}")
    return term


_PARSE_LINE = re.compile(r"line (\d+)|at (\d+):")


def snapshot_from_dump(path: Path, generation: int, dump: Path) -> Snapshot:
    """A snapshot of an RDF dump (Turtle, N-Triples, N-Quads or TriG; named graphs kept).

    A dump with only named graphs gets their union as its default graph.

    Raises `DumpError` naming the file and line when the dump cannot be read.
    """
    rdf_format = DUMP_FORMATS.get(dump.suffix.lower())
    if rdf_format is None:
        raise DumpError(str(dump), None, f"not an RDF dump: use one of {', '.join(DUMP_FORMATS)}")
    store = ox.Store(str(path))
    try:
        store.bulk_load(path=str(dump), format=rdf_format)
    except SyntaxError as exc:
        del store
        shutil.rmtree(path, ignore_errors=True)
        match = _PARSE_LINE.search(str(exc))
        line = int(match.group(1) or match.group(2)) if match else None
        raise DumpError(str(dump), line, str(exc)) from None
    except OSError as exc:
        del store
        shutil.rmtree(path, ignore_errors=True)
        raise DumpError(str(dump), None, exc.strerror or str(exc)) from None
    if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None:
        store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object) for q in store])
    return _close(store, path, generation)


def _close(store: ox.Store, path: Path, generation: int, default_holds_all: bool = False) -> Snapshot:
    """Flush and drop the writer (readers must not open a store a writer holds)."""
    store.flush()
    statistics = _statistics(store, default_holds_all)
    del store
    return Snapshot(path, generation, statistics)


def _select(store: ox.Store, name: str, union: bool = False) -> ox.QuerySolutions:
    query = resources.files("servicegraph.store").joinpath("queries", name).read_text(encoding="utf-8")
    solutions = store.query(query, use_default_graph_as_union=union)
    assert isinstance(solutions, ox.QuerySolutions), f"{name} is not a SELECT query"
    return solutions


def _statistics(store: ox.Store, default_holds_all: bool) -> Statistics:
    """The store's statistics; counted in the default graph alone when it holds every triple
    (a third of the time of counting distinct triples over the union of the graphs)."""
    with ThreadPoolExecutor(max_workers=2) as threads:  # pyoxigraph counts without the GIL
        sizes = threads.submit(lambda: list(_select(store, "graph-sizes.rq")))
        if default_holds_all:
            (counts,) = _select(store, "statistics-of-default-graph.rq")
            default_graph_triples = int(counts["triples"].value)
        else:
            (counts,) = _select(store, "statistics.rq", union=True)
            default_graph_triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return Statistics(
        triples=int(counts["triples"].value),
        default_graph_triples=default_graph_triples,
        distinct_subjects=int(counts["subjects"].value),
        properties=int(counts["properties"].value),
        classes=int(counts["classes"].value),
        graphs=tuple(sorted((s["g"].value, int(s["n"].value)) for s in sizes.result())),
        modified=date.today().isoformat(),
    )


def load_source(
    source: Path,
    directory: Path,
    base: str = DEFAULT_BASE,
    issued: date | None = None,
    status: Callable[[DocumentIndex], rdflib.Graph] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Snapshot:
    """A snapshot of `source` in `directory`: an RDF dump as is, a catalogue built into it
    (read at `issued`, when given; `progress(done, total)` after each item), with the status
    layer `status` makes from the catalogue's documents, if any."""
    if source.suffix.lower() in DUMP_FORMATS:
        if status is not None:
            raise DumpError(str(source), None, "a status layer is built over a catalogue, not a dump")
        return snapshot_from_dump(directory, 1, source)
    from servicegraph.graph.build import CatalogueTriples
    from servicegraph.graph.status import DocumentIndex
    from servicegraph.loaders.catalogue import read_catalogue

    built = CatalogueTriples(read_catalogue(source), base, issued=issued, progress=progress)
    layers: list[Layer] = [(built.revision, built)]
    if status is not None:
        layer = status(DocumentIndex.of(built.documents(), base))
        layers.append((layer.identifier, layer))  # type: ignore[arg-type]  # a status layer is named by an IRI
    return snapshot_from_layers(directory, 1, layers)
