"""The embedded store: pyoxigraph, chosen by `bench/store.py`.

Workers open a snapshot read-only, or copy it into memory when it is small enough, and
serialise each answer within a byte limit. A query calling SERVICE is refused
(store/query_check.py); in a worker, the sandbox refuses its connection all the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from servicegraph.store import limits
from servicegraph.store.engine import QueryRequest, QueryResult, Snapshot
from servicegraph.store.errors import QueryError, QueryForbidden, QuerySyntaxError, ResultTooLarge
from servicegraph.store.formats import GRAPH_FORMATS, RESULTS_FORMATS
from servicegraph.store.query_check import SERVICE_REFUSED, calls_service
from servicegraph.store.sparql_text import SubstitutionError, substitute

if TYPE_CHECKING:
    import rdflib


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

    def __init__(
        self, store: ox.Store, max_result_bytes: int = limits.MAX_RESULT_BYTES, default_graph: ox.Store | None = None
    ) -> None:
        self._store = store
        self._default_graph = default_graph
        self._max_result_bytes = max_result_bytes

    @classmethod
    def open_snapshot(
        cls, snapshot: Snapshot, max_result_bytes: int = limits.MAX_RESULT_BYTES, in_memory: bool = False
    ) -> OxigraphStore:
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
        if calls_service(request.query):
            raise QueryForbidden(SERVICE_REFUSED)
        try:
            results = self._store_for(request).query(
                bound_query(request),
                base_iri=request.base_iri,
                # pyoxigraph's stub types this as a list of a wider union (list is invariant)
                default_graph=_graph_list(request.default_graphs),  # type: ignore[arg-type]
                named_graphs=_graph_list(request.named_graphs),
            )
            buffer = _LimitedBuffer(self._max_result_bytes)
            # pyoxigraph's stubs want a whole IO[bytes] where serialize only calls write()
            if isinstance(results, ox.QueryTriples):
                results.serialize(buffer, _format(GRAPH_FORMATS, request.media_type))  # type: ignore[arg-type]
            else:
                results.serialize(buffer, _format(RESULTS_FORMATS, request.media_type))  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from None
        except PermissionError:  # the sandbox refused a connection: the engine ran a SERVICE call
            raise QueryForbidden(SERVICE_REFUSED) from None
        return QueryResult(request.media_type, buffer.getvalue())


def bound_query(request: QueryRequest) -> str:
    """The request's query with its bound values written into the text (`substitute`), as
    every engine runs it: pyoxigraph's own substitution hides the values from its planner
    (statute-citations.rq: 190 ms vs 40 ms at 100×; citation-status.rq for one document,
    4.5 s vs 0.4 s). `QuerySyntaxError` for a value no text can carry."""
    try:
        return substitute(request.query, {name: _sparql_term(term) for name, term in request.bindings.items()})
    except SubstitutionError as exc:
        raise QuerySyntaxError(str(exc)) from None


def _sparql_term(term: rdflib.term.Node) -> str:
    """A bound value in SPARQL syntax (N-Triples' term syntax is SPARQL's too)."""
    value = to_oxigraph(term)
    if isinstance(value, ox.BlankNode):
        raise QuerySyntaxError("a blank node cannot be bound to a query (in its text it would be a variable)")
    return str(value)


def _format(table: Mapping[str, ox.QueryResultsFormat | ox.RdfFormat], media_type: str):
    try:
        return table[media_type]
    except KeyError:
        raise QueryError(f"{media_type} cannot serialise this query's result") from None


def _graph_list(iris: tuple[str, ...] | None) -> list[ox.NamedNode | ox.BlankNode] | None:
    if iris is None:
        return None
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as exc:
        raise QuerySyntaxError(f"invalid graph IRI: {exc}") from None


def to_oxigraph(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
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


def to_oxigraph_triple(
    s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.term.Node
) -> tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]:
    """The pyoxigraph terms of an rdflib triple (to make `ox.Quad(*triple, graph)`)."""
    subject, predicate = to_oxigraph(s), to_oxigraph(p)
    if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
        raise TypeError(f"not an RDF triple: {s!r} {p!r} {o!r}")
    return subject, predicate, to_oxigraph(o)
