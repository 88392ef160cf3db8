// Shows a meeting's next start in the viewer's own time zone (Intl). Without JavaScript the
// page already shows the meeting's local time, clearly labelled with its zone.
(function () {
  "use strict";
  var el = document.querySelector("[data-viewer-time]");
  if (!el || !window.Intl) { return; }
  var start = new Date(el.getAttribute("data-start"));
  if (isNaN(start.getTime())) { return; }
  var mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!mine || mine === el.getAttribute("data-zone")) { return; }
  var text = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    weekday: "long", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short"
  }).format(start);
  el.textContent = el.getAttribute("data-label") + " " + text + " (" + mine + ")";
  el.hidden = false;
})();

// "Use my location": fills the place box with the device's coordinates and searches.
// Nothing is sent anywhere but to this site's own search, and only when the person taps.
(function () {
  "use strict";
  var input = document.getElementById("id_near");
  if (!input || !navigator.geolocation || !input.form) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn";
  button.textContent = input.getAttribute("data-locate-label") || "Use my location";
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      input.value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
      input.form.submit();
    }, function () {
      button.disabled = false;
      button.textContent = input.getAttribute("data-locate-error") || "Location not available";
    }, { timeout: 10000, maximumAge: 600000 });
  });
  input.insertAdjacentElement("afterend", button);
})();
