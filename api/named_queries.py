"""The named queries of `api/queries/*.rq`: loading them and running them with bound parameters.

Parameters are RDF terms handed to the store, which writes each as one SPARQL term in
place of its variable (SEP-0007's substitution, `store.oxigraph.bound_query`), never as
raw text, so a crafted value cannot change a query. A substituted variable
must be in the query's SELECT projection (every .rq projects its parameters); a
parameter given as None stays unbound and matches anything. Paging is the only text the
server adds: `LIMIT`/`OFFSET` with two validated non-negative integers. A `Runner`
serves one request, whose queries must all be answered by one generation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from servicegraph.graph import currency
from servicegraph.store.engine import QueryRequest, QueryResult
from servicegraph.store.errors import QueryError, QuerySyntaxError
from servicegraph.store.formats import SPARQL_JSON

QUERY_DIR = Path(__file__).resolve().parent / "queries"
QUERY_FILES = (*sorted(QUERY_DIR.glob("*.rq")), currency.QUERY)
"""The API's queries, and the currency check's, whose home is graph/ (it also runs in process)."""

Term = URIRef | Literal
"""A parameter value: an IRI or a literal."""

Value = str | int | float | bool | None
"""A result cell as plain JSON: an IRI or a literal's Python value, None when unbound."""

Row = dict[str, Value]


def integer(value: Value) -> int:
    """A cell the query always binds (a number, a count) as an int."""
    if value is None:
        raise ValueError("a named query left unbound a variable it always binds")
    return int(value)


def optional_integer(value: Value) -> int | None:
    """A cell of an OPTIONAL pattern as an int; None when unbound."""
    return None if value is None else int(value)


Execute = Callable[[QueryRequest], Awaitable[QueryResult]]
"""Runs one query within the engine's time and size limits (`QueryEngine.execute`)."""

_PARAM = re.compile(r"\?([A-Za-z_][A-Za-z0-9_]*) \(")


class UnknownQuery(KeyError):
    """No .rq file of that name."""


class BrokenQuery(QueryError):
    """A shipped .rq file the engine cannot parse: the server's fault, not the client's."""


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str  # the file name without .rq
    text: str
    description: str  # the header comment, without its "# "
    parameters: tuple[str, ...]  # variables the header lists as "?name (type)"
    folder: str = "api/queries"  # where its file is in the repository

    @property
    def file_name(self) -> str:
        return f"{self.name}.rq"


@contextmanager
def _blamed_on(query: NamedQuery) -> Iterator[None]:
    """Turn a syntax error into a `BrokenQuery` naming the .rq file."""
    try:
        yield
    except QuerySyntaxError as exc:
        where = f"{query.folder}/{query.file_name}"
        raise BrokenQuery(f"the named query {where} does not parse: {exc}") from None


class DataChanged(Exception):
    """Two queries of one runner were answered by different generations: a publication
    came between them, so their answers may not agree."""


@dataclass(slots=True)
class Runner:
    """Runs the queries of one request through `send` (an engine's `execute`) over
    `default_graphs` (None: the store's default graph, as the API runs them).

    Every answer must come from the generation that gave the first one, else
    `DataChanged`: the answers a runner returns always agree with each other.
    """

    send: Execute
    default_graphs: tuple[str, ...] | None = None
    _generation: int | None = field(default=None, init=False)
    _answered: bool = field(default=False, init=False)

    async def execute(self, request: QueryRequest) -> QueryResult:
        result = await self.send(request)
        if not self._answered:
            self._generation, self._answered = result.generation, True
        elif result.generation != self._generation:
            raise DataChanged(f"answered by generation {self._generation}, then {result.generation}")
        return result

    async def select(self, query: str, bindings: Mapping[str, Term]) -> list[Row]:
        request = QueryRequest(query, SPARQL_JSON, self.default_graphs, None, dict(bindings))
        return decode_results(await self.execute(request))


def decode_results(result: QueryResult) -> list[Row]:
    """The rows of a SPARQL JSON result, every variable of the head in each row."""
    doc = json.loads(result.body)
    names = doc["head"]["vars"]
    return [{n: _value(b.get(n)) for n in names} for b in doc["results"]["bindings"]]


_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _value(cell: dict[str, str] | None) -> Value:
    if cell is None:
        return None
    if cell["type"] == "uri":
        return cell["value"]
    if cell.get("datatype") == _INTEGER:  # numbers and counts: int() is 30x faster than rdflib's Literal
        return int(cell["value"])
    if cell["type"] == "bnode":
        return BNode(cell["value"]).n3()
    literal = Literal(cell["value"], datatype=cell.get("datatype"), lang=cell.get("xml:lang"))
    value = literal.toPython()
    return value if isinstance(value, (str, int, float, bool)) else str(literal)


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line.lstrip("# ").rstrip())
    description = " ".join(header)
    params_line = description.partition("Parameters:")[2]
    folder = f"{path.parent.parent.name}/{path.parent.name}"
    return NamedQuery(path.stem, text, description, tuple(_PARAM.findall(params_line)), folder)


@cache
def load_queries() -> dict[str, NamedQuery]:
    """Every named query (`QUERY_FILES`), by name, sorted by name."""
    return {q.name: q for q in sorted(map(_parse, QUERY_FILES), key=lambda q: q.name)}


def get(name: str) -> NamedQuery:
    try:
        return load_queries()[name]
    except KeyError:
        raise UnknownQuery(name) from None


def _bound(query: NamedQuery, params: Mapping[str, Term | None]) -> dict[str, Term]:
    unknown = set(params) - set(query.parameters)
    if unknown:
        raise ValueError(f"{query.file_name} takes no parameter {sorted(unknown)}")
    return {k: v for k, v in params.items() if v is not None}


async def run(runner: Runner, name: str, params: Mapping[str, Term | None] | None = None) -> list[Row]:
    """All rows of the named query `name` with `params` bound."""
    query = get(name)
    with _blamed_on(query):
        return await runner.select(query.text, _bound(query, params or {}))


async def run_page(
    runner: Runner,
    name: str,
    params: Mapping[str, Term | None] | None,
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    """One page of `name` and the true total from `name.count`: (rows, total)."""
    if not (isinstance(limit, int) and isinstance(offset, int) and limit >= 0 and offset >= 0):
        raise ValueError("limit and offset must be non-negative integers")
    query = get(name)
    bound = _bound(query, params or {})
    with _blamed_on(query):
        rows = await runner.select(f"{query.text.rstrip()}\nLIMIT {limit} OFFSET {offset}\n", bound)
    return rows, await total(runner, f"{name}.count", params)


async def total(runner: Runner, name: str, params: Mapping[str, Term | None] | None = None) -> int:
    """The sum of the ?total column of a count query; 0 when it has no rows (no group)."""
    return sum(int(row["total"] or 0) for row in await run(runner, name, params))


async def construct(runner: Runner, name: str, params: Mapping[str, Term | None], media_type: str) -> bytes:
    """The graph the CONSTRUCT query `name` builds with `params` bound, as `media_type`."""
    query = get(name)
    request = QueryRequest(query.text, media_type, runner.default_graphs, None, _bound(query, params))
    with _blamed_on(query):
        return (await runner.execute(request)).body
