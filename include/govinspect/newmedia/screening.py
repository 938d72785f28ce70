"""Screening recent posts against the bureau's lists (NM1 candidates, 安全、泄密事故等严重问题).

The bureau supplies two lists: sensitive words and serious wording errors (敏感词 / 严重表述错误),
and its leaders with their titles and the wrong spellings of their names seen before
(领导干部姓名职务). A match is a *finding for an inspector to confirm*, never a veto: a word
can be quoted to refute it, a title can be a former one. The inspector confirms a finding as a
manual input (flag or veto NM1); nothing here changes a verdict.

Matching is on the text with whitespace removed and full-width forms folded (NFKC), so
``内部资料 请勿外传`` also matches ``内部资料请勿外传``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govinspect.newmedia.model import Post

CONTEXT = 16  # characters of context kept on each side of a match
_SEPARATORS = re.compile(r"[、，,;；/|｜\s]+")
_SPACE = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]+>")
_NAME_HEADERS = ("姓名", "领导姓名", "name")
_TITLE_HEADERS = ("职务", "现任职务", "title", "titles")
_WRONG_HEADERS = ("常见错误写法", "错误写法", "易错写法", "wrong_names")


class ScreeningListError(ValueError):
    """A list the profile names cannot be read: the check would silently screen nothing."""


@dataclass(frozen=True)
class Term:
    text: str
    category: str = "敏感词"


@dataclass(frozen=True)
class Leader:
    name: str
    titles: tuple[str, ...]
    wrong_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScreeningLists:
    terms: tuple[Term, ...] = ()
    leaders: tuple[Leader, ...] = ()
    sources: tuple[dict[str, Any], ...] = ()  # {"file", "sha256", "entries"} of each list read

    @property
    def empty(self) -> bool:
        return not self.terms and not self.leaders


@dataclass(frozen=True)
class PostFinding:
    """One match in one post, with what the list expects instead when it knows."""

    kind: str  # sensitive_word | wrong_name | wrong_title
    term: str
    expected: str | None
    category: str
    context: str
    post: Post

    @property
    def post_key(self) -> str:
        basis = self.post.link or f"{self.post.time.isoformat() if self.post.time else ''}|{self.post.title}"
        return hashlib.sha1(basis.encode("utf-8")).hexdigest()

    def to_row(self) -> dict[str, Any]:
        return {
            "post_key": self.post_key, "kind": self.kind, "term": self.term[:100], "expected": self.expected,
            "category": self.category[:40], "context": self.context, "post_title": self.post.title[:300],
            "post_time": self.post.time.replace(tzinfo=None) if self.post.time else None,
            "post_link": (self.post.link or "")[:1000] or None,
        }


def _normalize(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", _TAGS.sub("", text))).casefold()


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScreeningListError(f"{path}: neither UTF-8 nor GBK text")


def _read(path: Path) -> str:
    try:
        return _decode(path)
    except FileNotFoundError as exc:
        raise ScreeningListError(f"{path}: no such list") from exc


def _source(path: Path, entries: int) -> dict[str, Any]:
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "entries": entries}


def read_terms(path: Path) -> tuple[Term, ...]:
    """One word per line, optionally ``词,类别``; lines starting with # are comments."""
    terms: dict[str, Term] = {}
    for line in _read(path).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = re.split(r"[,，\t]", line, maxsplit=1)
        word = parts[0].strip()
        category = parts[1].strip() if len(parts) > 1 else ""
        if _normalize(word):
            terms.setdefault(_normalize(word), Term(word, category or "敏感词"))
    return tuple(terms.values())


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [h.strip().lower() for h in header]
    for name in names:
        if name.lower() in folded:
            return folded.index(name.lower())
    return None


def read_leaders(path: Path) -> tuple[Leader, ...]:
    """A CSV with 姓名, 职务 (several separated by 、) and optionally 常见错误写法."""
    rows = list(csv.reader(io.StringIO(_read(path))))
    if not rows:
        raise ScreeningListError(f"{path}: empty leader list")
    name_at, title_at, wrong_at = (_column(rows[0], names) for names in (_NAME_HEADERS, _TITLE_HEADERS, _WRONG_HEADERS))
    if name_at is None or title_at is None:
        raise ScreeningListError(f"{path}: the header needs 姓名 and 职务 columns, found {rows[0]}")
    merged: dict[str, tuple[list[str], list[str]]] = {}

    def cell(row: list[str], at: int | None) -> str:
        return row[at].strip() if at is not None and at < len(row) else ""

    for row in rows[1:]:
        name = _SPACE.sub("", cell(row, name_at))
        if not name:
            continue
        titles, wrong = merged.setdefault(name, ([], []))
        titles.extend(t for t in _SEPARATORS.split(cell(row, title_at)) if t and t not in titles)
        wrong.extend(w for w in _SEPARATORS.split(cell(row, wrong_at)) if w and w not in wrong and w != name)
    return tuple(Leader(name, tuple(t), tuple(w)) for name, (t, w) in merged.items())


def load_lists(terms: Path | None = None, leaders: Path | None = None) -> ScreeningLists:
    """Read the lists the profile names; a named list that cannot be read is an error."""
    read_t = read_terms(terms) if terms else ()
    read_l = read_leaders(leaders) if leaders else ()
    sources = tuple(
        _source(path, n) for path, n in ((terms, len(read_t)), (leaders, len(read_l))) if path is not None
    )
    return ScreeningLists(read_t, read_l, sources)


def _snippet(text: str, start: int, end: int) -> str:
    head = "…" if start > CONTEXT else ""
    tail = "…" if end + CONTEXT < len(text) else ""
    return head + text[max(0, start - CONTEXT):end + CONTEXT] + tail


def _longest_affix(text: str, titles: list[str], *, before: bool) -> str | None:
    for title in titles:  # longest first: 副旗长 before 旗长
        if (text.endswith(title) if before else text.startswith(title)):
            return title
    return None


def screen_post(post: Post, lists: ScreeningLists) -> list[PostFinding]:
    """Every list match in one post's title and text."""
    text = _normalize(f"{post.title} {post.text}")
    found: list[PostFinding] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, term: str, expected: str | None, category: str, start: int, end: int) -> None:
        if (kind, term) in seen:
            return
        seen.add((kind, term))
        found.append(PostFinding(kind, term, expected, category, _snippet(text, start, end), post))

    for term in lists.terms:
        needle = _normalize(term.text)
        at = text.find(needle)
        if at >= 0:
            add("sensitive_word", term.text, None, term.category, at, at + len(needle))
    titles = sorted({_normalize(t) for leader in lists.leaders for t in leader.titles}, key=len, reverse=True)
    longest = max((len(t) for t in titles), default=0)
    for leader in lists.leaders:
        for wrong in leader.wrong_names:
            needle = _normalize(wrong)
            at = text.find(needle)
            if at >= 0 and not text.startswith(_normalize(leader.name), at):
                add("wrong_name", wrong, leader.name, "领导姓名", at, at + len(needle))
        own = {_normalize(t) for t in leader.titles}
        for match in re.finditer(re.escape(_normalize(leader.name)), text):
            start, end = match.span()
            for title in (_longest_affix(text[max(0, start - longest):start], titles, before=True),
                          _longest_affix(text[end:end + longest], titles, before=False)):
                if title and title not in own:
                    add("wrong_title", f"{title}{leader.name}", "、".join(leader.titles), "领导职务", start, end)
    return found


def screen_posts(posts: Iterable[Post], lists: ScreeningLists) -> list[PostFinding]:
    if lists.empty:
        return []
    return [finding for post in posts for finding in screen_post(post, lists)]
