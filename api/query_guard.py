"""What the endpoint refuses before a query reaches the store.

A lexical check: the query is split into SPARQL tokens (store/sparql_text.py) so that
keywords inside strings, IRIs, comments, variables and prefixed names are never mistaken
for operations. Updates (including LOAD) are refused because the endpoint is read-only;
SERVICE because no request may leave the host. (FROM only selects graphs already in
the store: the embedded engine never fetches it.)
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from servicegraph.store.sparql_text import keywords

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
FORMS: tuple[QueryForm, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"})

_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryRefused(Exception):
    """A request the endpoint will not run: `status` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _decode_escape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group()


@lru_cache(maxsize=1024)  # clients repeat their queries: tokenising is most of the check
def check_query(query: str) -> QueryForm:
    """The query's form, or `QueryRefused` for an update, SERVICE, or no query form."""
    words = keywords(query)
    # SPARQL allows \u escapes anywhere; engines differ on where they decode them,
    # so a word refused in either reading is refused.
    unescaped = _CODEPOINT_ESCAPE.sub(_decode_escape, query)
    decoded = keywords(unescaped) if unescaped != query else words
    _refuse_operations(set(words) | set(decoded))
    for word in words:
        if word in FORMS:
            return word
    raise QueryRefused(400, "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


def _refuse_operations(words: set[str]) -> None:
    if "LOAD" in words:
        raise QueryRefused(403, "LOAD is refused: this endpoint is read-only and never fetches data")
    updates = sorted(UPDATE_KEYWORDS.intersection(words))
    if updates:
        raise QueryRefused(403, f"SPARQL Update ({', '.join(updates)}) is refused: this endpoint is read-only")
    if "SERVICE" in words:
        raise QueryRefused(403, "SERVICE (federated query) is refused: this endpoint never contacts other hosts")
