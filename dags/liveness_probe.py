"""Homepage liveness probes (站点无法访问, V2): every registered homepage, at least 20 times a day.

A homepage that does not answer is recorded as a probe outcome, never a task failure; the task
retries only on system errors (the store or the network itself unreachable).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from govinspect_airflow import DEFAULT_ARGS, PROBE_POOL, check_queue, store_url


@dag(
    dag_id="liveness_probe",
    schedule=timedelta(minutes=65),
    start_date=pendulum.datetime(2020, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "retries": 1, "retry_delay": timedelta(minutes=1)},
    tags=["govinspect", "liveness"],
    doc_md=__doc__,
)
def liveness_probe() -> None:
    # One round at a time (pool); a round is cut off after 30 minutes so the next keeps its schedule.
    @task(execution_timeout=timedelta(minutes=30), pool=PROBE_POOL, **check_queue("websites"))
    def probe_homepages() -> dict:
        from govinspect.pipeline import probe_round
        from govinspect.store import migrate

        url = store_url()
        migrate(url)
        return probe_round(url=url)

    probe_homepages()


liveness_probe()
