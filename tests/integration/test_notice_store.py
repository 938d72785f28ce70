"""What the notice reads from the store (SQLite and PostgreSQL): the trend over earlier quarters,
the change and re-check against the last one, sites that could not be fetched, accounts needing
manual evidence, quarantined rows as an annex, accounts outside the registry in their units'
rectification lists, and the notice's date when the profile sets none."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govinspect.notice.assemble import TREND_QUARTERS, build_notice
from govinspect.notice.pdf import render_pdf
from govinspect.notice.xlsx import render_rectification, render_xlsx
from govinspect.profile import Profile
from govinspect.quarter import Quarter
from govinspect.store import session_scope
from govinspect.store.models import (
    Account,
    AccountObservation,
    Finding,
    QuarantinedRow,
    StageRun,
    Unit,
    Verdict,
    Website,
    WebsiteObservation,
)

Q = "2020Q3"
EDU = "县教育局"
GOV = "某县人民政府"


def _profile(tmp_path: Path) -> Profile:
    return Profile(
        path=tmp_path / "inspection.toml", county="某县", region_code="", issuer="某县政务服务局",
        addressees="各乡镇人民政府，县直各部门", contact="县政务服务局 0000-1234567",
        notice={"rectify_days": 15, "requirements": [
            "一是限期整改。请于{rectify_by}前报送{issuer}。",
            "二是清理未备案账号，{month_end}前完成；{next_quarter}复查。",
        ]},
    )


def _verdict(quarter: str, kind: str, entity: str, verdict: str, **detail: object) -> Verdict:
    return Verdict(quarter=quarter, entity_type=kind, entity_id=entity, unit=EDU if kind == "account" else GOV,
                   unit_kind="部门" if kind == "account" else "政府", platform=entity.split(":")[0] if kind == "account" else None,
                   verdict=verdict, score=None, indicator_set="national-2019",
                   detail={"vetoes": [], "veto_details": [], "deductions": [], "findings": [], **detail})


def _fill(url: str) -> None:
    stale = {"rule": "NM2", "title": "内容不更新", "evidence": "最近发布 2020-08-01，距检查基准日 75 天，超过 14 天"}
    with session_scope(url) as s:
        s.add_all([
            Unit(quarter=Q, name=GOV, kind="政府"), Unit(quarter=Q, name=EDU, kind="部门"),
            Website(quarter=Q, site_code="S1", name="某县人民政府门户网站", url="http://a.example/", sponsor=GOV,
                    kind="portal", status="正常"),
            Website(quarter=Q, site_code="S2", name="某县教育网", url="http://b.example/", sponsor=EDU,
                    kind="department", status="正常"),
            Website(quarter=Q, site_code="S3", name="已关停网站", url="http://c.example/", sponsor=EDU,
                    kind="department", status="下线"),
            WebsiteObservation(quarter=Q, site_code="S1", batch="001", homepage_outcome="ok", data={"checked": True}),
            WebsiteObservation(quarter=Q, site_code="S2", batch="001", homepage_outcome="timeout", data={"checked": False}),
        ])
        for i, name in enumerate(["教育发布", "教育之声", "教育服务", "教育头条"], start=1):
            s.add(Account(quarter=Q, platform="wechat", account_id=f"gh_{i}", origin="registry", name=name,
                          platform_label="微信公众号", sponsor=EDU, unit=EDU))
        s.add(AccountObservation(quarter=Q, platform="wechat", account_id="gh_3", batch="001", freshness="unknown",
                                 state="unknown", last_post=None, source="none", reason="该平台无公开数据源，需人工核查",
                                 evidence={}))
        s.add(AccountObservation(quarter=Q, platform="wechat", account_id="gh_1", batch="001", freshness="fresh",
                                 state="normal", last_post=date(2020, 10, 9), source="manual", evidence={}))
        s.add_all([
            _verdict(Q, "website", "S1", "pass"),
            _verdict(Q, "website", "S2", "pass", findings=[{"kind": "site_not_checked", "evidence": "未能抓取"}]),
            _verdict(Q, "account", "wechat:gh_1", "pass"),
            _verdict(Q, "account", "wechat:gh_2", "fail", vetoes=["NM2"], veto_details=[stale]),
            _verdict(Q, "account", "wechat:gh_3", "unknown"),
            # gh_4 has no verdict at all: it counts as unknown, never as passed.
        ])
        # Ten earlier quarters and one later quarter; the later one must not show.
        quarter = Quarter(2018, 1)
        while str(quarter) != Q:
            s.add(_verdict(str(quarter), "website", "S1", "fail" if quarter.number == 2 else "pass"))
            s.add(_verdict(str(quarter), "account", "wechat:gh_1", "fail" if str(quarter) == "2020Q2" else "pass"))
            s.add(_verdict(str(quarter), "account", "wechat:gh_2", "fail"))
            quarter = quarter.next()
        s.add(_verdict("2020Q4", "account", "wechat:gh_1", "fail"))
        s.add_all([
            Finding(quarter=Q, kind="unregistered", subject="douyin:99", unit=EDU,
                    detail={"name": "教育<抖音>&号", "platform": "douyin", "platform_label": "抖音", "sponsor": "个人：某某",
                            "found_on": "2020-10-13", "last_post": "2020-10-01", "problems": ["personal_subject"]}),
            Finding(quarter=Q, kind="out_of_scope", subject="weibo:7", unit="某村",
                    detail={"name": "某村发布", "platform": "weibo", "platform_label": "新浪微博"}),
            QuarantinedRow(quarter=Q, source_file="新媒体.xlsx", row=5, column="账号ID", value="", reason="必填项为空"),
            QuarantinedRow(quarter=Q, source_file="新媒体.xlsx", row=9, column="开设时间", value="2020-13-01",
                           reason="不是日期"),
            StageRun(quarter=Q, stage="scoring", finished_at=datetime(2020, 10, 20, 17, 30), summary={}),
        ])


@pytest.fixture
def notice(store_url: str, tmp_path: Path):
    _fill(store_url)
    return build_notice(Q, _profile(tmp_path), store_url)


def test_counts_keep_unfetched_sites_and_unread_accounts_apart(notice) -> None:
    sites = notice.website_counts
    assert (sites.running, sites.failed, sites.unknown, sites.passed, sites.pass_rate) == (2, 0, 1, 1, 1.0)
    total = notice.account_counts[-1]
    assert (total.label, total.running, total.failed, total.unknown, total.passed) == ("合计", 4, 1, 2, 1)
    assert "另有1个网站检查时无法访问，未能完成内容检查" in notice.overview[1]
    assert "2个账号无法自动读取更新情况" in notice.overview[2]
    assert "之外的政务新媒体1个（详见附件2）" in notice.overview[3]
    assert "开设的账号1个，不属于报送范围" in notice.overview[3]


def test_trend_ends_with_this_quarter_and_keeps_the_last_eight(notice) -> None:
    labels = [t[0] for t in notice.trend]
    assert len(labels) == TREND_QUARTERS
    assert labels[0] == "2018年第四季度" and labels[-1] == "2020年第三季度"
    assert "2020年第四季度" not in labels
    by_label = {t[0]: t[1:] for t in notice.trend}
    assert by_label["2020年第二季度"] == (0.0, 0.0)
    assert by_label["2020年第一季度"] == (1.0, 0.5)
    assert by_label["2020年第三季度"] == (1.0, 0.5)


def test_change_and_recheck_against_the_last_quarter(notice) -> None:
    text = "".join(notice.overview)
    assert "与2020年第二季度相比，政府网站合格率由0%升至100%，上升100个百分点；政务新媒体合格率由0%升至50%，上升50个百分点。" in text
    assert "2020年第二季度不合格的政府网站1个，本季度复查已全部合格" in text
    assert "2020年第二季度不合格的备案政务新媒体2个，本季度复查已合格1个，仍不合格1个（教育之声（微信公众号））" in text


def test_problems_name_accounts_and_quarantined_rows(notice) -> None:
    groups = {g.title: g for g in notice.account_problems}
    manual = groups["无法自动读取、需人工核查的账号"].items
    assert [p.subject for p in manual] == ["教育服务（微信公众号）", "教育头条（微信公众号）"]
    assert manual[0].detail.startswith("该平台无公开数据源")
    assert manual[1].detail.startswith("本季度未能检查该账号")
    unregistered = next(g for g in notice.account_problems if "未备案" in g.title)
    assert [p.subject for p in unregistered.items] == ["教育<抖音>&号（抖音）"] and unregistered.note == "清单见附件2。"
    quarantined = groups["报送数据导入时被退回的记录"]
    assert [p.subject for p in quarantined.items] == ["新媒体.xlsx"]
    assert "第5行账号ID（必填项为空）" in quarantined.items[0].detail and "附件4" in quarantined.note
    annex = notice.attachments[-1]
    assert annex.number == 4 and [r[2] for r in annex.rows] == ["5", "9"]
    assert "某村发布" not in repr(notice.account_problems)
    not_checked = next(g for g in notice.website_problems if g.title == "未能完成的检查项")
    assert [p.subject for p in not_checked.items] == ["某县教育网"]
    registered = notice.attachments[0].rows
    assert registered[0][4] == "2020-10-09\n（人工核查）" and registered[2][5] == "需人工核查"


def test_dates_deadlines_and_rectification(notice) -> None:
    assert notice.issue_date == date(2020, 10, 21)  # scored at 01:30 on the 21st, Beijing time
    assert notice.requirements == ["一是限期整改。请于2020年11月5日前报送某县政务服务局。",
                                   "二是清理未备案账号，2020年10月31日前完成；2020年第四季度复查。"]
    rows = notice.rectification[EDU]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    stale = [r for r in rows if r[2] == "教育之声（微信公众号）" and r[1].startswith("内容长期不更新")]
    assert stale and stale[0][4] == "2020年11月5日"
    outside = [r for r in rows if r[1] == "未备案政务新媒体"]
    assert len(outside) == 1 and outside[0][2] == "教育<抖音>&号（抖音）" and outside[0][4] == "2020年10月31日"
    assert "认证主体“个人：某某”" in outside[0][3] and "以个人名义开设" in outside[0][3]


def test_a_bad_requirement_block_stops_before_rendering(store_url: str, tmp_path: Path) -> None:
    _fill(store_url)
    profile = _profile(tmp_path)
    profile.notice["requirements"] = ["请于{deadline}前整改。"]
    with pytest.raises(ValueError, match=r"requirements block 1: unknown placeholder \{deadline\}"):
        build_notice(Q, profile, store_url)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_rendered_notice_carries_all_of_it(notice, tmp_path: Path) -> None:
    pdf = render_pdf(notice, tmp_path / "notice.pdf")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "图3合格率季度变化" in flat
    assert "报送数据导入时被退回的记录（1个）共2条记录未导入" in flat
    assert "附件：1." in flat and "4.报送数据导入时被退回的记录" in flat and "附件4" in flat
    assert "教育<抖音>&号（抖音）" in flat
    assert "（联系方式：县政务服务局0000-1234567）" in flat
    workbook = render_xlsx(notice, tmp_path / "notice.xlsx")
    wb = load_workbook(workbook, read_only=True)
    assert wb.sheetnames == ["总体情况", "附件1", "附件2", "附件3", "附件4"]
    rows = wb["总体情况"].iter_rows(values_only=True)
    trend = [r for r in rows if re.fullmatch(r"\d{4}年第[一二三四]季度", str(r[0]))]
    assert len(trend) == TREND_QUARTERS
    wb.close()
    lists = render_rectification(notice, tmp_path / "lists")
    assert [p.name for p in lists] == [f"整改清单-{EDU}.xlsx"]


def test_unit_scores_attachment_with_quarter_and_year_changes(store_url: str, tmp_path: Path) -> None:
    """After the rollup, an attachment lists each unit's score, 环比, 同比 and the year so far, highest first."""
    from govinspect.store.models import UnitScore

    _fill(store_url)
    scores = [("2020Q3", EDU, 70.0), ("2020Q2", EDU, 80.0), ("2019Q3", EDU, 65.5), ("2020", EDU, 75.0),
              ("2020Q3", GOV, 96.4), ("2020", GOV, 95.0), ("2020Q2", "县民政局", 90.0)]
    with session_scope(store_url) as s:
        s.add_all([UnitScore(period=p, unit=u, unit_kind="部门", website_score=None, account_score=v, score=v,
                             judged=1, failed=0, unknown=0) for p, u, v in scores])
    notice = build_notice(Q, _profile(tmp_path), store_url)
    annex = notice.attachments[-1]
    assert (annex.number, annex.title) == (5, "各单位检查得分")
    assert annex.rows == [["1", GOV, "部门", "96.4", "—", "—", "95.0"],
                          ["2", EDU, "部门", "70.0", "-10.0", "+4.5", "75.0"]]
    assert notice.overview[-1] == "各单位本季度得分及与上季度、上年同期的比较见附件5。"
    pdf = render_pdf(notice, tmp_path / "notice.pdf")
    flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert "5.各单位检查得分" in flat and "县教育局部门70.0-10.0+4.575.0" in flat
