"""SPARQL query text, token by token: the lexer the endpoint's guard and the remote
engine share, and the rewriting both engines' queries get.

`substitute` puts bound values into the query text (SEP-0007's substitution, which the
SPARQL 1.1 Protocol cannot carry, and which pyoxigraph does natively but plans worse,
store/oxigraph.py `bound_query`): every
occurrence of the variable becomes the term, except where the grammar needs a variable
— a bare projection becomes `(term AS ?v)`, a bare GROUP BY or ORDER BY condition
`(term)`. Keywords, strings, IRIs and comments are left as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                | '''(?:[^'\\]|\\.|'(?!''))*'''
                | "(?:[^"\\\n\r]|\\.)*"
                | '(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<variable>[?$]\w+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w.:%-]|\\.)*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
"""One SPARQL token per match; the group name (`lastgroup`) is its kind."""

_CLAUSE_ENDS = frozenset({"WHERE", "FROM", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "SELECT"})


class SubstitutionError(ValueError):
    """A bound variable the query assigns itself (`AS ?v`, `VALUES ?v`): no term can stand there."""


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of every token, spaces and comments included."""
    for match in TOKEN.finditer(text):
        yield match.lastgroup or "other", match.group()


def keywords(text: str) -> list[str]:
    """The bare words of `text`, upper-cased, in order."""
    return [t.upper() for kind, t in tokens(text) if kind == "word"]


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED)."""
    return "FROM" in keywords(query)


def substitute(query: str, values: Mapping[str, str]) -> str:
    """`query` with each variable named in `values` (no `?`) replaced by its term,
    given in SPARQL syntax (`<iri>`, `"text"^^<datatype>`)."""
    if not values:
        return query
    out: list[str] = []
    clause: str | None = None  # "SELECT", "GROUP BY" or "ORDER BY" while inside one
    depth = 0  # parentheses open since the clause began
    previous = ""  # the last significant token, upper-cased
    for kind, text in tokens(query):
        upper = text.upper()
        if kind == "word":
            if upper in _CLAUSE_ENDS:
                clause = {"SELECT": "SELECT", "GROUP": "GROUP BY", "ORDER": "ORDER BY"}.get(upper)
                depth = 0
        elif text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif text in "{}" and kind == "other":
            clause = None
        if kind == "variable" and text[1:] in values:
            if previous in ("AS", "VALUES"):
                raise SubstitutionError(f"{text} is assigned by the query itself and cannot be substituted")
            text = _replacement(text, values[text[1:]], clause if depth == 0 else None)
        if kind not in ("space", "comment"):
            previous = upper
        out.append(text)
    return "".join(out)


def _replacement(variable: str, term: str, clause: str | None) -> str:
    if clause == "SELECT":
        return f"({term} AS {variable})"
    if clause in ("GROUP BY", "ORDER BY"):
        return f"({term})"
    return term
