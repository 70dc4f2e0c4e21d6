// Progressive enhancement of the results viewer: charts drawn from the tables the page already
// shows, and pages of batches in progress kept current. Without JavaScript the tables are all there.
(function () {
  "use strict";

  const POLL_MS = 2000;

  function number(text) {
    const value = parseFloat(String(text).replace(/[^0-9.\-]/g, ""));
    return Number.isFinite(value) ? value : null;
  }

  function column(rows, index) {
    return rows.map((row) => number(row.cells[index] ? row.cells[index].textContent : ""));
  }

  function drawCharts(root) {
    if (typeof Chart === "undefined") {
      return;
    }
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const table = document.getElementById(canvas.dataset.table);
      if (!table) {
        return;
      }
      const rows = Array.from(table.tBodies[0].rows);
      let values = column(rows, Number(canvas.dataset.column || 1));
      if (values.every((value) => value === null) && canvas.dataset.fallbackColumn) {
        values = column(rows, Number(canvas.dataset.fallbackColumn));
      }
      const labels = rows.map((row) => row.cells[0].textContent.trim());
      const doughnut = canvas.dataset.chart === "doughnut";
      const options = { animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: doughnut } } };
      if (!doughnut && canvas.dataset.max) {
        options.scales = { y: { min: 0, max: Number(canvas.dataset.max) } };
      }
      const chart = new Chart(canvas, {
        type: canvas.dataset.chart,
        data: { labels: labels, datasets: [{ data: values.map((value) => value || 0),
          backgroundColor: doughnut ? ["#2e7d32", "#c62828", "#ef6c00", "#8d6e00", "#1565c0"] : "#1565c0" }] },
        options: options
      });
      canvas.dataset.drawn = "true";
      canvas.chart = chart;
    });
  }

  // Replaces the live regions with the same regions of the page as it now is, until it is no longer live.
  function poll() {
    if (document.body.dataset.live !== "true") {
      return;
    }
    setTimeout(() => {
      fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then((response) => response.ok ? response.text() : Promise.reject(response.status))
        .then((html) => {
          const next = new DOMParser().parseFromString(html, "text/html");
          next.querySelectorAll("[data-live-region]").forEach((region) => {
            const current = document.getElementById(region.id);
            if (current) {
              current.querySelectorAll("canvas").forEach((canvas) => canvas.chart && canvas.chart.destroy());
              current.replaceWith(document.importNode(region, true));
              drawCharts(document.getElementById(region.id));
            }
          });
          document.body.dataset.live = next.body.dataset.live || "false";
          poll();
        })
        .catch(() => poll());
    }, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    drawCharts(document);
    poll();
  });
})();
