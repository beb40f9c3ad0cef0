"""`servicegraph impact FILE FACTS`: what status facts not yet published would touch.

Reads FACTS (a status file) against the catalogue FILE and its current status layer, and
lists per fact the services citing its document, their agencies and levels, and whether
each would need review. Nothing is kept. Exit 0; 2 when a file (or a row) is bad.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from servicegraph.api.review import impact, local_runner
from servicegraph.cli.arguments import add_base_argument, add_status_arguments, status_tables
from servicegraph.graph.build import build_graph
from servicegraph.graph.namespaces import base_iri
from servicegraph.graph.status import status_layer
from servicegraph.loaders.catalogue import read_catalogue
from servicegraph.loaders.status import read_status

HELP = "list the services, agencies and levels an unpublished status fact would touch"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="catalogue text file (UTF-8 or GB18030/GBK)")
    parser.add_argument("facts", type=Path, help="the unpublished facts: a status file (CSV, docs/status.md)")
    add_status_arguments(parser, "the status already published (default: the table shipped with servicegraph)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_base_argument(parser)


def run(args: argparse.Namespace) -> int:
    base = base_iri(args.base)
    facts = read_status(args.facts)
    catalogue = build_graph(read_catalogue(args.file), base=base, issued=args.catalogue_date)
    layer = status_layer(catalogue, status_tables(args.status), base)
    result = asyncio.run(impact(local_runner([catalogue, layer]), facts, base))
    if args.format == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_text(result, str(args.facts)))
    return 0


def _text(result: dict[str, Any], source: str) -> str:
    out = [
        f"{source}: {len(result['facts'])} unpublished fact(s) would touch {len(result['services'])} service(s),"
        f" {len(result['agencies'])} agencies, levels: {', '.join(result['levels']) or 'none'}"
    ]
    for fact in result["facts"]:
        out += ["", f"{source}:{fact['line']}: 《{fact['document_title']}》 {fact['event']} {fact['date']}"]
        for s in fact["services"]:
            levels = ", ".join(f"{lv['level']}:{lv['role']}" for lv in s["levels"])
            review = "review" if s["review_after"] else "no review"
            if s["review_before"]:
                review += " (already)"
            out.append(f"  item {s['number']} {s['title']}: {review}; {'、'.join(s['provisions'])}")
            out.append(f"    agencies: {'、'.join(s['agencies']) or '-'}; levels: {levels or '-'}")
    return "\n".join(out) + "\n"
