"""What the learned components share: word and character n-gram features of the plain text, and their
scikit-learn model kept as a file in the trained model (so a rollback brings it back with the model).

Used by bot/plugins/nlu/danger_score.py and bot/plugins/nlu/intent_blend.py.
"""

from __future__ import annotations

import pickle
from typing import Any

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.shared.language import plain_text


def ngram_features():
    """Word (1-2) and character (2-5) TF-IDF n-grams of the plain text (accents, case, apostrophes)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, preprocessor=plain_text),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, preprocessor=plain_text),
    )


def save_model(storage: ModelStorage, resource: Resource, name: str, model: Any) -> None:
    with storage.write_to(resource) as directory, open(directory / name, "wb") as f:
        pickle.dump(model, f)


def load_model(storage: ModelStorage, resource: Resource, name: str) -> Any:
    """The model saved by `save_model`, or None when the trained model holds none."""
    try:
        with storage.read_from(resource) as directory, open(directory / name, "rb") as f:
            return pickle.load(f)  # our own model file, written by save_model
    except (ValueError, FileNotFoundError):
        return None
