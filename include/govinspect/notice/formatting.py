"""Text helpers shared by the notice renderers, so the PDF and the XLSX print figures the same way."""

from __future__ import annotations

import re
from datetime import date

# Control characters that neither PDF markup nor XLSX XML can carry (tab, LF and CR are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

_CN_DIGITS = "一二三四五六七八九十"


def cn_date(d: date) -> str:
    """成文日期 as GB/T 9704 writes it: Arabic numerals, full year, no zero padding (2020年10月21日)."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_rate(rate: float | None) -> str:
    """合格率 with one decimal and no trailing ``.0`` (87.5%, 100%); ``—`` when nothing could be judged."""
    if rate is None:
        return "—"
    text = f"{rate * 100:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text}%"


def format_score(score: float | None) -> str:
    """A score with one decimal (93.3); ``—`` when the unit had nothing judged."""
    return "—" if score is None else f"{score:.1f}"


def format_change(change: float | None) -> str:
    """A change of score with its sign and one decimal (+3.2, -1.5, 0.0); ``—`` when either score is missing.

    The minus is ASCII: the notice's CJK fonts have no U+2212 glyph."""
    if change is None:
        return "—"
    text = f"{abs(change):.1f}"
    if text == "0.0":
        return text
    return ("+" if change > 0 else "-") + text


def cn_ordinal(n: int) -> str:
    """Chinese numeral for heading numbers 一 … 九十九 (一、 and （一） levels)."""
    if n <= 0:
        return str(n)
    if n <= 10:
        return _CN_DIGITS[n - 1]
    if n < 20:
        return "十" + _CN_DIGITS[n - 11]
    if n < 100:
        tens, units = divmod(n, 10)
        return _CN_DIGITS[tens - 1] + "十" + (_CN_DIGITS[units - 1] if units else "")
    return str(n)


def clean_text(value: object) -> str:
    """A printable string for any cell or name: None → empty, control characters dropped."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))
