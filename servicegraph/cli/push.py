"""`servicegraph push`: load a catalogue or an RDF dump into a remote engine and serve it there."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from servicegraph.cli.arguments import add_base_argument
from servicegraph.store.formats import DUMP_FORMATS

HELP = "load a catalogue or an RDF dump into a remote engine (Graph Store HTTP Protocol) and make it current there"


def _iri(text: str) -> str:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(text).value
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an IRI: {text!r} ({exc})") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        type=Path,
        metavar="FILE|DUMP",
        help=f"a catalogue text file, or an RDF dump ({', '.join(DUMP_FORMATS)})",
    )
    parser.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the engine's Graph Store HTTP Protocol URL (e.g. Oxigraph's http://HOST:7878/store)",
    )
    parser.add_argument(
        "--graph",
        type=_iri,
        metavar="IRI",
        help="the named graph the default graph goes to (default: a catalogue's revision graph;"
        " a dump of triples goes to the engine's default graph)",
    )
    add_base_argument(parser)


def run(args: argparse.Namespace) -> int:
    from servicegraph.cli.progress import Progress
    from servicegraph.graph.namespaces import base_iri
    from servicegraph.store.errors import EngineUnavailable
    from servicegraph.store.graph_store import GraphStore, publish_snapshot
    from servicegraph.store.snapshots import load_source

    base = base_iri(args.base)
    with tempfile.TemporaryDirectory(prefix="servicegraph-push-") as state:
        with Progress("building") as progress:
            snapshot = load_source(args.source, Path(state) / "snapshot", base, progress=progress)
        try:
            with GraphStore(args.endpoint) as graph_store:
                pointer = publish_snapshot(graph_store, snapshot, base, args.graph)
        except EngineUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    stats = snapshot.statistics
    print(
        f"{args.source}: {stats.triples} triples in {len(pointer.named_graphs)} named graphs at {graph_store.shown};"
        f" generation {pointer.generation} reads {pointer.default_graph or 'the default graph'}"
    )
    return 0
