/* Draw the statistics page's charts with the vendored Chart.js (static/vendor/chartjs-4.6.1).
   The numbers come from the page's json_script block, the same as in the tables beside the charts. */
(function () {
  "use strict";
  var source = document.getElementById("stats-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var colours = ["#1f5fa8", "#2e9d6a", "#d08a1c", "#8a4fb3"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[canvas.getAttribute("data-chart")];
    if (!spec) { return; }
    var scale = spec.percent ? { beginAtZero: true, suggestedMax: 100 } : { beginAtZero: true, ticks: { precision: 0 } };
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, i) {
          return { label: series.label, data: series.data, backgroundColor: colours[i % colours.length] };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: spec.horizontal ? { x: scale } : { y: scale },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
