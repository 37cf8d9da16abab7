"""The test harness: the real servers on loopback, for the tests and the benches (scripts/bench*.py).

- `Assistant`: the Rasa server (web channel) and the action server on free ports, with a throwaway
  conversation store, started with the launcher's own commands (scripts/servers.py, `make run`);
- the scaled-out profile: `Postgres`, `Redis` and `Nginx` (throwaway, on free loopback ports) and
  `ScaledStack`, several Rasa nodes behind nginx;
- `free_port`, `wait_for`, `wait_port` and `post` (one message to the web channel).

The fake Telegram Bot API is beside it (tests/support/fake_telegram.py).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from scripts.servers import (
    ROOT,
    action_server_command,
    rasa_command,
    server_env,
    stop,
    wait_for,
    write_endpoints,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
    body = {"sender": sender, "message": text}
    if metadata:
        body["metadata"] = metadata
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"[]")


class Assistant:
    """The Rasa server (web channel) and the action server (bot.action_server, token required), on free ports.

    Conversations go to a SQLite file in this instance's temp dir (`tracker_db`) unless `env`
    sets TRACKER_STORE_URL. With `actions_url`, no action server is started: Rasa calls that one.
    `start()` and `wait_ready()` let several instances load in parallel; `with` does both.
    """

    def __init__(
        self,
        model: Path = ROOT / "models" / "assistant.tar.gz",
        api_token: str | None = None,
        project: Path = ROOT,
        with_actions: bool = True,
        env: dict[str, str] | None = None,
        actions_url: str | None = None,
        rasa_port: int | None = None,
        actions_port: int | None = None,
        cors: list[str] | None = None,
    ):
        self.model, self.api_token, self.project, self.with_actions = model, api_token, project, with_actions
        self.actions_url = actions_url
        self.extra_env = dict(env or {})
        self.procs: list[subprocess.Popen] = []
        self.rasa_port, self.actions_port = rasa_port or free_port(), actions_port or free_port()
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.webhook = f"{self.url}/webhooks/rest/webhook"
        # A page served from this origin (e.g. the web widget in browser tests) may call the server.
        self.web_port = free_port()
        self.web_origin = f"http://127.0.0.1:{self.web_port}"
        self.cors = cors or [self.web_origin]
        # Rasa authenticates to the action server with this shared secret (endpoints.yml).
        self.action_token = self.extra_env.get("ACTION_SERVER_TOKEN") or secrets.token_hex(24)
        self._tmp = tempfile.TemporaryDirectory()
        self.tracker_db = Path(self._tmp.name) / "conversations.db"

    def __enter__(self) -> Assistant:
        self.start()
        self.wait_ready()
        return self

    def start(self) -> Assistant:
        env = server_env(
            self.action_token, self.api_token, {"TRACKER_STORE_URL": f"sqlite:///{self.tracker_db}", **self.extra_env}
        )
        log = self._log_file = open(Path(self._tmp.name) / "servers.log", "w")  # noqa: SIM115 - open while the servers run
        actions_url = (
            (self.actions_url or f"http://localhost:{self.actions_port}/webhook") if self.with_actions else None
        )
        endpoints = write_endpoints(self.project, Path(self._tmp.name) / "endpoints.yml", actions_url)
        if self.with_actions and not self.actions_url:
            self.procs.append(
                subprocess.Popen(
                    action_server_command(self.actions_port),
                    cwd=self.project,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        cmd = rasa_command(self.model, self.rasa_port, endpoints, self.project, self.cors, api_token=self.api_token)
        self.procs.append(subprocess.Popen(cmd, cwd=self.project, env=env, stdout=log, stderr=subprocess.STDOUT))
        return self

    def wait_ready(self) -> Assistant:
        try:
            wait_for(self.url + "/", procs=self.procs)
            if self.with_actions and not self.actions_url:
                wait_for(f"http://127.0.0.1:{self.actions_port}/health", procs=self.procs)
        except Exception:
            self._log_file.flush()
            tail = (Path(self._tmp.name) / "servers.log").read_text()[-3000:]
            self.__exit__()
            raise RuntimeError(tail) from None
        return self

    def kill(self) -> None:
        """Kill the Rasa server at once (SIGKILL), as a crash would."""
        self.procs[-1].kill()
        self.procs[-1].wait()

    def say(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        return post(self.webhook, sender, text, metadata)

    def turn(self, sender: str, text: str) -> tuple[str, dict[str, str]]:
        """One turn as a person sees it: the reply's text, and its buttons (title -> payload) in order."""
        reply = self.say(sender, text)
        return (
            "\n".join(m.get("text") or "" for m in reply),
            {b["title"]: b["payload"] for m in reply for b in m.get("buttons") or []},
        )

    def tracker(self, sender: str, url: str | None = None) -> dict:
        req = urllib.request.Request(f"{url or self.url}/conversations/{sender}/tracker?token={self.api_token}")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    @property
    def log(self) -> str:
        """Everything both servers printed so far."""
        return (Path(self._tmp.name) / "servers.log").read_text(errors="replace")

    @property
    def pids(self) -> dict[str, int]:
        names = (["actions"] if self.with_actions and not self.actions_url else []) + ["rasa"]
        return dict(zip(names, [p.pid for p in self.procs], strict=False))

    def __exit__(self, *exc) -> None:
        stop(self.procs)
        self._tmp.cleanup()


# --- the scaled-out profile: PostgreSQL, Redis, several Rasa nodes, nginx in front -----------------

PG_BIN = (
    Path(sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))[-1]).parent
    if Path("/usr/lib/postgresql").exists()
    else Path("/usr/lib/postgresql/15/bin")
)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def wait_port(port: int, timeout: float = 30, procs: list[subprocess.Popen] = ()) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"process exited with {p.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"port {port}")


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Postgres:
    """A throwaway PostgreSQL cluster in a temp dir on a free loopback port, password required."""

    def __init__(self, user: str = "rasa", db: str = "rasa"):
        self.user, self.db = user, db
        self.password = uuid.uuid4().hex
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="pg-"))
        self.url = f"postgresql://{user}:{self.password}@127.0.0.1:{self.port}/{db}"

    def __enter__(self) -> Postgres:
        if os.geteuid() == 0:
            import pwd

            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        pwfile = self.dir / "pw"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        run = lambda *cmd: subprocess.run(_as_postgres_user(list(cmd)), check=True, capture_output=True, cwd=self.dir)
        run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.dir / "data"),
            "-U",
            self.user,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        )
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-o", opts, "-l", str(self.dir / "log"), "-w", "start"
        )
        import psycopg2

        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password, dbname="postgres"
        )
        conn.autocommit = True
        conn.cursor().execute(f"CREATE DATABASE {self.db}")
        conn.close()
        return self

    def query(self, sql: str, *args) -> list[tuple]:
        import psycopg2

        with (
            psycopg2.connect(
                host="127.0.0.1", port=self.port, user=self.user, password=self.password, dbname=self.db
            ) as conn,
            conn.cursor() as cur,
        ):
            cur.execute(sql, args)
            return cur.fetchall() if cur.description else []

    def __exit__(self, *exc) -> None:
        subprocess.run(
            _as_postgres_user([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """A throwaway redis-server on a free loopback port, password required, nothing written to disk."""

    def __init__(self):
        self.port = free_port()
        self.password = uuid.uuid4().hex
        self.dir = tempfile.TemporaryDirectory()
        self.proc: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/{db}"

    def __enter__(self) -> Redis:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir.name,
                "--requirepass",
                self.password,
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port, procs=[self.proc])
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.dir.cleanup()


NGINX_CONF = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
{servers}
}}
"""

# One site: a port in front of an upstream group. The same text is shown in docs/deploy.md.
NGINX_SITE = """\
  upstream {name} {{
{members}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 64k;
    location / {{
      proxy_pass http://{name};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_connect_timeout 2s;
      proxy_read_timeout 90s;
      # A node that dies mid-request: the message goes to the next node. POST is not idempotent,
      # so nginx would not retry it by default; Rasa's lock makes a retried turn run after any
      # earlier turn of the same conversation, and the store keeps whole turns only.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 3;
    }}
  }}
"""


def nginx_site(name: str, port: int, upstreams: list[str]) -> str:
    members = "\n".join(f"    server {u} max_fails=1 fail_timeout=30s;" for u in upstreams)
    return NGINX_SITE.format(name=name, port=port, members=members)


class Nginx:
    """nginx from Debian in a temp prefix: one listening port per site {name: [host:port, ...]}."""

    def __init__(self, sites: dict[str, list[str]]):
        self.sites = sites
        self.ports = {name: free_port() for name in sites}
        self.prefix = Path(tempfile.mkdtemp(prefix="nginx-"))
        self.proc: subprocess.Popen | None = None

    def url(self, site: str) -> str:
        return f"http://127.0.0.1:{self.ports[site]}"

    def __enter__(self) -> Nginx:
        servers = "".join(nginx_site(name, self.ports[name], ups) for name, ups in self.sites.items())
        conf = self.prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(prefix=self.prefix, servers=servers))
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(self.prefix), "-c", str(conf), "-e", str(self.prefix / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        for port in self.ports.values():
            wait_port(port, procs=[self.proc])
        return self

    @property
    def log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.prefix, ignore_errors=True)


class ScaledStack:
    """The `scaled` profile on one machine: PostgreSQL tracker store, Redis lock store, `nodes` Rasa
    servers (loaded in parallel), `action_servers` action servers and nginx in front.

    `sites` maps an nginx site name to the node indexes behind it (default: "all" -> every node).
    With several action servers, nginx also balances them (site "actions").
    """

    def __init__(
        self,
        nodes: int = 2,
        action_servers: int = 1,
        api_token: str | None = None,
        env: dict[str, str] | None = None,
        sites: dict[str, list[int]] | None = None,
    ):
        self.n_nodes, self.n_actions, self.api_token = nodes, action_servers, api_token
        self.extra_env = dict(env or {})
        self.site_nodes = sites or {"all": list(range(nodes))}
        self.postgres, self.redis = Postgres(), Redis()
        self.action_ports = [free_port() for _ in range(action_servers)]
        self.action_token = secrets.token_hex(24)  # shared by every node and action server
        self.nodes: list[Assistant] = []
        self.nginx: Nginx | None = None
        self._procs: list[subprocess.Popen] = []
        self._tmp = tempfile.TemporaryDirectory()

    @property
    def env(self) -> dict[str, str]:
        """The environment of every Rasa node: what an operator sets for the `scaled` profile."""
        return {
            "ASSISTANT_PROFILE": "scaled",
            "TRACKER_STORE_URL": self.postgres.url,
            "LOCK_STORE_URL": self.redis.url(1),
            "ACTION_SERVER_TOKEN": self.action_token,
            **self.extra_env,
        }

    def url(self, site: str = "all") -> str:
        return self.nginx.url(site)

    def webhook(self, site: str = "all") -> str:
        return self.url(site) + "/webhooks/rest/webhook"

    def __enter__(self) -> ScaledStack:
        try:
            self.postgres.__enter__()
            self.redis.__enter__()
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "TF_CPP_MIN_LOG_LEVEL": "3",
                "RASA_TELEMETRY_ENABLED": "false",
                **self.env,
            }
            log = open(Path(self._tmp.name) / "actions.log", "w")
            for port in self.action_ports:
                self._procs.append(
                    subprocess.Popen(
                        action_server_command(port),
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            node_ports = [free_port() for _ in range(self.n_nodes)]
            sites = {name: [f"127.0.0.1:{node_ports[i]}" for i in idx] for name, idx in self.site_nodes.items()}
            if self.n_actions > 1:
                sites["actions"] = [f"127.0.0.1:{p}" for p in self.action_ports]
            self.nginx = Nginx(sites).__enter__()
            actions_url = (
                f"{self.nginx.url('actions')}/webhook"
                if self.n_actions > 1
                else f"http://127.0.0.1:{self.action_ports[0]}/webhook"
            )
            for port in node_ports:
                node = Assistant(api_token=self.api_token, env=self.env, actions_url=actions_url)
                node.rasa_port, node.url = port, f"http://127.0.0.1:{port}"
                node.webhook = f"{node.url}/webhooks/rest/webhook"
                self.nodes.append(node.start())
            for node in self.nodes:
                node.wait_ready()
            for port in self.action_ports:
                wait_for(f"http://127.0.0.1:{port}/health", procs=self._procs)
        except BaseException:
            self.__exit__()
            raise
        return self

    @property
    def log(self) -> str:
        """Everything the Rasa nodes, the action servers and nginx printed so far."""
        actions = Path(self._tmp.name) / "actions.log"
        return "\n".join(
            [n.log for n in self.nodes]
            + [actions.read_text(errors="replace") if actions.exists() else "", self.nginx.log if self.nginx else ""]
        )

    def __exit__(self, *exc) -> None:
        for node in self.nodes:
            node.__exit__()
        for p in self._procs:
            p.terminate()
        for p in self._procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        if self.nginx:
            self.nginx.__exit__()
        if self.redis.proc:
            self.redis.__exit__()
        self.postgres.__exit__()
        self._tmp.cleanup()
