"""`servicegraph serve`: serve a catalogue or an RDF dump through the SPARQL endpoint."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from api.cache import DEFAULT_CACHE_BYTES
from graph.namespaces import DEFAULT_BASE, base_iri
from graph.store import DUMP_FORMATS, Snapshot, snapshot_from_dump, snapshot_from_graph
from servicegraph.commands import add_base_argument

HELP = "serve a catalogue (built on the fly) or an RDF dump over SPARQL 1.1 at /sparql"


def _at_least(least: float, kind: Callable[[str], float] = int) -> Callable[[str], float]:
    """An argparse type: a number of `kind` no smaller than `least` (a usage error otherwise)."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {'a whole number' if kind is int else 'a number'}: {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}: {text}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        type=Path,
        nargs="?",
        metavar="FILE|DUMP",
        help=f"a catalogue text file, or an RDF dump ({', '.join(DUMP_FORMATS)});"
        " with --data-dir, a catalogue to add as a revision (optional)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep every revision in DIR and serve the current one, uploads at /api/revisions"
        " (docs/revisions.md)",
    )
    parser.add_argument(
        "--upload-token",
        default=os.environ.get("SERVICEGRAPH_UPLOAD_TOKEN"),
        help="token a revision upload must send (default $SERVICEGRAPH_UPLOAD_TOKEN; none: uploads disabled)",
    )
    parser.add_argument(
        "--max-upload-bytes", type=_at_least(1), default=8 * 1024 * 1024, help="size limit of one upload (default 8 MiB)"
    )
    add_base_argument(parser)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_at_least(0), default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=_at_least(1), default=2, help="query worker processes (default 2)")
    parser.add_argument(
        "--timeout", type=_at_least(0.001, float), default=10.0, help="time limit per query in seconds (default 10)"
    )
    parser.add_argument(
        "--max-result-bytes",
        type=_at_least(1),
        default=16 * 1024 * 1024,
        help="size limit of one serialised result (default 16 MiB)",
    )
    parser.add_argument(
        "--cache-bytes",
        type=_at_least(0),
        default=DEFAULT_CACHE_BYTES,
        help="results cache per data generation, in bytes (default 64 MiB; 0: no cache)",
    )


def load_snapshot(source: Path, directory: Path, base: str = DEFAULT_BASE) -> Snapshot:
    """A snapshot of `source` in `directory`: an RDF dump as is, a catalogue built first."""
    if source.suffix.lower() in DUMP_FORMATS:
        return snapshot_from_dump(directory, 1, source)
    from graph.build import build_graph
    from loaders.catalogue import read_catalogue

    return snapshot_from_graph(directory, 1, build_graph(read_catalogue(source), base))


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api import revisions
    from api.app import create_app
    from api.cache import cached
    from api.worker import WorkerPool
    from graph.revisions import RevisionError, open_store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    log = logging.getLogger("servicegraph.serve")
    with ExitStack() as stack:
        if args.data_dir is not None:
            try:
                store = open_store(args.data_dir, args.source, args.base)
            except RevisionError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            except OSError as exc:
                print(f"error: cannot use {args.data_dir}: {exc.strerror or exc}", file=sys.stderr)
                return 2
            snapshot, routers = store.current_snapshot(), [revisions.router]
            log.info(
                "serving %s: current revision %s, %d revisions; uploads %s", args.data_dir, store.current_id(),
                len(store.revisions()), "enabled" if args.upload_token else "disabled",
            )  # fmt: skip
        elif args.source is not None:
            state = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="servicegraph-")))
            snapshot, routers = load_snapshot(args.source, state / "generation-1", base_iri(args.base)), []
            stats = snapshot.statistics
            log.info("serving %s: %d triples, %d named graphs", args.source, stats.triples, len(stats.graphs))
        else:
            print("error: give a catalogue file or an RDF dump, or --data-dir", file=sys.stderr)
            return 2
        pool = WorkerPool(snapshot, size=args.workers, timeout=args.timeout, max_result_bytes=args.max_result_bytes)
        app = create_app(cached(pool, args.cache_bytes), routers=routers)
        app.state.base = base_iri(args.base)
        if args.data_dir is not None:
            revisions.attach(
                app, store, token=args.upload_token, max_upload_bytes=args.max_upload_bytes, grace=args.timeout + 5
            )
        uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")
    return 0
