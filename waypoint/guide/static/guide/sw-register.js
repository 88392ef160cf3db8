// Registers the offline helper (/sw.js). The site works the same without it.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* offline help is a bonus */ });
  });
})();
