"""A real PostgreSQL restart under a check batch's store write.

The store lives on a PostgreSQL cluster of this test's own (``initdb`` into a temporary folder,
run as the ``postgres`` user on a free port), so the server can really be restarted
(``pg_ctl restart -m fast``) without touching the machine's shared server. The demo quarter's
account batch writes its rows; a trigger holds that write on an advisory lock until the restart is
under way, so the fault lands mid-write every time. Then:

* the batch fails with SQLAlchemy's ``OperationalError`` naming what the server did, and the DAG's
  retry policy classes it as a transient system error (retry, not fail);
* nothing of the half-done write is in the store;
* while the server is down, a batch fails the same way (connection refused), also retried;
* once the server is back, the same batch run again (Airflow's retry) writes the rows of a clean run.

The scheduler-level version of this fault (every store connection cut while the real scheduler runs
the DAG, and the retry under Airflow) is in test_faults_scheduler.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.exc import OperationalError

pytestmark = [pytest.mark.postgres]
QUARTER = "2020Q3"
HOLD_LOCK = 7_300_101


def _pg_bin() -> Path | None:
    root = Path("/usr/lib/postgresql")
    versions = sorted((p for p in root.glob("*/bin") if (p / "initdb").exists()), key=lambda p: int(p.parent.name))
    return versions[-1] if versions else None


def _problem() -> str | None:
    if _pg_bin() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not installed"
    if os.geteuid() != 0 and os.environ.get("USER") != "postgres":
        return "a private cluster is started as the postgres user: run as root or postgres"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "runuser not found"
    return None


def _as_postgres(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    command = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


class Cluster:
    """A PostgreSQL cluster of this test's own: trust auth on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="govinspect-pg-"))
        self.data = self.folder / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        os.chmod(self.folder, 0o777)

    def _ctl(self, *args: str) -> None:
        result = _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                               "-w", "-t", "60", *args])
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed: {result.stdout}{result.stderr}\n{self.log()}")

    def init(self) -> None:
        result = _as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                               "-E", "UTF8", "--locale=C.UTF-8"])
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stdout}{result.stderr}")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        (self.data / "postgresql.auto.conf").write_text("")
        self._options = ["-o", options]
        self._ctl("start", *self._options)

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast", *self._options)

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def start(self) -> None:
        self._ctl("start", *self._options)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    problem = _problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"the PostgreSQL restart test must run in CI: {problem}")
        pytest.skip(problem)
    c = Cluster()
    try:
        c.init()
        admin = create_engine(c.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("create database store"))
        admin.dispose()
        yield c
    finally:
        c.remove()


@pytest.fixture(scope="module")
def demo(cluster: Cluster) -> Iterator[dict[str, Any]]:
    """The demo registry in the private store, the demo farm serving its accounts, one account batch."""
    from govinspect import pipeline
    from govinspect.demo.farm import start_farm
    from govinspect.demo.run import DEMO_PROFILE
    from govinspect.profile import load_profile
    from govinspect.quarter import Quarter
    from govinspect.store import engine_for, migrate

    profile = load_profile(DEMO_PROFILE)
    farm = start_farm(today=profile.check_point_for(Quarter.parse(QUARTER)))
    saved = {k: os.environ.get(k) for k in ("GOVINSPECT_CONNECT_TO", "GOVINSPECT_ALLOW_NETWORKS")}
    os.environ["GOVINSPECT_CONNECT_TO"] = farm.connect_to()
    os.environ["GOVINSPECT_ALLOW_NETWORKS"] = "127.0.0.0/8"
    url = cluster.url("store")
    try:
        migrate(url)
        pipeline.snapshot_registry(QUARTER, profile, url)
        batches = pipeline.plan_account_batches(QUARTER, profile, url)
        # A batch of accounts an adapter reads over HTTP (not the manual sheet alone).
        batch = max(batches, key=lambda b: len(b["keys"]))
        yield {"url": url, "profile": profile, "batch": batch}
    finally:
        engine_for(url).dispose()
        farm.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _batch_rows(url: str, batch: str) -> list[tuple]:
    from govinspect.store import session_scope
    from govinspect.store.models import AccountObservation

    with session_scope(url) as s:
        rows = s.execute(select(AccountObservation.platform, AccountObservation.account_id,
                                AccountObservation.freshness, AccountObservation.state, AccountObservation.last_post,
                                AccountObservation.source)
                         .where(AccountObservation.quarter == QUARTER, AccountObservation.batch == batch)).all()
    return sorted(tuple(r) for r in rows)


def _wipe(url: str, batch: str) -> None:
    from govinspect.store import session_scope
    from govinspect.store.models import AccountObservation, PostFinding

    with session_scope(url) as s:
        for model in (AccountObservation, PostFinding):
            s.execute(delete(model).where(model.quarter == QUARTER, model.batch == batch))


def _run_batch(demo: dict[str, Any]) -> dict[str, Any]:
    from govinspect.pipeline import check_account_batch

    return check_account_batch(QUARTER, demo["batch"], demo["profile"], demo["url"])


def _retry_decision(error: BaseException) -> str:
    from govinspect_airflow import RETRY_POLICY

    return str(RETRY_POLICY.evaluate(error, try_number=1, max_tries=5).action.value)


def _wait_for_held_writer(url: str, timeout: float = 120) -> None:
    watcher = create_engine(url, isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with watcher.connect() as conn:
                waiting = conn.execute(text(
                    "select count(*) from pg_locks where locktype = 'advisory' and not granted "
                    "and objid = :key"), {"key": HOLD_LOCK}).scalar()
            if waiting:
                return
            time.sleep(0.2)
    finally:
        watcher.dispose()
    raise TimeoutError("the batch never reached its store write")


def test_a_restart_mid_write_fails_the_batch_clearly_and_a_retry_writes_a_clean_run(
        cluster: Cluster, demo: dict[str, Any]) -> None:
    url, label = demo["url"], demo["batch"]["batch"]
    clean = _run_batch(demo)
    clean_rows = _batch_rows(url, label)
    assert clean["accounts"] == len(demo["batch"]["keys"]) == len(clean_rows) > 0
    _wipe(url, label)

    holder = create_engine(url, isolation_level="AUTOCOMMIT")
    hold = holder.connect()
    hold.execute(text("create or replace function govinspect_test_hold() returns trigger language plpgsql as "
                      "$$ begin perform pg_advisory_xact_lock(TG_ARGV[0]::bigint); return new; end $$"))
    hold.execute(text(f"create trigger govinspect_test_hold before insert on account_observations "
                      f"for each row execute function govinspect_test_hold({HOLD_LOCK})"))
    hold.execute(text("select pg_advisory_lock(:key)"), {"key": HOLD_LOCK})
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(_run_batch, demo)
        _wait_for_held_writer(url)
        restarted = threading.Event()

        def restart() -> None:
            cluster.restart()
            restarted.set()

        restart_thread = threading.Thread(target=restart)
        restart_thread.start()
        with pytest.raises(OperationalError) as failed:
            running.result(timeout=180)
        restart_thread.join(timeout=120)
    assert restarted.is_set(), cluster.log()
    hold.invalidate()
    holder.dispose()

    message = str(failed.value.orig)
    assert "terminating connection due to administrator command" in message or "server closed the connection" in message
    assert _retry_decision(failed.value) == "retry"
    assert _batch_rows(url, label) == [], "rows of the interrupted write reached the store"

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("drop trigger govinspect_test_hold on account_observations"))
        conn.execute(text("drop function govinspect_test_hold()"))
    admin.dispose()

    retried = _run_batch(demo)
    assert retried == clean
    assert _batch_rows(url, label) == clean_rows


def test_a_batch_while_the_server_is_down_fails_as_transient_and_runs_once_it_is_back(
        cluster: Cluster, demo: dict[str, Any]) -> None:
    url, label = demo["url"], demo["batch"]["batch"]
    _run_batch(demo)
    before = _batch_rows(url, label)
    cluster.stop()
    try:
        with pytest.raises(OperationalError) as failed:
            _run_batch(demo)
    finally:
        cluster.start()
    assert "Connection refused" in str(failed.value.orig) or "could not connect" in str(failed.value.orig)
    assert _retry_decision(failed.value) == "retry"
    _run_batch(demo)
    assert _batch_rows(url, label) == before and before
