"""Item 5: the webhook receiver down for a while (and the scheduler SIGKILLed meanwhile): every alert is delivered
after the receiver comes back, once each, counted by X-Orch-Delivery at a receiver on loopback."""
import collections, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from rel import *

RUNS = 3


class Receiver(BaseHTTPRequestHandler):
    counts = collections.Counter()
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        json.loads(body)
        with self.lock:
            self.counts[self.headers.get("X-Orch-Delivery")] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


def body():
    port = free_port()
    home = Home("webhook", ORCH_ALERT_WEBHOOKS=f"http://127.0.0.1:{port}/hook", ORCH_ALERT_TIMEOUT=2)
    server = None
    try:
        home.unpause("example_shell")
        sched = home.spawn("scheduler")
        for i in range(RUNS):
            home.orch("trigger", "example_shell", "--logical-date", f"2026-11-0{i + 1}", check_rc=0)
        wait_runs_finished(home, "example_shell", RUNS, 120, procs=[sched])
        # Wait until the dispatcher has failed at least twice against the closed port.
        end = time.time() + 60
        while home.query("SELECT count(*) AS n FROM alert_delivery WHERE status_code IS NULL")[0]["n"] < 2:
            check(time.time() < end, "no failed delivery attempt recorded while the receiver was down")
            time.sleep(0.5)
        # The scheduler dies meanwhile; a new one takes the outbox over.
        os.killpg(sched.pid, signal.SIGKILL)
        sched.wait()
        time.sleep(3)
        failed_attempts = home.query("SELECT count(*) AS n FROM alert_delivery")[0]["n"]
        check(home.query("SELECT count(*) AS n FROM alert WHERE state = 'delivered'")[0]["n"] == 0,
              "an alert claims delivery while the receiver was down")
        server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sched = home.spawn("scheduler")
        alerts = home.query("SELECT delivery_id FROM alert")
        check(len(alerts) >= RUNS, f"expected at least {RUNS} alerts, found {len(alerts)}")
        end = time.time() + 120
        while home.query("SELECT count(*) AS n FROM alert WHERE state != 'delivered'")[0]["n"] > 0:
            check(time.time() < end, f"alerts not delivered: {home.query('SELECT delivery_id, state, attempts, last_error FROM alert')}")
            check(sched.poll() is None, "scheduler exited")
            time.sleep(0.5)
        time.sleep(3)  # a late duplicate would arrive here
        ids = {a["delivery_id"] for a in alerts}
        with Receiver.lock:
            counts = dict(Receiver.counts)
        check(set(counts) == ids, f"received ids differ: missing {ids - set(counts)}, unknown {set(counts) - ids}")
        dupes = {k: v for k, v in counts.items() if v != 1}
        check(not dupes, f"delivered more than once: {dupes}")
        return {"alerts": len(ids), "delivered_once": len(counts), "duplicates": 0, "lost": 0,
                "failed_attempts_while_down": failed_attempts, "scheduler_kills": 1}
    finally:
        if server:
            server.shutdown()
        home.cleanup()


if __name__ == "__main__":
    main("t05_webhook_down", body)
