"""The bundled demo county's input files: shapes of the exports and the designed story."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govinspect.demo import DATA_DIR, build, county, load_demo_config
from govinspect.demo.designed import HANG_HOSTS, SITE_HOSTS, outcomes

CHECK_POINT = date(2020, 10, 15)
SWEEP_DAY = date(2020, 10, 13)

# Spellings this test expects in 平台类型, folded to one code each.
PLATFORM_OF = {
    "微信公众号": "wechat", "微信": "wechat", "服务号": "wechat", "订阅号": "wechat", "微信公众平台": "wechat",
    "新浪微博": "weibo", "微博": "weibo", "抖音": "douyin", "抖音号": "douyin", "今日头条": "toutiao",
    "头条号": "toutiao", "快手": "kuaishou", "快手号": "kuaishou", "移动客户端": "app", "移动客户端（APP）": "app",
    "微信小程序": "miniprogram", "小程序": "miniprogram",
}
ID_FORMAT = {
    "wechat": r"gh_[0-9a-f]{12}", "weibo": r"\d{10}", "douyin": r"\d{8,19}", "toutiao": r"\d{8,19}",
    "kuaishou": r"\d{8,19}", "app": r"1488\d{6}", "miniprogram": r"wx[0-9a-f]{16}",
}


def _read_csv(name: str) -> tuple[bytes, list[dict[str, str]]]:
    raw = (DATA_DIR / name).read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    return raw, rows


def _sheet_rows(name: str, sheet: str, header_row: int) -> tuple[list[str], list[dict[str, object]], object]:
    workbook = load_workbook(DATA_DIR / name)
    assert workbook.sheetnames == [sheet]
    ws = workbook[sheet]
    values = list(ws.iter_rows(values_only=True))
    header = [str(v) for v in values[header_row - 1]]
    rows = [dict(zip(header, row, strict=True)) for row in values[header_row:] if any(v is not None for v in row)]
    return header, rows, ws


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    text = str(value)
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if match:
        return date(*map(int, match.groups()))
    return date.fromisoformat(text)


@pytest.fixture(scope="module")
def units() -> dict[str, dict[str, str]]:
    _raw, rows = _read_csv("units.csv")
    return {row["单位名称"]: row for row in rows}


@pytest.fixture(scope="module")
def registry() -> list[dict[str, object]]:
    _header, rows, _ws = _sheet_rows("newmedia_registry.xlsx", "政务新媒体", 2)
    return rows


def test_units_csv_is_excel_utf8_with_the_directory(units: dict[str, dict[str, str]]) -> None:
    raw, _rows = _read_csv("units.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == "单位名称,单位类型,上级单位,是否对外服务,状态,继任单位,变更日期"
    assert b"\r\n" in raw
    kinds = Counter((row["单位类型"], row["状态"]) for row in units.values())
    assert kinds[("政府", "正常")] == 1 and kinds[("开发区", "正常")] == 1 and kinds[("镇", "正常")] == 4
    assert kinds[("部门", "正常")] + kinds[("事业单位", "正常")] == 48
    in_scope = [r for r in units.values() if r["单位类型"] in ("政府", "开发区", "镇", "部门", "事业单位") and r["状态"] == "正常"]
    assert len(in_scope) == 1 + 1 + 4 + 48
    assert {row["单位类型"] for row in units.values()} <= {"政府", "开发区", "镇", "部门", "事业单位", "党群", "垂管", "嘎查村"}
    for kind in ("党群", "垂管", "嘎查村"):
        assert sum(1 for r in units.values() if r["单位类型"] == kind) >= 2
    assert {r["是否对外服务"] for r in units.values()} == {"是", "否"}


def test_units_carry_the_2019_reform(units: dict[str, dict[str, str]]) -> None:
    changed = [r for r in units.values() if r["状态"] != "正常"]
    assert 4 <= len(changed) <= 6
    assert {r["状态"] for r in changed} == {"撤销", "合并", "更名"}
    for row in changed:
        successor = units[row["继任单位"]]
        assert successor["状态"] == "正常"
        assert date.fromisoformat(row["变更日期"]).year == 2019
    assert units["旗农牧业局"]["继任单位"] == "旗农牧局"
    assert all(r["继任单位"] == "" and r["变更日期"] == "" for r in units.values() if r["状态"] == "正常")


def test_website_registry_export() -> None:
    header, rows, ws = _sheet_rows("website_registry.xlsx", "网站信息", 2)
    assert header == ["序号", "网站名称", "网站标识码", "首页网址", "主办单位", "承办单位", "ICP备案号", "公安机关备案号",
                      "网站类型", "运行状态"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:J1"]
    assert "导出时间：2020-10-12" in ws["A1"].value
    assert len(rows) == 1
    site = rows[0]
    assert site["网站名称"] == "鄂托克前旗人民政府门户网站"
    assert re.fullmatch(r"150623\d{4}", site["网站标识码"]) and site["网站标识码"] == "1506230001"
    assert site["首页网址"] == "http://www.etkqq.gov.cn"
    assert site["主办单位"] == "鄂托克前旗人民政府" and site["承办单位"] == "鄂托克前旗政务服务局"
    assert re.fullmatch(r"蒙ICP备\d+号(-\d+)?", site["ICP备案号"])
    assert site["公安机关备案号"] == "蒙公网安备 15062302000001号"
    assert (site["网站类型"], site["运行状态"]) == ("门户网站", "正常运行")


def test_newmedia_registry_export(registry: list[dict[str, object]], units: dict[str, dict[str, str]]) -> None:
    header, _rows, ws = _sheet_rows("newmedia_registry.xlsx", "政务新媒体", 2)
    assert header == ["序号", "账号名称", "平台类型", "账号ID/原始ID", "主办单位", "运维单位", "开设时间", "备案时间", "运行状态"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:I1"]
    assert len(registry) == 64
    assert [r["序号"] for r in registry] == list(range(1, 65))
    platforms = Counter(PLATFORM_OF[str(r["平台类型"])] for r in registry)
    assert platforms == {"wechat": 28, "weibo": 8, "douyin": 12, "toutiao": 6, "kuaishou": 5, "app": 2, "miniprogram": 3}
    for code in ("wechat", "weibo", "douyin", "toutiao", "kuaishou", "miniprogram"):
        assert len({r["平台类型"] for r in registry if PLATFORM_OF[str(r["平台类型"])] == code}) >= 2, code
    for row in registry:
        code = PLATFORM_OF[str(row["平台类型"])]
        assert re.fullmatch(ID_FORMAT[code], str(row["账号ID/原始ID"])), row
        assert row["主办单位"] in units and row["运维单位"] in units
    keys = [(PLATFORM_OF[str(r["平台类型"])], r["账号ID/原始ID"]) for r in registry]
    assert len(set(keys)) == 64
    cells = [r["开设时间"] for r in registry]
    assert any(isinstance(c, datetime) for c in cells)
    assert any(isinstance(c, str) and "年" in c for c in cells)


def test_registry_designed_irregularities(registry: list[dict[str, object]], units: dict[str, dict[str, str]]) -> None:
    delays = [(_as_date(r["备案时间"]) - _as_date(r["开设时间"])).days for r in registry]
    assert all(d >= 0 for d in delays)
    assert sum(1 for d in delays if d > 10) == 3
    assert delays.count(10) == 1  # filed on the 10th day: in time
    abolished = [r for r in registry if units[str(r["主办单位"])]["状态"] != "正常"]
    assert [r["主办单位"] for r in abolished] == ["旗农牧业局"]
    status = Counter(r["运行状态"] for r in registry)
    assert status == {"正常": 63, "注销": 1}


def test_sweep_lists_21_unregistered_plus_out_of_scope_and_known(
    registry: list[dict[str, object]], units: dict[str, dict[str, str]]
) -> None:
    header, rows, _ws = _sheet_rows("sweep.xlsx", "排查结果", 1)
    assert header == ["序号", "账号名称", "平台类型", "账号ID", "认证主体", "疑似所属单位", "发现时间", "最近发布时间", "备注"]
    filed = {(PLATFORM_OF[str(r["平台类型"])], str(r["账号ID/原始ID"])) for r in registry}
    known, out_of_scope, findings = [], [], []
    for row in rows:
        assert row["疑似所属单位"] in units, row
        assert _as_date(row["发现时间"]) == SWEEP_DAY
        assert _as_date(row["最近发布时间"]) <= SWEEP_DAY
        key = (PLATFORM_OF[str(row["平台类型"])], str(row["账号ID"]))
        kind = units[str(row["疑似所属单位"])]["单位类型"]
        if key in filed:
            known.append(row)
        elif kind in ("党群", "垂管", "嘎查村"):
            out_of_scope.append(kind)
        else:
            findings.append(row)
    assert len(known) == 2
    assert Counter(out_of_scope) == {"嘎查村": 2, "党群": 1, "垂管": 1}
    assert len(findings) == 21
    personal = [r for r in findings if "个人" in str(r["认证主体"]) or re.fullmatch(r".某某", str(r["认证主体"]))]
    assert len(personal) == 4
    old_names = {"鄂托克前旗" + name.removeprefix("旗") for name, r in units.items() if r["状态"] != "正常"}
    reform = [r for r in findings if r["认证主体"] in old_names]
    assert len(reform) == 2
    idle = [r for r in findings if (CHECK_POINT - _as_date(r["最近发布时间"])).days > 90]
    assert len(idle) >= 3


def test_manual_evidence_covers_most_wechat_and_all_mini_programs(registry: list[dict[str, object]]) -> None:
    raw, rows = _read_csv("manual_evidence.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert list(rows[0]) == ["账号ID", "平台类型", "最近发布时间", "核查人", "核查时间", "截图或链接", "备注"]
    by_platform = {(PLATFORM_OF[str(r["平台类型"])], str(r["账号ID/原始ID"])) for r in registry}
    covered = {(PLATFORM_OF[r["平台类型"]], r["账号ID"]) for r in rows}
    assert covered <= by_platform
    wechat = {k for k in by_platform if k[0] == "wechat"}
    minis = {k for k in by_platform if k[0] == "miniprogram"}
    assert len(wechat - covered) == 4
    assert minis <= covered
    assert len(rows) == len(covered) == 24 + 3
    ages = [(CHECK_POINT - date.fromisoformat(r["最近发布时间"])).days for r in rows]
    assert sum(1 for age in ages if age > 14) == 3
    assert 14 in ages  # the boundary: posted exactly 14 days before the check point is fresh
    assert all(date.fromisoformat(r["核查时间"]) <= CHECK_POINT and r["核查人"] for r in rows)


def test_demo_config_has_what_a_run_needs() -> None:
    config = load_demo_config()
    assert (config["county"], config["region_code"], config["quarter"]) == ("鄂托克前旗", "150623", "2020Q3")
    assert config["check_point"] == CHECK_POINT and config["sweep_date"] == SWEEP_DAY
    assert config["notice_date"] == date(2020, 10, 21)
    assert config["issuer"] == "鄂托克前旗政务服务局"
    assert config["addressees"] and config["contact_phone"] == county.CONTACT_PHONE
    assert config["rsshub_base"] == "http://rsshub.etkqq.demo"
    assert tuple(config["farm"]["hosts"]) == SITE_HOSTS and tuple(config["farm"]["hang_hosts"]) == HANG_HOSTS
    for name in config["files"].values():
        assert (DATA_DIR / name).is_file(), name
    assert (DATA_DIR / "README.md").read_text(encoding="utf-8").count("invented") >= 1


def test_committed_files_match_the_generator(tmp_path: Path) -> None:
    written = build.write_all(tmp_path)
    assert sorted(p.name for p in written) == sorted(build.FILES)
    for path in written:
        committed = DATA_DIR / path.name
        if path.suffix == ".csv":
            assert path.read_bytes() == committed.read_bytes(), path.name
            continue
        fresh, kept = load_workbook(path), load_workbook(committed)
        assert fresh.sheetnames == kept.sheetnames
        for a, b in zip(fresh.worksheets, kept.worksheets, strict=True):
            assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True)), path.name
            assert {str(r) for r in a.merged_cells.ranges} == {str(r) for r in b.merged_cells.ranges}


def test_designed_accounts_table_agrees_with_the_files() -> None:
    table = outcomes(CHECK_POINT)["accounts"]
    registered = [v for v in table.values() if v["registered"]]
    assert len(registered) == 64 and len(table) == 64 + 27 - 2
    verdicts = Counter(v["verdict"] for v in registered)
    # unknown: 4 WeChat without evidence, cancelled, empty, malformed and slow feeds
    assert verdicts["unknown"] == 8
    closed = [v for v in registered if v.get("status") == "注销"]
    assert len(closed) == 1 and closed[0]["last_post"] == CHECK_POINT - timedelta(days=3)
    findings = [v for v in table.values() if v["category"] in county.IN_SCOPE_UNREGISTERED]
    assert len(findings) == 21
