"""Settings: the one module that reads them, from the environment and the project's `.env` file.

Where a setting comes from, for every process and every launcher:

1. the environment (a variable set and not empty wins);
2. else the project's `.env` file (see .env.example), read by python-dotenv, here and nowhere else:
   `KEY=value`, `KEY = value`, `export KEY=value`, "double" or 'single' quotes, `# comments`,
   values taken literally (no `${VAR}` expansion), the same for Python and for the shell;
3. else the default of the code that asks.

The shell launchers (scripts/run.sh, scripts/telegram.sh, `make retention`) source
scripts/load-env.sh, which evaluates what `python -m bot.shared.settings exports` prints: one
`export KEY='value'` line per .env setting not already set, quoted for the shell (shlex.quote), so
bash sees exactly the values Python sees. Nothing else is printed (values may be secrets).

Typed values: `number()` reads a number and refuses a wrong one with a `SettingError` that names the
variable (the stores, the web channel's limits and the Telegram bridge all use it).

Importing this module reads nothing and needs nothing but python-dotenv: it runs before Rasa loads.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import overload

ROOT = Path(__file__).resolve().parents[2]
ENV_FILE = ROOT / ".env"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SettingError(ValueError):
    """A setting is missing or wrong; the message names the variable and says what is expected."""


# --- the .env file ---------------------------------------------------------------------------------
def env_file_values(path: str | Path | None = None) -> dict[str, str]:
    """The settings of a .env file, as python-dotenv reads them (a missing file: none).

    Lines python-dotenv cannot read are skipped, as are keys that are not variable names and keys
    given without a value."""
    path = Path(path) if path is not None else ENV_FILE
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {k: v for k, v in values.items() if v is not None and _NAME.match(k)}


def missing_from(env: Mapping[str, str], path: str | Path | None = None) -> dict[str, str]:
    """The .env settings that `env` does not already set (unset or empty)."""
    return {k: v for k, v in env_file_values(path).items() if not env.get(k)}


def load(path: str | Path | None = None, env: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Fill the environment (os.environ by default) in from .env; the environment wins. Returns what was set."""
    env = os.environ if env is None else env
    added = missing_from(env, path)
    env.update(added)
    return added


def value(name: str, path: str | Path | None = None, env: Mapping[str, str] | None = None) -> str | None:
    """One setting: the environment's (set and not empty), else the .env file's, else None."""
    env = os.environ if env is None else env
    if env.get(name):
        return env[name]
    return env_file_values(path).get(name) or None


def shell_exports(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """`export KEY='value'` lines for the .env settings the environment does not set, quoted for the shell."""
    added = missing_from(os.environ if env is None else env, path)
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in added.items())


# --- typed values ----------------------------------------------------------------------------------
def text(name: str, default: str = "", env: Mapping[str, str] | None = None) -> str:
    """A setting as text, stripped; `default` when unset or empty."""
    raw = ((os.environ if env is None else env).get(name) or "").strip()
    return raw or default


@overload
def number(
    name: str,
    default: int,
    kind: Callable[[str], int],
    allow_zero: bool = True,
    env: Mapping[str, str] | None = None,
) -> int: ...


@overload
def number(
    name: str,
    default: float,
    kind: Callable[[str], float] = float,
    allow_zero: bool = True,
    env: Mapping[str, str] | None = None,
) -> float: ...


def number(
    name: str,
    default: float,
    kind: Callable[[str], float] = float,
    allow_zero: bool = True,
    env: Mapping[str, str] | None = None,
) -> float:
    """A number >= 0 (> 0 with allow_zero=False); `default` when unset or empty; else SettingError."""
    raw = ((os.environ if env is None else env).get(name) or "").strip()
    if not raw:
        return default
    try:
        parsed = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SettingError(f"{name} must be {what}, got {raw!r}") from None
    if parsed != parsed or parsed in (float("inf"), float("-inf")):  # nan, inf
        raise SettingError(f"{name} must be a finite number, got {raw!r}")
    if parsed < 0 or (parsed == 0 and not allow_zero):
        raise SettingError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {raw!r}")
    return parsed


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] != ["exports"] or len(args) not in (1, 3) or (len(args) == 3 and args[1] != "--file"):
        print(
            "usage: python -m bot.shared.settings exports [--file PATH]   (prints shell exports for scripts/load-env.sh)",
            file=sys.stderr,
        )
        return 2
    try:
        sys.stdout.write(shell_exports(args[2] if len(args) == 3 else Path.cwd() / ".env"))
    except ImportError:
        print(
            "python-dotenv is not installed in this Python; `make setup` installs it (requirements.txt).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
