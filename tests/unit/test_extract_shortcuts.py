"""The reader's shortcuts give what the plain way gives.

- Selectors pruned by the page's class and id values find the same elements as the whole selector
  (header, navigation, footer, breadcrumb and heading selectors).
- A body read as UTF-8 without a replaced byte is handed to the parser as it came; the tree is the
  one the decoded text gives.
- ``labelled_dates`` scans once for every label and orders what it finds by tier, as one scan per
  tier did.
- ``_Resolver`` reads plain http(s) base URLs without urlsplit(), with urlsplit()'s answer.
- The page is parsed without lexbor's mutation events: the tree, and what the selectors find in it,
  is the one a parse with them gives, before and after elements are removed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from govinspect.checks import freshness
from govinspect.checks.freshness import _Reader, _Resolver, split_plain_url
from govinspect.checks.html import decode_html
from govinspect.dates import _DOC_LABELS, _PUB_LABELS, _date_at, _narrow, labelled_dates

AS_OF = date(2020, 10, 15)
PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SELECTORS = [freshness._STRIP_SELECTOR, freshness._NAV_SELECTOR, freshness._CRUMB_SELECTOR,
             freshness._HEADING_SELECTOR]

# Words the selectors test, spelled in other cases, inside longer values, beside look-alikes.
WORDS = ["footer", "Footer", "FOOT", "foot", "nav", "NAV", "navbar", "mainnav", "topnav", "menu", "Menu",
         "copyright", "banquan", "bottom", "header", "head", "top", "daohang", "dh", "crumb", "position",
         "location", "weizhi", "dqwz", "title", "tit", "hd", "bt", "lm", "tab", "caption", "name", "navs",
         "x-nav", "nav_1", "menus", "foo", "&#110;av", "n&amp;v", "", "top bottom", "a\tnav"]


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["class", "id", "CLASS", "Id", "data-class", "uid"]))
    value = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if not quote:
        value = value.split()[0] if value.split() else "x"
        if "&" in value:
            value = "x"
    space = draw(st.sampled_from(["", " ", "\n"]))
    return f"{name}{space}={space}{quote}{value}{quote}"


@st.composite
def page(draw: st.DrawFn) -> str:
    tags = ["div", "ul", "li", "span", "p", "header", "footer", "nav", "section", "h3", "td", "caption"]
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(st.sampled_from(tags))
        attrs = " ".join(draw(st.lists(attribute(), max_size=2)))
        text = draw(st.sampled_from(["通知公告", "首页", "当前位置：首页 > 新闻", "© 2020", "class=\"nav\"", "x"]))
        parts.append(f"<{tag} {attrs}>{text}<a href='/a.html'>链接</a></{tag}>")
    script = draw(st.sampled_from(["", "<script>var s = 'class=\"footer\"';</script>", "<!-- id=nav -->"]))
    return "<html><body>" + script + "".join(parts) + "</body></html>"


def _found(reader: _Reader, selector: str) -> list[int]:
    return [node.mem_id for node in reader.select(selector)] if selector else []


@settings(max_examples=400, deadline=None)
@given(page())
def test_pruned_selectors_find_what_the_whole_selectors_find(html: str) -> None:
    reader = _Reader(html, "http://www.mx.gov.cn/", AS_OF)
    for selector in SELECTORS:
        assert _found(reader, reader.pruned(selector)) == _found(reader, selector), selector


def test_pruned_selectors_on_the_saved_pages() -> None:
    for path in sorted(PAGES.glob("*.html")):
        html, _encoding = decode_html(path.read_bytes())
        reader = _Reader(html, "http://www.mx.gov.cn/", AS_OF)
        for selector in SELECTORS:
            assert _found(reader, reader.pruned(selector)) == _found(reader, selector), (path.name, selector)


def test_pruning_drops_what_cannot_match() -> None:
    reader = _Reader('<div class="Main-Footer x">a</div><div id="menu">b</div>', "http://www.mx.gov.cn/", AS_OF)
    kept = reader.pruned(freshness._STRIP_SELECTOR).split(", ")
    assert "[class*=footer]" in kept and "[id=menu]" in kept
    assert "[class~=nav]" not in kept and "[id*=copyright]" not in kept
    assert reader.pruned(freshness._CRUMB_SELECTOR) == ""
    hidden = _Reader('<div class="&#110;av">a</div>', "http://www.mx.gov.cn/", AS_OF)
    assert "[class~=nav]" in hidden.pruned(freshness._STRIP_SELECTOR).split(", ")  # a reference may hide letters


def _outline(reader: _Reader) -> list[tuple[str, str]]:
    return [(node.tag, node.text(deep=False)) for node in reader.tree.root.traverse()]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>a/ p=\"'通知é\u00a0\ufeff\U0001f600&;#x\n")), max_size=200),
       st.booleans())
def test_utf8_bytes_make_the_tree_the_text_makes(text: str, bom: bool) -> None:
    body = (b"\xef\xbb\xbf" if bom else b"") + f"<html><body>{text}</body></html>".encode()
    html, encoding = decode_html(body, "text/html; charset=utf-8")
    as_text = _Reader(html, "http://www.mx.gov.cn/", AS_OF)
    as_bytes = freshness.extract_page(body, "http://www.mx.gov.cn/", AS_OF, "text/html; charset=utf-8")
    plain = freshness.extract_page(html, "http://www.mx.gov.cn/", AS_OF)
    assert encoding == "utf-8"
    assert (as_bytes.links, as_bytes.title, as_bytes.latest) == (plain.links, plain.title, plain.latest)
    direct = _Reader(html, "http://www.mx.gov.cn/", AS_OF, utf8=body[3:] if bom else body)
    assert _outline(direct) == _outline(as_text)


def _events_tree(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html.encode("utf-8", "ignore"))


@settings(max_examples=300, deadline=None)
@given(page())
def test_parse_without_events_makes_the_same_tree(html: str) -> None:
    reader, plain = _Reader(html, "http://www.mx.gov.cn/", AS_OF), _events_tree(html)
    assert reader.tree.html == plain.html
    for selector in SELECTORS:
        assert [n.html for n in reader.select(selector)] == [n.html for n in plain.css(selector)], selector


def test_parse_without_events_on_the_saved_pages() -> None:
    for path in sorted(PAGES.glob("*.html")):
        html, _encoding = decode_html(path.read_bytes())
        reader = _Reader(html, "http://www.mx.gov.cn/", AS_OF)
        plain = _events_tree(reader.raw)
        assert reader.tree.html == plain.html, path.name
        for tree in (reader.tree, plain):
            freshness._decompose_outermost(tree.css(freshness._STRIP_SELECTOR))
        assert reader.tree.html == plain.html, path.name


def _labelled_by_tiers(text: str, as_of: date) -> list[date]:
    """The reference: one scan per tier of labels, in tier order."""
    tiers = [re.compile(r"(?:" + labels + r")\s*[:：]?\s*[\[(（【]?\s*") for labels in (_PUB_LABELS, _DOC_LABELS)]
    tiers.append(re.compile(r"(?<![\u4e00-\u9fff])(?:日期|时间)\s*[:：]\s*[\[(（【]?\s*"))
    text = _narrow(text)
    found = []
    for tier in tiers:
        for label in tier.finditer(text):
            parsed = _date_at(text, label.end(), as_of)
            if parsed is not None:
                found.append(parsed)
    return found


LABEL_PIECES = (_PUB_LABELS + "|" + _DOC_LABELS).split("|") + [
    "日期", "时间", "发布", "成文", ":", "：", " ", "[", "（", "2020-10-12", "2020年9月1日", "10-21", "生效日期",
    "更新时间：", "x", "发布时间：2021-01-01", "二〇二〇年十月一日", "文日期", "布时间"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(LABEL_PIECES), max_size=14))
def test_labelled_dates_in_one_scan_match_a_scan_per_tier(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert labelled_dates(text, AS_OF) == _labelled_by_tiers(text, AS_OF)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["http", "https", "HTTP", "ftp"]),
       st.text(alphabet=st.sampled_from(list("abcXYZ09.-_")), min_size=1, max_size=12),
       st.sampled_from(["", ":80", ":8080", ":", ":x"]),
       st.text(alphabet=st.sampled_from(list("/abc.?#=&%\t 通")), max_size=16))
def test_resolver_base_reads_as_urlsplit(scheme: str, host: str, port: str, rest: str) -> None:
    base = f"{scheme}://{host}{port}{rest}"
    resolver = _Resolver(base)
    try:
        parts = urlsplit(base)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok, parts = False, None
    expected_origin = f"{parts.scheme}://{parts.netloc.lower()}" if ok and parts else ""
    expected_segments = [s for s in (parts.path.rsplit("/", 1)[0] if ok and parts else "").split("/") if s]
    assert (resolver.origin, resolver.segments) == (expected_origin, expected_segments)
    plain = split_plain_url(base)
    if plain is not None:
        assert parts is not None and plain == (parts.scheme, parts.netloc, parts.path)


def test_labelled_dates_come_by_tier_then_by_place() -> None:
    text = "日期：2020-01-02 发布时间：2020-03-04 成文日期：2020-05-06 发布日期：2020-07-08"
    expected = [date(2020, 3, 4), date(2020, 7, 8), date(2020, 5, 6), date(2020, 1, 2)]
    assert labelled_dates(text, date(2020, 10, 15)) == expected == _labelled_by_tiers(text, date(2020, 10, 15))
