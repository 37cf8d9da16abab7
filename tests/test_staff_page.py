"""The staff page, in a real browser (headless Chromium through chromedriver's WebDriver protocol).

Login required; an edit that passes the checks is saved; one that fails them saves nothing and
says why; a request without the session is refused.
"""

import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

import pytest

from bot.staff.web import make_handler
from tests.support.servers import free_port

PASSWORD = "correct horse battery staple"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver element key


class Browser:
    """Just enough WebDriver (the W3C protocol chromedriver speaks) for these tests."""

    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [shutil.which("chromedriver") or "chromedriver", f"--port={self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):  # chromedriver starts slowly on a busy machine
            try:
                self._call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "goog:chromeOptions": {
                        "binary": shutil.which("chromium") or "/usr/bin/chromium",
                        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                    }
                }
            }
        }
        self.session = self._call("POST", "/session", caps)["sessionId"]
        self.do("POST", "/timeouts", {"implicit": 10000, "pageLoad": 60000})  # wait for elements and pages

    def _call(self, method, path, body=None):
        req = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=90) as r:
                return json.loads(r.read())["value"] if method != "GET" or path != "/status" else json.loads(r.read())
        except urllib.error.HTTPError as e:  # say what WebDriver said
            raise AssertionError(f"{method} {path}: {e.code} {e.read()[:500]!r}") from None

    def do(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def go(self, url):
        self.do("POST", "/url", {"url": url})

    @property
    def url(self):
        return self.do("GET", "/url")

    def wait_for_url(self, expected, seconds=10.0):
        """A click that submits a form returns before the next page has loaded: wait for it."""
        deadline = time.monotonic() + seconds
        while self.url != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.url

    def find(self, css):
        return self.do("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def type(self, css, text, clear=True):
        element = self.find(css)
        if clear:
            self.do("POST", f"/element/{element}/clear", {})
        if text:
            self.do("POST", f"/element/{element}/value", {"text": text})

    def click(self, css):
        self.do("POST", f"/element/{self.find(css)}/click", {})

    def submit(self, css, seconds=10.0):
        """Click a button that posts a form, and wait until the next page has replaced this one
        (the click returns before: reading the page at once may read the old one)."""
        before = self.find("html")
        self.click(css)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.find("html") != before:
                    return
            except AssertionError:  # between two pages
                pass
            time.sleep(0.05)

    def text(self, css):
        return self.do("GET", f"/element/{self.find(css)}/text")

    def close(self):
        try:
            self.do("DELETE", "")
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def page(project):
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(project, PASSWORD))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def test_staff_page_needs_a_login_and_saves_only_checked_edits(project, page, browser):
    browser.go(page + "/")
    assert browser.url.endswith("/login")  # no session: the login form

    browser.type("#password", "guess")
    browser.submit("#login")
    assert "Wrong password" in browser.text("#wrong")

    browser.type("#password", PASSWORD)
    browser.submit("#login")
    assert browser.wait_for_url(page + "/") == page + "/"

    # A good edit: the hotline's French hours. Saved, and the directory file has it.
    browser.type("textarea[name='r.chth.hours.fr']", "en semaine, de 9 h à 17 h")
    browser.submit("#save")
    assert "Saved (1 change(s))" in browser.text("#saved")
    assert 'hours: {en: "24/7", fr: "en semaine, de 9 h à 17 h"}' in project.resources.read_text(encoding="utf-8")

    # A half-made edit: the French answer emptied. Nothing saved, the problem shown with its place.
    before = project.domain.read_bytes()
    browser.type("textarea[name='a.utter_goodbye.fr-tu']", "")
    browser.submit("#save")
    problems = browser.text("#problems")
    assert "Nothing was saved" in problems and "utter_goodbye: the French text is empty." in problems
    assert "domain.yml: line" not in problems and "domain.yml, line" in problems
    assert project.domain.read_bytes() == before

    # A malformed phone number in the directory is refused the same way.
    browser.type("input[name='r.femaide.contact.phone']", "1-877-336-243")
    browser.type("textarea[name='a.utter_goodbye.fr-tu']", "Prends soin de toi.")
    browser.submit("#save")
    assert "is not in a known format" in browser.text("#problems")
    assert '"1-877-336-2433"' in project.resources.read_text(encoding="utf-8")


def test_saving_without_a_session_is_refused(project, page):
    before = project.resources.read_bytes()
    req = urllib.request.Request(page + "/save", data=b"r.chth.hours.fr=x&csrf=x", method="POST")
    opener = urllib.request.build_opener(
        type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {"redirect_request": lambda *a, **k: None})
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(req, timeout=10)
    assert refused.value.code == 303 and refused.value.headers["Location"] == "/login"
    assert project.resources.read_bytes() == before


@pytest.fixture
def log_levels(monkeypatch):
    """The try quiets the libraries' loggers and points the directory at this project for the staff page's
    process: put both back for later tests."""
    import logging

    for name in ("RESOURCES_FILE", "CHANNEL_TEXTS_FILE"):  # recorded as unset, so unset again afterwards
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)

    names = ("rasa", "tensorflow", "absl", "bot", "actions")
    levels = {n: logging.getLogger(n).level for n in names}
    yield
    for n, level in levels.items():
        logging.getLogger(n).setLevel(level)


def test_staff_page_tries_a_message_and_shows_a_service_as_users_see_it(project, page, browser, log_levels):
    # Issue #20: `bot try` on the staff page, with the installed model and no running assistant.
    from tests.conftest import ROOT

    (project.root / "models").mkdir(exist_ok=True)
    (project.root / "models" / "assistant.tar.gz").symlink_to(ROOT / "models" / "assistant.tar.gz")
    browser.go(page + "/")
    browser.type("#password", PASSWORD)
    browser.submit("#login")
    browser.wait_for_url(page + "/")

    browser.type("#try-messages", "he is outside my door right now and says he will hurt me")
    browser.submit("#try", seconds=180)  # the model loads at the first try
    tried = browser.text("#tried")
    answer = tried.split("Answer / Réponse")[1].split("Why / Pourquoi:")[0]
    assert "911" in answer.split("[1] ")[1].splitlines()[0]  # 911 first
    assert "action_emergency" in tried and "danger score / score de danger:" in tried

    # a plain question, as a conversation of two messages: not 911 first, and the reason shown
    browser.type("#try-messages", "hi\ndoes the hotline help boys too?")
    browser.submit("#try", seconds=60)
    tried = browser.text("#tried")
    second = tried.split("You / Vous 2/2:")[1]
    assert "911" not in second.split("Answer / Réponse")[1].split("[2] ")[0]
    assert "intent / intention:" in second

    browser.submit("#try-service")  # the first service of the list: a hidden one, and the page says so
    shown = browser.text("#tried")
    assert "English:" in shown and "Français:" in shown and "Hidden: users never see this entry" in shown
