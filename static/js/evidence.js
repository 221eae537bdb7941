// Evidence files of an application (templates/appraisal/_evidence_files.html).
//
// Uploads go through tus (static/vendor/tus/tus.min.js, tus-js-client) in chunks: a broken
// connection is retried with growing delays and the upload resumes from the last byte the
// server has; after a reload or when the network comes back, choosing the same file again
// resumes it too (its URL is kept in localStorage). The file states (waiting, checking, valid,
// rejected with a reason) are asked from the server every 2 s while any file is being checked.
(function () {
  "use strict";
  var root = document.getElementById("evidence-files");
  if (!root) { return; }
  var texts = JSON.parse(document.getElementById("evidence-texts").textContent);
  var csrfInput = root.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var BADGES = { waiting: "text-bg-secondary", checking: "text-bg-info",
                 valid: "text-bg-success", rejected: "text-bg-danger" };
  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 60000];
  var active = 0;
  var polling = false;

  function size(bytes) {
    if (bytes >= 1073741824) { return (bytes / 1073741824).toFixed(2) + " GB"; }
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // --- states ------------------------------------------------------------------------------------

  function showFile(row, f) {
    row.dataset.fileId = f.id;
    row.dataset.state = f.state;
    var badge = row.querySelector(".evidence-badge");
    badge.className = "badge evidence-badge " + (BADGES[f.state] || "text-bg-light");
    badge.textContent = f.state_display;
    if (f.state === "checking") {
      badge.prepend(el("span", { "class": "spinner-border spinner-border-sm me-1",
                                 "aria-hidden": "true" }));
    }
    var box = row.querySelector(".evidence-file");
    box.hidden = false;
    box.replaceChildren();
    box.append(el("a", { href: f.download_url, "class": "evidence-name", target: "_blank",
                         rel: "noopener" }, f.name));
    var meta = " · " + size(f.size);
    if (f.pages) { meta += " · " + texts.pages.replace("{n}", f.pages); }
    if (f.duration_display) { meta += " · " + texts.duration.replace("{d}", f.duration_display); }
    box.append(el("span", { "class": "text-muted evidence-meta" }, meta));
    if (f.caption) { box.append(el("div", { "class": "evidence-caption" }, f.caption)); }
    box.append(el("div", { "class": "text-danger evidence-reason",
                           "data-testid": "evidence-reason" },
                  f.state === "rejected" ? f.reason : ""));
    if (f.remove_url) {
      var form = el("form", { method: "post", action: f.remove_url,
                              "class": "d-inline evidence-remove" });
      form.append(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }));
      form.append(el("input", { type: "hidden", name: "next",
                                value: window.location.pathname + window.location.search }));
      var button = el("button", { type: "submit", "class": "btn btn-link btn-sm text-danger p-0",
                                  "data-testid": "evidence-remove" });
      button.textContent = texts.remove;
      form.append(button);
      box.append(form);
    }
    var start = row.querySelector(".evidence-start");
    if (start && !row.upload) {
      start.textContent = texts.replace;
      if (f.state !== "waiting" && f.state !== "checking") {
        // the check is over: the badge says it all, the finished bar goes
        row.querySelector(".progress").hidden = true;
        say(row, "");
      }
    }
  }

  function refresh() {
    return fetch(root.dataset.stateUrl, { credentials: "same-origin", cache: "no-store",
                                          headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        data.files.forEach(function (f) {
          var row = root.querySelector('.evidence-row[data-slot="' + f.slot +
                                       '"][data-position="' + f.position + '"]');
          if (row) { showFile(row, f); }
        });
        return data.pending;
      });
  }

  function poll() {
    if (polling) { return; }
    polling = true;
    (function tick() {
      refresh().then(function (pending) {
        if (pending) { window.setTimeout(tick, 2000); } else { polling = false; }
      }).catch(function () { window.setTimeout(tick, 5000); });
    })();
  }

  // --- uploads -------------------------------------------------------------------------------------

  function progress(row, done, total) {
    var wrap = row.querySelector(".progress");
    var bar = wrap.querySelector(".progress-bar");
    var percent = total ? Math.floor(done * 100 / total) : 0;
    wrap.hidden = false;
    wrap.setAttribute("aria-valuenow", percent);
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    row.querySelector(".evidence-progress-text").textContent =
      texts.uploading + " " + percent + "% (" + size(done) + " " + texts.of + " " +
      size(total) + ")";
  }

  function say(row, message, danger) {
    var line = row.querySelector(".evidence-progress-text");
    line.textContent = message;
    line.classList.toggle("text-danger", !!danger);
  }

  function finished(row) {
    row.upload = null;
    active = Math.max(0, active - 1);
    row.querySelector(".evidence-cancel").hidden = true;
    row.querySelector(".evidence-start").disabled = false;
    var bar = row.querySelector(".progress-bar");
    bar.classList.remove("progress-bar-animated");
  }

  function serverMessage(error) {
    var response = error && error.originalResponse;
    if (response) {
      var body = response.getBody && response.getBody();
      if (body && body.length < 500) { return body; }
    }
    return "";
  }

  function shouldRetry(error) {
    var response = error.originalResponse;
    var status = response ? response.getStatus() : 0;
    if (status && status >= 400 && status < 500 && status !== 409 && status !== 423 &&
        status !== 429) {
      return false; // refused (not allowed, too large, …): trying again will not help
    }
    return navigator.onLine !== false;
  }

  function start(row) {
    var input = row.querySelector(".evidence-input");
    var file = input.files && input.files[0];
    if (row.upload) { row.upload.start(); return; } // "resume" after a failure
    if (!file) { say(row, texts.choose, true); return; }
    if (file.size > Number(row.dataset.maxBytes)) {
      say(row, texts.too_large.replace("{limit}", row.dataset.maxSize), true);
      return;
    }
    var captionInput = row.querySelector(".evidence-caption-input");
    var slot = row.dataset.slot;
    var position = row.dataset.position;
    var upload = new tus.Upload(file, {
      endpoint: root.dataset.uploadUrl,
      chunkSize: Number(root.dataset.chunkSize) || Infinity,
      retryDelays: RETRY_DELAYS,
      headers: { "X-CSRFToken": csrf },
      metadata: {
        application: root.dataset.application, slot: slot, position: position,
        filename: file.name, caption: captionInput ? captionInput.value : ""
      },
      // the same file chosen for another slot is another upload
      fingerprint: function (f) {
        return Promise.resolve(["dlep-evidence", root.dataset.application, slot, position,
                                f.name, f.size, f.type, f.lastModified].join("|"));
      },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onShouldRetry: function (error) {
        var retry = shouldRetry(error);
        if (retry) { say(row, texts.retrying, true); }
        return retry;
      },
      onProgress: function (done, total) { say(row, ""); progress(row, done, total); },
      onError: function (error) {
        var button = row.querySelector(".evidence-start");
        button.disabled = false;
        var message = serverMessage(error);
        if (message || !shouldRetry(error)) {
          finished(row);
          say(row, texts.failed + (message ? ": " + message : ""), true);
        } else {
          // still resumable: the button (or the network coming back) goes on from here
          active = Math.max(0, active - 1);
          button.textContent = texts.resume;
          say(row, texts.failed + " — " + texts.resume, true);
        }
      },
      onSuccess: function () {
        finished(row);
        input.value = "";
        say(row, texts.uploaded);
        poll();
      }
    });
    row.upload = upload;
    active += 1;
    row.querySelector(".evidence-start").disabled = true;
    row.querySelector(".evidence-cancel").hidden = false;
    progress(row, 0, file.size);
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
      upload.start();
    });
  }

  root.querySelectorAll(".evidence-row").forEach(function (row) {
    var button = row.querySelector(".evidence-start");
    if (!button) { return; }
    button.addEventListener("click", function () {
      if (row.upload) { active += 1; button.disabled = true; }
      start(row);
    });
    row.querySelector(".evidence-input").addEventListener("change", function () {
      if (row.upload) { row.upload.abort(false); finished(row); }
      say(row, "");
    });
    row.querySelector(".evidence-cancel").addEventListener("click", function () {
      if (!row.upload) { return; }
      row.upload.abort(true); // terminate: the server deletes what it received
      finished(row);
      row.querySelector(".progress").hidden = true;
      say(row, "");
    });
  });

  // the network is back: go on with the uploads that gave up
  window.addEventListener("online", function () {
    root.querySelectorAll(".evidence-row").forEach(function (row) {
      var button = row.querySelector(".evidence-start");
      if (row.upload && button && !button.disabled) { button.click(); }
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (active > 0) { event.preventDefault(); event.returnValue = texts.leave; }
  });

  if (root.querySelector('.evidence-row[data-state="waiting"], .evidence-row[data-state="checking"]')) {
    poll();
  }
})();
