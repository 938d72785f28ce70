"""The demo quarter's notice, from a store filled by the pipeline stages (no Airflow) checking the
demo farm over real HTTP, read back as an inspector reads it: pdftotext, pdffonts and the XLSX.

Every expected figure is counted from the store here, not taken from the notice's own data.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from govinspect import pipeline
from govinspect.demo.farm import start_farm
from govinspect.quarter import Quarter
from govinspect.registry.platforms import platform_label
from govinspect.store import migrate, session_scope
from govinspect.store.models import (
    Account,
    DeadLink,
    Finding,
    QuarantinedRow,
    Verdict,
    Website,
)

QUARTER = "2020Q3"
POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts"))
pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) not installed")


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _rate(passed: int, judged: int) -> str:
    """合格率 as a notice prints it, computed here independently of the renderer."""
    if judged == 0:
        return "—"
    return f"{passed * 100 / judged:.1f}".removesuffix(".0") + "%"


def _text(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory, demo_profile):
    """Run every stage of the quarter against the farm, then render the notice."""
    home = tmp_path_factory.mktemp("notice-demo")
    url = f"sqlite:///{home / 'store.db'}"
    farm = start_farm(today=demo_profile.check_point_for(Quarter.parse(QUARTER)))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GOVINSPECT_CONNECT_TO", farm.connect_to())
        env.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
        env.setenv("GOVINSPECT_REPORTS_DIR", str(home / "reports"))
        env.delenv("GOVINSPECT_RSSHUB_BASE", raising=False)
        try:
            migrate(url)
            pipeline.snapshot_registry(QUARTER, demo_profile, url)
            pipeline.replay_probe_week(QUARTER, demo_profile, url)
            for batch in pipeline.plan_website_batches(QUARTER, demo_profile, url):
                pipeline.check_website_batch(QUARTER, batch, demo_profile, url)
            for batch in pipeline.plan_account_batches(QUARTER, demo_profile, url):
                pipeline.check_account_batch(QUARTER, batch, demo_profile, url)
            pipeline.reconcile_registry(QUARTER, demo_profile, url)
            pipeline.score_quarter(QUARTER, demo_profile, url)
            pipeline.rollup_units(QUARTER, demo_profile, url)
            paths = pipeline.render_notice(QUARTER, demo_profile, url)
        finally:
            farm.stop()
    pdf = Path(paths["pdf"])
    return {
        "url": url,
        "home": home,
        "pdf": pdf,
        "xlsx": Path(paths["xlsx"]),
        "rectification": Path(paths["rectification"]),
        "layout": _text(pdf, "-layout"),
        "raw": _text(pdf, "-raw"),  # content-stream order: the lines of one table cell stay together
    }


@pytest.fixture(scope="module")
def facts(demo_store) -> dict:
    """What the store says about the quarter, counted with plain queries."""
    with session_scope(demo_store["url"]) as s:
        sites = s.execute(select(Website).where(Website.quarter == QUARTER)).scalars().all()
        registered = s.execute(select(Account).where(Account.quarter == QUARTER, Account.origin == "registry")).scalars().all()
        verdicts = s.execute(select(Verdict).where(Verdict.quarter == QUARTER)).scalars().all()
        findings = s.execute(select(Finding).where(Finding.quarter == QUARTER)).scalars().all()
        dead = s.execute(select(DeadLink).where(DeadLink.quarter == QUARTER)).scalars().all()
        quarantined = s.execute(select(QuarantinedRow).where(QuarantinedRow.quarter == QUARTER)).scalars().all()
    account_verdicts = {v.entity_id: v.verdict for v in verdicts if v.entity_type == "account"}
    per_platform: dict[str, Counter] = {}
    for a in registered:
        tally = per_platform.setdefault(platform_label(a.platform), Counter())
        tally["running"] += 1
        tally[account_verdicts.get(f"{a.platform}:{a.account_id}", "unknown")] += 1
    total = Counter()
    for tally in per_platform.values():
        total.update(tally)
    per_platform["合计"] = total
    site_verdicts = Counter(v.verdict for v in verdicts if v.entity_type == "website")
    by_kind: dict[str, list[Finding]] = {}
    for f in findings:
        by_kind.setdefault(f.kind, []).append(f)
    unknown = [a for a in registered if account_verdicts.get(f"{a.platform}:{a.account_id}", "unknown") == "unknown"]
    return {"sites": sites, "site_verdicts": site_verdicts, "registered": registered, "per_platform": per_platform,
            "by_kind": by_kind, "dead": dead, "quarantined": quarantined, "unknown_accounts": unknown}


def _table_rows(layout: str) -> dict[str, tuple[str, ...]]:
    """Rows of 表1 as pdftotext lays them out: label, running, checked, failed, unknown, 合格率."""
    pattern = re.compile(r"^\s*(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+(?:\.\d)?%|—)\s*$", re.M)
    return {m.group(1): m.groups()[1:] for m in pattern.finditer(layout)}


def test_overview_figures_are_the_store_s(demo_store, facts, demo_profile) -> None:
    flat = _flat(demo_store["raw"])
    total = facts["per_platform"]["合计"]
    assert f"运行政府网站{len(facts['sites'])}个" in flat
    assert f"备案政府系统政务新媒体{len(facts['registered'])}个" in flat
    judged = total["pass"] + total["fail"]
    assert f"能够确定更新情况的{judged}个，其中不合格{total['fail']}个，合格率{_rate(total['pass'], judged)}" in flat
    assert f"{total['unknown']}个账号无法自动读取更新情况" in flat
    unregistered = facts["by_kind"].get("unregistered", [])
    assert f"之外的政务新媒体{len(unregistered)}个" in flat
    out_of_scope = facts["by_kind"].get("out_of_scope", [])
    assert f"开设的账号{len(out_of_scope)}个，不属于报送范围" in flat
    assert f"截至{_cn(demo_profile.check_point_for(Quarter.parse(QUARTER)))}" in flat
    # 表1: one row per platform with the store's counts, then 合计.
    rows = _table_rows(demo_store["layout"])
    for label, tally in facts["per_platform"].items():
        n = tally["running"]
        assert rows[label] == (str(n), str(n), str(tally["fail"]), str(tally["unknown"]),
                               _rate(tally["pass"], tally["pass"] + tally["fail"])), label
    site_fail = facts["site_verdicts"]["fail"]
    n_sites = len(facts["sites"])
    assert rows["政府网站"][:3] == (str(n_sites), str(n_sites), str(site_fail))
    assert "图1政府网站及各平台政务新媒体合格率" in flat and "图2各类单位政务新媒体合格率" in flat
    # One quarter in the store: no trend chart and no comparison with a quarter that was not checked.
    assert "合格率季度变化" not in flat and "相比" not in flat


def test_every_problem_category_with_the_accounts_named(demo_store, facts) -> None:
    flat = _flat(demo_store["raw"])
    body = flat[flat.index("二、存在问题"):flat.index("三、下一步工作要求")]
    websites = body[:body.index("（二）政务新媒体方面")]
    accounts = body[body.index("（二）政务新媒体方面"):]
    for heading in ("单项否决", "首页及栏目更新不及时", "空白栏目", "互动回应"):
        assert heading in websites, heading
    assert f"链接不可用（{len(facts['dead'])}个）" in websites
    for d in facts["dead"]:
        assert _flat(d.url) in websites, d.url

    def named(kind: str, title: str) -> None:
        found = facts["by_kind"].get(kind, [])
        if not found:
            assert f"{title}无。" in accounts, title
            return
        assert f"{title}（{len(found)}个）" in accounts, title
        for f in found:
            name = f.detail.get("name") or "、".join(f.detail.get("accounts", []))
            assert f"{name}（{f.detail['platform_label']}）" in accounts, (kind, name)

    named("unregistered", "之外的政务新媒体（未备案）")
    named("personal_subject", "以个人名义开设")
    named("reform_not_updated", "机构改革后账号主体未变更")
    named("late_filing", "开设后超过规定时限备案")
    unknown = facts["unknown_accounts"]
    assert f"无法自动读取、需人工核查的账号（{len(unknown)}个）" in accounts
    for a in unknown:
        assert f"{a.name}（{a.platform_label}）" in accounts
    assert "清单见附件2。" in accounts
    if facts["quarantined"]:
        assert f"报送数据导入时被退回的记录（{len({r.source_file for r in facts['quarantined']})}个）" in accounts
    else:
        assert "报送数据导入时被退回的记录无。" in accounts
    # Accounts outside the scope of the registry are counted, never listed as problems.
    for f in facts["by_kind"].get("out_of_scope", []):
        assert f"{f.detail['name']}（" not in accounts


def test_requirements_deadlines_and_signature(demo_store, demo_profile) -> None:
    flat = _flat(demo_store["raw"])
    issued = demo_profile.notice_date_for(Quarter.parse(QUARTER))
    rectify_by = issued + timedelta(days=int(demo_profile.notice.get("rectify_days", 10)))
    month_end = (issued.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    requirements = flat[flat.index("三、下一步工作要求"):flat.index("附件：")]
    assert f"于{_cn(rectify_by)}前将整改情况书面报送{demo_profile.issuer}" in requirements
    assert f"于{_cn(month_end)}前完成关停注销" in requirements
    assert f"{demo_profile.filing_days}日内履行备案手续" in requirements
    assert "2020年第四季度检查时" in requirements
    assert "{" not in requirements and "}" not in requirements
    assert "附件：1.已在“全国政务新媒体信息报送系统”备案的政府系统政务新媒体清单" in flat
    assert f"{demo_profile.issuer}{_cn(issued)}" in flat
    for n in (1, 2, 3):
        assert f"附件{n}" in flat
    assert re.search(r"^\s*— 1 —\s*$", demo_store["layout"], re.M)


def test_fonts_are_all_embedded(demo_store) -> None:
    lines = subprocess.run(["pdffonts", str(demo_store["pdf"])], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line), line


def test_the_workbook_opens_and_matches_the_pdf(demo_store, facts) -> None:
    wb = load_workbook(demo_store["xlsx"], read_only=True)
    assert wb.sheetnames[:4] == ["总体情况", "附件1", "附件2", "附件3"]
    overview = {row[0]: row for row in wb["总体情况"].iter_rows(min_row=3, values_only=True) if row[0]}
    pdf_rows = _table_rows(demo_store["layout"])
    for label, (running, checked, failed, unknown, rate) in pdf_rows.items():
        xlsx = overview[label]
        assert (str(xlsx[1]), str(xlsx[2]), str(xlsx[3]), str(xlsx[4])) == (running, checked, failed, unknown), label
        shown = "—" if xlsx[6] == "—" else f"{xlsx[6] * 100:.1f}".removesuffix(".0") + "%"
        assert shown == rate, label

    raw = demo_store["raw"]
    annex1 = _flat(raw[raw.index("附件1\n"):raw.index("附件2\n")])
    sheet1 = [r for r in wb["附件1"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(sheet1) == len(facts["registered"])
    results = Counter(r[5] for r in sheet1)
    assert results["不合格"] == len(re.findall("不合格", annex1)) == facts["per_platform"]["合计"]["fail"]
    assert results["需人工核查"] == len(re.findall("需人工核查", annex1))
    dates = Counter(d for r in sheet1 for d in re.findall(r"\d{4}-\d{2}-\d{2}", r[4] or ""))
    assert dates == Counter(re.findall(r"\d{4}-\d{2}-\d{2}", annex1))
    for r in sheet1:
        assert _flat(r[1]) in annex1, r

    annex2 = _flat(raw[raw.index("附件2\n"):raw.index("附件3\n")])
    sheet2 = [r for r in wb["附件2"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(sheet2) == len(facts["by_kind"].get("unregistered", []))
    for r in sheet2:
        assert _flat(r[1]) in annex2 and _flat(r[4]) in annex2, r

    annex3 = _flat(raw[raw.index("附件3\n"):])
    for r in wb["附件3"].iter_rows(min_row=3, values_only=True):
        if r[0]:
            assert _flat(r[2]) in annex3 and f"{r[4]}" in annex3 and _flat(str(r[5])) in annex3, r
    wb.close()


def test_rectification_lists_include_accounts_outside_the_registry(demo_store, demo_profile, facts) -> None:
    issued = demo_profile.notice_date_for(Quarter.parse(QUARTER))
    month_end = (issued.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    folder = demo_store["rectification"]
    for f in facts["by_kind"].get("unregistered", []):
        path = folder / f"整改清单-{f.unit}.xlsx"
        assert path.exists(), f.unit
        wb = load_workbook(path, read_only=True)
        rows = [r for r in wb.active.iter_rows(min_row=3, values_only=True) if r[0]]
        wb.close()
        mine = [r for r in rows if r[1] == "未备案政务新媒体" and r[2] == f"{f.detail['name']}（{f.detail['platform_label']}）"]
        assert len(mine) == 1, (f.unit, rows)
        assert mine[0][4] == _cn(month_end)


def test_a_previous_quarter_gives_the_trend_and_the_change(demo_store, demo_profile, facts, tmp_path, monkeypatch) -> None:
    """The store as it stands a quarter later: the same entities with their verdicts of 2020Q2."""
    copy = tmp_path / "store.db"
    source, target = sqlite3.connect(demo_store["home"] / "store.db"), sqlite3.connect(copy)
    try:
        source.backup(target)  # the committed rows, wherever SQLite keeps them (main file or WAL)
    finally:
        source.close()
        target.close()
    url = f"sqlite:///{copy}"
    with session_scope(url) as s:
        now = s.execute(select(Verdict).where(Verdict.quarter == QUARTER)).scalars().all()
        passing = sorted(v.entity_id for v in now if v.entity_type == "account" and v.verdict == "pass")
        made_to_fail = set(passing[:6])  # failed last quarter, rectified since
        for v in now:
            verdict = "fail" if v.entity_id in made_to_fail else v.verdict
            s.add(Verdict(quarter="2020Q2", entity_type=v.entity_type, entity_id=v.entity_id, unit=v.unit,
                          unit_kind=v.unit_kind, platform=v.platform, verdict=verdict, score=v.score,
                          indicator_set=v.indicator_set, detail=v.detail))
    monkeypatch.setenv("GOVINSPECT_REPORTS_DIR", str(tmp_path / "reports"))
    paths = pipeline.render_notice(QUARTER, demo_profile, url)
    flat = _flat(_text(Path(paths["pdf"]), "-raw"))
    total = facts["per_platform"]["合计"]
    before_pass, before_fail = total["pass"] - 6, total["fail"] + 6
    before = _rate(before_pass, before_pass + before_fail)
    after = _rate(total["pass"], total["pass"] + total["fail"])
    assert "与2020年第二季度相比，" in flat
    assert f"政务新媒体合格率由{before}升至{after}" in flat
    assert f"2020年第二季度不合格的备案政务新媒体{before_fail}个，本季度复查已合格6个，仍不合格{total['fail']}个" in flat
    assert "图3合格率季度变化" in flat
    wb = load_workbook(paths["xlsx"], read_only=True)
    values = [r for r in wb["总体情况"].iter_rows(values_only=True)]
    wb.close()
    trend = [r for r in values if r[0] in ("2020年第二季度", "2020年第三季度")]
    assert [r[0] for r in trend] == ["2020年第二季度", "2020年第三季度"]
    assert f"{trend[0][2] * 100:.1f}".removesuffix(".0") + "%" == before
