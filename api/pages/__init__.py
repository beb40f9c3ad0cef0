"""Pages for people (legal staff first): Chinese first, English beside where a term needs
it, every table also as CSV and every page's data as JSON. One module per kind of page;
templates in api/templates/, scripts, styles and the font in api/static/."""

from __future__ import annotations

from servicegraph.api.pages import (
    agencies,
    home,
    impact,
    levels,
    ontology,
    provisions,
    review,
    revisions,
    services,
    shared,
    statutes,
)

MODULES = (home, statutes, provisions, services, agencies, levels, shared, impact, review, revisions, ontology)
routers = [module.router for module in MODULES]
"""Their routers, included one by one (api.methods reads each router's own routes)."""
