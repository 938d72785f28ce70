"""What the freshness check sees in one page: its columns (栏目), their items and dates.

The same reader handles the page families county sites are built from — TRS WCM, 大汉 Hanweb
(including the ``<datastore>`` data islands its list pages carry), 开普云 and the provincial
集约化 platforms — by looking at structure rather than at one template: a column block is a
heading (h1–h4, a title-like class, a tab label, a short link) followed by a list of items, and an
item is one main link with a date beside it. ``extract_contract`` is the
``govinspect extract`` output of design.md.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborCSSSelector, LexborDocumentOptions, LexborHTMLParser, LexborNode

from govinspect.checks.columns import (
    CONSULT_CHANNEL_WORDS,
    classify_column,
    is_consult_channel,
    split_breadcrumb,
)
from govinspect.checks.html import decode_html
from govinspect.dates import find_dates, labelled_dates, parse_date, parse_date_element

__all__ = ["Column", "Item", "PageExtract", "extract_contract", "extract_file", "extract_page"]


@dataclass
class Item:
    """One entry of a column list: its title, where it links, and the date shown beside it."""

    title: str
    url: str
    date: date | None


@dataclass
class Column:
    """A column (栏目) as one page shows it; ``latest`` never lies after the day the page was read."""

    name: str
    type: str
    url: str | None
    items: list[Item] = field(default_factory=list)
    latest: date | None = None


@dataclass
class PageExtract:
    """Everything the website check reads from one fetched page."""

    url: str
    encoding: str
    title: str
    latest: date | None  # newest dated item on the page (or the article's own date), never after as_of
    links: list[tuple[str, str]]  # (absolute url, anchor text), each target once, http(s) only, no fragment
    columns: list[Column]
    nav: list[tuple[str, str]]  # (name, url) of the navigation bar
    meta: dict[str, str]  # SiteName, SiteIDCode, ColumnName, ColumnType, PubDate … when present
    future_dates: list[date]  # dates after as_of shown on the page: a V1(e) risk, never an update
    consult_links: list[tuple[str, str]]  # (name, url) of 信箱 / 留言 / 咨询 channels, without 信访 / 举报
    is_list_page: bool
    blank: bool
    assets: list[tuple[str, str]] = field(default_factory=list)  # (absolute url, kind): images, stylesheets, scripts, frames  # a column list page with no items (暂无信息)


# Page tags of the 网页设计规范 (国办发〔2017〕47号), kept with their canonical spelling.
_META_NAMES = {
    name.lower(): name
    for name in (
        "SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords",
        "ColumnType", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description", "Url",
    )
}
_HOME_COLUMN_NAMES = {"首页", "网站首页", "主页", "门户首页"}

_WS = re.compile(r"\s+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_MORE_STRIP = re.compile(r"[\s>»›+＋…。.\[\]【】()（）<«|｜·:：\-—_]+")
_MORE_WORDS = {"更多", "more", "查看更多", "更多信息", "更多内容", "更多>>", "更多新闻", "more更多", "更多more", "查看全部"}
_DATE_HINT = ("date", "time", "rq", "riqi", "sj", "shijian", "fbrq", "fbsj", "pubdate")
_ACTIVE_TAB = re.compile(r"(?<![a-z])(?:on|active|cur|current|curr|hover|sel|selected|select|now)(?![a-z])")
_HEADING_HINT = ("title", "tit", "hd", "bt", "head", "lm", "lanmu", "tab", "caption", "name")
_H_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAGS = frozenset({"div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "section", "dl", "dt", "dd", "ul", "li"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe"})
_TOP_TAGS = frozenset({"body", "html", "form"})
# Elements that may carry a column name as plain text or an image's alt (old table layouts).
_PLAIN_HEADING_TAGS = frozenset(
    {"a", "span", "strong", "b", "div", "p", "td", "th", "tr", "tbody", "table", "dt", "em", "font", "legend", "label"}
)

_REGION_SELECTOR = ", ".join(
    (
        "header", "footer", "nav", "[id=header]", "[id=top]", "[id=head]",
        "[class*=footer]", "[id*=footer]", "[class~=foot]", "[id=foot]", "[class*=copyright]", "[id*=copyright]",
        "[class*=banquan]", "[id*=banquan]", "[class~=bottom]", "[id=bottom]",
        "[class~=nav]", "[id=nav]", "[class~=navbar]", "[class~=mainnav]", "[id=mainnav]", "[class~=topnav]",
        "[class~=menu]", "[id=menu]", "[class*=daohang]", "[id*=daohang]", "[class~=dh]", "[id=dh]",
    )
)
_STRIP_SELECTOR = ", ".join(sorted(_SKIP_TAGS)) + ", " + _REGION_SELECTOR
_NAV_SELECTOR = ", ".join(
    (
        "nav", "[class~=nav]", "[id=nav]", "[class~=navbar]", "[class~=mainnav]", "[id=mainnav]", "[class~=topnav]",
        "[class~=menu]", "[id=menu]", "[class*=daohang]", "[id*=daohang]", "[class~=dh]", "[id=dh]",
    )
)
_HEADING_SELECTOR = ", ".join(
    ("h1", "h2", "h3", "h4", "h5", "h6")
    + tuple(f"[class*={hint}]" for hint in _HEADING_HINT)
    + ("[id*=title]", "caption")
)
_CRUMB_SELECTOR = ", ".join(
    f"[{attr}*={hint}]" for attr in ("class", "id") for hint in ("crumb", "position", "location", "weizhi", "dqwz")
)
_CRUMB_WORDS = re.compile(r"当前位置|您的位置|所在位置|当前的位置|现在的位置|现在位置")
_CRUMB_SEPARATORS = re.compile(r">|»|＞|›|→")
# Pagination words — 共 5 页, 共 12 条, 下一页, 上一页, 尾页, 末页, 第 3 页, 页次, 2/10 页, createPageHTML —
# spelled backwards, to be searched in the reversed text: each form then starts with a fixed
# character (页, 条, 次, L) the regex engine skips ahead to, where forwards it tries every digit.
_PAGINATION_REVERSED = re.compile(
    r"页\s*\d+\s*共|条\s*\d+\s*共|页一下|页一上|页\s*尾|页\s*末|页\s*\d+\s*第|次页|页\s*\d+\s*/\s*\d+|LMTHegaPetaerc"
)
_BLANK = re.compile(r"暂无(?:信息|数据|内容|记录|相关|文章)|没有(?:找到)?(?:相关)?(?:信息|记录|数据|内容)|无记录|共\s*0\s*条")
_BLANK_MARKER_SELECTOR = ", ".join(f':lexbor-contains("{word}")' for word in ("暂无", "没有", "无记录", "共0条"))
_DETAIL_MARKS = re.compile(
    r"上一篇|下一篇|打印本页|【\s*打印\s*】|关闭窗口|【\s*关闭\s*】|字号\s*[:：]|字体\s*[:：]|[【\[]\s*大\s*[】\]]|"
    r"扫一扫在手机|分享到|索引号|文章来源|信息来源"
)
_PUB_HEADER = re.compile(r"发布(?:日期|时间)|发文日期|公开日期")
_DOC_HEADER = re.compile(r"成文日期|日期|时间")
# "今天是2020年10月15日 星期四" in a top bar is the visitor's clock, not a publication.
_TODAY = re.compile(r"今天是|今日是|今天\s*[:：]|今日\s*[:：]|当前日期|当前时间|现在时间|现在是")
_CELL_LABEL = re.compile(r"日期|时间|标题|名称|序号|状态|文号|索引号")
_ROOT_PATH = re.compile(r"/?(?:(?:index|default|main|home)\.(?:s?html?|jsp|php|aspx?))?", re.I)
# ``(?:<script[^>]*>\s*)?<datastore>…``, written to start with "<" so the regex engine skips from one
# "<" to the next instead of trying the optional <script> at every character.
_DATASTORE = re.compile(r"<(?:script[^>]*>\s*<)?datastore>(.*?)</datastore>(?:\s*</script>)?", re.S | re.I)
_RECORD = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s|--|—|-)\s*")
_DATE_START = frozenset("0123456789０１２３４５６７８９[(（【〇二")
_SKIP_LINK = ("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:")
# A plain http(s) URL — ASCII host name, optional port, no character urlsplit() would remove or
# check — as (scheme, netloc, path).
_PLAIN_URL = re.compile(r"(https?)://([A-Za-z0-9._-]+(?::[0-9]*)?)((?:/[^?#\t\n\r]*)?)(?:[?#][^\t\n\r]*)?\Z")


def split_plain_url(url: str) -> tuple[str, str, str] | None:
    """Scheme, netloc and path of a plain http(s) URL, as ``urlsplit()`` gives them, read without its
    cost; None for any other URL (ask urlsplit)."""
    plain = _PLAIN_URL.match(url)
    return plain.groups() if plain is not None else None  # type: ignore[return-value]


_SLOW_HREF = re.compile(r"[ \\\n\r\t]|%2[eE]")
_UNKNOWN = object()
# The class and id values of a page's elements, as the parser read them (character references
# decoded), joined by NUL, with every ASCII letter lowered (a value lowered can only show more):
# which ``[class*=…]``, ``[class~=…]``, ``[id=…]`` alternatives of a selector can match at all, so
# that lexbor does not test the others on every element (each costs about a walk of the tree).
_VALUED = "[class], [id]"


def _joined(values: list[str]) -> bytes:
    return "\0".join(values).encode("utf-8", "ignore").lower()


_ATTRIBUTE_TEST = re.compile(r"\[(class|id)([*~]?)=(\w+)\]")


@lru_cache(maxsize=64)
def _alternatives(selector: str) -> tuple[tuple[str, str | None, bytes, re.Pattern[bytes] | None], ...]:
    """A selector list as (alternative, attribute it tests or None, the word its value must show, and
    for ``[a~=w]`` and ``[a=w]`` the pattern of that word whole: between the start or end of a value
    (a quote, the NUL joining values) and whitespace)."""
    parts: list[tuple[str, str | None, bytes, re.Pattern[bytes] | None]] = []
    for alternative in selector.split(", "):
        test = _ATTRIBUTE_TEST.fullmatch(alternative)
        if test is None:
            parts.append((alternative, None, b"", None))
            continue
        attribute, operator, word = test.groups()
        whole = None
        if operator != "*":
            whole = re.compile(rb"(?<![^\0\"'\s])" + re.escape(word.encode()) + rb"(?![^\0\s])")
        parts.append((alternative, attribute, word.encode(), whole))
    return tuple(parts)


@lru_cache(maxsize=1024)
def _pruned(selector: str, classes: bytes | None, ids: bytes | None) -> str:
    """The alternatives of ``selector`` that the page's class and id values (None: unknown) let match,
    in their order; "" when none can. Kept: the pages of one site repeat their templates."""
    kept = []
    for alternative, attribute, word, whole in _alternatives(selector):
        values = classes if attribute == "class" else ids
        if attribute is None or values is None or word in values and (whole is None or whole.search(values)):
            kept.append(alternative)
    return ", ".join(kept)


# What the page-level readers (meta tags, <base>, <title>, links, assets) take from the unchanged tree.
_FIRST_READ = "base[href], meta[name], title, a[href], img[src], link[href], script[src], iframe[src]"
_FIRST_READ_TAGS = ("base", "meta", "title", "a", "img", "link", "script", "iframe")
# lexbor's ids of those tags (fixed for the tags of HTML): an element's tag_id costs less than its tag.
_TAG_IDS = {
    node.tag: node.tag_id
    for node in LexborHTMLParser("<base><meta><title></title><link><script></script><a></a><img><iframe></iframe>").css(
        ", ".join(_FIRST_READ_TAGS)
    )
}
_FIRST_READ_TAG_IDS = tuple(_TAG_IDS[tag] for tag in _FIRST_READ_TAGS)


_ENGINES = threading.local()


def _engine() -> LexborCSSSelector:
    """This thread's CSS selector engine, shared by every page it reads: a parser builds its own on its
    first query, which costs more than most queries do."""
    engine = getattr(_ENGINES, "engine", None)
    if engine is None:
        engine = _ENGINES.engine = LexborCSSSelector()
    return engine


def _css(node: LexborNode, query: str) -> list[LexborNode]:
    """``node.css(query)``, run by :func:`_engine`."""
    return _engine().find(query, node)


def _css_first(node: LexborNode, query: str) -> LexborNode | None:
    """``node.css_first(query)``, run by :func:`_engine`."""
    found = _engine().find_first(query, node)
    return found[0] if found else None


def _attribute(node: LexborNode, name: str) -> str | None:
    """``node.attrs.get(name)``, cheaper when the node has the attribute (an ``a[href]``'s href)."""
    try:
        return node.attrs[name]
    except KeyError:
        return None


def _marks(node: LexborNode) -> str:
    """An element's class and id, lowered: where hints such as "more", "date" or "title" are looked for."""
    attributes = node.attributes  # one read for both: attrs.get() of a missing attribute costs more
    return ((attributes.get("class") or "") + " " + (attributes.get("id") or "")).lower()


def _text(node: LexborNode) -> str:
    """An element's text with runs of whitespace made one space (its text nodes never run together)."""
    return " ".join(node.text(separator=" ").split())


def _anchor_text(anchor: LexborNode, text: str) -> str:
    """What a reader sees as the link: its text, else its title, else its image's alt (县长信箱 buttons)."""
    text = text or (anchor.attributes.get("title") or "").strip()
    if not text:
        image = _leading_image(anchor)
        attributes = image.attributes if image is not None else None
        if attributes is None or "alt" not in attributes:
            image = _css_first(anchor, "img[alt]")
            attributes = image.attributes if image is not None else None
        text = (attributes.get("alt") or "").strip() if attributes is not None else ""
    return text


def _leading_image(node: LexborNode) -> LexborNode | None:
    """The node's first child when it is an ``<img>``: then also the first ``<img>`` inside the node,
    found without a selector query (a linked logo or button)."""
    child = node.first_child
    return child if child is not None and child.tag == "img" else None


def _visible_length(text: str) -> int:
    return len("".join(text.split()))  # str.split() and _WS break at the same (Unicode) whitespace


def _open_data_islands(html: str) -> str:
    """Hanweb list pages keep their items in ``<script><datastore><record><![CDATA[<li>…]]>``: lay them out."""
    if "datastore" not in html:
        return html

    def records(match: re.Match[str]) -> str:
        inner = "".join(record.group(1) for record in _RECORD.finditer(match.group(1)))
        return f'<div class="datastore">{inner}</div>'

    return _DATASTORE.sub(records, html)


def _resolve(base: str, href: str | None) -> str | None:
    """Absolute http(s) URL without its fragment; None for javascript:, mailto:, bare #anchors."""
    if not href:
        return None
    href = href.strip().replace("\n", "").replace("\r", "").replace("\t", "")
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_LINK):
        return None
    try:
        absolute = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


class _Resolver:
    """:func:`_resolve` against one base, with a fast path for the plain hrefs that make up most pages.

    Plain hrefs resolve the same from every page of one folder: ``folders`` (one dict per site's
    check, see :func:`extract_page`) keeps their answers for the next page read there, so the
    navigation and footer every page repeats are resolved once.
    """

    def __init__(self, base: str, folders: dict[str, dict[str, str]] | None = None) -> None:
        self.base = base
        self.cache: dict[str, str | None] = {}
        plain = split_plain_url(base)
        if plain is not None:  # what urlsplit() would answer, without its cost
            scheme, netloc, path = plain
            self.origin = f"{scheme}://{netloc.lower()}"
            directory = path.rsplit("/", 1)[0]
        else:
            try:
                parts = urlsplit(base)
            except ValueError:
                parts = None
            fast = parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
            self.origin = f"{parts.scheme}://{parts.netloc.lower()}" if fast and parts else ""
            directory = parts.path.rsplit("/", 1)[0] if fast and parts else ""
        self.segments = [s for s in directory.split("/") if s]
        shared: dict[str, str] = {}
        if folders is not None and self.origin:
            shared = folders.setdefault(self.origin + "/" + "/".join(self.segments), shared)
        self.shared = shared

    def __call__(self, href: str | None) -> str | None:
        if href is None:
            return None
        found = self.shared.get(href, _UNKNOWN)
        if found is not _UNKNOWN:
            return found  # type: ignore[return-value]
        found = self.cache.get(href, _UNKNOWN)
        if found is _UNKNOWN:
            # Plain absolute, root-relative and ./ ../ hrefs here; anything unusual goes to urljoin.
            if not self.origin:
                found = None
            elif href[:1] == "/" or href[:8].lower().startswith(("http://", "https://")):
                found = _join_rooted(self.origin, href)
            else:
                found = _join(self.origin, self.segments, href)
            if found is not None:
                self.shared[href] = found
            else:
                found = self.cache[href] = _resolve(self.base, href)
        return found  # type: ignore[return-value]


def _join(origin: str, segments: list[str] | tuple[str, ...], href: str) -> str | None:
    """``href`` read from a page of ``origin`` in the folder ``segments``; None when it is not plain."""
    if _SLOW_HREF.search(href):
        return None
    href = href.split("#", 1)[0].removesuffix("?")
    if not href or "/." in href or href.startswith(("?", "//")):
        return None
    if href[:8].lower().startswith(("http://", "https://")):
        scheme, _, rest = href.partition("://")
        host, slash, path = rest.partition("/")
        if not host or any(c in host for c in "@[?"):
            return None
        return f"{scheme.lower()}://{host.lower()}/{path}"
    if ":" in href.split("/", 1)[0]:
        return None
    if href.startswith("/"):
        return origin + href
    folder = list(segments)
    while href.startswith(("./", "../")):
        head, _, href = href.partition("/")
        if head == ".." and folder:
            folder.pop()
    if href.startswith("."):
        return None
    return origin + "/" + "".join(s + "/" for s in folder) + href


@lru_cache(maxsize=4096)
def _join_rooted(origin: str, href: str) -> str | None:
    """:func:`_join` of an absolute or root-relative href: the same from every folder of the site, so
    the navigation and footer of pages in many folders (articles filed by month) are joined once."""
    return _join(origin, (), href)


@lru_cache(maxsize=4096)
def _more_words(text: str) -> bool | None:
    """Whether a link's text says "更多" / "more" (True) or something else (False); None when nothing
    but arrows and marks is left, so the link itself must tell. Kept: a site repeats its links."""
    stripped = _MORE_STRIP.sub("", text).lower()
    if stripped in _MORE_WORDS:
        return True
    return False if stripped else None


def _is_more(anchor: LexborNode, text: str) -> bool:
    """The "更多>>" / "more" link of a column block: it points at the column's own list page."""
    said = _more_words(text)
    if said is not None:
        return said
    marks = _marks(anchor)
    if "more" in marks or text.strip():  # class="more", or only arrows and pluses (>>, +)
        return True
    image = _leading_image(anchor) or _css_first(anchor, "img")
    return image is not None and "more" in (image.attributes.get("src") or "").lower()


def _clean_label(node: LexborNode) -> str:
    """A heading's or tab's name: its CJK text pieces without "更多" or English subtitles (NOTICE)."""
    pieces = []
    for child in node.traverse(include_text=True, skip_empty=True):
        if not child.is_text_node:
            continue
        parent = child.parent
        if parent is not None and parent.tag in _SKIP_TAGS:
            continue
        piece = (child.text_content or "").strip()
        if piece and _MORE_STRIP.sub("", piece).lower() not in _MORE_WORDS:
            pieces.append(piece)
    if any(_CJK.search(p) for p in pieces):
        pieces = [p for p in pieces if _CJK.search(p)]
    name = "".join("".join(pieces).split()) if pieces else ""
    if not name:
        image = _css_first(node, "img[alt]")
        name = _WS.sub("", image.attributes.get("alt") or "") if image is not None else ""
    return name.strip("|｜:：·-—>»[]【】")


def _has_crumb_words(text: str) -> bool:
    """``_CRUMB_WORDS.search(text)``, looked for only around the 位置 every one of its words ends with."""
    at = text.find("位置")
    while at >= 0:
        if _CRUMB_WORDS.search(text, max(0, at - 3), at + 2):
            return True
        at = text.find("位置", at + 2)
    return False


def _valid_name(name: str) -> bool:
    return 2 <= len(name) <= 20 and bool(_CJK.search(name)) and not _CRUMB_WORDS.search(name)


@dataclass
class _Heading:
    name: str
    url: str | None
    key: tuple[int, int]


@dataclass
class _Group:
    node: LexborNode
    first: LexborNode
    items: list[tuple[Item, LexborNode]] = field(default_factory=list)

    @property
    def dated(self) -> int:
        return sum(1 for item, _ in self.items if item.date is not None)


class _Reader:
    """One pass over one parsed page. Keeps the per-page indexes the heuristics share."""

    def __init__(
        self,
        html: str,
        url: str,
        as_of: date,
        folders: dict[str, dict[str, str]] | None = None,
        utf8: bytes | None = None,
    ) -> None:
        self.as_of = as_of
        self.raw = _open_data_islands(html)
        # The bytes the parser reads (what it makes of a str): ``utf8`` when the caller knows them to
        # be the UTF-8 of ``html``.
        self.data = utf8 if utf8 is not None and self.raw is html else self.raw.encode("utf-8", "ignore")
        # Without lexbor's mutation events (such as copying the selected <option> into <selectedcontent>):
        # nothing read here depends on them, and the parse costs less without them.
        self.tree = LexborHTMLParser(self.data, options=LexborDocumentOptions.WO_EVENTS)
        self._values: tuple[bytes | None, bytes | None] | None = None
        # One walk of the tree for every element the page-level readers ask for, by tag in page order.
        lists: list[list[LexborNode]] = [[] for _ in _FIRST_READ_TAGS]
        self.found: dict[str, list[LexborNode]] = dict(zip(_FIRST_READ_TAGS, lists, strict=True))
        by_id = dict(zip(_FIRST_READ_TAG_IDS, lists, strict=True))
        for node in self.select(_FIRST_READ):
            nodes = by_id.get(node.tag_id)
            if nodes is not None:
                nodes.append(node)
        self.meta = self._meta()
        base = next(iter(self.found["base"]), None)
        self.base = (_resolve(url, _attribute(base, "href")) if base is not None else None) or url
        self.resolve = _Resolver(self.base, folders)
        self._anchor_texts: dict[int, str] = {}
        self.anchor_targets: list[str | None] = []  # where each of found["a"] goes, once links() has read them
        self.more_urls: dict[int, str | None] = {}
        self.main_ids: set[int] = set()
        self.holders: set[int] = set()
        self.shared: set[int] = set()
        self.marked: set[int] = set()
        self.dated_holders: set[int] = set()
        self._parts: dict[int, tuple[LexborNode, str, str | None, list[tuple[str, str | None]]] | None] = {}
        self._panel_cache: dict[int, list[LexborNode]] = {}
        self._date_columns: dict[int, int | None] = {}

    def select(self, query: str) -> list[LexborNode]:
        """``self.tree.css(query)``."""
        root = self.tree.root
        return _css(root, query) if root is not None else []

    def pruned(self, selector: str) -> str:
        """``selector`` without the alternatives no element of this page can match ("" if none can)."""
        if self._values is None:
            # Read once, from the tree as it is then: elements removed later take nothing away from
            # what the values allow, so the alternatives kept stay a superset of what can match.
            classes: list[str] = []
            ids: list[str] = []
            for node in self.select(_VALUED):
                attributes = node.attributes
                value = attributes.get("class")
                if value:
                    classes.append(value)
                value = attributes.get("id")
                if value:
                    ids.append(value)
            # (An element with both comes once per alternative: its values twice, which allows no more.)
            self._values = (_joined(classes), _joined(ids))
        return _pruned(selector, *self._values)

    # -- page-level facts -------------------------------------------------------------------------

    def text_of(self, anchor: LexborNode) -> str:
        """An anchor's visible text, read once per page (links, nav and items all ask for it)."""
        key = anchor.mem_id
        if key not in self._anchor_texts:
            self._anchor_texts[key] = _text(anchor)
        return self._anchor_texts[key]

    def _meta(self) -> dict[str, str]:
        meta: dict[str, str] = {}
        for node in self.found["meta"]:
            attrs = node.attributes
            key = _META_NAMES.get((attrs.get("name") or "").strip().lower())
            if key and key not in meta:
                content = (attrs.get("content") or "").strip()
                if content:
                    meta[key] = content
        return meta

    def title(self) -> str:
        nodes = self.found["title"]
        return _text(nodes[0]) if nodes else ""

    def links(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        targets = self.anchor_targets
        resolve = self.resolve
        folder = resolve.shared
        origin = resolve.origin
        texts = self._anchor_texts
        for anchor in self.found["a"]:
            try:
                href = anchor.attrs["href"]  # _attribute(), inline
            except KeyError:
                href = None
            target = folder.get(href, _UNKNOWN)  # what resolve() would answer first, without the call
            if target is _UNKNOWN:
                # resolve(), inline for the absolute and root-relative hrefs of the navigation and footer
                # (the same from every folder of the site: joined once, then kept by _join_rooted)
                rooted = origin and href and (href[:1] == "/" or href[:8].lower().startswith(("http://", "https://")))
                target = _join_rooted(origin, href) if rooted else None
                if target is not None:
                    folder[href] = target
                else:
                    target = resolve(href)
            targets.append(target)
            if target is None:
                continue
            known = seen.get(target)
            if known:
                continue  # the first non-empty text of a target stands
            key = anchor.mem_id  # text_of(), inline
            text = texts.get(key)
            if text is None:
                text = texts[key] = _text(anchor)
            if not text:
                text = _anchor_text(anchor, text)
            if known is None or text:
                seen[target] = text
        return list(seen.items())

    def assets(self) -> list[tuple[str, str]]:
        """What the page loads besides its links — images, stylesheets, scripts, frames — for the link check."""
        found: dict[str, str] = {}
        for tag, attribute, kind in (("img", "src", "image"), ("link", "href", "stylesheet"),
                                     ("script", "src", "script"), ("iframe", "src", "frame")):
            for node in self.found[tag]:
                if kind == "stylesheet":
                    attributes = node.attributes
                    if "stylesheet" not in (attributes.get("rel") or "").lower():
                        continue
                    target = self.resolve(attributes.get(attribute))
                else:
                    target = self.resolve(_attribute(node, attribute))
                if target is not None and target not in found:
                    found[target] = kind
        return list(found.items())

    def nav(self) -> list[tuple[str, str]]:
        """Navigation links (首页 / 政务公开 / 互动交流 …): the nav region, else the first menu-like list."""
        found: dict[str, str] = {}
        for region in self.select(self.pruned(_NAV_SELECTOR)):
            if "tab" in (region.attributes.get("class") or "").lower():
                continue
            for anchor in _css(region, "a[href]"):
                target = self.resolve(_attribute(anchor, "href"))
                name = _CJK_GAP.sub("", self.text_of(anchor))
                if target and name and not _is_more(anchor, name) and target not in found:
                    found[target] = name
        if not found:
            for menu in self.select("ul"):
                entries = []
                for li in menu.iter():
                    anchors = _css(li, "a[href]") if li.tag == "li" else []
                    if len(anchors) != 1:
                        break
                    name = _CJK_GAP.sub("", self.text_of(anchors[0]))
                    target = self.resolve(_attribute(anchors[0], "href"))
                    if not target or not 2 <= len(name) <= 8 or find_dates(_text(li), self.as_of, yearless=True):
                        break
                    entries.append((target, name))
                else:
                    if len(entries) >= 4:
                        found = dict(entries)
                        break
        return [(name, target) for target, name in found.items()]

    def breadcrumb(self) -> str:
        """The 当前位置 trail, read and then removed so its links are not taken for list items."""
        node = None
        if _has_crumb_words(self.raw):
            texts = ((n, _text(n)) for n in self.select(":lexbor-contains(\"位置\")"))
            labelled = [(n, text) for n, text in texts if _CRUMB_WORDS.search(text)]
            if labelled:
                node = min(labelled, key=lambda pair: len(pair[1]))[0]
                while _visible_length(_CRUMB_WORDS.split(_text(node))[-1].strip(" :：")) < 2:
                    parent = node.parent
                    if parent is None or parent.tag in _TOP_TAGS or len(_text(parent)) > 160:
                        break
                    node = parent
        if node is None:
            crumbs = self.pruned(_CRUMB_SELECTOR)
            for candidate in self.select(crumbs) if crumbs else ():
                text = _text(candidate)
                if len(text) <= 160 and _CRUMB_SEPARATORS.search(text):
                    node = candidate
                    break
        if node is None:
            return ""
        text = _text(node)
        if len(text) <= 160 and node.tag not in _TOP_TAGS:
            node.decompose()
        return text

    def strip_regions(self) -> None:
        """Drop header, navigation and footer: their dates (今天是…, © 2020, ICP) are not publications."""
        # Scripts, styles and frames go whole; a region goes unless it is a tab box ("nav tab").
        # The selectors look at no ancestor, so one walk finds what removing them in turn would.
        # Only the alternatives the page's markup can match are asked for: the nodes found are the same.
        _decompose_outermost([
            node for node in self.select(self.pruned(_STRIP_SELECTOR))
            if node.tag in _SKIP_TAGS or "tab" not in (node.attributes.get("class") or "").lower()
        ])

    # -- items ------------------------------------------------------------------------------------

    def index_anchors(self) -> list[tuple[LexborNode, str, str]]:
        """Main links (a title of five or more characters), indexing which elements hold them.

        Each walk up stops at the first element another main link already reached: that element
        is where two items meet (a list, not an item), and everything above it is already known.
        """
        body = self.tree.body
        if body is None:
            return []
        mains = []
        holders = self.holders
        for anchor in _css(body, "a[href]"):
            text = self.text_of(anchor)
            if _is_more(anchor, text):
                self.more_urls[anchor.mem_id] = self.resolve(_attribute(anchor, "href"))
                self._mark(anchor)
                continue
            title = self._card_title(anchor) or text
            attributes = anchor.attributes
            attr = (attributes.get("title") or "").strip()
            if attr and (not title or title.endswith(("...", "…", "..")) or len(attr) > len(title) and attr.startswith(title[:4])):
                title = attr
            if _visible_length(title) < 5 or title[0] in _DATE_START and parse_date_element(title, self.as_of):
                continue
            target = self.resolve(attributes.get("href"))
            if target is None:
                continue
            node = anchor.parent
            while node is not None and node.tag not in ("body", "html"):
                key = node.mem_id
                if key in holders:
                    self.shared.add(key)
                    break
                holders.add(key)
                node = node.parent
            self.main_ids.add(anchor.mem_id)
            mains.append((anchor, title, target))
        for heading in _css(body, ", ".join(sorted(_H_TAGS))):
            if heading.mem_id not in self.holders and not self._in_main_link(heading):
                self._mark(heading)
        return mains

    def _card_title(self, anchor: LexborNode) -> str | None:
        """The title of a link that wraps a whole card (title, picture, source and date blocks): its
        longest block of text, so the date and source beside the title stay out of it."""
        if next(anchor.iter(), None) is None:
            return None  # text alone (most links): no block inside
        blocks = [node for node in anchor.traverse() if node.tag in _BLOCK_TAGS]
        if not blocks:
            return None
        leaves = [node for node in blocks if not any(child.tag in _BLOCK_TAGS for child in node.iter())]
        titled = [node for node in leaves if node.tag in _H_TAGS or "tit" in (node.attributes.get("class") or "").lower()]
        texts = [_text(node) for node in titled or leaves]
        undated = [text for text in texts if not find_dates(text, self.as_of, yearless=True)]
        return max(undated or texts, key=_visible_length, default=None) or None

    def _in_main_link(self, node: LexborNode) -> bool:
        """Inside an item's link (a card's ``<h3>`` title): an item's part, never a block's heading."""
        parent = node.parent
        while parent is not None and parent.tag not in _TOP_TAGS:
            if parent.mem_id in self.main_ids:
                return True
            parent = parent.parent
        return False

    def _mark(self, node: LexborNode) -> None:
        """Flag the ancestors of a heading or a "更多" link: an item never grows past them."""
        parent = node.parent
        while parent is not None and parent.tag not in ("body", "html") and parent.mem_id not in self.marked:
            self.marked.add(parent.mem_id)
            parent = parent.parent

    def _container(self, anchor: LexborNode) -> LexborNode:
        """The item an anchor belongs to: the largest ancestor holding no other main link.

        It is usually an ``li`` or ``tr``, but grows past them when each row sits in a wrapper of its
        own (a one-row ``<table>`` per Hanweb record, a ``<div><ul>`` of cells per disclosure row, a
        ``<dl>`` per summary item), so that the rows of one list share one holder.
        """
        container = anchor
        node = anchor.parent
        for _ in range(6):
            if node is None or node.mem_id in self.shared or node.mem_id in self.marked or node.tag in _TOP_TAGS:
                break
            container = node
            node = node.parent
        return container

    def _holds_items(self, node: LexborNode) -> bool:
        return node.mem_id in self.main_ids or node.mem_id in self.holders

    def _holds_dated(self, node: LexborNode) -> bool:
        """Holds dated items: a heading bar whose link is long ("重点领域信息公开") still names a column."""
        return node.mem_id in self.dated_holders

    def _mark_dated(self, container: LexborNode) -> None:
        node: LexborNode | None = container
        while node is not None and node.tag not in ("body", "html") and node.mem_id not in self.dated_holders:
            self.dated_holders.add(node.mem_id)
            node = node.parent

    def _date_column(self, row: LexborNode) -> int | None:
        """In a table list with a header row, the index of the 发布日期 cell (not 成文日期)."""
        table = row.parent
        while table is not None and table.tag != "table":
            table = table.parent
        if table is None:
            return None
        if table.mem_id not in self._date_columns:
            index = None
            header = _css_first(table, "tr")
            if header is not None and not self._holds_items(header):
                cells = [_text(c) for c in header.iter() if c.tag in ("td", "th")]
                for pattern in (_PUB_HEADER, _DOC_HEADER):
                    index = next((i for i, cell in enumerate(cells) if len(cell) <= 8 and pattern.search(cell)), None)
                    if index is not None:
                        break
            self._date_columns[table.mem_id] = index
        return self._date_columns[table.mem_id]

    def _date_in(self, container: LexborNode, anchor: LexborNode) -> date | None:
        """The date of the item ``container`` around ``anchor``: the nearest date element wins.

        A table row with a header reads its 发布日期 cell; otherwise the elements beside the link
        are searched level by level from the link up to the item, then the elements inside the
        link (a card link wrapping its title and date), then the item's remaining text.
        """
        row = anchor.parent
        while row is not None and row.tag != "tr" and row.mem_id != container.mem_id:
            row = row.parent
        if row is not None and row.tag == "tr":
            column = self._date_column(row)
            if column is not None:
                cells = [c for c in row.iter() if c.tag in ("td", "th")]
                if column < len(cells):
                    found = parse_date_element(_text(cells[column]), self.as_of)
                    if found is not None:
                        return found
        below, level = anchor, anchor.parent
        while level is not None and container.mem_id != below.mem_id:
            for child in level.iter():
                if child.mem_id == below.mem_id or child.tag in _SKIP_TAGS:
                    continue
                found = self._date_under(child)
                if found is not None:
                    return found
            below, level = level, level.parent
        found = self._date_under(anchor, include_self=False)
        if found is not None:
            return found
        if container.mem_id == anchor.mem_id:
            return None
        rest = _text(container)
        title = _text(anchor)
        if title:
            rest = rest.replace(title, " ", 1)
        if _TODAY.search(rest):
            return None
        return parse_date(rest, self.as_of, yearless=len(rest) <= 40)

    def _date_under(self, node: LexborNode, include_self: bool = True) -> date | None:
        """The first date element at or below ``node``, in reading order."""
        for element in node.traverse():
            if element.tag in _SKIP_TAGS or not include_self and element.mem_id == node.mem_id:
                continue
            found = self._date_of_element(element)
            if found is not None:
                return found
        return None

    def _date_of_element(self, node: LexborNode) -> date | None:
        text = _text(node)
        if not text or len(text) > 80 or _TODAY.search(text):
            return None
        found = parse_date_element(text, self.as_of)
        if found is None:
            marks = _marks(node)
            if node.tag == "time" or any(hint in marks for hint in _DATE_HINT):
                found = parse_date(text, self.as_of, yearless=True)
        return found

    def _date_beside(self, container: LexborNode, backwards: bool) -> date | None:
        """The date written next to an item that has no element of its own: ``<a>…</a> 2020-10-12<br>``."""
        pieces: list[str] = []
        node = container.prev if backwards else container.next
        for _ in range(8):
            if node is None:
                break
            if node.is_element_node:
                if node.tag == "br" or self._holds_items(node) or node.mem_id in self.more_urls:
                    break
                if node.tag not in _SKIP_TAGS:
                    pieces.append(_text(node))
            elif node.is_text_node:
                pieces.append((node.text_content or "").strip())
            if sum(len(p) for p in pieces) > 60:
                break
            node = node.prev if backwards else node.next
        text = " ".join(p for p in (reversed(pieces) if backwards else pieces) if p)
        if not text or _TODAY.search(text):
            return None
        return parse_date_element(text, self.as_of) or parse_date(text, self.as_of, yearless=len(text) <= 40)

    def groups(self) -> list[_Group]:
        """Items grouped by the list that holds them (ul, tbody, div of ``<a>`` + date lines …)."""
        groups: dict[int, _Group] = {}
        for anchor, title, target in self.index_anchors():
            container = self._container(anchor)
            when = self._date_in(container, anchor)
            if when is None:
                when = self._date_beside(container, backwards=False)
            if when is None and container is anchor:
                when = self._date_beside(container, backwards=True)
            holder = container.parent
            if holder is None:
                continue
            if when is not None:
                self._mark_dated(container)
            group = groups.get(holder.mem_id)
            if group is None:
                group = groups[holder.mem_id] = _Group(holder, container)
            group.items.append((Item(title, target, when), container))
        return list(groups.values())

    # -- headings ---------------------------------------------------------------------------------

    def heading(self, group: _Group) -> _Heading | None:
        """The column name over a list: a heading before it, climbing out of the block up to six levels."""
        for child in group.node.iter():
            if child.mem_id == group.first.mem_id or self._holds_dated(child):
                break
            found = self._heading_of(child, group.first, group)
            if found is not None:
                return found
        path = group.node
        for _ in range(6):
            parent = path.parent
            if parent is None or parent.tag in ("html",):
                return None
            sibling = path.prev
            checked = 0
            while sibling is not None and checked < 6:
                if sibling.is_element_node and sibling.tag not in _SKIP_TAGS:
                    checked += 1
                    if not self._holds_dated(sibling):
                        found = self._heading_of(sibling, path, group)
                        if found is not None:
                            return found
                    elif self._has_own_heading(sibling):
                        # The block before this list has its own heading: this list has none.
                        return None
                sibling = sibling.prev
            if parent.tag == "body":
                return None
            path = parent
        return None

    def _has_own_heading(self, block: LexborNode) -> bool:
        """A block of dated items under a heading of its own (not a tab panel or a headline box)."""
        for node in _css(block, self.pruned(_HEADING_SELECTOR)):
            if not self._holds_items(node) and not self._in_main_link(node) and _valid_name(_clean_label(node)):
                return True
        return False

    def _heading_node(self, node: LexborNode) -> LexborNode | None:
        if node.tag in ("tr", "thead") and _is_table_header(node):
            return None
        if node.tag in _H_TAGS or node.tag == "caption":
            return node
        marks = _marks(node)
        if any(hint in marks for hint in _HEADING_HINT):
            return node
        inner = _css_first(node, self.pruned(_HEADING_SELECTOR))
        if inner is not None:
            return inner
        if node.tag in _PLAIN_HEADING_TAGS and len(_css(node, "a")) <= 2:
            return node
        return None

    def _names_a_column(self, node: LexborNode) -> bool:
        """The next block's heading (a "更多" bar alone names nothing)."""
        return self._heading_parts(node) is not None

    def _heading_of(self, sibling: LexborNode, path: LexborNode, group: _Group) -> _Heading | None:
        parts = self._heading_parts(sibling)
        if parts is None:
            return None
        node, name, url, tabs = parts
        if tabs:
            return self._tab_heading(sibling, node, tabs, group)
        return _Heading(name, self._more_near(sibling, path) or url, (node.mem_id, 0))

    def _heading_parts(
        self, sibling: LexborNode
    ) -> tuple[LexborNode, str, str | None, list[tuple[str, str | None]]] | None:
        """What an element offers as a heading — its node, name, link and tab labels — read once per element."""
        key = sibling.mem_id
        if key in self._parts:
            return self._parts[key]
        parts = None
        node = self._heading_node(sibling)
        if node is not None:
            tabs = self._tabs(node)
            name = _clean_label(node)
            if len(tabs) >= 2:
                parts = (node, name, None, tabs)
            elif _valid_name(name) and not find_dates(name, self.as_of, yearless=True):
                url = None
                for anchor in _css(node, "a[href]"):
                    if anchor.mem_id in self.more_urls:
                        continue
                    if url is None or _clean_label(anchor) == name:
                        url = self.resolve(_attribute(anchor, "href"))
                parts = (node, name, url, [])
        self._parts[key] = parts
        return parts

    def _tabs(self, node: LexborNode) -> list[tuple[str, str | None]]:
        """Tab labels of a tabbed box (通知公告 | 政策文件 | 政策解读 in one heading bar)."""
        for selector in ("li", "a", "span"):
            labels = []
            for label in _css(node, selector):
                anchor = label if label.tag == "a" else _css_first(label, "a[href]")
                if anchor is not None and anchor.mem_id in self.more_urls:
                    continue
                name = _clean_label(label)
                if _valid_name(name) and len(name) <= 12:
                    target = self.resolve(_attribute(anchor, "href")) if anchor is not None else None
                    labels.append((name, target))
            if len(labels) >= 2:
                return labels
        return []

    def _panels(self, bar: LexborNode, count: int) -> list[LexborNode]:
        """The panels a tab bar switches between: the elements after it, or the children of its one wrapper."""
        if bar.mem_id not in self._panel_cache:
            following = []
            nxt = bar.next
            while nxt is not None:
                if nxt.is_element_node and nxt.tag not in _SKIP_TAGS and nxt.mem_id not in self.more_urls:
                    following.append(nxt)
                nxt = nxt.next
            if len(following) == 1:
                children = [c for c in following[0].iter() if c.tag not in _SKIP_TAGS]
                if len(children) >= count:
                    following = children
            self._panel_cache[bar.mem_id] = [p for p in following if not self._only_more(p)]
        return self._panel_cache[bar.mem_id]

    def _tab_heading(
        self, sibling: LexborNode, node: LexborNode, tabs: list[tuple[str, str | None]], group: _Group
    ) -> _Heading:
        panels = self._panels(sibling, len(tabs))
        ancestors = set()
        up: LexborNode | None = group.node
        while up is not None:
            ancestors.add(up.mem_id)
            up = up.parent
        index = next((i for i, panel in enumerate(panels) if panel.mem_id in ancestors), 0)
        index = min(index, len(tabs) - 1)
        name, label_url = tabs[index]
        more = None
        if index < len(panels):
            more = next(
                (self.more_urls[a.mem_id] for a in _css(panels[index], "a[href]") if a.mem_id in self.more_urls), None
            )
        if more is None and label_url is None and index == self._active_tab(node, len(tabs)):
            # One "更多" in the tab bar, its target switched by script: as served, it is the shown tab's.
            more = next((self.more_urls[a.mem_id] for place in (node, sibling) for a in _css(place, "a[href]")
                         if a.mem_id in self.more_urls), None)
        return _Heading(name, more or label_url, (node.mem_id, index))

    def _active_tab(self, node: LexborNode, count: int) -> int:
        """The tab shown when the page loads: the label marked on/active/current/selected, else the first."""
        for selector in ("li", "a", "span"):
            labels = [label for label in _css(node, selector) if _valid_name(_clean_label(label))]
            if len(labels) != count:
                continue
            for index, label in enumerate(labels):
                marks = _marks(label)
                if _ACTIVE_TAB.search(marks):
                    return index
            return 0
        return 0

    def _only_more(self, node: LexborNode) -> bool:
        """A wrapper around a "更多" link and nothing else (not a tab panel)."""
        anchors = _css(node, "a[href]")
        return bool(anchors) and all(a.mem_id in self.more_urls for a in anchors) and not _clean_label(node)

    def blank_blocks(self) -> list[_Group]:
        """Column blocks that show only 暂无信息: a heading over an empty list is a blank column."""
        found = []
        for marker in self.select(_BLANK_MARKER_SELECTOR):
            text = _text(marker)
            parent = marker.parent
            if len(text) > 30 or not _BLANK.search(text) or parent is None or self._holds_dated(parent):
                continue
            found.append(_Group(parent, marker))
        return found

    def _more_near(self, sibling: LexborNode, path: LexborNode) -> str | None:
        """The block's "更多" link: in the heading, between heading and list, in the list, or just after it.

        Places are searched in that order and the first "更多" link found answers, so the elements after
        the list (up to the next list or heading) are looked at only when the nearer places have none.
        """
        if not self.more_urls:
            return None
        found = self._more_in(sibling)
        between = sibling.next
        while found is _UNKNOWN and between is not None and between.mem_id != path.mem_id:
            found = self._more_in(between)
            between = between.next
        if found is _UNKNOWN:
            found = self._more_in(path)
        after = path.next
        for _ in range(3):
            if found is not _UNKNOWN or after is None:
                break
            if after.is_element_node:
                if self._holds_items(after) or self._names_a_column(after):
                    break
                found = self._more_in(after)
            after = after.next
        return None if found is _UNKNOWN else found  # type: ignore[return-value]

    def _more_in(self, place: LexborNode) -> str | None | object:
        """The target of the "更多" link that ``place`` is or holds (None when it resolves to nothing);
        ``_UNKNOWN`` when it has none."""
        if not place.is_element_node:
            return _UNKNOWN
        if place.mem_id in self.more_urls:
            return self.more_urls[place.mem_id]
        for anchor in _css(place, "a[href]"):
            if anchor.mem_id in self.more_urls:
                return self.more_urls[anchor.mem_id]
        return _UNKNOWN


def _is_table_header(row: LexborNode) -> bool:
    """A table's header row (标题 | 发布日期, 留言标题 | 留言时间 | 状态): it labels the cells below, it names no column."""
    if row.tag == "thead":
        row = _css_first(row, "tr") or row
    cells = [cell for cell in row.iter() if cell.tag in ("td", "th")]
    if len(cells) < 2:
        return False
    if all(cell.tag == "th" for cell in cells):
        return True
    return any(len(text) <= 8 and _CELL_LABEL.search(text) for text in (_text(cell) for cell in cells))


def _decompose_outermost(nodes: list[LexborNode]) -> None:
    """Remove nodes from the tree, each once: a node inside another removed node goes with it."""
    chosen = {n.mem_id for n in nodes}
    clear: set[int] = set()  # elements known to have no removed node above them (html, body, wrappers)
    outermost = []
    for node in nodes:
        path = []
        parent = node.parent
        while parent is not None:
            key = parent.mem_id
            if key in chosen:
                break
            if key in clear:
                parent = None
                break
            path.append(key)
            parent = parent.parent
        if parent is None:
            outermost.append(node)
            clear.update(path)
    for node in outermost:
        node.decompose()


def _is_root(url: str) -> bool:
    plain = split_plain_url(url)
    if plain is not None:
        path = plain[2]
    else:
        try:
            path = urlsplit(url).path
        except ValueError:
            return False
    return bool(_ROOT_PATH.fullmatch(path))


def _name_from_title(title: str, site_name: str | None) -> str:
    """``通知公告_临城县人民政府`` → ``通知公告``: the <title> without the site's own name."""
    if site_name and site_name in title and title.strip() != site_name:
        title = title.replace(site_name, " - ")
    parts = [p for p in _TITLE_SPLIT.split(title) if p.strip()]
    return _WS.sub("", parts[0]) if parts else _WS.sub("", title)


_CONSULT_CHARS = frozenset("".join(CONSULT_CHANNEL_WORDS))
_WIDE_CHARS = re.compile("[０-９－／．［］]")
# A year in Chinese numerals (二〇二〇年), spelled backwards to be searched in the reversed text, where
# it starts with the 年 the regex engine skips ahead to.
_CN_YEAR_REVERSED = re.compile(r"年\s*[〇零○ＯOo0一二三四五六七八九]{4}")
# Where a year 1950–2099 starts (years may overlap: 20202021); the year is the four characters there.
_YEAR_AT = re.compile(r"1(?=9[5-9]\d)|2(?=0\d\d)")
# What may follow a year in a date some reader could take from the text: a separator, a space (where
# the text of another element begins), or a label or weekday the element reader skips (发布时间, 星期三).
_AFTER_YEAR_CHARS = frozenset("-/.年:：发布稿信息表公开于成文印生更新日期时间星周礼拜一二三四五六天")
_PLAIN_DATE_AFTER_YEAR = re.compile(r"(?:([-/.])(\d{1,2})\1(\d{1,2})|年(\d{1,2})月(\d{1,2})[日号]?)(?!\d)")


@lru_cache(maxsize=4096)
def _may_consult(text: str) -> bool:
    """:func:`is_consult_channel`, with the links that share no character with its words answered at once
    (and kept: every page of a site repeats its navigation and footer)."""
    return not _CONSULT_CHARS.isdisjoint(text) and is_consult_channel(text)


def _may_date_after(text: str, as_of: date) -> bool:
    """Whether any piece of ``text`` (an item, the words beside a link) could read as a date after ``as_of``.

    False only when every year in the text is before ``as_of``'s, or is ``as_of``'s year written as a
    plain whole date (2020-10-05, 2020年10月5日) not after it, or is followed by characters no date
    form continues with (2020年度, 2020号). Full-width digits and years in Chinese numerals answer True.
    """
    if not text:
        return False
    if _WIDE_CHARS.search(text) or _CN_YEAR_REVERSED.search(text[::-1]):
        return True
    for token in _YEAR_AT.finditer(text):
        end = token.start() + 4
        year = int(text[end - 4:end])
        if year < as_of.year:
            continue
        if year > as_of.year:
            return True
        following = text[end:end + 1]
        if not following or not (following.isspace() or following in _AFTER_YEAR_CHARS):
            continue
        if following == "年":
            month = text[end + 1:end + 2]
            if not month or not (month.isspace() or month.isdigit() or month in _AFTER_YEAR_CHARS):
                continue
        plain = _PLAIN_DATE_AFTER_YEAR.match(text, end)
        if plain is None:
            return True
        month, day = (plain.group(2), plain.group(3)) if plain.group(1) else (plain.group(4), plain.group(5))
        try:
            if date(year, int(month), int(day)) > as_of:
                return True
        except ValueError:
            return True
    return False


def _channels_outside_items(reader: _Reader, channels: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The consultation links when none of them can be a list item (no link in the page's main part
    goes where they go); None when one might be, and only the page's items can tell."""
    if not channels:
        return channels
    body = reader.tree.body
    if body is None:
        return channels
    # The links going there, as links() resolved them, that are still in the body after
    # breadcrumb and regions were removed (a removed node no longer reaches the body).
    wanted = {target for _text, target in channels}
    body_id = body.mem_id
    for anchor, target in zip(reader.found["a"], reader.anchor_targets, strict=True):
        if target in wanted:
            node = anchor.parent
            while node is not None:
                if node.mem_id == body_id:
                    return None
                node = node.parent
    return channels


def _latest(items: list[Item], as_of: date) -> date | None:
    return max((i.date for i in items if i.date is not None and i.date <= as_of), default=None)


def _unique_items(entries: list[tuple[Item, LexborNode]]) -> list[Item]:
    seen: set[str] = set()
    items = []
    for item, _ in entries:
        if item.url not in seen:
            seen.add(item.url)
            items.append(item)
    return items


def extract_page(
    body: bytes | str,
    url: str,
    as_of: date,
    content_type: str | None = None,
    *,
    overrides: Mapping[str, str] | None = None,
    navigation: bool = True,
    resolved: dict[str, dict[str, str]] | None = None,
) -> PageExtract:
    """Read one fetched page as the freshness check sees it.

    A homepage or channel page gives its column blocks; a column list page (breadcrumb, a
    ``ColumnName`` tag, pagination, one dominant dated list) is one column named by ColumnName,
    else its last breadcrumb segment, else its <title>; an article (PubDate, 发布时间：) has no
    columns and is dated by itself. ``as_of`` is the day the page was fetched: yearless dates
    ([10-12]) are read against it, and dates after it go to ``future_dates`` instead of counting
    as updates (V1(e)). ``overrides`` is the site's manual column binding (see :func:`classify_column`).
    ``navigation=False`` leaves ``nav`` empty and changes nothing else (of a site's pages, only the
    homepage's navigation bar is used). ``resolved`` is a dict the caller keeps for the pages of one
    site: links resolved on one page are not resolved again on the next page of the same folder.
    """
    utf8 = None
    if isinstance(body, bytes):
        html, encoding = decode_html(body, content_type)
        if encoding == "utf-8" and "\ufffd" not in html:
            # Read as UTF-8 without a replaced byte: the body is the UTF-8 of the text, after the one
            # byte-order mark utf-8-sig took off (a body with a BOM is read with utf-8-sig first).
            utf8 = body[3:] if body[:3] == codecs.BOM_UTF8 else body
    else:
        html, encoding = body, "utf-8"
    reader = _Reader(html, url, as_of, resolved, utf8)
    meta = reader.meta
    title = reader.title()
    links = reader.links()
    assets = reader.assets()
    nav = reader.nav() if navigation else []
    crumb = reader.breadcrumb()
    reader.strip_regions()
    body_node = reader.tree.body
    main_text = body_node.text(separator=" ", strip=True, skip_empty=True) if body_node is not None else ""
    raw_pagination = "createPageHTML" in html or "<nextgroup" in html
    pagination = raw_pagination or bool(_PAGINATION_REVERSED.search(main_text[::-1]))
    channels = [(text, target) for target, text in links if len(text) <= 12 and _may_consult(text)]
    pub_meta = parse_date(meta.get("PubDate", ""), as_of) if meta.get("PubDate") else None
    if not pagination and (pub_meta or meta.get("ArticleTitle")) and not _may_date_after(main_text, as_of):
        # An article by its tags whose lists cannot change what it yields: no item date can be after
        # as_of and no consultation link can be an item. Its own date alone decides.
        consult = _channels_outside_items(reader, channels)
        if consult is not None:
            own = pub_meta or next(iter(labelled_dates(main_text, as_of)), None)
            late = [own] if own is not None and own > as_of else []
            return PageExtract(
                url=url, encoding=encoding, title=title, latest=None if late else own, links=links, columns=[],
                nav=nav, meta=meta, future_dates=late, consult_links=consult, is_list_page=False, blank=False,
                assets=assets,
            )
    groups = reader.groups()
    all_items = [item for group in groups for item, _ in group.items]
    item_urls = {item.url for item in all_items if item.date is not None}
    consult = [(text, target) for text, target in channels if target not in item_urls]

    future = {i.date for i in all_items if i.date is not None and i.date > as_of}
    labelled = labelled_dates(main_text, as_of)
    dated_groups = [g for g in groups if g.dated]
    total_dated = sum(g.dated for g in dated_groups)
    dominant = max(dated_groups, key=lambda g: (g.dated, len(g.items)), default=None)
    # An article (detail page) carries its own date: PubDate, or one or two 发布时间 labels that are
    # not simply the dates of a short list's items. A paged list is never an article.
    listed = pagination and dominant is not None and dominant.dated >= 3
    is_detail = not listed and (
        bool(pub_meta or meta.get("ArticleTitle"))
        or (
            not pagination
            and 1 <= len(labelled) <= 2
            and (bool(_DETAIL_MARKS.search(main_text)) or dominant is None or dominant.dated < len(labelled))
        )
    )

    def finish(latest: date | None, columns: list[Column], is_list: bool, blank: bool) -> PageExtract:
        return PageExtract(
            url=url, encoding=encoding, title=title, latest=latest, links=links, columns=columns, nav=nav,
            meta=meta, future_dates=sorted(future), consult_links=consult, is_list_page=is_list, blank=blank,
            assets=assets,
        )

    own = pub_meta or (labelled[0] if is_detail and labelled else None)
    if own is not None and own > as_of:
        future.add(own)
        own = None
    if is_detail:
        return finish(own, [], False, False)
    page_latest = max(filter(None, (_latest(all_items, as_of), own)), default=None)

    column_name = meta.get("ColumnName", "").strip()
    signals = bool(crumb) or (bool(column_name) and column_name not in _HOME_COLUMN_NAMES)
    blank_text = bool(_BLANK.search(main_text))
    headings = {id(g): reader.heading(g) for g in dated_groups}
    named = {h.key for h in headings.values() if h is not None}
    share = dominant.dated / total_dated if dominant is not None else 0.0
    is_list = not _is_root(url) and (
        pagination
        or (signals and (total_dated == 0 or share >= 2 / 3))
        or (blank_text and (signals or total_dated == 0) and len(named) <= 1)
        or (dominant is not None and dominant.dated >= 3 and share >= 0.8)
    )
    if is_list:
        segments = split_breadcrumb(crumb)
        name = column_name or (segments[-1] if segments else "") or _name_from_title(title, meta.get("SiteName"))
        items = _list_items(reader, groups, dominant, headings, name, blank_text and not pagination)
        if not items and not blank_text:
            # A page with a breadcrumb but no list and no "暂无信息" is a content page (联系我们, 概况), not a blank column.
            return finish(page_latest, [], False, False)
        column = Column(
            name=name,
            type=classify_column(name, crumb, overrides=overrides, url=url),
            url=url,
            items=items,
            latest=_latest(items, as_of),
        )
        return finish(page_latest, [column], True, not items)

    return finish(page_latest, _block_columns(reader, dated_groups, headings, as_of, overrides), False, False)


def _block_columns(
    reader: _Reader,
    dated_groups: list[_Group],
    headings: dict[int, _Heading | None],
    as_of: date,
    overrides: Mapping[str, str] | None,
) -> list[Column]:
    """The column blocks of a homepage or channel page: lists under one heading (or tab) make one
    column, in page order; blocks that show only 暂无信息 follow as blank columns."""
    blocks: dict[tuple[int, int], tuple[_Heading, list[tuple[Item, LexborNode]]]] = {}
    for group in dated_groups:
        heading = headings[id(group)]
        if heading is not None:
            blocks.setdefault(heading.key, (heading, []))[1].extend(group.items)
    for group in reader.blank_blocks():
        heading = reader.heading(group)
        if heading is not None and heading.key not in blocks:
            blocks[heading.key] = (heading, [])
    columns = []
    for heading, entries in blocks.values():
        items = _unique_items(entries)
        columns.append(
            Column(
                name=heading.name,
                type=classify_column(heading.name, overrides=overrides, url=heading.url),
                url=heading.url,
                items=items,
                latest=_latest(items, as_of),
            )
        )
    return columns


def _list_items(
    reader: _Reader,
    groups: list[_Group],
    dominant: _Group | None,
    headings: dict[int, _Heading | None],
    name: str,
    blank_text: bool,
) -> list[Item]:
    """The items of a list page: its dominant list, with the lists beside it under the same heading.

    A page that says 暂无信息 while the only dated list sits under another heading (a sidebar of
    热点信息) is a blank column.
    """
    chosen = dominant
    if chosen is not None and blank_text:
        heading = headings.get(id(chosen))
        if heading is not None and heading.name != name:
            return []
    if chosen is None:
        if blank_text:
            return []
        titled = [
            g for g in groups
            if len(g.items) >= 2 and sum(_visible_length(i.title) for i, _ in g.items) / len(g.items) >= 10
        ]
        chosen = max(titled, key=lambda g: len(g.items), default=None)
        if chosen is None:
            return []
    parent = chosen.node.parent
    key = headings.get(id(chosen)) or reader.heading(chosen)
    entries: list[tuple[Item, LexborNode]] = []
    for group in groups:
        beside = (
            parent is not None
            and group.node.parent is not None
            and group.node.parent.mem_id == parent.mem_id
            and (group.dated > 0) == (chosen.dated > 0)
        )
        same_heading = key is not None and group.dated and headings.get(id(group)) == key
        if group is chosen or beside or same_heading:
            entries.extend(group.items)
    return _unique_items(entries)


def extract_contract(page: PageExtract) -> dict:
    """The ``govinspect extract --json`` document of design.md."""
    return {
        "latest": page.latest.isoformat() if page.latest else None,
        "links": len(page.links),
        "columns": [
            {
                "name": column.name,
                "type": column.type,
                "latest": column.latest.isoformat() if column.latest else None,
                "items": len(column.items),
            }
            for column in page.columns
        ],
    }


def extract_file(path: Path, url: str, as_of: date | None = None, content_type: str | None = None) -> dict:
    """``govinspect extract PAGE.html --url URL [--as-of]``: a saved page read as of the day it was fetched.

    ``content_type`` is the HTTP header the page came with, when it was kept: a saved page has
    lost it, so its charset is otherwise read from the page itself or detected.
    """
    page = extract_page(Path(path).read_bytes(), url, as_of or date.today(), content_type)
    return extract_contract(page)
