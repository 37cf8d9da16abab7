"""The Rasa assistant, over its REST channel: POST {RASA_URL}/webhooks/rest/webhook.

Each reply message carries what the server knows in Rasa's `custom` payload (bot/channels/rest.py):
the conversation's language, and `erase: true` when the conversation was deleted.
"""

from __future__ import annotations

import logging

import httpx

log = logging.getLogger(__name__)

SAFETY_EXIT = "/safety_exit"


def _told(message: dict) -> dict:
    custom = message.get("custom")
    return custom if isinstance(custom, dict) else {}


def reply_language(reply: list[dict]) -> str | None:
    """The conversation's language as the assistant tells it (`custom.language`), or None."""
    for message in reply:
        language = _told(message).get("language")
        if language in ("en", "fr"):
            return language
    return None


def reply_erased(reply: list[dict]) -> bool:
    """The assistant says it has deleted the conversation (`custom.erase`)."""
    return any(_told(m).get("erase") is True for m in reply)


class AssistantUnavailable(Exception):
    """The assistant did not answer (down, timed out, or an error status)."""


class Assistant:
    def __init__(self, rasa_url: str, bridge_token: str | None = None, timeout: float = 30.0):
        self.url = f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"
        headers = {"X-Bridge-Token": bridge_token} if bridge_token else {}
        self._client = httpx.AsyncClient(timeout=timeout, headers=headers)

    async def say(self, sender: str, message: str, language: str | None = None) -> list[dict]:
        """The assistant's answer (the REST channel's list of messages)."""
        body: dict = {"sender": sender, "message": message}
        if language:
            body["metadata"] = {"language": language}
        try:
            response = await self._client.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise AssistantUnavailable(type(exc).__name__) from None
        if response.status_code != 200:
            raise AssistantUnavailable(f"HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise AssistantUnavailable("not JSON") from None
        if not isinstance(answer, list):
            raise AssistantUnavailable("not a list of messages")
        return [m for m in answer if isinstance(m, dict)]

    async def erase(self, sender: str) -> list[dict]:
        """Quick exit: the assistant deletes this conversation (its tracker store does)."""
        return await self.say(sender, SAFETY_EXIT)

    async def close(self) -> None:
        await self._client.aclose()
