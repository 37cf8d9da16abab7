"""English / French detection for short, messy chat messages, and the conversation's language.

langdetect alone is poor on short turns ("ok", "merci", "salut") and random unless seeded. This
module combines, in order of strength:

1. an explicit request to switch ("english please", "en français"), which names the target;
2. a lexicon of words that only one of the two languages uses, slang and accent-less spellings
   included ("slt", "stp", "chui", "idk", "pls");
3. French-only letters (é, è, à, ç, ...);
4. langdetect, seeded and restricted to English and French, for longer texts;
5. the channel's hint (``metadata.language``: Telegram's ``language_code``, the page's ``lang``).

`detect()` looks at one message. `conversation_language()` decides what the conversation's language
becomes, given the language it already had: short or unclear turns keep it, a clear message in the
other language or an explicit request switches it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langdetect.detector_factory import DetectorFactory

SUPPORTED = ("en", "fr")
DEFAULT_LANGUAGE = "en"

# Below this confidence a detection is a guess: it may start a conversation but never switch one.
SWITCH_CONFIDENCE = 0.75
# Turns with fewer words than this never switch an established conversation on their own.
MIN_WORDS_TO_SWITCH = 3


def _lexicon(words: str) -> set[str]:
    """A lexicon written as text: words separated by spaces or line ends."""
    return set(words.split())


_EN_WORDS = _lexicon(
    """
    the a an and or but of to in on at for with from by about as into is are was were be been am i im i'm me my
    mine you your yours u ur r human he she his her him they them their we our us it its this that these those
    what when where who why how which there here do does did dont don't doesnt didnt cant can't wont won't isnt
    aint have has had not no yes yeah yep nope ok okay please pls plz thanks thank thx ty hi hello hey yo sup
    help need want know think should would could can will just like really want get got someone somebody anyone
    something nothing so very too if then than because cuz bc idk lol omg tbh ngl rn fr wtf btw gonna wanna
    english speak talk call text phone my mom dad parent daughter son kid boyfriend girlfriend friend guy girl
    man woman job work money safe scared afraid hurt hurts leave stay home house door outside inside now right
    today tonight please sorry bye goodbye morning quick exit close fast delete erase let quit make makes made
    take takes took keep keeps kept say says said tell told give gave go going went come coming came see saw
    look find found feel felt try trying leave left back out up down over after before again still always never
    ever every all some any much many more most other another only also even because while until since into
    through pimp boss owe owes debt paid pay passport papers clients client pics photos picture online insta
    snap tiktok dm dms offer modelling modeling sketchy legit creepy weird older guy guys girl girls boy boys
    school teacher friends family brother sister sorry worried worry afraid scared threat threatening threatened
    share blackmail blackmailing sextortion court order restraining lawyer legal rights police cops report
    hotline line number counselling counseling victim victims crime services support indigenous first nations
    someone's anybody nobody everything anything lot little big new old good bad okay alright yeah sure maybe
    """
)
_FR_WORDS = _lexicon(
    """
    le la les un une des du de d l au aux et ou mais donc car ni est sont suis es etes sommes je j me m moi mon
    ma mes tu t te toi ton ta tes il elle ils elles on nous vous leur leurs lui ce cet cette ces c ca ça qui que
    qu quoi quand ou comment pourquoi combien quel quelle ne pas plus jamais rien personne oui ouais ouai non
    merci mrc mci bonjour bonsoir salut slt bjr cc coucou allo allô svp stp sil s'il plait plaît aide aidez
    aider besoin veux voudrais peux peut pouvez faire fait fais avec sans pour par dans sur sous chez avoir etre
    être j'ai jai chui jsuis jsais sais sait pourrais vraiment tres très aussi deja déjà maintenant ici la-bas
    quelqu'un quelquun parler appeler francais français anglais mere mère pere père fille fils copain copine
    chum blonde ami amie gars fille femme homme travail argent peur maison porte dehors dedans aujourd'hui ce
    soir ok d'accord dac daccord bonne nuit journee journée mdr ptdr wesh genre trop ben bah pis mon ma garde
    gardent prend prends prennent donne donnent dit disent veut veulent doit dois faut fallait va vais vont allé
    allée venu venue sortir partir rester laisser laisse toujours encore souvent parfois tout tous toute toutes
    autre autres même comme parce puis alors après avant depuis pendant chez cette cet quelque chose choses gens
    patron proxénète proxenete clients photos photo ligne offre emploi mannequin louche inquiet inquiète
    inquiete peur menace menacé menace chantage publier tribunal avocat ordonnance droits plainte signaler
    dénoncer denoncer victime victimes crime soutien autochtone autochtones premières premieres nations
    quelqu'un tsé tsé jsp chu jveux jpeux argent papiers passeport dette dois doit ado enfant enfants fils école
    ecole prof tellement beaucoup peu bien mal mieux pire vrai faux ouin bon se reparle
    """
)
# Words both languages use; they carry no vote.
_SHARED = {"ok", "okay", "a", "on", "me", "est", "pour", "plus", "son", "la", "ma", "mon", "personne"}
_EN_WORDS -= _SHARED
_FR_WORDS -= _SHARED
_FR_WORDS |= {"est", "pour", "plus", "la", "ma", "mon"}  # far more often French in this context

# Function words of both languages (the lemma tables lack them); the safety net never "corrects" them.
COMMON_WORDS = frozenset(_EN_WORDS | _FR_WORDS | _SHARED | {"comme", "come", "avec", "sans", "dans"})


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


# Phones type curly apostrophes and quotes: one table turns them into the plain ones.
_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


def straight_quotes(text: str) -> str:
    """’ ‘ ʼ ´ ` -> ' and “ ” « » -> \"."""
    return text.translate(_QUOTES)


def plain_text(text: str) -> str:
    """Lower case, no accents, straight apostrophes and quotes: how every rule and score reads a message."""
    return strip_accents(straight_quotes(text).lower())


@lru_cache(maxsize=1)
def _lookup_tables() -> tuple[tuple[Any, ...], frozenset[str]]:
    from spacy.lookups import load_lookups

    tables = tuple(load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup") for lang in ("en", "fr"))
    lemmas = frozenset(str(v).lower() for t in tables for v in t.values())
    return tables, lemmas | {strip_accents(w) for w in lemmas}


def is_word(token: str) -> bool:
    """A real English or French word (spaCy's lookup tables, offline, and the lexicon above).

    The safety net never "corrects" one (without this, "aimes" would become "armes" and "gens"
    "guns"), and a message made of them is not in another language.
    """
    tables, lemmas = _lookup_tables()
    return token in lemmas or token in COMMON_WORDS or any(token in t for t in tables)


@lru_cache(maxsize=1)
def _all_lemmas() -> frozenset[str]:
    """Every lemma of the lookup tables. (The French table's values are lists: `_lookup_tables` keeps their
    text, "['tomber']", so it misses French infinitives; this set does not.)"""
    tables, _ = _lookup_tables()
    out = set()
    for t in tables:
        for v in t.values():
            for lemma in v if isinstance(v, (list, tuple)) else [v]:
                out.add(str(lemma).lower())
    return frozenset(out | {strip_accents(w) for w in out})


def is_dictionary_word(token: str) -> bool:
    """is_word, or a lemma of either table ("tomber", "sauver"): what the safety normaliser never corrects."""
    return is_word(token) or token in _all_lemmas()


_FRENCH_LETTERS = re.compile(r"[éèêëàâçîïôûùœ]")

# Explicit requests name the TARGET language, whatever language they are written in.
_SWITCH_TO = {
    "en": re.compile(
        r"\b(?:(?:in|speak|talk|write|switch to|answer in|reply in|en)\s+english\b"
        r"|english\s*(?:please|pls|plz|svp|stp|only)?\s*[!.?]*$"
        r"|en anglais\b|(?<!\bil )(?<!\belle )(?<!\bils )(?<!\bqui )parle(?:z|r)? anglais\b|anglais\s*(?:svp|stp|s'il (?:te|vous) pla[iî]t)"
        r"|(?:can|could) (?:we|you) (?:speak|talk|use) english\b|\bpr[eé]f[eèé]r\w* (?:l'|l’)?anglais\b|\bprefer english\b)"
        r"|^\s*(?:english|anglais|eng)\s*[!.?]*$",
        re.IGNORECASE,
    ),
    "fr": re.compile(
        r"\b(?:en fran[cç]ais\b|(?<!\bil )(?<!\belle )(?<!\bils )(?<!\bqui )parle(?:z|r)? (?:en )?fran[cç]ais\b|fran[cç]ais\s*(?:svp|stp|please|pls|s'il (?:te|vous) pla[iî]t)"
        r"|(?:in|speak|talk|switch to|answer in|reply in) french\b"
        r"|french\s*(?:please|pls|plz)|(?:can|could) (?:we|you) (?:speak|talk|use) french\b"
        r"|\bpr[eé]f[eèé]r\w* (?:le )?fran[cç]ais\b|\bprefer french\b)"
        r"|^\s*(?:fran[cç]ais|french)\s*[!.?]*$",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Detection:
    """What one message says about its language."""

    language: str  # "en" or "fr": best guess, never empty
    confidence: float  # 0.5 = coin toss, 1.0 = certain
    source: str  # switch | lexicon | langdetect | metadata | default
    explicit: bool = False  # the user asked for this language
    words: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_hint(hint: Any) -> str | None:
    """'fr-CA', 'FR', 'fr_CA' -> 'fr'. Anything else -> None."""
    if not isinstance(hint, str):
        return None
    code = hint.strip().lower().replace("_", "-").split("-")[0]
    return code if code in SUPPORTED else None


def _words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    return re.findall(r"[a-zàâçéèêëîïôûùüÿœæ']+", text)


_EN_CONTRACTION = re.compile(r"^[a-z]+(?:'m|'s|'re|'ll|'ve|'d|n't)$")


def _lexicon_vote(words: list[str]) -> tuple[float, float]:
    en = fr = 0.0
    for w in words:
        if w in _EN_WORDS or _EN_CONTRACTION.match(w):  # "i'm" is not French "m'"
            en += 1
            continue
        parts = [w] + ([w.split("'")[-1]] if "'" in w else [])
        if any(p in _FR_WORDS for p in parts) or re.match(r"^(?:j|m|t|l|d|qu|n|s|c)'", w):
            fr += 1
        elif any(p in _EN_WORDS for p in parts):
            en += 1
    return en, fr


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    # Seeded once, before the first detector is built: langdetect is random otherwise.
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


def langdetect_en_fr(text: str) -> dict[str, float] | None:
    """langdetect's probabilities for en and fr only (seeded, so the same text gives the same answer)."""
    from langdetect.lang_detect_exception import LangDetectException

    try:
        detector = _factory().create()
        detector.set_prior_map({"en": 0.5, "fr": 0.5})  # restrict to our two languages
        detector.append(text)
        probs = {p.lang: p.prob for p in detector.get_probabilities()}
    except LangDetectException:
        return None
    return {"en": probs.get("en", 0.0), "fr": probs.get("fr", 0.0)}


# Letters of scripts that are neither English nor French: Arabic, Cyrillic, Devanagari, Gurmukhi,
# Chinese, Japanese, Korean, Thai, Hebrew, Greek, Amharic, Tamil, Bengali...
_EN_FR_LETTERS = set("abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ")
FOREIGN_LATIN_SHARE = 0.05
_OTHER_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u06ff\u0900-\u0dff\u0e00-\u0e7f\u1200-\u137f"
    r"\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"
)
# langdetect must be this sure of another language, on a text of at least OTHER_MIN_WORDS words
# that has almost no English or French words, before the assistant says it only writes EN/FR.
OTHER_CONFIDENCE = 0.9
OTHER_MIN_WORDS = 3
OTHER_KNOWN_WORDS = 0.4  # at most this share of those words are English or French words


def other_language(text: str) -> str | None:
    """The language of a message written in neither English nor French (an ISO code, or "other"
    for a script langdetect can't name), or None. Deterministic (langdetect is seeded)."""
    from langdetect.lang_detect_exception import LangDetectException

    text = unicodedata.normalize("NFC", text or "")
    letters = [c for c in text if c.isalpha()]
    if letters and sum(bool(_OTHER_SCRIPT.match(c)) for c in letters) / len(letters) >= 0.5:
        best = "other"
    elif letters and sum(c.lower() not in _EN_FR_LETTERS for c in letters) / len(letters) >= FOREIGN_LATIN_SHARE:
        # Latin letters English and French never use (Vietnamese "đã", Spanish "ñ", Polish "ł"): the
        # word lists can't judge, langdetect can
        best = None
    else:
        # Words of 3 letters or more: short ones ("me", "no", "la") belong to too many languages.
        all_words = _words(text)
        en, fr = _lexicon_vote(all_words)
        words = [w for part in all_words for w in part.split("'") if len(w) >= 3]
        known = sum(is_word(w) or is_word(strip_accents(w)) for w in words)
        if (
            len(words) < OTHER_MIN_WORDS
            or known / len(words) > OTHER_KNOWN_WORDS
            or explicit_switch(text)
            or (en + fr >= 2 and (en + fr) / len(all_words) >= OTHER_KNOWN_WORDS)
        ):
            return None
        best = None
    try:
        detector = _factory().create()
        detector.append(text)
        probs = detector.get_probabilities()
    except LangDetectException:
        return best
    others = [p for p in probs if p.lang not in SUPPORTED]
    if best or (others and sum(p.prob for p in others) >= OTHER_CONFIDENCE):
        return others[0].lang if others else best
    return None


def plain_langdetect(text: str) -> str:
    """The baseline the benchmark compares against: langdetect.detect, seeded, mapped to en/fr."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        code = detect(text)
    except LangDetectException:
        return DEFAULT_LANGUAGE
    return code if code in SUPPORTED else DEFAULT_LANGUAGE


# "I don't speak French" asks for English, though it contains "speak French".
_CANNOT_READ = {
    "en": re.compile(
        r"\b(?:don'?t|do not|can'?t|cannot|no) (?:speak|understand|read|talk)(?: any)? french\b", re.IGNORECASE
    ),
    "fr": re.compile(
        r"\b(?:parle|parles|comprends|comprend|lis) pas (?:l'|l’)?anglais\b|\bpas (?:l'|l’)?anglais\b", re.IGNORECASE
    ),
}


def explicit_switch(text: str) -> str | None:
    """The language the user explicitly asks for, if any."""
    for lang, rx in _CANNOT_READ.items():
        if rx.search(text):
            return lang
    hits = [lang for lang, rx in _SWITCH_TO.items() if rx.search(text)]
    return hits[0] if len(hits) == 1 else None


_GO_ON_IN = re.compile(
    r"\b(?:continu\w*|parl\w*|[ée]cri\w*|r[ée]pond\w*|pass\w*|switch\w*|speak|talk|write|answer|reply|go on|chang\w*)\b",
    re.IGNORECASE,
)


def detect(text: str, hint: Any = None) -> Detection:
    """Detect the language of one message. Deterministic."""
    text = unicodedata.normalize("NFC", text or "")
    hint_lang = normalise_hint(hint)
    words = _words(text)
    n = len(words)

    # A request to switch is short ("english please"); a long message that mentions
    # "en anglais" is about something else.
    # A longer one still is when it asks to go on, speak or write in it ("est-ce qu'on pourrait continuer
    # la conversation en anglais, s'il vous plaît").
    target = explicit_switch(text) if n <= 7 or (n <= 14 and _GO_ON_IN.search(text)) else None
    if target:
        return Detection(target, 1.0, "switch", explicit=True, words=n)

    en, fr = _lexicon_vote(words)
    if _FRENCH_LETTERS.search(text.lower()):
        fr += 1.5
    total = en + fr

    # langdetect is slow (random restarts) and unreliable on short texts: ask it only when the
    # lexicon is not already clear.
    clear = (min(en, fr) == 0 and abs(en - fr) >= 2) or (en + fr >= 4 and abs(en - fr) / (en + fr) >= 0.6)
    ld = langdetect_en_fr(text) if n >= 3 and not clear else None
    if ld and (ld["en"] + ld["fr"]) > 0:
        ld_fr = ld["fr"] / (ld["en"] + ld["fr"])
        # langdetect is worth about two lexicon words: on short texts it is often wrong
        # ("il prend tout mon argent" -> English), so the lexicon leads and it breaks ties.
        weight = 2.0
        fr += weight * ld_fr
        en += weight * (1 - ld_fr)
        total = en + fr
        source = "langdetect" if total and abs(en - fr) / total < 0.5 else "lexicon"
    else:
        source = "lexicon"

    if total == 0 or en == fr:
        if hint_lang:
            return Detection(hint_lang, 0.6, "metadata", words=n)
        return Detection(DEFAULT_LANGUAGE, 0.5, "default", words=n)

    lang = "fr" if fr > en else "en"
    # Confidence grows with the margin and with the amount of evidence.
    margin = abs(fr - en) / total
    evidence = min(1.0, total / 3.0)
    confidence = 0.5 + 0.5 * margin * evidence
    if hint_lang and hint_lang != lang and confidence < SWITCH_CONFIDENCE:
        return Detection(hint_lang, 0.6, "metadata", words=n)
    return Detection(lang, round(confidence, 3), source, words=n)


def conversation_language(current: str | None, detection: Detection, hint: Any = None) -> str:
    """The conversation's language after this message.

    - an explicit request always wins;
    - the first message sets it (falling back to the channel's hint, then English);
    - afterwards it changes only on a clear message of several words in the other language,
      so "ok", "merci", "oui" and "thanks" keep the conversation where it is.
    """
    if detection.explicit:
        return detection.language
    if current not in SUPPORTED:
        if detection.source in ("default",) and (hinted := normalise_hint(hint)):
            return hinted
        return detection.language
    if (
        detection.language != current
        and detection.confidence >= SWITCH_CONFIDENCE
        and detection.words >= MIN_WORDS_TO_SWITCH
    ):
        return detection.language
    return current
