"""The revisions pages (with `serve --data-dir`): the list, one revision's validation report
grouped by item with its source lines, and what changed between any two revisions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from servicegraph.api import revisions as api
from servicegraph.api.pages.render import Table, respond

router = APIRouter(tags=["pages"], include_in_schema=False)  # pages for people

LIST_COLUMNS = (
    ("id", "修订 revision"), ("title", "标题 title"), ("source", "文件 file"), ("loaded", "载入时间 loaded (UTC)"),
    ("status", "状态 status"), ("items", "事项数 items"), ("violations", "违规 violations"),
    ("warnings", "警告 warnings"), ("current", "当前 current"),
)  # fmt: skip
REPORT_COLUMNS = (("item", "序号 item"), ("line", "行 line"), ("severity", "级别 severity"),
                  ("message", "说明 message"), ("text", "源文 source text"))  # fmt: skip
CHANGE_COLUMNS = (("kind", "变更 change"), ("old_number", "原序号 old"), ("new_number", "新序号 new"),
                  ("name", "事项名称 name"), ("what", "内容 what"))  # fmt: skip
KIND_WORDS = {"added": "新增 added", "removed": "删除 removed", "matched": "修改 changed"}


def _revisions(request: Request) -> api.Revisions:
    revisions = getattr(request.app.state, "revisions", None)
    if revisions is None:
        raise HTTPException(404, "this server keeps no revisions: start it with --data-dir 没有保存修订")
    return revisions


@router.get("/revisions")
async def revisions_page(request: Request) -> Response:
    revisions = _revisions(request)
    metas = revisions.store.revisions()
    rows = [
        {**m.to_json(), "violations": m.counts.get("Violation", 0), "warnings": m.counts.get("Warning", 0),
         "current": "是" if m.id == revisions.current else ""}
        for m in metas
    ]  # fmt: skip
    data = {"current": revisions.current, "revisions": [m.to_json() for m in metas]}
    return respond(request, "revisions.html", "目录修订", data, Table("revisions", LIST_COLUMNS, rows), rows=rows)


@router.get("/revisions/diff")
async def pick_diff(request: Request, old: str, new: str) -> RedirectResponse:
    """The two-select form of the list page lands here (it works without JavaScript)."""
    _revisions(request)
    return RedirectResponse(f"/revisions/{old}/diff/{new}", status_code=303)


@router.get("/revisions/{revision_id}")
async def revision_page(request: Request, revision_id: str) -> Response:
    revisions = _revisions(request)
    meta = api.revision_meta(revisions, revision_id)
    report = revisions.store.report_json(meta.id)
    lines = _source_lines(revisions, meta.id, meta.encoding)
    rows = [
        {"item": group["item"], "line": r["line"], "severity": r["severity"], "message": r["message"]["zh"],
         "message_en": r["message"]["en"], "text": lines.get(r["line"], "")}
        for group in report["items"] for r in group["results"]
    ]  # fmt: skip
    data = {"revision": meta.to_json(), "current": meta.id == revisions.current, "report": report}
    title = f"修订 {meta.id}"
    table = Table(f"report-{meta.id}", REPORT_COLUMNS, rows)
    return respond(request, "revision.html", title, data, table, meta=meta, lines=lines)


def _source_lines(revisions: api.Revisions, revision_id: str, encoding: str) -> dict[int, str]:
    """The revision's source, line by line (1-based), as the loader decoded it."""
    text = revisions.store.source(revision_id).decode(encoding, errors="replace")
    return dict(enumerate(text.splitlines(), 1))


@router.get("/revisions/{old}/diff/{new}")
async def diff_page(request: Request, old: str, new: str) -> Response:
    revisions = _revisions(request)
    changes = await api.change_set(revisions, old, new)
    rows = [{**c.to_json(), "kind": KIND_WORDS[c.kind], "what": _what(c.to_json())} for c in changes.items]
    data: dict[str, Any] = changes.to_json()
    table = Table(f"diff-{old}-{new}", CHANGE_COLUMNS, rows)
    return respond(request, "diff.html", f"修订比较 {old} → {new}", data, table, old=old, new=new)


def _what(change: dict[str, Any]) -> str:
    parts = [f"{f['field']}: {f['old']} → {f['new']}" for f in change["fields"]]
    parts += [f"+ {c['label']}" for c in change["citations_added"]]
    parts += [f"- {c['label']}" for c in change["citations_removed"]]
    return "；".join(parts)
