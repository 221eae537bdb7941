/* The score sheet saves itself: a change is sent (JSON) to the draft URL after a short pause,
 * and whatever is still unsaved every few seconds; the percentages come back from the server,
 * which computes them from the rubric. Without JavaScript the "save draft" button does the same. */
(function () {
  "use strict";
  var form = document.getElementById("score-sheet");
  if (!form || form.dataset.locked === "1") { return; }
  var status = document.getElementById("autosave-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = {levels: {}, notes: {}};
  var dirty = false, sending = false, timer = null;

  function noteOf(side) {
    var box = form.querySelector('[data-side="' + side + '"]');
    return {
      strengths: box.querySelector('[data-note="strengths"]').value,
      remarks: box.querySelector('[data-note="remarks"]').value
    };
  }

  function send() {
    if (!dirty || sending) { return; }
    sending = true; dirty = false;
    var sent = pending;
    var body = JSON.stringify(sent);
    pending = {levels: {}, notes: {}};
    fetch(form.dataset.draftUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: {"Content-Type": "application/json", "X-CSRFToken": token}
    }).then(function (r) {
      return r.json().then(function (data) { return {ok: r.ok, data: data}; });
    }).then(function (res) {
      if (!res.ok) { throw new Error(res.data.error || ""); }
      Object.keys(res.data.percentages).forEach(function (side) {
        var badge = form.querySelector('[data-percentage="' + side + '"]');
        if (badge) { badge.textContent = res.data.percentages[side]; }
      });
      form.querySelectorAll("[data-percentage]").forEach(function (badge) {
        if (!(badge.dataset.percentage in res.data.percentages)) { badge.textContent = "–"; }
      });
      status.textContent = form.dataset.savedText + " " + res.data.saved_at;
      status.dataset.saved = "1";
    }).catch(function (err) {
      status.textContent = form.dataset.errorText + (err.message ? ": " + err.message : "");
      status.dataset.saved = "0";
      ["levels", "notes"].forEach(function (part) {  // keep what did not reach the server
        Object.keys(sent[part]).forEach(function (key) {
          if (!(key in pending[part])) { pending[part][key] = sent[part][key]; }
        });
      });
      dirty = true;
    }).then(function () { sending = false; });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(send, 600);
  }

  form.addEventListener("change", function (event) {
    var el = event.target;
    if (el.dataset.indicator) {
      pending.levels[el.dataset.indicator] = el.value;
    } else if (el.dataset.note) {
      var side = el.closest("[data-side]").dataset.side;
      pending.notes[side] = noteOf(side);
    } else { return; }
    dirty = true; status.dataset.saved = "0"; later();
  });
  form.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.dataset.note) { return; }
    var side = el.closest("[data-side]").dataset.side;
    pending.notes[side] = noteOf(side);
    dirty = true; status.dataset.saved = "0";
  });
  setInterval(send, 5000);  // typing in the notes is saved every few seconds
})();
