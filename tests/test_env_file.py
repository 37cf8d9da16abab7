"""`.env` is read once, by python-dotenv (bot/shared/settings.py), for Python and for the shell launchers
(scripts/load-env.sh evaluates `python -m bot.shared.settings exports`): both see exactly the same values."""

import os
import subprocess

import pytest

from bot.shared import settings
from bot.staff.project import Project
from tests.conftest import ROOT

ENV = """# settings for this machine
export RASA_API_TOKEN="a token with spaces"
BRIDGE_TOKEN='single-quoted'
  RETENTION_HOURS=12
TRACKER_STORE_URL=postgresql://user:pw@db/x?a=b
not a setting
CORS_ORIGINS=http://localhost:9999
FOO = x
SPACED_QUOTED = "quoted, spaced"
WITH_COMMENT=plain # a comment
HASH_IN_QUOTES="a # b"
SINGLE_INSIDE="it's"
DOLLAR='$(touch {marker})'
BACKTICK=`touch {marker}`
UNQUOTED_DOLLAR=$(touch {marker})
MISMATCHED="abc'
AFTER=still read
"""
KEYS = [
    "RASA_API_TOKEN",
    "BRIDGE_TOKEN",
    "RETENTION_HOURS",
    "TRACKER_STORE_URL",
    "CORS_ORIGINS",
    "FOO",
    "SPACED_QUOTED",
    "WITH_COMMENT",
    "HASH_IN_QUOTES",
    "SINGLE_INSIDE",
    "DOLLAR",
    "BACKTICK",
    "UNQUOTED_DOLLAR",
    "MISMATCHED",
    "AFTER",
]


def clean_env(**extra):
    return {
        **{k: v for k, v in os.environ.items() if k not in KEYS},
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        **extra,
    }


def shell_reads(folder, env):
    """What a launcher sees after sourcing scripts/load-env.sh in `folder` (values may hold newlines)."""
    script = f". {ROOT / 'scripts/load-env.sh'}; " + "; ".join(f'printf "%s\\0" "${{{k}:-}}"' for k in KEYS)
    out = subprocess.run(["bash", "-c", script], cwd=folder, env=env, capture_output=True, text=True, check=True)
    return dict(zip(KEYS, out.stdout.split("\0"), strict=False))


@pytest.fixture
def env_file(tmp_path, monkeypatch):
    marker = tmp_path / "executed"
    (tmp_path / ".env").write_text(ENV.replace("{marker}", str(marker)))
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    return tmp_path, marker


def test_the_shell_and_python_read_the_same_values_even_in_the_cases_they_used_to_disagree_on(env_file):
    folder, marker = env_file
    from_shell = shell_reads(folder, clean_env())
    from_python = {k: Project(folder).setting(k) or "" for k in KEYS}
    assert from_shell == from_python
    assert from_shell == {k: settings.value(k, folder / ".env") or "" for k in KEYS}
    # The cases the two old readers disagreed on: spaces around "=" (set in Python, unset in bash) ...
    assert from_shell["FOO"] == "x" and from_shell["SPACED_QUOTED"] == "quoted, spaced"
    # ... and quotes: a mismatched quote is python-dotenv's to read, the same for both.
    assert from_shell["MISMATCHED"] == from_python["MISMATCHED"] and from_shell["AFTER"] == from_python["AFTER"]
    assert from_shell["RASA_API_TOKEN"] == "a token with spaces" and from_shell["BRIDGE_TOKEN"] == "single-quoted"
    assert from_shell["WITH_COMMENT"] == "plain" and from_shell["HASH_IN_QUOTES"] == "a # b"
    assert from_shell["SINGLE_INSIDE"] == "it's" and from_shell["RETENTION_HOURS"] == "12"


def test_values_are_data_never_commands(env_file):
    folder, marker = env_file
    read = shell_reads(folder, clean_env())
    assert not marker.exists(), "a value of .env was executed by the shell"
    assert read["DOLLAR"] == f"$(touch {marker})" and read["BACKTICK"].startswith("`touch")


def test_the_environment_wins_over_the_env_file(env_file):
    folder, _ = env_file
    read = shell_reads(folder, clean_env(CORS_ORIGINS="https://example.org", FOO="from-env"))
    assert read["CORS_ORIGINS"] == "https://example.org" and read["FOO"] == "from-env"
    assert settings.value("FOO", folder / ".env", env={"FOO": "from-env"}) == "from-env"
    loaded = {"FOO": ""}  # set but empty: .env fills it in, as in the shell
    settings.load(folder / ".env", env=loaded)
    assert loaded["FOO"] == "x" and loaded["RASA_API_TOKEN"] == "a token with spaces"


def test_nothing_is_printed_but_the_exports(env_file):
    folder, _ = env_file
    out = subprocess.run(
        ["bash", "-c", f". {ROOT / 'scripts/load-env.sh'}"],
        cwd=folder,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == "" and "a token with spaces" not in out.stderr


def test_no_env_file_is_no_settings(tmp_path):
    assert settings.env_file_values(tmp_path / ".env") == {} and shell_reads(tmp_path, clean_env())["FOO"] == ""


@pytest.mark.parametrize(
    "raw, ok",
    [("12", 12.0), ("0.5", 0.5), ("", 24.0), ("  ", 24.0), ("-1", None), ("abc", None), ("nan", None), ("0", None)],
)
def test_numbers_are_read_in_one_place_and_a_wrong_one_names_its_variable(raw, ok):
    read = lambda: settings.number("RETENTION_HOURS", 24.0, allow_zero=False, env={"RETENTION_HOURS": raw})
    if ok is None:
        with pytest.raises(settings.SettingError, match="RETENTION_HOURS"):
            read()
    else:
        assert read() == ok


def test_the_stores_the_limits_and_the_bridge_use_the_settings_module(monkeypatch):
    from bot.channels.limits import Settings
    from bot.channels.telegram.config import Config, ConfigError
    from bot.plugins.tracker_store import ConfigurationError, retention_seconds

    monkeypatch.setenv("RETENTION_HOURS", "-2")
    with pytest.raises(ConfigurationError, match="RETENTION_HOURS must be > 0"):
        retention_seconds()
    monkeypatch.setenv("RATE_LIMIT_IP_PER_MINUTE", "ten")
    with pytest.raises(settings.SettingError, match="RATE_LIMIT_IP_PER_MINUTE must be a whole number"):
        Settings.from_env()
    with pytest.raises(ConfigError, match="TELEGRAM_RASA_TIMEOUT must be >= 0"):
        Config.from_env(
            {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SENDER_SECRET": "s" * 40, "TELEGRAM_RASA_TIMEOUT": "-1"}
        )
