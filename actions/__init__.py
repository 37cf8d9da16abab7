"""The rasa-sdk action server: `rasa run actions --actions actions`.

bot/shared/directory.py  the service directory (data/resources.yml)
data/needs.yml           which answer and which resources each need gets (bot/shared/needs.py reads it)
actions/base.py       what every answer shares (language, audience, exit hint)
actions/respond.py    action_respond: every non-emergency need
actions/emergency.py  action_emergency: 911 first
actions/safety_exit.py action_safety_exit: leave fast, conversation deleted
"""

from actions.emergency import ActionEmergency  # noqa: F401
from actions.respond import ActionRespond  # noqa: F401
from actions.safety_exit import ActionSafetyExit  # noqa: F401
