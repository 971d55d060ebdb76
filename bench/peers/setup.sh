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
# Versions: PREFECT_VERSION, LUIGI_VERSION, DAGSTER_VERSION (one version for dagster, dagster-webserver and
# dagster-graphql); pinned exactly, and a venv counts as installed only with exactly that version, so that a run
# carried on in a later sitting (run.py --resume) measures the same peers (run.py also compares each venv's whole
# `pip freeze` with the one the run started with, and writes it to <out>/venvs/NAME.txt). `pip freeze` of each venv
# goes to <venv>/installed-versions.txt. Nothing is downloaded when the benchmark runs.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
PREFECT_VERSION="${PREFECT_VERSION:-3.9.1}"
DAGSTER_VERSION="${DAGSTER_VERSION:-1.13.28}"
LUIGI_VERSION="${LUIGI_VERSION:-3.8.1}"

log() { echo "peers-setup: $*" >&2; }

# install NAME CHECK_IMPORT PACKAGES...: venv .venv-NAME with PACKAGES unless CHECK_IMPORT already succeeds there.
# is_version DIST VERSION: python code that exits 0 only when distribution DIST is installed at exactly VERSION.
is_version() { echo "import importlib.metadata as m, sys; sys.exit(m.version('$1') != '$2')"; }
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
        prefect) install prefect "$(is_version prefect "${PREFECT_VERSION}")" "prefect==${PREFECT_VERSION}" ;;
        dagster) install dagster "import dagster_webserver, dagster_graphql; $(is_version dagster "${DAGSTER_VERSION}")" \
                     "dagster==${DAGSTER_VERSION}" "dagster-webserver==${DAGSTER_VERSION}" "dagster-graphql==${DAGSTER_VERSION}" ;;
        # Luigi's task history (db_task_history) runs raw SQL strings, which SQLAlchemy 2 refuses: pin 1.4.
        luigi) install luigi "import sqlalchemy; assert sqlalchemy.__version__.startswith('1.4'); $(is_version luigi "${LUIGI_VERSION}")" \
                   "luigi==${LUIGI_VERSION}" "sqlalchemy>=1.4,<2" ;;
        airflow) bash "${REPO}/bench/airflow/setup.sh" >&2 ;;
        *) echo "peers-setup: unknown peer '${peer}' (prefect, dagster, luigi, airflow)" >&2; exit 2 ;;
    esac
done
