// Charts of the province certification dashboard (Chart.js, served from static/vendor).
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  Chart.defaults.font.family = "Sarabun, sans-serif";
  new Chart(document.getElementById("shareChart"), {
    type: "doughnut",
    data: {
      labels: ["รับรองแล้ว", "ยังไม่รับรอง"],
      datasets: [{ data: [data.certified_share, 100 - data.certified_share],
                   backgroundColor: ["#198754", "#dee2e6"] }]
    },
    options: { plugins: { legend: { position: "bottom" } } }
  });
  new Chart(document.getElementById("completeChart"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "ข้อมูลครบถ้วน (%)", data: data.complete, backgroundColor: "#0d6efd" },
        { label: "เป้าหมาย " + data.target + "%", type: "line",
          data: data.labels.map(function () { return data.target; }),
          borderColor: "#dc3545", pointRadius: 0 }
      ]
    },
    options: { scales: { y: { min: 0, max: 100 } } }
  });
})();
