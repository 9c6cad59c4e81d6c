// Shows the rating a figure would get while the officer types it (the server decides).
(function () {
  var form = document.querySelector("form[data-live-rating]");
  if (!form) return;
  var url = form.dataset.liveRating;
  form.querySelectorAll("input[data-rating-for]").forEach(function (input) {
    var fieldset = input.closest("fieldset");
    var output = fieldset && fieldset.querySelector(".app-live-rating");
    if (!output) return;
    var timer;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = new URLSearchParams({
          indicator: output.dataset.indicator,
          period: output.dataset.period,
          value: input.value
        });
        fetch(url + "?" + query.toString(), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            output.textContent = data.error ? data.error : ((data.symbol ? data.symbol + " " : "") + data.label);
          });
      }, 300);
    });
  });
})();
