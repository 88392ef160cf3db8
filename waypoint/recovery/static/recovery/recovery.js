// Recovery pages: small enhancements of pages that work without this script.
(function () {
  "use strict";

  // First-time setup: pick the browser's own time zone when the list has it.
  var zoneBox = document.querySelector("[data-zone-guess] select");
  if (zoneBox && window.Intl && Intl.DateTimeFormat) {
    var guess = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (guess && zoneBox.querySelector('option[value="' + guess.replace(/"/g, "") + '"]')) {
      zoneBox.value = guess;
    }
  }

  // Print buttons (hidden without script, which they need).
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // The check-in: one tap on Save is enough (a second one would be recognised by the
  // form's id anyway; this just says it is on its way).
  Array.prototype.forEach.call(document.querySelectorAll("[data-checkin-form]"), function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.setAttribute("aria-disabled", "true"); button.classList.add("is-saving"); }
    });
  });

  // The breathing exercise: a countdown that speaks each minute and shows the end,
  // also for people who turned animations off (the CSS timer then stands still).
  var box = document.querySelector("[data-breathe]");
  if (!box) { return; }
  var toggle = box.querySelector(".breathe-toggle");
  var timer = box.querySelector("[data-timer]");
  var live = box.querySelector("[data-breathe-live]");
  var done = box.querySelector("[data-breathe-done]");
  var total = 300;
  var left = total;
  var tick = null;
  box.classList.add("js-timer");

  function show() {
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }
  function stop() {
    if (tick) { window.clearInterval(tick); tick = null; }
  }
  show();
  toggle.addEventListener("change", function () {
    if (!toggle.checked) { stop(); return; }
    if (left <= 0) { left = total; done.classList.remove("is-done"); }
    stop();
    tick = window.setInterval(function () {
      left -= 1;
      show();
      if (left > 0 && left % 60 === 0) {
        live.textContent = timer.textContent;
      }
      if (left <= 0) {
        stop();
        toggle.checked = false;
        done.classList.add("is-done");
        live.textContent = done.textContent;
      }
    }, 1000);
  });
})();
