"""Faults from outside the code, under the real scheduler (the stack of test_scheduler_stack):

* a check batch whose task process is SIGKILLed in the middle of its store write, then cleared by
  the operator, leaves no row of the half-done write and ends with the rows of a clean run;
* the store's connections dropped mid-run (every backend of the store database terminated with
  ``pg_terminate_backend``, as a PostgreSQL restart does; the shared server itself is not restarted,
  so parallel test sessions and Airflow's own metadata database are left alone): the tasks caught
  in the store fail with a clear error, are retried as transient system errors, and succeed on retry.
  A real restart of a PostgreSQL server under a batch's write is in test_faults_pg_restart.py, on a
  cluster of that test's own.

Both faults hit one run of the quarter, so the suite pays for one faulted run. A PostgreSQL
advisory lock, taken by the test and waited for by a trigger on the batch's rows, holds each
targeted task inside its write transaction until the fault is injected: the faults land mid-write
every time, not by luck of timing.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from typing import Any

import psutil
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from test_scheduler_stack import DAG_ID, QUARTER, AirflowStack, airflow_stack, green_run, store_rows

pytestmark = [pytest.mark.airflow, pytest.mark.postgres]
HOLD = "govinspect_test_hold"
KILL_LOCK, DROP_LOCK = 7_300_001, 7_300_002  # advisory lock keys holding the two targeted batches
HOLD_TIMEOUT = 420


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest) -> AirflowStack:
    return airflow_stack(request.config)


def _store_admin(stack: AirflowStack) -> Any:
    return create_engine(stack.store_url, isolation_level="AUTOCOMMIT")


def _wipe_store_except_probes(conn: Any) -> None:
    """The quarter as if never run: every table emptied but the week of liveness probes."""
    from govinspect.store.models import Base

    for table in reversed(Base.metadata.sorted_tables):
        if table.name != "probes":
            conn.execute(text(f'delete from "{table.name}"'))


def _install_holds(conn: Any, batches: dict[int, str]) -> None:
    """A trigger that makes each batch's writes wait for an advisory lock this connection holds."""
    conn.execute(text(f"create or replace function {HOLD}() returns trigger language plpgsql as "
                      f"$$ begin perform pg_advisory_xact_lock(TG_ARGV[0]::bigint); return new; end $$"))
    for lock, batch in batches.items():
        literal = batch.replace("'", "''")
        conn.execute(text(f"create trigger {HOLD}_{lock} before insert on account_observations for each row "
                          f"when (new.batch = '{literal}') execute function {HOLD}('{lock}')"))
        conn.execute(text("select pg_advisory_lock(:lock)"), {"lock": lock})


def _remove_holds(conn: Any) -> None:
    conn.execute(text("set lock_timeout = '60s'"))
    for lock in (KILL_LOCK, DROP_LOCK):
        conn.execute(text(f"drop trigger if exists {HOLD}_{lock} on account_observations"))
    conn.execute(text(f"drop function if exists {HOLD}()"))
    conn.execute(text("select pg_advisory_unlock_all()"))


def _held_writers(conn: Any, database: str) -> dict[int, dict[str, Any]]:
    """The store backends waiting for our advisory locks inside their INSERT, by lock."""
    rows = conn.execute(text(
        "select a.pid, a.client_port, a.query, l.objid from pg_locks l join pg_stat_activity a on a.pid = l.pid "
        "where l.locktype = 'advisory' and not l.granted and a.datname = :db"), {"db": database}).mappings().all()
    return {int(r["objid"]): dict(r) for r in rows if r["query"].lower().startswith("insert into account_observations")}


def _process_on_port(port: int) -> psutil.Process:
    """The local process owning the client end of a store connection (the task process)."""
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.raddr and conn.raddr.port == 5432 and conn.pid:
            return psutil.Process(conn.pid)
    raise LookupError(f"no local process holds a connection from port {port}")


def _ti(stack: AirflowStack, run_id: str, task_id: str, map_index: int) -> dict[str, Any]:
    return next(t for t in stack.task_instances(run_id) if t["task_id"] == task_id and t["map_index"] == map_index)


def _wait_for_states(stack: AirflowStack, run_id: str, wanted: dict[tuple[str, int], set[str]],
                     timeout: float = 180) -> dict[tuple[str, int], str | None]:
    deadline = time.monotonic() + timeout
    while True:
        states = stack.task_states(run_id)
        if all(states.get(key) in allowed for key, allowed in wanted.items()):
            return states
        if time.monotonic() > deadline:
            raise TimeoutError(f"task states {states} never reached {wanted}\n{stack.logs()}")
        time.sleep(1)


def _let_retries_run_now(stack: AirflowStack, run_id: str) -> int:
    """Move the end of the failed tries back by an hour: the scheduler then sees the retry delay
    (1 minute at least, up to 2 with Airflow's jitter) as passed, instead of the test sleeping through it."""
    engine = create_engine(stack.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    try:
        with engine.begin() as conn:
            return conn.execute(text(
                "update task_instance set end_date = end_date - interval '1 hour' "
                "where dag_id = :dag and run_id = :run and state = 'up_for_retry'"
            ), {"dag": DAG_ID, "run": run_id}).rowcount
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def faulted(stack: AirflowStack) -> dict[str, Any]:
    """One run of the quarter with both faults injected mid-write, recovered as an operator would."""
    green = green_run(stack)
    accounts = sorted((t for t in green["tasks"] if t["task_id"] == "check_accounts"), key=lambda t: t["map_index"])
    assert len(accounts) >= 2
    killed_batch, dropped_batch = accounts[-1], accounts[0]
    killed_key = ("check_accounts", killed_batch["map_index"])
    dropped_key = ("check_accounts", dropped_batch["map_index"])
    database = make_url(stack.store_url).database
    admin = _store_admin(stack)
    conn = admin.connect()
    run_id = f"faults_{uuid.uuid4().hex[:8]}"
    out: dict[str, Any] = {"green": green, "run_id": run_id, "killed": killed_batch, "dropped": dropped_batch}
    try:
        _wipe_store_except_probes(conn)
        _install_holds(conn, {KILL_LOCK: killed_batch["rendered_map_index"], DROP_LOCK: dropped_batch["rendered_map_index"]})
        stack.trigger(run_id, {"quarter": QUARTER})

        deadline = time.monotonic() + HOLD_TIMEOUT
        while len(held := _held_writers(conn, database)) < 2:
            stack.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the two batches never reached their writes: {held}\n"
                                   f"{stack.task_states(run_id)}\n{stack.logs()}")
            time.sleep(0.5)

        # Fault 1: one batch's task process dies by SIGKILL inside its write transaction.
        task_process = _process_on_port(held[KILL_LOCK]["client_port"])
        out["killed_cmdline"] = " ".join(task_process.cmdline())
        os.kill(task_process.pid, signal.SIGKILL)
        task_process.wait(timeout=30)

        # Fault 2: every connection to the store database is dropped, as a server restart drops them.
        terminated = conn.execute(text(
            "select pid, query, pg_terminate_backend(pid) as done from pg_stat_activity "
            "where datname = :db and pid <> pg_backend_pid()"), {"db": database}).mappings().all()
        out["terminated"] = [dict(r) for r in terminated]
        assert held[DROP_LOCK]["pid"] in {r["pid"] for r in terminated if r["done"]}
        _remove_holds(conn)

        out["failed_states"] = _wait_for_states(stack, run_id, {
            killed_key: {"up_for_retry", "failed"}, dropped_key: {"up_for_retry"}})
        out["partial"] = store_rows(stack.store_url)

        # The operator clears the killed batch (and what waits on it); the store fault heals on retry.
        r = stack.api("POST", f"/api/v2/dags/{DAG_ID}/clearTaskInstances", json={
            "dry_run": False, "dag_run_id": run_id, "task_ids": [list(killed_key)],
            "include_downstream": True, "only_failed": False, "reset_dag_runs": True,
        })
        assert r.status_code == 200, r.text
        out["cleared"] = {(t["task_id"], t["map_index"]) for t in r.json()["task_instances"]}
        out["moved"] = _let_retries_run_now(stack, run_id)
        out["state"] = stack.wait_for_run(run_id)
        out["tasks"] = stack.task_instances(run_id)
        out["rows"] = store_rows(stack.store_url)
        out["dropped_log"] = stack.task_log(run_id, "check_accounts", try_number=1, map_index=dropped_batch["map_index"])
        return out
    finally:
        _remove_holds(conn)
        conn.close()
        admin.dispose()


def test_the_killed_batch_left_nothing_half_written(faulted: dict[str, Any]) -> None:
    assert faulted["killed_cmdline"].startswith("airflow worker")  # the task process, not the supervisor
    states = faulted["failed_states"]
    assert states[("check_accounts", faulted["killed"]["map_index"])] in ("up_for_retry", "failed")
    partial = faulted["partial"]
    for batch in (faulted["killed"], faulted["dropped"]):  # neither interrupted write left a row
        assert not any(batch["rendered_map_index"] in row for row in partial["account_observations"])
        assert not any(batch["rendered_map_index"] in row for row in partial["post_findings"])
    assert partial["account_observations"] == [] and partial["verdicts"] == []


def test_clearing_the_killed_batch_gives_the_rows_of_a_clean_run(faulted: dict[str, Any]) -> None:
    assert ("check_accounts", faulted["killed"]["map_index"]) in faulted["cleared"]
    assert ("check_accounts", faulted["dropped"]["map_index"]) not in faulted["cleared"]
    assert faulted["state"] == "success", [(t["task_id"], t["map_index"], t["state"]) for t in faulted["tasks"]]
    rows = faulted["rows"]
    assert all(len(set(table)) == len(table) for table in rows.values())
    assert rows == faulted["green"]["rows"]


def test_a_dropped_store_connection_fails_the_task_clearly_and_the_retry_succeeds(faulted: dict[str, Any]) -> None:
    dropped = next(t for t in faulted["tasks"]
                   if t["task_id"] == "check_accounts" and t["map_index"] == faulted["dropped"]["map_index"])
    assert dropped["state"] == "success" and dropped["try_number"] == 2  # retried once, by the scheduler
    assert faulted["moved"] >= 1
    log = faulted["dropped_log"]
    # The store's own words, as psycopg2 reports a connection the server dropped, and the retry decision.
    assert '"exc_type":"OperationalError"' in log, log[-4000:]
    assert "server closed the connection unexpectedly" in log, log[-4000:]
    assert '"action":"retry","reason":"transient system error"' in log, log[-4000:]
