// The subject-area dropdown shows only the areas of the chosen classroom type (ว31/2565).
(function () {
  "use strict";
  document.querySelectorAll("[data-areas-target]").forEach(function (kind) {
    var areas = document.querySelector(kind.getAttribute("data-areas-target"));
    if (!areas) return;
    function filter() {
      Array.prototype.forEach.call(areas.options, function (option) {
        var match = !option.value || option.getAttribute("data-classroom") === kind.value;
        option.hidden = !match;
        option.disabled = !match;
        if (!match && option.selected) areas.value = "";
      });
    }
    kind.addEventListener("change", filter);
    filter();
  });
})();
