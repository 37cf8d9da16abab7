"""Start-up wiring you can see (bot/startup.py): one call installs redaction, speed-ups and the API guard.

Importing or constructing a policy, the tracker store or a channel installs nothing; the Rasa
server's start-up (Rasa registering the web channel on its app) installs all three; a Rasa
version the patches were not written for is refused; a patched Rasa function whose source changed
fails here.
"""

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


STATE = """
import json
def state():
    import json, logging
    import structlog
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from bot.shared import redaction
    return {
        "validate": RemoteAction._validate_action_result.__module__,
        "call_format": RemoteAction._action_call_format.__module__,
        "resolve": Event.resolve_by_type.__module__,
        "past_states": __import__("rasa.shared.core.trackers", fromlist=["x"]).DialogueStateTracker.past_states.__module__,
        "make_record_replaced": logging.Logger.makeRecord is not logging.Logger.__dict__["makeRecord"]
            or logging.Logger.makeRecord.__module__ != "logging",
        "record_factory": type(logging.getLogRecordFactory()).__name__,
        "structlog": redaction.structlog_processor in (structlog.get_config().get("processors") or []),
    }
"""


def fresh_python(code: str, env=None) -> dict:
    """Run STATE and `code` in a new interpreter (nothing installed yet); it prints one JSON object last."""
    out = subprocess.run(
        [sys.executable, "-c", STATE + textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_and_constructing_our_rasa_plugins_installs_nothing():
    state = fresh_python("""
    import structlog
    structlog.configure(processors=[structlog.processors.JSONRenderer()])
    import bot.plugins.policies.language_policy, bot.plugins.nlu.language_detector, bot.plugins.lock_store  # noqa
    from bot.plugins.tracker_store import ErasingTrackerStore
    from bot.channels.rest import WebInput
    import bot.channels.telegram.bridge  # noqa
    import tempfile, asyncio
    os_env = __import__("os").environ
    os_env["TRACKER_STORE_URL"] = "sqlite:///" + tempfile.mkdtemp() + "/c.db"
    store = ErasingTrackerStore(None)
    asyncio.run(store.retrieve("nobody"))  # the old code installed the speed-ups on the first read
    store.close()
    WebInput()
    print(json.dumps(state()))
    """)
    assert state == {
        "validate": "rasa.core.actions.action",
        "call_format": "rasa.core.actions.action",
        "resolve": "rasa.shared.core.events",
        "past_states": "rasa.shared.core.trackers",
        "make_record_replaced": False,
        "record_factory": "type",
        "structlog": False,
    }, state


def test_rasa_building_its_app_with_the_web_channel_installs_all_three_once():
    state = fresh_python("""
    import structlog
    structlog.configure(processors=[structlog.processors.JSONRenderer()])
    from rasa.core.run import configure_app
    from bot.channels.rest import WebInput
    app = configure_app([WebInput()], enable_api=True, auth_token="t0ken-for-the-test")
    from bot import startup
    again = startup.install_rasa_server(app)  # a second call changes nothing
    import logging
    factories = 0
    f = logging.getLogRecordFactory()
    while hasattr(f, "previous"):
        factories, f = factories + 1, f.previous
    middleware = [m.__name__ for m in app.request_middleware]
    print(json.dumps({**state(), "guard": bool(app.ctx.bot_api_guard), "factories": factories,
                      "guards": middleware.count("guard"), "speedups": again["speedups"]}))
    """)
    assert state["validate"] == state["call_format"] == state["resolve"] == "bot.plugins.rasa_speedups"
    assert state["record_factory"] == "_RedactingFactory" and state["factories"] == 1
    assert not state["make_record_replaced"] and state["structlog"]
    assert state["guard"] and state["guards"] == 1
    from bot.plugins.rasa_speedups import PATCHES

    assert state["speedups"] == [patch.name for patch in PATCHES]


def test_rasa_speedups_off_keeps_the_optional_fixes_out():
    state = fresh_python(
        """
    from bot.plugins import rasa_speedups
    rasa_speedups.install()
    print(json.dumps(state()))
    """,
        env={"RASA_SPEEDUPS": "off"},
    )
    assert state["validate"] == "bot.plugins.rasa_speedups"
    assert state["call_format"] == "rasa.core.actions.action" and state["resolve"] == "rasa.shared.core.events"
    assert state["past_states"] == "rasa.shared.core.trackers"


def test_a_rasa_version_it_was_not_written_for_is_refused_with_a_clear_message(monkeypatch):
    import rasa
    from rasa.shared.exceptions import RasaException

    from bot import startup

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(RasaException) as refused:
        startup.install_rasa_server(object())
    message = str(refused.value)
    assert "written for Rasa 3.6.21" in message and "found Rasa 3.7.0" in message and "requirements.lock" in message
    assert type(refused.value).__name__ == "UnsupportedRasaVersion"


def test_the_rasa_server_refuses_to_start_on_another_rasa_version():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
        import sys, rasa
        rasa.__version__ = "3.6.99"
        from rasa.__main__ import main
        sys.argv = ["rasa", "run", "--enable-api", "--auth-token", "x", "--credentials", "credentials.yml",
                    "--port", "1", "--endpoints", "/dev/null"]
        main()
        """),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert out.returncode == 1
    assert "UnsupportedRasaVersion: This assistant was written for Rasa 3.6.21 and found Rasa 3.6.99" in (
        out.stdout + out.stderr
    )


def test_every_patched_rasa_function_is_still_the_one_the_speedups_were_written_for():
    """Fails when a Rasa upgrade changes the source of a function bot/plugins/rasa_speedups.py replaces:
    read the new source, check the fix still holds, then record the new hash in PATCHES."""
    from bot.plugins import rasa_speedups

    for patch in rasa_speedups.PATCHES:
        original = rasa_speedups._originals.get(patch.name) or rasa_speedups.current(patch.name)
        assert original.__module__.startswith("rasa."), patch.name
        assert rasa_speedups.source_sha256(original) == patch.source_sha256, (
            f"Rasa's {patch.name} changed: review bot/plugins/rasa_speedups.py against it"
        )
        reads = rasa_speedups._reads()
        for name, sha in patch.reads:  # what the fix repeats or relies on
            assert reads[name].__module__.startswith("rasa."), name
            assert rasa_speedups.source_sha256(reads[name]) == sha, (
                f"Rasa's {name} changed: review {patch.name} in bot/plugins/rasa_speedups.py against it"
            )


def test_a_patch_whose_rasa_source_changed_is_left_out_with_a_warning():
    state = fresh_python("""
    import dataclasses, logging
    from bot.plugins import rasa_speedups
    warnings = []
    logging.getLogger("bot.plugins.rasa_speedups").addHandler(type("H", (logging.Handler,), {
        "emit": lambda self, record: warnings.append(record.getMessage())})())
    first = rasa_speedups.PATCHES[0]
    rasa_speedups.PATCHES = (dataclasses.replace(first, source_sha256="0" * 64),) + rasa_speedups.PATCHES[1:]
    applied = rasa_speedups.install()
    print(json.dumps({**state(), "applied": applied, "warnings": warnings}))
    """)
    assert state["validate"] == "rasa.core.actions.action"  # left as Rasa wrote it
    from bot.plugins.rasa_speedups import PATCHES

    assert "RemoteAction._validate_action_result" not in state["applied"]
    assert len(state["applied"]) == len(PATCHES) - 1
    assert any("not the one bot/plugins/rasa_speedups.py was written for" in w for w in state["warnings"])


def test_installing_twice_keeps_rasa_s_original_behind_each_fix():
    from rasa.core.actions.action import RemoteAction

    from bot.plugins import rasa_speedups

    rasa_speedups.install()
    rasa_speedups.install()
    for patch in rasa_speedups.PATCHES:
        if rasa_speedups.is_applied(patch):
            assert rasa_speedups._originals[patch.name] is not patch.replacement
    assert RemoteAction("action_respond", None)._validate_action_result({"events": [], "responses": []})


def test_redaction_uses_the_record_factory_not_a_replaced_logger_method():
    from bot.shared import redaction

    original_make_record = logging.Logger.__dict__["makeRecord"]
    redaction.install()
    redaction.install()
    factory = logging.getLogRecordFactory()
    assert type(factory).__name__ == "_RedactingFactory"
    assert not isinstance(factory.previous, type(factory))  # not stacked by a second install
    assert (
        logging.Logger.__dict__["makeRecord"] is original_make_record and original_make_record.__module__ == "logging"
    )


def test_only_the_start_up_module_installs_anything():
    """bot/startup.py is the one place: no other module of the assistant calls an installer."""
    import re

    installers = re.compile(
        r"\b(redaction\.install|rasa_speedups\.install|api_guard\.install|install_structlog|"
        r"setLogRecordFactory|makeRecord\s*=)\s*\(?"
    )
    allowed = {
        "bot/startup.py",
        "bot/shared/redaction.py",  # redaction.install() itself
        "scripts/bench_long_conversation.py",
        "scripts/profile_turn.py",
    }  # measure the speed-ups in-process, on purpose
    callers = set()
    for top in ("bot", "actions", "scripts"):
        for path in (ROOT / top).rglob("*.py"):
            rel = str(path.relative_to(ROOT))
            if rel not in allowed and installers.search(path.read_text(encoding="utf-8")):
                callers.add(rel)
    assert not callers, f"installed outside bot/startup.py: {sorted(callers)}"
