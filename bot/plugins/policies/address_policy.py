"""Rasa policy that keeps the conversation's `address` slot: "tu" or "vous" in French.

It never predicts an action. After each user message it applies `bot.shared.audience.address_after` (the
rule the actions also use for the audience): a teen is "tu", a parent "vous", anyone else keeps
the conversation's address, "vous" until something says otherwise.

Why a policy (bot/plugins/policies/slot_keeper.py, shared with the language policy): the Rasa server renders an action's responses
against the tracker BEFORE that action's own slot events are applied, so a slot set by
action_respond would choose the French variation one turn too late. A policy's events are applied
in the server before the next action runs.
"""

from __future__ import annotations

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.trackers import DialogueStateTracker

from bot.plugins.policies.slot_keeper import SlotKeepingPolicy, just_heard_user
from bot.shared.audience import address_after

ADDRESS_SLOT = "address"


def address_for(tracker: DialogueStateTracker) -> Optional[str]:
    """The address the conversation should have after its latest user message, or None."""
    message = just_heard_user(tracker)
    if message is None:
        return None
    parse = message.parse_data or {}
    intent = (parse.get("intent") or message.intent or {}).get("name")
    # a guided path's step, sent by its button (/signs_check{"step":"child_1"})
    step = next(
        (e.get("value") for e in (parse.get("entities") or message.entities or []) if e.get("entity") == "step"), None
    )
    return address_after(tracker.get_slot(ADDRESS_SLOT), message.text, intent, step, parse)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class AddressPolicy(SlotKeepingPolicy):
    slot = ADDRESS_SLOT
    value_after = staticmethod(address_for)
