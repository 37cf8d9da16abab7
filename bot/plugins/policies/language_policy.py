"""Rasa policy that keeps the conversation's `language` slot.

It never predicts an action. After each user message, it reads the NLU's `language_detection`
(from bot.plugins.nlu.language_detector) and the slot's current value, and sets the slot with
`bot.shared.language.conversation_language`: explicit switches win, the first message sets the language,
short or unclear turns keep it.

Why a policy: Rasa applies the events of every policy's prediction before it runs the next action,
in the Rasa server itself. So the slot is right before any response is rendered, with no extra call
to the action server. An NLU component could not do this: it sees one message, not the
conversation.
"""

from __future__ import annotations

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import METADATA

from bot.plugins.nlu.language_detector import LANGUAGE_DETECTION
from bot.plugins.policies.slot_keeper import SlotKeepingPolicy, just_heard_user
from bot.shared.language import DEFAULT_LANGUAGE, Detection, conversation_language, normalise_hint

LANGUAGE_SLOT = "language"


def language_after(tracker: DialogueStateTracker) -> Optional[str]:
    """The language the conversation should have after its latest user message, or None."""
    message = just_heard_user(tracker)
    if message is None:
        return None
    current = tracker.get_slot(LANGUAGE_SLOT)
    parse = message.parse_data or {}
    hint = (parse.get(METADATA) or message.metadata or {}).get("language")
    found = parse.get(LANGUAGE_DETECTION)
    if not found:  # a button payload ("/legal_help") says nothing about the language
        return current or normalise_hint(hint) or DEFAULT_LANGUAGE
    return conversation_language(current, Detection(**found), hint)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class LanguagePolicy(SlotKeepingPolicy):
    slot = LANGUAGE_SLOT
    value_after = staticmethod(language_after)
