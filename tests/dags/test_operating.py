"""The operating rules the DAGs share: what is retried, the pools, the notice deadline, the alerts."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest


@pytest.mark.parametrize(("error", "action"), [
    (ConnectionResetError("peer reset"), "retry"),
    (TimeoutError("read timed out"), "retry"),
    (OSError(28, "No space left on device"), "retry"),
    ("sqlalchemy.exc.OperationalError", "retry"),
    ("govinspect.profile.ProfileError", "fail"),
    ("govinspect.registry.readers.RegistryFileError", "fail"),
    (KeyError("site_code"), "fail"),
    ("sqlalchemy.exc.IntegrityError", "fail"),
])
def test_only_system_errors_are_retried(error, action):
    import sqlalchemy.exc

    from govinspect.profile import ProfileError
    from govinspect.registry.readers import RegistryFileError
    from govinspect_airflow import RETRY_POLICY

    if isinstance(error, str):
        error = {
            "sqlalchemy.exc.OperationalError": sqlalchemy.exc.OperationalError("select 1", {}, Exception("down")),
            "sqlalchemy.exc.IntegrityError": sqlalchemy.exc.IntegrityError("insert", {}, Exception("dup")),
            "govinspect.profile.ProfileError": ProfileError("[bureau] county is required"),
            "govinspect.registry.readers.RegistryFileError": RegistryFileError("x.xlsx", "no such file"),
        }[error]
    decision = RETRY_POLICY.evaluate(error, try_number=1, max_tries=5)
    assert decision.action.value == action, (error, decision)


def test_the_retry_policy_survives_serialization():
    from airflow.sdk.definitions.retry_policy import ExceptionRetryPolicy

    from govinspect_airflow import RETRY_POLICY

    copy = ExceptionRetryPolicy.deserialize(json.loads(json.dumps(RETRY_POLICY.serialize())))
    assert copy.evaluate(ConnectionError(), 1, 5).action.value == "retry"
    assert copy.evaluate(ValueError(), 1, 5).action.value == "fail"


def test_pools_document_imports_as_airflow_expects(tmp_path):
    from govinspect_airflow import FEED_POOL, PROBE_POOL, WEBSITE_POOL
    from govinspect_airflow.pools import main

    target = tmp_path / "pools.json"
    assert main([str(target)]) == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert set(doc) == {WEBSITE_POOL, FEED_POOL, PROBE_POOL}
    for spec in doc.values():
        assert isinstance(spec["slots"], int) and spec["slots"] >= 1
        assert spec["description"] and spec["include_deferred"] is False
    assert doc[FEED_POOL]["slots"] <= doc[WEBSITE_POOL]["slots"]


@pytest.mark.parametrize(("today", "quarter", "due"), [
    (date(2020, 10, 5), "2020Q3", date(2020, 10, 10)),
    (date(2020, 12, 31), "2020Q3", date(2020, 10, 10)),
    (date(2021, 1, 11), "2020Q4", date(2021, 1, 10)),
    (date(2020, 4, 1), "2020Q1", date(2020, 4, 10)),
])
def test_the_awaited_notice_and_its_due_date(today, quarter, due):
    from govinspect_airflow.deadline import quarter_due

    assert quarter_due(today, 10) == (quarter, due)


def test_notice_deadline_reads_the_store(sqlite_url):
    from datetime import datetime

    from govinspect.store import migrate, session_scope
    from govinspect.store.models import StageRun
    from govinspect_airflow.deadline import check_notice_deadline

    migrate(sqlite_url)
    late = check_notice_deadline(date(2020, 10, 11), sqlite_url, day=10)
    assert late.overdue and "2020Q3 notice is overdue: it was due 2020-10-10" in late.describe()
    assert not check_notice_deadline(date(2020, 10, 10), sqlite_url, day=10).overdue
    with session_scope(sqlite_url) as s:
        s.add(StageRun(quarter="2020Q3", stage="notice", finished_at=datetime(2020, 10, 12), summary={}))
    issued = check_notice_deadline(date(2020, 10, 20), sqlite_url, day=10)
    assert issued.issued and not issued.overdue


@pytest.mark.parametrize("raw", ["0", "29", "tenth", "-1"])
def test_a_bad_due_day_is_refused(monkeypatch, raw):
    from govinspect_airflow.deadline import DUE_DAY_ENV, due_day

    monkeypatch.setenv(DUE_DAY_ENV, raw)
    with pytest.raises(ValueError, match=DUE_DAY_ENV):
        due_day()


def test_failure_alert_is_logged_without_smtp(monkeypatch, caplog):
    from types import SimpleNamespace

    from govinspect_airflow import alert_on_failure

    monkeypatch.delenv("GOVINSPECT_ALERT_EMAIL", raising=False)
    ti = SimpleNamespace(dag_id="quarterly_inspection", task_id="check_accounts", map_index=1, run_id="r1")
    with caplog.at_level(logging.ERROR, logger="govinspect.alerts"):
        alert_on_failure({"ti": ti, "exception": RuntimeError("store refused the write")})
    assert "govinspect task failed: quarterly_inspection.check_accounts[1] in run r1" in caplog.text
    assert "store refused the write" in caplog.text


def test_an_alert_that_cannot_be_mailed_is_logged(monkeypatch, caplog):
    from types import SimpleNamespace

    from govinspect_airflow import alert_on_failure

    monkeypatch.setenv("GOVINSPECT_ALERT_EMAIL", "ops@example.invalid")
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", "smtp://127.0.0.1:9")  # nothing listens on the discard port
    ti = SimpleNamespace(dag_id="notice_deadline", task_id="check_notice_deadline", map_index=-1, run_id="r2")
    with caplog.at_level(logging.ERROR, logger="govinspect.alerts"):
        alert_on_failure({"ti": ti, "exception": RuntimeError("late")})
    assert "govinspect task failed: notice_deadline.check_notice_deadline in run r2" in caplog.text
    assert "could not send the alert e-mail to ops@example.invalid" in caplog.text
