"""The one redaction point (bot/shared/redaction.py): what never reaches a log line."""

import io
import json
import logging

import pytest
import structlog

from bot.shared import redaction
from bot.shared.redaction import in_flight, redact, sender_ref


@pytest.fixture
def captured():
    redaction.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s %(request)s"))
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    yield log, stream
    log.removeHandler(handler)


@pytest.mark.parametrize(
    "phone",
    [
        "416-555-0199",
        "(416) 555-0199",
        "+1 416 555 0199",
        "4165550199",
        "+33 6 12 34 56 78",
        "06 12 34 56 78",
        "555-0199",
        "1-833-900-1010",
    ],
)
def test_phone_numbers_are_replaced(phone):
    assert phone not in redact(f"call me at {phone} tonight") and "[phone]" in redact(f"call me at {phone}")


def test_timestamps_ids_and_counts_are_left_alone():
    line = "2026-11-29 01:49:01 DEBUG model_id='a2b7c8ba591d4069bdf0efbb01091334' loop 93889420326912 took 0.025 s"
    assert redact(line) == line


@pytest.mark.parametrize(
    "secret",
    [
        "token=abcdef123456",
        "?token=abcdef123456&x=1",
        "Authorization: Bearer abc.def-123456",
        "7412589630:" + "AAFq3XbN9vL2mKp8RtYw4Zc1Hd6Gs0Je5Ua",
        "X-Bridge-Token: q8Zr2Lw9Xv",
    ],
)
def test_tokens_are_replaced(secret):
    out = redact(f"calling {secret} now")
    assert "abcdef123456" not in out and "AAFq3X" not in out and "abc.def" not in out and "q8Zr2" not in out


def test_values_of_secret_environment_variables_are_replaced(monkeypatch):
    monkeypatch.setenv("BRIDGE_TOKEN", "plain-words-but-secret")
    assert "plain-words-but-secret" not in redact("header was plain-words-but-secret")


def test_emails_are_replaced():
    assert "amira@example.com" not in redact("write to amira@example.com")


def test_messages_in_flight_are_replaced_in_every_form_logs_print_them(monkeypatch):
    monkeypatch.setattr(redaction, "_GRACE_SECONDS", 0.0)
    text = "Il garde mon passeport, j'ai peur"
    with in_flight(texts=[text], senders=["widget-3f2a9c"]):
        for form in (text, json.dumps(text), repr(text), text.lower(), "Il garde mon passeport, j'ai peur".upper()):
            assert "passeport" not in redact(f"parse {form} end").lower()
        assert redact("lock for 'widget-3f2a9c'") == f"lock for '{sender_ref('widget-3f2a9c')}'"
    assert "passeport" in redact(
        f"parse {text}"
    )  # only while handled (plus a grace period): memory holds no list of texts


def test_every_stdlib_logger_is_covered_message_args_extras_and_tracebacks(captured):
    log, stream = captured
    with in_flight(texts=["my cousin Zyxwvut keeps my passport"], senders=["sender-Qwertz"]):
        log.debug(
            "Received %r from %s",
            "my cousin Zyxwvut keeps my passport",
            "sender-Qwertz",
            extra={"request": "POST /conversations/sender-Qwertz/tracker?token=abcdef123456"},
        )
        try:
            raise ValueError("bad input: my cousin Zyxwvut keeps my passport")
        except ValueError:
            log.exception("failed", extra={"request": "-"})
    out = stream.getvalue()
    assert "Zyxwvut" not in out and "Qwertz" not in out and "abcdef123456" not in out
    assert "ValueError" in out and sender_ref("sender-Qwertz") in out


def test_structlog_events_lose_their_content_fields(captured):
    event = {
        "event": "processor.message.parse",
        "parse_data_text": "he hurts me",
        "sender_id": "abc-123",
        "parse_data_intent": {"name": "emergency", "confidence": 0.9},
    }
    out = redaction.structlog_processor(None, "debug", event)
    assert out["parse_data_text"] == "[redacted]" and out["sender_id"] == sender_ref("abc-123")
    assert out["parse_data_intent"] == {"name": "emergency", "confidence": 0.9}
    structlog.configure(processors=[structlog.processors.JSONRenderer()])
    redaction.install_structlog()
    assert structlog.get_config()["processors"][0] is redaction.structlog_processor
