"""`make run`'s launcher (`python -m scripts.servers run`, through scripts/run.sh): the action server, the
Rasa server (web channel) and the demo page, with the ports, interface, CORS origins and conversation
store of the user's settings; Ctrl-C stops all three.

How the two servers are started (their commands, environment and endpoints.yml) is written here once:
the tests' and benches' harness (tests/support/servers.py: free ports, a throwaway conversation store,
PostgreSQL, Redis, nginx) starts them with the same functions, so the tests run what `make run` runs.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ACTIONS_URL_IN_ENDPOINTS = "http://localhost:5055/webhook"  # endpoints.yml's, replaced by the real one


def wait_for(url: str, timeout: float = 240, procs: Sequence[subprocess.Popen] = ()) -> None:
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


def server_env(
    action_token: str, api_token: str | None = None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of both servers: this one's, with the project importable, Rasa's telemetry off,
    the action server's shared secret (Rasa sends it, endpoints.yml) and `extra` on top."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "RASA_TELEMETRY_ENABLED": "false",
        "ACTION_SERVER_TOKEN": action_token,
        **(extra or {}),
    }
    if api_token:
        env["RASA_API_TOKEN"] = api_token
    return env


def write_endpoints(project: Path, path: Path, actions_url: str | None) -> Path:
    """The project's endpoints.yml with the action server at `actions_url` (None: no action server)."""
    text = (project / "endpoints.yml").read_text().replace(ACTIONS_URL_IN_ENDPOINTS, actions_url) if actions_url else ""
    path.write_text(text)
    return path


def action_server_command(port: int, quiet: bool = False) -> list[str]:
    return [
        str(BIN / "python"),
        "-m",
        "bot.action_server",
        "--actions",
        "actions",
        "--port",
        str(port),
        *(["--quiet"] if quiet else []),
    ]


def rasa_command(
    model: Path,
    port: int,
    endpoints: Path,
    project: Path,
    cors: Sequence[str],
    interface: str | None = None,
    api_token: str | None = None,
    quiet: bool = False,
) -> list[str]:
    """`rasa run` with the project's credentials.yml (the web channel, which installs bot/startup.py)."""
    cmd = [
        str(BIN / "rasa"),
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(project / "credentials.yml"),
        "--cors",
        *cors,
    ]
    if interface:
        cmd += ["--interface", interface]
    if quiet:
        cmd += ["--quiet"]
    if api_token:
        cmd += ["--enable-api", "--auth-token", api_token]
    return cmd


def stop(procs: Sequence[subprocess.Popen]) -> None:
    """Stop the processes, the last started first; kill one that is still there after 20 s."""
    for p in reversed(procs):
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


# --------------------------------------------------------------------------------------------------
# `make run` (scripts/run.sh has read .env into the environment first: scripts/load-env.sh)


def run() -> int:
    """Start the action server, the Rasa server and the demo page with the user's settings; stop all
    three when one stops, or on Ctrl-C."""
    import signal

    env = os.environ
    rasa_port, actions_port = int(env.get("RASA_PORT", "5005")), int(env.get("ACTIONS_PORT", "5055"))
    web_port, host = int(env.get("WEB_PORT", "8080")), env.get("RASA_HOST", "127.0.0.1")
    cors = env.get("CORS_ORIGINS") or f"http://localhost:{web_port}"
    if cors.strip() == "*":
        print(
            "CORS_ORIGINS='*' would let any web site call the assistant; list the page origins instead.",
            file=sys.stderr,
        )
        return 1
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no usage data sent to Rasa
    os.environ.setdefault("ACTION_SERVER_HOST", "127.0.0.1")
    # The HTTP API exposes conversations and model loading: off unless RASA_API_TOKEN is set, and then
    # guarded (bot/plugins/api_guard.py: token required; /model only from this machine, local files only).
    api_token = env.get("RASA_API_TOKEN") or None
    action_token = env.get("ACTION_SERVER_TOKEN") or secrets.token_hex(32)
    subprocess.run([str(BIN / "python"), "scripts/widget_texts.py"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    stop_asked = []
    for sig in (signal.SIGTERM, signal.SIGINT):  # Ctrl-C, or a service manager stopping it
        signal.signal(sig, lambda *_: stop_asked.append(True))
    # The user's conversation store (TRACKER_STORE_URL, or the default) and terminal; quiet servers.
    procs: list[subprocess.Popen] = []
    tmp = tempfile.TemporaryDirectory()
    try:
        servers_env = server_env(action_token, api_token)
        endpoints = write_endpoints(ROOT, Path(tmp.name) / "endpoints.yml", f"http://localhost:{actions_port}/webhook")
        procs.append(
            subprocess.Popen(
                action_server_command(actions_port, quiet=True), cwd=ROOT, env=servers_env, stderr=subprocess.STDOUT
            )
        )
        rasa = rasa_command(
            ROOT / "models" / "assistant.tar.gz",
            rasa_port,
            endpoints,
            ROOT,
            cors.replace(",", " ").split(),
            interface=host,
            api_token=api_token,
            quiet=True,
        )
        procs.append(subprocess.Popen(rasa, cwd=ROOT, env=servers_env, stderr=subprocess.STDOUT))
        web = subprocess.Popen(
            [
                str(BIN / "python"),
                "scripts/serve_web.py",
                "--port",
                str(web_port),
                "--assistant",
                f"http://localhost:{rasa_port}",
            ],
            cwd=ROOT,
        )
        procs.append(web)
        print("Waiting for the assistant to start...", flush=True)
        wait_for(f"http://127.0.0.1:{rasa_port}/", procs=procs)
        print(
            f"""
  The assistant is running.
    Web page (EN/FR):  http://localhost:{web_port}/   (en français : http://localhost:{web_port}/index.fr.html)
    REST channel:      POST http://localhost:{rasa_port}/webhooks/rest/webhook
  Press Ctrl-C to stop.
""",
            flush=True,
        )
        while not stop_asked and all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop(procs)
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["run"]:
        sys.exit("usage: python -m scripts.servers run")
    sys.exit(run())
