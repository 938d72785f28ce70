"""The store on SQLite and on PostgreSQL: migrations, converging writes, the rollup SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from govinspect.assessment import rollup
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


def _rollup_rows(store_url: str, **weights) -> list[tuple]:
    quarters = {
        "2020Q2": [_verdict("wechat:a", "旗民政局", "部门", "pass", None), _verdict("site:1", "旗民政局", "部门", "pass", 86.5, "website")],
        "2020Q3": [
            _verdict("wechat:a", "旗民政局", "部门", "fail", None),
            _verdict("weibo:b", "旗民政局", "部门", "pass", None),
            _verdict("douyin:c", "旗民政局", "部门", "unknown", None),
            _verdict("site:1", "旗民政局", "部门", "pass", 91.25, "website"),
            _verdict("wechat:d", "城川镇人民政府", "镇", "unknown", None),
        ],
    }
    for q, rows in quarters.items():
        with session_scope(store_url) as s:
            replace_partition(s, Verdict, {"quarter": q}, rows)
    for q in quarters:
        rollup(q, url=store_url, **weights)
    with session_scope(store_url) as s:
        return [(u.period, u.unit, u.unit_kind, _r(u.website_score), _r(u.account_score), _r(u.score), u.judged, u.failed,
                 u.unknown) for u in s.execute(select(UnitScore).order_by(UnitScore.period, UnitScore.unit)).scalars()]


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def test_rollup_values(store_url):
    rows = {(r[0], r[1]): r for r in _rollup_rows(store_url)}
    q3 = rows[("2020Q3", "旗民政局")]
    assert q3[3:] == (91.25, 50.0, round((0 + 100 + 91.25) / 3, 6), 3, 1, 1)
    town = rows[("2020Q3", "城川镇人民政府")]
    assert town[5] is None and town[6:] == (0, 0, 1)
    year = rows[("2020", "旗民政局")]
    assert year[5] == round(((100 + 86.5) / 2 + (0 + 100 + 91.25) / 3) / 2, 6)


def test_rollup_weighted_and_vetoed_score(store_url):
    rows = {(r[0], r[1]): r for r in _rollup_rows(store_url, website_weight=30, account_weight=70, vetoed_score=59)}
    q3 = rows[("2020Q3", "旗民政局")]
    assert q3[4] == round((59 + 100) / 2, 6)
    year = rows[("2020", "旗民政局")]
    website = (86.5 + 91.25) / 2
    account = (100 + (59 + 100) / 2) / 2
    assert year[5] == round((website * 30 + account * 70) / 100, 6)


def test_rollup_identical_on_sqlite_and_postgresql(sqlite_url, pg_url):
    migrate(sqlite_url)
    migrate(pg_url)
    try:
        assert _rollup_rows(sqlite_url, website_weight=30, account_weight=70) == _rollup_rows(
            pg_url, website_weight=30, account_weight=70)
    finally:
        from sqlalchemy import text

        from govinspect.store import engine_for
        from govinspect.store.models import Base

        with engine_for(pg_url).begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(text(f'delete from "{table.name}"'))
