#!/usr/bin/env python3
"""Derives openapi/v2.json, the subset of Airflow 3's public REST API that orch serves under /api/v2, from
Airflow's own OpenAPI documents (in the apache-airflow-core wheel: the core API and the simple auth manager).

Keeps the operations orch implements, the query parameters it reads, Airflow's schemas (every one referenced,
unchanged), and Airflow's status codes. Run it again when moving to a newer Airflow release:

    python3 openapi/derive-v2.py [AIRFLOW_CORE_WHEEL_OR_DIR]   (default: pip download apache-airflow-core==VERSION)
"""
import json, os, subprocess, sys, tempfile, zipfile

import yaml

AIRFLOW_VERSION = "3.3.2"
HERE = os.path.dirname(os.path.abspath(__file__))
CORE = "airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml"
AUTH = "airflow/api_fastapi/auth/managers/simple/openapi/v2-simple-auth-manager-generated.yaml"

PAGE = ["limit", "offset", "order_by"]
TI = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances"
# (method, path): the query parameters orch reads (path parameters are always kept).
OPERATIONS = {
    ("get", "/api/v2/dags"): PAGE + ["tags", "paused", "dag_id_pattern"],
    ("get", "/api/v2/dags/{dag_id}"): [],
    ("patch", "/api/v2/dags/{dag_id}"): [],
    ("get", "/api/v2/dags/{dag_id}/details"): [],
    ("get", "/api/v2/dagTags"): PAGE + ["tag_name_pattern"],
    ("get", "/api/v2/dags/{dag_id}/dagRuns"): PAGE + ["state", "run_type", "logical_date_gte", "logical_date_lte"],
    ("post", "/api/v2/dags/{dag_id}/dagRuns"): [],
    ("get", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}"): [],
    ("patch", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}"): [],
    ("delete", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}"): [],
    ("post", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/clear"): [],
    ("get", TI): PAGE + ["state"],
    ("get", TI + "/{task_id}"): [],
    ("patch", TI + "/{task_id}"): ["map_index"],
    ("get", TI + "/{task_id}/tries"): ["map_index"],
    ("get", TI + "/{task_id}/tries/{task_try_number}"): ["map_index"],
    ("post", "/api/v2/dags/{dag_id}/clearTaskInstances"): [],
    ("get", TI + "/{task_id}/logs/{try_number}"): ["full_content", "map_index", "token"],
    ("get", TI + "/{task_id}/xcomEntries"): PAGE + ["xcom_key", "map_index"],
    ("get", TI + "/{task_id}/xcomEntries/{xcom_key}"): ["map_index", "deserialize", "stringify"],
    ("get", "/api/v2/importErrors"): PAGE,
    ("get", "/api/v2/pools"): PAGE,
    ("get", "/api/v2/pools/{pool_name}"): [],
    ("get", "/api/v2/monitor/health"): [],
    ("get", "/api/v2/version"): [],
}
AUTH_OPERATIONS = [("post", "/auth/token"), ("post", "/auth/token/cli")]

DESCRIPTION = (
    "The part of Apache Airflow 3's public REST API (Airflow " + AIRFLOW_VERSION + ") that orch implements, so "
    "Airflow clients (apache-airflow-client, airflowctl, CI steps) can drive orch unchanged. Schemas, parameters "
    "and status codes are Airflow's; fields orch has no equivalent for carry constants listed in "
    "docs/airflow-api.md. Authentication: `Authorization: Bearer <orch API token>`; POST /auth/token with "
    "{\"username\": any, \"password\": <orch API token>} returns it as access_token. Reads are open on loopback "
    "(as /api/v1); requests that change state need the token. Errors are {\"detail\": ...}; invalid parameters "
    "or bodies are 422. Derived by openapi/derive-v2.py; orch's own API is /api/v1/openapi.json.")


def load(source):
    if source is None:
        tmp = tempfile.mkdtemp()
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp,
                        f"apache-airflow-core=={AIRFLOW_VERSION}"], check=True)
        source = os.path.join(tmp, os.listdir(tmp)[0])
    if os.path.isdir(source):
        return (yaml.safe_load(open(os.path.join(source, CORE))), yaml.safe_load(open(os.path.join(source, AUTH))))
    with zipfile.ZipFile(source) as z:
        return yaml.safe_load(z.read(CORE)), yaml.safe_load(z.read(AUTH))


def refs(node, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def main():
    core, auth = load(sys.argv[1] if len(sys.argv) > 1 else None)
    paths = {}
    for (method, path), query in OPERATIONS.items():
        op = dict(core["paths"][path][method])
        op["parameters"] = [p for p in op.get("parameters", [])
                            if p["in"] == "path" or (p["in"] == "query" and p["name"] in query)]
        if not op["parameters"]:
            del op["parameters"]
        paths.setdefault(path, {})[method] = op
    for method, path in AUTH_OPERATIONS:
        op = dict(auth["paths"][path][method])
        op["requestBody"] = {"required": True, "content": {"application/json":
                             op["requestBody"]["content"]["application/json"]}}
        paths.setdefault(path, {})[method] = op
    schemas = {**auth["components"]["schemas"], **core["components"]["schemas"]}
    needed, queue = set(), set()
    refs(paths, queue)
    while queue:
        name = queue.pop()
        if name in needed:
            continue
        needed.add(name)
        refs(schemas[name], queue)
    # Airflow's own document is wrong in one place: a dry-run clear lists task instances as oneOf
    # [TaskInstanceResponse, NewTaskResponse], but every full task instance also matches NewTaskResponse (two
    # required fields, extra fields allowed), so no real answer satisfies oneOf. anyOf says what Airflow sends.
    items = schemas["ClearTaskInstanceCollectionResponse"]["properties"]["task_instances"]["items"]
    if "oneOf" in items:
        items["anyOf"] = items.pop("oneOf")
    # A few operations document their 422 as HTTPExceptionResponse (a 422 their handler raises); FastAPI's own
    # validation answers HTTPValidationError there too, and orch answers every 422 that way.
    for ops in paths.values():
        for op in ops.values():
            if "422" in op["responses"]:
                op["responses"]["422"]["content"] = {"application/json": {
                    "schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}
    # orch refuses to delete a run that is still queued or running (409); Airflow documents no 409 there.
    paths["/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}"]["delete"]["responses"].setdefault("409", {
        "description": "Conflict: the run is queued or running; mark it success or failed first",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPExceptionResponse"}}}})
    doc = {
        "openapi": core["openapi"],
        "info": {"title": "orch: Airflow 3 REST API (subset)", "version": "1.0.0", "description": DESCRIPTION},
        "paths": paths,
        "components": {"schemas": {n: schemas[n] for n in sorted(needed)},
                       "securitySchemes": core["components"]["securitySchemes"]},
    }
    with open(os.path.join(HERE, "v2.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"openapi/v2.json: {sum(len(v) for v in paths.values())} operations, {len(needed)} schemas")


if __name__ == "__main__":
    main()
