// oos-kg: start YASGUI on the page's SPARQL endpoint, with the example queries listed beside it.
// Configuration comes from the page's <script type="application/json" id="oos-kg-config">.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("oos-kg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var examples = config.examples || [];

  // Switch off everything that would reach beyond this origin. lodash's merge combines arrays
  // index by index, so the autocompleter list is set on the defaults rather than merged in:
  // "class" and "property" would query Linked Open Vocabularies on the web; "prefixes" uses
  // YASQE's bundled list (prefixCcApi stays null) and "variables" reads the query itself.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  Yasgui.Yasqe.defaults.createShortLink = undefined;

  // A tab is named by its example's title, cut short: "Rebuilds Table 2: one row per ..." is
  // named "Rebuilds Table 2"; the list beside the editor keeps the whole title.
  function tabName(title) {
    var head = title.split(":")[0].trim();
    return head.length > 40 ? head.slice(0, 39) + "\u2026" : head;
  }

  var first = examples.length ? examples[0] : null;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "oos-kg-yasgui",
    corsProxy: undefined,
    copyEndpointOnNewTab: false,
    tabName: first ? tabName(first.title) : "Query",
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
    },
    yasqe: first ? { value: first.query } : {},
  });
  window.oosKgYasgui = yasgui;

  function openExample(index) {
    var example = examples[index];
    yasgui.addTab(
      true,
      { name: tabName(example.title), yasqe: { value: example.query }, requestConfig: { endpoint: endpoint } },
      { avoidDuplicateTabs: true }
    );
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.oos-kg-example"), function (b) {
    b.addEventListener("click", function () { openExample(Number(b.dataset.index)); });
  });
})();
