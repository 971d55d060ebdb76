#!/usr/bin/env bash
# Stops and starts (or only stops/starts) the local PostgreSQL cluster, for fault tests.
# Usage: scripts/pg-restart.sh [restart|stop|start]   (default restart)
set -euo pipefail
PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
action="${1:-restart}"
case "${action}" in restart|stop|start) ;; *) echo "pg-restart: unknown action '${action}' (use restart, stop or start)" >&2; exit 2;; esac
if [ "$(id -u)" = "0" ]; then
    pg_ctlcluster --skip-systemctl-redirect "${PG_VERSION}" "${PG_CLUSTER}" "${action}" -m fast
else
    sudo -n -u postgres pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" "${action}" -m fast
fi
if [ "${action}" != "stop" ]; then
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && exit 0; sleep 0.5; done
    echo "pg-restart: PostgreSQL did not become ready" >&2; exit 1
fi
