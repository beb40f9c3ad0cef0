"""The dependency picture, drawn on the server as inline SVG: columns of boxes joined by
curves, e.g. document → provisions → services → agencies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

ROW = 30  # px between boxes of a column
BOX_HEIGHT = 22
GAP = 70  # px between columns, where the curves run
CHAR = 13.5  # px a CJK character takes at the picture's font size


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    href: str | None = None
    targets: Sequence[str] = field(default_factory=tuple)  # ids of nodes in the next column


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    width: int  # px
    nodes: Sequence[Node]


def dependencies(columns: Sequence[Column]) -> Markup:
    """Columns of boxes, left to right, each box joined to its targets in the next column."""
    height = ROW * max((len(c.nodes) for c in columns), default=1) + 40
    x, where, parts = 0, {}, []
    for column in columns:
        top = 30 + (height - 40 - ROW * len(column.nodes)) / 2
        parts.append(f'<text x="{x}" y="16" class="heading">{escape(column.heading)}</text>')
        for i, node in enumerate(column.nodes):
            y = top + i * ROW
            where[node.id] = (x, y + BOX_HEIGHT / 2, column.width)
            parts.append(_box(node, x, y, column.width))
        x += column.width + GAP
    curves = []
    for column in columns:
        for node in column.nodes:
            x0, y0, w0 = where[node.id]
            for target in node.targets:
                if target in where:
                    x1, y1, _ = where[target]
                    mid = (x0 + w0 + x1) / 2
                    curves.append(f'<path d="M{x0 + w0},{y0} C{mid},{y0} {mid},{y1} {x1},{y1}"/>')
    width = x - GAP
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        ' role="img" class="dependencies">'
        "<style>.heading{font-size:13px;fill:#616e7c}.node rect{fill:#f0f4f8;stroke:#9fb3c8}"
        ".node text{font-size:13px;fill:#1f2933}.curves path{fill:none;stroke:#0b5cad;stroke-opacity:.45}</style>"
        f'<g class="curves">{"".join(curves)}</g>{"".join(parts)}</svg>'
    )


def _box(node: Node, x: float, y: float, width: int) -> str:
    fits = int((width - 12) / CHAR)
    text = node.label if len(node.label) <= fits else node.label[: fits - 1] + "…"
    box = (
        f'<g class="node"><title>{escape(node.label)}</title>'
        f'<rect x="{x}" y="{y}" width="{width}" height="{BOX_HEIGHT}" rx="3"/>'
        f'<text x="{x + 6}" y="{y + 16}">{escape(text)}</text></g>'
    )
    return f'<a href="{escape(node.href)}">{box}</a>' if node.href else box
