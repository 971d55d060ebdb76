"""Import errors on the dashboard (issue 13): a bundle whose `describe` fails is a banner above every page, with
the bundle, the kind and the message, while the other bundles' DAGs stay listed; fixed, the banner is gone.

This module starts its own `orch webserver` (ORCH_BIN) in a fresh ORCH_HOME with the repository's bundles
(ORCH_BUNDLES, set by run.sh) plus a bundle of its own: a script answering `describe` with an error. Bundles load when
the server starts (watching and hot reload are not built yet), so "fixed" is shown by restarting it after the fix.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
import json

from selenium.webdriver.common.by import By

from test_dashboard import TOKEN, browser, shot, wait  # noqa: F401 (browser is a fixture)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_webserver(home, bundles):
    port = free_port()
    env = dict(os.environ, ORCH_HOME=home, ORCH_API_TOKEN=TOKEN, ORCH_BUNDLES=bundles)
    log = open(os.path.join(home, f"web-{port}.log"), "w")
    proc = subprocess.Popen([os.environ["ORCH_BIN"], "webserver", "--port", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        assert proc.poll() is None, "orch webserver exited: " + open(log.name).read()[-2000:]
        try:
            urllib.request.urlopen(url + "/api/v1/health", timeout=2)
            break
        except OSError as e:
            if getattr(e, "code", None) == 503:
                break
            time.sleep(0.1)
    return proc, url


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def get(url, path):
    with urllib.request.urlopen(url + "/api/v1" + path, timeout=10) as r:
        return json.loads(r.read())


def test_a_broken_bundle_is_a_banner_until_it_is_fixed(browser):
    home = tempfile.mkdtemp(prefix="orch-browser-import.")
    broken = os.path.join(home, "broken-bundle")
    with open(broken, "w") as f:
        f.write("#!/bin/sh\necho 'Fatal error: the team forgot a file' >&2\nexit 1\n")
    os.chmod(broken, 0o755)
    repo_bundles = os.environ["ORCH_BUNDLES"]
    try:
        proc, url = start_webserver(home, repo_bundles + ":" + broken)
        try:
            errors = get(url, "/importErrors")
            assert errors["total_entries"] == 1 and errors["import_errors"][0]["kind"] == "describe", errors
            browser.get(url + "/#/")
            banner = wait(browser, "#import-errors-banner")
            assert "1 import error" in banner.text, banner.text
            banner.find_element(By.TAG_NAME, "summary").click()
            text = banner.text
            assert "describe" in text and broken in text and "the team forgot a file" in text, text
            # The other bundles' DAGs are listed as usual.
            wait(browser, "a[href='#/dags/example_fanout']")
            shot(browser, "import-errors-banner")
        finally:
            stop(proc)

        # Fixed (here: the broken bundle removed from the list), the banner is gone.
        proc, url = start_webserver(home, repo_bundles)
        try:
            assert get(url, "/importErrors") == {"import_errors": [], "total_entries": 0}
            browser.get(url + "/#/")
            wait(browser, "a[href='#/dags/example_fanout']")
            time.sleep(0.5)   # the banner is fetched next to the page; give that fetch its turn
            assert not browser.find_elements(By.ID, "import-errors-banner")
        finally:
            stop(proc)
    finally:
        shutil.rmtree(home, ignore_errors=True)
