"""The quarterly DAG under the real scheduler: LocalExecutor on PostgreSQL, scheduler, dag-processor,
api-server and triggerer as separate processes, the demo county's quarter triggered through the
REST API with the farm serving its sites and feeds."""

from __future__ import annotations

import pytest
from test_scheduler_stack import QUARTER, airflow_stack, green_run

pytestmark = [pytest.mark.airflow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(request):
    return airflow_stack(request.config)


@pytest.fixture(scope="module")
def green(stack):
    return green_run(stack)


def test_every_task_succeeded_with_readable_batch_labels(green):
    tasks = green["tasks"]
    assert green["state"] == "success"
    assert {t["state"] for t in tasks} == {"success"}, [(t["task_id"], t["map_index"], t["state"]) for t in tasks]
    labels = {t["task_id"]: [] for t in tasks}
    for t in sorted(tasks, key=lambda t: t["map_index"]):
        if t["map_index"] >= 0:
            labels[t["task_id"]].append(t["rendered_map_index"])
    # Batches are labelled by their unit or platform, not by a number.
    assert labels["check_websites"] == ["001 鄂托克前旗人民政府"]
    assert len(labels["check_accounts"]) == 2
    assert all(label[:4] in ("001 ", "002 ") and len(label) > 4 for label in labels["check_accounts"])
    pools = {t["task_id"]: t["pool"] for t in tasks}
    assert pools["check_websites"] == "govinspect_websites"
    assert pools["check_accounts"] == "govinspect_feeds"


def test_the_run_filled_the_store(green, stack):
    rows = green["rows"]
    registered = [r for r in rows["accounts"] if '"registry"' in r]
    assert len(registered) == 64
    assert len(rows["website_observations"]) == 1
    assert len(rows["account_observations"]) == 64
    assert len(rows["verdicts"]) == 65
    assert any('"2020"' in r for r in rows["unit_scores"]) and any('"2020Q3"' in r for r in rows["unit_scores"])
    stages = {r.split(",")[1].strip(' "') for r in rows["stage_runs"] if QUARTER in r}
    assert {"registry_snapshot", "reconciliation", "scoring", "annual_rollup", "notice"} <= stages
    folder = stack.reports_dir / QUARTER
    assert list(folder.glob("*.pdf")) and list(folder.glob("*.xlsx")) and list((folder / "整改清单").glob("*.xlsx"))


def test_asset_events_name_the_quarter(green, stack):
    assets = {a["name"]: a for a in stack.api("GET", "/api/v2/assets", params={"limit": 100}).json()["assets"]}
    for uri in ("govinspect://registry", "govinspect://observations", "govinspect://scores", "govinspect://notice"):
        asset_id = assets[uri]["id"]
        events = stack.api("GET", "/api/v2/assets/events", params={"asset_id": asset_id}).json()["asset_events"]
        mine = [e for e in events if e["source_run_id"] == green["run_id"]]
        assert mine and all(e["extra"].get("quarter") == QUARTER for e in mine), (uri, events)


def test_notice_deadline_alerts_only_when_a_notice_is_late(green, stack):
    """``notice_deadline`` on three days: the 2020Q3 notice is out (the run above issued it), the
    2020Q1 notice is not yet due on 5 April, the 2020Q2 notice was never issued and is late."""
    runs = {"issued": "2020-10-20", "not_due": "2020-04-05", "late": "2020-07-20"}
    for name, day in runs.items():
        stack.trigger(f"{name}_{green['run_id']}", {"as_of": day}, dag_id="notice_deadline")
    states = {name: stack.wait_for_run(f"{name}_{green['run_id']}", dag_id="notice_deadline") for name in runs}
    assert states == {"issued": "success", "not_due": "success", "late": "failed"}
    late = stack.task_instances(f"late_{green['run_id']}", dag_id="notice_deadline")[0]
    assert late["try_number"] == 1  # a late notice is not retried: it is reported
    log = stack.task_log(f"late_{green['run_id']}", "check_notice_deadline", dag_id="notice_deadline")
    assert "the 2020Q2 notice is overdue: it was due 2020-07-10" in log
    assert "govinspect task failed: notice_deadline.check_notice_deadline" in log
