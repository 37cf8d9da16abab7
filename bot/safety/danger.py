"""The safety net: rule-based detection of immediate danger, in English and French.

It backs up the classifier. When it fires, the NLU pipeline forces the `emergency` intent, so
the user gets 911 first even when the model is unsure or wrong. It is deliberately simple to read:
each category is a list of regular expressions over a normalised text.

Normalisation makes the patterns robust to how people type in a hurry:
lower case, accents removed (sécurité -> securite), English contractions expanded
(he's -> he is, cant -> can not), apostrophes to spaces (m'a -> m a), letters repeated three times
or more cut to two (pleeease -> please), and small typos corrected towards the words the patterns
use (outsde -> outside, enfermee -> enfermee, kil -> kill).

Statements of being safe ("I'm safe now", "je ne suis plus en danger") are removed before the
danger patterns run, so they do not fire.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

SELF_HARM = "self_harm"

_SUBJ_EN = r"(?:he|she|they|someone|somebody|some guy|a guy|a man|men|people|him|them|my (?:pimp|boyfriend|bf|ex|boss|dad|father|stepdad|uncle|husband|trafficker|manager)|the (?:man|guy|men|boss|pimp))"
_SUBJ_FR = r"(?:il|elle|ils|elles|on|quelqu un|quelquun|qqn|un gars|un homme|des hommes|mon (?:pimp|proxenete|copain|chum|ex|patron|boss|pere|beau pere|oncle|mari|trafiquant))"

PATTERNS: Dict[str, List[str]] = {
    "intruder": [
        # EN
        r"\b(?:break|breaking|broke|broken|kick|kicking|kicked|bang|banging|banged|pound|pounding|smash|smashing|smashed|bust|busting|busted|force|forcing|forced) (?:down |in |open |through )?(?:the |my |our |his )?(?:door|window)",
        r"\b(?:breaking|broke|broken|busting|forcing his way|forcing their way|trying to get|trying to break|about to break|going to break) in(?:to)?\b",
        _SUBJ_EN + r" (?:is |are |just |still )*(?:outside|at|in front of|banging on|knocking on|by|waiting (?:outside|at|by)) (?:my|the|our|this) (?:door|house|home|apartment|apt|room|window|place|building|car)",
        _SUBJ_EN + r" (?:is|are) (?:here|coming|on (?:his|her|their) way|inside|in the house|downstairs|upstairs|back)\s*(?:now|right now)?$",
        _SUBJ_EN + r" (?:is|are) (?:here|coming|inside|in the house)\b(?! to )",
        _SUBJ_EN + r" (?:just |has |have |finally )?(?:found|tracked|caught) me\b",
        r"\bthere (?:is|are) (?:someone|somebody|a guy|a man|men|people|guys) (?:\w+ )?(?:outside|at|banging on|in front of) (?:my|the|our) (?:door|house|window|room|apartment)\b",
        r"\b(?:following|followed|stalking|chasing|watching) me (?:right )?now\b",
        r"\b(?:is|are|keeps|keep) (?:following|stalking|chasing) me\b",
        r"\b(?:coming|come) (?:for|to get|after) me\b",
        # FR
        r"\b(?:defonce|defoncer|defoncent|defoncee|enfonce|enfoncer|enfoncent|casse|casser|cassent|frappe|frappent|cogne|cognent|tape|tapent|force|forcer|forcent) (?:a |sur |contre )?(?:la|ma|notre) (?:porte|fenetre)",
        _SUBJ_FR + r" (?:est|sont|attend|attendent) (?:juste |encore )?(?:devant|a|derriere) (?:ma|la|notre|mon|chez) ?(?:porte|maison|fenetre|chambre|appartement|appart|immeuble|moi)\b",
        _SUBJ_FR + r" (?:est|sont) (?:ici|dehors|en bas|en route|en chemin|dans la maison|revenu|revenus|la)\s*(?:maintenant|en ce moment)?$",
        _SUBJ_FR + r" (?:est|sont) (?:ici|dehors|en bas|en route|en chemin|dans la maison)\b",
        _SUBJ_FR + r" (?:me|m) (?:a|ont) (?:trouve|trouvee|retrouve|retrouvee)\b",
        r"\b(?:y a|ya|il y a|y en a) (?:un|une|des|quelqu un|qqn|deux|trois) ?(?:\w+ )?(?:devant|a|derriere|qui frappe a) (?:ma|la|notre) (?:porte|fenetre|maison)\b",
        r"\b(?:me suit|me suivent|me poursuit|me poursuivent|me traque|me traquent)\b",
        r"\b(?:vient|viennent) (?:me chercher|pour moi)\b",
    ],
    "weapon": [
        r"\b(?:gun|guns|knife|knives|weapon|weapons|pistol|firearm|blade|machete|rifle|shotgun|glock|strapped)\b",
        r"\b(?:arme|armes|fusil|pistolet|couteau|couteaux|flingue|revolver|machette|carabine)\b",
    ],
    "confined": [
        r"\b(?:locked|lock|locking|locks|trapped|trap|chained|tied|shut) (?:me |us )?(?:up |in|inside|in here|in a room|in the room|in the basement)\b",
        r"\b(?:i am|we are|im) (?:locked|trapped|stuck|being held|held|tied up|chained)\b",
        r"\b(?:keeping|keep|holding|hold) (?:me|us) (?:here|prisoner|hostage|captive|locked)\b",
        r"\b(?:will not|would not|do not|does not|not|never) let (?:me|us) (?:leave|go|out|escape|get out|go home)\b",
        r"\b(?:can not|could not|unable to|not able to) (?:leave|get out|escape|go out|go home) (?:of )?(?:the|this|his|their) (?:room|house|apartment|apt|place|building|car|motel|hotel)\b",
        r"\b(?:can not|could not) (?:get out|escape)\b",
        r"\b(?:kidnapped|kidnap|abducted|taken against my will|in the trunk)\b",
        r"\b(?:enferme|enfermee|enfermes|enfermees|enfermer|sequestre|sequestree|sequestres|sequestrees|captive|otage)\b",
        r"\b(?:je suis|on est|nous sommes) (?:coince|coincee|coinces|coincees|piege|piegee|pieges|piegees|attache|attachee|prisonnier|prisonniere)\b",
        r"\b(?:me|nous) (?:laisse|laissent|laissera|laisseront) (?:pas|plus|jamais) (?:sortir|partir|m en aller|nous en aller|quitter|rentrer)\b",
        r"\b(?:veut|veulent|voulait|voulaient) (?:pas|plus) (?:me|nous) laisser (?:sortir|partir|quitter|rentrer)\b",
        r"\b(?:peux|peut|pouvons|pourrais|arrive) (?:pas|plus) (?:a )?(?:sortir|m enfuir|fuir|m echapper|m en aller)\b",
        r"\b(?:kidnappe|kidnappee|enleve|enlevee) (?:par|hier|ce matin|ce soir)\b",
        r"\b(?:on m a|ils m ont|il m a|elle m a) (?:kidnappe|kidnappee|enleve|enlevee)\b",
    ],
    "violence": [
        _SUBJ_EN + r" (?:is |are |will |would |wants to |want to |keeps |said (?:he|she|they) would |says (?:he|she|they) will |threatened to |threatening to |trying to |going to |about to )+(?:kill|hurt|beat|shoot|stab|murder|rape|choke|strangle|hit|attack) (?:me|us|my)\b",
        r"\b(?:going to|about to|gonna|will|threatening to|threatened to|trying to) (?:kill|shoot|stab|murder|rape|choke|strangle) (?:me|us)\b",
        r"\b(?:is|are|keeps|keep|started|starting|start) (?:hitting|beating|choking|strangling|hurting|raping|attacking|kicking|punching|stabbing) (?:me|us)\b",
        r"\b(?:hit|beat|choked|strangled|stabbed|shot|raped|attacked|punched|hurt) (?:me|us) (?:just now|right now|again|tonight|today)\b",
        r"\bjust (?:hit|beat|choked|strangled|stabbed|shot|raped|attacked|punched|hurt) (?:me|us)\b",
        r"\b(?:bleeding|can not breathe|overdosing|overdosed|passed out|unconscious)\b",
        _SUBJ_FR + r" (?:va|vont|veut|veulent|menace de|menacent de|a menace de|ont menace de|essaie de|essaye de|essaient de|allait|allaient) (?:me|nous|m) ?(?:tuer|frapper|battre|blesser|violer|poignarder|descendre|faire du mal|faire mal|etrangler|buter)\b",
        r"\b(?:me|nous) (?:frappe|frappent|bat|battent|etrangle|etranglent|viole|violent|tabasse|tabassent|poignarde|etouffe)\b",
        r"\b(?:je saigne|saigne beaucoup|overdose|peux plus respirer|peux pas respirer|arrive pas a respirer|inconscient|inconsciente)\b",
        r"\b(?:vient de|viennent de) (?:me )?(?:frapper|battre|violer|poignarder|tabasser|blesser|defoncer|casser)\b",
    ],
    "not_safe": [
        r"\b(?:not|never|no longer|do not feel|does not feel) (?:feel )?safe\b",
        r"\b(?:unsafe|in danger|danger right now|emergency|fear for my life|scared for my life|afraid for my life|my life is in danger|help me now|need help now|need help right now|help right now|send help|send someone|save me|sos|call the police|call the cops|call 911|call 9 1 1|get the police)\b",
        r"\b(?:he|she|they) (?:is|are) going to (?:find|get) me\b",
        r"\b(?:pas|plus) en securite\b",
        r"\b(?:en danger|au secours|a l aide|aidez moi vite|aide moi vite|urgence|sos|appelez la police|appelle la police|appeler la police|appelez le 911|appelle le 911|envoyez quelqu un|peur pour ma vie|crains pour ma vie|ma vie est en danger)\b",
    ],
    SELF_HARM: [
        r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|end) (?:myself|my self|my life)\b",
        r"\b(?:suicide|suicidal|kms|unalive|sewerslide|sewer slide|want to die|wanna die|wish i was dead|wish i were dead|better off dead|do not want to (?:live|be alive|be here)|no reason to live|take my (?:own )?life|end it all)\b",
        r"\b(?:me tuer|me suicider|suicide|suicidaire|en finir|mettre fin a (?:ma vie|mes jours)|envie de mourir|me faire du mal|me blesser|me couper|me scarifier|me foutre en l air|me pendre)\b",
        r"\b(?:je|j) (?:veux|vais|voudrais|pense a|pense|ai envie de) (?:mourir|disparaitre pour toujours)\b",
        r"\b(?:veux|voulais|ai envie de) plus vivre\b",
    ],
}

# A threat from someone else ("il va me tuer") is violence, not self-harm: checked first.
_ORDER = ["violence", "intruder", "weapon", "confined", "not_safe", SELF_HARM]

# Removed before matching: the user says they are safe, or negates a danger word.
_SAFE_STATEMENTS = [
    r"\b(?:i am|we are|i feel|feeling|i am finally|i got) (?:safe|out)(?: now| again| today)?\b",
    r"\b(?:not|no longer|never|not really) (?:in )?(?:any )?(?:immediate )?(?:danger|an emergency|emergency|urgent)\b",
    r"\bno (?:gun|guns|knife|knives|weapon|weapons)\b",
    r"\b(?:i am|we are) safe\b",
    r"\bnot (?:going to|gonna) (?:kill|hurt) myself\b",
    r"\b(?:je suis|on est|nous sommes|je me sens) (?:en securite|sortie|sorti)(?: maintenant| la)?\b",
    r"\b(?:pas|plus|jamais) (?:en )?(?:danger|urgent|une urgence|d urgence)\b",
    r"\b(?:pas|aucune) d armes?\b",
]

_CONTRACTIONS = [
    (r"\bwon t\b|\bwont\b", "will not"),
    (r"\bcan t\b|\bcant\b|\bcannot\b", "can not"),
    (r"\b(\w+)n t\b", r"\1 not"),
    (r"\b(do|does|did|is|are|was|were|could|would|should|have|has|had|ain)nt\b", r"\1 not"),
    (r"\bi m\b|\bim\b", "i am"),
    (r"\bhe s\b|\bhes\b", "he is"),
    (r"\bshe s\b|\bshes\b", "she is"),
    (r"\bthey re\b|\btheyre\b", "they are"),
    (r"\bwe re\b", "we are"),
    (r"\bgonna\b", "going to"),
    (r"\bwanna\b", "want to"),
    (r"\bu\b", "you"),
    (r"\bpls\b|\bplz\b", "please"),
    (r"\bchui\b|\bjsuis\b|\bchuis\b", "je suis"),
    (r"\bjpeux\b", "je peux"),
]

# Short common words that are never typo-corrected (they are words in their own right).
_NO_CORRECT = set(
    "the and for you are not was has her him his our out pas les des mes ses est une qui que moi toi lui car dos sur "
    "eat ate see saw get got put let say did can may now how who why end van ami amie les lit vie mot bus "
    "this that then than them they their there here where were what when with your from have just like".split()
)


@dataclass(frozen=True)
class Danger:
    category: str
    pattern: str
    normalised: str

    @property
    def self_harm(self) -> bool:
        return self.category == SELF_HARM


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset:
    """The words the patterns are made of: typo correction aims at these."""
    words = set()
    for pats in PATTERNS.values():
        for p in pats:
            words.update(re.findall(r"[a-z]{2,}", p))
    return frozenset(words)


def _within_one_edit(a: str, b: str) -> bool:
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


def _correct(token: str, vocab: Iterable[str]) -> str:
    if len(token) < 3 or token in _NO_CORRECT or token in vocab or not token.isalpha():
        return token
    candidates = sorted(w for w in vocab if len(w) >= 4 and w[0] == token[0] and abs(len(w) - len(token)) <= 1 and _within_one_edit(token, w))
    # A dropped letter is the commonest typo in a hurry ("lockd", "outsde"): prefer those.
    dropped = [w for w in candidates if len(w) == len(token) + 1]
    best = dropped if dropped else candidates
    return best[0] if len(best) == 1 else token


def normalise(text: str) -> str:
    text = strip_accents((text or "").lower()).replace("’", "'").replace("`", "'")
    text = re.sub(r"(.)\1{2,}", r"\1\1", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for pattern, repl in _CONTRACTIONS:
        text = re.sub(pattern, repl, text)
    vocab = _vocabulary()
    return " ".join(_correct(t, vocab) for t in text.split())


@lru_cache(maxsize=1)
def _compiled() -> Tuple[List[Tuple[str, "re.Pattern"]], "re.Pattern"]:
    pats = [(cat, re.compile(p)) for cat in _ORDER for p in PATTERNS[cat]]
    safe = re.compile("|".join(f"(?:{p})" for p in _SAFE_STATEMENTS))
    return pats, safe


def assess(text: str) -> Optional[Danger]:
    """The first sign of immediate danger in `text`, or None."""
    norm = normalise(text)
    pats, safe = _compiled()
    said_safe = bool(safe.search(norm))
    remaining = safe.sub(" ", norm)
    for category, rx in pats:
        # Saying "I'm safe now" cancels everything but self-harm.
        if said_safe and category != SELF_HARM:
            continue
        if rx.search(remaining):
            return Danger(category, rx.pattern, norm)
    return None
