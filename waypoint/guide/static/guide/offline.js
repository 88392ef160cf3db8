/* Waypoint offline: registers the site's one service worker (/sw.js), tells it whose pages
   it may keep, and keeps a check-in made offline on this phone (IndexedDB) until it can be
   sent. The same file is the worker's library (importScripts): the queue and the sending
   live in one place. Pages work the same without it (docs/offline.md). */
(function (scope) {
  "use strict";
  var DB_NAME = "waypoint-offline";
  var CHECKINS = "checkins";
  var STATE = "state";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(CHECKINS)) { db.createObjectStore(CHECKINS, { keyPath: "id" }); }
        if (!db.objectStoreNames.contains(STATE)) { db.createObjectStore(STATE); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // One transaction: `work` gets the store and may return a request, whose result is the answer.
  function run(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode);
        var request = work(transaction.objectStore(store));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function uuid4() {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    var b = scope.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function localDay(date) {
    var m = date.getMonth() + 1;
    var d = date.getDate();
    return date.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
  }

  function addDays(day, count) {
    var parts = day.split("-").map(Number);
    return localDay(new Date(parts[0], parts[1] - 1, parts[2] + count));
  }

  function daysBetween(earlier, later) {
    var a = new Date(earlier.getFullYear(), earlier.getMonth(), earlier.getDate());
    var b = new Date(later.getFullYear(), later.getMonth(), later.getDate());
    return Math.round((b - a) / 86400000);
  }

  function yesNo(value) { return value === "yes" ? true : (value === "no" ? false : null); }
  function number(value) { return value === null || value === "" ? null : Number(value); }

  var Offline = {
    getState: function (name) {
      return run(STATE, "readonly", function (store) { return store.get(name || "current"); });
    },
    setState: function (value, name) {
      return run(STATE, "readwrite", function (store) { return store.put(value, name || "current"); });
    },
    /* The check-in API's body from the check-in form's fields (a FormData). A page drawn
       on an earlier day and filled in offline today is for the same day relative to now
       ("today" stays today), with a new id. */
    checkinFromForm: function (data, rendered) {
      var day = data.get("day");
      var shift = rendered ? daysBetween(new Date(rendered), new Date()) : 0;
      var clientId = data.get("client_id");
      if (shift > 0 && day) { day = addDays(day, shift); clientId = uuid4(); }
      var note = (data.get("note") || "").trim();
      var body = {
        client_id: clientId || uuid4(),
        date: day || localDay(new Date()),
        mood: number(data.get("mood")),
        craving: number(data.get("craving")),
        used: yesNo(data.get("used")),
        sleep_hours: number(data.get("sleep")),
        meeting: data.get("meeting") === "on",
        therapy: data.get("therapy") === "on",
        stress: number(data.get("stress")),
        pain: number(data.get("pain")),
        triggers: data.getAll("triggers"),
        note: note || null
      };
      if (data.has("medication_taken")) { body.medication_taken = yesNo(data.get("medication_taken")); }
      return body;
    },
    /* Keeps one check-in per day on this phone (the newest answers for a day win). */
    queue: function (person, body, csrf) {
      return Offline.pending(person).then(function (items) {
        var same = items.filter(function (item) { return item.body.date === body.date; });
        return Promise.all(same.map(function (item) { return Offline.remove(item.id); }));
      }).then(function () {
        return run(CHECKINS, "readwrite", function (store) {
          return store.put({ id: body.client_id, person: person, body: body, csrf: csrf || "", queued: Date.now() });
        });
      });
    },
    pending: function (person) {
      return run(CHECKINS, "readonly", function (store) { return store.getAll(); }).then(function (items) {
        return (items || []).filter(function (item) { return item.person === person; });
      });
    },
    remove: function (id) {
      return run(CHECKINS, "readwrite", function (store) { return store.delete(id); });
    },
    /* Forgets every queued check-in but `person`'s (all of them when it is ""). */
    forgetOthers: function (person) {
      return run(CHECKINS, "readonly", function (store) { return store.getAll(); }).then(function (items) {
        return Promise.all((items || []).filter(function (item) { return !person || item.person !== person; })
          .map(function (item) { return Offline.remove(item.id); }));
      });
    },
    /* Sends `person`'s queued check-ins to the API, one by one. Sent (200/201: the server
       knows each by its client_id, so sending twice stores once) and refused (400/422: a
       day that can no longer be changed) leave the queue; anything else stays for later. */
    flush: function (person, api, csrf) {
      var result = { sent: 0, refused: 0, left: 0 };
      return Offline.pending(person).then(function (items) {
        return items.reduce(function (chain, item) {
          return chain.then(function () {
            if (result.stopped) { result.left += 1; return null; }
            return fetch(api, {
              method: "POST",
              credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRFToken": csrf || item.csrf },
              body: JSON.stringify(item.body)
            }).then(function (response) {
              if (response.status === 200 || response.status === 201) {
                result.sent += 1;
                return Offline.remove(item.id);
              }
              if (response.status === 400 || response.status === 422) {
                result.refused += 1;
                return Offline.remove(item.id);
              }
              result.left += 1;
              return null;
            }, function () { result.stopped = true; result.left += 1; });
          });
        }, Promise.resolve());
      }).then(function () { return result; });
    }
  };
  scope.WaypointOffline = Offline;

  if (!scope.document || !("serviceWorker" in navigator)) { return; }

  // --- On a page -----------------------------------------------------------------------
  var meta = document.querySelector('meta[name="waypoint-offline"]');
  if (!meta || !("indexedDB" in scope)) { return; }
  var state = {
    person: meta.getAttribute("content") || "",
    until: Number(meta.getAttribute("data-until")) || 0,
    discreet: meta.getAttribute("data-discreet") === "1",
    lang: meta.getAttribute("data-lang") || "en"
  };
  var rendered = Number(meta.getAttribute("data-rendered")) || 0;
  var texts = {};
  var template = document.getElementById("waypoint-offline-texts");
  if (template && template.content) {
    Array.prototype.forEach.call(template.content.querySelectorAll("[data-text]"), function (el) {
      texts[el.getAttribute("data-text")] = el.textContent;
    });
  }
  var API = meta.getAttribute("data-api") || "/api/v1/me/checkins";

  function note(key) {
    var main = document.getElementById("main");
    if (!main || !texts[key]) { return; }
    var box = document.querySelector("[data-offline-note]");
    if (!box) {
      box = document.createElement("p");
      box.className = "message";
      box.setAttribute("role", "status");
      box.setAttribute("data-offline-note", "");
      box.setAttribute("data-testid", "offline-note");
      main.insertBefore(box, main.firstChild);
    }
    box.setAttribute("data-state", key);
    box.textContent = texts[key];
  }

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function hideAnsweredForms(items) {
    var days = items.map(function (item) { return item.body.date; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-checkin-form]"), function (form) {
      var day = form.querySelector("input[name=day]");
      if (day && days.indexOf(day.value) >= 0) { form.hidden = true; }
    });
  }

  var retry = null;

  // Sends what is waiting; whatever could not go yet stays, said so, and is tried again.
  function flushNow() {
    if (!state.person) { return Promise.resolve(); }
    return Offline.flush(state.person, API, csrfCookie()).then(function (result) {
      if (result.left) {
        note("queued");
        if (!retry) { retry = scope.setTimeout(function () { retry = null; flushNow(); }, 20000); }
      } else if (result.refused) {
        note("refused");
      } else if (result.sent) {
        note("sent");
      }
    }).catch(function () { return null; });
  }

  function tellWorker(registration) {
    var worker = registration.active || navigator.serviceWorker.controller;
    if (worker) { worker.postMessage({ type: "state", state: state }); }
  }

  // Was this page a copy the worker had stored (the network failed)? navigator.onLine
  // cannot be trusted for that; the worker knows.
  function askIfCopy() {
    var worker = navigator.serviceWorker.controller;
    if (!worker || !scope.MessageChannel) { return; }
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      if (event.data && event.data.copy && !document.querySelector("[data-offline-note]")) { note("copy"); }
    };
    worker.postMessage({ type: "copy?" }, [channel.port2]);
  }

  // The check-in form while offline: kept on this phone instead of lost.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-checkin-form]") || navigator.onLine || !state.person) { return; }
    event.preventDefault();
    var data = new FormData(form);
    Offline.queue(state.person, Offline.checkinFromForm(data, rendered), data.get("csrfmiddlewaretoken")).then(function () {
      form.hidden = true;
      note("queued");
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.sync ? registration.sync.register("wp-checkins") : null;
      });
    }).catch(function () { return null; });
  });

  scope.addEventListener("online", flushNow);
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "checkins-sent") { note(event.data.refused ? "refused" : "sent"); }
  });

  scope.addEventListener("load", function () {
    Offline.setState(state).catch(function () { return null; });
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(tellWorker).catch(function () { /* offline help is a bonus */ });
    askIfCopy();
    if (!state.person) { return; }
    Offline.pending(state.person).then(function (items) {
      if (!items.length) { return null; }
      hideAnsweredForms(items);
      return flushNow();
    }).catch(function () { return null; });
  });
})(self);
