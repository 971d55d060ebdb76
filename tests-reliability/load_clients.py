"""N concurrent API clients (threads, one connection per request) until STOP_FILE exists; writes
{"sent": n, "errors": [...]} to RESULT_FILE. Usage: load_clients.py PORT N STOP_FILE RESULT_FILE DAG"""
import json, os, sys, threading, time
from rel import http

port, n, stop_file, result_file, dag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
paths = ["/api/v1/dags", f"/api/v1/dags/{dag}/runs", f"/api/v1/dags/{dag}/grid", "/api/v1/health",
         "/api/v1/alerts", f"/api/v1/dags/{dag}"]
sent, errors, lock = [0], [], threading.Lock()
done = threading.Event()


def client(k):
    i = k
    while not done.is_set():
        path = paths[i % len(paths)]
        i += 1
        try:
            status, _, data = http(port, "GET", path, timeout=60)
            ok = status == 200
        except OSError as e:
            status, data, ok = 0, str(e).encode(), False
        with lock:
            sent[0] += 1
            if not ok:
                errors.append([path, status, data[:200].decode("utf-8", "replace")])


threads = [threading.Thread(target=client, args=(k,)) for k in range(n)]
for t in threads:
    t.start()
while not os.path.exists(stop_file):
    time.sleep(0.1)
done.set()
for t in threads:
    t.join()
json.dump({"sent": sent[0], "errors": errors}, open(result_file, "w"))
