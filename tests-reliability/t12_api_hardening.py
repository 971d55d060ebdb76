"""Issue 11, the API half, against a real `orch webserver` over loopback: conf secrets masked in run listings,
a foreign Host header refused (DNS rebinding), 50 parallel triggers all 201 with 50 distinct runs, an impossible
date refused, 1,100 idle connections from one address while /health still answers at once (and for how long
they are held), and 414/431 answered in the JSON error format.
Usage: t12_api_hardening.py"""
import concurrent.futures
from rel import *


def raw(port, data, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return buf
    finally:
        s.close()


def body():
    home = Home("apihard")
    figures = {}
    try:
        srv = home.serve(scheduler=False)
        port = srv.port
        dsn = "postgresql://orch:s3cret-pw@127.0.0.1:5432/orch_test"
        s, _, data = http(port, "POST", "/api/v1/dags/example_xcom/runs",
                          body={"conf": {"warehouse_dsn": dsn, "target": dsn, "db_password": "pw2"}})
        check(s == 201, f"trigger with conf: {s} {data[:200]}")
        s, _, data = http(port, "GET", "/api/v1/dags/~/runs", token=False)
        check(s == 200, f"run list: {s}")
        check(b"s3cret-pw" not in data and b"pw2" not in data, f"a secret came back without a token: {data[:400]}")
        figures["conf_secrets_in_run_list"] = 0

        s, _, _ = http(port, "GET", "/api/v1/dags", headers={"Host": f"rebind.attacker.example:{port}"}, token=False)
        check(s == 421, f"foreign Host answered {s}")
        figures["foreign_host_status"] = s

        def trigger(_):
            return http(port, "POST", "/api/v1/dags/example_xcom/runs", body={})
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            answers = list(pool.map(trigger, range(50)))
        statuses = [a[0] for a in answers]
        ids = {json.loads(a[2]).get("run_id") for a in answers if a[0] == 201}
        check(statuses.count(201) == 50 and len(ids) == 50,
              f"50 parallel triggers: {statuses.count(201)} × 201, {statuses.count(409)} × 409, {len(ids)} runs")
        figures["parallel_triggers_201"] = statuses.count(201)

        s, _, data = http(port, "POST", "/api/v1/dags/example_xcom/runs", body={"logical_date": "2026-02-30"})
        check(s == 400, f"2026-02-30 answered {s}: {data[:200]}")

        # 1,100 idle connections from 127.0.0.2; /health from 127.0.0.1 must answer at once.
        idle = []
        try:
            for _ in range(1100):
                c = socket.socket()
                c.bind(("127.0.0.2", 0))
                c.settimeout(5)
                c.connect(("127.0.0.1", port))
                idle.append(c)
            t0 = time.time()
            s, _, _ = http(port, "GET", "/api/v1/health", timeout=5, token=False)
            figures["health_ms_with_1100_idle"] = round((time.time() - t0) * 1000, 1)
            check(s == 200, f"/health with 1,100 idle connections: {s}")
            time.sleep(0.5)
            def still_open(c):
                c.setblocking(False)
                try:
                    return c.recv(1) != b""
                except BlockingIOError:
                    return True
                except OSError:
                    return False
            held = [c for c in idle if still_open(c)]
            figures["idle_connections_held"] = len(held)
            check(len(held) <= 128, f"{len(held)} idle connections held from one address")
            t0 = time.time()
            while any(still_open(c) for c in held) and time.time() - t0 < 30:
                time.sleep(0.5)
            figures["idle_closed_after_s"] = round(time.time() - t0 + 0.5, 1)
            check(time.time() - t0 < 30, "idle connections were held for 30 s")
        finally:
            for c in idle:
                c.close()

        long_target = raw(port, b"GET /api/v1/dags/" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        check(long_target.startswith(b"HTTP/1.1 414") and b'"status":414' in long_target, f"long URL: {long_target[:200]}")
        headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(2000))
        many = raw(port, b"GET /api/v1/dags HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"Connection: close\r\n\r\n")
        check(many.startswith(b"HTTP/1.1 431") and b'"status":431' in many, f"many headers: {many[:200]}")
        figures["oversized_heads_json"] = 2
        check(srv.poll() is None, "the server exited")
        return figures
    finally:
        home.cleanup()


if __name__ == "__main__":
    main("t12_api_hardening", body)
