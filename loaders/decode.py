"""Bytes of a catalogue file → text with "\\n" line ends.

UTF-8 (with or without BOM) is tried first, then GB18030 (a superset of GBK and GB2312).
Bytes neither can decode raise `CatalogueError` naming the line they sit on.
"""

from __future__ import annotations

from dataclasses import dataclass

from servicegraph.loaders.errors import CatalogueError

BOM = b"\xef\xbb\xbf"
_UTF8_EVIDENCE = 4
"""Multi-byte characters that must decode as UTF-8 before a bad byte for the file to count
as UTF-8 (GBK text rarely yields even one or two valid UTF-8 sequences in a row)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str  # line ends normalised to "\n"
    encoding: str  # utf-8 | utf-8-sig | gb18030


def decode(data: bytes, source: str) -> Decoded:
    """Decode `data` (the bytes of file `source`), or raise `CatalogueError` at the bad line."""
    if data.startswith(BOM):
        return Decoded(_normalise_newlines(_strict(data, BOM, "utf-8", source)), "utf-8-sig")
    try:
        return Decoded(_normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as utf8_error:
        if _multibyte_chars(data[: utf8_error.start]) >= _UTF8_EVIDENCE:
            raise _undecodable(data, utf8_error.start, "utf-8", source) from None
    return Decoded(_normalise_newlines(_strict(data, b"", "gb18030", source)), "gb18030")


def line_of(data: bytes, offset: int) -> int:
    """1-based line of byte `offset`, counting CRLF, CR and LF each as one line end."""
    head = data[:offset]
    return 1 + head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n")


def _strict(data: bytes, prefix: bytes, encoding: str, source: str) -> str:
    try:
        return data[len(prefix) :].decode(encoding)
    except UnicodeDecodeError as exc:
        raise _undecodable(data, len(prefix) + exc.start, encoding, source) from None


def _undecodable(data: bytes, offset: int, encoding: str, source: str) -> CatalogueError:
    bad = data[offset : offset + 4].hex(" ")
    return CatalogueError(
        source,
        line_of(data, offset),
        f"第{offset}字节处有无法解码的字节({bad})：文件既不是 UTF-8 也不是 GB18030/GBK(按 {encoding} 解码失败)",
        f"undecodable bytes ({bad}) at byte {offset}: the file is neither UTF-8 nor GB18030/GBK (failed as {encoding})",
    )


def _multibyte_chars(valid_utf8: bytes) -> int:
    """Characters of more than one byte in a valid UTF-8 byte string."""
    text = valid_utf8.decode("utf-8")
    return len(text) - len(text.encode("ascii", "ignore"))


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
