// Пульт куратора: small helpers, no external code. Pages work without it (forms are plain forms).
(function () {
  "use strict";
  // The server stops some time after the last page was closed: open pages say they are alive.
  setInterval(function () { fetch("/alive", {credentials: "same-origin"}).catch(function () {}); }, 20000);

  // A form is sent once: its buttons are disabled after the first press.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.method && form.method.toLowerCase() === "post") {
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });

  // Drag and drop: files dropped on a form's area go into its file field, then the form is sent.
  document.querySelectorAll("form.drop").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { form.classList.remove("over"); });
    });
    form.addEventListener("drop", function (e) {
      e.preventDefault();
      if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
      input.files = e.dataTransfer.files;
      form.requestSubmit();
    });
  });

  // A chosen file is named beside its button (the browser's own words may be in English).
  document.querySelectorAll("input.file").forEach(function (input) {
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      var shown = input.parentNode.querySelector(".chosen");
      if (shown) { shown.textContent = names.length ? names.join(", ") : "файл не выбран"; }
    });
  });

  // Problems page: re-check by itself when a book is saved (its mtime changes).
  var watch = document.getElementById("watch");
  if (watch) {
    setInterval(function () {
      fetch(watch.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(function (d) { if (d.signature !== watch.dataset.signature) { location.reload(); } })
        .catch(function () {});
    }, 1500);
  }

  // Long work: the progress bar follows the job; the page shows the result when it ends.
  var job = document.getElementById("job");
  if (job) {
    var bar = document.getElementById("bar"), stage = document.getElementById("stage");
    setInterval(function () {
      fetch(job.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
        if (d.state !== "running") { location.reload(); return; }
        stage.textContent = d.stage;
        if (d.total) { bar.max = d.total; bar.value = d.done; } else { bar.removeAttribute("value"); }
      }).catch(function () {});
    }, 700);
  }
})();
