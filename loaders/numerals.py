"""Chinese and Arabic numerals as written in provision numbers (第二十三条, 第5条, 十四、).

`parse_numeral` reads 一…九, 十, 十一, 二十三, 一百零五, 两, 〇/零, digit-by-digit forms
(二〇一七) and Arabic digits (ASCII or full-width); `to_chinese` writes the standard form.
"""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
UNITS = {"十": 10, "百": 100, "千": 1000}
MYRIADS = {"万": 10**4, "亿": 10**8}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(MYRIADS)
"""Every character a Chinese numeral may contain (for building regular expressions)."""

_ARABIC = "0123456789０１２３４５６７８９"
_WRITE_DIGITS = "零一二三四五六七八九"


def parse_numeral(text: str) -> int:
    """The value of a numeral; ValueError if `text` is not one well-formed numeral."""
    s = text.strip()
    if not s:
        raise ValueError("empty numeral")
    if all(ch in _ARABIC for ch in s):
        return int(s)
    if len(s) > 1 and all(ch in DIGITS for ch in s):
        return int("".join(str(DIGITS[ch]) for ch in s))  # 二〇一七
    return _parse_positional(s)


def _parse_positional(s: str) -> int:
    total, section, pending = 0, 0, None
    last_unit, last_myriad, prev_unit = 10**4, 10**12, 0
    zero = False  # a 零 stands between the last unit and the pending digit
    for ch in s:
        if ch in DIGITS:
            if pending is not None:
                raise ValueError(f"two digits in a row in {s!r}")
            if DIGITS[ch] == 0:
                zero = True
            else:
                pending = DIGITS[ch]
        elif ch in UNITS:
            unit = UNITS[ch]
            if unit >= last_unit or (pending is None and (section or zero or total)):
                raise ValueError(f"misplaced {ch} in {s!r}")
            section += (1 if pending is None else pending) * unit
            pending, last_unit, prev_unit, zero = None, unit, unit, False
        elif ch in MYRIADS:
            myriad = MYRIADS[ch]
            value = section + (pending or 0)
            if myriad >= last_myriad or value == 0:
                raise ValueError(f"misplaced {ch} in {s!r}")
            total += value * myriad
            section, pending, zero = 0, None, False
            last_unit, last_myriad, prev_unit = 10**4, myriad, myriad
        else:
            raise ValueError(f"not a numeral character {ch!r} in {s!r}")
    if pending is not None and prev_unit > 10 and not zero:
        raise ValueError(f"ambiguous abbreviated numeral {s!r}")  # 一百五: 105 or 150?
    return total + section + (pending or 0)


def to_chinese(n: int) -> str:
    """The standard Chinese form of 0 ≤ n < 10**12: 十一, 二十三, 一百零五, 一万零一."""
    if not 0 <= n < 10**12:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return "零"
    parts: list[str] = []
    for myriad, char in ((10**8, "亿"), (10**4, "万"), (1, "")):
        group, n = divmod(n, myriad)
        if group:
            if parts and group < 1000:
                parts.append("零")
            parts.append(_four_digits(group) + char)
        elif parts and n:
            parts.append("零")
    text = "".join(parts)
    text = text.replace("零零", "零")
    return text[1:] if text.startswith("一十") else text


def _four_digits(n: int) -> str:
    out: list[str] = []
    gap = False
    for unit, char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit)
        if digit:
            if gap and out:
                out.append("零")
            out.append(_WRITE_DIGITS[digit] + char)
            gap = False
        else:
            gap = True
    return "".join(out)
