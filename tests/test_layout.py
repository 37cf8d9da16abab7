"""The layout shows the architecture, and imports go one way (tests/test_layout.py keeps it so).

- bot/shared/   what every part uses: language, audience, settings, redaction, texts, the service
                directory, the danger rules (bot/shared/safety/);
- bot/plugins/  what runs inside the Rasa server: NLU components, policies, tracker and lock stores,
                the speed-ups, the HTTP API guard;
- bot/channels/ how people reach it: the web (REST) channel and its limits, the Telegram bridge;
- bot/staff/    the staff tools (`bot` command, staff page);
- actions/      the action server's answers;
- bot/startup.py, bot/action_server.py, bot/retention.py, bot/cli.py: entry points, which wire parts
  together and may import any of them;
- scripts/      what a user or operator runs (the launcher of `make run`, the checks, the benches);
  never the tests, but a bench may use the tests' harness, tests/support/ (which stands alone).
"""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

ENTRY_POINTS = {"bot.startup", "bot.action_server", "bot.retention", "bot.cli"}
# who may import whom (besides itself and the standard and third-party libraries)
ALLOWED = {
    "bot.shared": {"bot.shared"},
    "bot.plugins": {"bot.shared", "bot.plugins"},
    "actions": {"bot.shared", "actions"},
    "bot.channels": {"bot.shared", "bot.channels", "bot.plugins", "bot.startup"},
    "bot.staff": {"bot.shared", "bot.staff", "actions"},
}


def layer(module: str) -> str:
    if module in ENTRY_POINTS:
        return module
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" else parts[0]


def our_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            yield node.lineno, next((n for n in reversed(names) if _ours(n)), node.module)
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name


def _ours(name: str) -> bool:
    return name.split(".")[0] in ("bot", "actions", "tests", "scripts")


MODULES = sorted(p for folder in ("bot", "actions") for p in (ROOT / folder).rglob("*.py"))


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_one_way(path):
    me = layer(_module(path))
    if me in ENTRY_POINTS:
        return
    bad = []
    for line, name in our_imports(path):
        if not _ours(name):
            continue
        target = name if name in ENTRY_POINTS else layer(name)
        if name.split(".")[0] in ("tests", "scripts") or target not in ALLOWED.get(me, set()) | {me}:
            bad.append(f"line {line}: {name}")
    assert not bad, f"{path.relative_to(ROOT)} ({me}) imports across the layout: {bad}"


def _in_support(name: str) -> bool:
    return name == "tests.support" or name.startswith("tests.support.")


def test_scripts_do_not_import_the_tests():
    """What a user or operator runs (the launcher, the checks, the web page's server) never imports
    tests/; a bench may import the tests' harness, tests/support/, and nothing else of tests/."""
    bad = [
        f"{p.relative_to(ROOT)}, line {line}: {name}"
        for p in sorted((ROOT / "scripts").glob("*.py"))
        for line, name in our_imports(p)
        if name.split(".")[0] == "tests" and not (p.stem.startswith("bench") and _in_support(name))
    ]
    assert not bad


def test_the_test_support_stands_alone():
    """tests/support/ (the servers, the fake Bot API) imports no test module and no fixture: the benches
    import it outside pytest."""
    bad = [
        f"{p.relative_to(ROOT)}, line {line}: {name}"
        for p in sorted((ROOT / "tests" / "support").glob("*.py"))
        for line, name in our_imports(p)
        if name.split(".")[0] == "tests" and not _in_support(name)
    ]
    assert not bad


def test_bot_has_only_the_four_parts_and_its_entry_points():
    folders = sorted(p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and p.name != "__pycache__")
    modules = sorted(p.stem for p in (ROOT / "bot").glob("*.py") if p.stem != "__init__")
    assert folders == ["channels", "plugins", "shared", "staff"]
    assert {f"bot.{m}" for m in modules} == ENTRY_POINTS


MAX_LINES = 600  # a file longer than this does several jobs: split it by what its parts do


def test_no_python_file_under_bot_is_over_600_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in sorted((ROOT / "bot").rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"over {MAX_LINES} lines: {long}"
