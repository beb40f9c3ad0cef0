"""Errors as a page for a browser (Accept preferring HTML), and as today's JSON otherwise."""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from servicegraph.api.negotiation import HTML, JSON, choose
from servicegraph.api.pages.render import render

TITLES = {404: "找不到页面 not found", 400: "请求有误 bad request", 503: "暂时无法回答 unavailable"}


def wants_html(request: Request) -> bool:
    return choose((JSON, HTML), request.headers.get("accept")) == HTML


async def error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if not wants_html(request):
        return await http_exception_handler(request, exc)
    title = TITLES.get(exc.status_code, f"错误 error {exc.status_code}")
    html = render("error.html", request=request, title=title, status=exc.status_code, detail=exc.detail, table=None)
    return HTMLResponse(html, status_code=exc.status_code, headers=getattr(exc, "headers", None))
