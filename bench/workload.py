"""What the serving benches ask: shipped named queries (api/queries/*.rq) with parameters.

`request()` binds them as the API does (substitutions, never pasted into the text). A
SPARQL Protocol request cannot carry bindings, so for HTTP clients of any endpoint
`inlined()` writes each value in place of its variable (and drops it from the projection
and GROUP BY), as a client would by hand. (A VALUES block instead made rdflib-endpoint
thousands of times slower on describe.rq: no fair comparison.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from servicegraph.api import named_queries as nq
from servicegraph.api.query_guard import check_query
from servicegraph.graph.media_types import GRAPH_TYPES
from servicegraph.graph.namespaces import DEFAULT_BASE
from servicegraph.store.engine import QueryRequest
from servicegraph.store.formats import RESULTS_TYPES

_WHERE = re.compile(r"\bWHERE\s*\{")
_COMMENT_LINE = re.compile(r"^#.*\n", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    name: str  # the .rq file, without .rq
    bindings: dict[str, URIRef | Literal] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return nq.get(self.name).text

    @property
    def media_type(self) -> str:
        form = check_query(self.text)
        return (RESULTS_TYPES if form in ("SELECT", "ASK") else GRAPH_TYPES)[0]

    def request(self) -> QueryRequest:
        return QueryRequest(self.text, self.media_type, None, None, dict(self.bindings))

    def inlined(self) -> str:
        text = _COMMENT_LINE.sub("", self.text)
        match = _WHERE.search(text)
        if match is None:
            raise ValueError(f"{nq.get(self.name).file_name} has no WHERE group")
        head, body = text[: match.start()], text[match.start() :]
        select = check_query(text) == "SELECT"
        for name, term in self.bindings.items():
            variable = re.compile(rf"[?$]{name}\b")
            head = variable.sub("" if select else term.n3(), head)  # projected, or a template
            body = re.sub(rf"(GROUP BY\b[^\n]*?)\s[?$]{name}\b", r"\1", body)
            body = variable.sub(term.n3(), body)
        return head + body


CASES = (
    Case("shared-provisions", {"min_services": Literal(2)}),  # the flagship question
    Case("statute-services", {"document": URIRef(f"{DEFAULT_BASE}legal/中华人民共和国农业技术推广法")}),
    Case("describe", {"resource": URIRef(f"{DEFAULT_BASE}service/创业服务")}),
)
