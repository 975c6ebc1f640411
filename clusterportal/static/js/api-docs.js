/**
 * The API documentation page: Swagger UI's copy buttons carry only an icon; give each a
 * name a screen reader can read (the page's data-copy-label, in the visitor's language).
 */
(function () {
  "use strict";
  var label = document.body.dataset.copyLabel || "Copy";
  function name(root) {
    root.querySelectorAll(".copy-to-clipboard button:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", label);
    });
  }
  new MutationObserver(function () { name(document); }).observe(document.body, {
    childList: true,
    subtree: true,
  });
  name(document);
})();
