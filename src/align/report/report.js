// Interactivity of the aligned views: order rows by score, show only flagged rows.
// No network, no storage, no external code; the page reads fine without it.
(function () {
  "use strict";
  function setup(section) {
    var body = section.querySelector("tbody");
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr.pair"));
    var lowest = section.querySelector("button[data-action='lowest']");
    var order = section.querySelector("button[data-action='order']");
    var flagged = section.querySelector("input[data-action='flagged']");
    var count = section.querySelector(".shown");
    function score(tr) {
      var v = tr.getAttribute("data-score");
      return v === "" ? Infinity : parseFloat(v);
    }
    function place(sorted) {
      sorted.forEach(function (tr) { body.appendChild(tr); });
    }
    function filter() {
      var only = flagged && flagged.checked;
      var n = 0;
      rows.forEach(function (tr) {
        var hide = only && !tr.classList.contains("flagged");
        tr.classList.toggle("hidden", hide);
        if (!hide) { n += 1; }
      });
      if (count) { count.textContent = String(n); }
    }
    if (lowest) {
      lowest.addEventListener("click", function () {
        // flagged rows (unaligned, lowest-scoring, outliers) first, then by ascending score
        place(rows.slice().sort(function (a, b) {
          var fa = a.classList.contains("flagged") ? 0 : 1;
          var fb = b.classList.contains("flagged") ? 0 : 1;
          return fa - fb || score(a) - score(b) ||
            parseInt(a.getAttribute("data-order"), 10) - parseInt(b.getAttribute("data-order"), 10);
        }));
        lowest.setAttribute("aria-pressed", "true");
        if (order) { order.setAttribute("aria-pressed", "false"); }
      });
    }
    if (order) {
      order.addEventListener("click", function () {
        place(rows.slice().sort(function (a, b) {
          return parseInt(a.getAttribute("data-order"), 10) - parseInt(b.getAttribute("data-order"), 10);
        }));
        order.setAttribute("aria-pressed", "true");
        if (lowest) { lowest.setAttribute("aria-pressed", "false"); }
      });
    }
    if (flagged) { flagged.addEventListener("change", filter); }
    filter();
  }
  document.querySelectorAll("section.target").forEach(setup);
}());
