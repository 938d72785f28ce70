"""The quarterly inspection (常态化检查): registry → website and account checks → reconciliation →
scoring → annual rollup → notice (通报)."""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task
from govinspect_airflow import DEFAULT_ARGS, alert_on_failure, profile_for, run_quarter, store_url

REGISTRY = Asset("govinspect://registry")
OBSERVATIONS = Asset("govinspect://observations")
SCORES = Asset("govinspect://scores")
NOTICE = Asset("govinspect://notice")


@dag(
    dag_id="quarterly_inspection",
    schedule=CronDataIntervalTimetable("0 6 1 1,4,7,10 *", timezone="Asia/Shanghai"),
    start_date=pendulum.datetime(2020, 1, 1, tz="Asia/Shanghai"),
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
        from govinspect.pipeline import snapshot_registry as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task
    def plan_website_batches(quarter: str, _registry: dict) -> list[dict]:
        from govinspect.pipeline import plan_website_batches as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task(map_index_template="{{ batch_label }}")
    def check_websites(quarter: str, batch: dict) -> dict:
        from govinspect.pipeline import check_website_batch

        context = get_current_context()
        context["batch_label"] = batch["batch"]
        return check_website_batch(quarter, batch, profile_for(context), store_url())

    @task
    def plan_account_batches(quarter: str, _registry: dict) -> list[dict]:
        from govinspect.pipeline import plan_account_batches as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task(map_index_template="{{ batch_label }}")
    def check_accounts(quarter: str, batch: dict) -> dict:
        from govinspect.pipeline import check_account_batch

        context = get_current_context()
        context["batch_label"] = batch["batch"]
        return check_account_batch(quarter, batch, profile_for(context), store_url())

    @task(outlets=[OBSERVATIONS])
    def reconcile_registry(quarter: str) -> dict:
        from govinspect.pipeline import reconcile_registry as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task(outlets=[SCORES])
    def score_quarter(quarter: str) -> dict:
        from govinspect.pipeline import score_quarter as run

        return run(quarter, profile_for(get_current_context()), store_url())

    @task
    def rollup_annual(quarter: str) -> dict:
        from govinspect.pipeline import rollup_units

        return rollup_units(quarter, profile_for(get_current_context()), store_url())

    @task(outlets=[NOTICE])
    def render_notice(quarter: str) -> dict:
        from govinspect.pipeline import render_notice as run

        return run(quarter, profile_for(get_current_context()), store_url())

    quarter = resolve_quarter()
    registry = snapshot_registry(quarter)
    websites = check_websites.partial(quarter=quarter).expand(batch=plan_website_batches(quarter, registry))
    accounts = check_accounts.partial(quarter=quarter).expand(batch=plan_account_batches(quarter, registry))
    reconciled = reconcile_registry(quarter)
    [websites, accounts] >> reconciled
    scored = score_quarter(quarter)
    reconciled >> scored
    rolled = rollup_annual(quarter)
    scored >> rolled
    rolled >> render_notice(quarter)


quarterly_inspection()
