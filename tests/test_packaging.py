"""pyproject.toml: every package under bot/ and actions/ is in the distribution, and every library
the code imports is declared."""

import ast
import sys
from pathlib import Path

from setuptools.config.pyprojecttoml import read_configuration

ROOT = Path(__file__).resolve().parents[1]
CONFIG = read_configuration(ROOT / "pyproject.toml")

# Import name -> distribution name, where they differ.
DISTRIBUTIONS = {
    "yaml": "pyyaml",
    "telegram": "python-telegram-bot",
    "ruamel": "ruamel.yaml",
    "rasa_sdk": "rasa-sdk",
    "psycopg2": "psycopg2-binary",
    "dotenv": "python-dotenv",
    "sklearn": "scikit-learn",
}
# Installed with --no-deps from requirements-nodeps.txt (see the comment in pyproject.toml).
NOT_DECLARED = {"limits", "holidays"}
OURS = {"bot", "actions", "tests", "scripts"}


def packaged() -> set:
    """The packages `pip install .` puts in the distribution: setuptools reads pyproject.toml (and runs
    its package discovery) exactly as it does when building."""
    return set(CONFIG["tool"]["setuptools"]["packages"])


def test_every_package_under_bot_and_actions_is_in_the_distribution():
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("bot", "actions")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert {"bot.channels", "bot.channels.telegram"} <= on_disk
    assert on_disk <= packaged(), sorted(on_disk - packaged())


def test_every_folder_of_python_code_is_a_package():
    for top in ("bot", "actions"):
        for folder in {p.parent for p in (ROOT / top).rglob("*.py")}:
            if "__pycache__" not in folder.parts:
                assert (folder / "__init__.py").exists(), f"{folder.relative_to(ROOT)} has no __init__.py"


def imported_libraries() -> set:
    names = set()
    for top in ("bot", "actions"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in OURS and n != "__future__"}


def test_every_library_the_code_imports_is_declared():
    declared = {
        d.split("==")[0].split("[")[0].split(">")[0].split("<")[0].strip().lower()
        for d in CONFIG["project"]["dependencies"]
    }
    missing = {n for n in imported_libraries() - NOT_DECLARED if DISTRIBUTIONS.get(n, n).lower() not in declared}
    assert "ruamel.yaml" in declared
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"
