// Progressive enhancement only: every page works without it. No inline script (CSP: script-src 'self').
document.addEventListener("DOMContentLoaded", function () {
  // filters: apply a select or checkbox as soon as it changes
  document.querySelectorAll(".autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { if (el.form) { el.form.submit(); } });
  });
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
