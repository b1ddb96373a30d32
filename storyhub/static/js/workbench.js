/* The moderators' workbench: keyboard shortcuts and a light poll of who else is here.
   Progressive enhancement only: every action is a link or a button that works without it. */
(function () {
  "use strict";

  var announcer = null;

  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("p");
      announcer.className = "visually-hidden";
      announcer.setAttribute("aria-live", "assertive");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function byKey(key) {
    return document.querySelector('[data-key="' + key + '"]');
  }

  // "r" and "x" need words for the author first: they move to the reason field and remember
  // which button Ctrl+Enter presses.
  var intent = null;
  // A decision is on its way: further keys must not send it twice (a double press).
  var busy = false;
  document.addEventListener("submit", function () { busy = true; });

  function prepare(key, label) {
    var button = byKey(key);
    var reason = document.getElementById("reason");
    if (!button || !reason) { return; }
    intent = button;
    var preset = key === "x" ? document.getElementById("preset") : null;
    (preset || reason).focus();
    announce(label + ": write the message to the author, then press Control and Enter.");
  }

  function toggleHelp() {
    var help = document.getElementById("shortcuts");
    if (!help) { return; }
    help.open = !help.open;
    if (help.open) { help.querySelector("summary").focus(); }
    announce(help.open ? "Keyboard shortcuts shown." : "Keyboard shortcuts hidden.");
  }

  // Queue: j/k move between rows, Enter opens (a link already does).
  function moveRow(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll("td.what > a:first-child"));
    if (!links.length) { return; }
    var at = links.indexOf(document.activeElement);
    var next = links[Math.max(0, Math.min(links.length - 1, at < 0 ? 0 : at + step))];
    next.focus();
    announce(next.textContent);
  }

  document.addEventListener("keydown", function (event) {
    if (busy) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && intent && typing(event.target)) {
      event.preventDefault();
      intent.click();
      return;
    }
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var onQueue = document.querySelector('[data-workbench="queue"]');
    var key = event.key;
    if (key === "?") { event.preventDefault(); toggleHelp(); return; }
    if (onQueue && (key === "j" || key === "k")) {
      event.preventDefault();
      moveRow(key === "j" ? 1 : -1);
      return;
    }
    if (key === "r") { event.preventDefault(); prepare("r", "Request changes"); return; }
    if (key === "x") { event.preventDefault(); prepare("x", "Reject"); return; }
    var target = byKey(key);
    if (!target) { return; }
    event.preventDefault();
    announce(target.textContent.replace(/\s+/g, " ").trim() + "…");
    target.click();
  });

  // Presence and decisions by others: a light poll of a small JSON document.
  var poll = document.querySelector("[data-poll]");
  if (poll && window.fetch) {
    var seen = {};
    var check = function () {
      fetch(poll.getAttribute("data-poll"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          (data.stories || []).forEach(function (item) {
            var cell = document.querySelector('[data-story="' + item.id + '"]');
            if (!cell) { return; }
            var row = cell.closest("tr") || cell;
            var status = row.querySelector("[data-live-status]");
            if (status) {
              var text = item.decided ? "Decided by another moderator: now " + item.status.replace(/_/g, " ") :
                (item.open_by.length ? "Another moderator has this open: " + item.open_by.join(", ") : "");
              if (status.textContent !== text) {
                status.textContent = text;
                if (item.decided && !seen[item.id]) {
                  seen[item.id] = true;
                  row.classList.add("decided");
                  announce("Story " + item.id + " was decided by another moderator.");
                }
              }
            }
          });
        })
        .catch(function () { /* the page works without it */ });
    };
    // The interval comes from the page (PRESENCE_POLL_SECONDS), so tests need not wait 20 s.
    var seconds = parseFloat(poll.getAttribute("data-poll-seconds")) || 20;
    window.setInterval(check, Math.max(seconds, 0.5) * 1000);
  }
})();
