"""Typed quick-exit requests: a message that is only "exit", "quitter", "sortir", ... ends the chat.

Only whole messages count, so "je veux sortir de cette situation" is not an exit request.
"""

from __future__ import annotations

import re

from bot.shared.safety.danger import strip_accents

EXIT_WORDS = {
    "exit",
    "quit",
    "quick exit",
    "exit chat",
    "exit now",
    "leave",
    "leave now",
    "stop",
    "close",
    "delete",
    "delete this",
    "delete chat",
    "erase",
    "erase this",
    "clear",
    "quitter",
    "sortir",
    "sortie",
    "sortie rapide",
    "quitte",
    "quitter maintenant",
    "fermer",
    "effacer",
    "efface",
    "efface tout",
    "supprimer",
    "arrete",
    "arreter",
    "emergency exit",
    "sortie d urgence",
    "sortie d'urgence",
}


def _plain(text: str, keep: str) -> str:
    """Lower case, no accents, every character but `keep` (a regex class body) a space, spaces single."""
    return re.sub(r"\s+", " ", re.sub(rf"[^{keep} ]+", " ", strip_accents((text or "").lower()))).strip()


def is_exit_request(text: str) -> bool:
    return _plain(text, "a-z") in EXIT_WORDS


# "gtg someone just walked in", "je dois partir vite": a short message that says the person has to
# leave or close the chat now. The classifier often reads these as vague or as danger; the safe
# answer is the quick exit, which clears the screen.
_LEAVING_NOW = re.compile(
    r"\b(?:gtg|g2g|got to go|gotta go|gota go|have to go|need to go|must go|have to leave|need to leave|gotta leave|"
    r"(?:have to|need to|gotta|got to|must) (?:close|shut|delete|hide|clear|erase) (?:this|the chat|it|everything)|"
    r"close (?:this|the chat) (?:now|fast|quick)|bye bye|brb|"
    r"(?:leave|close|exit|quit|get off|hide) (?:this|the) (?:page|site|website|chat|app|screen|window|tab) (?:fast|quick|quickly|now|right now))\b"
    r"|\b(?:quitter|fermer|cacher|sortir de) (?:cette|la) (?:page|fenetre|conversation|app|application) (?:vite|rapidement|maintenant|tout de suite)\b"
    r"|\b(?:je dois|j dois|jdois|jdoit|je doit|faut que je|faut que j|il faut que je|il faut que j|faut j|je vais devoir) (?:vite )?"
    r"(?:partir|parte|y aller|aille|m en aller|quitter|fermer|effacer|cacher|raccrocher|te laisser|vous laisser|decrocher|go)\b"
    r"|\b(?:je pars|je ferme|jy vais|j y vais|je dois y aller|faut j y aille|faut que j y aille|je te laisse|je vous laisse)\b"
)
LEAVING_NOW_MAX_WORDS = 10


def leaving_now(text: str) -> bool:
    """A short message saying the person must leave or close the chat now ("gtg someone just walked in")."""
    norm = _plain(text, "a-z0-9")  # digits kept: "g2g"
    return len(norm.split()) <= LEAVING_NOW_MAX_WORDS and bool(_LEAVING_NOW.search(norm))
