// Find a school by its name: an input[data-school-search] (role=combobox) inside an element
// with data-url (accounts' school_search, JSON {results: [{code, name, lao_name}]}) and
// data-code-input (the id of the hidden input that keeps the chosen school's code). The
// suggestions are a listbox: arrows move, Enter picks, Escape closes, a click picks. Typing
// again after a pick forgets the pick (the server then asks to choose from the list).
(function () {
  "use strict";
  document.querySelectorAll("input[data-school-search]").forEach(function (input) {
    var box = input.closest("[data-url]");
    var code = document.getElementById(box.dataset.codeInput);
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var chosen = box.querySelector("[data-school-chosen]");
    var timer = null;
    var active = -1;
    var results = [];

    function label(s) { return s.name + (s.lao_name ? " · " + s.lao_name : ""); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function pick(s) {
      input.value = s.name;
      code.value = s.code;
      chosen.textContent = box.dataset.chosenText + ": " + label(s) + " (" + s.code + ")";
      close();
    }

    function highlight(i) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (i + items.length) % items.length;
      items.forEach(function (li, n) {
        li.setAttribute("aria-selected", n === active ? "true" : "false");
        li.classList.toggle("active", n === active);
      });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = "school-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "list-group-item list-group-item-action";
        li.textContent = label(s);
        li.dataset.testid = "school-option";
        li.setAttribute("data-testid", "school-option");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(s); });
        list.appendChild(li);
      });
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "list-group-item text-body-secondary";
        none.textContent = box.dataset.noneText;
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    input.addEventListener("input", function () {
      code.value = "";
      chosen.textContent = "";
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(box.dataset.url + "?q=" + encodeURIComponent(q),
              {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (data) { if (input.value.trim() === q) { show(data.results); } });
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(results[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });
})();
