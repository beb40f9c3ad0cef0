"""Decoding: UTF-8 with or without BOM, GB18030/GBK, CRLF and CR line ends, bad bytes."""

from __future__ import annotations

import pytest

from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.decode import BOM, decode, line_of
from servicegraph.loaders.errors import CatalogueError


@pytest.fixture(scope="module")
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


def _insert_at_line(data: bytes, line: int, junk: bytes, newline: bytes = b"\n") -> bytes:
    """`data` with `junk` put at the start of 1-based `line`."""
    lines = data.split(newline)
    lines[line - 1] = junk + lines[line - 1]
    return newline.join(lines)


def test_utf8(seed_text):
    decoded = decode(seed_text.encode("utf-8"), "seed.txt")
    assert (decoded.text, decoded.encoding) == (seed_text, "utf-8")


def test_utf8_with_bom(seed_text):
    decoded = decode(BOM + seed_text.encode("utf-8"), "seed.txt")
    assert (decoded.text, decoded.encoding) == (seed_text, "utf-8-sig")


def test_gbk_copy_decodes_to_the_same_text(seed_text):
    decoded = decode(seed_text.encode("gbk"), "seed.txt")
    assert (decoded.text, decoded.encoding) == (seed_text, "gb18030")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_become_lf(seed_text, newline):
    decoded = decode(seed_text.replace("\n", newline).encode("utf-8"), "seed.txt")
    assert decoded.text == seed_text


def _seed_json(data: bytes) -> list:
    return parse_catalogue(data, "seed.txt").to_json()


def test_every_encoding_parses_identically(seed_text):
    reference = _seed_json(seed_text.encode("utf-8"))
    assert len(reference) == 98
    assert _seed_json(BOM + seed_text.encode("utf-8")) == reference
    assert _seed_json(seed_text.encode("gbk")) == reference
    assert _seed_json(seed_text.replace("\n", "\r\n").encode("utf-8")) == reference
    assert _seed_json(BOM + seed_text.replace("\n", "\r\n").encode("utf-8")) == reference
    assert _seed_json(seed_text.replace("\n", "\r\n").encode("gb18030")) == reference


def test_encoding_is_recorded(seed_text):
    assert parse_catalogue(seed_text.encode("gbk"), "s").encoding == "gb18030"
    assert parse_catalogue(BOM + seed_text.encode("utf-8"), "s").encoding == "utf-8-sig"


def _error(data: bytes) -> CatalogueError:
    with pytest.raises(CatalogueError) as caught:
        decode(data, "bad.txt")
    return caught.value


def test_bad_byte_in_utf8_file_names_its_line(seed_text):
    error = _error(_insert_at_line(seed_text.encode("utf-8"), 500, b"\xff"))
    assert (error.source, error.line) == ("bad.txt", 500)
    assert str(error).startswith("bad.txt:500: 第") and "| undecodable bytes (ff" in str(error)


def test_bad_byte_in_gbk_file_names_its_line(seed_text):
    error = _error(_insert_at_line(seed_text.encode("gbk"), 700, b"\xff"))
    assert error.line == 700


def test_bad_byte_in_crlf_file_names_its_line(seed_text):
    data = _insert_at_line(seed_text.replace("\n", "\r\n").encode("utf-8"), 1234, b"\x80", b"\r\n")
    assert _error(data).line == 1234


def test_bad_byte_after_bom_names_its_line(seed_text):
    assert _error(BOM + _insert_at_line(seed_text.encode("utf-8"), 3, b"\xfe")).line == 3


def test_truncated_multibyte_character_at_end():
    data = "附件\n\n垫江".encode() * 3 + "县".encode()[:2]
    assert _error(data).line == 7


def test_line_of_counts_every_kind_of_line_end():
    data = b"a\r\nb\rc\nd"
    assert [line_of(data, data.index(ch)) for ch in b"abcd"] == [1, 2, 3, 4]
