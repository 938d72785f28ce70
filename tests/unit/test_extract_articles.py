"""Articles read without their lists: the shortcut ``extract_page`` takes for a page tagged as an
article (PubDate / ArticleTitle, no pagination) must give exactly what reading its lists gives.

The shortcut is taken only when no list on the page can add a date after the check point or hide
a consultation link among its items; ``_may_date_after`` decides the first. Each comparison below
reads the page twice — as is, and with that guard answering "maybe" so the lists are read — and
wants the same ``PageExtract``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from govinspect.checks import freshness
from govinspect.checks.freshness import PageExtract, _may_date_after, _resolve, _Resolver, extract_page

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
NAMES = sorted(p.name.removesuffix(".meta.json") for p in PAGES.glob("*.meta.json"))
AS_OF = date(2020, 10, 15)


def _with_lists_read(monkeypatch: pytest.MonkeyPatch, *args, **kwargs) -> PageExtract:
    with monkeypatch.context() as patched:
        patched.setattr(freshness, "_may_date_after", lambda text, as_of: True)
        return extract_page(*args, **kwargs)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shift", [None, date(2019, 1, 1), date(2021, 6, 1)])
def test_saved_pages_read_the_same_with_and_without_the_shortcut(
    name: str, shift: date | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = json.loads((PAGES / f"{name}.meta.json").read_text(encoding="utf-8"))
    body = (PAGES / f"{name}.html").read_bytes()
    as_of = shift or date.fromisoformat(meta["as_of"])
    args = (body, meta["url"], as_of, meta.get("content_type"))
    assert extract_page(*args) == _with_lists_read(monkeypatch, *args)


def _article(lists: str, head: str = '<meta name="PubDate" content="2020-10-01 09:30">') -> bytes:
    return (
        f'<html><head><meta charset="utf-8">{head}<title>关于开展安全生产大检查的通知_某县人民政府</title></head>'
        '<body><div class="nav"><a href="/">首页</a> <a href="/hdjl/xzxx/index.html">县长信箱</a></div>'
        '<div class="article"><h1>关于开展安全生产大检查的通知</h1><div class="info">发布时间：2020-10-01 09:30</div>'
        f"<p>各苏木镇、各有关部门要结合实际，认真抓好贯彻落实。</p>{lists}</div>"
        '<div class="footer">版权所有 © 2021 某县人民政府</div></body></html>'
    ).encode()


ARTICLES = {
    "plain": "",
    "related list dated before": '<ul><li><a href="/a/1.html">全县第三季度重点项目推进会召开</a><span>2020-09-28</span></li>'
    '<li><a href="/a/2.html">乡村振兴工作座谈会召开</a><span>2020年10月12日</span></li></ul>',
    "related list dated after": '<ul><li><a href="/a/1.html">全县第三季度重点项目推进会召开</a><span>2020-12-01</span></li>'
    '<li><a href="/a/2.html">乡村振兴工作座谈会召开</a><span>2020-09-12</span></li></ul>',
    "next year": '<ul><li><a href="/a/1.html">关于召开全县工作会议的通知</a><span>2021-01-05</span></li></ul>',
    "date split by the title": '<ul><li>2020-10-<a href="/a/1.html">关于召开全县工作会议的通知</a>21</li></ul>',
    "weekday inside the date": '<ul><li><a href="/a/1.html">关于召开全县工作会议的通知</a>'
    "<span>2020年星期三10月21日</span></li></ul>",
    "Chinese numerals": '<ul><li><a href="/a/1.html">关于召开全县工作会议的通知</a><span>二〇二〇年十月二十一日</span></li></ul>',
    "full-width digits": '<ul><li><a href="/a/1.html">关于召开全县工作会议的通知</a><span>２０２０－１０－２１</span></li></ul>',
    "mailbox item": '<ul><li><a href="/hdjl/xzxx/index.html">县长信箱答复</a><span>2020-10-08</span></li>'
    '<li><a href="/a/2.html">乡村振兴工作座谈会召开</a><span>2020-10-09</span></li></ul>',
    "year as a word": '<p>2020年工作要点已印发，2020年度预算公开。</p>',
}


@pytest.mark.parametrize("lists", list(ARTICLES.values()), ids=list(ARTICLES))
@pytest.mark.parametrize("head", ['<meta name="PubDate" content="2020-10-01 09:30">',
                                  '<meta name="ArticleTitle" content="关于开展安全生产大检查的通知">'])
def test_articles_read_the_same_with_and_without_the_shortcut(
    lists: str, head: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _article(lists, head)
    url = "http://www.mx.gov.cn/zwgk/tzgg/content_1.html"
    assert extract_page(body, url, AS_OF) == _with_lists_read(monkeypatch, body, url, AS_OF)


def test_an_article_keeps_a_later_date_from_its_related_list() -> None:
    page = extract_page(_article(ARTICLES["related list dated after"]), "http://www.mx.gov.cn/a/0.html", AS_OF)
    assert (page.latest, page.future_dates, page.columns) == (date(2020, 10, 1), [date(2020, 12, 1)], [])


def test_a_mailbox_link_that_is_a_dated_item_is_not_the_channel() -> None:
    page = extract_page(_article(ARTICLES["mailbox item"]), "http://www.mx.gov.cn/a/0.html", AS_OF)
    assert page.consult_links == []
    page = extract_page(_article(ARTICLES["plain"]), "http://www.mx.gov.cn/a/0.html", AS_OF)
    assert page.consult_links == [("县长信箱", "http://www.mx.gov.cn/hdjl/xzxx/index.html")]


@pytest.mark.parametrize(("text", "expected"), [
    ("发布时间：2020-10-05 09:30 来源：县政府办", False),
    ("2019-12-31 2020-10-15 2020/09/30 2020.10.01 2020年9月3日", False),
    ("2020年工作要点 2020年度预算 2020号", False),
    ("1999-01-01 © 2019", False),
    ("2020-10-16", True),
    ("2020年10月21日", True),
    ("2021年工作要点", True),
    ("2020-10- 21", True),
    ("2020年 10月21日", True),
    ("2020年星期三10月21日", True),
    ("2020-13-45", True),
    ("２０２０－１０－０１", True),
    ("二〇二〇年十月一日", True),
    ("", False),
])
def test_may_date_after(text: str, expected: bool) -> None:
    assert _may_date_after(text, AS_OF) is expected


def test_navigation_is_read_only_when_asked() -> None:
    body = _article("")
    url = "http://www.mx.gov.cn/a/0.html"
    full = extract_page(body, url, AS_OF)
    bare = extract_page(body, url, AS_OF, navigation=False)
    assert full.nav and bare.nav == []
    bare.nav = full.nav
    assert bare == full


def test_plain_hrefs_are_shared_by_one_folder_only() -> None:
    folders: dict = {}
    first = _Resolver("http://www.mx.gov.cn/zwgk/tzgg/content_1.html", folders)
    assert first("../zcwj/index.html") == "http://www.mx.gov.cn/zwgk/zcwj/index.html"
    deeper = _Resolver("http://www.mx.gov.cn/zwgk/tzgg/2020/content_2.html", folders)
    assert deeper("../zcwj/index.html") == "http://www.mx.gov.cn/zwgk/tzgg/zcwj/index.html"
    other_site = _Resolver("http://www.other.gov.cn/zwgk/tzgg/content_1.html", folders)
    assert other_site("../zcwj/index.html") == "http://www.other.gov.cn/zwgk/zcwj/index.html"
    assert sorted(folders) == ["http://www.mx.gov.cn/zwgk/tzgg", "http://www.mx.gov.cn/zwgk/tzgg/2020",
                               "http://www.other.gov.cn/zwgk/tzgg"]
    base = "http://www.mx.gov.cn/zwgk/tzgg/content_3.html?page=2"
    again = _Resolver(base, folders)
    for href in ("../zcwj/index.html", "?page=3", "", "#top", "content_4.html", "/", "HTTP://WWW.MX.GOV.CN/a.html"):
        assert again(href) == _resolve(base, href)


def test_pages_of_one_site_read_the_same_with_a_shared_resolver() -> None:
    resolved: dict = {}
    for name in NAMES:
        meta = json.loads((PAGES / f"{name}.meta.json").read_text(encoding="utf-8"))
        body = (PAGES / f"{name}.html").read_bytes()
        args = (body, meta["url"], date.fromisoformat(meta["as_of"]), meta.get("content_type"))
        assert extract_page(*args, resolved=resolved) == extract_page(*args)
    assert resolved
