// The queue page checks for new escalations and says so (a live region; urgent ones stand out).
(function () {
  "use strict";
  var box = document.getElementById("new-alert");
  if (!box || !window.fetch) { return; }
  var seen = box.getAttribute("data-newest") || "";
  var every = Math.max(5, parseInt(box.getAttribute("data-poll"), 10) || 15) * 1000;
  function check() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.newest || data.newest === seen) { return; }
        box.hidden = false;
        box.className = "notification" + (data.urgent ? " notification--warning" : "");
        box.textContent = "";
        var strong = document.createElement("strong");
        strong.textContent = (data.urgent ? data.urgent + " urgent, " : "") + data["new"] + " new escalation" +
          (data["new"] === 1 ? "" : "s") + " waiting. ";
        var link = document.createElement("a");
        link.href = window.location.pathname + window.location.search;
        link.textContent = "Refresh the queue";
        box.appendChild(strong);
        box.appendChild(link);
      })
      .catch(function () { /* try again next time */ });
  }
  window.setInterval(check, every);
})();

// A case page's live web chat: new messages and who holds the chat arrive as server-sent
// events, so a mediator follows the chat without reloading; the reply box stays by the newest message.
(function () {
  "use strict";
  var list = document.getElementById("live-messages");
  if (!list || !window.EventSource) { return; }
  var owner = document.getElementById("live-owner");
  var presence = document.getElementById("live-presence");
  var seen = {};
  function scrollToNewest() { list.scrollTop = list.scrollHeight; }
  scrollToNewest();
  var source = new EventSource(list.getAttribute("data-events"));
  source.addEventListener("message", function (event) {
    var m = JSON.parse(event.data);
    if (seen[m.seq]) { return; }
    seen[m.seq] = true;
    var item = document.createElement("li");
    item.className = "turn turn--" + m.sender;
    var meta = document.createElement("span");
    meta.className = "turn__meta";
    meta.textContent = m.who + ", " + m.at;
    var text = document.createElement("span");
    text.className = "turn__text";
    text.textContent = m.text;
    item.appendChild(meta);
    item.appendChild(text);
    list.appendChild(item);
    scrollToNewest();
  });
  source.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (owner) { owner.textContent = state.owner; }
    if (presence && (state.live === "waiting" || state.live === "assigned")) {
      presence.textContent = state.present ? "The family has the chat open." : "The family has left the chat.";
    }
  });
})();

// Every other console page watches for a new urgent escalation and says so at once (a mediator
// working a case must not miss one): the same poll as the queue, no personal details.
(function () {
  "use strict";
  var box = document.getElementById("urgent-watch");
  if (!box || !window.fetch) { return; }
  var seen = box.getAttribute("data-newest-urgent") || "";
  var every = Math.max(5, parseInt(box.getAttribute("data-poll"), 10) || 15) * 1000;
  function check() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.newest_urgent || data.newest_urgent === seen) { return; }
        box.hidden = false;
        box.textContent = "";
        var inner = document.createElement("div");
        inner.className = "width";
        var strong = document.createElement("strong");
        strong.textContent = "New urgent escalation: " + data.urgent + " urgent waiting. ";
        var link = document.createElement("a");
        link.href = "/console/?status=new&priority=urgent";
        link.textContent = "See urgent escalations";
        inner.appendChild(strong);
        inner.appendChild(link);
        box.appendChild(inner);
      })
      .catch(function () { /* try again next time */ });
  }
  window.setInterval(check, every);
})();
