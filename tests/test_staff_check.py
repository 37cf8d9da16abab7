"""`bot check` catches a half-made change with a clear message, the file and the line.

Each test breaks one thing in a copy of the project and runs `bot check` on it (Rasa's own validator
is skipped here: it is slow and catches none of these; `make test` runs the full `bot check`).
"""

import datetime
import re
import subprocess
import sys
from pathlib import Path

from bot.staff.check import run_checks
from bot.staff.findings import ERROR, WARNING
from bot.staff.project import Project
from tests.conftest import ROOT

FAST = ["responses", "resources", "channel_texts", "examples", "wiring"]


def bot_check(project: Project, *args: str) -> subprocess.CompletedProcess:
    """The real command, as staff type it, in the copy's folder."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "--skip-rasa", *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**project.env(), "PYTHONPATH": str(ROOT)},
    )


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def edit(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_the_project_as_committed_passes(project):
    run = bot_check(project)
    assert run.returncode == 0, run.stdout
    assert "All good" in run.stdout and "Tout est bon" in run.stdout


def test_missing_french_variation(project):
    domain = project.domain
    french = (
        '    - text: "Tu as utilisé la sortie rapide : la conversation est effacée. Tu peux revenir quand tu veux."\n'
        "      condition: [{type: slot, name: language, value: fr}, {type: slot, name: address, value: tu}]\n"
        '    - text: "Vous avez utilisé la sortie rapide : la conversation est effacée. Vous pouvez revenir quand vous voulez."\n'
        "      condition: [{type: slot, name: language, value: fr}, {type: slot, name: address, value: vous}]\n"
    )
    edit(domain, french, "")
    run = bot_check(project)
    assert run.returncode == 1
    line = line_of(domain, "utter_safety_exit:")
    assert f"PROBLEM  domain.yml, line {line}\n    utter_safety_exit has no French variation." in run.stdout
    assert "utter_safety_exit n'a pas de variante française" in run.stdout


VOUS_GOODBYE = (
    '    - text: "Prenez soin de vous. Vous pouvez revenir quand vous voulez, de jour comme de nuit."\n'
    '      buttons: *exit_fr\n'
    '      condition: [{type: slot, name: language, value: fr}, {type: slot, name: address, value: vous}]\n'
)


def test_missing_vous_variation_is_named_in_plain_words(project):
    # A French answer that says "tu" needs its "vous" twin (parents and adults), and the reverse.
    edit(project.domain, VOUS_GOODBYE, "")
    run = bot_check(project)
    assert run.returncode == 1
    line = line_of(project.domain, "Prends soin de toi. Tu peux revenir")
    assert (
        f"PROBLEM  domain.yml, line {line}\n    utter_goodbye has a French 'tu' variation but no 'vous' one "
        "(for parents and adults)."
    ) in run.stdout
    assert (
        "utter_goodbye a une variante française « tu » mais pas de variante « vous » (pour les parents et les adultes)"
        in run.stdout
    )


def test_a_single_french_variation_that_says_tu_needs_a_vous_one(project):
    edit(project.domain, VOUS_GOODBYE, "")
    edit(
        project.domain,
        "      condition: [{type: slot, name: language, value: fr}, {type: slot, name: address, value: tu}]\n"
        "\n  utter_thanks:",
        "      condition: [{type: slot, name: language, value: fr}]\n\n  utter_thanks:",
    )
    messages = [f.en for f in run_checks(project, ["responses"]) if f.level == ERROR]
    assert any(
        m.startswith("utter_goodbye: this French answer speaks to the reader as 'tu'; it needs a 'vous' variation")
        for m in messages
    ), messages


def test_a_vous_variation_that_says_tu_is_refused(project):
    edit(
        project.domain,
        '"Prenez soin de vous. Vous pouvez revenir quand vous voulez',
        '"Prends soin de toi. Vous pouvez revenir quand vous voulez',
    )
    messages = [f.en for f in run_checks(project, ["responses"]) if f.level == ERROR]
    assert (
        "utter_goodbye: the French 'vous' variation also says ['toi']: speak to the reader as 'vous' only." in messages
    )


def test_a_channel_variation_must_repeat_the_address(project):
    # `channel: collector` (the REST channel) beats every variation without a channel: with the
    # language alone it would show the "tu" text to a parent.
    edit(
        project.domain,
        VOUS_GOODBYE,
        VOUS_GOODBYE + '    - text: "Prends soin de toi."\n      channel: collector\n'
        '      condition: [{type: slot, name: language, value: fr}]\n',
    )
    messages = [f.en for f in run_checks(project, ["responses"]) if f.level == ERROR]
    assert any(
        m.startswith("utter_goodbye: this `channel: collector` variation must repeat all the conditions")
        for m in messages
    )
    edit(
        project.domain,
        "      channel: collector\n      condition: [{type: slot, name: language, value: fr}]\n",
        "      channel: collector\n      condition: [{type: slot, name: language, value: fr}, {type: slot, name: address, value: tu}]\n",
    )
    assert not [f for f in run_checks(project, ["responses"]) if f.level == ERROR]


def test_resource_without_a_source(project):
    resources = project.resources
    edit(resources, '    source_url: "https://www.talk4healing.com"\n', "")
    found = [f for f in run_checks(project, FAST) if f.level == ERROR]
    assert [(f.file, f.line) for f in found] == [("data/resources.yml", line_of(resources, "- id: talk4healing"))]
    assert found[0].en == (
        "Entry 'talk4healing': has no source. Add `source_url`: the https:// page where you checked these facts."
    )
    assert "n'a pas de source" in found[0].fr
    assert bot_check(project).returncode == 1


def test_malformed_phone_number(project):
    resources = project.resources
    edit(resources, 'contact: {phone: "1-877-336-2433"}', 'contact: {phone: "1-877-336-243"}')
    found = [f for f in run_checks(project, FAST) if f.level == ERROR]
    line = line_of(resources, '"1-877-336-243"')
    assert (found[0].file, found[0].line) == ("data/resources.yml", line)
    assert "Entry 'femaide': the phone number '1-877-336-243' (phone) is not in a known format" in found[0].en
    assert "n'est pas dans un format connu" in found[0].fr
    run = bot_check(project)
    assert run.returncode == 1 and f"data/resources.yml, line {line}" in run.stdout


def test_intent_with_too_few_examples(project):
    nlu = project.nlu_dir("fr") / "trafficking.yml"
    lines = nlu.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, l in enumerate(lines) if l.startswith("- intent: job_offer_check"))
    end = next(i for i, l in enumerate(lines) if i > start and l.startswith("- intent:"))
    nlu.write_text("".join(lines[: start + 2 + 4] + lines[end:]), encoding="utf-8")  # keep 4 examples
    found = [f for f in run_checks(project, FAST) if f.level == ERROR]
    assert len(found) == 1
    assert (found[0].file, found[0].line) == ("data/nlu/fr/trafficking.yml", start + 3)
    assert found[0].en == (
        "The intent 'job_offer_check' has 4 French examples; it needs at least 10. Add 6 more in data/nlu/fr/."
    )
    assert "il en faut au moins 10" in found[0].fr
    run = bot_check(project, "--language", "fr")
    assert run.returncode == 1 and "PROBLÈME  data/nlu/fr/trafficking.yml, ligne" in run.stdout
    assert "needs at least" not in run.stdout  # French only, as asked


def test_answer_showing_services_without_quick_exit_button(project):
    edit(
        project.domain,
        "  exit_en: &exit_en\n    - {title: \"More options\", payload: /more_options}\n"
        "    - {title: \"Quick exit\", payload: /safety_exit}",
        "  exit_en: &exit_en\n    - {title: \"More options\", payload: /more_options}\n"
        "    - {title: \"Legal help\", payload: /legal_help}",
    )
    messages = [f.en for f in run_checks(project, ["responses"]) if f.level == ERROR]
    assert any(
        m.startswith("utter_emergency: this answer shows services ({resources}) but has no quick-exit button")
        for m in messages
    ), messages


def test_french_text_pasted_into_the_english_variation(project):
    edit(
        project.domain,
        '"Take care of yourself. You can come back any time, day or night."',
        '"Prends soin de toi. Tu peux revenir quand tu veux, de jour comme de nuit."',
    )
    messages = [f.en for f in run_checks(project, ["responses"]) if f.level == ERROR]
    assert (
        "utter_goodbye: the English variation looks French. Was the text pasted into the wrong variation?" in messages
    )


def test_untranslated_button(project):
    edit(
        project.domain,
        '{title: "Sortie rapide", payload: /safety_exit}\n  topics_en',
        '{title: "Quick exit", payload: /safety_exit}\n  topics_en',
    )
    messages = [f.en for f in run_checks(project, ["responses"]) if f.level == ERROR]
    assert any("button /safety_exit has the same title in English and French" in m for m in messages), messages


def test_same_example_under_two_intents_is_a_conflict(project):
    nlu = project.nlu_dir("en") / "trafficking.yml"
    edit(
        nlu,
        "- intent: job_offer_check\n  examples: |\n",
        "- intent: job_offer_check\n  examples: |\n    - i'm in danger\n",
    )
    found = [f for f in run_checks(project, ["examples"]) if f.level == ERROR]
    assert any(
        "'i'm in danger' is an example of" in f.en and "emergency" in f.en and "job_offer_check" in f.en for f in found
    ), found


def test_copy_of_a_held_out_message_is_refused(project):
    case = (ROOT / "eval" / "heldout" / "final.jsonl").read_text(encoding="utf-8").splitlines()[20]
    import json

    message = json.loads(case)["turns"][-1]
    nlu = project.nlu_dir("en") / "safety.yml"
    edit(nlu, "- intent: emergency\n  examples: |\n", f"- intent: emergency\n  examples: |\n    - {message}\n")
    found = [f for f in run_checks(project, ["examples"]) if f.level == ERROR]
    assert any("is a message from the held-out test set" in f.en for f in found)


def test_old_check_date_is_a_warning_naming_the_entry(project):
    today = datetime.date(2026, 11, 28) + datetime.timedelta(days=400)
    found = run_checks(project, ["resources"], today=today)
    assert found and all(f.level == WARNING for f in found)
    assert any(
        f.en.startswith("Entry 'femaide': was last checked on 2026-11-28, more than 12 months ago.") for f in found
    )


def test_typed_phone_number_in_a_channel_text(project):
    edit(project.channel_texts, "appeler le {emergency[phone]}", "appeler le 911")
    found = [f for f in run_checks(project, ["channel_texts"]) if f.level == ERROR]
    assert any("a phone number is typed in" in f.en for f in found)


def test_broken_yaml_names_its_line(project):
    edit(project.resources, 'hours: {en: "24/7", fr: "24 h/24, 7 j/7"}', 'hours: {en: "24/7", fr: "24 h/24, 7 j/7"')
    found = run_checks(project, ["resources"])
    assert found[0].file == "data/resources.yml" and found[0].line and "not valid YAML" in found[0].en


def test_new_intent_without_rule_or_answer(project):
    edit(project.domain, "  - safety_exit\n", "  - safety_exit\n  - housing_help\n")
    messages = [f.en for f in run_checks(project, ["wiring"]) if f.level == ERROR]
    assert any(m.startswith("The intent 'housing_help' has no rule") for m in messages), messages
    edit(
        project.root / "data" / "rules" / "help.yml",
        "rules:\n",
        "rules:\n- rule: answer housing_help\n  steps:\n  - intent: housing_help\n  - action: action_respond\n\n",
    )
    messages = [f.en for f in run_checks(project, ["wiring"]) if f.level == ERROR]
    assert messages == [
        "The intent 'housing_help' is answered by action_respond but has no line under `needs:`: add "
        "`housing_help: {response: utter_housing_help, resources: [chth]}`"
    ]
    # the staff member adds the line the finding gives, in data/needs.yml, and the wiring is complete
    edit(project.needs, "needs:\n", "needs:\n  housing_help: {response: utter_greet, resources: [ontario_211, chth]}\n")
    assert [f.en for f in run_checks(project, ["wiring"]) if f.level == ERROR] == []


def test_needs_table_mistakes_are_named_with_their_line(project):
    # a misspelt field, five services in one answer, an unknown audience, a service not in the directory
    edit(
        project.needs,
        "  shelter: {response: utter_shelter, resources: [ontario_211, chth]}",
        "  shelter: {response: utter_shelter, resource: [ontario_211, chth]}",
    )
    edit(
        project.needs,
        "resources: [victim_support_line, vqrp, vwap, chth]}",
        "resources: [victim_support_line, vqrp, vwap, chth, ontario_211]}",
    )
    found = [f for f in run_checks(project, ["wiring"]) if f.level == ERROR]
    assert {f.file for f in found} == {"data/needs.yml"}
    text = "\n".join(f.en for f in found)
    assert "`needs.shelter` has a field this table does not know" in text
    assert "`needs.victim_services.resources` lists more than 4 services" in text
    assert all(f.line for f in found)
    assert all("needs" in f.fr and "service" not in f.fr.split("`")[-1][:0] for f in found)
    edit(project.needs, "resource: [ontario_211, chth]}", "resources: [ontario_211, youth_line]}")
    edit(project.needs, "vwap, chth, ontario_211]}", "vwap, chth]}")
    found = [f for f in run_checks(project, ["resources"]) if f.level == ERROR]
    assert any("shelter" in f.en and "'youth_line'" in f.en and f.file == "data/needs.yml" for f in found), found


def test_broken_domain_is_one_finding_not_a_crash(project):
    edit(project.domain, "  utter_goodbye:\n", "  utter_goodbye:\n   - text: [\n")
    found = run_checks(project, FAST)
    assert [f.file for f in found if "not valid YAML" in f.en] == ["domain.yml"]


def test_a_directory_text_that_says_tu_is_refused(project):
    # Directory texts appear in "tu" and "vous" answers alike (issue #11): they say neither.
    edit(project.resources, "pour les femmes francophones qui vivent", "si tu es une femme francophone qui vit")
    found = [f for f in run_checks(project, ["resources"]) if f.level == ERROR]
    assert [f.en for f in found] == [
        "Entry 'femaide': the French `text` speaks to the reader as 'tu' (tu). Directory texts "
        "are shown to teens ('tu') and adults ('vous') alike: write it without tu or vous "
        "(\"Appeler le 911\", \"de la région\")."
    ]


def test_a_misspelt_field_in_the_directory_is_found_by_its_schema(project):
    path = project.root / "data" / "resources.yml"
    edit(path, "    source_url: \"https://www.ontario.ca\"", "    sourc_url: \"https://www.ontario.ca\"")
    run = bot_check(project)
    assert run.returncode != 0
    assert "resources.schema.json" in run.stdout and "sourc_url" in run.stdout


def test_every_directory_entry_matches_the_schema():
    import yaml

    from bot.staff.check import entry_schema_errors
    from tests.conftest import ROOT

    entries = yaml.safe_load((ROOT / "data" / "resources.yml").read_text(encoding="utf-8"))["resources"]
    assert [e for entry in entries for e in entry_schema_errors(entry, ROOT / "data" / "resources.schema.json")] == []


def test_a_danger_rule_that_fires_on_a_training_example_is_a_rule_conflict(project):
    """A staff phrase (or rule) that would send 911 to a message the model learns as something else."""
    phrases = project.root / "data" / "safety" / "phrases.yml"
    edit(phrases, "    - he has a gun\n", "    - he has a gun\n    - a safety plan\n")
    examples = project.root / "data" / "nlu" / "en" / "needs.yml"
    path, line = next(
        (examples, i)
        for i, l in enumerate(examples.read_text(encoding="utf-8").splitlines(), 1)
        if "safety plan" in l.lower() and l.strip().startswith("- ")
    )
    found = [f for f in run_checks(project, ["safety_rules"]) if f.level == ERROR]
    conflicts = [f for f in found if f.en.startswith("Rule conflict")]
    assert conflicts, found
    first = next(f for f in conflicts if f.file == "data/nlu/en/needs.yml" and f.line == line)
    assert "phrase.always_911" in first.en and "Conflit de règle" in first.fr
    assert path.exists()


def test_a_rule_that_misses_its_own_example_is_reported_with_its_line(project):
    danger = project.root / "data" / "safety" / "danger.yml"
    edit(danger, "    examples:\n", "    examples:\n      - \"the weather is nice today\"\n")
    found = [f for f in run_checks(project, ["safety_rules"]) if f.level == ERROR]
    assert any("does not fire on its own example 'the weather is nice today'" in f.en for f in found), found
    first = next(f for f in found if "the weather is nice today" in f.en)
    assert first.file == "data/safety/danger.yml" and first.line is not None


def test_the_committed_safety_rules_pass(project):
    assert [f for f in run_checks(project, ["safety_rules"]) if f.level == ERROR] == []


# -- bot check for people: plain words, one cause per problem, French lines in French -----------------


def test_a_misspelt_field_gets_did_you_mean_and_what_follows_from_it_once(project):
    edit(project.resources, '    checked_on: "2026-11-28"\n', '    checkd_on: "2026-11-28"\n')  # the first entry
    found = [f for f in run_checks(project, ["resources"]) if f.level == ERROR]
    assert len(found) == 1, found  # not also "checked_on must be the date..." or "checked_on is missing"
    (f,) = found
    assert (f.file, f.line) == ("data/resources.yml", line_of(project.resources, "checkd_on"))
    assert f.en == (
        "Entry 'emergency': `checkd_on` is not a field of a directory entry (data/resources.schema.json). "
        "Did you mean `checked_on`? Because of it: `checked_on` is missing."
    )
    assert f.fr == (
        "L'entrée « emergency » : `checkd_on` n'est pas un champ d'une entrée du répertoire "
        "(data/resources.schema.json). Vouliez-vous dire `checked_on` ? Conséquence : `checked_on` manque."
    )
    # inside a field too: `fnr` for `fr` leaves the French name missing, said once
    edit(project.resources, "checkd_on", "checked_on")
    edit(project.resources, 'fr: "Services d\'urgence"}', 'fnr: "Services d\'urgence"}')
    found = [f for f in run_checks(project, ["resources"]) if f.level == ERROR]
    assert [f.en for f in found] == [
        "Entry 'emergency': `name` has languages other than en and fr: ['fnr']. Did you mean `fr`? "
        "Because of it: `name.fr` is missing."
    ]


ENGLISH_WORDS = set(
    [
        "is",
        "the",
        "of",
        "not",
        "must",
        "missing",
        "unknown",
        "field",
        "fields",
        "found",
        "expected",
        "but",
        "got",
        "required",
        "property",
        "should",
        "were",
        "unexpected",
        "too",
        "short",
        "match",
    ]
)


def english_words(fr: str) -> set:
    """English words in a French line, outside what it quotes (`field`, « example », 'value', "value")."""
    fr = re.sub(r"`[^`]*`|«[^»]*»|'[^']*'|\"[^\"]*\"|\[[^\]]*\]", " ", fr)
    return {w for w in re.findall(r"[a-zA-Z]+", fr) if w.lower() in ENGLISH_WORDS}


def test_the_french_line_of_a_finding_is_fully_french(project):
    # what the schema finds (missing, unknown field, wrong type, pattern, enum) and a YAML syntax error
    resources = project.resources
    edit(resources, '    contact: {phone: "1-866-863-0511"}\n', "")  # required
    edit(resources, "  - id: awhl\n", "  - id: awhl\n    notes: hidden for now\n")  # unknown field
    edit(resources, 'show_reason: "Issue #2 requires', 'show_reason: 12\n    # "Issue #2 requires')  # type
    edit(resources, 'checked_on: "2026-12-07"', 'checked_on: "7 December 2026"')  # pattern
    edit(
        resources,
        "status: verified\n    show: true\n    source_url: \"https://www.ontario.ca\"",
        "status: checked\n    show: true\n    source_url: \"https://www.ontario.ca\"",
    )  # enum
    edit(project.channel_texts, '  fr: "Désolé, je n\'arrive pas', '  fr: Désolé: "je n\'arrive pas')  # YAML
    found = run_checks(project, ["resources", "channel_texts"])
    messages = "\n".join(f.en for f in found)
    for plain_words in (
        "Entry 'awhl': `contact` is missing.",
        "Entry 'awhl': `notes` is not a field of a directory entry (data/resources.schema.json). The fields are: id,",
        "Entry 'crisis_988': `show_reason` must be text (found '12').",
        "Entry 'chth': `checked_on` must be the date you checked the source, as YYYY-MM-DD (found '7 December 2026').",
        "Entry 'emergency': `status` must be one of verified, unverified, do_not_show (found 'checked').",
        "This file is not valid YAML (mapping values are not allowed here).",
    ):
        assert plain_words in messages, messages
    assert "L'entrée « awhl » : `contact` manque." in [f.fr for f in found]
    for f in found:
        assert not english_words(f.fr), (english_words(f.fr), f.fr)
        for validator_words in (
            "is a required property",
            "is not of type",
            "does not match",
            "is not one of",
            "Additional properties",
            "mapping values",
        ):
            assert validator_words not in f.fr, f.fr


def test_rasa_s_warnings_and_colour_codes_stay_off_the_screen(project, monkeypatch, capsys):
    """`rasa data validate` prints colour codes and many warnings: only its error reaches the staff member."""
    from bot.staff.check import wiring
    from bot.staff.findings import report

    stdout = (
        "\x1b[93m/venv/rasa/shared/utils/io.py:100: UserWarning: The intent 'x' is not used in any story or rule.\n"
        "  More info at https://rasa.com/docs/rasa/\n\x1b[0m"
        "/venv/rasa/core/tracker_store.py:1044: MovedIn20Warning: Deprecated API features detected! (SQLAlchemy)\n"
        "  Base: DeclarativeMeta = declarative_base()\n"
        "2026-12-07 16:15:49.853599: I tensorflow/core/util/port.cc:110] oneDNN custom operations are on.\n"
    )
    stderr = (
        "\x1b[91mYamlValidationException: Failed to validate 'data/stories.yml'. Here are the errors found during "
        "validation:\n  in data/stories.yml:6:\n      Key 'acton' was not defined. Path: '/stories/0/steps/1'\x1b[0m\n"
    )
    monkeypatch.setattr(
        wiring.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1, stdout=stdout, stderr=stderr)
    )
    found = run_checks(project, ["rasa"])
    report(found)
    shown = capsys.readouterr()
    screen = shown.out + shown.err
    assert len(found) == 1 and "Key 'acton' was not defined" in screen and "YamlValidationException" in screen
    assert "\x1b[" not in screen and "UserWarning" not in screen and "Warning" not in screen
    assert "tensorflow" not in screen and "More info" not in screen
    assert "en anglais" in found[0].fr  # the French line says Rasa's message is in English


def test_bot_check_shows_no_library_warnings(project):
    """Loading the actions brings in Sanic, which turns deprecation warnings back on, and the safety rules
    bring in TensorFlow: none of it reaches a staff member's terminal."""
    env = {k: v for k, v in project.env().items() if k not in ("PYTHONWARNINGS", "TF_CPP_MIN_LOG_LEVEL")}
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "--skip-rasa"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stdout
    assert "Warning" not in run.stdout + run.stderr and "\x1b[" not in run.stdout + run.stderr, run.stderr
    assert run.stderr == ""


def test_hours_a_text_never_shows_are_a_warning(project):
    # the committed directory shows every time it has; "See cybertip.ca" says where to look, not a time
    assert not [f for f in run_checks(project, ["resources"]) if "never shown" in f.en]
    chth = "Gratuite, confidentielle, {hours}, interprètes"
    edit(project.resources, chth, "Gratuite, confidentielle, interprètes")
    found = [f for f in run_checks(project, ["resources"]) if f.en.startswith("Entry 'chth'")]
    lines = project.resources.read_text(encoding="utf-8").splitlines()
    text_line = max(
        i for i, l in enumerate(lines[: line_of(project.resources, "Gratuite, conf")], 1) if l == "    text:"
    )
    assert [(f.level, f.line) for f in found] == [(WARNING, text_line)]  # the text to add {hours} to
    assert found[0].en == (
        "Entry 'chth': `hours` is set ('24 h/24, 7 j/7') but the French text has no {hours}, so this field is never "
        "shown. Add {hours} where the text should show the hours."
    )
    assert found[0].fr.startswith(
        "L'entrée « chth » : `hours` est rempli (« 24 h/24, 7 j/7 ») mais le texte en version française n'a pas {hours}"
    )


def test_a_number_or_web_address_in_one_language_only_is_a_warning(project):
    before = [f for f in run_checks(project, ["resources"]) if "text doesn't" in f.en or "n'ont pas" in f.fr]
    assert before == []  # the committed directory says the same in both languages
    resources = project.resources
    edit(resources, "ou clavardage sur canadianhumantraffickinghotline.ca.", "ou clavardage en ligne.")
    edit(
        resources,
        '"Call 911 now if you can ({hours}).',
        '"Call 911 now if you can ({hours}), or 988 if you might hurt yourself.',
    )
    edit(
        resources,
        'en: "Assaulted Women\'s Helpline: 1-866-863-0511, 24/7."',
        'en: "Assaulted Women\'s Helpline: 1-866-863-0511, {hours}."',
    )
    found = [f for f in run_checks(project, ["resources"]) if f.level == WARNING and "text doesn't:" in f.en]
    assert [f.en for f in found] == [
        "Entry 'emergency': the English text shows the phone number 988 but the French text doesn't: people reading "
        "French don't get it. Add it to the French text.",
        "Entry 'chth': the English text shows the web address canadianhumantraffickinghotline.ca but the French "
        "text doesn't: people reading French don't get it. Add it to the French text.",
        "Entry 'awhl': the English text shows the hours ({hours}) but the French text doesn't: people reading French "
        "don't get it. Add it to the French text.",
    ]
    assert found[0].fr == (
        "L'entrée « emergency » : le texte en version anglaise affiche le numéro 988, mais pas le texte en version "
        "française : les personnes qui lisent en français ne l'ont pas. Ajoutez cette information au texte en "
        "version française."
    )


def test_a_training_example_in_the_other_language_is_a_warning(project):
    def flagged():
        return [f for f in run_checks(project, ["examples"]) if "rather than" in f.en]

    assert flagged() == []  # short, mixed and "can you speak english" examples are not flagged
    fr, en = project.nlu_dir("fr") / "trafficking.yml", project.nlu_dir("en") / "trafficking.yml"
    edit(
        fr,
        "- intent: job_offer_check\n  examples: |\n",
        "- intent: job_offer_check\n  examples: |\n    - my new boss wants to keep my passport for me\n",
    )
    edit(
        en,
        "- intent: job_offer_check\n  examples: |\n",
        "- intent: job_offer_check\n  examples: |\n    - mon nouveau patron veut garder mon passeport\n",
    )
    found = flagged()
    assert [(f.level, f.file, f.line) for f in found] == [
        (WARNING, "data/nlu/en/trafficking.yml", line_of(en, "mon nouveau patron")),
        (WARNING, "data/nlu/fr/trafficking.yml", line_of(fr, "my new boss")),
    ]
    assert found[1].en == (
        "'my new boss wants to keep my passport for me' looks English rather than French, in the French examples. "
        "Was it pasted into the wrong file? Put it in data/nlu/en/ (or write it in French)."
    )
    assert found[1].fr == (
        "« my new boss wants to keep my passport for me » semble être en anglais et non en français, parmi les "
        "exemples en français. A-t-il été collé dans le mauvais fichier ? Mettez-le dans data/nlu/en/ (ou "
        "écrivez-le en français)."
    )


def test_every_finding_text_is_in_the_catalogue_in_both_languages():
    from bot.staff.check.core import MESSAGES, catalogue

    texts = catalogue()
    for key, value in texts.items():
        wanted = {"fr"} if key.startswith("yaml.") else {"en", "fr"}  # the reader's own words are the English
        assert set(value) == wanted and all(str(v).strip() for v in value.values()), key
    used = set()
    for path in MESSAGES.parent.glob("*.py"):
        used |= set(re.findall(r"say\(\s*f?\"([^\"]+)\"", path.read_text(encoding="utf-8")))
    for key in used:
        if "{" in key:  # say(f"who.{miss}"): some key with that start
            assert any(k.startswith(key.split("{")[0]) for k in texts), key
        else:
            assert key in texts, key
