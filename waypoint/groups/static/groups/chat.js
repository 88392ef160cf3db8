// The group conversation, live. The page works without this: it lists the messages and
// every action is a form. This opens the group's socket (docs/realtime.md#groups), shows
// new and changed messages as they come, sends through the socket, and after any break
// reconnects with backoff and catches up by number, so nothing is missed or shown twice.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var list = chat && chat.querySelector("[data-chat-list]");
  var template = document.getElementById("msg-template");
  if (!chat || !list || !template || !window.WebSocket || !window.JSON) { return; }

  var data = chat.dataset;
  var me = parseInt(data.member, 10);
  var last = parseInt(data.after, 10) || 0;
  var status = document.getElementById("chat-status");
  var composer = document.querySelector("[data-composer]");
  var composerError = document.querySelector("[data-composer-error]");
  var empty = chat.querySelector("[data-empty]");
  var bySeq = {};
  var firstSeq = null;
  var socket = null;
  var ready = false;
  var attempts = 0;
  var stopped = false;
  var syncTimer = null;
  var outbox = [];  // sends not yet acknowledged: {ref, text}
  var when = window.Intl ? new Intl.DateTimeFormat(document.documentElement.lang || undefined,
    { dateStyle: "short", timeStyle: "short" }) : null;

  // The server shows times in this zone on the next page load (the cookie names no one).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("wp_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "wp_tz=" + encodeURIComponent(zone) + ";path=/;max-age=31536000;samesite=lax";
    }
  } catch (e) { /* no zone: server time stays */ }

  Array.prototype.forEach.call(list.querySelectorAll("li[data-seq]"), function (li) {
    var seq = parseInt(li.dataset.seq, 10);
    bySeq[seq] = { rev: parseInt(li.dataset.rev, 10) || 0, li: li };
    if (firstSeq === null || seq < firstSeq) { firstSeq = seq; }
  });

  function say(key) {
    if (status) { status.textContent = status.dataset[key] || ""; }
  }

  function url(pattern, id) {
    return pattern.replace(/\/0\/(react\/)?$/, "/" + id + "/$1");
  }

  function lines(p, text) {
    p.textContent = "";
    text.split("\n").forEach(function (line, i) {
      if (i) { p.appendChild(document.createElement("br")); }
      p.appendChild(document.createTextNode(line));
    });
  }

  function timeOf(iso) {
    var t = document.createElement("time");
    t.setAttribute("datetime", iso);
    var d = new Date(iso);
    t.textContent = when && !isNaN(d.getTime()) ? when.format(d) : iso;
    return t;
  }

  function render(f) {
    var name = f.author ? f.author.name : data.labelFormer;
    var li;
    if (f.kind === "joined" || f.kind === "left") {
      li = document.createElement("li");
      var p = document.createElement("p");
      p.className = "msg-system";
      p.appendChild(document.createTextNode((f.kind === "joined" ? data.labelJoined : data.labelLeft).replace("__NAME__", name) + " "));
      p.appendChild(timeOf(f.sent_at));
      li.appendChild(p);
    } else {
      li = template.content.firstElementChild.cloneNode(true);
      li.querySelector(".msg-author").textContent = name;
      li.querySelector("time").replaceWith(timeOf(f.sent_at));
      var text = li.querySelector(".msg-text");
      if (f.state === "visible") {
        li.querySelector(".msg-edited").hidden = !f.edited;
        if (f.kind === "struggling") {
          text.className = "msg-text msg-alert";
          text.textContent = f.author && f.author.member === me ? data.labelStrugglingMine : data.labelStruggling.replace("__NAME__", name);
        } else {
          lines(text, f.text || "");
        }
      } else {
        text.className = "msg-gone";
        text.textContent = f.state === "deleted" ? data.labelDeleted : data.labelHidden;
      }
    }
    li.className = "msg msg-" + f.kind + " msg-" + f.state + (f.author && f.author.member === me ? " msg-mine" : "");
    li.id = "m" + f.seq;
    li.dataset.id = f.id;
    li.dataset.seq = f.seq;
    li.dataset.rev = f.rev;
    var actions = li.querySelector(".msg-actions");
    if (actions && (f.state !== "visible" || f.kind === "left")) {
      actions.remove();
    } else if (actions) {
      actions.querySelector("form").action = url(data.urlReact, f.id);
      actions.querySelector(".msg-options").href = url(data.urlMessage, f.id);
      Array.prototype.forEach.call(actions.querySelectorAll("[data-reaction]"), function (button) {
        var who = f.reactions[button.dataset.reaction] || [];
        button.setAttribute("aria-pressed", who.indexOf(me) === -1 ? "false" : "true");
        button.querySelector(".reaction-count").textContent = who.length ? String(who.length) : "";
      });
    }
    return li;
  }

  function apply(f) {
    var known = bySeq[f.seq];
    if (known && known.rev >= f.rev) { return; }  // a duplicate, or an older state
    if (!known && firstSeq !== null && f.seq < firstSeq) { return; }  // before this page
    var li = render(f);
    if (known) {
      known.li.replaceWith(li);
    } else {
      var after = null;
      Object.keys(bySeq).forEach(function (s) {
        s = parseInt(s, 10);
        if (s > f.seq && (after === null || s < after)) { after = s; }
      });
      list.insertBefore(li, after === null ? null : bySeq[after].li);
      if (firstSeq === null) { firstSeq = f.seq; }
      if (empty) { empty.remove(); empty = null; }
    }
    bySeq[f.seq] = { rev: f.rev, li: li };
  }

  function send(frame) {
    if (socket && ready && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function syncSoon() {
    if (syncTimer) { return; }
    syncTimer = setTimeout(function () {
      syncTimer = null;
      send({ type: "sync", after: last });
    }, 1000);
  }

  // `last` moves only through consecutive numbers: a frame that arrives after a gap is
  // shown at once, but `last` stays before the gap, so the next sync (or reconnection)
  // asks for the missing number instead of skipping it.
  var ahead = {};
  function advance() {
    while (ahead[last + 1]) { delete ahead[last + 1]; last += 1; }
  }

  function onFrame(f) {
    if (f.type === "group.message") {
      apply(f);
      if (f.rev > last) { ahead[f.rev] = true; }
      advance();
      if (f.rev > last) { syncSoon(); }  // a number is missing: ask for it
    } else if (f.type === "group.ready") {
      // Everything up to `f.last` has now been sent to this socket.
      if (f.last > last) { last = f.last; }
      advance();
      me = f.member;
      ready = true;
      attempts = 0;
      say("live");
      // What was written while the connection was down: same ref, never sent twice.
      outbox.forEach(function (item) { send({ type: "send", text: item.text, ref: item.ref }); });
    } else if (f.type === "group.ack") {
      outbox = outbox.filter(function (item) { return item.ref !== f.ref; });
      if (f.held && composerError) { composerError.textContent = composer.dataset.labelHeld || ""; }
    } else if (f.type === "group.error") {
      var refused = outbox.filter(function (item) { return item.ref === f.ref; })[0];
      outbox = outbox.filter(function (item) { return item.ref !== f.ref; });
      if (refused && composer && !composer.elements.text.value) { composer.elements.text.value = refused.text; }
      if (composerError) { composerError.textContent = f.detail; }
    } else if (f.type === "group.queue") {
      var badge = document.querySelector("[data-queue-count]");
      if (badge) { badge.textContent = f.pending ? String(f.pending) : ""; }
    }
  }

  function connect() {
    if (stopped || socket) { return; }
    ready = false;
    if (navigator.onLine === false) { say("offline"); return; }  // the "online" event brings us back
    say("connecting");
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + data.ws + "?after=" + last);
    socket.onmessage = function (event) {
      try { onFrame(JSON.parse(event.data)); } catch (e) { /* ignore a frame we cannot read */ }
    };
    socket.onclose = function (event) {
      ready = false;
      socket = null;
      if (event.code === 4404 || event.code === 4401 || event.code === 4001) {
        // No longer in the group, or signed out: the page itself says what to do now.
        stopped = true;
        window.location.reload();
        return;
      }
      say("offline");
      if (navigator.onLine === false) { return; }  // reconnect when "online" fires
      attempts += 1;
      var wait = event.code === 4429 ? 60000 : Math.min(30000, 1000 * Math.pow(2, attempts - 1));
      setTimeout(connect, wait / 2 + Math.random() * wait / 2);
    };
  }

  // Heartbeat: catches up whatever the channel layer dropped while the socket stayed open.
  setInterval(function () { send({ type: "sync", after: last }); }, 25000);
  window.addEventListener("online", function () {
    attempts = 0;
    connect();
  });
  // The device says the network is gone: the socket is as good as dead (a phone may keep
  // it "open" for minutes). Close it now; "online" reconnects and catches up.
  window.addEventListener("offline", function () {
    if (socket) { socket.close(); }
  });

  if (composer) {
    composer.addEventListener("submit", function (event) {
      var box = composer.elements.text;
      var text = box.value.trim();
      if (!text) { return; }
      var online = navigator.onLine !== false;
      if (!ready && online) { return; }  // no socket but a network: the plain form posts it
      event.preventDefault();
      var ref = (composer.elements.ref && composer.elements.ref.value) || String(Date.now()) + Math.random();
      outbox.push({ ref: ref, text: text });
      send({ type: "send", text: text, ref: ref });
      box.value = "";
      if (composerError) { composerError.textContent = ""; }
      // A fresh idempotency key for the next message.
      if (composer.elements.ref) { composer.elements.ref.value = String(Date.now()) + "-" + Math.random().toString(36).slice(2); }
    });
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-reaction]");
    if (!button || !ready) { return; }
    var li = button.closest("li[data-id]");
    if (!li) { return; }
    event.preventDefault();
    send({ type: "react", id: parseInt(li.dataset.id, 10), reaction: button.dataset.reaction, on: button.getAttribute("aria-pressed") !== "true" });
  });

  connect();
})();
