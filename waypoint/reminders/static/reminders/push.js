// Notifications on this device: subscribes this browser with the Push API, through the
// site's one service worker (/sw.js), and tells the server. The page works without it
// (e-mail reminders, and removing a device, are plain forms).
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box) { return; }
  var status = box.querySelector("[data-push-status]");
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var texts = {};
  var template = box.querySelector("[data-push-texts]");
  if (template && template.content) {
    Array.prototype.forEach.call(template.content.querySelectorAll("[data-text]"), function (el) {
      texts[el.getAttribute("data-text")] = el.textContent;
    });
  }
  function say(key) { if (texts[key]) { status.textContent = texts[key]; } }
  var ios = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var standalone = (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches) || navigator.standalone === true;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(ios && !standalone ? "ios" : "unsupported");
    return;
  }
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function serverKey() {
    var text = box.getAttribute("data-vapid-key");
    var raw = atob((text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response;
    });
  }
  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(Notification.permission === "denied" ? "blocked" : (subscribed ? "on" : "off"));
  }
  function subscribe(registration) {
    var options = { userVisibleOnly: true, applicationServerKey: serverKey() };
    return registration.pushManager.subscribe(options).catch(function () {
      // Subscribed before with another server key: start again with ours.
      return registration.pushManager.getSubscription().then(function (old) {
        return old ? old.unsubscribe() : null;
      }).then(function () { return registration.pushManager.subscribe(options); });
    });
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    return registration.pushManager.getSubscription().then(function (current) {
      show(Boolean(current));
      if (current && Notification.permission === "granted") {
        // Keep the server's list in step with this browser (it may have renewed it).
        post(box.getAttribute("data-subscribe-url"), current.toJSON()).catch(function () { return null; });
      }
      on.addEventListener("click", function () {
        on.disabled = true;
        Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") { show(false); return null; }
          return subscribe(registration).then(function (subscription) {
            return post(box.getAttribute("data-subscribe-url"), subscription.toJSON());
          }).then(function () { window.location.reload(); });
        }).catch(function () { say("failed"); }).then(function () { on.disabled = false; });
      });
      off.addEventListener("click", function () {
        registration.pushManager.getSubscription().then(function (subscription) {
          if (!subscription) { show(false); return null; }
          var endpoint = subscription.endpoint;
          return subscription.unsubscribe().then(function () {
            return post(box.getAttribute("data-unsubscribe-url"), { endpoint: endpoint });
          }).then(function () { window.location.reload(); });
        }).catch(function () { say("failed"); });
      });
    });
  }).catch(function () { say("unsupported"); });
})();
