// Progressive enhancement only: every page works without it. No inline script (CSP: script-src 'self').
document.addEventListener("DOMContentLoaded", function () {
  // filters: apply a select or checkbox as soon as it changes
  document.querySelectorAll(".autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { if (el.form) { el.form.submit(); } });
  });
  // a field's provenance box: drawn over the page image where the value was read
  var wrap = document.getElementById("pagewrap");
  var mark = document.getElementById("highlight");
  var locate = function (row) {
    if (!wrap || !mark || !row.dataset.box) { return; }
    if (row.dataset.page !== wrap.dataset.page) {
      var url = new URL(window.location.href);
      url.searchParams.set("trang", row.dataset.page);
      url.hash = row.id;
      window.location.assign(url.toString());
      return;
    }
    var b = row.dataset.box.split(",").map(Number);
    var pad = 0.004;
    mark.style.left = ((b[0] - pad) * 100) + "%";
    mark.style.top = ((b[1] - pad) * 100) + "%";
    mark.style.width = ((b[2] - b[0] + 2 * pad) * 100) + "%";
    mark.style.height = ((b[3] - b[1] + 2 * pad) * 100) + "%";
    mark.hidden = false;
    document.querySelectorAll("tr.located").forEach(function (r) { r.classList.remove("located"); });
    row.classList.add("located");
    mark.scrollIntoView({block: "nearest"});
  };
  document.querySelectorAll("tr[data-box]").forEach(function (row) {
    var th = row.querySelector("th") || row.querySelector("td.source");   // a field's name, a task's source
    var button = row.querySelector("button.locate");
    if (th) { th.addEventListener("click", function () { locate(row); }); }
    if (button) { button.addEventListener("click", function () { locate(row); }); }
  });
  if (window.location.hash) {
    var target = document.getElementById(window.location.hash.slice(1));
    if (target && target.dataset && target.dataset.box) { locate(target); }
  }
  // page image missing (original file not found): say so instead of a broken image
  var img = document.getElementById("page-image");
  if (img) {
    var missing = function () {
      img.hidden = true;
      var note = img.parentNode.querySelector(".nofile");
      if (note) { note.hidden = false; }
    };
    img.addEventListener("error", missing);
    if (img.complete && img.naturalWidth === 0) { missing(); }
  }
});
