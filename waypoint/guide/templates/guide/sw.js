/* Waypoint service worker: keeps "Get help now" and the pages a person opened readable
   offline. Pages: network first, cached copy when offline. Static files: cache first
   (their names carry a content hash). Never stored: POST responses, /api/, account and
   admin pages, anything with a query string (searches can be private). */
"use strict";
var CONFIG = {{ config|safe }};

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
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("waypoint-") === 0 && key !== CONFIG.cache;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function storable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected &&
    !/no-store|private/.test(response.headers.get("Cache-Control") || "");
}

function networkFirst(request, url) {
  return fetch(request).then(function (response) {
    if (isCacheablePage(url) && storable(response)) {
      var copy = response.clone();
      caches.open(CONFIG.cache).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CONFIG.cache).then(function (cache) {
      return cache.match(url.pathname, { ignoreVary: true, ignoreSearch: false }).then(function (hit) {
        if (hit) { return hit; }
        if (request.mode === "navigate") {
          // Offline and never opened: show the help page, which is always stored.
          return cache.match("/" + languageOf(url) + "/help/", { ignoreVary: true });
        }
        return Response.error();
      });
    });
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

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || isNeverCached(url)) { return; }
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || isCacheablePage(url)) {
    event.respondWith(networkFirst(request, url));
  }
});
