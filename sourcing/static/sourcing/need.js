// The need's text: how many characters are left, updated while typing (the limit
// itself is the textarea's maxlength and the server's check; this only tells).
(function () {
  "use strict";
  var area = document.getElementById("id_q");
  var note = document.getElementById("need-limit");
  if (!area || !note) { return; }
  var limit = parseInt(note.getAttribute("data-limit"), 10);
  var template = note.getAttribute("data-template");
  note.setAttribute("aria-live", "polite");
  var lang = document.documentElement.lang || undefined;
  function update() {
    var left = Math.max(0, limit - area.value.length);
    note.textContent = template.replace("{left}", left.toLocaleString(lang)).replace("{limit}", limit.toLocaleString(lang));
  }
  area.addEventListener("input", update);
  update();
}());
