// Type-ahead under a search box: suggestions as links, reachable by keyboard (ARIA combobox).
// The search form submits normally without this.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest-url]").forEach(function (input, n) {
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "typeahead";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.suggestLabel || "");
    list.hidden = true;
    input.closest(".search-form__row").after(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    var timer = null, last = "", active = -1;
    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    function render(results) {
      list.textContent = "";
      results.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var a = document.createElement("a");
        a.href = item.url;
        a.tabIndex = -1;
        a.textContent = item.title;
        li.appendChild(a);
        list.appendChild(li);
      });
      if (results.length) {
        list.hidden = false; active = -1;
        input.setAttribute("aria-expanded", "true");
      } else { close(); }
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = input.value.trim();
        if (query === last) return;
        last = query;
        if (query.length < 2) { render([]); return; }
        fetch(input.dataset.suggestUrl + "?" + new URLSearchParams({ q: query }), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (data.query === last) render(data.results || []); })
          .catch(function () { render([]); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  });
})();
