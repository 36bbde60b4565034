// Quoting part of a post: select words in a post, then "Quote" quotes only them.
// Without JavaScript (or without a selection) "Quote" quotes the whole post,
// and the composer lets the writer trim it.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.forum-quote");
    if (!link) return;
    var selection = window.getSelection();
    var text = selection ? selection.toString().trim() : "";
    if (!text) return;
    var body = link.closest(".forum-post").querySelector(".forum-post-body");
    if (!body || !body.contains(selection.anchorNode) || !body.contains(selection.focusNode)) return;
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("part", text.slice(0, 5000));
    link.href = url.toString();
  });
})();
