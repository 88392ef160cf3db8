// Waypoint's shared script: only enhances pages that already work without it.
(function () {
  "use strict";
  // Quick exit: replace this page (so Back does not return to it) with a neutral site.
  function quickExit(url) {
    try { document.body.hidden = true; } catch (e) { /* keep going */ }
    window.location.replace(url);
  }
  function exitUrl() {
    var link = document.querySelector("[data-quick-exit]");
    return link ? link.href : "about:blank";
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    quickExit(link.href);
  });
  // Esc pressed twice within a second also leaves.
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { quickExit(exitUrl()); }
    lastEscape = now;
  });
})();
