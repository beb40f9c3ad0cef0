"""Validation by pyshacl (the test oracle) beside the shapes compiled to SPARQL, side by side.

    .venv/bin/python bench/validate.py [--scale 1 10 100] [--pyshacl-up-to 100] [--items 10]

For each scale (bench/catalogues.py's `multiplied`: the seed's rows that many times, no
copy repeating another's numbers, names or contents), one child process per engine
parses and builds the catalogue, then validates it, and prints: wall and CPU seconds of
the validation, and the peak resident memory of the process before it (parse + build)
and after it (MB). The compiled validation is timed twice: `validate(graph)` (the rdflib
graph copied into an in-memory pyoxigraph store first, as small callers do) and
`validate_store` alone on that store (what a caller that built into a store pays), and
`validate_store(items=…)` for `--items` changed items (a revision's re-validation).
pyshacl (with the pairwise copied-content query it can run: tests/shacl_oracle.py) runs up
to `--pyshacl-up-to` (it needs ~10 GB at 1000×). Growth between
consecutive scales is printed last.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def one(times: int, engine: str, items: int) -> dict[str, Any]:
    """Build the N× catalogue and validate it with `engine`; the figures as a dict."""
    import pyoxigraph as ox
    import pyshacl
    from catalogues import multiplied  # bench/catalogues.py (the script's directory)
    from rdflib.namespace import RDF, SH

    from servicegraph.graph.build import build_graph
    from servicegraph.graph.validate import load_shapes, validate, validate_store
    from servicegraph.loaders.catalogue import parse_catalogue

    catalogue = parse_catalogue(multiplied(SEED.read_bytes(), times), "bench")
    graph = build_graph(catalogue)
    figures: dict[str, Any] = {"items": len(catalogue.items), "triples": len(graph), "built MB": _peak_mb()}
    if engine == "pyshacl":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from shacl_oracle import pairwise  # the copied-content shape as pyshacl can run it

        shapes = pairwise(load_shapes())
        wall, cpu, (_, report, _) = _timed(
            pyshacl.validate, graph, shacl_graph=shapes, advanced=True, allow_warnings=True, inplace=True
        )
        figures.update(wall=wall, cpu=cpu, results=len(list(report.subjects(RDF.type, SH.ValidationResult))))
    else:
        wall, cpu, report = _timed(validate, graph)
        figures.update(wall=wall, cpu=cpu, results=len(report.results))
        store, name = ox.Store(), ox.NamedNode(str(graph.identifier))
        store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        figures["store wall"], _, _ = _timed(validate_store, store, name)
        changed = {i.number for i in catalogue.items[len(catalogue.items) // 2 :][:items]}
        figures["items wall"], _, _ = _timed(validate_store, store, name, items=changed)
    figures["peak MB"] = _peak_mb()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--pyshacl-up-to", type=int, default=100)
    parser.add_argument("--items", type=int, default=10, help="changed items re-validated")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(int(args.one[0]), args.one[1], args.items)))
        return
    print(
        f"{'scale':>5} {'items':>6} {'triples':>8} {'engine':>8} {'results':>7} {'validate s':>10} {'cpu s':>7}"
        f" {'store s':>7} {f'{args.items} items s':>10} {'built MB':>8} {'peak MB':>7}"
    )
    rows: dict[str, list[dict[str, Any]]] = {"pyshacl": [], "compiled": []}
    for times in args.scale:
        for engine in ("pyshacl", "compiled"):
            if engine == "pyshacl" and times > args.pyshacl_up_to:
                continue
            command = [sys.executable, __file__, "--one", str(times), engine, "--items", str(args.items)]
            f = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            rows[engine].append({"scale": times, **f})
            store = f"{f['store wall']:>7.2f} {f['items wall']:>10.2f}" if "store wall" in f else f"{'':>7} {'':>10}"
            print(
                f"{times:>5} {f['items']:>6} {f['triples']:>8} {engine:>8} {f['results']:>7} {f['wall']:>10.2f}"
                f" {f['cpu']:>7.2f} {store} {f['built MB']:>8.0f} {f['peak MB']:>7.0f}",
                flush=True,
            )
    for engine, figures in rows.items():
        for a, b in itertools.pairwise(figures):
            growth = ", ".join(
                f"{k} {b[k] / a[k]:.1f}×" for k in ("triples", "wall", "store wall", "items wall") if a.get(k)
            )
            print(f"{engine} {a['scale']}× → {b['scale']}×: {growth}")


if __name__ == "__main__":
    main()
