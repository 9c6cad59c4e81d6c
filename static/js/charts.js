// Draws each chart whose figure the page carries as JSON (no inline script, so a strict
// Content-Security-Policy can forbid them).
document.querySelectorAll("[data-chart-source]").forEach(function (element) {
  var source = document.getElementById(element.dataset.chartSource);
  if (!source || !window.Plotly) return;
  var figure = JSON.parse(source.textContent);
  window.Plotly.newPlot(element, figure.data, figure.layout, {
    displayModeBar: false,
    responsive: true
  });
});
