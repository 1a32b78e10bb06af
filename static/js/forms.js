// Every POST form carries a one-time key (the server answers a repeat with the first answer),
// and its submit buttons are disabled while it is being sent, so a double click sends once.
(function () {
  "use strict";
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function prepare(root) {
    var forms = (root || document).querySelectorAll("form[method=post], form[method=POST]");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.querySelector("input[name=idempotency_key]")) return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "idempotency_key";
      input.value = newKey();
      form.appendChild(input);
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") return;
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    // Disable after the browser has taken the clicked button's name and value.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
        .forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-busy", "true");
        });
    }, 0);
  });
  // Back from the next page (bfcache), or an htmx swap that kept the form: usable again.
  function release() {
    document.querySelectorAll("form[data-sending='1']").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll("[aria-busy=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  }
  window.addEventListener("pageshow", release);
  document.addEventListener("htmx:afterRequest", release);
  document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  document.addEventListener("htmx:load", function (event) { prepare(event.target); });
})();
