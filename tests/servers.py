"""Start the real Rasa server and action server on free ports (for tests and the benchmark)."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 240, procs: List[subprocess.Popen] = ()) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"server exited with {p.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.5)
    raise TimeoutError(url)


def post(url: str, sender: str, text: str, metadata: Optional[Dict] = None) -> List[Dict]:
    body = {"sender": sender, "message": text}
    if metadata:
        body["metadata"] = metadata
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"[]")


class Assistant:
    """The Rasa server (web channel) and the action server (bot.action_server, token required), on free ports."""

    def __init__(self, model: Path = ROOT / "models" / "assistant.tar.gz", api_token: Optional[str] = None,
                 project: Path = ROOT, with_actions: bool = True, env: Optional[Dict[str, str]] = None):
        self.model, self.api_token, self.project, self.with_actions = model, api_token, project, with_actions
        self.extra_env = dict(env or {})
        self.procs: List[subprocess.Popen] = []
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.webhook = f"{self.url}/webhooks/rest/webhook"
        # A page served from this origin (e.g. the web widget in browser tests) may call the server.
        self.web_port = free_port()
        self.web_origin = f"http://127.0.0.1:{self.web_port}"
        # Rasa authenticates to the action server with this shared secret (endpoints.yml).
        self.action_token = self.extra_env.get("ACTION_SERVER_TOKEN") or secrets.token_hex(24)
        self._tmp = tempfile.TemporaryDirectory()

    def __enter__(self) -> "Assistant":
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
               "ACTION_SERVER_TOKEN": self.action_token, **self.extra_env}
        if self.api_token:
            env["RASA_API_TOKEN"] = self.api_token
        log = open(Path(self._tmp.name) / "servers.log", "w")
        endpoints = Path(self._tmp.name) / "endpoints.yml"
        if self.with_actions:
            text = (self.project / "endpoints.yml").read_text().replace("localhost:5055", f"localhost:{self.actions_port}")
            endpoints.write_text(text)
            self.procs.append(subprocess.Popen(
                [str(BIN / "python"), "-m", "bot.action_server", "--actions", "actions", "--port", str(self.actions_port)],
                cwd=self.project, env=env, stdout=log, stderr=subprocess.STDOUT))
        else:
            endpoints.write_text("")
        cmd = [str(BIN / "rasa"), "run", "--model", str(self.model), "--port", str(self.rasa_port),
               "--endpoints", str(endpoints), "--credentials", str(self.project / "credentials.yml"),
               "--cors", self.web_origin]
        if self.api_token:
            cmd += ["--enable-api", "--auth-token", self.api_token]
        self.procs.append(subprocess.Popen(cmd, cwd=self.project, env=env, stdout=log, stderr=subprocess.STDOUT))
        try:
            wait_for(self.url + "/", procs=self.procs)
            if self.with_actions:
                wait_for(f"http://127.0.0.1:{self.actions_port}/health", procs=self.procs)
        except Exception:
            log.flush()
            tail = (Path(self._tmp.name) / "servers.log").read_text()[-3000:]
            self.__exit__()
            raise RuntimeError(tail)
        return self

    def say(self, sender: str, text: str, metadata: Optional[Dict] = None) -> List[Dict]:
        return post(self.webhook, sender, text, metadata)

    def tracker(self, sender: str) -> Dict:
        req = urllib.request.Request(f"{self.url}/conversations/{sender}/tracker?token={self.api_token}")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    @property
    def log(self) -> str:
        """Everything both servers printed so far."""
        return (Path(self._tmp.name) / "servers.log").read_text(errors="replace")

    @property
    def pids(self) -> Dict[str, int]:
        names = (["actions"] if self.with_actions else []) + ["rasa"]
        return dict(zip(names, [p.pid for p in self.procs]))

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        self._tmp.cleanup()
