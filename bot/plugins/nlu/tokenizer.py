"""Rasa graph component: a tokenizer that uses spaCy's blank English or French pipeline.

It picks the pipeline by the language `LanguageDetector` found, so French elision splits
(j'ai -> j' + ai, m'a -> m' + a) and each token gets a lemma from spaCy's lookup tables
(enfermée -> enfermer, keeps -> keep). The featurizers use the lemmas. Nothing is downloaded:
the blank pipelines ship with spaCy and the tables with spacy-lookups-data.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Dict, List, Optional, Type

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.plugins.nlu.language_detector import LANGUAGE_DETECTION, LanguageDetector
from bot.shared.language import DEFAULT_LANGUAGE, SUPPORTED


@cache
def blank_pipeline(lang: str):
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BilingualSpacyTokenizer(Tokenizer):
    @staticmethod
    def required_components() -> List[Type]:
        return [LanguageDetector]  # reads the message's language to pick spaCy's English or French rules

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            "use_lemmas": True,
        }

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "BilingualSpacyTokenizer":
        for lang in SUPPORTED:  # load both at start-up, not on the first message
            blank_pipeline(lang)
        return cls(config)

    @staticmethod
    def _language(message: Message) -> str:
        detection: Optional[Dict[str, Any]] = message.get(LANGUAGE_DETECTION)
        lang = (detection or {}).get("language")
        return lang if lang in SUPPORTED else DEFAULT_LANGUAGE

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        text = message.get(attribute)
        doc = blank_pipeline(self._language(message))(text)
        use_lemmas = self._config.get("use_lemmas", True)
        tokens = [
            Token(
                t.text,
                t.idx,
                lemma=(t.lemma_ or t.text).lower() if use_lemmas else t.text,
            )
            for t in doc
            if not t.is_space and not t.is_punct
        ]
        if not tokens:  # Rasa needs at least one token, e.g. for "?" or an emoji
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)
