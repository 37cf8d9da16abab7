"""The server tells, the channels show: each reply carries its language, and the reply to an erase
carries the erase flag, in Rasa's `custom` payload (bot/channels/rest.py)."""

import uuid

import pytest

from bot.channels.rest import tell


def test_every_message_gets_the_language_in_custom_and_existing_custom_payloads_are_kept():
    messages = [
        {"recipient_id": "s", "text": "Bonjour"},
        {"recipient_id": "s", "text": "Choisis", "buttons": [{"title": "A", "payload": "/a"}]},
        {"recipient_id": "s", "custom": {"kind": "card"}},
        {"recipient_id": "s", "custom": ["not", "an", "object"]},
    ]
    out = tell(messages, "s", "fr", erased=False)
    assert [m.get("custom") for m in out] == [
        {"language": "fr"},
        {"language": "fr"},
        {"kind": "card", "language": "fr"},
        ["not", "an", "object"],
    ]
    assert out[1]["buttons"] == messages[1]["buttons"] and "custom" not in messages[0]  # not changed in place


def test_an_erase_is_flagged_even_when_there_is_nothing_to_show():
    assert tell([{"recipient_id": "s", "text": "You exited"}], "s", "en", erased=True) == [
        {"recipient_id": "s", "text": "You exited", "custom": {"language": "en", "erase": True}}
    ]
    # The action server failed: no goodbye text, but the conversation is deleted all the same.
    assert tell([], "s", "fr", erased=True) == [{"recipient_id": "s", "custom": {"language": "fr", "erase": True}}]


@pytest.mark.integration
def test_the_real_server_tells_the_conversations_language_in_every_message(assistant):
    sender = "lang-" + uuid.uuid4().hex[:10]
    for said, expected in [
        ("mon patron garde mon passeport", "fr"),
        ("ok", "fr"),
        ("english please", "en"),
        ("ok", "en"),
    ]:
        reply = assistant.say(sender, said)
        assert reply and all(m["custom"]["language"] == expected for m in reply), (said, reply)
        assert not any(m["custom"].get("erase") for m in reply)


@pytest.mark.integration
@pytest.mark.parametrize("exit_message, lang", [("/safety_exit", "en"), ("quitter", "fr")])
def test_the_real_servers_exit_reply_carries_the_erase_flag(assistant, exit_message, lang):
    sender = "erase-" + uuid.uuid4().hex[:10]
    assistant.say(sender, "my boss keeps my passport" if lang == "en" else "mon patron garde mon passeport")
    reply = assistant.say(sender, exit_message)
    assert reply and all(m["custom"] == {"language": lang, "erase": True} for m in reply), reply
    assert any(m.get("text") for m in reply)  # the goodbye itself
    assert [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"] == []


@pytest.mark.integration
def test_an_erase_is_flagged_by_the_real_server_even_when_its_action_server_is_down():
    """The tracker store deletes the conversation on `action_safety_exit` even when the action server
    call fails (no goodbye text): the reply still says so, so the channels clear their side too."""
    from tests.support.servers import Assistant, free_port

    with Assistant(actions_url=f"http://127.0.0.1:{free_port()}/webhook", api_token=uuid.uuid4().hex) as down:
        sender = "erase-down-" + uuid.uuid4().hex[:8]
        down.say(sender, "bonjour", metadata={"language": "fr"})
        reply = down.say(sender, "/safety_exit")
        assert reply == [{"recipient_id": sender, "custom": {"language": "fr", "erase": True}}], reply
        assert [e for e in down.tracker(sender)["events"] if e["event"] == "user"] == []
