"""The one normaliser of the safety rules: every rule in data/safety/ is written for its output.

In this order:
1. lower case; every apostrophe (' ’ ‘ ‛ ʼ ´ `) and quote (" “ ” « ») the same; œ -> oe, æ -> ae;
2. a letter repeated three times or more cut to two (pleeease -> please);
3. everything that is not a letter or a digit becomes a space (m'a -> m a, y/o -> y o);
4. contractions expanded (he's -> he is, cant -> can not, chui -> je suis): data/safety/normalise.yml;
5. accents removed (sécurité -> securite);
6. `normalise()` only: a token that is not a word, one typo away from exactly one word of the danger
   rules, becomes that word (outsde -> outside, lockd -> locked). The words are those of the word lists,
   patterns and phrases (data/safety/*.yml), never the raw source of a regular expression; a word of any
   rule (needs, audience...) is never corrected.

`plain()` stops before step 6: it needs no dictionary, so the web and Telegram channels (the quick exit)
and the action server (who is writing) can use it cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from bot.shared.language import is_dictionary_word, strip_accents

_REPEATS = re.compile(r"(.)\1{2,}")
_NOT_A_WORD = re.compile(r"[^\w]+|_")


def within_one_edit(a: str, b: str) -> bool:
    """True if a and b differ by one insertion, deletion, substitution or swap of neighbours."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


class Normaliser:
    def __init__(
        self,
        contractions: Sequence[tuple[str, str]],
        never_correct: Iterable[str],
        vocabulary: Iterable[str],
        apostrophes: Iterable[str] = ("’", "‘", "‛", "ʼ", "´", "`"),
        quotes: Iterable[str] = ("“", "”", "«", "»"),
        is_a_word: Callable[[str], bool] = is_dictionary_word,
        keep: Iterable[str] = (),
    ) -> None:
        self.contractions: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in contractions]
        self.never_correct: frozenset[str] = frozenset(never_correct)
        self.vocabulary: frozenset[str] = frozenset(vocabulary)
        # words of any rule: never corrected ("enfance", "vids" and "else" are not typos of danger words)
        self.keep: frozenset[str] = frozenset(keep) | self.vocabulary
        self._by_first: dict[str, list[str]] = {}
        for w in self.vocabulary:
            if len(w) >= 4:
                self._by_first.setdefault(w[0], []).append(w)
        self._table = str.maketrans({**{a: "'" for a in apostrophes}, **{q: '"' for q in quotes}, "œ": "oe", "æ": "ae"})
        self._is_word = is_a_word
        # assess(), says_safe(), long_ago() and the needs see the same message
        self.normalise = lru_cache(maxsize=2048)(self._normalise)
        self.plain = lru_cache(maxsize=2048)(self._plain)

    def spaced(self, text: str) -> str:
        """Steps 1-3: lower case, quotes, repeated letters, punctuation (accents kept)."""
        text = (text or "").lower().translate(self._table)
        text = _REPEATS.sub(r"\1\1", text)
        return _NOT_A_WORD.sub(" ", text).strip()

    def contract(self, text: str, upto: int = -1) -> str:
        """Step 4 on spaced text (the first `upto` contractions only, when given)."""
        for pattern, repl in self.contractions[: None if upto < 0 else upto]:
            text = pattern.sub(repl, text)
        return text

    def _plain(self, text: str) -> str:
        return " ".join(strip_accents(t) for t in self.contract(self.spaced(text)).split())

    def _normalise(self, text: str) -> str:
        # Typos are corrected while the accents are still there: "aimes" is a word, "armes" too.
        out = []
        for t in self.contract(self.spaced(text)).split():
            out.append(strip_accents(t) if self._is_word(t) else self.correct(strip_accents(t)))
        return " ".join(out)

    def correct(self, token: str) -> str:
        if (
            len(token) < 3
            or token in self.never_correct
            or token in self.keep
            or not token.isalpha()
            or self._is_word(token)
        ):
            return token
        candidates = sorted(
            w for w in self._by_first.get(token[0], ()) if abs(len(w) - len(token)) <= 1 and within_one_edit(token, w)
        )
        # A dropped letter is the commonest typo in a hurry ("lockd", "outsde"): prefer those.
        dropped = [w for w in candidates if len(w) == len(token) + 1]
        best = dropped if dropped else candidates
        return best[0] if len(best) == 1 else token
