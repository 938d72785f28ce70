"""Every DAG file imports cleanly, has tags, retries and the expected structure."""

from __future__ import annotations

from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"quarterly_inspection", "liveness_probe"}


@pytest.mark.parametrize("dag_id", ["quarterly_inspection", "liveness_probe"])
def test_tags_retries_and_docs(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert "govinspect" in dag.tags
    assert dag.doc_md
    assert dag.catchup is False
    for task in dag.tasks:
        assert task.retries >= 1, task.task_id


def test_quarterly_structure(dagbag):
    dag = dagbag.dags["quarterly_inspection"]
    assert set(dag.task_ids) == {
        "resolve_quarter", "snapshot_registry", "plan_website_batches", "check_websites", "plan_account_batches",
        "check_accounts", "reconcile_registry", "score_quarter", "rollup_annual", "render_notice",
    }
    upstream = {t.task_id: set(t.upstream_task_ids) for t in dag.tasks}
    assert upstream["reconcile_registry"] >= {"check_websites", "check_accounts"}
    assert upstream["score_quarter"] == {"reconcile_registry", "resolve_quarter"}
    assert upstream["render_notice"] >= {"rollup_annual"}
    assert dag.get_task("check_websites").map_index_template == "{{ batch_label }}"
    assert "quarter" in dag.params


def test_quarterly_timetable_covers_the_previous_quarter(dagbag):
    from airflow.sdk import CronDataIntervalTimetable

    dag = dagbag.dags["quarterly_inspection"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression == "0 6 1 1,4,7,10 *"
    assert str(dag.timetable.timezone) in ("Asia/Shanghai", "Timezone('Asia/Shanghai')")


def test_liveness_runs_at_least_20_times_a_day(dagbag):
    from datetime import timedelta

    dag = dagbag.dags["liveness_probe"]
    interval = dag.timetable.delta
    assert timedelta(days=1) / interval >= 20


def test_dag_files_do_no_work_at_parse_time():
    for path in DAGS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        top_level = [line for line in text.splitlines()
                     if line.startswith(("from govinspect.", "from govinspect import", "import govinspect"))]
        assert top_level == [], f"{path.name} imports the library at parse time: {top_level}"
