// Interactivity of the aligned views: order rows by score, show only flagged rows; open a
// target's collapsed section when a link leads to it; expand or collapse every target.
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

  function reveal(hash) {
    // the section a "#target-LANG" link leads to: open its details, then show it
    if (!hash || hash.charAt(0) !== "#") { return; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    var body = target && target.querySelector("details.target-body");
    if (body && !body.open) {
      body.open = true;
      target.scrollIntoView();
    }
  }
  document.querySelectorAll("a[href^='#target-']").forEach(function (a) {
    a.addEventListener("click", function () { reveal(a.getAttribute("href")); });
  });
  window.addEventListener("hashchange", function () { reveal(window.location.hash); });
  reveal(window.location.hash);
  function setAll(open) {
    document.querySelectorAll("details.target-body").forEach(function (d) { d.open = open; });
  }
  var openAll = document.querySelector("button[data-action='open-all']");
  var closeAll = document.querySelector("button[data-action='close-all']");
  if (openAll) { openAll.addEventListener("click", function () { setAll(true); }); }
  if (closeAll) { closeAll.addEventListener("click", function () { setAll(false); }); }
  window.addEventListener("beforeprint", function () { setAll(true); });  // print every target
}());
