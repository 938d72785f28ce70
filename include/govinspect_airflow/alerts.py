"""Telling an operator something went wrong (a task failed, a quarter's notice is overdue).

An alert goes to the log always and by e-mail to ``GOVINSPECT_ALERT_EMAIL`` through the SMTP
provider's default connection (``smtp_default``) when that variable is set. An alert that cannot
be sent is logged and never hides what it was reporting.
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger("govinspect.alerts")
RECIPIENT_ENV = "GOVINSPECT_ALERT_EMAIL"


def _send_email(subject: str, body: str) -> bool:
    """E-mail the alert when a recipient is configured; True when it was sent."""
    recipient = os.environ.get(RECIPIENT_ENV, "").strip()
    if not recipient:
        return False
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook() as hook:
            hook.send_email_smtp(to=recipient, subject=subject[:120], html_content=f"<pre>{body}</pre>")
        return True
    except Exception:  # noqa: BLE001 - an alert must never hide the original problem
        log.exception("could not send the alert e-mail to %s", recipient)
        return False


def alert_on_failure(context: dict[str, Any]) -> None:
    """``on_failure_callback`` of the quarterly tasks: which task of which run failed, and why."""
    ti = context.get("ti")
    run_id = getattr(context.get("dag_run"), "run_id", None) or getattr(ti, "run_id", "?")
    map_index = getattr(ti, "map_index", -1)
    batch = f"[{map_index}]" if isinstance(map_index, int) and map_index >= 0 else ""
    message = (f"govinspect task failed: {getattr(ti, 'dag_id', '?')}.{getattr(ti, 'task_id', '?')}{batch} "
               f"in run {run_id}: {context.get('exception')!r}")
    log.error(message)
    _send_email(message, message)
