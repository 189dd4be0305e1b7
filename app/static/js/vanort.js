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

  /* A form shown again with its errors: the summary above it takes the focus (the
     autofocus attribute does so too; this covers browsers that ignore it on a div), and
     each of its links puts the focus in the field it names, with the field's label in view. */
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary && (document.activeElement === document.body || !document.activeElement)) {
    summary.focus();
  }
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  });

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
