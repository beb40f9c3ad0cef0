"""The OpenAPI document describes the API as it answers, and HEAD, OPTIONS and 405 tell
the truth about each path's methods.

Schemathesis (the CLI, as a user would run it) generates requests from /openapi.json
against the seed served from a data directory on 127.0.0.1 (uploads disabled) and checks
every answer: no 5xx, only documented
status codes, media types and headers, bodies that fit their schema, a 405 whose `Allow`
lists every documented method. Left out: checks that need what a string schema cannot say
(`positive_data_acceptance`: any string is a "valid" SPARQL query to it) or that need
state and credentials this server has none of (use_after_free, ensure_resource_availability,
ignored_auth, object_level_authorization). Examples are bounded so that the run stays well
under a minute on two cores.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from http_server import running

from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings

MAX_EXAMPLES = 15
SKIPPED_CHECKS = (
    "positive_data_acceptance,use_after_free,ensure_resource_availability,ignored_auth,object_level_authorization"
)
SERVICE = "/service/创业服务"  # item 14 of the seed


@pytest.fixture(scope="module")
def client(tmp_path_factory, seed_path: Path):
    """The seed served from a data directory, so that /api/revisions is there too."""
    settings = Settings(source=seed_path, data_dir=tmp_path_factory.mktemp("openapi") / "data", workers=1)
    with served_app(settings) as app, running(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def test_schemathesis_finds_no_5xx_and_no_departure_from_the_document(client, tmp_path: Path) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    command = [
        str(schemathesis), "run", str(client.base_url.join("/openapi.json")), "--checks", "all",
        "--exclude-checks", SKIPPED_CHECKS, "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--no-color",
    ]  # fmt: skip
    hooks = {"SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": str(Path(__file__).parent)}
    run = subprocess.run(  # in a temporary directory: schemathesis keeps a cache where it runs
        command, capture_output=True, text=True, timeout=600, env={**os.environ, **hooks}, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    total = re.search(r"Selected: \d+/(\d+)", run.stdout)
    assert total and f"Tested: {total[1]}" in run.stdout  # every documented operation was exercised


@pytest.mark.parametrize(
    "target",
    ["/", "/sparql", "/sparql?query=ASK%7B%7D", "/.well-known/void", "/api/services?limit=2", SERVICE, "/openapi.json"],
)
def test_head_answers_as_get_without_the_body(client, target: str) -> None:
    get, head = client.get(target), client.head(target)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/sparql", "GET, HEAD, OPTIONS, POST"),  # two routes: GET and POST
        ("/api/services", "GET, HEAD, OPTIONS"),
        (SERVICE, "GET, HEAD, OPTIONS"),
        ("/openapi.json", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_and_405_name_every_method_of_the_path(client, path: str, allow: str) -> None:
    options = client.options(path)
    assert (options.status_code, options.headers["allow"], options.content) == (204, allow, b"")
    refused = client.request("PATCH", path)
    assert (refused.status_code, refused.headers["allow"]) == (405, allow)
    assert refused.json() == {"detail": "Method Not Allowed"}


def test_an_unknown_path_is_404_whatever_the_method(client) -> None:
    for method in ("GET", "HEAD", "OPTIONS", "PATCH"):
        assert client.request(method, "/nothing/here").status_code == 404


def test_a_cors_preflight_is_still_answered_by_cors(client) -> None:
    preflight = client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
