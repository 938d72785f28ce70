"""Secrets come only from Airflow Connections or the environment, and go nowhere else.

* The repository holds nothing that looks like a secret: no private key, no cloud or forge token,
  no password in a URL or an assignment that is not an obvious placeholder.
* A run of the demo quarter through real Airflow task execution (``airflow dags test``) with the
  three Connections given as ``AIRFLOW_CONN_*`` environment variables, each carrying a recognisable
  secret — the store's password, the province registry API's token, the Weibo cookie and the RSSHub
  key — uses every one of them, and none appears in the task logs, Airflow's own database, the
  results store or the notice (PDF, XLSX, rectification lists).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from loopback import LoopbackServers, connect_to_without_hangs
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
QUARTER = "2020Q3"
PG_ADMIN_URL = os.environ.get("GOVINSPECT_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")

# --- the repository ----------------------------------------------------------------------------------------

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[0-9A-Za-z-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "Fernet key": re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=(?![A-Za-z0-9_=-])"),
}
# user:password@ in a URL, and NAME = "value" for names that hold secrets.
URL_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@'\"<>]+:([^@\s'\"<>/]+)@", re.IGNORECASE)
SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b[\w.-]*(?:password|passwd|secret|token|api_?key|access_?key|cookie|fernet_?key)[\w.-]*\b"
    r"[\"']?\s*[:=]\s*[\"']([^\"'\s,;)}]{8,})[\"']")
# Values that say "put yours here" rather than being one, and the words of made-up test values.
PLACEHOLDER = re.compile(r"(?i)^(?:\$\{?\w+\}?|\{\{?[^}]*\}?\}|<[^>]*>|%\(?\w*\)?s|\*+|x+|\.\.\.|"
                         r"(?:your|my|the|some|fake|dummy|example|sample|test|change|changeme|placeholder|redacted)"
                         r"[\w-]*|password|passwd|secret|token|user|admin|airflow|postgres)$")
MADE_UP = re.compile(r"(?i)secret|example|dummy|fake|placeholder|changeme|not-?for|xxxx")


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _repository_files() -> list[Path]:
    """The files a clone carries (tracked, and new ones not ignored), text only."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, check=True).stdout.decode().split("\0")
        paths = [ROOT / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", ".govinspect", "__pycache__", ".hypothesis", ".ruff_cache", "reports", "logs"}
        paths = [p for p in ROOT.rglob("*") if not skip & set(p.relative_to(ROOT).parts)]
    return [p for p in paths if p.is_file() and b"\0" not in p.read_bytes()[:8192]]


def _findings(path: Path, content: str) -> list[str]:
    found = []
    for number, line in enumerate(content.splitlines(), start=1):
        where = f"{path.relative_to(ROOT)}:{number}"
        found += [f"{where}: {name}" for name, pattern in SECRET_PATTERNS.items() if pattern.search(line)]
        for pattern, what in ((URL_PASSWORD, "password in a URL"), (SECRET_ASSIGNMENT, "secret assigned")):
            for match in pattern.finditer(line):
                value = match.group(1)
                if PLACEHOLDER.match(value) or MADE_UP.search(value) or (len(value) < 20 and _entropy(value) < 3.5):
                    continue
                found.append(f"{where}: {what} ({value[:4]}…)")
    return found


def test_scanner_finds_what_it_looks_for() -> None:
    """The control: each kind of secret, written into a file, is found; placeholders are not."""
    # Written in pieces, so that this file does not hold what it looks for.
    leaks = ["key = 'AKIA" + "IOSFODNN7QW3RT5Y'", "-----BEGIN OPENSSH " + "PRIVATE KEY-----",
             "url = 'postgresql://govinspect:" + "Xq8r2LmN0pZt5VwK@db/store'",
             'AIRFLOW_JWT_SECRET="' + '9fT2kQ7xLm4pR8vZ1nB6cH3w"', "token: 'ghp_" + "a1B2" * 9 + "'",
             "fernet = '" + "Zm9v" * 10 + "YmF=" + "'"]
    placeholders = ["postgresql+psycopg2://user:password@host/dbname", 'POSTGRES_PASSWORD="${POSTGRES_PASSWORD}"',
                    "password = 'changeme'", "token = '<your token>'", "AIRFLOW_CONN_X='postgresql://airflow:airflow@pg'"]
    assert [bool(_findings(ROOT / "x", line)) for line in leaks] == [True] * len(leaks)
    assert [_findings(ROOT / "x", line) for line in placeholders] == [[]] * len(placeholders)


def test_the_repository_holds_no_secret() -> None:
    files = _repository_files()
    assert len(files) > 100  # the scan saw the repository, not an empty list
    found = [f for path in files for f in _findings(path, path.read_text(encoding="utf-8", errors="replace"))]
    assert found == []


# --- a run with Connections ----------------------------------------------------------------------------


def _secret(kind: str) -> str:
    """A recognisable secret: letters and digits only, so that no encoding on the way changes it."""
    return f"{kind}Secret{uuid.uuid4().hex}"


class Province:
    """The registry API (it checks the token) and the Weibo API (it records the cookie and answers
    404, so the accounts fall through to RSSHub as on a normal day), served on loopback."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.authorizations: list[str | None] = []
        self.cookies: list[str | None] = []

    def app(self) -> web.Application:
        async def accounts(request: web.Request) -> web.Response:
            self.authorizations.append(request.headers.get("Authorization"))
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return web.json_response({"error": "invalid token"}, status=401)
            page = int(request.query.get("page", "1"))
            records = [{"账号名称": f"旗档案馆{n}", "平台类型": "抖音", "账号ID": f"88{n:08d}", "主办单位": "旗档案馆",
                        "备案时间": "2020-03-02", "开设时间": "2020-03-01", "运行状态": "正常"} for n in range(3)]
            return web.json_response({"data": records if page == 1 else []})

        async def weibo(request: web.Request) -> web.Response:
            self.cookies.append(request.headers.get("Cookie"))
            return web.json_response({"ok": 0}, status=404)

        app = web.Application()
        app.router.add_get("/api/v1/accounts", accounts)
        app.router.add_get("/api/container/getIndex", weibo)
        return app


def _store_dump(url: str) -> str:
    from sqlalchemy import inspect, select

    from govinspect.store import session_scope
    from govinspect.store.models import Base

    out = []
    with session_scope(url) as session:
        present = set(inspect(session.get_bind()).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name in present:
                out += [json.dumps(list(row), default=str, ensure_ascii=False) for row in session.execute(select(table))]
    return "\n".join(out)


def _readable(path: Path) -> str:
    """A file as its bytes and, for a notice, as what its reader shows (PDF text, XLSX XML)."""
    parts = [path.read_bytes().decode("latin-1")]
    if path.suffix == ".pdf" and shutil.which("pdftotext"):
        parts.append(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout)
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def run_with_connections(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo quarter through ``airflow dags test`` with the store, the registry API and the account
    sources configured by Connections only."""
    from govinspect import pipeline
    from govinspect.demo.farm import start_farm
    from govinspect.demo.run import DEMO_DIR
    from govinspect.profile import load_profile
    from govinspect.quarter import Quarter
    from govinspect.store import engine_for, migrate

    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL on loopback is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    home = tmp_path_factory.mktemp("secrets")
    secrets = {"store": _secret("Store"), "token": _secret("Token"), "cookie": _secret("Cookie"),
               "rsshub": _secret("Rsshub")}
    database = f"govinspect_secrets_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'create database "{database}"'))
    server = Province(secrets["token"])
    http = LoopbackServers()
    farm, store_url = None, ""
    try:
        port = http.serve(server.app())
        # The demo profile, with the Weibo API on the loopback server: its requests carry the cookie.
        profile_dir = home / "profile"
        shutil.copytree(DEMO_DIR / "data", profile_dir)
        toml = profile_dir / "inspection.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace(
            "[sources]\n", f'[sources]\nweibo_api = "http://weibo.example.cn:{port}"\n', 1), encoding="utf-8")
        profile = load_profile(toml)
        farm = start_farm(today=profile.check_point_for(Quarter.parse(QUARTER)))
        pg = PG_ADMIN_URL.split("://", 1)[1].split("@", 1)[1].rsplit("/", 1)[0]  # host:port
        store_url = f"postgresql+psycopg2://postgres:{secrets['store']}@{pg}/{database}"
        connections = {
            "AIRFLOW_CONN_GOVINSPECT_STORE": json.dumps({"conn_type": "postgres", "host": pg.split(":")[0],
                                                          "port": int(pg.split(":")[1]), "login": "postgres",
                                                          "password": secrets["store"], "schema": database}),
            "AIRFLOW_CONN_GOVINSPECT_REGISTRY_API": json.dumps({
                "conn_type": "http", "host": f"http://127.0.0.1:{port}", "password": secrets["token"],
                "extra": {"path": "/api/v1", "resources": {"accounts": "accounts"}, "retries": 0}}),
            "AIRFLOW_CONN_GOVINSPECT_NEWMEDIA": json.dumps({
                "conn_type": "generic", "extra": {"weibo_cookie": f"SUB={secrets['cookie']}",
                                                  "rsshub_key": secrets["rsshub"]}}),
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GOVINSPECT_"))}
        env.update({
            "AIRFLOW_HOME": str(home / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "dags"), os.environ.get("PYTHONPATH", "")])),
            "GOVINSPECT_HOME": str(home / "govinspect"),
            "GOVINSPECT_REPORTS_DIR": str(home / "reports"),
            "GOVINSPECT_PROFILE": str(toml),
            "GOVINSPECT_CONNECT_TO": connect_to_without_hangs(farm) + f",weibo.example.cn:{port}:127.0.0.1:{port}",
            "GOVINSPECT_ALLOW_NETWORKS": "127.0.0.0/8",
            "GOVINSPECT_PER_HOST_RATE": "40",
            **connections,
        })
        # What an operator's liveness_probe DAG leaves before the quarter: the registry and a week of probes.
        with pytest.MonkeyPatch.context() as patch:
            for key in ("GOVINSPECT_CONNECT_TO", "GOVINSPECT_ALLOW_NETWORKS", "GOVINSPECT_PROFILE"):
                patch.setenv(key, env[key])
            patch.delenv("GOVINSPECT_DB_URL", raising=False)
            migrate(store_url)
            pipeline.snapshot_registry(QUARTER, profile, store_url)
            pipeline.replay_probe_week(QUARTER, profile, store_url)
        airflow = Path(sys.executable).with_name("airflow")
        command = [str(airflow) if airflow.exists() else "airflow"]
        subprocess.run([*command, "db", "migrate"], env=env, capture_output=True, check=True, timeout=300)
        run = subprocess.run([*command, "dags", "test", "quarterly_inspection", "--conf", json.dumps({"quarter": QUARTER})],
                             env=env, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
        reports = sorted(p for p in (home / "reports").rglob("*") if p.is_file())
        yield {
            "secrets": secrets, "server": server, "store": _store_dump(store_url), "reports": reports,
            "output": run.stdout + run.stderr,
            "airflow_files": {p: p.read_bytes().decode("latin-1") for p in (home / "airflow").rglob("*") if p.is_file()},
        }
    finally:
        if farm is not None:
            farm.stop()
        http.stop()
        if store_url:
            engine_for(store_url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'drop database if exists "{database}" with (force)'))
        admin.dispose()


@pytest.mark.airflow
@pytest.mark.postgres
def test_every_connection_was_used(run_with_connections: dict[str, Any]) -> None:
    """The control: the secrets travelled where they belong, so their absence below means something."""
    run = run_with_connections
    secrets, server = run["secrets"], run["server"]
    assert f"Bearer {secrets['token']}" in server.authorizations  # the registry API's token
    assert f"SUB={secrets['cookie']}" in server.cookies  # the Weibo cookie
    assert '"旗档案馆0"' in run["store"]  # the API's accounts were imported, into the store the Connection names
    assert "code=***" in run["store"]  # RSSHub requests carried the key's code, kept redacted in the evidence
    assert any(p.suffix == ".pdf" for p in run["reports"]) and any(p.suffix == ".xlsx" for p in run["reports"])


@pytest.mark.airflow
@pytest.mark.postgres
def test_no_secret_in_logs_store_or_notice(run_with_connections: dict[str, Any]) -> None:
    run = run_with_connections
    haystacks = {"airflow dags test output": run["output"], "the results store": run["store"],
                 **{str(p): content for p, content in run["airflow_files"].items()},
                 **{str(p): _readable(p) for p in run["reports"]}}
    # `airflow dags test` writes the task logs to its output: each task's lines were in the haystack.
    for task in ("snapshot_registry", "check_websites", "check_accounts", "render_notice"):
        assert f"[DAG TEST] end task task_id={task}" in run["output"], task
    assert "Done. Returned value was" in run["output"]
    for name, secret in run["secrets"].items():
        leaks = [where for where, content in haystacks.items() if secret in content]
        assert leaks == [], f"the {name} secret appears in {leaks}"
