"""`.env` is read the same way by the shell scripts (scripts/load-env.sh) and by the `bot` command."""
import os
import subprocess

from bot.staff.project import Project
from tests.conftest import ROOT

ENV = """# settings for this machine
export RASA_API_TOKEN="a token with spaces"
BRIDGE_TOKEN='single-quoted'
  RETENTION_HOURS=12
TRACKER_STORE_URL=postgresql://user:pw@db/x?a=b
not a setting
CORS_ORIGINS=http://localhost:9999
"""
KEYS = ["RASA_API_TOKEN", "BRIDGE_TOKEN", "RETENTION_HOURS", "TRACKER_STORE_URL", "CORS_ORIGINS"]


def shell_reads(folder, env):
    script = f". {ROOT / 'scripts/load-env.sh'}; " + "; ".join(f'printf "%s\\n" "${{{k}:-}}"' for k in KEYS)
    out = subprocess.run(["bash", "-c", script], cwd=folder, env=env, capture_output=True, text=True, check=True)
    return dict(zip(KEYS, out.stdout.split("\n")))


def test_scripts_and_the_bot_command_read_the_same_values_from_env_file(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(ENV)
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    from_shell = shell_reads(tmp_path, env)
    assert from_shell["RASA_API_TOKEN"] == "a token with spaces" and from_shell["BRIDGE_TOKEN"] == "single-quoted"
    assert from_shell == {k: Project(tmp_path).setting(k) for k in KEYS}


def test_the_environment_wins_over_the_env_file(tmp_path):
    (tmp_path / ".env").write_text(ENV)
    env = {**{k: v for k, v in os.environ.items() if k not in KEYS}, "CORS_ORIGINS": "https://example.org"}
    assert shell_reads(tmp_path, env)["CORS_ORIGINS"] == "https://example.org"
