// Progress of a credential-issuing job: ask the server about every 0.8 s and move the bar; when the
// job has finished, reload the page, which then shows the download links (or the error).
(function () {
  var box = document.getElementById("issuing-job");
  if (!box || box.dataset.finished === "1") { return; }
  var bar = box.querySelector(".progress-bar");
  var wrap = document.getElementById("issuing-progress");
  var status = document.getElementById("issuing-status");
  var count = document.getElementById("issuing-count");

  function show(p) {
    bar.style.width = p.percent + "%";
    bar.textContent = p.percent + "%";
    wrap.setAttribute("aria-valuenow", p.percent);
    status.textContent = p.status_display;
    count.textContent = box.dataset.countText.replace("{done}", p.done)
                                             .replace("{total}", p.total);
  }

  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", cache: "no-store",
                                     headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (p) {
        show(p);
        if (p.status === "done" || p.status === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 800); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
