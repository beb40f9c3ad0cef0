"""The store behind the SPARQL endpoint.

Two small interfaces: a `Store` answers one `QueryRequest` with a fully serialised
`QueryResult` (synchronously, in whatever process holds the data); a `QueryEngine`
is what the API awaits (the worker pool over an embedded store today; a remote engine
such as an `oxigraph` server can implement it later without touching the API).

The embedded implementation is pyoxigraph (chosen by `bench/store.py`). Data is
published as a read-only on-disk *snapshot* (one directory per generation) that worker
processes open read-only, or copy into memory when it is small enough.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from loaders.errors import CatalogueError

if TYPE_CHECKING:
    import rdflib

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
"""Media types a SELECT or ASK result can be serialised to."""

GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
"""Media types a CONSTRUCT or DESCRIBE result can be serialised to."""

DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
"""Dump files `snapshot_from_dump` reads, by suffix."""


class QueryError(Exception):
    """A query that got no result; `str()` is a message fit for the client."""


class QuerySyntaxError(QueryError):
    """The query (or a dataset IRI) does not parse."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class ResultTooLarge(QueryError):
    """The serialised result grew past the size limit."""


class EngineUnavailable(QueryError):
    """No worker could take the query (busy, or one died)."""


@dataclass(frozen=True, slots=True)
class QueryRequest:
    """One query to run.

    `media_type` is one of `RESULTS_FORMATS` or `GRAPH_FORMATS` (the API negotiated it
    for the query's form). `default_graphs`/`named_graphs` (IRIs), when not None,
    replace the query's FROM/FROM NAMED. `bindings` maps variable names (no `?`) to
    rdflib terms substituted as values, never pasted into the query text.
    """

    query: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    bindings: Mapping[str, rdflib.term.Identifier] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """A serialised answer; `generation` is the snapshot generation that answered it
    (set by a publishing engine; None from a bare `Store`)."""

    media_type: str
    body: bytes
    generation: int | None = None


@dataclass(frozen=True, slots=True)
class Statistics:
    """VoID statistics of a snapshot."""

    triples: int  # distinct triples over all graphs
    default_graph_triples: int
    distinct_subjects: int
    properties: int
    classes: int
    graphs: tuple[tuple[str, int], ...]  # (named graph IRI, triples), sorted by IRI


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A read-only store directory; `generation` orders successive publications."""

    path: Path
    generation: int
    statistics: Statistics


class Store(Protocol):
    def execute(self, request: QueryRequest) -> QueryResult: ...


class QueryEngine(Protocol):
    """What the API awaits. Implementations bound time and size themselves."""

    @property
    def statistics(self) -> Statistics | None: ...

    async def start(self) -> None: ...

    async def execute(self, request: QueryRequest) -> QueryResult: ...

    async def close(self) -> None: ...


class _LimitedBuffer:
    """A write-only byte buffer that raises `ResultTooLarge` past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(f"the result is larger than the limit of {self.limit} bytes")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


_MAY_READ_NAMED_GRAPHS = re.compile(r"\b(?:GRAPH|FROM)\b|\\[uU]", re.IGNORECASE)
"""A query without these words (nor a \\u escape that could spell them) reads only the
default graph: named graphs are reached through GRAPH patterns and FROM (NAMED) alone."""


class OxigraphStore:
    """The embedded store: a pyoxigraph `Store`, serialising within a byte limit.

    `default_graph`, when given, is a store holding only `store`'s default graph, and
    answers the queries that cannot reach a named graph: pyoxigraph's in-memory store
    slows down on default-graph patterns as named graphs are added (the flagship query
    takes 1.2 ms on the seed alone, 1.5 ms with its revision graph, 5 ms with three more).
    """

    def __init__(self, store: ox.Store, max_result_bytes: int, default_graph: ox.Store | None = None) -> None:
        self._store = store
        self._default_graph = default_graph
        self._max_result_bytes = max_result_bytes

    @classmethod
    def open_snapshot(cls, snapshot: Snapshot, max_result_bytes: int, in_memory: bool = False) -> OxigraphStore:
        """Open `snapshot` read-only, or copy it into memory (several times faster to query)."""
        on_disk = ox.Store.read_only(str(snapshot.path))
        if not in_memory:
            return cls(on_disk, max_result_bytes)
        memory = ox.Store()
        memory.bulk_extend(on_disk)
        default_graph = None
        if snapshot.statistics.graphs:
            default_graph = ox.Store()
            default_graph.bulk_extend(on_disk.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return cls(memory, max_result_bytes, default_graph)

    def _store_for(self, request: QueryRequest) -> ox.Store:
        if (
            self._default_graph is not None
            and request.default_graphs is None
            and request.named_graphs is None
            and not _MAY_READ_NAMED_GRAPHS.search(request.query)
        ):
            return self._default_graph
        return self._store

    def execute(self, request: QueryRequest) -> QueryResult:
        try:
            results = self._store_for(request).query(
                request.query,
                default_graph=_graph_list(request.default_graphs),
                named_graphs=_graph_list(request.named_graphs),
                substitutions={ox.Variable(k): to_oxigraph(v) for k, v in request.bindings.items()}
                or None,
            )
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from None
        buffer = _LimitedBuffer(self._max_result_bytes)
        if isinstance(results, ox.QueryTriples):
            results.serialize(buffer, _format(GRAPH_FORMATS, request.media_type))
        else:
            results.serialize(buffer, _format(RESULTS_FORMATS, request.media_type))
        return QueryResult(request.media_type, buffer.getvalue())


def _format(table: Mapping[str, ox.QueryResultsFormat | ox.RdfFormat], media_type: str):
    try:
        return table[media_type]
    except KeyError:
        raise QueryError(f"{media_type} cannot serialise this query's result") from None


def _graph_list(iris: tuple[str, ...] | None) -> list[ox.NamedNode] | None:
    if iris is None:
        return None
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as exc:
        raise QuerySyntaxError(f"invalid graph IRI: {exc}") from None


def to_oxigraph(term: rdflib.term.Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def write_snapshot(path: Path, generation: int, quads: Iterable[ox.Quad]) -> Snapshot:
    """Write `quads` to a fresh store directory at `path` (which must not exist)."""
    store = ox.Store(str(path))
    store.bulk_extend(quads)
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
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), _graph_name(g))
            for s, p, o, g in graph.quads((None, None, None, None))
        )
        return write_snapshot(path, generation, quads)
    names = [ox.DefaultGraph()]
    if isinstance(graph.identifier, URIRef):
        names.append(ox.NamedNode(str(graph.identifier)))
    quads = (
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)
        for s, p, o in graph
        for name in names
    )
    return write_snapshot(path, generation, quads)


def _graph_name(graph: rdflib.Graph | rdflib.term.Node | None) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    """A quad's graph: rdflib gives a Graph (ConjunctiveGraph) or its name (Dataset)."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    name = getattr(graph, "identifier", graph)
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return to_oxigraph(name)


_PARSE_LINE = re.compile(r"line (\d+)|at (\d+):")


def snapshot_from_dump(path: Path, generation: int, dump: Path) -> Snapshot:
    """A snapshot of an RDF dump (Turtle, N-Triples, N-Quads or TriG; named graphs kept).

    A dump with only named graphs gets their union as its default graph.

    Raises `CatalogueError` naming the file and line when the dump cannot be read.
    """
    rdf_format = DUMP_FORMATS.get(dump.suffix.lower())
    if rdf_format is None:
        raise CatalogueError(str(dump), None, f"not an RDF dump: use one of {', '.join(DUMP_FORMATS)}")
    store = ox.Store(str(path))
    try:
        store.bulk_load(path=str(dump), format=rdf_format)
    except SyntaxError as exc:
        del store
        shutil.rmtree(path, ignore_errors=True)
        match = _PARSE_LINE.search(str(exc))
        line = int(match.group(1) or match.group(2)) if match else None
        raise CatalogueError(str(dump), line, str(exc)) from None
    except OSError as exc:
        del store
        shutil.rmtree(path, ignore_errors=True)
        raise CatalogueError(str(dump), None, exc.strerror or str(exc)) from None
    if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None:
        store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object) for q in store])
    return _close(store, path, generation)


def _close(store: ox.Store, path: Path, generation: int) -> Snapshot:
    """Flush and drop the writer (readers must not open a store a writer holds)."""
    store.flush()
    statistics = _statistics(store)
    del store
    return Snapshot(path, generation, statistics)


QUERIES = Path(__file__).parent / "queries"


def _statistics(store: ox.Store) -> Statistics:
    sizes = store.query((QUERIES / "graph-sizes.rq").read_text(encoding="utf-8"))
    (counts,) = store.query((QUERIES / "statistics.rq").read_text(encoding="utf-8"), use_default_graph_as_union=True)
    return Statistics(
        triples=int(counts["triples"].value),
        default_graph_triples=sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())),
        distinct_subjects=int(counts["subjects"].value),
        properties=int(counts["properties"].value),
        classes=int(counts["classes"].value),
        graphs=tuple(sorted((s["g"].value, int(s["n"].value)) for s in sizes)),
    )
