"""`servicegraph validate FILE`: check a catalogue against the SHACL shapes.

Exit status: 0 when there is no Violation (warnings allowed), 1 when there is one,
2 when the file cannot be read (raised as CatalogueError, turned into 2 by the CLI) or
`--against` names no file and no revision of `--data-dir`.
"""

from __future__ import annotations

import argparse
import json
import sys

import pyoxigraph as ox

from servicegraph.cli.arguments import (
    add_base_argument,
    add_data_dir_argument,
    add_status_arguments,
    load_catalogue,
    revision_store,
    status_tables,
)
from servicegraph.cli.progress import Progress
from servicegraph.graph.build import CatalogueTriples
from servicegraph.graph.currency import with_currency
from servicegraph.graph.namespaces import base_iri
from servicegraph.graph.report_compare import (
    mark_new,
    new_by_result,
    report_turtle_against,
)
from servicegraph.graph.status import DocumentIndex, status_layer_of
from servicegraph.graph.validate import SEVERITIES, Report, Result, loaded, validate_store
from servicegraph.loaders.catalogue import read_catalogue
from servicegraph.store.revisions import RevisionError

HELP = "validate a catalogue with the SHACL shapes; print every result grouped by item"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="catalogue text file (UTF-8 or GB18030/GBK)")
    parser.add_argument(
        "--format", choices=("text", "json", "turtle"), default="text",
        help="text: results grouped by item, to read; json or turtle: the machine report",
    )  # fmt: skip
    add_base_argument(parser)
    parser.add_argument(
        "--against", metavar="OLD",
        help="an older revision (a file, or a revision id of --data-dir):"
        " mark each result new in this revision or already there",
    )  # fmt: skip
    add_data_dir_argument(parser)
    add_status_arguments(
        parser, "also check each citation against statute status files (Warning: to review; Info: status unknown);"
        " --status alone: the table shipped with servicegraph",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    try:
        store = revision_store(args.data_dir, args.base)
        older = load_catalogue(args.against, store) if args.against else None
    except (RevisionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    base = store.base if store else base_iri(args.base)
    catalogue = read_catalogue(args.file)
    built = CatalogueTriples(catalogue, base=base, issued=args.catalogue_date)
    report, checked = _validated(built)
    if args.status is not None:
        layer = status_layer_of(DocumentIndex.of(built.documents(), base), status_tables(args.status))
        report = with_currency(report, checked, layer)
    old = _validated(CatalogueTriples(older, base=base))[0] if older is not None else None
    new = new_by_result(old, report) if old is not None else None
    if old is not None and args.format == "json":
        doc = mark_new(report.to_json(), old.to_json(), args.against)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    elif new is not None and args.format == "turtle":
        sys.stdout.write(report_turtle_against(report, new))
    elif args.format == "json":
        sys.stdout.write(report.to_json_text() + "\n")
    elif args.format == "turtle":
        sys.stdout.write(report.to_turtle())
    else:
        sys.stdout.write(_text(report, args.file, len(catalogue.items), new, args.against))
    return 0 if report.conforms else 1


def _validated(built: CatalogueTriples) -> tuple[Report, ox.Store]:
    """Build and validate with progress bars (on a terminal): the builder's stream straight
    into the validator's store, no rdflib graph of the catalogue."""
    with Progress("building") as building:
        built.progress = building
        store = loaded(built)
    with Progress("validating") as validating:
        return validate_store(store, None, progress=validating), store


def _text(
    report: Report, source: str, item_count: int, new: dict[int, bool] | None = None, against: str | None = None
) -> str:
    counts = ", ".join(f"{report.count(s)} {s}" for s in SEVERITIES)
    out = [f"{source}: {item_count} items checked: {counts}"]
    if new is not None:
        out.append(f"against {against}: {sum(new.values())} new [new], {len(new) - sum(new.values())} already there")
    for item, results in report.by_item().items():
        out.append("")
        out.append(f"item {item} (第{item}项)" if item is not None else "catalogue-wide (全目录)")
        for result in results:
            line = _line(result, source)
            out.append("  [new] " + line[2:] if new is not None and new[id(result)] else line)
    return "\n".join(out) + "\n"


def _line(result: Result, source: str) -> str:
    where = f"{source}:{result.line}" if result.line is not None else source
    text = f"  {where}: {result.severity}: {result.message_zh} | {result.message_en}"
    if result.value_text is not None:
        text += f" [value: {result.value_text}]"
    if result.item is None:
        text += f" [{result.focus}]"
    return text
