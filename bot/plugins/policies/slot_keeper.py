"""What the language and address policies share: a policy that never predicts an action and, after
each user message, sets one slot in the Rasa server itself.

Why a policy: Rasa applies the events of every policy's prediction before it runs the next action,
so the slot is right before any response is rendered (a slot set by a custom action would choose a
response variation one turn too late). Subclasses name the slot and say its value after a message.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Type

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


def just_heard_user(tracker: DialogueStateTracker) -> Optional[UserUttered]:
    """The latest user message, if no action has run since it."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return event
        if isinstance(event, ActionExecuted):
            return None
    return None


class SlotKeepingPolicy(Policy):
    """Sets `slot` to `value_after(tracker)` when it changes; predicts nothing."""

    slot: str = ""

    @staticmethod
    def required_components() -> List[Type]:
        # A policy reads the tracker: the slots and the last message's parse data (what the NLU pipeline
        # set, SafetyNet included), which are not nodes of the policy graph, so there is nothing to ask for.
        return []

    @staticmethod
    def value_after(tracker: DialogueStateTracker) -> Optional[str]:
        raise NotImplementedError

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"priority": 0}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        events = []
        value = self.value_after(tracker)
        if value and value != tracker.get_slot(self.slot):
            events.append(SlotSet(self.slot, value))
        return self._prediction(self._default_predictions(domain), events=events)
