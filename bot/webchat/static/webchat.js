/* SEND line web chat. Talks only to this web app, over one WebSocket (/chat/ws).
   The conversation key stays in this browser's local storage; messages are numbered,
   so a reconnect asks for what it missed and a reload shows the whole conversation. */
(function () {
  "use strict";
  var KEY = "sendline.chat.session";
  var ROLE_PREFIX = "webchat:role:";
  var PERSON = "webchat:person";
  var CARRY_ON = "webchat:carry_on";
  var $ = function (id) { return document.getElementById(id); };
  var list = $("messages"), form = $("composer"), box = $("message"), connection = $("connection");
  var errorBox = $("chat-error"), typingLine = $("typing"), waitingLine = $("waiting");
  var socket = null, session = null, lastSeq = 0, attempts = 0, timer = null, open = false, owner = "bot", staffName = "";
  var seen = {}, pending = [];

  function storage(action, value) {
    try {
      if (action === "get") { return window.localStorage.getItem(KEY); }
      if (action === "set") { window.localStorage.setItem(KEY, value); }
      if (action === "clear") { window.localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: the conversation lasts as long as the page */ }
    return null;
  }
  function uid() {
    var a = new Uint8Array(12); window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* --- wording that follows who is asking ------------------------------------ */
  function applyRole(role) {
    if (!role) { return; }
    document.body.setAttribute("data-role", role);
    var intro = $("intro"), text = intro.getAttribute("data-" + role);
    if (text) { intro.textContent = text; }
  }

  /* --- text with links ---------------------------------------------------------- */
  var LINK = /\[([^\]]+)\]\(((?:https?:\/\/|\/)[^\s)]+)\)|((?:https?:\/\/)[^\s<>"]+[^\s<>".,;:!?)])/g;
  function isCertificate(url) { return /\/certificates\/download\//.test(url); }
  function addText(parent, text, downloads) {
    text.split(/\n{2,}/).forEach(function (paragraph) {
      var p = el("p", "message__text"), last = 0, match;
      LINK.lastIndex = 0;
      while ((match = LINK.exec(paragraph)) !== null) {
        p.appendChild(document.createTextNode(paragraph.slice(last, match.index)));
        var url = match[2] || match[3], a = el("a", "", match[1] || url);
        a.href = url;
        if (!/^\//.test(url) && url.indexOf(window.location.origin) !== 0) { a.rel = "noopener"; a.target = "_blank"; a.textContent += " (opens in a new tab)"; }
        if (isCertificate(url)) { downloads.push(url); }
        p.appendChild(a);
        last = match.index + match[0].length;
      }
      p.appendChild(document.createTextNode(paragraph.slice(last)));
      parent.appendChild(p);
    });
  }

  /* --- messages ----------------------------------------------------------------- */
  function who(message) {
    if (message.sender === "person") { return "You"; }
    if (message.sender === "staff") { return (message.staff_name || "Mediator") + " (mediator)"; }
    if (message.sender === "system") { return "From the service"; }
    return "Assistant";
  }
  function dropOldReplies() {
    Array.prototype.forEach.call(list.querySelectorAll(".quick-replies, .contact-form"), function (node) {
      node.parentNode.removeChild(node);
    });
  }
  function render(message) {
    if (seen[message.seq]) { return; }
    seen[message.seq] = true;
    lastSeq = Math.max(lastSeq, message.seq);
    if (message.sender === "person") {
      dropOldReplies();
      var local = message.client_id && list.querySelector('[data-client-id="' + message.client_id + '"]');
      if (local) { local.parentNode.removeChild(local); }
      pending = pending.filter(function (p) { return p.client_id !== message.client_id; });
    } else {
      typingLine.hidden = true;
    }
    list.appendChild(bubble(message));
    scrollDown();
  }
  function bubble(message) {
    var data = message.data || {}, downloads = [];
    var item = el("li", "message message--" + message.sender + (data.error ? " message--error" : "") +
      (data.urgent ? " message--urgent" : ""));
    item.setAttribute("data-seq", message.seq || "");
    item.appendChild(el("span", "message__who", who(message) + ":"));
    if (message.text) { addText(item, message.text, downloads); }
    var custom = data.custom || {};
    if (custom.download && custom.download.url) { downloads.push(custom.download.url); }
    if (data.attachment && typeof data.attachment === "string") { downloads.push(data.attachment); }
    downloads.filter(function (u, i) { return downloads.indexOf(u) === i; }).forEach(function (url) {
      var action = el("a", "button action-link", isCertificate(url) ? "Download your mediation certificate (PDF)" : "Download (opens the file)");
      action.href = url;
      item.appendChild(action);
    });
    if (data.image) {
      var img = el("img"); img.src = data.image; img.alt = custom.alt || "Picture sent by the assistant"; img.style.maxWidth = "100%";
      item.appendChild(img);
    }
    if (message.buttons && message.buttons.length) {
      var group = el("ul", "quick-replies");
      group.setAttribute("aria-label", "Choose an answer");
      message.buttons.forEach(function (b) {
        var li = el("li"), button = el("button", "button button--secondary", b.title);
        button.type = "button";
        button.addEventListener("click", function () { choose(b); });
        li.appendChild(button); group.appendChild(li);
      });
      item.appendChild(group);
    }
    if (data.callback) { item.appendChild(contactForm()); }
    if (message.pending) {
      item.setAttribute("data-client-id", message.client_id);
      item.appendChild(el("span", "message__pending", open ? "Sending" : "Not sent yet: it will be sent when the chat reconnects"));
    }
    return item;
  }
  function scrollDown() {
    var last = list.lastElementChild;
    if (last && last.scrollIntoView) {
      var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      last.scrollIntoView({ block: "nearest", behavior: reduce ? "auto" : "smooth" });
    }
  }

  /* --- the contact form (out of hours) ------------------------------------------ */
  function contactForm() {
    var f = el("form", "contact-form"), n = uid();
    f.noValidate = true;
    f.innerHTML = '<div class="form-group"><label class="label" for="phone-' + n + '">Phone number (optional)</label>' +
      '<input class="input" id="phone-' + n + '" name="phone" type="tel" autocomplete="tel"></div>' +
      '<div class="form-group"><label class="label" for="email-' + n + '">Email address (optional)</label>' +
      '<input class="input" id="email-' + n + '" name="email" type="email" autocomplete="email" spellcheck="false"></div>' +
      '<div class="form-group"><label class="label" for="time-' + n + '">When suits you? (optional)</label>' +
      '<input class="input" id="time-' + n + '" name="preferred_time" type="text" maxlength="100"></div>' +
      '<p class="error-message" role="alert" hidden></p>' +
      '<button type="submit" class="button">Ask for a callback or email</button>';
    f.addEventListener("submit", function (event) {
      event.preventDefault();
      if (f.getAttribute("data-state") === "sending" || f.getAttribute("data-state") === "sent") { return; }
      if (!send({ type: "contact", phone: f.phone.value, email: f.email.value, preferred_time: f.preferred_time.value })) {
        showContactError(f, "The chat is not connected. Try again in a moment.");
        return;
      }
      setContactState(f, "sending");
    });
    return f;
  }
  /* One callback per form: busy while sending; once the team has it, the form is replaced
     by what was arranged, so it cannot be sent twice and no old error stays on show. */
  function setContactState(f, state) {
    f.setAttribute("data-state", state);
    Array.prototype.forEach.call(f.querySelectorAll("input, button"), function (node) {
      node.disabled = state === "sending";
    });
    if (state !== "error") { f.querySelector(".error-message").hidden = true; }
  }
  function contactDone(f) {
    setContactState(f, "sent");
    var done = el("p", "contact-form__done", "Sent: our team has your details, so there is nothing more to fill in.");
    done.setAttribute("role", "status");
    f.parentNode.replaceChild(done, f);
  }
  function showContactError(f, text) {
    setContactState(f, "error");
    var p = f.querySelector(".error-message"); p.textContent = "Error: " + text; p.hidden = false;
    var input = f.querySelector("input"); if (input) { input.focus(); }
  }

  /* --- owner, typing, connection ------------------------------------------------ */
  function setOwner(frame) {
    owner = frame.state; staffName = frame.staff_name || "";
    var text = "";
    waitingLine.innerHTML = "";
    waitingLine.className = "waiting" + (frame.urgent ? " waiting--urgent" : "");
    if (owner === "waiting" && frame.urgent) {
      /* Someone may be at risk: no "carry on with the assistant" here, and no promise of minutes. */
      waitingLine.textContent = "A member of our team has been alerted and will join as soon as they can. " +
        "If anyone is in danger now, call 999. You can keep writing: they will see it.";
    } else if (owner === "waiting") {
      text = "Waiting for a mediator to join. You can keep writing: they will see it.";
      waitingLine.appendChild(el("span", "", text + " "));
      var carry = el("button", "link-button", "Carry on with the assistant instead");
      carry.type = "button";
      carry.addEventListener("click", function () { say("Carry on with the assistant", CARRY_ON); });
      waitingLine.appendChild(carry);
    } else if (owner === "assigned") {
      waitingLine.textContent = "You're chatting with " + (staffName || "a mediator") + " from our mediation team.";
    }
    waitingLine.hidden = !(owner === "waiting" || owner === "assigned");
  }
  function setConnection(state, text) {
    connection.textContent = text;
    connection.className = "connection" + (state === "offline" ? " connection--offline" : "");
  }
  function showError(show, text) {
    errorBox.hidden = !show;
    if (text) { $("chat-error-text").textContent = text; }
  }

  function connect() {
    clearTimeout(timer);
    if (socket) { try { socket.close(); } catch (e) { /* already closed */ } }
    setConnection("connecting", attempts ? "Reconnecting..." : "Connecting...");
    var ws = new WebSocket((window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + "/chat/ws");
    socket = ws;
    ws.onopen = function () { ws.send(JSON.stringify({ type: "start", session: session, after: lastSeq })); };
    ws.onmessage = function (event) {
      var frame; try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "session") {
        if (session && frame.session !== session) { list.innerHTML = ""; seen = {}; lastSeq = 0; }
        session = frame.session; storage("set", session); applyRole(frame.role);
        open = true; attempts = 0; showError(false);
        setConnection("online", "Connected");
        pending.forEach(function (p) { ws.send(JSON.stringify(p)); });
        Array.prototype.forEach.call(list.querySelectorAll(".message__pending"), function (n) { n.textContent = "Sending"; });
      } else if (frame.type === "message") { render(frame); }
      else if (frame.type === "owner") { setOwner(frame); }
      else if (frame.type === "typing") {
        $("typing-text").textContent = owner === "assigned" ? (staffName || "The mediator") + " is writing" : "The assistant is typing";
        typingLine.hidden = !frame.on;
      } else if (frame.type === "refused") {
        var mine = frame.client_id && list.querySelector('[data-client-id="' + frame.client_id + '"]');
        if (mine) { mine.parentNode.removeChild(mine); }
        pending = pending.filter(function (p) {
          if (p.client_id !== frame.client_id) { return true; }
          if (!p.payload && !box.value) { box.value = p.text; }  // nothing typed is lost
          return false;
        });
        fieldError(frame.message);
      } else if (frame.type === "contact") {
        var f = list.querySelector(".contact-form[data-state='sending']") || list.querySelector(".contact-form");
        if (f && frame.ok) { contactDone(f); }
        else if (f) { showContactError(f, frame.message); }
      }
    };
    ws.onclose = function () {
      if (socket !== ws) { return; }
      open = false; typingLine.hidden = true; attempts += 1;
      if (attempts >= 3) {
        setConnection("offline", "Not connected.");
        showError(true, "Check your internet connection. Nothing you have written is lost: we'll keep trying, or you can try now.");
      } else {
        setConnection("offline", "Connection lost. Reconnecting...");
      }
      timer = setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, attempts - 1)));
    };
  }
  function send(frame) {
    if (open && socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }

  /* --- the person's side -------------------------------------------------------- */
  function say(text, payload) {
    var frame = { type: "say", text: text, payload: payload || null, client_id: uid() };
    pending.push(frame);
    list.appendChild(bubble({ seq: "", sender: "person", text: text, client_id: frame.client_id, pending: true }));
    scrollDown();
    send(frame);
  }
  function choose(button) {
    var payload = button.payload || button.title;
    if (payload.indexOf(ROLE_PREFIX) === 0) { applyRole(payload.slice(ROLE_PREFIX.length)); }
    dropOldReplies();
    say(button.title, payload);
    box.focus();
  }
  function fieldError(text) {
    var error = $("message-error"), group = $("message-group");
    error.hidden = !text; error.textContent = text ? "Error: " + text : "";
    group.className = "form-group" + (text ? " form-group--error" : "");
    box.setAttribute("aria-describedby", text ? "message-error message-hint" : "message-hint");
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = box.value.trim();
    if (!text) { fieldError("Write a message before sending it"); box.focus(); return; }
    fieldError("");
    say(text, null);
    box.value = "";
    box.focus();
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.dispatchEvent(new Event("submit", { cancelable: true })); }
    }
  });
  $("talk-to-person").addEventListener("click", function () { say("Talk to a person", PERSON); box.focus(); });
  $("retry").addEventListener("click", function () { attempts = Math.max(attempts, 1); connect(); box.focus(); });
  $("new-chat").addEventListener("click", function () {
    storage("clear"); session = null; lastSeq = 0; seen = {}; pending = []; list.innerHTML = "";
    document.body.removeAttribute("data-role");
    connect(); box.focus();
  });
  window.addEventListener("online", function () { if (!open) { connect(); } });

  session = storage("get");
  connect();
}());
