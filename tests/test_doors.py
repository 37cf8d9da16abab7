"""The doors of the real servers: web channel limits, CORS, HTTP API, action server, logs."""

import json
import socket
import uuid

import pytest

from bot.shared.texts import text
from tests.inprocess import request
from tests.support.servers import Assistant

pytestmark = pytest.mark.integration


def new_sender():
    return "doors-" + uuid.uuid4().hex[:10]


def texts(reply):
    return "\n".join(m.get("text") or "" for m in reply)


def test_a_too_long_message_gets_a_clear_french_error_and_the_conversation_goes_on(assistant):
    s = new_sender()
    assert "Bonjour" in texts(assistant.say(s, "bonjour"))
    status, reply, _ = request(assistant.webhook, {"sender": s, "message": "a" * 2000, "metadata": {"language": "fr"}})
    assert status == 413 and reply["message"] == text("message_too_long", "fr") and reply["limit"] == 2000
    # Nothing was lost: the conversation is still there, still in French.
    assert "De rien" in texts(assistant.say(s, "merci"))
    assert "bonjour" in json.dumps(assistant.tracker(s), ensure_ascii=False)


@pytest.mark.parametrize("lang", ["fr", "en", None])
def test_a_body_too_large_to_read_is_refused_in_the_language_it_asks_for(assistant, lang):
    body = {"sender": new_sender(), "message": "é" * 40_000, **({"metadata": {"language": lang}} if lang else {})}
    status, reply, _ = request(assistant.webhook, json.dumps(body).encode())  # > 64 KB: not parsed
    assert status == 413 and reply["error"] == "request_too_large"
    assert reply["message"] == text("message_too_long", lang or "en") and reply["language"] == (lang or "en")


@pytest.mark.parametrize("body", [b"{oops", b'{"message": "hello"}', b'{"sender": "x", "message": ""}', b"null"])
def test_bad_requests_get_a_json_4xx_from_the_real_server(assistant, body):
    status, reply, _ = request(assistant.webhook, body)
    assert 400 <= status < 500 and reply["message"] and "Traceback" not in json.dumps(reply)


def test_per_conversation_rate_limit_on_the_real_server(assistant):
    s = new_sender()
    statuses = []
    # 30 a minute by default, refilled continuously: on a slow machine a few more get through
    # before the bucket is empty, so send until refused (bounded) rather than exactly 32.
    while 429 not in statuses and len(statuses) < 150:
        statuses.append(request(assistant.webhook, {"sender": s, "message": "/thanks"})[0])
    assert statuses[:30] == [200] * 30 and statuses[-1] == 429
    assert request(assistant.webhook, {"sender": new_sender(), "message": "/thanks"})[0] == 200


def test_a_message_that_only_starts_like_the_exit_payload_is_limited_like_any_other(assistant):
    s = new_sender()
    statuses = [request(assistant.webhook, {"sender": s, "message": "/safety_exitx"})[0] for _ in range(50)]
    assert statuses[:30] == [200] * 30 and 429 in statuses  # 30 a minute (more if the turns were slow)
    assert request(assistant.webhook, {"sender": s, "message": "/safety_exit"})[0] == 200  # the exit itself


def test_cors_allows_the_configured_origin_only(assistant):
    def preflight(origin):
        _, _, headers = request(
            assistant.webhook,
            None,
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        return headers.get("Access-Control-Allow-Origin")

    assert preflight(assistant.web_origin) == assistant.web_origin
    assert preflight("https://evil.example") is None


def test_model_endpoint_refuses_remote_models_and_proxied_calls(assistant):
    url = f"{assistant.url}/model?token={assistant.api_token}"
    status, reply, _ = request(url, {"model_server": {"url": "http://attacker.example/m.tar.gz"}}, method="PUT")
    assert status == 400 and reply["error"] == "model_file_only"
    status, reply, _ = request(
        url, {"model_file": str(assistant.model)}, method="PUT", headers={"X-Forwarded-For": "203.0.113.4"}
    )
    assert status == 403
    status, _, _ = request(f"{assistant.url}/model", {"model_file": str(assistant.model)}, method="PUT")
    assert status == 401


def test_action_server_rejects_calls_without_the_token(assistant):
    base = f"http://127.0.0.1:{assistant.actions_port}"
    call = {"next_action": "action_respond", "sender_id": "x", "tracker": {"sender_id": "x", "events": []}}
    assert request(base + "/webhook", call)[0] == 401
    assert request(base + "/webhook", call, headers={"Authorization": "Bearer wrong-token-0123456789"})[0] == 401
    assert request(base + "/actions", method="GET")[0] == 401
    assert request(base + "/health", method="GET")[0] == 200


def _non_loopback_address():
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_action_server_listens_on_loopback_only(assistant):
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    with pytest.raises(OSError):
        socket.create_connection((address, assistant.actions_port), timeout=2).close()


@pytest.fixture(scope="module")
def debug_servers():
    with Assistant(api_token=uuid.uuid4().hex, env={"LOG_LEVEL": "DEBUG"}) as running:
        yield running


def test_personal_data_never_reaches_the_logs_even_at_debug_level(debug_servers):
    sender = "widget-" + uuid.uuid4().hex
    secret_word = "Zyxwvut" + uuid.uuid4().hex[:4]
    message = f"my cousin {secret_word} keeps my passport, call me at 416-555-0199 or amira.k@example.com"
    reply = debug_servers.say(sender, message, metadata={"language": "en"})
    assert reply  # it was handled, with the action server
    debug_servers.say(sender, "il me menace, je suis chez lui au 613 555 0142")
    debug_servers.tracker(sender)  # the API too: its URL holds the sender and the token
    log = debug_servers.log
    assert "DEBUG" in log and "rasa_sdk" in log  # both servers really logged at debug level
    # bot/startup.py ran in the Rasa server, started as users start it: redaction, all 3 speed-ups, API guard
    assert "Start-up: redaction" in log and "Event.resolve_by_type" in log and "api_guard: installed" in log
    for leak in (
        secret_word,
        sender,
        "416-555-0199",
        "555 0142",
        "amira.k@example.com",
        "il me menace",
        debug_servers.api_token,
        debug_servers.action_token,
    ):
        assert leak not in log, leak
