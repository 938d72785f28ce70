#!/usr/bin/env bash
# Airflow standalone on http://localhost:8080 with the demo county: the farm on loopback,
# the embedded SQLite store and Airflow's own SQLite metadata under .govinspect/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export GOVINSPECT_HOME="${GOVINSPECT_HOME:-$root/.govinspect}"
export GOVINSPECT_REPORTS_DIR="${GOVINSPECT_REPORTS_DIR:-$root/reports}"
export GOVINSPECT_PROFILE="${GOVINSPECT_PROFILE:-$root/include/govinspect/demo/data/inspection.toml}"
export GOVINSPECT_ALLOW_NETWORKS="${GOVINSPECT_ALLOW_NETWORKS:-127.0.0.0/8}"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$GOVINSPECT_HOME/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$root/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$root/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
mkdir -p "$AIRFLOW_HOME"
# airflow standalone starts its components as `airflow ...`: the venv must come first on PATH.
export PATH="$root/.venv/bin:$PATH"
# The pools must exist before a check batch can be scheduled (see include/govinspect_airflow/pools.py).
.venv/bin/airflow db migrate >/dev/null
.venv/bin/python -m govinspect_airflow.pools "$AIRFLOW_HOME/govinspect-pools.json"
.venv/bin/airflow pools import "$AIRFLOW_HOME/govinspect-pools.json" >/dev/null

farm_out=$(mktemp)
.venv/bin/python -m govinspect.demo.farm --today 2020-10-15 --port "${GOVINSPECT_FARM_PORT:-18080}" >"$farm_out" &
farm_pid=$!
trap 'kill $farm_pid 2>/dev/null || true; rm -f "$farm_out"' EXIT
for _ in $(seq 50); do
  [ -s "$farm_out" ] && break
  sleep 0.2
done
GOVINSPECT_CONNECT_TO=$(head -n1 "$farm_out")
export GOVINSPECT_CONNECT_TO
echo "demo farm on loopback: $GOVINSPECT_CONNECT_TO" >&2
echo "Airflow UI: http://localhost:8080  user: admin  password: see $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated" >&2
echo "Inspection view: http://localhost:8080/plugin/govinspect (in the nav as Inspection)" >&2
exec .venv/bin/airflow standalone
