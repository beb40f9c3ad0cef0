"""The one error a loader raises: it names the file and the line, in Chinese and English."""

from __future__ import annotations


class CatalogueError(Exception):
    """Input that cannot be read as a catalogue.

    `line` is 1-based; None when the problem concerns the whole file. `message` is
    `message_zh | message_en`, as validation results print theirs.
    """

    def __init__(self, source: str, line: int | None, message_zh: str, message_en: str) -> None:
        self.source = source
        self.line = line
        self.message_zh = message_zh
        self.message_en = message_en
        self.message = f"{message_zh} | {message_en}"
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {self.message}")


def unreadable(source: str, exc: OSError) -> CatalogueError:
    """The error for a file that cannot be read at all."""
    reason = exc.strerror or str(exc)
    return CatalogueError(source, None, f"无法读取文件：{reason}", f"cannot read the file: {reason}")
