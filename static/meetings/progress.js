// Follows the rendering of an agenda pack and reloads the page when it is done.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = document.getElementById("pack-progress");
  var stage = document.getElementById("pack-progress-stage");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status === "ready" || data.status === "failed") {
          window.location.reload();
          return;
        }
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        stage.textContent = data.stage + " (" + data.progress + "%)";
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
