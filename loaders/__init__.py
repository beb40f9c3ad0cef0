"""Source text → typed records. Nothing here knows about RDF."""

from servicegraph.loaders.errors import CatalogueError
from servicegraph.loaders.records import Catalogue, Citation, FillType, Item, LevelMark

__all__ = ["Catalogue", "CatalogueError", "Citation", "FillType", "Item", "LevelMark"]
