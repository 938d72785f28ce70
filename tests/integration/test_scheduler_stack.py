"""A real Airflow deployment for the integration tests (this module holds no tests itself).

LocalExecutor on a fresh PostgreSQL database, with the scheduler, dag-processor and api-server
(which also serves the task execution API) started as subprocesses from this checkout's ``dags/`` and ``plugins/``; the govinspect
store in a second fresh database; the demo farm on loopback. One stack serves the whole pytest
session (``test_scheduler*``, ``test_rerun*``, ``test_ui*``) and is torn down at its end: every
process it started is stopped and both databases are dropped.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
DAG_ID = "quarterly_inspection"
QUARTER = "2020Q3"
RUN_TIMEOUT = 600
PG_ADMIN_URL = os.environ.get("GOVINSPECT_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
# Measurements that differ between any two runs, whatever the code does: inside JSON evidence, how
# long a request took and when it was made; and when a row was written (a non-key ``*_at`` column,
# see store_rows). Dates the checks read (a last post, a page's date) are content and are compared.
VOLATILE_KEYS = {"elapsed_ms", "checked_at", "when"}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _airflow_bin() -> str:
    candidate = Path(sys.executable).with_name("airflow")
    return str(candidate) if candidate.exists() else "airflow"


@contextmanager
def _env(values: dict[str, str]):
    """Set environment variables in this process for a block (the farm's connect-to table, the store)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class AirflowStack:
    home: Path
    env: dict[str, str]
    base_url: str
    store_url: str
    reports_dir: Path
    passwords: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    green: dict[str, Any] | None = None

    # -- processes -----------------------------------------------------------------------------------

    def start(self, name: str, *args: str) -> None:
        log = open(self.home / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [_airflow_bin(), *args], env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.processes.values():
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def logs(self, lines: int = 60) -> str:
        out = []
        for name in self.processes:
            path = self.home / f"{name}.log"
            tail = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
            out.append(f"--- {name} (exit {self.processes[name].poll()}) ---\n" + "\n".join(tail))
        return "\n".join(out)

    def check_alive(self) -> None:
        dead = [n for n, p in self.processes.items() if p.poll() is not None]
        if dead:
            raise RuntimeError(f"Airflow processes exited: {dead}\n{self.logs()}")

    # -- the REST API --------------------------------------------------------------------------------

    def token(self, user: str = "admin") -> str:
        r = httpx.post(f"{self.base_url}/auth/token", json={"username": user, "password": self.passwords[user]},
                       timeout=30)
        r.raise_for_status()
        return r.json()["access_token"]

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token()}", **kwargs.pop("headers", {})}
        return httpx.request(method, f"{self.base_url}{path}", headers=headers, timeout=60, **kwargs)

    def trigger(self, run_id: str, conf: dict[str, Any], dag_id: str = DAG_ID) -> None:
        r = self.api("POST", f"/api/v2/dags/{dag_id}/dagRuns",
                     json={"dag_run_id": run_id, "logical_date": None, "conf": conf})
        assert r.status_code in (200, 201), r.text

    def run_state(self, run_id: str, dag_id: str = DAG_ID) -> str:
        r = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        r.raise_for_status()
        return r.json()["state"]

    def wait_for_run(self, run_id: str, dag_id: str = DAG_ID, timeout: float = RUN_TIMEOUT) -> str:
        """Wait until the run has finished; its final state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            state = self.run_state(run_id, dag_id)
            if state in ("success", "failed"):
                return state
            time.sleep(2)
        raise TimeoutError(f"run {run_id} still {self.run_state(run_id, dag_id)} after {timeout} s\n"
                           f"{self.task_states(run_id, dag_id)}\n{self.logs()}")

    def task_instances(self, run_id: str, dag_id: str = DAG_ID) -> list[dict[str, Any]]:
        r = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 100})
        r.raise_for_status()
        return r.json()["task_instances"]

    def task_log(self, run_id: str, task_id: str, try_number: int = 1, map_index: int = -1,
                 dag_id: str = DAG_ID) -> str:
        r = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}",
                     params={"map_index": map_index}, headers={"Accept": "application/json"})
        r.raise_for_status()
        return r.text

    def task_states(self, run_id: str, dag_id: str = DAG_ID) -> dict[tuple[str, int], str | None]:
        return {(t["task_id"], t["map_index"]): t["state"] for t in self.task_instances(run_id, dag_id)}


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


def _create_database(name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()


def _pg_problem() -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0]


_STACK: AirflowStack | None = None


def airflow_stack(config: pytest.Config) -> AirflowStack:
    """The session's stack, started on first use and stopped when the session ends."""
    global _STACK
    if _STACK is not None:
        return _STACK
    problem = _pg_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL on loopback is required in CI: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")

    from govinspect.demo.farm import start_farm
    from govinspect.demo.run import DEMO_PROFILE
    from govinspect.profile import load_profile
    from govinspect.quarter import Quarter

    tag = uuid.uuid4().hex[:10]
    home = Path(tempfile.mkdtemp(prefix="govinspect-stack-"))
    af_db, store_db = f"govinspect_af_{tag}", f"govinspect_store_{tag}"
    cleanups: list[Any] = [lambda: shutil.rmtree(home, ignore_errors=True)]
    try:
        af_url = _create_database(af_db)
        cleanups.append(lambda: _drop_database(af_db))
        store_url = _create_database(store_db)
        cleanups.append(lambda: _drop_database(store_db))
        profile = load_profile(DEMO_PROFILE)
        farm = start_farm(today=profile.check_point_for(Quarter.parse(QUARTER)))
        cleanups.append(farm.stop)
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        passwords = {"admin": secrets.token_urlsafe(12), "viewer": secrets.token_urlsafe(12)}
        (home / "airflow").mkdir()
        (home / "airflow" / "passwords.json").write_text(json.dumps(passwords))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GOVINSPECT_"))}
        env.update({
            "AIRFLOW_HOME": str(home / "airflow"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": af_url,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base_url}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,viewer:viewer",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "airflow" / "passwords.json"),
            "AIRFLOW__API__BASE_URL": base_url,
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(48),
            # Only the runs a test triggers: no scheduled quarter of today's date, no probe rounds.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            # The scheduler's log server: a free port, so that stacks of parallel sessions do not collide.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
            "GOVINSPECT_DB_URL": store_url,
            "GOVINSPECT_PROFILE": str(DEMO_PROFILE),
            "GOVINSPECT_REPORTS_DIR": str(home / "reports"),
            "GOVINSPECT_HOME": str(home / "govinspect"),
            "GOVINSPECT_CONNECT_TO": farm.connect_to(),
            "GOVINSPECT_ALLOW_NETWORKS": "127.0.0.0/8",
        })
        stack = AirflowStack(home=home, env=env, base_url=base_url, store_url=store_url,
                             reports_dir=home / "reports", passwords=passwords)
        cleanups.append(stack.stop)
        subprocess.run([_airflow_bin(), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300)
        pools = home / "pools.json"
        subprocess.run([sys.executable, "-m", "govinspect_airflow.pools", str(pools)], env=env, check=True, timeout=60)
        subprocess.run([_airflow_bin(), "pools", "import", str(pools)], env=env, check=True, capture_output=True,
                       timeout=120)
        stack.start("api-server", "api-server", "--port", str(port))
        stack.start("scheduler", "scheduler")
        stack.start("dag-processor", "dag-processor")

        # The store the DAG runs on: the demo registry and the week of probes before the check point,
        # as an operator's liveness_probe DAG would have left them.
        from govinspect import pipeline
        from govinspect.store import engine_for, migrate

        with _env({k: env[k] for k in ("GOVINSPECT_CONNECT_TO", "GOVINSPECT_ALLOW_NETWORKS",
                                        "GOVINSPECT_REPORTS_DIR", "GOVINSPECT_PROFILE")}):
            migrate(store_url)
            pipeline.snapshot_registry(QUARTER, profile, store_url)
            pipeline.replay_probe_week(QUARTER, profile, store_url)
        cleanups.append(lambda: engine_for(store_url).dispose())

        deadline = time.monotonic() + 180
        while True:
            stack.check_alive()
            try:
                if stack.api("GET", f"/api/v2/dags/{DAG_ID}").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the DAG was not parsed and served within 180 s\n{stack.logs()}")
            time.sleep(1)
    except BaseException:
        for cleanup in reversed(cleanups):
            _quietly(cleanup)
        raise

    def teardown() -> None:
        global _STACK
        for cleanup in reversed(cleanups):
            _quietly(cleanup)
        _STACK = None

    config.add_cleanup(teardown)
    _STACK = stack
    return stack


def _quietly(cleanup: Any) -> None:
    try:
        cleanup()
    except Exception as exc:  # noqa: BLE001 - one failed cleanup must not skip the others
        print(f"cleanup {cleanup!r} failed: {exc}", file=sys.stderr)


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
