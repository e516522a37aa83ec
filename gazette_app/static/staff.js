// The staff pages' small helpers; every page works without them.
// 1. The menu on a phone: one "Danh mục" button opens and closes the list of pages (the list
//    stays open without this script, and from tablet width up the button is not shown).
(function () {
  "use strict";
  var list = document.getElementById("nav-list");
  if (!list || !window.matchMedia) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "gz-link-button gz-nav__toggle";
  button.textContent = "Danh mục";
  button.setAttribute("aria-controls", "nav-list");
  button.setAttribute("aria-expanded", "false");
  list.parentNode.insertBefore(button, list);
  var phone = window.matchMedia("(max-width: 40.0525em)");
  function apply() {
    var open = button.getAttribute("aria-expanded") === "true";
    list.hidden = phone.matches && !open;
  }
  button.addEventListener("click", function () {
    button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
    apply();
  });
  if (phone.addEventListener) { phone.addEventListener("change", apply); }
  apply();
}());

// 2. File pickers: the browser's own button ("Choose Files", in its language) is hidden behind a
//    Vietnamese one; the names of the chosen files are said below it.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-file-label]"), function (input) {
    var said = document.querySelector("[data-file-chosen='" + input.id + "']");
    if (!said) { return; }
    function show() {
      var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      said.textContent = names.length ? "Đã chọn: " + names.join(", ") : "Chưa chọn tệp nào.";
    }
    input.addEventListener("change", show);
    show();
  });
}());

// 3. A shortened hash: "chép mã" copies the whole value to the clipboard.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("button.gz-copy[data-copy]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = "đã chép";
      });
    });
  });
}());
