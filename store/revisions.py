"""The revision store: every revision of one catalogue, persisted in a data directory.

Layout of the directory (docs/revisions.md):

    store.json                    {"base": …}: the base IRI every revision is minted under
    lock                          held (flock) by the one process that has the store open to write
    current                       {"generation": n, "revision": id}: replaced atomically
    revisions/{id}/source         the bytes as uploaded
    revisions/{id}/meta.json      title, source name, sha256, loaded, parent, status, counts
    revisions/{id}/report.json    the validation report (JSON), and report.ttl (SHACL Turtle);
                                  report-terms.json its results with their terms (graph/carry.py)
    generations/{n}/              a read-only pyoxigraph snapshot; {n}.json its statistics
    status/{id}/source            a status file as given (CSV), layer.nt its status layer,
    status/{id}/meta.json         source name, sha256, loaded, facts, generation

A revision's id is the first 12 hex digits of its source's sha256 (as in its IRI); a
catalogue whose parsed content equals a stored one's (re-encoded, other line ends) is a
duplicate. Adding a revision parses, builds and validates it, by what changed since the
current revision (graph/carry.py; its report has the currency check's results when the
store holds a status layer); with no Violation it is
*accepted*: a new snapshot generation is written holding every accepted revision's named
graph, the metadata graph (`{base}revisions`), the change sets (`{base}changes`) and the
new revision's triples as the default graph, the revision is saved, then the `current`
pointer is flipped. The new generation is a checkpoint of the current one (hard links,
store/derive.py) with the new revision added: publishing costs what the revision adds,
not what the store already holds. A revision with a Violation is kept as *rejected* (source, meta,
report) and never touches a snapshot.

The pointer alone says what is published: an accepted revision exists only if the
current generation holds its named graph. A writer holds the directory's lock for its
life; on opening, it removes whatever a crash left that the pointer does not reach (a
newer or partial generation, a revision saved but never published, staging files), and
a publish that fails midway removes its own. Readers (`read_only=True`) take no lock.

Status files (docs/status.md) are read against the current revision's documents; an
accepted one (saved, then published
like a revision) adds its facts to the status layer `{base}status`, a named graph of its own
that every later generation keeps (a revision never replaces it, nor it a revision). Each
generation's default graph is its current revision plus the status layer.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from servicegraph.graph.build import CatalogueTriples, build_graph
from servicegraph.graph.carry import Parent, plan, terms_json, validate_revision
from servicegraph.graph.currency import with_currency
from servicegraph.graph.diff import ChangeSet, change_set_graph, diff_catalogues, replaced_by
from servicegraph.graph.namespaces import CPSV, DCAT, DCTERMS, PROV, RDF, SG, base_iri
from servicegraph.graph.report_compare import mark_new
from servicegraph.graph.status import DocumentIndex, build_status_graph, status_graph_iri, with_document_states
from servicegraph.graph.validate import SEVERITIES, Report
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.errors import unreadable
from servicegraph.loaders.records import Catalogue
from servicegraph.loaders.status import StatusTable
from servicegraph.store.derive import Edit, derive_snapshot
from servicegraph.store.engine import Snapshot, Statistics
from servicegraph.store.oxigraph import to_oxigraph_triple

log = logging.getLogger("servicegraph.revisions")

REVISION_ID = re.compile(r"^[0-9a-f]{12}$")


class RevisionError(Exception):
    """A request the store cannot meet; `str()` is a message fit for the user."""


class UnknownRevision(RevisionError):
    pass


class RevisionExists(RevisionError):
    def __init__(self, meta: RevisionMeta, same_bytes: bool = True) -> None:
        what = "these bytes" if same_bytes else "the same catalogue (other bytes, same parsed content)"
        super().__init__(
            f"{what} were already loaded as revision {meta.id} ({meta.status}) from {meta.source} at {meta.loaded}"
        )
        self.meta = meta


class DirectoryInUse(RevisionError):
    """Another process holds the data directory's lock."""


class DirectoryUnwritable(RevisionError):
    """The data directory refuses writes (read-only, no permission); `full` when out of space."""

    def __init__(self, message: str, full: bool = False) -> None:
        super().__init__(message)
        self.full = full


FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
"""The errnos of a write that failed for want of space."""

STEPS = (
    "generation-copied", "writing-generation", "generation-written", "statistics-written", "revision-staged",
    "revision-saved", "pointer-flipped",
)  # fmt: skip
"""The named points of a publish, in order; `RevisionStore.step` is called at each."""

STAGES = ("parsing", "building", "validating", "publishing")
"""What adding a revision does, in order; a `Progress` callback hears each one's start and end."""

Progress = Callable[[str, int, int], None]
"""Called with a stage (one of `STAGES`), the items done and the items in all (0 while
parsing: not known yet); at least at each stage's start (0 done) and end (all done)."""


@dataclass(frozen=True, slots=True)
class RevisionMeta:
    """What the store knows of one revision besides its graph and report."""

    id: str
    iri: str
    title: str
    source: str  # file name as uploaded
    sha256: str
    encoding: str
    loaded: str  # ISO 8601, UTC
    parent: str | None  # the revision that was current when this one was loaded
    items: int
    status: str  # accepted | rejected
    counts: dict[str, int]  # results by severity
    generation: int | None  # the snapshot generation that made it current
    content: str | None = None  # content_digest of the catalogue (None: loaded before digests were kept)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> RevisionMeta:
        return cls(**doc)


@dataclass(frozen=True, slots=True)
class StatusFileMeta:
    """One accepted status file: what it was, when it came, how many facts, which generation."""

    id: str  # the first 12 hex digits of its sha256
    source: str
    sha256: str
    loaded: str
    facts: int
    generation: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class NoRevision(RevisionError):
    """A status file came before any catalogue revision it could be read against."""


class StatusExists(RevisionError):
    def __init__(self, meta: StatusFileMeta) -> None:
        super().__init__(f"status file {meta.id} was already loaded from {meta.source} at {meta.loaded}")
        self.meta = meta


@dataclass(frozen=True)
class Outcome:
    """What adding a revision did: `snapshot` is the new generation (None if rejected)."""

    meta: RevisionMeta
    report: Report
    report_json: dict[str, Any]  # as saved: with "new" on each result when there is a parent
    changes: ChangeSet | None  # from the parent, when there is one
    snapshot: Snapshot | None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old or the new file, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(path: Path) -> None:
    """Make a rename or removal in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _json_bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def content_digest(catalogue: Catalogue) -> str:
    """The sha256 of a catalogue's parsed content (title and items), whatever its bytes."""
    doc = {"title": catalogue.title, "items": catalogue.to_json()}
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _remove(path: Path) -> None:
    """Remove a file or a tree if it is there; a failure is logged (the next start retries)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    except OSError as exc:
        log.warning("cannot remove %s: %s", path, exc)


def _status_generation(folder: Path) -> int:
    """The generation a saved status file was published in (meta.json)."""
    return int(json.loads((folder / "meta.json").read_text(encoding="utf-8"))["generation"])


def _no_step(name: str) -> None:
    pass


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _hold_lock(directory: Path) -> tuple[IO[bytes], bool]:
    """The directory's lock, held until the handle is closed, and whether it is writable."""
    path = directory / "lock"
    handle: IO[bytes]
    try:
        handle, writable = open(path, "a+b"), True  # noqa: SIM115 (held for the store's life)
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not path.exists():
            raise
        handle, writable = open(path, "rb"), False  # noqa: SIM115 (a read-only directory)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().decode("ascii", "replace").strip()
        handle.close()
        raise DirectoryInUse(
            f"{directory} is in use by another servicegraph process (pid {holder or '?'}):"
            " one process may hold a data directory; stop it or use another --data-dir"
        ) from None
    if writable:
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode("ascii"))
        handle.flush()
    return handle, writable


class RevisionStore:
    """The revisions of one catalogue in `directory` (created if missing).

    Unless `read_only`, the store holds the directory's lock until `close()` (a second
    writer is refused with `DirectoryInUse`) and first removes what a crash left. On a
    read-only directory it serves what is there and refuses to add (`DirectoryUnwritable`).
    """

    def __init__(self, directory: Path, base: str | None = None, *, read_only: bool = False) -> None:
        self.directory = Path(directory)
        self.step: Callable[[str], None] = _no_step  # called with each name in STEPS (a test hook)
        self._lock: IO[bytes] | None = None
        self.writable = False
        if not read_only:
            (self.directory / "revisions").mkdir(parents=True, exist_ok=True)
            (self.directory / "generations").mkdir(exist_ok=True)
            self._lock, self.writable = _hold_lock(self.directory)
        try:
            self.base = self._base(base)
            if self.writable:
                self._recover()
        except BaseException:
            self.close()
            raise

    def _base(self, base: str | None) -> str:
        config = self.directory / "store.json"
        if config.exists():
            stored = json.loads(config.read_text(encoding="utf-8"))["base"]
            if base is not None and base != stored:
                raise RevisionError(f"{self.directory} holds revisions minted under {stored}, not {base}")
            return stored
        if not self.writable:
            raise RevisionError(f"{self.directory} is not a revision store (no store.json)")
        base = base_iri(base)
        _write_atomic(config, _json_bytes({"base": base}))
        return base

    def close(self) -> None:
        """Release the directory's lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> RevisionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- IRIs ----

    @property
    def metadata_graph(self) -> str:
        return f"{self.base}revisions"

    @property
    def changes_graph(self) -> str:
        return f"{self.base}changes"

    def revision_iri(self, revision_id: str) -> str:
        return f"{self.base}revision/{revision_id}"

    # ---- reading ----

    def _pointer(self) -> dict[str, Any] | None:
        path = self.directory / "current"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def _published(self) -> frozenset[str]:
        """The named graphs of the generation the pointer names."""
        pointer = self._pointer()
        if pointer is None:
            return frozenset()
        path = self.directory / "generations" / f"{pointer['generation']}.json"
        return frozenset(g for g, _ in json.loads(path.read_text(encoding="utf-8"))["graphs"])

    def _meta(self, revision_id: str, published: frozenset[str]) -> RevisionMeta | None:
        """A revision's metadata if the pointer reaches it: rejected, or in the current generation."""
        path = self.directory / "revisions" / revision_id / "meta.json"
        if not REVISION_ID.match(revision_id) or not path.exists():
            return None
        meta = RevisionMeta.from_json(json.loads(path.read_text(encoding="utf-8")))
        return meta if meta.status == "rejected" or meta.iri in published else None

    def current_id(self) -> str | None:
        pointer = self._pointer()
        return pointer["revision"] if pointer else None

    def get(self, revision_id: str) -> RevisionMeta:
        if revision_id == "current" and (current := self.current_id()) is not None:
            revision_id = current
        if not REVISION_ID.match(revision_id):
            raise UnknownRevision(f"no revision {revision_id!r}: an id is 12 hex digits")
        meta = self._meta(revision_id, self._published())
        if meta is None:
            raise UnknownRevision(f"no revision {revision_id}")
        return meta

    def revisions(self) -> list[RevisionMeta]:
        """Every revision the pointer reaches, oldest first."""
        published = self._published()
        metas = [self._meta(p.name, published) for p in (self.directory / "revisions").iterdir()]
        return sorted((m for m in metas if m is not None), key=lambda m: (m.loaded, m.id))

    def _revision_dir(self, revision_id: str) -> Path:
        return self.directory / "revisions" / self.get(revision_id).id

    def source(self, revision_id: str) -> bytes:
        return (self._revision_dir(revision_id) / "source").read_bytes()

    def catalogue(self, revision_id: str) -> Catalogue:
        meta = self.get(revision_id)
        return parse_catalogue(self.source(meta.id), meta.source)

    def report_json(self, revision_id: str) -> dict[str, Any]:
        return json.loads((self._revision_dir(revision_id) / "report.json").read_text(encoding="utf-8"))

    def report_turtle(self, revision_id: str) -> str:
        return (self._revision_dir(revision_id) / "report.ttl").read_text(encoding="utf-8")

    def current_snapshot(self) -> Snapshot:
        """The generation `current` names; an empty generation 0 for a new store."""
        pointer = self._pointer()
        if pointer is None:
            snapshot = self._write_generation(0, Edit((), (), ()))
            self._flip(0, None)
            return snapshot
        return self._open_generation(pointer["generation"])

    def generations(self) -> list[int]:
        return sorted(int(p.name) for p in (self.directory / "generations").iterdir() if p.name.isdigit())

    def _open_generation(self, generation: int) -> Snapshot:
        stats = json.loads((self.directory / "generations" / f"{generation}.json").read_text(encoding="utf-8"))
        stats["graphs"] = tuple(tuple(g) for g in stats["graphs"])
        return Snapshot(self.directory / "generations" / str(generation), generation, Statistics(**stats))

    # ---- adding ----

    def add(
        self, data: bytes, source: str, loaded: datetime | None = None, progress: Progress = _no_progress
    ) -> Outcome:
        """Parse, build and validate a catalogue; accept it unless it has a Violation.
        `progress` hears each stage (`STAGES`) start and end.

        Raises `CatalogueError` when the bytes are not a catalogue, `RevisionExists` when
        the same bytes or the same parsed catalogue were loaded before, and
        `DirectoryUnwritable` when the directory refuses the write (nothing of it is left).
        """
        sha256 = hashlib.sha256(data).hexdigest()
        for meta in self.revisions():  # the same bytes again: known before they are parsed
            if meta.sha256 == sha256:
                raise RevisionExists(meta, same_bytes=True)
        progress("parsing", 0, 0)
        catalogue = parse_catalogue(data, source)
        items = len(catalogue.items)
        progress("parsing", items, items)
        if not self.writable:
            raise DirectoryUnwritable(
                f"the data directory {self.directory} is read-only: no revision can be added (数据目录只读)"
            )
        content = content_digest(catalogue)
        for meta in self.revisions():
            if meta.content == content:
                raise RevisionExists(meta, same_bytes=False)
        return self._add(catalogue, content, data, source, loaded, progress)

    def _add(
        self, catalogue: Catalogue, content: str, data: bytes, source: str, loaded: datetime | None, progress: Progress
    ) -> Outcome:
        revision_id = catalogue.sha256[:12]
        loaded = loaded or datetime.now(UTC)
        parent = self.current_id()
        items = len(catalogue.items)
        progress("building", 0, items)
        graph = build_graph(catalogue, base=self.base, generated=loaded)
        if parent is not None:
            graph.add((graph.identifier, PROV.wasRevisionOf, URIRef(self.revision_iri(parent))))
        before = None
        if parent is not None:
            parent_catalogue = self.catalogue(parent)
            changes = diff_catalogues(parent_catalogue, catalogue, self.base)
            services = {str(s) for s in graph.subjects(RDF.type, CPSV.PublicService)}
            graph += replaced_by(self._replacements(parent), changes, services)
            before = Parent(parent_catalogue, self._terms(parent), changes)
        else:
            changes = None
        progress("validating", 0, items)
        how = plan(catalogue, self.base, before)
        log.info("revision %s: %s", revision_id, how.reason or f"{len(how.revalidate)} item(s) revalidated")
        report = with_currency(validate_revision(graph, how), graph, self._status_layer())  # Warnings: to review
        progress("publishing", 0, items)
        pointer = self._pointer()
        generation = (pointer["generation"] if pointer else 0) + 1
        meta = RevisionMeta(
            id=revision_id, iri=self.revision_iri(revision_id), title=catalogue.title,
            source=Path(source).name, sha256=catalogue.sha256, encoding=catalogue.encoding,
            loaded=loaded.isoformat(), parent=parent, items=len(catalogue.items),
            status="accepted" if report.conforms else "rejected",
            counts={s: report.count(s) for s in SEVERITIES},
            generation=generation if report.conforms else None, content=content,
        )  # fmt: skip
        report_json = report.to_json()
        if parent is not None:
            report_json = mark_new(report_json, self.report_json(parent), parent)
        snapshot = None
        try:
            if report.conforms:
                snapshot = self._write_generation(generation, self._revision_edit(graph, changes, meta))
            self._save_revision(meta, data, report_json, report)
            if snapshot is not None:
                self._flip(generation, revision_id)
        except BaseException as exc:
            if snapshot is None or self._pointer() != {"generation": generation, "revision": revision_id}:
                self._roll_back(revision_id, meta.generation)
                if isinstance(exc, OSError):
                    raise self._unwritable(exc) from exc
                raise
            log.warning("revision %s is published, but: %s", revision_id, exc)  # the flip is durable or not
        self.step("pointer-flipped")
        progress("publishing", items, items)
        return Outcome(meta, report, report_json, changes, snapshot)

    def _replacements(self, revision_id: str) -> list[tuple[str, str]]:
        """The (old, new) service IRIs that revision `revision_id`'s graph says were replaced."""
        pointer = self._pointer()
        assert pointer is not None
        store = ox.Store.read_only(str(self.directory / "generations" / str(pointer["generation"])))
        try:
            quads = store.quads_for_pattern(
                None, ox.NamedNode(str(DCTERMS.isReplacedBy)), None, ox.NamedNode(self.revision_iri(revision_id))
            )
            return [(str(q.subject.value), str(q.object.value)) for q in quads]  # type: ignore[union-attr]
        finally:
            del store

    def _unwritable(self, exc: OSError) -> DirectoryUnwritable:
        reason = exc.strerror or str(exc)
        # pyoxigraph's storage errors carry no errno, only the reason's text
        if exc.errno in FULL or any(os.strerror(code) in str(exc) for code in FULL):
            return DirectoryUnwritable(
                f"no space left in the data directory {self.directory} ({reason}): the revision was not added;"
                " free some space and upload it again (数据目录空间不足)",
                full=True,
            )
        return DirectoryUnwritable(
            f"cannot write to the data directory {self.directory} ({reason}):"
            " the revision was not added (数据目录不可写)"
        )

    def _roll_back(self, revision_id: str, generation: int | None) -> None:
        """Remove what an unfinished add wrote (the pointer does not name it)."""
        _remove(self.directory / "revisions" / revision_id)
        if generation is not None:
            _remove(self.directory / "generations" / str(generation))
            _remove(self.directory / "generations" / f"{generation}.json")

    def _terms(self, revision_id: str) -> dict[str, Any] | None:
        """A revision's results with their terms (graph/carry.py), None if not saved."""
        path = self._revision_dir(revision_id) / "report-terms.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def _save_revision(self, meta: RevisionMeta, data: bytes, report_json: dict[str, Any], report: Report) -> None:
        final = self.directory / "revisions" / meta.id
        staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{meta.id}."))
        try:
            (staging / "source").write_bytes(data)
            (staging / "report.json").write_bytes(_json_bytes(report_json))
            (staging / "report.ttl").write_text(report.to_turtle(), encoding="utf-8")
            (staging / "report-terms.json").write_bytes(_json_bytes(terms_json(report, meta.iri)))
            (staging / "meta.json").write_bytes(_json_bytes(meta.to_json()))
            self.step("revision-staged")
            os.replace(staging, final)
        except BaseException:
            _remove(staging)
            raise
        _fsync_directory(final.parent)
        self.step("revision-saved")

    def _flip(self, generation: int, revision_id: str | None) -> None:
        _write_atomic(self.directory / "current", _json_bytes({"generation": generation, "revision": revision_id}))

    def _write_generation(self, generation: int, edit: Edit) -> Snapshot:
        """The current generation with `edit` applied, as generation `generation`."""
        pointer = self._pointer()
        previous = self._open_generation(pointer["generation"]) if pointer is not None else None
        path = self.directory / "generations" / str(generation)
        snapshot = derive_snapshot(previous, path, generation, edit, self.step)
        self.step("generation-written")
        stats = asdict(snapshot.statistics)
        _write_atomic(self.directory / "generations" / f"{generation}.json", _json_bytes(stats))
        self.step("statistics-written")
        return snapshot

    def _revision_edit(self, graph: Graph, changes: ChangeSet | None, meta: RevisionMeta) -> Edit:
        """The next generation: the new revision's named graph, its change set, its
        metadata (the metadata graph names it as the current revision instead), and as the
        default graph the new revision and the status layer."""
        metadata = ox.NamedNode(self.metadata_graph)
        revision = ox.NamedNode(meta.iri)

        def added() -> Iterator[ox.Quad]:
            for s, p, o in graph:
                yield ox.Quad(*to_oxigraph_triple(s, p, o), revision)
            if changes is not None:
                created = Literal(datetime.fromisoformat(meta.loaded))
                for s, p, o in change_set_graph(changes, created):
                    yield ox.Quad(*to_oxigraph_triple(s, p, o), ox.NamedNode(self.changes_graph))
            for s, p, o in self._description(graph, meta):
                yield ox.Quad(*to_oxigraph_triple(s, p, o), metadata)

        current = (None, ox.NamedNode(str(SG.currentRevision)), None, metadata)
        return Edit((current,), added(), (revision, ox.NamedNode(self.status_graph)))

    def _description(self, graph: Graph, meta: RevisionMeta) -> Iterable[tuple[Any, Any, Any]]:
        """The new revision's triples for the metadata graph: its dataset description,
        the catalogue's, and the catalogue's link to it as its current revision."""
        revision = URIRef(meta.iri)
        catalogue = graph.value(revision, DCTERMS.isPartOf)
        yield from graph.triples((revision, None, None))
        if catalogue is not None:
            yield from graph.triples((catalogue, None, None))
            yield (catalogue, DCAT.dataset, revision)
            yield (catalogue, SG.currentRevision, revision)
        yield (revision, RDF.type, DCAT.Dataset)
        yield (revision, SG.status, Literal(meta.status))

    # ---- the status layer ----

    @property
    def status_graph(self) -> str:
        return str(status_graph_iri(self.base))

    def status_files(self) -> list[StatusFileMeta]:
        """Every accepted status file, oldest first."""
        directory = self.directory / "status"
        metas = [
            StatusFileMeta(**json.loads((d / "meta.json").read_text(encoding="utf-8")))
            for d in (directory.iterdir() if directory.exists() else ())
            if (d / "meta.json").exists()
        ]
        return sorted(metas, key=lambda m: (m.loaded, m.id))

    def add_status(
        self,
        table: StatusTable,
        data: bytes,
        cited_only: bool = False,
        loaded: datetime | None = None,
        progress: Progress = _no_progress,
    ) -> tuple[StatusFileMeta, Snapshot]:
        """Read `table` against the current revision's documents and publish its facts in a
        new generation (the status layer keeps every accepted file's facts). `progress`
        hears the stages "validating" and "publishing", counting rows.

        `cited_only`: keep only the facts about documents the revision cites (the shipped
        table); otherwise a fact about any other document refuses the file. Raises
        `StatusError` (every bad row, with its line), `StatusExists`, or `NoRevision`.
        """
        if not self.writable:
            raise DirectoryUnwritable(
                f"the data directory {self.directory} is read-only: no status file can be added (数据目录只读)"
            )
        current = self.current_id()
        if current is None:
            raise NoRevision("a status file is read against the current revision: add a catalogue first")
        status_id = table.sha256[:12]
        if (self.directory / "status" / status_id / "meta.json").exists():
            raise StatusExists(next(m for m in self.status_files() if m.id == status_id))
        rows = len(table.rows)
        progress("validating", 0, rows)
        index = DocumentIndex.of(CatalogueTriples(self.catalogue(current), base=self.base).documents(), self.base)
        if cited_only:
            table = replace(table, rows=tuple(r for r in table.rows if index.find(r.document) is not None))
        layer = build_status_graph([table], index)
        progress("publishing", 0, rows)
        generation = self._pointer()["generation"] + 1  # type: ignore[index]
        meta = StatusFileMeta(
            status_id, Path(table.source).name, table.sha256, (loaded or datetime.now(UTC)).isoformat(),
            len(table.rows), generation,
        )  # fmt: skip
        try:
            snapshot = self._write_generation(generation, self._status_edit(layer, current))
            self._save_status(meta, data, layer)
            self._flip(generation, current)
        except BaseException as exc:
            if self._pointer() != {"generation": generation, "revision": current}:
                _remove(self.directory / "status" / status_id)
                _remove(self.directory / "generations" / str(generation))
                _remove(self.directory / "generations" / f"{generation}.json")
                if isinstance(exc, OSError):
                    raise self._unwritable(exc) from exc
                raise
        progress("publishing", rows, rows)
        return meta, snapshot

    def _status_layer(self) -> Graph:
        """The status layer: every accepted status file's facts (empty when there is none)."""
        union = Graph(identifier=URIRef(self.status_graph))
        for meta in self.status_files():
            union.parse(self.directory / "status" / meta.id / "layer.nt", format="nt")
        return union

    def _save_status(self, meta: StatusFileMeta, data: bytes, layer: Graph) -> None:
        final = self.directory / "status" / meta.id
        final.parent.mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{meta.id}."))
        try:
            (staging / "source").write_bytes(data)
            (staging / "layer.nt").write_text(layer.serialize(format="nt"), encoding="utf-8")
            (staging / "meta.json").write_bytes(_json_bytes(meta.to_json()))
            os.replace(staging, final)
        except BaseException:
            _remove(staging)
            raise
        _fsync_directory(final.parent)

    def _status_edit(self, layer: Graph, current: str) -> Edit:
        """The next generation: the status layer becomes the union of every accepted
        file's facts and `layer`'s; the default graph is the current revision and that union."""
        union = self._status_layer()
        union += layer
        with_document_states(union)
        status = ox.NamedNode(self.status_graph)
        added = (ox.Quad(*to_oxigraph_triple(s, p, o), status) for s, p, o in union)
        return Edit(((None, None, None, status),), added, (ox.NamedNode(self.revision_iri(current)), status))

    # ---- housekeeping ----

    def _recover(self) -> None:
        """Remove what a crash left that the pointer does not reach (under the lock)."""
        pointer = self._pointer()
        current = {str(pointer["generation"]), f"{pointer['generation']}.json"} if pointer else set()
        left = [p for p in (self.directory / "generations").iterdir() if p.name not in current]
        published = self._published()
        left += [p for p in (self.directory / "revisions").iterdir() if self._meta(p.name, published) is None]
        left += list(self.directory.glob(".*"))  # _write_atomic's temporary files
        status = self.directory / "status"
        if status.exists():  # staging folders, and files saved for a generation never published
            generation = pointer["generation"] if pointer else 0
            left += [d for d in status.iterdir() if d.name.startswith(".") or _status_generation(d) > generation]
        for path in left:
            log.warning("removing %s: left by an interrupted publish or an earlier run", path)
            _remove(path)

    def prune(self, keep: Iterable[int]) -> list[int]:
        """Delete the generations older than the current one, except `keep`; those deleted.

        Newer ones are left alone: one may be being written.
        """
        pointer = self._pointer()
        if pointer is None:
            return []
        kept = set(keep)
        removed = []
        for generation in self.generations():
            if generation < pointer["generation"] and generation not in kept:
                shutil.rmtree(self.directory / "generations" / str(generation), ignore_errors=True)
                (self.directory / "generations" / f"{generation}.json").unlink(missing_ok=True)
                removed.append(generation)
        return removed


def open_store(directory: Path, source: Path | None = None, base: str | None = None) -> RevisionStore:
    """The store in `directory`, with the catalogue file `source` added unless it is there.

    Raises `CatalogueError` when `source` cannot be read as a catalogue and
    `RevisionError` when it has a Violation (it is kept as a rejected revision).
    """
    store = RevisionStore(directory, base)
    if source is None:
        return store
    try:
        _add_source(store, source)
    except BaseException:
        store.close()
        raise
    return store


def _add_source(store: RevisionStore, source: Path) -> None:
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise unreadable(str(source), exc) from None
    try:
        outcome = store.add(data, str(source))
    except RevisionExists as exc:
        meta = exc.meta
    else:
        meta = outcome.meta
    if meta.status != "accepted":
        raise RevisionError(
            f"{source}: revision {meta.id} has {meta.counts['Violation']} Violation(s); "
            f"run `servicegraph validate {source}` to see them"
        )
