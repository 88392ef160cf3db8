/* Waypoint service worker — the site's only one (docs/offline.md).

   Public pages: network first, the stored copy when offline ("Get help now" and the
   breathing exercise are stored at install). Static files: cache first (their names carry
   a content hash). Never stored: POST answers, /api/, account and admin pages, anything
   with a query string (searches can be private).

   The signed-in person's today page, plan, "I'm struggling" and check-in form are stored
   too — on purpose, although they are no-store for the HTTP cache — in a cache of their own
   named by a key of the person's session (the pages tell it, in <meta name="waypoint-offline">).
   Only that key's pages are ever shown, only until the session's end, and they are deleted
   when someone else signs in, on sign-out, when a page says nobody is signed in, or when
   the server sends a page to the sign-in form. A check-in posted with no connection is kept
   in IndexedDB and sent when the connection returns (Background Sync, or the next page).

   Web Push: shows the reminder a push message carries, and opens its page when tapped. */
"use strict";
var CONFIG = {{ config|safe }};
importScripts(CONFIG.offlineScript);
var Offline = self.WaypointOffline;
var P = CONFIG.personal;

function pathIn(list, url) { return (list || []).indexOf(url.pathname) >= 0; }

function isNeverCached(url) {
  return CONFIG.never.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
}

function isCacheablePage(url) {
  if (url.search) { return false; }
  return CONFIG.languages.some(function (lang) {
    var base = "/" + lang + "/";
    if (url.pathname.indexOf(base) !== 0) { return false; }
    var rest = url.pathname.slice(base.length);
    return CONFIG.pages.some(function (page) {
      return page === "" ? rest === "" : rest.indexOf(page) === 0;
    });
  });
}

function languageOf(url) {
  var first = url.pathname.split("/")[1];
  return CONFIG.languages.indexOf(first) >= 0 ? first : CONFIG.languages[0];
}

function isPersonalPage(url) {
  return !url.search && pathIn(P.pages[languageOf(url)], url);
}

function isLogin(url) {
  var path = new URL(url).pathname;
  return P.login.some(function (login) { return path.indexOf(login) === 0; });
}

function personalCache(person) { return CONFIG.personalPrefix + person; }

// --- Whose pages may be kept ----------------------------------------------------------------

function applied() {
  return Offline.getState("applied").then(function (state) { return state || { person: "", discreet: false }; });
}

function live(state) {
  return Boolean(state && state.person && state.until * 1000 > Date.now());
}

function dropPersonalCaches(keep) {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf(CONFIG.personalPrefix) === 0 && key !== (keep ? personalCache(keep) : "");
    }).map(function (key) { return caches.delete(key); }));
  });
}

function forgetPerson() {
  return Promise.all([dropPersonalCaches(""), Offline.forgetOthers("")]).then(applied).then(function (state) {
    return Offline.setState({ person: "", until: 0, discreet: state.discreet, lang: state.lang }, "applied");
  });
}

// The person a page belongs to, read from the page itself: a page is only ever stored
// under the key of the session it was made for.
function ownerOf(response) {
  return response.clone().text().then(function (html) {
    var found = /<meta name="waypoint-offline" content="([0-9a-f]*)"/.exec(html);
    return found ? found[1] : "";
  });
}

function keepPersonal(path, response, state) {
  if (!response || !response.ok || response.redirected || response.type !== "basic" || !live(state)) {
    return Promise.resolve();
  }
  return ownerOf(response).then(function (owner) {
    if (owner !== state.person) { return null; }
    return caches.open(personalCache(state.person)).then(function (cache) { return cache.put(path, response); });
  });
}

function storePersonalPages(state, refresh) {
  if (!live(state)) { return Promise.resolve(); }
  return caches.open(personalCache(state.person)).then(function (cache) {
    return Promise.all((P.pages[state.lang] || []).map(function (path) {
      return cache.match(path).then(function (hit) {
        // A copy less than an hour old is fresh enough (a page opened online is stored anew anyway).
        var age = hit ? Date.now() - Date.parse(hit.headers.get("Date") || "") : Infinity;
        if (hit && !refresh && age < 3600000) { return null; }
        return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
          if (response.redirected && isLogin(response.url)) { return forgetPerson(); }
          return keepPersonal(path, response, state);
        }).catch(function () { return null; });
      });
    }));
  });
}

// Discreet mode changed: every stored page still carries the old title and icon. Fetch the
// pages needed offline again, as the person now sees them (with their cookies — only in their
// own language, which a fetch cannot change), and only then drop the rest: each new copy
// replaces the old one, so "Get help now" is stored the whole time (if a fetch fails, the old
// copy stays — being able to get help offline matters more than the title).
function restorePages(state) {
  var own = CONFIG.precache.filter(function (path) { return path.indexOf("/" + state.lang + "/") === 0; });
  var others = CONFIG.precache.filter(function (path) {
    return path.indexOf(CONFIG.static) !== 0 && own.indexOf(path) < 0;
  });
  var kept = state.discreet ? own : own.concat(others);
  return caches.open(CONFIG.cache).then(function (cache) {
    return Promise.all(own.map(function (path) {
      return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        return response.ok && !response.redirected ? cache.put(path, response) : null;
      }).catch(function () { return null; });
    }).concat(state.discreet ? [] : others.map(function (path) {
      return fetch(new Request(path, { credentials: "omit", cache: "no-store" })).then(function (response) {
        return response.ok ? cache.put(path, response) : null;
      }).catch(function () { return null; });
    }))).then(function () {
      return cache.keys();
    }).then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        var path = new URL(request.url).pathname;
        return path.indexOf(CONFIG.static) !== 0 && kept.indexOf(path) < 0;
      }).map(function (request) { return cache.delete(request); }));
    });
  });
}

function applyState(state) {
  return applied().then(function (before) {
    var work = Promise.resolve();
    if (before.person !== state.person) {
      // Someone else (or nobody) now: nothing of the one before stays.
      work = work.then(function () { return Promise.all([dropPersonalCaches(state.person), Offline.forgetOthers(state.person)]); });
    }
    if (Boolean(before.discreet) !== Boolean(state.discreet)) {
      work = work.then(function () { return Promise.all([dropPersonalCaches(""), restorePages(state)]); });
    }
    return work.then(function () {
      return Offline.setState({ person: state.person, until: state.until, discreet: state.discreet, lang: state.lang }, "applied");
    }).then(function () { return storePersonalPages(state, false); });
  });
}

// Pages this worker answered with a stored copy because the network failed (by client id),
// so each can say "this is a copy saved on this phone".
var copies = new Set();

function servedCopy(event, response) {
  if (response && event.resultingClientId) { copies.add(event.resultingClientId); }
  return response;
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "state" && data.state) { event.waitUntil(applyState(data.state)); }
  if (data.type === "copy?" && event.ports[0]) {
    var id = event.source && event.source.id;
    event.ports[0].postMessage({ copy: copies.has(id) });
    copies.delete(id);
  }
});

// --- Install and update ------------------------------------------------------------------------

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CONFIG.cache).then(function (cache) {
      // credentials "omit": the language cookie set by /es/help/ must not change the
      // person's language choice in the background.
      return cache.addAll(CONFIG.precache.map(function (path) {
        return new Request(path, { credentials: "omit", cache: "reload" });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      // Old public caches, and every stored personal page: they point at the old static
      // files. The next page a person opens stores theirs again.
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("waypoint-") === 0 && key !== CONFIG.cache;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () {
      return Offline.getState("applied").then(function (state) {
        // Fresh public copies carry no discreet title: fetch them again as the person sees them.
        return state && state.discreet ? restorePages(state) : null;
      }).catch(function () { return null; });
    }).then(function () { return self.clients.claim(); })
  );
});

// --- Fetching ----------------------------------------------------------------------------------

function storable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected &&
    !/no-store|private/.test(response.headers.get("Cache-Control") || "");
}

function helpPage(url) {
  return caches.open(CONFIG.cache).then(function (cache) {
    return cache.match(CONFIG.help[languageOf(url)] || "/", { ignoreVary: true });
  });
}

function networkFirst(event, url) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (isCacheablePage(url) && storable(response)) {
      var copy = response.clone();
      caches.open(CONFIG.cache).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CONFIG.cache).then(function (cache) {
      return cache.match(url.pathname, { ignoreVary: true, ignoreSearch: false }).then(function (hit) {
        if (hit) { return servedCopy(event, hit); }
        if (request.mode === "navigate") {
          // Offline and never opened: show the help page, which is always stored.
          return helpPage(url).then(function (help) { return servedCopy(event, help); });
        }
        return Response.error();
      });
    });
  });
}

function personalPage(event, url) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (response.redirected && isLogin(response.url)) {
      // The session is over (signed out elsewhere, or expired): nothing of it stays.
      return forgetPerson().then(function () { return response; });
    }
    var copy = response.clone();
    applied().then(function (state) { return keepPersonal(url.pathname, copy, state); }).catch(function () { return null; });
    return response;
  }).catch(function () {
    return applied().then(function (state) {
      if (!live(state)) { return null; }
      return caches.open(personalCache(state.person)).then(function (cache) { return cache.match(url.pathname); });
    }).then(function (hit) { return hit || helpPage(url); }).then(function (response) { return servedCopy(event, response); });
  });
}

function cacheFirst(request) {
  return caches.open(CONFIG.cache).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (storable(response)) { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

// A check-in posted with no connection: kept on this phone, then the today page (whose
// script says it is saved and will be sent).
function queueCheckin(request, url) {
  return Promise.all([request.formData(), applied()]).then(function (both) {
    var data = both[0];
    var state = both[1];
    if (!live(state)) { return Response.redirect(url.pathname, 303); }
    return Offline.queue(state.person, Offline.checkinFromForm(data, 0), data.get("csrfmiddlewaretoken")).then(function () {
      return self.registration.sync ? self.registration.sync.register("wp-checkins").catch(function () { return null; }) : null;
    }).then(function () { return Response.redirect(P.today[languageOf(url)] || "/", 303); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST") {
    if (P.signOut.indexOf(url.pathname) >= 0) {
      // Signing out (or deleting the account): nothing personal stays on this phone.
      event.waitUntil(forgetPerson());
      return;
    }
    if (pathIn(P.checkin[languageOf(url)], url)) {
      var copy = request.clone();
      event.respondWith(fetch(request).catch(function () { return queueCheckin(copy, url); }));
      return;
    }
    if (url.pathname === P.struggling[languageOf(url)]) {
      // Offline, "I'm struggling" still opens the plan for hard moments (the moment itself
      // is not recorded: it would get the wrong time later).
      event.respondWith(fetch(request).catch(function () { return Response.redirect(url.pathname, 303); }));
    }
    return;
  }
  if (request.method !== "GET" || isNeverCached(url)) { return; }
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(cacheFirst(request));
  } else if (isPersonalPage(url)) {
    event.respondWith(personalPage(event, url));
  } else if (request.mode === "navigate" || isCacheablePage(url)) {
    event.respondWith(networkFirst(event, url));
  }
});

// --- Background Sync: the queued check-ins ---------------------------------------------------

function csrfToken() {
  if (!self.cookieStore) { return Promise.resolve(""); }
  return self.cookieStore.get("csrftoken").then(function (cookie) { return cookie ? cookie.value : ""; }, function () { return ""; });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== "wp-checkins") { return; }
  event.waitUntil(Promise.all([applied(), csrfToken()]).then(function (both) {
    var state = both[0];
    if (!live(state)) { return null; }
    return Offline.flush(state.person, P.api, both[1]).then(function (result) {
      if (result.sent || result.refused) {
        self.clients.matchAll({ type: "window" }).then(function (pages) {
          pages.forEach(function (page) { page.postMessage({ type: "checkins-sent", sent: result.sent, refused: result.refused }); });
        });
      }
      if (result.left) { throw new Error("some check-ins are still waiting"); }  // the browser tries again later
      return null;
    });
  }));
});

// --- Web Push: reminders and notifications ------------------------------------------------------

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  var options = {
    body: data.body || "",
    tag: data.tag || "waypoint",
    icon: data.icon,
    badge: data.icon,
    data: { url: data.url || "/", snooze: data.snooze ? data.snooze.url : null }
  };
  if (data.snooze) { options.actions = [{ action: "snooze", title: data.snooze.label }]; }
  event.waitUntil(self.registration.showNotification(data.title || "Notes", options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var data = event.notification.data || {};
  var target = new URL(event.action === "snooze" && data.snooze ? data.snooze : (data.url || "/"), self.location.origin);
  // Only our own pages, whatever a message says.
  if (target.origin !== self.location.origin) { target = new URL("/", self.location.origin); }
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (pages) {
    for (var i = 0; i < pages.length; i += 1) {
      if (pages[i].url === target.href && "focus" in pages[i]) { return pages[i].focus(); }
    }
    return self.clients.openWindow(target.href);
  }));
});
