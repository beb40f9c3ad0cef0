"""Tables as CSV: what every /api/ list and every page's table downloads as.

CSV is UTF-8 with a byte-order mark, so a spreadsheet opens Chinese right (Datasette's
choice). A JSON answer becomes rows by `rows_of`: nested objects become `parent_field`
columns, lists of values one cell joined with spaces.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import quote

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from servicegraph.api.context import Consistent, Handler
from servicegraph.api.negotiation import JSON, choose
from servicegraph.store.formats import CSV

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"


def csv_body(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """`rows` as CSV under a header of `columns`, UTF-8 with a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(_cell(row.get(c)) for c in columns)
    return (BOM + out.getvalue()).encode("utf-8")


def csv_response(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], filename: str) -> Response:
    return Response(
        csv_body(columns, rows),
        media_type=CSV_MEDIA_TYPE,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}.csv",
            "Vary": "Accept",
        },
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten(item: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """One row: nested objects as `parent_field`, lists as one cell (values joined by spaces,
    objects by their values joined with ':')."""
    row: dict[str, Any] = {}
    for name, value in item.items():
        column = f"{prefix}{name}"
        if isinstance(value, Mapping):
            row.update(flatten(value, f"{column}_"))
        elif isinstance(value, list):
            row[column] = " ".join(
                ":".join(_cell(v) for v in x.values()) if isinstance(x, Mapping) else _cell(x) for x in value
            )
        else:
            row[column] = value
    return row


def rows_of(document: Any) -> list[dict[str, Any]] | None:
    """The table a JSON answer holds: the answer itself when it is a list, else its `items`,
    the items of a page inside it, or its only list of objects; None when it holds none."""
    if isinstance(document, list):
        items = document
    elif isinstance(document, Mapping):
        pages = [v for v in document.values() if isinstance(v, Mapping) and "items" in v]  # e.g. an agency's services
        lists = [v for v in document.values() if isinstance(v, list) and v and isinstance(v[0], Mapping)]
        if "items" in document:
            items = document["items"]
        elif pages:
            items = pages[0]["items"]
        elif len(lists) == 1:  # the revisions list; a detail with several lists is no table
            items = lists[0]
        else:
            return None
    else:
        return None
    return [flatten(x) if isinstance(x, Mapping) else {"value": x} for x in items]


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    """Every column of `rows`, in order of first appearance."""
    return list(dict.fromkeys(c for row in rows for c in row))


def wants_csv(request: Request) -> bool:
    """Does the request ask for CSV (`format=csv`, or Accept preferring text/csv to JSON)?"""
    format = request.query_params.get("format")
    if format:
        return format.lower() == "csv"
    return choose((JSON, CSV), request.headers.get("accept")) == CSV


def output_format(
    format: Annotated[
        Literal["json", "csv"] | None,
        Query(description="csv: the list as CSV (UTF-8 with BOM); also `Accept: text/csv`."),
    ] = None,
) -> None:
    """Documents (and checks) the `format` parameter of every /api/ list."""


def tabular(model: Any) -> bool:
    """Does a response model hold a table (as `rows_of` finds one in its JSON)?"""
    if get_origin(model) is list:
        return True
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return False
    fields = model.model_fields
    if "items" in fields:
        return True
    kinds = [f.annotation for f in fields.values()]
    pages = [k for k in kinds if isinstance(k, type) and issubclass(k, BaseModel) and "items" in k.model_fields]
    lists = [k for k in kinds if get_origin(k) is list and issubclass(get_args(k)[0], BaseModel)]
    return bool(pages) or len(lists) == 1


class Tabular(Consistent):
    """A Consistent route whose JSON list answers also come as CSV when asked for (and
    whose OpenAPI says so)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tabular(self.response_model):
            content = self.responses.setdefault(200, {}).setdefault("content", {})
            content[CSV] = {"schema": {"type": "string"}}

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        name = self.path.strip("/").replace("/", "-").replace("{", "").replace("}", "")

        async def tabular(request: Request) -> Response:
            response = await handler(request)
            is_json = response.media_type == JSON  # FastAPI may answer a plain Response
            if not (wants_csv(request) and is_json and response.status_code == 200):
                return response
            rows = rows_of(json.loads(bytes(response.body)))
            if rows is None:
                return response
            return csv_response(columns_of(rows), rows, name)

        return tabular
