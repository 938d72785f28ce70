"""Reruns converge: one check batch fails in the middle of a quarter's first run, the operator clears
that one mapped task instance (and what waits on it), and the store ends with exactly the rows of
an all-green run.

The fault is real and outside the code: a PostgreSQL trigger makes the store refuse that batch's
writes, as a full disk or a broken constraint would, and is dropped before the clear.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from test_scheduler_stack import DAG_ID, QUARTER, airflow_stack, green_run, store_rows

pytestmark = [pytest.mark.airflow, pytest.mark.postgres]
FAULT = "govinspect_injected_fault"


@pytest.fixture(scope="module")
def stack(request):
    return airflow_stack(request.config)


def _wipe_store_except_probes(url: str) -> None:
    """The quarter as if never run: every table emptied but the week of liveness probes."""
    from govinspect.store import engine_for
    from govinspect.store.models import Base

    with engine_for(url).begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "probes":
                conn.execute(text(f'delete from "{table.name}"'))


def _refuse_batch(url: str, batch: str) -> None:
    from govinspect.store import engine_for

    literal = batch.replace("'", "''")
    with engine_for(url).begin() as conn:
        conn.execute(text(f"create or replace function {FAULT}() returns trigger language plpgsql as "
                          f"$$ begin raise exception 'store refused the write of batch %', new.batch; end $$"))
        conn.execute(text(f"create trigger {FAULT} before insert on account_observations for each row "
                          f"when (new.batch = '{literal}') execute function {FAULT}()"))


def _repair(url: str) -> None:
    from govinspect.store import engine_for

    with engine_for(url).begin() as conn:
        conn.execute(text(f"drop trigger if exists {FAULT} on account_observations"))
        conn.execute(text(f"drop function if exists {FAULT}()"))


def test_clearing_the_failed_batch_gives_the_all_green_rows(stack):
    green = green_run(stack)
    batches = sorted((t for t in green["tasks"] if t["task_id"] == "check_accounts"), key=lambda t: t["map_index"])
    assert len(batches) >= 2
    broken = batches[-1]

    _wipe_store_except_probes(stack.store_url)
    _refuse_batch(stack.store_url, broken["rendered_map_index"])
    run_id = f"rerun_{uuid.uuid4().hex[:8]}"
    try:
        stack.trigger(run_id, {"quarter": QUARTER})
        assert stack.wait_for_run(run_id) == "failed"
        states = stack.task_states(run_id)
        assert states[("check_accounts", broken["map_index"])] == "failed"
        assert states[("check_websites", 0)] == "success"
        assert all(states[("check_accounts", b["map_index"])] == "success" for b in batches[:-1])
        assert states[("reconcile_registry", -1)] == "upstream_failed"
        assert states[("render_notice", -1)] == "upstream_failed"

        failed = next(t for t in stack.task_instances(run_id)
                      if t["task_id"] == "check_accounts" and t["map_index"] == broken["map_index"])
        # A refused write is not a transient system error: no retry, the operator is told at once.
        assert failed["try_number"] == 1
        log = stack.task_log(run_id, "check_accounts", map_index=broken["map_index"])
        assert "store refused the write of batch" in log
        assert "govinspect task failed" in log  # the failure callback's alert

        partial = store_rows(stack.store_url)
        assert partial != green["rows"]
        assert not any(broken["rendered_map_index"] in r for r in partial["account_observations"])
        assert partial["verdicts"] == []
    finally:
        _repair(stack.store_url)

    r = stack.api("POST", f"/api/v2/dags/{DAG_ID}/clearTaskInstances", json={
        "dry_run": False, "dag_run_id": run_id, "task_ids": [["check_accounts", broken["map_index"]]],
        "include_downstream": True, "only_failed": False, "reset_dag_runs": True,
    })
    assert r.status_code == 200, r.text
    cleared = {(t["task_id"], t["map_index"]) for t in r.json()["task_instances"]}
    assert ("check_accounts", broken["map_index"]) in cleared
    assert ("check_websites", 0) not in cleared and ("snapshot_registry", -1) not in cleared

    assert stack.wait_for_run(run_id) == "success", stack.task_states(run_id)
    assert store_rows(stack.store_url) == green["rows"]
