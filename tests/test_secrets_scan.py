"""The repository's secret scan (scripts/check_secrets.py, run by `make test`) catches real-looking
secrets and lets documented placeholders through. Fake secrets are assembled at run time, so this
file itself never holds one."""

import subprocess
import sys

import pytest

from tests.support.servers import ROOT

SCRIPT = ROOT / "scripts" / "check_secrets.py"
TELEGRAM = "7412589630" + ":" + "AAF" + "q3XbN9vL2mKp8RtYw4Zc1Hd6Gs0Je5Ua7o"
PRIVATE_KEY = "-----BEGIN " + "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"
AWS = "AKIA" + "QX7PLM2NRT5VWZ8Y"
GITHUB = "ghp_" + "Xk9mP2qL7vR4tY8wZ3nB6cD1fG5hJ0sA2eU4"
JWT = "eyJ" + "hbGciOiJIUzI1NiJ9.eyJ" + "zdWIiOiJhZG1pbiJ9.q1W2e3R4t5Y6u7I8o9P0aSdFgHjK"


def run(*paths):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, paths)], capture_output=True, text=True)


@pytest.mark.parametrize(
    "name, content",
    [
        ("bridge.py", f'TELEGRAM_URL = "https://api.example/bot{TELEGRAM}/getUpdates"\n'),
        ("deploy/id_ed25519", PRIVATE_KEY + "\n"),
        ("settings.yml", f"aws_key: {AWS}\n"),
        ("ci.sh", f"export GH={GITHUB}\n"),
        ("client.js", f'const auth = "Bearer {JWT}";\n'),
        (".env", "BRIDGE_TOKEN=" + "q8Zr2Lw9Xv4Ty7Np3Ks6" + "\n"),
        ("config.yml", "database_url: postgresql://app:" + "S3cr3tPassw0rd" + "@db/app\n"),
    ],
)
def test_a_committed_secret_fails_the_check(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    out = run(path)
    assert out.returncode == 1, out.stdout
    assert name.split("/")[-1] in out.stdout
    assert content.strip()[-12:] not in out.stdout + out.stderr  # the value itself is never printed


def test_env_example_placeholders_and_env_references_pass(tmp_path):
    path = tmp_path / ".env.example"
    path.write_text(
        "# Telegram bot token from @BotFather\nTELEGRAM_BOT_TOKEN=\nBRIDGE_TOKEN=change-me\n"
        "RASA_API_TOKEN=<a long random string>\nACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN}\n"
    )
    code = tmp_path / "run.py"
    code.write_text('token = os.environ["RASA_API_TOKEN"]\nheaders = {"Authorization": f"Bearer {token}"}\n')
    out = run(path, code)
    assert out.returncode == 0, out.stdout


def test_the_repository_itself_is_clean():
    out = run()
    assert out.returncode == 0, out.stdout


def test_documented_url_shapes_pass_but_a_real_password_in_a_url_is_caught():
    from scripts.check_secrets import findings

    assert list(findings("TRACKER_STORE_URL=postgresql://user:password@host:5432/db")) == []
    assert list(findings("LOCK_STORE_URL=redis://[:password@]host:6379/1")) == []
    real = "postgresql://assistant:" + "Hq7vT2mZ9pL" + "@db.internal/assistant"
    assert [k for _, k in findings(real)] == ["password in a URL"]
