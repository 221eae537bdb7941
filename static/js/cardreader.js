// The "อ่านบัตรประชาชน" button (cardreader/templates/cardreader/widget.html): asks the local card
// reader agent on this computer (python -m cardreader.agent) to read the Thai ID card, then fills
// the form through window.dlepFillRegistration (static/js/registration.js) and shows the photo.
// Every text comes from the page (translated on the server). The photo never leaves the browser;
// the server checks everything that was filled again: the card proves nothing by itself.
(function () {
  "use strict";
  var root = document.querySelector("[data-card-reader]");
  var messagesNode = document.getElementById("card-reader-messages");
  if (!root || !messagesNode) { return; }
  var messages = JSON.parse(messagesNode.textContent);
  var agentUrl = (root.getAttribute("data-agent-url") || "").replace(/\/+$/, "");
  var button = root.querySelector("[data-card-reader-button]");
  var statusBox = root.querySelector("[data-card-reader-status]");
  var photo = root.querySelector("[data-card-reader-photo]");
  var helps = root.querySelectorAll("[data-card-reader-help]");
  var TIMEOUT_MS = 30000;

  function showHelp(name) {
    Array.prototype.forEach.call(helps, function (help) {
      help.hidden = help.getAttribute("data-card-reader-help") !== name;
    });
  }

  function say(text, kind) {
    statusBox.textContent = text || "";
    statusBox.className = "alert alert-" + (kind || "info") + " py-2 mb-2";
    statusBox.hidden = !text;
  }

  function withTimeout(promise, controller) {
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return promise.then(
      function (value) { clearTimeout(timer); return value; },
      function (error) { clearTimeout(timer); throw error; }
    );
  }

  function fill(answer) {
    var data = answer.registration || {};
    if (typeof window.dlepFillRegistration === "function") {
      window.dlepFillRegistration(data);
    }
    var card = answer.card || {};
    if (card.photo_jpeg_base64) {
      photo.src = "data:image/jpeg;base64," + card.photo_jpeg_base64;
      photo.hidden = false;
    } else {
      photo.removeAttribute("src");
      photo.hidden = true;
    }
    var text = messages.filled;
    if (card.birth_date_precision && card.birth_date_precision !== "day") {
      text += " " + messages.birth_date_partial;
    }
    say(text, "success");
  }

  function failed(answer) {
    var code = (answer && answer.error) || "card_reader_error";
    say(messages.errors[code] || (answer && answer.message) || messages.errors.card_reader_error,
        code === "card_expired" || code === "not_thai_id" ? "danger" : "warning");
    if (code === "no_card" || code === "card_removed") { showHelp("no_card"); }
    if (code === "no_reader" || code === "reader_service") { showHelp("agent"); }
  }

  // The read failed before any answer: either no agent listens, or it refuses this site (it
  // answers without CORS headers). An opaque no-cors request tells the two apart.
  function unreachable() {
    return fetch(agentUrl + "/status", { mode: "no-cors", cache: "no-store", credentials: "omit" })
      .then(function () { say(messages.agent_refused, "warning"); })
      .catch(function () { say(messages.agent_missing, "warning"); })
      .then(function () { showHelp("agent"); });
  }

  function read() {
    button.disabled = true;
    showHelp(null);
    say(messages.reading, "info");
    var controller = new AbortController();
    var request = fetch(agentUrl + "/read", {
      method: "POST",
      mode: "cors",
      cache: "no-store",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ photo: true }),
      signal: controller.signal
    });
    withTimeout(request, controller)
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok && body.registration) { fill(body); } else { failed(body); }
        });
      }, unreachable)
      .then(function () { button.disabled = false; }, function () { button.disabled = false; });
  }

  button.addEventListener("click", read);
})();
