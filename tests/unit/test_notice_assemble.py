"""The parts of the notice that are worded or computed rather than read: requirement blocks and
their deadlines, the change against the last quarter, long lists, the trend chart's labels."""

from __future__ import annotations

from datetime import date

import pytest

from govinspect.notice.assemble import (
    DEFAULT_REQUIREMENTS,
    NAMED_LIMIT,
    REQUIREMENT_PLACEHOLDERS,
    _change_line,
    _named,
    _site_status,
    render_requirements,
    requirement_values,
)
from govinspect.notice.charts import _fit_labels, trend_lines
from govinspect.profile import Profile, ProfileError
from govinspect.quarter import Quarter


def _profile(tmp_path, **notice) -> Profile:
    return Profile(path=tmp_path / "inspection.toml", county="某县", region_code="", issuer="某县政务服务局",
                   addressees="各乡镇人民政府", filing_days=15, notice=notice)


def test_deadlines_count_from_the_notice_date(tmp_path) -> None:
    values = requirement_values(_profile(tmp_path, rectify_days=10), Quarter(2020, 4), date(2020, 12, 25))
    assert values["rectify_by"] == "2021年1月4日"
    assert values["month_end"] == "2020年12月31日"
    assert values["quarter"] == "2020年第四季度" and values["next_quarter"] == "2021年第一季度"
    assert values["issue_date"] == "2020年12月25日" and values["filing_days"] == "15"
    leap = requirement_values(_profile(tmp_path), Quarter(2024, 1), date(2024, 2, 3))
    assert leap["month_end"] == "2024年2月29日" and leap["rectify_by"] == "2024年2月13日"
    assert set(values) == set(REQUIREMENT_PLACEHOLDERS)


def test_default_blocks_use_only_known_placeholders(tmp_path) -> None:
    values = requirement_values(_profile(tmp_path), Quarter(2020, 3), date(2020, 10, 21))
    text = render_requirements(DEFAULT_REQUIREMENTS, values)
    assert len(text) == len(DEFAULT_REQUIREMENTS)
    assert not any("{" in t or "}" in t for t in text)
    assert "于2020年10月31日前将整改情况书面报送某县政务服务局" in text[0]
    assert "15日内履行备案手续" in text[2]
    assert "2020年第四季度检查时" in text[3]


def test_a_profile_block_with_literal_braces(tmp_path) -> None:
    values = requirement_values(_profile(tmp_path), Quarter(2020, 3), date(2020, 10, 21))
    assert render_requirements(["{county}各单位于{rectify_by}前完成，{{说明}}"], values) == [
        "某县各单位于2020年10月31日前完成，{说明}"
    ]


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        (["一是{rectify_by}", "二是{deadline}"], "block 2: unknown placeholder {deadline}"),
        (["{issuer.__class__}"], "unknown placeholder {issuer.__class__}"),
        (["{issuer:>20}"], "unknown placeholder {issuer:>20}"),
        (["{issuer!r}"], "unknown placeholder {issuer!r}"),
        (["{0}"], "unknown placeholder {0}"),
        (["未闭合{issuer"], "block 1"),
        (["多余}"], "block 1"),
        ("一段文字", "expected a list"),
        ([["嵌套"]], "block 1: expected text"),
    ],
)
def test_a_bad_block_is_named(tmp_path, blocks, message) -> None:
    values = requirement_values(_profile(tmp_path), Quarter(2020, 3), date(2020, 10, 21))
    with pytest.raises(ProfileError, match="requirements") as info:
        render_requirements(blocks, values)
    assert message in str(info.value)


def test_change_line_uses_the_printed_figures() -> None:
    previous = (Quarter(2020, 2), 0.5, 23 / 28)  # 50%, 82.1%
    line = _change_line(previous, 1.0, 24 / 28)  # 100%, 85.7%
    assert line == ("与2020年第二季度相比，政府网站合格率由50%升至100%，上升50个百分点；"
                    "政务新媒体合格率由82.1%升至85.7%，上升3.6个百分点。")
    down = _change_line((Quarter(2019, 4), 0.9, None), 0.85, 0.8)
    assert down == "与2019年第四季度相比，政府网站合格率由90%降至85%，下降5个百分点。"
    assert _change_line((Quarter(2020, 2), 0.8, 0.5), 0.8, None) == "与2020年第二季度相比，政府网站合格率持平（均为80%）。"
    assert _change_line((Quarter(2020, 2), None, None), 1.0, 1.0) == ""


def test_long_lists_are_cut_with_their_count() -> None:
    names = [f"账号{i}" for i in range(NAMED_LIMIT + 5)]
    text = _named(names)
    assert text.endswith(f"账号{NAMED_LIMIT - 1}等{NAMED_LIMIT + 5}个")
    assert _named(["甲", "乙"]) == "甲、乙"


def test_a_site_that_could_not_be_fetched_is_not_counted_as_passed() -> None:
    not_fetched = {"findings": [{"kind": "site_not_checked", "evidence": "检查时未能抓取网站"}]}
    assert _site_status("pass", not_fetched) == "unknown"
    assert _site_status("fail", not_fetched) == "fail"
    assert _site_status("pass", {"findings": []}) == "pass"
    assert _site_status("pass", None) == "pass"
    assert _site_status("unknown", {}) == "unknown"


def test_quarter_labels_wrap_when_eight_do_not_fit() -> None:
    from govinspect.notice.fonts import register_fonts

    font = register_fonts().body
    labels = [Quarter(2019, 1 + i % 4).label_zh for i in range(8)]
    assert _fit_labels(labels, font, 9.45, 400 / 8) == [label.replace("年", "年\n") for label in labels]
    assert _fit_labels(labels[:2], font, 9.45, 400 / 2) == labels[:2]
    trend = [(label, 0.5 + i / 20, None if i == 3 else 0.7) for i, label in enumerate(labels)]
    drawing = trend_lines(trend, font, 440)
    assert drawing is not None
    assert trend_lines(trend[:1], font, 440) is None


def test_registry_change_line_names_each_change():
    from govinspect.notice.assemble import _registry_change_line
    from govinspect.registry.snapshot import RegistryDiff

    diff = RegistryDiff("2020Q4", "2020Q3", [
        {"entity_type": "account", "entity_id": "weibo:1", "change": "opened", "name": "a", "unit": None, "detail": {}},
        {"entity_type": "account", "entity_id": "weibo:2", "change": "opened", "name": "b", "unit": None, "detail": {}},
        {"entity_type": "account", "entity_id": "wechat:3", "change": "closed", "name": "c", "unit": None, "detail": {}},
        {"entity_type": "website", "entity_id": "1506230001", "change": "renamed", "name": "d", "unit": None, "detail": {}},
    ])
    line = _registry_change_line(diff)
    assert line == "与2020年第三季度相比，报送系统中政府网站更名1个；政务新媒体新开设2个、关停注销1个。"
    assert _registry_change_line(RegistryDiff("2020Q3", None, [])) == ""
    assert "没有变化" in _registry_change_line(RegistryDiff("2020Q4", "2020Q3", []))


def test_website_filing_problems_are_listed():
    from types import SimpleNamespace

    from govinspect.notice.assemble import _website_filing_group

    gone = SimpleNamespace(subject="1506230001", unit="旗政府", detail={
        "entity_type": "website", "name": "门户网站", "site_code": "1506230001", "sponsor": "旗政府"})
    account = SimpleNamespace(subject="wechat:gh_1", unit="旗局", detail={"entity_type": "account", "name": "x"})
    group = _website_filing_group({"website_gone": [gone], "unit_not_in_directory": [account]})
    assert [p.subject for p in group.items] == ["门户网站"]
    assert "无法访问" in group.items[0].detail
