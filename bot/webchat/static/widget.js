/* SEND line chat for council websites (Local Offer pages). Embed with:
     <script src="https://<chat host>/widget.js" defer></script>
   Optionally put <div id="send-line-chat"></div> where the open button should go;
   otherwise it floats at the bottom right. It opens the chat in a panel (an iframe of
   the chat page): nothing is loaded from any other site, and nothing is tracked. */
(function () {
  "use strict";
  var ORIGIN = __CHAT_ORIGIN__;
  var NAME = __SERVICE_NAME__;
  if (window.__sendLineChat) { return; }
  window.__sendLineChat = true;

  function style(node, rules) { Object.keys(rules).forEach(function (k) { node.style[k] = rules[k]; }); return node; }
  function focusStyle(node, base) {
    node.addEventListener("focus", function () { style(node, { background: "#ffdd00", color: "#0b0c0c", boxShadow: "0 -2px #ffdd00, 0 4px #0b0c0c", outline: "3px solid transparent" }); });
    node.addEventListener("blur", function () { style(node, base); });
  }

  function build() {
    var host = document.getElementById("send-line-chat");
    var floating = !host;
    var openBase = { background: "#00703c", color: "#ffffff", boxShadow: "0 2px 0 #002d18", outline: "none" };
    var opener = style(document.createElement("button"), {
      font: "700 19px/1.2 Arial, Helvetica, sans-serif", padding: "10px 15px", border: "2px solid transparent",
      borderRadius: "0", cursor: "pointer", zIndex: "2147483000"
    });
    style(opener, openBase);
    focusStyle(opener, openBase);
    if (floating) { style(opener, { position: "fixed", right: "15px", bottom: "15px" }); }
    opener.type = "button";
    opener.id = "send-line-chat-open";
    opener.textContent = "Chat about SEND mediation";
    opener.setAttribute("aria-expanded", "false");
    opener.setAttribute("aria-controls", "send-line-chat-panel");

    var panel = style(document.createElement("div"), {
      position: "fixed", right: "15px", bottom: "15px", width: "min(420px, calc(100vw - 30px))",
      height: "min(640px, calc(100vh - 30px))", background: "#ffffff", border: "2px solid #0b0c0c",
      boxShadow: "0 4px 12px rgba(0,0,0,.3)", display: "none", flexDirection: "column", zIndex: "2147483001"
    });
    panel.id = "send-line-chat-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Chat: " + NAME);

    var bar = style(document.createElement("div"), { display: "flex", justifyContent: "space-between", alignItems: "center",
      background: "#0b0c0c", color: "#ffffff", padding: "8px 10px", font: "700 16px/1.2 Arial, Helvetica, sans-serif" });
    var title = document.createElement("span");
    title.textContent = "SEND mediation chat";
    var closeBase = { background: "#ffffff", color: "#0b0c0c", boxShadow: "none", outline: "none" };
    var close = style(document.createElement("button"), { font: "700 16px/1.2 Arial, Helvetica, sans-serif", padding: "6px 10px",
      border: "2px solid #ffffff", borderRadius: "0", cursor: "pointer" });
    style(close, closeBase);
    focusStyle(close, closeBase);
    close.type = "button";
    close.textContent = "Close chat";
    bar.appendChild(title); bar.appendChild(close);

    var frame = style(document.createElement("iframe"), { border: "0", width: "100%", flex: "1 1 auto" });
    frame.title = "Chat: " + NAME;
    frame.setAttribute("referrerpolicy", "no-referrer");
    panel.appendChild(bar); panel.appendChild(frame);

    function show(open) {
      if (open && !frame.src) { frame.src = ORIGIN + "/?embed=1"; }
      panel.style.display = open ? "flex" : "none";
      opener.setAttribute("aria-expanded", open ? "true" : "false");
      if (floating) { opener.style.display = open ? "none" : "inline-block"; }
      (open ? close : opener).focus();
    }
    opener.addEventListener("click", function () { show(true); });
    close.addEventListener("click", function () { show(false); });
    panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { show(false); } });

    (host || document.body).appendChild(opener);
    document.body.appendChild(panel);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", build); } else { build(); }
}());
