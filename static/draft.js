/* Keeps what is typed into a form marked `data-draft-key` in this browser until the server has it:
   following a link and coming back (or a lost connection) loses nothing. The copy is tied to the
   version of the saved record (`data-draft-version`): once the server has saved a newer version (a
   save, a refusal kept as a draft, someone else's change), the browser's copy is dropped and the
   page shows what the server holds. No other script runs on the pages. */
(function () {
  "use strict";
  var store;
  try {
    store = window.localStorage;
    store.getItem("cpas-probe");
  } catch (e) {
    return; // storage switched off: the server-side draft still keeps refused input
  }
  var SKIPPED = { hidden: 1, submit: 1, button: 1, file: 1, password: 1 };

  function typedFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIPPED[el.type];
    });
  }

  function read(form) {
    var data = {};
    typedFields(form).forEach(function (el) {
      if (el.type === "checkbox") {
        data[el.name] = el.checked;
      } else if (el.type === "radio") {
        if (el.checked) data[el.name] = el.value;
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function apply(form, data) {
    var changed = false;
    typedFields(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(data, el.name)) return;
      var value = data[el.name];
      if (el.type === "checkbox") {
        if (el.checked !== !!value) { el.checked = !!value; changed = true; }
      } else if (el.type === "radio") {
        var on = el.value === value;
        if (el.checked !== on) { el.checked = on; changed = true; }
      } else if (el.value !== value) {
        el.value = value;
        changed = true;
      }
    });
    return changed;
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key]"), function (form) {
    var key = "cpas-draft:" + form.getAttribute("data-draft-key");
    var version = form.getAttribute("data-draft-version") || "";
    var kept = null;
    try {
      kept = JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      kept = null;
    }
    if (kept && kept.version === version && kept.fields) {
      if (apply(form, kept.fields)) {
        var note = document.querySelector(".draft-restored");
        if (note) note.hidden = false;
      }
    } else if (kept) {
      store.removeItem(key); // the server holds a newer version: its page is what counts
    }
    function save() {
      try {
        store.setItem(key, JSON.stringify({ version: version, fields: read(form), at: Date.now() }));
      } catch (e) {
        /* storage full: the server-side draft is kept on the next save anyway */
      }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  });
})();
