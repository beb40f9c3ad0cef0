"""The layer contract: data flows loaders → graph → store → api → cli, and no module
imports from a layer above its own.

The imports are read from the source with `ast` (every import statement, inside functions
and `if TYPE_CHECKING:` too), the folders from pyproject's `package-dir`, so the contract
holds for the files as they are, whether or not they import cleanly.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "servicegraph"
LAYERS = ("loaders", "graph", "store", "api", "cli")
"""Lowest first: a layer may import from itself and the layers before it. The root
package and the data packages (ontology, shapes) are in no layer."""


def layer_folders() -> dict[str, Path]:
    """Each layer's folder, as pyproject maps `servicegraph.<layer>` to it."""
    package_dir = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"].get(
        "package-dir", {}
    )
    return {layer: ROOT / package_dir.get(f"{PACKAGE}.{layer}", f"{PACKAGE}/{layer}") for layer in LAYERS}


def imported_modules(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file of `module`."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the module's package
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from servicegraph import api` imports servicegraph.api
            found += [(node.lineno, base if base != PACKAGE else f"{base}.{alias.name}") for alias in node.names]
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE and parts[1] in LAYERS else None


def violations() -> list[str]:
    found = []
    for rank, (layer, folder) in enumerate(layer_folders().items()):
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(folder).with_suffix("")
            module = ".".join((PACKAGE, layer, *relative.parts)).removesuffix(".__init__")
            for line, imported in imported_modules(path, module):
                target = layer_of(imported)
                if target is not None and LAYERS.index(target) > rank:
                    allowed = ", ".join(LAYERS[: rank + 1])
                    found.append(
                        f"{path.relative_to(ROOT)}:{line}: {layer} imports {imported} from the {target} layer"
                        f" above it ({layer} may import from {allowed})"
                    )
    return found


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    found = violations()
    assert not found, "\n".join(found)


def test_every_layer_folder_has_modules() -> None:
    """The contract reads real folders: a renamed folder must not make it pass vacuously."""
    for layer, folder in layer_folders().items():
        assert (folder / "__init__.py").is_file(), f"{layer}: no package at {folder}"


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from servicegraph.api.models import Level", "servicegraph.graph.build", "servicegraph.api.models"),
        ("import servicegraph.api.app", "servicegraph.graph.build", "servicegraph.api.app"),
        ("from servicegraph import api", "servicegraph.graph.build", "servicegraph.api"),
        ("from ..api import models", "servicegraph.graph.build", "servicegraph.api"),
        ("from . import iris", "servicegraph.graph.build", "servicegraph.graph"),
        ("def f():\n    from servicegraph.cli import main", "servicegraph.store.engine", "servicegraph.cli"),
    ],
)
def test_imports_are_read_in_every_form(tmp_path: Path, source: str, module: str, expected: str) -> None:
    """Hand-written cases: absolute, package-level, relative and function-level imports."""
    path = tmp_path / "m.py"
    path.write_text(source + "\n", encoding="utf-8")
    assert [name for _, name in imported_modules(path, module)] == [expected]
