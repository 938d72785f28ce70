"""The store on SQLite and on PostgreSQL: migrations, converging writes, the rollup SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from govinspect.assessment import rollup, unit_changes
from govinspect.store import migrate, replace_partition, session_scope, table_counts, upsert
from govinspect.store.models import Probe, UnitScore, Verdict


def test_migrate_twice_is_harmless(store_url):
    migrate(store_url)
    counts = table_counts(store_url)
    assert {"verdicts", "accounts", "probes", "unit_scores", "quarantine"} <= set(counts)
    assert all(v == 0 for v in counts.values())


def test_upsert_updates_in_place(store_url):
    row = {"site_code": "1506230001", "probed_at": datetime(2020, 10, 8, 1, 0), "url": "http://www.etkqq.gov.cn/",
           "outcome": "timeout", "status": None, "elapsed_ms": 15000, "series": "routine"}
    with session_scope(store_url) as s:
        upsert(s, Probe, [row])
    with session_scope(store_url) as s:
        upsert(s, Probe, [{**row, "outcome": "ok", "status": 200, "elapsed_ms": 80}])
    with session_scope(store_url) as s:
        probes = s.execute(select(Probe)).scalars().all()
    assert [(p.outcome, p.status) for p in probes] == [("ok", 200)]


def _verdict(entity_id: str, unit: str, kind: str, verdict: str, score: float | None, etype: str = "account") -> dict:
    return {"entity_type": etype, "entity_id": entity_id, "unit": unit, "unit_kind": kind, "platform": None,
            "verdict": verdict, "score": score, "indicator_set": "national-2019", "detail": {}}


def test_replace_partition_converges(store_url):
    rows = [_verdict("wechat:a", "旗民政局", "部门", "pass", None), _verdict("wechat:b", "旗民政局", "部门", "fail", None)]
    for _ in range(3):
        with session_scope(store_url) as s:
            replace_partition(s, Verdict, {"quarter": "2020Q3"}, rows)
    with session_scope(store_url) as s:
        replace_partition(s, Verdict, {"quarter": "2020Q2"}, rows[:1])
    with session_scope(store_url) as s:
        assert s.execute(select(func.count()).select_from(Verdict)).scalar_one() == 3


def test_failed_transaction_leaves_nothing(store_url):
    try:
        with session_scope(store_url) as s:
            replace_partition(s, Verdict, {"quarter": "2020Q3"}, [_verdict("wechat:a", "x", "部门", "pass", None)])
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert table_counts(store_url)["verdicts"] == 0


QUARTERS = {
    "2019Q3": [_verdict("site:1", "旗民政局", "部门", "pass", 70.0, "website")],
    "2020Q2": [_verdict("wechat:a", "旗民政局", "部门", "pass", None), _verdict("site:1", "旗民政局", "部门", "pass", 86.5, "website")],
    "2020Q3": [
        _verdict("wechat:a", "旗民政局", "部门", "fail", None),  # vetoed (NM2)
        _verdict("weibo:b", "旗民政局", "部门", "pass", None),
        _verdict("douyin:c", "旗民政局", "部门", "unknown", None),
        _verdict("site:1", "旗民政局", "部门", "pass", 91.25, "website"),
        _verdict("wechat:d", "城川镇人民政府", "镇", "unknown", None),
    ],
}


def _rollup_rows(store_url: str, rubric: str = "national-2019") -> dict[tuple[str, str], tuple]:
    for q, rows in QUARTERS.items():
        with session_scope(store_url) as s:
            replace_partition(s, Verdict, {"quarter": q}, rows)
    for q in QUARTERS:
        rollup(q, rubric, url=store_url)
    with session_scope(store_url) as s:
        return {(u.period, u.unit): (u.unit_kind, u.website_score, u.account_score, u.score, u.judged, u.failed, u.unknown)
                for u in s.execute(select(UnitScore)).scalars()}


def test_rollup_national(store_url):
    rows = _rollup_rows(store_url)
    # (0 + 100 + 91.25) / 3: the vetoed account counts 0, the passing one 100, the unknown one is left out
    assert rows[("2020Q3", "旗民政局")] == ("部门", 91.25, 50.0, 63.75, 3, 1, 1)
    assert rows[("2020Q3", "城川镇人民政府")] == ("镇", None, None, None, 0, 0, 1)
    assert rows[("2020Q2", "旗民政局")][3] == 93.25
    # the year is the mean of the quarters with a score: (93.25 + 63.75) / 2; parts are means of the quarterly parts
    assert rows[("2020", "旗民政局")] == ("部门", 88.88, 75.0, 78.5, 5, 1, 1)
    assert rows[("2020", "城川镇人民政府")][3] is None
    assert rows[("2019", "旗民政局")][3] == 70.0


def test_rollup_wanzhi_weights_each_quarter_and_rounds_half_up_once(store_url):
    rows = _rollup_rows(store_url, "wanzhi-2021")
    assert rows[("2020Q3", "旗民政局")][3] == 62.38  # 0.3 × 91.25 + 0.7 × 50 = 62.375 exactly
    assert rows[("2020Q2", "旗民政局")][3] == 95.95  # 0.3 × 86.5 + 0.7 × 100
    assert rows[("2020", "旗民政局")][3] == 79.17  # (95.95 + 62.38) / 2 = 79.165


def test_rollup_zhaoqing_vetoed_account_counts_59_and_caps_the_unit(store_url):
    rows = _rollup_rows(store_url, "zhaoqing-2019")
    q3 = rows[("2020Q3", "旗民政局")]
    assert q3[2] == 79.5  # (59 + 100) / 2
    assert q3[3] == 59.0  # (59 + 100 + 91.25) / 3 = 83.42, capped by the vetoed account
    assert rows[("2020Q2", "旗民政局")][3] == 93.25
    assert rows[("2020", "旗民政局")][3] == 76.13  # (93.25 + 59) / 2 = 76.125


def test_rollup_rerun_converges(store_url):
    first = _rollup_rows(store_url)
    rollup("2020Q3", url=store_url)
    rollup("2020Q3", url=store_url)
    assert _rollup_rows(store_url) == first


def test_unit_changes_quarter_over_quarter_and_year_over_year(store_url):
    _rollup_rows(store_url)
    rows = {r["unit"]: r for r in unit_changes("2020Q3", url=store_url)}
    town, bureau = rows["城川镇人民政府"], rows["旗民政局"]
    assert (bureau["period"], bureau["previous"], bureau["year_ago"]) == ("2020Q3", "2020Q2", "2019Q3")
    assert (bureau["score"], bureau["previous_score"], bureau["change_from_previous"]) == (63.75, 93.25, -29.5)
    assert (bureau["year_ago_score"], bureau["change_from_year_ago"]) == (70.0, -6.25)
    assert town["score"] is None and town["change_from_previous"] is None and town["change_from_year_ago"] is None
    year = {r["unit"]: r for r in unit_changes("2020", url=store_url)}["旗民政局"]
    assert (year["previous"], year["year_ago"], year["change_from_previous"], year["change_from_year_ago"]) == (
        "2019", "2019", 8.5, 8.5)


def test_unit_changes_are_exact_decimals(store_url):
    def row(period: str, score: float) -> dict:
        return {"period": period, "unit": "旗教育局", "unit_kind": "部门", "website_score": None,
                "account_score": None, "score": score, "judged": 1, "failed": 0, "unknown": 0}

    with session_scope(store_url) as s:
        upsert(s, UnitScore, [row("2020Q3", 63.33), row("2020Q2", 60.1), row("2019Q3", 0.3)])
    (change,) = unit_changes("2020q3", url=store_url)
    assert change["change_from_previous"] == 3.23  # 63.33 − 60.1 in floats is 3.2299999999999969
    assert change["change_from_year_ago"] == 63.03
