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
