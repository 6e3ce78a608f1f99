// The queue's keys: 1-3 accept a candidate, / search, n new unit, s skip, u undo.
// Keys typed into a field are the field's own, except Escape, which leaves it.
document.addEventListener("keydown", function (e) {
  var t = e.target, tag = (t && t.tagName) || "";
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
    if (e.key === "Escape") t.blur();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || !document.getElementById("queue")) return;
  var click = function (id) { var b = document.getElementById(id); if (b && !b.disabled) { e.preventDefault(); b.click(); } };
  if (e.key >= "1" && e.key <= "3") click("accept-" + e.key);
  else if (e.key === "s") click("skip");
  else if (e.key === "u") click("undo");
  else if (e.key === "/") { var s = document.getElementById("search"); if (s) { e.preventDefault(); s.focus(); } }
  else if (e.key === "n") {
    var d = document.getElementById("new-unit");
    if (d) { e.preventDefault(); d.open = true; document.getElementById("new-name").focus(); }
  }
});
// A refused request (no name, stale form) shows its reason instead of doing nothing.
document.addEventListener("htmx:responseError", function (e) {
  var box = document.getElementById("notice");
  if (box) box.innerHTML = e.detail.xhr.responseText;
});
