/* storyhub forms: progressive enhancement only. Without this script every form still works;
 * with it, a draft is kept in this browser (localStorage) and offered back after a crash or a
 * closed tab, long fields show a live character count, the diagnosis list gets a filter box,
 * and the problem summary at the top takes the focus. Loaded with `defer`; no inline code. */
(function () {
  "use strict";

  var PREFIX = "storyhub:draft:";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  // Never kept in the browser: tokens, the spam trap, and the private e-mail address.
  var SKIP = { csrf_token: 1, submission_key: 1, website: 1, version: 1, email: 1, confirm_language: 1 };

  function messages(form) {
    try { return JSON.parse(form.getAttribute("data-messages") || "{}"); } catch (e) { return {}; }
  }

  // Numbers and dates in the page's language ("50.000" in Italian), not the browser's.
  function pageLang() {
    return document.documentElement.lang || undefined;
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or disabled: the form works, just without drafts
    }
  }

  /* ---- draft autosave and restore -------------------------------------------------------- */

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "hidden" && el.type !== "submit" &&
        el.type !== "button" && el.type !== "password" && el.type !== "file";
    });
  }

  function snapshot(form) {
    var values = {};
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (!(el.name in values)) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function hasWords(values) {
    return Object.keys(values).some(function (name) {
      return (name === "title" || name === "body") && String(values[name]).trim() !== "";
    });
  }

  // Whether a draft says nothing the page does not already hold. A form the server has just
  // given back (a question asked back, a validation error) holds the same words, tidied: spaces
  // trimmed, line ends changed, a new question's box added. Only fields both have count, and
  // only their words, not their spacing.
  function sameWords(draft, page) {
    function words(value) {
      if (Array.isArray(value)) return value.slice().sort().join("\u0000");
      return String(value).replace(/\s+/g, " ").trim();
    }
    return Object.keys(draft).every(function (name) {
      return !(name in page) || words(draft[name]) === words(page[name]);
    });
  }

  function apply(form, values) {
    fieldsOf(form).forEach(function (el) {
      if (!(el.name in values)) return;
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function read(store, key) {
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      if (!draft || !draft.values || Date.now() - draft.savedAt > MAX_AGE_MS) return null;
      return draft;
    } catch (e) {
      return null;
    }
  }

  function setUpDraft(form, store) {
    var key = PREFIX + form.getAttribute("data-draft-key");
    var offer = form.querySelector("[data-draft-offer]");
    var status = form.querySelector("[data-draft-status]");
    var text = messages(form);
    var saved = read(store, key);
    var pending = null; // the older draft on offer, kept until the person answers
    var timer = null;

    function save() {
      timer = null;
      var values = snapshot(form);
      if (!hasWords(values)) return;
      try {
        store.setItem(key, JSON.stringify({ savedAt: Date.now(), values: values }));
      } catch (e) { /* storage full: nothing more we can do here */ }
    }

    function later() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, 700);
    }

    function close(message) {
      pending = null;
      if (offer) offer.hidden = true;
      if (status) status.textContent = message || "";
    }

    if (saved && hasWords(saved.values) && !sameWords(saved.values, snapshot(form)) && offer) {
      pending = saved;
      var when = new Date(saved.savedAt).toLocaleString(pageLang());
      var line = offer.querySelector("[data-draft-text]");
      line.textContent = fill(line.getAttribute("data-template"), { time: when });
      offer.hidden = false;
      offer.querySelector("[data-draft-restore]").addEventListener("click", function () {
        var draft = pending;
        close(text.restored);
        apply(form, draft.values);
        save();
        var first = form.querySelector("#title") || form.querySelector("textarea");
        if (first) first.focus();
      });
      offer.querySelector("[data-draft-discard]").addEventListener("click", function () {
        close(text.discarded);
        store.removeItem(key);
        save(); // keep what is in the form now, if anything
      });
    }

    if (!pending) save(); // a form that came back filled in is kept from the start
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // Save at once when the tab is hidden or closed: the last words typed count most.
    window.addEventListener("pagehide", function () { if (timer) save(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && timer) save();
    });
  }

  function clearDrafts(store) {
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      el.getAttribute("data-clear-draft").split(/\s+/).forEach(function (name) {
        if (name) store.removeItem(PREFIX + name);
      });
    });
  }

  /* ---- live character counter ------------------------------------------------------------ */

  function length(value) {
    return Array.from(value).length; // code points, as the server counts them
  }

  function setUpCounter(field, text) {
    var max = parseInt(field.getAttribute("data-max-chars"), 10);
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.id = field.id + "-counter";
    // Read when the field gets focus; the live region below speaks only at the limit.
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", live);
    var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    described.push(counter.id);
    field.setAttribute("aria-describedby", described.join(" "));
    var wasOver = null;
    var frame = null;

    function update() {
      frame = null;
      var count = length(field.value);
      var over = count > max;
      counter.textContent = fill(over ? text.over : text.counter, {
        count: count.toLocaleString(pageLang()), max: max.toLocaleString(pageLang()),
        over: (count - max).toLocaleString(pageLang())
      });
      counter.classList.toggle("over", over);
      if (wasOver !== null && over !== wasOver) {
        live.textContent = fill(over ? text.nowOver : text.backUnder, {
          max: max.toLocaleString(pageLang())
        });
      }
      wasOver = over;
    }

    field.addEventListener("input", function () {
      if (!frame) frame = window.requestAnimationFrame(update);
    });
    update();
  }

  /* ---- diagnosis filter ------------------------------------------------------------------- */

  function fold(value) {
    return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUpFilter(fieldset, text) {
    var list = fieldset.querySelector("ul");
    if (!list) return;
    var wrapper = document.createElement("div");
    wrapper.className = "filter";
    var label = document.createElement("label");
    var input = document.createElement("input");
    var count = document.createElement("p");
    input.type = "search";
    input.id = "diagnosis-filter";
    input.autocomplete = "off";
    label.htmlFor = input.id;
    label.textContent = text.filterLabel;
    count.className = "hint";
    count.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(count);
    fieldset.insertBefore(wrapper, list);
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));

    // Enter in the box must not send the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    input.addEventListener("input", function () {
      var query = fold(input.value.trim());
      var shown = 0;
      items.forEach(function (li) { li.hidden = query !== ""; });
      items.forEach(function (li) {
        var own = li.querySelector(":scope > .check");
        var box = own && own.querySelector("input");
        var matches = query === "" || fold(own ? own.textContent : "").indexOf(query) !== -1 ||
          (box && box.checked);
        if (!matches) return;
        shown += 1;
        // Show the match, its parents (for context) and its sub-diagnoses.
        for (var node = li; node && node !== list; node = node.parentElement) {
          if (node.tagName === "LI") node.hidden = false;
        }
        li.querySelectorAll("li").forEach(function (child) { child.hidden = false; });
      });
      count.textContent = query === "" ? "" :
        shown ? fill(text.filterCount, { count: shown.toLocaleString(pageLang()) }) :
        text.filterNone;
    });
  }

  /* ---- copy the private link (receipt page) ------------------------------------------------ */

  // Without this script the link sits in a read-only field, ready to select and copy by hand.
  function setUpCopy(button) {
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    var status = document.querySelector("[data-copy-status]");
    if (!field) return;
    field.addEventListener("focus", function () { field.select(); });
    function say(text) { if (status) status.textContent = text; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () { say(button.getAttribute("data-copied")); };
      var failed = function () { say(button.getAttribute("data-copy-failed")); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, failed);
      } else {
        try { (document.execCommand("copy") ? done : failed)(); } catch (e) { failed(); }
      }
    });
  }

  /* ---- start ------------------------------------------------------------------------------ */

  function start() {
    var store = storage();
    if (store) clearDrafts(store);
    document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
      var text = messages(form);
      form.querySelectorAll("[data-max-chars]").forEach(function (field) { setUpCounter(field, text); });
      form.querySelectorAll("[data-filter-list]").forEach(function (set) { setUpFilter(set, text); });
      if (store) setUpDraft(form, store);
    });
    document.querySelectorAll("[data-copy-from]").forEach(setUpCopy);
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
