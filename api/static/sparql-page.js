// The SPARQL page: YASGUI on this server's endpoint only (no endpoint catalogue, no
// autocompletion from other hosts, nothing kept from another session), the named queries
// as examples, and the CSV link following the editor's query.
(function () {
  "use strict";
  const endpoint = window.location.origin + "/sparql";
  const examples = JSON.parse(document.getElementById("examples").textContent);
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    persistenceId: null,
    yasqe: { autocompleters: ["variables", "prefixes"] },  // "class" and "property" ask lov.linkeddata.es
  });
  const csv = document.getElementById("csv");

  function follow() {
    const tab = yasgui.getTab();
    csv.href = "/sparql/table.csv?query=" + encodeURIComponent(tab.getQuery());
  }

  document.querySelectorAll("a[data-example]").forEach((a) => {
    a.addEventListener("click", (event) => {
      event.preventDefault();
      const tab = yasgui.getTab();
      tab.setQuery(examples[a.dataset.example]);
      follow();
    });
  });
  yasgui.on("query", follow);
  yasgui.on("tabChange", follow);
  follow();
})();
