# Sourced by scripts/demo.sh.
# `print_ready PORT ORCH_HOME`: once the server answers on PORT, the dashboard's address, the API token (from
# ORCH_HOME/api-token, or ORCH_API_TOKEN) and the DAGs that are active (not paused), as the API lists them.
print_ready() {
    local port="$1" home="$2" active
    active="$(curl -fsS "http://127.0.0.1:${port}/api/v1/dags?paused=false&limit=1000" 2>/dev/null \
        | python3 -c 'import json, sys; print(", ".join(d["dag_id"] for d in json.load(sys.stdin)["dags"]) or "none")' 2>/dev/null \
        || echo "unknown (see the dashboard)")"
    echo "   dashboard    http://127.0.0.1:${port}"
    echo "   insights     http://127.0.0.1:${port}/#/insights/shopstream   (revenue, orders, products, customers, funnel)"
    if [ -n "${ORCH_API_TOKEN:-}" ]; then
        echo "   API token    the value of ORCH_API_TOKEN"
    elif [ -s "$home/api-token" ]; then
        echo "   API token    $(cat "$home/api-token")   (paste it into the dashboard to trigger, clear, mark, pause)"
    else
        echo "   API token    not written yet: see $home/api-token"
    fi
    echo "   active DAGs  ${active}"
    echo "   (the scheduler runs active DAGs on their schedules; pause them in the dashboard or with orch dags pause)"
}
