"""A real Airflow deployment on this machine, for the integration tests and the province benchmark.

LocalExecutor on a fresh PostgreSQL database, with the scheduler, dag-processor and api-server
(which also serves the task execution API) started as subprocesses from this checkout's ``dags/``
and ``plugins/``, the pools imported, and the govinspect store in a second fresh database.
:func:`start_local_stack` returns once the processes are started; :meth:`AirflowStack.close`
stops every process it started and drops both databases.

    stack = start_local_stack(profile=Path("inspection.toml"), connect_to="www.x.gov.cn:80:127.0.0.1:8080")
    try:
        stack.wait_for_dag("quarterly_inspection")
        stack.trigger("run1", {"quarter": "2020Q3"})
        stack.wait_for_run("run1")
    finally:
        stack.close()
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
DAG_ID = "quarterly_inspection"
RUN_TIMEOUT = 600
PG_ADMIN_URL = os.environ.get("GOVINSPECT_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
COMPONENTS = ("api-server", "scheduler", "dag-processor")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def airflow_bin() -> str:
    candidate = Path(sys.executable).with_name("airflow")
    return str(candidate) if candidate.exists() else "airflow"


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
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
    cleanups: list[Callable[[], Any]] = field(default_factory=list)
    green: dict[str, Any] | None = None

    # -- processes -----------------------------------------------------------------------------------

    def start(self, name: str, *args: str) -> None:
        log = open(self.home / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [airflow_bin(), *args], env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

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

    def close(self) -> None:
        """Run every cleanup in reverse order (processes, databases, folders); one failure skips none."""
        while self.cleanups:
            cleanup = self.cleanups.pop()
            try:
                cleanup()
            except Exception as exc:  # noqa: BLE001 - one failed cleanup must not skip the others
                print(f"cleanup {cleanup!r} failed: {exc}", file=sys.stderr)

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

    def wait_for_dag(self, dag_id: str = DAG_ID, timeout: float = 180) -> None:
        """Wait until the dag-processor has parsed ``dag_id`` and the API serves it."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                if self.api("GET", f"/api/v2/dags/{dag_id}").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the DAG {dag_id} was not parsed and served within {timeout:.0f} s\n{self.logs()}")
            time.sleep(1)

    def trigger(self, run_id: str, conf: dict[str, Any], dag_id: str = DAG_ID) -> None:
        r = self.api("POST", f"/api/v2/dags/{dag_id}/dagRuns",
                     json={"dag_run_id": run_id, "logical_date": None, "conf": conf})
        if r.status_code not in (200, 201):
            raise RuntimeError(f"triggering {dag_id} failed: HTTP {r.status_code} {r.text}")

    def run_state(self, run_id: str, dag_id: str = DAG_ID) -> str:
        r = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        r.raise_for_status()
        return r.json()["state"]

    def run(self, run_id: str, dag_id: str = DAG_ID) -> dict[str, Any]:
        r = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        r.raise_for_status()
        return r.json()

    def wait_for_run(self, run_id: str, dag_id: str = DAG_ID, timeout: float = RUN_TIMEOUT,
                     poll: float = 2.0) -> str:
        """Wait until the run has finished; its final state."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            state = self.run_state(run_id, dag_id)
            if state in ("success", "failed"):
                return state
            time.sleep(poll)
        raise TimeoutError(f"run {run_id} still {self.run_state(run_id, dag_id)} after {timeout} s\n"
                           f"{self.task_states(run_id, dag_id)}\n{self.logs()}")

    def task_instances(self, run_id: str, dag_id: str = DAG_ID) -> list[dict[str, Any]]:
        """Every task instance of the run, mapped ones included (the API pages them 100 at a time)."""
        out: list[dict[str, Any]] = []
        while True:
            r = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances",
                         params={"limit": 100, "offset": len(out)})
            r.raise_for_status()
            page = r.json()
            out += page["task_instances"]
            if not page["task_instances"] or len(out) >= page.get("total_entries", len(out)):
                return out

    def task_log(self, run_id: str, task_id: str, try_number: int = 1, map_index: int = -1,
                 dag_id: str = DAG_ID) -> str:
        r = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}",
                     params={"map_index": map_index}, headers={"Accept": "application/json"})
        r.raise_for_status()
        return r.text

    def task_states(self, run_id: str, dag_id: str = DAG_ID) -> dict[tuple[str, int], str | None]:
        return {(t["task_id"], t["map_index"]): t["state"] for t in self.task_instances(run_id, dag_id)}


def create_database(name: str, admin_url: str = PG_ADMIN_URL) -> str:
    """Create database ``name`` on the server of ``admin_url``; its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str, admin_url: str = PG_ADMIN_URL) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()


def pg_problem(admin_url: str = PG_ADMIN_URL) -> str | None:
    """Why PostgreSQL at ``admin_url`` cannot be used, or None when it answers."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0]


def start_local_stack(*, profile: Path, connect_to: str, extra_env: Mapping[str, str] | None = None,
                      parallelism: int = 4, logging_level: str = "INFO", prefix: str = "govinspect",
                      admin_url: str = PG_ADMIN_URL) -> AirflowStack:
    """Create both databases, migrate Airflow's, import the pools and start the three components.

    ``connect_to`` is the farm's ``GOVINSPECT_CONNECT_TO`` table; ``extra_env`` is added to the
    components' environment last. The store database is empty: migrate and load it, then
    :meth:`AirflowStack.wait_for_dag`. On any failure everything already made is undone.
    """
    tag = uuid.uuid4().hex[:10]
    home = Path(tempfile.mkdtemp(prefix=f"{prefix}-stack-"))
    af_db, store_db = f"{prefix}_af_{tag}", f"{prefix}_store_{tag}"
    cleanups: list[Callable[[], Any]] = [lambda: shutil.rmtree(home, ignore_errors=True)]
    try:
        af_url = create_database(af_db, admin_url)
        cleanups.append(lambda: drop_database(af_db, admin_url))
        store_url = create_database(store_db, admin_url)
        cleanups.append(lambda: drop_database(store_db, admin_url))
        port = free_port()
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
            "AIRFLOW__CORE__PARALLELISM": str(parallelism),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base_url}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,viewer:viewer",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "airflow" / "passwords.json"),
            "AIRFLOW__API__BASE_URL": base_url,
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(48),
            # Only the runs a caller triggers: no scheduled quarter of today's date, no probe rounds.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": logging_level,
            # The scheduler's log server: a free port, so that stacks of parallel sessions do not collide.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "GOVINSPECT_DB_URL": store_url,
            "GOVINSPECT_PROFILE": str(profile),
            "GOVINSPECT_REPORTS_DIR": str(home / "reports"),
            "GOVINSPECT_HOME": str(home / "govinspect"),
            "GOVINSPECT_CONNECT_TO": connect_to,
            "GOVINSPECT_ALLOW_NETWORKS": "127.0.0.0/8",
            **(extra_env or {}),
        })
        stack = AirflowStack(home=home, env=env, base_url=base_url, store_url=store_url,
                             reports_dir=home / "reports", passwords=passwords, cleanups=cleanups)
        cleanups.append(stack.stop)
        subprocess.run([airflow_bin(), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300)
        pools = home / "pools.json"
        subprocess.run([sys.executable, "-m", "govinspect_airflow.pools", str(pools)], env=env, check=True, timeout=60)
        subprocess.run([airflow_bin(), "pools", "import", str(pools)], env=env, check=True, capture_output=True,
                       timeout=120)
        stack.start("api-server", "api-server", "--port", str(port))
        stack.start("scheduler", "scheduler")
        stack.start("dag-processor", "dag-processor")
    except BaseException:
        for cleanup in reversed(cleanups):
            try:
                cleanup()
            except Exception as exc:  # noqa: BLE001 - one failed cleanup must not skip the others
                print(f"cleanup {cleanup!r} failed: {exc}", file=sys.stderr)
        raise
    return stack
