"""The safety rules are data (data/safety/*.yml): every example a rule lists fires it, every near miss
does not, and every staff phrase decides what it says. One test case per example, read from the files."""

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.plugins.nlu.safety_net import SafetyNet
from bot.shared.safety.danger import assess
from bot.shared.safety.rulebook import DEFAULT_DIR, Rulebook, RulebookError, schema_errors

BOOK = Rulebook.from_dir(DEFAULT_DIR)
RULES = list(BOOK.rules.values())

EXAMPLES = [pytest.param(r.id, text, id=f"{r.id}:{text[:40]}") for r in RULES for text in r.examples]
NEAR_MISSES = [pytest.param(r.id, text, id=f"{r.id}:{text[:40]}") for r in RULES for text in r.near_misses]
PHRASES = {
    kind: [pytest.param(p, id=f"{lang}:{p}") for lang, ps in by_lang.items() for p in ps]
    for kind, by_lang in BOOK.phrases.items()
}


@pytest.mark.parametrize("rule_id,text", EXAMPLES)
def test_an_example_fires_its_rule(rule_id, text):
    rule = BOOK.rules[rule_id]
    assert BOOK.fires(rule, text), f"{rule_id} ({rule.file}) does not fire on {BOOK.text_for(rule, text)!r}"


@pytest.mark.parametrize("rule_id,text", NEAR_MISSES)
def test_a_near_miss_does_not_fire_its_rule(rule_id, text):
    rule = BOOK.rules[rule_id]
    assert not BOOK.fires(rule, text), f"{rule_id} ({rule.file}) fires on {BOOK.text_for(rule, text)!r}"


def _decide(text, *ranking):
    m = Message(
        data={
            "text": text,
            "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
    )
    SafetyNet().process([m])
    return m


@pytest.mark.parametrize("phrase", PHRASES["always_911"])
def test_an_always_911_phrase_gets_the_emergency_answer(phrase):
    m = _decide(phrase, ("greet", 0.9), ("emergency", 0.01))
    assert m.get("intent")["name"] == "emergency"
    assert m.get("safety_net")["rule"]  # a rule id: a danger rule, or phrase.always_911


@pytest.mark.parametrize("phrase", PHRASES["never_911"])
def test_a_never_911_phrase_is_never_an_emergency(phrase):
    assert assess(phrase) is None
    m = _decide(phrase, ("emergency", 0.9), ("contact_person", 0.05))
    assert m.get("intent")["name"] != "emergency"
    assert m.get("safety_net")["rule"] == "phrase.never_911"


def test_an_always_911_phrase_decides_when_no_rule_fires(tmp_path):
    for f in DEFAULT_DIR.glob("*"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    phrases = yaml.safe_load((tmp_path / "phrases.yml").read_text(encoding="utf-8"))
    phrases["always_911"]["en"].append("the purple van ... outside again")
    phrases["never_911"]["en"].append("he is at my door right now")  # always_911 wins
    (tmp_path / "phrases.yml").write_text(yaml.safe_dump(phrases, allow_unicode=True), encoding="utf-8")
    book = Rulebook.from_dir(tmp_path)
    found = assess("The purple van is parked outside again!", book)
    assert found is not None and found.rule == "phrase.always_911"
    assert assess("the purple van outside", book) is None
    assert assess("he is at my door right now", book) is not None


def test_every_rule_file_follows_the_schema_and_ids_are_unique():
    for path in sorted(DEFAULT_DIR.glob("*.yml")):
        assert schema_errors(path.name, yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path.name
    assert len(BOOK.rules) == len(RULES) == len({r.id for r in RULES})


def test_a_broken_rule_file_is_refused_with_its_name(tmp_path):
    for f in DEFAULT_DIR.glob("*"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    danger = yaml.safe_load((tmp_path / "danger.yml").read_text(encoding="utf-8"))
    del danger["safety_rules"][0]["id"]
    (tmp_path / "danger.yml").write_text(yaml.safe_dump(danger, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulebookError, match="danger.yml"):
        Rulebook.from_dir(tmp_path)


def test_a_list_is_a_non_capturing_alternation_and_the_model_copy_is_the_same_book():
    rule = next(r for r in BOOK.category("intruder") if "{subject_en}" in str(BOOK.files["danger.yml"]))
    assert rule is not None
    assert BOOK.expand("{subject_en} x").startswith("(?:he|she|they|")
    copy = Rulebook.from_dict(BOOK.to_dict())
    assert [r.source for r in copy.rules.values()] == [r.source for r in RULES]
    assert copy.normalise("hes outsde my dor") == BOOK.normalise("hes outsde my dor") == "he is outside my door"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("He’s at my door", "he is at my door"),
        ("Heʼs at my door", "he is at my door"),
        ("« Je suis enfermée »", "je suis enfermee"),
        ("i can`t leave", "i can not leave"),
        ("pleeeease", "please"),
    ],
)
def test_one_normaliser_for_every_apostrophe_and_quote(text, expected):
    assert BOOK.normalise(text) == expected


def test_the_typo_vocabulary_is_made_of_words_not_regex_source():
    vocab = BOOK.normaliser.vocabulary
    assert "door" in vocab and "outside" in vocab
    assert not {"bjust", "bhelp", "bmy", "bwhere"} & vocab


def test_a_french_need_hint_written_with_spaces_now_sees_the_apostrophe_as_one():
    from bot.plugins.nlu.safety_net import need_hint

    assert need_hint("c'est fini, mais à qui j'en parle?") == "report_crime"


def test_a_trained_safety_net_keeps_its_rules_in_the_model(tmp_path):
    """train() reads data/safety (or `rules_path`), the model storage keeps the copy, load() uses it: a
    model and its rules roll back together, whatever the files say later."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    rules = tmp_path / "rules"
    rules.mkdir()
    for f in DEFAULT_DIR.glob("*"):
        (rules / f.name).write_bytes(f.read_bytes())
    phrases = rules / "phrases.yml"
    phrases.write_text(
        phrases.read_text(encoding="utf-8").replace(
            "    - he has a gun\n", "    - the purple van is back\n    - he has a gun\n"
        ),
        encoding="utf-8",
    )
    (tmp_path / "model").mkdir()
    storage = LocalModelStorage(tmp_path / "model")
    resource = Resource("safety_net")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**SafetyNet.get_default_config(), "rules_path": str(rules)}
    fingerprint = SafetyNet.fingerprint_addon(config)
    trained = SafetyNet.create(config, storage, resource, context)
    assert trained.train(TrainingData()) == resource
    phrases.write_text("not: [valid", encoding="utf-8")  # the files change after training...
    assert SafetyNet.fingerprint_addon(config) != fingerprint  # ...so `rasa train` would retrain
    loaded = SafetyNet.load(config, storage, resource, context)
    m = Message(data={"text": "the purple van is back", "intent": {"name": "greet", "confidence": 0.9}})
    loaded.process([m])
    assert m.get("intent")["name"] == "emergency" and m.get("safety_net")["rule"] == "phrase.always_911"
    plain = Message(data={"text": "the purple van is back", "intent": {"name": "greet", "confidence": 0.9}})
    SafetyNet().process([plain])  # untrained: the rules of data/safety/, without that phrase
    assert plain.get("intent")["name"] == "greet"


def test_the_pipeline_with_a_trainable_safety_net_is_a_valid_rasa_graph():
    from rasa.engine import validation
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.data import TrainingType
    from rasa.shared.importers.importer import TrainingDataImporter

    from tests.conftest import ROOT

    importer = TrainingDataImporter.load_from_config(str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [])
    config = importer.get_config()
    recipe = Recipe.recipe_for_name(config.get("recipe"))
    model_config = recipe.graph_config_for_recipe(config, {}, training_type=TrainingType.BOTH)
    validation.validate(model_config)
    assert any(
        "SafetyNet" in node.uses.__name__ for node in model_config.train_schema.nodes.values()
    )  # trained, so it is in the training graph


def test_every_custom_component_declares_what_runs_before_it_and_config_keeps_the_rest():
    """required_components() carries the order Rasa can check; the order it can't (SafetyNet reads the
    classifier and the danger score at prediction only, see its required_components) is checked here."""
    import yaml

    from tests.conftest import ROOT

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    ours = [n for n in names + [p["name"] for p in config["policies"]] if n.startswith("bot.")]
    for name in ours:
        module, cls = name.rsplit(".", 1)
        component = getattr(__import__(module, fromlist=[cls]), cls)
        assert "required_components" in vars(component) or any(
            "required_components" in vars(base) for base in component.__mro__[1:] if base.__module__.startswith("bot.")
        ), f"{name} does not declare required_components()"

    def at(suffix: str) -> int:
        return next(i for i, n in enumerate(names) if n.endswith(suffix))

    assert at("DIETClassifier") < at("IntentBlend") < at("FallbackClassifier")  # it blends DIET's ranking
    assert at("DIETClassifier") < at("SafetyNet")
    assert at("DangerScore") < at("SafetyNet")
    assert at("FallbackClassifier") < at("SafetyNet")  # the net overrides a fallback, not the other way
