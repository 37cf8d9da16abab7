"""The web widget's files: texts from data/ in both languages, no number typed in the page, small,
and served with headers that keep the browser from calling anyone else. (The browser tests are in
tests/test_widget_browser.py.)"""

import re
import urllib.request

import pytest

from bot.shared.safety.quick_exit import EXIT_WORDS
from bot.shared.texts import all_texts
from scripts import serve_web, widget_texts
from tests.conftest import ROOT
from tests.support.servers import free_port

WEB = ROOT / "web"
WIDGET_JS = (WEB / "widget.js").read_text(encoding="utf-8")
DATA = widget_texts.widget_data()


def test_every_text_the_widget_uses_exists_in_english_and_french():
    used = set(re.findall(r"""["'](web_[a-z_]+|assistant_unreachable)["']""", WIDGET_JS))
    assert len(used) > 20
    for lang in ("en", "fr"):
        assert used <= set(DATA["texts"][lang]), used - set(DATA["texts"][lang])
    assert set(DATA["texts"]["en"]) == set(DATA["texts"]["fr"])
    for key in DATA["texts"]["en"]:
        assert DATA["texts"]["en"][key] != DATA["texts"]["fr"][key] or key in ("web_assistant",), key


def test_offline_texts_carry_the_numbers_from_the_directory():
    hotline = DATA["contacts"]["chth"]["phone"]
    for lang in ("en", "fr"):
        unreachable = DATA["texts"][lang]["assistant_unreachable"]
        assert "911" in unreachable and hotline in unreachable
        assert "911" in DATA["texts"][lang]["web_rate_limited"]
    assert DATA["contacts"]["emergency"] == {"phone": "911"}
    assert "awhl" not in DATA["contacts"] and "old_ontario_helpline" not in DATA["contacts"]  # hidden entries


def test_key_progress_and_exit_words_come_through_for_the_widget():
    assert DATA["texts"]["fr"]["web_keys_progress"] == "Sortie rapide : {key} {count} sur {total}."
    assert set(DATA["exitWords"]) == EXIT_WORDS


def test_generated_file_is_what_the_data_says(tmp_path):
    out = widget_texts.write(tmp_path / "widget-texts.js")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("/* Generated") and "window.HelpWidgetData = {" in text
    assert all_texts()["web_quick_exit"]["fr"] in text


@pytest.mark.parametrize(
    "path",
    sorted(p.name for p in WEB.iterdir() if p.suffix in (".js", ".css", ".html") and p.name != "widget-texts.js"),
)
def test_no_phone_number_or_service_address_is_typed_into_the_web_page(path):
    code = (WEB / path).read_text(encoding="utf-8")
    numbers = {v for c in DATA["contacts"].values() for k, v in c.items() if k != "web"}
    for number in numbers:
        assert not re.search(rf"(?<![\d-]){re.escape(number)}(?![\d-])", code), (path, number)
    for web in {c["web"] for c in DATA["contacts"].values() if "web" in c}:
        assert web not in code, (path, web)
    addresses = set(re.findall(r"https?://([a-z0-9.-]+)", code))
    # only the default exit pages, the demo server and the embedding example
    assert addresses <= {"weather.gc.ca", "meteo.gc.ca", "localhost", "assistant.example.org"}, addresses


def test_widget_js_uses_no_regex_syntax_older_iphones_refuse():
    """Safari before 16.4 (older iPhones) throws a SyntaxError on a lookbehind; a named group needs 11.1.
    The script would stop before building anything, the quick exit included."""
    assert "(?<" not in WIDGET_JS


def test_widget_js_and_css_stay_under_50_kb():
    widget_texts.write()
    size = sum((WEB / f).stat().st_size for f in ("widget.js", "widget.css", "widget-texts.js"))
    assert size < 50 * 1024, size


def test_demo_server_sends_a_strict_policy_and_points_the_page_at_the_assistant():
    port = free_port()
    server = serve_web.make_server(port, WEB, assistant="http://localhost:5999")
    serve_web.serve_in_thread(server)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            page = r.read().decode()
            csp = r.headers["Content-Security-Policy"]
            assert r.headers["Cache-Control"] == "no-store" and r.headers["Referrer-Policy"] == "no-referrer"
        assert 'data-server="http://localhost:5999"' in page and '<html lang="en">' in page
        assert "connect-src 'self' http://localhost:5999;" in csp and "script-src 'self';" in csp
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.fr.html") as r:
            assert '<html lang="fr">' in r.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/widget.js") as r:
            assert r.headers["Content-Type"].startswith("text/javascript")
    finally:
        server.shutdown()
        server.server_close()


def test_the_safety_pages_say_truthfully_how_long_a_conversation_is_kept():
    """Every sentence about privacy must be true: conversations are stored (SQLite by default), and
    deleted RETENTION_HOURS after their last message; the pages must not say "memory only"."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    hours = re.search(r"^RETENTION_HOURS=(\d+)", (root / ".env.example").read_text(encoding="utf-8"), re.M).group(1)
    en = (root / "web" / "safety.html").read_text(encoding="utf-8")
    fr = (root / "web" / "safety.fr.html").read_text(encoding="utf-8")
    assert "memory only" not in en and "en mémoire" not in fr
    assert f"kept for {hours} hours after its last message" in en
    assert f"gardée {hours} heures après son dernier message" in fr
