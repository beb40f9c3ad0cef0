"""Shared fixtures: the seed catalogue, read and built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "dianjiang-township-services.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_catalogue():
    from servicegraph.loaders.catalogue import read_catalogue

    return read_catalogue(SEED)


@pytest.fixture(scope="session")
def seed_graph(seed_catalogue):
    from servicegraph.graph.build import build_graph

    return build_graph(seed_catalogue)
