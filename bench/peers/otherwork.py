"""Whether the machine was quiet while each system ran: the report's section on other programs' CPU, from the
`others_cpu_s`, `steal_s` and `machine_cpus` that driver.py records beside every run and idle measurement.

A figure taken while something else used the CPUs (a build, a test suite, another benchmark) is not the system's
own: the section gives each system's share of the machine that other programs took and lists every run above
SHARE_LIMIT, so a reader can tell a quiet run from a disturbed one without taking anyone's word for it.
"""
from __future__ import annotations

SHARE_LIMIT = 0.05   # other programs' CPU over the run's wall time on every CPU: above this a run was disturbed
# /proc/stat counts in 10 ms ticks: a measurement is judged on its own only when its wall time on every CPU is long
# enough for one tick to be a small share of it (at 2 s, 0.5 %); shorter ones count in their step's sum.
JUDGED_CPU_SECONDS = 2.0


def _capacity(record: dict) -> float | None:
    """The run's wall time on every CPU (seconds): what other programs' CPU is a share of."""
    cpus = record.get("machine_cpus")
    wall = record.get("trigger_to_end_s") if record.get("type") == "sample" else record.get("seconds")
    if record.get("others_cpu_s") is None or not cpus or not wall or wall <= 0:
        return None
    return wall * cpus


def share(records: list[dict]) -> float | None:
    """Other programs' CPU seconds over the CPU seconds the measurements had (wall time x CPUs), summed over the
    records that carry the figures; None when none does."""
    pairs = [(r["others_cpu_s"], c) for r in records if (c := _capacity(r))]
    if not pairs:
        return None
    return sum(o for o, _ in pairs) / sum(c for _, c in pairs)


def _judged(records: list[dict]) -> list[dict]:
    return [r for r in records if (_capacity(r) or 0) >= JUDGED_CPU_SECONDS]


def disturbed(records: list[dict]) -> list[dict]:
    """The measurements, long enough to be judged on their own, in which other programs took more than SHARE_LIMIT
    of the machine."""
    return [r for r in _judged(records) if share([r]) > SHARE_LIMIT]


def disturbed_steps(records: list[dict]) -> list[tuple[str, object, float]]:
    """(system, repeat, share) of every step (a system's measurements in one repeat) whose summed share is above
    SHARE_LIMIT: what a short run cannot show alone, a step's sum can."""
    steps: dict[tuple[str, object], list[dict]] = {}
    for r in records:
        if _capacity(r):
            steps.setdefault((r.get("system"), r.get("repeat")), []).append(r)
    return [(s, rep, x) for (s, rep), rows in steps.items() if (x := share(rows)) > SHARE_LIMIT]


def summary_line(records: list[dict]) -> str | None:
    """One sentence for the report's head, or None without the figures."""
    measured = [r for r in records if _capacity(r)]
    if not measured:
        return None
    steps = disturbed_steps(measured)
    return (f"Other programs on the machine took {100 * share(measured):.1f} % of its CPUs over all measurements; "
            f"{len(disturbed(measured))} measurement(s) and {len(steps)} step(s) above {100 * SHARE_LIMIT:g} % "
            "(section \"Other work on the machine\").")


def markdown(records: list[dict], systems: list[str]) -> list[str]:
    """Per system: how much of the machine other programs took while it was measured, then what was disturbed."""
    measured = [r for r in records if _capacity(r)]
    if not measured:
        return []
    lines = ["## Other work on the machine while each system ran", "",
             "Other programs' CPU (the machine's busy time less the driver's and everything it started) over the "
             "measurements' wall time on every CPU, summed; the largest share of one measurement long enough to judge "
             f"alone (at least {JUDGED_CPU_SECONDS:g} CPU seconds: /proc/stat counts 10 ms ticks); and the time the "
             f"hypervisor gave to other guests (steal). Above {100 * SHARE_LIMIT:g} % a measurement or a step (one "
             "system's measurements in one repeat) was disturbed. Airflow's share includes the PostgreSQL server "
             "that holds its metadata: a system service, outside the driver's group, working for Airflow.", "",
             "| system | measurements | other programs' share | largest judged | steal, s | disturbed |",
             "| --- | --- | --- | --- | --- | --- |"]
    for system in systems:
        rows = [r for r in measured if r.get("system") == system]
        if not rows:
            continue
        judged = [share([r]) for r in _judged(rows)]
        largest = f"{100 * max(judged):.1f} %" if judged else "-"
        steal = sum(r.get("steal_s") or 0 for r in rows)
        lines.append(f"| {system} | {len(rows)} | {100 * share(rows):.1f} % | {largest} | {steal:.2f} | "
                     f"{len(disturbed(rows))} |")
    bad, steps = disturbed(measured), disturbed_steps(measured)
    lines += [""]
    if not bad and not steps:
        return lines + [f"No measurement and no step above {100 * SHARE_LIMIT:g} %.", ""]
    if steps:
        lines += ["| disturbed step: system | repeat | other programs' share |", "| --- | --- | --- |"]
        lines += [f"| {s} | {rep} | {100 * x:.1f} % |" for s, rep, x in steps] + [""]
    if bad:
        lines += ["| disturbed measurement: system | shape | repeat | other programs' CPU, s | share |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {r.get('system')} | {r.get('shape', 'idle')} | {r.get('repeat', '-')} | {r['others_cpu_s']:.2f} | "
                  f"{100 * share([r]):.1f} % |" for r in bad] + [""]
    return lines
