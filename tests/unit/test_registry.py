"""Registry pieces as pure functions: cells, platforms, the unit directory, reconciliation, snapshots."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from govinspect.registry.directory import Directory, unit_key
from govinspect.registry.parse import detect_kind
from govinspect.registry.platforms import normalize_platform, platform_codes
from govinspect.registry.readers import clean_header, sniff
from govinspect.registry.reconcile import KIND_LABELS, ReconcileRules, looks_personal, reconcile, website_gone
from govinspect.registry.schema import (
    ACCOUNTS,
    SWEEP,
    UNITS,
    WEBSITES,
    CellError,
    account_id,
    cell_date,
    is_closed,
    site_code,
    text,
    url,
)
from govinspect.registry.snapshot import RegistryDiff, diff_entities

AS_OF = date(2020, 10, 15)


# --- cells ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (datetime(2019, 3, 5, 9, 30), date(2019, 3, 5)),
    (43529, date(2019, 3, 5)),
    (43529.75, date(2019, 3, 5)),
    ("43529", date(2019, 3, 5)),
    (20190305, date(2019, 3, 5)),
    ("20190305", date(2019, 3, 5)),
    ("2019-03-05", date(2019, 3, 5)),
    ("2019/3/5", date(2019, 3, 5)),
    ("2019.03.05", date(2019, 3, 5)),
    ("2019年3月5日", date(2019, 3, 5)),
    ("二〇一九年三月五日", date(2019, 3, 5)),
    ("2019-03-05 09:30:00", date(2019, 3, 5)),
    ("2019-03-05T09:30:00+08:00", date(2019, 3, 5)),
    ("２０１９年３月５日", date(2019, 3, 5)),
    (None, None),
    ("  ", None),
])
def test_cell_date_reads(value: object, expected: date | None) -> None:
    assert cell_date(value, AS_OF) == expected


@pytest.mark.parametrize("value, words", [
    ("2020-13-45", "not a date"),
    ("2020-02-30", "not a date"),
    ("2019年2月29日", "not a date"),
    ("3月5日", "with a year"),
    ("[03-05]", "with a year"),
    ("20201345", "is not a date"),
    (99999, "is not a date"),
    (12, "is not a date"),
    ("1900-01-01", "not a plausible date"),
    ("2030-01-01", "not a plausible date"),
    ("=TODAY()", "a formula"),
    (True, "is not a date"),
    ("2019-03-05 至 2019-03-08", "not a date"),
])
def test_cell_date_refuses(value: object, words: str) -> None:
    with pytest.raises(CellError, match=words.replace("(", r"\(")):
        cell_date(value, AS_OF)


def test_text_cells() -> None:
    assert text("  前旗\n民政\u3000 ") == "前旗 民政"
    assert text(7145280733.0) == "7145280733"
    assert text("=SUM(A1:A3)") == "=SUM(A1:A3)"
    with pytest.raises(CellError, match="Excel error value"):
        text("#REF!")
    with pytest.raises(CellError, match="control characters"):
        text("a\x00b")
    with pytest.raises(CellError, match="longer than 10"):
        text("x" * 11, 10)


def test_site_codes() -> None:
    assert site_code("1506230001") == "1506230001"
    assert site_code(1506230001) == "1506230001"
    assert site_code(" BM55000001 ") == "bm55000001"
    assert site_code("１５０６２３０００１") == "1506230001"
    for bad in ("150623000", "15062300011", "bm5500001", "cn55000001", "=1506230001"):
        with pytest.raises(CellError):
            site_code(bad)


def test_urls() -> None:
    assert url("www.etkqq.gov.cn") == "http://www.etkqq.gov.cn/"
    assert url("HTTPS://WWW.ETKQQ.GOV.CN/index.html") == "https://www.etkqq.gov.cn/index.html"
    assert url("http://www.etkqq.gov.cn:8080") == "http://www.etkqq.gov.cn:8080/"
    assert url("http://政府.政务") == "http://政府.政务/"
    for bad in ("无", "http://", "localhost", "http://a..gov.cn", "http://www.etkqq.gov.cn:99999/",
                "http://a.gov.cn;http://b.gov.cn", "mailto:x@a.gov.cn"):
        with pytest.raises(CellError):
            url(bad)


def test_account_ids_lost_to_scientific_notation_are_refused() -> None:
    assert account_id(5182312440) == "5182312440"
    with pytest.raises(CellError, match="scientific notation"):
        account_id("5.18231E+09")


def test_platforms() -> None:
    assert normalize_platform("微信公众号（服务号）") == "wechat"
    assert normalize_platform("微信视频号") == "wechat_channels"
    assert normalize_platform("微信小程序") == "miniprogram"
    assert normalize_platform("移动客户端(APP)") == "app"
    assert normalize_platform("今日头条号") == "toutiao"
    assert normalize_platform("学习强国号") == "xuexi"
    assert normalize_platform("其他") is None
    assert normalize_platform("微信、微博") is None
    assert platform_codes("抖音、快手、抖音号") == ["douyin", "kuaishou"]


def test_headers_are_matched_loosely() -> None:
    assert clean_header("账号名称（必填）") == "账号名称"
    assert clean_header(" 开设时间(yyyy-mm-dd)：") == "开设时间"
    assert clean_header("Site_Code") == "sitecode"
    assert clean_header("*网站标识码") == "网站标识码"


def test_kinds_told_from_headers() -> None:
    def header(*names: str) -> list[str]:
        return [clean_header(n) for n in names]

    assert detect_kind(header("网站名称", "网站标识码", "首页网址", "主办单位")) is WEBSITES
    assert detect_kind(header("账号名称", "平台类型", "主办单位", "备案时间")) is ACCOUNTS
    assert detect_kind(header("账号名称", "平台", "疑似所属单位", "发现时间")) is SWEEP
    assert detect_kind(header("单位名称", "单位类型", "上级单位")) is UNITS
    assert detect_kind(header("name", "platform", "account_id", "sponsor")) is ACCOUNTS
    assert detect_kind(header("序号", "单位", "账号数量")) is None
    assert detect_kind(header("序号", "单位"), "units") is UNITS


def test_store_column_sizes_bound_the_fields() -> None:
    """A value longer than its store column is quarantined, never left to fail the transaction."""
    from govinspect.store.models import Account, Unit, Website

    models = {"websites": Website, "accounts": Account, "units": Unit}
    for kind in (WEBSITES, ACCOUNTS, UNITS):
        columns = models[kind.name].__table__.columns
        for fld in kind.fields:
            length = getattr(columns[fld.name].type, "length", None)
            if length is None or fld.name in ("platform",):
                continue
            with pytest.raises(CellError):
                fld.parse("字" * (length + 1), AS_OF)


def test_sniffing_content_not_names() -> None:
    assert sniff(b"PK\x03\x04rest") == "zip"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8) == "ole2"
    assert sniff(b"%PDF-1.7") == "pdf"
    assert sniff(b"\xef\xbb\xbf<html><table>") == "html"
    assert sniff("账号名称,平台类型\r\n".encode("gbk")) == "text"
    assert sniff(b"\xff\xfe" + "账号".encode("utf-16-le")) == "text"
    assert sniff(b"\x00\x01\x02garbage") == "binary"
    assert sniff(b" \r\n") == "empty"


# --- the unit directory ---------------------------------------------------------------------------------

UNITS_ROWS = [
    {"name": "鄂托克前旗人民政府", "kind": "政府", "status": "正常"},
    {"name": "旗农牧业局", "kind": "部门", "status": "更名", "successor": "旗农牧局"},
    {"name": "旗农牧局", "kind": "部门", "status": "正常"},
    {"name": "旗林业局", "kind": "部门", "status": "合并", "successor": "鄂托克前旗林草局"},
    {"name": "旗林草局", "kind": "部门", "status": "撤销", "successor": "旗林业和草原局", "changed_on": date(2020, 1, 2)},
    {"name": "旗林业和草原局", "kind": "部门", "status": "正常"},
    {"name": "旗甲局", "kind": "部门", "status": "撤销", "successor": "旗乙局"},
    {"name": "旗乙局", "kind": "部门", "status": "撤销", "successor": "旗甲局"},
    {"name": "旗税务局", "kind": "垂管", "status": "正常"},
]


def test_directory_matches_names_as_exports_write_them() -> None:
    directory = Directory.of(UNITS_ROWS, "鄂托克前旗")
    assert unit_key("鄂托克前旗人民政府", "鄂托克前旗") == unit_key("旗政府") == "政府"
    assert directory.match("鄂托克前旗农牧局") == "旗农牧局"
    assert directory.match("旗 农牧局") == "旗农牧局"
    assert directory.match("旗统计局") is None
    assert directory.current("鄂托克前旗农牧业局") == "旗农牧局"
    assert directory.current("旗林业局") == "旗林业和草原局"  # followed through two reforms
    assert directory.current("旗甲局") in ("旗甲局", "旗乙局")  # a loop in the history ends
    assert directory.reform("旗农牧业局")["successor"] == "旗农牧局"
    assert directory.reform("旗农牧局") is None
    assert directory.kind("鄂托克前旗税务局") == "垂管"


# --- reconciliation -------------------------------------------------------------------------------------


def _account(platform: str, account_id: str, name: str, sponsor: str, unit: str | None = None, **extra: object) -> dict:
    return {"platform": platform, "account_id": account_id, "name": name, "sponsor": sponsor, "unit": unit or sponsor,
            "platform_label": platform, "status": "正常", **extra}


def _kinds(findings: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings:
        out.setdefault(f["kind"], []).append(f["subject"])
    return out


def test_reconcile_each_kind_of_finding() -> None:
    units = UNITS_ROWS + [{"name": "旗民政局", "kind": "部门", "status": "正常"},
                         {"name": "城川镇吉拉嘎查", "kind": "嘎查村", "status": "正常"}]
    registered = [
        _account("wechat", "gh_a", "前旗民政", "旗民政局", opened_on=date(2020, 1, 1), filed_on=date(2020, 1, 11)),
        _account("douyin", "1", "前旗民政", "旗民政局", opened_on=date(2020, 1, 1), filed_on=date(2020, 1, 12)),
        _account("douyin", "2", "前旗民政服务", "旗民政局"),
        _account("toutiao", "3", "前旗农牧", "旗农牧业局", unit="旗农牧局"),
        _account("kuaishou", "4", "前旗农牧", "旗农牧局", status="注销", closed_on=date(2020, 9, 1),
                 closure_filed_on=date(2020, 9, 30)),
        _account("weibo", "5", "前旗民政", "旗民政局"),
        _account("weibo", "6", "李四的号", "李四"),
    ]
    swept = [
        _account("wechat", "gh_b", "前旗民政服务", "个人认证：王某某", unit="旗民政局", found_on=date(2020, 10, 13)),
        _account("weibo", "7", "前旗林业", "鄂托克前旗林业局", unit="旗林业和草原局"),
        _account("douyin", "8", "吉拉嘎查", "吉拉嘎查村民委员会", unit="城川镇吉拉嘎查"),
        _account("weibo", "9", "某县税务", "国家税务总局某县税务局", unit=None),
        _account("wechat", "gh_a", "前旗民政", "旗民政局"),
    ]
    seen = {("kuaishou", "4"): {"last_post": date(2020, 10, 1), "state": "normal", "source": "rsshub"},
            ("weibo", "5"): {"last_post": None, "state": "not_found", "source": "rsshub"}}
    findings = reconcile(registered, swept, units, seen, AS_OF, ReconcileRules(filing_days=10), county="鄂托克前旗")
    kinds = _kinds(findings)
    assert kinds["unregistered"] == ["wechat:gh_b", "weibo:7"]
    assert sorted(kinds["out_of_scope"]) == ["douyin:8", "weibo:9"]
    assert kinds["registered_also_swept"] == ["wechat:gh_a"]
    assert sorted(kinds["personal_subject"]) == ["wechat:gh_b", "weibo:6"]
    assert sorted(kinds["reform_not_updated"]) == ["toutiao:3", "weibo:7"]
    assert kinds["late_filing"] == ["douyin:1"]  # 11 days; gh_a was filed on the 10th day
    assert kinds["late_closure_filing"] == ["kuaishou:4"]
    assert kinds["closed_but_posting"] == ["kuaishou:4"]
    assert kinds["registered_gone"] == ["weibo:5"]
    assert kinds["consolidation"] == ["douyin:旗民政局"]  # two running douyin accounts; the closed one does not count
    assert kinds["unit_not_in_directory"] == ["weibo:6"]
    by = {(f["kind"], f["subject"]): f for f in findings}
    reform = by[("reform_not_updated", "weibo:7")]
    assert reform["unit"] == "旗林业和草原局"
    assert reform["detail"]["old_unit"] == "旗林业局" and reform["detail"]["successor"] == "旗林业和草原局"
    assert by[("unregistered", "weibo:7")]["detail"]["problems"] == ["reform_not_updated"]
    assert by[("out_of_scope", "douyin:8")]["detail"]["unit_kind"] == "嘎查村"
    assert by[("closed_but_posting", "kuaishou:4")]["detail"]["last_post"] == "2020-10-01"
    assert set(kinds) <= set(KIND_LABELS)


def test_same_name_on_the_same_platform_is_not_taken_for_a_registered_account() -> None:
    registered = [_account("weibo", "5", "前旗民政", "旗民政局")]
    swept = [_account("weibo", "55", "前旗民政", "旗民政局"), _account("weibo", "名称:前旗民政", "前旗民政", "旗民政局")]
    kinds = _kinds(reconcile(registered, swept, [], {}, AS_OF))
    assert kinds["unregistered"] == ["weibo:55"]
    assert kinds["registered_also_swept"] == ["weibo:名称:前旗民政"]


def test_personal_subjects() -> None:
    for subject in ("个人认证：王某某", "张某某", "个人：李某某", "自然人 刘某"):
        assert looks_personal(subject), subject
    for subject in ("旗民政局", "鄂托克前旗人民政府", "城川镇", "前旗发布", None, ""):
        assert not looks_personal(subject), subject


def test_website_gone_needs_every_probe_failed_or_no_answer_at_all() -> None:
    week = {"total": 140, "failed": 140, "by_outcome": {"dns_error": 140}, "window": ["2020-10-08", "2020-10-14"]}
    assert website_gone({"probes": week, "homepage_outcome": "dns_error"})["by_outcome"] == {"dns_error": 140}
    assert website_gone({"probes": {**week, "failed": 139}, "homepage_outcome": "timeout"}) is None
    assert website_gone({"probes": week, "homepage_outcome": "ok"}) is None
    assert website_gone({"probes": {"total": 0, "failed": 0}, "homepage_outcome": "connect_error"}) is not None
    assert website_gone({"probes": {"total": 0, "failed": 0}, "homepage_outcome": None}) is None
    sites = [{"site_code": "1506230001", "name": "门户", "sponsor": "鄂托克前旗人民政府", "status": "正常运行"},
             {"site_code": "1506230002", "name": "旧站", "sponsor": "旗农牧业局", "status": "永久下线"},
             {"site_code": "1506230003", "name": "农牧", "sponsor": "旗农牧业局", "status": "正常运行"}]
    checks = {code: {"probes": week, "homepage_outcome": "dns_error"} for code in ("1506230001", "1506230002")}
    findings = reconcile([], [], UNITS_ROWS, {}, AS_OF, county="鄂托克前旗", websites=sites, site_checks=checks)
    kinds = _kinds(findings)
    assert kinds == {"website_gone": ["1506230001"], "website_reform_not_updated": ["1506230003"]}


# --- snapshots ------------------------------------------------------------------------------------------


def test_diff_between_two_snapshots() -> None:
    before = [
        {"id": "wechat:a", "name": "前旗农牧", "unit": "旗农牧业局", "status": "正常"},
        {"id": "wechat:b", "name": "前旗民政", "unit": "旗民政局", "status": "正常"},
        {"id": "wechat:c", "name": "前旗财政", "unit": "旗财政局", "status": "正常"},
        {"id": "wechat:d", "name": "前旗水利", "unit": "旗水利局", "status": "关停"},
    ]
    after = [
        {"id": "wechat:a", "name": "前旗农牧发布", "unit": "旗农牧局", "status": "正常"},
        {"id": "wechat:b", "name": "前旗民政", "unit": "旗民政局", "status": "注销", "closed_on": date(2020, 8, 1)},
        {"id": "wechat:d", "name": "前旗水利", "unit": "旗水利局", "status": "正常"},
        {"id": "wechat:e", "name": "前旗统计", "unit": "旗统计局", "status": "正常", "opened_on": date(2020, 8, 3)},
        {"id": "wechat:f", "name": "前旗旧号", "unit": "旗统计局", "status": "注销"},
    ]
    changes = {(c["change"], c["entity_id"]): c for c in diff_entities("account", before, after)}
    assert set(changes) == {("opened", "wechat:e"), ("opened", "wechat:d"), ("closed", "wechat:c"),
                            ("closed", "wechat:b"), ("renamed", "wechat:a"), ("moved", "wechat:a")}
    assert changes[("renamed", "wechat:a")]["detail"] == {"before": "前旗农牧", "after": "前旗农牧发布"}
    assert changes[("moved", "wechat:a")]["detail"]["before"] == "旗农牧业局"
    assert changes[("closed", "wechat:b")]["detail"]["closed_on"] == "2020-08-01"
    assert changes[("opened", "wechat:e")]["detail"]["opened_on"] == "2020-08-03"
    sites = diff_entities("website", [{"id": "1", "name": "门户", "url": "http://a.gov.cn/", "status": "正常运行"}],
                          [{"id": "1", "name": "门户", "url": "http://b.gov.cn/", "status": "正常运行"}])
    assert [(c["change"], c["detail"]["after"]) for c in sites] == [("url_changed", "http://b.gov.cn/")]
    diff = RegistryDiff("2020Q3", "2020Q2", list(changes.values()))
    assert diff.counts()["account"] == {"opened": 2, "closed": 2, "renamed": 1, "moved": 1, "url_changed": 0}
    assert diff.counts()["website"]["opened"] == 0


def test_closed_states() -> None:
    assert is_closed("注销") and is_closed("永久下线") and is_closed("已关停")
    assert not is_closed("正常") and not is_closed("正常运行") and not is_closed(None)


def test_a_misspelt_input_kind_in_the_profile_is_an_error(tmp_path) -> None:
    from govinspect.profile import Profile, ProfileError
    from govinspect.quarter import Quarter
    from govinspect.registry.load import profile_sources

    profile = Profile(tmp_path / "inspection.toml", "鄂托克前旗", "150623", "旗政务服务局", "各单位",
                      registry={"acounts": ["nm.xlsx"], "websites": ["exports/{quarter}/网站.xlsx"], "units": ["u.csv"]})
    with pytest.raises(ProfileError, match=r"\[registry\] acounts: unknown input kind"):
        profile_sources(profile, Quarter.parse("2020Q3"))
    profile.registry.pop("acounts")
    paths, kinds = profile_sources(profile, Quarter.parse("2020Q3"))
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["u.csv", "exports/2020Q3/网站.xlsx"]
    assert kinds == ["units", "websites"]
