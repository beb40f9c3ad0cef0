"""`servicegraph serve` refuses bad settings with a message and status 2, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicegraph.cli import main


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--workers", "0", "must be at least 1"),
        ("--workers", "1.5", "not a whole number"),
        ("--timeout", "0", "must be at least"),
        ("--timeout", "soon", "not a number"),
        ("--cache-bytes", "-1", "must be at least 0"),
        ("--max-result-bytes", "0", "must be at least 1"),
        ("--max-upload-bytes", "0", "must be at least 1"),
        ("--port", "-1", "must be at least 0"),
        ("--max-query-bytes", "0", "must be at least 1"),
        ("--max-worker-memory", "1000", "must be at least 67108864"),
        ("--public-url", "ftp://example.org", "not an http(s) URL"),
        ("--public-url", "https://example.org/?x=1", "not an http(s) URL"),
    ],
)
def test_bad_settings_are_usage_errors(
    seed_path: Path, option: str, value: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", str(seed_path), option, value]) == 2
    err = capsys.readouterr().err
    assert f"argument {option}: {says}" in err
    assert "Traceback" not in err


def test_a_data_dir_that_cannot_be_made_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["serve", "--data-dir", str(blocker / "store")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot use {blocker / 'store'}:")


def test_serving_without_a_sandbox_is_refused(
    seed_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from servicegraph.store import sandbox

    monkeypatch.setattr(sandbox, "unavailable_reason", lambda: "no seccomp on this test platform")
    assert main(["serve", str(seed_path)]) == 2
    err = capsys.readouterr().err
    assert "no seccomp on this test platform" in err and "--allow-network-in-workers" in err
    assert "Traceback" not in err
