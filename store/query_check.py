"""Whether a query calls SERVICE, decided by a real SPARQL parse (rdflib's grammar).

pyoxigraph runs SERVICE calls and cannot be told not to; the workers' sandbox
(store/sandbox.py) is what stops them. This check gives the client a clear refusal
before the engine runs anything. It parses the query (a word search was fooled by
`?a<'x>'`, which a tokenizer reads as an IRI and the engine as a comparison) and looks
for a SERVICE pattern in the parse tree. rdflib parses only 2 to 50 KB/s, so only a
text that may hold the keyword is parsed: "service" as a word, outside whole-line
comments, not glued to a variable, prefixed name or IRI path (`?service`,
`cpsv:PublicService`, `<…/service/…>`: no named query is parsed). The check runs in a worker, under the
query's time limit. What this check lets through (a text rdflib cannot parse, or a
keyword written in a way the filter did not foresee) is left to the engine's own parse:
if it calls SERVICE, the sandbox refuses the connection and the worker reports
`QueryForbidden` all the same.
"""

from __future__ import annotations

import re
from functools import lru_cache

SERVICE_REFUSED = "SERVICE (federated query) is refused: this endpoint never contacts other hosts"


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LINE_COMMENT = re.compile(r"^[ \t]*#[^\n\r]*", re.MULTILINE)  # a comment, or inside a long string
_MAY_BE_KEYWORD = re.compile(r"(?<![\w?$:/%-])service(?![\w-])", re.IGNORECASE)


def calls_service(query: str) -> bool:
    """True when `query` parses as a SPARQL query with a SERVICE pattern anywhere."""
    text = _ESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), query)
    text = _LINE_COMMENT.sub("", text)
    return _MAY_BE_KEYWORD.search(text) is not None and _parsed_calls_service(query)


@lru_cache(maxsize=64)  # per worker process: clients repeat their queries
def _parsed_calls_service(query: str) -> bool:
    from pyparsing import ParseBaseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(query)
    except (ParseBaseException, RecursionError, ValueError):
        return False  # the engine's parse decides; the sandbox holds either way
    pending: list[object] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            pending.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            pending.extend(node)
    return False
