/* Small page behaviours declared in the markup, so that no page needs inline script
   (Content-Security-Policy: script-src 'self').
   - <form data-confirm="…">: asks before submitting; <button data-confirm="…">: asks before
     submitting through that button (one form with several actions).
   - <form data-confirm-dialog="id">: a submit that does not come from the open dialog (Enter in
     a field) opens that Bootstrap dialog instead; its own submit button then submits.
   - <button data-busy="正在校验…">: disables itself and shows the text while the form submits.
   - <button data-print>: prints the page.
   - <a data-filter-form="id">: on click, takes the current values of that filter form as its
     query string (empty values left out). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var dialogId = form.getAttribute && form.getAttribute("data-confirm-dialog");
    var dialog = dialogId && document.getElementById(dialogId);
    if (dialog && !dialog.classList.contains("show") && window.bootstrap) {
      event.preventDefault();
      window.bootstrap.Modal.getOrCreateInstance(dialog).show();
      return;
    }
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    var busy = form.querySelector && form.querySelector("button[data-busy]");
    if (busy) {
      window.setTimeout(function () {
        busy.disabled = true;
        busy.textContent = busy.getAttribute("data-busy");
      }, 0);
    }
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print], a[data-filter-form]") : null;
    if (!target) { return; }
    if (target.hasAttribute("data-print")) {
      window.print();
      return;
    }
    var form = document.getElementById(target.getAttribute("data-filter-form"));
    if (!form) { return; }
    var query = new URLSearchParams(new FormData(form));
    Array.from(query.entries()).forEach(function (pair) {
      if (!pair[1]) { query.delete(pair[0]); }
    });
    target.href = target.pathname + "?" + query.toString();
  });
})();
