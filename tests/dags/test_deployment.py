"""The docker compose stack and its image stay honest: the file validates with Debian's
docker-compose (v1, no engine needed), and what it wires together matches the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW_SERVICES = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
                    "airflow-worker-1", "airflow-worker-2", "airflow-init"}


def _compose(*args: str, env_file: Path) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is required in CI (scripts/system-deps.sh installs it)")
        pytest.skip("docker-compose (v1) is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GOVINSPECT", "POSTGRES"))}
    return subprocess.run([binary, "--env-file", str(env_file), "-f", str(ROOT / "docker-compose.yml"), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def stack() -> dict:
    result = _compose("config", env_file=ROOT / ".env.example")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_stack_has_every_service(stack):
    assert set(stack["services"]) == AIRFLOW_SERVICES | {"postgres", "redis", "rsshub"}
    commands = {name: stack["services"][name].get("command") for name in AIRFLOW_SERVICES}
    assert commands["airflow-apiserver"] == "api-server"
    assert commands["airflow-scheduler"] == "scheduler"
    assert commands["airflow-dag-processor"] == "dag-processor"
    assert commands["airflow-triggerer"] == "triggerer"


def test_every_airflow_process_shares_executor_database_and_secret(stack):
    envs = [stack["services"][name]["environment"] for name in AIRFLOW_SERVICES]
    for key in ("AIRFLOW__CORE__EXECUTOR", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__API_AUTH__JWT_SECRET",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "GOVINSPECT_DB_URL"):
        assert len({env[key] for env in envs}) == 1, key
    env = envs[0]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith("http://airflow-apiserver:8080/")
    assert env["GOVINSPECT_DB_URL"].endswith("@postgres/govinspect")
    init_sql = (ROOT / "scripts" / "compose-init-db.sql").read_text(encoding="utf-8")
    assert re.search(r"create database govinspect\b", init_sql, re.IGNORECASE)


def test_two_workers_serve_the_queues_the_dags_use(stack):
    services = stack["services"]
    queues = {}
    for name in ("airflow-worker-1", "airflow-worker-2"):
        command = services[name]["command"]
        assert command.startswith("celery worker")
        queues[name] = set(re.search(r"--queues (\S+)", command).group(1).split(","))
        assert "default" in queues[name]
    env = services["airflow-worker-1"]["environment"]
    served = queues["airflow-worker-1"] | queues["airflow-worker-2"]
    assert {env["GOVINSPECT_WEBSITE_QUEUE"], env["GOVINSPECT_FEED_QUEUE"]} <= served


def test_only_rsshub_is_an_allowed_private_address(stack):
    import ipaddress

    services = stack["services"]
    address = services["rsshub"]["networks"]["feeds"]["ipv4_address"]
    subnet = ipaddress.ip_network(stack["networks"]["feeds"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_address(address) in subnet
    env = services["airflow-worker-1"]["environment"]
    allowed = [n for n in env["GOVINSPECT_ALLOW_NETWORKS"].split(",") if n]
    assert allowed == [f"{address}/32"]
    assert env["GOVINSPECT_RSSHUB_BASE"] == "http://rsshub:1200"
    for worker in ("airflow-worker-1", "airflow-worker-2"):
        assert "feeds" in services[worker]["networks"]


def test_init_migrates_and_creates_the_pools(stack):
    script = "\n".join(stack["services"]["airflow-init"]["command"])
    assert "airflow db migrate" in script
    assert "python -m govinspect_airflow.pools" in script and "airflow pools import" in script


def test_secrets_are_required(tmp_path):
    env_file = tmp_path / "incomplete.env"
    env_file.write_text("AIRFLOW_UID=50000\nAIRFLOW_JWT_SECRET=x\n", encoding="utf-8")
    result = _compose("config", env_file=env_file)
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def test_the_image_is_the_airflow_release_we_pin():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    constraints = (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^apache-airflow==(\S+)$", constraints, re.MULTILINE).group(1)
    base = re.search(r"^FROM apache/airflow:(\S+?)-python(\S+)$", dockerfile, re.MULTILINE)
    assert base and base.group(1) == pinned and pinned.startswith("3.3.")
    for folder in ("include", "dags", "plugins"):
        assert re.search(rf"^COPY .*\b{folder}\b", dockerfile, re.MULTILINE), folder
    assert "fonts-arphic-uming" in dockerfile


def test_env_example_names_every_variable_the_file_reads():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", text))  # $${X} is the container's own
    defined = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#")}
    assert used - {"GOVINSPECT_IMAGE"} <= defined, sorted(used - defined)
