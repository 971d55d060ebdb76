#!/usr/bin/env bash
# Starts a local PostgreSQL 15 for orch and prints the conninfo to use.
# Idempotent and non-interactive: installs the server when missing (Debian/apt), starts the cluster,
# waits until it accepts connections, and creates role `orch` (password `orch`) and databases `orch`
# and `orch_test` when missing. Safe to run again when everything is already up.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_PORT="${PG_PORT:-5432}"

log() { echo "pg-up: $*" >&2; }

as_postgres() {
    if [ "$(id -un)" = "postgres" ]; then "$@"
    elif [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"
    else sudo -n -u postgres -- "$@"
    fi
}

as_root() {
    if [ "$(id -u)" = "0" ]; then "$@"; else sudo -n -- "$@"; fi
}

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ]; then
    log "installing postgresql ${PG_VERSION} with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-${PG_VERSION}" postgresql-client >&2
fi

if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} ${PG_CLUSTER}"; then
    log "creating cluster ${PG_VERSION}/${PG_CLUSTER}"
    as_root pg_createcluster "${PG_VERSION}" "${PG_CLUSTER}" --port "${PG_PORT}" >&2
fi

status="$(pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${PG_CLUSTER}" '$1==v && $2==c {print $4}')"
if [ "${status}" != "online" ]; then
    log "starting cluster ${PG_VERSION}/${PG_CLUSTER}"
    if [ "$(id -u)" = "0" ]; then
        pg_ctlcluster --skip-systemctl-redirect "${PG_VERSION}" "${PG_CLUSTER}" start >&2
    else
        as_postgres pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" start >&2
    fi
fi

for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "${PG_PORT}"; then break; fi
    sleep 0.5
done
if ! pg_isready -q -h 127.0.0.1 -p "${PG_PORT}"; then
    log "PostgreSQL did not become ready on 127.0.0.1:${PG_PORT}; see /var/log/postgresql/postgresql-${PG_VERSION}-${PG_CLUSTER}.log"
    exit 1
fi

psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "${PG_PORT}" "$@"; }

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'orch'")" != "1" ]; then
    log "creating role orch"
    psql_admin -c "CREATE ROLE orch LOGIN PASSWORD 'orch' CREATEDB"
fi
# CREATEROLE: a test makes a role of its own and takes its login away mid-run (CLIXComChannelTests).
if [ "$(psql_admin -tAc "SELECT rolcreaterole FROM pg_roles WHERE rolname = 'orch'")" != "t" ]; then
    psql_admin -c "ALTER ROLE orch CREATEROLE"
fi
for db in orch orch_test; do
    if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '${db}'")" != "1" ]; then
        log "creating database ${db}"
        psql_admin -c "CREATE DATABASE ${db} OWNER orch"
    fi
done

echo "postgresql://orch:orch@127.0.0.1:${PG_PORT}/orch"
