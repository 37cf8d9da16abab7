/* Help chat widget: a self-hosted, bilingual (EN/FR) chat for the help assistant (Rasa REST channel).
 *
 * Embed it with one tag; every data- attribute is optional:
 *   <script src="/chat/widget.js" defer
 *     data-server="https://assistant.example.org"   the Rasa server (default: where widget.js comes from)
 *     data-lang="fr"                                 en | fr (default: the page's <html lang>)
 *     data-exit-url="https://weather.gc.ca/"         where Quick exit goes (default: a weather page)
 *     data-idle-timeout="600"                        seconds without activity before the chat closes and clears itself
 *     data-storage="session"                         keep the chat across reloads in sessionStorage (default: memory only)
 *     data-safety-url="/safety.html"                 the "staying safe online" page (default: next to widget.js)
 *     data-open="true"></script>                     open the chat at once
 * It loads widget.css and widget-texts.js (labels and fallback texts, generated from data/) from its own folder.
 *
 * Privacy: memory only unless data-storage="session"; no cookies, no localStorage, no third party.
 * Quick exit (button, Shift three times, Esc twice, or typing an exit word): hide everything, ask the
 * server to delete the conversation, clear what the widget stored, location.replace() to the exit page.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.HelpWidget) return;
  var base = script.src || location.href;

  function attr(name, fallback) {
    var v = script.getAttribute("data-" + name);
    return v === null || v === "" ? fallback : v;
  }
  function near(file) { return new URL(file, base).href; }

  var EXIT_URLS = { en: "https://weather.gc.ca/", fr: "https://meteo.gc.ca/" };
  var STORE_KEY = "help-widget";
  var REFUSAL_KEYS = { 413: "message_too_long", 429: "web_rate_limited" };
  var SHIFT_PRESSES = 3, ESC_PRESSES = 2, KEY_WINDOW_MS = 5000, REPLY_TIMEOUT_MS = 30000;
  var cfg = {
    server: attr("server", new URL(base).origin).replace(/\/+$/, ""),
    exitUrl: attr("exit-url", ""),
    idleMs: Math.max(0, parseFloat(attr("idle-timeout", "600")) || 0) * 1000,
    keep: attr("storage", "") === "session",
    safetyUrl: attr("safety-url", ""),
    open: attr("open", "") === "true",
    lang: attr("lang", "")
  };
  var webhook = cfg.server + "/webhooks/rest/webhook";

  // ---- state ---------------------------------------------------------------------------------
  var D;                 // generated data: texts, contacts, exit words (widget-texts.js)
  var lang;              // "en" | "fr": the UI language, sent as metadata.language
  var sender;            // random conversation id
  var started = false;   // true once the server holds a conversation for this sender
  var history = [];      // what the log shows, to re-render (language change, sessionStorage)
  var queue = Promise.resolve();
  var idleTimer = null, exiting = false;
  var epoch = 0;         // bumped when the chat is cleared: late replies to a cleared chat are dropped
  var ui = {};

  function pickLang(value) { return /^fr/i.test(value || "") ? "fr" : (/^en/i.test(value || "") ? "en" : null); }
  function t(key, values) {
    var s = (D.texts[lang] && D.texts[lang][key]) || D.texts.en[key] || "";
    return s.replace(/\{(\w+)\}/g, function (m, k) { return values && k in values ? values[k] : m; });
  }
  function newSender() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // ---- storage: nothing unless the site opted in to sessionStorage ------------------------------
  function save() {
    if (!cfg.keep || exiting) return;
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify({ sender: sender, lang: lang, started: started,
        open: !ui.panel.hidden, history: history }));
    } catch (e) { /* storage full or blocked: memory only */ }
  }
  function restore() {
    if (!cfg.keep) return null;
    try { return JSON.parse(sessionStorage.getItem(STORE_KEY) || "null"); } catch (e) { return null; }
  }
  function forget() {
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* nothing stored */ }
  }

  // ---- text with links: web addresses, and the directory's numbers as tel:/sms: links -----------
  var linkRx, numbers = {};
  function escapeRx(s) { return s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&"); }
  function buildLinkRx() {
    var nums = [];
    Object.keys(D.contacts).forEach(function (id) {
      var c = D.contacts[id];
      ["phone", "phone_local", "text_number"].forEach(function (k) {
        if (!c[k]) return;
        var n = numbers[c[k]] || (numbers[c[k]] = { tel: false, sms: false });
        if (k === "text_number") n.sms = true; else n.tel = true;
        nums.push(c[k]);
      });
    });
    nums.sort(function (a, b) { return b.length - a.length; });
    // 1: a web address; 2: a phone number (any 10-digit one, or a short one from the directory).
    // No lookbehind (a SyntaxError in Safari before 16.4): richText() checks the character before a number.
    linkRx = new RegExp(
      "(https?:\\/\\/[^\\s<>\"]+|\\b[a-z0-9][a-z0-9-]*(?:\\.[a-z0-9-]+)*\\.(?:ca|com|org|net)\\b(?:\\/[^\\s<>\"]*)?)" +
      "|(1-\\d{3}-\\d{3}-\\d{4}|\\d{3}-\\d{3}-\\d{4}" +
      (nums.length ? "|" + nums.map(escapeRx).join("|") : "") + ")(?![\\d-]|\\.\\d)", "gi");
  }
  function link(href, label, newTab) {
    var a = el("a", null, label);
    a.href = href;
    if (newTab) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.append(el("span", "hw-sr", " " + t("web_new_tab")));
    }
    return a;
  }
  function richText(node, text) {
    var last = 0, m;
    if (!linkRx) { node.append(document.createTextNode(text)); return; }  // links could not be set up: plain text
    linkRx.lastIndex = 0;
    while ((m = linkRx.exec(text))) {
      // A number right after a digit or a dash is part of something longer: not a link; look on from the next character.
      if (!m[1] && m.index > 0 && /[\d-]/.test(text.charAt(m.index - 1))) {
        linkRx.lastIndex = m.index + 1;
        continue;
      }
      var found = m[0], trail = "";
      if (m[1]) {
        trail = (found.match(/[.,;:!?)»]+$/) || [""])[0];
        found = found.slice(0, found.length - trail.length);
      }
      node.append(document.createTextNode(text.slice(last, m.index)));
      if (m[1]) {
        node.append(link(/^https?:/i.test(found) ? found : "https://" + found, found, true));
      } else {
        var digits = found.replace(/\D/g, ""), kind = numbers[found] || { tel: true };
        node.append(link((kind.tel ? "tel:" : "sms:") + digits, found));
        if (kind.tel && kind.sms) {
          node.append(document.createTextNode(" ("));
          node.append(link("sms:" + digits, t("web_text_link")));
          node.append(document.createTextNode(")"));
        }
      }
      node.append(document.createTextNode(trail));
      last = m.index + m[0].length;
    }
    node.append(document.createTextNode(text.slice(last)));
  }

  // What the server tells with each reply (bot/channels/rest.py), in Rasa's `custom` payload: the
  // conversation's language, and `erase` when it has deleted the conversation. Nothing is guessed here.
  function told(reply) {
    var c = reply && reply.custom;
    return c && typeof c === "object" && !Array.isArray(c) ? c : {};
  }

  // ---- the log -----------------------------------------------------------------------------------
  // Entries: {who: "bot"|"user"|"error"|"note", text, buttons, key, retry}. Notes and errors are the
  // widget's own texts, kept as keys so they are shown in the current language.
  function render(entry) {
    var who = entry.who, box = el("div", "hw-msg hw-" + who);
    var text = entry.key ? t(entry.key) : entry.text || "";
    if (entry.lang) box.lang = entry.lang;
    if (who === "user" || who === "bot") box.append(el("span", "hw-sr", t(who === "user" ? "web_you" : "web_assistant") + ": "));
    richText(box, text);
    ui.log.append(box);
    if (entry.buttons && entry.buttons.length) {
      var row = el("div", "hw-buttons");
      entry.buttons.forEach(function (b) {
        var btn = el("button", b.payload === "/safety_exit" ? "hw-choice hw-choice-exit" : "hw-choice", b.title);
        btn.type = "button";
        btn.addEventListener("click", function () { choose(b); });
        row.append(btn);
      });
      ui.log.append(row);
    }
    if (entry.retry) {
      var again = el("button", "hw-choice", t("web_retry"));
      again.type = "button";
      again.addEventListener("click", function () { again.disabled = true; ui.input.focus(); deliver(entry.retry); });
      box.append(el("br"), again);
    }
    ui.log.scrollTop = ui.log.scrollHeight;
    return box;
  }
  function add(entry) {
    history.push(entry);
    var box = render(entry);
    save();
    return box;
  }
  function rerender() {
    ui.log.textContent = "";
    history.forEach(render);
  }

  // ---- talking to the assistant ---------------------------------------------------------------------
  function post(message, mode) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl && setTimeout(function () { ctrl.abort(); }, REPLY_TIMEOUT_MS);
    return fetch(webhook, {
      method: "POST", credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
      headers: { "Content-Type": "application/json" }, signal: ctrl && ctrl.signal,
      body: JSON.stringify({ sender: sender, message: message, metadata: { language: lang } })
    }).then(function (r) {
      clearTimeout(timer);
      if (r.ok) return r.json();
      // 4xx: the server refused this message and says why, in the user's language ({"message", "language"}).
      // Only a lost server (5xx, network, timeout) gets "can't reach the assistant" and the emergency numbers.
      if (r.status < 400 || r.status >= 500) throw { key: "assistant_unreachable" };
      var refusal = { status: r.status, key: REFUSAL_KEYS[r.status] || "request_invalid" };
      return r.json().then(function (body) {
        if (body && typeof body.message === "string" && body.message) {
          refusal.text = body.message;
          refusal.lang = pickLang(body.language);
        }
        throw refusal;
      }, function () { throw refusal; });  // no JSON (e.g. a proxy's own page): our text for that status
    }, function () { clearTimeout(timer); throw { key: "assistant_unreachable" }; });
  }
  function deliver(message, refused) {
    var mine = epoch;
    started = true;
    clearTimeout(idleTimer);
    save();
    queue = queue.then(function () {
      if (mine !== epoch) return;
      typing(true);
      return post(message).then(function (replies) {
        if (mine !== epoch) return;
        typing(false);
        var shown = [], erased = false;
        replies.forEach(function (r) {
          var l = pickLang(told(r).language);
          if (l && l !== lang) setLang(l);
          if (told(r).erase === true) erased = true;
          if (!r.text && !(r.buttons && r.buttons.length)) return;
          // One bubble per paragraph, the buttons under the last: the first bubble fits a phone screen.
          var parts = (r.text || "").split(/\n\s*\n/).filter(function (p) { return p.trim(); });
          if (!parts.length) parts = [""];
          parts.forEach(function (p, i) {
            var last = i === parts.length - 1;
            shown.push({ who: "bot", text: p, buttons: last ? r.buttons || [] : [], lang: l || lang });
          });
        });
        if (erased) return erasedByServer(shown);
        shown.forEach(add);
      }, function (err) {
        if (mine !== epoch) return;
        typing(false);
        err = err || {};
        // Retrying helps when the server was away or busy (429), not when it refused this message.
        var retry = !err.status || err.status === 429 ? message : null;
        if (err.status && err.status !== 429 && refused) refused();
        add(err.text ? { who: "error", text: err.text, lang: err.lang || lang, retry: retry }
          : { who: "error", key: err.key || "assistant_unreachable", retry: retry });
      });
    }).then(armIdle);
  }
  function say(text, shown) {
    if (exiting) return;
    var entry = { who: "user", text: shown || text, lang: lang }, box = add(entry);
    // Refused (too long, unreadable): the message leaves the log and goes back in the box, to be shortened.
    deliver(text, shown ? null : function () {
      box.remove();
      history.splice(history.indexOf(entry), 1);
      save();
      if (!ui.input.value) { ui.input.value = text; checkLength(); }
      ui.input.focus();
    });
  }
  function choose(button) {
    if (button.payload === "/safety_exit") return quickExit();
    ui.input.focus();
    say(button.payload, button.title);
  }
  function typing(on) {
    ui.typing.hidden = !on;
    ui.typingText.textContent = on ? t("web_typing") : "";
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  // Erasing needs no reply, and must survive leaving the page: a keepalive request with a CORS-safe
  // content type (no preflight). The REST channel reads the JSON body whatever its content type.
  function eraseOnServer(id) {
    var body = JSON.stringify({ sender: id, message: "/safety_exit", metadata: { language: lang } });
    try {
      fetch(webhook, { method: "POST", mode: "no-cors", keepalive: true, credentials: "omit", body: body,
        referrerPolicy: "no-referrer", headers: { "Content-Type": "text/plain;charset=UTF-8" } })["catch"](function () {});
    } catch (e) {
      try { navigator.sendBeacon(webhook, new Blob([body], { type: "text/plain;charset=UTF-8" })); } catch (e2) { /* leave anyway */ }
    }
  }

  // ---- quick exit ---------------------------------------------------------------------------------
  function quickExit() {
    if (exiting) return;
    exiting = true;
    // 1. Hide the chat content, and the page around it, at once.
    document.documentElement.style.setProperty("background", "#fff", "important");
    if (document.body) document.body.style.setProperty("display", "none", "important");
    if (ui.log) ui.log.textContent = "";
    if (ui.root) ui.root.remove();
    history = [];
    // 2. Ask the server to delete the conversation.
    if (started) eraseOnServer(sender);
    // 3. Clear what the widget stored.
    forget();
    // 4. Leave, replacing this page in the history so that Back does not return to it.
    location.replace(cfg.exitUrl || EXIT_URLS[lang]);
  }

  var keys = { shift: 0, esc: 0, shiftAlone: false, timer: null };
  function keyProgress(name, count, total) {
    clearTimeout(keys.timer);
    keys.timer = setTimeout(resetKeys, KEY_WINDOW_MS);
    var dots = ui.dots.children;
    for (var i = 0; i < dots.length; i++) {
      dots[i].hidden = i >= total;
      dots[i].className = i < count ? "hw-on" : "";
    }
    ui.dots.hidden = false;
    ui.keys.textContent = t("web_keys_progress", { key: t(name), count: count, total: total });
  }
  function resetKeys() {
    clearTimeout(keys.timer);
    keys.shift = keys.esc = 0;
    if (ui.dots) { ui.dots.hidden = true; ui.keys.textContent = ""; }
  }
  function onKeyDown(e) {
    if (e.isComposing) return;
    if (e.key === "Shift") { if (!e.repeat) keys.shiftAlone = true; return; }
    keys.shiftAlone = false;
    if (e.key === "Escape" || e.key === "Esc") {
      if (e.repeat) return;
      keys.shift = 0;
      keys.esc += 1;
      if (keys.esc >= ESC_PRESSES) return quickExit();
      return keyProgress("web_key_escape", keys.esc, ESC_PRESSES);
    }
    if (keys.shift || keys.esc) resetKeys();
  }
  function onKeyUp(e) {
    if (e.key !== "Shift" || !keys.shiftAlone) return;
    keys.shiftAlone = false;
    keys.esc = 0;
    keys.shift += 1;
    if (keys.shift >= SHIFT_PRESSES) return quickExit();
    keyProgress("web_key_shift", keys.shift, SHIFT_PRESSES);
  }

  // ---- idle close: like the hotline's own chat, a quiet chat closes and clears itself --------------
  function armIdle() {
    clearTimeout(idleTimer);
    if (cfg.idleMs > 0 && started && !exiting) idleTimer = setTimeout(idleClose, cfg.idleMs);
  }
  function idleClose() {
    var hadFocus = ui.panel.contains(document.activeElement);
    epoch += 1;
    if (started) eraseOnServer(sender);
    forget();
    sender = newSender();
    started = false;
    history = [];
    queue = Promise.resolve();
    typing(false);
    ui.log.textContent = "";
    add({ who: "note", key: "web_idle_closed" });
    add({ who: "note", key: "web_exit_hint" });
    setOpen(false, !hadFocus);
    ui.announce.textContent = t("web_idle_closed");
  }

  // The server took a message as a quick exit and deleted the conversation: the widget drops its copy
  // too (the log, what it stored, the conversation id) and shows only the server's goodbye.
  function erasedByServer(goodbye) {
    forget();
    sender = newSender();
    started = false;
    history = [];
    ui.log.textContent = "";
    goodbye.forEach(function (entry) { history.push(entry); render(entry); });
  }

  // ---- language and labels --------------------------------------------------------------------------
  function setLang(l) {
    lang = l;
    ui.root.lang = l;
    ui.exitLabel.textContent = t("web_quick_exit");
    ui.exitDesc.textContent = t("web_quick_exit_description");
    ui.launch.textContent = t("web_open");
    ui.title.textContent = t("web_title");
    ui.hide.setAttribute("aria-label", t("web_hide"));
    ui.hide.title = t("web_hide");
    ui.langs.setAttribute("aria-label", t("web_language"));
    ui.safety.textContent = t("web_safety_link");
    ui.safety.href = cfg.safetyUrl || near(l === "fr" ? "safety.fr.html" : "safety.html");
    ui.log.setAttribute("aria-label", t("web_title"));
    ui.inputLabel.textContent = t("web_input_label");
    ui.input.placeholder = t("web_placeholder");
    ui.send.textContent = t("web_send");
    ["en", "fr"].forEach(function (code) { ui.langButtons[code].setAttribute("aria-pressed", String(code === l)); });
    if (!ui.typing.hidden) ui.typingText.textContent = t("web_typing");
    checkLength();
    save();
  }
  function toggleLang(l) {
    if (l === lang) return;
    setLang(l);
    if (started) say(l === "fr" ? "en français" : "in English");
    else rerender();
  }

  // ---- open / close ---------------------------------------------------------------------------------
  function setOpen(open, quiet) {
    ui.panel.hidden = !open;
    ui.launch.hidden = open;
    ui.launch.setAttribute("aria-expanded", String(open));
    if (!quiet) (open ? ui.input : ui.launch).focus();
    save();
  }

  // ---- message length: warn while typing, refuse to send (the server's 413 stays the authority) ----------
  // No maxlength: it would cut a pasted text silently. The hint is the input's description, and is
  // announced once when the text becomes too long. Sending it is refused here, in the user's language,
  // and the text stays in the box to be shortened: nothing leaves the page.
  function tooLong(text) { return !!D.limit && text.trim().length >= D.limit; }
  function checkLength() {
    var n = ui.input.value.trim().length, over = tooLong(ui.input.value);
    if (over) ui.count.textContent = t("web_too_long", { count: n, total: D.limit });
    if (over === !ui.count.hidden) return;  // no change
    ui.count.hidden = !over;
    if (over) ui.input.setAttribute("aria-invalid", "true"); else ui.input.removeAttribute("aria-invalid");
    ui.announce.textContent = over ? ui.count.textContent : "";
  }

  function refuseTooLong() {
    var last = history[history.length - 1];
    if (last && last.who === "error" && last.key === "message_too_long") ui.announce.textContent = t("message_too_long");
    else add({ who: "error", key: "message_too_long" });  // the log announces it
    ui.input.focus();
    armIdle();
  }

  function isExitWord(text) {
    var norm = text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z ]+/g, " ").replace(/\s+/g, " ").trim();
    return D.exitWords.indexOf(norm) >= 0;
  }

  // ---- building the widget ------------------------------------------------------------------------------
  // The quick exit first, on its own: whatever fails after it, the page keeps its way out.
  function buildExit() {
    var root = ui.root = el("div", "hw");
    root.lang = lang;
    var exit = ui.exit = el("button", "hw-exit");
    exit.type = "button";
    exit.id = "hw-exit";
    ui.exitLabel = el("span", "hw-exit-label");
    ui.dots = el("span", "hw-dots");
    ui.dots.setAttribute("aria-hidden", "true");
    ui.dots.hidden = true;
    for (var i = 0; i < SHIFT_PRESSES; i++) ui.dots.append(el("i"));
    exit.append(ui.exitLabel, ui.dots);
    ui.exitDesc = el("span");
    ui.exitDesc.id = "hw-exit-desc";
    ui.exitDesc.hidden = true;  // read as the button's description only
    exit.setAttribute("aria-describedby", "hw-exit-desc");
    ui.keys = el("div", "hw-sr");
    ui.keys.setAttribute("role", "status");
    ui.announce = el("div", "hw-sr");
    ui.announce.setAttribute("role", "status");
    ui.exitLabel.textContent = t("web_quick_exit");
    ui.exitDesc.textContent = t("web_quick_exit_description");
    root.append(exit, ui.exitDesc, ui.keys, ui.announce);
    exit.addEventListener("click", quickExit);
    document.addEventListener("keydown", onKeyDown, true);
    document.addEventListener("keyup", onKeyUp, true);
    window.addEventListener("blur", function () { keys.shiftAlone = false; });
    document.addEventListener("mousedown", function () { keys.shiftAlone = false; }, true);
    document.body.append(root);
  }

  function build() {
    var root = ui.root;
    var launch = ui.launch = el("button", "hw-launch");
    launch.type = "button";
    launch.setAttribute("aria-controls", "hw-panel");

    var panel = ui.panel = el("section", "hw-panel");
    panel.id = "hw-panel";
    panel.setAttribute("aria-labelledby", "hw-title");
    var head = el("div", "hw-head");
    ui.title = el("h2", "hw-title");
    ui.title.id = "hw-title";
    ui.langs = el("div", "hw-langs");
    ui.langs.setAttribute("role", "group");
    ui.langButtons = {};
    ["en", "fr"].forEach(function (code) {
      // Visible "EN", accessible name "EN English": the name starts with what is shown (WCAG 2.5.3).
      var b = el("button", "hw-lang", code.toUpperCase());
      b.type = "button";
      b.lang = code;
      b.append(el("span", "hw-sr", " " + D.texts[code].web_language_name));
      b.addEventListener("click", function () { toggleLang(code); });
      ui.langButtons[code] = b;
      ui.langs.append(b);
    });
    ui.hide = el("button", "hw-hide", "\u2013");
    ui.hide.type = "button";
    ui.hide.setAttribute("aria-controls", "hw-panel");
    head.append(ui.title, ui.langs, ui.hide);
    ui.safety = el("a", "hw-safety");
    ui.log = el("div", "hw-log");
    ui.log.setAttribute("role", "log");
    ui.log.setAttribute("aria-live", "polite");
    ui.log.tabIndex = 0;
    ui.typing = el("div", "hw-typing");
    ui.typing.hidden = true;
    var dots = el("span", "hw-typing-dots");
    dots.setAttribute("aria-hidden", "true");
    dots.append(el("i"), el("i"), el("i"));
    ui.typingText = el("span", "hw-sr");
    ui.typingStatus = el("div", "hw-typing-status");
    ui.typingStatus.setAttribute("role", "status");
    ui.typingStatus.append(ui.typingText);
    ui.typing.append(dots);
    var form = el("form", "hw-form");
    ui.inputLabel = el("label", "hw-sr");
    ui.inputLabel.htmlFor = "hw-input";
    var input = ui.input = el("input", "hw-input");
    input.id = "hw-input";
    input.type = "text";
    input.autocomplete = "off";
    input.spellcheck = false;
    ui.count = el("div", "hw-count");
    ui.count.id = "hw-count";
    ui.count.hidden = true;
    input.setAttribute("aria-describedby", "hw-count");
    input.setAttribute("autocapitalize", "sentences");
    ui.send = el("button", "hw-send");
    ui.send.type = "submit";
    form.append(ui.inputLabel, input, ui.send, ui.count);
    panel.append(head, ui.safety, ui.log, ui.typing, ui.typingStatus, form);
    root.append(launch, panel);

    launch.addEventListener("click", function () { setOpen(true); });
    ui.hide.addEventListener("click", function () { setOpen(false); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      if (tooLong(text)) return refuseTooLong();
      input.value = "";
      checkLength();
      if (isExitWord(text)) return quickExit();
      say(text);
    });
    input.addEventListener("input", function () { checkLength(); armIdle(); });
  }

  function start() {
    D = window.HelpWidgetData;
    var saved = restore();
    if (!(saved && saved.sender)) saved = null;
    lang = saved ? pickLang(saved.lang) || "en" : pickLang(cfg.lang) || pickLang(document.documentElement.lang) || "en";
    buildExit();
    window.HelpWidget = { exit: quickExit };
    try { buildLinkRx(); } catch (e) { linkRx = null; console.error("help widget: no links in messages", e); }
    try {
      build();
      if (saved) {
        sender = saved.sender;
        started = !!saved.started;
        history = saved.history || [];
        setLang(lang);
        rerender();
        setOpen(!!saved.open, true);
        armIdle();
      } else {
        sender = newSender();
        setLang(lang);
        add({ who: "note", key: "web_exit_hint" });
        add({ who: "note", key: "web_welcome" });
        setOpen(cfg.open, true);
      }
    } catch (e) {
      console.error("help widget: the chat could not start; the quick exit still works", e);
    }
    try { fillContacts(); } catch (e) { console.error("help widget: contacts not filled", e); }
  }

  // The host page may show directory numbers without typing them: <a data-help-contact="chth.phone">.
  function fillContacts() {
    var nodes = document.querySelectorAll("[data-help-contact]");
    Array.prototype.forEach.call(nodes, function (node) {
      var ref = node.getAttribute("data-help-contact").split("."), c = D.contacts[ref[0]], v = c && c[ref[1]];
      if (!v) return;
      node.textContent = v;
      if (node.tagName === "A") node.href = ref[1] === "web" ? "https://" + v : (ref[1] === "text_number" ? "sms:" : "tel:") + v.replace(/\D/g, "");
    });
  }

  function load() {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = near("widget.css");
    document.head.append(css);
    if (window.HelpWidgetData) return start();
    var data = document.createElement("script");
    data.src = near("widget-texts.js");
    data.onload = start;
    data.onerror = function () { console.error("help widget: cannot load " + data.src + " (run `make run`)"); };
    document.head.append(data);
  }

  window.HelpWidget = { loading: true };
  if (document.body) load(); else document.addEventListener("DOMContentLoaded", load);
})();
