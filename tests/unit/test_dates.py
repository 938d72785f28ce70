"""The one date parser: every written form government pages use, and the forms that are not dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govinspect.dates import (
    date_from_url,
    find_dates,
    infer_year,
    labelled_date,
    labelled_dates,
    parse_date,
    parse_date_element,
)

AS_OF = date(2020, 10, 15)
D = date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-10-21", D(2020, 10, 21)),
        ("2020/10/21", D(2020, 10, 21)),
        ("2020.10.21", D(2020, 10, 21)),
        ("2020年10月21日", D(2020, 10, 21)),
        ("2020 年 10 月 21 日", D(2020, 10, 21)),
        ("2020-1-5", D(2020, 1, 5)),
        ("2020年1月5号", D(2020, 1, 5)),
        ("2020-10-21 09:30:00", D(2020, 10, 21)),
        ("2020-10-21T09:30:00+08:00", D(2020, 10, 21)),
        ("2020/10/21 9:30", D(2020, 10, 21)),
        ("二〇二〇年十月二十一日", D(2020, 10, 21)),
        ("二零二零年九月二十八日", D(2020, 9, 28)),
        ("二○二○年十二月三十一日", D(2020, 12, 31)),
        ("二Ｏ二Ｏ年三月十日", D(2020, 3, 10)),
        ("二O一九年十一月一日", D(2019, 11, 1)),
        ("二〇二〇年十月十日", D(2020, 10, 10)),
        ("二〇二〇年一月廿一日", D(2020, 1, 21)),
        ("２０２０－１０－２１", D(2020, 10, 21)),
        ("２０２０年１０月２１日", D(2020, 10, 21)),
        ("２０２０－１０－２１　０９：３０", D(2020, 10, 21)),
        ("发布时间：2020-10-12 来源：县政府办", D(2020, 10, 12)),
        ("发布日期:2020-10-12", D(2020, 10, 12)),
        ("发稿时间 2020年10月12日", D(2020, 10, 12)),
        ("信息时间：2020/10/12", D(2020, 10, 12)),
        ("成文日期：二〇二〇年九月二十八日", D(2020, 9, 28)),
        ("1998-05-12", D(1998, 5, 12)),
    ],
)
def test_full_dates(text: str, expected: date) -> None:
    assert parse_date(text, AS_OF) == expected
    assert find_dates(text, AS_OF) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2020-13-45",
        "2020-02-30",
        "2021年2月29日",
        "2020/00/10",
        "二〇二〇年十三月一日",
        "二〇二〇年二月三十日",
        "Copyright © 2020 某县人民政府",
        "© 2008-2020",
        "2020年工作要点",
        "2020年10月",
        "鄂前政发〔2020〕12号",
        "0477-7882808",
        "网站标识码：1506230001",
        "20201021",
        "索引号：11152327MB1234567F/2020-00123",
        "v1.2.3",
        "",
        "暂无信息",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, AS_OF) == []
    assert parse_date(text, AS_OF) is None


def test_find_dates_in_reading_order_and_parse_prefers_the_label() -> None:
    text = "关于2020年10月1日起实施《管理办法》的公告 发布时间：2020-09-25 浏览次数：12"
    assert find_dates(text, AS_OF) == [D(2020, 10, 1), D(2020, 9, 25)]
    assert parse_date(text, AS_OF) == D(2020, 9, 25)
    assert parse_date("关于2020年10月1日起实施《管理办法》的公告", AS_OF) == D(2020, 10, 1)


def test_labels_rank_publication_before_document_date() -> None:
    text = "索引号：001/2020-00428 成文日期：二〇二〇年九月二十八日 文号：松府〔2020〕28号 发布日期：2020年10月09日"
    assert labelled_date(text, AS_OF) == D(2020, 10, 9)
    assert labelled_dates(text, AS_OF) == [D(2020, 10, 9), D(2020, 9, 28)]
    assert labelled_date("日期：2020-10-12", AS_OF) == D(2020, 10, 12)
    assert labelled_date("发布时间：10-12 09:30", AS_OF) == D(2020, 10, 12)
    assert labelled_date("发布时间：10-21 09:30", AS_OF) == D(2019, 10, 21)
    assert labelled_date("留言时间：2020-10-12", AS_OF) is None
    assert labelled_date("没有日期", AS_OF) is None


def test_future_full_dates_are_returned_for_the_caller_to_flag() -> None:
    # A forged or mistyped date after the day the page was read is reported as written (V1(e)).
    found = find_dates("发布时间：2021-02-01", D(2021, 1, 5))
    assert found == [D(2021, 2, 1)]
    assert [d for d in found if d > D(2021, 1, 5)] == [D(2021, 2, 1)]


@pytest.mark.parametrize(
    ("text", "as_of", "expected"),
    [
        ("[10-21]", D(2020, 10, 25), D(2020, 10, 21)),
        ("(10-21)", D(2020, 10, 25), D(2020, 10, 21)),
        ("（10-21）", D(2020, 10, 25), D(2020, 10, 21)),
        ("【10-21】", D(2020, 10, 25), D(2020, 10, 21)),
        ("10-21", D(2020, 10, 25), D(2020, 10, 21)),
        ("10/21", D(2020, 10, 25), D(2020, 10, 21)),
        ("10月21日", D(2020, 10, 25), D(2020, 10, 21)),
        ("[10-21] 09:30", D(2020, 10, 25), D(2020, 10, 21)),
        ("[2020-10-21]", D(2020, 10, 25), D(2020, 10, 21)),
        ("发布时间：10-21", D(2020, 10, 25), D(2020, 10, 21)),
        ("［１０－２１］", D(2020, 10, 25), D(2020, 10, 21)),
        ("2020-10-21 09：30", D(2020, 10, 25), D(2020, 10, 21)),
        # The year boundary: read on 5 January, "[12-30]" was last December.
        ("[12-30]", D(2021, 1, 5), D(2020, 12, 30)),
        ("[01-04]", D(2021, 1, 5), D(2021, 1, 4)),
        ("[01-05]", D(2021, 1, 5), D(2021, 1, 5)),
        ("[01-06]", D(2021, 1, 5), D(2020, 1, 6)),
        # 29 February read in a year without one belongs to the last leap year before it.
        ("[02-29]", D(2021, 3, 1), D(2020, 2, 29)),
    ],
)
def test_yearless_list_dates(text: str, as_of: date, expected: date) -> None:
    assert parse_date_element(text, as_of) == expected
    assert find_dates(text, as_of, yearless=True) == [expected]
    assert expected <= as_of


def test_yearless_forms_only_where_asked() -> None:
    # "10.21" is a date only as a whole date element: in running text it may be a number (1.2万).
    assert parse_date_element("10.21", AS_OF) == D(2019, 10, 21)
    assert find_dates("浏览 1.2万 10.21", AS_OF, yearless=True) == []
    assert find_dates("[10-21]", AS_OF) == []
    assert find_dates("第(1-3)批", AS_OF) == []
    assert parse_date_element("[13-40]", AS_OF) is None
    assert infer_year(2, 30, AS_OF) is None


@pytest.mark.parametrize(
    "text",
    [
        "关于2020年10月1日起实施《管理办法》的公告",
        "10月12日全县秋季农业生产现场会召开",
        "2020-10-12 来源：县政府办",
        "2020-10-12 2020-10-13",
        "浏览次数：10-12",
        "共5页",
        "",
    ],
)
def test_date_element_is_only_a_date(text: str) -> None:
    assert parse_date_element(text, AS_OF) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.lcx.gov.cn/xxgk/tzgg/202010/t20201021_7991.html", D(2020, 10, 21)),
        ("http://www.xyx.gov.cn/art/2020/10/21/art_4567_90123.html", D(2020, 10, 21)),
        ("http://www.gov.cn/zhengce/content/2020-10/21/content_5550000.htm", D(2020, 10, 21)),
        ("http://www.xx.edu.cn/2020/1021/c1234a56789/page.htm", D(2020, 10, 21)),
        ("http://www.x.gov.cn/news/2020/10/21/123.html", D(2020, 10, 21)),
        ("http://www.x.gov.cn/news/20201021/123.html", D(2020, 10, 21)),
        ("http://www.x.gov.cn/col/col4567/index.html", None),
        ("http://www.x.gov.cn/zwgk/content/post_20201021.html", None),
        ("http://www.x.gov.cn/xxgk/202013/t20201345_1.html", None),
        ("http://www.x.gov.cn/detail.jsp?id=20201021", None),
    ],
)
def test_date_from_url(url: str, expected: date | None) -> None:
    assert date_from_url(url) == expected


def _cn_digits(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(c)] for c in str(year))


def _cn_small(n: int) -> str:
    tens, ones = divmod(n, 10)
    digits = "〇一二三四五六七八九"
    return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (digits[ones] if ones else "")


WRITTEN = (
    lambda d: f"{d:%Y-%m-%d}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d:%Y.%m.%d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{_cn_digits(d.year)}年{_cn_small(d.month)}月{_cn_small(d.day)}日",
    lambda d: f"{d:%Y-%m-%d} 09:30:00",
)


@settings(max_examples=150, deadline=None, database=None)
@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(WRITTEN))
def test_every_written_form_reads_back(day: date, write) -> None:
    text = write(day)
    assert parse_date(text, AS_OF) == day
    assert parse_date_element(f"[{text}]", AS_OF) == day
    assert parse_date(f"发布时间：{text} 来源：县政府办", AS_OF) == day


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(alphabet="0123456789-/.年月日[]()〇一二十 发布时间：", max_size=30), st.dates(D(2000, 1, 1), D(2030, 12, 31)))
def test_never_raises_and_yearless_never_in_the_future(text: str, as_of: date) -> None:
    find_dates(text, as_of)
    parse_date(text, as_of)
    labelled_dates(text, as_of)
    element = parse_date_element(text, as_of)
    full = find_dates(text, as_of)
    for found in find_dates(text, as_of, yearless=True):
        assert found in full or found <= as_of
    if element is not None and element not in full:
        assert element <= as_of
