"""Turning a fetched page's bytes into text.

Chinese government sites declare gb2312 and then use GBK characters (人名 such as 喆, 堃), serve
GBK under a server-wide ``charset=UTF-8`` header, or save UTF-8 files with a BOM under a gb2312
template. Decoding must survive all of that and never raise.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

import charset_normalizer

__all__ = ["decode_html", "normalize_encoding"]

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# Declarations that name a subset of what the page really uses.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}
# Server and framework defaults (Tomcat's ISO-8859-1) that say nothing about a Chinese page.
_WEAK = {"iso8859-1", "ascii", "cp1252"}


@lru_cache(maxsize=256)
def normalize_encoding(name: str | None) -> str | None:
    """The Python codec to decode a declared charset with (gb2312/gbk → gb18030), None if unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in ("x-gbk", "gb_2312-80", "gb2312-80", "csgb2312", "cp936", "ms936", "windows-936", "euc-cn"):
        name = "gbk"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):  # hex, base64, rot13 … are codecs but not charsets
        return None
    return _SUPERSETS.get(info.name, info.name)


def _decoded(body: bytes, encoding: str) -> str | None:
    """``body`` as text when it decodes cleanly (a character cut off at the end of a truncated body is
    replaced), else None."""
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        return body.decode(encoding, errors="replace") if error.start >= len(body) - 4 else None
    except LookupError:
        return None


def _declared(body: bytes, content_type: str | None) -> list[str]:
    """Candidate encodings in the order the page states them: BOM, HTTP header, <meta>/<?xml?> in the first 4 KB."""
    candidates: list[str] = []
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            candidates.append(encoding)
    header = normalize_encoding(m.group(1)) if content_type and (m := _HEADER_CHARSET.search(content_type)) else None
    head = body[:4096]
    meta_match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    meta = normalize_encoding(meta_match.group(1).decode("ascii", "replace")) if meta_match else None
    if header and header in _WEAK and meta:
        header, meta = meta, header
    for encoding in (header, meta):
        if encoding and encoding not in candidates:
            candidates.append(encoding)
    return candidates


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page's text and the encoding used to read it.

    Order: a byte-order mark (it cannot lie, and browsers put it first), the HTTP header charset,
    ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` in the first 4 KB, then UTF-8,
    detection (charset-normalizer) and GB18030. A declaration whose encoding does not decode the
    bytes gives way to the next candidate; when none decodes cleanly the first declaration is
    used with replacement characters. Never raises on bad bytes.
    """
    if not body:
        return "", "utf-8"
    candidates = _declared(body, content_type)
    for encoding in candidates:
        text = _decoded(body, encoding)
        if text is not None:
            return text, _reported(encoding)
    fallbacks = ["utf-8"]
    best = charset_normalizer.from_bytes(body[:65536]).best()
    detected = normalize_encoding(best.encoding) if best is not None else None
    if detected:
        fallbacks.append(detected)
    fallbacks.append("gb18030")
    for encoding in fallbacks:
        text = _decoded(body, encoding) if encoding not in candidates else None
        if text is not None:
            return text, _reported(encoding)
    encoding = candidates[0] if candidates else detected or "utf-8"
    return body.decode(encoding, errors="replace"), _reported(encoding)


def _reported(encoding: str) -> str:
    return "utf-8" if encoding == "utf-8-sig" else encoding
