"""The web channel's doors, in-process (Rasa's own configure_app, a stand-in agent): limits, errors, API guard."""

import pytest
from limits.storage import MemoryStorage

from bot.channels.limits import Limits, RateLimiter, Settings, client_ip, parse_networks, storage_url
from bot.plugins.tracker_store import ConfigurationError
from bot.shared.texts import text
from tests.inprocess import InProcessRasa

TRUSTED = parse_networks("127.0.0.0/8,10.0.0.0/8")


@pytest.fixture
def rasa(monkeypatch):
    with InProcessRasa(
        env={
            "RATE_LIMIT_CONVERSATION_PER_MINUTE": "3",
            "RATE_LIMIT_IP_PER_MINUTE": "5",
            "RATE_LIMIT_EXEMPT_IPS": "",
            "BRIDGE_TOKEN": "fake-bridge-token-1234",
        },
        monkeypatch=monkeypatch,
    ) as running:
        yield running


def test_contract_is_unchanged_same_url_same_reply_shape(rasa):
    status, body, _ = rasa.post({"sender": "s1", "message": "hello", "metadata": {"language": "en"}})
    assert status == 200 and body == [{"recipient_id": "s1", "text": "echo: hello", "custom": {"language": "en"}}]
    message = rasa.agent.received[0]
    assert message.input_channel == "rest" and message.output_channel.name() == "collector"
    assert message.metadata == {"language": "en"}


@pytest.mark.parametrize(
    "body, error",
    [
        (b"{not json", "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (b"", "invalid_json"),
        (b'{"message": "hello"}', "missing_sender"),
        (b'{"sender": "", "message": "hello"}', "missing_sender"),
        (b'{"sender": {"a": 1}, "message": "hello"}', "missing_sender"),
        (b'{"sender": "s", "message": "   "}', "empty_message"),
        (b'{"sender": "s"}', "empty_message"),
        (b'{"sender": "s", "message": ["hi"]}', "invalid_message"),
        (b'{"sender": "s", "message": "hi", "metadata": "fr"}', "invalid_metadata"),
        (b'{"sender": "s", "message": NaN}', "invalid_json"),
    ],
)
def test_bad_requests_get_a_4xx_with_a_clear_message_never_a_500(rasa, body, error):
    status, reply, headers = rasa.post(body)
    assert status == 400, reply
    assert reply["error"] == error and reply["message"] and "Traceback" not in str(reply)
    assert headers["Content-Type"].startswith("application/json")
    assert rasa.agent.received == []


def test_errors_speak_the_users_language(rasa):
    _, reply, _ = rasa.post({"sender": "s", "message": "", "metadata": {"language": "fr-CA"}})
    assert reply["message"] == text("message_empty", "fr") and reply["language"] == "fr"


def test_a_message_of_2000_characters_is_refused_clearly_in_french_and_nothing_is_cut(rasa):
    french = ("Je ne sais pas quoi faire, il garde mon passeport et mon argent. " * 40)[:2000]
    status, reply, _ = rasa.post({"sender": "long", "message": french})  # no hint: the text says French
    assert status == 413 and reply["error"] == "message_too_long" and reply["language"] == "fr"
    assert "trop long" in reply["message"] and reply["limit"] == 2000
    assert rasa.agent.received == []  # refused whole, never truncated
    status, reply, _ = rasa.post({"sender": "long", "message": french[:1999]})
    assert status == 200 and rasa.agent.received[0].text == french[:1999].strip()


def test_a_huge_body_is_refused_without_reading_it_as_a_message(rasa):
    status, reply, _ = rasa.post({"sender": "s", "message": "x" * 200_000})
    assert status == 413 and reply["message"]


def test_per_conversation_limit_answers_429_with_retry_after_and_the_emergency_number(rasa):
    for _ in range(3):
        assert (
            rasa.post({"sender": "chatty", "message": "hello"}, {"X-Bridge-Token": "fake-bridge-token-1234"})[0] == 200
        )
    status, reply, headers = rasa.post(
        {"sender": "chatty", "message": "bonjour", "metadata": {"language": "fr"}},
        {"X-Bridge-Token": "fake-bridge-token-1234"},
    )
    assert status == 429 and int(headers["Retry-After"]) >= 1
    assert reply["message"] == text("rate_limited", "fr") and "911" in reply["message"]
    # The quick exit still goes through: leaving and erasing are never throttled.
    for exit_message in ("/safety_exit", "sortir", "Quick exit"):
        assert (
            rasa.post({"sender": "chatty", "message": exit_message}, {"X-Bridge-Token": "fake-bridge-token-1234"})[0]
            == 200
        )
    # Other conversations are not affected (the bridge is exempt from the per-IP limit, not this one).
    assert rasa.post({"sender": "calm", "message": "hello"}, {"X-Bridge-Token": "fake-bridge-token-1234"})[0] == 200


@pytest.mark.parametrize("near_exit", ["/safety_exitx", "/safety_exit hello", "/safety_exit_now", "/safety_exit{}"])
def test_only_an_exact_quick_exit_skips_the_ordinary_limits(rasa, near_exit):
    """A message that merely starts with /safety_exit is an ordinary message: 50 of them in one
    conversation are held back by the per-conversation limit (3 here), like any other message."""
    statuses = [
        rasa.post({"sender": "near-exit", "message": near_exit}, {"X-Bridge-Token": "fake-bridge-token-1234"})[0]
        for _ in range(50)
    ]
    assert statuses == [200] * 3 + [429] * 47
    # The exit itself still goes through in that same conversation.
    assert (
        rasa.post({"sender": "near-exit", "message": "/safety_exit"}, {"X-Bridge-Token": "fake-bridge-token-1234"})[0]
        == 200
    )


def test_per_ip_limit_uses_forwarded_for_only_from_a_trusted_proxy(rasa):
    # The test client is on loopback, a trusted proxy by default: X-Forwarded-For names the client.
    statuses = [
        rasa.post({"sender": f"ip-{i}", "message": "hi"}, {"X-Forwarded-For": "203.0.113.7"})[0] for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert rasa.post({"sender": "other", "message": "hi"}, {"X-Forwarded-For": "203.0.113.8"})[0] == 200
    # A bridge with the right token is not limited per IP; a wrong token is.
    assert (
        rasa.post(
            {"sender": "tg-1", "message": "hi"},
            {"X-Forwarded-For": "203.0.113.7", "X-Bridge-Token": "fake-bridge-token-1234"},
        )[0]
        == 200
    )
    assert (
        rasa.post({"sender": "tg-2", "message": "hi"}, {"X-Forwarded-For": "203.0.113.7", "X-Bridge-Token": "wrong"})[0]
        == 429
    )


def test_forwarded_for_is_ignored_from_an_untrusted_peer(monkeypatch):
    with InProcessRasa(
        env={"RATE_LIMIT_IP_PER_MINUTE": "2", "RATE_LIMIT_EXEMPT_IPS": "", "TRUSTED_PROXIES": ""},
        monkeypatch=monkeypatch,
    ) as rasa:
        statuses = [
            rasa.post({"sender": f"s{i}", "message": "hi"}, {"X-Forwarded-For": f"198.51.100.{i}"})[0] for i in range(3)
        ]
    assert statuses == [200, 200, 429]  # a client can't dodge the limit by inventing addresses


def test_client_ip_reads_forwarded_for_from_the_right():
    assert client_ip("127.0.0.1", "203.0.113.5", TRUSTED) == "203.0.113.5"
    # The client wrote a fake first hop; the proxies appended the real one.
    assert client_ip("127.0.0.1", "1.2.3.4, 203.0.113.5, 10.0.0.2", TRUSTED) == "203.0.113.5"
    assert client_ip("198.51.100.1", "203.0.113.5", TRUSTED) == "198.51.100.1"  # peer not a proxy
    assert client_ip("127.0.0.1", "garbage", TRUSTED) == "127.0.0.1"
    assert client_ip("::ffff:127.0.0.1", "203.0.113.5", TRUSTED) == "203.0.113.5"


class FakeClock:
    def __init__(self):
        self.now = 1_000_000.0

    def time(self):
        return self.now


def test_rate_limiter_is_a_moving_window_and_tells_how_long_to_wait(monkeypatch):
    import limits.storage.memory

    clock = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    monkeypatch.setattr("bot.channels.limits.time", clock)
    limiter = RateLimiter(per_minute=2)
    assert limiter.allow("a")[0]
    clock.now += 20
    assert limiter.allow("a")[0]
    allowed, wait = limiter.allow("a")
    assert not allowed and wait == pytest.approx(40)  # the first of the two leaves the window in 40 s
    assert limiter.allow("b")[0]  # another key, another count
    clock.now += 40.1
    assert limiter.allow("a")[0] and not limiter.allow("a")[0]
    assert RateLimiter(per_minute=0).allow("a") == (True, 0.0)  # 0 = no limit


def test_limits_sharing_a_storage_never_share_a_count():
    limits = Limits(
        Settings(
            conversation_per_minute=1, ip_per_minute=1, exit_conversation_per_minute=1, exit_ip_per_minute=1, exempt=()
        )
    )
    assert limits.check_conversation("same")[0] and limits.check_ip("same", None)[0]
    assert limits.check_conversation("same", quick_exit=True)[0] and limits.check_ip("same", None, quick_exit=True)[0]
    assert not limits.check_conversation("same")[0] and not limits.check_conversation("same", quick_exit=True)[0]


def test_a_failing_storage_lets_messages_through_and_logs_no_key(caplog):
    class Broken(MemoryStorage):
        def acquire_entry(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    storage = Broken()
    limiter = RateLimiter(per_minute=1, storage=storage, name="conversation")
    assert [limiter.allow("widget-secret-sender")[0] for _ in range(3)] == [True] * 3
    assert "ConnectionError" in caplog.text and "widget-secret-sender" not in caplog.text
    assert caplog.text.count("not checked") == 1  # said once, not for every message
    storage.acquire_entry = MemoryStorage.acquire_entry.__get__(storage)  # back again: limited again
    assert [limiter.allow("widget-secret-sender")[0] for _ in range(2)] == [True, False]
    del storage.acquire_entry  # down again: said again
    assert limiter.allow("widget-secret-sender")[0] and caplog.text.count("not checked") == 2


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "memory://"),
        ({"RATE_LIMIT_STORAGE_URL": "redis://:pw@10.0.0.5:6379/2"}, "redis://:pw@10.0.0.5:6379/2"),
        (
            {"ASSISTANT_PROFILE": "scaled", "LOCK_STORE_URL": "redis://:pw@10.0.0.5:6379/1"},
            "redis://:pw@10.0.0.5:6379/1",
        ),
        (
            {
                "ASSISTANT_PROFILE": "scaled",
                "LOCK_STORE_URL": "redis://:pw@h:6379/1",
                "RATE_LIMIT_STORAGE_URL": "rediss://:pw@other:6379/3",
            },
            "rediss://:pw@other:6379/3",
        ),
        (
            {
                "ASSISTANT_PROFILE": "scaled",
                "LOCK_STORE_URL": "redis://:pw@h:6379/1",
                "RATE_LIMIT_STORAGE_URL": "memory://",
            },
            ConfigurationError,
        ),
        ({"ASSISTANT_PROFILE": "scaled"}, ConfigurationError),
        ({"RATE_LIMIT_STORAGE_URL": "memcached://h:11211"}, ConfigurationError),
    ],
)
def test_the_storage_is_memory_by_default_and_redis_in_the_scaled_profile(monkeypatch, env, expected):
    for var in ("ASSISTANT_PROFILE", "LOCK_STORE_URL", "RATE_LIMIT_STORAGE_URL"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    if expected is ConfigurationError:
        with pytest.raises(ConfigurationError) as refused:
            storage_url()
        assert "pw@" not in str(refused.value)
    else:
        assert storage_url() == expected


@pytest.mark.scale
def test_two_nodes_sharing_redis_share_each_limit(monkeypatch):
    """Two channels (as on two Rasa nodes) count in the same Redis: together they allow the limit once."""
    from limits.storage import RedisStorage

    from tests.support.servers import Redis

    with Redis() as redis_server:
        monkeypatch.setenv("RATE_LIMIT_STORAGE_URL", redis_server.url(1))
        nodes = [Limits(Settings(conversation_per_minute=4, ip_per_minute=6, exempt=())) for _ in range(2)]
        assert all(isinstance(n.storage, RedisStorage) for n in nodes)
        conversation = [nodes[i % 2].check_conversation("shared")[0] for i in range(6)]
        ip = [nodes[i % 2].check_ip("203.0.113.7", None)[0] for i in range(8)]
        allowed, wait = nodes[0].check_conversation("shared")
        assert conversation == [True] * 4 + [False] * 2 and ip == [True] * 6 + [False] * 2
        assert not allowed and 55 < wait <= 60
        # Nothing in clear in Redis: neither the sender id nor the address.
        import redis

        keys = redis.Redis.from_url(redis_server.url(1)).keys("*")
        assert keys and not any(b"shared" in k or b"203.0.113.7" in k for k in keys)


@pytest.fixture
def api(monkeypatch, tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"not really a model")
    with InProcessRasa(
        env={"RASA_API_TOKEN": "fake-api-token-abcdef"},
        enable_api=True,
        auth_token="fake-api-token-abcdef",
        monkeypatch=monkeypatch,
    ) as running:
        running.model = str(model)
        yield running


@pytest.mark.parametrize(
    "body, headers, status, error",
    [
        ({"model_server": {"url": "http://attacker.example/model.tar.gz"}}, {}, 400, "model_file_only"),
        ({"model_file": "x", "remote_storage": "aws"}, {}, 400, "model_file_only"),
        ({"model_file": "https://attacker.example/model.tar.gz"}, {}, 400, "model_file_not_local"),
        ({"model_file": "/nonexistent/model.tar.gz"}, {}, 400, "model_file_not_local"),
        ({"model_file": "MODEL"}, {"X-Forwarded-For": "203.0.113.9"}, 403, "model_api_local_only"),
        ({"model_file": "MODEL"}, {"X-Real-IP": "203.0.113.9"}, 403, "model_api_local_only"),
    ],
)
def test_model_loading_is_refused_unless_local_file_local_caller_and_token(api, body, headers, status, error):
    body = {k: (api.model if v == "MODEL" else v) for k, v in body.items()}
    got, reply, _ = api.post(body, headers, path="/model?token=fake-api-token-abcdef", method="PUT")
    assert (got, reply["error"]) == (status, error)


def test_model_loading_needs_the_token_itself(api):
    got, reply, _ = api.post({"model_file": api.model}, path="/model", method="PUT")
    assert got == 401 and reply["error"] == "model_api_needs_token"
    got, _, _ = api.post({"model_file": api.model}, path="/model?token=wrong", method="PUT")
    assert got == 401


def test_a_local_model_file_from_loopback_with_the_token_passes_the_guard(api):
    # It reaches Rasa's own loader (which rejects this fake file): the guard let it through.
    got, reply, _ = api.post({"model_file": api.model}, path="/model?token=fake-api-token-abcdef", method="PUT")
    assert isinstance(reply, dict) and reply.get("error") not in (
        "model_file_only",
        "model_file_not_local",
        "model_api_local_only",
        "model_api_needs_token",
    )


def test_other_api_routes_still_need_rasas_token(api):
    assert api.post(None, path="/status", method="GET")[0] == 401
    assert api.post(None, path="/status?token=fake-api-token-abcdef", method="GET")[0] != 401


def test_an_api_without_any_authentication_is_refused_whole(monkeypatch):
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    with InProcessRasa(enable_api=True, monkeypatch=monkeypatch) as rasa:
        status, reply, _ = rasa.post(None, path="/conversations/someone/tracker", method="GET")
        assert status == 403 and reply["error"] == "api_without_auth"
        # The web channel itself keeps working.
        assert rasa.post({"sender": "s", "message": "hello"})[0] == 200


@pytest.mark.parametrize("exit_message", ["/safety_exit", "sortir"])
def test_quick_exits_have_their_own_budget_per_conversation(monkeypatch, exit_message):
    with InProcessRasa(
        env={"RATE_LIMIT_CONVERSATION_PER_MINUTE": "1", "RATE_LIMIT_EXIT_CONVERSATION_PER_MINUTE": "3"},
        monkeypatch=monkeypatch,
    ) as rasa:
        assert rasa.post({"sender": "s", "message": "hi"})[0] == 200
        assert rasa.post({"sender": "s", "message": "hi"})[0] == 429  # the ordinary limit is spent
        exits = [rasa.post({"sender": "s", "message": exit_message})[0] for _ in range(4)]
        status, reply, headers = rasa.post({"sender": "s", "message": exit_message, "metadata": {"language": "fr"}})
    assert exits == [200, 200, 200, 429]  # never refused by the ordinary limit; its own one holds
    assert status == 429 and int(headers["Retry-After"]) >= 1 and reply["message"] == text("rate_limited", "fr")


def test_quick_exits_have_their_own_budget_per_ip_and_a_bridge_skips_it(monkeypatch):
    with InProcessRasa(
        env={
            "RATE_LIMIT_IP_PER_MINUTE": "1",
            "RATE_LIMIT_EXIT_IP_PER_MINUTE": "2",
            "RATE_LIMIT_EXEMPT_IPS": "",
            "TRUSTED_PROXIES": "",
            "BRIDGE_TOKEN": "fake-bridge-token-1234",
        },
        monkeypatch=monkeypatch,
    ) as rasa:
        ordinary = [rasa.post({"sender": f"s{i}", "message": "hi"})[0] for i in range(2)]
        exits = [rasa.post({"sender": f"s{i}", "message": "/safety_exit"})[0] for i in range(3)]
        bridged = [
            rasa.post({"sender": f"tg{i}", "message": "/safety_exit"}, {"X-Bridge-Token": "fake-bridge-token-1234"})[0]
            for i in range(3)
        ]
    assert ordinary == [200, 429] and exits == [200, 200, 429] and bridged == [200] * 3


@pytest.mark.parametrize("exit_message", ["/safety_exit", "sortir"])
def test_a_quick_exit_is_never_refused_by_the_per_ip_limit(monkeypatch, exit_message):
    """Many people behind one address (a school, a shelter) must still be able to leave and erase."""
    with InProcessRasa(
        env={"RATE_LIMIT_IP_PER_MINUTE": "2", "RATE_LIMIT_EXEMPT_IPS": "", "TRUSTED_PROXIES": ""},
        monkeypatch=monkeypatch,
    ) as rasa:
        statuses = [rasa.post({"sender": f"s{i}", "message": "hi"})[0] for i in range(3)]
        status, _, _ = rasa.post({"sender": "s9", "message": exit_message})
        handled = [m.text for m in rasa.agent.received]
    assert statuses == [200, 200, 429]
    assert status == 200 and handled[-1] == exit_message
