// Suggestions as you type in any search box marked data-suggest: the search page's own
// JSON (/search?q=…&format=json), shown as links under the box. Without JavaScript the
// form still submits to the results page.
(function () {
  "use strict";
  const KINDS = [["statutes", "法规", (s) => "/statutes/" + encodeURIComponent(s.key), (s) => s.title + (s.doc_number ? "（" + s.doc_number + "）" : "")],
                 ["services", "事项", (s) => "/services/" + s.number, (s) => s.number + ". " + s.title],
                 ["agencies", "部门", (a) => "/agencies/" + encodeURIComponent(a.key), (a) => a.name]];

  function attach(input) {
    const list = document.createElement("ul");
    list.className = "suggest";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    input.parentNode.appendChild(list);
    let timer = null, asked = "";

    async function suggest() {
      const q = input.value.trim();
      if (q === asked) return;
      asked = q;
      if (!q) { list.hidden = true; return; }
      const response = await fetch("/search?format=json&limit=5&q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}});
      if (!response.ok || q !== asked) return;
      const data = await response.json();
      list.replaceChildren();
      for (const [field, word, href, text] of KINDS) {
        for (const item of data[field].items) {
          const li = document.createElement("li");
          const a = document.createElement("a");
          a.href = href(item);
          const kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = word;
          a.append(kind, text(item));
          li.appendChild(a);
          list.appendChild(li);
        }
      }
      list.hidden = list.children.length === 0;
    }

    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 150); });
    input.addEventListener("keydown", (event) => {
      const links = [...list.querySelectorAll("a")];
      const at = links.findIndex((a) => a.classList.contains("active"));
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (at >= 0) links[at].classList.remove("active");
        const next = links[(at + (event.key === "ArrowDown" ? 1 : links.length - 1)) % links.length];
        if (next) next.classList.add("active");
      } else if (event.key === "Enter" && at >= 0) {
        event.preventDefault();
        window.location.href = links[at].href;
      } else if (event.key === "Escape") {
        list.hidden = true;
      }
    });
    document.addEventListener("click", (event) => { if (!input.parentNode.contains(event.target)) list.hidden = true; });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
