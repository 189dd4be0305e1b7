/* Vänort: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  /* A button[data-copy] copies the value of the field it names and says so in the
     element named by data-status. Without script the button stays hidden and the
     read-only field can be selected and copied by hand. */
  function copyText(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field) {
      return;
    }
    button.hidden = false;
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      copyText(field).then(
        function () { if (status) { status.textContent = status.getAttribute("data-copied"); } },
        function () {
          field.focus();
          field.select();
          if (status) { status.textContent = status.getAttribute("data-failed"); }
        }
      );
    });
  });
})();
