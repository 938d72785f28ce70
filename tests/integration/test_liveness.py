"""V2 liveness: the week's ratio, probes taken while the monitor was down left out, and the
confirming re-probe series over real HTTP on loopback."""

from __future__ import annotations

import socket
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from govinspect import pipeline
from govinspect.profile import Profile
from govinspect.store import migrate, session_scope, upsert
from govinspect.store.models import Probe, Website

CHECK_POINT = date(2020, 10, 15)


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 's.db'}"
    migrate(url)
    port = _closed_port()
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("GOVINSPECT_CONNECT_TO", f"www.down.gov.cn:80:127.0.0.1:{port}")
    with session_scope(url) as s:
        s.add(Website(quarter="2020Q3", site_code="1506230009", name="测试网站", url="http://www.down.gov.cn/",
                      sponsor="旗测试局", kind="department", status="正常运行"))
    profile = Profile(path=Path(tmp_path / "p.toml"), county="测试旗", region_code="150623", issuer="局",
                      addressees="各单位", check_point={"2020Q3": CHECK_POINT})
    return url, profile


def _week(url: str, failures: set[int], control_down: set[int] = frozenset()) -> None:
    rows = []
    start = datetime(2020, 10, 8)
    for i in range(7 * 20):
        at = start + timedelta(minutes=72 * i)
        rows.append({"site_code": "1506230009", "probed_at": at, "url": "http://www.down.gov.cn/",
                     "outcome": "timeout" if i in failures else "ok", "status": None if i in failures else 200,
                     "elapsed_ms": 15000 if i in failures else 90, "series": "routine"})
        rows.append({"site_code": "_ctl:aaaaaaaa", "probed_at": at, "url": "http://www.gov.cn/",
                     "outcome": "dns_error" if i in control_down else "ok", "status": None, "elapsed_ms": 5,
                     "series": "routine"})
    with session_scope(url) as s:
        upsert(s, Probe, rows)


def test_week_ratio_and_complete_week(store):
    url, _profile = store
    _week(url, failures=set(range(7)))
    with session_scope(url) as s:
        summary = pipeline.probe_summary(s, "1506230009", CHECK_POINT)
    assert (summary["total"], summary["failed"], summary["complete_week"]) == (140, 7, True)
    assert summary["confirmed"] is None


def test_monitor_outage_is_not_the_sites_failure(store):
    url, _profile = store
    _week(url, failures=set(range(10)), control_down=set(range(10)))
    with session_scope(url) as s:
        summary = pipeline.probe_summary(s, "1506230009", CHECK_POINT)
    assert (summary["total"], summary["failed"], summary["monitor_down_rounds"]) == (130, 0, 10)


def test_confirmation_series_runs_for_veto_level_sites(store, monkeypatch):
    url, profile = store
    monkeypatch.setattr(pipeline, "CONFIRM_SPACING_SECONDS", 0.0)
    seconds = iter(range(100))
    monkeypatch.setattr(pipeline, "china_now", lambda: datetime(2020, 10, 15, 9, 0, next(seconds)))
    _week(url, failures=set(range(7)))
    assert pipeline.confirm_liveness("2020Q3", profile, url) == {"confirmed": 1}
    with session_scope(url) as s:
        summary = pipeline.probe_summary(s, "1506230009", CHECK_POINT)
    assert summary["confirmed"] is True
    assert summary["confirmation"] == {"probes": pipeline.CONFIRM_PROBES, "healthy": pipeline.CONFIRM_PROBES,
                                       "failed": pipeline.CONFIRM_PROBES}


def test_no_confirmation_below_the_veto_ratio(store):
    url, profile = store
    _week(url, failures=set(range(6)))
    assert pipeline.confirm_liveness("2020Q3", profile, url) == {"confirmed": 0}


def test_a_loop_over_sites_reads_the_control_probes_once(store):
    """Summaries of many sites in one read of the store share one reading of the control probes
    (read per site, the controls made the quarter's reconciliation grow with sites × probes)."""
    from sqlalchemy import event

    url, _profile = store
    _week(url, failures=set(range(10)), control_down={3, 4})
    codes = [f"15062300{n:02d}" for n in range(10, 16)]
    with session_scope(url) as s:
        rows = [{**row, "site_code": code} for row in s.execute(
            Probe.__table__.select().where(Probe.site_code == "1506230009")).mappings() for code in codes]
        upsert(s, Probe, rows)
    statements: list[str] = []
    with session_scope(url) as s:
        alone = [pipeline.probe_summary(s, code, CHECK_POINT) for code in codes]
        engine = s.get_bind()
        listen = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
        event.listen(engine, "before_cursor_execute", listen)
        try:
            known: dict = {}
            shared = [pipeline.probe_summary(s, code, CHECK_POINT, known) for code in codes]
        finally:
            event.remove(engine, "before_cursor_execute", listen)
    assert shared == alone
    assert alone[0]["monitor_down_rounds"] == 2 and alone[0]["failed"] == 8
    assert sum(" LIKE " in sql.upper() for sql in statements) == 1
    assert len(statements) == 2 * len(codes) + 1  # each site's week and confirmations, the controls once
