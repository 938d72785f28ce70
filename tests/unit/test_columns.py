"""Column classification (栏目分类): keywords, priority, breadcrumb, overrides and the V5 exclusions."""

from __future__ import annotations

import pytest

from govinspect.checks.columns import (
    COLUMN_TYPES,
    CONSULT_CHANNEL_WORDS,
    classify_column,
    column_url_key,
    is_consult_channel,
    is_v5_excluded,
    split_breadcrumb,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("要闻动态", "dynamic"),
        ("工作动态", "dynamic"),
        ("乡镇动态", "dynamic"),
        ("图片新闻", "dynamic"),
        ("今日前旗", "dynamic"),
        ("政务快讯", "dynamic"),
        ("通知公告", "notice"),
        ("公示公告", "notice"),
        ("通告", "notice"),
        ("政策文件", "policy"),
        ("规范性文件", "policy"),
        ("政府办文件", "policy"),
        ("政策法规", "policy"),
        ("人事信息", "personnel"),
        ("人事任免", "personnel"),
        ("招录考录", "personnel"),
        ("规划计划", "planning"),
        ("计划总结", "planning"),
        ("工作要点", "planning"),
        ("政策解读", "interpretation"),
        ("图解政策", "interpretation"),
        ("政策问答", "interpretation"),
        ("在线访谈", "interview"),
        ("网络直播", "interview"),
        ("县长信箱", "consult"),
        ("我要留言", "consult"),
        ("网上咨询", "consult"),
        ("网络问政", "consult"),
        ("建言献策", "consult"),
        ("12345热线", "consult"),
        ("意见征集", "survey"),
        ("网上调查", "survey"),
        ("民意征集", "survey"),
        ("重点领域信息公开", "other"),
        ("财政预决算", "other"),
        ("机构职能", "other"),
        ("", "other"),
    ],
)
def test_keywords(name: str, expected: str) -> None:
    assert classify_column(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 解读 > 政策文件 > 文件: the more specific class wins.
        ("政策文件解读", "interpretation"),
        ("文件解读", "interpretation"),
        ("规范性文件", "policy"),
        ("招聘公告", "personnel"),
        ("人事任免公示", "personnel"),
        ("规划文件", "planning"),
        ("政策咨询问答", "consult"),
        ("在线访谈征集", "interview"),
        ("意见征集留言", "survey"),
        ("信访动态", "dynamic"),
    ],
)
def test_specific_beats_general(name: str, expected: str) -> None:
    assert classify_column(name) == expected


def test_name_first_then_breadcrumb_from_the_deepest_segment() -> None:
    assert classify_column("县政府", "当前位置：首页 > 政务公开 > 政策文件 > 县政府") == "policy"
    assert classify_column("通知公告", "首页 > 新闻中心 > 通知公告") == "notice"
    assert classify_column("2020年", "首页 » 政策解读 » 2020年") == "interpretation"
    assert classify_column("环境保护", "首页 > 政务公开 > 重点领域信息公开 > 环境保护") == "other"
    assert classify_column("乡镇", "您现在的位置：首页 > 新闻中心 > 乡镇动态 > 乡镇") == "dynamic"


def test_split_breadcrumb() -> None:
    assert split_breadcrumb("当前位置：首页 > 政务公开 > 通知公告") == ["首页", "政务公开", "通知公告"]
    assert split_breadcrumb("您的位置：首页 → 专题专栏 → 脱贫攻坚") == ["首页", "专题专栏", "脱贫攻坚"]
    assert split_breadcrumb("首页 >> 信息公开 » 规范性文件") == ["首页", "信息公开", "规范性文件"]
    assert split_breadcrumb("首页 > 走进临城 > 地理位置") == ["首页", "走进临城", "地理位置"]
    assert split_breadcrumb("") == []


def test_overrides_by_url_then_name() -> None:
    overrides = {"http://www.x.gov.cn/zwgk/gzdt/": "policy", "工作动态": "other", "重点领域信息公开": "notice"}
    assert classify_column("工作动态", overrides=overrides, url="http://www.x.gov.cn/zwgk/gzdt/") == "policy"
    assert classify_column("工作动态", overrides=overrides, url="http://www.x.gov.cn/xwzx/gzdt/") == "other"
    assert classify_column("重点领域 信息公开", overrides=overrides) == "notice"
    assert classify_column("通知公告", overrides=overrides) == "notice"
    with pytest.raises(ValueError, match="not one of"):
        classify_column("工作动态", overrides={"工作动态": "news"})


@pytest.mark.parametrize(
    ("name", "excluded", "consult"),
    [
        ("网上信访", True, False),
        ("纪检举报", True, False),
        ("纪检监察举报信箱", True, False),
        ("举报投诉", True, False),
        ("信访留言", True, False),
        ("县长信箱", False, True),
        ("书记信箱", False, True),
        ("我要写信", False, True),
        ("12345政务服务热线", False, True),
        ("冀ICP备05012345号", False, False),
        ("粤ICP备12345678号", False, False),
        ("政务公开", False, False),
    ],
)
def test_v5_exclusions(name: str, excluded: bool, consult: bool) -> None:
    assert is_v5_excluded(name) is excluded
    assert is_consult_channel(name) is consult
    if excluded:
        assert classify_column(name) != "consult"


def test_vocabulary() -> None:
    from govinspect.scoring.rubric import COLUMN_TYPES as RUBRIC_COLUMN_TYPES

    # The classifier and the rubric speak the same column types (the observations schema).
    assert COLUMN_TYPES == RUBRIC_COLUMN_TYPES
    assert set(COLUMN_TYPES) == {
        "dynamic", "notice", "policy", "personnel", "planning", "interpretation", "interview", "consult", "survey",
        "other",
    }
    assert {"信箱", "留言", "咨询", "问政", "建言", "12345"} <= set(CONSULT_CHANNEL_WORDS)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://www.x.gov.cn/zwgk/tzgg/", "http://www.x.gov.cn/zwgk/tzgg"),
        ("http://WWW.X.gov.cn/zwgk/tzgg/index.html", "http://www.x.gov.cn/zwgk/tzgg"),
        ("http://www.x.gov.cn/zwgk/tzgg/index_0.shtml#top", "http://www.x.gov.cn/zwgk/tzgg"),
        ("http://www.x.gov.cn/col/col4567/index.html", "http://www.x.gov.cn/col/col4567"),
        ("http://www.x.gov.cn/public/column/6596111?type=4&catId=7021411", "http://www.x.gov.cn/public/column/6596111?type=4&catId=7021411"),
        ("http://www.x.gov.cn/zwgk/tzgg/index_1.html", "http://www.x.gov.cn/zwgk/tzgg/index_1.html"),
        ("通知公告", "通知公告"),
    ],
)
def test_column_url_key(url: str, key: str) -> None:
    assert column_url_key(url) == key


def test_url_bindings_match_any_spelling_of_the_column() -> None:
    overrides = {"http://www.x.gov.cn/hdjl/qzxx/index.html": "other", "http://www.x.gov.cn/zwgk/gzdt": "notice"}
    assert classify_column("旗长信箱", url="http://www.x.gov.cn/hdjl/qzxx/", overrides=overrides) == "other"
    assert classify_column("工作动态", url="http://WWW.x.gov.cn/zwgk/gzdt/index.htm", overrides=overrides) == "notice"
    assert classify_column("工作动态", url="http://www.x.gov.cn/xwzx/gzdt/", overrides=overrides) == "dynamic"
    # A name binding written with the spaces of the page (重点领域 信息公开) still matches.
    assert classify_column("重点领域信息公开", overrides={"重点领域 信息公开": "notice"}) == "notice"


def _profile(tmp_path, columns: str):
    from govinspect.profile import load_profile

    path = tmp_path / "inspection.toml"
    path.write_text(
        columns + '\n[bureau]\ncounty = "鄂托克前旗"\nissuer = "旗政务服务局"\naddressees = "各单位"\n', encoding="utf-8"
    )
    return load_profile(path)


def test_profile_column_bindings(tmp_path) -> None:
    profile = _profile(
        tmp_path,
        '[columns."1506230001"]\n"旗长信箱" = "consult"\n"http://www.etkqq.gov.cn/zwgk/zdly/" = "notice"\n'
        "[columns.1506230002]\n\"嘎查村务公开\" = \"other\"\n",
    )
    assert profile.columns == {
        "1506230001": {"旗长信箱": "consult", "http://www.etkqq.gov.cn/zwgk/zdly/": "notice"},
        "1506230002": {"嘎查村务公开": "other"},
    }
    assert _profile(tmp_path, "").columns == {}


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ('[columns."1506230001"]\n"旗长信箱" = "mailbox"\n', "旗长信箱: 'mailbox' is not one of dynamic"),
        ('[columns]\n"1506230001" = "consult"\n', "expected column"),
        ('columns = ["旗长信箱"]\n', r"\[columns\]"),
    ],
)
def test_profile_column_bindings_are_checked(tmp_path, columns: str, message: str) -> None:
    from govinspect.profile import ProfileError

    with pytest.raises(ProfileError, match=message):
        _profile(tmp_path, columns)
