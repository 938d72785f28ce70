"""Shared fixtures: a store on SQLite and on the machine's PostgreSQL, the demo profile."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Airflow reads its configuration when first imported: give the tests their own home and our DAGs.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="govinspect-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(ROOT / "dags"))
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
PG_ADMIN_URL = os.environ.get("GOVINSPECT_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> str | None:
    from govinspect_airflow.localstack import pg_problem

    return pg_problem(PG_ADMIN_URL)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the session; the suite fails in CI when the server is missing."""
    from sqlalchemy import create_engine, text

    problem = _pg_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL on loopback is required in CI: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    name = f"govinspect_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    from govinspect.store import engine_for

    engine_for(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on both stores; PostgreSQL tables are emptied between tests."""
    from govinspect.store import migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        migrate(url)
        yield url
        return
    url = request.getfixturevalue("pg_url")
    migrate(url)
    yield url
    from sqlalchemy import text

    from govinspect.store import engine_for
    from govinspect.store.models import Base

    with engine_for(url).begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f'delete from "{table.name}"'))


@pytest.fixture(scope="session")
def demo_profile():
    from govinspect.demo.run import DEMO_PROFILE
    from govinspect.profile import load_profile

    return load_profile(DEMO_PROFILE)


@pytest.fixture(params=["uvloop", "asyncio"])
def each_event_loop(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test once on each event loop ``govinspect.net.run`` can use (``GOVINSPECT_EVENT_LOOP``)."""
    monkeypatch.setenv("GOVINSPECT_EVENT_LOOP", request.param)
    return request.param
