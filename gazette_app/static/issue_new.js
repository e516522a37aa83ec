// The running count of documents and pages chosen for the new issue; the page works without it
// (the count shown by the server is then the proposal's).
(function () {
  "use strict";
  var form = document.getElementById("new-issue");
  var count = document.getElementById("chosen-count");
  if (!form || !count) { return; }
  var format = new Intl.NumberFormat("vi-VN");
  function update() {
    var boxes = form.querySelectorAll("input[name=document]:checked");
    var pages = 0;
    Array.prototype.forEach.call(boxes, function (box) {
      pages += parseInt(box.getAttribute("data-pages"), 10) || 0;
    });
    count.textContent = format.format(boxes.length) + " văn bản, " + format.format(pages) + " trang";
  }
  count.setAttribute("aria-live", "polite");
  form.addEventListener("change", update);
}());
