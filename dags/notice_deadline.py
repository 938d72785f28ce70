"""Is the notice (通报) of the quarter just ended out on time?

Every morning at 09:00 Asia/Shanghai this looks in the store for the notice of the previous quarter.
After day ``GOVINSPECT_NOTICE_DUE_DAY`` (default 10) of the quarter's first month, a missing notice
fails the task — red in the UI, and the failure alert (log, and e-mail to ``GOVINSPECT_ALERT_EMAIL``)
says which quarter is late — every day until a ``quarterly_inspection`` run has issued it.
Trigger it with ``{"as_of": "2020-10-20"}`` to ask about another day.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task

from govinspect_airflow import DEFAULT_ARGS, TIMEZONE, alert_on_failure, store_url


@dag(
    dag_id="notice_deadline",
    schedule=CronTriggerTimetable("0 9 * * *", timezone=TIMEZONE),
    start_date=pendulum.datetime(2020, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "on_failure_callback": alert_on_failure},
    params={"as_of": Param("", type="string", description="the day to check, YYYY-MM-DD; empty = the run's day")},
    tags=["govinspect", "alerts"],
    doc_md=__doc__,
)
def notice_deadline() -> None:
    @task
    def check_notice_deadline() -> dict:
        from datetime import date

        from airflow.sdk.exceptions import AirflowFailException

        from govinspect_airflow.deadline import check_notice_deadline as check

        context = get_current_context()
        requested = (context["params"].get("as_of") or "").strip()
        today = (date.fromisoformat(requested) if requested
                 else pendulum.instance(context["dag_run"].run_after).in_timezone(TIMEZONE).date())
        result = check(today, store_url())
        if result.overdue:
            raise AirflowFailException(result.describe())
        return {"quarter": result.quarter, "due": result.due.isoformat(), "issued": result.issued,
                "status": result.describe()}

    check_notice_deadline()


notice_deadline()
