"""Rasa graph component: the safety net, placed after the classifiers and the FallbackClassifier.

Danger first. In this order:
1. bot.shared.safety.danger finds a sign of immediate danger -> the intent becomes `emergency` (or
   `self_harm`) with confidence 1.0, whatever the classifier or the FallbackClassifier said;
2. a message that is only an exit word (exit, quitter, sortir) -> `safety_exit`;
3. the user says they are safe, or tells of something weeks or months ago, and the rules see no
   danger now -> not `emergency` ("I'm safe now" must not get the emergency answer): the need the
   classifier found in the rest of the message ("I'm safe now, but how do I get a restraining
   order?") if it found one, `user_safe` otherwise;
4. the classifier gives `emergency` or `self_harm` at least `ml_danger_threshold`, even when
   another intent is ranked first or the FallbackClassifier is unsure -> that intent. A needless
   911 line costs little; a missed one can cost a life.

A request to leave the chat that the classifier is sure of ("my mom is walking in, bye") is a quick
exit, even if the classifier also gives danger some weight; a danger rule still wins over it.

What the classifier understood of the rest of the message (its best other intent) is kept in
`safety_net.classifier_intent`, so the emergency answer can add the one service that fits.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.plugins.nlu.danger_score import DANGER_SCORE, HIGH, LOW
from bot.shared.audience import audience_from_text
from bot.shared.language import strip_accents
from bot.shared.safety.danger import assess, long_ago, says_safe
from bot.shared.safety.quick_exit import is_exit_request, leaving_now

SAFETY_NET = "safety_net"
EMERGENCY_INTENT = "emergency"
SELF_HARM_INTENT = "self_harm"
EXIT_INTENT = "safety_exit"
SAFE_INTENT = "user_safe"
DANGER_INTENTS = (EMERGENCY_INTENT, SELF_HARM_INTENT)
FALLBACK_INTENT = "nlu_fallback"
NOT_A_NEED = DANGER_INTENTS + (FALLBACK_INTENT,)
# Reassurance and small talk: when a message also holds a specific need, the need wins.
NOT_SPECIFIC = NOT_A_NEED + (SAFE_INTENT, EXIT_INTENT, "greet", "goodbye", "thanks", "affirm", "unclear")
# Answers that are general: on a safe or past message, a word that names the need wins over them.
GENERAL = (
    SAFE_INTENT,
    "unclear",
    "out_of_scope",
    "youth_support",
    "contact_person",
    "safety_plan",
    "trafficking",
    "more_options",
    "ask_call_police",  # "la police est venue, c'est fini": not a request to call them
)


# When reassurance ("I'm safe now") outweighs everything in the classifier, these words still name
# the need of the rest of the message.
NEED_HINTS = [
    ("legal_help", re.compile(r"\b(?:restraining order|protection order|court order|peace bond|ordonnance)\b")),
    (
        "report_crime",
        re.compile(
            r"\b(?:report|reporting|tip|signaler|signalement|denoncer|porter plainte|tell the (?:police|cops)|dire a la police|"
            r"who (?:do|should|can) i tell|a qui (?:j en parle|je (?:le )?dis|je peux (?:le )?dire|en parler|le dire)|sans qu (?:il|elle) sache)\b"
        ),
    ),
    (
        "shelter",
        re.compile(
            r"\b(?:shelter|place to (?:stay|sleep)|(?:find|need|get) (?:me )?a bed|where (?:can|do) i (?:sleep|stay)|(?:nowhere|no place) to (?:go|stay|sleep)|"
            r"where to (?:sleep|stay|go tonight)|can(?:no|')?t stay (?:here|there)|"
            r"refuge|hebergement|dormir|nulle part ou aller|pas de place pour (?:ce soir|dormir|rester)|motel|hotel|"
            r"where do i go(?: tonight)?|je vais ou|ou (?:je vais|aller) (?:a soir|ce soir|dormir|rester))\b"
        ),
    ),
    (
        "victim_services",
        re.compile(r"\b(?:counsell?(?:ing|or)|therapy|therapist|therapie|psychologique|conseillere?)\b"),
    ),
    (
        "trafficking",
        re.compile(
            r"\b(?:forced (?:me )?to|made me (?:work|sell|see|sleep with)|pimp|proxenete|forcee? a (?:faire|travailler|me prostituer)|"
            r"passport|passeport|my papers|mes papiers|a debt|une dette|owe (?:him|them)|lui dois|leur dois|"
            r"(?:m a|me) fait travailler|gardait (?:tout )?(?:l argent|mon argent)|kept (?:all )?(?:the|my) money|took all (?:the|my) money|massage)\b"
        ),
    ),
]


_SAFETY_PLAN = re.compile(r"safety plan|plan de s[ée]curit[ée]|plan pour (?:partir|m en aller)")


def need_hint(text: str) -> Optional[str]:
    plain = strip_accents(text.lower())
    return next((intent for intent, rx in NEED_HINTS if rx.search(plain) and fits_writer(intent, text)), None)


def fits_writer(intent: str, text: str) -> bool:
    """Therapy for an adult is victim services; a teen's counsellor is Kids Help Phone, an Indigenous
    person's is Indigenous-led."""
    return intent != "victim_services" or audience_from_text(text) not in ("teen", "indigenous")


# Words that name one need so plainly that they win over the classifier's other guesses (not over
# danger): "how do I get a restraining order against the man who trafficked me" asks about the order.
PLAIN_NEEDS = [
    (
        "legal_help",
        re.compile(
            r"\b(?:restraining order|protection order|no contact order|peace bond|ordonnance (?:interdictive|de protection|de non communication|d interdiction|du tribunal|de la cour|judiciaire|speciale|restrictive))\b"
            r"|\b(?:judge|court|juge|tribunal|cour) (?:\w+ ){0,5}(?:stay away|keep (?:him |her |them )?away|rester loin|s eloigner|pas (?:m|nous) approcher)\b"
            r"|\bcourt order (?:to keep|against|so (?:he|she|they))\b|\bordonnance (?:\w+ ){0,3}pour (?:la traite|le trafiquant|mon|lui|l exploiteur|mon ex)\b"
            r"|\b(?:veux|veut|voulons|veulent|voudrais|voudrait|souhaite|besoin d|avoir|obtenir|demander) (?:une )?ordonnance\b"
            r"|\b(?:papier|document|ordre) (?:du|de la|d un|d une) (?:tribunal|cour|juge)\b|\bpaper from (?:the |a )?(?:court|judge)\b"
        ),
    ),
    (
        "shelter",
        re.compile(
            r"\b(?:(?:nowhere|no place|no where) to (?:go|stay|sleep) tonight|where (?:can|do) i (?:sleep|stay) tonight|(?:find|need|get) (?:me )?a bed|"
            r"(?:trouver|besoin d|avoir) un lit|(?:sleeping|sleep|slept) in (?:my|a|the|our) (?:car|truck|van)|(?:dormir|dors|dormi) dans (?:mon |ma |l |une? )?(?:char|auto|voiture|car)\b|"
            r"(?:nulle part|pas de place|pas d autre place) (?:ou )?(?:aller|dormir|rester)(?: \w+){0,3} (?:ce soir|a soir|demain))\b"
        ),
    ),
    # "c'est-tu de la traite ça?": the trafficking answer
    (
        "trafficking",
        re.compile(
            r"\b(?:is (?:this|it|that|what happened) (?:\w+ )?(?:human )?(?:trafficking|exploitation)|c est(?: tu| ti)? (?:ca )?(?:encore )?de (?:la traite|l exploitation)"
            r"|est ce (?:que c est )?(?:encore )?de (?:la traite|l exploitation))\b"
        ),
    ),
    # "is this an AI?": the assistant says what it is
    (
        "bot_challenge",
        re.compile(
            r"^(?:\w+ ){0,3}(?:is this|am i talking to|am i chatting with|are you) (?:an? )?(?:ai|bot|robot|real person|real human|human|person|chatbot)\b"
            r"|^(?:\w+ ){0,3}(?:c est|est ce|es tu|t es|tes|vous etes|etes vous|je parle a) (?:un |une )?(?:ia|robot|bot|vraie personne|humain|humaine|personne reelle)\b"
        ),
    ),
    # "I want to speak to a real person": the hotline's people (not "am I talking to a real person?")
    (
        "contact_person",
        re.compile(
            r"\b(?:want|need|like|prefer|rather) to (?:speak|talk|chat) (?:to|with) (?:a |an )?(?:real |live |actual )?(?:person|human|someone real)\b"
            r"|\b(?:parler|jaser) (?:a|avec) (?:une |un )?(?:vraie |vrai )?(?:personne|humain|humaine|intervenante?)(?: aujourd hui| maintenant| en francais)\b"
        ),
    ),
    # "Indigenous-led support": Talk4Healing, Hope for Wellness
    (
        "indigenous_support",
        re.compile(
            r"\bindigenous led\b|\b(?:indigenous|native|first nations|metis|inuit|inuk) (?:support|help|counsell?(?:ing|or)|services?|helpline|line|worker|elder)\b"
            r"|\b(?:aide|soutien|services?|ligne|intervenante?|aine) (?:pour (?:les )?)?autochtones?\b|\bpar et pour (?:les )?autochtones\b"
        ),
    ),
    # "how can I help her?": what a friend, sibling or coworker can do (a parent gets the parent's answer)
    (
        "friend_worry",
        re.compile(
            r"\bhow (?:can|do|should|could) i help (?:her|him|them|my (?:friend|coworker|co worker|sister|brother|cousin|roommate|student))\b"
            r"|\bcomment (?:(?:je peux|puis je|pourrais je|est ce que je peux|faire pour) (?:l |les )?|l |les )aider\b|\bhow (?:to|do i|can we) help (?:her|him|them)\b"
        ),
    ),
    # a child asked for pictures online: Cybertip, whatever else the message says
    (
        "online_exploitation",
        re.compile(
            r"^(?=.*\b(?:game|games|gaming|jeu|jeux|snap|snapchat|instagram|insta|discord|roblox|fortnite|minecraft|tiktok|chat|en ligne|online|xbox|playstation|ps4|ps5|switch|twitch|whatsapp|messenger|facebook)\b).*"
            r"\b(?:asked|asking|ask|asks|demande|demandait|demander|demandent) (?:\w+ ){0,9}(?:for )?(?:des |ses )?(?:pictures|pics|photos|nudes|nude pics|videos?|vids?|filmer|film (?:himself|herself|themselves)|cam|camera|webcam)\b"
            r"|^(?=.*\b(?:discord|snap|snapchat|instagram|insta|tiktok|roblox|fortnite|minecraft|xbox|game|jeu|en ligne|online|whatsapp|messenger|facebook)\b).*"
            r"\b(?:send|sending|envoyer|envoie|envoyes) (?:\w+ ){0,2}(?:nudes|pics|vids|videos?|photos|selfies|nus)\b"
            r"|\b(?:intimate|nude|naked|sexual|explicit|sex) (?:video|videos|vid|vids|pics?|pictures?|photos?|images?)\b"
            r"|\b(?:videos?|photos?|images?) (?:intimes?|sexuelles?|de (?:moi|elle|lui|ma fille|mon fils) (?:nue?|toute? nue?))\b"
        ),
    ),
    # "will the cops find out? im 16": who is told
    (
        "confidentiality",
        re.compile(
            r"\b(?:do|does|will|would) (?:they|the \w+|you|the person on the phone|the helpline|the hotline) (?:have to |need to |)?(?:tell|report|call|inform)\b"
            r"|\b(?:will|would) (?:the )?(?:cops|police|my (?:mom|dad|parents)|cas|children s aid) (?:find out|know|be told|be called|get called|get involved|be involved)\b"
            r"|\b(?:mom|dad|parents|cas) finding out\b"
            r"|\b(?:will|would) (?:anyone|anybody|someone|you|you guys|they) (?:call|tell|contact|inform|report (?:me )?to) (?:my (?:mom|dad|parents|mother|father|school)|cas|children s aid|the police|some agency)\b"
            r"|\b(?:vont|va|doivent|doit|devez|allez) (?:tu )?(?:le )?(?:dire|appeler|avertir|prevenir|rapporter) (?:ca )?(?:a )?(?:aux? )?(?:mes parents|ma mere|mon pere|la dpj|la police|la sae|la cas|les services (?:a|de protection de) l enfance|services (?:a|de protection de) l enfance|l aide a l enfance|la societe d aide a l enfance|la protection (?:de l enfance|de la jeunesse))\b"
            r"|\b(?:ca|ce que je dis) va (?:tu )?(?:aller|etre dit|etre rapporte) (?:a|aux?) (?:ma mere|mon pere|mes parents|la police|la dpj|la societe|l aide|la cas|la sae|la protection)\b"
            r"|^(?=.*\b(?:si j en parle|si je parle|si j appelle|si je le dis|si je dis|if i (?:tell|talk|call|say|reach out))\b).*"
            r"\b(?:aide a l enfance|services a l enfance|protection de l enfance|protection de la jeunesse|dpj|children s aid|childrens aid|child protection|cas)\b"
            r"|\b(?:mes parents|ma mere|mon pere|la dpj|la protection de l enfance|la sae|l aide a l enfance|la police) (?:\w+ ){0,2}(?:soient|seront|vont etre|seraient|soit|sera) (?:avertie?s?|prevenue?s?|informee?s?|au courant|appelee?s?)\b"
            r"|\b(?:my parents|my mom|my dad|cas|children s aid|the police|the cops) (?:\w+ ){0,2}(?:will|would|could) (?:be|get) (?:told|notified|called|informed)\b"
            r"|\b(?:mes parents|ma mere|mon pere|la police|la dpj|les flics|la cas|la sae)\b(?: \w+){0,4} (?:vont|va)(?: tu)? (?:le |l )?(?:savoir|apprendre|etre au courant|etre avertie?s?)\b"
        ),
    ),
    (
        "victim_services",
        re.compile(
            r"\b(?:court support|testify|testifying|go to court with me|money (?:to help|for) victims|financial help for victims|"
            r"temoigner|m accompagner (?:au|a la) (?:tribunal|cour)|aide financiere (?:pour les )?victimes?)\b"
        ),
    ),
    # therapy for an adult; a teen's counsellor is Kids Help Phone, an Indigenous person's is Indigenous-led
    (
        "victim_services",
        re.compile(
            r"\b(?:suivi psychologique|un psychologue|une psychologue|(?:a|see a|find a|talk to a) (?:therapist|counsell?or)|therapy|counsell?ing|therapie)\b"
        ),
    ),
]
# A need that only narrows these (legal_for_me is legal help) is kept.
NARROWER = {
    "legal_help": ("legal_help", "legal_for_me", "legal_for_child", "legal_next_steps"),
    "trafficking": ("trafficking", "labour_exploitation"),
}

# "I can't sleep", "des cauchemars": the aftermath of a crime, not a bed for tonight.
_CANT_SLEEP = re.compile(
    r"\b(?:can ?t|cant|cannot|can not|couldn t|unable to|trouble|hard to|struggling to) (?:\w+ )?sleep(?:ing)?\b(?! (?:at|in|there|here|home|tonight|anywhere|outside|on))"
    r"|\bnightmares?\b|\bcauchemars?\b|\b(?:dors|dort|dormir) (?:plus|pu|pas|mal)\b(?! (?:chez|ici|la bas|ce soir|a soir|dehors))"
    r"|\b(?:peux|arrive|reussis) (?:pas|plus|pu) a dormir\b(?! (?:chez|ici|la bas|ce soir|a soir|dehors))"
)
_NEEDS_A_BED = re.compile(
    r"\b(?:shelter|a bed|place to (?:stay|sleep|go)|somewhere to (?:stay|sleep|go)|nowhere to|no place to|kicked out|homeless|on the street"
    r"|refuge|hebergement|un lit|une place (?:pour|ou) (?:dormir|rester)|nulle part|pas de place|a la rue|dans la rue|mise? dehors)\b"
)
# Online exploitation is always told with something of the online world: a picture, an app, a message,
# money asked. Without any of it ("stuff went down last night and im freaking out"), the classifier
# guessed from the feeling, and a question serves better than the sextortion answer.
_ONLINE_CUES = re.compile(
    r"pic|photo|image|nude|\bnue?s?\b|naked|video|\bvids?\b|film|\bcam|snap|insta|\big\b|tiktok|discord|roblox|fortnite|minecraft|"
    r"game|\bjeu|online|en ligne|internet|\bapps?\b|appli|site|\bdms?\b|message|texto|text|sext|leak|post|publi|partag|share|send|sent|"
    r"envoy|envoi|screenshot|capture|chat|facebook|\bfb\b|messenger|whatsapp|telegram|twitch|omegle|onlyfans|account|compte|profil|"
    r"follower|abonn|cyber|groom|chantage|blackmail|expos|web|phone|cell|\btel\b|selfie|stor(?:y|ies)|stream|gamer|lien|link|deepfake|"
    r"facetime|record|enregistr|show|montr|\bpa(?:y|id|yer)\b|argent|money|talking to|who (?:they|he|she) said|catfish|fake"
)
# "the police took a report", "j'ai porté plainte": the report is made; what they ask is what comes next.
_ALREADY_REPORTED = re.compile(
    r"\b(?:police|cops|officer|they) (?:already )?(?:took|has|have|made|filed|opened) (?:a |my |the )?(?:report|file|statement)\b"
    r"|\b(?:i|we|she|he|they) (?:already )?(?:reported|filed a report|made a report|made a statement|pressed charges|went to the police)\b"
    r"|\b(?:he|she|they) (?:was|were|got|has been|is) (?:arrested|charged|convicted|locked up|in jail)\b"
    r"|\b(?:j ai|on a|elle a|il a|ils ont) (?:deja )?(?:porte plainte|fait une plainte|fait un rapport|fait une declaration|appele la police)\b"
    r"|\bla police (?:a|l a|les a) (?:arrete|arretee?s?|pris ma plainte|fait un rapport|ouvert un dossier)\b"
)
_REPORT_AGAIN = re.compile(
    r"\b(?:report|reporting|signaler|denoncer) (?:\w+ ){0,3}(?:again|else|elsewhere|too|also|ailleurs|aussi|encore|other)\b"
    r"|\b(?:where|who) else\b|\bnothing (?:happened|was done)\b|\bd autres? (?:victimes|filles|femmes|travailleurs)\b|\bother (?:girls|women|victims|workers)\b"
)
UNSURE_OR_GENERAL_FOR_TEENS = (
    "parent_worry",
    "victim_services",
    "report_crime",
    "safety_plan",
)  # a teen is not a parent; KHP first


# A young person (an age under 18, a school grade) who wants someone to talk to: Kids Help Phone,
# when the classifier was unsure or only heard reassurance.
_TEEN = re.compile(
    r"\b(?:i am|im|i m|j ai|jai) (?:1[0-7]|[89])\b|\b(?:1[0-7]|[89]) ?(?:yo|y o|years old|year old|ans|f|m)\b"
    r"|\bgrade (?:[6-9]|1[0-2])\b|\b(?:[6-9]|1[0-2])e annee\b|\ben (?:[6-9]|1[0-2])e\b"
)
_TALK_TO_SOMEONE = re.compile(
    r"\b(?:talk|speak|chat) (?:\w+ ){0,3}(?:someone|somebody|a person|a counsell?or|anyone)\b"
    r"|\b(?:someone|somebody|a person|anyone|a counsell?or) (?:\w+ ){0,3}(?:talk|speak) to\b|\bcounsell?or\b|\bwho else is there\b"
    r"|\b(?:parler|jaser|jasser|placoter) (?:\w+ ){0,3}(?:a|avec) (?:quelqu un|quelquun|qqn|quelqu une|personne|une? intervenante?)\b"
    r"|\b(?:personne|quelqu un|quelquun|qqn) (?:a|avec) qui (?:je )?(?:peux |pourrais |peut )?(?:parler|jaser)\b"
)
_TEEN_WRITING = re.compile(
    r"\b(?:je suis|chu|jsuis|i am|im) (?:une? )?(?:a )?mineure?\b|\bi am a minor\b|"
    r"\b(?:i am|im|i m|j ai|jai) (?:1[0-7]|[89])(?: years old| yo| ans| yrs)?\b(?! (?:year|yr|y) ?o?l?d? ?(?:daughter|son|kid))"
)
SAFE_WITHOUT_WORDS_MAX = 10  # "je suis chez une amie, ça va" is reassurance without the usual words
UNSURE_OR_GENERAL = (FALLBACK_INTENT, SAFE_INTENT, "unclear", "out_of_scope", "contact_person")


_CULTURE = re.compile(
    r"\b(?:culture|cultural|culturel(?:le)?|traditions?|elders?|aine(?:e|s)?|ceremon(?:y|ies|ie)|autochtones?|indigenous|native|first nations?|premieres nations)\b"
)


def indigenous_person_wants_to_talk(text: str) -> bool:
    plain = strip_accents(text.lower()).replace("'", " ")
    return audience_from_text(text) == "indigenous" and bool(_TALK_TO_SOMEONE.search(plain) or _CULTURE.search(plain))


def young_person_wants_to_talk(text: str) -> bool:
    plain = strip_accents(text.lower()).replace("'", " ")
    return bool(_TEEN.search(plain) and _TALK_TO_SOMEONE.search(plain))


def plain_need(text: str) -> Optional[str]:
    plain = re.sub(r"['-]", " ", strip_accents(text.lower()))
    for intent, rx in PLAIN_NEEDS:
        if rx.search(plain) and fits_writer(intent, text):
            return intent
    return None


# A request to leave the chat is short, or says what to close, erase or hide.
_LEAVING_CUES = re.compile(
    r"\b(?:chat|conversation|convo|close|closing|erase|delete|hide|exit|quit|bye|gtg|screen|page|app|"
    r"fermer|ferme|effacer|efface|supprimer|cacher|quitter|quitte|ecran|y aller|partir|go)\b"
)
LEAVING_MAX_WORDS = 8


def looks_like_leaving(text: str, sure: bool) -> bool:
    """Short, or the classifier is sure and the message says what to close, erase or hide."""
    return len(text.split()) <= LEAVING_MAX_WORDS or (sure and bool(_LEAVING_CUES.search(strip_accents(text.lower()))))


def force_intent(message: Message, intent: str) -> None:
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)


def _understood(ranking: List[Dict[str, Any]], floor: float, skip=NOT_A_NEED) -> Optional[str]:
    """The classifier's best guess that is a need (not one of `skip`), if it is at least `floor`."""
    for r in ranking:
        if r.get(INTENT_NAME_KEY) not in skip:
            return r.get(INTENT_NAME_KEY) if (r.get(PREDICTED_CONFIDENCE_KEY) or 0) >= floor else None
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyNet(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "ml_danger_threshold": 0.2,
            "follow_up_floor": 0.1,
            "specific_need_floor": 0.1,
            "unsure_need_floor": 0.25,
            "exit_sure": 0.6,
            "leaving": 0.5,
            "ambiguous_need_floor": 0.4,
        }

    def __init__(self, config: Optional[Dict[Text, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **(config or {})}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyNet":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue  # "/intent" payloads from buttons are handled by Rasa itself
            self._check(message, text)
            self._second_look(message, text)
        return messages

    @staticmethod
    def _second_look(message: Message, text: str) -> None:
        """Needs the words of the message rule out, whichever way they were chosen."""
        chosen = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        plain = strip_accents(text.lower()).replace("'", " ")
        # "I can't sleep since it happened": support after a crime, not a bed for tonight
        if chosen == "shelter" and _CANT_SLEEP.search(plain) and not _NEEDS_A_BED.search(plain):
            force_intent(message, "victim_services")
        # "the police took a report, is there help for that?": what comes after reporting
        elif chosen == "report_crime" and _ALREADY_REPORTED.search(plain) and not _REPORT_AGAIN.search(plain):
            force_intent(message, "victim_services")
        # "j'ai 13 ans...": a teen who writes is not a parent
        elif chosen == "parent_worry" and _TEEN_WRITING.search(plain):
            force_intent(message, "youth_support")
        elif chosen == "online_exploitation" and not _ONLINE_CUES.search(plain):
            force_intent(message, FALLBACK_INTENT)
        # A long message the classifier took for reassurance, with no word of safety in it ("my brother
        # has been gone since last night, mom is freaking out"): ask whether they are safe.
        elif chosen == SAFE_INTENT and len(text.split()) > SAFE_WITHOUT_WORDS_MAX and not says_safe(text):
            force_intent(message, FALLBACK_INTENT)

    def _check(self, message: Message, text: str) -> None:
        ranking = message.get(INTENT_RANKING_KEY) or []
        previous = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        understood = _understood(ranking, self.config["follow_up_floor"])

        scores = {r.get(INTENT_NAME_KEY): r.get(PREDICTED_CONFIDENCE_KEY) or 0 for r in ranking}
        if previous == EXIT_INTENT and not looks_like_leaving(
            text, scores.get(EXIT_INTENT, 0) >= self.config["exit_sure"]
        ):
            # "Je suis sortie de ça y a un an..." is a need, not a request to erase the conversation
            previous = _understood(ranking, 0.0, skip=NOT_A_NEED + (EXIT_INTENT,)) or FALLBACK_INTENT
            force_intent(message, previous)
        sure_exit = previous == EXIT_INTENT and scores.get(EXIT_INTENT, 0) >= self.config["exit_sure"]
        danger = assess(text)
        # "faut que je ferme ça vite il arrive": someone is coming and the person says they must close
        # the chat. Clearing the screen is what they asked for; other danger still gets 911.
        if leaving_now(text) and (danger is None or danger.category == "intruder"):
            force_intent(message, EXIT_INTENT)
            return
        if danger is not None:
            forced = SELF_HARM_INTENT if danger.self_harm else EMERGENCY_INTENT
            # the one service added after 911: what the words plainly name, else the classifier's need
            followup = plain_need(text) or understood
            message.set(SAFETY_NET, {"rule": danger.category, "classifier_intent": followup}, add_to_output=True)
            force_intent(message, forced)
            return
        # Unsure, but leaving ("i have to go NOW"): erasing is the safe way to leave.
        leaving = (
            previous == FALLBACK_INTENT
            and scores.get(EXIT_INTENT, 0) + scores.get("goodbye", 0) >= self.config["leaving"]
        )
        if is_exit_request(text) or sure_exit or leaving:
            force_intent(message, EXIT_INTENT)
            return
        plain = plain_need(text)
        if plain and previous not in DANGER_INTENTS + (EXIT_INTENT,) and previous not in NARROWER.get(plain, (plain,)):
            force_intent(message, plain)
            return
        # "chu innue... j'aimerais parler à quelqu'un qui comprend ma culture": Indigenous-led help
        if previous in UNSURE_OR_GENERAL + ("victim_services", "youth_support") and indigenous_person_wants_to_talk(
            text
        ):
            force_intent(message, "indigenous_support")
            return
        if previous in UNSURE_OR_GENERAL + UNSURE_OR_GENERAL_FOR_TEENS and young_person_wants_to_talk(text):
            force_intent(message, "youth_support")
            return
        # Two needs almost tied ("will the cops find out? im 16"): the FallbackClassifier gives up on
        # ambiguity, but either need answers better than a clarifying question.
        if previous == FALLBACK_INTENT:
            tied = _understood(ranking, self.config["ambiguous_need_floor"], skip=NOT_SPECIFIC + ("ask_call_police",))
            if tied and max(scores.get(i, 0) for i in DANGER_INTENTS) < self.config["ml_danger_threshold"]:
                force_intent(message, tied)
                return
        # "I'm safe now, but..." / "it happened last year": the need in the rest of the message,
        # or, when the classifier was unsure, its best need if it is fair enough.
        hint = need_hint(text)
        specific = plain or _understood(ranking, self.config["specific_need_floor"], skip=NOT_SPECIFIC) or hint
        likely = _understood(ranking, self.config["unsure_need_floor"], skip=NOT_SPECIFIC)
        safe, past = says_safe(text), long_ago(text)
        if safe or past:
            if previous in DANGER_INTENTS + (SAFE_INTENT,) and specific:
                force_intent(message, specific)
                return
            # "it happened years ago, I need a counsellor now": the word for the need wins over a
            # general answer (someone to talk to, a safety plan, the topics)
            if (
                hint
                and previous in GENERAL
                and previous != hint
                and not (previous == "safety_plan" and _SAFETY_PLAN.search(text.lower()))
            ):
                force_intent(message, hint)
                return
            if previous == FALLBACK_INTENT and (likely or hint):
                # a word that names the need beats a general guess ("l'argent pour le motel finit à soir")
                choice = hint if hint and (not likely or likely in GENERAL) else likely
                # a parent whose child is safe now, unsure what else: the parent's answer, not 911's
                if choice in GENERAL and audience_from_text(text) == "parent":
                    choice = "parent_worry"
                if choice != "ask_call_police":
                    force_intent(message, choice)
                    return
        if safe:
            # They just said they are safe: "are you safe right now?" is not the question to ask back.
            if previous in DANGER_INTENTS or previous == FALLBACK_INTENT:
                # a parent whose child is safe now is still a worried parent
                parent = "parent_worry" if audience_from_text(text) == "parent" else None
                force_intent(message, specific or parent or SAFE_INTENT)
            return
        best = max(DANGER_INTENTS, key=lambda i: scores.get(i, 0))
        # Told as the past ("l'an dernier... elle va pas bien"), and the classifier's first guess is a
        # need: a weaker danger guess does not put 911 first. The danger rules still ran above.
        if past and previous not in NOT_SPECIFIC + GENERAL:
            return
        # The learned danger score (bot/plugins/nlu/danger_score.py) and the classifier's danger guess:
        # both, or the score alone when it is high, give 911 first; the score's low band overrules a
        # weak danger guess of the classifier ("does the hotline help guys too?").
        band = (message.get(DANGER_SCORE) or {}).get("band")
        guessed = scores.get(best, 0) >= self.config["ml_danger_threshold"]
        if band == HIGH or (guessed and band != LOW):
            message.set(SAFETY_NET, {"rule": None, "classifier_intent": plain or understood}, add_to_output=True)
            if previous != best:
                force_intent(message, best)
        elif guessed:
            # the classifier's danger guess, which no rule and not the score share: the need's answer
            # (on the development sets, no emergency was ever in this case, and every false alarm of
            # the classifier alone was)
            overruled = {"rule": None, "classifier_intent": understood, "overruled": "danger_score"}
            message.set(SAFETY_NET, overruled, add_to_output=True)
            if previous in DANGER_INTENTS:
                force_intent(message, understood or FALLBACK_INTENT)
