"""A message in neither English nor French gets the hotline's interpreters (bot/plugins/nlu/other_language.py)."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.plugins.nlu.other_language import OtherLanguage
from bot.shared.language import other_language

OTHER = [
    "necesito ayuda, mi jefe tiene mi pasaporte",  # Spanish
    "meu patrão ficou com meu passaporte e não me paga",  # Portuguese
    "kailangan ko ng tulong, kinuha ng amo ko ang passport ko",  # Tagalog
    "ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ",  # Punjabi
    "أحتاج مساعدة، صاحب العمل أخذ جواز سفري",  # Arabic
    "我需要帮助，老板拿走了我的护照",  # Chinese
    "Мені потрібна допомога, роботодавець забрав мій паспорт",  # Ukrainian
    "en español por favor",  # asking for Spanish, in Spanish
]
ENGLISH_OR_FRENCH = [
    "my boss he take my pasaporte no pay",
    "mon patron garde mon passeport",
    "ok",
    "merci bcp",
    "gracias",
    "chu tanné pis j'sais pu quoi faire",
    "hes outsid my dor",
    "i wanna unalive myself",
    "je dois fermer vite",
    "j'ai besoin d'un adulte de confiance",
    "tell me a joke",
    "are you artificial intelligence",
]


@pytest.mark.parametrize("text", OTHER)
def test_another_language_is_recognised(text):
    assert other_language(text)


@pytest.mark.parametrize("text", ENGLISH_OR_FRENCH)
def test_english_french_slang_and_typos_are_not_another_language(text):
    assert other_language(text) is None


def _message(text, intent="trafficking", **extra):
    m = Message(data={"text": text, **extra})
    m.set("intent", {"name": intent, "confidence": 0.7}, add_to_output=True)
    m.set("intent_ranking", [{"name": intent, "confidence": 0.7}], add_to_output=True)
    return m


def test_component_sets_the_intent_but_leaves_danger_exits_and_buttons_alone():
    spanish = _message(OTHER[0])
    danger = _message(OTHER[0], "emergency", safety_net={"rule": "weapon", "classifier_intent": None})
    leaving = _message(OTHER[0], "safety_exit")
    button = _message("/legal_help", "legal_help")
    OtherLanguage().process([spanish, danger, leaving, button])
    assert spanish.get("intent")["name"] == "other_language" and spanish.get("other_language")
    assert danger.get("intent")["name"] == "emergency"
    assert leaving.get("intent")["name"] == "safety_exit"
    assert button.get("intent")["name"] == "legal_help"


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Tôi đã an toàn rồi, chuyện xảy ra hai năm trước. Tôi có thể gọi số nào?", "vi"),
        ("Potrzebuję pomocy, szef zabrał mój paszport", "pl"),
    ],
)
def test_latin_letters_english_and_french_never_use_point_to_another_language(text, lang):
    assert other_language(text) == lang


def test_one_foreign_word_in_french_stays_french():
    assert other_language("je suis à Montréal, mañana je travaille encore au restaurant") is None
