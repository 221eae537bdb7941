// Charts of the e-Learning dashboard (Chart.js, served from static/vendor): the share of the
// unit's staff who passed in the round, and the share per unit below it.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  Chart.defaults.font.family = "Sarabun, sans-serif";
  new Chart(document.getElementById("kpiChart"), {
    type: "doughnut",
    data: {
      labels: ["ผ่านเกณฑ์", "ยังไม่ผ่าน"],
      datasets: [{ data: [data.passed, data.not_passed],
                   backgroundColor: ["#198754", "#dee2e6"] }]
    },
    options: { plugins: { legend: { position: "bottom" } } }
  });
  new Chart(document.getElementById("unitChart"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: "ผ่านเกณฑ์ (%)", data: data.percents, backgroundColor: "#0d6efd" }]
    },
    options: { scales: { y: { min: 0, max: 100 } } }
  });
})();
