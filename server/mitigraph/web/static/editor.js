/*
 * The SPARQL editor of /sparql: YASGUI with one tab per example query, and result IRIs of our namespace
 * linked to this server's /id/ pages. The configuration comes from the page (#editor-config, written by
 * mitigraph.web.editor): {endpoint, base, pages, tabs: [{name, query}]}.
 *
 * Tabs are not kept between visits (no persistence): every visit shows the examples as they are. A link
 * /sparql?query=... opens that query: in its example's tab when it is an example, else in a tab of its own.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const LINKED_TAB_NAME = "Linked query";
  const EMPTY_TAB_NAME = "Query";

  /* The page of one of our IRIs on this server, or null for an IRI outside our namespace. */
  function localPage(iri) {
    if (!iri.startsWith(config.base) || iri.length === config.base.length) {
      return null;
    }
    return config.pages + iri.slice(config.base.length);
  }

  /* YASR's table writes each IRI as <a class="iri" href="IRI">; ours point at this server instead. */
  const table = Yasgui.Yasr.plugins.table;
  const iriLink = table.prototype.getUriLinkFromBinding;
  table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    const html = iriLink.call(this, binding, prefixes);
    const page = localPage(binding.value);
    if (page === null) {
      return html;
    }
    const holder = document.createElement("template");
    holder.innerHTML = html;
    for (const link of holder.content.querySelectorAll("a.iri")) {
      link.setAttribute("href", page);
      link.setAttribute("title", binding.value);
    }
    return holder.innerHTML;
  };

  function sameQuery(left, right) {
    return left.trim().replace(/\r\n/g, "\n") === right.trim().replace(/\r\n/g, "\n");
  }

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: false,
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint: config.endpoint },
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }], keys: [] },
  });

  function tab(name, query) {
    return {
      ...Yasgui.Tab.getDefaults(),
      name: name,
      requestConfig: { endpoint: config.endpoint },
      yasqe: { value: query },
    };
  }

  const linked = new URLSearchParams(window.location.search).get("query");
  const linkedExample = linked === null ? -1 : config.tabs.findIndex((t) => sameQuery(t.query, linked));
  if (linked !== null && linkedExample === -1) {
    yasgui.addTab(true, tab(LINKED_TAB_NAME, linked));
  }
  config.tabs.forEach((example, index) => {
    const opened = linkedExample === index || (linked === null && index === 0);
    yasgui.addTab(opened, tab(example.name, example.query));
  });
  if (config.tabs.length === 0 && linked === null) {
    yasgui.addTab(true, tab(EMPTY_TAB_NAME, ""));
  }
})();
