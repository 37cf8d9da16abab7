"""The staff guide's "done when" path, on a copy of the project, against a running assistant.

Change the hotline's hours in both languages, add three French examples to an intent, then
`bot check`, `bot train`, `bot evaluate` and `bot reload`, and see both changes in the running
assistant's replies. Also: the assistant keeps answering while the model is swapped.
"""

import json
import shutil
import subprocess
import sys
import threading
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.servers import Assistant

pytestmark = pytest.mark.integration

HOURS = (
    'hours: {en: "24/7", fr: "24 h/24, 7 j/7"}',
    'hours: {en: "weekdays 9 a.m. to 5 p.m.", fr: "en semaine, de 9 h à 17 h"}',
)
# Phrasings the accepted model misreads (checked below before the change), added as job_offer_check.
NEW_EXAMPLES = [
    "une famille à l'étranger veut que je vienne garder leurs enfants, tout est payé d'avance",
    "ils veulent que je signe vite pour un poste de mannequin à Vancouver",
    "un gars veut que je sois hôtesse dans un bar à Montréal, il paie le transport",
]
SKIP = shutil.ignore_patterns(
    ".venv", ".git", ".rasa", "models", "results", ".pytest_cache", "__pycache__", "node_modules", ".env"
)


def bot(project: Path, *args: str, token: str = "") -> subprocess.CompletedProcess:
    """The `bot` command, typed in the project's folder (its own code first on the path)."""
    env = {**__import__("os").environ, "PYTHONPATH": str(project), "RASA_API_TOKEN": token}
    run = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=project, env=env, capture_output=True, text=True)
    print(f"$ bot {' '.join(args)}\n{run.stdout}{run.stderr[-2000:]}")
    return run


def parse(assistant: Assistant, text: str) -> str:
    req = urllib.request.Request(
        f"{assistant.url}/model/parse?token={assistant.api_token}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())["intent"]["name"]


def reply(assistant: Assistant, text: str, lang: str) -> str:
    messages = assistant.say(f"staff-{uuid.uuid4().hex}", text, {"language": lang})
    return "\n".join(m.get("text") or "" for m in messages)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("staff") / "assistant"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    (copy / "models").mkdir()
    shutil.copy(ROOT / "models" / "assistant.tar.gz", copy / "models" / "assistant.tar.gz")
    if (ROOT / ".rasa" / "cache").is_dir():  # Rasa's training cache: unchanged parts aren't trained again
        shutil.copytree(ROOT / ".rasa" / "cache", copy / ".rasa" / "cache")
    return copy


def test_change_hours_and_examples_then_check_train_evaluate_reload(project):
    token = uuid.uuid4().hex
    running_model = project / "models" / "running.tar.gz"
    shutil.copy(project / "models" / "assistant.tar.gz", running_model)
    with Assistant(
        model=running_model, project=project, api_token=token, env={"PYTHONPATH": str(project)}
    ) as assistant:
        # Before: the accepted model misreads the new phrasings; the hotline is 24/7.
        assert [parse(assistant, t) for t in NEW_EXAMPLES].count("job_offer_check") == 0
        assert "Free, confidential, 24/7, interpreters in 200+ languages by phone" in reply(
            assistant, "my boss took my passport and says I owe him", "en"
        )

        # 1. The hotline's hours, in both languages (data/resources.yml, the chth entry).
        resources = project / "data" / "resources.yml"
        text = resources.read_text(encoding="utf-8")
        at = text.index("- id: chth")
        assert HOURS[0] in text[at:]
        resources.write_text(text[:at] + text[at:].replace(HOURS[0], HOURS[1], 1), encoding="utf-8")
        # The action server reads the directory again when it changes: no restart, no training.
        assert "Free, confidential, weekdays 9 a.m. to 5 p.m., interpreters in 200+ languages by phone" in reply(
            assistant, "my boss took my passport and says I owe him", "en"
        )
        assert "Gratuite, confidentielle, en semaine, de 9 h à 17 h, interprètes dans plus de 200 langues" in reply(
            assistant, "mon patron a pris mon passeport et dit que je lui dois de l'argent", "fr"
        )

        # ... and previewed as users see it, with no running assistant (`bot try --service`).
        preview = bot(project, "try", "--service", "chth")
        assert preview.returncode == 0
        assert "weekdays 9 a.m. to 5 p.m." in preview.stdout and "en semaine, de 9 h à 17 h" in preview.stdout

        # 1b. Break the directory (a misspelt field), see `bot check` say so and what was meant; fix it.
        content = resources.read_text(encoding="utf-8")
        broken = content.replace('checked_on: "2026-12-07"', 'checkd_on: "2026-12-07"', 1)
        assert broken != content
        resources.write_text(broken, encoding="utf-8")
        check = bot(project, "check", "--skip-rasa")
        assert check.returncode != 0 and "Did you mean `checked_on`?" in check.stdout
        resources.write_text(content, encoding="utf-8")

        # 2. Three French examples for job_offer_check.
        nlu = project / "data" / "nlu" / "fr" / "trafficking.yml"
        head = "- intent: job_offer_check\n  examples: |\n"
        content = nlu.read_text(encoding="utf-8")
        assert head in content
        nlu.write_text(content.replace(head, head + "".join(f"    - {t}\n" for t in NEW_EXAMPLES)), encoding="utf-8")

        # 2b. An always-911 and a never-911 phrase, in plain words (data/safety/phrases.yml): "It missed
        # a danger" and "It raised a false alarm" in the staff guide.
        phrases = project / "data" / "safety" / "phrases.yml"
        content = phrases.read_text(encoding="utf-8")
        content = content.replace("    - he has a gun\n", "    - he has a gun\n    - the van is here for me\n", 1)
        content = content.replace(
            "    - can i call the hotline for a friend\n",
            "    - can i call the hotline for a friend\n    - is it normal to be scared after the police came\n",
            1,
        )
        phrases.write_text(content, encoding="utf-8")

        # 3. bot check, bot train, bot evaluate, bot reload.
        check = bot(project, "check")
        assert check.returncode == 0 and "All good" in check.stdout
        train = bot(project, "train")
        assert train.returncode == 0
        assert f"The new model is {project / 'models' / 'assistant.tar.gz'}" in train.stdout
        evaluate = bot(project, "evaluate")
        assert evaluate.returncode == 0, evaluate.stdout
        assert "OK: no real drop." in evaluate.stdout
        assert (project / "results" / "eval" / "index.html").is_file()
        assert (project / "results" / "eval" / "confusion-fr.png").stat().st_size > 1000

        # Both phrases hold in `bot try` (no running assistant): 911 first, and not 911, with the reason.
        tried = bot(project, "try", "omg the van is here for me")
        assert tried.returncode == 0
        answer = tried.stdout.split("Answer / Réponse")[1].split("Why / Pourquoi:")[0]
        assert "911" in answer.split("[1] ")[1].splitlines()[0]
        assert "always_911" in tried.stdout
        tried = bot(project, "try", "is it normal to be scared after the police came")
        assert tried.returncode == 0
        answer = tried.stdout.split("Answer / Réponse")[1].split("Why / Pourquoi:")[0]
        assert "911" not in answer.split("\n\n")[0] and "action_emergency" not in tried.stdout

        answered, failed, stop = [], [], threading.Event()

        def keep_talking():  # a person chatting while the model is swapped
            while not stop.is_set():
                try:
                    answered.append(bool(reply(assistant, "bonjour", "fr")))
                except Exception as e:  # noqa: BLE001 - any failure here is downtime
                    failed.append(repr(e))

        talker = threading.Thread(target=keep_talking)
        talker.start()
        try:
            refused = bot(project, "reload", "--url", assistant.url.replace("127.0.0.1", "example.org"), token=token)
            assert refused.returncode == 2 and "is not on this computer" in refused.stdout
            wrong_token = bot(project, "reload", "--url", assistant.url, token="not-the-token")
            assert wrong_token.returncode == 1 and "refused the token" in wrong_token.stdout
            reload = bot(project, "reload", "--url", assistant.url, token=token)
        finally:
            stop.set()
            talker.join()
        assert reload.returncode == 0
        assert f"the assistant now uses {project / 'models' / 'assistant.tar.gz'}" in reload.stdout
        assert not failed and answered and all(answered)
        assert token not in reload.stdout + reload.stderr + assistant.log

        # After: the new examples are understood, in French; the new hours are still shown.
        assert [parse(assistant, t) for t in NEW_EXAMPLES] == ["job_offer_check"] * 3
        answer = reply(assistant, NEW_EXAMPLES[1], "fr")
        assert "Bon réflexe de vérifier" in answer
        assert "en semaine, de 9 h à 17 h" in reply(
            assistant, "mon patron a pris mon passeport et dit que je lui dois de l'argent", "fr"
        )


def test_rollback_brings_back_the_accepted_model(project):
    """Runs after the path above: `bot train` measured the installed model first (no model was accepted on
    this computer yet) and recorded it as the first accepted one; `bot rollback` brings it back."""
    original = (ROOT / "models" / "assistant.tar.gz").read_bytes()
    listing = bot(project, "rollback", "--list")
    assert "accepted / accepté" in listing.stdout and "`bot rollback` goes here" in listing.stdout
    run = bot(project, "rollback")
    assert run.returncode == 0 and "(accepted / accepté)" in run.stdout
    assert (project / "models" / "assistant.tar.gz").read_bytes() == original
