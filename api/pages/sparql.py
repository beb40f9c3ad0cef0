"""/sparql for people: the YASGUI editor with the named queries as examples, and a SELECT's
results as an HTML table (or CSV for a spreadsheet) when a browser sends a query itself.

api/sparql.py calls these when the client prefers HTML; machines get the protocol as before.
"""

from __future__ import annotations

import json

from fastapi import Request
from fastapi.responses import HTMLResponse

from servicegraph.api import named_queries as nq
from servicegraph.api.pages.render import render
from servicegraph.api.pages.static import YASGUI


def editor_page(request: Request) -> HTMLResponse:
    """The editor, the named queries beside it (their text in a JSON island for the script)."""
    queries = [q for q in nq.load_queries().values() if not q.name.endswith(".count")]
    examples = {q.name: q.text for q in queries}
    html = render(
        "sparql.html",
        request=request,
        title="SPARQL 查询",
        table=None,
        queries=queries,
        examples=json.dumps(examples, ensure_ascii=False).replace("</", "<\\/"),
        yasgui=YASGUI,
    )
    return HTMLResponse(html, headers={"Vary": "Accept"})


def table(result_body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """A SPARQL JSON result as columns and rows of plain text (ASK: one column 'boolean')."""
    doc = json.loads(result_body)
    if "boolean" in doc:
        return ["boolean"], [{"boolean": str(doc["boolean"]).lower()}]
    columns = doc["head"]["vars"]
    rows = [{c: cell["value"] for c, cell in b.items()} for b in doc["results"]["bindings"]]
    return columns, rows


def results_page(request: Request, query: str, result_body: bytes) -> HTMLResponse:
    columns, rows = table(result_body)
    html = render(
        "sparql_results.html", request=request, title="SPARQL 结果", table=None, query=query, columns=columns, rows=rows
    )
    return HTMLResponse(html, headers={"Vary": "Accept"})
