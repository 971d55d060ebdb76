"""Validates OpenLineage run events against the vendored official JSON schemas (schema/).

The event is checked against OpenLineage.json (2-0-2) with format checking (uuid, date-time, uri), and every facet
against the schema its _schemaURL points at. A facet whose schema is not vendored is an error: orch must not emit
what this test cannot check.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

HERE = pathlib.Path(__file__).resolve().parent
SCHEMAS = [HERE / "schema" / "OpenLineage.json"] + sorted((HERE / "schema" / "facets").glob("*.json"))


def _registry():
    resources = []
    for path in SCHEMAS:
        doc = json.loads(path.read_text())
        resources.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources)


REGISTRY = _registry()
CORE_ID = json.loads(SCHEMAS[0].read_text())["$id"]


def _validator(ref):
    return Draft202012Validator({"$ref": ref}, registry=REGISTRY,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _facets(event):
    """(where, facet) for every facet in the event."""
    run = event.get("run", {})
    for name, facet in run.get("facets", {}).items():
        yield f"run.facets.{name}", facet
    for name, facet in event.get("job", {}).get("facets", {}).items():
        yield f"job.facets.{name}", facet
    for kind, key in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        for i, ds in enumerate(event.get(kind, [])):
            for group in ("facets", key):
                for name, facet in ds.get(group, {}).items():
                    yield f"{kind}[{i}].{group}.{name}", facet


def errors(event):
    """Every schema violation of one event, as readable strings (empty: valid)."""
    found = [f"event: {e.json_path}: {e.message}" for e in _validator(CORE_ID).iter_errors(event)]
    for where, facet in _facets(event):
        url = facet.get("_schemaURL", "") if isinstance(facet, dict) else ""
        base = url.split("#", 1)[0]
        if not base or base not in REGISTRY:
            found.append(f"{where}: _schemaURL {url!r} names no vendored schema")
            continue
        found += [f"{where}: {e.json_path}: {e.message}" for e in _validator(url).iter_errors(facet)]
    return found


def _check_formats_are_enforced():
    """The format checks this module relies on are active (their optional packages are installed)."""
    for fmt, bad in (("uuid", "not-a-uuid"), ("date-time", "yesterday"), ("uri", "no scheme here")):
        if Draft202012Validator.FORMAT_CHECKER.conforms(bad, fmt):
            raise SystemExit(f"jsonschema does not check format {fmt!r}: install jsonschema[format-nongpl]")


_check_formats_are_enforced()

if __name__ == "__main__":
    status = 0
    for path in sys.argv[1:]:
        for line_no, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
            if line.strip():
                for problem in errors(json.loads(line)):
                    print(f"{path}:{line_no}: {problem}")
                    status = 1
    sys.exit(status)
