"""`servicegraph serve`: serve a catalogue or an RDF dump through the SPARQL endpoint."""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from api.cache import DEFAULT_CACHE_BYTES
from graph.store import DUMP_FORMATS, Snapshot, snapshot_from_dump, snapshot_from_graph

HELP = "serve a catalogue (built on the fly) or an RDF dump over SPARQL 1.1 at /sparql"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        type=Path,
        metavar="FILE|DUMP",
        help=f"a catalogue text file, or an RDF dump ({', '.join(DUMP_FORMATS)})",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=2, help="query worker processes (default 2)")
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="time limit per query in seconds (default 10)"
    )
    parser.add_argument(
        "--max-result-bytes",
        type=int,
        default=16 * 1024 * 1024,
        help="size limit of one serialised result (default 16 MiB)",
    )
    parser.add_argument(
        "--cache-bytes",
        type=int,
        default=DEFAULT_CACHE_BYTES,
        help="results cache per data generation, in bytes (default 64 MiB; 0: no cache)",
    )


def load_snapshot(source: Path, directory: Path) -> Snapshot:
    """A snapshot of `source` in `directory`: an RDF dump as is, a catalogue built first."""
    if source.suffix.lower() in DUMP_FORMATS:
        return snapshot_from_dump(directory, 1, source)
    from graph.build import build_graph
    from loaders.catalogue import read_catalogue

    return snapshot_from_graph(directory, 1, build_graph(read_catalogue(source)))


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.cache import cached
    from api.worker import WorkerPool

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="servicegraph-") as state:
        snapshot = load_snapshot(args.source, Path(state) / "generation-1")
        pool = WorkerPool(
            snapshot, size=args.workers, timeout=args.timeout, max_result_bytes=args.max_result_bytes
        )
        stats = snapshot.statistics
        logging.getLogger("servicegraph.serve").info(
            "serving %s: %d triples, %d named graphs", args.source, stats.triples, len(stats.graphs)
        )
        app = create_app(cached(pool, args.cache_bytes))
        uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")
    return 0
