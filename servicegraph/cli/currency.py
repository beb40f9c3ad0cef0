"""`servicegraph currency FILE`: is each service's legal basis still law?

Every citation gets one status (graph/currency.py): in force as cited, amended since the
catalogue's date (review), replaced or repealed (with the replacement and where the
provision went, where known), or unknown. Exit status: 1 when a service rests only on
repealed or replaced law, else 0; 2 when a file cannot be read (a status file's bad rows
are each named with their line).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from servicegraph.cli.arguments import add_base_argument, add_status_arguments, status_tables
from servicegraph.graph.build import build_graph
from servicegraph.graph.currency import Currency, check_graphs
from servicegraph.graph.namespaces import base_iri
from servicegraph.graph.status import status_layer
from servicegraph.loaders.catalogue import read_catalogue

HELP = "check each service's legal basis against statute status facts: in force, amended, replaced, repealed"

CSV_COLUMNS = (
    "number", "service", "line", "provision", "document", "status", "since", "replacement",
    "change", "changed_to", "source", "reason_zh", "reason_en",
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="catalogue text file (UTF-8 or GB18030/GBK)")
    add_status_arguments(
        parser, "statute status files (CSV, docs/status.md); default: the table shipped with servicegraph"
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    add_base_argument(parser)


def run(args: argparse.Namespace) -> int:
    result = currency_of(args)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(_csv(result))
    else:
        sys.stdout.write(_text(result, args.file))
    return 1 if result.only_repealed else 0


def currency_of(args: argparse.Namespace) -> Currency:
    """The check of `args.file` with `args.status` (None or none: the shipped table)."""
    base = base_iri(args.base)
    catalogue = build_graph(read_catalogue(args.file), base=base, issued=args.catalogue_date)
    layer = status_layer(catalogue, status_tables(args.status), base)
    return check_graphs([catalogue, layer])


def _text(result: Currency, source: str) -> str:
    read_at = result.read_at.isoformat() if result.read_at else "unknown (every amendment counts; --catalogue-date)"
    out = [
        f"{source}: {len(result.services)} services citing {result.documents} documents;"
        f" {result.documents_known} of the {result.documents} cited documents have a known status",
        f"citations read at: {read_at}",
        f"services to review: {sum(s.review for s in result.services)};"
        f" resting only on repealed law: {len(result.only_repealed)}"
        + (f" (items {', '.join(str(s.number) for s in result.only_repealed)})" if result.only_repealed else ""),
    ]
    for service in result.services:
        flag = " [only repealed law]" if service.only_repealed else " [review]" if service.review else ""
        out += ["", f"item {service.number} (第{service.number}项) {service.title}{flag}"]
        for c in service.citations:
            zh, en = c.reason
            where = f"{source}:{c.line}" if c.line is not None else source
            out.append(f"  {where}: {c.provision_label}: {c.status}: {zh} | {en}")
    return "\n".join(out) + "\n"


def _csv(result: Currency) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for service in result.services:
        for c in service.citations:
            writer.writerow(
                (
                    c.number, c.title, c.line, c.provision_label, c.document_title, c.status,
                    c.since.isoformat() if c.since else "", c.replacement_title or "", c.change or "",
                    c.changed_to_label or "", c.source or "", *c.reason,
                )
            )  # fmt: skip
    return out.getvalue()
