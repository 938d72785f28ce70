"""The quarterly inspection (常态化检查): registry → website and account checks → reconciliation →
scoring → annual rollup → notice (通报).

Scheduled at 06:00 Asia/Shanghai on the first day of each quarter; its data interval is the quarter
just ended. For any other quarter trigger it with the param ``{"quarter": "2020Q3"}``.

Operating it:
- Every stage replaces its own rows in the store, so a failed check batch is repaired by clearing
  that one mapped task instance (with its downstream tasks): the store ends as an all-green run leaves it.
- A website or account that cannot be reached is a finding, not a task failure. Tasks retry with
  exponential backoff only on system errors (store or network unreachable); anything else fails at once.
- Check batches run in the pools ``govinspect_websites`` and ``govinspect_feeds`` (and, when
  ``GOVINSPECT_WEBSITE_QUEUE`` / ``GOVINSPECT_FEED_QUEUE`` are set, on those Celery queues).
- An alert goes out when a task fails; the ``notice_deadline`` DAG alerts when a quarter's notice is
  not out by day ``GOVINSPECT_NOTICE_DUE_DAY`` (default 10) of the next quarter.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task

from govinspect_airflow import (
    DEFAULT_ARGS,
    FEED_POOL,
    PROBE_POOL,
    TIMEZONE,
    WEBSITE_POOL,
    alert_on_failure,
    check_queue,
    mark_quarter,
    profile_for,
    run_quarter,
    store_url,
)

REGISTRY = Asset("govinspect://registry")
OBSERVATIONS = Asset("govinspect://observations")
SCORES = Asset("govinspect://scores")
NOTICE = Asset("govinspect://notice")
REGISTRY_API_CONN_ID = "govinspect_registry_api"  # host = base URL, password = token, settings in extra
NEWMEDIA_CONN_ID = "govinspect_newmedia"  # extra: {"weibo_cookie": ..., "rsshub_key": ...}


@dag(
    dag_id="quarterly_inspection",
    schedule=CronDataIntervalTimetable("0 6 1 1,4,7,10 *", timezone=TIMEZONE),
    start_date=pendulum.datetime(2020, 1, 1, tz=TIMEZONE),
    # Past quarters are run on purpose, one by one, with the quarter param: no automatic backfill.
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "on_failure_callback": alert_on_failure},
    params={
        "quarter": Param("", type="string", description="quarter to inspect, e.g. 2020Q3; empty = the data interval's"),
        "profile": Param("", type="string", description="inspection profile (TOML); empty = GOVINSPECT_PROFILE"),
    },
    tags=["govinspect", "quarterly"],
    doc_md=__doc__,
)
def quarterly_inspection() -> None:
    @task
    def resolve_quarter() -> str:
        from govinspect.store import migrate

        migrate(store_url())
        return run_quarter(get_current_context())

    @task(outlets=[REGISTRY])
    def snapshot_registry(quarter: str) -> dict:
        from airflow.exceptions import AirflowNotFoundException
        from airflow.sdk import BaseHook

        from govinspect.pipeline import snapshot_registry as run
        from govinspect.registry.api import ApiSource

        try:  # the province's JSON registry API is read too when this Connection exists
            api = ApiSource.from_connection(BaseHook.get_connection(REGISTRY_API_CONN_ID))
        except AirflowNotFoundException:
            api = None
        context = get_current_context()
        summary = run(quarter, profile_for(context), store_url(), api=api)
        mark_quarter(context, quarter, REGISTRY)
        return summary

    @task(inlets=[REGISTRY])
    def plan_website_batches(quarter: str, _registry: dict) -> list[dict]:
        from govinspect.pipeline import plan_website_batches as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task(map_index_template="{{ batch_label }}", pool=WEBSITE_POOL, **check_queue("websites"))
    def check_websites(quarter: str, batch: dict) -> dict:
        from govinspect.pipeline import check_website_batch

        context = get_current_context()
        context["batch_label"] = batch["batch"]
        return check_website_batch(quarter, batch, profile_for(context), store_url())

    @task(pool=PROBE_POOL)
    def confirm_liveness(quarter: str) -> dict:
        """Re-probe homepages whose week reached the V2 veto ratio, so our own outage cannot fail a site."""
        from govinspect.pipeline import confirm_liveness as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task(inlets=[REGISTRY])
    def plan_account_batches(quarter: str, _registry: dict) -> list[dict]:
        from govinspect.pipeline import plan_account_batches as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task(map_index_template="{{ batch_label }}", pool=FEED_POOL, **check_queue("feeds"))
    def check_accounts(quarter: str, batch: dict) -> dict:
        from airflow.exceptions import AirflowNotFoundException
        from airflow.sdk import BaseHook

        from govinspect.pipeline import check_account_batch
        from govinspect_airflow.pools import feed_slots

        context = get_current_context()
        context["batch_label"] = batch["batch"]
        try:  # the sources' cookies and keys live only in this Connection
            secrets = BaseHook.get_connection(NEWMEDIA_CONN_ID).extra_dejson
        except AirflowNotFoundException:
            secrets = {}
        return check_account_batch(quarter, batch, profile_for(context), store_url(), secrets=secrets,
                                   batches_at_once=feed_slots())

    @task(outlets=[OBSERVATIONS])
    def reconcile_registry(quarter: str) -> dict:
        from govinspect.pipeline import reconcile_registry as run

        context = get_current_context()
        counts = run(quarter, profile_for(context), store_url())
        mark_quarter(context, quarter, OBSERVATIONS)
        return counts

    @task(inlets=[OBSERVATIONS])
    def score_quarter(quarter: str) -> dict:
        from govinspect.pipeline import score_quarter as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task(outlets=[SCORES])
    def rollup_annual(quarter: str) -> dict:
        from govinspect.pipeline import rollup_units

        context = get_current_context()
        counts = rollup_units(quarter, profile_for(context), store_url())
        mark_quarter(context, quarter, SCORES)
        return counts

    @task(inlets=[SCORES], outlets=[NOTICE])
    def render_notice(quarter: str) -> dict:
        from govinspect.pipeline import render_notice as run

        context = get_current_context()
        paths = run(quarter, profile_for(context), store_url())
        mark_quarter(context, quarter, NOTICE)
        return paths

    quarter = resolve_quarter()
    registry = snapshot_registry(quarter)
    websites = check_websites.partial(quarter=quarter).expand(batch=plan_website_batches(quarter, registry))
    accounts = check_accounts.partial(quarter=quarter).expand(batch=plan_account_batches(quarter, registry))
    confirmed = confirm_liveness(quarter)
    websites >> confirmed
    reconciled = reconcile_registry(quarter)
    [confirmed, accounts] >> reconciled
    scored = score_quarter(quarter)
    reconciled >> scored
    rolled = rollup_annual(quarter)
    scored >> rolled
    rolled >> render_notice(quarter)


quarterly_inspection()
