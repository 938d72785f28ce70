"""Airflow glue shared by the govinspect DAG files: where the store is, which quarter a run is for,
how tasks retry, and which pools keep the checks polite.

Everything that touches the store or the network runs inside tasks, never at parse time.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

from govinspect_airflow.alerts import alert_on_failure

STORE_CONN_ID = "govinspect_store"
TIMEZONE = "Asia/Shanghai"

# Errors of the system itself that a later try can cure: the store or a server was unreachable, a
# connection dropped, a disk was briefly full. A website that is down is not among them: the checks
# record it as an outcome (a finding), and the task succeeds.
TRANSIENT_ERRORS = [
    "builtins.OSError",  # ConnectionError, TimeoutError, a full or unmounted disk
    "sqlalchemy.exc.OperationalError",  # store unreachable, server restart, lock timeout
    "sqlalchemy.exc.InterfaceError",
    "sqlalchemy.exc.TimeoutError",  # connection pool exhausted
]

# Everything else (a bad profile, an unusable registry export, a bug, a rejected write) fails at the
# first try: retrying would only repeat it, and the operator is told at once.
RETRY_POLICY = ExceptionRetryPolicy(
    rules=[RetryRule(exception=TRANSIENT_ERRORS, action=RetryAction.RETRY, reason="transient system error")],
    default=RetryAction.FAIL,
)

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "govinspect",
    "retries": 4,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": 2.0,  # at least 1, 2, 4, 8 minutes between tries (Airflow adds jitter)
    "max_retry_delay": timedelta(minutes=30),
    "retry_policy": RETRY_POLICY,
}

# Pools (see govinspect_airflow.pools): how many check batches may run at once against one kind of target.
WEBSITE_POOL = "govinspect_websites"
FEED_POOL = "govinspect_feeds"
PROBE_POOL = "govinspect_probes"

# Celery queues per check type, for a deployment that gives website checks and feed reads their own
# workers (see the README, "Scaling out"). Unset, every task stays on the executor's default queue.
QUEUE_ENV = {"websites": "GOVINSPECT_WEBSITE_QUEUE", "feeds": "GOVINSPECT_FEED_QUEUE"}


def check_queue(kind: str) -> dict[str, str]:
    """``{"queue": name}`` for a check type when its queue is configured, else nothing (read at parse time)."""
    name = os.environ.get(QUEUE_ENV[kind], "").strip()
    return {"queue": name} if name else {}

def store_url() -> str | None:
    """``GOVINSPECT_DB_URL``, else the Airflow Connection ``govinspect_store``, else the embedded SQLite file."""
    if os.environ.get("GOVINSPECT_DB_URL"):
        return os.environ["GOVINSPECT_DB_URL"]
    from airflow.exceptions import AirflowNotFoundException
    from airflow.sdk import BaseHook

    try:
        conn = BaseHook.get_connection(STORE_CONN_ID)
    except AirflowNotFoundException:
        return None
    uri = conn.get_uri()
    return uri.replace("postgres://", "postgresql+psycopg2://", 1)


def run_quarter(context: dict[str, Any]) -> str:
    """The quarter a run inspects: the ``quarter`` param, else the data interval (the previous full quarter)."""
    from govinspect.quarter import Quarter

    requested = (context["params"].get("quarter") or "").strip()
    if requested:
        return str(Quarter.parse(requested))
    start = context.get("data_interval_start")
    if start is None:
        raise ValueError("a manual run needs the quarter param, e.g. {\"quarter\": \"2020Q3\"}")
    local = start.in_timezone(TIMEZONE) if hasattr(start, "in_timezone") else start
    return str(Quarter.containing(local.date()))


def profile_for(context: dict[str, Any]):  # noqa: ANN201 - returns govinspect.profile.Profile
    from govinspect.profile import load_profile

    return load_profile((context["params"].get("profile") or "").strip() or None)


def mark_quarter(context: dict[str, Any], quarter: str, *assets: Any) -> None:
    """Stamp this task's asset events with the quarter, so a consumer knows which quarter changed."""
    events = context["outlet_events"]
    for asset in assets:
        events[asset].extra = {"quarter": quarter}


__all__ = [
    "DEFAULT_ARGS", "FEED_POOL", "PROBE_POOL", "QUEUE_ENV", "RETRY_POLICY", "STORE_CONN_ID", "TIMEZONE", "WEBSITE_POOL",
    "alert_on_failure", "check_queue", "mark_quarter", "profile_for", "run_quarter", "store_url",
]
