"""Rendering a page: the same data as HTML (api/templates/), JSON, or its table as CSV.

`respond` chooses by `?format=html|json|csv`, else by Accept (HTML first: a page is for
people; a client asking for JSON or CSV gets the data the page shows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from servicegraph.api.linked_data import Links
from servicegraph.api.negotiation import HTML, JSON, negotiate
from servicegraph.api.pages import words
from servicegraph.api.tables import csv_response
from servicegraph.store.formats import CSV

OFFERED = (HTML, JSON, CSV)
PAGE = 100
"""Rows a page shows; the rest are behind its next link (?offset=)."""
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True)
env.globals.update(
    level_word=words.level_word,
    role_word=words.role_word,
    kind_word=words.kind_word,
    level_order=words.LEVEL_ORDER,
    match_words=words.MATCH_WORDS,
    concept_word=words.concept_word,
    short=words.short_label,
    status_word=words.status_word,
    change_word=words.change_word,
    standings=words.STANDINGS,
)
env.filters["q"] = lambda text: quote(str(text), safe="/")


@dataclass(frozen=True, slots=True)
class Table:
    """A page's table: `columns` are (key, heading) pairs; the CSV is named `name`."""

    name: str
    columns: Sequence[tuple[str, str]]
    rows: Sequence[Mapping[str, Any]] = field(default_factory=list)


def respond(
    request: Request, template: str, title: str, data: Any, table: Table | None = None, **context: Any
) -> Response:
    """The page `template` about `data` (a pydantic model or JSON-able value), negotiated."""
    offered = OFFERED if table is not None else (HTML, JSON)
    media_type = negotiate(offered, request.headers.get("accept"), request.query_params.get("format"), "this page")
    if media_type == JSON:
        return JSONResponse(jsonable_encoder(data), headers={"Vary": "Accept"})
    if media_type == CSV:
        assert table is not None
        headings = [heading for _, heading in table.columns]
        rows = [{heading: row.get(key) for key, heading in table.columns} for row in table.rows]
        return csv_response(headings, rows, table.name)
    csv_url, json_url = (
        f"{request.url.path}?{request.url.include_query_params(format=f).query}" for f in ("csv", "json")
    )
    link = Links(request.app.state.base)
    html = render(
        template,
        request=request,
        title=title,
        data=data,
        table=table,
        csv_url=csv_url,
        json_url=json_url,
        link=link,
        **context,
    )
    return HTMLResponse(html, headers={"Vary": "Accept"})


def render(template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)
