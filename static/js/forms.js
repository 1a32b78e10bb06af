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
  function release(form) {
    delete form.dataset.sending;
    form.querySelectorAll("[aria-busy=true]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }
  // Back from the next page (bfcache): every form usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending='1']").forEach(release);
  });
  // An htmx post that kept its form on the page: that form usable again. A search or a list of
  // options answering while another form is being sent leaves that form disabled.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var verb = ((event.detail && event.detail.requestConfig) || {}).verb || "";
    var form = elt && elt.closest ? elt.closest("form") : null;
    if (form && verb.toLowerCase() !== "get" && form.dataset.sending === "1") release(form);
  });
  document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  document.addEventListener("htmx:load", function (event) { prepare(event.target); });
})();
