"""Airflow glue shared by the govinspect DAG files: where the store is, which quarter a run is for.

Everything here runs inside tasks, never at parse time.
"""

from __future__ import annotations

import os
from typing import Any

STORE_CONN_ID = "govinspect_store"
DEFAULT_ARGS = {
    "owner": "govinspect",
    "retries": 2,
    "retry_exponential_backoff": 2.0,
}


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
    return str(Quarter.containing(start.in_timezone("Asia/Shanghai").date() if hasattr(start, "in_timezone") else start.date()))


def profile_for(context: dict[str, Any]):  # noqa: ANN201 - returns govinspect.profile.Profile
    from govinspect.profile import load_profile

    return load_profile((context["params"].get("profile") or "").strip() or None)


def alert_on_failure(context: dict[str, Any]) -> None:
    """Tell an operator a task failed: by e-mail when SMTP is configured, in the log always."""
    import logging

    ti = context.get("ti")
    message = f"govinspect task failed: {getattr(ti, 'dag_id', '?')}.{getattr(ti, 'task_id', '?')} ({context.get('exception')})"
    logging.getLogger("govinspect.alerts").error(message)
    recipient = os.environ.get("GOVINSPECT_ALERT_EMAIL")
    if not recipient:
        return
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook() as hook:
            hook.send_email_smtp(to=recipient, subject=message[:120], html_content=f"<pre>{message}</pre>")
    except Exception:  # noqa: BLE001 - an alert must never hide the original failure
        logging.getLogger("govinspect.alerts").exception("could not send the failure e-mail")
