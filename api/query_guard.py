"""What the endpoint refuses before a query reaches the engine, in linear time.

A query's form is its first keyword after the prologue (comments, BASE and PREFIX
declarations): the prologue is a regular language, scanned token by token, each
character read once, so no text can make the check slow. An update (LOAD included) is
refused here, as the endpoint is read-only (the engine's query parser could not run one
anyway). SERVICE can hide deeper in a query, where only a real parse tells a keyword from
a string or an IRI: the worker that runs the query parses it and refuses it
(store/query_check.py), and its sandbox refuses any connection regardless.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
FORMS: tuple[QueryForm, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

_IRIREF = r"""<[^<>"{}|^`\\\x00-\x20]*>"""
_PROLOGUE_TOKEN = re.compile(
    rf"""\s+ | \#[^\n\r]* | BASE\s*{_IRIREF} | PREFIX\s*(?:[^\W\d_][\w.\-]*)?:\s*{_IRIREF}""",
    re.VERBOSE | re.IGNORECASE,
)
_KEYWORD = re.compile(r"[A-Za-z]+")


class QueryRefused(Exception):
    """A request the endpoint will not run: `status` is the HTTP status to answer."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def check_query(query: str) -> QueryForm:
    """The query's form, or `QueryRefused`: 403 for an update, 400 for no query form."""
    position = 0
    while (token := _PROLOGUE_TOKEN.match(query, position)) is not None:
        position = token.end()
    keyword = _KEYWORD.match(query, position)
    word = keyword.group().upper() if keyword else ""
    if word in FORMS:
        return word
    if word == "LOAD":
        raise QueryRefused(403, "LOAD is refused: this endpoint is read-only and never fetches data")
    if word in UPDATE_KEYWORDS:
        raise QueryRefused(403, f"SPARQL Update ({word}) is refused: this endpoint is read-only")
    raise QueryRefused(400, "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue")
