// "Use my location": only on a tap, fill the place field with rounded coordinates and
// submit the form. The position is not stored; it goes to the server once, in this search.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var field = document.getElementById("id_near");
  var status = document.getElementById("locate-status");
  if (!button || !field || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-wait") || "";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        // About 100 m: enough to find places, less precise than the person's door.
        field.value = position.coords.latitude.toFixed(3) + "," + position.coords.longitude.toFixed(3);
        field.form.submit();
      },
      function () {
        status.textContent = button.getAttribute("data-error") || "";
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
