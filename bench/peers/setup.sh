#!/usr/bin/env bash
# Installs the peers of the side-by-side benchmark (bench/peers/), each into its own virtual environment, from PyPI.
#
#   bash bench/peers/setup.sh [prefect] [dagster] [luigi] [airflow]     (no argument: all four)
#
# Idempotent: a venv whose pinned version is already installed is left alone.
#   .venv-prefect   prefect 3.9.1                         (server on SQLite, ThreadPoolTaskRunner)
#   .venv-dagster   dagster + dagster-webserver 1.13.28   (daemon + webserver on SQLite, multiprocess executor)
#   .venv-luigi     luigi 3.8.1 + sqlalchemy 1.4            (central scheduler luigid with task history in SQLite)
#   .venv-airflow   made by bench/airflow/setup.sh        (Airflow 3, LocalExecutor, metadata DB on PostgreSQL)
# Versions: PREFECT_VERSION, LUIGI_VERSION (pip specifiers), DAGSTER_VERSION (one version for dagster, dagster-webserver
# and dagster-graphql); pinned exactly, so that a run carried on in a later sitting (run.py --resume) measures the same
# peers (run.py also compares each venv's `pip freeze` with the one the run started with). `pip freeze` of each venv
# goes to <venv>/installed-versions.txt. Nothing is downloaded when the benchmark runs.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
PREFECT_VERSION="${PREFECT_VERSION:-prefect==3.9.1}"
DAGSTER_VERSION="${DAGSTER_VERSION:-1.13.28}"
LUIGI_VERSION="${LUIGI_VERSION:-luigi==3.8.1}"

log() { echo "peers-setup: $*" >&2; }

# install NAME CHECK_IMPORT PACKAGES...: venv .venv-NAME with PACKAGES unless CHECK_IMPORT already succeeds there.
install() {
    local name="$1" check="$2"; shift 2
    local venv="${REPO}/.venv-${name}"
    if [ -x "${venv}/bin/python" ] && "${venv}/bin/python" -c "${check}" 2>/dev/null; then
        log "${name}: already installed in ${venv}"
        return 0
    fi
    [ -x "${venv}/bin/python" ] || { log "${name}: creating ${venv}"; "${PYTHON}" -m venv "${venv}"; }
    log "${name}: pip install $*"
    local start; start=$(date +%s)
    "${venv}/bin/pip" install -q "$@" >&2
    "${venv}/bin/pip" freeze > "${venv}/installed-versions.txt"
    "${venv}/bin/python" -c "${check}" || { log "${name}: installed but '${check}' fails"; exit 1; }
    log "${name}: installed in $(( $(date +%s) - start )) s"
}

peers=("$@"); [ ${#peers[@]} -gt 0 ] || peers=(prefect dagster luigi airflow)
for peer in "${peers[@]}"; do
    case "${peer}" in
        prefect) install prefect 'import prefect, sys; sys.exit(not prefect.__version__.startswith("3.9"))' "${PREFECT_VERSION}" ;;
        dagster) install dagster 'import dagster, dagster_webserver, dagster_graphql, sys; sys.exit(not dagster.__version__.startswith("1.13"))' \
                     "dagster==${DAGSTER_VERSION}" "dagster-webserver==${DAGSTER_VERSION}" "dagster-graphql==${DAGSTER_VERSION}" ;;
        # Luigi's task history (db_task_history) runs raw SQL strings, which SQLAlchemy 2 refuses: pin 1.4.
        luigi) install luigi 'import luigi, sqlalchemy, sys; sys.exit(not sqlalchemy.__version__.startswith("1.4"))' \
                   "${LUIGI_VERSION}" "sqlalchemy>=1.4,<2" ;;
        airflow) bash "${REPO}/bench/airflow/setup.sh" >&2 ;;
        *) echo "peers-setup: unknown peer '${peer}' (prefect, dagster, luigi, airflow)" >&2; exit 2 ;;
    esac
done
