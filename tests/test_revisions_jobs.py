"""Uploads answered 202 with a job (api/jobs.py): polled with a deadline until they end
with the answer the synchronous upload would have given.

Expected values: the seed has 98 items; the renumbered copy (item 12 numbered 11) has two
Violations (tests/test_revisions_api.py gets the same report synchronously).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import seed_variants as v
from engines import ENGINES, engine_settings
from http_server import running
from waiting import wait_until

from servicegraph.api.jobs import Answer, Jobs, JobsFull
from servicegraph.api.server import served_app
from servicegraph.api.settings import Settings
from servicegraph.store.revisions import STAGES

TOKEN = "jobs-token-90d1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ASYNC = {**AUTH, "Prefer": "respond-async"}
HEADER = "document,event,date,replacement,provisions,source\n"
POWER = HEADER + "《中华人民共和国电力法》,amended,2025-01-01,,第二十六条→第二十八条,written for the test\n"
BAD = HEADER + "《无此法》,repealed,2025-01-01,,,unknown document\n"


@contextmanager
def server(data_dir: Path, **settings) -> Iterator[httpx.Client]:
    config = Settings(data_dir=data_dir, workers=1, upload_token=TOKEN, **settings)
    with served_app(config) as app, running(app) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


def finished(client: httpx.Client, accepted: httpx.Response) -> tuple[dict, list[dict]]:
    """Poll the job `accepted` names until it finishes; its last state and every state seen."""
    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["location"]
    assert location == f"/api/jobs/{accepted.json()['id']}" and accepted.headers["retry-after"] == "1"
    seen: list[dict] = [accepted.json()]

    def done() -> bool:
        answer = client.get(location)
        assert answer.status_code == 200, answer.text
        seen.append(answer.json())
        return seen[-1]["state"] == "finished"

    wait_until(done, f"the job {location} to finish")
    return seen[-1], seen


def _current(client: httpx.Client) -> str:
    return client.get("/api/revisions").json()["current"]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_upload_preferring_async_is_a_job_ending_with_the_synchronous_answer(
    tmp_path: Path, seed_path: Path, seed_catalogue, engine: str
) -> None:
    with engine_settings(engine, tmp_path / "engine") as on_engine, server(tmp_path / "data", **on_engine) as client:
        seed = client.post("/api/revisions", params={"name": "seed.txt"}, content=seed_path.read_bytes(), headers=AUTH)
        assert seed.status_code == 201  # small, no preference: answered at once, as before
        removed = v.item_removed(seed_path, seed_catalogue, 5)
        accepted = client.post("/api/revisions", params={"name": "removed.txt"}, content=removed, headers=ASYNC)
        assert accepted.headers["preference-applied"] == "respond-async"
        assert accepted.json()["kind"] == "revision" and accepted.json()["state"] in ("queued", "running", "finished")
        job, seen = finished(client, accepted)
        answer = job["answer"]
        assert answer["status"] == 201, answer
        revision = answer["body"]["revision"]
        assert answer["location"] == f"/api/revisions/{revision['id']}"
        assert revision["items"] == 97 and revision["source"] == "removed.txt" and answer["body"]["current"] is True
        assert [c["kind"] for c in answer["body"]["changes"]["items"]] == ["removed"]
        assert job["stage"] == "publishing" and job["items"] == {"done": 97, "total": 97}
        stages = [s["stage"] for s in seen if s["stage"] is not None]
        assert stages == sorted(stages, key=STAGES.index)  # progress only moves forward
        assert _current(client) == revision["id"]
        assert client.get("/api/services", params={"limit": 1}).json()["total"] == 97
        # the same bytes again: the job ends as the 409 the synchronous upload answers
        again, _ = finished(client, client.post("/api/revisions", content=removed, headers=ASYNC))
        assert again["answer"]["status"] == 409 and again["answer"]["body"]["revision"]["id"] == revision["id"]


def test_a_large_upload_is_a_job_and_a_bad_one_ends_refused_with_its_report(
    tmp_path: Path, seed_path: Path, seed_catalogue
) -> None:
    threshold = len(seed_path.read_bytes()) - 1  # the seed and its variants are "large" here
    with server(tmp_path / "data", source=seed_path, async_upload_bytes=threshold) as client:
        current = _current(client)
        tiny = client.post("/api/revisions", content=b"not a catalogue", headers=AUTH)
        assert tiny.status_code == 422  # under the threshold: answered at once
        bad = client.post("/api/revisions", params={"name": "dup.txt"}, headers=AUTH,
                          content=v.renumbered(seed_path, seed_catalogue, 12, 11))  # fmt: skip
        assert "preference-applied" not in bad.headers
        job, _ = finished(client, bad)
        assert job["answer"]["status"] == 422 and job["answer"]["location"] is None
        body = job["answer"]["body"]
        assert body["current"] is False and body["revision"]["status"] == "rejected"
        assert body["report"]["counts"]["Violation"] == 2
        assert job["stage"] == "publishing"  # it was validated, then kept as rejected
        half, _ = finished(client, client.post("/api/revisions", params={"name": "half.txt"}, headers=ASYNC,
                                               content=v.cut_in_half(seed_path)))  # fmt: skip
        assert half["answer"]["status"] == 422 and half["answer"]["body"]["file"] == "half.txt"
        assert half["answer"]["body"]["line"] > 0 and half["stage"] == "parsing"
        assert _current(client) == current  # the good revision keeps serving
        assert client.get("/api/services", params={"limit": 1}).json()["total"] == 98
        assert client.get("/api/jobs/0123456789abcdef").status_code == 404


def test_status_files_as_jobs(tmp_path: Path, seed_path: Path) -> None:
    with server(tmp_path / "data", source=seed_path) as client:
        refused, _ = finished(client, client.post("/api/status-files", params={"name": "bad.csv"}, content=BAD,
                                                  headers=ASYNC))  # fmt: skip
        assert refused["kind"] == "status-file" and refused["answer"]["status"] == 422
        assert refused["answer"]["body"]["problems"][0]["line"] == 2
        assert client.get("/api/status-files").json()["status_files"] == []
        accepted, _ = finished(client, client.post("/api/status-files", params={"name": "power.csv"}, content=POWER,
                                                   headers=ASYNC))  # fmt: skip
        assert accepted["answer"]["status"] == 201, accepted
        assert accepted["answer"]["body"]["status_file"]["source"] == "power.csv"
        assert accepted["items"] == {"done": 1, "total": 1}
        assert client.get("/api/review/statutes/中华人民共和国电力法").json()["status"] == "amended"


def test_jobs_run_one_at_a_time_in_order_and_are_bounded() -> None:
    async def scenario() -> None:
        jobs = Jobs(kept=2)
        release = asyncio.Event()
        order: list[str] = []

        def run(name: str):
            async def work(progress) -> Answer:
                order.append(f"{name} starts")
                await release.wait()
                order.append(f"{name} ends")
                return Answer(201, {"name": name})

            return work

        first, second = jobs.submit("revision", run("first")), jobs.submit("revision", run("second"))
        with pytest.raises(JobsFull):  # two held, none finished
            jobs.submit("revision", run("third"))
        release.set()
        while second.state != "finished":
            await asyncio.sleep(0.01)
        assert order == ["first starts", "first ends", "second starts", "second ends"]
        assert first.answer == Answer(201, {"name": "first"})
        third = jobs.submit("revision", run("third"))  # the oldest finished one goes
        assert jobs.get(first.id) is None and jobs.get(second.id) is second and jobs.get(third.id) is third
        await jobs.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))
