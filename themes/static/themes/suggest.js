// Live suggestions under the subject of a new request (or topic). The form works without this.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  var subject = form.querySelector("[name=" + (form.dataset.suggestField || "subject") + "]");
  var box = document.getElementById("suggestions");
  var list = document.getElementById("suggestion-list");
  if (!subject || !box || !list) return;
  // Show the suggestions right under the subject, where the eye is.
  subject.closest(".field").after(box);
  var timer = null;
  var last = "";
  function render(query, results) {
    list.textContent = "";
    results.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      var params = new URLSearchParams({ to: item.url, q: query, title: item.title, kind: item.kind });
      a.href = form.dataset.openedUrl + "?" + params.toString();
      a.textContent = item.title;
      li.appendChild(a);
      list.appendChild(li);
    });
    box.hidden = results.length === 0;
  }
  subject.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var query = subject.value.trim();
      if (query === last) return;
      last = query;
      if (query.length < 2) { render(query, []); return; }
      fetch(form.dataset.suggestUrl + "?" + new URLSearchParams({ q: query }), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (data.query === last) render(query, data.results || []); })
        .catch(function () { render(query, []); });
    }, 250);
  });
})();
