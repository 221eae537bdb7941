// Evidence files of an application (templates/appraisal/_evidence_files.html).
//
// Uploads, in one of two ways (the root's data-mode):
// * "tus": through the portal with tus (static/vendor/tus/tus.min.js, tus-js-client) in chunks;
// * "direct": straight to the object store, as an S3 multipart upload whose parts the browser
//   PUTs on links the portal signs after its checks (DirectUpload below); the portal completes
//   it once every part is there. The portal never carries the bytes.
// Either way a broken connection is retried with growing delays and the upload resumes from
// what the server (or the store) has; after a reload or a browser restart, choosing the same
// file again resumes it too (what identifies the upload is kept in localStorage). The file
// states (waiting, checking, valid, rejected with a reason) are asked from the server every 2 s
// while any file is being checked.
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

  function showReplacement(row, f) {
    var line = row.querySelector(".evidence-replacement");
    if (!line) {
      line = el("div", { "class": "small evidence-replacement",
                         "data-testid": "evidence-replacement" });
      row.querySelector(".evidence-file").after(line);
    }
    var next = f.replacement;
    if (!next) { line.hidden = true; line.textContent = ""; return; }
    line.hidden = false;
    line.classList.toggle("text-danger", next.state === "rejected");
    line.classList.toggle("text-muted", next.state !== "rejected");
    line.textContent = next.state === "rejected"
      ? texts.replacement_rejected.replace("{name}", next.name).replace("{reason}", next.reason)
      : texts.replacing.replace("{name}", next.name).replace("{state}", next.state_display);
  }

  function refresh() {
    return fetch(root.dataset.stateUrl, { credentials: "same-origin", cache: "no-store",
                                          headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        data.files.forEach(function (f) {
          var row = root.querySelector('.evidence-row[data-slot="' + f.slot +
                                       '"][data-position="' + f.position + '"]');
          if (row) { showFile(row, f); showReplacement(row, f); }
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

  // --- direct uploads to the object store ----------------------------------------------------

  var PARALLEL_PARTS = 3;
  var SIGN_BATCH = 10;

  function HttpError(status, message) {
    this.status = status;
    this.message = message || "";
  }

  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", cache: "no-store",
                    headers: { "Accept": "application/json", "X-CSRFToken": csrf } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (r) {
      if (r.status === 204) { return {}; }
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { throw new HttpError(r.status, data.error); }
        return data;
      });
    }, function () { throw new HttpError(0, ""); });
  }

  // One file to the object store. options: fingerprint, metadata, onProgress(done, total),
  // onShouldRetry(error), onError(error), onSuccess(). error.originalResponse mimics tus's.
  function DirectUpload(file, options) {
    this.file = file;
    this.options = options;
    this.xhrs = [];
    this.stopped = false;
  }

  DirectUpload.prototype.fail = function (error) {
    var status = error.status || 0;
    var message = error.message || "";
    error.originalResponse = status ? {
      getStatus: function () { return status; },
      getBody: function () { return message; }
    } : null;
    return error;
  };

  DirectUpload.prototype.start = function () {
    var self = this;
    self.stopped = false;
    self.attempt = self.attempt || 0;
    self.begin().then(function () { return self.sendMissing(); })
      .then(function () { return api("POST", self.upload.complete_url); })
      .then(function () {
        window.localStorage.removeItem(self.options.fingerprint);
        self.options.onSuccess();
      })
      .catch(function (error) {
        if (self.stopped) { return; }
        error = self.fail(error);
        if (error.status === 409 || !self.options.onShouldRetry(error) ||
            self.attempt >= RETRY_DELAYS.length) {
          self.attempt = 0;
          self.options.onError(error);
          return;
        }
        var delay = RETRY_DELAYS[self.attempt];
        self.attempt += 1;
        window.setTimeout(function () { if (!self.stopped) { self.start(); } }, delay);
      });
  };

  // Find the upload this file began earlier (this page, or a browser restarted), else create it.
  DirectUpload.prototype.begin = function () {
    var self = this;
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(self.options.fingerprint)); }
    catch (e) { saved = null; }
    var known = self.upload || saved;
    if (known) {
      return api("GET", known.parts_url).then(function (state) {
        if (state.completed) { throw new HttpError(409, ""); }
        self.upload = state;
        self.have = {};
        state.parts.forEach(function (p) {
          var expected = p.number < state.part_count ? state.part_size
            : state.length - state.part_size * (state.part_count - 1);
          if (p.size === expected) { self.have[p.number] = p.size; }
        });
      }, function (error) {
        if (error.status === 404 || error.status === 400) {
          window.localStorage.removeItem(self.options.fingerprint);
          self.upload = null;
          return self.create();
        }
        throw error;
      });
    }
    return self.create();
  };

  DirectUpload.prototype.create = function () {
    var self = this;
    var meta = self.options.metadata;
    return api("POST", root.dataset.uploadUrl, {
      application: meta.application, slot: meta.slot, position: meta.position,
      filename: self.file.name, size: self.file.size, caption: meta.caption
    }).then(function (upload) {
      self.upload = upload;
      self.have = {};
      window.localStorage.setItem(self.options.fingerprint, JSON.stringify(upload));
    });
  };

  DirectUpload.prototype.progress = function (loading) {
    var done = 0;
    var self = this;
    Object.keys(self.have).forEach(function (n) { done += self.have[n]; });
    Object.keys(loading).forEach(function (n) { done += loading[n]; });
    self.options.onProgress(Math.min(done, self.file.size), self.file.size);
  };

  DirectUpload.prototype.sendMissing = function () {
    var self = this;
    var upload = self.upload;
    var missing = [];
    for (var n = 1; n <= upload.part_count; n += 1) {
      if (!self.have[n]) { missing.push(n); }
    }
    var loading = {};
    self.progress(loading);
    var urls = {};
    var signing = Promise.resolve();
    // one signing request at a time: the lanes wait for links another lane asked for
    function signed(numbers) {
      var next = signing.then(function () {
        var unsigned = numbers.filter(function (k) { return !urls[k]; });
        if (!unsigned.length) { return; }
        return api("POST", upload.sign_url, { parts: unsigned }).then(function (data) {
          Object.keys(data.urls).forEach(function (k) { urls[Number(k)] = data.urls[k]; });
        });
      });
      signing = next.catch(function () {});
      return next;
    }
    function putPart(number) {
      var first = (number - 1) * upload.part_size;
      var blob = self.file.slice(first, Math.min(first + upload.part_size, self.file.size));
      return signed(missing.slice(missing.indexOf(number), missing.indexOf(number) + SIGN_BATCH))
        .then(function () {
          return new Promise(function (resolve, reject) {
            var xhr = new XMLHttpRequest();
            self.xhrs.push(xhr);
            xhr.open("PUT", urls[number]);
            xhr.upload.onprogress = function (e) { loading[number] = e.loaded; self.progress(loading); };
            xhr.onload = function () {
              delete loading[number];
              if (xhr.status >= 200 && xhr.status < 300) {
                self.have[number] = blob.size;
                self.progress(loading);
                self.attempt = 0;
                resolve();
              } else {
                delete urls[number]; // an expired link is signed again at the retry
                reject(new HttpError(xhr.status >= 500 || xhr.status === 403 ? 0 : xhr.status));
              }
            };
            xhr.onerror = xhr.onabort = function () { delete loading[number]; reject(new HttpError(0)); };
            xhr.send(blob);
          });
        });
    }
    var queue = missing.slice();
    var failure = null;
    // a failed part stops its lane; the others finish the part they are sending, so that the
    // retry (which asks the store what it holds) does not send it twice
    function lane() {
      if (self.stopped || failure) { return Promise.resolve(); }
      var number = queue.shift();
      if (number === undefined) { return Promise.resolve(); }
      return putPart(number).then(lane, function (error) { failure = failure || error; });
    }
    var lanes = [];
    for (var i = 0; i < PARALLEL_PARTS; i += 1) { lanes.push(lane()); }
    return Promise.all(lanes).then(function () {
      if (failure) { throw failure; }
      if (self.stopped) { throw new HttpError(0); }
    });
  };

  DirectUpload.prototype.abort = function (terminate) {
    this.stopped = true;
    this.xhrs.forEach(function (xhr) { xhr.abort(); });
    this.xhrs = [];
    if (terminate) {
      var known = this.upload;
      window.localStorage.removeItem(this.options.fingerprint);
      if (known) { api("DELETE", known.parts_url).catch(function () {}); }
    }
    return Promise.resolve();
  };

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
    if (root.dataset.mode === "direct") {
      startDirect(row, file, slot, position, captionInput);
      return;
    }
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

  function startDirect(row, file, slot, position, captionInput) {
    var input = row.querySelector(".evidence-input");
    var upload = new DirectUpload(file, {
      fingerprint: ["dlep-direct", root.dataset.application, slot, position, file.name,
                    file.size, file.type, file.lastModified].join("|"),
      metadata: { application: root.dataset.application, slot: slot, position: position,
                  caption: captionInput ? captionInput.value : "" },
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
    upload.start();
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
  } else if (root.dataset.editable === "1" && root.querySelector(".evidence-row[data-file-id]")) {
    // a new file may be waiting to replace a valid one: show it, and follow its check
    refresh().then(function (pending) { if (pending) { poll(); } }).catch(function () {});
  }
})();
