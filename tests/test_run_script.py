"""`make run`'s launcher (scripts/run.sh), started the way a user starts it: its refusals and its
bindings are exercised here, not only through the tests' harness (tests/support/servers.py)."""

import json
import os
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.support.servers import free_port

pytestmark = pytest.mark.integration


def run_sh(env_extra):
    env = {**os.environ, **env_extra}
    env.pop("RASA_API_TOKEN", None)
    return subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_run_sh_refuses_cors_for_every_site():
    proc = run_sh({"CORS_ORIGINS": "*"})
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "CORS_ORIGINS='*'" in out


def test_run_sh_listens_on_this_computer_only_and_answers_the_allowed_page():
    rasa, actions, web = free_port(), free_port(), free_port()
    origin = f"http://localhost:{web}"
    proc = run_sh({"RASA_PORT": str(rasa), "ACTIONS_PORT": str(actions), "WEB_PORT": str(web)})
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{rasa}/", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(1)
        listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        bound = [line.split()[3] for line in listening.splitlines() if line.split()[3].endswith(f":{rasa}")]
        assert bound and all(b.startswith("127.0.0.1:") for b in bound), bound  # --interface 127.0.0.1

        def post(origin_header):
            req = urllib.request.Request(
                f"http://127.0.0.1:{rasa}/webhooks/rest/webhook",
                data=json.dumps({"sender": "run-sh-test", "message": "hello"}).encode(),
                headers={"Content-Type": "application/json", "Origin": origin_header},
            )
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.headers.get("Access-Control-Allow-Origin"), json.loads(r.read())

        allowed, reply = post(origin)
        assert allowed == origin and reply and reply[0].get("text")
        other, _ = post("https://elsewhere.example")
        assert other != "https://elsewhere.example" and other != "*"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
