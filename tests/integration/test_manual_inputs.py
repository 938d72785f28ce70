"""Inspectors' manual inputs: a sheet with bad rows quarantined, `govinspect manual`, the merge into
the observations, the verdicts they change, and the notice that lists them (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from govinspect.assessment import (
    ManualInputError,
    add_manual_input,
    list_manual_inputs,
    load_manual_sheets,
    remove_manual_input,
)
from govinspect.registry.readers import RegistryFileError
from govinspect.store import replace_partition, session_scope, table_counts
from govinspect.store.models import Account, AccountObservation, QuarantinedRow, Website, WebsiteObservation

Q = "2020Q3"
PORTAL, DEPT = "1506230001", "1506230002"
ACCOUNT = ("wechat", "gh_0123456789ab")

HEADER = "网站标识码,平台类型,账号ID,事项类型,事项,指标,分值,理由,录入人,录入日期"
SHEET_ROWS = [
    f"{PORTAL},,,加分,政策解读形式丰富,,5,图解视频解读12篇,张某,2020-10-14",  # row 3
    f"{PORTAL},,,扣分,留言公开,互动交流,-2,留言未按月公开,张某,2020-10-14",  # row 4: −2 read as 2 deducted
    f"{DEPT},,,严重表述错误,,,,首页领导姓名错误,李某,2020年10月12日",  # row 5
    f"{DEPT},,,复核撤销,v2,,,监测网络故障期间的失败不计,李某,2020-10-13",  # row 6
    ",微信公众号,gh_0123456789ab,互动回应差,,,,后台留言45天未回复,王某,2020-10-14",  # row 7: NM3
    ",微信公众号,gh_0123456789ab,无有效互动功能,,,,菜单无留言入口,王某,2020-10-14",  # row 8
    f"{PORTAL},,,表扬,,,,,张某,2020-10-14",  # row 9: unknown type (and no reason)
    f"{PORTAL},,,加分,栏目设置合理,,,,张某,2020-10-14",  # row 10: no reason
    "1506239999,,,加分,其他,,3,理由,张某,2020-10-14",  # row 11: not in the registry
    f"{PORTAL},,,扣分,错别字,互动,1,错别字3处,张某,2020-10-14",  # row 12: unknown indicator
    f"{PORTAL},,,加分,无分值,,,有理由,张某,2020-10-14",  # row 13: bonus without points
    f"{PORTAL},,,加分,政策解读形式丰富,,4,重复录入,张某,2020-10-14",  # row 14: duplicate of row 3
    ",微信公众号,gh_0123456789ab,扣分,原创少,发布解读,2,原创内容少,王某,2020-10-14",  # row 15: accounts veto-only
    f"{PORTAL},,,加分,访谈,,2,在线访谈4期,张某,下周",  # row 16: not a date
]


def clean_observation(code: str, kind: str, unit: str) -> dict[str, Any]:
    return {
        "id": code, "name": f"{unit}网站", "unit": unit, "kind": kind, "has_services": True, "checked": True,
        "homepage_latest": "2020-10-14",
        "columns": [{"name": "要闻动态", "type": "dynamic", "level": 1, "latest": "2020-10-13", "items": 12}],
        "dead_links": {"homepage": 0, "other": 0},
        "interaction": {"has_channel": True, "oldest_unanswered_days": 3},
        "services": {"available": True, "guide_missing_counts": [0]},
    }


@pytest.fixture
def registry(store_url: str) -> str:
    with session_scope(store_url) as s:
        replace_partition(s, Website, {"quarter": Q}, [
            {"site_code": PORTAL, "name": "鄂托克前旗人民政府门户网站", "url": "http://www.etkqq.gov.cn/",
             "sponsor": "鄂托克前旗人民政府", "kind": "portal", "status": "正常运行"},
            {"site_code": DEPT, "name": "鄂托克前旗教育局网站", "url": "http://jyj.etkqq.gov.cn/",
             "sponsor": "旗教育局", "kind": "department", "status": "正常运行"},
        ])
        replace_partition(s, Account, {"quarter": Q}, [
            {"platform": ACCOUNT[0], "account_id": ACCOUNT[1], "origin": "registry", "name": "鄂托克前旗发布",
             "platform_label": "微信公众号", "sponsor": "鄂托克前旗人民政府", "unit": "鄂托克前旗人民政府"},
        ])
    return store_url


def write_sheet(folder: Path, rows: list[str], name: str = "人工核定.csv", encoding: str = "gb18030") -> Path:
    path = folder / name
    text = "\n".join(["鄂托克前旗2020年第三季度人工核定事项", HEADER, *rows]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_sheet_imports_good_rows_and_quarantines_the_rest(registry: str, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, SHEET_ROWS)
    report = load_manual_sheets([sheet], Q, "national-2019", url=registry)
    assert report.imported == 6
    assert report.notes == ["人工核定.csv row 4: 扣分 -2 read as 2 points deducted"]
    rejected = {r.row: (r.column, r.reason) for r in report.quarantined}
    assert sorted(rejected) == [9, 10, 11, 12, 13, 14, 15, 16]
    assert rejected[9][0] == "理由"  # the empty required cell is reported first
    assert rejected[10] == ("理由", "required value is empty")
    assert rejected[11] == ("网站标识码", "网站标识码 1506239999 is not in the 2020Q3 website registry")
    assert rejected[12][0] == "指标" and "expected one of 发布解读, 办事服务, 互动交流, 功能设计" in rejected[12][1]
    assert rejected[13] == ("分值", "points: required for a 加分 input")
    assert rejected[14] == ("事项", "duplicate of row 3")
    assert "judges accounts by vetoes alone" in rejected[15][1]
    assert rejected[16][0] == "录入日期"

    stored = list_manual_inputs(Q, url=registry)
    assert {(r["entity_id"], r["kind"], r["item"]) for r in stored} == {
        (PORTAL, "bonus", "政策解读形式丰富"), (PORTAL, "deduction", "留言公开"), (DEPT, "flag", "serious_error"),
        (DEPT, "override", "V2"), ("wechat:gh_0123456789ab", "veto", "NM3"),
        ("wechat:gh_0123456789ab", "flag", "no_interaction"),
    }
    deduction = next(r for r in stored if r["kind"] == "deduction")
    assert (deduction["points"], deduction["indicator"], deduction["entered_by"], deduction["source_row"]) == (
        2.0, "互动交流", "张某", 4)
    assert next(r for r in stored if r["kind"] == "flag" and r["entity_id"] == DEPT)["entered_on"] == date(2020, 10, 12)
    with session_scope(registry) as s:
        quarantined = s.execute(select(QuarantinedRow).where(QuarantinedRow.source_file == "人工核定.csv")).scalars().all()
    assert sorted({q.row for q in quarantined}) == sorted(rejected)


def test_loading_again_converges_and_keeps_inputs_entered_by_hand(registry: str, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path, SHEET_ROWS[:3], encoding="utf-8-sig")
    load_manual_sheets([sheet], Q, url=registry)
    add_manual_input(Q, "website", DEPT, "bonus", "网站集约化迁移", points=3, reason="已迁入市集约化平台",
                     entered_by="赵某", entered_on=date(2020, 10, 15), url=registry)
    load_manual_sheets([write_sheet(tmp_path, SHEET_ROWS[:2], encoding="utf-8-sig")], Q, url=registry)
    load_manual_sheets([write_sheet(tmp_path, SHEET_ROWS[:2], encoding="utf-8-sig")], Q, url=registry)
    stored = list_manual_inputs(Q, url=registry)
    assert [(r["entity_id"], r["item"], r["source"]) for r in stored] == [
        (PORTAL, "政策解读形式丰富", "人工核定.csv"), (PORTAL, "留言公开", "人工核定.csv"), (DEPT, "网站集约化迁移", "cli")]


def test_an_unusable_file_changes_nothing(registry: str, tmp_path: Path) -> None:
    good = write_sheet(tmp_path, SHEET_ROWS[:1])
    bad = tmp_path / "registry.csv"
    bad.write_text("网站名称,网站标识码\n门户,1506230001\n", encoding="utf-8")
    before = table_counts(registry)
    with pytest.raises(RegistryFileError, match="registry.csv: no sheet has the header of a manual input sheet"):
        load_manual_sheets([good, bad], Q, url=registry)
    assert table_counts(registry) == before


def test_an_xlsx_sheet_is_read_like_a_csv(registry: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["人工核定事项"])
    sheet.append(HEADER.split(","))
    sheet.append([PORTAL, None, None, "加分", "政策解读形式丰富", None, 5, "图解解读", "张某", date(2020, 10, 14)])
    sheet.append([DEPT, None, None, "单项否决", "v6", None, None, "办事指南缺要素", "李某", date(2020, 10, 14)])
    path = tmp_path / "人工核定.xlsx"
    workbook.save(path)
    report = load_manual_sheets([path], Q, url=registry)
    assert (report.imported, report.quarantined) == (2, [])
    assert {(r["kind"], r["item"], r["points"]) for r in list_manual_inputs(Q, url=registry)} == {
        ("bonus", "政策解读形式丰富", 5.0), ("veto", "V6", None)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("website", PORTAL, "flag", "hijacked"), r"item: national-2019 has no website flag 'hijacked'"),
        (("website", PORTAL, "veto", "NM2"), r"item: expected a website veto code \(V1, V2, V3, V4, V5, V6\)"),
        (("website", PORTAL, "override", "dead-links"), r"item: expected a veto code or a deduction rule id"),
        (("account", "wechat:gh_x", "flag", "hijacked"), r"entity: account wechat:gh_x is not in the 2020Q3"),
        (("website", PORTAL, "bonus", "x"), r"points: required for a 加分 input"),
    ],
)
def test_add_refuses_what_the_rubric_cannot_use(registry: str, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(ManualInputError, match=message):
        add_manual_input(Q, *args, reason="r", entered_by="张某", entered_on=date(2020, 10, 14), url=registry)
    assert list_manual_inputs(Q, url=registry) == []


def test_cli_add_list_remove(registry: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from govinspect.cli import main

    monkeypatch.setenv("GOVINSPECT_DB_URL", registry)
    monkeypatch.delenv("GOVINSPECT_PROFILE", raising=False)
    assert main(["manual", "add", "--quarter", "2020q3", "--account", "微信公众号:gh_0123456789ab", "--kind", "flag",
                 "--item", "账号被盗用", "--reason", "9月30日被盗发布广告", "--by", "王某", "--on", "2020-10-02"]) == 0
    assert json.loads(capsys.readouterr().out)["item"] == "hijacked"
    assert main(["manual", "add", "--quarter", Q, "--site", PORTAL, "--kind", "bonus", "--item", "回应关切",
                 "--reason", "r", "--by", "张某"]) == 1
    assert "points: required" in capsys.readouterr().err
    assert main(["manual", "list", "--quarter", Q, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["entity_id"], row["source"], row["entered_on"]) == ("wechat:gh_0123456789ab", "cli", "2020-10-02")
    assert main(["manual", "remove", "--quarter", Q, "--account", "wechat:gh_0123456789ab", "--kind", "flag",
                 "--item", "hijacked"]) == 0
    assert remove_manual_input(Q, "account", "wechat:gh_0123456789ab", "flag", "hijacked", url=registry) == 0


def test_inputs_reach_the_observations_the_verdicts_and_the_notice(registry: str, tmp_path: Path, demo_profile) -> None:
    from govinspect.notice.assemble import build_notice
    from govinspect.pipeline import assemble_observations, score_quarter
    from govinspect.store.models import Verdict

    with session_scope(registry) as s:
        replace_partition(s, WebsiteObservation, {"quarter": Q}, [
            {"site_code": PORTAL, "batch": "001", "homepage_outcome": "ok",
             "data": clean_observation(PORTAL, "portal", "鄂托克前旗人民政府")},
            {"site_code": DEPT, "batch": "001", "homepage_outcome": "ok",
             "data": clean_observation(DEPT, "department", "旗教育局")},
        ])
        replace_partition(s, AccountObservation, {"quarter": Q}, [
            {"platform": ACCOUNT[0], "account_id": ACCOUNT[1], "batch": "001", "freshness": "fresh", "state": "normal",
             "last_post": date(2020, 10, 12), "source": "rss", "evidence": {}},
        ])
    load_manual_sheets([write_sheet(tmp_path, SHEET_ROWS[:6])], Q, url=registry)

    observations = assemble_observations(Q, demo_profile, registry)
    portal, dept = observations["websites"]
    assert portal["manual"]["bonus"] == 5.0
    assert portal["manual"]["deductions"] == [{"rule": "留言公开", "indicator": "互动交流", "points": 2.0,
                                              "evidence": "留言公开：留言未按月公开（张某，2020-10-14录入）"}]
    assert dept["manual"]["serious_error"] is True
    assert dept["manual"]["overrides"] == [{"rule": "V2", "evidence": "监测网络故障期间的失败不计（李某，2020-10-13录入）"}]
    account = observations["accounts"][0]["manual"]
    assert account["no_interaction"] is True and account["vetoes"][0]["rule"] == "NM3"

    score_quarter(Q, demo_profile, registry)
    with session_scope(registry) as s:
        verdicts = {v.entity_id: v for v in s.execute(select(Verdict).where(Verdict.quarter == Q)).scalars()}
    assert verdicts[PORTAL].score == 103.0  # 100 − 2 (manual deduction) + 5 (bonus above 80, portal)
    assert verdicts[DEPT].detail["vetoes"] == ["V1"]
    assert verdicts[DEPT].detail["veto_details"][0]["evidence"] == "人工核定：严重表述错误：首页领导姓名错误（李某，2020-10-12录入）"
    assert any(f["kind"] == "override_unused" and f["rule"] == "V2" for f in verdicts[DEPT].detail["findings"])
    assert verdicts["wechat:gh_0123456789ab"].detail["vetoes"] == ["NM3"]

    notice = build_notice(Q, demo_profile, registry)
    (site_group,) = [g for g in notice.website_problems if g.title == "人工核定与复核事项"]
    (account_group,) = [g for g in notice.account_problems if g.title == "人工核定与复核事项"]
    lines = [f"{p.subject}｜{p.detail}" for p in site_group.items]
    assert "鄂托克前旗人民政府门户网站（鄂托克前旗人民政府）｜加分：政策解读形式丰富 5分。理由：图解视频解读12篇。张某于2020年10月14日录入" in lines
    assert "鄂托克前旗教育局网站（旗教育局）｜复核撤销：V2。理由：监测网络故障期间的失败不计。李某于2020年10月13日录入" in lines
    assert len(site_group.items) == 4 and len(account_group.items) == 2
    assert "互动交流·留言公开 2分" in " ".join(lines)
    assert all(not p.unit for p in site_group.items + account_group.items)
    assert not any("加分" in row[3] for rows in notice.rectification.values() for row in rows)

