"""The JSON shapes of `/api/`: pydantic models, so OpenAPI documents every field.

Field names are snake_case and stable. `iri` is always the graph IRI of the thing; the
server also resolves it as linked data.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Generic, TypeVar

from pydantic import BaseModel, Field, computed_field

from servicegraph.graph.code_lists import level_of, role_of
from servicegraph.graph.namespaces import SG
from servicegraph.loaders.codes import Level, Role

T = TypeVar("T")


def sg_key(iri: object) -> str | None:
    """The local name of an sg: IRI: 'law' for sg:law."""
    return str(iri).removeprefix(str(SG)) if iri else None


def level_key(iri: object) -> str | None:
    """'township' for sg:township; the IRI itself if no level's."""
    return (level.value if (level := level_of(iri)) else str(iri)) if iri else None


def role_key(iri: object) -> str | None:
    """'preliminary-review' for sg:preliminaryReview; the IRI itself if no role's."""
    return (role.value if (role := role_of(iri)) else str(iri)) if iri else None


def _one_of(codes: Iterable[Enum]) -> str:
    values = [str(code.value) for code in codes]
    return f"{', '.join(values[:-1])} or {values[-1]}"


class Page(BaseModel, Generic[T]):
    total: int = Field(description="How many items the whole answer holds (a true count).")
    limit: int
    offset: int
    items: list[T]

    @computed_field(description="The offset of the next page; None on the last.")  # type: ignore[prop-decorator]
    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.limit and self.offset + self.limit < self.total else None

    @computed_field(description="The offset of the previous page; None on the first.")  # type: ignore[prop-decorator]
    @property
    def prev_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


class Labelled(BaseModel):
    iri: str
    label: str | None


class LevelRole(BaseModel):
    level: str = Field(description=_one_of(Level))
    role: str | None = Field(description=_one_of(Role))

    def order(self) -> int:
        """The level's place in source order (city first)."""
        return list(Level).index(Level[self.level])


class Agency(BaseModel):
    iri: str
    key: str = Field(description="The last segment of the IRI: /api/agencies/{key}.")
    name: str


class AgencyCount(Agency):
    services: int


class AgencyService(BaseModel):
    iri: str
    number: int
    title: str
    levels: list[LevelRole]


class AgencyDetail(Agency):
    level: str | None = Field(description="The level the agency's name shows, if any.")
    services: Page[AgencyService]


class ServiceSummary(BaseModel):
    iri: str
    number: int
    identifier: str
    title: str
    item_type: str | None


class Participation(LevelRole):
    iri: str
    description: str | None
    remark: str | None
    same_as_number: int | None = Field(description="N of 同第N项: same as item N at this level.")
    agency: str | None


class DocumentRef(BaseModel):
    iri: str
    key: str = Field(description="The last segment of the IRI: /api/statutes/{key}.")
    title: str


class ServiceCitation(BaseModel):
    iri: str
    identifier: str | None
    title: str | None = Field(description="The citation as written: 《title》 and provision.")
    line: int | None = Field(description="Source line where the citation starts.")
    provision_text: str | None
    quote: str | None
    cites: Labelled = Field(description="The most specific provision cited, or the document.")
    document: DocumentRef


class ServiceDetail(BaseModel):
    iri: str
    number: int
    identifier: str
    number_inferred: bool | None
    title: str
    description: str | None
    item_type: str | None
    legal_basis_text: str | None
    agencies: list[Labelled]
    themes: list[Labelled]
    audiences: list[Labelled]
    channels: list[Labelled]
    levels: list[Participation]
    citations: list[ServiceCitation]


class RelatedService(BaseModel):
    iri: str
    number: int
    title: str
    shared_provisions: int
    shared_documents: int


class StatuteMatch(DocumentRef):
    doc_number: str | None = Field(description="The canonical issuing number (文号).")
    match: str = Field(description="canonical-title, variant-title, issuing-number or fragment")
    match_rank: int = Field(description="0 best … 3")
    services: int = Field(description="How many services rest on the document.")


class ServiceAt(BaseModel):
    """A service as it appears under a provision: with its agencies and levels."""

    iri: str
    number: int
    title: str
    agencies: list[Labelled]
    levels: list[LevelRole]


class ProvisionCitation(BaseModel):
    iri: str
    line: int | None
    quote: str | None = Field(description="The wording quoted by the catalogue.")
    service: ServiceAt


class ProvisionNode(BaseModel):
    iri: str
    kind: str = Field(description="article, paragraph, item, point, section, …")
    number: str
    label: str | None
    services_resting: int = Field(description="Services citing this provision or any part of it.")
    citations: list[ProvisionCitation] = Field(description="Citations of it by the services of the page.")
    children: list[ProvisionNode]


class StatuteDetail(DocumentRef):
    doc_number: str | None
    issuer: str | None
    year: int | None
    serial: int | None
    document_type: str | None
    variants: list[str] = Field(description="Every other title the catalogue cites it under.")
    provision: Labelled | None = Field(
        description="The provision whose services are paged (?provision=); None: the whole document."
    )
    services: Page[ServiceAt] = Field(
        description="A page of the services resting on the document (or on the provision), by item number."
    )
    citations: list[ProvisionCitation] = Field(description="Citations of the whole document by the page's services.")
    provisions: list[ProvisionNode] = Field(
        description="The cited provisions, as a tree (as large as the document, not the catalogue); under each, "
        "the citations by the page's services."
    )


class SharedProvision(BaseModel):
    iri: str
    label: str
    document: DocumentRef
    path: str = Field(description="The provision within its document, e.g. art_26/pnt_1: its IRI after the document's.")
    services: int = Field(
        description="How many services rest on the provision: /api/statutes/{document.key}?provision={path} pages them."
    )


class LevelRoleCount(LevelRole):
    services: int


class ServiceAtLevel(BaseModel):
    iri: str
    number: int
    title: str
    level: str
    role: str | None
    description: str | None
    remark: str | None


class NamedQueryInfo(BaseModel):
    name: str
    file: str
    description: str
    parameters: list[str]
    url: str = Field(description="Where to GET the query text (application/sparql-query).")


# --- review: is the legal basis still law? (docs/status.md) --------------------------------


class Reason(BaseModel):
    zh: str
    en: str


class CitationReview(BaseModel):
    service: str
    number: int
    title: str = Field(description="The service's title.")
    citation: str
    line: int | None = Field(description="The citation's source line.")
    provision: str = Field(description="The cited provision (or document) IRI.")
    provision_label: str
    document: str
    document_title: str
    status: str = Field(description="in-force, amended (since the catalogue's date), replaced, repealed or unknown")
    since: str | None = Field(description="The date of the fact that decided the status.")
    replacement: str | None = Field(description="The replacing (or, for an amendment, amending) document.")
    replacement_title: str | None
    change: str | None = Field(description="Where the fact maps the cited provision: renumbered, merged, deleted.")
    changed_to: str | None
    changed_to_label: str | None
    source: str | None = Field(description="The deciding fact's source.")
    fact: str | None = Field(description="The deciding fact's IRI in the status layer.")
    reason: Reason


class ServiceReview(BaseModel):
    service: str
    number: int
    title: str
    review: bool = Field(
        description="Some cited document was amended since the catalogue's date, replaced or repealed."
    )
    only_repealed: bool = Field(description="Every cited document is replaced or repealed.")
    since: str | None = Field(description="When the earliest change to review took effect.")
    citations: list[CitationReview]
    read_at: str | None = Field(None, description="The catalogue's date (None: unknown).")


class Review(BaseModel):
    read_at: str | None = Field(description="The catalogue's date its citations are read at (None: unknown).")
    documents: int = Field(description="How many documents the catalogue cites.")
    documents_with_known_status: int
    services_to_review: int
    services_only_on_repealed_law: list[int]
    services: Page[ServiceReview] = Field(description="A page of the services to review.")


class StatusFactInfo(BaseModel):
    iri: str
    event: str
    date: str
    replacement: str | None
    replacement_title: str | None
    source: str


class StatuteReview(BaseModel):
    document: str
    key: str
    title: str
    status: str = Field(description="in-force, amended, replaced, repealed or unknown")
    review: bool
    since: str | None
    replacement: str | None
    replacement_title: str | None
    source: str | None
    facts: list[StatusFactInfo]
    services: Page[ServiceReview] = Field(
        description="A page of the services citing the document, each with all its citations"
        " (not only those of this document)."
    )


class ImpactService(BaseModel):
    number: int
    title: str
    service: str
    provisions: list[str] = Field(description="The provisions of the document it cites.")
    agencies: list[str]
    levels: list[LevelRole]
    review_before: bool
    review_after: bool
    only_repealed_before: bool
    only_repealed_after: bool
    citations: list[CitationReview] = Field(description="Every citation of the service, as if the fact were published.")


class FactImpact(BaseModel):
    line: int = Field(description="The fact's line in the request.")
    document: str
    document_title: str | None
    event: str
    date: str
    services: list[ImpactService]
    agencies: list[str]
    levels: list[str]


class Impact(BaseModel):
    published: bool = Field(description="Always false: nothing is published.")
    facts: list[FactImpact]
    services: list[int] = Field(description="The numbers of every service touched.")
    agencies: list[str]
    levels: list[str]
