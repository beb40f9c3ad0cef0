"""`servicegraph statutes FILE`: every cited document, its variant spellings, who cites each,
and why they were merged."""

from __future__ import annotations

import argparse
import json
import sys

from servicegraph.cli.arguments import add_base_argument
from servicegraph.graph.build import document_iris
from servicegraph.graph.iris import Minter
from servicegraph.graph.namespaces import base_iri
from servicegraph.graph.statutes import Document, identify
from servicegraph.loaders.catalogue import read_catalogue

HELP = "list the legal documents a catalogue cites, with their variant titles and merge reasons"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="catalogue text file")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_base_argument(parser)


def run(args: argparse.Namespace) -> int:
    base = base_iri(args.base)
    catalogue = read_catalogue(args.file)
    statutes = identify(catalogue.items)
    iris = document_iris(statutes, Minter(base, catalogue.sha256))
    if args.format == "json":
        out = [{"iri": str(iris[id(d)]), **d.to_json()} for d in statutes.documents]
        text = json.dumps(out, ensure_ascii=False, indent=1)
    else:
        merged = sum(len(d.spellings) > 1 for d in statutes.documents)
        head = f"{catalogue.source}: {len(statutes.documents)} documents, {merged} cited in more than one way"
        text = "\n\n".join([head] + [_text(d, str(iris[id(d)])) for d in statutes.documents])
    sys.stdout.write(text + "\n")
    return 0


def _text(doc: Document, iri: str) -> str:
    number = f"  {doc.number.text}" if doc.number else ""
    lines = [f"《{doc.title}》{number}  [{doc.kind}]", f"  {iri}"]
    for s in doc.spellings:
        written = f"  ({s.doc_number})" if s.doc_number else ""
        items = ", ".join(map(str, s.items))
        lines.append(f"  - 《{s.title}》{written}  cited by item {items}")
    for m in doc.merges:
        lines.append(
            f"  merged 《{doc.spellings[m.spelling].title}》 with 《{doc.spellings[m.other].title}》: {m.reason}"
        )
    lines += [f"  {note}" for note in doc.kept_apart]
    return "\n".join(lines)
