"""Source text → typed records. Nothing here knows about RDF."""

from loaders.errors import CatalogueError
from loaders.records import Catalogue, Citation, FillType, Item, LevelMark

__all__ = ["Catalogue", "CatalogueError", "Citation", "FillType", "Item", "LevelMark"]
