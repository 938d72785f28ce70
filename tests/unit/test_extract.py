"""What the freshness check reads from saved pages: the ``govinspect extract`` contract and its details.

Each page in tests/fixtures/pages/ has ``NAME.meta.json`` (the URL it was fetched from, the day, and
the HTTP ``content_type`` when the page was declared by its header only) and ``NAME.expected.json``
(written by reading the page).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from govinspect.checks.freshness import (
    _PAGINATION_REVERSED,
    PageExtract,
    _resolve,
    _Resolver,
    extract_contract,
    extract_file,
    extract_page,
)
from govinspect.checks.html import decode_html, normalize_encoding

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
NAMES = sorted(p.name.removesuffix(".meta.json") for p in PAGES.glob("*.meta.json"))


def _meta(name: str) -> dict:
    return json.loads((PAGES / f"{name}.meta.json").read_text(encoding="utf-8"))


def _page(name: str) -> PageExtract:
    meta = _meta(name)
    body = (PAGES / f"{name}.html").read_bytes()
    return extract_page(body, meta["url"], date.fromisoformat(meta["as_of"]), meta.get("content_type"))


def _expected(name: str) -> dict:
    return json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_fixture_set_is_complete() -> None:
    assert len(NAMES) >= 30
    readme = (PAGES / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert (PAGES / f"{name}.html").is_file()
        assert (PAGES / f"{name}.expected.json").is_file()
        assert f"| `{name}` |" in readme, f"{name} is not described in README.md"


@pytest.mark.parametrize("name", NAMES)
def test_extract_matches_expected(name: str) -> None:
    meta = _meta(name)
    got = extract_file(PAGES / f"{name}.html", meta["url"], date.fromisoformat(meta["as_of"]), meta.get("content_type"))
    assert got == _expected(name)


@pytest.mark.parametrize("name", [n for n in NAMES if "content_type" in _meta(n)])
def test_header_declared_pages_read_alike_without_the_header(name: str) -> None:
    # Saved without its HTTP header, a page declared only there is still read right (detection).
    meta = _meta(name)
    got = extract_file(PAGES / f"{name}.html", meta["url"], date.fromisoformat(meta["as_of"]))
    assert got == _expected(name)


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("govinspect")
    found = str(script) if script.is_file() else shutil.which("govinspect")
    assert found, "the govinspect console script is not installed beside this Python"
    return [found]


@pytest.mark.parametrize(
    "name",
    ["founder_list_gbk_header", "hanweb_article_gb18030", "bom_utf8_meta_gb2312", "mislabelled_utf8_meta_gbk_bytes",
     "mobile_home_sections", "portal_home_large"],
)
def test_cli_extract_matches_expected(name: str) -> None:
    meta = _meta(name)
    done = subprocess.run(
        [*_cli(), "extract", str(PAGES / f"{name}.html"), "--url", meta["url"], "--as-of", meta["as_of"], "--json"],
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == _expected(name)


def test_contract_shape() -> None:
    got = extract_contract(_page("trs_portal_home"))
    assert set(got) == {"latest", "links", "columns"}
    assert all(set(c) == {"name", "type", "latest", "items"} for c in got["columns"])
    assert json.loads(json.dumps(got)) == got


def test_homepage_columns_links_and_channels() -> None:
    page = _page("trs_portal_home")
    assert not page.is_list_page and not page.blank
    assert page.meta["SiteIDCode"] == "1305220001"
    columns = {c.name: c for c in page.columns}
    assert columns["要闻动态"].url == "http://www.lcx.gov.cn/xwzx/ywdt/"
    assert columns["部门动态"].url == "http://www.lcx.gov.cn/xwzx/bmdt/"
    assert columns["政策文件"].url == "http://www.lcx.gov.cn/xxgk/zcwj/"
    assert columns["在线访谈"].url is None
    # A tab that shows only 暂无信息 is a blank column, named by its tab and linked by its "更多".
    assert columns["图片新闻"].items == [] and columns["图片新闻"].url == "http://www.lcx.gov.cn/xwzx/tpxw/"
    # The title says 2020年10月1日; the item's own date element says [10-12].
    first = columns["通知公告"].items[0]
    assert first.date == date(2020, 10, 12)
    assert first.title.startswith("关于2020年10月1日起实施《临城县城市市容和环境卫生管理办法》")
    # Neither the header's 今天是2020年10月15日 nor the footer's © 2020 is an update.
    assert page.latest == date(2020, 10, 14)
    assert page.nav[:2] == [("首页", "http://www.lcx.gov.cn/"), ("政务公开", "http://www.lcx.gov.cn/zwgk/")]
    assert page.consult_links == [
        ("县长信箱", "http://www.lcx.gov.cn/hdjl/xzxx/"),
        ("网上咨询", "http://www.lcx.gov.cn/hdjl/wszx/"),
    ]
    urls = [url for url, _ in page.links]
    assert len(urls) == len(set(urls))
    assert all(u.startswith(("http://", "https://")) and "#" not in u for u in urls)
    assert ("https://beian.miit.gov.cn/", "冀ICP备05012345号") in page.links


def test_gbk_pages_decode_with_gbk_only_characters() -> None:
    home = _page("hanweb_home_gbk")
    assert home.encoding == "gb18030"
    titles = [i.title for c in home.columns for i in c.items]
    assert any("王喆、李堃" in t for t in titles)
    assert [name for name, _ in home.consult_links] == ["县长信箱", "部门信箱", "12345政务服务热线"]
    old = _page("oldstyle_home_gb2312")
    assert old.encoding == "gb18030"
    assert "县长王镕深入企业调研指导复工复产工作" in [i.title for c in old.columns for i in c.items]
    # Image buttons count by their alt text; 监督投诉 is not a consultation channel.
    assert [name for name, _ in old.consult_links] == ["县长信箱", "在线咨询"]


def test_table_list_reads_the_publication_column_not_the_document_date() -> None:
    page = _page("jyh_xxgk_list_gbk")
    (column,) = page.columns
    assert [i.date for i in column.items] == [
        date(2020, 10, 9), date(2020, 9, 18), date(2020, 7, 24), date(2020, 5, 29), date(2020, 2, 19), date(2020, 1, 6),
    ]


def test_year_boundary_and_future_dates() -> None:
    page = _page("list_year_boundary")
    (column,) = page.columns
    dates = [i.date for i in column.items]
    assert dates[:4] == [date(2021, 2, 1), date(2021, 1, 4), date(2021, 1, 2), date(2020, 12, 30)]
    assert dates[-1] == date(2020, 1, 8)
    assert page.future_dates == [date(2021, 2, 1)]
    assert column.latest == date(2021, 1, 4)


def test_blank_column_page() -> None:
    page = _page("blank_column")
    assert page.is_list_page and page.blank
    assert page.columns[0].items == [] and page.columns[0].latest is None
    # The sidebar's 热点信息 is on the page, so the page itself has a newest item.
    assert page.latest == date(2020, 10, 10)


def test_detail_page_is_dated_by_itself() -> None:
    page = _page("trs_detail")
    assert page.columns == [] and not page.is_list_page
    assert page.meta["PubDate"] == "2020-10-12 09:30"
    assert page.latest == date(2020, 10, 12)
    gbk = _page("xxgk_detail_gbk")
    assert gbk.latest == date(2020, 10, 9)


def test_article_with_page_style_neighbours_stays_an_article() -> None:
    html = """<html><head><meta name="PubDate" content="2020-10-12 09:30"></head><body>
    <div class="crumb">当前位置：首页 > 通知公告</div><h1>关于秋冬季森林防火的通知</h1><p>发布时间：2020-10-12</p>
    <p>上一页：<a href="/a.html">关于城区道路施工的通告</a> 下一页：<a href="/b.html">关于秋季征兵的通告</a></p>
    </body></html>"""
    page = extract_page(html, "http://www.x.gov.cn/tzgg/t20201012_1.html", date(2020, 10, 15))
    assert (page.columns, page.is_list_page, page.latest) == ([], False, date(2020, 10, 12))


def test_list_page_column_and_page_latest_differ() -> None:
    page = _page("kaipu_list_zcjd")
    assert page.is_list_page
    assert page.columns[0].latest == date(2020, 7, 21)
    assert page.latest == date(2020, 10, 13)


def test_navigation_hub_homepage() -> None:
    page = _page("nav_hub_home")
    assert page.latest is None and page.columns == []
    assert [name for name, _ in page.nav] == ["进入主站", "政务公开", "政务服务", "互动交流", "走进安宝"]


@pytest.mark.parametrize("wrapped", [True, False])
def test_hanweb_data_island_outside_a_page(wrapped: bool) -> None:
    html = """<html><head><meta name="ColumnName" content="通知公告"></head><body>
    <div id="9"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/next"></a>]]></nextgroup>
    <recordset><record><![CDATA[<li><a href="/art/2020/10/9/art_9_1.html">关于开展秋季征兵的通告</a><span>2020-10-09</span></li>]]></record>
    <record><![CDATA[<li><a href="/art/2020/9/1/art_9_2.html">关于城区道路施工的通告</a><span>2020-09-01</span></li>]]></record>
    </recordset></datastore></script></div></body></html>"""
    if not wrapped:  # some templates print the data island straight into the page
        html = html.replace('<script type="text/xml">', "").replace("</script>", "")
    page = extract_page(html, "http://www.x.gov.cn/col/col9/index.html", date(2020, 10, 15))
    assert page.encoding == "utf-8"
    assert extract_contract(page) == {
        "latest": "2020-10-09",
        "links": 2,
        "columns": [{"name": "通知公告", "type": "notice", "latest": "2020-10-09", "items": 2}],
    }


def test_blocks_keep_their_own_headings() -> None:
    html = """<html><body><div class="main">
    <div class="blk"><h3>工作动态</h3><ul><li><a href="/a1.html">县政府召开常务会议</a><span>2020-10-12</span></li></ul></div>
    <ul class="loose"><li><a href="/b1.html">滚动播报的一条消息</a><span>2020-10-13</span></li></ul>
    <div class="blk"><h3>通知公告</h3>
      <div class="headline"><a href="/c1.html">关于秋冬季森林防火的通告</a><span>2020-10-11</span></div>
      <ul><li><a href="/c2.html">关于城区道路施工的通告</a><span>2020-10-10</span></li></ul></div>
    </div></body></html>"""
    page = extract_page(html, "http://www.x.gov.cn/", date(2020, 10, 15))
    # The loose list after a headed block is not given that block's name; the headline joins its list.
    assert extract_contract(page)["columns"] == [
        {"name": "工作动态", "type": "dynamic", "latest": "2020-10-12", "items": 1},
        {"name": "通知公告", "type": "notice", "latest": "2020-10-11", "items": 2},
    ]
    assert page.latest == date(2020, 10, 13)


def test_future_publication_date_is_flagged_not_counted() -> None:
    html = '<html><head><meta name="PubDate" content="2020-12-01 08:00"></head><body><h1>某通知</h1></body></html>'
    page = extract_page(html.encode(), "http://www.x.gov.cn/a/t20201201_1.html", date(2020, 10, 15))
    assert page.latest is None
    assert page.future_dates == [date(2020, 12, 1)]


def test_card_links_keep_their_title_and_their_date() -> None:
    # Mobile templates wrap a whole item in its link: the title block is the title, the date
    # inside the link dates it, and an <h3> inside a link is an item's title, not a block heading.
    cards = _page("mobile_list_card_links")
    (column,) = cards.columns
    assert column.items[3].title == "县交通运输局推进“四好农村路”建设"
    assert column.items[3].date == date(2020, 10, 12)
    home = _page("mobile_home_sections")
    columns = {c.name: c for c in home.columns}
    assert [i.title for i in columns["要闻动态"].items][:2] == ["县委常委会传达学习全省经济工作推进会精神", "我县举行重大项目集中开工仪式"]
    assert [i.date for i in columns["通知公告"].items] == [
        date(2020, 10, 13), date(2020, 10, 9), date(2020, 9, 28), date(2020, 9, 18),
    ]
    assert columns["政策解读"].url == "http://www.lfx.gov.cn/m/zwgk/zcjd/"
    assert [name for name, _ in home.consult_links] == ["县长信箱", "我要咨询"]


def test_rows_in_wrappers_of_their_own_make_one_list() -> None:
    # A one-row <table> per Hanweb record, a <div><ul> of cells per disclosure row.
    (jpage,) = _page("hanweb_jpage_tables").columns
    assert len(jpage.items) == 12 and jpage.items[-1].date == date(2020, 7, 20)
    (rows,) = _page("jyh_xxgk_ul_rows").columns
    assert [i.date for i in rows.items][:3] == [date(2020, 10, 13), date(2020, 10, 9), date(2020, 9, 25)]
    assert rows.items[1].title == "宿岭县人力资源和社会保障局关于李堃等同志任职的通知"


def test_future_dates_on_a_homepage_are_flagged() -> None:
    page = _page("future_dates_home_gbk")
    assert page.future_dates == [date(2020, 10, 18), date(2021, 10, 12)]
    columns = {c.name: c for c in page.columns}
    assert columns["今日梧桐"].items[0].date == date(2021, 10, 12)
    assert (columns["今日梧桐"].latest, columns["通知公告"].latest) == (date(2020, 10, 14), date(2020, 10, 13))
    assert [name for name, _ in page.consult_links] == ["县长信箱"]


@pytest.mark.parametrize("clock", ["今天是：2020年10月15日 星期四", "今天：2020-10-15", "当前日期：2020年10月15日"])
def test_the_visitors_clock_and_table_headers_are_not_columns(clock: str) -> None:
    html = f"""<html><body><div class="top"><span class="date">{clock}</span>
    <a href="http://wza.x.gov.cn/">无障碍浏览</a> <a href="/english/">English Version</a></div>
    <div class="box"><h3>县长信箱</h3><table><tr><th>留言标题</th><th>留言时间</th><th>状态</th></tr>
    <tr><td><a href="/xx/1.html">关于城区路灯不亮的问题</a></td><td>2020-10-13</td><td>已回复</td></tr>
    <tr><td><a href="/xx/2.html">关于小区停水的问题</a></td><td>2020-10-09</td><td>办理中</td></tr></table></div>
    </body></html>"""
    page = extract_page(html, "http://www.x.gov.cn/", date(2020, 10, 15))
    assert extract_contract(page)["columns"] == [{"name": "县长信箱", "type": "consult", "latest": "2020-10-13", "items": 2}]
    assert page.latest == date(2020, 10, 13)
    large = {c.name for c in _page("portal_home_large").columns}
    assert {"重点领域信息公开", "县长信箱"} <= large and "设为首页" not in large


def test_encodings_of_the_saved_pages() -> None:
    article = _page("hanweb_article_gb18030")
    assert article.encoding == "gb18030" and article.meta["Author"] == "刘䶮"
    assert _page("bom_utf8_meta_gb2312").encoding == "utf-8"
    assert _page("mislabelled_utf8_meta_gbk_bytes").encoding == "gb18030"
    for name in ("founder_list_gbk_header", "xxgk_cn_numeral_list_header_gb2312"):
        body = (PAGES / f"{name}.html").read_bytes()
        assert b"charset" not in body.lower()
        text, encoding = decode_html(body, _meta(name)["content_type"])
        assert encoding == "gb18030" and "人民政府" in text
        assert decode_html(body) == (text, "gb18030")


def test_undated_lists_leave_the_date_to_their_articles() -> None:
    (listing,) = _page("undated_list_ghjh").columns
    assert listing.latest is None and all(i.date is None for i in listing.items)
    article = _page("undated_list_detail")
    assert listing.items[0].url == _meta("undated_list_detail")["url"]
    assert (article.columns, article.latest, article.future_dates) == ([], date(2020, 7, 28), [])
    (minutes,) = _page("title_dates_only_list").columns
    assert len(minutes.items) == 10 and all(i.date is None for i in minutes.items)
    assert minutes.items[0].title == "2020年10月12日县政府第23次常务会议纪要"


def test_item_dates_beside_summaries_and_info_lines() -> None:
    (pictures,) = _page("summary_list_dl").columns
    assert [i.date for i in pictures.items][:3] == [date(2020, 10, 14), date(2020, 10, 12), date(2020, 10, 9)]
    (towns,) = _page("kaipu_info_line_list").columns
    assert [i.date for i in towns.items] == [
        date(2020, 10, 14), date(2020, 10, 13), date(2020, 10, 10), date(2020, 9, 29), date(2020, 9, 25), date(2020, 9, 21),
    ]


def test_chinese_numeral_document_dates() -> None:
    (files,) = _page("xxgk_cn_numeral_list_header_gb2312").columns
    assert [i.date for i in files.items][:3] == [date(2020, 10, 10), date(2020, 9, 28), date(2020, 9, 11)]
    assert files.items[-1].date == date(2019, 12, 30)
    article = _page("xxgk_detail_cn_numeral")
    assert article.latest == date(2020, 10, 10) and article.columns == []


def test_large_list_reads_the_publication_cell_of_every_row() -> None:
    import re

    text, _ = decode_html((PAGES / "xxgk_list_large_gbk.html").read_bytes())
    rows = re.findall(r'<a href="([^"]+)"[^>]*>.*?<td>(\d{4}-\d\d-\d\d)</td></tr>', text)
    (column,) = _page("xxgk_list_large_gbk").columns
    base = _meta("xxgk_list_large_gbk")["url"]
    assert len(rows) == len(column.items) == 300
    assert [(i.url, i.date) for i in column.items] == [(_resolve(base, href), date.fromisoformat(day)) for href, day in rows]


def test_overrides_reach_the_columns() -> None:
    meta = _meta("trs_list_tzgg")
    body = (PAGES / "trs_list_tzgg.html").read_bytes()
    page = extract_page(body, meta["url"], date(2020, 10, 15), overrides={meta["url"]: "policy"})
    assert page.columns[0].type == "policy"


@pytest.mark.parametrize("body", [b"", b"\x00\xff\xfe" * 50, bytes(range(256)) * 4, "纯文本 2020-10-12".encode()])
def test_anything_reads_without_raising(body: bytes) -> None:
    page = extract_page(body, "http://www.x.gov.cn/", date(2020, 10, 15))
    assert page.columns == [] and page.latest is None


# -- decoding ------------------------------------------------------------------------------------

GBK_PAGE = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>王喆 镕</body></html>'


def test_decode_meta_gb2312_as_gb18030() -> None:
    text, encoding = decode_html(GBK_PAGE.encode("gbk"))
    assert encoding == "gb18030" and "王喆 镕" in text


def test_decode_header_charset_first() -> None:
    body = '<meta charset="gbk"><p>鄂托克前旗</p>'.encode("gbk")
    assert decode_html(body, "text/html; charset=GBK") == ('<meta charset="gbk"><p>鄂托克前旗</p>', "gb18030")
    text, encoding = decode_html("<p>鄂托克前旗</p>".encode(), 'text/html; charset="utf-8"')
    assert (text, encoding) == ("<p>鄂托克前旗</p>", "utf-8")


def test_decode_declaration_that_does_not_fit_gives_way() -> None:
    # A server-wide UTF-8 header over a page saved in GBK: the page's own meta is right.
    text, encoding = decode_html(GBK_PAGE.encode("gbk"), "text/html; charset=UTF-8")
    assert encoding == "gb18030" and "王喆" in text
    # Tomcat's ISO-8859-1 default says nothing about a Chinese page.
    text, encoding = decode_html(GBK_PAGE.encode("gbk"), "text/html;charset=ISO-8859-1")
    assert encoding == "gb18030" and "王喆" in text


def test_decode_bom_and_detection() -> None:
    text, encoding = decode_html("\ufeff<meta charset=gb2312><p>通知公告</p>".encode())
    assert encoding == "utf-8" and text.startswith("<meta") and "通知公告" in text
    undeclared = "<html><body><p>鄂托克前旗人民政府关于做好秋冬季森林草原防火工作的通知，各镇人民政府。</p></body></html>"
    text, encoding = decode_html(undeclared.encode("gbk"))
    assert "鄂托克前旗人民政府" in text
    assert decode_html(undeclared.encode()) == (undeclared, "utf-8")


def test_decode_truncated_and_broken_bytes() -> None:
    body = "<p>通知公告".encode() + "通".encode()[:2]  # cut off mid-character by a size limit
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert encoding == "utf-8" and text.startswith("<p>通知公告")
    text, _ = decode_html(b"<meta charset=utf-8>\xff\xfe\xfa ok")
    assert text.endswith("ok")
    assert decode_html(b"") == ("", "utf-8")
    assert decode_html(b"<meta charset=no-such-codec>abc") == ("<meta charset=no-such-codec>abc", "utf-8")
    assert decode_html(b"<meta charset=hex>abc") == ("<meta charset=hex>abc", "utf-8")
    assert decode_html("<p>通知</p>".encode(), "text/html; charset=rot13") == ("<p>通知</p>", "utf-8")


def test_normalize_encoding() -> None:
    assert normalize_encoding("GB2312") == "gb18030"
    assert normalize_encoding("x-gbk") == "gb18030"
    assert normalize_encoding("UTF8") == "utf-8"
    assert normalize_encoding("big5") == "big5hkscs"
    assert normalize_encoding("nonsense") is None
    assert normalize_encoding("base64") is None
    assert normalize_encoding("latin-1") == "iso8859-1"


# -- links ---------------------------------------------------------------------------------------

BASES = [
    "http://www.lcx.gov.cn/",
    "http://www.lcx.gov.cn/xxgk/tzgg/index.html",
    "http://www.lcx.gov.cn/a/b/c/t.html?x=1",
    "https://WWW.X.gov.cn",
    "http://h.gov.cn:8080/a/",
]
HREFS = [
    "./", "../", "../../../../x.html", "./xwzx/a.html", "/col/col1/index.html", "http://Www.A.gov.cn",
    "http://www.a.gov.cn/x#f", "HTTPS://A.B/c?d=1#e", "x.html", "x.html?", "?page=2", "#top", "//cdn.x.com/a.js",
    "javascript:void(0)", "mailto:a@b.cn", "./a/../b.html", "a b.html", ".", "..", "/a/./b", "index_1.html",
    "http://user@h.com/", "ftp://x/", "/x?y=/./z", "%2e%2e/x", "http:///x", " ./x.html\n", ".././x", "a:b/c",
]


@pytest.mark.parametrize("base", BASES)
def test_link_fast_path_agrees_with_urljoin(base: str) -> None:
    resolver = _Resolver(base)
    assert [resolver(h) for h in HREFS] == [_resolve(base, h) for h in HREFS]
    assert resolver("javascript:void(0)") is None and resolver("#top") is None
    assert _resolve(base, "HTTP://Www.A.gov.cn/x#y") == "http://www.a.gov.cn/x"


def test_a_tab_bars_one_more_link_belongs_to_the_tab_shown_on_load() -> None:
    """Tab labels without links and one "更多" in the bar, its target switched by script: as served it
    is the list page of the shown tab (marked ``on``, else the first); the other tabs have no URL."""
    columns = {c.name: c for c in _page("tab_shared_more").columns}
    assert columns["通知公告"].url == "http://www.hjq.gov.cn/zwgk/tzgg/"  # the first tab, marked on
    assert columns["政策文件"].url is None and columns["政策解读"].url is None
    assert columns["征集调查"].url == "http://www.hjq.gov.cn/hdjl/zjdc/"  # the second tab, marked on
    assert columns["旗长信箱"].url is None
    assert [c.url for c in _page("kaipu_dept_home").columns[:2]] == ["http://fgj.lfx.gov.cn/xwdt/", None]


# The pagination words as read forwards: the reference the reversed pattern is held to.
_PAGINATION_FORWARDS = re.compile(
    r"共\s*\d+\s*页|共\s*\d+\s*条|下一页|上一页|尾\s*页|末\s*页|第\s*\d+\s*页|页次|\d+\s*/\s*\d+\s*页|createPageHTML"
)


@pytest.mark.parametrize("text", [
    "共 5 页", "共12条记录", "下一页", "上一页", "尾 页", "末页", "第 3 页", "页次：1/4", "2 / 10 页",
    "createPageHTML(5, 0, 'index', 'html')", "首页 上一页 1 2 3", "政策文件", "2020-10-15 发布", "第三季度",
    "共有 3 个栏目", "页面", "10/15",
])
def test_pagination_is_found_in_the_reversed_text_as_it_reads_forwards(text: str) -> None:
    assert bool(_PAGINATION_REVERSED.search(text[::-1])) == bool(_PAGINATION_FORWARDS.search(text))
