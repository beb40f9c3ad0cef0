"""`servicegraph serve`: serve a catalogue or an RDF dump through the SPARQL endpoint."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

from servicegraph.api.settings import Settings
from servicegraph.cli.arguments import add_base_argument, add_status_arguments, at_least, environment
from servicegraph.store.formats import DUMP_FORMATS

HELP = "serve a catalogue (built on the fly) or an RDF dump over SPARQL 1.1 at /sparql, embedded or on a remote engine"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = environment()
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
        help="keep every revision in DIR and serve the current one, uploads at /api/revisions (docs/revisions.md)",
    )
    parser.add_argument(
        "--upload-token",
        default=defaults.upload_token,
        help="token a revision upload must send (default $SERVICEGRAPH_UPLOAD_TOKEN; none: uploads disabled)",
    )
    parser.add_argument(
        "--max-upload-bytes",
        type=at_least(1),
        default=defaults.max_upload_bytes,
        help=f"size limit of one upload (default {defaults.max_upload_bytes} bytes)",
    )
    add_base_argument(parser)
    add_status_arguments(
        parser, "statute status files (CSV, docs/status.md) to serve as the status layer (/api/review);"
        " --status alone: the table shipped with servicegraph; with --data-dir they join the stored layer",
    )  # fmt: skip
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=at_least(0), default=8000, help="port (default 8000)")
    parser.add_argument(
        "--workers",
        type=at_least(1),
        default=defaults.workers,
        help=f"query worker processes (default {defaults.workers})",
    )
    parser.add_argument(
        "--timeout",
        type=at_least(0.001, float),
        default=defaults.timeout,
        help=f"time limit per query in seconds (default {defaults.timeout:g})",
    )
    parser.add_argument(
        "--max-result-bytes",
        type=at_least(1),
        default=defaults.max_result_bytes,
        help=f"size limit of one serialised result (default {defaults.max_result_bytes} bytes)",
    )
    parser.add_argument(
        "--sparql-endpoint",
        metavar="URL",
        help="answer queries on this remote engine (SPARQL 1.1 Protocol) instead of the embedded store;"
        " with FILE or --data-dir they are loaded there first (README, 'Remote engines')",
    )
    parser.add_argument(
        "--store-endpoint",
        metavar="URL",
        help="the remote engine's Graph Store HTTP Protocol URL: where FILE, --data-dir and uploads are loaded",
    )
    parser.add_argument(
        "--max-query-bytes",
        type=at_least(1),
        default=defaults.max_query_bytes,
        help=f"length limit of one query in UTF-8 bytes (default {defaults.max_query_bytes}; longer: 413)",
    )
    parser.add_argument(
        "--max-worker-memory",
        type=at_least(64 * 1024 * 1024),
        default=defaults.max_worker_memory,
        help=f"heap limit of each query worker in bytes (default {defaults.max_worker_memory}; past it the query"
        " gets 503)",
    )
    parser.add_argument(
        "--public-url",
        type=_http_url,
        default=defaults.public_url,
        help="the URL clients reach this server at, for the absolute URLs it writes (default"
        " $SERVICEGRAPH_PUBLIC_URL, else the address it listens on; never the request's Host header)",
    )
    parser.add_argument(
        "--allow-network-in-workers",
        action="store_true",
        help="serve even where query workers cannot be sandboxed (no Linux seccomp): SERVICE queries could"
        " then reach the network. Without it, such a platform refuses to serve",
    )
    parser.add_argument(
        "--cache-bytes",
        type=at_least(0),
        default=defaults.cache_bytes,
        help=f"results cache per data generation, in bytes (default {defaults.cache_bytes}; 0: no cache)",
    )


def _http_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"not an http(s) URL without query or fragment: {text!r}")
    return text.rstrip("/")


def settings_of(args: argparse.Namespace) -> Settings:
    return Settings(
        source=args.source,
        data_dir=args.data_dir,
        base=args.base,
        upload_token=args.upload_token,
        max_upload_bytes=args.max_upload_bytes,
        workers=args.workers,
        timeout=args.timeout,
        max_result_bytes=args.max_result_bytes,
        cache_bytes=args.cache_bytes,
        status=None if args.status is None else tuple(args.status),
        catalogue_date=args.catalogue_date,
        sparql_endpoint=args.sparql_endpoint,
        store_endpoint=args.store_endpoint,
        max_query_bytes=args.max_query_bytes,
        max_worker_memory=args.max_worker_memory,
        public_url=args.public_url,
        allow_network_in_workers=args.allow_network_in_workers,
    )


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from servicegraph.api.server import served_app
    from servicegraph.store.errors import EngineUnavailable
    from servicegraph.store.revisions import RevisionError
    from servicegraph.store.sandbox import SandboxUnavailable

    has_data = args.source is not None or args.data_dir is not None
    if not has_data and args.sparql_endpoint is None:
        print("error: give a catalogue file or an RDF dump, or --data-dir, or --sparql-endpoint", file=sys.stderr)
        return 2
    if has_data and args.sparql_endpoint is not None and args.store_endpoint is None:
        print("error: --sparql-endpoint with data to serve needs --store-endpoint to load it there", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        with served_app(settings_of(args)) as app:
            uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")
    except RevisionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (EngineUnavailable, SandboxUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot use {args.data_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
