"""The app's static files (api/static/), served at /static/, and the vendored packages'
paths there: each at its pinned version, beside its licence (api/static/README.md)."""

from __future__ import annotations

from pathlib import Path

from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
PREFIX = "/static"

YASGUI = f"{PREFIX}/yasgui-4.6.2"
SWAGGER_UI = f"{PREFIX}/swagger-ui-5.35.0"
REDOC = f"{PREFIX}/redoc-2.5.2"


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)
