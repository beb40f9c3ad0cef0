"""The server's front page: where everything is, as HTML for browsers and JSON otherwise."""

from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from servicegraph.api.negotiation import HTML, choose

PAGE = Template((Path(__file__).parent / "templates" / "index.html").read_text(encoding="utf-8"))
ENTRIES = (
    ("/sparql", "SPARQL 1.1 endpoint (GET with no query: its service description)"),
    ("/api/provisions/shared?rollup=true", "articles cited by two or more services, most shared first"),
    ("/api/statutes?q=电力法", "cited documents by any variant of a title or issuing number"),
    ("/api/services", "every service of the current revision"),
    ("/api/queries", "the named SPARQL queries behind the API, to copy"),
    ("/docs", "the API's OpenAPI documentation"),
    ("/.well-known/void", "VoID description of the dataset"),
)

router = APIRouter(tags=["index"])


@router.get("/", summary="Where everything is")
async def index(request: Request) -> Response:
    links = [{"href": href, "title": title} for href, title in ENTRIES]
    if choose(("application/json", HTML), request.headers.get("accept"), None) == HTML:
        rows = "\n".join(
            f'<tr><td><a href="{escape(link["href"])}">{escape(link["href"])}</a></td>'
            f"<td>{escape(link['title'])}</td></tr>"
            for link in links
        )
        return HTMLResponse(PAGE.substitute(rows=rows))
    return JSONResponse({"links": links})
