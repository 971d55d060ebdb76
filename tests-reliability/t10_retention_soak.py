"""Item 10: a soak with a fast clock: weeks of daily runs of reliability_daily backfilled a week at a time into
`orch serve` (ORCH_RETENTION_DAYS=30, checked every 2 s), ending today. Samples the server's RSS and the database
size after every week: both stay flat, and no finished run older than 30 days survives (nor its log folder).
Runs are kept a minute after they end (so a waiting backfill sees them end), so the check waits 70 s.
Ends with `orch db clean --keep-days 30 --vacuum`, which then finds nothing left to delete.
Usage: t10_retention_soak.py [--weeks W]   (default 52)"""
import datetime, glob, re
from rel import *

DAG = "reliability_daily"
KEEP = 30


def arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def body():
    weeks = arg("--weeks", 52)
    home = Home("soak", ORCH_RETENTION_DAYS=KEEP, ORCH_RETENTION_INTERVAL=2)
    try:
        home.unpause(DAG)
        srv = home.serve()
        today = datetime.datetime.now(datetime.timezone.utc).date()
        first = today - datetime.timedelta(days=7 * weeks - 1)
        samples = []
        began = time.time()
        for w in range(weeks):
            start = first + datetime.timedelta(days=7 * w)
            stop = start + datetime.timedelta(days=6)
            home.orch("backfill", DAG, "--from", start.isoformat(), "--to", stop.isoformat(), timeout=600, check_rc=0)
            time.sleep(2.5)   # one retention pass
            runs = home.query("SELECT count(*) AS n FROM dag_run")[0]["n"]
            db_bytes = os.path.getsize(home.db_path) + (os.path.getsize(home.db_path + "-wal")
                                                       if os.path.exists(home.db_path + "-wal") else 0)
            pages = home.query("PRAGMA page_count")[0]["page_count"]
            samples.append({"week": w + 1, "seconds": round(time.time() - began), "runs_in_db": runs, "db_file_bytes": db_bytes, "db_pages": pages,
                            "rss_kib": rss_kib(srv.pid)})
            log(json.dumps(samples[-1]))
            check(srv.poll() is None, "orch serve exited")
        time.sleep(70)   # runs are kept a minute after they end; then one more retention pass
        total_runs = 7 * weeks
        cutoff = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=KEEP)).timestamp()
        old = home.query("SELECT count(*) AS n FROM dag_run WHERE logical_date < ? AND state IN ('success', 'failed')",
                         (cutoff,))[0]["n"]
        check(old == 0, f"{old} finished runs older than {KEEP} days survived")
        orphans = home.query("SELECT (SELECT count(*) FROM task_instance WHERE run_pk NOT IN (SELECT id FROM dag_run)) + "
                             "(SELECT count(*) FROM task_attempt WHERE run_pk NOT IN (SELECT id FROM dag_run)) + "
                             "(SELECT count(*) FROM xcom WHERE run_pk NOT IN (SELECT id FROM dag_run)) AS n")[0]["n"]
        check(orphans == 0, f"{orphans} rows left without their run")
        # Log folders are named by the run id with '/', '\\' and ':' replaced by '_' (safeComponent).
        kept = {re.sub(r"[/\\:]", "_", r["run_id"]) for r in home.query("SELECT run_id FROM dag_run")}
        folders = {os.path.basename(p) for p in glob.glob(os.path.join(home.path, "logs", DAG, "*"))}
        check(folders <= kept, f"log folders of deleted runs remain: {sorted(folders - kept)[:5]}")
        p = home.orch("db", "clean", "--keep-days", str(KEEP), "--vacuum", check_rc=0)
        check(p.stdout.startswith("deleted 0 runs"), f"db clean found leftovers: {p.stdout}")
        check(integrity_ok(home), "integrity_check not ok")
        # Flat: runs stay a minute after they end, so the first 75 s are warm-up (the database fills up to its
        # steady state); the last 30 days are kept by design, so weeks inside that window are left out too.
        steady = [s for s in samples if s["seconds"] >= 75 and s["week"] <= weeks - 5]
        check(len(steady) >= 6, f"too few steady-state samples ({len(steady)}); use more --weeks")
        half = len(steady) // 2
        early, late = steady[:half], steady[half:]
        rss_early, rss_late = max(s["rss_kib"] for s in early), max(s["rss_kib"] for s in late)
        pages_early, pages_late = max(s["db_pages"] for s in early), max(s["db_pages"] for s in late)
        figures = {"weeks": weeks, "runs_executed": total_runs, "runs_kept": len(kept), "old_runs_left": 0,
                   "rss_kib_early_max": rss_early, "rss_kib_late_max": rss_late,
                   "db_pages_early_max": pages_early, "db_pages_late_max": pages_late,
                   "db_bytes_final": samples[-1]["db_file_bytes"], "clean_cli": p.stdout.strip()}
        log(json.dumps(figures))
        check(rss_late <= rss_early * 1.25 + 2048, f"RSS grew: {rss_early} -> {rss_late} KiB")
        check(pages_late <= pages_early * 1.25 + 8, f"database grew: {pages_early} -> {pages_late} pages")
        return figures
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t10_retention_soak", body)
