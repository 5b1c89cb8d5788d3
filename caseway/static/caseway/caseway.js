// Quick exit: leave at once for a neutral site and replace this page in the history,
// so the Back button cannot bring it back. Esc pressed twice does the same.
(function () {
  "use strict";
  var lastEscape = 0;
  function leave(event) {
    var link = document.getElementById("quick-exit");
    if (!link) return;
    if (event) event.preventDefault();
    document.body.style.visibility = "hidden";
    window.location.replace(link.href);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#quick-exit");
    if (link) leave(event);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1000) leave(event);
    lastEscape = now;
  });
  // Selects marked data-autosubmit submit their form on change (the button stays for no-JS use).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) field.form.requestSubmit();
  });
})();
