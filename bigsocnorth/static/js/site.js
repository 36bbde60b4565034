// The header's menu works without this file (it is a <details> element).
// With it, Escape closes the open menu and puts the focus back on its button.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector(".site-menu[open]");
    if (!menu || getComputedStyle(menu.querySelector("summary")).display === "none") return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
