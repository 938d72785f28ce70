"""A real Airflow deployment for the integration tests (this module holds no tests itself).

The deployment is :mod:`govinspect_airflow.localstack` (LocalExecutor on a fresh PostgreSQL database,
scheduler, dag-processor and api-server from this checkout's ``dags/`` and ``plugins/``, the store in a
second fresh database), here with the demo farm on loopback and the demo quarter loaded. One stack
serves the whole pytest session (``test_scheduler*``, ``test_rerun*``, ``test_ui*``) and is torn down
at its end: every process it started is stopped and both databases are dropped.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

import pytest

from govinspect_airflow.localstack import (
    DAG_ID,
    PG_ADMIN_URL,
    RUN_TIMEOUT,
    AirflowStack,
    environment,
    pg_problem,
    start_local_stack,
)

__all__ = ["DAG_ID", "PG_ADMIN_URL", "QUARTER", "RUN_TIMEOUT", "AirflowStack", "airflow_stack", "green_run",
           "store_rows"]

QUARTER = "2020Q3"
# Measurements that differ between any two runs, whatever the code does: inside JSON evidence, how
# long a request took and when it was made; and when a row was written (a non-key ``*_at`` column,
# see store_rows). Dates the checks read (a last post, a page's date) are content and are compared.
VOLATILE_KEYS = {"elapsed_ms", "checked_at", "when"}


def store_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every store table, sorted, with run-to-run measurements removed: VOLATILE_KEYS in
    JSON documents, and the time a row was written (non-key columns named ``*_at``; a key such as a
    probe's ``probed_at`` is the row's identity and stays)."""
    from sqlalchemy import inspect, select

    from govinspect.store import session_scope
    from govinspect.store.models import Base

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in sorted(value.items()) if k not in VOLATILE_KEYS}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    out: dict[str, list[tuple]] = {}
    with session_scope(url) as session:
        present = set(inspect(session.get_bind()).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in present or table.name == "alembic_version":
                continue
            columns = [c for c in table.columns if not (c.name.endswith("_at") and not c.primary_key)]
            rows = session.execute(select(*columns)).all()
            out[table.name] = sorted(json.dumps([clean(v) for v in row], default=str, ensure_ascii=False)
                                      for row in rows)
    return out


_STACK: AirflowStack | None = None


def airflow_stack(config: pytest.Config) -> AirflowStack:
    """The session's stack, started on first use and stopped when the session ends."""
    global _STACK
    if _STACK is not None:
        return _STACK
    problem = pg_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL on loopback is required in CI: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")

    from govinspect.demo.farm import start_farm
    from govinspect.demo.run import DEMO_PROFILE
    from govinspect.profile import load_profile
    from govinspect.quarter import Quarter

    profile = load_profile(DEMO_PROFILE)
    farm = start_farm(today=profile.check_point_for(Quarter.parse(QUARTER)))
    try:
        stack = start_local_stack(profile=DEMO_PROFILE, connect_to=farm.connect_to())
    except BaseException:
        farm.stop()
        raise
    stack.cleanups.insert(0, farm.stop)
    try:
        # The store the DAG runs on: the demo registry and the week of probes before the check point,
        # as an operator's liveness_probe DAG would have left them.
        from govinspect import pipeline
        from govinspect.store import engine_for, migrate

        with environment({k: stack.env[k] for k in ("GOVINSPECT_CONNECT_TO", "GOVINSPECT_ALLOW_NETWORKS",
                                                     "GOVINSPECT_REPORTS_DIR", "GOVINSPECT_PROFILE")}):
            migrate(stack.store_url)
            pipeline.snapshot_registry(QUARTER, profile, stack.store_url)
            pipeline.replay_probe_week(QUARTER, profile, stack.store_url)
        stack.cleanups.append(lambda: engine_for(stack.store_url).dispose())
        stack.wait_for_dag(DAG_ID)
    except BaseException:
        stack.close()
        raise

    def teardown() -> None:
        global _STACK
        stack.close()
        _STACK = None

    config.add_cleanup(teardown)
    _STACK = stack
    return stack


def green_run(stack: AirflowStack) -> dict[str, Any]:
    """The all-green run of the demo quarter (once per session): its run id, state and store rows."""
    if stack.green is None:
        run_id = f"green_{uuid.uuid4().hex[:8]}"
        stack.trigger(run_id, {"quarter": QUARTER})
        started = time.monotonic()
        state = stack.wait_for_run(run_id)
        stack.green = {"run_id": run_id, "state": state, "seconds": time.monotonic() - started,
                       "tasks": stack.task_instances(run_id), "rows": store_rows(stack.store_url)}
        assert state == "success", f"{stack.task_states(run_id)}\n{stack.logs()}"
    return stack.green
