"""The read-only views behind the Inspection page, on an empty store and on hand-made rows (SQLite and
PostgreSQL); the demo quarter through a real api-server is in test_ui.py."""

from __future__ import annotations

from datetime import datetime

import pytest


def test_an_empty_store_has_no_quarters(store_url):
    from govinspect import views

    assert views.list_quarters(store_url) == []
    assert views.quarter_report("2020Q3", store_url) is None


def test_rates_count_only_judged_entities(store_url, tmp_path):
    from govinspect import views
    from govinspect.store import session_scope
    from govinspect.store.models import PostFinding, QuarantinedRow, StageRun, UnitScore, Verdict

    def verdict(kind: str, entity: str, result: str, detail: dict | None = None) -> Verdict:
        return Verdict(quarter="2020Q3", entity_type=kind, entity_id=entity, unit="旗民政局", unit_kind="部门",
                       platform="wechat" if kind == "account" else None, verdict=result, score=None,
                       indicator_set="national-2019", detail=detail or {})

    with session_scope(store_url) as s:
        s.add_all([
            verdict("account", "wechat:a", "pass"), verdict("account", "wechat:b", "pass"),
            verdict("account", "wechat:c", "fail", {"veto_details": [
                {"rule": "NM2", "title": "内容不更新", "evidence": "最近发布 2020-09-01，距检查基准日 44 天"}]}),
            verdict("account", "wechat:d", "unknown", {"findings": [
                {"kind": "last_post_unknown", "rule": "NM2", "evidence": "未能取得最近发布时间"}]}),
            verdict("website", "1506230001", "pass"),
            UnitScore(period="2020", unit="旗民政局", unit_kind="部门", website_score=None, account_score=66.7,
                      score=66.7, judged=3, failed=1, unknown=1),
            UnitScore(period="2020Q3", unit="旗民政局", unit_kind="部门", website_score=None, account_score=66.7,
                      score=66.7, judged=3, failed=1, unknown=1),
            UnitScore(period="2020Q2", unit="旗民政局", unit_kind="部门", website_score=None, account_score=80.0,
                      score=80.0, judged=3, failed=0, unknown=0),
            PostFinding(quarter="2020Q3", platform="wechat", account_id="c", post_key="k1", kind="wrong_title",
                        term="张三县长", batch="001", expected="副县长", category="领导职务",
                        context="……张三县长出席会议……", post_title="县政府召开常务会议",
                        post_time=datetime(2020, 10, 9, 18, 30), post_link="https://mp.weixin.qq.com/s/abc"),
            StageRun(quarter="2020Q3", stage="notice", finished_at=datetime(2020, 10, 21, 8), summary={}),
            QuarantinedRow(quarter="2020Q3", source_file="新媒体.xlsx", row=7, column="开设时间", value="2020-13-45",
                           reason="不是日期", kind="accounts"),
        ])
    [summary] = views.list_quarters(store_url)
    assert (summary.accounts.passed, summary.accounts.failed, summary.accounts.unknown) == (2, 1, 1)
    assert summary.accounts.pass_rate == pytest.approx(2 / 3)
    assert summary.websites.pass_rate == 1.0 and summary.notice_at == datetime(2020, 10, 21, 8)

    report = views.quarter_report("2020q3", store_url, reports_dir=tmp_path)
    assert [a.id for a in report.failing_accounts] == ["wechat:c"]
    assert report.failing_accounts[0].reasons[0].evidence.startswith("最近发布 2020-09-01")
    assert [a.id for a in report.manual_accounts] == ["wechat:d"]
    assert report.failing_websites == []
    assert [(u.unit, u.annual_score, u.quarter_score, u.change_from_previous, u.change_from_year_ago)
            for u in report.units] == [("旗民政局", 66.7, 66.7, pytest.approx(-13.3), None)]
    [post] = report.post_checks
    assert (post.account_id, post.label, post.term, post.expected, post.post_time) == (
        "wechat:c", "领导职务疑误", "张三县长", "副县长", "2020-10-09 18:30")
    assert report.year == "2020"
    assert [(q.file, q.row, q.column, q.value) for q in report.quarantined] == [("新媒体.xlsx", 7, "开设时间", "2020-13-45")]


def test_only_the_quarters_notice_files_are_served(tmp_path):
    from govinspect import views

    folder = tmp_path / "2020Q3"
    (folder / "整改清单").mkdir(parents=True)
    (folder / "2020Q3-通报.pdf").write_bytes(b"%PDF-1.4")
    (folder / "2020Q3-通报-附件.xlsx").write_bytes(b"PK")
    (folder / "整改清单" / "整改清单-旗民政局.xlsx").write_bytes(b"PK")
    (folder / "notes.txt").write_text("not a notice file")
    (tmp_path / "secret.pdf").write_bytes(b"%PDF")

    names = [f.name for f in views.notice_files("2020Q3", tmp_path)]
    assert names == ["2020Q3-通报.pdf", "2020Q3-通报-附件.xlsx", "整改清单/整改清单-旗民政局.xlsx"]
    assert views.notice_file("2020Q3", "整改清单/整改清单-旗民政局.xlsx", tmp_path).read_bytes() == b"PK"
    for name in ("../secret.pdf", "notes.txt", "/etc/passwd", "整改清单/../../secret.pdf"):
        assert views.notice_file("2020Q3", name, tmp_path) is None
    assert views.notice_files("2020Q4", tmp_path) == []
