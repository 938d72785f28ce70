"""``govinspect demo``: the 2020 Q3 quarter of the bundled (invented) demo county, end to end,
through real Airflow task execution (``airflow dags test``) against the loopback farm."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from govinspect.quarter import Quarter

DEMO_DIR = Path(__file__).resolve().parent
DEMO_PROFILE = DEMO_DIR / "data" / "inspection.toml"


def dags_folder() -> Path:
    """The project's ``dags/`` folder (set ``GOVINSPECT_DAGS_FOLDER`` for a non-editable install)."""
    configured = os.environ.get("GOVINSPECT_DAGS_FOLDER")
    folder = Path(configured) if configured else Path(__file__).resolve().parents[3] / "dags"
    if not (folder / "quarterly_inspection.py").exists():
        raise RuntimeError(f"cannot find the DAG files in {folder}; set GOVINSPECT_DAGS_FOLDER")
    return folder


def airflow_env(home: Path) -> dict[str, str]:
    """Environment of an embedded Airflow: its own SQLite metadata DB under the demo home."""
    env = dict(os.environ)
    env.setdefault("AIRFLOW_HOME", str(home / "airflow"))
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(dags_folder()))
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    env.setdefault("AIRFLOW__CORE__PARALLELISM", "4")
    env.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    env.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(dags_folder()), env.get("PYTHONPATH", "")]))
    return env


def _airflow(args: list[str], env: dict[str, str], verbose: bool) -> subprocess.CompletedProcess:
    airflow = Path(sys.executable).with_name("airflow")
    command = [str(airflow) if airflow.exists() else "airflow", *args]
    if verbose:
        result = subprocess.run(command, env=env, stdout=sys.stderr, stderr=sys.stderr, text=True)
    else:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stdout[-20000:])
            sys.stderr.write(result.stderr[-20000:])
    if result.returncode != 0:
        raise RuntimeError(f"`airflow {' '.join(args)}` failed with exit code {result.returncode}")
    return result


def run_demo(quarter: str = "2020Q3", verbose: bool = True) -> Path:
    """Run the quarter and return the notice PDF; raises if any stage did not finish."""
    from govinspect import pipeline
    from govinspect.demo.farm import start_farm
    from govinspect.profile import load_profile
    from govinspect.store import migrate, session_scope
    from govinspect.store.models import StageRun

    q = str(Quarter.parse(quarter))
    home = Path(os.environ.setdefault("GOVINSPECT_HOME", str(Path(".govinspect").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GOVINSPECT_REPORTS_DIR", str(Path("reports").resolve()))
    os.environ.setdefault("GOVINSPECT_PROFILE", str(DEMO_PROFILE))
    profile = load_profile()
    farm = start_farm(today=profile.check_point_for(Quarter.parse(q)))
    try:
        os.environ["GOVINSPECT_CONNECT_TO"] = farm.connect_to()
        os.environ.setdefault("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
        # The farm is our own server on loopback: it may be read faster than a county's real site.
        os.environ.setdefault("GOVINSPECT_PER_HOST_RATE", "40")
        env = airflow_env(home)
        started = datetime.now(UTC).replace(tzinfo=None)
        migrate()
        _log(verbose, f"store: {os.environ.get('GOVINSPECT_DB_URL') or home / 'govinspect.db'}")
        _log(verbose, f"registry: {pipeline.snapshot_registry(q, profile)}")
        _log(verbose, f"liveness week before the check point: {pipeline.replay_probe_week(q, profile)}")
        _airflow(["db", "migrate"], env, verbose=False)
        tick = time.monotonic()
        _airflow(["dags", "test", "quarterly_inspection", "--conf", json.dumps({"quarter": q})], env, verbose)
        _log(verbose, f"quarterly_inspection ran in {time.monotonic() - tick:.0f} s")
        with session_scope() as session:
            done = session.get(StageRun, (q, "notice"))
        if done is None or done.finished_at < started:
            raise RuntimeError("the DAG run did not render the notice; see the task logs above")
        return Path(done.summary["pdf"])
    finally:
        farm.stop()


def _log(verbose: bool, message: str) -> None:
    if verbose:
        print(message, file=sys.stderr)
