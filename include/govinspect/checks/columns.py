"""Column classification (栏目分类): which update window and which veto a column falls under.

Monitoring vendors bind columns to types by hand; keywords are a first guess an inspector
confirms, and a per-site mapping (``overrides``) records the answer. The more specific class wins
(解读 > 政策文件 > 文件), and the column's own name is read before its breadcrumb.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

__all__ = [
    "COLUMN_TYPES",
    "CONSULT_CHANNEL_WORDS",
    "V5_EXCLUDED_WORDS",
    "classify_column",
    "column_url_key",
    "is_consult_channel",
    "is_v5_excluded",
    "split_breadcrumb",
]

COLUMN_TYPES = (
    "dynamic",
    "notice",
    "policy",
    "personnel",
    "planning",
    "interpretation",
    "interview",
    "consult",
    "survey",
    "other",
)

# 政务咨询类 channels: the V5 "effective online consultation or suggestion channel".
CONSULT_CHANNEL_WORDS = ("信箱", "留言", "咨询", "问政", "建言", "12345", "写信")
# 网上信访 and 纪检举报 (2019) and 举报投诉 (2015) do not count as a consultation channel.
V5_EXCLUDED_WORDS = ("信访", "纪检", "举报", "投诉")

# Ordered from the most specific class to the most general: the first hit wins.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("interpretation", ("解读", "图解")),
    ("interview", ("在线访谈", "访谈", "直播")),
    ("survey", ("意见征集", "征集", "调查", "民意")),
    ("consult", CONSULT_CHANNEL_WORDS),
    ("interpretation", ("问答",)),
    ("personnel", ("人事", "任免", "招录", "招聘", "考录", "干部")),
    ("planning", ("规划", "计划", "总结", "工作要点")),
    (
        "policy",
        ("政策文件", "规范性文件", "政府文件", "政府办文件", "部门文件", "政策法规", "文件", "法规"),
    ),
    ("notice", ("通知公告", "公告", "公示", "通告", "通知")),
    (
        "dynamic",
        ("要闻", "动态", "新闻", "图片新闻", "工作动态", "部门动态", "乡镇动态", "街道动态", "今日", "时政",
         "快讯", "简报", "资讯"),
    ),
)


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a keyword list; a number (12345) must not be part of a longer one (ICP备…12345号)."""
    return re.compile("|".join(rf"(?<!\d){w}(?!\d)" if w.isdigit() else re.escape(w) for w in words))


_RULE_PATTERNS = tuple((column_type, _words(words)) for column_type, words in _RULES)
_CONSULT = _words(CONSULT_CHANNEL_WORDS)
_EXCLUDED = _words(V5_EXCLUDED_WORDS)
_CRUMB_LABEL = re.compile(r"^.*?(?:(?:当前位置|您的位置|所在位置|当前的位置|现在的位置|现在位置)\s*[:：]?|位置\s*[:：])")
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>>|＞＞|»|>|＞|›|→|/|\\|-{1,2}>)\s*")


def _clean(text: str) -> str:
    # Every whitespace character goes: str.split() breaks at all Unicode whitespace (\u3000, \xa0 …).
    return "".join(text.split()) if text else ""


def is_v5_excluded(name: str) -> bool:
    """A 网上信访 / 纪检举报 / 举报投诉 channel: never the consultation channel V5 asks for."""
    return bool(_EXCLUDED.search(_clean(name)))


def is_consult_channel(name: str) -> bool:
    """A 政务咨询类 channel (县长信箱, 我要留言, 网上咨询, 12345 …) that V5 counts."""
    name = _clean(name)
    return bool(_CONSULT.search(name)) and not is_v5_excluded(name)


def split_breadcrumb(breadcrumb: str) -> list[str]:
    """``当前位置：首页 > 政务公开 > 通知公告`` → ``["首页", "政务公开", "通知公告"]``."""
    text = _CRUMB_LABEL.sub("", (breadcrumb or "").strip(), count=1)
    return [part for part in (_clean(p) for p in _CRUMB_SEPARATOR.split(text)) if part]


def _by_keywords(name: str) -> str | None:
    for column_type, pattern in _RULE_PATTERNS:
        if pattern.search(name):
            if column_type == "consult" and is_v5_excluded(name):
                return "other"
            return column_type
    return None


_INDEX_PAGE = re.compile(r"/(?:index|default)(?:_0)?\.(?:s?html?|jsp|php|aspx?)$", re.I)


def column_url_key(url: str) -> str:
    """One spelling per column URL: host lower-cased, no fragment, no ``index.html``, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    if not parts.scheme or not parts.netloc:
        return url.strip()
    path = _INDEX_PAGE.sub("/", parts.path).rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def _override(overrides: Mapping[str, str], url: str | None, clean: str, name: str) -> str | None:
    chosen = None
    if url:
        wanted = column_url_key(url)
        chosen = next((v for k, v in overrides.items() if "://" in k and column_url_key(k) == wanted), None)
    if chosen is None:
        chosen = next((overrides[key] for key in (clean, name) if key and key in overrides), None)
    if chosen is None:
        chosen = next((v for k, v in overrides.items() if "://" not in k and _clean(k) == clean and clean), None)
    if chosen is not None and chosen not in COLUMN_TYPES:
        raise ValueError(f"override for {name or url!r}: {chosen!r} is not one of {', '.join(COLUMN_TYPES)}")
    return chosen


def classify_column(
    name: str,
    breadcrumb: str = "",
    *,
    overrides: Mapping[str, str] | None = None,
    url: str | None = None,
) -> str:
    """The column type of a 栏目, one of :data:`COLUMN_TYPES`.

    ``overrides`` is the site's manual binding ``{column name or URL: type}``; the URL entry is
    looked up first (``/tzgg/``, ``/tzgg`` and ``/tzgg/index.html`` are one column), then the name.
    Without one, keywords decide on the name, then on the breadcrumb from its deepest segment up.
    A column nothing matches is ``other`` (应更新栏目).
    """
    clean = _clean(name)
    if overrides:
        chosen = _override(overrides, url, clean, name)
        if chosen is not None:
            return chosen
    found = _by_keywords(clean)
    if found is not None:
        return found
    for segment in reversed(split_breadcrumb(breadcrumb)):
        found = _by_keywords(segment)
        if found is not None:
            return found
    return "other"
