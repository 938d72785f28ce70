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
    assert set(dagbag.dag_ids) == {"quarterly_inspection", "liveness_probe", "notice_deadline"}


@pytest.mark.parametrize("dag_id", ["quarterly_inspection", "liveness_probe", "notice_deadline"])
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
        "check_accounts", "confirm_liveness", "reconcile_registry", "score_quarter", "rollup_annual", "render_notice",
    }
    upstream = {t.task_id: set(t.upstream_task_ids) for t in dag.tasks}
    assert upstream["reconcile_registry"] >= {"confirm_liveness", "check_accounts"}
    assert upstream["score_quarter"] == {"reconcile_registry", "resolve_quarter"}
    assert upstream["confirm_liveness"] >= {"check_websites"}
    assert upstream["reconcile_registry"] >= {"confirm_liveness"}
    assert upstream["render_notice"] >= {"rollup_annual"}
    assert dag.get_task("check_websites").map_index_template == "{{ batch_label }}"
    assert dag.get_task("check_accounts").map_index_template == "{{ batch_label }}"
    assert "quarter" in dag.params
    assert dag.max_active_runs == 1


def test_check_batches_run_in_their_pools(dagbag):
    from govinspect_airflow.pools import POOLS

    quarterly = dagbag.dags["quarterly_inspection"]
    assert quarterly.get_task("check_websites").pool == "govinspect_websites"
    assert quarterly.get_task("check_accounts").pool == "govinspect_feeds"
    assert dagbag.dags["liveness_probe"].get_task("probe_homepages").pool == "govinspect_probes"
    used = {t.pool for d in dagbag.dags.values() for t in d.tasks} - {"default_pool"}
    assert used <= set(POOLS)


def test_every_task_retries_system_errors_only_with_backoff(dagbag):
    from govinspect_airflow import RETRY_POLICY

    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert task.retry_policy is RETRY_POLICY, task.task_id
            assert task.retry_exponential_backoff, task.task_id
    quarterly = dagbag.dags["quarterly_inspection"]
    assert all(t.on_failure_callback for t in quarterly.tasks)


def test_assets_chain_the_stages(dagbag):
    dag = dagbag.dags["quarterly_inspection"]

    def uris(task_id: str, kind: str) -> set[str]:
        return {a.name for a in getattr(dag.get_task(task_id), kind)}

    assert uris("snapshot_registry", "outlets") == {"govinspect://registry"}
    assert uris("plan_website_batches", "inlets") == uris("plan_account_batches", "inlets") == {"govinspect://registry"}
    assert uris("reconcile_registry", "outlets") == {"govinspect://observations"}
    assert uris("score_quarter", "inlets") == {"govinspect://observations"}
    assert uris("rollup_annual", "outlets") == {"govinspect://scores"}
    assert uris("render_notice", "inlets") == {"govinspect://scores"}
    assert uris("render_notice", "outlets") == {"govinspect://notice"}


def test_quarterly_timetable_covers_the_previous_quarter(dagbag):
    from airflow.sdk import CronDataIntervalTimetable

    dag = dagbag.dags["quarterly_inspection"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression == "0 6 1 1,4,7,10 *"
    assert str(dag.timetable.timezone) in ("Asia/Shanghai", "Timezone('Asia/Shanghai')")


def _scheduler_timetable(dag):
    """The timetable as the scheduler holds it (after serialization), not the DAG file's object."""
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable

    return decode_timetable(encode_timetable(dag.timetable))


@pytest.mark.parametrize(("previous_end", "start", "end", "quarter"), [
    ((2020, 7, 1), (2020, 7, 1), (2020, 10, 1), "2020Q3"),
    ((2020, 10, 1), (2020, 10, 1), (2021, 1, 1), "2020Q4"),
    ((2021, 1, 1), (2021, 1, 1), (2021, 4, 1), "2021Q1"),
])
def test_each_scheduled_run_inspects_the_quarter_just_ended(dagbag, previous_end, start, end, quarter):
    import pendulum
    from airflow.timetables.base import DataInterval, TimeRestriction

    from govinspect_airflow import run_quarter

    dag = dagbag.dags["quarterly_inspection"]
    timetable = _scheduler_timetable(dag)
    tz = "Asia/Shanghai"
    last_end = pendulum.datetime(*previous_end, 6, tz=tz)
    last = DataInterval(last_end.subtract(months=3), last_end)
    info = timetable.next_dagrun_info(last_automated_data_interval=last,
                                      restriction=TimeRestriction(dag.start_date, None, True))
    assert info.data_interval.start == pendulum.datetime(*start, 6, tz=tz)
    assert info.data_interval.end == pendulum.datetime(*end, 6, tz=tz)  # 06:00 in Shanghai, 22:00 UTC the day before
    assert info.run_after == info.data_interval.end  # it runs once the quarter is over
    # The scheduler hands the task the interval in UTC (the quarter starts the day before, 22:00 UTC).
    utc_start = pendulum.instance(info.data_interval.start).in_timezone("UTC")
    assert run_quarter({"params": {"quarter": ""}, "data_interval_start": utc_start}) == quarter


def test_the_first_run_without_catchup_is_the_latest_full_quarter(dagbag):
    from airflow.timetables.base import TimeRestriction

    from govinspect.quarter import Quarter
    from govinspect_airflow import run_quarter

    dag = dagbag.dags["quarterly_inspection"]
    info = _scheduler_timetable(dag).next_dagrun_info(
        last_automated_data_interval=None, restriction=TimeRestriction(dag.start_date, None, False))
    start = info.data_interval.start.in_timezone("Asia/Shanghai")
    end = info.data_interval.end.in_timezone("Asia/Shanghai")
    assert (start.month, start.day, start.hour) in ((1, 1, 6), (4, 1, 6), (7, 1, 6), (10, 1, 6))
    assert end == start.add(months=3)
    quarter = run_quarter({"params": {"quarter": ""}, "data_interval_start": info.data_interval.start})
    assert quarter == str(Quarter.containing(end.date()).previous())


def test_a_manual_run_takes_the_quarter_param():
    from govinspect_airflow import run_quarter

    assert run_quarter({"params": {"quarter": " 2020q3 "}}) == "2020Q3"
    with pytest.raises(ValueError, match="quarter param"):
        run_quarter({"params": {"quarter": ""}})


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
