"""Shared helpers for the reliability suite: temporary ORCH_HOMEs, the orch binary, servers, SQLite checks.

Every helper works on loopback and on real processes; nothing here is faked.
"""
import http.client as httpclient
import contextlib, re, json, os, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORCH = os.environ.get("ORCH_BIN") or os.path.join(ROOT, ".build-rel/debug/orch")
TOKEN = "reliability-token-0123456789"
PG_ADMIN_DSN = os.environ.get("ORCH_REL_PG", "postgresql://orch:orch@127.0.0.1:5432/orch")


def log(*a):
    print(*a, flush=True)


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Home:
    """A fresh ORCH_HOME in a temporary folder, with the env to run `orch` against it."""

    def __init__(self, name, keep=False, **extra_env):
        self.path = tempfile.mkdtemp(prefix=f"orch-rel-{name}-")
        self.keep = keep
        self.env = dict(os.environ)
        # DAGs start paused, so a scheduler runs only what a test unpauses (never shopstream_daily by itself).
        self.env.update({"ORCH_HOME": self.path, "ORCH_API_TOKEN": TOKEN, "ORCH_DAGS_ARE_PAUSED_AT_CREATION": "true",
                         "ORCH_WAREHOUSE_MIGRATIONS_DIR": os.path.join(ROOT, "migrations/warehouse")})
        self.env.update({k: str(v) for k, v in extra_env.items()})
        self.procs = []

    def unpause(self, *dags):
        for d in dags:
            self.orch("dags", "unpause", d, check_rc=0)

    @property
    def db_path(self):
        return os.path.join(self.path, "orch.db")

    def orch(self, *args, timeout=300, check_rc=None, env=None):
        e = dict(self.env)
        e.update(env or {})
        p = subprocess.run([ORCH, *args], env=e, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        if check_rc is not None and p.returncode != check_rc:
            raise Failure(f"orch {' '.join(args)} exited {p.returncode}, wanted {check_rc}\n"
                          f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
        return p

    def spawn(self, *args, out=None, env=None, preexec=None):
        """Starts `orch ARGS` in the background, its output in a file under the home."""
        e = dict(self.env)
        e.update(env or {})
        out = out or os.path.join(self.path, f"{args[0]}-{len(self.procs)}.out")
        f = open(out, "ab")
        p = subprocess.Popen([ORCH, *args], env=e, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT,
                             start_new_session=True, preexec_fn=preexec)
        p.out_path = out
        self.procs.append(p)
        return p

    def serve(self, port=None, scheduler=True, env=None, preexec=None):
        port = port or free_port()
        args = ["serve" if scheduler else "webserver", "--port", str(port)]
        p = self.spawn(*args, env=env, preexec=preexec)
        wait_http(port, proc=p)
        p.port = port
        return p

    def db(self):
        c = sqlite3.connect(self.db_path, timeout=30)
        c.row_factory = sqlite3.Row
        return c

    def query(self, sql, params=()):
        with contextlib.closing(self.db()) as c:
            return [dict(r) for r in c.execute(sql, params)]

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=5)
        self.procs = []

    def cleanup(self):
        self.stop_all()
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)


def wait_http(port, proc=None, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise Failure(f"server exited with {proc.returncode}: {open(proc.out_path).read()[-2000:]}")
        try:
            status, _, _ = http(port, "GET", "/api/v1/health", timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise Failure(f"no HTTP answer on port {port} after {timeout} s")


def http(port, method, path, body=None, headers=None, timeout=30, token=True):
    c = httpclient.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    if token and "Authorization" not in h:
        h["Authorization"] = f"Bearer {TOKEN}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        return r.status, dict(r.getheaders()), data
    finally:
        c.close()


def attempt_overlaps(home):
    """Pairs of attempts of the same task instance whose [start, end] intervals overlap."""
    rows = home.query("SELECT run_pk, task_id, try_number, start_date, end_date FROM task_attempt "
                      "ORDER BY run_pk, task_id, start_date")
    bad, prev = [], {}
    for r in rows:
        key = (r["run_pk"], r["task_id"])
        p = prev.get(key)
        if p is not None:
            p_end = p["end_date"] if p["end_date"] is not None else float("inf")
            if r["start_date"] < p_end:
                bad.append((p, r))
        prev[key] = r
    return bad, len(rows)


def wait_runs_finished(home, dag_id, count, timeout, procs=()):
    end = time.time() + timeout
    while time.time() < end:
        rows = home.query("SELECT state FROM dag_run WHERE dag_id = ?", (dag_id,))
        if len(rows) >= count and all(r["state"] in ("success", "failed") for r in rows):
            return rows
        for p in procs:
            check(p.poll() is None, f"process {p.args} exited {p.returncode}: {open(p.out_path).read()[-1500:]}")
        time.sleep(0.5)
    raise Failure(f"runs of {dag_id} not finished after {timeout} s: "
                  f"{home.query('SELECT run_id, state FROM dag_run WHERE dag_id = ?', (dag_id,))}")


def integrity_ok(home):
    return home.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"


def psql(dsn, sql):
    p = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", dsn, "-c", sql],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise Failure(f"psql failed: {p.stderr}")
    return p.stdout.strip()


def fresh_pg_database(name):
    """Drops and creates database NAME owned by orch; returns its DSN."""
    psql(PG_ADMIN_DSN, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(PG_ADMIN_DSN, f"CREATE DATABASE {name} OWNER orch")
    return PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name


def main(name, body):
    """Runs one test body; prints `PASS name: figures` or `FAIL name: why`; exit code 0 or 1."""
    started = time.time()
    try:
        figures = body()
    except Failure as e:
        log(f"FAIL {name}: {e}")
        sys.exit(1)
    except Exception as e:  # an unexpected error is a failure of the test, shown with its type
        import traceback
        traceback.print_exc()
        log(f"FAIL {name}: {type(e).__name__}: {e}")
        sys.exit(1)
    log(f"PASS {name} ({time.time() - started:.0f} s): {json.dumps(figures)}")


def log_end_offsets(home):
    """{(topic, partition): end offset} from `orch shopstream topics` (columns TOPIC PARTITION START END ...)."""
    out = home.orch("shopstream", "topics", check_rc=0).stdout
    ends = {}
    for line in out.splitlines():
        cells = line.split()
        if len(cells) >= 4 and cells[1].isdigit() and cells[2].isdigit() and cells[3].isdigit():
            check(cells[2] == "0", f"event log partition {cells[0]}/{cells[1]} does not start at 0: {line}")
            ends[(cells[0], int(cells[1]))] = int(cells[3])
    return ends, out


def check_bronze_against_log(home, dsn):
    """Bronze (rows + dead letters) equals the event log per topic and partition, offsets 0..n-1, no duplicate.
    Returns (bronze rows, log messages, rows lost)."""
    dupes = psql(dsn, 'SELECT topic, "partition", "offset", count(*) FROM bronze.raw_events '
                      'GROUP BY 1, 2, 3 HAVING count(*) > 1')
    check(dupes == "", f"duplicates in bronze: {dupes[:500]}")
    ends, topics_out = log_end_offsets(home)
    check(ends, f"could not read end offsets from `orch shopstream topics`:\n{topics_out}")
    got = {}
    for line in psql(dsn, 'SELECT topic, "partition", count(*), max("offset") FROM ('
                          'SELECT topic, "partition", "offset" FROM bronze.raw_events UNION ALL '
                          'SELECT topic, "partition", "offset" FROM bronze.dead_letter) x GROUP BY 1, 2').splitlines():
        t, p, n, mx = line.split("|")
        got[(t, int(p))] = (int(n), int(mx))
    lost = 0
    for key, end in ends.items():
        n, mx = got.get(key, (0, -1))
        lost += end - n
        check(n == end and mx == end - 1, f"{key}: bronze has {n} rows (max offset {mx}), the log {end}")
    extra = set(got) - set(ends)
    check(not extra, f"bronze partitions not in the log: {extra}")
    return sum(n for n, _ in got.values()), sum(ends.values()), lost
