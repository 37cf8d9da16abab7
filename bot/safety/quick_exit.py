"""Typed quick-exit requests: a message that is only "exit", "quitter", "sortir", ... ends the chat.

Only whole messages count, so "je veux sortir de cette situation" is not an exit request.
"""
from __future__ import annotations

import re

from bot.safety.danger import strip_accents

EXIT_WORDS = {
    "exit", "quit", "quick exit", "exit chat", "exit now", "leave", "leave now", "stop", "close",
    "delete", "delete this", "delete chat", "erase", "erase this", "clear",
    "quitter", "sortir", "sortie", "sortie rapide", "quitte", "quitter maintenant", "fermer",
    "effacer", "efface", "efface tout", "supprimer", "arrete", "arreter",
    "emergency exit", "sortie d urgence", "sortie d'urgence",
}


def is_exit_request(text: str) -> bool:
    norm = re.sub(r"[^a-z ]+", " ", strip_accents((text or "").lower())).strip()
    norm = re.sub(r"\s+", " ", norm)
    return norm in EXIT_WORDS
