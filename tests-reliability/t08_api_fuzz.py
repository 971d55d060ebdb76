"""Item 8: the HTTP API fuzzed from its own OpenAPI document with schemathesis (bounded examples per operation)
and with hand-made malformed requests (oversized bodies, bad UTF-8, bad JSON, path traversal, broken HTTP):
no answer is a 5xx, traversal never serves a file outside web/, and the server stays up throughout.
Usage: t08_api_fuzz.py [--examples N]   (default 25 per operation)"""
import re
from rel import *

VENV = os.path.join(ROOT, ".venv-reliability")


def raw(port, data, timeout=10):
    """Sends raw bytes; returns the status code of the answer (0 when the server closed without one)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)   # the request is complete: a short body ends here
        except OSError:
            pass   # the server already answered and closed (e.g. refused an oversized body): read what it sent
        buf = b""
        try:
            while b"\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            pass
        m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
        rest = b""
        try:
            s.settimeout(2)
            while len(rest) < 1_000_000:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
        except OSError:
            pass
        return (int(m.group(1)) if m else 0), buf + rest
    finally:
        s.close()


def hand_made(port):
    auth = f"Authorization: Bearer {TOKEN}\r\n".encode()
    big = b"{" + b'"a":"' + b"x" * (12 * 1024 * 1024) + b'"}'

    def post(path, body, ctype=b"application/json", extra=b""):
        return (b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + b"Content-Type: " + ctype +
                b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n" + extra + b"Connection: close\r\n\r\n" + body)

    def get(path, extra=b""):
        return b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"Connection: close\r\n\r\n"

    cases = {
        "oversized body 12 MiB": post(b"/api/v1/dags/example_fanout/runs", big),
        "bad JSON": post(b"/api/v1/dags/example_fanout/runs", b'{"conf": {"a": '),
        "JSON not an object": post(b"/api/v1/dags/example_fanout/runs", b'[1,2,3]'),
        "conf not an object": post(b"/api/v1/dags/example_fanout/runs", b'{"conf": "x"}'),
        "bad UTF-8 body": post(b"/api/v1/dags/example_fanout/runs", b'{"conf": {"k": "\xff\xfe\xc3\x28"}}'),
        "bad UTF-8 in path": get(b"/api/v1/dags/\xff\xfe\xc3\x28"),
        "percent-encoded bad UTF-8": get(b"/api/v1/dags/%ff%fe%c3%28/runs"),
        "NUL in path": get(b"/api/v1/dags/a%00b"),
        "deep JSON nesting": post(b"/api/v1/dags/example_fanout/runs", b'{"conf":' + b"[" * 100000 + b"]" * 100000 + b"}"),
        "huge number": post(b"/api/v1/dags/example_fanout/runs", b'{"conf": {"n": 1e999999}}'),
        "bad logical_date": post(b"/api/v1/dags/example_fanout/runs", b'{"logical_date": "2026-13-45T99:99:99Z"}'),
        "run_id traversal": post(b"/api/v1/dags/example_fanout/runs", b'{"run_id": "../../etc"}'),
        "unknown dag": post(b"/api/v1/dags/nope/runs", b'{}'),
        "PATCH bad state": (b"PATCH /api/v1/dags/example_fanout HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                            b"Content-Length: 20\r\nConnection: close\r\n\r\n" + b'{"is_paused": "yes"}'),
        "traversal ../": get(b"/../../../../etc/passwd"),
        "traversal encoded": get(b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
        "traversal double encoded": get(b"/%252e%252e/%252e%252e/etc/passwd"),
        "traversal to orch.db": get(b"/../orch.db"),
        "traversal backslash": get(b"/..\\..\\..\\etc\\passwd"),
        "traversal in log path": get(b"/api/v1/dags/example_fanout/runs/..%2F..%2F..%2Fetc/tasks/start/tries/1/log"),
        "log with bad try number": get(b"/api/v1/dags/example_fanout/runs/x/tasks/start/tries/99999999999999999999/log"),
        "log with negative offset": get(b"/api/v1/dags/example_fanout/runs/x/tasks/start/tries/1/log?offset=-5"),
        "query junk": get(b"/api/v1/dags?limit=-1&offset=abc&state=%ff"),
        "huge limit": get(b"/api/v1/dags/example_fanout/runs?limit=99999999999999999999999"),
        "very long URL": get(b"/api/v1/dags/" + b"a" * 100_000),
        "many headers": get(b"/api/v1/dags", b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(2000))),
        "bad method": b"BREW /api/v1/dags HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        "bad Content-Length": (b"POST /api/v1/dags/example_fanout/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                               b"Content-Length: -5\r\nConnection: close\r\n\r\n{}"),
        "short body": (b"POST /api/v1/dags/example_fanout/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                       b"Content-Length: 100\r\nConnection: close\r\n\r\n{}"),
        "garbage request line": b"\x00\x01\x02 garbage\r\n\r\n",
        "bad token": (b"POST /api/v1/dags/example_fanout/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \xff\r\n"
                      b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"),
        "wrong content type": post(b"/api/v1/dags/example_fanout/runs", b"a=b", ctype=b"application/x-www-form-urlencoded"),
    }
    results, fivexx = {}, []
    passwd = open("/etc/passwd", "rb").read()[:20]
    for name, data in cases.items():
        try:
            status, answer = raw(port, data, timeout=30)
        except (ConnectionResetError, BrokenPipeError, TimeoutError):
            status, answer = 0, b""   # the server may drop (or sit on) a connection it refuses; it must stay up
        results[name] = status
        if status >= 500:
            fivexx.append((name, status, answer[:300]))
        check(passwd not in answer and b"SQLite format 3" not in answer, f"{name}: served a file outside web/")
        wait_http(port, timeout=10)  # still up
    return results, fivexx


def schemathesis(port, examples, max_time):
    st = os.path.join(VENV, "bin", "schemathesis")
    if not os.path.exists(st):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "schemathesis"], check=True)
    args = [st, "run", f"http://127.0.0.1:{port}/api/v1/openapi.json", "--url", f"http://127.0.0.1:{port}/api/v1",
            "--checks", "not_a_server_error", "--max-examples", str(examples), "-H", f"Authorization: Bearer {TOKEN}",
            "--phases", "examples,coverage,fuzzing", "--no-color", "--seed", "1",
            # POST /worker/lease may hold a request up to 25 s by design (a long poll: WorkerWire.longestWait).
            "--request-timeout", "40", "--max-time", str(max_time), "--generation-database", ":memory:"]
    p = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=ROOT)
    return p


def body():
    examples = int(sys.argv[sys.argv.index("--examples") + 1]) if "--examples" in sys.argv else 25
    home = Home("fuzz")
    try:
        srv = home.serve(scheduler=False)
        port = srv.port
        home.orch("run", "example_fanout", "--logical-date", "2026-11-01", check_rc=0)
        results, fivexx = hand_made(port)
        check(not fivexx, f"5xx from hand-made requests: {fivexx}")
        p = schemathesis(port, examples, 90 if examples <= 25 else 600)
        out = p.stdout + p.stderr
        open(os.path.join(ROOT, "tests-reliability", "last-schemathesis.txt"), "w").write(out)
        check(srv.poll() is None, "the server died during fuzzing")
        wait_http(port, timeout=10)
        m = re.search(r"API probing.*?\n|Test cases:\s*\n?\s*(\d+) generated", out)
        gen = re.search(r"(\d+) generated", out)
        check(p.returncode == 0, f"schemathesis found problems (exit {p.returncode}):\n{out[-3000:]}")
        server_log = open(srv.out_path, errors="replace").read()
        return {"hand_made_requests": len(results), "hand_made_5xx": 0,
                "schemathesis_cases": int(gen.group(1)) if gen else None, "schemathesis_5xx": 0,
                "examples_per_operation": examples, "server_up": True,
                "statuses": sorted(set(results.values())),
                "closed_without_answer": sorted(k for k, v in results.items() if v == 0)}
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t08_api_fuzz", body)
