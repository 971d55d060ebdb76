#!/usr/bin/env bash
# Installs Apache Airflow 3 for the side-by-side benchmark and prepares its metadata database.
#
# Idempotent: a second run reuses the virtual environment, the database and the config.
#   - venv:         <repo>/.venv-airflow            (gitignored; override with AIRFLOW_BENCH_VENV)
#   - AIRFLOW_HOME: <repo>/.venv-airflow/home       (override with AIRFLOW_BENCH_HOME)
#   - metadata DB:  database airflow_bench on the local PostgreSQL started by scripts/pg-up.sh (role orch)
#   - config:       LocalExecutor, parallelism 2 (= orch's worker slots on 2 cores), api-server on 127.0.0.1:28080
#                   with 1 worker, SimpleAuthManager with everyone admin, no examples, DAGs unpaused at creation.
# Airflow's constraints files live on GitHub, which this machine cannot reach, so the version is pinned here
# (AIRFLOW_VERSION, default below) and pip resolves the rest; the installed versions are written to
# .venv-airflow/installed-versions.txt.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AIRFLOW_VERSION="${AIRFLOW_VERSION:-3.3.2}"
VENV="${AIRFLOW_BENCH_VENV:-${REPO}/.venv-airflow}"
HOME_DIR="${AIRFLOW_BENCH_HOME:-${VENV}/home}"
API_PORT="${AIRFLOW_BENCH_API_PORT:-28080}"
PYTHON="${PYTHON:-python3}"

log() { echo "airflow-setup: $*" >&2; }

# 1. PostgreSQL (the shared script starts the cluster and creates role orch/orch).
PG_URL="$(bash "${REPO}/scripts/pg-up.sh")"
PG_PORT="$(echo "${PG_URL}" | sed -E 's#.*:([0-9]+)/.*#\1#')"
as_postgres() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres -- "$@"; fi
}
if [ "$(as_postgres psql -X -tAc "SELECT 1 FROM pg_database WHERE datname = 'airflow_bench'" -p "${PG_PORT}")" != "1" ]; then
    log "creating database airflow_bench owned by orch"
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "${PG_PORT}" -c "CREATE DATABASE airflow_bench OWNER orch"
fi
SQL_CONN="postgresql+psycopg2://orch:orch@127.0.0.1:${PG_PORT}/airflow_bench"

# 2. Virtual environment with Airflow.
if [ ! -x "${VENV}/bin/python" ]; then
    log "creating venv ${VENV}"
    "${PYTHON}" -m venv "${VENV}"
fi
installed="$("${VENV}/bin/python" -c 'import importlib.metadata as m; print(m.version("apache-airflow"))' 2>/dev/null || true)"
if [ "${installed}" != "${AIRFLOW_VERSION}" ] || ! "${VENV}/bin/python" -c 'import psycopg2, airflow.providers.postgres' 2>/dev/null; then
    log "installing apache-airflow==${AIRFLOW_VERSION} (+postgres provider) with pip; takes a few minutes"
    start=$(date +%s)
    "${VENV}/bin/pip" install -q --upgrade pip >&2
    "${VENV}/bin/pip" install -q "apache-airflow[postgres]==${AIRFLOW_VERSION}" psycopg2-binary requests >&2
    log "pip install took $(( $(date +%s) - start )) s"
    "${VENV}/bin/pip" freeze > "${VENV}/installed-versions.txt"
fi

# 3. Config (rewritten every time so it always matches this script; secrets kept once made).
mkdir -p "${HOME_DIR}"
secret_file="${HOME_DIR}/.secrets"
if [ ! -f "${secret_file}" ]; then
    "${VENV}/bin/python" - > "${secret_file}" <<'PY'
import secrets
from cryptography.fernet import Fernet
print(Fernet.generate_key().decode())
print(secrets.token_urlsafe(32))
print(secrets.token_urlsafe(32))
PY
fi
FERNET="$(sed -n 1p "${secret_file}")"; JWT="$(sed -n 2p "${secret_file}")"; API_SECRET="$(sed -n 3p "${secret_file}")"
cat > "${HOME_DIR}/airflow.cfg" <<CFG
# Written by bench/airflow/setup.sh; edits are overwritten.
[core]
dags_folder = ${REPO}/bench/airflow/dags
executor = LocalExecutor
parallelism = 2
load_examples = False
dags_are_paused_at_creation = False
fernet_key = ${FERNET}
auth_manager = airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
simple_auth_manager_all_admins = True
execution_api_server_url = http://127.0.0.1:${API_PORT}/execution/

[database]
sql_alchemy_conn = ${SQL_CONN}

[api]
host = 127.0.0.1
port = ${API_PORT}
workers = 1
secret_key = ${API_SECRET}
base_url = http://127.0.0.1:${API_PORT}

[api_auth]
jwt_secret = ${JWT}

[dag_processor]
refresh_interval = 10
min_file_process_interval = 10

[logging]
base_log_folder = ${HOME_DIR}/logs
CFG

# 4. Metadata schema.
log "migrating the metadata database"
AIRFLOW_HOME="${HOME_DIR}" "${VENV}/bin/airflow" db migrate >&2
"${VENV}/bin/python" -c 'import importlib.metadata as m; print("apache-airflow", m.version("apache-airflow"))'
echo "AIRFLOW_HOME=${HOME_DIR}"
