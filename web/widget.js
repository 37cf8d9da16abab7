/* Minimal self-hosted chat widget for the help assistant (Rasa REST channel).
 * Memory only: no cookies, no localStorage. Quick exit: button, or Esc pressed twice. */
(function () {
  "use strict";
  var script = document.currentScript;
  var server = (script && script.getAttribute("data-server")) || "http://localhost:5005";
  var exitUrl = "https://www.google.com/search?q=weather";
  var T = {
    en: { title: "Help chat", exit: "Quick exit", send: "Send", placeholder: "Type your message", lang: "FR",
          label: "Message", typing: "The assistant is typing…",
          error: "Can't reach the assistant. If you are in danger, call 911. Otherwise try again in a moment." },
    fr: { title: "Clavardage d'aide", exit: "Sortie rapide", send: "Envoyer", placeholder: "Écris ton message", lang: "EN",
          label: "Message", typing: "L'assistant écrit…",
          error: "Impossible de joindre l'assistant. Si tu es en danger, appelle le 911. Sinon, réessaie dans un moment." }
  };
  var lang = (document.documentElement.lang || "en").slice(0, 2) === "fr" ? "fr" : "en";
  var sender = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);

  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text) e.textContent = text; return e; }
  var root = el("section", "hw-root"); root.setAttribute("aria-label", T[lang].title);
  var panel = el("div", "hw-panel");
  var head = el("div", "hw-head"); var h = el("h2", null, T[lang].title);
  var langBtn = el("button", "hw-lang", T[lang].lang); langBtn.type = "button";
  var exitBtn = el("button", "hw-exit", T[lang].exit); exitBtn.type = "button";
  head.append(h, langBtn, exitBtn);
  var log = el("div", "hw-log"); log.setAttribute("role", "log"); log.setAttribute("aria-live", "polite");
  var typing = el("div", "hw-typing"); typing.setAttribute("aria-live", "polite");
  var form = el("form", "hw-form"); var input = el("input"); input.autocomplete = "off"; input.id = "hw-input";
  var label = el("label", "hw-sr", T[lang].label); label.htmlFor = "hw-input";
  var send = el("button", null, T[lang].send); send.type = "submit";
  form.append(label, input, send);
  panel.append(head, log, typing, form); root.append(panel); document.body.append(root);

  function relabel() {
    h.textContent = T[lang].title; exitBtn.textContent = T[lang].exit; send.textContent = T[lang].send;
    input.placeholder = T[lang].placeholder; langBtn.textContent = T[lang].lang; label.textContent = T[lang].label;
    langBtn.setAttribute("aria-label", lang === "en" ? "Français" : "English");
  }
  relabel();

  // Phone numbers become tap-to-call links; web addresses become links.
  function linkify(node, text) {
    var rx = /(\b(?:1-)?\d{3}-\d{3}-\d{4}\b|\b(?:911|988|211|686868)\b|\b[a-z0-9.-]+\.(?:ca|com|org)(?:\/[\w\-\/]*)?)/gi;
    var last = 0, m;
    while ((m = rx.exec(text))) {
      node.append(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement("a"); var v = m[0];
      if (/^[\d-]+$/.test(v)) { a.href = (v === "686868" ? "sms:" : "tel:") + v.replace(/-/g, ""); }
      else { a.href = "https://" + v; a.target = "_blank"; a.rel = "noopener noreferrer"; }
      a.textContent = v; node.append(a); last = m.index + v.length;
    }
    node.append(document.createTextNode(text.slice(last)));
  }

  function show(msg, who) {
    if (msg.text) { var p = el("div", "hw-msg " + (who === "user" ? "hw-user" : "hw-bot")); linkify(p, msg.text); log.append(p); }
    if (msg.buttons && msg.buttons.length) {
      var box = el("div", "hw-buttons");
      msg.buttons.forEach(function (b) {
        var btn = el("button", null, b.title); btn.type = "button";
        btn.addEventListener("click", function () { b.payload === "/safety_exit" ? quickExit() : talk(b.payload, b.title); });
        box.append(btn);
      });
      log.append(box);
    }
    log.scrollTop = log.scrollHeight;
  }

  function talk(message, shown) {
    show({ text: shown || message }, "user");
    typing.textContent = T[lang].typing;
    return fetch(server + "/webhooks/rest/webhook", {
      method: "POST", headers: { "Content-Type": "application/json" }, credentials: "omit",
      body: JSON.stringify({ sender: sender, message: message, metadata: { language: lang } })
    }).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (msgs) { typing.textContent = ""; msgs.forEach(function (m) { show(m, "bot"); }); })
      .catch(function () { typing.textContent = ""; show({ text: T[lang].error }, "bot"); });
  }

  function quickExit() {
    // Hide everything at once, ask the server to forget, then leave without a history entry.
    root.remove(); document.body.innerHTML = "";
    try {
      navigator.sendBeacon && navigator.sendBeacon(server + "/webhooks/rest/webhook",
        new Blob([JSON.stringify({ sender: sender, message: "/safety_exit" })], { type: "text/plain" }));
    } catch (e) { /* leaving matters more */ }
    window.location.replace(exitUrl);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault(); var v = input.value.trim(); if (!v) return; input.value = "";
    if (/^(exit|quitter|sortir)$/i.test(v)) { quickExit(); return; }
    talk(v);
  });
  exitBtn.addEventListener("click", quickExit);
  langBtn.addEventListener("click", function () {
    lang = lang === "en" ? "fr" : "en"; relabel();
    talk(lang === "fr" ? "en français" : "english please");
  });
  var lastEsc = 0;
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { var now = Date.now(); if (now - lastEsc < 800) quickExit(); lastEsc = now; }
  });
})();
