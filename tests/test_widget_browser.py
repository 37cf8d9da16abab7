"""The web chat widget in a real browser: Debian's Chromium, driven by Playwright, against the real assistant.

The pages are served on `assistant.web_port`, the one origin the test assistant accepts (CORS). Every
page the widget leaves for is a local page: no test calls the internet, and a test fails if the page
called anyone but the page's own server and the assistant.
"""

from __future__ import annotations

import html
import json
import os
import re
import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from scripts import widget_texts
from scripts.serve_web import make_server, serve_in_thread
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS") or ROOT / "results" / "screenshots")
WEB = ROOT / "web"
TEXTS = widget_texts.widget_data()["texts"]
HOTLINE = widget_texts.widget_data()["contacts"]["chth"]["phone"]
TIMEOUT_MS = 20_000  # generous: CI shares two cores with the assistant
expect.set_options(timeout=TIMEOUT_MS)


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """web/ as it ships, plus test pages that embed the widget with the attributes a site would set."""

    def __init__(self, root: Path, origin: str, assistant_url: str, dead_url: str):
        self.root, self.origin, self.assistant_url, self.dead_url = root, origin, assistant_url, dead_url
        for name in ("neutral", "before"):
            (root / f"{name}.html").write_text(
                f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{name}</title>'
                f'<link rel="icon" href="favicon.svg"></head><body><h1 id="{name}">{name}</h1></body></html>'
            )

    def page(self, name: str, lang: str = "en", **attrs: object) -> str:
        attrs = {"server": self.assistant_url, "exit-url": f"{self.origin}/neutral.html", "open": "true", **attrs}
        data = " ".join(f'data-{k}="{html.escape(str(v))}"' for k, v in attrs.items())
        (self.root / f"{name}.html").write_text(
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{name}</title>'
            f'<link rel="icon" href="favicon.svg"></head><body><main><h1>{name}</h1><p>Page content.</p></main>'
            f'<script src="widget.js" {data}></script></body></html>',
            encoding="utf-8",
        )
        return f"{self.origin}/{name}.html"


@pytest.fixture(scope="module")
def site(assistant, tmp_path_factory):
    widget_texts.write()  # what `make run` serves: labels and fallback texts from data/
    root = tmp_path_factory.mktemp("site")
    dead = f"http://127.0.0.1:{dead_port()}"
    for f in WEB.iterdir():
        if f.suffix == ".html":  # the demo pages, pointed at this assistant, leaving for a local page
            page = f.read_text(encoding="utf-8").replace(
                'data-server="http://localhost:5005"',
                f'data-server="{assistant.url}" data-exit-url="{assistant.web_origin}/neutral.html"',
            )
            (root / f.name).write_text(page, encoding="utf-8")
        else:
            (root / f.name).symlink_to(f)
    server = make_server(assistant.web_port, root, connect=[assistant.url, dead])
    serve_in_thread(server)
    yield Site(root, assistant.web_origin, assistant.url, dead)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `bash scripts/system-packages.sh` (make test does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Tab:
    """A page in a fresh browser context, with every request it made."""

    def __init__(self, browser, site: Site, width: int = 1024, height: int = 720, **context):
        self.context = browser.new_context(viewport={"width": width, "height": height}, **context)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page: Page = self.context.new_page()
        self.requests: list = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.site = site

    def open(self, url: str) -> Page:
        self.page.goto(url)
        expect(self.page.locator(".hw-exit")).to_be_visible()
        return self.page

    def senders(self) -> list[str]:
        out = []
        for r in self.requests:
            if r.url.endswith("/webhooks/rest/webhook") and r.method == "POST":
                sender = json.loads(r.post_data)["sender"]
                if sender not in out:
                    out.append(sender)
        return out

    def webhook_bodies(self) -> list[dict]:
        return [
            json.loads(r.post_data)
            for r in self.requests
            if r.url.endswith("/webhooks/rest/webhook") and r.method == "POST"
        ]

    def check_origins(self, extra=()) -> None:
        allowed = {self.site.origin, self.site.assistant_url, *extra}
        called = {f"{urlparse(r.url).scheme}://{urlparse(r.url).netloc}" for r in self.requests}
        assert called <= allowed, f"the page called someone else: {called - allowed}"
        assert not self.errors, self.errors


@pytest.fixture
def tab(browser, site):
    tabs = []

    def make(**kw) -> Tab:
        tabs.append(Tab(browser, site, **kw))
        return tabs[-1]

    yield make
    for t in tabs:
        t.context.close()


def wait_for_held(page: Page, held: list) -> None:
    """Let the page run until it made the request a test holds back."""
    for _ in range(TIMEOUT_MS // 20):
        if held:
            return
        page.wait_for_timeout(20)
    pytest.fail("the page never made the request")


def say(page: Page, text: str) -> None:
    """Type a message, send it with Enter, and wait for the reply (or an error) to be shown."""
    before = page.locator(".hw-bot, .hw-error").count()
    page.locator(".hw-input").fill(text)
    page.locator(".hw-input").press("Enter")
    page.wait_for_function("n => document.querySelectorAll('.hw-bot, .hw-error').length > n", arg=before)
    expect(page.locator(".hw-typing")).to_be_hidden()


def with_next_bubbles(bubble):
    """A bot bubble and the bubbles after it: an answer's paragraphs are bubbles of their own."""
    return bubble.locator("xpath=self::div | following-sibling::div[contains(@class, 'hw-bot')]")


def last_reply(page: Page) -> str:
    return page.locator(".hw-bot").last.inner_text()


def user_texts(assistant, sender: str) -> list[str]:
    return [e.get("text") for e in assistant.tracker(sender)["events"] if e["event"] == "user"]


def wait_until_erased(assistant, sender: str, seconds: float = 15) -> list[str]:
    """The server's conversation for `sender`, once it holds no user message (or after `seconds`)."""
    deadline = time.time() + seconds
    while True:
        texts = user_texts(assistant, sender)
        if not texts or time.time() > deadline:
            return texts
        time.sleep(0.2)


def storage_of(page: Page) -> dict:
    return page.evaluate(
        "() => ({local: localStorage.length, session: sessionStorage.length,"
        " sessionDump: JSON.stringify(sessionStorage), cookie: document.cookie})"
    )


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


# ---- conversations -------------------------------------------------------------------------------


def test_english_conversation_with_links_buttons_and_typing_indicator(assistant, site, tab):
    t = tab()
    page = t.open(site.page("en"))
    notes = page.locator(".hw-note")
    # The first message says, in one line, how to leave fast.
    expect(notes.first).to_have_text(TEXTS["en"]["web_exit_hint"])
    assert "Esc" in notes.first.inner_text() and "\n" not in notes.first.inner_text()
    expect(page.locator(".hw-exit")).to_have_text(TEXTS["en"]["web_quick_exit"])
    assert t.webhook_bodies() == []  # nothing is sent before the user writes

    # The typing indicator shows (and is announced) while the assistant answers.
    held = []
    page.route(f"{site.assistant_url}/webhooks/rest/webhook", lambda route: held.append(route))
    page.locator(".hw-input").fill("hello")
    page.locator(".hw-input").press("Enter")
    expect(page.locator(".hw-typing")).to_be_visible()
    expect(page.locator(".hw-typing-status")).to_have_text(TEXTS["en"]["web_typing"])
    wait_for_held(page, held)
    held[0].continue_()
    page.unroute(f"{site.assistant_url}/webhooks/rest/webhook")
    expect(page.locator(".hw-bot").first).to_contain_text("glad you reached out")
    expect(page.locator(".hw-typing")).to_be_hidden()

    # Buttons: the title is shown as the user's message, the payload is sent.
    page.get_by_role("button", name="I'm a worried parent").click()
    expect(page.locator(".hw-user").last).to_contain_text("I'm a worried parent")
    page.wait_for_function("() => document.querySelectorAll('.hw-bot').length >= 3")
    expect(page.locator(".hw-typing")).to_be_hidden()
    bodies = t.webhook_bodies()
    assert [b["message"] for b in bodies] == ["hello", "/parent_worry"]
    assert all(b["metadata"] == {"language": "en"} for b in bodies)

    # Phone numbers from the directory are tap-to-call links, web addresses are links.
    # (the answer's own bubble: after it, once, comes how to delete a call from the phone's history)
    tel = f'a[href="tel:{HOTLINE.replace("-", "")}"]'
    reply = page.locator(".hw-bot").filter(has=page.locator(tel)).last
    expect(reply.locator(tel).first).to_have_text(HOTLINE)
    assert reply.locator('a[href^="https://"][target="_blank"]').count() >= 1

    # The conversation id is random and long, and the server has the conversation, in English.
    (sender,) = t.senders()
    assert re.fullmatch(r"[0-9a-f]{32}", sender)
    assert user_texts(assistant, sender)[0] == "hello"
    t.check_origins()


def test_french_page_speaks_french_and_the_toggle_switches_the_conversation(assistant, site, tab):
    t = tab()
    page = t.open(site.page("fr", lang="fr-CA"))
    expect(page.locator(".hw-exit")).to_have_text(TEXTS["fr"]["web_quick_exit"])
    expect(page.locator(".hw-send")).to_have_text(TEXTS["fr"]["web_send"])
    expect(page.locator(".hw-note").first).to_have_text(TEXTS["fr"]["web_exit_hint"])
    say(page, "mon patron garde mon passeport et je dois payer une dette")
    answer = page.locator(".hw-bot", has_text="ce n'est pas de votre faute")
    expect(answer).to_have_count(1)
    assert with_next_bubbles(answer).locator(f'a[href="tel:{HOTLINE.replace("-", "")}"]').count() >= 1
    assert t.webhook_bodies()[0]["metadata"] == {"language": "fr"}

    # EN|FR toggle: the labels change and the conversation switches language.
    page.get_by_role("button", name="English").click()
    expect(page.locator(".hw-send")).to_have_text(TEXTS["en"]["web_send"])
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => /English/.test([...document.querySelectorAll('.hw-bot')].pop().textContent)")
    say(page, "ok")
    assert re.search(r"(?i)okay|take your time", last_reply(page))
    (sender,) = t.senders()
    assert "mon patron garde mon passeport et je dois payer une dette" in user_texts(assistant, sender)
    t.check_origins()


def test_the_interface_follows_the_conversations_language(site, tab):
    t = tab()
    page = t.open(site.page("follow", lang="en"))
    say(page, "bonjour, j'ai besoin d'aide pour mon ado qui a un nouveau copain beaucoup plus vieux")
    expect(page.locator(".hw-send")).to_have_text(TEXTS["fr"]["web_send"])
    expect(page.locator(".hw-root, .hw").first).to_have_attribute("lang", "fr")
    t.check_origins()


def test_the_interface_shows_the_language_the_server_tells_and_guesses_nothing(site, tab):
    """The reply's language is the server's `custom.language` (bot/channels/rest.py), not a word count."""
    t = tab()
    page = t.open(site.page("told", lang="en"))
    replies = iter(
        [
            # French words, but the server says the conversation is in English: the interface stays English.
            [
                {
                    "recipient_id": "x",
                    "text": "Je suis là pour toi, et tu peux me parler de ce que tu vis.",
                    "custom": {"language": "en"},
                }
            ],
            # Nothing to guess from, and the server says French: the interface follows.
            [{"recipient_id": "x", "text": "OK : 911.", "custom": {"language": "fr"}}],
        ]
    )
    page.route(
        "**/webhooks/rest/webhook",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            headers={"access-control-allow-origin": site.origin},
            body=json.dumps(next(replies)),
        ),
    )
    say(page, "hello")
    expect(page.locator(".hw-send")).to_have_text(TEXTS["en"]["web_send"])
    expect(page.locator(".hw-bot").last).to_have_attribute("lang", "en")
    say(page, "ok")
    expect(page.locator(".hw-send")).to_have_text(TEXTS["fr"]["web_send"])
    expect(page.locator(".hw-bot").last).to_have_attribute("lang", "fr")
    assert [b["metadata"]["language"] for b in t.webhook_bodies()] == ["en", "en"]
    t.check_origins()


def test_a_reply_flagged_erase_makes_the_widget_drop_its_copy_of_the_conversation(assistant, site, tab):
    """The server took a message as a quick exit (here `/safety_exit` typed by hand, which the widget's own
    exit words do not catch) and deleted the conversation: the page keeps nothing of it either."""
    t = tab()
    page = t.open(site.page("erased", lang="en", storage="session"))
    say(page, "my boss keeps my passport")
    (first,) = t.senders()
    assert "passport" in storage_of(page)["sessionDump"]
    page.locator(".hw-input").fill("/safety_exit")
    page.locator(".hw-input").press("Enter")
    expect(page.locator(".hw-user")).to_have_count(0)  # the log is cleared ...
    expect(page.locator(".hw-bot")).to_have_count(1)  # ... but for the server's goodbye
    expect(page.locator(".hw-typing")).to_be_hidden()
    assert wait_until_erased(assistant, first) == []
    assert "passport" not in page.locator(".hw-log").inner_text() and "passport" not in storage_of(page)["sessionDump"]
    say(page, "hello")
    assert len(t.senders()) == 2 and t.senders()[1] != first  # a new conversation
    t.check_origins()


def test_language_toggle_before_chatting_sends_nothing(site, tab):
    t = tab()
    page = t.open(site.page("toggle", lang="en"))
    page.get_by_role("button", name="Français").click()
    expect(page.locator(".hw-note").first).to_have_text(TEXTS["fr"]["web_exit_hint"])
    expect(page.locator(".hw-input")).to_have_attribute("placeholder", TEXTS["fr"]["web_placeholder"])
    expect(page.locator(".hw-safety")).to_have_attribute("href", re.compile(r"safety\.fr\.html$"))
    assert t.webhook_bodies() == []
    t.check_origins()


# ---- quick exit ------------------------------------------------------------------------------------


def start_chat_then(tab, site, assistant, lang="en", **attrs):
    """Open a page after a first page, chat, and check the server holds the conversation."""
    t = tab()
    page = t.page
    page.goto(f"{site.origin}/before.html")
    t.open(site.page(f"exit-{lang}", lang=lang, **attrs))
    say(page, "my boss keeps my passport" if lang == "en" else "mon patron garde mon passeport")
    (sender,) = t.senders()
    assert user_texts(assistant, sender)
    return t, page, sender


def assert_left_no_trace(t, page, assistant, sender):
    page.wait_for_url(f"{t.site.origin}/neutral.html")
    assert wait_until_erased(assistant, sender) == [], "the server still has the conversation"
    assert t.webhook_bodies()[-1]["message"] == "/safety_exit"
    s = storage_of(page)
    assert (s["local"], s["session"], s["cookie"]) == (0, 0, "")
    assert t.context.cookies() == []
    # Back does not return to the chat: the chat page was replaced in the history.
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{t.site.origin}/before.html"
    assert page.locator(".hw-msg").count() == 0
    t.check_origins()


def test_quick_exit_button_hides_everything_first_then_erases_and_replaces_the_page(assistant, site, tab):
    t, page, sender = start_chat_then(tab, site, assistant, storage="session")
    assert "passport" in storage_of(page)["sessionDump"]  # the site opted in to sessionStorage
    # What the page looks like when it starts leaving (steps 1 to 3 are done by then).
    seen = []
    page.on("console", lambda m: seen.append(m.text) if m.text.startswith("{") else None)
    page.evaluate("""() => addEventListener('beforeunload', () => console.log(JSON.stringify({
        shown: document.querySelectorAll('.hw-msg, .hw-exit').length,
        body: getComputedStyle(document.body).display,
        stored: JSON.stringify(sessionStorage)})))""")
    page.locator(".hw-exit").click()
    assert_left_no_trace(t, page, assistant, sender)
    assert json.loads(seen[0]) == {"shown": 0, "body": "none", "stored": "{}"}
    urls = [r.url for r in t.requests]
    erase = next(i for i, r in enumerate(t.requests) if r.post_data and "/safety_exit" in r.post_data)
    assert erase < urls.index(f"{site.origin}/neutral.html")  # erase is asked before leaving


def test_quick_exit_by_pressing_shift_three_times_shows_its_progress(assistant, site, tab):
    t, page, sender = start_chat_then(tab, site, assistant)
    status = page.locator(".hw > [role=status]").first
    page.keyboard.press("Shift+A")  # a capital letter is not a Shift press
    expect(page.locator(".hw-dots")).to_be_hidden()
    page.keyboard.press("Shift")
    expect(status).to_have_text("Quick exit: Shift 1 of 3.")
    expect(page.locator(".hw-dots i.hw-on")).to_have_count(1)
    page.keyboard.press("Shift")
    expect(status).to_have_text("Quick exit: Shift 2 of 3.")
    expect(page.locator(".hw-dots i.hw-on")).to_have_count(2)
    page.keyboard.press("Shift")
    assert_left_no_trace(t, page, assistant, sender)


def test_quick_exit_by_pressing_esc_twice_in_french(assistant, site, tab):
    t, page, sender = start_chat_then(tab, site, assistant, lang="fr")
    page.locator(".hw-input").focus()
    page.keyboard.press("Escape")
    expect(page.locator(".hw > [role=status]").first).to_have_text("Sortie rapide : Échap 1 sur 2.")
    page.keyboard.press("Escape")
    assert_left_no_trace(t, page, assistant, sender)


def test_typing_an_exit_word_leaves_too(assistant, site, tab):
    t, page, sender = start_chat_then(tab, site, assistant, lang="fr")
    page.locator(".hw-input").fill("Quitter")
    page.locator(".hw-input").press("Enter")
    assert_left_no_trace(t, page, assistant, sender)


def press_choice(page: Page, title: str) -> None:
    """Click the button `title` under the latest answer, and wait for the next answer to be shown."""
    before = page.locator(".hw-bot, .hw-error").count()
    page.locator(".hw-buttons").last.get_by_role("button", name=title, exact=True).click()
    expect(page.locator(".hw-user").last).to_have_text(re.compile(re.escape(title)))  # the title is the user's message
    page.wait_for_function("n => document.querySelectorAll('.hw-bot, .hw-error').length > n", arg=before)
    expect(page.locator(".hw-typing")).to_be_hidden()


def test_safety_plan_walked_with_its_buttons_in_french_then_the_quick_exit_button(assistant, site, tab):
    """The guided safety plan, typed in French, walked by clicking its buttons; each step's "Sortie rapide"
    button is the quick exit, and the one under the last step leaves without a trace."""
    t = tab()
    page = t.page
    page.goto(f"{site.origin}/before.html")
    t.open(site.page("plan-fr", lang="fr"))
    said = "peux-tu m'aider à faire un plan de sécurité"
    say(page, said)
    expect(page.locator(".hw-bot", has_text="Étape 1 sur 3")).to_have_count(1)
    expect(
        with_next_bubbles(page.locator(".hw-bot", has_text="Étape 1 sur 3"))
        .locator(f'a[href="tel:{HOTLINE.replace("-", "")}"]')
        .first
    ).to_have_text(HOTLINE)

    for title, step in [("Suite : papiers et argent", "Étape 2 sur 3"), ("Suite : votre téléphone", "Étape 3 sur 3")]:
        press_choice(page, title)
        expect(page.locator(".hw-bot", has_text=step)).to_have_count(1)
    expect(page.locator(".hw-bot", has_text="Telegram").last).to_be_visible()
    # Every step offered the quick exit as a button of its own kind.
    expect(page.locator(".hw-buttons .hw-choice-exit", has_text="Sortie rapide")).to_have_count(3)

    (sender,) = t.senders()
    assert [b["message"] for b in t.webhook_bodies()] == [said, "/safety_plan_documents", "/safety_plan_phone"]
    assert all(b["metadata"] == {"language": "fr"} for b in t.webhook_bodies())
    assert user_texts(assistant, sender) == [said, "/safety_plan_documents", "/safety_plan_phone"]

    page.locator(".hw-buttons").last.get_by_role("button", name="Sortie rapide", exact=True).click()
    assert_left_no_trace(t, page, assistant, sender)


@pytest.mark.parametrize(
    "lang, said, titles, answer",
    [
        (
            "en",
            "is it normal that my boyfriend checks my phone all the time",
            ["About me", "No", "Yes"],
            "one of the signs",
        ),
        ("fr", "c'est-tu normal que mon chum garde mon argent", ["À propos de moi", "Non", "Oui"], "un des signes"),
    ],
)
def test_signs_check_walked_with_its_buttons(assistant, site, tab, lang, said, titles, answer):
    """The "Is this OK?" check, walked by clicking its buttons (the README's screenshots)."""
    t = tab(height=820)
    page = t.open(site.page(f"signs-{lang}", lang=lang))
    say(page, said)
    panel = page.locator(".hw-panel")
    for n, title in enumerate(titles, start=1):
        if n != 2:  # who is it about; question 1 (shown after question 2, with its answer, in the README)
            shot(panel, f"signs-check-{lang}-{1 if n == 1 else 2}.png")
        press_choice(page, title)
    # the answer's own bubble (after it, once, comes how to delete a call from the phone's history)
    reply = page.locator(".hw-bot").filter(has_text=answer).last
    expect(reply).to_contain_text(answer)
    expect(with_next_bubbles(reply).locator(f'a[href="tel:{HOTLINE.replace("-", "")}"]').first).to_have_text(HOTLINE)
    expect(page.locator(".hw-buttons").last.locator(".hw-choice-exit")).to_have_count(1)
    reply.evaluate(  # the answer from its start, the panel unmoved
        "el => { const log = el.closest('.hw-log'); log.scrollTop += el.getBoundingClientRect().top"
        " - log.getBoundingClientRect().top - 8; }"
    )
    shot(panel, f"signs-check-{lang}-3.png")
    t.check_origins()


def shot(locator, name: str) -> None:
    """A screenshot of one element (the chat panel) for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / name), animations="disabled")


# ---- storage, idle close, lost server ---------------------------------------------------------------------


def test_nothing_is_stored_by_default_and_a_reload_forgets_the_chat(site, tab):
    t = tab()
    page = t.open(site.page("memory"))
    say(page, "hello")
    s = storage_of(page)
    assert (s["local"], s["session"], s["cookie"]) == (0, 0, "")
    page.reload()
    expect(page.locator(".hw-exit")).to_be_visible()
    assert page.locator(".hw-user").count() == 0
    t.check_origins()


def test_session_storage_opt_in_keeps_the_chat_across_a_reload(site, tab):
    t = tab()
    page = t.open(site.page("session", storage="session"))
    say(page, "hello")
    page.reload()
    expect(page.locator(".hw-user")).to_have_text(re.compile("hello"))
    say(page, "thanks")
    assert len(t.senders()) == 1  # the same conversation goes on
    t.check_origins()


def test_idle_chat_closes_itself_and_clears_its_content(assistant, site, tab):
    t = tab()
    page = t.open(site.page("idle", **{"idle-timeout": 2, "storage": "session"}))
    say(page, "my boss keeps my passport")
    (sender,) = t.senders()
    expect(page.locator(".hw-panel")).to_be_hidden(timeout=15_000)
    expect(page.locator(".hw-launch")).to_be_visible()
    assert page.locator(".hw-user, .hw-bot").count() == 0
    assert wait_until_erased(assistant, sender) == []
    assert "passport" not in storage_of(page)["sessionDump"]
    page.locator(".hw-launch").click()
    expect(page.locator(".hw-note").first).to_have_text(TEXTS["en"]["web_idle_closed"])
    expect(page.locator(".hw-input")).to_be_focused()
    say(page, "hello")
    assert len(t.senders()) == 2 and t.senders()[1] != sender  # a new conversation
    t.check_origins()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_lost_server_shows_the_emergency_fallback_in_the_users_language(site, tab, lang):
    t = tab()
    page = t.open(site.page(f"lost-{lang}", lang=lang, server=site.dead_url))
    say(page, "hello" if lang == "en" else "bonjour")
    error = page.locator(".hw-error")
    expect(error).to_contain_text(TEXTS[lang]["assistant_unreachable"])
    assert "911" in error.inner_text() and HOTLINE in error.inner_text()
    expect(error.locator('a[href="tel:911"]')).to_have_count(1)
    expect(error.get_by_role("button", name=TEXTS[lang]["web_retry"])).to_be_visible()
    t.check_origins(extra=[site.dead_url])


def test_a_too_long_french_message_is_refused_in_the_page_in_french_and_stays_in_the_box(assistant, site, tab):
    t = tab()
    page = t.open(site.page("long-fr", lang="fr"))
    say(page, "bonjour")
    (sender,) = t.senders()
    story = ("Je veux raconter tout ce qui m'arrive depuis des mois, depuis le début. " * 30).strip()
    assert len(story) >= 2000
    box = page.locator(".hw-input")
    box.fill(story)  # pasted whole: nothing is cut while typing, a warning says it is too long
    expect(box).to_have_value(story)
    expect(box).to_have_attribute("aria-invalid", "true")
    warning = TEXTS["fr"]["web_too_long"].format(count=len(story), total=2000)
    expect(page.locator(".hw-count")).to_have_text(warning)
    expect(page.get_by_role("textbox", name=TEXTS["fr"]["web_input_label"])).to_have_accessible_description(warning)
    sent = len(t.webhook_bodies())
    box.press("Enter")
    error = page.locator(".hw-error")
    expect(error).to_have_text(TEXTS["fr"]["message_too_long"])  # in French, not the server's English 413
    assert "trop long" in error.inner_text() and "911" not in error.inner_text()
    expect(error.get_by_role("button")).to_have_count(0)  # sending it again as is would fail again
    expect(box).to_have_value(story)  # still there, to be shortened
    expect(box).to_be_focused()
    box.press("Enter")  # again: still refused, one notice, nothing sent
    expect(error).to_have_count(1)
    expect(page.locator(".hw-user", has_text=story[:60])).to_have_count(0)
    assert len(t.webhook_bodies()) == sent  # refused in the page: the text never left it
    assert story not in user_texts(assistant, sender)

    # Shortened, it goes through, and the conversation goes on in French.
    say(page, "mon patron garde mon passeport et je dois payer une dette")
    expect(page.locator(".hw-bot", has_text="ce n'est pas de votre faute")).to_have_count(1)
    expect(box).to_have_value("")
    expect(box).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".hw-count")).to_be_hidden()
    assert t.senders() == [sender]
    assert user_texts(assistant, sender)[-1] == "mon patron garde mon passeport et je dois payer une dette"
    t.check_origins()


@pytest.mark.parametrize("status", [400, 413, 429])
def test_refusals_show_the_servers_message_not_the_lost_server_text(site, tab, status):
    """Hard to provoke from the page (a broken request, a server with a lower limit than the page's, a flood):
    the page gets the web channel's own answers."""
    from bot.channels.rest import BadRequest, _rate_limited

    refusal = (
        _rate_limited(3, "fr")
        if status == 429
        else BadRequest(413, "message_too_long", "message_too_long", "fr", limit=5)
        if status == 413
        else BadRequest(400, "invalid_json", "request_invalid", "fr")
    ).as_response()
    t = tab()
    page = t.open(site.page(f"refused-{status}", lang="fr"))
    page.route(
        "**/webhooks/rest/webhook",
        lambda route: route.fulfill(
            status=refusal.status,
            body=refusal.body,
            headers={
                **dict(refusal.headers),
                "content-type": refusal.content_type,
                "access-control-allow-origin": site.origin,
            },
        ),
    )
    say(page, "bonjour")
    error = page.locator(".hw-error")
    expect(error).to_contain_text(json.loads(refusal.body)["message"])
    expect(error).not_to_contain_text(TEXTS["fr"]["assistant_unreachable"])
    expect(error.get_by_role("button")).to_have_count(1 if status == 429 else 0)
    expect(page.locator(".hw-input")).to_have_value("" if status == 429 else "bonjour")
    assert [b["message"] for b in t.webhook_bodies()] == ["bonjour"]  # the server refused it, not the page


def routed_reply(page: Page, site: Site, text: str) -> None:
    page.route(
        "**/webhooks/rest/webhook",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            headers={"access-control-allow-origin": site.origin},
            body=json.dumps([{"recipient_id": "x", "text": text}]),
        ),
    )


def test_numbers_glued_to_other_digits_are_not_links(site, tab):
    t = tab()
    page = t.open(site.page("glued"))
    routed_reply(page, site, f"Call {HOTLINE} or 911. Case 12-416-555-1234, code 3911, 416-555-1234.")
    say(page, "hello")
    hrefs = page.locator(".hw-bot").last.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs == [f"tel:{HOTLINE.replace('-', '')}", "tel:911", "tel:4165551234"]
    t.check_origins()


def test_the_quick_exit_is_there_even_when_the_chat_cannot_start(site, tab):
    """A browser that refuses a pattern (Safari before 16.4 refused lookbehind) or a broken texts file must
    never take the quick exit down with the chat."""
    t = tab()
    page = t.page
    page.add_init_script("""(() => { const R = RegExp; window.RegExp = function (src, flags) {
        if (String(src).indexOf('https?') >= 0) throw new SyntaxError('Invalid regular expression: invalid group');
        return new R(src, flags); }; })()""")
    t.open(site.page("no-links"))
    routed_reply(page, site, f"Call {HOTLINE} or 911.")
    say(page, "hello")  # the chat works, without links
    expect(page.locator(".hw-bot").last).to_contain_text(f"Call {HOTLINE} or 911.")
    expect(page.locator(".hw-bot a")).to_have_count(0)
    page.locator(".hw-exit").click()
    expect(page).to_have_url(f"{site.origin}/neutral.html")

    # The chat itself cannot be built (here: the French texts are missing): the quick exit still is.
    t = tab()
    page = t.page
    data = widget_texts.widget_data()
    del data["texts"]["fr"]
    page.route(
        "**/widget-texts.js",
        lambda route: route.fulfill(
            status=200, content_type="text/javascript", body=f"window.HelpWidgetData = {json.dumps(data)};"
        ),
    )
    t.open(site.page("broken-fr", lang="fr"))
    expect(page.locator(".hw-exit")).to_have_text(TEXTS["en"]["web_quick_exit"])
    expect(page.locator(".hw-input")).to_have_count(0)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(page).to_have_url(f"{site.origin}/neutral.html")


# ---- accessibility and layout ------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict]:
    """Every axe-core violation (WCAG 2.0/2.1 A and AA rules and best practices), whatever its impact."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run `make test`, or `npm ci` in tests/browser")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


@pytest.mark.parametrize("page_name", ["index.html", "index.fr.html", "safety.html", "safety.fr.html"])
def test_accessibility_axe_finds_no_violation(site, tab, page_name):
    t = tab(bypass_csp=True)  # lets axe be injected; the widget's page is unchanged
    page = t.open(f"{site.origin}/{page_name}")
    if page_name.startswith("index"):
        say(page, "hello" if page_name == "index.html" else "bonjour")
        screenshot(page, "widget-en.png" if page_name == "index.html" else "widget-fr.png")
        page.keyboard.press("Escape")  # key progress shown too
        assert axe_violations(page) == []
        page.keyboard.press("Tab")
        page.locator(".hw-hide").click()
        expect(page.locator(".hw-launch")).to_be_focused()
    else:  # the safety page shows the directory's numbers, filled in by the widget
        expect(page.locator('a[href="tel:911"]')).to_have_text("911")
    assert axe_violations(page) == []


def test_keyboard_alone_reaches_everything_in_order(site, tab):
    t = tab()
    page = t.open(site.page("keys", open="false"))
    page.keyboard.press("Tab")
    expect(page.locator(".hw-exit")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".hw-launch")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".hw-input")).to_be_focused()
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.hw-bot').length > 0")
    page.locator(".hw-input").press("Shift+Tab")  # back to the answer's buttons
    assert page.evaluate("() => document.activeElement.matches('.hw-log .hw-choice')")
    page.locator(".hw-safety").focus()
    page.keyboard.press("Tab")
    expect(page.locator(".hw-log")).to_be_focused()  # the log scrolls with the keyboard
    t.check_origins()


def exit_is_uncovered(page: Page) -> bool:
    return page.evaluate("""() => {
        const b = document.querySelector('.hw-exit').getBoundingClientRect();
        const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
        return b.top >= 0 && b.right <= innerWidth && !!hit && !!hit.closest('.hw-exit');
    }""")


@pytest.mark.parametrize("width,height", [(360, 740), (1280, 800)])
def test_layout_quick_exit_is_never_covered_and_nothing_overflows(site, tab, width, height):
    t = tab(width=width, height=height)
    page = t.open(f"{site.origin}/index.html")  # the demo page: a page with a header, the chat open
    say(page, "I'm worried about my daughter, she has a much older boyfriend")
    assert exit_is_uncovered(page)
    panel = page.locator(".hw-panel").bounding_box()
    exit_box = page.locator(".hw-exit").bounding_box()
    assert panel["y"] >= exit_box["y"] + exit_box["height"]  # the panel starts below the button
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width and panel["y"] + panel["height"] <= height
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    if width == 360:
        screenshot(page, "widget-360.png")
    page.locator(".hw-hide").click()
    expect(page.locator(".hw-launch")).to_be_visible()
    assert exit_is_uncovered(page)
    t.check_origins()


FIRST_MESSAGES = [
    ("en", "the man who brought me here keeps my passport and i owe him money"),
    ("en", "how do i get a restraining order against my trafficker"),
    ("en", "my 14 year old daughter has a 25 year old boyfriend who buys her stuff"),
    ("en", "i need a place to sleep tonight"),
    ("en", "he is outside my door right now and says he will hurt me"),
    ("fr", "mon patron garde mon passeport pis y me paye pas"),
    ("fr", "comment avoir une ordonnance interdictive contre mon trafiquant"),
    ("fr", "je m'inquiète pour mon amie, son chum contrôle tout"),
]


@pytest.mark.parametrize("lang,text", FIRST_MESSAGES, ids=lambda v: v if len(v) < 4 else v[:30])
def test_the_first_bubble_of_an_answer_fits_a_360px_phone_screen(assistant, site, tab, lang, text):
    # Issue #18: the first bubble of an answer is read without scrolling on a small phone.
    t = tab(width=360, height=640)
    page = t.open(f"{site.origin}/index{'.fr' if lang == 'fr' else ''}.html")
    before = page.locator(".hw-bot").count()
    say(page, text)
    first = page.locator(".hw-bot").nth(before).bounding_box()
    log = page.locator(".hw-log").bounding_box()
    assert first["height"] <= log["height"], (text, first["height"], log["height"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_says_it_is_automated_before_the_first_message(site, tab, lang):
    # Issue #18: before anything is typed, the launcher and the welcome say it is not a person.
    page = tab().open(f"{site.origin}/index{'.fr' if lang == 'fr' else ''}.html")
    welcome = page.locator(".hw-log").inner_text().lower()
    assert (
        "automated assistant, not a person" if lang == "en" else "assistant automatisé, pas une personne"
    ) in welcome
    page.locator(".hw-hide").click()
    launcher = page.locator(".hw-launch").inner_text().lower()
    assert ("automated" if lang == "en" else "automatisé") in launcher
